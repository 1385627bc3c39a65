"""Reading the consolidated tabular DECP (CSV or Parquet, 58 columns, from the ``decp-processing`` pipeline).

One row per contract × holder and per modification. A contract is one distinct ``uid`` having a current row
(``donneesActuelles``); its notification date, amount and holders are those of its initial version (lowest
``modification_id``), so that the JSON and tabular formats both count the amount *as notified*; its
qualitative fields of the 2022 format (``marcheInnovant``, ``offresRecues``, social and environmental
considerations) are those of its current version, as last published.

The national file has about 1.5 million rows: DuckDB reads it (only the columns used, streaming, on every
core) and does the grouping in SQL — exact duplicate rows, current contracts, initial version, holders and
their SIRENE category (``titulaire_categorie``) counted per contract —, so that Python sees one row per
contract. The cleaning rules of :mod:`etude.decp.rules` stay the single source of truth: they are applied
afterwards, once per distinct value (:func:`etude.decp.records.finish_records`).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from etude.decp.records import ReadCounters
from etude.decp.rules import HOLDER_CATEGORIES, NULL_TEXTS, SME_CATEGORIES
from etude.errors import InputError, problem

__all__ = ["read_tabular", "TABULAR_COLUMNS"]

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
_TABULAR_REQUIRED = ["uid", "acheteur_id", "dateNotification", "montant"]
_TABULAR_USED = ["uid", "id", "nature", "acheteur_id", "acheteur_nom", "titulaire_id", "titulaire_typeIdentifiant",
                 "objet", "montant", "codeCPV", "procedure", "dureeMois", "dateNotification", "marcheInnovant",
                 "offresRecues", "considerationsSociales", "considerationsEnvironnementales", "titulaire_categorie",
                 "lieuExecution_code", "lieuExecution_typeCode", "acheteur_departement_code", "acheteur_region_code",
                 "modification_id", "donneesActuelles"]
_EXPECTED = ("le DECP consolidé tabulaire (colonnes uid, acheteur_id, dateNotification, montant, "
             "donneesActuelles…)")
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
            "FLOAT", "DOUBLE")
_WIDTHS = {"code postal": 5, "code commune": 5, "code departement": 2, "code département": 2, "code region": 2,
           "code région": 2}
_TRUE = ("oui", "true", "vrai", "1", "yes")
#: Memory DuckDB may use while reading (it spills to a temporary folder beyond).
MEMORY_LIMIT = "1GB"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ident_sql(col: str, kind: str, width: int = 0) -> str:
    """SQL of :func:`etude.decp.records.ident` on column ``col`` of DuckDB type ``kind``."""
    c = _quote(col)
    if kind == '"NULL"' or kind == "NULL":
        return "CAST(NULL AS VARCHAR)"
    if kind in _NUMERIC:
        text = f"CAST(TRY_CAST({c} AS BIGINT) AS VARCHAR)"
        return f"lpad({text}, {width}, '0')" if width else text
    nulls = ", ".join(f"'{t}'" for t in sorted(NULL_TEXTS) if t)
    s = f"translate(CAST({c} AS VARCHAR), ' \t\n\r\u00a0\u202f', '')"
    return f"CASE WHEN length({s}) = 0 OR (length({s}) < 5 AND lower({s}) IN ({nulls})) THEN NULL ELSE {s} END"


def _text_sql(col: str, kind: str) -> str:
    if kind in ('"NULL"', "NULL"):
        return "CAST(NULL AS VARCHAR)"
    return f"CAST({_quote(col)} AS VARCHAR)"


def _place_sql(kind: str) -> str:
    """The place code as text; a number is zero-padded to the width of its code type (postal code: 5)."""
    if kind not in _NUMERIC:
        return _text_sql("lieuExecution_code", kind)
    cases = " ".join(f"WHEN '{t}' THEN {w}" for t, w in _WIDTHS.items())
    width = f"CASE lower(trim(CAST(lieuExecution_typeCode AS VARCHAR))) {cases} ELSE 0 END"
    return f"lpad(CAST(TRY_CAST(lieuExecution_code AS BIGINT) AS VARCHAR), {width}, '0')"


def _current_sql(kind: str) -> str:
    if kind == "BOOLEAN":
        return "donneesActuelles"
    if kind in _NUMERIC:
        return "donneesActuelles = 1"
    words = ", ".join(f"'{w}'" for w in _TRUE)
    return f"lower(trim(CAST(donneesActuelles AS VARCHAR))) IN ({words})"


def _source_sql(path: Path, kind: str, sep: str) -> str:
    p = str(path).replace("'", "''")
    if kind == "parquet":
        return f"read_parquet('{p}')"
    return (f"read_csv('{p}', delim='{sep}', header=true, all_varchar=true, quote='\"', escape='\"', "
            "encoding='utf-8', null_padding=true, strict_mode=false)")


def _columns(con, source: str) -> dict[str, str]:
    """Column name → DuckDB type of the file."""
    return {name: kind for name, kind, *_ in con.sql(f"DESCRIBE SELECT * FROM {source}").fetchall()}


def _select_sql(types: dict[str, str]) -> str:
    """The cleaned columns of one row (identifiers as :func:`~etude.decp.records.ident` reads them)."""
    def t(col: str) -> str:
        return types.get(col, "NULL")
    cats = ", ".join(f"'{c}'" for c in HOLDER_CATEGORIES)
    cat = f"CASE WHEN upper(trim(CAST(titulaire_categorie AS VARCHAR))) IN ({cats}) " \
          "THEN upper(trim(CAST(titulaire_categorie AS VARCHAR))) END" if "titulaire_categorie" in types \
        else "CAST(NULL AS VARCHAR)"
    parts = [f"{_ident_sql('uid', t('uid'))} AS uid", f"{_ident_sql('id', t('id'))} AS id",
             f"{_ident_sql('titulaire_id', t('titulaire_id'), 14)} AS h",
             f"{_text_sql('titulaire_id', t('titulaire_id'))} AS h_raw", f"{cat} AS cat",
             "coalesce(TRY_CAST(modification_id AS DOUBLE), 0) AS mod" if "modification_id" in types
             else "0 AS mod",
             f"{_current_sql(t('donneesActuelles'))} AS cur" if "donneesActuelles" in types else "NULL AS cur",
             f"{_place_sql(t('lieuExecution_code'))} AS place_code" if "lieuExecution_code" in types
             else "CAST(NULL AS VARCHAR) AS place_code"]
    plain = ["nature", "acheteur_id", "acheteur_nom", "objet", "montant", "codeCPV", "procedure", "dureeMois",
             "dateNotification", "marcheInnovant", "offresRecues", "considerationsSociales",
             "considerationsEnvironnementales", "lieuExecution_typeCode", "acheteur_departement_code",
             "acheteur_region_code"]
    parts += [f"{_quote(c)} AS {_quote(c)}" if c in types else f"NULL AS {_quote(c)}" for c in plain]
    return ", ".join(parts)


_NARROW_SQL = """
CREATE TEMP TABLE narrow AS SELECT rn, uid, h, h_raw, cat, mod, {current} AS current FROM rows
QUALIFY row_number() OVER (PARTITION BY uid, h_raw, mod, rowhash ORDER BY rn) = 1
"""
_CONTRACTS_SQL = """
WITH k AS MATERIALIZED (SELECT * FROM narrow
                        WHERE uid IN (SELECT uid FROM narrow WHERE current AND uid IS NOT NULL)),
     init AS MATERIALIZED (SELECT * FROM k QUALIFY mod = min(mod) OVER (PARTITION BY uid)),
     first AS (SELECT uid, min(rn) AS rn, count(h_raw) AS n_holders_listed FROM init GROUP BY uid),
     latest AS (SELECT uid, min(rn) AS lrn FROM k WHERE current GROUP BY uid),
     hold AS MATERIALIZED (SELECT uid, h, min(rn) AS hrn, max(cat) AS cat FROM init WHERE h IS NOT NULL
                           GROUP BY uid, h),
     counts AS (SELECT uid, count(*) AS n, min(h) AS one, count(*) FILTER (WHERE cat IN ({sme})) AS n_holders_sme,
                       count(cat) AS n_holders_categorised FROM hold GROUP BY uid),
     several AS (SELECT uid, string_agg(h, ';' ORDER BY hrn) AS joined FROM hold
                 WHERE uid IN (SELECT uid FROM counts WHERE n > 1) GROUP BY uid)
SELECT r.id, r.acheteur_id AS buyer_id, r.acheteur_nom AS buyer_name, r.nature AS nature_raw,
       r.objet AS object, r.codeCPV AS cpv, r.procedure AS procedure_raw, r.place_code,
       r.lieuExecution_typeCode AS place_type, r.dureeMois AS duration_raw,
       r.dateNotification AS date_raw, r.montant AS amount_raw, coalesce(several.joined, counts.one) AS holder_ids,
       first.n_holders_listed, l.marcheInnovant AS innov_raw,
       l.offresRecues AS bids_raw, l.considerationsSociales AS social_raw,
       l.considerationsEnvironnementales AS env_raw, coalesce(counts.n_holders_sme, 0) AS n_holders_sme,
       coalesce(counts.n_holders_categorised, 0) AS n_holders_categorised, first.uid,
       r.acheteur_region_code AS buyer_region_code, r.acheteur_departement_code AS buyer_departement, first.rn
FROM first JOIN rows r ON r.rn = first.rn LEFT JOIN counts ON counts.uid = first.uid
     LEFT JOIN several ON several.uid = first.uid
     LEFT JOIN latest ON latest.uid = first.uid LEFT JOIN rows l ON l.rn = latest.lrn
"""


def _check_columns(name: str, types: dict[str, str], kind: str) -> None:
    missing = [c for c in _TABULAR_REQUIRED if c not in types]
    if missing:
        what = "CSV sans les colonnes du DECP consolidé" if kind == "csv" else "colonnes absentes"
        raise InputError(problem(name, message=f"{what} ({', '.join(missing)} absentes)" if kind == "csv"
                                 else f"{what} : {', '.join(missing)}", expected=_EXPECTED))


def _separator(path: Path) -> str:
    with open(path, "rb") as fh:
        first = fh.read(65536).decode("utf-8-sig", errors="replace").splitlines()
    head = first[0] if first else ""
    return ";" if head.count(";") > head.count(",") else ","


def _contracts(con, source: str, name: str, kind: str, counters: ReadCounters) -> pd.DataFrame:
    """One row per contract, in the order of each contract's first row (SQL above)."""
    types = _columns(con, source)
    _check_columns(name, types, kind)
    raw = ", ".join(_quote(c) for c in types if c in _TABULAR_USED)
    con.sql(f"CREATE TEMP TABLE rows AS SELECT {_select_sql(types)}, row_number() OVER () AS rn, "
                f"hash({raw}) AS rowhash FROM {source}")
    n_rows = con.sql("SELECT count(*) FROM rows").fetchall()[0][0]
    has_current = "donneesActuelles" in types and con.sql("SELECT count(cur) FROM rows").fetchall()[0][0] > 0
    con.sql(_NARROW_SQL.format(current="coalesce(cur, false)" if has_current else "true"))
    counters.tabular_duplicate_rows += n_rows - con.sql("SELECT count(*) FROM narrow").fetchall()[0][0]
    counters.tabular_no_current += con.sql(
        "SELECT count(DISTINCT uid) FROM narrow WHERE uid NOT IN (SELECT uid FROM narrow WHERE current "
        "AND uid IS NOT NULL)").fetchall()[0][0]
    sme = ", ".join(f"'{c}'" for c in SME_CATEGORIES)
    table = con.sql(_CONTRACTS_SQL.format(sme=sme)).to_arrow_table()
    table = table.take(table["rn"].to_numpy().argsort(kind="stable")).drop_columns(["rn"])  # first-row order
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get)


def read_tabular(path: Path, kind: str, counters: ReadCounters) -> pd.DataFrame:
    """The raw columns of a tabular DECP file (``kind`` ``csv`` or ``parquet``), one row per contract.

    Read with DuckDB (:data:`MEMORY_LIMIT`, every core); an unreadable file is an :class:`InputError`.
    """
    import duckdb
    name = path.name
    sep = _separator(path) if kind == "csv" else ","
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "preserve_insertion_order": True})
    try:  # no progress bar on the terminal; in a notebook DuckDB would need ipywidgets even to turn it off
        con.sql("SET enable_progress_bar = false")
    except duckdb.Error:
        pass
    try:
        df = _contracts(con, _source_sql(path, kind, sep), name, kind, counters)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad input file
        raise InputError(problem(name, message=f"fichier {kind.upper()} illisible ({type(exc).__name__})",
                                 expected="le DECP consolidé tabulaire en CSV ou Parquet")) from None
    finally:
        con.close()
    df.insert(0, "record_no", range(1, len(df) + 1))
    df["source_format"] = "DECP tabulaire (consolidé)"
    df["source_file"] = name
    return df
