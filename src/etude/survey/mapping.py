"""Mapping files (how another export's headers and labels map to the codebook) and the safe YAML reading that
study files share.

YAML written by users is read by :func:`read_yaml`, which walks the parser's events first and refuses aliases
(``*name``: the way to build a « billion laughs » bomb) and nesting deeper than :data:`MAX_YAML_DEPTH` before
any object is built; the result is then checked against a JSON Schema (``jsonschema``), so a wrong type gives
one message naming the key and the type expected (:func:`schema_problems`).

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
from etude.optional_imports import skip_slow_optional_imports
from etude.survey.clean import clean_tree, removal_note

__all__ = ["load_mapping", "yaml_problem", "read_yaml", "schema_problems", "MAPPING_KEYS", "MAPPING_SCHEMA",
           "MAX_YAML_DEPTH"]

#: Keys a mapping file may hold.
MAPPING_KEYS = {"columns", "values", "true_values", "false_values", "not_asked", "notes"}
#: Deepest nesting of lists and dictionaries accepted in a study or mapping file.
MAX_YAML_DEPTH = 20

_SCALAR = ["string", "integer", "number", "boolean", "null"]
_CODES = {"type": ["array", "null"], "items": {"type": "string"}}
#: JSON Schema of a mapping file (types only; unknown keys are reported with the list of known ones).
MAPPING_SCHEMA = {
    "type": "object",
    "properties": {
        "columns": {"type": ["object", "null"], "additionalProperties": {"type": ["string", "null"]}},
        "values": {"type": ["object", "null"],
                   "additionalProperties": {"type": ["object", "null"], "additionalProperties": {"type": _SCALAR}}},
        "true_values": {"type": ["array", "null"], "items": {"type": _SCALAR}},
        "false_values": {"type": ["array", "null"], "items": {"type": _SCALAR}},
        "not_asked": _CODES,
    },
}
_TYPE_FR = {"string": "texte", "integer": "nombre entier", "number": "nombre", "boolean": "true ou false",
            "array": "liste (- a)", "object": "dictionnaire (clé: valeur)", "null": "vide"}
_EVENTS_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_EVENTS_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def read_yaml(path: Path, what: str, *, where: str | None = None) -> Any:
    """Parse a user's YAML file safely: no aliases, at most :data:`MAX_YAML_DEPTH` levels, UTF-8.

    Parameters
    ----------
    path : Path
    what : str
        « fichier d'étude », « fichier de correspondance »… (for messages).
    where : str, optional
        Name shown in messages (default: the path).

    Raises
    ------
    InputError
        Unreadable bytes, YAML syntax, an alias or too deep a nesting (the message names the line).
    """
    where = where or str(path)
    try:
        text = path.read_text(encoding="utf-8")
        depth = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise InputError([problem(where, row=event.start_mark.line + 1, value=f"*{event.anchor}",
                                          message=f"{what} refusé : alias YAML",
                                          expected="des valeurs écrites en entier (sans ancre & ni alias *)")])
            if isinstance(event, _EVENTS_OPEN):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise InputError([problem(where, row=event.start_mark.line + 1,
                                              message=f"{what} refusé : imbrication de plus de {MAX_YAML_DEPTH} "
                                                      "niveaux", expected="un fichier à plat, comme le modèle")])
            elif isinstance(event, _EVENTS_CLOSE):
                depth -= 1
        return yaml.safe_load(text)
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        raise InputError([yaml_problem(where, exc, f"{what} illisible")]) from None


def _key_path(path) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def schema_problems(spec: Any, schema: dict, where: str) -> list[dict]:
    """Every JSON Schema violation of ``spec`` as a problem naming the key and what was expected, in French.

    >>> [p["column"] + " : " + p["expected"] for p in schema_problems({"columns": ["a"]}, MAPPING_SCHEMA, "m.yaml")]
    ['columns : dictionnaire (clé: valeur) ou vide']
    >>> [p["column"] + " : " + p["message"] for p in schema_problems({}, {"required": ["themes"]}, "c.yaml")]
    ['themes : clé manquante']
    """
    skip_slow_optional_imports()
    import jsonschema

    out, seen = [], set()
    validator = jsonschema.Draft202012Validator(schema)
    for err in sorted(validator.iter_errors(spec), key=lambda e: [str(p) for p in e.absolute_path]):
        for p in _schema_problem(err, where):
            if (p["column"], p["message"]) not in seen:
                seen.add((p["column"], p["message"]))
                out.append(p)
    return out


def _schema_problem(err, where: str) -> list[dict]:
    """One JSON Schema error as problems: a wrong type, missing keys, an empty list or dictionary, a bad form."""
    column = _key_path(err.absolute_path) or "(racine)"
    value = err.instance if isinstance(err.instance, (str, int, float, bool)) else type(err.instance).__name__
    if err.validator == "type":
        types = [err.validator_value] if isinstance(err.validator_value, str) else err.validator_value
        return [problem(where, column=column, value=value, message="type inattendu",
                        expected=" ou ".join(dict.fromkeys(_TYPE_FR.get(t, t) for t in types)))]
    if err.validator == "required":
        missing = [k for k in err.validator_value if k not in err.instance]
        return [problem(where, column=k if column == "(racine)" else f"{column}.{k}", message="clé manquante",
                        expected=", ".join(err.validator_value)) for k in missing]
    if err.validator in ("minItems", "minProperties"):
        return [problem(where, column=column, message="vide", expected="au moins un élément")]
    if err.validator == "pattern":
        return [problem(where, column=column, value=value, message="forme inattendue",
                        expected=f"un texte de la forme {err.validator_value}")]
    return [problem(where, column=column, value=value, message="valeur inattendue", expected=err.message)]


def load_mapping(mapping: str | Path | dict | None) -> dict[str, Any]:
    """Read a mapping file (YAML) telling how another export's headers and labels map to the codebook.

    Keys: ``columns`` (export header → field name, question name, item code or ``ignore``), ``values``
    (field or question name → {label in the export → code, or null to ignore that label}), optional
    ``true_values`` / ``false_values`` (extra cell values of wide multi-select columns).

    Every text is cleaned as it is read (:func:`etude.survey.clean.clean_tree`); what was removed is said as
    information in ``_notes`` (a list of problems), with the key it was removed from.

    >>> load_mapping({"columns": {"Type de structure": "buyer_type"}})["columns"]
    {'Type de structure': 'buyer_type'}
    """
    if mapping is None:
        return {"columns": {}, "values": {}, "true_values": [], "false_values": [], "not_asked": []}
    if isinstance(mapping, dict):
        spec, where = mapping, "correspondance"
    else:
        where = Path(mapping)
        if not where.is_file():
            raise InputError([problem(where.name, message=f"fichier de correspondance introuvable : {where}")])
        spec = read_yaml(where, "fichier de correspondance", where=where.name) or {}
        where = where.name
    if not isinstance(spec, dict):
        raise InputError([problem(where, message="dictionnaire YAML attendu", expected="columns:, values:")])
    bad = [k for k in spec if k not in MAPPING_KEYS]
    if not bad and schema_problems(spec, MAPPING_SCHEMA, str(where)):
        raise InputError(schema_problems(spec, MAPPING_SCHEMA, str(where)))
    if bad:
        raise InputError([problem(where, column=k, message="clé inconnue", expected=", ".join(sorted(MAPPING_KEYS)))
                          for k in bad])
    removed: list[tuple[str, str]] = []
    spec = clean_tree(spec, removed=removed)
    note = removal_note(where, removed)
    return {"columns": {str(k): (None if v is None else str(v)) for k, v in (spec.get("columns") or {}).items()},
            "values": {str(k): {str(a): (None if b is None else str(b)) for a, b in (v or {}).items()}
                       for k, v in (spec.get("values") or {}).items()},
            "true_values": [str(v) for v in spec.get("true_values") or []],
            "false_values": [str(v) for v in spec.get("false_values") or []],
            "not_asked": [str(v) for v in spec.get("not_asked") or []],
            "_where": str(where), "_notes": [note] if note else []}



def yaml_problem(where, exc: Exception, what: str) -> dict:
    """A YAML syntax error as a problem naming the line."""
    mark = getattr(exc, "problem_mark", None)
    row = mark.line + 1 if mark is not None else None
    detail = getattr(exc, "problem", None) or exc.__class__.__name__
    return problem(where, row=row, message=f"{what} (YAML : {detail})",
                   expected="une syntaxe YAML valide (indentation par espaces, guillemets fermés)")

