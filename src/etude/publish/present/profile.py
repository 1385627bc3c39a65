"""The headings of the respondents' profile (:func:`etude.analysis.stats.profile`): the largest group, and the
group sizes behind a grouped barrier chart.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from etude.publish import formats
from etude.publish.labels import attribute_label
from etude.publish.marks import mark, marked, marks_of
from etude.publish.present.phrasing import _lower_first, _t
from etude.survey.context import min_cell_of
from etude.words import check_lang

__all__ = ["profile_headline", "group_sizes_headline", "any_group_shown"]


def _profile_not_given(t: pd.DataFrame, attribute: str, population: str, lang: str) -> str:
    label = formats.quote(attribute_label(population, attribute, lang=lang), lang)
    people = "companies" if population == "companies" else "buyers"
    return marked(_t(f"profile.not_given.{people}", lang, n=formats.number(t["n_total"].iloc[0], lang=lang),
                     attribute=label), [_row_mark(t.iloc[0], "n_total", population, attribute=attribute)])


def _row_mark(row: pd.Series, column: str, population: str, attribute: str | None = None,
              group: bool = False) -> dict:
    """The mark of a profile row's number (:mod:`etude.publish.marks`): its ``column`` for its wave and attribute
    (and its value when ``group``)."""
    return mark(column, row[column], population=population, wave=row.get("wave"),
                attribute=row.get("attribute", attribute), group_value=row["value"] if group else None)


def _profile_largest(t: pd.DataFrame, population: str, lang: str) -> str:
    pct = pd.to_numeric(t["pct"])
    top = t.loc[pct.idxmax()]
    tied = [str(x) for x in t.loc[np.isclose(pct, pct.max()), "label"]]  # every largest group, not the first
    people = "companies" if population == "companies" else "buyers"
    groups = formats.join(tied, lang) if len(tied) <= 2 else _t("profile.tied", lang, count=len(tied))  # a title
    marks = [_row_mark(r, "pct", population, group=True) for _, r in t.loc[np.isclose(pct, pct.max())].iterrows()]
    return marked(_t(f"profile.largest.{people}", lang, count=len(tied), groups=groups,
                     pct=formats.pct(top["pct"], lang=lang), n=formats.number(top["n_total"], lang=lang)),
                  [*marks, _row_mark(top, "n_total", population)])


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
    return text if wave is None else marked(_t("profile.wave", lang, wave=wave, text=text), marks_of(text))


def any_group_shown(table: pd.DataFrame) -> bool:
    """Whether a grouped frequency table publishes at least one group (else its chart is only empty panels).

    >>> any_group_shown(pd.DataFrame({"suppressed": [True, True]})), any_group_shown(pd.DataFrame({"n": [3]}))
    (False, True)
    """
    if "suppressed" not in table.columns:
        return not table.empty
    return bool((~table["suppressed"].fillna(False).astype(bool)).any())


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
    >>> print(group_sizes_headline(t.assign(suppressed=True), "buyer_type", population="buyers"))
    Par type d'acheteur : aucun groupe publiable (secret statistique)
    """
    from etude.publish.labels import attribute_label
    lang = check_lang(lang)
    min_cell = min_cell_of(table)
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
    if shown.empty:  # every group withheld: say so, never « de < 5 à n.d. »
        return _t("sizes.none", lang, attribute=_lower_first(attr), min_cell=formats.number(min_cell, lang=lang))
    high = formats.number(shown.max(), lang=lang)
    # a group is ranked (letters, interval) from min_cell respondents up (etude.analysis.stats.frequencies)
    small = hidden or bool((n.isna() | (n < min_cell)).any())
    ends = [shown.idxmax()] if primary_hidden else list(dict.fromkeys([shown.idxmin(), shown.idxmax()]))
    marks = [mark("n_base", n[i], population=population, wave=sizes.at[i, "wave"] if "wave" in sizes else None,
                  attribute=by, group_value=sizes.at[i, by]) for i in ends]
    key = "sizes.line_small" if small else "sizes.line_equal" if low == high else "sizes.line"  # never « de 6 à 6 »
    return marked(_t(key, lang, attribute=_lower_first(attr),
                     count=len(sizes), low=low, high=high, min_cell=formats.number(min_cell, lang=lang)), marks)
