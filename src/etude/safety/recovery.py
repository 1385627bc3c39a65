"""What a reader can recover about suppressed cells from the counts a run publishes.

For every suppressed cell of a set of published tables (a run folder's ``tables/*.csv``), :func:`audit_tables`
computes its *feasible range*: the smallest and largest integer values compatible with every published count —
profile blocks summing to their total, grouped frequency tables and comparisons of groups
(``comparaison_types_acheteurs.csv``) summing to the overall ones (respondents without a group value as bounded
slack), a group's base bounded by its size, a count by its base,
non-negativity and integrality — each bound by a small integer linear program (``scipy.optimize.milp``,
:func:`feasible_ranges`). A range shorter than ``min_cell`` is a *finding*, except that a cell cannot be asked to
vary more than the smallest published total it belongs to (a suppressed count of an item cited twice in all can
only lie between 0 and 2; in a wave of 3 companies, whose overall row is itself suppressed, a group's base can only
lie between 0 and 3, the profile's ``n_total``). :func:`audit_run` reads a run folder; the findings are numbers
and codes, worded for ``etude audit RUN`` by :func:`etude.publish.present.confidentiality.audit_lines`.
:mod:`etude.safety.disclosure` uses the same programs to choose its secondary suppressions.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"population": "companies", "wave": 2018, "attribute": "size_class",
...                   "value": ["micro", "pme", "eti", "ge"], "n": [54, 42, 6, None], "n_total": 104,
...                   "suppressed": [False, False, False, True]})
>>> audit_tables({"profil_entreprises.csv": t})[["column", "low", "high"]].values.tolist()
[['n', 2, 2]]
"""
from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from etude.errors import ParameterError, check_min_cell
from etude.survey import codebook as cb

__all__ = ["audit_tables", "audit_run", "feasible_ranges", "check_min_cell", "table_shape", "rank_published",
           "withhold_relations", "related_cells", "RELATIONS",
           "row_populations", "group_column", "comparison_as_grouped", "themes_as_overall", "suppressed_flags",
           "whole_count", "FINDING_COLUMNS", "REST_GROUP", "THEME_COLUMNS"]

#: Columns of :func:`audit_tables` and :func:`audit_run`.
FINDING_COLUMNS = ["table", "row", "column", "cell", "low", "high", "required", "reason"]
_FREQ_KNOWN = {"population", "wave", "item", "label", "n_base", "count", "pct", "pct_mentions", "ci_low",
               "ci_high", "rank", "suppressed", "group", "group_label", "group_value"}
_BIG = 10 ** 7  # bound of every unknown of the linear programs (a count above it is « unbounded »)


def group_column(table: pd.DataFrame) -> str | None:
    """The group column of a frequency table: ``group_value``, or a respondent attribute named as a column."""
    if "group_value" in table.columns:
        return "group_value"
    attrs = {a for k in cb.populations() for a in cb.attributes(k)} - {"wave"}
    extra = [c for c in table.columns if c not in _FREQ_KNOWN and c in attrs]
    return extra[0] if extra else None


def table_shape(table: pd.DataFrame) -> tuple[str, str | None]:
    """``("profile", None)``, ``("grouped", group column)``, ``("flat", None)`` (an overall frequency table) or
    ``("other", None)``.

    >>> table_shape(pd.DataFrame(columns=["item", "n_base", "count", "group", "group_value"]))
    ('grouped', 'group_value')
    """
    cols = set(table.columns)
    if {"attribute", "value", "n"} <= cols:
        return "profile", None
    if {"item", "count", "n_base"} <= cols:
        group = group_column(table)
        return ("grouped", group) if group else ("flat", None)
    return "other", None


def row_populations(table: pd.DataFrame, population: str | None, name: str = "") -> pd.Series:
    """Population of each row: the ``population`` column, else ``population``, else guessed from the table's
    name (``entreprises`` → companies, ``acheteurs`` → buyers), else ``""``."""
    if "population" in table.columns:
        return table["population"].astype(str)
    if population is None:
        low = name.lower()
        population = ("companies" if any(w in low for w in ("entreprise", "compan", "firm"))
                      else "buyers" if any(w in low for w in ("acheteur", "buyer")) else "")
    return pd.Series(population, index=table.index, dtype=object)


# ------------------------------------------------------------------------------------------------ audit

def feasible_ranges(n_vars: int, equalities: Sequence[tuple[dict[int, float], float]],
                    inequalities: Sequence[tuple[dict[int, float], float]], targets: Sequence[int]
                    ) -> list[tuple[float, float]]:
    """Smallest and largest value of each target unknown over the non-negative integer solutions.

    ``equalities`` are ``({index: coefficient}, rhs)`` pairs meaning ``Σ coefficient·x[index] = rhs``;
    ``inequalities`` mean ``≤ rhs``. Each bound is one ``scipy.optimize.milp`` program; a bound above 10⁷ is
    ``inf``; an infeasible system gives ``(nan, nan)``.

    >>> feasible_ranges(2, [({0: 1, 1: 1}, 6)], [({0: 1}, 4)], [0, 1])
    [(0, 4), (2, 6)]
    """
    if not targets:
        return []
    from scipy.optimize import Bounds, LinearConstraint, milp  # here: importing it costs 0.5 s, rarely needed
    constraints = []
    for rows, low in ((equalities, True), (inequalities, False)):
        if rows:
            a = np.zeros((len(rows), n_vars))
            for i, (coefs, _) in enumerate(rows):
                for j, v in coefs.items():
                    a[i, j] += v
            b = np.array([float(rhs) for _, rhs in rows])
            constraints.append(LinearConstraint(a, b if low else -np.inf, b))
    out = []
    for j in targets:
        bounds = []
        for sign in (1.0, -1.0):
            c = np.zeros(n_vars)
            c[j] = sign
            res = milp(c, constraints=constraints, integrality=np.ones(n_vars), bounds=Bounds(0, _BIG))
            bounds.append(round(sign * res.fun) if res.status == 0 else math.nan)
        low, high = bounds
        out.append((low, math.inf if high >= _BIG * 0.9 else high))
    return out


def suppressed_flags(df: pd.DataFrame) -> pd.Series:
    """Which rows of a table read back from CSV are withheld (its ``suppressed`` column as written: ``True``,
    ``1`` or ``vrai``); all False without that column.

    >>> suppressed_flags(pd.DataFrame({"suppressed": ["True", "False", " vrai"]})).tolist()
    [True, False, True]
    """
    if "suppressed" not in df.columns:
        return pd.Series(False, index=df.index)
    return df["suppressed"].astype(str).str.strip().str.lower().isin(["true", "1", "vrai"])


def _numeric(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in ("n", "n_base", "count", "n_total"):
        if c in out.columns:
            out[c] = pd.to_numeric(out[c].replace("", np.nan), errors="coerce").astype(float)
    out["suppressed"] = suppressed_flags(df)
    for c in ("wave", "value", "group_value", "attribute", "group", "item"):
        if c in out.columns:
            out[c] = out[c].astype(str)
    return out


class _System:
    """Unknowns and linear relations of one (population, wave, attribute) block."""

    def __init__(self):
        self.index: dict[tuple, int] = {}
        self.eqs: list = []
        self.les: list = []

    def term(self, key: tuple, value: float) -> tuple[dict[int, float], float]:
        if pd.isna(value):
            return {self.index.setdefault(key, len(self.index)): 1.0}, 0.0
        return {}, float(value)

    def rel(self, lhs, rhs, op: str) -> None:
        coefs: dict[int, float] = {}
        const = 0.0
        for sign, terms in ((1.0, lhs), (-1.0, rhs)):
            for c, k in terms:
                for i, v in c.items():
                    coefs[i] = coefs.get(i, 0.0) + sign * v
                const += sign * k
        (self.eqs if op == "==" else self.les).append((coefs, -const))


def _add_profile(s: _System, name: str, part: pd.DataFrame, targets: list) -> dict[str, Any]:
    values = {}
    terms = []
    for i, r in part.iterrows():
        t = s.term(("p", name, i), r["n"])
        values.setdefault(str(r["value"]), t)
        terms.append(t)
        if r["suppressed"] and pd.isna(r["n"]):
            targets.append((("p", name, i), name, i, "n", (str(r["value"]), None),
                            r.get("n_total", math.nan)))
    total = part["n_total"].dropna() if "n_total" in part.columns else pd.Series(dtype=float)
    if len(total):
        s.rel(terms, [({}, float(total.iloc[0]))], "==")
    return values


def _cap(*totals: float) -> float:
    """The smallest published total that bounds a cell (NaN when none is published)."""
    known = [float(v) for v in totals if not pd.isna(v)]
    return min(known) if known else math.nan


def _first(values: pd.Series) -> float:
    values = values.dropna()
    return float(values.iloc[0]) if len(values) else math.nan


@dataclass(frozen=True)
class _Margins:
    """What bounds a grouped block from outside: the block's profile terms (value → term, ``None`` without a
    profile table), its overall frequency rows (``None`` without one), whether the overall counts are exact sums
    of the groups, and the profile's ``n_total``."""

    profile: dict | None = None
    overall: pd.DataFrame | None = None
    exact: bool = False
    total: float = math.nan


def _add_grouped(s: _System, name: str, part: pd.DataFrame, gcol: str, margins: _Margins, targets: list) -> None:
    """Relations of one grouped block; each suppressed cell's margin is the smallest published total that
    bounds it: the overall count, the overall base, the group's published size in the profile, the profile's
    ``n_total`` (a wave of 3 companies cannot hide a cell in more than 0–3)."""
    profile, overall, exact, total = margins.profile, margins.overall, margins.exact, margins.total
    rest = part[part["rest"].astype(bool)] if "rest" in part.columns else part.iloc[:0]
    part = part.drop(rest.index)
    nb, cells, sizes = {}, {}, {}
    n_all = _first(overall["n_base"]) if overall is not None else math.nan
    for g, rows in part.groupby(part[gcol].astype(str), sort=False):
        known = rows["n_base"].dropna()
        nb[g] = s.term(("b", name, g), known.iloc[0] if len(known) else math.nan)
        sizes[g] = math.nan
        if profile is not None and g in profile:
            s.rel([nb[g]], [profile[g]], "<=")
            sizes[g] = profile[g][1] if not profile[g][0] else math.nan
        if not len(known) and rows["suppressed"].any():
            targets.append((("b", name, g), name, rows.index[0], "n_base", (g, None), _cap(n_all, sizes[g], total)))
    for i, r in part.iterrows():
        g = str(r[gcol])
        t = s.term(("c", name, i), r["count"])
        s.rel([t], [nb[g]], "<=")
        cells.setdefault(str(r["item"]), []).append(t)
        if r["suppressed"] and pd.isna(r["count"]):
            c_all = _first(overall.loc[overall["item"] == str(r["item"]), "count"]) if overall is not None \
                else math.nan
            targets.append((("c", name, i), name, i, "count", (g, str(r["item"])),
                            _cap(c_all, n_all, sizes[g], total)))
    _rank_relations(s, name, part, gcol)
    _rest_relations(s, name, part, rest, gcol, nb)
    if overall is None:
        return
    slack = s.term(("sb", name), math.nan)
    if profile is not None:
        s.rel([slack], [profile["non_renseigne"]] if "non_renseigne" in profile else [], "<=" if
              "non_renseigne" in profile else "==")
    elif exact:
        s.rel([slack], [], "==")
    n_all = overall["n_base"].dropna()
    s.rel(list(nb.values()) + [slack], [s.term(("ob", name), n_all.iloc[0] if len(n_all) else math.nan)], "==")
    for item, terms in cells.items():
        row = overall[overall["item"] == item]
        if row.empty:
            continue
        si = s.term(("si", name, item), math.nan)
        s.rel([si], [slack], "<=")
        s.rel(terms + [si], [s.term(("oc", name, item), row["count"].iloc[0])], "==")


def _rest_relations(s: _System, name: str, part: pd.DataFrame, rest: pd.DataFrame, gcol: str, nb: dict) -> None:
    """A group set against « the rest » of its population: the rest's base is the sum of the other groups' bases,
    its count of an item the sum of their counts (a published rest gives a withheld group back by subtraction)."""
    counts = {(str(r[gcol]), str(r["item"])): s.term(("c", name, i), r["count"]) for i, r in part.iterrows()}
    for i, r in rest.iterrows():
        g, item = str(r[gcol]), str(r["item"])
        others = [h for h in nb if h != g]
        s.rel([s.term(("rb", name, i), r["n_base"])], [nb[h] for h in others], "==")
        if all((h, item) in counts for h in others):
            s.rel([s.term(("rc", name, i), r["count"])], [counts[(h, item)] for h in others], "==")


def _rank_relations(s: _System, name: str, part: pd.DataFrame, gcol: str) -> None:
    """What a ``rank`` column tells about the counts of each group of a grouped block.

    Ranks are by count, highest first, ties sharing the smallest rank (``method="min"``). Two ranked rows are
    ordered (a better rank is a count at least one higher; equal ranks, equal counts); a suppressed row's rank is
    not read (:func:`etude.safety.published.suppressed_numbers` reports it). A group with suppressed items ranks
    its published ones among themselves (:func:`rank_published`); when its published ranks skip instead (a rank
    over every item, suppressed ones included), the rank of each published count tells how many suppressed items
    count more: all of them (then each suppressed count is above it) or none (each is at most it) — a missing rank
    between two published ones places a lone suppressed item between their counts.
    """
    if "rank" not in part.columns:
        return
    ranks = pd.to_numeric(part["rank"].replace("", np.nan), errors="coerce").mask(part["suppressed"])
    for _, rows in part.groupby(part[gcol].astype(str), sort=False):
        shown = sorted((i for i in rows.index if not pd.isna(ranks[i])), key=lambda i: ranks[i])
        terms = {i: s.term(("c", name, i), rows.at[i, "count"]) for i in rows.index}
        for p, q in zip(shown, shown[1:]):
            if ranks[p] == ranks[q]:
                s.rel([terms[p]], [terms[q]], "==")
            else:
                s.rel([terms[q], ({}, 1.0)], [terms[p]], "<=")
        hidden = [i for i in rows.index if rows.at[i, "suppressed"] and pd.isna(rows.at[i, "count"])]
        counts = rows.loc[shown, "count"]
        if not hidden or not shown or counts.isna().any():
            continue
        above = {p: int(ranks[p]) - 1 - int((counts > counts[p]).sum()) for p in shown}  # suppressed items above
        if not any(above.values()):
            continue  # ranked among the published items: nothing about the suppressed ones
        for p, h in ((p, h) for p in shown for h in hidden):
            if above[p] == len(hidden):
                s.rel([terms[p], ({}, 1.0)], [terms[h]], "<=")
            elif above[p] == 0:
                s.rel([terms[h]], [terms[p]], "<=")


def rank_published(table: pd.DataFrame, group: str | None = None) -> pd.DataFrame:
    """A frequency table whose published rows rank among themselves in each group that has suppressed rows.

    A rank over every item, suppressed ones included, skips where a suppressed item stands and so places its
    count between two published ones (:func:`audit_tables` reads it). Here the published, ranked rows of such a
    group (``population``, ``wave``, ``group`` and the group column ``group`` when given) are ranked again on their
    counts (highest first, ties sharing the smallest rank); other rows and groups are left as they are.

    >>> t = pd.DataFrame({"item": ["a", "b", "c"], "count": [20, None, 18], "rank": [1, None, 3],
    ...                   "suppressed": [False, True, False]})
    >>> rank_published(t)["rank"].tolist()
    [1, <NA>, 2]
    """
    if "rank" not in table.columns or "suppressed" not in table.columns:
        return table
    flags = table["suppressed"].fillna(False).astype(bool)
    if not flags.any():
        return table
    ranked = ~flags & pd.to_numeric(table["rank"], errors="coerce").notna()
    counts = pd.to_numeric(table["count"], errors="coerce").where(ranked)
    touched = related_cells(table, group) & ranked
    new = counts.groupby(_block_keys(table, group), sort=False).rank(method="min", ascending=False)
    out = table.copy()
    out["rank"] = pd.to_numeric(out["rank"], errors="coerce").astype("Int64")
    out.loc[touched, "rank"] = new[touched].astype("Int64")
    return out


def _block_keys(table: pd.DataFrame, group: str | None) -> list[pd.Series]:
    """The keys of a frequency table's blocks: ``population``, ``wave``, ``group`` and the group column."""
    keys = [table[c].astype(str) for c in ("population", "wave", "group", group) if c and c in table.columns]
    return keys or [pd.Series("", index=table.index)]


#: Numbers of a published row that compare it with every item of its block, suppressed ones included: a share
#: of all the block's mentions (their sum is the suppressed count's complement) and the compact letters of the
#: paired tests (a letter shared with a suppressed item only bounds its count).
RELATIONS = ("pct_mentions", "letters")


def related_cells(table: pd.DataFrame, group: str | None = None) -> pd.Series:
    """The published rows of a block that has a suppressed row: where :data:`RELATIONS` would compare them with it.

    >>> t = pd.DataFrame({"item": ["a", "b", "c"], "count": [20, None, 18], "suppressed": [False, True, False]})
    >>> related_cells(t).tolist()
    [True, False, True]
    """
    if "suppressed" not in table.columns:
        return pd.Series(False, index=table.index)
    flags = table["suppressed"].fillna(False).astype(bool)
    return flags.groupby(_block_keys(table, group), sort=False).transform("any") & ~flags


def withhold_relations(table: pd.DataFrame, group: str | None = None) -> pd.DataFrame:
    """A frequency table whose blocks with a suppressed row publish no :data:`RELATIONS` (share of mentions,
    letters): both compare each published item with the suppressed one — with one item withheld, the share of
    mentions of any published item gives the block's total of mentions, hence the withheld count exactly. The
    analysis, which holds the respondents, may letter the published items again from tests among themselves
    (:func:`etude.analysis.stats.barrier_table` does).

    >>> t = pd.DataFrame({"item": ["a", "b", "c"], "count": [20, None, 18], "pct_mentions": [0.5, None, 0.45],
    ...                   "letters": ["a", None, "b"], "suppressed": [False, True, False]})
    >>> withhold_relations(t)[["pct_mentions", "letters"]].isna().all().tolist()
    [True, True]
    """
    cols = [c for c in RELATIONS if c in table.columns]
    touched = related_cells(table, group)
    if not cols or not touched.any():
        return table
    out = table.copy()
    for c in cols:
        out[c] = out[c].astype("object" if c == "letters" else "float64")
        out.loc[touched, c] = pd.NA if c == "letters" else math.nan
    return out


# ------------------------------------------------------------------------------------------------ comparisons

#: Columns of a comparison of the two populations by theme (``comparaison_themes.csv``).
THEME_COLUMNS = frozenset({"theme", "n_buyers", "pct_buyers", "n_companies", "pct_companies"})
#: ``group2`` of a comparison row that sets a group against all the other respondents (``pairs="vs_rest"`` of
#: :func:`etude.analysis.compare.compare_groups`, whose ``REST`` it equals: this layer cannot import it).
REST_GROUP = "_reste"
_PAIR_COLUMNS = {"code", "group1", "group2", "n1", "n2", "count1", "count2"}


def comparison_as_grouped(table: pd.DataFrame) -> pd.DataFrame:
    """A comparison of groups (``group1, group2, n1, n2, count1, count2`` per code) as the grouped frequency
    rows it publishes: one row per code and group (``group_value``, ``item``, ``n_base``, ``count``, NaN when
    withheld, ``suppressed`` when one is), and one per code and group set against « the rest »
    (:data:`REST_GROUP`), whose ``group_value`` is that group and ``rest`` is true: the rest's base and count.
    ``row`` is the spreadsheet row of the first comparison row that prints the cell.

    >>> t = pd.DataFrame({"code": ["moyens"], "group1": ["etat"], "group2": ["autre"], "n1": [17], "n2": [6],
    ...                   "count1": [10], "count2": [None]})
    >>> comparison_as_grouped(t)[["group_value", "n_base", "count", "suppressed"]].values.tolist()
    [['etat', 17.0, 10.0, False], ['autre', 6.0, nan, True]]
    """
    cells: dict[tuple, dict[str, Any]] = {}
    for pos, (_, r) in enumerate(table.iterrows()):
        for side in ("1", "2"):
            rest = side == "2" and str(r["group2"]) == REST_GROUP
            g = str(r["group1"] if rest else r[f"group{side}"])
            cell = cells.setdefault((str(r["code"]), g, rest), {
                "group_value": g, "item": str(r["code"]), "n_base": math.nan, "count": math.nan, "rest": rest,
                "row": pos + 2})
            for col, value in (("n_base", _number(r, f"n{side}")), ("count", _side_count(r, side))):
                if pd.isna(cell[col]) and not pd.isna(value):
                    cell[col] = float(value)
    out = pd.DataFrame(list(cells.values()), columns=["group_value", "item", "n_base", "count", "rest", "row"])
    out["suppressed"] = out["n_base"].isna() | out["count"].isna()
    return out


def _number(row: pd.Series, col: str) -> float:
    """A printed number of a row (NaN when blank or absent)."""
    value = row.get(col, math.nan)
    return float(pd.to_numeric(pd.Series([value]).replace("", np.nan), errors="coerce").iloc[0])


def whole_count(share: float, base: float) -> float:
    """``share × base`` when it is a whole number (a count a printed share and its base give back), else NaN.

    >>> whole_count(6 / 31, 31), whole_count(0.333, 31), whole_count(math.nan, 31)
    (6.0, nan, nan)
    """
    if pd.isna(share) or pd.isna(base):
        return math.nan
    x = share * base
    return float(round(x)) if abs(x - round(x)) < 1e-6 else math.nan


def _side_count(row: pd.Series, side: str) -> float:
    """The count of one side of a comparison row: printed, or its share times its base when whole."""
    count = _number(row, f"count{side}")
    return whole_count(_number(row, f"pct{side}"), _number(row, f"n{side}")) if pd.isna(count) else count


def themes_as_overall(table: pd.DataFrame) -> pd.DataFrame:
    """A comparison of the two populations by theme (``n_buyers``, ``pct_buyers``, ``n_companies``,
    ``pct_companies``) as overall frequency rows per population: each theme's base, count (share × base) and
    printed share, and the table's ``wave`` when it has one.

    >>> t = pd.DataFrame({"theme": ["interet"], "n_buyers": [31], "pct_buyers": [6 / 31], "n_companies": [98],
    ...                   "pct_companies": [5 / 98]})
    >>> themes_as_overall(t)[["population", "item", "n_base", "count"]].values.tolist()
    [['buyers', 'interet', 31.0, 6.0], ['companies', 'interet', 98.0, 5.0]]
    """
    parts = []
    for pop in ("buyers", "companies"):
        n = pd.to_numeric(table[f"n_{pop}"].replace("", np.nan), errors="coerce").astype(float)
        pct = pd.to_numeric(table[f"pct_{pop}"].replace("", np.nan), errors="coerce").astype(float)
        count = pd.Series([whole_count(p, b) for p, b in zip(pct, n)], index=table.index, dtype=float)
        part = pd.DataFrame({"population": pop, "item": table["theme"].astype(str), "n_base": n, "count": count,
                             "pct": pct})
        parts.append(part.assign(wave=table["wave"]) if "wave" in table.columns else part)
    out = pd.concat(parts, ignore_index=True)
    return out[out["n_base"].notna()]


def _latest_wave(profiles: Mapping[tuple, list], pop: str, groups: frozenset = frozenset(),
                 wave: str | None = None) -> tuple[str, str | None]:
    """The latest wave of ``pop`` among the profile blocks (a table without a ``wave`` column shows the latest
    wave, as the notebooks do by default), or ``wave`` when given, that has an attribute whose values hold every
    group of ``groups``, and that attribute."""
    keys = sorted((k for k in profiles if k[0] == pop and wave in (None, k[1])),
                  key=lambda k: (k[1].isdigit(), k[1]), reverse=True)
    for shown in dict.fromkeys(k[1] for k in keys):
        for key in (k for k in keys if k[1] == shown):
            values = {str(v) for _, part, _ in profiles[key] for v in part["value"]}
            if groups <= values:
                return shown, key[2]
    return (wave if wave is not None else keys[0][1] if keys else ""), None


def _said_wave(table: pd.DataFrame) -> str | None:
    """The wave a comparison table says it compares (its ``wave`` column, as the other tables write it), or
    ``None`` when it says none (no column, or blank: respondents of several waves).

    >>> _said_wave(pd.DataFrame({"wave": [2017.0, 2017.0]})), _said_wave(pd.DataFrame({"wave": [None]}))
    ('2017', None)
    """
    waves = pd.to_numeric(table["wave"], errors="coerce").dropna() if "wave" in table.columns else pd.Series()
    return str(int(waves.iloc[0])) if len(waves) else None


def _add_comparisons(tables: Mapping[str, pd.DataFrame], profiles: dict, grouped: dict, overall: dict) -> None:
    """Comparison tables of a run (groups compared by code, populations compared by theme) added to the blocks
    that :func:`_classify` read: a group comparison as a grouped block of the profile attribute whose values
    hold its groups, and a theme comparison as overall rows, in the wave the table says (its ``wave`` column;
    without one, the latest wave, the notebooks' default)."""
    for name, raw in tables.items():
        cols = set(raw.columns)
        said = _said_wave(raw)
        if THEME_COLUMNS <= cols:
            for pop, part in themes_as_overall(raw).groupby("population", sort=False):
                wave = said if said is not None else _latest_wave(profiles, pop)[0]
                key = (pop, wave)
                rows = part.assign(wave=wave, suppressed=False)
                overall[key] = pd.concat([overall[key], rows], ignore_index=True) if key in overall else rows
        elif _PAIR_COLUMNS <= cols:
            df = comparison_as_grouped(raw)
            pop = str(row_populations(raw, None, name).iloc[0]) if len(raw) else ""
            wave, attr = _latest_wave(profiles, pop, frozenset(df["group_value"]), said)
            df = df.assign(_pop=pop, _wave=wave, _attr=attr or "comparison")
            grouped.setdefault((pop, wave, df["_attr"].iloc[0] if len(df) else ""), []).append(
                (name, df, "group_value"))


def _classify(tables: Mapping[str, pd.DataFrame]):
    profiles, grouped, overall = {}, {}, {}
    for name, raw in tables.items():
        df = _numeric(raw)
        shape, gcol = table_shape(df)
        if shape not in ("profile", "grouped", "flat"):
            continue
        df["_pop"] = row_populations(df, None, name)
        df["_wave"] = df["wave"] if "wave" in df.columns else ""
        if shape == "profile":
            df["_attr"] = df["attribute"]
        elif shape == "grouped":
            df["_attr"] = df["group"] if "group" in df.columns else gcol
        if shape == "flat":
            for key, part in df.groupby(["_pop", "_wave"], sort=False):
                overall.setdefault(key, part)
            continue
        for key, part in df.groupby(["_pop", "_wave", "_attr"], sort=False):
            (profiles if shape == "profile" else grouped).setdefault(key, []).append((name, part, gcol))
    _add_comparisons(tables, profiles, grouped, overall)
    return profiles, grouped, overall


def audit_tables(tables: Mapping[str, pd.DataFrame], *, min_cell: int = 5,
                 exact_margins: bool = False) -> pd.DataFrame:
    """Suppressed cells that published counts pin down: their feasible range is shorter than ``min_cell``.

    Parameters
    ----------
    tables : mapping of name → DataFrame
        Every table published together (as read from ``tables/*.csv``). Recognised shapes: profile tables
        (``attribute, value, n, n_total``), grouped frequency tables (``item, n_base, count`` and
        ``group``/``group_value`` or an attribute column), overall frequency tables (``item, n_base,
        count`` only), comparisons of groups (``code, group1, group2, n1, n2, count1, count2``, read as a
        grouped block of the profile attribute that holds their groups, a group against « the rest » as the sum
        of the others: :func:`comparison_as_grouped`) and of the two populations by theme (each theme's base and
        count, overall rows: :func:`themes_as_overall`); the population comes from a ``population`` column or the
        table's name, and a comparison without a ``wave`` column is about the latest wave of the profile that
        holds its groups (the wave the notebooks show by default). A cell is suppressed when its row says
        ``suppressed`` and the cell is empty (a comparison's cell, when it is blank).
    min_cell : int, default 5
    exact_margins : bool, default False
        Take a grouped table's overall counts as exact sums of its groups (no respondent outside the groups).

    Returns
    -------
    DataFrame with :data:`FINDING_COLUMNS`: ``table``, ``row`` (spreadsheet row: the header is row 1),
    ``column``, ``cell`` (population, wave, attribute = value[, item]), ``low`` and ``high`` (the feasible
    range) and ``required`` (``min_cell``, or the cell's published total when smaller). ``attrs["checked"]``
    counts the suppressed cells checked.

    Examples
    --------
    >>> g = pd.DataFrame({"population": "companies", "wave": 2017, "group": "size_class",
    ...                   "group_value": ["micro", "ge250"], "item": "e_moyens", "n_base": [40, None],
    ...                   "count": [10, None], "suppressed": [False, True]})
    >>> o = pd.DataFrame({"population": ["companies"], "wave": [2017], "item": ["e_moyens"], "n_base": [43],
    ...                   "count": [12]})
    >>> tables = {"freins_par_groupe.csv": g, "freins.csv": o}
    >>> audit_tables(tables, exact_margins=True)[["column", "low", "high"]].values.tolist()
    [['n_base', 3, 3], ['count', 2, 2]]

    Without a profile table saying that every company gave its size, some of the 43 may be outside both
    groups: the ranges are then 0–3 and 0–2, still findings.
    """
    min_cell = check_min_cell(min_cell)
    profiles, grouped, overall = _classify(tables)
    positions = {(name, i): int(row) for parts in grouped.values() for name, part, _ in parts
                 if "row" in part.columns for i, row in part["row"].items()}
    rows, checked = [], 0
    for key in dict.fromkeys([*profiles, *grouped]):
        parts_p, parts_g = profiles.get(key, []), grouped.get(key, [])
        if not any(p["suppressed"].any() for _, p, _ in parts_p + parts_g):
            continue
        s, targets = _System(), []
        prof, total = None, math.nan
        for name, part, _ in parts_p:
            values = _add_profile(s, name, part, targets)
            if prof is None:
                prof, total = values, _first(part["n_total"]) if "n_total" in part.columns else math.nan
        for name, part, gcol in parts_g:
            _add_grouped(s, name, part, gcol, _Margins(prof, overall.get(key[:2]), exact_margins, total), targets)
        checked += len(targets)
        ranges = feasible_ranges(len(s.index), s.eqs, s.les, [s.index[t[0]] for t in targets])
        for (_, name, i, col, (value, item), margin), (low, high) in zip(targets, ranges):
            required = min(min_cell, margin) if not pd.isna(margin) else min_cell
            if pd.isna(low) or high - low < required:
                pos = positions.get((name, i)) or (int(tables[name].index.get_loc(i)) + 2
                                                   if i in tables[name].index else None)
                rows.append({"table": name, "row": pos, "column": col,
                             "cell": (key[0], key[1], key[2], value, item),
                             "low": low, "high": high, "required": required, "reason": "recovered"})
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    out.attrs["checked"] = checked
    return out


def _read_table(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ParameterError(f"{path} : table illisible ({type(exc).__name__})") from exc


def audit_run(run_dir: str | os.PathLike, *, min_cell: int = 5,
              protect: Sequence[str] | None = None) -> pd.DataFrame:
    """Every number of every published table of a run folder (``RUN/tables/*.csv``), and every number its text
    marks as a statement about respondents, read back.

    First the marked numbers of the text (:func:`etude.safety.statements.check_statements`: the sentences of the
    executed notebooks, from which the report, the slides, the deck and the PDF are rendered, and marks in the
    HTML pages): a number about a suppressed row, or that no table publishes, is a finding; one that fills a
    blank published cell is added to the tables. Then what each printed number of the tables gives back
    (:func:`etude.safety.published.check_numbers`: counts derived from shares and inverted interval bounds, shares
    computed on part of a group, published groups under ``min_cell`` of a protected population — ``protect``,
    default every population — and 0 % or 100 % in a group under ``2 × min_cell``, numbers left in suppressed
    rows), then :func:`audit_tables` on the counts with the derived ones filled in and the ranks read as order.
    The XLSX workbook and the figures show the numbers of these CSV tables (they are built from the same
    suppressed tables). Returns the findings (``table`` is the path relative to ``run_dir``, or where a sentence
    is; ``reason`` the check); empty when nothing is recovered or narrowed below
    ``min_cell``. ``attrs["checked"]`` counts the suppressed cells checked.
    """
    from etude.safety.published import check_numbers
    from etude.safety.statements import check_statements, run_marks
    root = Path(run_dir)
    if not root.is_dir():
        raise ParameterError(f"dossier d'exécution introuvable : {root}")
    folder = root / "tables" if (root / "tables").is_dir() else root
    tables = {p.relative_to(root).as_posix(): _read_table(p) for p in sorted(folder.glob("*.csv"))}
    tables, text = check_statements(tables, run_marks(root), min_cell=min_cell)
    filled, numbers = check_numbers(tables, min_cell=min_cell, protect=protect)
    counts = audit_tables(filled, min_cell=min_cell)
    parts = [p for p in (text, numbers, counts) if len(p)]
    out = pd.concat(parts, ignore_index=True)[FINDING_COLUMNS] if parts else counts
    out.attrs["checked"] = counts.attrs.get("checked", 0)
    return out
