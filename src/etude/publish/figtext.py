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

__all__ = ["SLIDE_INCHES", "SLIDE_CHART_INCHES", "SLIDE_CHART_MAX_HEIGHT", "SLIDE_TALL_SIZES", "SLIDE_CHART_AREA",
           "SLIDE_DISPLAY", "SLIDE_IMAGE_SCALE", "MIN_SLIDE_PX", "SMALLEST_TEXT_KEY", "PROBLEM_COLUMNS",
           "visible_texts", "text_problems", "for_slide", "slide_chart_size", "slide_size", "slide_figure",
           "smallest_text_px", "slide_png_metadata", "alt_text"]

#: Size of a chart made for a slide, in inches (16:9; 1280 px wide means 96 px per inch).
SLIDE_INCHES = (13.333, 7.5)
#: Room a chart has on a slide, in pixels of a 1280 × 720 slide: the slide's width less its margins, the height
#: left under the section label and a two-line heading, above the data-status footer.
SLIDE_CHART_AREA = (1230, 470)
#: Size of the chart image a deck shows under a slide's heading, caption included, in inches: the proportions of
#: :data:`SLIDE_CHART_AREA`, and few enough inches that the house fonts (14 pt at least) are more than 18 px once
#: the image is shown in that room (470 px / 4.6 in = 102 px per inch: 14 pt is 19.9 px).
SLIDE_CHART_INCHES = (12.0, 4.6)
#: The tallest slide image (inches): a taller chart would be shown smaller than 18 px.
SLIDE_CHART_MAX_HEIGHT = 4.6
#: Taller slide images a tall chart (small multiples) falls back to, in order, when its text would overlap at
#: :data:`SLIDE_CHART_MAX_HEIGHT`: overlapping text is unreadable at any size, while text under 18 px is only too
#: small — the accessibility test names those charts (fewer panels per slide is their fix).
SLIDE_TALL_SIZES = ((12.0, 5.2), (12.667, 6.5), (13.333, 7.5))
#: PNG text key of a slide image holding its smallest text's height in the image's pixels (read back by the
#: accessibility test, which multiplies it by the scale the browser shows the image at).
SMALLEST_TEXT_KEY = "etude:smallest-text-px"
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
        if not ax.axison:  # ax.axis("off"): no tick label is drawn
            undrawn.update(id(t) for axis in (ax.xaxis, ax.yaxis)
                           for tick in [*axis.majorTicks, *axis.minorTicks] for t in (tick.label1, tick.label2))
            continue
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
                  tolerance: float = 1.0, edges: bool = False) -> pd.DataFrame:
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
    edges : bool
        Also report texts that run past the figure's edges (``cut``): a slide image has a fixed size, and what
        runs past it is cut (a report's chart is saved with its whole bounding box instead).

    Returns
    -------
    DataFrame
        One row per problem (:data:`PROBLEM_COLUMNS`): ``kind`` is ``overlap`` (``text`` and ``other`` overlap
        by ``overlap_px`` figure pixels, the smaller side), ``small`` (``text`` is ``px`` display pixels
        high) or ``cut`` (``text`` runs ``overlap_px`` figure pixels past an edge). Empty when the chart's text
        is fine.
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
    for t, box in boxes if edges else []:
        past = max(-box.x0, -box.y0, box.x1 - width_px, box.y1 - height_px)
        if past > tolerance:
            rows.append({"kind": "cut", "text": _label(t), "other": "", "px": 0.0, "overlap_px": round(past, 1)})
    for (a, ba), (b, bb) in itertools.combinations(boxes, 2):
        dx = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
        dy = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
        if dx > tolerance and dy > tolerance:
            rows.append({"kind": "overlap", "text": _label(a), "other": _label(b), "px": 0.0,
                         "overlap_px": round(min(dx, dy), 1)})
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)


def _caption_inside(fig) -> tuple | None:
    """Move ``fig``'s caption (:func:`etude.publish.plots.house.add_caption`) inside the figure's bottom edge,
    wrapped to its current width, and keep the layout above it; returns what :func:`_caption_back` restores.

    A report's chart is saved with its whole bounding box (the caption below the axes); a slide image has a fixed
    size, so its caption — source, data status, and what its markers and bands mean — must be inside it.
    """
    from etude.publish.plots.house import caption_lines

    caption = next((t for t in fig.texts if t.get_gid() == "caption" and t.get_visible()), None)
    engine = fig.get_layout_engine()
    if caption is None or not hasattr(engine, "set"):
        return None
    saved = (caption, caption.get_text(), caption.get_position(), caption.get_va(), engine.get().get("rect"))
    text = caption_lines(caption, fig.get_figwidth())
    height = (text.count("\n") + 1) * caption.get_fontsize() * 1.3 / 72 + 0.08
    frac = min(0.45, height / fig.get_figheight())
    caption.set_text(text)
    caption.set_position((0.01, frac - 0.04 / fig.get_figheight()))
    caption.set_va("top")
    engine.set(rect=(0, frac, 1, 1 - frac))
    return saved


#: Longest category label (characters) a slide image writes on one line instead of the report's wrapped lines.
SLIDE_LABEL_CHARS = 42


def _one_line(label: str) -> str:
    joined = " ".join(label.split())
    return joined if len(joined) <= SLIDE_LABEL_CHARS else label


def _slide_labels(fig) -> list:
    """Give the category axes of ``fig`` their slide labels: the chart's own ``etude_slide_ylabels`` (for its
    first axes), else each wrapped label on one line when it is short enough — a slide image is wide and short,
    so a line saved in height is room for the bars; returns what :func:`_labels_back` restores."""
    saved = []
    for k, ax in enumerate(fig.axes):
        texts = [t.get_text() for t in ax.get_yticklabels()]
        own = getattr(fig, "etude_slide_ylabels", None) if k == 0 else None
        new = list(own) if own is not None and len(own) == len(texts) else [_one_line(t) for t in texts]
        if texts and new != texts:
            ticks = list(ax.get_yticks())
            saved.append((ax, ticks, texts))
            ax.set_yticks(ticks, new)
    return saved


def _labels_back(saved: list) -> None:
    for ax, ticks, texts in reversed(saved):
        ax.set_yticks(ticks, texts)


def _slide_titles(fig) -> list:
    """Wrap each panel title longer than its panel is wide on the slide image (a panel of a narrower figure
    holds fewer characters); returns ``(title, text)`` pairs to restore."""
    import textwrap

    saved = []
    panels = [(ax.get_position().width, t) for ax in fig.axes if ax.get_visible() for t in (ax.title, ax._left_title)]
    for width, title in [*panels, *([(0.98, fig._suptitle)] if fig._suptitle is not None else [])]:
        text = title.get_text()
        chars = int(width * fig.get_figwidth() * 72 / (0.62 * title.get_fontsize()))
        if text and "\n" not in text and chars >= 12 and len(text) > chars:
            saved.append((title, text))
            title.set_text(textwrap.fill(text, chars, break_long_words=False))
    return saved


def _caption_back(fig, saved: tuple | None) -> None:
    if saved is None:
        return
    caption, text, position, va, rect = saved
    caption.set_text(text)
    caption.set_position(position)
    caption.set_va(va)
    fig.get_layout_engine().set(rect=rect if rect is not None else (0, 0, 1, 1))


@contextlib.contextmanager
def for_slide(fig, *, size: tuple[float, float] = SLIDE_INCHES) -> Iterator[object]:
    """Temporarily give ``fig`` the slide size (its layout engine re-runs) with its caption inside the image
    (:func:`_caption_inside`) and its category labels on one line where they fit (:func:`_slide_labels`); its
    own size, caption and labels come back afterwards.

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
    labels, titles = _slide_labels(fig), _slide_titles(fig)
    saved = _caption_inside(fig)
    try:
        yield fig
    finally:
        _caption_back(fig, saved)
        for title, text in titles:
            title.set_text(text)
        _labels_back(labels)
        fig.set_size_inches(*before, forward=False)


def slide_chart_size(fig) -> tuple[float, float]:
    """The size of ``fig``'s slide image: :data:`SLIDE_CHART_INCHES`'s width, and the height its own shape asks at
    that width, between :data:`SLIDE_CHART_INCHES` (the room under a heading) and
    :data:`SLIDE_CHART_MAX_HEIGHT` (taller, it would be shown too small to read). A chart whose shape asks more
    (small multiples) gets the first of these and :data:`SLIDE_TALL_SIZES` at which no text overlaps or is cut
    (:func:`text_problems`; this draws it).

    >>> import matplotlib.pyplot as plt
    >>> wide, tall = plt.figure(figsize=(12, 3.5)), plt.figure(figsize=(13, 11))
    >>> slide_chart_size(wide), slide_chart_size(tall)
    ((12.0, 4.6), (12.0, 4.6))
    >>> plt.close("all")
    """
    w, h = (float(x) for x in fig.get_size_inches())
    asked = h * SLIDE_CHART_INCHES[0] / w if w else 0.0
    height = min(SLIDE_CHART_MAX_HEIGHT, max(SLIDE_CHART_INCHES[1], asked))
    size = (SLIDE_CHART_INCHES[0], round(height, 3))
    if asked <= SLIDE_CHART_MAX_HEIGHT or not fig.get_axes():
        return size
    for taller in (size, *SLIDE_TALL_SIZES):  # a tall chart: the first size where no text overlaps or is cut
        with for_slide(fig, size=taller):
            if text_problems(fig, display=SLIDE_CHART_AREA, min_px=0, edges=True).empty:
                return tuple(taller)
    return tuple(SLIDE_TALL_SIZES[-1])


def slide_size(fig, sizes: Sequence[tuple[float, float]] = (SLIDE_CHART_INCHES, SLIDE_INCHES)
               ) -> tuple[float, float] | None:
    """The first of ``sizes`` at which ``fig`` has no overlapping text and no text under :data:`MIN_SLIDE_PX`
    (:func:`text_problems`), or ``None``: a chart drawn for a page that no slide size suits keeps its page size.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(8, 3), layout="constrained")
    >>> _ = ax.barh(["Freins"], [3]); _ = ax.set_title("Titre", fontsize=16); ax.tick_params(labelsize=16)
    >>> slide_size(fig)
    (12.0, 4.6)
    >>> plt.close(fig)
    """
    for size in sizes:
        with for_slide(fig, size=size):
            if text_problems(fig, display=SLIDE_CHART_AREA, edges=True).empty:
                return tuple(size)
    return None


def smallest_text_px(fig, dpi: float | None = None) -> float:
    """Height of ``fig``'s smallest drawn text in pixels of an image saved at ``dpi`` (default: the figure's).

    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(figsize=(4, 3))
    >>> _ = fig.text(0.1, 0.5, "petit", fontsize=9); _ = fig.text(0.1, 0.1, "grand", fontsize=18)
    >>> smallest_text_px(fig, dpi=144)
    18.0
    >>> plt.close(fig)
    """
    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in visible_texts(fig)]
    return round(min(sizes) * (dpi or fig.dpi) / 72, 1) if sizes else 0.0


def slide_png_metadata(fig, dpi: float) -> dict[str, str]:
    """PNG text chunks of a slide image: its smallest text in image pixels (:data:`SMALLEST_TEXT_KEY`), so that a
    test can tell how large the chart's text is once the browser has scaled the image onto the slide."""
    return {SMALLEST_TEXT_KEY: f"{smallest_text_px(fig, dpi):.1f}"}


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


def _title(fig) -> str:
    """The figure's title: its ``suptitle``, else its first axes title (left, then centre)."""
    texts = [fig.get_suptitle()] + [ax.get_title(loc=loc) for ax in fig.axes for loc in ("left", "center")]
    return next((" ".join(t.split()) for t in texts if t and t.strip()), "")


def _bar_summary(ax, most: int = 3) -> str:
    """The longest bars of ``ax``'s horizontal bar charts with their tick label and value label, longest first."""
    from matplotlib.container import BarContainer

    ticks = {round(float(t.get_position()[1]), 3): _label(t) for t in ax.get_yticklabels() if t.get_text().strip()}
    bars = [(float(r.get_width()), r.get_y() + r.get_height() / 2, r.get_height())
            for c in ax.containers if isinstance(c, BarContainer) and c.orientation == "horizontal" for r in c]
    out = []
    for _width, y, height in sorted(bars, key=lambda b: -b[0])[:most]:
        label = next((v for k, v in ticks.items() if abs(k - y) <= height), "")
        value = next((_label(t) for t in ax.texts if abs(t.get_position()[1] - y) <= height / 2 and _label(t)), "")
        if label:
            out.append(f"{label} {value}".strip())
    return " ; ".join(out)


def alt_text(fig) -> str:
    """An image's alternative text for chart ``fig``: its title, then a one-line summary — the chart's own
    ``etude_summary`` if it set one, else its three longest bars with their labels and values, else the titles
    of its panels —, else its caption. The chart's words are already in the reader's language.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.barh(["Temps", "Soutien"], [0.52, 0.32]); _ = ax.text(0.53, 0, "52 %"); _ = ax.text(0.33, 1, "32 %")
    >>> _ = ax.set_title("Freins cités")
    >>> alt_text(fig)
    'Freins cités. Temps 52 % ; Soutien 32 %'
    >>> plt.close(fig)
    """
    title = _title(fig)
    summary = getattr(fig, "etude_summary", "") or next((s for s in map(_bar_summary, fig.axes) if s), "")
    if not summary:
        panels = [" ".join(ax.get_title(loc="left").split()) for ax in fig.axes if ax.get_visible()]
        panels = [p for p in dict.fromkeys(panels) if p and p != title]
        summary = " ; ".join(panels) if len(panels) > 1 else ""
    if not (title or summary):
        caption = [t.get_text() for t in fig.texts if t.get_gid() == "caption"]
        return " ".join(" ".join(caption).split())
    return ". ".join(x for x in (title, summary) if x)
