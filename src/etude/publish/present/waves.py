"""The sentences of a comparison between waves (:mod:`etude.analysis.waves`): what changed between two waves,
which items show a linear trend over every wave, and whether two waves are independent samples.
"""
from __future__ import annotations

import pandas as pd

from etude.analysis import compare
from etude.publish import formats
from etude.publish.present.family import _significant, _tested, family_text
from etude.publish.present.phrasing import _quoted, _separated, _t, _who
from etude.survey import codebook as cb
from etude.words import check_lang

__all__ = ["wave_headline", "trend_headline", "wave_dependence_text"]


def wave_headline(table: pd.DataFrame, *, population: str, alpha: float = 0.05, lang: str = "fr",
                  codebook=None, short: bool = False) -> str:
    """The message of :func:`etude.analysis.waves.wave_changes`: which items or themes changed between two waves.

    The family is the table's: one questionnaire's items, or its themes (``attrs["padjust"]``, Bonferroni by
    default); a change is named only when the one decision rule separates it (:func:`etude.analysis.compare.decide`);
    rows not compared because an item was not asked in a wave are named, with the wave (``short``: named only, for a
    slide's title of two lines).

    >>> t = pd.DataFrame({"label": ["Temps", "Données"], "level": "items", "wave_from": 2017, "wave_to": 2018,
    ...                   "share_from": [0.5, 0.4], "share_to": [0.3, 0.45], "test": "fisher",
    ...                   "p_adjusted": [0.8, 1.0]})
    >>> print(wave_headline(t, population="buyers"))  # doctest: +NORMALIZE_WHITESPACE
    2017 → 2018 : aucun frein des acheteurs publics ne se distingue (Bonferroni sur 2 freins)
    >>> print(wave_headline(t.assign(p_adjusted=[0.01, 1.0]), population="buyers", lang="en"))
    ... # doctest: +NORMALIZE_WHITESPACE
    2017 → 2018, among public buyers, changed: “Temps” (50.0% → 30.0%) (Bonferroni over 2 barriers)
    """
    lang = check_lang(lang)
    if table.empty:
        return _t("waves.nothing", lang)
    waves = {"wave_from": int(table["wave_from"].iloc[0]), "wave_to": int(table["wave_to"].iloc[0])}
    note = _wave_not_asked(table, lang, codebook, short=short)
    if not table["test"].isin(compare.TESTS).any():
        return _t("waves.untested", lang, **waves) + (_t("separator", lang) + note if note else "")
    level = "themes" if "level" in table.columns and str(table["level"].iloc[0]) == "themes" else "items"
    tested = _tested(table)  # items not asked in a wave, or withheld: no test
    family = family_text(table.attrs.get("padjust", compare.DEFAULT_PADJUST),
                         table.attrs.get("family_size", len(tested)), level, lang=lang)
    sig = table[_significant(table, alpha)]
    who = _who(population, lang)
    if sig.empty:
        text = _t(f"waves.none_{level}", lang, who=who, family=family, **waves)
    else:
        moves = [_t("waves.move", lang, label=formats.quote(r.label, lang),
                    share_from=formats.pct(r.share_from, lang=lang), share_to=formats.pct(r.share_to, lang=lang))
                 for r in sig.itertuples()]
        text = _t("waves.some", lang, who=who, moves=formats.join(moves, lang), family=family, **waves)
    return text + (_t("separator", lang) + note if note else "")


def _wave_not_asked(table: pd.DataFrame, lang: str, codebook=None, *, short: bool = False) -> str:
    """The rows of a wave table not compared because an item was not asked in one wave, and where (``short``:
    their labels only, for a slide title; the body text says which item and which wave)."""
    if "reason" not in table.columns:
        return ""
    parts = []
    for r in table[table["reason"] == compare.ITEM_NOT_ASKED].itertuples():
        if short:
            parts.append(formats.quote(r.label, lang))
            continue
        gone = [c for c in str(r.missing).split(";") if c and c != r.code]
        waves = [str(w) for w, asked in ((r.wave_from, r.asked_from), (r.wave_to, r.asked_to)) if not asked]
        items = _quoted((cb.label(c, lang=lang, short=True, codebook=codebook) for c in gone), lang)
        parts.append(_t("waves.not_asked_row" if items else "waves.not_asked_item", lang,
                        label=formats.quote(r.label, lang), items=formats.join(items, lang),
                        waves=formats.join(waves, lang)))
    return _t("waves.not_asked", lang, count=len(parts), rows=_separated(parts, lang)) if parts else ""


def trend_headline(table: pd.DataFrame, *, population: str, lang: str = "fr") -> str:
    """The message of :func:`etude.analysis.waves.wave_trends` (labelled): which items or themes show a linear
    trend over every wave, by the table's decision (``separated``) and family; the ones not tested are named.

    >>> t = pd.DataFrame({"label": ["Temps", "Données"], "level": "items", "waves": "2017;2019;2021",
    ...                   "share_first": [0.2, 0.4], "share_last": [0.6, 0.4], "zscore": [3.1, 0.0],
    ...                   "separated": [True, False], "reason": [None, None]})
    >>> t.attrs.update({"padjust": "bonferroni", "family_size": 2})
    >>> print(trend_headline(t, population="buyers").replace("\u202f", " "))  # doctest: +NORMALIZE_WHITESPACE
    De 2017 à 2021 (3 vagues), chez les acheteurs publics, tendance linéaire : « Temps » en hausse
    (20,0 % → 60,0 %) ; les autres sans tendance séparée du hasard (test de Cochran–Armitage, Bonferroni sur 2 freins)
    """
    lang = check_lang(lang)
    if table.empty:
        return _t("waves.nothing", lang)
    years = str(table["waves"].iloc[0]).split(";")
    level = "themes" if str(table["level"].iloc[0]) == "themes" else "items"
    fields = {"first": years[0], "last": years[-1], "n": formats.number(len(years), lang=lang),
              "who": _who(population, lang),
              "family": family_text(table.attrs.get("padjust", compare.DEFAULT_PADJUST),
                                    int(table.attrs.get("family_size", table["reason"].isna().sum())), level,
                                    lang=lang)}
    sig = table[table["separated"].fillna(False).astype(bool)]
    if sig.empty:
        text = _t(f"trends.none_{level}", lang, **fields)
    else:
        moves = [_t("trends.up" if r.zscore > 0 else "trends.down", lang, label=formats.quote(r.label, lang),
                    share_first=formats.pct(r.share_first, lang=lang), share_last=formats.pct(r.share_last, lang=lang))
                 for r in sig.itertuples()]
        text = _t("trends.some", lang, moves=formats.join(moves, lang), **fields)
    gone = table[table["reason"] == compare.ITEM_NOT_ASKED]
    if len(gone):
        text += _t("separator", lang) + _t("trends.not_asked", lang, count=len(gone),
                                           labels=formats.join(_quoted(gone["label"], lang), lang))
    return text


def wave_dependence_text(df: pd.DataFrame, *, wave_from: int, wave_to: int, key: str = "organisation",
                         lang: str = "fr") -> str:
    """Whether the two waves are independent samples: institutions (``key``) that answered both waves.

    >>> t = pd.DataFrame({"wave": [2017, 2017, 2018, 2018], "organisation": ["mel", None, "mel", "cd80"]})
    >>> wave_dependence_text(t, wave_from=2017, wave_to=2018)[:46]
    'Une même institution a répondu aux deux vagues'
    >>> wave_dependence_text(t, wave_from=2017, wave_to=2018, lang="en")[:57]
    '1 institution answered both waves (1 of 1 named in 2017):'
    """
    lang = check_lang(lang)
    named = {w: set(df.loc[df["wave"] == w, key].dropna().astype(str)) if key in df.columns else set()
             for w in (wave_from, wave_to)}
    both = named[wave_from] & named[wave_to]
    if not both:
        return _t("dependence.independent", lang)
    n, m = len(both), len(named[wave_from])
    return _t("dependence.dependent", lang, both=_t("dependence.both", lang, count=n),
              named=_t("dependence.named", lang, count=m, n=formats.number(n, lang=lang), wave=wave_from))
