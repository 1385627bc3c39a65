"""Run inside a reused notebook kernel, between two notebooks: give the next one a fresh start.

The engine keeps one kernel per job slot warm (:mod:`etude.engine.slots`) and runs notebook after notebook on
it, so that the interpreter and the libraries are imported once per slot instead of once per notebook. Before
each notebook it calls :func:`fresh_start` (silently, outside the notebook's cells), which puts back what a new
kernel would have:

- an empty user namespace, ``In``/``Out`` emptied and the execution counter at 1 (``In [1]`` again);
- the notebook's folder as working directory and the engine's per-notebook environment variables;
- no open figure, matplotlib's ``rcParams`` and the warning filters as they were when the kernel started;
- the memory the last notebook freed given back to the system (:func:`return_memory`).

What a notebook changes in imported modules themselves (monkey-patching, ``sys.path``) is not undone: a notebook
that needs a pristine interpreter runs with ``etude reproduce --fresh-kernels``.

Examples
--------
>>> fresh_start(".", {})  # outside a kernel: only the working directory, environment, figures, rcParams
"""
from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Mapping, Sequence

__all__ = ["fresh_start", "remember_start", "preload", "return_memory"]

_START: dict = {}  # the kernel's state when it started (rcParams, warning filters); one per kernel process


def remember_start() -> None:
    """Record matplotlib's ``rcParams`` and the warning filters, once per kernel (the first call wins).

    The engine calls it when it opens a slot, right after importing ``matplotlib.pyplot`` with the kernel's
    inline backend: the state a new kernel has once a notebook imports pyplot.
    """
    if _START:
        return
    _START["filters"] = list(warnings.filters)
    if "matplotlib" in sys.modules:
        import matplotlib
        _START["rc"] = dict(matplotlib.rcParams)


def preload(modules: Sequence[str] = (), study: str | None = None, shared: Sequence[str] | None = None) -> None:
    """Import ``modules`` and parse ``study`` (``""``: the demo) ahead of the notebooks, while the engine still
    checks the study: the notebooks' first cells then find them imported and parsed (the survey layer hands out
    copies of what it parsed, :func:`etude.survey.load_study`). With ``shared`` (a folder and a tag), the parse
    the engine left there — Parquet and JSON, nothing that can execute, checked against the sha256 and the seal
    recorded when it was stored — is taken instead of parsing the files again
    (:func:`etude.survey.study.remember_shared`).
    Nothing fails here: a module that cannot be imported or a study that cannot be read fails in the notebook,
    where it is reported.

    >>> preload(["json", "no_such_module_etude"])
    """
    import importlib
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 — the notebook's own import reports it
            pass
    if study is not None:
        try:
            from etude import survey
            if shared is not None:
                survey.study.remember_shared(study or None, shared[0], tag=shared[1])
            survey.load_study(study or None)
        except Exception:  # noqa: BLE001 — the notebook's own load reports it
            pass


def fresh_start(cwd: str, env: Mapping[str, str]) -> None:
    """Reset the kernel for the next notebook: namespace, counter, working directory, environment, figures."""
    remember_start()
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:  # pragma: no cover — IPython is always there in a kernel
        shell = None
    if shell is not None:
        shell.reset(new_session=True)  # user namespace, In/Out, execution_count = 1
    os.chdir(cwd)
    os.environ.update(env)
    warnings.filters[:] = _START["filters"]
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib
        import matplotlib.pyplot as plt
        plt.close("all")
        if "rc" in _START:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                matplotlib.rcParams.update(_START["rc"])
    return_memory()


def return_memory() -> None:
    """Give the memory this process no longer uses back to the system, not only to its allocators: a warm kernel
    keeps what its last notebook freed otherwise (the 100,000-respondent meeting plan: 470 MB), and the engine
    what its pre-flight parse used. Garbage collection, glibc's ``malloc_trim``, Arrow's pool.

    >>> return_memory()
    """
    import ctypes
    import gc
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: its allocator keeps what it keeps
        pass
    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()
