"""Extending stays a file change (issue 25 item 8): a new codebook item with ``seed: false`` and ``since:``, and its
link in the action plan, breaks no test.

A scratch copy of the repository (its ``data/`` copied, everything else linked) gains one buyers' barrier asked
from 2018 on, not in the 2017 restitution; the tests that read the codebook, the survey layer's doctests and the
plan's checks then run on that copy (``ETUDE_ROOT``), unchanged: one subprocess per test file, so that the
suite's processes share them (each is its own unit of work, ``tests/conftest.py``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from etude import paths

ROOT = Path(__file__).resolve().parents[1]
NEW_ITEM = """\
          - code: b_delais
            label_fr: Délais de procédure trop longs
            label_en: Procurement procedures take too long
            short_fr: Délais de procédure
            short_en: Procedure delays
            theme: juridique
            rationale: Long procedures are a procedural constraint, as the companies' unease with formalism.
            seed: false
            since: 2018
"""
NEW_LINK = """\
  - barrier: b_delais
    remedy: lev_professionnalisation
    solutions: [solution_2018_guide]
    objective: objectif_2018_outils_communs
    indicator:
    rationale: Des acheteurs formés et un guide commun raccourcissent les procédures.
"""
#: The tests that read the codebook's items, the plan's links and the survey layer's examples.
RELEVANT = ["tests/test_codebook.py", "tests/test_fidelity.py", "tests/test_plan.py", "tests/test_questionnaire.py",
            "tests/test_data.py", "tests/test_clean_text.py", "tests/test_context.py", "src/etude/survey"]


def _insert_after_items(text: str, question_end: str, block: str) -> str:
    """``block`` inserted before the first line of ``text`` that starts with ``question_end``."""
    at = text.index(question_end)
    return text[:at] + block + text[at:]


def extended_root(folder: Path) -> Path:
    """A scratch repository whose codebook has one more buyers' barrier (``seed: false``, ``since: 2018``) and
    whose action plan links it."""
    folder.mkdir(parents=True)
    for entry in ROOT.iterdir():
        if entry.name not in ("data", ".git", "outputs"):
            (folder / entry.name).symlink_to(entry)
    shutil.copytree(ROOT / "data", folder / "data")
    (folder / "outputs").mkdir()
    cb = folder / "data" / "codebook" / "codebook.yaml"
    text = cb.read_text(encoding="utf-8")
    buyers = text.index("\n  buyers:")
    cb.write_text(text[:buyers] + _insert_after_items(text[buyers:], "      remedies:", NEW_ITEM), encoding="utf-8")
    plan = folder / "data" / "reference" / "plan_action.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(_insert_after_items(text, "  - barrier: e_", NEW_LINK), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return extended_root(tmp_path_factory.mktemp("extended") / "repo")


def _run(root: Path, code: str) -> str:
    env = {**os.environ, "ETUDE_ROOT": str(root), "ETUDE_SHARED": str(paths.shared_dir())}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_scratch_codebook_has_the_new_item_asked_from_2018(root):
    out = _run(root, "from etude.survey import codebook as c; i = c.items('buyers').set_index('code')"
                     ".loc['b_delais']; print(int(i['since']), c.asked_in('buyers', 2017)['b_delais'],"
                     " c.asked_in('buyers', 2018)['b_delais'])")
    assert out == "2018 False True"
    out = _run(root, "from etude import survey; t = survey.load_study()['buyers'];"
                     " print(t.loc[t['wave'] == 2017, 'b_delais'].isna().all(),"
                     " [p['severity'] for p in survey.validate_study() if p['severity'] == 'error'])")
    assert out == "True []"


@pytest.mark.slow
@pytest.mark.parametrize("relevant", RELEVANT)
def test_every_relevant_test_passes_with_the_new_item(root, relevant):
    env = {**os.environ, "ETUDE_ROOT": str(root), "ETUDE_SHARED": str(paths.shared_dir())}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", "-m", "not slow and not browser",
           "-x", relevant]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-4000:]
