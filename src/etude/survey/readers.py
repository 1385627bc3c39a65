"""Reading exports as a spreadsheet shows them: CSV (separator, encoding detected) and XLSX (first or named sheet).

:func:`read_rows` returns every row as a list of strings, row 1 being the file's first row; it never interprets
headers or labels (that is :mod:`etude.survey.fields`). Files are only read.

Examples
--------
>>> from etude import paths
>>> rows, info = read_rows(paths.demo_dir() / "acheteurs_2017_simule.csv")
>>> info["encoding"], info["sep"], len(rows)
('cp1252', ';', 28)
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from etude.errors import InputError, problem

__all__ = ["read_rows", "detect_separator", "cell_text", "column_letter", "FORMATS", "ENCODINGS", "SEPARATORS",
           "SEPARATOR_NAMES"]


#: File formats by suffix.
FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
#: Encodings tried, in order, when a CSV file does not say (UTF-8 with or without BOM, then Windows-1252).
ENCODINGS = ("utf-8-sig", "cp1252")
#: CSV separators recognised.
SEPARATORS = (";", ",", "\t")
#: Separator names accepted in a study file's ``sep`` key.
SEPARATOR_NAMES = {";": ";", ",": ",", "\t": "\t", "tab": "\t", "tabulation": "\t", "\\t": "\t"}


def cell_text(v: Any) -> str:
    """A spreadsheet value as the text a user sees (``2017.0`` → ``'2017'``, None → ``''``).

    >>> cell_text(2017.0), cell_text(None), cell_text("Oui")
    ('2017', '', 'Oui')
    """
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, _dt.datetime):
        return v.isoformat(sep=" ")
    return str(v)


def detect_separator(text: str, *, rows: int = 50) -> str:
    r"""The separator that cuts the first rows into the most consistent number (> 1) of fields.

    Each candidate parses the first rows (quotes respected); its score is how many rows share the most common
    field count, then that count. Labels joined by ``;`` or ``,`` inside cells vary from row to row, so they
    lose to the real separator, which gives every row the header's width.

    >>> detect_separator('a\tb\tc\n"x, y";z\tw\tv\n')
    '\t'
    >>> detect_separator("Titre\na;b,c;d\n1;2,5;3\n")
    ';'
    """
    import collections
    import itertools
    best, best_score = SEPARATORS[0], (0, 0)
    for sep in SEPARATORS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        widths = [len(r) for r in itertools.islice(reader, rows) if any(c.strip() for c in r)]
        counts = collections.Counter(w for w in widths if w > 1)
        if not counts:
            continue
        width, m = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if (m, width) > best_score:
            best, best_score = sep, (m, width)
    return best


def read_rows(path: str | Path, *, sheet: str | int | None = None, encoding: str | None = None,
              sep: str | None = None) -> tuple[list[list[str]], dict[str, Any]]:
    """Read a CSV or XLSX export as rows of strings, exactly as a spreadsheet shows them (row 1 = first row).

    Returns
    -------
    rows : list of list of str
    info : dict with ``format``, ``encoding`` and ``sep`` (CSV) or ``sheet`` (XLSX).

    Raises
    ------
    InputError
        Empty file, unknown format, undecodable bytes (the message names the line), unknown sheet.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError([problem(path.name, value=path.suffix, message="format de fichier non pris en charge",
                                  expected=", ".join(sorted(FORMATS)))])
    if not path.is_file():
        raise InputError([problem(path.name, message=f"fichier introuvable : {path}")])
    if path.stat().st_size == 0:
        raise InputError([problem(path.name, message="fichier vide",
                                  expected="un en-tête puis une ligne par répondant")])
    return _read_xlsx(path, sheet) if fmt == "xlsx" else _read_csv(path, encoding, sep)


def _read_csv(path: Path, encoding: str | None, sep: str | None) -> tuple[list[list[str]], dict]:
    raw = path.read_bytes()
    _sniff_binary(path, raw)
    tried = [encoding] if encoding else (["utf-16"] if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else list(ENCODINGS))
    text, used, last_error = None, None, None
    for enc in tried:
        try:
            text, used = raw.decode(enc), enc
            break
        except UnicodeDecodeError as exc:
            last_error = exc
        except LookupError:
            raise InputError([problem(path.name, value=enc, message="encodage inconnu",
                                      expected=", ".join(ENCODINGS))]) from None
    if text is None or "\x00" in text:
        pos = last_error.start if last_error is not None else raw.find(b"\x00")
        line = raw[:max(pos, 0)].count(b"\n") + 1
        raise InputError([problem(path.name, row=line, value=repr(raw[max(pos, 0):max(pos, 0) + 4]),
                                  message="encodage illisible",
                                  expected="texte en " + ", ".join(tried) + " (réenregistrer le fichier en UTF-8)")])
    if used == "utf-8-sig" and not raw.startswith(b"\xef\xbb\xbf"):
        used = "utf-8"
    if not text.strip():
        raise InputError([problem(path.name, message="fichier vide",
                                  expected="un en-tête puis une ligne par répondant")])
    if re.match(r"\s*<(?:!doctype\s+html|html|\?xml|head|body)\b", text, re.I):
        raise InputError([problem(path.name, row=1, message="ce fichier est une page web (HTML), pas un export",
                                  expected="un export CSV : se reconnecter à l'outil d'enquête et retélécharger")])
    if sep is not None:
        if sep not in SEPARATOR_NAMES:
            raise InputError([problem(path.name, value=sep, message="séparateur inconnu", expected="; , tab")])
        sep = SEPARATOR_NAMES[sep]
    else:
        sep = detect_separator(text)
    rows = [[c for c in r] for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep)]
    return rows, {"format": "csv", "encoding": used, "sep": sep}


def _sniff_binary(path: Path, raw: bytes) -> None:
    """Clear messages for files that are not what their suffix says."""
    if raw.startswith(bytes.fromhex("D0CF11E0A1B11AE1")):  # OLE compound file
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise InputError([problem(path.name, message="classeur protégé par mot de passe",
                                      expected="un classeur sans mot de passe, enregistré en .xlsx")])
        raise InputError([problem(path.name, message="ancien format Excel (.xls) ou document Office non pris en charge",
                                  expected="un classeur .xlsx ou un CSV (Enregistrer sous → .xlsx)")])
    if raw.startswith(b"PK\x03\x04") and FORMATS.get(path.suffix.lower()) == "csv":
        raise InputError([problem(path.name, message="ce fichier est un classeur compressé (XLSX ?), pas un CSV",
                                  expected="renommer le fichier en .xlsx ou l'exporter en CSV")])


def _read_xlsx(path: Path, sheet: str | int | None) -> tuple[list[list[str]], dict]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException
    _sniff_binary(path, path.read_bytes()[:1 << 20])
    try:
        # formulas are read as written (« =HYPERLINK(…) ») and never evaluated; Excel's cached result is used
        # when the file has one (with a warning), else the formula text stays and is reported where it matters
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise InputError([problem(path.name, message=f"classeur XLSX illisible ou corrompu ({exc.__class__.__name__})",
                                  expected="un fichier .xlsx enregistré par Excel ou LibreOffice")]) from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in wb.sheetnames):
            idx = int(sheet)
            if not 0 <= idx < len(wb.worksheets):
                raise InputError([problem(path.name, column="feuille", value=sheet, message="feuille introuvable",
                                          expected=", ".join(wb.sheetnames))])
            ws = wb.worksheets[idx]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise InputError([problem(path.name, column="feuille", value=sheet, message="feuille introuvable",
                                      expected=", ".join(wb.sheetnames))])
        title = ws.title
        formulas = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    rows, notes = [], []
    cached = None
    for i, r in enumerate(formulas):
        out = []
        for j, v in enumerate(r):
            if isinstance(v, str) and v.startswith("="):
                if cached is None:  # Excel stores each formula's last computed value: use it, and say so
                    cached = _xlsx_values(path, title)
                value = cached[i][j] if i < len(cached) and j < len(cached[i]) else None
                if value is not None:
                    notes.append(problem(path.name, row=i + 1, column=column_letter(j), value=v,
                                         message=f"formule remplacée par sa valeur calculée « {cell_text(value)} »",
                                         severity="warning"))
                    v = value
            out.append(cell_text(v))
        rows.append(out)
    if not any(c.strip() for r in rows for c in r):
        raise InputError([problem(path.name, message=f"feuille « {title} » vide",
                                  expected="un en-tête puis une ligne par répondant")])
    return rows, {"format": "xlsx", "sheet": title, "problems": notes}


def _xlsx_values(path: Path, sheet: str) -> list[list[Any]]:
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index (0 → A, 26 → AA)."""
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out

