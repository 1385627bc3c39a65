"""Suite-wide settings: what every test process skips, and how ``make test`` shares the tests between processes.

``make test`` runs the suite on one process per core (pytest-xdist, ``-n auto --dist loadgroup``). Each test
module is one unit of work (an ``xdist_group`` mark, :func:`work_unit`), so its module fixtures are built once, in
one process, except that the modules reading the session's run of the seeded demo study
(:func:`bad_inputs.runs.demo_run`, :data:`DEMO_RUN_MODULES`) form a single unit, so that run is made once, and
so do the modules reading its English run (:func:`bad_inputs.runs.english_run`, :data:`ENGLISH_RUN_MODULES`);
a module of another unit asking for one of those runs reads it from the process that made it (``runs._once``).
With pytest 9.2 and pytest-xdist 3.8 the ``xdist_group`` mark alone no longer does it (:func:`_name_the_unit`).
The modules with the most ``slow`` tests are handed out first (collection order, not xdist's reordering by size), so
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
                              "tests/test_accessibility.py", "tests/test_manifest_portable.py"})
#: Test modules that share the session's English run of the demo study.
ENGLISH_RUN_MODULES = frozenset({"tests/test_english.py", "tests/test_reader_words.py", "tests/test_localise.py"})
#: Test modules whose tests are each a unit of their own: long tests whose module fixtures are cheap (each
#: subprocess of test_extending runs one test file on the extended copy; each test of test_study_shapes runs one
#: whole study), so that both processes take some.
SPLIT_MODULES = frozenset({"tests/test_extending.py", "tests/test_study_shapes.py"})


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to: its file, ``demo_run`` for :data:`DEMO_RUN_MODULES` or ``english_run``
    for :data:`ENGLISH_RUN_MODULES`.

    >>> work_unit("tests/test_deck.py::test_x"), work_unit("tests/test_stats.py::test_y[1]")
    ('demo_run', 'tests/test_stats.py')
    >>> work_unit("tests/test_english.py::test_z"), work_unit("tests/test_extending.py::test_x[a]")
    ('english_run', 'tests/test_extending.py::test_x[a]')
    """
    path = nodeid.split("::", 1)[0]
    if path in SPLIT_MODULES:
        return nodeid
    if path in DEMO_RUN_MODULES:
        return "demo_run"
    return "english_run" if path in ENGLISH_RUN_MODULES else path


def pytest_configure(config):
    if getattr(config.option, "dist", None) == "loadgroup":
        config.option.loadscopereorder = False  # keep the collection order below: slowest units first


def pytest_collection_modifyitems(config, items):
    slow = Counter(work_unit(item.nodeid) for item in items if item.get_closest_marker("slow"))
    items.sort(key=lambda item: -slow[work_unit(item.nodeid)])  # stable: the order within a unit is kept
    for item in items:
        unit = work_unit(item.nodeid)
        item.add_marker(pytest.mark.xdist_group(unit))
        if config.getoption("loadgroup", False):
            _name_the_unit(item, unit)


def _name_the_unit(item: pytest.Item, unit: str) -> None:
    """Suffix the test's node id with ``@unit``, which xdist's ``loadgroup`` scheduler reads as the test's unit.

    pytest-xdist 3.8 writes that suffix into ``item._nodeid``, a field pytest 9.2 no longer reads (node ids are
    structured): the ``xdist_group`` marks were silently ignored and every test was a unit of its own, so each
    module fixture and each shared run was made again in each process (pytest-dev/pytest-xdist#1386; the fix
    proposed in #1388 writes the structured id, as here). Remove once a pytest-xdist release has that fix.
    """
    if "@" in item.nodeid.rsplit("]", 1)[-1]:  # already named (an xdist that writes the structured id)
        return
    from _pytest.nodeid import coerce_node_id
    item._id = coerce_node_id(f"{item.nodeid}@{unit}")


#: Headless Chromium for the browser and accessibility tests (the system's; skipped, saying why, when absent).
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def no_pdf():
    """No Chromium for the runs of a module (``ETUDE_CHROMIUM`` empty), so no ``report.pdf``: modules whose runs
    test the engine (order, failures, cache, kernels) and never read the PDF, whose printing is two thirds of a
    tiny run's processor time. The PDF is tested on the session's demo and English runs and in ``test_pdf``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ETUDE_CHROMIUM", "")
        yield


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
