"""DuckDB for the DECP: a connection with bounded memory and threads, the records table in SQL, rules by value.

A records table (:data:`etude.decp.RECORD_COLUMNS`, one row per contract) lives either in pandas (what
:func:`etude.decp.read_decp` returns) or inside DuckDB (what :func:`etude.decp.decp_report` works on: at national
scale, a million contracts never cross into Python). :class:`Records` names such a table in a connection, with a
column ``rn`` that orders the records; :func:`as_records` turns a DataFrame into one (a typed view over it, no
copy), so that each figure — summaries, regions, yearly table, panel — has one implementation, in SQL, whichever
side the records are on.

:func:`rule_map` applies a rule of :mod:`etude.decp.rules` once per distinct value of a column and registers the
result as a table to join: the rules stay the single source of truth.

Examples
--------
>>> import pandas as pd
>>> with as_records(pd.DataFrame({"year": [2019, 2020], "amount_eur": [1.5, None]})) as t:
...     t.con.sql(f"SELECT year, amount_eur, nature FROM {t.name} ORDER BY rn").fetchall()
[(2019, 1.5, None), (2020, None, None)]
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["connect", "Records", "as_records", "frame_view", "to_frame", "rule_map", "sql_list", "default_threads",
           "SQL_TYPES", "RECORD_DTYPES", "MEMORY_LIMIT"]

#: Memory DuckDB may use (beyond it, it writes to a temporary folder removed afterwards).
MEMORY_LIMIT = "1GB"

#: DuckDB type of each column of a records table (:data:`etude.decp.RECORD_COLUMNS`), ``rn`` (order) first.
SQL_TYPES = {
    "rn": "BIGINT", "source_file": "VARCHAR", "source_format": "VARCHAR", "record_no": "BIGINT", "uid": "VARCHAR",
    "id": "VARCHAR", "buyer_id": "VARCHAR", "buyer_name": "VARCHAR", "nature_raw": "VARCHAR", "nature": "VARCHAR",
    "procedure_raw": "VARCHAR", "procedure": "VARCHAR", "object": "VARCHAR", "cpv": "VARCHAR",
    "place_code": "VARCHAR", "place_type": "VARCHAR", "duration_months": "DOUBLE", "notification_date": "TIMESTAMP_S",
    "year": "INTEGER", "date_status": "VARCHAR", "date_raw": "VARCHAR", "amount_eur": "DOUBLE",
    "amount_status": "VARCHAR", "amount_raw": "VARCHAR", "holder_ids": "VARCHAR", "n_holders_listed": "BIGINT",
    "marche_innovant": "BOOLEAN", "buyer_region_code": "VARCHAR", "buyer_departement": "VARCHAR",
    "n_holders": "BIGINT", "n_holders_sme": "BIGINT", "n_holders_categorised": "BIGINT", "bids": "INTEGER",
    "social": "BOOLEAN", "environmental": "BOOLEAN",
}
#: pandas dtype of each column of a records DataFrame (the readers' output).
RECORD_DTYPES = {c: {"VARCHAR": "str", "BIGINT": "int64", "INTEGER": "Int64", "DOUBLE": "float64",
                     "BOOLEAN": "boolean", "TIMESTAMP_S": "datetime64[s]"}[t] for c, t in SQL_TYPES.items()}


def default_threads() -> int:
    """The processors this process may run on (DuckDB's default counts the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:                      # not Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def connect(*, memory_limit: str = MEMORY_LIMIT, threads: int | None = None) -> Iterator[Any]:
    """An in-memory DuckDB connection with ``memory_limit`` and ``threads`` (default: this process's processors),
    spilling to a private temporary folder removed on exit; closed on exit."""
    import duckdb
    spill = tempfile.mkdtemp(prefix="etude-duckdb-")
    con = duckdb.connect(config={"memory_limit": memory_limit, "threads": threads or default_threads(),
                                 "temp_directory": spill, "preserve_insertion_order": True})
    try:  # no progress bar on the terminal; in a notebook DuckDB would need ipywidgets even to turn it off
        con.sql("SET enable_progress_bar = false")
    except duckdb.Error:
        pass
    try:
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


@dataclasses.dataclass(frozen=True)
class Records:
    """A records table (or view) ``name`` in the DuckDB connection ``con``: the columns of :data:`SQL_TYPES`."""

    con: Any
    name: str

    def sql(self, query: str) -> Any:
        """Run ``query``, where ``{t}`` stands for this table."""
        return self.con.sql(query.replace("{t}", self.name))


def sql_list(values) -> str:
    """Texts as an SQL list: ``('a', 'l''b')``."""
    return "(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + ")"


def frame_view(con: Any, name: str, frame: pd.DataFrame, **extra: Any) -> Records:
    """A typed view ``name`` over a records DataFrame (registered, not copied); absent columns are null, ``rn`` is
    the row's position; ``extra`` adds columns (arrays on the frame's rows)."""
    data = frame.assign(**{"rn": np.arange(len(frame), dtype="int64"), **extra})
    con.register(f"{name}_frame", data)
    cols = [f'CAST("{c}" AS {t}) AS "{c}"' if c in data.columns else f'CAST(NULL AS {t}) AS "{c}"'
            for c, t in SQL_TYPES.items()]
    cols += [f'"{c}"' for c in extra]
    con.sql(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {', '.join(cols)} FROM {name}_frame")
    return Records(con, name)


@contextlib.contextmanager
def as_records(records: pd.DataFrame | Records, **extra: Any) -> Iterator[Records]:
    """``records`` as a :class:`Records`: itself, or a DataFrame viewed in a new connection (``extra`` columns
    added, see :func:`frame_view`)."""
    if isinstance(records, Records):
        yield records
        return
    with connect() as con:
        yield frame_view(con, "records", records, **extra)


def to_frame(t: Records, columns: list[str] | None = None) -> pd.DataFrame:
    """The records of ``t`` as a DataFrame, in their order, with the readers' dtypes (:data:`RECORD_DTYPES`)."""
    import pyarrow as pa
    columns = columns or [c for c in SQL_TYPES if c != "rn"]
    quoted = ", ".join(f'"{c}"' for c in columns)
    table = t.sql(f"SELECT {quoted} FROM {{t}} ORDER BY rn").to_arrow_table()
    strings = pd.StringDtype("pyarrow", na_value=np.nan)
    frame = table.to_pandas(types_mapper={pa.string(): strings, pa.large_string(): strings,
                                          pa.bool_(): pd.BooleanDtype(), pa.int32(): pd.Int64Dtype()}.get)
    return frame.astype({c: RECORD_DTYPES[c] for c in columns})


def rule_map(con: Any, name: str, values_sql: str, fn: Callable[[Any], Any], outputs: dict[str, Any]) -> str:
    """Register table ``name``: each distinct value ``v`` of ``values_sql`` (a query of one column) with ``fn(v)``
    in the columns ``outputs`` (name → Arrow type; ``fn`` returns a tuple when there are several). Join it with
    ``ON name.v IS NOT DISTINCT FROM …`` (a missing value is mapped too). Returns ``name``."""
    import pyarrow as pa
    keys = con.sql(f"SELECT DISTINCT v FROM ({values_sql}) AS s(v)").to_arrow_table().column(0)
    results = [fn(v) for v in keys.to_pylist()]
    if len(outputs) == 1:
        results = [(r,) for r in results]
    arrays = [pa.array([r[i] for r in results], type=kind) for i, kind in enumerate(outputs.values())]
    con.register(name, pa.table([keys, *arrays], names=["v", *outputs]))
    return name
