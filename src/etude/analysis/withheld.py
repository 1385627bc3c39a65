"""Which groups a comparison of groups withholds, so that it gives back nothing the other tables withhold.

A comparison of groups (:func:`etude.analysis.compare.compare_groups`: buyer types compared) publishes each
group's size and count next to the respondents' profile (``tables/profil_acheteurs.csv``) and the population's
overall shares (``tables/comparaison_themes.csv`` and alike). A group under ``min_cell`` without a declared
neighbour (the État's services, say) is withheld; if the comparison published every other group, the profile's
total minus their sizes — and the overall count minus their counts — would give it back. So a comparison
withholds the groups the profile withholds (its secondary suppression, :func:`etude.safety.disclosure.suppress_small`),
then, on its own counts, as many more as the grouped barrier table would (smallest first, until the linear-program
audit of :mod:`etude.safety.recovery` narrows no withheld cell below ``min_cell``).

Examples
--------
>>> import pandas as pd
>>> from etude.survey import codebook as cb
>>> codes = list(cb.items("buyers")["code"])
>>> t = pd.DataFrame({c: pd.array([c == "b_temps" and i % 2 == 0 for i in range(16)], dtype="boolean")
...                   for c in codes})
>>> t["buyer_type"] = ["etat"] * 3 + ["collectivite"] * 6 + ["autre"] * 7
>>> values = t["buyer_type"].astype("string")
>>> base = pd.Series(True, index=t.index)
>>> sorted(withheld_groups(t, values, [("b_temps", base, t["b_temps"].astype(bool))], by="buyer_type"))
[('b_temps', 'collectivite'), ('b_temps', 'etat')]
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from etude.analysis.stats import profile
from etude.safety.disclosure import merges, suppress_small
from etude.survey.context import DEFAULT, Context

__all__ = ["withheld_groups", "profile_withheld"]


def profile_withheld(df: pd.DataFrame, by: str, *, population: str = "buyers", groups: Mapping[str, str] | None = None,
                     ctx: Context = DEFAULT) -> set[str]:
    """The groups (codes of ``groups``' values, or of ``by``) whose size the respondents' profile withholds, as
    notebook 01 publishes it (:func:`etude.analysis.stats.profile` by wave, then
    :func:`etude.safety.disclosure.suppress_small` with the study's settings); a merged value stands for its members.

    >>> t = pd.DataFrame({"wave": 2017, "buyer_type": ["etat"] * 3 + ["collectivite"] * 6 + ["autre"] * 7})
    >>> sorted(profile_withheld(t, "buyer_type"))
    ['collectivite', 'etat']
    """
    if by not in df.columns or df.empty:
        return set()
    table = suppress_small(profile(df, by, by_wave="wave" in df.columns, population=population, codebook=ctx.codebook),
                           ctx=ctx, population=population)
    hidden = {str(v) for v in table.loc[table["suppressed"], "value"]}
    for m in merges(population, by, codebook=ctx.codebook):
        if m["code"] in hidden:
            hidden |= set(m["members"])
    return {groups.get(v, v) if groups is not None else v for v in hidden}


def withheld_groups(df: pd.DataFrame, values: pd.Series, codes: Sequence[tuple[str, pd.Series, pd.Series]], *,
                    by: str, population: str = "buyers", groups: Mapping[str, str] | None = None,
                    ctx: Context = DEFAULT) -> set[tuple[str, str]]:
    """``{(code, group)}``: the cells of a comparison of groups that publish no size, count nor share.

    Parameters
    ----------
    df : DataFrame
        The respondents compared (one population).
    values : Series
        Each respondent's group as the comparison publishes it (NA: left out).
    codes : sequence of (code, base, hit)
        Each item or theme compared: its respondents' base and who cites it (boolean Series on ``df``'s index).
    by, population, groups
        As in :func:`etude.analysis.compare.compare_groups`.
    ctx : etude.survey.Context
        The study's settings (``min_cell``, ``protect``, ``codebook``); nothing is withheld for a population the
        study chose to publish (out of ``ctx.protect``).

    Returns
    -------
    set of (code, group)
        The groups the profile withholds, for every code; then the cells
        :func:`etude.safety.disclosure.suppress_small` withholds in the comparison's counts laid out as a grouped
        frequency table (primary, 0 % or 100 % in a group under ``2 × min_cell``, and secondary suppression with the
        overall counts taken as published).
    """
    if not ctx.protects(population):
        return set()
    first = profile_withheld(df, by, population=population, groups=groups, ctx=ctx)
    order = [g for g in pd.unique(values.dropna())]
    rows = [{"population": population, "group": by, "group_value": str(g), "item": code,
             "n_base": int((base & (values == g)).sum()), "count": int((hit & (values == g)).sum()),
             "suppressed": str(g) in first} for code, base, hit in codes for g in order]
    if not rows:
        return set()
    table = suppress_small(pd.DataFrame(rows), ctx=ctx, merge=False)
    table = table[table["item"].isin([c for c, _, _ in codes]) & table["group_value"].isin(map(str, order))]
    return {(str(r.item), str(r.group_value)) for r in table.itertuples() if r.suppressed}
