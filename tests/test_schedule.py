"""Scheduling: dependency order, slots, and pages written while the next notebooks already run."""
from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass

import pytest

from etude.engine.progress import silent_progress
from etude.engine.schedule import run_jobs


@dataclass
class FakeJob:
    name: str
    n_cells: int = 1
    status: str = "pending"


def _run(jobs, deps, run_one, on_done, max_jobs=1):
    asyncio.run(run_jobs(jobs, deps, max_jobs=max_jobs, run_one=run_one, on_done=on_done,
                         progress=silent_progress()))


def test_the_next_notebook_starts_while_the_page_of_the_last_one_is_written():
    # on_done("a") waits until "b" has started: if on_done ran before the next start, it would time out
    b_started = threading.Event()
    seen = []

    async def run_one(job):
        if job.name == "b":
            b_started.set()
        job.status = "ok"

    def on_done(job):
        if job.name == "a":
            seen.append(("b started before the page of a was done", b_started.wait(timeout=20)))
        seen.append(job.name)

    _run([FakeJob("a", 3), FakeJob("b", 2)], {"a": [], "b": []}, run_one, on_done)
    assert seen == [("b started before the page of a was done", True), "a", "b"]


def test_every_page_is_written_when_run_jobs_returns_in_the_order_the_notebooks_ended():
    written = []

    async def run_one(job):
        await asyncio.sleep({"a": 0.05, "b": 0.0, "c": 0.0}[job.name])
        job.status = "ok"

    _run([FakeJob("a", 3), FakeJob("b", 2), FakeJob("c", 1)], {"a": [], "b": [], "c": ["b"]}, run_one,
         lambda job: written.append((job.name, threading.current_thread().name)), max_jobs=2)
    assert [name for name, _ in written] == ["b", "c", "a"]
    assert all(thread.startswith("etude-pages") for _, thread in written)


def test_an_error_while_writing_a_page_is_raised():
    async def run_one(job):
        job.status = "ok"

    def on_done(job):
        raise OSError("disque plein")

    with pytest.raises(OSError, match="disque plein"):
        _run([FakeJob("a")], {"a": []}, run_one, on_done)
