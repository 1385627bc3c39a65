"""What the columns and tables of a run are called for readers, and what kind of number each column holds.

The CSVs of a run keep their codes (``pct``, ``n_base``…) for scripts; the workbook, and any presentation of a
table, show headers instead. The headers are words of the catalogue (:mod:`etude.words`, area ``columns``: one
entry per column code), the table titles and sheet names too (area ``workbook``: ``titles``, ``sheet_names``).
What stays here is not a word: the kind of each column, which says how a spreadsheet shows it — ``share`` (a
fraction shown as ``48,1 %``), ``count`` (an integer), ``number`` (a decimal), ``p`` (a p-value) or ``text``. A
code the catalogue does not name keeps its code as header; a code of no known kind gets its kind from its values.

Examples
--------
>>> column_label("pct"), column_label("pct", lang="en"), column_kind("pct")
('Part', 'Share', 'share')
>>> column_label("colonne_inconnue"), column_kind("colonne_inconnue")
('colonne_inconnue', None)
>>> table_title("freins"), sheet_title("freins", lang="en")
('Freins cités, par population', 'Barriers cited')
"""
from __future__ import annotations

from etude import words

__all__ = ["KINDS", "COLUMN_KINDS", "column_label", "column_labels", "column_kind", "table_title", "sheet_title"]

#: Kinds of column a spreadsheet formats differently.
KINDS = ("share", "count", "number", "p", "text")

_BY_KIND = {
    "count": ("wave", "wave_from", "wave_to", "year", "n", "n_total", "n_base", "n_barriers", "count", "rank",
              "n_ab", "n_ba", "n1", "n2", "count1", "count2", "n_from", "n_to", "count_from", "count_to", "n_buyers",
              "n_companies", "buyers_base", "companies_base", "published", "loaded", "slot"),
    "share": ("pct", "ci_low", "ci_high", "pct1", "pct2", "pct_buyers", "pct_companies", "pct_barriers",
              "share_from", "share_to", "diff", "diff_ci_low", "diff_ci_high", "change_rel"),
    "number": ("value", "previous_value", "change_abs", "cohens_h", "ratio", "score", "score_segment", "score_text",
               "score_proximity"),
    "p": ("p_value", "p_adjusted", "p_adj"),
}
#: CSV column code -> kind, for the codes of known kind (every other labelled column is ``text``).
COLUMN_KINDS: dict[str, str] = {code: kind for kind, codes in _BY_KIND.items() for code in codes}


def column_label(code: str, *, lang: str = "fr") -> str:
    """The reader's header of CSV column ``code`` (catalogue ``columns.<code>``; the code itself when unnamed)."""
    key = f"columns.{code}"
    return words.text(key, lang) if words.has(key, words.check_lang(lang)) else code


def column_labels(lang: str = "fr") -> dict[str, str]:
    """Every named column: code -> header in ``lang``, in the catalogue's order.

    >>> column_labels("en")["n_base"]
    'Base (respondents)'
    """
    return words.area("columns", lang)


def column_kind(code: str) -> str | None:
    """``share``, ``count``, ``number``, ``p`` or ``text`` for a named column; ``None`` for an unknown one."""
    if code in COLUMN_KINDS:
        return COLUMN_KINDS[code]
    return "text" if words.has(f"columns.{code}") else None


def sheet_title(stem: str, *, lang: str = "fr") -> str:
    """The sheet name of table ``stem`` (a CSV file name without ``.csv``) in ``lang``; the stem when unnamed."""
    key = f"workbook.sheet_names.{stem}"
    return words.text(key, lang) if words.has(key, words.check_lang(lang)) else stem


def table_title(stem: str, *, lang: str = "fr") -> str:
    """What table ``stem`` holds, in words; its sheet name when the catalogue has no title for it."""
    key = f"workbook.titles.{stem}"
    return words.text(key, lang) if words.has(key, words.check_lang(lang)) else sheet_title(stem, lang=lang)
