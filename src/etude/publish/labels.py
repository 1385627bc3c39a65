"""Codebook labels attached to the codes an analysis returns: where a table meets its reader's language.

Analyses (:mod:`etude.analysis`) return codes (``b_temps``, ``buyers``, ``th_info``); the written tables and the
charts show labels. :func:`with_labels` adds a label column next to a code column, in the reader's language, at
the place the table's contract (``docs/contracts.md``) gives it; codes stay, so scripts keep their keys.
:func:`attribute_label` and :func:`value_label` name a respondent attribute and its values (merged categories of
:mod:`etude.safety.disclosure` included); :func:`with_value_labels` adds those; :func:`labelled` adds every label
a written table's contract asks for, so a notebook calls it once, right before showing or saving the table.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"item": ["b_temps", "b_financier"], "count": [3, 6]})
>>> with_labels(t, "en", code="item").columns.tolist()
['item', 'label', 'count']
>>> with_labels(t, "fr", code="item", short=True)["label"].tolist()
['Manque de temps', 'Freins financiers']
>>> p = pd.DataFrame({"attribute": "buyer_type", "value": ["etat", "non_renseigne"], "n": [2, 1]})
>>> labelled(p, "en", population="buyers")["label"].tolist()
['State services', 'Not given']
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from etude import words
from etude.survey import codebook as cb

__all__ = ["with_labels", "label_of", "attribute_label", "value_label", "with_value_labels", "labelled"]

#: Value code of a respondent who did not give an attribute (:func:`etude.analysis.stats.profile`).
_NOT_GIVEN = "non_renseigne"


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


def attribute_label(population: str | None, attribute: str, lang: str = "fr", *, codebook=None) -> str:
    """Label of a respondent attribute (``buyer_type`` → « Type d'acheteur »); the name itself if unknown.

    ``population`` is the questionnaire (``buyers``, ``companies``); ``None`` searches both.

    >>> attribute_label("companies", "size_class", lang="en")
    'Company size'
    """
    lang = words.check_lang(lang)
    for k in [population] if population else cb.populations(codebook):
        spec = cb.attributes(k, codebook=codebook).get(attribute)
        if spec and spec.get(f"label_{lang}"):
            return spec[f"label_{lang}"]
    return str(attribute)


def _not_given(value: Any) -> bool:
    return value is None or value is pd.NA or value == _NOT_GIVEN or (isinstance(value, float) and math.isnan(value))


def value_label(population: str | None, attribute: str, value: Any, lang: str = "fr", *, codebook=None) -> str:
    """Label of an attribute value (``("buyers", "buyer_type", "etat")`` → « Services de l'État »).

    Values outside the codebook (open attributes such as ``organisation``, or ``wave``) are shown as written; a
    category published merged (:func:`etude.safety.disclosure.merges`) has the merge's label; a missing value
    reads « Non renseigné ».

    >>> value_label("buyers", "buyer_type", "etat"), value_label("buyers", "wave", 2017)
    ("Services de l'État", '2017')
    """
    from etude.safety.disclosure import merges

    lang = words.check_lang(lang)
    if _not_given(value):
        return words.text("common.not_given", lang)
    for k in [population] if population else cb.populations(codebook):
        if attribute == "wave" or attribute not in cb.attributes(k, codebook=codebook):
            continue
        vals = cb.attribute_values(k, attribute, codebook=codebook)
        hit = vals[vals["code"].astype(str) == str(value)]
        if not hit.empty:
            return str(hit.iloc[0][f"label_{lang}"])
        merged = [m for m in merges(k, attribute, codebook=codebook) if m["code"] == str(value)]
        if merged:
            return str(merged[0][f"label_{lang}"])
    return str(value)


def with_value_labels(table: pd.DataFrame, lang: str = "fr", *, population: str | None = None,
                      attribute: str = "attribute", value: str = "value", column: str = "label", at: int | None = None,
                      codebook=None) -> pd.DataFrame:
    """A copy of ``table`` with ``column`` = :func:`value_label` of each row's ``value``, inserted at ``at``
    (default: right after ``value``); an existing ``column`` is replaced in place.

    ``attribute`` names the column holding each row's attribute (``attribute`` in a profile, ``group`` in a grouped
    barrier table). The questionnaire is each row's ``population``, else ``population``, else ``attrs["population"]``.
    """
    out = table.copy()
    default = population or table.attrs.get("population")
    populations = out["population"] if "population" in out.columns else pd.Series(default, index=out.index)
    values = [value_label(k if isinstance(k, str) else default, a, v, lang, codebook=codebook)
              for k, a, v in zip(populations, out[attribute], out[value])]
    if column in out.columns:
        out[column] = values
        return out
    out.insert(out.columns.get_loc(value) + 1 if at is None else at, column, values)
    out.attrs = dict(table.attrs)
    return out


def labelled(table: pd.DataFrame, lang: str = "fr", *, population: str | None = None, codebook=None) -> pd.DataFrame:
    """``table`` with the codebook labels its contract (``docs/contracts.md``) gives it, in ``lang``.

    ``label`` after ``item`` (barrier and remedy tables), ``group_label`` after ``group_value`` (grouped barrier
    tables), ``label`` after ``value`` (profiles: ``attribute``, ``value``), else ``label`` after ``population``
    (respondents per wave). ``population`` as in :func:`with_value_labels`.

    >>> labelled(pd.DataFrame({"population": ["buyers"], "wave": [2017], "n": [27]}))["label"].tolist()
    ['Acheteurs publics']
    """
    out = table
    if {"group", "group_value"} <= set(out.columns):
        out = with_value_labels(out, lang, population=population, attribute="group", value="group_value",
                                column="group_label", codebook=codebook)
    if "item" in out.columns:
        return with_labels(out, lang, code="item", codebook=codebook)
    if {"attribute", "value"} <= set(out.columns):
        return with_value_labels(out, lang, population=population, codebook=codebook)
    if "population" in out.columns:
        return with_labels(out, lang, code="population", codebook=codebook)
    return out.copy()
