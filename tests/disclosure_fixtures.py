"""Tiny published tables shared by the disclosure and recovery tests."""
from __future__ import annotations

import pandas as pd

__all__ = ["profile_table"]


def profile_table(values, n, *, n_total=None, wave=2018, suppressed=None) -> pd.DataFrame:
    """A companies size-class profile block (``stats.profile`` columns) with the given counts."""
    t = pd.DataFrame({"population": "companies", "wave": wave, "attribute": "size_class", "value": values,
                      "label": values, "n": n, "n_total": n_total if n_total is not None else sum(n)})
    t["pct"] = t["n"] / t["n_total"]
    if suppressed is not None:
        t["suppressed"] = suppressed
    return t
