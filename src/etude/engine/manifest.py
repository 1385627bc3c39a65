"""A run's manifest (``manifest.json``): parameters, inputs and their sha256, versions, times, statuses, files.

The manifest is written when the run starts (status ``running``, with the process id so that a killed run can
be recognised) and rewritten when it ends. It records the sha256 of every file of the run folder
(``files``), which ``etude verify`` checks, for each file a reused cache entry gave, the sha256 the entry stored and
the run it comes from (``notebooks[].reused_files``, ``assembly.reused_files``), and a fingerprint of the
pseudonymisation salt — never the salt.

Examples
--------
>>> relative(Path("/tmp/run/tables/a.csv"), Path("/tmp/run"))
'tables/a.csv'
"""
from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from etude import __version__, paths
from etude.engine.portable import machine_anchors, portable_value, relative_to
from etude.files import sha256

__all__ = ["read_manifest", "relative", "git_commit", "package_versions",
           "study_provenance", "input_path", "study_file", "machine_free", "salt_fingerprint", "file_hashes",
           "initial_manifest",
           "notebook_entry", "MANIFEST"]

#: File name of the manifest in a run folder.
MANIFEST = "manifest.json"


def read_manifest(run_dir: str | os.PathLike) -> dict[str, Any]:
    """The manifest of ``run_dir`` as a dict (:class:`etude.errors.RunError` if absent or unreadable)."""
    from etude.errors import RunError
    path = Path(run_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunError(f"{run_dir} : pas de {MANIFEST} (est-ce un dossier d'exécution d'etude ?)") from None
    except (OSError, ValueError) as exc:
        raise RunError(f"{path} : manifeste illisible ({exc.__class__.__name__}: {exc})") from None
    if not isinstance(manifest, dict):
        raise RunError(f"{path} : manifeste illisible (objet JSON attendu)")
    return manifest


def relative(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` (POSIX separators) if it lies below it, else as given."""
    try:
        return Path(path).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def git_commit(root: Path) -> str:
    """The commit checked out in ``root``, or ``"unknown"``."""
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", commit) else "unknown"


def package_versions() -> dict[str, str]:
    """Versions of Python, etude and every library etude requires (``absent`` if not installed)."""
    names = ["etude"]
    for req in importlib.metadata.requires("etude") or []:
        if "extra ==" in req:
            continue
        names.append(re.split(r"[\s<>=~!;\[]", req, maxsplit=1)[0])
    versions = {"python": platform.python_version()}
    for n in names:
        try:
            versions[n] = importlib.metadata.version(n)
        except importlib.metadata.PackageNotFoundError:
            versions[n] = "absent"
    return versions


def study_provenance(study: str | None) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
    """``(study file entry, input rows, simulated)``; uses ``etude.survey`` when it is there.

    Portable: the study file is named by its path in the repository when it lies there (``path``, else ``None``:
    ``etude verify --rerun --study FILE`` names it) and by its file name (``file``); each input by its path
    relative to the study's folder (else to the repository, else its file name). No absolute path is kept.
    """
    study_path = Path(study).resolve() if study else paths.default_study()
    entry = {"path": relative_to(study_path, [paths.root()]), "file": study_path.name,
             "sha256": sha256(study_path) if study_path.is_file() else None, "demo": not study}
    if not study_path.is_file():  # no demo study in this checkout: notebooks that need it will say so
        return entry, [], not study
    try:
        from etude import survey
        inputs_of = survey.study_inputs
    except (ImportError, AttributeError):
        return entry, [], not study
    table = inputs_of(study or None)
    try:
        spec = survey.read_study(study or None)
        entry["title"] = str(spec.get("title") or "")
        if spec.get("title_en"):
            entry["title_en"] = str(spec["title_en"])
        if spec.get("publish_small_groups"):  # the study's choice, recorded (and given to the audit)
            entry["publish_small_groups"] = True
        if spec.get("meeting"):  # the deck's title slide (name, date, place, presenter, organisations, contacts)
            entry["meeting"] = dict(spec["meeting"])
    except Exception:  # the title is a nicety; study_inputs already validated the file
        pass
    rows = [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in table.to_dict("records")]
    for row in rows:
        row["path"] = input_path(row.get("path"), study_path)
    simulated = bool(table["simulated"].any()) if "simulated" in table and len(table) else not study
    return entry, rows, simulated


def input_path(path: str | None, study: Path) -> str | None:
    """An input's path as a manifest keeps it: relative to the study's folder, else to the repository, else its
    file name.

    >>> input_path("/s/exports/a.csv", Path("/s/etude.yaml")), input_path("/x/b.csv", Path("/s/etude.yaml"))
    ('exports/a.csv', 'b.csv')
    """
    if not path:
        return path
    return relative_to(path, [study.parent]) or relative_to(path, [paths.root()]) or Path(path).name


def study_file(manifest: dict[str, Any], study: str | os.PathLike | None = None) -> Path | None:
    """The study file a run read, on this machine: ``study`` when given, else the repository path the manifest
    records (``None`` when it lay outside the repository, or is no longer there)."""
    if study:
        return Path(study).expanduser().resolve()
    entry = manifest.get("study") or {}
    recorded = entry.get("path")
    if not recorded:
        return paths.default_study() if entry.get("demo") else None
    path = Path(recorded)
    return path if path.is_absolute() else paths.root() / path


def decp_provenance(decp: str = "", study: str | None = None) -> list[dict[str, Any]]:
    """The DECP files a run's notebook 07 reads (its ``decp`` parameter, else the demo's simulated extract for the
    demo study: :func:`etude.decp.demo.run_files`), one entry each: ``path`` (relative to the study's folder when
    the file lies below it, else to the repository, else its file name: no absolute path),
    ``relative_to`` (``"study"``, ``"repository"`` or ``None``), ``sha256`` and ``simulated``.
    Files that cannot be found are left out: the notebook says so when it runs."""
    from etude.decp.demo import run_files
    from etude.errors import ParameterError
    try:
        files, simulated = run_files(decp, study=study)
    except ParameterError:
        return []
    base = (Path(study).resolve() if study else paths.default_study()).parent
    rows = []
    for f in files:
        in_study, in_repo = relative_to(f, [base]), relative_to(f, [paths.root()])
        where = "study" if in_study else "repository" if in_repo else None
        rows.append({"path": in_study or in_repo or Path(f).name, "relative_to": where,
                     "sha256": sha256(f), "simulated": simulated})
    return rows


def salt_fingerprint() -> str | None:
    """A fingerprint of the pseudonymisation salt (:func:`etude.survey.privacy.salt_fingerprint`: keyed by this
    installation's random nonce, so that it tells « same salt » from « other salt » and gives no guess of the salt
    a way to be checked), or ``None`` when there is no salt yet."""
    try:
        from etude.survey import privacy
    except ImportError:
        return None
    return privacy.salt_fingerprint()


def file_hashes(run_dir: Path) -> dict[str, str]:
    """``relative path -> sha256`` of every file of ``run_dir`` except the manifest (temporary files skipped)."""
    out = {}
    for p in sorted(run_dir.rglob("*")):
        if p.is_file() and not p.is_symlink() and p.name != MANIFEST and not p.name.endswith(".part"):
            out[p.relative_to(run_dir).as_posix()] = sha256(p)
    return out


def initial_manifest(*, run_dir: Path, started, simulated: bool, options: dict[str, Any],
                     given: dict[str, str], jobs: list, study_entry: dict, inputs: dict[str, list]) -> dict[str, Any]:
    """The manifest as written when the run starts (status ``running``); ``inputs``: ``{"inputs": exports and
    mappings (:func:`study_provenance`), "decp_inputs": the DECP files read (:func:`decp_provenance`)}``.

    Nothing in it names the machine but ``pid`` and ``host``, which tell a run killed outright from one still
    running (:func:`etude.engine.rundir.mark_stale_runs`) and are removed when the run ends
    (:func:`machine_free`); every path is relative (:mod:`etude.engine.portable`)."""
    anchors = machine_anchors(run_dir=run_dir, study=options.get("study") or None)
    return {
        "etude_version": __version__, "run_id": run_dir.name, "status": "running",
        "started_at": started.isoformat(timespec="seconds"), "ended_at": None, "duration_s": None,
        "simulated": simulated, "git_commit": git_commit(paths.root()),
        "command": {"argv": portable_value([Path(sys.argv[0]).name, *sys.argv[1:]], anchors)},
        "pid": os.getpid(), "host": platform.node(),
        "parameters": portable_value({**options, "given": given,
                                      "by_notebook": {j.name: j.params for j in jobs}}, anchors),
        "study": study_entry, "inputs": list(inputs.get("inputs") or []),
        "decp_inputs": list(inputs.get("decp_inputs") or []),
        "packages": package_versions(),
        "python": {"platform": platform.platform()},
        "salt_fingerprint": salt_fingerprint(),
        "notebooks": [{"name": j.name, "source": relative(j.source, paths.root()), "status": "pending"}
                      for j in jobs],
        "outputs": {},
    }


def machine_free(manifest: dict[str, Any]) -> dict[str, Any]:
    """``manifest`` (changed in place and returned) without what names the machine once the run has ended: the
    process id and the host name.

    >>> machine_free({"run_id": "r", "pid": 12, "host": "poste-de-jean"})
    {'run_id': 'r'}
    """
    manifest.pop("pid", None)
    manifest.pop("host", None)
    return manifest


def _iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def notebook_entry(job, depends: list[str], *, anchors: list[tuple[str, str]] = ()) -> dict[str, Any]:
    """A notebook's line in the final manifest: status, times, error, and whether the cache served it — for a
    reused one, the run it comes from (``reused_from``) and each file it reused (``reused_files``: ``file``,
    ``sha256`` as the cache entry stored it, ``from_run``, ``entry_file``), which ``etude verify`` checks.
    Paths in its parameters and error are written relative to ``anchors`` (:mod:`etude.engine.portable`)."""
    return {
        "name": job.name, "source": relative(job.source, paths.root()), "status": job.status,
        "executed": f"notebooks/{job.name}.ipynb", "html": f"notebooks/{job.name}.html",
        "started_at": _iso(job.started), "ended_at": _iso(job.ended),
        "duration_s": round((job.ended - job.started).total_seconds(), 2) if job.started and job.ended else None,
        "code_cells": job.n_cells, "depends_on": depends,
        "parameters": portable_value(job.params, list(anchors)), "error": portable_value(job.error, list(anchors)),
        "cache": job.cache, "reused_from": job.reused_from, "cache_key": job.key,
        "reused_files": getattr(job, "reused_files", None) if job.cache == "hit" else None,
    }
