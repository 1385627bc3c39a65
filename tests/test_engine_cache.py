"""The cache of executed notebooks (``etude.engine.cache``) and ``etude verify`` (``etude.engine.verify``).

Two tiny notebooks written by the tests: ``01_a`` declares ``min_cell`` and ``source_file`` (a file it reads) and
writes table ``t_a``; ``02_b`` declares neither and writes ``t_b``. Each run takes a few seconds (one kernel per
notebook that is not reused).
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from etude import cli, engine
from etude.engine import cache, verify

#: This module's runs test the engine and never read report.pdf: no Chromium (tests/conftest.py, ``no_pdf``).
pytestmark = pytest.mark.usefixtures("no_pdf")


A_CODE = ('from etude.publish import outputs\nimport pandas as pd\n'
          'text = open(source_file, encoding="utf-8").read() if source_file else ""\n'
          'outputs.save_table(pd.DataFrame({"min_cell": [min_cell], "part": [1 / 3], "text": [text]}), "t_a", '
          'output_dir)')
B_CODE = ('from etude.publish import outputs\nimport pandas as pd\n'
          'outputs.save_table(pd.DataFrame({"label": [label]}), "t_b", output_dir)')


def _notebook(path: Path, params: str, code: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"# {path.stem}"),
        nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(code)])
    nbformat.write(nb, path)
    return path


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A throw-away repository (no data: the notebooks read only what their parameters name)."""
    (tmp_path / "notebooks").mkdir()
    _notebook(tmp_path / "notebooks" / "01_a.ipynb",
              'output_dir = ""\nmin_cell = 5  # effectif minimal [1, 1000]\nsource_file = ""', A_CODE)
    _notebook(tmp_path / "notebooks" / "02_b.ipynb", 'output_dir = ""\nlabel = "b"', B_CODE)
    (tmp_path / "entree.txt").write_text("version 1", encoding="utf-8")
    monkeypatch.setenv("ETUDE_ROOT", str(tmp_path))
    monkeypatch.setenv("ETUDE_SALT", "4fc56696ecf56407442c5e6204c37bf6f1f2b8fd39fd7d78aca01dba7db509f4")
    return tmp_path


def _manifest(run: Path) -> dict:
    return json.loads((run / "manifest.json").read_text(encoding="utf-8"))


def _cache_use(run: Path) -> dict[str, tuple[str, str | None]]:
    return {n["name"]: (n["cache"], n["reused_from"]) for n in _manifest(run)["notebooks"]}


# ------------------------------------------------------------------------------------------ the key (fast)

def _parts(nb_path: Path, **over):
    nb = nbformat.read(nb_path, as_version=4)
    params = {"output_dir": "/tmp/x", "min_cell": 5, "source_file": over.pop("source_file", "")}
    params.update(over.pop("params", {}))
    return cache.cache_key(cache.key_parts(nb, params, lang=over.pop("lang", "fr"),
                                           depends=over.pop("depends", {})))


def test_each_part_of_the_key_changes_the_key_and_nothing_else_does(root, monkeypatch):
    nb_path = root / "notebooks" / "01_a.ipynb"
    data = root / "entree.txt"
    base = _parts(nb_path, source_file=str(data))
    assert _parts(nb_path, source_file=str(data)) == base  # unchanged → same key
    assert _parts(nb_path, source_file=str(data), params={"output_dir": "/ailleurs"}) == base  # the run folder
    changed = {"parameter": _parts(nb_path, source_file=str(data), params={"min_cell": 6}),
               "language": _parts(nb_path, source_file=str(data), lang="en"),
               "dependency": _parts(nb_path, source_file=str(data), depends={"00_x": "abc"})}
    data.write_text("version 2", encoding="utf-8")
    changed["file read"] = _parts(nb_path, source_file=str(data))
    data.write_text("version 1", encoding="utf-8")
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[2].source += "\n# une ligne de plus"
    nbformat.write(nb, root / "edited.ipynb")
    changed["source"] = _parts(root / "edited.ipynb", source_file=str(data))
    with monkeypatch.context() as mp:
        mp.setattr(cache, "package_fingerprint", lambda: "autre-code")
        changed["package"] = _parts(nb_path, source_file=str(data))
    with monkeypatch.context() as mp:
        mp.setattr(cache, "library_versions", lambda modules: {"pandas": "0.0.1"})
        changed["libraries"] = _parts(nb_path, source_file=str(data))
    with monkeypatch.context() as mp:
        mp.setattr(sys, "executable", "/autre/python")
        changed["interpreter"] = _parts(nb_path, source_file=str(data))
    with monkeypatch.context() as mp:
        mp.setenv("ETUDE_SALT", "ea8415ef9f09585efc7847f39f7e6168c04d42b3a1309a5a09546e59a0505b7d")
        changed["salt"] = _parts(nb_path, source_file=str(data))
    assert _parts(nb_path, source_file=str(data)) == base
    same = [what for what, key in changed.items() if key == base]
    assert same == [], f"parties sans effet sur la clé : {same}"


def test_outputs_and_execution_metadata_do_not_change_the_key(root):
    nb_path = root / "notebooks" / "01_a.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="sortie")]
    nb.cells[2].execution_count = 7
    nb.cells[2].metadata["execution"] = {"iopub.status.busy": "2026-01-01"}
    nbformat.write(nb, root / "executed.ipynb")
    assert _parts(root / "executed.ipynb") == _parts(nb_path)


def test_the_cache_keeps_the_newest_entries_within_its_bound_and_removes_nothing_else(tmp_path):
    import os
    import time

    from etude import cachefiles
    foreign = tmp_path / "k0"  # not stored by etude (not in the index): never removed, whatever its size or age
    foreign.mkdir()
    (foreign / "notebook.ipynb").write_bytes(b"y" * 5000)
    (foreign / "meta.json").write_text("{}")
    for i, key in enumerate(("k1", "k2", "k3")):
        tmp = cachefiles.new_tmp_dir(tmp_path)
        (tmp / "notebook.ipynb").write_bytes(b"x" * 1000)
        (tmp / "meta.json").write_text("{}")
        assert cachefiles.store_entry(tmp_path, key, tmp) == tmp_path / key
        record = tmp_path / cachefiles.INDEX / f"{key}.json"
        os.utime(record, (time.time() - 100 + i, time.time() - 100 + i))
    assert cache.evict(tmp_path, max_bytes=2100) == ["k1"]
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["k0", "k2", "k3"]
    assert cache.evict(tmp_path, max_bytes=0) == ["k2", "k3"]
    assert (foreign / "notebook.ipynb").read_bytes() == b"y" * 5000


# ------------------------------------------------------------------------------------------ runs

@pytest.mark.slow
def test_an_unchanged_rerun_reuses_every_notebook_and_writes_identical_tables(root):
    first = engine.reproduce(engine.RunOptions(parameters=[("source_file", str(root / "entree.txt"))]))
    assert first.ok, first.errors
    assert first.cache == {"01_a": "miss", "02_b": "miss"}
    second = engine.reproduce(engine.RunOptions(parameters=[("source_file", str(root / "entree.txt"))]))
    assert second.ok and second.cache == {"01_a": "hit", "02_b": "hit"}
    assert _cache_use(second.run_dir) == {"01_a": ("hit", first.run_dir.name), "02_b": ("hit", first.run_dir.name)}
    for table in ("t_a.csv", "t_b.csv"):
        assert (second.run_dir / "tables" / table).read_bytes() == (first.run_dir / "tables" / table).read_bytes()
    executed = nbformat.read(second.run_dir / "notebooks" / "01_a.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    # issue 27: the executed copy names no machine folder; the run folder is « . »
    assert 'output_dir = "."' in injected.source and str(first.run_dir) not in injected.source
    assert (root / "outputs" / "latest").resolve() == second.run_dir.resolve()
    # every notebook reused: the deliverables assembled by the first run are copied, and the manifest says so
    assert _manifest(first.run_dir)["assembly"] == {"cache": "miss", "reused_from": None}
    assembly = _manifest(second.run_dir)["assembly"]
    assert (assembly["cache"], assembly["reused_from"]) == ("hit", first.run_dir.name)
    # each reused file: the sha256 the cache entry stored and the run it came from (etude verify checks them)
    files = _manifest(second.run_dir)["files"]
    reused = assembly["reused_files"] + [f for n in _manifest(second.run_dir)["notebooks"] for f in n["reused_files"]]
    assert {f["from_run"] for f in reused} == {first.run_dir.name}
    assert {"report.html", "tables/t_a.csv", "tables/t_b.csv", "notebooks/01_a.ipynb"} <= {f["file"] for f in reused}
    for f in reused:
        if not f["file"].startswith("notebooks/"):  # an executed notebook gets this run's parameters back
            assert files[f["file"]] == f["sha256"], f
    for name in ("report.html", "slides.html", "slides.pptx", "tables/tables.xlsx"):
        assert (second.run_dir / name).read_bytes() == (first.run_dir / name).read_bytes(), name

    # a parameter re-runs only the notebooks that declare it; a changed input re-runs the notebook that reads it
    third = engine.reproduce(engine.RunOptions(parameters=[("source_file", str(root / "entree.txt")),
                                                           ("min_cell", "6")]))
    assert third.cache == {"01_a": "miss", "02_b": "hit"}
    assert _manifest(third.run_dir)["assembly"]["cache"] == "miss"
    assert pd.read_csv(third.run_dir / "tables" / "t_a.csv")["min_cell"].tolist() == [6]
    (root / "entree.txt").write_text("version 2", encoding="utf-8")
    fourth = engine.reproduce(engine.RunOptions(parameters=[("source_file", str(root / "entree.txt")),
                                                            ("min_cell", "6")]))
    assert fourth.cache == {"01_a": "miss", "02_b": "hit"}
    assert pd.read_csv(fourth.run_dir / "tables" / "t_a.csv")["text"].tolist() == ["version 2"]
    fresh = engine.reproduce(engine.RunOptions(use_cache=False))
    assert fresh.cache == {"01_a": "miss", "02_b": "miss"} and _manifest(fresh.run_dir)["assembly"]["cache"] == "miss"


@pytest.fixture
def verified_run(root):
    result = engine.reproduce(engine.RunOptions(parameters=[("min_cell", "7")]))
    assert result.ok, result.errors
    return result.run_dir


@pytest.mark.slow
def test_verify_passes_on_a_run_and_names_each_missing_extra_or_changed_file(verified_run, capsys):
    run = verified_run
    assert verify.verify_run(run).empty
    assert cli.main(["verify", str(run)]) == 0
    table = run / "tables" / "t_a.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("7", "8"), encoding="utf-8")
    (run / "figures" / "ajout.png").write_bytes(b"x")
    (run / "tables" / "t_b.csv").unlink()
    found = verify.verify_run(run).set_index("file")["problem"].to_dict()
    assert found == {"tables/t_a.csv": "changed", "figures/ajout.png": "extra", "tables/t_b.csv": "missing"}
    capsys.readouterr()
    assert cli.main(["verify", str(run)]) == 1
    out = capsys.readouterr().out
    assert "tables/t_a.csv : fichier modifié" in out and "figures/ajout.png : fichier en trop" in out
    assert "tables/t_b.csv : fichier manquant" in out


@pytest.mark.slow
def test_verify_rerun_passes_then_names_table_row_column_old_and_new_value(verified_run, capsys, monkeypatch):
    run = verified_run
    assert verify.rerun_and_compare(run).ok
    table = run / "tables" / "t_a.csv"
    df = pd.read_csv(table)
    df.loc[0, "part"] = 0.34
    df.to_csv(table, index=False)
    result = verify.rerun_and_compare(run)
    assert not result.ok
    assert [(d["table"], d["row"], d["column"], d["new"]) for d in result.differences] == [
        ("t_a.csv", 2, "part", "0.3333333333333333")]
    assert result.differences[0]["old"] == "0.34"
    # a table the tables of a rerun would not give byte for byte but within 1e-9: not a difference
    df.loc[0, "part"] = 1 / 3 + 1e-12
    df.to_csv(table, index=False)
    assert verify.rerun_and_compare(run).differences == []
    # another salt: said once, not as differences of ids
    monkeypatch.setattr(verify, "salt_fingerprint", lambda: "0000000000000000")
    other = verify.rerun_and_compare(run)
    assert other.salt_note and "sel" in other.salt_note and not other.ok
    capsys.readouterr()
    shutil.copy(run / "manifest.json", run / "manifest.copy")  # an extra file: verify stops before re-running
    assert cli.main(["verify", str(run), "--rerun"]) == 1
    assert "manifest.copy : fichier en trop" in capsys.readouterr().out


@pytest.mark.slow
def test_verify_rerun_checks_the_inputs_first(root, capsys):
    result = engine.reproduce(engine.RunOptions(parameters=[("source_file", str(root / "entree.txt"))]))
    manifest = _manifest(result.run_dir)
    manifest["inputs"] = [{"path": str(root / "entree.txt"), "sha256": "0" * 64}]
    (result.run_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    comparison = verify.rerun_and_compare(result.run_dir)
    assert comparison.inputs == [f"{root / 'entree.txt'} : entrée modifiée depuis l'exécution (sha256 différent)"]
    assert not comparison.ok


def test_tables_compare_numbers_within_1e_9_and_text_exactly():
    old = pd.DataFrame({"id": ["A-0123456789abcdef", "x"], "n": ["10", "0.5"]})
    new = pd.DataFrame({"id": ["A-fedcba9876543210", "x "], "n": ["10.000000001", "0.500001"]})
    diffs = verify.compare_frames(old, new, "t.csv")
    assert [(d["row"], d["column"]) for d in diffs] == [(2, "id"), (3, "id"), (3, "n")]
    assert verify.compare_frames(old, old.iloc[:1], "t.csv")[-1] == {
        "table": "t.csv", "row": 3, "column": "(ligne)", "old": "présente", "new": "absente"}


# ------------------------------------------------------------------------------------------ a cache that proves itself

def _entry_of(root: Path, name: str) -> Path:
    """The notebooks-cache entry etude stored for notebook ``name`` (its index record names it)."""
    from etude import cachefiles
    folder = root / "outputs" / ".cache" / "notebooks"
    found = [n for n, record, _ in cachefiles.listed(folder) if record.get("label") == name]
    assert len(found) == 1, found
    return folder / found[0]


class _Log(engine.Progress):
    def __init__(self):
        import io
        super().__init__(stream=io.StringIO(), tty=False)

    @property
    def text(self) -> str:
        return self.stream.getvalue()


@pytest.mark.slow
def test_a_table_changed_in_the_cache_is_not_served_said_once_and_flagged_by_verify(root):
    first = engine.reproduce(engine.RunOptions(parameters=[("min_cell", "7")]))
    second = engine.reproduce(engine.RunOptions(parameters=[("min_cell", "7")]))
    assert second.cache == {"01_a": "hit", "02_b": "hit"} and verify.verify_run(second.run_dir).empty
    cached = _entry_of(root, "01_a") / "files" / "tables" / "t_a.csv"
    cached.write_text(cached.read_text(encoding="utf-8").replace("7", "9"), encoding="utf-8")
    # verify: the run's own files are intact, but the entry it reused no longer holds what it gave
    rows = verify.verify_run(second.run_dir)
    assert rows[["file", "problem"]].values.tolist() == [["tables/t_a.csv", "cache_changed"]]
    log = _Log()
    third = engine.reproduce(engine.RunOptions(parameters=[("min_cell", "7")]), progress=log)
    assert third.cache == {"01_a": "miss", "02_b": "hit"}
    assert (third.run_dir / "tables" / "t_a.csv").read_bytes() == (first.run_dir / "tables" / "t_a.csv").read_bytes()
    said = [line for line in log.text.splitlines() if line.startswith("– cache")]
    assert said == [f"– cache : entrée notebooks/{_entry_of(root, '01_a').name[:12]}… (01_a) modifiée depuis son "
                    "écriture (files/tables/t_a.csv : sha256 différent) : écartée, refaite"]
    assert verify.verify_run(third.run_dir).empty
    fourth = engine.reproduce(engine.RunOptions(parameters=[("min_cell", "7")]), progress=(log := _Log()))
    assert fourth.cache == {"01_a": "hit", "02_b": "hit"} and "– cache" not in log.text


def _plant(nb_path: Path, sentence: str) -> None:
    """Add ``sentence`` as a printed output of the notebook's last code cell."""
    nb = nbformat.read(nb_path, as_version=4)
    cell = [c for c in nb.cells if c.cell_type == "code"][-1]
    cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=sentence + "\n"))
    nbformat.write(nb, nb_path)


@pytest.mark.slow
def test_a_sentence_planted_in_a_cached_notebook_never_reaches_the_report(root):
    first = engine.reproduce()
    _plant(_entry_of(root, "02_b") / "notebook.ipynb", "99 % des acheteurs veulent innover.")
    log = _Log()
    second = engine.reproduce(progress=log)
    assert second.cache == {"01_a": "hit", "02_b": "miss"}
    assert "(02_b) modifiée depuis son écriture (notebook.ipynb : sha256 différent)" in log.text
    for name in ("report.html", "slides.html", "notebooks/02_b.ipynb", "notebooks/02_b.html"):
        assert "99 % des acheteurs" not in (second.run_dir / name).read_text(encoding="utf-8"), name
    assert first.ok and second.ok


@pytest.mark.slow
def test_verify_rerun_names_a_planted_sentence_its_notebook_and_cell(verified_run, capsys):
    run = verified_run
    _plant(run / "notebooks" / "02_b.ipynb", "99 % des acheteurs veulent innover.")
    manifest = _manifest(run)  # the manifest rewritten to match: only a re-execution can tell
    manifest["files"]["notebooks/02_b.ipynb"] = verify.sha256(run / "notebooks" / "02_b.ipynb")
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert verify.verify_run(run).empty
    assert cli.main(["verify", str(run), "--rerun"]) == 1
    out = capsys.readouterr().out
    assert ("notebooks/02_b.ipynb, cellule 3 : phrase « 99 % des acheteurs veulent innover. », à la réexécution "
            "« (absente) »") in out


@pytest.mark.slow
def test_eviction_under_a_tiny_cap_removes_only_what_etude_wrote(root, monkeypatch, tmp_path):
    out = tmp_path / "partage"
    foreign = {}
    for folder in ("html", "checks", "workbooks", "parameters", "notebooks", "assembly", "studies"):
        path = out / ".cache" / folder / "fichier_a_moi.dat"
        path.parent.mkdir(parents=True)
        path.write_bytes(b"x" * 4096)
        foreign[path] = b"x" * 4096
    (out / ".cache" / "html" / ("0" * 64 + ".html")).write_text("<p>pas d'etude</p>", encoding="utf-8")
    foreign[out / ".cache" / "html" / ("0" * 64 + ".html")] = b"<p>pas d'etude</p>"
    monkeypatch.setenv("ETUDE_CACHE_MAX_MB", "0.0001")  # 104 bytes: every entry etude keeps is larger
    result = engine.reproduce(engine.RunOptions(out=out))
    assert result.ok, result.errors
    assert all(path.read_bytes() == data for path, data in foreign.items())
    from etude import cachefiles
    for folder in ("html", "workbooks", "notebooks", "assembly"):
        assert cachefiles.listed(out / ".cache" / folder) == [], folder  # etude's own went over the cap


def test_a_changed_decp_file_changes_the_key_of_the_notebook_that_reads_it(tmp_path):
    # a DECP file given with -p decp (relative or absolute) is part of the key; so is the demo's extract
    decp = tmp_path / "decp.json"
    decp.write_text('{"marches": []}', encoding="utf-8")
    params = {"decp": str(decp), "study": ""}
    before = cache.files_read(params)
    assert str(decp.resolve()) in before
    decp.write_text('{"marches": [{"id": "1"}]}', encoding="utf-8")
    assert cache.files_read(params) != before
    demo = cache.files_read({"decp": "", "study": ""})
    assert any(p.endswith("decp_simule_consolide.csv") for p in demo)
    assert not any("decp" in p for p in cache.files_read({"study": ""}))  # a notebook without DECP
