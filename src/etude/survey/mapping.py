"""Mapping files: how another export's headers and labels map to the codebook (YAML).

Examples
--------
>>> load_mapping({"values": {"buyer_type": {"Ministère": "etat"}}})["values"]
{'buyer_type': {'Ministère': 'etat'}}
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from etude.errors import InputError, problem

__all__ = ["load_mapping", "yaml_problem", "MAPPING_KEYS"]

#: Keys a mapping file may hold.
MAPPING_KEYS = {"columns", "values", "true_values", "false_values", "notes"}


def load_mapping(mapping: str | Path | dict | None) -> dict[str, Any]:
    """Read a mapping file (YAML) telling how another export's headers and labels map to the codebook.

    Keys: ``columns`` (export header → field name, question name, item code or ``ignore``), ``values``
    (field or question name → {label in the export → code, or null to ignore that label}), optional
    ``true_values`` / ``false_values`` (extra cell values of wide multi-select columns).

    >>> load_mapping({"columns": {"Type de structure": "buyer_type"}})["columns"]
    {'Type de structure': 'buyer_type'}
    """
    if mapping is None:
        return {"columns": {}, "values": {}, "true_values": [], "false_values": []}
    if isinstance(mapping, dict):
        spec, where = mapping, "correspondance"
    else:
        where = Path(mapping)
        if not where.is_file():
            raise InputError([problem(where.name, message=f"fichier de correspondance introuvable : {where}")])
        try:
            spec = yaml.safe_load(where.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise InputError([yaml_problem(where.name, exc, "fichier de correspondance illisible")]) from None
        where = where.name
    if not isinstance(spec, dict):
        raise InputError([problem(where, message="dictionnaire YAML attendu", expected="columns:, values:")])
    bad = [k for k in spec if k not in MAPPING_KEYS]
    if bad:
        raise InputError([problem(where, column=k, message="clé inconnue", expected=", ".join(sorted(MAPPING_KEYS)))
                          for k in bad])
    return {"columns": {str(k): (None if v is None else str(v)) for k, v in (spec.get("columns") or {}).items()},
            "values": {str(k): {str(a): (None if b is None else str(b)) for a, b in (v or {}).items()}
                       for k, v in (spec.get("values") or {}).items()},
            "true_values": [str(v) for v in spec.get("true_values") or []],
            "false_values": [str(v) for v in spec.get("false_values") or []],
            "_where": str(where)}



def yaml_problem(where, exc: Exception, what: str) -> dict:
    """A YAML syntax error as a problem naming the line."""
    mark = getattr(exc, "problem_mark", None)
    row = mark.line + 1 if mark is not None else None
    detail = getattr(exc, "problem", None) or exc.__class__.__name__
    return problem(where, row=row, message=f"{what} (YAML : {detail})",
                   expected="une syntaxe YAML valide (indentation par espaces, guillemets fermés)")

