"""What a reader sees: every table formatter, tables styled and escaped, captions, result sentences.

Computing modules (:mod:`etude.analysis.stats`, :mod:`etude.analysis.compare`, :mod:`etude.analysis.indicators`,
:mod:`etude.analysis.matching`)
return numbers and codes; this package turns them into French (or English) text for notebooks, the report and
the slides. One import for notebooks: ``from etude.publish import present``.

* :mod:`etude.publish.present.show` — :func:`shown` (the only way a table is shown: escaped, captioned),
  :func:`is_simulated`, :func:`simulated_caption`, :func:`heading`, :func:`escape_text`;
* :mod:`etude.publish.present.tables` — every ``format_*`` table formatter;
* :mod:`etude.publish.present.skips` — what could not be computed for this study and why, in one sentence;
* the sentences that state a result, generated from the numbers in French and English (« ne se distingue pas » when
  the test does not separate), one module per analysis: :mod:`~etude.publish.present.barriers` (which barrier
  leads), :mod:`~etude.publish.present.comparisons` (buyers and companies, groups, the « effet miroir »),
  :mod:`~etude.publish.present.waves` (changes and trends between waves), :mod:`~etude.publish.present.profile`
  (who answered, group sizes), :mod:`~etude.publish.present.counts` (counts per wave, the published check),
  :mod:`~etude.publish.present.supply` (supply, demand and the meeting plan), :mod:`~etude.publish.present.series`
  (a line of indicators), :mod:`~etude.publish.present.rounding` (recomputed against published changes); the
  adjustment family they name is :mod:`~etude.publish.present.family`'s, their common pieces
  :mod:`~etude.publish.present.phrasing`'s;
* :mod:`etude.publish.present.labelled` — codebook labels on the comparison and wave tables, which hold codes;
* :mod:`etude.publish.present.wave_notes` — which waves a notebook shows (:func:`wave_note`);
* :mod:`etude.publish.present.confidentiality` — the small-group rule (:func:`suppression_rule`) and what
  ``etude audit`` finds (:func:`audit_lines`);
* :mod:`etude.publish.present.plan` — the remedies and the action plan: labels, titles, headings, tables shown;
* :mod:`etude.publish.present.matching` — the labels of the supply/demand table and of the meeting plan in figures.
"""
from __future__ import annotations

from etude.publish.present import (
    barriers,
    comparisons,
    confidentiality,
    counts,
    family,
    labelled,
    limits,
    matching,
    phrasing,
    plan,
    profile,
    rounding,
    series,
    show,
    skips,
    supply,
    tables,
    wave_notes,
    waves,
)
from etude.publish.present.barriers import *  # noqa: F403
from etude.publish.present.comparisons import *  # noqa: F403
from etude.publish.present.confidentiality import *  # noqa: F403
from etude.publish.present.counts import *  # noqa: F403
from etude.publish.present.family import *  # noqa: F403
from etude.publish.present.labelled import *  # noqa: F403
from etude.publish.present.limits import *  # noqa: F403
from etude.publish.present.matching import *  # noqa: F403
from etude.publish.present.plan import *  # noqa: F403
from etude.publish.present.profile import *  # noqa: F403
from etude.publish.present.rounding import *  # noqa: F403
from etude.publish.present.series import *  # noqa: F403
from etude.publish.present.show import *  # noqa: F403
from etude.publish.present.skips import *  # noqa: F403
from etude.publish.present.supply import *  # noqa: F403
from etude.publish.present.tables import *  # noqa: F403
from etude.publish.present.wave_notes import *  # noqa: F403
from etude.publish.present.waves import *  # noqa: F403

#: The sentences that state a result, one module per analysis (what ``present.findings`` held).
FINDINGS = (phrasing, family, barriers, comparisons, waves, rounding, counts, profile, supply, series)

__all__ = [*show.__all__, *tables.__all__, *(name for m in FINDINGS for name in m.__all__), *labelled.__all__,
           *skips.__all__, *limits.__all__, *wave_notes.__all__, *confidentiality.__all__, *plan.__all__,
           *matching.__all__]
