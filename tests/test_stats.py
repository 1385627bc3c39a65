"""Frequencies and profiles, on tiny tables a reader can check by hand (suppression: test_disclosure.py)."""

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from etude.analysis import stats
from etude.errors import ParameterError
from etude.publish import formats, outputs
from etude.publish.labels import labelled
from etude.safety import audit, disclosure
from etude.survey import codebook
from etude.survey.context import Context

S = formats.NNBSP


def _bool(values):
    return pd.array(values, dtype="boolean")


@pytest.fixture
def eight():
    """8 respondents: b_temps ticked by 3, b_financier by 6, b_donnees by 3 (tie with b_temps), b_soutien by none."""
    return pd.DataFrame({
        "b_temps": _bool([True] * 3 + [False] * 5),
        "b_financier": _bool([True] * 6 + [False] * 2),
        "b_donnees": _bool([False] * 5 + [True] * 3),
        "b_soutien": _bool([False] * 8),
    })


def test_three_of_eight_with_statsmodels_wilson_bounds(eight):
    t = stats.frequencies(eight, ["b_temps", "b_financier"]).set_index("item")
    r = t.loc["b_temps"]
    assert (r["n_base"], r["count"], r["pct"]) == (8, 3, 0.375)
    low, high = proportion_confint(3, 8, alpha=0.05, method="wilson")
    assert r["ci_low"] == pytest.approx(low, abs=1e-9) and r["ci_high"] == pytest.approx(high, abs=1e-9)
    assert round(r["ci_low"], 4) == 0.1368 and round(r["ci_high"], 4) == 0.6943  # by hand: Wilson, z = 1.96
    assert list(t.columns) == stats.FREQ_COLUMNS[1:]


@pytest.mark.parametrize("alpha, method", [(0.1, "wilson"), (0.05, "beta"), (0.01, "agresti_coull")])
def test_level_and_method_are_parameters(eight, alpha, method):
    r = stats.frequencies(eight, ["b_temps"], ctx=Context(alpha=alpha, ci_method=method)).iloc[0]
    low, high = proportion_confint(3, 8, alpha=alpha, method=method)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((max(low, 0), min(high, 1)), abs=1e-9)


def test_mentions_share_divides_by_all_mentions(eight):
    t = stats.frequencies(eight, ["b_temps", "b_financier", "b_donnees", "b_soutien"]).set_index("item")
    assert t["count"].sum() == 12  # 3 + 6 + 3 + 0 mentions
    assert t.loc["b_financier", "pct_mentions"] == 0.5
    assert t.loc["b_temps", "pct_mentions"] == 0.25
    assert t["pct_mentions"].sum() == pytest.approx(1)
    assert t.loc["b_soutien", "pct"] == 0 and t.loc["b_soutien", "ci_low"] == 0


def test_ties_share_the_smallest_rank_and_rows_are_ranked(eight):
    t = stats.frequencies(eight, ["b_soutien", "b_temps", "b_financier", "b_donnees"])
    assert t["item"].tolist() == ["b_financier", "b_temps", "b_donnees", "b_soutien"]  # ties keep item order
    assert t["rank"].tolist() == [1, 2, 2, 4]


def test_respondents_who_skipped_the_question_are_out_of_the_base():
    # 6 respondents, 2 skipped the question (all items NA): n_base = 4, not 6
    t = pd.DataFrame({"e_moyens": _bool([True, True, False, False, None, None]),
                      "e_delais": _bool([False, True, True, False, None, None])})
    r = stats.frequencies(t, ["e_moyens", "e_delais"]).set_index("item")
    assert r["n_base"].tolist() == [4, 4]
    assert r.loc["e_moyens", "pct"] == 0.5 and r.loc["e_delais", "pct"] == 0.5
    assert stats.answered(t, ["e_moyens", "e_delais"]).tolist() == [True] * 4 + [False] * 2


def test_a_lone_na_in_an_answered_question_counts_as_not_ticked():
    t = pd.DataFrame({"a": _bool([True, None]), "b": _bool([None, True])})
    r = stats.frequencies(t, ["a", "b"]).set_index("item")
    assert r["n_base"].tolist() == [2, 2] and r["count"].tolist() == [1, 1]


def test_population_name_means_its_barrier_items():
    codes = codebook.items("companies")["code"].tolist()
    t = pd.DataFrame({c: _bool([c == "e_besoins"]) for c in codes})
    out = stats.frequencies(t, "companies", ctx=Context(min_cell=1))
    assert sorted(out["item"]) == sorted(codes)
    assert out.iloc[0]["item"] == "e_besoins" and out.iloc[0]["rank"] == 1


def test_nobody_answered_gives_nan_shares():
    t = pd.DataFrame({"a": _bool([None, None]), "b": _bool([None, None])})
    r = stats.frequencies(t, ["a", "b"])
    assert r["n_base"].tolist() == [0, 0] and r["pct"].isna().all() and r["ci_low"].isna().all()


def test_by_group_has_its_own_base_and_ranks_and_leaves_out_missing_groups():
    t = pd.DataFrame({
        "buyer_type": pd.Categorical(["etat", "etat", "etat", "collectivite", "collectivite", None],
                                     categories=["etat", "collectivite", "sante"]),
        "a": _bool([True, True, None, False, True, True]),
        "b": _bool([False, True, None, False, False, True]),
    })
    g = stats.frequencies(t, ["a", "b"], by="buyer_type", ctx=Context(min_cell=1))
    assert list(g.columns) == ["buyer_type", *stats.FREQ_COLUMNS]
    assert g["buyer_type"].tolist() == ["etat", "etat", "collectivite", "collectivite"]  # category order, observed
    etat = g[g["buyer_type"] == "etat"].set_index("item")
    assert etat["n_base"].tolist() == [2, 2]  # the third État respondent skipped the question
    assert etat.loc["a", "pct"] == 1.0 and etat.loc["b", "pct"] == 0.5
    coll = g[g["buyer_type"] == "collectivite"].set_index("item")
    assert coll.loc["a", "count"] == 1 and coll.loc["b", "count"] == 0 and coll.loc["b", "rank"] == 2


@pytest.mark.parametrize("kwargs, message", [
    ({"ctx": Context(ci_method="exact")}, "valeurs possibles : 'wilson'"),
    ({"ctx": Context(alpha=1.5)}, "alpha"),
    ({"by": "absent"}, "colonnes absentes de la table : absent"),
])
def test_bad_options_say_what_is_allowed(eight, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        stats.frequencies(eight, ["b_temps"], **kwargs)


def test_profile_counts_shares_and_missing_values_and_the_publishing_side_labels_them():
    t = pd.DataFrame({"population": "buyers", "wave": [2017] * 4 + [2018] * 2,
                      "buyer_type": ["etat", "etat", "collectivite", None, "etat", "sante"],
                      "organisation": ["mel", None, None, None, "Ville de Lens", None]})
    p = stats.profile(t, ["buyer_type", "organisation"])
    assert "label" not in p.columns and p.attrs["population"] == "buyers"  # codes only
    p = labelled(p)
    bt = p[p["attribute"] == "buyer_type"].set_index("value")
    assert bt["n"].to_dict() == {"etat": 3, "collectivite": 1, "sante": 1, "non_renseigne": 1}
    assert (bt["n_total"] == 6).all() and bt["n"].sum() == 6 and bt.loc["etat", "pct"] == 0.5
    assert bt.loc["collectivite", "label"] == "Collectivités territoriales"
    org = p[p["attribute"] == "organisation"].set_index("value")
    assert org.loc["mel", "label"] == "Métropole Européenne de Lille"
    assert org.loc["Ville de Lens", "label"] == "Ville de Lens"  # open attribute: kept as written
    w = stats.profile(t, "buyer_type", by_wave=True)
    assert list(w.columns) == ["wave", *stats.PROFILE_COLUMNS]
    w = labelled(w, "en")
    assert list(w.columns) == ["wave", "attribute", "value", "label", "n", "n_total", "pct"]
    assert w[w["wave"] == 2018].set_index("value")["n"].to_dict() == {"etat": 1, "sante": 1}
    assert w[w["wave"] == 2017].set_index("value").loc["etat", ["n", "n_total"]].tolist() == [2, 4]
    assert w.set_index("value").loc["non_renseigne", "label"] == "Not given"


def _tables():
    b_codes = codebook.items("buyers")["code"].tolist()
    c_codes = codebook.items("companies")["code"].tolist()
    buyers = pd.DataFrame({"population": "buyers", "wave": [2017] * 4 + [2018],
                           "buyer_type": pd.Categorical(["etat", "etat", "collectivite", "etat", "etat"]),
                           **{c: _bool([c == "b_temps", True, c == "b_temps", None, True]) for c in b_codes}})
    companies = pd.DataFrame({"population": "companies", "wave": 2017,
                              "size_class": pd.Categorical(["micro"] * 5 + ["ge"] * 2),
                              **{c: _bool([c == "e_moyens"] * 7) for c in c_codes}})
    return {"buyers": buyers, "companies": companies}


def test_barrier_table_is_the_published_freins_csv(tmp_path):
    small = stats.barrier_table(_tables(), wave=2017).set_index(["population", "item"]).loc[("buyers", "b_temps")]
    # 3 buyers < min_cell: protected like companies by default (issue 27): no base, count, share, interval, rank
    assert small[["n_base", "count", "pct", "pct_all", "ci_low", "ci_high", "rank", "letters"]].isna().all()
    opted = stats.barrier_table(_tables(), wave=2017, ctx=Context(protect=disclosure.protected_populations(True)))
    small = opted.set_index(["population", "item"]).loc[("buyers", "b_temps")]
    # a study that opts in (publish_small_groups): counted and published, but no interval, rank nor letters
    assert small["count"] == 3 and pd.isna(small["rank"]) and pd.isna(small["letters"]) and pd.isna(small["ci_low"])
    out = stats.barrier_table(_tables(), wave=2017, ctx=Context(min_cell=3))
    assert list(out.columns) == [c for c in stats.FREINS_COLUMNS if c != "label"]  # codes only
    out = labelled(out)
    assert list(out.columns) == stats.FREINS_COLUMNS
    assert set(out["wave"]) == {2017}
    temps = out.set_index(["population", "item"]).loc[("buyers", "b_temps")]
    # 3 of 3 buyers in a wave under 2 × min_cell: the share tells each one's answer, withheld (issue 27's rule:
    # a whole wave is a group too)
    assert temps[["count", "pct", "rank"]].isna().all()
    assert temps["label"] == "Pas de temps à y consacrer"
    assert out["pct"].dropna().between(0, 1).all() and out["ci_high"].dropna().le(1).all()
    moyens = out.set_index(["population", "item"]).loc[("companies", "e_moyens")]
    assert (moyens["n_base"], moyens["count"], moyens["pct"]) == (7, 7, 1.0)
    n_buyers, n_companies = len(stats.item_codes("buyers")), len(stats.item_codes("companies"))
    assert len(stats.barrier_table(_tables())) == 2 * n_buyers + n_companies  # both buyer waves, one company wave


def test_grouped_barrier_table_suppresses_small_company_groups_and_passes_the_audit(tmp_path):
    out = stats.barrier_table(_tables(), wave=2017, by={"buyers": "buyer_type", "companies": "size_class"})
    assert list(out.columns)[:5] == ["population", "wave", "group", "group_value", "item"]
    out = labelled(out)
    assert list(out.columns)[:7] == ["population", "wave", "group", "group_value", "group_label", "item", "label"]
    # ETI and GE are published merged (codebook); 2 firms: suppressed, base included; micro then gives them
    # away by subtraction from freins.csv, so it is suppressed too (etude.safety.disclosure, secondary suppression)
    ge = out[(out["population"] == "companies") & (out["group_value"] == "ge250")]
    assert len(ge) == 6 and ge["suppressed"].all() and ge["count"].isna().all() and ge["n_base"].isna().all()
    assert out[out["population"] == "companies"]["suppressed"].all()
    # buyers are protected too (issue 27): the one collectivité joins its declared neighbour « autre » (1
    # respondent, still under min_cell: suppressed), and the 2 État buyers answering are suppressed
    buyers = out[out["population"] == "buyers"]
    assert set(buyers["group_value"]) == {"etat", "autre"} and buyers["suppressed"].all()
    assert buyers[["n_base", "count", "pct"]].isna().all().all()
    outputs.save_table(out, "freins_groupes", tmp_path)
    assert audit.scan_run(tmp_path).empty
    # a study that opts in (publish_small_groups) publishes the collectivité as itself: 1 of 1 cites b_temps
    opted = labelled(stats.barrier_table(_tables(), wave=2017, by={"buyers": "buyer_type"},
                                         ctx=Context(protect=disclosure.protected_populations(True))))
    coll = opted[opted["group_value"] == "collectivite"].set_index("item")
    assert not coll["suppressed"].any() and coll["group_label"].iloc[0] == "Collectivités territoriales"
    assert (coll.loc["b_temps", "n_base"], coll.loc["b_temps", "count"], coll.loc["b_soutien", "count"]) == (1, 1, 0)




def test_frequencies_give_pct_all_and_letters():
    t = pd.DataFrame({"e_moyens": _bool([True] * 25 + [False] * 5 + [None] * 2),
                      "e_besoins": _bool([False] * 25 + [True] * 5 + [None] * 2)})
    out = stats.frequencies(t, ["e_moyens", "e_besoins"]).set_index("item")
    assert out.loc["e_moyens", "n_base"] == 30 and out.loc["e_moyens", "pct"] == pytest.approx(25 / 30)
    assert out.loc["e_moyens", "pct_all"] == pytest.approx(25 / 32)  # over all respondents, skippers included
    assert out["letters"].tolist() == ["a", "b"]  # 25 cite e_moyens only, 5 e_besoins only: separated
    tied = stats.frequencies(t.assign(e_besoins=t["e_moyens"]), ["e_moyens", "e_besoins"])
    assert tied["letters"].tolist() == ["a", "a"]


def test_barrier_table_publishes_letters_and_blanks_them_when_suppressed():
    codes = stats.item_codes("companies")
    t = {"companies": pd.DataFrame({"population": "companies", "wave": 2017,
                                     **{c: _bool([c == "e_moyens"] * 3) for c in codes}})}
    out = labelled(stats.barrier_table(t, wave=2017))
    assert list(out.columns) == stats.FREINS_COLUMNS
    assert {"pct_all", "letters"} <= set(stats.FREINS_COLUMNS) and "rank_group" not in stats.FREINS_COLUMNS
    assert out["letters"].isna().all() and out["pct_all"].isna().all()  # 3 companies < min_cell


def test_an_item_not_asked_has_no_count_share_interval_or_rank():
    # b was not asked (NA for all 3 who answered a or c): « non posé », never 0 %
    t = pd.DataFrame({"a": _bool([True, True, False]), "b": _bool([None, None, None]),
                      "c": _bool([False, True, True])})
    r = stats.frequencies(t, ["a", "b", "c"])
    assert r["item"].tolist() == ["a", "c", "b"]  # not asked comes last
    b = r.set_index("item").loc["b"]
    assert b["n_base"] == 3 and pd.isna(b["count"]) and pd.isna(b["rank"]) and pd.isna(b["letters"])
    assert pd.isna(b["pct"]) and pd.isna(b["pct_all"]) and pd.isna(b["ci_low"]) and pd.isna(b["ci_high"])
    assert r.set_index("item").loc["a", "pct_mentions"] == 0.5  # mentions of the items asked only


def test_an_item_nobody_ticked_is_zero_and_one_everybody_ticked_is_one():
    t = pd.DataFrame({"a": _bool([True, True]), "b": _bool([False, False])})
    r = stats.frequencies(t, ["a", "b"]).set_index("item")
    assert r.loc["a", "pct"] == 1.0 and r.loc["b", "pct"] == 0.0 and r.loc["b", "count"] == 0


def test_barrier_table_one_wave_per_population_and_attributes_given():
    t = _tables()
    out = stats.barrier_table(t, wave={"buyers": 2018, "companies": 2017})
    assert set(zip(out["population"], out["wave"])) == {("buyers", 2018), ("companies", 2017)}
    only = stats.barrier_table(t, wave={"companies": 2017})
    assert set(only["population"]) == {"companies"}
    assert set(stats.barrier_table(t, wave=2018)["population"]) == {"buyers"}  # no company in 2018: no row
    grouped = stats.barrier_table(t, wave=2017, by={"companies": "size_class"})
    assert set(grouped["population"]) == {"companies"} and "suppressed" in grouped.columns
    empty = stats.barrier_table(t, wave=2016, by={})
    assert empty.empty and {"group", "group_value", "suppressed"} <= set(empty.columns)
    assert stats.given_attributes(t["buyers"].assign(segment=None), ["buyer_type", "segment"]) == ["buyer_type"]


def test_wave_counts_withhold_who_answered_in_a_protected_wave_under_the_threshold():
    codes = stats.item_codes("companies")
    e = pd.DataFrame({"population": "companies", "wave": [2018] * 6 + [2021] * 2,
                      **{c: pd.array([True] * 5 + [None] + [True, False], dtype="boolean") for c in codes}})
    counts = stats.wave_counts({"companies": e})
    assert counts[["wave", "n"]].values.tolist() == [[2018, 6], [2021, 2]]  # the waves' totals, exactly
    assert counts["n_barriers"].tolist()[0] == 5 and pd.isna(counts["n_barriers"].tolist()[1])
    assert pd.isna(counts["pct_barriers"].iloc[1])
    opted = stats.wave_counts({"companies": e}, ctx=Context(protect=()))  # a study protecting no population
    assert opted["n_barriers"].tolist() == [5, 2]


def test_wave_counts_are_codes_and_the_written_table_labels_the_questionnaire():
    counts = stats.wave_counts(_tables())
    assert list(counts.columns) == ["population", "wave", "n", "n_barriers", "pct_barriers"]
    fr, en = labelled(counts), labelled(counts, "en")
    assert list(fr.columns) == ["population", "label", "wave", "n", "n_barriers", "pct_barriers"]
    assert fr["label"].iloc[0] == "Acheteurs publics" and en["label"].iloc[0] == "Public buyers"
    assert fr.drop(columns="label").equals(counts)


def test_published_frequencies_are_the_rows_and_letters_of_freins_csv_with_the_share_of_mentions():
    # 7 companies, all cite e_moyens (100 % in a wave under 10: withheld); the others are published and lettered
    # from tests among themselves, as barrier_table does: notebook 02's slide and freins.csv agree
    from etude.publish import present
    codes = stats.item_codes("companies")
    rows = [{"e_moyens", "e_besoins"}, {"e_moyens"}, {"e_moyens", "e_delais"}, {"e_moyens", "e_processus"},
            {"e_moyens", "e_besoins"}, {"e_moyens", "e_besoins", "e_delais"}, {"e_moyens"}]
    e = pd.DataFrame({"population": "companies", "wave": 2021,
                      **{c: pd.array([c in r for r in rows], dtype="boolean") for c in codes}})
    shown = stats.published_frequencies(e, "companies").set_index("item")
    written = stats.barrier_table({"companies": e}).set_index("item")
    assert shown.loc["e_moyens", "suppressed"] and pd.isna(shown.loc["e_moyens", "count"])
    assert shown["letters"].tolist() == written.loc[shown.index, "letters"].tolist()
    assert shown.loc["e_besoins", ["count", "letters"]].tolist() == [3, "a"]
    assert shown["pct_mentions"].isna().all()  # its total would give the withheld count back
    headline = present.barrier_headline(shown.reset_index(), population="companies")
    assert not headline.startswith("Trop peu")  # 7 answered: enough to test the published items
