"""The adjustment family a result sentence names (« Bonferroni sur 4 thèmes »), and the one decision rule it
applies: which rows of a comparison were tested, which the rule separates (:func:`etude.analysis.compare.decide`).
"""
from __future__ import annotations

import pandas as pd

from etude import words
from etude.analysis import compare
from etude.publish.present.phrasing import _t
from etude.words import check_lang

__all__ = ["family_text", "family_of"]


def family_text(padjust: str, size: int, what: str, *, lang: str = "fr") -> str:
    """The adjustment family in words: « Holm sur 4 thèmes », "Holm over 4 themes".

    ``what`` is ``themes``, ``items`` or ``pairs`` (translated), or any word, used as written.

    >>> family_text("holm", 4, "themes")
    'Holm sur 4 thèmes'
    >>> family_text("none", 4, "themes", lang="en")
    'no adjustment, 4 themes'
    >>> family_text("holm", 1, "themes"), family_text("holm", 0, "themes")
    ('Holm sur 1 thème', 'rien à comparer')
    """
    lang = check_lang(lang)
    if size == 0:
        return _t("family.nothing", lang)
    key = f"family.{what}" if what in ("themes", "items", "pairs") else "family.any"
    counted = _t(key, lang, count=size, what=what)
    if padjust == "none":
        return _t("family.unadjusted", lang, how=words.text("common.none", lang), what=counted)
    return _t("family.adjusted", lang, how=words.text(f"common.{padjust}", lang), what=counted)


def family_of(table: pd.DataFrame, *, lang: str = "fr") -> str:
    """The adjustment family a comparison table records in its ``attrs`` (:func:`etude.analysis.compare.compare_themes`,
    :func:`etude.analysis.compare.compare_groups`, :func:`etude.analysis.waves.wave_changes`), in words.

    >>> t = pd.DataFrame({"p_adjusted": [0.5]})
    >>> t.attrs.update({"padjust": "holm", "family_size": 4, "family": "themes"})
    >>> family_of(t)
    'Holm sur 4 thèmes'
    """
    return family_text(table.attrs.get("padjust", "holm"), int(table.attrs.get("family_size", len(table))),
                       table.attrs.get("family", "themes"), lang=lang)


def _tested(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["test"].isin(compare.TESTS)]


def _significant(table: pd.DataFrame, alpha: float) -> pd.Series:
    """The rows the one decision rule separates (:func:`etude.analysis.compare.decide`)."""
    return compare.decide(table, alpha=alpha)


def _padjust(table: pd.DataFrame, padjust: str | None) -> str:
    return padjust or table.attrs.get("padjust", compare.DEFAULT_PADJUST)
