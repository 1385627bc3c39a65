"""What a run is asked to do: the options of ``etude reproduce`` and ``etude run``, one frozen object.

The command line builds it from its flags (:mod:`etude.cli`), the Makefile calls the command line, tests and
``etude verify --rerun`` build it directly; :func:`etude.engine.reproduce` takes it whole.

Examples
--------
>>> options = RunOptions(notebooks=["02_freins"], jobs=1, move_latest=False)
>>> options.use_cache, options.jobs, options.lang is None
(True, 1, True)
>>> import dataclasses
>>> dataclasses.replace(options, use_cache=False).use_cache
False
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RunOptions"]


@dataclass(frozen=True)
class RunOptions:
    """The options of one run (all optional).

    Attributes
    ----------
    study : path, optional
        Study file (YAML); default: the demo study. Passed to every notebook that declares ``study``.
    out : path, optional
        Folder that receives the run folder, ``latest`` and the cache; default ``outputs/``.
    lang, jobs, timeout
        Language (``fr``), notebooks at the same time (cores), per-cell timeout in seconds (600).
    parameters : iterable of (NAME, VALUE)
        ``-p`` pairs, typed from each notebook's declared default and bounds.
    verbose : bool
        Report the full traceback of a failing cell.
    notebooks : sequence of names or paths, optional
        Run only these (``etude run``); default: every ``notebooks/NN_*.ipynb``.
    use_cache : bool
        Reuse unchanged notebooks' executions (``--no-cache``: False).
    move_latest : bool
        Point ``latest`` at the run if it succeeds (``etude run``: False).
    fresh_kernels : bool
        One new kernel per notebook (``--fresh-kernels``) instead of one warm kernel per job slot, reused with a
        fresh start before each notebook (:mod:`etude.engine.slots`).
    meeting : mapping
        The meeting the deck is shown at (``name``, ``date``, ``place``, ``presenter``, ``organisations``); each
        key given replaces the study file's ``meeting`` key on the title slide.
    odf : bool
        Also write ``slides.odp`` and ``tables/tables.ods`` with LibreOffice (``--odf``; a warning if absent).
    preflight, post_checks : iterables of callables, optional
        Default :data:`etude.engine.run.PREFLIGHT_CHECKS` and :data:`etude.engine.run.POST_RUN_CHECKS`.
    """

    study: str | os.PathLike | None = None
    out: str | os.PathLike | None = None
    lang: str | None = None
    jobs: int | None = None
    parameters: Iterable[Sequence[str]] = ()
    timeout: float | str | None = None
    verbose: bool = False
    notebooks: Sequence[str | os.PathLike] | None = None
    use_cache: bool = True
    move_latest: bool = True
    fresh_kernels: bool = False
    meeting: Mapping[str, Any] = field(default_factory=dict)
    odf: bool = False
    preflight: Iterable[Callable] | None = None
    post_checks: Iterable[Callable] | None = None
