"""The study context: what a notebook works on, built once from its parameters and passed along.

A notebook's parameters (study file, language, statistical-disclosure threshold, risk, interval method, wave) are
read once into one small frozen :class:`Context`; the notebook passes it (or its fields) instead of threading
``lang``, ``codebook`` and ``min_cell`` separately through every call. The context holds the study file as the
engine and the survey layer read it (:func:`etude.survey.read_study`: every path resolved, the study's codebook);
:meth:`Context.load` gives the respondent tables, parsed once per process and handed out as copies.

``min_cell`` has one channel: the context. :meth:`Context.load` passes it to :func:`etude.survey.load_study` (rare
open answers are grouped under it), :attr:`Context.options` to the analyses; an analysis's result records the
threshold it applied in its ``attrs["min_cell"]`` (what was done, read by the publishing layer — not a second
input). The respondent tables themselves carry no threshold.

Examples
--------
>>> ctx = context(lang="en", min_cell=3)
>>> ctx.lang, ctx.min_cell, ctx.alpha, ctx.study.name
('en', 3, 0.05, 'etude.yaml')
>>> ctx.options
{'alpha': 0.05, 'ci_method': 'wilson', 'min_cell': 3}
>>> ctx.load()["buyers"].query("wave == 2017").shape[0]
27
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from etude.survey.study import load_study, read_study

__all__ = ["Context", "context", "LANGUAGES"]

#: The languages a reader can be given (one catalogue of words each, ``etude.words``).
LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Context:
    """One notebook's study and parameters, read once (build it with :func:`context`).

    Attributes
    ----------
    study : Path
        The study file, resolved (the demo study when the notebook's ``study`` parameter is empty).
    codebook : Path or None
        The study's codebook (``codebook:`` of the study file); ``None``: the package's.
    lang : str
        The reader's language, ``"fr"`` or ``"en"``.
    min_cell : int
        The statistical-disclosure threshold: rare open answers are grouped under it at load, and the analyses
        withhold smaller groups.
    alpha : float
        1 − confidence level of the intervals, risk of the tests.
    ci_method : str
        Method of the intervals (statsmodels' names).
    wave : int
        The wave the notebook details; ``0`` (:data:`etude.survey.wavesel.LATEST`): the latest.
    spec : Mapping
        The study file as :func:`etude.survey.read_study` reads it (read-only).
    """

    study: Path
    codebook: Path | None = None
    lang: str = "fr"
    min_cell: int = 5
    alpha: float = 0.05
    ci_method: str = "wilson"
    wave: int = 0
    spec: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def options(self) -> dict[str, Any]:
        """The keyword arguments every interval and threshold of an analysis takes: ``alpha``, ``ci_method``,
        ``min_cell``."""
        return {"alpha": self.alpha, "ci_method": self.ci_method, "min_cell": self.min_cell}

    def load(self) -> dict[str, pd.DataFrame]:
        """The study's respondent tables (:func:`etude.survey.load_study`), rare open answers grouped under
        :attr:`min_cell`, with the study's codebook; a fresh copy at each call."""
        return load_study(self.study, codebook=self.codebook, min_cell=self.min_cell)


def context(study: str | Path | None = None, *, lang: str = "fr", min_cell: int = 5, alpha: float = 0.05,
            ci_method: str = "wilson", wave: int | None = 0) -> Context:
    """Read a notebook's study and parameters into one :class:`Context`.

    Parameters
    ----------
    study : str or Path, optional
        The study file (or a folder holding ``etude.yaml``); ``None`` or ``""``: the demo study.
    lang, min_cell, alpha, ci_method, wave
        The notebook's parameters of the same names (see :class:`Context`).

    Raises
    ------
    InputError
        When the study file has problems (every one listed, :func:`etude.survey.read_study`).
    ValueError
        For a language without catalogue, a threshold below 1 or a risk outside ]0, 1[.

    >>> context(min_cell=0)
    Traceback (most recent call last):
    ...
    ValueError: min_cell doit être un entier ≥ 1 : 0
    """
    if lang not in LANGUAGES:
        raise ValueError(f"langue inconnue : {lang!r} (attendu : {', '.join(LANGUAGES)})")
    if int(min_cell) != min_cell or min_cell < 1:
        raise ValueError(f"min_cell doit être un entier ≥ 1 : {min_cell}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha doit être entre 0 et 1 : {alpha}")
    spec = read_study(study or None)
    return Context(study=spec["path"], codebook=spec["codebook"], lang=lang, min_cell=int(min_cell),
                   alpha=float(alpha), ci_method=ci_method, wave=int(wave or 0), spec=MappingProxyType(spec))
