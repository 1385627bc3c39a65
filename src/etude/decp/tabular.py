"""Reading the consolidated tabular DECP (CSV or Parquet, 58 columns, from the ``decp-processing`` pipeline).

One row per contract × holder and per modification. A contract is one distinct ``uid`` having a current row
(``donneesActuelles``); its notification date, amount and holders are those of its initial version (lowest
``modification_id``), so that the JSON and tabular formats both count the amount *as notified*.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from etude.decp.records import ReadCounters, ident, place_code
from etude.decp.rules import parse_flag
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
                 "lieuExecution_code", "lieuExecution_typeCode", "acheteur_departement_code", "acheteur_region_code",
                 "modification_id", "donneesActuelles"]


def _truthy(s: pd.Series) -> pd.Series:
    if s.dtype == bool:
        return s
    return s.map(lambda v: parse_flag(v) is True if not (isinstance(v, float) and math.isnan(v)) else False) \
        .astype(bool)


def _tabular_frame(df: pd.DataFrame, name: str, counters: ReadCounters) -> pd.DataFrame:
    missing = [c for c in _TABULAR_REQUIRED if c not in df.columns]
    if missing:
        raise InputError(problem(name, message=f"colonnes absentes : {', '.join(missing)}",
                                 expected="le DECP consolidé tabulaire (colonnes uid, acheteur_id, dateNotification, "
                                          "montant, donneesActuelles…)"))
    for col in _TABULAR_USED:
        if col not in df.columns:
            df[col] = None
    n = len(df)
    df = df.drop_duplicates()
    counters.tabular_duplicate_rows += n - len(df)
    uid = df["uid"].map(ident)
    df = df.assign(uid=uid)
    current = _truthy(df["donneesActuelles"]) if df["donneesActuelles"].notna().any() else pd.Series(True, df.index)
    current_uids = set(df.loc[current, "uid"].dropna())
    keep = df["uid"].isin(current_uids)
    counters.tabular_no_current += int(df.loc[~keep, "uid"].nunique())
    df = df[keep]
    mod = pd.to_numeric(df["modification_id"], errors="coerce").fillna(0)
    initial = df[mod == mod.groupby(df["uid"]).transform("min")]
    first = initial.drop_duplicates("uid")
    holders = (initial.assign(h=initial["titulaire_id"].map(lambda v: ident(v, 14)))
               .dropna(subset=["h"]).drop_duplicates(["uid", "h"]).groupby("uid", sort=False)["h"]
               .agg(";".join))
    listed = initial.groupby("uid", sort=False)["titulaire_id"].count()
    innov = df[current.loc[df.index]].drop_duplicates("uid").set_index("uid")["marcheInnovant"]
    out = pd.DataFrame({
        "record_no": np.arange(1, len(first) + 1), "id": first["id"].map(ident).to_numpy(object),
        "buyer_id": first["acheteur_id"].map(lambda v: ident(v, 14)).to_numpy(object),
        "buyer_name": first["acheteur_nom"].to_numpy(object), "nature_raw": first["nature"].to_numpy(object),
        "object": first["objet"].to_numpy(object), "cpv": first["codeCPV"].map(ident).to_numpy(object),
        "procedure_raw": first["procedure"].to_numpy(object),
        "place_code": [place_code(c, t if isinstance(t, str) else None)
                       for c, t in zip(first["lieuExecution_code"], first["lieuExecution_typeCode"])],
        "place_type": first["lieuExecution_typeCode"].to_numpy(object),
        "duration_raw": first["dureeMois"].to_numpy(object), "date_raw": first["dateNotification"].to_numpy(object),
        "amount_raw": first["montant"].to_numpy(object),
        "holder_ids": first["uid"].map(holders).to_numpy(object),
        "n_holders_listed": first["uid"].map(listed).fillna(0).astype("int64").to_numpy(),
        "innov_raw": first["uid"].map(innov).to_numpy(object),
        "source_format": "DECP tabulaire (consolidé)",
        "uid": first["uid"].to_numpy(object),
        "buyer_region_code": first["acheteur_region_code"].map(lambda v: ident(v, 2)).to_numpy(object),
        "buyer_departement": first["acheteur_departement_code"].map(lambda v: ident(v, 2)).to_numpy(object),
    })
    out = out.replace({np.nan: None})
    out["source_file"] = name
    return out


def read_tabular(path: Path, kind: str, counters: ReadCounters) -> pd.DataFrame:
    """The raw columns of a tabular DECP file (``kind`` ``csv`` or ``parquet``), one row per contract."""
    name = path.name
    try:
        if kind == "parquet":
            import pyarrow.parquet as pq
            present = set(pq.read_schema(path).names)
            df = pd.read_parquet(path, columns=[c for c in _TABULAR_USED if c in present])
        else:
            head = path.read_bytes()[:65536].decode("utf-8-sig", errors="replace").splitlines()
            first = head[0] if head else ""
            sep = ";" if first.count(";") > first.count(",") else ","
            cols = [c.strip().strip('"') for c in first.split(sep)]
            if not set(_TABULAR_REQUIRED) <= set(cols):
                raise InputError(problem(name, message="CSV sans les colonnes du DECP consolidé "
                                         f"({', '.join(c for c in _TABULAR_REQUIRED if c not in cols)} absentes)",
                                         expected="le DECP consolidé tabulaire (colonnes uid, acheteur_id, "
                                                  "dateNotification, montant, donneesActuelles…)"))
            df = pd.read_csv(path, sep=sep, usecols=[c for c in _TABULAR_USED if c in cols], dtype=object,
                             keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad input file
        raise InputError(problem(name, message=f"fichier {kind.upper()} illisible ({type(exc).__name__})",
                                 expected="le DECP consolidé tabulaire en CSV ou Parquet")) from None
    df = df.astype(object).where(df.notna(), None)
    return _tabular_frame(df, name, counters)
