"""Remedies (« leviers ») and the action plan: sections 4 and 5 of the GT's 2017 restitution, followed in the data.

The restitution lists, for each side, the barriers then « Pour y remédier : » and the remedies (buyers 2, companies
3), then 9 solutions and 5 objectives for 2018. This module counts the remedies like the barriers
(:func:`remedy_table` → ``tables/leviers.csv``, built by :func:`etude.analysis.stats.barrier_table`) and joins each
barrier's current share to its remedy, solutions, 2018 objective and follow-up indicator (:func:`action_plan` →
``tables/plan_action.csv``). The links come from ``data/reference/plan_action.yaml``
(:func:`etude.survey.reference.load_links`): they are the study's reading, status « interprétation », not published
facts.

It computes only, and returns codes and numbers: the labels, headings and reader tables are
:mod:`etude.publish.present.plan`'s, the charts :mod:`etude.publish.plots.plan`'s.

Examples
--------
>>> import pandas as pd
>>> ticks = {"b_temps": [True, False, True, None], "b_financier": [False, True, False, None]}
>>> b = pd.DataFrame({"population": "buyers", "wave": 2017, **{
...     c: pd.array(ticks.get(c, [False, False, False, None]), dtype="boolean") for c in stats.item_codes("buyers")}})
>>> p = action_plan({"buyers": b}).set_index("item")  # 3 buyers answered: under min_cell, withheld by default
>>> bool(p.loc["b_temps", ["n_base", "count", "pct"]].isna().all()), p.loc["b_temps", "remedy"]
(True, 'lev_hierarchie')
>>> from etude.survey.context import Context, protected_populations
>>> opt_in = Context(protect=protected_populations(True))  # a study that publishes its buyers' small groups
>>> p = action_plan({"buyers": b}, ctx=opt_in).set_index("item")
>>> int(p.loc["b_temps", "n_base"]), int(p.loc["b_temps", "count"])
(3, 2)
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from etude.analysis import stats
from etude.analysis import waves as waves_mod
from etude.survey import reference
from etude.survey.context import DEFAULT, Context

__all__ = ["PLAN_COLUMNS", "PLAN_CODES", "QUESTION", "shown_waves", "asked_waves", "has_remedies", "remedy_table",
           "action_plan", "solutions_table", "objectives_table", "asked", "last_wave", "leader"]

#: The codebook's remedies question.
QUESTION = "remedies"

#: Columns of ``tables/plan_action.csv``, one row per barrier and population: :data:`PLAN_CODES` with the labels
#: the publishing side attaches (:func:`etude.publish.present.plan_with_labels`).
PLAN_COLUMNS = ["population", "wave", "item", "label", "n_base", "count", "pct", "ci_low", "ci_high", "rank",
                "letters", "suppressed", "remedy", "remedy_label", "remedy_pct", "solutions", "solution_labels",
                "objective", "objective_label", "indicator", "indicator_label", "status", "asked"]
#: Columns of :func:`action_plan`: codes and numbers.
PLAN_CODES = [c for c in PLAN_COLUMNS if c != "label" and not c.endswith("_label") and c != "solution_labels"]


def shown_waves(tables: dict[str, pd.DataFrame], wave: int | None = None) -> dict[str, int]:
    """The wave shown for each population with respondents: ``wave`` if that population has it, else (and for
    0 or None) its latest wave — :func:`etude.publish.present.plan_wave_note` says so; a bad ``wave`` never stops
    the notebook.

    >>> shown_waves({"buyers": pd.DataFrame({"wave": [2017, 2018]})}, 2016)
    {'buyers': 2018}
    """
    out = {}
    for population, df in tables.items():
        waves = sorted(int(w) for w in df["wave"].dropna().unique())
        if waves:
            out[population] = int(wave) if wave and int(wave) in waves else waves[-1]
    return out


def asked_waves(tables: dict[str, pd.DataFrame], *, question: str = QUESTION, codebook=None) -> dict[str, list[int]]:
    """Waves in which each population was asked ``question`` (at least one answer in one of its item columns).

    >>> b = pd.DataFrame({"wave": [2017, 2018], "lev_hierarchie": pd.array([None, True], dtype="boolean"),
    ...                   "lev_professionnalisation": pd.array([None, False], dtype="boolean")})
    >>> asked_waves({"buyers": b})
    {'buyers': [2018]}
    """
    out = {}
    for population, df in tables.items():
        codes = [c for c in stats.item_codes(population, question, codebook=codebook) if c in df.columns]
        answered = df[codes].notna().any(axis=1) if codes else pd.Series(False, index=df.index)
        out[population] = sorted(int(w) for w in df.loc[answered, "wave"].unique())
    return out


def has_remedies(tables: dict[str, pd.DataFrame], *, codebook=None) -> bool:
    """True when some population answered the remedies question in some wave (then ``leviers.csv`` is written)."""
    return any(asked_waves(tables, codebook=codebook).values())


def remedy_table(tables: dict[str, pd.DataFrame], *, wave: int | None = None,
                 ctx: Context = DEFAULT) -> pd.DataFrame:
    """Remedy frequencies (``tables/leviers.csv``): the columns and rules of ``freins.csv``, waves where asked.

    Built by :func:`etude.analysis.stats.barrier_table` on the remedies question; a population or wave that was not
    asked the question has no row (« non posé », never 0 %). The ``label`` column is attached by the publishing
    side (:func:`etude.publish.labels.with_labels`), in the reader's language.

    Parameters
    ----------
    tables : dict
        ``{"buyers": DataFrame, "companies": DataFrame}`` as returned by :func:`etude.survey.load_study`.
    wave : int, optional
        Keep one wave; default every wave where the question was asked.
    ctx : Context, optional
        The study's settings (:func:`etude.survey.context`): risk, interval method, threshold, codebook and the
        populations whose small groups are withheld, as in :func:`etude.analysis.stats.barrier_table`.

    Returns
    -------
    DataFrame with :data:`etude.analysis.stats.FREINS_COLUMNS` (empty when the question was never asked).
    """
    asked = asked_waves(tables, codebook=ctx.codebook)
    kept = {k: df[df["wave"].isin(asked[k] if wave is None else [w for w in asked[k] if w == wave])]
            for k, df in tables.items()}
    kept = {k: df for k, df in kept.items() if len(df)}
    if not kept:
        return pd.DataFrame(columns=stats.FREINS_COLUMNS)
    return stats.barrier_table(kept, question=QUESTION, ctx=ctx)


def action_plan(tables: dict[str, pd.DataFrame], *, wave: int | None = None, links: pd.DataFrame | None = None,
                ctx: Context = DEFAULT) -> pd.DataFrame:
    """The action plan: one row per barrier and population, ranked as in freins.csv, codes and numbers only.

    Each row has the barrier's share in the wave shown (``n_base, count, pct, ci_low, ci_high, rank``, rules of
    ``freins.csv``), its remedy and the share citing it in the same wave (``remedy_pct``, NA when not asked), the
    solutions that address it (codes joined by ``;``), the 2018 objective it serves, the reference series that can
    follow it year after year (``table:indicator``, NA when none exists: then only a new survey wave follows it)
    and the link's ``status`` (« interprétation »). :func:`etude.publish.present.plan_with_labels` attaches the
    labels of ``tables/plan_action.csv`` (:data:`PLAN_COLUMNS`).

    Parameters
    ----------
    tables : dict
        Respondent tables per population.
    wave : int, optional
        Wave shown; default (``None`` or 0) each population's latest wave (:func:`shown_waves`).
    links : DataFrame, optional
        Default :func:`etude.survey.reference.load_links`. A barrier without a link keeps its row with NA links.
    ctx : Context, optional
        The study's settings (:func:`etude.survey.context`); its ``protect`` are the populations whose groups under
        ``ctx.min_cell`` are withheld, the study's choice (``publish_small_groups``).

    Returns
    -------
    DataFrame with :data:`PLAN_CODES`; ``attrs`` keep ``alpha``, ``ci_method``, ``min_cell`` and ``protect``.
    """
    codebook = ctx.codebook
    links = reference.load_links(codebook=codebook) if links is None else links
    by_barrier = links.set_index("barrier")
    frames = []
    waves = shown_waves(tables, wave)
    for population in [k for k in stats.POPULATIONS if k in waves]:
        w, df = waves[population], tables[population]
        t = stats.barrier_table({population: df}, wave=w, ctx=ctx)
        rem = remedy_table({population: df}, wave=w, ctx=ctx).set_index("item")["pct"]
        t["suppressed"] = t.index.isin(t.attrs.get("primary", []))  # under min_cell (etude.safety.disclosure)
        _not_asked(t, waves_mod.asked_items(df[df["wave"] == w], population, codebook=codebook))
        frames.append(_with_links(t, by_barrier.reindex(t["item"]), rem))
    if not frames:
        return pd.DataFrame(columns=PLAN_CODES)
    out = pd.concat(frames, ignore_index=True)[PLAN_CODES]
    out.attrs.update({"alpha": ctx.alpha, "ci_method": ctx.ci_method, "min_cell": ctx.min_cell,
                      "protect": ctx.protect})
    return out


def _with_links(t: pd.DataFrame, link: pd.DataFrame, remedy_pct: pd.Series) -> pd.DataFrame:
    """``t`` with each barrier's remedy (and its share), solutions, objective, indicator and link status."""
    t["remedy"] = link["remedy"].to_numpy()
    t["remedy_pct"] = [remedy_pct.get(r, float("nan")) if isinstance(r, str) else float("nan") for r in t["remedy"]]
    t["solutions"] = [";".join(s) or pd.NA if isinstance(s, tuple) else pd.NA for s in link["solutions"]]
    for col in ("objective", "indicator", "status"):
        t[col] = link[col].to_numpy()
    return t


def _not_asked(t: pd.DataFrame, asked: set[str]) -> None:
    """An item not in the wave's questionnaire has no count, share, interval nor rank: « non posé », never 0 %."""
    t["asked"] = t["item"].isin(asked)
    cols = [c for c in ("count", "pct", "ci_low", "ci_high", "rank") if c in t.columns]
    t[cols] = t[cols].astype("float64")
    t.loc[~t["asked"], cols] = float("nan")


def solutions_table(plan: pd.DataFrame, *, directory=None) -> pd.DataFrame:
    """The 9 solutions in the seed's order with the barriers the plan links to each.

    Returns ``number`` (1–9), ``code``, ``text``, ``barriers`` (item codes joined by ``;``), ``n_buyers``,
    ``n_companies``, ``n_barriers``.
    """
    sol = reference.gt_texts("solution_2018_", directory=directory)
    rows = []
    for k, r in enumerate(sol.itertuples(), start=1):
        hit = plan[plan["solutions"].fillna("").str.split(";").map(lambda s, c=r.code: c in s)]
        rows.append({"number": k, "code": r.code, "text": r.text, "barriers": ";".join(hit["item"]),
                     "n_buyers": int((hit["population"] == "buyers").sum()),
                     "n_companies": int((hit["population"] == "companies").sum()), "n_barriers": len(hit)})
    return pd.DataFrame(rows)


def objectives_table(plan: pd.DataFrame, *, directory=None) -> pd.DataFrame:
    """The 5 objectives for 2018 in the seed's order: ``number, code, text, barriers, n_barriers``."""
    obj = reference.gt_texts("objectif_2018_", directory=directory)
    rows = []
    for k, r in enumerate(obj.itertuples(), start=1):
        hit = plan[plan["objective"] == r.code]
        rows.append({"number": k, "code": r.code, "text": r.text, "barriers": ";".join(hit["item"]),
                     "n_barriers": len(hit)})
    return pd.DataFrame(rows)


def last_wave(table: pd.DataFrame, population: str) -> pd.DataFrame:
    """The rows of ``population`` in its latest wave of ``table`` (a :func:`remedy_table` or :func:`action_plan`).

    >>> last_wave(pd.DataFrame({"population": "buyers", "wave": [2017, 2018]}), "buyers")["wave"].tolist()
    [2018]
    """
    part = table[table["population"] == population]
    return part[part["wave"] == part["wave"].max()] if len(part) else part


def asked(table: pd.DataFrame, population: str) -> bool:
    """True when :func:`remedy_table` has rows for ``population`` (the question was asked)."""
    return bool((table["population"] == population).any())


def leader(part: pd.DataFrame) -> dict[str, Any] | None:
    """The first row of ``part`` by share (then item code) and what the paired tests say of it; None when no
    share is known.

    Returns ``{"row": Series, "ties": rows with the same share (1 when alone), "together": the items sharing a
    letter with it (the paired tests of :mod:`etude.analysis.rankings` do not separate it from those), "ranked":
    whether it has letters (a block under ``min_cell`` has none), "none": whether the tests separate no pair at
    all}``: « the most cited » needs ``ranked`` and no ``together``.

    >>> t = pd.DataFrame({"item": ["a", "b", "c"], "pct": [0.5, 0.4, 0.1], "letters": ["a", "ab", "b"]})
    >>> lead = leader(t); lead["row"]["item"], lead["ties"], lead["together"], lead["ranked"], lead["none"]
    ('a', 1, ['b'], True, False)
    """
    part = part[part["pct"].notna()]
    if part.empty:
        return None
    top = part.sort_values(["pct", "item"], ascending=[False, True]).iloc[0]
    ties = int((part["pct"] == top["pct"]).sum())  # all identical answers: a tie, not « the most cited »
    mine = top.get("letters")
    ranked = isinstance(mine, str) and bool(mine)
    letters = [x for x in part.get("letters", pd.Series(pd.NA, index=part.index)) if isinstance(x, str)]
    together = [c for c, x in zip(part["item"], part.get("letters", pd.Series(pd.NA, index=part.index)))
                if ranked and c != top["item"] and isinstance(x, str) and set(x) & set(mine)]
    none = ranked and all(set(a) & set(b) for i, a in enumerate(letters) for b in letters[i + 1:])
    return {"row": top, "ties": ties, "together": together, "ranked": ranked, "none": none}
