"""etude.present.limits: the sentences notebooks 04–06 show when a study's shape prevents a computation."""
import pandas as pd

from etude import present


def test_matching_says_it_needs_both_populations_and_which_wave_it_shows():
    buyers = pd.DataFrame({"wave": [2017, 2019]})
    only = {"buyers": buyers, "companies": pd.DataFrame({"wave": []})}
    assert "a besoin des deux questionnaires" in present.matching_wave_text(only, 0)
    assert "acheteurs publics" in present.matching_wave_text(only, 0)
    both = {"buyers": buyers, "companies": pd.DataFrame({"wave": [2017]})}
    assert present.matching_wave_text(both, 0) == ("Vagues de l'étude : 2017, 2019. Ce carnet rapproche les "
                                                   "répondants de la vague 2017 (la dernière vague commune aux deux "
                                                   "questionnaires).")
    assert "La vague 2019 demandée n'est pas commune" in present.matching_wave_text(both, 2019)
    apart = {"buyers": pd.DataFrame({"wave": [2019]}), "companies": pd.DataFrame({"wave": [2017]})}
    assert "aucune vague commune" in present.matching_wave_text(apart, 0, lang="fr")


def test_score_parts_text_names_each_part_that_counts_zero():
    assert present.score_parts_text({"segment": True, "text": True, "proximity": True}) == ""
    one = present.score_parts_text({"segment": True, "text": True, "proximity": False}, lang="en")
    assert one.startswith("Reduced score: the part « proximity »") and " is 0 " in one
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
