"""Two-population comparisons: values from the literature or recomputed by hand / with scipy directly."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from etude.analysis import compare
from etude.errors import ParameterError
from etude.publish import present
from etude.safety.disclosure import protected_populations
from etude.survey import codebook
from etude.survey.context import Context

#: A study that publishes public buyers' small groups (``publish_small_groups: true``); by default they are withheld.
OPT_IN = protected_populations(True)

BUYER_ITEMS = list(codebook.items("buyers")["code"])
COMPANY_ITEMS = list(codebook.items("companies")["code"])


def table(population, rows, **attrs):
    """Respondent table per docs/contracts.md §1: one set of selected items per respondent; empty set = NA."""
    codes = BUYER_ITEMS if population == "buyers" else COMPANY_ITEMS
    df = pd.DataFrame({c: pd.array([(c in r) if r else None for r in rows], dtype="boolean") for c in codes})
    for name, values in attrs.items():
        df[name] = pd.Series(values, dtype="category")
    return df


Z975 = stats.norm.ppf(0.975)


def wilson(x, n, z=Z975):
    """Wilson score interval written out (Wilson 1927), to check statsmodels independently."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


# ---------------------------------------------------------------------------------------------------- two_proportions

def test_lady_tasting_tea_fisher_p_value():
    # Fisher (1935): 3 of 4 cups right each way; two-sided p = 34/70 = 0.4857.
    r = compare.two_proportions(3, 4, 1, 4)
    assert r["p_value"] == pytest.approx(34 / 70)
    assert round(r["p_value"], 4) == 0.4857
    assert r["test"] == "fisher"
    assert r["diff"] == pytest.approx(0.5)


@pytest.mark.parametrize("c1,n1,c2,n2,low,high", [
    # Newcombe (1998), Statistics in Medicine 17:873, Table II, method 10 (hybrid Wilson score).
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0000),
    (10, 10, 0, 10, 0.6075, 1.0000),
])
def test_newcombe_interval_matches_the_paper(c1, n1, c2, n2, low, high):
    r = compare.two_proportions(c1, n1, c2, n2)
    assert r["diff"] == pytest.approx(c1 / n1 - c2 / n2)
    assert round(r["diff_ci_low"], 4) == pytest.approx(low, abs=1e-4)
    assert round(r["diff_ci_high"], 4) == pytest.approx(high, abs=1e-4)


@pytest.mark.parametrize("c1,n1,c2,n2", [(13, 27, 40, 90), (2, 4, 60, 90), (0, 17, 5, 90), (17, 17, 70, 90)])
def test_newcombe_interval_equals_its_formula_on_wilson_limits(c1, n1, c2, n2):
    p1, p2 = c1 / n1, c2 / n2
    l1, u1 = wilson(c1, n1)
    l2, u2 = wilson(c2, n2)
    low = p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    r = compare.two_proportions(c1, n1, c2, n2)
    assert r["diff_ci_low"] == pytest.approx(low, abs=1e-9)
    assert r["diff_ci_high"] == pytest.approx(high, abs=1e-9)


def test_wilson_interval_equals_its_formula():
    assert compare.wilson_interval(13, 27) == pytest.approx(wilson(13, 27))
    assert all(math.isnan(x) for x in compare.wilson_interval(0, 0))


@pytest.mark.parametrize("p1,p2,h", [(0.5, 0.5, 0.0), (1.0, 0.0, math.pi), (0.0, 1.0, -math.pi),
                                     (0.8, 0.6, 0.4421), (0.25, 0.5, -0.5236)])
def test_cohens_h_known_pairs(p1, p2, h):
    r = compare.two_proportions(round(p1 * 20), 20, round(p2 * 20), 20)
    assert r["cohens_h"] == pytest.approx(2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2)))
    assert r["cohens_h"] == pytest.approx(h, abs=1e-4)


def test_chi2_is_yates_corrected_pearson():
    a, b, c, d = 10, 20, 30, 40
    n = a + b + c + d
    chi2 = n * (abs(a * d - b * c) - n / 2) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    r = compare.two_proportions(a, a + b, c, c + d, test="chi2")
    assert r["test"] == "chi2"
    assert r["p_value"] == pytest.approx(stats.chi2.sf(chi2, 1))


def test_degenerate_tables():
    # Nobody cites the theme on either side: no difference, Fisher p = 1, chi-square undefined.
    assert compare.two_proportions(0, 10, 0, 20)["p_value"] == 1.0
    assert math.isnan(compare.two_proportions(0, 10, 0, 20, test="chi2")["p_value"])
    empty = compare.two_proportions(0, 0, 3, 5)
    assert set(empty) == {"diff", "diff_ci_low", "diff_ci_high", "test", "p_value", "cohens_h"}
    assert all(math.isnan(empty[k]) for k in empty if k != "test")


@pytest.mark.parametrize("kwargs,allowed", [({"test": "t"}, "'fisher', 'chi2'"),
                                            ({"ci_method": "exact"}, "'newcombe'"),
                                            ({"alpha": 1.5}, "alpha")])
def test_bad_options_list_the_allowed_values(kwargs, allowed):
    with pytest.raises(ParameterError, match=allowed):
        compare.two_proportions(1, 2, 1, 2, **kwargs)


@pytest.mark.parametrize("args", [(3, 2, 1, 2), (-1, 2, 1, 2), (1.5, 2, 1, 2)])
def test_impossible_counts_are_refused(args):
    with pytest.raises(ParameterError):
        compare.two_proportions(*args)


# ---------------------------------------------------------------------------------------------------- adjustments

def test_holm_and_bh_on_a_known_vector():
    p = [0.01, 0.04, 0.03, 0.005]
    # Holm: sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06.
    assert compare.adjust_pvalues(p, method="holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # BH: 0.005·4/1, 0.01·4/2, 0.03·4/3, 0.04·4/4 → running min from the top.
    assert compare.adjust_pvalues(p, method="fdr_bh") == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert compare.adjust_pvalues(p, method="none") == pytest.approx(p)
    with pytest.raises(ParameterError, match="'holm'"):
        compare.adjust_pvalues(p, method="hochberg")


def test_nan_p_values_are_left_out_of_the_family():
    out = compare.adjust_pvalues([0.01, math.nan, 0.02], method="holm")
    assert out[0] == pytest.approx(0.02) and math.isnan(out[1]) and out[2] == pytest.approx(0.02)


# ---------------------------------------------------------------------------------------------------- prevalence

def test_theme_prevalence_counts_respondents_not_items_and_excludes_non_answers():
    df = table("buyers", [{"b_temps", "b_financier"}, {"b_donnees"}, {"b_soutien"},
                          set(), set()])
    hidden = compare.theme_prevalence(df, "buyers").set_index("theme")
    # 3 buyers answering < min_cell: withheld by default like companies (issue 27); the study's opt-in publishes them
    assert hidden[["n_base", "count", "pct", "ci_low"]].isna().all().all()
    out = compare.theme_prevalence(df, "buyers", ctx=Context(protect=OPT_IN)).set_index("theme")
    assert list(out.index) == ["information", "moyens", "juridique", "interet", "soutien"]
    assert (out["n_base"] == 3).all()  # two respondents selected nothing: out of the denominator
    assert out.loc["moyens", "count"] == 1  # two items, one respondent
    assert out.loc["soutien", "count"] == 1
    assert out.loc["juridique", "count"] == 0
    assert out.loc["moyens", "pct"] == pytest.approx(1 / 3)
    assert (out.loc["moyens", "ci_low"], out.loc["moyens", "ci_high"]) == pytest.approx(wilson(1, 3))
    assert out.loc["information", "items"] == "b_donnees;b_definition"


def test_theme_prevalence_companies_has_no_support_theme_and_english_labels():
    df = table("companies", [{"e_moyens"}])
    out = present.label_themes(compare.theme_prevalence(df, "companies"), "en")
    assert "soutien" not in set(out["theme"])
    assert out.set_index("theme").loc["moyens", "label"] == "Time, money and means"


def test_theme_prevalence_missing_item_column_is_named():
    df = table("companies", [{"e_moyens"}]).drop(columns="e_delais")
    with pytest.raises(ParameterError, match="e_delais"):
        compare.theme_prevalence(df, "companies")


# ---------------------------------------------------------------------------------------------------- compare_themes

@pytest.fixture
def two_populations():
    # Buyers: 10 answered (+2 who selected nothing); companies: 20 answered.
    buyers = table("buyers", [{"b_temps"}] * 4 + [{"b_donnees", "b_juridique"}] * 3 + [{"b_soutien"}] * 3
                   + [set()] * 2)
    companies = table("companies", [{"e_besoins"}] * 12 + [{"e_moyens", "e_delais"}] * 5 + [{"e_desinteret"}] * 3)
    return buyers, companies


def test_compare_themes_columns_and_hand_counts(two_populations):
    out = present.label_themes(compare.compare_themes(*two_populations)).set_index("theme")
    assert list(compare.compare_themes(*two_populations).columns) == compare.COMPARE_COLUMNS  # codes, no label
    assert compare.compare_themes(*two_populations)["wave"].isna().all()  # respondents with no wave recorded
    one = compare.compare_themes(*(df.assign(wave=2018) for df in two_populations))
    assert one["wave"].tolist() == [2018] * len(one)  # the wave compared, for the reader and the audit
    # the written table (docs/contracts.md): the label in the reader's language right after the theme
    assert list(present.label_themes(compare.compare_themes(*two_populations)).columns) == [
        "wave", "theme", "label", "n_buyers", "pct_buyers", "n_companies", "pct_companies", "diff", "diff_ci_low",
        "diff_ci_high", "test", "p_value", "p_adjusted", "cohens_h", "diff_ci_low_adj", "diff_ci_high_adj",
        "separated", "reason", "missing"]
    assert (out.loc[["information", "moyens", "juridique", "interet"], "n_buyers"] == 10).all()
    assert (out.loc[["information", "moyens", "juridique", "interet"], "n_companies"] == 20).all()
    # information: buyers 3/10, companies 12/20.
    assert out.loc["information", "pct_buyers"] == pytest.approx(0.3)
    assert out.loc["information", "pct_companies"] == pytest.approx(0.6)
    assert out.loc["information", "diff"] == pytest.approx(-0.3)
    assert out.loc["information", "p_value"] == pytest.approx(stats.fisher_exact([[3, 7], [12, 8]]).pvalue)
    # moyens: buyers 4/10, companies 5/20 (two items, five respondents).
    assert out.loc["moyens", "pct_companies"] == pytest.approx(0.25)
    assert out.loc["information", "label"] == "Information et connaissance"


def test_compare_themes_support_theme_is_not_comparable_nor_adjusted(two_populations):
    out = compare.compare_themes(*two_populations, ctx=Context(padjust="holm")).set_index("theme")
    s = out.loc["soutien"]
    assert s["test"] == "not_comparable" and s["reason"] == compare.ONE_SIDE
    assert s["n_buyers"] == 10 and s["pct_buyers"] == pytest.approx(0.3)
    assert pd.isna(s["n_companies"])
    for col in ["pct_companies", "diff", "diff_ci_low", "diff_ci_high", "p_value", "p_adjusted", "cohens_h"]:
        assert math.isnan(s[col]), col
    # Holm over the four comparable themes only.
    comparable = out.loc[["information", "moyens", "juridique", "interet"]]
    expected = compare.adjust_pvalues(comparable["p_value"].to_list(), method="holm")
    assert comparable["p_adjusted"].to_numpy() == pytest.approx(expected)


def test_compare_themes_bh_and_chi2_options(two_populations):
    holm = compare.compare_themes(*two_populations, ctx=Context(padjust="holm"))
    bh = compare.compare_themes(*two_populations, ctx=Context(padjust="fdr_bh"))
    assert (bh["p_adjusted"].dropna() <= holm["p_adjusted"].dropna() + 1e-12).all()
    chi = compare.compare_themes(*two_populations, ctx=Context(test="chi2")).set_index("theme")
    assert chi.loc["information", "test"] == "chi2"
    assert chi.loc["information", "p_value"] == pytest.approx(
        stats.chi2_contingency([[3, 7], [12, 8]], correction=True).pvalue)
    with pytest.raises(ParameterError, match="fdr_bh"):
        compare.compare_themes(*two_populations, ctx=Context(padjust="bh"))


def test_compare_themes_numbers_match_an_independent_recomputation(two_populations):
    """Recompute every comparable row from the table's own n and pct with scipy only (what the CSV says)."""
    out = compare.compare_themes(*two_populations, ctx=Context(padjust="holm"))
    rows = out[out["test"] != "not_comparable"]
    raw = []
    for r in rows.itertuples():
        c1, c2 = round(r.pct_buyers * r.n_buyers), round(r.pct_companies * r.n_companies)
        raw.append(stats.fisher_exact([[c1, r.n_buyers - c1], [c2, r.n_companies - c2]]).pvalue)
        assert r.p_value == pytest.approx(raw[-1])
        assert r.cohens_h == pytest.approx(2 * math.asin(math.sqrt(r.pct_buyers))
                                           - 2 * math.asin(math.sqrt(r.pct_companies)))
        l1, u1 = wilson(c1, r.n_buyers)
        l2, u2 = wilson(c2, r.n_companies)
        d = r.pct_buyers - r.pct_companies
        assert r.diff_ci_low == pytest.approx(d - math.hypot(r.pct_buyers - l1, u2 - r.pct_companies))
        assert r.diff_ci_high == pytest.approx(d + math.hypot(u1 - r.pct_buyers, r.pct_companies - l2))
    # Holm by hand: sort, multiply by (m - rank), running maximum, cap at 1, unsort.
    m = len(raw)
    order = np.argsort(raw)
    adj = np.empty(m)
    running = 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * raw[i]))
        adj[i] = running
    assert rows["p_adjusted"].to_numpy() == pytest.approx(adj)


# ---------------------------------------------------------------------------------------------------- compare_groups

@pytest.fixture
def buyers_by_type():
    rows = ([{"b_temps"}] * 6 + [{"b_juridique"}] * 4           # 10 État
            + [{"b_temps"}] * 3 + [{"b_donnees"}]                 # 4 collectivités
            + [{"b_temps"}] * 2 + [{"b_juridique"}] * 3 + [{"b_financier"}]  # 4 santé + 2 autres
            + [set()])                                            # 1 État who selected nothing
    types = ["etat"] * 10 + ["collectivite"] * 4 + ["sante"] * 4 + ["autre"] * 2 + ["etat"]
    return table("buyers", rows, buyer_type=types)


def test_compare_groups_folds_a_small_buyer_group_into_its_neighbour(buyers_by_type):
    out = compare.compare_groups(buyers_by_type, "buyer_type", ["moyens"], groups=compare.BUYER_GROUPS)
    assert list(out.columns) == compare.GROUP_COLUMNS and out["wave"].isna().all()  # no wave recorded
    out = present.label_groups(out)
    assert list(out.columns) == [  # the written table (docs/contracts.md): each code's label right after it
        "wave", "code", "label", "group1", "group1_label", "group2", "group2_label", "n1", "count1", "pct1", "n2",
        "count2", "pct2", "diff", "diff_ci_low", "diff_ci_high", "test", "p_value", "p_adjusted", "cohens_h", "status",
        "diff_ci_low_adj", "diff_ci_high_adj", "separated"]
    # Under the study's one small-group rule (issue 27) the 4 collectivités are published within the neighbour the
    # codebook declares, « Autres acheteurs publics », as the profile publishes them: 3 + 3 of 4 + 6 cite « moyens »
    # (were they a group of their own, the profile's 10 « autres » minus this table's 6 would give their 4 back).
    assert list(zip(out["group1"], out["group2"])) == [("etat", "autre")]
    ok = out.iloc[0]
    assert ok["status"] == "compared"
    assert (ok["n1"], ok["count1"], ok["n2"], ok["count2"]) == (10, 6, 10, 6)
    assert ok["p_value"] == pytest.approx(stats.fisher_exact([[6, 4], [6, 4]]).pvalue)  # = 1
    assert ok["group1_label"] == "Services de l'État" and ok["group2_label"] == "Autres acheteurs publics"


def test_compare_groups_too_few_respondents_gives_a_status_not_a_number(buyers_by_type):
    # a study that opts in (publish_small_groups) publishes its small buyer groups: 3 of 4 collectivités cite
    # « moyens », with their n, but a group under min_cell is never tested
    out = present.label_groups(compare.compare_groups(buyers_by_type, "buyer_type", ["moyens"],
                                                      groups=compare.BUYER_GROUPS, ctx=Context(protect=OPT_IN)))
    assert list(zip(out["group1"], out["group2"])) == [("etat", "collectivite"), ("etat", "autre"),
                                                       ("collectivite", "autre")]
    small = out[out["group2"].eq("collectivite") | out["group1"].eq("collectivite")]
    assert (small["status"] == "too_few").all()
    assert small[["diff", "diff_ci_low", "p_value", "p_adjusted", "cohens_h"]].isna().all().all()
    assert small.iloc[0]["count2"] == 3 and small.iloc[0]["pct2"] == pytest.approx(0.75)
    assert small.iloc[1]["count1"] == 3 and small.iloc[1]["pct1"] == pytest.approx(0.75)
    assert (small["n1"] + small["n2"]).tolist() == [14, 10]  # n is shown: the study chose to
    ok = out[(out["group1"] == "etat") & (out["group2"] == "autre")].iloc[0]
    assert ok["status"] == "compared"
    assert (ok["n1"], ok["count1"], ok["n2"], ok["count2"]) == (10, 6, 6, 3)  # santé merged into autres
    assert ok["p_value"] == pytest.approx(stats.fisher_exact([[6, 4], [3, 3]]).pvalue)
    assert ok["p_adjusted"] == pytest.approx(ok["p_value"])  # family of one computed comparison
    # companies have no neighbour declared: a group of 3 firms is withheld, size included (test below)


def test_compare_groups_vs_rest_items_and_min_cell(buyers_by_type):
    # At min_cell = 4 the profile withholds the 2 « autres » (no neighbour declared) and, by secondary suppression,
    # the groups that would give them back: the comparison withholds the same groups (issue 27, item 1), and every
    # group here holds one of them (« autre » has the health establishments)
    hidden = compare.compare_groups(buyers_by_type, "buyer_type", ["b_temps", "b_juridique"],
                                    groups=compare.BUYER_GROUPS, pairs="vs_rest", ctx=Context(min_cell=4))
    assert len(hidden) == 2 * 3 and (hidden["status"] == compare.TOO_FEW).all()
    assert hidden[["n1", "count1", "n2", "count2"]].isna().all().all()
    out = compare.compare_groups(buyers_by_type, "buyer_type", ["b_temps", "b_juridique"],
                                 groups=compare.BUYER_GROUPS, pairs="vs_rest", ctx=Context(min_cell=2))
    assert len(out) == 2 * 3
    row = out[(out["code"] == "b_temps") & (out["group1"] == "collectivite")].iloc[0]
    assert (row["n1"], row["count1"], row["n2"], row["count2"]) == (4, 3, 16, 8)
    assert row["status"] == "compared"
    assert row["group2"] == compare.REST
    assert present.label_groups(out).loc[row.name, "group2_label"] == "autres répondants"
    assert present.label_groups(out, "en").loc[row.name, "group2_label"] == "other respondents"
    computed = out["p_value"].notna()
    assert out.loc[computed, "p_adjusted"].to_numpy() == pytest.approx(
        compare.adjust_pvalues(out.loc[computed, "p_value"].to_list()))


def test_compare_groups_rejects_unknown_codes_and_options(buyers_by_type):
    with pytest.raises(ParameterError, match="b_inconnu"):
        compare.compare_groups(buyers_by_type, "buyer_type", ["b_inconnu"])
    with pytest.raises(ParameterError, match="'pairwise', 'vs_rest'"):
        compare.compare_groups(buyers_by_type, "buyer_type", pairs="all")
    with pytest.raises(ParameterError, match="min_cell"):
        compare.compare_groups(buyers_by_type, "buyer_type", ctx=Context(min_cell=0))


# ---------------------------------------------------------------------------------------------------- display

def test_format_comparison_is_french_and_keeps_counts(two_populations):
    shown = present.format_comparison(present.label_themes(compare.compare_themes(*two_populations)))
    info = shown.iloc[0]
    assert info["Thème"] == "Information et connaissance"
    assert info["Acheteurs"] == "30,0\u202f% (3/10)"
    assert info["Entreprises"] == "60,0\u202f% (12/20)"
    assert info["Écart (acheteurs − entreprises)"] == "-30,0\u202fpts"
    ci = info["Intervalle à 95 % ajusté (Bonferroni)"]  # adjusted like the Holm p-values beside it
    assert ci.startswith("[-") and ci.count("pts") == 2
    soutien = shown.iloc[-1]
    assert soutien["Écart (acheteurs − entreprises)"] == "non comparable"
    assert soutien["Entreprises"] == "n.d." and soutien["p ajustée (Holm)"] == "n.d."


def test_compare_groups_withholds_a_small_company_group(buyers_by_type):
    companies = table("companies", [{"e_moyens"}] * 4 + [set(["e_besoins"])] * 2 + [{"e_moyens"}] * 3,
                      size_class=["micro"] * 6 + ["pme"] * 3)
    out = compare.compare_groups(companies, "size_class", ["moyens"], population="companies")
    row = out.iloc[0]
    assert row["status"] == "too_few" and pd.isna(row["n2"])  # 3 firms: not even their number
    assert pd.isna(row["count2"]) and math.isnan(row["pct2"])  # 3 firms: withheld
    # and the 6 micro-enterprises with them, as the profile withholds them: its total of 9 minus 6 gives the 3 back
    assert pd.isna(row["n1"]) and pd.isna(row["count1"]) and math.isnan(row["pct1"])


def test_format_groups_shows_a_small_group_s_size_as_withheld(buyers_by_type):
    companies = table("companies", [{"e_moyens"}] * 6 + [{"e_moyens"}] * 3, size_class=["micro"] * 6 + ["pme"] * 3)
    small = present.format_groups(present.label_groups(compare.compare_groups(companies, "size_class", ["moyens"],
                                                                              population="companies")))
    # not « n < 5 »: a size is also withheld for a larger group, so that no subtraction gives a small one back
    assert small.iloc[0]["Groupe 2"] == "PME (10 à 249 salariés) : effectif non publié"
    out = present.label_groups(compare.compare_groups(buyers_by_type, "buyer_type", ["moyens"],
                                                      groups=compare.BUYER_GROUPS))
    shown = present.format_groups(out)
    assert shown.iloc[0]["Groupe 2"] == "Autres acheteurs publics : 60,0\u202f% (6/10)"  # within their neighbour
    opted = present.format_groups(present.label_groups(compare.compare_groups(
        buyers_by_type, "buyer_type", ["moyens"], groups=compare.BUYER_GROUPS, ctx=Context(protect=OPT_IN))))
    assert opted.iloc[0]["Groupe 2"] == "Collectivités territoriales : 75,0\u202f% (3/4)"  # the study's opt-in
    assert shown.iloc[0]["Groupe 1"] == "Services de l'État : 60,0\u202f% (6/10)" and len(shown) == 1
    assert opted.iloc[0]["Statut"] == "non publié (petits effectifs, seuil 5)"
    assert opted.iloc[1]["Groupe 1"] == "Services de l'État : 60,0\u202f% (6/10)"
    with pytest.raises(ParameterError, match="langues possibles : fr, en"):
        present.format_groups(out, lang="de")


# ---------------------------------------------------------------------------------------------------- notebook helpers

def test_theme_bridge_lists_every_item_once_and_flags_the_one_sided_theme():
    bridge = present.format_theme_bridge()
    assert list(bridge.columns) == ["Thème", "Items des acheteurs", "Items des entreprises", "Comparé"]
    text = " ; ".join(bridge["Items des acheteurs"]) + " ; " + " ; ".join(bridge["Items des entreprises"])
    for label in codebook.theme_map()["label"]:
        assert text.count(label) == 1, label
    soutien = bridge.set_index("Thème").loc[codebook.label("soutien")]
    assert soutien["Items des entreprises"] == "— (aucun item)" and soutien["Comparé"] == "non"
    assert (bridge["Comparé"] == "oui").sum() == 4


def test_bases_counts_non_answers_separately(two_populations):
    out = present.format_bases(*two_populations)
    assert out.iloc[0, 1:].astype(int).tolist() == [12, 10, 2]
    assert out.iloc[1, 1:].astype(int).tolist() == [20, 20, 0]




def test_a_theme_with_an_item_not_asked_on_one_side_is_not_compared_and_names_it():
    # issue 26.3: buyers were asked one of the two items of « information » (b_definition not asked)
    b_codes, e_codes = list(codebook.items("buyers")["code"]), list(codebook.items("companies")["code"])
    info = list(codebook.items("buyers").query("theme == 'information'")["code"])
    gone = info[-1]
    rows = [{info[0]}] * 8 + [{"b_temps"}] * 22
    b = pd.DataFrame({c: pd.array([pd.NA if c == gone else c in r for r in rows], dtype="boolean") for c in b_codes})
    e = pd.DataFrame({c: pd.array([c == "e_besoins"] * 21 + [c == "e_moyens"] * 2, dtype="boolean") for c in e_codes})
    prev = compare.theme_prevalence(b, "buyers").set_index("theme")
    assert pd.isna(prev.loc["information", "pct"]) and prev.loc["information", "missing"] == gone
    table = compare.compare_themes(b, e).set_index("theme")
    row = table.loc["information"]
    assert row["test"] == compare.NOT_COMPARABLE and row["reason"] == compare.ITEM_NOT_ASKED
    assert row["missing"] == gone and pd.isna(row["p_adjusted"]) and not row["separated"]
    assert table.attrs["family_size"] == int((table["test"] == "fisher").sum())
    # the wave comparison refuses it with the same rule and the same words
    assert compare.comparability({2017: info, 2019: info}, {2017: set(info), 2019: {info[0]}}) == \
        (compare.ITEM_NOT_ASKED, [gone])


def test_one_decision_rule_the_interval_printed_never_contradicts_the_sentence(two_populations):
    # issue 26.4: 6/31 vs 5/98, third of 4 themes: Holm p = 2 × 0.0229 = 0.046 beside a Bonferroni interval
    # [−0.4; +36.6] points that crosses 0 (Bonferroni p = 4 × 0.0229 = 0.091)
    r = compare.two_proportions(6, 31, 5, 98)
    low, high = compare.adjusted_intervals([(6, 31, 5, 98)] * 4, padjust="bonferroni")[0]
    assert round(low * 100, 1) == -0.4 and round(high * 100, 1) == 36.6 and r["p_value"] * 2 < 0.05
    t = pd.DataFrame({"test": ["fisher"] * 2, "p_adjusted": [2 * r["p_value"], 4 * r["p_value"]],
                      "diff_ci_low_adj": [low] * 2, "diff_ci_high_adj": [high] * 2})
    assert compare.decide(t).tolist() == [False, False]  # Holm's p alone would have said « plus souvent »
    assert compare.discordant(t).tolist() == [True, False]  # Bonferroni for both: they agree
    t = t.iloc[:1]
    assert not compare.decide(t).iloc[0] and compare.discordant(t).iloc[0]
    out = compare.compare_themes(*two_populations)
    assert out.attrs["padjust"] == "bonferroni" and out.attrs["ci_adjust"] == "bonferroni"
    tested = out[out["test"] == "fisher"]
    m = len(tested)
    assert tested["p_adjusted"].to_numpy() == pytest.approx(np.minimum(1, tested["p_value"].to_numpy() * m))
    crosses = (tested["diff_ci_low_adj"] <= 0) & (tested["diff_ci_high_adj"] >= 0)
    assert not (tested["separated"] & crosses).any()
    assert (tested["separated"] == ((tested["p_adjusted"] < 0.05) & ~crosses)).all()


def test_a_theme_counts_only_the_items_asked_and_one_none_asked_is_not_compared():
    codes = list(codebook.items("buyers")["code"])
    moyens = list(codebook.items("buyers").query("theme == 'moyens'")["code"])
    rows = [{"b_temps"}, {"b_juridique"}, {"b_soutien"}, {"b_temps", "b_juridique"}]
    b = pd.DataFrame({c: pd.array([pd.NA if c in moyens else c in r for r in rows], dtype="boolean") for c in codes})
    prev = compare.theme_prevalence(b, "buyers", ctx=Context(protect=OPT_IN)).set_index("theme")  # 4 buyers: opted in
    assert pd.isna(prev.loc["moyens", "count"]) and pd.isna(prev.loc["moyens", "pct"])
    assert prev.loc["moyens", "missing"] == ";".join(moyens)
    assert prev.loc["juridique", "pct"] == 0.5
    e_codes = list(codebook.items("companies")["code"])
    e = pd.DataFrame({c: pd.array([c == "e_moyens", c == "e_delais"], dtype="boolean") for c in e_codes})
    table = compare.compare_themes(b, e, ctx=Context(min_cell=2)).set_index("theme")
    assert table.loc["moyens", "test"] == compare.NOT_COMPARABLE and pd.isna(table.loc["moyens", "p_value"])
    assert table.attrs["family_size"] == int((table["test"] == "fisher").sum())


def test_fewer_companies_than_min_cell_publish_nothing_and_nothing_is_compared():
    b_codes, e_codes = list(codebook.items("buyers")["code"]), list(codebook.items("companies")["code"])
    b = pd.DataFrame({c: pd.array([c == "b_temps"] * 6, dtype="boolean") for c in b_codes})
    e = pd.DataFrame({c: pd.array([c == "e_moyens"] * 3, dtype="boolean") for c in e_codes})  # 3 firms < 5
    prev = compare.theme_prevalence(e, "companies")
    assert prev[["n_base", "count", "pct", "ci_low"]].isna().all().all()
    table = compare.compare_themes(b, e)
    assert table["n_companies"].isna().all() and table["pct_companies"].isna().all()
    assert (table["test"] == compare.NOT_COMPARABLE).all() and table.attrs["family_size"] == 0
    assert set(table["reason"]) == {compare.TOO_FEW, compare.ONE_SIDE}
    assert table["n_buyers"].eq(6).all()  # public buyers are published


def test_group_values_in_codebook_order():
    df = pd.DataFrame({"buyer_type": ["sante", "etat", None, "collectivite"]})
    assert compare.group_values(df, "buyer_type", groups=compare.BUYER_GROUPS) == ["etat", "collectivite", "autre"]
    assert compare.group_values(df.iloc[:0], "buyer_type") == []


# ---------------------------------------------------------------------------------------------------- issue 27: 2b

def _as_grouped(comparison: pd.DataFrame, *, wave: int = 2017) -> pd.DataFrame:
    """A comparison of buyer types as the grouped frequency table it publishes (one row per code and group: the
    group's base and count, NA when withheld), the shape the linear-program audit reads."""
    rows = {}
    for r in comparison.itertuples():
        for g, n, c in ((r.group1, r.n1, r.count1), (r.group2, r.n2, r.count2)):
            row = rows.setdefault((r.code, g), {"population": "buyers", "wave": wave, "group": "buyer_type",
                                                "group_value": g, "item": r.code, "n_base": pd.NA, "count": pd.NA})
            if not pd.isna(n):
                row["n_base"] = int(n)
            if not pd.isna(c):
                row["count"] = int(c)
    out = pd.DataFrame(list(rows.values()))
    out["suppressed"] = out["n_base"].isna() | out["count"].isna()
    return out


def _published(buyers: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """What notebooks 01 and 03 publish about these buyers' types: the profile, each theme's overall count and the
    comparison of buyer types."""
    from etude.analysis import stats as study_stats
    from etude.safety import disclosure
    profile = disclosure.suppress_small(study_stats.profile(buyers, "buyer_type", by_wave=True), population="buyers")
    overall = compare.theme_prevalence(buyers, "buyers").rename(columns={"theme": "item"})
    overall = overall[["item", "n_base", "count"]].assign(population="buyers", wave=2017)
    comparison = compare.compare_groups(buyers, "buyer_type", "themes", groups=compare.BUYER_GROUPS)
    return {"profil_acheteurs.csv": profile, "themes.csv": overall, "comparaison.csv": _as_grouped(comparison)}


def test_a_withheld_buyer_type_without_neighbour_is_not_given_back_by_the_comparison():
    # 3 État buyers (no neighbour declared for them), 10 collectivités, 10 others: the profile withholds the État
    # and one more group (its total minus the other two would give the 3 back); the comparison of buyer types
    # withholds the same groups. The linear-program audit (etude.safety.recovery) then narrows no withheld cell
    # across the profile, the themes' overall counts and the comparison.
    from etude.safety import disclosure
    rows = [{"b_temps"}] * 6 + [{"b_juridique"}] * 4 + [{"b_temps"}] * 3 + [{"b_juridique"}] * 7 + [{"b_temps"}] * 3
    buyers = table("buyers", rows, buyer_type=["collectivite"] * 10 + ["autre"] * 10 + ["etat"] * 3).assign(
        population="buyers", wave=2017)
    published = _published(buyers)
    comparison = published["comparaison.csv"]
    assert comparison.loc[comparison["group_value"] == "etat", "suppressed"].all()
    assert comparison.groupby("group_value")["suppressed"].all().sum() >= 2  # the État and one more group
    assert disclosure.audit_tables(published).empty
    # as the comparison was published before (both other groups shown), the audit gives the 3 État buyers back
    leaky = comparison.copy()
    for g in ("collectivite", "autre"):
        for code in leaky["item"].unique():
            part = buyers[buyers["buyer_type"] == g]
            base = compare.answered(part, "buyers")
            hit = compare.cites(part, [c for c in BUYER_ITEMS if codebook.items("buyers").set_index("code")
                                       .loc[c, "theme"] == code]) & base
            at = (leaky["group_value"] == g) & (leaky["item"] == code)
            leaky.loc[at, ["n_base", "count", "suppressed"]] = [int(base.sum()), int(hit.sum()), False]
    found = disclosure.audit_tables({**published, "comparaison.csv": leaky})
    etat = found[found["cell"].map(lambda c: c[3] == "etat") & (found["column"] == "n_base")]
    assert not etat.empty and (etat["low"] == 3).all() and (etat["high"] == 3).all()


def test_a_whole_group_share_is_not_given_back_by_the_other_groups_counts():
    # The demo's case: 0 of 6 « autres » cite the item (withheld: every member answered alike), 5 of 17 État and
    # 1 of 8 collectivités do; the population's overall count (6) is published, so 6 − 5 − 1 would give the 0 back:
    # the other groups' counts for that item are withheld too, their sizes (published on every other row) are not
    T, J, F = {"b_temps"}, {"b_juridique"}, {"b_financier"}
    rows = [T] * 5 + [J] * 12 + [T] + [J] * 7 + [J] * 3 + [F] * 3
    buyers = table("buyers", rows, buyer_type=["etat"] * 17 + ["collectivite"] * 8 + ["autre"] * 6)
    out = compare.compare_groups(buyers, "buyer_type", ["b_temps", "b_juridique"], groups=compare.BUYER_GROUPS)
    temps = out[out["code"] == "b_temps"]
    assert (temps["status"] == compare.TOO_FEW).all()
    assert temps[["count1", "count2"]].isna().all().all() and temps[["pct1", "pct2"]].isna().all().all()
    assert temps[["n1", "n2"]].notna().all().all() and temps["n1"].tolist() == [17, 17, 8]
    from etude.safety import disclosure
    assert disclosure.audit_tables({"comparaison.csv": _as_grouped(out), "overall.csv": pd.DataFrame(
        {"population": "buyers", "wave": 2017, "item": ["b_temps", "b_juridique"], "n_base": 31,
         "count": [6, 22]})}).empty


def test_compare_themes_follows_the_studys_opt_in_for_a_small_buyer_population():
    # 4 buyers: withheld by default (both populations protected), compared when the study publishes its buyers'
    # small groups (publish_small_groups: true) — the same rule as every other breakdown (issue 27, item 1)
    b = table("buyers", [{"b_temps"}, {"b_temps", "b_donnees"}, {"b_soutien"}, {"b_juridique"}])
    e = table("companies", [{"e_moyens"}] * 3 + [{"e_besoins"}] * 4 + [{"e_processus"}] * 3)
    default = compare.compare_themes(b, e).set_index("theme")
    assert (default.loc[["information", "moyens"], "reason"] == compare.TOO_FEW).all()
    assert default[["n_buyers"]].isna().all().all()
    opted = compare.compare_themes(b, e, ctx=Context(protect=OPT_IN)).set_index("theme")
    assert opted.loc["moyens", "n_buyers"] == 4 and opted.loc["moyens", "pct_buyers"] == 0.5
    assert pd.isna(opted.loc["moyens", "reason"]) and opted.loc["moyens", "test"] == "fisher"
