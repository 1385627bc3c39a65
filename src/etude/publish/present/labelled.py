"""Codebook labels on the tables of :mod:`etude.analysis.compare` and :mod:`etude.analysis.waves`.

Those analyses return codes only (``theme``, ``code``, ``group1``); the written tables (``docs/contracts.md``),
the charts and the result sentences show labels. Each function here adds a table's label columns, in the reader's
language, where its written table has them, so that a notebook labels a table once, right after computing it.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"theme": ["moyens"], "n_buyers": [10]})
>>> label_themes(t, "en").columns.tolist(), label_themes(t, "en")["label"].tolist()
(['theme', 'label', 'n_buyers'], ['Time, money and means'])
"""
from __future__ import annotations

import pandas as pd

from etude import words
from etude.analysis.compare import REST
from etude.publish.labels import label_of, with_labels

__all__ = ["label_themes", "label_groups", "label_changes"]


def label_themes(table: pd.DataFrame, lang: str = "fr", *, codebook=None) -> pd.DataFrame:
    """``label`` after ``theme``: :func:`etude.analysis.compare.theme_prevalence`,
    :func:`etude.analysis.compare.compare_themes` (``tables/comparaison_themes.csv``)."""
    return with_labels(table, lang, code="theme", codebook=codebook)


def label_groups(table: pd.DataFrame, lang: str = "fr", *, codebook=None) -> pd.DataFrame:
    """:func:`etude.analysis.compare.compare_groups` as ``tables/comparaison_types_acheteurs.csv`` has it: ``label``
    (short) after ``code``, ``group1_label`` after ``group1``, ``group2_label`` after ``group2`` (« autres
    répondants » for the rest of the population).

    >>> t = pd.DataFrame({"code": ["moyens"], "group1": ["etat"], "group2": [REST]})
    >>> label_groups(t).iloc[0].tolist()
    ['moyens', 'Temps, argent et moyens', 'etat', "Services de l'État", '_reste', 'autres répondants']
    """
    out = with_labels(table, lang, code="code", short=True, codebook=codebook)
    for side in ("group1", "group2"):
        out = with_labels(out, lang, code=side, column=f"{side}_label", codebook=codebook)
        out.loc[out[side] == REST, f"{side}_label"] = words.text("common.other_respondents", lang)
    return out


def label_changes(table: pd.DataFrame, lang: str = "fr", *, codebook=None) -> pd.DataFrame:
    """``label`` after ``code``, short for an item, long for a theme (column ``level``):
    :func:`etude.analysis.waves.wave_changes`, :func:`etude.analysis.waves.all_wave_changes`
    (``tables/evolution_vagues.csv``), :func:`etude.analysis.waves.wave_grid`.

    >>> t = pd.DataFrame({"level": ["items", "themes"], "code": ["b_temps", "moyens"]})
    >>> label_changes(t)["label"].tolist()
    ['Manque de temps', 'Temps, argent et moyens']
    """
    out = with_labels(table, lang, code="code", codebook=codebook)
    items = out["level"] == "items"
    out.loc[items, "label"] = [label_of(c, lang, short=True, codebook=codebook) for c in out.loc[items, "code"]]
    return out
