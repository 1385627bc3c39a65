"""The bad-input catalogue (tests/bad_inputs/make_cases.py): every broken file gets a message a user can act on.

For each case the ``etude`` command is called in-process (``etude.cli.main``) on files written into a temporary
folder; the test checks the exit code, that the output names what the case expects (file, row, column, the
expected form) and that no raw traceback reaches the user.
"""
from __future__ import annotations

import re

import pytest

from bad_inputs import make_cases
from etude import cli

CASES = make_cases.cases()


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).casefold()


def test_catalogue_has_at_least_25_bad_cases_across_every_format():
    bad = [c for c in CASES if not c["id"].startswith("ok_")]
    assert len(bad) >= 25
    assert {c["fmt"] for c in bad} == {"csv", "xlsx", "mapping", "study", "decp"}
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input_gives_an_actionable_message(case, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ETUDE_SALT", "catalogue-de-test")
    monkeypatch.chdir(tmp_path)
    argv = case["make"](tmp_path)
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse
        code = exc.code
    except Exception as exc:  # noqa: BLE001 - an escaped exception is exactly what this test catches
        out, err = capsys.readouterr()
        pytest.fail(f"{case['id']}: exception non gérée {type(exc).__name__}: {exc}\n--- sortie ---\n{out}{err}")
    out, err = capsys.readouterr()
    text = out + err
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
