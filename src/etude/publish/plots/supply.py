"""Supply and demand by segment: needs and offers face to face, suppressed counts never drawn as numbers."""
from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from etude import words
from etude.publish import formats
from etude.publish.labels import label_of
from etude.publish.marks import mark, mark_artist
from etude.publish.plots.house import (
    FONT_SIZE,
    NEUTRAL,
    OKABE_ITO,
    POPULATION_COLORS,
    add_caption,
    caption_text,
    style,
    wrap_label,
)
from etude.survey.context import min_cell_of
from etude.words import check_lang as _lang

__all__ = ['supply_demand_chart']

# ------------------------------------------------------------------------------------------------ supply/demand

def _ribbon(ax, x0: float, x1: float, y0: tuple[float, float], y1: tuple[float, float], **kwargs) -> None:
    """A band from the vertical span ``y0`` at ``x0`` to ``y1`` at ``x1`` along a smooth S curve."""
    t = np.linspace(0, 1, 80)
    s = 3 * t ** 2 - 2 * t ** 3
    ax.fill_between(x0 + (x1 - x0) * t, y0[0] + (y1[0] - y0[0]) * s, y0[1] + (y1[1] - y0[1]) * s, **kwargs)


def _apart(centres: list[float], step: float) -> list[float]:
    """Label positions near ``centres`` (listed from the top down) and at least ``step`` apart, centred on them.

    >>> [round(x, 1) for x in _apart([10.0, 10.0, 5.0], 1.0)]
    [10.5, 9.5, 5.0]
    """
    out = list(centres)
    for _ in range(len(out)):
        moved = False
        for k in range(1, len(out)):
            if out[k - 1] - out[k] < step - 1e-9:
                middle = (out[k - 1] + out[k]) / 2
                out[k - 1], out[k] = middle + step / 2, middle - step / 2
                moved = True
        if not moved:
            break
    return out


def _stack(heights: np.ndarray, gap: float, total: float) -> list[tuple[float, float]]:
    """Vertical spans (bottom, top) of blocks stacked from the top, centred in ``[0, total]``."""
    used = heights.sum() + gap * (len(heights) - 1)
    top = total - (total - used) / 2
    spans = []
    for h in heights:
        spans.append((top - h, top))
        top -= h + gap
    return spans


def _side_texts(n_buyers: float, n_companies: float, suppressed: tuple[bool, bool], *, min_cell: int,
                lang: str) -> tuple[str, str]:
    """« 3 acheteurs » / « < 5 entreprises » beside a segment's two sides (plural rules of the language: French
    « 0 entreprise », English « 0 companies »); ``suppressed``: (buyers', companies') count withheld."""
    hidden, suppressed = suppressed
    b_text = (words.text("plots.buyers_fewer", lang, min_cell=formats.number(min_cell, lang=lang)) if hidden
              else words.text("plots.buyer_count", lang, count=int(round(n_buyers))))
    c_text = (words.text("plots.companies_fewer", lang, min_cell=formats.number(min_cell, lang=lang)) if suppressed
              else words.text("plots.company_count", lang, count=int(round(n_companies))))
    return b_text, c_text


def _count_marks(row: pd.Series, withheld: tuple[bool, bool]) -> tuple[list[dict], list[dict]]:
    """The marks of the two counts printed beside a segment (buyers', companies'), for the number audit; none for
    a count withheld (« < 5 » is printed) or a table without segment codes."""
    if "segment" not in row.index:
        return [], []
    return tuple([] if hidden or pd.isna(row[col]) else
                 [mark("count", row[col], population=population, item=row["segment"])]
                 for col, population, hidden in (("n_buyers", "buyers", withheld[0]),
                                                 ("n_companies", "companies", withheld[1])))


def _band(ax, xs: tuple[float, float, float], side: tuple[float, float], middle: tuple[float, float], *,
          colour: str, hidden: bool) -> None:
    """One side's block and its ribbon to the segment; ``xs`` = (block's left edge, ribbon's side end, ribbon's
    middle end). A withheld count is hatched, of fixed thickness."""
    x0, x_side, x_mid = xs
    block = ({"facecolor": "none", "edgecolor": NEUTRAL, "hatch": "///", "lw": 1} if hidden
             else {"color": colour, "lw": 0})
    ax.add_patch(plt.Rectangle((x0, side[0]), 0.05, side[1] - side[0], **block))
    ribbon = ({"facecolor": "none", "edgecolor": NEUTRAL, "hatch": "///", "lw": 0} if hidden
              else {"color": colour, "alpha": 0.35, "lw": 0})
    if x_side < x_mid:
        _ribbon(ax, x_side, x_mid, side, middle, **ribbon)
    else:
        _ribbon(ax, x_mid, x_side, middle, side, **ribbon)


def supply_demand_chart(table: pd.DataFrame, *, lang: str = "fr", title: str | None = None,
                        source: str | None = None, wave: Any = None, simulated: bool = True,
                        width: float = 13.0):
    """Bipartite chart of an :func:`etude.analysis.matching.supply_demand` table: needs ← segments → offers.

    Segment names are the table's ``label`` column (:func:`etude.publish.present.supply_with_labels`), else the
    codebook's short label of each ``segment`` code in ``lang``; flags are read from the ``flag`` codes.

    Segments sit in the middle; on the left, one block per segment for the buyers declaring a need there
    (buyers' colour), on the right one block for the companies declaring an offer (companies' colour); band
    thickness is the count, on one scale for both sides. A suppressed company count (``companies_suppressed``)
    is drawn as a hatched grey band of fixed thickness labelled « < 5 » (the threshold of the table's
    ``attrs["min_cell"]``), never as its number; a segment
    flagged « Demande sans offre » or « Offre sans demande » says so in its label.

    Returns
    -------
    matplotlib Figure (close it with ``plt.close(fig)`` when done).

    >>> t = pd.DataFrame({"label": ["Santé", "Immobilier"], "n_buyers": [9, 0],
    ...                   "n_companies": pd.array([0, pd.NA], dtype="Int64"), "companies_suppressed": [False, True],
    ...                   "flag": ["demande_sans_offre", "offre_sans_demande"],
    ...                   "flag_label": ["Demande sans offre", "Offre sans demande"]})
    >>> fig = supply_demand_chart(t, wave=2017)
    >>> texts = [x.get_text() for x in fig.axes[0].texts]
    >>> "9 acheteurs" in texts and "<\u202f5 entreprises" in texts
    True
    >>> plt.close(fig)
    """
    lang, min_cell = _lang(lang), min_cell_of(table)
    t = table.reset_index(drop=True)
    nb = pd.to_numeric(t["n_buyers"], errors="coerce").fillna(0).to_numpy(dtype=float).copy()
    sup = t["companies_suppressed"].astype(bool).to_numpy()
    hid = (t["buyers_suppressed"].astype(bool).to_numpy() if "buyers_suppressed" in t.columns
           else np.zeros(len(t), dtype=bool))
    nc = pd.to_numeric(t["n_companies"], errors="coerce").fillna(0).to_numpy(dtype=float).copy()
    scale = max(nb[~hid].sum(), nc[~sup].sum(), 1.0)
    nc[sup] = nb[hid] = max(scale * 0.02, 0.5)  # fixed, non-disclosive thickness
    n = len(t)
    flags = [words.label(f if isinstance(f, str) else "", lang=lang) for f in t["flag"]]
    names = t["label"] if "label" in t else [label_of(f"seg_{s}", lang, short=True) for s in t["segment"]]
    labels = [wrap_label(lab, 18) + (f"\n{fl}" if fl else "") for lab, fl in zip(names, flags)]
    lines = np.array([lab.count("\n") + 1 for lab in labels])
    height = max(5.0, 1.2 + 0.6 * lines.sum() + 0.2 * n)  # near a slide's proportions at a slide's width
    # Data units per inch: the middle rows must be tall enough for their label boxes, on the report's chart and on
    # the slide image, which is shorter (figtext.SLIDE_CHART_INCHES)
    gap = scale * 0.06
    per_inch = (scale + gap * (n + 1)) / (min(height, 4.6) - 2.6)
    mid = np.maximum(np.maximum(nb, nc), lines * 0.34 * per_inch + 0.2 * per_inch)
    total = max(mid.sum(), nb.sum(), nc.sum()) + gap * (n - 1)
    left, middle, right = _stack(nb, gap, total), _stack(mid, gap, total), _stack(nc, gap, total)
    line = FONT_SIZE * 1.6 / 72 * per_inch  # a label line and a little air, in data units: side labels kept apart
    left_at, right_at = (_apart([sum(s) / 2 for s in spans], line) for spans in (left, right))
    xl, xm, xr, w = 0.0, 1.0, 2.0, 0.05
    cb_, cc_ = POPULATION_COLORS["buyers"], POPULATION_COLORS["companies"]
    with style():
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
        for i in range(n):
            centre = sum(middle[i]) / 2
            mid_span = (centre - nb[i] / 2, centre + nb[i] / 2), (centre - nc[i] / 2, centre + nc[i] / 2)
            if nb[i] > 0:
                _band(ax, (xl - w, xl, xm), left[i], mid_span[0], colour=cb_, hidden=bool(hid[i]))
            if nc[i] > 0:
                _band(ax, (xr, xr, xm), right[i], mid_span[1], colour=cc_, hidden=bool(sup[i]))
            b_text, c_text = _side_texts(nb[i], nc[i], (bool(hid[i]), bool(sup[i])), min_cell=min_cell, lang=lang)
            b_marks, c_marks = _count_marks(t.loc[i], (bool(hid[i]), bool(sup[i])))
            mark_artist(ax.text(xl - w - 0.03, left_at[i], b_text, ha="right", va="center", fontsize=FONT_SIZE),
                        b_marks)
            mark_artist(ax.text(xr + w + 0.03, right_at[i], c_text, ha="left", va="center", fontsize=FONT_SIZE),
                        c_marks)
            flagged = bool(t.at[i, "flag"]) if "flag" in t.columns and not pd.isna(t.at[i, "flag"]) else False
            ax.text(xm, centre, labels[i], ha="center", va="center", fontsize=FONT_SIZE, fontweight="bold",
                    color=OKABE_ITO["vermillion"] if flagged else "#1A1A1A", zorder=5,
                    bbox={"boxstyle": "round,pad=0.35", "facecolor": "white", "edgecolor": NEUTRAL})
        ax.text(xl - w / 2, total + gap, words.text("plots.needs", lang), ha="center", va="bottom", fontsize=FONT_SIZE,
                color=cb_, fontweight="bold")
        ax.text(xr + w / 2, total + gap, words.text("plots.offers", lang), ha="center", va="bottom", fontsize=FONT_SIZE,
                color=cc_, fontweight="bold")
        ax.set_xlim(-0.75, 2.75)
        ax.set_ylim(-gap / 2, max(total + 3 * gap, total + gap + 1.2 * line))  # the two headers fit
        ax.axis("off")
        ax.set_title(title or words.text("plots.supply_title", lang), loc="left")
        add_caption(fig, caption_text(source=source, wave=wave, simulated=simulated, lang=lang,
                                      note=words.text("plots.supply_note", lang,
                                                      min_cell=formats.number(min_cell, lang=lang))))
    return fig
