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

from etude.decp.rules import AMOUNT_USABLE, COMPETITIVE_PROCEDURES, DATE_USABLE

__all__ = ["indicator_panel", "PANEL_COLUMNS", "INDICATORS", "COUNT_INDICATORS", "VALUE_INDICATORS",
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
_USED = ["year", "date_status", "amount_eur", "amount_status", "marche_innovant", "bids", "procedure", "n_holders",
         "n_holders_sme", "n_holders_categorised", "social", "environmental"]


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


def _columns(d: pd.DataFrame) -> dict[str, dict[str, np.ndarray]]:
    """Per indicator: ``base`` (in the fill rate's base), ``filled``, ``num`` and ``den`` (per record)."""
    amount = np.where(d["amount_status"].isin(AMOUNT_USABLE), d["amount_eur"].to_numpy(float), np.nan)
    has_amount = np.isfinite(amount)
    flag = d["marche_innovant"].astype("boolean")
    bids = pd.array(d["bids"], dtype="Int64")
    competitive = d["procedure"].isin(COMPETITIVE_PROCEDURES).to_numpy(bool)
    holders = d["n_holders"].to_numpy(float)
    sme, cat = d["n_holders_sme"].to_numpy(float), d["n_holders_categorised"].to_numpy(float)
    split = np.divide(np.where(has_amount, amount, 0.0), holders, out=np.zeros(len(d)), where=holders > 0)
    ones = np.ones(len(d))
    given = flag.notna().to_numpy(bool)
    true = flag.fillna(False).to_numpy(bool)
    one_bid = (bids >= 1).fillna(False).to_numpy(bool)
    out = {
        "innovative_count": dict(base=ones, filled=given * 1.0, num=true * 1.0, den=given * 1.0),
        "innovative_value": dict(base=ones, filled=given * 1.0, num=np.where(true & has_amount, amount, 0.0),
                                 den=np.where(given & has_amount, amount, 0.0), use=given & has_amount),
        "sme_count": dict(base=holders, filled=cat, num=sme, den=cat),
        "sme_value": dict(base=holders, filled=cat, num=split * sme, den=split * cat,
                          use=(cat > 0) & has_amount),
        "single_bid": dict(base=competitive * 1.0, filled=(competitive & one_bid) * 1.0,
                           num=(competitive & (bids == 1).fillna(False).to_numpy(bool)) * 1.0,
                           den=(competitive & one_bid) * 1.0),
    }
    for name in ("social", "environmental"):
        v = d[name].astype("boolean")
        out[name] = dict(base=ones, filled=v.notna().to_numpy(float), num=v.fillna(False).to_numpy(float),
                         den=v.notna().to_numpy(float))
    return out


def _seed(seed: int, group: str, year: int, indicator: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(str(group).encode()), int(year), INDICATORS.index(indicator)])


def _one(name: str, cols: dict, keys: pd.DataFrame, groups: tuple, *, resamples: int, seed: int) -> pd.DataFrame:
    """One indicator's rows, one per (group, year); ``groups`` is ``(code of each record, table of the codes)``."""
    gid, table = groups
    out = table.copy()
    for src, dst in (("base", "n_records"), ("filled", "n_filled"), ("num", "numerator"), ("den", "denominator")):
        out[dst] = np.bincount(gid, weights=np.asarray(cols[src], dtype=float), minlength=len(table))
    out.insert(2, "indicator", name)
    out.insert(3, "basis", "value" if name in VALUE_INDICATORS else "count")
    out["fill_rate"] = np.divide(out["n_filled"], out["n_records"], out=np.full(len(out), np.nan),
                                 where=out["n_records"].to_numpy() > 0)
    out["share"] = np.divide(out["numerator"], out["denominator"], out=np.full(len(out), np.nan),
                             where=out["denominator"].to_numpy() > 0)
    if name in VALUE_INDICATORS:
        out["ci_low"], out["ci_high"] = np.nan, np.nan
        out["ci_method"] = "bootstrap" if resamples > 0 else "none"
        out["resamples"] = resamples if resamples > 0 else pd.NA
        if resamples > 0:
            use = pd.Series(cols["use"], index=keys.index)
            for i, (g, y) in enumerate(zip(out["group"], out["year"])):
                m = (use & (keys["group"] == g) & (keys["year"] == y)).to_numpy(bool)
                out.loc[i, ["ci_low", "ci_high"]] = bootstrap_ratio(
                    cols["num"][m], cols["den"][m], resamples=resamples, rng=_seed(seed, g, y, name))
    else:
        out["ci_low"], out["ci_high"] = wilson(out["numerator"], out["denominator"])
        out["ci_method"], out["resamples"] = "wilson", pd.NA
    return out


def indicator_panel(records: pd.DataFrame, *, groups: pd.Series | None = None,
                    resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The panel of :data:`INDICATORS` per notification year (and per group, e.g. region), long format.

    Parameters
    ----------
    records : DataFrame
        Records of :func:`etude.decp.read_decp` (after a regional filter, or not).
    groups : Series, optional
        A group label per record (on ``records``' index); records whose label is missing are left out.
        Default: one group, ``"all"``.
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
    dated = records["date_status"].isin(DATE_USABLE).to_numpy(bool)
    label = pd.Series("all", index=records.index) if groups is None else groups.reindex(records.index)
    keep = dated & label.notna().to_numpy(bool)
    d = records.loc[keep, [c for c in _USED if c in records.columns]]     # only what the panel reads
    keys = pd.DataFrame({"group": label[keep].astype(str).to_numpy(), "year": d["year"].astype("int64").to_numpy()},
                        index=d.index)
    if d.empty:
        return pd.DataFrame(columns=PANEL_COLUMNS)
    cols = _columns(d)
    gid = keys.groupby(["group", "year"], sort=True).ngroup().to_numpy()
    table = keys.drop_duplicates().sort_values(["group", "year"]).reset_index(drop=True)
    parts = [_one(name, cols[name], keys, (gid, table), resamples=resamples, seed=seed) for name in INDICATORS]
    out = pd.concat(parts, ignore_index=True)
    for col in ("n_records", "n_filled"):
        out[col] = out[col].round().astype("int64")
    order = {name: i for i, name in enumerate(INDICATORS)}
    out = out.sort_values(["group", "year", "indicator"], key=lambda s: s.map(order) if s.name == "indicator"
                          else s, kind="stable")
    return out[PANEL_COLUMNS].reset_index(drop=True)
