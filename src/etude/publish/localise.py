"""A study notebook in the reader's language: each keyed markdown cell takes its text from the catalogue.

A markdown cell that a reader sees carries a key in its metadata, ``{"etude": {"text": "02.intro"}}``; its text
is the catalogue entry ``notebooks.02.intro`` (area ``notebooks`` of ``src/etude/words/fr.yaml`` and ``en.yaml``).
The committed notebook keeps the French text as a readable copy for JupyterLab (``tests/test_localise.py`` checks
that it equals the French entry). When the engine prepares a notebook for a run, :func:`localised` puts the text
of the run's language in every keyed cell — French too: the catalogue is the truth. Plain ``papermill`` or
JupyterLab show the committed French text.

Examples
--------
>>> import nbformat
>>> cell = nbformat.v4.new_markdown_cell("## Tableaux écrits", metadata={"etude": {"text": "02.tables_written"}})
>>> nb = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_markdown_cell("# Sans clé")])
>>> [c.source.splitlines()[0] for c in localised(nb, "en").cells]
['## Tables written', '# Sans clé']
>>> nb.cells[0].source
'## Tableaux écrits'
"""
from __future__ import annotations

from typing import Any

from etude import words
from etude.errors import RunError

__all__ = ["AREA", "text_key", "localised"]

#: Catalogue area of the notebooks' text: a cell's key ``02.intro`` is the entry ``notebooks.02.intro``.
AREA = "notebooks"


def text_key(cell: Any) -> str | None:
    """The catalogue key of a markdown cell (its ``etude.text`` metadata), ``None`` when it has none.

    >>> text_key({"cell_type": "markdown", "metadata": {"etude": {"section": "results", "text": "01.intro"}}})
    '01.intro'
    >>> text_key({"cell_type": "code", "metadata": {"etude": {"text": "01.intro"}}}) is None
    True
    """
    if cell.get("cell_type") != "markdown":
        return None
    return ((cell.get("metadata") or {}).get("etude") or {}).get("text")


def localised(nb: Any, lang: str = "fr", *, name: str | None = None):
    """A copy of the notebook ``nb`` whose keyed markdown cells hold the catalogue text of ``lang``.

    Cells without a key, code cells, ids and metadata are kept as they are; ``nb`` itself is not changed. A key
    missing from the catalogue raises :class:`etude.errors.RunError` naming the notebook (``name``), the cell and
    the catalogue file.

    Parameters
    ----------
    nb : notebook
        An ``nbformat`` notebook, or its JSON as a dict.
    lang : str
        ``"fr"`` or ``"en"``.
    name : str, optional
        The notebook's name, for the error message.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_markdown_cell("?", metadata={"etude": {"text": "02.nothing"}})
    >>> localised(nbformat.v4.new_notebook(cells=[cell]), "en", name="02_freins")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    etude.errors.RunError: 02_freins, cellule 1 : texte « 02.nothing » absent du catalogue (src/etude/words/en.yaml, ...
    """
    import nbformat
    words.check_lang(lang)
    out = nbformat.from_dict(nb)
    for number, cell in enumerate(out.cells, start=1):
        key = text_key(cell)
        if key is None:
            continue
        entry = f"{AREA}.{key}"
        if not words.has(entry, lang):
            where = f"{name}, cellule {number}" if name else f"cellule {number}"
            raise RunError(f"{where} : texte « {key} » absent du catalogue (src/etude/words/{lang}.yaml, "
                           f"zone {AREA})")
        cell.source = words.text(entry, lang)
    return out
