"""A content-addressed cache of executed notebooks: unchanged work is never redone.

A notebook's key is the sha256 of everything its results depend on (:func:`key_parts`):

- its source — code and markdown cells with their metadata, not outputs or execution metadata;
- its resolved parameters (the ones it declares; the run folder ``output_dir`` excepted);
- the sha256 of every file it reads: the study file, its exports and mappings, the codebook, the reference
  tables, and any file named by a parameter (DECP files…);
- the package's own source files, the versions of the libraries it imports, the language, the interpreter;
- the pseudonymisation salt's fingerprint, and the keys of the notebooks it depends on.

An entry ``<out>/.cache/notebooks/<key>/`` holds the executed notebook, the tables and figures it wrote (as
listed by :mod:`etude.publish.outputs`) and ``meta.json`` (the run that executed it, the key's parts). The cache is
bounded (``ETUDE_CACHE_MAX_MB``, default :data:`DEFAULT_MAX_MB`); the least recently used entries go first.

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
import secrets
import shutil
import sys
import time
from functools import cache
from pathlib import Path
from typing import Any

from etude import paths
from etude.engine.manifest import package_versions, salt_fingerprint
from etude.files import sha256

__all__ = ["cache_root", "cache_key", "key_parts", "notebook_source", "imported_modules", "library_versions",
           "package_fingerprint", "files_read", "study_files", "sha256_cached", "lookup", "store", "restore",
           "evict", "evict_files", "cache_limit_bytes",
           "DEFAULT_MAX_MB", "CACHE_DIR", "CACHE_LIMIT_ENV"]

#: Folder of the cache, inside the folder that receives the run folders.
CACHE_DIR = ".cache"
#: Default bound of the cache, megabytes.
DEFAULT_MAX_MB = 500
#: Environment variable overriding the bound (megabytes).
CACHE_LIMIT_ENV = "ETUDE_CACHE_MAX_MB"
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


def files_read(params: dict[str, Any]) -> dict[str, str]:
    """``path -> sha256`` of every file a notebook with ``params`` reads: codebook, reference tables, each file
    named by a text parameter (several may be separated by ``;``) and, for the study file, its exports,
    mappings and codebook. A named file that does not exist counts as ``absent``."""
    candidates = [paths.codebook_file(), *sorted(paths.reference_dir().glob("*"))]
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
    """The cache entry of ``key``, or ``None``; a hit marks the entry as just used."""
    entry = Path(root) / key
    if not (entry / "meta.json").is_file() or not (entry / "notebook.ipynb").is_file():
        return None
    try:
        os.utime(entry / "meta.json")  # most recently used: evicted last
    except OSError:  # a read-only cache still serves
        pass
    return entry


def store(root: Path, key: str, *, nb_json: str, run_dir: Path, written: list[str], parts: dict[str, Any]
          ) -> Path | None:
    """Keep an executed notebook and the files it wrote under ``run_dir`` as entry ``key``; returns the entry.

    The entry is assembled under a temporary name and renamed, so it is complete or absent.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{key[:12]}-{secrets.token_hex(4)}"
    kept = []
    try:
        (tmp / "files").mkdir(parents=True)
        (tmp / "notebook.ipynb").write_text(nb_json, encoding="utf-8")
        base = run_dir.resolve()
        for name in written:
            p = Path(name)
            if p.is_file() and base in p.parents:
                rel = p.relative_to(base)
                (tmp / "files" / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(p, tmp / "files" / rel)
                kept.append(rel.as_posix())
        meta = {"key": key, "run_id": run_dir.name, "stored_at": time.time(), "files": kept, "parts": parts}
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        os.rename(tmp, root / key)
    except OSError:  # already there (another run stored it), disk full…: the cache is only an optimisation
        shutil.rmtree(tmp, ignore_errors=True)
        return None
    return root / key


def restore(entry: Path, run_dir: Path) -> tuple[str, str, list[str]]:
    """Copy an entry's files into ``run_dir``; returns ``(notebook JSON, run it came from, files copied)``."""
    meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
    for rel in meta["files"]:
        target = run_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(entry / "files" / rel, target)
    return (entry / "notebook.ipynb").read_text(encoding="utf-8"), str(meta["run_id"]), list(meta["files"])


def cache_limit_bytes() -> int:
    """The cache's bound in bytes: ``$ETUDE_CACHE_MAX_MB`` megabytes, else :data:`DEFAULT_MAX_MB`."""
    try:
        mb = float(os.environ.get(CACHE_LIMIT_ENV, DEFAULT_MAX_MB))
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int(max(mb, 0) * 1024 * 1024)


def evict_files(folder: Path, max_bytes: int | None = None) -> list[str]:
    """Remove the least recently written files of a flat cache folder until it holds at most ``max_bytes``."""
    folder = Path(folder)
    limit = cache_limit_bytes() if max_bytes is None else max_bytes
    files = sorted((p.stat().st_mtime, p.stat().st_size, p) for p in folder.glob("*") if p.is_file()) \
        if folder.is_dir() else []
    total = sum(size for _, size, _ in files)
    removed = []
    for _, size, p in files:
        if total <= limit:
            break
        p.unlink(missing_ok=True)
        total -= size
        removed.append(p.name)
    return removed


def evict(root: Path, max_bytes: int | None = None) -> list[str]:
    """Remove least recently used entries until the cache holds at most ``max_bytes``; returns removed keys."""
    root = Path(root)
    limit = cache_limit_bytes() if max_bytes is None else max_bytes
    if not root.is_dir():
        return []
    entries = []
    for entry in root.iterdir():
        if entry.is_dir() and (entry / "meta.json").is_file():
            size = sum(p.stat().st_size for p in entry.rglob("*") if p.is_file())
            entries.append(((entry / "meta.json").stat().st_mtime, size, entry))
    total = sum(size for _, size, _ in entries)
    removed = []
    for _, size, entry in sorted(entries):
        if total <= limit:
            break
        shutil.rmtree(entry, ignore_errors=True)
        total -= size
        removed.append(entry.name)
    return removed
