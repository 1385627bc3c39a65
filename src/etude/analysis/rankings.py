"""Which items of a multi-select question the data tell apart: all-pairs exact paired tests and their letters.

The items of one question are cited by the same respondents, so two items are compared with a paired test: the
exact McNemar test, i.e. the two-sided binomial test (p = ½) on the discordant respondents, those who cite one item
and not the other (``scipy.stats.binomtest``, the same p-value as R's ``binom.test``). Within one block
(population, wave, group) **every** pair of items is tested and the k(k − 1)/2 p-values are Holm-adjusted together
(R's ``p.adjust(…, "holm")``): the family is stated, fixed before looking at the data, and no ordering by the data
decides what is tested. An omnibus Cochran's Q may gate the pairs (``gate="cochran"``: no pair is separated unless
Q rejects); it is off by default.

The decisions are summarised by a compact letter display (:func:`compact_letters`, the insert-and-absorb algorithm
of Piepho 2004, with its sweeping step): two items share a letter exactly when the test does not separate them.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"a": [True] * 20, "b": [True] * 2 + [False] * 18, "c": [True] + [False] * 19})
>>> pairs = paired_tests(t, ["a", "b", "c"])
>>> pairs[["item_a", "item_b", "n_ab", "n_ba", "separated"]].values.tolist()
[['a', 'b', 18, 0, True], ['a', 'c', 19, 0, True], ['b', 'c', 1, 0, False]]
>>> letters_of(pairs, ["a", "b", "c"])
{'a': 'a', 'b': 'b', 'c': 'b'}

References
----------
Piepho H.-P. (2004), An algorithm for a letter-based representation of all-pairwise comparisons, *Journal of
Computational and Graphical Statistics* 13(2):456–466.
"""
from __future__ import annotations

import string
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from etude.analysis.multitest import multipletests

__all__ = ["PAIR_COLUMNS", "GATES", "TEST", "PADJUST", "paired_tests", "compact_letters", "letters_of",
           "valid_letters", "exact_mcnemar"]

#: Columns of :func:`paired_tests` (``tables/freins_paires.csv`` adds ``population, wave, group`` in front).
PAIR_COLUMNS = ["item_a", "item_b", "n_ab", "n_ba", "p_value", "p_adj", "separated"]
#: Omnibus gates: none, or Cochran's Q (statsmodels ``cochrans_q``) at the same ``alpha``.
GATES = ("none", "cochran")
#: The paired test and the adjustment, as recorded in ``attrs``.
TEST, PADJUST = "mcnemar_exact", "holm"
_LETTERS = string.ascii_lowercase + string.ascii_uppercase


def exact_mcnemar(n_ab: int, n_ba: int) -> float:
    """Two-sided exact McNemar p-value: the binomial test of ``n_ab`` successes in ``n_ab + n_ba`` trials at ½
    (R: ``binom.test(n_ab, n_ab + n_ba)$p.value``); 1 with no discordant respondent.

    >>> round(exact_mcnemar(8, 1), 4), exact_mcnemar(0, 0)
    (0.0391, 1.0)
    """
    from scipy.stats import binomtest
    n = int(n_ab) + int(n_ba)
    return 1.0 if n == 0 else float(binomtest(int(n_ab), n, 0.5, alternative="two-sided").pvalue)


def _cochran_p(x: np.ndarray) -> float:
    """Cochran's Q p-value of the respondents × items matrix (1 when every item is cited by the same people)."""
    from statsmodels.stats.contingency_tables import cochrans_q
    varied = x.any(axis=1) & ~x.all(axis=1)  # rows all 0 or all 1 carry no information
    if x.shape[1] < 2 or not varied.any():
        return 1.0
    return float(cochrans_q(x[varied].astype(int)).pvalue)


def paired_tests(cited: pd.DataFrame, items: Sequence[str], *, alpha: float = 0.05, gate: str = "none"
                 ) -> pd.DataFrame:
    """Every pair of ``items`` compared by the exact McNemar test, Holm-adjusted over the k(k − 1)/2 pairs.

    Parameters
    ----------
    cited : DataFrame
        One column per item (True: cited; NA counts as not cited), one row per respondent who answered the
        question.
    items : sequence of str
        The items compared, in the order of the pairs (``item_a`` before ``item_b``), usually most cited first.
    alpha : float, default 0.05
        A pair is ``separated`` when its Holm-adjusted p-value is below ``alpha``.
    gate : {"none", "cochran"}, default "none"
        ``"cochran"``: no pair is separated unless Cochran's Q over the block rejects at ``alpha``.

    Returns
    -------
    DataFrame with :data:`PAIR_COLUMNS`: ``n_ab`` respondents cite ``item_a`` and not ``item_b``, ``n_ba`` the
    reverse, ``p_value`` the exact two-sided p-value, ``p_adj`` Holm's over the block. ``attrs`` records
    ``test``, ``padjust``, ``family_size``, ``alpha``, ``gate`` and (with a gate) ``omnibus_p``.
    """
    if gate not in GATES:
        raise ValueError(f"gate {gate!r}: expected one of {GATES}")
    items = list(items)
    x = cited[items].fillna(False).astype(bool).to_numpy() if items else np.zeros((len(cited), 0), bool)
    rows = []
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            n_ab, n_ba = int((x[:, i] & ~x[:, j]).sum()), int((~x[:, i] & x[:, j]).sum())
            rows.append({"item_a": items[i], "item_b": items[j], "n_ab": n_ab, "n_ba": n_ba,
                         "p_value": exact_mcnemar(n_ab, n_ba)})
    out = pd.DataFrame(rows, columns=PAIR_COLUMNS[:5])
    out["p_adj"] = multipletests(out["p_value"].to_numpy(), alpha=alpha, method=PADJUST)[1] if rows else []
    out["separated"] = (out["p_adj"] < alpha).astype(bool)
    out.attrs.update({"test": TEST, "padjust": PADJUST, "family_size": len(rows), "alpha": alpha, "gate": gate})
    if gate == "cochran":
        out.attrs["omnibus_p"] = _cochran_p(x)
        if not out.attrs["omnibus_p"] < alpha:
            out["separated"] = False
    return out


def _absorb(columns: list[set]) -> list[set]:
    """Drop every column contained in another (one copy of equal columns stays)."""
    kept: list[set] = []
    for k, col in enumerate(columns):
        inside = any(col < other or (col == other and m < k) for m, other in enumerate(columns) if m != k)
        if not inside:
            kept.append(col)
    return kept


def _sweep(columns: list[set], items: Sequence[str]) -> list[set]:
    """Piepho's sweeping step: remove an item from a column when every item it meets there it also meets in
    another column, and it keeps a letter; then drop empty and absorbed columns."""
    for col in columns:
        for x in [i for i in items if i in col]:
            others = [c for c in columns if c is not col and x in c]
            if others and all(any(y in c for c in others) for y in col - {x}):
                col.discard(x)
    return _absorb([c for c in columns if c])


def compact_letters(items: Sequence[str], separated: Iterable[tuple[str, str]]) -> dict[str, str]:
    """A compact letter display: two items share a letter exactly when the pair is not in ``separated``.

    Insert-and-absorb (Piepho 2004): start with one letter for all; for each separated pair, every letter
    held by both is split in two (one without each item), then letters contained in another are absorbed;
    a final sweep removes redundant letters. Letters are named a, b, c… in the order of ``items``: the first
    item (the most cited, when items come sorted) gets « a ».

    >>> compact_letters(["a", "b", "c", "d"], [("a", "c"), ("a", "d"), ("b", "d")])
    {'a': 'a', 'b': 'ab', 'c': 'bc', 'd': 'c'}
    >>> compact_letters(["x", "y"], [])
    {'x': 'a', 'y': 'a'}
    """
    items = list(items)
    columns: list[set] = [set(items)] if items else []
    for a, b in separated:
        split: list[set] = []
        for col in columns:
            split += [col - {a}, col - {b}] if a in col and b in col else [col]
        columns = _absorb(split)
    columns = _sweep(columns, items)
    rank = {x: k for k, x in enumerate(items)}
    columns.sort(key=lambda c: sorted(rank[x] for x in c))
    if len(columns) > len(_LETTERS):
        raise ValueError(f"{len(columns)} letters needed: more than {len(_LETTERS)}")
    return {x: "".join(_LETTERS[k] for k, c in enumerate(columns) if x in c) for x in items}


def letters_of(pairs: pd.DataFrame, items: Sequence[str]) -> dict[str, str]:
    """The compact letters of :func:`paired_tests`' decisions (``separated``), letters in the order of ``items``."""
    sep = pairs[pairs["separated"].astype(bool)]
    return compact_letters(items, zip(sep["item_a"], sep["item_b"]))


def valid_letters(letters: dict[str, str], separated: Iterable[tuple[str, str]]) -> bool:
    """Whether ``letters`` is a compact letter display of ``separated``: two items share a letter exactly when
    their pair is not separated, and every item has a letter.

    >>> valid_letters({"a": "a", "b": "b"}, [("a", "b")]), valid_letters({"a": "a", "b": "a"}, [("a", "b")])
    (True, False)
    """
    sep = {frozenset(p) for p in separated}
    keys = list(letters)
    if any(not letters[k] for k in keys):
        return False
    return all((not set(letters[a]) & set(letters[b])) == (frozenset((a, b)) in sep)
               for i, a in enumerate(keys) for b in keys[i + 1:])

