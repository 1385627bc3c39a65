"""Every table formatter (``format_*``): a result table of a computing module → a table of French (or English) text.

Written tables (CSV, XLSX) keep raw numbers and codes; these functions only format for display, with numbers from
:mod:`etude.publish.formats` and words from :mod:`etude.words`. Show their result with
:func:`etude.publish.present.shown`.

Examples
--------
>>> import pandas as pd
>>> format_summary(pd.DataFrame({"indicator": ["meetings"], "label": ["Rendez-vous"], "value": [12]})).values.tolist()
[['Rendez-vous', '12']]
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from etude import words
from etude.analysis import compare, stats
from etude.analysis import indicators as ind
from etude.publish import formats
from etude.survey import codebook as cb
from etude.words import check_lang

__all__ = [
    "format_frequencies", "format_profile", "format_check", "format_wave_counts",
    "format_comparison", "format_groups",
    "format_indicators", "format_wave_changes", "format_published_vs_computed", "format_target", "format_growth",
    "format_decp_innovation",
    "format_supply_demand", "format_plan", "format_summary", "format_scores", "format_theme_bridge",
    "format_bases",
]


# ------------------------------------------------------------------------------------------------ stats tables

def _level(alpha: float) -> str:
    return formats.number((1 - alpha) * 100, 0 if round((1 - alpha) * 100, 6).is_integer() else 1)


def format_frequencies(table: pd.DataFrame, *, lang: str = "fr", min_cell: int | None = None,
                        alpha: float | None = None, short: bool = False, codebook=None) -> pd.DataFrame:
    """A frequency table for readers: codebook labels, French numbers, suppressed cells shown « < 5 » / « n.d. ».

    Parameters
    ----------
    table : DataFrame
        From :func:`etude.analysis.stats.frequencies`, :func:`suppress_small` or :func:`barrier_table`.
    lang : {"fr", "en"}
    min_cell : int, optional
        Threshold written in suppressed cells; default the table's ``attrs["min_cell"]``, else 5.
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
    ['1', '1', 'Pas de temps à y consacrer', '3', '8', '37,5\u202f%', '37,5\u202f%']
    """
    check_lang(lang)
    min_cell = min_cell if min_cell is not None else table.attrs.get("min_cell", 5)
    alpha = alpha if alpha is not None else table.attrs.get("alpha", 0.05)
    level = _level(alpha)
    heads = {"fr": ["Rang", "Item", "Citations", "Base (répondants)", "Part des répondants",
                    f"IC à {level}{formats.NNBSP}%", "Part des mentions"],
             "en": ["Rank", "Item", "Mentions", "Base (respondents)", "Share of respondents",
                    f"{level}{formats.NNBSP}% CI", "Share of mentions"]}[lang]
    sup = table["suppressed"] if "suppressed" in table.columns else pd.Series(False, index=table.index)
    small = f"<{formats.NNBSP}{min_cell}"
    primary = table.attrs.get("primary")  # secondary suppression (etude.safety.disclosure): « n.d. », not « < 5 »
    rows = []
    asked = ~_not_asked(table, sup)
    never = words.text("common.not_asked", lang)
    for (i, r), s, a in zip(table.iterrows(), sup, asked):
        label = cb.label(r["item"], lang=lang, short=short, codebook=codebook)
        if s:  # a suppressed group publishes no base either (its n_base is NA)
            rows.append([formats.missing(), label, small if primary is None or i in primary else formats.missing(),
                         formats.number(r["n_base"]), formats.missing(), formats.missing(), formats.missing()])
            continue
        if not a:  # not asked in this wave: « non posé », never 0 %
            rows.append([formats.missing(), label, never, formats.number(r["n_base"]), never, never, never])
            continue
        rows.append([formats.number(r["rank"]), label, formats.number(r["count"]), formats.number(r["n_base"]),
                     formats.pct(r["pct"]), formats.interval(r["ci_low"], r["ci_high"]),
                     formats.pct(r["pct_mentions"]) if "pct_mentions" in table.columns else formats.missing()])
    out = pd.DataFrame(rows, columns=heads)
    if "pct_mentions" not in table.columns:
        out = out.drop(columns=heads[-1])
    if "pct_all" in table.columns:
        out.insert(out.columns.get_loc(heads[4]) + 1, {"fr": "Part de tous les répondants",
                                                       "en": "Share of all respondents"}[lang],
                   [formats.missing() if s else formats.pct(p) if a else never
                    for p, s, a in zip(table["pct_all"], sup, asked)])
    if "rank_group" in table.columns:
        out.insert(1, words.text("common.rank_group", lang),
                   [formats.missing() if s or pd.isna(g) else formats.number(g)
                    for g, s in zip(table["rank_group"], sup)])
    group_col = "group_label" if "group_label" in table.columns else _group_column(table)
    if group_col is not None:
        kind = stats.population_of(list(table["item"].unique()), codebook=codebook)
        name = ("Groupe" if lang == "fr" else "Group") if group_col == "group_label" else stats.attribute_label(
            kind, group_col, lang=lang, codebook=codebook)
        values = (table[group_col] if group_col == "group_label" else
                  [stats.value_label(kind, group_col, v, lang=lang, codebook=codebook) for v in table[group_col]])
        out.insert(0, name, list(values))
    return out


def _not_asked(table: pd.DataFrame, suppressed: pd.Series) -> pd.Series:
    """Rows of a frequency table whose item was not asked (:func:`etude.analysis.stats.frequencies`: no count although
    the
    question has a base and the row is not suppressed)."""
    base = pd.to_numeric(table["n_base"], errors="coerce").fillna(0) > 0
    return (table["count"].isna() & base & ~suppressed.fillna(False).astype(bool)).reset_index(drop=True)


def _group_column(table: pd.DataFrame) -> str | None:
    known = set(stats.FREQ_COLUMNS) | set(stats.FREINS_COLUMNS) | {"suppressed", "group", "group_value", "group_label"}
    extra = [c for c in table.columns if c not in known]
    return extra[0] if extra else None


def format_profile(table: pd.DataFrame, *, lang: str = "fr", min_cell: int | None = None,
                    kind: str | None = None, codebook=None) -> pd.DataFrame:
    """A :func:`etude.analysis.stats.profile` table for readers: attribute label, value label, count and share in
    French.

    >>> t = stats.profile(pd.DataFrame({"population": "buyers", "buyer_type": ["etat", "etat", "collectivite"]}),
    ...             "buyer_type")
    >>> format_profile(t).iloc[0].tolist()
    ["Type d'acheteur", "Services de l'État", '2', '3', '66,7\u202f%']
    """
    check_lang(lang)
    min_cell = min_cell if min_cell is not None else table.attrs.get("min_cell", 5)
    heads = {"fr": ["Caractéristique", "Valeur", "Effectif", "Total", "Part"],
             "en": ["Attribute", "Value", "Count", "Total", "Share"]}[lang]
    sup = table["suppressed"] if "suppressed" in table.columns else pd.Series(False, index=table.index)
    primary = table.attrs.get("primary")  # secondary suppression (etude.safety.disclosure): « n.d. », not « < 5 »
    rows = []
    for (i, r), s in zip(table.iterrows(), sup):
        small = f"<{formats.NNBSP}{min_cell}" if primary is None or i in primary else formats.missing()
        rows.append([stats.attribute_label(kind, r["attribute"], lang=lang, codebook=codebook), r["label"],
                     small if s else formats.number(r["n"]), formats.number(r["n_total"]),
                     formats.missing() if s else formats.pct(r["pct"])])
    out = pd.DataFrame(rows, columns=heads)
    if "wave" in table.columns:
        out.insert(0, "Vague" if lang == "fr" else "Wave", table["wave"].astype(str).tolist())
    return out


def format_check(check: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """:func:`etude.analysis.stats.published_check` for readers: label, published and loaded counts, « oui »/« non »,
    status.

    >>> c = pd.DataFrame({"label": ["Réponses"], "wave": [2017], "published": [27],
    ...                   "loaded": pd.array([26], dtype="Int64"), "match": [False], "status": ["published"]})
    >>> format_check(c).iloc[0].tolist()
    ['Réponses', '2017', '27', '26', 'non', 'publié']
    """
    check_lang(lang)
    fr = lang == "fr"
    status = {"published": "publié" if fr else "published", "computed": "calculé" if fr else "computed"}
    return pd.DataFrame({
        "Effectif" if fr else "Count": check["label"].tolist(),
        "Vague" if fr else "Wave": check["wave"].astype(str).tolist(),
        "Publié" if fr else "Published": [formats.number(x) for x in check["published"]],
        "Chargé" if fr else "Loaded": [formats.number(None if pd.isna(x) else x) for x in check["loaded"]],
        "Concordance" if fr else "Match": [formats.missing() if pd.isna(x) else ("oui" if fr else "yes") if m
                                           else ("non" if fr else "no") for m, x in zip(check["match"],
                                                                                         check["loaded"])],
        "Statut du chiffre" if fr else "Figure status": [status.get(x, x) for x in check["status"]],
    })


def format_wave_counts(counts: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """:func:`etude.analysis.stats.wave_counts` for readers (French numbers).

    >>> c = pd.DataFrame({"label": ["Acheteurs publics"], "wave": [2017], "n": [27], "n_barriers": [25],
    ...                   "pct_barriers": [25 / 27]})
    >>> format_wave_counts(c).iloc[0].tolist()
    ['Acheteurs publics', '2017', '27', '25', '92,6\u202f%']
    """
    check_lang(lang)
    heads = {"fr": ["Questionnaire", "Vague", "Répondants", "Ont répondu sur les freins", "Part"],
             "en": ["Questionnaire", "Wave", "Respondents", "Answered the barrier question", "Share"]}[lang]
    return pd.DataFrame({heads[0]: counts["label"].tolist(), heads[1]: counts["wave"].astype(str).tolist(),
                         heads[2]: [formats.number(x) for x in counts["n"]],
                         heads[3]: [formats.number(x) for x in counts["n_barriers"]],
                         heads[4]: [formats.pct(x) for x in counts["pct_barriers"]]})


# ------------------------------------------------------------------------------------------------ comparisons

def _share(pct: Any, n: Any) -> str:
    """``48,1 % (13/27)``: the share with its count and denominator, or ``n.d.``."""
    if pd.isna(n) or pd.isna(pct):
        return formats.missing()
    return f"{formats.pct(pct)} ({round(float(pct) * int(n))}/{int(n)})"


def _interval_column(table: pd.DataFrame, alpha: float, lang: str) -> tuple[str, list[str]]:
    """The difference interval shown next to adjusted p-values: the adjusted one when the table has it
    (``diff_ci_low_adj``, ``diff_ci_high_adj``, ``attrs["ci_adjust"]``), else the unadjusted one, labelled so."""
    level = formats.number(100 * (1 - alpha))
    if {"diff_ci_low_adj", "diff_ci_high_adj"} <= set(table.columns):
        how = words.text(f"common.{table.attrs.get('ci_adjust', 'bonferroni')}", lang)
        return (words.text("common.ci_adjusted", lang).format(level=level, padjust=how),
                [formats.points_interval(lo, hi)
                 for lo, hi in zip(table["diff_ci_low_adj"], table["diff_ci_high_adj"])])
    return (words.text("common.ci_unadjusted", lang).format(level=level),
            [formats.points_interval(lo, hi) for lo, hi in zip(table["diff_ci_low"], table["diff_ci_high"])])


def format_comparison(table: pd.DataFrame, *, padjust: str = "holm", alpha: float = 0.05,
                      lang: str = "fr") -> pd.DataFrame:
    """The :func:`etude.analysis.compare.compare_themes` table for reading: shares with their counts, the difference
    with
    its interval (adjusted like the p-values when the table carries adjusted bounds, else labelled unadjusted).

    >>> t = pd.DataFrame([{"theme": "moyens", "label": "Temps, argent et moyens", "n_buyers": 27,
    ...     "pct_buyers": 13 / 27, "n_companies": 90, "pct_companies": 0.5, "diff": 13 / 27 - 0.5,
    ...     "diff_ci_low": -0.22, "diff_ci_high": 0.18, "test": "fisher", "p_value": 1.0,
    ...     "p_adjusted": 1.0, "cohens_h": -0.04}])
    >>> format_comparison(t).iloc[0, 1]
    '48,1\u202f% (13/27)'
    >>> list(format_comparison(t).columns)[4]
    'Intervalle à 95 % (non ajusté)'
    """
    lang = check_lang(lang)
    tests = [t for t in table["test"].dropna().unique() if t in compare.TESTS]
    test_word = "/".join(words.label(t, lang=lang) for t in tests) or words.label("fisher", lang=lang)
    ci_head, ci_values = _interval_column(table, alpha, lang)
    return pd.DataFrame({
        words.text("common.theme", lang): table["label"],
        words.text("common.buyers", lang): [_share(p, n) for p, n in zip(table["pct_buyers"], table["n_buyers"])],
        words.text("common.companies", lang): [_share(p, n)
                                               for p, n in zip(table["pct_companies"], table["n_companies"])],
        words.text("common.diff", lang): [formats.points(d) if t != compare.NOT_COMPARABLE
                                          else words.label(t, lang=lang)
                                  for d, t in zip(table["diff"], table["test"])],
        ci_head: ci_values,
        words.text("common.p", lang).format(test=test_word): table["p_value"].map(formats.pvalue),
        words.text("common.padj", lang, padjust=words.text(f"common.{padjust}", lang)):
            table["p_adjusted"].map(formats.pvalue),
        words.text("common.h", lang): table["cohens_h"].map(lambda h: formats.number(h, 2)),
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
    'effectif insuffisant (n < 5)'
    """
    lang = check_lang(lang)
    min_cell = table.attrs.get("min_cell", 5)

    def side(label, pct, n):
        return f"{label} : n = {int(n)}" if pd.isna(pct) else f"{label} : {_share(pct, n)}"

    ci_head, ci_values = _interval_column(table, alpha, lang)
    return pd.DataFrame({
        words.text("common.item_or_theme", lang): table["label"],
        words.text("common.group1", lang): [side(lab, p, n) for lab, p, n in zip(table["group1_label"], table["pct1"],
                                                                            table["n1"])],
        words.text("common.group2", lang): [side(lab, p, n) for lab, p, n in zip(table["group2_label"], table["pct2"],
                                                                            table["n2"])],
        words.text("common.gap", lang): [formats.points(d) for d in table["diff"]],
        ci_head: ci_values,
        words.text("common.padj", lang, padjust=words.text(f"common.{padjust}", lang)):
            table["p_adjusted"].map(formats.pvalue),
        words.text("common.status", lang): [words.label(s, lang=lang, min_cell=min_cell) for s in table["status"]],
    })


# ------------------------------------------------------------------------------------------------ indicators

def format_published_vs_computed(df: pd.DataFrame) -> pd.DataFrame:
    """A :func:`etude.analysis.indicators.published_vs_computed` table for reading."""
    return pd.DataFrame({
        "Série": df["series"].map(lambda v: ind.SERIES_LABELS.get(v, v)), "Indicateur": df["indicator"],
        "Année": df["period"].astype(str),
        "Évolution recalculée": [_fmt_value(v, "rel_change") for v in df["computed"]],
        "Évolution publiée": [_fmt_value(v, "rel_change") for v in df["published"]],
        "Écart": [formats.points(v) for v in df["difference"]],
    }).reset_index(drop=True)


def format_target(df: pd.DataFrame) -> pd.DataFrame:
    """A :func:`etude.analysis.indicators.distance_to_target` table for reading (shares in %, gap in points)."""
    return pd.DataFrame({
        "Série": df["label_fr"] if "label_fr" in df else df["series"],
        "Année": df["period"].astype(str),
        "Part réalisée": [formats.pct(v, 2) for v in df["value"]],
        "Objectif": [f"{formats.pct(t, 0)} en {y}" for t, y in zip(df["target"], df["target_year"])],
        "Écart à l'objectif": [formats.points(g, 2) for g in df["gap"]],
        "Part de l'objectif atteinte": [formats.pct(r, 1) for r in df["ratio"]],
        "Périmètre": df["perimeter"] if "perimeter" in df else "—",
    }).reset_index(drop=True)


def format_growth(df: pd.DataFrame, *, drop_missing: bool = False) -> pd.DataFrame:
    """A :func:`etude.analysis.indicators.compound_growth` table for reading; a missing end year shows « non disponible
    »."""
    if drop_missing:
        df = df[df["cagr"].notna()]
    return pd.DataFrame({
        "Série": df["series"].map(lambda v: ind.SERIES_LABELS.get(v, v)),
        "Indicateur": df["label_fr"] if "label_fr" in df else df["indicator"],
        "Période": [f"{s}–{e}" for s, e in zip(df["start"], df["end"])],
        "Début": [_fmt_value(v, u) for v, u in zip(df["value_start"], df["unit"])],
        "Fin": [_fmt_value(v, u) for v, u in zip(df["value_end"], df["unit"])],
        "Croissance annuelle moyenne": [formats.pct(v) if not pd.isna(v) else ind.MISSING_LABEL for v in df["cagr"]],
        "Statut": [words.label(s) if isinstance(s, str) else ind.MISSING_LABEL for s in df["status"]],
    }).reset_index(drop=True)


def format_decp_innovation(table: pd.DataFrame) -> pd.DataFrame:
    """An :func:`etude.decp.innovation_share` table for reading: counts, shares with Wilson intervals, fill rate.

    >>> t = pd.DataFrame({"year": [2019], "n_contracts": [74], "n_innovation_procedure": [0],
    ...                   "share_innovation_procedure": [0.0], "ci_low_innovation_procedure": [0.0],
    ...                   "ci_high_innovation_procedure": [0.049], "n_flag_filled": [0], "fill_rate": [0.0],
    ...                   "share_flag_innovant": [float("nan")]})
    >>> format_decp_innovation(t).iloc[0, -1]
    'non disponible'
    """
    def share(p, lo, hi):
        return ind.MISSING_LABEL if pd.isna(p) else f"{formats.pct(p)} {formats.interval(lo, hi)}"
    return pd.DataFrame({
        "Année": table["year"].astype(str),
        "Contrats": table["n_contracts"].map(formats.number),
        "Procédures d'innovation": table["n_innovation_procedure"].map(formats.number),
        "Part (IC 95 %, Wilson)": [share(*a) for a in zip(table["share_innovation_procedure"],
                                                          table["ci_low_innovation_procedure"],
                                                          table["ci_high_innovation_procedure"])],
        "« marcheInnovant » renseigné": [formats.pct(v) for v in table["fill_rate"]],
        "Part « innovant » parmi les renseignés": [
            share(p, lo, hi) for p, lo, hi in zip(table["share_flag_innovant"],
                                                  table.get("ci_low_flag_innovant", table["share_flag_innovant"]),
                                                  table.get("ci_high_flag_innovant", table["share_flag_innovant"]))],
    }).reset_index(drop=True)


def _fmt_value(value: Any, unit: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return ind.MISSING_LABEL
    unit = "" if unit is None or pd.isna(unit) else str(unit)
    if unit == "share":
        return formats.pct(value, decimals=2 if abs(value) < 0.01 else 1)
    if unit == "rel_change":
        s = formats.pct(value)
        return s if value <= 0 else "+" + s
    if unit == "pt_change":
        return formats.points(value)
    if unit in ("Md€", "M€"):
        return f"{formats.number(value, 1 if value != int(value) else 0)}{formats.NNBSP}{unit}"
    decimals = 0 if float(value) == int(value) else 1
    return f"{formats.number(value, decimals)} {unit}".strip()


def format_indicators(df: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """A long table for reading: French numbers, « non disponible » for missing figures, statuses in words.

    Examples
    --------
    >>> t = pd.DataFrame({"series": "s", "indicator": "i", "label_fr": "Volume", "period": ["2016", "2017"],
    ...                   "value": [72.2, float("nan")], "unit": "Md€", "status": ["published", None],
    ...                   "source": ["AdCF", None]})
    >>> format_indicators(t)["Valeur"].tolist()
    ['72,2\u202fMd€', 'non disponible']
    """
    labels = {"fr": ["Série", "Indicateur", "Période", "Valeur", "Statut", "Source"],
              "en": ["Series", "Indicator", "Period", "Value", "Status", "Source"]}
    lang = check_lang(lang)
    name = df["label_fr"] if "label_fr" in df else df["indicator"]
    status = df["status"] if "status" in df else pd.Series(pd.NA, index=df.index)
    out = pd.DataFrame({
        labels[lang][0]: df["series"].astype(str).map(lambda v: ind.SERIES_LABELS.get(v, v)),
        labels[lang][1]: name.astype(str),
        labels[lang][2]: df["period"].astype(str).str.replace("Q", " T", regex=False),
        labels[lang][3]: [_fmt_value(v, u) for v, u in zip(df["value"], df.get("unit", pd.Series("", index=df.index)))],
        labels[lang][4]: [words.label(s, lang=lang) if isinstance(s, str) else ind.MISSING_LABEL
                          for s in status],
        labels[lang][5]: df["source"].fillna("—").astype(str) if "source" in df else "—",
    })
    return out.reset_index(drop=True)


def format_wave_changes(table: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """A wave-change table (:func:`etude.analysis.waves.wave_changes`,
    :func:`etude.analysis.waves.published_wave_changes`)
    for reading.

    Shares in per cent with their denominators, the change in points with its interval (or « non disponible »
    when there is none), adjusted p-values when present, headed with the adjustment (``attrs["padjust"]``).
    """
    lang = check_lang(lang)

    def share(p, n, text, count=None, asked=True):
        if asked is False:  # an item not in that wave's questionnaire
            return words.text("common.not_asked", lang)
        if pd.isna(p):
            return ind.MISSING_LABEL
        if count is not None and not pd.isna(count) and n is not None and not pd.isna(n):
            return f"{formats.pct(p)} ({int(count)}/{int(n)})"
        if n is not None and not pd.isna(n):
            return f"{formats.pct(p)} (n = {formats.number(n)})"
        return f"{formats.pct(p)} (n : {text})" if isinstance(text, str) else formats.pct(p)

    def gap(lo, hi):
        return ind.MISSING_LABEL if pd.isna(lo) else formats.points_interval(lo, hi)

    none, yes = pd.Series(pd.NA, index=table.index), pd.Series(True, index=table.index)
    w1, w2 = (int(table["wave_from"].iloc[0]), int(table["wave_to"].iloc[0])) if len(table) else (0, 0)
    adjusted = {"diff_ci_low_adj", "diff_ci_high_adj"} <= set(table.columns) and table.attrs.get(
        "ci_adjust", "bonferroni") != "none"
    ci_head = ({"fr": "IC 95 % ajusté (Bonferroni)", "en": "95% CI, adjusted (Bonferroni)"} if adjusted else
               {"fr": "IC 95 % (Newcombe)", "en": "95% CI (Newcombe)"})[lang]
    low, high = ("diff_ci_low_adj", "diff_ci_high_adj") if adjusted else ("diff_ci_low", "diff_ci_high")
    out = pd.DataFrame({
        "Item": table["label"].astype(str),
        str(w1): [share(*a) for a in zip(table["share_from"], table["n_from"], table.get("n_from_text", none),
                                          table.get("count_from", none), table.get("asked_from", yes))],
        str(w2): [share(*a) for a in zip(table["share_to"], table["n_to"], table.get("n_to_text", none),
                                          table.get("count_to", none), table.get("asked_to", yes))],
        {"fr": "Évolution", "en": "Change"}[lang]: [
            formats.points(d) if a is not False and b is not False else words.text("common.not_asked", lang)
            for d, a, b in zip(table["diff"], table.get("asked_from", yes), table.get("asked_to", yes))],
        ci_head: [gap(lo, hi) for lo, hi in zip(table[low], table[high])],
    })
    if "p_adjusted" in table:
        how = words.text(f"common.{table.attrs.get('padjust', 'holm')}", lang)
        head = words.text("common.padj", lang, padjust=how)
        out[head] = [formats.pvalue(p) if not pd.isna(p) else ind.MISSING_LABEL for p in table["p_adjusted"]]
    else:
        out["p"] = [formats.pvalue(p) if not pd.isna(p) else ind.MISSING_LABEL for p in table["p_value"]]
    return out


# ------------------------------------------------------------------------------------------------ matching

def format_supply_demand(table: pd.DataFrame, *, min_cell: int = 5, lang: str = "fr") -> pd.DataFrame:
    """The supply/demand table for readers: French numbers, suppressed counts shown as ``< min_cell``.

    >>> t = pd.DataFrame({"segment": ["sante"], "label": ["Santé"], "buyers_base": [10], "n_buyers": [4],
    ...                   "companies_base": [30], "n_companies": pd.array([pd.NA], dtype="Int64"),
    ...                   "companies_suppressed": [True], "ratio": [float("nan")], "flag": [""], "flag_label": [""]})
    >>> format_supply_demand(t).iloc[0].tolist()
    ['Santé', '4 / 10', '<\u202f5 / 30', 'n.d.', '']
    """
    lang = check_lang(lang)
    heads = {"fr": ["Segment", "Acheteurs ayant un besoin", "Entreprises ayant une offre",
                    "Entreprises par acheteur", "Signal"],
             "en": ["Segment", "Buyers with a need", "Companies with an offer", "Companies per buyer", "Flag"]}[lang]
    rows = []
    for _, r in table.iterrows():
        comp = (f"<{formats.NNBSP}{min_cell}" if r["companies_suppressed"] else formats.number(r["n_companies"]))
        rows.append([r["label"], f"{formats.number(r['n_buyers'])} / {formats.number(r['buyers_base'])}",
                     f"{comp} / {formats.number(r['companies_base'])}", formats.number(r["ratio"], 1),
                     words.label(r["flag"] if isinstance(r["flag"], str) else "", lang=lang)])
    return pd.DataFrame(rows, columns=heads)


def format_plan(plan: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """The meeting plan for readers: slot, ids, segment label, score and its parts with two decimals.

    >>> p = pd.DataFrame({"buyer_id": ["A-1"], "company_id": ["E-1"], "segment": ["sante"], "score": [0.746],
    ...                   "score_segment": [0.5], "score_text": [0.046], "score_proximity": [0.2], "slot": [1]})
    >>> format_plan(p).astype(str).iloc[0].tolist()
    ['1', 'A-1', 'E-1', 'Santé', '0,75', '0,50', '0,05', '0,20']
    """
    lang = check_lang(lang)
    heads = {"fr": ["Créneau", "Acheteur", "Entreprise", "Segment", "Score", "dont segment", "dont texte",
                    "dont proximité"],
             "en": ["Slot", "Buyer", "Company", "Segment", "Score", "of which segment", "of which text",
                    "of which proximity"]}[lang]
    seg = plan["segment"].map(lambda s: "—" if pd.isna(s) else cb.label(f"seg_{s}", lang=lang, short=True))
    cols = [plan["slot"].astype(int), plan["buyer_id"], plan["company_id"], seg]
    cols += [plan[c].map(lambda x: formats.number(x, 2)) for c in
             ("score", "score_segment", "score_text", "score_proximity")]
    out = pd.concat(cols, axis=1)
    out.columns = heads
    return out.reset_index(drop=True)


def format_summary(summary: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """:func:`etude.analysis.matching.plan_summary` for readers: label and French number (two decimals for scores).

    >>> t = pd.DataFrame({"indicator": ["meetings", "score_mean"], "label": ["Rendez-vous", "Score moyen"],
    ...                   "value": [12, 0.634]})
    >>> format_summary(t).values.tolist()
    [['Rendez-vous', '12'], ['Score moyen', '0,63']]
    """
    values = [formats.number(v, 2 if str(k).startswith("score") else 0)
              for k, v in zip(summary["indicator"], summary["value"])]
    heads = {"fr": ("Indicateur", "Valeur"), "en": ("Indicator", "Value")}[check_lang(lang)]
    return pd.DataFrame({heads[0]: summary["label"].tolist(), heads[1]: values})


def format_scores(scores: pd.DataFrame, *, min_score: float = 0.3, lang: str = "fr") -> pd.DataFrame:
    """How the score and each part are spread over all pairs: pairs above 0, mean, maximum; relevant pairs.

    >>> s = pd.DataFrame({"score": [0.9, 0.2], "score_segment": [0.5, 0.0], "score_text": [0.2, 0.0],
    ...                   "score_proximity": [0.2, 0.2]})
    >>> format_scores(s).values.tolist()[0]
    ['Note totale', '2', '1', '0,55', '0,90']
    """
    lang = check_lang(lang)
    names = {"fr": {"score": "Note totale", "score_segment": "dont segment", "score_text": "dont texte",
                    "score_proximity": "dont proximité"},
             "en": {"score": "Total score", "score_segment": "of which segment", "score_text": "of which text",
                    "score_proximity": "of which proximity"}}[lang]
    heads = {"fr": ["Part", "Paires non nulles", f"Paires pertinentes (note ≥ {formats.number(min_score, 2)})",
                    "Moyenne", "Maximum"],
             "en": ["Part", "Non-zero pairs", f"Relevant pairs (score ≥ {min_score:.2f})", "Mean", "Maximum"]}[lang]
    relevant = int((scores["score"] >= min_score).sum())
    rows = [[label, formats.number(int((scores[col] > 0).sum())), formats.number(relevant) if col == "score" else "",
             formats.number(scores[col].mean(), 2), formats.number(scores[col].max(), 2)]
            for col, label in names.items()]
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
        cell = {kind: " ; ".join(part.loc[part["population"] == kind, "label"]) or w["none_item"]
                for kind in ("buyers", "companies")}
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
    for kind, df in (("buyers", buyers), ("companies", companies)):
        n_base = int(compare.answered(df, kind, codebook=codebook).sum())
        rows.append({w["population"]: cb.label(kind, lang=lang, codebook=codebook), w["respondents"]: len(df),
                     w["base"]: n_base, w["no_answer"]: len(df) - n_base})
    return pd.DataFrame(rows)
