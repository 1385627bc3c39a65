"""Charts of the DECP panel: innovative contracts against the 2 % line, and the other indicators by year.

Each share is drawn with its 95 % interval; a year where the field is never given has no point (not 0). The
2 % line is the national target *by value* on another scope: the note under the chart says how it differs.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> panel = pd.DataFrame({"year": [2024, 2024], "indicator": ["innovative_count", "innovative_value"],
...     "basis": ["count", "value"], "denominator": [50.0, 1e6], "share": [0.02, 0.015],
...     "ci_low": [0.004, 0.0], "ci_high": [0.1, 0.05]})
>>> fig = innovation_chart(panel, region="Hauts-de-France", simulated=True)
>>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][0]
'Objectif national de 2 % (en valeur)'
>>> plt.close(fig)
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from etude import words
from etude.publish import formats
from etude.publish.plots.house import (
    OKABE_ITO,
    TITLE_SIZE,
    add_caption,
    caption_text,
    percent_axis,
    style,
    wrap_label,
)

__all__ = ["innovation_chart", "panel_chart", "TARGET"]

#: The national innovative-purchase target (share of value, 2020): objectif_2pct reference table.
TARGET = 0.02
_COLORS = {"count": OKABE_ITO["blue"], "value": OKABE_ITO["orange"]}


def _series(ax, panel: pd.DataFrame, indicator: str, *, color: str, label: str, offset: float = 0.0) -> None:
    t = panel[(panel["indicator"] == indicator) & (panel["denominator"] > 0)].sort_values("year")
    if t.empty:
        return
    x = t["year"].to_numpy(float) + offset
    y = t["share"].to_numpy(float)
    lo = np.clip(y - t["ci_low"].to_numpy(float), 0, None)
    hi = np.clip(t["ci_high"].to_numpy(float) - y, 0, None)
    err = np.where(np.isfinite(lo) & np.isfinite(hi), np.vstack([lo, hi]), 0)
    ax.errorbar(x, y, yerr=err, fmt="o-", color=color, label=label, capsize=4, lw=2, ms=7)


def _years_axis(ax, panel: pd.DataFrame, most: int = 4) -> None:
    """Years on the x axis: at most ``most`` labelled (every other year, or fewer), so that a panel a third of a
    slide wide keeps its years apart; the last year is always labelled."""
    years = sorted(int(y) for y in panel["year"].unique())
    if years:
        step = -(-len(years) // most)
        ax.set_xticks(years[::-1][::step][::-1])
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)


def innovation_chart(panel: pd.DataFrame, *, region: str, lang: str = "fr", simulated: bool = False,
                     source: str | None = None):
    """Share of innovative contracts by number and by value per year, against the 2 % line (value target)."""
    t = lambda key, **f: words.text(f"decp.chart.{key}", lang, **f)  # noqa: E731
    with style():
        fig, ax = plt.subplots(figsize=(12, 6.5), layout="constrained")
        _series(ax, panel, "innovative_count", color=_COLORS["count"], label=t("count_label"), offset=-0.05)
        _series(ax, panel, "innovative_value", color=_COLORS["value"], label=t("value_label"), offset=0.05)
        ax.axhline(TARGET, color=OKABE_ITO["vermillion"], ls="--", lw=2, label=t("target_label"))
        top = np.nanmax([TARGET * 2, *panel.loc[panel["indicator"].str.startswith("innovative"), "ci_high"]
                         .fillna(0).to_numpy(float)])
        ax.set_ylim(0, min(1.0, top * 1.1))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: formats.pct(v, decimals=1, lang=lang)))
        _years_axis(ax, panel)
        ax.set_ylabel(wrap_label(t("innovation_axis"), 26))  # two short lines: a slide image is not tall
        ax.legend(loc="upper left", frameon=False)
        fig.suptitle(wrap_label(t("innovation_title", region=region), 70), x=0.01, ha="left", fontsize=TITLE_SIZE,
                     fontweight="bold")
        add_caption(fig, caption_text(source=source, simulated=simulated, lang=lang, note=t("target_note")))
    return fig


_PANELS = (("sme", ("sme_count", "sme_value")), ("single_bid", ("single_bid",)),
           ("considerations", ("social", "environmental")))


def panel_chart(panel: pd.DataFrame, *, region: str, lang: str = "fr", simulated: bool = False,
                source: str | None = None):
    """Three panels by year: SME share of holders (number, value), single-bid rate, social and environmental."""
    label = lambda code: words.text(f"decp.indicator.{code}", lang)  # noqa: E731
    colors = [OKABE_ITO["blue"], OKABE_ITO["orange"]]
    with style():
        fig, axes = plt.subplots(1, 3, figsize=(18, 6.5), layout="constrained", sharey=False)
        for ax, (_, codes) in zip(axes, _PANELS):
            for i, code in enumerate(codes):
                _series(ax, panel, code, color=colors[i], label=wrap_label(label(code), 28),
                        offset=(i - (len(codes) - 1) / 2) * 0.1)
            ax.set_ylim(0, 1)
            percent_axis(ax, "y", lang=lang)
            _years_axis(ax, panel)
            ax.legend(loc="upper left", frameon=False, fontsize=14)
        fig.suptitle(wrap_label(words.text("decp.chart.panel_title", lang, region=region), 90), x=0.01, ha="left",
                     fontsize=TITLE_SIZE, fontweight="bold")
        add_caption(fig, caption_text(source=source, simulated=simulated, lang=lang,
                                      note=words.text("decp.chart.panel_note", lang)))
    return fig
