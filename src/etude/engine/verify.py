"""Proving a run folder: its files are the ones its manifest lists, and its tables are what the study produces.

:func:`verify_run` checks every file of a run folder against the sha256 its manifest records and names each
missing, extra or changed file. :func:`rerun_and_compare` first checks the run's inputs against their recorded
sha256, re-executes the study with the run's parameters (without the cache, in a temporary folder), and compares
every table cell by cell — numbers within a relative tolerance of 1e-9, text exactly. Pseudonymous ids depend
on the local salt: when its fingerprint differs from the run's, that is said once instead of listing each id.

Examples
--------
>>> import pandas as pd
>>> old = pd.DataFrame({"item": ["a"], "part": ["0.25"]})
>>> compare_frames(old, pd.DataFrame({"item": ["a"], "part": ["0.2500000000001"]}), "t.csv")
[]
>>> compare_frames(old, pd.DataFrame({"item": ["b"], "part": ["0.25"]}), "t.csv")[0]["column"]
'item'
"""
from __future__ import annotations

import math
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from etude import paths
from etude.engine.manifest import MANIFEST, read_manifest, salt_fingerprint
from etude.files import sha256

__all__ = ["verify_run", "check_inputs", "compare_frames", "compare_tables", "rerun_and_compare",
           "format_difference", "Comparison", "REL_TOL", "PSEUDONYM"]

#: Relative tolerance for numbers when tables are compared.
REL_TOL = 1e-9
#: What a pseudonymous id looks like (``A-…`` buyers, ``E-…`` companies).
PSEUDONYM = re.compile(r"^[A-Z]{1,3}-[0-9a-f]{6,}$")


def verify_run(run_dir: str | Path) -> pd.DataFrame:
    """Files of ``run_dir`` that differ from its manifest: columns ``file, problem, expected, found``.

    ``problem`` is ``missing`` (listed, absent), ``extra`` (present, not listed) or ``changed`` (other sha256).
    An empty frame means the folder is exactly what the run wrote.
    """
    from etude.errors import RunError
    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    recorded = manifest.get("files")
    if not isinstance(recorded, dict):
        raise RunError(f"{run_dir / MANIFEST} : aucune empreinte de fichier (exécution inachevée, ou antérieure "
                       "à etude verify)")
    rows = []
    present = {p.relative_to(run_dir).as_posix(): p for p in sorted(run_dir.rglob("*"))
               if p.is_file() and p.name != MANIFEST}
    for rel, sha in sorted(recorded.items()):
        if rel not in present:
            rows.append({"file": rel, "problem": "missing", "expected": sha, "found": None})
        elif sha256(present[rel]) != sha:
            rows.append({"file": rel, "problem": "changed", "expected": sha, "found": sha256(present[rel])})
    for rel in sorted(set(present) - set(recorded)):
        rows.append({"file": rel, "problem": "extra", "expected": None, "found": sha256(present[rel])})
    return pd.DataFrame(rows, columns=["file", "problem", "expected", "found"])


def check_inputs(manifest: dict[str, Any]) -> list[str]:
    """The run's inputs (study file, exports, DECP files) that are missing or changed since, one French line each
    (a DECP file recorded relative to the study's folder is looked for there)."""
    lines = []
    study = manifest.get("study") or {}
    entries = [study] + list(manifest.get("inputs") or []) + list(manifest.get("decp_inputs") or [])
    for entry in entries:
        path, sha = entry.get("path"), entry.get("sha256")
        if not path or not sha:
            continue
        if entry.get("relative_to") == "study" and study.get("path"):
            path = str(Path(study["path"]).parent / path)
        if not Path(path).is_file():
            lines.append(f"{path} : entrée introuvable (attendu : le fichier lu par l'exécution)")
        elif sha256(path) != sha:
            lines.append(f"{path} : entrée modifiée depuis l'exécution (sha256 différent)")
    return lines


def _same(old: str, new: str) -> bool:
    if old == new:
        return True
    try:
        a, b = float(old), float(new)
    except ValueError:
        return False
    if math.isnan(a) and math.isnan(b):
        return True
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-12)


def compare_frames(old: pd.DataFrame, new: pd.DataFrame, table: str) -> list[dict[str, Any]]:
    """Cell-by-cell differences of two tables read as text: ``table, row, column, old, new``.

    ``row`` is the line as a spreadsheet numbers it (header = 1). Extra rows or columns are differences too.
    """
    diffs = []
    if list(old.columns) != list(new.columns):
        diffs.append({"table": table, "row": 1, "column": "(en-tête)", "old": ", ".join(map(str, old.columns)),
                      "new": ", ".join(map(str, new.columns))})
    columns = [c for c in old.columns if c in set(new.columns)]
    for i in range(max(len(old), len(new))):
        if i >= len(old) or i >= len(new):
            diffs.append({"table": table, "row": i + 2, "column": "(ligne)",
                          "old": "présente" if i < len(old) else "absente",
                          "new": "présente" if i < len(new) else "absente"})
            continue
        for c in columns:
            a, b = str(old.iat[i, old.columns.get_loc(c)]), str(new.iat[i, new.columns.get_loc(c)])
            if not _same(a, b):
                diffs.append({"table": table, "row": i + 2, "column": str(c), "old": a, "new": b})
    return diffs


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def compare_tables(old_dir: Path, new_dir: Path) -> list[dict[str, Any]]:
    """Differences between the ``*.csv`` tables of two ``tables/`` folders (a table missing on one side too)."""
    diffs = []
    names = sorted({p.name for p in Path(old_dir).glob("*.csv")} | {p.name for p in Path(new_dir).glob("*.csv")})
    for name in names:
        old, new = Path(old_dir) / name, Path(new_dir) / name
        if not old.is_file() or not new.is_file():
            diffs.append({"table": name, "row": None, "column": None,
                          "old": "présente" if old.is_file() else "absente",
                          "new": "présente" if new.is_file() else "absente"})
            continue
        diffs += compare_frames(_read(old), _read(new), name)
    return diffs


def format_difference(d: dict[str, Any]) -> str:
    """One French line for a difference.

    >>> format_difference({"table": "t.csv", "row": 3, "column": "part", "old": "0.25", "new": "0.26"})
    'tables/t.csv, ligne 3, colonne « part » : ancien « 0.25 », nouveau « 0.26 »'
    """
    where = [f"tables/{d['table']}"]
    if d.get("row") is not None:
        where.append(f"ligne {d['row']}")
    if d.get("column") is not None:
        where.append(f"colonne « {d['column']} »")
    return ", ".join(where) + f" : ancien « {d['old']} », nouveau « {d['new']} »"


@dataclass
class Comparison:
    """What a re-execution showed: input problems, table differences, the salt note, the run's result."""

    inputs: list[str] = field(default_factory=list)
    differences: list[dict[str, Any]] = field(default_factory=list)
    salt_note: str | None = None
    pseudonyms_skipped: int = 0
    rerun_ok: bool = True
    rerun_errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No input problem, no difference, a successful re-execution, the same salt."""
        return not (self.inputs or self.differences or self.salt_note or not self.rerun_ok)


def _split_pseudonyms(diffs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    kept = [d for d in diffs if not (PSEUDONYM.match(str(d["old"])) and PSEUDONYM.match(str(d["new"])))]
    return kept, len(diffs) - len(kept)


def rerun_and_compare(run_dir: str | Path, *, progress=None) -> Comparison:
    """Check the run's inputs, re-execute the study as the run did (no cache) and compare every table."""
    from etude.engine.run import reproduce
    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    result = Comparison(inputs=check_inputs(manifest))
    if result.inputs:
        return result
    params = manifest.get("parameters") or {}
    sources = [paths.root() / n["source"] for n in manifest.get("notebooks", []) if n.get("source")]
    tmp = Path(tempfile.mkdtemp(prefix="etude-verify-"))
    try:
        rerun = reproduce(study=params.get("study") or None, lang=params.get("lang"), out=tmp,
                          parameters=sorted((params.get("given") or {}).items()), timeout=params.get("timeout_s"),
                          notebooks=sources or None, use_cache=False, move_latest=False, progress=progress)
        result.rerun_ok, result.rerun_errors = rerun.ok, dict(rerun.errors)
        diffs = compare_tables(run_dir / "tables", rerun.run_dir / "tables")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    recorded, current = manifest.get("salt_fingerprint"), salt_fingerprint()
    if recorded != current:
        diffs, result.pseudonyms_skipped = _split_pseudonyms(diffs)
        result.salt_note = (f"le sel de pseudonymisation diffère de celui de l'exécution (empreinte {recorded} ≠ "
                            f"{current}) : {result.pseudonyms_skipped} identifiant(s) pseudonyme(s) non comparé(s) ; "
                            "relancer avec le même sel (ETUDE_SALT) pour les comparer")
    result.differences = diffs
    return result
