"""Indicator series: changes and growth on hand-computed values, gaps kept, perimeters never mixed, wave changes."""
import math

import pandas as pd
import pytest

from etude import words
from etude.analysis import compare, waves
from etude.analysis import indicators as ind
from etude.errors import InputError, ParameterError
from etude.publish import present
from etude.safety.disclosure import protected_populations
from etude.survey import codebook
from etude.survey.context import Context


def line(values, *, series="s", indicator="i", unit="Md€", status="published", perimeter="p"):
    """A one-line long table from {period: value}."""
    return pd.DataFrame({"series": series, "indicator": indicator, "period": list(values),
                         "value": [float(v) for v in values.values()], "unit": unit, "status": status,
                         "perimeter": perimeter})


@pytest.fixture(scope="module")
def table():
    return ind.indicator_table(include_survey=False)


def pick(df, series, indicator, period, column="value"):
    row = df[(df["series"] == series) & (df["indicator"] == indicator) & (df["period"] == period)]
    assert len(row) == 1, (series, indicator, period)
    return row[column].iloc[0]


# ------------------------------------------------------------------------------------------ changes

def test_adcf_changes_match_the_published_rates():
    t = ind.changes(line({"2016": 72.2, "2017": 77.3, "2018": 78.4, "2019": 87.5}))
    rel = t.set_index("period")["change_rel"]
    assert round(rel["2017"], 3) == 0.071      # 77,3 / 72,2 − 1 = +7,06 %  → published +7,1 %
    assert round(rel["2019"], 3) == 0.116      # 87,5 / 78,4 − 1 = +11,61 % → published +11,6 %
    assert t.set_index("period").loc["2017", "change_abs"] == pytest.approx(5.1)  # published +5,1 Md€


def test_oecp_census_rates_recomputed_from_the_reference_data(table):
    c = ind.changes(table)
    # 163 519 / 144 796 − 1 = +12,93 % (published +12,9 %); 235 600 / 185 766 − 1 = +26,83 % (published +26,8 %)
    for period, indicator, published in [("2017", "nombre_marches", 0.129), ("2022", "nombre_marches", 0.268),
                                         ("2019", "montant_total", 0.099), ("2022", "montant_total", 0.056)]:
        computed = pick(c, "oecp_recensement", indicator, period, "change_rel")
        assert round(computed, 3) == published, (indicator, period)
        kind = "variation_nombre" if indicator == "nombre_marches" else "variation_montant"
        assert pick(table, "oecp_recensement", kind, period) == published
    # 2017 amount: 2016 is only « près de 84 Md€ » (text) → no computed change, not a guess
    assert math.isnan(pick(c, "oecp_recensement", "montant_total", "2017", "change_rel"))


def test_adcf_computed_2018_differs_from_published_by_rounding_only(table):
    c = ind.changes(table)
    computed = pick(c, "adcf_barometre", "volume", "2018", "change_rel")    # 78,4 / 77,3 − 1 = +1,42 %
    published = pick(table, "adcf_barometre", "variation_annuelle", "2018")  # +1,2 % (from unrounded volumes)
    assert round(computed, 4) == 0.0142 and published == 0.012


def test_a_missing_year_is_never_bridged():
    t = ind.changes(line({"2012": 96.0, "2016": 72.2, "2017": 77.3}))
    r = t.set_index("period")
    assert math.isnan(r.loc["2016", "change_rel"]) and math.isnan(r.loc["2016", "change_abs"])
    assert pd.isna(r.loc["2016", "change_status"])
    assert r.loc["2016", "previous_period"] == "2015"


def test_zero_base_gives_nan_relative_change_not_inf():
    r = ind.changes(line({"2019": 0, "2020": 4}, unit="marchés")).set_index("period")
    assert r.loc["2020", "change_abs"] == 4
    assert math.isnan(r.loc["2020", "change_rel"])


def test_quarterly_lines_use_the_previous_quarter():
    r = ind.changes(line({"2019Q4": 51, "2020Q1": 30, "2020Q4": 26, "2021Q1": 9}, unit="marchés")).set_index("period")
    assert r.loc["2021Q1", "change_abs"] == -17                     # 9 − 26
    assert r.loc["2021Q1", "change_rel"] == pytest.approx(9 / 26 - 1)
    assert r.loc["2020Q1", "change_abs"] == -21                     # 30 − 51, across the year boundary
    assert math.isnan(r.loc["2020Q4", "change_abs"])                 # 2020Q3 missing


def test_uncertain_input_makes_an_uncertain_change(table):
    c = ind.changes(table)
    assert pick(c, "oecp_recensement", "nombre_marches", "2018", "change_status") == "uncertain"  # ≈155 000
    assert pick(c, "oecp_recensement", "nombre_marches", "2017", "change_status") == "computed"


# ------------------------------------------------------------------------------------------ growth, target

def test_growth_rate_by_hand():
    assert ind.growth_rate(100, 121, 2) == pytest.approx(0.10)
    assert ind.growth_rate(72.2, 87.5, 3) == pytest.approx((87.5 / 72.2) ** (1 / 3) - 1)  # 6,62 % a year
    assert math.isnan(ind.growth_rate(0, 10, 2))          # zero base
    assert math.isnan(ind.growth_rate(10, float("nan"), 2))
    assert math.isnan(ind.growth_rate(10, 12, 0))


def test_compound_growth_needs_both_years(table):
    g = ind.compound_growth(table, start=2016, end=2019).set_index(["series", "indicator"])
    assert g.loc[("adcf_barometre", "volume"), "cagr"] == pytest.approx(0.06616, abs=1e-5)
    assert math.isnan(g.loc[("oecp_recensement", "montant_total"), "cagr"])  # 2016 amount is text only
    with pytest.raises(ParameterError, match="start < end"):
        ind.compound_growth(table, start=2019, end=2016)


def test_distance_to_the_2_percent_target(table):
    state = table[(table["indicator"] == "part_achats_innovants")]
    d = ind.distance_to_target(state).set_index("series")
    assert (d["target"] == 0.02).all() and (d["target_year"] == 2020).all()   # read from the reference table
    assert d.loc["achats_innovants_etat", "gap"] == pytest.approx(-0.0199)      # 0,01 % − 2 %
    assert d.loc["achats_innovants_etat", "ratio"] == pytest.approx(0.005)
    assert d.loc["achats_innovants_ep_etat", "gap"] == pytest.approx(-0.0143)   # 0,57 % − 2 %
    with pytest.raises(ParameterError, match="entre 0 et 1"):
        ind.distance_to_target(state, target=2, target_year=2020)


# ------------------------------------------------------------------------------------------ perimeters

def test_oecp_and_adcf_are_never_mixed_in_one_line():
    oecp = line({"2017": 89.3, "2018": 100.834}, perimeter="recensement OECP ≥ 90 k€")
    adcf = line({"2019": 87.5}, perimeter="baromètre AdCF (avis d'attribution)")
    with pytest.raises(InputError, match="mélange des périmètres différents"):
        ind.changes(pd.concat([oecp, adcf]))
    with pytest.raises(InputError, match="deux valeurs pour la même période"):
        ind.check_perimeters(pd.concat([oecp, oecp]))


def test_reference_lines_each_have_one_perimeter(table):
    ind.check_perimeters(table)
    volume_like = table[table["indicator"].isin(["volume", "montant_total"])]
    assert volume_like.groupby(["series", "indicator"])["perimeter"].nunique().max() == 1
    assert {"adcf_barometre", "oecp_recensement", "oecp_recensement_2008"} <= set(volume_like["series"])


def test_complete_periods_keeps_gaps_visible():
    t = ind.complete_periods(line({"2012": 96.0, "2016": 72.2}))
    assert t["period"].tolist() == ["2012", "2013", "2014", "2015", "2016"]
    assert t["value"].isna().tolist() == [False, True, True, True, False]
    shown = present.format_indicators(t)
    assert shown["Valeur"].tolist()[1:4] == ["non disponible"] * 3
    assert shown["Statut"].tolist()[1] == "non disponible"
    assert shown["Valeur"].tolist()[0] == "96\u202fMd€"
    english = present.format_indicators(t, lang="en")
    assert english["Value"].tolist()[:2] == ["€96bn", "not available"]


def test_complete_periods_extends_to_a_range():
    t = ind.complete_periods(line({"2017": 1.0}), start=2016, end=2018)
    assert t["period"].tolist() == ["2016", "2017", "2018"]


# ------------------------------------------------------------------------------------------ survey counts

def respondents(population, rows, wave, *, simulated=True):
    """Respondent table: rows are sets of item codes (None = did not answer the barrier question)."""
    codes = list(codebook.items(population)["code"])
    data = {c: pd.array([None if r is None else c in r for r in rows], dtype="boolean") for c in codes}
    df = pd.DataFrame(data)
    df["wave"] = wave
    df["simulated"] = simulated
    df["source_file"] = f"{population}_{wave}_simule.csv"
    return df


def test_survey_counts_continue_the_gt_line():
    b17 = respondents("buyers", [{"b_temps"}] * 3, 2017).assign(buyer_type=["etat", "collectivite", "autre"])
    b18 = respondents("buyers", [{"b_temps"}] * 2, 2018).assign(buyer_type=["etat", "etat"])
    e18 = respondents("companies", [{"e_moyens"}], 2018)
    t = ind.indicator_table({"buyers": pd.concat([b17, b18]), "companies": e18}, tables="gt_orcp_2017")
    gt = t[t["indicator"] == "reponses_acheteurs"].set_index("period")
    assert gt.loc["2017", "value"] == 27 and gt.loc["2017", "status"] == "published"   # the published figure wins
    assert gt.loc["2018", "value"] == 2 and gt.loc["2018", "status"] == "simulated"
    assert bool(gt.loc["2018", "simulated"]) and gt.loc["2018", "note"] == ind.SURVEY_NOTE  # a code: no word here
    worded = present.survey_sources(t).set_index(["indicator", "period"])
    assert worded.loc[("reponses_acheteurs", "2018"), "source"] == "Données simulées — ne pas citer"
    assert worded.loc[("reponses_acheteurs", "2018"), "note"] == "Effectif de répondants du fichier d'étude."
    assert worded.loc[("reponses_acheteurs", "2017"), "source"] == gt.loc["2017", "source"]  # published: untouched
    english = present.survey_sources(t, lang="en").set_index(["indicator", "period"])
    assert english.loc[("reponses_acheteurs", "2018"), "source"] == "Simulated data — do not cite"
    assert pick(t, "gt_orcp", "reponses_acheteurs_etat", "2018") == 2
    assert pick(t, "gt_orcp", "reponses_entreprises", "2018") == 1
    c = ind.changes(t)
    assert pick(c, "gt_orcp", "reponses_acheteurs", "2018", "change_abs") == -25
    assert pick(c, "gt_orcp", "reponses_acheteurs", "2018", "change_status") == "simulated"


def test_real_data_counts_are_computed_not_simulated():
    e = respondents("companies", [{"e_moyens"}] * 4, 2019, simulated=False)
    s = ind.survey_series({"companies": e})
    assert s["status"].tolist() == ["computed"] and not s["simulated"].any()
    assert s["source"].iloc[0] == "companies_2019_simule.csv"
    assert present.survey_sources(s)["source"].iloc[0] == "Réponses de l'étude"  # issue 29: no file name to read
    assert present.survey_sources(s, lang="en")["source"].iloc[0] == "The study's answers"


# ------------------------------------------------------------------------------------------ wave changes

@pytest.fixture
def two_waves():
    w17 = respondents("companies", [{"e_moyens"}, {"e_moyens", "e_delais"}, {"e_besoins"}, {"e_delais"}, None], 2017)
    w18 = respondents("companies", [{"e_moyens"}, {"e_moyens"}, {"e_moyens"}, {"e_besoins"}, {"e_besoins"},
                                    {"e_processus"}], 2018)
    return pd.concat([w17, w18], ignore_index=True)


def test_item_change_between_waves_by_hand(two_waves):
    t = waves.wave_changes(two_waves, "companies", wave_from=2017, wave_to=2018,
                           ctx=Context(min_cell=4)).set_index("code")
    r = t.loc["e_moyens"]
    assert (r["n_from"], r["count_from"], r["n_to"], r["count_to"]) == (4, 2, 6, 3)  # non-answerer out of the base
    assert r["share_from"] == 0.5 and r["share_to"] == 0.5 and r["diff"] == 0
    ref = compare.two_proportions(3, 6, 2, 4)
    assert r["diff_ci_low"] == pytest.approx(ref["diff_ci_low"]) and r["p_value"] == pytest.approx(ref["p_value"])
    d = t.loc["e_delais"]  # 0 of 6 in 2018: all alike in a wave under 2 × min_cell, withheld (issue 27's rule)
    assert math.isnan(d["share_to"]) and pd.isna(d["count_to"]) and d["reason"] == "too_few"
    assert math.isnan(d["diff"]) and math.isnan(d["p_value"]) and d["share_from"] == 0.5  # 2 of 4 stays
    tested = t["p_value"].notna()
    assert tested.sum() == 2 and (t.loc[tested, "p_adjusted"] >= t.loc[tested, "p_value"]).all()
    assert t["simulated"].all()


def test_theme_change_between_waves(two_waves):
    t = waves.wave_changes(two_waves, "companies", level="themes", ctx=Context(min_cell=4)).set_index("code")
    # moyens = e_moyens or e_delais: 3 of 4 answerers in 2017, 3 of 6 in 2018; a respondent citing both counts once
    assert (t.loc["moyens", "count_from"], t.loc["moyens", "n_from"]) == (3, 4)
    assert (t.loc["moyens", "count_to"], t.loc["moyens", "n_to"]) == (3, 6)
    assert t.loc["moyens", "diff"] == pytest.approx(0.5 - 0.75)
    # information = e_administration or e_besoins: 1/4 → 2/6
    assert t.loc["information", "diff"] == pytest.approx(2 / 6 - 1 / 4)


def test_a_company_wave_below_min_cell_publishes_no_count_no_change_and_no_test(two_waves):
    # 2017 has 4 companies answering the barrier question: below min_cell = 5, nothing of that wave is published
    t = waves.wave_changes(two_waves, "companies", wave_from=2017, wave_to=2018).set_index("code")
    assert t["n_from"].isna().all() and t["count_from"].isna().all() and t["share_from"].isna().all()
    assert t["diff"].isna().all() and t["p_value"].isna().all() and t["p_adjusted"].isna().all()
    assert (t.loc["e_moyens", "n_to"], t.loc["e_moyens", "count_to"]) == (6, 3)  # 2018 (6 firms) is published
    assert t.attrs["family_size"] == 0
    grid = waves.wave_grid(two_waves, "companies").set_index(["code", "wave"])
    assert grid.loc[("e_moyens", 2017), ["n_base", "count", "share"]].isna().all()
    assert grid.loc[("e_moyens", 2018), "count"] == 3
    # public buyers are protected too (issue 27): a wave of 4 buyers is withheld, unless the study opts in
    four = respondents("buyers", [{"b_temps"}] * 4, 2017)
    assert waves.wave_grid(four, "buyers")[["n_base", "count", "share"]].isna().all().all()
    opted = waves.wave_grid(four, "buyers", ctx=Context(protect=protected_populations(True))).set_index("code")
    assert (opted.loc["b_temps", "n_base"], opted.loc["b_temps", "count"]) == (4, 4)


def test_wave_changes_reject_bad_options(two_waves):
    with pytest.raises(ParameterError, match="items, themes"):
        waves.wave_changes(two_waves, "companies", level="nope")
    with pytest.raises(ParameterError, match="vagues présentes : 2017, 2018"):
        waves.wave_changes(two_waves, "companies", wave_from=2016)


def test_cinov_point_changes():
    c = waves.published_wave_changes().set_index("indicator")
    expected = {"acces_difficile": 0.034, "acces_degrade_5_ans": 0.114, "frein_cout_reponse": 0.058,
                "frein_besoins_peu_clairs": -0.068}
    assert set(c.index) == set(expected)
    for indicator, diff in expected.items():
        assert round(c.loc[indicator, "diff"], 3) == diff, indicator
    # n 2023 = « plus de 300 »: not exact → no interval, no test, and the table says why
    assert c["diff_ci_low"].isna().all() and c["p_value"].isna().all()
    assert c["n_from"].isna().all() and (c["n_from_text"] == "« plus de 300 »").all()
    assert (c["n_to"] == 845).all()
    assert (c["note"] == "n_inexact_point_only").all()  # a code; its words say why
    assert words.label(c["note"].iloc[0], wave=2023).endswith("sans intervalle ni test")


def test_cinov_lower_bound_treatment_is_flagged_uncertain():
    c = waves.published_wave_changes(n_treatment="lower_bound").set_index("indicator")
    r = compare.two_proportions(round(0.564 * 845), 845, round(0.53 * 300), 300)
    assert c.loc["acces_difficile", "diff_ci_low"] == pytest.approx(r["diff_ci_low"])
    assert (c["status"] == "uncertain").all() and (c["note"] == "n_inexact_lower_bound").all()
    # the bound used fills n_from; the published text stays beside it
    assert (c["n_from"] == 300).all() and (c["n_from_text"] == "« plus de 300 »").all()
    with pytest.raises(ParameterError, match="point_only, lower_bound"):
        waves.published_wave_changes(n_treatment="guess")


# ------------------------------------------------------------------------------------------ notebook helpers

def test_compound_growth_skips_shares(table):
    g = ind.compound_growth(table, start=2017, end=2022)
    assert not g["indicator"].isin(["part_pme_nombre", "variation_nombre"]).any()
    r = g.set_index(["series", "indicator"]).loc[("oecp_recensement", "nombre_marches")]
    assert r["cagr"] == pytest.approx((235600 / 163519) ** (1 / 5) - 1)


def test_published_vs_computed_agree_up_to_rounding(table):
    t = ind.published_vs_computed(table).dropna(subset=["computed"])
    oecp = t[t["series"] == "oecp_recensement"]
    assert (oecp["difference"].abs() < 0.0005).all()
    adcf = t[t["series"] == "adcf_barometre"].set_index("period")
    assert abs(adcf.loc["2018", "difference"]) < 0.003
    # 2020: 71 / 87,5 − 1 = −18,9 % against −18 % published (the source worked from 87 Md€ for 2019)
    assert adcf.loc["2020", "computed"] == pytest.approx(71 / 87.5 - 1)


def test_select_lines_keeps_the_requested_order(table):
    t = ind.select_lines(table, [("adcf_barometre", "volume"), ("gt_orcp", "reponses_entreprises")])
    assert t["series"].iloc[0] == "adcf_barometre" and t["series"].iloc[-1] == "gt_orcp"


def test_text_figures_and_common_waves():
    objectives = present.format_text_figures(ind.text_figures(prefix="objectif_2018"))
    assert len(objectives) == 5 and (objectives["Statut"] == "publié").all()
    english = present.format_text_figures(ind.text_figures(prefix="objectif_2018"), lang="en")
    assert english.columns.tolist() == ["Year", "Title", "Text", "Status", "Source"]
    assert (english["Status"] == "published").all()
    assert waves.common_waves({"buyers": pd.DataFrame({"wave": [2017, 2018]})}, [2017, 2019]) == {"buyers": False}


def test_resolve_paths(tmp_path):
    f = tmp_path / "a.json"
    f.write_text("{}")
    assert ind.resolve_paths(f" {f} ; ") == [f]
    with pytest.raises(ParameterError, match="introuvable"):
        ind.resolve_paths(str(tmp_path / "nope.json"))


def test_wave_changes_follow_the_studys_opt_in_for_small_buyer_waves():
    # 4 buyers a wave: withheld by default; published when the study chose to publish its buyers' small groups,
    # as wave_grid does (issue 27, item 1)
    rows = [{"b_temps"}, {"b_temps"}, {"b_juridique"}, {"b_donnees"}] * 2
    df = respondents("buyers", rows, wave=[2017] * 4 + [2018] * 4)
    default = waves.wave_changes(df, "buyers", level="items").set_index("code")
    assert default["n_from"].isna().all() and (default["reason"] == "too_few").all()
    opted = waves.wave_changes(df, "buyers", level="items",
                               ctx=Context(protect=protected_populations(True))).set_index("code")
    assert opted.loc["b_temps", "n_from"] == 4 and opted.loc["b_temps", "share_to"] == 0.5
    assert opted.loc["b_temps", "test"] == "fisher"
