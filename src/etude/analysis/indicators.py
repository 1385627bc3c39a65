"""Year-on-year indicators: one long table, change helpers, distance to the 2 % target, survey-wave changes.

The **long table** has one row per figure: ``series, indicator, label_fr, perimeter, period, year, value, unit,
source, source_url, status, simulated, note`` (columns :data:`LONG_COLUMNS`). It is built from the reference
tables (:mod:`etude.survey.reference`) and from the survey data (respondent counts per wave). A *line* of a chart or a
change computation is one ``series`` × ``indicator`` (:data:`SERIES_KEY`): figures with different perimeters
(OECP census vs AdCF barometer) live in different series and are never joined; :func:`check_perimeters`
refuses a table where one key mixes perimeters or units.

Rules, everywhere in this module:

* a missing year stays missing — it is never interpolated, and a change from a missing year is missing
  (shown as « non disponible » by :mod:`etude.publish.present`);
* a relative change on a zero base is NaN, not infinity;
* a figure derived from an ``uncertain`` figure is ``uncertain``; from simulated data, ``simulated``.

Examples
--------
>>> t = pd.DataFrame({"series": "adcf", "indicator": "volume", "period": ["2016", "2017", "2019"],
...                   "value": [72.2, 77.3, 87.5], "unit": "Md€", "status": "published"})
>>> changes(t)[["period", "change_abs", "change_rel"]].round(3)
  period  change_abs  change_rel
0   2016         NaN         NaN
1   2017         5.1       0.071
2   2019         NaN         NaN
>>> round(growth_rate(72.2, 87.5, 3), 4)
0.0662
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from etude.errors import InputError, ParameterError, problem
from etude.survey import reference as ref

__all__ = [
    "LONG_COLUMNS", "SERIES_KEY", "STATUSES", "SURVEY_NOTE", "combine_status",
    "reference_series", "survey_series", "indicator_table", "check_perimeters", "complete_periods", "changes",
    "growth_rate", "compound_growth", "distance_to_target",
    "GT_LINES", "CONTEXT_LINES", "text_figures", "resolve_paths", "select_lines",
    "published_vs_computed", "PUBLISHED_CHANGES",
]

#: Columns of the long indicator table (``tables/indicateurs.csv``).
LONG_COLUMNS = ["series", "indicator", "label_fr", "perimeter", "period", "year", "value", "unit", "source",
                "source_url", "status", "simulated", "note"]
#: What makes one line: figures are compared or joined only within the same series and indicator.
SERIES_KEY = ["series", "indicator"]
#: Statuses of the long table: the reference statuses plus ``simulated`` (demo survey data).
STATUSES = (*ref.STATUSES, "simulated")
#: ``note`` of the survey rows (:func:`survey_series`): a code, which
#: :func:`etude.publish.present.survey_sources` puts in words with the row's ``source``.
SURVEY_NOTE = "survey_count"

#: The GT's own indicator lines, for the notebook's first panel.
GT_LINES = [("gt_orcp", "reponses_acheteurs"), ("gt_orcp", "reponses_acheteurs_etat"),
            ("gt_orcp", "reponses_acheteurs_collectivites"), ("gt_orcp", "reponses_entreprises"),
            ("gt_orcp", "innovember_participants"), ("gt_orcp", "innovember_entreprises")]
#: National context lines, one panel each (never joined: each has its own perimeter).
CONTEXT_LINES = [("oecp_recensement", "nombre_marches"), ("oecp_recensement", "montant_total"),
                 ("adcf_barometre", "volume"), ("oecp_recensement", "part_pme_nombre"),
                 ("oecp_recensement", "part_pme_valeur"),
                 ("oecp_experimentation_achats_innovants", "marches_trimestre")]
#: Lines whose year-on-year change is also published: line → indicator holding the published change.
PUBLISHED_CHANGES = {("oecp_recensement", "nombre_marches"): "variation_nombre",
                     ("oecp_recensement", "montant_total"): "variation_montant",
                     ("adcf_barometre", "volume"): "variation_annuelle"}
_SURVEY_SERIES = "gt_orcp"
_GT_TABLE = "gt_orcp_2017"
_RATIO_UNITS = ("share", "rel_change", "pt_change")
_STATUS_RANK = {"published": 0, "computed": 1, "uncertain": 2, "simulated": 3}


# --------------------------------------------------------------------------------------------- building

def _long(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in LONG_COLUMNS:
        if col not in out.columns:
            out[col] = pd.NA
    out = out[LONG_COLUMNS]
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype("float64")
    out["year"] = out["period"].astype(str).str[:4].astype(int)
    out["simulated"] = out["simulated"].fillna(False).astype(bool)
    for col in LONG_COLUMNS:
        if col not in ("value", "year", "simulated"):
            out[col] = out[col].astype("string")
    return out.reset_index(drop=True)


def reference_series(tables: str | Sequence[str] | None = None, *, include_uncertain: bool = True,
                     directory=None) -> pd.DataFrame:
    """The numeric figures of the reference tables as a long table.

    Text rows (objectives, ranges such as « 30 à 35 », « plus de 300 ») have no number and are left out:
    they stay readable in :func:`etude.survey.reference.load_reference`.

    Parameters
    ----------
    tables : str or list of str, optional
        Reference table names; default all.
    include_uncertain : bool, default True
        Keep ``uncertain`` figures (flagged in ``status``); False drops them.

    Returns
    -------
    DataFrame with columns :data:`LONG_COLUMNS`.

    Examples
    --------
    >>> adcf = reference_series("adcf_barometre")
    >>> adcf.query("indicator == 'volume'")["period"].tolist()
    ['2012', '2016', '2017', '2018', '2019', '2020']
    """
    names = [tables] if isinstance(tables, str) else tables
    frames = [ref.load_reference(n, directory=directory) for n in names] if names else [
        ref.load_reference(directory=directory)]
    df = pd.concat(frames, ignore_index=True)
    df = df[df["value"].notna()]
    if not include_uncertain:
        df = df[df["status"] != "uncertain"]
    df = df.assign(simulated=False)
    return _long(df)


def survey_series(respondents: dict[str, pd.DataFrame] | None = None, *, study=None) -> pd.DataFrame:
    """Respondent counts per wave, the GT's own indicator, from the survey data.

    Parameters
    ----------
    respondents : dict, optional
        ``{"buyers": DataFrame, "companies": DataFrame}`` as returned by :func:`etude.survey.load_study`
        (``docs/contracts.md`` §1); default: ``survey.load_study(study)``.
    study : str or Path, optional
        Study file, used when ``respondents`` is not given.

    Returns
    -------
    DataFrame with columns :data:`LONG_COLUMNS`, series ``gt_orcp`` with the indicator codes of the reference
    table ``gt_orcp_2017`` (``reponses_acheteurs``, ``reponses_acheteurs_etat``,
    ``reponses_acheteurs_collectivites``, ``reponses_acheteurs_autres``, ``reponses_entreprises``), so that a
    later wave continues the GT's 2017 line. ``status`` is ``simulated`` for simulated data, else ``computed``;
    ``source`` lists the study's files and ``note`` is :data:`SURVEY_NOTE`: the publishing side words both
    (:func:`etude.publish.present.survey_sources`: « Données simulées — ne pas citer », « Fichier d'étude : … »).

    Examples
    --------
    >>> b = pd.DataFrame({"wave": [2018, 2018, 2018], "simulated": True,
    ...                   "buyer_type": ["etat", "etat", "sante"], "source_file": "a_simule.csv"})
    >>> e = pd.DataFrame({"wave": [2018], "simulated": True, "source_file": "e_simule.csv"})
    >>> survey_series({"buyers": b, "companies": e})[["indicator", "period", "value", "status"]]
                              indicator period  value     status
    0                reponses_acheteurs   2018    3.0  simulated
    1           reponses_acheteurs_etat   2018    2.0  simulated
    2  reponses_acheteurs_collectivites   2018    0.0  simulated
    3         reponses_acheteurs_autres   2018    1.0  simulated
    4              reponses_entreprises   2018    1.0  simulated
    """
    if respondents is None:
        from etude import survey
        respondents = survey.load_study(study)
    gt = ref.load_reference(_GT_TABLE).set_index("indicator")
    rows = []

    def add(indicator, wave, value, part):
        simulated = bool(part["simulated"].any()) if "simulated" in part else False
        files = sorted(part["source_file"].dropna().astype(str).unique()) if "source_file" in part else []
        rows.append({"series": _SURVEY_SERIES, "indicator": indicator, "label_fr": gt.loc[indicator, "label_fr"],
                     "perimeter": gt.loc[indicator, "perimeter"], "period": str(int(wave)), "value": float(value),
                     "unit": gt.loc[indicator, "unit"], "source": ", ".join(files), "source_url": pd.NA,
                     "status": "simulated" if simulated else "computed", "simulated": simulated,
                     "note": SURVEY_NOTE})

    buyers = respondents.get("buyers")
    if buyers is not None and len(buyers):
        for wave, part in buyers.groupby("wave", sort=True):
            types = part["buyer_type"].astype("string") if "buyer_type" in part else pd.Series(pd.NA, index=part.index)
            add("reponses_acheteurs", wave, len(part), part)
            add("reponses_acheteurs_etat", wave, int((types == "etat").sum()), part)
            add("reponses_acheteurs_collectivites", wave, int((types == "collectivite").sum()), part)
            add("reponses_acheteurs_autres", wave, int((~types.isin(["etat", "collectivite"])).sum()), part)
    companies = respondents.get("companies")
    if companies is not None and len(companies):
        for wave, part in companies.groupby("wave", sort=True):
            add("reponses_entreprises", wave, len(part), part)
    return _long(pd.DataFrame(rows, columns=LONG_COLUMNS))


def indicator_table(respondents: dict[str, pd.DataFrame] | None = None, *, study=None,
                    tables: str | Sequence[str] | None = None, include_survey: bool = True,
                    include_uncertain: bool = True) -> pd.DataFrame:
    """The long indicator table: reference figures plus survey counts (``tables/indicateurs.csv``).

    Where the survey data cover a period the reference tables already have (the GT's 2017 counts), the
    published figure is kept and the survey count is left out: published figures come first.

    Parameters
    ----------
    respondents : dict, optional
        Respondent tables (see :func:`survey_series`); default ``survey.load_study(study)`` when
        ``include_survey`` is true.
    study : str or Path, optional
        Study file.
    tables : str or list of str, optional
        Reference tables to include; default all.
    include_survey : bool, default True
        Add the respondent counts per wave.
    include_uncertain : bool, default True
        Keep ``uncertain`` reference figures.

    Returns
    -------
    DataFrame with columns :data:`LONG_COLUMNS`, sorted by series, indicator and period; checked by
    :func:`check_perimeters`.
    """
    parts = [reference_series(tables, include_uncertain=include_uncertain)]
    if include_survey:
        survey = survey_series(respondents, study=study)
        have = set(map(tuple, parts[0][SERIES_KEY + ["period"]].astype(str).to_numpy()))
        keep = [tuple(k) not in have for k in survey[SERIES_KEY + ["period"]].astype(str).to_numpy()]
        parts.append(survey[keep])
    out = _long(pd.concat([p for p in parts if len(p)], ignore_index=True))
    check_perimeters(out)
    return _sort_lines(out)


def check_perimeters(df: pd.DataFrame) -> pd.DataFrame:
    """Refuse a long table where one line would mix perimeters or units, or hold two figures for one period.

    Returns ``df`` unchanged when it is clean, so it can be chained.

    Raises
    ------
    InputError
        One problem per offending ``series`` × ``indicator`` (and per duplicated period).

    Examples
    --------
    >>> t = pd.DataFrame({"series": "x", "indicator": "volume", "period": ["2016", "2017"], "value": [1.0, 2.0],
    ...                   "unit": "Md€", "perimeter": ["recensement OECP", "baromètre AdCF"]})
    >>> check_perimeters(t)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    etude.errors.InputError: indicateurs, colonne « perimeter » : la ligne x / volume mélange des périmètres ...
    """
    problems = []
    for (series, indicator), grp in df.groupby(SERIES_KEY, sort=False):
        for col, what in (("perimeter", "des périmètres"), ("unit", "des unités")):
            if col in grp and grp[col].dropna().nunique() > 1:
                problems.append(problem("indicateurs", column=col,
                                        value=" | ".join(map(str, grp[col].dropna().unique())),
                                        message=f"la ligne {series} / {indicator} mélange {what} différent"
                                                + ("s" if col == "perimeter" else "es"),
                                        expected=f"un seul {'périmètre' if col == 'perimeter' else 'unité'} "
                                                 "par série et indicateur (séparer les séries)"))
        dup = grp["period"][grp["period"].duplicated()]
        for period in dup.unique():
            problems.append(problem("indicateurs", column="period", value=period,
                                    message=f"la ligne {series} / {indicator} a deux valeurs pour la même période",
                                    expected="une valeur par période"))
    if problems:
        raise InputError(problems)
    return df


# --------------------------------------------------------------------------------------------- periods

def _period(text: Any) -> pd.Period:
    s = str(text)
    return pd.Period(s, freq="Q") if "Q" in s else pd.Period(s, freq="Y")


def _sort_lines(df: pd.DataFrame) -> pd.DataFrame:
    """Sort by line, then chronologically (a year sorts before its quarters)."""
    start = df["period"].map(lambda p: _period(p).start_time)
    quarterly = df["period"].astype(str).str.contains("Q")
    return (df.assign(_s=start, _q=quarterly).sort_values(SERIES_KEY + ["_s", "_q"], kind="stable")
            .drop(columns=["_s", "_q"]).reset_index(drop=True))


def complete_periods(df: pd.DataFrame, *, start: str | int | None = None, end: str | int | None = None
                     ) -> pd.DataFrame:
    """Add an explicit empty row for every period missing inside each line (or in ``start``–``end``).

    Missing periods get ``value`` NaN and ``status`` ``<NA>``: a chart shows a gap, a table shows
    « non disponible ». Nothing is filled in.

    Parameters
    ----------
    df : DataFrame
        Long table (at least ``series, indicator, period, value``).
    start, end : str or int, optional
        First and last period to show (``2012``, ``"2019Q1"``); default each line's own first and last period.
        Yearly and quarterly lines are extended in their own frequency.

    Returns
    -------
    DataFrame: the rows of ``df`` plus the empty ones, sorted by line and period, with a boolean column
    ``available``.

    Examples
    --------
    >>> t = pd.DataFrame({"series": "s", "indicator": "i", "period": ["2016", "2018"], "value": [1.0, 2.0]})
    >>> complete_periods(t)[["period", "value", "available"]]
      period  value  available
    0   2016    1.0       True
    1   2017    NaN      False
    2   2018    2.0       True
    """
    frames = []
    constant = [c for c in ("label_fr", "perimeter", "unit") if c in df.columns]
    for key, grp in df.groupby(SERIES_KEY, sort=False):
        periods = grp["period"].map(_period)
        freq = periods.iloc[0].freqstr
        lo = periods.min() if start is None else pd.Period(str(start), freq=freq[0]) if "Q" not in str(start) \
            else pd.Period(str(start), freq="Q")
        hi = periods.max() if end is None else pd.Period(str(end), freq=freq[0]) if "Q" not in str(end) \
            else pd.Period(str(end), freq="Q")
        if lo.freqstr != freq:
            lo = pd.Period(lo.start_time, freq=freq[0])
        if hi.freqstr != freq:
            hi = pd.Period(hi.end_time, freq=freq[0])
        full = pd.period_range(min(lo, periods.min()), max(hi, periods.max()), freq=freq[0])
        have = set(periods)
        extra = [p for p in full if p not in have and lo <= p <= hi]
        add = pd.DataFrame({"series": key[0], "indicator": key[1], "period": [str(p) for p in extra]})
        for c in constant:
            add[c] = grp[c].iloc[0]
        g = grp.copy()
        g["available"] = g["value"].notna()
        add["available"] = False
        frames.append(pd.concat([g, add], ignore_index=True) if len(add) else g)
    if not frames:
        return df.assign(available=pd.Series(dtype=bool))
    out = pd.concat(frames, ignore_index=True)
    if "year" in out:
        out["year"] = out["period"].astype(str).str[:4].astype(int)
    if "value" in out:
        out["value"] = out["value"].astype("float64")
    if "simulated" in out:
        out["simulated"] = out["simulated"].astype("boolean")
    return _sort_lines(out)


def combine_status(*statuses: Any) -> Any:
    known = [s for s in statuses if isinstance(s, str)]
    if len(known) < len(statuses):
        return pd.NA
    worst = max(known, key=lambda s: _STATUS_RANK.get(s, 0))
    return worst if worst in ("uncertain", "simulated") else "computed"


def changes(df: pd.DataFrame) -> pd.DataFrame:
    """Change on the previous period (year or quarter) of every figure, within its line.

    The previous period is exactly one period before (2016 for 2017, 2019Q4 for 2020Q1), never the last
    available one: after a gap the change is NaN (« non disponible »).

    Parameters
    ----------
    df : DataFrame
        Long table (at least ``series, indicator, period, value``; ``status`` optional). Checked with
        :func:`check_perimeters` first.

    Returns
    -------
    DataFrame: ``df`` plus ``previous_period``, ``previous_value``, ``change_abs`` (value − previous),
    ``change_rel`` (value / previous − 1; NaN when the previous value is 0 or missing, and for shares and
    rates — units ``share``, ``rel_change``, ``pt_change`` — whose change is read in points) and, when ``df`` has a
    ``status``, ``change_status`` (``computed``, or ``uncertain``/``simulated`` when an input is).

    Examples
    --------
    >>> t = pd.DataFrame({"series": "s", "indicator": "i", "period": ["2016", "2017", "2018"],
    ...                   "value": [0.0, 5.0, 6.0]})
    >>> changes(t)[["period", "change_abs", "change_rel"]]
      period  change_abs  change_rel
    0   2016         NaN         NaN
    1   2017         5.0         NaN
    2   2018         1.0         0.2
    """
    check_perimeters(df)
    out = df.copy()
    prev_period = out["period"].map(lambda p: str(_period(p) - 1))
    lookup = out.set_index(SERIES_KEY + ["period"])
    keys = list(zip(out["series"], out["indicator"], prev_period))
    found = [k in lookup.index for k in keys]
    out["previous_period"] = prev_period.astype("string")
    out["previous_value"] = [float(lookup.loc[k, "value"]) if f else math.nan for k, f in zip(keys, found)]
    out["change_abs"] = out["value"] - out["previous_value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = out["value"] / out["previous_value"] - 1
    rate = out["unit"].isin(_RATIO_UNITS) if "unit" in out else pd.Series(False, index=out.index)
    # A relative change of a share or of a rate (+867 % on « variation annuelle ») means nothing: points only.
    out["change_rel"] = rel.where((out["previous_value"].fillna(0) != 0) & ~rate).astype("float64")
    if "status" in out:
        prev_status = [lookup.loc[k, "status"] if f else pd.NA for k, f in zip(keys, found)]
        out["change_status"] = [
            combine_status(s, p) if not math.isnan(c) else pd.NA
            for s, p, c in zip(out["status"], prev_status, out["change_abs"])]
        out["change_status"] = out["change_status"].astype("string")
    return out


def growth_rate(start_value: float, end_value: float, years: float) -> float:
    """Compound annual growth rate: ``(end / start) ** (1 / years) − 1``.

    NaN when a value is missing, ``years`` ≤ 0, or ``start_value`` ≤ 0 (no growth rate from a zero or
    negative base).

    >>> round(growth_rate(100, 121, 2), 6)
    0.1
    >>> growth_rate(0, 5, 2)
    nan
    """
    try:
        s, e, y = float(start_value), float(end_value), float(years)
    except (TypeError, ValueError):
        return math.nan
    if any(math.isnan(v) for v in (s, e, y)) or y <= 0 or s <= 0 or e < 0:
        return math.nan
    return (e / s) ** (1 / y) - 1


def compound_growth(df: pd.DataFrame, *, start: int | str, end: int | str) -> pd.DataFrame:
    """Compound annual growth of every yearly line of levels between two years.

    Lines of shares and of changes (units ``share``, ``rel_change``, ``pt_change``) are left out: a growth
    rate of a percentage is not a useful figure.

    Parameters
    ----------
    df : DataFrame
        Long table.
    start, end : int or str
        First and last year (both must be published for a number: no interpolation, no nearest year).

    Returns
    -------
    DataFrame, one row per line: ``series, indicator, label_fr, unit, start, end, value_start, value_end, years, cagr,
    status``. ``cagr`` is NaN when either year is missing.

    Examples
    --------
    >>> t = pd.DataFrame({"series": "s", "indicator": "i", "period": ["2016", "2019"], "value": [72.2, 87.5],
    ...                   "unit": "Md€", "status": "published"})
    >>> compound_growth(t, start=2016, end=2019)[["years", "cagr"]].round(4)
       years    cagr
    0      3  0.0662
    """
    check_perimeters(df)
    s, e = str(start), str(end)
    if not (s.isdigit() and e.isdigit()) or int(e) <= int(s):
        raise ParameterError(f"années invalides : start={start!r}, end={end!r} (attendu : deux années, start < end)")
    rows = []
    for (series, indicator), grp in df.groupby(SERIES_KEY, sort=False):
        if grp["period"].astype(str).str.contains("Q").any():
            continue
        if "unit" in grp and grp["unit"].isin(_RATIO_UNITS).any():
            continue
        g = grp.set_index(grp["period"].astype(str))
        vs = float(g.loc[s, "value"]) if s in g.index else math.nan
        ve = float(g.loc[e, "value"]) if e in g.index else math.nan
        st = (combine_status(g.loc[s, "status"], g.loc[e, "status"])
              if "status" in g and s in g.index and e in g.index else pd.NA)
        rate = growth_rate(vs, ve, int(e) - int(s))
        rows.append({"series": series, "indicator": indicator,
                     "label_fr": grp["label_fr"].iloc[0] if "label_fr" in grp else indicator,
                     "unit": grp["unit"].iloc[0] if "unit" in grp else pd.NA, "start": int(s), "end": int(e),
                     "value_start": vs, "value_end": ve, "years": int(e) - int(s), "cagr": rate,
                     "status": st if not math.isnan(rate) else pd.NA})
    return pd.DataFrame(rows, columns=["series", "indicator", "label_fr", "unit", "start", "end", "value_start",
                                       "value_end", "years", "cagr", "status"])


def distance_to_target(df: pd.DataFrame, *, target: float | None = None, target_year: int | None = None
                       ) -> pd.DataFrame:
    """Distance of shares to a target share (default: the 2 % innovative-purchasing target for 2020).

    Parameters
    ----------
    df : DataFrame
        Long table rows whose ``value`` is a share (fraction 0–1).
    target : float, optional
        Target share; default the reference row ``objectif_part_achats_innovants`` of series
        ``objectif_achats_innovants`` (0.02).
    target_year : int, optional
        Year of the target (default the reference row's, 2020).

    Returns
    -------
    DataFrame: ``df`` plus ``target``, ``target_year``, ``gap`` (value − target, in share points: −0.0199 is
    −1,99 pt) and ``ratio`` (value / target). The target's perimeter may differ from the figure's: the
    notebook says so.

    Examples
    --------
    >>> t = pd.DataFrame({"series": "achats_innovants_etat", "indicator": "part", "period": ["2014"],
    ...                   "value": [0.0001]})
    >>> distance_to_target(t, target=0.02, target_year=2020)[["gap", "ratio"]].round(4)
          gap  ratio
    0 -0.0199  0.005
    """
    if target is None or target_year is None:
        goal = reference_series("objectif_2pct").query(
            "series == 'objectif_achats_innovants' and indicator == 'objectif_part_achats_innovants'").iloc[0]
        target = float(goal["value"]) if target is None else target
        target_year = int(goal["year"]) if target_year is None else target_year
    if not 0 < float(target) <= 1:
        raise ParameterError(f"objectif invalide : {target!r} (attendu : une part entre 0 et 1, ex. 0.02)")
    out = df.copy()
    out["target"] = float(target)
    out["target_year"] = int(target_year)
    out["gap"] = out["value"] - float(target)
    out["ratio"] = out["value"] / float(target)
    return out


# --------------------------------------------------------------------------------------------- notebook helpers

def select_lines(df: pd.DataFrame, lines: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """Rows of the long table that belong to the given ``(series, indicator)`` lines, in that order.

    >>> t = pd.DataFrame({"series": ["a", "b"], "indicator": ["x", "x"], "period": ["2017", "2017"]})
    >>> select_lines(t, [("b", "x")])["series"].tolist()
    ['b']
    """
    lines = list(lines)
    df = df.reset_index(drop=True)
    key = pd.Series(list(zip(df["series"], df["indicator"])), index=df.index)
    rank = {line: i for i, line in enumerate(lines)}
    out = df[key.isin(lines)]
    return out.iloc[np.argsort(key[out.index].map(rank).to_numpy(), kind="stable")].reset_index(drop=True)


def published_vs_computed(df: pd.DataFrame) -> pd.DataFrame:
    """Year-on-year changes recomputed from the published levels, next to the published changes.

    A check the reader can do by eye: both should agree up to the rounding of the published levels
    (about ±0,2 pt). Only the lines of :data:`PUBLISHED_CHANGES` are shown, and only the years where a
    published change exists.

    Returns
    -------
    DataFrame: ``series, indicator, period, computed, published, difference, status`` (changes as fractions).
    """
    c = changes(df)
    rows = []
    for (series, indicator), pub_ind in PUBLISHED_CHANGES.items():
        pub = df[(df["series"] == series) & (df["indicator"] == pub_ind)]
        for r in pub.itertuples():
            comp = c[(c["series"] == series) & (c["indicator"] == indicator) & (c["period"] == r.period)]
            value = float(comp["change_rel"].iloc[0]) if len(comp) else math.nan
            status = comp["change_status"].iloc[0] if len(comp) else pd.NA
            rows.append({"series": series, "indicator": indicator, "period": r.period, "computed": value,
                         "published": float(r.value), "difference": value - float(r.value), "status": status})
    return pd.DataFrame(rows, columns=["series", "indicator", "period", "computed", "published", "difference",
                                       "status"])


def text_figures(table: str = "gt_orcp_2017", *, prefix: str | None = None, directory=None) -> pd.DataFrame:
    """The text rows of a reference table (objectives, ranges, « plus de 300 »…), as the reference gives them.

    Parameters
    ----------
    table : str, default "gt_orcp_2017"
    prefix : str, optional
        Keep only indicators starting with this (e.g. ``"objectif_2018"``).

    Returns
    -------
    DataFrame: ``indicator, period, label_fr, value_text, status, source`` (and ``label_en`` when the reference has
    it); :func:`etude.publish.present.format_text_figures` shows it.

    Examples
    --------
    >>> text_figures(prefix="objectif_2018")["value_text"].iloc[-1]
    "Initier la constitution d'un sous-groupe thématique sur l'innovation sociale"
    """
    df = ref.load_reference(table, directory=directory)
    df = df[df["value"].isna() & df["value_text"].notna()]
    if prefix:
        df = df[df["indicator"].str.startswith(prefix)]
    cols = ["indicator", "period", "label_fr", *(["label_en"] if "label_en" in df else []), "value_text", "status",
            "source"]
    return df[cols].reset_index(drop=True)


def resolve_paths(text: str | Sequence[str] | None) -> list:
    """Paths given as one notebook parameter: ``"a.json;b.zip"`` (``;``-separated) or a list.

    Relative paths are read from the repository root when they do not exist from the working directory,
    so a notebook run from ``notebooks/`` or by the engine finds the same files. Missing files raise
    :class:`etude.errors.ParameterError` naming them.

    >>> resolve_paths("")
    []
    """
    from pathlib import Path

    from etude import paths
    items = ([t for t in str(text).split(";")] if isinstance(text, str) or text is None else list(text)) if text else []
    out, missing = [], []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        p = Path(item).expanduser()
        if not p.is_absolute() and not p.exists():
            p = paths.root() / p
        (out if p.exists() else missing).append(p)
    if missing:
        raise ParameterError("fichier(s) introuvable(s) : " + ", ".join(map(str, missing))
                             + " (chemins absolus, ou relatifs à la racine du dépôt, séparés par « ; »)")
    return out
