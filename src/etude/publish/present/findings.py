"""Sentences that state a result, generated from the numbers in French and English.

No finding is written by hand in a notebook: which barrier leads, whether two populations, two groups or two
waves differ, whether the « effet miroir » shows — each sentence comes from a function here, reads the table a
computing module returned, and says « ne se distingue pas » when the test does not separate. The criterion is
always the adjusted p-value (``p_adjusted`` < ``alpha``) or, for rankings, the rank group of the exact paired test
(:func:`etude.analysis.stats.rank_groups`); intervals are never used as a criterion. Each sentence names its adjustment
family (« Holm sur 4 thèmes »).

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"item": ["e_moyens", "e_besoins"], "pct": [0.66, 0.40], "rank_group": [1, 2],
...                   "n_base": [85, 85]})
>>> barrier_headline(t, population="companies")
"Les entreprises citent d'abord « Manque de moyens pour répondre » (66,0\u202f%)"
>>> barrier_headline(t.assign(rank_group=1), population="companies")
'Aucun frein des entreprises ne se distingue des autres'
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from etude import words
from etude.analysis import compare
from etude.publish import formats
from etude.publish.present.show import escape_text
from etude.survey import codebook as cb
from etude.words import check_lang

__all__ = [
    "barrier_headline", "barrier_text", "comparison_headline", "comparison_reading", "mirror_text",
    "groups_headline", "wave_headline", "wave_dependence_text", "rounding_text", "family_text", "family_of",
    "counts_headline", "check_headline", "profile_headline", "group_sizes_headline", "supply_headline",
    "plan_headline", "series_headline", "supply_text", "check_text",
]

_WHO = {"buyers": {"fr": "acheteurs publics", "en": "public buyers"},
        "companies": {"fr": "entreprises", "en": "companies"}}


def _who(population: str, lang: str) -> str:
    return _WHO.get(population, {"fr": str(population), "en": str(population)})[lang]


def _lower_first(text: str) -> str:
    """« Services de l'État » → « services de l'État »; « PME (…) » stays as written."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(parts: Sequence[str], lang: str) -> str:
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + (" et " if lang == "fr" else " and ") + parts[-1]


def _quoted(label: str, lang: str) -> str:
    return f"« {label} »" if lang == "fr" else f"“{label}”"


_WHAT = {"themes": {"fr": "thèmes", "en": "themes"}, "items": {"fr": "freins", "en": "barriers"},
         "pairs": {"fr": "comparaisons", "en": "comparisons"}}
_ONE = {"themes": {"fr": "thème", "en": "theme"}, "items": {"fr": "frein", "en": "barrier"},
        "pairs": {"fr": "comparaison", "en": "comparison"}}


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
        return "rien à comparer" if lang == "fr" else "nothing to compare"
    what = (_ONE if size == 1 else _WHAT).get(what, {}).get(lang, what)
    if padjust == "none":
        return f"{words.text('common.none', lang)}, {size} {what}"
    how = words.text(f"common.{padjust}", lang)
    return f"{how} {'sur' if lang == 'fr' else 'over'} {size} {what}"


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
    ok = table
    if "suppressed" in table.columns:
        ok = ok[~ok["suppressed"].fillna(False).astype(bool)]
    ok = ok[ok["pct"].notna()]
    if "rank_group" not in ok.columns:
        raise ValueError("la table n'a pas de colonne « rank_group » (etude.analysis.stats.frequencies la calcule)")
    return ok.sort_values("pct", ascending=False, kind="stable")


def barrier_headline(table: pd.DataFrame, *, population: str, lang: str = "fr", codebook=None) -> str:
    """The slide message of a barrier table (:func:`etude.analysis.stats.frequencies`): what leads, if anything does.

    Names only the items of the first rank group, and only when the paired test separates that group from the
    next one; otherwise says that no barrier stands out.

    >>> t = pd.DataFrame({"item": ["b_temps", "b_donnees", "b_soutien"], "pct": [0.6, 0.56, 0.2],
    ...                   "rank_group": [1, 1, 2], "n_base": 25})
    >>> barrier_headline(t, population="buyers", lang="en")
    'Public buyers cite “No time to devote to it” and “Lack of data” first (60.0 % and 56.0 %), not told apart'
    """
    lang = check_lang(lang)
    ok = _ranked(table)
    who = _who(population, lang)
    if ok.empty:
        return (f"Aucun résultat publiable pour les {who}" if lang == "fr" else f"No publishable result for {who}")
    if ok["rank_group"].nunique() < 2:
        return (f"Aucun frein des {who} ne se distingue des autres" if lang == "fr"
                else f"No barrier of {who} stands out from the others")
    first = ok[ok["rank_group"] == ok["rank_group"].min()]
    names = [_quoted(cb.label(c, lang=lang, codebook=codebook), lang) for c in first["item"]]
    shares = [formats.pct(p) if lang == "fr" else f"{100 * p:.1f} %" for p in first["pct"]]
    if len(first) > 3:
        low, high = formats.pct(first["pct"].min()), formats.pct(first["pct"].max())
        if lang == "fr":
            return (f"{len(first)} freins des {who} sur {len(ok)} se tiennent en tête (de {low} à {high}), "
                    "sans que le test apparié sépare deux freins voisins")
        return (f"{len(first)} of {len(ok)} barriers of {who} share the lead ({low} to {high}); the paired test "
                "separates no two neighbours")
    if lang == "fr":
        if len(first) == 1:
            return f"Les {who} citent d'abord {names[0]} ({shares[0]})"
        return (f"Les {who} citent d'abord {_join(names, lang)} ({_join(shares, lang)}), "
                "que le test ne départage pas")
    if len(first) == 1:
        return f"{_cap(who)} cite {names[0]} first ({shares[0]})"
    return f"{_cap(who)} cite {_join(names, lang)} first ({_join(shares, lang)}), not told apart"


def barrier_text(table: pd.DataFrame, *, population: str, lang: str = "fr", codebook=None) -> str:
    """The reading of a barrier table in two sentences: denominator, what the paired test separates, how.

    >>> t = pd.DataFrame({"item": ["b_temps", "b_soutien"], "pct": [0.6, 0.2], "pct_all": [0.55, 0.18],
    ...                   "ci_low": [0.4, 0.1], "ci_high": [0.8, 0.4], "rank_group": [1, 2], "n_base": 25})
    >>> text = barrier_text(t, population="buyers").replace("\u202f", " ")
    >>> print(text.split(" : ")[0])  # doctest: +NORMALIZE_WHITESPACE
    Sur 25 acheteurs publics qui ont répondu à la question, le frein le plus cité est
    « Pas de temps à y consacrer » (60,0 % ; IC [40,0 % ; 80,0 %])
    >>> text.endswith("le sépare du suivant.")
    True
    """
    lang = check_lang(lang)
    ok = _ranked(table)
    who = _who(population, lang)
    if ok.empty:
        return "Aucun résultat publiable pour ce tableau." if lang == "fr" else "No publishable result for this table."
    n = formats.number(ok["n_base"].iloc[0])
    test = ("le test exact apparié (McNemar, ajusté par Holm sur les paires de freins voisins)" if lang == "fr"
            else "the exact paired test (McNemar, Holm-adjusted over adjacent pairs of barriers)")
    first = ok[ok["rank_group"] == ok["rank_group"].min()]
    parts = [f"{_quoted(cb.label(r.item, lang=lang, codebook=codebook), lang)} ({formats.pct(r.pct)} ; IC "
             f"{formats.interval(r.ci_low, r.ci_high)})" for r in first.itertuples()]
    if lang == "fr":
        head = f"Sur {n} {who} qui ont répondu à la question, "
        if ok["rank_group"].nunique() < 2:
            return (head + f"aucun frein ne se distingue des autres : {test} ne sépare aucun frein de son voisin. "
                    "Le classement des parts ne dit donc pas lequel est « le plus cité ».")
        if len(first) == 1:
            return head + f"le frein le plus cité est {parts[0]} : {test} le sépare du suivant."
        return (head + f"les freins les plus cités sont {_join(parts, lang)} : {test} ne les départage pas "
                "entre eux, mais les sépare des suivants.")
    head = f"Of {n} {who} who answered the question, "
    parts = [p.replace(" ; IC", "; CI") for p in parts]
    if ok["rank_group"].nunique() < 2:
        return head + f"no barrier stands out: {test} separates no barrier from the next one."
    if len(first) == 1:
        return head + f"the most cited barrier is {parts[0]}: {test} separates it from the next one."
    return head + f"the most cited barriers are {_join(parts, lang)}: {test} does not tell them apart."


# ------------------------------------------------------------------------------------------------ comparisons

def _significant(table: pd.DataFrame, alpha: float) -> pd.Series:
    tested = table["test"].isin(list(compare.TESTS)) & table["p_adjusted"].notna()
    return tested & (table["p_adjusted"] < alpha)


def comparison_headline(table: pd.DataFrame, *, alpha: float = 0.05, padjust: str = "holm",
                        lang: str = "fr") -> str:
    """The slide message of :func:`etude.analysis.compare.compare_themes`: which themes separate the two populations.

    >>> t = pd.DataFrame({"label": ["Information", "Moyens"], "diff": [-0.1, 0.3], "test": ["fisher", "fisher"],
    ...                   "p_adjusted": [0.6, 0.01]})
    >>> print(comparison_headline(t))  # doctest: +NORMALIZE_WHITESPACE
    Les acheteurs citent plus souvent « Moyens » ; sur les autres thèmes, les deux populations ne se
    distinguent pas (Holm sur 2 thèmes)
    >>> comparison_headline(t.assign(p_adjusted=[0.6, 0.2]))
    'Acheteurs et entreprises ne se distinguent sur aucun des 2 thèmes comparés (Holm sur 2 thèmes)'
    >>> comparison_headline(t.assign(test="none"))
    "Aucun thème n'a pu être comparé entre acheteurs et entreprises"
    """
    lang = check_lang(lang)
    tested = table[table["test"].isin(list(compare.TESTS))]
    if tested.empty:  # « ne se distinguent sur aucun des 0 thèmes » would state a finding no test made
        return ("Aucun thème n'a pu être comparé entre acheteurs et entreprises" if lang == "fr" else
                "No theme could be compared between buyers and companies")
    family = family_text(padjust, len(tested), "themes", lang=lang)
    sig = tested[_significant(tested, alpha)]
    if sig.empty:
        return (f"Acheteurs et entreprises ne se distinguent sur aucun des {len(tested)} thèmes comparés ({family})"
                if lang == "fr" else
                f"Buyers and companies differ on none of the {len(tested)} themes compared ({family})")
    more_b = [_quoted(x, lang) for x in sig.loc[sig["diff"] > 0, "label"]]
    more_c = [_quoted(x, lang) for x in sig.loc[sig["diff"] < 0, "label"]]
    if lang == "fr":
        parts = ([f"les acheteurs citent plus souvent {_join(more_b, lang)}"] if more_b else []) + \
                ([f"les entreprises citent plus souvent {_join(more_c, lang)}"] if more_c else [])
        rest = "" if len(sig) == len(tested) else " ; sur les autres thèmes, les deux populations ne se distinguent pas"
        return _cap(" ; ".join(parts)) + f"{rest} ({family})"
    parts = ([f"buyers cite {_join(more_b, lang)} more often"] if more_b else []) + \
            ([f"companies cite {_join(more_c, lang)} more often"] if more_c else [])
    rest = "" if len(sig) == len(tested) else "; on the other themes, the two populations do not differ"
    return _cap("; ".join(parts)) + f"{rest} ({family})"


def comparison_reading(table: pd.DataFrame, *, alpha: float = 0.05, padjust: str = "holm",
                       lang: str = "fr") -> str:
    """One Markdown bullet per theme of :func:`etude.analysis.compare.compare_themes`: shares, difference, verdict.

    Returns Markdown (labels escaped); the other sentences of this module are plain text, shown with
    :func:`etude.publish.present.markdown` or :func:`etude.publish.present.heading`.

    The verdict rests on the adjusted p-value only; the interval quoted is the one the table shows next to it
    (adjusted when the table has ``diff_ci_low_adj``).

    >>> t = pd.DataFrame([{"label": "Juridique et procédures", "pct_buyers": 0.36, "pct_companies": 0.58,
    ...     "diff": -0.22, "diff_ci_low": -0.40, "diff_ci_high": 0.01, "test": "fisher", "p_value": 0.07,
    ...     "p_adjusted": 0.28, "cohens_h": -0.44, "n_buyers": 25, "n_companies": 85}])
    >>> comparison_reading(t).split(" ; ")[-1]
    'les deux populations ne se distinguent pas (Holm sur 1 thème, p ajustée = 0,280), effet faible (h = -0,44).'
    """
    lang = check_lang(lang)
    tested = table[table["test"].isin(list(compare.TESTS))]
    family = family_text(padjust, len(tested), "themes", lang=lang)
    adj = "diff_ci_low_adj" in table.columns
    lines = []
    for r in table.itertuples():
        label = f"**{escape_text(r.label)}**"
        if r.test not in compare.TESTS:
            side = "buyers" if not pd.isna(r.pct_buyers) else "companies"
            share = formats.pct(r.pct_buyers if side == "buyers" else r.pct_companies)
            lines.append(f"- {label} : {share} des {_who(side, lang)} ; thème propre à un seul questionnaire, "
                         "non comparé." if lang == "fr" else
                         f"- {label}: {share} of {_who(side, lang)}; theme of one questionnaire only, not compared.")
            continue
        h = abs(r.cohens_h)
        size = (("négligeable", "faible", "moyen", "fort") if lang == "fr" else
                ("negligible", "small", "medium", "large"))[(h >= 0.2) + (h >= 0.5) + (h >= 0.8)]
        low, high = ((r.diff_ci_low_adj, r.diff_ci_high_adj) if adj else (r.diff_ci_low, r.diff_ci_high))
        signif = (not pd.isna(r.p_adjusted)) and r.p_adjusted < alpha
        p = formats.pvalue(r.p_adjusted)
        if lang == "fr":
            which = "acheteurs" if r.diff > 0 else "entreprises"
            verdict = (f"les {which} citent ce thème plus souvent" if signif
                       else "les deux populations ne se distinguent pas")
            kind = "ajusté" if adj else "non ajusté"
            lines.append(f"- {label} : {formats.pct(r.pct_buyers)} des acheteurs contre "
                         f"{formats.pct(r.pct_companies)} des "
                         f"entreprises (écart {formats.points(r.diff)}, intervalle {kind} "
                         f"{formats.points_interval(low, high)}) ; {verdict} ({family}, p ajustée = {p}), "
                         f"effet {size} (h = {formats.number(r.cohens_h, 2)}).")
        else:
            which = "buyers" if r.diff > 0 else "companies"
            verdict = f"{which} cite this theme more often" if signif else "the two populations do not differ"
            lines.append(f"- {label}: {formats.pct(r.pct_buyers)} of buyers vs "
                         f"{formats.pct(r.pct_companies)} of companies "
                         f"(difference {formats.points(r.diff)}, {'adjusted' if adj else 'unadjusted'} interval "
                         f"{formats.points_interval(low, high)}); {verdict} ({family}, adjusted p = {p}), "
                         f"{size} effect (h = {formats.number(r.cohens_h, 2)}).")
    return "\n".join(lines)


def mirror_text(table: pd.DataFrame, *, alpha: float = 0.05, padjust: str = "holm", lang: str = "fr",
                short: bool = False) -> str:
    """Whether the data show the « effet miroir » the 2017 report describes: each side citing more often
    something the other side does not.

    A mirror needs differences in both directions that the tests separate (adjusted p-value below ``alpha``);
    one direction only, or none, is said so. ``short=True`` gives the first clause only (a slide heading).

    >>> t = pd.DataFrame({"label": ["Information", "Moyens"], "diff": [-0.2, 0.3], "test": "fisher",
    ...                   "p_adjusted": [0.01, 0.02]})
    >>> mirror_text(t).startswith("Les données montrent un effet miroir")
    True
    >>> mirror_text(t.assign(p_adjusted=[0.3, 0.4])).startswith("Les données ne permettent pas")
    True
    """
    lang = check_lang(lang)
    tested = table[table["test"].isin(list(compare.TESTS))]
    family = family_text(padjust, len(tested), "themes", lang=lang)
    sig = tested[_significant(tested, alpha)]
    more_b = [_quoted(x, lang) for x in sig.loc[sig["diff"] > 0, "label"]]
    more_c = [_quoted(x, lang) for x in sig.loc[sig["diff"] < 0, "label"]]
    if short:
        text = mirror_text(table, alpha=alpha, padjust=padjust, lang=lang)
        return text.split(". ")[0].rstrip(".")
    if lang == "fr":
        if more_b and more_c:
            return (f"Les données montrent un effet miroir : les acheteurs citent plus souvent {_join(more_b, lang)}, "
                    f"les entreprises plus souvent {_join(more_c, lang)} (écarts séparés par le test, {family}).")
        if more_b or more_c:
            who, what = ("seuls les acheteurs", more_b) if more_b else ("seules les entreprises", more_c)
            return (f"Les données ne montrent pas d'effet miroir : {who} citent plus souvent "
                    f"{_join(what, lang)} ; sur les autres thèmes, acheteurs et entreprises ne se distinguent pas "
                    f"({family}).")
        return ("Les données ne permettent pas de conclure à un effet miroir : acheteurs et entreprises ne se "
                f"distinguent sur aucun thème ({family}). Ce n'est pas la preuve qu'il n'existe pas : avec aussi "
                "peu d'acheteurs, seuls de grands écarts peuvent être séparés du hasard.")
    if more_b and more_c:
        return (f"The data show a mirror effect: buyers cite {_join(more_b, lang)} more often, companies "
                f"{_join(more_c, lang)} ({family}).")
    if more_b or more_c:
        who, what = ("buyers", more_b) if more_b else ("companies", more_c)
        return (f"The data show no mirror effect: only {who} cite {_join(what, lang)} more often; on the other "
                f"themes, buyers and companies do not differ ({family}).")
    return (f"The data do not support a mirror effect: buyers and companies differ on no theme ({family}). "
            "This does not prove there is none: with so few buyers, only large gaps can be told from chance.")


def groups_headline(table: pd.DataFrame, *, alpha: float = 0.05, padjust: str = "holm", lang: str = "fr") -> str:
    """The message of :func:`etude.analysis.compare.compare_groups`: which pairs of groups differ, how many were
    withheld.

    >>> t = pd.DataFrame({"label": ["Moyens", "Moyens"], "group1_label": ["État", "État"],
    ...                   "group2_label": ["Collectivités", "Autres"], "diff": [float("nan"), 0.1],
    ...                   "test": ["not_comparable", "fisher"], "p_adjusted": [float("nan"), 0.9],
    ...                   "status": ["too_few", "compared"]})
    >>> print(groups_headline(t))  # doctest: +NORMALIZE_WHITESPACE
    Les types d'acheteurs ne se distinguent sur aucun thème (Holm sur 1 comparaison) ; 1 comparaison non
    faite (groupe trop petit)

    With no comparison made, nothing is said of differences:

    >>> groups_headline(t.iloc[:1])
    "Aucune comparaison entre types d'acheteurs n'a pu être faite : 1 comparaison, groupe trop petit"
    """
    lang = check_lang(lang)
    tested = table[table["status"] == compare.STATUS_OK]
    withheld = int((table["status"] == compare.TOO_FEW).sum())
    if tested.empty:  # « ne se distinguent sur aucun thème » would state a finding no test made
        if lang == "fr":
            return ("Aucune comparaison entre types d'acheteurs n'a pu être faite"
                    + (f" : {withheld} comparaison{'s' if withheld > 1 else ''}, "
                       f"groupe{'s' if withheld > 1 else ''} trop petit{'s' if withheld > 1 else ''}"
                       if withheld else ""))
        return ("No comparison between buyer types could be made"
                + (f": {withheld} comparison{'s' if withheld > 1 else ''}, group too small" if withheld else ""))
    family = family_text(padjust, len(tested), "pairs", lang=lang)
    sig = tested[_significant(tested, alpha)]
    if lang == "fr":
        if sig.empty:
            text = f"Les types d'acheteurs ne se distinguent sur aucun thème ({family})"
        else:
            pairs = [f"{r.group1_label} et {r.group2_label} sur {_quoted(r.label, lang)}" for r in sig.itertuples()]
            text = f"Se distinguent : {_join(pairs, lang)} ; les autres comparaisons non ({family})"
        if withheld:
            text += f" ; {withheld} comparaison{'s' if withheld > 1 else ''} non faite{'s' if withheld > 1 else ''} " \
                    "(groupe trop petit)"
        return text
    if sig.empty:
        text = f"Buyer types differ on no theme ({family})"
    else:
        pairs = [f"{r.group1_label} and {r.group2_label} on {_quoted(r.label, lang)}" for r in sig.itertuples()]
        text = f"Differ: {_join(pairs, lang)}; the other comparisons do not ({family})"
    if withheld:
        text += f"; {withheld} comparison{'s' if withheld > 1 else ''} not made (group too small)"
    return text


# ------------------------------------------------------------------------------------------------ waves

def wave_headline(table: pd.DataFrame, *, population: str, alpha: float = 0.05, lang: str = "fr") -> str:
    """The message of :func:`etude.analysis.waves.wave_changes`: which items or themes changed between two waves.

    The family is the table's: one questionnaire's items, or its themes (``attrs["padjust"]``, Holm by default).

    >>> t = pd.DataFrame({"label": ["Temps", "Données"], "level": "items", "wave_from": 2017, "wave_to": 2018,
    ...                   "share_from": [0.5, 0.4], "share_to": [0.3, 0.45], "test": "fisher",
    ...                   "p_adjusted": [0.8, 1.0]})
    >>> wave_headline(t, population="buyers")
    'Entre 2017 et 2018, aucun frein des acheteurs publics ne se distingue d’une vague à l’autre (Holm sur 2 freins)'
    """
    lang = check_lang(lang)
    if table.empty:
        return "Aucune évolution calculable" if lang == "fr" else "No change can be computed"
    w1, w2 = int(table["wave_from"].iloc[0]), int(table["wave_to"].iloc[0])
    if not table["test"].isin(list(compare.TESTS)).any():
        return (f"Entre {w1} et {w2} : écarts en points seulement, sans test (un effectif n'est pas connu exactement)"
                if lang == "fr" else
                f"Between {w1} and {w2}: changes in points only, no test (a sample size is not known exactly)")
    themes = str(table["level"].iloc[0]) == "themes" if "level" in table.columns else False
    what = ("thèmes" if themes else "freins") if lang == "fr" else ("themes" if themes else "barriers")
    tested = table[table["test"].notna()] if "test" in table else table  # items not asked in a wave: no test
    family = family_text(table.attrs.get("padjust", "holm"), table.attrs.get("family_size", len(tested)), what,
                         lang=lang)
    sig = table[_significant(table, alpha)]
    who = _who(population, lang)
    if lang == "fr":
        if sig.empty:
            one = "thème" if themes else "frein"
            return f"Entre {w1} et {w2}, aucun {one} des {who} ne se distingue d’une vague à l’autre ({family})"
        moves = [f"{_quoted(r.label, lang)} ({formats.pct(r.share_from)} → {formats.pct(r.share_to)})"
                 for r in sig.itertuples()]
        return (f"Entre {w1} et {w2}, chez les {who}, évoluent : {_join(moves, lang)} ; les autres ne se "
                f"distinguent pas ({family})")
    if sig.empty:
        return f"Between {w1} and {w2}, no {what[:-1]} of {who} differs from one wave to the other ({family})"
    moves = [f"{_quoted(r.label, lang)} ({100 * r.share_from:.1f} % → {100 * r.share_to:.1f} %)"
             for r in sig.itertuples()]
    return f"Between {w1} and {w2}, among {who}, changed: {_join(moves, lang)}; the others do not differ ({family})"


def wave_dependence_text(df: pd.DataFrame, *, wave_from: int, wave_to: int, key: str = "organisation",
                         lang: str = "fr") -> str:
    """Whether the two waves are independent samples: institutions (``key``) that answered both waves.

    >>> t = pd.DataFrame({"wave": [2017, 2017, 2018, 2018], "organisation": ["mel", None, "mel", "cd80"]})
    >>> wave_dependence_text(t, wave_from=2017, wave_to=2018)[:46]
    'Une même institution a répondu aux deux vagues'
    """
    lang = check_lang(lang)
    named = {w: set(df.loc[df["wave"] == w, key].dropna().astype(str)) if key in df.columns else set()
             for w in (wave_from, wave_to)}
    both = named[wave_from] & named[wave_to]
    if not both:
        return ("Aucune institution nommée n'a répondu aux deux vagues : les tests les traitent comme des "
                "échantillons indépendants, ce que rien dans les données ne contredit." if lang == "fr" else
                "No named institution answered both waves: the tests treat them as independent samples, "
                "which nothing in the data contradicts.")
    n, m = len(both), len(named[wave_from])
    if lang == "fr":
        head = ("Une même institution a" if n == 1 else f"{n} mêmes institutions ont") + \
            f" répondu aux deux vagues ({n} sur {m} institution{'s' if m > 1 else ''} nommée{'s' if m > 1 else ''} " \
            f"en {wave_from})"
        return (head + " : les vagues ne sont pas des échantillons indépendants. Le test de Fisher, qui les suppose "
                "indépendantes, est alors approché ; quand une institution répond de façon semblable d'une vague à "
                "l'autre, il est prudent (p-values trop grandes) et peut manquer une évolution réelle.")
    return (f"{n} institution{'s' if n > 1 else ''} answered both waves ({n} of {m} named in {wave_from}): the waves "
            "are not independent samples. Fisher's test, which assumes they are, is then approximate; when an "
            "institution answers alike in both waves it is conservative (p-values too large) and may miss a change.")


# ------------------------------------------------------------------------------------------------ published figures

def _decimals(x: float) -> int:
    text = f"{abs(float(x)):.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


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
    """
    lang = check_lang(lang)
    rows = table[table["computed"].notna() & table["published"].notna()]
    bad = []
    for r in rows.itertuples():
        tol = 0.5 * 10 ** -_decimals(r.published)
        if levels is not None:
            line = levels[(levels["series"] == r.series) & (levels["indicator"] == r.indicator)]
            line = line.set_index(line["period"].astype(str))["value"]
            prev = str(int(str(r.period)[:4]) - 1)
            if str(r.period) in line.index and prev in line.index:
                l0, l1 = float(line[prev]), float(line[str(r.period)])
                e = 0.5 * 10 ** -max(_decimals(l0), _decimals(l1))
                tol += (e / abs(l0)) * (1 + abs(l1 / l0)) if l0 else 0
        if abs(r.difference) > tol + 1e-12:
            bad.append(r)
    signed = (lambda v: ("+" if v > 0 else "") + formats.pct(v)) if lang == "fr" else (lambda v: f"{100 * v:+.1f} %")
    if not bad:
        if lang == "fr":
            return ("L’évolution recalculée concorde avec l’évolution publiée, aux arrondis près." if len(rows) == 1
                    else f"Les {len(rows)} évolutions recalculées concordent avec les évolutions publiées, aux "
                         "arrondis près.")
        return f"The {len(rows)} recomputed change(s) agree with the published ones, to rounding."
    items = [f"{r.series} {r.period} ({signed(r.computed)} {'recalculé' if lang == 'fr' else 'recomputed'}, "
             f"{signed(r.published)} {'publié' if lang == 'fr' else 'published'})" for r in bad]
    if lang == "fr":
        head = (f"Une évolution recalculée sur {len(rows)} s’écarte" if len(bad) == 1 else
                f"{len(bad)} évolutions recalculées sur {len(rows)} s’écartent")
        verb = "de l’évolution publiée" if len(bad) == 1 else "des évolutions publiées"
        return f"{head} {verb} plus que les arrondis ne l’expliquent : {_join(items, lang)}."
    return (f"{len(bad)} of {len(rows)} recomputed changes differ from the published ones by more than rounding "
            f"explains: {_join(items, lang)}.")


# ------------------------------------------------------------------------------------------------ slide headings

def counts_headline(counts: pd.DataFrame, *, lang: str = "fr") -> str:
    """Who answered, per wave (:func:`etude.analysis.stats.wave_counts`).

    >>> c = pd.DataFrame({"population": ["buyers", "companies"], "wave": [2017, 2017], "n": [27, 90]})
    >>> counts_headline(c)
    '2017 : 27 acheteurs publics et 90 entreprises ont répondu'
    """
    lang = check_lang(lang)
    parts = []
    for w, g in counts.groupby("wave", sort=True):
        who = [f"{formats.number(r.n)} {_who(r.population, lang)}" for r in g.itertuples()]
        parts.append(f"{w} : {_join(who, lang)} ont répondu" if lang == "fr" else f"{w}: {_join(who, lang)} answered")
    return " ; ".join(parts) if lang == "fr" else "; ".join(parts)


def check_headline(check: pd.DataFrame, *, lang: str = "fr") -> str:
    """Whether the loaded counts match the published ones (:func:`etude.analysis.stats.published_check`).

    >>> check_headline(pd.DataFrame({"match": [True, False]}))
    '1 effectif sur 2 diffère du chiffre publié'
    """
    lang = check_lang(lang)
    if "loaded" in check.columns and check["loaded"].isna().all():
        return _unchecked(check, lang)
    check = check[check["loaded"].notna()] if "loaded" in check.columns else check
    n, bad = len(check), int((~check["match"].astype(bool)).sum())
    if lang == "fr":
        if not bad:
            return f"Les {n} effectifs chargés correspondent aux effectifs publiés"
        return f"{bad} effectif{'s' if bad > 1 else ''} sur {n} diffère{'nt' if bad > 1 else ''} du chiffre publié"
    return f"The {n} loaded counts match the published ones" if not bad else f"{bad} of {n} counts differ"


def profile_headline(table: pd.DataFrame, attribute: str, *, population: str, wave: int | None = None,
                     lang: str = "fr") -> str:
    """The largest published group of a profile (:func:`etude.analysis.stats.profile`), with its share and base.

    >>> t = pd.DataFrame({"wave": 2017, "attribute": "buyer_type", "value": ["etat", "sante"],
    ...                   "label": ["Services de l'État", "Santé"], "n": [17, 3], "n_total": 27,
    ...                   "pct": [17 / 27, 3 / 27]})
    >>> profile_headline(t, "buyer_type", population="buyers", wave=2017)
    "2017 : Services de l'État, 63,0 % des 27 acheteurs publics répondants"

    Groups tied for the largest share are all named:

    >>> tie = t.assign(n=[2, 2], n_total=6, pct=[2 / 6, 2 / 6])
    >>> profile_headline(tie, "buyer_type", population="buyers", wave=2017)
    "2017 : Services de l'État et Santé, 33,3 % chacun des 6 acheteurs publics répondants"

    A wave whose export does not give the attribute says so, rather than « no publishable group »:

    >>> blank = pd.DataFrame({"wave": 2020, "attribute": "size_class", "value": ["micro", "non_renseigne"],
    ...                       "label": ["Micro", "Non renseigné"], "n": [0, 75], "n_total": 75, "pct": [0.0, 1.0]})
    >>> profile_headline(blank, "size_class", population="companies", wave=2020)
    "2020 : aucune des 75 entreprises répondantes ne renseigne « Taille de l'entreprise »"
    """
    lang = check_lang(lang)
    t = table[table["attribute"] == attribute]
    if wave is not None and "wave" in t.columns:
        t = t[t["wave"] == wave]
    head = f"{wave} : " if wave is not None and lang == "fr" else (f"{wave}: " if wave is not None else "")
    given = pd.to_numeric(t["n"], errors="coerce").fillna(0) > 0
    if len(t) and given.any() and (t.loc[given, "value"] == "non_renseigne").all():
        from etude.publish.labels import attribute_label
        label, n = attribute_label(population, attribute, lang=lang), formats.number(t["n_total"].iloc[0])
        if lang == "fr":
            none = ("aucune des", "entreprises répondantes") if population == "companies" else \
                ("aucun des", "acheteurs publics répondants")
            return f"{head}{none[0]} {n} {none[1]} ne renseigne « {label} »"
        return f"{head}none of the {n} responding {_who(population, lang)} gives “{label}”"
    if "suppressed" in t.columns:
        t = t[~t["suppressed"].fillna(False).astype(bool)]
    t = t[t["pct"].notna() & (t["value"] != "non_renseigne")]
    if t.empty:
        return "Aucun groupe publiable" if lang == "fr" else "No publishable group"
    pct = pd.to_numeric(t["pct"])
    top = t.loc[pct.idxmax()]
    tied = [str(x) for x in t.loc[np.isclose(pct, pct.max()), "label"]]  # every largest group, not the first
    labels = (", ".join(tied[:-1]) + (" et " if lang == "fr" else " and ") + tied[-1]) if len(tied) > 1 else tied[0]
    each = ((" chacune" if population == "companies" else " chacun") if lang == "fr" else " each") \
        if len(tied) > 1 else ""
    if lang == "fr":
        ending = "répondantes" if population == "companies" else "répondants"
        return (f"{head}{labels}, {formats.pct(top['pct'])}{each} des {formats.number(top['n_total'])} "
                f"{_who(population, lang)} {ending}")
    return (f"{head}{labels}, {100 * top['pct']:.1f} %{each} of the {top['n_total']} responding "
            f"{_who(population, lang)}")


def group_sizes_headline(table: pd.DataFrame, by: str, *, population: str, lang: str = "fr",
                         codebook=None) -> str:
    """The group sizes behind a grouped barrier chart: small groups read as orders of magnitude.

    A suppressed group (``suppressed``) publishes no size: it reads « < min_cell » when it is under the threshold
    itself, « n.d. » when it is hidden so that a smaller one cannot be recovered (secondary suppression,
    ``attrs["primary"]`` of :func:`etude.safety.disclosure.suppress_small`).

    >>> t = pd.DataFrame({"buyer_type": ["etat", "etat", "collectivite"], "n_base": [15, 15, 4],
    ...                   "suppressed": [False, False, True]})
    >>> text = group_sizes_headline(t, "buyer_type", population="buyers").replace("\u202f", " ")
    >>> text.split(" ; des")[0]
    "Par type d'acheteur — services de l'État : 15 ; collectivités territoriales : < 5"
    """
    from etude.publish.labels import attribute_label, value_label
    lang = check_lang(lang)
    min_cell = table.attrs.get("min_cell", 5)
    sup = table["suppressed"] if "suppressed" in table.columns else pd.Series(False, index=table.index)
    primary = table.attrs.get("primary")
    small_rows = table.index if primary is None else table.index.intersection(primary)
    sizes = table.assign(_sup=sup.fillna(False).astype(bool),
                         _small=table.index.isin(small_rows)).drop_duplicates(by)
    attr = attribute_label(population, by, lang=lang, codebook=codebook)
    parts = []
    for value, n, hidden, under in zip(sizes[by], sizes["n_base"], sizes["_sup"], sizes["_small"]):
        label = _lower_first(value_label(population, by, value, lang=lang, codebook=codebook))
        withheld = f"<{formats.NNBSP}{min_cell}" if under else formats.missing()
        shown = withheld if hidden else (formats.number(n) if pd.notna(n) else formats.missing())
        parts.append(f"{label}{' :' if lang == 'fr' else ':'} {shown}")
    smallest = pd.to_numeric(sizes["n_base"], errors="coerce").astype(float).min()  # NaN: every size withheld
    small = bool(sizes["_sup"].any()) or bool(pd.isna(smallest) or smallest < 30)
    if lang == "fr":
        tail = " ; des groupes trop petits pour départager les freins" if small else ""
        return f"Par {_lower_first(attr)} — " + " ; ".join(parts) + tail
    tail = "; groups too small to rank the barriers" if small else ""
    return f"By {_lower_first(attr)} — " + "; ".join(parts) + tail


def supply_headline(table: pd.DataFrame, *, lang: str = "fr") -> str:
    """What the supply/demand table (:func:`etude.analysis.matching.supply_demand`) says first.

    >>> t = pd.DataFrame({"label": ["Santé", "Immobilier"], "n_buyers": [3, 2], "ratio": [float("nan"), 4.0],
    ...                   "flag": ["demande_sans_offre", ""]})
    >>> supply_headline(t)
    'Santé : des besoins sans aucune offre'
    >>> supply_headline(t.assign(flag=""))
    'Chaque segment a à la fois des besoins et des offres ; le plus d’offres par acheteur : Immobilier (4,0)'
    """
    lang = check_lang(lang)
    need = [str(x) for x in table.loc[table["flag"] == "demande_sans_offre", "label"]]
    if need:
        return (f"{_join(need, lang)} : des besoins sans aucune offre" if lang == "fr"
                else f"{_join(need, lang)}: needs without any offer")
    ratio = pd.to_numeric(table["ratio"], errors="coerce")
    head = ("Chaque segment a à la fois des besoins et des offres" if lang == "fr"
            else "Every segment has both needs and offers")
    if ratio.notna().any():
        best = table.loc[ratio.idxmax(), "label"]
        return head + (f" ; le plus d’offres par acheteur : {best} ({formats.number(ratio.max(), 1)})" if lang == "fr"
                       else f"; most offers per buyer: {best} ({ratio.max():.1f})")
    return head


def plan_headline(summary: pd.DataFrame, *, slots: int, lang: str = "fr") -> str:
    """The meeting plan in one line (:func:`etude.analysis.matching.plan_summary`).

    >>> s = pd.DataFrame({"indicator": ["meetings", "buyers_met", "buyers"], "value": [12, 9, 10]})
    >>> plan_headline(s, slots=4)
    '12 rendez-vous en 4 créneaux : 9 acheteurs sur 10 en ont au moins un'
    """
    lang = check_lang(lang)
    v = dict(zip(summary["indicator"], summary["value"]))
    meetings, met, total = (formats.number(v.get(k)) for k in ("meetings", "buyers_met", "buyers"))
    if lang == "fr":
        return f"{meetings} rendez-vous en {slots} créneaux : {met} acheteurs sur {total} en ont au moins un"
    return f"{meetings} meetings in {slots} slots: {met} of {total} buyers have at least one"


def series_headline(table: pd.DataFrame, series: str, indicator: str, *, lang: str = "fr") -> str:
    """The first and last published (or computed) figures of one line of the long indicator table.

    >>> t = pd.DataFrame({"series": "gt", "indicator": "n", "label_fr": "Réponses d'acheteurs", "period": ["2017",
    ...                   "2018"], "value": [27.0, 34.0], "unit": "réponses", "status": ["published", "simulated"]})
    >>> series_headline(t, "gt", "n")
    "Réponses d'acheteurs : 27 en 2017, 34 en 2018 (simulé)"
    """
    lang = check_lang(lang)
    line = table[(table["series"] == series) & (table["indicator"] == indicator) & table["value"].notna()]
    if line.empty:
        return words.text("common.missing", lang)
    line = line.sort_values("period")
    label = str(line["label_fr"].iloc[0]) if "label_fr" in line.columns else str(indicator)

    def one(r):
        status = str(r["status"]) if "status" in r and isinstance(r["status"], str) else ""
        tag = f" ({words.label(status, lang=lang)})" if status in ("simulated", "uncertain") else ""
        word = " en " if lang == "fr" else " in "
        value = formats.number(r["value"], 0 if float(r["value"]).is_integer() else 1)
        return f"{value}{word}{r['period']}{tag}"

    first, last = line.iloc[0], line.iloc[-1]
    parts = [one(first)] + ([one(last)] if len(line) > 1 else [])
    return f"{label} : {', '.join(parts)}" if lang == "fr" else f"{label}: {', '.join(parts)}"


def supply_text(table: pd.DataFrame, *, lang: str = "fr") -> str:
    """What a working group would act on, in one or two sentences (Markdown, labels escaped) from
    :func:`etude.analysis.matching.supply_demand`.

    >>> t = pd.DataFrame({"label": ["Santé", "Immobilier", "Numérique"], "n_buyers": [3, 0, 2],
    ...                   "ratio": [float("nan"), float("nan"), 4.0],
    ...                   "flag": ["demande_sans_offre", "offre_sans_demande", ""]})
    >>> print(supply_text(t))  # doctest: +NORMALIZE_WHITESPACE
    **Demande sans offre** : Santé (3 acheteurs). **Offre sans demande** : Immobilier. Offre la plus abondante
    par acheteur : Numérique (4,0 entreprises par acheteur).
    """
    lang = check_lang(lang)
    fr = lang == "fr"
    parts = []
    need = table[table["flag"] == "demande_sans_offre"]
    if len(need):
        items = ", ".join(f"{escape_text(r.label)} ({formats.number(r.n_buyers)} {'acheteur' if fr else 'buyer'}"
                          f"{'s' if r.n_buyers > 1 else ''})" for r in need.itertuples())
        parts.append(f"**{words.label('demande_sans_offre', lang=lang)}**{' :' if fr else ':'} {items}.")
    offer = table[table["flag"] == "offre_sans_demande"]
    if len(offer):
        parts.append(f"**{words.label('offre_sans_demande', lang=lang)}**{' :' if fr else ':'} "
                     + ", ".join(escape_text(x) for x in offer["label"]) + ".")
    if not parts:
        parts.append("Chaque segment a à la fois des besoins et des offres." if fr
                     else "Every segment has both needs and offers.")
    ratio = pd.to_numeric(table["ratio"], errors="coerce")
    if ratio.notna().any():
        best = table.loc[ratio.idxmax()]
        if fr:
            parts.append(f"Offre la plus abondante par acheteur : {escape_text(best['label'])} "
                         f"({formats.number(ratio.max(), 1)} entreprises par acheteur).")
        else:
            parts.append(f"Most offers per buyer: {escape_text(best['label'])} "
                         f"({ratio.max():.1f} companies per buyer).")
    return " ".join(parts)


def check_text(check: pd.DataFrame, *, simulated: bool = False, lang: str = "fr") -> str:
    """One sentence saying whether the loaded data match the published counts.

    >>> c = pd.DataFrame({"label": ["Réponses d'acheteurs"], "published": [27], "loaded": [27], "match": [True],
    ...                   "source": ["GT"]})
    >>> print(check_text(c, simulated=True))  # doctest: +NORMALIZE_WHITESPACE
    Les effectifs chargés correspondent aux effectifs publiés (1 sur 1 ; source : GT). Les données sont simulées :
    elles ont été calibrées sur ces effectifs, ce qui ne dit rien des réponses réelles.
    >>> print(check_text(c.assign(loaded=[6], match=[False]), simulated=True))  # doctest: +NORMALIZE_WHITESPACE
    1 effectif(s) sur 1 diffèrent des chiffres publiés (source : GT) — Réponses d'acheteurs : 6 chargés pour 27
    publiés. Les données sont simulées : elles ne disent rien des réponses réelles.
    """
    check_lang(lang)
    if check["loaded"].isna().all():
        return _unchecked(check, lang) + "."
    unchecked = check[check["loaded"].isna()]
    check = check[check["loaded"].notna()]
    sources = "; ".join(dict.fromkeys(str(s) for s in check["source"]))
    bad = check[~check["match"].astype(bool)]
    if lang == "fr":
        if bad.empty:
            text = (f"Les effectifs chargés correspondent aux effectifs publiés ({len(check)} sur {len(check)} ; "
                    f"source : {sources}).")
        else:
            gaps = " ; ".join(f"{r.label} : {formats.number(r.loaded)} chargés pour "
                              f"{formats.number(r.published)} publiés"
                              for r in bad.itertuples())
            text = (f"{len(bad)} effectif(s) sur {len(check)} diffèrent des chiffres publiés (source : {sources}) "
                    f"— {gaps}.")
        if not unchecked.empty:
            text += " " + _unchecked(unchecked, lang) + "."
        if simulated:  # calibrated on the published counts: only true where they match
            text += (" Les données sont simulées : elles ont été calibrées sur ces effectifs, ce qui ne dit rien "
                     "des réponses réelles." if bad.empty else
                     " Les données sont simulées : elles ne disent rien des réponses réelles.")
        return text
    if bad.empty:
        text = f"The loaded counts match the published counts ({len(check)} of {len(check)}; source: {sources})."
    else:
        gaps = "; ".join(f"{r.label}: {r.loaded} loaded, {r.published} published" for r in bad.itertuples())
        text = f"{len(bad)} of {len(check)} counts differ from the published figures (source: {sources}) — {gaps}."
    if not unchecked.empty:
        text += " " + _unchecked(unchecked, lang) + "."
    if simulated:
        text += (" The data are simulated: calibrated on these counts, they say nothing about the real answers."
                 if bad.empty else " The data are simulated: they say nothing about the real answers.")
    return text


def _unchecked(check: pd.DataFrame, lang: str) -> str:
    """The published figures a study cannot check: it has no respondent of that population in that wave."""
    waves = ", ".join(dict.fromkeys(str(w) for w in check["wave"]))
    who = _join([_who(p, lang) for p in dict.fromkeys(check["population"])], lang)
    if lang == "fr":
        return (f"{len(check)} effectif(s) publié(s) ne peuvent pas être vérifiés : l'étude n'a pas de vague "
                f"{waves} pour les {who}")
    return f"{len(check)} published count(s) cannot be checked: the study has no {waves} wave for {who}"
