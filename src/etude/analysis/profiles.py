"""Meeting plans for large studies, planned on respondent *profiles* instead of respondent pairs.

Two buyers with the same segment set, main segment, département and description words score the same with every
company (:func:`etude.analysis.matching.score_pairs`), and likewise for companies: they form a *profile*. A study
of 100,000 buyers and 100,000 companies has 10¹⁰ pairs but only as many profile pairs as distinct profiles allow
(a few hundred thousand in a survey with closed questions and short descriptions), so above a size threshold the
meeting plan is planned on profiles, in three steps — the *profile heuristic*:

1. *How many meetings between two profiles* — a network-flow linear programme (HiGHS, dual simplex, so its
   optimum is a vertex and integral: the matrix is a network matrix) over the relevant profile pairs ``e = (i, j)``:
   ``x_e`` meetings, ``u_i`` buyers of profile ``i`` given a first meeting (at most its ``n_i`` buyers),
   ``v_i`` further meetings (at most ``(slots - 1) n_i``), ``u_i + v_i = Σ_j x_ij``, a company profile ``j``
   holding at most ``cap · n_j`` meetings, ``x_ij ≤ n_i n_j``. First ``Σ u`` is maximised (buyers met), then,
   with each ``u_i`` held, the total score ``Σ s_e x_e``.
2. *Who meets whom* — inside each profile pair the meetings go round-robin to the profile's buyers (so the first
   ``u_i`` meetings of profile ``i`` reach ``u_i`` different buyers) and to its companies (a pointer per company
   profile, kept from one buyer profile to the next), skipping a company that is full or already met by that
   buyer; a meeting that finds no such company is dropped (the plan stays feasible, and the gap below says it).
3. *When* — as for every plan, by :func:`etude.analysis.matching.assign_slots`.

**Stated gap.** The same programmes without the held ``u`` give the best number of buyers met and the best total
score of *any* plan of the respondents (averaging a respondent-level plan over the members of each profile gives
a profile-level one of the same value, and spreading a profile-level one evenly gives a fractional
respondent-level one: the two relaxations have the same optimum, and it is integral). The plan's
``optimality_gap`` is measured against these two bounds, as for the greedy plan.

Everything here takes arrays and returns arrays; :func:`etude.analysis.matching.meeting_plan` builds and reads them.

Examples
--------
>>> import numpy as np
>>> s = np.array([[0.9, 0.4]])                        # one buyer profile, two company profiles
>>> x, info = profile_counts(s >= 0.3, s, np.array([2]), np.array([1, 1]), slots=1, cap=1)
>>> x.tolist(), info["bound_buyers_met"], round(info["bound_score_total"], 9)
([[1, 1]], 2.0, 1.3)
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import coo_array, csr_array
from scipy.sparse.csgraph import maximum_flow

__all__ = ["profile_counts", "spread_meetings", "part_matrices", "text_similarity", "shared_segment", "groups"]


def _network(rows_i: np.ndarray, cols_j: np.ndarray, n_b: np.ndarray, n_c: np.ndarray):
    """Equality rows (buyer profiles: u + v - Σx = 0) and inequality rows (company profiles: Σx ≤ cap n_j)."""
    pb, pc, ne = len(n_b), len(n_c), len(rows_i)
    e = np.arange(ne)
    a_eq = coo_array((np.r_[np.ones(2 * pb), -np.ones(ne)],
                      (np.r_[np.arange(pb), np.arange(pb), rows_i], np.r_[ne + np.arange(pb), ne + pb + np.arange(pb),
                                                                          e])),
                     shape=(pb, ne + 2 * pb)).tocsr()
    a_ub = coo_array((np.ones(ne), (cols_j, e)), shape=(pc, ne + 2 * pb)).tocsr()
    return a_eq, a_ub


def _solve(objective: np.ndarray, a_eq, a_ub, b_ub: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    res = linprog(-objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=np.zeros(a_eq.shape[0]), bounds=bounds,
                  method="highs-ds")
    if res.status != 0:
        raise RuntimeError(f"the meeting-plan profile programme has no solution: {res.message}")
    return res.x


def _covered(rows_i: np.ndarray, cols_j: np.ndarray, n_b: np.ndarray, n_c: np.ndarray, cap: int) -> np.ndarray:
    """Buyers of each profile given a first meeting in a plan meeting the most buyers: a maximum flow
    source → buyer profile ``i`` (``n_i``) → company profile ``j`` (relevant pairs) → sink (``cap · n_j``)."""
    pb, pc = len(n_b), len(n_c)
    sink = pb + pc + 1
    big = int(n_b.sum())
    graph = csr_array((np.r_[n_b, np.full(len(rows_i), big), cap * n_c].astype(np.int32),
                       (np.r_[np.zeros(pb, dtype=int), 1 + rows_i, 1 + pb + np.arange(pc)],
                        np.r_[1 + np.arange(pb), 1 + pb + cols_j, np.full(pc, sink)])), shape=(sink + 1, sink + 1))
    flow = maximum_flow(graph, 0, sink).flow
    return np.asarray(flow[[0], 1:pb + 1].toarray()).ravel().astype(float)


def profile_counts(relevant: np.ndarray, score: np.ndarray, n_b: np.ndarray, n_c: np.ndarray, *, slots: int,
                   cap: int) -> tuple[np.ndarray, dict]:
    """Meetings between each buyer profile and each company profile
    (step 1 of the module docstring; the buyers met come from a maximum flow).

    Parameters
    ----------
    relevant, score : array, shape (buyer profiles, company profiles)
        Which profile pairs may meet (score ≥ ``min_score``) and their score.
    n_b, n_c : array of int
        Respondents per buyer profile and per company profile.
    slots, cap : int
        Meetings a buyer and a company may have.

    Returns
    -------
    ``(x, info)``: the integer meeting counts, same shape as ``score``; ``info`` holds ``bound_buyers_met`` and
    ``bound_score_total`` (the best values of any respondent-level plan) and ``planned_buyers_met``.

    >>> s = np.array([[0.9, 0.8], [0.8, 0.1]])
    >>> x, info = profile_counts(s >= 0, s, np.array([1, 1]), np.array([1, 1]), slots=1, cap=1)
    >>> x.tolist(), round(info["bound_score_total"], 9)
    ([[0, 1], [1, 0]], 1.6)
    """
    rows_i, cols_j = np.nonzero(relevant)
    n_b, n_c = np.asarray(n_b, dtype=float), np.asarray(n_c, dtype=float)
    pb, ne = len(n_b), len(rows_i)
    a_eq, a_ub = _network(rows_i, cols_j, n_b, n_c)
    b_ub = cap * n_c
    bounds = np.c_[np.zeros(ne + 2 * pb), np.r_[n_b[rows_i] * n_c[cols_j], n_b, (slots - 1) * n_b]]
    value = np.r_[score[rows_i, cols_j], np.zeros(2 * pb)]
    first = np.r_[np.zeros(ne), _covered(rows_i, cols_j, n_b, n_c, cap), np.zeros(pb)]
    best_score = float(value @ _solve(value, a_eq, a_ub, b_ub, bounds))
    held = bounds.copy()
    held[ne:ne + pb] = np.c_[first[ne:ne + pb], first[ne:ne + pb]]          # each u_i held at its optimum
    chosen = np.rint(_solve(value, a_eq, a_ub, b_ub, held)).astype(np.int64)
    x = np.zeros(relevant.shape, dtype=np.int64)
    x[rows_i, cols_j] = chosen[:ne]
    return x, {"bound_buyers_met": float(first[ne:ne + pb].sum()), "bound_score_total": best_score,
               "planned_buyers_met": int(chosen[ne:ne + pb].sum())}


def spread_meetings(x: np.ndarray, score: np.ndarray, buyers: list[np.ndarray], companies: list[np.ndarray], *,
                    cap: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Who meets whom (step 2 of the module docstring): ``(buyer, company, profile pair)`` index arrays.

    ``buyers[i]`` / ``companies[j]`` are the respondent indices of each profile (in id order); within a buyer
    profile the company profiles are taken best score first. ``x`` comes from :func:`profile_counts`, so no
    buyer gets more than ``slots`` meetings (``Σ_j x_ij ≤ slots · n_i``, dealt round-robin) and no company more
    than ``cap`` (checked here).

    >>> b, c, e = spread_meetings(np.array([[2]]), np.array([[0.5]]), [np.array([0, 1])], [np.array([0, 1])],
    ...                           cap=1)
    >>> list(zip(b.tolist(), c.tolist()))
    [(0, 0), (1, 1)]
    """
    n_companies = sum(len(c) for c in companies)
    c_load = np.zeros(n_companies, dtype=np.int64)
    pointer = np.zeros(len(companies), dtype=np.int64)
    out_b, out_c, out_e = [], [], []
    for i, members in enumerate(buyers):
        met: set[tuple[int, int]] = set()
        turn = 0
        for j in sorted(np.flatnonzero(x[i]), key=lambda j: (-score[i, j], j)):
            pool = companies[j]
            for _ in range(int(x[i, j])):
                b = int(members[turn % len(members)])
                turn += 1
                c = _next_company(pool, pointer, j, c_load, cap, b, met)
                if c is None:
                    continue
                met.add((b, c))
                c_load[c] += 1
                out_b.append(b)
                out_c.append(c)
                out_e.append(i * x.shape[1] + j)
    return np.array(out_b, dtype=np.int64), np.array(out_c, dtype=np.int64), np.array(out_e, dtype=np.int64)


def _next_company(pool: np.ndarray, pointer: np.ndarray, j: int, c_load: np.ndarray, cap: int, b: int,
                  met: set) -> int | None:
    """The next company of profile ``j`` (round-robin) with room left that ``b`` has not met yet, or None."""
    for step in range(len(pool)):
        c = int(pool[(pointer[j] + step) % len(pool)])
        if c_load[c] < cap and (b, c) not in met:
            pointer[j] = (pointer[j] + step + 1) % len(pool)
            return c
    return None


def part_matrices(keys_b: list[tuple], keys_c: list[tuple], n_b: np.ndarray, n_c: np.ndarray,
                  n_segments: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Segment overlap (Jaccard), text similarity and same département of every profile pair, before weights.

    A profile key is ``(segment bit mask, main segment, département, description words)``.

    >>> k = [(1, "a", "59", ("sante",)), (3, "a", None, ())]
    >>> [m.round(3).tolist() for m in part_matrices(k, k[:1], np.array([1, 1]), np.array([1]), 2)]
    [[[1.0], [0.5]], [[1.0], [0.0]], [[1.0], [0.0]]]
    """
    mb, mc = np.array([k[0] for k in keys_b], dtype=np.int64), np.array([k[0] for k in keys_c], dtype=np.int64)
    count = np.array([bin(m).count("1") for m in range(1 << n_segments)])
    union = count[mb[:, None] | mc[None, :]]
    seg = np.divide(count[mb[:, None] & mc[None, :]], union, out=np.zeros(union.shape), where=union > 0)
    codes, _ = pd.factorize(pd.Series([k[2] for k in keys_b] + [k[2] for k in keys_c], dtype=object))
    cb, cc = codes[:len(keys_b), None], codes[None, len(keys_b):]
    text = text_similarity([k[3] for k in keys_b], [k[3] for k in keys_c], n_b, n_c)
    return seg, text, ((cb == cc) & (cb >= 0)).astype(float)


def text_similarity(docs_b: list[tuple], docs_c: list[tuple], n_b: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    """:func:`etude.analysis.matching.tfidf_similarity` between profiles (their description words), each
    description counted as often as its respondents in the IDF; sparse, so the vocabulary can be large.

    >>> text_similarity([("sante",), ()], [("sante", "donnee")], np.array([1, 1]), np.array([1])).round(3).tolist()
    [[0.605], [0.0]]
    """
    docs = list(docs_b) + list(docs_c)
    weight = np.r_[n_b, n_c].astype(float)
    vocab = {w: i for i, w in enumerate(sorted({w for d in docs for w in d}))}
    df = np.zeros(len(vocab))
    for d, n in zip(docs, weight):
        for w in set(d):
            df[vocab[w]] += n
    idf = np.log((1 + weight.sum()) / (1 + df)) + 1

    def matrix(part):
        rows, cols, vals = [], [], []
        for i, doc in enumerate(part):
            for w, n in Counter(doc).items():
                rows.append(i)
                cols.append(vocab[w])
                vals.append(n * idf[vocab[w]])
        m = csr_array((vals, (rows, cols)), shape=(len(part), len(vocab)))
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        return csr_array(m.multiply(1 / np.where(norms > 0, norms, 1)[:, None]))
    sim = (matrix(docs[:len(docs_b)]) @ matrix(docs[len(docs_b):]).T).toarray()
    return np.clip(sim, 0.0, 1.0)


def shared_segment(mb: np.ndarray, mc: np.ndarray, main_b: list, main_c: list, segments: Sequence[str]) -> np.ndarray:
    """The shared segment of each profile pair, as :func:`etude.analysis.matching.score_pairs` chooses it: the
    buyer's main segment if shared, else the company's, else the first shared one (bit ``k`` of a mask is
    ``segments[k]``); NA when none is shared.

    >>> shared_segment(np.array([3]), np.array([6, 4]), ["a"], ["b", None], ["a", "b", "c"]).tolist()
    [['b', <NA>]]
    """
    bit = lambda mains: np.array([0 if m not in segments else 1 << segments.index(m) for m in mains])  # noqa: E731
    common = mb[:, None] & mc[None, :]
    lowest = common & -common
    first = np.where(common & bit(main_b)[:, None], bit(main_b)[:, None],
                     np.where(common & bit(main_c)[None, :], bit(main_c)[None, :], lowest))
    names = np.array([pd.NA, *segments], dtype=object)
    return names[np.where(first > 0, np.log2(np.maximum(first, 1)).astype(int) + 1, 0)]


def groups(profile: str | Sequence[int], n: int) -> list[np.ndarray]:
    """Respondent indices (in id order) of each of the ``n`` profiles; ``profile`` is each respondent's profile
    index, or those indices comma-separated in one string (:func:`etude.analysis.matching.profile_scores`).

    >>> [g.tolist() for g in groups("1,0,1", 2)]
    [[1], [0, 2]]
    """
    codes = np.array(profile.split(",") if isinstance(profile, str) else profile, dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    return np.split(order, np.cumsum(np.bincount(codes, minlength=n))[:-1])
