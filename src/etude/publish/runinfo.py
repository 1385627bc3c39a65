"""What a run's deliverables (workbook, deck, PDF) say about the run: title, waves, data status, sources, rule.

:func:`run_info` reads it from a run's manifest (``manifest.json`` as a dict), so the engine passes one thing
to every deliverable; :func:`status_line` is the data-status line every sheet and slide carries.

Examples
--------
>>> info = run_info({"simulated": True, "study": {"title": "Démo"},
...                  "inputs": [{"kind": "buyers", "wave": 2018, "path": "/x/a.csv"},
...                             {"kind": "companies", "wave": 2017, "path": "/x/b.csv"}]})
>>> info["study"], info["waves"], info["simulated"]
('Démo', [2017, 2018], True)
>>> status_line(info)
'Données simulées — ne pas citer'
>>> waves_text(info)
'vagues 2017 et 2018'
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["STUDY_TITLE", "run_info", "status_line", "waves_text", "small_cell_rule"]

#: The study's title on every deliverable.
STUDY_TITLE = {"fr": "L'innovation dans la commande publique en Hauts-de-France",
               "en": "Innovation in public procurement in Hauts-de-France"}

_STATUS = {("fr", True): "Données simulées — ne pas citer", ("en", True): "Simulated data — do not cite",
           ("fr", False): "Données d'enquête", ("en", False): "Survey data"}
_RESTITUTION = {"fr": "Restitution des travaux du GT « Innovation & commande publique » (ORCP Hauts-de-France), 2017",
                "en": "Findings of the ORCP Hauts-de-France \"Innovation & public procurement\" working group, 2017"}
_KINDS = {"fr": {"buyers": "acheteurs", "companies": "entreprises"},
          "en": {"buyers": "buyers", "companies": "companies"}}


def small_cell_rule(min_cell: int = 5, *, lang: str = "fr") -> str:
    """The small-cell rule in one sentence (:func:`etude.publish.present.confidentiality.suppression_rule`); empty
    where the repository has no codebook to state it from (a bare test repository)."""
    from etude.publish.present.confidentiality import suppression_rule
    try:
        return suppression_rule(min_cell, lang=lang)
    except OSError:
        return ""


def run_info(manifest: dict[str, Any] | None = None, *, lang: str = "fr", min_cell: int = 5,
             rule: bool = True) -> dict[str, Any]:
    """Title, subtitle, waves, data status, sources and small-cell rule of a run, from its manifest.

    Returns a dict with ``title`` (the study's title), ``study`` (the study file's own title), ``run_id``,
    ``waves`` (sorted ints), ``simulated`` (bool), ``sources`` (list of lines: the restitution, then each input
    file by population and wave), ``rule`` (the small-cell sentence; empty with ``rule=False``), ``parameters``
    (the ones the run was given with ``-p``: the method slide names an interval method other than Wilson) and
    ``lang``.
    """
    manifest = manifest or {}
    inputs = manifest.get("inputs") or []
    waves = sorted({int(i["wave"]) for i in inputs if str(i.get("wave", "")).strip().lstrip("-").isdigit()})
    sources = [_RESTITUTION.get(lang, _RESTITUTION["fr"])]
    for i in inputs:
        kind = _KINDS.get(lang, _KINDS["fr"]).get(i.get("kind"), i.get("kind") or "")
        sources.append(f"{kind} {i.get('wave', '')} : {Path(str(i.get('path', ''))).name}".strip())
    return {"title": STUDY_TITLE.get(lang, STUDY_TITLE["fr"]), "lang": lang,
            "study": str((manifest.get("study") or {}).get("title") or ""),
            "run_id": str(manifest.get("run_id") or ""), "waves": waves,
            "simulated": bool(manifest.get("simulated", True)), "sources": sources,
            "rule": small_cell_rule(min_cell, lang=lang) if rule else "",
            "parameters": dict((manifest.get("parameters") or {}).get("given") or {})}


def status_line(info: dict[str, Any]) -> str:
    """« Données simulées — ne pas citer » for simulated data, « Données d'enquête » otherwise."""
    return _STATUS[(info.get("lang", "fr") if info.get("lang") in ("fr", "en") else "fr", bool(info.get("simulated")))]


def waves_text(info: dict[str, Any]) -> str:
    """``vagues 2017 et 2018`` / ``vague 2017`` (English: ``waves 2017 and 2018``); empty without waves."""
    waves = [str(w) for w in info.get("waves") or []]
    en = info.get("lang") == "en"
    if not waves:
        return ""
    word = ("wave" if en else "vague") + ("s" if len(waves) > 1 else "")
    joined = waves[0] if len(waves) == 1 else ", ".join(waves[:-1]) + (" and " if en else " et ") + waves[-1]
    return f"{word} {joined}"
