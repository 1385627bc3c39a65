"""What the study's charts share besides their data, title and width: one small frozen dataclass,
:class:`ChartOptions`, so that a chart function keeps few arguments and every chart reads its caption the same way.

Examples
--------
>>> caption_of(ChartOptions(wave=2017, source="GT"), lang="fr")
'Source : GT, vague 2017. Données simulées — ne pas citer.'
>>> caption_of(ChartOptions(source="GT survey", simulated=False), lang="en")
'Source: GT survey. Survey data.'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from etude.publish.plots.house import caption_text

__all__ = ["ChartOptions", "caption_of"]


@dataclass(frozen=True)
class ChartOptions:
    """The options a chart of :mod:`etude.publish.plots` takes besides its data, title, language and width.

    Attributes
    ----------
    source, wave : optional
        What the caption names (:func:`etude.publish.plots.house.caption_text`): the source, the wave(s).
    simulated : bool, optional
        Whether the caption says « Données simulées — ne pas citer »; ``None``: the chart's own default (the
        survey charts: simulated; the indicator panels: read from the data's ``simulated`` column).
    short : bool
        Short item labels from the codebook (``short_fr``, ``short_en``).
    question : {"barriers", "remedies"}
        Which question the items answer (the default title: « Freins cités » or « Leviers cités »).
    codebook : optional
        Another codebook than the study's (:mod:`etude.survey.codebook`).
    ncols : int, optional
        Panels per row of a chart of small multiples (its own default otherwise).
    """

    source: str | None = None
    wave: Any = None
    simulated: bool | None = None
    short: bool = True
    question: str = "barriers"
    codebook: Any = None
    ncols: int | None = None


def caption_of(options: ChartOptions, *, lang: str, note: str | None = None, simulated: bool | None = None) -> str:
    """The caption of a chart drawn with ``options`` (``simulated``: the chart's default when the options leave
    it to the chart; simulated unless told otherwise)."""
    said = options.simulated if options.simulated is not None else simulated
    return caption_text(source=options.source, wave=options.wave, simulated=True if said is None else bool(said),
                        lang=lang, note=note)
