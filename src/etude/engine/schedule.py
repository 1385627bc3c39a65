"""Scheduling a run's notebooks: dependency order, up to ``jobs`` at a time, skips, Ctrl-C.

Notebooks run on an asyncio event loop in a worker thread; the main thread only waits, so Ctrl-C reaches it as
KeyboardInterrupt: the running notebooks are then cancelled (their kernels shut down, their copies marked
interrupted) and nothing new starts. A notebook whose dependency failed or was skipped is skipped.

Examples
--------
>>> execution_order({"01_a": [], "02_b": ["03_c"], "03_c": []})
['01_a', '03_c', '02_b']
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from etude.engine.progress import Progress
from etude.errors import RunError

__all__ = ["execution_order", "run_jobs", "LoopThread"]


def execution_order(depends: dict[str, Sequence[str]]) -> list[str]:
    """Notebook names in an order where each comes after what it depends on (ties kept in the given order).

    Dependencies on names absent from ``depends`` are ignored (a notebook run alone with ``etude run``).
    A cycle raises :class:`RunError` naming the notebooks involved.
    """
    order: list[str] = []
    remaining = list(depends)
    while remaining:
        for name in remaining:
            if all(d in order or d not in depends for d in depends[name]):
                order.append(name)
                remaining.remove(name)
                break
        else:
            raise RunError("dépendances circulaires entre notebooks : " + ", ".join(remaining))
    return order


def _skip_dependents(pending: list[str], by_name: dict, deps: dict[str, list[str]], progress: Progress) -> None:
    """Mark skipped every pending notebook with a failed or skipped dependency (through chains of dependents)."""
    changed = True
    while changed:
        changed = False
        for name in list(pending):
            if any(by_name[d].status in ("failed", "skipped") for d in deps[name] if d in by_name):
                by_name[name].status = "skipped"
                by_name[name].message = f"{name} : non exécuté (dépend d'un notebook en échec)"
                pending.remove(name)
                progress.log(f"– {by_name[name].message}")
                progress.done += 1
                changed = True


async def run_jobs(jobs: list, deps: dict[str, list[str]], *, max_jobs: int,
                   run_one: Callable[[Any], Awaitable[None]], on_done: Callable[[Any], None],
                   progress: Progress) -> None:
    """Run ``run_one(job)`` for every job, dependencies first, at most ``max_jobs`` at a time.

    ``on_done(job)`` is called as soon as a job ends, in a worker thread (one at a time, in the order the jobs
    end), so that the next job starts without waiting for it; every call has returned when ``run_jobs`` returns,
    and the first exception one raised is raised then. Jobs have ``name`` and
    ``status`` (``pending``, ``running``, then ``ok``, ``failed`` or ``skipped``). Among the jobs ready to start,
    the longest go first (``n_cells``, the number of code cells, stands for the length when jobs have it): with
    several slots the run ends sooner than in study order.
    """
    by_name = {j.name: j for j in jobs}
    pending = [j.name for j in sorted(jobs, key=lambda j: -getattr(j, "n_cells", 0))]  # stable: study order
    running: dict[asyncio.Task, str] = {}
    loop = asyncio.get_running_loop()
    writer = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="etude-pages")
    done_calls: list[asyncio.Future] = []
    try:
        while pending or running:
            _skip_dependents(pending, by_name, deps, progress)
            for name in list(pending):
                if len(running) >= max_jobs:
                    break
                if all(by_name[d].status == "ok" for d in deps[name] if d in by_name):
                    pending.remove(name)
                    by_name[name].status = "running"
                    running[asyncio.create_task(run_one(by_name[name]))] = name
            if not running:
                break
            finished, _ = await asyncio.wait(list(running), return_when=asyncio.FIRST_COMPLETED)
            for task in finished:
                name = running.pop(task)
                task.result()
                done_calls.append(loop.run_in_executor(writer, on_done, by_name[name]))
        await asyncio.gather(*done_calls)
    finally:
        for task in running:
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)
        if done_calls:  # what ended is written, even when the run is interrupted
            await asyncio.shield(asyncio.gather(*done_calls, return_exceptions=True))
        writer.shutdown(wait=False)


class LoopThread:
    """An asyncio event loop running in a worker thread, started before it is given work.

    The engine starts it first, so that the kernels of a run start (:meth:`submit`, not waited for) while the main
    thread still checks the study; then :meth:`run` gives it the notebooks and waits, turning Ctrl-C into a
    cancellation. :meth:`stop` ends the loop (what was submitted and not waited for is cancelled first).

    >>> async def work(interrupt):
    ...     await asyncio.sleep(0)
    >>> from etude.engine.progress import silent_progress
    >>> loop = LoopThread()
    >>> loop.run(work, silent_progress())
    False
    >>> loop.stop()
    """

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.interrupt = threading.Event()
        # once interrupted, background tasks of dying kernel clients may complain: not the user's concern
        self.loop.set_exception_handler(
            lambda lp, ctx: None if self.interrupt.is_set() else lp.default_exception_handler(ctx))
        self._thread = threading.Thread(target=self._serve, name="etude-notebooks", daemon=True)
        self._thread.start()

    def _serve(self):
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coro: Awaitable[Any]) -> concurrent.futures.Future:
        """Start ``coro`` on the loop; its future."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, make_coro: Callable[[threading.Event], Awaitable[None]], progress: Progress) -> bool:
        """Run ``make_coro(interrupt)`` on the loop and wait; True if the user interrupted it (Ctrl-C)."""
        started, ended = threading.Event(), threading.Event()  # ended: finished, cancellation included

        async def work():
            started.set()
            try:
                await make_coro(self.interrupt)
            finally:
                ended.set()
        future = self.submit(work())
        interrupted = False
        try:
            while True:
                try:
                    future.result(timeout=0.2)
                    break
                except concurrent.futures.TimeoutError:
                    continue
        except KeyboardInterrupt:
            interrupted = True
            self.interrupt.set()
            progress.log("interruption : arrêt des notebooks en cours…")
            future.cancel()
            if started.is_set():
                ended.wait(60)  # the running notebooks are marked interrupted, their kernels shut down
        except concurrent.futures.CancelledError:
            if not self.interrupt.is_set():
                raise
        finally:
            progress.close()
        return interrupted

    def stop(self, timeout: float = 60) -> None:
        """Cancel what still runs on the loop, let it finish (kernels shut down), stop the loop and its thread."""
        if not self._thread.is_alive():
            return

        async def _cancel_all():
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        try:
            self.submit(_cancel_all()).result(timeout=timeout)
        except (concurrent.futures.TimeoutError, RuntimeError):  # pragma: no cover — a loop that will not stop
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout)
        if not self._thread.is_alive():
            self.loop.close()

