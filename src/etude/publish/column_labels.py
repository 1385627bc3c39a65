"""What the columns and tables of a run are called for readers (FR/EN), and what kind of number each holds.

The CSVs of a run keep their codes (``pct``, ``n_base``…) for scripts; the workbook, and any presentation of a
table, show these labels instead. One entry per column code: ``(French label, English label, kind)``, where
``kind`` says how a spreadsheet should show it — ``share`` (a fraction shown as ``48,1 %``), ``count`` (an integer),
``number`` (a decimal), ``p`` (a p-value) or ``text``. A code missing from :data:`COLUMN_LABELS` keeps its code as
header and gets its kind from its values.

This table is data on purpose: the presentation layer (``etude.words``) can fold it in as it is.

Examples
--------
>>> column_label("pct"), column_label("pct", lang="en"), column_kind("pct")
('Part', 'Share', 'share')
>>> column_label("colonne_inconnue"), column_kind("colonne_inconnue")
('colonne_inconnue', None)
>>> table_title("freins")
'Freins cités, par population'
"""
from __future__ import annotations

__all__ = ["COLUMN_LABELS", "TABLE_TITLES", "KINDS", "column_label", "column_kind", "table_title"]

#: Kinds of column a spreadsheet formats differently.
KINDS = ("share", "count", "number", "p", "text")

#: CSV column code -> (French label, English label, kind).
COLUMN_LABELS: dict[str, tuple[str, str, str]] = {
    # who and when
    "population": ("Population", "Population", "text"),
    "wave": ("Vague", "Wave", "count"),
    "wave_from": ("Vague de départ", "From wave", "count"),
    "wave_to": ("Vague d'arrivée", "To wave", "count"),
    "year": ("Année", "Year", "count"),
    "period": ("Période", "Period", "text"),
    "previous_period": ("Période précédente", "Previous period", "text"),
    "level": ("Niveau", "Level", "text"),
    "attribute": ("Caractéristique", "Attribute", "text"),
    "value": ("Valeur", "Value", "number"),
    "group": ("Regroupement", "Grouping", "text"),
    "group_value": ("Groupe (code)", "Group (code)", "text"),
    "group_label": ("Groupe", "Group", "text"),
    "group1": ("Groupe 1 (code)", "Group 1 (code)", "text"),
    "group1_label": ("Groupe 1", "Group 1", "text"),
    "group2": ("Groupe 2 (code)", "Group 2 (code)", "text"),
    "group2_label": ("Groupe 2", "Group 2", "text"),
    # what
    "item": ("Item (code)", "Item (code)", "text"),
    "code": ("Code", "Code", "text"),
    "label": ("Libellé", "Label", "text"),
    "label_fr": ("Libellé", "Label", "text"),
    "theme": ("Thème", "Theme", "text"),
    "segment": ("Segment d'achat", "Purchase segment", "text"),
    "series": ("Série", "Series", "text"),
    "indicator": ("Indicateur", "Indicator", "text"),
    "perimeter": ("Périmètre", "Scope", "text"),
    "unit": ("Unité", "Unit", "text"),
    # counts
    "n": ("Effectif", "Count", "count"),
    "n_total": ("Effectif total", "Total count", "count"),
    "n_base": ("Base (répondants)", "Base (respondents)", "count"),
    "n_barriers": ("Répondants à la question des freins", "Respondents to the barriers question", "count"),
    "count": ("Citations", "Mentions", "count"),
    "rank": ("Rang", "Rank", "count"),
    "rank_group": ("Groupe de rang (test apparié)", "Rank group (paired test)", "count"),
    "n1": ("Base groupe 1", "Base group 1", "count"),
    "n2": ("Base groupe 2", "Base group 2", "count"),
    "count1": ("Citations groupe 1", "Mentions group 1", "count"),
    "count2": ("Citations groupe 2", "Mentions group 2", "count"),
    "n_from": ("Base (départ)", "Base (from)", "count"),
    "n_to": ("Base (arrivée)", "Base (to)", "count"),
    "n_from_text": ("Base publiée (départ)", "Published base (from)", "text"),
    "n_to_text": ("Base publiée (arrivée)", "Published base (to)", "text"),
    "count_from": ("Citations (départ)", "Mentions (from)", "count"),
    "count_to": ("Citations (arrivée)", "Mentions (to)", "count"),
    "n_buyers": ("Acheteurs", "Buyers", "count"),
    "n_companies": ("Entreprises", "Companies", "count"),
    "buyers_base": ("Base acheteurs", "Buyers base", "count"),
    "companies_base": ("Base entreprises", "Companies base", "count"),
    "published": ("Effectif publié", "Published count", "count"),
    "loaded": ("Effectif chargé", "Loaded count", "count"),
    "slot": ("Créneau", "Slot", "count"),
    # shares
    "pct": ("Part", "Share", "share"),
    "ci_low": ("IC 95 % bas", "95% CI low", "share"),
    "ci_high": ("IC 95 % haut", "95% CI high", "share"),
    "pct1": ("Part groupe 1", "Share group 1", "share"),
    "pct2": ("Part groupe 2", "Share group 2", "share"),
    "pct_buyers": ("Part des acheteurs", "Share of buyers", "share"),
    "pct_companies": ("Part des entreprises", "Share of companies", "share"),
    "pct_barriers": ("Part ayant répondu sur les freins", "Share answering on barriers", "share"),
    "share_from": ("Part (départ)", "Share (from)", "share"),
    "share_to": ("Part (arrivée)", "Share (to)", "share"),
    "diff": ("Écart (points)", "Difference (points)", "share"),
    "diff_ci_low": ("Écart : IC 95 % bas", "Difference: 95% CI low", "share"),
    "diff_ci_high": ("Écart : IC 95 % haut", "Difference: 95% CI high", "share"),
    "change_rel": ("Évolution relative", "Relative change", "share"),
    # other numbers
    "previous_value": ("Valeur précédente", "Previous value", "number"),
    "change_abs": ("Évolution absolue", "Absolute change", "number"),
    "cohens_h": ("Taille d'effet (h de Cohen)", "Effect size (Cohen's h)", "number"),
    "ratio": ("Rapport entreprises / acheteurs", "Companies / buyers ratio", "number"),
    "score": ("Score", "Score", "number"),
    "score_segment": ("Score : segment", "Score: segment", "number"),
    "score_text": ("Score : texte", "Score: text", "number"),
    "score_proximity": ("Score : proximité", "Score: proximity", "number"),
    "p_value": ("p", "p", "p"),
    "p_adjusted": ("p corrigé (Holm)", "Adjusted p (Holm)", "p"),
    # flags and words
    "test": ("Test", "Test", "text"),
    "status": ("Statut", "Status", "text"),
    "change_status": ("Statut de l'évolution", "Change status", "text"),
    "suppressed": ("Masqué (petit effectif)", "Suppressed (small count)", "text"),
    "companies_suppressed": ("Entreprises masquées (petit effectif)", "Companies suppressed (small count)", "text"),
    "match": ("Concorde", "Matches", "text"),
    "simulated": ("Simulé", "Simulated", "text"),
    "flag": ("Signal (code)", "Flag (code)", "text"),
    "flag_label": ("Signal", "Flag", "text"),
    "note": ("Note", "Note", "text"),
    "source": ("Source", "Source", "text"),
    "source_url": ("Adresse de la source", "Source URL", "text"),
    "buyer_id": ("Acheteur (pseudonyme)", "Buyer (pseudonym)", "text"),
    "company_id": ("Entreprise (pseudonyme)", "Company (pseudonym)", "text"),
}

#: Table (CSV stem) -> (French title, English title), for the workbook's « À lire » sheet.
TABLE_TITLES: dict[str, tuple[str, str]] = {
    "repondants_par_vague": ("Répondants par population et par vague", "Respondents by population and wave"),
    "effectifs_publies": ("Effectifs publiés en 2017 et effectifs chargés", "Published and loaded 2017 counts"),
    "profil_acheteurs": ("Profil des acheteurs répondants", "Profile of responding buyers"),
    "profil_entreprises": ("Profil des entreprises répondantes", "Profile of responding companies"),
    "freins": ("Freins cités, par population", "Barriers cited, by population"),
    "freins_par_groupe": ("Freins cités, par groupe", "Barriers cited, by group"),
    "comparaison_themes": ("Acheteurs et entreprises : freins par thème", "Buyers and companies: barriers by theme"),
    "comparaison_types_acheteurs": ("Freins par type d'acheteur", "Barriers by type of buyer"),
    "indicateurs": ("Indicateurs publiés, par année", "Published indicators, by year"),
    "evolution_vagues": ("Évolution d'une vague à l'autre", "Change from one wave to the next"),
    "evolution_cinov": ("Baromètre CINOV : évolution", "CINOV barometer: change"),
    "decp_annuel": ("Marchés publiés (DECP), par année", "Published contracts (DECP), by year"),
    "decp_resume": ("Marchés publiés (DECP) : résumé", "Published contracts (DECP): summary"),
    "offre_demande_segments": ("Offre et demande par segment d'achat", "Supply and demand by purchase segment"),
    "rencontres": ("Plan de rencontres acheteurs–entreprises", "Buyer–company meeting plan"),
}


def _lang_index(lang: str) -> int:
    if lang not in ("fr", "en"):
        raise ValueError(f"lang must be 'fr' or 'en', not {lang!r}")
    return 0 if lang == "fr" else 1


def column_label(code: str, *, lang: str = "fr") -> str:
    """The reader's header of CSV column ``code`` (the code itself when it is not in :data:`COLUMN_LABELS`)."""
    entry = COLUMN_LABELS.get(code)
    return entry[_lang_index(lang)] if entry else code


def column_kind(code: str) -> str | None:
    """``share``, ``count``, ``number``, ``p`` or ``text`` for a known column; ``None`` for an unknown one."""
    entry = COLUMN_LABELS.get(code)
    return entry[2] if entry else None


def table_title(stem: str, *, lang: str = "fr") -> str:
    """What table ``stem`` (a CSV file name without ``.csv``) holds, in words; the stem when unknown."""
    entry = TABLE_TITLES.get(stem)
    return entry[_lang_index(lang)] if entry else stem
