"""The action plan's charts: the remedies a population cites, the barriers each 2018 solution addresses."""
from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter

from etude import words
from etude.analysis import plan, stats
from etude.publish import formats
from etude.publish.plots.bars import frequency_chart
from etude.publish.plots.house import MIN_FONT, add_caption, caption_text, population_color, style, wrap_label
from etude.publish.plots.options import ChartOptions
from etude.publish.reference_text import word
from etude.survey import codebook as cb
from etude.words import check_lang as _lang

__all__ = ["remedy_chart", "coverage_chart"]


def remedy_chart(table: pd.DataFrame, population: str, *, wave=None, lang: str = "fr", simulated: bool = True,
                 codebook=None):
    """The remedies cited by one population in its latest wave of ``table`` (an
    :func:`etude.analysis.plan.remedy_table`): a :func:`etude.publish.plots.frequency_chart` titled
    « Leviers cités — <population> ».

    >>> t = pd.DataFrame({"population": "buyers", "wave": 2017, "item": ["lev_hierarchie"], "n_base": [3],
    ...                   "count": [2], "pct": [2 / 3], "ci_low": [0.2], "ci_high": [0.94]})
    >>> fig = remedy_chart(t, "buyers", lang="en")
    >>> fig.axes[0].get_title(loc="left")
    'Remedies cited — Public buyers (n\u202f=\u202f3)'
    >>> plt.close(fig)
    """
    part = plan.last_wave(table, population).copy()
    part.attrs.update(table.attrs)
    wave = wave if wave is not None else (int(part["wave"].iloc[0]) if len(part) else None)
    return frequency_chart(part, population=population, lang=lang,
                           options=ChartOptions(wave=wave, simulated=simulated, question="remedies",
                                                codebook=codebook))


def coverage_chart(solutions: pd.DataFrame, *, lang: str = "fr", simulated: bool = True, wave=None,
                   populations: Sequence[str] = stats.POPULATIONS, width: float = 12.0):
    """Horizontal stacked bars: how many barriers of each population every solution addresses (seed order), from
    :func:`etude.analysis.plan.solutions_table`.

    The restitution's texts (in English, their translation: :func:`etude.publish.reference_text.word`); long ones are
    shortened on the axis (« … »); :func:`etude.publish.present.display_solutions` shows
    them in full.

    >>> s = pd.DataFrame({"number": [1, 2], "text": ["Un guide", "Un hub"], "n_buyers": [2, 0],
    ...                   "n_companies": [1, 0]})
    >>> fig = coverage_chart(s, lang="en")
    >>> fig.axes[0].get_xlabel(), [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ('Number of barriers addressed', ['Public buyers', 'Innovative companies'])
    >>> plt.close(fig)
    """
    lang = _lang(lang)
    labels = [wrap_label(textwrap.shorten(f"{n}. {word(t, lang)}", 110, placeholder=" …"), 58)
              for n, t in zip(solutions["number"], solutions["text"])]
    y = list(range(len(solutions)))[::-1]
    lines = max([label.count("\n") + 1 for label in labels] or [1])
    with style():
        fig, ax = plt.subplots(figsize=(width, 1.8 + (0.25 + 0.33 * lines) * len(solutions)), layout="constrained")
        left = pd.Series(0, index=solutions.index)
        for population in populations:
            values = solutions[f"n_{population}"]
            ax.barh(y, values, left=left, color=population_color(population), label=cb.label(population, lang=lang))
            left = left + values
        ax.set_yticks(y, labels)
        ax.tick_params(axis="y", labelsize=MIN_FONT)  # nine rows of one or two lines: the smallest house type
        fig.etude_slide_ylabels = [textwrap.shorten(label.replace("\n", " "), 48, placeholder=" …")
                                   for label in labels]  # one line each on a slide (figtext.for_slide)
        ax.set_xlabel(words.text("plots.coverage_axis", lang))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: formats.number(x, lang=lang)))
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(populations), frameon=False)
        ax.set_title(words.text("plots.coverage_title", lang), loc="left", pad=44)
        add_caption(fig, caption_text(wave=wave, simulated=simulated, lang=lang,
                                      note=words.text("plots.coverage_note", lang)))
    return fig
