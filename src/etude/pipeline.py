"""The reproduction engine behind ``etude reproduce`` and ``etude run``.

It discovers the study notebooks (``notebooks/NN_name.ipynb``, in ``NN`` order), types the ``-p NAME VALUE``
parameters from each notebook's declared defaults, injects them with papermill, executes the notebooks in this
process with nbclient — independent ones concurrently, up to ``jobs`` at a time, always on the interpreter that runs
``etude`` — and assembles a run folder::

    outputs/<YYYYmmdd-HHMMSS>-<id>/
        notebooks/NN_name.ipynb, NN_name.html   executed notebooks and their pages (code included)
        report.html, slides.html                the study report (no code) and reveal.js slides, offline
        figures/, tables/ (+ tables.xlsx)       written by the notebooks through etude.outputs
        logs/NN_name.log                        what each kernel printed outside cells
        manifest.json                           parameters, inputs and their sha256, versions, times, statuses

``outputs/latest`` then points at the run if every notebook succeeded (a failed run leaves it, and earlier runs,
alone). Files are written under a temporary name and renamed, so a file is complete or absent.

Examples
--------
>>> coerce_parameter("min_n", "5", 3)
5
>>> coerce_parameter("show_ci", "oui", False)
True
>>> coerce_parameter("alpha", "0,1", 0.05)
0.1
>>> coerce_parameter("min_n", "cinq", 3)
Traceback (most recent call last):
...
etude.errors.ParameterError: paramètre « min_n » : valeur « cinq » invalide ; attendu : un entier (ex. 3)
"""
from __future__ import annotations

import ast
import asyncio
import atexit
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from etude import __version__, paths
from etude.errors import ParameterError, RunError
from etude.outputs import atomic_write

__all__ = ["RunResult", "discover_notebooks", "select_notebooks", "notebook_parameters", "list_notebooks",
           "format_notebook_list", "coerce_parameter", "type_parameters", "execution_order", "new_run_dir",
           "write_tables_workbook", "update_latest", "reproduce", "DEFAULT_TIMEOUT", "ENGINE_PARAMETERS",
           "LANGS", "TRUE_WORDS", "FALSE_WORDS"]

#: Per-cell timeout, seconds.
DEFAULT_TIMEOUT = 600.0
#: Parameters the engine itself sets in every notebook that declares them (options, not ``-p``).
ENGINE_PARAMETERS = {"study": "--study", "lang": "--lang", "output_dir": "--out"}
#: Report and notebook languages.
LANGS = ("fr", "en")
#: Words accepted for a boolean parameter (compared in lower case).
TRUE_WORDS = ("true", "vrai", "oui", "yes", "1")
FALSE_WORDS = ("false", "faux", "non", "no", "0")

_NOTEBOOK_NAME = re.compile(r"^(\d+)_[^/\\]+\.ipynb$")


@dataclass(frozen=True)
class RunResult:
    """What a run produced: ``ok`` (every notebook succeeded), the run folder, ``name -> status``
    (``ok``, ``failed`` or ``skipped``) and, for failures, a one-line French message per notebook."""

    ok: bool
    run_dir: Path
    statuses: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------- discovery

def discover_notebooks(notebooks_dir: str | os.PathLike | None = None) -> list[Path]:
    """The study notebooks ``NN_name.ipynb`` of ``notebooks_dir`` (default ``notebooks/``), in ``NN`` order.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for n in ("10_b.ipynb", "2_a.ipynb", "notes.ipynb"):
    ...     _ = (d / n).write_text("{}")
    >>> [p.name for p in discover_notebooks(d)]
    ['2_a.ipynb', '10_b.ipynb']
    """
    folder = Path(notebooks_dir) if notebooks_dir else paths.notebooks_dir()
    found = [p for p in folder.glob("*.ipynb") if _NOTEBOOK_NAME.match(p.name)]
    return sorted(found, key=lambda p: (int(_NOTEBOOK_NAME.match(p.name).group(1)), p.name))


def select_notebooks(names: Sequence[str | os.PathLike], notebooks_dir: str | os.PathLike | None = None
                     ) -> list[Path]:
    """Resolve notebook names (``02_freins``, ``02_freins.ipynb``, ``02``) or paths, in ``NN`` order.

    Raises :class:`ParameterError` listing the available notebooks when a name matches none.
    """
    available = discover_notebooks(notebooks_dir)
    chosen: list[Path] = []
    for name in names:
        p = Path(name)
        if p.suffix == ".ipynb" and p.is_file():
            hit = p.resolve()
        else:
            stem = p.name[:-6] if p.name.endswith(".ipynb") else p.name
            hits = [a for a in available if a.stem == stem or a.stem.split("_", 1)[0] == stem]
            if len(hits) != 1:
                listing = ", ".join(a.stem for a in available) or "aucun"
                raise ParameterError(f"notebook « {name} » introuvable ; notebooks disponibles : {listing}")
            hit = hits[0].resolve()
        if hit not in chosen:
            chosen.append(hit)
    return sorted(chosen, key=_order_key)


def _order_key(path: Path):
    m = _NOTEBOOK_NAME.match(path.name)
    return (int(m.group(1)) if m else 10**9, path.name)


def _skip_slow_optional_imports() -> None:
    """Keep ``nbformat`` → ``jsonschema`` from importing the optional ``rfc3987_syntax`` in this process.

    jsonschema imports it only to check ``iri`` string formats, which notebook schemas never use, and importing
    it compiles a grammar: seconds per process (every ``papermill`` and ``jupyter nbconvert`` call of a naive
    chain pays them). The engine's process does without; kernels are other processes and are not affected.
    """
    if "rfc3987_syntax" not in sys.modules and "jsonschema" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import → ImportError, which jsonschema expects


def _read_notebook(path: Path):
    _skip_slow_optional_imports()
    import nbformat
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # invalid JSON or schema
        raise RunError(f"{path.name} : notebook illisible ({exc.__class__.__name__}: {exc})") from None
    return _normalise(nb)


def _normalise(nb):
    """What papermill expects of a notebook: a tags list on every cell and a kernel name (to pick its parameter
    translator; the kernel itself is always ours)."""
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    nb.metadata["kernelspec"].setdefault("name", "python3")
    return nb


def notebook_parameters(nb_or_path) -> dict[str, dict[str, Any]]:
    """Parameters declared in the notebook's ``parameters`` cell (papermill's inspection).

    Returns ``name -> {"default": value, "text": source text, "type": type name, "help": str}``; ``default`` is
    the literal value (``ast.literal_eval``), or the source text when it is not a plain literal.
    """
    _skip_slow_optional_imports()
    from papermill.inspection import _infer_parameters
    if isinstance(nb_or_path, (str, os.PathLike)):
        nb = _read_notebook(Path(nb_or_path))
    else:
        import nbformat
        nb = _normalise(nbformat.from_dict(nb_or_path))  # a copy: the caller's notebook is left as it is
    out = {}
    for p in _infer_parameters(nb):
        try:
            value = ast.literal_eval(p.default)
            kind = type(value).__name__ if value is not None else "NoneType"
        except (ValueError, SyntaxError):
            value, kind = p.default, (p.inferred_type_name if p.inferred_type_name != "None" else "expr")
        out[p.name] = {"default": value, "text": p.default, "type": kind, "help": p.help or ""}
    return out


def list_notebooks(notebooks_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """One row per (notebook, parameter): ``notebook, parameter, type, default, help``.

    A notebook without parameters gets one row with ``parameter`` empty. ``default`` is the text of the
    declared default (``"fr"``, ``5``…), as written in the notebook.
    """
    rows = []
    for path in discover_notebooks(notebooks_dir):
        params = notebook_parameters(path)
        if not params:
            rows.append({"notebook": path.stem, "parameter": pd.NA, "type": pd.NA, "default": pd.NA, "help": ""})
        for name, p in params.items():
            rows.append({"notebook": path.stem, "parameter": name, "type": p["type"], "default": p["text"],
                         "help": p["help"]})
    return pd.DataFrame(rows, columns=["notebook", "parameter", "type", "default", "help"])


def format_notebook_list(df: pd.DataFrame) -> str:
    """The listing ``etude notebooks`` prints: each notebook, then its parameters with type and default.

    >>> df = pd.DataFrame({"notebook": ["02_freins", "02_freins"], "parameter": ["lang", "min_n"],
    ...                    "type": ["str", "int"], "default": ['"fr"', "5"], "help": ["", "effectif minimal"]})
    >>> print(format_notebook_list(df))
    02_freins
      lang   str  "fr"
      min_n  int  5     effectif minimal
    """
    if df.empty:
        return "Aucun notebook d'étude (notebooks/NN_nom.ipynb)."
    lines = []
    for nb, group in df.groupby("notebook", sort=False):
        lines.append(str(nb))
        group = group[group["parameter"].notna()]
        if group.empty:
            lines.append("  (aucun paramètre)")
            continue
        widths = [max(len(str(v)) for v in group[c]) for c in ("parameter", "type", "default")]
        for row in group.itertuples(index=False):
            cells = [str(row.parameter).ljust(widths[0]), str(row.type).ljust(widths[1]),
                     str(row.default).ljust(widths[2]), str(row.help or "")]
            lines.append(("  " + "  ".join(cells)).rstrip())
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------- parameters

_EXPECTED = {"int": "un entier", "float": "un nombre (ex. 0,05)", "bool": "true/false, oui/non ou 1/0",
             "str": "un texte"}


def coerce_parameter(name: str, value: str, default: Any) -> Any:
    """Type the text ``value`` of parameter ``name`` like its declared ``default``.

    ``int`` stays ``int``, ``float`` accepts a decimal comma, ``bool`` accepts ``true/false``, ``vrai/faux``,
    ``oui/non``, ``yes/no``, ``1/0``; ``str`` (and ``None``) keep the text; lists and dicts take a Python literal
    of the same type. A value that does not fit raises :class:`ParameterError` naming the parameter and the
    expected type.

    >>> coerce_parameter("study", "/tmp/etude.yaml", "")
    '/tmp/etude.yaml'
    >>> coerce_parameter("seuil", "3", 0.5)
    3.0
    """
    text = str(value).strip()

    def bad(expected: str):
        return ParameterError(f"paramètre « {name} » : valeur « {value} » invalide ; attendu : {expected}")

    if isinstance(default, bool):
        low = text.lower()
        if low in TRUE_WORDS:
            return True
        if low in FALSE_WORDS:
            return False
        raise bad(_EXPECTED["bool"])
    if isinstance(default, int):
        try:
            return int(text.replace("_", "").replace("\u202f", "").replace(" ", ""))
        except ValueError:
            raise bad(f"{_EXPECTED['int']} (ex. {default})") from None
    if isinstance(default, float):
        try:
            return float(text.replace("\u202f", "").replace(" ", "").replace(",", "."))
        except ValueError:
            raise bad(_EXPECTED["float"]) from None
    if isinstance(default, (list, tuple, dict, set)):
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            parsed = None
        if not isinstance(parsed, type(default)):
            raise bad(f"un littéral Python de type {type(default).__name__} (ex. {default!r})")
        return parsed
    return str(value)


def type_parameters(parameters: Iterable[Sequence[str]], declared: dict[str, dict[str, dict[str, Any]]]
                    ) -> dict[str, dict[str, Any]]:
    """Type the ``(NAME, VALUE)`` pairs for each notebook that declares ``NAME``.

    Parameters
    ----------
    parameters : iterable of (str, str)
        From ``-p NAME VALUE`` (a later pair overrides an earlier one).
    declared : dict
        ``notebook name -> notebook_parameters(...)``.

    Returns
    -------
    dict ``notebook name -> {NAME: typed value}`` (only the notebooks that declare each name).

    Raises
    ------
    ParameterError
        For an engine parameter given with ``-p`` (use the option), a name no notebook declares (the message lists
        the declared ones), or a value that does not fit the declared type.

    >>> declared = {"01_a": {"min_n": {"default": 5}}, "02_b": {"label": {"default": "x"}}}
    >>> type_parameters([("min_n", "7")], declared)
    {'01_a': {'min_n': 7}, '02_b': {}}
    """
    given: dict[str, str] = {}
    for pair in parameters:
        if len(pair) != 2:
            raise ParameterError(f"paramètre mal formé : {pair!r} ; attendu : NOM VALEUR")
        given[str(pair[0])] = pair[1]
    typed: dict[str, dict[str, Any]] = {nb: {} for nb in declared}
    for name, value in given.items():
        if name in ENGINE_PARAMETERS:
            raise ParameterError(f"paramètre « {name} » : utiliser l'option {ENGINE_PARAMETERS[name]} plutôt que -p")
        owners = [nb for nb, params in declared.items() if name in params]
        if not owners:
            known = sorted({p for params in declared.values() for p in params} - set(ENGINE_PARAMETERS))
            raise ParameterError(f"paramètre « {name} » inconnu des notebooks choisis ; "
                                 f"paramètres possibles : {', '.join(known) or 'aucun'}")
        for nb in owners:
            typed[nb][name] = coerce_parameter(name, value, declared[nb][name]["default"])
    return typed


# ----------------------------------------------------------------------------------------------- ordering

def execution_order(depends: dict[str, Sequence[str]]) -> list[str]:
    """Notebook names in an order where each comes after what it depends on (ties kept in the given order).

    Dependencies on names absent from ``depends`` are ignored (a notebook run alone with ``etude run``).
    A cycle raises :class:`RunError` naming the notebooks involved.

    >>> execution_order({"01_a": [], "02_b": ["03_c"], "03_c": []})
    ['01_a', '03_c', '02_b']
    """
    order: list[str] = []
    remaining = list(depends)
    while remaining:
        for name in remaining:
            if all(d in order or d not in depends for d in depends[name]):
                order.append(name)
                remaining.remove(name)
                break
        else:
            raise RunError("dépendances circulaires entre notebooks : " + ", ".join(remaining))
    return order


def _depends_on(nb, name: str, known: Iterable[str]) -> list[str]:
    deps = nb.metadata.get("etude", {}).get("depends_on", []) or []
    if isinstance(deps, str):
        deps = [deps]
    out = []
    stems = {k: k for k in known} | {k.split("_", 1)[0]: k for k in known}
    for d in deps:
        d = str(d)[:-6] if str(d).endswith(".ipynb") else str(d)
        if d in stems:
            out.append(stems[d])
        elif d not in ("", name):
            out.append(d)  # not part of this run: ignored by execution_order
    return out


# ----------------------------------------------------------------------------------------------- run folder

def new_run_dir(out: str | os.PathLike | None = None, *, now: dt.datetime | None = None) -> Path:
    """Create and return a fresh ``<out>/<YYYYmmdd-HHMMSS>-<id>/`` (default ``out``: ``outputs/``).

    The random 6-hex-digit id keeps two runs started in the same second apart.

    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> a, b = new_run_dir(d), new_run_dir(d)
    >>> a != b and a.parent == b.parent
    True
    """
    base = Path(out).resolve() if out else paths.outputs_dir()
    base.mkdir(parents=True, exist_ok=True)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    for _ in range(100):
        candidate = base / f"{stamp}-{secrets.token_hex(3)}"
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise RunError(f"impossible de créer un dossier d'exécution dans {base}")  # pragma: no cover


def update_latest(run_dir: str | os.PathLike) -> Path:
    """Point ``<parent>/latest`` at ``run_dir``: a relative symlink swapped in atomically, or, where symlinks are
    not possible, a small text file holding the run folder's name."""
    run_dir = Path(run_dir)
    latest = run_dir.parent / "latest"
    tmp = run_dir.parent / f".latest-{secrets.token_hex(4)}"
    try:
        os.symlink(run_dir.name, tmp, target_is_directory=True)
        os.replace(tmp, latest)
    except (OSError, NotImplementedError):
        try:
            tmp.unlink()
        except OSError:
            pass
        if latest.is_dir() and not latest.is_symlink():
            raise RunError(f"{latest} est un dossier : impossible d'y noter la dernière exécution") from None
        atomic_write(latest, lambda p: p.write_text(run_dir.name + "\n", encoding="utf-8"))
    return latest


def _sheet_name(stem: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", stem).strip("'") or "table"
    name, i = base[:31], 1
    while name.lower() in taken:
        i += 1
        suffix = f"~{i}"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def write_tables_workbook(tables_dir: str | os.PathLike) -> Path | None:
    """Gather every ``*.csv`` of ``tables_dir`` into ``tables.xlsx``: one sheet per CSV, named after the file
    (at most 31 characters, made unique). Returns the workbook path, or ``None`` when there is no CSV.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = pd.DataFrame({"a": [1]}).to_csv(d / "une_table_au_nom_vraiment_beaucoup_trop_long.csv", index=False)
    >>> import openpyxl
    >>> openpyxl.load_workbook(write_tables_workbook(d)).sheetnames
    ['une_table_au_nom_vraiment_beauc']
    """
    tables_dir = Path(tables_dir)
    csvs = sorted(tables_dir.glob("*.csv")) if tables_dir.is_dir() else []
    if not csvs:
        return None
    taken: set[str] = set()
    frames = [(_sheet_name(p.stem, taken), pd.read_csv(p, encoding="utf-8")) for p in csvs]

    def write(tmp: Path):
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            for sheet, df in frames:
                df.to_excel(xl, sheet_name=sheet, index=False)
    return atomic_write(tables_dir / "tables.xlsx", write)


# ----------------------------------------------------------------------------------------------- provenance

def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def _git_commit(root: Path) -> str:
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", commit) else "unknown"


def _package_versions() -> dict[str, str]:
    names = ["etude"]
    for req in importlib.metadata.requires("etude") or []:
        if "extra ==" in req:
            continue
        names.append(re.split(r"[\s<>=~!;\[]", req, maxsplit=1)[0])
    versions = {"python": platform.python_version()}
    for n in names:
        try:
            versions[n] = importlib.metadata.version(n)
        except importlib.metadata.PackageNotFoundError:
            versions[n] = "absent"
    return versions


def _sha256(path: Path) -> str:
    from etude.data import file_sha256
    return file_sha256(path)


def _study_provenance(study: str | None) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
    """``(study file entry, input rows, simulated)``; uses ``etude.data`` when it is there."""
    study_path = Path(study).resolve() if study else paths.default_study()
    entry = {"path": str(study_path), "sha256": _sha256(study_path) if study_path.is_file() else None,
             "demo": not study}
    if not study_path.is_file():  # no demo study in this checkout: notebooks that need it will say so
        return entry, [], not study
    try:
        from etude import data
        inputs_of = data.study_inputs
    except (ImportError, AttributeError):
        return entry, [], not study
    table = inputs_of(study or None)
    try:
        entry["title"] = str(data.read_study(study or None).get("title") or "")
    except Exception:  # the title is a nicety; study_inputs already validated the file
        pass
    rows = [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in table.to_dict("records")]
    simulated = bool(table["simulated"].any()) if "simulated" in table and len(table) else not study
    return entry, rows, simulated


# ----------------------------------------------------------------------------------------------- execution

def _pinned_kernel_manager_class():
    """An AsyncKernelManager whose kernel is always ``sys.executable -m ipykernel_launcher``.

    Kernelspecs (``python3`` in the user's or a conda env's Jupyter data dirs) are never consulted, so the
    notebooks run on the project's interpreter whatever the machine's Jupyter set-up.
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class PinnedKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self):  # noqa: D401 — overrides the kernelspec lookup
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=[sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
                          "-f", "{connection_file}"],
                    display_name=f"Python {platform.python_version()} (etude)", language="python",
                    env={"PYDEVD_DISABLE_FILE_VALIDATION": "1",
                         # charts inline in the executed notebook (hence the report), whatever MPLBACKEND says
                         "MPLBACKEND": "module://matplotlib_inline.backend_inline"},
                    resource_dir=str(paths.PACKAGE_DIR))
            return self._kernel_spec

    return PinnedKernelManager


@dataclass
class _Job:
    name: str
    source: Path
    nb: Any
    params: dict[str, Any]
    n_cells: int
    status: str = "pending"
    started: dt.datetime | None = None
    ended: dt.datetime | None = None
    current: int = 0
    cell_index: int | None = None
    error: dict[str, Any] | None = None
    message: str = ""
    traceback: str = ""


class _Progress:
    """Notebook and cell progress on stderr: one live line on a terminal, plain log lines otherwise."""

    def __init__(self, stream=None, tty: bool | None = None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.running: dict[str, _Job] = {}
        self.total = 0
        self.done = 0
        self._width = 0

    def _clear(self):
        if self.tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self._width = 0

    def _live(self):
        if not self.tty:
            return
        if not self.running:
            return
        parts = [f"{j.name} cellule {j.current}/{j.n_cells}" for j in self.running.values()]
        line = f"[{self.done}/{self.total}] " + " · ".join(parts)
        line = line[:140]
        self._clear()
        self.stream.write(line)
        self._width = len(line)
        self.stream.flush()

    def log(self, line: str):
        self._clear()
        print(line, file=self.stream, flush=True)
        self._live()

    def start(self, job: _Job):
        self.running[job.name] = job
        if self.tty:
            self._live()
        else:
            self.log(f"▶ {job.name} ({job.n_cells} cellules de code)")

    def cell(self, job: _Job):
        self._live()

    def finish(self, job: _Job):
        self.running.pop(job.name, None)
        self.done += 1
        seconds = (job.ended - job.started).total_seconds() if job.started and job.ended else 0.0
        if job.status == "ok":
            self.log(f"✓ {job.name} ({_seconds(seconds)})")
        else:
            self.log(f"✗ {job.message}")

    def close(self):
        self._clear()
        self.stream.flush()


def _seconds(s: float) -> str:
    return f"{s:.1f} s".replace(".", ",")


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def _user_cell_number(nb, cell_index: int) -> int:
    """1-based position of an executed cell in the notebook as written (the injected cell does not count)."""
    injected = next((i for i, c in enumerate(nb.cells) if "injected-parameters" in c.metadata.get("tags", [])),
                    None)
    return cell_index if injected is not None and cell_index > injected else cell_index + 1


def _prepare(path: Path, params: dict[str, Any]):
    import nbformat
    from papermill.parameterize import parameterize_notebook
    nb = _read_notebook(path)
    nb.metadata.setdefault("papermill", nbformat.NotebookNode())
    if params:
        nb = parameterize_notebook(nb, params, kernel_name="python3", language="python")
    nb.metadata["papermill"]["parameters"] = params
    for cell in nb.cells:  # a committed notebook carries no outputs; never trust that blindly
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def _error_banner(job: _Job):
    import nbformat
    text = (f"**Échec de l'exécution** (etude) — cellule {job.error['cell']} : "
            f"`{job.error['ename']}: {job.error['evalue']}`. La cellule en cause et sa trace sont plus bas.")
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["tags"] = ["etude-error"]
    return cell


async def _execute(job: _Job, *, timeout: float, log_dir: Path, progress: _Progress, km_class,
                   interrupt: threading.Event) -> None:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    def on_execute(cell, cell_index, **_):
        job.current += 1
        job.cell_index = cell_index
        progress.cell(job)

    # iopub_timeout: on a busy machine, late outputs of a finished cell are waited for, not dropped
    client = NotebookClient(job.nb, timeout=timeout, iopub_timeout=60, kernel_manager_class=km_class,
                            kernel_name="python3",
                            shutdown_kernel="immediate", on_cell_execute=on_execute,
                            resources={"metadata": {"path": str(job.source.parent)}})
    job.started = _now()
    progress.start(job)
    launch = {"cwd": str(job.source.parent)}
    scratch = Path(tempfile.mkdtemp(prefix="etude-k"))  # kernel sockets and log, outside the run folder
    if os.name == "posix":  # Unix sockets: no TCP ports to race for, no "unencrypted TCP" warning
        client.km = client.create_kernel_manager()
        client.km.transport = "ipc"
        client.km.ip = str(scratch / "k")  # absolute: the kernel runs in another cwd
    with open(scratch / "kernel.log", "wb") as log:
        try:
            await client.async_execute(stdout=log, stderr=log, **launch)
            job.status = "ok"
        except CellExecutionError as exc:
            _fail(job, getattr(exc, "ename", "Erreur"), getattr(exc, "evalue", str(exc)),
                  tb=_cell_traceback(job), kind="error")
        except CellTimeoutError:
            _fail(job, "CellTimeoutError", f"délai dépassé ({_seconds(timeout)} par cellule, voir --timeout)",
                  kind="timeout")
        except DeadKernelError:
            _fail(job, "DeadKernelError", "le noyau Python s'est arrêté (plantage, os._exit ou mémoire insuffisante)",
                  kind="dead_kernel")
        except (asyncio.CancelledError, KeyboardInterrupt):
            _fail(job, "KeyboardInterrupt", "exécution interrompue", kind="interrupted")
            raise
        except Exception as exc:  # kernel failed to start, etc.
            _fail(job, exc.__class__.__name__, str(exc) or repr(exc), tb=traceback.format_exc(), kind="engine")
        finally:
            job.ended = _now()
            if interrupt.is_set() and job.status != "ok":  # Ctrl-C, not the notebook's fault
                job.error = None
                _fail(job, "KeyboardInterrupt", "exécution interrompue (Ctrl-C)", kind="interrupted")
            if job.status == "failed":
                job.nb.cells.insert(0, _error_banner(job))
            log.close()
            if (scratch / "kernel.log").stat().st_size:  # what the kernel printed outside cells, if anything
                atomic_write(log_dir / f"{job.name}.log",
                             lambda tmp: shutil.copyfile(scratch / "kernel.log", tmp))
            shutil.rmtree(scratch, ignore_errors=True)
            atexit.unregister(client._cleanup_kernel)  # left registered when the kernel failed to start
            progress.finish(job)


def _cell_traceback(job: _Job) -> str:
    if job.cell_index is None:
        return ""
    for out in job.nb.cells[job.cell_index].get("outputs", []):
        if out.get("output_type") == "error":
            return _strip_ansi("\n".join(out.get("traceback", [])))
    return ""


def _fail(job: _Job, ename: str, evalue: str, *, tb: str = "", kind: str) -> None:
    import nbformat
    job.status = "failed"
    cell_no = _user_cell_number(job.nb, job.cell_index) if job.cell_index is not None else None
    execution_count = None
    if job.cell_index is not None:
        cell = job.nb.cells[job.cell_index]
        execution_count = cell.get("execution_count")
        if kind in ("timeout", "dead_kernel", "interrupted") and not any(
                o.get("output_type") == "error" for o in cell.get("outputs", [])):
            cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                                       traceback=[f"{ename}: {evalue}"]))
    evalue = " ".join(str(evalue).split())
    job.error = {"kind": kind, "cell": cell_no, "execution_count": execution_count, "ename": ename,
                 "evalue": evalue}
    where = f"cellule {cell_no}" if cell_no is not None else "avant la première cellule"
    if execution_count:
        where += f" (In [{execution_count}])"
    short = evalue if len(evalue) <= 160 else evalue[:159] + "…"
    job.message = f"{job.name}, {where} : {ename}: {short}"
    job.traceback = tb


def _run_in_thread(make_coro, progress: _Progress) -> bool:
    """Run ``coro`` on an event loop in a worker thread; returns True if the user interrupted it (Ctrl-C).

    The main thread only waits, so Ctrl-C reaches it as KeyboardInterrupt: the running notebooks are then
    cancelled (their kernels shut down, their copies marked interrupted) and nothing new starts.
    """
    state: dict[str, Any] = {}
    interrupt = threading.Event()

    async def main():
        loop = asyncio.get_running_loop()
        state["loop"], state["task"] = loop, asyncio.current_task()
        # once interrupted, background tasks of dying kernel clients may complain: not the user's concern
        loop.set_exception_handler(lambda lp, ctx: None if interrupt.is_set() else lp.default_exception_handler(ctx))
        await make_coro(interrupt)

    def target():
        try:
            asyncio.run(main())
        except BaseException as exc:  # noqa: BLE001 — handed to the main thread
            state["error"] = exc

    worker = threading.Thread(target=target, name="etude-notebooks", daemon=True)
    worker.start()
    interrupted = False
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        interrupted = True
        interrupt.set()
        progress.log("interruption : arrêt des notebooks en cours…")
        if "loop" in state:
            state["loop"].call_soon_threadsafe(state["task"].cancel)
        worker.join(60)
    finally:
        progress.close()
    error = state.get("error")
    if error is not None and not (interrupted and isinstance(error, asyncio.CancelledError)):
        raise error
    return interrupted


async def _run_jobs(jobs: list[_Job], deps: dict[str, list[str]], *, max_jobs: int, timeout: float,
                    run_dir: Path, progress: _Progress, on_done, interrupt: threading.Event) -> None:
    km_class = _pinned_kernel_manager_class()
    by_name = {j.name: j for j in jobs}
    pending = [j.name for j in jobs]
    running: dict[asyncio.Task, str] = {}
    try:
        while pending or running:
            changed = True
            while changed:  # propagate skips through chains of dependents
                changed = False
                for name in list(pending):
                    if any(by_name[d].status in ("failed", "skipped") for d in deps[name] if d in by_name):
                        by_name[name].status = "skipped"
                        by_name[name].message = f"{name} : non exécuté (dépend d'un notebook en échec)"
                        pending.remove(name)
                        progress.log(f"– {by_name[name].message}")
                        progress.done += 1
                        changed = True
            for name in list(pending):
                if len(running) >= max_jobs:
                    break
                if all(by_name[d].status == "ok" for d in deps[name] if d in by_name):
                    pending.remove(name)
                    by_name[name].status = "running"
                    task = asyncio.create_task(_execute(by_name[name], timeout=timeout, log_dir=run_dir / "logs",
                                                        progress=progress, km_class=km_class,
                                                        interrupt=interrupt))
                    running[task] = name
            if not running:
                break
            finished, _ = await asyncio.wait(list(running), return_when=asyncio.FIRST_COMPLETED)
            for task in finished:
                name = running.pop(task)
                task.result()
                on_done(by_name[name])
    finally:
        for task in running:
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)


# ----------------------------------------------------------------------------------------------- reproduce

def _write_json(path: Path, payload: dict) -> None:
    text = json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n"
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _relative(path: Path, base: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def reproduce(*, study: str | os.PathLike | None = None, out: str | os.PathLike | None = None,
              lang: str | None = None, jobs: int | None = None, parameters: Iterable[Sequence[str]] = (),
              timeout: float | None = None, verbose: bool = False,
              notebooks: Sequence[str | os.PathLike] | None = None) -> RunResult:
    """Run the study notebooks and assemble a run folder (see the module docstring).

    Parameters
    ----------
    study : path, optional
        Study file (YAML); default: the demo study. Passed to every notebook that declares ``study`` as an
        absolute path (``""`` only if the demo study file is missing).
    out : path, optional
        Folder that receives the run folder and ``latest``; default ``outputs/``.
    lang : {"fr", "en"}, optional
        Language of charts and report; default ``"fr"``.
    jobs : int, optional
        Independent notebooks run at the same time; default: number of cores.
    parameters : iterable of (NAME, VALUE)
        ``-p`` pairs, typed from each notebook's declared default (:func:`type_parameters`).
    timeout : float, optional
        Per-cell timeout in seconds; default :data:`DEFAULT_TIMEOUT`.
    verbose : bool
        Print the full traceback of a failing cell.
    notebooks : sequence of names or paths, optional
        Run only these (``etude run``); default: every ``notebooks/NN_*.ipynb``.

    Returns
    -------
    RunResult
        ``ok`` is true only if every notebook succeeded. Progress goes to stderr; the last two lines on stdout
        are ``Rapport : <run>/report.html`` and the run folder's path.

    Raises
    ------
    ParameterError
        Bad option or ``-p`` parameter (nothing is created).
    """
    _skip_slow_optional_imports()
    from etude import report

    lang = lang or "fr"
    if lang not in LANGS:
        raise ParameterError(f"langue « {lang} » inconnue ; langues possibles : {', '.join(LANGS)}")
    max_jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if not isinstance(max_jobs, int) or max_jobs < 1:
        raise ParameterError(f"--jobs : {jobs!r} invalide ; attendu : un entier ≥ 1")
    timeout = DEFAULT_TIMEOUT if timeout is None else float(timeout)
    if not timeout > 0:
        raise ParameterError(f"--timeout : {timeout!r} invalide ; attendu : un nombre de secondes > 0")
    if study:
        study_path = Path(study).expanduser().resolve()
        if not study_path.is_file():
            raise ParameterError(f"--study : fichier d'étude introuvable : {study}")
        study = str(study_path)
    else:
        study = None

    sources = select_notebooks(notebooks) if notebooks else discover_notebooks()
    if not sources:
        raise RunError(f"aucun notebook d'étude dans {paths.notebooks_dir()} (attendu : NN_nom.ipynb)")
    names = [p.stem for p in sources]
    if len(set(names)) != len(names):
        raise ParameterError("deux notebooks choisis portent le même nom : " + ", ".join(names))
    raw = {p.stem: _read_notebook(p) for p in sources}
    declared = {name: notebook_parameters(nb) for name, nb in raw.items()}
    typed = type_parameters(parameters, declared)
    deps = {name: _depends_on(raw[name], name, names) for name in names}
    order = execution_order(deps)
    study_entry, inputs, simulated = _study_provenance(study)

    started = _now()
    run_dir = new_run_dir(out)
    demo = paths.default_study()
    engine_values = {"study": study or (str(demo) if demo.is_file() else ""), "lang": lang,
                     "output_dir": str(run_dir)}
    job_list = []
    for path in sorted(sources, key=lambda p: order.index(p.stem)):
        name = path.stem
        params = {k: v for k, v in engine_values.items() if k in declared[name]} | typed[name]
        nb = _prepare(path, params)
        n_cells = sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip())
        job_list.append(_Job(name=name, source=path, nb=nb, params=params, n_cells=n_cells))

    manifest: dict[str, Any] = {
        "etude_version": __version__, "run_id": run_dir.name, "status": "running",
        "started_at": started.isoformat(timespec="seconds"), "ended_at": None, "duration_s": None,
        "simulated": simulated, "git_commit": _git_commit(paths.root()),
        "command": {"argv": sys.argv, "cwd": os.getcwd()},
        "parameters": {"study": study or "", "lang": lang, "jobs": max_jobs, "timeout_s": timeout,
                       "given": {str(k): str(v) for k, v in (tuple(p) for p in parameters)},
                       "by_notebook": {j.name: j.params for j in job_list}},
        "study": study_entry, "inputs": inputs, "packages": _package_versions(),
        "python": {"executable": sys.executable, "platform": platform.platform()},
        "notebooks": [{"name": j.name, "source": _relative(j.source, paths.root()), "status": "pending"}
                      for j in job_list],
        "outputs": {},
    }
    _write_json(run_dir / "manifest.json", manifest)
    (run_dir / "notebooks").mkdir(exist_ok=True)
    (run_dir / "figures").mkdir(exist_ok=True)
    (run_dir / "tables").mkdir(exist_ok=True)

    progress = _Progress()
    progress.total = len(job_list)
    progress.log(f"etude : {len(job_list)} notebook(s), jusqu'à {max_jobs} en parallèle → {run_dir}")
    import nbformat

    problems: list[str] = []  # outputs the engine could not assemble (the run is then failed)

    def on_done(job: _Job):
        # Written as soon as a notebook ends (while others still run): executed notebook and its page.
        _write_text(run_dir / "notebooks" / f"{job.name}.ipynb", nbformat.writes(job.nb))
        try:
            _write_text(run_dir / "notebooks" / f"{job.name}.html",
                        report.notebook_html(job.nb, job.name, lang=lang, simulated=simulated,
                                             base_dirs=[job.source.parent, run_dir]))
        except Exception as exc:  # a page that cannot be rendered must not lose the run
            problems.append(f"{job.name}.html non produit : {exc.__class__.__name__}: {exc}")
        if job.status != "ok" and verbose and job.traceback:
            progress.log(job.traceback)
        elif job.status != "ok":
            progress.log(f"   trace complète : {run_dir / 'notebooks' / (job.name + '.ipynb')} (ou --verbose)")

    interrupted = _run_in_thread(
        lambda interrupt: _run_jobs(job_list, deps, max_jobs=max_jobs, timeout=timeout, run_dir=run_dir,
                                    progress=progress, on_done=on_done, interrupt=interrupt), progress)

    for job in job_list:  # skipped / interrupted notebooks still get their (unexecuted) copy
        if not (run_dir / "notebooks" / f"{job.name}.ipynb").exists():
            if job.status in ("pending", "running"):
                job.status = "failed" if interrupted else "skipped"
            _write_text(run_dir / "notebooks" / f"{job.name}.ipynb", nbformat.writes(job.nb))

    statuses = {j.name: j.status for j in sorted(job_list, key=lambda j: _order_key(j.source))}
    ordered = [j for j in sorted(job_list, key=lambda j: _order_key(j.source))]
    notebooks_ok = all(j.status == "ok" for j in job_list) and not interrupted
    subtitle = (f"{'Exécution' if lang == 'fr' else 'Run'} {run_dir.name} · "
                f"{'étude' if lang == 'fr' else 'study'} : "
                f"{study_entry.get('title') or (Path(study).name if study else 'démo')}"
                + ("" if notebooks_ok else (" · en échec" if lang == "fr" else " · failed")))
    bases = [paths.notebooks_dir(), run_dir]
    workbook = None
    from etude import deck, pdf, runinfo
    from etude import workbook as tables_book
    info = runinfo.run_info(manifest, lang=lang)
    steps = [
        ("tables/tables.xlsx", lambda: tables_book.write_workbook(run_dir, info)),
        ("report.html", lambda: _write_text(run_dir / "report.html", report.report_html(
            [(j.name, j.nb) for j in ordered], lang=lang, simulated=simulated, statuses=statuses,
            subtitle=subtitle, base_dirs=bases))),
        ("slides.html", lambda: _write_text(run_dir / "slides.html", report.slides_html(
            [(j.name, j.nb) for j in ordered if j.status == "ok"], lang=lang, simulated=simulated,
            subtitle=subtitle, base_dirs=bases))),
        ("slides.pptx", lambda: deck.write_pptx(run_dir / "slides.pptx", [(j.name, j.nb) for j in ordered
                                                if j.status == "ok"], info, subtitle=subtitle)),
        ("report.pdf", lambda: pdf.write_report_pdf(run_dir / "report.html") or progress.log(pdf.NO_ENGINE_MESSAGE)),
    ]
    for what, step in steps:
        try:
            made = step()
            workbook = made if what.endswith(".xlsx") else workbook
        except Exception as exc:
            problems.append(f"{what} non produit : {exc.__class__.__name__}: {exc}")
            if verbose:
                traceback.print_exc()
    for line in problems:
        print(f"✗ {line}", file=sys.stderr)
    warnings = []
    for page in ("report.html", "slides.html"):  # a notebook output may still point at a CDN (plotly, widgets…)
        if (run_dir / page).is_file():
            remote = report.external_references((run_dir / page).read_text(encoding="utf-8"))
            if remote:
                warnings.append(f"{page} chargera {len(remote)} ressource(s) du réseau : {', '.join(remote[:3])}")
                print(f"avertissement — {warnings[-1]}", file=sys.stderr)
    ok = notebooks_ok and not problems
    ended = _now()
    manifest.update({
        "status": "ok" if ok else ("interrupted" if interrupted else "failed"),
        "ended_at": ended.isoformat(timespec="seconds"),
        "duration_s": round((ended - started).total_seconds(), 2),
        "notebooks": [{
            "name": j.name, "source": _relative(j.source, paths.root()), "status": j.status,
            "executed": f"notebooks/{j.name}.ipynb", "html": f"notebooks/{j.name}.html",
            "started_at": j.started.isoformat(timespec="seconds") if j.started else None,
            "ended_at": j.ended.isoformat(timespec="seconds") if j.ended else None,
            "duration_s": round((j.ended - j.started).total_seconds(), 2) if j.started and j.ended else None,
            "code_cells": j.n_cells, "depends_on": deps[j.name], "parameters": j.params, "error": j.error,
        } for j in ordered],
        "outputs": {
            "report": "report.html", "slides": "slides.html",
            **{k: f for k, f in (("pptx", "slides.pptx"), ("pdf", "report.pdf")) if (run_dir / f).is_file()},
            "workbook": _relative(workbook, run_dir) if workbook else None,
            "tables": sorted(_relative(p, run_dir) for p in (run_dir / "tables").glob("*.csv")),
            "figures": sorted(_relative(p, run_dir) for p in (run_dir / "figures").glob("*") if p.is_file()),
        },
        "problems": problems,
        "warnings": warnings,
    })
    _write_json(run_dir / "manifest.json", manifest)
    if ok:
        update_latest(run_dir)
    failed = [j for j in ordered if j.status != "ok"]
    if failed:
        print(f"Échec : {len(failed)} notebook(s) sur {len(ordered)} — " + ", ".join(
            f"{j.name} ({'ignoré' if j.status == 'skipped' else 'échec'})" for j in failed), file=sys.stderr)
    print(f"Rapport : {run_dir / 'report.html'}", flush=True)
    print(run_dir, flush=True)
    if interrupted:
        raise KeyboardInterrupt
    errors = {j.name: j.message for j in failed if j.message}
    if problems:
        errors["(moteur)"] = " ; ".join(problems)
    return RunResult(ok=ok, run_dir=run_dir, statuses=statuses, errors=errors)
