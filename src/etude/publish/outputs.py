"""Writing a notebook's results into its run folder: tables (CSV) and figures (SVG, PNG).

Notebooks receive an ``output_dir`` parameter from the engine (the run folder). Run on their own
(plain papermill or JupyterLab) they get ``""`` and write into ``outputs/_standalone/``, so a notebook
never needs to know where it is run from.

Every file is written to a temporary name in the same folder, then renamed: a file in a run folder is
complete or absent. CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) are prefixed with an apostrophe (CSV/formula injection); numbers are
left alone. Every text field is quoted (``"…"``), so that a line break or a separator inside a cell never
splits a row, whatever the program that opens the file: pandas reads it back to the same table.

Examples
--------
>>> import pandas as pd, tempfile
>>> d = tempfile.mkdtemp()
>>> save_table(pd.DataFrame({"item": ["=1+1"], "pct": [0.5]}), "demo", d)
tables/demo.csv
>>> print((Path(d) / "tables" / "demo.csv").read_text(encoding="utf-8"), end="")
"item","pct"
"'=1+1",0.5
"""
from __future__ import annotations

import base64
import csv
import html
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from etude import paths
from etude.files import atomic_write

__all__ = ["run_dir", "RunFile", "save_table", "save_figure", "show_figure", "FIGURE_KEY", "neutralise_formulas",
           "figure_html", "FORMULA_PREFIXES", "PNG_OPTIONS",
           "SVG_METADATA"]

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def run_dir(output_dir: str | os.PathLike | None = None) -> Path:
    """The folder a notebook writes to: ``output_dir`` if given, else ``outputs/_standalone/``."""
    d = Path(output_dir) if output_dir else paths.outputs_dir() / "_standalone"
    d.mkdir(parents=True, exist_ok=True)
    return d


class RunFile(type(Path())):
    """A file written in a run folder: a :class:`pathlib.Path` (absolute, to read it back) that shows itself by
    its place in the run folder (``tables/a.csv``), so that a notebook cell ending in :func:`save_table` prints no
    path of the machine into the report.

    >>> f = RunFile("/home/ana/outputs/r1/tables/a.csv")
    >>> f, str(f), f.name
    (tables/a.csv, '/home/ana/outputs/r1/tables/a.csv', 'a.csv')
    """

    def __repr__(self) -> str:
        return f"{self.parent.name}/{self.name}"

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython's display
        printer.text(repr(self))


def _neutralise_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` where text cells (and column names) that start like a formula are prefixed with ``'``."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_neutralise_cell)
    out.columns = [_neutralise_cell(c) for c in out.columns]
    return out


def save_table(df: pd.DataFrame, name: str, output_dir: str | os.PathLike | None = None, *,
               index: bool = False) -> RunFile:
    """Write ``df`` as ``tables/<name>.csv`` (UTF-8, comma-separated, every text field quoted, formulas
    neutralised).

    Quoting every text field (``csv.QUOTE_NONNUMERIC``: numbers and booleans stay bare) keeps a cell that holds
    a line break, a carriage return or a separator in its row for every reader, LibreOffice included; pandas
    reads the file back to the same table. The engine later gathers every CSV of the run into one
    ``tables/tables.xlsx`` workbook. Returns the CSV path, a :class:`RunFile`: shown as ``tables/<name>.csv``,
    never as an absolute path.
    """
    target = run_dir(output_dir) / "tables" / f"{name}.csv"
    safe = neutralise_formulas(df)
    return RunFile(atomic_write(target, lambda tmp: safe.to_csv(tmp, index=index, encoding="utf-8",
                                                                quoting=csv.QUOTE_NONNUMERIC)))


#: How chart PNGs are compressed: zlib's fastest level. A chart's flat colours compress almost as well as at
#: Pillow's default (level 6: files about 15 % smaller) in 60 % of the time.
PNG_OPTIONS = {"compress_level": 1}
#: What a chart's SVG records of its making: nothing (no date), so that the same chart gives the same bytes.
SVG_METADATA = {"Date": None}


def save_figure(fig, name: str, output_dir: str | os.PathLike | None = None, *, dpi: int = 150,
                slide: bool = False, formats: tuple[str, ...] = ("png", "svg")) -> list[RunFile]:
    """Write a matplotlib figure as ``figures/<name>.png`` and ``figures/<name>.svg``; returns the paths
    (:class:`RunFile`: shown as ``figures/<name>.svg``, never as an absolute path).

    ``formats`` picks which of the two are written (``("svg",)``: the vector one only). With ``slide=True`` also
    ``figures/<name>_slide.png``: the figure at a slide's width, 1920 pixels
    (:data:`etude.publish.figtext.SLIDE_IMAGE_SCALE`), and the height its shape asks
    (:func:`etude.publish.figtext.slide_chart_size`: 720 to 1080 pixels), for decks: with the house
    fonts its text is at least 18 px on a 1280 × 720 slide. That every chart of :mod:`etude.publish.plots` has no
    overlapping text at that size is checked by the tests, not at each save: it costs a drawing.
    The SVG carries no date, so an unchanged chart is an unchanged file (with the house style's fixed
    ``svg.hashsalt``, its internal ids too).
    """
    unknown = [f for f in formats if f not in ("png", "svg")]
    if unknown:
        raise ValueError(f"formats : {unknown!r} ; attendu : 'png' et/ou 'svg'")
    folder = run_dir(output_dir) / "figures"
    written = []
    for ext in formats:
        extra = {"pil_kwargs": dict(PNG_OPTIONS)} if ext == "png" else {"metadata": dict(SVG_METADATA)}
        written.append(atomic_write(folder / f"{name}.{ext}", lambda tmp, ext=ext, extra=extra: fig.savefig(
            tmp, format=ext, dpi=dpi, bbox_inches="tight", **extra)))
    if slide:
        from etude.publish import figtext
        size = figtext.slide_chart_size(fig)
        with figtext.for_slide(fig, size=size):
            dpi = figtext.SLIDE_DISPLAY[0] * figtext.SLIDE_IMAGE_SCALE / size[0]
            written.append(atomic_write(folder / f"{name}_slide.png", lambda tmp: fig.savefig(
                tmp, format="png", dpi=dpi, pil_kwargs=dict(PNG_OPTIONS),
                metadata=figtext.slide_png_metadata(fig, dpi))))
    return [RunFile(p) for p in written]


#: Output metadata key naming the figure an inline image shows (:func:`show_figure`).
FIGURE_KEY = "etude_figure"

_SVG_WIDTH = re.compile(rb"<svg\b[^>]*?\swidth=\"([0-9.]+)pt\"")


def figure_html(svg: bytes, *, alt: str = "", dpi: float = 100) -> str:
    """An ``<img>`` showing ``svg`` (matplotlib's bytes) from a ``data:`` URI, at ``dpi`` pixels per inch.

    An image runs no script and loads nothing, so it is safe in any page, and JupyterLab shows it even in a
    notebook it does not trust (where a raw ``image/svg+xml`` output stays hidden). ``alt`` is escaped.

    >>> figure_html(b'<svg width="72pt" height="36pt"></svg>', alt='« <b> »')
    '<img src="data:image/svg+xml;base64,PHN2ZyB3aWR0aD0iNzJwdCIgaGVpZ2h0PSIzNnB0Ij48L3N2Zz4=" width="100" \
alt="« &lt;b&gt; »">'
    """
    m = _SVG_WIDTH.search(svg[:4096])
    width = f' width="{round(float(m.group(1)) / 72 * dpi)}"' if m else ""
    data = base64.b64encode(svg).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}"{width} alt="{html.escape(alt, quote=True)}">'


def show_figure(fig, name: str, output_dir: str | os.PathLike | None = None) -> None:
    """Save ``fig`` as ``figures/<name>.svg`` and its slide image (:func:`save_figure`), show it, close it.

    The notebook shows the SVG just written (no second drawing: the chart is vector, sharp at any zoom and
    in print), at the size matplotlib would show the figure, as an ``<img>`` (:func:`figure_html`) whose
    alternative text is the chart's title; the output carries the figure's name (:data:`FIGURE_KEY`) and its
    description (:func:`etude.publish.native_charts.figure_data`: title, caption, bars as data): the deck
    (``slides.html``, ``slides.pptx``) shows ``figures/<name>_slide.png`` instead, made at the slide's size so
    its text stays large. Outside a notebook kernel the figure is only saved. Use :func:`save_figure` for the
    written paths, or for a PNG at the report's size.
    """
    import matplotlib.pyplot as plt
    written = save_figure(fig, name, output_dir, slide=True, formats=("svg",))
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:  # pragma: no cover — IPython comes with the kernel
        shell = None
    if shell is not None and getattr(shell, "kernel", None) is not None:
        import matplotlib
        from IPython.display import display

        from etude.publish import figtext
        page = figure_html(written[0].read_bytes(), alt=figtext.alt_text(fig) or name,
                           dpi=float(matplotlib.rcParams["figure.dpi"]))
        from etude.publish.marks import MARK_KEY, figure_marks  # the respondent numbers it draws, for the audit
        from etude.publish.native_charts import CHART_KEY, figure_data  # the deck redraws bar charts natively
        marks = figure_marks(fig)
        display({"text/html": page, "text/plain": f"<graphique {name}>"}, raw=True,
                metadata={FIGURE_KEY: name, CHART_KEY: figure_data(fig), **({MARK_KEY: marks} if marks else {})})
    plt.close(fig)
