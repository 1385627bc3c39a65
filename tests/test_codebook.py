"""The codebook is machine-readable, complete, and says exactly what the seed says."""
import pytest

from etude.survey import codebook

# The seed's counts (7 buyer and 6 company barriers, 2 and 3 remedies) are checked against the seed text itself in
# tests/test_fidelity.py; here counts are read from the codebook, so adding an item needs no test change.


def test_seed_labels_are_there_word_for_word():
    labels = " | ".join([*codebook.items("buyers")["label_fr"], *codebook.items("companies")["label_fr"]])
    for seed_label in ["Freins financiers", "Pas de temps à y consacrer", "Absence de données",
                       "Pas de définition pratique de l'innovation", "Craintes juridiques",
                       "Méconnaissance de l'administration", "Manque de moyens pour répondre",
                       "Craintes concernant les délais de paiement", "Désintérêt pour les marchés publics",
                       "Méconnaissance des processus d'achat public et de leur formalisme"]:
        assert seed_label in labels


def test_every_item_is_complete_and_codes_are_unique():
    cb = codebook.load()
    all_codes = []
    for population in codebook.populations():
        for question in cb["questionnaires"][population]["questions"]:
            it = codebook.items(population, question)
            for col in ["code", "label_fr", "label_en", "short_fr", "short_en"]:
                assert it[col].map(lambda s: isinstance(s, str) and s.strip() != "").all(), (population, question, col)
            if question == "barriers":
                assert it["rationale"].notna().all()
            all_codes += list(it["code"]) if question != "segments" else []  # segments: shared by both sides
    assert len(all_codes) == len(set(all_codes))


def test_every_barrier_has_a_known_theme_and_rationale():
    tm = codebook.theme_map()
    assert set(tm["theme"]) <= set(codebook.themes()["code"])
    assert tm["theme_label"].notna().all()
    assert len(tm) == len(codebook.items("buyers")) + len(codebook.items("companies"))


def test_themes_shared_by_both_sides():
    tm = codebook.theme_map()
    shared = set(tm.loc[tm.population == "buyers", "theme"]) & set(tm.loc[tm.population == "companies", "theme"])
    assert shared == {"information", "moyens", "juridique", "interet"}


@pytest.mark.parametrize("raw, code", [("Etat", "etat"), ("État", "etat"), ("  services de l'etat ", "etat"),
                                       ("Services de l’État", "etat"), ("collectivites", "collectivite"),
                                       ("Hôpital", "sante"), ("n'importe quoi", None), ("", None)])
def test_buyer_type_synonyms(raw, code):
    assert codebook.match_value("buyers", "buyer_type", raw) == code


def test_organisation_synonyms():
    assert codebook.match_value("buyers", "organisation", "CD 62") == "cd62"
    assert codebook.match_value("buyers", "organisation", "Conseil départemental du Pas-de-Calais") == "cd62"


def test_departement_codes_are_strings():
    vals = codebook.attribute_values("companies", "departement")
    assert list(vals["code"]) == ["02", "59", "60", "62", "80"]
    assert codebook.match_value("companies", "departement", "Nord (59)") == "59"


def test_match_item_on_label_short_label_and_synonym():
    assert codebook.match_item("buyers", "barriers", "FREINS FINANCIERS") == "b_financier"
    assert codebook.match_item("buyers", "barriers", "Méconnaissance -> Désintérêt") == "b_desinteret"
    assert codebook.match_item("companies", "barriers", "Délais de paiement") == "e_delais"
    assert codebook.match_item("companies", "barriers", "Freins financiers") is None


def test_labels_in_both_languages():
    assert codebook.label("b_temps") == "Pas de temps à y consacrer"
    assert codebook.label("b_temps", lang="en", short=True) == "No time"
    assert codebook.label("information", lang="en") == "Information and knowledge"
    assert codebook.label("buyers") == "Acheteurs publics"
    with pytest.raises(KeyError):
        codebook.label("nope")
    with pytest.raises(ValueError):
        codebook.label("b_temps", lang="de")


def test_unknown_population_is_a_clear_error():
    with pytest.raises(ValueError, match="buyers"):
        codebook.items("acheteurs")


def test_normalise_folds_case_accents_and_punctuation():
    assert codebook.normalise("  Services de l’ÉTAT ") == "services de l'etat"
    assert codebook.normalise("A — B") == "a - b"
