"""What a run's deliverables (workbook, deck, PDF) say about the run: title, waves, data status, sources, rule.

:func:`run_info` reads it from a run's manifest (``manifest.json`` as a dict), so the engine passes one thing
to every deliverable; :func:`status_line` is the data-status line every sheet and slide carries. Every word is
the catalogue's (:mod:`etude.words`, area ``runinfo``).

Examples
--------
>>> info = run_info({"simulated": True, "study": {"title": "Démo"},
...                  "inputs": [{"population": "buyers", "wave": 2018, "path": "/x/a.csv"},
...                             {"population": "companies", "wave": 2017, "path": "/x/b.csv"}]})
>>> info["study"], info["waves"], info["simulated"]
('Démo', [2017, 2018], True)
>>> status_line(info)
'Données simulées — ne pas citer'
>>> waves_text(info), waves_text({**info, "lang": "en"})
('vagues 2017 et 2018', 'waves 2017 and 2018')
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from etude import words
from etude.publish import formats

__all__ = ["study_title", "study_name", "run_info", "status_line", "waves_text", "small_cell_rule", "sources"]


def _lang(info: dict[str, Any]) -> str:
    lang = info.get("lang")
    return lang if lang in words.LANGS else "fr"


def study_name(study: dict[str, Any] | None, lang: str = "fr") -> str:
    """The title a study file gives itself, in ``lang``: ``title_<lang>`` when the file has one (``title_en``), else
    ``title`` (a study entry of the manifest, or :func:`etude.survey.read_study`'s dict); ``""`` without title.

    >>> demo = {"title": "Démonstration", "title_en": "Demonstration"}
    >>> study_name(demo, "en"), study_name(demo), study_name({"title": "Mon étude"}, "en")
    ('Demonstration', 'Démonstration', 'Mon étude')
    """
    study = study or {}
    return str(study.get(f"title_{lang}") or study.get("title") or "")


def study_title(lang: str = "fr") -> str:
    """The study's title on every deliverable.

    >>> study_title("en")
    'Innovation in public procurement in Hauts-de-France'
    """
    return words.text("runinfo.title", lang)


def small_cell_rule(min_cell: int = 5, *, lang: str = "fr") -> str:
    """The small-cell rule in one sentence (:func:`etude.publish.present.confidentiality.suppression_rule`); empty
    where the repository has no codebook to state it from (a bare test repository)."""
    from etude.publish.present.confidentiality import suppression_rule
    try:
        return suppression_rule(min_cell, lang=lang)
    except OSError:
        return ""


def sources(inputs: list[dict[str, Any]], *, lang: str = "fr") -> list[str]:
    """The lines of a deck's sources: the 2017 restitution, then each input file by population and wave.

    >>> sources([{"population": "buyers", "wave": 2017, "path": "/x/a.csv"}], lang="en")[1:]
    ['buyers 2017: a.csv']
    """
    lines = [words.text("runinfo.restitution", lang)]
    for i in inputs:
        population = i.get("population") or ""
        label = words.text(f"runinfo.{population}", lang) if population in ("buyers", "companies") else population
        lines.append(words.text("runinfo.source", lang, population=label, wave=i.get("wave", ""),
                                file=Path(str(i.get("path", ""))).name).strip())
    return lines


def run_info(manifest: dict[str, Any] | None = None, *, lang: str = "fr", min_cell: int = 5,
             rule: bool = True) -> dict[str, Any]:
    """Title, subtitle, waves, data status, sources and small-cell rule of a run, from its manifest.

    Returns a dict with ``title`` (the study's title), ``study`` (the study file's own title), ``run_id``,
    ``waves`` (sorted ints), ``simulated`` (bool), ``sources`` (list of lines: the restitution, then each input
    file by population and wave), ``rule`` (the small-cell sentence; empty with ``rule=False``), ``parameters``
    (the ones the run was given with ``-p``: the method slide names an interval method other than Wilson),
    ``meeting`` (the study file's ``meeting``: the title slide), ``meeting_given`` (the same keys given on the
    command line, which win: :func:`etude.publish.spine.meeting`) and ``lang``.
    """
    manifest = manifest or {}
    lang = lang if lang in words.LANGS else "fr"
    inputs = manifest.get("inputs") or []
    waves = sorted({int(i["wave"]) for i in inputs if str(i.get("wave", "")).strip().lstrip("-").isdigit()})
    return {"title": study_title(lang), "lang": lang,
            "study": study_name(manifest.get("study"), lang),
            "run_id": str(manifest.get("run_id") or ""), "waves": waves,
            "simulated": bool(manifest.get("simulated", True)), "sources": sources(inputs, lang=lang),
            "rule": small_cell_rule(min_cell, lang=lang) if rule else "", "min_cell": min_cell,
            "parameters": dict((manifest.get("parameters") or {}).get("given") or {}),
            "meeting": dict((manifest.get("study") or {}).get("meeting") or {}),
            "meeting_given": dict((manifest.get("parameters") or {}).get("meeting") or {})}


def status_line(info: dict[str, Any]) -> str:
    """« Données simulées — ne pas citer » for simulated data, « Données d'enquête » otherwise."""
    return words.data_status(bool(info.get("simulated")), _lang(info))


def waves_text(info: dict[str, Any]) -> str:
    """``vagues 2017 et 2018`` / ``vague 2017`` (English: ``waves 2017 and 2018``); empty without waves."""
    waves = [str(w) for w in info.get("waves") or []]
    if not waves:
        return ""
    lang = _lang(info)
    return words.text("runinfo.waves", lang, count=len(waves), waves=formats.join(waves, lang))
