"""Privacy at the door: salted pseudonyms, contact details removed from free text, nothing raw in the tables."""
import re

import pandas as pd
import pytest

from etude import paths, survey
from etude.survey import demo, privacy


@pytest.mark.parametrize("text", [
    "0353011234", "03 53 01 12 34", "03.53.01.12.34", "03-53-01-12-34", "06 39 98 00 01",
    "+33 3 53 01 12 34", "+33 (0)3 53 01 12 34", "+333 53 01 12 34", "0033 3 53 01 12 34", "+33.6.39.98.00.01",
])
def test_french_phone_numbers_are_removed(text):
    assert privacy.scrub_text(f"Appelez le {text} merci") == "Appelez le [téléphone supprimé] merci"


@pytest.mark.parametrize("text", ["jeanne.martin@example.org", "J.Martin+ami@sous.domaine.example.fr",
                                  "jeanne [at] example.org"])
def test_email_addresses_are_removed(text):
    assert privacy.scrub_text(f"Écrire à {text}.") == "Écrire à [courriel supprimé]."


@pytest.mark.parametrize("text", ["Vague 2017 et 2018", "Budget de 1 234 567 €", "SIRET 00012345678901",
                                  "Code postal 59000", "Le 20/11/2017 à Euratechnologies", "Un, deux ; trois"])
def test_ordinary_text_is_kept(text):
    assert privacy.scrub_text(text) == text


def test_scrub_text_leaves_missing_values_alone():
    assert privacy.scrub_text(None) is None
    assert pd.isna(privacy.scrub_text(float("nan")))


def test_pseudonyms_are_stable_salted_and_well_formed():
    a = privacy.pseudonymise(["R1", "R2", "R1"], "A", salt="sel-1")
    assert a[0] == a[2] != a[1]
    assert all(re.fullmatch(privacy.PSEUDONYM_PATTERN, p) for p in a)
    assert privacy.pseudonymise(["R1"], "A", salt="sel-1") == a[:1]  # same salt, same pseudonym
    assert privacy.pseudonymise(["R1"], "A", salt="sel-2") != a[:1]  # another salt, unlinkable
    assert privacy.pseudonymise(["R1"], "E", salt="sel-1")[0].startswith("E-")
    with pytest.raises(ValueError, match="capital letter"):
        privacy.pseudonymise(["R1"], "acheteur", salt="s")


def test_salt_comes_from_the_environment_first(monkeypatch, tmp_path):
    monkeypatch.setenv("ETUDE_ROOT", str(tmp_path))
    monkeypatch.setenv(privacy.SALT_ENV, "05bf05fffcf3e29f80af6873c8164ebbb345445f76acc6be6022074b505cd75c")
    assert privacy.load_salt() == b"05bf05fffcf3e29f80af6873c8164ebbb345445f76acc6be6022074b505cd75c"
    assert not (tmp_path / privacy.SALT_FILE).exists()


def test_salt_file_is_generated_once_outside_git(monkeypatch, tmp_path):
    monkeypatch.setenv("ETUDE_ROOT", str(tmp_path))
    monkeypatch.delenv(privacy.SALT_ENV, raising=False)
    with pytest.raises(FileNotFoundError):
        privacy.load_salt(create=False)
    first = privacy.load_salt()
    assert len(first) == 64 and (tmp_path / privacy.SALT_FILE).exists()
    assert privacy.load_salt() == first
    gitignore = (paths.PACKAGE_DIR.parents[1] / ".gitignore").read_text(encoding="utf-8").split()
    assert privacy.SALT_FILE in gitignore


def test_loaded_ids_are_stable_across_runs_and_change_with_the_salt(monkeypatch):
    monkeypatch.setenv(privacy.SALT_ENV, "def1e6cbe9aaa8e1914d55e0579b6b5f87879b63fc2d469175fd1a51726ed5de")
    first = survey.load_study()["buyers"]["respondent_id"].tolist()
    assert survey.load_study()["buyers"]["respondent_id"].tolist() == first
    monkeypatch.setenv(privacy.SALT_ENV, "e323bee51802c3f7d547838f9a4fed1684934047febcd52a2cbf1c97aef7e5d1")
    assert set(survey.load_study()["buyers"]["respondent_id"]).isdisjoint(first)


def test_no_raw_identifier_reaches_the_respondent_table():
    tables = survey.load_study()
    for population in ["buyers", "companies"]:
        text = tables[population].astype(str).to_csv(index=False)
        for wave in [2017, 2018]:
            raw = demo.simulate(population, wave)
            cols = ["respondent_id", "email", "name", "phone"] + (["company", "siret"] if population == "companies"
                                                                  else [])
            for col in cols:
                for value in raw[col]:
                    if col == "respondent_id" and len(value) < 4:
                        continue  # "1", "12"… appear as substrings of anything
                    assert value not in text, (population, col, value)
        comments = tables[population]["comment"].dropna()
        assert comments.str.contains("supprimé").any()
        assert not comments.str.contains("@|example\\.org|\\d{2} \\d{2} \\d{2}").any()


def test_processes_starting_together_agree_on_one_salt(monkeypatch, tmp_path):
    import concurrent.futures
    monkeypatch.setenv("ETUDE_ROOT", str(tmp_path))
    monkeypatch.delenv(privacy.SALT_ENV, raising=False)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        salts = set(pool.map(lambda _: privacy.load_salt(), range(16)))
    assert len(salts) == 1
    assert [p.name for p in tmp_path.iterdir()] == [privacy.SALT_FILE]


def test_pseudonyms_carry_64_bits_and_are_stable_for_a_salt():
    first = privacy.pseudonymise(["R-001", "R-002"], "A", salt="sel")
    assert all(re.fullmatch(r"A-[0-9a-f]{16}", p) for p in first)
    assert re.fullmatch(privacy.PSEUDONYM_PATTERN, first[0])
    assert privacy.pseudonymise(["R-001", "R-002"], "A", salt="sel") == first
    assert privacy.pseudonymise(["R-001"], "A", salt="autre sel") != first[:1]


@pytest.mark.parametrize("text, token", [
    ("écrire à josé.garcía@exemple.fr demain", privacy.EMAIL_TOKEN),
    ("tél. 03/20/12/34/56", privacy.PHONE_TOKEN),
    ("bureau de Bruxelles : +32 2 555 12 34", privacy.PHONE_TOKEN),
    ("SIRET 732 829 320 00074", privacy.SIRET_TOKEN),
    ("SIREN 732829320", privacy.SIRET_TOKEN),
])
def test_scrubber_removes_accented_emails_slashed_and_foreign_phones_and_siret(text, token):
    out = privacy.scrub_text(text)
    assert token in out
    assert not re.search(r"\d{2}[ /]\d{2}[ /]\d{2}|@|732", out), out


def test_scrubber_keeps_numbers_that_are_not_identifiers():
    text = "27 acheteurs en 2017, budget 2 500 000 €, code 59000, 123 456 789 n'est pas un SIREN"
    assert privacy.scrub_text(text) == text
