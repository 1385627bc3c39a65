"""Bar charts as data: read from a matplotlib figure when a notebook shows it, drawn again as a native PowerPoint
chart in ``slides.pptx``, so that a colleague can change a label, a value or a colour.

:func:`figure_data` describes a figure in a few plain values (JSON-ready): its title, its caption, and — when
every panel holds only bars (frequencies, profiles, comparisons side by side, stacked counts) — its categories
and series (one per colour and per panel, values as plotted, the panel's or legend's name, the colour). A figure
with lines, points, ribbons or free shapes (trends, forest plots, funnels) has no ``bars``: the deck shows its
picture, with the title and a one-line summary as alternative text. :func:`etude.publish.outputs.show_figure`
stores the description in the output's metadata (:data:`CHART_KEY`); :func:`add_bar_chart` draws it.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots()
>>> _ = ax.barh([0, 1], [0.66, 0.5], color="#0072B2")
>>> _ = ax.set_yticks([0, 1], ["Information", "Temps"])
>>> _ = ax.set_title("Freins cités", loc="left")
>>> ax.invert_yaxis()  # the first bar on top, as the house charts draw ranks
>>> data = figure_data(fig)
>>> data["title"], data["bars"]["categories"], data["bars"]["series"][0]["values"]
('Freins cités', ['Information', 'Temps'], [0.66, 0.5])
>>> data["bars"]["horizontal"], data["bars"]["stacked"]
(True, False)
>>> plt.close(fig)
"""
from __future__ import annotations

import math
from typing import Any

__all__ = ["CHART_KEY", "figure_data", "add_bar_chart", "chart_alt_text"]

#: Output metadata key holding :func:`figure_data` (next to :data:`etude.publish.outputs.FIGURE_KEY`).
CHART_KEY = "etude_chart"


def _one_line(text: Any) -> str:
    return " ".join(str(text or "").split())


def _figure_title(fig) -> str:
    suptitle = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    titles = [suptitle] + [ax.get_title(loc=loc) for ax in fig.axes for loc in ("left", "center")]
    return next((_one_line(t) for t in titles if t and t.strip()), "")


def _axes_title(ax) -> str:
    return next((_one_line(ax.get_title(loc=loc)) for loc in ("left", "center", "right") if ax.get_title(loc=loc)),
                "")


def _hex(color) -> str:
    from matplotlib.colors import to_hex
    return to_hex(color, keep_alpha=False).upper()


def _bars_only(ax) -> bool:
    """Whether ``ax`` draws nothing but bars (and their whiskers): no free line, point, ribbon or shape."""
    from matplotlib.container import BarContainer, ErrorbarContainer
    bar_patches = {id(p) for c in ax.containers if isinstance(c, BarContainer) for p in c.patches}
    whiskers = set()
    for c in ax.containers:
        if isinstance(c, ErrorbarContainer):
            whiskers |= {id(a) for part in c.lines if part is not None
                         for a in (part if isinstance(part, tuple | list) else [part])}
    if any(id(p) not in bar_patches for p in ax.patches):
        return False
    if any(id(line) not in whiskers for line in ax.lines):
        return False
    return all(id(c) in whiskers for c in ax.collections)


def _categories(ax, horizontal: bool) -> dict[float, str]:
    """Tick position → label on the category axis (labels as set, even when a shared axis hides them)."""
    axis = ax.yaxis if horizontal else ax.xaxis
    locs = list(axis.get_majorticklocs())
    labels = axis.get_major_formatter().format_ticks(locs) if locs else []
    return {float(loc): _one_line(label) for loc, label in zip(locs, labels)}


def _legend_names(ax, fig) -> dict[str, str]:
    """Colour → name, from the axes' legend and the figure's legends."""
    names: dict[str, str] = {}
    legends = [ax.get_legend(), *getattr(fig, "legends", [])]
    for legend in (x for x in legends if x is not None):
        handles = getattr(legend, "legend_handles", None) or getattr(legend, "legendHandles", [])
        for handle, text in zip(handles, legend.get_texts()):
            try:
                names.setdefault(_hex(handle.get_facecolor()), _one_line(text.get_text()))
            except (AttributeError, ValueError):
                continue
    return names


def _axes_bars(ax) -> list[dict[str, Any]]:
    """Every bar of ``ax``: position, value, base and colour."""
    from matplotlib.container import BarContainer
    bars = []
    for c in ax.containers:
        if not isinstance(c, BarContainer):
            continue
        horizontal = getattr(c, "orientation", None) == "horizontal"
        values = c.datavalues if getattr(c, "datavalues", None) is not None else [None] * len(c.patches)
        for patch, value in zip(c.patches, values):
            if horizontal:
                pos, base, size = patch.get_y() + patch.get_height() / 2, patch.get_x(), patch.get_width()
            else:
                pos, base, size = patch.get_x() + patch.get_width() / 2, patch.get_y(), patch.get_height()
            value = size if value is None else float(value)
            bars.append({"horizontal": horizontal, "pos": pos, "base": base, "value": value,
                         "color": _hex(patch.get_facecolor())})
    return bars


def _category_of(pos: float, ticks: dict[float, str]) -> str | None:
    if not ticks:
        return None
    loc = min(ticks, key=lambda t: abs(t - pos))
    return ticks[loc] if abs(loc - pos) <= 0.5 and ticks[loc] else None


def _is_percent(ax, horizontal: bool) -> bool:
    axis = ax.xaxis if horizontal else ax.yaxis
    try:
        return any("%" in t for t in axis.get_major_formatter().format_ticks([0.0, 0.5]))
    except (TypeError, ValueError, IndexError):
        return False


def _panel_series(ax, fig, bars, ticks, panel_name: str, fallback: str = ""
                  ) -> tuple[list[str], list[dict[str, Any]]] | None:
    """The categories (top or left first) and the series (one per colour: the panel's and the legend's name,
    else ``fallback``) of one panel; ``None`` if a bar has no category."""
    legend = _legend_names(ax, fig)
    series: dict[str, dict[str, Any]] = {}
    for bar in bars:
        category = _category_of(bar["pos"], ticks)
        if category is None:
            return None
        one = series.setdefault(bar["color"], {"name": "", "color": bar["color"], "values": {}})
        value = float(bar["value"])
        one["values"][category] = None if math.isnan(value) else round(value, 6)
    for colour, one in series.items():
        one["name"] = " — ".join(x for x in (panel_name, legend.get(colour, "")) if x) or fallback
    inverted = ax.yaxis_inverted() if bars and bars[0]["horizontal"] else ax.xaxis_inverted()
    top_first = bars and bars[0]["horizontal"] and not inverted  # the highest bar is drawn on top
    order = [ticks[t] for t in sorted(ticks, reverse=bool(top_first or (inverted and not bars[0]["horizontal"])))
             if ticks[t]]
    return order, list(series.values())


def _bars(fig) -> dict[str, Any] | None:
    axes = [ax for ax in fig.axes if ax.get_visible() and _axes_bars(ax)]
    if not axes or not all(_bars_only(ax) for ax in fig.axes if ax.get_visible()):
        return None
    found = {ax: _axes_bars(ax) for ax in axes}
    horizontal = {b["horizontal"] for bars in found.values() for b in bars}
    if len(horizontal) != 1:
        return None
    horizontal_ = horizontal.pop()
    ticks: dict[float, str] = {}
    for ax in axes:
        for loc, label in _categories(ax, horizontal_).items():
            ticks[loc] = ticks.get(loc) or label
    categories: list[str] = []
    series: list[dict[str, Any]] = []
    for ax in axes:
        value_axis = _one_line(ax.get_xlabel() if horizontal_ else ax.get_ylabel())
        panel = _panel_series(ax, fig, found[ax], ticks, _axes_title(ax) if len(axes) > 1 else "", value_axis)
        if panel is None:
            return None
        categories += [c for c in panel[0] if c not in categories]
        series += panel[1]
    used = [c for c in categories if any(c in s["values"] for s in series)]
    return {"horizontal": horizontal_, "categories": used,
            "stacked": any(abs(b["base"]) > 1e-9 for bars in found.values() for b in bars),
            "percent": all(_is_percent(ax, horizontal_) for ax in axes),
            "series": [{**s, "values": [s["values"].get(c) for c in used]} for s in series]}


def figure_data(fig) -> dict[str, Any]:
    """A figure as plain values: ``title``, ``caption`` (its notes, one line) and ``bars`` (``None`` unless every
    panel holds only bars).

    ``bars`` holds ``horizontal``, ``stacked``, ``percent`` (the value axis reads in percent), ``categories``
    (category-axis labels, top or left first) and ``series`` (``name``, ``color`` ``#RRGGBB``, ``values`` in the
    categories' order, ``None`` where a series has no bar).
    """
    caption = " ".join(_one_line(t.get_text()) for t in getattr(fig, "texts", []) if t.get_text().strip())
    return {"title": _figure_title(fig), "caption": caption, "bars": _bars(fig)}


def chart_alt_text(title: str, summary: str) -> str:
    """A chart's alternative text: its title, then the one-line summary the slide states.

    >>> chart_alt_text("Freins cités — Entreprises", "Les entreprises citent d'abord l'information")
    "Freins cités — Entreprises : Les entreprises citent d'abord l'information"
    >>> chart_alt_text("", "Un message")
    'Un message'
    """
    title, summary = _one_line(title), _one_line(summary)
    if title and summary and summary != title:
        return f"{title} : {summary}"
    return title or summary


def _chart_data(bars: dict[str, Any]):
    from pptx.chart.data import CategoryChartData
    data = CategoryChartData(number_format="0%" if bars["percent"] else "General")
    data.categories = bars["categories"]
    for s in bars["series"]:
        values = [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in s["values"]]
        data.add_series(s["name"] or " ", values)
    return data


def _chart_type(bars: dict[str, Any]):
    from pptx.enum.chart import XL_CHART_TYPE
    if bars["horizontal"]:
        return XL_CHART_TYPE.BAR_STACKED if bars["stacked"] else XL_CHART_TYPE.BAR_CLUSTERED
    return XL_CHART_TYPE.COLUMN_STACKED if bars["stacked"] else XL_CHART_TYPE.COLUMN_CLUSTERED


def _distinct(colours: list[str]) -> list[str]:
    """``colours`` where a colour already used is lightened (panels drawn in one colour stay apart as series).

    >>> _distinct(["#0072B2", "#0072B2", "#E69F00", "#0072B2"])
    ['#0072B2', '#4095C5', '#E69F00', '#80B8D8']
    """
    seen: dict[str, int] = {}
    out = []
    for colour in colours:
        k = seen[colour] = seen.get(colour, -1) + 1
        shade = min(k, 3) * 0.25
        rgb = [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
        out.append("#" + "".join(f"{round(v + (255 - v) * shade):02X}" for v in rgb))
    return out


def _style(chart, bars: dict[str, Any], size_pt: float) -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_LEGEND_POSITION
    from pptx.util import Pt
    chart.font.size = Pt(size_pt)
    chart.has_legend = len(bars["series"]) > 1
    if chart.has_legend:
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.TOP, False
    plot = chart.plots[0]
    plot.gap_width = 40
    if bars["stacked"]:
        plot.overlap = 100
    plot.has_data_labels = not bars["stacked"] and len(bars["series"]) <= 2  # more would overlap
    if plot.has_data_labels:
        labels = plot.data_labels
        labels.number_format, labels.number_format_is_linked = ("0%" if bars["percent"] else "General"), False
        labels.font.size = Pt(size_pt)
    for series, colour in zip(plot.series, _distinct([s["color"] for s in bars["series"]])):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = RGBColor.from_string(colour.lstrip("#"))
    chart.value_axis.has_major_gridlines = False
    chart.value_axis.tick_labels.font.size = Pt(size_pt)
    if bars["percent"]:
        chart.value_axis.tick_labels.number_format = "0%"
        chart.value_axis.tick_labels.number_format_is_linked = False
    chart.category_axis.tick_labels.font.size = Pt(size_pt)
    if bars["horizontal"]:
        chart.category_axis.reverse_order = True  # the first category on top, as in the picture


def add_bar_chart(slide, bars: dict[str, Any], box, *, alt: str = "", name: str = "", size_pt: float = 14):
    """Draw ``bars`` (:func:`figure_data`'s ``bars``) as a native chart filling ``box`` (left, top, width,
    height, EMU) of ``slide``; returns the graphic frame.

    Text is ``size_pt`` points (14 pt on a 13.333 in slide: 18 px at 1280 × 720); series keep their colours; the
    first category is on top; percentages read as percentages. ``alt`` becomes the frame's description.
    """
    frame = slide.shapes.add_chart(_chart_type(bars), *box, _chart_data(bars))
    _style(frame.chart, bars, size_pt)
    props = frame._element.xpath("./p:nvGraphicFramePr/p:cNvPr")[0]
    if alt:
        props.set("descr", alt)
    if name:
        props.set("name", name)
    return frame
