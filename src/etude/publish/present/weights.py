"""What a reader sees of the next wave's planning: precision, representativeness, weights and weighted shares.

The numbers come from :mod:`etude.analysis.precision` and :mod:`etude.analysis.weights`; the words from the
catalogue's ``weights`` area; the labels of groups and items from the codebook. Notebook 08 and ``etude
sample-size`` call these.

Examples
--------
>>> precision_text(27).replace("\u202f", " ")
'Avec 27 répondants, une part de 50 % est connue à ± 17,6 points'
>>> needed_text(0.10, population=27, lang="en")
"To know a share of 50% to ± 10 points (95% confidence, Wilson interval), 22 respondents are needed out of a \
population of 27 (93 ignoring the population's size)"
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from etude import words
from etude.analysis import precision as prec
from etude.analysis.weights import leaders
from etude.publish import formats as fmt
from etude.publish.labels import label_of
from etude.safety.disclosure import merges
from etude.survey import codebook as cbk
from etude.survey.context import min_cell_of

__all__ = ["precision_text", "needed_text", "precision_lines", "format_precision", "format_representativeness",
           "fit_text", "weights_text", "weights_lines", "format_weighted", "leader_text", "who", "sample_size_lines"]


def _w(key: str, lang: str, **fields) -> str:
    return words.text(f"weights.{key}", lang, **fields)


def who(population: str, lang: str = "fr") -> str:
    """The population's codebook label (« Acheteurs publics »)."""
    return label_of(population, lang)


def _points(x: float, lang: str) -> str:
    return fmt.number(100 * x, 1, lang=lang)


def _percent(x: float, lang: str) -> str:
    """A share as a percentage, without a decimal when it is whole (50 %, 12,5 %)."""
    return fmt.pct(x, 0 if round(100 * x, 6).is_integer() else 1, lang=lang)


def precision_text(n: int, *, proportion: float = 0.5, confidence: float = 0.95, population: int | None = None,
                   lang: str = "fr") -> str:
    """« Avec n répondants, une part de 50 % est connue à ± x points » (and the same given the population's size).

    >>> precision_text(34, population=720, lang="en")
    "With 34 respondents out of a population of 720, a share of 50% is known to ± 15.6 points (15.9 points \
ignoring the population's size)"
    """
    plain = prec.half_width(n, proportion=proportion, confidence=confidence)
    share = _percent(proportion, lang)
    if population is None:
        return _w("precision", lang, n=fmt.number(n, lang=lang), share=share, points=_points(plain, lang))
    fpc = prec.half_width(n, proportion=proportion, confidence=confidence, population=population)
    return _w("precision_fpc", lang, n=fmt.number(n, lang=lang), size=fmt.number(population, lang=lang), share=share,
              points=_points(fpc, lang), plain=_points(plain, lang))


def needed_text(target: float, *, proportion: float = 0.5, confidence: float = 0.95, population: int | None = None,
                lang: str = "fr") -> str:
    """« Pour connaître une part de 50 % à ± 10 points …, il faut 93 répondants » (out of a population: fewer)."""
    needed = prec.sample_size(target, proportion=proportion, confidence=confidence)
    fields = {"share": _percent(proportion, lang), "confidence": _percent(confidence, lang),
              "target": fmt.number(100 * target, 0 if round(100 * target, 6).is_integer() else 1, lang=lang)}
    if population is None:
        return words.text("weights.needed", lang, count=needed, **fields)
    fpc = prec.sample_size(target, proportion=proportion, confidence=confidence, population=population)
    return words.text("weights.needed_fpc", lang, count=fpc, size=fmt.number(population, lang=lang),
                      plain=fmt.number(needed, lang=lang), **fields)


def precision_lines(table: pd.DataFrame, *, target: float = 0.10, proportion: float = 0.5,
                    confidence: float = 0.95, lang: str = "fr") -> list[str]:
    """For each population's last wave (:func:`etude.analysis.precision.wave_precision`): the precision its
    respondents give a share, then the size ``target`` needs (given the population's size when known)."""
    out = []
    for r in table.itertuples(index=False):
        size = None if pd.isna(r.population_size) else int(r.population_size)
        sentence = precision_text(int(r.n), proportion=proportion, confidence=confidence, population=size, lang=lang)
        out.append(_w("last_wave", lang, who=who(r.population, lang), wave=r.wave,
                      sentence=sentence[:1].lower() + sentence[1:]) + ".")
        out.append(needed_text(target, proportion=proportion, confidence=confidence, population=size, lang=lang)
                   + ".")
    return out


def format_precision(table: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """:func:`etude.analysis.precision.wave_precision` for a reader: population, wave, n, half-widths in points."""
    out = pd.DataFrame({
        _w("col_population", lang): [who(p, lang) for p in table["population"]],
        _w("col_wave", lang): table["wave"].astype(str),
        _w("col_respondents", lang): [fmt.number(n, lang=lang) for n in table["n"]],
        _w("col_half_width", lang): [_points(h, lang) for h in table["half_width"]]})
    if table["population_size"].notna().any():
        out[_w("col_population_size", lang)] = [fmt.number(s, lang=lang) for s in table["population_size"]]
        out[_w("col_half_width_fpc", lang)] = [fmt.number(100 * h, 1, lang=lang) for h in table["half_width_fpc"]]
    return out


def _value_label(population: str, attribute: str, value, lang: str) -> str:
    """The label of an attribute value, or of a category published merged (« 250 salariés et plus »)."""
    for v in cbk.attributes(population).get(attribute, {}).get("values", []):
        if str(v["code"]) == str(value):
            return str(v[f"label_{lang}"])
    for m in merges(population, attribute):
        if m["code"] == str(value):
            return str(m[f"label_{lang}"])
    return str(value)


def _attribute_label(population: str, attribute: str, lang: str) -> str:
    spec = cbk.attributes(population).get(attribute, {})
    return str(spec.get(f"label_{lang}", attribute))


def format_representativeness(table: pd.DataFrame, *, simulated: bool = False, lang: str = "fr") -> pd.DataFrame:
    """:func:`etude.analysis.weights.study_representativeness`'s table for a reader (a masked group reads
    « < 5 », the threshold of the table's ``attrs["min_cell"]``). A simulated study's margins are the
    demonstration's assumptions: their source reads so, in the reader's language, whatever the study file writes."""
    hidden = table["suppressed"] if "suppressed" in table else pd.Series(False, index=table.index)
    small = f"<{fmt.NNBSP if lang == 'fr' else ' '}{min_cell_of(table)}"

    def shown(values, render):
        return [small if h else render(v) for v, h in zip(values, hidden)]
    pct = lambda v: fmt.pct(v, lang=lang)  # noqa: E731
    return pd.DataFrame({
        _w("col_attribute", lang): [_attribute_label(p, a, lang) for p, a in zip(table["population"],
                                                                                   table["attribute"])],
        _w("col_group", lang): [_value_label(p, a, v, lang) for p, a, v in zip(table["population"],
                                                                                table["attribute"], table["value"])],
        _w("col_respondents", lang): shown(table["n"], lambda v: fmt.number(v, lang=lang)),
        _w("col_sample_share", lang): shown(table["pct"], pct),
        _w("col_population_n", lang): [fmt.number(v, lang=lang) for v in table["population_n"]],
        _w("col_population_share", lang): [pct(v) for v in table["population_share"]],
        _w("col_gap", lang): shown(table["gap"], lambda v: fmt.points(v, lang=lang)),
        _w("col_response_rate", lang): shown(table["response_rate"], pct),
        _w("col_source", lang): [_w("simulated_source", lang) if simulated else f"{s} ({y})"
                                 for s, y in zip(table["source"], table["year"])]})


def fit_text(fit: pd.DataFrame, *, alpha: float = 0.05, lang: str = "fr") -> list[str]:
    """One sentence per margin: do the respondents differ from the population (chi-square test)? A margin the
    small-group rule hides names the threshold of the table's ``attrs["min_cell"]``."""
    out, min_cell = [], min_cell_of(fit)
    for r in fit.itertuples(index=False):
        attribute = _attribute_label(r.population, r.attribute, lang)
        if r.method == "hidden":
            out.append(_w("fit_hidden", lang, attribute=attribute, min_cell=min_cell))
            continue
        if pd.isna(r.pvalue):
            continue
        key = "fit_differs" if r.pvalue < alpha else "fit_same"
        p = fmt.pvalue(r.pvalue, lang=lang)
        out.append(_w(key, lang, attribute=attribute, statistic=fmt.number(r.statistic, 1, lang=lang),
                      pvalue=p if p.startswith("<") else f"= {p}",
                      monte_carlo=_w("fit_monte_carlo", lang) if r.method == "chi2_monte_carlo" else ""))
    return out


def weights_lines(summary: pd.DataFrame, *, lang: str = "fr") -> list[str]:
    """One paragraph per population of :func:`etude.analysis.weights.study_tables`' summary (``tables/poids.csv``):
    what the weights are and cost (:func:`weights_text`); a population whose weighting cells fall under the threshold
    (the table's ``attrs["min_cell"]``) has none, and its paragraph says so."""
    return [weights_text(row, population=row["population"], min_cell=min_cell_of(summary), lang=lang)
            for row in summary.to_dict("records")]


def weights_text(summary: Mapping, *, population: str, min_cell: int = 5, lang: str = "fr") -> str:
    """What the weights are and cost: method, margins, design effect, effective size, trimming (or why none);
    ``min_cell``: the threshold the weights were computed under (:func:`weights_lines` reads it from the table)."""
    margins = fmt.join([_attribute_label(population, a, lang) for a in str(summary.get("margins", "")).split()], lang)
    if summary.get("status") == "small_cell":
        return _w("small_cell", lang, who=who(population, lang), min_cell=min_cell)
    if summary.get("status") == "no_respondent":
        return _w("no_respondent", lang, who=who(population, lang), margins=margins)
    fields = {"method": _w(summary["method"], lang), "margins": margins, "deff": fmt.number(summary["deff"], 2,
                                                                                               lang=lang),
              "n_eff": fmt.number(summary["n_eff"], 1, lang=lang)}
    if summary.get("trim"):
        text = _w("summary", lang, count=summary["n_weighted"], trim=fmt.number(summary["trim"], 1, lang=lang),
                  trimmed=words.text("weights.trimmed", lang, count=int(summary["trimmed"])), **fields)
    else:
        text = _w("summary_untrimmed", lang, count=summary["n_weighted"], **fields)
    if not summary.get("converged", True):
        text += _w("not_converged", lang, error=fmt.pct(summary["max_error"], 2, lang=lang))
    if summary.get("empty_groups"):
        groups = [_value_label(population, *g.split("=", 1), lang) for g in str(summary["empty_groups"]).split()]
        text += _w("empty_groups", lang, groups=fmt.join(groups, lang))
    unweighted = int(summary["n"]) - int(summary["n_weighted"])
    if unweighted:
        text += words.text("weights.unweighted_rows", lang, count=unweighted)
    return text + "."


def format_weighted(table: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """A frequency table with weighted columns for a reader: item, unweighted share, weighted share, its interval
    and the effective size."""
    level = fmt.number(100 * (1 - table.attrs.get("alpha", 0.05)), 0, lang=lang)
    return pd.DataFrame({
        _w("col_item", lang): [label_of(c, lang) for c in table["item"]],
        _w("col_pct", lang): [fmt.pct(v, lang=lang) for v in table["pct"]],
        _w("col_pct_w", lang): [fmt.pct(v, lang=lang) for v in table["pct_w"]],
        _w("col_ci_w", lang, level=level): [fmt.interval(lo, hi, lang=lang) for lo, hi in
                                            zip(table["ci_low_w"], table["ci_high_w"])],
        _w("col_n_eff", lang): [fmt.number(v, 1, lang=lang) for v in table["n_eff"]]})


def leader_text(table: pd.DataFrame, *, lang: str = "fr") -> str:
    """A sentence when weighting changes which item leads (else that it does not); "" without weighted shares."""
    lead = leaders(table)
    if not lead["unweighted"] or not lead["weighted"]:
        return ""
    rows = table.set_index("item")
    if set(lead["unweighted"]) & set(lead["weighted"]):
        item = next(i for i in lead["weighted"] if i in lead["unweighted"])
        return _w("leader_same", lang, item=label_of(item, lang), pct=fmt.pct(rows.at[item, "pct"], lang=lang),
                  pct_w=fmt.pct(rows.at[item, "pct_w"], lang=lang))
    first_w, first = lead["weighted"][0], lead["unweighted"][0]
    return _w("leader_changes", lang, weighted=label_of(first_w, lang), unweighted=label_of(first, lang),
              pct_w=fmt.pct(rows.at[first_w, "pct_w"], lang=lang), pct=fmt.pct(rows.at[first, "pct"], lang=lang))


def sample_size_lines(target: float, *, proportion: float = 0.5, confidence: float = 0.95,
                      population: int | None = None, precision: pd.DataFrame | None = None,
                      lang: str = "fr") -> list[str]:
    """What ``etude sample-size`` prints: the size needed, then the half-width each last wave gives."""
    lines = [_w("cli_needed", lang), "  " + needed_text(target, proportion=proportion, confidence=confidence,
                                                        population=population, lang=lang) + "."]
    lines.append(_w("cli_last_waves", lang))
    if precision is None or precision.empty:
        return [*lines, "  " + _w("no_wave", lang) + "."]
    waves = precision_lines(precision, target=target, proportion=proportion, confidence=confidence, lang=lang)
    return lines + ["  " + line for line in waves[0::2]]
