"""What a cache keeps, each file proved by the sha256 recorded when it was stored, and the index that lists them.

A cache folder (``<out>/.cache/html``, ``…/notebooks``…) may also hold files etude did not write: ``--out`` can
name a folder shared with other tools (``~/.cache``). What etude keeps there — one file, or one folder of files
(an *entry*) — is listed in the folder's index, ``<folder>/.etude-index/<name>.json``: the sha256 of each of its
files, its size, when and by which run it was stored. Hence:

- a kept file is served only if it is listed and its bytes still have the recorded sha256 (:func:`read_bytes`,
  :func:`read_entry`, which hand out the very bytes they checked): an unlisted file is a miss; a changed one is
  *refused* — removed with its record (it is etude's), the refusal noted under ``.etude-index/refused/`` for the
  engine to say once in the run's log (:func:`take_refusals`);
- eviction (:func:`evict`) removes listed entries only, least recently used first: nothing else is ever deleted;
- an entry folder is assembled under ``.tmp-<pid>-<host>-<random>`` (:func:`new_tmp_dir`) and renamed; such a
  folder left by a killed process is removed later (:func:`remove_stale_tmp`).

The digests are plain sha256: they prove that a file is still what etude stored, not who stored it.

Examples
--------
>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> _ = store_text(d / "a.json", "[1]")
>>> read_text(d / "a.json")
'[1]'
>>> _ = (d / "a.json").write_text("[2]")
>>> read_text(d / "a.json") is None, (d / "a.json").exists(), [r["name"] for r in take_refusals(d)]
(True, False, ['a.json'])
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from etude.files import atomic_write, sha256

__all__ = ["INDEX", "STALE_AFTER_S", "store_bytes", "store_text", "store_copy", "store_entry", "read_bytes",
           "read_text", "read_entry", "load_record", "listed", "forget", "refuse", "evict", "take_refusals",
           "new_tmp_dir", "remove_stale_tmp", "digest"]

#: Folder of the index, inside each cache folder.
INDEX = ".etude-index"
#: A temporary folder whose owner cannot be checked is stale once untouched for this long (seconds).
STALE_AFTER_S = 600
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,200}$")
_TMP = re.compile(r"^\.tmp-(\d{1,10})-([0-9a-f]{8})-[0-9a-f]{8}$")
_OLD_TMP = re.compile(r"^\.tmp-[0-9a-f]{12}-[0-9a-f]{8}$")  # how etude named them before the index
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def digest(data: bytes) -> str:
    """Hex sha256 of ``data``.

    >>> digest(b"abc")[:12]
    'ba7816bf8f01'
    """
    return hashlib.sha256(data).hexdigest()


def _record_path(folder: Path, name: str) -> Path:
    return Path(folder) / INDEX / f"{name}.json"


def _valid(name: str, record: Any) -> bool:
    """A record as etude writes it: its files are below ``name`` and each has a sha256."""
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict) or not record["files"]:
        return False
    for rel, sha in record["files"].items():
        parts = Path(str(rel)).parts
        if not parts or parts[0] != name or ".." in parts or Path(str(rel)).is_absolute():
            return False
        if not isinstance(sha, str) or not _HEX64.match(sha):
            return False
    return True


def load_record(folder: str | os.PathLike, name: str) -> dict[str, Any] | None:
    """The index record of ``name`` in ``folder`` (``files``: path below ``folder`` → sha256, ``bytes``,
    ``stored_at``, ``run_id``, ``label``), or ``None`` if it is not listed (or its record is not etude's)."""
    if not _NAME.match(name):
        return None
    try:
        record = json.loads(_record_path(Path(folder), name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if _valid(name, record) else None


def _write_record(folder: Path, name: str, files: dict[str, str], size: int, *, run_id: str | None,
                  label: str | None) -> None:
    record = {"name": name, "files": dict(sorted(files.items())), "bytes": size,
              "stored_at": dt.datetime.now().isoformat(timespec="seconds"), "run_id": run_id, "label": label}
    text = json.dumps(record, ensure_ascii=True, indent=1)
    atomic_write(_record_path(folder, name), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def store_bytes(path: str | os.PathLike, data: bytes, *, run_id: str | None = None, label: str | None = None
                ) -> Path | None:
    """Write ``data`` at ``path`` (atomically) and list it in its folder's index; ``None`` if it could not be
    kept (a cache never fails a run)."""
    path = Path(path)
    if not _NAME.match(path.name):
        return None
    try:
        atomic_write(path, lambda tmp: tmp.write_bytes(data))
        _write_record(path.parent, path.name, {path.name: digest(data)}, len(data), run_id=run_id, label=label)
    except OSError:
        return None
    return path


def store_text(path: str | os.PathLike, text: str, **kw) -> Path | None:
    """:func:`store_bytes` of ``text`` as UTF-8 (a text UTF-8 cannot hold is not kept)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return store_bytes(path, data, **kw)


def store_copy(path: str | os.PathLike, source: str | os.PathLike, **kw) -> Path | None:
    """:func:`store_bytes` of the bytes of ``source``."""
    try:
        data = Path(source).read_bytes()
    except OSError:
        return None
    return store_bytes(path, data, **kw)


def new_tmp_dir(folder: str | os.PathLike) -> Path:
    """A new, empty temporary folder in ``folder`` named after this process (``.tmp-<pid>-<host>-<random>``),
    where an entry is assembled before :func:`store_entry` renames it."""
    tmp = Path(folder) / f".tmp-{os.getpid()}-{_host()}-{secrets.token_hex(4)}"
    tmp.mkdir(parents=True)
    return tmp


def _host() -> str:
    return digest(platform.node().encode("utf-8", "surrogateescape"))[:8]


def _remove(path: Path) -> None:
    """Remove a file, a symbolic link (never what it points to) or a folder."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


def _tree_digests(folder: Path, name: str) -> tuple[dict[str, str], int]:
    """sha256 and total size of every file below ``folder / name``, by path below ``folder``."""
    files, size = {}, 0
    for p in sorted((folder / name).rglob("*")):
        if p.is_file() and not p.is_symlink():
            files[p.relative_to(folder).as_posix()] = sha256(p)
            size += p.stat().st_size
    return files, size


def store_entry(folder: str | os.PathLike, name: str, tmp: Path, *, run_id: str | None = None,
                label: str | None = None, replace: bool = False) -> Path | None:
    """Rename the assembled folder ``tmp`` to ``folder / name`` and list it with the sha256 of each of its files.

    An entry already there is kept (first writer wins), unless ``replace`` and it is listed (etude's); an
    unlisted folder of that name is never touched. Returns the entry, or ``None`` if it was not stored (``tmp``
    is then removed).
    """
    folder, entry = Path(folder), Path(folder) / name
    try:
        if not _NAME.match(name):
            raise OSError(f"nom d'entrée refusé : {name!r}")
        if replace and entry.exists() and load_record(folder, name) is not None:
            forget(folder, name)
        os.rename(tmp, entry)
    except OSError:  # already there (another run stored it), disk full…: a cache is only an optimisation
        shutil.rmtree(tmp, ignore_errors=True)
        return None
    try:
        files, size = _tree_digests(folder, name)
        _write_record(folder, name, files, size, run_id=run_id, label=label)
    except OSError:
        return None
    return entry


def refuse(folder: str | os.PathLike, name: str, changed: list[str], record: dict[str, Any] | None = None, *,
           reason: str | None = None) -> None:
    """Refuse the listed entry ``name`` (its files ``changed`` are not what etude stored; ``reason``: why, when
    it is not their sha256): removed with its record, the refusal noted for the engine (:func:`take_refusals`)."""
    folder = Path(folder)
    record = record if record is not None else (load_record(folder, name) or {})
    forget(folder, name)
    note = {"name": name, "changed": changed, "label": record.get("label"), "run_id": record.get("run_id")}
    if reason:
        note["reason"] = reason
    try:
        atomic_write(Path(folder) / INDEX / "refused" / f"{time.time_ns()}-{secrets.token_hex(4)}.json",
                     lambda tmp: tmp.write_text(json.dumps(note, ensure_ascii=True), encoding="utf-8"))
    except OSError:
        pass


def _touch(folder: Path, name: str) -> None:
    try:
        os.utime(_record_path(folder, name))  # most recently used: evicted last
    except OSError:  # a read-only cache still serves
        pass


def read_bytes(path: str | os.PathLike) -> bytes | None:
    """The bytes of a kept file if it is listed and unchanged since it was stored; else ``None`` (a miss).

    A listed file whose sha256 changed is refused (see the module's text).
    """
    path = Path(path)
    record = load_record(path.parent, path.name)
    if record is None or path.is_symlink():
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if digest(data) != record["files"].get(path.name):
        refuse(path.parent, path.name, [path.name], record)
        return None
    _touch(path.parent, path.name)
    return data


def read_text(path: str | os.PathLike) -> str | None:
    """:func:`read_bytes` decoded from UTF-8."""
    data = read_bytes(path)
    try:
        return None if data is None else data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def read_entry(folder: str | os.PathLike, name: str) -> tuple[dict[str, bytes], dict[str, Any]] | None:
    """Every file of entry ``folder / name`` (by path below the entry) and its record, if the entry is listed
    and each recorded file is there with its recorded sha256; else ``None`` (a changed entry is refused)."""
    folder = Path(folder)
    record = load_record(folder, name)
    if record is None or (folder / name).is_symlink():
        return None
    out, changed = {}, []
    for rel, sha in record["files"].items():
        path = folder / rel
        try:
            data = None if path.is_symlink() else path.read_bytes()
        except OSError:
            data = None
        if data is None or digest(data) != sha:
            changed.append(Path(rel).relative_to(name).as_posix())
        else:
            out[Path(rel).relative_to(name).as_posix()] = data
    if changed:
        refuse(folder, name, changed, record)
        return None
    _touch(folder, name)
    return out, record


def forget(folder: str | os.PathLike, name: str) -> None:
    """Remove the listed entry ``name`` (file or folder) and its record; an unlisted name is left alone."""
    folder = Path(folder)
    if not _NAME.match(name) or not _record_path(folder, name).is_file():
        return
    _remove(folder / name)
    _record_path(folder, name).unlink(missing_ok=True)


def listed(folder: str | os.PathLike) -> list[tuple[str, dict[str, Any], float]]:
    """``(name, record, last use)`` of every entry listed in ``folder``'s index whose file or folder is there."""
    index = Path(folder) / INDEX
    out = []
    for path in sorted(index.glob("*.json")) if index.is_dir() else []:
        name = path.name[:-len(".json")]
        record = load_record(folder, name)
        if record is not None and (Path(folder) / name).exists():
            try:
                out.append((name, record, path.stat().st_mtime))
            except OSError:
                continue
    return out


def evict(folder: str | os.PathLike, max_bytes: int) -> list[str]:
    """Remove the least recently used listed entries until those left hold at most ``max_bytes``; returns
    their names. Files and folders the index does not list are never removed."""
    entries = sorted(listed(folder), key=lambda e: e[2])
    total = sum(int(record.get("bytes") or 0) for _, record, _ in entries)
    removed = []
    for name, record, _ in entries:
        if total <= max_bytes:
            break
        forget(folder, name)
        total -= int(record.get("bytes") or 0)
        removed.append(name)
    return removed


def take_refusals(folder: str | os.PathLike) -> list[dict[str, Any]]:
    """The refusals noted in ``folder`` since the last call (``name``, ``changed``, ``label``, ``run_id``, and
    ``reason`` if given), oldest first; each is said once: the notes are removed."""
    notes = Path(folder) / INDEX / "refused"
    out = []
    for path in sorted(notes.glob("*.json")) if notes.is_dir() else []:
        try:
            note = json.loads(path.read_text(encoding="utf-8"))
            path.unlink()
        except (OSError, ValueError):
            continue
        if isinstance(note, dict) and isinstance(note.get("name"), str):
            out.append(note)
    return out


def _stale(path: Path, now: float) -> bool:
    """A temporary folder of this host whose process is gone, or any one untouched for :data:`STALE_AFTER_S`."""
    try:
        old = now - path.stat().st_mtime > STALE_AFTER_S
    except OSError:
        return False
    m = _TMP.match(path.name)
    if m is None or m.group(2) != _host() or os.name != "posix":  # os.kill(pid, 0) only probes on POSIX
        return old
    try:
        os.kill(int(m.group(1)), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, OSError):
        return old
    return old


def remove_stale_tmp(folder: str | os.PathLike) -> list[Path]:
    """Remove the temporary folders (:func:`new_tmp_dir`, or as etude named them before) that killed processes
    left in ``folder``; returns them. Nothing else is touched."""
    folder = Path(folder)
    now = time.time()
    found = [p for p in folder.glob(".tmp-*") if (_TMP.match(p.name) or _OLD_TMP.match(p.name))
             and p.is_dir() and not p.is_symlink() and _stale(p, now)] if folder.is_dir() else []
    for p in found:
        shutil.rmtree(p, ignore_errors=True)
    return found
