"""The ``etude`` command for the engine's subcommands: ``notebooks``, ``reproduce``, ``run``.

``etude.cli.main`` is called with an argv list, as the console script does. A temporary repository
(``ETUDE_ROOT``) holds copies of the fixture notebooks, so the listing and the runs do not depend on the study's
own notebooks.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etude import cli

#: This module's runs test the engine and never read report.pdf: no Chromium (tests/conftest.py, ``no_pdf``).
pytestmark = pytest.mark.usefixtures("no_pdf")


FIXTURES = Path(__file__).parent / "notebooks"


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A throw-away repository with notebooks 01_ok and 03_fails."""
    (tmp_path / "notebooks").mkdir()
    for name in ("01_ok", "03_fails"):
        shutil.copy(FIXTURES / f"{name}.ipynb", tmp_path / "notebooks" / f"{name}.ipynb")
    monkeypatch.setenv("ETUDE_ROOT", str(tmp_path))
    return tmp_path


def test_notebooks_lists_each_notebook_with_its_parameters(root, capsys):
    assert cli.main(["notebooks"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "01_ok" and "03_fails" in out
    assert any(line.split()[:3] == ["n", "int", "3"] and "effectif minimal" in line for line in out)
    assert any(line.split()[:3] == ["flag", "bool", "False"] for line in out)


@pytest.mark.parametrize("argv, message", [
    (["reproduce", "-p", "n", "beaucoup"], "paramètre « n » : valeur « beaucoup » invalide ; attendu : un entier"),
    (["reproduce", "-p", "inconnu", "1"], "paramètre « inconnu » inconnu des notebooks choisis"),
    (["reproduce", "-p", "study", "x.yaml"], "utiliser l'option --study"),  # -p lang en is --lang en (issue 28)
    (["reproduce", "--jobs", "0"], "--jobs"),
    (["run", "99_absent"], "notebooks disponibles : 01_ok, 03_fails"),
])
def test_bad_arguments_give_one_french_line_and_exit_1_without_creating_a_run(root, capsys, argv, message):
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("erreur : ") and message in err and "Traceback" not in err
    assert not (root / "outputs").exists() or list((root / "outputs").iterdir()) == []


def test_an_unknown_language_is_refused_by_the_parser(root, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["reproduce", "--lang", "de"])
    assert exit_.value.code == 2 and "fr" in capsys.readouterr().err


@pytest.mark.slow
def test_run_one_notebook_prints_the_report_then_the_run_folder_last_and_never_moves_latest(root, capsys):
    assert cli.main(["run", "01_ok", "-p", "n", "5"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    run = Path(out[-1])
    assert run.parent == root / "outputs" and run.is_dir()
    assert out[-2] == f"Rapport : {run / 'report.html'}"
    assert (run / "report.html").is_file()
    # outputs/latest names the last complete successful `etude reproduce`, never a single notebook's run
    assert not (root / "outputs" / "latest").exists()


@pytest.mark.slow
def test_reproduce_exits_1_when_a_notebook_fails_and_still_prints_the_run_folder(root, tmp_path, capsys):
    out_dir = tmp_path / "ailleurs"
    assert cli.main(["reproduce", "--out", str(out_dir), "--jobs", "2"]) == 1
    captured = capsys.readouterr()
    run = Path(captured.out.strip().splitlines()[-1])
    assert run.parent == out_dir and (run / "manifest.json").is_file()
    assert "✗ 03_fails, cellule 4 (In [4]) : ZeroDivisionError: division by zero" in captured.err
    assert "Traceback" not in captured.err
    assert not (out_dir / "latest").exists()


def test_every_etude_command_a_notebook_quotes_is_one_the_cli_accepts():
    # readers copy these: « etude reproduce -p w_text=0 » was quoted, and argparse refuses it (-p takes NAME VALUE)
    import json
    import re
    import shlex

    from etude import paths
    parser = cli.build_parser()
    quoted = [m for nb in sorted(paths.notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
              for c in json.loads(nb.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "markdown"
              for m in re.findall(r"`(etude [^`]+)`", "".join(c["source"]))]
    # issue 29: the notebooks no longer tell readers a command; any one quoted must still parse
    for command in quoted:
        try:
            parser.parse_args(shlex.split(command)[1:])
        except SystemExit:
            pytest.fail(f"commande citée refusée par etude : {command}")
