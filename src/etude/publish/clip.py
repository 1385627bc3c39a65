"""Long texts cut where a page, a chart or a slide has no room; kept whole in the CSV tables and the workbook.

An answer can be anything: a 500-letter word given by five buyers, a 2,000-character label in a mapping file.
Where it is shown, it must not push the numbers beside it off the page:

- a table cell of the report, the PDF and the slides shows at most :data:`TABLE_CELL_MAX` characters
  (:func:`table_cell`, :func:`clipped_table`, used by :func:`etude.publish.present.shown`); a cell holding a word
  longer than :data:`WORD_MAX` gets the class :data:`LONG_WORD_CLASS` (:func:`long_word_classes`), which the
  style sheets wrap anywhere, even inside a word (``overflow-wrap: anywhere``). Only those cells: a number
  (« 48,1 % ») is never cut, and its column keeps the room it needs;
- a chart label shows at most :data:`CHART_LABEL_MAX` characters and no word longer than :data:`WORD_MAX`
  (:func:`chart_label`): a chart cannot wrap inside a word;
- a slide's native table (PPTX) shows at most :data:`SLIDE_LABEL_MAX` characters a cell (:func:`slide_label`);
- a table of the notebook pages, the report and the PDF shows at most :data:`TABLE_ROWS_MAX` rows
  (:func:`head_rows`, used by :func:`etude.publish.present.shown`, which says how many more rows the table file
  holds): a reader never reads 44,000 meetings, and a browser cannot print them in time.

What is cut ends with « … »; the full text, and every row, stays in ``tables/*.csv`` and ``tables.xlsx``. The
limits are well above every text of the 2017 study (its longest table cell has 187 characters, its longest chart
label 34, its longest table shown 35 rows), so they change nothing there.

Examples
--------
>>> clip("Conseil départemental du Pas-de-Calais", 20)
'Conseil département…'
>>> chart_label("a" * 500)
'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa…'
"""
from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["clip", "table_cell", "clipped_table", "head_rows", "long_word_classes", "chart_label", "slide_label",
           "TABLE_CELL_MAX", "TABLE_ROWS_MAX", "ROWS_ATTRIBUTE", "CHART_LABEL_MAX", "SLIDE_LABEL_MAX", "WORD_MAX",
           "ELLIPSIS", "LONG_WORD_CLASS"]

#: Characters of a table cell shown in the report, the PDF and the slides (the workbook keeps them all).
TABLE_CELL_MAX = 240
#: Rows of a table shown in a notebook page, the report and the PDF (the CSV and the workbook keep them all).
TABLE_ROWS_MAX = 100
#: Attribute of a shown table cut to its first rows: the number of rows of the whole table.
ROWS_ATTRIBUTE = "data-etude-rows"
#: Characters of a label on a chart.
CHART_LABEL_MAX = 80
#: Characters of a cell of a slide's native table (PPTX).
SLIDE_LABEL_MAX = 100
#: Longest word of a chart label (a chart wraps labels between words only).
WORD_MAX = 30
#: What ends a cut text.
ELLIPSIS = "…"
#: Class of a table cell holding a word longer than :data:`WORD_MAX` (``assets/etude.css``, ``slides.css`` and the
#: PDF's print style wrap it anywhere).
LONG_WORD_CLASS = "etude-long"


def clip(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` characters, else cut to ``limit`` (the « … » included), at the last
    space of its last fifth when there is one.

    >>> clip("court", 10), clip("un deux trois quatre", 16), clip("abcdefghij", 5)
    ('court', 'un deux trois…', 'abcd…')
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit!r}")
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space >= (limit * 4) // 5:
        head = head[:space]
    return head.rstrip() + ELLIPSIS


def table_cell(value: Any, limit: int = TABLE_CELL_MAX) -> Any:
    """A table cell as shown: a text cut to ``limit`` characters (:func:`clip`), anything else unchanged.

    >>> table_cell(12), table_cell("x" * 300)[-3:], len(table_cell("x" * 300))
    (12, 'xx…', 240)
    """
    return clip(value, limit) if isinstance(value, str) else value


def clipped_table(table: pd.DataFrame, limit: int = TABLE_CELL_MAX) -> pd.DataFrame:
    """``table`` with every text cell longer than ``limit`` cut (:func:`table_cell`); the same object when none is.

    >>> t = pd.DataFrame({"value": ["a" * 500, "b"], "n": [5, 3]})
    >>> clipped_table(t)["value"].str.len().tolist(), clipped_table(t)["n"].tolist()
    ([240, 1], [5, 3])
    """
    long = [c for c in table.columns if (table[c].dtype == object or pd.api.types.is_string_dtype(table[c]))
            and table[c].map(lambda v: isinstance(v, str) and len(v) > limit).any()]
    if not long:
        return table
    out = table.copy()
    for c in long:
        out[c] = out[c].map(lambda v: table_cell(v, limit))
    return out


def head_rows(table: pd.DataFrame, limit: int = TABLE_ROWS_MAX) -> tuple[pd.DataFrame, int]:
    """The first ``limit`` rows of ``table`` (the same object when it has no more) and how many are left out.

    >>> t = pd.DataFrame({"n": range(250)})
    >>> shown, more = head_rows(t)
    >>> len(shown), more, head_rows(t.head(3))[1]
    (100, 150, 0)
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit!r}")
    if len(table) <= limit:
        return table, 0
    return table.iloc[:limit], len(table) - limit


def long_word_classes(table: pd.DataFrame, *, word: int = WORD_MAX) -> pd.DataFrame | None:
    """:data:`LONG_WORD_CLASS` for each text cell holding a word longer than ``word`` characters, ``""`` for the
    others (the shape of ``table``, for ``Styler.set_td_classes``); ``None`` when no cell has one.

    >>> long_word_classes(pd.DataFrame({"v": ["x" * 40, "court"], "n": [5, 3]}))["v"].tolist()
    ['etude-long', '']
    >>> long_word_classes(pd.DataFrame({"v": ["Métropole Européenne de Lille"]})) is None
    True
    """
    def long(v: Any) -> bool:
        return isinstance(v, str) and len(v) > word and any(len(w) > word for w in v.split())

    flags = table.map(long)
    if not flags.to_numpy().any():
        return None
    return flags.map(lambda f: LONG_WORD_CLASS if f else "")


def chart_label(text: Any, limit: int = CHART_LABEL_MAX, *, word: int = WORD_MAX) -> str:
    """A label for a chart: at most ``limit`` characters and no word longer than ``word`` (each cut with « … »).

    Call it before wrapping a label (``plots.house.wrap_label``), which wraps between words only.

    >>> chart_label("Mairie de " + "x" * 40 + " (59)")
    'Mairie de xxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (59)'
    """
    words = [clip(w, word) for w in str(text).split(" ")]
    return clip(" ".join(words), limit)


def slide_label(text: Any, limit: int = SLIDE_LABEL_MAX) -> str:
    """A cell of a slide's native table: at most ``limit`` characters (:func:`clip`).

    >>> len(slide_label("x" * 2000))
    100
    """
    return clip(str(text), limit)
