"""Output privacy scan: does a run folder leak anything personal?

:func:`scan_run` reads every file a run wrote — ``report.html``, ``slides.html``, the per-notebook HTML, the
executed notebooks, the CSV tables and the XLSX workbook (its header row found below the status line),
``slides.pptx`` (every shape's text, table cells, hyperlinks, speaker notes, core properties, pictures; slides,
masters and layouts), ``report.pdf`` (its text page by page with ``pdftotext``, and its link targets), SVG text
and PNG text chunks (also inside images embedded in HTML, notebooks and slides) — and lists what it finds:

- ``email``: an e-mail address (also written ``nom [at] domaine.fr``);
- ``phone``: a French phone number (``06 12 34 56 78``, ``06.12.34.56.78``, ``06 12.34-56 78``, ``03/20/12/34/56``,
  ``0612345678``, ``+33 6 12 34 56 78``, ``+33 (0)6…``, ``0033…``), or a foreign one written with its country code
  (``+32 2 555 12 34``, checked by ``phonenumbers``);
- ``siret``: a SIREN (9 digits) or SIRET (14) number that passes the Luhn check, bare or spaced 3-3-3(-5);
- ``identifier``: one of the raw identifier strings given as ``forbidden`` (names, e-mails, SIRET read from
  the raw exports), matched case-insensitively as a whole word;
- ``small_cell``: a table row about companies whose base ``n_base`` is below ``min_cell`` but whose count or
  percentage is shown (it should have been suppressed);
- ``formula``: a spreadsheet cell that a spreadsheet would run as a formula (an XLSX formula cell, or a CSV
  text cell starting with ``=``, ``+``, ``-``, ``@``).

A clean run gives an empty table. The scan only reads. A file it could not read (``report.pdf`` where
``pdftotext`` is missing, a damaged deck, an unknown binary format) is never a silent pass: it is named in
``attrs["not_scanned"]`` (file → reason), and :func:`scan_lines` says « report.pdf non analysé : pdftotext
introuvable ». :func:`privacy_scan` is what ``etude audit`` runs: the scan, with the raw identifiers of the study
the run's manifest names. Locations, reasons and lines are worded from the catalogue (:mod:`etude.words`, area
``safety``) in :data:`LANG`, the command line's language.

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
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from etude import paths, words
from etude.safety.patterns import (
    EMAIL_RE,
    INLINE_SVG,
    OBFUSCATED_EMAIL_RE,
    PHONE_RE,
    Searched,
    forbidden_patterns,
    machine_paths,
    matches,
    public_names,
    svg_text,
)

__all__ = ["public_names", "svg_text", "machine_paths", "run_study",
           "scan_run", "privacy_scan", "scan_lines", "run_identifiers", "raw_identifiers", "scan_text", "png_text",
           "header_row", "FINDING_COLUMNS", "KINDS", "LANG", "EMAIL_RE", "OBFUSCATED_EMAIL_RE", "PHONE_RE",
           "PDFTOTEXT", "PDF_TIMEOUT", "HEADER_SCAN"]

#: Columns of the table :func:`scan_run` returns.
FINDING_COLUMNS = ["file", "kind", "match", "location"]
#: Kinds of findings (each is worded by the catalogue's ``safety.kind_<kind>``).
KINDS = ("email", "phone", "siret", "identifier", "small_cell", "formula", "name", "path")
#: The language of the findings' locations and of the reasons a file was not read: the command line's.
LANG = "fr"
#: The PDF text extractor (poppler-utils); a command name looked up on the PATH, or a path.
PDFTOTEXT = "pdftotext"
#: Seconds ``pdftotext`` may take on one PDF.
PDF_TIMEOUT = 120
#: Rows of a sheet where :func:`header_row` looks for the column headers.
HEADER_SCAN = 6

_DATA_URI_RE = re.compile(r"data:(image/(?:png|svg\+xml|jpeg|gif))(?:;[\w=.-]+)*?;base64,([A-Za-z0-9+/=\s]+)")
_PDF_URI_RE = re.compile(rb"/URI\s*\(((?:[^()\\]|\\.){0,2000})\)")
_TEXT_EXT = {".html", ".htm", ".svg", ".json", ".txt", ".md", ".log", ".yaml", ".yml", ".js", ".css", ".tex", ".xml"}
_BASE_COLUMNS = ("n_base", "base", "denominator", "n_total")
_VALUE_PREFIXES = ("count", "n_yes", "n_cited", "k", "pct", "share", "prop", "freq", "ci_", "percent", "effectif")
_COMPANY_WORDS = ("compan", "entreprise", "firm")


def _finding(file: str, kind: str, match: str, location: str) -> dict[str, str]:
    return {"file": file, "kind": kind, "match": match, "location": location}


def _at(key: str, **fields) -> str:
    """A word of a location or of a reason (catalogue entry ``safety.<key>``, in :data:`LANG`)."""
    return words.text(f"safety.{key}", LANG, **fields)


def _within(location: str, *more: str) -> str:
    """``location`` and what is inside it, from the outside in: ``diapositive 1, notes``."""
    return ", ".join(x for x in (location, *more) if x)


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
        return _within(location, _at("at_line", line=line))
    return where



def scan_text(text: str, *, file: str = "", location: str = "", forbidden: Iterable[str] = (),
              _patterns: list | None = None, _machine: re.Pattern | None = None) -> list[dict[str, str]]:
    """Findings (``email``, ``phone``, ``siret``, ``name``, ``identifier``, ``path``) in one piece of text.

    HTML entities are decoded first (``jean&#64;x.fr`` is an address). ``location`` is prefixed to the line
    number of each match when the text has several lines. E-mails are also found written to dodge robots
    (``jean point dupont arobase ville point fr``), phone numbers with odd separators or in words, people's names
    after a civility or next to a role (:mod:`etude.survey.privacy`'s patterns: what the door scrubs, the scan
    looks for).

    >>> [f["match"] for f in scan_text("tél. +33 (0)6 12 34 56 78, 0,0612345678 n'en est pas un")]
    ['+33 (0)6 12 34 56 78']
    >>> [f["kind"] for f in scan_text("SIRET 12345678900011", forbidden=["12345678900011"])]
    ['identifier']
    >>> [(f["kind"], f["match"]) for f in scan_text("josé.garcía@exemple.fr, +32 2 555 12 34, SIREN 732829320")]
    [('email', 'josé.garcía@exemple.fr'), ('phone', '+32 2 555 12 34'), ('siret', '732829320')]
    >>> [(f["kind"], f["match"]) for f in scan_text("Mme Françoise Lefèvre-Martin (DAF), jean arobase x point fr")]
    [('email', 'jean arobase x point fr'), ('name', 'Mme Françoise Lefèvre-Martin')]
    """
    patterns = _patterns if _patterns is not None else forbidden_patterns(forbidden)
    variants = [text]
    unescaped = html.unescape(text)
    if unescaped != text:
        variants.append(unescaped)
    found: dict[tuple[str, str], dict[str, str]] = {}
    for variant in variants:
        where = _locator(variant, location)
        for kind, pos, match in matches(variant, patterns, _machine):
            found.setdefault((kind, match), _finding(file, kind, match, where(pos)))
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
        return scan_text(svg_text(data.decode("utf-8", "replace")), file=file, location=location,
                         _patterns=patterns)
    found = []
    for key, value in png_text(data):
        found += scan_text(f"{key}: {value}", file=file, location=_within(location, _at("at_png_text", name=key)),
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
        found.extend(_scan_image(data, m.group(1), file, _within(location, _at("at_image", image=counter)),
                                 patterns))
        return " "

    stripped = _DATA_URI_RE.sub(replace, text)
    if "<svg" in stripped.lower():  # a drawing inline in a page: its text, not its path data
        stripped = INLINE_SVG.sub(lambda m: svg_text(m.group(0)), stripped)
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
        loc = _at("at_cell", cell=i)
        found += _scan_markup("".join(cell.get("source", "")), file, loc, patterns)
        for j, out in enumerate(cell.get("outputs", []), start=1):
            for mime, value in (out.get("data") or {}).items():
                text = "".join(value) if isinstance(value, list) else value
                if not isinstance(text, str):
                    text = json.dumps(text, ensure_ascii=False)
                oloc = _within(loc, _at("at_output", output=j, what=mime))
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
                    found += scan_text(text, file=file, location=_within(loc, _at("at_output", output=j, what=key)),
                                       _patterns=patterns)
    meta = json.dumps(nb.get("metadata", {}), ensure_ascii=False)
    found += scan_text(meta, file=file, location=_at("at_metadata"), _patterns=patterns)
    return found


def _is_number(value: str) -> bool:
    try:
        float(value.replace(",", ".").replace("\u202f", "").replace(" ", ""))
        return True
    except ValueError:
        return False


#: Columns whose name looks like a respondent value but holds a setting: the share assumed to plan a wave's
#: precision (``precision.csv``), not an answer.
_SETTING_COLUMNS = ("proportion",)


def _value_columns(columns: Iterable[str]) -> list[str]:
    return [c for c in columns if str(c).lower().startswith(_VALUE_PREFIXES)
            and str(c).lower() not in _BASE_COLUMNS + _SETTING_COLUMNS]


def _wave_totals(df: pd.DataFrame) -> bool:
    """Whether the rows are whole waves (a population, a wave, its label, and numbers only, e.g.
    ``repondants_par_vague.csv``, ``precision.csv``): their ``n`` is a wave's total, which the study publishes
    exactly (« les totaux restent exacts »), not a group's size."""
    for col in df.columns:
        if str(col).lower() in ("population", "label", "wave"):
            continue
        text = [str(v).strip() for v in df[col].to_numpy().ravel() if v is not None and not pd.isna(v)]
        if not all(_is_number(t) or t in ("buyers", "companies") for t in text if t):  # the workbook's code column
            return False
    return True


def _small_cells(df: pd.DataFrame, file: str, sheet: str | None, min_cell: int) -> list[dict[str, str]]:
    """Company rows that show a number for a group smaller than ``min_cell``.

    Two shapes: a frequency table (a base column ``n_base``… below the threshold while a count or percentage
    is shown) and a profile table (a group-size column ``n`` between 1 and the threshold). ``df``'s index holds
    the spreadsheet row number of each row (``ligne N`` in a finding); columns are CSV codes."""
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
        where = _within(sheet or "", _at("at_line", line=idx))
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
        size, totals = pd.to_numeric(df[cols["n"]], errors="coerce"), _wave_totals(df)
        for idx in df.index[about_companies & size.notna() & (size > 0) & (size < min_cell)]:
            shown = shown_in(idx, values)
            if shown or not totals:  # a small wave's total is published; a share of it is not
                report(idx, cols["n"], shown)
    return found


def _scan_csv(path: Path, file: str, patterns, min_cell: int) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    found = scan_text(text, file=file, _patterns=patterns)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError, TypeError):
        return found
    for col in df.columns:
        for row, value in [(None, str(col)), *enumerate(df[col], start=2)]:  # spreadsheet rows: the header is 1
            if value[:1] in ("=", "+", "-", "@") and not _is_number(value):
                where = _at("at_header") if row is None else _at("at_line", line=row)
                found.append(_finding(file, "formula", value[:80], _within(where, _at("at_column", column=col))))
    df.index = range(2, len(df) + 2)  # spreadsheet rows: the header is row 1
    found += _small_cells(df.replace("", pd.NA), file, None, min_cell)
    return found


def _header_codes() -> dict[str, str]:
    """Casefolded column code, French header and English header -> column code (first code wins a shared header).

    The headers are the catalogue's (:mod:`etude.words`, area ``columns``), as the workbook writes them.
    """
    from etude import words

    headers = {lang: words.area("columns", lang) for lang in words.LANGS}
    out: dict[str, str] = {}
    for code in headers["fr"]:
        for name in (code, *(headers[lang].get(code, code) for lang in words.LANGS)):
            out.setdefault(name.strip().casefold(), code)
    return out


def header_row(rows: list[list], *, scan: int = HEADER_SCAN) -> int | None:
    """Index in ``rows`` of the column headers: the first of the first ``scan`` rows whose cells are mostly
    non-empty strings and that holds a known column (a code or a French/English header of
    :mod:`etude.publish.column_labels`); ``None`` when no row qualifies.

    >>> header_row([["Données simulées — ne pas citer · Freins", None, None], ["Libellé", "Base (répondants)", "Part"],
    ...             ["Temps", 25, 0.56]])
    1
    >>> header_row([["a", "b"], [1, 2]]) is None
    True
    """
    known = _header_codes()
    for i, row in enumerate(rows[:scan]):
        strings = [c.strip() for c in row if isinstance(c, str) and c.strip()]
        if row and 2 * len(strings) > len(row) and any(c.casefold() in known for c in strings):
            return i
    return None


def _sheet_table(rows: list[list], numbers: list[int]) -> pd.DataFrame | None:
    """The table of a sheet, columns renamed to CSV codes, index = spreadsheet row numbers."""
    at = header_row(rows)
    if at is None or at + 1 >= len(rows):
        return None
    known, header = _header_codes(), []
    for j, h in enumerate(rows[at]):
        name = str(h).strip() if h is not None else f"col{j}"
        code = known.get(name.casefold(), name)
        header.append(code if code not in header else name if name not in header else f"{name}~{j}")
    body = [r + [None] * (len(header) - len(r)) for r in rows[at + 1:]]
    return pd.DataFrame(body, columns=header, index=numbers[at + 1:])


def _scan_xlsx(path: Path, file: str, patterns, min_cell: int) -> list[dict[str, str]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=False, data_only=False)
    except Exception as exc:  # an unreadable workbook is itself a finding worth seeing
        return [_finding(file, "formula", _at("unreadable_workbook", error=type(exc).__name__), "")]
    found = []
    for ws in wb.worksheets:
        rows, numbers = [], []
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
            if row:
                rows.append(values)
                numbers.append(row[0].row)
        df = _sheet_table(rows, numbers)
        if df is not None:
            found += _small_cells(df, file, ws.title, min_cell)
    for key in ("creator", "lastModifiedBy", "title", "subject", "description", "keywords"):
        value = getattr(wb.properties, key, None)
        if value:
            found += scan_text(str(value), file=file, location=_at("at_properties", name=key), _patterns=patterns)
    return found


def _shape_texts(shapes, where: str) -> Iterator[tuple[str, str, object]]:
    """``(location, text, picture image or None)`` for every shape, groups opened, tables cell by cell."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    for shape in shapes:
        loc = _within(where, _at("at_shape", shape=shape.name))
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _shape_texts(shape.shapes, where)
            continue
        if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            yield loc, shape.text_frame.text, None
        if getattr(shape, "has_table", False) and shape.has_table:
            for r, row in enumerate(shape.table.rows, start=1):
                for c, cell in enumerate(row.cells, start=1):
                    yield _within(loc, _at("at_line", line=r), _at("at_column_number", column=c)), cell.text, None
        if getattr(shape, "has_chart", False) and shape.has_chart:
            chart = re.sub(r"<[^>]+>", " ", shape.chart.part.blob.decode("utf-8", "replace"))
            yield _within(loc, _at("at_chart")), chart, None
        try:
            image = shape.image  # pictures (and picture placeholders)
        except (AttributeError, ValueError, KeyError):
            image = None
        if image is not None:
            yield loc, "", image


def _deck_parts(prs) -> Iterator[tuple[str, object]]:
    """``(location, slide-like)`` for every slide, then every master and layout (text typed there shows on every
    slide that uses it)."""
    for n, slide in enumerate(prs.slides, start=1):
        yield _at("at_slide", slide=n), slide
    for m, master in enumerate(prs.slide_masters, start=1):
        yield _at("at_master", master=m), master
        for layout in master.slide_layouts:
            yield _within(_at("at_master", master=m), _at("at_layout", layout=layout.name)), layout


def _scan_pptx(path: Path, file: str, patterns) -> tuple[list[dict[str, str]], str | None]:
    """Findings in a deck (text of every shape, table cells, hyperlinks, speaker notes, core properties,
    pictures' text chunks; slides, masters and layouts), and the reason it could not be read (``None`` when
    read)."""
    import pptx

    try:
        prs = pptx.Presentation(str(path))
    except Exception as exc:  # a damaged deck is named as not scanned, never passed
        return [], _at("unreadable_deck", error=type(exc).__name__)
    found: list[dict[str, str]] = []
    for where, part in _deck_parts(prs):
        for loc, text, image in _shape_texts(part.shapes, where):
            if image is not None:
                found += _scan_image(image.blob, image.content_type, file, _within(loc, _at("at_picture")), patterns)
            elif text:
                found += scan_text(text, file=file, location=loc, _patterns=patterns)
        for rel in part.part.rels.values():  # hyperlinks (``mailto:``…) are relationships, not text
            if rel.is_external:
                found += scan_text(str(rel.target_ref), file=file, location=_within(where, _at("at_link")),
                                   _patterns=patterns)
        if getattr(part, "has_notes_slide", False) and part.has_notes_slide:
            notes = part.notes_slide.notes_text_frame
            if notes is not None and notes.text:
                found += scan_text(notes.text, file=file, location=_within(where, _at("at_notes")),
                                   _patterns=patterns)
    props = prs.core_properties
    for key in ("author", "last_modified_by", "title", "subject", "keywords", "comments", "category",
                "content_status", "identifier", "language", "version"):
        value = getattr(props, key, None)
        if value:
            found += scan_text(str(value), file=file, location=_at("at_properties", name=key), _patterns=patterns)
    return found, None


def _pdf_pages(path: Path, pdftotext: str) -> tuple[list[str], str | None]:
    """The text of each page of a PDF (``pdftotext`` separates pages by form feeds), or why it was not read."""
    exe, tool = shutil.which(pdftotext), Path(pdftotext).name
    if exe is None:
        return [], _at("tool_missing", tool=tool)
    try:
        proc = subprocess.run([exe, "-q", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                              timeout=PDF_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return [], _at("tool_timeout", tool=tool, seconds=PDF_TIMEOUT)
    except OSError as exc:
        return [], _at("tool_not_started", tool=tool, error=exc.strerror or type(exc).__name__)
    if proc.returncode != 0:
        return [], _at("tool_failed", tool=tool, code=proc.returncode)
    pages = proc.stdout.decode("utf-8", "replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # the form feed after the last page
    return pages, None


def _scan_pdf(path: Path, file: str, patterns, pdftotext: str) -> tuple[list[dict[str, str]], str | None]:
    pages, reason = _pdf_pages(path, pdftotext)
    found: list[dict[str, str]] = []
    for n, page in enumerate(pages, start=1):
        # lines are the PDF's layout, not the text's: a number wrapped at a line end is still one number
        found += scan_text(" ".join(page.split()), file=file, location=_at("at_page", page=n), _patterns=patterns)
    # link targets (``mailto:``…) are annotations, not page text: read them from the file itself
    for m in _PDF_URI_RE.finditer(path.read_bytes()):
        found += scan_text(m.group(1).decode("latin-1"), file=file, location=_at("at_link"), _patterns=patterns)
    return found, reason


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
    from etude import survey
    from etude.survey import codebook as cbk

    spec = survey.read_study(study)
    found: dict[str, None] = {}
    for inp in spec["inputs"]:
        population = inp["population"]
        idents = cbk.variants(population, codebook=spec["codebook"]).identifiers
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


def scan_run(run_dir: str | os.PathLike, *, forbidden: Iterable[str] = (), min_cell: int = 5,
             pdftotext: str = PDFTOTEXT, machine: Iterable[str | os.PathLike] = ()) -> pd.DataFrame:
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
    pdftotext : str, default :data:`PDFTOTEXT`
        The command that reads a PDF's text (name on the PATH, or path).
    machine : iterable of paths
        Folders of this machine no output may name (:func:`machine_paths`), besides the run folder itself:
        :func:`privacy_scan` gives the home folder, the working directory, the repository and the study's folder.

    Returns
    -------
    DataFrame with columns ``file`` (relative to ``run_dir``), ``kind`` (one of :data:`KINDS`), ``match``
    and ``location`` (line, cell, sheet!cell, slide, page, image…). Empty when nothing leaks.
    ``attrs["not_scanned"]`` maps each file the scan could not read to the reason (``{}`` when it read all).

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "report.pdf").write_bytes(b"%PDF-1.4")
    >>> scan_lines(scan_run(d, pdftotext="pdftotext-absent"))
    ['report.pdf non analysé : pdftotext-absent introuvable']
    """
    root = Path(run_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"dossier d'exécution introuvable : {root}")
    patterns = Searched(forbidden_patterns(forbidden))
    patterns.machine = machine_paths([root, *machine])
    patterns.public = public_names()
    found: list[dict[str, str]] = []
    not_scanned: dict[str, str] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        file = path.relative_to(root).as_posix()
        more, reason = _scan_file(path, file, patterns, min_cell, pdftotext)
        found += more
        if reason:
            not_scanned[file] = reason
    out = pd.DataFrame(found, columns=FINDING_COLUMNS)
    out.attrs["not_scanned"] = not_scanned
    return out


def _scan_file(path: Path, file: str, patterns, min_cell: int, pdftotext: str) -> tuple[list[dict], str | None]:
    """Findings in one file of a run, read by its format, and why it could not be read (``None`` when read)."""
    ext = path.suffix.lower()
    if ext == ".ipynb":
        try:
            return _scan_notebook(path, file, patterns), None
        except (json.JSONDecodeError, UnicodeDecodeError):
            pass  # not a notebook after all: read as text below
    if ext == ".csv":
        return _scan_csv(path, file, patterns, min_cell), None
    if ext in (".xlsx", ".xlsm"):
        return _scan_xlsx(path, file, patterns, min_cell), None
    if ext == ".pptx":
        return _scan_pptx(path, file, patterns)
    if ext == ".pdf":
        return _scan_pdf(path, file, patterns, pdftotext)
    if ext in (".png", ".jpg", ".jpeg", ".gif"):
        return _scan_image(path.read_bytes(), "image/png", file, "", patterns), None
    if ext == ".svg":
        return _scan_image(path.read_bytes(), "image/svg+xml", file, "", patterns), None
    if ext in _TEXT_EXT or ext == ".ipynb":
        return _scan_markup(path.read_text(encoding="utf-8", errors="replace"), file, "", patterns), None
    data = path.read_bytes()
    if b"\0" not in data[:4096]:  # unknown but textual: scan it too
        return _scan_markup(data.decode("utf-8", "replace"), file, "", patterns), None
    return [], _at("binary")


def run_study(run_dir: str | os.PathLike, study: str | os.PathLike | None = None) -> Path | None:
    """The study file a run read (``study`` when given, else the one its ``manifest.json`` names: a path in the
    repository, or the demo); ``None`` when it cannot be found from here.

    >>> import tempfile
    >>> run_study(tempfile.mkdtemp()) is None
    True
    """
    if study:
        return Path(study).expanduser().resolve()
    try:
        manifest = json.loads((Path(run_dir) / "manifest.json").read_text(encoding="utf-8"))
        entry = manifest.get("study") or {}
    except (OSError, ValueError, AttributeError):
        return None
    recorded = entry.get("path") if isinstance(entry, dict) else None
    if not recorded:
        return paths.default_study() if isinstance(entry, dict) and entry.get("demo") else None
    path = Path(recorded) if Path(recorded).is_absolute() else paths.root() / recorded
    return path if path.is_file() else None


def run_identifiers(run_dir: str | os.PathLike, study: str | os.PathLike | None = None) -> list[str] | None:
    """The raw identifiers (:func:`raw_identifiers`) of the study a run read (:func:`run_study`); ``None``
    when that study can no longer be read (no manifest, study file outside the repository or moved, export
    missing).

    >>> import tempfile
    >>> run_identifiers(tempfile.mkdtemp()) is None
    True
    """
    from etude.errors import EtudeError

    found = run_study(run_dir, study)
    if found is None or not found.is_file():
        return None
    try:
        return raw_identifiers(found)
    except (OSError, ValueError, AttributeError, EtudeError):
        return None


def privacy_scan(run_dir: str | os.PathLike, *, min_cell: int = 5, pdftotext: str = PDFTOTEXT,
                 study: str | os.PathLike | None = None) -> pd.DataFrame:
    """What ``etude audit`` checks for personal data: :func:`scan_run` with the raw identifiers of the run's
    study (:func:`run_identifiers`; ``study``: its file, when the manifest does not find it) and the folders of
    this machine (home, working directory, repository, the study's folder). When the study cannot be read, the
    scan still looks for e-mails, phone numbers, names, paths, small cells and formulas, and
    ``attrs["identifiers"]`` is ``None`` (else the number searched)."""
    forbidden = run_identifiers(run_dir, study)
    found_study = run_study(run_dir, study)
    machine = [Path.home(), Path.cwd(), paths.root(), *([found_study.parent] if found_study else [])]
    found = scan_run(run_dir, forbidden=forbidden or (), min_cell=min_cell, pdftotext=pdftotext, machine=machine)
    declared = declared_contacts(found_study)
    if declared and not found.empty:  # the study's own contact, published on purpose on the closing slide
        kept = found[~(found["kind"].isin(["email", "phone"]) & found["match"].str.casefold().isin(declared))]
        found = kept.reset_index(drop=True).__finalize__(found)
    found.attrs["identifiers"] = None if forbidden is None else len(forbidden)
    return found


def declared_contacts(study: str | os.PathLike | None) -> set[str]:
    r"""The contacts a study file publishes on purpose (``meeting.contacts``: the working group's address on the
    closing slide), case-folded; empty when the study cannot be read.

    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "etude.yaml"
    >>> _ = f.write_text("meeting:\n  contacts: [GT-Innovation@example.org]\n", encoding="utf-8")
    >>> declared_contacts(f), declared_contacts(None)
    ({'gt-innovation@example.org'}, set())
    """
    from etude import survey
    from etude.errors import EtudeError

    if study is None or not Path(study).is_file():
        return set()
    try:
        meeting = survey.read_study(study).get("meeting")
    except (OSError, ValueError, EtudeError):
        return set()
    contacts = meeting.get("contacts") if isinstance(meeting, dict) else None
    return {str(c).strip().casefold() for c in contacts or [] if str(c).strip()}


def _kind_word(kind: str, lang: str) -> str:
    """A finding's kind as the reader reads it (the catalogue's ``safety.kind_*``, ``audit.kind_*`` for those added
    by issue 27)."""
    if kind in ("name", "path"):
        return words.text(f"audit.kind_{kind}", lang)
    return words.text(f"safety.kind_{kind}", lang) if kind in KINDS else kind


def scan_lines(found: pd.DataFrame, *, lang: str = LANG) -> list[str]:
    """One line per finding of :func:`scan_run`, then one per file it could not read, then (after
    :func:`privacy_scan`) a line when the study's raw identifiers could not be searched. Control characters and
    terminal escapes are removed (:func:`etude.errors.printable`).

    >>> df = pd.DataFrame([{"file": "report.html", "kind": "email", "match": "a@b.fr", "location": "ligne 3"}])
    >>> df.attrs["not_scanned"] = {"report.pdf": "pdftotext introuvable"}
    >>> scan_lines(df)
    ['report.html, ligne 3 : adresse e-mail « a@b.fr »', 'report.pdf non analysé : pdftotext introuvable']
    """
    from etude.errors import printable  # every value here may be hostile text bound for a terminal

    def say(key: str, **fields) -> str:
        return printable(words.text(f"safety.{key}", lang, **fields))
    lines = [say("leak", where=_within(r.file, r.location), match=r.match, kind=_kind_word(r.kind, lang))
             for r in found.itertuples(index=False)]
    lines += [say("not_scanned", file=file, reason=reason)
              for file, reason in found.attrs.get("not_scanned", {}).items()]
    if "identifiers" in found.attrs and found.attrs["identifiers"] is None:
        lines.append(say("no_identifiers"))
    return lines
