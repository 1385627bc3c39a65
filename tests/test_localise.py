"""The notebooks' text in the reader's language (``etude.publish.localise``): keyed markdown cells, the catalogue
area ``notebooks``, and the engine's hook that puts the run's language into every notebook it prepares."""
import json
import re

import nbformat
import notebook_helpers as nbh
import pytest

from etude import engine, paths, publish, words
from etude.engine import kernel
from etude.engine import run as engine_run
from etude.errors import ParameterError, RunError
from etude.publish.localise import AREA, text_key
from etude.publish.reading import REMOVE_CELL_TAGS

NOTEBOOKS = sorted(paths.notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
#: A catalogue key as a notebook's code cell writes it: ``words.text("notebooks.02.title_buyers", …)``.
CODE_KEY = re.compile(r"""["'](notebooks\.(\d\d)\.[a-z0-9_]+)["']""")


def _number(path) -> str:
    return path.name[:2]


def _reader_markdown(nb: dict) -> list[dict]:
    """The markdown cells that reach a reader (report, slides): not tagged to be removed."""
    return [c for c in nb["cells"] if c["cell_type"] == "markdown"
            and not set(c["metadata"].get("tags", [])) & REMOVE_CELL_TAGS]


def _notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


# ------------------------------------------------------------------------------------------ the function

def test_keyed_cells_take_the_catalogue_text_and_nothing_else_changes():
    keyed = nbformat.v4.new_markdown_cell("ancien texte", metadata={"etude": {"section": "results",
                                                                             "text": "01.intro"}})
    plain = nbformat.v4.new_markdown_cell("# Sans clé")
    code = nbformat.v4.new_code_cell('x = "texte"', metadata={"etude": {"text": "01.intro"}})
    nb = _notebook(keyed, plain, code)
    before = nbformat.writes(nb)
    for lang in ("fr", "en"):
        out = publish.localised(nb, lang)
        assert out.cells[0].source == words.text("notebooks.01.intro", lang)
        assert [c.source for c in out.cells[1:]] == ["# Sans clé", 'x = "texte"']
        assert [c.id for c in out.cells] == [c.id for c in nb.cells]
        assert out.cells[0].metadata == keyed.metadata
    assert nbformat.writes(nb) == before  # pure: the notebook given is not changed
    assert publish.localised(nb, "en").cells[0].source.startswith("# Respondent profile")


def test_a_notebook_as_plain_json_is_localised_too():
    nb = nbh.read_notebook(paths.notebooks_dir() / "02_freins.ipynb")
    out = publish.localised(nb, "en")
    assert out.cells[0].source.startswith("# Barriers cited by buyers and by companies")
    assert nb["cells"][0]["source"][0].startswith("# Les freins")


def test_an_unknown_key_or_language_is_a_clear_error():
    nb = _notebook(nbformat.v4.new_markdown_cell("x", metadata={"etude": {"text": "07.nothing"}}))
    with pytest.raises(RunError, match=r"07_new, cellule 1 : texte « 07\.nothing » absent du catalogue "
                                       r"\(src/etude/words/en\.yaml"):
        publish.localised(nb, "en", name="07_new")
    with pytest.raises(ParameterError):
        publish.localised(_notebook(), "de")


def test_text_key_reads_markdown_cells_only():
    assert text_key({"cell_type": "markdown", "metadata": {}}) is None
    assert text_key({"cell_type": "markdown", "metadata": {"etude": {"section": "results"}}}) is None
    assert text_key({"cell_type": "markdown", "metadata": {"etude": {"text": "03.limits"}}}) == "03.limits"


# ------------------------------------------------------------------------------------------ the notebooks

@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_markdown_cell_a_reader_sees_has_a_key_of_its_notebook(path):
    nb = nbh.read_notebook(path)
    keys = [text_key(c) for c in _reader_markdown(nb)]
    assert keys and None not in keys, [c["id"] for c in _reader_markdown(nb) if text_key(c) is None]
    assert len(set(keys)) == len(keys), "a key used twice"
    assert all(k.startswith(f"{_number(path)}.") for k in keys), keys


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_committed_text_is_the_french_catalogue_entry(path):
    # the notebook keeps a readable French copy for JupyterLab; the catalogue is the truth: they never drift
    for cell in nbh.read_notebook(path)["cells"]:
        key = text_key(cell)
        if key is not None:
            assert "".join(cell["source"]) == words.text(f"{AREA}.{key}", "fr"), (path.name, key)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_cells_use_keys_of_their_own_notebook_that_exist(path):
    nb = nbh.read_notebook(path)
    for cell in nbh.code_cells(nb):
        for key, number in CODE_KEY.findall("".join(cell["source"])):
            assert number == _number(path), key
            assert words.has(key, "fr") and words.has(key, "en"), key


def test_every_entry_of_the_notebooks_area_is_used_by_its_notebook():
    used = set()
    for path in NOTEBOOKS:
        nb = nbh.read_notebook(path)
        used |= {f"{AREA}.{text_key(c)}" for c in nb["cells"] if text_key(c)}
        used |= {key for c in nbh.code_cells(nb) for key, _ in CODE_KEY.findall("".join(c["source"]))}
    entries = {k for k in words.catalogue("fr") if k.startswith(f"{AREA}.")}
    assert entries - used == set(), "entries no notebook uses"


def test_every_entry_is_translated():
    fr, en = words.catalogue("fr"), words.catalogue("en")
    same = [k for k in fr if k.startswith(f"{AREA}.") and fr[k] == en[k]]
    assert not same


def test_english_markdown_keeps_the_structure_of_the_french():
    # same heading levels, same code spans (file names, parameters, commands): a translation, not a rewrite
    fr, en = words.catalogue("fr"), words.catalogue("en")
    keys = [f"{AREA}.{text_key(c)}" for path in NOTEBOOKS for c in nbh.read_notebook(path)["cells"] if text_key(c)]
    for key in keys:
        heading = [re.match(r"#+ ", line).group(0) for line in fr[key].splitlines() if re.match(r"#+ ", line)]
        assert heading == [re.match(r"#+ ", line).group(0) for line in en[key].splitlines()
                           if re.match(r"#+ ", line)], key
        assert sorted(re.findall(r"`[^`]+`", fr[key])) == sorted(re.findall(r"`[^`]+`", en[key])), key


# ------------------------------------------------------------------------------------------ the engine

def _jobs(tmp_path, lang):
    plan = engine_run.plan_run(lang=lang, notebooks=["01_profil_repondants"])
    return engine_run._make_jobs(plan, tmp_path / lang)


def test_the_engine_prepares_each_notebook_in_the_run_language(tmp_path):
    (fr_job,), (en_job,) = _jobs(tmp_path, "fr"), _jobs(tmp_path, "en")
    kernel.ensure_prepared(en_job)
    shown = [c.source for c in en_job.nb.cells if c.cell_type == "markdown"]
    assert shown[0].startswith("# Respondent profile") and "## Who answered, wave by wave" in shown
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in en_job.nb.cells)
    committed = nbh.read_notebook(fr_job.source)
    assert [c.source for c in fr_job.nb.cells] == ["".join(c["source"]) for c in committed["cells"]]
    assert fr_job.key != en_job.key


@pytest.mark.slow
def test_an_english_run_shows_the_notebook_text_in_english(tmp_path_factory):
    from bad_inputs import runs
    run_dir = runs.english_run(tmp_path_factory)  # the session's English run of the demo (it succeeded)
    executed = json.loads((run_dir / "notebooks" / "01_profil_repondants.ipynb").read_text("utf-8"))
    markdown = ["".join(c["source"]) for c in _reader_markdown(executed)]
    assert markdown == [words.text(f"{AREA}.{text_key(c)}", "en") for c in _reader_markdown(executed)]
    report = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "Respondent profile" in report and "Profil des répondants" not in report


def test_a_text_missing_from_the_catalogue_stops_the_run_before_anything_is_created(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    nbformat.write(_notebook(nbformat.v4.new_markdown_cell("# X", metadata={"etude": {"text": "07.intro"}}),
                             nbformat.v4.new_code_cell('output_dir = ""', metadata={"tags": ["parameters"]})),
                   tmp_path / "notebooks" / "07_new.ipynb")
    monkeypatch.setenv("ETUDE_ROOT", str(tmp_path))
    with pytest.raises(RunError, match="07_new, cellule 1 : texte « 07.intro » absent du catalogue"):
        engine.reproduce(engine.RunOptions(out=tmp_path / "out", lang="en"))
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
