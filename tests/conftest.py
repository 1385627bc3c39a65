"""Suite-wide settings: what every test process skips, and how ``make test`` shares the tests between processes.

``make test`` runs the suite on one process per core (pytest-xdist, ``-n auto --dist loadgroup``). Each test
module is one unit of work (an ``xdist_group`` mark, :func:`work_unit`), so its module fixtures are built once, in
one process, except that the modules reading the session's run of the seeded demo study
(:func:`bad_inputs.runs.demo_run`, :data:`DEMO_RUN_MODULES`) form a single unit, so that run is made once. The
modules with the most ``slow`` tests are handed out first (collection order, not xdist's reordering by size), so
that the two processes finish together rather than one waiting for the other's last long module.
"""
from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from etude.optional_imports import skip_slow_optional_imports

# the engine and the kernels skip it too; here it saves seconds of collection in every test process
skip_slow_optional_imports()

#: Test modules that share the session's run of the seeded demo study.
DEMO_RUN_MODULES = frozenset({"tests/test_audit.py", "tests/test_browser.py", "tests/test_deck.py",
                              "tests/test_accessibility.py"})


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to: its file, or ``demo_run`` for :data:`DEMO_RUN_MODULES`.

    >>> work_unit("tests/test_deck.py::test_x"), work_unit("tests/test_stats.py::test_y[1]")
    ('demo_run', 'tests/test_stats.py')
    """
    path = nodeid.split("::", 1)[0]
    return "demo_run" if path in DEMO_RUN_MODULES else path


def pytest_configure(config):
    if getattr(config.option, "dist", None) == "loadgroup":
        config.option.loadscopereorder = False  # keep the collection order below: slowest units first


def pytest_collection_modifyitems(config, items):
    slow = Counter(work_unit(item.nodeid) for item in items if item.get_closest_marker("slow"))
    items.sort(key=lambda item: -slow[work_unit(item.nodeid)])  # stable: the order within a unit is kept
    for item in items:
        item.add_marker(pytest.mark.xdist_group(work_unit(item.nodeid)))


#: Headless Chromium for the browser and accessibility tests (the system's; skipped, saying why, when absent).
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def _chromium() -> str | None:
    for c in CHROMIUM_CANDIDATES:
        if Path(c).exists():
            return c
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def browser():
    exe = _chromium()
    if exe is None:
        pytest.skip("Chromium absent (/usr/bin/chromium) : `apt-get install chromium` ou `bash .ci/run` l'installe")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright absent : `pip install -e .[dev]`")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()
