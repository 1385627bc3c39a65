"""Describing respondents: multi-response frequencies with intervals, profiles, and small-cell protection.

Respondent tables follow ``docs/contracts.md`` §1. A multi-select question's denominator (``n_base``) counts the
respondents who answered it, i.e. whose item columns are not all NA; a respondent who skipped it is out of the
base, not counted as « no ». Proportions come with a confidence interval from statsmodels
(``proportion_confint``, Wilson by default). Tables keep raw numbers (fractions 0–1); the ``display_*`` helpers
format them in French for a notebook with :mod:`etude.fmt`.

Small-cell protection lives in :mod:`etude.disclosure` (``suppress_small``, ``suppression_rule`` and
``PROTECTED`` are re-exported here for the notebooks): merged categories, primary and secondary suppression.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"a": pd.array([True, True, False, None], dtype="boolean"),
...                   "b": pd.array([True, False, False, None], dtype="boolean")})
>>> frequencies(t, ["a", "b"])[["item", "n_base", "count", "pct", "pct_mentions", "rank"]]
  item  n_base  count       pct  pct_mentions  rank
0    a       3      2  0.666667      0.666667     1
1    b       3      1  0.333333      0.333333     2
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from etude import codebook as cb
from etude import fmt
from etude.disclosure import PROTECTED, VALUE_COLUMNS, group_counts, merges, suppress_small, suppression_rule
from etude.errors import ParameterError
from etude.errors import check_alpha as _check_alpha
from etude.errors import check_choice as _choice

__all__ = [
    "frequencies", "profile", "suppress_small", "suppression_rule", "display_frequencies", "display_profile",
    "barrier_table", "answered", "is_simulated", "shown", "wave_counts", "published_check", "published_check_text",
    "display_check", "display_wave_counts", "top_items_text", "item_codes", "population_of", "attribute_label", "value_label",
    "CI_METHODS", "FREQ_COLUMNS", "PROFILE_COLUMNS", "FREINS_COLUMNS", "VALUE_COLUMNS", "POPULATIONS",
    "PROTECTED", "SIMULATED_CAPTION", "MISSING_VALUE", "CHECK_COLUMNS",
]

#: Interval methods accepted by ``ci_method`` (statsmodels ``proportion_confint`` names).
CI_METHODS = ("wilson", "agresti_coull", "beta", "jeffreys", "normal")
#: Columns of :func:`frequencies` (the group column, named after ``by``, comes first when grouping).
FREQ_COLUMNS = ["item", "n_base", "count", "pct", "pct_mentions", "ci_low", "ci_high", "rank"]
#: Columns of :func:`profile` (``wave`` comes first when ``by_wave``).
PROFILE_COLUMNS = ["attribute", "value", "label", "n", "n_total", "pct"]
#: Columns of ``tables/freins.csv`` (:func:`barrier_table` without ``by``).
FREINS_COLUMNS = ["population", "wave", "item", "label", "n_base", "count", "pct", "ci_low", "ci_high", "rank"]
#: Questionnaires.
POPULATIONS = ("buyers", "companies")
#: Caption of every chart and table built on simulated data.
SIMULATED_CAPTION = "Données simulées — ne pas citer"
#: Columns of :func:`published_check`.
CHECK_COLUMNS = ["population", "wave", "indicator", "label", "published", "loaded", "match", "status", "source"]
#: Value code of a respondent who did not give an attribute (:func:`profile`).
MISSING_VALUE = "non_renseigne"

_MISSING_LABEL = {"fr": "Non renseigné", "en": "Not given"}


# ------------------------------------------------------------------------------------------------ checks

def _require(df: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ParameterError("colonnes absentes de la table : " + ", ".join(missing)
                             + " ; colonnes présentes : " + ", ".join(map(str, df.columns)))


# ------------------------------------------------------------------------------------------------ codebook

def item_codes(kind: str, question: str = "barriers", *, codebook=None) -> list[str]:
    """Item codes of a multi-select question, in questionnaire order.

    >>> item_codes("companies")[:2]
    ['e_administration', 'e_besoins']
    """
    _choice("population", kind, cb.populations(codebook))
    return list(cb.items(kind, question, codebook=codebook)["code"])


def population_of(items: Sequence[str], *, codebook=None) -> str | None:
    """The questionnaire whose barrier or segment items include every code of ``items`` (first match), else None.

    >>> population_of(["b_temps", "b_financier"])
    'buyers'
    """
    for kind in cb.populations(codebook):
        book = cb.load(codebook) if not isinstance(codebook, dict) else codebook
        codes = {c for q in book["questionnaires"][kind]["questions"] for c in item_codes(kind, q, codebook=codebook)}
        if set(items) <= codes and not any(str(c).startswith("seg_") for c in items):
            return kind
    return None


def attribute_label(kind: str | None, attribute: str, *, lang: str = "fr", codebook=None) -> str:
    """Label of a respondent attribute (``buyer_type`` → « Type d'acheteur »); the name itself if unknown.

    >>> attribute_label("companies", "size_class", lang="en")
    'Company size'
    """
    _choice("lang", lang, cb.LANGS)
    kinds = [kind] if kind else cb.populations(codebook)
    for k in kinds:
        spec = cb.attributes(k, codebook=codebook).get(attribute)
        if spec and spec.get(f"label_{lang}"):
            return spec[f"label_{lang}"]
    return str(attribute)


def value_label(kind: str | None, attribute: str, value: Any, *, lang: str = "fr", codebook=None) -> str:
    """Label of an attribute value (``("buyers", "buyer_type", "etat")`` → « Services de l'État »).

    Values outside the codebook (open attributes such as ``organisation``, or ``wave``) are shown as written;
    a missing value reads « Non renseigné ».

    >>> value_label("buyers", "buyer_type", "etat")
    "Services de l'État"
    >>> value_label("buyers", "wave", 2017)
    '2017'
    """
    _choice("lang", lang, cb.LANGS)
    if value is None or value is pd.NA or value == MISSING_VALUE or (isinstance(value, float) and math.isnan(value)):
        return _MISSING_LABEL[lang]
    for k in ([kind] if kind else cb.populations(codebook)):
        if attribute in cb.attributes(k, codebook=codebook) and attribute != "wave":
            vals = cb.attribute_values(k, attribute, codebook=codebook)
            hit = vals[vals["code"].astype(str) == str(value)]
            if not hit.empty:
                return str(hit.iloc[0][f"label_{lang}"])
            merged = [m for m in merges(k, attribute, codebook=codebook) if m["code"] == str(value)]
            if merged:  # a category published merged (etude.disclosure)
                return str(merged[0][f"label_{lang}"])
    return str(value)


# ------------------------------------------------------------------------------------------------ frequencies

def answered(df: pd.DataFrame, items: Sequence[str]) -> pd.Series:
    """Boolean Series: the respondent answered the question (at least one item column is not NA).

    >>> t = pd.DataFrame({"a": pd.array([True, None], dtype="boolean"), "b": pd.array([False, None], dtype="boolean")})
    >>> answered(t, ["a", "b"]).tolist()
    [True, False]
    """
    _require(df, items)
    return df[list(items)].notna().any(axis=1)


def _resolve_items(items: str | Sequence[str], codebook=None) -> list[str]:
    if isinstance(items, str):
        return item_codes(items, codebook=codebook)
    items = list(items)
    if not items:
        raise ParameterError("« items » est vide : attendu au moins un code d'item")
    return items


def _one_table(df: pd.DataFrame, items: list[str], alpha: float, ci_method: str) -> pd.DataFrame:
    base = answered(df, items)
    n_base = int(base.sum())
    counts = [int(df.loc[base, c].fillna(False).astype(bool).sum()) for c in items]
    mentions = sum(counts)
    rows = []
    for code, count in zip(items, counts):
        if n_base:
            low, high = proportion_confint(count, n_base, alpha=alpha, method=ci_method)
            low, high = float(np.clip(low, 0, 1)), float(np.clip(high, 0, 1))
        else:
            low = high = math.nan
        rows.append({"item": code, "n_base": n_base, "count": count,
                     "pct": count / n_base if n_base else math.nan,
                     "pct_mentions": count / mentions if mentions else math.nan,
                     "ci_low": low, "ci_high": high})
    out = pd.DataFrame(rows, columns=FREQ_COLUMNS[:-1])
    out["rank"] = out["count"].rank(method="min", ascending=False).astype(int)
    out["_order"] = range(len(out))
    return out.sort_values(["rank", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)


def frequencies(df: pd.DataFrame, items: str | Sequence[str], *, by: str | None = None, alpha: float = 0.05,
                ci_method: str = "wilson", codebook=None) -> pd.DataFrame:
    """Multi-response frequency table: how many respondents cite each item, out of those who answered.

    Parameters
    ----------
    df : DataFrame
        Respondent table (``docs/contracts.md`` §1), usually one wave of one population.
    items : sequence of str, or {"buyers", "companies"}
        Item columns of one multi-select question; a population name means its barrier items.
    by : str, optional
        Grouping column (``buyer_type``, ``size_class``, ``segment``, ``departement``, ``wave``…): one block of
        rows per group observed, in the column's category order. Respondents with no value are left out of
        the grouped table (they stay in the overall one).
    alpha : float, default 0.05
        1 − confidence level of the intervals.
    ci_method : {"wilson", "agresti_coull", "beta", "jeffreys", "normal"}, default "wilson"
        Interval method of statsmodels ``proportion_confint``.

    Returns
    -------
    DataFrame
        One row per item (per group): ``[by,] item, n_base, count, pct, pct_mentions, ci_low, ci_high, rank``.
        ``n_base`` is the number of respondents (of the group) who answered the question — the denominator of
        ``pct``; ``pct_mentions`` divides by all mentions instead (it sums to 1); ``rank`` is 1 for the most
        cited item, ties sharing the smallest rank (« min »). Rows are sorted by group, rank, then item order.
        ``pct`` and the bounds are NaN when ``n_base`` is 0. ``attrs`` records ``alpha`` and ``ci_method``.

    Examples
    --------
    >>> t = pd.DataFrame({"b_temps": pd.array([True] * 3 + [False] * 5, dtype="boolean"),
    ...                   "b_financier": pd.array([True] * 8, dtype="boolean")})
    >>> r = frequencies(t, ["b_temps", "b_financier"]).set_index("item").loc["b_temps"]
    >>> int(r["count"]), int(r["n_base"]), float(r["pct"]), round(float(r["ci_low"]), 4), round(float(r["ci_high"]), 4)
    (3, 8, 0.375, 0.1368, 0.6943)
    """
    alpha = _check_alpha(alpha)
    _choice("ci_method", ci_method, CI_METHODS)
    codes = _resolve_items(items, codebook)
    _require(df, codes)
    if by is None:
        out = _one_table(df, codes, alpha, ci_method)
    else:
        if by in codes:
            raise ParameterError(f"« by » ne peut pas être un item de la question : {by!r}")
        _require(df, [by])
        col = df[by]
        if isinstance(col.dtype, pd.CategoricalDtype):
            groups = [g for g in col.cat.categories if (col == g).any()]
        else:
            groups = sorted(col.dropna().unique(), key=lambda g: (str(type(g)), g))
        frames = []
        for g in groups:
            part = _one_table(df[col == g], codes, alpha, ci_method)
            part.insert(0, by, g)
            frames.append(part)
        out = (pd.concat(frames, ignore_index=True) if frames
               else pd.DataFrame(columns=[by, *FREQ_COLUMNS]))
        if isinstance(col.dtype, pd.CategoricalDtype):
            out[by] = out[by].astype(object)
        out.attrs["groups"] = group_counts(df, by, items=codes, by_wave=False, codebook=codebook)  # disclosure
    out.attrs.update({"alpha": alpha, "ci_method": ci_method})
    return out


# ------------------------------------------------------------------------------------------------ profile

def profile(df: pd.DataFrame, attributes: str | Sequence[str], *, by_wave: bool = False, kind: str | None = None,
            lang: str = "fr", codebook=None) -> pd.DataFrame:
    """Who answered: counts and shares of respondents by attribute value (long format).

    Parameters
    ----------
    df : DataFrame
        Respondent table of one population (``docs/contracts.md`` §1).
    attributes : str or sequence of str
        Attribute columns (``buyer_type``, ``size_class``, ``departement``…).
    by_wave : bool, default False
        One block per wave (``wave`` column first); shares are then within each wave.
    kind : {"buyers", "companies"}, optional
        Questionnaire, for labels; default: read from the ``population`` column.
    lang : {"fr", "en"}

    Returns
    -------
    DataFrame
        ``[wave,] attribute, value, label, n, n_total, pct``: one row per codebook value observed (in codebook
        order; values outside the codebook follow, as written) and a ``non_renseigne`` row when some
        respondents gave no value, so that ``n`` sums to ``n_total`` (all respondents, the denominator).

    Examples
    --------
    >>> t = pd.DataFrame({"population": "buyers", "wave": 2017,
    ...                   "buyer_type": ["etat", "etat", "collectivite", None]})
    >>> profile(t, "buyer_type")[["value", "label", "n", "n_total", "pct"]]
               value                        label  n  n_total   pct
    0           etat           Services de l'État  2        4  0.50
    1   collectivite  Collectivités territoriales  1        4  0.25
    2  non_renseigne                Non renseigné  1        4  0.25
    """
    _choice("lang", lang, cb.LANGS)
    attributes = [attributes] if isinstance(attributes, str) else list(attributes)
    _require(df, attributes + (["wave"] if by_wave else []))
    if kind is None and "population" in df.columns and df["population"].nunique() == 1:
        kind = str(df["population"].iloc[0])
    blocks = [(w, df[df["wave"] == w]) for w in sorted(df["wave"].unique())] if by_wave else [(None, df)]
    rows = []
    for wave, part in blocks:
        total = len(part)
        for attr in attributes:
            col = part[attr]
            known = []
            if kind and attr in cb.attributes(kind, codebook=codebook) and attr != "wave":
                known = [str(c) for c in cb.attribute_values(kind, attr, codebook=codebook)["code"]]
            values = col.dropna().astype(str)
            observed = list(dict.fromkeys(values))
            order = [v for v in known if v in observed] + sorted(v for v in observed if v not in known)
            counts = values.value_counts()
            missing = int(col.isna().sum())
            for v in order + ([MISSING_VALUE] if missing else []):
                n = missing if v == MISSING_VALUE else int(counts[v])
                rows.append({"wave": wave, "attribute": attr, "value": v,
                             "label": value_label(kind, attr, v, lang=lang, codebook=codebook),
                             "n": n, "n_total": total, "pct": n / total if total else math.nan})
    out = pd.DataFrame(rows, columns=["wave", *PROFILE_COLUMNS])
    out = out if by_wave else out.drop(columns="wave")
    out.attrs["groups"] = group_counts(df, attributes, kind=kind, by_wave=by_wave, codebook=codebook)  # disclosure
    return out


# ------------------------------------------------------------------------------------------------ publication

def barrier_table(tables: dict[str, pd.DataFrame], *, wave: int | None = None, by: dict[str, str] | None = None,
                  alpha: float = 0.05, ci_method: str = "wilson", min_cell: int = 5,
                  protect: Sequence[str] | None = PROTECTED, lang: str = "fr", question: str = "barriers",
                  codebook=None) -> pd.DataFrame:
    """Barrier frequencies of both questionnaires in one publishable table (``tables/freins.csv``).

    Parameters
    ----------
    tables : dict
        ``{"buyers": DataFrame, "companies": DataFrame}`` as returned by :func:`etude.data.load_study`.
    wave : int, optional
        Keep one wave; default: one block per wave present.
    by : dict, optional
        Grouping attribute per population (``{"buyers": "buyer_type", "companies": "size_class"}``); adds the
        columns ``group`` (attribute name), ``group_value``, ``group_label`` after ``wave``.
    alpha, ci_method
        As in :func:`frequencies`.
    min_cell, protect
        As in :func:`suppress_small`; a ``suppressed`` column is added when grouping.
    lang : {"fr", "en"}
        Language of ``label`` (the item's codebook label) and ``group_label``.
    question : str, default "barriers"
        The multi-select question counted (``"remedies"`` gives ``tables/leviers.csv``, same columns and rules).

    Returns
    -------
    DataFrame
        Without ``by``: exactly :data:`FREINS_COLUMNS` (fractions 0–1); suppressed rows have NA numbers.

    Examples
    --------
    >>> t = {"companies": pd.DataFrame({"population": "companies", "wave": 2017,
    ...      **{c: pd.array([c == "e_moyens", None], dtype="boolean") for c in item_codes("companies")}})}
    >>> barrier_table(t, wave=2017)[["population", "item", "n_base", "count", "pct", "rank"]].head(2)
      population              item  n_base  count  pct  rank
    0  companies          e_moyens    <NA>   <NA>  NaN  <NA>
    1  companies  e_administration    <NA>   <NA>  NaN  <NA>
    """
    _choice("lang", lang, cb.LANGS)
    frames, groups = [], {}
    for kind in [k for k in POPULATIONS if k in tables]:
        df = tables[kind]
        waves = [wave] if wave is not None else sorted(df["wave"].unique())
        for w in waves:
            part = df[df["wave"] == w]
            group = (by or {}).get(kind)
            t = frequencies(part, item_codes(kind, question, codebook=codebook), by=group, alpha=alpha,
                            ci_method=ci_method)
            if group:
                groups.update(group_counts(part, group, kind=kind, codebook=codebook))  # disclosure plan
                t = t.rename(columns={group: "group_value"})
                t.insert(0, "group_label", [value_label(kind, group, v, lang=lang, codebook=codebook)
                                            for v in t["group_value"]])
                t.insert(0, "group", group)
            t.insert(0, "wave", int(w))
            t.insert(0, "population", kind)
            t["label"] = [cb.label(c, lang=lang, codebook=codebook) for c in t["item"]]
            frames.append(t)
    lead = ["population", "wave"] + (["group", "group_value", "group_label"] if by else [])
    cols = lead + ["item", "label", "n_base", "count", "pct", "ci_low", "ci_high", "rank"]
    if not frames:
        return pd.DataFrame(columns=cols)
    table = pd.concat(frames, ignore_index=True)[cols]
    table.attrs["groups"] = groups
    out = suppress_small(table, min_cell=min_cell, protect=protect, codebook=codebook)
    if not by:
        out = out[FREINS_COLUMNS]
    out.attrs.update({"alpha": _check_alpha(alpha), "ci_method": ci_method, "min_cell": min_cell})
    return out


# ------------------------------------------------------------------------------------------------ display

def _level(alpha: float) -> str:
    return fmt.number((1 - alpha) * 100, 0 if round((1 - alpha) * 100, 6).is_integer() else 1)


def display_frequencies(table: pd.DataFrame, *, lang: str = "fr", min_cell: int | None = None,
                        alpha: float | None = None, short: bool = False, codebook=None) -> pd.DataFrame:
    """A frequency table for readers: codebook labels, French numbers, suppressed cells shown « < 5 » / « n.d. ».

    Parameters
    ----------
    table : DataFrame
        From :func:`frequencies`, :func:`suppress_small` or :func:`barrier_table`.
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
    (and the group first when the table is grouped).

    Examples
    --------
    >>> t = pd.DataFrame({"b_temps": pd.array([True] * 3 + [False] * 5, dtype="boolean")})
    >>> display_frequencies(frequencies(t, ["b_temps"])).iloc[0].tolist()
    ['1', 'Pas de temps à y consacrer', '3', '8', '37,5\u202f%', '[13,7\u202f%\u202f; 69,4\u202f%]', '100,0\u202f%']
    """
    _choice("lang", lang, cb.LANGS)
    min_cell = min_cell if min_cell is not None else table.attrs.get("min_cell", 5)
    alpha = alpha if alpha is not None else table.attrs.get("alpha", 0.05)
    level = _level(alpha)
    heads = {"fr": ["Rang", "Item", "Citations", "Base (répondants)", "Part des répondants",
                    f"IC à {level}{fmt.NNBSP}%", "Part des mentions"],
             "en": ["Rank", "Item", "Mentions", "Base (respondents)", "Share of respondents",
                    f"{level}{fmt.NNBSP}% CI", "Share of mentions"]}[lang]
    sup = table["suppressed"] if "suppressed" in table.columns else pd.Series(False, index=table.index)
    small = f"<{fmt.NNBSP}{min_cell}"
    primary = table.attrs.get("primary")  # secondary suppression (etude.disclosure): « n.d. », not « < 5 »
    rows = []
    for (i, r), s in zip(table.iterrows(), sup):
        label = cb.label(r["item"], lang=lang, short=short, codebook=codebook)
        if s:
            rows.append([fmt.MISSING, label, small if primary is None or i in primary else fmt.MISSING,
                         fmt.number(r["n_base"]), fmt.MISSING, fmt.MISSING, fmt.MISSING])
            continue
        rows.append([fmt.number(r["rank"]), label, fmt.number(r["count"]), fmt.number(r["n_base"]),
                     fmt.pct(r["pct"]), fmt.interval(r["ci_low"], r["ci_high"]),
                     fmt.pct(r["pct_mentions"]) if "pct_mentions" in table.columns else fmt.MISSING])
    out = pd.DataFrame(rows, columns=heads)
    if "pct_mentions" not in table.columns:
        out = out.drop(columns=heads[-1])
    group_col = "group_label" if "group_label" in table.columns else _group_column(table)
    if group_col is not None:
        kind = population_of(list(table["item"].unique()), codebook=codebook)
        name = ("Groupe" if lang == "fr" else "Group") if group_col == "group_label" else attribute_label(
            kind, group_col, lang=lang, codebook=codebook)
        values = (table[group_col] if group_col == "group_label" else
                  [value_label(kind, group_col, v, lang=lang, codebook=codebook) for v in table[group_col]])
        out.insert(0, name, list(values))
    return out


def _group_column(table: pd.DataFrame) -> str | None:
    known = set(FREQ_COLUMNS) | set(FREINS_COLUMNS) | {"suppressed", "group", "group_value", "group_label"}
    extra = [c for c in table.columns if c not in known]
    return extra[0] if extra else None


def display_profile(table: pd.DataFrame, *, lang: str = "fr", min_cell: int | None = None,
                    kind: str | None = None, codebook=None) -> pd.DataFrame:
    """A :func:`profile` table for readers: attribute label, value label, count and share in French.

    >>> t = profile(pd.DataFrame({"population": "buyers", "buyer_type": ["etat", "etat", "collectivite"]}),
    ...             "buyer_type")
    >>> display_profile(t).iloc[0].tolist()
    ["Type d'acheteur", "Services de l'État", '2', '3', '66,7\u202f%']
    """
    _choice("lang", lang, cb.LANGS)
    min_cell = min_cell if min_cell is not None else table.attrs.get("min_cell", 5)
    heads = {"fr": ["Caractéristique", "Valeur", "Effectif", "Total", "Part"],
             "en": ["Attribute", "Value", "Count", "Total", "Share"]}[lang]
    sup = table["suppressed"] if "suppressed" in table.columns else pd.Series(False, index=table.index)
    primary = table.attrs.get("primary")  # secondary suppression (etude.disclosure): « n.d. », not « < 5 »
    rows = []
    for (i, r), s in zip(table.iterrows(), sup):
        small = f"<{fmt.NNBSP}{min_cell}" if primary is None or i in primary else fmt.MISSING
        rows.append([attribute_label(kind, r["attribute"], lang=lang, codebook=codebook), r["label"],
                     small if s else fmt.number(r["n"]), fmt.number(r["n_total"]),
                     fmt.MISSING if s else fmt.pct(r["pct"])])
    out = pd.DataFrame(rows, columns=heads)
    if "wave" in table.columns:
        out.insert(0, "Vague" if lang == "fr" else "Wave", table["wave"].astype(str).tolist())
    return out


# ------------------------------------------------------------------------------------------------ notebook helpers

def is_simulated(tables: dict[str, pd.DataFrame] | pd.DataFrame) -> bool:
    """True when any respondent row is simulated (the ``simulated`` column of ``docs/contracts.md`` §1).

    >>> is_simulated({"buyers": pd.DataFrame({"simulated": [False, True]})})
    True
    """
    frames = tables.values() if isinstance(tables, dict) else [tables]
    return any(bool(df["simulated"].any()) for df in frames if "simulated" in df.columns)


def shown(table: pd.DataFrame, *, simulated: bool, title: str | None = None, lang: str = "fr"):
    """A table styled for a notebook or the report: no index, a caption naming simulated data (in ``lang``).

    >>> html = shown(pd.DataFrame({"a": [1]}), simulated=True, title="Freins").to_html()
    >>> "Freins — Données simulées — ne pas citer" in html
    True
    >>> "Simulated data — do not cite" in shown(pd.DataFrame({"a": [1]}), simulated=True, lang="en").to_html()
    True
    """
    status = SIMULATED_CAPTION if _choice("lang", lang, cb.LANGS) == "fr" else "Simulated data — do not cite"
    caption = " — ".join(p for p in (title, status if simulated else None) if p)
    style = table.style.hide(axis="index")
    return style.set_caption(caption) if caption else style


def wave_counts(tables: dict[str, pd.DataFrame], *, lang: str = "fr", codebook=None) -> pd.DataFrame:
    """Respondents per questionnaire and wave, and how many answered the barrier question.

    Returns ``population, label, wave, n, n_barriers, pct_barriers`` (``n_barriers`` is the barrier
    question's ``n_base``).

    >>> t = {"companies": pd.DataFrame({"wave": [2017, 2017, 2018], **{c: pd.array([True, None, False],
    ...      dtype="boolean") for c in item_codes("companies")}})}
    >>> wave_counts(t)[["population", "wave", "n", "n_barriers"]].values.tolist()
    [['companies', 2017, 2, 1], ['companies', 2018, 1, 1]]
    """
    _choice("lang", lang, cb.LANGS)
    rows = []
    for kind in [k for k in POPULATIONS if k in tables]:
        df = tables[kind]
        base = answered(df, item_codes(kind, codebook=codebook))
        for w in sorted(df["wave"].unique()):
            in_wave = df["wave"] == w
            n, nb = int(in_wave.sum()), int((base & in_wave).sum())
            rows.append({"population": kind, "label": cb.label(kind, lang=lang, codebook=codebook), "wave": int(w),
                         "n": n, "n_barriers": nb, "pct_barriers": nb / n if n else math.nan})
    return pd.DataFrame(rows, columns=["population", "label", "wave", "n", "n_barriers", "pct_barriers"])


def published_check(tables: dict[str, pd.DataFrame], published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Loaded respondent counts next to the published ones (27 buyers, of which 17 État and 4 collectivités; 90
    companies in 2017).

    Parameters
    ----------
    tables : dict
        ``{"buyers": DataFrame, "companies": DataFrame}`` (:func:`etude.data.load_study`).
    published : DataFrame, optional
        :func:`etude.reference.published_counts` (default: read from ``data/reference/gt_orcp_2017.csv``).

    Returns
    -------
    DataFrame with :data:`CHECK_COLUMNS`: ``loaded`` counts the respondents of that population, wave and (when
    the published figure is about a sub-group) attribute value; ``match`` is true when both are equal.

    Examples
    --------
    >>> pub = pd.DataFrame({"population": ["buyers"], "wave": [2017], "attribute": [None], "code": [None],
    ...                     "n": [2], "label_fr": ["Réponses"], "status": ["published"], "source": ["GT"]})
    >>> published_check({"buyers": pd.DataFrame({"wave": [2017, 2017, 2018]})}, pub)[["published", "loaded", "match"]]
       published  loaded  match
    0          2       2   True
    """
    if published is None:
        from etude import reference
        published = reference.published_counts()
    rows = []
    for r in published.itertuples(index=False):
        df = tables.get(r.population)
        loaded = None
        if df is not None:
            sel = df["wave"] == r.wave
            if not pd.isna(r.attribute):
                sel &= df[r.attribute].astype(object).eq(r.code).fillna(False).astype(bool)
            loaded = int(sel.sum())
        rows.append({"population": r.population, "wave": int(r.wave), "indicator": getattr(r, "indicator", None),
                     "label": r.label_fr, "published": int(r.n), "loaded": loaded,
                     "match": loaded is not None and loaded == int(r.n), "status": r.status, "source": r.source})
    out = pd.DataFrame(rows, columns=CHECK_COLUMNS)
    out["loaded"] = out["loaded"].astype("Int64")
    return out


def published_check_text(check: pd.DataFrame, *, simulated: bool = False, lang: str = "fr") -> str:
    """One sentence saying whether the loaded data match the published counts.

    >>> c = pd.DataFrame({"label": ["Réponses d'acheteurs"], "published": [27], "loaded": [27], "match": [True],
    ...                   "source": ["GT"]})
    >>> published_check_text(c, simulated=True)
    'Les effectifs chargés correspondent aux effectifs publiés (1 sur 1 ; source : GT). Les données sont simulées : elles ont été calibrées sur ces effectifs, ce qui ne dit rien des réponses réelles.'
    """
    _choice("lang", lang, cb.LANGS)
    sources = "; ".join(dict.fromkeys(str(s) for s in check["source"]))
    bad = check[~check["match"].astype(bool)]
    if lang == "fr":
        if bad.empty:
            text = (f"Les effectifs chargés correspondent aux effectifs publiés ({len(check)} sur {len(check)} ; "
                    f"source : {sources}).")
        else:
            gaps = " ; ".join(f"{r.label} : {fmt.number(r.loaded)} chargés pour {fmt.number(r.published)} publiés"
                              for r in bad.itertuples())
            text = (f"{len(bad)} effectif(s) sur {len(check)} diffèrent des chiffres publiés (source : {sources}) "
                    f"— {gaps}.")
        if simulated:
            text += (" Les données sont simulées : elles ont été calibrées sur ces effectifs, ce qui ne dit rien "
                     "des réponses réelles.")
        return text
    if bad.empty:
        text = f"The loaded counts match the published counts ({len(check)} of {len(check)}; source: {sources})."
    else:
        gaps = "; ".join(f"{r.label}: {r.loaded} loaded, {r.published} published" for r in bad.itertuples())
        text = f"{len(bad)} of {len(check)} counts differ from the published figures (source: {sources}) — {gaps}."
    if simulated:
        text += " The data are simulated: calibrated on these counts, they say nothing about the real answers."
    return text


def display_check(check: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """:func:`published_check` for readers: label, published and loaded counts, « oui »/« non », status.

    >>> c = pd.DataFrame({"label": ["Réponses"], "wave": [2017], "published": [27],
    ...                   "loaded": pd.array([26], dtype="Int64"), "match": [False], "status": ["published"]})
    >>> display_check(c).iloc[0].tolist()
    ['Réponses', '2017', '27', '26', 'non', 'publié']
    """
    _choice("lang", lang, cb.LANGS)
    fr = lang == "fr"
    status = {"published": "publié" if fr else "published", "computed": "calculé" if fr else "computed"}
    return pd.DataFrame({
        "Effectif" if fr else "Count": check["label"].tolist(),
        "Vague" if fr else "Wave": check["wave"].astype(str).tolist(),
        "Publié" if fr else "Published": [fmt.number(x) for x in check["published"]],
        "Chargé" if fr else "Loaded": [fmt.number(None if pd.isna(x) else x) for x in check["loaded"]],
        "Concordance" if fr else "Match": [("oui" if fr else "yes") if m else ("non" if fr else "no")
                                           for m in check["match"]],
        "Statut du chiffre" if fr else "Figure status": [status.get(x, x) for x in check["status"]],
    })


def display_wave_counts(counts: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """:func:`wave_counts` for readers (French numbers).

    >>> c = pd.DataFrame({"label": ["Acheteurs publics"], "wave": [2017], "n": [27], "n_barriers": [25],
    ...                   "pct_barriers": [25 / 27]})
    >>> display_wave_counts(c).iloc[0].tolist()
    ['Acheteurs publics', '2017', '27', '25', '92,6\u202f%']
    """
    _choice("lang", lang, cb.LANGS)
    heads = {"fr": ["Questionnaire", "Vague", "Répondants", "Ont répondu sur les freins", "Part"],
             "en": ["Questionnaire", "Wave", "Respondents", "Answered the barrier question", "Share"]}[lang]
    return pd.DataFrame({heads[0]: counts["label"].tolist(), heads[1]: counts["wave"].astype(str).tolist(),
                         heads[2]: [fmt.number(x) for x in counts["n"]],
                         heads[3]: [fmt.number(x) for x in counts["n_barriers"]],
                         heads[4]: [fmt.pct(x) for x in counts["pct_barriers"]]})


def top_items_text(table: pd.DataFrame, *, top: int = 3, lang: str = "fr", codebook=None) -> str:
    """The most cited items of a :func:`frequencies` table in one sentence, with base and intervals.

    Items tied with the last one kept are named too. An empty or fully suppressed table gives a sentence
    saying so.

    >>> t = pd.DataFrame({"b_temps": pd.array([True] * 3 + [False] * 5, dtype="boolean")})
    >>> top_items_text(frequencies(t, ["b_temps"]), top=1)
    'Sur 8 répondants, les freins les plus cités sont : Pas de temps à y consacrer (37,5\u202f% ; IC [13,7\u202f%\u202f; 69,4\u202f%]).'
    """
    _choice("lang", lang, cb.LANGS)
    ok = table
    if "suppressed" in table.columns:
        ok = table[~table["suppressed"].astype(bool)]
    ok = ok[ok["pct"].notna()]
    if ok.empty:
        return ("Aucun résultat publiable pour ce tableau." if lang == "fr"
                else "No publishable result for this table.")
    ranks = pd.to_numeric(ok["rank"])
    cut = sorted(ranks)[min(top, len(ranks)) - 1]
    kept = ok[ranks <= cut].sort_values("rank", kind="stable")
    parts = [f"{cb.label(r.item, lang=lang, codebook=codebook)} ({fmt.pct(r.pct)} ; IC "
             f"{fmt.interval(r.ci_low, r.ci_high)})" for r in kept.itertuples()]
    n = ok["n_base"].iloc[0]
    if lang == "fr":
        return f"Sur {fmt.number(n)} répondants, les freins les plus cités sont : " + ", ".join(parts) + "."
    return f"Of {n} respondents, the most cited barriers are: " + ", ".join(parts).replace(" ; IC", "; CI") + "."
