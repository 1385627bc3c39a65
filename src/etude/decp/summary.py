"""What the DECP rules did, as tables ``rule, n_records, detail``: a rule's code, the records it touched, and the
facts its sentence says (a dict: examples, harmonised labels, reasons…), never a sentence.

Every rule is counted, never applied silently: :func:`read_summary` says what reading dropped, harmonised or
kept; :func:`quality_summary` counts the date and amount rules (call it again after the regional filter). Both
count in SQL, on a records DataFrame or a :class:`~etude.decp.engine.Records` table alike.
:func:`etude.publish.present.decp.summary_table` puts a summary into words (French or English),
:func:`etude.publish.present.decp.format_summary` into text lines.

Examples
--------
>>> t = read_summary(pd.DataFrame(columns=["id", "uid", "nature", "nature_raw", "procedure", "procedure_raw"]),
...                  [("f.json", "DECP 2017", 0, 0)], ReadCounters())
>>> t["rule"].iloc[0], int(t["n_records"].iloc[0]), t["detail"].iloc[0]
('read', 0, {'file': 'f.json', 'format': 'DECP 2017', 'duplicate_rows': 0})
"""
from __future__ import annotations

import pandas as pd

from etude.decp import engine
from etude.decp.engine import Records
from etude.decp.records import ReadCounters
from etude.decp.rules import AMOUNT_USABLE, DATE_USABLE, MAX_AMOUNT, MIN_YEAR, PROCEDURES

__all__ = ["read_summary", "quality_summary", "SUMMARY_COLUMNS", "QUALITY_RULES", "EXAMPLES"]

#: Columns of every summary table: the rule's code, the records it touched, the facts its sentence says.
SUMMARY_COLUMNS = ["rule", "n_records", "detail"]
#: Most examples a rule's facts carry.
EXAMPLES = 3
#: The date and amount rules of :func:`quality_summary`: code → (status column, status, raw column shown).
QUALITY_RULES = {
    "date_missing": ("date_status", "missing", None), "date_invalid": ("date_status", "invalid", "date_raw"),
    "date_out_of_range": ("date_status", "out_of_range", "date_raw"),
    "date_reformatted": ("date_status", "reformatted", "date_raw"),
    "amount_missing": ("amount_status", "missing", None), "amount_invalid": ("amount_status", "invalid", "amount_raw"),
    "amount_negative": ("amount_status", "negative", "amount_raw"),
    "amount_absurd": ("amount_status", "absurd", "amount_raw"),
    "amount_text_fr": ("amount_status", "text_fr", "amount_raw"), "amount_text": ("amount_status", "text", None),
}


def _examples(t: Records, where: str, column: str, k: int = EXAMPLES) -> list[tuple]:
    """``(id, file, record number, raw value)`` of the first ``k`` records where ``where`` holds."""
    return [tuple(r) for r in t.sql(f"SELECT id, source_file, record_no, CAST({column} AS VARCHAR) FROM {{t}} "
                                    f"WHERE {where} ORDER BY rn LIMIT {k}").fetchall()]


def _labels(t: Records, raw: str, col: str) -> tuple:
    """The line of one harmonised label: records changed, the five most frequent changes ``(raw, label, n)``."""
    pairs = t.sql(f"SELECT {raw}, {col}, count(*) AS n FROM {{t}} WHERE {raw} IS NOT NULL AND {col} IS NOT NULL "
                  f"AND {raw} <> {col} GROUP BY ALL ORDER BY n DESC, min(rn)").fetchall()
    return f"{col}_harmonised", sum(n for *_, n in pairs), {"pairs": [tuple(p) for p in pairs[:5]]}


def _counter_rows(reads: list, counters: ReadCounters) -> list[tuple]:
    rows = [("read", n, {"file": name, "format": form, "duplicate_rows": dup_rows})
            for name, form, n, dup_rows in reads]
    rows += [("concessions", counters.concessions, {}), ("unreadable", counters.unreadable, {}),
             ("coerced", counters.coerced, {}),
             ("duplicates", counters.duplicates, {"examples": list(counters.duplicate_examples)})]
    if counters.tabular_no_current:
        rows.append(("no_current", counters.tabular_no_current, {}))
    return rows


def read_summary(records: pd.DataFrame | Records, reads: list, counters: ReadCounters) -> pd.DataFrame:
    """The reading rules' lines: one per file read (``reads``: name, format, records, duplicate rows), then
    concessions, unreadable and coerced records, duplicates, lots, empty ids, harmonised and unknown labels."""
    rows = _counter_rows(reads, counters)
    with engine.as_records(records) as t:
        n_shared, n_shared_ids, n_empty = t.sql(
            "SELECT coalesce(sum(n) FILTER (WHERE has_id AND n > 1), 0), count(*) FILTER (WHERE has_id AND n > 1), "
            "coalesce(sum(n) FILTER (WHERE NOT has_id), 0) "
            "FROM (SELECT uid, id IS NOT NULL AS has_id, count(*) AS n FROM {t} GROUP BY ALL)").fetchall()[0]
        rows += [("lots", int(n_shared), {"ids": int(n_shared_ids)}), ("empty_id", int(n_empty), {}),
                 _labels(t, "nature_raw", "nature"), _labels(t, "procedure_raw", "procedure")]
        top = t.sql(f"SELECT procedure, count(*) AS n FROM {{t}} WHERE procedure IS NOT NULL AND procedure NOT IN "
                    f"{engine.sql_list(PROCEDURES)} GROUP BY ALL ORDER BY n DESC, min(rn)").fetchall()
    rows.append(("procedure_unknown", sum(n for _, n in top), {"labels": [tuple(p) for p in top[:5]]}))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def quality_summary(records: pd.DataFrame | Records) -> pd.DataFrame:
    """Counts of the date and amount rules on ``records`` (what the yearly figures leave out or flag), with the
    first :data:`EXAMPLES` records of each (``examples``: id, file, record number, raw value).

    Call it again after :func:`filter_region` to count the exclusions within the region.

    >>> rec = pd.DataFrame({"id": ["A", "B"], "source_file": "f.json", "record_no": [1, 2],
    ...                     "date_status": ["ok", "invalid"], "date_raw": [None, "2019-02-30"],
    ...                     "amount_status": ["ok", "ok"], "amount_eur": [5.0, 0.0], "amount_raw": None,
    ...                     "holder_ids": ["X", None]})
    >>> quality_summary(rec).set_index("rule").loc["date_invalid", "detail"]
    {'examples': [('B', 'f.json', 2, '2019-02-30')]}
    """
    counts = ", ".join(f"count(*) FILTER (WHERE {col} = '{status}')" for col, status, _ in QUALITY_RULES.values())
    with engine.as_records(records) as t:
        n = t.sql(f"SELECT {counts}, count(*) FILTER (WHERE amount_eur = 0 AND amount_status IN "
                  f"{engine.sql_list(AMOUNT_USABLE)}), count(*) FILTER (WHERE holder_ids IS NULL), "
                  f"count(*) FILTER (WHERE date_status IN {engine.sql_list(DATE_USABLE)}) FROM {{t}}").fetchall()[0]
        rows = []
        for (code, (col, status, raw)), k in zip(QUALITY_RULES.items(), n):
            facts = {"examples": _examples(t, f"{col} = '{status}'", raw)} if raw and k else {}
            rows.append((code, int(k), facts))
    facts = {code: f for code, _, f in rows}
    facts["date_out_of_range"]["min_year"] = MIN_YEAR
    facts["amount_absurd"]["max_amount"] = MAX_AMOUNT
    rows += [("amount_zero", int(n[-3]), {}), ("holder_missing", int(n[-2]), {}), ("dated", int(n[-1]), {})]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
