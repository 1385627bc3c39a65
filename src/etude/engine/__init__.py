"""The reproduction engine behind ``etude reproduce``, ``etude run`` and ``etude verify``, in papermill's shape.

It discovers the study notebooks (``notebooks/NN_name.ipynb``, in ``NN`` order), types the ``-p NAME VALUE``
parameters from each notebook's declared defaults, injects them with papermill, executes the notebooks in this
process with nbclient — independent ones concurrently, up to ``jobs`` at a time, always on the interpreter that runs
``etude`` — reuses unchanged notebooks from a content-addressed cache, and assembles a run folder::

    outputs/<YYYYmmdd-HHMMSS>-<id>/
        notebooks/NN_name.ipynb, NN_name.html   executed notebooks and their pages (code included)
        report.html, slides.html                the study report (no code) and reveal.js slides, offline
        figures/, tables/ (+ tables.xlsx)       written by the notebooks through etude.publish.outputs
        logs/NN_name.log                        what each kernel printed outside cells
        manifest.json                           parameters, inputs, versions, times, statuses, every file's sha256

``outputs/latest`` then points at the run if every notebook succeeded (a failed run leaves it, and earlier runs,
alone). Files are written under a temporary name and renamed, so a file is complete or absent.

Modules: :mod:`~etude.engine.notebooks` (discovery, declared parameters), :mod:`~etude.engine.parameters`
(typing, bounds, options), :mod:`~etude.engine.kernel` (pinned kernel, one notebook's execution),
:mod:`~etude.engine.schedule` (order, concurrency, Ctrl-C), :mod:`~etude.engine.progress`,
:mod:`~etude.engine.rundir` (run folders, ``latest``, stale runs), :mod:`~etude.engine.manifest`,
:mod:`~etude.engine.cache`, :mod:`~etude.publish.assemble` (pages, workbook, report, slides),
:mod:`~etude.engine.verify` and :mod:`~etude.engine.run` (``reproduce``).

Examples
--------
>>> from etude import engine
>>> engine.coerce_parameter("min_cell", "6", 5)
6
"""
from etude.engine.notebooks import (
           discover_notebooks,
           format_notebook_list,
           list_notebooks,
           notebook_parameters,
           select_notebooks,
)
from etude.engine.options import RunOptions
from etude.engine.parameters import (
           DEFAULT_TIMEOUT,
           ENGINE_PARAMETERS,
           FALSE_WORDS,
           LANGS,
           TRUE_WORDS,
           coerce_parameter,
           type_parameters,
)
from etude.engine.progress import Progress
from etude.engine.run import POST_RUN_CHECKS, PREFLIGHT_CHECKS, RunResult, reproduce
from etude.engine.rundir import new_run_dir, update_latest
from etude.engine.schedule import execution_order
from etude.engine.verify import rerun_and_compare, verify_run
from etude.publish import write_workbook

__all__ = ["RunResult", "RunOptions", "Progress", "reproduce", "verify_run", "rerun_and_compare", "discover_notebooks",
           "select_notebooks", "notebook_parameters", "list_notebooks", "format_notebook_list", "coerce_parameter",
           "type_parameters", "execution_order", "new_run_dir", "update_latest", "write_workbook",
           "PREFLIGHT_CHECKS", "POST_RUN_CHECKS", "DEFAULT_TIMEOUT", "ENGINE_PARAMETERS", "LANGS", "TRUE_WORDS",
           "FALSE_WORDS"]
