"""The respondent-table contract (``docs/contracts.md`` §1): column order, dtypes, and its pandera schema.

Examples
--------
>>> list(empty_table("buyers").columns[:3])
['respondent_id', 'population', 'wave']
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from etude.errors import PROBLEM_COLUMNS
from etude.survey import codebook as cbk
from etude.survey import privacy

if TYPE_CHECKING:  # pandera is imported where a schema is built: a kernel given a parsed study never needs it
    import pandera.pandas as pa

__all__ = ["item_codes", "finalise", "empty_table", "respondent_schema", "problems_table"]


def item_codes(population: str, cb) -> list[str]:
    """Item codes of every multi-select question of a questionnaire, in codebook order."""
    cb = cbk.load(cb) if not isinstance(cb, dict) else cb
    q = cb["questionnaires"][population]["questions"]
    return [it["code"] for name, spec in q.items() if spec.get("type", "multi") == "multi" for it in spec["items"]]


def finalise(df: pd.DataFrame, population: str, cb) -> pd.DataFrame:
    """Column order and dtypes of the contract (docs/contracts.md §1)."""
    cb = cbk.load(cb) if not isinstance(cb, dict) else cb
    attrs = [a for a in cbk.attributes(population, codebook=cb) if a != "wave"]
    texts = list(cbk.text_fields(population, codebook=cb))
    items = item_codes(population, cb)
    out = pd.DataFrame(index=df.index)
    out["respondent_id"] = df["respondent_id"].astype("str")
    out["population"] = df["population"].astype("str")
    out["wave"] = df["wave"].astype("int64")
    out["simulated"] = df["simulated"].astype("bool")
    out["source_file"] = df["source_file"].astype("str")
    for a in attrs:
        codes = [str(v["code"]) for v in cbk.attributes(population, codebook=cb)[a].get("values", [])]
        col = df[a].astype(object) if a in df else pd.Series([None] * len(df), index=df.index, dtype=object)
        extra = sorted({str(v) for v in col.dropna()} - set(codes))
        out[a] = pd.Categorical(col.where(col.notna(), None), categories=codes + extra)
    for c in items:
        out[c] = df[c].astype("boolean") if c in df else pd.array([pd.NA] * len(df), dtype="boolean")
    for t in texts:
        col = df[t] if t in df else pd.Series([None] * len(df), index=df.index, dtype=object)
        out[t] = col.astype("str").where(col.notna(), pd.NA) if len(col) else col.astype("str")
    return out.reset_index(drop=True)


def empty_table(population: str, *, codebook=None) -> pd.DataFrame:
    """A respondent table with no rows and the contract's columns and dtypes.

    >>> list(empty_table("companies").columns[:5])
    ['respondent_id', 'population', 'wave', 'simulated', 'source_file']
    """
    cb = cbk.load(codebook) if not isinstance(codebook, dict) else codebook
    cols = ["respondent_id", "population", "wave", "simulated", "source_file",
            *[a for a in cbk.attributes(population, codebook=cb) if a != "wave"], *item_codes(population, cb),
            *cbk.text_fields(population, codebook=cb)]
    return finalise(pd.DataFrame({c: pd.Series([], dtype=object) for c in cols}), population, cb)


def respondent_schema(population: str, *, codebook=None) -> pa.DataFrameSchema:
    """The respondent-table contract (docs/contracts.md §1) as a pandera schema.

    Includes the multi-select rule: per question, a row's items are either all NA or all True/False.

    >>> respondent_schema("buyers").validate(empty_table("buyers")).shape[0]
    0
    """
    import pandera.pandas as pa
    cb = cbk.load(codebook) if not isinstance(codebook, dict) else codebook
    q = cb["questionnaires"][population]
    prefix = q.get("id_prefix", population[:1].upper())
    cols = {
        "respondent_id": pa.Column(str, pa.Check.str_matches(privacy.PSEUDONYM_PATTERN.replace("[A-Z]", prefix)),
                                   unique=True),
        "population": pa.Column(str, pa.Check.isin([population])),
        "wave": pa.Column("int64", pa.Check.in_range(1900, 2100)),
        "simulated": pa.Column(bool),
        "source_file": pa.Column(str),
    }
    for a, spec in cbk.attributes(population, codebook=cb).items():
        if a == "wave":
            continue
        codes = [str(v["code"]) for v in spec.get("values", [])]
        checks = [] if spec.get("open") else [pa.Check.isin(codes)]
        cols[a] = pa.Column("category", checks, nullable=True)
    checks = []
    for qn, spec in q["questions"].items():
        codes = [it["code"] for it in spec["items"]]
        for c in codes:
            cols[c] = pa.Column("boolean", nullable=True)
        # a row either skipped the question (all NA) or ticked at least one item; False only beside a True
        # (an item absent from a wave's export stays NA even for those who answered)
        checks.append(pa.Check(lambda d, cs=codes: d[cs].isna().all(axis=1) | d[cs].fillna(False).any(axis=1),
                               name=f"multi_select_rule:{qn}"))
    for t in cbk.text_fields(population, codebook=cb):
        cols[t] = pa.Column(str, nullable=True)
    return pa.DataFrameSchema(cols, checks=checks, strict=True, ordered=True)


def problems_table(problems: Iterable[dict]) -> pd.DataFrame:
    """Problems as a DataFrame with columns :data:`etude.errors.PROBLEM_COLUMNS` (object dtype: None stays None).

    >>> problems_table([]).shape
    (0, 7)
    """
    problems = list(problems)
    return pd.DataFrame({c: pd.Series([p.get(c) for p in problems], dtype=object) for c in PROBLEM_COLUMNS})

