"""The words of statistical confidentiality: the study's small-group rule, and what ``etude audit`` finds.

:mod:`etude.safety.disclosure` and :mod:`etude.safety.recovery` compute (which cells to suppress, what a reader
could recover) and return numbers and codes; this module says it, with the catalogue's words (area ``safety``):
:func:`suppression_rule` once in the report, the workbook and the method slide, :func:`audit_lines` in the
terminal.

Examples
--------
>>> print(suppression_rule(5, lang="en"))  # doctest: +NORMALIZE_WHITESPACE
Statistical confidentiality: results for a group of fewer than 5 responding buyers or responding companies are
not published (shown as “< 5” or “n/a”), nor its size or base; other groups are hidden too when they would
reveal them by subtraction, and some categories are published merged (“250 employees or more (mid-caps and large
companies)”). Totals stay exact. A group of fewer than 5 respondents is published with its declared neighbour:
“Local authorities” and “Health establishments” with “Other public buyers”. Within a published group of fewer
than 10 respondents, a share of 0% or 100% (all its members answered alike) is not published (shown as “n/a”),
nor the same share of another group that would give it back by subtraction; the group's other answers are
published without their share of mentions (its total would give it back), and their letters compare them with one
another only.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from etude import words
from etude.publish import formats
from etude.safety.disclosure import PROTECTED, merges, neighbours
from etude.safety.recovery import check_min_cell

__all__ = ["suppression_rule", "audit_lines"]

_POPULATIONS = ("buyers", "companies")


def _say(key: str, lang: str, **fields: Any) -> str:
    return words.text(f"safety.{key}", lang, **fields)


def suppression_rule(min_cell: int = 5, *, protect: Sequence[str] | None = PROTECTED, lang: str = "fr",
                     codebook=None) -> str:
    """The study's one small-group rule (:func:`etude.safety.disclosure.suppress_small`), in one paragraph, to
    write once in a report; ``protect=None`` protects every population.

    >>> print(suppression_rule(5))  # doctest: +NORMALIZE_WHITESPACE
    Secret statistique : les résultats d'un groupe de moins de 5 acheteurs répondants ou entreprises répondantes
    ne sont pas publiés (notés « < 5 » ou « n.d. »), ni son effectif ni sa base ; d'autres groupes sont masqués
    aussi quand ils permettraient de les retrouver par différence, et certaines catégories sont publiées
    regroupées (« 250 salariés et plus (ETI et grandes entreprises) »). Les totaux restent exacts. Un groupe de
    moins de 5 répondants est publié avec son voisin déclaré : « Collectivités territoriales » et «
    Établissements de santé » avec « Autres acheteurs publics ». Dans un groupe publié de moins de 10
    répondants, une part de 0 % ou de 100 % (tous ses membres ont répondu de même) n'est pas publiée (notée «
    n.d. »), ni la même part d'un autre groupe qui permettrait de la retrouver par différence ; les autres
    réponses de ce groupe sont publiées sans part des mentions (leur total la redonnerait), et leurs lettres ne
    comparent qu'elles entre elles.
    """
    min_cell = check_min_cell(min_cell)
    words.check_lang(lang)
    protect = _POPULATIONS if protect is None else tuple(protect)
    merged = [formats.quote(m[f"label_{lang}"], lang) for k in protect for m in merges(k, codebook=codebook)]
    group = formats.join([_say(f"who_{p}", lang) for p in protect if p in _POPULATIONS], lang, style="or")
    text = _say("rule", lang, min_cell=formats.number(min_cell, lang=lang), group=group or _say("who_anyone", lang),
                small=formats.quote(f"< {formats.number(min_cell, lang=lang)}", lang),
                missing=formats.quote(formats.missing(lang), lang),
                merged=_say("rule_merged", lang, labels=_say("rule_separator", lang).join(merged)) if merged else "")
    extra = [_neighbour_sentence(min_cell, protect, lang, codebook),
             words.text("disclosure.whole_group", lang, twice=formats.number(2 * min_cell, lang=lang),
                         missing=formats.quote(formats.missing(lang), lang)),
             words.text("disclosure.opt_in", lang) if "buyers" not in protect else ""]
    return " ".join([text, *[e for e in extra if e]])


def _neighbour_sentence(min_cell: int, protect: Sequence[str], lang: str, codebook) -> str:
    """« A group of fewer than … is published with its declared neighbour: … » (empty without neighbours)."""
    from etude.survey import codebook as cb
    pairs = []
    for population in [p for p in protect if p in cb.populations(codebook)]:
        for attr in cb.attributes(population, codebook=codebook):
            near = neighbours(population, attr, codebook=codebook)
            if not near:
                continue
            label = dict(zip(*cb.attribute_values(population, attr, codebook=codebook)[["code", f"label_{lang}"]]
                             .T.values))
            by_target: dict[str, list[str]] = {}
            for small, target in near.items():
                by_target.setdefault(target, []).append(formats.quote(label.get(small, small), lang))
            pairs += [words.text("disclosure.neighbour_pair", lang, small=formats.join(smalls, lang),
                                 neighbour=formats.quote(label.get(target, target), lang))
                      for target, smalls in by_target.items()]
    if not pairs:
        return ""
    return words.text("disclosure.neighbours", lang, min_cell=formats.number(min_cell, lang=lang),
                      pairs=_say("rule_separator", lang).join(pairs))


def _count(x: Any, lang: str) -> str:
    return formats.number(x, lang=lang) if not pd.isna(x) and not math.isinf(x) else str(x)


def _reason(r: Any, reason: str, lang: str) -> str:
    """The words of a finding of :mod:`etude.safety.published` (its ``reason`` code)."""
    share = formats.pct(r.low, 0, lang=lang) if reason == "whole_group" else ""
    return words.text(f"disclosure.reason_{reason}", lang, column=r.column, low=_count(r.low, lang),
                      high=_count(r.high, lang), required=_count(r.required, lang), share=share)


def audit_lines(findings: pd.DataFrame, *, lang: str = "fr") -> list[str]:
    """One line per finding of :func:`etude.safety.recovery.audit_tables` (or ``audit_run``), for the terminal:
    table, row, cell and its feasible range.

    >>> f = pd.DataFrame([{"table": "tables/profil_entreprises.csv", "row": 18, "column": "n",
    ...                    "cell": ("companies", "2018", "size_class", "ge", None), "low": 2, "high": 2,
    ...                    "required": 5}])
    >>> print(audit_lines(f)[0])  # doctest: +NORMALIZE_WHITESPACE
    tables/profil_entreprises.csv, ligne 18, colonne « n » (entreprises, vague 2018, size_class = ge) :
    valeur retrouvable entre 2 et 2 (écart 0, moins de 5)
    >>> print(audit_lines(f, lang="en")[0])  # doctest: +NORMALIZE_WHITESPACE
    tables/profil_entreprises.csv, row 18, column n (companies, wave 2018, size_class = ge):
    value recoverable between 2 and 2 (width 0, less than 5)
    """
    words.check_lang(lang)
    out = []
    for r in findings.itertuples(index=False):
        population, wave, attribute, value, item = r.cell
        who = _say(f"finding_{population}", lang) if population in _POPULATIONS else population
        parts = [who or _say("finding_unknown", lang)] + ([_say("finding_wave", lang, wave=wave)] if wave else [])
        parts += [f"{attribute} = {value}"] + ([_say("finding_item", lang, item=item)] if item else [])
        where = (_say("finding_where", lang, table=r.table, row=r.row, column=r.column, cell=", ".join(parts))
                 if not pd.isna(r.row) else  # a sentence's number (etude.safety.statements): no table row
                 words.text("disclosure.where_text", lang, table=r.table, column=r.column, cell=", ".join(parts)))
        reason = getattr(r, "reason", "recovered")
        if reason not in ("recovered", None) and not pd.isna(reason):
            what = _reason(r, reason, lang)
        elif pd.isna(r.low):
            what = _say("finding_inconsistent", lang)
        else:
            what = _say("finding_range", lang, low=_count(r.low, lang), high=_count(r.high, lang),
                        width=_count(r.high - r.low, lang), required=_count(r.required, lang))
        out.append(_say("finding", lang, where=where, what=what))
    return out
