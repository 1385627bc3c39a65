"""Bad-input cases of the survey layer added with issues 12 and 13 (hostile exports, YAML, study-wide checks,
items not asked, demo output); same case shape as ``make_cases`` (its docstring).

``make_cases.cases()`` appends these after its own cases, and these are followed by issue 28's
(:mod:`bad_inputs.cases_text`). Every file is written by code at test time.
"""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import openpyxl
import yaml

from bad_inputs import make_cases as mc

__all__ = ["cases", "BIG_ROWS"]

#: Rows of the « many rows with one unknown label » case (the issue's 100,000 take ~12 s here: kept smaller).
BIG_ROWS = 20_000


def _xlsx_bytes(rows: list[list]) -> bytes:
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.title = "Réponses"
    for r in rows:
        wb.active.append(r)
    wb.save(buf)
    return buf.getvalue()


def _rezip(raw: bytes, edit_sheet) -> bytes:
    """``raw`` with its first sheet's XML replaced by ``edit_sheet(xml_bytes)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit_sheet(data)
            zout.writestr(info.filename, data)
    return out.getvalue()


def _stale_dimension(xml: bytes) -> bytes:
    """What some writers leave: a ``<dimension>`` that covers the header only."""
    import re

    return re.sub(rb'<dimension ref="[^"]+" ?/>', b'<dimension ref="A1" />', xml, count=1)


def _big_rows_xlsx() -> bytes:
    rows = mc.buyers_rows()
    body = [[f"R{i:03d}", *r[1:]] for i in range(34) for r in rows[1 + i % 4: 2 + i % 4]]
    return _rezip(_xlsx_bytes([rows[0], *body]), _stale_dimension)


def _entity_xlsx() -> bytes:
    bomb = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    return _rezip(_xlsx_bytes(mc.buyers_rows()), lambda xml: bomb + xml)


def _truncated_sheet_xlsx() -> bytes:
    return _rezip(_xlsx_bytes(mc.buyers_rows()), lambda xml: xml[: len(xml) // 2])


def _inflating_xlsx() -> bytes:
    """A sheet whose XML inflates to ~3 MB (compresses to a few KB): above a 1 MB limit set by the case."""
    padding = b"<sheetData>" + b" " * 3_000_000
    return _rezip(_xlsx_bytes(mc.buyers_rows()), lambda xml: xml.replace(b"<sheetData>", padding))


def _case(id, fmt, what, make, exit, expect, todo="", env=None):
    return {"id": id, "fmt": fmt, "what": what, "make": make, "exit": exit, "expect": expect, "todo": todo, "env": env}


def _export(name: str, content, population: str = "buyers", *extra: str):
    def make(folder: Path) -> list[str]:
        path = folder / name
        made = content() if callable(content) else content
        if isinstance(made, bytes):
            path.write_bytes(made)
        else:
            mc.write_csv(path, made)
        return ["validate", str(path), "--population", population, *extra]
    return make


def _study(name: str, doc, exports: dict[str, list[list]] | None = None, *, raw: bool = False):
    """``etude validate --study`` on a study file written beside its exports (``doc`` is a dict or raw text)."""
    def make(folder: Path) -> list[str]:
        for file, rows in (exports or {}).items():
            mc.write_csv(folder / file, rows)
        text = doc if raw else yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
        (folder / name).write_text(text, encoding="utf-8")
        return ["validate", "--study", str(folder / name)]
    return make


def _mapping(name: str, text: str):
    def make(folder: Path) -> list[str]:
        export = mc.write_csv(folder / "export_maison.csv", mc.buyers_rows())
        (folder / name).write_text(text, encoding="utf-8")
        return ["validate", str(export), "--population", "buyers", "--mapping", str(folder / name)]
    return make


def _demo(force: bool):
    def make(folder: Path) -> list[str]:
        out = folder / "demo"
        out.mkdir()
        (out / "etude.yaml").write_text("title: mon étude, à ne pas perdre\n", encoding="utf-8")
        return ["demo", "--out", str(out), *(["--force"] if force else [])]
    return make


def _demo_into(target):
    """``etude demo --out <target(folder)>`` where ``--out`` cannot be a folder to write in."""
    def make(folder: Path) -> list[str]:
        return ["demo", "--out", str(target(folder))]
    return make


def _a_file(folder: Path) -> Path:
    path = folder / "mon_etude.txt"
    path.write_text("à ne pas perdre\n", encoding="utf-8")
    return path


def _read_only(folder: Path) -> Path:
    path = folder / "lecture_seule"
    path.mkdir()
    path.chmod(0o555)
    return path / "demo"


def _folder_as_export(folder: Path) -> list[str]:
    """A folder named like an export, given where a file is expected."""
    (folder / "exports.csv").mkdir()
    return ["validate", str(folder / "exports.csv"), "--population", "buyers"]


def _non_utf8_name(folder: Path) -> list[str]:
    path = Path(os.fsdecode(bytes(folder / "acheteurs_") + b"\xe9t\xe9.csv"))
    mc.write_csv(path, mc.buyers_rows())
    return ["validate", str(path), "--population", "buyers"]


def _deep(n: int = 100_000) -> str:
    return "title: x\nbuyers: " + "[" * n + "]" * n + "\n"


def _alias_bomb(first_key: str = "title") -> str:
    lines = [f'{first_key}: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"k{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _long_unknown_rows() -> list[list]:
    rows = mc.buyers_rows(layout="packed")
    q = rows[0].index(mc.question_text("buyers"))
    body = []
    for i in range(BIG_ROWS):
        r = list(rows[1 + i % 4])
        r[0], r[q] = f"R{i:06d}", "Freins fiscaux"
        body.append(r)
    return [rows[0], *body]


def _with_comment(rows: list[list], row: int, text: str) -> list[list]:
    """Copy of ``rows`` with the comment of spreadsheet row ``row`` replaced."""
    return mc.set_cell(rows, row, "Commentaires", text)


def cases() -> list[dict]:
    """This area's cases, in order."""
    wide, packed = mc.buyers_rows(), mc.buyers_rows(layout="packed")
    q = mc.question_text("buyers")
    labels = mc.item_labels("buyers")
    b = [{"wave": 2017, "file": "acheteurs_2017.csv"}]
    no_item = mc.drop_column(wide, f"{q} [{labels[3]}]")
    lines = mc.csv_text(wide, ";").split("\r\n")
    lines[2] = lines[2][: -len("RAS")] + '"RAS, il manque le guillemet fermant'  # row 3 opens a quote, never closed
    stray = "\r\n".join(lines)
    C = [
        # --- nothing silently lost ---
        _case("xlsx_stale_dimension", "xlsx", "classeur dont la dimension déclarée (<dimension>) ne couvre que A1",
              _export("acheteurs_dimension.xlsx", _big_rows_xlsx), 0, ["valide (buyers, 34 répondants)"]),
        _case("ok_csv_field_over_131072_chars", "csv", "commentaire de 200 000 caractères (entre guillemets)",
              _export("acheteurs_long_commentaire.csv", _with_comment(wide, 2, "très long " * 20_000)), 0,
              ["valide (buyers, 4 répondants)"]),
        _case("csv_unclosed_quote", "csv", "guillemet isolé dans un commentaire : la suite du fichier en une cellule",
              _export("acheteurs_guillemet.csv", stray.encode("utf-8")), 1,
              ["acheteurs_guillemet.csv", "guillemet non fermé, ligne 3"],
              "Fermer le guillemet de la ligne indiquée, ou retirer le guillemet isolé, puis réenregistrer."),
        _case("study_same_export_twice", "study", "le même export listé pour deux vagues",
              _study("etude_double.yaml", {"buyers": [{"wave": 2017, "file": "acheteurs_2017.csv"},
                                                      {"wave": 2018, "file": "copie.csv"}]},
                     {"acheteurs_2017.csv": wide, "copie.csv": wide}), 1,
              ["etude_double.yaml", "buyers[1] et buyers[2]", "sha256"],
              "Chaque vague a son propre export : corriger le chemin (file:) de l'une des deux entrées."),
        _case("demo_refuses_to_overwrite", "demo", "etude demo --out vers un dossier qui a déjà un etude.yaml",
              _demo(False), 1, ["etude.yaml", "fichier existant, non écrasé", "--force"],
              "Choisir un dossier --out vide, ou relancer avec --force pour écraser ses fichiers."),
        _case("ok_demo_force", "demo", "etude demo --out … --force sur un dossier existant", _demo(True), 0,
              ["etude.yaml"]),
        _case("csv_input_is_a_folder", "csv", "un dossier donné à etude validate au lieu d'un export",
              _folder_as_export, 1,
              ["exports.csv", "est un dossier, pas un fichier", "dossier/export.csv"],
              "Donner l'export lui-même (fichier .csv ou .xlsx), pas le dossier qui le contient."),
        _case("demo_out_is_a_file", "demo", "etude demo --out vers un fichier existant", _demo_into(_a_file), 1,
              ["--out", "mon_etude.txt", "est un fichier"], "Donner un dossier (existant ou à créer), pas un fichier."),
        _case("demo_out_below_a_file", "demo", "etude demo --out sous un fichier existant",
              _demo_into(lambda d: _a_file(d) / "demo"), 1, ["--out", "passe par un fichier"],
              "Donner un dossier dont aucun parent n'est un fichier."),
        _case("demo_out_read_only", "demo", "etude demo --out dans un dossier en lecture seule",
              _demo_into(_read_only), 1, ["--out", "lecture seule"],
              "Choisir un dossier où vous pouvez écrire, ou en changer les droits."),
        # --- nothing injected ---
        _case("csv_terminal_escapes", "csv", "séquences d'échappement du terminal (ANSI, OSC) dans une valeur",
              _export("acheteurs_ansi.csv", mc.set_cell(wide, 2, "Vous êtes", "\x1b]8;;http://x.invalid\x07Martien"
                                                                          "\x1b[2J\x1b[31m")), 1,
              ["acheteurs_ansi.csv", "ligne 2", "valeur « Martien »"]),
        # --- hostile files refused cleanly ---
        _case("xlsx_truncated_sheet_xml", "xlsx", "classeur dont la feuille (XML) est tronquée",
              _export("acheteurs_feuille_tronquee.xlsx", _truncated_sheet_xlsx), 1,
              ["acheteurs_feuille_tronquee.xlsx", "classeur XLSX illisible"]),
        _case("xlsx_declares_entities", "xlsx", "classeur dont le XML déclare des entités (« billion laughs »)",
              _export("acheteurs_entites.xlsx", _entity_xlsx), 1,
              ["acheteurs_entites.xlsx", "classeur XLSX illisible", "DOCTYPE"],
              "Le classeur n'a pas été écrit par un tableur : le rouvrir et l'enregistrer, ou refaire l'export."),
        _case("xlsx_part_inflates_beyond_limit", "xlsx",
              "partie de classeur qui dépasse la limite une fois décompressée",
              _export("acheteurs_bombe.xlsx", _inflating_xlsx), 1,
              ["acheteurs_bombe.xlsx", "classeur XLSX illisible", "une fois décompressée", "ETUDE_XLSX_MAX_PART_MB"],
              "Refaire l'export ; pour un très gros classeur légitime, relever la limite (ETUDE_XLSX_MAX_PART_MB).",
              env=lambda folder: {"ETUDE_XLSX_MAX_PART_MB": "1"}),
        _case("ok_csv_non_utf8_file_name", "csv", "nom de fichier qui n'est pas en UTF-8",
              _non_utf8_name, 0, ["acheteurs_\ufffdt\ufffd.csv : valide"]),
        _case("study_wrong_types", "study", "types inattendus dans le fichier d'étude (encoding: 123, sep: [\";\"])",
              _study("etude_types.yaml", {"buyers": [{**b[0], "encoding": 123, "sep": [";"]}]},
                     {"acheteurs_2017.csv": wide}), 1,
              ["etude_types.yaml", "buyers[1].encoding", "type inattendu", "texte", "buyers[1].sep"],
              "Donner à chaque clé le type indiqué après « attendu » (modèle : data/demo/etude.yaml)."),
        _case("study_codebook_is_a_list", "study", "codebook: une liste au lieu d'un chemin",
              _study("etude_codebook.yaml", {"codebook": ["a.yaml"], "buyers": b}, {"acheteurs_2017.csv": wide}), 1,
              ["etude_codebook.yaml", "colonne « codebook »", "texte"]),
        _case("study_codebook_missing", "study", "codebook: un fichier absent",
              _study("etude_sans_codebook.yaml", {"codebook": "absent.yaml", "buyers": b},
                     {"acheteurs_2017.csv": wide}), 1,
              ["etude_sans_codebook.yaml", "colonne « codebook »", "absent.yaml", "introuvable"]),
        _case("study_nested_100000_deep", "study", "fichier d'étude imbriqué sur 100 000 niveaux",
              _study("etude_profonde.yaml", _deep(), raw=True), 1,
              ["etude_profonde.yaml", "refusé : imbrication de plus de 20 niveaux"],
              "Écrire le fichier d'étude à plat, comme le modèle data/demo/etude.yaml."),
        _case("study_alias_bomb", "study", "fichier d'étude avec des alias YAML en cascade (« billion laughs »)",
              _study("etude_alias.yaml", _alias_bomb(), raw=True), 1,
              ["etude_alias.yaml", "refusé : alias YAML", "*a"],
              "Écrire chaque valeur en entier : les ancres (&) et alias (*) ne sont pas acceptés."),
        _case("mapping_columns_is_a_list", "mapping", "columns: une liste au lieu d'un dictionnaire",
              _mapping("correspondance_liste.yaml", "columns: [ID, Annee]\n"), 1,
              ["correspondance_liste.yaml", "colonne « columns »", "type inattendu", "dictionnaire"]),
        _case("mapping_values_wrong_type", "mapping", "values: une liste de libellés au lieu d'un dictionnaire",
              _mapping("correspondance_valeurs.yaml", "values:\n  buyer_type: [Ministère, Mairie]\n"), 1,
              ["correspondance_valeurs.yaml", "values.buyer_type", "dictionnaire"]),
        _case("mapping_alias_bomb", "mapping", "fichier de correspondance avec des alias en cascade",
              _mapping("correspondance_alias.yaml", _alias_bomb("notes")), 1,
              ["correspondance_alias.yaml", "refusé : alias YAML"]),
        _case("mapping_nested_deep", "mapping", "fichier de correspondance imbriqué sur 100 000 niveaux",
              _mapping("correspondance_profonde.yaml", "columns: " + "[" * 100_000 + "]" * 100_000 + "\n"), 1,
              ["correspondance_profonde.yaml", "imbrication"]),
        _case("csv_many_rows_one_unknown_label", "csv",
              f"{BIG_ROWS:,} lignes avec le même libellé inconnu".replace(",", " "),
              _export("acheteurs_nombreux.csv", _long_unknown_rows), 1,
              ["acheteurs_nombreux.csv", "Freins fiscaux",
               f"… et {BIG_ROWS - 10:,} autres lignes du même type".replace(",", "\u00a0")],
              "Corriger le libellé une fois dans l'outil d'enquête (ou l'associer à un code : values:), "
              "puis réexporter."),
        # --- the study validated at once; items not asked ---
        _case("ok_validate_study", "study", "etude validate --study sur une étude valide",
              _study("etude_ok.yaml", {"buyers": b, "companies": [{"wave": 2017, "file": "entreprises.csv"}]},
                     {"acheteurs_2017.csv": wide, "entreprises.csv": mc.companies_rows()}), 0,
              ["étude valide (buyers 4 répondants, companies 3 répondants)"]),
        _case("study_every_export_checked", "study", "etude validate --study : tous les exports vérifiés d'un coup",
              _study("etude_deux_erreurs.yaml", {"buyers": b, "companies": [{"wave": 2017, "file": "entreprises.csv"}]},
                     {"acheteurs_2017.csv": mc.set_cell(wide, 2, "Vous êtes", "Martien"),
                      "entreprises.csv": mc.set_cell(mc.companies_rows(), 3, "Département", "75")}), 1,
              ["acheteurs_2017.csv, ligne 2", "Martien", "entreprises.csv, ligne 3", "75", "2 problème(s)"]),
        _case("csv_item_not_asked_is_information", "csv",
              "export en colonnes sans la colonne d'un item (question non posée)",
              _export("acheteurs_sans_item.csv", no_item), 0,
              ["information", "item non posé dans cette vague", "valide (buyers, 4 répondants)"]),
        _case("study_item_declared_not_asked_is_information", "study",
              "not_asked: [code] dans une entrée d'étude (format groupé)",
              _study("etude_non_pose.yaml", {"buyers": [{**b[0], "not_asked": ["b_donnees"]}]},
                     {"acheteurs_2017.csv": packed}), 0,
              ["information", "colonne « b_donnees »", "item déclaré non posé", "étude valide"]),
        _case("study_not_asked_unknown_code", "study", "not_asked: un code d'item inconnu",
              _study("etude_non_pose_inconnu.yaml", {"buyers": [{**b[0], "not_asked": ["b_inconnu"]}]},
                     {"acheteurs_2017.csv": packed}), 1,
              ["acheteurs_2017.csv", "colonne « not_asked »", "b_inconnu", "code d'item inconnu"]),
    ]
    from bad_inputs import cases_text  # issue 28: clean text, long cells, odd inputs, the same answers twice
    return C + cases_text.cases()
