"""Remedies and the action plan (etude.analysis.plan computes, etude.publish.present.plan and plots.plan show), on
tiny tables a reader checks by hand, and the links file."""
import math

import matplotlib.pyplot as plt
import pandas as pd
import pytest
import yaml
from statsmodels.stats.proportion import proportion_confint

from etude import words
from etude.analysis import plan, stats
from etude.errors import InputError
from etude.publish import labels, plots, present
from etude.safety.disclosure import protected_populations
from etude.survey import codebook, reference
from etude.survey.context import Context


def _table(population, barriers, remedies=None, wave=2017):
    """One row per respondent: ``barriers`` and ``remedies`` are sets of ticked codes (empty set: skipped)."""
    b_codes, r_codes = stats.item_codes(population), stats.item_codes(population, "remedies")
    remedies = remedies if remedies is not None else [None] * len(barriers)
    cols = {"population": population, "wave": wave}
    for c in b_codes:
        cols[c] = pd.array([(c in s) if s else None for s in barriers], dtype="boolean")
    for c in r_codes:
        cols[c] = pd.array([(c in s) if s else None for s in remedies], dtype="boolean")
    return pd.DataFrame(cols)


#: A study that publishes buyers' small groups (``publish_small_groups: true``): the tiny tables below (3 buyers
#: answering) are then published and checked by hand; by default (issue 27) they are withheld.
OPT_IN = Context(protect=protected_populations(True))


@pytest.fixture
def buyers():
    """4 buyers: remedies hiérarchie ×2, professionnalisation ×2, one skipped the question (base 3)."""
    return _table("buyers", [{"b_temps"}, {"b_temps", "b_financier"}, {"b_juridique"}, set()],
                  [{"lev_hierarchie"}, {"lev_hierarchie", "lev_professionnalisation"}, set(),
                   {"lev_professionnalisation"}])


def test_remedy_table_counts_like_freins_csv(buyers):
    hidden = plan.remedy_table({"buyers": buyers}).set_index("item").loc["lev_hierarchie"]
    assert hidden[["n_base", "count", "pct", "ci_low"]].isna().all()  # 3 buyers < min_cell: withheld (issue 27)
    small = plan.remedy_table({"buyers": buyers}, ctx=OPT_IN).set_index("item").loc["lev_hierarchie"]
    # opted in, 3 respondents < min_cell: counted, but no interval, rank nor letters (issue 26.1)
    assert small["count"] == 2 and small[["ci_low", "ci_high", "rank", "letters"]].isna().all()
    t = labels.with_labels(plan.remedy_table({"buyers": buyers}, ctx=Context(min_cell=3)), "fr")
    assert t.columns.tolist() == stats.FREINS_COLUMNS
    r = t.set_index("item").loc["lev_hierarchie"]
    assert (r["n_base"], r["count"], r["pct"]) == (3, 2, pytest.approx(2 / 3))
    low, high = proportion_confint(2, 3, alpha=0.05, method="wilson")
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((low, high), abs=1e-9)
    assert r["label"] == "Soutien hiérarchique"
    same = labels.with_labels(stats.barrier_table({"buyers": buyers}, question="remedies",
                                                  ctx=Context(min_cell=3)), "fr")
    pd.testing.assert_frame_equal(t.reset_index(drop=True), same.reset_index(drop=True))
    english = labels.with_labels(plan.remedy_table({"buyers": buyers}), "en")
    assert english.columns.tolist() == stats.FREINS_COLUMNS
    assert english.set_index("item").loc["lev_hierarchie", "label"] == codebook.label("lev_hierarchie", lang="en")


def test_a_study_without_the_question_has_no_remedy_rows_and_still_a_plan(buyers):
    without = buyers.drop(columns=stats.item_codes("buyers", "remedies"))
    assert not plan.has_remedies({"buyers": without})
    assert plan.remedy_table({"buyers": without}).empty
    p = plan.action_plan({"buyers": without})
    assert len(p) == len(stats.item_codes("buyers")) and p["remedy_pct"].isna().all()
    assert p["remedy"].notna().all()  # the links do not depend on the question being asked


def test_a_wave_that_did_not_ask_the_question_has_no_row_not_zero(buyers):
    old = _table("buyers", [{"b_temps"}, {"b_donnees"}], wave=2016)  # remedies all NA: not asked in 2016
    tables = {"buyers": pd.concat([old, buyers], ignore_index=True)}
    assert plan.asked_waves(tables) == {"buyers": [2017]}
    assert set(plan.remedy_table(tables)["wave"]) == {2017}
    assert plan.remedy_table(tables, wave=2016).empty


def test_action_plan_one_row_per_barrier_with_its_links(buyers):
    companies = _table("companies", [{"e_besoins"}] * 6 + [{"e_moyens"}], [{"lev_information"}] * 7)
    codes = plan.action_plan({"buyers": buyers, "companies": companies}, ctx=OPT_IN)
    assert codes.columns.tolist() == plan.PLAN_CODES  # the analysis returns codes and numbers, no label
    p = present.plan_with_labels(codes)
    assert p.columns.tolist() == plan.PLAN_COLUMNS and p.attrs == codes.attrs
    for population in ("buyers", "companies"):
        assert sorted(p.loc[p.population == population, "item"]) == sorted(stats.item_codes(population))
    r = p.set_index("item").loc["b_temps"]
    assert (r["n_base"], r["count"], r["pct"]) == (3, 2, pytest.approx(2 / 3))
    assert r["remedy"] == "lev_hierarchie" and r["remedy_pct"] == pytest.approx(2 / 3)
    assert r["solutions"] == "solution_2018_guide" and r["objective"] == "objectif_2018_outils_communs"
    assert r["solution_labels"] == "Construire un guide méthodologique de bonnes pratiques de l'achat innovant"
    assert (r["label"], r["remedy_label"]) == (codebook.label("b_temps"), "Soutien hiérarchique")
    english = present.plan_with_labels(codes, lang="en").set_index("item").loc["b_temps"]
    assert english["remedy_label"] == codebook.label("lev_hierarchie", lang="en")
    # in English, the restitution's words are given in their translation (value_text_en of the reference table)
    assert english["solution_labels"] == "Build a methodological guide to good practice in innovative purchasing"
    assert r["status"] == reference.LINK_STATUS
    e = p.set_index("item").loc["e_besoins"]
    # 7 of 7 companies cite the remedy: in a wave under 2 × min_cell that share tells each one's answer, withheld
    # (issue 27's rule: a whole wave is a group too)
    assert (e["n_base"], e["count"]) == (7, 6) and math.isnan(e["remedy_pct"])
    assert e["indicator"] == "cinov_barometre:frein_besoins_peu_clairs" and "2023–2024" in e["indicator_label"]


def test_small_company_groups_stay_suppressed_in_the_plan():
    companies = _table("companies", [{"e_besoins"}, {"e_moyens"}, {"e_besoins"}])
    p = plan.action_plan({"companies": companies})
    assert p["pct"].isna().all() and p["n_base"].isna().all()  # a suppressed group publishes no base
    shown = present.display_plan(p, "companies")
    assert shown.iloc[0, 1] == "< 5"


def test_default_wave_is_each_population_latest_and_can_be_chosen(buyers):
    later = _table("buyers", [{"b_donnees"}] * 2, wave=2019)
    tables = {"buyers": pd.concat([buyers, later], ignore_index=True)}
    assert set(plan.action_plan(tables)["wave"]) == {2019}
    assert set(plan.action_plan(tables, wave=2017)["wave"]) == {2017}
    assert set(plan.action_plan(tables, wave=2016)["wave"]) == {2019}  # a wave the study lacks: the latest
    assert "La vague 2016 demandée n'existe pas pour les acheteurs publics" in present.plan_wave_note(tables, 2016)
    assert present.plan_wave_note(tables) == ("Vagues de l'étude : 2017, 2019. Cette partie montre la vague 2019 "
                                              "(la dernière vague).")
    assert present.plan_wave_note(tables, 2016, lang="en").endswith(
        "The requested wave 2016 does not exist for public buyers: their latest wave is shown.")


def test_every_barrier_of_the_codebook_has_one_link_with_a_rationale():
    links = reference.load_links()
    for population in codebook.populations():
        part = links[links.population == population]
        assert sorted(part["barrier"]) == sorted(stats.item_codes(population)), population
        assert set(part["remedy"]) == set(stats.item_codes(population, "remedies")), population  # every remedy is used
    assert (links["status"] == "interprétation").all() and links["rationale"].str.len().gt(20).all()


def test_a_barrier_without_a_link_keeps_its_row(buyers):
    links = reference.load_links()
    p = plan.action_plan({"buyers": buyers}, links=links[links.barrier != "b_temps"], ctx=OPT_IN)
    r = p.set_index("item").loc["b_temps"]
    assert pd.isna(r["remedy"]) and pd.isna(r["solutions"]) and r["count"] == 2


def test_bad_links_are_each_reported_with_link_number_and_field(tmp_path):
    raw = {"status": "publié", "links": [
        {"barrier": "b_inconnu", "remedy": "lev_hierarchie", "solutions": ["solution_2018_guide"],
         "objective": "objectif_2018_outils_communs", "rationale": "x"},
        {"barrier": "b_temps", "remedy": "lev_information", "solutions": ["solution_2018_guide"],
         "objective": "objectif_2018_outils_communs", "rationale": "x"},
        {"barrier": "e_moyens", "remedy": "lev_simplification", "solutions": ["note_2018_innovember"],
         "objective": "solution_2018_hub", "indicator": "cinov_barometre:pas_assez_informe", "rationale": ""},
        {"barrier": "b_temps", "remedy": "lev_hierarchie", "solutions": ["solution_2018_guide"],
         "objective": "objectif_2018_outils_communs", "rationale": "x"},
    ]}
    f = tmp_path / "plan_action.yaml"
    f.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as err:
        reference.load_links(f)
    got = {(p["row"], p["column"]) for p in err.value.problems}
    assert got == {(None, "status"), (1, "barrier"), (2, "remedy"), (3, "solutions"), (3, "objective"),
                   (3, "indicator"), (3, "rationale"), (4, "barrier")}
    assert all(p["file"] == "plan_action.yaml" for p in err.value.problems)


def test_solutions_and_objectives_tables_follow_the_seed_order(buyers):
    p = plan.action_plan({"buyers": buyers})
    sol = plan.solutions_table(p)
    assert sol["number"].tolist() == list(range(1, len(reference.gt_texts("solution_2018_")) + 1))
    assert sol["n_barriers"].sum() == p["solutions"].str.split(";").map(len).sum()
    for r in sol.itertuples():  # each solution lists exactly the barriers whose link names it
        linked = {i for i, s in zip(p["item"], p["solutions"]) if r.code in s.split(";")}
        assert set(filter(None, r.barriers.split(";"))) == linked, r.code
    obj = plan.objectives_table(p)
    assert obj.set_index("code").loc["objectif_2018_innovation_sociale", "n_barriers"] == 0
    # issue 29: neutral words, no objective is said to serve nothing
    assert present.objectives_message(obj) == ("Les 5 objectifs retenus pour 2018 ; l'étude en lie 4 à des freins "
                                               "cités dans les enquêtes")


def test_messages_state_the_result(buyers):
    # by default 3 buyers are withheld: the headings say so, never « not asked » nor « nobody answered »
    withheld = "Acheteurs publics : trop peu de répondants (< 5) pour publier leurs réponses (secret statistique)"
    assert present.remedy_message(plan.remedy_table({"buyers": buyers}), "buyers") == withheld
    assert present.plan_message(plan.action_plan({"buyers": buyers}), "buyers") == withheld
    r = plan.remedy_table({"buyers": buyers}, ctx=OPT_IN)
    # both remedies are ticked by 2 of the 3 respondents: a tie, not « le plus cité »
    assert present.remedy_message(r, "buyers") == ("Acheteurs publics : 2 leviers à égalité (66,7\u202f%), dont "
                                                   "« Soutien hiérarchique »")
    assert present.remedy_message(r, "buyers", lang="en").startswith(
        "Public buyers: 2 remedies tied (66.7%)")  # English numbers
    assert "not asked" in present.remedy_message(r, "companies", lang="en")
    p = plan.action_plan({"buyers": buyers}, ctx=OPT_IN)
    # 3 respondents < min_cell: no paired test, so none is « le plus cité »
    assert present.plan_message(p, "buyers") == ("Acheteurs publics : le frein le plus coché, « Manque de temps » "
                                                 "(66,7\u202f%), relève de « Soutien hiérarchique » ; trop peu de "
                                                 "réponses pour un test")


def test_the_most_cited_barrier_and_remedy_are_named_only_when_the_paired_test_separates_them():
    codes = list(stats.item_codes("buyers"))
    yes, no = pd.array([True] * 12, dtype="boolean"), pd.array([False] * 12, dtype="boolean")
    ticks = {c: (yes if c == "b_temps" else no) for c in codes}
    remedies = {c: (yes if i == 0 else no) for i, c in enumerate(stats.item_codes("buyers", question="remedies"))}
    b = pd.DataFrame({"population": "buyers", "wave": 2019, **ticks, **remedies})
    p = plan.action_plan({"buyers": b})
    assert p.set_index("item")["letters"].loc["b_temps"] == "a" and (p["letters"] == "a").sum() == 1
    assert present.plan_message(p, "buyers") == ("Acheteurs publics : le frein le plus cité, « Manque de temps » "
                                                 "(100,0\u202f%), relève du levier « Soutien hiérarchique »")
    assert present.remedy_message(plan.remedy_table({"buyers": b}), "buyers").endswith(
        "est le levier le plus cité (100,0\u202f% des 12 répondants)")
    two = b.assign(b_financier=yes)  # two barriers cited by all: a tie
    assert "2 freins sont cités à égalité" in present.plan_message(plan.action_plan({"buyers": two}), "buyers")
    one_less = b.assign(b_financier=pd.array([True] * 11 + [False], dtype="boolean"))  # 12 vs 11: not separated
    assert present.plan_message(plan.action_plan({"buyers": one_less}), "buyers", lang="en").startswith(
        "Public buyers: “No time” (100.0%)")
    assert "not separated from “Financial barriers”;" in present.plan_message(
        plan.action_plan({"buyers": one_less}), "buyers", lang="en")


def test_display_tables_fit_a_slide(buyers):
    hidden = present.display_plan(plan.action_plan({"buyers": buyers}), "buyers", lang="en")
    assert hidden.set_index("Barrier").loc["No time", "Share of respondents"] == "< 5"  # withheld by default
    p = plan.action_plan({"buyers": buyers}, ctx=OPT_IN)
    shown = present.display_plan(p, "buyers", lang="en")
    assert shown.columns.tolist() == ["Barrier", "Share of respondents", "Remedy", "Solutions (no.)",
                                      "2018 objective"]
    assert len(shown) == len(stats.item_codes("buyers"))
    assert shown.set_index("Barrier").loc["No time", "Solutions (no.)"] == "3"
    assert shown.set_index("Barrier").loc["No time", "Share of respondents"] == "66.7% (n\u202f=\u202f3)"
    obj = present.display_objectives(plan.objectives_table(p))
    assert len(obj) <= 8 and obj.iloc[-1, 2] == "sans frein dans les questionnaires de 2017"
    assert obj.iloc[0, 2].startswith("lié à 1 frein : ")  # issue 29: « lié à k freins », neutral


def test_coverage_chart_says_simulated_and_interpretation(buyers):
    sol = plan.solutions_table(plan.action_plan({"buyers": buyers}))
    fig = plots.coverage_chart(sol, simulated=True)
    text = " ".join(t.get_text() for t in fig.texts)
    assert "Données simulées — ne pas citer" in text and "interprétation" in text
    assert len(fig.axes[0].get_yticklabels()) == len(sol)
    plt.close(fig)
    fig = plots.coverage_chart(sol, simulated=True, lang="en")
    assert fig.axes[0].get_title(loc="left") == "Barriers addressed by each solution"
    assert words.data_status(True, "en") in plots.figure_caption(fig)
    plt.close(fig)


def test_remedy_chart_shows_the_latest_wave_under_its_title(buyers):
    older = _table("buyers", [{"b_temps"}] * 2, [{"lev_hierarchie"}] * 2, wave=2016)
    table = plan.remedy_table({"buyers": pd.concat([older, buyers], ignore_index=True)}, ctx=OPT_IN)
    fig = plots.remedy_chart(table, "buyers")
    assert fig.axes[0].get_title(loc="left") == "Leviers cités — Acheteurs publics (n\u202f=\u202f3)"
    assert "vague 2017" in plots.figure_caption(fig)
    plt.close(fig)
    fig = plots.remedy_chart(table, "buyers", lang="en")
    assert fig.axes[0].get_title(loc="left") == "Remedies cited — Public buyers (n\u202f=\u202f3)"
    assert [t.get_text() for t in fig.axes[0].texts] == ["67%", "67%"]
    plt.close(fig)


def test_an_item_not_asked_in_the_wave_shown_is_non_pose_in_the_plan_never_zero():
    codes = list(stats.item_codes("buyers"))
    ticks = {c: pd.array([True, False, True, None], dtype="boolean") for c in codes}
    ticks["b_financier"] = pd.array([None] * 4, dtype="boolean")  # not in this wave's questionnaire
    b = pd.DataFrame({"population": "buyers", "wave": 2019, **ticks})
    p = plan.action_plan({"buyers": b}, ctx=OPT_IN)
    row = p.set_index("item").loc["b_financier"]
    assert not row["asked"] and row[["count", "pct", "ci_low", "ci_high", "rank"]].isna().all()
    assert p.set_index("item").loc["b_temps", "asked"] and p.set_index("item").loc["b_temps", "pct"] == 2 / 3
    shown = present.display_plan(p, "buyers")
    label = codebook.label("b_financier", short=True)
    assert shown.set_index(shown.columns[0]).loc[label].iloc[0] == "non posé"


def test_identical_answers_make_a_tie_not_a_most_cited_barrier():
    codes = list(stats.item_codes("buyers"))
    b = pd.DataFrame({"population": "buyers", "wave": 2019,
                      **{c: pd.array([True, False, True], dtype="boolean") for c in codes}})
    message = present.plan_message(plan.action_plan({"buyers": b}, ctx=OPT_IN), "buyers")
    assert message.startswith(f"Acheteurs publics : {len(codes)} freins sont cités à égalité (66,7")


def test_an_objective_lists_each_linked_barrier_once_with_its_side_when_two_share_a_name():
    from etude.publish.present import plan as shown
    text = shown._linked("b_soutien;b_desinteret;e_administration;e_desinteret", "fr")
    assert text == ("lié à 4 freins : Manque de soutien, Désintérêt (acheteurs publics), Méconnaissance de "
                    "l'administration, Désintérêt (entreprises innovantes)")  # issue 29: « Désintérêt » was twice
    assert shown._linked("", "en") == "no barrier in the 2017 questionnaires"
