"""Small groups published with a neighbour: the ``neighbour`` the codebook declares under an attribute value.

A group of fewer than ``min_cell`` respondents of a protected population joins its declared neighbour (buyers'
collectivités and health establishments join « Autres acheteurs publics »): :func:`neighbours` reads the
declarations, :func:`fold_small` decides which values join which from the group sizes, :func:`fold_profile` sums
a profile's rows. :func:`etude.safety.disclosure.merge_values` applies the same decision to respondents, so that a
merged group's shares are computed from its members.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from etude.survey import codebook as cb

__all__ = ["neighbours", "fold_small", "fold_profile", "merge_rows"]


def neighbours(population: str, attribute: str, *, codebook=None) -> dict[str, str]:
    """The neighbour each value of ``attribute`` is published in when its group is small (``neighbour`` under
    a value in the codebook, e.g. buyers' collectivités and health establishments in « Autres acheteurs
    publics »); ``{}`` for an unknown population or attribute.

    >>> neighbours("buyers", "buyer_type")
    {'collectivite': 'autre', 'sante': 'autre'}
    """
    if population not in cb.populations(codebook) or attribute not in cb.attributes(population, codebook=codebook):
        return {}
    values = cb.attributes(population, codebook=codebook)[attribute].get("values") or []
    return {str(v["code"]): str(v["neighbour"]) for v in values if v.get("neighbour") is not None}


def fold_small(counts: Mapping[str, int], near: Mapping[str, str], min_cell: int) -> dict[str, str]:
    """Values to publish in their neighbour: each group of 1 to ``min_cell`` − 1 joins its declared neighbour,
    smallest first, until every group with a neighbour is large enough (a merged group still small is then
    suppressed like any other).

    >>> fold_small({"etat": 17, "collectivite": 4, "sante": 3, "autre": 3}, {"collectivite": "autre",
    ...             "sante": "autre"}, 5)
    {'sante': 'autre', 'collectivite': 'autre'}
    """
    sizes, into = dict(counts), {}
    while True:
        small = sorted((n, v) for v, n in sizes.items() if 1 <= n < min_cell and v in near and near[v] != v)
        if not small:
            return into
        _, v = small[0]
        target = near[v]
        while target in into:
            target = into[target]
        into.update({k: target for k, t in into.items() if t == v})
        into[v] = target
        sizes[target] = sizes.get(target, 0) + sizes.pop(v)


def fold_profile(t: pd.DataFrame, pops: pd.Series, protected: pd.Series, min_cell: int, codebook
                  ) -> pd.DataFrame:
    """Profile rows of groups under ``min_cell`` summed into their declared neighbour's row (:func:`neighbours`),
    block by block (population, wave, attribute); the neighbour keeps its code and label, its ``n`` and ``pct``
    are recomputed from the members."""
    keys = [c for c in ("wave", "attribute") if c in t.columns]
    t = t.reset_index(drop=True)
    pops, protected = pops.reset_index(drop=True), protected.reset_index(drop=True)
    sel = pd.Series(False, index=t.index)
    target = pd.Series(None, index=t.index, dtype=object)
    frame = pd.concat([pops.rename("_p")] + [t[k] for k in keys], axis=1).astype(str)
    for _, idx in frame.groupby(list(frame.columns), sort=False).groups.items():
        if not protected[idx].all():
            continue
        near = neighbours(pops[idx[0]], str(t.at[idx[0], "attribute"]), codebook=codebook)
        values = t.loc[idx, "value"].astype(str)
        sizes = dict(zip(values, pd.to_numeric(t.loc[idx, "n"], errors="coerce").fillna(0).astype(int)))
        into = {v: n for v, n in fold_small(sizes, near, min_cell).items() if n in sizes}
        for i, v in zip(idx, values):
            if v in into or v in into.values():
                sel[i], target[i] = True, into.get(v, v)
    if not sel.any():
        return t

    def make(part):
        keep = part[part["value"].astype(str) == str(target[part.index[0]])]
        row = (keep.iloc[0] if len(keep) else part.iloc[0]).to_dict()
        n = pd.to_numeric(part["n"], errors="coerce").sum()
        row.update({"value": str(target[part.index[0]]), "n": int(n)})
        if "pct" in row and "n_total" in row:
            row["pct"] = n / row["n_total"] if row["n_total"] else math.nan
        return row
    return merge_rows(t.assign(_target=target), sel, [*keys, "_target"], make).drop(columns="_target")


def merge_rows(t: pd.DataFrame, sel: pd.Series, keys: list[str], make) -> pd.DataFrame:
    """Replace the selected rows of each block (``keys``) by ``make(block_rows)``, at the first one's place."""
    t = t.reset_index(drop=True)
    sel = sel.reset_index(drop=True)
    put, drop = {}, set()
    for _, part in t[sel].groupby(keys, sort=False, dropna=False):
        put[part.index[0]] = make(part)
        drop.update(part.index)
    rows = []
    for i in t.index:
        if i in put:
            rows.append(put[i])
        elif i not in drop:
            rows.append(t.loc[i].to_dict())
    out = pd.DataFrame(rows, columns=t.columns)
    for c in t.columns:
        if pd.api.types.is_bool_dtype(t[c]) and out[c].notna().all():
            out[c] = out[c].astype(bool)
    return out
