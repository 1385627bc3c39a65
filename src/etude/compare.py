"""Comparing two populations (or groups of respondents) on proportions, with small-sample care.

The buyers' and the companies' questionnaires list different barrier items, so the two populations are compared
on the codebook's harmonised themes (:func:`etude.codebook.theme_map`), never item by item. Every comparison
reports the denominators, a difference in proportions with a Newcombe (hybrid Wilson score) interval, an exact
test by default (Fisher; Pearson chi-square available), Cohen's h and p-values adjusted across the family of
comparisons (Holm by default). Formulas come from statsmodels and scipy, not re-derived here.

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
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportion_effectsize

from etude import codebook as cb
from etude import fmt
from etude.errors import ParameterError
from etude.errors import check_alpha as _check_alpha
from etude.errors import check_choice as _choice

__all__ = [
    "two_proportions", "wilson_interval", "adjust_pvalues", "theme_prevalence", "compare_themes",
    "compare_groups", "theme_logit", "answered", "cites",
    "TESTS", "CI_METHODS", "PADJUST", "COMPARE_COLUMNS", "GROUP_COLUMNS", "LOGIT_COLUMNS", "BUYER_GROUPS",
    "NOT_COMPARABLE", "STATUS_OK", "STATUS_FITTED", "too_few", "format_comparison", "format_groups", "format_logit",
    "select_wave", "theme_bridge", "bases", "reading", "theme_logits", "is_simulated", "shown",
]

#: Tests for a 2×2 table: name → description.
TESTS = {"fisher": "test exact de Fisher (bilatéral)",
         "chi2": "test du khi-deux de Pearson (correction de Yates)"}
#: Interval methods for a difference of proportions: our name → statsmodels' name.
CI_METHODS = {"newcombe": "newcomb", "agresti-caffo": "agresti-caffo", "wald": "wald", "score": "score"}
#: p-value adjustments across a family of comparisons (statsmodels ``multipletests`` names, plus "none").
PADJUST = ("holm", "fdr_bh", "bonferroni", "none")
#: Columns of ``tables/comparaison_themes.csv`` (:func:`compare_themes`).
COMPARE_COLUMNS = ["theme", "label", "n_buyers", "pct_buyers", "n_companies", "pct_companies", "diff",
                   "diff_ci_low", "diff_ci_high", "test", "p_value", "p_adjusted", "cohens_h"]
#: Columns of :func:`compare_groups`.
GROUP_COLUMNS = ["code", "label", "group1", "group1_label", "group2", "group2_label", "n1", "count1", "pct1",
                 "n2", "count2", "pct2", "diff", "diff_ci_low", "diff_ci_high", "test", "p_value", "p_adjusted",
                 "cohens_h", "status"]
#: Columns of :func:`theme_logit`.
LOGIT_COLUMNS = ["term", "variable", "level", "reference", "label", "odds_ratio", "ci_low", "ci_high",
                 "p_value", "n_obs", "status"]
#: Buyer types grouped for within-buyer comparisons: État, collectivités, all others (health included).
BUYER_GROUPS = {"etat": "etat", "collectivite": "collectivite", "sante": "autre", "autre": "autre"}
#: ``test`` value of a theme that only one questionnaire covers.
NOT_COMPARABLE = "non comparable"
#: ``status`` of a comparison that was computed.
STATUS_OK = "comparé"
#: ``status`` of a logistic model that was estimated.
STATUS_FITTED = "estimé"


def too_few(min_cell: int) -> str:
    """Status of a comparison withheld because a group has fewer than ``min_cell`` respondents.

    >>> too_few(5)
    'effectif insuffisant (n < 5)'
    """
    return f"effectif insuffisant (n < {min_cell})"


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


def adjust_pvalues(p_values: Sequence[float], *, method: str = "holm", alpha: float = 0.05) -> np.ndarray:
    """Adjust a family of p-values (statsmodels ``multipletests``); NaN entries stay NaN and are not counted.

    Parameters
    ----------
    method : {"holm", "fdr_bh", "bonferroni", "none"}, default "holm"
        Holm's step-down (family-wise error), Benjamini–Hochberg (false discovery rate), Bonferroni, or none.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03, float("nan")]).round(2).tolist()
    [0.03, 0.06, 0.06, nan]
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

def _item_question(kind: str, code: str, codebook=None) -> str | None:
    book = codebook if isinstance(codebook, dict) else cb.load(codebook)
    for question in book["questionnaires"][kind]["questions"]:
        if code in set(cb.items(kind, question, codebook=codebook)["code"]):
            return question
    return None


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ParameterError(f"colonnes absentes de la table {what} : {', '.join(missing)}")


def answered(df: pd.DataFrame, kind: str, question: str = "barriers", *, codebook=None) -> pd.Series:
    """Boolean Series: the respondent selected at least one item of ``question`` (is in its denominator).

    >>> t = pd.DataFrame({c: pd.array(v, dtype="boolean") for c, v in zip(
    ...     cb.items("companies")["code"], [[True, None], [False, None]] + [[False, None]] * 4)})
    >>> answered(t, "companies").tolist()
    [True, False]
    """
    codes = list(cb.items(kind, question, codebook=codebook)["code"])
    _require(df, codes, kind)
    return df[codes].notna().any(axis=1)


def cites(df: pd.DataFrame, codes: Sequence[str]) -> pd.Series:
    """Boolean Series: the respondent selected at least one of ``codes`` (NA counts as not selected)."""
    _require(df, codes, "des répondants")
    return df[list(codes)].fillna(False).astype(bool).any(axis=1)


def _theme_items(kind: str, codebook=None) -> dict[str, list[str]]:
    it = cb.items(kind, "barriers", codebook=codebook)
    return {th: list(g["code"]) for th, g in it.groupby("theme", sort=False)}


def _theme_order(codebook=None) -> list[str]:
    return list(cb.themes(codebook=codebook)["code"])


def theme_prevalence(df: pd.DataFrame, kind: str, *, alpha: float = 0.05, codebook=None,
                     lang: str = "fr") -> pd.DataFrame:
    """Share of respondents citing at least one barrier item of each harmonised theme.

    Parameters
    ----------
    df : DataFrame
        Respondent table of one population (``docs/contracts.md`` §1), usually one wave.
    kind : {"buyers", "companies"}
    alpha : float, default 0.05
        1 − confidence level of the Wilson intervals.
    codebook : dict or path, optional
        Another codebook than the project's.
    lang : {"fr", "en"}, default "fr"
        Language of ``label``.

    Returns
    -------
    DataFrame
        One row per theme that has items in this questionnaire, in codebook order: ``theme, label, items``
        (item codes joined by ``;``), ``n_base`` (respondents who answered the barrier question), ``count``,
        ``pct`` (fraction 0–1), ``ci_low``, ``ci_high`` (Wilson). ``pct`` is NaN when ``n_base`` is 0.

    Examples
    --------
    >>> codes = list(cb.items("companies")["code"])
    >>> t = pd.DataFrame({c: pd.array([c == "e_moyens", c == "e_besoins", None], dtype="boolean") for c in codes})
    >>> theme_prevalence(t, "companies")[["theme", "n_base", "count", "pct"]]
             theme  n_base  count  pct
    0  information       2      1  0.5
    1       moyens       2      1  0.5
    2    juridique       2      0  0.0
    3      interet       2      0  0.0
    """
    _check_alpha(alpha)
    base = answered(df, kind, codebook=codebook)
    n_base = int(base.sum())
    groups = _theme_items(kind, codebook)
    rows = []
    for theme in _theme_order(codebook):
        if theme not in groups:
            continue
        count = int((cites(df, groups[theme]) & base).sum())
        low, high = wilson_interval(count, n_base, alpha=alpha)
        rows.append({"theme": theme, "label": cb.label(theme, lang=lang, codebook=codebook),
                     "items": ";".join(groups[theme]), "n_base": n_base, "count": count,
                     "pct": count / n_base if n_base else math.nan, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows, columns=["theme", "label", "items", "n_base", "count", "pct", "ci_low", "ci_high"])


def compare_themes(buyers: pd.DataFrame, companies: pd.DataFrame, *, test: str = "fisher", padjust: str = "holm",
                   alpha: float = 0.05, ci_method: str = "newcombe", codebook=None, lang: str = "fr") -> pd.DataFrame:
    """Buyers versus companies on each harmonised theme (the table ``tables/comparaison_themes.csv``).

    Parameters
    ----------
    buyers, companies : DataFrame
        Respondent tables (``docs/contracts.md`` §1), usually one wave each.
    test : {"fisher", "chi2"}, default "fisher"
        See :func:`two_proportions`.
    padjust : {"holm", "fdr_bh", "bonferroni", "none"}, default "holm"
        Adjustment across the comparable themes (:func:`adjust_pvalues`).
    alpha : float, default 0.05
        1 − confidence level of the intervals (and the level given to ``multipletests``).
    ci_method : str, default "newcombe"
        See :func:`two_proportions`.

    Returns
    -------
    DataFrame
        Columns :data:`COMPARE_COLUMNS`, one row per codebook theme: ``n_buyers``/``n_companies`` are the
        denominators (respondents who answered the barrier question), ``pct_*`` fractions 0–1, ``diff`` =
        ``pct_buyers − pct_companies`` with its Newcombe interval, ``p_value`` raw and ``p_adjusted``.
        A theme covered by one questionnaire only (``soutien``) keeps that side's share, has NaN for the other
        side and every comparison number, ``test`` = ``"non comparable"``, and is left out of the adjustment.

    Examples
    --------
    >>> def table(kind, rows):
    ...     codes = list(cb.items(kind)["code"])
    ...     return pd.DataFrame({c: pd.array([c in r for r in rows], dtype="boolean") for c in codes})
    >>> b = table("buyers", [{"b_temps"}, {"b_temps", "b_donnees"}, {"b_soutien"}, {"b_juridique"}])
    >>> e = table("companies", [{"e_moyens"}, {"e_besoins"}, {"e_besoins"}, {"e_processus"}])
    >>> compare_themes(b, e)[["theme", "n_buyers", "pct_buyers", "pct_companies", "test"]]
             theme  n_buyers  pct_buyers  pct_companies            test
    0  information         4        0.25           0.50          fisher
    1       moyens         4        0.50           0.25          fisher
    2    juridique         4        0.25           0.25          fisher
    3      interet         4        0.00           0.00          fisher
    4      soutien         4        0.25            NaN  non comparable
    """
    _choice("test", test, TESTS)
    _choice("padjust", padjust, PADJUST)
    prev = {kind: theme_prevalence(df, kind, alpha=alpha, codebook=codebook, lang=lang).set_index("theme")
            for kind, df in (("buyers", buyers), ("companies", companies))}
    rows = []
    for theme in _theme_order(codebook):
        b = prev["buyers"].loc[theme] if theme in prev["buyers"].index else None
        e = prev["companies"].loc[theme] if theme in prev["companies"].index else None
        if b is None and e is None:
            continue
        row = {"theme": theme, "label": cb.label(theme, lang=lang, codebook=codebook),
               "n_buyers": pd.NA if b is None else int(b["n_base"]),
               "pct_buyers": math.nan if b is None else float(b["pct"]),
               "n_companies": pd.NA if e is None else int(e["n_base"]),
               "pct_companies": math.nan if e is None else float(e["pct"])}
        if b is None or e is None:
            row.update(diff=math.nan, diff_ci_low=math.nan, diff_ci_high=math.nan, test=NOT_COMPARABLE,
                       p_value=math.nan, cohens_h=math.nan)
        else:
            row.update(two_proportions(int(b["count"]), int(b["n_base"]), int(e["count"]), int(e["n_base"]),
                                       test=test, alpha=alpha, ci_method=ci_method))
        rows.append(row)
    out = pd.DataFrame(rows)
    out["p_adjusted"] = adjust_pvalues(out["p_value"], method=padjust, alpha=alpha)
    for col in ("n_buyers", "n_companies"):
        out[col] = out[col].astype("Int64")
    return out[COMPARE_COLUMNS]


# --------------------------------------------------------------------------------------------------------------
# Within one population
# --------------------------------------------------------------------------------------------------------------

def _resolve_codes(df: pd.DataFrame, kind: str, items_or_themes, codebook=None) -> list[tuple[str, str, list[str]]]:
    """``[(code, question, item_codes)]`` for item codes, theme codes, or the shorthands "items"/"themes"."""
    themes = _theme_items(kind, codebook)
    if isinstance(items_or_themes, str):
        if items_or_themes == "themes":
            items_or_themes = [t for t in _theme_order(codebook) if t in themes]
        elif items_or_themes == "items":
            items_or_themes = list(cb.items(kind, "barriers", codebook=codebook)["code"])
        else:
            items_or_themes = [items_or_themes]
    out = []
    for code in items_or_themes:
        if code in themes:
            out.append((code, "barriers", themes[code]))
            continue
        question = _item_question(kind, code, codebook)
        if question is None:
            allowed = sorted(themes) + list(cb.items(kind, "barriers", codebook=codebook)["code"])
            raise ParameterError(f"code inconnu pour {kind} : {code!r} ; attendus : "
                                 f"'themes', 'items', un thème ou un item ({', '.join(allowed)}, …)")
        out.append((code, question, [code]))
    return out


def compare_groups(df: pd.DataFrame, by: str, items_or_themes: str | Sequence[str] = "themes", *,
                   kind: str = "buyers", groups: Mapping[str, str] | None = None, pairs: str = "pairwise",
                   min_cell: int = 5, test: str = "fisher", padjust: str = "holm", alpha: float = 0.05,
                   ci_method: str = "newcombe", codebook=None, lang: str = "fr") -> pd.DataFrame:
    """Compare groups of one population (e.g. services de l'État vs collectivités vs others) item by item or theme by theme.

    Parameters
    ----------
    df : DataFrame
        Respondent table of one population (``docs/contracts.md`` §1).
    by : str
        Column defining the groups, e.g. ``"buyer_type"``. Respondents with NA in it are left out.
    items_or_themes : "themes", "items", or list of codes, default "themes"
        Theme codes (share citing at least one of the theme's items), item codes of any multi-select question
        (barriers or segments), or the shorthands for all themes / all barrier items of ``kind``.
    kind : {"buyers", "companies"}, default "buyers"
    groups : mapping, optional
        Value of ``by`` → group code, to merge values (e.g. :data:`BUYER_GROUPS`); values not in the mapping are
        left out. Default: each value of ``by`` is a group.
    pairs : {"pairwise", "vs_rest"}, default "pairwise"
        Every pair of groups, or each group against all the other respondents.
    min_cell : int, default 5
        Smallest group denominator compared. A comparison with a smaller group gets ``status``
        ``"effectif insuffisant (n < min_cell)"``: every ``n`` is shown, the small group's count and share and
        every comparison number are NaN (a group large enough keeps its own count and share).
    test, padjust, alpha, ci_method
        As in :func:`compare_themes`; the adjustment family is every computed row of the result.

    Returns
    -------
    DataFrame
        Columns :data:`GROUP_COLUMNS`: one row per code and pair of groups; ``diff`` = ``pct1 − pct2``.

    Examples
    --------
    >>> codes = list(cb.items("buyers")["code"])
    >>> t = pd.DataFrame({c: pd.array([c == "b_temps"] * 6 + [c == "b_juridique"] * 3, dtype="boolean")
    ...                   for c in codes})
    >>> t["buyer_type"] = ["etat"] * 6 + ["collectivite"] * 3
    >>> r = compare_groups(t, "buyer_type", ["moyens"])
    >>> r[["group1", "group2", "n1", "n2", "pct1", "pct2", "status"]]
      group1        group2  n1  n2  pct1  pct2                        status
    0   etat  collectivite   6   3   1.0   NaN  effectif insuffisant (n < 5)
    """
    _choice("pairs", pairs, ("pairwise", "vs_rest"))
    _choice("test", test, TESTS)
    _choice("padjust", padjust, PADJUST)
    if not isinstance(min_cell, (int, np.integer)) or min_cell < 1:
        raise ParameterError(f"min_cell doit être un entier ≥ 1, pas {min_cell!r}")
    _require(df, [by], kind)
    values = df[by].astype("string")
    if groups is not None:
        values = values.map(lambda v: groups.get(v, pd.NA) if not pd.isna(v) else pd.NA).astype("string")
    present = [g for g in pd.unique(values.dropna())]
    if groups is not None:
        known = list(dict.fromkeys(groups.values()))
    else:
        try:
            known = list(cb.attribute_values(kind, by, codebook=codebook)["code"].astype(str))
        except ValueError:
            known = []
    order = [g for g in known if g in present] + sorted(g for g in present if g not in known)
    if pairs == "pairwise":
        combos = [(order[i], order[j]) for i in range(len(order)) for j in range(i + 1, len(order))]
    else:
        combos = [(g, "_reste") for g in order]

    def group_label(g: str) -> str:
        if g == "_reste":
            return "autres répondants" if lang == "fr" else "other respondents"
        try:
            return cb.label(g, lang=lang, codebook=codebook)
        except KeyError:
            return g

    rows = []
    for code, question, item_codes in _resolve_codes(df, kind, items_or_themes, codebook):
        base = answered(df, kind, question, codebook=codebook) & values.notna()
        hit = cites(df, item_codes) & base
        for g1, g2 in combos:
            in1 = base & (values == g1)
            in2 = base & ((values != g1) if g2 == "_reste" else (values == g2))
            n1, n2 = int(in1.sum()), int(in2.sum())
            row = {"code": code, "label": cb.label(code, lang=lang, short=True, codebook=codebook),
                   "group1": g1, "group1_label": group_label(g1), "group2": g2, "group2_label": group_label(g2),
                   "n1": n1, "n2": n2}
            if min(n1, n2) < min_cell:
                # The small group's share is withheld; a group large enough keeps its own share.
                c1, c2 = int((hit & in1).sum()), int((hit & in2).sum())
                big1, big2 = n1 >= min_cell, n2 >= min_cell
                row.update(count1=c1 if big1 else pd.NA, pct1=c1 / n1 if big1 else math.nan,
                           count2=c2 if big2 else pd.NA, pct2=c2 / n2 if big2 else math.nan, diff=math.nan,
                           diff_ci_low=math.nan, diff_ci_high=math.nan, test=test, p_value=math.nan,
                           cohens_h=math.nan, status=too_few(min_cell))
            else:
                c1, c2 = int((hit & in1).sum()), int((hit & in2).sum())
                row.update(count1=c1, pct1=c1 / n1, count2=c2, pct2=c2 / n2, status=STATUS_OK,
                           **two_proportions(c1, n1, c2, n2, test=test, alpha=alpha, ci_method=ci_method))
            rows.append(row)
    out = pd.DataFrame(rows, columns=[c for c in GROUP_COLUMNS if c != "p_adjusted"])
    out["p_adjusted"] = adjust_pvalues(out["p_value"], method=padjust, alpha=alpha)
    for col in ("n1", "n2", "count1", "count2"):
        out[col] = out[col].astype("Int64")
    return out[GROUP_COLUMNS]


# --------------------------------------------------------------------------------------------------------------
# Logistic regression
# --------------------------------------------------------------------------------------------------------------

def _logit_frame(buyers, companies, theme, covariates, codebook):
    themes_b, themes_e = _theme_items("buyers", codebook), _theme_items("companies", codebook)
    common = [t for t in _theme_order(codebook) if t in themes_b and t in themes_e]
    if theme not in common:
        raise ParameterError(f"thème non comparable entre les deux populations : {theme!r} ; "
                             f"thèmes possibles : {', '.join(common)}")
    frames = []
    for kind, df, items in (("buyers", buyers, themes_b[theme]), ("companies", companies, themes_e[theme])):
        _require(df, list(covariates), kind)
        base = answered(df, kind, codebook=codebook)
        part = pd.DataFrame({"y": cites(df, items).astype(int), "population": kind})
        for c in covariates:
            part[c] = df[c].astype("string")
        frames.append(part[base.to_numpy()])
    data = pd.concat(frames, ignore_index=True)
    return data.dropna().reset_index(drop=True)


def _design(data: pd.DataFrame, covariates: Sequence[str]):
    """Intercept + treatment-coded dummies; reference = companies for population, the most frequent level else."""
    cols = {"const": np.ones(len(data))}
    terms = []
    for var in ("population", *covariates):
        levels = data[var].value_counts()
        ref = "companies" if var == "population" else str(levels.index[0])
        for lev in sorted(str(x) for x in levels.index):
            if lev == ref:
                continue
            name = f"{var}[{lev}]"
            cols[name] = (data[var] == lev).astype(float).to_numpy()
            terms.append((name, var, lev, ref))
    return pd.DataFrame(cols), terms


def _term_label(var: str, lev: str, ref: str, lang: str, codebook) -> str:
    def lab(code):
        if var == "population":
            return cb.label(code, lang=lang, codebook=codebook)
        for kind in ("buyers", "companies"):
            try:
                values = cb.attribute_values(kind, var, codebook=codebook).set_index("code")[f"label_{lang}"]
            except ValueError:
                continue
            if code in values.index:
                return str(values[code])
        return code
    ref_word = "réf." if lang == "fr" else "ref."
    return f"{lab(lev)} ({ref_word} {lab(ref)})"


def _separation(data: pd.DataFrame, covariates: Sequence[str], codebook=None) -> str | None:
    """Describe a (quasi-)complete separation visible in one categorical level, else None."""
    if data["y"].nunique() < 2:
        return "tous les répondants retenus ont la même réponse"
    for var in ("population", *covariates):
        for lev, y in data.groupby(var)["y"]:
            if y.nunique() < 2:
                name = _term_label(var, str(lev), str(lev), "fr", codebook).split(" (réf.")[0]
                return f"les {len(y)} répondants « {var} = {name} » citent tous le thème" if y.iloc[0] == 1 \
                    else f"aucun des {len(y)} répondants « {var} = {name} » ne cite le thème"
    return None


def theme_logit(buyers: pd.DataFrame, companies: pd.DataFrame, theme: str, *,
                covariates: Sequence[str] = ("segment", "departement"), alpha: float = 0.05, codebook=None,
                lang: str = "fr") -> pd.DataFrame:
    """Logistic regression of citing a theme on population plus covariates common to both surveys.

    Parameters
    ----------
    buyers, companies : DataFrame
        Respondent tables; only respondents who answered the barrier question and have every covariate enter
        the model (complete cases; ``n_obs`` says how many).
    theme : str
        A theme covered by both questionnaires.
    covariates : sequence of str, default ("segment", "departement")
        Categorical columns present in both tables; each is treatment-coded against its most frequent level.
    alpha : float, default 0.05
        1 − confidence level of the odds-ratio intervals.

    Returns
    -------
    DataFrame
        Columns :data:`LOGIT_COLUMNS`, one row per model term except the intercept: ``population[buyers]``
        (buyers against companies) first, then each covariate level against its reference. ``status`` is
        ``"estimé"`` or says why the model cannot be estimated (separation, non-convergence); in that case every
        number is NaN and a :class:`UserWarning` in French is emitted — nothing is printed as if it were valid.

    Examples
    --------
    >>> import warnings
    >>> codes = list(cb.items("buyers")["code"])
    >>> b = pd.DataFrame({c: pd.array([c == "b_temps"] * 4, dtype="boolean") for c in codes}).assign(segment="sante")
    >>> e = pd.DataFrame({c: pd.array([False, True] * 2, dtype="boolean") for c in cb.items("companies")["code"]})
    >>> with warnings.catch_warnings(record=True):
    ...     r = theme_logit(b, e.assign(segment="sante"), "moyens", covariates=("segment",))
    >>> r.loc[0, "status"].startswith("séparation")
    True
    """
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    alpha = _check_alpha(alpha)
    covariates = list(covariates)
    data = _logit_frame(buyers, companies, theme, covariates, codebook)
    X, terms = _design(data, covariates)

    def result(status, fit=None):
        rows = []
        for name, var, lev, ref in terms:
            row = {"term": name, "variable": var, "level": lev, "reference": ref,
                   "label": _term_label(var, lev, ref, lang, codebook), "odds_ratio": math.nan, "ci_low": math.nan,
                   "ci_high": math.nan, "p_value": math.nan, "n_obs": len(data), "status": status}
            if fit is not None:
                ci = fit.conf_int(alpha=alpha).loc[name]
                row.update(odds_ratio=float(np.exp(fit.params[name])), ci_low=float(np.exp(ci.iloc[0])),
                           ci_high=float(np.exp(ci.iloc[1])), p_value=float(fit.pvalues[name]))
            rows.append(row)
        out = pd.DataFrame(rows, columns=LOGIT_COLUMNS)
        out["n_obs"] = out["n_obs"].astype("Int64")
        return out

    def fail(status):
        warnings.warn(f"Régression logistique du thème « {theme} » non estimable : {status}. "
                      "Les rapports de cotes ne sont pas affichés ; utiliser la comparaison des proportions "
                      "(test exact de Fisher).", UserWarning, stacklevel=3)
        return result(status)

    if "population[buyers]" not in X.columns:
        return fail("une seule population parmi les répondants retenus")
    why = _separation(data, covariates, codebook)
    if why:
        return fail(f"séparation (quasi-)complète — {why}")
    if np.linalg.matrix_rank(X.to_numpy()) < X.shape[1]:
        return fail("variables explicatives redondantes (matrice de rang incomplet)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = sm.Logit(data["y"].to_numpy(), X).fit(disp=0, maxiter=100)
        except (np.linalg.LinAlgError, ValueError) as exc:
            return fail(f"échec de l'estimation ({type(exc).__name__})")
    kinds = {type(w.message) for w in caught if isinstance(w.message, Warning)}
    if any(issubclass(k, PerfectSeparationWarning) for k in kinds):
        return fail("séparation (quasi-)complète détectée pendant l'estimation")
    if not fit.mle_retvals.get("converged", False) or any(issubclass(k, ConvergenceWarning) for k in kinds):
        return fail("l'estimation n'a pas convergé")
    if not np.all(np.isfinite(fit.bse)) or np.abs(fit.params).max() > 15:
        return fail("coefficients non identifiables (erreurs types infinies ou coefficients extrêmes)")
    return result(STATUS_FITTED, fit)


def theme_logits(buyers: pd.DataFrame, companies: pd.DataFrame, themes: str | Sequence[str] = "comparable", *,
                 covariates: Sequence[str] = ("segment", "departement"), alpha: float = 0.05, codebook=None,
                 lang: str = "fr", quiet: bool = False) -> pd.DataFrame:
    """:func:`theme_logit` for several themes, stacked with a leading ``theme`` column.

    ``themes="comparable"`` means every theme covered by both questionnaires. With ``quiet=True`` the
    separation / non-convergence warnings are not emitted (the ``status`` column still says why a model has no
    numbers): for notebooks, where the status is shown in the table itself.
    """
    if isinstance(themes, str) and themes == "comparable":
        b, e = _theme_items("buyers", codebook), _theme_items("companies", codebook)
        themes = [t for t in _theme_order(codebook) if t in b and t in e]
    frames = []
    for theme in ([themes] if isinstance(themes, str) else themes):
        with warnings.catch_warnings():
            if quiet:
                warnings.simplefilter("ignore", UserWarning)
            r = theme_logit(buyers, companies, theme, covariates=covariates, alpha=alpha, codebook=codebook,
                            lang=lang)
        r.insert(0, "theme", theme)
        frames.append(r)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------------------------------
# Study-level helpers for the notebook
# --------------------------------------------------------------------------------------------------------------

def select_wave(tables: Mapping[str, pd.DataFrame], wave: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(buyers, companies)`` of one wave from :func:`etude.data.load_study`'s result.

    Raises :class:`~etude.errors.ParameterError` listing the available waves when ``wave`` has no respondent
    in either questionnaire.
    """
    out = []
    for kind in ("buyers", "companies"):
        df = tables[kind]
        part = df[df["wave"] == int(wave)]
        if part.empty:
            waves = sorted(set(int(w) for w in df["wave"].dropna()))
            raise ParameterError(f"aucun répondant {'acheteur' if kind == 'buyers' else 'entreprise'} pour la "
                                 f"vague {wave} ; vagues disponibles : {', '.join(map(str, waves)) or 'aucune'}")
        out.append(part.reset_index(drop=True))
    return out[0], out[1]


def is_simulated(*tables: pd.DataFrame) -> bool:
    """True when any respondent of the tables comes from simulated (demo) data (``simulated`` column).

    >>> is_simulated(pd.DataFrame({"simulated": [False]}), pd.DataFrame({"simulated": [True]}))
    True
    """
    return any(bool(t["simulated"].fillna(False).astype(bool).any()) for t in tables if "simulated" in t.columns)


def shown(table: pd.DataFrame, *, simulated: bool, title: str | None = None, lang: str = "fr"):
    """A table styled for a notebook or the report: no index, caption with the title and the data status.

    >>> html = shown(pd.DataFrame({"a": [1]}), simulated=True, title="Écarts").to_html()
    >>> "Écarts — Données simulées — ne pas citer" in html
    True
    """
    status = {"fr": "Données simulées — ne pas citer", "en": "Simulated data — do not cite"}[
        _choice("lang", lang, _WORDS)]
    caption = " — ".join(p for p in (title, status if simulated else None) if p)
    style = table.style.hide(axis="index")
    return style.set_caption(caption) if caption else style


def theme_bridge(*, lang: str = "fr", codebook=None) -> pd.DataFrame:
    """The mapping shown to readers: one row per theme, the buyers' items and the companies' items side by side.

    >>> theme_bridge().set_index("Thème").loc["Temps, argent et moyens", "Items des entreprises"]
    'Manque de moyens pour répondre ; Craintes concernant les délais de paiement'
    """
    w = _WORDS[_choice("lang", lang, _WORDS)]
    m = cb.theme_map(lang=lang, codebook=codebook)
    rows = []
    for theme in _theme_order(codebook):
        part = m[m["theme"] == theme]
        if part.empty:
            continue
        cell = {kind: " ; ".join(part.loc[part["population"] == kind, "label"]) or w["none_item"]
                for kind in ("buyers", "companies")}
        rows.append({w["theme"]: cb.label(theme, lang=lang, codebook=codebook),
                     w["items_buyers"]: cell["buyers"], w["items_companies"]: cell["companies"],
                     w["compared"]: w["yes"] if all(c != w["none_item"] for c in cell.values()) else w["no"]})
    return pd.DataFrame(rows)


def bases(buyers: pd.DataFrame, companies: pd.DataFrame, *, lang: str = "fr", codebook=None) -> pd.DataFrame:
    """Who is counted: respondents, those who answered the barrier question (the denominators), those who did not.

    >>> codes = list(cb.items("companies")["code"])
    >>> e = pd.DataFrame({c: pd.array([c == "e_moyens", None], dtype="boolean") for c in codes})
    >>> b = pd.DataFrame(columns=list(cb.items("buyers")["code"]))
    >>> bases(b, e).iloc[1, 1:].astype(int).tolist()
    [2, 1, 1]
    """
    w = _WORDS[_choice("lang", lang, _WORDS)]
    rows = []
    for kind, df in (("buyers", buyers), ("companies", companies)):
        n_base = int(answered(df, kind, codebook=codebook).sum())
        rows.append({w["population"]: cb.label(kind, lang=lang, codebook=codebook), w["respondents"]: len(df),
                     w["base"]: n_base, w["no_answer"]: len(df) - n_base})
    return pd.DataFrame(rows)


def reading(table: pd.DataFrame, *, alpha: float = 0.05, padjust: str = "holm", lang: str = "fr") -> str:
    """A few sentences (Markdown) that read the :func:`compare_themes` table for non-statisticians.

    >>> t = pd.DataFrame([{"label": "Juridique et procédures", "pct_buyers": 0.36, "pct_companies": 0.58,
    ...     "diff": -0.22, "diff_ci_low": -0.40, "diff_ci_high": 0.01, "test": "fisher", "p_value": 0.07,
    ...     "p_adjusted": 0.28, "cohens_h": -0.44, "n_buyers": 25, "n_companies": 85}])
    >>> text = reading(t).replace("\u202f", " ")
    >>> text.startswith("- **Juridique et procédures** : 36,0 % des acheteurs contre 58,0 % des entreprises")
    True
    >>> text.split(" ; ")[-1]
    'écart non significatif après ajustement (Holm, p ajustée = 0,280), effet faible (h = -0,44).'
    """
    _choice("lang", lang, _WORDS)
    _choice("padjust", padjust, PADJUST)
    fr = lang == "fr"
    lines = []
    for r in table.itertuples():
        if r.test == NOT_COMPARABLE:
            side = "acheteurs" if not pd.isna(r.pct_buyers) else "entreprises"
            share = r.pct_buyers if side == "acheteurs" else r.pct_companies
            lines.append(f"- **{r.label}** : {fmt.pct(share)} des {side} ; thème propre à un seul questionnaire, "
                         "non comparé." if fr else
                         f"- **{r.label}**: {fmt.pct(share)} of {'buyers' if side == 'acheteurs' else 'companies'}; "
                         "theme covered by one questionnaire only, not compared.")
            continue
        h = abs(r.cohens_h)
        size = ("négligeable", "faible", "moyen", "fort")[(h >= 0.2) + (h >= 0.5) + (h >= 0.8)] if fr else \
            ("negligible", "small", "medium", "large")[(h >= 0.2) + (h >= 0.5) + (h >= 0.8)]
        signif = (not pd.isna(r.p_adjusted)) and r.p_adjusted < alpha
        adj = _WORDS[lang][padjust]
        if fr:
            verdict = "écart significatif" if signif else "écart non significatif"
            lines.append(f"- **{r.label}** : {fmt.pct(r.pct_buyers)} des acheteurs contre {fmt.pct(r.pct_companies)} "
                         f"des entreprises (écart {fmt.points(r.diff)}, intervalle "
                         f"{_gap_interval(r.diff_ci_low, r.diff_ci_high)}) ; {verdict} après ajustement ({adj}, "
                         f"p ajustée = {fmt.pvalue(r.p_adjusted)}), effet {size} (h = {fmt.number(r.cohens_h, 2)}).")
        else:
            verdict = "significant" if signif else "not significant"
            lines.append(f"- **{r.label}**: {r.pct_buyers:.1%} of buyers vs {r.pct_companies:.1%} of companies "
                         f"(difference {r.diff * 100:+.1f} pts, interval [{r.diff_ci_low * 100:+.1f}; "
                         f"{r.diff_ci_high * 100:+.1f}]); {verdict} after adjustment ({adj}, adjusted p = "
                         f"{r.p_adjusted:.3f}), {size} effect (h = {r.cohens_h:.2f}).")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------------
# Display (French formats; written tables keep raw numbers)
# --------------------------------------------------------------------------------------------------------------

_WORDS = {
    "fr": {"theme": "Thème", "buyers": "Acheteurs", "companies": "Entreprises", "diff": "Écart (acheteurs − entreprises)", "gap": "Écart (groupe 1 − groupe 2)",
           "ci": "Intervalle à {level} %", "p": "p ({test})", "padj": "p ajustée ({padjust})", "h": "h de Cohen",
           "fisher": "Fisher", "chi2": "khi-deux", "holm": "Holm", "fdr_bh": "Benjamini-Hochberg",
           "bonferroni": "Bonferroni", "none": "sans ajustement", "item": "Item ou thème", "group1": "Groupe 1",
           "group2": "Groupe 2", "status": "Statut", "term": "Terme", "or": "Rapport de cotes", "n_obs": "n",
           "items_buyers": "Items des acheteurs", "items_companies": "Items des entreprises",
           "none_item": "— (aucun item)", "compared": "Comparé", "yes": "oui", "no": "non",
           "population": "Population", "respondents": "Répondants", "base": "Ont répondu à la question des freins",
           "no_answer": "N'ont coché aucun frein"},
    "en": {"theme": "Theme", "buyers": "Buyers", "companies": "Companies", "diff": "Difference (buyers − companies)", "gap": "Difference (group 1 − group 2)",
           "ci": "{level} % interval", "p": "p ({test})", "padj": "adjusted p ({padjust})", "h": "Cohen's h",
           "fisher": "Fisher", "chi2": "chi-square", "holm": "Holm", "fdr_bh": "Benjamini-Hochberg",
           "bonferroni": "Bonferroni", "none": "no adjustment", "item": "Item or theme", "group1": "Group 1",
           "group2": "Group 2", "status": "Status", "term": "Term", "or": "Odds ratio", "n_obs": "n",
           "items_buyers": "Buyers' items", "items_companies": "Companies' items",
           "none_item": "— (no item)", "compared": "Compared", "yes": "yes", "no": "no",
           "population": "Population", "respondents": "Respondents", "base": "Answered the barrier question",
           "no_answer": "Ticked no barrier"},
}


def _gap_interval(low: Any, high: Any) -> str:
    """``[-32,1 pts ; +5,0 pts]``: an interval for a difference, in percentage points."""
    if pd.isna(low) or pd.isna(high):
        return fmt.MISSING
    return f"[{fmt.points(low)}{fmt.NNBSP}; {fmt.points(high)}]"


def _share(pct: Any, n: Any) -> str:
    """``48,1 % (13/27)``: the share with its count and denominator, or ``n.d.``."""
    if pd.isna(n) or pd.isna(pct):
        return fmt.MISSING
    return f"{fmt.pct(pct)} ({round(float(pct) * int(n))}/{int(n)})"


def format_comparison(table: pd.DataFrame, *, padjust: str = "holm", alpha: float = 0.05,
                      lang: str = "fr") -> pd.DataFrame:
    """The :func:`compare_themes` table for reading: French numbers, shares with their counts, one interval column.

    >>> t = pd.DataFrame([{"theme": "moyens", "label": "Temps, argent et moyens", "n_buyers": 27,
    ...     "pct_buyers": 13 / 27, "n_companies": 90, "pct_companies": 0.5, "diff": 13 / 27 - 0.5,
    ...     "diff_ci_low": -0.22, "diff_ci_high": 0.18, "test": "fisher", "p_value": 1.0,
    ...     "p_adjusted": 1.0, "cohens_h": -0.04}])
    >>> format_comparison(t).iloc[0, 1]
    '48,1\u202f% (13/27)'
    """
    w = _WORDS[_choice("lang", lang, _WORDS)]
    tests = [t for t in table["test"].dropna().unique() if t in TESTS]
    test_word = "/".join(w[t] for t in tests) or w["fisher"]
    out = pd.DataFrame({
        w["theme"]: table["label"],
        f"{w['buyers']}": [_share(p, n) for p, n in zip(table["pct_buyers"], table["n_buyers"])],
        f"{w['companies']}": [_share(p, n) for p, n in zip(table["pct_companies"], table["n_companies"])],
        w["diff"]: [fmt.points(d) if t != NOT_COMPARABLE else t for d, t in zip(table["diff"], table["test"])],
        w["ci"].format(level=fmt.number(100 * (1 - alpha))): [
            _gap_interval(lo, hi) for lo, hi in zip(table["diff_ci_low"], table["diff_ci_high"])],
        w["p"].format(test=test_word): table["p_value"].map(fmt.pvalue),
        w["padj"].format(padjust=w[padjust]): table["p_adjusted"].map(fmt.pvalue),
        w["h"]: table["cohens_h"].map(lambda h: fmt.number(h, 2)),
    })
    return out


def format_groups(table: pd.DataFrame, *, padjust: str = "holm", alpha: float = 0.05, lang: str = "fr") -> pd.DataFrame:
    """The :func:`compare_groups` table for reading: groups with their shares, or the status when withheld."""
    w = _WORDS[_choice("lang", lang, _WORDS)]
    def side(label, pct, n):
        return f"{label} : n = {int(n)}" if pd.isna(pct) else f"{label} : {_share(pct, n)}"

    return pd.DataFrame({
        w["item"]: table["label"],
        w["group1"]: [side(lab, p, n) for lab, p, n in zip(table["group1_label"], table["pct1"], table["n1"])],
        w["group2"]: [side(lab, p, n) for lab, p, n in zip(table["group2_label"], table["pct2"], table["n2"])],
        w["gap"]: [fmt.points(d) for d in table["diff"]],
        w["ci"].format(level=fmt.number(100 * (1 - alpha))): [_gap_interval(lo, hi) for lo, hi in zip(table["diff_ci_low"], table["diff_ci_high"])],
        w["padj"].format(padjust=w[padjust]): table["p_adjusted"].map(fmt.pvalue),
        w["status"]: table["status"],
    })


def format_logit(table: pd.DataFrame, *, alpha: float = 0.05, lang: str = "fr") -> pd.DataFrame:
    """The :func:`theme_logit` / :func:`theme_logits` table for reading: odds ratios with their interval, or the status.

    With a ``theme`` column (:func:`theme_logits`), the theme's label comes first.
    """
    w = _WORDS[_choice("lang", lang, _WORDS)]
    out = pd.DataFrame({
        w["term"]: table["label"],
        w["or"]: table["odds_ratio"].map(lambda x: fmt.number(x, 2)),
        w["ci"].format(level=fmt.number(100 * (1 - alpha))): [fmt.interval(lo, hi, as_pct=False, decimals=2)
                                     for lo, hi in zip(table["ci_low"], table["ci_high"])],
        "p": table["p_value"].map(fmt.pvalue),
        w["n_obs"]: table["n_obs"],
        w["status"]: table["status"],
    })
    if "theme" in table.columns:
        out.insert(0, w["theme"], [cb.label(t, lang=lang) for t in table["theme"]])
    return out
