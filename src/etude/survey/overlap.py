"""Waves compared with each other: the same answers given as two waves, respondents present in both.

Two entries of a study file can hold the same answers in different bytes (the 2017 exports re-saved from
Windows-1252 to UTF-8 with LF line ends, then listed as 2018): the sha256 check of
:func:`etude.survey.study.read_study` does not see it, and every change between the two « waves » would read 0.
Once each export is parsed (text cleaned, labels coded), :func:`wave_overlaps` compares them: the same respondents
with the same answers is an error naming both entries; some respondents in both waves (a panel) is information,
with their count.

Respondents are compared by a salted key that does not depend on the wave (the export's identifier, else its
e-mail, else its row), which :func:`etude.survey.exports.parse_export` leaves in the table's
``attrs["respondent_keys"]`` (one line a respondent).

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"respondent_id": ["A-1", "A-2"], "wave": [2017, 2017], "b_temps": [True, False]})
>>> entry = {"where": "buyers[1]", "wave": 2017, "table": t, "keys": "k1\\nk2"}
>>> copy = {"where": "buyers[2]", "wave": 2018, "table": t.assign(wave=2018), "keys": "k1\\nk2"}
>>> [p["message"][:29] for p in wave_overlaps("etude.yaml", [entry, copy])]
['mêmes réponses dans deux vagu']
>>> panel = {**copy, "table": t.assign(wave=2018, b_temps=[True, True])}
>>> [p["message"] for p in wave_overlaps("etude.yaml", [entry, panel])]
['2 répondants présents dans les deux vagues (mêmes identifiants)']
"""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pandas as pd

from etude.errors import problem

__all__ = ["wave_overlaps", "answers", "PROVENANCE"]

#: Columns that say where a row comes from, not what the respondent answered.
PROVENANCE = ("respondent_id", "population", "wave", "simulated", "source_file")


def answers(table: pd.DataFrame, keys: list[str], *, leave_out: frozenset[str] = frozenset()
            ) -> list[tuple[str, tuple]]:
    """Each respondent's answers (every column but :data:`PROVENANCE` and ``leave_out``, missing values as
    ``None``), by key.

    >>> answers(pd.DataFrame({"wave": [2017, 2017], "b": [True, None]}), ["k2", "k1"])
    [('k1', (None,)), ('k2', (True,))]
    """
    cols = [c for c in table.columns if c not in PROVENANCE and c not in leave_out]
    body = table[cols].astype(object)
    body = body.where(body.notna(), None)
    return sorted(zip(keys, body.itertuples(index=False, name=None)), key=lambda kv: kv[0])


def wave_overlaps(study: str | Path, entries: list[dict[str, Any]]) -> list[dict]:
    """Problems of the exports of one questionnaire taken two by two (entries of different waves only).

    Parameters
    ----------
    study : str or Path
        The study file (named by the problems).
    entries : list of dict
        One an export, in study order: ``where`` (« buyers[2] »), ``wave``, ``table`` (the parsed respondent
        table) and ``keys`` (its respondents' wave-independent keys, one a line, in the table's order).

    Returns
    -------
    list of dict
        An error for two entries with the same respondents and the same answers; information for two entries
        sharing some respondents (with their count).
    """
    out = []
    for a, b in itertools.combinations(entries, 2):
        if a["wave"] == b["wave"] or not a["keys"] or not b["keys"]:
            continue  # the same wave twice: a respondent in both is already an error (same pseudonym)
        keys_a, keys_b = a["keys"].split("\n"), b["keys"].split("\n")
        common = set(keys_a) & set(keys_b)
        if not common:
            continue
        pair = f"{a['where']} et {b['where']}"
        files = f"{_file(a['table'])} / {_file(b['table'])}"
        skip = _not_asked_in_one(a["table"], b["table"])
        if set(keys_a) == set(keys_b) and answers(a["table"], keys_a, leave_out=skip) == answers(
                b["table"], keys_b, leave_out=skip):
            out.append(problem(study, column=pair, value=files,
                               message=f"mêmes réponses dans deux vagues ({pair} : les mêmes {len(common)} "
                                       "répondants, les mêmes réponses une fois les textes nettoyés ; l'un des "
                                       "deux fichiers est sans doute l'autre réenregistré)",
                               expected="l'export propre à chaque vague (corriger le file: de l'une des deux "
                                        "entrées)"))
        else:
            n = len(common)
            out.append(problem(study, column=pair, value=files, severity="info",
                               message=f"{n} répondant{'s' if n > 1 else ''} présent{'s' if n > 1 else ''} dans "
                                       f"les deux vagues (mêmes identifiants)"))
    return out


def _not_asked_in_one(a: pd.DataFrame, b: pd.DataFrame) -> frozenset[str]:
    """Multi-select items one of the two waves did not ask (all NA there, answered in the other: an item added
    with ``since:``, or missing from one export): they cannot tell a copy apart.

    >>> a = pd.DataFrame({"b_x": pd.array([None, None], dtype="boolean"), "b_y": pd.array([True, False], "boolean")})
    >>> sorted(_not_asked_in_one(a, a.assign(b_x=pd.array([False, False], dtype="boolean"))))
    ['b_x']
    """
    def unasked(t: pd.DataFrame) -> set[str]:
        return {str(c) for c in t.columns if pd.api.types.is_bool_dtype(t[c].dtype) and t[c].isna().all()}
    one, other = unasked(a), unasked(b)
    return frozenset(one ^ other)


def _file(table: pd.DataFrame) -> str:
    return str(table["source_file"].iloc[0]) if "source_file" in table and len(table) else "?"
