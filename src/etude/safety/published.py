"""Every number a run publishes, read back as what it tells a reader about counts.

:mod:`etude.safety.recovery` proves that the published *counts* leave every suppressed cell a range of at least
``min_cell``. A table prints more than counts: shares over answers (``pct``) and over all the group's
respondents (``pct_all``), Wilson interval bounds (``ci_low``, ``ci_high``), ranks and letters, and the group
sizes of pair, wave and comparison tables. Each can give a count back. This module reads them all:

- :func:`derived_counts` — a blank count (or base) that a published share or interval bound gives back: a share
  times its base, a count over its share, and a Wilson bound *inverted* (for a base ``n`` the bound is a strictly
  monotone function of the count, so one printed bound names one count, :func:`wilson_counts`). The audit fills
  these into the tables before the linear program of :func:`etude.safety.recovery.audit_tables` runs, so that
  they tighten it; a derived cell of a suppressed row is itself a finding;
- :func:`subgroup_findings` — a share whose values, over the items of one group, are not multiples of one over
  the group's published size was computed on part of the group (the issue's case: a « 250 salariés et plus »
  row that kept ETI's ``pct_all``, in sixths, tells ETI n = 6 and GE n = 8 − 6 = 2); the part left out is a
  finding when it is narrowed below ``min_cell``;
- :func:`small_group_findings` — a group of 1 to ``min_cell`` − 1 respondents of a protected population that
  is published (not suppressed) in any table, whatever the column that sizes it (``n``, ``n_base``, ``n1``,
  ``n2``, ``n_from``, ``n_to``, ``n_buyers``, ``n_companies``); and, within a published group of fewer than
  ``2 × min_cell``, a share of exactly 0 % or 100 % (every member gave the same answer);
- :func:`suppressed_numbers` — a suppressed row that still prints a number (share, bound, rank, letters);
- :func:`related_numbers` — a published row of a block with a suppressed row that prints a share of the
  block's mentions (their total gives the suppressed count back).

The findings have the columns of :data:`etude.safety.recovery.FINDING_COLUMNS`; ``reason`` says which check
found them (:data:`REASONS`). :func:`etude.safety.recovery.audit_run` (``etude audit``, and the check after every
run) runs them all on a run folder's ``tables/*.csv`` and on the workbook's sheets.

Examples
--------
A merged row that kept one member's ``pct_all`` (ETI, 6 firms) while publishing the merged group's size (8):

>>> import pandas as pd
>>> g = pd.DataFrame({"population": "companies", "wave": 2018, "group": "size_class", "group_value": "ge250",
...                   "item": ["e_moyens", "e_delais"], "n_base": 8, "count": [5, 2],
...                   "pct_all": [4 / 6, 1 / 6], "suppressed": False})
>>> p = pd.DataFrame({"population": "companies", "wave": 2018, "attribute": "size_class",
...                   "value": ["micro", "ge250"], "n": [50, 8], "n_total": 58, "suppressed": False})
>>> subgroup_findings({"g.csv": g, "p.csv": p})[["column", "low", "high"]].values.tolist()
[['pct_all', 2, 2]]
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from etude.safety.recovery import (
    FINDING_COLUMNS,
    RELATIONS,
    group_column,
    related_cells,
    row_populations,
    suppressed_flags,
    table_shape,
    whole_count,
)

__all__ = ["wilson_counts", "denominators", "derived_counts", "fill_derived", "subgroup_findings",
           "small_group_findings", "suppressed_numbers", "check_numbers", "REASONS", "GROUP_SIZE_COLUMNS",
           "SHARE_COLUMNS"]

#: What each finding's ``reason`` code means (worded by :mod:`etude.publish.present.confidentiality`).
REASONS = ("recovered", "derived", "subgroup", "small_group", "whole_group", "suppressed_number", "related_number",
           "text_withheld", "text_unmatched")
#: Columns that give the size of a published group, and the population they are about (``None``: the row's).
GROUP_SIZE_COLUMNS = {"n": None, "n_base": None, "n1": None, "n2": None, "n_from": None, "n_to": None,
                      "n_buyers": "buyers", "n_companies": "companies"}
#: Share columns and the base each is computed on, in frequency and pair tables.
SHARE_COLUMNS = {"pct": "n_base", "pct1": "n1", "pct2": "n2", "share_from": "n_from", "share_to": "n_to",
                 "pct_buyers": "n_buyers", "pct_companies": "n_companies"}
#: Numbers a suppressed row must not print.
_ROW_NUMBERS = ("count", "pct", "pct_all", "pct_mentions", "ci_low", "ci_high", "rank", "letters")
_TOL = 1e-9
_ALPHAS = (0.05, 0.1, 0.01)


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.replace("", np.nan) if s.dtype == object else s, errors="coerce").astype(float)


def _shown(v: Any) -> bool:
    """Whether a cell prints something (blank, NA and « nan » print nothing)."""
    return not (v is None or (not isinstance(v, str) and pd.isna(v))
                or str(v).strip() in ("", "nan", "<NA>", "None"))


def _population(df: pd.DataFrame, name: str) -> pd.Series:
    return row_populations(df, None, name)


def _row(df: pd.DataFrame, i: Any) -> int | None:
    return int(df.index.get_loc(i)) + 2 if i in df.index else None


def _finding(name, df, i, column, cell, bounds: tuple, reason: str) -> dict[str, Any]:
    """One finding; ``bounds`` is ``(low, high, required)``."""
    return dict(zip(FINDING_COLUMNS, (name, _row(df, i), column, cell, *bounds, reason)))


def _cell(df: pd.DataFrame, i: Any, pop: str, item: bool = True) -> tuple:
    r = df.loc[i]
    wave = str(r["wave"]) if "wave" in df.columns else ""
    attr = next((str(r[c]) for c in ("attribute", "group") if c in df.columns), "")
    value = next((str(r[c]) for c in ("value", "group_value", "code") if c in df.columns), "")
    return pop, wave, attr, value, (str(r["item"]) if item and "item" in df.columns else None)


# ------------------------------------------------------------------------------------------------ arithmetic

@cache
def _wilson(x: int, n: int, alpha: float) -> tuple[float, float]:
    from statsmodels.stats.proportion import proportion_confint  # imported when needed: seconds to import
    low, high = proportion_confint(x, n, alpha=alpha, method="wilson")
    return float(np.clip(low, 0, 1)), float(np.clip(high, 0, 1))


def wilson_counts(bound: float, n: int, *, side: str = "low", alphas: Sequence[float] = _ALPHAS) -> list[int]:
    """The counts ``x`` (0 ≤ x ≤ ``n``) whose Wilson interval over ``n`` has this lower (``side="low"``) or
    upper bound, at any of ``alphas``: a published bound and its base give the count back.

    >>> round(_wilson(2, 8, 0.05)[0], 4), wilson_counts(_wilson(2, 8, 0.05)[0], 8)
    (0.0715, [2])
    """
    if pd.isna(bound) or pd.isna(n) or n < 1 or n != int(n):
        return []
    k = 0 if side == "low" else 1
    return sorted({x for a in alphas for x in range(int(n) + 1) if abs(_wilson(x, int(n), a)[k] - bound) < 1e-7})


def denominators(values: Iterable[float], *, most: int) -> list[int]:
    """The denominators ``d`` (1 ≤ d ≤ ``most``) over which every value is a whole number of ``1/d``.

    >>> denominators([4 / 6, 1 / 6, 0.5], most=8)
    [6]
    >>> denominators([0.625, 0.25], most=8)
    [8]
    """
    vals = [float(v) for v in values if not pd.isna(v)]
    out = []
    for d in range(1, int(most) + 1):
        if all(abs(v * d - round(v * d)) < 1e-6 * max(1.0, d) for v in vals):
            out.append(d)
    return out


def _ratio_base(count: float, share: float) -> float:
    if pd.isna(count) or pd.isna(share) or share <= 0:
        return math.nan
    d = count / share
    return float(round(d)) if abs(d - round(d)) < 1e-6 else math.nan


# ------------------------------------------------------------------------------------------------ derivations

def derived_counts(df: pd.DataFrame) -> list[tuple[Any, str, float, str]]:
    """Blank counts and bases of one frequency or profile table that its other numbers give back.

    Returns ``(row index, column, value, source column)``: a blank ``count`` from ``pct × n_base`` or from an
    interval bound inverted (:func:`wilson_counts`, when it names one count), a blank ``n_base`` from
    ``count / pct``, a blank profile ``n`` from ``pct × n_total``.

    >>> t = pd.DataFrame({"item": ["a"], "n_base": [8], "count": [None], "pct": [None],
    ...                   "ci_low": [_wilson(2, 8, 0.05)[0]], "ci_high": [None]})
    >>> derived_counts(t)
    [(0, 'count', 2.0, 'ci_low')]
    """
    out = []
    cols = set(df.columns)
    num = {c: _num(df[c]) for c in ("n", "n_total", "n_base", "count", "pct", "ci_low", "ci_high") if c in cols}
    for i in df.index:
        get = {c: num[c][i] for c in num}
        if {"n", "pct", "n_total"} <= cols and "item" not in cols and pd.isna(get["n"]):
            x = whole_count(get["pct"], get["n_total"])
            if not pd.isna(x):
                out.append((i, "n", x, "pct"))
        if {"count", "n_base"} <= cols:
            out += _count_from_row(i, get)
    return out


def _count_from_row(i: Any, get: dict[str, float]) -> list[tuple[Any, str, float, str]]:
    out = []
    base, count = get["n_base"], get["count"]
    if pd.isna(base) and not pd.isna(count):
        b = _ratio_base(count, get.get("pct", math.nan))
        if not pd.isna(b):
            out.append((i, "n_base", b, "pct"))
            base = b
    if pd.isna(count) and not pd.isna(base):
        x = whole_count(get.get("pct", math.nan), base)
        if not pd.isna(x):
            return out + [(i, "count", x, "pct")]
        for col, side in (("ci_low", "low"), ("ci_high", "high")):
            found = wilson_counts(get.get(col, math.nan), base, side=side)
            if len(found) == 1:
                return out + [(i, "count", float(found[0]), col)]
    return out


def fill_derived(tables: Mapping[str, pd.DataFrame], *, min_cell: int = 5
                 ) -> tuple[dict[str, pd.DataFrame], list[dict[str, Any]]]:
    """The tables with every blank count a reader can derive filled in (:func:`derived_counts`), and a finding
    (reason ``derived``) for each derived cell of a suppressed row: its exact value is published after all."""
    filled, found = {}, []
    for name, raw in tables.items():
        df = raw.copy()
        flags = suppressed_flags(df)
        pops = _population(df, name)
        for i, col, value, source in derived_counts(df):
            if df[col].dtype != object:
                df[col] = df[col].astype(object)
            df.at[i, col] = value
            if flags[i]:
                found.append(_finding(name, df, i, source, _cell(df, i, pops[i]), (value, value, min_cell),
                                      "derived"))
        filled[name] = df
    return filled, found


# ------------------------------------------------------------------------------------------------ group checks

def _profile_sizes(tables: Mapping[str, pd.DataFrame]) -> dict[tuple, float]:
    """Published group sizes: (population, wave, attribute, value) → profile ``n``."""
    sizes = {}
    for name, df in tables.items():
        if not {"attribute", "value", "n"} <= set(df.columns):
            continue
        pops, n = _population(df, name), _num(df["n"])
        waves = df["wave"].astype(str) if "wave" in df.columns else pd.Series("", index=df.index)
        for i in df.index:
            if not pd.isna(n[i]):
                sizes[(pops[i], waves[i], str(df.at[i, "attribute"]), str(df.at[i, "value"]))] = n[i]
    return sizes


def subgroup_findings(tables: Mapping[str, pd.DataFrame], *, min_cell: int = 5) -> pd.DataFrame:
    """Shares of a group computed on part of it: what they tell about the part left out.

    For each group of a grouped frequency table, the ``pct_all`` values of its items must be whole numbers of
    one over the group's published size (the profile's ``n``), and the ``pct`` values over its base ``n_base``.
    When they are not, the denominators they fit (:func:`denominators`) are those of a sub-group: the rest of the
    group (published size minus each such denominator) is narrowed to a range; shorter than ``min_cell``, it is a
    finding (reason ``subgroup``), as is a share that fits no denominator up to the group's size.
    """
    sizes = _profile_sizes(tables)
    rows = []
    for name, df in tables.items():
        if not {"item", "group_value"} <= set(df.columns):
            continue
        pops = _population(df, name)
        waves = df["wave"].astype(str) if "wave" in df.columns else pd.Series("", index=df.index)
        attrs = df["group"].astype(str) if "group" in df.columns else pd.Series("", index=df.index)
        keys = pd.DataFrame({"p": pops, "w": waves, "a": attrs, "v": df["group_value"].astype(str)})
        for key, idx in keys.groupby(["p", "w", "a", "v"], sort=False).groups.items():
            for col, size in (("pct_all", sizes.get(key, math.nan)), ("pct", _num(df.loc[idx, "n_base"]).max()
                                                                    if "n_base" in df.columns else math.nan)):
                if col in df.columns and not pd.isna(size) and size >= 1:
                    rows += _subgroup(name, df, idx, col, int(size), key, min_cell)
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def _subgroup(name, df, idx, col, size, key, min_cell) -> list[dict[str, Any]]:
    values = _num(df.loc[idx, col]).dropna()
    if values.empty or size in denominators(values, most=size):
        return []
    fits = denominators(values, most=size)
    low, high = (size - max(fits), size - min(fits)) if fits else (math.nan, math.nan)
    if fits and (high - low >= min(min_cell, size) or low == 0 == high):
        return []
    return [_finding(name, df, idx[0], col, (*key, None), (low, high, min(min_cell, size)), "subgroup")]


def _protected(pop: str, protect: Sequence[str] | None) -> bool:
    return protect is None or pop in protect or pop == ""


def small_group_findings(tables: Mapping[str, pd.DataFrame], *, min_cell: int = 5,
                         protect: Sequence[str] | None = None) -> pd.DataFrame:
    """Published groups of 1 to ``min_cell`` − 1 respondents of a protected population (reason
    ``small_group``), and 0 % or 100 % shares in a published group under ``2 × min_cell`` (reason
    ``whole_group``: every member gave the same answer). ``protect=None`` protects every population.

    >>> t = pd.DataFrame({"population": "buyers", "item": ["a", "b"], "n_base": [4, 8], "count": [4, 0],
    ...                   "pct": [1.0, 0.0]})
    >>> small_group_findings({"t.csv": t})[["row", "column", "reason"]].values.tolist()
    [[2, 'n_base', 'small_group'], [3, 'pct', 'whole_group']]

    A table of one row per population and wave names no group: its ``n`` is the wave's total, published exactly
    (a wave of 2 companies is said, its answers are not):

    >>> w = pd.DataFrame({"population": "companies", "wave": [2021], "n": [2]})
    >>> small_group_findings({"repondants_par_vague.csv": w}).empty
    True
    """
    rows = []
    for name, df in tables.items():
        pops, flags = _population(df, name), suppressed_flags(df)
        for i in df.index[~flags]:
            rows += _small_in_row(name, df, i, pops[i], min_cell, protect)
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


#: Columns that name a group (or an item) within a population and wave; a table with none of them has one row
#: per population and wave (respondents per wave, precision): its ``n`` is a total, exact by the rule.
_GROUP_KEYS = ("attribute", "group", "value", "group_value", "code", "item")


def _small_in_row(name, df, i, pop, min_cell, protect) -> list[dict[str, Any]]:
    out, small_row = [], False
    whole_wave = not any(c in df.columns for c in _GROUP_KEYS)
    for col, about in GROUP_SIZE_COLUMNS.items():
        if whole_wave or col not in df.columns or not _protected(about or pop, protect):
            continue
        n = _num(df.loc[[i], col]).iloc[0]
        if not pd.isna(n) and 1 <= n < min_cell:
            out.append(_finding(name, df, i, col, _cell(df, i, about or pop), (n, n, min_cell), "small_group"))
            small_row = True
    if small_row:
        return out
    for col, base in SHARE_COLUMNS.items():
        about = GROUP_SIZE_COLUMNS.get(base) or pop
        if col not in df.columns or base not in df.columns or not _protected(about, protect):
            continue
        share, n = _num(df.loc[[i], col]).iloc[0], _num(df.loc[[i], base]).iloc[0]
        if not pd.isna(n) and 1 <= n < 2 * min_cell and share in (0.0, 1.0):
            out.append(_finding(name, df, i, col, _cell(df, i, about), (share, share, 2 * min_cell),
                                "whole_group"))
    return out


def suppressed_numbers(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Suppressed rows that still print a share, a bound, a rank or letters (reason ``suppressed_number``)."""
    rows = []
    for name, df in tables.items():
        flags = suppressed_flags(df)
        if not flags.any():
            continue
        pops = _population(df, name)
        for col in [c for c in _ROW_NUMBERS if c in df.columns]:
            shown = df[col].map(_shown).astype(bool)
            for i in df.index[flags & shown]:
                rows.append(_finding(name, df, i, col, _cell(df, i, pops[i]),
                                     (math.nan, math.nan, 0), "suppressed_number"))
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def related_numbers(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Published rows of a block with a suppressed row that still print a share of the block's mentions (it gives
    the block's total, hence the suppressed count) — reason ``related_number``
    (:func:`etude.safety.recovery.withhold_relations` is the rule the tables follow). Letters are not read: a
    published table letters such a block from tests among its published items only
    (:func:`etude.analysis.stats.barrier_table`), which a CSV cannot tell from letters over every item.

    >>> t = pd.DataFrame({"population": "buyers", "item": ["a", "b"], "n_base": [8, None], "count": [6, None],
    ...                   "pct_mentions": [0.75, None], "suppressed": [False, True]})
    >>> related_numbers({"t.csv": t})[["column", "reason"]].values.tolist()
    [['pct_mentions', 'related_number']]
    """
    rows = []
    for name, df in tables.items():
        flags = suppressed_flags(df)
        cols = [c for c in RELATIONS if c in df.columns and c != "letters"]  # letters: see above
        if not flags.any() or not cols or table_shape(df)[0] not in ("grouped", "flat"):
            continue
        touched, pops = related_cells(df.assign(suppressed=flags), group_column(df)), _population(df, name)
        for col in cols:
            for i in df.index[touched & df[col].map(_shown).astype(bool)]:
                rows.append(_finding(name, df, i, col, _cell(df, i, pops[i]), (math.nan, math.nan, 0),
                                     "related_number"))
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def check_numbers(tables: Mapping[str, pd.DataFrame], *, min_cell: int = 5,
                  protect: Sequence[str] | None = None) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Every check of this module on a set of published tables: the tables with derived counts filled in (for
    the linear program of :func:`etude.safety.recovery.audit_tables`) and the findings.

    >>> t = pd.DataFrame({"population": "companies", "item": ["a"], "n_base": [8], "count": [None],
    ...                   "pct": [0.25], "suppressed": [True]})
    >>> check_numbers({"t.csv": t})[1][["column", "low", "reason"]].values.tolist()
    [['pct', 2.0, 'derived'], ['pct', nan, 'suppressed_number']]
    """
    filled, derived = fill_derived(tables, min_cell=min_cell)
    parts = [pd.DataFrame(derived, columns=FINDING_COLUMNS), subgroup_findings(tables, min_cell=min_cell),
             small_group_findings(tables, min_cell=min_cell, protect=protect), suppressed_numbers(tables),
             related_numbers(tables)]
    parts = [p for p in parts if len(p)]
    found = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=FINDING_COLUMNS)
    return filled, found
