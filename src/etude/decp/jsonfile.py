"""Reading DECP JSON documents: the 2017 format ``{"marches": [...]}`` and the 2022 format, plain or wrapped.

The 2022+ JSON (« DECP v2 ») is also read as published on data.gouv.fr ``{"marches": {"marche": [...]}}``,
with holders nested as ``{"titulaire": {...}}`` and the ``marcheInnovant`` flag. Records are decoded with
msgspec (only the fields used, typed); a record the typed decoder refuses is read leniently (its odd fields
as text) and counted.

Examples
--------
>>> raws, n_concessions = decode_document(b'{"marches": [{"id": "1"}]}', "f.json")
>>> len(raws), n_concessions
(1, 0)
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
import zlib
from collections.abc import Iterator
from typing import Any

import msgspec
import pandas as pd

from etude.decp.records import ReadCounters, finish_records, ident, place_code
from etude.errors import InputError, problem

__all__ = ["decode_document", "json_rows", "rows_frame", "ROW_FIELDS", "FORMAT_FIELD"]

#: Above this size, a document that is not strict JSON is not retried with Python's slower reader.
_LENIENT_MAX_BYTES = 512 * 1024 ** 2
#: Integers longer than this stay text in the lenient reader (Python refuses to print ints over 4,300 digits).
_MAX_INT_DIGITS = 300


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
    considerationsSociales: Any = None
    considerationsEnvironnementales: Any = None
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
                holders.append(_Holder(id=_text_or_none(h.get("id")),
                                       typeIdentifiant=_str_or_none(h.get("typeIdentifiant"))))
    innov = obj.get("marcheInnovant")
    return _Record(
        id=_text_or_none(obj.get("id")), acheteur=buyer, nature=_str_or_none(obj.get("nature")),
        objet=_str_or_none(obj.get("objet")), codeCPV=_text_or_none(obj.get("codeCPV")),
        procedure=_str_or_none(obj.get("procedure")), lieuExecution=place,
        dureeMois=_text_or_none(obj.get("dureeMois")), dateNotification=_str_or_none(obj.get("dateNotification")),
        montant=_text_or_none(obj.get("montant")), titulaires=holders,
        marcheInnovant=innov if isinstance(innov, (bool, str, int)) else None,
        type_=_str_or_none(obj.get("_type")), offresRecues=obj.get("offresRecues"), ccag=obj.get("ccag"),
        techniques=obj.get("techniques"), considerationsSociales=obj.get("considerationsSociales"),
        considerationsEnvironnementales=obj.get("considerationsEnvironnementales"))


def _str_or_none(v: Any) -> str | None:
    return None if v is None else v if isinstance(v, str) else _text_or_none(v)


def _leaves(value: Any) -> str | int | float | None:
    """A 2022-format field as one hashable value: lists and objects as their texts joined by « , »."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, dict):
        return _leaves(list(value.values()))
    if isinstance(value, (list, tuple)):
        parts = [_leaves(v) for v in value]
        return ", ".join(str(p) for p in parts if p is not None) or None
    return str(value)


def _row(rec: _Record) -> tuple:
    buyer = rec.acheteur
    holders, listed, nested = [], 0, False
    for h in rec.titulaires or ():
        listed += 1
        hid = h.id
        if h.titulaire is not None:
            nested = True
            hid = h.titulaire.id if isinstance(h.titulaire, _HolderInner) else None
        hid = ident(hid, 14)
        if hid and hid not in holders:
            holders.append(hid)
    place = rec.lieuExecution
    v2 = nested or rec.marcheInnovant is not None or rec.offresRecues is not None or rec.ccag is not None \
        or rec.techniques is not None
    code = place.code if place else None
    if code is not None and code.__class__ is not str:
        code = place_code(code, place.typeCode)      # a number: zero-padded by its type (strings later)
    return (ident(rec.id), buyer.id if buyer else None, buyer.nom if buyer else None, rec.nature,
            rec.objet, rec.codeCPV, rec.procedure, code, place.typeCode if place else None,
            rec.dureeMois, rec.dateNotification, rec.montant, ";".join(holders) or None, listed,
            rec.marcheInnovant, "DECP 2022" if v2 else "DECP 2017", _leaves(rec.offresRecues),
            _leaves(rec.considerationsSociales), _leaves(rec.considerationsEnvironnementales))


#: The fields of a row of :func:`json_rows`, in order (raw values; :func:`finish_records` reads them).
ROW_FIELDS = ["id", "buyer_id", "buyer_name", "nature_raw", "object", "cpv", "procedure_raw", "place_code",
               "place_type", "duration_raw", "date_raw", "amount_raw", "holder_ids", "n_holders_listed",
               "innov_raw", "source_format", "bids_raw", "social_raw", "env_raw"]
#: Position of the record's format (``DECP 2017`` or ``DECP 2022``) in a row of :func:`json_rows`.
FORMAT_FIELD = ROW_FIELDS.index("source_format")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, min(offset, len(data))) + 1


def _finite_or_text(text: str) -> float | str:
    """A JSON number too big for a float (``1e309``) stays text: the amount rule calls it unreadable."""
    x = float(text)
    return x if math.isfinite(x) else text


def _int_or_text(text: str) -> int | str:
    return int(text) if len(text) <= _MAX_INT_DIGITS else text


def _lenient_loads(data: bytes) -> Any:
    """Python's JSON reader, which accepts ``NaN`` and ``Infinity`` (kept as text) and keeps huge numbers as
    text; ``None`` when the text is still not JSON, too deep, or too big for this slower path."""
    if len(data) > _LENIENT_MAX_BYTES:
        return None
    try:
        return json.loads(data, parse_constant=str, parse_float=_finite_or_text, parse_int=_int_or_text)
    except (ValueError, RecursionError):
        return None


def _too_deep(name: str) -> InputError:
    return InputError(problem(name, message="JSON imbriqué trop profondément (des milliers de niveaux de [ ou {)",
                              expected="un fichier DECP JSON : une liste « marches » d'enregistrements à plat"))


def decode_document(data: bytes, name: str) -> tuple[list, int]:
    """The list of raw records of a DECP JSON document and the number of concessions set aside.

    A document that is not strict JSON only because of ``NaN``/``Infinity`` literals is read by Python's
    reader, those values kept as text (counted as unreadable amounts); nesting deeper than the decoders'
    limit is a clean :class:`InputError`, never a ``RecursionError``.
    """
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise InputError(problem(name, message="fichier vide",
                                 expected="un fichier DECP JSON {\"marches\": […]}"))
    if stripped[:1] == b"<":
        raise InputError(problem(name, message="le fichier est une page HTML, pas du JSON (téléchargement raté ?)",
                                 expected="un fichier DECP JSON {\"marches\": […]}"))
    try:
        doc = _DOC_DECODER.decode(stripped)
    except RecursionError:
        raise _too_deep(name) from None
    except msgspec.ValidationError as exc:
        raise InputError(problem(name, message=f"JSON sans liste « marches » lisible ({_french_validation(exc)})",
                                 expected="un fichier DECP : {\"marches\": […]} (format 2017) ou "
                                          "{\"marches\": {\"marche\": […]}} (format 2022)")) from None
    except msgspec.DecodeError as exc:
        msg = str(exc)
        if "truncated" in msg:
            line = stripped.count(b"\n") + 1
            raise InputError(problem(name, row=line, message="JSON tronqué : le fichier s'arrête avant la fin "
                                     "(téléchargement interrompu ?)",
                                     expected="un fichier DECP JSON complet")) from None
        lenient = _lenient_loads(stripped)
        if lenient is not None:
            return decode_document(msgspec.json.encode(lenient), name)
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


def _decode_record(raw: Any, counters: ReadCounters) -> _Record | None:
    """The typed record; else read leniently (counted as coerced); else ``None`` (counted as unreadable)."""
    try:
        return _RECORD_DECODER.decode(raw)
    except msgspec.ValidationError:
        pass
    except RecursionError:
        counters.unreadable += 1
        return None
    try:
        obj = msgspec.json.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
        obj = _lenient_loads(bytes(raw))       # a number out of range (1e309) stays text
    rec = _coerce(obj)
    if rec is None:
        counters.unreadable += 1
    else:
        counters.coerced += 1
    return rec


def json_rows(raws: list, name: str, counters: ReadCounters, seen: set) -> Iterator[tuple[tuple, int]]:
    """Decode raw records one by one: ``(row, record number)``, a row holding :data:`ROW_FIELDS`.

    A record whose text was already seen (in this document or an earlier one) is an exact duplicate: skipped and
    counted. Texts are compared by a 96-bit fingerprint (64-bit hash, CRC-32) with their length. Concessions and
    unreadable records are counted and skipped.

    >>> c = ReadCounters()
    >>> [(row[0], no) for row, no in json_rows([b'{"id": "A"}', b'{"id": "A"}'], "f.json", c, set())]
    [('A', 1)]
    >>> c.duplicates, c.duplicate_examples
    (1, [('A', 'f.json', 2)])
    """
    decode, crc32, mask = _RECORD_DECODER.decode, zlib.crc32, 0xFFFFFFFFFFFFFFFF
    for i, raw in enumerate(raws, start=1):
        b = bytes(raw)
        key = ((hash(b) & mask) << 56) | (crc32(b) << 24) | (len(b) & 0xFFFFFF)
        if key in seen:
            counters.duplicates += 1
            if len(counters.duplicate_examples) < 3:
                try:
                    rid = ident(decode(raw).id)
                except (msgspec.ValidationError, RecursionError):
                    rid = None
                counters.duplicate_examples.append((rid, name, i))
            continue
        seen.add(key)
        rec = _decode_record(raw, counters)
        if rec is None:
            continue
        if rec.type_ and "concession" in rec.type_.casefold():
            counters.concessions += 1
            continue
        yield _row(rec), i


def rows_frame(rows: list[tuple], nos: list[int], names: list[str] | str, today: dt.date,
               max_amount: float) -> pd.DataFrame:
    """Records (one row each) from rows of :func:`json_rows`, their record numbers and source files (one name per
    row, or one for all), with the rules applied once per distinct value (:func:`finish_records`)."""
    cols = dict(zip(ROW_FIELDS, (list(c) for c in zip(*rows)))) if rows else {f: [] for f in ROW_FIELDS}
    cols.update(record_no=nos, source_file=names)
    return finish_records(cols, today, max_amount)
