"""Pair scores, meeting plan and supply/demand table on tiny hand-made respondents (values checkable by hand)."""
import itertools
import math

import numpy as np
import pandas as pd
import pytest

from etude.analysis import matching as m
from etude.errors import ParameterError
from etude.publish import present
from etude.safety.disclosure import protected_populations
from etude.survey.context import Context

#: A study that publishes its buyers' small groups (``publish_small_groups: true``).
OPT_IN = Context(protect=protected_populations(True))


def _people(prefix, rows):
    """Respondents from (segments ticked, main segment, département, description) tuples (contract §1 shape)."""
    out = []
    for i, (segs, main, dep, desc) in enumerate(rows, start=1):
        r = {"respondent_id": f"{prefix}-{i}", "segment": main, "departement": dep, "description": desc}
        for s in m.SEGMENTS:
            r[f"seg_{s}"] = (s in segs) if segs else pd.NA
        out.append(r)
    df = pd.DataFrame(out)
    for s in m.SEGMENTS:
        df[f"seg_{s}"] = df[f"seg_{s}"].astype("boolean")
    for col in ("segment", "departement"):
        df[col] = df[col].astype("category")
    return df


BUYERS = _people("A", [
    ({"sante"}, "sante", "59", "Télésurveillance des patients à domicile"),
    ({"numerique", "immobilier"}, "numerique", "80", "Jumeau numérique des bâtiments"),
    (set(), "immobilier", "62", None),
])
COMPANIES = _people("E", [
    ({"sante"}, "sante", "59", "Telesurveillance des patients a domicile"),
    ({"numerique"}, "numerique", "80", "Plateforme de prise de rendez-vous"),
    ({"immobilier", "numerique"}, "immobilier", "59", "Jumeau numérique de bâtiments pour la maintenance"),
])


def _pair(scores, b, c):
    return scores.set_index(["buyer_id", "company_id"]).loc[(b, c)]


# ----------------------------------------------------------------------------------------------------- text
def test_tokens_fold_accents_case_plurals_and_stop_words():
    assert m.tokens("Santé") == m.tokens("sante") == ["sante"]
    assert m.tokens("Les Bâtiments de l'État") == ["batiment", "etat"]
    assert m.tokens("") == [] and m.tokens(None) == [] and m.tokens(float("nan")) == []
    assert m.tokens("le la les des du et à") == []


def test_text_similarity_ignores_accents_and_scores_empty_texts_zero():
    sim = m.tfidf_similarity(["Achats de santé", "", None], ["ACHATS DE SANTE", "béton", ""])
    assert sim[0, 0] == pytest.approx(1.0)
    assert sim[0, 1] == 0.0
    assert (sim[1:, :] == 0).all() and (sim[:, 2] == 0).all()


def test_text_similarity_is_symmetric_and_bounded():
    texts = ["capteurs de chute en EHPAD", "capteur connecté", "béton recyclé", "maintenance des bâtiments"]
    sim = m.tfidf_similarity(texts, texts)
    assert np.allclose(sim, sim.T) and (sim >= 0).all() and (sim <= 1 + 1e-12).all()
    assert sim[0, 1] > 0 and sim[0, 2] == 0


# --------------------------------------------------------------------------------------------------- scores
def test_segment_sets_use_ticked_items_else_main_segment():
    sets = m.segment_sets(BUYERS)
    assert [sorted(s) for s in sets] == [["sante"], ["immobilier", "numerique"], ["immobilier"]]


def test_score_parts_on_hand_made_pairs():
    s = m.score_pairs(BUYERS, COMPANIES, w_segment=0.5, w_text=0.3, w_proximity=0.2)
    assert list(s.columns) == m.SCORE_COLUMNS and len(s) == 9
    assert s[["buyer_id", "company_id"]].values.tolist()[:3] == [["A-1", "E-1"], ["A-1", "E-2"], ["A-1", "E-3"]]
    # A-1 / E-1: same segment (Jaccard 1), same text once accents are folded (cosine 1), same département.
    p = _pair(s, "A-1", "E-1")
    assert (p.score_segment, p.score_text, p.score_proximity) == pytest.approx((0.5, 0.3, 0.2))
    assert p.score == pytest.approx(1.0) and p.segment == "sante"
    # A-2 {numerique, immobilier} / E-2 {numerique}: Jaccard 1/2; same département 80; no shared word.
    p = _pair(s, "A-2", "E-2")
    assert (p.score_segment, p.score_text, p.score_proximity) == pytest.approx((0.25, 0.0, 0.2))
    assert p.segment == "numerique"
    # A-2 / E-3: same two segments (Jaccard 1), shared words, different départements; buyer's main segment wins.
    p = _pair(s, "A-2", "E-3")
    assert p.score_segment == pytest.approx(0.5) and 0 < p.score_text < 0.3 and p.score_proximity == 0
    assert p.segment == "numerique"
    # A-3 has no description: text part 0 with everybody; main segment immobilier shared with E-3 only.
    assert (s.loc[s.buyer_id == "A-3", "score_text"] == 0).all()
    assert _pair(s, "A-3", "E-3").score_segment == pytest.approx(0.5 * 1 / 2)
    assert pd.isna(_pair(s, "A-1", "E-2").segment) and _pair(s, "A-1", "E-2").score == 0
    assert np.allclose(s.score, s.score_segment + s.score_text + s.score_proximity)


def test_weights_are_normalised_and_checked():
    a = m.score_pairs(BUYERS, COMPANIES, w_segment=5, w_text=3, w_proximity=2)
    b = m.score_pairs(BUYERS, COMPANIES)
    pd.testing.assert_frame_equal(a, b)
    only_prox = m.score_pairs(BUYERS, COMPANIES, w_segment=0, w_text=0, w_proximity=1)
    assert set(only_prox.score) == {0.0, 1.0}
    for bad in ({"w_text": -1}, {"w_segment": 0, "w_text": 0, "w_proximity": 0}, {"w_text": float("nan")}):
        with pytest.raises(ParameterError, match="poids"):
            m.score_pairs(BUYERS, COMPANIES, **bad)


def test_scores_do_not_depend_on_row_order():
    a = m.score_pairs(BUYERS, COMPANIES)
    b = m.score_pairs(BUYERS.iloc[::-1], COMPANIES.sample(frac=1, random_state=3))
    pd.testing.assert_frame_equal(a, b)


def test_missing_departement_is_never_close_and_duplicates_are_refused():
    b = BUYERS.assign(departement=pd.NA)
    assert (m.score_pairs(b, COMPANIES).score_proximity == 0).all()
    with pytest.raises(ParameterError, match="plusieurs fois"):
        m.score_pairs(pd.concat([BUYERS, BUYERS]), COMPANIES)


# ----------------------------------------------------------------------------------------------------- plan
def _scores(triples):
    return pd.DataFrame(triples, columns=["buyer_id", "company_id", "score"])


def _check_constraints(plan, slots, cap):
    assert not plan.duplicated(["buyer_id", "company_id"]).any()
    assert plan["slot"].between(1, slots).all()
    assert not plan.duplicated(["buyer_id", "slot"]).any()
    assert not plan.duplicated(["company_id", "slot"]).any()
    assert plan.groupby("company_id").size().max() <= cap
    assert plan.groupby("buyer_id").size().max() <= slots


def _brute_force(scores, slots, cap, min_score):
    """Best (buyers covered, total score) over every subset of relevant pairs meeting the degree limits."""
    cand = scores[scores.score >= min_score].reset_index(drop=True)
    best = (0, 0.0)
    for k in range(len(cand) + 1):
        for sub in itertools.combinations(range(len(cand)), k):
            part = cand.iloc[list(sub)]
            if len(part) and (part.groupby("buyer_id").size().max() > slots
                              or part.groupby("company_id").size().max() > min(cap, slots)):
                continue
            value = (part.buyer_id.nunique(), round(part.score.sum(), 9))
            best = max(best, value)
    return best


RANDOM_CASES = [(seed, slots, cap) for seed in range(6) for slots, cap in ((1, 1), (2, 1), (2, 3), (3, 2))]


@pytest.mark.parametrize("seed,slots,cap", RANDOM_CASES)
def test_plan_is_optimal_and_feasible_on_small_random_cases(seed, slots, cap):
    rng = np.random.default_rng(seed)
    triples = [(f"A-{b}", f"E-{c}", round(float(rng.choice([0.1, 0.4, 0.6, 0.9, rng.random()])), 3))
               for b in range(4) for c in range(3) if rng.random() < 0.8]
    scores = _scores(triples[:12])
    plan = m.meeting_plan(scores, slots=slots, max_per_company=cap, min_score=0.3)
    _check_constraints(plan, slots, cap)
    assert (plan.score >= 0.3).all()
    assert (plan.buyer_id.nunique(), round(plan.score.sum(), 9)) == _brute_force(scores, slots, cap, 0.3)


def test_every_buyer_gets_a_meeting_before_the_total_score_is_maximised():
    # A alone would take X (0.9) and Y (0.8) in two slots; with X capped at one meeting, B's only pair is X.
    scores = _scores([("A", "X", 0.9), ("A", "Y", 0.8), ("B", "X", 0.35)])
    plan = m.meeting_plan(scores, slots=2, max_per_company=1, min_score=0.3)
    assert sorted(map(tuple, plan[["buyer_id", "company_id"]].values)) == [("A", "Y"), ("B", "X")]


def test_pairs_below_min_score_never_meet_and_a_buyer_without_one_is_left_out():
    scores = _scores([("A", "X", 0.9), ("B", "X", 0.2), ("B", "Y", 0.1)])
    plan = m.meeting_plan(scores, slots=3, max_per_company=3, min_score=0.3)
    assert plan[["buyer_id", "company_id"]].values.tolist() == [["A", "X"]]
    assert m.meeting_plan(scores, min_score=0.95).empty
    assert list(m.meeting_plan(scores, min_score=0.95).columns) == ["buyer_id", "company_id", "score", "slot"]


def test_slots_and_company_cap_bind():
    scores = _scores([(b, c, 0.5) for b in "ABCD" for c in "XY"])
    plan = m.meeting_plan(scores, slots=2, max_per_company=2, min_score=0.3)
    _check_constraints(plan, 2, 2)
    assert len(plan) == 4 and plan.buyer_id.nunique() == 4
    plan = m.meeting_plan(scores, slots=3, max_per_company=5, min_score=0.3)
    _check_constraints(plan, 3, 5)
    assert len(plan) == 6  # each company at most one meeting per slot: 2 companies × 3 slots


def test_ties_are_broken_by_ids_and_the_plan_is_deterministic():
    scores = _scores([(b, c, 0.5) for b in ("A-2", "A-1") for c in ("E-2", "E-1")])
    plan = m.meeting_plan(scores, slots=1, max_per_company=1, min_score=0.3)
    # Both buyers meet someone; among the two equivalent plans, the one with pair (A-1, E-1) comes first.
    assert plan[["buyer_id", "company_id"]].values.tolist() == [["A-1", "E-1"], ["A-2", "E-2"]]
    shuffled = scores.sample(frac=1, random_state=1)
    pd.testing.assert_frame_equal(plan, m.meeting_plan(shuffled, slots=1, max_per_company=1, min_score=0.3))


def test_plan_on_scored_fixture_keeps_score_columns():
    s = m.score_pairs(BUYERS, COMPANIES)
    plan = m.meeting_plan(s, slots=2, max_per_company=2, min_score=0.3)
    assert list(plan.columns) == m.PLAN_COLUMNS
    _check_constraints(plan, 2, 2)
    assert set(plan.buyer_id) == {"A-1", "A-2"}  # A-3's best pair (E-3) scores 0.25 < 0.3
    plan = m.meeting_plan(s, slots=2, max_per_company=2, min_score=0.2)
    assert set(plan.buyer_id) == {"A-1", "A-2", "A-3"}
    assert ("A-1", "E-1") in set(map(tuple, plan[["buyer_id", "company_id"]].values))


def test_w_text_zero_makes_the_plan_depend_on_segment_and_proximity_only():
    # E-2 repeats B-1's words but is in another département; E-1 shares the segment and the département only.
    b = _people("A", [({"sante"}, "sante", "59", "Capteurs de chute pour EHPAD")])
    c = _people("E", [({"sante"}, "sante", "59", "Logiciel de pharmacie"),
                      ({"sante"}, "sante", "80", "Capteurs de chute pour EHPAD")])
    with_text = m.meeting_plan(m.score_pairs(b, c, w_segment=0.4, w_text=0.4, w_proximity=0.2), slots=1)
    no_text = m.meeting_plan(m.score_pairs(b, c, w_segment=0.4, w_text=0, w_proximity=0.2), slots=1)
    assert with_text.company_id.tolist() == ["E-2"]
    assert no_text.company_id.tolist() == ["E-1"]
    # With w_text = 0, rewriting every description changes nothing.
    c2 = c.assign(description=["x", "y"])
    again = m.meeting_plan(m.score_pairs(b, c2, w_segment=0.4, w_text=0, w_proximity=0.2), slots=1)
    pd.testing.assert_frame_equal(no_text, again)


def test_assign_slots_fits_any_bipartite_graph_within_its_maximum_degree():
    rng = np.random.default_rng(0)
    for _ in range(30):
        edges = sorted({(f"A{rng.integers(6)}", f"E{rng.integers(5)}") for _ in range(18)})
        pairs = pd.DataFrame(edges, columns=["buyer_id", "company_id"])
        degree = max(pairs.buyer_id.value_counts().max(), pairs.company_id.value_counts().max())
        pairs["slot"] = m.assign_slots(pairs, int(degree))
        assert pairs.slot.between(1, degree).all()
        assert not pairs.duplicated(["buyer_id", "slot"]).any()
        assert not pairs.duplicated(["company_id", "slot"]).any()


# --- size switch: exact below, greedy above with a measured gap (issue 12.20) -----------------------------------

def test_below_the_switch_the_plan_is_exact_and_unchanged():
    scores = _scores([("A", "X", 0.9), ("A", "Y", 0.8), ("B", "X", 0.8), ("B", "Y", 0.1)])
    plan = m.meeting_plan(scores, slots=1, max_per_company=1, min_score=0.0)
    assert plan[["buyer_id", "company_id"]].values.tolist() == [["A", "Y"], ["B", "X"]]      # 0.8 + 0.8
    assert plan.attrs["plan_method"] == "exact" and plan.attrs["optimality_gap"] == 0.0
    assert plan.attrs["n_candidates"] == 4 and m.EXACT_MAX_PAIRS == plan.attrs["exact_max_pairs"]
    same = m.meeting_plan(scores, slots=1, max_per_company=1, min_score=0.0, exact_max_pairs=4)  # 4 pairs ≤ 4
    pd.testing.assert_frame_equal(plan, same)


def test_above_the_switch_the_greedy_gap_is_measured_on_a_forced_case():
    # Greedy: A (first by id, ties on pair counts) takes its best X (0.9), B gets Y (0.1): total 1.0.
    # Best plan A–Y + B–X = 1.6, so the score gap is (1.6 - 1.0) / 1.6 = 0.375; both buyers meet (gap 0).
    scores = _scores([("A", "X", 0.9), ("A", "Y", 0.8), ("B", "X", 0.8), ("B", "Y", 0.1)])
    plan = m.meeting_plan(scores, slots=1, max_per_company=1, min_score=0.0, exact_max_pairs=3)
    _check_constraints(plan, 1, 1)
    assert plan[["buyer_id", "company_id"]].values.tolist() == [["A", "X"], ["B", "Y"]]
    info = plan.attrs
    assert info["plan_method"] == "greedy" and info["n_candidates"] == 4
    assert info["bound_buyers_met"] == 2 and info["gap_buyers_met"] == 0.0
    assert info["bound_score_total"] == pytest.approx(1.6)
    assert info["gap_score_total"] == pytest.approx(0.375) and info["optimality_gap"] == pytest.approx(0.375)


def test_greedy_covers_buyers_with_few_pairs_first():
    # B has one relevant pair (X); A could take X too, but X holds one meeting: coverage first gives A–Y, B–X.
    scores = _scores([("A", "X", 0.9), ("A", "Y", 0.4), ("B", "X", 0.5)])
    plan = m.meeting_plan(scores, slots=2, max_per_company=1, min_score=0.3, exact_max_pairs=0)
    assert sorted(map(tuple, plan[["buyer_id", "company_id"]].values)) == [("A", "Y"), ("B", "X")]
    assert plan.attrs["gap_buyers_met"] == 0.0 and plan.attrs["gap_score_total"] == pytest.approx(0.4 / 1.3)


@pytest.mark.parametrize("seed,slots,cap", RANDOM_CASES[::3])
def test_greedy_plan_is_feasible_and_its_bounds_hold_the_exact_optimum(seed, slots, cap):
    rng = np.random.default_rng(seed)
    scores = _scores([(f"A-{b}", f"E-{c}", round(float(rng.random()), 3))
                      for b in range(12) for c in range(8) if rng.random() < 0.6])
    greedy = m.meeting_plan(scores, slots=slots, max_per_company=cap, min_score=0.3, exact_max_pairs=0)
    exact = m.meeting_plan(scores, slots=slots, max_per_company=cap, min_score=0.3)
    _check_constraints(greedy, slots, cap)
    assert (greedy.score >= 0.3).all()
    info = greedy.attrs
    assert info["optimality_gap"] >= 0 and info["gap_buyers_met"] >= 0 and info["gap_score_total"] >= 0
    # the coverage bound is the exact optimum (max flow); the score bound is above any plan's total
    assert exact.buyer_id.nunique() == info["bound_buyers_met"]
    assert exact.score.sum() <= info["bound_score_total"] + 1e-9
    assert info["gap_score_total"] == pytest.approx(1 - greedy.score.sum() / info["bound_score_total"], abs=1e-9)


def test_exact_max_pairs_must_be_a_non_negative_integer():
    with pytest.raises(ParameterError, match="exact_max_pairs"):
        m.meeting_plan(_scores([("A", "X", 0.9)]), exact_max_pairs=-1)


def test_bad_plan_options_list_what_is_allowed():
    s = _scores([("A", "X", 0.9)])
    with pytest.raises(ParameterError, match="slots"):
        m.meeting_plan(s, slots=0)
    with pytest.raises(ParameterError, match="max_per_company"):
        m.meeting_plan(s, max_per_company=1.5)
    with pytest.raises(ParameterError, match="même paire"):
        m.meeting_plan(pd.concat([s, s]))


def test_plan_summary_counts():
    s = _scores([("A", "X", 0.9), ("B", "X", 0.4), ("C", "Y", 0.1)])
    plan = m.meeting_plan(s, slots=1, max_per_company=1, min_score=0.3)
    table = m.plan_summary(plan, s, min_score=0.3)
    assert table.columns.tolist() == ["indicator", "value"]  # codes and numbers; the publishing side names them
    summary = table.set_index("indicator")["value"]
    assert summary["buyers"] == 3 and summary["buyers_relevant"] == 2 and summary["buyers_met"] == 1
    assert summary["meetings"] == 1 and summary["score_total"] == pytest.approx(0.9)
    fr = present.summary_with_labels(table).set_index("indicator")["label"]
    en = present.summary_with_labels(m.plan_summary(plan, s, min_score=0.25), lang="en").set_index("indicator")
    assert fr["buyers_relevant"] == "Acheteurs ayant au moins une paire pertinente (score ≥ 0,3)"
    assert en.loc["buyers_relevant", "label"] == "Buyers with at least one relevant pair (score ≥ 0.25)"
    assert en.columns.tolist() == ["label", "value"] and en.loc["meetings", "label"] == "Meetings"


# -------------------------------------------------------------------------------------------- supply/demand
def test_supply_demand_counts_flags_and_suppression():
    buyers = _people("A", [({"sante"}, "sante", "59", None), ({"sante", "numerique"}, "sante", "59", None),
                           (set(), None, "59", None)])
    companies = _people("E", [({"numerique"}, "numerique", "59", None)] * 6
                        + [({"immobilier"}, "immobilier", "59", None)] * 2)
    codes = m.supply_demand(buyers, companies)
    assert list(codes.columns) == m.SUPPLY_CODES  # codes and numbers; the publishing side adds the labels
    # the one small-group rule (issue 27): 2 buyers needing « santé » are withheld like 2 companies would be
    hidden = codes.set_index("segment")
    assert pd.isna(hidden.loc["sante", "n_buyers"]) and hidden.loc["sante", "buyers_suppressed"]
    assert hidden.loc["sante", "flag"] == "demande_sans_offre"  # some need and no offer: what a GT acts on
    assert pd.isna(hidden.loc["numerique", "n_buyers"]) and math.isnan(hidden.loc["numerique", "ratio"])
    assert hidden.loc["immobilier", "n_buyers"] == 0 and not hidden.loc["immobilier", "buyers_suppressed"]
    # a study that publishes its buyers' small groups (publish_small_groups: true) shows them
    codes = m.supply_demand(buyers, companies, ctx=OPT_IN)
    t = present.supply_with_labels(codes).set_index("segment")
    assert list(t.reset_index().columns) == m.SUPPLY_COLUMNS
    assert t.loc["sante", "n_buyers"] == 2 and t.loc["sante", "n_companies"] == 0
    assert t.loc["sante", "flag"] == "demande_sans_offre" and t.loc["sante", "flag_label"] == "Demande sans offre"
    assert t.loc["numerique", ["n_buyers", "n_companies"]].tolist() == [1, 6]
    assert t.loc["numerique", "ratio"] == pytest.approx(6.0) and t.loc["numerique", "flag"] == ""
    # 2 companies in immobilier: below min_cell, shown as suppressed (not as the number), flag still given.
    assert pd.isna(t.loc["immobilier", "n_companies"]) and t.loc["immobilier", "companies_suppressed"]
    assert math.isnan(t.loc["immobilier", "ratio"]) and t.loc["immobilier", "flag"] == "offre_sans_demande"
    assert t.loc["intellectuelles", "flag"] == "" and t.loc["intellectuelles", "n_companies"] == 0
    # Denominators: the buyer without any segment is out; every company answered.
    assert (t.buyers_base == 2).all() and (t.companies_base == 8).all()
    shown = present.format_supply_demand(t.reset_index()).set_index("Segment")
    assert shown.loc["Immobilier", "Entreprises ayant une offre"] == "<\u202f5 / 8"
    assert "2" not in shown.loc["Immobilier", "Entreprises ayant une offre"].split("/")[0]
    two = m.supply_demand(buyers, companies, ctx=Context(min_cell=2)).set_index("segment")
    assert two.loc["immobilier", "n_companies"] == 2


def test_supply_demand_options_and_english_labels():
    t = present.supply_with_labels(m.supply_demand(BUYERS, COMPANIES, ctx=Context(min_cell=1)), lang="en")
    assert t.label.tolist() == ["Health", "Intellectual services", "Digital services", "Real estate"]
    assert set(t.flag_label) <= {"", "Demand without supply", "Supply without demand"}
    with pytest.raises(ParameterError, match="langues possibles : fr, en"):
        present.supply_with_labels(m.supply_demand(BUYERS, COMPANIES), lang="de")
    with pytest.raises(ParameterError, match="min_cell"):
        m.supply_demand(BUYERS, COMPANIES, ctx=Context(min_cell=0))


def test_supply_reading_names_the_gaps_or_says_there_are_none():
    buyers = _people("A", [({"sante"}, "sante", "59", None)] * 2 + [({"numerique"}, "numerique", "59", None)])
    companies = _people("E", [({"numerique"}, "numerique", "59", None)] * 6
                        + [({"immobilier"}, "immobilier", "59", None)])
    text = present.supply_text(present.supply_with_labels(m.supply_demand(buyers, companies)))
    assert "**Demande sans offre** : Santé (moins de 5 acheteurs)." in text  # 2 buyers: withheld (issue 27)
    assert "**Offre sans demande** : Immobilier." in text
    text = present.supply_text(present.supply_with_labels(m.supply_demand(buyers, companies, ctx=OPT_IN)))
    assert "**Demande sans offre** : Santé (2 acheteurs)." in text  # the study's choice
    assert "Services numériques (6,0 entreprises par acheteur)" in text
    both = _people("E", [({"sante", "numerique", "immobilier", "intellectuelles"}, "sante", "59", None)] * 5)
    buyers_all = _people("A", [({"sante", "numerique", "immobilier", "intellectuelles"}, "sante", "59", None)])
    assert present.supply_text(present.supply_with_labels(m.supply_demand(buyers_all, both), lang="en"),
                               lang="en").startswith(
        "Every segment has both needs and offers.")


def test_no_company_gives_no_pair_and_an_empty_plan():
    s = m.score_pairs(BUYERS, COMPANIES.iloc[0:0])
    assert s.empty and list(s.columns) == m.SCORE_COLUMNS
    plan = m.meeting_plan(s)
    assert plan.empty and list(plan.columns) == m.PLAN_COLUMNS


def test_meeting_wave_is_the_latest_common_wave_unless_asked_and_none_with_one_population():
    t = {"buyers": pd.DataFrame({"wave": [2017, 2019, 2021]}), "companies": pd.DataFrame({"wave": [2017, 2019]})}
    assert m.meeting_wave(t) == 2019
    assert m.meeting_wave(t, 2017) == 2017
    assert m.meeting_wave(t, 2021) == 2019  # not common: the latest common wave
    assert m.meeting_wave({"buyers": t["buyers"], "companies": pd.DataFrame({"wave": []})}) is None
    assert m.meeting_wave({"buyers": t["buyers"]}) is None


def test_score_parts_says_which_parts_the_exports_allow():
    full = pd.DataFrame({"segment": ["sante"], "description": ["Télésurveillance"], "departement": ["59"]})
    bare = pd.DataFrame({"respondent_id": ["A-1"]})
    assert m.score_parts(full, full) == {"segment": True, "text": True, "proximity": True}
    assert m.score_parts(full, bare) == {"segment": False, "text": False, "proximity": False}
    assert m.score_parts(full, full.assign(description=[""]))["text"] is False
