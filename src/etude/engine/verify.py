"""Proving a run folder: its files are the ones its manifest lists, and its tables and text are what the study
produces.

:func:`verify_run` checks every file of a run folder against the sha256 its manifest records and names each
missing, extra or changed file; for the files the run took from the cache (or stored there), it also checks the
cache entry they came from (or went to), when it is still there, against the sha256 the manifest records
(:func:`check_cache_sources`). :func:`rerun_and_compare` first checks the run's inputs against their recorded
sha256, re-executes the study with the run's parameters (without the cache, in a temporary folder), and compares
every table cell by cell — numbers within a relative tolerance of 1e-9, text exactly — and the text every
notebook shows (markdown, text and HTML outputs; :func:`compare_notebook_texts`), sentence by sentence, once run
ids, dates and absolute paths are set aside. Pseudonymous ids depend on the local salt: when its fingerprint
differs from the run's, that is said once instead of listing each id.

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
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd

from etude import paths
from etude.engine.manifest import MANIFEST, read_manifest, salt_fingerprint, study_file
from etude.files import sha256

__all__ = ["verify_run", "check_inputs", "check_cache_sources", "compare_frames", "compare_tables",
           "notebook_sentences", "normalise_text", "compare_notebook_texts", "rerun_and_compare",
           "format_difference", "describe_problem", "Comparison", "REL_TOL", "PSEUDONYM"]

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
    rows += check_cache_sources(run_dir, manifest)
    return pd.DataFrame(rows, columns=["file", "problem", "expected", "found", "entry"])


def _cache_checks(manifest: dict[str, Any]) -> list[tuple[str, str, str, list[dict[str, Any]]]]:
    """``(cache folder, entry key, run that stored it, [{file, sha256, entry_file}])`` for each cache entry the
    run reused or stored: a reused entry's files with the sha256 it gave; a stored one's with the run's own."""
    out = []
    recorded = manifest.get("files") if isinstance(manifest.get("files"), dict) else {}
    for nb in manifest.get("notebooks") or []:
        key = nb.get("cache_key")
        if not isinstance(key, str) or nb.get("status") != "ok":
            continue
        if nb.get("cache") == "hit" and nb.get("reused_from"):
            out.append(("notebooks", key, str(nb["reused_from"]), list(nb.get("reused_files") or [])))
        elif nb.get("cache") == "miss":
            out.append(("notebooks", key, str(manifest.get("run_id")), [
                {"file": rel, "sha256": sha, "entry_file": f"files/{rel}"} for rel, sha in recorded.items()]))
    assembly = manifest.get("assembly") or {}
    if assembly.get("cache") == "hit" and isinstance(assembly.get("cache_key"), str):
        out.append(("assembly", assembly["cache_key"], str(assembly.get("reused_from")),
                    list(assembly.get("reused_files") or [])))
    return out


def check_cache_sources(run_dir: str | Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The cache entries a run reused (or stored) that no longer hold what the run took from (or gave to) them.

    For each entry still in ``<out>/.cache`` and still the one that run recorded (stored by the same run), each
    file the manifest names is compared with the entry's copy: one row ``file, problem = "cache_changed",
    expected, found`` (``found`` None: the copy is gone) per difference. An entry evicted or stored again since is
    not checked: there is nothing left to compare.
    """
    from etude import cachefiles
    cache = Path(run_dir).resolve().parent / ".cache"
    rows = []
    for folder, key, origin, files in _cache_checks(manifest):
        record = cachefiles.load_record(cache / folder, key)
        if record is None or str(record.get("run_id")) != origin:
            continue
        held = {Path(rel).relative_to(key).as_posix() for rel in record["files"]}
        for f in files:
            entry_file = str(f.get("entry_file") or "")
            if entry_file not in held:
                continue
            path = cache / folder / key / entry_file
            found = sha256(path) if path.is_file() and not path.is_symlink() else None
            if found != f.get("sha256"):
                rows.append({"file": str(f.get("file")), "problem": "cache_changed", "expected": f.get("sha256"),
                             "found": found, "entry": f"{folder}/{key}/{entry_file}"})
    return rows


def describe_problem(row: dict[str, Any]) -> str:
    """One French line for a row of :func:`verify_run`.

    >>> describe_problem({"file": "tables/a.csv", "problem": "changed"})
    'tables/a.csv : fichier modifié'
    >>> describe_problem({"file": "tables/a.csv", "problem": "cache_changed", "entry": "notebooks/ab/files/x"})
    'tables/a.csv : sa copie dans le cache (.cache/notebooks/ab/files/x) a changé depuis cette exécution'
    """
    labels = {"missing": "fichier manquant", "extra": "fichier en trop", "changed": "fichier modifié"}
    if row.get("problem") in labels:
        return f"{row['file']} : {labels[row['problem']]}"
    where = f" (.cache/{row['entry']})" if row.get("entry") else ""
    return f"{row['file']} : sa copie dans le cache{where} a changé depuis cette exécution"


def _decp_path(entry: dict[str, Any], study: Path) -> Path:
    """Where a DECP file the manifest records (:func:`etude.engine.manifest.decp_provenance`) is on this machine."""
    where = {"study": study.parent, "repository": paths.root()}.get(entry.get("relative_to") or "", Path("."))
    return where / str(entry["path"])


def check_inputs(manifest: dict[str, Any], *, study: str | Path | None = None) -> list[str]:
    """The run's inputs (study file, exports, DECP files) that are missing or changed since, one French line each.

    The manifest names them without absolute path (:func:`etude.engine.manifest.study_provenance`): the study
    file by its path in the repository, the exports relative to the study's folder. ``study`` gives the study file
    when it lay outside the repository or has moved (``etude verify --rerun --study FILE``).
    """
    entry = manifest.get("study") or {}
    found = study_file(manifest, study)
    if found is None:
        name = entry.get("file") or "?"
        return [f"{name} : fichier d'étude hors du dépôt, introuvable d'ici ; le donner avec --study FICHIER"]
    lines = []
    inputs = [(found.parent / str(i["path"]), i.get("sha256")) for i in manifest.get("inputs") or [] if i.get("path")]
    inputs += [(_decp_path(d, found), d.get("sha256")) for d in manifest.get("decp_inputs") or [] if d.get("path")]
    for path, sha in [(found, entry.get("sha256")), *inputs]:
        if not sha:
            continue
        shown = _shown_path(path, found)
        if not path.is_file():
            lines.append(f"{shown} : entrée introuvable (attendu : le fichier lu par l'exécution)")
        elif sha256(path) != sha:
            lines.append(f"{shown} : entrée modifiée depuis l'exécution (sha256 différent)")
    return lines


def _shown_path(path: Path, study: Path) -> str:
    """An input as a line names it: relative to the study's folder, else as it is."""
    try:
        return path.relative_to(study.parent).as_posix()
    except ValueError:
        return str(path)


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


class _Text(HTMLParser):
    """The text an HTML output shows: one line per block (paragraph, row, caption…), cells joined by `` | ``;
    styles, scripts and attributes (images, ids) left out."""

    _BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "table", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.line, self.skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "script")
        if tag in self._BLOCKS:
            self.flush()

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self.skip:
            self.skip -= 1
        if tag in ("td", "th"):
            self.line.append(" | ")
        elif tag in self._BLOCKS:
            self.flush()

    def handle_data(self, data):
        if not self.skip:
            self.line.append(data)

    def flush(self):
        text = " ".join("".join(self.line).split()).strip(" |")
        if text:
            self.lines.append(text)
        self.line = []


def _html_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    parser.close()
    parser.flush()
    return "\n".join(parser.lines)


def _shown(output: dict[str, Any]) -> str:
    """The text an output shows: markdown, else HTML (as text), else plain text; stdout; an error's message."""
    kind = output.get("output_type")
    if kind == "stream":
        return "".join(output.get("text") or "") if output.get("name") == "stdout" else ""
    if kind == "error":
        return f"{output.get('ename')}: {output.get('evalue')}"
    data = output.get("data") or {}
    for mime, read in (("text/markdown", str), ("text/html", _html_text), ("text/plain", str)):
        if mime in data:
            value = data[mime]
            return read("".join(value) if isinstance(value, list) else str(value))
    return ""


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def notebook_sentences(nb) -> list[tuple[int, list[str]]]:
    """``(cell number, sentences)`` of each cell of an executed notebook: a markdown cell's text, a code cell's
    outputs as they show (:func:`_shown`); cells numbered as written (1 = first, the injected parameters cell
    not counted), as the engine names a failing cell.

    >>> import nbformat
    >>> md = nbformat.v4.new_markdown_cell("# Titre\\n\\nUne phrase. Une autre !")
    >>> notebook_sentences(nbformat.v4.new_notebook(cells=[md]))
    [(1, ['# Titre', 'Une phrase.', 'Une autre !'])]
    """
    out, number = [], 0
    for cell in nb.cells:
        if "injected-parameters" in (cell.get("metadata", {}).get("tags") or []):
            continue
        number += 1
        texts = [cell.source] if cell.cell_type == "markdown" else [_shown(o) for o in cell.get("outputs", [])]
        sentences = [s for text in texts for line in str(text).splitlines()
                     for s in _SENTENCE_END.split(" ".join(line.split())) if s]
        out.append((number, sentences))
    return out


_MONTHS = ("janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|january|february|"
           "march|april|may|june|july|august|september|october|november|december")
_VOLATILE = [
    (re.compile(r"\b\d{8}-\d{6}-[0-9a-f]{6}\b"), "<exécution>"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:?\d{2}|Z)?)?\b"), "<date>"),
    (re.compile(rf"\b\d{{1,2}}(?:er)?\s+(?:{_MONTHS})\s+\d{{4}}\b", re.I), "<date>"),
    (re.compile(rf"\b(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}}\b", re.I), "<date>"),
    (re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b"), "<date>"),
    (re.compile(r"\b\d{1,2}[:h]\d{2}(?::\d{2})?\b"), "<heure>"),
    (re.compile(r"(?:\b[A-Za-z]:)?(?:[/\\][\w.~+@%-]*[\w~+@%-]){2,}[/\\]?"), "<chemin>"),  # no final dot
]


def normalise_text(text: str, *, run_dirs: tuple[str | Path, ...] = (), pseudonyms: bool = False) -> str:
    """``text`` without what changes from one execution to the next: run folders, run ids, dates, times and
    absolute paths become ``<exécution>``, ``<date>``, ``<heure>``, ``<chemin>``; with ``pseudonyms``, the
    pseudonymous ids too (another salt); spaces folded.

    >>> normalise_text("Run 20261207-051400-4ff625 du 3 décembre 2026 à 10:15, écrit dans /tmp/x/tables.")
    'Run <exécution> du <date> à <heure>, écrit dans <chemin>.'
    """
    for folder in sorted((str(d) for d in run_dirs if str(d)), key=len, reverse=True):
        text = text.replace(folder, "<exécution>")
    for pattern, token in _VOLATILE:
        text = pattern.sub(token, text)
    if pseudonyms:
        text = re.sub(r"\b[A-Z]{1,3}-[0-9a-f]{6,}\b", "<pseudonyme>", text)
    return " ".join(text.split())


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell_differences(name: str, cell: int, old: list[str], new: list[str], norm) -> list[dict[str, Any]]:
    """The sentences of one cell that differ once normalised: changed, removed (new ``(absente)``) or added."""
    import difflib
    a, b = [norm(s) for s in old], [norm(s) for s in new]
    diffs = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        olds, news = old[i1:i2], new[j1:j2]
        for k in range(max(len(olds), len(news))):
            diffs.append({"notebook": name, "cell": cell, "old": _clip(olds[k]) if k < len(olds) else "(absente)",
                          "new": _clip(news[k]) if k < len(news) else "(absente)"})
    return diffs


def compare_notebook_texts(old_dir: Path, new_dir: Path, *, run_dirs: tuple[str | Path, ...] = (),
                           pseudonyms: bool = False) -> list[dict[str, Any]]:
    """The sentences the executed notebooks of two ``notebooks/`` folders show differently (:func:`normalise_text`
    with ``run_dirs`` and ``pseudonyms``): ``notebook, cell, old, new`` each, cell numbered as written."""
    import nbformat
    norm = partial(normalise_text, run_dirs=run_dirs, pseudonyms=pseudonyms)
    diffs = []
    names = sorted({p.stem for p in Path(old_dir).glob("*.ipynb")} | {p.stem for p in Path(new_dir).glob("*.ipynb")})
    for name in names:
        old_path, new_path = Path(old_dir) / f"{name}.ipynb", Path(new_dir) / f"{name}.ipynb"
        if not old_path.is_file() or not new_path.is_file():
            diffs.append({"notebook": name, "cell": None, "old": "présent" if old_path.is_file() else "absent",
                          "new": "présent" if new_path.is_file() else "absent"})
            continue
        old = dict(notebook_sentences(nbformat.read(old_path, as_version=4)))
        new = dict(notebook_sentences(nbformat.read(new_path, as_version=4)))
        for cell in sorted(set(old) | set(new)):
            diffs += _cell_differences(name, cell, old.get(cell, []), new.get(cell, []), norm)
    return diffs


def format_difference(d: dict[str, Any]) -> str:
    """One French line for a difference (a table's cell, or a notebook's sentence).

    >>> format_difference({"table": "t.csv", "row": 3, "column": "part", "old": "0.25", "new": "0.26"})
    'tables/t.csv, ligne 3, colonne « part » : ancien « 0.25 », nouveau « 0.26 »'
    >>> format_difference({"notebook": "02_freins", "cell": 8, "old": "99 % des acheteurs.", "new": "(absente)"})
    'notebooks/02_freins.ipynb, cellule 8 : phrase « 99 % des acheteurs. », à la réexécution « (absente) »'
    """
    if "notebook" in d:
        where = f"notebooks/{d['notebook']}.ipynb" + (f", cellule {d['cell']}" if d.get("cell") is not None else "")
        return f"{where} : phrase « {d['old']} », à la réexécution « {d['new']} »"
    where = [f"tables/{d['table']}"]
    if d.get("row") is not None:
        where.append(f"ligne {d['row']}")
    if d.get("column") is not None:
        where.append(f"colonne « {d['column']} »")
    return ", ".join(where) + f" : ancien « {d['old']} », nouveau « {d['new']} »"


@dataclass
class Comparison:
    """What a re-execution showed: input problems, differences (tables' cells, notebooks' sentences: those have a
    ``notebook`` key), the salt note, the run's result."""

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


def rerun_and_compare(run_dir: str | Path, *, progress=None, study: str | Path | None = None) -> Comparison:
    """Check the run's inputs, re-execute the study as the run did (no cache) and compare every table and the
    text of every notebook (:func:`compare_notebook_texts`); ``differences`` holds both kinds. ``study``: the
    study file, when the manifest's (a path in the repository) no longer finds it (:func:`check_inputs`)."""
    from etude.engine.options import RunOptions
    from etude.engine.run import reproduce
    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    result = Comparison(inputs=check_inputs(manifest, study=study))
    if result.inputs:
        return result
    params = manifest.get("parameters") or {}
    demo = (manifest.get("study") or {}).get("demo") and not study
    sources = [paths.root() / n["source"] for n in manifest.get("notebooks", []) if n.get("source")]
    tmp = Path(tempfile.mkdtemp(prefix="etude-verify-"))
    try:
        rerun = reproduce(RunOptions(study=None if demo else study_file(manifest, study), lang=params.get("lang"),
                                     out=tmp, parameters=sorted((params.get("given") or {}).items()),
                                     timeout=params.get("timeout_s"), notebooks=sources or None, use_cache=False,
                                     move_latest=False), progress=progress)
        result.rerun_ok, result.rerun_errors = rerun.ok, dict(rerun.errors)
        diffs = compare_tables(run_dir / "tables", rerun.run_dir / "tables")
        recorded, current = manifest.get("salt_fingerprint"), salt_fingerprint()
        texts = compare_notebook_texts(run_dir / "notebooks", rerun.run_dir / "notebooks",
                                       run_dirs=(run_dir.resolve(), run_dir, rerun.run_dir, tmp),
                                       pseudonyms=recorded != current)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if recorded != current:
        diffs, result.pseudonyms_skipped = _split_pseudonyms(diffs)
        result.salt_note = (f"le sel de pseudonymisation diffère de celui de l'exécution (empreinte {recorded} ≠ "
                            f"{current}) : {result.pseudonyms_skipped} identifiant(s) pseudonyme(s) non comparé(s) ; "
                            "relancer avec le même sel (ETUDE_SALT) pour les comparer")
    result.differences = diffs + texts
    return result
