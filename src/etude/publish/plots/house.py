"""The house style: fonts, Okabe–Ito colours, captions naming source, wave and data status, label helpers."""
from __future__ import annotations

import contextlib
import math
import textwrap
from collections.abc import Iterator
from typing import Any

import matplotlib
import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter

from etude import words
from etude.publish import formats
from etude.survey import codebook as cb

__all__ = [
    "OKABE_ITO", "PALETTE", "POPULATION_COLORS", "NEUTRAL", "FONT_SIZE", "TITLE_SIZE", "CAPTION_SIZE", "MIN_FONT",
    "RC", "DATA_STATUS", "style", "apply_style", "caption_text", "add_caption", "figure_caption",
    "title_with_n", "pct_label", "wrap_label", "item_label", "percent_axis", "population_color", "caption_lines",
]

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7"}
#: Colour cycle of the house style (Okabe–Ito, yellow last: weak on white).
PALETTE = [OKABE_ITO[c] for c in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue",
                                  "black", "yellow")]
#: One colour per population, the same in every chart.
POPULATION_COLORS = {"buyers": OKABE_ITO["blue"], "companies": OKABE_ITO["orange"]}
#: Grey for context (whiskers are black, grid and suppressed cells grey).
NEUTRAL = "#5F5F5F"
#: Font sizes in points: tick and value labels, titles, captions; nothing smaller than MIN_FONT.
FONT_SIZE = 16
TITLE_SIZE = 20
CAPTION_SIZE = 14
MIN_FONT = 14
#: matplotlib settings of the house style.
RC = {
    "font.size": FONT_SIZE, "axes.titlesize": TITLE_SIZE, "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": FONT_SIZE, "ytick.labelsize": FONT_SIZE, "legend.fontsize": FONT_SIZE,
    "legend.title_fontsize": FONT_SIZE, "figure.titlesize": TITLE_SIZE, "axes.titleweight": "bold",
    "axes.titlelocation": "left", "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "axes.grid.axis": "x", "grid.color": "#D9D9D9", "grid.linewidth": 1.0,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE), "figure.dpi": 100, "savefig.dpi": 150,
    "svg.fonttype": "none", "svg.hashsalt": "etude", "axes.axisbelow": True, "figure.facecolor": "white",
}
#: Data status written in every caption: simulated (demo) or survey data, by (language, simulated).
DATA_STATUS = {(lang, sim): words.data_status(sim, lang) for lang in words.LANGS for sim in (True, False)}

# ------------------------------------------------------------------------------------------------ style

def _lang(lang: str) -> str:
    return words.check_lang(lang)


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context manager applying the house style (:data:`RC`) to the figures created inside it.

    Only the keys of :data:`RC` are restored on exit (unlike ``matplotlib.rc_context``, which would also reset
    ``interactive`` and stop a notebook from showing later figures).

    >>> import matplotlib.pyplot as plt
    >>> with style():
    ...     plt.rcParams["font.size"] >= MIN_FONT
    True
    """
    saved = {k: matplotlib.rcParams[k] for k in RC}
    matplotlib.rcParams.update(RC)
    try:
        yield
    finally:
        matplotlib.rcParams.update(saved)


def apply_style() -> None:
    """Apply the house style to every later figure of the session (call once at the top of a notebook)."""
    matplotlib.rcParams.update(RC)


def population_color(population: str | None) -> str:
    """The population's colour (:data:`POPULATION_COLORS`); the first palette colour otherwise."""
    return POPULATION_COLORS.get(population or "", PALETTE[0])


def caption_text(*, source: str | None = None, wave: Any = None, simulated: bool = True, lang: str = "fr",
                 note: str | None = None) -> str:
    """The caption every chart carries: source, wave, data status, then an optional note.

    >>> print(caption_text(wave=2017))  # doctest: +NORMALIZE_WHITESPACE
    Source : enquêtes du GT « Innovation & commande publique » (ORCP Hauts-de-France), vague 2017.
    Données simulées — ne pas citer.
    >>> caption_text(wave=2017, lang="en", source="GT survey")
    'Source: GT survey, wave 2017. Simulated data — do not cite.'
    """
    lang = _lang(lang)
    parts = words.text("plots.caption_source", lang, source=source or words.text("plots.source_default", lang))
    if wave is not None and str(wave) != "":
        waves = list(wave) if isinstance(wave, (list, tuple)) else [wave]
        parts += ", " + words.text("plots.caption_wave", lang, count=len(waves), waves=", ".join(map(str, waves)))
    text = f"{parts}. {DATA_STATUS[(lang, bool(simulated))]}."
    if note:
        text += " " + note.strip()
    return text


def add_caption(fig, text: str, *, fontsize: float = CAPTION_SIZE, width: int | None = None):
    """Write ``text`` under the figure, wrapped to its width, left-aligned; returns the matplotlib Text.

    The caption sits below the figure's bottom edge; saving with ``bbox_inches="tight"`` (as
    :func:`etude.publish.outputs.save_figure` and the notebook display do) keeps it in the image without overlapping
    the axes.
    """
    for before, after in ((" ;", "\u00a0;"), (" :", "\u00a0:"), ("« ", "«\u00a0"), (" »", "\u00a0»"),
                          (" %", "\u00a0%")):  # French punctuation never starts a caption line
        text = text.replace(before, after)
    fontsize = max(fontsize, MIN_FONT)
    chars = width or _caption_chars(fig.get_figwidth(), fontsize)
    caption = fig.text(0.01, -0.01, _wrap_caption(text, chars), ha="left", va="top", fontsize=fontsize,
                       color="#333333", gid="caption")
    caption.etude_caption = text  # unwrapped: a slide image wraps it again to its own width (caption_lines)
    return caption


def _caption_chars(width_inches: float, fontsize: float) -> int:
    """Characters of a caption line across ``width_inches`` (0.56 em a character on average)."""
    return max(40, int(width_inches * 72 / (0.56 * fontsize)))


def _wrap_caption(text: str, width: int) -> str:
    """``text`` wrapped to ``width`` characters, paragraph by paragraph, the data status never split."""
    kept = {}  # the data status is never split across lines, and stays searchable as written
    for i, status in enumerate(DATA_STATUS.values()):
        if status in text:
            token = f"\x00{i}".ljust(len(status), "\x01")
            kept[token] = status
            text = text.replace(status, token)
    wrapped = "\n".join(textwrap.fill(p, width=width) for p in text.split("\n"))
    for token, status in kept.items():
        wrapped = wrapped.replace(token, status)
    return wrapped


def caption_lines(caption, width_inches: float) -> str:
    """A caption (:func:`add_caption`'s Text) wrapped again for a figure ``width_inches`` wide (a slide image).

    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(figsize=(13, 3)); c = add_caption(fig, caption_text(wave=2017) + " Carrés : simulés.")
    >>> c.get_text().count(chr(10)), caption_lines(c, 6).count(chr(10))
    (1, 2)
    >>> plt.close(fig)
    """
    text = getattr(caption, "etude_caption", None) or " ".join(caption.get_text().split("\n"))
    return _wrap_caption(text, _caption_chars(width_inches, caption.get_fontsize()))


def figure_caption(fig) -> str:
    """The caption of a figure made by :func:`add_caption`, as plain text (line breaks and no-break spaces undone).

    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(); _ = add_caption(fig, caption_text(wave=2017)); figure_caption(fig)[:12]
    'Source : enq'
    >>> plt.close(fig)
    """
    texts = [t.get_text() for t in fig.texts if t.get_gid() == "caption"]
    return " ".join(texts).replace("\n", " ").replace("\u00a0", " ")


def pct_label(x: Any, decimals: int = 0, *, lang: str = "fr") -> str:
    """A percentage for a chart (:func:`etude.publish.formats.pct`): French ``48 %``, English ``48%``.

    >>> pct_label(0.481, lang="en"), pct_label(None, lang="en")
    ('48%', 'n/a')
    """
    return formats.pct(x, decimals, lang=_lang(lang))


def title_with_n(title: str, n: Any, *, lang: str = "fr") -> str:
    """A title ending with its base: ``Freins cités (n = 27)`` (narrow no-break spaces around ``=``).

    >>> title_with_n("Freins cités", 1234), title_with_n("Barriers cited", 1234, lang="en")
    ('Freins cités (n\u202f=\u202f1\u202f234)', 'Barriers cited (n\u202f=\u202f1,234)')
    """
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return title
    return f"{title} (n{formats.NNBSP}={formats.NNBSP}{formats.number(n, lang=_lang(lang))})"


def wrap_label(text: str, width: int = 24) -> str:
    """Wrap a label on several lines of at most ``width`` characters (words are not cut).

    >>> wrap_label("Méconnaissance de l'administration", 20)
    "Méconnaissance de\\nl'administration"
    """
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=False)) or str(text)


def item_label(code: str, *, lang: str = "fr", short: bool = True, width: int | None = 24, codebook=None) -> str:
    """An item's codebook label (short by default), wrapped to ``width`` characters (``None``: not wrapped).

    >>> item_label("e_besoins", lang="en")
    'Unknown public needs'
    """
    text = cb.label(code, lang=_lang(lang), short=short, codebook=codebook)
    return wrap_label(text, width) if width else text


def percent_axis(ax, axis: str = "x", *, decimals: int = 0, upper: float = 1.0, lang: str = "fr") -> None:
    """Format an axis holding fractions as percentages (French ``20 %``), ticks every 20 points up to ``upper``."""
    ticks = np.round(np.arange(0, upper + 1e-9, 0.2), 2)
    formatter = FuncFormatter(lambda x, _pos: pct_label(x, decimals, lang=lang))
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(formatter)


