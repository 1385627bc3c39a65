"""Warm kernels, one per job slot: started once per run and reused, notebook after notebook.

Starting a kernel and importing pandas, scipy, statsmodels, matplotlib and the package costs seconds per
notebook; a run of ``jobs`` slots pays it ``jobs`` times instead, and early: the engine starts the kernels it will
need (none when the cache gives every notebook) before its pre-flight checks, and each imports what the run's
notebooks import and parses their study meanwhile (:func:`preload_code`, :func:`etude.engine.kernel_reset.preload`).
Before each notebook the slot's kernel is given a fresh start (:func:`etude.engine.kernel_reset.fresh_start`: empty
namespace, ``In [1]``, the notebook's folder, its environment, no figure, the starting ``rcParams``), so the
executed notebook is the one a new kernel gives.
A kernel whose notebook failed, timed out or died is shut down and the slot starts a new one for its next
notebook. ``etude reproduce --fresh-kernels`` starts one kernel per notebook instead.

Kernels are :func:`~etude.engine.kernel.pinned_kernel_manager_class` kernels (this interpreter), on Unix sockets
in a scratch folder named after the run (so that a killed run's scratch can be removed by the next one). What a
kernel prints outside cells is split per notebook into ``logs/NN_name.log``.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_core.utils import ensure_async

__all__ = ["Slot", "SlotPool", "open_slot", "close_slot", "prepare_slot", "START_CODE", "PRELOAD_PACKAGES",
           "preload_code", "study_code"]

#: Run once when a slot's kernel starts: import pyplot with the inline backend, then record the starting state.
#: The kernel-side module, reached without binding a name in the notebook's namespace.
_RESET = "__import__('etude.engine.kernel_reset').engine.kernel_reset"
START_CODE = f"import matplotlib.pyplot\n{_RESET}.remember_start()"
#: Packages whose modules a warm kernel may import before its notebooks (:func:`preload_code`): the study's own
#: and libraries known to do nothing at import but define things.
PRELOAD_PACKAGES = ("etude", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn")


def preload_code(modules: Sequence[str] = (), study: str | None = None, shared: Sequence[str] | None = None) -> str:
    """The start code of a warm kernel that imports ``modules`` (those of :data:`PRELOAD_PACKAGES`) and parses
    ``study`` (or takes the parse ``shared``: folder and tag) before recording its starting state
    (:func:`etude.engine.kernel_reset.preload`).

    >>> print(preload_code(["pandas", "os", "etude.analysis.stats"], ""))
    import matplotlib.pyplot
    __import__('etude.engine.kernel_reset').engine.kernel_reset.preload(['etude.analysis.stats', 'pandas'], '')
    __import__('etude.engine.kernel_reset').engine.kernel_reset.remember_start()
    """
    names = sorted({m for m in modules if m.split(".")[0] in PRELOAD_PACKAGES})
    if not names and study is None:
        return START_CODE
    first, last = START_CODE.split("\n")
    extra = f", {list(shared)!r}" if shared is not None and study is not None else ""
    return f"{first}\n{_RESET}.preload({names!r}, {study!r}{extra})\n{last}"


def study_code(study: str, shared: Sequence[str] | None = None) -> str:
    """What a warm kernel runs before its first notebook: take the parse of ``study`` the engine left in
    ``shared`` (folder and tag) once its pre-flight check is done, or parse the study
    (:func:`etude.engine.kernel_reset.preload`). Run then, not when the kernel starts: a kernel that parsed the
    study while the engine checked it would do the same work a third time on two cores.

    >>> study_code("etude.yaml", ["/tmp/s", "t"])
    "__import__('etude.engine.kernel_reset').engine.kernel_reset.preload([], 'etude.yaml', ['/tmp/s', 't'])"
    """
    extra = f", {list(shared)!r}" if shared is not None else ""
    return f"{_RESET}.preload([], {study!r}{extra})"


@dataclass
class Slot:
    """One warm kernel: its manager and client, its scratch folder and log, how many notebooks it ran."""

    km: Any
    kc: Any
    scratch: Path
    log: Any
    log_read: int = 0
    used: int = 0
    primed: bool = False  # ran its pool's ``first_code``


async def _run_silently(kc, code: str, *, timeout: float = 120) -> None:
    """Execute ``code`` on the kernel without output or history; RuntimeError if it fails."""
    msg_id = kc.execute(code, silent=True, store_history=False, allow_stdin=False)
    while True:
        reply = await ensure_async(kc.get_shell_msg(timeout=timeout))
        if reply.get("parent_header", {}).get("msg_id") == msg_id:
            break
    content = reply["content"]
    if content.get("status") != "ok":
        raise RuntimeError(f"préparation du noyau en échec : {content.get('ename')}: {content.get('evalue')}")


async def open_slot(km_class, *, prefix: str, cwd: str, start_code: str = START_CODE) -> Slot:
    """Start a kernel of ``km_class`` in ``cwd`` with a scratch folder named ``prefix…``; ready to run notebooks
    once it has run ``start_code`` (:data:`START_CODE`, or :func:`preload_code`)."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    log = open(scratch / "kernel.log", "wb")
    km = km_class(kernel_name="python3")
    if os.name == "posix":  # Unix sockets: no TCP ports to race for, no "unencrypted TCP" warning
        km.transport = "ipc"
        km.ip = str(scratch / "k")
    try:
        await ensure_async(km.start_kernel(cwd=cwd, env=dict(os.environ), stdout=log, stderr=log,
                              extra_arguments=["--HistoryManager.hist_file=:memory:"]))
        kc = km.client()
        kc.start_channels()
        await ensure_async(kc.wait_for_ready(timeout=120))
        kc.allow_stdin = False
        slot = Slot(km=km, kc=kc, scratch=scratch, log=log)
        await _run_silently(kc, start_code, timeout=600)
    except BaseException:
        await _shutdown(km, None)
        log.close()
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return slot


async def prepare_slot(slot: Slot, *, cwd: str, env: dict[str, str]) -> None:
    """Give the slot's kernel a fresh start for the next notebook (see :mod:`etude.engine.kernel_reset`)."""
    await _run_silently(slot.kc, f"{_RESET}.fresh_start({cwd!r}, {env!r})")
    slot.used += 1


def slot_log(slot: Slot) -> bytes:
    """What the kernel printed outside cells since the last call."""
    slot.log.flush()
    path = slot.scratch / "kernel.log"
    with open(path, "rb") as fh:
        fh.seek(slot.log_read)
        data = fh.read()
    slot.log_read += len(data)
    return data


async def _shutdown(km, kc) -> None:
    try:
        if kc is not None:
            kc.stop_channels()
        if await ensure_async(km.is_alive()):
            await ensure_async(km.shutdown_kernel(now=True))
    except Exception:  # noqa: BLE001 — a kernel that is already gone is what we want
        pass
    finally:
        try:
            await ensure_async(km.cleanup_resources())
        except Exception:  # noqa: BLE001
            pass


async def close_slot(slot: Slot) -> None:
    """Shut the slot's kernel down and remove its scratch folder."""
    await _shutdown(slot.km, slot.kc)
    slot.log.close()
    shutil.rmtree(slot.scratch, ignore_errors=True)


@dataclass
class SlotPool:
    """The idle warm kernels of a run. ``warm`` starts kernels ahead of the notebooks, ``take`` one (a warm one,
    one still starting, or a new one), ``give`` it back after a notebook that succeeded, ``drop`` it after one that
    did not; ``close`` at the end of the run. ``start_code`` is what each kernel runs when it starts. With ``left``,
    the number of notebooks still to take a kernel, a kernel no notebook will take is stopped as soon as that is
    known (it only holds memory: 440 MB for a kernel of the 100,000-respondent study), not at the end of the run.

    >>> import asyncio
    >>> from types import SimpleNamespace as Kernel
    >>> async def demo():
    ...     pool = SlotPool(km_class=None, prefix="x", left=2)
    ...     stopped = []
    ...     pool.stop = lambda slot: stopped.append(slot.name) or asyncio.sleep(0)
    ...     pool.give(Kernel(name="a")); pool.give(Kernel(name="b"))  # two idle kernels, two notebooks to come
    ...     first = await pool.take(".")
    ...     pool.give(first)                       # one notebook to come, two idle kernels: both kept
    ...     kept = len(pool.idle)
    ...     last = await pool.take(".")            # the last notebook has its kernel: the other one is stopped
    ...     pool.give(last)                        # and so is this one when it is given back
    ...     await pool.close()
    ...     return kept, stopped
    >>> asyncio.run(demo())
    (2, ['a', 'b'])
    """

    km_class: Any
    prefix: str
    idle: list[Slot] = field(default_factory=list)
    start_code: str = START_CODE
    starting: list[Any] = field(default_factory=list)  # asyncio tasks of kernels still starting
    first_code: str | None = None  # what a kernel runs before its first notebook (:func:`study_code`)
    left: int | None = None  # notebooks still to take a kernel (None: unknown, every kernel kept to the end)
    stopping: list[Any] = field(default_factory=list)  # asyncio tasks of kernels being stopped
    stop: Any = close_slot  # how a kernel is stopped (a test gives its own)

    def warm(self, n: int, cwd: str) -> None:
        """Start ``n`` kernels now (on the running loop), without waiting for them."""
        import asyncio
        self.starting += [asyncio.ensure_future(open_slot(self.km_class, prefix=self.prefix, cwd=cwd,
                                                          start_code=self.start_code)) for _ in range(n)]

    async def take(self, cwd: str) -> Slot:
        if self.idle:
            slot = self.idle.pop()
        elif self.starting:
            slot = await self.starting.pop(0)
        else:
            slot = await open_slot(self.km_class, prefix=self.prefix, cwd=cwd, start_code=self.start_code)
        if self.left is not None:
            self.left -= 1
            if self.left <= 0:  # the last notebook has its kernel: the idle ones will never be taken
                idle, self.idle = self.idle, []
                for other in idle:
                    self._stop_soon(other)
        if self.first_code and not slot.primed:
            await _run_silently(slot.kc, self.first_code, timeout=600)
        slot.primed = True
        return slot

    def give(self, slot: Slot) -> None:
        if self.left is not None and self.left <= 0:
            self._stop_soon(slot)
        else:
            self.idle.append(slot)

    def _stop_soon(self, slot: Slot) -> None:
        import asyncio
        self.stopping.append(asyncio.ensure_future(self.stop(slot)))

    async def drop(self, slot: Slot) -> None:
        await self.stop(slot)

    async def close(self) -> None:
        import asyncio
        starting, self.starting = self.starting, []
        for task in starting:  # a kernel still starting is stopped by open_slot itself
            task.cancel()
        for result in await asyncio.gather(*starting, return_exceptions=True):
            if isinstance(result, Slot):
                self.idle.append(result)
        slots, self.idle = self.idle, []
        stopping, self.stopping = self.stopping, []
        await asyncio.gather(*stopping, *(self.stop(s) for s in slots))  # the kernels stop together
