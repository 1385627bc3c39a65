"""The sentences of a barrier ranking (:func:`etude.analysis.stats.frequencies`): which barrier leads, if any.

No finding is written by hand in a notebook: which barrier leads, whether two populations, two groups or two
waves differ, whether the « effet miroir » shows — each sentence comes from a function of :mod:`etude.publish.present`
(this module, :mod:`~etude.publish.present.comparisons`, :mod:`~etude.publish.present.waves`, …), reads the table a
computing module returned, and says « ne se distingue pas » when the test does not separate. For rankings, the
criterion is the letters of the exact paired tests between every pair of items (:mod:`etude.analysis.rankings`).

The words are the catalogue's (``findings.*`` in :mod:`etude.words`), the numbers :mod:`etude.publish.formats`'
in the same language. Each sentence marks the respondent numbers it prints (the base, the shares:
:mod:`etude.publish.marks`), so that ``etude audit`` holds them against the published tables.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"item": ["e_moyens", "e_besoins"], "pct": [0.66, 0.40], "letters": ["a", "b"],
...                   "n_base": [85, 85]})
>>> barrier_headline(t, population="companies")
"Les entreprises citent d'abord « Manque de moyens » (66,0\u202f%)"
>>> barrier_headline(t, population="companies", lang="en")
'Companies cite “Lack of means” first (66.0%)'
>>> barrier_headline(t.assign(letters="a"), population="companies")
'Aucun frein des entreprises ne se distingue des autres'
"""
from __future__ import annotations

import pandas as pd

from etude import words
from etude.publish import formats
from etude.publish.marks import marked, row_mark
from etude.publish.present.phrasing import _cap, _quoted, _t, _who
from etude.survey import codebook as cb
from etude.survey.context import min_cell_of
from etude.words import check_lang

__all__ = ["barrier_headline", "barrier_text"]


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    """The published rows with a share, most cited first (the table's order on equal shares)."""
    ok = table
    if "suppressed" in table.columns:
        ok = ok[~ok["suppressed"].fillna(False).astype(bool)]
    ok = ok[ok["pct"].notna()]
    if "letters" not in ok.columns:
        raise ValueError("la table n'a pas de colonne « letters » (etude.analysis.stats.frequencies la calcule)")
    return ok.sort_values("pct", ascending=False, kind="stable")


def _lead(ok: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame, bool]:
    """The most cited row, the rows the paired test does not separate from it (they share a letter), and
    whether the test separates any pair at all (:mod:`etude.analysis.rankings`: a compact letter display)."""
    letters = [set(str(x)) for x in ok["letters"]]
    top = ok.iloc[0]
    peers = ok.iloc[[k for k in range(1, len(ok)) if letters[k] & letters[0]]]
    none = all(a & b for i, a in enumerate(letters) for b in letters[i + 1:])
    return top, peers, none


def _pairs_of(ok: pd.DataFrame) -> int:
    k = len(ok)
    return k * (k - 1) // 2


def barrier_headline(table: pd.DataFrame, *, population: str, lang: str = "fr", codebook=None) -> str:
    """The slide message of a barrier table (:func:`etude.analysis.stats.frequencies`): what leads, if anything does.

    « X first » only when the paired tests separate X from every other item; otherwise the items that share
    its letter (not separated from it) are named; « no barrier stands out » only when no pair is separated.

    >>> t = pd.DataFrame({"item": ["b_temps", "b_donnees", "b_soutien"], "pct": [0.6, 0.56, 0.2],
    ...                   "letters": ["a", "ab", "b"], "n_base": 25})
    >>> print(barrier_headline(t, population="buyers", lang="en"))  # doctest: +NORMALIZE_WHITESPACE
    Public buyers: “No time” (60.0%) leads, not separated from “Lack of data”
    """
    lang = check_lang(lang)
    ok = _ranked(table)
    who = _who(population, lang)
    if ok.empty:
        withheld = "suppressed" in table.columns and len(table) and table["suppressed"].fillna(False).all()
        if withheld:  # the whole wave is under the threshold: say so, as the lever slides do
            return words.text("disclosure.withheld", lang, who=cb.label(population, lang=lang),
                              n=f"< {formats.number(min_cell_of(table), lang=lang)}")
        return _t("barrier_headline.nothing", lang, who=who)
    ok = ok[ok["letters"].notna()]
    if ok.empty:  # a base under min_cell: the wave's respondents, said exactly by the rule, not a group's
        return _t("barrier_headline.unranked", lang, who=who, n=formats.number(table["n_base"].max(), lang=lang))
    top, peers, none = _lead(ok)
    if none:
        return _t("barrier_headline.no_lead", lang, who=who)
    name = formats.quote(cb.label(top["item"], lang=lang, short=True, codebook=codebook), lang)  # a slide title
    share = formats.pct(top["pct"], lang=lang)
    marks = [row_mark(top, "pct", population)]
    if peers.empty:
        return marked(_cap(_t("barrier_headline.lead", lang, who=who, name=name, share=share)), marks)
    if len(peers) > 2:
        return marked(_cap(_t("barrier_headline.long_shared", lang, count=len(peers), who=who, name=name,
                              share=share)), marks)
    others = _quoted((cb.label(c, lang=lang, short=True, codebook=codebook) for c in peers["item"]), lang)
    return marked(_cap(_t("barrier_headline.shared", lang, who=who, name=name, share=share,
                          others=formats.join(others, lang),
                          shares=formats.join([formats.pct(p, lang=lang) for p in peers["pct"]], lang))),
                  marks + [row_mark(r, "pct", population) for _, r in peers.iterrows()])


def barrier_text(table: pd.DataFrame, *, population: str, lang: str = "fr", codebook=None) -> str:
    """The reading of a barrier table in two sentences: denominator, what the paired tests separate, how.

    >>> t = pd.DataFrame({"item": ["b_temps", "b_soutien"], "pct": [0.6, 0.2], "pct_all": [0.55, 0.18],
    ...                   "ci_low": [0.4, 0.1], "ci_high": [0.8, 0.4], "letters": ["a", "b"], "n_base": 25})
    >>> text = barrier_text(t, population="buyers").replace("\u202f", " ")
    >>> print(text.split(" : ")[0])  # doctest: +NORMALIZE_WHITESPACE
    Sur 25 acheteurs publics qui ont répondu à la question, le frein le plus cité est
    « Pas de temps à y consacrer » (60,0 % ; IC [40,0 % ; 80,0 %])
    >>> text.endswith("le sépare de chacun des autres.")
    True
    >>> print(barrier_text(t, population="buyers", lang="en").split(":")[0])  # doctest: +NORMALIZE_WHITESPACE
    Of 25 public buyers who answered the question, the most cited barrier is “No time to devote to it”
    (60.0%; CI [40.0%, 80.0%])
    """
    lang = check_lang(lang)
    ok = _ranked(table)
    if ok.empty:
        return _t("barrier_text.nothing", lang)
    fields = {"n": formats.number(ok["n_base"].iloc[0], lang=lang), "who": _who(population, lang)}
    marks = [row_mark(ok.iloc[0], "n_base", population)]
    ok = ok[ok["letters"].notna()]
    if ok.empty:  # a base under min_cell: the wave's respondents, said exactly by the rule (unmarked, as above)
        return _t("barrier_text.unranked", lang, min_cell=formats.number(min_cell_of(table), lang=lang),
                  **fields)
    fields["test"] = _t("barrier_text.test", lang, pairs=formats.number(_pairs_of(ok), lang=lang))
    top, peers, none = _lead(ok)
    if none:
        return marked(_t("barrier_text.no_lead", lang, **fields), marks)
    name = formats.quote(cb.label(top["item"], lang=lang, codebook=codebook), lang)
    part = _t("barrier_text.part", lang, label=name, pct=formats.pct(top["pct"], lang=lang),
              interval=formats.interval(top["ci_low"], top["ci_high"], lang=lang))
    marks.append(row_mark(top, "pct", population))
    if peers.empty:
        return marked(_t("barrier_text.lead", lang, part=part, **fields), marks)
    others = _quoted((cb.label(c, lang=lang, codebook=codebook) for c in peers["item"]), lang)
    return marked(_t("barrier_text.shared", lang, part=part, others=formats.join(others, lang), **fields), marks)
