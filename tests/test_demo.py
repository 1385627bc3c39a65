"""The simulated demo: deterministic, calibrated to the published 2017 counts, honest about being simulated."""
import copy
import zipfile

import openpyxl
import pandas as pd
import pytest
import yaml

from etude import paths, survey
from etude.analysis import stats
from etude.survey import codebook, demo


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, demo.write_demo(out)


def test_committed_demo_files_are_exactly_what_etude_demo_writes(regenerated):
    out, written = regenerated
    assert [p.name for p in written] == ["acheteurs_2017_simule.csv", "entreprises_2017_simule.csv",
                                         "acheteurs_2018_simule.xlsx", "entreprises_2018_simule.xlsx", "etude.yaml"]
    for p in written:
        assert p.read_bytes() == (paths.demo_dir() / p.name).read_bytes(), p.name


def test_same_seed_same_bytes_other_seed_other_answers(tmp_path, regenerated):
    out, _ = regenerated
    again = demo.write_demo(tmp_path / "a")
    assert all(p.read_bytes() == (out / p.name).read_bytes() for p in again)
    other = demo.write_demo(tmp_path / "b", seed=7)
    assert other[0].read_bytes() != again[0].read_bytes()


def test_every_export_format_is_exercised():
    specs = demo.FILES.values()
    assert {(s["file"].rsplit(".", 1)[1], s["layout"]) for s in specs} >= {("csv", "wide"), ("csv", "packed"),
                                                                         ("xlsx", "wide"), ("xlsx", "packed")}
    raw = (paths.demo_dir() / "acheteurs_2017_simule.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really cp1252
    assert raw.decode("cp1252").splitlines()[0].count(";") > 10
    (paths.demo_dir() / "entreprises_2017_simule.csv").read_bytes().decode("utf-8")


def test_2017_sizes_match_the_published_counts():
    t = survey.load_study()
    b, c = t["buyers"], t["companies"]
    b17 = b[b["wave"] == 2017]
    assert len(b17) == 27
    assert b17["buyer_type"].value_counts()[["etat", "collectivite"]].tolist() == [17, 4]
    assert len(b17) - 17 - 4 == 6
    assert set(b17.loc[b17["buyer_type"] == "collectivite", "organisation"].dropna()) == {"mel", "cd80", "cd62"}
    assert (c["wave"] == 2017).sum() == 90
    assert set(b["wave"]) == set(c["wave"]) == {2017, 2018}


def test_some_respondents_skip_the_barrier_question():
    t = survey.load_study()
    for population, item in [("buyers", "b_temps"), ("companies", "e_besoins")]:
        skipped = t[population][item].isna().groupby(t[population]["wave"]).sum()
        assert (skipped > 0).all() and (skipped < 10).all()


def test_files_and_metadata_say_simulated():
    assert all("simule" in s["file"] for s in demo.FILES.values())
    assert survey.study_inputs()["simulated"].all()
    for s in demo.FILES.values():
        if s["file"].endswith(".xlsx"):
            wb = openpyxl.load_workbook(paths.demo_dir() / s["file"], read_only=True)
            assert "simulées" in wb.properties.title and "simulé" in wb.properties.keywords
            wb.close()
            with zipfile.ZipFile(paths.demo_dir() / s["file"]) as z:
                assert {i.date_time for i in z.infolist()} == {(2018, 12, 31, 12, 0, 0)}


def test_identifiers_are_fake_and_comments_carry_contacts_to_remove():
    t = demo.simulate("companies", 2017)
    assert t["email"].str.endswith("@example.org").all()
    assert t["siret"].str.match(r"^000\d{11}$").all()
    assert t["phone"].str.contains(r"(?:03 ?53 ?01|06 ?39 ?98|3 53 01|6 39 98)|\.").all()
    assert t["comment"].str.contains("@|\\d{2}[ .]\\d{2}").any()


def test_buyers_and_companies_differ_on_themes():
    """The demo keeps the study's mirror: buyers cite information gaps on data, companies on needs."""
    t = survey.load_study()
    assert t["companies"]["e_besoins"].mean() > t["buyers"]["b_desinteret"].mean() + 0.3


def test_cli_demo_writes_the_files(tmp_path, capsys):
    from etude import cli
    assert cli.main(["demo", "--out", str(tmp_path), "--seed", "3"]) == 0
    printed = capsys.readouterr().out.split()
    assert len(printed) == 6 and all((tmp_path / p.rsplit("/", 1)[-1]).exists() for p in printed)
    assert printed[-1].endswith("decp_simule_consolide.csv")           # the simulated DECP extract too
    t = survey.load_study(tmp_path / "etude.yaml")
    assert (t["buyers"]["wave"] == 2017).sum() == 27 and (t["companies"]["wave"] == 2017).sum() == 90


def test_published_2017_counts_are_reproduced_by_the_published_check():
    check = stats.published_check(survey.load_study())
    assert check["match"].all() and check["published"].tolist() == [27, 17, 4, 90]


def test_the_remedies_question_is_simulated_for_every_wave_and_labelled_as_a_hypothesis():
    t = survey.load_study()
    for population in ("buyers", "companies"):
        codes = stats.item_codes(population, "remedies")
        answered = t[population][codes].notna().any(axis=1).groupby(t[population]["wave"]).sum()
        assert (answered > 0).all() and (answered < t[population]["wave"].value_counts().sort_index()).all(), population
    lines = (paths.demo_dir() / "hypotheses.yaml").read_text(encoding="utf-8").splitlines()
    for code in stats.item_codes("buyers", "remedies") + stats.item_codes("companies", "remedies"):
        stated = [line for line in lines if line.strip().startswith(f"{code}:")]
        assert stated and all("HYPOTHÈSE" in line for line in stated), code


def test_an_item_added_to_the_codebook_leaves_the_demo_unchanged():
    """Without a stated prevalence the new item is not simulated (absent, not 0 %); other answers are the same."""
    book = copy.deepcopy(codebook.load())
    items = book["questionnaires"]["buyers"]["questions"]["barriers"]["items"]
    items.append({**items[0], "code": "b_test_ajout", "label_fr": "Nouveau frein", "synonyms": []})
    before, after = demo.simulate("buyers", 2017), demo.simulate("buyers", 2017, codebook=book)
    assert "b_test_ajout" not in after.columns
    pd.testing.assert_frame_equal(before, after)


def test_an_item_added_with_a_prevalence_changes_no_other_question(tmp_path):
    book = copy.deepcopy(codebook.load())
    items = book["questionnaires"]["buyers"]["questions"]["barriers"]["items"]
    items.append({**items[0], "code": "b_test_ajout", "label_fr": "Nouveau frein", "synonyms": []})
    h = demo.hypotheses()
    h["buyers"][2017]["barriers"]["b_test_ajout"] = 0.3
    hyp = tmp_path / "h.yaml"
    hyp.write_text(yaml.safe_dump(h, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = demo.simulate("buyers", 2017)
    after = demo.simulate("buyers", 2017, codebook=book, hypotheses_file=hyp)
    assert after["b_test_ajout"].notna().any()
    others = [c for c in before.columns if c not in stats.item_codes("buyers")]  # other questions, texts, ids
    pd.testing.assert_frame_equal(before[others], after[others])
