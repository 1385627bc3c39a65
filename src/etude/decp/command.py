"""The ``etude decp`` command as a function that returns its results; :mod:`etude.cli` prints them.

:func:`decp_report` reads the files, applies the regional filter, computes the yearly table, the indicator
panel of the region and the panel of every region, and (with ``out``) writes the yearly table as CSV;
:func:`etude.publish.present.decp.format_report` turns the result into the text the command prints.
:func:`check_out_path` refuses an output path that would overwrite an input or cannot be written, before
anything is read or written.

Examples
--------
>>> import json, tempfile
>>> d = Path(tempfile.mkdtemp())
>>> _ = (d / "d.json").write_text(json.dumps({"marches": [{"id": "1", "dateNotification": "2019-03-01"}]}))
>>> try:
...     check_out_path(d / "d.json", [d / "d.json"])
... except ParameterError as exc:
...     print(str(exc)[:51])
--out « d.json » est aussi un fichier d'entrée : il
>>> report = decp_report([d / "d.json"], region="none")
>>> report.table["n_contracts"].tolist(), report.panel is None
([1], True)
"""
from __future__ import annotations

import dataclasses
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from etude import paths
from etude.decp import engine
from etude.decp.engine import MEMORY_LIMIT
from etude.decp.indicators import yearly_indicators
from etude.decp.panel import DEFAULT_RESAMPLES, panel_of
from etude.decp.reading import MAX_UNZIPPED, load, summarise
from etude.decp.region import REGIONS, region_key, select_region
from etude.decp.regions import regions_panel
from etude.decp.summary import quality_summary
from etude.errors import ParameterError

__all__ = ["DecpReport", "decp_report", "check_out_path", "EXCLUSION_RULES"]

#: The rules of the exclusions from the yearly figures within the region.
EXCLUSION_RULES = ("date_missing", "date_invalid", "date_out_of_range", "amount_missing", "amount_invalid",
                   "amount_negative", "amount_absurd", "dated")


@dataclasses.dataclass
class DecpReport:
    """What ``etude decp`` found: counts, the rule summaries, the yearly table, the region's panel (``None``
    without a region), the panel of every region and the files written (the yearly table first)."""

    n_files: int
    n_records: int
    region: str | None
    summary: pd.DataFrame
    region_summary: pd.DataFrame
    exclusions: pd.DataFrame | None
    table: pd.DataFrame
    panel: pd.DataFrame | None = None
    regions: pd.DataFrame | None = None
    written: list[Path] = dataclasses.field(default_factory=list)

    @property
    def region_label(self) -> str:
        """The region's name (« Hauts-de-France »), empty without a region."""
        return REGIONS[self.region]["label"] if self.region else ""


def _refuse(out: Path, why: str, expected: str) -> ParameterError:
    return ParameterError(f"--out « {out.name} » {why} ; {expected}")


def _writable_folder(folder: Path) -> bool:
    """Whether a file can be created in ``folder`` (mode bits, access rights, then a probe left behind: none)."""
    if not os.access(folder, os.W_OK | os.X_OK) or not folder.stat().st_mode & 0o222:
        return False
    try:
        fd, probe = tempfile.mkstemp(prefix=".etude-probe.", dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(probe)
    return True


def check_out_path(out: str | os.PathLike, inputs: Sequence[str | os.PathLike]) -> Path:
    """The resolved output file, or a :class:`ParameterError` saying why it cannot be written.

    Refused: one of ``inputs`` (same file, after resolving links), a folder, a path inside the repository's
    ``data/`` (committed data, never modified by a run), a read-only file, a folder where nothing can be
    written. Nothing is created or changed by the check.
    """
    target = Path(out).expanduser().resolve()
    for p in inputs:
        p = Path(p)
        if p.exists() and target.exists() and os.path.samefile(p, target) or p.resolve() == target:
            raise _refuse(target, "est aussi un fichier d'entrée : il serait écrasé",
                          "donnez un autre nom de fichier pour la table")
    if target.is_dir():
        raise _refuse(target, "est un dossier", f"donnez un nom de fichier CSV, ex. {target / 'decp_annuel.csv'}")
    if target.is_relative_to(paths.data_dir().resolve()):
        raise _refuse(target, "est dans data/ (données du dépôt, jamais modifiées par une exécution)",
                      "écrivez la table ailleurs, ex. outputs/decp_annuel.csv")
    if target.exists() and not target.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise _refuse(target, "est un fichier en lecture seule", "donnez un autre nom ou rendez-le modifiable")
    folder = target.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise _refuse(target, f"est sous « {folder} », qui est un fichier et non un dossier",
                      "donnez un chemin dans un dossier existant")
    if not _writable_folder(folder):
        raise _refuse(target, f"ne peut pas être écrit : dossier « {folder} » en lecture seule ou non accessible",
                      "choisissez un dossier où vous pouvez écrire")
    return target


def decp_report(files: Sequence[str | os.PathLike], *, region: str = "hauts-de-france",
                out: str | os.PathLike | None = None, max_unzipped: int = MAX_UNZIPPED,
                resamples: int = DEFAULT_RESAMPLES, memory_limit: str = MEMORY_LIMIT,
                threads: int | None = None) -> DecpReport:
    """``etude decp``: read ``files``, keep ``region`` (``"none"``: all), count per year, compute the panels, write
    ``out`` (CSV of the yearly table; the region's panel and every region's beside it, ``*_panel.csv`` and
    ``*_regions.csv``).

    ``out`` is checked (:func:`check_out_path`) before anything is read, and written atomically after: a
    failed command leaves a previous table as it was. ``max_unzipped`` is :func:`read_decp`'s ZIP limit;
    ``resamples`` the bootstrap's of the region's value shares. Everything is computed by DuckDB
    (``memory_limit``, ``threads``: default, this process's processors) where the records lie: only the tables
    of results come back to Python. Prints nothing.
    """
    key = region_key(region)
    target = check_out_path(out, files) if out else None
    with engine.connect(memory_limit=memory_limit, threads=threads) as con:
        loaded = load(con, files, max_unzipped=max_unzipped)
        t = loaded.records
        kept, region_summary = select_region(t, key)
        report = DecpReport(n_files=len(files), n_records=t.sql("SELECT count(*) FROM {t}").fetchall()[0][0],
                            region=key, summary=summarise(loaded), region_summary=region_summary, exclusions=None,
                            table=yearly_indicators(kept), regions=regions_panel(t))
        if key is not None:
            q = quality_summary(kept)
            report.exclusions = q[q["rule"].isin(EXCLUSION_RULES)].reset_index(drop=True)
            report.panel = panel_of(kept, group=f"'{REGIONS[key]['code']}'", resamples=resamples)
    if target is not None:
        report.written = _write_tables(report, target)
    return report


def _write_tables(report: DecpReport, target: Path) -> list[Path]:
    """Write the yearly table to ``target``, the panels beside it; returns the paths written."""
    from etude.files import atomic_write
    tables = [(target, report.table)]
    if report.panel is not None:
        tables.append((target.with_name(f"{target.stem}_panel.csv"), report.panel))
    tables.append((target.with_name(f"{target.stem}_regions.csv"), report.regions))
    return [atomic_write(path, lambda tmp, t=table: t.to_csv(tmp, index=False, encoding="utf-8"))
            for path, table in tables]
