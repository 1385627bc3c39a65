"""Survey-wave comparisons: the share citing each barrier (or theme) in one wave against another, and the same
calculation on a published barometer whose sample size may be inexact.

Shares, denominators and tests follow :mod:`etude.compare`; statuses follow the long indicator table of
:mod:`etude.indicators` (``computed``, ``uncertain``, ``simulated``). Adjustment families: one questionnaire's
items, or its themes — never pooled. The waves are independent samples only if no institution answered twice
(:func:`etude.present.wave_dependence_text`).

Examples
--------
>>> common_waves({"buyers": pd.DataFrame({"wave": [2017, 2018]})}, [2017, 2018])
{'buyers': True}
"""
from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from etude import codebook as cb
from etude import reference as ref
from etude.errors import ParameterError
from etude.indicators import combine_status

__all__ = ["WAVE_COLUMNS", "PUBLISHED_WAVE_COLUMNS", "N_TREATMENTS", "wave_changes", "published_wave_changes",
           "common_waves"]

#: Columns of :func:`wave_changes`.
WAVE_COLUMNS = ["population", "level", "code", "label", "theme", "wave_from", "n_from", "count_from", "share_from",
                "wave_to", "n_to", "count_to", "share_to", "diff", "diff_ci_low", "diff_ci_high", "test",
                "p_value", "p_adjusted", "cohens_h", "simulated", "diff_ci_low_adj", "diff_ci_high_adj"]
#: Columns of :func:`published_wave_changes`.
PUBLISHED_WAVE_COLUMNS = ["indicator", "label", "wave_from", "n_from", "n_from_text", "share_from", "wave_to",
                          "n_to", "n_to_text", "share_to", "diff", "diff_ci_low", "diff_ci_high", "test", "p_value",
                          "status", "note", "source"]
#: How :func:`published_wave_changes` treats a wave whose respondent count is not exact.
N_TREATMENTS = {"point_only": "écart en points seulement, sans intervalle ni test",
                "lower_bound": "intervalle et test calculés avec la borne inférieure publiée de l'effectif"}


def _item_counts(df: pd.DataFrame, kind: str, codebook=None) -> pd.DataFrame:
    from etude import compare
    items = cb.items(kind, "barriers", codebook=codebook)
    base = compare.answered(df, kind, codebook=codebook)
    n = int(base.sum())
    rows = []
    for it in items.itertuples():
        count = int((df[it.code].fillna(False).astype(bool) & base).sum())
        rows.append({"code": it.code, "theme": it.theme, "n": n, "count": count})
    return pd.DataFrame(rows)


def _theme_counts(df: pd.DataFrame, kind: str, codebook=None) -> pd.DataFrame:
    from etude import compare
    prev = compare.theme_prevalence(df, kind, codebook=codebook)
    return pd.DataFrame({"code": prev["theme"], "theme": prev["theme"], "n": prev["n_base"], "count": prev["count"]})


def wave_changes(df: pd.DataFrame, kind: str, *, wave_from: int = 2017, wave_to: int = 2018,
                 level: str = "items", test: str = "fisher", alpha: float = 0.05, padjust: str = "holm",
                 lang: str = "fr", codebook=None) -> pd.DataFrame:
    """Change in the share citing each barrier item (or theme) between two survey waves.

    The two waves are treated as **independent samples** (respondents are pseudonymous and not matched
    across waves) — an approximation when the same institutions answer twice
    (:func:`etude.present.wave_dependence_text` says how many did). Each share's denominator is the wave's
    respondents who answered the barrier question (``docs/contracts.md`` §1). The difference
    ``share_to − share_from`` gets Newcombe's hybrid score interval and a test from
    :func:`etude.compare.two_proportions`; p-values are adjusted within one family: the items of the
    questionnaire (``level="items"``) or its themes (``level="themes"``) — two separate families, never pooled.

    Parameters
    ----------
    df : DataFrame
        Respondent table of one population, with a ``wave`` column and both waves in it.
    kind : {"buyers", "companies"}
    wave_from, wave_to : int
        The earlier and the later wave.
    level : {"items", "themes"}, default "items"
        Barrier items, or harmonised themes (a respondent cites a theme when they cite one of its items).
    test : {"fisher", "chi2"}, default "fisher"
    alpha : float, default 0.05
    padjust : {"holm", "fdr_bh", "bonferroni", "none"}, default "holm"
    lang : {"fr", "en"}, default "fr"
        Language of ``label``.

    Returns
    -------
    DataFrame with columns :data:`WAVE_COLUMNS` (shares and differences as fractions 0–1);
    ``diff_ci_low_adj``/``diff_ci_high_adj`` are adjusted over the same family as ``p_adjusted``
    (:func:`etude.compare.adjusted_intervals`); ``attrs`` records ``padjust``, ``family`` and ``family_size``.

    Raises
    ------
    ParameterError
        Unknown ``level``, or a wave absent from the data (the message lists the waves present).
    """
    from etude import compare
    levels = {"items": _item_counts, "themes": _theme_counts}
    if level not in levels:
        raise ParameterError(f"niveau inconnu : {level!r} (attendu : {', '.join(levels)})")
    if "wave" not in df.columns:
        raise ParameterError("la table des répondants n'a pas de colonne « wave »")
    present = sorted(int(w) for w in df["wave"].dropna().unique())
    for w in (wave_from, wave_to):
        if int(w) not in present:
            raise ParameterError(f"vague {w} absente des données (vagues présentes : "
                                 f"{', '.join(map(str, present)) or 'aucune'})")
    parts = {w: df[df["wave"] == int(w)] for w in (wave_from, wave_to)}
    a = levels[level](parts[wave_from], kind, codebook).set_index("code")
    b = levels[level](parts[wave_to], kind, codebook).set_index("code")
    simulated = bool(df.loc[df["wave"].isin([wave_from, wave_to]), "simulated"].any()) if "simulated" in df else False
    rows = []
    for code in a.index:
        ra, rb = a.loc[code], b.loc[code]
        res = compare.two_proportions(int(rb["count"]), int(rb["n"]), int(ra["count"]), int(ra["n"]),
                                      test=test, alpha=alpha)
        rows.append({"population": kind, "level": level, "code": code,
                     "label": cb.label(code, lang=lang, codebook=codebook, short=(level == "items")),
                     "theme": ra["theme"], "wave_from": int(wave_from), "n_from": int(ra["n"]),
                     "count_from": int(ra["count"]),
                     "share_from": ra["count"] / ra["n"] if ra["n"] else math.nan,
                     "wave_to": int(wave_to), "n_to": int(rb["n"]), "count_to": int(rb["count"]),
                     "share_to": rb["count"] / rb["n"] if rb["n"] else math.nan, **res, "simulated": simulated})
    out = pd.DataFrame(rows)
    out["p_adjusted"] = compare.adjust_pvalues(out["p_value"], method=padjust, alpha=alpha)
    counts = [(int(r.count_to), int(r.n_to), int(r.count_from), int(r.n_from)) for r in out.itertuples()]
    adj = compare.adjusted_intervals(counts, padjust=padjust, alpha=alpha)
    out["diff_ci_low_adj"], out["diff_ci_high_adj"] = [a for a, _ in adj], [b for _, b in adj]
    out = out[WAVE_COLUMNS]
    out.attrs.update({"padjust": padjust, "alpha": alpha, "family_size": len(out), "family": level,
                      "ci_adjust": "none" if padjust == "none" else "bonferroni"})
    return out


def published_wave_changes(table: str = "cinov_barometre", *, wave_from: int = 2023, wave_to: int = 2024,
                           n_treatment: str = "point_only", test: str = "fisher", alpha: float = 0.05,
                           directory=None) -> pd.DataFrame:
    """The same wave comparison on a published barometer (default: CINOV 2023 → 2024).

    Only shares published for both waves are compared. The respondent count of a wave is taken from the
    indicator ``repondants``; when it is not an exact number (CINOV 2023: « plus de 300 »):

    * ``n_treatment="point_only"`` (default): the change in points is reported, with **no interval and no
      test** — an interval needs the denominator, and inventing one would give false precision;
    * ``n_treatment="lower_bound"``: the interval and test use the published lower bound
      (``repondants_minimum``, 300). A smaller n gives a wider interval, so this errs on the cautious side, but
      counts are rebuilt from rounded percentages: the result is flagged ``uncertain``, and ``n_from`` /
      ``n_to`` hold the bound used (``n_from_text`` keeps the published text).

    When both counts are exact, counts are rebuilt as ``round(share × n)`` and the result is ``computed``.
    Whatever the treatment, these samples are self-selected: an interval measures sampling noise only.

    Returns
    -------
    DataFrame with columns :data:`PUBLISHED_WAVE_COLUMNS`. ``note`` holds a code (words:
    :func:`etude.i18n.label`): ``counts_rebuilt``, ``n_inexact_point_only`` or ``n_inexact_lower_bound``.

    Examples
    --------
    >>> c = published_wave_changes()
    >>> c.set_index("indicator").loc["acces_difficile", ["share_from", "share_to", "diff"]].round(3).tolist()
    [0.53, 0.564, 0.034]
    >>> bool(c["diff_ci_low"].isna().all())
    True
    """
    from etude import compare
    if n_treatment not in N_TREATMENTS:
        raise ParameterError(f"traitement de l'effectif inconnu : {n_treatment!r} "
                             f"(attendu : {', '.join(N_TREATMENTS)})")
    raw = ref.load_reference(table, directory=directory)
    rows_of = {w: raw[raw["year"] == int(w)].set_index("indicator") for w in (wave_from, wave_to)}

    def n_of(w):
        r = rows_of[w]
        exact = float(r.loc["repondants", "value"]) if "repondants" in r.index else math.nan
        text = r.loc["repondants", "value_text"] if "repondants" in r.index else pd.NA
        low = float(r.loc["repondants_minimum", "value"]) if "repondants_minimum" in r.index else math.nan
        return exact, (text if pd.notna(text) else pd.NA), low

    (n1, t1, low1), (n2, t2, low2) = n_of(wave_from), n_of(wave_to)
    exact = not (math.isnan(n1) or math.isnan(n2))
    if not exact and n_treatment == "lower_bound":
        n1c, n2c = (n1 if not math.isnan(n1) else low1), (n2 if not math.isnan(n2) else low2)
    else:
        n1c, n2c = n1, n2
    shares = raw[(raw["unit"] == "share") & raw["value"].notna()]
    both = [i for i in shares[shares["year"] == int(wave_from)]["indicator"]
            if i in set(shares[shares["year"] == int(wave_to)]["indicator"])]
    rows = []
    for ind in both:
        a, b = rows_of[wave_from].loc[ind], rows_of[wave_to].loc[ind]
        p1, p2 = float(a["value"]), float(b["value"])
        res = {"diff_ci_low": math.nan, "diff_ci_high": math.nan, "test": pd.NA, "p_value": math.nan}
        bounded = n_treatment == "lower_bound" and not (math.isnan(n1c) or math.isnan(n2c))
        if exact:
            status, note = "computed", "counts_rebuilt"
        elif bounded:
            status, note = "uncertain", "n_inexact_lower_bound"
        else:
            status, note = "computed", "n_inexact_point_only"
        if exact or bounded:
            c1, c2 = int(round(p1 * n1c)), int(round(p2 * n2c))
            r = compare.two_proportions(c2, int(n2c), c1, int(n1c), test=test, alpha=alpha)
            res = {k: r[k] for k in ("diff_ci_low", "diff_ci_high", "test", "p_value")}
        rows.append({"indicator": ind, "label": a["label_fr"], "wave_from": int(wave_from),
                     "n_from": n1c if bounded else n1, "n_from_text": t1 if math.isnan(n1) else pd.NA,
                     "share_from": p1, "wave_to": int(wave_to), "n_to": n2c if bounded else n2,
                     "n_to_text": t2 if math.isnan(n2) else pd.NA,
                     "share_to": p2, "diff": p2 - p1, **res,
                     "status": combine_status(a["status"], b["status"], status) if status == "uncertain"
                     else combine_status(a["status"], b["status"]),
                     "note": note, "source": f"{a['source']} ; {b['source']}"})
    return pd.DataFrame(rows, columns=PUBLISHED_WAVE_COLUMNS)


def common_waves(respondents: dict[str, pd.DataFrame], waves: Iterable[int]) -> dict[str, bool]:
    """Whether each questionnaire has every wave in ``waves`` (a wave comparison needs both).

    >>> common_waves({"buyers": pd.DataFrame({"wave": [2017, 2018]}),
    ...               "companies": pd.DataFrame({"wave": [2017]})}, [2017, 2018])
    {'buyers': True, 'companies': False}
    """
    wanted = {int(w) for w in waves}
    return {kind: wanted <= {int(w) for w in df["wave"].dropna().unique()} if "wave" in df else False
            for kind, df in respondents.items()}
