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

from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["EtudeError", "InputError", "ParameterError", "RunError", "problem", "format_problem",
           "PROBLEM_COLUMNS", "check_choice", "check_alpha"]

#: Columns of a problem report (``etude validate`` prints these).
PROBLEM_COLUMNS = ["file", "row", "column", "value", "expected", "message", "severity"]


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


def problem(file: str | Path | None, *, row: int | None = None, column: str | None = None,
            value: Any = None, expected: str | None = None, message: str | None = None,
            severity: str = "error") -> dict[str, Any]:
    """One input problem as a dict with the keys of :data:`PROBLEM_COLUMNS`."""
    if severity not in ("error", "warning"):
        raise ValueError(f"severity must be 'error' or 'warning', not {severity!r}")
    return {"file": None if file is None else str(file), "row": row, "column": column,
            "value": None if value is None else str(value), "expected": expected,
            "message": message, "severity": severity}


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_problem(p: dict[str, Any]) -> str:
    """One line in French: ``fichier, ligne R, colonne « C » : message ; valeur « V » ; attendu : E``."""
    where = [str(p["file"]) if p.get("file") else "entrée"]
    if p.get("row") is not None:
        where.append(f"ligne {p['row']}")
    if p.get("column") is not None:
        where.append(f"colonne « {p['column']} »")
    what = []
    if p.get("message"):
        what.append(str(p["message"]))
    if p.get("value") is not None:
        what.append(f"valeur « {_clip(str(p['value']))} »")
    if p.get("expected"):
        what.append(f"attendu : {p['expected']}")
    prefix = "avertissement — " if p.get("severity") == "warning" else ""
    return prefix + ", ".join(where) + " : " + " ; ".join(what)


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
        super().__init__("\n".join(format_problem(p) for p in self.problems))
