"""Reading DECP files of any supported layout into one records table, with the summary of the rules applied.

JSON files (2017 or 2022 format) may be plain or zipped (a ``.zip`` holding ``.json`` files); tabular files
are CSV or Parquet. A ZIP whose members would inflate beyond ``max_unzipped`` bytes is refused before it is
inflated (declared sizes checked first, then the bytes counted while reading, in case a declared size lies).

Examples
--------
>>> import json, tempfile
>>> f = Path(tempfile.mkdtemp()) / "d.json"
>>> _ = f.write_text(json.dumps({"marches": [{"id": "1", "dateNotification": "2019-03-01", "montant": 10}]}))
>>> records, summary = read_decp(f, today=dt.date(2026, 1, 1))
>>> records[["id", "year", "amount_eur"]].values.tolist()
[['1', 2019, 10.0]]
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from etude.decp import engine
from etude.decp.engine import Records
from etude.decp.jsonfile import FORMAT_FIELD, decode_document, json_rows, rows_frame
from etude.decp.records import RECORD_COLUMNS, ReadCounters
from etude.decp.rules import MAX_AMOUNT
from etude.decp.summary import quality_summary, read_summary
from etude.decp.tabular import load_tabular, part_constants
from etude.errors import InputError, ParameterError, problem

__all__ = ["read_decp", "load", "summarise", "Loaded", "MAX_UNZIPPED", "JSON_BATCH"]

#: Most bytes the ``.json`` members of one DECP ZIP may inflate to, all together (4 Gio; ``max_unzipped``).
MAX_UNZIPPED = 4 * 1024 ** 3
_CHUNK = 1 << 20
#: Most JSON records put in one frame (bounds the Python objects alive at once; a ZIP's small members share one).
JSON_BATCH = 50_000
_EXPECTED = "un fichier DECP JSON, ZIP, CSV ou Parquet"


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


def _head(path: Path) -> bytes:
    """The first bytes of ``path``; a missing file, a folder or an unreadable file is a clean error."""
    if path.is_dir():
        raise InputError(problem(path.name, message=f"« {path} » est un dossier, pas un fichier",
                                 expected=_EXPECTED + " (donnez les fichiers du dossier, ex. dossier/*.json)"))
    if not path.exists():
        raise InputError(problem(path.name, message=f"fichier introuvable ({path})", expected=_EXPECTED))
    try:
        with open(path, "rb") as fh:
            return fh.read(8)
    except OSError as exc:
        raise InputError(problem(path.name, message=f"fichier illisible ({exc.strerror or type(exc).__name__})",
                                 expected=_EXPECTED + " que vous avez le droit de lire")) from None


def _megabytes(size: int) -> str:
    """Bytes as whole megabytes with French digit groups (``4\u202f295``), for the French error message."""
    return f"{size / 1e6:,.0f}".replace(",", "\u202f")


def _too_big(path: Path, size: int, limit: int, *, declared: bool) -> InputError:
    what = "annonce" if declared else "donne en réalité plus de"
    return InputError(problem(
        path.name, message=f"archive ZIP trop volumineuse une fois décompressée : elle {what} "
                           f"{_megabytes(size)} Mo, limite {_megabytes(limit)} Mo",
        expected="une archive DECP qui tient dans la limite (bombe ZIP ?) ; pour un vrai gros fichier, "
                 "relevez la limite : etude decp --max-unzipped N (en Mo)"))


def _read_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, path: Path, limit: int) -> bytes:
    """One member's bytes, counted while inflating: more than ``budget`` bytes stops the reading."""
    chunks, total = [], 0
    with z.open(info.filename) as fh:
        while chunk := fh.read(_CHUNK):
            total += len(chunk)
            if total > budget:
                raise _too_big(path, limit - budget + total, limit, declared=False)
            chunks.append(chunk)
    return b"".join(chunks)


def _zip_members(path: Path, max_unzipped: int) -> Iterator[tuple[str, bytes]]:
    """``(name, bytes)`` of each ``.json`` member of a ZIP, refused before inflating when too big."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = [i for i in z.infolist() if i.filename.casefold().endswith(".json")
                     and not i.filename.startswith("__MACOSX") and not i.is_dir()]
            if not infos:
                raise InputError(problem(path.name, message="archive ZIP sans fichier .json",
                                         expected="une archive ZIP contenant un fichier DECP JSON"))
            declared = sum(i.file_size for i in infos)
            if declared > max_unzipped:
                raise _too_big(path, declared, max_unzipped, declared=True)
            budget = max_unzipped
            for info in infos:
                data = _read_member(z, info, budget, path, max_unzipped)
                budget -= len(data)
                yield f"{path.name}:{info.filename}", data
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
        raise InputError(problem(path.name, message="archive ZIP illisible ou incomplète",
                                 expected="une archive ZIP complète contenant un fichier DECP JSON")) from None


def _documents(path: Path, kind: str, max_unzipped: int) -> Iterator[tuple[str, bytes]]:
    """``(name, bytes)`` of each JSON document of a file: itself, or each ``.json`` member of a ZIP."""
    if kind == "zip":
        yield from _zip_members(path, max_unzipped)
    else:
        yield path.name, path.read_bytes()


def _json_frames(documents: Iterable[tuple[str, bytes]], counters: ReadCounters, seen: set, reads: list, *,
                 today: dt.date, max_amount: float) -> Iterator[pd.DataFrame]:
    """The records of JSON ``documents``, streamed: each document decoded and split into records in turn, the
    records of many documents gathered into frames of up to :data:`JSON_BATCH` (a ZIP of thousands of small
    members makes a few frames, not one per member). Appends each document's read line to ``reads``."""
    rows, nos, names = [], [], []
    for name, data in documents:
        raws, concessions = decode_document(data, name)
        del data
        counters.concessions += concessions
        forms = set()
        for row, no in json_rows(raws, name, counters, seen):
            rows.append(row)
            nos.append(no)
            names.append(name)
            forms.add(row[FORMAT_FIELD])
            if len(rows) >= JSON_BATCH:
                yield rows_frame(rows, nos, names, today, max_amount)
                rows, nos, names = [], [], []
        reads.append((name, ", ".join(sorted(forms)) or "DECP JSON", len(raws) + concessions, 0))
        del raws
    if rows:
        yield rows_frame(rows, nos, names, today, max_amount)


@dataclasses.dataclass
class Loaded:
    """What :func:`load` put in a connection: the view of every record, the read lines (name, format, records,
    duplicate rows), the rules' counters, and each part (its view, and its DataFrame for a batch of JSON records)."""

    records: Records
    reads: list[tuple]
    counters: ReadCounters
    parts: list[tuple[str, pd.DataFrame | None]]


def load(con, paths: str | Path | Iterable[str | Path], *, max_amount: float = MAX_AMOUNT,
         today: dt.date | None = None, max_unzipped: int = MAX_UNZIPPED, full: bool = False) -> Loaded:
    """Read DECP files into ``con``: one table per tabular file, one per batch of JSON records (:data:`JSON_BATCH`,
    the records of a ZIP's members together), and the view ``records`` of them all, in order; see :func:`read_decp`
    for the parameters. With ``full``, the descriptive columns of tabular files are read too."""
    if isinstance(max_unzipped, bool) or not isinstance(max_unzipped, int) or max_unzipped < 1:
        raise ParameterError(f"« max_unzipped » doit être un nombre d'octets positif, pas « {max_unzipped} »")
    today = today or dt.date.today()
    counters, seen, parts, reads = ReadCounters(), set(), [], []
    for path in _sources(paths):
        kind = _kind(path, _head(path))
        if kind in ("csv", "parquet"):
            name, before = f"part{len(parts)}", counters.tabular_duplicate_rows
            n = load_tabular(con, path, kind, counters, table=name, today=today, max_amount=max_amount, full=full)
            reads.append((path.name, f"DECP tabulaire ({kind.upper()})", n, counters.tabular_duplicate_rows - before))
            parts.append((name, None, part_constants(path.name)))
            continue
        for flat in _json_frames(_documents(path, kind, max_unzipped), counters, seen, reads, today=today,
                                 max_amount=max_amount):
            parts.append((engine.frame_view(con, f"part{len(parts)}", flat).name, flat, {}))
    if not parts:                                   # nothing but empty documents
        empty = rows_frame([], [], [], today, max_amount)
        parts.append((engine.frame_view(con, "part0", empty).name, empty, {}))
    for i, (name, _, constants) in enumerate(parts):
        con.sql(f"CREATE OR REPLACE TEMP VIEW {name}_records AS {_part_sql(con, i, name, constants)}")
    con.sql("CREATE OR REPLACE TEMP VIEW records AS "
            + " UNION ALL ".join(f"SELECT * FROM {name}_records" for name, _, _ in parts))
    return Loaded(Records(con, "records"), reads, counters, [(f"{name}_records", frame) for name, frame, _ in parts])


def _part_sql(con, i: int, name: str, constants: dict[str, str]) -> str:
    """One part of the view ``records``: every column of :data:`~etude.decp.engine.SQL_TYPES` (the ones the part
    does not store: its constants, or null), ``rn`` made unique across parts."""
    have = {row[0] for row in con.sql(f"DESCRIBE {name}").fetchall()}
    cols = [f"(CAST({i} AS BIGINT) << 40) + rn AS rn"]
    for col, kind in engine.SQL_TYPES.items():
        if col != "rn":
            cols.append(col if col in have else f"CAST({constants.get(col, 'NULL')} AS {kind}) AS {col}")
    return f"SELECT {', '.join(cols)} FROM {name}"


def summarise(loaded: Loaded) -> pd.DataFrame:
    """The summary of what reading did: the reading rules' lines, then the date and amount rules'."""
    return pd.concat([read_summary(loaded.records, loaded.reads, loaded.counters),
                      quality_summary(loaded.records)], ignore_index=True)


def read_decp(paths: str | Path | Iterable[str | Path], *, max_amount: float = MAX_AMOUNT,
              today: dt.date | None = None, max_unzipped: int = MAX_UNZIPPED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read DECP files (JSON 2017 or 2022, plain or zipped; tabular CSV or Parquet) into one records table.

    Parameters
    ----------
    paths : path or list of paths
        Files to read; their records are put together (duplicates are looked for across files too).
    max_amount : float, default 1e10
        Amounts at or above this are absurd: flagged, never summed.
    today : date, optional
        Notification dates after this day are out of range (default: today).
    max_unzipped : int, default :data:`MAX_UNZIPPED` (4 Gio)
        Most bytes the ``.json`` members of one ZIP may inflate to; a bigger archive is refused before it is
        inflated (``etude decp --max-unzipped``, in Mo).

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
    with engine.connect() as con:
        loaded = load(con, paths, max_amount=max_amount, today=today, max_unzipped=max_unzipped, full=True)
        summary = summarise(loaded)
        frames = [frame if frame is not None else engine.to_frame(Records(con, name), RECORD_COLUMNS)
                  for name, frame in loaded.parts]
    records = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    return records, summary
