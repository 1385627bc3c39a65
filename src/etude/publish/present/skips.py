"""What a notebook could not compute for this study, said in one sentence in the reader's language (the catalogue's
``skips.*``), never a traceback.

A study that validation accepts always runs every notebook: a part that needs a population, an attribute, two
groups or a common wave the study lacks is skipped, and one of these sentences says what and why. Notebooks show
them with :func:`etude.publish.present.markdown`.

Examples
--------
>>> no_population("companies")
'Aucune entreprise innovante dans cette étude : cette partie est sans objet.'
>>> needs_both({"buyers": [2019]}, lang="en")
'The buyers / companies comparison needs both questionnaires; this study has only public buyers: it is not made.'
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from etude import words
from etude.publish import formats
from etude.survey import codebook as cb
from etude.survey.context import min_cell_of
from etude.words import check_lang

__all__ = ["no_population", "population_note", "missing_attributes", "attributes_note", "needs_both", "too_few_groups",
           "changes_note", "items_text"]


def _t(key: str, lang: str, **fields) -> str:
    """The catalogue entry ``skips.<key>``."""
    return words.text(f"skips.{key}", lang, **fields)


def _who(population: str, lang: str) -> str:
    return cb.label(population, lang=lang).lower()


def _names(attributes: Sequence[str], population: str, lang: str) -> str:
    """« A », « B » ni « C » (French), “A”, “B” or “C” (English)."""
    from etude.publish.labels import attribute_label
    names = [formats.quote(attribute_label(population, a, lang=lang), lang) for a in attributes]
    if len(names) <= 1:
        return "".join(names)
    return _t("nor", lang, names=", ".join(names[:-1]), last=names[-1])


def no_population(population: str, *, lang: str = "fr") -> str:
    """The sentence of a part about a population the study has no respondent of.

    >>> no_population("buyers", lang="en")
    'No public buyer in this study: this part does not apply.'
    """
    lang = check_lang(lang)
    key = f"skips.no_population.{population}"
    if words.has(key, lang):
        return words.text(key, lang)
    return _t("no_population.any", lang, population=population)


def population_note(df, population: str, *, lang: str = "fr") -> str:
    """:func:`no_population` when ``df`` (the population's respondents shown) has no row, else empty.

    >>> import pandas as pd
    >>> population_note(pd.DataFrame({"wave": [2019]}), "buyers")
    ''
    """
    return no_population(population, lang=lang) if df is None or len(df) == 0 else ""


def missing_attributes(population: str, attributes: Sequence[str], *, lang: str = "fr") -> str:
    """The sentence of attributes no export of the population gives: they are neither described nor grouped by.

    Empty when ``attributes`` is empty.

    >>> print(missing_attributes("buyers", ["segment", "departement"]))  # doctest: +NORMALIZE_WHITESPACE
    Exports des acheteurs publics sans « Segment principal » ni « Département » : pas de profil par groupe
    >>> print(missing_attributes("buyers", ["segment", "departement"], lang="en"))  # doctest: +NORMALIZE_WHITESPACE
    The public buyers' exports do not give “Main segment” or “Département”: no profile by group
    """
    lang = check_lang(lang)
    attributes = list(attributes)
    if not attributes:
        return ""
    return _t("missing_attributes", lang, who=_who(population, lang), names=_names(attributes, population, lang))


def attributes_note(df, population: str, attributes: Sequence[str], *, lang: str = "fr") -> str:
    """What a profile or grouped table of ``df`` (one population's respondents) leaves out, in one sentence: the
    whole part when the study has no respondent of ``population``, else the attributes nobody gave; empty when
    every attribute is given.

    >>> import pandas as pd
    >>> attributes_note(pd.DataFrame({"segment": [None]}), "buyers", ["segment"]).split(" :")[0]
    'Exports des acheteurs publics sans « Segment principal »'
    >>> attributes_note(pd.DataFrame(), "buyers", ["segment"], lang="en")
    'No public buyer in this study: this part does not apply.'
    """
    from etude.analysis import stats
    if df is None or len(df) == 0:
        return no_population(population, lang=lang)
    given = set(stats.given_attributes(df, attributes))
    return missing_attributes(population, [a for a in attributes if a not in given], lang=lang)


def needs_both(waves: Mapping[str, Sequence[int]], *, lang: str = "fr") -> str:
    """Why the buyers / companies comparison is not made: one questionnaire only, or no wave both have.

    ``waves`` is :func:`etude.survey.wavesel.population_waves` (the waves of each population with respondents).

    >>> needs_both({"buyers": [2017], "companies": [2019]})  # doctest: +NORMALIZE_WHITESPACE
    'La comparaison acheteurs / entreprises demande les deux questionnaires dans une même vague ; ils n’en
    partagent aucune (acheteurs publics : 2017 ; entreprises innovantes : 2019) : elle n’est pas faite.'
    """
    lang = check_lang(lang)
    present = [k for k in ("buyers", "companies") if waves.get(k)]
    if not present:
        return _t("needs_both.nobody", lang)
    if len(present) < 2:
        return _t("needs_both.only", lang, who=_who(present[0], lang))
    listed = words.text("findings.separator", lang).join(
        _t("needs_both.waves", lang, who=_who(k, lang), waves=", ".join(map(str, waves[k]))) for k in present)
    return _t("needs_both.apart", lang, waves=listed)


def too_few_groups(population: str, attribute: str, groups: int, *, lang: str = "fr") -> str:
    """Why groups of respondents are not compared: fewer than two groups with respondents.

    >>> print(too_few_groups("buyers", "buyer_type", 1))  # doctest: +NORMALIZE_WHITESPACE
    Les acheteurs publics de cette vague ne forment qu'un groupe de « Type d'acheteur » : pas de comparaison
    entre groupes.
    """
    lang = check_lang(lang)
    key = "too_few_groups.no_group" if groups == 0 else "too_few_groups.single_group"
    return _t(key, lang, who=_who(population, lang), attribute=_names([attribute], population, lang))


def changes_note(changes, population: str, *, lang: str = "fr") -> str:
    """Why a wave change (:func:`etude.analysis.waves.wave_changes`) has no chart: a wave publishes no share (fewer than
    the threshold the table was made under, ``attrs["min_cell"]``, answered it: withheld); empty when both waves
    have shares to show.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"wave_from": [2018], "wave_to": [2021], "share_from": [None], "share_to": [0.5]})
    >>> print(changes_note(t, "companies"))  # doctest: +NORMALIZE_WHITESPACE
    Moins de 5 entreprises innovantes ont répondu en 2018 : leurs réponses ne sont pas publiées (secret
    statistique), pas d'évolution 2018 → 2021.
    """
    lang = check_lang(lang)
    if changes is None or len(changes) == 0:
        return ""
    w1, w2 = int(changes["wave_from"].iloc[0]), int(changes["wave_to"].iloc[0])
    hidden = [w for w, col in ((w1, "share_from"), (w2, "share_to")) if not changes[col].notna().any()]
    if not hidden:
        return ""
    return _t("withheld_wave", lang, min_cell=formats.number(min_cell_of(changes), lang=lang),
              who=_who(population, lang), waves=formats.join(hidden, lang), wave_from=w1, wave_to=w2)


def items_text(*, lang: str = "fr", codebook=None) -> str:
    """How many barrier items each questionnaire proposes, from the codebook (never written by hand).

    >>> items_text(lang="en").startswith("The barrier question lists ")
    True
    """
    lang = check_lang(lang)
    parts = []
    for population in cb.populations(codebook):
        try:
            n = len(cb.items(population, "barriers", codebook=codebook))
        except (KeyError, ValueError):
            continue
        parts.append(_t("items.population", lang, count=n, who=_who(population, lang)))
    return _t("items.text", lang, items=formats.join(parts, lang))
