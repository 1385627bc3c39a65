"""Bad-input cases for DECP files (``etude decp``); same case shape as ``make_cases`` (its docstring).

``make_cases.cases()`` appends these after its own cases. Every file is written by code at test time: the zip
bomb is a few kilobytes of deflated zeros refused with a small ``--max-unzipped`` limit (in Mo), so the case
stays fast; the real limit's default (4 Gio) is the same code path.

Examples
--------
>>> ids = [c["id"] for c in cases()]
>>> "decp_zip_bomb" in ids and "decp_out_is_input" in ids
True
"""
from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

__all__ = ["cases"]


def _zip_bomb(size: int = 20_000_000) -> bytes:
    """A ZIP holding one ``.json`` member of ``size`` zero bytes (deflated to about 20 kB)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("decp.json", "w") as fh:
            chunk = b"0" * 1_000_000
            for _ in range(size // len(chunk)):
                fh.write(chunk)
    return buf.getvalue()


def _deep_json(depth: int = 100_000) -> bytes:
    return b'{"marches": [' + b"[" * depth + b"]" * depth + b"]}"


def _amounts_json(records: list[dict]) -> bytes:
    """Records whose ``montant`` is written as raw JSON text (``1e309``, ``NaN``…), which ``json.dumps`` cannot."""
    parts = []
    for rec in records:
        rest = {k: v for k, v in rec.items() if k != "montant"}
        parts.append(json.dumps(rest, ensure_ascii=False)[:-1] + f', "montant": {rec["montant"]}}}')
    return ('{"marches": [' + ", ".join(parts) + "]}").encode("utf-8")


def _record(i: int, **over) -> dict:
    """A valid 2017-format record of a commune of the Nord (the same shape as ``make_cases``' DECP cases)."""
    rec = {"id": f"2019TEST{i:04d}", "acheteur": {"id": "21590163800019", "nom": "Ville de Test (59)"},
           "nature": "Marché", "objet": f"Objet {i}", "procedure": "Procédure adaptée",
           "lieuExecution": {"code": "59170", "typeCode": "Code postal", "nom": "Croix"},
           "dateNotification": "2019-03-15", "montant": "10000.00",
           "titulaires": [{"id": "81809944200019", "typeIdentifiant": "SIRET"}]}
    rec.update(over)
    return rec


def _good_json(folder: Path, name: str = "decp.json") -> Path:
    path = folder / name
    path.write_bytes(json.dumps({"marches": [_record(1), _record(2)]}, ensure_ascii=False).encode("utf-8"))
    return path


def _out_case(prepare):
    """A case on a valid DECP file whose ``--out`` is ``prepare(folder, input)``'s path."""
    def make(folder: Path) -> list[str]:
        src = _good_json(folder)
        return ["decp", str(src), "--region", "none", "--out", str(prepare(folder, src))]
    return make


def _read_only_file(folder: Path, src: Path) -> Path:
    out = folder / "table.csv"
    out.write_text("ancienne table\n", encoding="utf-8")
    os.chmod(out, 0o444)
    return out


def _read_only_folder(folder: Path, src: Path) -> Path:
    ro = folder / "lecture_seule"
    ro.mkdir()
    os.chmod(ro, 0o555)
    return ro / "table.csv"


def _in_data(folder: Path, src: Path) -> Path:
    (folder / "data").mkdir(exist_ok=True)
    return folder / "data" / "decp_annuel.csv"


def _decp_case(name: str, content, *extra: str):
    def make(folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(content())
        return ["decp", str(path), "--region", "none", *extra]
    return make


def cases() -> list[dict]:
    """This area's cases, in order."""
    C: list[dict] = []

    def add(id, what, make, exit, expect, todo, env=None):
        C.append({"id": id, "fmt": "decp", "what": what, "make": make, "exit": exit, "expect": expect,
                  "todo": todo, "env": env})

    add("decp_out_is_input", "--out qui désigne le fichier d'entrée",
        _out_case(lambda folder, src: src), 1, ["--out", "decp.json", "fichier d'entrée", "écrasé"],
        "Donner un autre nom de fichier à --out : le fichier DECP n'est jamais écrasé.")
    add("decp_out_is_folder", "--out qui est un dossier",
        _out_case(lambda folder, src: folder), 1, ["--out", "dossier", "decp_annuel.csv"],
        "Donner un chemin de fichier CSV, par exemple dossier/decp_annuel.csv.")
    add("decp_out_in_data", "--out dans le dossier data/ du dépôt",
        _out_case(_in_data), 1, ["--out", "data/"],
        "Écrire la table ailleurs que dans data/ (par exemple outputs/decp_annuel.csv).",
        env=lambda folder: {"ETUDE_ROOT": str(folder)})
    add("decp_out_read_only", "--out sur un fichier en lecture seule",
        _out_case(_read_only_file), 1, ["--out", "table.csv", "lecture seule"],
        "Choisir un autre nom, ou rendre le fichier modifiable.")
    add("decp_out_unwritable_folder", "--out dans un dossier où l'on ne peut pas écrire",
        _out_case(_read_only_folder), 1, ["--out", "table.csv", "lecture seule ou non accessible"],
        "Choisir un dossier où vous avez le droit d'écrire.")
    add("decp_input_is_folder", "dossier donné à la place d'un fichier DECP",
        lambda folder: ["decp", str(folder), "--region", "none"], 1, ["est un dossier", "*.json"],
        "Donner les fichiers du dossier (par exemple dossier/*.json), pas le dossier.")
    add("decp_zip_bomb", "archive ZIP qui décompressée dépasse la limite (bombe ZIP)",
        _decp_case("decp_bombe.zip", _zip_bomb, "--max-unzipped", "1"), 1,
        ["decp_bombe.zip", "trop volumineuse", "--max-unzipped"],
        "Vérifier l'archive ; pour un vrai gros fichier, relever la limite avec --max-unzipped (en Mo).")
    add("decp_deep_json", "JSON DECP imbriqué sur 100 000 niveaux",
        _decp_case("decp_profond.json", _deep_json), 1, ["decp_profond.json", "imbriqué trop profondément"],
        "Le fichier n'est pas un DECP : le retélécharger ou le régénérer.")
    add("decp_unreadable_amounts", "montants 1e309, -1e309, NaN et entier de 400 chiffres",
        _decp_case("decp_montants.json", lambda: _amounts_json(
            [_record(1), *(_record(i + 2, montant=v) for i, v in enumerate(
                ["1e309", "-1e309", "NaN", "1" * 400]))])), 0, ["montant illisible : 4", "2019TEST0004"],
        "Ces marchés comptent comme contrats, sans montant ; corriger le montant à la source.")
    add("decp_parquet_truncated", "fichier Parquet DECP tronqué (téléchargement interrompu)",
        _decp_case("decp_consolide.parquet", lambda: b"PAR1" + b"\x00" * 64), 1,
        ["decp_consolide.parquet", "PARQUET illisible", "CSV ou Parquet"],
        "Retélécharger le fichier consolidé (Parquet ou CSV) : il est incomplet.")
    add("decp_csv_not_consolidated", "CSV qui n'a pas les colonnes du DECP consolidé",
        _decp_case("export.csv", lambda: b"nom;montant\nA;10\n"), 1,
        ["export.csv", "uid", "DECP consolidé"],
        "Donner le fichier DECP consolidé (colonnes uid, acheteur_id, dateNotification, montant…).")
    return C
