"""What the supply/demand table and the meeting plan say (:func:`etude.analysis.matching.supply_demand`,
:func:`etude.analysis.matching.plan_summary`), in a heading or in one or two sentences.
"""
from __future__ import annotations

import pandas as pd

from etude import words
from etude.publish import formats
from etude.publish.present.phrasing import _t
from etude.publish.present.show import escape_text
from etude.survey.context import min_cell_of
from etude.words import check_lang

__all__ = ["supply_headline", "supply_text", "plan_headline"]


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
        few = formats.number(min_cell_of(table), lang=lang)  # a count the small-group rule withholds
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
