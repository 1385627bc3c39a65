"""The deliverables of a run whose every notebook was reused: assembled once, copied afterwards.

When every notebook of a run is a cache hit (:mod:`etude.engine.cache`), the executed notebooks are byte for
byte those of an earlier run, so the report, the slides, the deck, the PDF and the workbook would be too — but
for the run that assembled them, which they name (« Exécution … »). They are kept under
``<out>/.cache/assembly/<key>/`` and copied; the manifest records ``assembly.cache`` = ``"hit"`` and the run they
come from, as it does for notebooks. The key covers the notebooks' own keys and statuses, the language, the data
status, the study's title, what the deliverables say about the run (:func:`etude.publish.runinfo.run_info`, but its id),
the package's source files, the libraries' versions and whether a PDF engine is installed. Any other run
assembles its deliverables and stores them.

Examples
--------
>>> from types import SimpleNamespace as Job
>>> jobs = [Job(name="01_a", status="ok", key="k1")]
>>> a = assembly_key(jobs, lang="fr", simulated=True, title="démo", info={"run_id": "x", "waves": [2017]})
>>> a == assembly_key(jobs, lang="fr", simulated=True, title="démo", info={"run_id": "y", "waves": [2017]})
True
>>> a == assembly_key(jobs, lang="en", simulated=True, title="démo", info={"run_id": "x", "waves": [2017]})
False
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from etude.engine.cache import cache_key, package_fingerprint
from etude.engine.manifest import package_versions
from etude.files import atomic_write, write_json

__all__ = ["ASSEMBLED", "ASSEMBLY_DIR", "assembly_key", "restore_assembly", "store_assembly"]

#: The deliverables an assembly writes (those that exist are kept), relative to the run folder.
ASSEMBLED = ("report.html", "report.pdf", "slides.html", "slides.pptx", "tables/tables.xlsx", "datapackage.json")
#: Folder of assembled deliverables, inside ``<out>/.cache``.
ASSEMBLY_DIR = "assembly"


def assembly_key(jobs, *, lang: str, simulated: bool, title: str, info: dict[str, Any] | None) -> str:
    """sha256 of what a run's deliverables depend on, except the run's own id (see the module's text)."""
    from etude import publish
    described = {k: v for k, v in (info or {}).items() if k != "run_id"}
    parts = {"notebooks": [(j.name, j.status, j.key) for j in jobs], "lang": lang, "simulated": bool(simulated),
             "title": title, "info": described, "package": package_fingerprint(), "versions": package_versions(),
             "pdf_engine": publish.pdf_engine()}
    return cache_key(parts)


def restore_assembly(entry: Path, run_dir: Path) -> dict[str, Any] | None:
    """Copy a stored assembly into ``run_dir``; its ``meta`` (run id, warnings, workbook), or None if absent."""
    try:
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        files = [f for f in meta["files"] if (entry / "files" / f).is_file()]
    except (OSError, ValueError, KeyError):
        return None
    if len(files) != len(meta["files"]):
        return None
    for rel in files:
        target = run_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, lambda tmp, rel=rel: shutil.copyfile(entry / "files" / rel, tmp))
    (entry / "meta.json").touch()  # recently used: evicted last
    return meta


def store_assembly(entry: Path, run_dir: Path, *, warnings: list[str], workbook: Path | None) -> None:
    """Keep ``run_dir``'s deliverables under ``entry`` (replacing an older copy); a cache never fails a run."""
    files = [rel for rel in ASSEMBLED if (run_dir / rel).is_file()]
    tmp = entry.with_name(entry.name + ".part")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        for rel in files:
            (tmp / "files" / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(run_dir / rel, tmp / "files" / rel)
        write_json(tmp / "meta.json", {"run_id": run_dir.name, "files": files, "warnings": list(warnings),
                                       "workbook": workbook.relative_to(run_dir).as_posix() if workbook else None})
        shutil.rmtree(entry, ignore_errors=True)
        tmp.replace(entry)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
