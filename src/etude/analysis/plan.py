"""Remedies (« leviers ») and the action plan: sections 4 and 5 of the GT's 2017 restitution, followed in the data.

The restitution lists, for each side, the barriers then « Pour y remédier : » and the remedies (buyers 2, companies
3), then 9 solutions and 5 objectives for 2018. This module counts the remedies like the barriers
(:func:`remedy_table` → ``tables/leviers.csv``, built by :func:`etude.analysis.stats.barrier_table`) and joins each
barrier's
current share to its remedy, solutions, 2018 objective and follow-up indicator (:func:`action_plan` →
``tables/plan_action.csv``). The links come from ``data/reference/plan_action.yaml``
(:func:`etude.survey.reference.load_links`): they are the study's reading, status « interprétation », not published
facts.

Examples
--------
>>> import pandas as pd
>>> ticks = {"b_temps": [True, False, True, None], "b_financier": [False, True, False, None]}
>>> b = pd.DataFrame({"population": "buyers", "wave": 2017, **{
...     c: pd.array(ticks.get(c, [False, False, False, None]), dtype="boolean") for c in stats.item_codes("buyers")}})
>>> p = action_plan({"buyers": b}).set_index("item")
>>> int(p.loc["b_temps", "n_base"]), int(p.loc["b_temps", "count"]), p.loc["b_temps", "remedy"]
(3, 2, 'lev_hierarchie')
"""
from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd

from etude import words
from etude.analysis import stats
from etude.analysis import waves as waves_mod
from etude.publish import formats, plots
from etude.survey import codebook as cb
from etude.survey import reference

__all__ = ["PLAN_COLUMNS", "QUESTION", "shown_waves", "wave_note", "title", "note_text", "asked_waves",
           "has_remedies", "remedy_table", "action_plan", "solutions_table", "objectives_table", "display_plan",
           "display_solutions", "display_objectives", "asked", "remedy_message", "plan_message", "solutions_message",
           "objectives_message", "not_asked_text", "coverage_chart", "remedy_chart"]

#: The codebook's remedies question.
QUESTION = "remedies"

#: Columns of ``tables/plan_action.csv``, one row per barrier and population.
PLAN_COLUMNS = ["population", "wave", "item", "label", "n_base", "count", "pct", "ci_low", "ci_high", "rank",
                "rank_group", "suppressed", "remedy", "remedy_label", "remedy_pct", "solutions", "solution_labels",
                "objective", "objective_label", "indicator", "indicator_label", "status", "asked"]

_SEP = " | "  # between solution texts (the seed's texts contain « ; »)

_TEXT = {
    "fr": {"barrier": "Frein", "share": "Part des répondants", "remedy": "Levier", "solutions": "Solutions (n°)",
           "objective": "Objectif 2018", "number": "N°", "solution": "Solution retenue (section 4)",
           "addresses": "Freins visés", "none": "aucun frein", "objective_long": "Objectif retenu pour 2018",
           "served": "Freins servis",
           "coverage_title": "Freins visés par chaque solution",
           "coverage_x": "Nombre de freins visés", "coverage_note": "Liens frein → solution : lecture de l'étude "
           "(statut « interprétation »), pas un fait publié.",
           "not_asked": "La question des leviers (« Pour y remédier ») n'a pas été posée aux {who} dans cette "
                        "étude : pas de part à montrer, le plan d'action garde les liens sans la part du levier.",
           "remedy_msg": "{who} : « {label} » est le levier le plus cité ({pct} des {n} répondants)",
           "plan_msg": "{who} : le frein le plus cité, « {label} » ({pct}), relève du levier « {remedy} »",
           "plan_empty": "{who} : aucun répondant n'a répondu à la question des freins",
           "plan_tie": "{who} : {k} freins sont cités à égalité ({pct}) ; le premier, « {label} », relève du levier "
                       "« {remedy} »",
           "remedy_tie": "{who} : {k} leviers sont cités à égalité ({pct} des {n} répondants), dont « {label} »",
           "plan_group": "{who} : « {label} » ({pct}) est en tête des freins, sans que le test apparié le sépare "
                         "{others} ; il relève du levier « {remedy} »",
           "remedy_group": "{who} : « {label} » est en tête des leviers ({pct} des {n} répondants), sans que le test "
                           "apparié le sépare {others}",
           "others_one": "du suivant", "others": "des {k} suivants",
           "solutions_msg": "« {text} » vise {k} des {n} freins : c'est la solution la plus large",
           "solutions_tie": "{m} solutions visent chacune {k} des {n} freins, le plus grand nombre ; la première : "
                            "« {text} »",
           "objectives_msg": "{k} des {n} objectifs 2018 servent au moins un frein ; « {text} » n'en sert aucun",
           "objectives_all": "Les {n} objectifs 2018 servent chacun au moins un frein",
           "suppressed": "< {min_cell}",
           "waves": "Vagues de l'étude : {waves}. Ce carnet montre {shown}.", "latest": "la dernière vague",
           "wave_of": "la vague {wave} ({who})", "one_wave": "la vague {wave}",
           "absent": "La vague {wave} demandée n'existe pas pour les {who} : leur dernière vague est montrée.",
           "no_wave": "aucune vague",
           "t_remedies": "Leviers cités", "t_plan": "Plan d'action", "t_solutions": "Solutions retenues pour 2018",
           "t_objectives": "Objectifs retenus pour 2018", "t_wave": "vague {wave}",
           "note": "La restitution ajoute, après les solutions : « {text} »."},
    "en": {"barrier": "Barrier", "share": "Share of respondents", "remedy": "Remedy", "solutions": "Solutions (no.)",
           "objective": "2018 objective", "number": "No.", "solution": "Solution adopted (section 4)",
           "addresses": "Barriers addressed", "none": "no barrier", "objective_long": "Objective adopted for 2018",
           "served": "Barriers served",
           "coverage_title": "Barriers addressed by each solution", "coverage_x": "Number of barriers addressed",
           "coverage_note": "Barrier → solution links: the study's reading (status « interprétation »), not a "
                            "published fact.",
           "not_asked": "The remedies question (« Pour y remédier ») was not asked to {who} in this study: no share "
                        "to show; the action plan keeps the links without the remedy's share.",
           "remedy_msg": "{who}: « {label} » is the remedy cited most ({pct} of {n} respondents)",
           "plan_msg": "{who}: the barrier cited most, « {label} » ({pct}), falls under the remedy « {remedy} »",
           "plan_empty": "{who}: nobody answered the barrier question",
           "plan_tie": "{who}: {k} barriers are cited equally ({pct}); the first, « {label} », falls under the remedy "
                       "« {remedy} »",
           "remedy_tie": "{who}: {k} remedies are cited equally ({pct} of {n} respondents), among them « {label} »",
           "plan_group": "{who}: « {label} » ({pct}) leads the barriers, but the paired test does not separate it "
                         "{others}; it falls under the remedy « {remedy} »",
           "remedy_group": "{who}: « {label} » leads the remedies ({pct} of {n} respondents), but the paired test "
                           "does not separate it {others}",
           "others_one": "from the next one", "others": "from the next {k}",
           "solutions_msg": "« {text} » addresses {k} of the {n} barriers: the broadest solution",
           "solutions_tie": "{m} solutions each address {k} of the {n} barriers, the most; the first: « {text} »",
           "objectives_msg": "{k} of the {n} 2018 objectives serve at least one barrier; « {text} » serves none",
           "objectives_all": "Each of the {n} 2018 objectives serves at least one barrier",
           "suppressed": "< {min_cell}",
           "waves": "Waves in the study: {waves}. This notebook shows {shown}.", "latest": "the latest wave",
           "wave_of": "wave {wave} ({who})", "one_wave": "wave {wave}",
           "absent": "The requested wave {wave} does not exist for {who}: their latest wave is shown.",
           "no_wave": "no wave",
           "t_remedies": "Remedies cited", "t_plan": "Action plan", "t_solutions": "Solutions adopted for 2018",
           "t_objectives": "Objectives adopted for 2018", "t_wave": "wave {wave}",
           "note": "After the solutions, the restitution adds: « {text} » (quoted in French)."},
}


def _lang(lang: str) -> str:
    if lang not in cb.LANGS:
        raise ValueError(f"unknown language {lang!r}: expected one of {cb.LANGS}")
    return lang


def _who(population: str, lang: str) -> str:
    return cb.label(population, lang=lang)


# ------------------------------------------------------------------------------------------------ computing

def shown_waves(tables: dict[str, pd.DataFrame], wave: int | None = None) -> dict[str, int]:
    """The wave shown for each population with respondents: ``wave`` if that population has it, else (and for
    0 or None) its latest wave — :func:`wave_note` says so; a bad ``wave`` never stops the notebook.

    >>> shown_waves({"buyers": pd.DataFrame({"wave": [2017, 2018]})}, 2016)
    {'buyers': 2018}
    """
    out = {}
    for kind, df in tables.items():
        waves = sorted(int(w) for w in df["wave"].dropna().unique())
        if waves:
            out[kind] = int(wave) if wave and int(wave) in waves else waves[-1]
    return out


def wave_note(tables: dict[str, pd.DataFrame], wave: int | None = None, *, lang: str = "fr") -> str:
    """Which waves the study has and which this notebook shows, in one sentence."""
    tx = _TEXT[_lang(lang)]
    shown = shown_waves(tables, wave)
    every = sorted({int(w) for df in tables.values() for w in df["wave"].dropna().unique()})
    if not shown:
        return tx["waves"].format(waves=tx["no_wave"], shown=tx["no_wave"])
    if len(set(shown.values())) == 1:
        text = tx["one_wave"].format(wave=next(iter(shown.values())))
    else:
        text = (" ; " if lang == "fr" else "; ").join(
            tx["wave_of"].format(wave=w, who=_who(k, lang).lower()) for k, w in shown.items())
    suffix = "" if wave and wave in shown.values() else f" ({tx['latest']})"
    missing = [k for k, w in shown.items() if wave and w != int(wave)]
    absent = "".join(" " + tx["absent"].format(wave=wave, who=_who(k, lang).lower()) for k in missing)
    return tx["waves"].format(waves=", ".join(map(str, every)), shown=text + suffix) + absent


def title(what: str, population: str | None = None, *, wave: int | None = None, lang: str = "fr") -> str:
    """Title of a shown table or chart: ``what`` is ``remedies``, ``plan``, ``solutions`` or ``objectives``.

    >>> title("plan", "buyers", wave=2018)
    "Plan d'action — Acheteurs publics, vague 2018"
    """
    tx = _TEXT[_lang(lang)]
    text = tx[f"t_{what}"] + (f" — {_who(population, lang)}" if population else "")
    return text + (", " + tx["t_wave"].format(wave=wave) if wave else "")


def note_text(*, lang: str = "fr", directory=None) -> str:
    """The restitution's note after the solutions (« Maintien de la dynamique impulsée par INNOVEMBER »)."""
    notes = reference.gt_texts("note_2018_", directory=directory)["text"]
    return " ".join(_TEXT[_lang(lang)]["note"].format(text=t) for t in notes)


def asked_waves(tables: dict[str, pd.DataFrame], *, question: str = QUESTION, codebook=None) -> dict[str, list[int]]:
    """Waves in which each population was asked ``question`` (at least one answer in one of its item columns).

    >>> b = pd.DataFrame({"wave": [2017, 2018], "lev_hierarchie": pd.array([None, True], dtype="boolean"),
    ...                   "lev_professionnalisation": pd.array([None, False], dtype="boolean")})
    >>> asked_waves({"buyers": b})
    {'buyers': [2018]}
    """
    out = {}
    for kind, df in tables.items():
        codes = [c for c in stats.item_codes(kind, question, codebook=codebook) if c in df.columns]
        answered = df[codes].notna().any(axis=1) if codes else pd.Series(False, index=df.index)
        out[kind] = sorted(int(w) for w in df.loc[answered, "wave"].unique())
    return out


def has_remedies(tables: dict[str, pd.DataFrame], *, codebook=None) -> bool:
    """True when some population answered the remedies question in some wave (then ``leviers.csv`` is written)."""
    return any(asked_waves(tables, codebook=codebook).values())


def remedy_table(tables: dict[str, pd.DataFrame], *, wave: int | None = None, alpha: float = 0.05,
                 ci_method: str = "wilson", min_cell: int = 5, lang: str = "fr", codebook=None) -> pd.DataFrame:
    """Remedy frequencies (``tables/leviers.csv``): the columns and rules of ``freins.csv``, waves where asked.

    Built by :func:`etude.analysis.stats.barrier_table` on the remedies question; a population or wave that was not
    asked
    the question has no row (« non posé », never 0 %).

    Parameters
    ----------
    tables : dict
        ``{"buyers": DataFrame, "companies": DataFrame}`` as returned by :func:`etude.survey.load_study`.
    wave : int, optional
        Keep one wave; default every wave where the question was asked.
    alpha, ci_method, min_cell, lang
        As in :func:`etude.analysis.stats.barrier_table`.

    Returns
    -------
    DataFrame with :data:`etude.analysis.stats.FREINS_COLUMNS` (empty when the question was never asked).
    """
    asked = asked_waves(tables, codebook=codebook)
    kept = {k: df[df["wave"].isin(asked[k] if wave is None else [w for w in asked[k] if w == wave])]
            for k, df in tables.items()}
    kept = {k: df for k, df in kept.items() if len(df)}
    if not kept:
        return pd.DataFrame(columns=stats.FREINS_COLUMNS)
    return _with_item_labels(stats.barrier_table(kept, alpha=alpha, ci_method=ci_method, min_cell=min_cell,
                                                 question=QUESTION, codebook=codebook), lang, codebook)


def _with_item_labels(t: pd.DataFrame, lang: str, codebook) -> pd.DataFrame:
    """The item's codebook label after ``item`` (:func:`etude.analysis.stats.barrier_table` returns codes)."""
    t.insert(t.columns.get_loc("item") + 1, "label", [cb.label(c, lang=lang, codebook=codebook) for c in t["item"]])
    return t


def _indicator_labels(links: pd.DataFrame, directory=None) -> dict[str, str]:
    refs = links["indicator"].dropna().unique()
    if not len(refs):
        return {}
    t = reference.load_reference(directory=directory)
    out = {}
    for ref in refs:
        table, _, indicator = str(ref).partition(":")
        rows = t[(t["table"] == table) & (t["indicator"] == indicator)]
        out[ref] = f"{rows['label_fr'].iloc[0]} ({table}, {rows['period'].min()}–{rows['period'].max()})"
    return out


def action_plan(tables: dict[str, pd.DataFrame], *, wave: int | None = None, alpha: float = 0.05,
                ci_method: str = "wilson", min_cell: int = 5, lang: str = "fr", links: pd.DataFrame | None = None,
                codebook=None, directory=None) -> pd.DataFrame:
    """The action plan (``tables/plan_action.csv``): one row per barrier and population, ranked as in freins.csv.

    Each row has the barrier's share in the wave shown (``n_base, count, pct, ci_low, ci_high, rank``, rules of
    ``freins.csv``), its remedy and the share citing it in the same wave (``remedy_pct``, NA when not asked), the
    solutions that address it (codes joined by ``;`` and their texts by `` | ``, the seed's words, in French), the
    2018 objective it serves, the reference series that can follow it year after year (``table:indicator``, NA
    when none exists: then only a new survey wave follows it) and the link's ``status`` (« interprétation »).

    Parameters
    ----------
    tables : dict
        Respondent tables per population.
    wave : int, optional
        Wave shown; default (``None`` or 0) each population's latest wave (:func:`shown_waves`).
    links : DataFrame, optional
        Default :func:`etude.survey.reference.load_links`. A barrier without a link keeps its row with NA links.
    """
    _lang(lang)
    links = reference.load_links(codebook=codebook, directory=directory) if links is None else links
    texts = pd.concat([reference.gt_texts("solution_2018_", directory=directory),
                       reference.gt_texts("objectif_2018_", directory=directory)]).set_index("code")["text"]
    indicator_labels = _indicator_labels(links, directory)
    by_barrier = links.set_index("barrier")
    frames = []
    waves = shown_waves(tables, wave)
    for kind in [k for k in stats.POPULATIONS if k in waves]:
        w = waves[kind]
        t = _with_item_labels(stats.barrier_table({kind: tables[kind]}, wave=w, alpha=alpha, ci_method=ci_method,
                                                  min_cell=min_cell, codebook=codebook), lang, codebook)
        rem = remedy_table({kind: tables[kind]}, wave=w, alpha=alpha, ci_method=ci_method, min_cell=min_cell,
                           codebook=codebook).set_index("item")["pct"]
        link = by_barrier.reindex(t["item"])
        t["suppressed"] = t.index.isin(t.attrs.get("primary", []))  # under min_cell (etude.safety.disclosure)
        _not_asked(t, waves_mod.asked_items(tables[kind][tables[kind]["wave"] == w], kind, codebook=codebook))
        t["remedy"] = link["remedy"].to_numpy()
        t["remedy_label"] = [cb.label(r, lang=lang, codebook=codebook) if isinstance(r, str) else pd.NA
                             for r in t["remedy"]]
        t["remedy_pct"] = [rem.get(r, float("nan")) if isinstance(r, str) else float("nan") for r in t["remedy"]]
        sols = [s if isinstance(s, tuple) else () for s in link["solutions"]]
        t["solutions"] = [";".join(s) or pd.NA for s in sols]
        t["solution_labels"] = [_SEP.join(texts[c] for c in s) or pd.NA for s in sols]
        t["objective"] = link["objective"].to_numpy()
        t["objective_label"] = [texts.get(o, pd.NA) if isinstance(o, str) else pd.NA for o in t["objective"]]
        t["indicator"] = link["indicator"].to_numpy()
        t["indicator_label"] = [indicator_labels.get(i, pd.NA) if isinstance(i, str) else pd.NA
                                for i in t["indicator"]]
        t["status"] = link["status"].to_numpy()
        frames.append(t)
    if not frames:
        return pd.DataFrame(columns=PLAN_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[PLAN_COLUMNS]
    out.attrs.update({"alpha": alpha, "ci_method": ci_method, "min_cell": min_cell})
    return out


def _not_asked(t: pd.DataFrame, asked: set[str]) -> None:
    """An item not in the wave's questionnaire has no count, share, interval nor rank: « non posé », never 0 %."""
    t["asked"] = t["item"].isin(asked)
    cols = [c for c in ("count", "pct", "ci_low", "ci_high", "rank") if c in t.columns]
    t[cols] = t[cols].astype("float64")
    t.loc[~t["asked"], cols] = float("nan")


def solutions_table(plan: pd.DataFrame, *, directory=None) -> pd.DataFrame:
    """The 9 solutions in the seed's order with the barriers the plan links to each.

    Returns ``number`` (1–9), ``code``, ``text``, ``barriers`` (item codes joined by ``;``), ``n_buyers``,
    ``n_companies``, ``n_barriers``.
    """
    sol = reference.gt_texts("solution_2018_", directory=directory)
    rows = []
    for k, r in enumerate(sol.itertuples(), start=1):
        hit = plan[plan["solutions"].fillna("").str.split(";").map(lambda s, c=r.code: c in s)]
        rows.append({"number": k, "code": r.code, "text": r.text, "barriers": ";".join(hit["item"]),
                     "n_buyers": int((hit["population"] == "buyers").sum()),
                     "n_companies": int((hit["population"] == "companies").sum()), "n_barriers": len(hit)})
    return pd.DataFrame(rows)


def objectives_table(plan: pd.DataFrame, *, directory=None) -> pd.DataFrame:
    """The 5 objectives for 2018 in the seed's order: ``number, code, text, barriers, n_barriers``."""
    obj = reference.gt_texts("objectif_2018_", directory=directory)
    rows = []
    for k, r in enumerate(obj.itertuples(), start=1):
        hit = plan[plan["objective"] == r.code]
        rows.append({"number": k, "code": r.code, "text": r.text, "barriers": ";".join(hit["item"]),
                     "n_barriers": len(hit)})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------------ display

def _share(r: pd.Series, lang: str, min_cell: int, primary: bool) -> str:
    if not bool(r.get("asked", True)):
        return words.text("common.not_asked", lang)
    if pd.isna(r["pct"]):  # a group under min_cell publishes no base either (etude.safety.disclosure)
        return _TEXT[lang]["suppressed"].format(min_cell=min_cell) if primary else formats.missing()
    n = f"n{formats.NNBSP}={formats.NNBSP}{r['n_base']}"
    return f"{formats.pct(r['pct'])} {formats.interval(r['ci_low'], r['ci_high'])} ({n})"


def display_plan(plan: pd.DataFrame, population: str, *, lang: str = "fr", directory=None,
                 codebook=None) -> pd.DataFrame:
    """One population's plan for readers: barrier (short label), share [interval] (n), remedy, solution numbers,
    2018 objective. At most one row per barrier of the questionnaire (7 buyers, 6 companies in the codebook).
    """
    lang = _lang(lang)
    tx = _TEXT[lang]
    number = {c: str(k) for k, c in enumerate(reference.gt_texts("solution_2018_", directory=directory)["code"], 1)}
    part = plan[plan["population"] == population]
    min_cell = plan.attrs.get("min_cell", 5)
    rows = [[cb.label(r["item"], lang=lang, short=True, codebook=codebook),
             _share(r, lang, min_cell, bool(r.get("suppressed", False))),
             r["remedy_label"] if isinstance(r["remedy_label"], str) else formats.missing(),
             ", ".join(number[c] for c in str(r["solutions"]).split(";") if c in number) or formats.missing(),
             r["objective_label"] if isinstance(r["objective_label"], str) else formats.missing()]
            for _, r in part.iterrows()]
    return pd.DataFrame(rows, columns=[tx["barrier"], tx["share"], tx["remedy"], tx["solutions"], tx["objective"]])


def _barrier_names(codes: str, lang: str, codebook=None) -> str:
    names = [cb.label(c, lang=lang, short=True, codebook=codebook) for c in codes.split(";") if c]
    return ", ".join(names) or _TEXT[lang]["none"]


def display_solutions(solutions: pd.DataFrame, *, lang: str = "fr", codebook=None) -> pd.DataFrame:
    """The solutions table for readers: number, the seed's text, barriers addressed (short labels)."""
    tx = _TEXT[_lang(lang)]
    return pd.DataFrame({tx["number"]: solutions["number"].astype(str), tx["solution"]: solutions["text"],
                         tx["addresses"]: [_barrier_names(b, lang, codebook) for b in solutions["barriers"]]})


def display_objectives(objectives: pd.DataFrame, *, lang: str = "fr", codebook=None) -> pd.DataFrame:
    """The objectives table for readers: number, the seed's text, barriers served (short labels)."""
    tx = _TEXT[_lang(lang)]
    return pd.DataFrame({tx["number"]: objectives["number"].astype(str), tx["objective_long"]: objectives["text"],
                         tx["served"]: [_barrier_names(b, lang, codebook) for b in objectives["barriers"]]})


def _last_wave(table: pd.DataFrame, population: str) -> pd.DataFrame:
    part = table[table["population"] == population]
    return part[part["wave"] == part["wave"].max()] if len(part) else part


def asked(table: pd.DataFrame, population: str) -> bool:
    """True when :func:`remedy_table` has rows for ``population`` (the question was asked)."""
    return bool((table["population"] == population).any())


def not_asked_text(population: str, *, lang: str = "fr") -> str:
    """The sentence shown instead of a remedies chart when the population was not asked the question."""
    return _TEXT[_lang(lang)]["not_asked"].format(who=_who(population, lang).lower())


def remedy_message(table: pd.DataFrame, population: str, *, lang: str = "fr", codebook=None) -> str:
    """Slide heading: the remedy cited most by ``population`` (from :func:`remedy_table`), or « not asked »;
    « the most cited » only when the paired test separates it from the next remedy (``rank_group``)."""
    lang = _lang(lang)
    part = _last_wave(table, population)
    part = part[part["pct"].notna()]
    if part.empty:
        return not_asked_text(population, lang=lang)
    top = part.sort_values(["pct", "item"], ascending=[False, True]).iloc[0]
    k = int((part["pct"] == top["pct"]).sum())  # all identical answers: a tie, not « the most cited »
    key, others = _lead(part, top, k, "remedy", lang)
    return _TEXT[lang][key].format(
        who=_who(population, lang), label=cb.label(top["item"], lang=lang, codebook=codebook),
        pct=formats.pct(top["pct"]), n=formats.number(top["n_base"]), k=k, others=others)


def _lead(part: pd.DataFrame, top: pd.Series, ties: int, kind: str, lang: str) -> tuple[str, str]:
    """Which heading the first of ``part`` gets: ``{kind}_tie`` (``ties`` equal shares), ``{kind}_group`` (the
    paired test of :func:`etude.analysis.stats.rank_groups` does not separate it from the next ones: « le plus cité »
    would state a finding no test made) or ``{kind}_msg``; and, for a group, the words for the others in it."""
    if ties > 1:
        return f"{kind}_tie", ""
    same = int((part["rank_group"] == top["rank_group"]).sum()) - 1 if "rank_group" in part else 0
    if same < 1:
        return f"{kind}_msg", ""
    tx = _TEXT[lang]
    return f"{kind}_group", tx["others_one"] if same == 1 else tx["others"].format(k=same)


def plan_message(plan: pd.DataFrame, population: str, *, lang: str = "fr", codebook=None) -> str:
    """Slide heading: the barrier cited most by ``population`` and the remedy it falls under; « the most cited »
    only when the paired test separates it from the next barrier (``rank_group``), else « en tête »."""
    lang = _lang(lang)
    part = plan[(plan["population"] == population) & plan["pct"].notna()]
    if part.empty:
        return _TEXT[lang]["plan_empty"].format(who=_who(population, lang))
    top = part.sort_values(["pct", "item"], ascending=[False, True]).iloc[0]
    remedy = top["remedy_label"] if isinstance(top["remedy_label"], str) else formats.missing()
    k = int((part["pct"] == top["pct"]).sum())
    key, others = _lead(part, top, k, "plan", lang)
    return _TEXT[lang][key].format(
        who=_who(population, lang), pct=formats.pct(top["pct"]), remedy=remedy, k=k, others=others,
        label=cb.label(top["item"], lang=lang, short=True, codebook=codebook))


def solutions_message(solutions: pd.DataFrame, plan: pd.DataFrame, *, lang: str = "fr") -> str:
    """Slide heading: the solution that addresses the most barriers (first in the seed's order on ties)."""
    top = solutions.sort_values(["n_barriers", "number"], ascending=[False, True]).iloc[0]
    m = int((solutions["n_barriers"] == top["n_barriers"]).sum())
    key = "solutions_msg" if m == 1 else "solutions_tie"
    return _TEXT[_lang(lang)][key].format(text=top["text"], k=int(top["n_barriers"]), n=len(plan), m=m)


def objectives_message(objectives: pd.DataFrame, *, lang: str = "fr") -> str:
    """Slide heading: how many objectives serve a barrier, and the first that serves none."""
    lang = _lang(lang)
    idle = objectives[objectives["n_barriers"] == 0]
    if idle.empty:
        return _TEXT[lang]["objectives_all"].format(n=len(objectives))
    return _TEXT[lang]["objectives_msg"].format(k=len(objectives) - len(idle), n=len(objectives),
                                                text=idle["text"].iloc[0])


# ------------------------------------------------------------------------------------------------ charts

def remedy_chart(table: pd.DataFrame, population: str, *, wave=None, lang: str = "fr", simulated: bool = True,
                 codebook=None):
    """The remedies cited by one population in its latest wave of ``table``
    (:func:`etude.publish.plots.frequency_chart`,
    title « Leviers cités »)."""
    part = _last_wave(table, population).copy()
    part.attrs.update(table.attrs)
    wave = wave if wave is not None else (int(part["wave"].iloc[0]) if len(part) else None)
    return plots.frequency_chart(part, title=title("remedies", population, lang=lang), population=population,
                                 wave=wave, lang=lang, simulated=simulated, codebook=codebook)


def coverage_chart(solutions: pd.DataFrame, *, lang: str = "fr", simulated: bool = True, wave=None,
                   populations: Sequence[str] = stats.POPULATIONS, width: float = 12.0):
    """Horizontal stacked bars: how many barriers of each population every solution addresses (seed order).

    Long solution texts are shortened on the axis (« … »); :func:`display_solutions` shows them in full.
    """
    tx = _TEXT[_lang(lang)]
    labels = [plots.wrap_label(textwrap.shorten(f"{n}. {t}", 110, placeholder=" …"), 58)
              for n, t in zip(solutions["number"], solutions["text"])]  # full texts: display_solutions
    y = list(range(len(solutions)))[::-1]
    lines = max([label.count("\n") + 1 for label in labels] or [1])
    with plots.style():
        fig, ax = plt.subplots(figsize=(width, 1.8 + (0.25 + 0.33 * lines) * len(solutions)), layout="constrained")
        left = pd.Series(0, index=solutions.index)
        for kind in populations:
            values = solutions[f"n_{kind}"]
            ax.barh(y, values, left=left, color=plots.population_color(kind), label=cb.label(kind, lang=lang))
            left = left + values
        ax.set_yticks(y, labels)
        ax.set_xlabel(tx["coverage_x"])
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(populations), frameon=False)
        ax.set_title(tx["coverage_title"], loc="left", pad=34)
        plots.add_caption(fig, plots.caption_text(wave=wave, simulated=simulated, lang=lang,
                                                  note=tx["coverage_note"]))
    return fig
