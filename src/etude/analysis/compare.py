"""Comparing two populations (or groups of respondents) on proportions, with small-sample care.

The buyers' and the companies' questionnaires list different barrier items, so the two populations are compared
on the codebook's harmonised themes (:func:`etude.survey.codebook.theme_map`), never item by item. Every comparison
reports the denominators, a difference in proportions with a Newcombe (hybrid Wilson score) interval, an exact
test by default (Fisher; Pearson chi-square available), Cohen's h and p-values adjusted across the family of
comparisons. One decision rule (:func:`decide`): two shares are separated when the adjusted p-value is below
``alpha`` and the adjusted interval printed beside it excludes 0 — both Bonferroni over the same family by default
(:data:`DEFAULT_PADJUST`), so that no sentence contradicts its interval. What may be compared is decided by one
function for populations and waves alike (:func:`comparability`): a theme with an item not asked on one side is
not compared. Formulas come from statsmodels and scipy, not re-derived here.

Respondent tables follow ``docs/contracts.md`` §1: a respondent who selected no item of a multi-select question
is NA on all its items and out of that question's denominator (``n_base``).

Examples
--------
>>> r = two_proportions(56, 70, 48, 80)
>>> round(r["diff"], 4), round(r["diff_ci_low"], 4), round(r["diff_ci_high"], 4)
(0.2, 0.0524, 0.3339)
>>> round(two_proportions(3, 4, 1, 4)["p_value"], 4)
0.4857
"""
from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportion_effectsize

from etude.analysis.multitest import multipletests
from etude.analysis.withheld import withheld_groups
from etude.errors import ParameterError
from etude.errors import check_alpha as _check_alpha
from etude.errors import check_choice as _choice
from etude.safety.disclosure import publishable, whole_group, whole_group_cells
from etude.safety.neighbours import fold_small, neighbours
from etude.survey import codebook as cb
from etude.survey.context import DEFAULT, Context
from etude.survey.wavesel import one_wave, select_wave

__all__ = [
    "two_proportions", "wilson_interval", "adjust_pvalues", "adjusted_intervals", "theme_prevalence", "compare_themes",
    "compare_groups", "answered", "cites", "comparability", "decide", "discordant", "asked_codes",
    "TESTS", "CI_METHODS", "PADJUST", "COMPARE_COLUMNS", "GROUP_COLUMNS", "BUYER_GROUPS",
    "NOT_COMPARABLE", "STATUS_OK", "TOO_FEW", "REST", "ONE_SIDE", "ITEM_NOT_ASKED", "NO_ANSWER", "DEFAULT_PADJUST",
    "select_wave", "theme_order", "group_values",
]

#: Tests for a 2×2 table, by the code the ``test`` column holds: Fisher's exact test (two-sided), Pearson's
#: chi-square with Yates' correction (words: :func:`etude.words.label`, ``codes.fisher``, ``codes.chi2``).
TESTS = ("fisher", "chi2")
#: Interval methods for a difference of proportions: our name → statsmodels' name.
CI_METHODS = {"newcombe": "newcomb", "agresti-caffo": "agresti-caffo", "wald": "wald", "score": "score"}
#: p-value adjustments across a family of comparisons (statsmodels ``multipletests`` names, plus "none").
PADJUST = ("holm", "fdr_bh", "bonferroni", "none")
#: The default adjustment: Bonferroni, like the intervals printed beside the p-values (:func:`adjusted_intervals`),
#: so that both come from the same correction over the same family (:func:`decide`).
DEFAULT_PADJUST = "bonferroni"
#: Columns of :func:`compare_themes`; ``tables/comparaison_themes.csv`` adds ``label`` after ``theme``
#: (:func:`etude.publish.present.label_themes`).
COMPARE_COLUMNS = ["wave", "theme", "n_buyers", "pct_buyers", "n_companies", "pct_companies", "diff",
                   "diff_ci_low", "diff_ci_high", "test", "p_value", "p_adjusted", "cohens_h",
                   "diff_ci_low_adj", "diff_ci_high_adj", "separated", "reason", "missing"]
#: Columns of :func:`compare_groups`; ``tables/comparaison_types_acheteurs.csv`` adds ``label``, ``group1_label`` and
#: ``group2_label`` after ``code``, ``group1`` and ``group2`` (:func:`etude.publish.present.label_groups`).
GROUP_COLUMNS = ["wave", "code", "group1", "group2", "n1", "count1", "pct1",
                 "n2", "count2", "pct2", "diff", "diff_ci_low", "diff_ci_high", "test", "p_value", "p_adjusted",
                 "cohens_h", "status", "diff_ci_low_adj", "diff_ci_high_adj", "separated"]
#: Buyer types grouped for within-buyer comparisons: État, collectivités, all others (health included).
BUYER_GROUPS = {"etat": "etat", "collectivite": "collectivite", "sante": "autre", "autre": "autre"}
#: ``test`` code of a row with one side empty: a theme only one questionnaire covers, or a withheld comparison.
NOT_COMPARABLE = "not_comparable"
#: ``status`` code of a comparison that was computed.
STATUS_OK = "compared"
#: ``status`` code of a comparison withheld because a group has fewer than ``min_cell`` respondents
#: (words: :func:`etude.words.label`, « non publié (petits effectifs, seuil 5) »).
TOO_FEW = "too_few"
#: ``group2`` code of the respondents outside ``group1`` (``pairs="vs_rest"`` of :func:`compare_groups`).
REST = "_reste"
#: ``reason`` of a theme not compared because only one questionnaire has items in it (words: ``codes.*``).
ONE_SIDE = "one_questionnaire"
#: ``reason`` of a theme (or item) not compared because one of its items was not asked on one side (``missing``
#: names them): comparing what was asked would compare two different questions.
ITEM_NOT_ASKED = "item_not_asked"
#: ``reason`` of a comparison with a side where nobody answered the question: nothing to compare.
NO_ANSWER = "no_answer"


def _check_counts(count: Any, n: Any, which: str) -> tuple[int, int]:
    try:
        c, m = int(count), int(n)
    except (TypeError, ValueError):
        raise ParameterError(f"effectifs {which} non entiers : {count!r} sur {n!r}") from None
    if c != count or m != n or m < 0 or c < 0 or c > m:
        raise ParameterError(f"effectifs {which} impossibles : {count!r} sur {n!r} "
                             "(attendu : entiers avec 0 ≤ effectif ≤ base)")
    return c, m


# --------------------------------------------------------------------------------------------------------------
# One comparison
# --------------------------------------------------------------------------------------------------------------

def wilson_interval(count: int, n: int, *, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval of ``count / n`` (statsmodels ``proportion_confint``); ``(nan, nan)`` when n = 0.

    >>> [round(x, 4) for x in wilson_interval(13, 27)]
    [0.3074, 0.6601]
    """
    count, n = _check_counts(count, n, "")
    if n == 0:
        return (math.nan, math.nan)
    low, high = proportion_confint(count, n, alpha=_check_alpha(alpha), method="wilson")
    return float(low), float(high)


def two_proportions(count1: int, n1: int, count2: int, n2: int, *, test: str = "fisher", alpha: float = 0.05,
                    ci_method: str = "newcombe") -> dict[str, Any]:
    """Compare two independent proportions ``count1/n1`` and ``count2/n2``.

    Parameters
    ----------
    count1, n1 : int
        Respondents citing the item (or theme) and respondents in the denominator, first group.
    count2, n2 : int
        Same for the second group.
    test : {"fisher", "chi2"}, default "fisher"
        Fisher's exact test (two-sided, ``scipy.stats.fisher_exact``), suited to small counts; or Pearson's
        chi-square with Yates' continuity correction (``scipy.stats.chi2_contingency``).
    alpha : float, default 0.05
        1 − confidence level of the interval.
    ci_method : {"newcombe", "agresti-caffo", "wald", "score"}, default "newcombe"
        Interval for the difference (statsmodels ``confint_proportions_2indep``); "newcombe" is Newcombe's
        hybrid Wilson score interval (method 10 of Newcombe 1998).

    Returns
    -------
    dict
        ``diff`` (p1 − p2), ``diff_ci_low``, ``diff_ci_high``, ``test`` (the ``test`` name), ``p_value``,
        ``cohens_h`` (2·asin√p1 − 2·asin√p2, statsmodels ``proportion_effectsize``). Numbers are NaN when a
        group is empty; the chi-square p-value is NaN when a margin of the table is zero (the test is undefined).

    References
    ----------
    Newcombe R. G. (1998), Interval estimation for the difference between independent proportions: comparison
    of eleven methods, *Statistics in Medicine* 17:873–890. Cohen J. (1988), *Statistical power analysis for the
    behavioral sciences*, ch. 6.

    Examples
    --------
    >>> r = two_proportions(56, 70, 48, 80)
    >>> round(r["diff_ci_low"], 4), round(r["diff_ci_high"], 4), round(r["cohens_h"], 4)
    (0.0524, 0.3339, 0.4421)
    >>> two_proportions(1, 3, 2, 3, test="chi2")["test"]
    'chi2'
    """
    _choice("test", test, TESTS)
    _choice("ci_method", ci_method, CI_METHODS)
    alpha = _check_alpha(alpha)
    count1, n1 = _check_counts(count1, n1, "du groupe 1")
    count2, n2 = _check_counts(count2, n2, "du groupe 2")
    out = {"diff": math.nan, "diff_ci_low": math.nan, "diff_ci_high": math.nan, "test": test,
           "p_value": math.nan, "cohens_h": math.nan}
    if n1 == 0 or n2 == 0:
        return out
    p1, p2 = count1 / n1, count2 / n2
    low, high = confint_proportions_2indep(count1, n1, count2, n2, method=CI_METHODS[ci_method],
                                           compare="diff", alpha=alpha)
    table = np.array([[count1, n1 - count1], [count2, n2 - count2]])
    if test == "fisher":
        p_value = float(stats.fisher_exact(table, alternative="two-sided").pvalue)
    elif (table.sum(axis=0) == 0).any():
        p_value = math.nan
    else:
        p_value = float(stats.chi2_contingency(table, correction=True).pvalue)
    out.update(diff=p1 - p2, diff_ci_low=float(low), diff_ci_high=float(high), p_value=p_value,
               cohens_h=float(proportion_effectsize(p1, p2)))
    return out


def adjust_pvalues(p_values: Sequence[float], *, method: str = DEFAULT_PADJUST, alpha: float = 0.05) -> np.ndarray:
    """Adjust a family of p-values (statsmodels ``multipletests``); NaN entries stay NaN and are not counted.

    Parameters
    ----------
    method : {"bonferroni", "holm", "fdr_bh", "none"}, default "bonferroni"
        Bonferroni (the correction of :func:`adjusted_intervals`), Holm's step-down (family-wise error, smaller
        p-values than the Bonferroni interval beside them), Benjamini–Hochberg (false discovery rate), or none.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03, float("nan")], method="holm").round(2).tolist()
    [0.03, 0.06, 0.06, nan]
    >>> adjust_pvalues([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.12, 0.09]
    """
    _choice("padjust", method, PADJUST)
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = p[ok] if method == "none" else multipletests(p[ok], alpha=_check_alpha(alpha), method=method)[1]
    return out


# --------------------------------------------------------------------------------------------------------------
# Respondent tables → counts
# --------------------------------------------------------------------------------------------------------------

def adjusted_intervals(counts: Sequence[tuple[int, int, int, int] | None], *, padjust: str = DEFAULT_PADJUST,
                       alpha: float = 0.05, ci_method: str = "newcombe") -> list[tuple[float, float]]:
    """Difference intervals adjusted like the p-values of the same family: Bonferroni intervals (level
    ``1 − alpha / m`` over the ``m`` comparisons made) next to Holm, Bonferroni or Benjamini–Hochberg p-values.

    A Bonferroni interval that excludes 0 implies a Bonferroni- (hence Holm-) adjusted p-value below ``alpha``
    up to the difference between the interval and the test methods; with ``padjust="none"`` the intervals are
    the unadjusted ones. ``None`` entries (no comparison) give ``(nan, nan)``.

    >>> [tuple(round(x, 3) for x in ci) for ci in adjusted_intervals([(56, 70, 48, 80), None])]
    [(0.052, 0.334), (nan, nan)]
    >>> round(adjusted_intervals([(56, 70, 48, 80), (3, 4, 1, 4)])[0][0], 3)
    0.031
    """
    _choice("padjust", padjust, PADJUST)
    m = sum(c is not None for c in counts)
    level = alpha if padjust == "none" or m == 0 else alpha / m
    out = []
    for c in counts:
        if c is None:
            out.append((math.nan, math.nan))
            continue
        r = two_proportions(*c, alpha=level, ci_method=ci_method)
        out.append((r["diff_ci_low"], r["diff_ci_high"]))
    return out


def comparability(items: Mapping[str, Sequence[str]], asked: Mapping[str, Collection[str]]
                  ) -> tuple[str | None, list[str]]:
    """Whether a theme (or an item) may be compared between two sides — two populations (:func:`compare_themes`)
    or two waves (:func:`etude.analysis.waves.wave_changes`): the one rule of both.

    Parameters
    ----------
    items : mapping
        Side → the theme's item codes in that side's questionnaire (an item's own code, for an item).
    asked : mapping
        Side → the item codes asked on that side (:func:`asked_codes`).

    Returns
    -------
    ``(None, [])`` when every one of its items was asked on each side; ``(ONE_SIDE, [])`` when a side's
    questionnaire has none of its items; ``(ITEM_NOT_ASKED, missing)`` when some were not asked, ``missing`` the
    codes of those items (each once, in order): a share over the items asked would not measure the same thing.

    >>> comparability({"buyers": ["b_donnees", "b_definition"], "companies": ["e_besoins"]},
    ...               {"buyers": {"b_donnees"}, "companies": {"e_besoins"}})
    ('item_not_asked', ['b_definition'])
    >>> comparability({2017: ["b_temps"], 2019: ["b_temps"]}, {2017: {"b_temps"}, 2019: {"b_temps"}})
    (None, [])
    """
    if any(not list(codes) for codes in items.values()):
        return ONE_SIDE, []
    missing = [c for side, codes in items.items() for c in codes if c not in asked.get(side, ())]
    return (ITEM_NOT_ASKED, list(dict.fromkeys(missing))) if missing else (None, [])


def asked_codes(df: pd.DataFrame, population: str, question: str = "barriers", *, codebook=None) -> set[str]:
    """The items of ``question`` asked in ``df`` (one wave): all but those NA for every respondent who answered
    the question (« non posé », ``docs/contracts.md`` §1); all of them when nobody answered.

    >>> t = pd.DataFrame({c: pd.array([c == "e_moyens", None], dtype="boolean") for c in cb.items("companies")["code"]})
    >>> sorted(asked_codes(t, "companies")) == sorted(cb.items("companies")["code"])
    True
    """
    codes = list(cb.items(population, question, codebook=codebook)["code"])
    base = answered(df, population, question, codebook=codebook)
    if not base.any():
        return set(codes)
    return {c for c in codes if df.loc[base, c].notna().any()}


def _bounds(table: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """The interval printed beside the adjusted p-value: the adjusted one when the table has it, else the raw."""
    for low, high in (("diff_ci_low_adj", "diff_ci_high_adj"), ("diff_ci_low", "diff_ci_high")):
        if {low, high} <= set(table.columns):
            return pd.to_numeric(table[low], errors="coerce"), pd.to_numeric(table[high], errors="coerce")
    return None


def _votes(table: pd.DataFrame, alpha: float) -> tuple[pd.Series, pd.Series]:
    """What the adjusted p-value says (below ``alpha``) and what the interval says (excludes 0), tested rows."""
    p = pd.to_numeric(table["p_adjusted"], errors="coerce") if "p_adjusted" in table.columns \
        else pd.Series(np.nan, index=table.index)
    tested = p.notna() & (table["test"].isin(TESTS) if "test" in table.columns else True)
    by_p = tested & (p < alpha)
    bounds = _bounds(table)
    by_ci = by_p if bounds is None else tested & ((bounds[0] > 0) | (bounds[1] < 0))
    return by_p.astype(bool), by_ci.astype(bool)


def decide(table: pd.DataFrame, *, alpha: float = 0.05) -> pd.Series:
    """The one decision rule of every comparison of two shares: two shares are separated when the adjusted p-value
    is below ``alpha`` **and** the adjusted interval printed beside it excludes 0 (both adjusted over the same
    family, Bonferroni by default: :func:`adjusted_intervals`). No sentence nor chart colour may then say « more
    often » while its interval crosses 0; the rare rows where test and interval disagree (Fisher's test and
    Newcombe's interval are not exact duals; Holm's p-values are smaller than Bonferroni's) are not separated and
    :func:`discordant` names them.

    >>> t = pd.DataFrame({"test": "fisher", "p_adjusted": [0.01, 0.046, 0.3],
    ...                   "diff_ci_low_adj": [0.05, -0.004, -0.1], "diff_ci_high_adj": [0.4, 0.366, 0.2]})
    >>> decide(t).tolist(), discordant(t).tolist()
    ([True, False, False], [False, True, False])
    """
    by_p, by_ci = _votes(table, _check_alpha(alpha))
    return by_p & by_ci


def discordant(table: pd.DataFrame, *, alpha: float = 0.05) -> pd.Series:
    """Rows where the adjusted p-value and the interval beside it disagree (see :func:`decide`)."""
    by_p, by_ci = _votes(table, _check_alpha(alpha))
    return by_p != by_ci


def _item_question(population: str, code: str, codebook=None) -> str | None:
    book = codebook if isinstance(codebook, dict) else cb.load(codebook)
    for question in book["questionnaires"][population]["questions"]:
        if code in set(cb.items(population, question, codebook=codebook)["code"]):
            return question
    return None


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ParameterError(f"colonnes absentes de la table {what} : {', '.join(missing)}")


def answered(df: pd.DataFrame, population: str, question: str = "barriers", *, codebook=None) -> pd.Series:
    """Boolean Series: the respondent selected at least one item of ``question`` (is in its denominator).

    >>> t = pd.DataFrame({c: pd.array(v, dtype="boolean") for c, v in zip(
    ...     cb.items("companies")["code"], [[True, None], [False, None]] + [[False, None]] * 4)})
    >>> answered(t, "companies").tolist()
    [True, False]
    """
    codes = list(cb.items(population, question, codebook=codebook)["code"])
    _require(df, codes, population)
    return df[codes].notna().any(axis=1)


def cites(df: pd.DataFrame, codes: Sequence[str]) -> pd.Series:
    """Boolean Series: the respondent selected at least one of ``codes`` (NA counts as not selected)."""
    _require(df, codes, "des répondants")
    return df[list(codes)].fillna(False).astype(bool).any(axis=1)


def _theme_items(population: str, codebook=None) -> dict[str, list[str]]:
    it = cb.items(population, "barriers", codebook=codebook)
    return {th: list(g["code"]) for th, g in it.groupby("theme", sort=False)}


def theme_order(codebook=None) -> list[str]:
    """Codebook theme codes, in codebook order."""
    return list(cb.themes(codebook=codebook)["code"])


def theme_prevalence(df: pd.DataFrame, population: str, *, ctx: Context = DEFAULT) -> pd.DataFrame:
    """Share of respondents citing at least one barrier item of each harmonised theme.

    Parameters
    ----------
    df : DataFrame
        Respondent table of one population (``docs/contracts.md`` §1), usually one wave.
    population : {"buyers", "companies"}
    ctx : etude.survey.Context, default the default settings
        The study's settings: ``ctx.alpha`` (1 − confidence level of the Wilson intervals), ``ctx.codebook``, and
        its one small-group rule (:func:`etude.safety.disclosure.publishable`): fewer respondents than
        ``ctx.min_cell`` in a population of ``ctx.protect`` (the study's choice) publish no base, count, share nor
        interval (as in ``tables/freins.csv``); in such a population under ``2 × min_cell`` respondents, a share of
        0 % or 100 % is withheld (it tells every member's answer, :func:`etude.safety.disclosure.whole_group`).

    Returns
    -------
    DataFrame
        One row per theme that has items in this questionnaire, in codebook order: ``theme, items``
        (item codes joined by ``;``), ``n_base`` (respondents who answered the barrier question), ``count``,
        ``pct`` (fraction 0–1), ``ci_low``, ``ci_high`` (Wilson), ``missing``. ``pct`` is NaN when ``n_base`` is 0.
        ``items`` lists the items asked, ``missing`` those not asked (« non posé », NA for every respondent who
        answered; codes joined by ``;``, empty when none): a theme with an item not asked has no ``count``, share
        or interval (NA) — a share over part of its items would be another question (:func:`comparability`).

    Examples
    --------
    >>> codes = list(cb.items("companies")["code"])
    >>> t = pd.DataFrame({c: pd.array([c == "e_moyens", c == "e_besoins", None], dtype="boolean") for c in codes})
    >>> theme_prevalence(t, "companies", ctx=Context(min_cell=1))[["theme", "n_base", "count", "pct"]]
             theme  n_base  count  pct
    0  information       2      1  0.5
    1       moyens       2      1  0.5
    2    juridique       2      0  0.0
    3      interet       2      0  0.0
    """
    alpha, codebook, min_cell = _check_alpha(ctx.alpha), ctx.codebook, ctx.min_cell
    base = answered(df, population, codebook=codebook)
    n_base = int(base.sum())
    groups = _theme_items(population, codebook)
    asked = asked_codes(df, population, codebook=codebook)
    rows = [_theme_share(df, base, theme, groups[theme], asked, alpha) for theme in theme_order(codebook)
            if theme in groups]
    out = pd.DataFrame(rows, columns=["theme", "items", "n_base", "count", "pct", "ci_low", "ci_high", "missing"])
    if not publishable(population, n_base, min_cell=min_cell, protect=ctx.protect):  # too few: nothing is published
        out = out.assign(n_base=pd.NA, count=pd.NA, pct=math.nan, ci_low=math.nan, ci_high=math.nan)
    elif ctx.protects(population):  # every member answered alike: not published either
        alike = whole_group_cells(out, min_cell=min_cell)
        out.loc[alike, ["count", "pct", "ci_low", "ci_high"]] = [pd.NA, math.nan, math.nan, math.nan]
    out["count"] = out["count"].astype("Int64")
    out["n_base"] = out["n_base"].astype("Int64")
    return out


def _theme_share(df: pd.DataFrame, base: pd.Series, theme: str, items: list[str], asked: set[str],
                 alpha: float) -> dict:
    """One row of :func:`theme_prevalence`: the share citing the theme, only when every one of its items was asked."""
    n_base = int(base.sum())
    gone = [c for c in items if c not in asked]
    row = {"theme": theme, "items": ";".join(c for c in items if c in asked), "n_base": n_base, "count": pd.NA,
           "pct": math.nan, "ci_low": math.nan, "ci_high": math.nan, "missing": ";".join(gone)}
    if not gone:
        count = int((cites(df, items) & base).sum())
        low, high = wilson_interval(count, n_base, alpha=alpha)
        row.update(count=count, pct=count / n_base if n_base else math.nan, ci_low=low, ci_high=high)
    return row


def compare_themes(buyers: pd.DataFrame, companies: pd.DataFrame, *, ci_method: str = "newcombe",
                   ctx: Context = DEFAULT) -> pd.DataFrame:
    """Buyers versus companies on each harmonised theme (the table ``tables/comparaison_themes.csv``, once
    :func:`etude.publish.present.label_themes` has added each theme's label).

    Parameters
    ----------
    buyers, companies : DataFrame
        Respondent tables (``docs/contracts.md`` §1), usually one wave each.
    ci_method : str, default "newcombe"
        Interval of the difference, see :func:`two_proportions`.
    ctx : etude.survey.Context, default the default settings
        The study's settings: ``ctx.test`` ("fisher" or "chi2", see :func:`two_proportions`), ``ctx.padjust``
        (adjustment across the comparable themes, :func:`adjust_pvalues`; Bonferroni by default, like the adjusted
        interval), ``ctx.alpha`` (1 − confidence level of the intervals, and the threshold of the decision,
        :func:`decide`), ``ctx.codebook``, and the small-group rule of :func:`theme_prevalence` (``ctx.min_cell``,
        ``ctx.protect``: the study's choice): a side it withholds is not compared.

    Returns
    -------
    DataFrame
        Columns :data:`COMPARE_COLUMNS`, one row per codebook theme: ``n_buyers``/``n_companies`` are the
        denominators (respondents who answered the barrier question), ``pct_*`` fractions 0–1, ``diff`` =
        ``pct_buyers − pct_companies`` with its Newcombe interval (unadjusted), ``p_value`` raw and
        ``p_adjusted`` (the family: the comparable themes), and ``diff_ci_low_adj``/``diff_ci_high_adj`` the
        interval adjusted over the same family (:func:`adjusted_intervals`), to show next to ``p_adjusted``;
        ``separated`` the decision (:func:`decide`: adjusted p-value below ``alpha`` and adjusted interval
        excluding 0). ``attrs`` records ``padjust``, ``family_size``, ``ci_adjust`` and ``alpha``.
        A theme that cannot be compared (:func:`comparability`) keeps the share of the side that can be described,
        has NaN for the other side and every comparison number, ``test`` = ``"not_comparable"``, a ``reason``
        (``one_questionnaire``: only one questionnaire has items in it, ``soutien``; ``item_not_asked``: one of
        its items was not asked on a side in these waves, ``missing`` names them; ``too_few``: a side, or its
        share, is withheld by the small-group rule; ``no_answer``: nobody answered the question on a side) and is
        left out of the adjustment.

    Examples
    --------
    >>> def table(population, rows):
    ...     codes = list(cb.items(population)["code"])
    ...     return pd.DataFrame({c: pd.array([c in r for r in rows], dtype="boolean") for c in codes})
    >>> b = table("buyers", [{"b_temps"}, {"b_temps", "b_donnees"}, {"b_soutien"}, {"b_juridique"}])
    >>> e = table("companies", [{"e_moyens"}, {"e_besoins"}, {"e_besoins"}, {"e_processus"}])
    >>> r = compare_themes(b, e, ctx=Context(min_cell=2))
    >>> r[["theme", "pct_buyers", "pct_companies", "test", "reason"]]
             theme  pct_buyers  pct_companies            test             reason
    0  information        0.25           0.50          fisher                NaN
    1       moyens        0.50           0.25          fisher                NaN
    2    juridique        0.25           0.25          fisher                NaN
    3      interet        0.00           0.00          fisher                NaN
    4      soutien        0.25            NaN  not_comparable  one_questionnaire
    """
    test, padjust, alpha, codebook = _choice("test", ctx.test, TESTS), ctx.padjust, ctx.alpha, ctx.codebook
    _choice("padjust", padjust, PADJUST)
    prev = {population: theme_prevalence(df, population, ctx=ctx).set_index("theme")
            for population, df in (("buyers", buyers), ("companies", companies))}
    items = {population: _theme_items(population, codebook) for population in prev}
    asked = {"buyers": asked_codes(buyers, "buyers", codebook=codebook),
             "companies": asked_codes(companies, "companies", codebook=codebook)}
    rows, counts = [], []
    for theme in theme_order(codebook):
        if not any(theme in items[k] for k in prev):
            continue
        reason, missing = comparability({k: items[k].get(theme, []) for k in prev}, asked)
        sides = {k: prev[k].loc[theme] if theme in prev[k].index else None for k in prev}
        if reason is None and any(pd.isna(r["n_base"]) for r in sides.values()):
            reason = TOO_FEW  # a side withheld by the small-group rule
        elif reason is None and any(int(r["n_base"]) == 0 for r in sides.values()):
            reason = NO_ANSWER
        elif reason is None and any(pd.isna(r["count"]) for r in sides.values()):
            reason = TOO_FEW  # a share of 0 % or 100 % in a small population: withheld
        row, count = _theme_row(theme, sides, reason, missing, test=test, alpha=alpha, ci_method=ci_method)
        rows.append(row)
        counts.append(count)
    out = pd.DataFrame(rows)
    out["p_adjusted"] = adjust_pvalues(out["p_value"], method=padjust, alpha=alpha)
    adj = adjusted_intervals(counts, padjust=padjust, alpha=alpha, ci_method=ci_method)
    out["diff_ci_low_adj"], out["diff_ci_high_adj"] = [a for a, _ in adj], [b for _, b in adj]
    out["separated"] = decide(out, alpha=alpha)
    for col in ("n_buyers", "n_companies"):
        out[col] = out[col].astype("Int64")
    out = _with_wave(out, one_wave(buyers, companies))[COMPARE_COLUMNS]
    out.attrs.update(_family_attrs(padjust, alpha, sum(c is not None for c in counts), "themes"))
    return out


def _theme_row(theme: str, sides: dict, reason: str | None, missing: list[str], *, test: str, alpha: float,
               ci_method: str) -> tuple[dict, tuple | None]:
    """One row of :func:`compare_themes` and its counts for the adjusted intervals (None: not compared)."""
    b, e = (None if x is None or pd.isna(x["count"]) else x for x in (sides["buyers"], sides["companies"]))
    row = {"theme": theme, "n_buyers": pd.NA if b is None else int(b["n_base"]),
           "pct_buyers": math.nan if b is None else float(b["pct"]),
           "n_companies": pd.NA if e is None else int(e["n_base"]),
           "pct_companies": math.nan if e is None else float(e["pct"]),
           "reason": reason, "missing": ";".join(missing)}
    if reason is not None or b is None or e is None:
        row.update(diff=math.nan, diff_ci_low=math.nan, diff_ci_high=math.nan, test=NOT_COMPARABLE,
                   p_value=math.nan, cohens_h=math.nan)
        return row, None
    count = (int(b["count"]), int(b["n_base"]), int(e["count"]), int(e["n_base"]))
    row.update(two_proportions(*count, test=test, alpha=alpha, ci_method=ci_method))
    return row, count


def _family_attrs(padjust: str, alpha: float, size: int, family: str) -> dict[str, Any]:
    return {"padjust": padjust, "alpha": alpha, "family_size": size, "family": family,
            "ci_adjust": "none" if padjust == "none" else "bonferroni"}


# --------------------------------------------------------------------------------------------------------------
# Within one population
# --------------------------------------------------------------------------------------------------------------

def _resolve_codes(df: pd.DataFrame, population: str, items_or_themes, codebook=None) -> list[tuple[str, str, list]]:
    """``[(code, question, item_codes)]`` for item codes, theme codes, or the shorthands "items"/"themes"."""
    themes = _theme_items(population, codebook)
    if isinstance(items_or_themes, str):
        if items_or_themes == "themes":
            items_or_themes = [t for t in theme_order(codebook) if t in themes]
        elif items_or_themes == "items":
            items_or_themes = list(cb.items(population, "barriers", codebook=codebook)["code"])
        else:
            items_or_themes = [items_or_themes]
    out = []
    for code in items_or_themes:
        if code in themes:
            out.append((code, "barriers", themes[code]))
            continue
        question = _item_question(population, code, codebook)
        if question is None:
            allowed = sorted(themes) + list(cb.items(population, "barriers", codebook=codebook)["code"])
            raise ParameterError(f"code inconnu pour {population} : {code!r} ; attendus : "
                                 f"'themes', 'items', un thème ou un item ({', '.join(allowed)}, …)")
        out.append((code, question, [code]))
    return out


def _group_values(df: pd.DataFrame, by: str, population: str, groups: Mapping[str, str] | None,
                  codebook=None) -> tuple[pd.Series, list[str]]:
    """Each respondent's group (NA when left out) and the groups present, in codebook (or ``groups``) order."""
    _require(df, [by], population)
    values = df[by].astype("string")
    if groups is not None:
        values = values.map(lambda v: groups.get(v, pd.NA) if not pd.isna(v) else pd.NA).astype("string")
    present = [g for g in pd.unique(values.dropna())]
    if groups is not None:
        known = list(dict.fromkeys(groups.values()))
    else:
        try:
            known = list(cb.attribute_values(population, by, codebook=codebook)["code"].astype(str))
        except ValueError:
            known = []
    return values, [g for g in known if g in present] + sorted(g for g in present if g not in known)


def _fold_groups(values: pd.Series, order: list[str], by: str, population: str, groups: Mapping[str, str] | None, *,
                 min_cell: int, protect: Sequence[str] | None, codebook=None) -> tuple[pd.Series, list[str]]:
    """Groups of a protected population under ``min_cell`` respondents published within the neighbour the codebook
    declares (:func:`etude.safety.neighbours.fold_small`), as the respondents' profile publishes them — so that one
    table's neighbour minus another's group never gives a withheld group back."""
    if protect is not None and population not in protect:
        return values, order
    code = (lambda v: groups.get(v, v)) if groups is not None else (lambda v: v)
    near = {code(k): code(v) for k, v in neighbours(population, by, codebook=codebook).items()}
    into = fold_small(values.dropna().astype(str).value_counts().to_dict(), near, min_cell)
    if not into:
        return values, order
    values = values.map(lambda v: into.get(v, v) if not pd.isna(v) else pd.NA).astype("string")
    return values, list(dict.fromkeys(into.get(g, g) for g in order))


def group_values(df: pd.DataFrame, by: str, *, population: str = "buyers", groups: Mapping[str, str] | None = None,
                 codebook=None) -> list[str]:
    """The groups of ``by`` that have respondents in ``df``, in codebook order (``groups`` merges values as in
    :func:`compare_groups`); fewer than two means no comparison.

    >>> group_values(pd.DataFrame({"buyer_type": ["sante", "etat", None]}), "buyer_type", groups=BUYER_GROUPS)
    ['etat', 'autre']
    """
    return _group_values(df, by, population, groups, codebook)[1]


def _whole_group(count: int, n: int, min_cell: int, protected: bool) -> bool:
    """A share of 0 % or 100 % in a protected group under ``2 × min_cell``: it tells every member's answer, so
    it is not published and its pair not tested (:func:`etude.safety.disclosure.whole_group_cells`)."""
    return protected and whole_group(count, n, min_cell=min_cell)


def _pair_numbers(one: tuple[int, int], two: tuple[int, int], *, population: str, ctx: Context, ci_method: str,
                  rest: bool = False, hidden: tuple[str, str] = ("", "")) -> tuple[dict, tuple | None]:
    """Counts, shares and test of one pair of groups (``one``, ``two``: each group's count and size), and its
    entry for the adjusted intervals (None: untested).

    Under ``min_cell``, or with a whole-group share (:func:`_whole_group`), the pair is not tested (status
    ``too_few``); each group's count and share then follow the study's one small-group rule
    (:func:`etude.safety.disclosure.publishable` with ``protect``: by default no group under ``min_cell`` is
    published; a study that opts in publishes its public buyers' small groups). A group size the rule withholds is
    NA, and with ``rest`` (the second group is every other respondent, whose total is published) both sizes are.
    ``hidden`` says, for each group, what :mod:`etude.analysis.withheld` withholds: ``"count"`` (its count and
    share for this code: subtraction would give back a withheld cell), ``"group"`` (its size too: the profile
    withholds it) or ``""`` (nothing).
    """
    (c1, n1), (c2, n2) = one, two
    min_cell, protect, protected = ctx.min_cell, ctx.protect, ctx.protects(population)
    whole = [_whole_group(c, n, min_cell, protected) for c, n in (one, two)]
    if min(n1, n2) < min_cell or any(whole) or any(hidden):
        size1, size2 = (publishable(population, n, min_cell=min_cell, protect=protect) and h != "group"
                        for n, h in zip((n1, n2), hidden))
        if rest:                                    # the total is published: one size gives the other back
            size1 = size2 = size1 and size2
        big1, big2 = (size and not w and not h for size, w, h in zip((size1, size2), whole, hidden))
        if rest:                                    # so is the overall count: one count gives the other back
            big1 = big2 = big1 and big2
        return {"n1": n1 if size1 else pd.NA, "n2": n2 if size2 else pd.NA,
                "count1": c1 if big1 else pd.NA, "pct1": c1 / n1 if big1 and n1 else math.nan,
                "count2": c2 if big2 else pd.NA, "pct2": c2 / n2 if big2 and n2 else math.nan, "diff": math.nan,
                "diff_ci_low": math.nan, "diff_ci_high": math.nan, "test": NOT_COMPARABLE, "p_value": math.nan,
                "cohens_h": math.nan, "status": TOO_FEW}, None
    return {"count1": c1, "pct1": c1 / n1, "count2": c2, "pct2": c2 / n2, "status": STATUS_OK,
            **two_proportions(c1, n1, c2, n2, test=ctx.test, alpha=ctx.alpha, ci_method=ci_method)}, (c1, n1, c2, n2)


def compare_groups(df: pd.DataFrame, by: str, items_or_themes: str | Sequence[str] = "themes", *,
                   population: str = "buyers", groups: Mapping[str, str] | None = None, pairs: str = "pairwise",
                   ci_method: str = "newcombe", ctx: Context = DEFAULT) -> pd.DataFrame:
    """Compare groups of one population (e.g. services de l'État vs collectivités vs others), item or theme.

    Parameters
    ----------
    df : DataFrame
        Respondent table of one population (``docs/contracts.md`` §1).
    by : str
        Column defining the groups, e.g. ``"buyer_type"``. Respondents with NA in it are left out.
    items_or_themes : "themes", "items", or list of codes, default "themes"
        Theme codes (share citing at least one of the theme's items), item codes of any multi-select question
        (barriers or segments), or the shorthands for all themes / all barrier items of ``population``.
    population : {"buyers", "companies"}, default "buyers"
    groups : mapping, optional
        Value of ``by`` → group code, to merge values (e.g. :data:`BUYER_GROUPS`); values not in the mapping are
        left out. Default: each value of ``by`` is a group.
    pairs : {"pairwise", "vs_rest"}, default "pairwise"
        Every pair of groups, or each group against all the other respondents.
    ci_method : str, default "newcombe"
        As in :func:`compare_themes`.
    ctx : etude.survey.Context, default the default settings
        The study's settings: ``test``, ``padjust``, ``alpha`` and ``codebook`` as in :func:`compare_themes` (the
        adjustment family is every computed row of the result, and ``separated`` the decision, :func:`decide`);
        ``min_cell``, the smallest group denominator compared, and ``protect``, the protected populations (the
        study's choice, :func:`etude.safety.disclosure.protected_populations`: ``publish_small_groups: true``
        publishes public buyers' small groups). In a protected population, a group under ``min_cell`` is first
        published within the neighbour the codebook declares for it (buyers' collectivités and health
        establishments within « Autres acheteurs publics »), as the profile publishes it. A comparison with a group
        still smaller gets ``status`` ``too_few`` and no comparison number; each group's size, count and share
        follow the study's one small-group rule (:func:`etude.safety.disclosure.publishable`: withheld under
        ``min_cell``, and a 0 % or 100 % share in a group under ``2 × min_cell``, for a protected population). The
        groups the respondents' profile withholds to protect a small group without neighbour (secondary
        suppression, :func:`etude.safety.disclosure.suppress_small`) are withheld here too, with more if the
        comparison's own counts would give one back, so that no subtraction across the published tables
        recovers a withheld group (:func:`etude.analysis.withheld.withheld_groups`).

    Returns
    -------
    DataFrame
        Columns :data:`GROUP_COLUMNS`: one row per code and pair of groups; ``diff`` = ``pct1 − pct2``. An item
        not asked (« non posé ») is left out of its theme; a code none of whose items was asked has no row.

    Examples
    --------
    >>> codes = list(cb.items("buyers")["code"])
    >>> t = pd.DataFrame({c: pd.array([c == "b_temps"] * 6 + [c == "b_juridique"] * 3, dtype="boolean")
    ...                   for c in codes})
    >>> t["buyer_type"] = ["etat"] * 6 + ["autre"] * 3
    >>> r = compare_groups(t, "buyer_type", ["moyens"])
    >>> r[["group1", "group2", "n1", "n2", "pct1", "pct2", "status"]]  # 3 < min_cell; 9 − 6 would give 3 back
      group1 group2    n1    n2  pct1  pct2   status
    0   etat  autre  <NA>  <NA>   NaN   NaN  too_few
    >>> from etude.safety.disclosure import protected_populations
    >>> r = compare_groups(t, "buyer_type", ["moyens"], ctx=Context(protect=protected_populations(True)))  # opt-in
    >>> r[["n1", "n2", "pct1", "pct2", "status"]]
       n1  n2  pct1  pct2   status
    0   6   3   1.0   0.0  too_few
    """
    _choice("pairs", pairs, ("pairwise", "vs_rest"))
    _choice("test", ctx.test, TESTS)
    _choice("padjust", ctx.padjust, PADJUST)
    min_cell, codebook = ctx.min_cell, ctx.codebook  # a Context's threshold is an int ≥ 1 (it checks)
    values, order = _fold_groups(*_group_values(df, by, population, groups, codebook), by, population, groups,
                                 min_cell=min_cell, protect=ctx.protect, codebook=codebook)
    if pairs == "pairwise":
        combos = [(order[i], order[j]) for i in range(len(order)) for j in range(i + 1, len(order))]
    else:
        combos = [(g, REST) for g in order]

    rows, counts = [], []
    codes = _asked_codes(df, population, values, _resolve_codes(df, population, items_or_themes, codebook), codebook)
    hidden = withheld_groups(df, values, codes, by=by, population=population, groups=groups, ctx=ctx)
    gone = {g for g in order if codes and all((c, g) in hidden for c, _, _ in codes)}  # the size too
    for code, base, hit in codes:
        for g1, g2 in combos:
            in1 = base & (values == g1)
            in2 = base & ((values != g1) if g2 == REST else (values == g2))
            n1, n2 = int(in1.sum()), int(in2.sum())
            row = {"code": code, "group1": g1, "group2": g2, "n1": n1, "n2": n2}
            c1, c2 = int((hit & in1).sum()), int((hit & in2).sum())
            held = tuple("group" if g in gone else "count" if (code, g) in hidden else "" for g in (g1, g2))
            numbers, count = _pair_numbers((c1, n1), (c2, n2), population=population, ctx=ctx, ci_method=ci_method,
                                           rest=g2 == REST, hidden=held)
            rows.append(row | numbers)
            counts.append(count)
    return _with_wave(_group_table(rows, counts, ctx=ctx, ci_method=ci_method), one_wave(df))


def _asked_codes(df: pd.DataFrame, population: str, values: pd.Series, resolved: list, codebook) -> list:
    """``[(code, base, hit)]``: each code of :func:`compare_groups` asked in these waves (a code none of whose items
    was asked, « non posé », gets no row rather than a share of 0), its respondents' base and who cites it."""
    out = []
    for code, question, item_codes in resolved:
        base = answered(df, population, question, codebook=codebook) & values.notna()
        item_codes = [c for c in item_codes if not base.any() or df.loc[base, c].notna().any()]
        if item_codes:
            out.append((code, base, cites(df, item_codes) & base))
    return out


def _with_wave(out: pd.DataFrame, wave: Any) -> pd.DataFrame:
    out["wave"] = pd.array([wave] * len(out), dtype="Int64")
    return out


def _group_table(rows: list[dict], counts: list, *, ctx: Context, ci_method: str) -> pd.DataFrame:
    """:func:`compare_groups`' rows as a table: p-values and intervals adjusted over the tested pairs."""
    min_cell, padjust, alpha = ctx.min_cell, ctx.padjust, ctx.alpha
    out = pd.DataFrame(rows, columns=[c for c in GROUP_COLUMNS if c not in ("wave", "p_adjusted", "diff_ci_low_adj",
                                                                           "diff_ci_high_adj", "separated")])
    out["p_adjusted"] = adjust_pvalues(out["p_value"], method=padjust, alpha=alpha)
    adj = adjusted_intervals(counts, padjust=padjust, alpha=alpha, ci_method=ci_method)
    out["diff_ci_low_adj"], out["diff_ci_high_adj"] = [a for a, _ in adj], [b for _, b in adj]
    out["separated"] = decide(out, alpha=alpha)
    for col in ("n1", "n2", "count1", "count2"):
        out[col] = out[col].astype("Int64")
    out = _with_wave(out, pd.NA)[GROUP_COLUMNS]
    out.attrs.update({"min_cell": min_cell, **_family_attrs(padjust, alpha, len([c for c in counts if c]), "pairs")})
    return out
