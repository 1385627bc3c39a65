"""Codebook labels attached to the codes an analysis returns: where a table meets its reader's language.

Analyses (:mod:`etude.analysis`) return codes (``b_temps``, ``buyers``, ``th_info``); the written tables and the
charts show labels. :func:`with_labels` adds a label column next to a code column, in the reader's language, at
the place the table's contract (``docs/contracts.md``) gives it; codes stay, so scripts keep their keys.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"item": ["b_temps", "b_financier"], "count": [3, 6]})
>>> with_labels(t, "en", code="item").columns.tolist()
['item', 'label', 'count']
>>> with_labels(t, "fr", code="item", short=True)["label"].tolist()
['Manque de temps', 'Freins financiers']
"""
from __future__ import annotations

import pandas as pd

from etude import words
from etude.survey import codebook as cb

__all__ = ["with_labels", "label_of"]


def label_of(code, lang: str = "fr", *, short: bool = False, codebook=None, missing: str | None = None) -> str:
    """The codebook label of ``code`` in ``lang``; ``missing`` (else the code itself) when the codebook has none.

    >>> label_of("th_inconnu"), label_of("th_inconnu", missing="")
    ('th_inconnu', '')
    """
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return "" if missing is None else missing
    try:
        return cb.label(str(code), lang=words.check_lang(lang), short=short, codebook=codebook)
    except KeyError:
        return str(code) if missing is None else missing


def with_labels(table: pd.DataFrame, lang: str = "fr", *, code: str = "item", column: str = "label",
                at: int | None = None, short: bool = False, codebook=None) -> pd.DataFrame:
    """A copy of ``table`` with ``column`` = the label of each ``code`` value, inserted at ``at`` (default: right
    after ``code``); an existing ``column`` is replaced in place. ``table.attrs`` are kept."""
    out = table.copy()
    values = [label_of(c, lang, short=short, codebook=codebook) for c in out[code]]
    if column in out.columns:
        out[column] = values
        return out
    position = out.columns.get_loc(code) + 1 if at is None else at
    out.insert(position, column, values)
    out.attrs = dict(table.attrs)
    return out
