"""OpenDocument copies of a run's office files (``--odf``): ``slides.odp`` from ``slides.pptx`` and
``tables/tables.ods`` from ``tables/tables.xlsx``, ODF being the State's reference office format (RGI).

LibreOffice converts them, headless, with a temporary user profile (so that a LibreOffice the user has open, or
another run converting at the same time, is never disturbed) and a timeout. Without LibreOffice, one line says so
and the run keeps its PPTX and XLSX.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from etude import words
from etude.files import atomic_write

__all__ = ["ODF_COPIES", "find_soffice", "convert", "write_odf"]

#: Each office file of a run (relative to the run folder) and the format of its OpenDocument copy.
ODF_COPIES = (("slides.pptx", "odp"), ("tables/tables.xlsx", "ods"))
#: The LibreOffice package that converts to each format (Debian's names).
_MODULES = {"odp": "libreoffice-impress", "ods": "libreoffice-calc"}


def find_soffice() -> str | None:
    """Path of LibreOffice's ``soffice``, or ``None`` (``ETUDE_SOFFICE`` overrides; empty means « none »).

    >>> import os; os.environ["ETUDE_SOFFICE"] = ""; find_soffice() is None
    True
    >>> del os.environ["ETUDE_SOFFICE"]
    """
    forced = os.environ.get("ETUDE_SOFFICE")
    if forced is not None:
        return forced if forced and Path(forced).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(source: Path, fmt: str, *, soffice: str, timeout: float = 240) -> Path:
    """Convert ``source`` to ``fmt`` (``"odp"``, ``"ods"``) beside it, with LibreOffice; returns the new file.

    Raises
    ------
    RuntimeError
        LibreOffice ran but wrote nothing (its last error lines are in the message).
    subprocess.TimeoutExpired
        It took longer than ``timeout`` seconds.
    """
    source = Path(source)
    target = source.with_suffix(f".{fmt}")
    with tempfile.TemporaryDirectory(prefix="etude-odf-") as tmp:
        cmd = [soffice, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", fmt, "--outdir", tmp, str(source)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        made = Path(tmp) / target.name
        if not made.is_file() or made.stat().st_size == 0:
            said = ((proc.stderr or "") + (proc.stdout or "")).strip()
            tail = " ".join(said.splitlines()[-3:])
            if "could not be loaded" in said:  # the module that reads this format is not installed
                tail = f"{_MODULES.get(fmt, fmt)} absent ? {tail}"
            raise RuntimeError(f"LibreOffice n'a pas produit {target.name} (code {proc.returncode}) : {tail}")
        return atomic_write(target, lambda t: shutil.copyfile(made, t))


def write_odf(run_dir: Path, *, lang: str = "fr", soffice: str | None = None, timeout: float = 240) -> list[str]:
    """Write the OpenDocument copy of each office file the run has (:data:`ODF_COPIES`); returns warning lines
    (LibreOffice absent, or a conversion that failed), empty when every copy was written.

    >>> import tempfile; write_odf(Path(tempfile.mkdtemp()), soffice="")  # nothing to convert: nothing to say
    []
    """
    sources = [(Path(run_dir) / name, fmt) for name, fmt in ODF_COPIES if (Path(run_dir) / name).is_file()]
    if not sources:
        return []
    exe = find_soffice() if soffice is None else (soffice or None)
    if not exe:
        return [words.text("odf.no_soffice", lang)]
    problems = []
    for source, fmt in sources:
        try:
            convert(source, fmt, soffice=exe, timeout=timeout)
        except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
            problems.append(words.text("odf.failed", lang, name=source.with_suffix(f".{fmt}").name,
                                       reason=f"{exc.__class__.__name__}: {exc}"))
    return problems
