"""Shared helpers for the tests that check and execute the study notebooks (not a test module)."""
from __future__ import annotations

import json
from pathlib import Path

from etude import paths


def read_notebook(path: str | Path) -> dict:
    """The notebook as plain JSON."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def code_cells(nb: dict) -> list[dict]:
    """The code cells of a notebook, in order."""
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def slide_cells(nb: dict) -> list[dict]:
    """Cells that open a new slide."""
    return [c for c in nb["cells"] if c["metadata"].get("slideshow", {}).get("slide_type") == "slide"]


def first_cell_parameters(nb: dict) -> dict:
    """The names the first code cell defines, with their values (the cell is plain assignments)."""
    namespace: dict = {}
    exec("".join(code_cells(nb)[0]["source"]), namespace)
    namespace.pop("__builtins__", None)
    return namespace


def is_committed_clean(nb: dict) -> bool:
    """No outputs and no execution counts in any code cell."""
    return all(not c.get("outputs") and c.get("execution_count") is None for c in code_cells(nb))


def run_papermill(notebook: str | Path, executed: str | Path, *, cwd: str | Path | None = None,
                  **parameters) -> dict:
    """Execute ``notebook`` with plain papermill (as a user would, standalone) and return the executed JSON."""
    import papermill as pm
    pm.execute_notebook(str(notebook), str(executed), kernel_name="python3", progress_bar=False,
                        parameters=parameters, cwd=str(cwd or paths.notebooks_dir()))
    return read_notebook(executed)


def shown_text(nb: dict, *, include_source: bool = False) -> str:
    """Everything the executed notebook shows: outputs, and with ``include_source`` the cells' own text."""
    parts = []
    for c in nb["cells"]:
        if include_source:
            parts.append("".join(c["source"]))
        for o in c.get("outputs", []):
            parts.append("".join(o.get("text", "")))
            for v in o.get("data", {}).values():
                parts.append(v if isinstance(v, str) else "".join(v) if isinstance(v, list) else "")
    return "\n".join(parts)


def assert_clean_with_parameters_first(nb: dict, expected: dict) -> None:
    """The first code cell is tagged ``parameters`` and sets ``expected``; no cell carries outputs."""
    assert "parameters" in code_cells(nb)[0]["metadata"].get("tags", [])
    namespace = first_cell_parameters(nb)
    assert {k: namespace.get(k) for k in expected} == expected
    assert is_committed_clean(nb)
