"""Multiple-comparison adjustment: statsmodels' ``multipletests``, without the cost of its full collection.

statsmodels' Holm branch ends with ``gc.collect()`` (to free a large temporary array at once). In a notebook
kernel whose heap holds thousands of matplotlib objects that full collection takes a tenth of a second or more,
and the study adjusts dozens of small families (rank groups, themes, wave changes): seconds per notebook for
nothing. :func:`multipletests` runs statsmodels' function unchanged with the objects that already exist frozen
(``gc.freeze``), so the collection only looks at what the adjustment itself allocated.

Examples
--------
>>> reject, adjusted = multipletests([0.01, 0.04, 0.03], alpha=0.05, method="holm")[:2]
>>> reject.tolist(), adjusted.round(2).tolist()
([True, False, False], [0.03, 0.06, 0.06])
"""
from __future__ import annotations

import gc
from collections.abc import Sequence

__all__ = ["multipletests"]


def multipletests(pvalues: Sequence[float], *, alpha: float = 0.05, method: str = "holm"):
    """``statsmodels.stats.multitest.multipletests(pvalues, alpha=alpha, method=method)``, same result."""
    from statsmodels.stats import multitest

    frozen = gc.isenabled()
    if frozen:
        gc.freeze()
    try:
        return multitest.multipletests(pvalues, alpha=alpha, method=method)
    finally:
        if frozen:
            gc.unfreeze()
