"""The bilingual codebook: item codes, labels, harmonised themes and accepted input values.

The codebook lives in ``data/codebook/codebook.yaml``; this module reads it and answers questions about it
as DataFrames. Labels shown to users always come from here, in French (``lang="fr"``) or English.

Examples
--------
>>> from etude.survey import codebook
>>> "b_temps" in set(codebook.items("buyers")["code"])
True
>>> codebook.label("b_temps", lang="en")
'No time to devote to it'
>>> codebook.match_value("buyers", "buyer_type", "Etat")
'etat'
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from etude import paths
from etude.errors import InputError, problem
from etude.survey.clean import clean_tree

__all__ = [
    "load", "populations", "items", "asked_in", "themes", "theme_map", "attributes", "attribute_values",
    "identifiers", "text_fields", "label", "normalise", "match_item", "match_value", "LANGS",
    "Variants", "variants", "read_yaml", "SAFE_LOADER", "tool_code", "CODE_WIDTH", "VALUE_CODE_WIDTH",
    "check_file", "CODEBOOK_SCHEMA", "PARAGRAPH_KEYS", "MAX_NODES",
]

LANGS = ("fr", "en")

_ITEM_COLUMNS = ["code", "question", "label_fr", "label_en", "short_fr", "short_en", "theme", "rationale",
                 "synonyms", "since", "until"]


#: Longest question or item code a survey tool keeps (LimeSurvey: question and subquestion codes, 20 characters).
CODE_WIDTH = 20
#: Longest answer code of a single-choice list (LimeSurvey: 5 characters).
VALUE_CODE_WIDTH = 5

#: libyaml's safe loader where PyYAML was built with it (ten times faster on the codebook), else PyYAML's own.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text_or_stream) -> Any:
    """``yaml.safe_load`` with :data:`SAFE_LOADER`: the same data, read faster.

    >>> read_yaml("a: [1, deux]")
    {'a': [1, 'deux']}
    """
    return yaml.load(text_or_stream, Loader=SAFE_LOADER)  # noqa: S506 — a safe loader


#: Keys of the codebook whose texts keep their line breaks (every other text is one line).
PARAGRAPH_KEYS = frozenset({"rationale", "description", "notes"})


@functools.lru_cache(maxsize=8)
def _read(path: str, mtime: float) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return clean_tree(read_yaml(fh), paragraphs=PARAGRAPH_KEYS)


def load(path: str | Path | None = None) -> dict[str, Any]:
    """Read the codebook YAML (default: ``paths.codebook_file()``) into a plain dict.

    Every text is cleaned as it is read (:func:`etude.survey.clean.clean_tree`: NFC, no control, bidirectional or
    zero-width character). The result is cached per file path and modification time; treat it as read-only. A
    codebook given by a user is checked first (:func:`check_file`).
    """
    p = Path(path) if path is not None else paths.codebook_file()
    return _read(str(p.resolve()), p.stat().st_mtime)


#: Most nodes a user's codebook may hold once its aliases are expanded (the project's holds a few thousand): a
#: « billion laughs » of aliases is refused before anything is built.
MAX_NODES = 200_000
_MAX_DEPTH = 20
_TEXT = {"type": ["string", "integer", "number"]}
_TEXTS = {"type": "array", "items": _TEXT}
_LABELLED = {"code": _TEXT, "label_fr": _TEXT, "label_en": _TEXT, "synonyms": _TEXTS}
_VALUE = {"type": "object", "required": ["code", "label_fr", "label_en"],
          "properties": {**_LABELLED, "neighbour": _TEXT}}  # neighbour: the value a small group is published in
_ATTRIBUTE = {"type": "object", "properties": {
    "values": {"type": "array", "items": _VALUE}, "required": {"type": "boolean"}, "open": {"type": "boolean"},
    "label_fr": _TEXT, "label_en": _TEXT, "text_fr": _TEXT, "synonyms": _TEXTS}}
_ITEM = {"type": "object", "required": ["code", "label_fr", "label_en"], "properties": {
    **_LABELLED, "code": {"type": "string"}, "short_fr": _TEXT, "short_en": _TEXT,
    "theme": {"type": ["string", "null"]}}}
_FIELD = {"type": "object", "properties": {"text_fr": _TEXT, "label_fr": _TEXT, "label_en": _TEXT,
                                           "synonyms": _TEXTS}}
_QUESTION = {"type": "object", "required": ["items"], "properties": {
    "type": {"type": "string"}, "text_fr": _TEXT, "text_en": _TEXT,
    "items": {"type": "array", "minItems": 1, "items": _ITEM}}}
_QUESTIONNAIRE = {"type": "object", "required": ["label_fr", "label_en", "questions"], "properties": {
    "label_fr": _TEXT, "label_en": _TEXT, "id_prefix": {"type": "string", "pattern": "^[A-Z]$"},
    "questions": {"type": "object", "required": ["barriers"], "additionalProperties": _QUESTION},
    "attributes": {"type": "object", "additionalProperties": _ATTRIBUTE},
    "identifiers": {"type": "object", "additionalProperties": _FIELD},
    "text": {"type": "object", "additionalProperties": _FIELD}}}
#: JSON Schema of a codebook: what the code reads from it (keys and types; see ``data/codebook/codebook.yaml``).
CODEBOOK_SCHEMA = {"type": "object", "required": ["questionnaires", "themes"], "properties": {
    "themes": {"type": "array", "items": {"type": "object", "required": ["code", "label_fr", "label_en"],
                                          "properties": {**_LABELLED, "code": {"type": "string"}}}},
    "questionnaires": {"type": "object", "minProperties": 1, "additionalProperties": _QUESTIONNAIRE},
    "common": {"type": "object", "additionalProperties": _ATTRIBUTE}}}


def check_file(path: str | Path) -> list[dict[str, Any]]:
    """Every reason why ``path`` cannot be used as a codebook (an empty list when it can).

    The file must be UTF-8 YAML, expand (aliases counted in full) to at most :data:`MAX_NODES` nodes and
    :data:`_MAX_DEPTH` levels, and match :data:`CODEBOOK_SCHEMA`: a list, a scalar or a dictionary without
    ``questionnaires`` is a message naming the key, never a ``TypeError`` later.

    >>> check_file(paths.codebook_file())
    []
    """
    from etude.survey.mapping import schema_problems, yaml_problem
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [problem(name, value=repr(exc.object[exc.start:exc.start + 4]), message="codebook illisible : "
                        "octets qui ne sont pas de l'UTF-8", expected="un codebook YAML enregistré en UTF-8")]
    except OSError as exc:
        return [problem(name, message=f"codebook illisible ({exc.__class__.__name__})",
                        expected="un fichier YAML lisible")]
    try:
        _check_size(text, name)
        data = read_yaml(text)
    except yaml.YAMLError as exc:
        return [yaml_problem(name, exc, "codebook illisible")]
    except InputError as exc:
        return exc.problems
    return schema_problems(data, CODEBOOK_SCHEMA, name)


def _check_size(text: str, name: str) -> None:
    """Refuse (:class:`InputError`) a YAML text whose aliases expand beyond :data:`MAX_NODES` nodes, or that
    nests deeper than :data:`_MAX_DEPTH` levels, from its parser's events (nothing is built)."""
    sizes: dict[str, int] = {}
    stack: list[list] = [[0, None]]
    for event in yaml.parse(text, Loader=SAFE_LOADER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            stack.append([1, event.anchor])
            if len(stack) > _MAX_DEPTH + 1:
                raise InputError([problem(name, row=event.start_mark.line + 1, expected="un codebook à plat",
                                          message=f"codebook refusé : imbrication de plus de {_MAX_DEPTH} niveaux")])
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            n, anchor = stack.pop()
        elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            n, anchor = (sizes.get(event.anchor, 1), None) if isinstance(event, yaml.AliasEvent) else (1, event.anchor)
        else:
            continue
        if anchor is not None:
            sizes[anchor] = n
        stack[-1][0] += n
        if stack[-1][0] > MAX_NODES:
            raise InputError([problem(name, row=event.start_mark.line + 1, message="codebook refusé : plus de "
                                      f"{MAX_NODES:,} éléments une fois ses alias développés".replace(",", "\u00a0"),
                                      expected="un codebook ordinaire (chaque alias * recopie son ancre &)")])


def _cb(codebook: dict | str | Path | None) -> dict[str, Any]:
    return codebook if isinstance(codebook, dict) else load(codebook)


def _questionnaire(population: str, codebook=None) -> dict[str, Any]:
    qs = _cb(codebook)["questionnaires"]
    if population not in qs:
        raise ValueError(f"unknown population {population!r}: expected one of {sorted(qs)}")
    return qs[population]


def populations(codebook=None) -> list[str]:
    """Questionnaire keys, e.g. ``['buyers', 'companies']``."""
    return list(_cb(codebook)["questionnaires"])


def items(population: str, question: str = "barriers", *, codebook=None) -> pd.DataFrame:
    """Items of a multi-select question, one row per item, in questionnaire order.

    Parameters
    ----------
    population : {"buyers", "companies"}
    question : str, default "barriers"
        ``"barriers"`` or ``"segments"`` (or any multi-select question in the codebook).

    Returns
    -------
    DataFrame with columns ``code, question, label_fr, label_en, short_fr, short_en, theme, rationale,
    synonyms, since, until`` (``theme`` and ``rationale`` are empty for questions without themes; ``since`` and
    ``until``, the first and last wave that asked the item, are None when the codebook does not bound it:
    :func:`asked_in`).
    """
    questions = _questionnaire(population, codebook)["questions"]
    if question not in questions:
        raise ValueError(f"unknown question {question!r} for {population}: expected one of {sorted(questions)}")
    rows = []
    for it in questions[question]["items"]:
        rows.append({
            "code": it["code"], "question": question,
            "label_fr": it["label_fr"], "label_en": it["label_en"],
            "short_fr": it.get("short_fr", it["label_fr"]), "short_en": it.get("short_en", it["label_en"]),
            "theme": it.get("theme"), "rationale": it.get("rationale"),
            "synonyms": list(it.get("synonyms", [])),
            "since": _wave_bound(it.get("since")), "until": _wave_bound(it.get("until")),
        })
    return pd.DataFrame(rows, columns=_ITEM_COLUMNS)


def _wave_bound(value: Any) -> int | None:
    """A ``since``/``until`` wave of the codebook as an int (None when absent)."""
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"since/until : une vague (année) est attendue, pas {value!r}") from None


def asked_in(population: str, wave: Any, *, codebook=None) -> dict[str, bool]:
    """Item code → whether the codebook's questionnaire history has it asked in ``wave`` (``since: <wave>``,
    ``until: <wave>`` on the item; an item without either is asked in every wave), for every multi-select question
    of ``population``. An item not asked in a wave is « non posé » there whatever the export's layout
    (:func:`etude.survey.parse_export`).

    >>> asked_in("buyers", 2017)["b_temps"]
    True
    """
    out = {}
    for spec in _questionnaire(population, codebook)["questions"].values():
        if spec.get("type", "multi") != "multi":
            continue
        for it in spec["items"]:
            since, until = _wave_bound(it.get("since")), _wave_bound(it.get("until"))
            w = int(wave)
            out[it["code"]] = (since is None or w >= since) and (until is None or w <= until)
    return out


def themes(*, codebook=None) -> pd.DataFrame:
    """Harmonised themes: ``code, label_fr, label_en, description``."""
    return pd.DataFrame(_cb(codebook)["themes"], columns=["code", "label_fr", "label_en", "description"])


def theme_map(*, lang: str = "fr", codebook=None) -> pd.DataFrame:
    """The bridge between the two barrier lists: one row per barrier item of either population.

    Columns: ``population, item, label, theme, theme_label, rationale``.
    """
    th = themes(codebook=codebook).set_index("code")[f"label_{_lang(lang)}"]
    frames = []
    for population in populations(codebook):
        it = items(population, "barriers", codebook=codebook)
        frames.append(pd.DataFrame({
            "population": population, "item": it["code"], "label": it[f"label_{lang}"], "theme": it["theme"],
            "theme_label": it["theme"].map(th), "rationale": it["rationale"],
        }))
    return pd.concat(frames, ignore_index=True)


def attributes(population: str, *, codebook=None) -> dict[str, dict[str, Any]]:
    """Respondent attributes of a questionnaire (name → spec), plus the common ``wave``."""
    out = dict(_questionnaire(population, codebook).get("attributes", {}))
    out.update(_cb(codebook).get("common", {}))
    return out


def attribute_values(population: str, name: str, *, codebook=None) -> pd.DataFrame:
    """Allowed values of a categorical attribute: ``code, label_fr, label_en, synonyms``."""
    attrs = attributes(population, codebook=codebook)
    if name not in attrs:
        raise ValueError(f"unknown attribute {name!r} for {population}: expected one of {sorted(attrs)}")
    vals = attrs[name].get("values", [])
    return pd.DataFrame([{**{k: v[k] for k in ("code", "label_fr", "label_en")},
                          "synonyms": [str(s) for s in v.get("synonyms", [])]} for v in vals],
                        columns=["code", "label_fr", "label_en", "synonyms"])


def identifiers(population: str, *, codebook=None) -> dict[str, dict[str, Any]]:
    """Identifier fields (personal data) of a questionnaire: name → spec with ``text_fr`` and ``synonyms``."""
    return dict(_questionnaire(population, codebook).get("identifiers", {}))


def text_fields(population: str, *, codebook=None) -> dict[str, dict[str, Any]]:
    """Free-text fields of a questionnaire (kept after removing contact details)."""
    return dict(_questionnaire(population, codebook).get("text", {}))


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: expected one of {LANGS}")
    return lang


def label(code: str, *, lang: str = "fr", short: bool = False, codebook=None) -> str:
    """Label of an item, theme, population or attribute value code.

    Item codes are unique across the codebook; attribute value codes are searched after items and themes
    (first match wins). Unknown codes raise ``KeyError``.
    """
    lang = _lang(lang)
    cb = _cb(codebook)
    key = f"short_{lang}" if short else f"label_{lang}"
    for population, q in cb["questionnaires"].items():
        if code == population:
            return q[f"label_{lang}"]
        for question in q["questions"].values():
            for it in question["items"]:
                if it["code"] == code:
                    return it.get(key, it[f"label_{lang}"])
    for th in cb["themes"]:
        if th["code"] == code:
            return th[f"label_{lang}"]
    for q in cb["questionnaires"].values():
        for attr in q.get("attributes", {}).values():
            for v in attr.get("values", []):
                if str(v["code"]) == str(code):
                    return v[f"label_{lang}"]
    raise KeyError(f"no label for code {code!r} in the codebook")


_SPACES = re.compile(r"\s+")
_TRANSLATE = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "«": '"', "»": '"', "“": '"', "”": '"',
                            "–": "-", "—": "-", "‑": "-", "→": "->", "\u00a0": " ", "\u202f": " "})


def normalise(text: Any) -> str:
    """Fold a label for matching: case, accents, apostrophes, dashes, arrows and spacing.

    >>> normalise("  Services de l’ÉTAT ")
    "services de l'etat"
    """
    return _fold("" if text is None else str(text))


@functools.lru_cache(maxsize=1 << 16)
def _fold(s: str) -> str:
    # cached: an export repeats the same few labels on every row
    s = s.translate(_TRANSLATE)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return _SPACES.sub(" ", s).strip().casefold()


def tool_code(code: Any, width: int = CODE_WIDTH) -> str:
    """A codebook code as survey tools that allow letters and digits only write it: ``b_soutien`` → ``bsoutien``.

    LimeSurvey question and subquestion codes are alphanumeric and at most 20 characters long, its answer codes
    at most 5 (:data:`CODE_WIDTH`, :data:`VALUE_CODE_WIDTH`). The generated questionnaires
    (:mod:`etude.survey.questionnaire`) use these codes, and every export reader accepts them as one more spelling
    of the code (:func:`variants`), so an export read back needs no mapping file.

    >>> tool_code("lev_professionnalisation"), tool_code("collectivite", VALUE_CODE_WIDTH), tool_code("02", 5)
    ('levprofessionnalisat', 'colle', '02')
    """
    return re.sub(r"[^A-Za-z0-9]", "", str(code))[:width]


def _variants(entry: dict[str, Any], *extra_keys: str, width: int = CODE_WIDTH) -> list[str]:
    keys = ["code", "label_fr", "label_en", *extra_keys]
    return ([str(entry[k]) for k in keys if entry.get(k) is not None] + [str(s) for s in entry.get("synonyms", [])]
            + [tool_code(entry["code"], width)])


def match_item(population: str, question: str, raw: Any, *, codebook=None) -> str | None:
    """Item code whose code, label, short label or synonym matches ``raw`` after :func:`normalise`; else None."""
    target = normalise(raw)
    if not target:
        return None
    for it in _questionnaire(population, codebook)["questions"][question]["items"]:
        if target in {normalise(v) for v in _variants(it, "short_fr", "short_en")}:
            return it["code"]
    return None


def match_value(population: str, attribute: str, raw: Any, *, codebook=None) -> str | None:
    """Code of an attribute value matching ``raw`` (code, label or synonym, normalised); else None."""
    target = normalise(raw)
    if not target:
        return None
    for v in attributes(population, codebook=codebook)[attribute].get("values", []):
        if target in {normalise(x) for x in _variants(v, width=VALUE_CODE_WIDTH)}:
            return str(v["code"])
    return None


@dataclass(frozen=True)
class Variants:
    """Every spelling the codebook accepts for one questionnaire, folded with :func:`normalise`.

    The loaders (:mod:`etude.survey`), :func:`etude.safety.audit.raw_identifiers` and the tests read headers and labels
    through this one object, so a synonym added to the codebook is accepted everywhere at once. Each tuple keeps
    the codebook's order (the first spelling listed wins when two fields claim the same one).

    Attributes
    ----------
    population : str
        The questionnaire (``buyers``, ``companies``).
    prefix : str
        The capital letter of its pseudonyms (``A``, ``E``).
    identifiers, attributes, texts, questions : dict of str to tuple of str
        Field name → folded header spellings (name, ``text_fr``, ``text_en``, labels, synonyms). ``attributes``
        includes the common ``wave``; ``questions`` holds the multi-select questions.
    items : dict of str to dict
        Question → {folded item label, short label, code or synonym → item code}.
    values : dict of str to dict
        Categorical attribute (not ``wave``) → {folded value label, code or synonym → value code}.
    """

    population: str
    prefix: str
    identifiers: dict[str, tuple[str, ...]]
    attributes: dict[str, tuple[str, ...]]
    texts: dict[str, tuple[str, ...]]
    questions: dict[str, tuple[str, ...]]
    items: dict[str, dict[str, str]]
    values: dict[str, dict[str, str]]


def _folded(*names: Any) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for n in names:
        if n is not None and normalise(n):
            out.setdefault(normalise(n), None)
    return tuple(out)


def _label_table(entries: list[dict[str, Any]], *extra_keys: str, width: int = CODE_WIDTH) -> dict[str, str]:
    table: dict[str, str] = {}
    for entry in entries:
        for v in _variants(entry, *extra_keys, width=width):
            table.setdefault(normalise(v), str(entry["code"]))
    return table


def variants(population: str, *, codebook=None) -> Variants:
    """The accepted spellings of a questionnaire's headers and labels (see :class:`Variants`).

    >>> v = variants("buyers")
    >>> v.values["buyer_type"]["etat"], v.items["barriers"]["pas de temps a y consacrer"]
    ('etat', 'b_temps')
    >>> v.identifiers["email"][:2]
    ('email', 'adresse e-mail')
    """
    q = _questionnaire(population, codebook)
    attrs = attributes(population, codebook=codebook)
    multi = {n: s for n, s in q["questions"].items() if s.get("type", "multi") == "multi"}
    return Variants(
        population=population, prefix=q.get("id_prefix", population[:1].upper()),
        identifiers={n: _folded(n, s.get("text_fr"), s.get("text_en"), *s.get("synonyms", []), tool_code(n))
                     for n, s in identifiers(population, codebook=codebook).items()},
        attributes={n: _folded(n, s.get("text_fr"), s.get("label_fr"), s.get("label_en"), s.get("text_en"),
                               *s.get("synonyms", []), tool_code(n)) for n, s in attrs.items()},
        texts={n: _folded(n, s.get("text_fr"), s.get("label_fr"), s.get("label_en"), s.get("text_en"), tool_code(n))
               for n, s in text_fields(population, codebook=codebook).items()},
        questions={n: _folded(n, s.get("text_fr"), s.get("text_en"), *s.get("synonyms", []), tool_code(n))
                   for n, s in multi.items()},
        items={n: _label_table(s["items"], "short_fr", "short_en") for n, s in multi.items()},
        values={n: _label_table(s.get("values", []), width=VALUE_CODE_WIDTH) for n, s in attrs.items() if n != "wave"},
    )
