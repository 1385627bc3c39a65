"""``tables/tables.xlsx``: the run's tables as a workbook a public servant opens in Excel or LibreOffice.

The first sheet, « À lire » (« Read me »), says what the workbook is (study title, waves, data status, sources, the
small-cell rule) and describes every sheet in a sentence. Then one sheet per CSV of ``tables/``, named in words
(catalogue ``workbook.sheet_names``, at most 31 characters, unique): the data-status line on the first row,
headers in the reader's language (:mod:`etude.publish.column_labels`) on the second, frozen, with an autofilter;
codes become words (codebook labels, status words: :func:`reader_table`) and the codes themselves go to the last
columns, for scripts; shares are numbers formatted as percentages (``48,1 %`` in a French Excel), counts are
integers, yes/no columns say « oui »/« non ». Every sheet prints on A4 landscape, one page wide, its header row
repeated; wrapped texts get the height they need. Every word comes from the catalogue (:mod:`etude.words`, areas
``workbook`` and ``columns``). The CSVs themselves keep their codes.

Examples
--------
>>> import tempfile, openpyxl, pandas as pd
>>> run = Path(tempfile.mkdtemp())
>>> (run / "tables").mkdir()
>>> pd.DataFrame({"label": ["Temps"], "n_base": [25], "pct": [0.56]}).to_csv(run / "tables" / "freins.csv",
...                                                                         index=False)
>>> wb = openpyxl.load_workbook(write_workbook(run, {"simulated": True, "waves": [2017]}))
>>> wb.sheetnames
['À lire', 'Freins cités']
>>> ws = wb["Freins cités"]
>>> [c.value for c in ws[2]], ws["C3"].value, ws["C3"].number_format, ws.freeze_panes
(['Libellé', 'Base (répondants)', 'Part'], 0.56, '0.0%', 'A3')
>>> ws["A1"].value, ws.oddFooter.center.text
('Freins cités, par population', 'Données simulées — ne pas citer')
>>> openpyxl.load_workbook(write_workbook(run, {"simulated": True}, lang="en")).sheetnames
['Read me', 'Barriers cited']
"""
from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.cell import WriteOnlyCell

from etude import words
from etude.files import atomic_write
from etude.publish import column_labels as labels
from etude.publish import formats, runinfo
from etude.publish.reference_text import unit_name

__all__ = ["write_workbook", "sheet_name", "reader_table", "LABELLED_BY", "NUMBER_FORMATS", "HEADER_ROW",
           "UNIT_VALUE_COLUMNS", "SHARE_UNITS"]

#: Row of the column headers on a table sheet (row 1 holds the data-status line).
HEADER_ROW = 2
#: Values of a row whose ``unit`` column is one of :data:`SHARE_UNITS` are shown as percentages.
UNIT_VALUE_COLUMNS = ("value", "previous_value", "change_abs")
#: Units (``unit`` column of the indicator tables) that are fractions.
SHARE_UNITS = ("share", "rel_change", "pt_change")
#: openpyxl number format per column kind (Excel shows ``0.0%`` as ``48,1 %`` in French).
NUMBER_FORMATS = {"share": "0.0%", "count": "0", "p": "0.000", "number": "General"}

def sheet_name(stem: str, taken: set[str]) -> str:
    """A valid, unique sheet name for ``stem`` (at most 31 characters, no ``[]:*?/\\``); adds it to ``taken``.

    >>> taken = set()
    >>> sheet_name("une_table_au_nom_vraiment_beaucoup_trop_long", taken), sheet_name("a:b", taken)
    ('une_table_au_nom_vraiment_beauc', 'a_b')
    """
    base = re.sub(r"[\[\]:*?/\\]", "_", stem).strip("'") or "table"
    name, i = base[:31], 1
    while name.lower() in taken:
        i += 1
        suffix = f"~{i}"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _kind(code: str, values: pd.Series) -> str:
    kind = labels.column_kind(code)
    if kind:
        return kind
    if pd.api.types.is_bool_dtype(values):
        return "text"
    if pd.api.types.is_numeric_dtype(values):
        finite = values.dropna()
        return "count" if len(finite) and (finite == finite.round()).all() else "number"
    return "text"


def _yes_no(value: bool, lang: str) -> str:
    return words.text("common.yes" if value else "common.no", lang)


def _cell_value(value: Any, kind: str, lang: str) -> Any:
    """A cell's value: numbers stay numbers (counts as int), booleans become words, NaN becomes empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, bool):
        return _yes_no(value, lang)
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        if text in ("True", "False") and kind == "text":
            return _yes_no(text == "True", lang)
        return text
    if kind == "count" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: A code column whose labels the table already holds in another column: shown last, for scripts.
LABELLED_BY = {"item": "label", "theme": "label", "code": "label", "segment": "label", "value": "label",
               "group_value": "group_label", "group1": "group1_label", "group2": "group2_label",
               "remedy": "remedy_label", "objective": "objective_label", "indicator": "indicator_label",
               "flag": "flag_label", "solutions": "solution_labels"}


def _value_words(value: Any, lang: str, min_cell: int = 5) -> str | None:
    """The reader's words for a code (codebook label, else the catalogue's ``codes.*``); ``None`` if neither."""
    from etude.publish.labels import label_of
    if not isinstance(value, str) or not value:
        return None
    try:
        found = label_of(value, lang, missing="")
    except (OSError, ValueError):  # a repository without a codebook: status words only
        found = ""
    if found:
        return found
    return (words.label(value, lang, min_cell=formats.number(min_cell, lang=lang))
            if words.has(f"codes.{value}", lang) else None)


def _all_words(codes, lang: str, min_cell: int) -> dict[str, str] | None:
    """Each code's words (:func:`_value_words`), or ``None`` as soon as one has none (a column of 160,000
    pseudonyms is looked up once, not 160,000 times).

    >>> _all_words(["buyers", "companies"], "fr", 5)
    {'buyers': 'Acheteurs publics', 'companies': 'Entreprises innovantes'}
    >>> _all_words(["buyers", "A-1f3e"], "fr", 5) is None
    True
    """
    named = {}
    for code in codes:
        named[code] = _value_words(code, lang, min_cell)
        if not named[code]:
            return None
    return named


def reader_table(df: pd.DataFrame, lang: str, *, min_cell: int = 5) -> tuple[pd.DataFrame, list[str]]:
    """``df`` as a reader sees it, and the columns that hold codes: a column of codes gets their words (codebook
    labels, status words) and its codes move to a last column; a code column whose labels the table already has
    (:data:`LABELLED_BY`) moves there as it is. Status words that name the small-group threshold say ``min_cell``.

    >>> t = pd.DataFrame({"population": ["buyers"], "item": ["b_temps"], "label": ["Manque de temps"]})
    >>> shown, codes = reader_table(t, "fr")
    >>> list(shown.columns), codes
    (['population', 'label', 'population ', 'item'], ['population ', 'item'])
    >>> shown.iloc[0].tolist()
    ['Acheteurs publics', 'Manque de temps', 'buyers', 'b_temps']
    """
    out = df.copy()
    last: dict[str, pd.Series] = {}
    for col in df.columns:
        values = df[col].dropna()
        if col in LABELLED_BY and LABELLED_BY[col] in df.columns:
            last[str(col)] = out.pop(col)
            continue
        if values.empty or not all(isinstance(v, str) for v in values):
            continue
        named = _all_words(values.unique(), lang, min_cell)
        if named is not None:
            last[f"{col} "] = df[col]  # the code, under the same header followed by « (code) »
            out[col] = df[col].map(lambda v, named=named: named.get(v, v))
    for name, series in last.items():
        out[name] = series.values
    return out, list(last)


def _cell(ws, value: Any, *, number_format: str | None = None, font=None, fill=None, alignment=None) -> Any:
    """``value`` as a write-only cell: as it is when it needs no style, else a styled cell (a text starting with
    ``=`` stays text, never a formula: hostile cell values)."""
    formula = isinstance(value, str) and value.startswith("=")
    numbered = number_format and isinstance(value, int | float) and not isinstance(value, bool)
    if not (formula or numbered or font or fill or alignment):
        return value
    cell = WriteOnlyCell(ws, value)
    if formula:
        cell.data_type = "s"
    if numbered:
        cell.number_format = number_format
    for name, style in (("font", font), ("fill", fill), ("alignment", alignment)):
        if style is not None:
            setattr(cell, name, style)
    return cell


def _column_cells(ws, values: list, kinds: list[str], lang: str) -> list:
    """One column's cells, top to bottom, ``kinds`` the kind of each row's value: :func:`_cell_value` (once per
    distinct value and kind: a column of 160,000 rows holds few), then :func:`_cell` (a new cell each row: openpyxl
    writes a cell object when its row is appended, and may reuse it)."""
    seen: dict[tuple, Any] = {}
    out = []
    for value, kind in zip(values, kinds):
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            out.append(None)
            continue
        key = (type(value), value, kind)
        if key not in seen:
            seen[key] = _cell_value(value, kind, lang)
        out.append(_cell(ws, seen[key], number_format=NUMBER_FORMATS.get(kind)))
    return out


def _width(texts: list[str]) -> float:
    longest = max((len(line) for t in texts for line in str(t).splitlines()), default=8)
    return float(min(max(longest + 2, 8), 60))


def _header(code: str, codes: list[str], lang: str) -> str:
    """A column's header; a column of codes moved last reads « <header> (code) » (once: « Item (code) » stays)."""
    header = labels.column_label(code.strip(), lang=lang)
    if header == code.strip() and words.has(f"workbook.headers.{header}", lang):
        header = words.text(f"workbook.headers.{header}", lang)
    if code in codes and "(code)" not in header:
        return words.text("workbook.code_column", lang, header=header)
    return header


def _print_setup(ws, *, title_rows: str | None = None) -> None:
    """A4 landscape, one page wide (as many pages down as needed), the header row repeated on every page."""
    from openpyxl.worksheet.worksheet import Worksheet

    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_options.gridLines = False


def _fit_row(ws, row: int, texts: list[tuple[str, float]]) -> None:
    """Give ``row`` the height its wrapped texts need (``(text, column width)``): no line over the next row.
    Write-only sheets: set before the row is written."""
    lines = max([math.ceil(max(len(line), 1) / max(width - 1, 1)) for text, width in texts
                 for line in str(text).splitlines() or [""]] + [1])
    ws.row_dimensions[row].height = 15 * lines


def _value_columns(ws, df: pd.DataFrame, kinds: list[str], lang: str) -> list[list]:
    """The cells of each column of ``df`` (the reader's table), top to bottom."""
    units = df["unit"].tolist() if "unit" in df.columns else [None] * len(df)
    shares = [unit in SHARE_UNITS for unit in units]
    columns = []
    for code, kind in zip(df.columns, kinds):
        values = df[code].tolist()
        if code == "unit":  # a reference table's unit, in the reader's words
            values = [unit_name(v, lang) if isinstance(v, str) else v for v in values]
        row_kinds = ([("share" if share else kind) for share in shares] if code in UNIT_VALUE_COLUMNS
                     else [kind] * len(values))  # a value whose row says it is a share
        columns.append(_column_cells(ws, values, row_kinds, lang))
    return columns


def _table_layout(ws, df: pd.DataFrame, kinds: list[str], codes: list[str], lang: str, info: dict) -> None:
    """What a write-only sheet needs before its first row: column widths, frozen header, filter, printing."""
    from openpyxl.utils import get_column_letter

    last = get_column_letter(max(len(df.columns), 1))
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(len(df), 1)}"
    for j, code in enumerate(df.columns, start=1):
        sample = [_header(str(code), codes, lang)]
        if kinds[j - 1] in ("share", "p"):
            sample.append(formats.pct(1.0, lang=lang))
        else:
            sample += [str(v) for v in df[code].head(200).tolist()]
        ws.column_dimensions[get_column_letter(j)].width = _width(sample)
    _print_setup(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    ws.oddFooter.center.text = runinfo.status_line(info)  # on every printed page, not in the table


def _table_sheet(ws, stem: str, df: pd.DataFrame, info: dict[str, Any], lang: str) -> None:
    """One table on a write-only sheet: title row, header row, then every row of ``df`` (streamed)."""
    from openpyxl.styles import Alignment, Font, PatternFill

    df, codes = reader_table(df, lang, min_cell=int(info.get("min_cell", 5)))
    kinds = [_kind(str(c), df[c]) for c in df.columns]
    _table_layout(ws, df, kinds, codes, lang, info)
    # the table's title; the data status is said once, in « À lire » and in each printed page's footer
    ws.append([_cell(ws, labels.table_title(stem, lang=lang), font=Font(bold=True, color="1D4E89"))])
    head = {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="DDE6F0"),
            "alignment": Alignment(wrap_text=True, vertical="top")}
    ws.append([_cell(ws, _header(str(code), codes, lang), **head) for code in df.columns])
    for row in zip(*_value_columns(ws, df, kinds, lang)):
        ws.append(row)


def _readme_rows(sheets: list[tuple[str, str, int]], info: dict[str, Any], lang: str) -> list[tuple[str, tuple]]:
    """The « À lire » sheet's rows from row 3, each ``(style, values)``: ``"blank"``, ``"pair"`` (a key and its
    value), ``"heading"``, ``"heads"`` (the heads of the list of sheets), then ``"sheet"`` (name, what, n) per sheet.
    """
    w = words.area("workbook", lang)
    pairs = [(w["waves"], ", ".join(str(x) for x in info.get("waves") or []) or "—"),
             (w["status"], runinfo.status_line(info)),
             *((w["sources"] if k == 0 else "", src) for k, src in enumerate(info.get("sources") or ["—"])),
             (w["rule"], info.get("rule") or runinfo.small_cell_rule(lang=lang)), ("", w["shares"]),
             ("", w["reading"]), ("", w["csv"])]
    return [("blank", ()), *(("pair", p) for p in pairs), ("blank", ()), ("heading", (w["sheets"],)),
            ("heads", (w["sheet"], w["holds"], w["rows"])), *(("sheet", tuple(s)) for s in sheets)]


def _readme_cells(ws, r: int, style: str, values: tuple) -> list:
    """The cells of row ``r`` of « À lire » (:func:`_readme_rows`); a row of wrapped text gets its height."""
    from openpyxl.styles import Alignment, Font

    bold, top = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    if style == "blank":
        return []
    if style == "heading":
        return [_cell(ws, values[0], font=Font(bold=True, size=13))]
    if style == "heads":
        return [_cell(ws, head, font=bold) for head in values]
    if style == "pair":
        _fit_row(ws, r, [(values[1], 100)])
        return [_cell(ws, values[0], font=bold), _cell(ws, values[1], alignment=top)]
    name, what, n = values
    _fit_row(ws, r, [(name, 30), (what, 100)])
    return [_cell(ws, name, alignment=top), _cell(ws, what, alignment=top),
            _cell(ws, n, number_format="0", alignment=Alignment(vertical="top"))]


def _readme_sheet(ws, sheets: list[tuple[str, str, int]], info: dict[str, Any], lang: str) -> None:
    """The « À lire » sheet (write-only: widths, printing and each row's height set before the row)."""
    from openpyxl.styles import Font

    for col, width in (("A", 30), ("B", 100), ("C", 10)):
        ws.column_dimensions[col].width = width
    _print_setup(ws)
    ws.append([_cell(ws, info.get("title") or runinfo.study_title(lang),
                     font=Font(bold=True, size=16, color="1D4E89"))])
    ws.append([_cell(ws, runinfo.status_line(info),
                     font=Font(bold=True, color="8A3B00" if info.get("simulated") else "1D4E89"))])
    for r, (style, values) in enumerate(_readme_rows(sheets, info, lang), start=3):
        ws.append(_readme_cells(ws, r, style, values))


def _describe(stem: str, df: pd.DataFrame, lang: str) -> str:
    """One sentence on a sheet: what it holds, its rows and columns.

    >>> _describe("freins", pd.DataFrame({"a": [1, 2]}), "fr")
    'Freins cités, par population : 2 lignes, 1 colonne.'
    """
    return words.text("workbook.sheet_line", lang, title=labels.table_title(stem, lang=lang),
                      rows=words.text("workbook.rows_count", lang, count=len(df)),
                      columns=words.text("workbook.columns_count", lang, count=len(df.columns)))


def write_workbook(run_dir: str | os.PathLike, info: dict[str, Any] | None = None, *,
                   lang: str | None = None) -> Path | None:
    """Write ``<run_dir>/tables/tables.xlsx`` from every ``tables/*.csv``; ``None`` when there is no CSV.

    Parameters
    ----------
    run_dir : path
        The run folder (its ``tables/`` holds the CSVs).
    info : dict, optional
        What the run is (:func:`etude.publish.runinfo.run_info`: ``title``, ``waves``, ``simulated``, ``sources``,
        ``rule``…); missing keys get defaults (simulated unless told otherwise).
    lang : {"fr", "en"}, optional
        Language of headers and sheet texts; default ``info["lang"]`` or French.
    """
    import openpyxl

    tables_dir = Path(run_dir) / "tables"
    csvs = sorted(tables_dir.glob("*.csv")) if tables_dir.is_dir() else []
    if not csvs:
        return None
    info = {"simulated": True, **(info or {})}
    lang = lang or info.get("lang") or "fr"
    info["lang"] = lang
    readme_name = words.text("workbook.readme", lang)
    taken = {readme_name.lower()}
    frames = [(sheet_name(labels.sheet_title(p.stem, lang=lang), taken), p.stem, pd.read_csv(p, encoding="utf-8"))
              for p in csvs]

    def write(tmp: Path):
        wb = openpyxl.Workbook(write_only=True)  # rows streamed to disk: a 160,000-row table in little memory
        _readme_sheet(wb.create_sheet(readme_name), [(n, _describe(s, df, lang), len(df)) for n, s, df in frames],
                      info, lang)
        for name, stem, df in frames:
            _table_sheet(wb.create_sheet(name), stem, df, info, lang)
        wb.active = 0
        wb.save(tmp)
    return atomic_write(tables_dir / "tables.xlsx", write)
