"""etude.publish.present.limits: the sentences notebooks 04–06 show when a study's shape prevents a computation."""
import pandas as pd

from etude.publish import present


def test_matching_says_it_needs_both_populations_and_which_wave_it_shows():
    buyers = pd.DataFrame({"wave": [2017, 2019]})
    only = {"buyers": buyers, "companies": pd.DataFrame({"wave": []})}
    assert "a besoin des deux questionnaires" in present.matching_wave_text(only, 0)
    assert "acheteurs publics" in present.matching_wave_text(only, 0)
    both = {"buyers": buyers, "companies": pd.DataFrame({"wave": [2017]})}
    assert present.matching_wave_text(both, 0) == ("Vagues de l'étude : 2017, 2019. Les répondants rapprochés "
                                                   "sont ceux de la vague 2017 (la dernière vague commune aux deux "
                                                   "questionnaires).")
    assert "La vague 2019 demandée n'est pas commune" in present.matching_wave_text(both, 2019)
    apart = {"buyers": pd.DataFrame({"wave": [2019]}), "companies": pd.DataFrame({"wave": [2017]})}
    assert "aucune vague commune" in present.matching_wave_text(apart, 0, lang="fr")


def test_score_parts_text_names_each_part_that_counts_zero():
    assert present.score_parts_text({"segment": True, "text": True, "proximity": True}) == ""
    one = present.score_parts_text({"segment": True, "text": True, "proximity": False}, lang="en")
    assert one.startswith("Reduced score: the part “proximity”") and " is 0 " in one
    assert present.score_parts_text({}).startswith("Aucune part de la note")


def test_wave_sentences_of_notebook_04():
    one = pd.DataFrame({"wave": [2019, 2019]})
    assert present.single_wave_text("buyers", one) == ("Acheteurs publics : une seule vague dans l'étude (2019) — pas "
                                                       "d'évolution entre vagues à calculer.")
    assert "aucun répondant" in present.single_wave_text("companies", None)
    three = pd.DataFrame({"wave": [2017, 2019, 2021]})
    text = present.change_pairs_text("buyers", three)
    assert text == ("Acheteurs publics : vagues 2017, 2019, 2021 ; évolution détaillée 2019 → 2021 (les deux "
                    "dernières vagues), et aussi 2017 → 2019, 2017 → 2021.")
    assert present.change_pairs_text("buyers", three, 2017, 2021).endswith(
        "détaillée 2017 → 2021, et aussi 2017 → 2019, 2019 → 2021.")
    assert present.change_pairs_text("buyers", three, 2017, 2018, lang="en").endswith(
        "The requested pair 2017 → 2018 does not exist for public buyers: their last two waves are shown.")
    assert present.change_pairs_text("buyers", one).startswith("Acheteurs publics : une seule vague")


def test_grid_title_in_both_languages():
    assert present.grid_title("companies", "items") == "Entreprises innovantes : freins cités à chaque vague"
    assert present.grid_title("buyers", "themes", "en") == "Public buyers: barrier themes cited in each wave"


def test_plan_method_text_says_which_method_planned_the_meetings_in_both_languages():
    from etude.analysis import matching
    scores = pd.DataFrame({"buyer_id": ["A", "A", "B", "B"], "company_id": ["X", "Y", "X", "Y"],
                           "score": [0.9, 0.6, 0.8, 0.5]})
    exact = matching.meeting_plan(scores, slots=1, max_per_company=1, min_score=0.3)
    assert present.plan_method_text(exact) == ("Plan exact (4 paires pertinentes, programmation linéaire en "
                                               "nombres entiers) : il est optimal.")
    assert present.plan_method_text(exact, lang="en") == ("Exact plan (4 relevant pairs, mixed-integer "
                                                          "programming): it is optimal.")
    greedy = matching.meeting_plan(scores, slots=1, max_per_company=1, min_score=0.3, exact_max_pairs=2)
    assert greedy.attrs["plan_method"] == "greedy"
    gap = greedy.attrs["optimality_gap"]
    fr, en = present.plan_method_text(greedy), present.plan_method_text(greedy, lang="en")
    assert fr.startswith("Plan glouton (4 paires pertinentes, au-delà des 2 du plan exact) : au plus ")
    assert fr.endswith(" sous l'optimum (borne de relaxation linéaire).")
    assert en.startswith("Greedy plan (4 relevant pairs, above the exact plan's limit of 2): at most ")
    assert en.endswith(" below the optimum (linear-relaxation bound).")
    shown = float(en.split("at most ")[1].split("%")[0]) / 100
    assert gap <= shown < gap + 0.001 + 1e-12  # rounded up: « au plus » stays true


def test_plan_method_text_rounds_the_gap_up_and_says_when_there_is_nothing_to_plan():
    def greedy(gap):
        return {"plan_method": "greedy", "n_candidates": 25_000, "exact_max_pairs": 20_000, "optimality_gap": gap}
    assert "au plus 0,8\u202f% sous" in present.plan_method_text(greedy(0.0075))
    assert "au plus 0,9\u202f% sous" in present.plan_method_text(greedy(0.0081))
    assert "au plus 0,0\u202f% sous" in present.plan_method_text(greedy(0.0))
    assert "25\u202f000 paires" in present.plan_method_text(greedy(0.0))
    assert "at most 0.1% below" in present.plan_method_text(greedy(0.0004), lang="en")
    assert "25,000 relevant pairs" in present.plan_method_text(greedy(0.0), lang="en")
    empty = {"plan_method": "exact", "n_candidates": 0, "optimality_gap": 0.0}
    assert present.plan_method_text(empty) == "Aucune paire pertinente : aucun rendez-vous à planifier."
    assert present.plan_method_text(empty, lang="en") == "No relevant pair: no meeting to plan."
