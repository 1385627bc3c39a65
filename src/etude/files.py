"""Files the package writes: atomic writes, output folders that may receive runs, file digests.

The lowest layer with :mod:`etude.paths` and :mod:`etude.errors`: the survey layer, the engine, the publishing
layer and ``etude decp`` all write through :func:`atomic_write`, so a file is complete or absent.

Examples
--------
>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> atomic_write(d / "a.txt", lambda tmp: tmp.write_text("x", encoding="utf-8")).read_text(encoding="utf-8")
'x'
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from etude import paths

__all__ = ["atomic_write", "write_text", "write_json", "sha256", "check_out_dir", "OUTPUT_LOG_ENV"]

#: Environment variable naming a file where :func:`atomic_write` lists each file it completes (one absolute
#: path a line); the engine sets it for each notebook's kernel, to know which tables and figures it wrote.
OUTPUT_LOG_ENV = "ETUDE_OUTPUT_LOG"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, write) -> Path:
    """Call ``write(tmp_path)`` then rename the temporary file to ``path`` (same folder, atomic on POSIX)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a run's files get the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    ledger = os.environ.get(OUTPUT_LOG_ENV)
    if ledger:
        with open(ledger, "a", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(f"{path.resolve()}\n")
    return path


def check_out_dir(out: str | os.PathLike, *, option: str = "--out", allow_data: bool = False) -> Path:
    """Check that ``out`` can receive run folders, without creating anything; returns it resolved.

    Refused, with one French message (:class:`etude.errors.ParameterError`) naming ``option``: a folder inside
    ``data/`` (raw inputs are never written to; ``allow_data`` for the one writer of ``data/demo/``,
    ``etude demo``), an existing file, a folder (or its nearest existing parent) that this user cannot write to.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> check_out_dir(d / "runs") == (d / "runs").resolve()
    True
    >>> try:
    ...     check_out_dir(paths.data_dir() / "demo")
    ... except ValueError as exc:
    ...     print(str(exc)[:48])
    --out : dossier dans data/ (données brutes, jama
    """
    from etude.errors import ParameterError

    target = Path(out).expanduser().resolve()
    data = paths.data_dir().resolve()
    if not allow_data and (target == data or data in target.parents):
        raise ParameterError(f"{option} : dossier dans data/ (données brutes, jamais modifiées) ; "
                             "attendu : un dossier hors de data/, par exemple outputs/")
    existing = target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        what = "est un fichier" if existing == target else f"passe par un fichier ({existing})"
        raise ParameterError(f"{option} : {target} {what} ; attendu : un dossier (existant ou à créer)")
    read_only = not existing.stat().st_mode & 0o222  # no write bit at all: read-only, even for root
    if read_only or not os.access(existing, os.W_OK | os.X_OK):
        raise ParameterError(f"{option} : impossible d'écrire dans {existing} (lecture seule ou droits "
                             "insuffisants) ; attendu : un dossier où vous pouvez écrire")
    return target


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` as UTF-8, atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_json(path: str | os.PathLike, payload: dict) -> Path:
    """Write ``payload`` as indented UTF-8 JSON, atomically."""
    text = json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n"
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8", errors="surrogateescape"))


def sha256(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes (:func:`hashlib.file_digest`; the file is only read).

    >>> p = Path(tempfile.mkdtemp()) / "x"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256(p)[:12]
    'ba7816bf8f01'
    """
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
