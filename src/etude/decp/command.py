"""The ``etude decp`` command as a function that returns its results; :mod:`etude.cli` prints them.

:func:`decp_report` reads the files, applies the regional filter, computes the yearly table and (with ``out``)
writes it as CSV; :func:`format_report` turns the result into the French text the command prints.
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
>>> report.table["n_contracts"].tolist()
[1]
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
from etude.decp.indicators import format_yearly, yearly_indicators
from etude.decp.reading import MAX_UNZIPPED, read_decp
from etude.decp.region import REGIONS, filter_region, region_key
from etude.decp.summary import format_summary, quality_summary
from etude.errors import ParameterError
from etude.publish import formats

__all__ = ["DecpReport", "decp_report", "format_report", "check_out_path"]

_EXCLUSION_RULES = ("date de notification", "montant manquant", "montant illisible", "montant négatif",
                    "montant aberrant", "contrats utilisables")


@dataclasses.dataclass
class DecpReport:
    """What ``etude decp`` found: counts, the rule summaries, the yearly table and the file written."""

    n_files: int
    n_records: int
    region: str | None
    summary: pd.DataFrame
    region_summary: pd.DataFrame
    exclusions: pd.DataFrame | None
    table: pd.DataFrame
    written: Path | None = None


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
                out: str | os.PathLike | None = None, max_unzipped: int = MAX_UNZIPPED) -> DecpReport:
    """``etude decp``: read ``files``, keep ``region`` (``"none"``: all), count per year, write ``out`` (CSV).

    ``out`` is checked (:func:`check_out_path`) before anything is read, and written atomically after: a
    failed command leaves a previous table as it was. ``max_unzipped`` is :func:`read_decp`'s ZIP limit.
    Prints nothing: :func:`format_report` gives the text.
    """
    key = region_key(region)
    target = check_out_path(out, files) if out else None
    records, summary = read_decp(files, max_unzipped=max_unzipped)
    kept, region_summary = filter_region(records, region=region)
    table = yearly_indicators(kept)
    exclusions = None
    if key is not None:
        q = quality_summary(kept)
        exclusions = q[q["rule"].str.startswith(_EXCLUSION_RULES)]
    written = None
    if target is not None:
        from etude.files import atomic_write
        written = atomic_write(out, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8"))
    return DecpReport(n_files=len(files), n_records=len(records), region=key, summary=summary,
                      region_summary=region_summary, exclusions=exclusions, table=table, written=written)


def format_report(report: DecpReport) -> str:
    """The text ``etude decp`` prints: what was read, every rule applied, the regional filter, the table."""
    key = report.region
    lines = [f"DECP : {report.n_files} fichier(s), {formats.number(report.n_records)} contrat(s) après lecture.",
             "\nLecture et nettoyage (tous les enregistrements) :", format_summary(report.summary),
             "\nPérimètre régional" + (f" ({REGIONS[key]['label']}) :" if key else " :"),
             format_summary(report.region_summary)]
    if report.exclusions is not None:
        lines += ["\nExclusions des chiffres annuels dans le périmètre retenu :", format_summary(report.exclusions)]
    lines.append("\nIndicateurs par année de notification :")
    if report.table.empty:
        lines.append("  aucun contrat avec une date de notification valide dans le périmètre.")
    else:
        lines.append(format_yearly(report.table).to_string(index=False))
    if report.written is not None:
        lines.append(f"\nTable écrite : {report.written}")
    return "\n".join(lines)
