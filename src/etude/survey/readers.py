"""Reading exports as a spreadsheet shows them: CSV (separator, encoding detected) and XLSX (first or named sheet).

:func:`read_rows` returns every row as a list of strings, row 1 being the file's first row; it never interprets
headers or labels (that is :mod:`etude.survey.fields`). Files are only read. Every cell is cleaned as it is read
(:mod:`etude.survey.clean`: NFC, line breaks as ``\n``, control, bidirectional and zero-width characters
removed); what was removed is said as information (``info["problems"]``).

Examples
--------
>>> from etude import paths
>>> rows, info = read_rows(paths.demo_dir() / "acheteurs_2017_simule.csv")
>>> info["encoding"], info["sep"], len(rows)
('cp1252', ';', 28)
"""
from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from etude.errors import InputError, problem
from etude.survey.clean import cleaned, is_clean, removal_note

__all__ = ["read_rows", "clean_rows", "detect_separator", "cell_text", "column_letter", "check_xlsx_archive",
           "FORMATS", "ENCODINGS", "SEPARATORS", "SEPARATOR_NAMES", "XLSX_MAX_PART_BYTES", "XLSX_MAX_PART_ENV"]


#: File formats by suffix.
FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
#: Encodings tried, in order, when a CSV file does not say (UTF-8 with or without BOM, then Windows-1252).
ENCODINGS = ("utf-8-sig", "cp1252")
#: CSV separators recognised.
SEPARATORS = (";", ",", "\t")
#: Largest inflated size of one part of an XLSX archive (a sheet's XML…) before the file is refused unread.
XLSX_MAX_PART_BYTES = 300 * 1024 * 1024
#: Environment variable overriding :data:`XLSX_MAX_PART_BYTES` (in megabytes).
XLSX_MAX_PART_ENV = "ETUDE_XLSX_MAX_PART_MB"
_XLSX_UNREADABLE = "classeur XLSX illisible"
_XLSX_FIX = "un fichier .xlsx enregistré par Excel ou LibreOffice (le rouvrir et l'enregistrer de nouveau)"
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

    Each candidate parses the first rows (quotes respected); its score is the number of cells in the rows that share
    the most common field count (rows × that count), then the rows, then the count. Labels joined by ``;`` or
    ``,`` inside cells vary from row to row, so they lose to the real separator, which gives every row the
    header's width. Counting cells, not rows: in a short export, a quoted comment of three lines each starting
    with « ; » makes three rows of two fields under « ; », which must not outweigh a header and a row of ten.

    >>> detect_separator('a\tb\tc\n"x, y";z\tw\tv\n')
    '\t'
    >>> detect_separator("Titre\na;b,c;d\n1;2,5;3\n")
    ';'
    >>> detect_separator('id\tnom\ttype\tavis\nA1\tX\tY\t";\n;?\n;?"\n')
    '\t'
    """
    import collections
    import itertools
    best, best_score = SEPARATORS[0], (0, 0, 0)
    for sep in SEPARATORS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        widths = [len(r) for r in itertools.islice(reader, rows) if any(c.strip() for c in r)]
        counts = collections.Counter(w for w in widths if w > 1)
        if not counts:
            continue
        width, m = max(counts.items(), key=lambda kv: (kv[1] * kv[0], kv[1], kv[0]))
        if (m * width, m, width) > best_score:
            best, best_score = sep, (m * width, m, width)
    return best


def read_rows(path: str | Path, *, sheet: str | int | None = None, encoding: str | None = None,
              sep: str | None = None) -> tuple[list[list[str]], dict[str, Any]]:
    """Read a CSV or XLSX export as rows of strings, exactly as a spreadsheet shows them (row 1 = first row).

    Returns
    -------
    rows : list of list of str
        Each cell cleaned (:func:`clean_rows`): line breaks kept as ``\n`` (a free-text cell keeps its paragraphs).
    info : dict with ``format``, ``encoding`` and ``sep`` (CSV) or ``sheet`` (XLSX), and ``problems``: warnings
        and information about the reading (characters removed, formulas replaced by their value).

    Raises
    ------
    InputError
        Empty file, unknown format, undecodable bytes (the message names the line), unknown sheet.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError([problem(path.name, message=f"« {path} » est un dossier, pas un fichier",
                                  expected="un export " + ", ".join(sorted(FORMATS)) + " (ex. dossier/export.csv)")])
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError([problem(path.name, value=path.suffix, message="format de fichier non pris en charge",
                                  expected=", ".join(sorted(FORMATS)))])
    if not path.is_file():
        raise InputError([problem(path.name, message=f"fichier introuvable : {path}")])
    if path.stat().st_size == 0:
        raise InputError([problem(path.name, message="fichier vide",
                                  expected="un en-tête puis une ligne par répondant")])
    rows, info = _read_xlsx(path, sheet) if fmt == "xlsx" else _read_csv(path, encoding, sep)
    rows, note = clean_rows(rows, path.name)
    info["problems"] = [*info.get("problems", []), *([note] if note else [])]
    return rows, info


def clean_rows(rows: list[list[str]], fname: str) -> tuple[list[list[str]], dict | None]:
    """Every cell cleaned (:func:`etude.survey.clean.cleaned`, line breaks kept as ``\\n``), and the
    information note of what was removed, cell by cell (``None`` when nothing was).

    >>> rows, note = clean_rows([["Organisme"], ["M\\u200bE\\u200dL"]], "a.csv")
    >>> rows[1], note["message"]
    (['MEL'], '2 caractères invisibles ou de contrôle retirés (U+200B, U+200D) : ligne 2, colonne A')
    """
    places = []
    out = []
    for i, row in enumerate(rows, start=1):
        if is_clean(" ".join(row)):  # most rows: one check for the whole row
            out.append(row)
            continue
        new = []
        for j, cell in enumerate(row):
            text, gone = cleaned(cell, paragraphs=True)
            if gone:
                places.append((f"ligne {i}, colonne {column_letter(j)}", gone))
            new.append(text)
        out.append(new)
    return out, removal_note(fname, places)


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
    with _field_limit(len(text) + 1):
        return _split_csv(path, text, sep, used)


@contextlib.contextmanager
def _field_limit(n: int):
    """The csv module's field limit (131,072 characters) lifted while one file is read: a long comment is read
    whole (the limit is process-wide, so it is put back afterwards)."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, n))
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def _split_csv(path: Path, text: str, sep: str | None, used: str) -> tuple[list[list[str]], dict]:
    if sep is not None:
        if sep not in SEPARATOR_NAMES:
            raise InputError([problem(path.name, value=sep, message="séparateur inconnu", expected="; , tab")])
        sep = SEPARATOR_NAMES[sep]
    else:
        sep = detect_separator(text)
    return _csv_rows(path, text, sep), {"format": "csv", "encoding": used, "sep": sep}


def _csv_rows(path: Path, text: str, sep: str) -> list[list[str]]:
    """Every row of a CSV text; a quote left open (it swallows the rest of the file) is an error naming its line."""
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        rows, starts, line = [], [], 1
        for r in reader:
            rows.append(r)
            starts.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError([problem(path.name, row=line, message=f"ligne CSV illisible ({exc})",
                                  expected="un CSV aux guillemets appariés")]) from None
    if text.count('"') % 2 and rows and any("\n" in c for c in rows[-1]):
        raise InputError([problem(path.name, row=starts[-1], message=f"guillemet non fermé, ligne {starts[-1]}",
                                  expected="fermer le guillemet de cette ligne ou retirer le guillemet isolé "
                                           "(la suite du fichier serait lue comme une seule cellule)")])
    return rows


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
    check_xlsx_archive(path)
    try:
        # formulas are read as written (« =HYPERLINK(…) ») and never evaluated; Excel's cached result is used
        # when the file has one (with a warning), else the formula text stays and is reported where it matters
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError) as exc:
        raise InputError([problem(path.name, message=f"{_XLSX_UNREADABLE} ou corrompu ({exc.__class__.__name__})",
                                  expected=_XLSX_FIX)]) from None
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
        formulas = _sheet_values(path, ws)
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
        return _sheet_values(path, wb[sheet])
    finally:
        wb.close()


def _sheet_values(path: Path, ws) -> list[list[Any]]:
    """Every row of a read-only sheet, whatever its declared ``<dimension>`` (some writers leave a stale one)."""
    from xml.etree.ElementTree import ParseError

    ws.reset_dimensions()  # read to the last row written, not to the range the file claims
    try:
        return [list(r) for r in ws.iter_rows(values_only=True)]
    except (ParseError, zipfile.BadZipFile, EOFError, ValueError, KeyError, TypeError) as exc:
        raise InputError([problem(path.name, message=f"{_XLSX_UNREADABLE} : feuille « {ws.title} » tronquée ou "
                                                     f"mal formée ({exc.__class__.__name__})",
                                  expected=_XLSX_FIX)]) from None


def _max_part_bytes() -> int:
    import os

    env = os.environ.get(XLSX_MAX_PART_ENV, "").strip()
    try:
        return int(float(env) * 1024 * 1024) if env else XLSX_MAX_PART_BYTES
    except ValueError:
        return XLSX_MAX_PART_BYTES


def check_xlsx_archive(path: Path, *, max_part_bytes: int | None = None) -> None:
    """Refuse, before anything is inflated, an XLSX whose parts would inflate too much or whose XML declares a
    DOCTYPE or entities (a way to make a reader expand text without bound).

    Parameters
    ----------
    max_part_bytes : int, optional
        Largest inflated size of one part; default ``$ETUDE_XLSX_MAX_PART_MB`` (megabytes), else
        :data:`XLSX_MAX_PART_BYTES`.

    Raises
    ------
    InputError
        « classeur XLSX illisible » naming the part.
    """
    limit = max_part_bytes if max_part_bytes is not None else _max_part_bytes()
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.file_size > limit:
                    raise InputError([problem(path.name, value=info.filename,
                                              message=f"{_XLSX_UNREADABLE} : une partie du classeur ferait "
                                                      f"{info.file_size // (1024 * 1024)} Mo une fois décompressée "
                                                      f"(limite {limit // (1024 * 1024)} Mo)",
                                              expected="un classeur ordinaire (limite réglable : "
                                                       f"{XLSX_MAX_PART_ENV})")])
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    with z.open(info) as fh:
                        head = fh.read(4096)
                    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                        raise InputError([problem(path.name, value=info.filename,
                                                  message=f"{_XLSX_UNREADABLE} : le XML déclare un DOCTYPE ou des "
                                                          "entités", expected=_XLSX_FIX)])
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise InputError([problem(path.name, message=f"{_XLSX_UNREADABLE} ou corrompu ({exc.__class__.__name__})",
                                  expected=_XLSX_FIX)]) from None


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index (0 → A, 26 → AA)."""
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out

