"""The study context: what a notebook works on, built once from its parameters and passed along.

A notebook's parameters (study file, language, statistical-disclosure threshold, risk, interval method, wave) are
read once into one small frozen :class:`Context`; the notebook passes it (or its fields) instead of threading
``lang``, ``codebook`` and ``min_cell`` separately through every call. The context holds the study file as the
engine and the survey layer read it (:func:`etude.survey.read_study`: every path resolved, the study's codebook);
:meth:`Context.load` gives the respondent tables, parsed once per process and handed out as copies.

``min_cell`` has one channel: the context. :meth:`Context.load` passes it to :func:`etude.survey.load_study` (rare
open answers are grouped under it), and the analyses take the context itself (``ctx=``) for every setting of the
study — threshold, protected populations, risk, interval method, test and adjustment, codebook — instead of one
keyword each; an analysis's result records the threshold it applied in its ``attrs["min_cell"]`` (what was done,
read by the publishing layer — not a second input). The respondent tables themselves carry no threshold.

Which populations' small groups are withheld is the study's choice too (:attr:`Context.protect`): both by default;
a study file with ``publish_small_groups: true`` publishes public buyers' small groups
(:func:`protected_populations`), and every table that shows one then says so. ``Context()`` alone is the default
settings (the demo study, the package's codebook), what an analysis uses when given no context.

Examples
--------
>>> ctx = context(lang="en", min_cell=3)
>>> ctx.lang, ctx.min_cell, ctx.alpha, ctx.study.name, ctx.protect
('en', 3, 0.05, 'etude.yaml', ('buyers', 'companies'))
>>> ctx.replace(alpha=0.1).alpha, Context().min_cell
(0.1, 5)
>>> ctx.load()["buyers"].query("wave == 2017").shape[0]
27
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from etude.errors import ParameterError, check_min_cell
from etude.survey.study import load_study, read_study

__all__ = ["Context", "context", "LANGUAGES", "PROTECTED", "OPT_IN", "protected_populations", "DEFAULT", "min_cell_of"]

#: The languages a reader can be given (one catalogue of words each, ``etude.words``).
LANGUAGES = ("fr", "en")
#: Populations protected by default: both. Public buyers are institutions, but their respondents are people
#: inside them; a study may publish buyers' small groups on purpose (``publish_small_groups: true`` in its study
#: file, :func:`protected_populations`), and then every table says it was the study's choice. What protection does
#: is :mod:`etude.safety.disclosure`'s (which re-exports these names); which populations get it is the study's.
PROTECTED = ("buyers", "companies")
#: Populations whose small groups a study may choose to publish (``publish_small_groups: true``).
OPT_IN = ("buyers",)


def protected_populations(publish_small_groups: bool = False) -> tuple[str, ...]:
    """The populations whose small groups are suppressed: both by default; without the opt-in populations
    (:data:`OPT_IN`) when the study file says ``publish_small_groups: true``.

    >>> protected_populations(), protected_populations(True)
    (('buyers', 'companies'), ('companies',))
    """
    return tuple(p for p in PROTECTED if not (publish_small_groups and p in OPT_IN))


@dataclass(frozen=True)
class Context:
    """One notebook's study and parameters, read once (build it with :func:`context`).

    Attributes
    ----------
    study : Path or None
        The study file, resolved (the demo study when the notebook's ``study`` parameter is empty); ``None``: the
        demo study, unread (the default settings).
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
    protect : tuple of str or None
        The populations whose small groups are withheld (:func:`protected_populations` of the study file's
        ``publish_small_groups``); ``None`` protects every row, whatever its population.
    test : str
        Test of two shares (``"fisher"`` or ``"chi2"``, :func:`etude.analysis.compare.two_proportions`).
    padjust : str
        Adjustment of p-values over a family of comparisons (:data:`etude.analysis.compare.PADJUST`).
    spec : Mapping
        The study file as :func:`etude.survey.read_study` reads it (read-only).
    """

    study: Path | None = None
    codebook: Path | None = None
    lang: str = "fr"
    min_cell: int = 5
    alpha: float = 0.05
    ci_method: str = "wilson"
    wave: int = 0
    protect: tuple[str, ...] | None = PROTECTED
    test: str = "fisher"
    padjust: str = "bonferroni"
    spec: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        """Refuse a threshold no analysis can apply (the check every analysis taking ``ctx=`` relies on)."""
        check_min_cell(self.min_cell)

    def protects(self, population: str) -> bool:
        """Whether the small-group rule protects ``population`` in this study (every population when
        :attr:`protect` is ``None``).

        >>> Context().protects("buyers"), Context(protect=("companies",)).protects("buyers")
        (True, False)
        """
        return self.protect is None or population in self.protect

    @property
    def opted_in(self) -> bool:
        """Whether the study chose to publish some population's small groups (a table then says so)."""
        return self.protect is not None and any(p not in self.protect for p in PROTECTED)

    def replace(self, **changes: Any) -> Context:
        """A copy with some settings changed (:func:`dataclasses.replace`), e.g. another risk for one table."""
        return dataclasses.replace(self, **changes)

    def load(self) -> dict[str, pd.DataFrame]:
        """The study's respondent tables (:func:`etude.survey.load_study`), rare open answers grouped under
        :attr:`min_cell`, with the study's codebook; a fresh copy at each call."""
        return load_study(self.study, codebook=self.codebook, min_cell=self.min_cell)


def context(study: str | Path | None = None, *, lang: str = "fr", min_cell: int = 5, alpha: float = 0.05,
            ci_method: str = "wilson", wave: int | None = 0, test: str = "fisher",
            padjust: str = "bonferroni") -> Context:
    """Read a notebook's study and parameters into one :class:`Context`.

    Parameters
    ----------
    study : str or Path, optional
        The study file (or a folder holding ``etude.yaml``); ``None`` or ``""``: the demo study.
    lang, min_cell, alpha, ci_method, wave, test, padjust
        The notebook's parameters of the same names (see :class:`Context`); :attr:`Context.protect` comes from the
        study file (``publish_small_groups``).

    Raises
    ------
    InputError
        When the study file has problems (every one listed, :func:`etude.survey.read_study`).
    ValueError
        For a language without catalogue, a threshold below 1 or a risk outside ]0, 1[.

    >>> context(min_cell=0)
    Traceback (most recent call last):
    ...
    etude.errors.ParameterError: « min_cell » doit être un entier au moins égal à 1, pas « 0 »
    """
    if lang not in LANGUAGES:
        raise ValueError(f"langue inconnue : {lang!r} (attendu : {', '.join(LANGUAGES)})")
    if int(min_cell) != min_cell or min_cell < 1:
        raise ParameterError(f"« min_cell » doit être un entier au moins égal à 1, pas « {min_cell} »")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha doit être entre 0 et 1 : {alpha}")
    spec = read_study(study or None)
    return Context(study=spec["path"], codebook=spec["codebook"], lang=lang, min_cell=int(min_cell),
                   alpha=float(alpha), ci_method=ci_method, wave=int(wave or 0),
                   protect=protected_populations(spec["publish_small_groups"]), test=test, padjust=padjust,
                   spec=MappingProxyType(spec))


#: The default settings, for an analysis called without a context (frozen: shared safely).
DEFAULT = Context()


def min_cell_of(table: pd.DataFrame) -> int:
    """The threshold an analysis applied to ``table`` (its ``attrs["min_cell"]``), what the publishing layer names in
    « < 5 » and its sentences; the default threshold for a table no analysis made (built by hand).

    >>> t = pd.DataFrame({"count": [3]})
    >>> min_cell_of(t)
    5
    >>> t.attrs["min_cell"] = 10
    >>> min_cell_of(t)
    10
    """
    return int(table.attrs.get("min_cell", DEFAULT.min_cell))
