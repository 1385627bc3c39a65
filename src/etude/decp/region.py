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

import numpy as np
import pandas as pd

from etude.decp.records import map_unique
from etude.decp.rules import fold
from etude.decp.summary import SUMMARY_COLUMNS
from etude.errors import ParameterError

__all__ = ["filter_region", "locate", "place_departement", "buyer_departement", "region_key", "REGIONS"]

#: Regions :func:`filter_region` knows: INSEE code, former codes (before 2016), départements, NUTS prefixes.
REGIONS = {
    "hauts-de-france": {"label": "Hauts-de-France", "code": "32", "former_codes": ("31", "22"),
                        "departements": ("02", "59", "60", "62", "80"), "nuts": ("FRE", "FR3", "FR22")},
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
    if t == "code postal":
        return ("departement", _departement_of(c)) if re.fullmatch(r"\d{5}", c) else ("mismatch", None)
    if t == "code commune":
        if re.fullmatch(r"\d{5}", c):
            return "departement", _departement_of(c)
        return ("departement", c[:2]) if re.fullmatch(r"2[AB]\d{3}", c) else ("mismatch", None)
    if t in ("code arrondissement", "code canton"):
        if re.fullmatch(r"\d{3,5}", c):
            return "departement", _departement_of(c)
        return ("departement", c[:2]) if re.fullmatch(r"2[AB]\d{1,3}", c) else ("mismatch", None)
    if t == "code departement":
        if re.fullmatch(r"\d{2}|2[AB]|97\d", c):
            return "departement", c
        return ("departement", c[1:]) if re.fullmatch(r"0\d{2}", c) else ("mismatch", None)
    if t == "code region":
        return ("region", c) if re.fullmatch(r"\d{2}", c) else ("mismatch", None)
    if t == "code pays":
        return ("mismatch", None) if c in ("FR", "FRA", "250") else ("country", c)
    return "unknown_type", None


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

_RULE_LABELS = {
    "buyer_region": "acheteur : code région (acheteur_region_code)",
    "buyer_departement": "acheteur : code département (acheteur_departement_code)",
    "buyer_siren": "acheteur : SIREN de collectivité ou d'établissement public local (département)",
    "place_departement": "lieu d'exécution : code postal, commune, arrondissement, canton ou département",
    "place_region": "lieu d'exécution : code région",
    "place_nuts": "lieu d'exécution : code NUTS",
    "place_country": "lieu d'exécution : code pays (hors France)",
    "undetermined": "région indéterminée : exclu du périmètre",
}
_REASONS = {"no_type": "type de code absent", "unknown_type": "type de code inconnu", "no_code": "code absent",
            "mismatch": "code incompatible avec son type"}


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


def _place_decision(code: Any, type_code: Any, target: dict) -> tuple[str, bool | None, str]:
    kind, value = place_departement(code, type_code)
    if kind == "departement":
        return "place_departement", value in target["departements"], ""
    if kind == "region":
        return "place_region", value in (target["code"], *target["former_codes"]), ""
    if kind == "nuts":
        if value in ("FR", "FR2"):
            return "undetermined", None, f"code NUTS trop large « {value} »"
        return "place_nuts", value.startswith(tuple(target["nuts"])), ""
    if kind == "country":
        return "place_country", False, ""
    why = _REASONS[kind]
    if kind in ("mismatch", "unknown_type"):
        why += f" : « {type_code} » « {code} »"
    return "undetermined", None, why


def locate(records: pd.DataFrame, *, region: str = "hauts-de-france") -> pd.DataFrame:
    """Which rule places each record in or out of ``region`` (see the module notes for the order).

    Returns a frame on ``records``' index with ``region_rule`` (``buyer_region``, ``buyer_departement``,
    ``buyer_siren``, ``place_departement``, ``place_region``, ``place_nuts``, ``place_country`` or
    ``undetermined``), ``in_region`` (boolean, NA when undetermined) and ``why`` (French, when undetermined).
    """
    key = region_key(region)
    if key is None:
        raise ParameterError("locate() demande une région ; valeurs possibles : " + ", ".join(REGIONS))
    target = REGIONS[key]
    n = len(records)
    rule = np.full(n, "", dtype=object)
    inside = np.full(n, None, dtype=object)
    why = np.full(n, "", dtype=object)

    def decide(mask: np.ndarray, name: str, values: np.ndarray) -> None:
        todo = mask & (rule == "")
        rule[todo] = name
        inside[todo] = values[todo]

    def given(col: str) -> np.ndarray:
        s = records[col]
        return (s.notna() & (s.astype("str") != "")).to_numpy(bool)

    regions = [target["code"], *target["former_codes"]]
    decide(given("buyer_region_code"), "buyer_region",
           records["buyer_region_code"].isin(regions).to_numpy(bool).astype(object))
    decide(given("buyer_departement"), "buyer_departement",
           records["buyer_departement"].isin(target["departements"]).to_numpy(bool).astype(object))
    sdep = map_unique(records["buyer_id"], buyer_departement)
    has = np.fromiter((v is not None for v in sdep), dtype=bool, count=n)
    decide(has, "buyer_siren", np.isin(sdep, list(target["departements"])).astype(object))
    todo = rule == ""
    if todo.any():
        sub = records.loc[todo, ["place_type", "place_code"]].astype("str")
        keys = sub["place_type"].fillna("\x00") + "\x1f" + sub["place_code"].fillna("\x00")

        def from_key(k: Any) -> tuple:
            t, c = (k or "\x00\x1f\x00").split("\x1f")
            return _place_decision(None if c == "\x00" else c, None if t == "\x00" else t, target)

        r, i, w = map_unique(keys.reset_index(drop=True), from_key, 3)
        idx = np.flatnonzero(todo)
        rule[idx], inside[idx], why[idx] = r, i, w
    return pd.DataFrame({"region_rule": rule, "in_region": pd.array(inside, dtype="boolean"), "why": why},
                        index=records.index)


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
    if key is None:
        summary = pd.DataFrame([("aucun filtre régional", len(records), "--region none : tous les enregistrements")],
                               columns=SUMMARY_COLUMNS)
        return records, summary
    label = REGIONS[key]["label"]
    where = locate(records, region=key)
    rows = []
    for rule_id in ("buyer_region", "buyer_departement", "buyer_siren", "place_departement", "place_region",
                    "place_nuts", "place_country"):
        m = where["region_rule"] == rule_id
        if m.any():
            n_in = int(where.loc[m, "in_region"].sum())
            rows.append((_RULE_LABELS[rule_id], int(m.sum()),
                         f"{n_in} dans la région, {int(m.sum()) - n_in} hors région"))
    und = where["region_rule"] == "undetermined"
    top = where.loc[und, "why"].value_counts().head(5)
    rows.append((_RULE_LABELS["undetermined"], int(und.sum()),
                 " ; ".join(f"{k} ({v})" for k, v in top.items()) or "aucun"))
    keep = where["in_region"].fillna(False).to_numpy(bool)
    rows.append((f"retenu : {label}", int(keep.sum()), f"sur {len(records)} enregistrements"))
    return records[keep].reset_index(drop=True), pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
