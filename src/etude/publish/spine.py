"""The deck's spine: the restitution's outline, and a run's slides in that order.

``slides.html`` and ``slides.pptx`` are both drawn from one description, :func:`outline`, the 2017 restitution's:
a title slide (the meeting: :func:`meeting`), « L'essentiel » (the computed headings of the slides whose cell is
marked ``etude.essential``), the contents, then each section of :data:`SECTIONS` — 1 the GT's 2017 objectives and
indicators; 2 its results (sub-groups and their organisations, INNOV'EMBER, the Sciences Po Lille report); 3 the
barriers on each side, each followed by the restitution's remedies and quotation (:mod:`etude.publish.restitution`)
and the study's shares of those remedies; 4 the 9 solutions; 5 the objectives for the next year —, then what this
study adds (comparison, barriers to objectives, waves and indicators, DECP, meetings), method and limits, sources,
and a closing slide with the contacts.

A notebook's slide cell (``slideshow.slide_type`` ``slide`` or ``subslide``) declares its section in its
metadata, ``{"etude": {"section": "barriers_buyers"}}``; a cell that declares none takes its notebook's
(notebook metadata ``etude.section``), else :data:`OTHER`. ``fragment`` and ``notes`` cells follow the slide
they belong to. Within a section, slides keep the notebooks' order.

Examples
--------
>>> import nbformat
>>> cell = nbformat.v4.new_markdown_cell("## Les acheteurs citent d'abord le temps",
...     metadata={"slideshow": {"slide_type": "slide"}, "etude": {"section": "barriers_buyers", "essential": True}})
>>> nb = nbformat.v4.new_notebook(cells=[cell])
>>> [(s["role"], s["section"]) for s in outline([("02_freins", nb)], {"simulated": True})][:4]
[('title', ''), ('essential', ''), ('contents', ''), ('objectives', 'objectives')]
>>> section_label("barriers_buyers")
'3.1. Freins identifiés — côté acheteurs'
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from etude import words
from etude.publish import formats, reading, restitution, runinfo
from etude.publish.present.show import unescape_text
from etude.publish.reference_text import citation

__all__ = ["SECTIONS", "OTHER", "section_keys", "section_label", "cell_section", "outline",
           "unknown_sections", "notebook_slides", "notebook_parts", "report_outline", "meeting", "cell_heading"]

#: The deck's sections in the restitution's order: key → number (their titles are the catalogue's,
#: ``spine.section_<key>``).
SECTIONS: dict[str, str] = {
    "objectives": "1", "results": "2", "barriers_buyers": "3.1", "barriers_companies": "3.2", "solutions": "4",
    "objectives_next": "5", "comparison": "6.1", "remedies": "6.2", "indicators": "6.3", "decp": "6.4",
    "meetings": "6.5", "other": "6.6", "method": "7", "sources": "8",
}
#: The section of a slide that declares none (and whose notebook declares none).
OTHER = "other"

_OPENERS = ("slide", "subslide")
_IN_DECK = ("slide", "subslide", "fragment")


def section_keys() -> list[str]:
    """The section keys in deck order.

    >>> section_keys()[:3]
    ['objectives', 'results', 'barriers_buyers']
    """
    return list(SECTIONS)


def section_label(key: str, lang: str = "fr") -> str:
    """« 3.1. Freins identifiés — côté acheteurs »: the section's number and title, numbered as in the
    restitution (an unknown key: :data:`OTHER`, which has no number)."""
    key = key if key in SECTIONS else OTHER
    title = words.text(f"spine.section_{key}", lang)
    return words.text("spine.numbered", lang, number=SECTIONS[key], title=title) if SECTIONS[key] else title


def _declared(metadata: Any) -> str | None:
    value = ((metadata or {}).get("etude") or {}).get("section")
    return str(value) if value else None


def cell_section(cell: Any, nb: Any = None) -> str:
    """The section a cell declares (cell metadata ``etude.section``), else its notebook's, else :data:`OTHER`.

    A key that is not in :data:`SECTIONS` counts as :data:`OTHER` (:func:`unknown_sections` lists them).
    """
    key = _declared(cell.get("metadata")) or _declared(getattr(nb, "metadata", None) if nb is not None else None)
    return key if key in SECTIONS else OTHER


def unknown_sections(notebooks: Iterable[tuple[str, Any]]) -> list[tuple[str, int, str]]:
    """``(notebook, cell index, key)`` for each declared section key that :data:`SECTIONS` does not know."""
    found = []
    for name, nb in notebooks:
        for where, metadata in [(-1, nb.metadata), *enumerate(c.get("metadata") for c in nb.cells)]:
            key = _declared(metadata)
            if key and key not in SECTIONS:
                found.append((name, where, key))
    return found


def notebook_slides(name: str, nb: Any) -> list[dict[str, Any]]:
    """The slides of one notebook, in its order: each with its ``cells`` (content) and ``notes`` (cells)."""
    slides: list[dict[str, Any]] = []
    current = None
    for cell in reading.reading_copy(nb).cells:  # the cells readers see
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if kind not in (*_IN_DECK, "notes"):
            continue
        if current is None or kind in _OPENERS:
            current = {"role": "cells", "notebook": name, "section": cell_section(cell, nb),
                       "stack": "subslide" if kind == "subslide" else "slide", "cells": [], "notes": [],
                       "title": reading.notebook_title(nb, ""), "nb_metadata": nb.metadata}
            slides.append(current)
        (current["notes"] if kind == "notes" else current["cells"]).append(cell)
    return [s for s in slides if s["cells"]]


def notebook_parts(name: str, nb: Any) -> list[dict[str, Any]]:
    """A notebook's reading copy (every cell a reader sees, not only the slides') cut where a slide cell opens
    another section: the report's pieces, in the notebook's order, each placed in its section as the slides are.

    Cells before the first slide cell go with it. Each part has ``role`` ``part``, ``section``, ``notebook``,
    ``cells``, ``nb_metadata`` and ``first`` (the notebook's first part).

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Freins"),
    ...     nbformat.v4.new_markdown_cell("## A", metadata={"slideshow": {"slide_type": "slide"},
    ...                                                      "etude": {"section": "barriers_buyers"}}),
    ...     nbformat.v4.new_markdown_cell("## B", metadata={"slideshow": {"slide_type": "slide"},
    ...                                                      "etude": {"section": "comparison"}})])
    >>> [(p["section"], len(p["cells"]), p["first"]) for p in notebook_parts("02", nb)]
    [('barriers_buyers', 2, True), ('comparison', 1, False)]
    """
    cells = reading.reading_copy(nb).cells
    opens = [cell_section(c, nb) for c in cells
             if c.get("metadata", {}).get("slideshow", {}).get("slide_type") in _OPENERS]
    parts: list[dict[str, Any]] = []
    section = opens[0] if opens else cell_section({}, nb)
    for cell in cells:
        if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") in _OPENERS:
            section = cell_section(cell, nb)
        if not parts or parts[-1]["section"] != section:
            parts.append({"role": "part", "section": section, "notebook": name, "cells": [],
                          "nb_metadata": nb.metadata, "first": not parts})
        parts[-1]["cells"].append(cell)
    return parts


def _generated(role: str, section: str, heading: str, lines: list[str], notes: str = "") -> dict[str, Any]:
    return {"role": role, "section": section, "notebook": "", "stack": "slide", "heading": heading,
            "lines": [x for x in lines if x], "notes_text": notes}


def _objectives_slide(lang: str) -> dict[str, Any] | None:
    """The GT's 2017 objectives and the indicators it set (published counts), from the reference table."""
    from etude.errors import InputError
    from etude.survey import reference
    try:
        objectives = reference.gt_texts("objectif_2017_", lang=lang)
        counts = reference.published_counts()
    except (InputError, OSError, KeyError, ValueError):  # a repository without the reference table: no slide
        return None
    if objectives.empty:
        return None
    totals = counts[counts["attribute"].isna()].set_index("population")["n"]
    if {"buyers", "companies"} <= set(totals.index):
        heading = words.text("spine.objectives", lang, n=formats.number(len(objectives), lang=lang),
                             buyers=formats.number(int(totals["buyers"]), lang=lang),
                             companies=formats.number(int(totals["companies"]), lang=lang))
    else:
        heading = words.text("spine.objectives_bare", lang)
    source = citation(str(objectives["source"].iloc[0]), lang)
    return _generated("objectives", "objectives", heading, [str(x) for x in objectives["text"]],
                      words.text("spine.objectives_notes", lang, source=source))


def _results_slides(lang: str) -> list[dict[str, Any]]:
    """Section 2 as the restitution tells it: the sub-groups and their organisations, INNOV'EMBER, the report."""
    out = []
    groups = restitution.subgroup_lines(lang)
    if groups:
        out.append(_generated("text", "results", words.text("spine.subgroups", lang, count=len(groups)), groups,
                              words.text("spine.subgroups_notes", lang)))
    event = restitution.innovember_heading(lang)
    if event:
        out.append(_generated("text", "results", event, restitution.innovember_lines(lang),
                              words.text("spine.innovember_notes", lang)))
    report = restitution.report_lines(lang)
    if report:
        out.append(_generated("text", "results", words.text("spine.report", lang), report,
                              words.text("spine.report_notes", lang)))
    return out


def _remedies_slide(population: str, lang: str) -> dict[str, Any] | None:
    """« Pour y remédier » on one side, with the restitution's quotation: after that side's barriers."""
    heading = restitution.remedy_heading(population, lang)
    if not heading:
        return None
    return _generated("text", f"barriers_{population}", heading, [restitution.quotation(population, lang)],
                      words.text(f"spine.remedies_notes_{population}", lang))


def _solutions_slides(lang: str) -> list[dict[str, Any]]:
    """Section 4: the 9 solutions, whole, on two slides (as in the restitution: 5, then 4 and its note)."""
    lines = restitution.solution_lines(lang)
    if not lines:
        return []
    half = (len(lines) + 1) // 2
    notes = words.text("spine.solutions_notes", lang)
    return [_generated("text", "solutions", words.text("spine.solutions", lang, n=len(lines), first=1, last=half),
                       lines[:half], notes),
            _generated("text", "solutions", words.text("spine.solutions", lang, n=len(lines), first=half + 1,
                                                       last=len(lines)),
                       [*lines[half:], restitution.solution_note(lang)], notes)]


def _method_slide(info: dict[str, Any], lang: str) -> dict[str, Any]:
    """Method and limits in one place: what the data are (simulated or not), bases, intervals, the small-cell rule."""
    heading = (words.text("spine.method_simulated", lang) if info.get("simulated")
               else words.text("spine.method_real", lang, waves=runinfo.waves_text(info) or "—"))
    method = str((info.get("parameters") or {}).get("ci_method") or "wilson")
    ci = (words.text("spine.ci_wilson", lang) if method == "wilson"
          else words.text("spine.ci_other", lang, method=method))
    data = "spine.method_data_simulated" if info.get("simulated") else "spine.method_data_real"
    lines = [words.text(data, lang), words.text("spine.method_shares", lang),
             words.text("spine.method_ci", lang, ci=ci), info.get("rule") or ""]
    return _generated("method", "method", heading, lines, words.text("spine.method_notes", lang))


def _sources_slide(info: dict[str, Any], lang: str) -> dict[str, Any]:
    """The sources as a reader cites them, then the study's own surveys (never a file name)."""
    waves = runinfo.waves_text(info)
    surveys = words.text("spine.surveys", lang, waves=waves or "—")  # simulated or not: said on the method slide
    return _generated("sources", "sources", words.text("spine.sources", lang),
                      [*restitution.source_lines(lang), surveys], words.text("spine.sources_notes", lang))


def meeting(info: dict[str, Any]) -> dict[str, Any]:
    """The meeting the deck is shown at: the study file's ``meeting`` (name, date, place, presenter,
    organisations, contacts), each key overridden by the run's own (``etude run --meeting-name …``).

    >>> meeting({"meeting": {"name": "GT du 12 mars", "place": "Lille"}, "meeting_given": {"place": "Arras"}})
    {'name': 'GT du 12 mars', 'place': 'Arras'}
    """
    given = {k: v for k, v in (info.get("meeting_given") or {}).items() if v not in (None, "")}
    return {k: v for k, v in {**(info.get("meeting") or {}), **given}.items() if v not in (None, "", [])}


def _title_slide(info: dict[str, Any], lang: str) -> dict[str, Any]:
    """The meeting's name (else the study's title), its date and place, the presenter and the organisations."""
    m = meeting(info)
    when = formats.date(str(m["date"]), lang=lang) if m.get("date") else ""
    organisations = m.get("organisations") or []
    organisations = formats.join(organisations, lang) if isinstance(organisations, list) else str(organisations)
    lines = [" · ".join(x for x in (when, str(m.get("place") or "")) if x), str(m.get("presenter") or ""),
             organisations, runinfo.study_title(lang) if m.get("name") else "",
             runinfo.waves_text(info).capitalize()]
    return _generated("title", "", str(m.get("name") or info.get("title") or runinfo.study_title(lang)), lines,
                      words.text("spine.title_notes_simulated" if info.get("simulated") else "spine.title_notes",
                                 lang))


def _closing_slide(info: dict[str, Any], lang: str) -> dict[str, Any]:
    """Thanks, and whom to write to (the meeting's ``contacts``)."""
    contacts = meeting(info).get("contacts") or []
    contacts = contacts if isinstance(contacts, list) else [contacts]
    lines = [words.text("spine.contacts", lang), *map(str, contacts)] if contacts else []
    return _generated("closing", "", words.text("spine.closing", lang), lines, words.text("spine.closing_notes", lang))


def cell_heading(cell: Any) -> str:
    """The ``##`` heading a slide cell states (its markdown, or its first markdown output); empty without one.

    >>> import nbformat
    >>> cell_heading(nbformat.v4.new_markdown_cell("Texte, puis :\\n## Les acheteurs citent le temps"))
    'Les acheteurs citent le temps'
    """
    sources = [cell.get("source", "")] if cell.get("cell_type") == "markdown" else [
        (o.get("data") or {}).get("text/markdown", "") for o in cell.get("outputs", [])]
    for text in sources:
        text = "".join(text) if isinstance(text, list) else str(text)
        for line in text.splitlines():
            if line.startswith("#"):  # as it reads: the list that repeats it escapes it again
                return unescape_text(line.lstrip("#").strip())
    return ""


def _essential_slide(slides: list[dict[str, Any]], lang: str) -> dict[str, Any] | None:
    """« L'essentiel »: the computed headings of the slides whose cell is marked ``etude.essential`` (3 to 5)."""
    found = []
    for slide in slides:
        for cell in slide.get("cells") or []:
            if ((cell.get("metadata") or {}).get("etude") or {}).get("essential") and cell_heading(cell):
                found.append(cell_heading(cell))
    if not found:
        return None
    return _generated("essential", "", words.text("spine.essential", lang), found[:5],
                      words.text("spine.essential_notes", lang))


def _with_remedies(slides: list[dict[str, Any]], population: str, lang: str) -> list[dict[str, Any]]:
    """A side's barriers, then the restitution's remedies and quotation, then the slides marked ``etude.remedies``
    (the study's shares of those remedies)."""
    generated = _remedies_slide(population, lang)
    if generated is None:
        return slides
    marked = [k for k, s in enumerate(slides)
              if any(((c.get("metadata") or {}).get("etude") or {}).get("remedies") for c in s.get("cells") or [])]
    at = marked[0] if marked else len(slides)
    return [*slides[:at], generated, *slides[at:]]


def _sections(notebooks: Iterable[tuple[str, Any]], info: dict[str, Any], lang: str, *,
              cut: Callable[[str, Any], list[dict[str, Any]]] = notebook_slides) -> dict[str, list]:
    """Every slide but the title, essential, contents and closing ones, by section (with ``cut``
    :func:`notebook_parts`, the report's pieces instead of the notebooks' slides)."""
    by_section: dict[str, list[dict[str, Any]]] = {k: [] for k in SECTIONS}
    objectives = _objectives_slide(lang)
    by_section["objectives"] += [objectives] if objectives is not None else []
    by_section["results"] += _results_slides(lang)
    for name, nb in notebooks:
        for slide in cut(name, nb):
            by_section[slide["section"]].append(slide)
    for population in ("buyers", "companies"):
        key = f"barriers_{population}"
        by_section[key] = _with_remedies(by_section[key], population, lang)
    by_section["solutions"] = _solutions_slides(lang) + by_section["solutions"]
    by_section["method"].insert(0, _method_slide(info, lang))
    by_section["sources"].insert(0, _sources_slide(info, lang))
    return by_section


def outline(notebooks: Iterable[tuple[str, Any]], info: dict[str, Any] | None = None, *,
            lang: str | None = None) -> list[dict[str, Any]]:
    """Every slide of the deck, in order: the one description ``slides.html``, ``slides.pptx`` and the report's
    order are drawn from.

    Parameters
    ----------
    notebooks : iterable of (name, NotebookNode)
        Executed notebooks, in study order.
    info : dict, optional
        :func:`etude.publish.runinfo.run_info` (title, waves, simulated, sources, rule, lang, ``meeting``).
    lang : {"fr", "en"}, optional
        Language of the generated slides (default ``info["lang"]``, else French).

    Returns
    -------
    list of dict
        Each with ``role`` (``title``, ``essential``, ``contents``, ``objectives``, ``text``, ``cells``,
        ``method``, ``sources``, ``closing``), ``section`` (a key of :data:`SECTIONS`, empty for the title,
        essential, contents and closing slides), ``notebook`` and ``stack`` (``slide``, or ``subslide`` for a
        slide a notebook puts under the previous). ``cells`` slides hold the notebook's ``cells`` and ``notes``
        (cells) and its ``title``; generated ones a ``heading``, ``lines`` and ``notes_text``. The contents
        slide's ``lines`` are the sections shown.
    """
    info, lang = _context(info, lang)
    by_section = _sections(notebooks, info, lang)
    shown = [k for k in SECTIONS if by_section[k]]
    body = [s for k in shown for s in by_section[k]]
    essential = _essential_slide(body, lang)
    contents = _generated("contents", "", words.text("spine.contents", lang), [section_label(k, lang) for k in shown],
                          words.text("spine.contents_notes", lang))
    return [_title_slide(info, lang), *([essential] if essential else []), contents, *body,
            _closing_slide(info, lang)]


def _context(info: dict[str, Any] | None, lang: str | None) -> tuple[dict[str, Any], str]:
    info = {"simulated": True, **(info or {})}
    lang = lang or info.get("lang") or "fr"
    lang = lang if lang in words.LANGS else "fr"
    return {**info, "lang": lang}, lang


def report_outline(notebooks: Iterable[tuple[str, Any]], info: dict[str, Any] | None = None, *,
                   lang: str | None = None) -> list[tuple[str, list[dict[str, Any]]]]:
    """The report's sections, in the deck's order (:func:`outline`): ``("essential", [slide])`` first, then
    each section of :data:`SECTIONS` that has something, with its generated slides (objectives, results,
    remedies, solutions, method, sources) and its notebooks' parts (:func:`notebook_parts`: every cell a reader
    sees, not only the slides').

    >>> [key for key, _ in report_outline([], {"simulated": True})][-2:]
    ['method', 'sources']
    """
    info, lang = _context(info, lang)
    by_section = _sections(notebooks, info, lang, cut=notebook_parts)
    body = [s for k in SECTIONS for s in by_section[k]]
    essential = _essential_slide(body, lang)
    return ([("essential", [essential])] if essential else []) + [(k, by_section[k]) for k in SECTIONS
                                                                   if by_section[k]]
