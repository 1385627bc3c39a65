"""The house style and the study's charts: one place for fonts, colours, captions and ranked bars.

Charts are made to be read from the back of a meeting room: text is at least :data:`MIN_FONT` points, labels are
wrapped rather than overlapped, colours come from the Okabe–Ito palette (safe for colour-blind readers), and every
chart carries a caption naming its source, wave and data status (« Données simulées — ne pas citer » for the
demo). Labels come from the codebook, in French by default (``lang="en"`` for English).

Reusable pieces for any chart of the project: :data:`OKABE_ITO`, :data:`PALETTE`, :data:`POPULATION_COLORS`,
:data:`RC` with :func:`style` (a context manager) or :func:`apply_style` (for a whole notebook),
:func:`caption_text` and :func:`add_caption`, :func:`title_with_n`, :func:`wrap_label`, :func:`item_label`,
:func:`percent_axis`. Figures are saved with :func:`etude.outputs.save_figure` (PNG and SVG); save them inside
``with style():`` or after :func:`apply_style` so that SVG text stays text (searchable, and read by the privacy
audit) rather than outlines.

Examples
--------
>>> import pandas as pd
>>> from etude import stats
>>> t = pd.DataFrame({"b_temps": pd.array([True] * 3 + [False] * 5, dtype="boolean"),
...                   "b_financier": pd.array([True] * 6 + [False] * 2, dtype="boolean")})
>>> fig = frequency_chart(stats.frequencies(t, ["b_temps", "b_financier"]), wave=2017)
>>> fig.axes[0].get_title(loc="left")
'Freins cités — Acheteurs publics (n\u202f=\u202f8)'
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
['Freins financiers', 'Manque de temps']
>>> plt.close(fig)
"""
from __future__ import annotations

import contextlib
import math
import textwrap
from collections.abc import Iterator, Sequence
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter

from etude import codebook as cb
from etude import fmt, i18n, stats
from etude.errors import ParameterError

__all__ = [
    "OKABE_ITO", "PALETTE", "POPULATION_COLORS", "NEUTRAL", "FONT_SIZE", "TITLE_SIZE", "CAPTION_SIZE", "MIN_FONT",
    "RC", "DEFAULT_SOURCE", "DATA_STATUS", "style", "apply_style", "caption_text", "add_caption", "figure_caption",
    "title_with_n", "pct_label", "wrap_label", "item_label", "percent_axis", "population_color",
    "frequency_chart", "grouped_frequency_chart", "profile_chart", "supply_demand_chart", "mirror_chart",
    "forest_plot", "indicator_panels", "wave_slope_chart",
]

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7"}
#: Colour cycle of the house style (Okabe–Ito, yellow last: weak on white).
PALETTE = [OKABE_ITO[c] for c in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue",
                                  "black", "yellow")]
#: One colour per population, the same in every chart.
POPULATION_COLORS = {"buyers": OKABE_ITO["blue"], "companies": OKABE_ITO["orange"]}
#: Grey for context (whiskers are black, grid and suppressed cells grey).
NEUTRAL = "#5F5F5F"
#: Font sizes in points: tick and value labels, titles, captions; nothing smaller than MIN_FONT.
FONT_SIZE = 16
TITLE_SIZE = 20
CAPTION_SIZE = 14
MIN_FONT = 14
#: matplotlib settings of the house style.
RC = {
    "font.size": FONT_SIZE, "axes.titlesize": TITLE_SIZE, "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": FONT_SIZE, "ytick.labelsize": FONT_SIZE, "legend.fontsize": FONT_SIZE,
    "legend.title_fontsize": FONT_SIZE, "figure.titlesize": TITLE_SIZE, "axes.titleweight": "bold",
    "axes.titlelocation": "left", "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "axes.grid.axis": "x", "grid.color": "#D9D9D9", "grid.linewidth": 1.0,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE), "figure.dpi": 100, "savefig.dpi": 150,
    "svg.fonttype": "none", "axes.axisbelow": True, "figure.facecolor": "white",
}
#: Default source line of the study's surveys.
DEFAULT_SOURCE = {"fr": "enquêtes du GT « Innovation & commande publique » (ORCP Hauts-de-France)",
                  "en": "surveys of the ORCP Hauts-de-France \"Innovation & public procurement\" working group"}
#: Data status written in every caption: simulated (demo) or survey data.
DATA_STATUS = {(lang, sim): i18n.data_status(sim, lang) for lang in i18n.LANGS for sim in (True, False)}

_TEXT = {
    "fr": {"source": "Source", "wave": "vague", "title": "Freins cités", "xlabel": "Part des répondants",
           "note": "Plusieurs réponses possibles ; barres : part des répondants ayant cité l'item, traits : "
                   "intervalle de confiance à {level} % ({method}).",
           "suppressed": "Moins de {min_cell} répondants :\nrésultats non publiés",
           "profile": "Répondants", "count": "Effectif",
           "rank_groups": "Bandes grises alternées : groupes de rang, freins que le test exact apparié (McNemar, "
                          "ajusté par Holm) ne sépare pas de leur voisin."},
    "en": {"source": "Source", "wave": "wave", "title": "Barriers cited", "xlabel": "Share of respondents",
           "note": "Several answers possible; bars: share of respondents citing the item, whiskers: "
                   "{level}% confidence interval ({method}).",
           "suppressed": "Fewer than {min_cell} respondents:\nresults not published",
           "profile": "Respondents", "count": "Count",
           "rank_groups": "Alternate grey bands: rank groups, barriers the exact paired test (McNemar, "
                          "Holm-adjusted) does not separate from their neighbour."},
}
_METHOD_NAMES = {"wilson": "Wilson", "agresti_coull": "Agresti–Coull", "beta": "Clopper–Pearson",
                 "jeffreys": "Jeffreys", "normal": "Wald"}


# ------------------------------------------------------------------------------------------------ style

def _lang(lang: str) -> str:
    return i18n.check_lang(lang)


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context manager applying the house style (:data:`RC`) to the figures created inside it.

    Only the keys of :data:`RC` are restored on exit (unlike ``matplotlib.rc_context``, which would also reset
    ``interactive`` and stop a notebook from showing later figures).

    >>> with style():
    ...     plt.rcParams["font.size"] >= MIN_FONT
    True
    """
    saved = {k: matplotlib.rcParams[k] for k in RC}
    matplotlib.rcParams.update(RC)
    try:
        yield
    finally:
        matplotlib.rcParams.update(saved)


def apply_style() -> None:
    """Apply the house style to every later figure of the session (call once at the top of a notebook)."""
    matplotlib.rcParams.update(RC)


def population_color(population: str | None) -> str:
    """The population's colour (:data:`POPULATION_COLORS`); the first palette colour otherwise."""
    return POPULATION_COLORS.get(population or "", PALETTE[0])


def caption_text(*, source: str | None = None, wave: Any = None, simulated: bool = True, lang: str = "fr",
                 note: str | None = None) -> str:
    """The caption every chart carries: source, wave, data status, then an optional note.

    >>> print(caption_text(wave=2017))  # doctest: +NORMALIZE_WHITESPACE
    Source : enquêtes du GT « Innovation & commande publique » (ORCP Hauts-de-France), vague 2017.
    Données simulées — ne pas citer.
    >>> caption_text(wave=2017, lang="en", source="GT survey")
    'Source: GT survey, wave 2017. Simulated data — do not cite.'
    """
    lang = _lang(lang)
    t = _TEXT[lang]
    colon = " :" if lang == "fr" else ":"
    parts = f"{t['source']}{colon} {source or DEFAULT_SOURCE[lang]}"
    if wave is not None and str(wave) != "":
        several = isinstance(wave, (list, tuple)) and len(wave) > 1
        waves = ", ".join(str(w) for w in wave) if isinstance(wave, (list, tuple)) else str(wave)
        parts += f", {t['wave']}{'s' if several else ''} {waves}"
    text = f"{parts}. {DATA_STATUS[(lang, bool(simulated))]}."
    if note:
        text += " " + note.strip()
    return text


def add_caption(fig, text: str, *, fontsize: float = CAPTION_SIZE, width: int | None = None):
    """Write ``text`` under the figure, wrapped to its width, left-aligned; returns the matplotlib Text.

    The caption sits below the figure's bottom edge; saving with ``bbox_inches="tight"`` (as
    :func:`etude.outputs.save_figure` and the notebook display do) keeps it in the image without overlapping
    the axes.
    """
    if width is None:
        width = max(40, int(fig.get_figwidth() * 72 / (0.56 * fontsize)))
    for before, after in ((" ;", "\u00a0;"), (" :", "\u00a0:"), ("« ", "«\u00a0"), (" »", "\u00a0»"),
                          (" %", "\u00a0%")):  # French punctuation never starts a caption line
        text = text.replace(before, after)
    kept = {}  # the data status is never split across lines, and stays searchable as written
    for i, status in enumerate(DATA_STATUS.values()):
        if status in text:
            token = f"\x00{i}".ljust(len(status), "\x01")
            kept[token] = status
            text = text.replace(status, token)
    wrapped = "\n".join(textwrap.fill(p, width=width) for p in text.split("\n"))
    for token, status in kept.items():
        wrapped = wrapped.replace(token, status)
    return fig.text(0.01, -0.01, wrapped, ha="left", va="top", fontsize=max(fontsize, MIN_FONT), color="#333333",
                    gid="caption")


def figure_caption(fig) -> str:
    """The caption of a figure made by :func:`add_caption`, as plain text (line breaks and no-break spaces undone).

    >>> fig = plt.figure(); _ = add_caption(fig, caption_text(wave=2017)); figure_caption(fig)[:12]
    'Source : enq'
    >>> plt.close(fig)
    """
    texts = [t.get_text() for t in fig.texts if t.get_gid() == "caption"]
    return " ".join(texts).replace("\n", " ").replace("\u00a0", " ")


def pct_label(x: Any, decimals: int = 0, *, lang: str = "fr") -> str:
    """A percentage for a chart: French ``48 %`` (:func:`etude.fmt.pct`) or English ``48%``.

    >>> pct_label(0.481, lang="en")
    '48%'
    """
    if _lang(lang) == "fr":
        return fmt.pct(x, decimals)
    return fmt.MISSING if x is None or pd.isna(x) else f"{float(x) * 100:.{decimals}f}%"


def title_with_n(title: str, n: Any, *, lang: str = "fr") -> str:
    """A title ending with its base: ``Freins cités (n = 27)`` (narrow no-break spaces around ``=``).

    >>> title_with_n("Freins cités", 1234)
    'Freins cités (n\u202f=\u202f1\u202f234)'
    """
    _lang(lang)
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return title
    return f"{title} (n{fmt.NNBSP}={fmt.NNBSP}{fmt.number(n)})"


def wrap_label(text: str, width: int = 24) -> str:
    """Wrap a label on several lines of at most ``width`` characters (words are not cut).

    >>> wrap_label("Méconnaissance de l'administration", 20)
    "Méconnaissance de\\nl'administration"
    """
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=False)) or str(text)


def item_label(code: str, *, lang: str = "fr", short: bool = True, width: int | None = 24, codebook=None) -> str:
    """An item's codebook label (short by default), wrapped to ``width`` characters (``None``: not wrapped).

    >>> item_label("e_besoins", lang="en")
    'Unknown public needs'
    """
    text = cb.label(code, lang=_lang(lang), short=short, codebook=codebook)
    return wrap_label(text, width) if width else text


def percent_axis(ax, axis: str = "x", *, decimals: int = 0, upper: float = 1.0, lang: str = "fr") -> None:
    """Format an axis holding fractions as percentages (French ``20 %``), ticks every 20 points up to ``upper``."""
    ticks = np.round(np.arange(0, upper + 1e-9, 0.2), 2)
    formatter = FuncFormatter(lambda x, _pos: pct_label(x, decimals, lang=lang))
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(formatter)


def _note(table: pd.DataFrame, lang: str) -> str:
    alpha = table.attrs.get("alpha", 0.05)
    method = _METHOD_NAMES.get(table.attrs.get("ci_method", "wilson"), table.attrs.get("ci_method", "wilson"))
    level = fmt.number((1 - alpha) * 100, 0) if lang == "fr" else f"{(1 - alpha) * 100:g}"
    return _TEXT[lang]["note"].format(level=level, method=method)


# ------------------------------------------------------------------------------------------------ bars

def _panel(ax, table: pd.DataFrame, order: Sequence[str], *, color: str, lang: str, min_cell: int,
           labels: bool, short: bool, codebook, upper: float = 1.2) -> None:
    """Draw ranked horizontal bars with interval whiskers for the items of ``order`` (top = first)."""
    pos = {code: i for i, code in enumerate(order)}
    shown = table[~table.get("suppressed", pd.Series(False, index=table.index)).astype(bool)]
    shown = shown[shown["item"].isin(pos) & shown["pct"].notna()]
    y = np.array([pos[c] for c in shown["item"]], dtype=float)
    pct = shown["pct"].astype(float).to_numpy()
    low = shown["ci_low"].astype(float).to_numpy()
    high = shown["ci_high"].astype(float).to_numpy()
    ax.barh(y, pct, height=0.62, color=color, zorder=2)
    if len(shown):
        ax.errorbar(pct, y, xerr=[np.clip(pct - low, 0, None), np.clip(high - pct, 0, None)], fmt="none",
                    ecolor="black", elinewidth=2, capsize=6, capthick=2, zorder=3)
    for yi, p, h in zip(y, pct, high):
        ax.text(max(p, h if not math.isnan(h) else p) + 0.015, yi, pct_label(p, 0, lang=lang), va="center", ha="left",
                fontsize=FONT_SIZE, zorder=4)
    if shown.empty:
        suppressed = "suppressed" in table.columns and table["suppressed"].astype(bool).any()
        message = (_TEXT[lang]["suppressed"].format(min_cell=min_cell) if suppressed
                   else ("Aucune réponse" if lang == "fr" else "No answer"))
        ax.text(0.5, (len(order) - 1) / 2, message, ha="center", va="center", fontsize=FONT_SIZE, color=NEUTRAL)
    if labels:  # facets share the first panel's y axis (ticks and labels)
        ax.set_yticks(range(len(order)))
        ax.set_yticklabels([item_label(c, lang=lang, short=short, codebook=codebook) for c in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlim(0, upper)
    percent_axis(ax, upper=min(upper, 1.0), lang=lang)
    ax.tick_params(axis="y", length=0)


def _upper(table: pd.DataFrame) -> float:
    """Right end of a percentage axis: room for the value label after the highest whisker."""
    high = pd.to_numeric(table["ci_high"], errors="coerce").max(skipna=True)
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


def frequency_chart(table: pd.DataFrame, *, title: str | None = None, population: str | None = None,
                    n: Any = None, lang: str = "fr", source: str | None = None, wave: Any = None,
                    simulated: bool = True, short: bool = True, min_cell: int | None = None,
                    width: float = 12.0, codebook=None):
    """Ranked horizontal bars of a :func:`etude.stats.frequencies` table, with interval whiskers.

    Parameters
    ----------
    table : DataFrame
        One population, one group: ``item, n_base, count, pct, ci_low, ci_high`` (a ``suppressed`` column, if
        any, hides the suppressed rows).
    title : str, optional
        Default « Freins cités — <population> »; ``(n = …)`` is appended (``n``, default the table's ``n_base``).
    population : {"buyers", "companies"}, optional
        For the default title and the colour; default guessed from the item codes.
    lang : {"fr", "en"}
    source, wave, simulated
        Caption (:func:`caption_text`); the interval's level and method, read from ``table.attrs``, are added.
    short : bool, default True
        Short item labels from the codebook.
    min_cell : int, optional
        Threshold named when every row is suppressed (default ``table.attrs["min_cell"]`` or 5).

    Returns
    -------
    matplotlib Figure (close it with ``plt.close(fig)`` when done).
    """
    lang = _lang(lang)
    population = population or stats.population_of(list(table["item"]), codebook=codebook)
    order = _order(table)
    n = _n_of(table) if n is None else n
    if title is None:
        title = _TEXT[lang]["title"] + (f" — {cb.label(population, lang=lang)}" if population else "")
    height = 1.6 + sum(0.55 + 0.3 * item_label(c, lang=lang, short=short, codebook=codebook).count("\n")
                       for c in order)
    with style():
        fig, ax = plt.subplots(figsize=(width, max(height, 3.5)), layout="constrained")
        _panel(ax, table, order, color=population_color(population), lang=lang,
               min_cell=min_cell or table.attrs.get("min_cell", 5), labels=True, short=short, codebook=codebook,
               upper=_upper(table))
        note = _note(table, lang)
        if _rank_bands(ax, table, order):
            note += " " + _TEXT[lang]["rank_groups"]
        ax.set_title(title_with_n(title, n, lang=lang), loc="left")
        ax.set_xlabel(_TEXT[lang]["xlabel"])
        add_caption(fig, caption_text(source=source, wave=wave, simulated=simulated, lang=lang, note=note))
    return fig


def _rank_bands(ax, table: pd.DataFrame, order: Sequence[str]) -> bool:
    """Shade the rank groups (``rank_group``) in alternate bands: items of one band are not told apart."""
    if "rank_group" not in table.columns:
        return False
    groups = dict(zip(table["item"], pd.to_numeric(table["rank_group"], errors="coerce")))
    drawn = False
    for g in sorted({v for v in groups.values() if not pd.isna(v)}):
        rows = [i for i, c in enumerate(order) if groups.get(c) == g]
        if rows and int(g) % 2 == 1:
            ax.axhspan(min(rows) - 0.45, max(rows) + 0.45, color="#EDEDED", zorder=0, lw=0)
        drawn = drawn or bool(rows)
    return drawn


def grouped_frequency_chart(table: pd.DataFrame, by: str, *, title: str | None = None,
                            population: str | None = None, n: Any = None, lang: str = "fr",
                            source: str | None = None, wave: Any = None, simulated: bool = True,
                            short: bool = True, min_cell: int | None = None, col_wrap: int = 2,
                            codebook=None):
    """One panel of ranked bars per group (facets sharing the item order and the axis), whiskers included.

    Parameters
    ----------
    table : DataFrame
        :func:`etude.stats.frequencies` with ``by`` (optionally through :func:`etude.stats.suppress_small`), or
        a :func:`etude.stats.barrier_table` block (then ``by="group_value"``).
    by : str
        The group column. Panel titles give the group's label and its base (``n_base``); a suppressed group's
        panel says « Moins de 5 répondants : résultats non publiés ».
    col_wrap : int, default 2
        Panels per row.
    Other parameters as :func:`frequency_chart`; ``n`` (in the main title) defaults to the sum of the groups'
    bases.

    Returns
    -------
    matplotlib Figure.
    """
    lang = _lang(lang)
    stats.require_columns(table, [by, "item", "n_base", "count", "pct", "ci_low", "ci_high"])
    population = population or stats.population_of(list(table["item"].unique()), codebook=codebook)
    attribute = table["group"].iloc[0] if by == "group_value" and "group" in table.columns and len(table) else by
    groups = list(dict.fromkeys(table[by]))
    order = _order(table)
    min_cell = min_cell or table.attrs.get("min_cell", 5)
    bases = {g: _n_of(table[table[by] == g]) for g in groups}
    if n is None:
        n = sum(v for v in bases.values() if v)
    if title is None:
        title = (_TEXT[lang]["title"] + (f" — {cb.label(population, lang=lang)}" if population else "")
                 + (" par " if lang == "fr" else " by ")
                 + stats.attribute_label(population, attribute, lang=lang, codebook=codebook).lower())
    ncols = max(1, min(col_wrap, len(groups)))
    nrows = max(1, math.ceil(len(groups) / ncols))
    row_h = 1.2 + sum(0.5 + 0.3 * item_label(c, lang=lang, short=short, codebook=codebook).count("\n")
                      for c in order)
    with style():
        fig, axes = plt.subplots(nrows, ncols, figsize=(4 + 6.5 * ncols, row_h * nrows + 1.2), sharex=True,
                                 sharey=True, squeeze=False, layout="constrained")
        for i, ax in enumerate(axes.flat):
            if i >= len(groups):
                ax.set_visible(False)
                continue
            g = groups[i]
            part = table[table[by] == g]
            _panel(ax, part, order, color=population_color(population), lang=lang, min_cell=min_cell,
                   labels=(i == 0), short=short, codebook=codebook, upper=_upper(table))
            if i % ncols:
                ax.tick_params(axis="y", labelleft=False)
            label = (part["group_label"].iloc[0] if "group_label" in part.columns
                     else stats.value_label(population, attribute, g, lang=lang, codebook=codebook))
            ax.set_title(title_with_n(wrap_label(label, 34), bases[g], lang=lang), loc="left",
                         fontsize=FONT_SIZE + 1)
            if i // ncols == nrows - 1 or i + ncols >= len(groups):
                ax.set_xlabel(_TEXT[lang]["xlabel"])
                ax.xaxis.set_tick_params(labelbottom=True)
        fig.suptitle(title_with_n(title, n, lang=lang), x=0.01, ha="left", fontweight="bold")
        add_caption(fig, caption_text(source=source, wave=wave, simulated=simulated, lang=lang,
                                      note=_note(table, lang)))
    return fig


def profile_chart(table: pd.DataFrame, attribute: str, *, title: str | None = None, population: str | None = None,
                  lang: str = "fr", source: str | None = None, wave: Any = None, simulated: bool = True,
                  min_cell: int | None = None, width: float = 12.0, codebook=None):
    """Horizontal bars of respondents by value of one attribute (a :func:`etude.stats.profile` table).

    Bars are labelled « 17 (63 %) »; suppressed cells read « < 5 » with no bar. ``n`` in the title is the
    attribute's ``n_total``. With a ``wave`` column, one colour per wave (dodged bars, legend).

    Returns
    -------
    matplotlib Figure.
    """
    lang = _lang(lang)
    t = table[table["attribute"] == attribute]
    if t.empty:
        raise ParameterError(f"attribut absent de la table de profil : {attribute!r} ; attributs présents : "
                             + ", ".join(map(str, table["attribute"].unique())))
    min_cell = min_cell or table.attrs.get("min_cell", 5)
    waves = list(dict.fromkeys(t["wave"])) if "wave" in t.columns else [None]
    values = list(dict.fromkeys(t["value"]))
    labels = {v: wrap_label(t.loc[t["value"] == v, "label"].iloc[0], 28) for v in values}
    height = 1.6 + sum((0.45 * len(waves) + 0.2) + 0.3 * labels[v].count("\n") for v in values)
    bar_h = 0.8 / len(waves)
    if title is None:
        title = (f"{_TEXT[lang]['profile']} — "
                 + stats.attribute_label(population, attribute, lang=lang, codebook=codebook).lower())
    with style():
        fig, ax = plt.subplots(figsize=(width, max(height, 3.5)), layout="constrained")
        top = max(1, int(pd.to_numeric(t["n"], errors="coerce").max(skipna=True) or 1))
        for j, w in enumerate(waves):
            part = t if w is None else t[t["wave"] == w]
            for _, r in part.iterrows():
                y = values.index(r["value"]) - 0.4 + bar_h * (j + 0.5)
                sup = bool(r.get("suppressed", False))
                if not sup:
                    ax.barh(y, r["n"], height=bar_h * 0.9, color=PALETTE[j % len(PALETTE)], zorder=2)
                text = (f"<{fmt.NNBSP}{min_cell}" if sup
                        else f"{fmt.number(r['n'])} ({pct_label(r['pct'], 0, lang=lang)})")
                ax.text((0 if sup else r["n"]) + top * 0.015, y, text, va="center", ha="left", fontsize=FONT_SIZE)
        ax.set_yticks(range(len(values)))
        ax.set_yticklabels([labels[v] for v in values])
        ax.set_ylim(len(values) - 0.5, -0.5)
        ax.set_xlim(0, top * 1.35)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: fmt.number(x)))
        ax.set_xlabel(_TEXT[lang]["count"])
        ax.tick_params(axis="y", length=0)
        totals = t.drop_duplicates("wave" if "wave" in t.columns else "attribute")["n_total"]
        ax.set_title(title_with_n(title, int(totals.iloc[0]) if len(totals) == 1 else None, lang=lang), loc="left")
        if waves != [None]:
            handles = [Patch(color=PALETTE[j % len(PALETTE)]) for j in range(len(waves))]
            names = [f"{w} (n{fmt.NNBSP}={fmt.NNBSP}{fmt.number(tot)})" for w, tot in zip(waves, totals)]
            ax.legend(handles, names, title=("Vague" if lang == "fr" else "Wave"), loc="lower right",
                      frameon=False)
        add_caption(fig, caption_text(source=source, wave=wave if wave is not None else
                                      (waves if waves != [None] else None), simulated=simulated, lang=lang))
    return fig


# ------------------------------------------------------------------------------------------------ supply/demand

_SUPPLY_TEXT = {
    "fr": {"title": "Besoins des acheteurs et offres des entreprises par segment", "left": "Besoins des acheteurs",
           "right": "Offres des entreprises", "one_b": "acheteur", "many_b": "acheteurs", "one_c": "entreprise",
           "many_c": "entreprises",
           "note": "Épaisseur des bandes proportionnelle au nombre de répondants ; plusieurs segments possibles par "
                   "répondant. Moins de {min_cell} entreprises : effectif masqué (bande hachurée d'épaisseur fixe)."},
    "en": {"title": "Buyers' needs and companies' offers by segment", "left": "Buyers' needs",
           "right": "Companies' offers", "one_b": "buyer", "many_b": "buyers", "one_c": "company",
           "many_c": "companies",
           "note": "Band thickness proportional to the number of respondents; several segments possible per "
                   "respondent. Fewer than {min_cell} companies: count hidden (hatched band of fixed thickness)."},
}


def _ribbon(ax, x0: float, x1: float, y0: tuple[float, float], y1: tuple[float, float], **kwargs) -> None:
    """A band from the vertical span ``y0`` at ``x0`` to ``y1`` at ``x1`` along a smooth S curve."""
    t = np.linspace(0, 1, 80)
    s = 3 * t ** 2 - 2 * t ** 3
    ax.fill_between(x0 + (x1 - x0) * t, y0[0] + (y1[0] - y0[0]) * s, y0[1] + (y1[1] - y0[1]) * s, **kwargs)


def _stack(heights: np.ndarray, gap: float, total: float) -> list[tuple[float, float]]:
    """Vertical spans (bottom, top) of blocks stacked from the top, centred in ``[0, total]``."""
    used = heights.sum() + gap * (len(heights) - 1)
    top = total - (total - used) / 2
    spans = []
    for h in heights:
        spans.append((top - h, top))
        top -= h + gap
    return spans


def supply_demand_chart(table: pd.DataFrame, *, min_cell: int = 5, lang: str = "fr", title: str | None = None,
                        source: str | None = None, wave: Any = None, simulated: bool = True,
                        width: float = 13.0):
    """Bipartite chart of an :func:`etude.matching.supply_demand` table: needs ← segments → offers.

    Segments sit in the middle; on the left, one block per segment for the buyers declaring a need there
    (buyers' colour), on the right one block for the companies declaring an offer (companies' colour); band
    thickness is the count, on one scale for both sides. A suppressed company count (``companies_suppressed``)
    is drawn as a hatched grey band of fixed thickness labelled « < min_cell », never as its number; a segment
    flagged « Demande sans offre » or « Offre sans demande » says so in its label.

    Returns
    -------
    matplotlib Figure (close it with ``plt.close(fig)`` when done).

    >>> t = pd.DataFrame({"label": ["Santé", "Immobilier"], "n_buyers": [9, 0],
    ...                   "n_companies": pd.array([0, pd.NA], dtype="Int64"), "companies_suppressed": [False, True],
    ...                   "flag": ["demande_sans_offre", "offre_sans_demande"],
    ...                   "flag_label": ["Demande sans offre", "Offre sans demande"]})
    >>> fig = supply_demand_chart(t, wave=2017)
    >>> texts = [x.get_text() for x in fig.axes[0].texts]
    >>> "9 acheteurs" in texts and "<\u202f5 entreprises" in texts
    True
    >>> plt.close(fig)
    """
    lang = _lang(lang)
    words = _SUPPLY_TEXT[lang]
    t = table.reset_index(drop=True)
    nb = pd.to_numeric(t["n_buyers"], errors="coerce").fillna(0).to_numpy(dtype=float)
    sup = t["companies_suppressed"].astype(bool).to_numpy()
    nc = pd.to_numeric(t["n_companies"], errors="coerce").fillna(0).to_numpy(dtype=float).copy()
    scale = max(nb.sum(), nc[~sup].sum(), 1.0)
    nc[sup] = max(scale * 0.02, 0.5)  # fixed, non-disclosive thickness
    n = len(t)
    flags = [i18n.label(f if isinstance(f, str) else "", lang=lang) for f in t["flag"]]
    labels = [wrap_label(lab, 18) + (f"\n{fl}" if fl else "") for lab, fl in zip(t["label"], flags)]
    lines = np.array([lab.count("\n") + 1 for lab in labels])
    height = max(5.0, 1.2 + 1.05 * lines.sum() + 0.35 * n)
    # Data units per inch: the middle rows must be tall enough for their label boxes.
    gap = scale * 0.06
    per_inch = (scale + gap * (n + 1)) / (height - 1.2)
    mid = np.maximum(np.maximum(nb, nc), lines * 0.34 * per_inch + 0.2 * per_inch)
    total = max(mid.sum(), nb.sum(), nc.sum()) + gap * (n - 1)
    left, middle, right = _stack(nb, gap, total), _stack(mid, gap, total), _stack(nc, gap, total)
    xl, xm, xr, w = 0.0, 1.0, 2.0, 0.05
    cb_, cc_ = POPULATION_COLORS["buyers"], POPULATION_COLORS["companies"]
    with style():
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
        for i in range(n):
            centre = sum(middle[i]) / 2
            if nb[i] > 0:
                ax.add_patch(plt.Rectangle((xl - w, left[i][0]), w, nb[i], color=cb_, lw=0))
                _ribbon(ax, xl, xm, left[i], (centre - nb[i] / 2, centre + nb[i] / 2), color=cb_, alpha=0.35, lw=0)
            if nc[i] > 0:
                kw = ({"facecolor": "none", "edgecolor": NEUTRAL, "hatch": "///", "lw": 1} if sup[i]
                      else {"color": cc_, "lw": 0})
                ax.add_patch(plt.Rectangle((xr, right[i][0]), w, nc[i], **kw))
                _ribbon(ax, xm, xr, (centre - nc[i] / 2, centre + nc[i] / 2), right[i],
                        **({"facecolor": "none", "edgecolor": NEUTRAL, "hatch": "///", "lw": 0} if sup[i]
                           else {"color": cc_, "alpha": 0.35, "lw": 0}))
            one = (lambda k: k < 2) if lang == "fr" else (lambda k: k == 1)  # French: « 0 entreprise »
            b_text = f"{fmt.number(nb[i])} {words['one_b'] if one(nb[i]) else words['many_b']}"
            c_text = (f"<{fmt.NNBSP}{min_cell} {words['many_c']}" if sup[i]
                      else f"{fmt.number(nc[i])} {words['one_c'] if one(nc[i]) else words['many_c']}")
            ax.text(xl - w - 0.03, sum(left[i]) / 2, b_text, ha="right", va="center", fontsize=FONT_SIZE)
            ax.text(xr + w + 0.03, sum(right[i]) / 2, c_text, ha="left", va="center", fontsize=FONT_SIZE)
            flagged = bool(t.at[i, "flag"]) if "flag" in t.columns and not pd.isna(t.at[i, "flag"]) else False
            ax.text(xm, centre, labels[i], ha="center", va="center", fontsize=FONT_SIZE, fontweight="bold",
                    color=OKABE_ITO["vermillion"] if flagged else "#1A1A1A", zorder=5,
                    bbox={"boxstyle": "round,pad=0.35", "facecolor": "white", "edgecolor": NEUTRAL})
        ax.text(xl - w / 2, total + gap, words["left"], ha="center", va="bottom", fontsize=FONT_SIZE,
                color=cb_, fontweight="bold")
        ax.text(xr + w / 2, total + gap, words["right"], ha="center", va="bottom", fontsize=FONT_SIZE,
                color=cc_, fontweight="bold")
        ax.set_xlim(-0.75, 2.75)
        ax.set_ylim(-gap / 2, total + 3 * gap)
        ax.axis("off")
        ax.set_title(title or words["title"], loc="left")
        add_caption(fig, caption_text(source=source, wave=wave, simulated=simulated, lang=lang,
                                      note=words["note"].format(min_cell=min_cell)))
    return fig




# ------------------------------------------------------------------------------------------------ buyers vs companies

_COMPARE_TEXT = {
    "fr": {"missing": "thème absent\nde ce questionnaire", "not_comparable": "non comparable",
           "mirror_title": "Freins cités, par thème", "forest_title": "Écarts entre acheteurs et entreprises",
           "mirror_note": "Part des répondants ayant répondu à la question des freins qui citent au moins un item "
                          "du thème ; traits : intervalle de confiance à {level} % (Wilson), non ajusté, qui ne "
                          "sert pas à décider d'un écart.",
           "gap": "Écart acheteurs − entreprises (points de %)",
           "signif": "significatif après ajustement (p ajustée < {alpha})", "not_signif": "non significatif",
           "padj": "p aj. = {p}",
           "forest_note": "Point : écart entre les parts ; trait : intervalle de confiance à {level} % "
                          "(Newcombe){adj} ; "
                          "test {test}, p-valeurs ajustées ({padjust}) sur les thèmes comparés.",
           "ci_adj": ", ajusté (Bonferroni) sur la même famille", "ci_unadj": ", non ajusté",
           "holm": "Holm", "fdr_bh": "Benjamini-Hochberg", "bonferroni": "Bonferroni", "none": "sans ajustement",
           "fisher": "exact de Fisher", "chi2": "du khi-deux"},
    "en": {"missing": "theme not in\nthis questionnaire", "not_comparable": "not comparable",
           "mirror_title": "Barriers cited, by theme", "forest_title": "Differences between buyers and companies",
           "mirror_note": "Share of respondents who answered the barrier question citing at least one item of the "
                          "theme; whiskers: {level}% confidence interval (Wilson), unadjusted, not used to decide "
                          "on a difference.",
           "gap": "Difference buyers − companies (percentage points)",
           "signif": "significant after adjustment (adjusted p < {alpha})", "not_signif": "not significant",
           "padj": "adj. p = {p}",
           "forest_note": "Dot: difference between the shares; line: {level}% confidence interval (Newcombe){adj}; "
                          "{test} test, p-values adjusted ({padjust}) over the compared themes.",
           "ci_adj": ", adjusted (Bonferroni) over the same family", "ci_unadj": ", unadjusted",
           "holm": "Holm", "fdr_bh": "Benjamini-Hochberg", "bonferroni": "Bonferroni", "none": "no adjustment",
           "fisher": "Fisher's exact", "chi2": "chi-square"},
}


def _level_text(alpha: float, lang: str) -> str:
    level = (1 - alpha) * 100
    return fmt.number(level, 0 if round(level, 6).is_integer() else 1) if lang == "fr" else f"{level:g}"


def mirror_chart(buyers: pd.DataFrame, companies: pd.DataFrame, *, lang: str = "fr", alpha: float = 0.05,
                 title: str | None = None, source: str | None = None, wave: Any = None, simulated: bool = True,
                 width: float = 15.0):
    """Butterfly chart of theme prevalence: buyers on the left, companies on the right, one row per theme.

    Parameters
    ----------
    buyers, companies : DataFrame
        :func:`etude.compare.theme_prevalence` tables (``theme, label, n_base, pct, ci_low, ci_high``). Rows
        follow the buyers' theme order, then themes found only on the companies' side; a theme missing on one
        side says so there instead of drawing a bar.
    lang : {"fr", "en"}
    alpha : float, default 0.05
        Level of the Wilson intervals, for the caption (the intervals come with the tables).
    title, source, wave, simulated
        Figure title (default « Freins cités, par thème ») and caption (:func:`caption_text`).

    Returns
    -------
    matplotlib Figure; each half's title gives its population and base, e.g. « Acheteurs publics (n = 25) ».

    Examples
    --------
    >>> t = pd.DataFrame({"theme": ["moyens", "soutien"], "label": ["Temps, argent et moyens", "Soutien"],
    ...                   "n_base": [25, 25], "pct": [0.76, 0.56], "ci_low": [0.57, 0.37], "ci_high": [0.89, 0.73]})
    >>> fig = mirror_chart(t, t.iloc[:1].assign(n_base=85), wave=2017)
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['Acheteurs publics (n\u202f=\u202f25)', 'Entreprises innovantes (n\u202f=\u202f85)']
    >>> "Données simulées — ne pas citer" in figure_caption(fig)
    True
    >>> plt.close(fig)
    """
    lang = _lang(lang)
    words = _COMPARE_TEXT[lang]
    themes = list(dict.fromkeys(list(buyers["theme"]) + list(companies["theme"])))
    labels = {**dict(zip(companies["theme"], companies["label"])), **dict(zip(buyers["theme"], buyers["label"]))}
    wrapped = [wrap_label(labels[t], 22) for t in themes]
    height = 2.6 + sum(0.75 + 0.35 * w.count("\n") for w in wrapped)
    with style():
        fig, axes = plt.subplots(1, 2, sharey=True, figsize=(width, height), layout="constrained")
        for ax, kind, tab in ((axes[0], "buyers", buyers), (axes[1], "companies", companies)):
            t = tab.set_index("theme")
            left = kind == "buyers"
            for y, theme in enumerate(themes):
                if theme not in t.index or pd.isna(t.loc[theme, "pct"]):
                    ax.text(0.03, y, words["missing"], va="center", ha="right" if left else "left",
                            fontsize=FONT_SIZE, style="italic", color=NEUTRAL)
                    continue
                r = t.loc[theme]
                ax.barh(y, r["pct"], height=0.62, color=population_color(kind), zorder=2)
                ax.errorbar(r["pct"], y, xerr=[[max(r["pct"] - r["ci_low"], 0)], [max(r["ci_high"] - r["pct"], 0)]],
                            fmt="none", ecolor="black", elinewidth=2, capsize=6, capthick=2, zorder=3)
                ax.text(max(r["pct"], r["ci_high"]) + 0.02, y, pct_label(r["pct"], 0, lang=lang), va="center",
                        ha="right" if left else "left", fontsize=FONT_SIZE, zorder=4)
            n = tab["n_base"].dropna()
            ax.set_title(title_with_n(cb.label(kind, lang=lang), int(n.max()) if len(n) else None, lang=lang),
                         loc="left", fontsize=FONT_SIZE + 2, color=population_color(kind))
            ax.set_xlim(0, 1.25)
            percent_axis(ax, lang=lang)
            ax.tick_params(axis="y", length=0)
        axes[0].invert_xaxis()
        axes[0].spines["left"].set_visible(False)
        axes[0].spines["right"].set_visible(True)
        axes[0].set_yticks(range(len(themes)))
        axes[0].set_yticklabels(wrapped)
        axes[0].set_ylim(len(themes) - 0.5, -0.5)
        fig.suptitle(title or words["mirror_title"], x=0.01, ha="left", fontweight="bold")
        add_caption(fig, caption_text(source=source, wave=wave, simulated=simulated, lang=lang,
                                      note=words["mirror_note"].format(level=_level_text(alpha, lang))))
    return fig


def forest_plot(table: pd.DataFrame, *, alpha: float = 0.05, padjust: str = "holm", lang: str = "fr",
                title: str | None = None, source: str | None = None, wave: Any = None, simulated: bool = True,
                width: float = 15.0):
    """Forest plot of the buyers − companies differences per theme, significance after adjustment marked.

    Parameters
    ----------
    table : DataFrame
        :func:`etude.compare.compare_themes` (``label, diff, diff_ci_low, diff_ci_high, test, p_adjusted``).
        A non-comparable theme keeps its row, with the words « non comparable » and no point.
    alpha : float, default 0.05
        Threshold on ``p_adjusted``: filled vermilion dots below it, hollow grey dots above; also the interval
        level named in the caption.
    padjust : str, default "holm"
        Name of the adjustment used, for the caption.
    lang, title, source, wave, simulated
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
    >>> fig = forest_plot(t, wave=2017)
    >>> [x.get_text() for x in fig.axes[0].get_yticklabels()]
    ['Juridique', 'Soutien']
    >>> sorted(x.get_text() for x in fig.axes[0].texts)
    ['non comparable', 'p aj.\u202f=\u202f0,280']
    >>> plt.close(fig)
    """
    lang = _lang(lang)
    words = _COMPARE_TEXT[lang]
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
            if r["test"] == "not_comparable" or pd.isna(r["diff"]):
                ax.text(0, y, words["not_comparable"], ha="center", va="center", style="italic", color=NEUTRAL,
                        fontsize=FONT_SIZE, bbox={"facecolor": "white", "edgecolor": "none", "pad": 2}, zorder=4)
                continue
            signif = not pd.isna(r["p_adjusted"]) and r["p_adjusted"] < alpha
            color = signif_color if signif else plain_color
            ax.hlines(y, r["diff_ci_low"] * 100, r["diff_ci_high"] * 100, color=color, linewidth=3, zorder=2)
            key = "signif" if signif else "not_signif"
            handles[key] = ax.plot(r["diff"] * 100, y, "o", markersize=13, markeredgewidth=2.5, color=color,
                                   markerfacecolor=color if signif else "white", zorder=3)[0]
            p = fmt.pvalue(r["p_adjusted"]) if lang == "fr" else (
                fmt.MISSING if pd.isna(r["p_adjusted"]) else f"{r['p_adjusted']:.3f}")
            ax.text(lim * 1.03, y, words["padj"].format(p=p).replace(" = ", f"{fmt.NNBSP}={fmt.NNBSP}"),
                    va="center", ha="left", fontsize=FONT_SIZE, color=color)
        ax.set_xlim(-lim, lim)
        ax.set_yticks(range(len(t)))
        ax.set_yticklabels(wrapped)
        ax.set_ylim(len(t) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.xaxis.set_major_formatter(FuncFormatter(
            lambda x, _p: (("+" if x > 0 else "") + fmt.number(x)) if lang == "fr" else f"{x:+.0f}"))
        ax.set_xlabel(words["gap"])
        alpha_text = fmt.number(alpha, 2) if lang == "fr" else f"{alpha:g}"
        names = {"signif": words["signif"].format(alpha=alpha_text), "not_signif": words["not_signif"]}
        keys = [k for k in ("signif", "not_signif") if k in handles]
        if keys:
            ax.legend([handles[k] for k in keys], [names[k] for k in keys], loc="lower left",
                      bbox_to_anchor=(0, 1.0), ncol=len(keys), frameon=False, borderaxespad=0.3)
        ax.set_title(title or words["forest_title"], loc="left", pad=48)
        tests = [x for x in t["test"].dropna().unique() if x in ("fisher", "chi2")] or ["fisher"]
        add_caption(fig, caption_text(source=source, wave=wave, simulated=simulated, lang=lang,
                                      note=words["forest_note"].format(level=_level_text(alpha, lang),
                                                                       adj=words["ci_adj" if adjusted else "ci_unadj"],
                                                                       test="/".join(words[x] for x in tests),
                                                                       padjust=words.get(padjust, padjust))))
    return fig




# ------------------------------------------------------------------------------------------------ indicators

_INDICATOR_TEXT = {
    "fr": {"gaps": "Pointillés « n.d. » : période non disponible, jamais interpolée ; marqueur creux : chiffre "
                   "incertain ; chaque panneau a son propre périmètre et sa propre échelle.",
           "simulated_points": "Carrés et tirets : données simulées.",
           "published": "Chiffres publiés ou calculés ; source et statut de chaque chiffre dans la table des "
                        "indicateurs.",
           "signif": "En couleur : évolution significative au seuil de {alpha} ({padj}).",
           "holm": "après correction de Holm", "raw": "sans correction",
           "no_test": "Pas d'intervalle ni de test : un effectif n'est pas connu exactement ; écarts en points "
                      "seulement.",
           "slope_note": "Écart en points entre les deux vagues, traitées comme des échantillons indépendants.",
           "source": "Source"},
    "en": {"gaps": "Dotted « n.d. »: period not available, never interpolated; hollow marker: uncertain figure; "
                   "each panel has its own perimeter and scale.",
           "simulated_points": "Squares and dashes: simulated data.",
           "published": "Published or computed figures; source and status of each in the indicator table.",
           "signif": "In colour: change significant at the {alpha} level ({padj}).",
           "holm": "Holm-adjusted", "raw": "unadjusted",
           "no_test": "No interval or test: a sample size is not known exactly; changes in points only.",
           "slope_note": "Change in points between the two waves, treated as independent samples.",
           "source": "Source"},
}
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
    colon = " :" if lang == "fr" else ":"
    head = f"{_INDICATOR_TEXT[lang]['source']}{colon} {source}. " if source else ""
    return head + _INDICATOR_TEXT[lang]["published"] + " " + note


def indicator_panels(df: pd.DataFrame, *, lines: Sequence[tuple[str, str]] | None = None, ncols: int = 3,
                     start: Any = None, end: Any = None, lang: str = "fr", title: str | None = None,
                     source: str | None = None, simulated: bool | None = None, width: float = 18.0):
    """Small multiples of indicator lines, missing periods visibly missing.

    Each ``series`` × ``indicator`` of the long table (:mod:`etude.indicators`) gets its own panel and its own
    y axis: lines with different perimeters or units are never drawn together. A line is drawn only between two
    consecutive periods that both have a figure — never across a gap — and each missing period is marked
    « n.d. ». Hollow markers are ``uncertain`` figures; squares joined by dashes are simulated ones.

    Parameters
    ----------
    df : DataFrame
        Long indicator table (``series, indicator, period, value``; ``label_fr``, ``unit``, ``status``,
        ``simulated`` used when present).
    lines : list of (series, indicator), optional
        Panels, in order; default every line of ``df``.
    ncols : int, default 3
    start, end : int or str, optional
        Period range shown (:func:`etude.indicators.complete_periods`).
    lang : {"fr", "en"}, default "fr"
    title, source : str, optional
        Figure title; source named in the caption.
    simulated : bool, optional
        Caption status; default: true when a drawn figure is simulated.
    width : float, default 18
        Figure width in inches.

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
    from etude import indicators as ind

    lang = _lang(lang)
    words = _INDICATOR_TEXT[lang]
    if lines is None:
        lines = list(dict.fromkeys(zip(df["series"], df["indicator"])))
    lines = list(lines)
    if not lines:
        raise ParameterError("aucune série à tracer : « lines » est vide")
    full = ind.complete_periods(ind.select_lines(df, lines), start=start, end=end)
    ncols = max(1, min(ncols, len(lines)))
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
            color = PALETTE[0]
            for k in range(1, len(x)):  # one segment per pair of consecutive periods: a gap stays a gap
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
                ax.annotate(fmt.MISSING, (xm, 0), xycoords=("data", "axes fraction"), xytext=(0, 3),
                            textcoords="offset points", ha="center", va="bottom", fontsize=MIN_FONT, color=NEUTRAL)
            unit = g["unit"].dropna().iloc[0] if "unit" in g and g["unit"].notna().any() else ""
            if unit in _RATIO_UNITS:
                span = float(np.nanmax(y) - np.nanmin(y)) if np.isfinite(y).sum() > 1 else 0.0
                dec = 1 if (span < 0.05 or float(np.nanmax(np.abs(y))) < 0.1) else 0
                ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p, d=dec: pct_label(v, d, lang=lang)))
            else:
                from matplotlib.ticker import MaxNLocator
                ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.number(v, 0 if v == int(v) else 1)))
                if unit not in ("Md€", "M€", "k€"):  # counts: whole numbers from zero
                    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
                    top = float(np.nanmax(y)) * 1.15 if np.isfinite(y).any() else 1.0
                    ax.set_ylim(0, max(top, 1.0))
            label = (g["label_fr"].dropna().iloc[0] if "label_fr" in g and g["label_fr"].notna().any()
                     else indicator)
            unit_text = "" if unit in _RATIO_UNITS or not unit else f" ({unit})"
            ax.set_title(wrap_label(f"{label}{unit_text}", int(width * 8 / ncols)), loc="left",
                         fontsize=FONT_SIZE, fontweight="bold")
            years = sorted({int(v) for v in x})
            step = max(1, math.ceil(len(years) / 5))
            ax.set_xticks(years[::step])
            ax.set_xticklabels([str(v) for v in years[::step]])
            ax.set_xlim(min(x) - 0.6, max(x) + 0.6)
            ax.grid(axis="y", visible=True)
            ax.grid(axis="x", visible=False)
            ax.set_xlabel(ind.SERIES_LABELS.get(series, str(series)), fontsize=MIN_FONT, color=NEUTRAL)
        for ax in list(axes.flat)[len(lines):]:
            ax.set_visible(False)
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=TITLE_SIZE, fontweight="bold")
        is_sim = drawn_simulated if simulated is None else bool(simulated)
        note = words["gaps"] + (" " + words["simulated_points"] if drawn_simulated else "")
        add_caption(fig, _indicator_caption(source, is_sim, lang, note))
    return fig


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
        :func:`etude.indicators.wave_changes` or :func:`etude.indicators.published_wave_changes`.
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
    words = _INDICATOR_TEXT[lang]
    if table.empty:
        raise ParameterError("table vide : aucune évolution à tracer")
    t = table.reset_index(drop=True)
    w1, w2 = int(t["wave_from"].iloc[0]), int(t["wave_to"].iloc[0])
    pcol = "p_adjusted" if "p_adjusted" in t else "p_value"
    tested = pcol in t and t[pcol].notna().any()
    population = t["population"].iloc[0] if "population" in t else None
    strong = population_color(population)
    height = 3.5 + 0.75 * len(t)
    lo = float(np.nanmin(t[["share_from", "share_to"]].to_numpy(dtype=float)))
    hi = float(np.nanmax(t[["share_from", "share_to"]].to_numpy(dtype=float)))
    pad = max(hi - lo, 0.05) * 0.08
    gap = (hi - lo + 2 * pad) * (FONT_SIZE * 1.35) / max((height - 3.0) * 72, 50)

    def spread(values: np.ndarray) -> np.ndarray:
        order = np.argsort(values)
        placed = values.astype(float).copy()
        for k in range(1, len(order)):
            if placed[order[k]] - placed[order[k - 1]] < gap:
                placed[order[k]] = placed[order[k - 1]] + gap
        return placed

    left = spread(t["share_from"].to_numpy(dtype=float))
    right = spread(t["share_to"].to_numpy(dtype=float))

    def base(n_col: str, text_col: str, wave: int) -> str:
        if n_col in t and t[n_col].notna().any():
            ns = sorted({int(v) for v in t[n_col].dropna()})
            n_text = fmt.number(ns[0]) if len(ns) == 1 else f"{fmt.number(ns[0])}–{fmt.number(ns[-1])}"
            return f"{wave}\nn{fmt.NNBSP}={fmt.NNBSP}{n_text}"
        if text_col in t and t[text_col].notna().any():
            return f"{wave}\nn : {t[text_col].dropna().iloc[0]}"
        return str(wave)

    with style():
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
        for i, r in t.iterrows():
            p = r[pcol] if pcol in t else math.nan
            significant = tested and not pd.isna(p) and p < alpha
            color = strong if significant else NEUTRAL
            ax.plot([0, 1], [r["share_from"], r["share_to"]], color=color, linewidth=3.5 if significant else 2,
                    marker="o", markersize=9, zorder=3 if significant else 2)
            ax.text(-0.05, left[i], f"{wrap_label(r['label'], 40).replace(chr(10), ' ')}  "
                    f"{pct_label(r['share_from'], lang=lang)}", ha="right", va="center", fontsize=FONT_SIZE,
                    color=color)
            ax.text(1.05, right[i], f"{pct_label(r['share_to'], lang=lang)}  ({fmt.points(r['diff'])})",
                    ha="left", va="center", fontsize=FONT_SIZE, color=color)
        ax.set_xticks([0, 1])
        ax.set_xticklabels([base("n_from", "n_from_text", w1), base("n_to", "n_to_text", w2)])
        ax.set_xlim(-1.4, 1.75)
        ax.set_ylim(lo - pad, max(hi, float(np.nanmax(left)), float(np.nanmax(right))) + pad)
        ax.set_yticks([])
        ax.grid(False)
        for side in ("left", "top", "right"):
            ax.spines[side].set_visible(False)
        if title:
            ax.set_title(title, loc="left")
        if tested:
            alpha_text = fmt.pct(alpha, 0) if lang == "fr" else f"{alpha * 100:g}%"
            note = words["slope_note"] + " " + words["signif"].format(
                alpha=alpha_text, padj=words["holm"] if pcol == "p_adjusted" else words["raw"])
        else:
            note = words["no_test"]
        survey = "simulated" in t  # survey waves (wave_changes) rather than a published barometer
        is_sim = (bool(t["simulated"].fillna(False).astype(bool).any()) if survey else False) \
            if simulated is None else bool(simulated)
        if survey or is_sim:
            add_caption(fig, caption_text(source=source, simulated=is_sim, lang=lang, note=note))
        else:
            add_caption(fig, _indicator_caption(source, False, lang, note))
    return fig


