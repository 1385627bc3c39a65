"""Which waves a notebook shows, said in one or two sentences: the words of the wave rule.

The rule itself (latest wave by default, a requested wave a population lacks replaced by its latest, a common
wave for a comparison) is :mod:`etude.survey.wavesel`'s, which returns waves; :func:`wave_note` says what it
chose, with the catalogue's words (area ``waves``).

Examples
--------
>>> import pandas as pd
>>> t = {"buyers": pd.DataFrame({"wave": [2017, 2019, 2021]}), "companies": pd.DataFrame({"wave": [2017, 2019]})}
>>> wave_note(t, 2018)  # doctest: +NORMALIZE_WHITESPACE
"Vagues de l'étude : 2017, 2019, 2021. Cette partie montre la vague 2021 (acheteurs publics) ; la vague 2019
(entreprises innovantes). La vague 2018 demandée n'existe pas pour les acheteurs publics ni pour les entreprises
innovantes : leur dernière vague est montrée."
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from etude import words
from etude.publish.labels import label_of
from etude.survey import wavesel

__all__ = ["wave_note"]


def _say(key: str, lang: str, **fields) -> str:
    return words.text(f"waves.{key}", lang, **fields)


def _who(population: str, lang: str) -> str:
    return label_of(population, lang).lower()


def _common_note(tables: Mapping[str, pd.DataFrame], wave: int | None, every: str, lang: str) -> str:
    """The note of a comparison of the two populations (:func:`etude.survey.wavesel.common_wave`)."""
    shown = wavesel.common_wave(tables, wave)
    if shown is None:
        return _say("no_common", lang, waves=every)
    text = _say("one_wave", lang, wave=shown) + ("" if wave else " " + _say("latest", lang))
    note = _say("note", lang, waves=every, shown=text)
    return note + (" " + _say("absent_common", lang, wave=wave) if wave and int(wave) != shown else "")


def wave_note(tables: Mapping[str, pd.DataFrame], wave: int | None = wavesel.LATEST, *, lang: str = "fr",
              common: bool = False) -> str:
    """Which waves the study has and which this notebook shows, in one or two sentences.

    ``tables`` are the respondent tables of :func:`etude.survey.load_study`; ``wave`` the notebook's parameter
    (0 or None: the latest); ``common=True`` describes a comparison of the two populations.

    >>> t = {"buyers": pd.DataFrame({"wave": [2017, 2019]}), "companies": pd.DataFrame({"wave": [2019]})}
    >>> wave_note(t, lang="en")
    'Waves in the study: 2017, 2019. This part shows wave 2019 (the latest wave).'
    >>> wave_note(t, 2017, common=True)  # doctest: +NORMALIZE_WHITESPACE
    "Vagues de l'étude : 2017, 2019. Cette partie montre la vague 2019. La vague 2017 demandée
    n'est pas une vague commune aux deux questionnaires : la dernière vague commune est montrée."
    """
    words.check_lang(lang)
    every = ", ".join(map(str, wavesel.study_waves(tables)))
    if not every:
        return _say("none", lang)
    if common:
        return _common_note(tables, wave, every, lang)
    shown = wavesel.shown_waves(tables, wave)
    single = len(set(shown.values())) == 1
    if single:
        text = _say("one_wave", lang, wave=next(iter(shown.values())))
    else:
        text = _say("separator", lang).join(_say("wave_of", lang, wave=w, who=_who(k, lang)) for k, w in shown.items())
    text += "" if wave else " " + _say("latest" if single else "latest_each", lang)
    lacking = [_who(k, lang) for k, w in shown.items() if wave and w != int(wave)]
    absent = " " + _say("absent", lang, wave=wave, who=_say("nor_for", lang).join(lacking)) if lacking else ""
    return _say("note", lang, waves=every, shown=text) + absent
