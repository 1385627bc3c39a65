"""Meetings between supply and demand for readers: the labels of the supply table and of the plan in figures.

:mod:`etude.analysis.matching` computes (segment and flag codes, counts, scores); these functions attach the words
a reader sees: segment labels from the codebook, flag and indicator labels from the catalogue (:mod:`etude.words`,
areas ``codes`` and ``matching``). The titles of notebook 05's tables are ``words.area("matching.titles", lang)``.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"segment": ["sante"], "buyers_base": [3], "n_buyers": [2], "companies_base": [6],
...                   "n_companies": [0], "companies_suppressed": [False], "ratio": [0.0],
...                   "flag": ["demande_sans_offre"]})
>>> supply_with_labels(t, lang="en")[["label", "flag_label"]].values.tolist()
[['Health', 'Demand without supply']]
"""
from __future__ import annotations

import pandas as pd

from etude import words
from etude.analysis import matching
from etude.publish import formats
from etude.publish.labels import label_of
from etude.words import check_lang

__all__ = ["supply_with_labels", "summary_with_labels", "segments_missing_text"]


def supply_with_labels(supply: pd.DataFrame, *, lang: str = "fr", codebook=None) -> pd.DataFrame:
    """:func:`etude.analysis.matching.supply_demand` with its two label columns, in the columns of
    ``tables/offre_demande_segments.csv`` (:data:`etude.analysis.matching.SUPPLY_COLUMNS`): ``label`` (the
    segment's short codebook label) and ``flag_label`` (the flag's words, empty when none)."""
    lang = check_lang(lang)
    if "buyers_suppressed" not in supply.columns:     # a table written before buyers' counts were protected
        supply = supply.assign(buyers_suppressed=False)
    out = supply.assign(
        label=[label_of(f"seg_{s}", lang, short=True, codebook=codebook) for s in supply["segment"]],
        flag_label=[words.label(f if isinstance(f, str) else "", lang) for f in supply["flag"]])
    return out[matching.SUPPLY_COLUMNS]


def _score_text(x: float, lang: str) -> str:
    """A score threshold as written in a parameter: ``0,3``, ``0.25`` (as many decimals as it has, up to 6)."""
    decimals = len(f"{float(x):.6f}".rstrip("0").partition(".")[2])
    return formats.number(x, decimals, lang=lang)


def summary_with_labels(summary: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """:func:`etude.analysis.matching.plan_summary` with a ``label`` column after ``indicator``: « Acheteurs ayant
    au moins un rendez-vous »… (the relevance threshold, ``summary.attrs["min_score"]``, named where it applies).

    >>> s = pd.DataFrame({"indicator": ["buyers_relevant", "meetings"], "value": [3.0, 4.0]})
    >>> s.attrs["min_score"] = 0.3
    >>> summary_with_labels(s)["label"].tolist()
    ['Acheteurs ayant au moins une paire pertinente (score ≥ 0,3)', 'Rendez-vous']
    """
    lang = check_lang(lang)
    threshold = _score_text(summary.attrs.get("min_score", 0.3), lang)
    out = summary.copy()
    out.insert(out.columns.get_loc("indicator") + 1, "label",
               [words.text(f"matching.summary.{k}", lang, min_score=threshold) for k in summary["indicator"]])
    out.attrs = dict(summary.attrs)
    return out


def segments_missing_text(supply: pd.DataFrame, *, lang: str = "fr") -> str:
    """The one sentence that replaces the meeting slides when the exports lack the segment question (nobody on
    one side gave a segment: a table of zeros would say nothing, « every segment has both » would be false);
    empty when both sides gave segments.

    >>> t = pd.DataFrame({"buyers_base": [0, 0], "companies_base": [0, 0]})
    >>> segments_missing_text(t)
    "Les exports n'ont pas les segments d'achat : offre et demande ne peuvent pas être rapprochées"
    >>> segments_missing_text(t.assign(buyers_base=[3, 3]), lang="en")
    "The companies' exports lack the purchase segments: supply and demand cannot be matched"
    >>> segments_missing_text(t.assign(buyers_base=[3, 3], companies_base=[1, 1]))
    ''
    """
    lang = check_lang(lang)
    lacking = [k for k in ("buyers", "companies") if not (pd.to_numeric(supply[f"{k}_base"]).fillna(0) > 0).any()]
    if not lacking:
        return ""
    return words.text("matching.no_segments" if len(lacking) == 2 else f"matching.no_segments_{lacking[0]}", lang)
