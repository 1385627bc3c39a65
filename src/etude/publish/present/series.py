"""The first and last figures of one line of the long indicator table
(:mod:`etude.analysis.indicators`), published and counted kept apart.
"""
from __future__ import annotations

import pandas as pd

from etude import words
from etude.publish import formats
from etude.publish.present.phrasing import _separated, _t
from etude.publish.reference_text import in_language
from etude.words import check_lang

__all__ = ["series_headline"]


def series_headline(table: pd.DataFrame, series: str, indicator: str, *, lang: str = "fr") -> str:
    """The first and last published (or computed) figures of one line of the long indicator table.

    A line that holds both published figures and the study's own counts (rows noted
    :data:`etude.analysis.indicators.SURVEY_NOTE`, or that note in words after
    :func:`etude.publish.present.survey_sources`: the GT's 2017 figures continued by later waves) never reads as
    one series: the published figures and the counted ones come as two labelled parts.

    >>> t = pd.DataFrame({"series": "gt", "indicator": "n", "label_fr": "Réponses d'acheteurs", "period": ["2017",
    ...                   "2018"], "value": [27.0, 34.0], "unit": "réponses", "status": ["published", "simulated"]})
    >>> series_headline(t, "gt", "n")
    "Réponses d'acheteurs : 27 en 2017, 34 en 2018 (simulé)"
    >>> print(series_headline(t.assign(note=[None, "survey_count"]), "gt", "n"))  # doctest: +NORMALIZE_WHITESPACE
    Réponses d'acheteurs : publié, 27 en 2017 ; compté dans le fichier d'étude, 34 en 2018 (simulé)
    >>> series_headline(t.assign(value=[0.608, 0.61], unit="share", status="published"), "gt", "n", lang="en")
    "Réponses d'acheteurs: 60.8% in 2017, 61.0% in 2018"
    """
    from etude.analysis.indicators import SURVEY_NOTE
    lang = check_lang(lang)
    line = table[(table["series"] == series) & (table["indicator"] == indicator) & table["value"].notna()]
    if line.empty:
        return words.text("common.missing", lang)
    line = in_language(line.sort_values("period"), lang)
    column = f"label_{lang}" if f"label_{lang}" in line.columns else "label_fr"
    label = str(line[column].iloc[0]) if column in line.columns else str(indicator)
    notes = {SURVEY_NOTE, words.text("tables.indicators.survey_note", lang)}  # as computed, or as worded
    counted = line["note"].astype("string").isin(notes).fillna(False).astype(bool) if "note" in line \
        else pd.Series(False, index=line.index)
    if counted.any() and not counted.all():
        parts = [_t(f"series.{kind}", lang, values=_series_values(part, lang))
                 for kind, part in (("published", line[~counted]), ("counted", line[counted]))]
        return _t("series.line", lang, label=label, values=_separated(parts, lang))
    return _t("series.line", lang, label=label, values=_series_values(line, lang))


def _series_values(line: pd.DataFrame, lang: str) -> str:
    """« 27 en 2017, 34 en 2018 (simulé) »: the first and last figures of a line (sorted by period)."""
    def one(r):
        status = str(r["status"]) if "status" in r and isinstance(r["status"], str) else ""
        unit = str(r["unit"]) if "unit" in r and isinstance(r["unit"], str) else ""
        if unit == "share":  # a share is read as a percentage (« 60,8 % »), never « 0,6 »
            value = formats.pct(r["value"], lang=lang)
        else:
            value = formats.number(r["value"], 0 if float(r["value"]).is_integer() else 1, lang=lang)
        if status in ("simulated", "uncertain"):
            return _t("series.tagged", lang, value=value, period=r["period"], status=words.label(status, lang=lang))
        return _t("series.value", lang, value=value, period=r["period"])

    return ", ".join([one(line.iloc[0])] + ([one(line.iloc[-1])] if len(line) > 1 else []))
