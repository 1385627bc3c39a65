"""The package's exceptions: one root, a few kinds the CLI turns into short messages and exit codes.

Bad input never surfaces as a raw traceback: loaders raise :class:`InputError` with one *problem* per
defect, each naming the file, the row (1-based, as a spreadsheet shows it), the column, the value found
and what was expected. Messages are in French, for the people who fix the file.

Examples
--------
>>> err = InputError([problem("achats.csv", row=4, column="Vague", value="2019",
...                           expected="2017 (vague déclarée dans le fichier d'étude)")])
>>> print(err)
achats.csv, ligne 4, colonne « Vague » : valeur « 2019 » ; attendu : 2017 (vague déclarée dans le fichier d'étude)
"""
from __future__ import annotations

import numbers
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["EtudeError", "InputError", "ParameterError", "RunError", "problem", "format_problem",
           "format_problems", "printable", "PROBLEM_COLUMNS", "check_choice", "check_alpha", "SHOWN_PER_KIND"]

#: Columns of a problem report (``etude validate`` prints these).
PROBLEM_COLUMNS = ["file", "row", "column", "value", "expected", "message", "severity"]
#: Problems of one kind (same file, column, message) printed before « … et N autres lignes du même type ».
SHOWN_PER_KIND = 10

# terminal escape sequences (CSI « ESC [ … », OSC « ESC ] … BEL/ST », other ESC x), then any control character
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def printable(text) -> str:
    r"""Text safe to echo to a terminal: escape sequences and control characters removed, tabs and line breaks as
    spaces, undecodable bytes of a file name (surrogates) as the replacement character U+FFFD.

    >>> printable("Vous\x1b[31m êtes\x1b]8;;http://x\x07\r\n") + "|"
    'Vous êtes  |'
    >>> printable("acheteurs_\udce9t\udce9.csv") == "acheteurs_\ufffdt\ufffd.csv"
    True
    """
    s = _ESCAPES.sub("", str(text))
    s = s.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub("", s))


class EtudeError(Exception):
    """Root of every error this package raises on purpose."""


class ParameterError(EtudeError, ValueError):
    """A parameter given by the user (CLI ``-p``, notebook parameter, option) is not valid."""


class RunError(EtudeError):
    """A notebook run failed; the message names the notebook, the cell and the error."""


def check_choice(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise :class:`ParameterError` listing them.

    >>> check_choice("lang", "fr", ["fr", "en"])
    'fr'
    """
    allowed = list(allowed)
    if value not in allowed:
        raise ParameterError(f"valeur inconnue pour {name} : {value!r} ; valeurs possibles : "
                             + ", ".join(repr(a) for a in allowed))
    return value


def check_alpha(alpha: Any) -> float:
    """Return ``alpha`` as a float if 0 < alpha < 1 (booleans refused), else raise :class:`ParameterError`."""
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ParameterError(f"alpha doit être strictement compris entre 0 et 1, pas {alpha!r}")
    return float(alpha)


def check_min_cell(min_cell: Any) -> int:
    """``min_cell`` as an int, or a French :class:`ParameterError` (an int ≥ 1 is expected; booleans refused).

    >>> check_min_cell(5)
    5
    """
    if isinstance(min_cell, bool) or not isinstance(min_cell, numbers.Integral) or min_cell < 1:
        raise ParameterError(f"« min_cell » doit être un entier au moins égal à 1, pas « {min_cell} »")
    return int(min_cell)


def problem(file: str | Path | None, *, row: int | None = None, column: str | None = None,
            value: Any = None, expected: str | None = None, message: str | None = None,
            severity: str = "error") -> dict[str, Any]:
    """One input problem as a dict with the keys of :data:`PROBLEM_COLUMNS`.

    ``severity`` is ``error`` (the file cannot be used), ``warning`` (used, with a caveat) or ``info`` (a fact the
    user should know, e.g. an item not asked in a wave).
    """
    if severity not in ("error", "warning", "info"):
        raise ValueError(f"severity must be 'error', 'warning' or 'info', not {severity!r}")
    return {"file": None if file is None else str(file), "row": row, "column": column,
            "value": None if value is None else str(value), "expected": expected,
            "message": message, "severity": severity}


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_problem(p: dict[str, Any]) -> str:
    """One line in French: ``fichier, ligne R, colonne « C » : message ; valeur « V » ; attendu : E``."""
    where = [printable(p["file"]) if p.get("file") else "entrée"]
    if p.get("row") is not None:
        where.append(f"ligne {p['row']}")
    if p.get("column") is not None:
        where.append(f"colonne « {_clip(printable(p['column']))} »")
    what = []
    if p.get("message"):
        what.append(printable(p["message"]))
    if p.get("value") is not None:
        what.append(f"valeur « {_clip(printable(p['value']))} »")
    if p.get("expected"):
        what.append(f"attendu : {_clip(printable(p['expected']), 1000)}")
    prefix = {"warning": "avertissement — ", "info": "information — "}.get(p.get("severity"), "")
    return prefix + ", ".join(where) + " : " + " ; ".join(what)


def format_problems(problems: Iterable[dict[str, Any]], *, per_kind: int = SHOWN_PER_KIND) -> list[str]:
    """Lines for a list of problems, at most ``per_kind`` of each kind (same file, column, message and severity);
    the rest of a kind becomes one line « … et N autres lignes du même type ».

    >>> ps = [problem("a.csv", row=r, column="Freins", value="x", message="libellé inconnu") for r in range(2, 6)]
    >>> format_problems(ps, per_kind=2)[-1]
    'a.csv, colonne « Freins » : libellé inconnu — … et 2 autres lignes du même type'
    """
    problems = list(problems)
    key = lambda p: (p.get("file"), p.get("column"), p.get("message"), p.get("severity"))  # noqa: E731
    totals: dict[tuple, int] = {}
    for p in problems:
        totals[key(p)] = totals.get(key(p), 0) + 1
    seen: dict[tuple, int] = {}
    lines = []
    for p in problems:
        k = key(p)
        seen[k] = seen.get(k, 0) + 1
        if seen[k] <= per_kind:
            lines.append(format_problem(p))
        if seen[k] == per_kind and totals[k] > per_kind:
            rest = totals[k] - per_kind
            where = format_problem({**p, "row": None, "value": None, "expected": None, "message": None})
            lines.append(f"{where.rstrip(' :')} : {printable(p.get('message') or '')} — … et "
                         f"{_count(rest)} autre{'s' if rest > 1 else ''} ligne{'s' if rest > 1 else ''} du même type")
    return lines


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


class InputError(EtudeError):
    """Bad input: carries every problem found (not just the first).

    Parameters
    ----------
    problems : iterable of dict or str
        Dicts from :func:`problem`; a plain string becomes a problem with only a message.
    file : str or Path, optional
        Default file for problems that do not name one.
    """

    def __init__(self, problems: Iterable[dict[str, Any]] | dict[str, Any] | str, *, file: str | Path | None = None):
        if isinstance(problems, (str, dict)):
            problems = [problems]
        self.problems = [problem(file, message=p) if isinstance(p, str)
                         else {**p, "file": p.get("file") or (None if file is None else str(file))}
                         for p in problems]
        super().__init__("\n".join(format_problems(self.problems)))
