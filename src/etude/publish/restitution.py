"""The slides the deck writes from the 2017 restitution itself: its results, remedies, quotations, solutions, sources.

The words come from the reference tables (``data/reference/gt_orcp_2017.csv`` for the sub-groups, solutions and
INNOV'EMBER's counts; ``data/reference/restitution.yaml`` for the rapporteurs' organisations, the event's date and
place, each side's remedies and quotation, and the sources as a reader cites them) and from the catalogue (area
``spine``). Each function returns the lines of one slide, or nothing when the repository has no reference table
(a bare test repository): the deck then simply goes without that slide.

Examples
--------
>>> subgroup_lines("fr")[0]
"Sensibiliser les entreprises innovantes à l'achat public — NFID et LilleisFrenchTech"
>>> innovember_heading("fr")
"INNOV'EMBER, le 20 novembre 2017 : 350 personnes présentes, 70 entreprises innovantes"
>>> len(solution_lines("en")), solution_lines("fr")[0]
(9, '1. Sensibiliser acheteurs et décideurs')
"""
from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from etude import paths, words
from etude.publish import formats

__all__ = ["facts", "subgroup_lines", "innovember_heading", "innovember_lines", "report_lines", "remedy_heading",
           "quotation", "solution_lines", "solution_note", "source_lines", "gt_count"]

_FILE = "restitution.yaml"


def facts() -> dict[str, Any]:
    """The restitution's words as ``data/reference/restitution.yaml`` holds them (``{}`` without the file).

    >>> sorted(facts())[:3]
    ['innovember', 'report', 'sides']
    """
    path = paths.reference_dir() / _FILE
    try:
        return _read(str(path), path.stat().st_mtime)
    except OSError:
        return {}


@cache
def _read(path: str, mtime: float) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def _gt_texts(prefix: str, lang: str):
    from etude.errors import InputError
    from etude.survey import reference
    try:
        return reference.gt_texts(prefix, lang=lang)
    except (InputError, OSError, KeyError, ValueError):
        return None


def gt_count(indicator: str) -> int | None:
    """A count the GT published (``gt_orcp_2017.csv``), or ``None``.

    >>> gt_count("innovember_participants")
    350
    """
    from etude.errors import InputError
    from etude.survey import reference
    try:
        gt = reference.load_reference("gt_orcp_2017").set_index("indicator")
        return int(gt.loc[indicator, "value"])
    except (InputError, OSError, KeyError, ValueError, TypeError):
        return None


def subgroup_lines(lang: str = "fr") -> list[str]:
    """« Sub-group — organisations of its rapporteurs », one line per thematic sub-group (section 2.1)."""
    texts = _gt_texts("sous_groupe_", lang)
    if texts is None or texts.empty:
        return []
    by_code = {g["code"]: g.get("organisations") or [] for g in facts().get("subgroups") or []}
    return [words.text("spine.subgroup", lang, text=t, organisations=formats.join(by_code.get(c, []), lang))
            if by_code.get(c) else str(t) for c, t in zip(texts["code"], texts["text"])]


def innovember_heading(lang: str = "fr") -> str:
    """INNOV'EMBER in one sentence: date, place, people, companies (section 2.2); empty without its facts."""
    event = facts().get("innovember") or {}
    people, companies = gt_count("innovember_participants"), gt_count("innovember_entreprises")
    if not event or people is None or companies is None:
        return ""
    return words.text("spine.innovember", lang, name=event["name"], date=formats.date(str(event["date"]), lang=lang),
                      people=formats.number(people, lang=lang), companies=formats.number(companies, lang=lang))


def innovember_lines(lang: str = "fr") -> list[str]:
    """Where INNOV'EMBER took place and what it was for (the restitution's words)."""
    event = facts().get("innovember") or {}
    return [words.text("spine.innovember_aim", lang, place=event["place"])] if event.get("place") else []


def report_lines(lang: str = "fr") -> list[str]:
    """The commissioned report (section 2.3): title, author and school, year, where to read it."""
    report = facts().get("report") or {}
    if not report:
        return []
    return [words.text("spine.report_title", lang, title=formats.quote(report["title"], lang)),
            words.text("spine.report_author", lang, author=report["author"], school=report["school"],
                       year=report["year"]),
            words.text("spine.report_where", lang)]


def remedy_heading(population: str, lang: str = "fr") -> str:
    """« Pour y remédier » on one side: the remedies the restitution lists there (codebook labels)."""
    from etude.publish.labels import label_of
    codes = ((facts().get("sides") or {}).get(population) or {}).get("remedies") or []
    try:
        names = formats.join([label_of(c, lang, short=True) for c in codes], lang)
    except OSError:  # a repository without its codebook
        return ""
    if not codes:
        return ""
    return words.text(f"spine.remedies_{population}", lang, remedies=names)


def quotation(population: str, lang: str = "fr") -> str:
    """The restitution's quotation on one side, quoted (in English: its translation, said to be one)."""
    side = (facts().get("sides") or {}).get(population) or {}
    if not side.get("quotation"):
        return ""
    if lang == "fr":
        return words.text("spine.quotation", lang, text=formats.quote(side["quotation"], lang))
    return words.text("spine.quotation", lang, text=formats.quote(side.get(f"quotation_{lang}") or "", lang))


def solution_lines(lang: str = "fr") -> list[str]:
    """The 9 solutions of section 4, numbered, whole (never cut)."""
    texts = _gt_texts("solution_2018_", lang)
    if texts is None:
        return []
    return [f"{i}. {t}" for i, t in enumerate(texts["text"], start=1)]


def solution_note(lang: str = "fr") -> str:
    """The note that follows the solutions (« Maintien de la dynamique impulsée par INNOVEMBER »)."""
    texts = _gt_texts("note_2018_", lang)
    return "" if texts is None or texts.empty else str(texts["text"].iloc[0])


def source_lines(lang: str = "fr") -> list[str]:
    """The sources as a reader cites them: organisation, « title », year, link (the short address, ``link``).

    >>> source_lines("fr")[5]
    'Fédération CINOV, « Baromètre de la commande publique », 2024 — barometre.cinov.fr'
    """
    lines = []
    for s in facts().get("sources") or []:
        organisation = s.get(f"organisation_{lang}") or s["organisation"]
        title = formats.quote(s.get(f"title_{lang}") or s["title"], lang)
        link = s.get("link") or s.get("url") or ""  # the address as a slide shows it
        lines.append(words.text("spine.source_url" if link else "spine.source", lang, organisation=organisation,
                                title=title, year=s["year"], url=link))
    return lines
