"""What a questionnaire's export may hold, from the codebook plus a mapping file: the typed :class:`Fields`.

:func:`build_fields` gathers, once per export, every header and label the parser accepts (from
:func:`etude.survey.codebook.variants`, then the mapping file, which wins); :func:`classify` tells what one header
holds.

Examples
--------
>>> f = build_fields("buyers", None, {"columns": {}, "values": {}, "true_values": [], "false_values": []})
>>> classify("Vous êtes", f)
('attr', 'buyer_type')
>>> classify("Colonne inconnue", f)
('unknown', None)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from etude.errors import problem
from etude.survey import codebook as cbk

__all__ = ["Fields", "build_fields", "classify", "TRUE_VALUES", "FALSE_VALUES", "IGNORE", "TOOL_COLUMNS",
           "TOOL_ID_COLUMNS"]

#: Cell values meaning "ticked" in a wide multi-select column (compared after :func:`etude.survey.codebook.normalise`).
TRUE_VALUES = ("oui", "o", "y", "yes", "1", "x", "vrai", "true", "coche", "checked", "selected")
#: Cell values meaning "not ticked".
FALSE_VALUES = ("", "non", "n", "no", "0", "faux", "false", "non coche", "not checked", "not selected", "n/a", "-")
#: Mapping target meaning "drop this column".
IGNORE = "ignore"

#: Columns survey tools add for their own bookkeeping (KoboToolbox, LimeSurvey with question codes as headers, or
#: its English headings): dropped without a warning. Compared after :func:`etude.survey.codebook.normalise`.
TOOL_COLUMNS = ("_id", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "__version__",
                "_version_", "_tags", "_index", "_parent_index", "_parent_table_name", "_attachments", "_geolocation",
                "_xform_id_string", "formhub/uuid", "meta/instanceid", "meta/rootuuid", "meta/deprecatedid",
                "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "ipaddr", "refurl",
                "date submitted", "last page", "start language", "date started", "date last action", "ip address",
                "referrer url")
#: Columns a survey tool fills with its own unique identifier of each response (KoboToolbox's ``_uuid``): read as
#: the respondent identifier when the export has no codebook one.
TOOL_ID_COLUMNS = ("_uuid",)

_WIDE_HEADER = re.compile(r"^(.*?)\s*\[(.+)\]\s*$", re.S)
#: LimeSurvey's « question code & question text » headings: ``barriers[bsoutien]. Quels freins… [Manque…]``.
_CODE_TEXT_HEADER = re.compile(r"^([A-Za-z][A-Za-z0-9]*(?:\[[A-Za-z0-9]+\])?)\. \S", re.S)


@dataclass(frozen=True)
class Fields:
    """Everything the parser needs to know about one questionnaire, for one export.

    Attributes
    ----------
    population, prefix : str
        Questionnaire and pseudonym prefix.
    headers : dict
        Folded header → role (``("id"|"attr"|"wave"|"text"|"packed", name)`` or ``("wide", (question, item))``).
    mapped_headers : dict
        The same, from the mapping file's ``columns`` (checked first).
    question_keys : dict
        Folded question text → question name (to read ``Question [Item]`` headers).
    questions : list of str
        Multi-select questions, in codebook order.
    items : dict
        Question → its item codes, in codebook order.
    item_variants : dict
        Question → {folded label → item code, or None for a label the mapping ignores}.
    attrs : dict
        Attribute name → codebook spec (``wave`` left out).
    attr_values : dict
        Attribute → {folded label → value code}.
    texts, idents : list of str
        Free-text and identifier fields.
    true, false : set of str
        Folded cell values meaning ticked / not ticked.
    not_asked : list of str
        Item codes the mapping declares not asked (``not_asked:``).
    problems : list of dict
        Problems of the mapping file itself.
    """

    population: str
    prefix: str
    headers: dict[str, tuple]
    mapped_headers: dict[str, tuple]
    question_keys: dict[str, str]
    questions: list[str]
    items: dict[str, list[str]]
    item_variants: dict[str, dict[str, str | None]]
    attrs: dict[str, dict[str, Any]]
    attr_values: dict[str, dict[str, str]]
    texts: list[str]
    idents: list[str]
    true: set[str]
    false: set[str]
    not_asked: list[str]
    problems: list[dict]


def _header_roles(v: cbk.Variants, items: dict[str, list[str]]) -> dict[str, tuple]:
    """Folded header → role; the first field listed wins a spelling two fields share."""
    headers: dict[str, tuple] = {}
    groups = [(("id", n), names) for n, names in v.identifiers.items()]
    groups += [((("wave", "wave") if n == "wave" else ("attr", n)), names) for n, names in v.attributes.items()]
    groups += [(("text", n), names) for n, names in v.texts.items()]
    groups += [(("packed", n), names) for n, names in v.questions.items()]
    groups += [(("wide", (qn, c)), (cbk.normalise(c),)) for qn, codes in items.items() for c in codes]
    for target, names in groups:
        for n in names:
            headers.setdefault(n, target)
    return headers


def _mapping_targets(f_items: dict[str, list[str]], v: cbk.Variants) -> dict[str, tuple]:
    targets = {IGNORE: ("ignore", None)}
    targets.update({n: ("id", n) for n in v.identifiers})
    targets.update({n: ("attr", n) for n in v.attributes if n != "wave"})
    targets["wave"] = ("wave", "wave")
    targets.update({n: ("text", n) for n in v.texts})
    targets.update({n: ("packed", n) for n in v.questions})
    for qn, codes in f_items.items():
        targets.update({c: ("wide", (qn, c)) for c in codes})
    return targets


def _apply_mapping(mapping: dict, *, targets: dict, items: dict, item_variants: dict, attrs: dict,
                   attr_values: dict) -> tuple[dict[str, tuple], list[dict]]:
    """The mapping file's columns and value labels, added over the codebook's (edits the variant tables)."""
    norm = cbk.normalise
    problems = []
    where = mapping.get("_where", "correspondance")
    mapped_headers: dict[str, tuple] = {}
    for header, target in mapping["columns"].items():
        t = targets.get(target if target is not None else IGNORE)
        if t is None:
            problems.append(problem(where, column=header, value=target, message="cible inconnue",
                                    expected=", ".join(sorted(targets))))
        else:
            mapped_headers[norm(header)] = t
    for field, table in mapping["values"].items():
        if field in items:
            for label, code in table.items():
                if code is not None and code not in items[field]:
                    problems.append(problem(where, column=f"values.{field}", value=code, message="code d'item inconnu",
                                            expected=", ".join(items[field])))
                item_variants[field][norm(label)] = code
        elif field in attr_values:
            codes = {str(v["code"]) for v in attrs[field].get("values", [])}
            for label, code in table.items():
                if code is not None and code not in codes and not attrs[field].get("open"):
                    problems.append(problem(where, column=f"values.{field}", value=code, message="code inconnu",
                                            expected=", ".join(sorted(codes))))
                attr_values[field][norm(label)] = code
        else:
            problems.append(problem(where, column=f"values.{field}", message="champ inconnu",
                                    expected=", ".join(sorted([*items, *attr_values]))))
    return mapped_headers, problems


def build_fields(population: str, cb: Any, mapping: dict) -> Fields:
    """The :class:`Fields` of a questionnaire: codebook spellings, then the mapping's (which win).

    Parameters
    ----------
    population : str
    cb : dict, str, Path or None
        The codebook (or its path; None for the default).
    mapping : dict
        As returned by :func:`etude.survey.mapping.load_mapping`.
    """
    v = cbk.variants(population, codebook=cb)
    items = {qn: list(cbk.items(population, qn, codebook=cb)["code"]) for qn in v.questions}
    question_keys = {n: qn for qn, names in v.questions.items() for n in names}
    item_variants: dict[str, dict[str, str | None]] = {qn: dict(t) for qn, t in v.items.items()}
    attrs = {n: s for n, s in cbk.attributes(population, codebook=cb).items() if n != "wave"}
    attr_values = {n: dict(t) for n, t in v.values.items()}
    mapped_headers, problems = _apply_mapping(mapping, targets=_mapping_targets(items, v), items=items,
                                              item_variants=item_variants, attrs=attrs, attr_values=attr_values)
    norm = cbk.normalise
    return Fields(population=population, prefix=v.prefix, headers=_header_roles(v, items),
                  mapped_headers=mapped_headers,
                  question_keys=question_keys, questions=list(v.questions), items=items, item_variants=item_variants,
                  attrs=attrs, attr_values=attr_values, texts=list(v.texts), idents=list(v.identifiers),
                  true={norm(x) for x in (*TRUE_VALUES, *mapping["true_values"])},
                  false={norm(x) for x in (*FALSE_VALUES, *mapping["false_values"])},
                  not_asked=list(mapping.get("not_asked", [])), problems=problems)


def _item_role(qn: str, label: str, f: Fields) -> tuple:
    """The role of an item column of question ``qn`` whose item is written ``label``."""
    key = cbk.normalise(label)
    if key in f.item_variants[qn]:
        code = f.item_variants[qn][key]
        return ("wide", (qn, code)) if code is not None else ("ignore", None)
    return ("wide_unknown", (qn, label.strip()))


def _question_of(path: str, f: Fields) -> str | None:
    """The question a header path names, itself or as its last parts (``groupe/barriers``)."""
    cuts = [-1] + [i for i, ch in enumerate(path) if ch == "/"]
    for i in cuts:
        qn = f.question_keys.get(cbk.normalise(path[i + 1:]))
        if qn is not None:
            return qn
    return None


#: Longest header read as a path, and most ``/`` tried in it (a cell scanned for the header row can be any text).
_PATH_MAX_CHARS, _PATH_MAX_PARTS = 1000, 20


def _path_role(header: str, f: Fields) -> tuple:
    """A header written as a path, as KoboToolbox writes them: ``question/choice`` (one 0/1 column per choice,
    names or labels), or any header under its groups (``groupe/buyer_type``, ``groupe/barriers/b_temps``)."""
    cuts = [k for k, ch in enumerate(header) if ch == "/"] if len(header) <= _PATH_MAX_CHARS else []
    for i in cuts[:_PATH_MAX_PARTS]:
        left, right = header[:i], header[i + 1:]
        qn = _question_of(left, f)
        if qn is not None and right.strip():
            return _item_role(qn, right, f)
        role = classify(right, f, paths=False)
        if role[0] not in ("unknown", "ignore"):
            return role
    return ("unknown", None)


def classify(header: str, f: Fields, *, paths: bool = True) -> tuple:
    """What a header holds: ``("id"|"attr"|"wave"|"text"|"packed", name)``, ``("wide", (question, item))``,
    ``("wide_unknown", (question, label))``, ``("ignore", None)`` or ``("unknown", None)``.

    Besides the codebook's headers and the mapping's, it reads the shapes survey tools write for a questionnaire
    generated from the codebook (:mod:`etude.survey.questionnaire`): ``Question [Item]`` and LimeSurvey's
    ``code[subcode]``, KoboToolbox's ``question/choice`` and group paths, LimeSurvey's ``code. text`` headings;
    their bookkeeping columns (:data:`TOOL_COLUMNS`) are dropped. ``paths=False`` leaves group paths out.
    """
    norm = cbk.normalise
    h = norm(header)
    if not h:
        return ("ignore", None)
    if h in f.mapped_headers:
        return f.mapped_headers[h]
    m = _CODE_TEXT_HEADER.match(header)
    if m:
        role = classify(m.group(1), f, paths=False)
        if role[0] not in ("unknown", "wide_unknown"):
            return role
    m = _WIDE_HEADER.match(header)
    if m and norm(m.group(1)) in f.question_keys:
        return _item_role(f.question_keys[norm(m.group(1))], m.group(2), f)
    if h in f.headers:
        return f.headers[h]
    if h in TOOL_ID_COLUMNS:
        return ("id", "respondent_id")
    if h in TOOL_COLUMNS:
        return ("ignore", None)
    return _path_role(header, f) if paths and "/" in header else ("unknown", None)
