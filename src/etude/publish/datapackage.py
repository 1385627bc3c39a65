"""Every run folder as an open-data package: ``datapackage.json`` (Frictionless Data Package) beside ``tables/``.

:func:`write_datapackage` describes each CSV of ``tables/`` as a tabular data resource: path, sha256 and size,
UTF-8 and comma (the data.gouv.fr conventions: decimal point, ISO dates, empty cell = missing), and a Table
Schema — each column's name, type (read from the values: integer, number, boolean, date, string), French title
and description and English description (``description_en``: the workbook's labels,
:mod:`etude.publish.column_labels`, else the DECP catalogue's), missing values and a primary key (the first
combination of at most four complete columns whose values never repeat). The package carries the licence
(Licence Ouverte / Etalab 2.0), the run's sources and its data status (``simulated``); it says nothing that
changes from one run of the same tables to the next, so an unchanged re-run copies it like the other
deliverables. ``tests/test_datapackage.py`` validates a run's package with the ``frictionless`` library.

Examples
--------
>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> (d / "tables").mkdir()
>>> _ = (d / "tables" / "freins.csv").write_text("item,pct\\nb_temps,0.5\\nb_cout,\\n", encoding="utf-8")
>>> pkg = json.loads(write_datapackage(d, info={"simulated": True}).read_text(encoding="utf-8"))
>>> pkg["licenses"][0]["name"], pkg["simulated"], pkg["resources"][0]["schema"]["primaryKey"]
('etalab-2.0', True, ['item'])
>>> [(f["name"], f["type"]) for f in pkg["resources"][0]["schema"]["fields"]]
[('item', 'string'), ('pct', 'number')]
"""
from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from etude import words
from etude.files import atomic_write, sha256
from etude.publish import column_labels

__all__ = ["write_datapackage", "describe_table", "LICENCE", "PACKAGE_FILE"]

#: The package's file in a run folder.
PACKAGE_FILE = "datapackage.json"
#: The licence of every published run (data.gouv.fr's default for public data).
LICENCE = {"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence version 2.0",
           "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_KEY = 4


def _label(code: str, lang: str) -> str:
    if words.has(f"columns.{code}", lang):
        return column_labels.column_label(code, lang=lang)
    key = f"decp.columns.{code}"
    return words.text(key, lang) if words.has(key, lang) else code


def _title(stem: str, lang: str) -> str:
    if words.has(f"workbook.titles.{stem}", lang) or words.has(f"workbook.sheet_names.{stem}", lang):
        return column_labels.table_title(stem, lang=lang)
    key = f"decp.tables.{stem}"
    return words.text(key, lang) if words.has(key, lang) else stem


def _field_type(values: pd.Series) -> str:
    v = values.dropna()
    if pd.api.types.is_bool_dtype(values):
        return "boolean"
    if pd.api.types.is_integer_dtype(values):
        return "integer"
    if pd.api.types.is_float_dtype(values):
        return "number"
    if len(v) and v.astype(str).str.fullmatch(_ISO_DAY).all():
        return "date"
    return "string"


def _primary_key(df: pd.DataFrame) -> list[str]:
    """The first combination (in column order) of at most four complete columns whose rows never repeat."""
    complete = [c for c in df.columns if df[c].notna().all()][:12]
    for k in range(1, min(_MAX_KEY, len(complete)) + 1):
        for combo in itertools.combinations(complete, k):
            if not df.duplicated(list(combo)).any():
                return list(combo)
    return []


def describe_table(path: Path, *, base: Path) -> dict[str, Any]:
    """The tabular data resource of one CSV (its schema read from the file)."""
    df = pd.read_csv(path, encoding="utf-8", keep_default_na=False, na_values=[""], low_memory=False)
    fields = []
    for col in df.columns:
        f_type = _field_type(df[col])
        fields.append({"name": str(col), "type": f_type, "title": _label(str(col), "fr"),
                       "description": _label(str(col), "fr"), "description_en": _label(str(col), "en")})
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    key = _primary_key(df)
    if key:
        schema["primaryKey"] = key
    stem = path.stem
    return {"name": re.sub(r"[^a-z0-9._-]", "-", stem.lower()), "path": path.relative_to(base).as_posix(),
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "title": _title(stem, "fr"), "description": _title(stem, "fr"), "description_en": _title(stem, "en"),
            "bytes": path.stat().st_size, "hash": f"sha256:{sha256(path)}",
            "dialect": {"delimiter": ",", "doubleQuote": True, "header": True}, "schema": schema}


def write_datapackage(run_dir: Path, *, info: dict | None = None, simulated: bool | None = None) -> Path:
    """Write ``<run_dir>/datapackage.json`` describing every ``tables/*.csv``; returns its path.

    ``info`` is the run's description (:func:`etude.publish.runinfo.run_info`): title, sources, data status
    (``simulated`` overrides the latter).
    """
    run_dir = Path(run_dir)
    info = info or {}
    simulated = bool(info.get("simulated", True) if simulated is None else simulated)
    resources = [describe_table(p, base=run_dir) for p in sorted((run_dir / "tables").glob("*.csv"))]
    title = info.get("title") or "etude"
    package = {
        "profile": "tabular-data-package", "name": "etude-innovation-commande-publique-hauts-de-france",
        "title": f"{title} — {words.data_status(simulated, 'fr')}", "simulated": simulated,
        "description": words.data_status(simulated, "fr"), "description_en": words.data_status(simulated, "en"),
        "licenses": [LICENCE], "sources": [{"title": str(s)} for s in info.get("sources") or []],
        "keywords": ["commande publique", "innovation", "Hauts-de-France", "DECP"], "resources": resources,
    }
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    return atomic_write(run_dir / PACKAGE_FILE, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
