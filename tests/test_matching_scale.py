"""The size switch of the meeting plan (issue 28.9): above ``max_pairs`` pairs, scores and plans on profiles.

Tiny explicit fixtures, forced onto the large-study path with ``max_pairs=0``: the profile scores are the pair
scores; the profile plan is feasible (capacities, slots, relevant pairs only, nobody twice with the same
counterpart); its stated bounds hold against the exact plan of the same respondents.
"""
import numpy as np
import pandas as pd
import pytest

from etude.analysis import matching as m
from etude.analysis import profiles
from etude.publish import present

DESCRIPTIONS = ["Télésurveillance des patients", "Jumeau numérique des bâtiments", "Plateforme de rendez-vous",
                "", "Capteurs connectés pour la maintenance"]


def _people(prefix: str, n: int, seed: int) -> pd.DataFrame:
    """``n`` respondents drawn from small pools, so that several share a profile."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"respondent_id": [f"{prefix}-{k:02d}" for k in range(n)],
                       "segment": rng.choice(m.SEGMENTS[:3], n), "departement": rng.choice(["59", "62", None], n),
                       "description": rng.choice(DESCRIPTIONS, n)})
    for s in m.SEGMENTS:
        df[f"seg_{s}"] = pd.array([bool(x) for x in (df["segment"] == s) | (rng.random(n) < 0.2)], dtype="boolean")
    return df


def _check_feasible(plan: pd.DataFrame, slots: int, cap: int, min_score: float) -> None:
    assert not plan.duplicated(["buyer_id", "company_id"]).any()
    assert plan["buyer_id"].value_counts().max() <= slots and plan["company_id"].value_counts().max() <= cap
    assert plan["slot"].between(1, slots).all()
    assert not plan.duplicated(["buyer_id", "slot"]).any() and not plan.duplicated(["company_id", "slot"]).any()
    assert (plan["score"] >= min_score).all()


def test_below_the_switch_scores_are_pairs_above_profiles():
    b, c = _people("A", 6, 1), _people("E", 5, 2)
    assert list(m.score_pairs(b, c).columns) == m.SCORE_COLUMNS
    assert list(m.score_pairs(b, c, max_pairs=30).columns) == m.SCORE_COLUMNS            # 30 pairs ≤ 30
    assert list(m.score_pairs(b, c, max_pairs=29).columns) == m.PROFILE_COLUMNS


def test_profile_scores_are_the_pair_scores():
    b, c = _people("A", 30, 3), _people("E", 20, 4)
    pairs, prof = m.score_pairs(b, c), m.score_pairs(b, c, max_pairs=0)
    assert prof["n_pairs"].sum() == len(pairs) == 600 and len(prof) < 600
    bp = dict(zip(prof.attrs["buyer_ids"].split("\n"), map(int, prof.attrs["buyer_profile"].split(","))))
    cp = dict(zip(prof.attrs["company_ids"].split("\n"), map(int, prof.attrs["company_profile"].split(","))))
    at = prof.set_index(["buyer_profile", "company_profile"])
    got = at.loc[list(zip(pairs["buyer_id"].map(bp), pairs["company_id"].map(cp)))]
    for col in ("score", "score_segment", "score_text", "score_proximity"):
        np.testing.assert_allclose(got[col].to_numpy(), pairs[col].to_numpy(), atol=1e-12)
    assert got["segment"].fillna("-").tolist() == pairs["segment"].fillna("-").tolist()


def test_profile_summary_and_score_table_count_respondents_and_pairs():
    b, c = _people("A", 12, 5), _people("E", 9, 6)
    pairs, prof = m.score_pairs(b, c), m.score_pairs(b, c, max_pairs=0)
    plan = m.meeting_plan(prof, slots=2, max_per_company=2, min_score=0.3)
    by_pairs = m.plan_summary(plan, pairs, min_score=0.3).set_index("indicator")["value"]
    by_profiles = m.plan_summary(plan, prof, min_score=0.3).set_index("indicator")["value"]
    assert by_profiles.to_dict() == by_pairs.to_dict()
    pd.testing.assert_frame_equal(present.format_scores(prof, min_score=0.3),
                                  present.format_scores(pairs, min_score=0.3))


@pytest.mark.parametrize("seed,slots,cap", [(0, 1, 1), (1, 2, 1), (2, 2, 2), (3, 3, 2), (4, 4, 3), (5, 1, 3)])
def test_profile_plan_is_feasible_and_its_bounds_hold_the_exact_optimum(seed, slots, cap):
    b, c = _people("A", 10, 10 + seed), _people("E", 7, 20 + seed)
    exact = m.meeting_plan(m.score_pairs(b, c), slots=slots, max_per_company=cap, min_score=0.3)
    plan = m.meeting_plan(m.score_pairs(b, c, max_pairs=0), slots=slots, max_per_company=cap, min_score=0.3)
    _check_feasible(plan, slots, cap, 0.3)
    info = plan.attrs
    assert info["plan_method"] == "greedy" and info["heuristic"] == "profiles"
    assert exact.attrs["plan_method"] == "exact" and info["n_candidates"] == exact.attrs["n_candidates"]
    # the coverage bound is the exact optimum; the score bound is at least the exact plan's total
    assert exact["buyer_id"].nunique() == info["bound_buyers_met"] >= plan["buyer_id"].nunique()
    assert exact["score"].sum() <= info["bound_score_total"] + 1e-9
    assert 0 <= info["gap_score_total"] == pytest.approx(1 - plan["score"].sum() / info["bound_score_total"])
    assert info["optimality_gap"] == max(info["gap_buyers_met"], info["gap_score_total"])


def test_profile_plan_meets_everybody_when_profiles_fit_exactly():
    # two identical buyers, two identical companies, one slot each: both meet, and the gap is 0
    b = pd.DataFrame({"respondent_id": ["A-1", "A-2"], "segment": ["sante", "sante"]})
    c = pd.DataFrame({"respondent_id": ["E-1", "E-2"], "segment": ["sante", "sante"]})
    plan = m.meeting_plan(m.score_pairs(b, c, max_pairs=0), slots=1, max_per_company=1, min_score=0.3)
    assert sorted(map(tuple, plan[["buyer_id", "company_id"]].values)) == [("A-1", "E-1"), ("A-2", "E-2")]
    assert plan.attrs["optimality_gap"] == 0.0 and list(plan.columns) == m.PLAN_COLUMNS


def test_profile_plan_with_no_relevant_pair_is_empty():
    b, c = _people("A", 4, 7), _people("E", 3, 8)
    plan = m.meeting_plan(m.score_pairs(b, c, max_pairs=0), min_score=1.01)
    assert plan.empty and list(plan.columns) == m.PLAN_COLUMNS and plan.attrs["n_candidates"] == 0


def test_spread_skips_a_company_already_met_and_never_exceeds_its_capacity():
    # one buyer profile of 1 buyer, one company profile of 2 companies, 2 meetings: two different companies
    bi, ci, _ = profiles.spread_meetings(np.array([[2]]), np.array([[0.9]]), [np.array([0])], [np.array([0, 1])],
                                         cap=1)
    assert sorted(ci.tolist()) == [0, 1] and bi.tolist() == [0, 0]
    # 3 meetings asked but only 2 companies of capacity 1: the third is dropped, the plan stays feasible
    bi, ci, _ = profiles.spread_meetings(np.array([[3]]), np.array([[0.9]]), [np.array([0, 1, 2])],
                                         [np.array([0, 1])], cap=1)
    assert len(ci) == 2 and len(set(ci.tolist())) == 2
