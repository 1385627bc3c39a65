"""Is a chart's text readable? Overlapping text and text too small for the screen, from the renderer's boxes.

:func:`text_problems` draws a matplotlib figure, takes every visible, non-empty text (titles, tick labels, axis
labels, value labels, legends, captions) with its box from ``get_window_extent``, and reports the pairs of texts
whose boxes overlap and the texts smaller than ``min_px`` pixels once the figure is shown fitted into a display
of ``display`` pixels (by default a 1280 × 720 slide: 18 px is the smallest type read from the back of a
meeting room). :func:`slide_figure` makes a chart for a slide (16:9, :data:`SLIDE_INCHES`): with the house
fonts (at least 14 pt) its text is then at least 18 px on a 1280 × 720 slide; :func:`for_slide` gives an
existing figure the slide size for a while (to save or check it).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots(figsize=(4, 3))
>>> _ = ax.text(0.5, 0.5, "un texte", fontsize=14)
>>> _ = ax.text(0.5, 0.5, "par-dessus", fontsize=14)
>>> problems = text_problems(fig, display=(400, 300), min_px=10)
>>> sorted(problems["kind"].unique().tolist()), problems.iloc[0][["text", "other"]].tolist()
(['overlap'], ['un texte', 'par-dessus'])
>>> plt.close(fig)
"""
from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Sequence

import pandas as pd

__all__ = ["SLIDE_INCHES", "SLIDE_CHART_INCHES", "SLIDE_DISPLAY", "SLIDE_IMAGE_SCALE", "MIN_SLIDE_PX",
           "PROBLEM_COLUMNS", "visible_texts", "text_problems", "for_slide", "slide_chart_size", "slide_size",
           "slide_figure"]

#: Size of a chart made for a slide, in inches (16:9; 1280 px wide means 96 px per inch).
SLIDE_INCHES = (13.333, 7.5)
#: Size of the chart image a deck shows under a slide's heading: the slide's width, the height left to a chart.
SLIDE_CHART_INCHES = (13.333, 5.0)
#: The display a slide is checked at (pixels).
SLIDE_DISPLAY = (1280, 720)
#: Pixels of a slide image per pixel of :data:`SLIDE_DISPLAY`: 1920 pixels across, what a 1080p projector or
#: screen shows pixel for pixel (twice the pixels, 2560, cost 44 % more to draw and encode for a sharper chart
#: only on high-density laptop screens).
SLIDE_IMAGE_SCALE = 1.5
#: Smallest text on a slide, in pixels at :data:`SLIDE_DISPLAY`.
MIN_SLIDE_PX = 18.0
#: Columns of :func:`text_problems`.
PROBLEM_COLUMNS = ["kind", "text", "other", "px", "overlap_px"]


def _undrawn_tick_labels(fig) -> set[int]:
    """Ids of tick labels matplotlib keeps but does not draw (their tick lies outside the axis' view)."""
    undrawn: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            eps = (hi - lo) * 1e-9
            drawn = set()
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                if loc is not None and lo - eps <= loc <= hi + eps:
                    drawn.update({id(tick.label1), id(tick.label2)})
            for tick in [*axis.majorTicks, *axis.minorTicks]:
                undrawn.update({id(tick.label1), id(tick.label2)} - drawn)
    return undrawn


def visible_texts(fig) -> list:
    """Every text of ``fig`` that is drawn: visible, non-blank, in a visible axes, tick labels inside the view
    (the figure must have been drawn)."""
    from matplotlib.text import Text

    undrawn = _undrawn_tick_labels(fig)
    out = []
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip() or id(t) in undrawn:
            continue
        if t.axes is not None and not t.axes.get_visible():
            continue
        out.append(t)
    return out


def _label(t) -> str:
    return " ".join(t.get_text().split())


def text_problems(fig, *, display: tuple[float, float] = SLIDE_DISPLAY, min_px: float = MIN_SLIDE_PX,
                  tolerance: float = 1.0) -> pd.DataFrame:
    """Overlapping texts and texts smaller than ``min_px`` when ``fig`` is shown fitted into ``display`` pixels.

    Parameters
    ----------
    fig : matplotlib Figure
        Drawn here (``fig.canvas.draw()``) at its own size and dpi.
    display : (width, height)
        The box the whole figure is scaled into, keeping its proportions (a slide: 1280 × 720).
    min_px : float
        Smallest readable text height (font size) in display pixels; ``0`` checks overlaps only.
    tolerance : float
        Overlaps of at most this many figure pixels in either direction are ignored (touching boxes).

    Returns
    -------
    DataFrame
        One row per problem (:data:`PROBLEM_COLUMNS`): ``kind`` is ``overlap`` (``text`` and ``other`` overlap
        by ``overlap_px`` figure pixels, the smaller side) or ``small`` (``text`` is ``px`` display pixels
        high). Empty when the chart's text is fine.
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width_px, height_px = fig.bbox.width, fig.bbox.height
    scale = min(display[0] / width_px, display[1] / height_px)
    texts = visible_texts(fig)
    boxes = [(t, t.get_window_extent(renderer)) for t in texts]
    rows = []
    for t, _ in boxes:
        px = t.get_fontsize() * fig.dpi / 72 * scale
        if px < min_px:
            rows.append({"kind": "small", "text": _label(t), "other": "", "px": round(px, 1), "overlap_px": 0.0})
    for (a, ba), (b, bb) in itertools.combinations(boxes, 2):
        dx = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
        dy = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
        if dx > tolerance and dy > tolerance:
            rows.append({"kind": "overlap", "text": _label(a), "other": _label(b), "px": 0.0,
                         "overlap_px": round(min(dx, dy), 1)})
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)


@contextlib.contextmanager
def for_slide(fig, *, size: tuple[float, float] = SLIDE_INCHES) -> Iterator[object]:
    """Temporarily give ``fig`` the slide size (its layout engine re-runs); its own size comes back afterwards.

    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(figsize=(6, 8), layout="constrained")
    >>> with for_slide(fig):
    ...     [round(float(x), 2) for x in fig.get_size_inches()]
    [13.33, 7.5]
    >>> [round(float(x), 2) for x in fig.get_size_inches()]
    [6.0, 8.0]
    >>> plt.close(fig)
    """
    before = tuple(fig.get_size_inches())
    fig.set_size_inches(*size, forward=False)
    try:
        yield fig
    finally:
        fig.set_size_inches(*before, forward=False)


def slide_chart_size(fig) -> tuple[float, float]:
    """The size of ``fig``'s slide image: a slide's width, and the height its own shape asks at that width,
    between :data:`SLIDE_CHART_INCHES` (room under a heading) and the whole slide (a tall chart stays legible).

    >>> import matplotlib.pyplot as plt
    >>> wide, tall = plt.figure(figsize=(12, 3.5)), plt.figure(figsize=(13, 11))
    >>> slide_chart_size(wide), slide_chart_size(tall)
    ((13.333, 5.0), (13.333, 7.5))
    >>> plt.close("all")
    """
    w, h = (float(x) for x in fig.get_size_inches())
    height = min(SLIDE_INCHES[1], max(SLIDE_CHART_INCHES[1], h * SLIDE_CHART_INCHES[0] / w if w else 0.0))
    return (SLIDE_CHART_INCHES[0], round(height, 3))


def slide_size(fig, sizes: Sequence[tuple[float, float]] = (SLIDE_CHART_INCHES, SLIDE_INCHES)
               ) -> tuple[float, float] | None:
    """The first of ``sizes`` at which ``fig`` has no overlapping text and no text under :data:`MIN_SLIDE_PX`
    (:func:`text_problems`), or ``None``: a chart drawn for a page that no slide size suits keeps its page size.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(8, 3), layout="constrained")
    >>> _ = ax.barh(["Freins"], [3]); _ = ax.set_title("Titre", fontsize=16); ax.tick_params(labelsize=16)
    >>> slide_size(fig)
    (13.333, 5.0)
    >>> plt.close(fig)
    """
    for size in sizes:
        with for_slide(fig, size=size):
            if text_problems(fig).empty:
                return tuple(size)
    return None


def slide_figure(chart, *args, size: tuple[float, float] = SLIDE_INCHES, **kwargs):
    """``chart(*args, **kwargs)`` made for a slide: drawn at the slide's width (when ``chart`` takes ``width``,
    so its labels wrap for that width), then given the 16:9 slide size (its layout engine re-runs).

    >>> import matplotlib.pyplot as plt
    >>> def chart(*, width=6.0):
    ...     return plt.figure(figsize=(width, 9), layout="constrained")
    >>> fig = slide_figure(chart)
    >>> [round(float(x), 2) for x in fig.get_size_inches()]
    [13.33, 7.5]
    >>> plt.close(fig)
    """
    import inspect

    try:
        takes_width = "width" in inspect.signature(chart).parameters
    except (TypeError, ValueError):
        takes_width = False
    if takes_width and "width" not in kwargs:
        kwargs["width"] = size[0]
    fig = chart(*args, **kwargs)
    fig.set_size_inches(*size, forward=False)
    return fig
