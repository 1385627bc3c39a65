"""Every table formatter (``format_*``): a result table of a computing module → a table of text in the reader's
language.

Written tables (CSV, XLSX) keep raw numbers and codes; these functions only format for display: headers and words
from the catalogue (:mod:`etude.words`, area ``tables``, and ``common`` for words several tables share), numbers
from :mod:`etude.publish.formats` in the same language, codebook labels from :mod:`etude.publish.labels`. Show
their result with :func:`etude.publish.present.shown`.

Examples
--------
>>> import pandas as pd
>>> format_summary(pd.DataFrame({"indicator": ["meetings"], "label": ["Rendez-vous"], "value": [12]})).values.tolist()
[['Rendez-vous', '12']]
>>> format_summary(pd.DataFrame({"indicator": ["score_mean"], "label": ["Mean score"], "value": [0.634]}),
...                lang="en").columns.tolist()
['Indicator', 'Value']
"""
from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from etude import words
from etude.analysis import compare, stats
from etude.analysis import indicators as ind
from etude.publish import formats
from etude.publish.labels import attribute_label, label_of, value_label
from etude.publish.reference_text import in_language, with_unit
from etude.survey import codebook as cb
from etude.survey.context import min_cell_of
from etude.words import check_lang

__all__ = [
    "format_frequencies", "format_profile", "format_check", "format_wave_counts",
    "format_comparison", "format_groups",
    "format_indicators", "format_wave_changes", "format_published_vs_computed", "format_target", "format_growth",
    "format_decp_innovation", "format_decp_yearly", "format_text_figures", "series_label", "survey_sources",
    "reference_words",
    "format_supply_demand", "format_plan", "format_summary", "format_scores", "format_theme_bridge",
    "format_bases",
]


def _heads(group: str, lang: str, *keys: str) -> list[str]:
    """The headers ``tables.<group>.<key>`` of one table, in order."""
    return [words.text(f"tables.{group}.{k}", lang) for k in keys]


def _missing(lang: str) -> str:
    """« non disponible »: a figure that does not exist (not a withheld one, which reads « n.d. »)."""
    return words.text("common.missing", lang)


def _below(min_cell: Any, lang: str) -> str:
    """``< 5``: a count withheld because it is under the threshold."""
    return words.text("common.below", lang, min_cell=min_cell)


# ------------------------------------------------------------------------------------------------ stats tables

def _level(alpha: float, lang: str) -> str:
    return formats.number((1 - alpha) * 100, 0 if round((1 - alpha) * 100, 6).is_integer() else 1, lang=lang)


def _frequency_rows(table: pd.DataFrame, sup: pd.Series, asked: pd.Series, *, small: str, lang: str, short: bool,
                    codebook) -> list[list[str]]:
    """Rank, label, count, base, share, interval, share of mentions: one row of text per row of ``table``."""
    def num(x):
        return formats.number(x, lang=lang)

    na, never = formats.missing(lang), words.text("common.not_asked", lang)
    primary = table.attrs.get("primary")  # secondary suppression (etude.safety.disclosure): « n.d. », not « < 5 »
    mentions = "pct_mentions" in table.columns
    rows = []
    for (i, r), s, a in zip(table.iterrows(), sup, asked):
        label = label_of(r["item"], lang, short=short, codebook=codebook)
        if s:  # a suppressed group publishes no base either (its n_base is NA)
            rows.append([na, label, small if primary is None or i in primary else na, num(r["n_base"]), na, na, na])
        elif not a:  # not asked in this wave: « non posé », never 0 %
            rows.append([na, label, never, num(r["n_base"]), never, never, never])
        else:
            rows.append([num(r["rank"]), label, num(r["count"]), num(r["n_base"]), formats.pct(r["pct"], lang=lang),
                         formats.interval(r["ci_low"], r["ci_high"], lang=lang),
                         formats.pct(r["pct_mentions"], lang=lang) if mentions else na])
    return rows


def _group_cells(table: pd.DataFrame, lang: str, codebook) -> tuple[str, list] | None:
    """The header and values of the group column of a grouped frequency table, or ``None`` when not grouped."""
    if "group_value" in table.columns:
        if "group_label" in table.columns:
            values = list(table["group_label"])
        else:
            values = [value_label(k, g, v, lang, codebook=codebook)
                      for k, g, v in zip(table["population"], table["group"], table["group_value"])]
        return words.text("common.group", lang), values
    col = _group_column(table)
    if col is None:
        return None
    population = stats.population_of(list(table["item"].unique()), codebook=codebook)
    return (attribute_label(population, col, lang, codebook=codebook),
            [value_label(population, col, v, lang, codebook=codebook) for v in table[col]])


def format_frequencies(table: pd.DataFrame, *, lang: str = "fr", alpha: float | None = None, short: bool = False,
                       codebook=None) -> pd.DataFrame:
    """A frequency table for readers: codebook labels, numbers in the reader's language, suppressed cells shown
    « < 5 » / « n.d. ».

    Parameters
    ----------
    table : DataFrame
        From :func:`etude.analysis.stats.frequencies`, :func:`suppress_small` or :func:`barrier_table`.
    lang : {"fr", "en"}
    alpha : float, optional
        For the interval column's heading; default the table's ``attrs["alpha"]``, else 0.05.
    short : bool, default False
        Short item labels (charts) instead of full ones.

    Returns
    -------
    DataFrame of str: rank, item label, count, base, share of respondents, interval, share of mentions
    (and the group first when the table is grouped). An item not asked in the wave reads « non posé ».

    Examples
    --------
    >>> t = pd.DataFrame({"b_temps": pd.array([True] * 3 + [False] * 5, dtype="boolean")})
    >>> format_frequencies(stats.frequencies(t, ["b_temps"])).iloc[0].tolist()[:7]
    ['1', 'a', 'Pas de temps à y consacrer', '3', '8', '37,5\u202f%', '37,5\u202f%']
    >>> format_frequencies(stats.frequencies(t, ["b_temps"]), lang="en").iloc[0].tolist()[5:8]
    ['37.5%', '37.5%', '[13.7%, 69.4%]']
    """
    check_lang(lang)
    min_cell = min_cell_of(table)  # the threshold the table was made under, written « < 5 »
    alpha = alpha if alpha is not None else table.attrs.get("alpha", 0.05)
    heads = _heads("frequencies", lang, "rank", "item", "count", "base", "pct")
    heads += [words.text("tables.frequencies.ci", lang, level=_level(alpha, lang)),
              words.text("tables.frequencies.pct_mentions", lang)]
    sup = table["suppressed"] if "suppressed" in table.columns else pd.Series(False, index=table.index)
    asked = ~_not_asked(table, sup)
    out = pd.DataFrame(_frequency_rows(table, sup, asked, small=_below(min_cell, lang), lang=lang, short=short,
                                       codebook=codebook), columns=heads)
    if "pct_mentions" not in table.columns:
        out = out.drop(columns=heads[-1])
    if "pct_all" in table.columns:
        never = words.text("common.not_asked", lang)
        out.insert(out.columns.get_loc(heads[4]) + 1, words.text("tables.frequencies.pct_all", lang),
                   [formats.missing(lang) if s else formats.pct(p, lang=lang) if a else never
                    for p, s, a in zip(table["pct_all"], sup, asked)])
    if "letters" in table.columns:  # compact letter display of the paired tests (etude.analysis.rankings)
        out.insert(1, words.text("common.letters", lang),
                   [formats.missing(lang) if s or pd.isna(g) else str(g) for g, s in zip(table["letters"], sup)])
    group = _group_cells(table, lang, codebook)
    if group is not None:
        out.insert(0, group[0], group[1])
    return out


def _not_asked(table: pd.DataFrame, suppressed: pd.Series) -> pd.Series:
    """Rows of a frequency table whose item was not asked (:func:`etude.analysis.stats.frequencies`: no count although
    the question has a base and the row is not suppressed)."""
    base = pd.to_numeric(table["n_base"], errors="coerce").fillna(0) > 0
    return (table["count"].isna() & base & ~suppressed.fillna(False).astype(bool)).reset_index(drop=True)


def _group_column(table: pd.DataFrame) -> str | None:
    known = set(stats.FREQ_COLUMNS) | set(stats.FREINS_COLUMNS) | {"suppressed", "group", "group_value", "group_label"}
    extra = [c for c in table.columns if c not in known]
    return extra[0] if extra else None


def format_profile(table: pd.DataFrame, *, lang: str = "fr", population: str | None = None,
                   codebook=None) -> pd.DataFrame:
    """A :func:`etude.analysis.stats.profile` table for readers: attribute label, value label, count and share in
    the reader's language (value labels from the table's ``label`` column, else from the codebook).

    >>> t = stats.profile(pd.DataFrame({"population": "buyers", "buyer_type": ["etat", "etat", "collectivite"]}),
    ...             "buyer_type")
    >>> format_profile(t).iloc[0].tolist()
    ["Type d'acheteur", "Services de l'État", '2', '3', '66,7\u202f%']
    >>> format_profile(t, lang="en").iloc[0].tolist()
    ['Buyer type', 'State services', '2', '3', '66.7%']
    """
    check_lang(lang)
    min_cell = min_cell_of(table)
    sup = table["suppressed"] if "suppressed" in table.columns else pd.Series(False, index=table.index)
    primary = table.attrs.get("primary")  # secondary suppression (etude.safety.disclosure): « n.d. », not « < 5 »
    owner = population or table.attrs.get("population")
    rows = []
    for (i, r), s in zip(table.iterrows(), sup):
        small = _below(min_cell, lang) if primary is None or i in primary else formats.missing(lang)
        label = r["label"] if "label" in table.columns else value_label(owner, r["attribute"], r["value"], lang,
                                                                         codebook=codebook)
        rows.append([attribute_label(population, r["attribute"], lang, codebook=codebook), label,
                     small if s else formats.number(r["n"], lang=lang), formats.number(r["n_total"], lang=lang),
                     formats.missing(lang) if s else formats.pct(r["pct"], lang=lang)])
    out = pd.DataFrame(rows, columns=_heads("profile", lang, "attribute", "value", "n", "total", "pct"))
    if "wave" in table.columns:
        out.insert(0, words.text("common.wave", lang), table["wave"].astype(str).tolist())
    return out


def format_check(check: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """:func:`etude.analysis.stats.published_check` for readers: label, published and loaded counts, « oui »/« non »,
    status.

    >>> c = pd.DataFrame({"label": ["Réponses"], "wave": [2017], "published": [27],
    ...                   "loaded": pd.array([26], dtype="Int64"), "match": [False], "status": ["published"]})
    >>> format_check(c).iloc[0].tolist()
    ['Réponses', '2017', '27', '26', 'non', 'publié']
    >>> format_check(c, lang="en").iloc[0].tolist()[-2:]
    ['no', 'published']
    """
    check = in_language(check, check_lang(lang))
    label, published, loaded, match, status = _heads("check", lang, "label", "published", "loaded", "match", "status")
    agree = [formats.missing(lang) if pd.isna(x) else words.text("common.yes" if m else "common.no", lang)
             for m, x in zip(check["match"], check["loaded"])]
    return pd.DataFrame({
        label: check["label"].tolist(),
        words.text("common.wave", lang): check["wave"].astype(str).tolist(),
        published: [formats.number(x, lang=lang) for x in check["published"]],
        loaded: [formats.number(x, lang=lang) for x in check["loaded"]],
        match: agree,
        status: [words.label(x, lang) for x in check["status"]],
    })


def format_wave_counts(counts: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """:func:`etude.analysis.stats.wave_counts` for readers (questionnaire labels, numbers in the reader's language).

    >>> c = pd.DataFrame({"population": ["buyers"], "wave": [2017], "n": [27], "n_barriers": [25],
    ...                   "pct_barriers": [25 / 27]})
    >>> format_wave_counts(c).iloc[0].tolist()
    ['Acheteurs publics', '2017', '27', '25', '92,6\u202f%']
    >>> format_wave_counts(c, lang="en").iloc[0].tolist()
    ['Public buyers', '2017', '27', '25', '92.6%']
    """
    check_lang(lang)
    population, n, answered, share = _heads("wave_counts", lang, "population", "n", "n_barriers", "pct")
    names = counts["label"] if "label" in counts.columns else counts["population"].map(lambda p: label_of(p, lang))
    return pd.DataFrame({population: names.tolist(),
                         words.text("common.wave", lang): counts["wave"].astype(str).tolist(),
                         n: [formats.number(x, lang=lang) for x in counts["n"]],
                         answered: [formats.number(x, lang=lang) for x in counts["n_barriers"]],
                         share: [formats.pct(x, lang=lang) for x in counts["pct_barriers"]]})


# ------------------------------------------------------------------------------------------------ comparisons

def _share(pct: Any, n: Any, lang: str) -> str:
    """``48,1 % (13/27)``: the share with its count and denominator, or ``n.d.``."""
    if pd.isna(n) or pd.isna(pct):
        return formats.missing(lang)
    return words.text("tables.share", lang, pct=formats.pct(pct, lang=lang),
                      count=formats.number(round(float(pct) * int(n)), lang=lang), n=formats.number(n, lang=lang))


def _interval_column(table: pd.DataFrame, alpha: float, lang: str) -> tuple[str, list[str]]:
    """The difference interval shown next to adjusted p-values: the adjusted one when the table has it
    (``diff_ci_low_adj``, ``diff_ci_high_adj``, ``attrs["ci_adjust"]``), else the unadjusted one, labelled so."""
    level = formats.number(100 * (1 - alpha), lang=lang)
    adjusted = {"diff_ci_low_adj", "diff_ci_high_adj"} <= set(table.columns)
    low, high = ("diff_ci_low_adj", "diff_ci_high_adj") if adjusted else ("diff_ci_low", "diff_ci_high")
    values = [formats.points_interval(lo, hi, lang=lang) for lo, hi in zip(table[low], table[high])]
    if adjusted:
        how = words.text(f"common.{table.attrs.get('ci_adjust', 'bonferroni')}", lang)
        return words.text("common.ci_adjusted", lang, level=level, padjust=how), values
    return words.text("common.ci_unadjusted", lang, level=level), values


def format_comparison(table: pd.DataFrame, *, padjust: str = "holm", alpha: float = 0.05,
                      lang: str = "fr") -> pd.DataFrame:
    """The :func:`etude.analysis.compare.compare_themes` table for reading: shares with their counts, the difference
    with its interval (adjusted like the p-values when the table carries adjusted bounds, else labelled
    unadjusted).

    >>> t = pd.DataFrame([{"theme": "moyens", "label": "Temps, argent et moyens", "n_buyers": 27,
    ...     "pct_buyers": 13 / 27, "n_companies": 90, "pct_companies": 0.5, "diff": 13 / 27 - 0.5,
    ...     "diff_ci_low": -0.22, "diff_ci_high": 0.18, "test": "fisher", "p_value": 1.0,
    ...     "p_adjusted": 1.0, "cohens_h": -0.04}])
    >>> format_comparison(t).iloc[0, 1]
    '48,1\u202f% (13/27)'
    >>> list(format_comparison(t).columns)[4], list(format_comparison(t, lang="en").columns)[4]
    ('Intervalle à 95 % (non ajusté)', '95% interval (unadjusted)')
    """
    lang = check_lang(lang)
    tests = [t for t in table["test"].dropna().unique() if t in compare.TESTS]
    test_word = "/".join(words.label(t, lang=lang) for t in tests) or words.label("fisher", lang=lang)
    ci_head, ci_values = _interval_column(table, alpha, lang)
    return pd.DataFrame({
        words.text("common.theme", lang): table["label"],
        words.text("common.buyers", lang): [_share(p, n, lang) for p, n in zip(table["pct_buyers"],
                                                                               table["n_buyers"])],
        words.text("common.companies", lang): [_share(p, n, lang) for p, n in zip(table["pct_companies"],
                                                                                  table["n_companies"])],
        words.text("common.diff", lang): [formats.points(d, lang=lang) if t != compare.NOT_COMPARABLE
                                          else words.label(t, lang=lang)
                                          for d, t in zip(table["diff"], table["test"])],
        ci_head: ci_values,
        words.text("common.p", lang, test=test_word): table["p_value"].map(lambda p: formats.pvalue(p, lang=lang)),
        words.text("common.padj", lang, padjust=words.text(f"common.{padjust}", lang)):
            table["p_adjusted"].map(lambda p: formats.pvalue(p, lang=lang)),
        words.text("common.h", lang): table["cohens_h"].map(lambda h: formats.number(h, 2, lang=lang)),
    })


def format_groups(table: pd.DataFrame, *, padjust: str = "holm", alpha: float = 0.05,
                  lang: str = "fr") -> pd.DataFrame:
    """The :func:`etude.analysis.compare.compare_groups` table for reading: groups with their shares, or the status when
    withheld (status codes in words).

    >>> t = pd.DataFrame([{"label": "Information", "group1_label": "État", "pct1": 0.8, "n1": 15,
    ...     "group2_label": "Collectivités", "pct2": float("nan"), "n2": 4, "diff": float("nan"),
    ...     "diff_ci_low": float("nan"), "diff_ci_high": float("nan"), "p_adjusted": float("nan"),
    ...     "status": "too_few"}])
    >>> format_groups(t).iloc[0].tolist()[-1]
    'non publié (petits effectifs, seuil 5)'
    >>> format_groups(t, lang="en").iloc[0].tolist()[1:3]
    ['État: 80.0% (12/15)', 'Collectivités: n = 4']
    >>> format_groups(t.assign(n2=pd.NA)).iloc[0].tolist()[2]  # a size withheld: small, or protecting a small one
    'Collectivités : effectif non publié'
    """
    lang = check_lang(lang)
    min_cell = min_cell_of(table)

    def side(label, pct, n):
        if pd.isna(n):  # withheld: under min_cell, or a larger group withheld so that no subtraction gives it back
            return words.text("tables.groups.side_small", lang, label=label)
        if pd.isna(pct):
            return words.text("tables.groups.side_n", lang, label=label, n=formats.number(n, lang=lang))
        return words.text("tables.groups.side", lang, label=label, share=_share(pct, n, lang))

    ci_head, ci_values = _interval_column(table, alpha, lang)
    return pd.DataFrame({
        words.text("common.item_or_theme", lang): table["label"],
        words.text("common.group1", lang): [side(*a) for a in zip(table["group1_label"], table["pct1"], table["n1"])],
        words.text("common.group2", lang): [side(*a) for a in zip(table["group2_label"], table["pct2"], table["n2"])],
        words.text("common.gap", lang): [formats.points(d, lang=lang) for d in table["diff"]],
        ci_head: ci_values,
        words.text("common.padj", lang, padjust=words.text(f"common.{padjust}", lang)):
            table["p_adjusted"].map(lambda p: formats.pvalue(p, lang=lang)),
        words.text("common.status", lang): [words.label(s, lang=lang, min_cell=min_cell) for s in table["status"]],
    })


# ------------------------------------------------------------------------------------------------ indicators

def series_label(series: Any, lang: str = "fr") -> str:
    """The short name of an indicator series (``adcf_barometre`` → « Baromètre AdCF »); the code when unnamed.

    >>> series_label("adcf_barometre", "en"), series_label("autre_serie")
    ('AdCF barometer', 'autre_serie')
    """
    key = f"tables.series.{series}"
    return words.text(key, lang) if words.has(key, check_lang(lang)) else str(series)


def _series(values: pd.Series, lang: str) -> pd.Series:
    return values.astype(str).map(lambda v: series_label(v, lang))


def _ref_label(df: pd.DataFrame, lang: str, fallback: str = "indicator") -> pd.Series:
    """The reference label of each row in the reader's language (``label_en`` when the table has it)."""
    for col in (f"label_{lang}", "label_fr"):
        if col in df:
            return df[col]
    return df[fallback]


def _indicator_labels(df: pd.DataFrame, lang: str) -> list[str]:
    """The reference label of each row's ``(series, indicator)`` in the reader's language (the code when the
    reference tables have no such figure): a reader reads « Marchés recensés », not ``nombre_marches``."""
    from etude.errors import InputError
    from etude.survey import reference
    try:
        ref = reference.load_reference()
    except (InputError, OSError):
        return df["indicator"].astype(str).tolist()
    column = f"label_{lang}" if f"label_{lang}" in ref else "label_fr"
    labels = ref.drop_duplicates(["series", "indicator"]).set_index(["series", "indicator"])[column]
    return [str(labels.get((s, i), i)) for s, i in zip(df["series"], df["indicator"])]


def _period_text(period: Any, lang: str) -> str:
    """``2019`` as is; a quarter ``2019Q1`` as « 2019 T1 » (French) or « 2019 Q1 »."""
    match = re.fullmatch(r"(\d{4})Q(\d)", str(period))
    return words.text("tables.indicators.quarter", lang, year=match[1], quarter=match[2]) if match else str(period)


def survey_sources(table: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """The survey rows of a long indicator table (:func:`etude.analysis.indicators.survey_series`, ``note`` =
    :data:`~etude.analysis.indicators.SURVEY_NOTE`) with their source and note in words; other rows unchanged.

    >>> t = pd.DataFrame({"series": "gt_orcp", "source": ["a.csv", "GT"], "simulated": [True, False],
    ...                   "note": [ind.SURVEY_NOTE, None]})
    >>> survey_sources(t)["source"].tolist(), survey_sources(t, lang="en")["note"].iloc[0]
    (['Données simulées — ne pas citer', 'GT'], 'Respondent count from the study file.')
    """
    if "note" not in table.columns:
        return table
    rows = table["note"].astype("string").eq(ind.SURVEY_NOTE).fillna(False).astype(bool)
    if not rows.any():
        return table
    out = table.copy()
    simulated = out["simulated"].fillna(False).astype(bool) if "simulated" in out else pd.Series(False, out.index)
    out.loc[rows, "source"] = [
        words.data_status(True, lang) if sim else words.text("tables.indicators.survey_source", lang, files=files)
        for sim, files in zip(simulated[rows], out.loc[rows, "source"].fillna(""))]
    out.loc[rows, "note"] = words.text("tables.indicators.survey_note", lang)
    return out


def reference_words(table: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """A table built from the reference tables (the long indicator table, :func:`etude.analysis.stats.published_check`,
    :func:`etude.analysis.waves.published_wave_changes`) with their words in the reader's language, right before it
    is shown or written (:func:`etude.publish.reference_text.in_language`): English labels (``label_fr`` becomes
    ``label_en``), perimeters, texts and notes, citations with English quotation marks. French: unchanged.

    >>> t = pd.DataFrame({"label": ["Marchés recensés"], "source": ["GT « Innovation & commande publique »"]})
    >>> reference_words(t, lang="en").iloc[0].tolist()
    ['Contracts recorded', 'GT “Innovation & commande publique”']
    """
    return in_language(table, lang)


def format_published_vs_computed(df: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """A :func:`etude.analysis.indicators.published_vs_computed` table for reading."""
    series, indicator = _heads("indicators", lang, "series", "indicator")
    year, computed, published, difference = _heads("published_vs_computed", lang, "year", "computed", "published",
                                                   "difference")
    return pd.DataFrame({
        series: _series(df["series"], lang), indicator: _indicator_labels(df, lang), year: df["period"].astype(str),
        computed: [_fmt_value(v, "rel_change", lang) for v in df["computed"]],
        published: [_fmt_value(v, "rel_change", lang) for v in df["published"]],
        difference: [formats.points(v, lang=lang) for v in df["difference"]],
    }).reset_index(drop=True)


def format_target(df: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """A :func:`etude.analysis.indicators.distance_to_target` table for reading (shares in %, gap in points)."""
    heads = _heads("target", lang, "year", "achieved", "target", "gap", "ratio", "perimeter")
    df = in_language(df, lang)
    return pd.DataFrame({
        words.text("tables.indicators.series", lang): _ref_label(df, lang, "series"),
        heads[0]: df["period"].astype(str),
        heads[1]: [formats.pct(v, 2, lang=lang) for v in df["value"]],
        heads[2]: [words.text("tables.target.target_value", lang, pct=formats.pct(t, 0, lang=lang), year=y)
                   for t, y in zip(df["target"], df["target_year"])],
        heads[3]: [formats.points(g, 2, lang=lang) for g in df["gap"]],
        heads[4]: [formats.pct(r, 1, lang=lang) for r in df["ratio"]],
        heads[5]: df["perimeter"] if "perimeter" in df else "—",
    }).reset_index(drop=True)


def format_growth(df: pd.DataFrame, *, drop_missing: bool = False, lang: str = "fr") -> pd.DataFrame:
    """A :func:`etude.analysis.indicators.compound_growth` table for reading; a missing end year shows « non
    disponible »."""
    if drop_missing:
        df = df[df["cagr"].notna()]
    df = in_language(df, lang)
    series, indicator, period, status = _heads("indicators", lang, "series", "indicator", "period", "status")
    start, end, cagr = _heads("growth", lang, "start", "end", "cagr")
    return pd.DataFrame({
        series: _series(df["series"], lang),
        indicator: _ref_label(df, lang),
        period: [f"{s}–{e}" for s, e in zip(df["start"], df["end"])],
        start: [_fmt_value(v, u, lang) for v, u in zip(df["value_start"], df["unit"])],
        end: [_fmt_value(v, u, lang) for v, u in zip(df["value_end"], df["unit"])],
        cagr: [formats.pct(v, lang=lang) if not pd.isna(v) else _missing(lang) for v in df["cagr"]],
        status: [words.label(s, lang) if isinstance(s, str) else _missing(lang) for s in df["status"]],
    }).reset_index(drop=True)


def format_decp_innovation(table: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """An :func:`etude.decp.innovation_share` table for reading: counts, shares with Wilson intervals, fill rate.

    >>> t = pd.DataFrame({"year": [2019], "n_contracts": [74], "n_innovation_procedure": [0],
    ...                   "share_innovation_procedure": [0.0], "ci_low_innovation_procedure": [0.0],
    ...                   "ci_high_innovation_procedure": [0.049], "n_flag_filled": [0], "fill_rate": [0.0],
    ...                   "share_flag_innovant": [float("nan")]})
    >>> format_decp_innovation(t).iloc[0, -1], format_decp_innovation(t, lang="en").iloc[0, 3]
    ('non disponible', '0.0% [0.0%, 4.9%]')
    """
    def share(p, lo, hi):
        if pd.isna(p):
            return _missing(lang)
        return f"{formats.pct(p, lang=lang)} {formats.interval(lo, hi, lang=lang)}"

    flag = table["share_flag_innovant"]
    heads = _heads("decp_innovation", lang, "year", "contracts", "procedures", "share", "filled", "innovant")
    return pd.DataFrame({
        heads[0]: table["year"].astype(str),
        heads[1]: table["n_contracts"].map(lambda x: formats.number(x, lang=lang)),
        heads[2]: table["n_innovation_procedure"].map(lambda x: formats.number(x, lang=lang)),
        heads[3]: [share(*a) for a in zip(table["share_innovation_procedure"], table["ci_low_innovation_procedure"],
                                          table["ci_high_innovation_procedure"])],
        heads[4]: [formats.pct(v, lang=lang) for v in table["fill_rate"]],
        heads[5]: [share(*a) for a in zip(flag, table.get("ci_low_flag_innovant", flag),
                                          table.get("ci_high_flag_innovant", flag))],
    }).reset_index(drop=True)


def format_decp_yearly(table: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """An :func:`etude.decp.yearly_indicators` table for reading: counts and amounts in the reader's language.

    >>> y = pd.DataFrame({"year": [2019], "n_contracts": [74], "amount_total_eur": [2.5e6],
    ...                   "amount_median_eur": [float("nan")], "n_buyers": [1], "n_holders": [50]})
    >>> format_decp_yearly(y, lang="en").iloc[0].tolist()
    ['2019', '74', '€2,500,000', 'n/a', '1', '50']
    """
    from etude.decp.indicators import YEARLY_COLUMNS

    out = pd.DataFrame({"year": table["year"].astype(str)})
    for col in ("n_contracts", "n_contracts_with_amount", "n_buyers", "n_holders"):
        if col in table:
            out[col] = table[col].map(lambda x: formats.number(x, lang=lang))
    for col in ("amount_total_eur", "amount_median_eur"):
        out[col] = table[col].map(lambda x: formats.euros(x, lang=lang))
    cols = [c for c in YEARLY_COLUMNS if c in out]
    return out[cols].rename(columns=dict(zip(cols, _heads("decp_yearly", lang, *cols))))


def format_text_figures(df: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """The text rows of a reference table (:func:`etude.analysis.indicators.text_figures`) for reading.

    >>> format_text_figures(ind.text_figures(prefix="objectif_2018")).columns.tolist()
    ['Année', 'Intitulé', 'Texte', 'Statut', 'Source']
    """
    year, label, text = _heads("text_figures", lang, "year", "label", "text")
    status, source = _heads("indicators", lang, "status", "source")
    df = in_language(df, lang)
    return pd.DataFrame({year: [_period_text(p, lang) for p in df["period"]], label: _ref_label(df, lang),
                         text: df["value_text"], status: df["status"].map(lambda s: words.label(s, lang)),
                         source: df["source"]}).reset_index(drop=True)


def _fmt_value(value: Any, unit: Any, lang: str = "fr") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return _missing(lang)
    unit = "" if unit is None or pd.isna(unit) else str(unit)
    if unit == "share":
        return formats.pct(value, decimals=2 if abs(value) < 0.01 else 1, lang=lang)
    if unit == "rel_change":
        s = formats.pct(value, lang=lang)
        return s if value <= 0 else "+" + s
    if unit == "pt_change":
        return formats.points(value, lang=lang)
    return with_unit(value, unit, lang=lang)


def format_indicators(df: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """A long table for reading: numbers in the reader's language, « non disponible » for missing figures,
    statuses in words.

    Examples
    --------
    >>> t = pd.DataFrame({"series": "s", "indicator": "i", "label_fr": "Volume", "period": ["2016", "2017"],
    ...                   "value": [72.2, float("nan")], "unit": "Md€", "status": ["published", None],
    ...                   "source": ["AdCF", None]})
    >>> format_indicators(t)["Valeur"].tolist()
    ['72,2\u202fMd€', 'non disponible']
    >>> format_indicators(t, lang="en")["Value"].tolist()
    ['€72.2bn', 'not available']
    """
    lang = check_lang(lang)
    df = in_language(survey_sources(df, lang=lang), lang)
    heads = _heads("indicators", lang, "series", "indicator", "period", "value", "status", "source")
    status = df["status"] if "status" in df else pd.Series(pd.NA, index=df.index)
    units = df.get("unit", pd.Series("", index=df.index))
    out = pd.DataFrame({
        heads[0]: _series(df["series"], lang),
        heads[1]: _ref_label(df, lang).astype(str),
        heads[2]: [_period_text(p, lang) for p in df["period"]],
        heads[3]: [_fmt_value(v, u, lang) for v, u in zip(df["value"], units)],
        heads[4]: [words.label(s, lang=lang) if isinstance(s, str) else _missing(lang) for s in status],
        heads[5]: df["source"].fillna("—").astype(str) if "source" in df else "—",
    })
    return out.reset_index(drop=True)


def _pvalue(p: Any, lang: str) -> str:
    return _missing(lang) if pd.isna(p) else formats.pvalue(p, lang=lang)


def _wave_share(p: Any, n: Any, text: Any, count: Any = None, asked: Any = True, *, lang: str) -> str:
    """One wave's share in a wave-change table: with its count and base, its base, or its published base."""
    if asked is False:  # an item not in that wave's questionnaire
        return words.text("common.not_asked", lang)
    if pd.isna(p):
        return _missing(lang)
    pct = formats.pct(p, lang=lang)
    if count is not None and not pd.isna(count) and n is not None and not pd.isna(n):
        return words.text("tables.share", lang, pct=pct, count=formats.number(count, lang=lang),
                          n=formats.number(n, lang=lang))
    if n is not None and not pd.isna(n):
        return words.text("tables.wave_changes.share_n", lang, pct=pct, n=formats.number(n, lang=lang))
    return words.text("tables.wave_changes.share_text", lang, pct=pct, text=text) if isinstance(text, str) else pct


def format_wave_changes(table: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """A wave-change table (:func:`etude.analysis.waves.wave_changes`,
    :func:`etude.analysis.waves.published_wave_changes`) for reading.

    Shares in per cent with their denominators, the change in points with its interval (or « non disponible »
    when there is none), adjusted p-values when present, headed with the adjustment (``attrs["padjust"]``).
    """
    table = in_language(table, check_lang(lang))
    none, yes = pd.Series(pd.NA, index=table.index), pd.Series(True, index=table.index)
    w1, w2 = (int(table["wave_from"].iloc[0]), int(table["wave_to"].iloc[0])) if len(table) else (0, 0)
    adjusted = {"diff_ci_low_adj", "diff_ci_high_adj"} <= set(table.columns) and table.attrs.get(
        "ci_adjust", "bonferroni") != "none"
    low, high = ("diff_ci_low_adj", "diff_ci_high_adj") if adjusted else ("diff_ci_low", "diff_ci_high")
    asked_from, asked_to = table.get("asked_from", yes), table.get("asked_to", yes)
    never = words.text("common.not_asked", lang)
    out = pd.DataFrame({
        words.text("common.item", lang): table["label"].astype(str),
        str(w1): [_wave_share(*a, lang=lang) for a in zip(table["share_from"], table["n_from"],
                                                          table.get("n_from_text", none),
                                                          table.get("count_from", none), asked_from)],
        str(w2): [_wave_share(*a, lang=lang) for a in zip(table["share_to"], table["n_to"],
                                                          table.get("n_to_text", none),
                                                          table.get("count_to", none), asked_to)],
        words.text("tables.wave_changes.change", lang): [
            formats.points(d, lang=lang) if a is not False and b is not False else never
            for d, a, b in zip(table["diff"], asked_from, asked_to)],
        words.text("tables.wave_changes." + ("ci_adjusted" if adjusted else "ci"), lang): [
            _missing(lang) if pd.isna(lo) else formats.points_interval(lo, hi, lang=lang)
            for lo, hi in zip(table[low], table[high])],
    })
    if "p_adjusted" in table:
        how = words.text(f"common.{table.attrs.get('padjust', 'holm')}", lang)
        out[words.text("common.padj", lang, padjust=how)] = [_pvalue(p, lang) for p in table["p_adjusted"]]
    else:
        out["p"] = [_pvalue(p, lang) for p in table["p_value"]]
    return out


# ------------------------------------------------------------------------------------------------ matching

def format_supply_demand(table: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """The supply/demand table for readers: numbers in the reader's language, suppressed counts (companies', and
    buyers' unless the study publishes them) shown as « < 5 » (the threshold of the table's ``attrs["min_cell"]``).

    >>> t = pd.DataFrame({"segment": ["sante"], "label": ["Santé"], "buyers_base": [10], "n_buyers": [4],
    ...                   "companies_base": [30], "n_companies": pd.array([pd.NA], dtype="Int64"),
    ...                   "companies_suppressed": [True], "ratio": [float("nan")], "flag": [""], "flag_label": [""]})
    >>> format_supply_demand(t).iloc[0].tolist()
    ['Santé', '4 / 10', '<\u202f5 / 30', 'n.d.', '']
    >>> format_supply_demand(t, lang="en").iloc[0].tolist()[2:4]
    ['< 5 / 30', 'n/a']
    >>> format_supply_demand(t.assign(n_buyers=pd.NA, buyers_suppressed=True)).iloc[0].tolist()[1]
    '< 5 / 10'
    """
    lang = check_lang(lang)

    def num(x, decimals=0):
        return formats.number(x, decimals, lang=lang)

    rows, min_cell = [], min_cell_of(table)
    for _, r in table.iterrows():
        comp = _below(min_cell, lang) if r["companies_suppressed"] else num(r["n_companies"])
        need = _below(min_cell, lang) if r.get("buyers_suppressed") is True else num(r["n_buyers"])
        rows.append([r["label"], f"{need} / {num(r['buyers_base'])}",
                     f"{comp} / {num(r['companies_base'])}", num(r["ratio"], 1),
                     words.label(r["flag"] if isinstance(r["flag"], str) else "", lang=lang)])
    return pd.DataFrame(rows, columns=_heads("supply_demand", lang, "segment", "buyers", "companies", "ratio",
                                             "flag"))


_SCORE_PARTS = ("score", "score_segment", "score_text", "score_proximity")


def _distinct_map(values: pd.Series, write) -> pd.Series:
    """``values.map(write)``, ``write`` called once a distinct value.

    >>> _distinct_map(pd.Series([0.5, 0.25, 0.5]), lambda x: f"{x:.1f}").tolist()
    ['0.5', '0.2', '0.5']
    """
    written = {v: write(v) for v in pd.unique(values)}
    return values.map(written)


def format_plan(plan: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """The meeting plan for readers: slot, ids, segment label, score and its parts with two decimals.

    >>> p = pd.DataFrame({"buyer_id": ["A-1"], "company_id": ["E-1"], "segment": ["sante"], "score": [0.746],
    ...                   "score_segment": [0.5], "score_text": [0.046], "score_proximity": [0.2], "slot": [1]})
    >>> format_plan(p).astype(str).iloc[0].tolist()
    ['1', 'A-1', 'E-1', 'Santé', '0,75', '0,50', '0,05', '0,20']
    >>> format_plan(p, lang="en").columns.tolist()[-1]
    'of which proximity'
    """
    lang = check_lang(lang)
    # each distinct segment and score written once (a plan of 100,000 respondents has 40,000 rows a slot)
    segments = {s: cb.label(f"seg_{s}", lang=lang, short=True) for s in plan["segment"].dropna().unique()}
    seg = plan["segment"].map(lambda s: "—" if pd.isna(s) else segments[s])
    cols = [plan["slot"].astype(int), plan["buyer_id"], plan["company_id"], seg]
    cols += [_distinct_map(plan[c], lambda x: formats.number(x, 2, lang=lang)) for c in _SCORE_PARTS]
    out = pd.concat(cols, axis=1)
    out.columns = _heads("plan", lang, "slot", "buyer", "company", "segment", *_SCORE_PARTS)
    return out.reset_index(drop=True)


def format_summary(summary: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """:func:`etude.analysis.matching.plan_summary` for readers: label and number (two decimals for scores).

    >>> t = pd.DataFrame({"indicator": ["meetings", "score_mean"], "label": ["Rendez-vous", "Score moyen"],
    ...                   "value": [12, 0.634]})
    >>> format_summary(t).values.tolist()
    [['Rendez-vous', '12'], ['Score moyen', '0,63']]
    """
    lang = check_lang(lang)
    values = [formats.number(v, 2 if str(k).startswith("score") else 0, lang=lang)
              for k, v in zip(summary["indicator"], summary["value"])]
    indicator, value = _heads("summary", lang, "indicator", "value")
    return pd.DataFrame({indicator: summary["label"].tolist(), value: values})


def format_scores(scores: pd.DataFrame, *, min_score: float = 0.3, lang: str = "fr") -> pd.DataFrame:
    """How the score and each part are spread over all pairs: pairs above 0, mean, maximum; relevant pairs.

    >>> s = pd.DataFrame({"score": [0.9, 0.2], "score_segment": [0.5, 0.0], "score_text": [0.2, 0.0],
    ...                   "score_proximity": [0.2, 0.2]})
    >>> format_scores(s).values.tolist()[0]
    ['Note totale', '2', '1', '0,55', '0,90']
    >>> format_scores(s, lang="en").columns.tolist()[2]
    'Relevant pairs (score ≥ 0.30)'
    """
    lang = check_lang(lang)
    heads = _heads("scores", lang, "part", "nonzero")
    heads += [words.text("tables.scores.relevant", lang, min_score=formats.number(min_score, 2, lang=lang)),
              *_heads("scores", lang, "mean", "max")]
    # one row per pair, or per pair of profiles weighted by its pairs (matching.profile_scores, large studies)
    weight = scores["n_pairs"] if "n_pairs" in scores.columns else pd.Series(1, index=scores.index)
    relevant = int(weight[scores["score"] >= min_score].sum())
    rows = [[words.text(f"tables.scores.{col}", lang), formats.number(int(weight[scores[col] > 0].sum()), lang=lang),
             formats.number(relevant, lang=lang) if col == "score" else "",
             formats.number(scores[col].mean() if "n_pairs" not in scores.columns
                            else (scores[col] * weight).sum() / weight.sum(), 2, lang=lang),
             formats.number(scores[col].max(), 2, lang=lang)]
            for col in _SCORE_PARTS]
    return pd.DataFrame(rows, columns=heads)


def format_theme_bridge(*, lang: str = "fr", codebook=None) -> pd.DataFrame:
    """The mapping shown to readers: one row per theme, the buyers' items and the companies' items side by side.

    >>> format_theme_bridge().set_index("Thème").loc["Temps, argent et moyens", "Items des entreprises"]
    'Manque de moyens pour répondre ; Craintes concernant les délais de paiement'
    """
    w = words.area("common", lang)
    m = cb.theme_map(lang=lang, codebook=codebook)
    rows = []
    for theme in compare.theme_order(codebook):
        part = m[m["theme"] == theme]
        if part.empty:
            continue
        cell = {population: " ; ".join(part.loc[part["population"] == population, "label"]) or w["none_item"]
                for population in ("buyers", "companies")}
        rows.append({w["theme"]: cb.label(theme, lang=lang, codebook=codebook),
                     w["items_buyers"]: cell["buyers"], w["items_companies"]: cell["companies"],
                     w["compared"]: w["yes"] if all(c != w["none_item"] for c in cell.values()) else w["no"]})
    return pd.DataFrame(rows)


def format_bases(buyers: pd.DataFrame, companies: pd.DataFrame, *, lang: str = "fr", codebook=None) -> pd.DataFrame:
    """Who is counted: respondents, those who answered the barrier question (the denominators), those who did not.

    >>> codes = list(cb.items("companies")["code"])
    >>> e = pd.DataFrame({c: pd.array([c == "e_moyens", None], dtype="boolean") for c in codes})
    >>> b = pd.DataFrame(columns=list(cb.items("buyers")["code"]))
    >>> format_bases(b, e).iloc[1, 1:].astype(int).tolist()
    [2, 1, 1]
    """
    w = words.area("common", lang)
    rows = []
    for population, df in (("buyers", buyers), ("companies", companies)):
        n_base = int(compare.answered(df, population, codebook=codebook).sum())
        rows.append({w["population"]: cb.label(population, lang=lang, codebook=codebook), w["respondents"]: len(df),
                     w["base"]: n_base, w["no_answer"]: len(df) - n_base})
    return pd.DataFrame(rows)
