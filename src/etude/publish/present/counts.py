"""Who answered, per wave, and whether the loaded counts match the published ones
(:func:`etude.analysis.stats.wave_counts`, :func:`etude.analysis.stats.published_check`).
"""
from __future__ import annotations

import pandas as pd

from etude.publish import formats
from etude.publish.present.phrasing import _people, _separated, _t, _who
from etude.publish.reference_text import in_language
from etude.words import check_lang

__all__ = ["counts_headline", "check_headline", "check_text"]


def counts_headline(counts: pd.DataFrame, *, lang: str = "fr") -> str:
    """Who answered, per wave (:func:`etude.analysis.stats.wave_counts`).

    >>> c = pd.DataFrame({"population": ["buyers", "companies"], "wave": [2017, 2017], "n": [27, 90]})
    >>> counts_headline(c)
    '2017 : 27 acheteurs publics et 90 entreprises'
    >>> counts_headline(c.assign(n=[1, 1234]), lang="en")
    '2017: 1 public buyer and 1,234 companies'
    >>> three = pd.DataFrame({"population": ["buyers", "companies"] * 3, "wave": [2017] * 2 + [2019] * 2 + [2021] * 2,
    ...                       "n": [6, 6] * 3})
    >>> counts_headline(three)
    '2017, 2019 et 2021 : 6 acheteurs publics et 6 entreprises à chaque vague'
    """
    lang = check_lang(lang)
    waves: dict[str, list] = {}  # the same respondents in several waves are said once (a title of two lines)
    for w, g in counts.groupby("wave", sort=True):
        waves.setdefault(formats.join([_people(r.population, r.n, lang) for r in g.itertuples()], lang), []).append(w)
    parts = [_t("counts.wave", lang, wave=ws[0], people=people) if len(ws) == 1
             else _t("counts.waves", lang, waves=formats.join([str(w) for w in ws], lang), people=people)
             for people, ws in waves.items()]
    return _separated(parts, lang)


def check_headline(check: pd.DataFrame, *, lang: str = "fr") -> str:
    """Whether the loaded counts match the published ones (:func:`etude.analysis.stats.published_check`).

    >>> check_headline(pd.DataFrame({"match": [True, False]}))
    '1 effectif sur 2 diffère du chiffre publié'
    """
    lang = check_lang(lang)
    if "loaded" in check.columns and check["loaded"].isna().all():
        return _unchecked(check, lang)
    check = check[check["loaded"].notna()] if "loaded" in check.columns else check
    n, bad = formats.number(len(check), lang=lang), int((~check["match"].astype(bool)).sum())
    return _t("check.differ", lang, count=bad, total=n) if bad else _t("check.match", lang, n=n)


def check_text(check: pd.DataFrame, *, simulated: bool = False, lang: str = "fr") -> str:
    """One sentence saying whether the loaded data match the published counts.

    >>> c = pd.DataFrame({"label": ["Réponses d'acheteurs"], "published": [27], "loaded": [27], "match": [True],
    ...                   "source": ["GT"]})
    >>> print(check_text(c, simulated=True))  # doctest: +NORMALIZE_WHITESPACE
    Les effectifs chargés correspondent aux effectifs publiés (1 sur 1 ; source : GT). Les données sont simulées :
    elles ont été calibrées sur ces effectifs, ce qui ne dit rien des réponses réelles.
    >>> print(check_text(c.assign(loaded=[6], match=[False]), simulated=True))  # doctest: +NORMALIZE_WHITESPACE
    1 effectif sur 1 diffère des chiffres publiés (source : GT) — Réponses d'acheteurs : 6 chargés pour 27
    publiés. Les données sont simulées : elles ne disent rien des réponses réelles.
    """
    lang = check_lang(lang)
    check = in_language(check, lang)
    if check["loaded"].isna().all():
        return _unchecked(check, lang) + "."
    unchecked = check[check["loaded"].isna()]
    check = check[check["loaded"].notna()]
    sources = "; ".join(dict.fromkeys(str(s) for s in check["source"]))
    bad = check[~check["match"].astype(bool)]
    n = formats.number(len(check), lang=lang)
    if bad.empty:
        text = _t("check.all_match", lang, n=n, sources=sources)
    else:
        gaps = [_t("check.gap", lang, label=r.label, loaded=formats.number(r.loaded, lang=lang),
                   published=formats.number(r.published, lang=lang)) for r in bad.itertuples()]
        text = _t("check.some_differ", lang, count=len(bad), total=n, sources=sources,
                  gaps=_separated(gaps, lang))
    if not unchecked.empty:
        text += " " + _unchecked(unchecked, lang) + "."
    if simulated:  # calibrated on the published counts: only true where they match
        text += " " + _t("check.simulated_match" if bad.empty else "check.simulated", lang)
    return text


def _unchecked(check: pd.DataFrame, lang: str) -> str:
    """The published figures a study cannot check: it has no respondent of that population in that wave."""
    waves = ", ".join(dict.fromkeys(str(w) for w in check["wave"]))
    who = formats.join([_who(p, lang) for p in dict.fromkeys(check["population"])], lang)
    return _t("check.unchecked", lang, count=len(check), waves=waves, who=who)
