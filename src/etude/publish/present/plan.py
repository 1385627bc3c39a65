"""The remedies and the action plan for readers: labels of the written tables, titles, headings, tables shown.

:mod:`etude.analysis.plan` computes (codes and numbers); this module puts the words on them, from the catalogue
(:mod:`etude.words`, area ``plan``), the codebook (item labels) and the reference tables (the 2017 restitution's
solutions and objectives, quoted as written). Numbers go through :mod:`etude.publish.formats`.

Examples
--------
>>> import pandas as pd
>>> t = {"buyers": pd.DataFrame({"wave": [2017, 2019]})}
>>> plan_wave_note(t, lang="en")
'Waves in the study: 2017, 2019. This part shows wave 2019 (the latest wave).'
>>> plan_title("plan", "buyers", wave=2018)
"Plan d'action — Acheteurs publics, vague 2018"
"""
from __future__ import annotations

import pandas as pd

from etude import words
from etude.analysis import plan as analysis
from etude.publish import formats
from etude.publish.labels import label_of
from etude.publish.marks import marked, row_mark
from etude.survey import codebook as cb
from etude.survey import reference
from etude.survey.context import min_cell_of
from etude.words import check_lang

__all__ = ["plan_wave_note", "plan_title", "solutions_note", "plan_with_labels", "display_plan", "display_solutions",
           "display_objectives", "not_asked_text", "remedy_message", "plan_message", "solutions_message",
           "objectives_message"]

_SEP = " | "  # between solution texts (the seed's texts contain « ; »)


def _t(key: str, lang: str, **fields) -> str:
    return words.text(f"plan.{key}", lang, **fields)


def _who(population: str, lang: str) -> str:
    return cb.label(population, lang=lang)


def _gt_texts(lang: str, directory=None) -> pd.Series:
    """The restitution's solutions and 2018 objectives in ``lang``, by code (its own words in French)."""
    return pd.concat([reference.gt_texts("solution_2018_", lang=lang, directory=directory),
                      reference.gt_texts("objectif_2018_", lang=lang, directory=directory)]).set_index("code")["text"]


def _in_language(table: pd.DataFrame, lang: str, directory=None) -> pd.Series:
    """The ``text`` of a :func:`etude.analysis.plan.solutions_table` or ``objectives_table`` in ``lang``."""
    return table["code"].map(_gt_texts(lang, directory)).fillna(table["text"])


# ------------------------------------------------------------------------------------------------ titles and notes

def plan_wave_note(tables: dict[str, pd.DataFrame], wave: int | None = None, *, lang: str = "fr") -> str:
    """Which waves the study has and which this notebook shows (:func:`etude.analysis.plan.shown_waves`), in one
    sentence; a requested wave a population lacks is named.

    >>> t = {"buyers": pd.DataFrame({"wave": [2017, 2019]})}
    >>> plan_wave_note(t, 2016)  # doctest: +NORMALIZE_WHITESPACE
    "Vagues de l'étude : 2017, 2019. Cette partie montre la vague 2019 (la dernière vague). La vague 2016 demandée
    n'existe pas pour les acheteurs publics : leur dernière vague est montrée."
    """
    lang = check_lang(lang)
    shown = analysis.shown_waves(tables, wave)
    every = sorted({int(w) for df in tables.values() for w in df["wave"].dropna().unique()})
    if not shown:
        return _t("waves", lang, waves=_t("no_wave", lang), shown=_t("no_wave", lang))
    if len(set(shown.values())) == 1:
        text = _t("one_wave", lang, wave=next(iter(shown.values())))
    else:
        text = _t("wave_sep", lang).join(_t("wave_of", lang, wave=w, who=_who(k, lang).lower())
                                         for k, w in shown.items())
    suffix = "" if wave and wave in shown.values() else f" ({_t('latest', lang)})"
    missing = [k for k, w in shown.items() if wave and w != int(wave)]
    absent = "".join(" " + _t("absent", lang, wave=wave, who=_who(k, lang).lower()) for k in missing)
    return _t("waves", lang, waves=", ".join(map(str, every)), shown=text + suffix) + absent


def plan_title(what: str, population: str | None = None, *, wave: int | None = None, lang: str = "fr") -> str:
    """Title of a shown table or chart: ``what`` is ``remedies``, ``plan``, ``solutions`` or ``objectives``.

    >>> plan_title("solutions", lang="en")
    'Solutions adopted for 2018'
    """
    lang = check_lang(lang)
    text = _t(f"title_{what}", lang) + (f" — {_who(population, lang)}" if population else "")
    return text + (", " + _t("title_wave", lang, wave=wave) if wave else "")


def solutions_note(*, lang: str = "fr", directory=None) -> str:
    """The restitution's note after the solutions (« Maintien de la dynamique impulsée par INNOVEMBER »), quoted in
    its own words with the language's quotation marks."""
    notes = reference.gt_texts("note_2018_", directory=directory)["text"]
    return " ".join(_t("note", check_lang(lang), text=formats.quote(t, lang)) for t in notes)


# ------------------------------------------------------------------------------------------------ written table

def _indicator_labels(codes, lang: str = "fr", directory=None) -> dict[str, str]:
    """« <reference label> (<publisher>, <first>–<last period>) » of each ``table:indicator`` code: the publisher
    as its source names it (« OECP », « Fédération CINOV »), never the reference table's file code."""
    refs = pd.Series(codes).dropna().unique()
    if not len(refs):
        return {}
    t = reference.load_reference(directory=directory)
    out = {}
    for ref in refs:
        table, _, indicator = str(ref).partition(":")
        rows = t[(t["table"] == table) & (t["indicator"] == indicator)]
        label = rows[reference.column("label", lang)].iloc[0]
        publisher = str(rows["source"].dropna().iloc[-1]).split(";")[0].split(",")[0].strip() \
            if rows["source"].notna().any() else ""
        out[ref] = f"{label} ({publisher or '—'}, {rows['period'].min()}–{rows['period'].max()})"
    return out


def plan_with_labels(plan: pd.DataFrame, *, lang: str = "fr", codebook=None, directory=None) -> pd.DataFrame:
    """:func:`etude.analysis.plan.action_plan` with the labels of ``tables/plan_action.csv``
    (:data:`etude.analysis.plan.PLAN_COLUMNS`): the barrier's and the remedy's codebook labels, the solutions'
    and objective's texts (the seed's words in French, their translation in English; joined by `` | ``), the
    follow-up indicator's reference label. ``attrs`` are kept.
    """
    lang = check_lang(lang)
    texts = _gt_texts(lang, directory)
    indicators = _indicator_labels(plan["indicator"], lang, directory)

    def known(values, labels):
        return [labels(v) if isinstance(v, str) else pd.NA for v in values]

    out = plan.assign(
        label=[label_of(c, lang, codebook=codebook) for c in plan["item"]],
        remedy_label=known(plan["remedy"], lambda r: label_of(r, lang, codebook=codebook)),
        solution_labels=known(plan["solutions"], lambda s: _SEP.join(texts[c] for c in s.split(";"))),
        objective_label=known(plan["objective"], lambda o: texts.get(o, pd.NA)),
        indicator_label=known(plan["indicator"], lambda i: indicators.get(i, pd.NA)))
    out = out[analysis.PLAN_COLUMNS]
    out.attrs = dict(plan.attrs)
    return out


# ------------------------------------------------------------------------------------------------ tables shown

def _share(r: pd.Series, lang: str, min_cell: int, primary: bool) -> str:
    if not bool(r.get("asked", True)):
        return words.text("common.not_asked", lang)
    if pd.isna(r["pct"]):  # a group under min_cell publishes no base either (etude.safety.disclosure)
        return _t("suppressed", lang, min_cell=formats.number(min_cell, lang=lang)) if primary \
            else formats.missing(lang)
    n = f"n{formats.NNBSP}={formats.NNBSP}{formats.number(r['n_base'], lang=lang)}"
    if pd.isna(r["ci_low"]):  # a block under min_cell has no interval (etude.analysis.stats.frequencies)
        return f"{formats.pct(r['pct'], lang=lang)} ({n})"
    return f"{formats.pct(r['pct'], lang=lang)} {formats.interval(r['ci_low'], r['ci_high'], lang=lang)} ({n})"


def display_plan(plan: pd.DataFrame, population: str, *, lang: str = "fr", directory=None,
                 codebook=None) -> pd.DataFrame:
    """One population's plan for readers: barrier (short label), share [interval] (n), remedy, solution numbers,
    2018 objective. At most one row per barrier of the questionnaire (7 buyers, 6 companies in the codebook).
    """
    lang = check_lang(lang)
    number = {c: str(k) for k, c in enumerate(reference.gt_texts("solution_2018_", directory=directory)["code"], 1)}
    objectives = _gt_texts(lang, directory)
    part = plan[plan["population"] == population]
    min_cell = min_cell_of(plan)
    rows = [[label_of(r["item"], lang, short=True, codebook=codebook),
             _share(r, lang, min_cell, bool(r.get("suppressed", False))),
             label_of(r["remedy"], lang, codebook=codebook, missing=formats.missing(lang)),
             ", ".join(number[c] for c in str(r["solutions"]).split(";") if c in number) or formats.missing(lang),
             objectives.get(r["objective"], formats.missing(lang))]
            for _, r in part.iterrows()]
    return pd.DataFrame(rows, columns=[_t(k, lang) for k in ("barrier", "share", "remedy", "solutions", "objective")])


def _side(code: str, lang: str, codebook=None) -> str:
    """« acheteurs publics » or « entreprises »: the questionnaire whose barrier ``code`` is."""
    for population in ("buyers", "companies"):
        if code in set(cb.items(population, codebook=codebook)["code"]):
            return _who(population, lang).lower()
    return ""


def _barrier_names(codes: str, lang: str, codebook=None) -> str:
    """The short labels of ``codes`` (« a;b »); a short label two barriers share (« Désintérêt », on each side) says
    its side (« Désintérêt (acheteurs publics) »), so that no name appears twice."""
    codes = [c for c in codes.split(";") if c]
    short = [label_of(c, lang, short=True, codebook=codebook) for c in codes]
    names = [f"{n} ({_side(c, lang, codebook)})" if short.count(n) > 1 else n for c, n in zip(codes, short)]
    return ", ".join(names) or _t("no_barrier", lang)


def _linked(codes: str, lang: str, codebook=None) -> str:
    """« lié à 2 freins : a, b »: the neutral wording of an objective's links (none: « sans frein … »)."""
    n = len([c for c in codes.split(";") if c])
    if not n:
        return _t("no_barrier", lang)
    return _t("linked", lang, count=n, names=_barrier_names(codes, lang, codebook))


def display_solutions(solutions: pd.DataFrame, *, lang: str = "fr", codebook=None, directory=None) -> pd.DataFrame:
    """The solutions table for readers: number, the seed's text (in English, its translation), barriers addressed
    (short labels)."""
    lang = check_lang(lang)
    return pd.DataFrame({_t("number", lang): solutions["number"].astype(str),
                         _t("solution", lang): _in_language(solutions, lang, directory),
                         _t("addresses", lang): [_barrier_names(b, lang, codebook) for b in solutions["barriers"]]})


def display_objectives(objectives: pd.DataFrame, *, lang: str = "fr", codebook=None,
                       directory=None) -> pd.DataFrame:
    """The objectives table for readers: number, the seed's text (in English, its translation), barriers served
    (short labels)."""
    lang = check_lang(lang)
    return pd.DataFrame({_t("number", lang): objectives["number"].astype(str),
                         _t("objective_long", lang): _in_language(objectives, lang, directory),
                         _t("served", lang): [_linked(b, lang, codebook) for b in objectives["barriers"]]})


# ------------------------------------------------------------------------------------------------ headings

def not_asked_text(population: str, *, lang: str = "fr") -> str:
    """The sentence shown instead of a remedies chart when the population was not asked the question."""
    return _t("not_asked", check_lang(lang), who=_who(population, lang).lower())


def _lead_key(lead: dict, kind: str, lang: str, codebook=None) -> tuple[str, str]:
    """Which heading the leader gets (:func:`etude.analysis.plan.leader`): ``{kind}_tie`` (equal shares),
    ``{kind}_unranked`` (too few respondents for the paired tests), ``{kind}_none`` (the tests separate no pair),
    ``{kind}_group`` (the paired tests do not separate it from some others: they are named, or counted beyond
    three) or ``{kind}_msg`` (separated from every other); and, for a group, the words for the others."""
    if lead["ties"] > 1:
        return f"{kind}_tie", ""
    if not lead.get("ranked", True):
        return f"{kind}_unranked", ""
    if not lead["together"]:
        return f"{kind}_msg", ""
    if lead.get("none"):  # « ne se distingue » only when the tests separate no pair at all
        return f"{kind}_none", ""
    if len(lead["together"]) > 3:
        return f"{kind}_group", _t(f"others_{kind}", lang, count=len(lead["together"]))
    names = [formats.quote(label_of(c, lang, short=True, codebook=codebook), lang)
             for c in lead["together"]]
    return f"{kind}_group", formats.join(names, lang)


def _withheld(population: str, lang: str, table: pd.DataFrame) -> str:
    """« too few respondents (< 5) to publish their answers »: a block the small-group rule withholds
    (:mod:`etude.safety.disclosure`, ``min_cell`` of the table's ``attrs``) was asked and answered, so it is neither
    « not asked » nor « nobody »."""
    return words.text("disclosure.withheld", lang, who=_who(population, lang),
                      n=f"< {formats.number(min_cell_of(table), lang=lang)}")


def remedy_message(table: pd.DataFrame, population: str, *, lang: str = "fr", codebook=None) -> str:
    """Slide heading: the remedy cited most by ``population`` (from :func:`etude.analysis.plan.remedy_table`), or
    « not asked »; « the most cited » only when the paired tests separate it from every other remedy
    (``letters``), otherwise the remedies they do not separate from it are named."""
    lang = check_lang(lang)
    shown = analysis.last_wave(table, population)
    lead = analysis.leader(shown)
    if lead is None:
        return _withheld(population, lang, table) if len(shown) else not_asked_text(population, lang=lang)
    top = lead["row"]
    key, others = _lead_key(lead, "remedy", lang, codebook)
    text = _t(key, lang, who=_who(population, lang),
              label=formats.quote(label_of(top["item"], lang, short=True, codebook=codebook), lang),
              pct=formats.pct(top["pct"], lang=lang), n=formats.number(top["n_base"], lang=lang),
              k=formats.number(lead["ties"], lang=lang), others=others)
    said = ("pct", "n_base") if "{n}" in str(words.catalogue(lang)[f"plan.{key}"]) else ("pct",)
    return marked(text, [row_mark(top, c, population) for c in said])


def plan_message(plan: pd.DataFrame, population: str, *, lang: str = "fr", codebook=None) -> str:
    """Slide heading: the barrier cited most by ``population`` and the remedy it falls under; « the most cited »
    only when the paired tests separate it from every other barrier (``letters``), else « en tête » with the
    barriers they do not separate from it."""
    lang = check_lang(lang)
    part = plan[plan["population"] == population]
    lead = analysis.leader(part)
    if lead is None:
        withheld = "suppressed" in part and bool(part["suppressed"].fillna(False).any())
        return _withheld(population, lang, plan) if withheld else _t("plan_empty", lang, who=_who(population, lang))
    top = lead["row"]
    key, others = _lead_key(lead, "plan", lang, codebook)
    text = _t(key, lang, who=_who(population, lang), pct=formats.pct(top["pct"], lang=lang),
              remedy=formats.quote(label_of(top["remedy"], lang, short=True, codebook=codebook,
                                            missing=formats.missing(lang)),
                                   lang),
              k=formats.number(lead["ties"], lang=lang), others=others,
              label=formats.quote(label_of(top["item"], lang, short=True, codebook=codebook), lang))
    return marked(text, [row_mark(top, "pct", population)])


def solutions_message(solutions: pd.DataFrame, plan: pd.DataFrame, *, lang: str = "fr", directory=None) -> str:
    """Slide heading: the solution that addresses the most barriers (first in the seed's order on ties)."""
    lang = check_lang(lang)
    solutions = solutions.assign(text=_in_language(solutions, lang, directory))
    top = solutions.sort_values(["n_barriers", "number"], ascending=[False, True]).iloc[0]
    m = int((solutions["n_barriers"] == top["n_barriers"]).sum())
    return _t("solutions_msg" if m == 1 else "solutions_tie", lang, text=formats.quote(top["text"], lang),
              k=formats.number(top["n_barriers"], lang=lang), n=formats.number(len(plan), lang=lang),
              m=formats.number(m, lang=lang))


def objectives_message(objectives: pd.DataFrame, *, lang: str = "fr", directory=None) -> str:
    """Slide heading: the objectives for the next year and how many the study's reading links to a barrier of
    the surveys (neutral: an objective with no barrier is not said to serve nothing)."""
    lang = check_lang(lang)
    linked = int((objectives["n_barriers"] > 0).sum())
    n = formats.number(len(objectives), lang=lang)
    if linked == len(objectives):
        return _t("objectives_all", lang, n=n)
    return _t("objectives_msg", lang, k=formats.number(linked, lang=lang), n=n)
