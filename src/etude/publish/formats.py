"""Numbers as a reader reads them, in French or English, formatted by Babel from the locale's CLDR data.

Written tables (CSV, XLSX) keep raw numbers; these helpers only format for display. Every function takes
``lang`` (``"fr"`` by default). A value is rounded once, half to even on its binary value as Python's
:func:`round` does, then written with the locale's symbols: ``48,1 %`` in French, ``48.1%`` in English.

French typography, as the house style wants it: a narrow no-break space (U+202F) groups thousands (CLDR's own
choice for French) and precedes ``%``, ``€``, ``pts`` and ``;`` (CLDR writes a no-break space U+00A0 before ``%``;
the narrow one is the Imprimerie nationale's), so a number never breaks across lines. Missing values print as
« n.d. » (« n/a » in English), and so does a number that is not finite (an infinite ratio, an overflow): Babel
cannot write one, and a reader cannot read one.

Examples
--------
>>> pct(0.4814), pct(0.4814, lang="en")
('48,1\u202f%', '48.1%')
>>> number(1234567), number(1234567, lang="en")
('1\u202f234\u202f567', '1,234,567')
>>> pvalue(0.0004), pvalue(0.0234, lang="en")
('<\u202f0,001', '0.023')
>>> interval(0.2, 0.5, lang="en")
'[20.0%, 50.0%]'
"""
from __future__ import annotations

import functools
import math
from typing import Any

from etude import words

__all__ = ["NNBSP", "NBSP", "number", "pct", "points", "pvalue", "interval", "points_interval", "euros", "date",
           "missing", "quote", "join"]

#: Narrow no-break space, the French thin space.
NNBSP = "\u202f"
#: No-break space.
NBSP = "\u00a0"
#: Units after a number, and the space before them, per language.
_UNIT_SPACE = {"fr": NNBSP, "en": NBSP}
_POINTS = {"fr": ("pt", "pts"), "en": ("pp", "pp")}
_QUOTES = {"fr": ("« ", " »"), "en": ("“", "”")}


def missing(lang: str = "fr") -> str:
    """How a missing value is shown: « n.d. », « n/a »."""
    return words.text("formats.missing", lang)


def _is_missing(x: Any) -> bool:
    """True for what has no number to show: ``None``, NaN, an infinite or non-numeric value.

    >>> _is_missing(float("inf")), _is_missing(-1e400), _is_missing("x"), _is_missing(1e300)
    (True, True, True, False)
    """
    try:
        return x is None or not math.isfinite(float(x))
    except (TypeError, ValueError, OverflowError):
        return True


def _locale(lang: str) -> str:
    return words.LOCALES[words.check_lang(lang)]


def number(x: Any, decimals: int = 0, *, lang: str = "fr", missing_text: str | None = None) -> str:
    """A number with the locale's grouping and decimal mark: ``1 234,5`` (French), ``1,234.5`` (English).

    >>> number(-2.5, decimals=1), number(0), number(-0.0001)
    ('-2,5', '0', '0')
    >>> number(None), number(float("inf")), pct(float("-inf"), lang="en")
    ('n.d.', 'n.d.', 'n/a')
    """
    if _is_missing(x):
        return missing(lang) if missing_text is None else missing_text
    value = round(float(x), decimals)
    if value == 0:
        value = 0.0  # no "-0"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return _decimal(value, pattern, _locale(lang))


@functools.lru_cache(maxsize=65_536)
def _decimal(value: float, pattern: str, locale: str) -> str:
    """Babel's ``format_decimal``, remembered: a large table repeats few values, and Babel parses the locale and
    the pattern at every call (44,000 plan rows took 13 s). Babel rounds in :mod:`decimal`'s context, whose 28
    digits a large finite float exceeds (``1e30`` raised ``InvalidOperation``): it rounds here with enough digits
    for any float.

    >>> _decimal(1e30, "#,##0", "en")
    '1,000,000,000,000,000,000,000,000,000,000'
    """
    import decimal

    from babel.numbers import format_decimal
    with decimal.localcontext() as context:
        context.prec = 400  # a float has at most 309 integer digits
        return format_decimal(value, pattern, locale=locale)


def pct(x: Any, decimals: int = 1, *, lang: str = "fr", missing_text: str | None = None) -> str:
    """A fraction (0–1) as a percentage: ``0.481`` → ``48,1 %`` (French), ``48.1%`` (English).

    >>> pct(0), pct(-0.05, decimals=0), pct(1, decimals=0, lang="en")
    ('0,0\u202f%', '-5\u202f%', '100%')
    """
    if _is_missing(x) or _is_missing(float(x) * 100):
        return missing(lang) if missing_text is None else missing_text
    value = number(float(x) * 100, decimals, lang=lang)
    return f"{value}{NNBSP}%" if lang == "fr" else f"{value}%"


def points(x: Any, decimals: int = 1, *, lang: str = "fr", missing_text: str | None = None) -> str:
    """A difference of two fractions in percentage points, signed: ``0.032`` → ``+3,2 pts``, ``+3.2 pp``.

    >>> points(0.032).replace(NNBSP, " "), points(0), points(-0.1, lang="en").replace(NBSP, " ")
    ('+3,2 pts', '0,0\u202fpt', '-10.0 pp')
    """
    if _is_missing(x) or _is_missing(float(x) * 100):
        return missing(lang) if missing_text is None else missing_text
    v = round(float(x) * 100, decimals)
    sign = "+" if v > 0 else ""
    one, many = _POINTS[words.check_lang(lang)]
    return f"{sign}{number(v, decimals, lang=lang)}{_UNIT_SPACE[lang]}{many if abs(v) >= 2 else one}"


def pvalue(p: Any, *, lang: str = "fr", missing_text: str | None = None) -> str:
    """A p-value: three decimals, ``< 0,001`` below that.

    >>> pvalue(0.0234), pvalue(0.00001, lang="en")
    ('0,023', '< 0.001')
    """
    if _is_missing(p):
        return missing(lang) if missing_text is None else missing_text
    if float(p) < 0.001:
        return f"<{_UNIT_SPACE[words.check_lang(lang)] if lang == 'fr' else ' '}{number(0.001, 3, lang=lang)}"
    return number(p, 3, lang=lang)


def interval(low: Any, high: Any, *, as_pct: bool = True, decimals: int = 1, lang: str = "fr",
             missing_text: str | None = None) -> str:
    """A confidence interval: ``[38,2 % ; 57,9 %]`` (French list separator), ``[38.2%, 57.9%]``.

    >>> interval(0.2, 0.5).replace(NNBSP, " ")
    '[20,0 % ; 50,0 %]'
    """
    if _is_missing(low) or _is_missing(high):
        return missing(lang) if missing_text is None else missing_text
    def f(v):
        return pct(v, decimals, lang=lang) if as_pct else number(v, decimals, lang=lang)
    sep = f"{NNBSP}; " if lang == "fr" else ", "
    return f"[{f(low)}{sep}{f(high)}]"


def points_interval(low: Any, high: Any, *, lang: str = "fr", missing_text: str | None = None) -> str:
    """An interval of a difference in percentage points: ``[-32,1 pts ; +5,0 pts]``, ``[-32.1 pp, +5.0 pp]``.

    >>> points_interval(-0.321, 0.05).replace(NNBSP, " ")
    '[-32,1 pts ; +5,0 pts]'
    """
    if _is_missing(low) or _is_missing(high):
        return missing(lang) if missing_text is None else missing_text
    sep = f"{NNBSP}; " if lang == "fr" else ", "
    return f"[{points(low, lang=lang)}{sep}{points(high, lang=lang)}]"


def euros(x: Any, decimals: int = 0, *, lang: str = "fr", missing_text: str | None = None) -> str:
    """An amount in euros: ``1 234 €`` (French), ``€1,234`` (English).

    >>> euros(30000).replace(NNBSP, " "), euros(30000, lang="en")
    ('30 000 €', '€30,000')
    """
    if _is_missing(x):
        return missing(lang) if missing_text is None else missing_text
    value = number(x, decimals, lang=lang)
    if lang == "fr":
        return f"{value}{NNBSP}€"
    return f"-€{value[1:]}" if value.startswith("-") else f"€{value}"


def date(value: Any, *, lang: str = "fr", form: str = "long") -> str:
    """A date in the reader's language: ``20 novembre 2017``, ``20 November 2017`` (Babel's ``form``).

    >>> import datetime
    >>> date(datetime.date(2017, 11, 20)), date("2017-11-20", lang="en", form="medium")
    ('20 novembre 2017', '20 Nov 2017')
    """
    import datetime as dt

    from babel.dates import format_date
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return format_date(value, form, locale=_locale(lang))


def quote(text: str, lang: str = "fr") -> str:
    """``text`` between the language's quotation marks: « … », “…”.

    >>> quote("Freins financiers", "en")
    '“Freins financiers”'
    """
    left, right = _QUOTES[words.check_lang(lang)]
    return f"{left}{text}{right}"


def join(items, lang: str = "fr", *, style: str = "standard") -> str:
    """A list in the language's way: ``a, b et c``, ``a, b and c`` (Babel's :func:`babel.lists.format_list`).

    >>> join(["a", "b", "c"]), join(["a", "b"], "en"), join([])
    ('a, b et c', 'a and b', '')
    """
    from babel.lists import format_list
    items = [str(i) for i in items]
    return format_list(items, style=style, locale=_locale(lang)) if items else ""
