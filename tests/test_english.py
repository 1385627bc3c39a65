"""English runs speak English (issue 25 « Done when », issue 29 item 6): every catalogue entry translated, no French
word or number format in the English catalogue, and none in an English demo run's deliverables — outside the
2017 restitution's own words, citations and proper names (``tests/english_scan.py`` says what counts)."""
import re
import string

import english_scan as es
import pytest

from etude import paths, words
from etude.survey import reference

#: Entries written the same in French and in English, and why.
SAME_IN_BOTH = {
    # words spelt alike in both languages
    "common.item", "common.population", "tables.frequencies.item", "tables.profile.total",
    "tables.wave_counts.population", "tables.indicators.source", "tables.supply_demand.segment",
    "tables.plan.segment", "tables.plan.score", "tables.scores.part", "tables.scores.max", "columns.population",
    "columns.item", "columns.item_a", "columns.item_b", "columns.code", "columns.score", "columns.test",
    "columns.note", "columns.source",
    "workbook.sources", "report.figure", "report.notebook", "safety.finding_item", "safety.at_image",
    "safety.at_picture", "safety.at_notes", "safety.at_page", "decp.columns.source", "weights.col_population",
    "weights.col_source", "decp.columns.n_records",
    # proper names: methods named after their authors, series named after their producers
    "common.holm", "common.fdr_bh", "common.bonferroni", "codes.fisher", "decp.method.wilson", "plots.ci_method.wilson",
    "plots.ci_method.agresti_coull", "plots.ci_method.beta", "plots.ci_method.jeffreys", "plots.ci_method.normal",
    "tables.series.gt_orcp",
}


def _forms(entry) -> list[str]:
    return list(entry.values()) if isinstance(entry, dict) else [entry]


def _words_of(text: str) -> list[str]:
    """The words of an entry outside its placeholders."""
    bare = "".join(literal for literal, *_ in string.Formatter().parse(text))
    return re.findall(r"[^\W\d_]{2,}", bare)


def test_every_french_entry_has_its_english_translation():
    fr, en = words.catalogue("fr"), words.catalogue("en")
    same = {k for k in fr.keys() & en.keys() if fr[k] == en[k] and any(_words_of(f) for f in _forms(fr[k]))}
    assert not same - SAME_IN_BOTH, f"entries left in French in en.yaml: {sorted(same - SAME_IN_BOTH)}"
    assert not SAME_IN_BOTH - same, f"no longer the same, drop from SAME_IN_BOTH: {sorted(SAME_IN_BOTH - same)}"


def test_the_english_catalogue_has_no_french_word_quote_or_number():
    found = {key: hits for key, entry in words.catalogue("en").items() for form in _forms(entry)
             if (hits := es.french_in(form))}
    assert not found, found


def test_every_unit_of_a_reference_figure_has_its_words():
    ref = reference.load_reference()
    units = set(ref.loc[ref["value"].notna(), "unit"]) - {"share", "rel_change", "pt_change"}
    for lang in words.LANGS:
        assert units <= set(words.area("reference.unit_names", lang)), units - set(
            words.area("reference.unit_names", lang))
        assert all(words.has(f"reference.unit_values.{u}", lang) for u in units)


def test_the_scan_finds_french_and_spares_the_restitution_citations_and_proper_names():
    assert es.french_in("Les acheteurs citent 48,1 % des freins.")  # words, a decimal comma, a space before %
    assert es.french_in("the « No time » barrier") and es.french_in("1\u202f234 buyers")
    assert not es.french_in("144,796 contracts; 48.1% of buyers; €72.2bn; Hauts-de-France, Pas-de-Calais")
    assert not es.french_in("Sources: GT “Innovation & commande publique” (ORCP Hauts-de-France), restitution des "
                            "travaux 2017; Banque des Territoires")
    assert not es.french_in("tables/freins.csv, reponses_acheteurs, A-7b3f4c640237c3d2")  # files, codes, ids
    if list((paths.shared_dir() / "seeds").glob("*.txt")):
        assert not es.french_in("the findings write “Pour y remédier :” (to remedy them)")
    assert es.french_in("they wrote “pour les acheteurs et entreprises du futur”")  # not the restitution's words


@pytest.fixture(scope="module")
def english_run(tmp_path_factory):
    """One ``etude reproduce --lang en`` of the demo study."""
    from bad_inputs import runs
    proc = runs.etude("reproduce", "--lang", "en", "--out", str(tmp_path_factory.mktemp("english_run")))
    assert proc.returncode == 0, f"etude reproduce --lang en a échoué :\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return runs.run_folder(proc)


@pytest.mark.slow
def test_an_english_run_has_no_french_in_its_deliverables(english_run):
    if not list((paths.shared_dir() / "seeds").glob("*.txt")):
        pytest.skip(f"no seed text in {paths.shared_dir() / 'seeds'}: the restitution's quotations cannot be told")
    texts = es.deliverables(english_run)
    found = {name: es.french_in(text) for name, text in texts.items()}
    assert not any(found.values()), "\n".join(f"{name}: {line}" for name, lines in found.items() for line in lines)
    slides = texts["slides.html"]
    assert "Key findings" in slides and "Thank you for your attention!" in slides  # the deck's frame, in English
    # a reference label in English (in the report: the deck says these counts once, on the respondents' slide)
    assert "Buyers' answers to the survey of needs: published, 27 in 2017" in texts["report.html"]
    assert "144,796 contracts" in texts["report.html"]  # an English number with its unit in English
