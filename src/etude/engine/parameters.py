"""Typing ``-p NAME VALUE`` parameters from each notebook's declared defaults, bounding them, checking run options.

A notebook declares a parameter's type by its default (``min_cell = 5`` is an ``int``) and may bound it, either
at the end of the parameter's comment (``slots = 4  # créneaux par acheteur [1, 50]``) or in its metadata
(``{"etude": {"bounds": {"slots": [1, 50]}}}``; ``null`` leaves a side open). A value outside its bounds is
refused before anything runs.

Examples
--------
>>> coerce_parameter("min_n", "5", 3)
5
>>> coerce_parameter("show_ci", "oui", False)
True
>>> coerce_parameter("alpha", "0,1", 0.05)
0.1
>>> coerce_parameter("min_n", "cinq", 3)
Traceback (most recent call last):
...
etude.errors.ParameterError: paramètre « min_n » : valeur « cinq » invalide ; attendu : un entier (ex. 3)
"""
from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from etude.errors import ParameterError

__all__ = ["coerce_parameter", "type_parameters", "parse_bounds", "check_bounds", "check_run_options",
           "options_in_parameters", "DEFAULT_TIMEOUT", "ENGINE_PARAMETERS", "OPTION_PARAMETERS", "LANGS",
           "TRUE_WORDS", "FALSE_WORDS"]

#: Per-cell timeout, seconds.
DEFAULT_TIMEOUT = 600.0
#: Parameters the engine itself sets in every notebook that declares them (options, not ``-p``).
ENGINE_PARAMETERS = {"study": "--study", "lang": "--lang", "output_dir": "--out"}
#: Engine parameters ``-p`` may set too, as their option does (``-p lang en`` is ``--lang en``): ``etude
#: notebooks`` lists them among each notebook's parameters.
OPTION_PARAMETERS = ("lang",)
#: Report and notebook languages.
LANGS = ("fr", "en")
#: Words accepted for a boolean parameter (compared in lower case).
TRUE_WORDS = ("true", "vrai", "oui", "yes", "1")
FALSE_WORDS = ("false", "faux", "non", "no", "0")

_EXPECTED = {"int": "un entier", "float": "un nombre (ex. 0,05)", "bool": "true/false, oui/non ou 1/0",
             "str": "un texte"}
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_BOUNDS_IN_HELP = re.compile(rf"\[\s*({_NUMBER})?\s*,\s*({_NUMBER})?\s*\]\s*$")


def coerce_parameter(name: str, value: str, default: Any) -> Any:
    """Type the text ``value`` of parameter ``name`` like its declared ``default``.

    ``int`` stays ``int``, ``float`` accepts a decimal comma, ``bool`` accepts ``true/false``, ``vrai/faux``,
    ``oui/non``, ``yes/no``, ``1/0``; ``str`` (and ``None``) keep the text; lists and dicts take a Python literal
    of the same type. A value that does not fit raises :class:`ParameterError` naming the parameter and the
    expected type.

    >>> coerce_parameter("study", "/tmp/etude.yaml", "")
    '/tmp/etude.yaml'
    >>> coerce_parameter("seuil", "3", 0.5)
    3.0
    """
    text = str(value).strip()

    def bad(expected: str):
        return ParameterError(f"paramètre « {name} » : valeur « {value} » invalide ; attendu : {expected}")

    for kind, typed in _TYPED:
        if isinstance(default, kind):
            return typed(text, default, bad)
    return str(value)


def _as_bool(text: str, default: bool, bad) -> bool:
    low = text.lower()
    if low in TRUE_WORDS:
        return True
    if low in FALSE_WORDS:
        return False
    raise bad(_EXPECTED["bool"])


def _as_int(text: str, default: int, bad) -> int:
    try:
        return int(text.replace("_", "").replace("\u202f", "").replace(" ", ""))
    except ValueError:
        raise bad(f"{_EXPECTED['int']} (ex. {default})") from None


def _as_float(text: str, default: float, bad) -> float:
    try:
        number = float(text.replace("\u202f", "").replace(" ", "").replace(",", "."))
    except ValueError:
        raise bad(_EXPECTED["float"]) from None
    if not math.isfinite(number):
        raise bad(_EXPECTED["float"] + ", fini")
    return number


def _as_literal(text: str, default: Any, bad) -> Any:
    try:
        parsed = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        parsed = None
    if not isinstance(parsed, type(default)):
        raise bad(f"un littéral Python de type {type(default).__name__} (ex. {default!r})")
    return parsed


#: How a text becomes each type of default, in order (``bool`` before ``int``: a bool is an int).
_TYPED = ((bool, _as_bool), (int, _as_int), (float, _as_float), ((list, tuple, dict, set), _as_literal))


def options_in_parameters(parameters: Iterable[Sequence[str]], *, lang: str | None = None
                          ) -> tuple[str | None, list[tuple[str, ...]]]:
    """The run's language, given by ``--lang`` or ``-p lang`` (:data:`OPTION_PARAMETERS`), and the other ``-p``.

    ``-p lang en`` is ``--lang en``; both given must agree. The language itself is checked by
    :func:`check_run_options`.

    >>> options_in_parameters([("lang", "en"), ("min_cell", "6")])
    ('en', [('min_cell', '6')])
    >>> options_in_parameters([("lang", "en")], lang="fr")
    Traceback (most recent call last):
    ...
    etude.errors.ParameterError: langue donnée deux fois : --lang fr et -p lang en ; n'en donner qu'une
    """
    rest = []
    for pair in parameters:
        pair = tuple(pair)
        if len(pair) == 2 and str(pair[0]) == "lang":
            given = str(pair[1]).strip()
            if lang is not None and given != lang:
                raise ParameterError(f"langue donnée deux fois : --lang {lang} et -p lang {given} ; n'en donner qu'une")
            lang = given
        else:
            rest.append(pair)
    return lang, rest


def type_parameters(parameters: Iterable[Sequence[str]], declared: dict[str, dict[str, dict[str, Any]]]
                    ) -> dict[str, dict[str, Any]]:
    """Type the ``(NAME, VALUE)`` pairs for each notebook that declares ``NAME``, within its declared bounds.

    Parameters
    ----------
    parameters : iterable of (str, str)
        From ``-p NAME VALUE`` (a later pair overrides an earlier one).
    declared : dict
        ``notebook name -> notebook_parameters(...)``.

    Returns
    -------
    dict ``notebook name -> {NAME: typed value}`` (only the notebooks that declare each name).

    Raises
    ------
    ParameterError
        For an engine parameter given with ``-p`` (use the option), a name no notebook declares (the message lists
        the declared ones), a value that does not fit the declared type, or one outside the declared bounds.

    >>> declared = {"01_a": {"min_n": {"default": 5}}, "02_b": {"label": {"default": "x"}}}
    >>> type_parameters([("min_n", "7")], declared)
    {'01_a': {'min_n': 7}, '02_b': {}}
    """
    given: dict[str, str] = {}
    for pair in parameters:
        if len(pair) != 2:
            raise ParameterError(f"paramètre mal formé : {pair!r} ; attendu : NOM VALEUR")
        given[str(pair[0])] = pair[1]
    typed: dict[str, dict[str, Any]] = {nb: {} for nb in declared}
    for name, value in given.items():
        if name in ENGINE_PARAMETERS:
            raise ParameterError(f"paramètre « {name} » : utiliser l'option {ENGINE_PARAMETERS[name]} plutôt que -p")
        owners = [nb for nb, params in declared.items() if name in params]
        if not owners:
            known = sorted({p for params in declared.values() for p in params} - set(ENGINE_PARAMETERS))
            raise ParameterError(f"paramètre « {name} » inconnu des notebooks choisis ; "
                                 f"paramètres possibles : {', '.join(known) or 'aucun'}")
        for nb in owners:
            spec = declared[nb][name]
            typed[nb][name] = check_bounds(name, coerce_parameter(name, value, spec["default"]), spec.get("bounds"))
    return typed


def parse_bounds(help_text: str = "", metadata_bounds: Any = None) -> tuple[float | None, float | None] | None:
    """A parameter's bounds ``(low, high)`` (``None`` for an open side), or ``None`` if it declares none.

    ``metadata_bounds`` (from the notebook's ``etude.bounds``) wins over a range ending the comment.

    >>> parse_bounds("créneaux par acheteur [1, 50]")
    (1, 50)
    >>> parse_bounds("poids [0, ]"), parse_bounds("", [None, 10]), parse_bounds("sans borne")
    ((0, None), (None, 10), None)
    """
    if isinstance(metadata_bounds, (list, tuple)) and len(metadata_bounds) == 2:
        low, high = (b if isinstance(b, (int, float)) and not isinstance(b, bool) else None for b in metadata_bounds)
        return (low, high)
    m = _BOUNDS_IN_HELP.search(help_text or "")
    if not m or m.group(1) is None and m.group(2) is None:
        return None
    return tuple(None if g is None else ast.literal_eval(g) for g in m.groups())  # type: ignore[return-value]


def check_bounds(name: str, value: Any, bounds: tuple[float | None, float | None] | None) -> Any:
    """``value`` if it lies within ``bounds`` (inclusive), else :class:`ParameterError` stating them.

    >>> check_bounds("slots", 4, (1, 50))
    4
    >>> check_bounds("slots", 100000000, (1, 50))
    Traceback (most recent call last):
    ...
    etude.errors.ParameterError: paramètre « slots » : valeur « 100000000 » hors bornes ; attendu : entre 1 et 50
    """
    if bounds is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    low, high = bounds
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            expected = f"entre {low} et {high}"
        else:
            expected = f"au moins {low}" if low is not None else f"au plus {high}"
        raise ParameterError(f"paramètre « {name} » : valeur « {value} » hors bornes ; attendu : {expected}")
    return value


def check_run_options(*, lang: str | None, jobs: Any, timeout: Any) -> tuple[str, int, float]:
    """``(lang, jobs, timeout)`` checked and defaulted: ``fr``, the number of cores, :data:`DEFAULT_TIMEOUT`.

    ``timeout`` is a number of seconds (``2.5`` or ``"2,5"``).

    >>> check_run_options(lang=None, jobs=2, timeout="2,5")
    ('fr', 2, 2.5)
    """
    import os

    lang = lang or "fr"
    if lang not in LANGS:
        raise ParameterError(f"langue « {lang} » inconnue ; langues possibles : {', '.join(LANGS)}")
    max_jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if isinstance(max_jobs, bool) or not isinstance(max_jobs, int) or max_jobs < 1:
        raise ParameterError(f"--jobs : {jobs!r} invalide ; attendu : un entier ≥ 1")
    if timeout is None:
        seconds = DEFAULT_TIMEOUT
    else:
        try:
            seconds = float(str(timeout).replace(",", "."))
        except ValueError:
            seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ParameterError(f"--timeout : {timeout!r} invalide ; attendu : un nombre de secondes > 0")
    return lang, max_jobs, seconds
