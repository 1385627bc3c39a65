"""Numbers a run's text prints about its respondents, read back from the marks the publishing layer leaves.

A sentence of the report, the slides or the PDF that prints a respondent count or share (« 2018 : Services de
l'État, 55,9 % des 34 acheteurs publics répondants ») is written with a *mark* for each such number: what it is
(:data:`COLUMNS`: a group's size ``n``, a wave's ``n_total``, a base ``n_base``, a ``count``, a share ``pct``) and
about whom (population, wave, attribute, group value, item). The publishing layer writes the marks
(:mod:`etude.publish.marks`) into the metadata of the notebook output that shows the sentence (:data:`MARK_KEY`),
from which the report, the slides, the deck and the PDF are all rendered; an HTML page may also carry one mark per
element (attribute :data:`MARK_ATTRIBUTE`, a JSON object). Only marked numbers are read: years, page numbers,
``min_cell``, euros and the 2017 restitution's figures are not statements about the run's respondents.

:func:`check_statements` holds each mark against the published tables (:func:`etude.safety.recovery.audit_run`):

- a number that a table publishes, equal, is already audited;
- a number about a row the tables suppress is a finding (``text_withheld``): the text gives back what the
  tables withhold;
- a number that fills a blank cell of a published row is added to the tables, so that the linear program of
  :func:`etude.safety.recovery.audit_tables` counts it;
- a number that no table publishes or that differs from the table (``text_unmatched``) cannot be audited: a
  finding too.

Examples
--------
>>> import pandas as pd
>>> p = pd.DataFrame({"population": "companies", "wave": 2018, "attribute": "size_class",
...                   "value": ["micro", "pme", "ge"], "n": [50, 30, None], "n_total": 82,
...                   "suppressed": [False, False, True]})
>>> marks = [("slides.html", {"column": "n", "number": 2, "population": "companies", "wave": 2018,
...                           "attribute": "size_class", "group_value": "ge"})]
>>> check_statements({"p.csv": p}, marks)[1][["table", "column", "low", "reason"]].values.tolist()
[['slides.html', 'n', 2.0, 'text_withheld']]
"""
from __future__ import annotations

import html.parser
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from etude.safety.recovery import (
    FINDING_COLUMNS,
    THEME_COLUMNS,
    row_populations,
    suppressed_flags,
    table_shape,
    themes_as_overall,
)

__all__ = ["MARK_KEY", "MARK_ATTRIBUTE", "COLUMNS", "IDENTITY", "html_marks", "notebook_marks", "run_marks",
           "check_statements"]

#: Key of a notebook output's metadata that holds the marks of the numbers its text prints (a list of dicts).
MARK_KEY = "etude/numbers"
#: HTML attribute that holds one mark (a JSON object) on the element that prints the number.
MARK_ATTRIBUTE = "data-etude-number"
#: What a marked number can stand for: a table column.
COLUMNS = ("n", "n_total", "n_base", "count", "pct", "pct_all")
#: The fields that say about whom a marked number is (besides ``column`` and ``number``).
IDENTITY = ("population", "wave", "attribute", "group_value", "item")
_SHARES = ("pct", "pct_all")


class _MarkParser(html.parser.HTMLParser):
    """Collects the marks (:data:`MARK_ATTRIBUTE`) of every element of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.marks: list[dict[str, Any]] = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key == MARK_ATTRIBUTE and value:
                self.marks += _parsed(value)


def _parsed(value: str) -> list[dict[str, Any]]:
    """The mark(s) of one attribute value: a JSON object (or list of them); an unreadable mark is kept as
    ``{"column": "?"}`` (it prints a number the audit cannot place: a finding, never a silent pass)."""
    try:
        data = json.loads(value)
    except ValueError:
        return [{"column": "?"}]
    data = data if isinstance(data, list) else [data]
    return [d if isinstance(d, dict) else {"column": "?"} for d in data]


def html_marks(page: str) -> list[dict[str, Any]]:
    """The marks of an HTML page, in document order.

    >>> html_marks('<p>Parmi <span data-etude-number=\\'{"column": "n", "number": 34}\\'>34</span> acheteurs</p>')
    [{'column': 'n', 'number': 34}]
    """
    parser = _MarkParser()
    parser.feed(page)
    parser.close()
    return parser.marks


def notebook_marks(nb: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """``(cell number, mark)`` for every mark of an executed notebook's outputs (:data:`MARK_KEY` of each
    output's metadata; cells numbered from 1, as :mod:`etude.engine.verify` names them).

    >>> nb = {"cells": [{"outputs": [{"metadata": {"text/markdown": {MARK_KEY: [{"column": "n", "number": 34}]}}}]}]}
    >>> notebook_marks(nb)
    [(1, {'column': 'n', 'number': 34})]
    """
    out = []
    for i, cell in enumerate(nb.get("cells", []), start=1):
        for output in cell.get("outputs", []) or []:
            meta = output.get("metadata") or {}
            # IPython files a display's metadata under its MIME type (``{"text/markdown": {MARK_KEY: …}}``)
            for place in (meta, *(v for v in meta.values() if isinstance(v, dict))):
                marks = place.get(MARK_KEY)
                if isinstance(marks, list):
                    out += [(i, m if isinstance(m, dict) else {"column": "?"}) for m in marks]
    return out


def run_marks(root: str | Path) -> list[tuple[str, dict[str, Any]]]:
    """``(where, mark)`` for every marked number of a run folder: the executed notebooks (``notebooks/*.ipynb``,
    where the report, slides, deck and PDF take their sentences) and the HTML pages (``*.html``).

    >>> import tempfile
    >>> run_marks(tempfile.mkdtemp())
    []
    """
    root = Path(root)
    out: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(root.glob("notebooks/*.ipynb")):
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not a notebook: the privacy scan reads it as text
        rel = path.relative_to(root).as_posix()
        out += [(f"{rel}#{cell}", mark) for cell, mark in notebook_marks(nb)]
    for path in sorted(root.glob("*.html")):
        rel = path.relative_to(root).as_posix()
        out += [(rel, mark) for mark in html_marks(path.read_text(encoding="utf-8", errors="replace"))]
    return out


# ------------------------------------------------------------------------------------------------ matching

def _text(v: Any) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _num(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


@dataclass(frozen=True)
class _Readable:
    """One published table as marks are matched against it, read once per audit (not once per mark): the table
    itself, or the rows it publishes in another shape (:func:`_view`, never filled), its shape, and its key
    columns as text (``population``, ``wave``, ``attribute``, ``value``, ``group``, ``item``, the group column)."""

    name: str
    df: pd.DataFrame
    view: bool
    shape: str
    gcol: str | None
    keys: Mapping[str, pd.Series]


def _readable(name: str, table: pd.DataFrame) -> _Readable:
    view = _view(table)
    df = table if view is None else view
    shape, gcol = table_shape(df)
    keys = {"population": row_populations(df, None, name).astype(str)}
    keys.update({c: df[c].astype(str) for c in ("wave", "attribute", "value", "group", "item", gcol)
                 if c and c in df.columns})
    return _Readable(name, df, view is not None, shape, gcol, keys)


def _rows(table: _Readable, mark: Mapping[str, Any]) -> pd.Index:
    """Rows of one table a mark is about (empty when the table does not hold its column or its group)."""
    df, keys, shape = table.df, table.keys, table.shape
    column = _text(mark.get("column"))
    if column not in df.columns:
        return df.index[:0]
    keep = keys["population"] == _text(mark.get("population"))
    if "wave" in keys and _text(mark.get("wave")):
        keep &= keys["wave"] == _text(mark.get("wave"))
    attribute, value, item = (_text(mark.get(k)) for k in ("attribute", "group_value", "item"))
    if shape == "profile":
        keep &= keys["attribute"] == attribute if attribute else True
        keep &= keys["value"] == value if value else column == "n_total"
        return df.index[keep & (not item)]
    if shape not in ("grouped", "flat") or (shape == "flat") != (not attribute):
        return df.index[:0]
    if attribute:
        group_attr = keys["group"] if "group" in keys else pd.Series(table.gcol, index=df.index)
        keep &= (group_attr == attribute) & (keys[table.gcol] == value)
    keep &= keys["item"] == item if item else column == "n_base"
    return df.index[keep]


def _cell(mark: Mapping[str, Any]) -> tuple:
    return tuple(_text(mark.get(k)) or None if k == "item" else _text(mark.get(k)) for k in IDENTITY)


def _same(a: float, b: float, column: str) -> bool:
    return abs(a - b) < (1e-6 if column in _SHARES else 1e-9 * max(1.0, abs(b)))


#: Columns of a table of wave changes (``evolution_vagues.csv``, :func:`etude.analysis.waves.wave_changes`).
WAVE_CHANGE_COLUMNS = frozenset({"population", "code", "wave_from", "n_from", "count_from", "share_from", "wave_to",
                                 "n_to", "count_to", "share_to"})


#: Columns of the supply/demand table (``offre_demande_segments.csv``, :func:`etude.analysis.matching.supply_demand`).
SUPPLY_COLUMNS = frozenset({"segment", "buyers_base", "n_buyers", "companies_base", "n_companies"})


def _view(table: pd.DataFrame) -> pd.DataFrame | None:
    """A table whose rows the marks name in another shape, as the rows they name: the populations compared by
    theme as each population's overall rows (:func:`etude.safety.recovery.themes_as_overall`), a table of wave
    changes as each wave's rows (base, count and share of each code), the supply/demand table as each
    population's count per segment; ``None`` for any other table.

    >>> t = pd.DataFrame({"population": ["buyers"], "code": ["moyens"], "wave_from": [2017], "n_from": [25],
    ...                   "count_from": [9], "share_from": [0.36], "wave_to": [2018], "n_to": [31], "count_to": [10],
    ...                   "share_to": [10 / 31]})
    >>> _view(t)[["wave", "item", "n_base", "count"]].values.tolist()
    [[2017, 'moyens', 25, 9], [2018, 'moyens', 31, 10]]
    """
    cols = set(table.columns)
    if THEME_COLUMNS <= cols:
        return themes_as_overall(table)
    if SUPPLY_COLUMNS <= cols:
        return pd.concat([pd.DataFrame({"population": population, "item": table["segment"],
                                        "n_base": table[f"{population}_base"], "count": table[f"n_{population}"],
                                        "suppressed": table.get(f"{population}_suppressed", False)})
                          for population in ("buyers", "companies")], ignore_index=True)
    if WAVE_CHANGE_COLUMNS <= cols:
        return pd.concat([pd.DataFrame({"population": table["population"], "wave": table[f"wave_{side}"],
                                        "item": table["code"], "n_base": table[f"n_{side}"],
                                        "count": table[f"count_{side}"], "pct": table[f"share_{side}"]})
                          for side in ("from", "to")], ignore_index=True)
    return None


def _places(tables: Iterable[_Readable], mark: Mapping[str, Any], column: str, number: float
            ) -> tuple[bool, bool, list[tuple[pd.DataFrame, pd.Index]]]:
    """Where the tables hold a mark's number: whether a table publishes it (equal), whether a table withholds
    every row it is about, and the blank cells of published rows it would fill."""
    published, withheld, blanks = False, False, []
    for table in tables:
        df, rows = table.df, _rows(table, mark)
        if not len(rows):
            continue
        values = pd.to_numeric(df[column].replace("", np.nan), errors="coerce")[rows]
        known = values.dropna()
        if len(known):
            published = published or any(_same(number, v, column) for v in known)
        elif suppressed_flags(df)[rows].all():  # every row it is about is withheld
            withheld = True
        elif not table.view:  # a blank of a table the linear program reads as it is
            blanks.append((df, rows))
    return published, withheld, blanks


def _one(tables: Iterable[_Readable], where: str, mark: Mapping[str, Any], min_cell: int
         ) -> list[dict[str, Any]]:
    """Hold one mark against the tables (filling blank published cells in place); its findings. A number some
    table publishes is already audited; else one about withheld rows gives them back; else it fills blanks."""
    column, number = _text(mark.get("column")), _num(mark.get("number"))
    found = [dict(zip(FINDING_COLUMNS, (where, None, column or "?", _cell(mark), number, number, min_cell, "")))]
    if column not in COLUMNS or pd.isna(number):
        return [{**found[0], "reason": "text_unmatched"}]
    published, withheld, blanks = _places(tables, mark, column, number)
    if withheld and not published:
        return [{**found[0], "reason": "text_withheld"}]
    for df, rows in blanks:  # a number the tables leave blank: the linear program counts it
        if df[column].dtype != object:
            df[column] = df[column].astype(object)
        df.loc[rows, column] = number
    return [] if published or blanks else [{**found[0], "reason": "text_unmatched"}]


def check_statements(tables: Mapping[str, pd.DataFrame], marks: Iterable[tuple[str, Mapping[str, Any]]], *,
                     min_cell: int = 5) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The tables with every blank cell a marked sentence fills, and the findings of the marks (``table`` is
    where the sentence is: a notebook and its cell, ``notebooks/02_freins.ipynb#12``, or a page).

    >>> t = pd.DataFrame({"population": "buyers", "wave": 2018, "group": "buyer_type",
    ...                   "group_value": ["etat", "autre"], "item": "b_temps", "n_base": [17, 10],
    ...                   "count": [8, 3], "suppressed": False})
    >>> mark = {"column": "n_base", "number": 17, "population": "buyers", "wave": 2018,
    ...         "attribute": "buyer_type", "group_value": "etat"}
    >>> check_statements({"g.csv": t}, [("slides.html", mark)])[1].empty
    True
    >>> check_statements({"g.csv": t}, [("slides.html", {**mark, "number": 16})])[1]["reason"].tolist()
    ['text_unmatched']
    """
    filled = {name: df.copy() for name, df in tables.items()}
    readable = [_readable(name, df) for name, df in filled.items()]  # filled in place: the same frames
    rows = [f for where, mark in marks for f in _one(readable, where, mark, min_cell)]
    return filled, pd.DataFrame(rows, columns=FINDING_COLUMNS)
