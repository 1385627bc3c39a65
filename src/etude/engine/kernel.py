"""Executing one notebook: the job it is, its parameters injected, a kernel pinned to this interpreter, failures.

Every notebook runs with nbclient on a kernel started as ``sys.executable -m ipykernel_launcher`` — never on
a kernelspec found on the machine — in the notebook's folder, with its sockets and log in a scratch folder
outside the run folder (named after the run, so a killed run's scratch can be found and removed). What the
kernel prints outside cells lands in ``logs/NN_name.log``; the files the notebook writes through
:mod:`etude.publish.outputs` are listed in an output log (``$ETUDE_OUTPUT_LOG``), which the cache reads.
"""
from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import os
import platform
import re
import shutil
import sys
import tempfile
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etude import paths
from etude.engine.progress import Progress, format_seconds
from etude.files import OUTPUT_LOG_ENV, atomic_write

__all__ = ["Job", "pinned_kernel_manager_class", "prepare_notebook", "ensure_prepared", "reinjected", "execute",
           "error_banner", "now", "scratch_prefix", "SCRATCH_PREFIX"]

#: Kernel scratch folders are ``<tmp>/etude-k-<run id>-…``.
SCRATCH_PREFIX = "etude-k-"


def now() -> dt.datetime:
    """The current local time, with its zone."""
    return dt.datetime.now().astimezone()


def scratch_prefix(run_id: str) -> str:
    """Name prefix of the kernel scratch folders of run ``run_id`` (in the system's temporary folder).

    >>> scratch_prefix("20260301-093000-abcdef")
    'etude-k-20260301-093000-abcdef-'
    """
    return f"{SCRATCH_PREFIX}{run_id}-"


@dataclass
class Job:
    """One notebook of a run: its source, the notebook being executed, its parameters and what happened."""

    name: str
    source: Path
    nb: Any
    params: dict[str, Any]
    n_cells: int
    status: str = "pending"
    started: dt.datetime | None = None
    ended: dt.datetime | None = None
    current: int = 0
    cell_index: int | None = None
    error: dict[str, Any] | None = None
    message: str = ""
    traceback: str = ""
    written: list[str] = field(default_factory=list)
    cache: str = "miss"
    reused_from: str | None = None
    key: str | None = None
    key_parts: dict[str, Any] = field(default_factory=dict)
    prepared: bool = True  # False: ``nb`` is the notebook as read (in the run's language), parameters not injected yet
    slide_nb: Any = None  # its copy with the slide-size charts, once made (engine.assemble.prepare_assembly)


def pinned_kernel_manager_class():
    """An AsyncKernelManager whose kernel is always ``sys.executable -m ipykernel_launcher``.

    Kernelspecs (``python3`` in the user's or a conda env's Jupyter data dirs) are never consulted, so the
    notebooks run on the project's interpreter whatever the machine's Jupyter set-up.
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class PinnedKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self):  # noqa: D401 — overrides the kernelspec lookup
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=[sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
                          "-f", "{connection_file}"],
                    display_name=f"Python {platform.python_version()} (etude)", language="python",
                    env={"PYDEVD_DISABLE_FILE_VALIDATION": "1",
                         # charts inline in the executed notebook (hence the report), whatever MPLBACKEND says
                         "MPLBACKEND": "module://matplotlib_inline.backend_inline"},
                    resource_dir=str(paths.PACKAGE_DIR))
            return self._kernel_spec

    return PinnedKernelManager


def prepare_notebook(nb, params: dict[str, Any]):
    """The notebook ``nb`` (as read, in the run's language) with ``params`` injected (papermill) and every output
    cleared, ready to run."""
    import nbformat
    from papermill.parameterize import parameterize_notebook
    nb.metadata.setdefault("papermill", nbformat.NotebookNode())
    if params:
        nb = parameterize_notebook(nb, params, kernel_name="python3", language="python")
    nb.metadata["papermill"]["parameters"] = params
    for cell in nb.cells:  # a committed notebook carries no outputs; never trust that blindly
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def ensure_prepared(job: Job) -> None:
    """Inject ``job``'s parameters into its notebook (:func:`prepare_notebook`) unless done already."""
    if not job.prepared:
        job.nb, job.prepared = prepare_notebook(job.nb, job.params), True


def _python_str(value: str) -> str:
    """``value`` as papermill's Python translator writes a string (``translate_escaped_str``)."""
    return '"' + value.encode("unicode_escape").decode("utf-8").replace('"', r'\"') + '"'


def reinjected(source: str, old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """The injected-parameters cell ``source`` (papermill's, for parameters ``old``) rewritten for ``new``, when
    they differ only in ``output_dir`` (a reused notebook: same parameters, a new run folder); else ``None``.

    The one ``output_dir = "…"`` line is written as papermill writes it (tests compare the two), so a reused
    notebook reads as if it had run in this folder, without importing papermill.

    >>> reinjected('# Parameters\\nlang = "fr"\\noutput_dir = "/r/1"\\n', {"lang": "fr", "output_dir": "/r/1"},
    ...            {"lang": "fr", "output_dir": "/r/2"})
    '# Parameters\\nlang = "fr"\\noutput_dir = "/r/2"\\n'
    >>> reinjected("x", {"lang": "fr"}, {"lang": "en"}) is None
    True
    """
    if set(old) != set(new) or any(old[k] != new[k] or type(old[k]) is not type(new[k])
                                   for k in old if k != "output_dir"):
        return None
    if old.get("output_dir") == new.get("output_dir"):
        return source
    if not isinstance(old["output_dir"], str) or not isinstance(new["output_dir"], str):
        return None
    line = f"output_dir = {_python_str(old['output_dir'])}\n"
    if source.count(line) != 1:
        return None
    return source.replace(line, f"output_dir = {_python_str(new['output_dir'])}\n")


def _as_text(value: str) -> str:
    """``value`` as literal text inside markdown: HTML-escaped, and every markdown mark written as an entity."""
    return re.sub(r"[`*_\[\]\\<>&|~#!(){}$]", lambda m: f"&#{ord(m.group(0))};", str(value))


def error_banner(job: Job):
    """The markdown cell put first in a failed notebook: cell number and error, as plain text.

    The error text comes from the notebook (hence possibly from the data): it is written as text, never as
    markdown or HTML, so a backtick or a tag in it cannot break out of the banner.
    """
    import nbformat
    what = _as_text(f"{job.error['ename']}: {job.error['evalue']}")
    text = (f"**Échec de l'exécution** (etude) — cellule {job.error['cell']} : "
            f"<code>{what}</code>. La cellule en cause et sa trace sont plus bas.")
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["tags"] = ["etude-error"]
    return cell


def _user_cell_number(nb, cell_index: int) -> int:
    """1-based position of an executed cell in the notebook as written (the injected cell does not count)."""
    injected = next((i for i, c in enumerate(nb.cells) if "injected-parameters" in c.metadata.get("tags", [])),
                    None)
    return cell_index if injected is not None and cell_index > injected else cell_index + 1


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def _cell_traceback(job: Job) -> str:
    if job.cell_index is None:
        return ""
    for out in job.nb.cells[job.cell_index].get("outputs", []):
        if out.get("output_type") == "error":
            return _strip_ansi("\n".join(out.get("traceback", [])))
    return ""


def _fail(job: Job, ename: str, evalue: str, *, tb: str = "", kind: str) -> None:
    import nbformat
    job.status = "failed"
    cell_no = _user_cell_number(job.nb, job.cell_index) if job.cell_index is not None else None
    execution_count = None
    if job.cell_index is not None:
        cell = job.nb.cells[job.cell_index]
        execution_count = cell.get("execution_count")
        if kind in ("timeout", "dead_kernel", "interrupted") and not any(
                o.get("output_type") == "error" for o in cell.get("outputs", [])):
            cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                                       traceback=[f"{ename}: {evalue}"]))
    evalue = " ".join(str(evalue).split())
    job.error = {"kind": kind, "cell": cell_no, "execution_count": execution_count, "ename": ename,
                 "evalue": evalue}
    where = f"cellule {cell_no}" if cell_no is not None else "avant la première cellule"
    if execution_count:
        where += f" (In [{execution_count}])"
    short = evalue if len(evalue) <= 160 else evalue[:159] + "…"
    job.message = f"{job.name}, {where} : {ename}: {short}"
    job.traceback = tb


def _client(job: Job, *, timeout: float, km_class, progress: Progress, scratch: Path, km=None):
    from nbclient import NotebookClient

    def on_execute(cell, cell_index, **_):
        job.current += 1
        job.cell_index = cell_index
        progress.cell(job)

    # iopub_timeout: on a busy machine, late outputs of a finished cell are waited for, not dropped;
    # timeout_func: nbclient's own timeout is an integer, ours is any number of seconds
    client = NotebookClient(job.nb, km=km, timeout=None, timeout_func=lambda cell: timeout, iopub_timeout=60,
                            kernel_manager_class=km_class, kernel_name="python3",
                            shutdown_kernel="immediate", on_cell_execute=on_execute,
                            resources={"metadata": {"path": str(job.source.parent)}})
    if km is None and os.name == "posix":  # Unix sockets: no TCP ports to race for, no "unencrypted TCP" warning
        client.km = client.create_kernel_manager()
        client.km.transport = "ipc"
        client.km.ip = str(scratch / "k")  # absolute: the kernel runs in another cwd
    return client


async def _run_client(client, job: Job, *, timeout: float, launch: dict, log) -> None:
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    try:
        await client.async_execute(**({"stdout": log, "stderr": log} if log is not None else {}), **launch)
        job.status = "ok"
    except CellExecutionError as exc:
        _fail(job, getattr(exc, "ename", "Erreur"), getattr(exc, "evalue", str(exc)),
              tb=_cell_traceback(job), kind="error")
    except CellTimeoutError:
        _fail(job, "CellTimeoutError", f"délai dépassé ({format_seconds(timeout)} par cellule, voir --timeout)",
              kind="timeout")
    except DeadKernelError:
        _fail(job, "DeadKernelError", "le noyau Python s'est arrêté (plantage, os._exit ou mémoire insuffisante)",
              kind="dead_kernel")
    except (asyncio.CancelledError, KeyboardInterrupt):
        _fail(job, "KeyboardInterrupt", "exécution interrompue", kind="interrupted")
        raise
    except Exception as exc:  # kernel failed to start, etc.
        _fail(job, exc.__class__.__name__, str(exc) or repr(exc), tb=traceback.format_exc(), kind="engine")


async def execute(job: Job, *, timeout: float, run_dir: Path, progress: Progress, km_class,
                  interrupt: threading.Event, pool=None) -> None:
    """Execute ``job.nb`` in place; set ``job``'s status, times, error and the files it wrote.

    With ``pool`` (a :class:`~etude.engine.slots.SlotPool`), the notebook runs on a warm kernel of the pool,
    given a fresh start first; otherwise on a kernel started for it alone.
    """
    ensure_prepared(job)
    if pool is not None:
        await _execute_on_slot(job, timeout=timeout, run_dir=run_dir, progress=progress, pool=pool,
                               interrupt=interrupt)
        return
    scratch = Path(tempfile.mkdtemp(prefix=scratch_prefix(run_dir.name)))  # sockets and logs, outside the run
    client = _client(job, timeout=timeout, km_class=km_class, progress=progress, scratch=scratch)
    job.started = now()
    progress.start(job)
    written = scratch / "written.txt"
    launch = {"cwd": str(job.source.parent), "env": {**os.environ, OUTPUT_LOG_ENV: str(written)}}
    with open(scratch / "kernel.log", "wb") as log:
        try:
            await _run_client(client, job, timeout=timeout, launch=launch, log=log)
        finally:
            job.ended = now()
            log.close()
            _conclude_job(job, run_dir, interrupt, (scratch / "kernel.log").read_bytes(), written)
            shutil.rmtree(scratch, ignore_errors=True)
            atexit.unregister(client._cleanup_kernel)  # left registered when the kernel failed to start
            progress.finish(job)


async def _execute_on_slot(job: Job, *, timeout: float, run_dir: Path, progress: Progress, pool,
                           interrupt: threading.Event) -> None:
    from etude.engine.slots import prepare_slot, slot_log
    job.started = now()
    progress.start(job)
    slot, written = None, None
    try:
        slot = await pool.take(str(job.source.parent))
        written = slot.scratch / f"written-{job.name}.txt"
        await prepare_slot(slot, cwd=str(job.source.parent), env={OUTPUT_LOG_ENV: str(written)})
        client = _client(job, timeout=timeout, km_class=pool.km_class, progress=progress, scratch=slot.scratch,
                         km=slot.km)
        client.kc = slot.kc
        await _run_client(client, job, timeout=timeout, launch={}, log=None)
    except (asyncio.CancelledError, KeyboardInterrupt):
        if job.status != "failed":
            _fail(job, "KeyboardInterrupt", "exécution interrompue", kind="interrupted")
        raise
    except Exception as exc:  # the warm kernel failed to start or to reset
        _fail(job, exc.__class__.__name__, str(exc) or repr(exc), tb=traceback.format_exc(), kind="engine")
    finally:
        job.ended = now()
        printed = slot_log(slot) if slot is not None else b""
        _conclude_job(job, run_dir, interrupt, printed, written)
        if slot is not None:
            if job.status == "ok" and not interrupt.is_set():
                pool.give(slot)
            else:  # a kernel that failed, timed out or was interrupted is not reused
                await asyncio.shield(pool.drop(slot))
        progress.finish(job)


def _conclude_job(job: Job, run_dir: Path, interrupt: threading.Event, printed: bytes, written: Path | None
                  ) -> None:
    """After a notebook: Ctrl-C noted, the failure banner, the kernel's own output logged, files written read."""
    if interrupt.is_set() and job.status != "ok":  # Ctrl-C, not the notebook's fault
        job.error = None
        _fail(job, "KeyboardInterrupt", "exécution interrompue (Ctrl-C)", kind="interrupted")
    if job.status == "failed":
        job.nb.cells.insert(0, error_banner(job))
    if printed:  # what the kernel printed outside cells, if anything
        atomic_write(run_dir / "logs" / f"{job.name}.log", lambda tmp: Path(tmp).write_bytes(printed))
    if written is not None and written.is_file():
        job.written = sorted(set(written.read_text(encoding="utf-8").splitlines()))
