"""What notebooks 04–06 cannot compute on a study's shape and which waves they show, in one sentence each; the
view of every wave for each item or theme (:func:`format_wave_grid`, « non posé » where an item was not asked).

The computing modules say *whether* something can be computed (:func:`etude.analysis.matching.meeting_wave`,
:func:`etude.analysis.matching.score_parts`, :func:`etude.analysis.waves.wave_pairs`); these functions turn that into
a sentence in the reader's language (the catalogue's ``limits.*``), never a traceback.

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
           "study_waves_text", "format_wave_grid", "population_label", "grid_title", "format_trends", "trend_title"]

def _t(key: str, lang: str, **fields) -> str:
    """The catalogue entry ``limits.<key>``."""
    return words.text(f"limits.{key}", lang, **fields)


def _waves(df: pd.DataFrame | None) -> list[int]:
    if df is None or "wave" not in df:
        return []
    return sorted({int(w) for w in df["wave"].dropna()})


def _years(waves) -> str:
    return ", ".join(map(str, waves))


def _who(population: str, lang: str) -> str:
    return cb.label(population, lang=lang)


def population_label(population: str, lang: str = "fr") -> str:
    """A population's name for a title (« Acheteurs publics »).

    >>> population_label("companies", "en")
    'Innovative companies'
    """
    return _who(population, check_lang(lang))


def grid_title(population: str, level: str = "items", lang: str = "fr") -> str:
    """Title of :func:`format_wave_grid`'s table.

    >>> grid_title("buyers", "themes")
    'Acheteurs publics : thèmes de freins cités à chaque vague'
    """
    return _t(f"grid_title.{level}", check_lang(lang), who=_who(population, lang))


def study_waves_text(tables: Mapping[str, pd.DataFrame], *, lang: str = "fr") -> str:
    """« Vagues de l'étude : 2017, 2019. » (every wave of any population)."""
    lang = check_lang(lang)
    every = sorted({w for df in tables.values() for w in _waves(df)})
    return _t("waves", lang, waves=_years(every) or _t("no_wave", lang))


def matching_wave_text(tables: Mapping[str, pd.DataFrame], wave: int | None, *, lang: str = "fr") -> str:
    """Which wave notebook 05 brings together, or why it cannot (one population only, no common wave).

    >>> t = {"buyers": pd.DataFrame({"wave": [2017, 2019]}), "companies": pd.DataFrame({"wave": [2017]})}
    >>> matching_wave_text(t, 2019, lang="en")  # doctest: +NORMALIZE_WHITESPACE
    'Waves in the study: 2017, 2019. The respondents brought together are those of wave 2017 (the latest wave
    both questionnaires have). The requested wave 2019 is not a wave both questionnaires have: the latest common
    wave is shown.'
    """
    from etude.analysis.matching import meeting_wave
    lang = check_lang(lang)
    per = {k: _waves(tables.get(k)) for k in ("buyers", "companies")}
    have = [k for k, w in per.items() if w]
    if len(have) < 2:
        who = _who(have[0], lang).lower() if have else _t("no_wave", lang)
        return _t("need_both", lang, who=who)
    shown = meeting_wave(tables, wave)
    if shown is None:
        detail = words.text("findings.separator", lang).join(
            _t("per_pop", lang, who=_who(k, lang).lower(), waves=_years(w)) for k, w in per.items())
        return _t("no_common", lang, detail=detail)
    sentences = [study_waves_text(tables, lang=lang),
                 _t("shown" if wave and int(wave) == shown else "shown_latest", lang, wave=shown)]
    if wave and int(wave) != shown:
        sentences.append(_t("absent", lang, wave=wave))
    return " ".join(sentences)


def score_parts_text(parts: Mapping[str, bool], *, lang: str = "fr") -> str:
    """The parts of the pair score that cannot be computed and count 0 (empty when every part can).

    >>> print(score_parts_text({"segment": True, "text": True}, lang="en"))  # doctest: +NORMALIZE_WHITESPACE
    Reduced score: the part “proximity” (no département on one side or both) is 0 for every pair; only the other
    parts rank the pairs.
    """
    lang = check_lang(lang)
    missing = [_t(f"part.{p}", lang) for p in ("segment", "text", "proximity") if not parts.get(p, False)]
    if not missing:
        return ""
    joined = words.text("findings.separator", lang).join(missing)
    if len(missing) == 3:
        return _t("none_left", lang, parts=joined)
    return _t("reduced", lang, count=len(missing), parts=joined)


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
    lang = check_lang(lang)
    info = plan.attrs if isinstance(plan, pd.DataFrame) else plan
    n = int(info.get("n_candidates") or 0)
    if info.get("plan_method") != "greedy":
        return _t("plan_exact", lang, n=formats.number(n, lang=lang)) if n else _t("plan_none", lang)
    gap = math.ceil(max(float(info.get("optimality_gap") or 0.0), 0.0) * 1000 - 1e-9) / 1000
    limit = int(info.get("exact_max_pairs") or 0)
    return _t("plan_greedy", lang, n=formats.number(n, lang=lang), limit=formats.number(limit, lang=lang),
              gap=formats.pct(gap, lang=lang))


def single_wave_text(population: str, df: pd.DataFrame | None, *, lang: str = "fr") -> str:
    """Why a population has no wave change: a single wave, or no respondent.

    >>> single_wave_text("buyers", pd.DataFrame({"wave": [2019]}), lang="en")
    'Public buyers: a single wave in the study (2019) — no change between waves to compute.'
    """
    lang = check_lang(lang)
    waves = _waves(df)
    if not waves:
        return _t("no_resp", lang, who=_who(population, lang))
    return _t("single", lang, who=_who(population, lang), wave=_years(waves))


def change_pairs_text(population: str, df: pd.DataFrame | None, wave_from: int | None = 0, wave_to: int | None = 0, *,
                      lang: str = "fr") -> str:
    """Notebook 04, for one population: its waves, the pair shown in detail (:func:`etude.analysis.waves.change_pair`),
    the other pairs computed (:func:`etude.analysis.waves.wave_pairs`) — or why there is no change (a single wave)."""
    from etude.analysis import waves
    lang = check_lang(lang)
    shown = waves.change_pair(df, wave_from, wave_to)
    if shown is None:
        return single_wave_text(population, df, lang=lang)
    requested = bool(wave_from and wave_to)
    absent = requested and shown != (int(wave_from), int(wave_to))
    others = [f"{a} → {b}" for a, b in waves.wave_pairs(df) if (a, b) != shown]
    key = ("pairs" if others else "pairs_one") + ("_default" if not requested or absent else "")
    text = _t(key, lang, who=_who(population, lang), waves=_years(_waves(df)), a=shown[0], b=shown[1],
              others=", ".join(others))
    if absent:
        text += " " + _t("pair_absent", lang, a=wave_from, b=wave_to, who=_who(population, lang).lower())
    return text


def format_wave_grid(grid: pd.DataFrame, *, lang: str = "fr", codebook=None) -> pd.DataFrame:
    """Every wave of :func:`etude.analysis.waves.wave_grid` side by side: one row per item (or theme), one column per
    wave, each cell the share citing it with its count and base (« 40 % (4/10) »), « non posé » when not asked.
    Rows are named by their codebook label (short for an item).

    >>> g = pd.DataFrame({"level": "items", "code": ["b_temps"] * 2, "wave": [2017, 2019],
    ...                   "asked": [True, False], "n_base": [10, 8], "count": [4, pd.NA], "share": [0.4, None]})
    >>> format_wave_grid(g).values.tolist()
    [['Manque de temps', '40,0\u202f% (4/10)', 'non posé']]
    >>> format_wave_grid(g, lang="en").values.tolist()
    [['No time', '40.0% (4/10)', 'not asked']]
    """
    lang = check_lang(lang)
    head = _t("grid_head", lang)
    if grid.empty:
        return pd.DataFrame(columns=[head])

    def cell(r):
        if not r.asked:
            return words.text("common.not_asked", lang)
        if pd.isna(r.share):
            return words.text("common.missing", lang)
        return f"{formats.pct(r.share, lang=lang)} ({int(r.count)}/{int(r.n_base)})"
    cells = grid.assign(cell=[cell(r) for r in grid.itertuples()], wave=grid["wave"].astype(int).astype(str))
    out = cells.pivot(index="code", columns="wave", values="cell")
    first = cells.drop_duplicates("code").set_index("code")
    labels = [label_of(c, lang, short=level == "items", codebook=codebook) for c, level in first["level"].items()]
    out = out.reindex(first.index)
    out.insert(0, head, labels)
    out.columns.name = None
    return out.reset_index(drop=True)


def format_trends(table: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """:func:`etude.analysis.waves.wave_trends` (labelled) for readers: the share at the first and the last wave,
    the trend test's z and adjusted p-value, and the verdict (rising, falling, no trend told apart from chance,
    or not tested and why).

    >>> t = pd.DataFrame({"label": ["Temps"], "waves": "2017;2019;2021", "share_first": [0.2], "share_last": [0.6],
    ...                   "zscore": [3.1], "p_adjusted": [0.004], "separated": [True], "reason": [None]})
    >>> format_trends(t, lang="en").iloc[0].tolist()
    ['Temps', '20.0%', '60.0%', '3.10', '0.004', 'rising']
    """
    lang = check_lang(lang)
    years = str(table["waves"].iloc[0]).split(";") if len(table) else ["", ""]
    how = words.text(f"common.{table.attrs.get('padjust', 'bonferroni')}", lang)

    def verdict(r):
        if isinstance(r.reason, str):
            return words.label(r.reason, lang=lang, min_cell=5) if words.has(f"codes.{r.reason}", lang) \
                else str(r.reason)
        if not r.separated:
            return _t("trend.flat", lang)
        return _t("trend.up" if r.zscore > 0 else "trend.down", lang)
    return pd.DataFrame({
        _t("grid_head", lang): table["label"].astype(str),
        years[0]: [formats.pct(p, lang=lang) if pd.notna(p) else formats.missing(lang) for p in table["share_first"]],
        years[-1]: [formats.pct(p, lang=lang) if pd.notna(p) else formats.missing(lang) for p in table["share_last"]],
        "z": [formats.number(z, 2, lang=lang) if pd.notna(z) else formats.missing(lang) for z in table["zscore"]],
        words.text("common.padj", lang, padjust=how): [formats.pvalue(p, lang=lang) for p in table["p_adjusted"]],
        _t("trend.head", lang): [verdict(r) for r in table.itertuples()],
    })


def trend_title(population: str, table: pd.DataFrame, lang: str = "fr") -> str:
    """Title of :func:`format_trends`' table: the population and the adjustment family.

    >>> t = pd.DataFrame({"level": ["items"]}); t.attrs.update({"padjust": "bonferroni", "family_size": 7})
    >>> trend_title("buyers", t)
    'Acheteurs publics : tendance linéaire sur toutes les vagues (Bonferroni sur 7 freins)'
    """
    from etude.publish.present.family import family_text
    lang = check_lang(lang)
    level = "themes" if len(table) and str(table["level"].iloc[0]) == "themes" else "items"
    family = family_text(table.attrs.get("padjust", "bonferroni"), int(table.attrs.get("family_size", 0)), level,
                         lang=lang)
    return _t("trend_title", lang, who=_who(population, lang), family=family)
