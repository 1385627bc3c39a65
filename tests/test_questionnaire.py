"""The next wave's questionnaire generated from the codebook (etude.survey.questionnaire, ``etude questionnaire``):
pyxform converts the XLSForm, the LimeSurvey file follows LimeSurvey's import rules, and the exports KoboToolbox and
LimeSurvey write for these forms load with no mapping file and exact counts."""
from __future__ import annotations

import csv
import re
from collections import Counter

import openpyxl
import pytest
import roundtrip_exports as rx

from etude import cli, survey
from etude.errors import ParameterError
from etude.survey import codebook
from etude.survey import questionnaire as qn

POPULATIONS = ("buyers", "companies")


@pytest.mark.parametrize("population", POPULATIONS)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pyxform_converts_the_generated_xlsform(population, lang, tmp_path):
    from pyxform.xls2xform import convert
    path = qn.write_xlsform(population, tmp_path / "form.xlsx", lang=lang)
    result = convert(str(path))
    assert result.warnings == []
    assert "<h:title>" in result.xform
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["survey", "choices", "settings"]


@pytest.mark.parametrize("population", POPULATIONS)
def test_the_xlsform_asks_the_codebook_in_its_order_with_its_labels(population, tmp_path):
    sheets = qn.xlsform_sheets(population)
    names = [r[1] for r in sheets["survey"][1:] if r[0] not in ("begin_group", "end_group")]
    multi = [q for q, s in codebook.load()["questionnaires"][population]["questions"].items()]
    attrs = [a for a in codebook.attributes(population) if a != "wave"]
    texts = list(codebook.text_fields(population))
    assert names == ["consent", *multi, *attrs, *texts]
    types = {r[1]: r[0] for r in sheets["survey"][1:]}
    assert types["barriers"] == "select_multiple barriers" and types["remedies"] == "select_multiple remedies"
    assert types["consent"] == "note"
    choices = [(r[1], r[2]) for r in sheets["choices"][1:] if r[0] == "barriers"]
    items = codebook.items(population)
    assert choices == list(zip(items["code"], items["label_fr"]))  # names = codebook codes, exact labels
    consent = next(r[2] for r in sheets["survey"] if r[1] == "consent")
    assert "RGPD" in consent and "5 répondants" in consent


def _ls_rows(path):
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t"))


@pytest.mark.parametrize("population", POPULATIONS)
def test_the_limesurvey_file_follows_limesurveys_import_rules(population, tmp_path):
    """The rules LimeSurvey's TSV import and its models apply (import_helper.php TSVImportSurvey, Question and
    Answer rules): known columns and classes; question codes a letter then letters or digits, 20 at most and
    unique; subquestion codes alphanumeric, 20 at most, unique in their question; answer codes 1 to 5 letters or
    digits; a title in the base language."""
    path = qn.write_limesurvey(population, tmp_path / "form.txt")
    header = path.read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert header == qn.LIMESURVEY_COLUMNS
    rows = _ls_rows(path)
    assert {r["class"] for r in rows} == {"S", "SL", "G", "Q", "SQ", "A"}
    assert {(r["name"], r["text"]) for r in rows if r["class"] == "S"} >= {("language", "fr")}
    assert any(r["class"] == "SL" and r["name"] == "surveyls_title" and r["language"] == "fr" for r in rows)
    questions = [r["name"] for r in rows if r["class"] == "Q"]
    assert len(set(questions)) == len(questions)
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,19}", q) for q in questions)
    parent, subs, answers = None, Counter(), Counter()
    for r in rows:
        if r["class"] == "Q":
            parent = r["name"]
            assert r["type/scale"] in ("M", "L", "S", "T", "X") and r["language"] == "fr"
        elif r["class"] == "SQ":
            assert re.fullmatch(r"[A-Za-z0-9]{1,20}", r["name"]) and r["text"]
            subs[(parent, r["name"].casefold())] += 1
        elif r["class"] == "A":
            assert re.fullmatch(r"[A-Za-z0-9]{1,5}", r["name"]) and r["text"]
            answers[(parent, r["name"])] += 1
    assert max(subs.values()) == 1 and max(answers.values()) == 1
    barrier_subs = [r["text"] for r in rows if r["class"] == "SQ"][: len(codebook.items(population))]
    assert barrier_subs == codebook.items(population)["label_fr"].tolist()


def _check_counts(table, fields, people, *, key=lambda f: f.name, codes=None):
    assert table is not None and len(table) == len(people)
    for f in fields:
        if f.kind == "multi":
            for choice in (f.choices or f.choice_codes):
                column = codes[choice] if codes else choice
                expected = sum(choice in a[f.name] for a in people)
                assert int(table[column].fillna(False).sum()) == expected, (f.name, choice)
            answered = sum(bool(a[f.name]) for a in people)
            columns = [codes[c] if codes else c for c in (f.choices or f.choice_codes)]
            assert int(table[columns].notna().any(axis=1).sum()) == answered
        elif f.kind == "one":
            expected = Counter(a[f.name] for a in people if a[f.name])
            got = Counter(table[codes[f.name] if codes else f.name].dropna().astype(str))
            if codes:
                expected = Counter({codes[f"{f.name}:{k}"]: v for k, v in expected.items()})
            assert got == expected, f.name


@pytest.mark.parametrize("population", POPULATIONS)
@pytest.mark.parametrize("labels", [False, True], ids=["xml_names", "labels"])
@pytest.mark.parametrize("multiple", ["both", "summary", "details"])
@pytest.mark.parametrize("groups", [False, True], ids=["flat", "groups"])
def test_kobotoolbox_exports_load_with_no_mapping_and_exact_counts(population, labels, multiple, groups, tmp_path):
    form = qn.write_xlsform(population, tmp_path / "form.xlsx")
    fields = rx.xlsform_fields(form)
    people = rx.draw_answers(fields, 31)
    path = tmp_path / "kobo.csv"
    path.write_text(rx.kobo_csv(fields, people, labels=labels, groups=groups, multiple=multiple), encoding="utf-8")
    assert survey.validate(path, population).query("severity != 'info'").empty  # not even a warning
    table = survey.load_export(path, population, wave=2019)
    _check_counts(table, fields, people)
    assert table["respondent_id"].nunique() == len(people)  # Kobo's _uuid keeps pseudonyms stable


def _ls_codes(fields):
    """LimeSurvey code → codebook code, for the questions, their subquestions and ``question:answer``."""
    out = {}
    for population in POPULATIONS:
        cb = codebook.load()["questionnaires"][population]
        for q, spec in cb["questions"].items():
            out[codebook.tool_code(q)] = q
            out.update({codebook.tool_code(it["code"]): it["code"] for it in spec["items"]})
        for a, spec in codebook.attributes(population).items():
            out[codebook.tool_code(a)] = a
            out.update({f"{codebook.tool_code(a)}:{codebook.tool_code(v['code'], 5)}": str(v["code"])
                        for v in spec.get("values", [])})
    return out


@pytest.mark.parametrize("population", POPULATIONS)
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("codes", [True, False], ids=["codes", "full_text"])
def test_limesurvey_exports_load_with_no_mapping_and_exact_counts(population, lang, codes, tmp_path):
    form = qn.write_limesurvey(population, tmp_path / "form.txt", lang=lang)
    fields = rx.limesurvey_fields(form)
    people = rx.draw_answers(fields, 29)
    path = tmp_path / "limesurvey.csv"
    path.write_bytes(rx.limesurvey_csv(fields, people, codes=codes, lang=lang))
    problems = survey.validate(path, population)
    assert problems.query("severity == 'error'").empty
    if codes:  # LimeSurvey's own columns are known by their codes; French full headings are not (warnings)
        assert problems.query("severity != 'info'").empty
    table = survey.load_export(path, population, wave=2019)
    _check_counts(table, fields, people, codes=_ls_codes(fields))


def test_questionnaire_command_writes_each_format(tmp_path, capsys):
    out = tmp_path / "acheteurs.xlsx"
    assert cli.main(["questionnaire", "--population", "buyers", "--format", "xlsform", "--out", str(out)]) == 0
    assert out.is_file() and str(out) in capsys.readouterr().out
    out = tmp_path / "entreprises.txt"
    assert cli.main(["questionnaire", "--population", "companies", "--format", "limesurvey", "--out", str(out),
                     "--lang", "en"]) == 0
    assert "Which barriers do you face" in out.read_text(encoding="utf-8")


def test_a_wrong_extension_or_a_colliding_code_is_refused(tmp_path):
    with pytest.raises(ParameterError, match=r"\.xlsx"):
        qn.write_questionnaire("buyers", "xlsform", tmp_path / "form.txt")
    book = codebook.load()
    import copy
    book = copy.deepcopy(book)
    values = book["questionnaires"]["buyers"]["attributes"]["buyer_type"]["values"]
    values.append({**values[1], "code": "collectif", "synonyms": []})  # « colle », like collectivite
    with pytest.raises(ParameterError, match="colle"):
        qn.limesurvey_rows("buyers", codebook=book)
