"""One fresh ``etude reproduce`` of the demo study per test session, shared by the reliability tests.

The study takes a while to run; the privacy scan and the browser check read the same run folder, so it is
made once (in a temporary folder, never in the repository's ``outputs/``) and reused.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_CACHE: dict[str, Path] = {}


def etude(*args: str, env: dict | None = None, cwd: str | Path | None = None,
          timeout: float = 1500) -> subprocess.CompletedProcess:
    """Run the ``etude`` command (``python -m etude.cli``) in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "etude.cli", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=timeout)


def run_folder(proc: subprocess.CompletedProcess) -> Path:
    """The run folder ``etude reproduce`` printed as its last stdout line."""
    lines = [l for l in proc.stdout.splitlines() if l.strip()]
    assert lines, f"etude n'a rien affiché ; stderr :\n{proc.stderr[-3000:]}"
    return Path(lines[-1].strip())


def demo_run(tmp_path_factory) -> Path:
    """Run folder of a full ``etude reproduce`` on the demo study (made once per session)."""
    if "demo" not in _CACHE:
        out = tmp_path_factory.mktemp("demo_run")
        proc = etude("reproduce", "--out", str(out))
        assert proc.returncode == 0, f"etude reproduce a échoué :\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        folder = run_folder(proc)
        assert folder.is_dir() and folder.parent == out, (folder, out)
        _CACHE["demo"] = folder
    return _CACHE["demo"]
