"""Suite-wide settings: what every test process skips, and how ``make test`` shares the tests between processes.

``make test`` runs the suite on one process per core (pytest-xdist, ``-n auto --dist loadfile``). Each test module
is one unit of work, so its module fixtures are built once, in one process, except that the modules reading the
session's run of the seeded demo study (:func:`bad_inputs.runs.demo_run`, :data:`DEMO_RUN_MODULES`) form a single
unit, so that run is made once. The modules with the most ``slow`` tests are handed out first, so that the two
processes finish together rather than one waiting for the other's last long module.
"""
from __future__ import annotations

from collections import Counter

import pytest

from etude.optional_imports import skip_slow_optional_imports

# the engine and the kernels skip it too; here it saves seconds of collection in every test process
skip_slow_optional_imports()

#: Test modules that share the session's run of the seeded demo study.
DEMO_RUN_MODULES = frozenset({"tests/test_audit.py", "tests/test_browser.py", "tests/test_deck.py"})


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to: its file, or ``demo_run`` for :data:`DEMO_RUN_MODULES`.

    >>> work_unit("tests/test_deck.py::test_x"), work_unit("tests/test_stats.py::test_y[1]")
    ('demo_run', 'tests/test_stats.py')
    """
    path = nodeid.split("::", 1)[0]
    return "demo_run" if path in DEMO_RUN_MODULES else path


def pytest_collection_modifyitems(config, items):
    slow = Counter(work_unit(item.nodeid) for item in items if item.get_closest_marker("slow"))
    items.sort(key=lambda item: -slow[work_unit(item.nodeid)])  # stable: the order within a unit is kept


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent without it
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` with :func:`work_unit` as the unit, handed out in collection order."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ByWorkUnit(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False
    return ByWorkUnit(config, log)
