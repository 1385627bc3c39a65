"""What notebooks 04–06 cannot compute on a study's shape and which waves they show, in one sentence each; the
view of every wave for each item or theme (:func:`format_wave_grid`, « non posé » where an item was not asked).

The computing modules say *whether* something can be computed (:func:`etude.analysis.matching.meeting_wave`,
:func:`etude.analysis.matching.score_parts`, :func:`etude.analysis.waves.wave_pairs`); these functions turn that into
French or English
for the reader, never a traceback.

>>> import pandas as pd
>>> t = {"buyers": pd.DataFrame({"wave": [2019]}), "companies": pd.DataFrame({"wave": []})}
>>> matching_wave_text(t, 0, lang="en").endswith("this study only has public buyers: no score, no meeting plan.")
True
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from etude import words
from etude.publish import formats
from etude.publish.labels import label_of
from etude.survey import codebook as cb
from etude.words import check_lang

__all__ = ["matching_wave_text", "score_parts_text", "plan_method_text", "single_wave_text", "change_pairs_text",
           "study_waves_text", "format_wave_grid", "population_label", "grid_title"]

_TEXT = {
    "fr": {"waves": "Vagues de l'étude : {waves}.", "no_wave": "aucune",
           "need_both": "Le rapprochement de l'offre et de la demande a besoin des deux questionnaires ; cette étude "
                        "n'a que les {who} : ni note de paires, ni planning.",
           "no_common": "Les deux questionnaires n'ont aucune vague commune ({detail}) : ni note de paires, ni "
                        "planning.",
           "shown": " Ce carnet rapproche les répondants de la vague {wave}{latest}.",
           "latest": " (la dernière vague commune aux deux questionnaires)",
           "absent": " La vague {wave} demandée n'est pas commune aux deux questionnaires : la dernière vague "
                     "commune est montrée.",
           "segment": "« segment » (aucun segment déclaré d'un côté ou des deux)",
           "text": "« texte » (pas de description du besoin ou de l'offre)",
           "proximity": "« proximité » (pas de département d'un côté ou des deux)",
           "reduced": "Note réduite : {parts} {verb} 0 pour toutes les paires ; seules les autres parts départagent.",
           "none_left": "Aucune part de la note ne peut être calculée ({parts}) : toutes les paires valent 0, aucun "
                        "rendez-vous n'est pertinent.",
           "single": "{who} : une seule vague dans l'étude ({wave}) — pas d'évolution entre vagues à calculer.",
           "no_resp": "{who} : aucun répondant dans l'étude — pas d'évolution entre vagues.",
           "pairs": "{who} : vagues {waves} ; évolution détaillée {a} → {b}{default}, et aussi {others}.",
           "pairs_one": "{who} : vagues {waves} ; évolution {a} → {b}{default}.",
           "default": " (les deux dernières vagues)",
           "pair_absent": "La paire demandée {a} → {b} n'existe pas pour les {who} : leurs deux dernières vagues "
                          "sont montrées.",
           "per_pop": "{who} : vagues {waves}",
           "plan_none": "Aucune paire pertinente : aucun rendez-vous à planifier.",
           "plan_exact": "Plan exact ({n} paires pertinentes, programmation linéaire en nombres entiers) : il est "
                         "optimal.",
           "plan_greedy": "Plan glouton ({n} paires pertinentes, au-delà des {limit} du plan exact) : au plus {gap} "
                          "sous l'optimum (borne de relaxation linéaire)."},
    "en": {"waves": "Waves in the study: {waves}.", "no_wave": "none",
           "need_both": "Bringing supply and demand together needs both questionnaires; this study only has {who}: "
                        "no score, no meeting plan.",
           "no_common": "The two questionnaires share no wave ({detail}): no score, no meeting plan.",
           "shown": " This notebook brings together the respondents of wave {wave}{latest}.",
           "latest": " (the latest wave both questionnaires have)",
           "absent": " The requested wave {wave} is not a wave both questionnaires have: the latest common wave is "
                     "shown.",
           "segment": "« segment » (no segment declared on one side or both)",
           "text": "« text » (no description of the need or the offer)",
           "proximity": "« proximity » (no département on one side or both)",
           "reduced": "Reduced score: {parts} {verb} 0 for every pair; only the other parts rank the pairs.",
           "none_left": "No part of the score can be computed ({parts}): every pair scores 0, no meeting is "
                        "relevant.",
           "single": "{who}: a single wave in the study ({wave}) — no change between waves to compute.",
           "no_resp": "{who}: no respondent in the study — no change between waves.",
           "pairs": "{who}: waves {waves}; change shown in detail {a} → {b}{default}, and also {others}.",
           "pairs_one": "{who}: waves {waves}; change {a} → {b}{default}.",
           "default": " (the last two waves)",
           "pair_absent": "The requested pair {a} → {b} does not exist for {who}: their last two waves are shown.",
           "per_pop": "{who}: waves {waves}",
           "plan_none": "No relevant pair: no meeting to plan.",
           "plan_exact": "Exact plan ({n} relevant pairs, mixed-integer programming): it is optimal.",
           "plan_greedy": "Greedy plan ({n} relevant pairs, above the exact plan's limit of {limit}): at most {gap} "
                          "below the optimum (linear-relaxation bound)."},
}


def _waves(df: pd.DataFrame | None) -> list[int]:
    if df is None or "wave" not in df:
        return []
    return sorted({int(w) for w in df["wave"].dropna()})


def _who(kind: str, lang: str) -> str:
    return cb.label(kind, lang=lang)


def population_label(kind: str, lang: str = "fr") -> str:
    """A population's name for a title (« Acheteurs publics »).

    >>> population_label("companies", "en")
    'Innovative companies'
    """
    return _who(kind, check_lang(lang))


def grid_title(kind: str, level: str = "items", lang: str = "fr") -> str:
    """Title of :func:`format_wave_grid`'s table.

    >>> grid_title("buyers", "themes")
    'Acheteurs publics : thèmes de freins cités à chaque vague'
    """
    what = {"fr": {"items": "freins cités", "themes": "thèmes de freins cités"},
            "en": {"items": "barriers cited", "themes": "barrier themes cited"}}[check_lang(lang)][level]
    return f"{_who(kind, lang)} : {what} à chaque vague" if lang == "fr" else f"{_who(kind, lang)}: {what} in each wave"


def study_waves_text(tables: Mapping[str, pd.DataFrame], *, lang: str = "fr") -> str:
    """« Vagues de l'étude : 2017, 2019. » (every wave of any population)."""
    tx = _TEXT[check_lang(lang)]
    every = sorted({w for df in tables.values() for w in _waves(df)})
    return tx["waves"].format(waves=", ".join(map(str, every)) or tx["no_wave"])


def matching_wave_text(tables: Mapping[str, pd.DataFrame], wave: int | None, *, lang: str = "fr") -> str:
    """Which wave notebook 05 brings together, or why it cannot (one population only, no common wave)."""
    from etude.analysis.matching import meeting_wave
    tx = _TEXT[check_lang(lang)]
    per = {k: _waves(tables.get(k)) for k in ("buyers", "companies")}
    have = [k for k, w in per.items() if w]
    if len(have) < 2:
        who = _who(have[0], lang).lower() if have else tx["no_wave"]
        return tx["need_both"].format(who=who)
    shown = meeting_wave(tables, wave)
    if shown is None:
        detail = " ; ".join(tx["per_pop"].format(who=_who(k, lang).lower(), waves=", ".join(map(str, w)))
                            for k, w in per.items())
        return tx["no_common"].format(detail=detail)
    text = study_waves_text(tables, lang=lang) + tx["shown"].format(
        wave=shown, latest="" if wave and int(wave) == shown else tx["latest"])
    return text + (tx["absent"].format(wave=wave) if wave and int(wave) != shown else "")


def score_parts_text(parts: Mapping[str, bool], *, lang: str = "fr") -> str:
    """The parts of the pair score that cannot be computed and count 0 (empty when every part can)."""
    tx = _TEXT[check_lang(lang)]
    missing = [tx[p] for p in ("segment", "text", "proximity") if not parts.get(p, False)]
    if not missing:
        return ""
    joined = " ; ".join(missing) if lang == "fr" else "; ".join(missing)
    if len(missing) == 3:
        return tx["none_left"].format(parts=joined)
    one = len(missing) == 1
    verb = ("vaut" if one else "valent") if lang == "fr" else ("is" if one else "are")
    article = ("la part " if one else "les parts ") if lang == "fr" else ("the part " if one else "the parts ")
    joined = article + joined
    return tx["reduced"].format(parts=joined, verb=verb)


def plan_method_text(plan: pd.DataFrame | Mapping, *, lang: str = "fr") -> str:
    r"""Which method planned the meetings (:func:`etude.analysis.matching.meeting_plan`'s ``attrs``, or those attrs): an
    exact plan is optimal; a greedy one (above ``exact_max_pairs`` relevant pairs) says its measured optimality
    gap, rounded *up* to 0.1 point so that « au plus » stays true.

    >>> greedy = {"plan_method": "greedy", "n_candidates": 25000, "exact_max_pairs": 20000, "optimality_gap": 0.0075}
    >>> print(plan_method_text(greedy).replace("\u202f", " "))  # doctest: +NORMALIZE_WHITESPACE
    Plan glouton (25 000 paires pertinentes, au-delà des 20 000 du plan exact) : au plus 0,8 % sous l'optimum
    (borne de relaxation linéaire).
    >>> plan_method_text({"plan_method": "exact", "n_candidates": 12}, lang="en")
    'Exact plan (12 relevant pairs, mixed-integer programming): it is optimal.'
    """
    tx = _TEXT[check_lang(lang)]
    info = plan.attrs if isinstance(plan, pd.DataFrame) else plan
    n = int(info.get("n_candidates") or 0)
    if info.get("plan_method") != "greedy":
        return tx["plan_exact"].format(n=formats.number(n) if lang == "fr" else f"{n:,}") if n else tx["plan_none"]
    gap = math.ceil(max(float(info.get("optimality_gap") or 0.0), 0.0) * 1000 - 1e-9) / 1000
    limit = int(info.get("exact_max_pairs") or 0)
    if lang == "fr":
        return tx["plan_greedy"].format(n=formats.number(n), limit=formats.number(limit), gap=formats.pct(gap))
    return tx["plan_greedy"].format(n=f"{n:,}", limit=f"{limit:,}", gap=f"{100 * gap:.1f}%")


def single_wave_text(kind: str, df: pd.DataFrame | None, *, lang: str = "fr") -> str:
    """Why a population has no wave change: a single wave, or no respondent."""
    tx = _TEXT[check_lang(lang)]
    waves = _waves(df)
    if not waves:
        return tx["no_resp"].format(who=_who(kind, lang))
    return tx["single"].format(who=_who(kind, lang), wave=", ".join(map(str, waves)))


def change_pairs_text(kind: str, df: pd.DataFrame | None, wave_from: int | None = 0, wave_to: int | None = 0, *,
                      lang: str = "fr") -> str:
    """Notebook 04, for one population: its waves, the pair shown in detail (:func:`etude.analysis.waves.change_pair`),
    the other pairs computed (:func:`etude.analysis.waves.wave_pairs`) — or why there is no change (a single wave)."""
    from etude.analysis import waves
    tx = _TEXT[check_lang(lang)]
    shown = waves.change_pair(df, wave_from, wave_to)
    if shown is None:
        return single_wave_text(kind, df, lang=lang)
    requested = bool(wave_from and wave_to)
    absent = requested and shown != (int(wave_from), int(wave_to))
    extra = tx["default"] if not requested or absent else ""
    others = [f"{a} → {b}" for a, b in waves.wave_pairs(df) if (a, b) != shown]
    key = "pairs" if others else "pairs_one"
    text = tx[key].format(who=_who(kind, lang), waves=", ".join(map(str, _waves(df))), a=shown[0], b=shown[1],
                          default=extra, others=", ".join(others))
    return text + (" " + tx["pair_absent"].format(a=wave_from, b=wave_to, who=_who(kind, lang).lower())
                   if absent else "")


def format_wave_grid(grid: pd.DataFrame, *, lang: str = "fr", codebook=None) -> pd.DataFrame:
    """Every wave of :func:`etude.analysis.waves.wave_grid` side by side: one row per item (or theme), one column per
    wave, each cell the share citing it with its count and base (« 40 % (4/10) »), « non posé » when not asked.
    Rows are named by their codebook label (short for an item).

    >>> g = pd.DataFrame({"level": "items", "code": ["b_temps"] * 2, "wave": [2017, 2019],
    ...                   "asked": [True, False], "n_base": [10, 8], "count": [4, pd.NA], "share": [0.4, None]})
    >>> format_wave_grid(g).values.tolist()
    [['Manque de temps', '40,0\u202f% (4/10)', 'non posé']]
    """
    lang = check_lang(lang)
    head = {"fr": "Frein ou thème", "en": "Barrier or theme"}[lang]
    if grid.empty:
        return pd.DataFrame(columns=[head])

    def cell(r):
        if not r.asked:
            return words.text("common.not_asked", lang)
        if pd.isna(r.share):
            return words.text("common.missing", lang)
        return f"{formats.pct(r.share)} ({int(r.count)}/{int(r.n_base)})"
    cells = grid.assign(cell=[cell(r) for r in grid.itertuples()], wave=grid["wave"].astype(int).astype(str))
    out = cells.pivot(index="code", columns="wave", values="cell")
    first = cells.drop_duplicates("code").set_index("code")
    labels = [label_of(c, lang, short=level == "items", codebook=codebook) for c, level in first["level"].items()]
    out = out.reindex(first.index)
    out.insert(0, head, labels)
    out.columns.name = None
    return out.reset_index(drop=True)
