"""The reproduction engine (``etude.engine``): discovery, typed parameters, run folders, report and slides,
failures, kernel pinning.

Most tests run tiny fixture notebooks from ``tests/notebooks/`` (a notebook that writes a table and a figure, one
that depends on it, one that raises, one whose kernel dies, one that sleeps) so they take seconds. The study's own
notebooks are checked for the contract (no outputs, first code cell tagged ``parameters``) and run once, in a
temporary copy of the repository, by the "extending is a file" test.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

from etude import cli, engine, paths
from etude.engine.kernel import Job
from etude.errors import ParameterError, RunError
from etude.publish import report

#: This module's runs test the engine and never read report.pdf: no Chromium (tests/conftest.py, ``no_pdf``).
pytestmark = pytest.mark.usefixtures("no_pdf")


FIXTURES = Path(__file__).parent / "notebooks"
OK, DEPENDS, FAILS, DEAD, SLOW = (FIXTURES / f"{n}.ipynb" for n in
                                  ("01_ok", "02_depends", "03_fails", "04_dead_kernel", "05_slow"))


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _manifest(run: Path) -> dict:
    return json.loads((run / "manifest.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------ typed parameters (fast)

@pytest.mark.parametrize("value, default, expected", [
    ("7", 3, 7), ("-2", 0, -2), ("1_000", 5, 1000),
    ("0,25", 0.5, 0.25), ("0.25", 0.5, 0.25), ("3", 0.5, 3.0),
    ("oui", False, True), ("NON", True, False), ("true", False, True), ("0", True, False), ("1", False, True),
    ("/tmp/x.yaml", "", "/tmp/x.yaml"), ("12", "", "12"), ("texte", None, "texte"),
    ("['a', 'b']", ["x"], ["a", "b"]),
])
def test_parameters_are_typed_from_the_declared_default(value, default, expected):
    got = engine.coerce_parameter("p", value, default)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize("value, default, expected_words", [
    ("cinq", 3, "un entier"), ("2.5", 3, "un entier"), ("abc", 0.5, "un nombre"),
    ("peut-être", False, "oui/non"), ("a", ["x"], "list"),
])
def test_a_bad_value_names_the_parameter_and_the_expected_type(value, default, expected_words):
    with pytest.raises(ParameterError) as err:
        engine.coerce_parameter("seuil", value, default)
    assert "« seuil »" in str(err.value) and expected_words in str(err.value) and value in str(err.value)


def test_type_parameters_applies_a_value_to_every_notebook_that_declares_it():
    declared = {"01_a": {"n": {"default": 3}, "label": {"default": "x"}},
                "02_b": {"n": {"default": 0.5}}, "03_c": {}}
    typed = engine.type_parameters([("n", "2"), ("label", "y"), ("n", "4")], declared)
    assert typed == {"01_a": {"n": 4, "label": "y"}, "02_b": {"n": 4.0}, "03_c": {}}
    assert type(typed["01_a"]["n"]) is int and type(typed["02_b"]["n"]) is float


def test_a_parameter_no_notebook_declares_is_an_error_listing_the_declared_ones():
    declared = {"01_a": {"n": {"default": 3}, "output_dir": {"default": ""}}}
    with pytest.raises(ParameterError, match=r"« m » inconnu.*paramètres possibles : n$"):
        engine.type_parameters([("m", "1")], declared)


@pytest.mark.parametrize("name, option", [("study", "--study"), ("lang", "--lang"), ("output_dir", "--out")])
def test_engine_parameters_are_set_by_options_not_by_p(name, option):
    with pytest.raises(ParameterError, match=option):
        engine.type_parameters([(name, "x")], {"01_a": {name: {"default": ""}}})


# ------------------------------------------------------------------------------------ discovery and order (fast)

def test_discovery_keeps_nn_order_and_ignores_other_files(tmp_path):
    for name in ("10_dix.ipynb", "02_deux.ipynb", "1_un.ipynb", "brouillon.ipynb", "03_trois.txt"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in engine.discover_notebooks(tmp_path)] == ["1_un.ipynb", "02_deux.ipynb", "10_dix.ipynb"]


def test_select_notebooks_by_name_number_or_path(tmp_path):
    for name in ("01_profil.ipynb", "02_freins.ipynb"):
        shutil.copy(OK, tmp_path / name)
    by_name = engine.select_notebooks(["02_freins", "01_profil.ipynb"], tmp_path)
    assert [p.name for p in by_name] == ["01_profil.ipynb", "02_freins.ipynb"]
    assert engine.select_notebooks(["02"], tmp_path)[0].name == "02_freins.ipynb"
    assert engine.select_notebooks([str(FAILS)], tmp_path) == [FAILS.resolve()]
    with pytest.raises(ParameterError, match="notebooks disponibles : 01_profil, 02_freins"):
        engine.select_notebooks(["99_absent"], tmp_path)


def test_execution_order_follows_dependencies_and_rejects_cycles():
    assert engine.execution_order({"01": [], "02": ["03"], "03": ["01"]}) == ["01", "03", "02"]
    assert engine.execution_order({"02": ["01_absent_de_cette_execution"]}) == ["02"]
    with pytest.raises(RunError, match="circulaires"):
        engine.execution_order({"01": ["02"], "02": ["01"]})


def test_list_notebooks_reads_the_parameters_cells(tmp_path):
    for src in (OK, FAILS):
        shutil.copy(src, tmp_path / src.name)
    df = engine.list_notebooks(tmp_path)
    assert list(df.columns) == ["notebook", "parameter", "type", "default", "help"]
    ok = df[df["notebook"] == "01_ok"].set_index("parameter")
    assert list(ok.index) == ["study", "lang", "output_dir", "n", "ratio", "flag", "label"]
    assert ok.loc["n", "type"] == "int" and ok.loc["n", "default"] == "3" and ok.loc["n", "help"] == "effectif minimal"
    assert ok.loc["flag", "type"] == "bool" and ok.loc["ratio", "type"] == "float" and ok.loc["lang", "type"] == "str"
    text = engine.format_notebook_list(df)
    assert text.splitlines()[0] == "01_ok" and "03_fails" in text
    assert any(line.split()[:3] == ["n", "int", "3"] for line in text.splitlines())


# ------------------------------------------------------------------------------------ run folder pieces (fast)

def test_run_folders_started_together_are_different(tmp_path):
    import datetime as dt
    now = dt.datetime(2026, 3, 1, 9, 30, 0)
    folders = {engine.new_run_dir(tmp_path, now=now) for _ in range(20)}
    assert len(folders) == 20
    assert all(f.name.startswith("20260301-093000-") and len(f.name) == len("20260301-093000-") + 6 for f in folders)


def test_latest_is_swapped_atomically(tmp_path):
    a, b = engine.new_run_dir(tmp_path), engine.new_run_dir(tmp_path)
    engine.update_latest(a)
    engine.update_latest(b)
    latest = tmp_path / "latest"
    assert latest.is_symlink() and latest.resolve() == b.resolve()
    assert os.readlink(latest) == b.name  # relative: the outputs folder can move
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_latest_falls_back_to_a_text_file_where_symlinks_fail(tmp_path, monkeypatch):
    run = engine.new_run_dir(tmp_path)

    def no_symlinks(*args, **kwargs):
        raise OSError("symlinks not supported")
    monkeypatch.setattr(os, "symlink", no_symlinks)
    latest = engine.update_latest(run)
    assert latest.is_file() and latest.read_text(encoding="utf-8").strip() == run.name


def test_tables_workbook_has_one_sheet_per_csv_with_short_unique_names(tmp_path):
    long = "x" * 40
    (tmp_path / "tables").mkdir()
    pd.DataFrame({"a": [1, 2]}).to_csv(tmp_path / "tables" / f"{long}_1.csv", index=False)
    pd.DataFrame({"b": ["'=1+1"]}).to_csv(tmp_path / "tables" / f"{long}_2.csv", index=False)
    pd.DataFrame({"c": [0.5]}).to_csv(tmp_path / "tables" / "freins.csv", index=False)
    wb = openpyxl.load_workbook(engine.write_workbook(tmp_path, {"simulated": True}))
    tables = wb.sheetnames[1:]  # after « À lire »
    assert len(tables) == 3 and len(set(wb.sheetnames)) == 4
    # sheets are named in words since the printable workbook (issue 29 item 7): freins.csv is « Freins cités »
    assert all(len(s) <= 31 for s in wb.sheetnames) and "Freins cités" in tables
    from etude.publish.workbook import HEADER_ROW
    assert wb["Freins cités"].cell(row=HEADER_ROW + 1, column=1).value == 0.5
    assert engine.write_workbook(tmp_path / "absent") is None


def test_progress_is_a_live_line_on_a_terminal_and_log_lines_otherwise():
    import datetime as dt
    job = Job(name="01_ok", source=OK, nb=None, params={}, n_cells=4)
    for tty in (True, False):
        out = io.StringIO()
        progress = engine.Progress(stream=out, tty=tty)
        progress.total = 1
        progress.start(job)
        job.current = 2
        progress.cell(job)
        job.status, job.started, job.ended = "ok", dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 1, 0, 0, 3)
        progress.finish(job)
        progress.close()
        text = out.getvalue()
        if tty:
            assert "\r" in text and "[0/1] 01_ok cellule 2/4" in text and "✓ 01_ok (3,0 s)\n" in text
        else:
            assert "\r" not in text and text.splitlines() == ["▶ 01_ok (4 cellules de code)", "✓ 01_ok (3,0 s)"]


# ------------------------------------------------------------------------------------ report and slides (fast)

def _nb(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


def _md(text, slide=None):
    cell = nbformat.v4.new_markdown_cell(text)
    if slide:
        cell.metadata["slideshow"] = {"slide_type": slide}
    return cell


def _code(source, outputs=(), slide=None, tags=()):
    cell = nbformat.v4.new_code_cell(source, outputs=list(outputs))
    if slide:
        cell.metadata["slideshow"] = {"slide_type": slide}
    cell.metadata["tags"] = list(tags)
    return cell


def test_external_references_lists_what_a_browser_would_fetch():
    page = ('<script src="https://a/x.js"></script><link rel="stylesheet" href="//b/y.css">'
            '<img src="http://c/z.png"><style>@import "https://d/f.css"; .x{background:url(https://e/i.png)}</style>'
            '<a href="https://lien.fr">lien</a><img src="data:image/png;base64,AAAA"><script src="local.js"></script>')
    assert report.external_references(page) == ["https://a/x.js", "http://c/z.png", "//b/y.css", "https://d/f.css",
                                                "https://e/i.png"]


def test_report_has_no_code_a_table_of_contents_and_embedded_images(tmp_path):
    png = tmp_path / "carte.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    nb1 = _nb(_md("# Profil\n\n## Effectifs\n\ntexte ![carte](carte.png)"),
              _code("secret_code = 1", tags=["parameters"]),
              _code("visible_code()", [nbformat.v4.new_output("stream", name="stdout", text="27 acheteurs\n"),
                                       nbformat.v4.new_output("stream", name="stderr", text="FutureWarning\n")]))
    nb2 = _nb(_md("# Freins\n\n## Effectifs"))
    page = report.report_html([("01_profil", nb1), ("02_freins", nb2)], simulated=True,
                              statuses={"02_freins": "failed"}, base_dirs=[tmp_path])
    assert "secret_code" not in page and "visible_code" not in page
    assert "27 acheteurs" in page and "FutureWarning" not in page
    assert page.index("Sommaire") < page.index('id="nb-01_profil"') < page.index('id="nb-02_freins"')
    # headings with the same text in two notebooks get distinct anchors, and the contents link to them
    assert 'href="#nb-01_profil--Effectifs"' in page and 'href="#nb-02_freins--Effectifs"' in page
    assert 'id="nb-01_profil--Effectifs"' in page
    assert '<html lang="fr">' in page and "Données simulées — ne pas citer" in page and "en échec" in page
    assert "data:image/png;base64," in page and 'src="carte.png"' not in page
    assert report.external_references(page) == []


def test_the_report_embeds_only_images_inside_its_folders_never_a_local_file_named_by_a_text(tmp_path):
    run = tmp_path / "run"
    (run / "figures").mkdir(parents=True)
    (run / "figures" / "ok.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"1" * 20)
    (tmp_path / ".etude-salt").write_text("SEL-SECRET-0123456789", encoding="utf-8")
    (run / "figures" / "salt.png").symlink_to(tmp_path / ".etude-salt")  # an image name pointing out
    (run / "notes.txt").write_text("SECRET-TEXTE", encoding="utf-8")
    import base64
    hostile = ['<img src="../.etude-salt">', f'<img src="{tmp_path / ".etude-salt"}">', '<img src="notes.txt">',
               '<img src="figures/salt.png">', '<img src="figures/../../.etude-salt">', '<img src="figures/ok.png">']
    page = report.report_html([("01_a", _nb(_md("# A\n\n" + "\n".join(hostile))))], base_dirs=[run])
    for secret in ("SEL-SECRET-0123456789", "SECRET-TEXTE"):
        assert base64.b64encode(secret.encode()).decode()[:16] not in page
    assert page.count("data:image/png;base64,") == 1  # figures/ok.png only


def test_report_speaks_english_when_asked():
    page = report.report_html([("01_a", _nb(_md("# A")))], lang="en", simulated=True)
    assert '<html lang="en">' in page and "Contents" in page and "Simulated data — do not cite" in page
    with pytest.raises(ValueError, match="fr"):
        report.report_html([], lang="de")


def test_slides_follow_slide_subslide_and_fragment_marks():
    nb = _nb(_md("# Titre A", "slide"), _md("pas dans les diapositives"), _md("## Détail", "subslide"),
             _code("hidden_code()", [nbformat.v4.new_output("stream", name="stdout", text="résultat\n")],
                   slide="fragment"),
             _md("# Titre B", "slide"), _md("à dire à l'oral", "notes"), _md("ignorée", "skip"))
    page = report.slides_html([("01_a", nb)], simulated=True)
    slides = page[page.index('<div class="slides">'):page.index("<script>")]
    assert "pas dans les diapositives" not in slides and "ignorée" not in slides and "hidden_code" not in slides
    # title, contents, objectives, the restitution's 3 results, 2 remedies and 2 solutions slides (the deck's
    # spine), [A, Détail] stacked vertically, B, method, sources, closing
    assert slides.count("<section>") == 17
    assert '<div class="fragment">' in slides and "résultat" in slides
    assert '<aside class="notes">' in slides
    assert "Reveal.initialize" in page and "Données simulées — ne pas citer" in page
    assert report.external_references(page) == []
    assert "fonts.googleapis" not in page  # the theme's web-font @import is dropped


def test_vendored_reveal_is_complete_and_licensed():
    folder = paths.assets_dir() / "reveal"
    assert {"reveal.js", "reveal.css", "theme-simple.css", "LICENSE"} <= {p.name for p in folder.iterdir()}
    assert "MIT" in (folder / "LICENSE").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------ the study's notebooks

STUDY_NOTEBOOKS = engine.discover_notebooks()


@pytest.mark.parametrize("path", STUDY_NOTEBOOKS or [pytest.param(None, marks=pytest.mark.skip("aucun notebook"))],
                         ids=lambda p: p.stem if p else "none")
def test_study_notebooks_are_committed_clean_with_a_parameters_cell_first(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}, cellule {i} : sorties"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and "parameters" in code[0].metadata.get("tags", []), \
        f"{path.name} : la première cellule de code doit porter l'étiquette « parameters »"
    declared = engine.notebook_parameters(nb)
    assert {"study", "lang", "output_dir"} <= set(declared), f"{path.name} : paramètres du contrat manquants"
    import ast
    assigned = {t.id for node in ast.parse(code[0].source).body if isinstance(node, ast.Assign)
                for t in node.targets if isinstance(t, ast.Name)}
    assert assigned == set(declared), f"{path.name} : paramètres que papermill ne lit pas : {assigned - set(declared)}"


def test_declared_parameters_are_kept_by_the_cell_text_and_read_back_without_papermill(tmp_path, monkeypatch):
    import papermill.inspection

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'lang = "fr"  # langue\nmin_cell = 5  # effectif minimal [1, 50]', metadata={"tags": ["parameters"]})])
    first = engine.notebook_parameters(nb, memo_dir=tmp_path)
    assert first["min_cell"]["default"] == 5 and first["min_cell"]["bounds"] == (1, 50)
    assert len(list(tmp_path.glob("*.json"))) == 1

    def boom(nb):
        raise AssertionError("papermill consulté")
    monkeypatch.setattr(papermill.inspection, "_infer_parameters", boom)
    assert engine.notebook_parameters(nb, memo_dir=tmp_path) == first  # the memo answers
    nb.cells[0].source += "\nalpha = 0.05"
    with pytest.raises(AssertionError, match="papermill"):  # another cell text: papermill is asked again
        engine.notebook_parameters(nb, memo_dir=tmp_path)
    (next(tmp_path.glob("*.json"))).write_text("[{\"name\": 1}]", encoding="utf-8")  # a damaged memo
    nb.cells[0].source = nb.cells[0].source.rsplit("\n", 1)[0]
    with pytest.raises(AssertionError, match="papermill"):  # is not believed
        engine.notebook_parameters(nb, memo_dir=tmp_path)


@pytest.mark.parametrize("new_dir", ["/tmp/sortie/20261203-120000-abcdef", 'C:\\Études\\run "1"\\x',
                                     "/tmp/é\tà\n😀/'q'"])
def test_a_reused_notebook_shows_the_new_run_folder_exactly_as_papermill_writes_it(new_dir):
    from papermill.parameterize import parameterize_notebook

    from etude.engine.kernel import reinjected

    def injected(params):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})])
        nb.metadata["papermill"] = {}
        out = parameterize_notebook(nb, params, kernel_name="python3", language="python")
        return out.cells[1].source
    old = {"study": "/d/étude.yaml", "lang": "fr", "output_dir": '/tmp/old "run"\\1', "min_cell": 5}
    new = {**old, "output_dir": new_dir}
    assert reinjected(injected(old), old, new) == injected(new)
    assert reinjected(injected(old), old, {**new, "min_cell": 6}) is None  # another parameter: papermill again
    assert reinjected(injected(old), old, {**new, "min_cell": 5.0}) is None  # same value, other type: likewise


# ------------------------------------------------------------------------------------ runs (execute notebooks)

@pytest.fixture(scope="module")
def decoy(tmp_path_factory):
    """A Jupyter data dir whose ``python3`` kernelspec points at another "interpreter" that leaves a mark."""
    base = tmp_path_factory.mktemp("decoy")
    mark = base / "DECOY_USED"
    fake = base / "fake-python"
    fake.write_text(f"#!/bin/sh\necho used > '{mark}'\nexit 3\n")
    fake.chmod(0o755)
    spec = base / "data" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(fake), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (leurre)", "language": "python"}))
    return base, fake, mark


@pytest.fixture(scope="module")
def good_run(tmp_path_factory, decoy):
    """01_ok then 02_depends (which checks 01_ok ran first), typed -p values, a decoy python3 kernelspec."""
    base, fake, mark = decoy
    out = tmp_path_factory.mktemp("out")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_DATA_DIR", str(base / "data"))
        mp.setenv("JUPYTER_PATH", str(base / "data"))
        from jupyter_client.kernelspec import KernelSpecManager
        assert KernelSpecManager().get_kernel_spec("python3").argv[0] == str(fake), "le leurre n'est pas actif"
        result = engine.reproduce(engine.RunOptions(notebooks=[DEPENDS, OK], out=out, jobs=2,
                                                    parameters=[("n", "7"), ("ratio", "0,25"), ("flag", "oui"),
                                                                ("label", "42")]))
    return result


@pytest.mark.slow
def test_a_good_run_succeeds_in_dependency_order(good_run):
    assert good_run.ok, good_run.errors
    assert good_run.statuses == {"01_ok": "ok", "02_depends": "ok"}


@pytest.mark.slow
def test_notebooks_run_on_this_interpreter_never_on_a_decoy_kernelspec(good_run, decoy):
    import sys
    probe = json.loads((good_run.run_dir / "probe_01.json").read_text(encoding="utf-8"))
    assert probe["executable"] == sys.executable
    assert not decoy[2].exists(), "le noyau leurre a été lancé"


@pytest.mark.slow
def test_cli_values_arrive_typed_and_engine_parameters_are_absolute(good_run):
    probe = json.loads((good_run.run_dir / "probe_01.json").read_text(encoding="utf-8"))
    assert (probe["n"], probe["ratio"], probe["flag"], probe["label"]) == (7, 0.25, True, "42")
    assert probe["types"] == ["int", "float", "bool", "str"]
    assert probe["output_dir"] == str(good_run.run_dir) and Path(probe["output_dir"]).is_absolute()
    assert probe["lang"] == "fr"
    assert probe["study"] in ("", str(paths.default_study()))


@pytest.mark.slow
def test_the_run_folder_holds_every_output(good_run):
    run = good_run.run_dir
    assert run.parent.name.startswith("out") and len(run.name.split("-")) == 3
    for rel in ("report.html", "slides.html", "manifest.json", "notebooks/01_ok.ipynb", "notebooks/01_ok.html",
                "notebooks/02_depends.ipynb", "notebooks/02_depends.html", "figures/essai_figure.png",
                "figures/essai_figure.svg", "tables/essai_table.csv", "tables/tables.xlsx", "slides.pptx"):
        assert (run / rel).is_file() and (run / rel).stat().st_size > 0, rel
    assert openpyxl.load_workbook(run / "tables" / "tables.xlsx").sheetnames == ["À lire", "essai_table"]
    executed = nbformat.read(run / "notebooks" / "01_ok.ipynb", as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)
    assert all(c.execution_count for c in executed.cells if c.cell_type == "code")
    assert not list(run.rglob("*.part"))
    latest = run.parent / "latest"
    assert latest.resolve() == run.resolve()


@pytest.mark.slow
def test_manifest_records_parameters_inputs_versions_times_and_statuses(good_run):
    m = _manifest(good_run.run_dir)
    assert m["status"] == "ok" and m["run_id"] == good_run.run_dir.name
    assert m["started_at"] <= m["ended_at"] and m["duration_s"] >= 0
    assert m["git_commit"] == "unknown" or len(m["git_commit"]) == 40
    assert m["parameters"]["given"] == {"n": "7", "ratio": "0,25", "flag": "oui", "label": "42"}
    assert m["parameters"]["by_notebook"]["01_ok"]["n"] == 7
    # issue 27: no absolute path in the manifest; the study by its path in the repository, inputs beside it
    assert m["parameters"]["by_notebook"]["02_depends"] == {"output_dir": ".", "label": "42"}
    study = paths.root() / m["study"]["path"]
    assert study == paths.default_study() and not Path(m["study"]["path"]).is_absolute()
    assert "pid" not in m and "host" not in m and "cwd" not in m["command"]
    if study.is_file():
        assert m["study"]["sha256"] == hashlib.sha256(study.read_bytes()).hexdigest()
    for row in m["inputs"]:
        assert not Path(row["path"]).is_absolute()
        assert row["sha256"] == hashlib.sha256((study.parent / row["path"]).read_bytes()).hexdigest()
    assert m["simulated"] is True
    assert {"python", "etude", "pandas", "papermill", "nbclient", "nbconvert"} <= set(m["packages"])
    nbs = {n["name"]: n for n in m["notebooks"]}
    assert [n["name"] for n in m["notebooks"]] == ["01_ok", "02_depends"]
    assert nbs["02_depends"]["depends_on"] == ["01_ok"] and nbs["01_ok"]["ended_at"] <= nbs["02_depends"]["started_at"]
    assert all(n["status"] == "ok" and n["error"] is None for n in nbs.values())
    assert m["outputs"]["workbook"] == "tables/tables.xlsx"
    assert "figures/essai_figure.png" in m["outputs"]["figures"]


@pytest.mark.slow
def test_report_and_slides_are_offline_with_embedded_images(good_run):
    run = good_run.run_dir
    for page in ("report.html", "slides.html", "notebooks/01_ok.html", "notebooks/02_depends.html"):
        html = (run / page).read_text(encoding="utf-8")
        assert report.external_references(html) == [], page
        assert html.rstrip().endswith("</html>")
    rep = (run / "report.html").read_text(encoding="utf-8")
    assert "Notebook d'essai" in rep and "Deuxième notebook" in rep and "Sommaire" in rep
    assert "save_table" not in rep and "import pandas" not in rep  # no code in the report
    assert rep.count("data:image/png;base64,") >= 1
    slides = (run / "slides.html").read_text(encoding="utf-8")
    assert "Une figure" in slides and "data:image/png;base64," in slides
    assert "Cette cellule n'entre pas dans les diapositives" not in slides


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory):
    """A good run, then a run where 03_fails raises at its 4th cell: (good folder, its snapshot, result, stderr)."""
    out = tmp_path_factory.mktemp("out_fail")
    good = engine.reproduce(engine.RunOptions(notebooks=[OK], out=out))
    assert good.ok
    before = _snapshot(good.run_dir)
    with pytest.MonkeyPatch.context() as mp:
        err = io.StringIO()
        mp.setattr("sys.stderr", err)
        result = engine.reproduce(engine.RunOptions(notebooks=[OK, FAILS], out=out, jobs=2),
                                  progress=engine.Progress(stream=err, tty=False))
    return good.run_dir, before, result, err.getvalue()


@pytest.mark.slow
def test_a_failing_cell_fails_the_run_and_names_notebook_cell_and_error(failed_run):
    _, _, result, err = failed_run
    assert not result.ok and result.statuses == {"01_ok": "ok", "03_fails": "failed"}
    assert result.errors["03_fails"] == "03_fails, cellule 4 (In [4]) : ZeroDivisionError: division by zero"
    lines = [line for line in err.splitlines() if "03_fails" in line and not line.startswith("▶")]
    assert lines[0] == "✗ 03_fails, cellule 4 (In [4]) : ZeroDivisionError: division by zero"
    assert len(lines) <= 3, lines
    assert "Traceback" not in err and "----> " not in err


@pytest.mark.slow
def test_a_failed_run_is_kept_marked_failed_and_shows_the_traceback(failed_run):
    _, _, result, _ = failed_run
    run = result.run_dir
    m = _manifest(run)
    assert m["status"] == "failed"
    nbs = {n["name"]: n for n in m["notebooks"]}
    assert nbs["03_fails"]["status"] == "failed"
    assert nbs["03_fails"]["error"] == {"kind": "error", "cell": 4, "execution_count": 4,
                                             "ename": "ZeroDivisionError", "evalue": "division by zero"}
    executed = nbformat.read(run / "notebooks" / "03_fails.ipynb", as_version=4)
    failing = next(c for c in executed.cells if c.cell_type == "code" and "x / 0" in c.source)
    assert failing.outputs[-1].output_type == "error" and failing.outputs[-1].ename == "ZeroDivisionError"
    never = next(c for c in executed.cells if c.cell_type == "code" and "jamais" in c.source)
    assert never.execution_count is None and never.outputs == []
    assert "etude-error" in executed.cells[0].metadata.get("tags", [])
    assert "ZeroDivisionError" in (run / "notebooks" / "03_fails.html").read_text(encoding="utf-8")
    rep = (run / "report.html").read_text(encoding="utf-8")
    assert "en échec" in rep and "ZeroDivisionError" in rep


@pytest.mark.slow
def test_a_failed_run_never_touches_earlier_runs_or_latest(failed_run):
    good, before, result, _ = failed_run
    assert result.run_dir != good
    assert _snapshot(good) == before
    assert (good.parent / "latest").resolve() == good.resolve()


@pytest.mark.slow
def test_verbose_prints_the_full_traceback(tmp_path, capsys):
    result = engine.reproduce(engine.RunOptions(notebooks=[FAILS], out=tmp_path, verbose=True),
                              progress=engine.Progress())
    assert not result.ok
    err = capsys.readouterr().err
    assert "Traceback" in err and "y = x / 0" in err


@pytest.mark.slow
def test_dead_kernel_and_timeout_are_reported_like_errors(tmp_path, capsys):
    result = engine.reproduce(engine.RunOptions(notebooks=[DEAD, SLOW], out=tmp_path, jobs=2, timeout="2.5"),
                              progress=engine.Progress())
    assert cli.print_run(result) == 1
    assert not result.ok and set(result.statuses.values()) == {"failed"}
    assert result.errors["04_dead_kernel"].startswith("04_dead_kernel, cellule 3")
    assert "DeadKernelError" in result.errors["04_dead_kernel"] and "noyau" in result.errors["04_dead_kernel"]
    assert result.errors["05_slow"].startswith("05_slow, cellule 3")
    assert "délai dépassé (2,5 s" in result.errors["05_slow"]
    m = {n["name"]: n for n in _manifest(result.run_dir)["notebooks"]}
    assert m["04_dead_kernel"]["error"]["kind"] == "dead_kernel" and m["05_slow"]["error"]["kind"] == "timeout"
    for name in ("04_dead_kernel", "05_slow"):
        executed = nbformat.read(result.run_dir / "notebooks" / f"{name}.ipynb", as_version=4)
        assert any(o.output_type == "error" for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    assert out.out.splitlines()[-1] == str(result.run_dir)
    assert not (tmp_path / "latest").exists()


@pytest.mark.slow
def test_a_dependent_of_a_failed_notebook_is_skipped(tmp_path):
    failing_01 = tmp_path / "src" / "01_ok.ipynb"
    failing_01.parent.mkdir()
    shutil.copy(FAILS, failing_01)
    result = engine.reproduce(engine.RunOptions(notebooks=[failing_01, DEPENDS], out=tmp_path / "out"))
    assert result.statuses == {"01_ok": "failed", "02_depends": "skipped"}
    assert (result.run_dir / "notebooks" / "02_depends.ipynb").is_file()


def test_bad_options_fail_before_any_folder_is_made(tmp_path):
    with pytest.raises(ParameterError, match="« n » : valeur « beaucoup »"):
        engine.reproduce(engine.RunOptions(notebooks=[OK], out=tmp_path, parameters=[("n", "beaucoup")]))
    with pytest.raises(ParameterError, match="inconnu"):
        engine.reproduce(engine.RunOptions(notebooks=[OK], out=tmp_path, parameters=[("nn", "1")]))
    with pytest.raises(ParameterError, match="fr, en"):
        engine.reproduce(engine.RunOptions(notebooks=[OK], out=tmp_path, lang="de"))
    with pytest.raises(ParameterError, match="--jobs"):
        engine.reproduce(engine.RunOptions(notebooks=[OK], out=tmp_path, jobs=0))
    with pytest.raises(ParameterError, match="introuvable"):
        engine.reproduce(engine.RunOptions(notebooks=[OK], out=tmp_path, study=tmp_path / "absent.yaml"))
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------ extending is a file

THROWAWAY = "99_essai_jetable"
#: The study notebook copied beside :data:`THROWAWAY`.
FIRST = "01_profil_repondants"


@pytest.fixture(scope="module")
def extended_run(tmp_path_factory):
    """A temporary copy of the repository's data, its first notebook and a throw-away one, reproduced with
    ETUDE_ROOT."""
    root = tmp_path_factory.mktemp("depot")
    shutil.copytree(paths.root() / "data", root / "data")
    # the study's first notebook and the new one: discovery, order and report placement do not need the other
    # seven (the whole demo study is reproduced by the session's demo run, tests/test_manifest_portable.py)
    (root / "notebooks").mkdir()
    shutil.copy(paths.root() / "notebooks" / f"{FIRST}.ipynb", root / "notebooks")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Notebook ajouté pour l'essai",
                                      metadata={"slideshow": {"slide_type": "slide"}}),
        nbformat.v4.new_code_cell('study = ""\nlang = "fr"\noutput_dir = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell('print("ajout vu par le moteur")',
                                  metadata={"slideshow": {"slide_type": "fragment"}}),
    ])
    nbformat.write(nb, root / "notebooks" / f"{THROWAWAY}.ipynb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ETUDE_ROOT", str(root))
        names = [p.stem for p in engine.discover_notebooks()]
        result = engine.reproduce(engine.RunOptions(jobs=2))
    return root, names, result


@pytest.mark.slow
def test_a_new_notebook_file_is_discovered_run_last_and_shown_in_report_and_slides(extended_run):
    root, names, result = extended_run
    assert names[-1] == THROWAWAY
    assert result.run_dir.parent == root / "outputs"
    assert result.statuses[THROWAWAY] == "ok", result.errors
    assert list(result.statuses) == names
    rep = (result.run_dir / "report.html").read_text(encoding="utf-8")
    assert "Notebook ajouté pour l'essai" in rep and "ajout vu par le moteur" in rep
    # the report follows the deck's outline (issue 29 item 1), not the notebooks' order: its sections in the
    # spine's order, the new notebook (which declares no section) under the study's other analyses
    from etude.publish import spine
    keys = [k for k in re.findall(r'<section class="etude-section" id="sec-(\w+)"', rep) if k != "essential"]
    assert keys == [k for k in spine.section_keys() if k in keys]
    assert rep.index('id="sec-other"') < rep.index(f'id="nb-{THROWAWAY}"') < rep.index('id="sec-method"')
    assert "ajout vu par le moteur" in (result.run_dir / "slides.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_copy_with_a_new_notebook_reproduces_on_the_demo_data(extended_run):
    _, names, result = extended_run
    assert result.ok, "\n".join(result.errors.values())
    m = _manifest(result.run_dir)
    assert m["status"] == "ok" and m["simulated"] is True and len(m["notebooks"]) == len(names)
    for page in ("report.html", "slides.html"):
        assert report.external_references((result.run_dir / page).read_text(encoding="utf-8")) == []


@pytest.mark.slow
def test_ctrl_c_stops_the_run_marks_it_interrupted_and_leaves_latest_alone(tmp_path):
    import signal
    import subprocess
    import sys
    import time
    root = tmp_path / "depot"
    (root / "notebooks").mkdir(parents=True)
    for src in (OK, SLOW):
        shutil.copy(src, root / "notebooks" / src.name)
    env = {**os.environ, "ETUDE_ROOT": str(root)}
    proc = subprocess.Popen([sys.executable, "-m", "etude.cli", "reproduce", "--jobs", "2"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 120
    while time.time() < deadline and not list((root / "outputs").glob("*/notebooks/01_ok.html")):
        time.sleep(0.2)
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C on a terminal does: the whole process group
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    run = Path(out.strip().splitlines()[-1])
    m = _manifest(run)
    assert m["status"] == "interrupted"
    assert {n["name"]: n["status"] for n in m["notebooks"]} == {"01_ok": "ok", "05_slow": "failed"}
    assert "interrompue" in err and "Traceback" not in err
    assert not (root / "outputs" / "latest").exists()


# ------------------------------------------------------------------------------------ hostile options and leftovers

def test_out_is_refused_inside_data_as_a_file_read_only_or_below_a_file(tmp_path, monkeypatch):
    from etude.files import check_out_dir
    monkeypatch.setenv("ETUDE_ROOT", str(tmp_path))
    (tmp_path / "data" / "demo").mkdir(parents=True)
    (tmp_path / "fichier.txt").write_text("x")
    (tmp_path / "lecture").mkdir()
    (tmp_path / "lecture").chmod(0o555)
    try:
        cases = {tmp_path / "data" / "demo" / "sortie": "dans data/", tmp_path / "data": "dans data/",
                 tmp_path / "fichier.txt": "est un fichier", tmp_path / "fichier.txt" / "sous": "passe par un fichier",
                 tmp_path / "lecture": "lecture seule", tmp_path / "lecture" / "neuf": "lecture seule"}
        for out, words in cases.items():
            with pytest.raises(ParameterError, match=words) as err:
                check_out_dir(out)
            assert str(err.value).startswith("--out : ")
            with pytest.raises(ParameterError):
                engine.reproduce(engine.RunOptions(notebooks=[OK], out=out))
        assert check_out_dir(tmp_path / "neuf" / "runs") == tmp_path / "neuf" / "runs"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "fichier.txt", "lecture"]
        assert list((tmp_path / "lecture").iterdir()) == [] and list((tmp_path / "data" / "demo").iterdir()) == []
    finally:
        (tmp_path / "lecture").chmod(0o755)


def test_a_run_left_running_by_a_dead_process_is_marked_interrupted_and_cleaned(tmp_path):
    import subprocess
    import sys
    import tempfile

    from etude.engine import kernel, rundir
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale, alive = engine.new_run_dir(tmp_path), engine.new_run_dir(tmp_path)
    for run, pid in ((stale, dead.pid), (alive, os.getpid())):
        (run / "manifest.json").write_text(json.dumps({"status": "running", "pid": pid}), encoding="utf-8")
        (run / "tables").mkdir()
        (run / "tables" / ".t.csv.abc.part").write_text("moitié")
    scratch = Path(tempfile.mkdtemp(prefix=kernel.scratch_prefix(stale.name)))
    assert rundir.mark_stale_runs(tmp_path) == [stale]
    assert _manifest(stale)["status"] == "interrupted" and _manifest(alive)["status"] == "running"
    assert not list(stale.rglob("*.part")) and list(alive.rglob("*.part"))
    assert not scratch.exists()
    assert rundir.mark_stale_runs(tmp_path) == []


def test_parameters_declare_bounds_in_their_comment_or_metadata_and_values_outside_are_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "slots = 4  # créneaux par acheteur [1, 50]\nalpha = 0.05  # seuil\nw = 0.5",
        metadata={"tags": ["parameters"]})],
        metadata={"etude": {"bounds": {"w": [0, 1]}}})
    declared = {"05_x": engine.notebook_parameters(nb)}
    assert {k: v["bounds"] for k, v in declared["05_x"].items()} == {"slots": (1, 50), "alpha": None, "w": (0, 1)}
    assert engine.type_parameters([("slots", "50"), ("w", "0,5")], declared) == {"05_x": {"slots": 50, "w": 0.5}}
    with pytest.raises(ParameterError, match=r"« slots » : valeur « 100000000 » hors bornes ; attendu : entre 1 et 50"):
        engine.type_parameters([("slots", "100000000")], declared)
    with pytest.raises(ParameterError, match="« w »"):
        engine.type_parameters([("w", "2")], declared)
    with pytest.raises(ParameterError, match="« alpha »"):
        engine.type_parameters([("alpha", "inf")], declared)


def test_the_study_notebooks_bound_the_parameters_that_size_their_work():
    nb05 = next(p for p in STUDY_NOTEBOOKS if p.name.startswith("05_"))
    declared = {"05": engine.notebook_parameters(nb05)}
    with pytest.raises(ParameterError, match="slots"):
        engine.type_parameters([("slots", "100000000")], declared)


@pytest.mark.parametrize("given, seconds", [(None, 600.0), ("2.5", 2.5), ("2,5", 2.5), (3, 3.0)])
def test_timeout_is_any_number_of_seconds(given, seconds):
    from etude.engine.parameters import check_run_options
    assert check_run_options(lang="fr", jobs=1, timeout=given)[2] == seconds


@pytest.mark.parametrize("given", ["0", "-1", "abc", "nan", "inf"])
def test_a_timeout_that_is_not_a_positive_number_is_refused(given):
    from etude.engine.parameters import check_run_options
    with pytest.raises(ParameterError, match="--timeout"):
        check_run_options(lang="fr", jobs=1, timeout=given)


def test_the_failure_banner_shows_an_error_text_as_text_whatever_it_holds():
    from etude.engine import kernel
    job = Job(name="03_x", source=OK, nb=None, params={}, n_cells=1)
    job.error = {"cell": 2, "ename": "ValueError",
                 "evalue": "`</code><script>alert('x')</script>` <img src=x onerror=alert(1)> **gras** "
                           "[lien](javascript:x)"}
    banner = kernel.error_banner(job)
    page = report.notebook_html(_nb(banner), "03_x")
    assert "<script>alert" not in page and "<img src=x" not in page and "<strong>gras" not in page
    assert 'href="javascript' not in page
    assert "ValueError" in page and "cellule 2" in page


# ------------------------------------------------------------------------------------ hooks for checks

def test_a_preflight_error_stops_the_run_before_any_notebook_and_lists_every_problem(tmp_path, capsys, monkeypatch):
    from etude.errors import InputError, problem
    seen = []

    def check(study):
        seen.append(study)
        return [problem("a.csv", row=3, column="Année", value="2019", expected="2017"),
                problem("b.csv", message="colonne en double", severity="warning")]
    with pytest.raises(InputError) as err:
        engine.reproduce(engine.RunOptions(notebooks=[OK], out=tmp_path / "out", preflight=[check]))
    assert len(err.value.problems) == 2 and seen == [paths.default_study()]
    assert not (tmp_path / "out").exists()
    from etude.engine import run as engine_run
    monkeypatch.setattr(engine_run, "PREFLIGHT_CHECKS", (check,))
    monkeypatch.setenv("ETUDE_ROOT", str(tmp_path))
    (tmp_path / "notebooks").mkdir()
    shutil.copy(OK, tmp_path / "notebooks" / OK.name)
    assert cli.main(["reproduce"]) == 1
    err_text = capsys.readouterr().err
    assert "a.csv, ligne 3, colonne « Année »" in err_text and "avertissement — b.csv" in err_text
    assert "aucun notebook n'a été lancé" in err_text and "Traceback" not in err_text
    assert not (tmp_path / "outputs").exists()


@pytest.mark.slow
def test_a_post_run_finding_fails_the_run_keeps_it_and_leaves_latest(tmp_path):
    good = engine.reproduce(engine.RunOptions(notebooks=[OK], out=tmp_path, preflight=[lambda study: []]))
    assert good.ok and (tmp_path / "latest").resolve() == good.run_dir.resolve()
    findings = pd.DataFrame({"file": ["tables/essai_table.csv"], "finding": ["cellule < 5"]})
    checked = []
    bad = engine.reproduce(engine.RunOptions(notebooks=[OK], out=tmp_path,
                                             post_checks=[lambda run, params: checked.append(run) or findings,
                                                          lambda run, params: findings.iloc[:0]]))
    assert checked == [bad.run_dir] and (bad.run_dir / "report.html").is_file()
    assert not bad.ok and bad.statuses == {"01_ok": "ok"}
    m = _manifest(bad.run_dir)
    assert m["status"] == "failed" and m["checks"][0]["findings"] == 1
    assert m["checks"][0]["rows"] == [{"file": "tables/essai_table.csv", "finding": "cellule < 5"}]
    assert (tmp_path / "latest").resolve() == good.run_dir.resolve()
