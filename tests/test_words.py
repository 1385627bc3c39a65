"""The catalogue of words: the same keys and placeholders in every language, plural forms, lookups."""
import re
import string

import pytest

from etude import words
from etude.errors import ParameterError


def _placeholders(entry) -> set[str]:
    forms = entry.values() if isinstance(entry, dict) else [entry]
    return {name for form in forms for _, name, _, _ in string.Formatter().parse(form) if name}


def test_every_key_is_in_every_language():
    keys = {lang: set(words.catalogue(lang)) for lang in words.LANGS}
    for lang in words.LANGS:
        for other in words.LANGS:
            missing = sorted(keys[other] - keys[lang])
            assert not missing, f"missing in {lang}.yaml: {missing[:20]}"


def test_placeholders_are_the_same_in_every_language():
    fr, en = words.catalogue("fr"), words.catalogue("en")
    differ = {k: (_placeholders(fr[k]), _placeholders(en[k])) for k in fr.keys() & en.keys()
              if _placeholders(fr[k]) != _placeholders(en[k])}
    assert not differ, differ


def test_plural_entries_have_their_forms_in_both_languages():
    for lang in words.LANGS:
        for key, entry in words.catalogue(lang).items():
            if isinstance(entry, dict):
                assert {"one", "other"} <= set(entry), (lang, key)


def test_french_and_english_plural_rules_come_from_cldr():
    # French: 0 and 1 are singular; English: only 1
    assert words.text("common.respondent_count", "fr", count=0) == "0 répondant"
    assert words.text("common.respondent_count", "en", count=0) == "0 respondents"
    assert words.text("common.respondent_count", "fr", count=2) == "2 répondants"
    assert words.text("common.respondent_count", "fr", count=1500) == "1\u202f500 répondants"


def test_a_missing_key_names_itself_and_the_language():
    with pytest.raises(KeyError, match="nope.nothing.*en catalogue"):
        words.text("nope.nothing", "en")
    with pytest.raises(ParameterError):
        words.text("common.yes", "de")


def test_codes_and_status():
    assert words.label("too_few", "en", min_cell=3) == "withheld (small groups, threshold 3)"
    assert words.label(None) == "" and words.label(float("nan")) == ""
    assert words.data_status(True) == "Données simulées — ne pas citer"


def test_no_entry_is_left_empty_or_carries_a_stray_brace():
    for lang in words.LANGS:
        for key, entry in words.catalogue(lang).items():
            for form in entry.values() if isinstance(entry, dict) else [entry]:
                assert form.strip(), (lang, key)
                assert not re.search(r"(?<!\{)\{(?![a-z_0-9]*\})", form), (lang, key, form)
