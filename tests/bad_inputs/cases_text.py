"""Bad-input cases of issue 28 (clean text at the door, long cells, linear scrubbing, odd inputs, the same answers
as two waves); same case shape as ``make_cases`` (its docstring). ``cases_survey.cases()`` appends these.

Each case asserts what the user gets: the message, the exit code, and with ``after`` what was loaded or written
(a cleaned value, a scrubbed comment, a CSV whose every text field is quoted, a workbook with no formula).
"""
from __future__ import annotations

import io
import json
import os
from pathlib import Path

import openpyxl
import yaml

from bad_inputs import make_cases as mc

__all__ = ["cases"]

#: A long run of letters: the former e-mail pattern took minutes on it (quadratic).
LONG_RUN = 200_000


def _case(id, fmt, what, make, exit, expect, todo="", env=None):
    return {"id": id, "fmt": fmt, "what": what, "make": make, "exit": exit, "expect": expect, "todo": todo,
            "env": env, "after": None, "absent": []}


def _checked(case: dict, *, after=None, absent=()) -> dict:
    """``case`` with what must hold once the command ran (``after``) and what its output must not say (``absent``)."""
    return {**case, "after": after, "absent": list(absent)}


def _with_organisations(orgs: list[str], comments: list[str] | None = None, rows=None) -> list[list]:
    """The baseline buyers export with an « Organisme » column (and its comments replaced, if given)."""
    rows = [list(r) for r in (rows or mc.buyers_rows())]
    rows[0] = rows[0][:-1] + ["Organisme", "Commentaires"]
    for i in range(1, len(rows)):
        rows[i] = rows[i][:-1] + [orgs[i - 1], (comments or ["RAS"] * len(rows))[i - 1]]
    return rows


def _export(name: str, rows, *extra: str, population: str = "buyers"):
    def make(folder: Path) -> list[str]:
        path = folder / name
        made = rows() if callable(rows) else rows
        if isinstance(made, bytes):
            path.write_bytes(made)
        else:
            mc.write_csv(path, made)
        return ["validate", str(path), "--population", population, *extra]
    return make


def _loaded(name: str, column: str, expected: list, *, wave: int = 2017):
    """``after``: the export ``name`` loads with ``column`` equal to ``expected`` (as text)."""
    def after(folder: Path) -> bool:
        from etude import survey
        table = survey.load_export(folder / name, "buyers", wave=wave)
        return table[column].astype(object).where(table[column].notna(), None).tolist() == expected
    return after


def _five_buyers() -> list[list]:
    """The baseline buyers export with a fifth respondent (a copy of the first, its own id)."""
    rows = mc.buyers_rows()
    return [*rows, ["R005", *rows[1][1:]]]


def _xlsx(rows: list[list]) -> bytes:
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(buf)
    return buf.getvalue()


def _mapping(text: str):
    def make(folder: Path) -> list[str]:
        export = mc.write_csv(folder / "export_maison.csv", [["ID", "Structure", "Dept", "Obstacles"],
                                                             ["X1", "Ministère", "59", mc.item_labels("buyers")[0]]])
        (folder / "correspondance.yaml").write_text(text, encoding="utf-8")
        return ["validate", str(export), "--population", "buyers", "--mapping", str(folder / "correspondance.yaml")]
    return make


def _study(doc, files: dict[str, object] | None = None, *, name: str = "etude.yaml", raw: bool = False):
    """``etude validate --study`` on a study file written beside its files (rows, bytes or text)."""
    def make(folder: Path) -> list[str]:
        for file, content in (files or {}).items():
            if isinstance(content, bytes):
                (folder / file).write_bytes(content)
            elif isinstance(content, str):
                (folder / file).write_text(content, encoding="utf-8")
            else:
                mc.write_csv(folder / file, content)
        text = doc if raw else yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
        path = Path(os.fsdecode(bytes(folder / name)))
        path.write_text(text, encoding="utf-8")
        return ["validate", "--study", str(path)]
    return make


def _codebook_study(content: str | bytes):
    doc = {"codebook": "mon_codebook.yaml", "buyers": [{"wave": 2017, "file": "acheteurs.csv"}]}
    return _study(doc, {"mon_codebook.yaml": content, "acheteurs.csv": mc.buyers_rows()}, name="etude_cb.yaml")


def _alias_bomb() -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _tiny(folder: Path, notebooks=("01_ok",)) -> Path:
    from bad_inputs import runs
    return runs.tiny_root(folder, notebooks)


def _tiny_env(folder: Path) -> dict:
    from bad_inputs import runs
    return runs.env_for(folder / "depot")


def _salt(content: bytes | None):
    """``etude validate`` on a valid export, the salt coming from ``depot/.etude-salt`` holding ``content``
    (``None``: a folder of that name)."""
    def make(folder: Path) -> list[str]:
        root = _tiny(folder)
        salt = root / ".etude-salt"
        if content is None:
            salt.mkdir()
        else:
            salt.write_bytes(content)
        export = mc.write_csv(folder / "acheteurs.csv", mc.buyers_rows())
        return ["validate", str(export), "--population", "buyers"]
    return make


def _salt_env(folder: Path) -> dict:
    return {**_tiny_env(folder), "ETUDE_SALT": ""}


def _no_wave_rows(rows=None) -> list[list]:
    """Rows without the « Année » column: the wave comes from the study file, as in the demo's exports."""
    return mc.drop_column(rows or mc.buyers_rows(), "Année")


def _resaved() -> tuple[bytes, bytes]:
    """A Windows-1252 export with CRLF line ends, and the same re-saved in UTF-8 with LF."""
    rows = mc.set_cell(_no_wave_rows(), 2, "Commentaires", "Première ligne\r\nseconde, « État »")
    cp1252 = mc.csv_text(rows, ";").replace("→", "->").encode("cp1252")
    return cp1252, cp1252.decode("cp1252").replace("\r\n", "\n").encode("utf-8")


def _waves(files: dict[str, object], *, population: str = "buyers"):
    waves = [{"wave": 2017 + i, "file": f} for i, f in enumerate(files)]
    return _study({population: waves}, files, name="etude_vagues.yaml")


def _run_study(files: dict[str, list[list]], notebooks=("03_texte_libre",)):
    """``etude reproduce --study`` on a tiny repository running ``notebooks``."""
    def make(folder: Path) -> list[str]:
        _tiny(folder, notebooks)
        for file, rows in files.items():
            mc.write_csv(folder / file, rows)
        study = folder / "etude_textes.yaml"
        study.write_text(yaml.safe_dump({"title": "Textes\x07 \u202e", "buyers": [{"wave": 2017, "file": f}
                                                                                  for f in files]},
                                        allow_unicode=True), encoding="utf-8")
        return ["reproduce", "--study", str(study), "--out", str(folder / "sorties"), "--jobs", "1"]
    return make


def _clean_outputs(folder: Path) -> bool:
    """The run's CSV quotes every text field and holds no carriage return nor invisible character, pandas reads
    it back row for row, and the workbook holds the same texts and no formula."""
    import csv

    import pandas as pd
    run = folder / "sorties" / "latest"
    raw = (run / "tables" / "commentaires.csv").read_bytes().decode("utf-8")
    # read as a spreadsheet would with « quoted field as text »: an unquoted text field would raise here
    rows = list(csv.reader(io.StringIO(raw, newline=""), quoting=csv.QUOTE_NONNUMERIC))
    back = pd.read_csv(io.StringIO(raw))
    wb = openpyxl.load_workbook(run / "tables" / "tables.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    return ("\r" not in raw and "\u202e" not in raw and "\u200b" not in raw and len(rows) == 5
            and all(isinstance(v, str) for r in rows for v in r)
            and len(back) == 4 and "Ville\n=1+1 abc" in back["comment"].tolist()
            and "'=SOMME(A1:A9)" in back["comment"].tolist()
            and not any(c.data_type == "f" for c in cells)
            and any(c.value == "Ville\n=1+1 abc" for c in cells)
            and json.loads((run / "manifest.json").read_text(encoding="utf-8"))["status"] == "ok")


def _run_in_english(folder: Path) -> bool:
    manifest = json.loads((folder / "sorties" / "latest" / "manifest.json").read_text(encoding="utf-8")) \
        if (folder / "sorties" / "latest").exists() else None
    if manifest is None:  # etude run does not move latest: the one run folder
        runs = [p for p in (folder / "sorties").iterdir() if p.is_dir() and p.name != ".cache"]
        manifest = json.loads((runs[0] / "manifest.json").read_text(encoding="utf-8"))
    return manifest["parameters"]["lang"] == "en" and "lang" not in manifest["parameters"]["given"]


def _no_run(folder: Path) -> bool:
    out = folder / "sorties"
    return not out.exists() or not [p for p in out.iterdir() if p.name not in (".cache",)]


def _non_utf8_study_run(folder: Path) -> list[str]:
    _tiny(folder)
    sub = Path(os.fsdecode(bytes(folder) + b"/\xe9tude"))
    sub.mkdir()
    mc.write_csv(sub / "acheteurs.csv", mc.buyers_rows())
    (sub / "etude.yaml").write_text("buyers:\n  - {wave: 2017, file: acheteurs.csv}\n", encoding="utf-8")
    return ["reproduce", "--study", str(sub / "etude.yaml"), "--out", str(folder / "sorties"), "--jobs", "1"]


def _comment_scrubbed(name: str) -> callable:
    def after(folder: Path) -> bool:
        from etude import survey
        from etude.survey import privacy
        comment = survey.load_export(folder / name, "buyers", wave=2017)["comment"].iloc[0]
        return privacy.EMAIL_TOKEN in comment and "jeanne" not in comment and len(comment) > 190_000
    return after


def _text_cases() -> list[dict]:
    orgs = ["Mairie \u202etxet.exe\u202c de Lens", "M\u200bE\u200dL", "MEL", "MEL"]
    cr = ["Ville\r=1+1", "Ville\r=1+1", "Ville\r=1+1", "Ville\r=1+1"]
    say = ["information", "invisible", "ou de contrôle retiré"]
    return [
        _checked(
            _case("csv_bidi_override", "csv", "caractères de contrôle bidirectionnels (U+202E) dans « Organisme »",
                  _export("acheteurs_bidi.csv", _with_organisations(orgs)), 0,
                  [*say, "U+202E", "U+202C", "ligne 2, colonne", "valide (buyers, 4 répondants)"],
                  "Rien à faire : les caractères invisibles sont retirés à la lecture (information)."),
            after=_loaded("acheteurs_bidi.csv", "organisation", ["Mairie txet.exe de Lens", "mel", "mel", "mel"])),
        _checked(
            _case("csv_zero_width_splits_a_value", "csv",
                  "« MEL » écrit avec des caractères de largeur nulle (U+200B…)",
                  _export("acheteurs_mel.csv", _with_organisations(["M\u200bE\u200dL", "MEL", "MEL", "M\u2060EL"])),
                  0,
                  [*say, "U+200B", "U+2060", "ligne 5, colonne"]),
            after=_loaded("acheteurs_mel.csv", "organisation", ["mel"] * 4)),
        _checked(
            _case("csv_carriage_return_in_a_value", "csv", "retour chariot dans « Organisme » (« Ville\\r=1+1 »)",
                  _export("acheteurs_cr.csv", _with_organisations(cr)), 0, ["valide (buyers, 4 répondants)"]),
            absent=["caractères invisibles"], after=_loaded("acheteurs_cr.csv", "organisation", ["Ville =1+1"] * 4)),
        _checked(
            _case("csv_control_characters_in_free_text", "csv", "caractères de contrôle C0 et C1 dans un commentaire",
                  _export("acheteurs_c0.csv",
                          _with_organisations(["MEL"] * 4, ["Bon\x01jour\x07 à\x1f tous\x7f\x9f"] * 4)),
                  0, [*say, "U+0001", "U+0007", "U+009F"]),
            after=_loaded("acheteurs_c0.csv", "comment", ["Bonjour à tous"] * 4)),
        _checked(
            _case("csv_line_breaks_in_free_text", "csv", "sauts de ligne CRLF, CR, U+2028 dans un commentaire",
                  _export("acheteurs_paragraphes.csv",
                          _with_organisations(["MEL"] * 4, ["un\r\ndeux\rtrois\u2028quatre"] * 4)), 0,
                  ["valide (buyers, 4 répondants)"]),
            after=_loaded("acheteurs_paragraphes.csv", "comment", ["un\ndeux\ntrois\nquatre"] * 4)),
        _case("csv_invisible_characters_in_a_header", "csv", "en-tête « Vous êtes » avec U+200B (largeur nulle)",
              _export("acheteurs_entete.csv", [["Vous\u200b êtes" if c == "Vous êtes" else c
                                                for c in mc.buyers_rows()[0]], *mc.buyers_rows()[1:]]), 0,
              [*say, "ligne 1, colonne C", "valide (buyers, 4 répondants)"]),
        _case("csv_byte_order_mark_inside_a_value", "csv", "U+FEFF et U+2060 au milieu d'une valeur codée",
              _export("acheteurs_bom.csv",
                      mc.set_cell(mc.buyers_rows(), 2, "Vous êtes", "Services\u2060 de l'État\ufeff")),
              0, [*say, "U+FEFF", "valide (buyers, 4 répondants)"]),
        _case("csv_zero_width_duplicate_id", "csv", "identifiants « R001 » et « R001 » avec U+200B (le même nettoyé)",
              _export("acheteurs_ids.csv", mc.set_cell(mc.buyers_rows(), 3, "Identifiant de la réponse", "R\u200b001")),
              1, ["acheteurs_ids.csv", "ligne 3", "identifiant de répondant en double", "R001"]),
        _checked(
            _case("csv_decomposed_accents", "csv", "accents décomposés (NFD) dans une valeur ouverte",
                  _export("acheteurs_nfd.csv", _with_organisations(["Mairie d'E\u0301taples"] * 4)), 0,
                  ["valide (buyers, 4 répondants)"]),
            after=_loaded("acheteurs_nfd.csv", "organisation", ["Mairie d'Étaples"] * 4)),
        _case("xlsx_bidi_override", "xlsx", "classeur : U+202E dans « Organisme »",
              _export("acheteurs_bidi.xlsx", lambda: _xlsx(_with_organisations(orgs))), 0,
              [*say, "U+202E", "valide (buyers, 4 répondants)"]),
        _case("mapping_label_with_zero_width", "mapping", "correspondance : libellé « Ministère » avec U+200B",
              _mapping("columns:\n  ID: respondent_id\n  Structure: buyer_type\n  Dept: departement\n"
                       "  Obstacles: barriers\nvalues:\n  buyer_type:\n    \"Minis\\u200btère\": etat\n"), 0,
              [*say, "correspondance.yaml", "values.buyer_type", "valide (buyers, 1 répondant)"]),
        _case("study_title_control_character", "study", "titre du fichier d'étude avec U+0007 et U+202E",
              _study('title: "Étude\\a test \\u202eabc"\nbuyers:\n  - {wave: 2017, file: acheteurs.csv}\n',
                     {"acheteurs.csv": mc.buyers_rows()}, name="etude_titre.yaml", raw=True), 0,
              [*say, "etude_titre.yaml", "U+0007", "title", "étude valide"]),
    ]


def _scrub_cases() -> list[dict]:
    dashes = "-" * (LONG_RUN - 40) + " écrire à jeanne.plantee@exemple.fr"
    return [
        _case("ok_csv_comment_200000_letters", "csv", "commentaire de 200 000 lettres sans espace",
              _export("acheteurs_lettres.csv", mc.set_cell(mc.buyers_rows(), 2, "Commentaires", "a" * LONG_RUN)), 0,
              ["valide (buyers, 4 répondants)"]),
        _checked(
            _case("ok_csv_comment_200000_dashes_then_an_address", "csv",
                  "commentaire de 200 000 tirets suivis d'une adresse e-mail",
                  _export("acheteurs_tirets.csv", mc.set_cell(mc.buyers_rows(), 2, "Commentaires", dashes)), 0,
                  ["valide (buyers, 4 répondants)"]),
            after=_comment_scrubbed("acheteurs_tirets.csv")),
        _checked(
            _case("ok_csv_500_letter_word_by_5_buyers", "csv",
                  "un mot de 500 lettres donné par 5 acheteurs (Organisme)",
                  _export("acheteurs_mot.csv", _with_organisations(["x" * 500] * 5, rows=_five_buyers())), 0,
                  ["valide (buyers, 5 répondants)"]),
            after=_loaded("acheteurs_mot.csv", "organisation", ["x" * 500] * 5)),
    ]


def _codebook_cases() -> list[dict]:
    todo = "Donner à codebook: un codebook YAML complet, sur le modèle de data/codebook/codebook.yaml."
    head = ["etude_cb.yaml", "colonne « codebook »", "n'est pas un codebook"]
    return [
        _case("study_codebook_is_a_yaml_list", "study", "codebook: un fichier YAML qui est une liste",
              _codebook_study("- a\n- b\n"), 1, [*head, "(racine)", "type inattendu", "dictionnaire"], todo),
        _case("study_codebook_without_questionnaires", "study", "codebook: un dictionnaire sans « questionnaires »",
              _codebook_study("themes: []\n"), 1, [*head, "colonne « questionnaires »", "clé manquante"], todo),
        _case("study_codebook_is_a_scalar", "study", "codebook: un fichier YAML qui est un nombre",
              _codebook_study("42\n"), 1, [*head, "valeur « 42 »", "dictionnaire"], todo),
        _case("study_codebook_items_not_a_list", "study", "codebook: items d'une question qui n'est pas une liste",
              _codebook_study("themes: []\nquestionnaires:\n  buyers: {label_fr: A, label_en: B, questions: "
                              "{barriers: {items: 3}}}\n"), 1,
              [*head, "questionnaires.buyers.questions.barriers.items", "liste"], todo),
        _case("study_codebook_yaml_syntax", "study", "codebook: YAML mal formé",
              _codebook_study("themes: [\nquestionnaires: {\n"), 1, [*head, "codebook illisible (YAML"], todo),
        _case("study_codebook_not_utf8", "study", "codebook: octets qui ne sont pas de l'UTF-8",
              _codebook_study(b"themes: [\xe9t\xe9]\n"), 1, [*head, "codebook illisible", "UTF-8"], todo),
        _case("study_codebook_alias_bomb", "study", "codebook: alias YAML en cascade (« billion laughs »)",
              _codebook_study(_alias_bomb()), 1, [*head, "codebook refusé", "alias développés"], todo),
    ]


def _odd_cases() -> list[dict]:
    param = "Donner une valeur dans les bornes qu'affiche `etude notebooks` (commentaire du paramètre)."
    return [
        _case("study_name_not_utf8", "study", "fichier d'étude dont le nom n'est pas en UTF-8 (validate --study)",
              _study({"buyers": [{"wave": 2017, "file": "acheteurs.csv"}]}, {"acheteurs.csv": mc.buyers_rows()},
                     name=os.fsdecode(b"\xe9tude.yaml")), 1,
              ["\\xe9tude.yaml", "nom de fichier d'étude illisible", "renommer le fichier"],
              "Renommer le fichier d'étude (ou son dossier) avec des lettres en UTF-8, par exemple etude.yaml."),
        _checked(
            _case("run_study_name_not_utf8", "study",
                  "etude reproduce sur un fichier d'étude dont le dossier n'est pas en UTF-8", _non_utf8_study_run, 1,
                  ["\\xe9tude", "nom de fichier d'étude illisible", "aucun notebook n'a été lancé"],
                  env=_tiny_env),
            after=_no_run, absent=["Traceback", "01_ok"]),
        _case("salt_file_empty", "study", "fichier .etude-salt vide", _salt(b""), 1,
              [".etude-salt", "fichier de sel", "vide", "ETUDE_SALT"],
              "Remettre le sel d'origine, ou supprimer .etude-salt (un nouveau sel est créé : les pseudonymes "
              "changent), ou définir ETUDE_SALT.", env=_salt_env),
        _case("salt_file_not_utf8", "study", "fichier .etude-salt qui n'est pas du texte UTF-8",
              _salt(b"\xff\xfe\x00sel"), 1, [".etude-salt", "illisible", "UTF-8"], env=_salt_env),
        _case("salt_file_is_a_folder", "study", ".etude-salt est un dossier", _salt(None), 1,
              [".etude-salt", "illisible"], env=_salt_env),
        _checked(
            _case("run_min_cell_zero", "study", "-p min_cell 0 (secret statistique désactivé)",
                  lambda d: ["reproduce", "-p", "min_cell", "0", "--out", str(d / "sorties")], 1,
                  ["« min_cell »", "valeur « 0 » hors bornes", "entre 1 et 1000"], param),
            after=_no_run),
        _case("run_min_cell_too_large", "study", "-p min_cell 5000",
              lambda d: ["reproduce", "-p", "min_cell", "5000", "--out", str(d / "sorties")], 1,
              ["« min_cell »", "hors bornes", "entre 1 et 1000"], param),
        _case("run_lang_twice", "study", "--lang fr et -p lang en à la fois",
              lambda d: ["reproduce", "--lang", "fr", "-p", "lang", "en", "--out", str(d / "sorties")], 1,
              ["langue donnée deux fois", "--lang fr", "-p lang en"], "Ne donner la langue qu'une fois."),
        _case("run_lang_unknown_as_parameter", "study", "-p lang de (langue inconnue)",
              lambda d: ["reproduce", "-p", "lang", "de", "--out", str(d / "sorties")], 1,
              ["langue « de » inconnue", "fr, en"]),
        _checked(
            _case("ok_run_lang_as_parameter", "study", "-p lang en, comme --lang en",
                  lambda d: (_tiny(d), ["run", "01_ok", "-p", "lang", "en", "--out", str(d / "sorties")])[1], 0,
                  ["Rapport :"], env=_tiny_env),
            after=_run_in_english),
    ]


def _wave_cases() -> list[dict]:
    cp1252, utf8 = _resaved()
    rows18 = mc.set_cell(mc.set_cell(_no_wave_rows(), 2, "Identifiant de la réponse", "R101"), 3,
                         "Identifiant de la réponse", "R102")
    todo = "Donner à chaque vague son propre export : corriger le file: de l'une des deux entrées."
    return [
        _case("study_same_answers_reencoded", "study",
              "l'export 2017 réenregistré (cp1252 → UTF-8, CRLF → LF) donné comme vague 2018",
              _waves({"a17.csv": cp1252, "a18.csv": utf8}), 1,
              ["etude_vagues.yaml", "buyers[1] et buyers[2]", "mêmes réponses dans deux vagues", "a17.csv / a18.csv"],
              todo),
        _case("study_same_answers_csv_then_xlsx", "study", "l'export 2017 recopié dans un classeur XLSX pour 2018",
              _waves({"a17.csv": _no_wave_rows(), "a18.xlsx": _xlsx(_no_wave_rows())}), 1,
              ["buyers[1] et buyers[2]", "mêmes réponses dans deux vagues", "a17.csv / a18.xlsx"], todo),
        _case("study_partial_overlap_of_respondents", "study", "2 répondants sur 4 présents dans deux vagues",
              _waves({"a17.csv": _no_wave_rows(), "a18.csv": rows18}), 0,
              ["information", "buyers[1] et buyers[2]", "2 répondants présents dans les deux vagues", "étude valide"],
              "Information : un panel (les mêmes répondants d'une vague à l'autre) est compté ; rien à faire s'il "
              "est voulu."),
        _checked(
            _case("ok_study_same_respondents_new_answers", "study", "les mêmes 4 répondants, d'autres réponses en 2018",
                  _waves({"a17.csv": _no_wave_rows(),
                          "a18.csv": mc.set_cell(_no_wave_rows(), 2, "Département", "62")}), 0,
                  ["4 répondants présents dans les deux vagues", "étude valide"]),
            absent=["mêmes réponses"]),
    ]


def _run_cases() -> list[dict]:
    rows = _with_organisations(["MEL"] * 4, ["Ville\r=1+1 \u202eabc", "M\u200bE\u200dL", "=SOMME(A1:A9)", "RAS"])
    return [
        _checked(
            _case("run_carriage_return_and_bidi_in_answers", "study",
                  "etude reproduce : retour chariot, U+202E et formule dans les commentaires",
                  _run_study({"acheteurs.csv": rows}), 0, ["Rapport :"], env=_tiny_env),
            after=_clean_outputs),
    ]


def cases() -> list[dict]:
    """This area's cases, in order."""
    return [*_text_cases(), *_scrub_cases(), *_codebook_cases(), *_odd_cases(), *_wave_cases(), *_run_cases()]
