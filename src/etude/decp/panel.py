"""The DECP indicator panel: per notification year, shares with their denominator, fill rate and interval.

Each indicator is a share of something *among the records where the field is given* (never among empty
fields), with the **fill rate** beside it (records where the field is given / all records of its base):

==========================  ==========================================================  ====================
indicator                   share of …                                                  base of the fill rate
==========================  ==========================================================  ====================
``innovative_count``        contracts flagged ``marcheInnovant`` among those flagged     contracts
``innovative_value``        their amount among the amount of the flagged contracts       contracts
``sme_count``               holders of category PME among holders with a category         holders (contract ×
                            (``titulaire_categorie``; « non renseigné » apart)            holder)
``sme_value``               the amount of PME holders among the amount of categorised    holders
                            holders (a contract's amount split equally between holders)
``single_bid``              contracts with one bid (``offresRecues`` = 1) among those    contracts of a
                            with at least one bid, competitive procedures only           competitive procedure
                            (:data:`~etude.decp.rules.COMPETITIVE_PROCEDURES`)
``social``                  contracts with any social clause or criterion among those    contracts
                            where the field is given (« pas de considération » = no)
``environmental``           the same for environmental considerations                    contracts
==========================  ==========================================================  ====================

Only contracts with a usable notification date count; value shares only contracts with a usable amount.
Intervals (95 %): Wilson for shares of counts (statsmodels); for shares of value, a percentile bootstrap that
resamples contracts (``resamples`` draws, a fixed ``seed`` mixed with the group, year and indicator, so a
figure does not depend on the others), or none (``resamples=0``; ``ci_method`` says which).

The sums are made in SQL (:func:`panel_of`, on a records DataFrame or a :class:`~etude.decp.engine.Records`
table alike); amounts are summed as decimals to the millionth of a euro, so that a figure does not depend on the
order in which DuckDB's threads add them up.

Examples
--------
>>> rec = pd.DataFrame({"year": [2024] * 4, "date_status": "ok", "amount_eur": [10.0, 30.0, 60.0, 5.0],
...     "amount_status": "ok", "marche_innovant": pd.array([True, False, False, None], dtype="boolean"),
...     "procedure": "Appel d'offres ouvert", "bids": pd.array([1, 3, None, 2], dtype="Int64"),
...     "n_holders": 1, "n_holders_sme": [1, 0, 1, 0], "n_holders_categorised": [1, 1, 1, 0],
...     "social": pd.array([True, False, None, None], dtype="boolean"),
...     "environmental": pd.array([None] * 4, dtype="boolean")})
>>> p = indicator_panel(rec, resamples=0).set_index("indicator")
>>> p.loc["innovative_count", ["numerator", "denominator", "fill_rate", "share"]].tolist()
[1.0, 3.0, 0.75, 0.3333333333333333]
>>> p.loc["innovative_value", ["numerator", "denominator", "share"]].astype(float).tolist()
[10.0, 100.0, 0.1]
>>> p.loc["innovative_value", "ci_method"], p.loc["single_bid", ["n_records", "n_filled", "share"]].tolist()
('none', [4.0, 3.0, 0.3333333333333333])
>>> p.loc["environmental", ["n_filled", "share"]].tolist()
[0.0, nan]
"""
from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from etude.decp import engine
from etude.decp.engine import Records
from etude.decp.rules import AMOUNT_USABLE, COMPETITIVE_PROCEDURES, DATE_USABLE

__all__ = ["indicator_panel", "panel_of", "PANEL_COLUMNS", "INDICATORS", "COUNT_INDICATORS", "VALUE_INDICATORS",
           "DEFAULT_RESAMPLES", "DEFAULT_SEED", "bootstrap_ratio", "wilson"]

#: Indicators of the panel, in the order they are shown.
INDICATORS = ("innovative_count", "innovative_value", "sme_count", "sme_value", "single_bid", "social",
              "environmental")
#: Shares of counts (Wilson interval; a funnel plot can show them).
COUNT_INDICATORS = ("innovative_count", "sme_count", "single_bid", "social", "environmental")
#: Shares of value (bootstrap interval or none).
VALUE_INDICATORS = ("innovative_value", "sme_value")
#: Columns of :func:`indicator_panel`.
PANEL_COLUMNS = ["group", "year", "indicator", "basis", "numerator", "denominator", "n_records", "n_filled",
                 "fill_rate", "share", "ci_low", "ci_high", "ci_method", "resamples"]
#: Bootstrap resamples of a value share.
DEFAULT_RESAMPLES = 1000
#: Seed of the bootstrap (mixed with the group, year and indicator of each figure).
DEFAULT_SEED = 20240101
_CHUNK = 100


def wilson(count, nobs, *, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``count / nobs`` (arrays); NaN where ``nobs`` is 0.

    >>> [round(float(v[0]), 4) for v in wilson([3], [10])]
    [0.1078, 0.6032]
    """
    from statsmodels.stats.proportion import proportion_confint
    c, n = np.asarray(count, float), np.asarray(nobs, float)
    low, high = np.full(len(c), np.nan), np.full(len(c), np.nan)
    ok = n > 0
    if ok.any():
        low[ok], high[ok] = proportion_confint(c[ok], n[ok], alpha=alpha, method="wilson")
    return low, high


def bootstrap_ratio(num: np.ndarray, den: np.ndarray, *, resamples: int = DEFAULT_RESAMPLES,
                    rng: np.random.Generator, alpha: float = 0.05) -> tuple[float, float]:
    """Percentile bootstrap interval of ``sum(num) / sum(den)``, resampling the rows (contracts) with replacement.

    >>> lo, hi = bootstrap_ratio(np.array([0., 10, 0, 5]), np.array([10., 10, 20, 5]), rng=np.random.default_rng(1))
    >>> 0 <= lo <= 15 / 45 <= hi <= 1
    True
    """
    n = len(num)
    if n == 0 or resamples <= 0:
        return np.nan, np.nan
    ratios = []
    for start in range(0, resamples, _CHUNK):
        idx = rng.integers(0, n, size=(min(_CHUNK, resamples - start), n))
        d = den[idx].sum(axis=1)
        ratios.append(np.divide(num[idx].sum(axis=1), d, out=np.full(len(d), np.nan), where=d > 0))
    r = np.concatenate(ratios)
    r = r[np.isfinite(r)]
    if not len(r):
        return np.nan, np.nan
    return float(np.quantile(r, alpha / 2)), float(np.quantile(r, 1 - alpha / 2))


def _seed(seed: int, group: str, year: int, indicator: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(str(group).encode()), int(year), INDICATORS.index(indicator)])


_DEC = "DECIMAL(38, 6)"
#: Per contract of the panel (dated, in a group): its group, year, usable amount and the fields the shares read.
_CONTRACTS_SQL = f"""
WITH d AS (SELECT {{group}} AS g, r.rn, r.year,
                  CASE WHEN r.amount_status IN {engine.sql_list(AMOUNT_USABLE)} AND isfinite(r.amount_eur)
                       THEN r.amount_eur END AS amount,
                  r.marche_innovant AS flag, r.bids, coalesce(r.procedure IN {engine.sql_list(COMPETITIVE_PROCEDURES)},
                  false) AS competitive, coalesce(r.n_holders, 0) AS holders, coalesce(r.n_holders_sme, 0) AS sme,
                  coalesce(r.n_holders_categorised, 0) AS cat, r.social, r.environmental
           FROM {{t}} r {{join}} WHERE r.date_status IN {engine.sql_list(DATE_USABLE)} AND {{group}} IS NOT NULL),
     e AS (SELECT *, CASE WHEN holders > 0 THEN coalesce(amount, 0) / holders ELSE 0 END AS split,
                  CASE WHEN flag AND amount IS NOT NULL THEN amount ELSE 0 END AS iv_num,
                  CASE WHEN flag IS NOT NULL AND amount IS NOT NULL THEN amount ELSE 0 END AS iv_den FROM d)
"""
_SUMS_SQL = _CONTRACTS_SQL + f"""
SELECT g, year, ind.* FROM (
  SELECT g, year, count(*) AS n, count(flag) AS f1, count(*) FILTER (WHERE flag) AS a1,
         sum(CAST(iv_num AS {_DEC})) AS a2, sum(CAST(iv_den AS {_DEC})) AS b2,
         sum(holders) AS h3, sum(cat) AS f3, sum(sme) AS a3,
         sum(CAST(split * sme AS {_DEC})) AS a4, sum(CAST(split * cat AS {_DEC})) AS b4,
         count(*) FILTER (WHERE competitive) AS h5, count(*) FILTER (WHERE competitive AND bids >= 1) AS f5,
         count(*) FILTER (WHERE competitive AND bids = 1) AS a5,
         count(social) AS f6, count(*) FILTER (WHERE social) AS a6,
         count(environmental) AS f7, count(*) FILTER (WHERE environmental) AS a7
  FROM e GROUP BY g, year) s,
LATERAL (VALUES (0, 'innovative_count', n, f1, a1, f1), (1, 'innovative_value', n, f1, a2, b2),
                (2, 'sme_count', h3, f3, a3, f3), (3, 'sme_value', h3, f3, a4, b4), (4, 'single_bid', h5, f5, a5, f5),
                (5, 'social', n, f6, a6, f6), (6, 'environmental', n, f7, a7, f7))
  AS ind(k, indicator, n_records, n_filled, numerator, denominator)
ORDER BY g, year, k
"""
_VALUES_SQL = _CONTRACTS_SQL + """
SELECT g, year, iv_num, iv_den, flag IS NOT NULL AND amount IS NOT NULL AS iv_use, split * sme AS sv_num,
       split * cat AS sv_den, cat > 0 AND amount IS NOT NULL AS sv_use FROM e ORDER BY rn
"""


def _bootstrap(t: Records, out: pd.DataFrame, sql: dict, *, resamples: int, seed: int) -> None:
    """The bootstrap intervals of the value shares of ``out`` (rows in place), contracts in the records' order."""
    v = t.sql(_VALUES_SQL.format(**sql)).to_arrow_table()
    g, year = v.column("g").to_numpy(zero_copy_only=False), v.column("year").to_numpy()
    for name, key in (("innovative_value", "iv"), ("sme_value", "sv")):
        num, den = v.column(f"{key}_num").to_numpy(), v.column(f"{key}_den").to_numpy()
        use = v.column(f"{key}_use").to_numpy(zero_copy_only=False)
        for i in np.flatnonzero(out["indicator"].to_numpy() == name):
            gi, yi = out.at[i, "group"], out.at[i, "year"]
            m = use & (g == gi) & (year == yi)
            out.loc[i, ["ci_low", "ci_high"]] = bootstrap_ratio(num[m], den[m], resamples=resamples,
                                                                rng=_seed(seed, gi, yi, name))


def panel_of(t: Records, *, group: str = "'all'", join: str = "", resamples: int = DEFAULT_RESAMPLES,
             seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The panel of the records of ``t`` (aliased ``r``) by the SQL expression ``group`` (records where it is NULL
    left out; ``join`` may bring its table in); see :func:`indicator_panel`."""
    sql = {"group": group, "join": join, "t": "{t}"}
    out = t.sql(_SUMS_SQL.format(**sql)).df().drop(columns="k").rename(columns={"g": "group"})
    if out.empty:
        return pd.DataFrame(columns=PANEL_COLUMNS)
    for col in ("numerator", "denominator", "n_records", "n_filled"):
        out[col] = out[col].astype("float64")
    out["year"] = out["year"].astype("int64")
    value = out["indicator"].isin(VALUE_INDICATORS).to_numpy()
    out.insert(3, "basis", np.where(value, "value", "count"))
    n, filled, num, den = (out[c].to_numpy() for c in ("n_records", "n_filled", "numerator", "denominator"))
    out["fill_rate"] = np.divide(filled, n, out=np.full(len(out), np.nan), where=n > 0)
    out["share"] = np.divide(num, den, out=np.full(len(out), np.nan), where=den > 0)
    out["ci_low"], out["ci_high"] = wilson(np.where(value, 0, num), np.where(value, 0, den))
    out.loc[value, ["ci_low", "ci_high"]] = np.nan
    out["ci_method"] = np.where(value, "bootstrap" if resamples > 0 else "none", "wilson")
    out["resamples"] = pd.Series([resamples if v and resamples > 0 else pd.NA for v in value], dtype=object)
    if resamples > 0:
        _bootstrap(t, out, sql, resamples=resamples, seed=seed)
    for col in ("n_records", "n_filled"):
        out[col] = out[col].round().astype("int64")
    return out[PANEL_COLUMNS].reset_index(drop=True)


def indicator_panel(records: pd.DataFrame | Records, *, groups: pd.Series | None = None,
                    resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The panel of :data:`INDICATORS` per notification year (and per group, e.g. region), long format.

    Parameters
    ----------
    records : DataFrame or Records
        Records of :func:`etude.decp.read_decp` (after a regional filter, or not).
    groups : Series, optional
        A group label per record (on ``records``' index, a DataFrame); records whose label is missing are left
        out. Default: one group, ``"all"``.
    resamples : int, default :data:`DEFAULT_RESAMPLES`
        Bootstrap resamples of a value share; 0 for no interval.
    seed : int, default :data:`DEFAULT_SEED`

    Returns
    -------
    DataFrame with :data:`PANEL_COLUMNS`: ``numerator`` and ``denominator`` (counts, or euros for a value
    share), ``n_records`` (base of the fill rate: contracts, holders or competitive contracts), ``n_filled``,
    ``fill_rate``, ``share`` (NaN when nothing is filled), ``ci_low``/``ci_high`` and ``ci_method``
    (``wilson``, ``bootstrap`` or ``none``).
    """
    if groups is None:
        with engine.as_records(records) as t:
            return panel_of(t, resamples=resamples, seed=seed)
    label = groups.reindex(records.index)
    label = np.where(label.isna(), None, label.astype(str)).astype(object)
    with engine.as_records(records, grp=label) as t:
        return panel_of(t, group="r.grp", resamples=resamples, seed=seed)
