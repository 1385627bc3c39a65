"""Open procurement data (DECP): read, clean, locate and count contracts per notification year.

DECP (*données essentielles de la commande publique*) are the contract-level data French public buyers
must publish. This module reads them in three layouts and turns them into one **records** table (one row per
contract, columns :data:`RECORD_COLUMNS`):

* the 2017 regulatory JSON ``{"marches": [...]}`` (arrêté du 14 avril 2017);
* the 2022+ JSON (« DECP v2 »), also as published on data.gouv.fr ``{"marches": {"marche": [...]}}``,
  with holders nested as ``{"titulaire": {...}}`` and the ``marcheInnovant`` flag;
* the consolidated **tabular** DECP (CSV or Parquet, 58 columns, from the ``decp-processing`` pipeline): one
  row per contract × holder and per modification. A contract is one distinct ``uid`` having a current row
  (``donneesActuelles``); its notification date, amount and holders are those of its initial version
  (lowest ``modification_id``), so that both formats count the amount *as notified*.

JSON files may be plain or zipped (a ``.zip`` holding ``.json`` files).

**Rules**, each counted in a summary table (``rule, n_records, detail``, in French), never applied silently:

1. concession contracts are set aside (they are not *marchés*);
2. exact duplicates (the same record text, compared by a 96-bit fingerprint) are dropped, the first kept;
3. records sharing an ``id`` (same buyer) with different content are *lots*: kept, and counted;
4. labels of ``nature`` and ``procedure`` are harmonised (case, accents, apostrophes, the 2019 and 2022
   renamings); an unknown procedure is kept as written and counted;
5. the notification date must be a real calendar day between 2000 and today (``2019-02-30`` is not):
   otherwise the record is left out of every per-year figure and counted; a time or time zone after the day
   is dropped (counted);
6. amounts are read from numbers or text (``"30000.00"``, ``"1 234,50 €"``); a missing, unreadable or negative
   amount leaves the record out of the amount figures only; an absurd amount (≥ 10¹⁰ €, or a run of at
   least seven 9s such as 99 999 999) is flagged and never summed; a zero amount is kept and counted;
7. a contract without holder counts as a contract, not in the holder counts.

**Region** (:func:`filter_region`): the first of these rules that decides, in this order —

1. the buyer's region code (tabular column ``acheteur_region_code``; Hauts-de-France = ``32``);
2. the buyer's département code (tabular column ``acheteur_departement_code``);
3. the buyer's SIREN when it is a local public body (first two digits 21–28: communes, départements,
   régions, groupings, syndicates, local public establishments): digits 3–4 are its département
   (3–5 overseas);
4. the place of performance ``lieuExecution``, read *by its code type*: a postal code ``59xxx`` → 59; a commune
   (INSEE) code ``59350`` → 59; an arrondissement or canton code → its first two digits; a « Code département »
   ``59`` → 59; a « Code région » is a region (``32``, or the former ``31`` Nord-Pas-de-Calais and ``22``
   Picardie); a NUTS code (``FRE…``) is read as NUTS; a country code is outside the region. A code that does
   not fit its type (« Code département » ``62041``) or a missing type decides nothing.

A record no rule decides is excluded from the regional figures and counted.

Examples
--------
>>> parse_amount("1 234,50 €")
(1234.5, 'text_fr')
>>> parse_date("2019-02-30")
(None, 'invalid')
>>> normalise_procedure("Appel d offres ouvert")
"Appel d'offres ouvert"
>>> place_departement("59350", "Code commune"), place_departement("59", "Code région")
(('departement', '59'), ('region', '59'))
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pandas as pd

from etude import fmt
from etude.errors import InputError, ParameterError, problem

__all__ = [
    "read_decp", "filter_region", "locate", "yearly_indicators", "procedure_mix", "innovation_share",
    "quality_summary", "format_yearly", "format_summary", "cli",
    "parse_amount", "parse_date", "parse_flag", "normalise_procedure", "normalise_nature", "place_departement",
    "buyer_departement",
    "RECORD_COLUMNS", "SUMMARY_COLUMNS", "YEARLY_COLUMNS", "TABULAR_COLUMNS", "REGIONS", "PROCEDURES",
    "INNOVATION_PROCEDURES", "MAX_AMOUNT", "AMOUNT_USABLE", "DATE_USABLE", "COLUMN_LABELS",
]

#: Columns of the records table returned by :func:`read_decp` (one row per contract).
RECORD_COLUMNS = [
    "source_file", "source_format", "record_no", "uid", "id", "buyer_id", "buyer_name", "nature_raw", "nature",
    "procedure_raw",
    "procedure", "object", "cpv", "place_code", "place_type", "duration_months", "notification_date", "year",
    "date_status", "date_raw", "amount_eur", "amount_status", "amount_raw", "holder_ids", "n_holders_listed",
    "marche_innovant", "buyer_region_code", "buyer_departement",
]
#: Columns of every summary table.
SUMMARY_COLUMNS = ["rule", "n_records", "detail"]
#: Columns of :func:`yearly_indicators` (the first six are the published table ``decp_annuel.csv``).
YEARLY_COLUMNS = ["year", "n_contracts", "amount_total_eur", "amount_median_eur", "n_buyers", "n_holders",
                  "n_contracts_with_amount"]
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

#: Regions :func:`filter_region` knows: INSEE code, former codes (before 2016), départements, NUTS prefixes.
REGIONS = {
    "hauts-de-france": {"label": "Hauts-de-France", "code": "32", "former_codes": ("31", "22"),
                        "departements": ("02", "59", "60", "62", "80"), "nuts": ("FRE", "FR3", "FR22")},
}
_REGION_ALIASES = {"hdf": "hauts-de-france", "32": "hauts-de-france", "hauts de france": "hauts-de-france"}

#: Amounts at or above this (euros) are absurd: flagged, never summed.
MAX_AMOUNT = 1e10
#: Amount statuses whose value enters the amount figures.
AMOUNT_USABLE = ("ok", "text", "text_fr")
#: Date statuses whose day is used.
DATE_USABLE = ("ok", "reformatted")

#: Harmonised procedure labels and the spellings read as each (compared without case, accents, apostrophes).
#: The 2019 arrêté merged the two negotiated procedures; the 2022 format renamed the one without publicity.
PROCEDURES = {
    "Procédure adaptée": ["Procédure adaptée", "Marché à procédure adaptée"],
    "Appel d'offres ouvert": ["Appel d'offres ouvert"],
    "Appel d'offres restreint": ["Appel d'offres restreint"],
    "Procédure avec négociation": ["Procédure avec négociation", "Procédure concurrentielle avec négociation",
                                   "Procédure négociée avec mise en concurrence préalable"],
    "Sans publicité ni mise en concurrence préalable": [
        "Marché négocié sans publicité ni mise en concurrence préalable",
        "Marché passé sans publicité ni mise en concurrence préalable",
        "Procédure négociée sans publicité ni mise en concurrence préalable"],
    "Dialogue compétitif": ["Dialogue compétitif"],
    "Concours": ["Concours"],
    "Partenariat d'innovation": ["Partenariat d'innovation", "Partenariat innovation"],
    "Achat innovant sans publicité ni mise en concurrence (expérimentation)": [
        "Procédure expérimentale innovation", "Marché innovant sans publicité ni mise en concurrence préalable"],
}
#: Innovation-related procedures and their short codes (:func:`innovation_share`).
INNOVATION_PROCEDURES = {
    "Partenariat d'innovation": "partenariat_innovation",
    "Dialogue compétitif": "dialogue_competitif",
    "Achat innovant sans publicité ni mise en concurrence (expérimentation)": "experimentation",
}
_NATURES = {"marche": "Marché", "marche de partenariat": "Marché de partenariat", "accord cadre": "Accord-cadre",
            "marche subsequent": "Marché subséquent",
            "marche de defense ou de securite": "Marché de défense ou de sécurité"}

#: Display labels of the yearly table.
COLUMN_LABELS = {
    "fr": {"year": "Année", "n_contracts": "Contrats", "amount_total_eur": "Montant total",
           "amount_median_eur": "Montant médian", "n_buyers": "Acheteurs", "n_holders": "Titulaires",
           "n_contracts_with_amount": "Contrats avec montant"},
    "en": {"year": "Year", "n_contracts": "Contracts", "amount_total_eur": "Total amount",
           "amount_median_eur": "Median amount", "n_buyers": "Buyers", "n_holders": "Holders",
           "n_contracts_with_amount": "Contracts with amount"},
}

_NULL_TEXTS = {"", "nc", "n/c", "na", "n/a", "nan", "null", "none", "-", "nd", "n.d."}
_PLAIN_NUMBER = re.compile(r"^\+?\d+(\.\d+)?([eE][+-]?\d+)?$")
_SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009\t"), None)
_CURRENCY = re.compile(r"(?i)(€|\beuros?\b|\beur\b|\bh\.?t\.?\b)")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(.*)$")
_FR_DAY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_TIME_SUFFIX = re.compile(r"^([T ]\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
_MIN_YEAR = 2000
_BATCH = 50_000


# --- scalar rules (the single source of truth; the frame code maps them over unique values) ---------------------

def _fold(text: str) -> str:
    """Lower case, no accents, apostrophes and hyphens as spaces, spaces collapsed."""
    t = unicodedata.normalize("NFKD", str(text))
    t = "".join(c for c in t if not unicodedata.combining(c)).casefold()
    t = re.sub(r"[’'`´\-_]", " ", t)
    return " ".join(t.split())


def parse_amount(value: Any, *, max_amount: float = MAX_AMOUNT) -> tuple[float, str]:
    """Read one ``montant``; returns ``(value, status)``.

    Statuses: ``ok`` (a JSON number), ``text`` (a plain number written as text, ``"30000.00"``), ``text_fr``
    (French writing: spaces, decimal comma, ``€``), ``missing``, ``invalid``, ``negative``, ``absurd``
    (≥ ``max_amount`` or a run of at least seven 9s). Only ``ok``, ``text`` and ``text_fr`` are summed.

    >>> parse_amount("30000.00"), parse_amount(1e17), parse_amount("NC")
    ((30000.0, 'text'), (1e+17, 'absurd'), (nan, 'missing'))
    >>> parse_amount("1.234.567,8 EUR HT")
    (1234567.8, 'text_fr')
    """
    if value is None:
        return math.nan, "missing"
    if isinstance(value, bool):
        return math.nan, "invalid"
    if isinstance(value, (int, float, np.integer, np.floating)):
        x, status = float(value), "ok"
        if math.isnan(x):
            return math.nan, "missing"
    elif isinstance(value, str):
        text = value.strip()
        if text.casefold() in _NULL_TEXTS:
            return math.nan, "missing"
        if _PLAIN_NUMBER.match(text):
            x, status = float(text), "text"
        else:
            x, status = _french_number(text), "text_fr"
            if x is None:
                return math.nan, "invalid"
    else:
        return math.nan, "invalid"
    if not math.isfinite(x):
        return math.nan, "invalid"
    if x < 0:
        return x, "negative"
    if x >= max_amount or (x >= 9_999_999 and x == int(x) and set(str(int(x))) == {"9"}):
        return x, "absurd"
    return x, status


def _french_number(text: str) -> float | None:
    t = _CURRENCY.sub("", text).translate(_SPACES).rstrip(".")
    if "," in t and "." in t:
        t = t.replace(".", "").replace(",", ".") if t.rfind(",") > t.rfind(".") else t.replace(",", "")
    elif t.count(",") == 1:
        t = t.replace(",", ".")
    elif t.count(",") > 1:
        t = t.replace(",", "")
    elif t.count(".") > 1:
        t = t.replace(".", "")
    return float(t) if _PLAIN_NUMBER.match(t) else None


def parse_date(value: Any, *, today: dt.date | None = None, min_year: int = _MIN_YEAR) -> tuple[dt.date | None, str]:
    """Read one ``dateNotification``; returns ``(date, status)``.

    Statuses: ``ok`` (``AAAA-MM-JJ``), ``reformatted`` (a time or time zone after the day, or ``JJ/MM/AAAA``),
    ``missing``, ``invalid`` (not a calendar day: ``2019-02-30``), ``out_of_range`` (before ``min_year`` or
    after ``today``).

    >>> parse_date("2018-12-17+01:00")
    (datetime.date(2018, 12, 17), 'reformatted')
    >>> parse_date("2031-01-05", today=dt.date(2026, 1, 1))
    (None, 'out_of_range')
    """
    today = today or dt.date.today()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None, "missing"
    if isinstance(value, (dt.date, pd.Timestamp, np.datetime64)):
        day, status = pd.Timestamp(value).date(), "ok"
    else:
        text = str(value).strip()
        if text.casefold() in _NULL_TEXTS:
            return None, "missing"
        m = _ISO_DAY.match(text)
        if m:
            y, mo, d, rest = m.groups()
            if rest and not _TIME_SUFFIX.match(rest):
                return None, "invalid"
            status = "reformatted" if rest else "ok"
        else:
            m = _FR_DAY.match(text)
            if not m:
                return None, "invalid"
            d, mo, y = m.groups()
            status = "reformatted"
        try:
            day = dt.date(int(y), int(mo), int(d))
        except ValueError:
            return None, "invalid"
    if day.year < min_year or day > today:
        return None, "out_of_range"
    return day, status


def parse_flag(value: Any) -> bool | None:
    """Read ``marcheInnovant``: ``True``/``False``, ``oui``/``non``, ``true``/``false``, 1/0; else ``None``.

    >>> parse_flag("non"), parse_flag(True), parse_flag("")
    (False, True, None)
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        t = _fold(value)
        if t in ("oui", "true", "vrai", "1", "yes"):
            return True
        if t in ("non", "false", "faux", "0", "no"):
            return False
    return None


_PROCEDURE_KEYS = {_fold(v): label for label, variants in PROCEDURES.items() for v in variants}


def normalise_procedure(label: Any) -> str | None:
    """Harmonised procedure label; an unknown label comes back stripped, an empty one as ``None``.

    Any label mentioning innovation is read as the *partenariat d'innovation* when it says « partenariat »,
    else as the experimental innovative purchase without publicity (décret n° 2018-1225).

    >>> normalise_procedure("Procédure concurrentielle avec négociation")
    'Procédure avec négociation'
    >>> normalise_procedure("procédure expérimentale innovation")
    'Achat innovant sans publicité ni mise en concurrence (expérimentation)'
    """
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return None
    key = _fold(label)
    if not key:
        return None
    if key in _PROCEDURE_KEYS:
        return _PROCEDURE_KEYS[key]
    if "innov" in key:
        return "Partenariat d'innovation" if "partenariat" in key else \
            "Achat innovant sans publicité ni mise en concurrence (expérimentation)"
    return " ".join(str(label).split())


def normalise_nature(label: Any) -> str | None:
    """Harmonised ``nature``: ``marché`` → ``Marché``; empty → ``None``; unknown → stripped.

    >>> normalise_nature("marché"), normalise_nature("Accord cadre"), normalise_nature("")
    ('Marché', 'Accord-cadre', None)
    """
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return None
    key = _fold(label)
    if not key:
        return None
    return _NATURES.get(key, " ".join(str(label).split()))


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
    t = _fold(type_code) if type_code is not None else ""
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


# --- JSON reading ----------------------------------------------------------------------------------------------

class _Buyer(msgspec.Struct, gc=False):
    id: str | int | None = None
    nom: str | None = None


class _Place(msgspec.Struct, gc=False):
    code: str | int | None = None
    typeCode: str | None = None


class _HolderInner(msgspec.Struct, gc=False):
    id: str | int | None = None
    typeIdentifiant: str | None = None


class _Holder(msgspec.Struct, gc=False):
    id: str | int | None = None
    typeIdentifiant: str | None = None
    titulaire: _HolderInner | str | None = None


class _Record(msgspec.Struct, gc=False):
    id: str | int | None = None
    acheteur: _Buyer | None = None
    nature: str | None = None
    objet: str | None = None
    codeCPV: str | int | None = None
    procedure: str | None = None
    lieuExecution: _Place | None = None
    dureeMois: str | int | float | None = None
    dateNotification: str | None = None
    montant: str | int | float | None = None
    titulaires: list[_Holder] | None = None
    marcheInnovant: bool | str | int | None = None
    type_: str | None = msgspec.field(default=None, name="_type")
    offresRecues: Any = None
    ccag: Any = None
    techniques: Any = None


class _Wrapped(msgspec.Struct):
    marche: list[msgspec.Raw] = []
    concessions: list[msgspec.Raw] = msgspec.field(default_factory=list, name="contrat-concession")


class _Document(msgspec.Struct):
    marches: list[msgspec.Raw] | _Wrapped


_RECORD_DECODER = msgspec.json.Decoder(_Record)
_DOC_DECODER = msgspec.json.Decoder(_Document)


def _text_or_none(v: Any) -> Any:
    """Lenient scalar for the fallback path: keep str/int/float, encode anything else as JSON text."""
    if v is None or isinstance(v, str) or (isinstance(v, (int, float)) and not isinstance(v, bool)):
        return v
    return msgspec.json.encode(v).decode()


def _coerce(obj: Any) -> _Record | None:
    """Fallback for a record the typed decoder refused: keep what can be read, as text when in doubt."""
    if not isinstance(obj, dict):
        return None
    ach = obj.get("acheteur")
    buyer = (_Buyer(id=_text_or_none(ach.get("id")), nom=_str_or_none(ach.get("nom"))) if isinstance(ach, dict)
             else _Buyer(id=_text_or_none(ach)) if ach is not None else None)
    lieu = obj.get("lieuExecution")
    place = (_Place(code=_text_or_none(lieu.get("code")), typeCode=_str_or_none(lieu.get("typeCode")))
             if isinstance(lieu, dict) else None)
    tits = obj.get("titulaires")
    if isinstance(tits, dict):
        tits = tits.get("titulaire")
    if isinstance(tits, dict):
        tits = [tits]
    holders = None
    if isinstance(tits, list):
        holders = []
        for h in tits:
            if isinstance(h, dict) and isinstance(h.get("titulaire"), dict):
                h = h["titulaire"]
            if isinstance(h, dict):
                holders.append(_Holder(id=_text_or_none(h.get("id")), typeIdentifiant=_str_or_none(h.get("typeIdentifiant"))))
    innov = obj.get("marcheInnovant")
    return _Record(
        id=_text_or_none(obj.get("id")), acheteur=buyer, nature=_str_or_none(obj.get("nature")),
        objet=_str_or_none(obj.get("objet")), codeCPV=_text_or_none(obj.get("codeCPV")),
        procedure=_str_or_none(obj.get("procedure")), lieuExecution=place,
        dureeMois=_text_or_none(obj.get("dureeMois")), dateNotification=_str_or_none(obj.get("dateNotification")),
        montant=_text_or_none(obj.get("montant")), titulaires=holders,
        marcheInnovant=innov if isinstance(innov, (bool, str, int)) else None,
        type_=_str_or_none(obj.get("_type")), offresRecues=obj.get("offresRecues"), ccag=obj.get("ccag"),
        techniques=obj.get("techniques"))


def _str_or_none(v: Any) -> str | None:
    return None if v is None else v if isinstance(v, str) else _text_or_none(v)


def _ident(v: Any, width: int = 0) -> str | None:
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
    return None if len(s) < 5 and s.casefold() in _NULL_TEXTS else s


_CODE_WIDTH = {"code postal": 5, "code commune": 5, "code departement": 2, "code region": 2}


def _place_code(code: Any, type_code: str | None) -> str | None:
    if code.__class__ is str or code is None:
        return _ident(code)
    return _ident(code, _CODE_WIDTH.get(_fold(type_code), 0) if type_code else 0)


def _row(rec: _Record) -> tuple:
    buyer = rec.acheteur
    holders, listed, nested = [], 0, False
    for h in rec.titulaires or ():
        listed += 1
        hid = h.id
        if h.titulaire is not None:
            nested = True
            hid = h.titulaire.id if isinstance(h.titulaire, _HolderInner) else None
        hid = _ident(hid, 14)
        if hid and hid not in holders:
            holders.append(hid)
    place = rec.lieuExecution
    v2 = nested or rec.marcheInnovant is not None or rec.offresRecues is not None or rec.ccag is not None \
        or rec.techniques is not None
    code = place.code if place else None
    if code is not None and code.__class__ is not str:
        code = _place_code(code, place.typeCode)      # a number: zero-padded by its type (strings later)
    return (_ident(rec.id), buyer.id if buyer else None, buyer.nom if buyer else None, rec.nature,
            rec.objet, rec.codeCPV, rec.procedure, code, place.typeCode if place else None,
            rec.dureeMois, rec.dateNotification, rec.montant, ";".join(holders) or None, listed,
            rec.marcheInnovant, "DECP 2022" if v2 else "DECP 2017")


_ROW_FIELDS = ["id", "buyer_id", "buyer_name", "nature_raw", "object", "cpv", "procedure_raw", "place_code",
               "place_type", "duration_raw", "date_raw", "amount_raw", "holder_ids", "n_holders_listed",
               "innov_raw", "source_format"]


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, min(offset, len(data))) + 1


def _decode_document(data: bytes, name: str) -> tuple[list, int]:
    """The list of raw records of a DECP JSON document and the number of concessions set aside."""
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise InputError(problem(name, message="fichier vide",
                                 expected="un fichier DECP JSON {\"marches\": […]}"))
    if stripped[:1] == b"<":
        raise InputError(problem(name, message="le fichier est une page HTML, pas du JSON (téléchargement raté ?)",
                                 expected="un fichier DECP JSON {\"marches\": […]}"))
    try:
        doc = _DOC_DECODER.decode(stripped)
    except msgspec.ValidationError as exc:
        raise InputError(problem(name, message=f"JSON sans liste « marches » lisible ({_french_validation(exc)})",
                                 expected="un fichier DECP : {\"marches\": […]} (format 2017) ou "
                                          "{\"marches\": {\"marche\": […]}} (format 2022)")) from None
    except msgspec.DecodeError as exc:
        msg = str(exc)
        if "truncated" in msg:
            line = stripped.count(b"\n") + 1
            raise InputError(problem(name, row=line, message="JSON tronqué : le fichier s'arrête avant la fin "
                                     "(téléchargement interrompu ?)", expected="un fichier DECP JSON complet")) from None
        m = re.search(r"byte (\d+)", msg)
        line = _line_of(stripped, int(m.group(1))) if m else None
        raise InputError(problem(name, row=line, message="JSON invalide (caractère inattendu)",
                                 expected="un fichier DECP JSON {\"marches\": […]}")) from None
    if isinstance(doc.marches, _Wrapped):
        return doc.marches.marche, len(doc.marches.concessions)
    return doc.marches, 0


def _french_validation(exc: Exception) -> str:
    msg = str(exc)
    if "missing required field" in msg:
        return "clé « marches » absente"
    return "« marches » n'est pas une liste d'objets"


def _json_frame(raws: list, name: str, counters: dict, seen: set, today: dt.date, max_amount: float) -> pd.DataFrame:
    """Decode raw records, batch by batch, into records (one row per record).

    A record whose text was already seen (in this file or an earlier one) is an exact duplicate: skipped and
    counted. Texts are compared by a 96-bit fingerprint (64-bit hash, CRC-32) with their length.
    """
    frames = []
    decode, crc32, mask = _RECORD_DECODER.decode, zlib.crc32, 0xFFFFFFFFFFFFFFFF
    for start in range(0, len(raws), _BATCH):
        rows, nos = [], []
        for i, raw in enumerate(raws[start:start + _BATCH], start=start + 1):
            b = bytes(raw)
            key = ((hash(b) & mask) << 56) | (crc32(b) << 24) | (len(b) & 0xFFFFFF)
            if key in seen:
                counters["duplicates"] += 1
                if len(counters["duplicate_examples"]) < 3:
                    try:
                        rid = _ident(decode(raw).id)
                    except msgspec.ValidationError:
                        rid = None
                    counters["duplicate_examples"].append(rid or f"{name} n° {i}")
                continue
            seen.add(key)
            try:
                rec = decode(raw)
            except msgspec.ValidationError:
                rec = _coerce(msgspec.json.decode(raw))
                if rec is None:
                    counters["unreadable"] += 1
                    continue
                counters["coerced"] += 1
            if rec.type_ and "concession" in rec.type_.casefold():
                counters["concessions"] += 1
                continue
            rows.append(_row(rec))
            nos.append(i)
        cols = dict(zip(_ROW_FIELDS, (list(c) for c in zip(*rows)))) if rows else {f: [] for f in _ROW_FIELDS}
        cols.update(record_no=nos, source_file=name)
        frames.append(_finish(cols, today, max_amount))
        del rows, cols
    if not frames:
        frames.append(_finish({**{f: [] for f in _ROW_FIELDS}, "record_no": [], "source_file": name}, today,
                              max_amount))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


# --- tabular reading -------------------------------------------------------------------------------------------

def _truthy(s: pd.Series) -> pd.Series:
    if s.dtype == bool:
        return s
    return s.map(lambda v: parse_flag(v) is True if not (isinstance(v, float) and math.isnan(v)) else False).astype(bool)


def _tabular_frame(df: pd.DataFrame, name: str, counters: dict) -> pd.DataFrame:
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
    counters["tabular_duplicate_rows"] += n - len(df)
    uid = df["uid"].map(_ident)
    df = df.assign(uid=uid)
    current = _truthy(df["donneesActuelles"]) if df["donneesActuelles"].notna().any() else pd.Series(True, df.index)
    current_uids = set(df.loc[current, "uid"].dropna())
    keep = df["uid"].isin(current_uids)
    counters["tabular_no_current"] += int(df.loc[~keep, "uid"].nunique())
    df = df[keep]
    mod = pd.to_numeric(df["modification_id"], errors="coerce").fillna(0)
    initial = df[mod == mod.groupby(df["uid"]).transform("min")]
    first = initial.drop_duplicates("uid")
    holders = (initial.assign(h=initial["titulaire_id"].map(lambda v: _ident(v, 14)))
               .dropna(subset=["h"]).drop_duplicates(["uid", "h"]).groupby("uid", sort=False)["h"]
               .agg(";".join))
    listed = initial.groupby("uid", sort=False)["titulaire_id"].count()
    innov = df[current.loc[df.index]].drop_duplicates("uid").set_index("uid")["marcheInnovant"]
    out = pd.DataFrame({
        "record_no": np.arange(1, len(first) + 1), "id": first["id"].map(_ident).to_numpy(object),
        "buyer_id": first["acheteur_id"].map(lambda v: _ident(v, 14)).to_numpy(object),
        "buyer_name": first["acheteur_nom"].to_numpy(object), "nature_raw": first["nature"].to_numpy(object),
        "object": first["objet"].to_numpy(object), "cpv": first["codeCPV"].map(_ident).to_numpy(object),
        "procedure_raw": first["procedure"].to_numpy(object),
        "place_code": [_place_code(c, t if isinstance(t, str) else None)
                       for c, t in zip(first["lieuExecution_code"], first["lieuExecution_typeCode"])],
        "place_type": first["lieuExecution_typeCode"].to_numpy(object),
        "duration_raw": first["dureeMois"].to_numpy(object), "date_raw": first["dateNotification"].to_numpy(object),
        "amount_raw": first["montant"].to_numpy(object),
        "holder_ids": first["uid"].map(holders).to_numpy(object),
        "n_holders_listed": first["uid"].map(listed).fillna(0).astype("int64").to_numpy(),
        "innov_raw": first["uid"].map(innov).to_numpy(object),
        "source_format": "DECP tabulaire (consolidé)",
        "uid": first["uid"].to_numpy(object),
        "buyer_region_code": first["acheteur_region_code"].map(lambda v: _ident(v, 2)).to_numpy(object),
        "buyer_departement": first["acheteur_departement_code"].map(lambda v: _ident(v, 2)).to_numpy(object),
    })
    out = out.replace({np.nan: None})
    out["source_file"] = name
    return out


def _read_tabular(path: Path, kind: str, counters: dict) -> pd.DataFrame:
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


# --- the records table -------------------------------------------------------------------------------------------

def _map_unique(values: Any, fn: Callable[[Any], Any], width: int = 0) -> Any:
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


def _text_column(values: Any) -> pd.Series:
    return pd.Series(values, dtype=object).map(lambda v: None if v is None else str(v), na_action="ignore") \
        .astype("str")


def _str(values: Any, n: int) -> pd.Series:
    """A text column (Arrow-backed ``str``) from a list, an array, a Series or one value repeated ``n`` times."""
    if values is None or isinstance(values, str):
        return pd.Series([values] * n, dtype="str")
    if isinstance(values, pd.Series):
        values = values.to_numpy(object)
    return pd.Series(values, dtype="str")


def _finish(flat: Any, today: dt.date, max_amount: float) -> pd.DataFrame:
    """Parse the raw columns of a flat table (a frame or a dict of lists) into records."""
    if isinstance(flat, pd.DataFrame):
        flat = {c: flat[c].to_numpy(object) if flat[c].dtype == object else flat[c].to_numpy()
                for c in flat.columns}
    n = len(flat["record_no"])
    amount, amount_status = _map_unique(flat["amount_raw"], lambda v: parse_amount(v, max_amount=max_amount), 2)

    def read_day(v: Any) -> tuple:
        d, status = parse_date(v, today=today)
        return (np.datetime64("NaT", "s") if d is None else np.datetime64(d, "s")), status

    day, date_status = _map_unique(flat["date_raw"], read_day, 2)
    duration, duration_status = _map_unique(flat["duration_raw"], parse_amount, 2)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    out["source_file"] = _str(flat["source_file"], n)
    out["source_format"] = _str(flat["source_format"], n)
    out["record_no"] = np.asarray(flat["record_no"], dtype="int64")
    ids = _str(flat["id"], n)
    buyer = _str(_map_unique(flat["buyer_id"], lambda v: _ident(v, 14)), n)
    out["uid"] = _str(flat["uid"], n) if "uid" in flat else (buyer.fillna("") + ids.fillna("")).astype("str")
    out["id"] = ids
    out["buyer_id"] = buyer
    out["buyer_name"] = _str(flat["buyer_name"], n)
    out["nature_raw"] = _str(flat["nature_raw"], n)
    out["nature"] = _str(_map_unique(flat["nature_raw"], normalise_nature), n)
    out["procedure_raw"] = _str(flat["procedure_raw"], n)
    out["procedure"] = _str(_map_unique(flat["procedure_raw"], normalise_procedure), n)
    out["object"] = _str(flat["object"], n)
    out["cpv"] = _str(_map_unique(flat["cpv"], _ident), n)
    out["place_code"] = _str(_map_unique(flat["place_code"], _ident), n)
    out["place_type"] = _str(flat["place_type"], n)
    usable_duration = np.isin(duration_status, AMOUNT_USABLE)
    out["duration_months"] = np.where(usable_duration, duration, np.nan).astype("float64")
    out["notification_date"] = pd.Series(day.astype("datetime64[s]"))
    out["year"] = out["notification_date"].dt.year.astype("Int64")
    out["date_status"] = _str(date_status, n)
    date_raw = np.asarray(flat["date_raw"], dtype=object)
    out["date_raw"] = _text_column(np.where(date_status == "ok", None, date_raw))
    out["amount_eur"] = amount.astype("float64")
    out["amount_status"] = _str(amount_status, n)
    keep_raw = ~np.isin(amount_status, ["ok", "text"])
    out["amount_raw"] = _text_column(np.where(keep_raw, np.asarray(flat["amount_raw"], dtype=object), None))
    out["holder_ids"] = _str(flat["holder_ids"], n)
    out["n_holders_listed"] = np.asarray(flat["n_holders_listed"], dtype="int64")
    out["marche_innovant"] = pd.array(_map_unique(flat["innov_raw"], parse_flag), dtype="boolean")
    for col in ("buyer_region_code", "buyer_departement"):
        out[col] = _str(flat[col], n) if col in flat else _str(None, n)
    return out[RECORD_COLUMNS]


def _sources(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out = [Path(p) for p in paths]
    if not out:
        raise ParameterError("aucun fichier DECP donné")
    return out


def _kind(path: Path, head: bytes) -> str:
    suffix = path.suffix.casefold()
    if head[:4] == b"PAR1" or suffix == ".parquet":
        return "parquet"
    if head[:2] == b"PK" or suffix == ".zip":
        return "zip"
    if suffix == ".csv":
        return "csv"
    if suffix == ".json" or head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[", b"<", b""):
        return "json"
    return "csv"


def read_decp(paths: str | Path | Iterable[str | Path], *, max_amount: float = MAX_AMOUNT,
              today: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read DECP files (JSON 2017 or 2022, plain or zipped; tabular CSV or Parquet) into one records table.

    Parameters
    ----------
    paths : path or list of paths
        Files to read; their records are put together (duplicates are looked for across files too).
    max_amount : float, default 1e10
        Amounts at or above this are absurd: flagged, never summed.
    today : date, optional
        Notification dates after this day are out of range (default: today).

    Returns
    -------
    records : DataFrame
        One row per contract, columns :data:`RECORD_COLUMNS`; exact duplicates and concessions removed,
        everything else kept with its ``date_status`` and ``amount_status``.
    summary : DataFrame
        ``rule, n_records, detail``: what was read, dropped, harmonised or flagged, and why (French).

    Examples
    --------
    >>> from etude import paths
    >>> croix = paths.shared_dir() / "data" / "decp" / "decp_croix_2019-2021.json"
    >>> records, summary = read_decp(croix)  # doctest: +SKIP
    >>> len(records)  # doctest: +SKIP
    158
    """
    today = today or dt.date.today()
    counters = {k: 0 for k in ("concessions", "unreadable", "coerced", "tabular_duplicate_rows",
                               "tabular_no_current", "duplicates")}
    counters["duplicate_examples"] = []
    seen: set = set()
    flats, reads = [], []
    for path in _sources(paths):
        if not path.exists():
            raise InputError(problem(path.name, message=f"fichier introuvable ({path})",
                                     expected="un fichier DECP JSON, ZIP, CSV ou Parquet"))
        with open(path, "rb") as fh:
            head = fh.read(8)
        kind = _kind(path, head)
        if kind in ("csv", "parquet"):
            before = dict(counters)
            flat = _finish(_read_tabular(path, kind, counters), today, max_amount)
            flats.append(flat)
            reads.append((path.name, f"DECP tabulaire ({kind.upper()})", len(flat),
                          counters["tabular_duplicate_rows"] - before["tabular_duplicate_rows"]))
            continue
        members: list[tuple[str, bytes]] = []
        if kind == "zip":
            try:
                with zipfile.ZipFile(path) as z:
                    names = [n for n in z.namelist() if n.casefold().endswith(".json")
                             and not n.startswith("__MACOSX") and not n.endswith("/")]
                    if not names:
                        raise InputError(problem(path.name, message="archive ZIP sans fichier .json",
                                                 expected="une archive ZIP contenant un fichier DECP JSON"))
                    members = [(f"{path.name}:{n}", z.read(n)) for n in names]
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
                raise InputError(problem(path.name, message="archive ZIP illisible ou incomplète",
                                         expected="une archive ZIP complète contenant un fichier DECP JSON")) from None
        else:
            members = [(path.name, path.read_bytes())]
        for name, data in members:
            raws, concessions = _decode_document(data, name)
            n_raw = len(raws) + concessions
            counters["concessions"] += concessions
            flat = _json_frame(raws, name, counters, seen, today, max_amount)
            del data, raws
            flats.append(flat)
            reads.append((name, ", ".join(sorted(set(flat["source_format"]))) or "DECP JSON", n_raw, 0))
    flat = pd.concat(flats, ignore_index=True) if len(flats) > 1 else flats[0]
    del flats
    records = flat
    del flat
    n_dup, dup_examples = counters["duplicates"], counters["duplicate_examples"]
    summary = _read_summary(records, reads, counters, n_dup, dup_examples)
    return records, pd.concat([summary, quality_summary(records)], ignore_index=True)


# --- summaries ---------------------------------------------------------------------------------------------------

def _examples(records: pd.DataFrame, mask: pd.Series, column: str, field: str, k: int = 3) -> str:
    sub = records.loc[mask, ["id", "source_file", "record_no", column]].head(k)
    parts = []
    for rid, src, no, val in sub.itertuples(index=False):
        who = rid if isinstance(rid, str) and rid else f"{src} n° {no}"
        parts.append(f"{who} {field} « {val} »")
    return ("ex. : " + " ; ".join(parts)) if parts else ""


def _read_summary(records: pd.DataFrame, reads: list, counters: dict, n_dup: int, dup_examples: list) -> pd.DataFrame:
    rows = []
    for name, form, n, dup_rows in reads:
        detail = f"{name} : {form}"
        if dup_rows:
            detail += f" ; {dup_rows} ligne(s) en double exact supprimée(s)"
        rows.append(("enregistrements lus", n, detail))
    rows.append(("contrat de concession écarté", counters["concessions"],
                 "les concessions ne sont pas des marchés : hors des chiffres"))
    rows.append(("enregistrement illisible écarté", counters["unreadable"],
                 "élément de la liste « marches » qui n'est pas un objet JSON"))
    rows.append(("valeur de type inattendu lue comme texte", counters["coerced"],
                 "enregistrements dont un champ avait un type imprévu (ex. montant en objet) : lu comme texte"))
    rows.append(("doublon exact supprimé", n_dup,
                 "enregistrement au texte identique à un précédent : le premier est gardé"
                 + (f" ; ex. : {', '.join(dup_examples)}" if dup_examples else "")))
    if counters["tabular_no_current"]:
        rows.append(("contrat sans ligne actuelle écarté", counters["tabular_no_current"],
                     "uid sans ligne donneesActuelles = vrai (extrait partiel ?)"))
    has_id = records["id"].notna()
    shared = records[has_id].duplicated("uid", keep=False)
    n_shared_ids = records.loc[has_id][shared]["uid"].nunique()
    rows.append(("identifiant partagé (lots) conservé", int(shared.sum()),
                 f"{n_shared_ids} identifiant(s) d'un même acheteur portés par des enregistrements différents "
                 "(lots) : chacun compte pour un contrat"))
    rows.append(("identifiant vide conservé", int((~has_id).sum()), "compté comme un contrat distinct"))
    for col, raw_col, label in (("nature", "nature_raw", "nature"), ("procedure", "procedure_raw", "procédure")):
        changed = records[raw_col].notna() & records[col].notna() & (records[raw_col] != records[col])
        pairs = records.loc[changed].groupby([raw_col, col], sort=False).size().sort_values(ascending=False)
        detail = " ; ".join(f"« {a} » → « {b} » ({n})" for (a, b), n in pairs.head(5).items())
        rows.append((f"{label} harmonisée", int(changed.sum()), detail or "aucun libellé modifié"))
    known = set(PROCEDURES)
    unknown = records["procedure"].notna() & ~records["procedure"].isin(known)
    top = records.loc[unknown, "procedure"].value_counts().head(5)
    rows.append(("procédure non reconnue conservée telle quelle", int(unknown.sum()),
                 " ; ".join(f"« {k} » ({v})" for k, v in top.items()) or "aucune"))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def quality_summary(records: pd.DataFrame) -> pd.DataFrame:
    """Counts of the date and amount rules on ``records`` (what the yearly figures leave out or flag).

    Call it again after :func:`filter_region` to count the exclusions within the region.

    >>> rec = pd.DataFrame({"id": ["A", "B"], "source_file": "f.json", "record_no": [1, 2],
    ...                     "date_status": ["ok", "invalid"], "date_raw": [None, "2019-02-30"],
    ...                     "amount_status": ["ok", "ok"], "amount_eur": [5.0, 0.0], "amount_raw": None,
    ...                     "holder_ids": ["X", None]})
    >>> print(quality_summary(rec).set_index("rule").loc["date de notification invalide", "detail"])
    jour qui n'existe pas ou texte illisible : exclu de tous les chiffres annuels ; ex. : B dateNotification « 2019-02-30 »
    """
    ds, ast = records["date_status"], records["amount_status"]
    dated = ds.isin(DATE_USABLE)
    rows = [
        ("date de notification manquante", int((ds == "missing").sum()), "exclu de tous les chiffres annuels"),
        ("date de notification invalide", int((ds == "invalid").sum()),
         "jour qui n'existe pas ou texte illisible : exclu de tous les chiffres annuels ; "
         + _examples(records, ds == "invalid", "date_raw", "dateNotification")),
        ("date de notification hors plage", int((ds == "out_of_range").sum()),
         f"avant {_MIN_YEAR} ou dans le futur : exclu de tous les chiffres annuels ; "
         + _examples(records, ds == "out_of_range", "date_raw", "dateNotification")),
        ("date avec heure ou fuseau horaire", int((ds == "reformatted").sum()),
         "jour retenu, heure et fuseau ignorés ; " + _examples(records, ds == "reformatted", "date_raw",
                                                                "dateNotification")),
        ("montant manquant", int((ast == "missing").sum()),
         "compté dans les contrats, exclu des montants (total, médiane)"),
        ("montant illisible", int((ast == "invalid").sum()),
         "exclu des montants ; " + _examples(records, ast == "invalid", "amount_raw", "montant")),
        ("montant négatif", int((ast == "negative").sum()),
         "exclu des montants ; " + _examples(records, ast == "negative", "amount_raw", "montant")),
        ("montant aberrant signalé", int((ast == "absurd").sum()),
         f"≥ {fmt.number(MAX_AMOUNT)} € ou suite de 9 (99 999 999) : jamais sommé ; "
         + _examples(records, ast == "absurd", "amount_raw", "montant")),
        ("montant au format français converti", int((ast == "text_fr").sum()),
         "espaces, virgule décimale ou symbole € lus ; " + _examples(records, ast == "text_fr", "amount_raw",
                                                                     "montant")),
        ("montant écrit en texte lu", int((ast == "text").sum()), "nombre simple entre guillemets (« 30000.00 »)"),
        ("montant nul conservé", int(((records["amount_eur"] == 0) & ast.isin(AMOUNT_USABLE)).sum()),
         "0 € publié (souvent un accord-cadre sans maximum) : compté dans le total et la médiane"),
        ("titulaire manquant", int(records["holder_ids"].isna().sum()),
         "compté dans les contrats, pas dans le nombre de titulaires"),
        ("contrats utilisables par année", int(dated.sum()),
         "date de notification valide : base des chiffres annuels"),
    ]
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    out["detail"] = out["detail"].str.rstrip(" ;")
    return out


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


def _region_key(region: str) -> str | None:
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
    key = _region_key(region)
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
    sdep = _map_unique(records["buyer_id"], buyer_departement)
    has = np.fromiter((v is not None for v in sdep), dtype=bool, count=n)
    decide(has, "buyer_siren", np.isin(sdep, list(target["departements"])).astype(object))
    todo = rule == ""
    if todo.any():
        sub = records.loc[todo, ["place_type", "place_code"]].astype("str")
        keys = sub["place_type"].fillna("\x00") + "\x1f" + sub["place_code"].fillna("\x00")

        def from_key(k: Any) -> tuple:
            t, c = (k or "\x00\x1f\x00").split("\x1f")
            return _place_decision(None if c == "\x00" else c, None if t == "\x00" else t, target)

        r, i, w = _map_unique(keys.reset_index(drop=True), from_key, 3)
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
    key = _region_key(region)
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
            rows.append((_RULE_LABELS[rule_id], int(m.sum()), f"{n_in} dans la région, {int(m.sum()) - n_in} hors région"))
    und = where["region_rule"] == "undetermined"
    top = where.loc[und, "why"].value_counts().head(5)
    rows.append((_RULE_LABELS["undetermined"], int(und.sum()),
                 " ; ".join(f"{k} ({v})" for k, v in top.items()) or "aucun"))
    keep = where["in_region"].fillna(False).to_numpy(bool)
    rows.append((f"retenu : {label}", int(keep.sum()), f"sur {len(records)} enregistrements"))
    return records[keep].reset_index(drop=True), pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


# --- indicators --------------------------------------------------------------------------------------------------

def _dated(records: pd.DataFrame) -> pd.DataFrame:
    return records[records["date_status"].isin(DATE_USABLE)]


def yearly_indicators(records: pd.DataFrame) -> pd.DataFrame:
    """Per notification year: contracts, total and median amount, distinct buyers and holders.

    Records without a usable notification date are left out (see :func:`quality_summary`); amounts that are
    missing, unreadable, negative or absurd are left out of the amounts only, so ``n_contracts_with_amount`` is
    the denominator of ``amount_total_eur`` and ``amount_median_eur``. Buyers are distinct ``buyer_id``
    (SIRET as published), holders distinct holder identifiers.

    Examples
    --------
    >>> rec = pd.DataFrame({"year": [2019, 2019, 2020], "date_status": "ok", "amount_eur": [10.0, 30.0, 1e17],
    ...                     "amount_status": ["ok", "text", "absurd"], "buyer_id": ["A", "A", "B"],
    ...                     "holder_ids": ["X;Y", "X", None]})
    >>> print(yearly_indicators(rec).to_string())
       year  n_contracts  amount_total_eur  amount_median_eur  n_buyers  n_holders  n_contracts_with_amount
    0  2019            2              40.0               20.0         1          2                        2
    1  2020            1               NaN                NaN         1          0                        0
    """
    d = _dated(records)
    year = d["year"].astype("int64")
    g = d.groupby(year)
    out = pd.DataFrame({"n_contracts": g.size()})
    usable = d["amount_status"].isin(AMOUNT_USABLE)
    amounts = d.loc[usable, "amount_eur"].groupby(year[usable])
    out["amount_total_eur"] = amounts.sum()
    out["amount_median_eur"] = amounts.median()
    out["n_buyers"] = d.groupby(year)["buyer_id"].nunique()
    holders = d["holder_ids"].dropna()
    if len(holders):
        h = holders.str.split(";").explode()
        pairs = pd.DataFrame({"year": year.loc[h.index].to_numpy(), "h": h.to_numpy()}).drop_duplicates()
        out["n_holders"] = pairs.groupby("year").size()
    else:
        out["n_holders"] = 0
    out["n_contracts_with_amount"] = amounts.size()
    out = out.reindex(columns=YEARLY_COLUMNS[1:])
    for col in ("n_contracts", "n_buyers", "n_holders", "n_contracts_with_amount"):
        out[col] = out[col].fillna(0).astype("int64")
    out.index.name = "year"
    return out.reset_index()[YEARLY_COLUMNS]


def procedure_mix(records: pd.DataFrame) -> pd.DataFrame:
    """Per year and harmonised procedure: ``year, procedure, n_contracts, n_year, share`` (0–1).

    ``n_year`` (the denominator) counts every dated contract of the year, those without procedure included
    (shown as « Non renseignée »).

    >>> rec = pd.DataFrame({"year": [2019, 2019, 2019], "date_status": "ok",
    ...                     "procedure": ["Procédure adaptée", "Procédure adaptée", None]})
    >>> procedure_mix(rec)
       year          procedure  n_contracts  n_year     share
    0  2019  Procédure adaptée            2       3  0.666667
    1  2019     Non renseignée            1       3  0.333333
    """
    d = _dated(records)
    proc = d["procedure"].astype(object).where(d["procedure"].notna(), "Non renseignée")
    t = pd.DataFrame({"year": d["year"].astype("int64"), "procedure": proc}).value_counts().rename("n_contracts")
    t = t.reset_index()
    t["n_year"] = t.groupby("year")["n_contracts"].transform("sum")
    t["share"] = t["n_contracts"] / t["n_year"]
    return t.sort_values(["year", "n_contracts", "procedure"], ascending=[True, False, True]).reset_index(drop=True)


def _wilson(count: pd.Series, nobs: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.stats.proportion import proportion_confint
    c, n = count.to_numpy(float), nobs.to_numpy(float)
    low, high = np.full(len(c), np.nan), np.full(len(c), np.nan)
    ok = n > 0
    if ok.any():
        low[ok], high[ok] = proportion_confint(c[ok], n[ok], alpha=0.05, method="wilson")
    return low, high


def innovation_share(records: pd.DataFrame) -> pd.DataFrame:
    """Per year: share of innovation-related procedures, and share flagged ``marcheInnovant`` with its fill rate.

    Columns: ``year, n_contracts, n_innovation_procedure`` (partenariat d'innovation + dialogue compétitif +
    experimental innovative purchase), one count per kind (``n_partenariat_innovation``,
    ``n_dialogue_competitif``, ``n_experimentation``), ``share_innovation_procedure`` with its Wilson 95 %
    interval (denominator ``n_contracts``), ``n_flag_filled`` (records where ``marcheInnovant`` is given),
    ``fill_rate``, ``n_flag_innovant`` and ``share_flag_innovant`` with its Wilson interval (denominator
    ``n_flag_filled``: never the empty flags). The 2017 format has no flag (fill rate 0, share missing), and an
    experimental innovative purchase published as « sans publicité » cannot be told apart: the procedure share
    is a lower bound.

    >>> rec = pd.DataFrame({"year": [2023] * 4, "date_status": "ok",
    ...                     "procedure": ["Dialogue compétitif", "Procédure adaptée", "Procédure adaptée", None],
    ...                     "marche_innovant": pd.array([True, False, None, None], dtype="boolean")})
    >>> innovation_share(rec)[["n_contracts", "n_innovation_procedure", "fill_rate", "share_flag_innovant"]]
       n_contracts  n_innovation_procedure  fill_rate  share_flag_innovant
    0            4                       1        0.5                  0.5
    """
    d = _dated(records)
    year = d["year"].astype("int64")
    kinds = d["procedure"].map(INNOVATION_PROCEDURES)
    out = pd.DataFrame({"n_contracts": d.groupby(year).size()})
    for code in INNOVATION_PROCEDURES.values():
        out[f"n_{code}"] = (kinds == code).groupby(year).sum()
    out["n_innovation_procedure"] = kinds.notna().groupby(year).sum()
    out["share_innovation_procedure"] = out["n_innovation_procedure"] / out["n_contracts"]
    out["ci_low_innovation_procedure"], out["ci_high_innovation_procedure"] = _wilson(
        out["n_innovation_procedure"], out["n_contracts"])
    flag = d["marche_innovant"].astype("boolean")
    out["n_flag_filled"] = flag.notna().groupby(year).sum()
    out["fill_rate"] = out["n_flag_filled"] / out["n_contracts"]
    out["n_flag_innovant"] = flag.fillna(False).astype(bool).groupby(year).sum()
    out["share_flag_innovant"] = (out["n_flag_innovant"] / out["n_flag_filled"]).where(out["n_flag_filled"] > 0)
    out["ci_low_flag_innovant"], out["ci_high_flag_innovant"] = _wilson(out["n_flag_innovant"], out["n_flag_filled"])
    out.index.name = "year"
    out = out.reset_index()
    cols = ["year", "n_contracts", "n_innovation_procedure", *[f"n_{c}" for c in INNOVATION_PROCEDURES.values()],
            "share_innovation_procedure", "ci_low_innovation_procedure", "ci_high_innovation_procedure",
            "n_flag_filled", "fill_rate", "n_flag_innovant", "share_flag_innovant", "ci_low_flag_innovant",
            "ci_high_flag_innovant"]
    for c in cols:
        if c.startswith("n_"):
            out[c] = out[c].astype("int64")
    return out[cols]


# --- display and command line ------------------------------------------------------------------------------------

def format_yearly(table: pd.DataFrame, *, lang: str = "fr") -> pd.DataFrame:
    """The yearly table for reading: French number formats, labelled columns, ``n.d.`` for missing amounts."""
    if lang not in COLUMN_LABELS:
        raise ParameterError(f"langue inconnue : « {lang} » ; valeurs possibles : {', '.join(COLUMN_LABELS)}")
    out = pd.DataFrame({"year": table["year"].astype(str)})
    for col in ("n_contracts", "n_contracts_with_amount", "n_buyers", "n_holders"):
        if col in table:
            out[col] = table[col].map(fmt.number)
    for col in ("amount_total_eur", "amount_median_eur"):
        out[col] = table[col].map(fmt.euros)
    cols = [c for c in YEARLY_COLUMNS if c in out]
    return out[cols].rename(columns=COLUMN_LABELS[lang])


def format_summary(summary: pd.DataFrame) -> str:
    """A summary table as French text lines: ``• règle : n — détail``."""
    lines = []
    for rule, n, detail in summary[SUMMARY_COLUMNS].itertuples(index=False):
        lines.append(f"  • {rule} : {fmt.number(n)}" + (f" — {detail}" if detail else ""))
    return "\n".join(lines)


def cli(files: Sequence[str | Path], *, region: str = "hauts-de-france", out: str | Path | None = None) -> int:
    """``etude decp FILE... [--region hauts-de-france|none] [--out CSV]``: print (and write) the yearly table.

    Prints what was read and every rule applied (dropped, flagged, harmonised, and why), the regional filter,
    then the per-year table; ``out`` receives the table as CSV (raw numbers). Returns the exit code.
    """
    key = _region_key(region)
    records, summary = read_decp(files)
    kept, region_summary = filter_region(records, region=region)
    table = yearly_indicators(kept)
    print(f"DECP : {len(files)} fichier(s), {fmt.number(len(records))} contrat(s) après lecture.")
    print("\nLecture et nettoyage (tous les enregistrements) :")
    print(format_summary(summary))
    print("\nPérimètre régional" + (f" ({REGIONS[key]['label']}) :" if key else " :"))
    print(format_summary(region_summary))
    if key is not None:
        q = quality_summary(kept)
        q = q[q["rule"].str.startswith(("date de notification", "montant manquant", "montant illisible",
                                        "montant négatif", "montant aberrant", "contrats utilisables"))]
        print("\nExclusions des chiffres annuels dans le périmètre retenu :")
        print(format_summary(q))
    print("\nIndicateurs par année de notification :")
    if table.empty:
        print("  aucun contrat avec une date de notification valide dans le périmètre.")
    else:
        print(format_yearly(table).to_string(index=False))
    if out:
        from etude.outputs import atomic_write
        target = atomic_write(out, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8"))
        print(f"\nTable écrite : {target}")
    return 0
