"""Describing respondents: multi-response frequencies with intervals, profiles, and small-cell protection.

Respondent tables follow ``docs/contracts.md`` §1. A multi-select question's denominator (``n_base``) counts the
respondents who answered it, i.e. whose item columns are not all NA; a respondent who skipped it is out of the
base, not counted as « no ». Proportions come with a confidence interval from statsmodels
(``proportion_confint``, Wilson by default). Tables keep raw numbers (fractions 0–1); the ``format_*`` helpers
of :mod:`etude.publish.present` format them for a reader, in French or English.

Small-cell protection lives in :mod:`etude.safety.disclosure` (``suppress_small`` and ``PROTECTED`` are
re-exported here for the notebooks): merged categories, primary and secondary suppression.

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
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from etude.analysis.weights import weighted_columns
from etude.errors import ParameterError
from etude.errors import check_alpha as _check_alpha
from etude.errors import check_choice as _choice
from etude.safety.disclosure import PROTECTED, VALUE_COLUMNS, group_counts, suppress_small
from etude.survey import codebook as cb

__all__ = [
    "frequencies", "profile", "suppress_small", "barrier_table", "answered", "wave_counts",
    "published_check", "item_codes", "population_of", "require_columns", "rank_groups", "given_attributes",
    "CI_METHODS", "FREQ_COLUMNS", "PROFILE_COLUMNS", "FREINS_COLUMNS", "VALUE_COLUMNS", "POPULATIONS",
    "PROTECTED", "MISSING_VALUE", "CHECK_COLUMNS",
]

#: Interval methods accepted by ``ci_method`` (statsmodels ``proportion_confint`` names).
CI_METHODS = ("wilson", "agresti_coull", "beta", "jeffreys", "normal")
#: Columns of :func:`frequencies` (the group column, named after ``by``, comes first when grouping).
FREQ_COLUMNS = ["item", "n_base", "count", "pct", "pct_all", "pct_mentions", "ci_low", "ci_high", "rank",
                "rank_group"]
#: Columns of :func:`profile` (``wave`` comes first when ``by_wave``; the written profiles add ``label`` after
#: ``value``: :func:`etude.publish.labels.labelled`).
PROFILE_COLUMNS = ["attribute", "value", "n", "n_total", "pct"]
#: Columns of ``tables/freins.csv``: :func:`barrier_table` without ``by`` gives them all but ``label``, the item's
#: codebook label, which :func:`etude.publish.labels.labelled` adds.
FREINS_COLUMNS = ["population", "wave", "item", "label", "n_base", "count", "pct", "pct_all", "ci_low", "ci_high",
                  "rank", "rank_group"]
#: Questionnaires.
POPULATIONS = ("buyers", "companies")
#: Columns of :func:`published_check`.
CHECK_COLUMNS = ["population", "wave", "indicator", "label", "published", "loaded", "match", "status", "source"]
#: Value code of a respondent who did not give an attribute (:func:`profile`).
MISSING_VALUE = "non_renseigne"



# ------------------------------------------------------------------------------------------------ checks

def require_columns(df: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise :class:`etude.errors.ParameterError` naming the columns of ``columns`` missing from ``df``.

    >>> require_columns(pd.DataFrame({"a": [1]}), ["a"])
    """
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


# ------------------------------------------------------------------------------------------------ frequencies

def answered(df: pd.DataFrame, items: Sequence[str]) -> pd.Series:
    """Boolean Series: the respondent answered the question (at least one item column is not NA).

    >>> t = pd.DataFrame({"a": pd.array([True, None], dtype="boolean"), "b": pd.array([False, None], dtype="boolean")})
    >>> answered(t, ["a", "b"]).tolist()
    [True, False]
    """
    require_columns(df, items)
    return df[list(items)].notna().any(axis=1)


def _resolve_items(items: str | Sequence[str], codebook=None) -> list[str]:
    if isinstance(items, str):
        return item_codes(items, codebook=codebook)
    items = list(items)
    if not items:
        raise ParameterError("« items » est vide : attendu au moins un code d'item")
    return items


def rank_groups(cited: pd.DataFrame, order: Sequence[str], *, alpha: float = 0.05) -> list[int]:
    """Rank groups of items cited by the same respondents: adjacent items an exact paired test does not separate
    share a group.

    Items are taken in ``order`` (most cited first). Each adjacent pair is tested with the exact McNemar test
    (binomial test on the respondents who cite one item and not the other; statsmodels ``mcnemar``), the p-values
    of the adjacent pairs are Holm-adjusted together, and a new group starts after each pair whose adjusted
    p-value is below ``alpha``. Items of one group are not told apart by the data: they share a place.

    Parameters
    ----------
    cited : DataFrame
        One boolean column per item, one row per respondent who answered the question.
    order : sequence of str
        The item columns, most cited first.

    Examples
    --------
    >>> t = pd.DataFrame({"a": [True] * 20, "b": [True] * 2 + [False] * 18, "c": [True] + [False] * 19})
    >>> rank_groups(t, ["a", "b", "c"])
    [1, 2, 2]
    """
    from statsmodels.stats.contingency_tables import mcnemar

    from etude.analysis.multitest import multipletests
    order = list(order)
    if len(order) < 2:
        return [1] * len(order)
    x = cited[order].fillna(False).astype(bool).to_numpy()
    pvalues = []
    for i in range(len(order) - 1):
        only_first, only_second = int((x[:, i] & ~x[:, i + 1]).sum()), int((~x[:, i] & x[:, i + 1]).sum())
        pvalues.append(1.0 if only_first + only_second == 0 else
                       float(mcnemar([[0, only_first], [only_second, 0]], exact=True).pvalue))
    separated = multipletests(pvalues, alpha=alpha, method="holm")[0]
    groups = [1]
    for sep in separated:
        groups.append(groups[-1] + int(bool(sep)))
    return groups


def _one_table(df: pd.DataFrame, items: list[str], alpha: float, ci_method: str) -> pd.DataFrame:
    base = answered(df, items)
    n_base, n_all = int(base.sum()), len(df)
    # an item no respondent of the base has a value for was not asked (« non posé »): no count, share or rank
    asked = [not n_base or bool(df.loc[base, c].notna().any()) for c in items]
    counts = [int(df.loc[base, c].fillna(False).astype(bool).sum()) if a else None for c, a in zip(items, asked)]
    mentions = sum(c for c in counts if c is not None)
    rows = []
    for code, count in zip(items, counts):
        if n_base and count is not None:
            low, high = proportion_confint(count, n_base, alpha=alpha, method=ci_method)
            low, high = float(np.clip(low, 0, 1)), float(np.clip(high, 0, 1))
        else:
            low = high = math.nan
        known = count is not None
        rows.append({"item": code, "n_base": n_base, "count": count if known else pd.NA,
                     "pct": count / n_base if n_base and known else math.nan,
                     "pct_all": count / n_all if n_all and known else math.nan,
                     "pct_mentions": count / mentions if mentions and known else math.nan,
                     "ci_low": low, "ci_high": high})
    out = pd.DataFrame(rows, columns=FREQ_COLUMNS[:-2])
    out["count"] = out["count"].astype("Int64")
    out["rank"] = out["count"].rank(method="min", ascending=False).astype("Int64")
    out["_order"] = range(len(out))
    out = out.sort_values(["rank", "_order"], kind="stable", na_position="last").drop(columns="_order")
    out = out.reset_index(drop=True)
    ranked = [c for c, a in zip(out["item"], out["count"].notna()) if a]
    groups = dict(zip(ranked, rank_groups(df.loc[base, ranked], ranked, alpha=alpha)))
    out["rank_group"] = pd.array([groups.get(c, pd.NA) for c in out["item"]], dtype="Int64")
    return out


def frequencies(df: pd.DataFrame, items: str | Sequence[str], *, by: str | None = None, alpha: float = 0.05,
                ci_method: str = "wilson", codebook=None, weights: str | pd.Series | None = None) -> pd.DataFrame:
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
    weights : str or Series, optional
        Respondent weights (a column of ``df``, or a Series on its index:
        :func:`etude.analysis.weights.compute_weights`); adds ``pct_w, ci_low_w, ci_high_w, n_eff``
        (:func:`etude.analysis.weights.weighted_columns`). None (the default): the table is the unweighted one.

    Returns
    -------
    DataFrame
        One row per item (per group): ``[by,] item, n_base, count, pct, pct_all, pct_mentions, ci_low, ci_high,
        rank, rank_group``. ``n_base`` is the number of respondents (of the group) who answered the question — the
        denominator of ``pct``; ``pct_all`` divides by all respondents (of the group), those who skipped the
        question included; ``pct_mentions`` divides by all mentions instead (it sums to 1); ``rank`` is 1 for the
        most cited item, ties sharing the smallest rank (« min »); ``rank_group`` groups adjacent items that an
        exact paired test does not separate (:func:`rank_groups`, Holm over the adjacent pairs, at ``alpha``).
        Rows are sorted by group, rank, then item order. ``pct`` and the bounds are NaN when ``n_base`` is 0.
        An item not asked (« non posé »: NA for every respondent who answered the question, ``docs/contracts.md``
        §1) has no ``count``, share, interval, ``rank`` or ``rank_group`` (NA) and comes last; it is left out of
        the ranking test and of the mentions.
        ``attrs`` records ``alpha``, ``ci_method`` and the ranking test.

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
    require_columns(df, codes)
    if by is None:
        out = _one_table(df, codes, alpha, ci_method)
    else:
        if by in codes:
            raise ParameterError(f"« by » ne peut pas être un item de la question : {by!r}")
        require_columns(df, [by])
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
    out.attrs.update({"alpha": alpha, "ci_method": ci_method, "rank_test": "mcnemar_exact", "rank_padjust": "holm"})
    if weights is not None:
        out = weighted_columns(out, df, codes, weights, by=by, alpha=alpha, ci_method=ci_method)
    return out


# ------------------------------------------------------------------------------------------------ profile

def given_attributes(df: pd.DataFrame, attributes: str | Sequence[str]) -> list[str]:
    """The attributes of ``attributes`` that at least one respondent of ``df`` gave (an export without the
    column leaves it NA for everyone: nothing to profile or group by).

    >>> given_attributes(pd.DataFrame({"segment": [None, None], "buyer_type": ["etat", None]}),
    ...                  ["buyer_type", "segment", "departement"])
    ['buyer_type']
    """
    attributes = [attributes] if isinstance(attributes, str) else list(attributes)
    return [a for a in attributes if a in df.columns and bool(df[a].notna().any())]


def _value_order(col: pd.Series, kind: str | None, attr: str, codebook) -> list[str]:
    """Values of one attribute column as a profile lists them: codebook order, then the others as written."""
    known = []
    if kind and attr in cb.attributes(kind, codebook=codebook) and attr != "wave":
        known = [str(c) for c in cb.attribute_values(kind, attr, codebook=codebook)["code"]]
    observed = list(dict.fromkeys(col.dropna().astype(str)))
    return [v for v in known if v in observed] + sorted(v for v in observed if v not in known)


def profile(df: pd.DataFrame, attributes: str | Sequence[str], *, by_wave: bool = False, kind: str | None = None,
            codebook=None) -> pd.DataFrame:
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
        Questionnaire, for the order of the values; default: read from the ``population`` column. Kept in
        ``attrs["population"]``, for the labels the publishing side adds (:func:`etude.publish.labels.labelled`).

    Returns
    -------
    DataFrame
        ``[wave,] attribute, value, n, n_total, pct`` (codes): one row per codebook value observed (in codebook
        order; values outside the codebook follow, as written) and a ``non_renseigne`` row when some
        respondents gave no value, so that ``n`` sums to ``n_total`` (all respondents, the denominator).

    Examples
    --------
    >>> t = pd.DataFrame({"population": "buyers", "wave": 2017,
    ...                   "buyer_type": ["etat", "etat", "collectivite", None]})
    >>> profile(t, "buyer_type")[["value", "n", "n_total", "pct"]]
               value  n  n_total   pct
    0           etat  2        4  0.50
    1   collectivite  1        4  0.25
    2  non_renseigne  1        4  0.25
    """
    attributes = [attributes] if isinstance(attributes, str) else list(attributes)
    require_columns(df, attributes + (["wave"] if by_wave else []))
    if kind is None and "population" in df.columns and df["population"].nunique() == 1:
        kind = str(df["population"].iloc[0])
    blocks = [(w, df[df["wave"] == w]) for w in sorted(df["wave"].unique())] if by_wave else [(None, df)]
    rows = []
    for wave, part in blocks:
        total = len(part)
        for attr in attributes:
            counts = part[attr].dropna().astype(str).value_counts()
            missing = int(part[attr].isna().sum())
            for v in _value_order(part[attr], kind, attr, codebook) + ([MISSING_VALUE] if missing else []):
                n = missing if v == MISSING_VALUE else int(counts[v])
                rows.append({"wave": wave, "attribute": attr, "value": v, "n": n, "n_total": total,
                             "pct": n / total if total else math.nan})
    out = pd.DataFrame(rows, columns=["wave", *PROFILE_COLUMNS])
    out = out if by_wave else out.drop(columns="wave")
    out.attrs["groups"] = group_counts(df, attributes, kind=kind, by_wave=by_wave, codebook=codebook)  # disclosure
    out.attrs["population"] = kind
    return out


# ------------------------------------------------------------------------------------------------ publication

def _waves_of(df: pd.DataFrame, kind: str, wave: int | Mapping[str, int] | None) -> list:
    """The waves of one population a barrier table keeps (see :func:`barrier_table`)."""
    if isinstance(wave, Mapping):
        return [wave[kind]] if wave.get(kind) is not None else []
    return [wave] if wave is not None else sorted(df["wave"].unique())


def barrier_table(tables: dict[str, pd.DataFrame], *, wave: int | Mapping[str, int] | None = None,
                  by: dict[str, str] | None = None, alpha: float = 0.05, ci_method: str = "wilson", min_cell: int = 5,
                  protect: Sequence[str] | None = PROTECTED, question: str = "barriers",
                  codebook=None) -> pd.DataFrame:
    """Barrier frequencies of both questionnaires in one publishable table (``tables/freins.csv``), in codes.

    Parameters
    ----------
    tables : dict
        ``{"buyers": DataFrame, "companies": DataFrame}`` as returned by :func:`etude.survey.load_study`.
    wave : int or dict, optional
        Keep one wave, or one wave per population (``{"buyers": 2019, "companies": 2018}``, e.g.
        :func:`etude.survey.wavesel.shown_waves`: a population left out of the dict is left out of the table); default:
        one block per wave present. A population without respondents in its wave has no row.
    by : dict, optional
        Grouping attribute per population (``{"buyers": "buyer_type", "companies": "size_class"}``); adds the
        columns ``group`` (attribute name) and ``group_value`` after ``wave``; a population left out of the dict
        (e.g. no export gives its attribute: :func:`given_attributes`) has no row.
    alpha, ci_method
        As in :func:`frequencies`.
    min_cell, protect
        As in :func:`suppress_small`; a ``suppressed`` column is added when grouping.
    question : str, default "barriers"
        The multi-select question counted (``"remedies"`` gives ``tables/leviers.csv``, same columns and rules).

    Returns
    -------
    DataFrame
        Without ``by``: :data:`FREINS_COLUMNS` but ``label`` (fractions 0–1); suppressed rows have NA numbers.
        The written tables add the labels (``label`` after ``item``, ``group_label`` after ``group_value``) with
        :func:`etude.publish.labels.labelled`.

    Examples
    --------
    >>> t = {"companies": pd.DataFrame({"population": "companies", "wave": 2017,
    ...      **{c: pd.array([c == "e_moyens", None], dtype="boolean") for c in item_codes("companies")}})}
    >>> barrier_table(t, wave=2017)[["population", "item", "n_base", "count", "pct", "rank"]].head(2)
      population              item  n_base  count  pct  rank
    0  companies          e_moyens    <NA>   <NA>  NaN  <NA>
    1  companies  e_administration    <NA>   <NA>  NaN  <NA>
    """
    frames, groups = [], {}
    for kind in [k for k in POPULATIONS if k in tables and (by is None or k in by)]:
        df = tables[kind]
        for w in _waves_of(df, kind, wave):
            part = df[df["wave"] == w]
            if part.empty:
                continue
            group = (by or {}).get(kind)
            t = frequencies(part, item_codes(kind, question, codebook=codebook), by=group, alpha=alpha,
                            ci_method=ci_method)
            if group:
                groups.update(group_counts(part, group, kind=kind, codebook=codebook))  # disclosure plan
                t = t.rename(columns={group: "group_value"})
                t.insert(0, "group", group)
            t.insert(0, "wave", int(w))
            t.insert(0, "population", kind)
            frames.append(t)
    lead = ["population", "wave"] + (["group", "group_value"] if by is not None else [])
    cols = lead + [c for c in FREINS_COLUMNS if c not in ("population", "wave", "label")]
    if not frames:
        return pd.DataFrame(columns=cols + (["suppressed"] if by is not None else []))
    table = pd.concat(frames, ignore_index=True)[cols]
    table.attrs["groups"] = groups
    out = suppress_small(table, min_cell=min_cell, protect=protect, codebook=codebook)
    if by is None:
        out = out[cols]
    out.attrs.update({"alpha": _check_alpha(alpha), "ci_method": ci_method, "min_cell": min_cell})
    return out


# ------------------------------------------------------------------------------------------------ notebook helpers

def wave_counts(tables: dict[str, pd.DataFrame], *, codebook=None) -> pd.DataFrame:
    """Respondents per questionnaire and wave, and how many answered the barrier question.

    Returns ``population, wave, n, n_barriers, pct_barriers`` (``n_barriers`` is the barrier question's
    ``n_base``); ``tables/repondants_par_vague.csv`` adds the questionnaire's ``label`` after ``population``
    (:func:`etude.publish.labels.labelled`).

    >>> t = {"companies": pd.DataFrame({"wave": [2017, 2017, 2018], **{c: pd.array([True, None, False],
    ...      dtype="boolean") for c in item_codes("companies")}})}
    >>> wave_counts(t)[["population", "wave", "n", "n_barriers"]].values.tolist()
    [['companies', 2017, 2, 1], ['companies', 2018, 1, 1]]
    """
    rows = []
    for kind in [k for k in POPULATIONS if k in tables]:
        df = tables[kind]
        base = answered(df, item_codes(kind, codebook=codebook))
        for w in sorted(df["wave"].unique()):
            in_wave = df["wave"] == w
            n, nb = int(in_wave.sum()), int((base & in_wave).sum())
            rows.append({"population": kind, "wave": int(w), "n": n, "n_barriers": nb,
                         "pct_barriers": nb / n if n else math.nan})
    return pd.DataFrame(rows, columns=["population", "wave", "n", "n_barriers", "pct_barriers"])


def published_check(tables: dict[str, pd.DataFrame], published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Loaded respondent counts next to the published ones (27 buyers, of which 17 État and 4 collectivités; 90
    companies in 2017).

    Parameters
    ----------
    tables : dict
        ``{"buyers": DataFrame, "companies": DataFrame}`` (:func:`etude.survey.load_study`).
    published : DataFrame, optional
        :func:`etude.survey.reference.published_counts` (default: read from ``data/reference/gt_orcp_2017.csv``).

    Returns
    -------
    DataFrame with :data:`CHECK_COLUMNS`: ``loaded`` counts the respondents of that population, wave and (when
    the published figure is about a sub-group) attribute value; ``match`` is true when both are equal.
    ``loaded`` is NA (and ``match`` false) when the study has no respondent of that population in that wave:
    the figure cannot be checked (:func:`etude.publish.present.check_text` says so).

    Examples
    --------
    >>> pub = pd.DataFrame({"population": ["buyers"], "wave": [2017], "attribute": [None], "code": [None],
    ...                     "n": [2], "label_fr": ["Réponses"], "status": ["published"], "source": ["GT"]})
    >>> published_check({"buyers": pd.DataFrame({"wave": [2017, 2017, 2018]})}, pub)[["published", "loaded", "match"]]
       published  loaded  match
    0          2       2   True
    """
    if published is None:
        from etude.survey import reference
        published = reference.published_counts()
    rows = []
    for r in published.itertuples(index=False):
        df = tables.get(r.population)
        loaded = None  # the study has no respondent of that population in that wave: nothing to check
        if df is not None and bool((df["wave"] == r.wave).any()):
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


