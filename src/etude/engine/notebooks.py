"""Finding the study notebooks and reading what they declare: ``NN_name.ipynb`` files, parameters, dependencies.

A study notebook is a file ``notebooks/NN_name.ipynb``; notebooks run in ``NN`` order, after the notebooks named
in their metadata ``etude.depends_on``. Its first code cell, tagged ``parameters``, declares its parameters
(papermill's convention); a comment after a value documents it, and a range ``[min, max]`` at the end of that
comment bounds it (see :mod:`etude.engine.parameters`).

Examples
--------
>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> for n in ("10_b.ipynb", "2_a.ipynb", "notes.ipynb"):
...     _ = (d / n).write_text("{}")
>>> [p.name for p in discover_notebooks(d)]
['2_a.ipynb', '10_b.ipynb']
"""
from __future__ import annotations

import ast
import copy
import functools
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from etude import cachefiles, paths
from etude.engine.parameters import parse_bounds
from etude.errors import ParameterError, RunError
from etude.optional_imports import skip_slow_optional_imports

__all__ = ["discover_notebooks", "select_notebooks", "order_key", "read_notebook", "normalise_notebook",
           "notebook_parameters", "list_notebooks", "format_notebook_list", "depends_on",
           "skip_slow_optional_imports", "NOTEBOOK_NAME"]

#: File names of study notebooks: ``NN_name.ipynb``.
NOTEBOOK_NAME = re.compile(r"^(\d+)_[^/\\]+\.ipynb$")


def discover_notebooks(notebooks_dir: str | os.PathLike | None = None) -> list[Path]:
    """The study notebooks ``NN_name.ipynb`` of ``notebooks_dir`` (default ``notebooks/``), in ``NN`` order."""
    folder = Path(notebooks_dir) if notebooks_dir else paths.notebooks_dir()
    found = [p for p in folder.glob("*.ipynb") if NOTEBOOK_NAME.match(p.name)]
    return sorted(found, key=order_key)


def order_key(path: Path) -> tuple[int, str]:
    """Sort key of a notebook path: its ``NN`` number, then its name (non-study names last).

    >>> sorted([Path("10_b.ipynb"), Path("x.ipynb"), Path("2_a.ipynb")], key=order_key)[0].name
    '2_a.ipynb'
    """
    m = NOTEBOOK_NAME.match(path.name)
    return (int(m.group(1)) if m else 10**9, path.name)


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
    return sorted(chosen, key=order_key)


def read_notebook(path: Path):
    """The notebook at ``path`` (nbformat v4), normalised for papermill; :class:`RunError` if unreadable.

    Each call returns a new copy; the file is parsed and validated once while its size and time are unchanged.
    """
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise RunError(f"{path.name} : notebook illisible ({exc.__class__.__name__}: {exc})") from None
    return copy.deepcopy(_parsed_notebook(str(path), st.st_size, st.st_mtime_ns))


@functools.lru_cache(maxsize=64)
def _parsed_notebook(path: str, size: int, mtime_ns: int):
    skip_slow_optional_imports()
    import nbformat
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # invalid JSON or schema
        raise RunError(f"{Path(path).name} : notebook illisible ({exc.__class__.__name__}: {exc})") from None
    return normalise_notebook(nb)


def normalise_notebook(nb):
    """What papermill expects of a notebook: a tags list on every cell and a kernel name (to pick its parameter
    translator; the kernel itself is always ours). Changes ``nb`` in place and returns it."""
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    nb.metadata["kernelspec"].setdefault("name", "python3")
    return nb


def _inferred(nb, memo_dir: Path | None, pending: list | None = None) -> list[dict[str, str]]:
    """papermill's inspection of ``nb``'s parameters cell: ``name``, ``inferred_type_name``, ``default`` (text),
    ``help`` of each parameter.

    With ``memo_dir``, the answer is kept there by the cell's text, the kernel's name and language and papermill's
    version, so that a later process reads it instead of importing papermill (a fifth of an unchanged re-run);
    with ``pending``, the ``(path, text)`` to keep is added to it instead of being written now.
    """
    import hashlib
    import json
    cell = next((c for c in nb.cells if "parameters" in (c.metadata.get("tags") or [])), None)
    if cell is None:
        return []
    path = None
    if memo_dir is not None:
        from importlib.metadata import version
        kernel = nb.metadata.get("kernelspec", {})
        text = json.dumps([cell.source, kernel.get("name"), kernel.get("language"),
                           nb.metadata.get("language_info", {}).get("name"), version("papermill")])
        path = Path(memo_dir) / f"{hashlib.sha256(text.encode('utf-8', 'surrogateescape')).hexdigest()}.json"
        try:
            found = json.loads(cachefiles.read_text(path) or "null")  # listed and unchanged, else None
            if isinstance(found, list) and all(isinstance(p, dict) and set(p) == set(_INFERRED) for p in found):
                return found
        except ValueError:
            pass
    skip_slow_optional_imports()
    from papermill.inspection import _infer_parameters
    found = [{k: getattr(p, k) for k in _INFERRED} for p in _infer_parameters(nb)]
    if path is not None and pending is not None:
        pending.append((path, json.dumps(found)))
    elif path is not None:
        cachefiles.store_text(path, json.dumps(found))  # a memo only saves time: never fails
    return found


#: What :func:`_inferred` keeps of each papermill ``Parameter``.
_INFERRED = ("name", "inferred_type_name", "default", "help")


def notebook_parameters(nb_or_path, *, memo_dir: str | os.PathLike | None = None,
                        pending: list | None = None) -> dict[str, dict[str, Any]]:
    """Parameters declared in the notebook's ``parameters`` cell (papermill's inspection).

    Returns ``name -> {"default": value, "text": source text, "type": type name, "help": str, "bounds": …}``;
    ``default`` is the literal value (``ast.literal_eval``), or the source text when it is not a plain literal;
    ``bounds`` is ``(low, high)`` or ``None`` (:func:`etude.engine.parameters.parse_bounds`). With ``memo_dir``,
    papermill's answer for the same cell is read from there when an earlier process left it, and a new answer
    kept there (or, with ``pending``, added to that list as ``(path, text)`` for the caller to write).
    """
    if isinstance(nb_or_path, (str, os.PathLike)):
        nb = read_notebook(Path(nb_or_path))
    else:
        import nbformat
        nb = normalise_notebook(nbformat.from_dict(nb_or_path))  # a copy: the caller's notebook is left as it is
    declared_bounds = nb.metadata.get("etude", {}).get("bounds", {}) or {}
    out = {}
    for p in _inferred(nb, Path(memo_dir) if memo_dir is not None else None, pending):
        try:
            value = ast.literal_eval(p["default"])
            kind = type(value).__name__ if value is not None else "NoneType"
        except (ValueError, SyntaxError):
            value, kind = p["default"], (p["inferred_type_name"] if p["inferred_type_name"] != "None" else "expr")
        out[p["name"]] = {"default": value, "text": p["default"], "type": kind, "help": p["help"] or "",
                          "bounds": parse_bounds(p["help"] or "", declared_bounds.get(p["name"]))}
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


def depends_on(nb, name: str, known: Iterable[str]) -> list[str]:
    """The notebooks ``nb`` (named ``name``) depends on, from its metadata ``etude.depends_on``.

    Names are matched to ``known`` by full name or ``NN``; names not part of this run are kept as written (and
    ignored by the scheduler).

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(metadata={"etude": {"depends_on": ["01", "00_absent.ipynb"]}})
    >>> depends_on(nb, "02_b", ["01_a", "02_b"])
    ['01_a', '00_absent']
    """
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
