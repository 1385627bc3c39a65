"""A content-addressed cache of executed notebooks: unchanged work is never redone.

A notebook's key is the sha256 of everything its results depend on (:func:`key_parts`):

- its source — code and markdown cells with their metadata, not outputs or execution metadata;
- its resolved parameters (the ones it declares; the run folder ``output_dir`` excepted);
- the sha256 of every file it reads: the study file, its exports and mappings, the codebook, the reference
  tables, and any file named by a parameter (DECP files…);
- the package's own source files, the versions of the libraries it imports, the language, the interpreter;
- the pseudonymisation salt's fingerprint, and the keys of the notebooks it depends on.

An entry ``<out>/.cache/notebooks/<key>/`` holds the executed notebook, the tables and figures it wrote (as
listed by :mod:`etude.publish.outputs`) and ``meta.json`` (the run that executed it, the key's parts). Every
folder of the cache (:data:`CACHE_FOLDERS`) has an index (:mod:`etude.cachefiles`) listing what etude stored
there with the sha256 of each file: an entry is reused only if each of its files still has its recorded sha256 (a
changed one is a miss, said once in the run's log, :func:`refusal_lines`), and eviction removes listed entries
only. The cache is bounded (``ETUDE_CACHE_MAX_MB``, default :data:`DEFAULT_MAX_MB`, per folder); the least
recently used entries go first.

Examples
--------
>>> cache_key({"source": "a", "lang": "fr"}) == cache_key({"lang": "fr", "source": "a"})
True
>>> cache_key({"source": "a", "lang": "fr"}) == cache_key({"source": "a", "lang": "en"})
False
"""
from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from etude import cachefiles, paths
from etude.engine.manifest import package_versions, salt_fingerprint
from etude.files import atomic_write, sha256

__all__ = ["cache_root", "cache_key", "key_parts", "notebook_source", "imported_modules", "library_versions",
           "package_fingerprint", "files_read", "study_files", "sha256_cached", "lookup", "store", "restore",
           "evict", "evict_files", "cache_limit_bytes", "refusal_lines", "Restored",
           "DEFAULT_MAX_MB", "CACHE_DIR", "CACHE_LIMIT_ENV", "CACHE_FOLDERS"]

#: Folder of the cache, inside the folder that receives the run folders.
CACHE_DIR = ".cache"
#: Default bound of the cache, megabytes.
DEFAULT_MAX_MB = 500
#: Environment variable overriding the bound (megabytes).
CACHE_LIMIT_ENV = "ETUDE_CACHE_MAX_MB"
#: The cache's folders, inside :data:`CACHE_DIR`: entries (notebooks, assembled deliverables, the study's parse)
#: and flat folders of kept files (pages, workbooks, checks' results, parameter memos).
CACHE_FOLDERS = ("notebooks", "assembly", "studies", "html", "workbooks", "checks", "preflight", "parameters")
_EXECUTION_METADATA = {"execution", "papermill", "collapsed", "scrolled", "jupyter", "ExecuteTime"}


def cache_root(base: Path) -> Path:
    """The notebooks cache of the runs under ``base`` (``<base>/.cache/notebooks``)."""
    return Path(base) / CACHE_DIR / "notebooks"


def cache_key(parts: dict[str, Any]) -> str:
    """sha256 of the key's parts (canonical JSON)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", errors="surrogateescape")).hexdigest()


def notebook_source(nb) -> list[dict[str, Any]]:
    """What of a notebook enters its key: each cell's type, source and metadata (without execution metadata),
    and the notebook's ``etude`` metadata.

    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("x = 1", outputs=[nbformat.v4.new_output("stream", text="1")])
    >>> notebook_source(nbformat.v4.new_notebook(cells=[cell]))
    [{'etude': {}}, {'type': 'code', 'source': 'x = 1', 'metadata': {}}]
    """
    out: list[dict[str, Any]] = [{"etude": dict(nb.metadata.get("etude", {}))}]
    for cell in nb.cells:
        meta = {k: v for k, v in cell.get("metadata", {}).items() if k not in _EXECUTION_METADATA}
        if meta.get("tags") == []:
            meta.pop("tags")
        out.append({"type": cell.cell_type, "source": cell.source, "metadata": meta})
    return out


def imported_modules(nb, *, dotted: bool = False) -> list[str]:
    """Top-level names of the modules the notebook's code cells import (magics and shell lines ignored).

    With ``dotted``, the modules' full names, and for ``from a import b`` both ``a`` and ``a.b`` (``b`` may be a
    module): what a kernel can import ahead of the notebook.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "%matplotlib inline\\nimport pandas as pd\\nfrom etude.analysis import stats\\nfrom . import x")])
    >>> imported_modules(nb), imported_modules(nb, dotted=True)
    (['etude', 'pandas'], ['etude.analysis', 'etude.analysis.stats', 'pandas'])
    """
    names: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(a.name if dotted else a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module if dotted else node.module.split(".")[0])
                if dotted:
                    names.update(f"{node.module}.{a.name}" for a in node.names if a.name != "*")
    return sorted(names)


@cache
def _base_versions() -> tuple[tuple[str, str], ...]:
    return tuple(package_versions().items())


def library_versions(modules: list[str]) -> dict[str, str]:
    """Versions of the distributions providing ``modules``, plus every library etude itself requires."""
    versions = dict(_base_versions())
    for module in modules:
        if module in sys.stdlib_module_names:
            continue
        try:  # a distribution named like its module (pandas, numpy, matplotlib, IPython…); else none to record
            versions.setdefault(module, importlib.metadata.version(module))
        except (importlib.metadata.PackageNotFoundError, ValueError):
            versions.setdefault(module, "sans distribution")
    return dict(sorted(versions.items()))


def package_fingerprint() -> str:
    """sha256 over the package's own files (``src/etude``: code, assets), by relative path."""
    h = hashlib.sha256()
    for p in sorted(paths.PACKAGE_DIR.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            h.update(p.relative_to(paths.PACKAGE_DIR).as_posix().encode("utf-8", errors="surrogateescape"))
            h.update(bytes.fromhex(sha256_cached(p)))
    return h.hexdigest()


def sha256_cached(path: Path) -> str:
    """sha256 of a file, computed once per process while its size and modification time are unchanged."""
    st = Path(path).stat()
    return _sha256_of(str(path), st.st_size, st.st_mtime_ns)


@cache
def _sha256_of(path: str, size: int, mtime_ns: int) -> str:
    return sha256(path)


def study_files(study: Path) -> list[Path]:
    """The files a study file names: its exports, mappings and codebook (none if it cannot be read)."""
    try:
        from etude import survey
        spec = survey.read_study(study)
    except Exception:  # an unreadable study: the notebooks will say why; its own bytes still count
        return []
    found = [Path(i["path"]) for i in spec.get("inputs", [])]
    found += [Path(i["mapping"]) for i in spec.get("inputs", []) if i.get("mapping")]
    if spec.get("codebook"):
        found.append(Path(spec["codebook"]))
    return found


def _decp_files(params: dict[str, Any]) -> list[Path]:
    """The DECP files a notebook with a ``decp`` parameter reads (none for the others, or when they cannot be
    found: the notebook then says so itself)."""
    if "decp" not in params:
        return []
    from etude.decp.demo import run_files
    from etude.errors import EtudeError
    try:
        return run_files(params.get("decp") or "", study=params.get("study") or None)[0]
    except (EtudeError, OSError):
        return []


def files_read(params: dict[str, Any]) -> dict[str, str]:
    """``path -> sha256`` of every file a notebook with ``params`` reads: codebook, reference tables, each file
    named by a text parameter (several may be separated by ``;``) and, for the study file, its exports,
    mappings and codebook; for a notebook with a ``decp`` parameter, the DECP files it reads (those given, else the
    demo's simulated extract: :func:`etude.decp.demo.run_files`). A named file that does not exist counts as
    ``absent``."""
    candidates = [paths.codebook_file(), *sorted(paths.reference_dir().glob("*")), *_decp_files(params)]
    for name, value in params.items():
        if name == "output_dir" or not isinstance(value, str) or not value.strip():
            continue
        for piece in value.split(";"):
            p = Path(piece.strip()).expanduser()
            if p.is_absolute() and p.is_file():
                candidates.append(p)
                if name == "study":
                    candidates += study_files(p)
    out = {}
    for p in candidates:
        p = p.resolve()
        out[str(p)] = sha256_cached(p) if p.is_file() else "absent"
    return dict(sorted(out.items()))


def key_parts(nb, params: dict[str, Any], *, lang: str, depends: dict[str, str] | None = None) -> dict[str, Any]:
    """Every part of a notebook's cache key (see the module docstring); ``depends`` maps name -> key."""
    return {
        "source": notebook_source(nb),
        "parameters": {k: v for k, v in sorted(params.items()) if k != "output_dir"},
        "files": files_read(params),
        "package": package_fingerprint(),
        "libraries": library_versions(imported_modules(nb)),
        "lang": lang,
        "interpreter": {"executable": sys.executable, "version": sys.version, "platform": platform.platform()},
        "salt": salt_fingerprint(),
        "depends": dict(sorted((depends or {}).items())),
    }


def lookup(root: Path, key: str) -> Path | None:
    """The cache entry of ``key`` if etude stored it (listed in the cache's index), else ``None``. Its files are
    checked against their recorded sha256 when it is restored (:func:`restore`)."""
    entry = Path(root) / key
    if cachefiles.load_record(root, key) is None or not (entry / "notebook.ipynb").is_file():
        return None
    return entry


def store(root: Path, key: str, *, nb_json: str, run_dir: Path, written: list[str], parts: dict[str, Any],
          label: str | None = None) -> Path | None:
    """Keep an executed notebook and the files it wrote under ``run_dir`` as entry ``key``; returns the entry.

    The entry is assembled in a temporary folder and renamed, so it is complete or absent; the cache's index then
    lists it with the sha256 of each of its files, the run that stored it and ``label`` (the notebook's name).
    """
    root = Path(root)
    try:
        tmp = cachefiles.new_tmp_dir(root)
    except OSError:
        return None
    try:
        (tmp / "files").mkdir()
        (tmp / "notebook.ipynb").write_text(nb_json, encoding="utf-8")
        base, kept = run_dir.resolve(), []
        for name in written:
            p = Path(name)
            if p.is_file() and base in p.parents:
                rel = p.relative_to(base)
                (tmp / "files" / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(p, tmp / "files" / rel)
                kept.append(rel.as_posix())
        meta = {"key": key, "run_id": run_dir.name, "stored_at": time.time(), "files": kept, "parts": parts}
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    except OSError:  # disk full…: the cache is only an optimisation
        shutil.rmtree(tmp, ignore_errors=True)
        return None
    return cachefiles.store_entry(root, key, tmp, run_id=run_dir.name, label=label)


@dataclass(frozen=True)
class Restored:
    """What :func:`restore` copied: the executed notebook (JSON text), the run that stored the entry, the files
    copied (relative to the run folder) and one record per reused file (``file``, ``sha256`` as stored,
    ``from_run``, ``entry_file``: its path in the entry) for the manifest."""

    notebook: str
    run_id: str
    files: list[str]
    reused: list[dict[str, Any]]


def _inside(rel: str) -> bool:
    """A relative path that stays inside the folder it is relative to."""
    p = Path(rel)
    return bool(p.parts) and not p.is_absolute() and ".." not in p.parts


def restore(entry: Path, run_dir: Path, *, name: str | None = None) -> Restored | None:
    """Copy an entry's files into ``run_dir`` once each has been checked against the sha256 recorded when it was
    stored; ``None`` (a miss) if the entry is not listed or changed since (it is then refused and removed, and
    the refusal said in the run's log, :func:`refusal_lines`). ``name``: the notebook's, for the records."""
    found = cachefiles.read_entry(entry.parent, entry.name)
    if found is None:
        return None
    data, record = found
    try:
        meta = json.loads(data["meta.json"].decode("utf-8"))
        rels = [str(r) for r in meta["files"]]
        notebook = data["notebook.ipynb"].decode("utf-8")
    except (KeyError, ValueError, TypeError):
        return None
    if not all(_inside(rel) and f"files/{rel}" in data for rel in rels):
        return None
    run_id = str(meta.get("run_id") or record.get("run_id"))
    sha = {Path(rel).relative_to(entry.name).as_posix(): digest for rel, digest in record["files"].items()}
    reused = [{"file": f"notebooks/{name}.ipynb" if name else "notebook.ipynb", "sha256": sha["notebook.ipynb"],
               "from_run": run_id, "entry_file": "notebook.ipynb"}]
    for rel in rels:
        blob = data[f"files/{rel}"]  # checked against the record by read_entry
        atomic_write(run_dir / rel, lambda tmp, blob=blob: tmp.write_bytes(blob))
        reused.append({"file": rel, "sha256": sha[f"files/{rel}"], "from_run": run_id, "entry_file": f"files/{rel}"})
    return Restored(notebook=notebook, run_id=run_id, files=rels, reused=reused)


def cache_limit_bytes() -> int:
    """The cache's bound in bytes: ``$ETUDE_CACHE_MAX_MB`` megabytes, else :data:`DEFAULT_MAX_MB`."""
    try:
        mb = float(os.environ.get(CACHE_LIMIT_ENV, DEFAULT_MAX_MB))
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int(max(mb, 0) * 1024 * 1024)


def evict_files(folder: Path, max_bytes: int | None = None) -> list[str]:
    """Remove the least recently used files etude kept in a flat cache folder (those its index lists) until they
    hold at most ``max_bytes``; any other file of the folder is left alone. Returns the names removed."""
    return cachefiles.evict(folder, cache_limit_bytes() if max_bytes is None else max_bytes)


def evict(root: Path, max_bytes: int | None = None) -> list[str]:
    """Remove least recently used entries etude stored (listed in the index of ``root``) until they hold at most
    ``max_bytes``; returns the removed keys. Nothing the index does not list is removed."""
    return cachefiles.evict(root, cache_limit_bytes() if max_bytes is None else max_bytes)


def _refusal_line(folder: str, note: dict[str, Any]) -> str:
    """One French line for an entry refused because a file changed since etude stored it.

    >>> _refusal_line("checks", {"name": "a.json", "changed": ["a.json"]})
    '– cache : entrée checks/a.json modifiée depuis son écriture (a.json : sha256 différent) : écartée, refaite'
    """
    name = str(note["name"])
    short = name if len(name) <= 16 else name[:12] + "…"
    label = f" ({note['label']})" if note.get("label") else ""
    changed = [str(c) for c in note.get("changed") or []]
    files = ", ".join(changed[:3]) + (f" et {len(changed) - 3} autre(s)" if len(changed) > 3 else "")
    reason = str(note.get("reason") or "sha256 différent")
    return (f"– cache : entrée {folder}/{short}{label} modifiée depuis son écriture ({files} : {reason}) : "
            "écartée, refaite")


def refusal_lines(cache_dir: Path) -> list[str]:
    """What the run's log says once about the cache under ``cache_dir`` (``<out>/.cache``): every entry refused
    since the last run because a file changed since etude stored it, and the temporary folders that killed runs
    left there, now removed."""
    lines, stale = [], []
    cache_dir = Path(cache_dir)
    for folder in CACHE_FOLDERS:
        lines += [_refusal_line(folder, note) for note in cachefiles.take_refusals(cache_dir / folder)]
        stale += [f"{folder}/{p.name}" for p in cachefiles.remove_stale_tmp(cache_dir / folder)]
    if stale:
        lines.append(f"– cache : {len(stale)} dossier(s) temporaire(s) laissé(s) par une exécution arrêtée, "
                     f"retiré(s) ({', '.join(stale[:3])}{'…' if len(stale) > 3 else ''})")
    return lines
