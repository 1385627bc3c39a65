"""Whether recomputed year-on-year changes agree with the published ones, to rounding
(:func:`etude.analysis.indicators.published_vs_computed`).
"""
from __future__ import annotations

import pandas as pd

from etude.publish import formats
from etude.publish.present.phrasing import _t
from etude.words import check_lang

__all__ = ["rounding_text"]


def _decimals(x: float) -> int:
    text = f"{abs(float(x)):.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _tolerance(r, levels: pd.DataFrame | None) -> float:
    """How far rounding can move a recomputed change from the published one (see :func:`rounding_text`)."""
    tol = 0.5 * 10 ** -_decimals(r.published)
    if levels is None:
        return tol
    line = levels[(levels["series"] == r.series) & (levels["indicator"] == r.indicator)]
    line = line.set_index(line["period"].astype(str))["value"]
    prev = str(int(str(r.period)[:4]) - 1)
    if str(r.period) in line.index and prev in line.index:
        l0, l1 = float(line[prev]), float(line[str(r.period)])
        e = 0.5 * 10 ** -max(_decimals(l0), _decimals(l1))
        tol += (e / abs(l0)) * (1 + abs(l1 / l0)) if l0 else 0
    return tol


def rounding_text(table: pd.DataFrame, *, levels: pd.DataFrame | None = None, lang: str = "fr") -> str:
    """Whether recomputed year-on-year changes agree with the published ones, to rounding
    (:func:`etude.analysis.indicators.published_vs_computed`).

    A published change given to ``d`` decimals (as a fraction) is exact to half a unit of its last digit; levels
    rounded to their published decimals move the recomputed change by at most about
    ``(e / L0) × (1 + L1 / L0)`` (``e`` half a unit of the levels' last digit). When ``levels`` (the long table
    with ``series, indicator, period, value``) is not given, only the first term counts.

    >>> t = pd.DataFrame({"series": ["adcf"], "indicator": ["volume"], "period": ["2019"], "computed": [0.132],
    ...                   "published": [0.116], "difference": [0.016]})
    >>> print(rounding_text(t).replace("\u202f", " "))  # doctest: +NORMALIZE_WHITESPACE
    Une évolution recalculée sur 1 s’écarte de l’évolution publiée plus que les arrondis ne l’expliquent :
    adcf 2019 (+13,2 % recalculé, +11,6 % publié).
    >>> print(rounding_text(t, lang="en"))  # doctest: +NORMALIZE_WHITESPACE
    1 of 1 recomputed changes differs from the published one by more than rounding explains:
    adcf 2019 (+13.2% recomputed, +11.6% published).
    """
    lang = check_lang(lang)
    rows = table[table["computed"].notna() & table["published"].notna()]
    if rows.empty:
        return _t("rounding.nothing", lang)
    bad = [r for r in rows.itertuples() if abs(r.difference) > _tolerance(r, levels) + 1e-12]
    if not bad:
        return _t("rounding.agree", lang, count=len(rows))

    def signed(v):
        return ("+" if v > 0 else "") + formats.pct(v, lang=lang)
    from etude.publish.present.tables import series_label
    items = [_t("rounding.item", lang, series=series_label(r.series, lang), period=r.period,
                computed=signed(r.computed),
                published=signed(r.published)) for r in bad]
    return _t("rounding.differ", lang, count=len(bad), total=formats.number(len(rows), lang=lang),
              items=formats.join(items, lang))
