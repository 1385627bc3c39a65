"""Which waves a study has, and which waves a notebook shows: one rule for every notebook.

The rule (issue 13.5): a detail view shows the study's **latest** wave, a change view its **last two**; a ``wave``
parameter of ``0`` (or ``None``) means « the latest »; a ``wave`` naming a wave that a population lacks shows that
population's latest wave instead and the notebook says so (:func:`etude.publish.present.wave_notes.wave_note`) — a
bad ``wave`` never stops a notebook. A comparison of the two populations needs one wave both have
(:func:`common_wave`). This module chooses waves and returns them; it has no words.

Every function takes the respondent tables of :func:`etude.survey.load_study` (``{"buyers": DataFrame,
"companies": DataFrame}``, an empty table for a population the study lacks) and returns waves as ``int``.

Examples
--------
>>> import pandas as pd

from etude.errors import ParameterError
>>> t = {"buyers": pd.DataFrame({"wave": [2017, 2019, 2021]}), "companies": pd.DataFrame({"wave": [2017, 2019]})}
>>> study_waves(t)
[2017, 2019, 2021]
>>> shown_waves(t, LATEST)
{'buyers': 2021, 'companies': 2019}
>>> common_wave(t)
2019
>>> change_waves(t["buyers"])
(2019, 2021)
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from etude.errors import ParameterError

__all__ = ["LATEST", "population_waves", "study_waves", "shown_waves", "shown_wave", "common_wave", "change_waves",
           "select", "select_wave", "one_wave"]

#: Value of a ``wave`` parameter meaning « the study's latest wave ».
LATEST = 0

def _waves_of(df: pd.DataFrame) -> list[int]:
    if df is None or "wave" not in df or df.empty:
        return []
    return sorted({int(w) for w in df["wave"].dropna().unique()})


def population_waves(tables: Mapping[str, pd.DataFrame]) -> dict[str, list[int]]:
    """The waves of each population that has respondents, in order (a population without any is left out).

    >>> population_waves({"buyers": pd.DataFrame({"wave": [2019, 2017]}), "companies": pd.DataFrame({"wave": []})})
    {'buyers': [2017, 2019]}
    """
    return {population: w for population, w in ((k, _waves_of(df)) for k, df in tables.items()) if w}


def study_waves(tables: Mapping[str, pd.DataFrame]) -> list[int]:
    """Every wave of the study, any population, in order."""
    return sorted({w for waves in population_waves(tables).values() for w in waves})


def _chosen(waves: list[int], wave: int | None) -> int:
    return int(wave) if wave and int(wave) in waves else waves[-1]


def shown_waves(tables: Mapping[str, pd.DataFrame], wave: int | None = LATEST) -> dict[str, int]:
    """The wave shown for each population with respondents: ``wave`` if that population has it, else (and for
    0 or None) its latest wave (and the notebook says so).

    >>> shown_waves({"buyers": pd.DataFrame({"wave": [2017, 2018]})}, 2016)
    {'buyers': 2018}
    """
    return {population: _chosen(waves, wave) for population, waves in population_waves(tables).items()}


def shown_wave(df: pd.DataFrame, wave: int | None = LATEST) -> int | None:
    """The wave shown for one population's table: ``wave`` if it has it, else its latest; None without respondents.

    >>> shown_wave(pd.DataFrame({"wave": [2017, 2018]}), 0)
    2018
    """
    waves = _waves_of(df)
    return _chosen(waves, wave) if waves else None


def common_wave(tables: Mapping[str, pd.DataFrame], wave: int | None = LATEST) -> int | None:
    """The wave a comparison of the two populations shows: ``wave`` if both have it, else their latest common
    wave; None when a population has no respondent or they share no wave.

    >>> common_wave({"buyers": pd.DataFrame({"wave": [2017, 2019]}), "companies": pd.DataFrame({"wave": [2017]})})
    2017
    >>> common_wave({"buyers": pd.DataFrame({"wave": [2017]}), "companies": pd.DataFrame({"wave": []})}) is None
    True
    """
    per = population_waves(tables)
    if len(per) < 2 or len(per) < len(tables):
        return None
    shared = sorted(set.intersection(*(set(w) for w in per.values())))
    return _chosen(shared, wave) if shared else None


def change_waves(df: pd.DataFrame, wave_from: int | None = LATEST, wave_to: int | None = LATEST
                 ) -> tuple[int, int] | None:
    """The two waves a change view compares for one population: its last two by default (0 or None), a requested
    wave it lacks replaced the same way; None with fewer than two waves.

    >>> change_waves(pd.DataFrame({"wave": [2017, 2019, 2021]}))
    (2019, 2021)
    >>> change_waves(pd.DataFrame({"wave": [2017, 2019, 2021]}), 2017, 2021)
    (2017, 2021)
    >>> change_waves(pd.DataFrame({"wave": [2017]})) is None
    True
    """
    waves = _waves_of(df)
    if len(waves) < 2:
        return None
    to = _chosen(waves, wave_to)
    before = [w for w in waves if w < to] or [w for w in waves if w != to]
    start = int(wave_from) if wave_from and int(wave_from) in before else before[-1]
    return (start, to) if start < to else (to, start)


def select(df: pd.DataFrame, wave: int | None) -> pd.DataFrame:
    """The rows of one wave (none when ``wave`` is None), index reset.

    >>> len(select(pd.DataFrame({"wave": [2017, 2018, 2018]}), 2018))
    2
    """
    if wave is None or "wave" not in df:
        return df.iloc[0:0].reset_index(drop=True)
    return df[df["wave"] == int(wave)].reset_index(drop=True)


def select_wave(tables: Mapping[str, pd.DataFrame], wave: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(buyers, companies)`` of one wave from :func:`etude.survey.load_study`'s result.

    Raises :class:`~etude.errors.ParameterError` listing the available waves when ``wave`` has no respondent
    in either questionnaire.
    """
    out = []
    for population in ("buyers", "companies"):
        df = tables[population]
        part = df[df["wave"] == int(wave)]
        if part.empty:
            waves = sorted(set(int(w) for w in df["wave"].dropna()))
            raise ParameterError(f"aucun répondant {'acheteur' if population == 'buyers' else 'entreprise'} pour la "
                                 f"vague {wave} ; vagues disponibles : {', '.join(map(str, waves)) or 'aucune'}")
        out.append(part.reset_index(drop=True))
    return out[0], out[1]


def one_wave(*respondents: pd.DataFrame) -> Any:
    """The one survey wave of the respondents compared (``wave`` of a comparison table, so that a reader and the
    audit know which wave's tables it goes with); NA when they span several waves or record none.

    >>> one_wave(pd.DataFrame({"wave": [2018, 2018]}), pd.DataFrame({"wave": [2018]}))
    2018
    >>> one_wave(pd.DataFrame({"wave": [2017, 2018]})) is pd.NA
    True
    """
    waves = {int(w) for df in respondents if "wave" in df.columns for w in pd.unique(df["wave"].dropna())}
    return waves.pop() if len(waves) == 1 else pd.NA
