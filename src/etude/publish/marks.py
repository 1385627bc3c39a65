"""Marks on the respondent numbers a sentence prints, for the number audit (issue 27 item 2).

A sentence that prints a count or a share of respondents (« 2018 : Services de l'État, 55,9 % des 34 acheteurs
publics répondants ») is returned by :func:`marked` as a :class:`Marked` string: the same text for every reader,
carrying one mark per such number (:func:`mark`: which table column it stands for, and about whom).
:func:`etude.publish.present.show.heading` and :func:`~etude.publish.present.show.markdown` write the marks in the
metadata of the notebook output (:func:`output_metadata`), where :mod:`etude.safety.statements` reads them back for
``etude audit`` — the report, the slides, the deck and the PDF all show that output's text. A string built from a
marked one (formatted into another sentence) is a plain ``str`` again: mark the sentence that is shown.

Examples
--------
>>> text = marked("27 acheteurs", [mark("n_total", 27, population="buyers", wave=2017, attribute="buyer_type")])
>>> text == "27 acheteurs", output_metadata(text)["etude/numbers"][0]["number"]
(True, 27)
>>> output_metadata("27 acheteurs") is None
True
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from etude.safety.statements import COLUMNS, MARK_KEY

__all__ = ["Marked", "mark", "row_mark", "marked", "marks_of", "output_metadata", "mark_artist", "figure_marks"]


class Marked(str):
    """A sentence (a ``str`` in every other respect) and the marks of the respondent numbers it prints."""

    marks: tuple[dict[str, Any], ...] = ()


def _plain(v: Any) -> Any:
    """A JSON scalar: numpy numbers as Python ones, missing as ``None``."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v if isinstance(v, (int, float, str)) else str(v)


def mark(column: str, number: Any, *, population: str, wave: Any = None, attribute: str | None = None,
         group_value: str | None = None, item: str | None = None) -> dict[str, Any]:
    """One mark: ``number`` (unrounded, as in the tables) is the ``column`` (``n``, ``n_total``, ``n_base``,
    ``count``, ``pct``, ``pct_all``) of the published row about ``population``, ``wave``, ``attribute`` =
    ``group_value`` and ``item`` (leave out what the row has not).

    >>> mark("n_base", np.int64(17), population="buyers", attribute="buyer_type", group_value="etat")
    {'column': 'n_base', 'number': 17, 'population': 'buyers', 'attribute': 'buyer_type', 'group_value': 'etat'}
    """
    if column not in COLUMNS:
        raise ValueError(f"unknown column {column!r}: one of {COLUMNS}")
    fields = {"column": column, "number": number, "population": population, "wave": wave, "attribute": attribute,
              "group_value": group_value, "item": item}
    plain = {k: _plain(v) for k, v in fields.items()}
    return {k: v for k, v in plain.items() if v is not None}


def row_mark(row: Mapping[str, Any], column: str, population: str) -> dict[str, Any]:
    """The mark of a number printed from one row of a table: its ``column`` (``pct`` or ``count`` of the row's
    item, or the question's base ``n_base``; ``n``, ``n_total`` or ``pct`` of a profile row), for the row's wave
    when the table has one and its group (``group`` = ``group_value`` of a grouped table, ``attribute`` = ``value``
    of a profile).

    >>> row_mark({"item": "b_temps", "wave": 2018, "n_base": 31, "pct": 0.5}, "pct", "buyers")["item"]
    'b_temps'
    >>> row_mark({"attribute": "buyer_type", "value": "etat", "n": 17}, "n", "buyers")["group_value"]
    'etat'
    """
    item = row.get("item") if column != "n_base" else None
    attribute = row.get("group", row.get("attribute"))
    value = row.get("group_value", row.get("value")) if column != "n_total" else None
    return mark(column, row[column], population=population, wave=row.get("wave"), item=item,
                attribute=attribute if isinstance(attribute, str) else None,
                group_value=value if isinstance(value, str) else None)


#: Attribute of a matplotlib artist holding the marks of the numbers it draws (:func:`mark_artist`).
_ARTIST_MARKS = "_etude_marks"


def mark_artist(artist: Any, marks: Iterable[Mapping[str, Any]]) -> Any:
    """``artist`` (a chart's text: a bar label, a title, a legend entry) carrying the marks of the numbers it
    draws; :func:`figure_marks` collects them for the notebook output that shows the chart."""
    setattr(artist, _ARTIST_MARKS, (*getattr(artist, _ARTIST_MARKS, ()), *(dict(m) for m in marks)))
    return artist


def figure_marks(fig: Any) -> list[dict[str, Any]]:
    """The marks of every artist of a figure (:func:`mark_artist`), in drawing order.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = mark_artist(ax.text(0, 0, "17"), [mark("n", 17, population="buyers")])
    >>> [m["number"] for m in figure_marks(fig)]
    [17]
    >>> plt.close(fig)
    """
    return [m for a in fig.findobj(lambda a: hasattr(a, _ARTIST_MARKS)) for m in getattr(a, _ARTIST_MARKS)]


def marked(text: str, marks: Iterable[Mapping[str, Any]]) -> str:
    """``text`` carrying ``marks`` (a plain ``str`` when there are none)."""
    marks = tuple(dict(m) for m in marks)
    if not marks:
        return str(text)
    out = Marked(text)
    out.marks = (*marks_of(text), *marks)
    return out


def marks_of(text: Any) -> tuple[dict[str, Any], ...]:
    """The marks a sentence carries (``()`` for a plain string)."""
    return tuple(getattr(text, "marks", ()))


def output_metadata(*texts: Any) -> dict[str, Any] | None:
    """The metadata of a notebook output that shows ``texts``: their marks under
    :data:`etude.safety.statements.MARK_KEY`, or ``None`` when none is marked."""
    marks = [m for t in texts for m in marks_of(t)]
    return {MARK_KEY: marks} if marks else None
