"""``etude.analysis.multitest``: statsmodels' adjustment, same numbers, and the heap left as it was."""
from __future__ import annotations

import gc

import numpy as np
import pytest
from statsmodels.stats import multitest as sm

from etude.analysis.multitest import multipletests


@pytest.mark.parametrize("method", ["holm", "fdr_bh", "bonferroni"])
def test_same_result_as_statsmodels(method):
    p = [0.001, 0.2, 0.04, 0.03, 0.5]
    ours, theirs = multipletests(p, alpha=0.05, method=method), sm.multipletests(p, alpha=0.05, method=method)
    assert ours[0].tolist() == theirs[0].tolist()
    assert np.allclose(ours[1], theirs[1], rtol=0, atol=0)


def test_holm_by_hand_and_nothing_left_frozen():
    # Holm: sorted 0.01, 0.03, 0.04 times 3, 2, 1 → 0.03, 0.06, 0.06 (running maximum)
    assert multipletests([0.01, 0.04, 0.03])[1].round(2).tolist() == [0.03, 0.06, 0.06]
    assert gc.get_freeze_count() == 0
