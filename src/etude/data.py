"""Survey exports in, one tidy respondent table out: reading, validation, study files and export writing.

A *study file* (YAML, e.g. ``data/demo/etude.yaml``) lists, for each questionnaire (``buyers``, ``companies``), the
export of every wave. :func:`load_study` reads them all into one respondent table per questionnaire, whose columns
are described in ``docs/contracts.md`` §1; :func:`study_inputs` gives the provenance of every input (path,
sha256, format, simulated) for the run manifest.

Exports can be CSV (separator ``,``, ``;`` or tab; UTF-8, UTF-8 with BOM or cp1252) or XLSX (first sheet or a named
one, title rows above the header tolerated). Multi-select questions may be **wide** (one column per item, headers
``Question [Item label]``, cells ``Oui``/``Y``/``1``/``X``/empty) or **packed** (one column, chosen labels joined by
``, `` or ``;``; labels may contain commas, so known labels are matched longest first). Headers and values are
matched against the codebook (case, accents and spacing ignored); a YAML *mapping file* covers other headers and
labels. Every problem is reported at once (:class:`etude.errors.InputError`), never silently dropped.

Raw files are only read. Identifiers become salted pseudonyms and free text loses e-mail addresses and phone
numbers (:mod:`etude.privacy`) before anything leaves this module.

Examples
--------
>>> from etude import data
>>> tables = data.load_study()
>>> tables["buyers"].query("wave == 2017").shape[0]
27
>>> tables["companies"].query("wave == 2017").shape[0]
90
>>> data.study_inputs()[["kind", "wave", "format", "simulated"]].head(2).to_string(index=False)
'  kind  wave format  simulated\\nbuyers  2017    csv       True\\nbuyers  2018   xlsx       True'
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
import yaml

from etude import codebook as cbk
from etude import paths, privacy
from etude.errors import PROBLEM_COLUMNS, InputError, problem

__all__ = [
    "read_study", "study_inputs", "file_sha256", "load_study", "load_export", "validate", "read_rows", "load_mapping",
    "to_export", "write_export", "respondent_schema", "empty_table", "problems_table", "FORMATS", "ENCODINGS", "SEPARATORS",
    "TRUE_VALUES", "FALSE_VALUES",
]

#: File formats by suffix.
FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
#: Encodings tried, in order, when a CSV file does not say (UTF-8 with or without BOM, then Windows-1252).
ENCODINGS = ("utf-8-sig", "cp1252")
#: CSV separators recognised.
SEPARATORS = (";", ",", "\t")
#: Cell values meaning "ticked" in a wide multi-select column (compared after :func:`etude.codebook.normalise`).
TRUE_VALUES = ("oui", "o", "y", "yes", "1", "x", "vrai", "true", "coche", "checked", "selected")
#: Cell values meaning "not ticked".
FALSE_VALUES = ("", "non", "n", "no", "0", "faux", "false", "non coche", "not checked", "not selected", "n/a", "-")

_STUDY_KEYS = {"title", "simulated", "description", "notes", "codebook"}
_WAVE_KEYS = {"wave", "file", "mapping", "sheet", "encoding", "sep", "simulated", "notes"}
_MAPPING_KEYS = {"columns", "values", "true_values", "false_values", "notes"}
_SEP_NAMES = {";": ";", ",": ",", "\t": "\t", "tab": "\t", "tabulation": "\t", "\\t": "\t"}
_IGNORE = "ignore"
_PACKED_SEPS = re.compile(r"([,;|\n])")
_WIDE_HEADER = re.compile(r"^(.*?)\s*\[(.+)\]\s*$", re.S)
_WAVE_VALUE = re.compile(r"^\s*(?:vague\s*)?((?:19|20)\d{2})(?:\.0+)?\s*$", re.I)
_HEADER_SCAN = 20
_MAX_PIECES = 12  # a label holds at most this many separator-delimited pieces


# ----------------------------------------------------------------------------------------------- study file

def read_study(study: str | Path | None = None) -> dict[str, Any]:
    """Read and check a study file.

    Parameters
    ----------
    study : str or Path, optional
        The YAML study file (or a folder holding ``etude.yaml``); default :func:`etude.paths.default_study`
        (the demo study).

    Returns
    -------
    dict with ``path`` (Path), ``title``, ``simulated`` (bool), ``codebook`` (Path or None) and ``inputs``: a list
    of dicts ``kind, wave, path, format, mapping, sheet, encoding, sep, simulated``, paths resolved from the study
    file's folder.

    Raises
    ------
    InputError
        Listing every problem of the study file (unknown keys, missing files, bad waves).
    """
    path = Path(study) if study not in (None, "") else paths.default_study()
    if path.is_dir() and (path / "etude.yaml").is_file():
        path = path / "etude.yaml"
    if not path.is_file():
        raise InputError([problem(path, message="fichier d'étude introuvable")])
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError([_yaml_problem(path, exc, "fichier d'étude illisible")]) from None
    if not isinstance(spec, dict):
        raise InputError([problem(path, message="le fichier d'étude doit être un dictionnaire YAML")])
    base = path.resolve().parent
    cb_path = (base / spec["codebook"]).resolve() if spec.get("codebook") else None
    kinds = cbk.populations(cb_path)
    problems, inputs = [], []
    for key in spec:
        if key not in _STUDY_KEYS and key not in kinds:
            problems.append(problem(path, column=key, message="clé inconnue",
                                    expected=", ".join(sorted(_STUDY_KEYS | set(kinds)))))
    study_sim = spec.get("simulated", False)
    if not isinstance(study_sim, bool):
        problems.append(problem(path, column="simulated", value=study_sim, expected="true ou false"))
        study_sim = False
    for kind in kinds:
        waves = spec.get(kind) or []
        if not isinstance(waves, list):
            problems.append(problem(path, column=kind, message="liste de vagues attendue",
                                    expected="- {wave: 2017, file: export.csv}"))
            continue
        seen = set()
        for i, w in enumerate(waves, start=1):
            where = f"{kind}[{i}]"
            if not isinstance(w, dict):
                problems.append(problem(path, column=where, value=w, expected="{wave: ANNÉE, file: CHEMIN}"))
                continue
            for k in w:
                if k not in _WAVE_KEYS:
                    problems.append(problem(path, column=f"{where}.{k}", message="clé inconnue",
                                            expected=", ".join(sorted(_WAVE_KEYS))))
            wave = w.get("wave")
            if isinstance(wave, bool) or not isinstance(wave, int) or not 1900 <= wave <= 2100:
                problems.append(problem(path, column=f"{where}.wave", value=wave, expected="une année (ex. 2017)"))
            if not w.get("file"):
                problems.append(problem(path, column=f"{where}.file", message="fichier d'export manquant"))
                continue
            file = (base / str(w["file"])).resolve()
            if not file.is_file():
                problems.append(problem(path, column=f"{where}.file", value=w["file"], message="fichier introuvable"))
            fmt = FORMATS.get(file.suffix.lower())
            if fmt is None:
                problems.append(problem(path, column=f"{where}.file", value=w["file"],
                                        expected="extension " + ", ".join(sorted(FORMATS))))
            mapping = (base / str(w["mapping"])).resolve() if w.get("mapping") else None
            if mapping is not None and not mapping.is_file():
                problems.append(problem(path, column=f"{where}.mapping", value=w["mapping"],
                                        message="fichier de correspondance introuvable"))
            if (file, wave) in seen:
                problems.append(problem(path, column=where, value=w["file"], message="vague listée deux fois"))
            seen.add((file, wave))
            sim = w.get("simulated", study_sim)
            inputs.append({"kind": kind, "wave": wave, "path": file, "format": fmt, "mapping": mapping,
                           "sheet": w.get("sheet"), "encoding": w.get("encoding"), "sep": w.get("sep"),
                           "simulated": bool(sim)})
    if problems:
        raise InputError(problems)
    return {"path": path.resolve(), "title": spec.get("title", path.stem), "simulated": study_sim,
            "codebook": cb_path, "inputs": inputs}


def _yaml_problem(where, exc: Exception, what: str) -> dict:
    mark = getattr(exc, "problem_mark", None)
    row = mark.line + 1 if mark is not None else None
    detail = getattr(exc, "problem", None) or exc.__class__.__name__
    return problem(where, row=row, message=f"{what} (YAML : {detail})",
                   expected="une syntaxe YAML valide (indentation par espaces, guillemets fermés)")


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, read in chunks (the file is only read)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def study_inputs(study: str | Path | None = None) -> pd.DataFrame:
    """Provenance of every input of a study: one row per export file.

    Returns
    -------
    DataFrame with columns ``kind, wave, path, sha256, format, simulated`` (``path`` absolute, as str).

    >>> study_inputs().shape[1]
    6
    """
    spec = read_study(study)
    rows = [{"kind": i["kind"], "wave": i["wave"], "path": str(i["path"]), "sha256": file_sha256(i["path"]),
             "format": i["format"], "simulated": i["simulated"]} for i in spec["inputs"]]
    out = pd.DataFrame(rows, columns=["kind", "wave", "path", "sha256", "format", "simulated"])
    return out.astype({"wave": "int64", "simulated": "bool"})


def load_study(study: str | Path | None = None, *, codebook: dict | str | Path | None = None
               ) -> dict[str, pd.DataFrame]:
    """Load every wave of a study into one respondent table per questionnaire.

    Parameters
    ----------
    study : str or Path, optional
        Study file (YAML); default: the demo study.
    codebook : dict, str or Path, optional
        Codebook to use; default: the study file's ``codebook`` key, else ``data/codebook/codebook.yaml``.

    Returns
    -------
    dict ``{"buyers": DataFrame, "companies": DataFrame}`` (columns: ``docs/contracts.md`` §1).

    Raises
    ------
    InputError
        With every problem of every file, not just the first.
    """
    spec = read_study(study)
    cb = codebook if codebook is not None else spec["codebook"]
    frames: dict[str, list[pd.DataFrame]] = {k: [] for k in cbk.populations(cb)}
    problems: list[dict] = []
    for inp in spec["inputs"]:
        df, probs = _parse(inp["path"], inp["kind"], mapping=inp["mapping"], wave=inp["wave"], sheet=inp["sheet"],
                           encoding=inp["encoding"], sep=inp["sep"], simulated=inp["simulated"], codebook=cb)
        problems += [p for p in probs if p["severity"] == "error"]
        if df is not None:
            frames[inp["kind"]].append(df)
    out = {}
    for kind, dfs in frames.items():
        table = _finalise(pd.concat(dfs, ignore_index=True) if dfs else empty_table(kind, codebook=cb), kind, cb)
        dup = table["respondent_id"].duplicated(keep=False)
        for _, r in table[dup].iterrows():
            problems.append(problem(r["source_file"], column="respondent_id", value=r["respondent_id"],
                                    message="répondant présent dans deux exports de la même vague",
                                    expected="un identifiant unique par vague"))
        out[kind] = table
    if problems:
        raise InputError(problems)
    return out


# ------------------------------------------------------------------------------------------- mapping file

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
            raise InputError([_yaml_problem(where.name, exc, "fichier de correspondance illisible")]) from None
        where = where.name
    if not isinstance(spec, dict):
        raise InputError([problem(where, message="dictionnaire YAML attendu", expected="columns:, values:")])
    bad = [k for k in spec if k not in _MAPPING_KEYS]
    if bad:
        raise InputError([problem(where, column=k, message="clé inconnue", expected=", ".join(sorted(_MAPPING_KEYS)))
                          for k in bad])
    return {"columns": {str(k): (None if v is None else str(v)) for k, v in (spec.get("columns") or {}).items()},
            "values": {str(k): {str(a): (None if b is None else str(b)) for a, b in (v or {}).items()}
                       for k, v in (spec.get("values") or {}).items()},
            "true_values": [str(v) for v in spec.get("true_values") or []],
            "false_values": [str(v) for v in spec.get("false_values") or []],
            "_where": str(where)}


# --------------------------------------------------------------------------------------------- the fields

def _fields(kind: str, cb: Any, mapping: dict) -> dict[str, Any]:
    """Everything the parser needs to know about a questionnaire, from the codebook plus a mapping."""
    q = cb["questionnaires"][kind]
    norm = cbk.normalise
    headers: dict[str, tuple] = {}

    def add(target: tuple, *names: Any) -> None:
        for n in names:
            if n is not None and norm(n) and norm(n) not in headers:
                headers[norm(n)] = target

    idents = cbk.identifiers(kind, codebook=cb)
    for name, spec in idents.items():
        add(("id", name), name, spec.get("text_fr"), spec.get("text_en"), *spec.get("synonyms", []))
    attrs = cbk.attributes(kind, codebook=cb)
    for name, spec in attrs.items():
        target = ("wave", "wave") if name == "wave" else ("attr", name)
        add(target, name, spec.get("text_fr"), spec.get("label_fr"), spec.get("label_en"), spec.get("text_en"),
            *spec.get("synonyms", []))
    texts = cbk.text_fields(kind, codebook=cb)
    for name, spec in texts.items():
        add(("text", name), name, spec.get("text_fr"), spec.get("label_fr"), spec.get("label_en"), spec.get("text_en"))
    questions = {name: spec for name, spec in q["questions"].items() if spec.get("type", "multi") == "multi"}
    question_keys: dict[str, str] = {}
    items: dict[str, list[str]] = {}
    item_variants: dict[str, dict[str, str | None]] = {}
    for name, spec in questions.items():
        add(("packed", name), name, spec.get("text_fr"), spec.get("text_en"), *spec.get("synonyms", []))
        for k in (name, spec.get("text_fr"), spec.get("text_en"), *spec.get("synonyms", [])):
            if k:
                question_keys[norm(k)] = name
        its = cbk.items(kind, name, codebook=cb)
        items[name] = list(its["code"])
        variants: dict[str, str | None] = {}
        for it in its.itertuples():
            for v in [it.code, it.label_fr, it.label_en, it.short_fr, it.short_en, *it.synonyms]:
                variants.setdefault(norm(v), it.code)
            add(("wide", (name, it.code)), it.code)
        item_variants[name] = variants
    attr_values: dict[str, dict[str, str]] = {}
    for name, spec in attrs.items():
        if name == "wave":
            continue
        vals: dict[str, str] = {}
        for v in spec.get("values", []):
            for x in [v["code"], v.get("label_fr"), v.get("label_en"), *v.get("synonyms", [])]:
                if x is not None:
                    vals.setdefault(norm(x), str(v["code"]))
        attr_values[name] = vals

    # the mapping wins over the codebook
    problems = []
    where = mapping.get("_where", "correspondance")
    targets = {"ignore": ("ignore", None)}
    targets.update({n: ("id", n) for n in idents})
    targets.update({n: ("attr", n) for n in attrs if n != "wave"})
    targets["wave"] = ("wave", "wave")
    targets.update({n: ("text", n) for n in texts})
    targets.update({n: ("packed", n) for n in questions})
    for qn, codes in items.items():
        targets.update({c: ("wide", (qn, c)) for c in codes})
    mapped_headers: dict[str, tuple] = {}
    for header, target in mapping["columns"].items():
        t = targets.get(target if target is not None else "ignore")
        if t is None:
            problems.append(problem(where, column=header, value=target, message="cible inconnue",
                                    expected=", ".join(sorted(targets))))
        else:
            mapped_headers[norm(header)] = t
    for field, table in mapping["values"].items():
        if field in questions:
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
                                    expected=", ".join(sorted([*questions, *attr_values]))))
    return {"kind": kind, "prefix": q.get("id_prefix", kind[:1].upper()), "headers": headers,
            "mapped_headers": mapped_headers, "question_keys": question_keys, "questions": list(questions),
            "items": items, "item_variants": item_variants, "attrs": {n: s for n, s in attrs.items() if n != "wave"},
            "attr_values": attr_values, "texts": list(texts), "idents": list(idents),
            "true": {norm(v) for v in (*TRUE_VALUES, *mapping["true_values"])},
            "false": {norm(v) for v in (*FALSE_VALUES, *mapping["false_values"])},
            "problems": problems}


def _classify(header: str, f: dict) -> tuple:
    """What a header holds: ("id"|"attr"|"wave"|"text"|"packed", name), ("wide", (question, item)),
    ("wide_unknown", (question, label)), ("ignore", None) or ("unknown", None)."""
    norm = cbk.normalise
    h = norm(header)
    if not h:
        return ("ignore", None)
    if h in f["mapped_headers"]:
        return f["mapped_headers"][h]
    m = _WIDE_HEADER.match(header)
    if m and norm(m.group(1)) in f["question_keys"]:
        qn = f["question_keys"][norm(m.group(1))]
        label = norm(m.group(2))
        if label in f["item_variants"][qn]:
            code = f["item_variants"][qn][label]
            return ("wide", (qn, code)) if code is not None else ("ignore", None)
        return ("wide_unknown", (qn, m.group(2).strip()))
    return f["headers"].get(h, ("unknown", None))


# ------------------------------------------------------------------------------------------------ reading

def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, _dt.datetime):
        return v.isoformat(sep=" ")
    return str(v)


def _detect_separator(text: str, *, rows: int = 50) -> str:
    r"""The separator that cuts the first rows into the most consistent number (> 1) of fields.

    Each candidate parses the first rows (quotes respected); its score is how many rows share the most common
    field count, then that count. Labels joined by ``;`` or ``,`` inside cells vary from row to row, so they
    lose to the real separator, which gives every row the header's width.

    >>> _detect_separator('a\tb\tc\n"x, y";z\tw\tv\n')
    '\t'
    >>> _detect_separator("Titre\na;b,c;d\n1;2,5;3\n")
    ';'
    """
    import collections
    import itertools
    best, best_score = SEPARATORS[0], (0, 0)
    for sep in SEPARATORS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        widths = [len(r) for r in itertools.islice(reader, rows) if any(c.strip() for c in r)]
        counts = collections.Counter(w for w in widths if w > 1)
        if not counts:
            continue
        width, m = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if (m, width) > best_score:
            best, best_score = sep, (m, width)
    return best


def read_rows(path: str | Path, *, sheet: str | int | None = None, encoding: str | None = None,
              sep: str | None = None) -> tuple[list[list[str]], dict[str, Any]]:
    """Read a CSV or XLSX export as rows of strings, exactly as a spreadsheet shows them (row 1 = first row).

    Returns
    -------
    rows : list of list of str
    info : dict with ``format``, ``encoding`` and ``sep`` (CSV) or ``sheet`` (XLSX).

    Raises
    ------
    InputError
        Empty file, unknown format, undecodable bytes (the message names the line), unknown sheet.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError([problem(path.name, value=path.suffix, message="format de fichier non pris en charge",
                                  expected=", ".join(sorted(FORMATS)))])
    if not path.is_file():
        raise InputError([problem(path.name, message=f"fichier introuvable : {path}")])
    if path.stat().st_size == 0:
        raise InputError([problem(path.name, message="fichier vide", expected="un en-tête puis une ligne par répondant")])
    return _read_xlsx(path, sheet) if fmt == "xlsx" else _read_csv(path, encoding, sep)


def _read_csv(path: Path, encoding: str | None, sep: str | None) -> tuple[list[list[str]], dict]:
    raw = path.read_bytes()
    _sniff_binary(path, raw)
    tried = [encoding] if encoding else (["utf-16"] if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else list(ENCODINGS))
    text, used, last_error = None, None, None
    for enc in tried:
        try:
            text, used = raw.decode(enc), enc
            break
        except UnicodeDecodeError as exc:
            last_error = exc
        except LookupError:
            raise InputError([problem(path.name, value=enc, message="encodage inconnu",
                                      expected=", ".join(ENCODINGS))]) from None
    if text is None or "\x00" in text:
        pos = last_error.start if last_error is not None else raw.find(b"\x00")
        line = raw[:max(pos, 0)].count(b"\n") + 1
        raise InputError([problem(path.name, row=line, value=repr(raw[max(pos, 0):max(pos, 0) + 4]),
                                  message="encodage illisible",
                                  expected="texte en " + ", ".join(tried) + " (réenregistrer le fichier en UTF-8)")])
    if used == "utf-8-sig" and not raw.startswith(b"\xef\xbb\xbf"):
        used = "utf-8"
    if not text.strip():
        raise InputError([problem(path.name, message="fichier vide", expected="un en-tête puis une ligne par répondant")])
    if re.match(r"\s*<(?:!doctype\s+html|html|\?xml|head|body)\b", text, re.I):
        raise InputError([problem(path.name, row=1, message="ce fichier est une page web (HTML), pas un export",
                                  expected="un export CSV : se reconnecter à l'outil d'enquête et retélécharger")])
    if sep is not None:
        if sep not in _SEP_NAMES:
            raise InputError([problem(path.name, value=sep, message="séparateur inconnu", expected="; , tab")])
        sep = _SEP_NAMES[sep]
    else:
        sep = _detect_separator(text)
    rows = [[c for c in r] for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep)]
    return rows, {"format": "csv", "encoding": used, "sep": sep}


def _sniff_binary(path: Path, raw: bytes) -> None:
    """Clear messages for files that are not what their suffix says."""
    if raw.startswith(bytes.fromhex("D0CF11E0A1B11AE1")):  # OLE compound file
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise InputError([problem(path.name, message="classeur protégé par mot de passe",
                                      expected="un classeur sans mot de passe, enregistré en .xlsx")])
        raise InputError([problem(path.name, message="ancien format Excel (.xls) ou document Office non pris en charge",
                                  expected="un classeur .xlsx ou un CSV (Enregistrer sous → .xlsx)")])
    if raw.startswith(b"PK\x03\x04") and FORMATS.get(path.suffix.lower()) == "csv":
        raise InputError([problem(path.name, message="ce fichier est un classeur compressé (XLSX ?), pas un CSV",
                                  expected="renommer le fichier en .xlsx ou l'exporter en CSV")])


def _read_xlsx(path: Path, sheet: str | int | None) -> tuple[list[list[str]], dict]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException
    _sniff_binary(path, path.read_bytes()[:1 << 20])
    try:
        # formulas are read as written (« =HYPERLINK(…) ») and never evaluated; Excel's cached result is used
        # when the file has one (with a warning), else the formula text stays and is reported where it matters
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise InputError([problem(path.name, message=f"classeur XLSX illisible ou corrompu ({exc.__class__.__name__})",
                                  expected="un fichier .xlsx enregistré par Excel ou LibreOffice")]) from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in wb.sheetnames):
            idx = int(sheet)
            if not 0 <= idx < len(wb.worksheets):
                raise InputError([problem(path.name, column="feuille", value=sheet, message="feuille introuvable",
                                          expected=", ".join(wb.sheetnames))])
            ws = wb.worksheets[idx]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise InputError([problem(path.name, column="feuille", value=sheet, message="feuille introuvable",
                                      expected=", ".join(wb.sheetnames))])
        title = ws.title
        formulas = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    rows, notes = [], []
    cached = None
    for i, r in enumerate(formulas):
        out = []
        for j, v in enumerate(r):
            if isinstance(v, str) and v.startswith("="):
                if cached is None:  # Excel stores each formula's last computed value: use it, and say so
                    cached = _xlsx_values(path, title)
                value = cached[i][j] if i < len(cached) and j < len(cached[i]) else None
                if value is not None:
                    notes.append(problem(path.name, row=i + 1, column=_letter(j), value=v,
                                         message=f"formule remplacée par sa valeur calculée « {_cell(value)} »",
                                         severity="warning"))
                    v = value
            out.append(_cell(v))
        rows.append(out)
    if not any(c.strip() for r in rows for c in r):
        raise InputError([problem(path.name, message=f"feuille « {title} » vide",
                                  expected="un en-tête puis une ligne par répondant")])
    return rows, {"format": "xlsx", "sheet": title, "problems": notes}


def _xlsx_values(path: Path, sheet: str) -> list[list[Any]]:
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


# ------------------------------------------------------------------------------------------------ parsing

def _header_row(rows: list[list[str]], f: dict) -> int:
    best, best_n = None, 0
    for i, r in enumerate(rows[:_HEADER_SCAN]):
        n = sum(1 for c in r if _classify(c, f)[0] not in ("unknown", "ignore"))
        if n > best_n:
            best, best_n = i, n
    if best is None:
        best = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), 0)
    return best


def _split_packed(cell: str, variants: dict[str, str | None]) -> tuple[list[str], list[str]]:
    """Split a packed multi-select cell into item codes, matching known labels longest first.

    Returns (codes, unknown pieces). Pieces mapped to None (ignored on purpose) are in neither list.

    >>> v = {"a, b": "x", "a": "y", "c": "z"}
    >>> _split_packed("a, b, c", v)
    (['x', 'z'], [])
    >>> _split_packed("c; a; autre, précisez", v)
    (['z', 'y'], ['autre, précisez'])
    """
    tokens = _PACKED_SEPS.split(cell)
    pieces = tokens[0::2]
    codes, unknown, pending = [], [], []
    i, n = 0, len(pieces)
    while i < n:
        if not pieces[i].strip():
            i += 1
            continue
        found = None
        for j in range(min(n, i + _MAX_PIECES), i, -1):  # longest first
            text = "".join(tokens[2 * i: 2 * j - 1])
            key = cbk.normalise(text)
            if key in variants:
                found = (j, variants[key])
                break
        if found is None:
            pending.append(i)
            i += 1
            continue
        if pending:
            unknown.append("".join(tokens[2 * pending[0]: 2 * pending[-1] + 1]).strip())
            pending = []
        j, code = found
        if code is not None and code not in codes:
            codes.append(code)
        i = j
    if pending:
        unknown.append("".join(tokens[2 * pending[0]: 2 * pending[-1] + 1]).strip())
    return codes, unknown


def _letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index (0 → A, 26 → AA)."""
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _other_separator(row: list[str], sep: str, width: int) -> str | None:
    line = sep.join(row)
    for other in SEPARATORS:
        if other != sep and other in line:
            if len(next(csv.reader([line], delimiter=other))) >= max(2, width - 1):
                return other
    return None


def _suggest(value: str, question: str, kind: str, f: dict, cb) -> str:
    """« ; vouliez-vous dire « … » ? » for a label close to a known one, else ""."""
    import difflib
    variants = f["item_variants"][question]
    close = difflib.get_close_matches(cbk.normalise(value), [v for v in variants if variants[v]], n=1, cutoff=0.8)
    if not close:
        return ""
    code = variants[close[0]]
    return f" — vouliez-vous dire « {cbk.label(code, codebook=cb)} » ?"


def _wave_of(value: str) -> int | None:
    m = _WAVE_VALUE.match(value)
    return int(m.group(1)) if m else None


def _raw_schema(columns: dict[str, str], f: dict, wave: int | None) -> pa.DataFrameSchema:
    """Cell-level checks on the raw (string) export, with pandera; column names are the export's headers."""
    cols = {}
    for header, (kind, name) in columns.items():
        if kind == "id" and name == "respondent_id":
            cols[header] = pa.Column(str, nullable=True, unique=True, name=header)
        elif kind == "wave":
            checks = [pa.Check(lambda v: v == "" or _wave_of(v) is not None, element_wise=True, name="wave_format")]
            if wave is not None:
                checks.append(pa.Check(lambda v, w=wave: v == "" or _wave_of(v) in (None, w), element_wise=True,
                                       name="wave_study"))
            cols[header] = pa.Column(str, checks=checks, name=header)
        elif kind == "attr":
            spec = f["attrs"][name]
            allowed = set(f["attr_values"][name])
            checks = []
            if not spec.get("open"):
                checks.append(pa.Check(lambda v, a=allowed: cbk.normalise(v) in a or not v.strip(),
                                       element_wise=True, name=f"attr:{name}"))
            if spec.get("required"):
                checks.append(pa.Check(lambda v: bool(v.strip()), element_wise=True, name=f"required:{name}"))
            cols[header] = pa.Column(str, checks=checks, name=header)
    return pa.DataFrameSchema(cols, strict=False)


def _attr_expected(f: dict, name: str) -> str:
    return ", ".join(v.get("label_fr", str(v["code"])) for v in f["attrs"][name].get("values", []))


def _parse(path: str | Path, kind: str, *, mapping=None, wave: int | None = None, sheet=None,
           encoding: str | None = None, sep: str | None = None, simulated: bool = False,
           codebook=None, require_wave: bool = True) -> tuple[pd.DataFrame | None, list[dict]]:
    """Parse one export. Returns (table or None when there are errors, problems)."""
    path = Path(path)
    fname = path.name
    cb = cbk.load(codebook) if not isinstance(codebook, dict) else codebook
    if kind not in cb["questionnaires"]:
        raise ValueError(f"unknown kind {kind!r}: expected one of {sorted(cb['questionnaires'])}")
    try:
        f = _fields(kind, cb, load_mapping(mapping))
        rows, info = read_rows(path, sheet=sheet, encoding=encoding, sep=sep)
    except InputError as exc:
        return None, exc.problems
    problems: list[dict] = list(f["problems"]) + list(info.get("problems", []))
    h = _header_row(rows, f)
    header = [c.strip() for c in rows[h]]
    header_row = h + 1  # as a spreadsheet shows it
    body = [(h + 2 + k, r) for k, r in enumerate(rows[h + 1:]) if any(c.strip() for c in r)]
    if not body:
        problems.append(problem(fname, row=header_row + 1, message="aucune réponse sous l'en-tête",
                                expected="une ligne par répondant"))
    width = len(header)
    for rownum, r in body:
        extra = [(j, c) for j, c in enumerate(r) if j >= width and c.strip()]
        if extra:
            j, c = extra[0]
            problems.append(problem(fname, row=rownum, column=_letter(j), value=c,
                                    message="valeur hors de toute colonne d'en-tête", severity="warning"))
        if info["format"] == "csv" and len(r) < width:
            other = _other_separator(r, info["sep"], width)
            if other:
                problems.append(problem(fname, row=rownum, value=info["sep"].join(r),
                                        message=f"ligne écrite avec un autre séparateur ({other!r} au lieu de "
                                                f"{info['sep']!r}) : {len(r)} colonne(s) au lieu de {width}",
                                        expected="un seul séparateur pour tout le fichier"))
    data = pd.DataFrame([(r + [""] * width)[:width] for _, r in body], columns=range(width), dtype=str)
    if data.empty:
        data = pd.DataFrame({c: pd.Series([], dtype=str) for c in range(width)})
    data = data.map(str.strip)
    rownums = [n for n, _ in body]

    # classify headers
    roles: dict[int, tuple] = {}
    used: dict[tuple, str] = {}
    for c, name in enumerate(header):
        if not name and data[c].str.strip().ne("").any():
            problems.append(problem(fname, row=header_row, column=_letter(c),
                                    message="en-tête vide au-dessus d'une colonne remplie (cellules fusionnées ?) : "
                                            "colonne ignorée", expected="un en-tête par colonne", severity="warning"))
            continue
        role = _classify(name, f)
        if role[0] == "wide_unknown":
            qn, label = role[1]
            problems.append(problem(fname, row=header_row, column=name, value=label,
                                    message="item inconnu dans l'en-tête" + _suggest(label, qn, kind, f, cb),
                                    expected="un item du codebook : " + " | ".join(
                                        cbk.items(kind, qn, codebook=cb)["label_fr"])))
            continue
        if role[0] == "unknown":
            if name:
                problems.append(problem(fname, row=header_row, column=name, message="colonne non reconnue, ignorée",
                                        expected="une colonne du codebook ou une entrée « columns » du fichier de "
                                                 "correspondance", severity="warning"))
            continue
        if role[0] == "ignore":
            continue
        if role in used:
            problems.append(problem(fname, row=header_row, column=name, message="colonne en double",
                                    expected=f"une seule colonne pour « {used[role]} »"))
            continue
        used[role] = name
        roles[c] = role

    # required columns
    for qn in f["questions"]:
        has_packed = ("packed", qn) in used
        wide_items = [code for code in f["items"][qn] if ("wide", (qn, code)) in used]
        if qn == "barriers" and not has_packed and not wide_items:
            text = cb["questionnaires"][kind]["questions"][qn].get("text_fr", qn)
            problems.append(problem(fname, row=header_row, column=text, message="colonne obligatoire absente",
                                    expected=f"« {text} » (une colonne) ou « {text} [libellé de l'item] » (une par item)"))
        if wide_items and not has_packed and len(wide_items) < len(f["items"][qn]):
            missing = [c for c in f["items"][qn] if c not in wide_items]
            problems.append(problem(fname, row=header_row, column=", ".join(missing),
                                    message="items absents de l'export : valeurs manquantes (NA) pour ces items",
                                    severity="warning"))
    for name, spec in f["attrs"].items():
        if spec.get("required") and ("attr", name) not in used:
            problems.append(problem(fname, row=header_row, column=spec.get("text_fr", name),
                                    message="colonne obligatoire absente", expected=spec.get("text_fr", name)))
    if ("wave", "wave") not in used and wave is None and require_wave:
        problems.append(problem(fname, column="Année", message="vague inconnue",
                                expected="une colonne « Année » ou la vague dans le fichier d'étude (wave: 2017)"))

    # cell-level checks with pandera
    by_header = {header[c]: role for c, role in roles.items() if role[0] in ("id", "attr", "wave")}
    raw = data[[c for c, r in roles.items() if r[0] in ("id", "attr", "wave")]].copy()
    raw.columns = [header[c] for c in raw.columns]
    if "respondent_id" in {r[1] for r in by_header.values() if r[0] == "id"}:
        idh = next(hd for hd, r in by_header.items() if r == ("id", "respondent_id"))
        raw[idh] = raw[idh].where(raw[idh] != "", None)
    try:
        _raw_schema(by_header, f, wave).validate(raw, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems += _pandera_problems(exc.failure_cases, fname, rownums, by_header, f, wave, raw)

    # cells of multi-select questions
    values: dict[str, list] = {}
    for qn in f["questions"]:
        packed_col = next((c for c, r in roles.items() if r == ("packed", qn)), None)
        wide_cols = {r[1][1]: c for c, r in roles.items() if r[0] == "wide" and r[1][0] == qn}
        codes = f["items"][qn]
        chosen = [set() for _ in range(len(data))]
        present = set(codes) if packed_col is not None else set(wide_cols)
        if packed_col is not None:
            for k, cell in enumerate(data[packed_col]):
                got, unknown = _split_packed(cell, f["item_variants"][qn])
                chosen[k].update(got)
                for u in unknown:
                    problems.append(problem(fname, row=rownums[k], column=header[packed_col], value=u,
                                            message="libellé inconnu" + _suggest(u, qn, kind, f, cb),
                                            expected="un ou plusieurs de : " + " | ".join(
                                                cbk.items(kind, qn, codebook=cb)["label_fr"])))
        for code, c in wide_cols.items():
            item_labels = {v for v, cd in f["item_variants"][qn].items() if cd == code}
            for k, cell in enumerate(data[c]):
                v = cbk.normalise(cell)
                if v in f["true"] or v in item_labels:
                    chosen[k].add(code)
                elif v not in f["false"]:
                    problems.append(problem(fname, row=rownums[k], column=header[c], value=cell,
                                            message="case à cocher illisible",
                                            expected="Oui, Y, 1 ou X (coché) ; Non, N, 0 ou vide (non coché)"))
        for code in codes:
            values[code] = [pd.NA if not ch or code not in present else (code in ch) for ch in chosen]

    problems.sort(key=lambda p: (p["row"] is not None, p["row"] or 0))  # stable: file-level first, then by row
    if any(p["severity"] == "error" for p in problems):
        return None, problems

    # the respondent table
    n = len(data)
    col_of = {r: c for c, r in roles.items()}
    out = pd.DataFrame(index=range(n))
    if ("wave", "wave") in col_of:
        file_waves = [_wave_of(v) for v in data[col_of[("wave", "wave")]]]
        waves = [w if w is not None else wave for w in file_waves]
    else:
        waves = [wave] * n
    if any(w is None for w in waves):
        if require_wave:
            problems.append(problem(fname, column="Année", message="vague inconnue pour certaines lignes",
                                    expected="une année dans la colonne « Année » ou dans le fichier d'étude"))
            return None, problems
        waves = [0 if w is None else w for w in waves]
    keys = []
    for k in range(n):
        key = None
        for ident in ("respondent_id", "email"):
            if ("id", ident) in col_of and data.at[k, col_of[("id", ident)]]:
                key = f"{ident}:{data.at[k, col_of[('id', ident)]]}"
                break
        keys.append(f"{kind}|{waves[k]}|{key or f'{fname}#{rownums[k]}'}")
    out["respondent_id"] = privacy.pseudonymise(keys, f["prefix"])
    out["population"] = kind
    out["wave"] = waves
    out["simulated"] = bool(simulated)
    out["source_file"] = fname
    for name in f["attrs"]:
        if ("attr", name) in col_of:
            table = f["attr_values"][name]
            out[name] = [None if not v else (table.get(cbk.normalise(v), v) if f["attrs"][name].get("open")
                                             else table.get(cbk.normalise(v)))
                         for v in data[col_of[("attr", name)]]]
        else:
            out[name] = None
    for qn in f["questions"]:
        for code in f["items"][qn]:
            out[code] = pd.array(values[code], dtype="boolean")
    for name in f["texts"]:
        if ("text", name) in col_of:
            out[name] = [privacy.scrub_text(v) if v else None for v in data[col_of[("text", name)]]]
        else:
            out[name] = None
    return _finalise(out, kind, cb), problems


def _pandera_problems(fc: pd.DataFrame, fname: str, rownums: list[int], by_header: dict, f: dict,
                      wave: int | None, raw: pd.DataFrame) -> list[dict]:
    out = []
    for r in fc.itertuples():
        col = r.column
        idx = r.index
        row = rownums[int(idx)] if idx is not None and not pd.isna(idx) else None
        value = r.failure_case
        check = str(r.check)
        if check == "field_uniqueness":
            others = [rownums[i] for i in raw.index[raw[col] == value] if rownums[i] != row]
            out.append(problem(fname, row=row, column=col, value=value, message="identifiant de répondant en double",
                               expected="un identifiant unique (aussi ligne(s) " + ", ".join(map(str, others)) + ")"))
        elif check == "wave_format":
            formula = isinstance(value, str) and value.startswith("=")
            out.append(problem(fname, row=row, column=col, value=value,
                               message="formule au lieu d'une année" if formula else "année illisible",
                               expected="une année sur quatre chiffres (ex. 2017)"))
        elif check == "wave_study":
            out.append(problem(fname, row=row, column=col, value=value, message="vague contraire au fichier d'étude",
                               expected=f"{wave} (vague déclarée dans le fichier d'étude)"))
        elif check.startswith("attr:"):
            formula = isinstance(value, str) and value.startswith("=")
            out.append(problem(fname, row=row, column=col, value=value,
                               message="formule au lieu d'une valeur" if formula else "valeur inconnue",
                               expected=_attr_expected(f, check[5:])))
        elif check.startswith("required:"):
            out.append(problem(fname, row=row, column=col, message="réponse obligatoire manquante",
                               expected=_attr_expected(f, check[9:])))
        else:  # pragma: no cover - a check this module did not declare
            out.append(problem(fname, row=row, column=col, value=value, message=check))
    return out


# ------------------------------------------------------------------------------------------ output schema

def _item_codes(kind: str, cb) -> list[str]:
    cb = cbk.load(cb) if not isinstance(cb, dict) else cb
    q = cb["questionnaires"][kind]["questions"]
    return [it["code"] for name, spec in q.items() if spec.get("type", "multi") == "multi" for it in spec["items"]]


def _finalise(df: pd.DataFrame, kind: str, cb) -> pd.DataFrame:
    """Column order and dtypes of the contract (docs/contracts.md §1)."""
    cb = cbk.load(cb) if not isinstance(cb, dict) else cb
    attrs = [a for a in cbk.attributes(kind, codebook=cb) if a != "wave"]
    texts = list(cbk.text_fields(kind, codebook=cb))
    items = _item_codes(kind, cb)
    out = pd.DataFrame(index=df.index)
    out["respondent_id"] = df["respondent_id"].astype("str")
    out["population"] = df["population"].astype("str")
    out["wave"] = df["wave"].astype("int64")
    out["simulated"] = df["simulated"].astype("bool")
    out["source_file"] = df["source_file"].astype("str")
    for a in attrs:
        codes = [str(v["code"]) for v in cbk.attributes(kind, codebook=cb)[a].get("values", [])]
        col = df[a].astype(object) if a in df else pd.Series([None] * len(df), index=df.index, dtype=object)
        extra = sorted({str(v) for v in col.dropna()} - set(codes))
        out[a] = pd.Categorical(col.where(col.notna(), None), categories=codes + extra)
    for c in items:
        out[c] = df[c].astype("boolean") if c in df else pd.array([pd.NA] * len(df), dtype="boolean")
    for t in texts:
        col = df[t] if t in df else pd.Series([None] * len(df), index=df.index, dtype=object)
        out[t] = col.astype("str").where(col.notna(), pd.NA) if len(col) else col.astype("str")
    return out.reset_index(drop=True)


def empty_table(kind: str, *, codebook=None) -> pd.DataFrame:
    """A respondent table with no rows and the contract's columns and dtypes.

    >>> list(empty_table("companies").columns[:5])
    ['respondent_id', 'population', 'wave', 'simulated', 'source_file']
    """
    cb = cbk.load(codebook) if not isinstance(codebook, dict) else codebook
    cols = ["respondent_id", "population", "wave", "simulated", "source_file",
            *[a for a in cbk.attributes(kind, codebook=cb) if a != "wave"], *_item_codes(kind, cb),
            *cbk.text_fields(kind, codebook=cb)]
    return _finalise(pd.DataFrame({c: pd.Series([], dtype=object) for c in cols}), kind, cb)


def respondent_schema(kind: str, *, codebook=None) -> pa.DataFrameSchema:
    """The respondent-table contract (docs/contracts.md §1) as a pandera schema.

    Includes the multi-select rule: per question, a row's items are either all NA or all True/False.

    >>> respondent_schema("buyers").validate(load_study()["buyers"]).shape[0] > 27
    True
    """
    cb = cbk.load(codebook) if not isinstance(codebook, dict) else codebook
    q = cb["questionnaires"][kind]
    prefix = q.get("id_prefix", kind[:1].upper())
    cols = {
        "respondent_id": pa.Column(str, pa.Check.str_matches(rf"^{prefix}-[0-9a-f]{{8,}}$"), unique=True),
        "population": pa.Column(str, pa.Check.isin([kind])),
        "wave": pa.Column("int64", pa.Check.in_range(1900, 2100)),
        "simulated": pa.Column(bool),
        "source_file": pa.Column(str),
    }
    for a, spec in cbk.attributes(kind, codebook=cb).items():
        if a == "wave":
            continue
        codes = [str(v["code"]) for v in spec.get("values", [])]
        checks = [] if spec.get("open") else [pa.Check.isin(codes)]
        cols[a] = pa.Column("category", checks, nullable=True)
    checks = []
    for qn, spec in q["questions"].items():
        codes = [it["code"] for it in spec["items"]]
        for c in codes:
            cols[c] = pa.Column("boolean", nullable=True)
        # a row either skipped the question (all NA) or ticked at least one item; False only beside a True
        # (an item absent from a wave's export stays NA even for those who answered)
        checks.append(pa.Check(lambda d, cs=codes: d[cs].isna().all(axis=1) | d[cs].fillna(False).any(axis=1),
                               name=f"multi_select_rule:{qn}"))
    for t in cbk.text_fields(kind, codebook=cb):
        cols[t] = pa.Column(str, nullable=True)
    return pa.DataFrameSchema(cols, checks=checks, strict=True, ordered=True)


# ------------------------------------------------------------------------------------------------ loading

def load_export(path: str | Path, kind: str, *, wave: int | None = None, mapping=None, sheet=None,
                encoding: str | None = None, sep: str | None = None, simulated: bool = False,
                codebook=None) -> pd.DataFrame:
    """Load one export (CSV or XLSX) into a respondent table.

    Parameters
    ----------
    path : str or Path
    kind : {"buyers", "companies"}
    wave : int, optional
        The wave the export belongs to; needed when the file has no ``Année`` column, checked when it has one.
    mapping : str, Path or dict, optional
        Mapping file (see :func:`load_mapping`).
    sheet : str or int, optional
        XLSX sheet (name or 0-based index); default the first.
    encoding, sep : str, optional
        CSV hints; detected when not given.
    simulated : bool, default False
    codebook : dict, str or Path, optional

    Raises
    ------
    InputError
        Every problem of the file at once.
    """
    df, problems = _parse(path, kind, mapping=mapping, wave=wave, sheet=sheet, encoding=encoding, sep=sep,
                          simulated=simulated, codebook=codebook)
    errors = [p for p in problems if p["severity"] == "error"]
    if errors or df is None:
        raise InputError(errors or problems)
    return df


def validate(path: str | Path, kind: str, *, mapping=None, wave: int | None = None, sheet=None,
             encoding: str | None = None, sep: str | None = None, codebook=None) -> pd.DataFrame:
    """Check an export without loading it: every problem found, one row each (empty table = valid).

    Returns
    -------
    DataFrame with columns :data:`etude.errors.PROBLEM_COLUMNS` (``severity`` is ``error`` or ``warning``).

    >>> from etude import paths
    >>> validate(paths.demo_dir() / "acheteurs_2017_simule.csv", "buyers", wave=2017).empty
    True
    """
    _, problems = _parse(path, kind, mapping=mapping, wave=wave, sheet=sheet, encoding=encoding, sep=sep,
                         codebook=codebook, require_wave=False)
    return problems_table(problems)


def problems_table(problems: Iterable[dict]) -> pd.DataFrame:
    """Problems as a DataFrame with columns :data:`etude.errors.PROBLEM_COLUMNS` (object dtype: None stays None).

    >>> problems_table([]).shape
    (0, 7)
    """
    problems = list(problems)
    return pd.DataFrame({c: pd.Series([p.get(c) for p in problems], dtype=object) for c in PROBLEM_COLUMNS})


# ------------------------------------------------------------------------------------------------ writing

_CP1252_FALLBACK = str.maketrans({"→": "->", "\u202f": " ", "\u2009": " ", "≥": ">=", "≤": "<="})


def to_export(df: pd.DataFrame, kind: str, *, layout: str = "wide", true_value: str = "Oui",
              false_value: str = "", packed_sep: str = ", ", include_wave: bool = False,
              labels: dict[str, str] | None = None, codebook=None) -> pd.DataFrame:
    """Shape a respondent-like table as a survey tool exports it (French headers and labels, all strings).

    ``df`` has the respondent-table columns; it may also hold raw identifier columns (``respondent_id``, ``email``,
    ``name``, ``phone``, ``company``, ``siret``), which are written as they are (use it for test fixtures and the
    simulated demo, never for real data).

    Parameters
    ----------
    layout : {"wide", "packed"}
        Multi-select questions as one column per item or one column of joined labels.
    true_value, false_value : str
        Wide cells for ticked / not ticked items (a respondent with all items NA gets empty cells).
    packed_sep : str
        Separator between labels in packed cells (``", "`` or ``";"``).
    include_wave : bool
        Write an ``Année`` column.
    labels : dict, optional
        Item code → label to write instead of the codebook's ``label_fr`` (e.g. a synonym).

    >>> t = pd.DataFrame({"buyer_type": ["etat"], "b_temps": [True], "b_financier": [False]})
    >>> list(to_export(t, "buyers", layout="packed").iloc[0])
    ["Services de l'État", 'Pas de temps à y consacrer']
    """
    if layout not in ("wide", "packed"):
        raise ValueError(f"layout must be one of ['packed', 'wide'], not {layout!r}")
    cb = cbk.load(codebook) if not isinstance(codebook, dict) else codebook
    labels = labels or {}
    q = cb["questionnaires"][kind]
    out: dict[str, list[str]] = {}
    n = len(df)
    s = lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)  # noqa: E731
    for name, spec in cbk.identifiers(kind, codebook=cb).items():
        if name in df:
            out[spec.get("text_fr", name)] = [s(v) for v in df[name]]
    if include_wave:
        out[cbk.attributes(kind, codebook=cb)["wave"].get("text_fr", "Année")] = [s(v) for v in df["wave"]]
    for name, spec in cbk.attributes(kind, codebook=cb).items():
        if name == "wave" or name not in df:
            continue
        lab = {str(v["code"]): v["label_fr"] for v in spec.get("values", [])}
        out[spec.get("text_fr", name)] = [lab.get(s(v), s(v)) for v in df[name]]
    for qn, spec in q["questions"].items():
        its = cbk.items(kind, qn, codebook=cb)
        codes = [c for c in its["code"] if c in df]
        if not codes:
            continue
        lab = {c: labels.get(c, l) for c, l in zip(its["code"], its["label_fr"])}
        text = spec.get("text_fr", qn)
        answered = [any(df[c].iloc[k] is True or (not pd.isna(df[c].iloc[k]) and bool(df[c].iloc[k]))
                        for c in codes) for k in range(n)]
        if layout == "wide":
            for c in codes:
                out[f"{text} [{lab[c]}]"] = [
                    (true_value if (not pd.isna(df[c].iloc[k]) and bool(df[c].iloc[k])) else false_value)
                    if answered[k] else "" for k in range(n)]
        else:
            out[text] = [packed_sep.join(lab[c] for c in codes if not pd.isna(df[c].iloc[k]) and bool(df[c].iloc[k]))
                         for k in range(n)]
    for name, spec in cbk.text_fields(kind, codebook=cb).items():
        if name in df:
            out[spec.get("text_fr", name)] = [s(v) for v in df[name]]
    return pd.DataFrame(out, index=range(n), dtype=object)


def write_export(table: pd.DataFrame, path: str | Path, *, encoding: str = "utf-8", sep: str = ",",
                 sheet: str = "Réponses", title_rows: Iterable[str] = (), properties: dict[str, Any] | None = None,
                 timestamp: _dt.datetime = _dt.datetime(2018, 1, 1)) -> Path:
    """Write an export-shaped table (from :func:`to_export`) as CSV or XLSX, byte-for-byte reproducibly.

    Parameters
    ----------
    table : DataFrame
        All-string table; its columns are the header row.
    path : str or Path
        ``.csv`` or ``.xlsx``.
    encoding, sep : str
        CSV only. With ``cp1252``, characters it lacks are folded (``→`` → ``->``), as Excel would need.
    sheet, title_rows, properties : XLSX only
        Sheet name; lines written above the header (a report title, an export date); document properties
        (``title``, ``subject``, ``creator``, ``keywords``, ``description``…).
    timestamp : datetime
        XLSX creation/modification dates and zip entry dates (fixed so the bytes are stable).
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    header = [str(c) for c in table.columns]
    body = [["" if v is None else str(v) for v in r] for r in table.itertuples(index=False)]
    if fmt == "csv":
        buf = io.StringIO(newline="")
        w = csv.writer(buf, delimiter=sep, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        for t in title_rows:
            w.writerow([t])
        w.writerow(header)
        w.writerows(body)
        text = buf.getvalue()
        if encoding.lower().replace("-", "") in ("cp1252", "windows1252"):
            text = text.translate(_CP1252_FALLBACK)
        path.write_bytes(text.encode(encoding))
    elif fmt == "xlsx":
        path.write_bytes(_xlsx_bytes(header, body, sheet=sheet, title_rows=list(title_rows),
                                     properties=properties or {}, timestamp=timestamp))
    else:
        raise ValueError(f"unsupported suffix {path.suffix!r}: expected one of {sorted(FORMATS)}")
    return path


def _xlsx_bytes(header, body, *, sheet, title_rows, properties, timestamp) -> bytes:
    import openpyxl
    from openpyxl.writer.excel import ExcelWriter
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for t in title_rows:
        ws.append([t])
    if title_rows:
        ws.append([])
    ws.append(header)
    for r in body:
        ws.append([v if v != "" else None for v in r])
    for k, v in properties.items():
        setattr(wb.properties, k, v)
    wb.properties.created = timestamp
    wb.properties.modified = timestamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    # re-pack with fixed entry dates: zipfile stamps entries with the current time
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=timestamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, zin.read(info.filename))
    return out.getvalue()
