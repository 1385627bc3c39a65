"""Reading the consolidated tabular DECP (CSV or Parquet, 58 columns, from the ``decp-processing`` pipeline).

One row per contract × holder and per modification. A contract is one distinct ``uid`` having a current row
(``donneesActuelles``); its notification date, amount and holders are those of its initial version (lowest
``modification_id``), so that the JSON and tabular formats both count the amount *as notified*; its
qualitative fields of the 2022 format (``marcheInnovant``, ``offresRecues``, social and environmental
considerations) are those of its current version, as last published. Rows equal in every column the figures
read (the descriptive texts — object, buyer's name, CPV code, duration — apart) are exact duplicates: counted,
read once.

The national file has about 1.5 million rows: :func:`load_tabular` has DuckDB read it (only the columns used,
streaming, within :data:`etude.decp.engine.MEMORY_LIMIT`) and build the records table there — duplicate rows,
current contracts, initial version, holders and their SIRENE category (``titulaire_categorie``) counted per
contract, each rule of :mod:`etude.decp.rules` applied once per distinct value (:func:`etude.decp.engine.rule_map`)
— so that no row crosses into Python. Contracts are keyed by a 128-bit fingerprint of their ``uid``. The file is
scanned twice: once into a compact table of keys (fingerprint, holder, category code, modification, current flag,
content hash; no other text), from which the duplicate rows, the contracts and their holders are counted, and once
for the columns of each contract's first row and first current row (1.5 million rows: about 5 s of processor
time and under 1 GB, see ``benchmarks/bench_decp.py``).

Examples
--------
>>> amount_sql("x", "VARCHAR", 1e10)[1][:27]
"CASE WHEN x IS NULL THEN 'm"
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from etude.decp import engine
from etude.decp.records import ReadCounters
from etude.decp.rules import (
    AMOUNT_USABLE,
    HOLDER_CATEGORIES,
    NULL_TEXTS,
    SME_CATEGORIES,
    normalise_nature,
    normalise_procedure,
    parse_amount,
    parse_bids,
    parse_consideration,
    parse_date,
    parse_flag,
)
from etude.errors import InputError, problem

__all__ = ["load_tabular", "part_constants", "amount_sql", "ident_sql", "TABULAR_COLUMNS", "SOURCE_FORMAT"]

#: The 58 columns of the consolidated tabular DECP (decp-processing ``schema_base.json``, v2.12.1), in order.
TABULAR_COLUMNS = [
    "uid", "id", "nature", "acheteur_id", "acheteur_nom", "titulaire_id", "titulaire_typeIdentifiant",
    "titulaire_nom", "objet", "montant", "type", "codeCPV", "procedure", "techniques", "dureeMois",
    "dureeRestanteMois", "offresRecues", "dateNotification", "datePublicationDonnees", "formePrix", "typesPrix",
    "attributionAvance", "tauxAvance", "marcheInnovant", "modalitesExecution", "considerationsSociales",
    "considerationsEnvironnementales", "ccag", "sousTraitanceDeclaree", "typeGroupementOperateurs", "origineUE",
    "origineFrance", "lieuExecution_code", "lieuExecution_typeCode", "idAccordCadre", "titulaire_distance",
    "acheteur_categorie", "acheteur_commune_code", "acheteur_commune_nom", "acheteur_departement_code",
    "acheteur_departement_nom", "acheteur_region_code", "acheteur_region_nom", "acheteur_latitude",
    "acheteur_longitude", "titulaire_categorie", "titulaire_commune_code", "titulaire_commune_nom",
    "titulaire_departement_code", "titulaire_departement_nom", "titulaire_region_code", "titulaire_region_nom",
    "titulaire_latitude", "titulaire_longitude", "modification_id", "donneesActuelles", "sourceDataset",
    "sourceFile",
]
#: ``source_format`` of the records read from a consolidated file.
SOURCE_FORMAT = "DECP tabulaire (consolidé)"
_REQUIRED = ["uid", "acheteur_id", "dateNotification", "montant"]
#: Columns the figures read; equal values in all of them make a row an exact duplicate.
_FIGURES = ["uid", "id", "nature", "acheteur_id", "titulaire_id", "montant", "procedure", "offresRecues",
            "dateNotification", "marcheInnovant", "considerationsSociales", "considerationsEnvironnementales",
            "titulaire_categorie", "lieuExecution_code", "lieuExecution_typeCode", "acheteur_departement_code",
            "acheteur_region_code", "modification_id", "donneesActuelles"]
#: Descriptive columns, read only for the records table of :func:`etude.decp.read_decp`.
_DESCRIPTIVE = ["acheteur_nom", "objet", "codeCPV", "dureeMois"]
_EXPECTED = ("le DECP consolidé tabulaire (colonnes uid, acheteur_id, dateNotification, montant, "
             "donneesActuelles…)")
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
            "FLOAT", "DOUBLE")
_WIDTHS = {"code postal": 5, "code commune": 5, "code departement": 2, "code département": 2, "code region": 2,
           "code région": 2}
_TRUE = ("oui", "true", "vrai", "1", "yes")
_PLAIN = r"\+?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?"
_SPACES = " \t\n\r\u00a0\u202f"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ident_text(s: str) -> str:
    """SQL of :func:`etude.decp.records.ident` on a text expression: spaces removed, null-like texts → NULL (a
    text without a space that is not null-like is already an identifier: the usual case, tested first)."""
    nulls = ", ".join(f"'{t}'" for t in sorted(NULL_TEXTS) if t)
    spaces = " AND ".join(f"strpos({s}, chr({ord(c)})) = 0" for c in _SPACES)
    t = f"translate({s}, '{_SPACES}', '')"
    return (f"CASE WHEN {spaces} AND (length({s}) >= 5 OR (length({s}) > 0 AND lower({s}) NOT IN ({nulls}))) "
            f"THEN {s} WHEN length({t}) = 0 OR (length({t}) < 5 AND lower({t}) IN ({nulls})) THEN NULL ELSE {t} END")


def ident_sql(col: str, kind: str, width: int = 0) -> str:
    """SQL of :func:`etude.decp.records.ident` on column ``col`` of DuckDB type ``kind`` (numbers zero-padded)."""
    if kind in ('"NULL"', "NULL"):
        return "CAST(NULL AS VARCHAR)"
    if kind in _NUMERIC:
        text = f"CAST(TRY_CAST({_quote(col)} AS BIGINT) AS VARCHAR)"
        return f"lpad({text}, {width}, '0')" if width else text
    return _ident_text(f"CAST({_quote(col)} AS VARCHAR)")


def _absurd(x: str, max_amount: float) -> str:
    return (f"CASE WHEN {x} >= {max_amount!r} THEN true WHEN {x} >= 9999999 AND {x} = floor({x}) "
            f"THEN regexp_full_match(printf('%.0f', {x}), '9+') ELSE false END")


def amount_sql(col: str, kind: str, max_amount: float) -> tuple[str, str]:
    """``(value, status)`` of :func:`~etude.decp.rules.parse_amount` in SQL for the numbers and the plain numbers
    written as text (``"30000.00"``), as the rule reads them; NULL status for any other text, which the rule
    itself reads (:func:`load_tabular` joins it by value)."""
    if kind in _NUMERIC:
        x = f"CAST({col} AS DOUBLE)"
        status = (f"CASE WHEN {x} IS NULL OR isnan({x}) THEN 'missing' WHEN NOT isfinite({x}) THEN 'invalid' "
                  f"WHEN {x} < 0 THEN 'negative' WHEN {_absurd(x, max_amount)} THEN 'absurd' ELSE 'ok' END")
        return f"CASE WHEN isfinite({x}) THEN {x} END", status
    text = f"trim(CAST({col} AS VARCHAR))"
    plain, x = f"regexp_full_match({text}, '{_PLAIN}')", f"TRY_CAST({text} AS DOUBLE)"
    status = (f"CASE WHEN {col} IS NULL THEN 'missing' WHEN NOT {plain} THEN NULL WHEN NOT isfinite({x}) "
              f"THEN 'invalid' WHEN {_absurd(x, max_amount)} THEN 'absurd' ELSE 'text' END")
    return f"CASE WHEN {plain} AND isfinite({x}) THEN {x} END", status


def _current_sql(kind: str) -> str:
    if kind == "BOOLEAN":
        return "donneesActuelles"
    if kind in _NUMERIC:
        return "donneesActuelles = 1"
    words = ", ".join(f"'{w}'" for w in _TRUE)
    return f"lower(trim(CAST(donneesActuelles AS VARCHAR))) IN ({words})"


def _place_sql(kind: str) -> str:
    """The place code as text; a number is zero-padded to the width of its code type (postal code: 5)."""
    if kind in ('"NULL"', "NULL"):
        return "CAST(NULL AS VARCHAR)"
    if kind not in _NUMERIC:
        return _ident_text("CAST(lieuExecution_code AS VARCHAR)")
    cases = " ".join(f"WHEN '{t}' THEN {w}" for t, w in _WIDTHS.items())
    width = f"CASE lower(trim(CAST(lieuExecution_typeCode AS VARCHAR))) {cases} ELSE 0 END"
    return _ident_text(f"lpad(CAST(TRY_CAST(lieuExecution_code AS BIGINT) AS VARCHAR), {width}, '0')")


def _src_sql(types: dict[str, str], *, full: bool, max_amount: float) -> str:
    """The view ``src``: each row's cleaned columns, its raw ones for the rules, and its content's hash."""
    def t(col: str) -> str:
        return types.get(col, '"NULL"')

    def raw(col: str) -> str:
        return _quote(col) if col in types else "CAST(NULL AS VARCHAR)"
    cats = ", ".join(f"'{c}'" for c in HOLDER_CATEGORIES)
    cat = f"upper(trim(CAST({raw('titulaire_categorie')} AS VARCHAR)))"
    value, status = amount_sql(raw("montant"), t("montant"), max_amount)
    parts = [
        "file_row_number AS rn", f"{ident_sql('uid', t('uid'))} AS uid", f"{ident_sql('id', t('id'))} AS id",
        f"{ident_sql('titulaire_id', t('titulaire_id'), 14)} AS h", f"{raw('titulaire_id')} IS NOT NULL AS listed",
        f"CASE WHEN {cat} IN ({cats}) THEN {cat} END AS cat",
        f"coalesce(TRY_CAST({raw('modification_id')} AS DOUBLE), 0) AS mod",
        f"{_current_sql(t('donneesActuelles'))} AS cur" if "donneesActuelles" in types else "NULL::BOOLEAN AS cur",
        f"{ident_sql('acheteur_id', t('acheteur_id'), 14)} AS buyer_id",
        f"{_place_sql(t('lieuExecution_code'))} AS place_code",
        f"CAST({raw('lieuExecution_typeCode')} AS VARCHAR) AS place_type",
        f"{ident_sql('acheteur_region_code', t('acheteur_region_code'), 2)} AS buyer_region_code",
        f"{ident_sql('acheteur_departement_code', t('acheteur_departement_code'), 2)} AS buyer_departement",
        f"{value} AS amount_fast", f"{status} AS amount_status_fast", f"{raw('montant')} AS montant",
        *(f"{raw(c)} AS {_quote(c)}" for c in ("nature", "procedure", "dateNotification", "marcheInnovant",
                                               "offresRecues", "considerationsSociales",
                                               "considerationsEnvironnementales")),
        "hash(" + ", ".join(_quote(c) for c in _FIGURES if c in types) + ") AS rowhash"]
    if full:
        parts += [f"CAST({raw('acheteur_nom')} AS VARCHAR) AS buyer_name", f"CAST({raw('objet')} AS VARCHAR) AS object",
                  f"{ident_sql('codeCPV', t('codeCPV'))} AS cpv", f"{raw('dureeMois')} AS dureeMois"]
    return ", ".join(parts)


def _fingerprint(x: str) -> str:
    return f"CASE WHEN {x} IS NOT NULL THEN (hash({x})::UHUGEINT << 64 | hash({x}, 'etude')::UHUGEINT) END"


#: Holder categories as small numbers in the order of their names, so that ``max`` picks the same one.
_CATEGORY_CODES = {c: i for i, c in enumerate(sorted(HOLDER_CATEGORIES), 1)}


def _category_cases() -> str:
    """SQL ``CASE`` branches turning a category's name into its code."""
    return " ".join(f"WHEN '{c}' THEN {i}" for c, i in _CATEGORY_CODES.items())


#: One compact row per file row (its keys and the holder fields, no other text): the rows are scanned once here,
#: and once more for the columns of the records (:func:`_records_sql`).
_ROWS_SQL = f"""
CREATE OR REPLACE TEMP TABLE keyed AS
SELECT rn, {_fingerprint('uid')} AS uk, h, listed, CAST(CASE cat {_category_cases()} END AS UTINYINT) AS cat, mod,
       coalesce({{current}}, false) AS cur, rowhash FROM src
"""
#: Rows equal in every column the figures read are one version (uid, holder, modification and content): the
#: duplicate rows are the others.
_VERSIONS_SQL = "SELECT count(*) FROM (SELECT DISTINCT uk, h, mod, rowhash FROM keyed)"
#: Per contract: its initial version ``m0``, the first row of it ``frn``, its first current row ``lrn``.
_CONTRACTS_SQL = """
CREATE OR REPLACE TEMP TABLE contracts AS
SELECT uk, min(mod) AS m0, min({'m': mod, 'r': rn}).r AS frn, min(rn) FILTER (WHERE cur) AS lrn
FROM keyed WHERE uk IS NOT NULL GROUP BY uk
"""
#: Per contract, the holder rows of its initial version (full reading only: no figure reads it), duplicates once.
_LISTED_SQL = """
CREATE OR REPLACE TEMP TABLE listed AS
SELECT uk, count(*) AS n_listed FROM (SELECT DISTINCT k.uk, k.h, k.rowhash FROM keyed k
                                      JOIN contracts c ON k.uk = c.uk AND k.mod = c.m0 WHERE k.listed)
GROUP BY uk
"""
_HOLDERS_SQL = """
CREATE OR REPLACE TEMP TABLE holders AS
WITH one AS (SELECT k.uk, k.h, min(k.rn) AS hrn, max(k.cat) AS cat
             FROM keyed k JOIN contracts c ON k.uk = c.uk AND k.mod = c.m0
             WHERE k.h IS NOT NULL AND c.lrn IS NOT NULL GROUP BY k.uk, k.h),
     n AS (SELECT uk, count(*) AS n, count(*) FILTER (WHERE cat IN {sme}) AS n_sme, count(cat) AS n_cat,
                  min(h) AS only FROM one GROUP BY uk),
     several AS (SELECT uk, string_agg(h, ';' ORDER BY hrn) AS joined FROM one
                 WHERE uk IN (SELECT uk FROM n WHERE n > 1) GROUP BY uk)
SELECT n.uk, n.n, n.n_sme, n.n_cat, coalesce(several.joined, n.only) AS holder_ids FROM n LEFT JOIN several USING (uk)
"""


def _amount_rule(max_amount: float):
    def read(v):
        x, status = parse_amount(v, max_amount=max_amount)
        return (x if x == x and abs(x) != float("inf") else None), status
    return read


def _rule_maps(con, prefix: str, *, today: dt.date, max_amount: float, full: bool) -> None:
    """The rules' tables of one file, ``<prefix>_date`` …, each over the distinct values of its column."""
    import pyarrow as pa
    text, flag = pa.string(), pa.bool_()
    engine.rule_map(con, f"{prefix}_date", "SELECT dateNotification FROM src", lambda v: parse_date(v, today=today),
                    {"day": pa.date32(), "status": text})
    engine.rule_map(con, f"{prefix}_amount",
                    "SELECT CAST(montant AS VARCHAR) FROM src WHERE amount_status_fast IS NULL",
                    _amount_rule(max_amount), {"value": pa.float64(), "status": text})
    engine.rule_map(con, f"{prefix}_nature", "SELECT nature FROM src", normalise_nature, {"label": text})
    engine.rule_map(con, f"{prefix}_procedure", "SELECT procedure FROM src", normalise_procedure, {"label": text})
    engine.rule_map(con, f"{prefix}_innov", "SELECT marcheInnovant FROM src", parse_flag, {"flag": flag})
    engine.rule_map(con, f"{prefix}_bids", "SELECT offresRecues FROM src", parse_bids, {"bids": pa.int32()})
    for col, key in (("considerationsSociales", "social"), ("considerationsEnvironnementales", "env")):
        engine.rule_map(con, f"{prefix}_{key}", f"SELECT {col} FROM src", parse_consideration, {"flag": flag})
    if full:
        def months(v):
            x, status = parse_amount(v)
            return x if status in AMOUNT_USABLE else None
        engine.rule_map(con, f"{prefix}_months", "SELECT dureeMois FROM src", months, {"months": pa.float64()})


def _records_sql(table: str, *, full: bool, text_amounts: bool) -> str:
    """The records of one file (columns of :data:`etude.decp.engine.SQL_TYPES` but the file's name and format,
    and the record's number: ``rn`` + 1, its first row in the file), from the contracts, their first and latest
    rows and the rules' tables. Without ``full``, only the columns the figures read; ``text_amounts``: the amounts
    are texts, some of which the rule reads itself (by value)."""
    fast = "f.amount_status_fast"
    status = f"coalesce({fast}, ma.status)"
    cols = {
        "rn": "c.frn", "uid": "f.uid", "id": "f.id", "buyer_id": "f.buyer_id", "nature_raw": "f.nature",
        "nature": "mn.label", "procedure_raw": "f.procedure", "procedure": "mp.label", "place_code": "f.place_code",
        "place_type": "f.place_type", "year": "year(md.day)", "date_status": "md.status",
        "date_raw": "CASE WHEN md.status <> 'ok' THEN CAST(f.dateNotification AS VARCHAR) END",
        "amount_eur": f"CASE WHEN {fast} IS NOT NULL THEN f.amount_fast ELSE ma.value END",
        "amount_status": status,
        "amount_raw": f"CASE WHEN {status} NOT IN ('ok', 'text') THEN CAST(f.montant AS VARCHAR) END",
        "holder_ids": "h.holder_ids", "marche_innovant": "mi.flag", "buyer_region_code": "f.buyer_region_code",
        "buyer_departement": "f.buyer_departement", "n_holders": "coalesce(h.n, 0)",
        "n_holders_sme": "coalesce(h.n_sme, 0)", "n_holders_categorised": "coalesce(h.n_cat, 0)", "bids": "mb.bids",
        "social": "ms.flag", "environmental": "me.flag",
    }
    joins = [("date", "md", "f.dateNotification"), ("nature", "mn", "f.nature"), ("procedure", "mp", "f.procedure"),
             ("innov", "mi", "l.marcheInnovant"), ("bids", "mb", "l.offresRecues"),
             ("social", "ms", "l.considerationsSociales"), ("env", "me", "l.considerationsEnvironnementales")]
    if text_amounts:
        joins.append(("amount", "ma", "CASE WHEN f.amount_status_fast IS NULL THEN CAST(f.montant AS VARCHAR) END"))
    else:
        cols.update(amount_eur="f.amount_fast", amount_status=fast)
        cols["amount_raw"] = f"CASE WHEN {fast} NOT IN ('ok', 'text') THEN CAST(f.montant AS VARCHAR) END"
    if full:
        cols.update(buyer_name="f.buyer_name", object="f.object", cpv="f.cpv", duration_months="mu.months",
                    notification_date="md.day", n_holders_listed="coalesce(nl.n_listed, 0)")
        joins.append(("months", "mu", "f.dureeMois"))
    select = ", ".join(f"CAST({expr} AS {engine.SQL_TYPES[c]}) AS {c}" for c, expr in cols.items())
    on = " ".join(f"LEFT JOIN {table}_{m} {a} ON {a}.v IS NOT DISTINCT FROM {col}" for m, a, col in joins)
    listed = "LEFT JOIN listed nl ON nl.uk = c.uk " if full else ""
    return (f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {select} FROM contracts c "
            f"JOIN src f ON f.rn = c.frn JOIN src l ON l.rn = c.lrn LEFT JOIN holders h ON h.uk = c.uk {listed}{on} "
            "WHERE c.lrn IS NOT NULL")


def part_constants(name: str) -> dict[str, str]:
    """The columns a file's records table does not store, as SQL: its name, its format, the record's number."""
    return {"source_file": engine.sql_list([name])[1:-1], "source_format": f"'{SOURCE_FORMAT}'",
            "record_no": "rn + 1"}


def _columns(con, source: str) -> dict[str, str]:
    """Column name → DuckDB type of the file."""
    return {name: kind for name, kind, *_ in con.sql(f"DESCRIBE SELECT * FROM {source}").fetchall()}


def _check_columns(name: str, types: dict[str, str], kind: str) -> None:
    missing = [c for c in _REQUIRED if c not in types]
    if missing:
        what = "CSV sans les colonnes du DECP consolidé" if kind == "csv" else "colonnes absentes"
        raise InputError(problem(name, message=f"{what} ({', '.join(missing)} absentes)" if kind == "csv"
                                 else f"{what} : {', '.join(missing)}", expected=_EXPECTED))


def _separator(path: Path) -> str:
    with open(path, "rb") as fh:
        first = fh.read(65536).decode("utf-8-sig", errors="replace").splitlines()
    head = first[0] if first else ""
    return ";" if head.count(";") > head.count(",") else ","


def _source(con, path: Path, kind: str, *, full: bool) -> str:
    """The rows of the file, numbered (``file_row_number``): Parquet is scanned where it lies; a CSV is parsed once
    into a temporary table of the columns used."""
    p = str(path).replace("'", "''")
    if kind == "parquet":
        return f"read_parquet('{p}', file_row_number = true)"
    reader = (f"read_csv('{p}', delim='{_separator(path)}', header=true, all_varchar=true, quote='\"', escape='\"', "
              "encoding='utf-8', null_padding=true, strict_mode=false)")
    wanted = _FIGURES + (_DESCRIPTIVE if full else [])
    cols = "".join(f", {_quote(c)}" for c in _columns(con, reader) if c in wanted)
    con.sql(f"CREATE OR REPLACE TEMP TABLE csv_rows AS SELECT row_number() OVER () - 1 AS file_row_number{cols} "
            f"FROM {reader}")
    return "csv_rows"


def _count(con, query: str) -> int:
    return int(con.sql(query).fetchall()[0][0])


def _category_list(categories) -> str:
    """The codes of ``categories`` in the table ``keyed``, as an SQL list."""
    return "(" + ", ".join(str(_CATEGORY_CODES[c]) for c in categories) + ")"


def _contracts(con, types: dict[str, str], counters: ReadCounters, *, full: bool) -> None:
    """Tables ``contracts`` (one row per uid: first row of its initial version, first current row), ``holders``
    (their holders in the initial version) and, with ``full``, ``listed`` (their holder rows), counting duplicate
    rows and contracts without current row."""
    current = "cur" if "donneesActuelles" in types and _count(con, "SELECT count(cur) FROM src") else "true"
    con.sql(_ROWS_SQL.format(current=current))
    counters.tabular_duplicate_rows += _count(con, "SELECT count(*) FROM keyed") - _count(con, _VERSIONS_SQL)
    con.sql(_CONTRACTS_SQL)
    counters.tabular_no_current += _count(con, "SELECT count(*) FROM contracts WHERE lrn IS NULL")
    con.sql(_HOLDERS_SQL.format(sme=_category_list(SME_CATEGORIES)))
    if full:
        con.sql(_LISTED_SQL)
    con.sql("DROP TABLE keyed")


def load_tabular(con, path: Path, kind: str, counters: ReadCounters, *, table: str, today: dt.date,
                 max_amount: float, full: bool = False) -> int:
    """Create ``table`` in ``con``: the records of a tabular DECP file (``kind`` ``csv`` or ``parquet``), one per
    contract; returns their number. With ``full``, the descriptive columns too (object, buyer's name, CPV code,
    duration), which no figure reads. An unreadable file is an :class:`InputError`."""
    name = path.name
    try:
        source = _source(con, path, kind, full=full)
        types = _columns(con, source)
        _check_columns(name, types, kind)
        con.sql(f"CREATE OR REPLACE TEMP VIEW src AS SELECT {_src_sql(types, full=full, max_amount=max_amount)} "
                f"FROM {source}")
        _contracts(con, types, counters, full=full)
        _rule_maps(con, table, today=today, max_amount=max_amount, full=full)
        con.sql(_records_sql(table, full=full, text_amounts=types.get("montant") not in _NUMERIC))
        con.sql("DROP TABLE contracts; DROP TABLE holders; DROP TABLE IF EXISTS listed; DROP VIEW src; "
                "DROP TABLE IF EXISTS csv_rows")
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad input file
        raise InputError(problem(name, message=f"fichier {kind.upper()} illisible ({type(exc).__name__})",
                                 expected="le DECP consolidé tabulaire en CSV ou Parquet")) from None
    return _count(con, f"SELECT count(*) FROM {table}")
