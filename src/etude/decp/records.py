"""The records table: one row per contract, built from the raw columns any reader gives.

Readers (:mod:`etude.decp.jsonfile`, :mod:`etude.decp.tabular`) produce flat raw columns; :func:`finish_records`
applies the rules of :mod:`etude.decp.rules` once per distinct value and returns :data:`RECORD_COLUMNS`.
The counts of the reading rules travel in one :class:`ReadCounters`.

Examples
--------
>>> ident(59350.0), ident(" 2159 0163 ", 14), ident("NC")
('59350', '21590163', None)
>>> map_unique(["a", "b", "a", None], lambda v: v and v.upper()).tolist()
['A', 'B', 'A', None]
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from etude.decp.rules import (
    AMOUNT_USABLE,
    MAX_AMOUNT,
    NULL_TEXTS,
    fold,
    normalise_nature,
    normalise_procedure,
    parse_amount,
    parse_bids,
    parse_consideration,
    parse_date,
    parse_flag,
)

__all__ = ["RECORD_COLUMNS", "ReadCounters", "ident", "place_code", "map_unique", "map_unique_text", "text_column",
           "str_column", "finish_records"]


@dataclasses.dataclass
class ReadCounters:
    """How many records each reading rule set aside or changed, over every file of one :func:`read_decp` call
    (``duplicate_examples``: the first duplicates' id, file and record number).

    >>> c = ReadCounters()
    >>> c.duplicates += 1
    >>> c.duplicates, c.duplicate_examples
    (1, [])
    """

    concessions: int = 0
    unreadable: int = 0
    coerced: int = 0
    tabular_duplicate_rows: int = 0
    tabular_no_current: int = 0
    duplicates: int = 0
    duplicate_examples: list[str] = dataclasses.field(default_factory=list)


#: Columns of the records table returned by :func:`read_decp` (one row per contract).
RECORD_COLUMNS = [
    "source_file", "source_format", "record_no", "uid", "id", "buyer_id", "buyer_name", "nature_raw", "nature",
    "procedure_raw",
    "procedure", "object", "cpv", "place_code", "place_type", "duration_months", "notification_date", "year",
    "date_status", "date_raw", "amount_eur", "amount_status", "amount_raw", "holder_ids", "n_holders_listed",
    "marche_innovant", "buyer_region_code", "buyer_departement", "n_holders", "n_holders_sme",
    "n_holders_categorised", "bids", "social", "environmental",
]


def ident(v: Any, width: int = 0) -> str | None:
    """An identifier as text: numbers zero-padded to ``width``, spaces removed, null-like values → None."""
    if v is None:
        return None
    if v.__class__ is str:
        s = "".join(v.split())
    elif isinstance(v, bool):
        s = str(v)
    elif isinstance(v, int):
        s = str(v).zfill(width)
    elif isinstance(v, float):
        if math.isnan(v):
            return None
        s = str(int(v)).zfill(width) if v.is_integer() else str(v)
    else:
        s = "".join(str(v).split())
    return None if len(s) < 5 and s.casefold() in NULL_TEXTS else s


_CODE_WIDTH = {"code postal": 5, "code commune": 5, "code departement": 2, "code region": 2}


def place_code(code: Any, type_code: str | None) -> str | None:
    """A place code as text; a number is zero-padded to the width of its code type (postal code: 5)."""
    if code.__class__ is str or code is None:
        return ident(code)
    return ident(code, _CODE_WIDTH.get(fold(type_code), 0) if type_code else 0)


def map_unique(values: Any, fn: Callable[[Any], Any], width: int = 0) -> Any:
    """``fn`` applied once per distinct value, results spread back (``None`` and NaN count as ``None``).

    With ``width`` > 0, ``fn`` returns tuples and one object array per tuple position comes back.
    """
    if isinstance(values, pd.Series) and values.dtype != object:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)    # Arrow strings: no Python objects
    else:
        arr = values.to_numpy(object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    codes = np.asarray(codes)
    results = [fn(u) for u in uniques] + [fn(None)]          # code -1 (missing) takes the last one
    if not width:
        table = np.empty(len(results), dtype=object)
        for i, r in enumerate(results):
            table[i] = r
        return table[codes]
    tables = [np.empty(len(results), dtype=object) for _ in range(width)]
    for i, r in enumerate(results):
        for k in range(width):
            tables[k][i] = r[k]
    return [t[codes] for t in tables]


def map_unique_text(values: Any, fn: Callable[[Any], Any]) -> pd.Series:
    """:func:`map_unique` for a rule that returns text: an Arrow-backed ``str`` column built from the distinct
    results (no Python object per row).

    >>> map_unique_text(["a", None, "a"], lambda v: v and v.upper()).tolist()
    ['A', nan, 'A']
    """
    import pyarrow as pa
    if isinstance(values, pd.Series) and values.dtype != object:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    else:
        arr = values.to_numpy(object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    results = [fn(u) for u in uniques] + [fn(None)]
    table = pa.array([None if r is None else str(r) for r in results], type=pa.large_string())
    codes = np.asarray(codes)
    taken = table.take(pa.array(np.where(codes < 0, len(results) - 1, codes)))
    return pd.Series(taken.to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow", na_value=np.nan)),
                     dtype="str")


def text_column(values: Any) -> pd.Series:
    """A text column (Arrow-backed ``str``): each value as ``str``, ``None`` kept missing."""
    return pd.Series(values, dtype=object).map(lambda v: None if v is None else str(v), na_action="ignore") \
        .astype("str")


def str_column(values: Any, n: int) -> pd.Series:
    """A text column (Arrow-backed ``str``) from a list, an array, a Series or one value repeated ``n`` times."""
    if values is None or isinstance(values, str):
        return pd.Series([values] * n, dtype="str")
    if isinstance(values, pd.Series):
        if pd.api.types.is_string_dtype(values) and values.dtype != object:
            return values.astype("str").reset_index(drop=True)     # Arrow strings stay Arrow strings
        values = values.to_numpy(object)
    return pd.Series(values, dtype="str")


def _raw_where(values: Any, keep: np.ndarray) -> pd.Series:
    """The raw text of the values where ``keep`` (what a summary shows as an example), missing elsewhere."""
    if isinstance(values, pd.Series) and values.dtype != object:
        return values.astype("str").where(keep, None).reset_index(drop=True)
    return text_column(np.where(keep, np.asarray(values, dtype=object), None))


def read_amounts(values: Any, *, max_amount: float = MAX_AMOUNT) -> tuple[np.ndarray, np.ndarray]:
    """:func:`~etude.decp.rules.parse_amount` on a column: ``(amounts, statuses)``.

    Numbers and plain numbers written as text (``"30000.00"``) are read at once, as the rule reads them; only
    the other texts go through the rule one distinct value at a time (a national file holds a million distinct
    amounts).

    >>> a, s = read_amounts(np.array([10, "30000.00", "1 234,50 €", None, -5, 1e17, "NaN"], dtype=object))
    >>> a.tolist()[:3], s.tolist()
    ([10.0, 30000.0, 1234.5], ['ok', 'text', 'text_fr', 'missing', 'negative', 'absurd', 'invalid'])
    """
    if isinstance(values, pd.Series) and pd.api.types.is_float_dtype(values):
        return _float_amounts(values.to_numpy(float), max_amount)
    raw = np.asarray(values, dtype=object)
    n = len(raw)
    is_text = np.fromiter((v.__class__ is str for v in raw), dtype=bool, count=n)
    is_number = np.fromiter((v.__class__ is float or (v.__class__ is int and -2 ** 53 <= v <= 2 ** 53)
                             for v in raw), dtype=bool, count=n)
    plain = is_text.copy()
    if n:
        text = pd.Series(np.where(is_text, raw, ""), dtype="str")
        plain &= text.str.fullmatch(r"\+?\d+(\.\d+)?([eE][+-]?\d+)?").to_numpy(dtype=bool, na_value=False)
    fast = plain | is_number
    x = np.full(n, np.nan)
    x[fast] = pd.to_numeric(pd.Series(raw[fast], dtype=object), errors="coerce").to_numpy(float)
    status = np.where(is_number, "ok", "text").astype(object)
    finite = np.isfinite(x)
    nines = np.zeros(n, dtype=bool)
    big = np.flatnonzero(finite & (x >= 9_999_999) & (x == np.floor(np.where(finite, x, 0))))
    nines[big] = [set(f"{v:.0f}") == {"9"} for v in x[big]]
    status[fast & ~finite] = "invalid"
    status[fast & np.isnan(x) & is_number] = "missing"
    status[fast & finite & (x < 0)] = "negative"
    status[fast & finite & (x >= 0) & ((x >= max_amount) | nines)] = "absurd"
    x[fast & ~np.isfinite(x)] = np.nan
    slow = ~fast
    if slow.any():
        x[slow], status[slow] = map_unique(raw[slow], lambda v: parse_amount(v, max_amount=max_amount), 2)
    return x, status


def _float_amounts(x: np.ndarray, max_amount: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`read_amounts` on a float column (Parquet): NaN is missing, the rest as the rule reads numbers."""
    x = x.copy()
    status = np.full(len(x), "ok", dtype=object)
    finite = np.isfinite(x)
    big = np.flatnonzero(finite & (x >= 9_999_999) & (x == np.floor(np.where(finite, x, 0))))
    nines = np.zeros(len(x), dtype=bool)
    nines[big] = [set(f"{v:.0f}") == {"9"} for v in x[big]]
    status[np.isnan(x)] = "missing"
    status[~finite & ~np.isnan(x)] = "invalid"
    status[finite & (x < 0)] = "negative"
    status[finite & (x >= 0) & ((x >= max_amount) | nines)] = "absurd"
    x[~finite] = np.nan
    return x, status


def finish_records(flat: Any, today: dt.date, max_amount: float) -> pd.DataFrame:
    """Parse the raw columns of a flat table (a frame or a dict of lists) into records."""
    if isinstance(flat, pd.DataFrame):
        flat = {c: flat[c].to_numpy(object) if flat[c].dtype == object else flat[c].reset_index(drop=True)
                for c in flat.columns}
    n = len(flat["record_no"])
    amount, amount_status = read_amounts(flat["amount_raw"], max_amount=max_amount)

    def read_day(v: Any) -> tuple:
        d, status = parse_date(v, today=today)
        return (np.datetime64("NaT", "s") if d is None else np.datetime64(d, "s")), status

    day, date_status = map_unique(flat["date_raw"], read_day, 2)
    duration, duration_status = map_unique(flat["duration_raw"], parse_amount, 2)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    out["source_file"] = str_column(flat["source_file"], n)
    out["source_format"] = str_column(flat["source_format"], n)
    out["record_no"] = np.asarray(flat["record_no"], dtype="int64")
    ids = str_column(flat["id"], n)
    buyer = map_unique_text(flat["buyer_id"], lambda v: ident(v, 14))
    out["uid"] = str_column(flat["uid"], n) if "uid" in flat else (buyer.fillna("") + ids.fillna("")).astype("str")
    out["id"] = ids
    out["buyer_id"] = buyer
    out["buyer_name"] = str_column(flat["buyer_name"], n)
    out["nature_raw"] = str_column(flat["nature_raw"], n)
    out["nature"] = map_unique_text(flat["nature_raw"], normalise_nature)
    out["procedure_raw"] = str_column(flat["procedure_raw"], n)
    out["procedure"] = map_unique_text(flat["procedure_raw"], normalise_procedure)
    out["object"] = str_column(flat["object"], n)
    out["cpv"] = map_unique_text(flat["cpv"], ident)
    out["place_code"] = map_unique_text(flat["place_code"], ident)
    out["place_type"] = str_column(flat["place_type"], n)
    usable_duration = np.isin(duration_status, AMOUNT_USABLE)
    out["duration_months"] = np.where(usable_duration, duration, np.nan).astype("float64")
    out["notification_date"] = pd.Series(day.astype("datetime64[s]"))
    out["year"] = out["notification_date"].dt.year.astype("Int64")
    out["date_status"] = str_column(date_status, n)
    out["date_raw"] = _raw_where(flat["date_raw"], date_status != "ok")
    out["amount_eur"] = amount.astype("float64")
    out["amount_status"] = str_column(amount_status, n)
    keep_raw = ~np.isin(amount_status, ["ok", "text"])
    out["amount_raw"] = _raw_where(flat["amount_raw"], keep_raw)
    out["holder_ids"] = str_column(flat["holder_ids"], n)
    out["n_holders_listed"] = np.asarray(flat["n_holders_listed"], dtype="int64")
    out["marche_innovant"] = pd.array(map_unique(flat["innov_raw"], parse_flag), dtype="boolean")
    for col in ("buyer_region_code", "buyer_departement"):
        out[col] = map_unique_text(flat[col], lambda v: ident(v, 2)) if col in flat \
            else str_column(None, n)
    _finish_v2(out, flat, n)
    return out[RECORD_COLUMNS]


def _finish_v2(out: pd.DataFrame, flat: dict, n: int) -> None:
    """Holder counts and the 2022-format fields (bids, considerations); absent columns are « not given »."""
    holders = out["holder_ids"]
    out["n_holders"] = np.where(holders.notna(), holders.str.count(";").fillna(-1).astype("int64") + 1, 0)
    for col in ("n_holders_sme", "n_holders_categorised"):
        out[col] = np.asarray(flat[col], dtype="int64") if col in flat else np.zeros(n, dtype="int64")
    bids = map_unique(flat["bids_raw"], parse_bids) if "bids_raw" in flat else np.full(n, None, dtype=object)
    out["bids"] = pd.array(bids, dtype="Int64")
    for col, raw in (("social", "social_raw"), ("environmental", "env_raw")):
        values = map_unique(flat[raw], parse_consideration) if raw in flat else np.full(n, None, dtype=object)
        out[col] = pd.array(values, dtype="boolean")

