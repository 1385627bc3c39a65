"""Funnel plot: each region's share against its number of records, with limits around the national share.

A region inside the 95 % limits does not differ from France more than chance explains; outside the 99.8 %
limits it does. The limits are exact binomial quantiles (:func:`etude.decp.funnel_limits`), drawn on a fine
grid of sizes; the highlighted region is named.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> r = pd.DataFrame({"region": ["32", "11", "FR"], "region_name": ["Hauts-de-France", "Île-de-France", "France"],
...                   "year": 2024, "indicator": "sme_count", "share": [0.6, 0.55, 0.58],
...                   "denominator": [120.0, 300.0, 1200.0], "national_share": 0.58})
>>> fig = funnel_chart(r, year=2024, indicators=["sme_count"], simulated=True)
>>> len(fig.axes)
1
>>> plt.close(fig)
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from etude import words
from etude.decp.regions import FUNNEL_LEVELS, NATIONAL, funnel_limits
from etude.publish import formats
from etude.publish.plots.house import NEUTRAL, OKABE_ITO, TITLE_SIZE, add_caption, caption_text, percent_axis, style
from etude.publish.plots.house import wrap_label as _wrap

__all__ = ["funnel_chart", "funnel_axis"]


def funnel_axis(ax, regions: pd.DataFrame, *, indicator: str, year: int, highlight: str = "32",
                lang: str = "fr") -> None:
    """One indicator's funnel on ``ax``: the regions' points, the national line, the two pairs of limits."""
    t = regions[(regions["year"] == year) & (regions["indicator"] == indicator) & (regions["denominator"] > 0)]
    nat = t[t["region"] == NATIONAL]
    pts = t[t["region"] != NATIONAL]
    if nat.empty or pts.empty:
        ax.set_axis_off()
        return
    p0 = float(nat["share"].iloc[0])
    n = np.unique(np.geomspace(1, max(pts["denominator"].max() * 1.5, 10), 300).round())
    for level, ls in zip(FUNNEL_LEVELS, ("--", ":")):
        lo, hi = funnel_limits(n, p0, level=level)
        key = "funnel_95" if level == FUNNEL_LEVELS[0] else "funnel_998"
        ax.step(n, lo, where="mid", color=NEUTRAL, ls=ls, lw=1.5, label=words.text(f"decp.chart.{key}", lang))
        ax.step(n, hi, where="mid", color=NEUTRAL, ls=ls, lw=1.5)
    ax.axhline(p0, color=OKABE_ITO["bluish_green"], lw=2,
               label=words.text("decp.chart.funnel_national", lang, share=formats.pct(p0, lang=lang)))
    other = pts[pts["region"] != highlight]
    ax.scatter(other["denominator"], other["share"], s=60, color=OKABE_ITO["sky_blue"], edgecolor="black", zorder=3)
    mine = pts[pts["region"] == highlight]
    if len(mine):
        ax.scatter(mine["denominator"], mine["share"], s=140, color=OKABE_ITO["vermillion"], edgecolor="black",
                   zorder=4)
        ax.annotate(str(mine["region_name"].iloc[0]), (mine["denominator"].iloc[0], mine["share"].iloc[0]),
                    xytext=(8, 8), textcoords="offset points", fontsize=14, fontweight="bold")
    ax.set_xscale("log")
    ax.set_ylim(0, 1)
    percent_axis(ax, "y", lang=lang)
    ax.set_title(_wrap(words.text(f"decp.indicator.{indicator}", lang), 40), loc="left", fontsize=16)


def funnel_chart(regions: pd.DataFrame, *, year: int, indicators, highlight: str = "32", lang: str = "fr",
                 simulated: bool = False, source: str | None = None):
    """Funnels of ``indicators`` (shares of counts) for ``year``, side by side, two per row; one funnel is drawn
    wide (12 × 5 inches), the shape of a slide's chart, so that its text stays at 18 px on the slide."""
    indicators = list(indicators)
    ncols = min(2, len(indicators))
    nrows = int(np.ceil(len(indicators) / ncols))
    size = (12, 5) if len(indicators) == 1 else (8 * ncols, 6 * nrows)
    with style():
        fig, axes = plt.subplots(nrows, ncols, figsize=size, layout="constrained", squeeze=False)
        for ax, code in zip(axes.flat, indicators):
            funnel_axis(ax, regions, indicator=code, year=year, highlight=highlight, lang=lang)
        for ax in list(axes.flat)[len(indicators):]:
            ax.set_axis_off()
        for ax in list(axes.flat)[:len(indicators)]:
            ax.set_xlabel(words.text("decp.chart.funnel_axis_x", lang), fontsize=14)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        if len(indicators) == 1:  # inside, top right, where the limits have closed in: the title keeps its width
            axes.flat[0].legend(handles, labels, loc="upper right", frameon=False, fontsize=14)
        else:
            fig.legend(handles, labels, loc="outside upper right", frameon=False, fontsize=14, ncols=3)
        fig.suptitle(words.text("decp.chart.funnel_title", lang, year=year), x=0.01, ha="left", fontsize=TITLE_SIZE,
                     fontweight="bold")
        add_caption(fig, caption_text(source=source, simulated=simulated, lang=lang,
                                      note=words.text("decp.chart.funnel_note", lang)))
    return fig
