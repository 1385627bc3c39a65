"""What a reader sees of the DECP figures: the ``etude decp`` text, the yearly table, the panel, the regions.

:mod:`etude.decp` computes numbers and codes; this module puts them into words (catalogue area ``decp``) and
numbers (:mod:`etude.publish.formats`), in French or English.

Examples
--------
>>> import pandas as pd
>>> y = pd.DataFrame({"year": [2019], "n_contracts": [1200], "amount_total_eur": [3.5e6],
...                   "amount_median_eur": [float("nan")], "n_buyers": [3], "n_holders": [4]})
>>> format_yearly(y, lang="en").columns.tolist()[:3]
['Year', 'Contracts', 'Total amount']
>>> format_yearly(y).iloc[0, 1] == "1\u202f200"
True
"""
from __future__ import annotations

import datetime

import pandas as pd

from etude import words
from etude.publish import formats

__all__ = ["format_yearly", "format_summary", "summary_table", "resume_table", "format_resume", "format_report",
           "format_panel", "format_regions", "format_comparisons", "method_text", "indicator_label",
           "innovation_headline", "panel_headline", "funnel_headline", "latest_year", "partial_years",
           "procedures_text",
           "reading_text"]

_YEARLY = ["year", "n_contracts", "amount_total_eur", "amount_median_eur", "n_buyers", "n_holders",
           "n_contracts_with_amount"]


def _col(code: str, lang: str) -> str:
    return words.text(f"decp.columns.{code}", lang)


def indicator_label(code: str, lang: str = "fr") -> str:
    """The reader's name of a panel indicator (``sme_count`` → « PME parmi les titulaires (en nombre) »)."""
    return words.text(f"decp.indicator.{code}", lang)


def format_yearly(table: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """The yearly table (:func:`etude.decp.yearly_indicators`) for reading: formatted numbers, labelled columns,
    « n.d. » for missing amounts."""
    words.check_lang(lang)
    out = pd.DataFrame({"year": table["year"].astype(str)})
    for col in ("n_contracts", "n_contracts_with_amount", "n_buyers", "n_holders"):
        if col in table:
            out[col] = table[col].map(lambda v: formats.number(v, lang=lang))
    for col in ("amount_total_eur", "amount_median_eur"):
        out[col] = table[col].map(lambda v: formats.euros(v, lang=lang))
    cols = [c for c in _YEARLY if c in out]
    return out[cols].rename(columns={c: _col(c, lang) for c in cols})


_REGION_RULES = {f"region_{rule}" for rule in ("buyer_region", "buyer_departement", "buyer_siren",
                                                "place_departement", "place_region", "place_nuts", "place_country")}
_CLIP = 40  # characters of a value shown as an example (a 400-digit amount is cut)


def _s(key: str, lang: str, **fields) -> str:
    return words.text(f"decp.summary.{key}", lang, **fields)


def _join(parts: list[str], lang: str) -> str:
    return _s("separator", lang).join(parts)


def _who(rid, file, no, lang: str) -> str:
    return rid if isinstance(rid, str) and rid else _s("record", lang, file=file, no=no)


def _clip(value) -> str:
    value = str(value)
    return value if len(value) <= _CLIP else value[:_CLIP - 1] + "…"


def _reason(why: str, lang: str) -> str:
    kind, *values = str(why).split("\x1f")
    type_code, code = (values + ["", ""])[:2]
    return _s(f"why.{kind}", lang, type=type_code, code=code)


def _listed(code: str, facts: dict, lang: str) -> str | None:
    """The detail of a rule whose facts are a list (files' format, duplicates, labels, reasons), else ``None``."""
    if code == "read":
        form = facts["format"]
        form = _s("tabular", lang, kind=form.upper()) if form in ("csv", "parquet") else form
        key = "read_duplicates" if facts.get("duplicate_rows") else "read"
        return _s(f"details.{key}", lang, file=facts["file"], format=form, n=facts.get("duplicate_rows"))
    if code == "duplicates":
        who = ", ".join(_who(*e, lang) for e in facts.get("examples", []))
        return _s("details.duplicates_examples", lang, examples=who) if who else _s("details.duplicates", lang)
    if code.endswith("_harmonised"):
        pairs = [_s("pair", lang, raw=a, label=b, n=n) for a, b, n in facts["pairs"]]
        return _join(pairs, lang) or _s("details.harmonised_none", lang)
    if code == "procedure_unknown":
        return _join([_s("label_count", lang, label=k, n=n) for k, n in facts["labels"]], lang) or \
            _s("details.procedure_unknown_none", lang)
    if code == "region_undetermined":
        reasons = [_s("reason_count", lang, reason=_reason(w, lang), n=n) for w, n in facts["reasons"]]
        return _join(reasons, lang) or _s("details.region_undetermined_none", lang)
    return None


def _detail(code: str, facts: dict, lang: str) -> str:
    """A summary line's detail, in words."""
    listed = _listed(code, facts, lang)
    if listed is not None:
        return listed
    fields = {k: v for k, v in facts.items() if k != "examples"}
    if "max_amount" in fields:
        fields["max_amount"] = formats.number(fields["max_amount"], lang=lang)
    text = _s(f"details.{'region_rule' if code in _REGION_RULES else code}", lang, **fields)
    if facts.get("examples"):
        field = _s("field_date" if code.startswith("date") else "field_amount", lang)
        examples = [_s("example", lang, who=_who(rid, file, no, lang), field=field, value=_clip(value))
                    for rid, file, no, value in facts["examples"]]
        text = _s("with_examples", lang, detail=text, examples=_join(examples, lang))
    return text


def summary_table(summary: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """A summary of :mod:`etude.decp.summary` (``rule`` code, ``n_records``, ``detail`` facts) in words: the same
    columns, the rule's name and its detail in ``lang`` (``tables/decp_resume.csv``, the ``etude decp`` text).

    >>> t = pd.DataFrame({"rule": ["duplicates"], "n_records": [2], "detail": [{"examples": [("A", "f.json", 3)]}]})
    >>> summary_table(t, lang="en").iloc[0].tolist()[::2]
    ['exact duplicate removed', 'record whose text is the same as an earlier one: the first is kept; e.g. A']
    """
    words.check_lang(lang)
    rows = [(_s(f"labels.{code}", lang, **({"region": facts["region"]} if code == "region_kept" else {})), int(n),
             _detail(code, facts, lang)) for code, n, facts in summary[["rule", "n_records", "detail"]].itertuples(
        index=False)]
    return pd.DataFrame(rows, columns=["rule", "n_records", "detail"])


def format_summary(summary: pd.DataFrame, *, lang: str = "fr") -> str:
    """A summary (see :func:`summary_table`) as text lines: ``• règle : n — détail``.

    >>> t = pd.DataFrame({"rule": ["duplicates"], "n_records": [1200], "detail": [{}]})
    >>> format_summary(t)[:40] == "  • doublon exact supprimé : 1\u202f200 — enr"
    True
    """
    colon = " :" if lang == "fr" else ":"
    lines = []
    for rule, n, detail in summary_table(summary, lang=lang).itertuples(index=False):
        lines.append(f"  • {rule}{colon} {formats.number(n, lang=lang)}" + (f" — {detail}" if detail else ""))
    return "\n".join(lines)


def resume_table(report, *, lang: str = "fr") -> pd.DataFrame:
    """What ``etude decp`` read, set aside or harmonised and why — reading, then the regional filter — in words
    (:func:`summary_table`): ``tables/decp_resume.csv``."""
    return summary_table(pd.concat([report.summary, report.region_summary], ignore_index=True), lang=lang)


def format_resume(resume: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """The rules of :func:`resume_table` that touched at least one record, for reading (labelled columns)."""
    shown = resume[resume["n_records"] > 0].reset_index(drop=True)
    shown = shown.assign(n_records=shown["n_records"].map(lambda n: formats.number(n, lang=lang)))
    return shown.rename(columns={c: words.text(f"decp.resume.{c}", lang) for c in shown.columns})


def _panel_lines(report, lang: str) -> list[str]:
    if report.panel is None or report.panel.empty:
        return []
    region = report.region_label or ""
    shown = format_panel(report.panel, lang=lang)
    return ["\n" + words.text("decp.report.panel", lang, region=region), shown.to_string(index=False)]


def format_report(report, *, lang: str = "fr") -> str:
    """The text ``etude decp`` prints: what was read, every rule applied, the regional filter, the tables."""
    t = lambda key, **f: words.text(f"decp.report.{key}", lang, **f)  # noqa: E731
    label = f" ({report.region_label})" if report.region_label else ""
    lines = [t("read", n_files=report.n_files, n_records=formats.number(report.n_records, lang=lang)),
             "\n" + t("reading"), format_summary(report.summary, lang=lang),
             "\n" + t("perimeter", label=label), format_summary(report.region_summary, lang=lang)]
    if report.exclusions is not None:
        lines += ["\n" + t("exclusions"), format_summary(report.exclusions, lang=lang)]
    lines.append("\n" + t("yearly"))
    if report.table.empty:
        lines.append(t("none_dated"))
    else:
        lines.append(format_yearly(report.table, lang=lang).to_string(index=False))
    lines += _panel_lines(report, lang)
    if report.regions is not None and not report.regions.empty:
        placed = report.regions.loc[report.regions["region"] != "FR", "region"].nunique()
        lines.append("\n" + t("regions", n_regions=placed, n_rows=formats.number(len(report.regions), lang=lang)))
    for path in report.written:
        lines.append("\n" + t("written", path=path))
    return "\n".join(lines)


def _share_text(row, lang: str) -> str:
    return formats.pct(row["share"], lang=lang, missing_text=words.text("decp.not_filled", lang))


def _amount_or_count(value, basis: str, lang: str) -> str:
    return formats.euros(value, lang=lang) if basis == "value" else formats.number(value, lang=lang)


def _method(row, lang: str) -> str:
    code = row["ci_method"]
    resamples = row.get("resamples")
    n = formats.number(resamples, lang=lang) if pd.notna(resamples) else ""
    return words.text(f"decp.method.{code}", lang, **({"resamples": n} if code == "bootstrap" else {}))


def format_panel(panel: pd.DataFrame, *, lang: str = "fr", given_only: bool = True) -> pd.DataFrame:
    """The panel (:func:`etude.decp.indicator_panel`) for reading: one row per indicator and year, the share with
    its interval, numerator and denominator, fill rate and interval method; with ``given_only``, the years where
    the field is never given are left out (the CSV keeps them, fill rate 0)."""
    rows = []
    order = {code: i for i, code in enumerate(panel["indicator"].drop_duplicates())}
    panel = panel.sort_values(["indicator", "year"], key=lambda s: s.map(order) if s.name == "indicator" else s)
    if given_only:
        panel = panel[panel["denominator"] > 0]
    for _, r in panel.iterrows():
        filled = r["denominator"] > 0
        rows.append({
            "year": str(r["year"]), "indicator": indicator_label(r["indicator"], lang),
            "share": _share_text(r, lang),
            "interval": formats.interval(r["ci_low"], r["ci_high"], lang=lang) if filled and pd.notna(r["ci_low"])
            else "", "numerator": _amount_or_count(r["numerator"], r["basis"], lang),
            "denominator": _amount_or_count(r["denominator"], r["basis"], lang),
            "fill_rate": formats.pct(r["fill_rate"], lang=lang), "method": _method(r, lang) if filled else ""})
    out = pd.DataFrame(rows, columns=["year", "indicator", "share", "interval", "numerator", "denominator",
                                      "fill_rate", "method"])
    return out.rename(columns={c: _col(c, lang) for c in out.columns})


def format_regions(regions: pd.DataFrame, *, year: int, indicator: str, lang: str = "fr") -> pd.DataFrame:
    """One indicator of one year for every region (:func:`etude.decp.regions_panel`), largest base first."""
    t = regions[(regions["year"] == year) & (regions["indicator"] == indicator)]
    t = t.sort_values(["region"], key=lambda s: s.eq("FR")).sort_values("denominator", ascending=False,
                                                                           kind="stable")
    out = pd.DataFrame({
        "region": t["region_name"], "share": [_share_text(r, lang) for _, r in t.iterrows()],
        "interval": [formats.interval(lo, hi, lang=lang) if pd.notna(lo) else "" for lo, hi in
                     zip(t["ci_low"], t["ci_high"])],
        "denominator": [formats.number(v, lang=lang) for v in t["denominator"]],
        "fill_rate": [formats.pct(v, lang=lang) for v in t["fill_rate"]],
        "position": [words.text(f"decp.position.{p}", lang) if p else "" for p in t["position"]]})
    return out.rename(columns={c: _col(c, lang) for c in out.columns})


def format_comparisons(comparisons: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """Published national and European benchmarks with their scope beside them (the reference rows)."""
    from etude.publish.reference_text import citation
    from etude.survey.reference import column

    def words_of(name: str) -> pd.Series:
        own = column(name, lang)
        return comparisons[own if own in comparisons else column(name, "fr")].astype(str)

    value = [formats.pct(v, lang=lang) if pd.notna(v) else txt for v, txt in
             zip(comparisons["value"], words_of("value_text"))]
    out = pd.DataFrame({"comparison": words_of("label"), "year": comparisons["period"].astype(str),
                        "value": value, "perimeter": words_of("perimeter"),
                        "source": [citation(str(s), lang) for s in comparisons["source"]]})
    return out.rename(columns={c: _col(c, lang) for c in out.columns})


def procedures_text(procedures, lang: str = "fr") -> str:
    """The competitive procedures counted in the single-bid rate, as a sentence list."""
    return formats.join([f"« {p} »" if lang == "fr" else f'"{p}"' for p in procedures], lang=lang)


def method_text(*, lang: str = "fr", resamples: int, seed: int, procedures) -> str:
    """The method section of notebook 07 (Markdown), with the bootstrap's resamples and seed."""
    return words.text("decp.nb.method", lang, resamples=formats.number(resamples, lang=lang), seed=seed,
                      procedures=procedures_text(procedures, lang))


def latest_year(panel: pd.DataFrame, indicator: str, *, today: datetime.date | None = None) -> int | None:
    """The last complete year where ``indicator`` has a share (a filled field), else ``None``.

    A headline never states a year the file holds only part of (:func:`partial_years`: the year in progress, or
    a last year with under half the previous year's records); when every year with a share is partial, the last
    one is kept.

    >>> p = pd.DataFrame({"indicator": "sme_count", "year": [2023, 2024, 2025], "denominator": [90, 95, 20],
    ...                   "n_records": [100, 110, 25]})
    >>> latest_year(p, "sme_count", today=datetime.date(2026, 1, 5)), latest_year(p.iloc[2:], "sme_count")
    (2024, 2025)
    """
    t = panel[(panel["indicator"] == indicator) & (panel["denominator"] > 0)]
    if t.empty:
        return None
    complete = t[~t["year"].isin(partial_years(panel, today=today))]
    return int((complete if len(complete) else t)["year"].max())


def partial_years(panel: pd.DataFrame, *, today: datetime.date | None = None) -> set[int]:
    """Years the file cannot hold whole: the current year and later, and a last year whose records are under
    half the previous year's (a file published in the course of the year).

    >>> p = pd.DataFrame({"year": [2023, 2024], "n_records": [100, 30]})
    >>> sorted(partial_years(p, today=datetime.date(2030, 1, 1))), sorted(partial_years(p.assign(n_records=90)))
    ([2024], [])
    """
    today = today or datetime.date.today()
    years = sorted({int(y) for y in panel["year"].dropna()})
    partial = {y for y in years if y >= today.year}
    if len(years) >= 2 and "n_records" in panel.columns:
        records = panel.groupby("year")["n_records"].max()
        if records.get(years[-1], 0) < 0.5 * records.get(years[-2], 0):
            partial.add(years[-1])
    return partial


def _share(panel: pd.DataFrame, year: int, indicator: str, lang: str) -> str:
    row = panel[(panel["year"] == year) & (panel["indicator"] == indicator)]
    return _share_text(row.iloc[0], lang) if len(row) else words.text("decp.not_filled", lang)


def innovation_headline(panel: pd.DataFrame, *, region: str, lang: str = "fr") -> str:
    """The slide heading of the innovation chart: last year's shares by number and value, or why there are none."""
    year = latest_year(panel, "innovative_count")
    if year is None:
        return words.text("decp.nb.innovation_none", lang, region=region)
    return words.text("decp.nb.innovation_headline", lang, region=region, year=year,
                      by_number=_share(panel, year, "innovative_count", lang),
                      by_value=_share(panel, year, "innovative_value", lang))


def panel_headline(panel: pd.DataFrame, *, region: str, lang: str = "fr") -> str:
    """The slide heading of the panel chart: last year's SME share, single-bid rate and environmental share."""
    year = latest_year(panel, "sme_count") or int(panel["year"].max())
    return words.text("decp.nb.panel_headline", lang, region=region, year=year,
                      sme=_share(panel, year, "sme_count", lang), single=_share(panel, year, "single_bid", lang),
                      env=_share(panel, year, "environmental", lang))


def funnel_headline(regions: pd.DataFrame, *, region: str, year: int, indicator: str, lang: str = "fr") -> str:
    """Where the region falls in the funnel of ``indicator`` for ``year``, in one sentence."""
    row = regions[(regions["region"] == region) & (regions["year"] == year) & (regions["indicator"] == indicator)]
    if row.empty or not row.iloc[0]["position"]:
        return ""
    r = row.iloc[0]
    return words.text("decp.nb.funnel_headline", lang, region=r["region_name"], year=year,
                      position=words.text(f"decp.position.{r['position']}", lang),
                      indicator=indicator_label(indicator, lang),
                      share=formats.pct(r["share"], lang=lang), national=formats.pct(r["national_share"], lang=lang))


def reading_text(report, *, lang: str = "fr") -> str:
    """What was read and what counts: records read, kept for the region, dated (the base of the yearly figures)."""
    n_region = int(report.region_summary["n_records"].iloc[-1]) if report.region else report.n_records
    n_dated = int(report.table["n_contracts"].sum()) if len(report.table) else 0
    return words.text("decp.nb.reading", lang, n_records=formats.number(report.n_records, lang=lang),
                      n_region=formats.number(n_region, lang=lang), region=report.region_label or "France",
                      n_dated=formats.number(n_dated, lang=lang))
