"""The bad-input catalogue (tests/bad_inputs/make_cases.py): every broken file gets a message a user can act on.

For each case the ``etude`` command is called in-process (``etude.cli.main``) on files written into a temporary
folder; the test checks the exit code, that the output names what the case expects (file, row, column, the
expected form) and that no raw traceback reaches the user.
"""
from __future__ import annotations

import re

import pytest
from bad_inputs import make_cases

from etude import cli, paths

CASES = make_cases.cases()


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).casefold()


def test_catalogue_has_at_least_130_cases_across_every_format():
    bad = [c for c in CASES if not c["id"].startswith("ok_")]
    assert len(CASES) >= 130 and len(bad) >= 115  # issue 28: at least 130 cases in all
    assert {c["fmt"] for c in bad} == {"csv", "xlsx", "mapping", "study", "decp", "demo"}
    assert len({c["id"] for c in CASES}) == len(CASES)


def _run(case, folder, capsys, monkeypatch):
    """Run one case in-process; returns (exit code, stdout + stderr)."""
    argv = case["make"](folder)
    for k, v in (case["env"](folder) if case.get("env") else {}).items():
        monkeypatch.setenv(k, v)
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse
        code = exc.code
    except Exception as exc:  # noqa: BLE001 - an escaped exception is exactly what the catalogue catches
        out, err = capsys.readouterr()
        return None, f"{out}{err}\nexception non gérée {type(exc).__name__}: {exc}"
    out, err = capsys.readouterr()
    return code, out + err


#: What each case printed, as seen by the test above in this process (case id -> output), for the README check.
_PRINTED: dict[str, str] = {}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input_gives_an_actionable_message(case, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ETUDE_SALT", "72a73aa53112f217b83e74d69a9fd17799222e8fb31ad4d1b87d8eca91e63753")
    monkeypatch.chdir(tmp_path)
    code, text = _run(case, tmp_path, capsys, monkeypatch)
    _PRINTED[case["id"]] = text
    assert code is not None, f"{case['id']}: {text[-3000:]}"
    assert "Traceback" not in text, text[-2000:]
    # pandas leaking through a message: missing values as « nan », row numbers as floats
    assert not re.search(r"\bnan\b|ligne \d+\.0\b", text), f"NaN ou numéro de ligne flottant :\n{text[-3000:]}"
    assert len(text) < 20_000, f"message de {len(text)} caractères"
    assert code == case["exit"], f"code {code}, attendu {case['exit']}\n--- sortie ---\n{text[-3000:]}"
    folded = _fold(text)
    missing = []
    for frag in case["expect"]:
        alternatives = frag if isinstance(frag, tuple) else (frag,)
        if not any(_fold(a) in folded for a in alternatives):
            missing.append(" | ".join(alternatives))
    assert not missing, f"{case['id']}: absent du message : {missing}\n--- sortie ---\n{text[-3000:]}"
    present = [frag for frag in case.get("absent", ()) if _fold(frag) in folded]
    assert not present, f"{case['id']}: présent dans la sortie : {present}\n--- sortie ---\n{text[-3000:]}"
    if case.get("after"):
        assert case["after"](tmp_path), f"{case['id']}: la condition finale n'est pas tenue"


def _readme_messages() -> list[str]:
    """The message extracts of the README's « Dépannage » table (first column, in backticks)."""
    text = (paths.root() / "README.md").read_text(encoding="utf-8")
    assert "## Dépannage" in text, "le README n'a pas de section « Dépannage »"
    section = text.split("## Dépannage", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [m for line in rows for m in re.findall(r"`([^`]+)`", line.split("|")[1])]


def test_readme_troubleshooting_table_quotes_messages_the_catalogue_really_prints(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ETUDE_SALT", "72a73aa53112f217b83e74d69a9fd17799222e8fb31ad4d1b87d8eca91e63753")
    monkeypatch.chdir(tmp_path)
    outputs = []
    for i, case in enumerate(CASES):
        if case["id"].startswith("ok_"):
            continue
        if case["id"] not in _PRINTED:  # this test run alone: run the case here, as the test above does
            folder = tmp_path / str(i)
            folder.mkdir()
            with monkeypatch.context() as m:
                _PRINTED[case["id"]] = _run(case, folder, capsys, m)[1]
        outputs.append(_fold(_PRINTED[case["id"]]))
    everything = "\n".join(outputs)
    messages = _readme_messages()
    assert len(messages) >= 15
    unseen = []
    for msg in messages:
        pieces = [p.strip(" «»") for p in msg.split("…")]
        if not all(_fold(p) in everything for p in pieces if len(p.strip(" ?")) > 0):
            unseen.append(msg)
    assert not unseen, f"messages du README qu'aucun cas du catalogue ne produit : {unseen}"
