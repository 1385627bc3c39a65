"""Output privacy scan: does a run folder leak anything personal?

:func:`scan_run` reads every file a run wrote — ``report.html``, ``slides.html``, the per-notebook HTML, the
executed notebooks, the CSV tables and the XLSX workbook, SVG text and PNG text chunks (also inside images
embedded in HTML and notebooks as ``data:`` URIs or outputs) — and lists what it finds:

- ``email``: an e-mail address (also written ``nom [at] domaine.fr``);
- ``phone``: a French phone number (``06 12 34 56 78``, ``06.12.34.56.78``, ``06 12.34-56 78``, ``0612345678``,
  ``+33 6 12 34 56 78``, ``+33 (0)6…``, ``0033…``);
- ``identifier``: one of the raw identifier strings given as ``forbidden`` (names, e-mails, SIRET read from
  the raw exports), matched case-insensitively as a whole word;
- ``small_cell``: a table row about companies whose base ``n_base`` is below ``min_cell`` but whose count or
  percentage is shown (it should have been suppressed);
- ``formula``: a spreadsheet cell that a spreadsheet would run as a formula (an XLSX formula cell, or a CSV
  text cell starting with ``=``, ``+``, ``-``, ``@``).

A clean run gives an empty table. The scan only reads.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "report.html").write_text("<p>Écrire à jean.dupont@exemple.fr ou au 06 12 34 56 78</p>")
>>> scan_run(d)[["file", "kind", "match"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
[{'file': 'report.html', 'kind': 'email', 'match': 'jean.dupont@exemple.fr'},
 {'file': 'report.html', 'kind': 'phone', 'match': '06 12 34 56 78'}]
"""
from __future__ import annotations

import base64
import binascii
import bisect
import html
import io
import json
import os
import re
import struct
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

__all__ = ["scan_run", "raw_identifiers", "scan_text", "png_text", "FINDING_COLUMNS", "KINDS", "EMAIL_RE",
           "OBFUSCATED_EMAIL_RE", "PHONE_RE"]

#: Columns of the table :func:`scan_run` returns.
FINDING_COLUMNS = ["file", "kind", "match", "location"]
#: Kinds of findings.
KINDS = ("email", "phone", "identifier", "small_cell", "formula")

# File extensions that look like a domain in ``name@2x.png``-style asset names; never an e-mail.
_ASSET_TLDS = {"png", "jpg", "jpeg", "gif", "svg", "webp", "css", "js", "mjs", "map", "woff", "woff2", "ttf",
               "eot", "otf", "ico", "json", "html", "ipynb", "csv", "xlsx", "py"}

#: An e-mail address.
EMAIL_RE = re.compile(r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.([A-Za-z]{2,24})(?![\w-])")
#: A French phone number: digit pairs separated by spaces, dots, dashes (mixed or not) or nothing.
PHONE_RE = re.compile(
    r"(?<![\w.,/+-])"
    r"(?:(?:\+33|0033)[ .\u00a0\u202f]?(?:\(0\)[ .\u00a0\u202f]?)?|0)[1-9]"
    r"(?:[ .\-\u00a0\u202f]?\d{2}){4}"
    r"(?!\w|[.,]\d|-\d)")
#: An e-mail address written to dodge robots: ``jean [at] exemple.fr``, ``jean(at)exemple.fr``.
OBFUSCATED_EMAIL_RE = re.compile(r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*\s?(?:\[at\]|\(at\)|\[arobase\])\s?"
                                 r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w-])", re.IGNORECASE)

_DATA_URI_RE = re.compile(r"data:(image/(?:png|svg\+xml|jpeg|gif))(?:;[\w=.-]+)*?;base64,([A-Za-z0-9+/=\s]+)")
_TEXT_EXT = {".html", ".htm", ".svg", ".json", ".txt", ".md", ".log", ".yaml", ".yml", ".js", ".css", ".tex", ".xml"}
_BASE_COLUMNS = ("n_base", "base", "denominator", "n_total")
_VALUE_PREFIXES = ("count", "n_yes", "n_cited", "k", "pct", "share", "prop", "freq", "ci_", "percent", "effectif")
_COMPANY_WORDS = ("compan", "entreprise", "firm")


def _finding(file: str, kind: str, match: str, location: str) -> dict[str, str]:
    return {"file": file, "kind": kind, "match": match, "location": location}


def _forbidden_patterns(forbidden: Iterable[str]) -> list[tuple[str, re.Pattern, str]]:
    out = []
    for raw in dict.fromkeys(str(f).strip() for f in forbidden if f is not None):
        if len(raw) < 3 or raw.lower() in ("nan", "none", "<na>"):
            continue  # too short to search without flagging ordinary words
        body = r"\s+".join(re.escape(part) for part in raw.split())
        out.append((raw, re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE), " ".join(raw.split()).casefold()))
    return out


def _locator(text: str, location: str):
    """``where(pos)``: ``location`` plus the line of ``pos`` in ``text`` (line starts computed on first use)."""
    line_starts: list[int] | None = None

    def where(pos: int) -> str:
        nonlocal line_starts
        if "\n" not in text:
            return location
        if line_starts is None:
            line_starts = [m.start() for m in re.finditer("\n", text)]
        line = bisect.bisect_right(line_starts, pos - 1) + 1
        return f"{location}, ligne {line}" if location else f"ligne {line}"
    return where


def scan_text(text: str, *, file: str = "", location: str = "", forbidden: Iterable[str] = (),
              _patterns: list | None = None) -> list[dict[str, str]]:
    """Findings (``email``, ``phone``, ``identifier``) in one piece of text.

    HTML entities are decoded first (``jean&#64;x.fr`` is an address). ``location`` is prefixed to the line
    number of each match when the text has several lines.

    >>> [f["match"] for f in scan_text("tél. +33 (0)6 12 34 56 78, 0,0612345678 n'en est pas un")]
    ['+33 (0)6 12 34 56 78']
    >>> [f["kind"] for f in scan_text("SIRET 12345678900011", forbidden=["12345678900011"])]
    ['identifier']
    """
    patterns = _patterns if _patterns is not None else _forbidden_patterns(forbidden)
    variants = [text]
    unescaped = html.unescape(text)
    if unescaped != text:
        variants.append(unescaped)
    found: dict[tuple[str, str, str], dict[str, str]] = {}
    for variant in variants:
        where = _locator(variant, location)

        for m in EMAIL_RE.finditer(variant):
            if m.group(1).lower() in _ASSET_TLDS:
                continue
            found.setdefault(("email", m.group(0), ""), _finding(file, "email", m.group(0), where(m.start())))
        for m in OBFUSCATED_EMAIL_RE.finditer(variant):
            found.setdefault(("email", m.group(0), ""), _finding(file, "email", m.group(0), where(m.start())))
        for m in PHONE_RE.finditer(variant):
            found.setdefault(("phone", m.group(0), ""), _finding(file, "phone", m.group(0), where(m.start())))
        folded = " ".join(variant.split()).casefold() if patterns else ""
        for raw, pat, key in patterns:
            if key not in folded:  # cheap filter before the regular expression
                continue
            m = pat.search(variant)
            if m:
                found.setdefault(("identifier", raw, ""), _finding(file, "identifier", raw, where(m.start())))
    return list(found.values())


def png_text(data: bytes) -> list[tuple[str, str]]:
    """Text chunks (``tEXt``, ``zTXt``, ``iTXt``) of a PNG as ``(keyword, text)`` pairs; ``[]`` if not a PNG.

    >>> png_text(b"not a png")
    []
    """
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return []
    out, pos = [], 8
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        try:
            if ctype == b"tEXt":
                key, _, value = body.partition(b"\0")
                out.append((key.decode("latin-1"), value.decode("latin-1")))
            elif ctype == b"zTXt":
                key, _, rest = body.partition(b"\0")
                out.append((key.decode("latin-1"), zlib.decompress(rest[1:]).decode("latin-1")))
            elif ctype == b"iTXt":
                key, _, rest = body.partition(b"\0")
                compressed, rest = rest[0], rest[2:]
                _lang, _, rest = rest.partition(b"\0")
                _tkey, _, value = rest.partition(b"\0")
                value = zlib.decompress(value) if compressed else value
                out.append((key.decode("latin-1"), value.decode("utf-8", "replace")))
            elif ctype == b"IEND":
                break
        except (zlib.error, IndexError):
            out.append((ctype.decode("latin-1"), body.decode("latin-1")))
    return out


def _scan_image(data: bytes, mime: str, file: str, location: str, patterns) -> list[dict[str, str]]:
    if "svg" in mime:
        return scan_text(data.decode("utf-8", "replace"), file=file, location=location, _patterns=patterns)
    found = []
    for key, value in png_text(data):
        found += scan_text(f"{key}: {value}", file=file, location=f"{location}, texte PNG « {key} »",
                           _patterns=patterns)
    return found


def _scan_markup(text: str, file: str, location: str, patterns) -> list[dict[str, str]]:
    """Text with ``data:`` images: decode each image and scan it; scan the rest as text."""
    found = []
    counter = 0

    def replace(m: re.Match) -> str:
        nonlocal counter
        counter += 1
        try:
            data = base64.b64decode("".join(m.group(2).split()), validate=False)
        except (binascii.Error, ValueError):
            return " "
        found.extend(_scan_image(data, m.group(1), file, f"{location + ', ' if location else ''}image {counter}",
                                 patterns))
        return " "

    stripped = _DATA_URI_RE.sub(replace, text)
    return scan_text(stripped, file=file, location=location, _patterns=patterns) + found


def _iter_strings(obj, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(obj, str):
        yield path, obj
    elif isinstance(obj, list):
        if obj and all(isinstance(x, str) for x in obj):
            yield path, "".join(obj)  # notebook multi-line strings
        else:
            for i, x in enumerate(obj):
                yield from _iter_strings(x, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _iter_strings(v, f"{path}.{k}" if path else str(k))


def _scan_notebook(path: Path, file: str, patterns) -> list[dict[str, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for i, cell in enumerate(nb.get("cells", []), start=1):
        loc = f"cellule {i}"
        found += _scan_markup("".join(cell.get("source", "")), file, loc, patterns)
        for j, out in enumerate(cell.get("outputs", []), start=1):
            for mime, value in (out.get("data") or {}).items():
                text = "".join(value) if isinstance(value, list) else value
                if not isinstance(text, str):
                    text = json.dumps(text, ensure_ascii=False)
                oloc = f"{loc}, sortie {j} ({mime})"
                if mime in ("image/png", "image/jpeg", "image/gif"):
                    try:
                        found += _scan_image(base64.b64decode(text), mime, file, oloc, patterns)
                    except (binascii.Error, ValueError):
                        pass
                else:
                    found += _scan_markup(text, file, oloc, patterns)
            for key in ("text", "traceback", "evalue"):
                if key in out:
                    value = out[key]
                    text = "".join(value) if isinstance(value, list) else str(value)
                    found += scan_text(text, file=file, location=f"{loc}, sortie {j} ({key})", _patterns=patterns)
    meta = json.dumps(nb.get("metadata", {}), ensure_ascii=False)
    found += scan_text(meta, file=file, location="métadonnées", _patterns=patterns)
    return found


def _is_number(value: str) -> bool:
    try:
        float(value.replace(",", ".").replace("\u202f", "").replace(" ", ""))
        return True
    except ValueError:
        return False


def _value_columns(columns: Iterable[str]) -> list[str]:
    return [c for c in columns if str(c).lower().startswith(_VALUE_PREFIXES) and str(c).lower() not in _BASE_COLUMNS]


def _small_cells(df: pd.DataFrame, file: str, sheet: str | None, min_cell: int) -> list[dict[str, str]]:
    """Company rows that show a number for a group smaller than ``min_cell``.

    Two shapes: a frequency table (a base column ``n_base``… below the threshold while a count or percentage
    is shown) and a profile table (a group-size column ``n`` between 1 and the threshold)."""
    cols = {str(c).lower(): c for c in df.columns}
    if "population" in cols:
        about_companies = df[cols["population"]].astype(str).str.lower().str.startswith(_COMPANY_WORDS)
    elif any(w in (file + (sheet or "")).lower() for w in _COMPANY_WORDS):
        about_companies = pd.Series(True, index=df.index)
    else:
        return []
    values = _value_columns(df.columns)
    found = []

    def shown_in(idx, columns):
        return [c for c in columns if pd.notna(df.at[idx, c]) and str(df.at[idx, c]).strip() not in ("", "nan")]

    def report(idx, base, shown):
        row = int(df.index.get_loc(idx)) + 2  # spreadsheet row: header is row 1
        where = f"{sheet + ', ' if sheet else ''}ligne {row}"
        found.append(_finding(file, "small_cell", f"{base}={df.at[idx, base]}: "
                              + ", ".join(f"{c}={df.at[idx, c]}" for c in shown), where))

    base = next((cols[c] for c in _BASE_COLUMNS if c in cols), None)
    if base is not None and values:
        n = pd.to_numeric(df[base], errors="coerce")
        for idx in df.index[about_companies & n.notna() & (n < min_cell)]:
            shown = shown_in(idx, values)
            if shown:
                report(idx, base, shown)
    if "n" in cols:
        size = pd.to_numeric(df[cols["n"]], errors="coerce")
        for idx in df.index[about_companies & size.notna() & (size > 0) & (size < min_cell)]:
            report(idx, cols["n"], shown_in(idx, values))
    return found


def _scan_csv(path: Path, file: str, patterns, min_cell: int) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    found = scan_text(text, file=file, _patterns=patterns)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError, TypeError):
        return found
    for col in df.columns:
        cells = [("en-tête", str(col))] + [(f"ligne {r + 2}", v) for r, v in enumerate(df[col])]
        for where, value in cells:
            if value[:1] in ("=", "+", "-", "@") and not _is_number(value):
                found.append(_finding(file, "formula", value[:80], f"{where}, colonne « {col} »"))
    found += _small_cells(df.replace("", pd.NA), file, None, min_cell)
    return found


def _scan_xlsx(path: Path, file: str, patterns, min_cell: int) -> list[dict[str, str]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=False, data_only=False)
    except Exception as exc:  # an unreadable workbook is itself a finding worth seeing
        return [_finding(file, "formula", f"classeur illisible : {type(exc).__name__}", "")]
    found = []
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            values = []
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")
                                             and cell.data_type != "s"):
                    found.append(_finding(file, "formula", str(cell.value)[:80], f"{ws.title}!{cell.coordinate}"))
                if isinstance(cell.value, str):
                    found += scan_text(cell.value, file=file, location=f"{ws.title}!{cell.coordinate}",
                                       _patterns=patterns)
                values.append(cell.value)
            rows.append(values)
        if len(rows) >= 2 and rows[0]:
            header = [str(h) if h is not None else f"col{i}" for i, h in enumerate(rows[0])]
            df = pd.DataFrame(rows[1:], columns=header)
            found += _small_cells(df, file, ws.title, min_cell)
    for key in ("creator", "lastModifiedBy", "title", "subject", "description", "keywords"):
        value = getattr(wb.properties, key, None)
        if value:
            found += scan_text(str(value), file=file, location=f"propriétés ({key})", _patterns=patterns)
    return found


def raw_identifiers(study: str | os.PathLike | None = None, *, header_scan: int = 20) -> list[str]:
    """Every raw identifier written in a study's exports: the strings a run must never show.

    Reads each export of the study file (default: the demo study) as a spreadsheet shows it and returns the
    non-empty cells of its identifier columns (e-mail, name, phone, company name, SIRET, respondent id — the
    codebook's ``identifiers`` and their synonyms, plus columns a mapping file sends to one of them).
    Values shorter than 3 characters are left out (bare row numbers would match everywhere).

    >>> ids = raw_identifiers()
    >>> any("@" in v for v in ids)
    True
    """
    from etude import codebook as cbk
    from etude import survey

    spec = survey.read_study(study)
    found: dict[str, None] = {}
    for inp in spec["inputs"]:
        kind = inp["kind"]
        idents = cbk.variants(kind, codebook=spec["codebook"]).identifiers
        names = {n for spellings in idents.values() for n in spellings}
        if inp.get("mapping"):
            mapping = survey.load_mapping(inp["mapping"])
            names |= {cbk.normalise(h) for h, t in mapping["columns"].items() if t in idents}
        rows, _ = survey.read_rows(inp["path"], sheet=inp.get("sheet"), encoding=inp.get("encoding"),
                                   sep=inp.get("sep"))
        best, best_n = None, 0
        for i, r in enumerate(rows[:header_scan]):
            n = sum(cbk.normalise(c) in names for c in r)
            if n > best_n:
                best, best_n = i, n
        if best is None:
            continue
        cols = [j for j, c in enumerate(rows[best]) if cbk.normalise(c) in names]
        for r in rows[best + 1:]:
            for j in cols:
                v = r[j].strip() if j < len(r) else ""
                if len(v) >= 3:
                    found[v] = None
    return list(found)


def scan_run(run_dir: str | os.PathLike, *, forbidden: Iterable[str] = (), min_cell: int = 5) -> pd.DataFrame:
    """Scan every file of a run folder for personal data and unsuppressed small cells.

    Parameters
    ----------
    run_dir : path
        A run folder (``outputs/<run>/``) or any folder of outputs; scanned recursively.
    forbidden : iterable of str
        Raw identifier strings that must not appear anywhere (names, e-mails, SIRET, phone numbers as
        written in the raw exports). Strings shorter than 3 characters are ignored.
    min_cell : int, default 5
        Company rows of a table whose ``n_base`` is below this must not show a count or a percentage.

    Returns
    -------
    DataFrame with columns ``file`` (relative to ``run_dir``), ``kind`` (one of :data:`KINDS`), ``match``
    and ``location`` (line, cell, sheet!cell, image…). Empty when nothing leaks.
    """
    root = Path(run_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"dossier d'exécution introuvable : {root}")
    patterns = _forbidden_patterns(forbidden)
    found: list[dict[str, str]] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        file = path.relative_to(root).as_posix()
        ext = path.suffix.lower()
        if ext == ".ipynb":
            try:
                found += _scan_notebook(path, file, patterns)
                continue
            except (json.JSONDecodeError, UnicodeDecodeError):
                pass
        if ext == ".csv":
            found += _scan_csv(path, file, patterns, min_cell)
        elif ext in (".xlsx", ".xlsm"):
            found += _scan_xlsx(path, file, patterns, min_cell)
        elif ext in (".png", ".jpg", ".jpeg", ".gif"):
            found += _scan_image(path.read_bytes(), "image/png", file, "", patterns)
        elif ext in _TEXT_EXT or ext == ".ipynb":
            found += _scan_markup(path.read_text(encoding="utf-8", errors="replace"), file, "", patterns)
        else:
            data = path.read_bytes()
            if b"\0" not in data[:4096]:  # unknown but textual: scan it too
                found += _scan_markup(data.decode("utf-8", "replace"), file, "", patterns)
    return pd.DataFrame(found, columns=FINDING_COLUMNS)
