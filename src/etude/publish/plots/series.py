"""Indicator series: one panel per line (never joined across perimeters), and wave-to-wave slopes."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from etude import words
from etude.errors import ParameterError
from etude.publish import formats
from etude.publish.marks import mark, mark_artist
from etude.publish.plots.house import (
    FONT_SIZE,
    MIN_FONT,
    NEUTRAL,
    OKABE_ITO,
    PALETTE,
    TITLE_SIZE,
    add_caption,
    caption_text,
    pct_label,
    population_color,
    style,
    wrap_label,
)
from etude.publish.plots.options import ChartOptions
from etude.publish.reference_text import in_language, unit_name, word
from etude.words import check_lang as _lang

__all__ = ['indicator_panels', 'wave_slope_chart']

# ------------------------------------------------------------------------------------------------ indicators

_RATIO_UNITS = ("share", "rel_change", "pt_change")


def _period_x(period) -> float:
    """Position of a period on a year axis: ``2017`` → 2017.0, ``2019Q2`` → 2019.375 (middle of the quarter)."""
    s = str(period)
    if "Q" in s:
        return int(s[:4]) + (int(s[-1]) - 1) / 4 + 0.125
    return float(int(s[:4]))


def _indicator_caption(source: str | None, simulated: bool, lang: str, note: str) -> str:
    if simulated:
        return caption_text(source=source, simulated=True, lang=lang, note=note)
    head = words.text("plots.caption_source", lang, source=source) + ". " if source else ""
    return head + words.text("plots.published", lang) + " " + note


def _value_axis(ax, y: np.ndarray, unit: str, *, lang: str) -> None:
    """A panel's value axis: shares in %, amounts in their unit, counts as whole numbers from zero."""
    if unit in _RATIO_UNITS:
        span = float(np.nanmax(y) - np.nanmin(y)) if np.isfinite(y).sum() > 1 else 0.0
        dec = 1 if (span < 0.05 or float(np.nanmax(np.abs(y))) < 0.1) else 0
        from matplotlib.ticker import MaxNLocator
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))  # a few ticks: a panel is small
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p, d=dec: pct_label(v, d, lang=lang)))
        return
    from matplotlib.ticker import MaxNLocator
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: formats.number(v, 0 if v == int(v) else 1, lang=lang)))
    if unit not in ("Md€", "M€", "k€"):  # counts: whole numbers from zero
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))  # a few ticks: a panel is small
        top = float(np.nanmax(y)) * 1.15 if np.isfinite(y).any() else 1.0
        ax.set_ylim(0, max(top, 1.0))


def _draw_series(ax, x: np.ndarray, y: np.ndarray, status: list, sim: np.ndarray, *, lang: str = "fr") -> None:
    """One panel's points and segments: a gap stays a gap, simulated points dashed and square, uncertain hollow,
    a missing period marked « n.d. »."""
    color = PALETTE[0]
    for k in range(1, len(x)):  # one segment per pair of consecutive periods
        if not (math.isnan(y[k - 1]) or math.isnan(y[k])):
            ax.plot(x[k - 1:k + 1], y[k - 1:k + 1], color=color, linewidth=2.5, zorder=2,
                    linestyle="--" if (sim[k - 1] or sim[k]) else "-")
    for xi, yi, st, si in zip(x, y, status, sim):
        if math.isnan(yi):
            continue
        c = OKABE_ITO["vermillion"] if si else color
        ax.plot([xi], [yi], marker="s" if si else "o", markersize=10, markeredgewidth=2, color=c,
                markerfacecolor="white" if st == "uncertain" else c, zorder=3)
    for xm in x[np.isnan(y)]:
        ax.axvline(xm, color=NEUTRAL, linewidth=1, linestyle=":", zorder=1)
    for xm in _labelled_gaps(x[np.isnan(y)]):
        ax.annotate(formats.missing(lang), (xm, 0), xycoords=("data", "axes fraction"), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=MIN_FONT, color=NEUTRAL)


def _labelled_gaps(missing: np.ndarray) -> list[float]:
    """The missing periods that get the words « n.d. »: every missing year, but at most one a year among
    missing quarters (side by side in a narrow panel, their labels would overlap; each keeps its dotted line).

    >>> _labelled_gaps(np.array([2013.0, 2014.0, 2019.25, 2019.5, 2019.75, 2020.0, 2020.25]))
    [2013.0, 2014.0, 2019.25, 2020.25]
    """
    out: list[float] = []
    for xm in sorted(float(v) for v in missing):
        if not out or xm - out[-1] >= 1.0:
            out.append(xm)
    return out


def _line_label(g: pd.DataFrame, indicator: str, lang: str) -> str:
    """A line's label in ``lang`` (column ``label_<lang>``, else ``label_fr`` in ``lang``), else its indicator code."""
    for col in (f"label_{lang}", "label_fr"):
        if col in g and g[col].notna().any():
            return str(word(str(g[col].dropna().iloc[0]), lang))
    return str(indicator)


def _panel_frame(ax, x: np.ndarray, label: str, unit: str, chars: int, series_label: str, lang: str) -> None:
    """A panel's title (wrapped to its width, with the unit), year ticks (at most 5, fewer in a narrow panel: one
    year per 7 title characters of width), grid and series name."""
    unit_text = "" if unit in _RATIO_UNITS or not unit else f" ({unit_name(unit, lang)})"
    ax.set_title(wrap_label(f"{label}{unit_text}", chars), loc="left", fontsize=FONT_SIZE, fontweight="bold")
    years = sorted({int(v) for v in x})
    step = max(1, math.ceil(len(years) / max(2, min(5, chars // 7))))
    ax.set_xticks(years[::step])
    ax.set_xticklabels([str(v) for v in years[::step]])
    ax.set_xlim(min(x) - 0.6, max(x) + 0.6)
    ax.grid(axis="y", visible=True)
    ax.grid(axis="x", visible=False)
    ax.set_xlabel(series_label, fontsize=MIN_FONT, color=NEUTRAL)


def indicator_panels(df: pd.DataFrame, *, lines: Sequence[tuple[str, str]] | None = None, start: Any = None,
                     end: Any = None, lang: str = "fr", title: str | None = None, width: float = 13.333,
                     options: ChartOptions | None = None):
    """Small multiples of indicator lines, missing periods visibly missing.

    Each ``series`` × ``indicator`` of the long table (:mod:`etude.analysis.indicators`) gets its own panel and its own
    y axis: lines with different perimeters or units are never drawn together. A line is drawn only between two
    consecutive periods that both have a figure — never across a gap — and each missing period is marked
    « n.d. ». Hollow markers are ``uncertain`` figures; squares joined by dashes are simulated ones.

    Parameters
    ----------
    df : DataFrame
        Long indicator table (``series, indicator, period, value``; ``label_<lang>`` (else ``label_fr``),
        ``unit``, ``status``, ``simulated`` used when present).
    lines : list of (series, indicator), optional
        Panels, in order; default every line of ``df``.
    start, end : int or str, optional
        Period range shown (:func:`etude.analysis.indicators.complete_periods`).
    lang : {"fr", "en"}, default "fr"
    title : str, optional
        Figure title.
    options : ChartOptions, optional
        ``ncols`` (panels per row, default 3), ``source`` (named in the caption), ``simulated`` (caption status;
        default: true when a drawn figure is simulated) (:class:`~etude.publish.plots.options.ChartOptions`).
    width : float, default 13.333
        Figure width in inches: a slide's width, so that the panel titles wrapped for it also fit the deck's chart
        image (:func:`etude.publish.figtext.slide_size`).

    Returns
    -------
    matplotlib Figure (close it with ``plt.close(fig)`` when done).

    Examples
    --------
    >>> t = pd.DataFrame({"series": "adcf", "indicator": "volume", "label_fr": "Volume",
    ...                   "period": ["2012", "2016", "2017"], "value": [96.0, 72.2, 77.3], "unit": "Md€",
    ...                   "status": "published"})
    >>> fig = indicator_panels(t)
    >>> [x.get_text() for x in fig.axes[0].texts if x.get_text() == "n.d."]
    ['n.d.', 'n.d.', 'n.d.']
    >>> plt.close(fig)
    """
    from etude.analysis import indicators as ind
    from etude.publish.present.tables import series_label

    lang = _lang(lang)
    if lines is None:
        lines = list(dict.fromkeys(zip(df["series"], df["indicator"])))
    lines = list(lines)
    if not lines:
        raise ParameterError("aucune série à tracer : « lines » est vide")
    full = ind.complete_periods(ind.select_lines(df, lines), start=start, end=end)
    options = options or ChartOptions()
    ncols = max(1, min(options.ncols or 3, len(lines)))
    nrows = math.ceil(len(lines) / ncols)
    drawn_simulated = False
    with style():
        fig, axes = plt.subplots(nrows, ncols, figsize=(width, 5.2 * nrows + 1.0), squeeze=False,
                                 layout="constrained")
        for ax, (series, indicator) in zip(axes.flat, lines):
            g = full[(full["series"] == series) & (full["indicator"] == indicator)]
            x = g["period"].map(_period_x).to_numpy(dtype=float)
            y = g["value"].to_numpy(dtype=float)
            status = g["status"].tolist() if "status" in g else [None] * len(g)
            sim = (g["simulated"].fillna(False).astype(bool).to_numpy() if "simulated" in g
                   else np.zeros(len(g), dtype=bool))
            drawn_simulated |= bool((sim & ~np.isnan(y)).any())
            _draw_series(ax, x, y, status, sim, lang=lang)
            unit = g["unit"].dropna().iloc[0] if "unit" in g and g["unit"].notna().any() else ""
            _value_axis(ax, y, unit, lang=lang)
            label = _line_label(g, indicator, lang)
            chars = int((width / ncols - 0.9) * 72 / (0.62 * FONT_SIZE))  # bold characters a panel holds
            _panel_frame(ax, x, label, unit, chars, series_label(series, lang), lang)
        for ax in list(axes.flat)[len(lines):]:
            ax.set_visible(False)
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=TITLE_SIZE, fontweight="bold")
        is_sim = drawn_simulated if options.simulated is None else bool(options.simulated)
        note = words.text("plots.gaps_note", lang, missing=formats.quote(formats.missing(lang), lang))
        note += " " + words.text("plots.simulated_points", lang) if drawn_simulated else ""
        add_caption(fig, _indicator_caption(options.source, is_sim, lang, note))
    return fig


def _spread(values: np.ndarray, gap: float) -> np.ndarray:
    """Label positions at least ``gap`` apart, in the order of ``values`` (labels of a slope chart never overlap)."""
    order = np.argsort(values)
    placed = values.astype(float).copy()
    for k in range(1, len(order)):
        if placed[order[k]] - placed[order[k - 1]] < gap:
            placed[order[k]] = placed[order[k - 1]] + gap
    return placed


def _wave_base(t: pd.DataFrame, n_col: str, text_col: str, wave: int, lang: str = "fr") -> str:
    """« 2017 / n = 25 » (or a range, or the published wording of an inexact n) under a slope chart's side."""
    if n_col in t and t[n_col].notna().any():
        ns = sorted({int(v) for v in t[n_col].dropna()})
        n_text = "–".join(formats.number(v, lang=lang) for v in dict.fromkeys([ns[0], ns[-1]]))
        return f"{wave}\nn{formats.NNBSP}={formats.NNBSP}{n_text}"
    if text_col in t and t[text_col].notna().any():
        return f"{wave}\n" + words.text("plots.n_text", lang, text=t[text_col].dropna().iloc[0])
    return str(wave)


def _slope_caption(fig, t: pd.DataFrame, *, tested: bool, adjusted: bool, alpha: float, lang: str,
                   source: str | None, simulated: bool | None) -> None:
    """The slope chart's caption: the test and its adjustment (or that nothing was tested), the data status."""
    if tested:
        note = words.text("plots.slope_note", lang) + " " + words.text(
            "plots.slope_signif", lang, alpha=formats.pct(alpha, 0, lang=lang),
            adjustment=words.text("plots.holm_adjusted" if adjusted else "plots.unadjusted", lang))
    else:
        note = words.text("plots.no_test", lang)
    survey = "simulated" in t  # survey waves (wave_changes) rather than a published barometer
    is_sim = (bool(t["simulated"].fillna(False).astype(bool).any()) if survey else False) \
        if simulated is None else bool(simulated)
    if survey or is_sim:
        add_caption(fig, caption_text(source=source, simulated=is_sim, lang=lang, note=note))
    else:
        add_caption(fig, _indicator_caption(source, False, lang, note))


def _share_marks(row: pd.Series, side: str) -> list[dict]:
    """The mark of a wave's share a slope chart prints, for the number audit: only for a survey population's wave
    change (:func:`etude.analysis.waves.wave_changes`), not for a reference barometer's."""
    population, share = row.get("population"), row.get(f"share_{side}")
    if population not in ("buyers", "companies") or "code" not in row.index or pd.isna(share):
        return []
    return [mark("pct", share, population=population, wave=row.get(f"wave_{side}"), item=row["code"])]


def wave_slope_chart(table: pd.DataFrame, *, alpha: float = 0.05, lang: str = "fr", title: str | None = None,
                     source: str | None = None, simulated: bool | None = None, width: float = 15.0):
    """Slope chart of shares between two waves: one line per item or theme.

    Lines whose change is significant (``p_adjusted`` < ``alpha``, else ``p_value``) are drawn thick in the
    population's colour, the others thin and grey; where no test was possible (an inexact sample size, as in
    the CINOV 2023 wave) every line is grey and the caption says why. Each end is labelled with its share; the
    right end also with the change in points. The x labels give each wave's base (« n = … »).

    Parameters
    ----------
    table : DataFrame
        :func:`etude.analysis.waves.wave_changes` or :func:`etude.analysis.waves.published_wave_changes`.
    alpha : float, default 0.05
    lang : {"fr", "en"}, default "fr"
    title, source : str, optional
    simulated : bool, optional
        Caption status; default ``table["simulated"]`` when present, else false.
    width : float, default 15

    Returns
    -------
    matplotlib Figure.

    Examples
    --------
    >>> t = pd.DataFrame({"label": ["Coût", "Besoins"], "wave_from": 2023, "wave_to": 2024,
    ...                   "share_from": [0.542, 0.591], "share_to": [0.60, 0.523], "diff": [0.058, -0.068],
    ...                   "n_from": [float("nan")] * 2, "n_from_text": ["plus de 300"] * 2, "n_to": [845, 845],
    ...                   "p_value": [float("nan")] * 2})
    >>> fig = wave_slope_chart(t)
    >>> [x.get_text() for x in fig.axes[0].get_xticklabels()]
    ['2023\\nn : plus de 300', '2024\\nn\\u202f=\\u202f845']
    >>> plt.close(fig)
    """
    lang = _lang(lang)
    if table.empty:
        raise ParameterError("table vide : aucune évolution à tracer")
    t = in_language(table, lang).reset_index(drop=True)
    w1, w2 = int(t["wave_from"].iloc[0]), int(t["wave_to"].iloc[0])
    pcol = "p_adjusted" if "p_adjusted" in t else "p_value"
    tested = pcol in t and t[pcol].notna().any()
    population = t["population"].iloc[0] if "population" in t else None
    strong = population_color(population)
    height = 3.0 + 0.6 * len(t)  # a slide image's height at a slide's width (figtext.slide_chart_size)
    lo = float(np.nanmin(t[["share_from", "share_to"]].to_numpy(dtype=float)))
    hi = float(np.nanmax(t[["share_from", "share_to"]].to_numpy(dtype=float)))
    pad = max(hi - lo, 0.05) * 0.08
    gap = (hi - lo + 2 * pad) * (FONT_SIZE * 1.35) / max((height - 3.0) * 72, 50)

    left = _spread(t["share_from"].to_numpy(dtype=float), gap)
    right = _spread(t["share_to"].to_numpy(dtype=float), gap)

    with style():
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
        for i, r in t.iterrows():
            p = r[pcol] if pcol in t else math.nan
            significant = tested and not pd.isna(p) and p < alpha
            if "separated" in t:  # the table's one decision rule (etude.analysis.compare.decide)
                significant = bool(r["separated"])
            color = strong if significant else NEUTRAL
            ax.plot([0, 1], [r["share_from"], r["share_to"]], color=color, linewidth=3.5 if significant else 2,
                    marker="o", markersize=9, zorder=3 if significant else 2)
            mark_artist(ax.text(-0.05, left[i], f"{wrap_label(r['label'], 40).replace(chr(10), ' ')}  "
                                f"{pct_label(r['share_from'], lang=lang)}", ha="right", va="center",
                                fontsize=FONT_SIZE, color=color), _share_marks(r, "from"))
            mark_artist(ax.text(1.05, right[i], f"{pct_label(r['share_to'], lang=lang)}  "
                                f"({formats.points(r['diff'], lang=lang)})", ha="left", va="center",
                                fontsize=FONT_SIZE, color=color), _share_marks(r, "to"))
        ax.set_xticks([0, 1])
        ax.set_xticklabels([_wave_base(t, "n_from", "n_from_text", w1, lang),
                            _wave_base(t, "n_to", "n_to_text", w2, lang)])
        ax.set_xlim(-1.4, 1.75)
        ax.set_ylim(lo - pad, max(hi, float(np.nanmax(left)), float(np.nanmax(right))) + pad)
        ax.set_yticks([])
        ax.grid(False)
        for side in ("left", "top", "right"):
            ax.spines[side].set_visible(False)
        if title:
            ax.set_title(title, loc="left")
        _slope_caption(fig, t, tested=tested, adjusted=pcol == "p_adjusted", alpha=alpha, lang=lang,
                       source=source, simulated=simulated)
    return fig
