"""Issue 27 item 5: a run folder names no machine — no absolute path, host or user name in any of its files."""
import getpass
import os
import platform
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest

from etude import engine, paths
from etude.engine import portable


def test_portable_text_writes_machine_paths_relative():
    anchors = portable.machine_anchors(run_dir="/srv/out/r1", study="/srv/etudes/a/etude.yaml", root="/srv/repo",
                                       home=False)
    text = 'study = "/srv/etudes/a/etude.yaml"\noutput_dir = "/srv/out/r1"\n/srv/repo/.venv/lib/x.py /srv/out'
    assert portable.portable_text(text, anchors) == 'study = "etude.yaml"\noutput_dir = "."\n.venv/lib/x.py ..'


def _texts(run: Path):
    """``(file, text)`` of every file of a run: text files as text, PDF by pdftotext, PPTX/XLSX by their XML."""
    for path in sorted(p for p in run.rglob("*") if p.is_file()):
        rel = path.relative_to(run).as_posix()
        if path.suffix in (".pptx", ".xlsx"):
            with zipfile.ZipFile(path) as z:
                yield rel, " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                                    if n.endswith((".xml", ".rels")))
        elif path.suffix == ".pdf" and shutil.which("pdftotext"):
            yield rel, subprocess.run(["pdftotext", str(path), "-"], capture_output=True).stdout.decode("utf-8",
                                                                                                     "replace")
            yield rel, path.read_bytes().decode("latin-1")
        else:
            yield rel, path.read_bytes().decode("utf-8", "replace")


@pytest.mark.slow
def test_a_demo_run_folder_holds_no_absolute_path_host_or_user(monkeypatch):
    monkeypatch.setenv("ETUDE_SALT", "3b1f0e6c2d9a48c7b5e4f3a2918d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807")
    out = Path(tempfile.mkdtemp(prefix="etude-portable-"))
    try:
        result = engine.reproduce(engine.RunOptions(out=out, use_cache=False, jobs=2))
        assert result.ok, result.errors
        user, host = getpass.getuser(), platform.node()
        folders = {str(out), str(result.run_dir), str(paths.root()), str(Path.home()), os.getcwd(),
                   str(paths.default_study().parent)}
        machine = re.compile("|".join(re.escape(f) for f in sorted(folders, key=len, reverse=True) if len(f) > 1))
        user_re = re.compile(rf"(?:/home/|/Users/|/){re.escape(user)}(?=[/\"'\s])|\b{re.escape(user)}@")
        leaks = []
        for rel, text in _texts(result.run_dir):
            text_only = re.sub(r"<style\b.*?</style>", " ", text, flags=re.S)
            leaks += [(rel, m.group(0)) for m in machine.finditer(text)]
            leaks += [(rel, m.group(0)) for m in user_re.finditer(text_only)]
            if f'"{host}"' in text or (len(host) >= 4 and re.search(rf"\b{re.escape(host)}\b", text_only)):
                leaks.append((rel, host))
        assert not leaks, leaks[:20]
    finally:
        shutil.rmtree(out, ignore_errors=True)
