"""Respondents against their population: representativeness, response rates, and weights to known margins.

A study may declare the population's counts by attribute (``margins:`` in the study file, read by
:func:`etude.survey.read_study`). This module compares one wave's respondents with them
(:func:`representativeness`, :func:`goodness_of_fit`), weights the respondents so that their weighted counts meet
them (:func:`compute_weights`: post-stratification on one margin, raking on several, trimmed at a stated bound),
and gives weighted shares with intervals on the effective sample size (:func:`weighted_shares`, the ``pct_w``,
``ci_low_w``, ``ci_high_w`` and ``n_eff`` columns of :func:`etude.analysis.stats.frequencies` given ``weights=``).

Raking is iterative proportional fitting, written here in a few lines of NumPy: statsmodels has no raking;
``ipfn`` fits contingency tables rather than respondent weights and has had no release since 2021; ``samplics``,
``balance`` and ``weightipy`` would bring Polars, scikit-learn and plotly, or ``requests`` and ``watchdog``, for
twenty lines. The tests check that every margin is met (to 1e-8) and compare the weights, shares, design effect
and effective size with an independent computation.

Numbers and codes only (no words): :mod:`etude.publish.present.weights` writes the sentences.

Examples
--------
>>> df = pd.DataFrame({"t": ["a"] * 6 + ["b"] * 2})
>>> w = compute_weights(df, {"t": {"counts": {"a": 50, "b": 50}}})
>>> w.round(3).tolist()[:1] + w.round(3).tolist()[-1:], w.attrs["method"], round(w.attrs["deff"], 3)
([0.667, 2.0], 'poststratification', 1.333)
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from etude.errors import ParameterError
from etude.safety.disclosure import VALUE_COLUMNS, group_counts, merges, suppress_small
from etude.survey.context import DEFAULT, Context

__all__ = ["design_effect", "effective_n", "rake", "compute_weights", "representativeness", "goodness_of_fit",
           "weighted_shares", "weighted_columns", "leaders", "merged_margins", "study_representativeness",
           "study_weights", "study_tables", "REPRESENTATIVENESS_COLUMNS",
           "FIT_COLUMNS", "WEIGHTED_COLUMNS", "SUMMARY_COLUMNS"]

#: Columns of :func:`representativeness` (a profile table: ``n``, ``n_total`` and ``pct`` are the respondents').
REPRESENTATIVENESS_COLUMNS = ["population", "wave", "attribute", "value", "n", "n_total", "pct", "population_n",
                              "population_total", "population_share", "gap", "response_rate", "source", "year"]
#: Columns of :func:`goodness_of_fit`.
FIT_COLUMNS = ["population", "wave", "attribute", "n_total", "groups", "statistic", "dof", "pvalue",
               "min_expected", "method"]
#: Columns :func:`weighted_columns` adds to a frequency table.
WEIGHTED_COLUMNS = ["pct_w", "ci_low_w", "ci_high_w", "n_eff"]
#: Keys of a weights summary (:func:`compute_weights`' ``attrs``), the columns of ``tables/poids.csv``.
SUMMARY_COLUMNS = ["method", "margins", "n", "n_weighted", "deff", "n_eff", "weight_min", "weight_max", "trim",
                   "trimmed", "iterations", "converged", "max_error", "empty_groups", "status"]


def design_effect(w: Sequence[float]) -> float:
    """Kish's design effect of unequal weights, ``n Σw² / (Σw)²`` (NaN weights left out).

    >>> design_effect([1, 1, 1, 1]), design_effect([1, 3])
    (1.0, 1.25)
    """
    a = np.asarray(w, dtype=float)
    a = a[~np.isnan(a)]
    return float(len(a) * (a ** 2).sum() / a.sum() ** 2) if len(a) and a.sum() else math.nan


def effective_n(w: Sequence[float]) -> float:
    """Kish's effective sample size, ``(Σw)² / Σw²``: as many equally weighted respondents (NaN left out).

    >>> effective_n([1, 1, 1, 1]), effective_n([1, 3])
    (4.0, 1.6)
    """
    a = np.asarray(w, dtype=float)
    a = a[~np.isnan(a)]
    return float(a.sum() ** 2 / (a ** 2).sum()) if len(a) and (a ** 2).sum() else 0.0


def _error(w: np.ndarray, cells: list[np.ndarray], targets: list[np.ndarray]) -> float:
    return max(float(np.max(np.abs(np.bincount(c, weights=w, minlength=len(t)) - t) / t))
               for c, t in zip(cells, targets))


def rake(cells: list[np.ndarray], targets: list[np.ndarray], *, start: np.ndarray | None = None,
         max_iter: int = 1000, tol: float = 1e-10) -> tuple[np.ndarray, int, bool]:
    """Iterative proportional fitting: weights whose totals by category meet every margin.

    Parameters
    ----------
    cells : list of int arrays
        For each margin, the category index (0…k−1) of every respondent.
    targets : list of float arrays
        For each margin, the total wanted per category (every category must hold a respondent, every total > 0;
        the margins' grand totals are equal).
    start : array, optional
        Starting weights (default 1).

    Returns
    -------
    (weights, iterations, converged)
        ``converged`` when every weighted total is within ``tol`` (relative) of its target.

    >>> w, it, ok = rake([np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])], [np.array([3., 1.]), np.array([2., 2.])])
    >>> w.round(3).tolist(), ok
    ([1.5, 1.5, 0.5, 0.5], True)
    """
    w = np.ones(len(cells[0])) if start is None else np.asarray(start, dtype=float).copy()
    for it in range(1, max_iter + 1):
        for c, t in zip(cells, targets):
            w *= (t / np.bincount(c, weights=w, minlength=len(t)))[c]
        if _error(w, cells, targets) < tol:
            return w, it, True
    return w, max_iter, False


def _codes(df: pd.DataFrame, attr: str, recode: Mapping[str, str] | None) -> pd.Series:
    col = df[attr].astype(object).where(df[attr].notna(), None)
    return col.map(lambda v: None if v is None else (recode or {}).get(str(v), str(v)))


def merged_margins(margins: Mapping[str, Mapping], merges: Mapping[str, Sequence[Mapping]]
                   ) -> tuple[dict[str, dict], dict[str, dict[str, str]]]:
    """Margins with the categories published merged (``merges``: attribute → ``[{code, members}]``, e.g.
    :func:`etude.safety.disclosure.merges`) summed, and the recoding of the members' codes.

    >>> m, r = merged_margins({"s": {"counts": {"a": 5, "b": 1, "c": 2}}},
    ...                       {"s": [{"code": "bc", "members": ["b", "c"]}]})
    >>> m["s"]["counts"], r["s"]
    ({'a': 5, 'bc': 3}, {'b': 'bc', 'c': 'bc'})
    """
    out, recode = {}, {}
    for attr, margin in margins.items():
        rec = {str(mem): m["code"] for m in merges.get(attr, []) for mem in m["members"]}
        counts: dict[str, int] = {}
        for code, n in margin["counts"].items():
            key = rec.get(str(code), str(code))
            counts[key] = counts.get(key, 0) + int(n)
        out[attr] = {**margin, "counts": counts}
        recode[attr] = rec
    return out, recode


def _design(df: pd.DataFrame, margins: Mapping[str, Mapping], recode) -> tuple[pd.Series, list, list, list, list]:
    """Who can be weighted, each margin's category index and target, and the categories left without respondent."""
    codes = {a: _codes(df, a, (recode or {}).get(a)) for a in margins}
    known = pd.Series(True, index=df.index)
    for col in codes.values():
        known &= col.notna()
    total = float(sum(next(iter(margins.values()))["counts"].values()))
    cells, targets, empty, names = [], [], [], []
    for attr, margin in margins.items():
        present = set(codes[attr][known])
        cats = [c for c, n in margin["counts"].items() if c in present and n > 0]
        empty += [(attr, c) for c, n in margin["counts"].items() if c not in present and n > 0]
        bad = sorted(present - set(cats))
        if bad:
            raise ParameterError(f"marge {attr} : des répondants ont la valeur {', '.join(bad)}, dont la population "
                                 "est 0 ou n'est pas donnée ; attendu : un effectif de population pour chaque valeur")
        t = np.array([float(margin["counts"][c]) for c in cats])
        targets.append(t * total / t.sum())  # the groups nobody answered for are left out, the total kept
        cells.append(codes[attr][known].map({c: i for i, c in enumerate(cats)}).to_numpy(dtype=int))
        names.append(attr)
    return known, cells, targets, empty, names


def _cap(w: np.ndarray, trim: float) -> np.ndarray:
    """``w`` with no weight above ``trim`` times the mean: capped, and capped again as the mean falls."""
    for _ in range(1000):
        cap = trim * w.mean()
        if not (w > cap * (1 + 1e-12)).any():
            break
        w = np.minimum(w, cap)
    return w


def _trimmed(cells, targets, trim: float | None, max_iter: int, tol: float) -> tuple[np.ndarray, int, bool, int]:
    """Raking, then weights above ``trim`` times the mean capped and the margins raked again, until none exceeds;
    when raking keeps pushing a weight over the bound (one margin: post-stratification cannot move), the bound
    wins and the margins are met only approximately (``converged`` false)."""
    w, iterations, converged = rake(cells, targets, max_iter=max_iter, tol=tol)
    capped = np.zeros(len(w), dtype=bool)
    for _ in range(50 if trim else 0):
        over = w > trim * w.mean() * (1 + 1e-9)
        if not over.any():
            return w, iterations, converged, int(capped.sum())
        capped |= over
        w, it, converged = rake(cells, targets, start=_cap(w, trim), max_iter=max_iter, tol=tol)
        iterations += it
    if trim and (w > trim * w.mean() * (1 + 1e-9)).any():
        w = _cap(w, trim)
        converged = _error(w * targets[0].sum() / w.sum(), cells, targets) < tol
    return w, iterations, converged, int(capped.sum())


def compute_weights(df: pd.DataFrame, margins: Mapping[str, Mapping], *, trim: float | None = 5.0,
                    recode: Mapping[str, Mapping[str, str]] | None = None, max_iter: int = 1000,
                    tol: float = 1e-8) -> pd.Series:
    """Weights of one wave's respondents to the population margins: post-stratification (one margin) or raking.

    Parameters
    ----------
    df : DataFrame
        Respondents of one population and one wave, with the margins' attribute columns.
    margins : dict
        Attribute → ``{"counts": {value code: population count}, …}`` (the study's ``margins[population]``).
    trim : float or None, default 5.0
        No weight above ``trim`` times the mean weight (capped, then the margins raked again); None: no bound.
    recode : dict, optional
        Attribute → {value code → code of the margin} (categories published merged, :func:`merged_margins`).

    Returns
    -------
    Series
        One weight per respondent (index of ``df``), mean 1 over those weighted; NaN for a respondent who did not
        give one of the margins' attributes. ``attrs`` holds the summary (:data:`SUMMARY_COLUMNS`): ``method``
        (``poststratification`` or ``raking``), ``deff`` and ``n_eff`` (Kish), the extreme weights, how many were
        ``trimmed``, ``converged`` and ``max_error`` (largest relative gap between a weighted total and its
        margin), ``empty_groups`` (categories with a population but no respondent: left out, the others carry
        the total).
    """
    if not margins:
        raise ParameterError("aucune marge : attendu au moins un attribut avec ses effectifs de population")
    if trim is not None and not trim > 1:
        raise ParameterError(f"borne des poids « {trim} » impossible : attendu un nombre > 1 (fois le poids moyen)")
    known, cells, targets, empty, names = _design(df, margins, recode)
    out = pd.Series(np.nan, index=df.index, dtype=float)
    summary = {"method": "poststratification" if len(margins) == 1 else "raking", "margins": " ".join(names),
               "n": len(df), "n_weighted": int(known.sum()), "trim": trim,
               "empty_groups": " ".join(f"{a}={c}" for a, c in empty), "status": "ok"}
    if not known.any():
        out.attrs.update({**summary, "status": "no_respondent"})
        return out
    w, iterations, converged, trimmed = _trimmed(cells, targets, trim, max_iter, tol)
    w = w / w.mean()
    out[known] = w
    summary.update({"deff": design_effect(w), "n_eff": effective_n(w), "weight_min": float(w.min()),
                    "weight_max": float(w.max()), "trimmed": trimmed, "iterations": iterations,
                    "converged": bool(converged), "max_error": _error(w * targets[0].sum() / w.sum(), cells, targets)})
    out.attrs.update(summary)
    return out


def representativeness(df: pd.DataFrame, margins: Mapping[str, Mapping], *, population: str,
                       recode: Mapping[str, Mapping[str, str]] | None = None) -> pd.DataFrame:
    """Respondents next to the population, group by group: shares, gap and response rate, one block per margin.

    ``n``, ``n_total`` and ``pct`` are the respondents' (those who gave the attribute; ``pct`` = n / n_total, the
    shape of a profile table, so that :func:`etude.safety.disclosure.suppress_small` protects it like one);
    ``population_share`` = population_n / population_total; ``gap`` = pct − population_share (in share points);
    ``response_rate`` = n / population_n (NaN for an empty group of the population).

    >>> df = pd.DataFrame({"wave": 2018, "t": ["a"] * 6 + ["b"] * 2})
    >>> r = representativeness(df, {"t": {"counts": {"a": 50, "b": 50}, "source": "S", "year": 2017}},
    ...                        population="buyers")
    >>> r[["value", "n", "pct", "population_share", "gap", "response_rate"]].values.tolist()
    [['a', 6, 0.75, 0.5, 0.25, 0.12], ['b', 2, 0.25, 0.5, -0.25, 0.04]]
    """
    rows = []
    wave = int(df["wave"].max()) if len(df) else None
    for attr, margin in margins.items():
        codes = _codes(df, attr, (recode or {}).get(attr))
        given = codes.dropna()
        total_pop = sum(margin["counts"].values())
        for value, pop_n in margin["counts"].items():
            n = int((given == value).sum())
            share = len(given) and n / len(given)
            rows.append({"population": population, "wave": wave, "attribute": attr, "value": value, "n": n,
                         "n_total": len(given), "pct": share if len(given) else math.nan, "population_n": pop_n,
                         "population_total": total_pop,
                         "population_share": pop_n / total_pop if total_pop else math.nan,
                         "gap": (share - pop_n / total_pop) if len(given) and total_pop else math.nan,
                         "response_rate": n / pop_n if pop_n else math.nan, "source": margin.get("source"),
                         "year": margin.get("year")})
    return pd.DataFrame(rows, columns=REPRESENTATIVENESS_COLUMNS)


def _monte_carlo_pvalue(observed: np.ndarray, p: np.ndarray, n_resamples: int, seed: int) -> float:
    """P-value of Pearson's statistic under multinomial draws of ``observed.sum()`` respondents with shares ``p``."""
    from scipy import stats as st
    rng = np.random.default_rng(seed)
    n, expected = int(observed.sum()), observed.sum() * p

    def statistic(x, axis):
        return ((x - expected) ** 2 / expected).sum(axis=axis)
    res = st.monte_carlo_test(observed, lambda size: rng.multinomial(n, p, size=size[:-1]), statistic, vectorized=True,
                              n_resamples=n_resamples, alternative="greater")
    return float(res.pvalue)


def goodness_of_fit(table: pd.DataFrame, *, n_resamples: int = 9999, seed: int = 2018) -> pd.DataFrame:
    """Do the respondents' groups follow the population's shares? One test per margin of
    :func:`representativeness`.

    Pearson's chi-square test of the observed counts against ``n_total × population_share`` (groups of the
    population with no member left out). When an expected count is below 5 the chi-square approximation is not
    trusted: the p-value is a Monte-Carlo one (``scipy.stats.monte_carlo_test``, multinomial draws under the
    population's shares, fixed seed) and ``method`` says ``chi2_monte_carlo``.

    >>> t = pd.DataFrame({"population": "buyers", "wave": 2018, "attribute": "t", "value": ["a", "b"],
    ...                   "n": [60, 40], "n_total": 100, "population_share": [0.5, 0.5]})
    >>> r = goodness_of_fit(t).iloc[0]
    >>> round(float(r["statistic"]), 2), int(r["dof"]), round(float(r["pvalue"]), 4), r["method"]
    (4.0, 1, 0.0455, 'chi2')
    """
    from scipy import stats as st
    rows = []
    for (pop, wave, attr), block in table.groupby(["population", "wave", "attribute"], sort=False):
        block = block[block["population_share"] > 0]
        n_total, observed = int(block["n"].sum()), block["n"].to_numpy(dtype=float)
        p = block["population_share"].to_numpy(dtype=float) / block["population_share"].sum()
        expected = n_total * p
        row = {"population": pop, "wave": wave, "attribute": attr, "n_total": n_total, "groups": len(block),
               "statistic": math.nan, "dof": len(block) - 1, "pvalue": math.nan,
               "min_expected": float(expected.min()) if len(block) else math.nan, "method": "chi2"}
        if n_total and len(block) > 1:
            row["statistic"], row["pvalue"] = (float(x) for x in st.chisquare(observed, expected))
            if row["min_expected"] < 5:
                row.update(pvalue=_monte_carlo_pvalue(observed, p, n_resamples, seed), method="chi2_monte_carlo")
        rows.append(row)
    return pd.DataFrame(rows, columns=FIT_COLUMNS)


def _weights_of(df: pd.DataFrame, weights: str | pd.Series) -> pd.Series:
    if isinstance(weights, str):
        if weights not in df.columns:
            raise ParameterError(f"colonne de poids « {weights} » absente de la table")
        return pd.to_numeric(df[weights], errors="coerce")
    w = pd.Series(weights, dtype=float)
    missing = df.index.difference(w.index)
    if len(missing):
        raise ParameterError(f"poids absents pour {len(missing)} répondant(s) : attendu un poids par ligne "
                             "(même index)")
    return w.reindex(df.index)


def weighted_shares(df: pd.DataFrame, items: Sequence[str], weights: str | pd.Series, *, alpha: float = 0.05,
                    ci_method: str = "wilson") -> pd.DataFrame:
    """Weighted share of each item among the respondents who answered the question and have a weight.

    ``pct_w = Σ w·x / Σ w``; the interval is ``ci_method``'s (Wilson by default) for that share on ``n_eff`` =
    (Σw)² / Σw² respondents, Kish's effective size of the question's base. An item not asked is NaN.

    >>> t = pd.DataFrame({"a": pd.array([True, False, False, True], dtype="boolean")})
    >>> weighted_shares(t, ["a"], pd.Series([1.0, 1.0, 1.0, 3.0]))[["item", "pct_w", "n_eff"]].round(3).values.tolist()
    [['a', 0.667, 3.0]]
    """
    w = _weights_of(df, weights)
    frame = df[list(items)]
    base = frame.notna().any(axis=1) & w.notna() & (w > 0)
    wb = w[base].to_numpy(dtype=float)
    n_eff = effective_n(wb)
    rows = []
    for code in items:
        x = frame.loc[base, code]
        if not len(wb) or not x.notna().any():
            rows.append({"item": code, "pct_w": math.nan, "ci_low_w": math.nan, "ci_high_w": math.nan,
                         "n_eff": n_eff})
            continue
        share = float((x.fillna(False).astype(bool).to_numpy() * wb).sum() / wb.sum())
        low, high = proportion_confint(share * n_eff, n_eff, alpha=alpha, method=ci_method)
        rows.append({"item": code, "pct_w": share, "ci_low_w": float(np.clip(low, 0, 1)),
                     "ci_high_w": float(np.clip(high, 0, 1)), "n_eff": n_eff})
    return pd.DataFrame(rows, columns=["item", *WEIGHTED_COLUMNS])


def weighted_columns(table: pd.DataFrame, df: pd.DataFrame, items: Sequence[str], weights: str | pd.Series, *,
                     by: str | None = None, alpha: float = 0.05, ci_method: str = "wilson") -> pd.DataFrame:
    """``table`` (:func:`etude.analysis.stats.frequencies` of ``df``) with :data:`WEIGHTED_COLUMNS` added, row by row
    (by group when ``by``); its rows, order and other columns unchanged."""
    w = _weights_of(df, weights)
    if by is None:
        extra = weighted_shares(df, items, w, alpha=alpha, ci_method=ci_method)
        keys = ["item"]
    else:
        parts = []
        for g in table[by].drop_duplicates():
            part = df[df[by].astype(object) == g]
            parts.append(weighted_shares(part, items, w, alpha=alpha, ci_method=ci_method).assign(**{by: g}))
        extra = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[by, "item", *WEIGHTED_COLUMNS])
        keys = [by, "item"]
    out = table.merge(extra, on=keys, how="left", validate="one_to_one")
    out.index = table.index
    out.attrs.update(table.attrs)
    return out


def leaders(table: pd.DataFrame) -> dict[str, list[str]]:
    """The items that lead a frequency table with weighted columns, unweighted (``pct``) and weighted (``pct_w``).

    >>> leaders(pd.DataFrame({"item": ["a", "b"], "pct": [0.5, 0.4], "pct_w": [0.3, 0.45]}))
    {'unweighted': ['a'], 'weighted': ['b']}
    """
    out = {}
    for key, col in (("unweighted", "pct"), ("weighted", "pct_w")):
        values = pd.to_numeric(table[col], errors="coerce")
        top = values.max()
        out[key] = [] if pd.isna(top) else table.loc[np.isclose(values, top), "item"].tolist()
    return out


# ------------------------------------------------------------------------------------------------ a study's wave

def _protected_design(margins: Mapping[str, Mapping], population: str, ctx: Context):
    """The margins and recoding to use: a protected population's categories merged as they are published."""
    if not ctx.protects(population):
        return dict(margins), {}
    return merged_margins(margins, {a: merges(population, a, codebook=ctx.codebook) for a in margins})


def study_representativeness(df: pd.DataFrame, margins: Mapping[str, Mapping], *, population: str,
                             ctx: Context = DEFAULT) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`representativeness` and :func:`goodness_of_fit` of one wave, safe to publish.

    For a protected population (``ctx.protect``: both by default, the study's choice; threshold ``ctx.min_cell``,
    codebook ``ctx.codebook``) the categories are merged as published
    and the table goes through :func:`etude.safety.disclosure.suppress_small` (a small group's count, share, gap
    and response rate are blanked, like in the profile tables); the test of a margin whose block has a
    suppressed group is not given (``method`` = ``hidden``: its statistic would give the counts away).
    """
    margins, recode = _protected_design(margins, population, ctx)
    table = representativeness(df, margins, population=population, recode=recode)
    fit = goodness_of_fit(table)
    table.attrs["groups"] = group_counts(df, list(margins), population=population, codebook=ctx.codebook)
    safe = suppress_small(table, ctx=ctx, population=population, merge=False,
                          columns=[*VALUE_COLUMNS, "gap", "response_rate"])
    hidden = safe.groupby("attribute")["suppressed"].any()
    for attr in hidden[hidden].index:
        fit.loc[fit["attribute"] == attr, ["statistic", "pvalue"]] = math.nan
        fit.loc[fit["attribute"] == attr, "method"] = "hidden"
    return safe, fit


def study_weights(df: pd.DataFrame, margins: Mapping[str, Mapping], *, population: str, trim: float | None = 5.0,
                  ctx: Context = DEFAULT) -> pd.Series:
    """:func:`compute_weights` of one wave, or no weights when publishing them would show a small group.

    A protected population (``ctx.protect``, the study's choice) is weighted on its categories merged as
    published; if a weighting category then holds fewer than ``ctx.min_cell`` respondents, the weights are all NaN
    and ``attrs["status"]`` is ``small_cell`` (the design effect and effective size are functions of the cells'
    counts).
    """
    margins, recode = _protected_design(margins, population, ctx)
    if ctx.protects(population):
        for attr in margins:
            counts = _codes(df, attr, recode.get(attr)).value_counts()
            if ((counts > 0) & (counts < ctx.min_cell)).any():
                out = pd.Series(np.nan, index=df.index, dtype=float)
                out.attrs.update({"method": "poststratification" if len(margins) == 1 else "raking",
                                  "margins": " ".join(margins), "n": len(df), "status": "small_cell"})
                return out
    return compute_weights(df, margins, trim=trim, recode=recode)


def study_tables(tables: Mapping[str, pd.DataFrame], margins: Mapping[str, Mapping], *, trim: float | None = 5.0,
                 ctx: Context = DEFAULT) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, pd.Series]]:
    """Each population's last wave against its margins: what notebook 08 publishes, with the study's settings
    ``ctx`` (its threshold, codebook and protected populations: a study that chose to publish its buyers' small
    groups gets them here too, and the notebook says it was its choice).

    Returns
    -------
    (representativeness, fit, summary, weights)
        :func:`study_representativeness`'s two tables for every population with margins, one row per population
        of weights summary (``population, wave`` then :data:`SUMMARY_COLUMNS`), and the weights of each
        population's last wave (a Series on its table's index; all NaN when ``status`` is not ``ok``).
        Populations without respondents or margins are left out.
    """
    reps, fits, rows, weights = [], [], [], {}
    for population, df in tables.items():
        if df is None or df.empty or not margins.get(population):
            continue
        wave = int(df["wave"].max())
        part = df[df["wave"] == wave]
        rep, fit = study_representativeness(part, margins[population], population=population, ctx=ctx)
        reps.append(rep)
        fits.append(fit)
        weights[population] = study_weights(part, margins[population], population=population, trim=trim, ctx=ctx)
        rows.append({"population": population, "wave": wave,
                     **{k: weights[population].attrs.get(k) for k in SUMMARY_COLUMNS}})
    rep = pd.concat(reps, ignore_index=True) if reps else pd.DataFrame(
        columns=[*REPRESENTATIVENESS_COLUMNS, "suppressed"])
    fit = pd.concat(fits, ignore_index=True) if fits else pd.DataFrame(columns=FIT_COLUMNS)
    summary = pd.DataFrame(rows, columns=["population", "wave", *SUMMARY_COLUMNS])
    for table in (rep, fit, summary):  # the threshold applied, named by the publishing layer (« < 5 »)
        table.attrs["min_cell"] = ctx.min_cell
    return rep, fit, summary, weights
