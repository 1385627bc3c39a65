"""Languages and interface words: the one place where a reader-facing word is written in French and English.

Computing modules return numbers and **codes** (``too_few``, ``not_comparable``, ``published``…); the
presentation layer (:mod:`etude.publish.present`) turns a code into words with :func:`label`. Interface words shared by
several tables (column heads, adjustment and test names, yes/no) live in :data:`WORDS`; the data-status captions
every chart and table carries are :func:`data_status` and :data:`SIMULATED_CAPTION`.

Examples
--------
>>> check_lang("en")
'en'
>>> label("too_few", lang="fr", min_cell=5)
'effectif insuffisant (n < 5)'
>>> data_status(True, lang="en")
'Simulated data — do not cite'
"""
from __future__ import annotations

from typing import Any

from etude.errors import ParameterError

__all__ = ["LANGS", "WORDS", "CODES", "SIMULATED_CAPTION", "check_lang", "word", "label", "data_status"]

#: Languages of the reader-facing text.
LANGS = ("fr", "en")

#: Caption of every chart and table built on simulated data (French; :func:`data_status` for English).
SIMULATED_CAPTION = "Données simulées — ne pas citer"

_STATUS = {True: {"fr": SIMULATED_CAPTION, "en": "Simulated data — do not cite"},
           False: {"fr": "Données d'enquête", "en": "Survey data"}}

#: Labels of the codes written in status-like columns (``docs/contracts.md`` §4). ``{min_cell}`` and ``{wave}``
#: are filled by :func:`label`.
CODES = {
    # comparisons (comparaison_themes.csv, comparaison_types_acheteurs.csv, evolution_*.csv)
    "compared": {"fr": "comparé", "en": "compared"},
    "too_few": {"fr": "effectif insuffisant (n < {min_cell})", "en": "too few respondents (n < {min_cell})"},
    "not_comparable": {"fr": "non comparable", "en": "not comparable"},
    "fisher": {"fr": "Fisher", "en": "Fisher"},
    "chi2": {"fr": "khi-deux", "en": "chi-square"},
    # figure statuses (indicateurs.csv, effectifs_publies.csv, evolution_cinov.csv)
    "published": {"fr": "publié", "en": "published"},
    "computed": {"fr": "calculé", "en": "computed"},
    "uncertain": {"fr": "incertain", "en": "uncertain"},
    "simulated": {"fr": "simulé", "en": "simulated"},
    # notes of evolution_cinov.csv
    "counts_rebuilt": {"fr": "effectifs rebâtis par arrondi (part × n) ; échantillons auto-sélectionnés",
                       "en": "counts rebuilt by rounding (share × n); self-selected samples"},
    "n_inexact_point_only": {"fr": "effectif {wave} inexact : écart en points seulement, sans intervalle ni test",
                             "en": "inexact {wave} count: change in points only, no interval nor test"},
    "n_inexact_lower_bound": {"fr": "effectif {wave} inexact : intervalle et test avec la borne inférieure "
                                    "publiée ; échantillons auto-sélectionnés",
                              "en": "inexact {wave} count: interval and test with the published lower bound; "
                                    "self-selected samples"},
    # supply / demand flags (offre_demande_segments.csv)
    "demande_sans_offre": {"fr": "Demande sans offre", "en": "Demand without supply"},
    "offre_sans_demande": {"fr": "Offre sans demande", "en": "Supply without demand"},
    "": {"fr": "", "en": ""},
}

#: Interface words shared by several tables: key → {"fr": …, "en": …}.
WORDS = {
    "theme": {"fr": "Thème", "en": "Theme"},
    "item": {"fr": "Item", "en": "Item"},
    "item_or_theme": {"fr": "Item ou thème", "en": "Item or theme"},
    "buyers": {"fr": "Acheteurs", "en": "Buyers"},
    "companies": {"fr": "Entreprises", "en": "Companies"},
    "diff": {"fr": "Écart (acheteurs − entreprises)", "en": "Difference (buyers − companies)"},
    "gap": {"fr": "Écart (groupe 1 − groupe 2)", "en": "Difference (group 1 − group 2)"},
    "ci": {"fr": "Intervalle à {level} %", "en": "{level} % interval"},
    "ci_adjusted": {"fr": "Intervalle à {level} % ajusté ({padjust})",
                    "en": "{level} % interval, adjusted ({padjust})"},
    "ci_unadjusted": {"fr": "Intervalle à {level} % (non ajusté)", "en": "{level} % interval (unadjusted)"},
    "p": {"fr": "p ({test})", "en": "p ({test})"},
    "padj": {"fr": "p ajustée ({padjust})", "en": "adjusted p ({padjust})"},
    "h": {"fr": "h de Cohen", "en": "Cohen's h"},
    "holm": {"fr": "Holm", "en": "Holm"},
    "fdr_bh": {"fr": "Benjamini-Hochberg", "en": "Benjamini-Hochberg"},
    "bonferroni": {"fr": "Bonferroni", "en": "Bonferroni"},
    "none": {"fr": "sans ajustement", "en": "no adjustment"},
    "group": {"fr": "Groupe", "en": "Group"},
    "group1": {"fr": "Groupe 1", "en": "Group 1"},
    "group2": {"fr": "Groupe 2", "en": "Group 2"},
    "status": {"fr": "Statut", "en": "Status"},
    "items_buyers": {"fr": "Items des acheteurs", "en": "Buyers' items"},
    "items_companies": {"fr": "Items des entreprises", "en": "Companies' items"},
    "none_item": {"fr": "— (aucun item)", "en": "— (no item)"},
    "compared": {"fr": "Comparé", "en": "Compared"},
    "yes": {"fr": "oui", "en": "yes"},
    "no": {"fr": "non", "en": "no"},
    "population": {"fr": "Population", "en": "Population"},
    "respondents": {"fr": "Répondants", "en": "Respondents"},
    "base": {"fr": "Ont répondu à la question des freins", "en": "Answered the barrier question"},
    "no_answer": {"fr": "N'ont coché aucun frein", "en": "Ticked no barrier"},
    "wave": {"fr": "Vague", "en": "Wave"},
    "missing": {"fr": "non disponible", "en": "not available"},
    "not_asked": {"fr": "non posé", "en": "not asked"},
    "not_given": {"fr": "Non renseigné", "en": "Not given"},
    "other_respondents": {"fr": "autres répondants", "en": "other respondents"},
    "rank_group": {"fr": "Groupe de rang", "en": "Rank group"},
}


def check_lang(lang: Any) -> str:
    """Return ``lang`` if it is one of :data:`LANGS`, else raise :class:`etude.errors.ParameterError`.

    >>> check_lang("fr")
    'fr'
    >>> check_lang("de")
    Traceback (most recent call last):
    ...
    etude.errors.ParameterError: langue « de » inconnue ; langues possibles : fr, en
    """
    if lang not in LANGS:
        raise ParameterError(f"langue « {lang} » inconnue ; langues possibles : {', '.join(LANGS)}")
    return lang


def word(key: str, lang: str = "fr") -> str:
    """An interface word of :data:`WORDS` in ``lang``.

    >>> word("padj", "en").format(padjust="Holm")
    'adjusted p (Holm)'
    """
    return WORDS[key][check_lang(lang)]


def label(code: Any, *, lang: str = "fr", **fields: Any) -> str:
    """The words of a status code (:data:`CODES`); an unknown or missing code is returned as written.

    >>> label("not_comparable", lang="en")
    'not comparable'
    >>> label("n_inexact_point_only", wave=2023)
    'effectif 2023 inexact : écart en points seulement, sans intervalle ni test'
    >>> label("autre chose")
    'autre chose'
    """
    lang = check_lang(lang)
    if not isinstance(code, str):
        return "" if code is None or code != code else str(code)
    spec = CODES.get(code)
    if spec is None:
        return code
    try:
        return spec[lang].format(**fields)
    except (KeyError, IndexError):
        return spec[lang]


def data_status(simulated: bool, lang: str = "fr") -> str:
    """The data-status caption: « Données simulées — ne pas citer » or « Données d'enquête ».

    >>> data_status(False)
    "Données d'enquête"
    """
    return _STATUS[bool(simulated)][check_lang(lang)]
