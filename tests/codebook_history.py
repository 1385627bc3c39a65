"""Shared helpers for tests that must hold whatever items the codebook gains (issue 25 item 8; not a test module).

An item added with ``since:``/``until:`` is « non posé » in the other waves: parsing an export of such a wave adds
one information note per item (:func:`etude.survey.exports._history`) and :func:`etude.survey.not_asked` lists it.
Tests about something else leave those out, and read what the codebook says instead of hard-coding item lists.
"""
from __future__ import annotations

import pandas as pd

from etude.survey import codebook

#: The information note of an item the codebook's history says a wave did not ask.
HISTORY_NOTE = "item non posé dans cette vague (since/until du codebook) : valeurs manquantes, jamais 0 %"


def without_history(problems):
    """``problems`` (a list of problem dicts or a validation report) less the codebook-history notes."""
    if isinstance(problems, pd.DataFrame):
        return problems[~((problems["severity"] == "info") & (problems["message"] == HISTORY_NOTE))]
    return [p for p in problems if not (p["severity"] == "info" and p["message"] == HISTORY_NOTE)]


def unasked(population: str, wave: int, question: str = "barriers") -> list[str]:
    """Items of ``question`` that the codebook's history says ``wave`` did not ask, in codebook order."""
    asked = codebook.asked_in(population, wave)
    return [c for c in codebook.items(population, question)["code"] if not asked.get(c, True)]


def asked(population: str, wave: int, question: str = "barriers") -> list[str]:
    """Items of ``question`` asked in ``wave`` by the codebook's history, in codebook order."""
    gone = set(unasked(population, wave, question))
    return [c for c in codebook.items(population, question)["code"] if c not in gone]
