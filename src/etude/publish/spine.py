"""The deck's spine: the restitution's numbered sections, and a run's slides in that order.

``slides.html`` and ``slides.pptx`` are both drawn from one description, :func:`outline`: a title slide, a
contents slide, then each section of :data:`SECTIONS` in the restitution's order (objectives and indicators;
results; barriers on each side; buyers versus companies; remedies and action plan; year-on-year indicators;
meetings between supply and demand; method, sources and data status), then a closing slide with the sources.

A notebook's slide cell (``slideshow.slide_type`` ``slide`` or ``subslide``) declares its section in its
metadata, ``{"etude": {"section": "barriers_buyers"}}``; a cell that declares none takes its notebook's
(notebook metadata ``etude.section``), else :data:`OTHER` (after the results, before the method). ``fragment``
and ``notes`` cells follow the slide they belong to. Within a section, slides keep the notebooks' order.

Examples
--------
>>> import nbformat
>>> cell = nbformat.v4.new_markdown_cell("## Les acheteurs citent d'abord le temps",
...     metadata={"slideshow": {"slide_type": "slide"}, "etude": {"section": "barriers_buyers"}})
>>> first = nbformat.v4.new_markdown_cell("## Qui a répondu",
...     metadata={"slideshow": {"slide_type": "slide"}, "etude": {"section": "results"}})
>>> nb = nbformat.v4.new_notebook(cells=[cell, first])
>>> [(s["role"], s["section"]) for s in outline([("02_freins", nb)], {"simulated": True})]
... # doctest: +NORMALIZE_WHITESPACE
[('title', ''), ('contents', ''), ('objectives', 'objectives'), ('cells', 'results'),
 ('cells', 'barriers_buyers'), ('method', 'method'), ('closing', '')]
>>> section_label("barriers_buyers")
'3.1. Freins identifiés — côté acheteurs'
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from etude import words
from etude.publish import formats, reading, runinfo
from etude.publish.reference_text import citation

__all__ = ["SECTIONS", "OTHER", "section_keys", "section_label", "cell_section", "outline",
           "unknown_sections", "notebook_slides"]

#: The deck's sections in the restitution's order: key → number (their titles are the catalogue's,
#: ``spine.section_<key>``).
SECTIONS: dict[str, str] = {
    "objectives": "1", "results": "2", "barriers_buyers": "3.1", "barriers_companies": "3.2", "comparison": "3.3",
    "remedies": "4", "indicators": "5", "meetings": "6", "other": "", "method": "7",
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


def _method_slide(info: dict[str, Any], lang: str) -> dict[str, Any]:
    status = runinfo.status_line(info)
    heading = (words.text("spine.method_simulated", lang) if info.get("simulated")
               else words.text("spine.method_real", lang, waves=runinfo.waves_text(info) or "—"))
    method = str((info.get("parameters") or {}).get("ci_method") or "wilson")
    ci = (words.text("spine.ci_wilson", lang) if method == "wilson"
          else words.text("spine.ci_other", lang, method=method))
    lines = [words.text("spine.method_shares", lang), words.text("spine.method_ci", lang, ci=ci),
             words.text("spine.method_status", lang, status=status), info.get("rule") or ""]
    return _generated("method", "method", heading, lines, words.text("spine.method_notes", lang))


def outline(notebooks: Iterable[tuple[str, Any]], info: dict[str, Any] | None = None, *,
            lang: str | None = None) -> list[dict[str, Any]]:
    """Every slide of the deck, in order: the one description ``slides.html`` and ``slides.pptx`` are drawn from.

    Parameters
    ----------
    notebooks : iterable of (name, NotebookNode)
        Executed notebooks, in study order.
    info : dict, optional
        :func:`etude.publish.runinfo.run_info` (title, waves, simulated, sources, rule, lang).
    lang : {"fr", "en"}, optional
        Language of the generated slides (default ``info["lang"]``, else French).

    Returns
    -------
    list of dict
        Each with ``role`` (``title``, ``contents``, ``objectives``, ``cells``, ``method``, ``closing``),
        ``section`` (a key of :data:`SECTIONS`, empty for the title, contents and closing slides),
        ``notebook`` and ``stack`` (``slide``, or ``subslide`` for a slide a notebook puts under the previous).
        ``cells`` slides hold the notebook's ``cells`` and ``notes`` (cells) and its ``title``; generated ones
        a ``heading``, ``lines`` and ``notes_text``. The contents slide's ``lines`` are the sections shown.
    """
    info = {"simulated": True, **(info or {})}
    lang = lang or info.get("lang") or "fr"
    lang = lang if lang in words.LANGS else "fr"
    info = {**info, "lang": lang}
    by_section: dict[str, list[dict[str, Any]]] = {k: [] for k in SECTIONS}
    objectives = _objectives_slide(lang)
    if objectives is not None:
        by_section["objectives"].append(objectives)
    for name, nb in notebooks:
        for slide in notebook_slides(name, nb):
            by_section[slide["section"]].append(slide)
    by_section["method"].insert(0, _method_slide(info, lang))
    shown = [k for k in SECTIONS if by_section[k]]
    title = _generated("title", "", info.get("title") or runinfo.study_title(lang),
                       [runinfo.waves_text(info).capitalize(), runinfo.status_line(info)])
    contents = _generated("contents", "", words.text("spine.contents", lang), [section_label(k, lang) for k in shown])
    closing = _generated("closing", "", words.text("spine.closing", lang), list(info.get("sources") or []))
    return [title, contents, *(s for k in shown for s in by_section[k]), closing]
