"""The sentences of a comparison between buyers and companies, or between groups of one population
(:func:`etude.analysis.compare.compare_themes`, :func:`etude.analysis.compare.compare_groups`): which themes the
one decision rule separates, the « effet miroir », one reading line per theme, the themes not compared and why.

The criterion is the table's decision (:func:`etude.analysis.compare.decide`: the adjusted p-value below ``alpha``
*and* the adjusted interval beside it excluding 0, so that no sentence contradicts the interval printed next to
it); each sentence names its adjustment family (« Bonferroni sur 4 thèmes », :mod:`etude.publish.present.family`).
Tables of :mod:`etude.analysis.compare` and :mod:`etude.analysis.waves` arrive labelled
(:mod:`etude.publish.present.labelled`).
"""
from __future__ import annotations

import pandas as pd

from etude.analysis import compare
from etude.publish import formats
from etude.publish.marks import mark, marked
from etude.publish.present.family import _padjust, _significant, _tested, family_text
from etude.publish.present.phrasing import _cap, _quoted, _separated, _t, _who
from etude.publish.present.show import escape_text
from etude.survey import codebook as cb
from etude.words import check_lang

__all__ = ["comparison_headline", "comparison_reading", "mirror_text", "groups_headline"]


def _sides(table: pd.DataFrame, alpha: float, lang: str) -> tuple[list[str], list[str]]:
    """The quoted labels of the themes the tests separate: those buyers cite more often, those companies do."""
    sig = _tested(table)[_significant(_tested(table), alpha)]
    return (_quoted(sig.loc[sig["diff"] > 0, "label"], lang), _quoted(sig.loc[sig["diff"] < 0, "label"], lang))


def _item_side(code: str, codebook=None) -> str | None:
    """The questionnaire an item belongs to."""
    for population in cb.populations(codebook):
        book = cb.load(codebook) if not isinstance(codebook, dict) else codebook
        if any(code in {it["code"] for it in q["items"]}
               for q in book["questionnaires"][population]["questions"].values()):
            return population
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
    text = "\n".join("- " + _reading_line(r, alpha=alpha, family=family, adjusted=adjusted, lang=lang,
                                          codebook=codebook)
                     for r in table.itertuples())
    return marked(text, [m for r in table.itertuples() for m in _reading_marks(r)])


def _reading_marks(r) -> list[dict]:
    """The marks of the shares one line of :func:`comparison_reading` prints (each population's share of the
    theme, in the table's wave), for the number audit; none for a table without theme codes."""
    theme = getattr(r, "theme", None)
    if not isinstance(theme, str) or (r.test not in compare.TESTS and getattr(r, "reason", None) in (
            compare.ITEM_NOT_ASKED, compare.TOO_FEW, compare.NO_ANSWER)):
        return []
    wave = getattr(r, "wave", None)
    return [mark("pct", share, population=side, wave=None if pd.isna(wave) else wave, item=theme)
            for side, share in (("buyers", r.pct_buyers), ("companies", r.pct_companies)) if not pd.isna(share)]


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
    faite (règle des petits effectifs)

    With no comparison made, nothing is said of differences:

    >>> groups_headline(t.iloc[:1])
    "Aucune comparaison entre types d'acheteurs n'a pu être faite : 1 comparaison, règle des petits effectifs"
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
