"""The catalogue of every word a reader sees: one YAML file per language (``fr.yaml``, ``en.yaml``), looked up by key.

A key names an area then an entry (``report.toc``, ``codes.too_few``); an entry is a string with ``{name}``
placeholders, or a plural entry whose forms (``one``, ``other``; CLDR plural rules of the language, through
Babel) are chosen by ``count``. Numbers arrive already formatted (:mod:`etude.publish.formats`): the catalogue only
places words around them. Item and attribute labels are not here: they are the codebook's (``label_fr``,
``label_en``), and published facts are the reference tables'.

Analyses never import this package (they return codes); the publishing layer, the privacy audit and the command
line do. A key missing in one language, or a placeholder that differs between languages, fails the tests
(``tests/test_words.py``).

Examples
--------
>>> text("codes.too_few", "fr", min_cell=5)
'non publié (petits effectifs, seuil 5)'
>>> text("common.respondent_count", "fr", count=1), text("common.respondent_count", "en", count=1234)
('1 répondant', '1,234 respondents')
>>> label("not_comparable", "en"), label("something else")
('not comparable', 'something else')
>>> data_status(True, "en")
'Simulated data — do not cite'
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from etude.errors import ParameterError

__all__ = ["LANGS", "LOCALES", "check_lang", "text", "label", "data_status", "catalogue", "has", "area"]

#: Languages of the reader-facing text.
LANGS = ("fr", "en")
#: The Babel locale of each language (numbers, dates, plural rules).
LOCALES = {"fr": "fr_FR", "en": "en_GB"}

_HERE = Path(__file__).resolve().parent
#: Forms a plural entry may hold (CLDR plural categories).
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")


def check_lang(lang: Any) -> str:
    """Return ``lang`` if it is one of :data:`LANGS`, else raise :class:`etude.errors.ParameterError`.

    >>> check_lang("de")
    Traceback (most recent call last):
    ...
    etude.errors.ParameterError: langue « de » inconnue ; langues possibles : fr, en
    """
    if lang not in LANGS:
        raise ParameterError(f"langue « {lang} » inconnue ; langues possibles : {', '.join(LANGS)}")
    return lang


def _is_plural(value: Any) -> bool:
    return isinstance(value, dict) and "other" in value and set(value) <= set(PLURAL_FORMS)


def _flatten(tree: dict, prefix: str = "") -> dict[str, str | dict[str, str]]:
    flat: dict[str, str | dict[str, str]] = {}
    for key, value in tree.items():
        if not isinstance(key, str):  # YAML 1.1 reads yes, no, on, off as booleans
            raise TypeError(f"catalogue key {key!r} under {prefix or 'the top'} is not text: quote it")
        name = f"{prefix}{key}"
        if _is_plural(value):
            flat[name] = {form: str(v) for form, v in value.items()}
        elif isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = "" if value is None else str(value)
    return flat


@cache
def catalogue(lang: str) -> dict[str, str | dict[str, str]]:
    """Every entry of ``lang``'s catalogue, by dotted key (read once per process with libyaml)."""
    import yaml
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(_HERE / f"{check_lang(lang)}.yaml", encoding="utf-8") as fh:
        return _flatten(yaml.load(fh, Loader=loader) or {})


def has(key: str, lang: str = "fr") -> bool:
    """Whether ``key`` is in ``lang``'s catalogue."""
    return key in catalogue(lang)


def _plural_form(count: Any, lang: str) -> str:
    from babel import Locale
    return Locale.parse(LOCALES[lang]).plural_form(abs(count))


def _count_text(count: Any, lang: str) -> str:
    from babel.numbers import format_decimal
    return format_decimal(count, locale=LOCALES[lang])


def text(key: str, lang: str = "fr", *, count: Any = None, **fields: Any) -> str:
    """The entry ``key`` in ``lang``, its placeholders filled with ``fields``.

    ``count`` picks the form of a plural entry and fills ``{count}`` (formatted in the language: ``1 234``,
    ``1,234``); a ``count`` given as text (already formatted, for an entry that is not plural) fills ``{count}``
    as it is. A key missing from the catalogue raises :class:`KeyError` naming the key and language.

    >>> text("common.yes", "en")
    'yes'
    >>> text("tables.share", "en", pct="50.0%", count="1,234", n="2,468")
    '50.0% (1,234/2,468)'
    """
    try:
        entry = catalogue(check_lang(lang))[key]
    except KeyError:
        raise KeyError(f"{key!r} is not in the {lang} catalogue (src/etude/words/{lang}.yaml)") from None
    if isinstance(entry, dict):
        if count is None:
            raise TypeError(f"{key!r} is a plural entry: give count=")
        entry = entry.get(_plural_form(count, lang), entry["other"])
    if count is not None and "count" not in fields:  # a formatted number (« 1 234 ») is not parsed again
        fields["count"] = count if isinstance(count, str) else _count_text(count, lang)
    return entry.format(**fields) if fields else entry


def label(code: Any, lang: str = "fr", **fields: Any) -> str:
    """The words of a status code (``codes.<code>``); an unknown code is returned as written, a missing one empty.

    >>> label("n_inexact_point_only", "fr", wave=2023)
    'effectif 2023 inexact : écart en points seulement, sans intervalle ni test'
    """
    if not isinstance(code, str):
        return "" if code is None or code != code else str(code)
    if not code:
        return ""
    key = f"codes.{code}"
    if not has(key, check_lang(lang)):
        return code
    entry = catalogue(lang)[key]
    try:
        return entry.format(**fields)
    except (KeyError, IndexError):
        return entry


def data_status(simulated: bool, lang: str = "fr") -> str:
    """The data-status caption every chart and table carries: « Données simulées — ne pas citer » or
    « Données d'enquête ».

    >>> data_status(False)
    "Données d'enquête"
    """
    return text("status.simulated" if simulated else "status.survey", lang)


def area(name: str, lang: str = "fr") -> dict[str, str]:
    """Every plain entry of one area, by its key inside the area (``area("common")["yes"]``).

    >>> area("common", "en")["buyers"]
    'Buyers'
    """
    prefix = f"{name}."
    return {k[len(prefix):]: v for k, v in catalogue(check_lang(lang)).items()
            if k.startswith(prefix) and isinstance(v, str)}
