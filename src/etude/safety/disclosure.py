"""Disclosure control: what a run may publish about small groups of protected respondents.

One rule for the whole study (:func:`etude.publish.present.confidentiality.suppression_rule` states it, once, in
the report: this module computes and has no words). For the protected
populations (:data:`PROTECTED`: companies; public buyers are institutions named in public sources),
:func:`suppress_small` prepares a table for publication in four steps:

1. **merging** — categories declared ``merge`` in the codebook (``data/codebook/codebook.yaml``; the ETI and
   GE size classes are published as « 250 salariés et plus ») are published merged, never one by one;
2. **primary suppression** — a group of fewer than ``min_cell`` respondents (1 ≤ base < ``min_cell``) publishes
   no number, not even its size ``n`` or its base ``n_base``;
3. **secondary suppression** — more groups of the same block (same population, wave and attribute) are
   suppressed, smallest first, until no suppressed cell can be recovered or narrowed by subtraction from the
   published totals;
4. **groups of 0** — a block still unsafe once every group is suppressed (its respondents all share one value,
   say the 3 firms of a wave are all micro-enterprises: a lone « n.d. » row equals the published total) also
   lists the attribute's other codebook values (:func:`universe`), as suppressed groups of 0, in the profile
   and in the grouped barrier table alike; every row of such a block reads « n.d. », none « < min_cell ».

"Recovered or narrowed" is measured by :mod:`etude.safety.recovery` (re-exported here: :func:`audit_run`,
:func:`audit_tables`): the feasible range of each suppressed cell over every published count, by small integer
linear programs; a range shorter than ``min_cell`` is a finding. ``etude audit RUN`` prints the findings of a run
folder.

Which groups are suppressed is decided once per block from the respondent data: :func:`etude.analysis.stats.profile`
and :func:`etude.analysis.stats.frequencies` record the group counts (:func:`group_counts`) so that the profile and the
grouped barrier table of the same respondents suppress the same groups.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"population": "companies", "attribute": "size_class", "value": ["micro", "pme", "ge"],
...                   "label": ["Micro", "PME", "GE"], "n": [50, 34, 2], "n_total": 86, "pct": [.58, .40, .02]})
>>> suppress_small(t, merge=False)[["value", "n", "suppressed"]]
   value     n  suppressed
0  micro    50       False
1    pme  <NA>        True
2     ge  <NA>        True
>>> audit_tables({"profil.csv": t.assign(n=[50, 34, None], suppressed=[False, False, True])})[
...     ["column", "low", "high"]].values.tolist()
[['n', 2, 2]]
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from etude.errors import ParameterError
from etude.safety.neighbours import fold_profile, fold_small, neighbours
from etude.safety.neighbours import merge_rows as _merge_rows
from etude.safety.recovery import (
    FINDING_COLUMNS,
    audit_run,
    audit_tables,
    check_min_cell,
    feasible_ranges,
    rank_published,
    row_populations,
    table_shape,
    withhold_relations,
)
from etude.survey import codebook as cb
from etude.survey.context import DEFAULT, OPT_IN, PROTECTED, Context, protected_populations

__all__ = [
    "suppress_small", "publishable", "group_counts", "merges", "merge_categories", "merge_values", "value_order",
    "universe", "neighbours", "protected_populations", "whole_group", "whole_group_cells", "OPT_IN",
    "check_min_cell", "feasible_ranges", "audit_tables", "audit_run",
    "PROTECTED", "VALUE_COLUMNS", "CROSSED", "FINDING_COLUMNS",
]

#: Columns a suppressed cell loses (those present in the table); its base (``n_base``) is blanked too.
VALUE_COLUMNS = ("n", "count", "pct", "pct_all", "pct_mentions", "ci_low", "ci_high", "rank", "letters")
#: Attributes by which the study publishes grouped barrier tables (notebook 02, ``tables/freins_par_groupe.csv``):
#: the suppression plan of these attributes' profile blocks also protects the grouped table, so that both
#: suppress the same groups. Other attributes' profiles are planned on their own.
CROSSED = {"buyers": ("buyer_type",), "companies": ("size_class",)}

_POPULATIONS = ("buyers", "companies")


def publishable(population: str, n: Any, *, min_cell: int = 5, protect: Sequence[str] | None = PROTECTED) -> bool:
    """The study's one small-group rule as a predicate: may a group of ``n`` respondents be published?

    A group of a protected population with 1 ≤ n < ``min_cell`` may not (0 reveals nothing); groups of other
    populations (opted out, :func:`protected_populations`) always may. For modules that withhold or test groups
    themselves, so that every table applies the same rule (secondary suppression still needs :func:`suppress_small`).

    >>> publishable("companies", 4), publishable("companies", 5), publishable("buyers", 4)
    (False, True, False)
    >>> publishable("buyers", 4, protect=protected_populations(True))
    True
    """
    min_cell = check_min_cell(min_cell)
    if protect is not None and population not in protect:
        return True
    return pd.isna(n) or not (1 <= float(n) < min_cell)


def _require(df: pd.DataFrame, columns) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ParameterError("colonnes absentes de la table : " + ", ".join(missing)
                             + " ; colonnes présentes : " + ", ".join(map(str, df.columns)))


# ------------------------------------------------------------------------------------------------ merges

def merges(population: str, attribute: str | None = None, *, codebook=None) -> list[dict[str, Any]]:
    """Category merges declared for publication in the codebook (``merge`` under an attribute).

    Returns one dict per merge: ``attribute, code, label_fr, label_en, members`` (codes as str); ``[]`` for
    an unknown population or attribute.

    >>> [(m["code"], m["members"]) for m in merges("companies", "size_class")]
    [('ge250', ['eti', 'ge'])]
    """
    if population not in cb.populations(codebook):
        return []
    out = []
    for name, spec in cb.attributes(population, codebook=codebook).items():
        if attribute is not None and name != attribute:
            continue
        for m in (spec or {}).get("merge") or []:
            out.append({"attribute": name, "code": str(m["code"]), "label_fr": m["label_fr"],
                        "label_en": m["label_en"], "members": [str(x) for x in m["members"]]})
    return out


def merge_values(values: pd.Series, population: str, attribute: str, *, protect: Sequence[str] | None = PROTECTED,
                 codebook=None, min_cell: int | None = None) -> pd.Series:
    """Each respondent's value of ``attribute`` as published: the members of a codebook merge (:func:`merges`)
    replaced by the merge's code, for a protected population; with ``min_cell``, a group smaller than it also
    joins its declared neighbour (:func:`neighbours`); other values and NA unchanged (object dtype).

    Counting the merged group from these values gives every column of its row (base, shares over answers and
    over all respondents, interval, rank, paired tests) from its respondents, where summing the members' rows
    could only give counts.

    >>> merge_values(pd.Series(["micro", "eti", "ge", None]), "companies", "size_class").tolist()
    ['micro', 'ge250', 'ge250', None]
    >>> merge_values(pd.Series(["etat"]), "buyers", "buyer_type").tolist()
    ['etat']
    >>> merge_values(pd.Series(["etat"] * 5 + ["sante"]), "buyers", "buyer_type", min_cell=5).tolist()[-1]
    'autre'
    """
    out = values.astype(object).where(values.notna(), None)
    if protect is not None and population not in protect:
        return out
    for m in merges(population, attribute, codebook=codebook):
        out = out.where(~out.astype(str).isin(m["members"]) | out.isna(), m["code"])
    if min_cell is not None:
        into = fold_small(out.dropna().astype(str).value_counts().to_dict(),
                           neighbours(population, attribute, codebook=codebook), min_cell)
        out = out.map(lambda v: into.get(str(v), v) if v is not None else None)
    return out


def value_order(population: str, attribute: str, *, protect: Sequence[str] | None = PROTECTED,
                codebook=None) -> list[str]:
    """The codebook values of ``attribute`` in codebook order, merged as :func:`merge_values` publishes them.

    >>> value_order("companies", "size_class")
    ['micro', 'pme', 'ge250']
    """
    if protect is not None and population not in protect:
        return [str(c) for c in cb.attribute_values(population, attribute, codebook=codebook)["code"]]
    return _codes(population, attribute, set(), codebook)


def _protected(pops: pd.Series, protect: Sequence[str] | None) -> pd.Series:
    if protect is None:
        return pd.Series(True, index=pops.index)
    return pops.isin(list(protect)) | (pops == "")


def _lang_of(labels: Sequence[Any], members: Sequence[str], population: str, attribute: str, codebook) -> str:
    vals = cb.attribute_values(population, attribute, codebook=codebook)
    english = set(vals[vals["code"].astype(str).isin(members)]["label_en"])
    return "en" if any(str(x) in english for x in labels) else "fr"


def _interval(count: float, n_base: float, alpha: float, method: str) -> tuple[float, float]:
    if not n_base or pd.isna(count) or pd.isna(n_base):
        return math.nan, math.nan
    from statsmodels.stats.proportion import proportion_confint  # imported when needed: seconds to import
    low, high = proportion_confint(int(count), int(n_base), alpha=alpha, method=method)
    return float(np.clip(low, 0, 1)), float(np.clip(high, 0, 1))


def _rerank(t: pd.DataFrame, rows: pd.Series, keys: list[str], item_order: dict[str, int]) -> pd.DataFrame:
    """Recompute ``rank`` (and ``pct_mentions``) of merged groups and sort their rows by it."""
    t = t.reset_index(drop=True)
    perm = list(range(len(t)))
    for _, part in t[rows.to_numpy()].groupby(keys, sort=False, dropna=False):
        counts = pd.to_numeric(part["count"], errors="coerce")
        rank = counts.rank(method="min", ascending=False)
        if "rank" in t.columns:
            t.loc[part.index, "rank"] = rank.astype(int).to_numpy()
        if "pct_mentions" in t.columns:
            total = counts.sum()
            t.loc[part.index, "pct_mentions"] = (counts / total).to_numpy() if total else math.nan
        order = sorted(part.index, key=lambda i: (rank[i], item_order.get(str(t.at[i, "item"]), 999), i))
        for slot, i in zip(sorted(part.index), order):
            perm[slot] = i
    return t.iloc[perm].reset_index(drop=True)


def merge_categories(table: pd.DataFrame, *, protect: Sequence[str] | None = PROTECTED,
                     population: str | None = None, codebook=None, min_cell: int | None = None) -> pd.DataFrame:
    """Merge the codebook's declared categories (:func:`merges`) in a profile or grouped frequency table.

    Rows of protected populations whose value is a member of a merge become one row with the merge's code
    and label (French or English, like the table's labels): counts and bases are summed, shares, intervals
    (``attrs["alpha"]``, ``attrs["ci_method"]``), ranks and shares of mentions recomputed; in a grouped
    frequency table ``pct_all`` is recomputed from the group sizes of ``attrs["groups"]`` (else blank) and the
    letters blanked (no member's value survives). A grouped table counted from merged respondents
    (:func:`merge_values`, as :func:`etude.analysis.stats.frequencies` does) has no member row: nothing to merge.
    Other tables are returned unchanged (a copy). With ``min_cell``, a profile's groups smaller than it are also
    summed into their declared neighbour (:func:`neighbours`) in their block.

    >>> t = pd.DataFrame({"population": "companies", "attribute": "size_class", "value": ["micro", "eti", "ge"],
    ...                   "label": ["Micro", "ETI", "GE"], "n": [50, 4, 2], "n_total": 56, "pct": [.9, .07, .03]})
    >>> merge_categories(t)[["value", "n", "pct"]].values.tolist()
    [['micro', 50, 0.9], ['ge250', 6, 0.10714285714285714]]
    """
    shape, group = table_shape(table)
    out = table.copy()
    if shape not in ("profile", "grouped"):
        return out
    population = population or table.attrs.get("population")
    pops = row_populations(out, population)
    protected = _protected(pops, protect)
    if shape == "profile" and min_cell is not None:
        out = fold_profile(out, pops, protected, min_cell, codebook)
        pops = row_populations(out, population)
        protected = _protected(pops, protect)
    for pop in _POPULATIONS:
        for m in merges(pop, codebook=codebook):
            in_population = protected & ((pops == pop) | (pops == ""))
            if shape == "profile":
                sel = in_population & (out["attribute"] == m["attribute"]) & out["value"].astype(str).isin(m["members"])
            else:
                attr = out["group"] if "group" in out.columns else pd.Series(group, index=out.index)
                sel = in_population & (attr == m["attribute"]) & out[group].astype(str).isin(m["members"])
            if not sel.any():
                continue
            out = (_merge_profile if shape == "profile" else _merge_grouped)(out, sel, m, pop, group, codebook)
            pops = row_populations(out, population)
            protected = _protected(pops, protect)
    out.attrs.update(table.attrs)
    return out


def _merge_profile(t, sel, m, population, _group, codebook):
    lang = _lang_of(t.loc[sel, "label"] if "label" in t.columns else [], m["members"], population, m["attribute"],
                    codebook)
    keys = [c for c in ("population", "wave", "attribute") if c in t.columns]

    def make(part):
        row = part.iloc[0].to_dict()
        n = pd.to_numeric(part["n"], errors="coerce").sum()
        row.update({"value": m["code"], "n": int(n)})
        if "label" in row:
            row["label"] = m[f"label_{lang}"]
        if "pct" in row and "n_total" in row:
            row["pct"] = n / row["n_total"] if row["n_total"] else math.nan
        return row
    return _merge_rows(t, sel, keys, make)


def _group_size(groups: dict, population: str, wave: Any, m: dict) -> int | None:
    """Respondents of a merge's members in one wave, from :func:`group_counts` (None when not recorded)."""
    for w in (str(wave), ""):
        sizes = [groups.get((population, w, m["attribute"], v)) for v in m["members"]]
        if any(sizes):
            return sum(g["n"] for g in sizes if g)
    return None


def _merge_grouped(t, sel, m, population, group, codebook):
    """Members' rows of a grouped table summed into the merge's row: the fallback for a table counted before
    merging (:func:`etude.analysis.stats.frequencies` counts the merged group from its respondents, and then
    there is nothing to merge here). Counts, bases, shares, interval, rank and shares of mentions are
    recomputed, ``pct_all`` from the group sizes in ``attrs["groups"]``; letters cannot be: they are blanked."""
    labels = t.loc[sel, "group_label"] if "group_label" in t.columns else []
    lang = _lang_of(labels, m["members"], population, m["attribute"], codebook)
    keys = [c for c in ("population", "wave", "group") if c in t.columns] + ["item"]
    alpha, method = t.attrs.get("alpha", 0.05), t.attrs.get("ci_method", "wilson")

    def make(part):
        row = part.iloc[0].to_dict()
        count = pd.to_numeric(part["count"], errors="coerce").sum()
        n_base = pd.to_numeric(part["n_base"], errors="coerce").sum()
        row.update({group: m["code"], "count": int(count), "n_base": int(n_base)})
        if "group_label" in row:
            row["group_label"] = m[f"label_{lang}"]
        if "pct" in row:
            row["pct"] = count / n_base if n_base else math.nan
        if "pct_all" in row:  # over all the group's respondents: their number, when the table recorded it
            n_all = _group_size(t.attrs.get("groups") or {}, population, row.get("wave", ""), m)
            row["pct_all"] = count / n_all if n_all else math.nan
        if "ci_low" in row:
            row["ci_low"], row["ci_high"] = _interval(count, n_base, alpha, method)
        if "letters" in row:  # paired tests need the respondents: etude.analysis.stats.frequencies merges them
            row["letters"] = pd.NA
        return row
    out = _merge_rows(t, sel, keys, make)
    order = {c: i for i, c in enumerate(cb.items(population, codebook=codebook)["code"])}
    merged = out[group].astype(str) == m["code"]
    return _rerank(out, merged, [c for c in ("population", "wave", "group") if c in out.columns] + [group], order)


# ------------------------------------------------------------------------------------------------ study-wide plan

_MISSING = "non_renseigne"


def _population_of(df: pd.DataFrame, items: Sequence[str] | None, codebook) -> str | None:
    if "population" in df.columns and df["population"].nunique() == 1:
        return str(df["population"].iloc[0])
    for k in cb.populations(codebook):
        if items and set(items) <= set(cb.items(k, codebook=codebook)["code"]):
            return k
    return None


def group_counts(df: pd.DataFrame, attributes: str | Sequence[str], *, population: str | None = None,
                 items: Sequence[str] | None = None, by_wave: bool = True,
                 codebook=None) -> dict[tuple, dict[str, Any]]:
    """What the respondent data say about each group, for one study-wide suppression plan.

    :func:`etude.analysis.stats.profile` and :func:`etude.analysis.stats.frequencies` (with ``by``) record this in their
    result's ``attrs["groups"]``, so that :func:`suppress_small` suppresses the same groups in the profile
    and in the grouped barrier table of the same respondents (each table alone could be safe while the two
    together give a cell away).

    Returns
    -------
    dict
        ``(population, wave, attribute, value) → {"n", "n_base", "counts"}`` as str keys and ints: respondents
        of the group, those who answered the barrier question (``items``, default the population's barrier
        items) and how many cited each item. Respondents without a value are the group ``non_renseigne``.
        Without ``by_wave`` (a table pooling its waves), the wave key is ``""``.

    Examples
    --------
    >>> t = pd.DataFrame({"population": "companies", "wave": 2017, "size_class": ["micro", "micro", "ge"],
    ...                   "e_moyens": pd.array([True, False, None], dtype="boolean")})
    >>> group_counts(t, "size_class", items=["e_moyens"])[("companies", "2017", "size_class", "micro")]
    {'n': 2, 'n_base': 2, 'counts': {'e_moyens': 1}}
    """
    attributes = [attributes] if isinstance(attributes, str) else list(attributes)
    population = population or _population_of(df, items, codebook)
    if population not in cb.populations(codebook):
        return {}
    if items is None:
        items = [c for c in cb.items(population, codebook=codebook)["code"] if c in df.columns]
    items = [c for c in items if c in df.columns]
    answered = df[items].notna().any(axis=1) if items else pd.Series(False, index=df.index)
    ticked = {c: df[c].fillna(False).astype(bool) & answered for c in items}
    waves = df["wave"].astype(str) if by_wave and "wave" in df.columns else pd.Series("", index=df.index)
    out = {}
    for attr in [a for a in attributes if a in df.columns and a != "wave"]:
        values = df[attr].astype(object).where(df[attr].notna(), _MISSING).astype(str)
        for (w, v), idx in pd.DataFrame({"w": waves, "v": values}).groupby(["w", "v"], sort=False).groups.items():
            out[(population, w, attr, v)] = {"n": len(idx), "n_base": int(answered[idx].sum()),
                                       "counts": {c: int(ticked[c][idx].sum()) for c in items}}
    return out


def _plan_tables(groups: dict[str, dict], hidden: set[str]) -> dict[str, pd.DataFrame]:
    """The profile block and the grouped barrier block these group counts give, with ``hidden`` blanked."""
    values = list(groups)
    n = [groups[v]["n"] for v in values]
    prof = pd.DataFrame({"population": "p", "wave": "w", "attribute": "a", "value": values, "n": n,
                         "n_total": sum(n), "suppressed": [v in hidden for v in values]})
    prof["n"] = prof["n"].mask(prof["suppressed"])
    items = list(next(iter(groups.values()))["counts"]) if groups else []
    rows = [{"population": "p", "wave": "w", "group": "a", "group_value": v, "item": i,
             "n_base": groups[v]["n_base"], "count": groups[v]["counts"][i], "suppressed": v in hidden}
            for v in values if v != _MISSING for i in items]
    grouped = pd.DataFrame(rows, columns=["population", "wave", "group", "group_value", "item", "n_base", "count",
                                          "suppressed"])
    grouped[["n_base", "count"]] = grouped[["n_base", "count"]].astype(float).mask(grouped["suppressed"], axis=0)
    overall = pd.DataFrame({"population": "p", "wave": "w", "item": items,
                            "n_base": sum(g["n_base"] for g in groups.values()),
                            "count": [sum(g["counts"][i] for g in groups.values()) for i in items]})
    return {"profil": prof, "groupes": grouped, "ensemble": overall}


def _joint_plan(groups: dict[str, dict], min_cell: int, spare: Sequence[str] = ()) -> set[str]:
    """Groups to suppress so that the profile and the grouped barrier table, published together, are safe.

    When hiding every group still leaves a cell recoverable (one group holds every respondent: a lone « n.d. »
    row equals the published total), the ``spare`` values (the attribute's other codebook values, no
    respondent) are added as suppressed groups of 0, so that no row tells which value holds the respondents.
    """
    hidden = {v for v, g in groups.items()
              if 1 <= g["n"] < min_cell or (v != _MISSING and 1 <= g["n_base"] < min_cell)}
    while hidden:
        if audit_tables(_plan_tables(groups, hidden), min_cell=min_cell).empty:
            return hidden
        free = sorted((g["n"], i, v) for i, (v, g) in enumerate(groups.items()) if v not in hidden and g["n"] >= 1)
        if not free:
            break
        hidden.add(free[0][2])
    spare = [v for v in spare if v not in groups]
    if hidden and spare:
        items = list(next(iter(groups.values()))["counts"])
        zero = {"n": 0, "n_base": 0, "counts": dict.fromkeys(items, 0)}
        return hidden | set(spare) if audit_tables(_plan_tables({**groups, **dict.fromkeys(spare, zero)},
                                                                hidden | set(spare)), min_cell=min_cell).empty \
            else hidden
    return hidden


def _merged_groups(info: dict, key: tuple, table_values: set[str], codebook) -> dict[str, dict] | None:
    """The recorded groups of one (population, wave, attribute) block, merged like the table, or None."""
    pop, wave, attr = key
    groups = {k[3]: v for k, v in info.items() if k[:3] == (pop, wave, attr)}
    if not groups:
        return None
    for m in merges(pop, attr, codebook=codebook):
        if m["code"] in table_values and any(v in groups for v in m["members"]):
            parts = [groups.pop(v) for v in m["members"] if v in groups]
            groups[m["code"]] = {"n": sum(p["n"] for p in parts), "n_base": sum(p["n_base"] for p in parts),
                                 "counts": {i: sum(p["counts"][i] for p in parts) for i in parts[0]["counts"]}}
    near = neighbours(pop, attr, codebook=codebook)
    for v in [v for v in list(groups) if v not in table_values and v in near and v != _MISSING]:
        target = near[v]
        while target not in table_values and target in near:
            target = near[target]
        if target in groups and target in table_values:
            a, b = groups.pop(v), groups[target]
            groups[target] = {"n": a["n"] + b["n"], "n_base": a["n_base"] + b["n_base"],
                              "counts": {i: a["counts"].get(i, 0) + b["counts"].get(i, 0) for i in b["counts"]}}
    known = set(groups) - {_MISSING}
    return groups if table_values - {_MISSING} <= known else None


def universe(population: str, attribute: str, *, present: set[str] | frozenset = frozenset(), codebook=None
             ) -> list[str]:
    """The codebook values of an attribute absent from ``present``, merged as published (:func:`merges`).

    The groups of 0 that a block whose respondents all share one value publishes as « n.d. » beside it: a
    lone suppressed row would equal the published total. A merge's members stay apart when the table shows
    one of them unmerged. ``[]`` for an attribute without codebook values.

    >>> universe("companies", "size_class", present={"micro"})
    ['pme', 'ge250']
    """
    return [c for c in _codes(population, attribute, set(present), codebook) if c not in present]


def _codes(population: str, attribute: str, present: set[str], codebook) -> list[str]:
    """Every codebook value of an attribute, in codebook order, merged unless ``present`` shows a member."""
    if population not in cb.populations(codebook) or attribute == "wave" \
            or attribute not in cb.attributes(population, codebook=codebook):
        return []
    codes = [str(c) for c in cb.attribute_values(population, attribute, codebook=codebook)["code"]]
    for m in merges(population, attribute, codebook=codebook):
        if present & set(m["members"]):
            continue
        at = min((codes.index(c) for c in m["members"] if c in codes), default=len(codes))
        codes = [c for c in codes[:at] if c not in m["members"]] + [m["code"]] \
            + [c for c in codes[at:] if c not in m["members"]]
    return codes


def _value_labels(population: str, attribute: str, shown: Sequence[Any], codebook) -> dict[str, str]:
    vals = cb.attribute_values(population, attribute, codebook=codebook)
    ms = merges(population, attribute, codebook=codebook)
    english = set(vals["label_en"]) | {m["label_en"] for m in ms}
    lang = "en" if any(str(x) in english for x in shown) else "fr"
    out = dict(zip(vals["code"].astype(str), vals[f"label_{lang}"]))
    out.update({m["code"]: m[f"label_{lang}"] for m in ms})
    return out


def _with_covers(t, mask, primary, covers, shape, group, codebook):
    """Add each covered block's groups of 0 as suppressed rows (copies of the block's first group with no
    number), the block's rows in codebook order; returns the table, its mask and the primary rows' labels."""
    unit_col, label_col = ("value", "label") if shape == "profile" else (group, "group_label")
    numbers = [c for c in dict.fromkeys((*VALUE_COLUMNS, "n_base")) if c in t.columns]
    pieces = {}
    for first, (idx, spare, population, attr) in covers.items():
        block = t.loc[idx].assign(_origin=list(idx))
        units = block[unit_col].astype(str)
        labels = _value_labels(population, attr, block[label_col] if label_col in block.columns else [], codebook)
        new = []
        for v in spare:
            part = block[(units == units.iloc[0]).to_numpy()].assign(_origin=None, **{unit_col: v})
            if label_col in part.columns:
                part[label_col] = labels.get(v, v)
            for c in numbers:
                part[c] = None
            new.append(part)
        both = pd.concat([block, *new], ignore_index=True)
        rank = {u: i for i, u in enumerate(_codes(population, attr, set(units), codebook))}
        key = [(u == _MISSING, rank.get(u, len(rank))) for u in both[unit_col].astype(str)]
        pieces[first] = both.iloc[sorted(range(len(both)), key=lambda j: (key[j], j))]
    covered = {i for idx, *_ in covers.values() for i in idx}
    frames = [pieces[i] if i in pieces else t.loc[[i]].assign(_origin=[i]) for i in t.index
              if i in pieces or i not in covered]
    out = pd.concat(frames, ignore_index=True)
    origin = out.pop("_origin").tolist()
    for c in numbers:
        if pd.api.types.is_integer_dtype(t[c]):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("Int64")
        elif pd.api.types.is_float_dtype(t[c]):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    out.attrs.update(t.attrs)
    flags = pd.Series([o is None or bool(mask[o]) for o in origin], index=out.index)
    # no row of a covered block is « < min_cell »: that mark would tell which value holds the respondents
    return out, flags, {j for j, o in enumerate(origin) if o is not None and o in primary and o not in covered}


# ------------------------------------------------------------------------------------------------ suppression

def suppress_small(table: pd.DataFrame, *, ctx: Context = DEFAULT, base: str | None = None,
                   population: str | None = None, columns: Sequence[str] | None = None, merge: bool = True,
                   secondary: bool = True, crossed: Mapping[str, Sequence[str]] = CROSSED) -> pd.DataFrame:
    """Small-cell protection for publication: merge, then primary and secondary suppression.

    Parameters
    ----------
    table : DataFrame
        A table of :func:`etude.analysis.stats.frequencies` (base ``n_base``; grouped with ``by`` or not),
        :func:`etude.analysis.stats.barrier_table`, :func:`etude.analysis.stats.profile` (base ``n``) or alike.
    ctx : etude.survey.Context, default the default settings
        The study's settings: ``ctx.min_cell`` (a group whose base is below it, 1 ≤ base < ``min_cell``, is
        suppressed; a base of 0 is kept), ``ctx.protect`` (populations whose small groups are suppressed, both by
        default; ``None`` protects every row) and ``ctx.codebook``.
    base : str, optional
        Column holding the group's respondent count; default ``n_base`` if present, else ``n``.
    population : str, optional
        Population of every row, for tables without a ``population`` column; without either, every row is
        treated as protected.
    columns : sequence of str, optional
        Columns blanked in a suppressed row (the base column always is); default those of
        :data:`VALUE_COLUMNS` present.
    merge : bool, default True
        First merge the categories the codebook declares (:func:`merge_categories`).
    secondary : bool, default True
        Also suppress the groups that would give the suppressed ones away by subtraction. Turn it off only to
        look at primary suppression alone (say, in a test of display code): such a table is not safe to publish.
    crossed : mapping, default :data:`CROSSED`
        Attributes whose grouped barrier tables are published: their profile blocks are planned jointly with
        the grouped table, from the counts in ``attrs["groups"]`` (:func:`group_counts`).

    Returns
    -------
    DataFrame
        A copy with the numbers of suppressed rows, their base included, set to NA (integer columns become
        nullable ``Int64``) and a boolean ``suppressed`` column; ``attrs["primary"]`` lists the index labels
        of the rows suppressed for their own size (shown « < min_cell »; the others are shown « n.d. »).
        Totals (``n_total``) stay exact. In a profile table (blocks of ``attribute`` values per wave, summing
        to ``n_total``) and a grouped frequency table (blocks of groups per wave, summing to the overall
        table), more groups are suppressed, smallest first, until no suppressed cell of the block can be
        recovered by subtraction (:func:`audit_tables`); a block that stays unsafe gains suppressed rows for
        the attribute's other codebook values (groups of 0, :func:`universe`), in codebook order, and none of
        its rows is listed in ``attrs["primary"]``. Rows already flagged ``suppressed`` stay so.

    Examples
    --------
    >>> t = pd.DataFrame({"population": ["companies", "companies", "buyers"], "n_base": [4, 5, 4],
    ...                   "count": [1, 2, 3], "pct": [0.25, 0.4, 0.75]})
    >>> suppress_small(t)
      population  n_base  count  pct  suppressed
    0  companies    <NA>   <NA>  NaN        True
    1  companies       5      2  0.4       False
    2     buyers    <NA>   <NA>  NaN        True
    """
    min_cell, protect = ctx.min_cell, ctx.protect  # a Context's threshold is an int ≥ 1 (it checks)
    if base is None:
        base = "n_base" if "n_base" in table.columns else "n"
    _require(table, [base])
    t = merge_categories(table, protect=protect, population=population, codebook=ctx.codebook,
                         min_cell=min_cell) if merge else table.copy()
    t = t.reset_index(drop=True) if merge else t
    protected = _protected(row_populations(t, population), protect)
    n = pd.to_numeric(t[base], errors="coerce")
    mask = protected & n.notna() & (n >= 1) & (n < min_cell)
    primary = set(t.index[mask]) | set(table.attrs.get("primary", []))
    if "suppressed" in t.columns:
        mask |= t["suppressed"].fillna(False).astype(bool)
    shape, group = table_shape(t)
    covers: dict = {}
    if secondary and shape in ("profile", "grouped") and t.attrs.get("groups"):
        mask = _planned(t, mask, protected, ctx, population, crossed, covers)
    if shape == "grouped":
        whole = whole_group_cells(t, min_cell=min_cell, protected=protected) & ~mask
        if whole.any():
            mask = _secondary_cells(t, mask | whole, whole, protected, group, min_cell, population) \
                if secondary else mask | whole
    elif shape == "flat":  # a whole wave under 2 × min_cell is a group too: its 0 % and 100 % tell every answer
        mask = mask | whole_group_cells(t, min_cell=min_cell, protected=protected)
    if secondary and shape in ("profile", "grouped") and mask.any():
        mask = _secondary(t, mask, protected, base, ctx, population, covers)
    if covers:
        t, mask, primary = _with_covers(t, mask, primary, covers, shape, group, ctx.codebook)
    cols = [c for c in (columns if columns is not None else VALUE_COLUMNS) if c in t.columns]
    t = _blank(t, mask, list(dict.fromkeys([*cols, base])))
    if shape in ("grouped", "flat"):  # no rank skips over a hidden item, no letter nor share of mentions tells it
        t = withhold_relations(rank_published(t, group), group)
    t.attrs.update(table.attrs)
    t.attrs["min_cell"] = min_cell
    t.attrs["primary"] = sorted(primary & set(t.index[mask]))
    return t


def whole_group(count, n, *, min_cell: int = 5) -> bool:
    """Does a share of ``count`` out of ``n`` tell every member's answer? A count of 0 or of the whole group, in a
    group of ``min_cell`` to ``2 × min_cell`` − 1 respondents (smaller groups are withheld whole). One cell of
    :func:`whole_group_cells`.

    >>> whole_group(6, 6), whole_group(5, 6), whole_group(0, 10), whole_group(3, 3)
    (True, False, False, False)
    """
    if pd.isna(count) or pd.isna(n):
        return False
    return min_cell <= int(n) < 2 * min_cell and int(count) in (0, int(n))


def whole_group_cells(t: pd.DataFrame, *, min_cell: int = 5, protected: pd.Series | None = None) -> pd.Series:
    """Rows of a grouped frequency table whose share tells every member's answer: a count of 0 or of the whole
    base in a group of fewer than ``2 × min_cell`` respondents (a published group: 1 ≤ base < ``min_cell`` is
    suppressed anyway). The study's choice: such a share is suppressed (« n.d. »), not bounded.

    >>> t = pd.DataFrame({"group_value": ["a", "a", "b"], "item": ["x", "y", "x"], "n_base": [6, 6, 20],
    ...                   "count": [0, 3, 0]})
    >>> whole_group_cells(t).tolist()
    [True, False, False]
    """
    base = pd.to_numeric(t["n_base"], errors="coerce")
    count = pd.to_numeric(t["count"], errors="coerce")
    out = base.notna() & count.notna() & (base >= min_cell) & (base < 2 * min_cell) & ((count == 0) | (count == base))
    return out & (protected if protected is not None else True)


def _secondary_cells(t, mask, whole, protected, group, min_cell, population) -> pd.Series:
    """Cell by cell, hide the same item's count in the block's smallest other group until no hidden cell of
    the block can be recovered or narrowed by subtraction (:func:`audit_tables`): a whole-group share stays
    hidden without hiding its group's other items."""
    mask = mask.copy()
    size = pd.to_numeric(t["n_base"], errors="coerce")
    for idx in _blocks(t, "grouped", group, population):
        if not whole[idx].any():
            continue
        units = t.loc[idx, group].astype(str)
        for _ in range(len(idx)):
            trial = t.loc[idx].copy()
            trial["suppressed"] = mask[idx].to_numpy()
            if not _block_findings(trial, "grouped", group, min_cell, population):
                break
            items = set(t.loc[idx[mask[idx].to_numpy()], "item"].astype(str))
            free = [i for i in idx if not mask[i] and protected[i] and str(t.at[i, "item"]) in items
                    and not mask[idx[(units == units[i]).to_numpy()]].all()]
            if not free:
                break
            mask[min(free, key=lambda i: (size[i], i))] = True
    return mask


def _blank(t: pd.DataFrame, mask: pd.Series, cols: list[str]) -> pd.DataFrame:
    """Set ``cols`` of the masked rows to NA (integer columns become ``Int64``) and flag them ``suppressed``."""
    for c in cols:
        if pd.api.types.is_integer_dtype(t[c]) and not isinstance(t[c].dtype, pd.Int64Dtype):
            t[c] = t[c].astype("Int64")
        elif c in ("n", "n_base", "count", "rank") and t[c].dtype == object:
            t[c] = pd.to_numeric(t[c], errors="coerce").astype("Int64")
        if mask.any():
            t[c] = t[c].mask(mask)
    t["suppressed"] = mask.to_numpy(dtype=bool)
    return t


def _planned(t, mask, protected, ctx, population, crossed, covers) -> pd.Series:
    """Suppress, block by block, the groups of the study-wide plan (:func:`group_counts` in ``attrs``); the
    groups of 0 a block must add (:func:`_joint_plan`) are recorded in ``covers``."""
    (shape, group), min_cell, codebook = table_shape(t), ctx.min_cell, ctx.codebook
    mask = mask.copy()
    pops = row_populations(t, population)
    waves = t["wave"].astype(str) if "wave" in t.columns else pd.Series("", index=t.index)
    for idx in _blocks(t, shape, group, population):
        if not protected[idx].all():
            continue
        attr = str(t.loc[idx[0], "attribute"] if shape == "profile" else
                   (t.loc[idx[0], "group"] if "group" in t.columns else group))
        values = t.loc[idx, "value" if shape == "profile" else group].astype(str)
        pop, wave = pops[idx[0]], waves[idx[0]]
        if pop == "":  # a table without population: the one its respondent counts came from
            found = {k[0] for k in t.attrs["groups"] if k[1:3] == (wave, attr)}
            pop = found.pop() if len(found) == 1 else pop
        groups = _merged_groups(t.attrs["groups"], (pop, wave, attr), set(values), codebook)
        if groups is None:
            continue
        if shape == "profile" and attr not in crossed.get(pop, ()):
            groups = {v: {**g, "counts": {}} for v, g in groups.items()}  # no grouped table by this attribute
        spare = [v for v in universe(pop, attr, present=set(values), codebook=codebook) if v not in groups]
        hidden = _joint_plan(groups, min_cell, spare)
        mask.loc[idx[values.isin(hidden).to_numpy()]] = True
        if hidden & set(spare):
            covers[idx[0]] = (idx, [v for v in spare if v in hidden], pop, attr)
    return mask


def _blocks(t: pd.DataFrame, shape: str, group: str | None, population) -> list[pd.Index]:
    pops = row_populations(t, population)
    keys = [pops] + [t[c] for c in ("wave",) if c in t.columns]
    keys.append(t["attribute"] if shape == "profile" else (t["group"] if "group" in t.columns
                                                            else pd.Series(group, index=t.index)))
    frame = pd.concat(keys, axis=1).astype(str)
    return [idx for _, idx in frame.groupby(list(frame.columns), sort=False).groups.items()]


def _secondary(t, mask, protected, base, ctx, population, covers) -> pd.Series:
    """Suppress more rows (profile) or groups (grouped table), smallest first, until the block is safe; a
    block still unsafe when every row is hidden gets the attribute's other codebook values as suppressed
    groups of 0 (recorded in ``covers``)."""
    (shape, group), min_cell, codebook = table_shape(t), ctx.min_cell, ctx.codebook
    mask = mask.copy()
    size = pd.to_numeric(t[base], errors="coerce")
    pops = row_populations(t, population)
    for idx in _blocks(t, shape, group, population):
        if not mask[idx].any() or idx[0] in covers:
            continue
        unit = t.loc[idx, "value" if shape == "profile" else group].astype(str)
        while True:
            trial = t.loc[idx].copy()
            trial["suppressed"] = mask[idx].to_numpy()
            if not _block_findings(trial, shape, group, min_cell, population):
                break
            free = [u for u in dict.fromkeys(unit) if not mask[idx][unit == u].any()
                    and protected[idx][unit == u].all() and size[idx][unit == u].max() >= 1]
            if not free:
                attr = str(t.loc[idx[0], "attribute"] if shape == "profile" else
                           (t.loc[idx[0], "group"] if "group" in t.columns else group))
                spare = universe(pops[idx[0]], attr, present=set(unit), codebook=codebook)
                if spare and protected[idx].all():
                    covers[idx[0]] = (idx, spare, pops[idx[0]], attr)
                break
            smallest = min(free, key=lambda u: (size[idx][unit == u].max(), list(unit).index(u)))
            mask.loc[idx[(unit == smallest).to_numpy()]] = True
    return mask


def _block_findings(block: pd.DataFrame, shape: str, group: str | None, min_cell: int, population) -> bool:
    """Whether a block, with its own sums taken as exact published totals, leaves a narrowable cell (its ranks
    left out: the published rows are ranked again among themselves, :func:`rank_published`)."""
    block = block.drop(columns=["rank"], errors="ignore")
    tables: dict[str, pd.DataFrame] = {}
    if shape == "profile":
        tables["profil"] = block.assign(n=pd.to_numeric(block["n"], errors="coerce").mask(block["suppressed"]))
    else:
        pops = row_populations(block, population)
        waves = block["wave"] if "wave" in block.columns else pd.Series("", index=block.index)
        num = block.assign(count=pd.to_numeric(block["count"], errors="coerce"),
                           n_base=pd.to_numeric(block["n_base"], errors="coerce"))
        base_of = num.groupby(num[group].astype(str), sort=False)["n_base"].first()
        overall = pd.DataFrame({"population": pops, "wave": waves, "item": num["item"], "count": num["count"]}
                               ).groupby(["population", "wave", "item"], sort=False, as_index=False)["count"].sum()
        overall["n_base"] = base_of.sum()
        tables["overall"] = overall
        tables["grouped"] = num.assign(population=pops, wave=waves,
                                       count=num["count"].mask(block["suppressed"]),
                                       n_base=num["n_base"].mask(block["suppressed"]))
    return not audit_tables(tables, min_cell=min_cell, exact_margins=True).empty
