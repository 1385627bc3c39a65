"""Showing a run's progress: one live line on a terminal, plain log lines otherwise.

:func:`etude.engine.reproduce` prints nothing itself; it reports to a :class:`Progress` (the CLI gives one
writing to stderr). Jobs are any objects with ``name``, ``n_cells``, ``current``, ``status``, ``started``,
``ended`` and ``message`` (:class:`etude.engine.kernel.Job`).

Examples
--------
>>> import io
>>> out = io.StringIO()
>>> p = Progress(stream=out, tty=False)
>>> p.log("etude : 1 notebook(s)")
>>> out.getvalue()
'etude : 1 notebook(s)\\n'
"""
from __future__ import annotations

import io
import sys
import threading

__all__ = ["Progress", "format_seconds", "silent_progress"]


def format_seconds(s: float) -> str:
    """Seconds the French way, one decimal.

    >>> format_seconds(3)
    '3,0 s'
    """
    return f"{s:.1f} s".replace(".", ",")


class Progress:
    """Notebook and cell progress on ``stream`` (default stderr): a live line on a terminal, log lines otherwise.

    Attributes ``total`` (notebooks to run) and ``done`` (finished, skipped included) drive the ``[done/total]``
    counter; the engine sets and updates them.
    """

    def __init__(self, stream=None, tty: bool | None = None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.running: dict[str, object] = {}
        self.total = 0
        self.done = 0
        self._width = 0
        self._lock = threading.RLock()  # pages are written by another thread than the notebooks'

    def _clear(self):
        if self.tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self._width = 0

    def _live(self):
        if not self.tty or not self.running:
            return
        parts = [f"{j.name} cellule {j.current}/{j.n_cells}" for j in self.running.values()]
        line = (f"[{self.done}/{self.total}] " + " · ".join(parts))[:140]
        self._clear()
        self.stream.write(line)
        self._width = len(line)
        self.stream.flush()

    def log(self, line: str):
        """Print one line (above the live line on a terminal)."""
        with self._lock:
            self._clear()
            print(line, file=self.stream, flush=True)
            self._live()

    def start(self, job):
        """A notebook starts."""
        with self._lock:
            self.running[job.name] = job
            if self.tty:
                self._live()
            else:
                self.log(f"▶ {job.name} ({job.n_cells} cellules de code)")

    def cell(self, job):
        """A cell of ``job`` starts."""
        with self._lock:
            self._live()

    def finish(self, job):
        """A notebook ends (``job.status`` says how)."""
        with self._lock:
            self.running.pop(job.name, None)
            self.done += 1
            seconds = (job.ended - job.started).total_seconds() if job.started and job.ended else 0.0
            if job.status == "ok":
                self.log(f"✓ {job.name} ({format_seconds(seconds)})")
            else:
                self.log(f"✗ {job.message}")

    def reused(self, job):
        """A notebook's earlier execution is reused (cache hit, ``job.reused_from`` names the run)."""
        with self._lock:
            self.done += 1
            self.log(f"✓ {job.name} (inchangé : repris de {job.reused_from})")

    def close(self):
        """Clear the live line."""
        with self._lock:
            self._clear()
            self.stream.flush()


def silent_progress() -> Progress:
    """A :class:`Progress` that shows nothing (what a library call gets by default).

    >>> silent_progress().log("rien")
    """
    return Progress(stream=io.StringIO(), tty=False)
