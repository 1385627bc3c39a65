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

from etude.publish import reading, runinfo

__all__ = ["SECTIONS", "OTHER", "TEXTS", "section_keys", "section_label", "cell_section", "outline",
           "unknown_sections", "notebook_slides"]

#: The deck's sections in the restitution's order: key → (number, French title, English title).
SECTIONS: dict[str, tuple[str, str, str]] = {
    "objectives": ("1", "Objectifs du GT et indicateurs retenus", "The working group's objectives and indicators"),
    "results": ("2", "Résultats : qui a répondu, INNOV'EMBER", "Results: who answered, INNOV'EMBER"),
    "barriers_buyers": ("3.1", "Freins identifiés — côté acheteurs", "Barriers — buyers' side"),
    "barriers_companies": ("3.2", "Freins identifiés — côté entreprises", "Barriers — companies' side"),
    "comparison": ("3.3", "Freins : acheteurs et entreprises", "Barriers: buyers and companies"),
    "remedies": ("4", "Leviers, solutions et plan d'action", "Remedies, solutions and action plan"),
    "indicators": ("5", "Indicateurs d'une année sur l'autre", "Year-on-year indicators"),
    "meetings": ("6", "Rencontres entre l'offre et la demande", "Meetings between supply and demand"),
    "other": ("", "Autres résultats", "Other results"),
    "method": ("7", "Méthode, sources et statut des données", "Method, sources and data status"),
}
#: The section of a slide that declares none (and whose notebook declares none).
OTHER = "other"

#: Words of the generated slides, per language.
TEXTS = {
    "fr": {"contents": "Sommaire", "closing": "Merci de votre attention — sources",
           "objectives": "En 2017, le GT s'est fixé {n} objectifs ; ses indicateurs : {buyers} réponses d'acheteurs "
                         "et {companies} d'entreprises",
           "objectives_bare": "Les objectifs du GT en 2017",
           "objectives_notes": "Objectifs et effectifs publiés : {source}. Faute d'indicateur existant, le GT a "
                               "recensé les besoins des acheteurs et lancé un appel à manifestation d'intérêt "
                               "auprès des entreprises.",
           "method_simulated": "Données simulées : ces diapositives montrent la méthode, pas des résultats à citer",
           "method_real": "Deux enquêtes en ligne ({waves}) ; chaque part dit sa base",
           "method_lines": ["Parts : rapportées aux répondants qui ont répondu à la question (base n) ; "
                            "plusieurs réponses possibles.",
                            "Intervalles de confiance {ci} ; écarts testés (Fisher exact ou χ²), "
                            "corrigés pour comparaisons multiples, avec leur taille d'effet.",
                            "Statut des données : {status}."],
           "method_notes": "Le détail des calculs, table par table, est dans report.html et tables.xlsx."},
    "en": {"contents": "Contents", "closing": "Thank you — sources",
           "objectives": "In 2017 the working group set itself {n} objectives; its indicators: {buyers} buyers' "
                         "and {companies} companies' answers",
           "objectives_bare": "The working group's objectives in 2017",
           "objectives_notes": "Objectives and published counts: {source}. With no existing indicator, the group "
                               "surveyed buyers' needs and called for expressions of interest from companies.",
           "method_simulated": "Simulated data: these slides show the method, not results to cite",
           "method_real": "Two online surveys ({waves}); every share states its base",
           "method_lines": ["Shares: over the respondents who answered the question (base n); several answers "
                            "allowed.",
                            "Confidence intervals {ci}; differences tested (Fisher's exact or χ²), corrected "
                            "for multiple comparisons, with their effect size.",
                            "Data status: {status}."],
           "method_notes": "Every computation, table by table, is in report.html and tables.xlsx."},
}

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
    number, fr, en = SECTIONS.get(key, SECTIONS[OTHER])
    title = en if lang == "en" else fr
    return f"{number}. {title}" if number else title


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
    t = TEXTS[lang]
    try:
        objectives = reference.gt_texts("objectif_2017_")
        counts = reference.published_counts()
    except (InputError, OSError, KeyError, ValueError):  # a repository without the reference table: no slide
        return None
    if objectives.empty:
        return None
    totals = counts[counts["attribute"].isna()].set_index("population")["n"]
    if {"buyers", "companies"} <= set(totals.index):
        heading = t["objectives"].format(n=len(objectives), buyers=int(totals["buyers"]),
                                         companies=int(totals["companies"]))
    else:
        heading = t["objectives_bare"]
    source = str(objectives["source"].iloc[0])
    return _generated("objectives", "objectives", heading, [str(x) for x in objectives["text"]],
                      t["objectives_notes"].format(source=source))


def _method_slide(info: dict[str, Any], lang: str) -> dict[str, Any]:
    t = TEXTS[lang]
    status = runinfo.status_line(info)
    heading = (t["method_simulated"] if info.get("simulated")
               else t["method_real"].format(waves=runinfo.waves_text(info) or "—"))
    method = str((info.get("parameters") or {}).get("ci_method") or "wilson")
    ci = ("de Wilson" if lang == "fr" else "(Wilson)") if method == "wilson" else f"({method})"
    lines = [line.format(status=status, ci=ci) for line in t["method_lines"]] + [info.get("rule") or ""]
    return _generated("method", "method", heading, lines, t["method_notes"])


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
    lang = lang if lang in TEXTS else "fr"
    t = TEXTS[lang]
    by_section: dict[str, list[dict[str, Any]]] = {k: [] for k in SECTIONS}
    objectives = _objectives_slide(lang)
    if objectives is not None:
        by_section["objectives"].append(objectives)
    for name, nb in notebooks:
        for slide in notebook_slides(name, nb):
            by_section[slide["section"]].append(slide)
    by_section["method"].insert(0, _method_slide(info, lang))
    shown = [k for k in SECTIONS if by_section[k]]
    title = _generated("title", "", info.get("title") or runinfo.STUDY_TITLE[lang],
                       [runinfo.waves_text(info).capitalize(), runinfo.status_line(info)])
    contents = _generated("contents", "", t["contents"], [section_label(k, lang) for k in shown])
    closing = _generated("closing", "", t["closing"], list(info.get("sources") or []))
    return [title, contents, *(s for k in shown for s in by_section[k]), closing]
