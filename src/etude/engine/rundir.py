"""Run folders: a fresh ``<out>/<YYYYmmdd-HHMMSS>-<id>/`` per run, ``latest``, and what killed runs leave behind.

``outputs/latest`` names the last complete successful ``etude reproduce``; it is swapped in atomically. A run
killed outright (power cut, ``kill -9``) cannot mark itself: the next run finds it still « running » with its
process gone, marks it « interrupted » and removes the ``.part`` files and kernel scratch folders it left.

Examples
--------
>>> import tempfile
>>> d = tempfile.mkdtemp()
>>> a, b = new_run_dir(d), new_run_dir(d)
>>> a != b and a.parent == b.parent
True
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import secrets
import shutil
import tempfile
from pathlib import Path

from etude import paths
from etude.engine.kernel import scratch_prefix
from etude.errors import RunError
from etude.files import atomic_write

__all__ = ["new_run_id", "new_run_dir", "update_latest", "mark_stale_runs", "process_alive", "remove_leftovers"]


def new_run_id(now: dt.datetime | None = None) -> str:
    """A run folder's name, ``<YYYYmmdd-HHMMSS>-<id>``: the random 6-hex-digit id keeps two runs started in the
    same second apart.

    >>> len(new_run_id(dt.datetime(2026, 3, 1, 9, 30))), new_run_id(dt.datetime(2026, 3, 1, 9, 30))[:16]
    (22, '20260301-093000-')
    """
    return f"{(now or dt.datetime.now()).strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"


def new_run_dir(out: str | os.PathLike | None = None, *, now: dt.datetime | None = None,
                run_id: str | None = None) -> Path:
    """Create and return a fresh ``<out>/<run id>/`` (default ``out``: ``outputs/``; :func:`new_run_id`).

    ``run_id`` is the name chosen beforehand (the engine names its kernels' scratch folders after it before the
    folder exists); if a folder already has it, another is drawn.
    """
    base = Path(out).resolve() if out else paths.outputs_dir()
    base.mkdir(parents=True, exist_ok=True)
    for attempt in range(100):
        candidate = base / (run_id if run_id and not attempt else new_run_id(now))
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise RunError(f"impossible de créer un dossier d'exécution dans {base}")  # pragma: no cover


def update_latest(run_dir: str | os.PathLike) -> Path:
    """Point ``<parent>/latest`` at ``run_dir``: a relative symlink swapped in atomically, or, where symlinks are
    not possible, a small text file holding the run folder's name."""
    run_dir = Path(run_dir)
    latest = run_dir.parent / "latest"
    tmp = run_dir.parent / f".latest-{secrets.token_hex(4)}"
    try:
        os.symlink(run_dir.name, tmp, target_is_directory=True)
        os.replace(tmp, latest)
    except (OSError, NotImplementedError):
        try:
            tmp.unlink()
        except OSError:
            pass
        if latest.is_dir() and not latest.is_symlink():
            raise RunError(f"{latest} est un dossier : impossible d'y noter la dernière exécution") from None
        atomic_write(latest, lambda p: p.write_text(run_dir.name + "\n", encoding="utf-8"))
    return latest


def process_alive(pid: object, host: object = None) -> bool:
    """Whether process ``pid`` still runs (on this machine; a run from another ``host`` is assumed alive).

    >>> process_alive(os.getpid()), process_alive(None)
    (True, False)
    """
    if host not in (None, platform.node()):
        return True
    if isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except OSError:
        return False
    return True


def remove_leftovers(run_dir: Path) -> list[Path]:
    """Remove the ``.part`` files under ``run_dir`` and its kernel scratch folders; returns what was removed."""
    removed = [p for p in run_dir.rglob("*.part") if p.is_file()]
    for p in removed:
        p.unlink(missing_ok=True)
    for scratch in Path(tempfile.gettempdir()).glob(scratch_prefix(run_dir.name) + "*"):
        shutil.rmtree(scratch, ignore_errors=True)
        removed.append(scratch)
    return removed


def mark_stale_runs(base: str | os.PathLike, *, except_run: Path | None = None) -> list[Path]:
    """Mark « interrupted » every run under ``base`` still « running » whose process is gone; clean up after it.

    Returns the run folders marked. A manifest that cannot be read is left alone.
    """
    marked = []
    base = Path(base)
    if not base.is_dir():
        return marked
    for manifest_path in sorted(base.glob("*/manifest.json")):
        run = manifest_path.parent
        if run.is_symlink() or (except_run is not None and run.resolve() == Path(except_run).resolve()):
            continue
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(manifest, dict) or manifest.get("status") != "running":
            continue
        if process_alive(manifest.get("pid"), manifest.get("host")):
            continue
        manifest["status"] = "interrupted"
        manifest.pop("pid", None), manifest.pop("host", None)  # the machine is named only while the run runs
        manifest.setdefault("problems", []).append("exécution arrêtée sans se terminer (processus disparu)")
        remove_leftovers(run)
        text = json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n"
        atomic_write(manifest_path, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
        marked.append(run)
    return marked
