"""Describing respondents: multi-response frequencies with intervals, profiles, and small-cell protection.

Respondent tables follow ``docs/contracts.md`` §1. A multi-select question's denominator (``n_base``) counts the
respondents who answered it, i.e. whose item columns are not all NA; a respondent who skipped it is out of the
base, not counted as « no ». Proportions come with a confidence interval from statsmodels
(``proportion_confint``, Wilson by default). Tables keep raw numbers (fractions 0–1); the ``format_*`` helpers
of :mod:`etude.publish.present` format them for a reader, in French or English.

Small-cell protection lives in :mod:`etude.safety.disclosure` (``suppress_small``, ``PROTECTED`` and
``protected_populations`` are re-exported here for the notebooks): merged categories, primary and secondary
suppression.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"a": pd.array([True, True, False, None], dtype="boolean"),
...                   "b": pd.array([True, False, False, None], dtype="boolean")})
>>> from etude.survey.context import Context
>>> r = frequencies(t, ["a", "b"], ctx=Context(min_cell=3))
>>> r[["item", "n_base", "count", "pct", "pct_mentions", "rank", "letters"]]
  item  n_base  count       pct  pct_mentions  rank letters
0    a       3      2  0.666667      0.666667     1       a
1    b       3      1  0.333333      0.333333     2       a
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from etude.analysis import rankings
from etude.analysis.weights import weighted_columns
from etude.errors import ParameterError
from etude.errors import check_alpha as _check_alpha
from etude.errors import check_choice as _choice
from etude.safety.disclosure import (
    PROTECTED,
    VALUE_COLUMNS,
    group_counts,
    merge_values,
    protected_populations,
    suppress_small,
    value_order,
)
from etude.survey import codebook as cb
from etude.survey.context import DEFAULT, Context

__all__ = [
    "frequencies", "published_frequencies", "profile", "suppress_small", "barrier_table", "answered", "wave_counts",
    "published_check", "item_codes", "population_of", "require_columns", "given_attributes", "pair_table",
    "CI_METHODS", "FREQ_COLUMNS", "PROFILE_COLUMNS", "FREINS_COLUMNS", "VALUE_COLUMNS", "POPULATIONS",
    "PROTECTED", "protected_populations", "MISSING_VALUE", "CHECK_COLUMNS", "PAIR_TABLE_COLUMNS", "ALL",
]

#: Interval methods accepted by ``ci_method`` (statsmodels ``proportion_confint`` names).
CI_METHODS = ("wilson", "agresti_coull", "beta", "jeffreys", "normal")
#: Columns of :func:`frequencies` (the group column, named after ``by``, comes first when grouping).
FREQ_COLUMNS = ["item", "n_base", "count", "pct", "pct_all", "pct_mentions", "ci_low", "ci_high", "rank",
                "letters"]
#: Columns of :func:`profile` (``wave`` comes first when ``by_wave``; the written profiles add ``label`` after
#: ``value``: :func:`etude.publish.labels.labelled`).
PROFILE_COLUMNS = ["attribute", "value", "n", "n_total", "pct"]
#: Columns of ``tables/freins.csv``: :func:`barrier_table` without ``by`` gives them all but ``label``, the item's
#: codebook label, which :func:`etude.publish.labels.labelled` adds.
FREINS_COLUMNS = ["population", "wave", "item", "label", "n_base", "count", "pct", "pct_all", "ci_low", "ci_high",
                  "rank", "letters"]
#: Questionnaires.
POPULATIONS = ("buyers", "companies")
#: Columns of :func:`published_check`.
CHECK_COLUMNS = ["population", "wave", "indicator", "label", "published", "loaded", "match", "status", "source"]
#: Value code of a respondent who did not give an attribute (:func:`profile`).
MISSING_VALUE = "non_renseigne"
#: ``group`` of the pairs of a whole population (:func:`pair_table`).
ALL = "all"
#: Columns of :func:`pair_table` (``tables/freins_paires.csv``, ``tables/leviers_paires.csv``).
PAIR_TABLE_COLUMNS = ["population", "wave", "group", *rankings.PAIR_COLUMNS]



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

def item_codes(population: str, question: str = "barriers", *, codebook=None) -> list[str]:
    """Item codes of a multi-select question, in questionnaire order.

    >>> item_codes("companies")[:2]
    ['e_administration', 'e_besoins']
    """
    _choice("population", population, cb.populations(codebook))
    return list(cb.items(population, question, codebook=codebook)["code"])


def population_of(items: Sequence[str], *, codebook=None) -> str | None:
    """The questionnaire whose barrier or segment items include every code of ``items`` (first match), else None.

    >>> population_of(["b_temps", "b_financier"])
    'buyers'
    """
    for population in cb.populations(codebook):
        book = cb.load(codebook) if not isinstance(codebook, dict) else codebook
        codes = {c for q in book["questionnaires"][population]["questions"]
                 for c in item_codes(population, q, codebook=codebook)}
        if set(items) <= codes and not any(str(c).startswith("seg_") for c in items):
            return population
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


def _sorted_rows(rows: list[dict]) -> pd.DataFrame:
    """The rows of one block as a table, most cited first (ties and items not asked in questionnaire order)."""
    out = pd.DataFrame(rows, columns=FREQ_COLUMNS[:-2])
    out["count"] = out["count"].astype("Int64")
    out["_order"] = range(len(out))
    out = out.sort_values(["count", "_order"], ascending=[False, True], kind="stable", na_position="last")
    return out.drop(columns="_order").reset_index(drop=True)


def _one_table(df: pd.DataFrame, items: list[str], alpha: float, ci_method: str, min_cell: int = 1,
               gate: str = "none") -> pd.DataFrame:
    """One block of :func:`frequencies`: counts and shares; interval, rank and letters from ``min_cell`` up."""
    base = answered(df, items)
    n_base, n_all = int(base.sum()), len(df)
    ranked_block = n_base >= max(min_cell, 1)  # a smaller group gets no interval, rank, pairs nor letters
    # an item no respondent of the base has a value for was not asked (« non posé »): no count, share or rank
    asked = [not n_base or bool(df.loc[base, c].notna().any()) for c in items]
    counts = [int(df.loc[base, c].fillna(False).astype(bool).sum()) if a else None for c, a in zip(items, asked)]
    mentions = sum(c for c in counts if c is not None)
    rows = []
    for code, count in zip(items, counts):
        known = count is not None
        low = high = math.nan
        if ranked_block and known:
            low, high = (float(np.clip(b, 0, 1)) for b in proportion_confint(count, n_base, alpha=alpha,
                                                                             method=ci_method))
        rows.append({"item": code, "n_base": n_base, "count": count if known else pd.NA,
                     "pct": count / n_base if n_base and known else math.nan,
                     "pct_all": count / n_all if n_all and known else math.nan,
                     "pct_mentions": count / mentions if mentions and known else math.nan,
                     "ci_low": low, "ci_high": high})
    out = _sorted_rows(rows)
    out["rank"] = out["count"].rank(method="min", ascending=False).astype("Int64")
    letters: dict[str, str] = {}
    if ranked_block:
        ranked = [c for c, a in zip(out["item"], out["count"].notna()) if a]
        letters = rankings.letters_of(rankings.paired_tests(df.loc[base, ranked], ranked, alpha=alpha, gate=gate),
                                      ranked)
    else:
        out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["letters"] = pd.array([letters.get(c, pd.NA) for c in out["item"]], dtype="object")
    return out


def _block_population(df: pd.DataFrame, items: str | Sequence[str], codes: list[str], codebook) -> str | None:
    """The questionnaire of a block, for its merges: the table's one ``population``, the shorthand, or the items'."""
    if "population" in df.columns and df["population"].nunique() == 1:
        return str(df["population"].iloc[0])
    return items if isinstance(items, str) else population_of(codes, codebook=codebook)


def _groups_of(df: pd.DataFrame, by: str, population: str | None, codebook, min_cell: int | None = None,
               protect: Sequence[str] | None = PROTECTED) -> tuple[pd.Series, list]:
    """Each respondent's group, merged as the codebook publishes it (:func:`etude.safety.disclosure.merge_values`:
    ETI and GE counted together from their respondents, a group under ``min_cell`` with its declared neighbour),
    and the groups present in codebook order; a population out of ``protect`` (a study's opt-in) keeps its groups."""
    col = df[by]
    values = merge_values(col, population, by, protect=protect, codebook=codebook, min_cell=min_cell) if population \
        else col.astype(object)
    present = set(values.dropna())
    if isinstance(col.dtype, pd.CategoricalDtype):
        known = [g for g in value_order(population, by, protect=protect, codebook=codebook) if g in present] \
            if population else []
        known += [g for g in col.cat.categories if g in present and g not in known]
        return values, known + sorted(g for g in present if g not in known)
    return values, sorted(present, key=lambda g: (str(type(g)), g))


def frequencies(df: pd.DataFrame, items: str | Sequence[str], *, by: str | None = None, gate: str = "none",
                weights: str | pd.Series | None = None, ctx: Context = DEFAULT) -> pd.DataFrame:
    """Multi-response frequency table: how many respondents cite each item, out of those who answered.

    Parameters
    ----------
    df : DataFrame
        Respondent table (``docs/contracts.md`` §1), usually one wave of one population.
    items : sequence of str, or {"buyers", "companies"}
        Item columns of one multi-select question; a population name means its barrier items.
    by : str, optional
        Grouping column (``buyer_type``, ``size_class``, ``segment``, ``departement``, ``wave``…): one block of
        rows per group observed, in codebook order. Respondents with no value are left out of the grouped table
        (they stay in the overall one). Values the codebook publishes merged (ETI and GE: « 250 salariés et
        plus », :func:`etude.safety.disclosure.merge_values`) form one group of their respondents.
    gate : {"none", "cochran"}, default "none"
        Omnibus gate of the paired tests (:func:`etude.analysis.rankings.paired_tests`).
    weights : str or Series, optional
        Respondent weights (a column of ``df``, or a Series on its index:
        :func:`etude.analysis.weights.compute_weights`); adds ``pct_w, ci_low_w, ci_high_w, n_eff``
        (:func:`etude.analysis.weights.weighted_columns`). None (the default): the table is the unweighted one.
    ctx : etude.survey.Context, default the default settings
        The study's settings: ``ctx.alpha`` (1 − confidence level of the intervals, and the level of the paired
        tests behind ``letters``), ``ctx.ci_method`` (interval method of statsmodels ``proportion_confint``:
        "wilson", "agresti_coull", "beta", "jeffreys" or "normal"), ``ctx.min_cell`` (a block — the whole table,
        or one group — with fewer respondents in its base gets no interval, rank, paired test nor letters: its
        counts and shares only; whether those are published is :func:`etude.safety.disclosure.suppress_small`'s
        decision), ``ctx.protect`` (populations whose groups are merged as published — codebook merges, a group
        under ``min_cell`` with its declared neighbour; a population left out, a study's
        ``publish_small_groups``, keeps its own groups) and ``ctx.codebook``.

    Returns
    -------
    DataFrame
        One row per item (per group): ``[by,] item, n_base, count, pct, pct_all, pct_mentions, ci_low, ci_high,
        rank, letters``. ``n_base`` is the number of respondents (of the group) who answered the question — the
        denominator of ``pct``; ``pct_all`` divides by all respondents (of the group), those who skipped the
        question included; ``pct_mentions`` divides by all mentions instead (it sums to 1); ``rank`` is 1 for the
        most cited item, ties sharing the smallest rank (« min »); ``letters`` is the compact letter display of
        the exact paired tests between every pair of items (:mod:`etude.analysis.rankings`, Holm over the
        k(k − 1)/2 pairs, at ``alpha``): two items share a letter exactly when the test does not separate them.
        Rows are sorted by group, count (most cited first), then item order. ``pct`` is NaN when ``n_base`` is 0.
        An item not asked (« non posé »: NA for every respondent who answered the question, ``docs/contracts.md``
        §1) has no ``count``, share, interval, ``rank`` or ``letters`` (NA) and comes last; it is left out of
        the paired tests and of the mentions.
        ``attrs`` records ``alpha``, ``ci_method``, ``min_cell`` and the ranking test (``rank_test``,
        ``rank_padjust``, ``rank_gate``).

    Examples
    --------
    >>> t = pd.DataFrame({"b_temps": pd.array([True] * 3 + [False] * 5, dtype="boolean"),
    ...                   "b_financier": pd.array([True] * 8, dtype="boolean")})
    >>> r = frequencies(t, ["b_temps", "b_financier"]).set_index("item")
    >>> int(r.loc["b_temps", "count"]), float(r.loc["b_temps", "pct"]), round(float(r.loc["b_temps", "ci_low"]), 4)
    (3, 0.375, 0.1368)
    >>> r["letters"].tolist()  # 5 respondents cite b_financier only, none b_temps only: p = 0.0625
    ['a', 'a']
    """
    alpha, ci_method, min_cell, codebook = _check_alpha(ctx.alpha), ctx.ci_method, ctx.min_cell, ctx.codebook
    _choice("ci_method", ci_method, CI_METHODS)
    codes = _resolve_items(items, codebook)
    require_columns(df, codes)
    if by is None:
        out = _one_table(df, codes, alpha, ci_method, min_cell, gate)
    else:
        if by in codes:
            raise ParameterError(f"« by » ne peut pas être un item de la question : {by!r}")
        require_columns(df, [by])
        values, groups = _groups_of(df, by, _block_population(df, items, codes, codebook), codebook, min_cell,
                                    ctx.protect)
        frames = []
        for g in groups:
            part = _one_table(df[(values == g).to_numpy()], codes, alpha, ci_method, min_cell, gate)
            part.insert(0, by, g)
            frames.append(part)
        out = (pd.concat(frames, ignore_index=True) if frames
               else pd.DataFrame(columns=[by, *FREQ_COLUMNS]))
        out[by] = out[by].astype(object)
        out.attrs["groups"] = group_counts(df, by, items=codes, by_wave=False, codebook=codebook)  # disclosure
    out.attrs.update({"alpha": alpha, "ci_method": ci_method, "min_cell": min_cell, "rank_test": rankings.TEST,
                      "rank_padjust": rankings.PADJUST, "rank_gate": gate})
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


def _value_order(col: pd.Series, population: str | None, attr: str, codebook) -> list[str]:
    """Values of one attribute column as a profile lists them: codebook order, then the others as written."""
    known = []
    if population and attr in cb.attributes(population, codebook=codebook) and attr != "wave":
        known = [str(c) for c in cb.attribute_values(population, attr, codebook=codebook)["code"]]
    observed = list(dict.fromkeys(col.dropna().astype(str)))
    return [v for v in known if v in observed] + sorted(v for v in observed if v not in known)


def profile(df: pd.DataFrame, attributes: str | Sequence[str], *, by_wave: bool = False, population: str | None = None,
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
    population : {"buyers", "companies"}, optional
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
    if population is None and "population" in df.columns and df["population"].nunique() == 1:
        population = str(df["population"].iloc[0])
    blocks = [(w, df[df["wave"] == w]) for w in sorted(df["wave"].unique())] if by_wave else [(None, df)]
    rows = []
    for wave, part in blocks:
        total = len(part)
        for attr in attributes:
            counts = part[attr].dropna().astype(str).value_counts()
            missing = int(part[attr].isna().sum())
            for v in _value_order(part[attr], population, attr, codebook) + ([MISSING_VALUE] if missing else []):
                n = missing if v == MISSING_VALUE else int(counts[v])
                rows.append({"wave": wave, "attribute": attr, "value": v, "n": n, "n_total": total,
                             "pct": n / total if total else math.nan})
    out = pd.DataFrame(rows, columns=["wave", *PROFILE_COLUMNS])
    out = out if by_wave else out.drop(columns="wave")
    out.attrs["groups"] = group_counts(df, attributes, population=population, by_wave=by_wave,
                                       codebook=codebook)  # disclosure
    out.attrs["population"] = population
    return out


# ------------------------------------------------------------------------------------------------ publication

def _waves_of(df: pd.DataFrame, population: str, wave: int | Mapping[str, int] | None) -> list:
    """The waves of one population a barrier table keeps (see :func:`barrier_table`)."""
    if isinstance(wave, Mapping):
        return [wave[population]] if wave.get(population) is not None else []
    return [wave] if wave is not None else sorted(df["wave"].unique())


def barrier_table(tables: dict[str, pd.DataFrame], *, wave: int | Mapping[str, int] | None = None,
                  by: dict[str, str] | None = None, question: str = "barriers", ctx: Context = DEFAULT
                  ) -> pd.DataFrame:
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
    question : str, default "barriers"
        The multi-select question counted (``"remedies"`` gives ``tables/leviers.csv``, same columns and rules).
    ctx : etude.survey.Context, default the default settings
        The study's settings, as in :func:`frequencies` (``alpha``, ``ci_method``) and :func:`suppress_small`
        (``min_cell``, ``protect``); a ``suppressed`` column is added when grouping. A block under ``min_cell``
        also gets no interval, rank nor letters (:func:`frequencies`), whatever its population.
    The paired tests behind ``letters`` are :func:`pair_table`'s (no omnibus gate: :func:`frequencies` has one).

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
    frames, groups, codebook = [], {}, ctx.codebook
    for population in [k for k in POPULATIONS if k in tables and (by is None or k in by)]:
        df = tables[population]
        for w in _waves_of(df, population, wave):
            part = df[df["wave"] == w]
            if part.empty:
                continue
            group = (by or {}).get(population)
            t = frequencies(part, item_codes(population, question, codebook=codebook), by=group, ctx=ctx)
            if group:
                groups.update(group_counts(part, group, population=population, codebook=codebook))  # disclosure plan
                t = t.rename(columns={group: "group_value"})
                t.insert(0, "group", group)
            t.insert(0, "wave", int(w))
            t.insert(0, "population", population)
            frames.append(t)
    lead = ["population", "wave"] + (["group", "group_value"] if by is not None else [])
    cols = lead + [c for c in FREINS_COLUMNS if c not in ("population", "wave", "label")]
    if not frames:
        return pd.DataFrame(columns=cols + (["suppressed"] if by is not None else []))
    table = pd.concat(frames, ignore_index=True)[cols]
    table.attrs["groups"] = groups
    out = _published_letters(suppress_small(table, ctx=ctx), tables, question, ctx)
    if by is None:
        out = out[cols]
    out.attrs.update({"alpha": _check_alpha(ctx.alpha), "ci_method": ctx.ci_method, "min_cell": ctx.min_cell,
                      "protect": None if ctx.protect is None else tuple(ctx.protect), "rank_test": rankings.TEST,
                      "rank_padjust": rankings.PADJUST, "rank_gate": "none"})
    return out


def published_frequencies(df: pd.DataFrame, population: str, *, question: str = "barriers",
                          ctx: Context = DEFAULT) -> pd.DataFrame:
    """One population's answers of one wave as published: :func:`frequencies` (share of mentions included), then
    :func:`suppress_small`, with the letters of a block that has a withheld row tested again over its published
    items, as in ``freins.csv`` (:func:`barrier_table`) — what notebook 02 shows beside that table.

    >>> codes = item_codes("companies")
    >>> rows = [{"e_moyens", "e_besoins"}, {"e_moyens", "e_delais"}] + [{"e_moyens"}] * 4
    >>> e = pd.DataFrame({c: pd.array([c in r for r in rows], dtype="boolean") for c in codes})
    >>> t = published_frequencies(e, "companies")  # 6 of 6 cite e_moyens: withheld; the others still lettered
    >>> t.loc[t["count"].notna(), ["item", "letters"]].values.tolist()[:2]
    [['e_besoins', 'a'], ['e_delais', 'a']]
    """
    wave = int(df["wave"].iloc[0]) if "wave" in df.columns and df["wave"].nunique() == 1 else 0
    part = df.assign(wave=wave)
    codes = item_codes(population, question, codebook=ctx.codebook)
    out = suppress_small(frequencies(part, codes, ctx=ctx), ctx=ctx, population=population)
    keyed = _published_letters(out.assign(population=population, wave=wave), {population: part}, question, ctx)
    return keyed.drop(columns=["population", "wave"])


def _published_letters(out: pd.DataFrame, tables: Mapping[str, pd.DataFrame], question: str,
                       ctx: Context) -> pd.DataFrame:
    """``out`` whose blocks with a withheld row get letters again, from paired tests over their published items only.

    Suppression blanks the letters of such a block (:func:`etude.safety.recovery.withhold_relations`): computed over
    every item, they compared each published item with the withheld one. The respondents are here: the published
    items are tested again among themselves, as :func:`pair_table` does for ``freins_paires.csv``, so the letters
    and the pairs printed beside them come from the same tests and say nothing of the withheld item.
    """
    flags = out["suppressed"].fillna(False).astype(bool) if "suppressed" in out.columns else None
    if flags is None or not flags.any():
        return out
    grouped = "group_value" in out.columns
    keys = ["population", "wave"] + (["group", "group_value"] if grouped else [])
    attrs = {"protect": ctx.protect, "min_cell": ctx.min_cell, "alpha": ctx.alpha}
    for key, block in out.groupby(keys, sort=False):
        shown = block[~flags[block.index] & block["rank"].notna()]
        if not flags[block.index].any() or shown.empty:
            continue
        items = list(shown["item"])
        pairs = _block_pairs(tables, key, items, attrs, question=question, codebook=ctx.codebook)
        letters = rankings.letters_of(pairs, items)
        out.loc[shown.index, "letters"] = [letters.get(c, pd.NA) for c in items]
    return out


def _block_pairs(tables: Mapping[str, pd.DataFrame], key: tuple, items: list[str], attrs: Mapping, *,
                 question: str, codebook) -> pd.DataFrame:
    """The paired tests of ``items`` among the respondents of one published block (``key``: population, wave and,
    for a grouped table, group and group value; :func:`_block_respondents`), at the risk and with the gate the
    table's ``attrs`` record."""
    part = _block_respondents(tables, key, key[2] if len(key) > 2 else None, codebook, attrs)
    base = answered(part, item_codes(key[0], question, codebook=codebook))
    return rankings.paired_tests(part.loc[base, items], items, alpha=attrs.get("alpha", 0.05),
                                 gate=attrs.get("rank_gate", "none"))


def _block_respondents(tables: Mapping[str, pd.DataFrame], key: tuple, group: str | None,
                       codebook, attrs: Mapping | None = None) -> pd.DataFrame:
    """The respondents of one published block: a population's wave, and its group (merged as published, a
    group under the ``min_cell`` of the table's ``attrs`` with its declared neighbour, for its ``protect``)."""
    attrs = attrs or {}
    population, wave, value = key[0], key[1], key[-1]
    df = tables[population]
    part = df[df["wave"] == wave]
    if group is None:
        return part
    merged = merge_values(part[group], population, group, protect=attrs.get("protect", PROTECTED), codebook=codebook,
                          min_cell=attrs.get("min_cell"))
    return part[(merged == value).to_numpy()]


def pair_table(tables: Mapping[str, pd.DataFrame], published: pd.DataFrame | Sequence[pd.DataFrame], *,
               question: str = "barriers", codebook=None) -> pd.DataFrame:
    """The paired tests behind the ``letters`` of a published table (``tables/freins_paires.csv``).

    Parameters
    ----------
    tables : dict
        ``{"buyers": DataFrame, "companies": DataFrame}`` (:func:`etude.survey.load_study`), the respondents.
    published : DataFrame or sequence of DataFrame
        :func:`barrier_table` (with or without ``by``; ``question`` the same), or several (``freins.csv`` and
        ``freins_par_groupe.csv``, stacked in that order): each block (population, wave, group) whose rows have
        letters gets its pairs, in the published order of its items; a block without letters (under
        ``min_cell``, suppressed, or not asked) gets none. ``alpha`` and the gate are the ones each table's
        ``attrs`` records.

    Returns
    -------
    DataFrame with :data:`PAIR_TABLE_COLUMNS`: ``group`` is :data:`ALL` for a whole population, else the group's
    code (``ge250`` for the merged size class). ``attrs`` records the test, the adjustment (Holm within each
    block, over its k(k − 1)/2 pairs) and the gate.

    Examples
    --------
    >>> codes = item_codes("buyers")
    >>> b = pd.DataFrame({"population": "buyers", "wave": 2017,
    ...                   **{c: pd.array([c == "b_temps"] * 9 + [c == "b_soutien"], dtype="boolean") for c in codes}})
    >>> p = pair_table({"buyers": b}, barrier_table({"buyers": b}))
    >>> p.loc[0, ["group", "item_a", "item_b"]].tolist(), int(p.loc[0, "n_ab"]), int(p.loc[0, "n_ba"])
    (['all', 'b_temps', 'b_soutien'], 9, 1)
    >>> len(p) == len(codes) * (len(codes) - 1) // 2
    True
    """
    frames = []
    for table in [published] if isinstance(published, pd.DataFrame) else list(published):
        grouped = "group_value" in table.columns
        keys = ["population", "wave"] + (["group", "group_value"] if grouped else [])
        for key, block in table.groupby(keys, sort=False) if len(table) else []:
            ranked = block[block["letters"].notna()]
            if ranked.empty:
                continue
            pairs = _block_pairs(tables, key, list(ranked["item"]), table.attrs, question=question, codebook=codebook)
            frames.append(pairs.assign(population=key[0], wave=int(key[1]), group=key[-1] if grouped else ALL))
    out = (pd.concat(frames, ignore_index=True)[PAIR_TABLE_COLUMNS] if frames
           else pd.DataFrame(columns=PAIR_TABLE_COLUMNS))
    out.attrs.update({"test": rankings.TEST, "padjust": rankings.PADJUST, "family": "pairs_within_block"})
    return out


# ------------------------------------------------------------------------------------------------ notebook helpers

def wave_counts(tables: dict[str, pd.DataFrame], *, ctx: Context = DEFAULT) -> pd.DataFrame:
    """Respondents per questionnaire and wave, and how many answered the barrier question.

    Returns ``population, wave, n, n_barriers, pct_barriers`` (``n_barriers`` is the barrier question's
    ``n_base``); ``tables/repondants_par_vague.csv`` adds the questionnaire's ``label`` after ``population``
    (:func:`etude.publish.labels.labelled`). A wave's size is published exactly (a total); in a wave of fewer
    than ``ctx.min_cell`` respondents of a population the study protects, who answered the question is withheld
    (NA), as the barrier tables withhold its base.

    >>> t = {"companies": pd.DataFrame({"wave": [2017] * 6 + [2018], **{c: pd.array([True] * 5 + [None, False],
    ...      dtype="boolean") for c in item_codes("companies")}})}
    >>> wave_counts(t)[["population", "wave", "n", "n_barriers"]].values.tolist()
    [['companies', 2017, 6, 5], ['companies', 2018, 1, <NA>]]
    """
    rows = []
    for population in [k for k in POPULATIONS if k in tables]:
        df = tables[population]
        base = answered(df, item_codes(population, codebook=ctx.codebook))
        for w in sorted(df["wave"].unique()):
            in_wave = df["wave"] == w
            n, nb = int(in_wave.sum()), int((base & in_wave).sum())
            shown = n >= ctx.min_cell or not ctx.protects(population)
            rows.append({"population": population, "wave": int(w), "n": n, "n_barriers": nb if shown else pd.NA,
                         "pct_barriers": nb / n if n and shown else math.nan})
    out = pd.DataFrame(rows, columns=["population", "wave", "n", "n_barriers", "pct_barriers"])
    out["n_barriers"] = out["n_barriers"].astype("Int64")
    return out


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


