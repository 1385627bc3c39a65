"""Sentences that state a result, generated from the numbers in the reader's language.

No finding is written by hand in a notebook: which barrier leads, whether two populations, two groups or two
waves differ, whether the « effet miroir » shows — each sentence comes from a function here, reads the table a
computing module returned, and says « ne se distingue pas » when the test does not separate. The criterion is
the table's decision: for two shares, the ``separated`` column (:func:`etude.analysis.compare.decide`: the adjusted
p-value below ``alpha`` *and* the adjusted interval beside it excluding 0, so that no sentence contradicts the
interval printed next to it); for rankings, the letters of the exact paired tests between every pair of items
(:mod:`etude.analysis.rankings`). Each sentence names its adjustment family (« Bonferroni sur 4 thèmes »).

The words are the catalogue's (``findings.*`` in :mod:`etude.words`), the numbers :mod:`etude.publish.formats`'
in the same language. Tables of :mod:`etude.analysis.compare` and :mod:`etude.analysis.waves` arrive labelled
(:mod:`etude.publish.present.labelled`).

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

import numpy as np
import pandas as pd

from etude import words
from etude.analysis import compare
from etude.publish import formats
from etude.publish.labels import attribute_label
from etude.publish.present.show import escape_text
from etude.publish.reference_text import in_language
from etude.survey import codebook as cb
from etude.words import check_lang

__all__ = [
    "barrier_headline", "barrier_text", "comparison_headline", "comparison_reading", "mirror_text",
    "groups_headline", "wave_headline", "trend_headline", "wave_dependence_text", "rounding_text", "family_text",
    "family_of",
    "counts_headline", "check_headline", "profile_headline", "group_sizes_headline", "supply_headline",
    "plan_headline", "series_headline", "supply_text", "check_text",
]


def _t(key: str, lang: str, **fields) -> str:
    """The catalogue entry ``findings.<key>``."""
    return words.text(f"findings.{key}", lang, **fields)


def _who(population: str, lang: str) -> str:
    key = f"findings.who.{population}"
    return words.text(key, lang) if words.has(key, lang) else str(population)


def _people(population: str, n, lang: str) -> str:
    """« 27 acheteurs publics », « 1 entreprise »: a count of respondents of one population."""
    key = f"findings.people.{population}"
    if words.has(key, lang):
        return words.text(key, lang, count=int(n))
    return _t("people.any", lang, count=int(n), who=str(population))


def _lower_first(text: str) -> str:
    """« Services de l'État » → « services de l'État »; « PME (…) » stays as written."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _quoted(labels, lang: str) -> list[str]:
    return [formats.quote(str(x), lang) for x in labels]


def _separated(parts, lang: str) -> str:
    """Clauses one after the other: « a ; b » (French), “a; b” (English)."""
    return _t("separator", lang).join(parts)


def family_text(padjust: str, size: int, what: str, *, lang: str = "fr") -> str:
    """The adjustment family in words: « Holm sur 4 thèmes », "Holm over 4 themes".

    ``what`` is ``themes``, ``items`` or ``pairs`` (translated), or any word, used as written.

    >>> family_text("holm", 4, "themes")
    'Holm sur 4 thèmes'
    >>> family_text("none", 4, "themes", lang="en")
    'no adjustment, 4 themes'
    >>> family_text("holm", 1, "themes"), family_text("holm", 0, "themes")
    ('Holm sur 1 thème', 'rien à comparer')
    """
    lang = check_lang(lang)
    if size == 0:
        return _t("family.nothing", lang)
    key = f"family.{what}" if what in ("themes", "items", "pairs") else "family.any"
    counted = _t(key, lang, count=size, what=what)
    if padjust == "none":
        return _t("family.unadjusted", lang, how=words.text("common.none", lang), what=counted)
    return _t("family.adjusted", lang, how=words.text(f"common.{padjust}", lang), what=counted)


def family_of(table: pd.DataFrame, *, lang: str = "fr") -> str:
    """The adjustment family a comparison table records in its ``attrs`` (:func:`etude.analysis.compare.compare_themes`,
    :func:`etude.analysis.compare.compare_groups`, :func:`etude.analysis.waves.wave_changes`), in words.

    >>> t = pd.DataFrame({"p_adjusted": [0.5]})
    >>> t.attrs.update({"padjust": "holm", "family_size": 4, "family": "themes"})
    >>> family_of(t)
    'Holm sur 4 thèmes'
    """
    return family_text(table.attrs.get("padjust", "holm"), int(table.attrs.get("family_size", len(table))),
                       table.attrs.get("family", "themes"), lang=lang)


# ------------------------------------------------------------------------------------------------ rankings

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
        return _t("barrier_headline.nothing", lang, who=who)
    ok = ok[ok["letters"].notna()]
    if ok.empty:
        return _t("barrier_headline.unranked", lang, who=who, n=formats.number(table["n_base"].max(), lang=lang))
    top, peers, none = _lead(ok)
    if none:
        return _t("barrier_headline.no_lead", lang, who=who)
    name = formats.quote(cb.label(top["item"], lang=lang, short=True, codebook=codebook), lang)  # a slide title
    share = formats.pct(top["pct"], lang=lang)
    if peers.empty:
        return _cap(_t("barrier_headline.lead", lang, who=who, name=name, share=share))
    if len(peers) > 2:
        return _cap(_t("barrier_headline.long_shared", lang, count=len(peers), who=who, name=name, share=share))
    others = _quoted((cb.label(c, lang=lang, short=True, codebook=codebook) for c in peers["item"]), lang)
    return _cap(_t("barrier_headline.shared", lang, who=who, name=name, share=share,
                   others=formats.join(others, lang),
                   shares=formats.join([formats.pct(p, lang=lang) for p in peers["pct"]], lang)))


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
    ok = ok[ok["letters"].notna()]
    if ok.empty:
        return _t("barrier_text.unranked", lang, min_cell=formats.number(table.attrs.get("min_cell", 5), lang=lang),
                  **fields)
    fields["test"] = _t("barrier_text.test", lang, pairs=formats.number(_pairs_of(ok), lang=lang))
    top, peers, none = _lead(ok)
    if none:
        return _t("barrier_text.no_lead", lang, **fields)
    name = formats.quote(cb.label(top["item"], lang=lang, codebook=codebook), lang)
    part = _t("barrier_text.part", lang, label=name, pct=formats.pct(top["pct"], lang=lang),
              interval=formats.interval(top["ci_low"], top["ci_high"], lang=lang))
    if peers.empty:
        return _t("barrier_text.lead", lang, part=part, **fields)
    others = _quoted((cb.label(c, lang=lang, codebook=codebook) for c in peers["item"]), lang)
    return _t("barrier_text.shared", lang, part=part, others=formats.join(others, lang), **fields)


# ------------------------------------------------------------------------------------------------ comparisons

def _tested(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["test"].isin(compare.TESTS)]


def _significant(table: pd.DataFrame, alpha: float) -> pd.Series:
    """The rows the one decision rule separates (:func:`etude.analysis.compare.decide`)."""
    return compare.decide(table, alpha=alpha)


def _padjust(table: pd.DataFrame, padjust: str | None) -> str:
    return padjust or table.attrs.get("padjust", compare.DEFAULT_PADJUST)


def _sides(table: pd.DataFrame, alpha: float, lang: str) -> tuple[list[str], list[str]]:
    """The quoted labels of the themes the tests separate: those buyers cite more often, those companies do."""
    sig = _tested(table)[_significant(_tested(table), alpha)]
    return (_quoted(sig.loc[sig["diff"] > 0, "label"], lang), _quoted(sig.loc[sig["diff"] < 0, "label"], lang))


def _item_side(code: str, codebook=None) -> str | None:
    """The questionnaire an item belongs to."""
    for kind in cb.populations(codebook):
        book = cb.load(codebook) if not isinstance(codebook, dict) else codebook
        if any(code in {it["code"] for it in q["items"]} for q in book["questionnaires"][kind]["questions"].values()):
            return kind
    return None


def _missing_items(missing, lang: str, codebook=None) -> str:
    """« « Pas de définition » (acheteurs publics) »: the items not asked, each with its questionnaire."""
    codes = [c for c in str(missing).split(";") if c] if isinstance(missing, str) else []
    return formats.join([_t("not_asked.item", lang, item=formats.quote(cb.label(c, lang=lang, short=True,
                                                                                 codebook=codebook), lang),
                            who=_who(_item_side(c, codebook) or "", lang)) for c in codes], lang)


def _not_asked_note(table: pd.DataFrame, lang: str, codebook=None) -> str:
    """The themes left out because an item was not asked on one side, and which item (empty when none)."""
    if "reason" not in table.columns:
        return ""
    gone = table[table["reason"] == compare.ITEM_NOT_ASKED]
    parts = [_t("not_asked.theme", lang, theme=formats.quote(r.label, lang),
                items=_missing_items(r.missing, lang, codebook)) for r in gone.itertuples()]
    return _t("not_asked.note", lang, count=len(parts), themes=_separated(parts, lang)) if parts else ""


def comparison_headline(table: pd.DataFrame, *, alpha: float = 0.05, padjust: str | None = None,
                        lang: str = "fr", codebook=None) -> str:
    """The slide message of :func:`etude.analysis.compare.compare_themes`: which themes separate the two populations
    (:func:`etude.analysis.compare.decide`), and which themes were not compared because an item was not asked.

    ``padjust`` names the family's adjustment; default the table's (``attrs``), else Bonferroni.

    >>> t = pd.DataFrame({"label": ["Information", "Moyens"], "diff": [-0.1, 0.3], "test": ["fisher", "fisher"],
    ...                   "p_adjusted": [0.6, 0.01]})
    >>> print(comparison_headline(t))  # doctest: +NORMALIZE_WHITESPACE
    Les acheteurs citent plus souvent « Moyens » ; pas d'écart ailleurs (Bonferroni sur 2 thèmes)
    >>> comparison_headline(t.assign(p_adjusted=[0.6, 0.2]))
    'Acheteurs et entreprises ne se distinguent sur aucun des 2 thèmes (Bonferroni sur 2 thèmes)'
    >>> comparison_headline(t.assign(test="none"))
    "Aucun thème n'a pu être comparé entre acheteurs et entreprises"
    """
    lang = check_lang(lang)
    tested = _tested(table)
    note = _not_asked_note(table, lang, codebook)
    if tested.empty:  # « ne se distinguent sur aucun des 0 thèmes » would state a finding no test made
        return _t("comparison.nothing", lang) + (_t("separator", lang) + note if note else "")
    family = family_text(_padjust(table, padjust), len(tested), "themes", lang=lang)
    more_b, more_c = _sides(table, alpha, lang)
    if not more_b and not more_c:
        text = _t("comparison.none", lang, n=formats.number(len(tested), lang=lang), family=family)
    else:
        gaps = ([_t("comparison.more_buyers", lang, themes=formats.join(more_b, lang))] if more_b else []) + \
               ([_t("comparison.more_companies", lang, themes=formats.join(more_c, lang))] if more_c else [])
        key = "comparison.all" if len(more_b) + len(more_c) == len(tested) else "comparison.some"
        text = _cap(_t(key, lang, gaps=_separated(gaps, lang), family=family))
    return text + (_t("separator", lang) + note if note else "")


def _verdict(r, alpha: float) -> str:
    """The catalogue key of a tested theme's verdict: the one decision rule, or the disagreement it refuses."""
    row = pd.DataFrame([r._asdict()])
    if compare.decide(row, alpha=alpha).iloc[0]:
        return "reading.more_buyers" if r.diff > 0 else "reading.more_companies"
    return "reading.discordant" if compare.discordant(row, alpha=alpha).iloc[0] else "reading.same"


def _reading_line(r, *, alpha: float, family: str, adjusted: bool, lang: str, codebook=None) -> str:
    """One theme of :func:`comparison_reading`."""
    label = f"**{escape_text(r.label)}**"
    if r.test not in compare.TESTS:
        reason = getattr(r, "reason", None)
        if reason == compare.ITEM_NOT_ASKED:
            return _t("reading.not_asked", lang, label=label,
                      items=escape_text(_missing_items(r.missing, lang, codebook)))
        if reason in (compare.TOO_FEW, compare.NO_ANSWER):
            return _t(f"reading.{reason}", lang, label=label)
        side = "buyers" if not pd.isna(r.pct_buyers) else "companies"
        share = formats.pct(r.pct_buyers if side == "buyers" else r.pct_companies, lang=lang)
        return _t("reading.one_side", lang, label=label, share=share, who=_who(side, lang))
    h = abs(r.cohens_h)
    size = ("negligible", "small", "medium", "large")[(h >= 0.2) + (h >= 0.5) + (h >= 0.8)]
    low, high = (r.diff_ci_low_adj, r.diff_ci_high_adj) if adjusted else (r.diff_ci_low, r.diff_ci_high)
    return _t("reading.line", lang, label=label, buyers=formats.pct(r.pct_buyers, lang=lang),
              companies=formats.pct(r.pct_companies, lang=lang), diff=formats.points(r.diff, lang=lang),
              kind=_t("reading.adjusted" if adjusted else "reading.unadjusted", lang),
              interval=formats.points_interval(low, high, lang=lang), verdict=_t(_verdict(r, alpha), lang),
              family=family, p=formats.pvalue(r.p_adjusted, lang=lang), size=_t(f"reading.effect.{size}", lang),
              h=formats.number(r.cohens_h, 2, lang=lang))


def comparison_reading(table: pd.DataFrame, *, alpha: float = 0.05, padjust: str | None = None,
                       lang: str = "fr", codebook=None) -> str:
    """One Markdown bullet per theme of :func:`etude.analysis.compare.compare_themes`: shares, difference, verdict.

    Returns Markdown (labels escaped); the other sentences of this module are plain text, shown with
    :func:`etude.publish.present.markdown` or :func:`etude.publish.present.heading`.

    The verdict is the one decision rule (:func:`etude.analysis.compare.decide`): « plus souvent » only when the
    adjusted p-value is below ``alpha`` and the interval quoted beside it (adjusted when the table has
    ``diff_ci_low_adj``) excludes 0; when the two disagree the line says so and retains no difference. A theme
    not compared says why (one questionnaire only; an item not asked, named; too few companies).

    >>> t = pd.DataFrame([{"label": "Juridique et procédures", "pct_buyers": 0.36, "pct_companies": 0.58,
    ...     "diff": -0.22, "diff_ci_low": -0.40, "diff_ci_high": 0.01, "test": "fisher", "p_value": 0.07,
    ...     "p_adjusted": 0.28, "cohens_h": -0.44, "n_buyers": 25, "n_companies": 85}])
    >>> comparison_reading(t).split(" ; ")[-1]
    'les deux populations ne se distinguent pas (Bonferroni sur 1 thème, p ajustée = 0,280), effet faible (h = -0,44).'
    >>> comparison_reading(t, lang="en").split("; ")[-1]
    'the two populations do not differ (Bonferroni over 1 theme, adjusted p = 0.280), small effect (h = -0.44).'
    """
    lang = check_lang(lang)
    family = family_text(_padjust(table, padjust), len(_tested(table)), "themes", lang=lang)
    adjusted = "diff_ci_low_adj" in table.columns
    return "\n".join("- " + _reading_line(r, alpha=alpha, family=family, adjusted=adjusted, lang=lang,
                                          codebook=codebook)
                     for r in table.itertuples())


def mirror_text(table: pd.DataFrame, *, alpha: float = 0.05, padjust: str | None = None, lang: str = "fr",
                short: bool = False) -> str:
    """Whether the data show an « effet miroir » — this study's own question, not a finding of the 2017
    restitution: each side citing more often something the other side does not.

    A mirror needs differences in both directions that the one decision rule separates
    (:func:`etude.analysis.compare.decide`); one direction only, or none, is said so. ``short=True`` gives the
    first clause only (a slide heading).

    >>> t = pd.DataFrame({"label": ["Information", "Moyens"], "diff": [-0.2, 0.3], "test": "fisher",
    ...                   "p_adjusted": [0.01, 0.02]})
    >>> mirror_text(t).startswith("Effet miroir : ")
    True
    >>> mirror_text(t.assign(p_adjusted=[0.3, 0.4])).startswith("Pas d'effet miroir démontré")
    True
    >>> print(mirror_text(t, lang="en", short=True))  # doctest: +NORMALIZE_WHITESPACE
    A mirror effect: buyers cite “Moyens” more often, companies “Information”
    """
    lang = check_lang(lang)
    if short:
        return mirror_text(table, alpha=alpha, padjust=padjust, lang=lang).split(". ")[0].rstrip(".")
    family = family_text(_padjust(table, padjust), len(_tested(table)), "themes", lang=lang)
    more_b, more_c = _sides(table, alpha, lang)
    if more_b and more_c:
        return _t("mirror.both", lang, buyers=formats.join(more_b, lang), companies=formats.join(more_c, lang),
                  family=family)
    if more_b or more_c:
        key = "mirror.buyers_only" if more_b else "mirror.companies_only"
        return _t(key, lang, themes=formats.join(more_b or more_c, lang), family=family)
    return _t("mirror.none", lang, family=family)


def groups_headline(table: pd.DataFrame, *, alpha: float = 0.05, padjust: str | None = None,
                    lang: str = "fr") -> str:
    """The message of :func:`etude.analysis.compare.compare_groups`: which pairs of groups differ, how many were
    withheld.

    >>> t = pd.DataFrame({"label": ["Moyens", "Moyens"], "group1_label": ["État", "État"],
    ...                   "group2_label": ["Collectivités", "Autres"], "diff": [float("nan"), 0.1],
    ...                   "test": ["not_comparable", "fisher"], "p_adjusted": [float("nan"), 0.9],
    ...                   "status": ["too_few", "compared"]})
    >>> print(groups_headline(t))  # doctest: +NORMALIZE_WHITESPACE
    Les types d'acheteurs ne se distinguent sur aucun thème (Bonferroni sur 1 comparaison) ; 1 comparaison non
    faite (groupe trop petit)

    With no comparison made, nothing is said of differences:

    >>> groups_headline(t.iloc[:1])
    "Aucune comparaison entre types d'acheteurs n'a pu être faite : 1 comparaison, groupe trop petit"
    """
    lang = check_lang(lang)
    tested = table[table["status"] == compare.STATUS_OK]
    withheld = int((table["status"] == compare.TOO_FEW).sum())
    if tested.empty:  # « ne se distinguent sur aucun thème » would state a finding no test made
        return _t("groups.nothing_withheld", lang, count=withheld) if withheld else _t("groups.nothing", lang)
    family = family_text(_padjust(table, padjust), len(tested), "pairs", lang=lang)
    sig = tested[_significant(tested, alpha)]
    if sig.empty:
        text = _t("groups.none", lang, family=family)
    else:
        pairs = [_t("groups.pair", lang, group1=r.group1_label, group2=r.group2_label,
                    theme=formats.quote(r.label, lang)) for r in sig.itertuples()]
        text = _t("groups.some", lang, pairs=formats.join(pairs, lang), family=family)
    return _t("groups.withheld", lang, count=withheld, text=text) if withheld else text


# ------------------------------------------------------------------------------------------------ waves

def wave_headline(table: pd.DataFrame, *, population: str, alpha: float = 0.05, lang: str = "fr",
                  codebook=None) -> str:
    """The message of :func:`etude.analysis.waves.wave_changes`: which items or themes changed between two waves.

    The family is the table's: one questionnaire's items, or its themes (``attrs["padjust"]``, Bonferroni by
    default); a change is named only when the one decision rule separates it (:func:`etude.analysis.compare.decide`);
    rows not compared because an item was not asked in a wave are named, with the wave.

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
    note = _wave_not_asked(table, lang, codebook)
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


def _wave_not_asked(table: pd.DataFrame, lang: str, codebook=None) -> str:
    """The rows of a wave table not compared because an item was not asked in one wave, and where."""
    if "reason" not in table.columns:
        return ""
    parts = []
    for r in table[table["reason"] == compare.ITEM_NOT_ASKED].itertuples():
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


# ------------------------------------------------------------------------------------------------ published figures

def _decimals(x: float) -> int:
    text = f"{abs(float(x)):.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _tolerance(r, levels: pd.DataFrame | None) -> float:
    """How far rounding can move a recomputed change from the published one (see :func:`rounding_text`)."""
    tol = 0.5 * 10 ** -_decimals(r.published)
    if levels is None:
        return tol
    line = levels[(levels["series"] == r.series) & (levels["indicator"] == r.indicator)]
    line = line.set_index(line["period"].astype(str))["value"]
    prev = str(int(str(r.period)[:4]) - 1)
    if str(r.period) in line.index and prev in line.index:
        l0, l1 = float(line[prev]), float(line[str(r.period)])
        e = 0.5 * 10 ** -max(_decimals(l0), _decimals(l1))
        tol += (e / abs(l0)) * (1 + abs(l1 / l0)) if l0 else 0
    return tol


def rounding_text(table: pd.DataFrame, *, levels: pd.DataFrame | None = None, lang: str = "fr") -> str:
    """Whether recomputed year-on-year changes agree with the published ones, to rounding
    (:func:`etude.analysis.indicators.published_vs_computed`).

    A published change given to ``d`` decimals (as a fraction) is exact to half a unit of its last digit; levels
    rounded to their published decimals move the recomputed change by at most about
    ``(e / L0) × (1 + L1 / L0)`` (``e`` half a unit of the levels' last digit). When ``levels`` (the long table
    with ``series, indicator, period, value``) is not given, only the first term counts.

    >>> t = pd.DataFrame({"series": ["adcf"], "indicator": ["volume"], "period": ["2019"], "computed": [0.132],
    ...                   "published": [0.116], "difference": [0.016]})
    >>> print(rounding_text(t).replace("\u202f", " "))  # doctest: +NORMALIZE_WHITESPACE
    Une évolution recalculée sur 1 s’écarte de l’évolution publiée plus que les arrondis ne l’expliquent :
    adcf 2019 (+13,2 % recalculé, +11,6 % publié).
    >>> print(rounding_text(t, lang="en"))  # doctest: +NORMALIZE_WHITESPACE
    1 of 1 recomputed changes differs from the published one by more than rounding explains:
    adcf 2019 (+13.2% recomputed, +11.6% published).
    """
    lang = check_lang(lang)
    rows = table[table["computed"].notna() & table["published"].notna()]
    if rows.empty:
        return _t("rounding.nothing", lang)
    bad = [r for r in rows.itertuples() if abs(r.difference) > _tolerance(r, levels) + 1e-12]
    if not bad:
        return _t("rounding.agree", lang, count=len(rows))

    def signed(v):
        return ("+" if v > 0 else "") + formats.pct(v, lang=lang)
    from etude.publish.present.tables import series_label
    items = [_t("rounding.item", lang, series=series_label(r.series, lang), period=r.period,
                computed=signed(r.computed),
                published=signed(r.published)) for r in bad]
    return _t("rounding.differ", lang, count=len(bad), total=formats.number(len(rows), lang=lang),
              items=formats.join(items, lang))


# ------------------------------------------------------------------------------------------------ slide headings

def counts_headline(counts: pd.DataFrame, *, lang: str = "fr") -> str:
    """Who answered, per wave (:func:`etude.analysis.stats.wave_counts`).

    >>> c = pd.DataFrame({"population": ["buyers", "companies"], "wave": [2017, 2017], "n": [27, 90]})
    >>> counts_headline(c)
    '2017 : 27 acheteurs publics et 90 entreprises'
    >>> counts_headline(c.assign(n=[1, 1234]), lang="en")
    '2017: 1 public buyer and 1,234 companies'
    """
    lang = check_lang(lang)
    parts = [_t("counts.wave", lang, wave=w, people=formats.join([_people(r.population, r.n, lang)
                                                                   for r in g.itertuples()], lang))
             for w, g in counts.groupby("wave", sort=True)]
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


def _profile_not_given(t: pd.DataFrame, attribute: str, population: str, lang: str) -> str:
    label = formats.quote(attribute_label(population, attribute, lang=lang), lang)
    people = "companies" if population == "companies" else "buyers"
    return _t(f"profile.not_given.{people}", lang, n=formats.number(t["n_total"].iloc[0], lang=lang),
              attribute=label)


def _profile_largest(t: pd.DataFrame, population: str, lang: str) -> str:
    pct = pd.to_numeric(t["pct"])
    top = t.loc[pct.idxmax()]
    tied = [str(x) for x in t.loc[np.isclose(pct, pct.max()), "label"]]  # every largest group, not the first
    people = "companies" if population == "companies" else "buyers"
    groups = formats.join(tied, lang) if len(tied) <= 2 else _t("profile.tied", lang, count=len(tied))  # a title
    return _t(f"profile.largest.{people}", lang, count=len(tied), groups=groups,
              pct=formats.pct(top["pct"], lang=lang), n=formats.number(top["n_total"], lang=lang))


def profile_headline(table: pd.DataFrame, attribute: str, *, population: str, wave: int | None = None,
                     lang: str = "fr") -> str:
    """The largest published group of a profile (:func:`etude.analysis.stats.profile`), with its share and base.

    >>> t = pd.DataFrame({"wave": 2017, "attribute": "buyer_type", "value": ["etat", "sante"],
    ...                   "label": ["Services de l'État", "Santé"], "n": [17, 3], "n_total": 27,
    ...                   "pct": [17 / 27, 3 / 27]})
    >>> profile_headline(t, "buyer_type", population="buyers", wave=2017)
    "2017 : Services de l'État, 63,0\u202f% des 27 acheteurs publics répondants"

    Groups tied for the largest share are all named:

    >>> tie = t.assign(n=[2, 2], n_total=6, pct=[2 / 6, 2 / 6])
    >>> profile_headline(tie, "buyer_type", population="buyers", wave=2017)
    "2017 : Services de l'État et Santé, 33,3\u202f% chacun des 6 acheteurs publics répondants"

    A wave whose export does not give the attribute says so, rather than « no publishable group »:

    >>> blank = pd.DataFrame({"wave": 2020, "attribute": "size_class", "value": ["micro", "non_renseigne"],
    ...                       "label": ["Micro", "Non renseigné"], "n": [0, 75], "n_total": 75, "pct": [0.0, 1.0]})
    >>> profile_headline(blank, "size_class", population="companies", wave=2020)
    "2020 : aucune des 75 entreprises répondantes ne renseigne « Taille de l'entreprise »"
    >>> profile_headline(blank, "size_class", population="companies", wave=2020, lang="en")
    '2020: none of the 75 responding companies gives “Company size”'
    """
    lang = check_lang(lang)
    t = table[table["attribute"] == attribute]
    if wave is not None and "wave" in t.columns:
        t = t[t["wave"] == wave]
    given = pd.to_numeric(t["n"], errors="coerce").fillna(0) > 0
    if len(t) and given.any() and (t.loc[given, "value"] == "non_renseigne").all():
        text = _profile_not_given(t, attribute, population, lang)
    else:
        if "suppressed" in t.columns:
            t = t[~t["suppressed"].fillna(False).astype(bool)]
        t = t[t["pct"].notna() & (t["value"] != "non_renseigne")]
        if t.empty:
            return _t("profile.nothing", lang)
        text = _profile_largest(t, population, lang)
    return text if wave is None else _t("profile.wave", lang, wave=wave, text=text)


def group_sizes_headline(table: pd.DataFrame, by: str, *, population: str, lang: str = "fr",
                         codebook=None) -> str:
    """The group sizes behind a grouped barrier chart; says when a group is too small to be ranked (under
    ``min_cell``, ``attrs``: no interval nor letters, :func:`etude.analysis.stats.frequencies`).

    A suppressed group (``suppressed``) publishes no size: it reads « < min_cell » when it is under the threshold
    itself, « n.d. » when it is hidden so that a smaller one cannot be recovered (secondary suppression,
    ``attrs["primary"]`` of :func:`etude.safety.disclosure.suppress_small`). The group names and sizes are on
    the chart: the heading says how many groups, from how many respondents to the question to how many.

    >>> t = pd.DataFrame({"buyer_type": ["etat", "etat", "collectivite"], "n_base": [15, 15, 4],
    ...                   "suppressed": [False, False, True]})
    >>> print(group_sizes_headline(t, "buyer_type", population="buyers").replace("\u202f", " "))
    Par type d'acheteur : 2 groupes, de < 5 à 15 répondants ; sous 5, pas de classement
    >>> group_sizes_headline(t, "buyer_type", population="buyers", lang="en").split(";")[0]
    'By buyer type: 2 groups, from < 5 to 15 who answered'
    """
    from etude.publish.labels import attribute_label
    lang = check_lang(lang)
    min_cell = table.attrs.get("min_cell", 5)
    sup = table["suppressed"] if "suppressed" in table.columns else pd.Series(False, index=table.index)
    primary = table.attrs.get("primary")
    small_rows = table.index if primary is None else table.index.intersection(primary)
    sizes = table.assign(_sup=sup.fillna(False).astype(bool),
                         _small=table.index.isin(small_rows)).drop_duplicates(by)
    attr = attribute_label(population, by, lang=lang, codebook=codebook)
    n = pd.to_numeric(sizes["n_base"], errors="coerce")
    shown = n[~sizes["_sup"] & n.notna()]
    hidden = bool(sizes["_sup"].any())
    under = _t("sizes.under", lang, n=formats.number(min_cell, lang=lang))
    primary_hidden = bool((sizes["_sup"] & sizes["_small"]).any())  # under the threshold itself: « < 5 »
    low = under if primary_hidden else formats.number(shown.min(), lang=lang) if len(shown) else formats.missing(lang)
    high = formats.number(shown.max(), lang=lang) if len(shown) else formats.missing(lang)
    # a group is ranked (letters, interval) from min_cell respondents up (etude.analysis.stats.frequencies)
    small = hidden or bool((n.isna() | (n < min_cell)).any())
    return _t("sizes.line_small" if small else "sizes.line", lang, attribute=_lower_first(attr),
              count=len(sizes), low=low, high=high, min_cell=formats.number(min_cell, lang=lang))


def supply_headline(table: pd.DataFrame, *, lang: str = "fr") -> str:
    """What the supply/demand table (:func:`etude.analysis.matching.supply_demand`) says first.

    >>> t = pd.DataFrame({"label": ["Santé", "Immobilier"], "n_buyers": [3, 2], "ratio": [float("nan"), 4.0],
    ...                   "flag": ["demande_sans_offre", ""]})
    >>> supply_headline(t)
    'Santé : des besoins sans aucune offre'
    >>> supply_headline(t.assign(flag=""))
    "Besoins et offres dans chaque segment ; le plus d'offres par acheteur : Immobilier (4,0)"
    """
    lang = check_lang(lang)
    need = [str(x) for x in table.loc[table["flag"] == "demande_sans_offre", "label"]]
    if need:
        return _t("supply.needs", lang, segments=formats.join(need, lang))
    ratio = pd.to_numeric(table["ratio"], errors="coerce")
    if ratio.notna().any():
        return _t("supply.balanced_best", lang, segment=table.loc[ratio.idxmax(), "label"],
                  ratio=formats.number(ratio.max(), 1, lang=lang))
    return _t("supply.balanced", lang)


def plan_headline(summary: pd.DataFrame, *, slots: int, lang: str = "fr") -> str:
    """The meeting plan in one line (:func:`etude.analysis.matching.plan_summary`).

    >>> s = pd.DataFrame({"indicator": ["meetings", "buyers_met", "buyers"], "value": [12, 9, 10]})
    >>> plan_headline(s, slots=4)
    '12 rendez-vous en 4 créneaux : 9 acheteurs sur 10 en ont au moins un'
    >>> plan_headline(s, slots=1, lang="en")
    '12 meetings in 1 slot: 9 of 10 buyers have at least one'
    """
    lang = check_lang(lang)
    v = dict(zip(summary["indicator"], summary["value"]))
    met, total = (formats.number(v.get(k), lang=lang) for k in ("buyers_met", "buyers"))
    return _t("plan.headline", lang, meetings=_t("plan.meetings", lang, count=int(v.get("meetings") or 0)),
              slots=_t("plan.slots", lang, count=int(slots)), met=met, total=total)


def series_headline(table: pd.DataFrame, series: str, indicator: str, *, lang: str = "fr") -> str:
    """The first and last published (or computed) figures of one line of the long indicator table.

    A line that holds both published figures and the study's own counts (rows noted
    :data:`etude.analysis.indicators.SURVEY_NOTE`, or that note in words after
    :func:`etude.publish.present.survey_sources`: the GT's 2017 figures continued by later waves) never reads as
    one series: the published figures and the counted ones come as two labelled parts.

    >>> t = pd.DataFrame({"series": "gt", "indicator": "n", "label_fr": "Réponses d'acheteurs", "period": ["2017",
    ...                   "2018"], "value": [27.0, 34.0], "unit": "réponses", "status": ["published", "simulated"]})
    >>> series_headline(t, "gt", "n")
    "Réponses d'acheteurs : 27 en 2017, 34 en 2018 (simulé)"
    >>> print(series_headline(t.assign(note=[None, "survey_count"]), "gt", "n"))  # doctest: +NORMALIZE_WHITESPACE
    Réponses d'acheteurs : publié, 27 en 2017 ; compté dans le fichier d'étude, 34 en 2018 (simulé)
    """
    from etude.analysis.indicators import SURVEY_NOTE
    lang = check_lang(lang)
    line = table[(table["series"] == series) & (table["indicator"] == indicator) & table["value"].notna()]
    if line.empty:
        return words.text("common.missing", lang)
    line = in_language(line.sort_values("period"), lang)
    column = f"label_{lang}" if f"label_{lang}" in line.columns else "label_fr"
    label = str(line[column].iloc[0]) if column in line.columns else str(indicator)
    notes = {SURVEY_NOTE, words.text("tables.indicators.survey_note", lang)}  # as computed, or as worded
    counted = line["note"].astype("string").isin(notes).fillna(False).astype(bool) if "note" in line \
        else pd.Series(False, index=line.index)
    if counted.any() and not counted.all():
        parts = [_t(f"series.{kind}", lang, values=_series_values(part, lang))
                 for kind, part in (("published", line[~counted]), ("counted", line[counted]))]
        return _t("series.line", lang, label=label, values=_separated(parts, lang))
    return _t("series.line", lang, label=label, values=_series_values(line, lang))


def _series_values(line: pd.DataFrame, lang: str) -> str:
    """« 27 en 2017, 34 en 2018 (simulé) »: the first and last figures of a line (sorted by period)."""
    def one(r):
        status = str(r["status"]) if "status" in r and isinstance(r["status"], str) else ""
        value = formats.number(r["value"], 0 if float(r["value"]).is_integer() else 1, lang=lang)
        if status in ("simulated", "uncertain"):
            return _t("series.tagged", lang, value=value, period=r["period"], status=words.label(status, lang=lang))
        return _t("series.value", lang, value=value, period=r["period"])

    return ", ".join([one(line.iloc[0])] + ([one(line.iloc[-1])] if len(line) > 1 else []))


def supply_text(table: pd.DataFrame, *, lang: str = "fr") -> str:
    """What a working group would act on, in one or two sentences (Markdown, labels escaped) from
    :func:`etude.analysis.matching.supply_demand`.

    >>> t = pd.DataFrame({"label": ["Santé", "Immobilier", "Numérique"], "n_buyers": [3, 0, 2],
    ...                   "ratio": [float("nan"), float("nan"), 4.0],
    ...                   "flag": ["demande_sans_offre", "offre_sans_demande", ""]})
    >>> print(supply_text(t))  # doctest: +NORMALIZE_WHITESPACE
    **Demande sans offre** : Santé (3 acheteurs). **Offre sans demande** : Immobilier. Offre la plus abondante
    par acheteur : Numérique (4,0 entreprises par acheteur).
    >>> print(supply_text(t, lang="en"))  # doctest: +NORMALIZE_WHITESPACE
    **Demand without supply**: Santé (3 buyers). **Supply without demand**: Immobilier. Most offers per buyer:
    Numérique (4.0 companies per buyer).
    """
    lang = check_lang(lang)
    parts = []
    need = table[table["flag"] == "demande_sans_offre"]
    if len(need):
        few = formats.number(table.attrs.get("min_cell", 5), lang=lang)  # a count the small-group rule withholds
        items = ", ".join(_t("supply.need_few", lang, min_cell=few, segment=escape_text(r.label))
                          if pd.isna(r.n_buyers) else
                          _t("supply.need", lang, count=int(r.n_buyers), segment=escape_text(r.label))
                          for r in need.itertuples())
        parts.append(_t("supply.flagged", lang, flag=f"**{words.label('demande_sans_offre', lang=lang)}**",
                        segments=items))
    offer = table[table["flag"] == "offre_sans_demande"]
    if len(offer):
        parts.append(_t("supply.flagged", lang, flag=f"**{words.label('offre_sans_demande', lang=lang)}**",
                        segments=", ".join(escape_text(x) for x in offer["label"])))
    if not parts:
        parts.append(_t("supply.balanced_sentence", lang))
    ratio = pd.to_numeric(table["ratio"], errors="coerce")
    if ratio.notna().any():
        parts.append(_t("supply.best", lang, segment=escape_text(table.loc[ratio.idxmax(), "label"]),
                        ratio=formats.number(ratio.max(), 1, lang=lang)))
    return " ".join(parts)


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
