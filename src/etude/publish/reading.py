"""What readers see of a notebook: its cells without parameters, removed cells or stderr, and its title.

Shared by the report and slides (:mod:`etude.publish.report`) and the deck's outline (:mod:`etude.publish.spine`).
"""
from __future__ import annotations

import re

import nbformat

__all__ = ["REMOVE_CELL_TAGS", "REMOVE_OUTPUT_TAGS", "notebook_title", "reading_copy"]

#: Cell tags honoured in the report and slides (Jupyter Book conventions).
REMOVE_CELL_TAGS = {"remove-cell", "remove_cell", "injected-parameters", "parameters"}
REMOVE_OUTPUT_TAGS = {"remove-output", "remove_output"}


def notebook_title(nb, default: str) -> str:
    """The text of the notebook's first level-1 markdown heading, else ``default``.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Intro\\n# Les *freins*")])
    >>> notebook_title(nb, "02_freins")
    'Les freins'
    """
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            m = re.match(r"#\s+(.+?)\s*#*\s*$", line)
            if m:
                return re.sub(r"[*_`]", "", m.group(1)).strip()
    return default


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def reading_copy(nb, *, keep_stderr: bool = False):
    """The cells readers see (report, slides, deck): no parameter or removed cells, no stderr, no empty outputs.

    >>> cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
    ...          nbformat.v4.new_markdown_cell("# A")]
    >>> [c.cell_type for c in reading_copy(nbformat.v4.new_notebook(cells=cells)).cells]
    ['markdown']
    """
    nb = nbformat.from_dict(nb)
    cells = []
    for cell in nb.cells:
        tags = _tags(cell)
        if tags & REMOVE_CELL_TAGS:
            continue
        if cell.cell_type == "code":
            if tags & REMOVE_OUTPUT_TAGS:
                cell.outputs = []
            elif not keep_stderr:
                cell.outputs = [o for o in cell.outputs
                                if not (o.output_type == "stream" and o.get("name") == "stderr")]
            if not cell.outputs:
                continue
        cells.append(cell)
    nb.cells = cells
    return nb
