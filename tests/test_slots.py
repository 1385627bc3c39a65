"""Warm kernels (``etude.engine.slots``, ``etude.engine.kernel_reset``): one kernel per job slot, reused with a fresh
start.

Tiny notebooks written by the tests: the first leaves state behind (a variable, an rcParam, an open figure, another
working directory, a warning filter) and records its kernel's process id; the next checks that none of it is left
and that its first cell is ``In [1]``. With ``jobs=1`` both run on the same slot.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from etude import engine

#: Slow; the runs test the engine and never read report.pdf: no Chromium (tests/conftest.py, ``no_pdf``).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("no_pdf")]

PROBE = """
import json, os, warnings
import matplotlib
import matplotlib.pyplot as plt
state = {"pid": os.getpid(), "cwd": os.getcwd(), "leak_seen": "leak" in globals(),
         "font_size": matplotlib.rcParams["font.size"], "figures": len(plt.get_fignums()),
         "filters": len(warnings.filters), "output_log": bool(os.environ.get("ETUDE_OUTPUT_LOG"))}
"""


def _notebook(folder: Path, name: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("output_dir = ''")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _probe_cells(tag: str) -> tuple[str, str]:
    write = (f"state['first_count'] = {tag!r}\n"
             f"open(os.path.join(output_dir, '{tag}.json'), 'w').write(json.dumps(state))")
    return PROBE, write


def _read(run: Path, tag: str) -> dict:
    return json.loads((run / f"{tag}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("warm")
    _notebook(folder, "01_dirty", *_probe_cells("first"),
              "leak = 1\nmatplotlib.rcParams['font.size'] = 31\nplt.figure()\nos.chdir('/')\n"
              "warnings.simplefilter('ignore')")
    _notebook(folder, "02_clean", *_probe_cells("second"))
    _notebook(folder, "00_fails", "import os, json\nopen(os.path.join(output_dir, 'failed.json'), 'w')"
              ".write(json.dumps({'pid': os.getpid()}))", "raise ValueError('exprès')")
    return folder


def test_a_slot_runs_notebook_after_notebook_on_one_kernel_with_a_fresh_start(notebooks, tmp_path):
    result = engine.reproduce(engine.RunOptions(notebooks=[notebooks / "01_dirty.ipynb", notebooks / "02_clean.ipynb"],
                                                out=tmp_path, jobs=1))
    assert result.ok, result.errors
    first, second = _read(result.run_dir, "first"), _read(result.run_dir, "second")
    assert first["pid"] == second["pid"], "le noyau n'a pas été réutilisé"
    assert not second["leak_seen"]
    assert second["font_size"] == first["font_size"] != 31
    assert second["figures"] == 0 and second["filters"] == first["filters"]
    assert second["cwd"] == first["cwd"] == str(notebooks)
    assert second["output_log"]
    executed = nbformat.read(result.run_dir / "notebooks" / "02_clean.ipynb", as_version=4)
    counts = [c.execution_count for c in executed.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), "le compteur d'exécution ne repart pas de 1"


def test_a_kernel_whose_notebook_failed_is_not_reused(notebooks, tmp_path):
    result = engine.reproduce(engine.RunOptions(notebooks=[notebooks / "00_fails.ipynb", notebooks / "02_clean.ipynb"],
                                                out=tmp_path, jobs=1))
    assert result.statuses == {"00_fails": "failed", "02_clean": "ok"}
    assert _read(result.run_dir, "failed")["pid"] != _read(result.run_dir, "second")["pid"]


def test_fresh_kernels_start_one_kernel_per_notebook(notebooks, tmp_path):
    result = engine.reproduce(engine.RunOptions(notebooks=[notebooks / "01_dirty.ipynb", notebooks / "02_clean.ipynb"],
                                                out=tmp_path, jobs=1, fresh_kernels=True))
    assert result.ok, result.errors
    assert _read(result.run_dir, "first")["pid"] != _read(result.run_dir, "second")["pid"]


def _notebook_importing(folder: Path, name: str) -> Path:
    # its first cell says whether etude.publish.formats was already imported when the notebook began; its second
    # imports it
    return _notebook(folder, name, "import json, os, sys\nahead = 'etude.publish.formats' in sys.modules",
                     "from etude.publish import formats\nopen(os.path.join(output_dir, 'ahead.json'), 'w')"
                     ".write(json.dumps({'ahead': ahead, 'pid': os.getpid()}))")


def test_warm_kernels_start_with_what_their_notebooks_import(tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    path = _notebook_importing(folder, "01_imports")
    warm = engine.reproduce(engine.RunOptions(notebooks=[path], out=tmp_path / "warm", jobs=1))
    fresh = engine.reproduce(engine.RunOptions(notebooks=[path], out=tmp_path / "fresh", jobs=1, fresh_kernels=True))
    assert warm.ok and fresh.ok, (warm.errors, fresh.errors)
    assert _read(warm.run_dir, "ahead")["ahead"] is True  # imported while the pre-flight checks ran
    assert _read(fresh.run_dir, "ahead")["ahead"] is False  # a new kernel: the notebook imports it itself


def _kernels_of_this_process() -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"ipykernel_launcher" in cmdline:
            children.append(int(stat.parent.name))
    return children


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_run_refused_by_its_checks_leaves_no_kernel_behind(tmp_path):
    from etude.errors import InputError, problem
    folder = tmp_path / "nb"
    folder.mkdir()
    path = _notebook_importing(folder, "01_imports")

    def refuse(study):
        return [problem("etude.yaml", message="refusé par le test")]
    before = set(_kernels_of_this_process())
    with pytest.raises(InputError, match="refusé par le test"):
        engine.reproduce(engine.RunOptions(notebooks=[path], out=tmp_path / "out", jobs=2, preflight=[refuse]))
    assert set(_kernels_of_this_process()) - before == set()
    assert not [p for p in (tmp_path / "out").glob("*") if p.is_dir() and not p.name.startswith(".")]


def test_an_unchanged_re_run_starts_no_kernel(tmp_path, monkeypatch):
    from etude.engine import slots
    folder = tmp_path / "nb"
    folder.mkdir()
    path = _notebook_importing(folder, "01_imports")
    assert engine.reproduce(engine.RunOptions(notebooks=[path], out=tmp_path / "out", jobs=1)).ok
    started = []
    real_open = slots.open_slot

    async def counting_open(*args, **kwargs):
        started.append(1)
        return await real_open(*args, **kwargs)
    monkeypatch.setattr(slots, "open_slot", counting_open)
    again = engine.reproduce(engine.RunOptions(notebooks=[path], out=tmp_path / "out", jobs=1))
    assert again.ok and again.cache == {"01_imports": "hit"} and started == []


def test_a_warm_kernel_is_told_where_the_engine_leaves_the_parsed_study():
    from etude.engine.slots import preload_code
    code = preload_code(["etude.analysis.stats"], "/e/etude.yaml", ("/sortie/.cache/studies", "abc"))
    assert "preload(['etude.analysis.stats'], '/e/etude.yaml', ['/sortie/.cache/studies', 'abc'])" in code
    assert "studies" not in preload_code(["etude.analysis.stats"], None, ("/sortie/.cache/studies", "abc"))  # no study


def test_preload_takes_the_shared_parse_instead_of_parsing(tmp_path, monkeypatch):
    from etude.engine import kernel_reset
    from etude.survey import study as st
    taken = []
    monkeypatch.setattr(st, "remember_shared", lambda study, folder, *, tag: taken.append((study, folder, tag)))
    monkeypatch.setattr("etude.survey.load_study", lambda study=None: taken.append(("load", study)))
    kernel_reset.preload([], "", [str(tmp_path), "t"])
    assert taken == [(None, str(tmp_path), "t"), ("load", None)]


def test_a_kernel_no_notebook_will_take_is_stopped_before_the_run_ends(tmp_path):
    # two notebooks on two kernels: once the quick one is done, its kernel is stopped while the other still runs
    folder = tmp_path / "nb"
    folder.mkdir()
    _notebook(folder, "01_quick", "import json, os\n"
                                  "open(os.path.join(output_dir, 'quick.json'), 'w').write(json.dumps(os.getpid()))")
    _notebook(folder, "02_watch", "import json, os, time\ngone, deadline = False, time.time() + 60\n"
                                  "while not gone and time.time() < deadline:\n"
                                  "    time.sleep(0.2)\n"
                                  "    try:\n"
                                  "        os.kill(json.load(open(os.path.join(output_dir, 'quick.json'))), 0)\n"
                                  "    except (FileNotFoundError, ValueError):\n"
                                  "        continue\n"
                                  "    except ProcessLookupError:\n"
                                  "        gone = True\n"
                                  "open(os.path.join(output_dir, 'watch.json'), 'w').write(json.dumps(gone))",
              "x = 1", "y = 2")  # more cells: the longer notebook, started first
    result = engine.reproduce(engine.RunOptions(notebooks=sorted(folder.glob("*.ipynb")), out=tmp_path / "out",
                                                jobs=2))
    assert result.ok, result.errors
    assert json.loads((result.run_dir / "watch.json").read_text()) is True
