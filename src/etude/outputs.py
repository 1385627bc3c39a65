"""Writing a notebook's results into its run folder: tables (CSV) and figures (PNG + SVG).

Notebooks receive an ``output_dir`` parameter from the engine (the run folder). Run on their own
(plain papermill or JupyterLab) they get ``""`` and write into ``outputs/_standalone/``, so a notebook
never needs to know where it is run from.

Every file is written to a temporary name in the same folder, then renamed: a file in a run folder is
complete or absent. CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) are prefixed with an apostrophe (CSV/formula injection); numbers are
left alone.

Examples
--------
>>> import pandas as pd, tempfile
>>> d = tempfile.mkdtemp()
>>> save_table(pd.DataFrame({"item": ["=1+1"], "pct": [0.5]}), "demo", d).name
'demo.csv'
>>> (Path(d) / "tables" / "demo.csv").read_text(encoding="utf-8").splitlines()[1]
"'=1+1,0.5"
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from etude import paths

__all__ = ["run_dir", "save_table", "save_figure", "show_figure", "FIGURE_KEY", "neutralise_formulas",
           "atomic_write", "check_out_dir", "FORMULA_PREFIXES", "OUTPUT_LOG_ENV", "PNG_OPTIONS"]

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Environment variable naming a file where :func:`atomic_write` lists each file it completes (one absolute
#: path a line); the engine sets it for each notebook's kernel, to know which tables and figures it wrote.
OUTPUT_LOG_ENV = "ETUDE_OUTPUT_LOG"


def run_dir(output_dir: str | os.PathLike | None = None) -> Path:
    """The folder a notebook writes to: ``output_dir`` if given, else ``outputs/_standalone/``."""
    d = Path(output_dir) if output_dir else paths.outputs_dir() / "_standalone"
    d.mkdir(parents=True, exist_ok=True)
    return d


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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, write) -> Path:
    """Call ``write(tmp_path)`` then rename the temporary file to ``path`` (same folder, atomic on POSIX)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a run's files get the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    ledger = os.environ.get(OUTPUT_LOG_ENV)
    if ledger:
        with open(ledger, "a", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(f"{path.resolve()}\n")
    return path


def check_out_dir(out: str | os.PathLike, *, option: str = "--out", allow_data: bool = False) -> Path:
    """Check that ``out`` can receive run folders, without creating anything; returns it resolved.

    Refused, with one French message (:class:`etude.errors.ParameterError`) naming ``option``: a folder inside
    ``data/`` (raw inputs are never written to; ``allow_data`` for the one writer of ``data/demo/``,
    ``etude demo``), an existing file, a folder (or its nearest existing parent) that this user cannot write to.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> check_out_dir(d / "runs") == (d / "runs").resolve()
    True
    >>> try:
    ...     check_out_dir(paths.data_dir() / "demo")
    ... except ValueError as exc:
    ...     print(str(exc)[:48])
    --out : dossier dans data/ (données brutes, jama
    """
    from etude.errors import ParameterError

    target = Path(out).expanduser().resolve()
    data = paths.data_dir().resolve()
    if not allow_data and (target == data or data in target.parents):
        raise ParameterError(f"{option} : dossier dans data/ (données brutes, jamais modifiées) ; "
                             "attendu : un dossier hors de data/, par exemple outputs/")
    existing = target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        what = "est un fichier" if existing == target else f"passe par un fichier ({existing})"
        raise ParameterError(f"{option} : {target} {what} ; attendu : un dossier (existant ou à créer)")
    read_only = not existing.stat().st_mode & 0o222  # no write bit at all: read-only, even for root
    if read_only or not os.access(existing, os.W_OK | os.X_OK):
        raise ParameterError(f"{option} : impossible d'écrire dans {existing} (lecture seule ou droits "
                             "insuffisants) ; attendu : un dossier où vous pouvez écrire")
    return target


def save_table(df: pd.DataFrame, name: str, output_dir: str | os.PathLike | None = None, *,
               index: bool = False) -> Path:
    """Write ``df`` as ``tables/<name>.csv`` (UTF-8, comma-separated, formulas neutralised).

    The engine later gathers every CSV of the run into one ``tables/tables.xlsx`` workbook.
    Returns the CSV path.
    """
    target = run_dir(output_dir) / "tables" / f"{name}.csv"
    safe = neutralise_formulas(df)
    return atomic_write(target, lambda tmp: safe.to_csv(tmp, index=index, encoding="utf-8"))


#: How chart PNGs are compressed: zlib's fastest level. A chart's flat colours compress almost as well as at
#: Pillow's default (level 6: files about 15 % smaller) in 60 % of the time, and every chart is written twice.
PNG_OPTIONS = {"compress_level": 1}


def save_figure(fig, name: str, output_dir: str | os.PathLike | None = None, *, dpi: int = 150,
                slide: bool = False) -> list[Path]:
    """Write a matplotlib figure as ``figures/<name>.png`` and ``figures/<name>.svg``; returns the paths.

    With ``slide=True`` also ``figures/<name>_slide.png``: the figure at a slide's width, 1920 pixels
    (:data:`etude.figtext.SLIDE_IMAGE_SCALE`), and the height its shape asks
    (:func:`etude.figtext.slide_chart_size`: 720 to 1080 pixels), for decks: with the house
    fonts its text is at least 18 px on a 1280 × 720 slide. That every chart of :mod:`etude.plots` has no
    overlapping text at that size is checked by the tests, not at each save: it costs a drawing.
    """
    folder = run_dir(output_dir) / "figures"
    written = []
    for ext in ("png", "svg"):
        extra = {"pil_kwargs": dict(PNG_OPTIONS)} if ext == "png" else {}
        written.append(atomic_write(folder / f"{name}.{ext}", lambda tmp, ext=ext, extra=extra: fig.savefig(
            tmp, format=ext, dpi=dpi, bbox_inches="tight", **extra)))
    if slide:
        from etude import figtext
        size = figtext.slide_chart_size(fig)
        with figtext.for_slide(fig, size=size):
            written.append(atomic_write(folder / f"{name}_slide.png", lambda tmp: fig.savefig(
                tmp, format="png", dpi=figtext.SLIDE_DISPLAY[0] * figtext.SLIDE_IMAGE_SCALE / size[0],
                pil_kwargs=dict(PNG_OPTIONS))))
    return written


#: Output metadata key naming the figure an inline image shows (:func:`show_figure`).
FIGURE_KEY = "etude_figure"


def show_figure(fig, name: str, output_dir: str | os.PathLike | None = None, *, dpi: int = 150) -> None:
    """Save ``fig`` (:func:`save_figure`, with its slide image), show it in the notebook, close it.

    The notebook shows the PNG just written (no second rendering), at the size matplotlib would show the figure,
    and the output carries the figure's name (:data:`FIGURE_KEY`): the deck (``slides.html``, ``slides.pptx``)
    shows ``figures/<name>_slide.png`` instead, made at the slide's size so its text stays large. Outside a
    notebook kernel the figure is only saved. Use :func:`save_figure` for the written paths.
    """
    import matplotlib.pyplot as plt
    written = save_figure(fig, name, output_dir, dpi=dpi, slide=True)
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:  # pragma: no cover — IPython comes with the kernel
        shell = None
    if shell is not None and getattr(shell, "kernel", None) is not None:
        import matplotlib
        from IPython.display import Image, display
        from PIL import Image as PILImage
        with PILImage.open(written[0]) as im:
            width = round(im.size[0] * float(matplotlib.rcParams["figure.dpi"]) / dpi)
        display(Image(data=written[0].read_bytes(), format="png", width=width), metadata={FIGURE_KEY: name})
    plt.close(fig)
