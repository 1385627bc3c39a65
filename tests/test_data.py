"""Loaders and validation: the respondent-table contract, every layout/encoding/format, every bad-input case."""
from pathlib import Path

import codebook_history as history
import pandas as pd
import pytest

from etude import paths, survey
from etude.errors import PROBLEM_COLUMNS, InputError
from etude.survey import codebook, demo, tables

BUYER_ITEMS = list(codebook.items("buyers")["code"])
Q_B = codebook.load()["questionnaires"]["buyers"]["questions"]["barriers"]["text_fr"]


# ----------------------------------------------------------------------------------------------- contract

def test_load_study_follows_the_contract():
    t = survey.load_study()
    assert set(t) == {"buyers", "companies"}
    for population, df in t.items():
        survey.respondent_schema(population).validate(df)
        assert df["respondent_id"].str.match(r"^[AE]-[0-9a-f]{16}$").all()
        assert df["respondent_id"].is_unique
        assert (df["population"] == population).all()
        assert df["wave"].dtype == "int64" and df["simulated"].dtype == bool and df["simulated"].all()
        assert df["source_file"].str.contains("simule").all() and not df["source_file"].str.contains("/").any()
        for col in ["email", "name", "phone", "siret", "company"]:
            assert col not in df
    b = t["buyers"]
    assert list(b.columns[:9]) == ["respondent_id", "population", "wave", "simulated", "source_file",
                                   "buyer_type", "organisation", "segment", "departement"]
    assert isinstance(b["buyer_type"].dtype, pd.CategoricalDtype)
    assert list(b["buyer_type"].cat.categories) == ["etat", "collectivite", "sante", "autre"]
    assert list(b["departement"].cat.categories) == ["02", "59", "60", "62", "80"]
    assert all(b[c].dtype == "boolean" for c in BUYER_ITEMS)


def test_multi_select_rule_all_na_or_all_answered():
    for population, df in survey.load_study().items():
        unasked = survey.not_asked(df)
        for question in ["barriers", "segments"]:
            for wave, part in df.groupby("wave"):
                gone = set(unasked.loc[(unasked["wave"] == wave) & (unasked["question"] == question), "item"])
                block = part[[c for c in codebook.items(population, question)["code"] if c not in gone]]
                assert (block.isna().all(axis=1) | block.notna().all(axis=1)).all()
                assert (block.isna().all(axis=1) | block.fillna(False).any(axis=1)).all()


def test_study_inputs_records_sha256_and_simulated():
    inp = survey.study_inputs()
    assert list(inp.columns) == ["population", "wave", "path", "sha256", "format", "simulated"]
    assert len(inp) == 4 and inp["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert set(inp["format"]) == {"csv", "xlsx"}
    assert all(Path(p).is_absolute() and Path(p).is_file() for p in inp["path"])


def test_raw_files_are_only_read():
    files = sorted(paths.demo_dir().glob("*_simule.*"))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    survey.load_study()
    survey.study_inputs()
    for p in files:
        survey.validate(p, "buyers" if p.name.startswith("acheteurs") else "companies")
    assert before == {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}


def test_demo_exports_validate_clean():
    tables = survey.load_study()
    # items the demo does not simulate (added to the codebook since, demo not regenerated): information only
    unsimulated = {c for population, t in tables.items() for c in codebook.asked_in(population, 2017)
                   if c in t and not t[c].fillna(False).any()}
    for p in sorted(paths.demo_dir().glob("*_simule.*")):
        report = survey.validate(p, "buyers" if p.name.startswith("acheteurs") else "companies")
        assert list(report.columns) == PROBLEM_COLUMNS
        about_others = (report["severity"] == "info") & (report["column"].isin(unsimulated)
                                                         | report["value"].isin(unsimulated))
        assert report[~about_others].empty, report.to_dict("records")


# ------------------------------------------------------------------------------------ small explicit exports

def write_csv(path, rows, *, sep=";", encoding="utf-8"):
    """Rows (header first) as a CSV file, the way a survey tool writes it."""
    import csv
    import io
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


HEADER = ["Identifiant de la réponse", "Vous êtes", "Organisme", "Département", Q_B, "Commentaires"]
ROWS = [HEADER,
        ["r1", "État", "", "59", "Freins financiers, Craintes juridiques", "RAS"],
        ["r2", "Collectivité", "CD 62", "62 - Pas-de-Calais", "Pas de temps à y consacrer", "Tél. 03 53 01 00 00"],
        ["r3", "Etablissements de santé", "", "Somme", "", ""]]


def test_packed_export_gives_the_expected_table(tmp_path):
    t = survey.load_export(write_csv(tmp_path / "a.csv", ROWS), "buyers", wave=2017)
    assert t["buyer_type"].tolist() == ["etat", "collectivite", "sante"]
    assert t["organisation"].tolist()[1] == "cd62" and pd.isna(t["organisation"].iloc[0])
    assert t["departement"].tolist() == ["59", "62", "80"]
    assert t["b_financier"].tolist()[:2] == [True, False] and pd.isna(t["b_financier"].iloc[2])  # r3 skipped
    assert t[BUYER_ITEMS].iloc[0].sum() == 2
    assert t["comment"].tolist()[:2] == ["RAS", "Tél. [téléphone supprimé]"] and pd.isna(t["comment"].iloc[2])
    assert (t["wave"] == 2017).all() and not t["simulated"].any() and (t["source_file"] == "a.csv").all()
    assert t["segment"].isna().all() and t["seg_sante"].isna().all()  # not asked in this export: NA


def test_labels_with_commas_are_matched_longest_first(tmp_path):
    desinteret = codebook.label("b_desinteret")
    assert "," in desinteret
    rows = [HEADER, ["r1", "État", "", "", f"{desinteret}, Freins financiers", ""],
            ["r2", "État", "", "", f"Freins financiers;{desinteret}", ""],
            ["r3", "État", "", "", "Méconnaissance, désintérêt", ""]]  # a synonym with a comma
    t = survey.load_export(write_csv(tmp_path / "a.csv", rows), "buyers", wave=2017)
    assert t[BUYER_ITEMS].sum(axis=1).tolist() == [2, 2, 1]
    assert t["b_desinteret"].all()


def test_wide_export_accepts_the_usual_tick_values(tmp_path):
    labels = list(codebook.items("buyers")["label_fr"])  # as many columns as the codebook has items
    header = ["Vous êtes"] + [f"{Q_B} [{lab}]" for lab in labels]
    values, unticked = ["Oui", "Y", "1", "X", "x", "oui", "Coché"], ["", "Non", "0", "N"]
    ticks = [values[k % len(values)] for k in range(len(labels) - 1)] + [labels[-1]]  # or the item's own label
    rows = [header, ["État"] + ticks, ["État"] + [unticked[k % 4] for k in range(len(labels))],
            ["État"] + [""] * len(labels)]
    t = survey.load_export(write_csv(tmp_path / "w.csv", rows), "buyers", wave=2017)
    assert t[BUYER_ITEMS].iloc[0].all()
    assert t[BUYER_ITEMS].iloc[1:].isna().all().all()  # nothing ticked: out of the denominator


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_encodings_and_separators_are_detected(tmp_path, encoding, sep):
    rows = [[c.replace("→", "->") for c in r] for r in ROWS]
    ref = survey.load_export(write_csv(tmp_path / "ref.csv", ROWS), "buyers", wave=2017)
    t = survey.load_export(write_csv(tmp_path / "ref.csv", rows, sep=sep, encoding=encoding), "buyers", wave=2017)
    pd.testing.assert_frame_equal(t, ref)


def test_xlsx_with_title_rows_and_a_named_sheet(tmp_path):
    table = pd.DataFrame(ROWS[1:], columns=ROWS[0])
    path = demo.write_export(table, tmp_path / "a.xlsx", sheet="Export", title_rows=["Enquête 2017", "Extrait"])
    ref = survey.load_export(write_csv(tmp_path / "a.csv", ROWS), "buyers", wave=2017)
    for sheet in [None, "Export", 0]:
        t = survey.load_export(path, "buyers", wave=2017, sheet=sheet)
        pd.testing.assert_frame_equal(t.drop(columns="source_file"), ref.drop(columns="source_file"))
    with pytest.raises(InputError, match="Feuil9.*Export|feuille introuvable"):
        survey.load_export(path, "buyers", wave=2017, sheet="Feuil9")


# ------------------------------------------------------------------------------------------- bad inputs

def problems_of(path, **kw):
    with pytest.raises(InputError) as exc:
        survey.load_export(path, "buyers", **kw)
    return exc.value.problems, str(exc.value)


def test_unknown_item_label_names_file_row_column_value_and_known_labels(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2][4] = "Pas de temps à y consacrer, Freins fiscaux"
    probs, msg = problems_of(write_csv(tmp_path / "export.csv", rows), wave=2017)
    assert len(probs) == 1
    p = probs[0]
    assert (p["file"], p["row"], p["column"], p["value"]) == ("export.csv", 3, Q_B, "Freins fiscaux")
    assert "Freins financiers" in p["expected"] and "Craintes juridiques" in p["expected"]
    assert f"export.csv, ligne 3, colonne « {Q_B} »" in msg


def test_unknown_item_in_a_wide_header(tmp_path):
    rows = [["Vous êtes", f"{Q_B} [Freins financiers]", f"{Q_B} [Autre frein]"], ["État", "Oui", "Oui"]]
    probs, _ = problems_of(write_csv(tmp_path / "w.csv", rows), wave=2017)
    assert [(p["row"], p["column"], p["value"]) for p in probs] == [(1, f"{Q_B} [Autre frein]", "Autre frein")]


def test_missing_required_columns(tmp_path):
    probs, _ = problems_of(write_csv(tmp_path / "m.csv", [["Département"], ["59"]]), wave=2017)
    assert {p["column"] for p in probs} == {"Vous êtes", Q_B}
    assert all(p["message"] == "colonne obligatoire absente" and p["row"] == 1 for p in probs)


def test_duplicate_respondent_ids(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[3][0] = "r1"
    probs, _ = problems_of(write_csv(tmp_path / "d.csv", rows), wave=2017)
    assert sorted(p["row"] for p in probs) == [2, 4]
    assert all(p["column"] == "Identifiant de la réponse" and "double" in p["message"] for p in probs)


@pytest.mark.parametrize("content, fragment", [(b"", "fichier vide"), (b" \r\n\r\n", "fichier vide"),
                                               (";".join(HEADER).encode() + b"\r\n", "aucune réponse")])
def test_empty_files(tmp_path, content, fragment):
    path = tmp_path / "vide.csv"
    path.write_bytes(content)
    probs, msg = problems_of(path, wave=2017)
    assert fragment in msg and msg.startswith("vide.csv")


def test_unreadable_encoding_names_the_line(tmp_path):
    path = write_csv(tmp_path / "enc.csv", ROWS)
    path.write_bytes(path.read_bytes().replace(b"RAS", b"RAS \x81\x8d"))
    probs, msg = problems_of(path, wave=2017)
    assert probs[0]["row"] == 2 and "encodage illisible" in msg


def test_wave_in_the_file_must_match_the_study(tmp_path):
    rows = [r + [v] for r, v in zip(ROWS, ["Année", "2017", "2018", "2017"])]
    probs, msg = problems_of(write_csv(tmp_path / "v.csv", rows), wave=2017)
    assert [(p["row"], p["column"], p["value"]) for p in probs] == [(3, "Année", "2018")]
    assert "2017" in probs[0]["expected"]
    t = survey.load_export(write_csv(tmp_path / "v.csv", rows), "buyers")  # no study wave: the file's own
    assert t["wave"].tolist() == [2017, 2018, 2017]


def test_wave_is_required_somewhere(tmp_path):
    probs, msg = problems_of(write_csv(tmp_path / "sans.csv", ROWS))
    assert "vague inconnue" in msg


def test_unknown_attribute_value_lists_the_allowed_ones(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][1], rows[2][3] = "Martien", "75"
    probs, _ = problems_of(write_csv(tmp_path / "a.csv", rows), wave=2017)
    assert [(p["row"], p["column"], p["value"]) for p in probs] == [(2, "Vous êtes", "Martien"),
                                                                    (3, "Département", "75")]
    assert "Services de l'État" in probs[0]["expected"] and "Nord" in probs[1]["expected"]


def test_every_problem_is_reported_at_once(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][1], rows[2][4], rows[3][0] = "Martien", "Freins fiscaux", "r1"
    probs, _ = problems_of(write_csv(tmp_path / "tout.csv", rows), wave=2017)
    assert sorted(p["row"] for p in probs) == [2, 2, 3, 4]


_NEVER_TICKED = "jamais coché dans cet export groupé : posé ? sinon déclarez `not_asked` ou `since`"


def _without_never_ticked(report):
    """A validation report less the information on items nobody ticked in a packed export (issue 26.7), which a
    three-row export always has, and on items the codebook's history says the wave did not ask."""
    never = (report["severity"] == "info") & (report["message"] == _NEVER_TICKED)
    return history.without_history(report[~never])


def test_validate_returns_problems_and_warnings_without_raising(tmp_path):
    rows = [r + [v] for r, v in zip(ROWS, ["Horodateur", "2017-10-01", "2017-10-02", "2017-10-03"])]
    report = survey.validate(write_csv(tmp_path / "h.csv", rows), "buyers")
    assert list(report.columns) == PROBLEM_COLUMNS
    # information only beside it: items nobody ticked in this packed export (issue 26.7)
    assert set(report.loc[report["severity"] == "info", "message"].str[:42]) <= {_NEVER_TICKED[:42]}
    report = report[report["severity"] != "info"]
    assert report["severity"].tolist() == ["warning"] and report["column"].tolist() == ["Horodateur"]
    bad = survey.validate(tmp_path / "absent.csv", "buyers")
    assert bad["severity"].tolist() == ["error"] and "introuvable" in bad["message"].iloc[0]


def test_cli_validate_exit_codes_and_no_traceback(tmp_path, capsys):
    from etude import cli
    assert cli.main(["validate", str(paths.demo_dir() / "acheteurs_2017_simule.csv"), "--population", "buyers"]) == 0
    assert "valide" in capsys.readouterr().out
    rows = [list(r) for r in ROWS]
    rows[1][1] = "Martien"
    path = write_csv(tmp_path / "x.csv", rows)
    assert cli.main(["validate", str(path), "--population", "buyers", "--wave", "2017"]) == 1
    out = capsys.readouterr()
    assert "x.csv, ligne 2, colonne « Vous êtes »" in out.out and "Traceback" not in out.out + out.err


def test_cli_validate_still_accepts_the_deprecated_kind_option_without_showing_it(capsys):
    from etude import cli
    export = str(paths.demo_dir() / "acheteurs_2017_simule.csv")
    assert cli.main(["validate", export, "--kind", "buyers"]) == 0  # scripts written before --population
    assert "valide (buyers," in capsys.readouterr().out
    assert cli.build_parser().parse_args(["validate", export, "--kind", "companies"]).population == "companies"
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["validate", "--help"])
    shown = capsys.readouterr().out
    assert "--population" in shown and "--kind" not in shown


# --------------------------------------------------------------------------------------------- mapping

MAPPING = """
columns:
  ID: respondent_id
  Structure: buyer_type
  Obstacles: barriers
  "Freins [Budget]": b_financier
  Horodateur: ignore
values:
  buyer_type:
    Ministère: etat
    Mairie: collectivite
  barriers:
    Manque de chocolat: null       # an answer the study does not count, ignored on purpose
    Trop de papiers: b_juridique
true_values: [Coché]
"""


def test_mapping_file_maps_headers_labels_and_ignored_values(tmp_path):
    rows = [["ID", "Horodateur", "Structure", "Obstacles", "Freins [Budget]"],
            ["X1", "2017-10-01", "Ministère", "Trop de papiers, Manque de chocolat", "Coché"],
            ["X2", "2017-10-02", "Mairie", "Manque de chocolat", ""],
            ["X3", "2017-10-03", "Etat", "Pas de temps à y consacrer", ""]]
    mapping = tmp_path / "correspondance.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    path = write_csv(tmp_path / "maison.csv", rows)
    assert _without_never_ticked(survey.validate(path, "buyers", mapping=mapping, wave=2017)).empty
    t = survey.load_export(path, "buyers", wave=2017, mapping=mapping)
    assert t["buyer_type"].tolist() == ["etat", "collectivite", "etat"]
    assert t["b_juridique"].tolist() == [True, pd.NA, False]
    assert t["b_financier"].tolist() == [True, pd.NA, False]
    assert t["b_temps"].tolist() == [False, pd.NA, True]


def test_mapping_errors_list_the_allowed_targets(tmp_path):
    with pytest.raises(InputError) as exc:
        survey.load_export(write_csv(tmp_path / "m.csv", ROWS), "buyers", wave=2017,
                         mapping={"columns": {"Vous êtes": "type_acheteur"}, "values": {"buyer_type": {"X": "roi"}}})
    msg = str(exc.value)
    assert "type_acheteur" in msg and "buyer_type" in msg and "roi" in msg and "etat" in msg


# ----------------------------------------------------------------------------------------- study files

def test_study_file_paths_are_relative_to_the_study(tmp_path, monkeypatch):
    (tmp_path / "exports").mkdir()
    write_csv(tmp_path / "exports" / "a17.csv", ROWS)
    study = tmp_path / "etude.yaml"
    study.write_text("title: Test\nbuyers:\n  - wave: 2017\n    file: exports/a17.csv\n    sep: ';'\n",
                     encoding="utf-8")
    monkeypatch.chdir(paths.PACKAGE_DIR)
    t = survey.load_study(study)
    assert len(t["buyers"]) == 3 and t["companies"].empty and not t["buyers"]["simulated"].any()
    assert list(t["companies"].columns) == list(survey.empty_table("companies").columns)
    inp = survey.study_inputs(study)
    assert inp["path"].tolist() == [str((tmp_path / "exports" / "a17.csv").resolve())]
    assert not inp["simulated"].any()


def test_a_study_loaded_twice_is_parsed_once_and_a_changed_file_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setenv("ETUDE_SALT", "9c2f21466bd6276504e7dd1b6346bdefd4cd949b08f7493fa6a321fb8e19ac50")
    export = write_csv(tmp_path / "a17.csv", ROWS)
    study = tmp_path / "etude.yaml"
    study.write_text("buyers:\n  - {wave: 2017, file: a17.csv}\n", encoding="utf-8")
    first = survey.load_study(study)
    first["buyers"].loc[0, "buyer_type"] = None  # a notebook that changes its copy changes only its copy
    assert survey.load_study(study)["buyers"]["buyer_type"].tolist() == ["etat", "collectivite", "sante"]
    write_csv(export, ROWS[:3])
    assert len(survey.load_study(study)["buyers"]) == 2
    monkeypatch.setenv("ETUDE_SALT", "ea8415ef9f09585efc7847f39f7e6168c04d42b3a1309a5a09546e59a0505b7d")
    assert survey.load_study(study)["buyers"]["respondent_id"].tolist() != first["buyers"]["respondent_id"][:2].tolist()


def test_a_parse_left_by_one_process_is_taken_by_another_only_for_the_same_files_and_tag(tmp_path, monkeypatch):
    from etude.survey import study as st
    monkeypatch.setenv("ETUDE_SALT", "9c2f21466bd6276504e7dd1b6346bdefd4cd949b08f7493fa6a321fb8e19ac50")
    export = write_csv(tmp_path / "a17.csv", ROWS)
    study = tmp_path / "etude.yaml"
    study.write_text("buyers:\n  - {wave: 2017, file: a17.csv}\n", encoding="utf-8")
    shared = tmp_path / "partage"
    monkeypatch.setattr(st, "_LAST_LOAD", {})
    assert st.share_parsed(study, shared, tag="v1") is None  # nothing parsed in this process yet
    expected = survey.load_study(study)
    left = st.share_parsed(study, shared, tag="v1")
    assert left is not None and left.parent == shared and left.is_dir()  # Parquet and JSON: nothing executes
    assert sorted(p.name for p in left.iterdir()) == ["buyers.parquet", "companies.parquet", "meta.json"]

    monkeypatch.setattr(st, "_LAST_LOAD", {})  # « another process »
    monkeypatch.setattr(st, "_parse_all", lambda *a: pytest.fail("parsed again"))
    assert not st.remember_shared(study, shared, tag="v2")  # other code or libraries: not taken
    assert st.remember_shared(study, shared, tag="v1")
    pd.testing.assert_frame_equal(survey.load_study(study)["buyers"], expected["buyers"])

    meta = left / "meta.json"  # a file changed since it was stored is refused before anything is read
    meta.write_bytes(meta.read_bytes().replace(b'"seal"', b'"seal" ', 1))
    monkeypatch.setattr(st, "_LAST_LOAD", {})
    monkeypatch.setattr(pd, "read_parquet", lambda *a, **k: pytest.fail("read"))
    assert not st.remember_shared(study, shared, tag="v1")
    assert not left.exists()  # etude's own entry, refused: removed
    monkeypatch.undo()
    monkeypatch.setenv("ETUDE_SALT", "9c2f21466bd6276504e7dd1b6346bdefd4cd949b08f7493fa6a321fb8e19ac50")
    survey.load_study(study)
    assert st.share_parsed(study, shared, tag="v1") == left

    write_csv(export, ROWS[:3])  # a changed file: the parse left before is not that of these files
    monkeypatch.setattr(st, "_LAST_LOAD", {})
    assert not st.remember_shared(study, shared, tag="v1")


def test_a_study_with_errors_is_never_shared(tmp_path, monkeypatch):
    from etude.survey import study as st
    monkeypatch.setenv("ETUDE_SALT", "9c2f21466bd6276504e7dd1b6346bdefd4cd949b08f7493fa6a321fb8e19ac50")
    rows = [list(r) for r in ROWS]
    rows[1][1] = "Martien"
    write_csv(tmp_path / "a.csv", rows)
    study = tmp_path / "etude.yaml"
    study.write_text("buyers:\n  - {wave: 2017, file: a.csv}\n", encoding="utf-8")
    assert [p for p in survey.validate_study(study) if p["severity"] == "error"]
    assert st.share_parsed(study, tmp_path / "partage", tag="v1") is None
    assert not (tmp_path / "partage").exists()


def test_study_file_problems_are_all_reported(tmp_path):
    study = tmp_path / "etude.yaml"
    study.write_text("titre: X\nbuyers:\n  - wave: deux-mille\n    file: absent.csv\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        survey.read_study(study)
    assert {p["column"] for p in exc.value.problems} == {"titre", "buyers[1].wave", "buyers[1].file"}


def test_load_study_reports_problems_of_every_file(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][1] = "Martien"
    write_csv(tmp_path / "a.csv", rows)
    write_csv(tmp_path / "b.csv", [r + [v] for r, v in zip(ROWS, ["Année", "2019", "2018", "2018"])])
    study = tmp_path / "etude.yaml"
    study.write_text("buyers:\n  - {wave: 2017, file: a.csv}\n  - {wave: 2018, file: b.csv}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        survey.load_study(study)
    assert [(p["file"], p["row"]) for p in exc.value.problems] == [("a.csv", 2), ("b.csv", 2)]


# ------------------------------------------------------------------------------------------- extension

def test_a_new_item_and_attribute_are_a_codebook_change_only(tmp_path):
    import yaml
    cb = yaml.safe_load(paths.codebook_file().read_text(encoding="utf-8"))
    buyers = cb["questionnaires"]["buyers"]
    buyers["questions"]["barriers"]["items"].append({
        "code": "b_marche", "label_fr": "Méconnaissance du marché fournisseur", "label_en": "Unknown supplier market",
        "short_fr": "Marché inconnu", "short_en": "Unknown market", "theme": "information",
        "rationale": "Test item."})
    buyers["attributes"]["service"] = {"required": False, "label_fr": "Service", "label_en": "Department",
                                       "text_fr": "Votre service", "values": [
                                           {"code": "achats", "label_fr": "Service achats", "label_en": "Purchasing"},
                                           {"code": "technique", "label_fr": "Services techniques",
                                            "label_en": "Technical"}]}
    cb_path = tmp_path / "codebook.yaml"
    cb_path.write_text(yaml.safe_dump(cb, allow_unicode=True), encoding="utf-8")
    rows = [["Vous êtes", "Votre service", Q_B],
            ["État", "Service achats", "Méconnaissance du marché fournisseur, Freins financiers"],
            ["État", "Services techniques", "Freins financiers"]]
    t = survey.load_export(write_csv(tmp_path / "e.csv", rows), "buyers", wave=2017, codebook=cb_path)
    assert t["b_marche"].tolist() == [True, False]
    assert t["service"].tolist() == ["achats", "technique"]
    survey.respondent_schema("buyers", codebook=cb_path).validate(t)
    with pytest.raises(InputError, match="Méconnaissance du marché fournisseur"):  # the stock codebook refuses it
        survey.load_export(tmp_path / "e.csv", "buyers", wave=2017)


# ---------------------------------------------------------------------------------------------- round trip

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(alphabet="abcdeéèàçôŒœ ABC,;'\"!?()-\n", min_size=1, max_size=25).map(str.strip).filter(bool)
_CONFIGS = [  # suffix, layout, encoding, sep, packed_sep / true_value, title rows
    (".csv", "wide", "cp1252", ";", "Oui", ()),
    (".csv", "packed", "utf-8", ",", ", ", ()),
    (".csv", "packed", "utf-8-sig", "\t", ";", ()),
    (".csv", "wide", "utf-8-sig", ",", "X", ()),
    (".csv", "wide", "utf-8", "\t", "1", ()),
    (".xlsx", "wide", None, None, "Y", ("Titre de l'export", "Export du 12/10/2017")),
    (".xlsx", "packed", None, None, "; ", ()),
]


@st.composite
def respondent_tables(draw, population):
    n = draw(st.integers(1, 6))
    cb = codebook.load()
    rows = []
    for i in range(n):
        r = {"respondent_id": f"id-{i}"}
        for name, spec in codebook.attributes(population).items():
            if name == "wave":
                continue
            codes = [str(v["code"]) for v in spec.get("values", [])] + (["Ville de Test"] if spec.get("open") else [])
            r[name] = draw(st.sampled_from(codes)) if spec.get("required") else draw(st.sampled_from([None] + codes))
        for question in cb["questionnaires"][population]["questions"]:
            asked = history.asked(population, 2017, question)  # an item added later is « non posé » (NA) in 2017
            chosen = draw(st.sets(st.sampled_from(asked))) if asked else set()
            for c in codebook.items(population, question)["code"]:
                r[c] = (c in chosen) if chosen and c in asked else pd.NA
        for t in codebook.text_fields(population):
            r[t] = draw(st.one_of(st.none(), _TEXT))
        rows.append(r)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("population", ["buyers", "companies"])
def test_round_trip_every_layout_encoding_separator_and_format(population, tmp_path_factory):
    folder = tmp_path_factory.mktemp("rt")

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(respondent_tables(population))
    def check(table):
        expected = table.assign(population=population, wave=2017, simulated=False, source_file="x")
        from etude.survey import privacy
        expected["respondent_id"] = privacy.pseudonymise(
            [f"{population}|2017|respondent_id:{v}" for v in table["respondent_id"]],
            "A" if population == "buyers" else "E")
        expected = tables.finalise(expected, population, codebook.load())
        for k, (suffix, layout, encoding, sep, tick, titles) in enumerate(_CONFIGS):
            shape = demo.ExportLayout(layout, true_value=tick if layout == "wide" else "Oui",
                                      packed_sep=tick if layout == "packed" else ", ")
            export = demo.to_export(table, population, layout=shape)
            path = folder / f"export{k}{suffix}"
            kw = {"encoding": encoding, "sep": sep} if suffix == ".csv" else {"title_rows": titles}
            demo.write_export(export, path, **kw)
            got = survey.load_export(path, population, wave=2017).assign(source_file="x")
            pd.testing.assert_frame_equal(got, expected, obj=f"{suffix} {layout} {encoding} {sep!r}")

    check()


def _readme_block(marker):
    import re
    text = (paths.PACKAGE_DIR.parents[1] / "README.md").read_text(encoding="utf-8")
    return next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if marker in b)


def test_readme_mapping_example_works(tmp_path):
    mapping = tmp_path / "correspondance_2018.yaml"
    mapping.write_text(_readme_block("# correspondance_2018.yaml"), encoding="utf-8")
    rows = [["ID", "Horodateur", "Type de structure", "Vos principaux freins", "Freins [Budget]"],
            ["1", "2018-01-01", "Ministère", "Budget insuffisant, Autre", ""],
            ["2", "2018-01-02", "Mairie", "Craintes juridiques", "Coché"]]
    path = write_csv(tmp_path / "export.csv", rows)
    assert _without_never_ticked(survey.validate(path, "buyers", mapping=mapping, wave=2018)).empty
    t = survey.load_export(path, "buyers", mapping=mapping, wave=2018)
    assert t["b_financier"].tolist() == [True, True] and t["b_juridique"].tolist() == [False, True]


def test_readme_study_example_uses_known_keys(tmp_path):
    import yaml
    spec = yaml.safe_load(_readme_block("# mon_etude.yaml"))
    for population in ["buyers", "companies"]:
        for wave in spec[population]:
            (tmp_path / wave["file"]).parent.mkdir(parents=True, exist_ok=True)
            # each export its own bytes: the same export listed twice is refused (issue 12.5)
            write_csv(tmp_path / wave["file"], [*ROWS[:-1], [*ROWS[-1][:-1], wave["file"]]])
            if wave.get("mapping"):
                (tmp_path / wave["mapping"]).write_text("columns: {}\n", encoding="utf-8")
    (tmp_path / "mon_etude.yaml").write_text(_readme_block("# mon_etude.yaml"), encoding="utf-8")
    study = survey.read_study(tmp_path / "mon_etude.yaml")
    assert [(i["population"], i["wave"]) for i in study["inputs"]] == [("buyers", 2017), ("buyers", 2018),
                                                                 ("companies", 2017), ("companies", 2018)]
    assert study["inputs"][-1]["not_asked"] == ["e_besoins"]
    assert study["simulated"] is False


def test_schema_rejects_a_row_answered_with_nothing_ticked():
    import pandera.pandas as pa
    df = survey.load_study()["buyers"].head(3).copy()
    df.loc[0, BUYER_ITEMS] = False
    with pytest.raises(pa.errors.SchemaError, match="barriers"):
        survey.respondent_schema("buyers").validate(df)


def test_xlsx_formulas_use_the_cached_value_or_are_reported(tmp_path):
    import zipfile
    table = pd.DataFrame(ROWS[1:], columns=ROWS[0])
    path = demo.write_export(table, tmp_path / "f.xlsx")
    # as Excel saves it: the formula and its last computed value (openpyxl itself never stores a cached value)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode("utf-8")
    import re
    cell = re.search(r'<c r="B2"[^>]*>.*?</c>', xml).group(0)
    xml = xml.replace(cell, '<c r="B2" t="str"><f>IF(1,"État","")</f><v>État</v></c>')
    cell = re.search(r'<c r="B3"[^>]*>.*?</c>', xml).group(0)
    xml = xml.replace(cell, '<c r="B3" t="str"><f>HYPERLINK("http://x.example","Mairie")</f></c>')
    parts[sheet] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    report = survey.validate(path, "buyers", wave=2017)
    warn = report[report["severity"] == "warning"].iloc[0]
    assert (warn["row"], warn["column"]) == (2, "B") and "valeur calculée « État »" in warn["message"]
    err = report[report["severity"] == "error"].iloc[0]
    assert (err["row"], err["column"], err["message"]) == (3, "Vous êtes", "formule au lieu d'une valeur")


def test_study_may_be_given_as_its_folder():
    assert survey.read_study(paths.demo_dir())["path"] == paths.default_study().resolve()


# ------------------------------------------------------------------------------ issue 12 and 13 additions

def _study_file(folder, entries, exports):
    import yaml
    for name, rows in exports.items():
        write_csv(folder / name, rows)
    (folder / "etude.yaml").write_text(yaml.safe_dump({"buyers": entries}, allow_unicode=True), encoding="utf-8")
    return folder / "etude.yaml"


def test_an_item_missing_from_a_wide_wave_is_not_asked_never_false(tmp_path):
    labels = list(codebook.items("buyers")["label_fr"])
    header = ["Identifiant de la réponse", "Vous êtes"] + [f"{Q_B} [{lab}]" for lab in labels]
    ticks = [["Oui" if i == k else "" for i in range(len(labels))] for k in (0, 1)]  # items counted from the codebook
    full = [header, ["r1", "État", *ticks[0]], ["r2", "État", *ticks[1]]]
    gone = 2 + BUYER_ITEMS.index("b_donnees")
    dropped = [[v for j, v in enumerate(r) if j != gone] for r in full]  # no column for b_donnees in 2018
    study = _study_file(tmp_path, [{"wave": 2017, "file": "a.csv"}, {"wave": 2018, "file": "b.csv"}],
                        {"a.csv": full, "b.csv": [dropped[0], ["r3", *dropped[1][1:]], ["r4", *dropped[2][1:]]]})
    t = survey.load_study(study)["buyers"]
    later = t[t["wave"] == 2018]
    assert later["b_donnees"].isna().all() and later["b_soutien"].notna().all()
    assert (t.loc[t["wave"] == 2017, "b_donnees"] == False).all()  # noqa: E712 - asked, ticked by nobody
    na = survey.not_asked(t)
    na = na[[c not in history.unasked("buyers", w) for w, c in zip(na["wave"], na["item"])]]  # history aside
    assert na[["wave", "question", "item"]].values.tolist() == [[2018, "barriers", "b_donnees"]]
    infos = [p for p in history.without_history(survey.validate_study(study)) if p["severity"] == "info"]
    assert [(p["file"], p["column"]) for p in infos] == [("b.csv", "b_donnees")]


def test_not_asked_declared_in_a_study_entry_makes_a_packed_item_na(tmp_path):
    study = _study_file(tmp_path, [{"wave": 2017, "file": "a.csv", "not_asked": ["b_juridique"]}], {"a.csv": ROWS})
    t = survey.load_study(study)["buyers"]
    assert t["b_juridique"].isna().all() and t["b_financier"].notna().any()
    assert sorted(survey.not_asked(t)["item"]) == sorted(["b_juridique", *history.unasked("buyers", 2017)])


def test_validate_study_lists_every_problem_of_every_export(tmp_path):
    bad = [list(r) for r in ROWS]
    bad[1][1] = "Martien"
    other = [list(r) for r in ROWS]
    other[2][3] = "75"
    study = _study_file(tmp_path, [{"wave": 2017, "file": "a.csv"}, {"wave": 2018, "file": "b.csv"}],
                        {"a.csv": bad, "b.csv": other})
    errors = [p for p in survey.validate_study(study) if p["severity"] == "error"]
    assert [(p["file"], p["row"], p["value"]) for p in errors] == [("a.csv", 2, "Martien"), ("b.csv", 3, "75")]
    assert survey.validate_study(tmp_path / "absent.yaml")[0]["message"] == "fichier d'étude introuvable"


def test_organisation_is_scrubbed_and_rare_unknown_values_become_autre(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][2] = "Mairie de Trifouilly, jean.dupont@mairie.fr"
    rows[3][2] = "MEL"
    study = _study_file(tmp_path, [{"wave": 2017, "file": "a.csv"}], {"a.csv": rows})
    t = survey.load_study(study)["buyers"]
    assert t["organisation"].tolist()[:3:2] == ["autre", "mel"]
    raw = survey.load_export(tmp_path / "a.csv", "buyers", wave=2017)
    assert raw["organisation"].iloc[0] == "Mairie de Trifouilly, [courriel supprimé]"


def test_echoed_values_lose_terminal_escapes(tmp_path, capsys):
    from etude import cli
    rows = [list(r) for r in ROWS]
    rows[1][1] = "\x1b]8;;http://x.invalid\x07Martien\x1b[2J"
    assert cli.main(["validate", str(write_csv(tmp_path / "a.csv", rows)), "--population", "buyers"]) == 1
    out = capsys.readouterr().out
    assert "Martien" in out and "\x1b" not in out and "\x07" not in out


def test_stale_xlsx_dimension_still_reads_every_row(tmp_path):
    import re
    import zipfile
    path = demo.write_export(pd.DataFrame(ROWS[1:], columns=ROWS[0]), tmp_path / "a.xlsx")
    raw = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(raw, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]+" ?/>', b'<dimension ref="A1" />', data)
            zout.writestr(info.filename, data)
    assert len(survey.load_export(raw, "buyers", wave=2017)) == 3


def test_yaml_aliases_and_deep_nesting_are_refused_before_building(tmp_path):
    study = tmp_path / "etude.yaml"
    study.write_text("title: &a [x, x]\nnotes: [*a, *a]\n", encoding="utf-8")
    with pytest.raises(InputError, match="alias YAML"):
        survey.read_study(study)
    study.write_text("buyers: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="imbrication"):
        survey.read_study(study)


def test_a_file_name_that_is_not_utf8_is_validated_and_fits_a_manifest(tmp_path):
    import json
    import os
    folder = tmp_path / os.fsdecode(b"\xe9tude")  # Latin-1 bytes: not UTF-8
    folder.mkdir()
    write_csv(folder / os.fsdecode(b"acheteurs_\xe9t\xe9.csv"), ROWS)
    t = survey.load_export(folder / os.fsdecode(b"acheteurs_\xe9t\xe9.csv"), "buyers", wave=2017)
    assert t["source_file"].iloc[0] == "acheteurs_\ufffdt\ufffd.csv"
    write_csv(folder / "a.csv", ROWS)
    (folder / "etude.yaml").write_text("buyers:\n  - {wave: 2017, file: a.csv}\n", encoding="utf-8")
    inputs = survey.study_inputs(folder / "etude.yaml")
    assert "\ufffd" in inputs["path"].iloc[0]
    json.dumps(inputs.to_dict("records"), ensure_ascii=False).encode("utf-8")  # what a manifest does
