"""What a reader sees: every table formatter, tables styled and escaped, captions, result sentences.

Computing modules (:mod:`etude.stats`, :mod:`etude.compare`, :mod:`etude.indicators`, :mod:`etude.matching`)
return numbers and codes; this package turns them into French (or English) text for notebooks, the report and
the slides. One import for notebooks: ``from etude import present``.

* :mod:`etude.present.show` — :func:`shown` (the only way a table is shown: escaped, captioned),
  :func:`is_simulated`, :func:`simulated_caption`, :func:`heading`, :func:`escape_text`;
* :mod:`etude.present.tables` — every ``format_*`` table formatter;
* :mod:`etude.present.skips` — what could not be computed for this study and why, in one sentence;
* :mod:`etude.present.findings` — the sentences that state a result, generated from the numbers in French and
  English (« ne se distingue pas » when the test does not separate).
"""
from __future__ import annotations

from etude.present import findings, limits, show, skips, tables
from etude.present.findings import *  # noqa: F403
from etude.present.limits import *  # noqa: F403
from etude.present.show import *  # noqa: F403
from etude.present.skips import *  # noqa: F403
from etude.present.tables import *  # noqa: F403

__all__ = [*show.__all__, *tables.__all__, *findings.__all__, *skips.__all__, *limits.__all__]
