"""A cache that proves itself (issue 28): ``etude.cachefiles``, the study's parse shared without pickle, and what
``etude verify`` compares beyond the manifest (cache entries, the notebooks' text).

Fast tests only: no notebook is executed here (the runs are in ``tests/test_engine_cache.py`` and the bad-input
catalogue, ``tests/bad_inputs/cases_engine.py``).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from etude import cachefiles
from etude.engine import cache, verify
from etude.survey import study as st

# ------------------------------------------------------------------------------------------ cachefiles


def _entry(folder: Path, name: str, files: dict[str, bytes], **kw) -> Path | None:
    tmp = cachefiles.new_tmp_dir(folder)
    for rel, data in files.items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_bytes(data)
    return cachefiles.store_entry(folder, name, tmp, **kw)


def test_a_kept_file_is_served_while_unchanged_and_refused_once_changed(tmp_path):
    path = cachefiles.store_text(tmp_path / "k.html", "<p>48,1 %</p>", run_id="r1")
    assert cachefiles.read_text(path) == "<p>48,1 %</p>"
    record = cachefiles.load_record(tmp_path, "k.html")
    assert record["files"] == {"k.html": hashlib.sha256(b"<p>48,1 %</p>").hexdigest()} and record["run_id"] == "r1"
    path.write_text("<p>99 % des acheteurs</p>", encoding="utf-8")
    assert cachefiles.read_text(path) is None  # a miss, never the changed text
    assert not path.exists() and cachefiles.load_record(tmp_path, "k.html") is None  # it was etude's: removed
    assert [n["name"] for n in cachefiles.take_refusals(tmp_path)] == ["k.html"]
    assert cachefiles.take_refusals(tmp_path) == []  # said once


def test_a_file_etude_did_not_list_is_a_miss_and_is_left_alone(tmp_path):
    (tmp_path / "k.html").write_text("posé là par quelqu'un d'autre", encoding="utf-8")
    assert cachefiles.read_text(tmp_path / "k.html") is None
    assert (tmp_path / "k.html").read_text(encoding="utf-8") == "posé là par quelqu'un d'autre"
    assert cachefiles.take_refusals(tmp_path) == []


def test_an_entry_is_refused_when_a_file_changes_disappears_or_becomes_a_link(tmp_path):
    files = {"meta.json": b"{}", "files/tables/freins.csv": b"item,n\nb_temps,16\n"}
    for damage in ("edit", "delete", "symlink"):
        entry = _entry(tmp_path, damage, files, label="02_freins")
        data, record = cachefiles.read_entry(tmp_path, damage)
        assert data == files and record["label"] == "02_freins"
        table = entry / "files" / "tables" / "freins.csv"
        if damage == "edit":
            table.write_bytes(b"item,n\nb_temps,99\n")
        elif damage == "delete":
            table.unlink()
        else:
            (tmp_path / "ailleurs.csv").write_bytes(files["files/tables/freins.csv"])
            table.unlink()
            table.symlink_to(tmp_path / "ailleurs.csv")
        assert cachefiles.read_entry(tmp_path, damage) is None
        assert not entry.exists()
        assert cachefiles.take_refusals(tmp_path) == [
            {"name": damage, "changed": ["files/tables/freins.csv"], "label": "02_freins", "run_id": None}]
    assert (tmp_path / "ailleurs.csv").is_file()  # a link is removed, never what it points to


def test_a_record_cannot_point_outside_its_entry(tmp_path):
    (tmp_path / cachefiles.INDEX).mkdir()
    (tmp_path / "secret.txt").write_text("x", encoding="utf-8")
    for files in ({"e/../secret.txt": "0" * 64}, {"/etc/passwd": "0" * 64}, {"autre/x": "0" * 64}, {"e/x": "court"}):
        (tmp_path / cachefiles.INDEX / "e.json").write_text(json.dumps({"files": files}), encoding="utf-8")
        (tmp_path / "e").mkdir(exist_ok=True)
        assert cachefiles.load_record(tmp_path, "e") is None
        assert cachefiles.evict(tmp_path, 0) == []
    assert (tmp_path / "secret.txt").is_file() and (tmp_path / "e").is_dir()


def test_a_listed_entry_is_stored_once_and_an_unlisted_folder_of_that_name_is_never_replaced(tmp_path):
    assert _entry(tmp_path, "k", {"a": b"1"}) is not None
    assert _entry(tmp_path, "k", {"a": b"2"}) is None  # first writer wins
    assert _entry(tmp_path, "k", {"a": b"3"}, replace=True) is not None  # etude's own: replaced on demand
    assert cachefiles.read_entry(tmp_path, "k")[0] == {"a": b"3"}
    (tmp_path / "u").mkdir()
    (tmp_path / "u" / "a").write_bytes(b"pas a etude")
    assert _entry(tmp_path, "u", {"a": b"4"}, replace=True) is None
    assert (tmp_path / "u" / "a").read_bytes() == b"pas a etude"
    assert not [p for p in tmp_path.glob(".tmp-*")]  # nothing left behind


def test_eviction_removes_listed_entries_only_oldest_first(tmp_path):
    foreign = {"notes.txt": b"x" * 5000, "photo.jpg": b"y" * 5000}
    for name, data in foreign.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "dossier").mkdir()
    (tmp_path / "dossier" / "f").write_bytes(b"z" * 5000)
    for i, name in enumerate(("a.json", "b.json", "c.json")):
        cachefiles.store_bytes(tmp_path / name, b"0" * 1000)
        os.utime(tmp_path / cachefiles.INDEX / f"{name}.json", (time.time() - 100 + i,) * 2)
    assert cache.evict_files(tmp_path, max_bytes=2000) == ["a.json"]
    assert cache.evict_files(tmp_path, max_bytes=0) == ["b.json", "c.json"]
    assert {p.name for p in tmp_path.iterdir()} == {"notes.txt", "photo.jpg", "dossier", cachefiles.INDEX}
    assert all((tmp_path / n).read_bytes() == d for n, d in foreign.items())


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temporary_folders_of_killed_runs_are_removed_and_nothing_else(tmp_path):
    root = tmp_path / ".cache"
    mine = cachefiles.new_tmp_dir(root / "notebooks")  # this process: alive, kept
    host = mine.name.split("-")[2]
    dead = root / "notebooks" / f".tmp-{_dead_pid()}-{host}-0badc0de"
    old_style = root / "assembly" / ".tmp-0123456789ab-deadbeef"
    young_old_style = root / "assembly" / ".tmp-ba9876543210-feedface"
    user = root / "notebooks" / ".tmp-notes"  # not etude's name
    for folder in (dead, old_style, young_old_style, user):
        (folder / "files").mkdir(parents=True)
        (folder / "files" / "moitié.csv").write_text("moitié", encoding="utf-8")
    os.utime(old_style, (time.time() - 2 * cachefiles.STALE_AFTER_S,) * 2)
    lines = cache.refusal_lines(root)
    assert not dead.exists() and not old_style.exists()
    assert mine.is_dir() and young_old_style.is_dir() and user.is_dir()
    assert len(lines) == 1 and "2 dossier(s) temporaire(s)" in lines[0] and "retiré(s)" in lines[0]
    assert cache.refusal_lines(root) == []


def test_refusals_of_every_cache_folder_are_said_once_naming_entry_notebook_and_file(tmp_path):
    root = tmp_path / ".cache"
    entry = _entry(root / "notebooks", "ab" * 32, {"notebook.ipynb": b"{}", "files/tables/freins.csv": b"n\n16\n"},
                   label="02_freins")
    (entry / "files" / "tables" / "freins.csv").write_bytes(b"n\n99\n")
    assert cache.lookup(root / "notebooks", "ab" * 32) == entry  # listed: its files are checked on restore
    assert cache.restore(entry, tmp_path / "run", name="02_freins") is None
    assert not (tmp_path / "run").exists()  # nothing copied from a changed entry
    cachefiles.store_text(root / "html" / "p.html", "<p>1</p>")
    (root / "html" / "p.html").write_text("<p>2</p>", encoding="utf-8")
    assert cachefiles.read_text(root / "html" / "p.html") is None
    lines = cache.refusal_lines(root)
    assert lines == [
        "– cache : entrée notebooks/abababababab… (02_freins) modifiée depuis son écriture "
        "(files/tables/freins.csv : sha256 différent) : écartée, refaite",
        "– cache : entrée html/p.html modifiée depuis son écriture (p.html : sha256 différent) : écartée, refaite"]
    assert cache.refusal_lines(root) == []


def test_a_restored_entry_gives_each_file_its_stored_sha256_and_run(tmp_path):
    run1 = tmp_path / "runs" / "20260101-000000-aaaaaa"
    (run1 / "tables").mkdir(parents=True)
    (run1 / "tables" / "t.csv").write_text("n\n16\n", encoding="utf-8")
    entry = cache.store(tmp_path / "nb", "k" * 64, nb_json="{}", run_dir=run1, written=[str(run1 / "tables/t.csv")],
                        parts={}, label="01_a")
    run2 = tmp_path / "runs" / "20260102-000000-bbbbbb"
    restored = cache.restore(entry, run2, name="01_a")
    assert restored.files == ["tables/t.csv"] and restored.run_id == run1.name
    assert (run2 / "tables" / "t.csv").read_text(encoding="utf-8") == "n\n16\n"
    assert restored.reused == [
        {"file": "notebooks/01_a.ipynb", "sha256": hashlib.sha256(b"{}").hexdigest(), "from_run": run1.name,
         "entry_file": "notebook.ipynb"},
        {"file": "tables/t.csv", "sha256": hashlib.sha256(b"n\n16\n").hexdigest(), "from_run": run1.name,
         "entry_file": "files/tables/t.csv"}]


# ------------------------------------------------------------------------------------------ the shared parse


@pytest.fixture
def parsed(monkeypatch):
    """The demo study parsed in this process (what the engine's pre-flight check leaves to share)."""
    monkeypatch.setenv("ETUDE_SALT", "9f075e5aa2716d1bc1eb01a704f3ed54a24cdd8f95c074655447a03bfcbf3f2f")
    st._LAST_LOAD.clear()
    st.load_study()
    return next(iter(st._LAST_LOAD))


def _odd_tables() -> dict[str, pd.DataFrame]:
    """Dtypes a pickle would keep and Parquet alone might not: nullable booleans with NA, categoricals with an
    unused or ordered category, ints as categories, text with NA, ``attrs``."""
    t = pd.DataFrame({
        "respondent_id": pd.array(["A-1", "A-2", None], dtype="str"),
        "b_temps": pd.array([True, None, False], dtype="boolean"),
        "wave": pd.array([2017, 2018, 2018], dtype="int64"),
        "buyer_type": pd.Categorical(["etat", None, "etat"], categories=["etat", "collectivite", "autre"]),
        "size": pd.Categorical(["pme", "tpe", "pme"], categories=["tpe", "pme", "eti"], ordered=True),
        "year": pd.Categorical([2017, 2018, 2017], categories=[2018, 2017]),
        "simulated": [True, True, False]})
    t.attrs = {"source": "démo", "waves": [2017, 2018]}
    return {"buyers": t, "companies": t.iloc[:0].copy()}


def test_the_shared_parse_is_parquet_and_json_and_comes_back_exactly(parsed, tmp_path):
    tables = _odd_tables()
    problems = [{"file": "x.csv", "row": 3, "column": "Organisme", "value": "é\u202e", "expected": None,
                 "message": "information", "severity": "info"}]
    st._LAST_LOAD[parsed] = (tables, problems)
    entry = st.share_parsed(None, tmp_path, tag="t")
    assert sorted(p.name for p in entry.iterdir()) == ["buyers.parquet", "companies.parquet", "meta.json"]
    for p in entry.iterdir():
        with pytest.raises(Exception):  # noqa: B017 — none of them is a pickle
            pickle.loads(p.read_bytes())
    st._LAST_LOAD.clear()
    assert st.remember_shared(None, tmp_path, tag="t")
    back, back_problems = st._LAST_LOAD[parsed]
    assert back_problems == problems
    for population, table in tables.items():
        pd.testing.assert_frame_equal(back[population], table, check_exact=True, check_categorical=True)
        assert [repr(d) for d in back[population].dtypes] == [repr(d) for d in table.dtypes]
        assert back[population].attrs == table.attrs
    assert st.remember_shared(None, tmp_path, tag="autre") is False  # another code or library: another name


def test_a_changed_or_forged_shared_parse_is_refused(parsed, tmp_path):
    entry = st.share_parsed(None, tmp_path, tag="t")
    table = entry / "buyers.parquet"
    table.write_bytes(table.read_bytes().replace(b"A-", b"Z-", 1))
    st._LAST_LOAD.clear()
    assert st.remember_shared(None, tmp_path, tag="t") is False and not entry.exists()
    assert cachefiles.take_refusals(tmp_path)[0]["changed"] == ["buyers.parquet"]
    # forged with a valid index (sha256 is public) but without the salt: the seal gives it away
    st.load_study()
    entry = st.share_parsed(None, tmp_path, tag="t")
    meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
    meta["seal"] = "0" * 64
    (entry / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    files, _ = cachefiles._tree_digests(tmp_path, entry.name)
    cachefiles._write_record(tmp_path, entry.name, files, 1, run_id=None, label="étude lue")
    st._LAST_LOAD.clear()
    assert st.remember_shared(None, tmp_path, tag="t") is False and not entry.exists()
    assert "sceau invalide" in cachefiles.take_refusals(tmp_path)[0]["reason"]


class _Payload:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_sealed_pickle_in_the_studies_cache_is_never_loaded(parsed, tmp_path):
    """What issue 28 found: a pickle sealed with the salt and named as the old code named its shared parse."""
    from etude.survey import privacy
    marker = tmp_path / "executé"
    data = pickle.dumps(_Payload(marker))
    seal = hmac.new(privacy.load_salt(create=False), data, hashlib.sha256).digest()
    old_name = hashlib.sha256(f"{parsed}|t".encode()).hexdigest()
    new_name = st._shared_entry(None, "t")[0]
    for name in (f"{old_name}.pickle", new_name, f"{new_name}.pickle"):
        (tmp_path / name).write_bytes(seal + data)
    st._LAST_LOAD.clear()
    assert st.remember_shared(None, tmp_path, tag="t") is False
    assert not marker.exists()
    assert all((tmp_path / n).is_file() for n in (f"{old_name}.pickle", new_name))  # not etude's: left alone


def test_no_module_of_the_package_loads_a_pickle():
    src = Path(st.__file__).resolve().parents[1]
    users = [p.relative_to(src).as_posix() for p in src.rglob("*.py") if "pickle" in p.read_text(encoding="utf-8")]
    assert users == []


# ------------------------------------------------------------------------------------------ verify


def _executed(cells: list) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=cells)


def _code(*outputs, tags=()) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell("x", outputs=list(outputs), metadata={"tags": list(tags)})


def _md(text: str):
    return nbformat.v4.new_output("display_data", data={"text/markdown": text, "text/plain": "<Markdown>"})


def _html(text: str):
    return nbformat.v4.new_output("display_data", data={"text/html": text, "text/plain": "<Table>"})


def test_the_text_a_notebook_shows_cell_by_cell():
    nb = _executed([
        nbformat.v4.new_markdown_cell("# Freins\n\nUne phrase. Une autre ?"),
        _code(tags=["injected-parameters"]),
        _code(_md("Sur **31** acheteurs, 48,1 % citent le temps."),
              _html('<style>td {color: red}</style><table id="T_1"><caption>Freins</caption>'
                    '<tr><th>Item</th><td>Temps</td><td>48,1 %</td></tr></table>'
                    '<img src="data:image/svg+xml;base64,AAAA" alt="figure">'),
              nbformat.v4.new_output("stream", name="stdout", text="écrit : tables/freins.csv\n"),
              nbformat.v4.new_output("stream", name="stderr", text="DeprecationWarning: …\n")),
    ])
    assert verify.notebook_sentences(nb) == [
        (1, ["# Freins", "Une phrase.", "Une autre ?"]),
        (2, ["Sur **31** acheteurs, 48,1 % citent le temps.", "Freins", "Item | Temps | 48,1 %",
             "écrit : tables/freins.csv"])]


def test_run_ids_dates_times_and_paths_are_set_aside_and_nothing_else():
    norm = verify.normalise_text
    assert norm("Exécution 20261207-051400-4ff625, le 2026-12-07T05:14:00, écrite dans /tmp/etude-verify-x/r/t")\
        == norm("Exécution 20270101-000000-abcdef, le 2027-01-01T00:00:00, écrite dans /home/a/outputs/r/t")
    assert norm("3 décembre 2026 à 10h15") == norm("1er janvier 2027 à 09:00")
    assert norm("A-0123456789abcdef", pseudonyms=True) == norm("A-fedcba9876543210", pseudonyms=True)
    assert norm("A-0123456789abcdef") != norm("A-fedcba9876543210")
    assert norm("48,1 % des acheteurs") != norm("99 % des acheteurs")
    assert norm("vagues 2017 et 2018") != norm("vagues 2017 et 2019")
    assert norm("/run/a", run_dirs=("/run/a",)) == "<exécution>"


def test_a_planted_sentence_is_named_with_its_notebook_and_cell(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    shown = _md("Sur 31 acheteurs, 48,1 % citent le temps. Exécution 20261207-051400-4ff625.")
    nbformat.write(_executed([nbformat.v4.new_markdown_cell("# Freins"), _code(shown)]), new / "02_freins.ipynb")
    planted = _md("Sur 31 acheteurs, 48,1 % citent le temps. 99 % des acheteurs veulent innover. "
                  "Exécution 20250101-000000-000000.")
    nbformat.write(_executed([nbformat.v4.new_markdown_cell("# Freins"), _code(planted)]), old / "02_freins.ipynb")
    diffs = verify.compare_notebook_texts(old, new)
    assert diffs == [{"notebook": "02_freins", "cell": 2, "old": "99 % des acheteurs veulent innover.",
                      "new": "(absente)"}]
    assert verify.format_difference(diffs[0]) == ("notebooks/02_freins.ipynb, cellule 2 : phrase « 99 % des "
                                                  "acheteurs veulent innover. », à la réexécution « (absente) »")
    assert verify.compare_notebook_texts(new, new) == []


def test_verify_checks_the_cache_entries_a_run_reused_or_stored(tmp_path):
    out = tmp_path / "outputs"
    run = out / "20260102-000000-bbbbbb"
    run.mkdir(parents=True)
    entry = _entry(out / ".cache" / "notebooks", "k" * 64,
                   {"notebook.ipynb": b"{}", "files/tables/t.csv": b"n\n16\n"}, run_id="20260101-000000-aaaaaa")
    reused = [{"file": "tables/t.csv", "sha256": hashlib.sha256(b"n\n16\n").hexdigest(),
               "from_run": "20260101-000000-aaaaaa", "entry_file": "files/tables/t.csv"}]
    manifest = {"run_id": run.name, "files": {}, "notebooks": [
        {"name": "01_a", "status": "ok", "cache": "hit", "cache_key": "k" * 64,
         "reused_from": "20260101-000000-aaaaaa", "reused_files": reused}]}
    assert verify.check_cache_sources(run, manifest) == []
    (entry / "files" / "tables" / "t.csv").write_bytes(b"n\n99\n")
    rows = verify.check_cache_sources(run, manifest)
    assert [(r["file"], r["problem"], r["found"]) for r in rows] == [
        ("tables/t.csv", "cache_changed", hashlib.sha256(b"n\n99\n").hexdigest())]
    assert verify.describe_problem(rows[0]) == (
        f"tables/t.csv : sa copie dans le cache (.cache/notebooks/{'k' * 64}/files/tables/t.csv) a changé depuis "
        "cette exécution")
    # the entry stored again by another run since: nothing left to compare
    cachefiles._write_record(out / ".cache" / "notebooks", "k" * 64, {f"{'k' * 64}/files/tables/t.csv": "0" * 64},
                             1, run_id="20260103-000000-cccccc", label=None)
    assert verify.check_cache_sources(run, manifest) == []
    # a run that stored the entry: its own files are compared with the entry's copies
    stored = {"run_id": "20260103-000000-cccccc", "files": {"tables/t.csv": hashlib.sha256(b"n\n16\n").hexdigest()},
              "notebooks": [{"name": "01_a", "status": "ok", "cache": "miss", "cache_key": "k" * 64}]}
    assert [r["file"] for r in verify.check_cache_sources(out / "20260103-000000-cccccc", stored)] == ["tables/t.csv"]


def test_parquet_reader_never_sees_bytes_the_seal_does_not_cover(parsed, tmp_path, monkeypatch):
    """The seal is checked before pyarrow reads anything."""
    entry = st.share_parsed(None, tmp_path, tag="t")
    meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
    meta["seal"] = "f" * 64
    (entry / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    files, _ = cachefiles._tree_digests(tmp_path, entry.name)
    cachefiles._write_record(tmp_path, entry.name, files, 1, run_id=None, label=None)
    monkeypatch.setattr(pd, "read_parquet", lambda *a, **k: pytest.fail("Parquet lu avant le sceau"))
    st._LAST_LOAD.clear()
    assert st.remember_shared(None, tmp_path, tag="t") is False
