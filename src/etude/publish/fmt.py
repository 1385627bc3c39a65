"""French number formats for what users read (tables shown in notebooks, charts, reports).

Written tables (CSV, XLSX) keep raw numbers; these helpers only format for display.
A narrow no-break space (U+202F) separates thousands and precedes ``%``, as French typography wants,
and never breaks a number across lines. Missing values print as ``n.d.`` (non disponible).

Examples
--------
>>> pct(0.4814)
'48,1\u202f%'
>>> number(1234567)
'1\u202f234\u202f567'
>>> number(-2.5, decimals=1)
'-2,5'
"""
from __future__ import annotations

import math
from typing import Any

__all__ = ["NNBSP", "MISSING", "number", "pct", "points", "pvalue", "interval", "points_interval", "euros"]

#: Narrow no-break space, the French thin space.
NNBSP = "\u202f"
#: How a missing value is shown.
MISSING = "n.d."


def _missing(x: Any) -> bool:
    try:
        return x is None or math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def number(x: Any, decimals: int = 0, *, missing: str = MISSING) -> str:
    """Format a number the French way: ``1 234,5`` (narrow no-break spaces, decimal comma).

    >>> number(0)
    '0'
    >>> number(1234.56, decimals=1)
    '1\u202f234,6'
    """
    if _missing(x):
        return missing
    value = round(float(x), decimals)
    if value == 0:
        value = 0.0  # no "-0"
    s = f"{value:,.{decimals}f}"
    return s.replace(",", NNBSP).replace(".", ",")


def pct(x: Any, decimals: int = 1, *, missing: str = MISSING) -> str:
    """Format a fraction (0–1) as a French percentage: ``0.481`` → ``48,1 %``.

    >>> pct(0)
    '0,0\u202f%'
    >>> pct(-0.05, decimals=0)
    '-5\u202f%'
    """
    if _missing(x):
        return missing
    return f"{number(float(x) * 100, decimals)}{NNBSP}%"


def points(x: Any, decimals: int = 1, *, missing: str = MISSING) -> str:
    """Format a difference of two fractions in percentage points, signed: ``0.032`` → ``+3,2 pts``."""
    if _missing(x):
        return missing
    v = round(float(x) * 100, decimals)
    sign = "+" if v > 0 else ""
    return f"{sign}{number(v, decimals)}{NNBSP}pt" + ("s" if abs(v) >= 2 else "")


def pvalue(p: Any, *, missing: str = MISSING) -> str:
    """Format a p-value: three decimals, ``< 0,001`` below that.

    >>> pvalue(0.0234)
    '0,023'
    >>> pvalue(0.00001)
    '<\u202f0,001'
    """
    if _missing(p):
        return missing
    if float(p) < 0.001:
        return f"<{NNBSP}0,001"
    return number(p, 3)


def interval(low: Any, high: Any, *, as_pct: bool = True, decimals: int = 1, missing: str = MISSING) -> str:
    """Format a confidence interval: ``[38,2 % ; 57,9 %]`` (French list separator ``;``)."""
    if _missing(low) or _missing(high):
        return missing
    f = pct if as_pct else number
    return f"[{f(low, decimals)}{NNBSP}; {f(high, decimals)}]"


def points_interval(low: Any, high: Any, *, missing: str = MISSING) -> str:
    """Format an interval of a difference in percentage points: ``[-32,1 pts ; +5,0 pts]``.

    >>> points_interval(-0.321, 0.05).replace(NNBSP, " ")
    '[-32,1 pts ; +5,0 pts]'
    """
    if _missing(low) or _missing(high):
        return missing
    return f"[{points(low)}{NNBSP}; {points(high)}]"


def euros(x: Any, decimals: int = 0, *, missing: str = MISSING) -> str:
    """Format an amount in euros: ``1 234 €``."""
    if _missing(x):
        return missing
    return f"{number(x, decimals)}{NNBSP}€"
