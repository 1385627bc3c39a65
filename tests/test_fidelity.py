"""True to the restitution: every barrier, remedy, solution and objective label is found in the seed's own text.

The seed (``../shared/seeds/*.txt``) is the working group's 2017 restitution as extracted text: line breaks fall
anywhere, words are cut with a hyphen at line ends, apostrophes are curly. Both sides are normalised (case, accents,
apostrophes, arrows, spacing, a space before « ? ! : ; ») before searching. A label with a quote in brackets
(« Méconnaissance → désintérêt (« L'innovation, on n'en a pas besoin ! ») ») is checked piece by piece.

The counts are the seed's (7 / 6 barriers, 2 / 3 remedies, 9 solutions, 5 objectives): they count the items
taken from the restitution. An item added later, not in the restitution, carries ``seed: false`` in the codebook
(README, « Étendre l'étude ») and is left out of both checks.
"""
import re

import pytest

from etude import paths
from etude.survey import codebook, reference

SEED_COUNTS = {("buyers", "barriers"): 7, ("companies", "barriers"): 6,
               ("buyers", "remedies"): 2, ("companies", "remedies"): 3}
SEED_SOLUTIONS = 9
SEED_OBJECTIVES_2018 = 5


def _fold(text: str) -> str:
    text = re.sub(r"-[ \t]*\n\s*", "-", text)  # « sous-\n\ngroupe » → « sous-groupe »
    text = codebook.normalise(text)
    return re.sub(r"\s+([?!:;,.])", r"\1", text)


@pytest.fixture(scope="module")
def seed() -> str:
    files = sorted((paths.shared_dir() / "seeds").glob("*.txt"))
    if not files:
        pytest.skip(f"no seed text in {paths.shared_dir() / 'seeds'} (../shared is not beside the repository)")
    return _fold("\n".join(f.read_text(encoding="utf-8") for f in files))


def _pieces(label: str) -> list[str]:
    """The label cut at brackets, without list punctuation at the ends."""
    return [p.strip(" ;.") for p in re.split(r"\s*[()]\s*", label) if p.strip(" ;.")]


def _seed_items(population: str, question: str) -> list[dict]:
    items = codebook.load()["questionnaires"][population]["questions"].get(question, {}).get("items", [])
    return [it for it in items if it.get("seed", True)]


@pytest.mark.parametrize("population, question", list(SEED_COUNTS))
def test_codebook_labels_are_in_the_seed(seed, population, question):
    items = _seed_items(population, question)
    assert items, (population, question)
    for it in items:
        for piece in _pieces(it["label_fr"]):
            assert _fold(piece) in seed, (it["code"], piece)


@pytest.mark.parametrize("population, question", list(SEED_COUNTS))
def test_counts_are_the_seeds(population, question):
    assert len(_seed_items(population, question)) == SEED_COUNTS[(population, question)]


def test_professionnalisation_and_soutien_hierarchique_are_remedies_not_barriers():
    barriers = " | ".join(it["label_fr"] for it in _seed_items("buyers", "barriers"))
    remedies = [it["label_fr"] for it in _seed_items("buyers", "remedies")]
    assert "Professionnalisation" not in barriers and "hiérarchique" not in barriers
    assert remedies == ["Soutien hiérarchique", "Professionnalisation"]
    assert _seed_items("buyers", "barriers")[0]["label_fr"] == "Manque de soutien à l'achat d'innovation"


@pytest.mark.parametrize("prefix, count", [("solution_2018_", SEED_SOLUTIONS), ("objectif_2018_", SEED_OBJECTIVES_2018),
                                           ("note_2018_", 1)])
def test_reference_texts_are_the_seeds_word_for_word(seed, prefix, count):
    texts = reference.gt_texts(prefix)
    assert len(texts) == count
    assert (texts["status"] == "published").all() and texts["source"].str.contains("restitution").all()
    for code, text in zip(texts["code"], texts["text"]):
        for piece in _pieces(text):
            assert _fold(piece) in seed, (code, piece)


def test_the_seed_lists_the_remedies_after_pour_y_remedier(seed):
    """The layout the codebook follows: barriers, a quote, « Pour y remédier : », the remedies."""
    assert seed.count(_fold("Pour y remédier")) == 2
    companies = seed[seed.index(_fold("côté entreprises")):]
    after = companies[companies.index(_fold("Pour y remédier")):]
    for it in _seed_items("companies", "remedies"):
        assert _fold(it["label_fr"]) in after, it["code"]
