"""Survey-wave comparisons: the share citing each barrier (or theme) in one wave against another, and the same
calculation on a published barometer whose sample size may be inexact.

Shares, denominators and tests follow :mod:`etude.analysis.compare`; statuses follow the long indicator table of
:mod:`etude.analysis.indicators` (``computed``, ``uncertain``, ``simulated``). Adjustment families: one questionnaire's
items, or its themes — never pooled. The waves are independent samples only if no institution answered twice
(:func:`etude.publish.present.wave_dependence_text`).

Examples
--------
>>> common_waves({"buyers": pd.DataFrame({"wave": [2017, 2018]})}, [2017, 2018])
{'buyers': True}
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from etude.analysis.indicators import combine_status
from etude.errors import ParameterError
from etude.safety.disclosure import publishable, whole_group
from etude.survey import codebook as cb
from etude.survey import reference as ref
from etude.survey.context import DEFAULT, Context

__all__ = ["WAVE_COLUMNS", "PUBLISHED_WAVE_COLUMNS", "GRID_COLUMNS", "N_TREATMENTS", "wave_changes",
           "published_wave_changes", "common_waves", "population_waves", "wave_pairs", "change_pair", "asked_items",
           "wave_grid", "all_wave_changes", "wave_trends", "trend_test", "TREND_COLUMNS"]

#: Columns of :func:`wave_changes`; ``tables/evolution_vagues.csv`` adds ``label`` after ``code``
#: (:func:`etude.publish.present.label_changes`).
WAVE_COLUMNS = ["population", "level", "code", "theme", "wave_from", "n_from", "count_from", "share_from",
                "wave_to", "n_to", "count_to", "share_to", "diff", "diff_ci_low", "diff_ci_high", "test",
                "p_value", "p_adjusted", "cohens_h", "simulated", "diff_ci_low_adj", "diff_ci_high_adj", "asked_from",
                "asked_to", "separated", "reason", "missing"]
#: Columns of :func:`wave_grid`: one row per item (or theme) and wave; ``asked`` false is « non posé ».
GRID_COLUMNS = ["population", "level", "code", "theme", "wave", "asked", "n_base", "count", "share"]
#: Columns of :func:`published_wave_changes`.
PUBLISHED_WAVE_COLUMNS = ["indicator", "label", "wave_from", "n_from", "n_from_text", "share_from", "wave_to",
                          "n_to", "n_to_text", "share_to", "diff", "diff_ci_low", "diff_ci_high", "test", "p_value",
                          "status", "note", "source"]
#: How :func:`published_wave_changes` treats a wave whose respondent count is not exact: the change in points
#: only, with no interval nor test; or an interval and a test with the published lower bound of the count.
N_TREATMENTS = ("point_only", "lower_bound")


def asked_items(df: pd.DataFrame, population: str, *, codebook=None) -> set[str]:
    """The barrier items asked in ``df`` (one wave): every item of the codebook but those
    :func:`etude.survey.not_asked` finds NA for everyone while another item has answers.

    >>> b = pd.DataFrame({"population": "buyers", "wave": 2019, **{c: pd.array([True, False] if c != "b_temps"
    ...     else [None, None], dtype="boolean") for c in cb.items("buyers")["code"]}})
    >>> "b_temps" in asked_items(b, "buyers"), len(asked_items(b, "buyers")) == len(cb.items("buyers")) - 1
    (False, True)
    """
    from etude import survey
    codes = set(cb.items(population, "barriers", codebook=codebook)["code"])
    if df.empty:
        return codes
    gone = survey.not_asked(df.assign(population=population), codebook=codebook)
    return codes - set(gone.loc[gone["question"] == "barriers", "item"])


def _item_counts(df: pd.DataFrame, population: str, codebook=None) -> pd.DataFrame:
    from etude.analysis import compare
    items = cb.items(population, "barriers", codebook=codebook)
    base = compare.answered(df, population, codebook=codebook)
    n = int(base.sum())
    asked = asked_items(df, population, codebook=codebook)
    rows = []
    for it in items.itertuples():
        count = int((df[it.code].fillna(False).astype(bool) & base).sum())
        rows.append({"code": it.code, "theme": it.theme, "n": n, "count": count, "asked": it.code in asked,
                     "items": [it.code], "asked_codes": asked})
    return pd.DataFrame(rows)


def _theme_counts(df: pd.DataFrame, population: str, codebook=None) -> pd.DataFrame:
    """A theme counts as asked only when every one of its items was asked (else its share is not comparable:
    :func:`etude.analysis.compare.comparability`)."""
    from etude.analysis import compare
    every = Context(codebook=codebook, min_cell=1, protect=())  # the rule is applied by the caller
    prev = compare.theme_prevalence(df, population, ctx=every)
    asked = asked_items(df, population, codebook=codebook)
    items = cb.items(population, codebook=codebook)  # every item of the theme in the questionnaire, asked or not
    of_theme = {t: list(items.loc[items["theme"] == t, "code"]) for t in prev["theme"]}
    return pd.DataFrame({"code": prev["theme"], "theme": prev["theme"], "n": prev["n_base"], "count": prev["count"],
                         "asked": [set(of_theme[t]) <= asked for t in prev["theme"]],
                         "items": [of_theme[t] for t in prev["theme"]], "asked_codes": [asked] * len(prev)})


def wave_changes(df: pd.DataFrame, population: str, *, wave_from: int = 2017, wave_to: int = 2018,
                 level: str = "items", ctx: Context = DEFAULT) -> pd.DataFrame:
    """Change in the share citing each barrier item (or theme) between two survey waves.

    The two waves are treated as **independent samples** (respondents are pseudonymous and not matched
    across waves) — an approximation when the same institutions answer twice
    (:func:`etude.publish.present.wave_dependence_text` says how many did). Each share's denominator is the wave's
    respondents who answered the barrier question (``docs/contracts.md`` §1). The difference
    ``share_to − share_from`` gets Newcombe's hybrid score interval and a test from
    :func:`etude.analysis.compare.two_proportions`; p-values are adjusted within one family: the items of the
    questionnaire (``level="items"``) or its themes (``level="themes"``) — two separate families, never pooled.

    Parameters
    ----------
    df : DataFrame
        Respondent table of one population, with a ``wave`` column and both waves in it.
    population : {"buyers", "companies"}
    wave_from, wave_to : int
        The earlier and the later wave.
    level : {"items", "themes"}, default "items"
        Barrier items, or harmonised themes (a respondent cites a theme when they cite one of its items).
    ctx : etude.survey.Context, default the default settings
        The study's settings: ``test`` ("fisher" or "chi2"), ``alpha``, ``padjust`` (as in
        :func:`etude.analysis.compare.compare_themes`: Bonferroni, like the adjusted interval beside it),
        ``codebook``, and the study's one small-group rule (:func:`etude.safety.disclosure.publishable`): a wave of
        a population of ``ctx.protect`` (both by default; the study's choice) with fewer than ``ctx.min_cell``
        respondents publishes no base, count nor share, hence no change and no test; in such a wave under
        ``2 × min_cell``, a share of 0 % or 100 % is withheld too.

    Returns
    -------
    DataFrame with columns :data:`WAVE_COLUMNS` (shares and differences as fractions 0–1);
    ``diff_ci_low_adj``/``diff_ci_high_adj`` are adjusted over the same family as ``p_adjusted``
    (:func:`etude.analysis.compare.adjusted_intervals`), ``separated`` is the decision
    (:func:`etude.analysis.compare.decide`); a row that cannot be compared (the rule of
    :func:`etude.analysis.compare.comparability`, the same as between populations) has ``test`` ``not_comparable``,
    a ``reason`` (``item_not_asked``, ``missing`` naming the items; ``too_few``: a wave withheld by the small-group
    rule) and no change; ``attrs`` records ``padjust``, ``family`` and ``family_size``.

    Raises
    ------
    ParameterError
        Unknown ``level``, or a wave absent from the data (the message lists the waves present).
    """
    levels = {"items": _item_counts, "themes": _theme_counts}
    if level not in levels:
        raise ParameterError(f"niveau inconnu : {level!r} (attendu : {', '.join(levels)})")
    test, alpha, padjust, codebook = ctx.test, ctx.alpha, ctx.padjust, ctx.codebook
    if "wave" not in df.columns:
        raise ParameterError("la table des répondants n'a pas de colonne « wave »")
    present = sorted(int(w) for w in df["wave"].dropna().unique())
    for w in (wave_from, wave_to):
        if int(w) not in present:
            raise ParameterError(f"vague {w} absente des données (vagues présentes : "
                                 f"{', '.join(map(str, present)) or 'aucune'})")
    parts = {w: df[df["wave"] == int(w)] for w in (wave_from, wave_to)}
    a = levels[level](parts[wave_from], population, codebook).set_index("code")
    b = levels[level](parts[wave_to], population, codebook).set_index("code")
    simulated = bool(df.loc[df["wave"].isin([wave_from, wave_to]), "simulated"].any()) if "simulated" in df else False
    withheld = (_withheld(a, population, ctx), _withheld(b, population, ctx))
    whole = ctx.min_cell if ctx.protects(population) else None  # the whole-group rule
    rows = [{"population": population, "level": level, "simulated": simulated,
             **_change_row(a.loc[code], b.loc[code], code, waves=(wave_from, wave_to), test=test, alpha=alpha,
                           withheld=withheld, whole=whole)} for code in a.index]
    out = _adjust(pd.DataFrame(rows), padjust=padjust, alpha=alpha)[WAVE_COLUMNS]
    out.attrs.update({"padjust": padjust, "alpha": alpha, "family_size": int(_tested(out).sum()), "family": level,
                      "ci_adjust": "none" if padjust == "none" else "bonferroni", "withheld": withheld,
                      "min_cell": ctx.min_cell})
    return out


def _withheld(counts: pd.DataFrame, population: str, ctx: Context) -> bool:
    """Does the study's small-group rule withhold this wave (its respondents' base, the same for every item)?"""
    n = int(counts["n"].max()) if len(counts) else 0
    return not publishable(population, n, min_cell=ctx.min_cell, protect=ctx.protect)


def _alike(rows: Iterable[pd.Series], population: str, ctx: Context) -> bool:
    """A wave of a protected population under ``2 × min_cell`` where every respondent answered alike (0 % or
    100 %): its count tells each member's answer (:func:`etude.safety.disclosure.whole_group`)."""
    return ctx.protects(population) and any(whole_group(r["count"], r["n"], min_cell=ctx.min_cell) for r in rows)


def _tested(out: pd.DataFrame) -> pd.Series:
    """Rows with a test: asked in both waves and not withheld (a withheld wave has no count)."""
    return out["asked_from"] & out["asked_to"] & out["count_from"].notna() & out["count_to"].notna()


def _adjust(out: pd.DataFrame, *, padjust: str, alpha: float) -> pd.DataFrame:
    """Adjusted p-values and intervals over the family: the items (or themes) asked in both waves."""
    from etude.analysis import compare
    tested = _tested(out)
    out["p_adjusted"] = math.nan
    out["diff_ci_low_adj"] = out["diff_ci_high_adj"] = math.nan
    if tested.any():
        part = out[tested]
        out.loc[tested, "p_adjusted"] = compare.adjust_pvalues(part["p_value"], method=padjust, alpha=alpha)
        counts = [(int(r.count_to), int(r.n_to), int(r.count_from), int(r.n_from)) for r in part.itertuples()]
        adj = compare.adjusted_intervals(counts, padjust=padjust, alpha=alpha)
        out.loc[tested, "diff_ci_low_adj"] = [lo for lo, _ in adj]
        out.loc[tested, "diff_ci_high_adj"] = [hi for _, hi in adj]
    out["separated"] = compare.decide(out, alpha=alpha)
    return out


def _change_row(ra: pd.Series, rb: pd.Series, code: str, *, waves: tuple[int, int], test: str, alpha: float,
                withheld: tuple[bool, bool] = (False, False), whole: int | None = None) -> dict:
    """One row of :func:`wave_changes` (without its population, level and status): an item not asked in a wave
    has no share there, no change and no test; a withheld wave (small-group rule) shows no base, count nor share,
    and the row no change and no test. With ``whole`` (the ``min_cell`` of a protected population), a share of
    0 % or 100 % in a wave of fewer than ``2 × whole`` respondents is withheld too (every member answered alike,
    as in :func:`etude.analysis.compare.compare_groups`), with the row's change and test."""
    from etude.analysis import compare
    asked_a, asked_b = bool(ra["asked"]), bool(rb["asked"])
    alike = [whole is not None and whole_group(r["count"], r["n"], min_cell=whole) for r in (ra, rb)]
    shown_a, shown_b = asked_a and not withheld[0] and not alike[0], asked_b and not withheld[1] and not alike[1]
    reason, missing = compare.comparability({"from": ra["items"], "to": rb["items"]},
                                            {"from": ra["asked_codes"], "to": rb["asked_codes"]})
    if reason is None and not (shown_a and shown_b):
        reason = compare.TOO_FEW  # a wave withheld by the small-group rule
    elif reason is None and not (int(ra["n"]) and int(rb["n"])):
        reason = compare.NO_ANSWER  # nobody answered the question in a wave
    if reason is None:
        res = compare.two_proportions(int(rb["count"]), int(rb["n"]), int(ra["count"]), int(ra["n"]),
                                      test=test, alpha=alpha)
    else:
        res = {"diff": math.nan, "diff_ci_low": math.nan, "diff_ci_high": math.nan, "test": compare.NOT_COMPARABLE,
               "p_value": math.nan, "cohens_h": math.nan}

    def share(r, shown):
        return r["count"] / r["n"] if shown and r["n"] else math.nan
    return {"code": code, "theme": ra["theme"], "wave_from": int(waves[0]),
            "n_from": pd.NA if withheld[0] else int(ra["n"]),
            "count_from": int(ra["count"]) if shown_a else pd.NA, "share_from": share(ra, shown_a),
            "wave_to": int(waves[1]), "n_to": pd.NA if withheld[1] else int(rb["n"]),
            "count_to": int(rb["count"]) if shown_b else pd.NA,
            "share_to": share(rb, shown_b), **res, "asked_from": asked_a,
            "asked_to": asked_b, "reason": reason, "missing": ";".join(missing)}


def published_wave_changes(table: str = "cinov_barometre", *, wave_from: int = 2023, wave_to: int = 2024,
                           n_treatment: str = "point_only", test: str = "fisher", alpha: float = 0.05,
                           directory=None) -> pd.DataFrame:
    """The same wave comparison on a published barometer (default: CINOV 2023 → 2024).

    Only shares published for both waves are compared. The respondent count of a wave is taken from the
    indicator ``repondants``; when it is not an exact number (CINOV 2023: « plus de 300 »):

    * ``n_treatment="point_only"`` (default): the change in points is reported, with **no interval and no
      test** — an interval needs the denominator, and inventing one would give false precision;
    * ``n_treatment="lower_bound"``: the interval and test use the published lower bound
      (``repondants_minimum``, 300). A smaller n gives a wider interval, so this errs on the cautious side, but
      counts are rebuilt from rounded percentages: the result is flagged ``uncertain``, and ``n_from`` /
      ``n_to`` hold the bound used (``n_from_text`` keeps the published text).

    When both counts are exact, counts are rebuilt as ``round(share × n)`` and the result is ``computed``.
    Whatever the treatment, these samples are self-selected: an interval measures sampling noise only.

    Returns
    -------
    DataFrame with columns :data:`PUBLISHED_WAVE_COLUMNS`. ``note`` holds a code (words:
    :func:`etude.words.label`): ``counts_rebuilt``, ``n_inexact_point_only`` or ``n_inexact_lower_bound``.

    Examples
    --------
    >>> c = published_wave_changes()
    >>> c.set_index("indicator").loc["acces_difficile", ["share_from", "share_to", "diff"]].round(3).tolist()
    [0.53, 0.564, 0.034]
    >>> bool(c["diff_ci_low"].isna().all())
    True
    """
    from etude.analysis import compare
    if n_treatment not in N_TREATMENTS:
        raise ParameterError(f"traitement de l'effectif inconnu : {n_treatment!r} "
                             f"(attendu : {', '.join(N_TREATMENTS)})")
    raw = ref.load_reference(table, directory=directory)
    rows_of = {w: raw[raw["year"] == int(w)].set_index("indicator") for w in (wave_from, wave_to)}

    def n_of(w):
        r = rows_of[w]
        exact = float(r.loc["repondants", "value"]) if "repondants" in r.index else math.nan
        text = r.loc["repondants", "value_text"] if "repondants" in r.index else pd.NA
        low = float(r.loc["repondants_minimum", "value"]) if "repondants_minimum" in r.index else math.nan
        return exact, (text if pd.notna(text) else pd.NA), low

    (n1, t1, low1), (n2, t2, low2) = n_of(wave_from), n_of(wave_to)
    exact = not (math.isnan(n1) or math.isnan(n2))
    if not exact and n_treatment == "lower_bound":
        n1c, n2c = (n1 if not math.isnan(n1) else low1), (n2 if not math.isnan(n2) else low2)
    else:
        n1c, n2c = n1, n2
    shares = raw[(raw["unit"] == "share") & raw["value"].notna()]
    both = [i for i in shares[shares["year"] == int(wave_from)]["indicator"]
            if i in set(shares[shares["year"] == int(wave_to)]["indicator"])]
    rows = []
    for ind in both:
        a, b = rows_of[wave_from].loc[ind], rows_of[wave_to].loc[ind]
        p1, p2 = float(a["value"]), float(b["value"])
        res = {"diff_ci_low": math.nan, "diff_ci_high": math.nan, "test": pd.NA, "p_value": math.nan}
        bounded = n_treatment == "lower_bound" and not (math.isnan(n1c) or math.isnan(n2c))
        if exact:
            status, note = "computed", "counts_rebuilt"
        elif bounded:
            status, note = "uncertain", "n_inexact_lower_bound"
        else:
            status, note = "computed", "n_inexact_point_only"
        if exact or bounded:
            c1, c2 = int(round(p1 * n1c)), int(round(p2 * n2c))
            r = compare.two_proportions(c2, int(n2c), c1, int(n1c), test=test, alpha=alpha)
            res = {k: r[k] for k in ("diff_ci_low", "diff_ci_high", "test", "p_value")}
        rows.append({"indicator": ind, "label": a["label_fr"], "wave_from": int(wave_from),
                     "n_from": n1c if bounded else n1, "n_from_text": t1 if math.isnan(n1) else pd.NA,
                     "share_from": p1, "wave_to": int(wave_to), "n_to": n2c if bounded else n2,
                     "n_to_text": t2 if math.isnan(n2) else pd.NA,
                     "share_to": p2, "diff": p2 - p1, **res,
                     "status": combine_status(a["status"], b["status"], status) if status == "uncertain"
                     else combine_status(a["status"], b["status"]),
                     "note": note, "source": f"{a['source']} ; {b['source']}"})
    return pd.DataFrame(rows, columns=PUBLISHED_WAVE_COLUMNS)


def common_waves(respondents: dict[str, pd.DataFrame], waves: Iterable[int]) -> dict[str, bool]:
    """Whether each questionnaire has every wave in ``waves`` (a wave comparison needs both).

    >>> common_waves({"buyers": pd.DataFrame({"wave": [2017, 2018]}),
    ...               "companies": pd.DataFrame({"wave": [2017]})}, [2017, 2018])
    {'buyers': True, 'companies': False}
    """
    wanted = {int(w) for w in waves}
    return {population: wanted <= {int(w) for w in df["wave"].dropna().unique()} if "wave" in df else False
            for population, df in respondents.items()}


def population_waves(df: pd.DataFrame | None) -> list[int]:
    """The waves of one population's table, in order (empty without respondents).

    >>> population_waves(pd.DataFrame({"wave": [2021, 2017, 2019, 2017]}))
    [2017, 2019, 2021]
    """
    if df is None or "wave" not in df:
        return []
    return sorted({int(w) for w in df["wave"].dropna()})


def wave_pairs(df: pd.DataFrame | None) -> list[tuple[int, int]]:
    """The wave changes a population gets: every consecutive pair, then first → last when there are 3+ waves.

    >>> wave_pairs(pd.DataFrame({"wave": [2017, 2019, 2021]}))
    [(2017, 2019), (2019, 2021), (2017, 2021)]
    >>> wave_pairs(pd.DataFrame({"wave": [2019]}))
    []
    """
    waves = population_waves(df)
    pairs = list(zip(waves, waves[1:]))
    return pairs + [(waves[0], waves[-1])] if len(waves) > 2 else pairs


def change_pair(df: pd.DataFrame | None, wave_from: int | None = 0, wave_to: int | None = 0
                ) -> tuple[int, int] | None:
    """The pair shown in detail: ``(wave_from, wave_to)`` when the population has both (in order), else (and for
    0) its last two waves; None with fewer than two waves.

    >>> t = pd.DataFrame({"wave": [2017, 2019, 2021]})
    >>> change_pair(t), change_pair(t, 2017, 2021), change_pair(t, 2017, 2018)
    ((2019, 2021), (2017, 2021), (2019, 2021))
    """
    waves = population_waves(df)
    if len(waves) < 2:
        return None
    if wave_from and wave_to and int(wave_from) in waves and int(wave_to) in waves and wave_from < wave_to:
        return int(wave_from), int(wave_to)
    return waves[-2], waves[-1]


def wave_grid(df: pd.DataFrame, population: str, *, level: str = "items", ctx: Context = DEFAULT) -> pd.DataFrame:
    """Every wave of one population, for each barrier item (or theme): the share citing it, or « non posé ».

    Shares follow :func:`wave_changes` (denominator: the wave's respondents who answered the barrier question);
    an item not asked in a wave (:func:`asked_items`; a theme with one of its items not asked) has ``asked``
    false and no count nor share; a wave the small-group rule withholds (``ctx.min_cell`` and ``ctx.protect``, the
    study's choice, as in :func:`wave_changes`) has no base, count nor share.

    Returns
    -------
    DataFrame with :data:`GRID_COLUMNS`, items (or themes) in codebook order, waves in order.
    """
    counts = {"items": _item_counts, "themes": _theme_counts}
    if level not in counts:
        raise ParameterError(f"niveau inconnu : {level!r} (attendu : {', '.join(counts)})")
    rows = []
    for wave in population_waves(df):
        part = counts[level](df[df["wave"] == wave], population, ctx.codebook)
        hidden = _withheld(part, population, ctx)
        for r in part.itertuples():
            asked = bool(r.asked)
            shown = asked and not hidden
            rows.append({"population": population, "level": level, "code": r.code, "theme": r.theme, "wave": wave,
                         "asked": asked, "n_base": pd.NA if hidden else int(r.n),
                         "count": int(r.count) if shown else pd.NA,
                         "share": r.count / r.n if shown and r.n else math.nan})
    return pd.DataFrame(rows, columns=GRID_COLUMNS)


def all_wave_changes(df: pd.DataFrame, population: str, *, level: str = "items",
                     ctx: Context = DEFAULT) -> pd.DataFrame:
    """:func:`wave_changes` for every pair of :func:`wave_pairs`, stacked (``tables/evolution_vagues.csv``), with
    the study's settings ``ctx``.

    Each pair is its own adjustment family; empty (with :data:`WAVE_COLUMNS`) with fewer than two waves.
    """
    parts = [wave_changes(df, population, wave_from=a, wave_to=b, level=level, ctx=ctx) for a, b in wave_pairs(df)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=WAVE_COLUMNS)


#: Columns of :func:`wave_trends` (``tables/tendance_vagues.csv``).
TREND_COLUMNS = ["population", "level", "code", "theme", "waves", "counts", "bases", "share_first", "share_last",
                 "zscore", "p_value", "p_adjusted", "separated", "reason", "missing"]


def trend_test(counts: Sequence[int], bases: Sequence[int], scores: Sequence[float]) -> tuple[float, float]:
    """The linear trend (Cochran–Armitage) test of ``counts / bases`` over ``scores``: statsmodels'
    linear-by-linear association test (``Table.test_ordinal_association``, no continuity correction, no cell
    shifted), ``(zscore, two-sided p-value)``; a positive z is a share rising with the score.

    >>> z, p = trend_test([10, 15, 22], [30, 30, 30], [2017, 2019, 2021])
    >>> round(z, 3), round(p, 4)
    (3.084, 0.002)
    """
    from statsmodels.stats.contingency_tables import Table
    cited = np.asarray(counts, dtype=float)
    table = np.column_stack([cited, np.asarray(bases, dtype=float) - cited])
    if (table.sum(axis=0) == 0).any():  # nobody, or everybody, cites it in every wave: no trend to test
        return 0.0, 1.0
    res = Table(table, shift_zeros=False).test_ordinal_association(
        row_scores=np.asarray(scores, dtype=float), col_scores=np.array([1.0, 0.0]))
    return float(res.zscore), float(res.pvalue)


def _trend_row(parts: dict[int, pd.Series], code: str, *, population: str, level: str, withheld: bool) -> dict:
    """One row of :func:`wave_trends`: comparable over every wave (the rule of every comparison), then tested."""
    from etude.analysis import compare
    waves = sorted(parts)
    first = parts[waves[0]]
    reason, missing = compare.comparability({w: parts[w]["items"] for w in waves},
                                            {w: parts[w]["asked_codes"] for w in waves})
    if reason is None and withheld:
        reason = compare.TOO_FEW
    elif reason is None and not all(int(parts[w]["n"]) for w in waves):
        reason = compare.NO_ANSWER
    row = {"population": population, "level": level, "code": code, "theme": first["theme"],
           "waves": ";".join(map(str, waves)), "counts": pd.NA, "bases": pd.NA, "share_first": math.nan,
           "share_last": math.nan, "zscore": math.nan, "p_value": math.nan, "reason": reason,
           "missing": ";".join(missing)}
    if reason is None:
        counts, bases = [int(parts[w]["count"]) for w in waves], [int(parts[w]["n"]) for w in waves]
        z, p = trend_test(counts, bases, waves)
        row.update(counts=";".join(map(str, counts)), bases=";".join(map(str, bases)),
                   share_first=counts[0] / bases[0], share_last=counts[-1] / bases[-1], zscore=z, p_value=p)
    return row


def wave_trends(df: pd.DataFrame, population: str, *, level: str = "items", ctx: Context = DEFAULT) -> pd.DataFrame:
    """With three waves or more, a linear trend test per item (or theme) over every wave, next to the pairwise
    changes of :func:`all_wave_changes` (each pair its own family, first → last reusing the same answers).

    Each item's share (denominator: the wave's respondents who answered the barrier question) is tested for a
    linear trend in the wave's year (:func:`trend_test`, Cochran–Armitage); the p-values are adjusted over one
    family: the items (or the themes) of the questionnaire tested — ``separated`` when the adjusted p-value is
    below ``alpha``. An item (or theme) not asked in some wave is not tested (``reason`` ``item_not_asked``, the
    rule of :func:`etude.analysis.compare.comparability`); neither is anything when a wave is withheld by the
    small-group rule, nor an item with a share of 0 % or 100 % in a wave under ``2 × min_cell`` (``too_few``).
    The waves are treated as independent samples, as in :func:`wave_changes`; ``ctx`` holds the study's settings
    (``alpha``, ``padjust``, ``codebook``, ``min_cell``, ``protect``).

    Returns
    -------
    DataFrame with :data:`TREND_COLUMNS` (``counts``, ``bases`` per wave joined by ``;``), empty with fewer than
    three waves; ``attrs``: ``padjust``, ``alpha``, ``family``, ``family_size``, ``test`` (``cochran_armitage``).
    """
    from etude.analysis import compare
    counts = {"items": _item_counts, "themes": _theme_counts}
    if level not in counts:
        raise ParameterError(f"niveau inconnu : {level!r} (attendu : {', '.join(counts)})")
    waves, alpha, padjust = population_waves(df), ctx.alpha, ctx.padjust
    out = pd.DataFrame(columns=TREND_COLUMNS)
    if len(waves) >= 3:
        per_wave = {w: counts[level](df[df["wave"] == w], population, ctx.codebook).set_index("code") for w in waves}
        withheld = any(_withheld(t, population, ctx) for t in per_wave.values())
        out = pd.DataFrame([_trend_row(parts, code, population=population, level=level,
                                       withheld=withheld or _alike(parts.values(), population, ctx))
                            for code in per_wave[waves[0]].index
                            for parts in [{w: per_wave[w].loc[code] for w in waves}]], columns=TREND_COLUMNS)
    tested = out["reason"].isna()
    out["p_adjusted"] = math.nan
    if tested.any():
        out.loc[tested, "p_adjusted"] = compare.adjust_pvalues(out.loc[tested, "p_value"], method=padjust,
                                                               alpha=alpha)
    out["separated"] = (tested & (out["p_adjusted"] < alpha)).astype(bool)
    out.attrs.update({"padjust": padjust, "alpha": alpha, "family": level, "family_size": int(tested.sum()),
                      "test": "cochran_armitage"})
    return out
