"""DECP cleaning rules on one value: amounts, dates, flags, procedure and nature labels.

These scalar functions are the single source of truth; the frame code (:mod:`etude.decp.records`) maps them
once per distinct value.

Examples
--------
>>> parse_amount("1 234,50 €")
(1234.5, 'text_fr')
>>> parse_date("2019-02-30")
(None, 'invalid')
>>> normalise_procedure("Appel d offres ouvert")
"Appel d'offres ouvert"
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "parse_amount", "parse_date", "parse_flag", "normalise_procedure", "normalise_nature", "fold",
    "parse_bids", "parse_consideration", "parse_category",
    "PROCEDURES", "INNOVATION_PROCEDURES", "COMPETITIVE_PROCEDURES", "SME_CATEGORIES", "HOLDER_CATEGORIES",
    "MAX_AMOUNT", "AMOUNT_USABLE", "DATE_USABLE", "NULL_TEXTS", "MIN_YEAR", "MAX_BIDS",
]

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
#: Procedures counted in the single-bid rate: the competitive ones, with a call for competition (OCDS « open »
#: and « selective » methods, as Cardinal's R018 rule counts them). Left out: contracts awarded without
#: publicity or competition (a single bid is expected there), the experimental innovative purchase (idem),
#: unknown or missing procedures.
COMPETITIVE_PROCEDURES = (
    "Procédure adaptée", "Appel d'offres ouvert", "Appel d'offres restreint", "Procédure avec négociation",
    "Dialogue compétitif", "Partenariat d'innovation", "Concours",
)
#: Holder categories of the consolidated DECP (``titulaire_categorie``, from the SIRENE register).
HOLDER_CATEGORIES = ("PME", "ETI", "GE")
#: Categories counted as small and medium-sized enterprises.
SME_CATEGORIES = ("PME",)
#: Most bids a contract may report (``offresRecues``); more is read as a typing error (not given).
MAX_BIDS = 1000
_NATURES = {"marche": "Marché", "marche de partenariat": "Marché de partenariat", "accord cadre": "Accord-cadre",
            "marche subsequent": "Marché subséquent",
            "marche de defense ou de securite": "Marché de défense ou de sécurité"}


#: Texts read as « not given » (compared without case).
NULL_TEXTS = {"", "nc", "n/c", "na", "n/a", "nan", "null", "none", "-", "nd", "n.d."}
_PLAIN_NUMBER = re.compile(r"^\+?\d+(\.\d+)?([eE][+-]?\d+)?$")
_SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009\t"), None)
_CURRENCY = re.compile(r"(?i)(€|\beuros?\b|\beur\b|\bh\.?t\.?\b)")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(.*)$")
_FR_DAY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_TIME_SUFFIX = re.compile(r"^([T ]\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
#: Notification dates before this year are out of range.
MIN_YEAR = 2000
#: Texts of special floats (JSON ``NaN``/``Infinity`` literals): an unreadable amount, not a missing one.
_NOT_NUMBERS = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}



def fold(text: str) -> str:
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
    ``NaN``, ``Infinity``, ``1e309`` and integers too big for a float are ``invalid`` (a float NaN, as pandas
    stores a missing cell, is ``missing``).

    >>> parse_amount("30000.00"), parse_amount(1e17), parse_amount("NC")
    ((30000.0, 'text'), (1e+17, 'absurd'), (nan, 'missing'))
    >>> parse_amount("1.234.567,8 EUR HT")
    (1234567.8, 'text_fr')
    >>> parse_amount("1e309"), parse_amount("NaN"), parse_amount(10 ** 400)
    ((nan, 'invalid'), (nan, 'invalid'), (nan, 'invalid'))
    """
    x, status = _read_number(value)
    if status not in AMOUNT_USABLE:
        return math.nan, status
    if not math.isfinite(x):
        return math.nan, "invalid"
    if x < 0:
        return x, "negative"
    if x >= max_amount or (x >= 9_999_999 and x == int(x) and set(str(int(x))) == {"9"}):
        return x, "absurd"
    return x, status


def _read_number(value: Any) -> tuple[float, str]:
    """``(number, how it was written)`` of one ``montant`` (``ok``, ``text``, ``text_fr``), or ``(nan, why not)``:
    ``missing`` or ``invalid``; the range is :func:`parse_amount`'s to judge."""
    if value is None:
        return math.nan, "missing"
    if isinstance(value, bool):
        return math.nan, "invalid"
    if isinstance(value, (int, float, np.integer, np.floating)):
        try:
            x = float(value)
        except OverflowError:                  # an integer of hundreds of digits
            return math.nan, "invalid"
        return (math.nan, "missing") if math.isnan(x) else (x, "ok")
    if isinstance(value, str):
        return _read_text(value.strip())
    return math.nan, "invalid"


def _read_text(text: str) -> tuple[float, str]:
    """An amount written as text: a plain number (``text``), French writing (``text_fr``), null-like, or not one."""
    if text.casefold() in _NOT_NUMBERS:
        return math.nan, "invalid"
    if text.casefold() in NULL_TEXTS:
        return math.nan, "missing"
    if _PLAIN_NUMBER.match(text):
        return float(text), "text"
    x = _french_number(text)
    return (math.nan, "invalid") if x is None else (x, "text_fr")


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


def parse_date(value: Any, *, today: dt.date | None = None, min_year: int = MIN_YEAR) -> tuple[dt.date | None, str]:
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
        if text.casefold() in NULL_TEXTS:
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
        t = fold(value)
        if t in ("oui", "true", "vrai", "1", "yes"):
            return True
        if t in ("non", "false", "faux", "0", "no"):
            return False
    return None


_PROCEDURE_KEYS = {fold(v): label for label, variants in PROCEDURES.items() for v in variants}


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
    key = fold(label)
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
    key = fold(label)
    if not key:
        return None
    return _NATURES.get(key, " ".join(str(label).split()))


def parse_bids(value: Any, *, max_bids: int = MAX_BIDS) -> int | None:
    """Read ``offresRecues``: a whole number of bids from 0 to ``max_bids``; anything else is not given.

    >>> parse_bids("1"), parse_bids(3.0), parse_bids(""), parse_bids("2,5"), parse_bids(10 ** 6)
    (1, 3, None, None, None)
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit():
            return None
        value = int(text)
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value) or not float(value).is_integer():
            return None
        value = int(value)
    if isinstance(value, (int, np.integer)) and 0 <= value <= max_bids:
        return int(value)
    return None


def parse_consideration(value: Any) -> bool | None:
    """Read ``considerationsSociales`` or ``considerationsEnvironnementales``: ``True`` when any clause or
    criterion is listed, ``False`` for « Pas de considération … » alone, ``None`` when not given.

    A list (DECP JSON 2022) or a text joining several values (consolidated file, « Clause sociale, Critère
    social ») is read value by value.

    >>> parse_consideration("Clause sociale, Critère social"), parse_consideration("Pas de considération sociale")
    (True, False)
    >>> parse_consideration(["Pas de considération environnementale"]), parse_consideration("")
    (False, None)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dict):
        value = next(iter(value.values()), None) if len(value) == 1 else list(value.values())
        return parse_consideration(value)
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,;|]", str(value))
    texts = [fold(v) for v in items if v is not None and fold(v) and fold(v) not in NULL_TEXTS]
    if not texts:
        return None
    return any(not t.startswith("pas de consideration") for t in texts)


def parse_category(value: Any) -> str | None:
    """Read ``titulaire_categorie``: ``PME``, ``ETI`` or ``GE`` (case and spaces ignored); else ``None``.

    >>> parse_category(" pme "), parse_category("GE"), parse_category("NC")
    ('PME', 'GE', None)
    """
    if not isinstance(value, str):
        return None
    key = value.strip().upper()
    return key if key in HOLDER_CATEGORIES else None
