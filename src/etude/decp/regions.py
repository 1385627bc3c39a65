"""Every region at once: each record's region, the panel per region, and funnel limits around the national share.

:func:`assign_regions` applies the rules of :func:`etude.decp.filter_region`, in the same order, to every region
at once (the buyer's region code, then its département code, then a local public body's SIREN, then the place
of performance read by its code type), so that a region's row of :func:`regions_panel` is the panel of
``filter_region(records, region=…)``. A record no rule places has no region (left out of the regional rows,
kept in the national one).

:func:`funnel_limits` gives, for a share of counts, the exact binomial limits a region with ``n`` records would
stay within 95 % (and 99.8 %) of the time if its true share were the national one: a funnel plot shows each
region's share against its number of records with these limits, so that a small region is not called
different for a gap chance alone explains.

Examples
--------
>>> rec = pd.DataFrame({"buyer_region_code": ["32", None, None, "31"], "buyer_departement": [None, "62", None, None],
...                     "buyer_id": ["1", "2", "21750001600019", "3"], "place_code": None, "place_type": None})
>>> assign_regions(rec).tolist()
['32', '32', '11', '32']
>>> lo, hi = funnel_limits([100], 0.2, level=0.95)
>>> float(lo[0]), float(hi[0])
(0.12, 0.28)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from etude.decp import engine
from etude.decp.engine import Records
from etude.decp.geography import REGION_NAMES
from etude.decp.panel import COUNT_INDICATORS, PANEL_COLUMNS, panel_of
from etude.decp.region import placement

__all__ = ["assign_regions", "regions_panel", "funnel_limits", "funnel_position", "funnel_choice",
           "REGIONS_COLUMNS", "NATIONAL", "FUNNEL_LEVELS", "FUNNEL_INDICATORS"]

#: Group label of the national rows (every dated record, placed in a region or not).
NATIONAL = "FR"
#: Coverage of the funnel's two pairs of limits.
FUNNEL_LEVELS = (0.95, 0.998)
#: Indicators a funnel plot shows, in order (shares of counts).
FUNNEL_INDICATORS = ("innovative_count", "sme_count", "single_bid", "environmental")
#: Columns of :func:`regions_panel`.
REGIONS_COLUMNS = ["region", "region_name", *PANEL_COLUMNS[1:], "national_share", "funnel_low_95",
                   "funnel_high_95", "funnel_low_998", "funnel_high_998", "position"]


def assign_regions(records: pd.DataFrame | Records) -> pd.Series:
    """The current region code (INSEE) of each record, by the first rule that decides; missing when none does.

    A rule decides as soon as its field is given, even when its value names no region (a region code « 99 »):
    the record then has no region, as :func:`etude.decp.filter_region` leaves it out of Hauts-de-France.
    """
    with engine.as_records(records) as t:
        placed = placement(t)
        region = t.con.sql(f"SELECT region FROM {placed} ORDER BY rn").to_arrow_table().column(0).to_pylist()
    index = records.index if isinstance(records, pd.DataFrame) else None
    return pd.Series(region, index=index, dtype="str")


def funnel_limits(n, p0: float, *, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact binomial limits of a share of ``n`` records around ``p0``: each tail holds (1 − ``level``) / 2.

    >>> lo, hi = funnel_limits([10, 1000], 0.5, level=0.998)
    >>> [float(v) for v in lo], [float(v) for v in hi]
    ([0.1, 0.451], [0.9, 0.549])
    """
    from scipy.stats import binom
    n = np.asarray(n, dtype=float)
    tail = (1 - level) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(n > 0, binom.ppf(tail, n, p0) / n, np.nan)
        high = np.where(n > 0, binom.ppf(1 - tail, n, p0) / n, np.nan)
    return low, high


def funnel_position(share, low95, high95, low998, high998) -> np.ndarray:
    """Where a share falls: ``above_998``, ``above_95``, ``within``, ``below_95``, ``below_998`` (or ``""``).

    >>> funnel_position([0.9, 0.5, 0.1], [0.4] * 3, [0.6] * 3, [0.2] * 3, [0.8] * 3).tolist()
    ['above_998', 'within', 'below_998']
    """
    s = np.asarray(share, dtype=float)
    out = np.full(len(s), "", dtype=object)
    out[np.isfinite(s)] = "within"
    out[s > np.asarray(high95)] = "above_95"
    out[s > np.asarray(high998)] = "above_998"
    out[s < np.asarray(low95)] = "below_95"
    out[s < np.asarray(low998)] = "below_998"
    return out


def _with_funnel(panel: pd.DataFrame) -> pd.DataFrame:
    """National share of each (year, indicator), and for shares of counts the funnel limits and position."""
    national = panel[panel["group"] == NATIONAL].set_index(["year", "indicator"])["share"]
    out = panel.join(national.rename("national_share"), on=["year", "indicator"])
    counts = out["indicator"].isin(COUNT_INDICATORS).to_numpy(bool) & (out["group"] != NATIONAL).to_numpy(bool)
    for level, tag in zip(FUNNEL_LEVELS, ("95", "998")):
        lo, hi = np.full(len(out), np.nan), np.full(len(out), np.nan)
        p0 = out["national_share"].to_numpy(float)
        ok = counts & np.isfinite(p0)
        lo[ok], hi[ok] = _limits(out.loc[ok, "denominator"].to_numpy(float), p0[ok], level)
        out[f"funnel_low_{tag}"], out[f"funnel_high_{tag}"] = lo, hi
    out["position"] = np.where(counts, funnel_position(out["share"], out["funnel_low_95"], out["funnel_high_95"],
                                                       out["funnel_low_998"], out["funnel_high_998"]), "")
    return out


def _limits(n: np.ndarray, p0: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.full(len(n), np.nan), np.full(len(n), np.nan)
    for p in np.unique(p0):
        m = p0 == p
        lo[m], hi[m] = funnel_limits(n[m], float(p), level=level)
    return lo, hi


def regions_panel(records: pd.DataFrame | Records, *, resamples: int = 0, seed: int | None = None) -> pd.DataFrame:
    """The panel (:func:`etude.decp.indicator_panel`) of every region and of France, with funnel limits.

    Returns :data:`REGIONS_COLUMNS`, one row per region (``region`` code, ``region_name``; ``FR`` = every
    dated record of the files, placed in a region or not), year and indicator. For shares of counts outside
    the national rows: the funnel limits around the national share of the same year (``funnel_low_95`` …)
    and ``position``. Value shares have no interval by default (``resamples=0``: ``ci_method`` ``none``).
    """
    kwargs = {"resamples": resamples} | ({"seed": seed} if seed is not None else {})
    with engine.as_records(records) as t:
        placed = placement(t)
        regional = panel_of(t, group="p.region", join=f"JOIN {placed} p ON p.rn = r.rn", **kwargs)
        national = panel_of(t, group=f"'{NATIONAL}'", **kwargs)
    panel = _with_funnel(pd.concat([regional, national], ignore_index=True))
    panel = panel.rename(columns={"group": "region"})
    panel.insert(1, "region_name", panel["region"].map(REGION_NAMES).fillna("France"))
    return panel[REGIONS_COLUMNS].reset_index(drop=True)


def funnel_choice(regions: pd.DataFrame, year: int = 0) -> tuple[int | None, list[str]]:
    """The year of the funnel plot (``year``, or 0 for the last year where the national single-bid rate is
    given, else the last year where any of :data:`FUNNEL_INDICATORS` is) and the indicators given that year.

    >>> r = pd.DataFrame({"region": "FR", "year": [2023, 2024], "indicator": "sme_count", "denominator": [5, 0]})
    >>> funnel_choice(r)
    (2023, ['sme_count'])
    """
    given = regions[(regions["region"] == NATIONAL) & (regions["denominator"] > 0)
                    & regions["indicator"].isin(FUNNEL_INDICATORS)]
    if not year:
        bids = given.loc[given["indicator"] == "single_bid", "year"]
        year = int(bids.max()) if len(bids) else (int(given["year"].max()) if len(given) else 0)
    if not year:
        return None, []
    shown = set(given.loc[given["year"] == year, "indicator"])
    return year, [c for c in FUNNEL_INDICATORS if c in shown]
