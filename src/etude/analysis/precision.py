"""How many respondents a share needs: the Wilson interval's half-width, and the sample size that reaches one.

For a share ``p`` observed on ``n`` respondents, with ``z`` the normal quantile of the confidence level, the Wilson
interval (the one :mod:`etude.analysis.stats` shows) is centred on ``(p + z²/2n) / (1 + z²/n)`` and its half-width is

    h(n) = z / (1 + z²/n) · √( p(1−p)/n + z²/(4n²) ).

Squaring ``h(n) = h`` and multiplying by ``n²`` gives a quadratic in ``n``,

    h²·n² + (2h²z² − z²p(1−p))·n + (h² − 1/4)·z⁴ = 0,

whose larger root is the size needed (rounded up). By hand, for ``p = 0.5``, ``h = 0.10`` at 95 % (``z = 1.96``,
``z² = 3.8415``): ``0.01 n² − 0.8835 n − 3.5416 = 0``, so ``n = (0.8835 + √(0.8835² + 4 × 0.01 × 3.5416)) / 0.02
= (0.8835 + 0.9604) / 0.02 = 92.2``, hence 93 respondents (``h(93) = 0.0996``, ``h(92) = 0.1001``).

A survey sent to a whole known population of ``N`` (a census: every buyer of the region) needs fewer answers: with
the finite-population correction the ``n`` respondents weigh as ``n·(N−1)/(N−n)``, so the size needed becomes
``n₀ / (1 + (n₀ − 1)/N)`` (``n₀`` the size above before rounding): 22 out of a population of 27.

Numbers only: the sentences are :mod:`etude.publish.present.weights`'.

Examples
--------
>>> sample_size(0.10), sample_size(0.10, population=27), round(half_width(93), 4)
(93, 22, 0.0996)
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
from scipy.stats import norm

from etude.errors import ParameterError

__all__ = ["z_value", "half_width", "sample_size", "wave_precision", "PRECISION_COLUMNS"]

#: Columns of :func:`wave_precision`.
PRECISION_COLUMNS = ["population", "wave", "n", "proportion", "confidence", "half_width", "population_size",
                     "half_width_fpc"]


def _check(proportion: float, confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ParameterError(f"niveau de confiance « {confidence} » impossible : attendu entre 0 et 1 (ex. 0.95)")
    if not 0 <= proportion <= 1:
        raise ParameterError(f"part « {proportion} » impossible : attendu entre 0 et 1 (ex. 0.5)")


def z_value(confidence: float = 0.95) -> float:
    """The two-sided normal quantile of a confidence level.

    >>> round(z_value(0.95), 4)
    1.96
    """
    _check(0.5, confidence)
    return float(norm.ppf(0.5 + confidence / 2))


def _effective(n: float, population: int | None) -> float:
    """``n`` respondents out of ``population``, as many independent ones (finite-population correction)."""
    if population is None:
        return float(n)
    if n >= population:
        return math.inf
    return n * (population - 1) / (population - n)


def half_width(n: float, *, proportion: float = 0.5, confidence: float = 0.95, population: int | None = None) -> float:
    """Half the width of the Wilson interval of a share ``proportion`` observed on ``n`` respondents.

    Parameters
    ----------
    n : float
        Respondents (or an effective size, :func:`etude.analysis.weights.effective_n`).
    proportion : float, default 0.5
        The share; 0.5 gives the widest interval.
    confidence : float, default 0.95
    population : int, optional
        Size of the population the respondents belong to (finite-population correction); none: infinite.

    Returns
    -------
    float
        NaN for ``n`` of 0; 0 when every member of the population answered.

    >>> round(half_width(27), 4), half_width(27, population=27)
    (0.1765, 0.0)
    """
    _check(proportion, confidence)
    if not n or n <= 0:
        return math.nan
    m = _effective(n, population)
    if math.isinf(m):
        return 0.0
    z = z_value(confidence)
    return z / (1 + z * z / m) * math.sqrt(proportion * (1 - proportion) / m + z * z / (4 * m * m))


def sample_size(target: float, *, proportion: float = 0.5, confidence: float = 0.95,
                population: int | None = None) -> int:
    """Respondents needed for a Wilson interval of half-width at most ``target`` (see the module's formula).

    Parameters
    ----------
    target : float
        The half-width wanted, as a fraction (``0.10`` for ± 10 points).
    proportion, confidence, population
        As in :func:`half_width`.

    >>> sample_size(0.05), sample_size(0.10, proportion=0.2)
    (381, 60)
    """
    _check(proportion, confidence)
    if not 0 < target < 0.5:
        raise ParameterError(f"demi-largeur « {target} » impossible : attendu entre 0 et 0,5 (ex. 0.10 pour ± 10 "
                             "points)")
    if population is not None and (isinstance(population, bool) or int(population) != population or population < 1):
        raise ParameterError(f"population « {population} » impossible : attendu un nombre entier de membres (ex. 650)")
    z2, h2, pq = z_value(confidence) ** 2, target * target, proportion * (1 - proportion)
    a, b, c = h2, 2 * h2 * z2 - z2 * pq, (h2 - 0.25) * z2 * z2
    n0 = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
    n = n0 if population is None else n0 / (1 + (n0 - 1) / population)
    needed = math.ceil(n - 1e-9)
    while needed > 1 and half_width(needed - 1, proportion=proportion, confidence=confidence,
                                    population=population) <= target:  # rounding of n0 at the boundary
        needed -= 1
    return needed if population is None else min(needed, int(population))


def wave_precision(tables: Mapping[str, pd.DataFrame], *, proportion: float = 0.5, confidence: float = 0.95,
                   populations: Mapping[str, int] | None = None) -> pd.DataFrame:
    """The half-width each population's last wave gives a share (respondents to the barrier question or not).

    Parameters
    ----------
    tables : dict
        ``{population: respondent table}`` (:func:`etude.survey.load_study`); empty tables are left out.
    populations : dict, optional
        Population sizes (e.g. the study's margins' totals): adds ``half_width_fpc``.

    Returns
    -------
    DataFrame with :data:`PRECISION_COLUMNS`, one row per population.

    >>> t = {"buyers": pd.DataFrame({"wave": [2017] * 3 + [2018] * 27})}
    >>> wave_precision(t, populations={"buyers": 600})[["population", "wave", "n", "population_size"]].values.tolist()
    [['buyers', 2018, 27, 600]]
    """
    rows = []
    for population, df in tables.items():
        if df is None or df.empty:
            continue
        wave = int(df["wave"].max())
        n = int((df["wave"] == wave).sum())
        size = (populations or {}).get(population)
        rows.append({"population": population, "wave": wave, "n": n, "proportion": proportion, "confidence": confidence,
                     "half_width": half_width(n, proportion=proportion, confidence=confidence),
                     "population_size": size,
                     "half_width_fpc": math.nan if size is None else
                     half_width(n, proportion=proportion, confidence=confidence, population=size)})
    out = pd.DataFrame(rows, columns=PRECISION_COLUMNS)
    out["population_size"] = out["population_size"].astype("Int64")
    return out
