"""Disclosure control: merges, primary and secondary suppression, and the audit that proves them.

Every table is small enough to check by subtraction by hand.
"""
import math

import pandas as pd
import pytest
from disclosure_fixtures import profile_table

from etude.analysis import stats
from etude.errors import ParameterError
from etude.publish import formats, present
from etude.publish.labels import labelled, value_label
from etude.publish.present import confidentiality
from etude.safety import disclosure
from etude.survey.context import Context

S = formats.NNBSP


_profile = profile_table


def _grouped(bases, counts, *, item="e_moyens"):
    """One item, one row per group: ``bases`` and ``counts`` are dicts group → number."""
    return pd.DataFrame({"population": "companies", "wave": 2017, "group": "size_class",
                         "group_value": list(bases), "group_label": list(bases), "item": item,
                         "n_base": list(bases.values()), "count": list(counts.values())})


# ------------------------------------------------------------------------------------------------ primary

@pytest.mark.parametrize("n_base, suppressed", [(0, False), (1, True), (4, True), (5, False), (27, False)])
def test_suppression_threshold_at_the_boundary(n_base, suppressed):
    t = pd.DataFrame({"population": ["companies"], "item": ["e_moyens"], "n_base": [n_base],
                      "count": [min(n_base, 2)], "pct": [min(n_base, 2) / n_base if n_base else math.nan],
                      "ci_low": [0.1], "ci_high": [0.9], "rank": [1]})
    out = disclosure.suppress_small(t, ctx=Context(min_cell=5))
    assert bool(out["suppressed"].iloc[0]) is suppressed
    if suppressed:  # a suppressed group publishes neither its numbers nor its base
        assert out[["n_base", "count", "pct", "ci_low", "ci_high", "rank"]].iloc[0].isna().all()
    else:
        assert out["count"].iloc[0] == min(n_base, 2) and out["n_base"].iloc[0] == n_base


def test_only_protected_populations_are_suppressed_and_the_input_is_untouched():
    t = pd.DataFrame({"population": ["buyers", "companies"], "n_base": [4, 4], "count": [3, 3],
                      "pct": [0.75, 0.75]})
    assert disclosure.suppress_small(t)["suppressed"].tolist() == [True, True]  # issue 27: buyers too, by default
    out = disclosure.suppress_small(
        t, ctx=Context(protect=disclosure.protected_populations(publish_small_groups=True)))
    assert out["suppressed"].tolist() == [False, True]
    assert out["count"].iloc[0] == 3 and pd.isna(out["count"].iloc[1])
    assert str(out["count"].dtype) == "Int64"
    assert t["count"].tolist() == [3, 3] and t["n_base"].tolist() == [4, 4]
    assert disclosure.suppress_small(t, ctx=Context(protect=None))["suppressed"].tolist() == [True, True]
    assert disclosure.suppress_small(t, ctx=Context(protect=["buyers", "companies"]))["suppressed"].all()
    no_col = t.drop(columns="population")
    assert disclosure.suppress_small(no_col, population="buyers")["suppressed"].all()
    assert not disclosure.suppress_small(no_col, population="buyers",
                                         ctx=Context(protect=("companies",)))["suppressed"].any()
    assert disclosure.suppress_small(no_col)["suppressed"].all()  # unknown population: protected


def test_stats_names_are_the_disclosure_functions():
    assert stats.suppress_small is disclosure.suppress_small and stats.PROTECTED == ("buyers", "companies")
    assert present.suppression_rule is confidentiality.suppression_rule  # the rule's words: the publishing layer


def test_bad_min_cell():
    with pytest.raises(ParameterError, match="min_cell"):
        disclosure.suppress_small(pd.DataFrame({"n_base": [1]}), ctx=Context(min_cell=0))
    with pytest.raises(ParameterError, match="min_cell"):
        disclosure.audit_tables({}, min_cell=True)


def test_suppressing_twice_changes_nothing():
    once = disclosure.suppress_small(_profile(["micro", "pme", "autre"], [50, 6, 2]))
    twice = disclosure.suppress_small(once)
    pd.testing.assert_frame_equal(once, twice)


# ------------------------------------------------------------------------------------------------ merges

def test_eti_and_ge_are_published_merged_as_declared_in_the_codebook():
    assert disclosure.merges("companies", "size_class")[0]["members"] == ["eti", "ge"]
    assert disclosure.merges("buyers") == [] and disclosure.merges("nobody") == []
    t = _profile(["micro", "pme", "eti", "ge"], [54, 42, 6, 2], wave=2018)
    t["label"] = ["Micro", "PME", "ETI (250 à 4 999 salariés)", "GE"]
    out = disclosure.suppress_small(t)
    assert out["value"].tolist() == ["micro", "pme", "ge250"]
    assert out["n"].tolist() == [54, 42, 8] and not out["suppressed"].any()  # 6 + 2: nothing to blank
    assert out["label"].iloc[2] == "250 salariés et plus (ETI et grandes entreprises)"
    assert math.isclose(out["pct"].iloc[2], 8 / 104)


def test_merged_group_of_a_frequency_table_gets_summed_counts_new_interval_and_ranks():
    t = pd.DataFrame({"population": "companies", "wave": 2017, "group": "size_class",
                      "group_value": ["micro", "micro", "eti", "eti", "ge", "ge"],
                      "group_label": ["Micro (fewer than 10 employees)"] * 2 + ["Mid-cap (250 to 4,999 employees)"] * 2
                      + ["Large company (5,000 employees or more)"] * 2,
                      "item": ["e_moyens", "e_delais"] * 3, "n_base": [30, 30, 4, 4, 2, 2],
                      "count": [10, 5, 2, 1, 0, 2], "pct": [1 / 3, 1 / 6, .5, .25, 0, 1],
                      "ci_low": 0.0, "ci_high": 1.0, "rank": [1, 2, 1, 2, 2, 1]})
    t.attrs.update({"alpha": 0.05, "ci_method": "wilson"})
    out = disclosure.merge_categories(t).set_index(["group_value", "item"])
    merged = out.loc["ge250"]
    # e_delais: 1 + 2 = 3 of 4 + 2 = 6 firms, now ranked first (ETI alone ranked it second); e_moyens: 2 + 0 = 2
    assert merged.index.tolist() == ["e_delais", "e_moyens"]
    assert merged["count"].tolist() == [3, 2] and merged["n_base"].tolist() == [6, 6]
    assert merged["rank"].tolist() == [1, 2] and math.isclose(merged.loc["e_delais", "pct"], 3 / 6)
    low, high = stats.proportion_confint(3, 6, method="wilson")
    assert math.isclose(merged.loc["e_delais", "ci_low"], low) and math.isclose(merged.loc["e_delais", "ci_high"], high)
    assert merged["group_label"].iloc[0] == "250 employees or more (mid-caps and large companies)"
    assert out.loc[("micro", "e_moyens"), "count"] == 10  # other groups untouched


# ------------------------------------------------------------------------------------------------ secondary

def test_secondary_suppression_in_a_profile_hides_the_next_smallest_value():
    t = _profile(["micro", "pme", "autre"], [50, 6, 2])
    primary = disclosure.suppress_small(t, secondary=False)
    assert primary["suppressed"].tolist() == [False, False, True]
    assert len(disclosure.audit_tables({"p.csv": primary})) == 1  # 58 − 50 − 6 = 2
    out = disclosure.suppress_small(t)
    assert out["suppressed"].tolist() == [False, True, True]  # pme (6) is the smallest other value
    found = disclosure.audit_tables({"p.csv": out})
    assert found.empty and found.attrs["checked"] == 2  # pme and autre now lie anywhere in 0–8


def test_secondary_cells_are_shown_not_available_not_below_the_threshold():
    out = disclosure.suppress_small(_profile(["micro", "pme", "autre"], [50, 6, 2]))
    assert out.attrs["primary"] == [2]
    shown = present.format_profile(out, population="companies")
    assert shown["Effectif"].tolist() == ["50", "n.d.", f"<{S}5"]  # pme has 6 firms: « < 5 » would be false
    assert present.format_profile(out[out["value"] != "micro"], population="companies")["Effectif"].tolist() == [
        "n.d.", f"<{S}5"]


def test_two_tiny_values_need_a_third_so_their_sum_is_not_below_min_cell():
    out = disclosure.suppress_small(_profile(["micro", "pme", "a", "b"], [50, 9, 1, 1]))
    # a + b = 2 would pin both to 0–2: pme joins them (sum 11)
    assert out["suppressed"].tolist() == [False, True, True, True]
    assert disclosure.audit_tables({"p.csv": out}).empty


def test_grouped_table_minus_the_overall_table_recovers_a_group_unless_another_is_suppressed():
    bases, counts = {"micro": 30, "pme": 12, "autre": 3}, {"micro": 10, "pme": 6, "autre": 2}
    overall = pd.DataFrame({"population": ["companies"], "wave": [2017], "item": ["e_moyens"],
                            "n_base": [45], "count": [18]})
    profile = _profile(["micro", "pme", "autre"], [30, 12, 3], wave=2017)
    grouped = _grouped(bases, counts)
    primary = disclosure.suppress_small(grouped, secondary=False)
    assert primary["suppressed"].tolist() == [False, False, True] and primary["n_base"].isna().tolist()[2]
    tables = {"freins.csv": overall, "freins_par_groupe.csv": primary}
    found = disclosure.audit_tables(tables, exact_margins=True)
    # n_base: 45 − 30 − 12 = 3; count: 18 − 10 − 6 = 2
    assert found[["column", "low", "high"]].values.tolist() == [["n_base", 3, 3], ["count", 2, 2]]
    out = disclosure.suppress_small(grouped)
    assert out["suppressed"].tolist() == [False, True, True]
    # pme + autre: 15 firms, 8 citations; each base in 0–15, each count in 0–8
    assert disclosure.audit_tables({**tables, "freins_par_groupe.csv": out}, exact_margins=True).empty
    # the profile of the same firms is protected the same way, and together they still leak nothing
    prof = disclosure.suppress_small(profile)
    assert prof["suppressed"].tolist() == [False, True, True]
    assert disclosure.audit_tables({**tables, "freins_par_groupe.csv": out, "profil_entreprises.csv": prof}).empty


def _respondents():
    """35 firms of 2017 who all answered: 20 micro, 12 PME, 3 GE. Everyone cites e_besoins; e_desinteret is
    cited by one micro and one PME firm; no one cites the other items."""
    from etude.survey import codebook
    sizes = ["micro"] * 20 + ["pme"] * 12 + ["ge"] * 3
    t = pd.DataFrame({"population": "companies", "wave": 2017, "size_class": pd.Categorical(sizes)})
    for code in codebook.items("companies")["code"]:
        t[code] = pd.array([False] * len(t), dtype="boolean")
    t["e_besoins"] = pd.array([True] * len(t), dtype="boolean")
    t.loc[[0, 20], "e_desinteret"] = True
    return t


def test_profile_and_grouped_table_suppress_the_same_groups_from_the_respondent_data():
    firms = _respondents()
    grouped = stats.barrier_table({"companies": firms}, by={"companies": "size_class"})
    overall = stats.barrier_table({"companies": firms})
    # GE (3) first; then PME; and then micro too: PME + GE alone would pin e_desinteret to 0–1 of its 2 citations
    assert grouped.groupby("group_value")["suppressed"].all().to_dict() == {"ge250": True, "micro": True,
                                                                             "pme": True}
    alone = stats.profile(firms, "size_class", by_wave=True)
    alone.attrs.pop("groups")  # a profile that cannot see the grouped table hides only what it needs itself
    alone = disclosure.suppress_small(alone)
    assert alone.set_index("value")["suppressed"].to_dict() == {"micro": False, "pme": True, "ge250": True}
    leak = disclosure.audit_tables({"freins.csv": overall, "freins_par_groupe.csv": grouped,
                                    "profil_entreprises.csv": alone})
    # micro's base: at most its 20 firms (profile), at least 35 − 15 (PME + GE are 15 firms): exactly 20; and so
    # its e_besoins count, cited by all 35
    assert leak[["column", "low", "high"]].values.tolist() == [["n_base", 20, 20], ["count", 20, 20]]
    profile = stats.suppress_small(stats.profile(firms, "size_class", by_wave=True))
    assert profile["suppressed"].all()  # the study-wide plan: the same three groups
    assert disclosure.audit_tables({"freins.csv": overall, "freins_par_groupe.csv": grouped,
                                    "profil_entreprises.csv": profile}).empty


def test_a_rare_item_cannot_ask_for_more_room_than_its_total():
    # 2 citations in all: a suppressed count can only lie in 0–2, which is all the overall table allows
    grouped = _grouped({"micro": 30, "pme": 12, "autre": 3}, {"micro": 0, "pme": 1, "autre": 1},
                       item="e_desinteret")
    overall = pd.DataFrame({"population": ["companies"], "wave": [2017], "item": ["e_desinteret"],
                            "n_base": [45], "count": [2]})
    out = disclosure.suppress_small(grouped)
    assert out["suppressed"].tolist() == [False, True, True]  # pme + autre: 2 citations, each count in 0–2
    found = disclosure.audit_tables({"o.csv": overall, "g.csv": out}, exact_margins=True)
    assert found.empty


def _tiny_wave(n=3):
    """``n`` firms of 2018, all micro, who all answered; each cites e_moyens only."""
    from etude.survey import codebook
    t = pd.DataFrame({"population": "companies", "wave": 2018, "size_class": ["micro"] * n})
    for code in codebook.items("companies")["code"]:
        t[code] = pd.array([code == "e_moyens"] * n, dtype="boolean")
    return t


def test_a_lone_suppressed_value_equals_the_total_so_the_others_are_published_as_groups_of_0():
    # the smallest failing table set of the study-shapes test: one profile block, one value, 2 firms
    t = _profile(["micro"], [2])
    primary = disclosure.suppress_small(t, secondary=False)
    found = disclosure.audit_tables({"profil_entreprises.csv": primary})
    assert found[["column", "cell", "low", "high"]].values.tolist() == [
        ["n", ("companies", "2018", "size_class", "micro", None), 2, 2]]  # n_total 2, one row: micro = 2
    out = disclosure.suppress_small(t)
    # the other size classes (ETI and GE merged, as published), 0 firms each, are « n.d. » too
    assert out["value"].tolist() == ["micro", "pme", "ge250"] and out["suppressed"].all()
    assert out["n"].isna().all() and out["n_total"].tolist() == [2, 2, 2]
    # all three read « n.d. »: a « < 5 » on micro alone would tell where the 2 firms are
    assert out.attrs["primary"] == [] and present.format_profile(out, population="companies")["Effectif"].tolist() == [
        "n.d."] * 3
    assert out["label"].tolist()[1:] == ["PME (10 à 249 salariés)", "250 salariés et plus (ETI et grandes entreprises)"]
    found = disclosure.audit_tables({"profil_entreprises.csv": out})
    assert found.empty and found.attrs["checked"] == 3  # each of the three in 0–2
    pd.testing.assert_frame_equal(disclosure.suppress_small(out), out)
    assert disclosure.universe("companies", "size_class", present={"micro", "eti"}) == ["pme", "ge"]
    assert disclosure.universe("companies", "organisation") == []


def test_a_wave_of_three_firms_of_one_size_publishes_nothing_that_pins_them_down():
    firms = _tiny_wave(3)
    profile = stats.suppress_small(stats.profile(firms, "size_class", by_wave=True))
    grouped = labelled(stats.barrier_table({"companies": firms}, by={"companies": "size_class"}))
    overall = stats.barrier_table({"companies": firms})
    assert overall["n_base"].isna().all()  # 3 firms: the overall row is suppressed too
    # profile and grouped table list the same three groups, all « n.d. »
    assert profile["value"].tolist() == ["micro", "pme", "ge250"] and profile["suppressed"].all()
    assert list(dict.fromkeys(grouped["group_value"])) == ["micro", "pme", "ge250"] and grouped["suppressed"].all()
    assert grouped.groupby("group_value", sort=False).size().tolist() == [len(overall)] * 3
    assert grouped["group_label"].iloc[-1] == "250 salariés et plus (ETI et grandes entreprises)"
    assert profile.attrs["primary"] == [] and grouped.attrs["primary"] == []  # every row reads « n.d. »
    published = {"freins.csv": overall, "freins_par_groupe.csv": grouped, "profil_entreprises.csv": profile}
    found = disclosure.audit_tables(published)
    # every cell lies anywhere in 0–3: all that a wave of 3 firms allows (its published n_total)
    assert found.empty and found.attrs["checked"] == 3 + 3 * (1 + len(overall))
    # without the groups of 0, micro's lone row would equal the wave's 3 firms
    alone = profile[profile["value"] == "micro"]
    assert disclosure.audit_tables({"profil_entreprises.csv": alone})[["low", "high"]].values.tolist() == [[3, 3]]


def test_merged_codes_have_labels_for_display():
    assert value_label("companies", "size_class", "ge250", lang="en").startswith("250 employees or more")
    assert disclosure.publishable("companies", 4) is False and disclosure.publishable("companies", 0) is True
    assert disclosure.publishable("buyers", 4) is False and disclosure.publishable("buyers", 4, protect=None) is False
    assert disclosure.publishable("buyers", 4, protect=disclosure.protected_populations(True)) is True


def test_buyers_small_groups_are_published_only_by_the_studys_choice():
    t = _profile(["etat", "collectivite"], [17, 4]).assign(population="buyers", attribute="buyer_type")
    chosen = disclosure.suppress_small(
        t, ctx=Context(protect=disclosure.protected_populations(publish_small_groups=True)))
    assert not chosen["suppressed"].any() and chosen["n"].tolist() == [17, 4]
    # by default the 4 collectivités join their declared neighbour, « Autres acheteurs publics »: 4 + 3 = 7
    t = _profile(["etat", "collectivite", "autre"], [17, 4, 3]).assign(population="buyers", attribute="buyer_type")
    out = disclosure.suppress_small(t)
    assert out["value"].tolist() == ["etat", "autre"] and out["n"].tolist() == [17, 7]
    assert not out["suppressed"].any() and out["pct"].tolist() == [17 / 24, 7 / 24]

# ------------------------------------------------------------------------------------------------ the rule

def test_rule_is_one_sentence_naming_the_threshold_secondary_suppression_and_merges():
    fr = confidentiality.suppression_rule(5)
    assert "moins de 5 acheteurs répondants ou entreprises" in fr and "« < 5 »" in fr and "totaux restent exacts" in fr
    assert "par différence" in fr and "250 salariés et plus" in fr and "ni son effectif ni sa base" in fr
    assert "acheteurs répondants ou entreprises répondantes" in fr and "ne sont pas concernés" not in fr
    assert "avec « Autres acheteurs publics »" in fr  # the declared neighbours
    assert "moins de 10 répondants, une part de 0 % ou de 100 %" in fr  # the whole-group rule: suppressed
    chosen = confidentiality.suppression_rule(5, protect=("companies",))
    assert "Choix de l'étude : les petits groupes" in chosen and "acheteurs répondants" not in chosen
    assert "publish_small_groups" not in chosen  # a reader sees no parameter name
    assert "acheteurs répondants" in confidentiality.suppression_rule(3, protect=None)
    en = confidentiality.suppression_rule(10, lang="en")
    assert "fewer than 10 responding buyers or responding companies" in en and "250 employees or more" in en
    assert "“n/a”" in en and "n.d." not in en  # the English tables' missing value
    assert "responding buyers or responding companies" in confidentiality.suppression_rule(3, protect=None, lang="en")


@pytest.mark.slow
def test_demo_tables_at_a_higher_threshold_leak_nothing_together():
    """With min_cell = 10 the demo has small groups (size classes, départements): profile, overall and grouped
    barrier tables suppress the same groups and, together, give none away."""
    from etude import survey
    tables = survey.load_study()
    profile = stats.suppress_small(stats.profile(tables["companies"], ["size_class", "segment", "departement"],
                                                 by_wave=True), ctx=Context(min_cell=10), population="companies")
    by = {"buyers": "buyer_type", "companies": "size_class"}
    grouped = stats.barrier_table(tables, by=by, ctx=Context(min_cell=10))
    published = {"profil_entreprises.csv": profile,
                 "freins.csv": stats.barrier_table(tables, ctx=Context(min_cell=10)),
                 "freins_par_groupe.csv": grouped}
    found = disclosure.audit_tables(published, min_cell=10)
    assert found.empty and found.attrs["checked"] > 20, confidentiality.audit_lines(found)
    hidden = profile[profile["suppressed"] & (profile["attribute"] == "size_class")][["wave", "value"]]
    companies = grouped[(grouped["population"] == "companies") & grouped["suppressed"]]
    assert set(map(tuple, hidden.values)) == set(map(tuple, companies[["wave", "group_value"]].values))
