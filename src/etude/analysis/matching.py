"""Bringing buyers' needs and innovative companies' offers together: pair scores, a meeting plan, supply vs demand.

The working group wanted "a selection method to bring supply and demand together for events". This module scores
every buyer–company pair with a transparent sum of three parts, plans the meetings of an event and tabulates, per
purchase segment, how many buyers declare a need and how many companies declare an offer.

**Pair score** (:func:`score_pairs`) — each part is a similarity between 0 and 1, multiplied by its weight; the
weights are divided by their sum, so ``score = score_segment + score_text + score_proximity`` lies between 0 and 1
and each column is that part's contribution (the raw similarity is the part divided by its normalised weight):

1. *segment overlap* — Jaccard index of the two segment sets (needs of the buyer, offers of the company):
   shared segments / segments in either set. A respondent's set is the items ticked in the multi-select
   ``segments`` question; one who ticked none (NA, contract §1) falls back on its main ``segment`` attribute;
   one with neither has an empty set and overlaps nothing.
2. *text similarity* — cosine similarity of the TF-IDF vectors of the need and offer descriptions
   (:func:`tfidf_similarity`): accents and case folded with :func:`etude.survey.codebook.normalise`, French stop words
   removed, a final plural ``s``/``x`` dropped, smoothed IDF over every description of both tables. An empty
   description scores 0 with everybody.
3. *proximity* — 1 when buyer and company are in the same département, else 0 (0 when either is unknown).

**Meeting plan** (:func:`meeting_plan`) — exact up to ``exact_max_pairs`` candidate pairs (default 20,000; the
solver's time grows fast beyond: about 1 s at 8,000 pairs, 50 s at 125,000), in two steps:

1. *Which pairs meet* — a mixed-integer programme (``scipy.optimize.milp``, HiGHS) over the pairs scoring at least
   ``min_score``: each pair at most once, a buyer in at most ``slots`` meetings, a company in at most
   ``min(slots, max_per_company)``. Objectives in lexicographic order, each solved with the previous optimum held:
   (a) the number of buyers with at least one meeting (every buyer gets a relevant meeting where possible),
   (b) the total score of the meetings, (c) ties broken by ids: among plans equal on (a) and (b) (total scores
   equal to the solver's precision, about 1e-7), the one whose pairs come earliest in (buyer_id, company_id)
   order (largest sum of ``n_pairs - rank``).
2. *When* — the chosen meetings form a bipartite graph of maximum degree at most ``slots``; by Kőnig's
   edge-colouring theorem they fit in ``slots`` time slots with nobody in two meetings at once. The slots are
   given by the constructive alternating-path algorithm (:func:`assign_slots`), best-scoring meetings first.

Above ``exact_max_pairs`` candidate pairs, step 1 is *greedy* (:func:`greedy_select`): buyers with the fewest
relevant pairs first each get their best pair with room left (coverage), then the remaining pairs by decreasing
score fill the free places. Its optimality gap is measured against the linear-programming relaxation bounds of
objectives (a) and (b) (:func:`plan_bounds`; the constraint matrix is a bipartite incidence matrix, so each bound
is the true optimum of that objective alone) and returned in the plan's ``attrs`` (see :func:`meeting_plan`).

**Large studies** — above :data:`PAIR_ROWS_MAX` pairs (200,000), the pairs are never listed: :func:`score_pairs`
scores *profiles* (:func:`profile_scores`) and the plan is the profile heuristic of :mod:`etude.analysis.profiles`,
its gap measured against exact bounds as for the greedy plan; both grow with the respondents and the profiles.

Inputs are sorted by ids before anything is solved: the same respondents give the same plan whatever the row order.

Examples
--------
>>> import pandas as pd
>>> buyers = pd.DataFrame({"respondent_id": ["A-1"], "segment": ["sante"], "departement": ["59"],
...                        "description": ["Télésurveillance des patients"]})
>>> companies = pd.DataFrame({"respondent_id": ["E-1", "E-2"], "segment": ["sante", "immobilier"],
...                           "departement": ["59", "80"],
...                           "description": ["Telesurveillance de patients a domicile", "Béton recyclé"]})
>>> s = score_pairs(buyers, companies, w_segment=0.5, w_text=0.3, w_proximity=0.2)
>>> s["company_id"].tolist(), s["score_segment"].tolist(), s["score_proximity"].tolist()
(['E-1', 'E-2'], [0.5, 0.0], [0.2, 0.0])
>>> s.loc[0, "segment"], bool(s.loc[0, "score_text"] > 0), s.loc[1, "score_text"]
('sante', True, np.float64(0.0))
>>> meeting_plan(s, slots=2, max_per_company=1, min_score=0.3)[["buyer_id", "company_id", "slot"]].values.tolist()
[['A-1', 'E-1', 1]]
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_array, csr_array
from scipy.sparse.csgraph import maximum_flow

from etude.analysis import profiles
from etude.analysis.text_similarity import STOP_WORDS, tfidf_similarity, tokens
from etude.errors import ParameterError
from etude.safety.disclosure import publishable
from etude.survey.context import DEFAULT, Context
from etude.survey.wavesel import select_wave

__all__ = [
    "SEGMENTS", "SCORE_COLUMNS", "PLAN_COLUMNS", "SUPPLY_COLUMNS", "STOP_WORDS",
    "segment_sets", "tokens", "tfidf_similarity", "score_pairs", "meeting_plan", "assign_slots",
    "greedy_select", "plan_bounds", "EXACT_MAX_PAIRS", "PAIR_ROWS_MAX", "PROFILE_COLUMNS", "profile_scores",
    "plan_summary", "supply_demand", "select_wave", "meeting_wave", "score_parts", "SUPPLY_CODES",
]

#: Above this many candidate pairs, :func:`meeting_plan` plans greedily and reports its optimality gap.
EXACT_MAX_PAIRS = 20_000
#: Above this many buyer–company pairs, :func:`score_pairs` scores respondent profiles, not pairs
#: (:mod:`etude.analysis.profiles`); :func:`meeting_plan` then plans on profiles.
PAIR_ROWS_MAX = 200_000
#: Columns of :func:`score_pairs` above :data:`PAIR_ROWS_MAX` pairs: one row per pair of profiles.
PROFILE_COLUMNS = ["buyer_profile", "company_profile", "n_buyers", "n_companies", "n_pairs", "segment", "score",
                   "score_segment", "score_text", "score_proximity"]

#: Segment codes (the ``segment`` attribute); the multi-select item of segment ``x`` is ``seg_x``.
SEGMENTS = ("sante", "intellectuelles", "numerique", "immobilier")
#: Columns of :func:`score_pairs`.
SCORE_COLUMNS = ["buyer_id", "company_id", "segment", "score", "score_segment", "score_text", "score_proximity"]
#: Columns of :func:`meeting_plan` (``tables/rencontres.csv``).
PLAN_COLUMNS = SCORE_COLUMNS + ["slot"]
#: Columns of ``tables/offre_demande_segments.csv``: :data:`SUPPLY_CODES` with the labels the publishing side
#: attaches (:func:`etude.publish.present.supply_with_labels`).
SUPPLY_COLUMNS = ["segment", "label", "buyers_base", "n_buyers", "companies_base", "n_companies",
                  "companies_suppressed", "ratio", "flag", "flag_label", "buyers_suppressed"]
#: Columns of :func:`supply_demand`: codes and numbers.
SUPPLY_CODES = [c for c in SUPPLY_COLUMNS if c not in ("label", "flag_label")]
def meeting_wave(tables: dict[str, pd.DataFrame], wave: int | None = 0) -> int | None:
    """The wave whose buyers and companies are brought together: ``wave`` if both populations have it, else
    (and for 0 or None) their latest common wave; None when a population has no respondent or none is shared.

    >>> t = {"buyers": pd.DataFrame({"wave": [2017, 2019]}), "companies": pd.DataFrame({"wave": [2017, 2019]})}
    >>> meeting_wave(t), meeting_wave(t, 2017), meeting_wave(t, 2018)
    (2019, 2017, 2019)
    >>> meeting_wave({"buyers": t["buyers"], "companies": pd.DataFrame({"wave": []})}) is None
    True
    """
    sets = [{int(w) for w in tables[k]["wave"].dropna()} if k in tables and "wave" in tables[k] else set()
            for k in ("buyers", "companies")]
    shared = sorted(sets[0] & sets[1])
    if not shared:
        return None
    return int(wave) if wave and int(wave) in shared else shared[-1]


def score_parts(buyers: pd.DataFrame, companies: pd.DataFrame) -> dict[str, bool]:
    """Which parts of the pair score the two tables can compute: ``segment`` (a segment set on both sides),
    ``text`` (a non-empty description on both sides), ``proximity`` (a département on both sides).

    A part that cannot be computed scores 0 for every pair; :func:`etude.publish.present.score_parts_text` says so.

    >>> score_parts(pd.DataFrame({"segment": ["sante"]}), pd.DataFrame({"segment": ["sante"]}))
    {'segment': True, 'text': False, 'proximity': False}
    """
    def has(df, col):
        return col in df.columns and bool(df[col].astype("string").str.strip().fillna("").ne("").any())
    return {"segment": bool(segment_sets(buyers).map(bool).any() and segment_sets(companies).map(bool).any()),
            "text": has(buyers, "description") and has(companies, "description"),
            "proximity": has(buyers, "departement") and has(companies, "departement")}


# --------------------------------------------------------------------------------------------------- segments
def segment_sets(df: pd.DataFrame) -> pd.Series:
    """Each respondent's set of segment codes, indexed like ``df``.

    Ticked ``seg_*`` items; a respondent with no ticked item (NA) falls back on its main ``segment``; else empty.

    >>> df = pd.DataFrame({"seg_sante": [True, pd.NA, pd.NA], "seg_numerique": [True, pd.NA, pd.NA],
    ...                    "segment": ["sante", "numerique", pd.NA]})
    >>> [sorted(s) for s in segment_sets(df)]
    [['numerique', 'sante'], ['numerique'], []]
    """
    return pd.Series([_SETS[m] for m in _segment_masks(df)], index=df.index, dtype=object)


#: The segment set of each bit mask (bit ``k`` is ``SEGMENTS[k]``).
_SETS = [frozenset(s for k, s in enumerate(SEGMENTS) if m >> k & 1) for m in range(1 << len(SEGMENTS))]


def _segment_masks(df: pd.DataFrame) -> np.ndarray:
    """Each respondent's segment set as a bit mask (see :func:`segment_sets`), computed column by column."""
    mask = np.zeros(len(df), dtype=np.int64)
    for k, seg in enumerate(SEGMENTS):
        if f"seg_{seg}" in df.columns:
            ticked = df[f"seg_{seg}"].astype(object).map(lambda v: not pd.isna(v) and bool(v))
            mask |= ticked.to_numpy(dtype=bool).astype(np.int64) << k
    main = _column(df, "segment", pd.NA)
    bit = np.array([0 if pd.isna(v) or str(v) not in SEGMENTS else 1 << SEGMENTS.index(str(v)) for v in main],
                   dtype=np.int64)
    return np.where(mask == 0, bit, mask)


# ----------------------------------------------------------------------------------------------------- scores
def _weights(w_segment: float, w_text: float, w_proximity: float) -> tuple[float, float, float]:
    ws = {"w_segment": w_segment, "w_text": w_text, "w_proximity": w_proximity}
    for name, w in ws.items():
        if not isinstance(w, (int, float)) or isinstance(w, bool) or math.isnan(w) or w < 0:
            raise ParameterError(f"le poids « {name} » doit être un nombre positif ou nul, pas « {w} »")
    total = sum(ws.values())
    if total <= 0:
        raise ParameterError("au moins un des poids w_segment, w_text, w_proximity doit être strictement positif")
    return w_segment / total, w_text / total, w_proximity / total


def _shared_segment(b: frozenset, c: frozenset, b_main: Any, c_main: Any) -> Any:
    common = b & c
    if not common:
        return pd.NA
    for main in (b_main, c_main):
        if not pd.isna(main) and str(main) in common:
            return str(main)
    return next(s for s in SEGMENTS if s in common)


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    if "respondent_id" not in df.columns:
        raise ParameterError("colonne « respondent_id » absente de la table des répondants")
    if df["respondent_id"].duplicated().any():
        dup = df.loc[df["respondent_id"].duplicated(), "respondent_id"].iloc[0]
        raise ParameterError(f"identifiant « {dup} » présent plusieurs fois : choisissez une seule vague")
    return df.assign(respondent_id=df["respondent_id"].astype(str)).sort_values("respondent_id",
                                                                                 kind="stable").reset_index(drop=True)


def _column(df: pd.DataFrame, name: str, missing: Any) -> list:
    """``df[name]`` as a list of objects, or ``missing`` for every row when the export had no such column."""
    return df[name].astype(object).tolist() if name in df.columns else [missing] * len(df)


def score_pairs(buyers: pd.DataFrame, companies: pd.DataFrame, *, w_segment: float = 0.5, w_text: float = 0.3,
                w_proximity: float = 0.2, max_pairs: int = PAIR_ROWS_MAX) -> pd.DataFrame:
    """Score every buyer–company pair; the score is the sum of its three weighted parts.

    Parameters
    ----------
    buyers, companies : DataFrame
        Respondent tables (contract §1) of one wave: ``respondent_id`` and, when present, ``seg_*`` items,
        ``segment``, ``departement``, ``description``.
    w_segment, w_text, w_proximity : float, default 0.5, 0.3, 0.2
        Weights (≥ 0, not all 0) of segment overlap, text similarity and same département; divided by their sum.
    max_pairs : int, default :data:`PAIR_ROWS_MAX` (200,000)
        The size switch: above this many pairs, the result is :func:`profile_scores`' (one row per pair of
        profiles, the same scores), which :func:`meeting_plan` and :func:`plan_summary` read as well.

    Returns
    -------
    DataFrame with :data:`SCORE_COLUMNS`, one row per pair, sorted by ``buyer_id, company_id``. ``segment`` is
    the shared segment the meeting is about (the buyer's main segment if shared, else the company's, else the
    first shared in codebook order; NA when none is shared). ``score`` = sum of the three ``score_*`` parts.

    >>> b = pd.DataFrame({"respondent_id": ["A-1"], "seg_sante": [True], "seg_numerique": [True]})
    >>> c = pd.DataFrame({"respondent_id": ["E-1"], "seg_sante": [True], "seg_numerique": [False]})
    >>> score_pairs(b, c, w_segment=1, w_text=0, w_proximity=0)["score"].tolist()
    [0.5]
    """
    ws, wt, wp = _weights(w_segment, w_text, w_proximity)
    b, c = _sorted(buyers), _sorted(companies)
    if len(b) * len(c) > max_pairs:
        return _profile_scores(b, c, ws, wt, wp)
    if b.empty or c.empty:
        return pd.DataFrame({k: pd.Series(dtype="float64" if k.startswith("score") else "object")
                             for k in SCORE_COLUMNS})
    bs, cs = segment_sets(b), segment_sets(c)
    seg = np.array([[len(x & y) / len(x | y) if (x | y) else 0.0 for y in cs] for x in bs])
    text = tfidf_similarity(_column(b, "description", None), _column(c, "description", None))
    bd, cd = _column(b, "departement", pd.NA), _column(c, "departement", pd.NA)
    prox = np.array([[1.0 if not pd.isna(x) and not pd.isna(y) and str(x) == str(y) else 0.0 for y in cd]
                     for x in bd])
    bmain = b["segment"].astype(object).tolist() if "segment" in b.columns else [pd.NA] * len(b)
    cmain = c["segment"].astype(object).tolist() if "segment" in c.columns else [pd.NA] * len(c)
    nb, nc = len(b), len(c)
    out = pd.DataFrame({
        "buyer_id": np.repeat(b["respondent_id"].to_numpy(dtype=object), nc),
        "company_id": np.tile(c["respondent_id"].to_numpy(dtype=object), nb),
        "segment": [_shared_segment(bs.iat[i], cs.iat[j], bmain[i], cmain[j]) for i in range(nb) for j in range(nc)],
        "score_segment": (ws * seg).ravel(),
        "score_text": (wt * text).ravel(),
        "score_proximity": (wp * prox).ravel(),
    })
    for col in ("score_segment", "score_text", "score_proximity"):
        out[col] = out[col].round(12)
    out["score"] = (out["score_segment"] + out["score_text"] + out["score_proximity"]).round(12)
    out["segment"] = out["segment"].astype("str")
    return out[SCORE_COLUMNS]


# ------------------------------------------------------------------------------------------------ profiles
def _profiles(df: pd.DataFrame) -> tuple[np.ndarray, list[tuple]]:
    """Profile index of each respondent (first appearance order) and each profile's key: segment mask, main
    segment, département, description words — all a pair score depends on."""
    masks = _segment_masks(df)
    main = [None if pd.isna(v) else str(v) for v in _column(df, "segment", pd.NA)]
    dep = [None if pd.isna(v) else str(v) for v in _column(df, "departement", pd.NA)]
    words: dict[Any, tuple] = {}
    texts = [words[t] if t in words else words.setdefault(t, tuple(tokens(t)))
             for t in _column(df, "description", None)]
    index: dict[tuple, int] = {}
    codes = np.array([index.setdefault(k, len(index)) for k in zip(masks.tolist(), main, dep, texts)],
                     dtype=np.int64)
    return codes, list(index)


def profile_scores(buyers: pd.DataFrame, companies: pd.DataFrame, *, w_segment: float = 0.5, w_text: float = 0.3,
                   w_proximity: float = 0.2) -> pd.DataFrame:
    """:func:`score_pairs` on profiles: one row per pair of a buyer profile and a company profile.

    A profile is a segment set, a main segment, a département and the words of a description: respondents with
    the same profile score the same with everybody (:mod:`etude.analysis.profiles`). Columns
    :data:`PROFILE_COLUMNS`: the two profile indices, their numbers of respondents and of pairs (``n_pairs``,
    the weight of the row), the shared segment and the scores. ``attrs`` holds ``buyer_ids``, ``company_ids``
    (sorted; one string, one id a line) and ``buyer_profile``, ``company_profile`` (each respondent's profile
    index; one string, comma-separated).

    >>> b = pd.DataFrame({"respondent_id": ["A-1", "A-2"], "segment": ["sante", "sante"]})
    >>> c = pd.DataFrame({"respondent_id": ["E-1"], "segment": ["sante"]})
    >>> profile_scores(b, c)[["n_pairs", "segment", "score"]].values.tolist()
    [[2, 'sante', 0.5]]
    """
    ws, wt, wp = _weights(w_segment, w_text, w_proximity)
    return _profile_scores(_sorted(buyers), _sorted(companies), ws, wt, wp)


def _profile_scores(b: pd.DataFrame, c: pd.DataFrame, ws: float, wt: float, wp: float) -> pd.DataFrame:
    (kb, keys_b), (kc, keys_c) = _profiles(b), _profiles(c)
    n_b, n_c = np.bincount(kb, minlength=len(keys_b)), np.bincount(kc, minlength=len(keys_c))
    seg, text, prox = profiles.part_matrices(keys_b, keys_c, n_b, n_c, len(SEGMENTS))
    parts = {"score_segment": (ws * seg).ravel().round(12), "score_text": (wt * text).ravel().round(12),
             "score_proximity": (wp * prox).ravel().round(12)}
    mb, mc = np.array([k[0] for k in keys_b], dtype=np.int64), np.array([k[0] for k in keys_c], dtype=np.int64)
    pb, pc = len(keys_b), len(keys_c)
    out = pd.DataFrame({"buyer_profile": np.repeat(np.arange(pb), pc), "company_profile": np.tile(np.arange(pc), pb),
                        "n_buyers": np.repeat(n_b, pc), "n_companies": np.tile(n_c, pb),
                        "segment": profiles.shared_segment(mb, mc, [k[1] for k in keys_b], [k[1] for k in keys_c],
                                                          SEGMENTS).ravel(),
                        **parts})
    out["segment"] = out["segment"].astype("str")
    out["n_pairs"] = out["n_buyers"] * out["n_companies"]
    out["score"] = (out["score_segment"] + out["score_text"] + out["score_proximity"]).round(12)
    # strings: pandas deep-copies ``attrs`` at every operation (a string in no time) and writes them as JSON
    out.attrs.update({"buyer_ids": "\n".join(b["respondent_id"]), "company_ids": "\n".join(c["respondent_id"]),
                      "buyer_profile": ",".join(map(str, kb.tolist())),
                      "company_profile": ",".join(map(str, kc.tolist()))})
    return out[PROFILE_COLUMNS]


# ------------------------------------------------------------------------------------------------------- plan
def _solve(c: np.ndarray, A, lb, ub, integrality, bounds) -> np.ndarray:
    res = milp(c=-c, constraints=[LinearConstraint(A, lb, ub)], integrality=integrality, bounds=bounds,
               options={"mip_rel_gap": 0.0, "presolve": True})
    if res.x is None:
        raise RuntimeError(f"the meeting-plan programme has no solution: {res.message}")
    return np.round(res.x).astype(int)


def _select(cand: pd.DataFrame, slots: int, cap: int) -> np.ndarray:
    """0/1 choice of the candidate pairs (sorted by ids): lexicographic coverage, score, id order."""
    n = len(cand)
    buyers = sorted(cand["buyer_id"].unique())
    comps = sorted(cand["company_id"].unique())
    bi = cand["buyer_id"].map({v: i for i, v in enumerate(buyers)}).to_numpy()
    ci = cand["company_id"].map({v: i for i, v in enumerate(comps)}).to_numpy()
    nb, nc = len(buyers), len(comps)
    nv = n + nb  # x_p, then y_b (buyer b has a meeting)
    rows, cols, vals, lb, ub = [], [], [], [], []
    r = 0
    for b in range(nb):  # sum_c x_bc <= slots  and  y_b - sum_c x_bc <= 0
        idx = np.flatnonzero(bi == b)
        rows += [r] * len(idx)
        cols += idx.tolist()
        vals += [1.0] * len(idx)
        lb.append(-np.inf)
        ub.append(slots)
        r += 1
        rows += [r] * (len(idx) + 1)
        cols += idx.tolist() + [n + b]
        vals += [-1.0] * len(idx) + [1.0]
        lb.append(-np.inf)
        ub.append(0.0)
        r += 1
    for k in range(nc):  # sum_b x_bc <= cap
        idx = np.flatnonzero(ci == k)
        rows += [r] * len(idx)
        cols += idx.tolist()
        vals += [1.0] * len(idx)
        lb.append(-np.inf)
        ub.append(cap)
        r += 1
    integrality = np.ones(nv)
    bounds = Bounds(np.zeros(nv), np.ones(nv))
    objectives = [np.r_[np.zeros(n), np.ones(nb)],                          # (a) buyers with a meeting
                  np.r_[cand["score"].to_numpy(dtype=float), np.zeros(nb)],  # (b) total score
                  np.r_[np.arange(n, 0, -1, dtype=float), np.zeros(nb)]]     # (c) earliest pairs in id order
    tolerances = [0.5, 1e-9, None]
    x = None
    for obj, tol in zip(objectives, tolerances):
        A = coo_array((vals, (rows, cols)), shape=(r, nv)).tocsr()
        x = _solve(obj, A, np.array(lb), np.array(ub), integrality, bounds)
        if tol is not None:  # hold this optimum while optimising the next objective
            best = float(obj @ x)
            nz = np.flatnonzero(obj)
            rows += [r] * len(nz)
            cols += nz.tolist()
            vals += obj[nz].tolist()
            lb.append(best - tol)
            ub.append(np.inf)
            r += 1
    return x[:n].astype(bool)


def _indices(cand: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Buyer and company index (0-based, in id order) of each candidate pair, and the numbers of each."""
    bi, buyers = pd.factorize(cand["buyer_id"], sort=True)
    ci, comps = pd.factorize(cand["company_id"], sort=True)
    return np.asarray(bi), np.asarray(ci), len(buyers), len(comps)


def _greedy_fill(first_pass: list[int], by_score: np.ndarray, bi: np.ndarray, ci: np.ndarray, nb: int, nc: int,
                 slots: int, cap: int) -> np.ndarray:
    """Take the pairs of ``first_pass`` that give an uncovered buyer its first meeting, then fill by score."""
    chosen = np.zeros(len(bi), dtype=bool)
    b_load, c_load = np.zeros(nb, dtype=int), np.zeros(nc, dtype=int)
    for coverage, order in ((True, first_pass), (False, by_score)):
        for p in order:
            b, c = bi[p], ci[p]
            if chosen[p] or c_load[c] >= cap or b_load[b] >= (1 if coverage else slots):
                continue
            chosen[p] = True
            b_load[b] += 1
            c_load[c] += 1
    return chosen


def greedy_select(cand: pd.DataFrame, slots: int, cap: int) -> np.ndarray:
    """0/1 choice of the candidate pairs, greedily: coverage first, then score. Always feasible, deterministic.

    Two plans are built and the better one kept (more buyers met, then higher total score, then the first):

    1. *coverage pass* — either (i) buyers in order of fewest candidate pairs (then id) each take their
       best-scoring pair (then earliest company id) whose company has fewer than ``cap`` meetings, or (ii) the
       pairs by decreasing score (then ids) each give a buyer without meeting its first one when the company
       has room;
    2. *fill* — the other pairs, by decreasing score (then ids), are added while the buyer has fewer than
       ``slots`` meetings and the company fewer than ``cap``.

    >>> c = pd.DataFrame({"buyer_id": ["A", "A", "B", "B"], "company_id": ["X", "Y", "X", "Y"],
    ...                   "score": [0.9, 0.8, 0.8, 0.1]})
    >>> greedy_select(c, slots=1, cap=1).tolist()  # A takes X first; the optimum is A–Y, B–X
    [True, False, False, True]
    """
    bi, ci, nb, nc = _indices(cand)
    score = cand["score"].to_numpy(dtype=float)
    by_score = np.lexsort((ci, bi, -score))                 # decreasing score, then buyer, then company id
    best_first = np.lexsort((ci, -score, bi))               # by buyer, its pairs best first
    n_pairs = np.bincount(bi, minlength=nb)
    fewest = best_first[np.argsort(n_pairs[bi[best_first]], kind="stable")]   # buyers with fewest pairs first
    best, best_value = None, None
    for first_pass in (fewest, by_score):
        chosen = _greedy_fill(first_pass, by_score, bi, ci, nb, nc, slots, cap)
        value = (len(np.unique(bi[chosen])), round(float(score[chosen].sum()), 9))
        if best_value is None or value > best_value:
            best, best_value = chosen, value
    return best


def plan_bounds(cand: pd.DataFrame, slots: int, cap: int) -> tuple[float, float]:
    """Upper bounds of any plan's buyers met and total score: the LP relaxations of objectives (a) and (b).

    The constraints (pairs at most once, ``slots`` per buyer, ``cap`` per company) form a bipartite incidence
    matrix (totally unimodular), so each relaxation's optimum is that objective's own optimum. The score bound is
    solved by HiGHS (``scipy.optimize.linprog``); the coverage bound, which is a maximum flow (source → buyer,
    capacity 1 → company, one arc per pair → sink, capacity ``cap``), by ``scipy.sparse.csgraph.maximum_flow``.

    >>> c = pd.DataFrame({"buyer_id": ["A", "A", "B", "B"], "company_id": ["X", "Y", "X", "Y"],
    ...                   "score": [0.9, 0.8, 0.8, 0.1]})
    >>> tuple(round(v, 9) for v in plan_bounds(c, slots=1, cap=1))
    (2.0, 1.6)
    """
    bi, ci, nb, nc = _indices(cand)
    n = len(cand)
    pairs = np.arange(n)
    rows = np.r_[bi, nb + ci]
    load = coo_array((np.ones(2 * n), (rows, np.r_[pairs, pairs])), shape=(nb + nc, n)).tocsr()
    limits = np.r_[np.full(nb, slots, dtype=float), np.full(nc, cap, dtype=float)]
    score = cand["score"].to_numpy(dtype=float)
    res = linprog(-score, A_ub=load, b_ub=limits, bounds=(0, 1), method="highs")
    if res.status != 0:
        raise RuntimeError(f"the meeting-plan score bound has no solution: {res.message}")
    # coverage: a maximum flow source -> buyer (1) -> company (1 per pair) -> sink (cap)
    sink = nb + nc + 1
    graph = csr_array((np.r_[np.ones(nb), np.ones(n), np.full(nc, cap)].astype(np.int32),
                       (np.r_[np.zeros(nb, dtype=int), 1 + bi, 1 + nb + np.arange(nc)],
                        np.r_[1 + np.arange(nb), 1 + nb + ci, np.full(nc, sink)])), shape=(sink + 1, sink + 1))
    return float(maximum_flow(graph, 0, sink).flow_value), float(-res.fun)


def _gap(value: float, bound: float) -> float:
    """Relative gap ``(bound - value) / bound``, 0 when the bound is 0; float noise below 1e-9 is 0."""
    if bound <= 0:
        return 0.0
    gap = (bound - value) / bound
    return 0.0 if gap < 1e-9 else float(gap)


def assign_slots(pairs: pd.DataFrame, slots: int) -> list[int]:
    """Slot (1…``slots``) of each meeting so that nobody has two meetings in one slot.

    ``pairs`` has ``buyer_id`` and ``company_id`` (no duplicate pair) and nobody in more than ``slots`` meetings.
    Kőnig's constructive edge colouring: meetings are taken in row order; a meeting gets the first slot free for
    both participants; if there is none, with ``a`` the buyer's first free slot and ``b`` the company's, the
    company's chain of meetings alternately in slots ``a`` and ``b`` swaps them, which frees ``a`` for both.

    >>> p = pd.DataFrame({"buyer_id": ["A", "A", "B", "B"], "company_id": ["X", "Y", "X", "Y"]})
    >>> assign_slots(p, 2)
    [1, 2, 2, 1]
    """
    at: dict[tuple[str, Any], dict[int, tuple]] = {}  # (side, id) -> {slot: other node}
    colour: dict[tuple, int] = {}

    def free(node):
        used = at.setdefault(node, {})
        return next(s for s in range(1, slots + 1) if s not in used)

    for b_id, c_id in zip(pairs["buyer_id"], pairs["company_id"]):
        u, v = ("b", b_id), ("c", c_id)
        at.setdefault(u, {})
        at.setdefault(v, {})
        if len(at[u]) >= slots or len(at[v]) >= slots:
            raise ValueError(f"{b_id} or {c_id} has more than {slots} meetings")
        both = [s for s in range(1, slots + 1) if s not in at[u] and s not in at[v]]
        if both:
            s = both[0]
        else:
            a, bb = free(u), free(v)
            path, node, cur = [], v, a  # alternating a/b path from v
            while cur in at[node]:
                nxt = at[node][cur]
                path.append((node, nxt, cur))
                node, cur = nxt, (bb if cur == a else a)
            for x, y, s_old in path:
                del at[x][s_old]
                del at[y][s_old]
            for x, y, s_old in path:
                s_new = bb if s_old == a else a
                at[x][s_new] = y
                at[y][s_new] = x
                key = (x, y) if x[0] == "b" else (y, x)
                colour[key] = s_new
            s = a
        at[u][s] = v
        at[v][s] = u
        colour[(u, v)] = s
    return [colour[(("b", b), ("c", c))] for b, c in zip(pairs["buyer_id"], pairs["company_id"])]


def _check_plan_options(scores: pd.DataFrame, slots: Any, max_per_company: Any, min_score: Any,
                        exact_max_pairs: Any) -> None:
    for name, v in (("slots", slots), ("max_per_company", max_per_company)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise ParameterError(f"« {name} » doit être un entier au moins égal à 1, pas « {v} »")
    if not isinstance(min_score, (int, float)) or isinstance(min_score, bool) or math.isnan(min_score):
        raise ParameterError(f"« min_score » doit être un nombre, pas « {min_score} »")
    if not isinstance(exact_max_pairs, (int, np.integer)) or isinstance(exact_max_pairs, bool) or exact_max_pairs < 0:
        raise ParameterError(f"« exact_max_pairs » doit être un entier positif ou nul, pas « {exact_max_pairs} »")
    missing = {"buyer_id", "company_id", "score"} - set(scores.columns)
    if missing:
        raise ParameterError(f"colonnes absentes de la table des scores : {', '.join(sorted(missing))}")
    if scores.duplicated(["buyer_id", "company_id"]).any():
        raise ParameterError("la table des scores contient deux fois la même paire acheteur–entreprise")


def meeting_plan(scores: pd.DataFrame, *, slots: int = 4, max_per_company: int = 3,
                 min_score: float = 0.3, exact_max_pairs: int = EXACT_MAX_PAIRS) -> pd.DataFrame:
    """The meetings of an event: which pairs meet, and in which time slot.

    Parameters
    ----------
    scores : DataFrame
        :func:`score_pairs`' result (at least ``buyer_id, company_id, score``).
    slots : int, default 4
        Number of time slots; a buyer and a company each have at most one meeting per slot.
    max_per_company : int, default 3
        Most meetings a company holds over the event.
    min_score : float, default 0.3
        A pair is *relevant*, and may meet, when its score is at least this.
    exact_max_pairs : int, default :data:`EXACT_MAX_PAIRS` (20,000)
        The size switch: with at most this many relevant pairs the plan is exact (mixed-integer programme);
        above it, greedy (:func:`greedy_select`), its gap measured against :func:`plan_bounds`.

    Returns
    -------
    DataFrame with the columns of ``scores`` plus ``slot`` (1…``slots``), one row per meeting, sorted by
    ``slot, buyer_id, company_id``. Exact plans (see the module docstring): most buyers with a relevant
    meeting, then highest total score, then earliest ids. Deterministic. ``plan.attrs`` says how it was made:
    ``plan_method`` (``exact`` or ``greedy``), ``n_candidates``, ``exact_max_pairs``, ``optimality_gap``
    (0 for an exact plan; for a greedy one the larger of ``gap_buyers_met`` and ``gap_score_total``, each
    ``(bound - value) / bound`` against ``bound_buyers_met`` and ``bound_score_total``; ≥ 0, and an upper
    bound on how far the plan is from the best one).

    >>> s = pd.DataFrame({"buyer_id": ["A", "A", "B"], "company_id": ["X", "Y", "X"], "score": [0.9, 0.8, 0.5]})
    >>> meeting_plan(s, slots=1, max_per_company=1, min_score=0.1)[["buyer_id", "company_id"]].values.tolist()
    [['A', 'Y'], ['B', 'X']]
    """
    if "n_pairs" in scores.columns:
        _check_plan_options(scores.rename(columns={"buyer_profile": "buyer_id", "company_profile": "company_id"}),
                            slots, max_per_company, min_score, exact_max_pairs)
        return _plan_on_profiles(scores, int(slots), int(min(slots, max_per_company)), min_score,
                                 int(exact_max_pairs))
    _check_plan_options(scores, slots, max_per_company, min_score, exact_max_pairs)
    columns = list(scores.columns) + ["slot"]
    cand = (scores[scores["score"].astype(float) >= min_score]
            .sort_values(["buyer_id", "company_id"], kind="stable").reset_index(drop=True))
    info = {"plan_method": "exact", "n_candidates": len(cand), "exact_max_pairs": int(exact_max_pairs),
            "optimality_gap": 0.0}
    if cand.empty:
        plan = pd.DataFrame({k: pd.Series(dtype=scores[k].dtype) for k in scores.columns}
                            | {"slot": pd.Series(dtype="int64")})[columns]
        plan.attrs.update(info)
        return plan
    slots, cap = int(slots), int(min(slots, max_per_company))
    if len(cand) <= exact_max_pairs:
        chosen = cand[_select(cand, slots, cap)]
    else:
        chosen = cand[greedy_select(cand, slots, cap)]
        info.update(_greedy_info(chosen, *plan_bounds(cand, slots, cap)))
    order = chosen.sort_values(["score", "buyer_id", "company_id"], ascending=[False, True, True], kind="stable")
    order = order.assign(slot=assign_slots(order, slots))
    plan = order.sort_values(["slot", "buyer_id", "company_id"], kind="stable").reset_index(drop=True)[columns]
    plan.attrs.update(info)
    return plan


def _plan_on_profiles(scores: pd.DataFrame, slots: int, cap: int, min_score: float, limit: int) -> pd.DataFrame:
    """:func:`meeting_plan` on :func:`profile_scores`' table: the profile heuristic of
    :mod:`etude.analysis.profiles`, its gap measured against the profile programmes' bounds."""
    pb, pc = int(scores["buyer_profile"].max()) + 1, int(scores["company_profile"].max()) + 1
    score = scores["score"].to_numpy(dtype=float).reshape(pb, pc)
    n_b = scores["n_buyers"].to_numpy().reshape(pb, pc)[:, 0]
    n_c = scores["n_companies"].to_numpy().reshape(pb, pc)[0]
    relevant = score >= min_score
    if relevant.any():
        x, bounds = profiles.profile_counts(relevant, score, n_b, n_c, slots=slots, cap=cap)
        members = [profiles.groups(scores.attrs[f"{side}_profile"], n) for side, n in (("buyer", pb), ("company", pc))]
        bi, ci, e = profiles.spread_meetings(x, score, *members, cap=cap)
    else:
        bounds = {"bound_buyers_met": 0.0, "bound_score_total": 0.0}
        bi = ci = e = np.zeros(0, dtype=np.int64)
    rows = scores.iloc[e]
    chosen = pd.DataFrame({"buyer_id": np.array(scores.attrs["buyer_ids"].split("\n"), dtype=object)[bi],
                           "company_id": np.array(scores.attrs["company_ids"].split("\n"), dtype=object)[ci],
                           **{k: rows[k].to_numpy() for k in SCORE_COLUMNS[2:]}})
    order = chosen.sort_values(["score", "buyer_id", "company_id"], ascending=[False, True, True], kind="stable")
    order = order.assign(slot=assign_slots(order, slots) if len(order) else [])
    plan = order.sort_values(["slot", "buyer_id", "company_id"], kind="stable").reset_index(drop=True)[PLAN_COLUMNS]
    plan["slot"] = plan["slot"].astype("int64")
    plan.attrs.update({"n_candidates": int(scores.loc[scores["score"] >= min_score, "n_pairs"].sum()),
                       "exact_max_pairs": limit, "n_profile_pairs": int(relevant.sum()),
                       **_greedy_info(chosen, bounds["bound_buyers_met"], bounds["bound_score_total"]),
                       "heuristic": "profiles"})
    return plan


def _greedy_info(chosen: pd.DataFrame, bound_buyers: float, bound_score: float) -> dict:
    met, total = chosen["buyer_id"].nunique(), float(chosen["score"].astype(float).sum())
    gaps = {"gap_buyers_met": _gap(met, bound_buyers), "gap_score_total": _gap(total, bound_score)}
    return {"plan_method": "greedy", "bound_buyers_met": bound_buyers, "bound_score_total": bound_score, **gaps,
            "optimality_gap": max(gaps.values())}


def plan_summary(plan: pd.DataFrame, scores: pd.DataFrame, *, min_score: float = 0.3) -> pd.DataFrame:
    """Key figures of a plan: participants, meetings, buyers with a relevant pair and with a meeting, scores.

    ``scores`` is the full :func:`score_pairs` table (its ids are the denominators). Returns ``indicator`` (a code)
    and ``value``; ``attrs["min_score"]`` keeps the relevance threshold
    (:func:`etude.publish.present.summary_with_labels` names them).

    >>> s = pd.DataFrame({"buyer_id": ["A", "B"], "company_id": ["X", "X"], "score": [0.9, 0.1]})
    >>> p = meeting_plan(s, slots=1, min_score=0.3)
    >>> plan_summary(p, s, min_score=0.3).set_index("indicator")["value"].to_dict()["buyers_met"]
    1.0
    """
    relevant = scores[scores["score"] >= min_score]
    if "n_pairs" in scores.columns:  # profile_scores: respondents counted through their profiles
        n_b = scores.drop_duplicates("buyer_profile")
        met = n_b["buyer_profile"].isin(relevant["buyer_profile"])
        counts = {"buyers": int(n_b["n_buyers"].sum()),
                  "companies": int(scores.drop_duplicates("company_profile")["n_companies"].sum()),
                  "buyers_relevant": int(n_b.loc[met, "n_buyers"].sum())}
    else:
        counts = {"buyers": scores["buyer_id"].nunique(), "companies": scores["company_id"].nunique(),
                  "buyers_relevant": relevant["buyer_id"].nunique()}
    values = {
        **counts, "buyers_met": plan["buyer_id"].nunique(),
        "companies_met": plan["company_id"].nunique(), "meetings": len(plan),
        "score_total": float(plan["score"].sum()),
        "score_mean": float(plan["score"].mean()) if len(plan) else float("nan"),
    }
    out = pd.DataFrame({"indicator": list(values), "value": list(values.values())})
    out.attrs["min_score"] = min_score
    return out


# --------------------------------------------------------------------------------------------- supply/demand
def supply_demand(buyers: pd.DataFrame, companies: pd.DataFrame, *, ctx: Context = DEFAULT) -> pd.DataFrame:
    """Per segment: buyers declaring a need, companies declaring an offer, their ratio and what is missing.

    Parameters
    ----------
    buyers, companies : DataFrame
        Respondent tables (contract §1); segment sets as in :func:`segment_sets`.
    ctx : Context, optional
        The study's settings (:func:`etude.survey.context`). Counts from 1 to ``ctx.min_cell - 1`` of a population
        it protects (``ctx.protect``: both by default; ``publish_small_groups: true`` publishes buyers' counts) are
        suppressed (the study's one small-group rule, :func:`etude.safety.disclosure.publishable`):
        ``n_companies`` (``n_buyers``) and ``ratio`` NA, ``companies_suppressed`` (``buyers_suppressed``) true.
        Zero is shown (it is what "demand without supply" means).

    Returns
    -------
    DataFrame with :data:`SUPPLY_CODES`, one row per segment in codebook order. ``buyers_base`` and
    ``companies_base`` count the respondents with at least one segment (the denominators); ``ratio`` is
    companies with an offer per buyer with a need; ``flag`` is ``demande_sans_offre`` (need, no offer),
    ``offre_sans_demande`` (offer, no need) or empty. :func:`etude.publish.present.supply_with_labels` adds the
    segment's and the flag's words (:data:`SUPPLY_COLUMNS`).

    >>> b = pd.DataFrame({"respondent_id": ["A-1", "A-2"], "segment": ["sante", "sante"]})
    >>> c = pd.DataFrame({"respondent_id": [f"E-{i}" for i in range(6)], "segment": ["sante"] * 6})
    >>> t = supply_demand(b, c).set_index("segment")
    >>> print(t.loc["sante", ["n_buyers", "buyers_suppressed", "n_companies", "ratio"]].to_dict())  # 2: withheld
    {'n_buyers': None, 'buyers_suppressed': True, 'n_companies': 6, 'ratio': nan}
    >>> from etude.survey.context import Context, protected_populations
    >>> t = supply_demand(b, c, ctx=Context(protect=protected_populations(True))).set_index("segment")
    >>> int(t.at["sante", "n_buyers"]), float(t.at["sante", "ratio"])  # the study publishes them
    (2, 3.0)
    """
    min_cell, protect = ctx.min_cell, ctx.protect
    bs, cs = segment_sets(buyers), segment_sets(companies)
    rows = []
    for s in SEGMENTS:
        nb = int(sum(s in x for x in bs))
        nc = int(sum(s in x for x in cs))
        suppressed = not publishable("companies", nc, min_cell=min_cell, protect=protect)
        hidden = not publishable("buyers", nb, min_cell=min_cell, protect=protect)
        flag = "demande_sans_offre" if nb > 0 and nc == 0 else "offre_sans_demande" if nc > 0 and nb == 0 else ""
        rows.append({
            "segment": s,
            "buyers_base": int(sum(bool(x) for x in bs)), "n_buyers": pd.NA if hidden else nb,
            "companies_base": int(sum(bool(x) for x in cs)),
            "n_companies": pd.NA if suppressed else nc, "companies_suppressed": suppressed,
            "ratio": (float("nan") if suppressed or hidden or nb == 0 else nc / nb),
            "flag": flag, "buyers_suppressed": hidden,
        })
    out = pd.DataFrame(rows, columns=SUPPLY_CODES)
    out[["n_buyers", "n_companies"]] = out[["n_buyers", "n_companies"]].astype("Int64")
    out.attrs["min_cell"] = min_cell
    return out
