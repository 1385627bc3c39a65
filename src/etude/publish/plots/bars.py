"""Ranked bars: barrier frequencies (each share with its letters: items sharing a letter are not separated by the
paired tests, :mod:`etude.analysis.rankings`), grouped frequencies, respondent profiles."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from etude import words
from etude.analysis import stats
from etude.errors import ParameterError
from etude.publish import formats
from etude.publish.labels import attribute_label, value_label
from etude.publish.marks import mark_artist, row_mark
from etude.publish.plots.house import (
    FONT_SIZE,
    NEUTRAL,
    PALETTE,
    add_caption,
    item_label,
    pct_label,
    percent_axis,
    population_color,
    style,
    title_with_n,
    wrap_label,
)
from etude.publish.plots.options import ChartOptions, caption_of
from etude.safety.recovery import table_shape
from etude.survey import codebook as cb
from etude.survey.context import min_cell_of
from etude.words import check_lang as _lang

__all__ = ['frequency_chart', 'grouped_frequency_chart', 'profile_chart']



def _level(alpha: float, lang: str) -> str:
    """The confidence level of ``alpha`` in percent: ``95``, ``97,5`` (French), ``97.5`` (English)."""
    level = (1 - alpha) * 100
    return formats.number(level, 0 if round(level, 6).is_integer() else 1, lang=lang)


def _note(table: pd.DataFrame, lang: str) -> str:
    method = table.attrs.get("ci_method", "wilson")
    key = f"plots.ci_method.{method}"
    name = words.text(key, lang) if words.has(key, lang) else str(method)
    return words.text("plots.ci_note", lang, level=_level(table.attrs.get("alpha", 0.05), lang), method=name)


def _title(question: str, population: str | None, lang: str) -> str:
    """« Freins cités — Acheteurs publics », « Leviers cités — … » (``question`` ``remedies``)."""
    key = "plots.title_remedies" if question == "remedies" else "plots.title_barriers"
    return words.text(key, lang) + (f" — {cb.label(population, lang=lang)}" if population else "")


# ------------------------------------------------------------------------------------------------ bars

def _withheld_rows(table: pd.DataFrame) -> pd.Series:
    """The rows the small-group rule withholds: its ``suppressed`` column, or, in a table written without one
    (``freins.csv``, ``leviers.csv``), a blank base (no answer is a base of 0, an item not asked has its base).

    >>> _withheld_rows(pd.DataFrame({"n_base": [4, None, 0]})).tolist()
    [False, True, False]
    """
    if "suppressed" in table.columns:
        return table["suppressed"].fillna(False).astype(bool)
    return pd.to_numeric(table["n_base"], errors="coerce").isna()


def _panel(ax, table: pd.DataFrame, order: Sequence[str], *, color: str, lang: str, labels: bool,
           options: ChartOptions, upper: float = 1.2) -> None:
    """Draw ranked horizontal bars with interval whiskers for the items of ``order`` (top = first);
    the table's threshold (``attrs["min_cell"]``) is named when every row is suppressed."""
    pos = {code: i for i, code in enumerate(order)}
    withheld = _withheld_rows(table)
    shown = table[~withheld]
    base = pd.to_numeric(shown["n_base"], errors="coerce").fillna(0) > 0
    for code in shown.loc[shown["item"].isin(pos) & shown["count"].isna() & base, "item"]:  # not asked
        ax.text(0.015, pos[code], words.text("common.not_asked", lang), va="center", ha="left", fontsize=FONT_SIZE,
                color=NEUTRAL, zorder=4)
    shown = shown[shown["item"].isin(pos) & shown["pct"].notna()]
    y = np.array([pos[c] for c in shown["item"]], dtype=float)
    pct = shown["pct"].astype(float).to_numpy()
    low = shown["ci_low"].astype(float).to_numpy()
    high = shown["ci_high"].astype(float).to_numpy()
    ax.barh(y, pct, height=0.62, color=color, zorder=2)
    if len(shown):
        ax.errorbar(pct, y, xerr=[np.clip(pct - low, 0, None), np.clip(high - pct, 0, None)], fmt="none",
                    ecolor="black", elinewidth=2, capsize=6, capthick=2, zorder=3)
    letters = shown["letters"] if "letters" in shown.columns else pd.Series(pd.NA, index=shown.index)
    for yi, p, h, lt, (_, r) in zip(y, pct, high, letters, shown.iterrows()):
        text = pct_label(p, 0, lang=lang) + (f"  {lt}" if isinstance(lt, str) else "")  # compact letter display
        mark_artist(ax.text(max(p, h if not math.isnan(h) else p) + 0.015, yi, text, va="center", ha="left",
                            fontsize=FONT_SIZE, zorder=4), _row_marks(table, r, ["pct"]))
    if shown.empty:
        suppressed = bool(withheld.any())
        primary = table.attrs.get("primary")  # hidden by secondary suppression (etude.safety.disclosure): not « < 5 »
        small = primary is None or table.index.isin(primary).any()
        message = (words.text("plots.suppressed" if small else "plots.hidden", lang,
                              min_cell=formats.number(min_cell_of(table), lang=lang))
                   if suppressed else words.text("plots.no_answer", lang))
        ax.text(0.5, (len(order) - 1) / 2, message, ha="center", va="center", fontsize=FONT_SIZE, color=NEUTRAL)
    if labels:  # facets share the first panel's y axis (ticks and labels)
        ax.set_yticks(range(len(order)))
        ax.set_yticklabels([item_label(c, lang=lang, short=options.short, codebook=options.codebook)
                            for c in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlim(0, upper)
    percent_axis(ax, upper=min(upper, 1.0), lang=lang)
    ax.tick_params(axis="y", length=0)


def _upper(table: pd.DataFrame) -> float:
    """Right end of a percentage axis: room for the value label after the highest whisker or bar (a group too
    small for an interval still draws its share)."""
    high = pd.concat([pd.to_numeric(table[c], errors="coerce") for c in ("ci_high", "pct")]).max(skipna=True)
    return float(min(1.2, max(0.5, (0 if pd.isna(high) else high) + 0.17)))


def _order(table: pd.DataFrame) -> list[str]:
    """Items by decreasing count (summed over groups), then first appearance."""
    t = table.assign(_c=pd.to_numeric(table["count"], errors="coerce").fillna(0),
                     _o=range(len(table)))
    agg = t.groupby("item", sort=False).agg(c=("_c", "sum"), o=("_o", "min"))
    return list(agg.sort_values(["c", "o"], ascending=[False, True]).index)


def _n_of(table: pd.DataFrame) -> Any:
    n = table["n_base"].dropna().unique()
    return int(n[0]) if len(n) == 1 else None


def _row_marks(table: pd.DataFrame, row: pd.Series, columns: Sequence[str], population: str | None = None
               ) -> list[dict]:
    """Marks of the respondent numbers a chart draws from ``row`` (:mod:`etude.publish.marks`, read by the number
    audit), when the table says whose they are: a population, and a flat, profile or grouped table (the shapes
    the run's tables publish); none otherwise, never a mark that would name another row."""
    pop = population or row.get("population")
    shape, gcol = table_shape(table)
    if not isinstance(pop, str) or shape == "other":
        return []
    if shape == "grouped" and gcol != "group_value":  # grouped by a respondent attribute named as a column
        row = pd.concat([row, pd.Series({"group": gcol, "group_value": row[gcol]})])
    return [row_mark(row, c, pop) for c in columns if c in row.index and not pd.isna(row[c])]


def _base_marks(table: pd.DataFrame, population: str | None = None) -> list[dict]:
    """The mark of the base ``n`` a title or legend prints for ``table`` (its one ``n_base``)."""
    based = table[table["n_base"].notna()]
    return _row_marks(table, based.iloc[0], ["n_base"], population) if _n_of(table) is not None else []


def frequency_chart(table: pd.DataFrame, *, title: str | None = None, population: str | None = None,
                    lang: str = "fr", width: float = 12.0, options: ChartOptions | None = None):
    """Ranked horizontal bars of a :func:`etude.analysis.stats.frequencies` table, with interval whiskers.

    Parameters
    ----------
    table : DataFrame
        One population, one group: ``item, n_base, count, pct, ci_low, ci_high`` (a ``suppressed`` column, if
        any, hides the suppressed rows).
    title : str, optional
        Default « Freins cités — <population> » (« Leviers cités — … » when ``options.question`` is
        ``"remedies"``); ``(n = …)`` is appended (the table's ``n_base``).
    population : {"buyers", "companies"}, optional
        For the default title and the colour; default guessed from the item codes.
    lang : {"fr", "en"}
    width : float
        Width in inches (a slide's: :func:`etude.publish.figtext.slide_figure`).
    options : ChartOptions
        Caption (source, wave, simulated; the interval's level and method, read from ``table.attrs``, are added),
        short item labels (default), the question and the codebook. The threshold named when every row is
        suppressed is the table's (``attrs["min_cell"]``).

    Returns
    -------
    matplotlib Figure (close it with ``plt.close(fig)`` when done).
    """
    lang = _lang(lang)
    options = options or ChartOptions()
    population = population or stats.population_of(list(table["item"]), codebook=options.codebook)
    table = table if "population" in table.columns else table.assign(population=population)  # whose: the marks
    order = _order(table)
    if title is None:
        title = _title(options.question, population, lang)
    height = 1.6 + sum(0.55 + 0.3 * _label(c, lang, options).count("\n") for c in order)
    with style():
        fig, ax = plt.subplots(figsize=(width, max(height, 3.5)), layout="constrained")
        _panel(ax, table, order, color=population_color(population), lang=lang, labels=True, options=options,
               upper=_upper(table))
        note = _note(table, lang) + _letters_note(table, lang)
        mark_artist(ax.set_title(title_with_n(title, _n_of(table), lang=lang), loc="left"),
                    _base_marks(table, population))
        ax.set_xlabel(words.text("plots.share_axis", lang))
        add_caption(fig, caption_of(options, lang=lang, note=note))
    return fig


def _label(code: str, lang: str, options: ChartOptions) -> str:
    return item_label(code, lang=lang, short=options.short, codebook=options.codebook)


def _letters_note(table: pd.DataFrame, lang: str) -> str:
    """The reading of the letters written after each share, when the table has some (``letters``)."""
    has = "letters" in table.columns and table["letters"].notna().any()
    return " " + words.text("plots.letters", lang) if has else ""


def grouped_frequency_chart(table: pd.DataFrame, by: str, *, title: str | None = None,
                            population: str | None = None, lang: str = "fr",
                            options: ChartOptions | None = None):
    """One panel of ranked bars per group (facets sharing the item order and the axis), whiskers included.

    Parameters
    ----------
    table : DataFrame
        :func:`etude.analysis.stats.frequencies` with ``by`` (optionally through
        :func:`etude.analysis.stats.suppress_small`), or
        a :func:`etude.analysis.stats.barrier_table` block (then ``by="group_value"``).
    by : str
        The group column. Panel titles give the group's label and its base (``n_base``); a suppressed group's
        panel says « Moins de 5 répondants : résultats non publiés ».
    options : ChartOptions
        As :func:`frequency_chart`; ``options.ncols``: panels per row (default 2).
    Other parameters as :func:`frequency_chart`; ``n`` in the main title is the sum of the groups' bases.

    Returns
    -------
    matplotlib Figure.
    """
    lang = _lang(lang)
    stats.require_columns(table, [by, "item", "n_base", "count", "pct", "ci_low", "ci_high"])
    options = options or ChartOptions()
    population = population or stats.population_of(list(table["item"].unique()), codebook=options.codebook)
    table = table if "population" in table.columns else table.assign(population=population)  # whose: the marks
    attribute = table["group"].iloc[0] if by == "group_value" and "group" in table.columns and len(table) else by
    groups = list(dict.fromkeys(table[by]))
    order = _order(table)
    bases = {g: _n_of(table[table[by] == g]) for g in groups}
    n = sum(v for v in bases.values() if v)
    if title is None:
        title = words.text("plots.title_by", lang, title=_title("barriers", population, lang),
                           attribute=attribute_label(population, attribute, lang=lang,
                                                     codebook=options.codebook).lower())
    labels = {g: _group_label(table, by, g, population, attribute, lang, options) for g in groups}
    if len(groups) > 2 and not options.ncols:  # one panel: each group a colour (small multiples shown too small)
        return _dodged_chart(table, by, order, groups={g: (labels[g], bases[g]) for g in groups}, lang=lang,
                             options=options, title=title_with_n(title, n, lang=lang))
    ncols = max(1, min(options.ncols or 2, len(groups)))
    nrows = max(1, math.ceil(len(groups) / ncols))
    row_h = 1.2 + sum(0.5 + 0.3 * _label(c, lang, options).count("\n") for c in order)
    with style():
        fig, axes = plt.subplots(nrows, ncols, figsize=(4 + 6.5 * ncols, row_h * nrows + 1.2), sharex=True,
                                 sharey=True, squeeze=False, layout="constrained")
        for i, ax in enumerate(axes.flat):
            if i >= len(groups):
                ax.set_visible(False)
                continue
            g = groups[i]
            _panel(ax, table[table[by] == g], order, color=population_color(population), lang=lang,
                   labels=(i == 0), options=options, upper=_upper(table))
            if i % ncols:
                ax.tick_params(axis="y", labelleft=False)
            mark_artist(ax.set_title(title_with_n(wrap_label(labels[g], 34), bases[g], lang=lang), loc="left",
                                     fontsize=FONT_SIZE + 1), _base_marks(table[table[by] == g], population))
            if i // ncols == nrows - 1 or i + ncols >= len(groups):
                ax.set_xlabel(words.text("plots.share_axis", lang))
                ax.xaxis.set_tick_params(labelbottom=True)
        fig.suptitle(title_with_n(title, n, lang=lang), x=0.01, ha="left", fontweight="bold")
        add_caption(fig, caption_of(options, lang=lang, note=_note(table, lang) + _letters_note(table, lang)))
    return fig


def _group_label(table: pd.DataFrame, by: str, group: Any, population: str, attribute: str, lang: str,
                 options: ChartOptions) -> str:
    part = table[table[by] == group]
    if "group_label" in part.columns and len(part):
        return str(part["group_label"].iloc[0])
    return value_label(population, attribute, group, lang=lang, codebook=options.codebook)


def _hidden(part: pd.DataFrame) -> bool:
    """Whether a group's every row is suppressed (secret statistique): its panel or bars say so, no share."""
    return "suppressed" in part.columns and len(part) > 0 and bool(part["suppressed"].fillna(False).astype(bool).all())


def _dodged_chart(table: pd.DataFrame, by: str, order: list[str], *, groups: dict[Any, tuple[str, Any]],
                  lang: str, options: ChartOptions, title: str):
    """Three groups or more: one panel, the items down, each group's share a bar of its own colour (legend: the
    group and its base; a suppressed group is named with the reason and has no bar). Intervals and letters stay
    in the tables; on a slide, four panels would be shown at text under 18 px. ``groups``: each group's label and
    base, in order."""
    shown = [g for g in groups if not _hidden(table[table[by] == g])]
    step = 0.8 / max(len(shown), 1)
    extra = sum(0.3 * _label(c, lang, options).count("\n") for c in order)
    height = 2.8 + len(order) * (0.28 + 0.16 * len(shown)) + extra
    with style():
        fig, ax = plt.subplots(figsize=(12.0, max(height, 3.5)), layout="constrained")
        handles, names = [], []
        for j, g in enumerate(shown):
            part = table[(table[by] == g) & table["item"].isin(order)]
            part = part[pd.to_numeric(part["pct"], errors="coerce").notna()]
            y = np.array([order.index(c) for c in part["item"]], dtype=float) - 0.4 + step * (j + 0.5)
            color = PALETTE[j % len(PALETTE)]
            ax.barh(y, part["pct"].astype(float).to_numpy(), height=step * 0.9, color=color, zorder=2)
            handles.append(Patch(color=color))
            names.append(title_with_n(wrap_label(groups[g][0], 36), groups[g][1], lang=lang))
        withheld = _withheld_marks(ax, table, by, order, shown, lang=lang)
        for g in (g for g in groups if g not in shown):
            handles.append(Patch(facecolor="white", edgecolor=NEUTRAL))
            why = words.text("plots.suppressed", lang, min_cell=formats.number(min_cell_of(table), lang=lang))
            names.append(wrap_label(f"{groups[g][0]} : {why.replace(chr(10), ' ')}", 36))  # « … : non publiés »
        ax.set_yticks(range(len(order)))
        ax.set_yticklabels([_label(c, lang, options) for c in order])
        ax.set_ylim(len(order) - 0.5, -0.5)
        high = pd.to_numeric(table["pct"], errors="coerce").max(skipna=True)
        upper = float(min(1.0, max(0.5, (0 if pd.isna(high) else high) + 0.05)))
        ax.set_xlim(0, upper)
        percent_axis(ax, upper=upper, lang=lang)
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel(words.text("plots.share_axis", lang))
        # the title heads the legend, both above the axes: a legend tied to the axes would narrow them
        legend = fig.legend(handles, names, loc="outside upper left", ncol=2 if len(handles) > 1 else 1,
                            frameon=False, title=title, alignment="left",
                            title_fontproperties={"weight": "bold", "size": plt.rcParams["figure.titlesize"]})
        legend.set_in_layout(True)
        for text, g in zip(legend.get_texts(), shown):  # « Services de l'État (n = 17) »
            mark_artist(text, _base_marks(table[table[by] == g]))
        fig.suptitle(title).set_visible(False)  # the figure's title for its alternative text and the deck
        note = words.text("plots.grouped_note", lang)
        if withheld:
            note += " " + words.text("plots.withheld_bars", lang, missing=formats.missing(lang))
        add_caption(fig, caption_of(options, lang=lang, note=note))
    return fig


def _withheld_items(table: pd.DataFrame, by: str, order: list[str], shown: list) -> list[str]:
    """Items of ``order`` whose share some published group withholds (a bar that is not there is not 0 %)."""
    rows = table[table[by].isin(shown) & table["item"].isin(order)]
    withheld = _withheld_rows(rows) if len(rows) else pd.Series(dtype=bool)
    return [c for c in order if c in set(rows.loc[withheld, "item"])]


def _withheld_marks(ax, table: pd.DataFrame, by: str, order: list[str], shown: list, *, lang: str) -> list[str]:
    """« n.d. » beside an item's bars where a published group withholds its share (an absent bar would read
    0 %); the items so marked, which the caption then explains."""
    items = _withheld_items(table, by, order, shown)
    for code in items:
        rows = table[table[by].isin(shown) & (table["item"] == code)]
        high = pd.to_numeric(rows["pct"], errors="coerce").max(skipna=True)
        ax.text((0 if pd.isna(high) else float(high)) + 0.01, order.index(code), formats.missing(lang),
                va="center", ha="left", fontsize=FONT_SIZE, color=NEUTRAL, zorder=4)
    return items


def _profile_totals(ax, t: pd.DataFrame, title: str, *, population: str | None, waves: list, lang: str) -> None:
    """The title of a profile chart with its total ``n`` (one wave), or a legend of the waves with theirs; each
    total marked for the number audit."""
    firsts = t.drop_duplicates("wave" if "wave" in t.columns else "attribute")
    totals = firsts["n_total"]
    mark_artist(ax.set_title(title_with_n(title, int(totals.iloc[0]) if len(totals) == 1 else None, lang=lang),
                             loc="left"),
                _row_marks(t, firsts.iloc[0], ["n_total"], population) if len(totals) == 1 else [])
    if waves != [None]:
        handles = [Patch(color=PALETTE[j % len(PALETTE)]) for j in range(len(waves))]
        names = [title_with_n(str(w), tot, lang=lang) for w, tot in zip(waves, totals)]
        # beside the axes: inside, any corner can hold a wave's longest bar and its label
        legend = ax.legend(handles, names, title=words.text("plots.wave_legend", lang), loc="upper left",
                           bbox_to_anchor=(1.01, 1.0), frameon=False)
        for text, (_, r) in zip(legend.get_texts(), firsts.iterrows()):
            mark_artist(text, _row_marks(t, r, ["n_total"], population))


def profile_chart(table: pd.DataFrame, attribute: str, *, title: str | None = None, population: str | None = None,
                  lang: str = "fr", width: float = 12.0, options: ChartOptions | None = None):
    """Horizontal bars of respondents by value of one attribute (a :func:`etude.analysis.stats.profile` table).

    Bars are labelled « 17 (63 %) »; suppressed cells read « < 5 » with no bar. ``n`` in the title is the
    attribute's ``n_total``. With a ``wave`` column, one colour per wave (dodged bars, legend). ``options``: the
    caption (its wave defaults to the table's waves) and the codebook
    (:class:`~etude.publish.plots.options.ChartOptions`); « < 5 » names the table's threshold (``attrs["min_cell"]``).

    Returns
    -------
    matplotlib Figure.
    """
    lang = _lang(lang)
    t = table[table["attribute"] == attribute]
    if t.empty:
        raise ParameterError(f"attribut absent de la table de profil : {attribute!r} ; attributs présents : "
                             + ", ".join(map(str, table["attribute"].unique())))
    options = options or ChartOptions()
    min_cell, codebook = min_cell_of(table), options.codebook
    waves = list(dict.fromkeys(t["wave"])) if "wave" in t.columns else [None]
    values = list(dict.fromkeys(t["value"]))
    labels = {v: wrap_label(t.loc[t["value"] == v, "label"].iloc[0] if "label" in t.columns
                            else value_label(population, attribute, v, lang=lang, codebook=codebook), 28)
              for v in values}
    height = 1.6 + sum((0.45 * len(waves) + 0.2) + 0.3 * labels[v].count("\n") for v in values)
    bar_h = 0.8 / len(waves)
    if title is None:
        title = words.text("plots.profile_title", lang, attribute=attribute_label(
            population, attribute, lang=lang, codebook=codebook).lower())
    with style():
        fig, ax = plt.subplots(figsize=(width, max(height, 3.5)), layout="constrained")
        high = pd.to_numeric(t["n"], errors="coerce").astype(float).max(skipna=True)
        top = max(1, int(high) if pd.notna(high) else 1)  # every value may be suppressed
        for j, w in enumerate(waves):
            part = t if w is None else t[t["wave"] == w]
            for _, r in part.iterrows():
                y = values.index(r["value"]) - 0.4 + bar_h * (j + 0.5)
                sup = bool(r.get("suppressed", False))
                if not sup:
                    ax.barh(y, r["n"], height=bar_h * 0.9, color=PALETTE[j % len(PALETTE)], zorder=2)
                primary = table.attrs.get("primary")  # secondary suppression (etude.safety.disclosure): « n.d. »
                small = (f"<{formats.NNBSP}{formats.number(min_cell, lang=lang)}"
                         if primary is None or r.name in primary else formats.missing(lang))
                text = small if sup else f"{formats.number(r['n'], lang=lang)} ({pct_label(r['pct'], 0, lang=lang)})"
                mark_artist(ax.text((0 if sup else r["n"]) + top * 0.015, y, text, va="center", ha="left",
                                    fontsize=FONT_SIZE), [] if sup else _row_marks(t, r, ["n", "pct"], population))
        ax.set_yticks(range(len(values)))
        ax.set_yticklabels([labels[v] for v in values])
        ax.set_ylim(len(values) - 0.5, -0.5)
        ax.set_xlim(0, top * 1.35)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no « 0 0 0 1 1 » on a near-empty axis
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: formats.number(x, lang=lang)))
        ax.set_xlabel(words.text("plots.count_axis", lang))
        ax.tick_params(axis="y", length=0)
        _profile_totals(ax, t, title, population=population, waves=waves, lang=lang)
        if options.wave is None and waves != [None]:
            options = replace(options, wave=waves)
        add_caption(fig, caption_of(options, lang=lang))
    return fig
