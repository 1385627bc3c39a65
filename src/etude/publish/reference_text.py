"""The reference tables' words in the reader's language: labels, perimeters, texts, notes, units and citations.

Analyses carry the reference tables' French words as they read them (``label_fr``, ``perimeter``,
``value_text``, ``note``; :mod:`etude.survey.reference`), and their unit codes (``réponses``, ``Md€``). Each of
those words has its English twin in the same row (``label_en``, ``perimeter_en``, ``value_text_en``, ``note_en``):
:func:`word` finds it from the French text, :func:`in_language` puts a whole table in the reader's language
(right before it is shown or written, as :func:`etude.publish.labels.labelled` does for codebook labels). Units
are words of the catalogue (area ``reference``); a ``source`` is a citation, kept in its words but given the
language's quotation marks (:func:`citation`). In French, every function returns its input unchanged: French runs
write the tables the analyses return.

Examples
--------
>>> word("Marchés recensés", "en"), word("Marchés recensés", "fr"), word("pas une référence", "en")
('Contracts recorded', 'Marchés recensés', 'pas une référence')
>>> with_unit(144796, "marchés", lang="en"), with_unit(72.2, "Md€", lang="en"), with_unit(27, "réponses")
('144,796 contracts', '€72.2bn', '27 réponses')
>>> citation("GT « Innovation & commande publique » (ORCP)", "en")
'GT “Innovation & commande publique” (ORCP)'
"""
from __future__ import annotations

import re
from functools import cache
from typing import Any

import pandas as pd

from etude import words
from etude.publish import formats
from etude.survey import reference

__all__ = ["WORD_COLUMNS", "CITATION_COLUMNS", "word", "citation", "in_language", "unit_name", "with_unit"]

#: Columns of a table built from the reference tables that hold their words (a table's own ``label`` column
#: included: :func:`etude.analysis.stats.published_check`, :func:`etude.analysis.waves.published_wave_changes`).
WORD_COLUMNS = ("label_fr", "label", "perimeter", "value_text", "note", "n_from_text", "n_to_text")
#: Columns that hold citations.
CITATION_COLUMNS = ("source",)

_FRENCH_QUOTE = re.compile(r"«\s*(.*?)\s*»", re.S)


def _as_written(lang: str) -> bool:
    """Whether ``lang`` is the language the reference tables are written in (their first word columns)."""
    return all(reference.column(name, lang) == first for name, (first, _) in reference.WORD_COLUMNS.items())


@cache
def _twins(lang: str) -> dict[str, str]:
    """French word → its twin in ``lang``, over every word column of every reference table (empty for French)."""
    if _as_written(lang):
        return {}
    table = reference.load_reference()
    out: dict[str, str] = {}
    for name, (french, _) in reference.WORD_COLUMNS.items():
        pairs = table[[french, reference.column(name, lang)]].dropna()
        out.update(zip(pairs.iloc[:, 0].astype(str), pairs.iloc[:, 1].astype(str)))
    return out


def word(text: Any, lang: str = "fr") -> Any:
    """A reference table's French word (label, perimeter, text, note) in ``lang``; anything else as given."""
    if not isinstance(text, str):
        return text
    return _twins(words.check_lang(lang)).get(text, text)


def citation(text: Any, lang: str = "fr") -> Any:
    """A citation (a source as the reference tables write it) with the language's quotation marks.

    >>> citation("La Gazette, « Optimiser les achats »", "fr")
    'La Gazette, « Optimiser les achats »'
    """
    if not isinstance(text, str) or _as_written(words.check_lang(lang)):
        return text
    return _FRENCH_QUOTE.sub(lambda m: formats.quote(m.group(1), lang), text)


def in_language(table: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """``table`` with the reference tables' words in ``lang``: the values of :data:`WORD_COLUMNS` translated,
    :data:`CITATION_COLUMNS` with the language's quotation marks, and ``label_fr`` renamed ``label_<lang>`` (a
    table that already has ``label_<lang>`` keeps both). French: ``table`` itself. ``attrs`` are kept.

    >>> t = pd.DataFrame({"indicator": ["nombre_marches"], "label_fr": ["Marchés recensés"], "unit": ["marchés"]})
    >>> in_language(t, "en").to_dict("records")
    [{'indicator': 'nombre_marches', 'label_en': 'Contracts recorded', 'unit': 'marchés'}]
    """
    if _as_written(words.check_lang(lang)):
        return table
    out = table.copy()
    for col in WORD_COLUMNS:
        if col in out.columns:
            out[col] = out[col].map(lambda v: word(v, lang)).astype(table[col].dtype)
    for col in CITATION_COLUMNS:
        if col in out.columns:
            out[col] = out[col].map(lambda v: citation(v, lang)).astype(table[col].dtype)
    if "label_fr" in out.columns and f"label_{lang}" not in out.columns:
        out = out.rename(columns={"label_fr": f"label_{lang}"})
    out.attrs = dict(table.attrs)
    return out


def _unit_key(unit: Any) -> str | None:
    if unit is None or (not isinstance(unit, str) and pd.isna(unit)):
        return None
    return str(unit) if words.has(f"reference.unit_names.{unit}") else None


def unit_name(unit: Any, lang: str = "fr") -> str:
    """A unit code of the reference tables as a reader reads it alone (an axis: « marchés », « contracts »); an
    unknown unit as written, a missing one as ``""``.

    >>> unit_name("Md€", "en"), unit_name("réponses", "en"), unit_name("k€", "fr")
    ('€bn', 'answers', 'k€')
    """
    key = _unit_key(unit)
    if key is None:
        return "" if unit is None or (not isinstance(unit, str) and pd.isna(unit)) else str(unit)
    return words.text(f"reference.unit_names.{key}", lang)


def with_unit(value: Any, unit: Any, *, decimals: int | None = None, lang: str = "fr") -> str:
    """A number with its unit, in ``lang``: ``27 réponses``, ``72,2 Md€``; ``27 answers``, ``€72.2bn``.

    ``decimals`` defaults to 0 for a whole number, else 1. An unknown unit follows the number after a space.

    >>> with_unit(1, "personnes", lang="en"), with_unit(2.5, "inconnue", lang="en")
    ('1 person', '2.5 inconnue')
    """
    if decimals is None:
        decimals = 0 if float(value) == int(value) else 1
    number = formats.number(value, decimals, lang=lang)
    key = _unit_key(unit)
    if key is None:
        return f"{number} {unit_name(unit, lang)}".strip()
    return words.text(f"reference.unit_values.{key}", lang, value=number, count=float(value))
