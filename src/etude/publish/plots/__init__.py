"""The house style and the study's charts: one place for fonts, colours, captions and ranked bars.

Charts are made to be read from the back of a meeting room: text is at least :data:`MIN_FONT` points, labels are
wrapped rather than overlapped, colours come from the Okabe–Ito palette (safe for colour-blind readers), and every
chart carries a caption naming its source, wave and data status (« Données simulées — ne pas citer » for the
demo). Item labels come from the codebook, every other word from the catalogue (:mod:`etude.words`, area
``plots``) and every number from :mod:`etude.publish.formats`, in French by default (``lang="en"`` for English).

Reusable pieces for any chart of the project: :data:`OKABE_ITO`, :data:`PALETTE`, :data:`POPULATION_COLORS`,
:data:`RC` with :func:`style` (a context manager) or :func:`apply_style` (for a whole notebook),
:func:`caption_text` and :func:`add_caption`, :class:`ChartOptions` (what a chart takes besides its data:
caption, threshold, item labels, panels per row), :func:`title_with_n`, :func:`wrap_label`, :func:`item_label`,
:func:`percent_axis`. Figures are saved with :func:`etude.publish.outputs.save_figure` (PNG and SVG); save them inside
``with style():`` or after :func:`apply_style` so that SVG text stays text (searchable, and read by the privacy
audit) rather than outlines.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> import pandas as pd
>>> from etude.analysis import stats
>>> t = pd.DataFrame({"b_temps": pd.array([True] * 3 + [False] * 5, dtype="boolean"),
...                   "b_financier": pd.array([True] * 6 + [False] * 2, dtype="boolean")})
>>> fig = frequency_chart(stats.frequencies(t, ["b_temps", "b_financier"]),
...                       options=ChartOptions(wave=2017))
>>> fig.axes[0].get_title(loc="left")
'Freins cités — Acheteurs publics (n\u202f=\u202f8)'
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
['Freins financiers', 'Manque de temps']
>>> plt.close(fig)
"""
from __future__ import annotations

from etude.publish.plots import bars, gaps, house, options, plan, series, supply
from etude.publish.plots.bars import *  # noqa: F403
from etude.publish.plots.gaps import *  # noqa: F403
from etude.publish.plots.house import *  # noqa: F403
from etude.publish.plots.options import *  # noqa: F403
from etude.publish.plots.plan import *  # noqa: F403
from etude.publish.plots.series import *  # noqa: F403
from etude.publish.plots.supply import *  # noqa: F403

__all__ = [*house.__all__, *options.__all__, *bars.__all__, *supply.__all__, *gaps.__all__, *series.__all__,
           *plan.__all__]
