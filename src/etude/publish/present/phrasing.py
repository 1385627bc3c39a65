"""The small pieces every result sentence is built from: a ``findings.*`` catalogue entry, who answered, a count
of respondents, quoted labels, clauses one after the other.

Shared by the sentence modules of :mod:`etude.publish.present` (:mod:`~etude.publish.present.barriers`,
:mod:`~etude.publish.present.comparisons`, :mod:`~etude.publish.present.waves`, …); nothing here is exported by
the package.
"""
from __future__ import annotations

from etude import words
from etude.publish import formats

__all__: list[str] = []


def _t(key: str, lang: str, **fields) -> str:
    """The catalogue entry ``findings.<key>``."""
    return words.text(f"findings.{key}", lang, **fields)


def _who(population: str, lang: str) -> str:
    key = f"findings.who.{population}"
    return words.text(key, lang) if words.has(key, lang) else str(population)


def _people(population: str, n, lang: str) -> str:
    """« 27 acheteurs publics », « 1 entreprise »: a count of respondents of one population."""
    key = f"findings.people.{population}"
    if words.has(key, lang):
        return words.text(key, lang, count=int(n))
    return _t("people.any", lang, count=int(n), who=str(population))


def _lower_first(text: str) -> str:
    """« Services de l'État » → « services de l'État »; « PME (…) » stays as written."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _quoted(labels, lang: str) -> list[str]:
    return [formats.quote(str(x), lang) for x in labels]


def _separated(parts, lang: str) -> str:
    """Clauses one after the other: « a ; b » (French), “a; b” (English)."""
    return _t("separator", lang).join(parts)
