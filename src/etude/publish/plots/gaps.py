"""Buyers against companies: shares by theme side by side, differences with their adjusted intervals."""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from etude import words
from etude.analysis import compare
from etude.publish import formats
from etude.publish.marks import mark, mark_artist
from etude.publish.plots.house import (
    FONT_SIZE,
    NEUTRAL,
    OKABE_ITO,
    add_caption,
    pct_label,
    percent_axis,
    population_color,
    style,
    title_with_n,
    wrap_label,
)
from etude.publish.plots.options import ChartOptions, caption_of
from etude.survey import codebook as cb
from etude.words import check_lang as _lang

__all__ = ['mirror_chart', 'forest_plot']

# ------------------------------------------------------------------------------------------------ buyers vs companies

def _level_text(alpha: float, lang: str) -> str:
    level = (1 - alpha) * 100
    return formats.number(level, 0 if round(level, 6).is_integer() else 1, lang=lang)


def _words(key: str, lang: str, **fields) -> str:
    return words.text(f"plots.{key}", lang, **fields)


def mirror_chart(buyers: pd.DataFrame, companies: pd.DataFrame, *, lang: str = "fr", alpha: float = 0.05,
                 title: str | None = None, width: float = 15.0, options: ChartOptions | None = None):
    """Butterfly chart of theme prevalence: buyers on the left, companies on the right, one row per theme.

    Parameters
    ----------
    buyers, companies : DataFrame
        :func:`etude.analysis.compare.theme_prevalence` tables (``theme, label, n_base, pct, ci_low, ci_high``). Rows
        follow the buyers' theme order, then themes found only on the companies' side; a theme missing on one
        side says so there instead of drawing a bar.
    lang : {"fr", "en"}
    alpha : float, default 0.05
        Level of the Wilson intervals, for the caption (the intervals come with the tables).
    title : str, optional
        Figure title (default « Freins cités, par thème »).
    options : ChartOptions, optional
        The caption's source, wave and data status (:class:`~etude.publish.plots.options.ChartOptions`).

    Returns
    -------
    matplotlib Figure; each half's title gives its population and base, e.g. « Acheteurs publics (n = 25) ».

    Examples
    --------
    >>> t = pd.DataFrame({"theme": ["moyens", "soutien"], "label": ["Temps, argent et moyens", "Soutien"],
    ...                   "n_base": [25, 25], "pct": [0.76, 0.56], "ci_low": [0.57, 0.37], "ci_high": [0.89, 0.73]})
    >>> from etude.publish.plots import figure_caption
    >>> fig = mirror_chart(t, t.iloc[:1].assign(n_base=85), options=ChartOptions(wave=2017))
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['Acheteurs publics (n\u202f=\u202f25)', 'Entreprises innovantes (n\u202f=\u202f85)']
    >>> "Données simulées — ne pas citer" in figure_caption(fig)
    True
    >>> plt.close(fig)
    """
    lang = _lang(lang)
    themes = list(dict.fromkeys(list(buyers["theme"]) + list(companies["theme"])))
    labels = {**dict(zip(companies["theme"], companies["label"])), **dict(zip(buyers["theme"], buyers["label"]))}
    wrapped = [wrap_label(labels[t], 22) for t in themes]
    height = 2.6 + sum(0.75 + 0.35 * w.count("\n") for w in wrapped)
    with style():
        fig, axes = plt.subplots(1, 2, sharey=True, figsize=(width, height), layout="constrained")
        for ax, population, tab in ((axes[0], "buyers", buyers), (axes[1], "companies", companies)):
            t = tab.set_index("theme")
            left = population == "buyers"
            for y, theme in enumerate(themes):
                if theme not in t.index or pd.isna(t.loc[theme, "pct"]):
                    partial = theme in t.index and isinstance(t.loc[theme].get("missing"), str) \
                        and bool(t.loc[theme, "missing"])  # an item not asked: not compared (compare.comparability)
                    ax.text(0.03, y, _words("theme_not_asked" if partial else "theme_missing", lang), va="center",
                            ha="right" if left else "left", fontsize=FONT_SIZE, style="italic", color=NEUTRAL)
                    continue
                r = t.loc[theme]
                ax.barh(y, r["pct"], height=0.62, color=population_color(population), zorder=2)
                ax.errorbar(r["pct"], y, xerr=[[max(r["pct"] - r["ci_low"], 0)], [max(r["ci_high"] - r["pct"], 0)]],
                            fmt="none", ecolor="black", elinewidth=2, capsize=6, capthick=2, zorder=3)
                mark_artist(ax.text(max(r["pct"], r["ci_high"]) + 0.02, y, pct_label(r["pct"], 0, lang=lang),
                                    va="center", ha="right" if left else "left", fontsize=FONT_SIZE, zorder=4),
                            [mark("pct", r["pct"], population=population, item=theme)])  # for the number audit
            n = tab["n_base"].dropna()
            mark_artist(ax.set_title(title_with_n(cb.label(population, lang=lang), int(n.max()) if len(n) else None,
                                                  lang=lang),
                                     loc="left", fontsize=FONT_SIZE + 2, color=population_color(population)),
                        [mark("n_base", n.max(), population=population)] if len(n) else [])
            ax.set_xlim(0, 1.25)
            percent_axis(ax, lang=lang)
            ax.tick_params(axis="y", length=0)
        axes[0].invert_xaxis()
        axes[0].spines["left"].set_visible(False)
        axes[0].spines["right"].set_visible(True)
        axes[0].set_yticks(range(len(themes)))
        axes[0].set_yticklabels(wrapped)
        axes[0].set_ylim(len(themes) - 0.5, -0.5)
        fig.suptitle(title or _words("mirror_title", lang), x=0.01, ha="left", fontweight="bold")
        add_caption(fig, caption_of(options or ChartOptions(), lang=lang,
                                    note=_words("mirror_note", lang, level=_level_text(alpha, lang))))
    return fig


def _forest_row(ax, y: int, r: pd.Series, *, alpha: float, lim: float, lang: str,
                colors: tuple[str, str]) -> dict:
    """One theme of :func:`forest_plot`: its interval, its dot and its adjusted p-value (or « non comparable »);
    returns ``{"signif" | "not_signif": dot}`` for the legend."""
    if r["test"] == "not_comparable" or pd.isna(r["diff"]):
        ax.text(0, y, words.label("not_comparable", lang), ha="center", va="center", style="italic", color=NEUTRAL,
                fontsize=FONT_SIZE, bbox={"facecolor": "white", "edgecolor": "none", "pad": 2}, zorder=4)
        return {}
    signif = bool(compare.decide(pd.DataFrame([r]), alpha=alpha).iloc[0])  # the one decision rule
    color = colors[0] if signif else colors[1]
    ax.hlines(y, r["diff_ci_low"] * 100, r["diff_ci_high"] * 100, color=color, linewidth=3, zorder=2)
    dot = ax.plot(r["diff"] * 100, y, "o", markersize=13, markeredgewidth=2.5, color=color,
                  markerfacecolor=color if signif else "white", zorder=3)[0]
    ax.text(lim * 1.03, y, _words("padj", lang, p=formats.pvalue(r["p_adjusted"], lang=lang)),
            va="center", ha="left", fontsize=FONT_SIZE, color=color)
    return {"signif" if signif else "not_signif": dot}


def forest_plot(table: pd.DataFrame, *, alpha: float = 0.05, padjust: str | None = None, lang: str = "fr",
                title: str | None = None, width: float = 15.0, options: ChartOptions | None = None):
    """Forest plot of the buyers − companies differences per theme, significance after adjustment marked.

    Parameters
    ----------
    table : DataFrame
        :func:`etude.analysis.compare.compare_themes` (``label, diff, diff_ci_low, diff_ci_high, test, p_adjusted``).
        A non-comparable theme keeps its row, with the words « non comparable » and no point.
    alpha : float, default 0.05
        Threshold of the decision (:func:`etude.analysis.compare.decide`: adjusted p-value below ``alpha`` and the
        drawn adjusted interval excluding 0): filled vermilion dots, hollow grey dots otherwise — no colour
        says « separated » for an interval that crosses 0; also the interval level named in the caption.
    padjust : str, optional
        Name of the adjustment used, for the caption; default the table's (``attrs``), else Bonferroni.
    lang, title, options
        As :func:`mirror_chart`.

    Returns
    -------
    matplotlib Figure; differences in percentage points, a vertical line at 0, the adjusted p-value of each
    theme written on the right.

    Examples
    --------
    >>> t = pd.DataFrame({"label": ["Juridique", "Soutien"], "diff": [-0.22, float("nan")],
    ...                   "diff_ci_low": [-0.40, float("nan")], "diff_ci_high": [0.01, float("nan")],
    ...                   "test": ["fisher", "not_comparable"], "p_adjusted": [0.28, float("nan")]})
    >>> fig = forest_plot(t, options=ChartOptions(wave=2017))
    >>> [x.get_text() for x in fig.axes[0].get_yticklabels()]
    ['Juridique', 'Soutien']
    >>> sorted(x.get_text() for x in fig.axes[0].texts)
    ['non comparable', 'p aj.\u202f=\u202f0,280']
    >>> plt.close(fig)
    """
    lang = _lang(lang)
    padjust = padjust or table.attrs.get("padjust", compare.DEFAULT_PADJUST)
    t = table.reset_index(drop=True)
    adjusted = {"diff_ci_low_adj", "diff_ci_high_adj"} <= set(t.columns)
    if adjusted:  # intervals adjusted like the p-values shown beside them
        t = t.assign(diff_ci_low=t["diff_ci_low_adj"], diff_ci_high=t["diff_ci_high_adj"])
    wrapped = [wrap_label(x, 26) for x in t["label"]]
    height = 3.2 + sum(0.7 + 0.35 * w.count("\n") for w in wrapped)
    values = t[["diff_ci_low", "diff_ci_high"]].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float) * 100
    lim = float(np.nanmax(np.abs(values))) + 5 if np.isfinite(values).any() else 20.0
    lim = max(20.0, math.ceil(lim / 10) * 10)
    signif_color, plain_color = OKABE_ITO["vermillion"], NEUTRAL
    with style():
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
        ax.axvline(0, color="black", linewidth=1.5, zorder=1)
        handles = {}
        for y, r in t.iterrows():
            handles.update(_forest_row(ax, y, r, alpha=alpha, lim=lim, lang=lang,
                                       colors=(signif_color, plain_color)))
        ax.set_xlim(-lim, lim)
        ax.set_yticks(range(len(t)))
        ax.set_yticklabels(wrapped)
        ax.set_ylim(len(t) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.xaxis.set_major_formatter(FuncFormatter(
            lambda x, _p: ("+" if x > 0 else "") + formats.number(x, lang=lang)))
        ax.set_xlabel(_words("gap_axis", lang))
        names = {"signif": _words("signif", lang, alpha=formats.number(alpha, 2, lang=lang)),
                 "not_signif": _words("not_signif", lang)}
        keys = [k for k in ("signif", "not_signif") if k in handles]
        rows = 1 if sum(len(names[k]) for k in keys) <= 60 else len(keys)  # a long legend: one entry a row
        if keys:
            ax.legend([handles[k] for k in keys], [names[k] for k in keys], loc="lower left",
                      bbox_to_anchor=(0, 1.0), ncol=len(keys) // rows, frameon=False, borderaxespad=0.3)
        ax.set_title(title or _words("forest_title", lang), loc="left", pad=48 + 26 * (rows - 1))
        add_caption(fig, caption_of(options or ChartOptions(), lang=lang,
                                    note=_forest_note(t, alpha=alpha, padjust=padjust, adjusted=adjusted,
                                                      lang=lang)))
    return fig


def _forest_note(t: pd.DataFrame, *, alpha: float, padjust: str, adjusted: bool, lang: str) -> str:
    """The forest plot's note: interval level and adjustment, the tests used, the p-value adjustment."""
    tests = [x for x in t["test"].dropna().unique() if x in ("fisher", "chi2")] or ["fisher"]
    method = words.text(f"common.{padjust}", lang) if words.has(f"common.{padjust}", lang) else padjust
    return _words("forest_note", lang, level=_level_text(alpha, lang),
                  adj=_words("ci_adjusted" if adjusted else "ci_unadjusted", lang),
                  test="/".join(_words(f"test_{x}", lang) for x in tests), padjust=method)
