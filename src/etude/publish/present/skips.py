"""What a notebook could not compute for this study, said in one sentence (French and English), never a traceback.

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

from etude.survey import codebook as cb
from etude.words import check_lang

__all__ = ["no_population", "population_note", "missing_attributes", "attributes_note", "needs_both", "too_few_groups",
           "changes_note", "items_text"]

_NONE = {"buyers": {"fr": "Aucun acheteur public", "en": "No public buyer"},
         "companies": {"fr": "Aucune entreprise innovante", "en": "No innovative company"}}


def _who(population: str, lang: str) -> str:
    return cb.label(population, lang=lang).lower()


def _names(attributes: Sequence[str], population: str, lang: str) -> str:
    from etude.publish.labels import attribute_label
    names = [f"« {attribute_label(population, a, lang=lang)} »" for a in attributes]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + (" ni " if lang == "fr" else " or ") + names[-1]


def no_population(population: str, *, lang: str = "fr") -> str:
    """The sentence of a part about a population the study has no respondent of.

    >>> no_population("buyers", lang="en")
    'No public buyer in this study: this part does not apply.'
    """
    lang = check_lang(lang)
    head = _NONE.get(population, {"fr": f"Aucun répondant ({population})", "en": f"No respondent ({population})"})
    tail = (" dans cette étude : cette partie est sans objet." if lang == "fr"
            else " in this study: this part does not apply.")
    return head[lang] + tail


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
    Les exports des acheteurs publics ne renseignent pas « Segment principal » ni « Département » : pas de profil
    ni de tableau par groupe pour ces caractéristiques.
    """
    lang = check_lang(lang)
    attributes = list(attributes)
    if not attributes:
        return ""
    names = _names(attributes, population, lang)
    if lang == "fr":
        return (f"Les exports des {_who(population, lang)} ne renseignent pas {names} : pas de profil ni de "
                "tableau par groupe pour ces caractéristiques.")
    return f"The {_who(population, lang)}' exports do not give {names}: no profile nor table by group for them."


def attributes_note(df, population: str, attributes: Sequence[str], *, lang: str = "fr") -> str:
    """What a profile or grouped table of ``df`` (one population's respondents) leaves out, in one sentence: the
    whole part when the study has no respondent of ``population``, else the attributes nobody gave; empty when
    every attribute is given.

    >>> import pandas as pd
    >>> attributes_note(pd.DataFrame({"segment": [None]}), "buyers", ["segment"]).split(" :")[0]
    'Les exports des acheteurs publics ne renseignent pas « Segment principal »'
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
    if len(present) < 2:
        only = _who(present[0], lang) if present else ("aucun questionnaire" if lang == "fr" else "no questionnaire")
        if lang == "fr":
            return (f"La comparaison acheteurs / entreprises demande les deux questionnaires ; cette étude n’a que "
                    f"les {only} : elle n’est pas faite." if present else
                    "La comparaison acheteurs / entreprises demande les deux questionnaires ; cette étude n’a "
                    "aucun répondant : elle n’est pas faite.")
        return (f"The buyers / companies comparison needs both questionnaires; this study has only {only}: it is "
                "not made.")
    listed = (" ; " if lang == "fr" else "; ").join(
        f"{_who(k, lang)}{' :' if lang == 'fr' else ':'} {', '.join(map(str, waves[k]))}" for k in present)
    if lang == "fr":
        return ("La comparaison acheteurs / entreprises demande les deux questionnaires dans une même vague ; ils "
                f"n’en partagent aucune ({listed}) : elle n’est pas faite.")
    return (f"The buyers / companies comparison needs both questionnaires in one wave; they share none ({listed}): "
            "it is not made.")


def too_few_groups(population: str, attribute: str, groups: int, *, lang: str = "fr") -> str:
    """Why groups of respondents are not compared: fewer than two groups with respondents.

    >>> print(too_few_groups("buyers", "buyer_type", 1))  # doctest: +NORMALIZE_WHITESPACE
    Les acheteurs publics de cette vague ne forment qu'un groupe de « Type d'acheteur » : pas de comparaison
    entre groupes.
    """
    lang = check_lang(lang)
    name = _names([attribute], population, lang)
    if lang == "fr":
        verb = "ne forment aucun groupe" if groups == 0 else "ne forment qu'un groupe"
        return f"Les {_who(population, lang)} de cette vague {verb} de {name} : pas de comparaison entre groupes."
    count = "no group" if groups == 0 else "a single group"
    return f"The {_who(population, lang)} of this wave form {count} of {name}: no comparison between groups."


def changes_note(changes, population: str, *, min_cell: int = 5, lang: str = "fr") -> str:
    """Why a wave change (:func:`etude.analysis.waves.wave_changes`) has no chart: a wave publishes no share (fewer than
    ``min_cell`` companies answered it: withheld); empty when both waves have shares to show.

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
    waves = " et ".join(map(str, hidden)) if lang == "fr" else " and ".join(map(str, hidden))
    if lang == "fr":
        return (f"Moins de {min_cell} {_who(population, lang)} ont répondu en {waves} : leurs réponses ne sont pas "
                f"publiées (secret statistique), pas d'évolution {w1} → {w2}.")
    return (f"Fewer than {min_cell} {_who(population, lang)} answered in {waves}: their answers are not published "
            f"(statistical confidentiality), no change {w1} → {w2} is shown.")


def items_text(*, lang: str = "fr", codebook=None) -> str:
    """How many barrier items each questionnaire proposes, from the codebook (never written by hand).

    >>> items_text(lang="en").startswith("The barrier question lists ")
    True
    """
    lang = check_lang(lang)
    parts = []
    for kind in cb.populations(codebook):
        try:
            n = len(cb.items(kind, "barriers", codebook=codebook))
        except (KeyError, ValueError):
            continue
        parts.append(f"{n} {'items pour les' if lang == 'fr' else 'items for'} {_who(kind, lang)}")
    joined = (" et " if lang == "fr" else " and ").join(parts)
    if lang == "fr":
        return f"La question des freins propose {joined}, plusieurs réponses possibles."
    return f"The barrier question lists {joined}, several answers allowed."
