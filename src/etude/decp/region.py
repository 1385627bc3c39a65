"""Which DECP records belong to a region: the buyer's codes first, then the place of performance.

The first of these rules that decides, in this order —

1. the buyer's region code (tabular column ``acheteur_region_code``; Hauts-de-France = ``32``);
2. the buyer's département code (tabular column ``acheteur_departement_code``);
3. the buyer's SIREN when it is a local public body (first two digits 21–28: communes, départements,
   régions, groupings, syndicates, local public establishments): digits 3–4 are its département
   (3–5 overseas);
4. the place of performance ``lieuExecution``, read *by its code type* (:func:`place_departement`).

A record no rule decides is excluded from the regional figures and counted.

Examples
--------
>>> place_departement("59350", "Code commune"), place_departement("59", "Code région")
(('departement', '59'), ('region', '59'))
>>> region_key("HDF"), region_key("none")
('hauts-de-france', None)
"""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

from etude.decp import engine
from etude.decp.engine import Records
from etude.decp.geography import region_of_code, region_of_departement, region_of_nuts
from etude.decp.rules import fold
from etude.decp.summary import SUMMARY_COLUMNS
from etude.errors import ParameterError

__all__ = ["filter_region", "select_region", "locate", "placement", "place_departement", "buyer_departement",
           "region_key", "REGIONS", "RULES", "REASONS"]

#: Regions :func:`filter_region` knows: name and INSEE code (their former codes, départements and NUTS codes are
#: in :mod:`etude.decp.geography`).
REGIONS = {
    "hauts-de-france": {"label": "Hauts-de-France", "code": "32"},
}
_REGION_ALIASES = {"hdf": "hauts-de-france", "32": "hauts-de-france", "hauts de france": "hauts-de-france"}


def _departement_of(code: str) -> str:
    return code[:3] if code[:2] in ("97", "98") else code[:2]


def place_departement(code: Any, type_code: Any) -> tuple[str, str | None]:
    """Read a ``lieuExecution`` code by its type; returns ``(kind, value)``.

    ``kind`` is ``departement``, ``region``, ``nuts``, ``country`` (outside France), or a reason it cannot be
    read: ``no_type``, ``unknown_type``, ``no_code``, ``mismatch`` (the code does not fit its type).

    >>> place_departement("59170", "Code Postal"), place_departement("078", "Code département")
    (('departement', '59'), ('departement', '78'))
    >>> place_departement("62041", "Code département"), place_departement("FRE11", "Code département")
    (('mismatch', None), ('nuts', 'FRE11'))
    """
    c = "" if code is None else str(code).strip().upper().replace(" ", "")
    t = fold(type_code) if type_code is not None else ""
    if not c or c in ("NAN", "NONE"):
        return "no_code", None
    if re.fullmatch(r"FR[A-Z0-9]{1,3}", c) and not c.isdigit():
        return "nuts", c
    if not t:
        return "no_type", None
    read = _BY_TYPE.get(t)
    return read(c) if read else ("unknown_type", None)


def _commune(c: str) -> tuple[str, str | None]:
    if re.fullmatch(r"\d{5}", c):
        return "departement", _departement_of(c)
    return ("departement", c[:2]) if re.fullmatch(r"2[AB]\d{3}", c) else ("mismatch", None)


def _arrondissement(c: str) -> tuple[str, str | None]:
    if re.fullmatch(r"\d{3,5}", c):
        return "departement", _departement_of(c)
    return ("departement", c[:2]) if re.fullmatch(r"2[AB]\d{1,3}", c) else ("mismatch", None)


def _departement(c: str) -> tuple[str, str | None]:
    if re.fullmatch(r"\d{2}|2[AB]|97\d", c):
        return "departement", c
    return ("departement", c[1:]) if re.fullmatch(r"0\d{2}", c) else ("mismatch", None)


#: How each code type of ``lieuExecution`` is read (types compared folded: no case, no accents).
_BY_TYPE = {
    "code postal": lambda c: ("departement", _departement_of(c)) if re.fullmatch(r"\d{5}", c) else ("mismatch", None),
    "code commune": _commune,
    "code arrondissement": _arrondissement,
    "code canton": _arrondissement,
    "code departement": _departement,
    "code region": lambda c: ("region", c) if re.fullmatch(r"\d{2}", c) else ("mismatch", None),
    "code pays": lambda c: ("mismatch", None) if c in ("FR", "FRA", "250") else ("country", c),
}


def buyer_departement(siret: Any) -> str | None:
    """Département of a buyer whose SIREN is a local public body's (first digits 21–28), else ``None``.

    >>> buyer_departement("21590163800019"), buyer_departement("21974022200019"), buyer_departement("13001898900017")
    ('59', '974', None)
    """
    s = "" if siret is None else str(siret)
    if not re.match(r"2[1-8]\d\d", s):
        return None
    return _departement_of(s[2:])

# --- region ----------------------------------------------------------------------------------------------------

#: The rules of the regional filter, in the order they decide.
RULES = ("buyer_region", "buyer_departement", "buyer_siren", "place_departement", "place_region", "place_nuts",
         "place_country")
#: Why a place of performance decides nothing (``why`` of :func:`placement`: the reason, then its values).
REASONS = ("no_type", "unknown_type", "no_code", "mismatch", "nuts_too_broad")


def region_key(region: str) -> str | None:
    """The key of ``region`` in :data:`REGIONS` (aliases accepted), ``None`` for no filter (``"none"``)."""
    key = " ".join(str(region).strip().casefold().split())
    if key in ("none", "aucune", ""):
        return None
    key = _REGION_ALIASES.get(key, key)
    if key not in REGIONS:
        raise ParameterError(f"région inconnue : « {region} » ; valeurs possibles : "
                             + ", ".join([*REGIONS, "none"]))
    return key


def _place_row(key: Any) -> tuple[str, str | None, str]:
    """``(rule, region, why)`` of a place of performance ``type\x1fcode`` (``\x00``: missing)."""
    type_code, code = (None if v == "\x00" else v for v in (key or "\x00\x1f\x00").split("\x1f"))
    kind, value = place_departement(code, type_code)
    if kind == "departement":
        return "place_departement", region_of_departement(value), ""
    if kind == "region":
        return "place_region", region_of_code(value), ""
    if kind == "nuts":
        if value in ("FR", "FR2"):
            return "undetermined", None, f"nuts_too_broad\x1f\x1f{value}"
        return "place_nuts", region_of_nuts(value), ""
    if kind == "country":
        return "place_country", None, ""
    if kind in ("mismatch", "unknown_type"):
        return "undetermined", None, f"{kind}\x1f{type_code}\x1f{code}"
    return "undetermined", None, kind


def _siren_row(prefix: Any) -> tuple[str | None, str | None]:
    dep = buyer_departement(prefix)
    return dep, region_of_departement(dep)


_PLACE_KEY = "coalesce(place_type, '\x00') || '\x1f' || coalesce(place_code, '\x00')"
_PLACED_SQL = """
CREATE OR REPLACE TEMP TABLE {placed} AS
SELECT r.rn,
  CASE WHEN r.buyer_region_code <> '' THEN 'buyer_region' WHEN r.buyer_departement <> '' THEN 'buyer_departement'
       WHEN s.dep IS NOT NULL THEN 'buyer_siren' ELSE p.rule END AS region_rule,
  CASE WHEN r.buyer_region_code <> '' THEN mr.region WHEN r.buyer_departement <> '' THEN md.region
       WHEN s.dep IS NOT NULL THEN s.region ELSE p.region END AS region,
  CASE WHEN r.buyer_region_code <> '' OR r.buyer_departement <> '' OR s.dep IS NOT NULL THEN '' ELSE p.why END AS why
FROM {t} r LEFT JOIN {placed}_code mr ON mr.v = r.buyer_region_code
  LEFT JOIN {placed}_dep md ON md.v = r.buyer_departement LEFT JOIN {placed}_siren s ON s.v = left(r.buyer_id, 5)
  LEFT JOIN {placed}_place p ON p.v = {key}
"""


def placement(t: Records) -> str:
    """Place every record of ``t`` in its region, by the first rule that decides (see the module notes); returns
    the name of the table made once per records table: ``rn``, ``region_rule``, ``region`` (the current region's
    INSEE code, NULL when the rule names none) and ``why`` (when no rule decides: a reason of :data:`REASONS`,
    then the place's type and code when they say more, separated by ``\\x1f``)."""
    import pyarrow as pa
    placed = f"{t.name}_placed"
    if t.con.sql(f"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{placed}'").fetchall()[0][0]:
        return placed
    text = pa.string()
    engine.rule_map(t.con, f"{placed}_code", f"SELECT buyer_region_code FROM {t.name}", region_of_code,
                    {"region": text})
    engine.rule_map(t.con, f"{placed}_dep", f"SELECT buyer_departement FROM {t.name}", region_of_departement,
                    {"region": text})
    engine.rule_map(t.con, f"{placed}_siren", f"SELECT left(buyer_id, 5) FROM {t.name}", _siren_row,
                    {"dep": text, "region": text})
    engine.rule_map(t.con, f"{placed}_place", f"SELECT {_PLACE_KEY} FROM {t.name}", _place_row,
                    {"rule": text, "region": text, "why": text})
    t.con.sql(_PLACED_SQL.format(placed=placed, t=t.name, key=_PLACE_KEY.replace("place_", "r.place_")))
    return placed


def locate(records: pd.DataFrame | Records, *, region: str = "hauts-de-france") -> pd.DataFrame:
    """Which rule places each record in or out of ``region`` (see the module notes for the order).

    Returns a frame (on ``records``' index for a DataFrame, in the records' order otherwise) with ``region_rule``
    (``buyer_region``, ``buyer_departement``, ``buyer_siren``, ``place_departement``, ``place_region``,
    ``place_nuts``, ``place_country`` or ``undetermined``), ``in_region`` (boolean, NA when undetermined) and
    ``why`` (see :func:`placement`, when undetermined).
    """
    import pyarrow as pa
    key = region_key(region)
    if key is None:
        raise ParameterError("locate() demande une région ; valeurs possibles : " + ", ".join(REGIONS))
    code = REGIONS[key]["code"]
    with engine.as_records(records) as t:
        placed = placement(t)
        out = t.con.sql(f"SELECT region_rule, CASE WHEN region_rule = 'undetermined' THEN NULL "
                        f"ELSE coalesce(region = '{code}', false) END AS in_region, why FROM {placed} ORDER BY rn"
                        ).to_arrow_table().to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get)
    if isinstance(records, pd.DataFrame):
        out.index = records.index
    return out


def _region_summary(t: Records, placed: str, key: str) -> pd.DataFrame:
    """The lines of the regional filter: each rule's records in and out, the undetermined ones and why (the five
    most frequent reasons ``(why, n)``), the kept."""
    code = REGIONS[key]["code"]
    counts = {r: (n, k) for r, n, k in t.con.sql(
        f"SELECT region_rule, count(*), count(*) FILTER (WHERE region = '{code}') FROM {placed} GROUP BY ALL"
    ).fetchall()}
    rows = [(f"region_{rule}", n, {"inside": k, "outside": n - k})
            for rule in RULES for n, k in [counts.get(rule, (0, 0))] if n]
    top = t.con.sql(f"SELECT why, count(*) AS n FROM {placed} WHERE region_rule = 'undetermined' GROUP BY why "
                    "ORDER BY n DESC, min(rn) LIMIT 5").fetchall()
    rows.append(("region_undetermined", counts.get("undetermined", (0, 0))[0], {"reasons": [tuple(r) for r in top]}))
    rows.append(("region_kept", sum(k for _, k in counts.values()),
                 {"region": REGIONS[key]["label"], "records": sum(n for n, _ in counts.values())}))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def select_region(t: Records, key: str | None) -> tuple[Records, pd.DataFrame]:
    """The records of region ``key`` (a view of ``t``; ``t`` itself for ``None``) and the filter's summary."""
    if key is None:
        n = t.sql("SELECT count(*) FROM {t}").fetchall()[0][0]
        return t, pd.DataFrame([("region_none", n, {})], columns=SUMMARY_COLUMNS)
    placed = placement(t)
    kept = f"{t.name}_{key.replace('-', '_')}"
    t.con.sql(f"CREATE OR REPLACE TEMP VIEW {kept} AS SELECT r.* FROM {t.name} r "
              f"WHERE r.rn IN (SELECT rn FROM {placed} WHERE region = '{REGIONS[key]['code']}')")
    return Records(t.con, kept), _region_summary(t, placed, key)


def filter_region(records: pd.DataFrame, *, region: str = "hauts-de-france") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the records of ``region`` (``"hauts-de-france"``) or all of them (``"none"``).

    Returns ``(kept, summary)``; the summary says, rule by rule in the order applied, how many records it
    placed in and out of the region, and why the undetermined ones could not be placed.

    Examples
    --------
    >>> rec = pd.DataFrame({"buyer_region_code": [None, None, None], "buyer_departement": [None, None, None],
    ...                     "buyer_id": ["21590163800019", "13001898900017", "13001898900017"],
    ...                     "place_code": [None, "32", "80000"], "place_type": [None, "Code région", "Code postal"]})
    >>> kept, summary = filter_region(rec)
    >>> len(kept), summary["n_records"].tolist()
    (3, [1, 1, 1, 0, 3])
    """
    key = region_key(region)
    with engine.as_records(records) as t:
        kept, summary = select_region(t, key)
        if key is None:
            return records, summary
        inside = t.con.sql(f"SELECT rn FROM {kept.name} ORDER BY rn").to_arrow_table().column(0).to_numpy()
    return records.iloc[inside].reset_index(drop=True), summary
