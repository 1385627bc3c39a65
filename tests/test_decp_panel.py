"""The DECP panel, every region and the funnel: figures equal an independent computation.

The independent computations below use plain pandas on the raw files (the consolidated CSV read as text, the
JSON read with the standard library), never etude's readers. Real files come from ``../shared/data/decp``
(never downloaded; skipped with a reason when absent): they are 2017-format JSON, so the 2022-format fields are
absent there and the panel must say so (fill rate 0, no share); the simulated consolidated extract of the demo
(``data/demo/decp_simule_consolide.csv``) has every field.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom
from statsmodels.stats.proportion import proportion_confint

from etude import decp, paths
from etude.decp import demo, panel, regions

CROIX = paths.shared_dir() / "data" / "decp" / "decp_croix_2019-2021.json"
PES = paths.shared_dir() / "data" / "decp" / "decp_pes_2019-04-05.zip"
DEMO = paths.demo_dir() / demo.DEMO_FILE
needs_croix = pytest.mark.skipif(not CROIX.exists(), reason="real DECP file ../shared/data/decp/"
                                 "decp_croix_2019-2021.json not available")
needs_pes = pytest.mark.skipif(not PES.exists(), reason="real DECP file ../shared/data/decp/"
                               "decp_pes_2019-04-05.zip not available")
COMPETITIVE = {"Procédure adaptée", "Appel d'offres ouvert", "Appel d'offres restreint", "Procédure avec négociation",
               "Dialogue compétitif", "Partenariat d'innovation", "Concours"}


@pytest.fixture(scope="module")
def demo_records():
    records, _ = decp.read_decp(DEMO)
    return records


def _independent_contracts(path) -> pd.DataFrame:
    """One row per contract of a consolidated CSV, by plain pandas: exact duplicate rows dropped, contracts with a
    current row kept, date and amount of the first row of the lowest modification, 2022 fields of the first
    current row, holders and categories of the initial version."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False).drop_duplicates()
    raw["row"] = range(len(raw))
    current = raw["donneesActuelles"].str.lower() == "true"
    raw = raw[raw["uid"].isin(set(raw.loc[current, "uid"]))]
    mod = pd.to_numeric(raw["modification_id"])
    init = raw[mod == mod.groupby(raw["uid"]).transform("min")]
    first = init.sort_values("row").drop_duplicates("uid").set_index("uid")
    latest = raw[raw["donneesActuelles"].str.lower() == "true"].sort_values("row").drop_duplicates("uid")
    latest = latest.set_index("uid")
    holders = init[init["titulaire_id"] != ""].drop_duplicates(["uid", "titulaire_id"])
    out = pd.DataFrame(index=first.index)
    out["day"] = pd.to_datetime(first["dateNotification"], format="%Y-%m-%d", errors="coerce")
    out["amount"] = pd.to_numeric(first["montant"], errors="coerce")
    out.loc[(out["amount"] >= 1e10) | (out["amount"] == 99999999) | (out["amount"] < 0), "amount"] = np.nan
    out["procedure"] = first["procedure"].replace("Marché passé sans publicité ni mise en concurrence préalable",
                                                  "Sans publicité")
    for col in ("marcheInnovant", "offresRecues", "considerationsSociales", "considerationsEnvironnementales"):
        out[col] = latest[col].reindex(out.index)
    out["n_holders"] = holders.groupby("uid").size().reindex(out.index).fillna(0)
    out["n_sme"] = holders[holders["titulaire_categorie"] == "PME"].groupby("uid").size().reindex(out.index).fillna(0)
    out["n_cat"] = holders[holders["titulaire_categorie"] != ""].groupby("uid").size().reindex(out.index).fillna(0)
    return out[out["day"].notna()].assign(year=lambda d: d["day"].dt.year)


def _expected(c: pd.DataFrame) -> dict:
    """Every indicator's (numerator, denominator, n_filled) per year, written out one by one."""
    out = {}
    for year, d in c.groupby("year"):
        flag = d["marcheInnovant"]
        given = flag.isin(["true", "false"])
        out[year, "innovative_count"] = ((flag == "true").sum(), given.sum(), given.sum())
        amount = d["amount"].where(given).fillna(0)
        out[year, "innovative_value"] = (amount[flag == "true"].sum(), amount.sum(), given.sum())
        out[year, "sme_count"] = (d["n_sme"].sum(), d["n_cat"].sum(), d["n_cat"].sum())
        part = (d["amount"].fillna(0) / d["n_holders"]).where(d["n_holders"] > 0, 0)
        out[year, "sme_value"] = ((part * d["n_sme"]).sum(), (part * d["n_cat"]).sum(), d["n_cat"].sum())
        bids = pd.to_numeric(d["offresRecues"], errors="coerce")
        comp = d["procedure"].isin(COMPETITIVE) & (bids >= 1)
        out[year, "single_bid"] = ((comp & (bids == 1)).sum(), comp.sum(), comp.sum())
        for code, col in (("social", "considerationsSociales"), ("environmental", "considerationsEnvironnementales")):
            v = d[col]
            filled = v != ""
            some = filled & ~v.str.startswith("Pas de considération")
            out[year, code] = (some.sum(), filled.sum(), filled.sum())
    return out


def test_national_panel_equals_an_independent_pandas_computation(demo_records):
    got = regions.regions_panel(demo_records)
    got = got[got["region"] == regions.NATIONAL].set_index(["year", "indicator"])
    expected = _expected(_independent_contracts(DEMO))
    assert set(expected) == set(got.index)
    for key, (num, den, filled) in expected.items():
        row = got.loc[key]
        assert row["numerator"] == pytest.approx(num), key
        assert row["denominator"] == pytest.approx(den), key
        assert row["n_filled"] == filled, key
        if den:
            assert row["share"] == pytest.approx(num / den), key


def test_regions_row_equals_the_filtered_panel_and_wilson_is_statsmodels(demo_records):
    every = regions.regions_panel(demo_records)
    kept, _ = decp.filter_region(demo_records)
    mine = panel.indicator_panel(kept, groups=pd.Series("32", index=kept.index), resamples=0)
    hdf = every[every["region"] == "32"].reset_index(drop=True)
    cols = ["year", "indicator", "numerator", "denominator", "n_records", "n_filled", "share", "ci_low", "ci_high"]
    pd.testing.assert_frame_equal(hdf[cols], mine[cols], check_dtype=False)
    counts = mine[mine["indicator"] == "sme_count"].iloc[0]
    lo, hi = proportion_confint(counts["numerator"], counts["denominator"], method="wilson")
    assert (counts["ci_low"], counts["ci_high"]) == pytest.approx((lo, hi))


def test_funnel_limits_are_exact_binomial_quantiles():
    lo, hi = regions.funnel_limits([40, 400], 0.3, level=0.998)
    assert lo.tolist() == pytest.approx([binom.ppf(0.001, 40, 0.3) / 40, binom.ppf(0.001, 400, 0.3) / 400])
    assert hi.tolist() == pytest.approx([binom.ppf(0.999, 40, 0.3) / 40, binom.ppf(0.999, 400, 0.3) / 400])


def test_every_count_share_of_a_region_has_its_funnel_and_position(demo_records):
    every = regions.regions_panel(demo_records)
    counts = every[every["indicator"].isin(panel.COUNT_INDICATORS) & (every["region"] != "FR")
                   & (every["denominator"] > 0)]
    assert counts["funnel_low_95"].notna().all() and (counts["position"] != "").all()
    assert (counts["funnel_low_998"] <= counts["funnel_low_95"]).all()
    assert set(every["region"]) <= set(decp.REGION_NAMES) | {"FR"}


def test_value_bootstrap_is_reproducible_and_brackets_the_share(demo_records):
    kept, _ = decp.filter_region(demo_records)
    a = panel.indicator_panel(kept, resamples=200, seed=7)
    b = panel.indicator_panel(kept, resamples=200, seed=7)
    c = panel.indicator_panel(kept, resamples=200, seed=8)
    pd.testing.assert_frame_equal(a, b)
    value = a[(a["indicator"] == "sme_value") & (a["denominator"] > 0)]
    assert (value["ci_method"] == "bootstrap").all() and (value["resamples"] == 200).all()
    assert ((value["ci_low"] <= value["share"]) & (value["share"] <= value["ci_high"])).all()
    assert not a["ci_low"].equals(c["ci_low"])


def test_single_bid_counts_competitive_procedures_only():
    rec = pd.DataFrame({"year": [2024] * 4, "date_status": "ok", "amount_eur": 1.0, "amount_status": "ok",
                        "marche_innovant": pd.array([None] * 4, dtype="boolean"), "n_holders": 1,
                        "n_holders_sme": 0, "n_holders_categorised": 0,
                        "procedure": ["Appel d'offres ouvert", "Sans publicité ni mise en concurrence préalable",
                                      "Procédure adaptée", None],
                        "bids": pd.array([1, 1, 4, 1], dtype="Int64"),
                        "social": pd.array([None] * 4, dtype="boolean"),
                        "environmental": pd.array([None] * 4, dtype="boolean")})
    row = panel.indicator_panel(rec, resamples=0).set_index("indicator").loc["single_bid"]
    assert (row["numerator"], row["denominator"], row["n_records"]) == (1, 2, 2)


@needs_croix
def test_croix_panel_says_the_2022_fields_are_absent():
    # The 2017 JSON has no marcheInnovant, offresRecues, considerations nor holder category: every share is
    # « not given » (fill rate 0), and each year's base is its dated contracts — 74 / 51 / 33, counted with the
    # standard library in test_decp.py::test_croix_per_year_table.
    records, _ = decp.read_decp(CROIX)
    got = panel.indicator_panel(records, resamples=0)
    assert got["n_filled"].eq(0).all() and got["share"].isna().all() and got["fill_rate"].eq(0).all()
    base = got[got["indicator"] == "innovative_count"].set_index("year")["n_records"].to_dict()
    assert base == {2019: 74, 2020: 51, 2021: 33}
    holders = got[got["indicator"] == "sme_count"].set_index("year")["n_records"].to_dict()
    raw = json.loads(CROIX.read_text(encoding="utf-8"))["marches"]
    seen, pairs = set(), {}
    for m in raw:
        key = json.dumps(m, sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        ids = {t["id"] for t in m.get("titulaires") or [] if t.get("id")}
        year = int(m["dateNotification"][:4])
        pairs[year] = pairs.get(year, 0) + len(ids)
    assert holders == pairs                     # holders: distinct holder ids of each contract, summed


@needs_pes
def test_pes_every_region_uses_the_same_rules_as_the_hauts_de_france_filter():
    records, _ = decp.read_decp(PES)
    placed = regions.assign_regions(records)
    kept, _ = decp.filter_region(records)
    assert (placed == "32").sum() == len(kept)
    every = regions.regions_panel(records)
    national = every[(every["region"] == "FR") & (every["indicator"] == "innovative_count")]
    dated = records[records["date_status"].isin(decp.DATE_USABLE)]
    assert national.set_index("year")["n_records"].to_dict() == dated["year"].value_counts().to_dict()
    assert math.isnan(national["share"].iloc[0])
