"""Checks on one export's cells: header row, packed labels, suggestions, and the pandera schema of raw cells.

Every function here returns problems (dicts of :func:`etude.errors.problem`) or plain values; none raises on bad
input. :func:`split_packed` reads packed multi-select cells, matching known labels longest first because labels
may hold the separator.

Examples
--------
>>> wave_of("Vague 2018"), wave_of("2017.0"), wave_of("dix-sept")
(2018, 2017, None)
"""
from __future__ import annotations

import csv
import functools
import re
from typing import TYPE_CHECKING

import pandas as pd

from etude.errors import problem
from etude.survey import codebook as cbk
from etude.survey.fields import Fields, classify
from etude.survey.readers import SEPARATORS

if TYPE_CHECKING:  # imported where a schema is built (a kernel given a parsed study never needs pandera)
    import pandera.pandas as pa

__all__ = ["header_row", "split_packed", "other_separator", "suggest", "wave_of", "raw_schema", "attr_expected",
           "pandera_problems", "HEADER_SCAN", "SUGGEST_MAX_CHARS"]

#: How many top rows are searched for the header row (title rows above it are tolerated).
HEADER_SCAN = 20
_PACKED_SEPS = re.compile(r"([,;|\n])")
_WAVE_VALUE = re.compile(r"^\s*(?:vague\s*)?((?:19|20)\d{2})(?:\.0+)?\s*$", re.I)
#: Longest unknown label for which a close known label is looked for.
SUGGEST_MAX_CHARS = 300
_MAX_PIECES = 12  # a label holds at most this many separator-delimited pieces


def header_row(rows: list[list[str]], f: Fields) -> int:
    """Index of the header row: among the first :data:`HEADER_SCAN` rows, the one with most known headers."""
    best, best_n = None, 0
    for i, r in enumerate(rows[:HEADER_SCAN]):
        n = sum(1 for c in r if classify(c, f)[0] not in ("unknown", "ignore"))
        if n > best_n:
            best, best_n = i, n
    if best is None:
        best = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), 0)
    return best


def split_packed(cell: str, variants: dict[str, str | None]) -> tuple[list[str], list[str]]:
    """Split a packed multi-select cell into item codes, matching known labels longest first.

    Returns (codes, unknown pieces). Pieces mapped to None (ignored on purpose) are in neither list.

    >>> v = {"a, b": "x", "a": "y", "c": "z"}
    >>> split_packed("a, b, c", v)
    (['x', 'z'], [])
    >>> split_packed("c; a; autre, précisez", v)
    (['z', 'y'], ['autre, précisez'])
    """
    tokens = _PACKED_SEPS.split(cell)
    pieces = tokens[0::2]
    codes, unknown, pending = [], [], []
    i, n = 0, len(pieces)
    while i < n:
        if not pieces[i].strip():
            i += 1
            continue
        found = None
        for j in range(min(n, i + _MAX_PIECES), i, -1):  # longest first
            text = "".join(tokens[2 * i: 2 * j - 1])
            key = cbk.normalise(text)
            if key in variants:
                found = (j, variants[key])
                break
        if found is None:
            pending.append(i)
            i += 1
            continue
        if pending:
            unknown.append("".join(tokens[2 * pending[0]: 2 * pending[-1] + 1]).strip())
            pending = []
        j, code = found
        if code is not None and code not in codes:
            codes.append(code)
        i = j
    if pending:
        unknown.append("".join(tokens[2 * pending[0]: 2 * pending[-1] + 1]).strip())
    if unknown:
        spaced = _split_spaced(cell, variants)
        if spaced is not None:
            return spaced, []
    return codes, unknown


def _split_spaced(cell: str, variants: dict[str, str | None]) -> list[str] | None:
    """Item codes of a cell whose choices are joined by single spaces (KoboToolbox's select_multiple column:
    ``b_temps b_donnees``, or the choices' labels), matched longest first; None unless every word is matched.

    >>> _split_spaced("Pas de temps Freins financiers", {"pas de temps": "t", "freins financiers": "f"})
    ['t', 'f']
    """
    words = cell.split()
    widest = max((len(k.split()) for k in variants), default=0)
    if not words or len(words) > widest * max(len(set(variants.values())), 1):
        return None  # longer than every choice written out: not such a list
    codes: list[str] = []
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + widest), i, -1):  # longest first
            key = cbk.normalise(" ".join(words[i:j]))
            if key in variants:
                code = variants[key]
                if code is not None and code not in codes:
                    codes.append(code)
                i = j
                break
        else:
            return None
    return codes



def other_separator(row: list[str], sep: str, width: int) -> str | None:
    """The other separator a short CSV row was written with, if splitting by it gives about the header's width.

    >>> other_separator(["a,b,c"], ";", 3)
    ','
    """
    line = sep.join(row)
    for other in SEPARATORS:
        if other != sep and other in line:
            try:
                fields = next(csv.reader([line], delimiter=other))
            except csv.Error:  # a field beyond the csv module's limit: not a separator problem
                continue
            if len(fields) >= max(2, width - 1):
                return other
    return None


def suggest(value: str, question: str, population: str, f: Fields, cb) -> str:
    """« ; vouliez-vous dire « … » ? » for a label close to a known one, else "".

    Labels longer than :data:`SUGGEST_MAX_CHARS` get no suggestion (the comparison's cost grows with the square
    of the length, and no label is that long).
    """
    import difflib
    if len(value) > SUGGEST_MAX_CHARS:
        return ""
    variants = f.item_variants[question]
    close = difflib.get_close_matches(cbk.normalise(value), [v for v in variants if variants[v]], n=1, cutoff=0.8)
    if not close:
        return ""
    code = variants[close[0]]
    return f" — vouliez-vous dire « {cbk.label(code, codebook=cb)} » ?"


@functools.lru_cache(maxsize=1024)
def wave_of(value: str) -> int | None:
    """The year a wave cell holds (``2017``, ``Vague 2017``, ``2017.0``), else None (remembered: an export of
    100,000 rows holds a few distinct wave cells)."""
    m = _WAVE_VALUE.match(value)
    return int(m.group(1)) if m else None


def raw_schema(columns: dict[str, str], f: Fields, wave: int | None) -> pa.DataFrameSchema:
    """Cell-level checks on the raw (string) export, with pandera; column names are the export's headers."""
    import pandera.pandas as pa
    cols = {}
    for header, (kind, name) in columns.items():
        if kind == "id" and name == "respondent_id":
            cols[header] = pa.Column(str, nullable=True, unique=True, name=header)
        elif kind == "wave":
            checks = [pa.Check(lambda v: v == "" or wave_of(v) is not None, element_wise=True, name="wave_format")]
            if wave is not None:
                checks.append(pa.Check(lambda v, w=wave: v == "" or wave_of(v) in (None, w), element_wise=True,
                                       name="wave_study"))
            cols[header] = pa.Column(str, checks=checks, name=header)
        elif kind == "attr":
            spec = f.attrs[name]
            allowed = set(f.attr_values[name])
            checks = []
            if not spec.get("open"):
                checks.append(pa.Check(lambda v, a=allowed: cbk.normalise(v) in a or not v.strip(),
                                       element_wise=True, name=f"attr:{name}"))
            if spec.get("required"):
                checks.append(pa.Check(lambda v: bool(v.strip()), element_wise=True, name=f"required:{name}"))
            cols[header] = pa.Column(str, checks=checks, name=header)
    return pa.DataFrameSchema(cols, strict=False)


def attr_expected(f: Fields, name: str) -> str:
    """The labels an attribute accepts, for the « attendu » part of a message."""
    return ", ".join(v.get("label_fr", str(v["code"])) for v in f.attrs[name].get("values", []))


def pandera_problems(fc: pd.DataFrame, fname: str, rownums: list[int], by_header: dict, f: Fields,
                     wave: int | None, raw: pd.DataFrame) -> list[dict]:
    """Pandera's failure cases of :func:`raw_schema` as problems naming the row, the column and what was expected."""
    out = []
    for r in fc.itertuples():
        col = r.column
        idx = r.index
        row = rownums[int(idx)] if idx is not None and not pd.isna(idx) else None
        value = r.failure_case
        check = str(r.check)
        if check == "field_uniqueness":
            others = [rownums[i] for i in raw.index[raw[col] == value] if rownums[i] != row]
            out.append(problem(fname, row=row, column=col, value=value, message="identifiant de répondant en double",
                               expected="un identifiant unique (aussi ligne(s) " + ", ".join(map(str, others)) + ")"))
        elif check == "wave_format":
            formula = isinstance(value, str) and value.startswith("=")
            out.append(problem(fname, row=row, column=col, value=value,
                               message="formule au lieu d'une année" if formula else "année illisible",
                               expected="une année sur quatre chiffres (ex. 2017)"))
        elif check == "wave_study":
            out.append(problem(fname, row=row, column=col, value=value, message="vague contraire au fichier d'étude",
                               expected=f"{wave} (vague déclarée dans le fichier d'étude)"))
        elif check.startswith("attr:"):
            formula = isinstance(value, str) and value.startswith("=")
            out.append(problem(fname, row=row, column=col, value=value,
                               message="formule au lieu d'une valeur" if formula else "valeur inconnue",
                               expected=attr_expected(f, check[5:])))
        elif check.startswith("required:"):
            out.append(problem(fname, row=row, column=col, message="réponse obligatoire manquante",
                               expected=attr_expected(f, check[9:])))
        else:  # pragma: no cover - a check this module did not declare
            out.append(problem(fname, row=row, column=col, value=value, message=check))
    return out

