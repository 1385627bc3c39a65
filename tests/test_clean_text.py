"""Text cleaned at the door (issue 28): every value read from an export, a mapping, a study file or a codebook is
NFC, without control, bidirectional or zero-width characters, on one line unless it is free text; what was
removed is said; values equal once cleaned are one value; odd inputs are messages."""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import codebook_history as history
import pytest
import yaml
from bad_inputs import make_cases as mc

from etude import survey
from etude.errors import InputError, ParameterError
from etude.survey import clean, codebook, overlap, privacy
from etude.survey.readers import read_rows

INVISIBLES = "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x01\x1f\x7f\x80\x9f"


@pytest.mark.parametrize("ch", list(INVISIBLES))
def test_every_invisible_or_control_character_is_removed_and_counted(ch):
    text, removed = clean.cleaned(f"Mai{ch}rie")
    assert (text, removed) == ("Mairie", ch)


@pytest.mark.parametrize("brk", ["\r\n", "\r", "\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"])
def test_a_line_break_is_a_space_on_one_line_and_a_newline_in_free_text(brk):
    assert clean.clean_text(f"Ville{brk}=1+1") == "Ville =1+1"
    assert clean.clean_text(f"un{brk}deux", paragraphs=True) == "un\ndeux"
    assert "\r" not in clean.clean_text(f"a{brk}b", paragraphs=True)


def test_nfc_and_terminal_escapes():
    assert clean.clean_text("E\u0301tat") == "État" and unicodedata.is_normalized("NFC", clean.clean_text("e\u0301"))
    assert clean.clean_text("\x1b]8;;http://x.invalid\x07Martien\x1b[2J\x1b[31m") == "Martien"
    assert clean.clean_text("a\tb") == "a b"


def test_clean_text_is_linear_on_long_runs_of_spaces_and_breaks():
    text = " " * 200_000 + "\n" + " " * 200_000 + "x\r\n" * 50_000
    assert clean.clean_text(text).endswith("x x")


def test_clean_tree_keeps_paths_and_cleans_shared_anchors_once():
    shared = {"label_fr": "M\u200bEL"}
    removed = []
    out = clean.clean_tree({"a": shared, "b": shared, "file": "x\u200b.csv", "notes": "un\r\ndeux"},
                           keep={"file"}, paragraphs={"notes"}, removed=removed)
    assert out == {"a": {"label_fr": "MEL"}, "b": {"label_fr": "MEL"}, "file": "x\u200b.csv", "notes": "un\ndeux"}
    assert out["a"] is out["b"] and removed == [("a.label_fr", "\u200b")]


def _export(folder: Path, organisations: list[str], comments: list[str] | None = None) -> Path:
    rows = mc.buyers_rows()
    rows[0] = rows[0][:-1] + ["Organisme", "Commentaires"]
    for i, org in enumerate(organisations, start=1):
        rows[i] = rows[i][:-1] + [org, (comments or ["RAS"] * 4)[i - 1]]
    return mc.write_csv(folder / "acheteurs.csv", rows)


def test_reading_an_export_cleans_every_cell_and_says_where(tmp_path):
    path = _export(tmp_path, ["Mairie \u202etxet.exe\u202c de Lens", "M\u200bE\u200dL", "MEL", "Ville\r=1+1"])
    rows, info = read_rows(path)
    assert [r[-2] for r in rows[1:]] == ["Mairie txet.exe de Lens", "MEL", "MEL", "Ville\n=1+1"]
    notes = [p for p in info["problems"] if p["severity"] == "info"]
    assert len(notes) == 1
    assert notes[0]["message"].startswith("4 caractères invisibles ou de contrôle retirés")
    assert "ligne 2, colonne" in notes[0]["message"] and "ligne 3, colonne" in notes[0]["message"]


def test_an_open_attribute_is_one_line_free_text_keeps_paragraphs_and_equal_values_are_one(tmp_path):
    path = _export(tmp_path, ["M\u200bE\u200dL", "MEL", "Ville\r=1+1", "Mairie de\r\nLens"],
                   ["un\r\ndeux", "trois\rquatre", "RAS", "RAS"])
    table = survey.load_export(path, "buyers", wave=2017)
    assert table["organisation"].astype(str).tolist() == ["mel", "mel", "Ville =1+1", "Mairie de Lens"]
    assert table["comment"].tolist()[:2] == ["un\ndeux", "trois\nquatre"]
    problems = history.without_history(survey.validate(path, "buyers"))
    assert (problems["severity"] == "info").sum() == 1 and (problems["severity"] == "error").sum() == 0


def test_zero_width_characters_in_ids_make_duplicates_visible(tmp_path):
    rows = mc.set_cell(mc.buyers_rows(), 3, "Identifiant de la réponse", "R\u200b001")
    path = mc.write_csv(tmp_path / "ids.csv", rows)
    problems = survey.validate(path, "buyers")
    assert "identifiant de répondant en double" in problems["message"].tolist()


def _study(folder: Path, doc: dict, exports: dict[str, bytes]) -> Path:
    for name, data in exports.items():
        (folder / name).write_bytes(data)
    path = folder / "etude.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_study_texts_are_cleaned_and_said_paths_kept(tmp_path):
    csv = mc.csv_text(mc.buyers_rows(), ";").encode("utf-8")
    path = _study(tmp_path, {"title": "Étude\x07 test \u202eabc", "buyers": [{"wave": 2017, "file": "a.csv"}]},
                  {"a.csv": csv})
    spec = survey.read_study(path)
    assert spec["title"] == "Étude test abc"
    notes = history.without_history(survey.validate_study(path))
    assert [p["severity"] for p in notes] == ["info"] and "(U+0007, U+202E) : title" in notes[0]["message"]


def test_a_mapping_is_cleaned(tmp_path):
    m = tmp_path / "m.yaml"
    m.write_text("values:\n  buyer_type:\n    \"Minis\\u200btère\": etat\n", encoding="utf-8")
    spec = survey.load_mapping(m)
    assert spec["values"] == {"buyer_type": {"Ministère": "etat"}}
    assert spec["_notes"][0]["message"].startswith("1 caractère invisible ou de contrôle retiré (U+200B)")


def test_the_codebook_is_cleaned_when_read(tmp_path):
    text = (Path(codebook.paths.codebook_file()).read_text(encoding="utf-8")
            .replace("label_fr: Métropole Européenne de Lille", 'label_fr: "Métropole\\u202e Européenne de Lille"'))
    assert "\\u202e" in text
    path = tmp_path / "codebook.yaml"
    path.write_text(text, encoding="utf-8")
    assert codebook.label("mel", codebook=path) == "Métropole Européenne de Lille"


@pytest.mark.parametrize("content, expected", [
    ("- a\n- b\n", "(racine)"), ("42\n", "(racine)"), ("themes: []\n", "questionnaires"),
    ("themes: []\nquestionnaires:\n  buyers: {label_fr: A, label_en: B, questions: {barriers: {items: 3}}}\n",
     "questionnaires.buyers.questions.barriers.items"),
])
def test_a_codebook_that_is_not_one_is_a_message(tmp_path, content, expected):
    path = tmp_path / "cb.yaml"
    path.write_text(content, encoding="utf-8")
    problems = codebook.check_file(path)
    assert problems and expected in [p["column"] for p in problems], problems


def test_a_codebook_alias_bomb_is_refused_before_it_is_built(tmp_path):
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "cb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "alias développés" in codebook.check_file(path)[0]["message"]


def test_a_study_whose_codebook_is_a_list_is_refused_with_a_message(tmp_path):
    (tmp_path / "cb.yaml").write_text("- a\n", encoding="utf-8")
    path = _study(tmp_path, {"codebook": "cb.yaml", "buyers": [{"wave": 2017, "file": "a.csv"}]},
                  {"a.csv": mc.csv_text(mc.buyers_rows(), ";").encode("utf-8")})
    with pytest.raises(InputError) as err:
        survey.read_study(path)
    assert "n'est pas un codebook" in str(err.value) and "dictionnaire" in str(err.value)


def test_a_study_file_name_that_is_not_utf8_cannot_run_and_says_its_bytes(tmp_path):
    path = Path(os.fsdecode(bytes(tmp_path) + b"/\xe9tude.yaml"))
    mc.write_csv(tmp_path / "a.csv", mc.buyers_rows())
    path.write_text("buyers:\n  - {wave: 2017, file: a.csv}\n", encoding="utf-8")
    assert survey.read_study(path)["inputs"]  # read (test_data: its paths fit a manifest), but not run:
    problems = history.without_history(survey.validate_study(path))
    assert [p["severity"] for p in problems] == ["error"]
    assert problems[0]["file"].endswith("\\xe9tude.yaml") and "UTF-8" in problems[0]["message"]
    problems[0]["file"].encode("utf-8")  # the message itself is UTF-8


def test_the_same_answers_in_other_bytes_are_refused_naming_both_entries(tmp_path):
    rows = mc.drop_column(mc.buyers_rows(), "Année")  # the wave is the study file's, as in the demo
    rows = mc.set_cell(rows, 2, "Commentaires", "ligne un\r\nligne deux, « État »")
    cp1252_crlf = mc.csv_text(rows, ";").replace("→", "->").encode("cp1252")  # as Excel writes it
    utf8_lf = cp1252_crlf.decode("cp1252").replace("\r\n", "\n").encode("utf-8")
    path = _study(tmp_path, {"buyers": [{"wave": 2017, "file": "a17.csv"}, {"wave": 2018, "file": "a18.csv"}]},
                  {"a17.csv": cp1252_crlf, "a18.csv": utf8_lf})
    problems = survey.validate_study(path)
    errors = [p for p in problems if p["severity"] == "error"]
    assert len(errors) == 1 and errors[0]["column"] == "buyers[1] et buyers[2]"
    assert "mêmes réponses dans deux vagues" in errors[0]["message"] and errors[0]["value"] == "a17.csv / a18.csv"


def test_a_partial_overlap_of_respondents_is_information_with_its_count(tmp_path):
    rows18 = mc.buyers_rows(wave=2018)
    rows18 = mc.set_cell(rows18, 2, "Identifiant de la réponse", "R101")
    rows18 = mc.set_cell(rows18, 3, "Identifiant de la réponse", "R102")
    path = _study(tmp_path, {"buyers": [{"wave": 2017, "file": "a17.csv"}, {"wave": 2018, "file": "a18.csv"}]},
                  {"a17.csv": mc.csv_text(mc.buyers_rows(), ";").encode("utf-8"),
                   "a18.csv": mc.csv_text(rows18, ";").encode("utf-8")})
    problems = history.without_history(survey.validate_study(path))
    assert [(p["severity"], p["message"]) for p in problems] == [
        ("info", "2 répondants présents dans les deux vagues (mêmes identifiants)")]
    tables = survey.load_study(path)
    assert "respondent_keys" not in tables["buyers"].attrs


def test_the_same_respondents_with_other_answers_are_a_panel_not_a_copy():
    import pandas as pd
    t = pd.DataFrame({"respondent_id": ["A-1"], "wave": [2017], "b_temps": [True]})
    entries = [{"where": "buyers[1]", "wave": 2017, "table": t, "keys": "k"},
               {"where": "buyers[2]", "wave": 2018, "table": t.assign(wave=2018, b_temps=False), "keys": "k"}]
    assert [p["severity"] for p in overlap.wave_overlaps("e.yaml", entries)] == ["info"]


def test_a_200000_character_cell_is_scrubbed():
    text = "a" * 100_000 + " " + "-" * 50_000 + " écrire à jeanne.martin@exemple.fr " + "b." * 25_000
    assert len(text) > 200_000
    out = privacy.scrub_text(text)
    assert privacy.EMAIL_TOKEN in out and "jeanne.martin" not in out and out.startswith("a" * 1000)


@pytest.mark.parametrize("content", [b"", b"  \n", b"\xff\xfe\x00"])
def test_an_empty_or_unreadable_salt_file_is_a_message(tmp_path, monkeypatch, content):
    monkeypatch.delenv("ETUDE_SALT", raising=False)
    monkeypatch.setenv("ETUDE_ROOT", str(tmp_path))
    (tmp_path / ".etude-salt").write_bytes(content)
    with pytest.raises(privacy.SaltError) as err:
        privacy.load_salt()
    assert ".etude-salt" in str(err.value) and "ETUDE_SALT" in str(err.value)


def test_p_lang_is_the_lang_option():
    from etude.engine.parameters import options_in_parameters
    assert options_in_parameters([("lang", "en")]) == ("en", [])
    assert options_in_parameters([("min_cell", "6")], lang="en") == ("en", [("min_cell", "6")])
    with pytest.raises(ParameterError):
        options_in_parameters([("lang", "en")], lang="fr")


def test_every_notebook_bounds_min_cell():
    from etude import engine
    for nb in engine.discover_notebooks():
        params = engine.notebook_parameters(nb)
        if "min_cell" in params:
            assert params["min_cell"].get("bounds") == (1, 1000), nb.name
