"""Study files: which export holds which wave of which questionnaire, and the whole study loaded at once.

A *study file* (YAML, e.g. ``data/demo/etude.yaml``) lists, for each questionnaire (``buyers``, ``companies``), the
export of every wave. :func:`load_study` reads them all into one respondent table per questionnaire
(``docs/contracts.md`` §1); :func:`study_inputs` gives the provenance of every input for the run manifest.

Examples
--------
>>> spec = read_study()
>>> [(i["population"], i["wave"]) for i in spec["inputs"]][:2]
[('buyers', 2017), ('buyers', 2018)]
"""
from __future__ import annotations

import copy
import hashlib
import os
from pathlib import Path
from typing import Any

import pandas as pd

from etude import paths
from etude.errors import InputError, printable, problem
from etude.files import sha256
from etude.survey import codebook as cbk
from etude.survey import overlap, privacy
from etude.survey.clean import clean_tree, removal_note
from etude.survey.exports import ExportEntry, parse_export
from etude.survey.mapping import read_yaml, schema_problems
from etude.survey.readers import FORMATS
from etude.survey.tables import empty_table, finalise

__all__ = ["read_study", "study_inputs", "load_study", "validate_study", "group_rare_open_values",
           "share_parsed", "remember_shared", "name_problems", "STUDY_KEYS", "WAVE_KEYS", "STUDY_SCHEMA", "OTHER",
           "MARGIN_KEYS", "MEETING_KEYS", "meeting_of", "forget_parsed"]

#: Code shown for a value of an open attribute that the codebook does not know and few respondents gave.
OTHER = "autre"

#: Top-level keys of a study file (besides one list of waves per questionnaire).
#: ``publish_small_groups: true`` — the study chooses to publish public buyers' groups under ``min_cell``
#: (:func:`etude.safety.disclosure.protected_populations`); every such table then says it was its choice.
STUDY_KEYS = {"title", "title_en", "simulated", "description", "notes", "codebook", "margins",
              "publish_small_groups", "meeting"}
#: Keys of the meeting the deck is shown at (``meeting: {name: …, date: 2018-03-12, …}``): its title slide.
MEETING_KEYS = ("name", "date", "place", "presenter", "organisations", "contacts")
#: Keys of one margin (``margins: {population: {attribute: {…}}}``).
MARGIN_KEYS = {"source", "year", "counts", "notes"}
#: Keys of one wave entry.
WAVE_KEYS = {"wave", "file", "mapping", "sheet", "encoding", "sep", "simulated", "not_asked", "notes"}
_TEXT = ["string", "integer", "number"]
_WAVE_SCHEMA = {"type": "object", "properties": {
    "file": {"type": "string"}, "mapping": {"type": ["string", "null"]},
    "sheet": {"type": ["string", "integer", "null"]}, "encoding": {"type": ["string", "null"]},
    "sep": {"type": ["string", "null"]}, "simulated": {"type": "boolean"},
    "not_asked": {"type": ["array", "null"], "items": {"type": "string"}}}}
#: JSON Schema of a study file (types only; unknown keys and wave years get their own messages).
STUDY_SCHEMA = {"type": "object",
                "properties": {"title": {"type": _TEXT}, "title_en": {"type": _TEXT}, "simulated": {"type": "boolean"},
                               "codebook": {"type": ["string", "null"]},
                               "publish_small_groups": {"type": "boolean"},
                               "meeting": {"type": ["object", "null"], "additionalProperties": False,
                                           "properties": {
                                               "name": {"type": _TEXT}, "date": {}, "place": {"type": _TEXT},
                                               "presenter": {"type": _TEXT},
                                               "organisations": {"type": ["string", "array"], "items": {"type": _TEXT}},
                                               "contacts": {"type": ["string", "array"], "items": {"type": _TEXT}}}},
                               "margins": {"type": ["object", "null"], "additionalProperties": {
                                   "type": "object", "additionalProperties": {"type": "object", "properties": {
                                       "source": {"type": "string"}, "year": {"type": "integer"},
                                       "counts": {"type": "object"}}}}}},
                "additionalProperties": {"type": ["array", "null"], "items": _WAVE_SCHEMA}}


def read_study(study: str | Path | None = None) -> dict[str, Any]:
    """Read and check a study file.

    Parameters
    ----------
    study : str or Path, optional
        The YAML study file (or a folder holding ``etude.yaml``); default :func:`etude.paths.default_study`
        (the demo study).

    Returns
    -------
    dict with ``path`` (Path), ``title``, ``title_en`` (the title for English runs; ``None`` when the file gives
    none: English runs show ``title``), ``simulated`` (bool), ``publish_small_groups`` (bool, default false: the
    study's choice to publish public buyers' small groups, :func:`etude.safety.disclosure.protected_populations`),
    ``codebook`` (Path or None), ``inputs``: a list
    of dicts ``population, wave, path, format, mapping, sheet, encoding, sep, simulated``, paths resolved from the study
    file's folder, ``margins``: the population margins the study declares (:func:`_margins`; ``{}`` when
    none), and ``cleaned``: the information note of what cleaning its texts removed (a list of at most one
    problem). Texts are cleaned (:mod:`etude.survey.clean`); paths, sheet names and separators are not.

    Raises
    ------
    InputError
        Listing every problem of the study file (unknown keys, missing files, bad waves).
    """
    path = Path(study) if study not in (None, "") else paths.default_study()
    if path.is_dir() and (path / "etude.yaml").is_file():
        path = path / "etude.yaml"
    spec, notes = _study_spec(path)
    base = path.resolve().parent
    cb_path = (base / spec["codebook"]).resolve() if spec.get("codebook") else None
    populations = cbk.populations(cb_path)
    problems, inputs, wheres = [], [], []
    for key in spec:
        if key not in STUDY_KEYS and key not in populations:
            problems.append(problem(path, column=key, message="clé inconnue",
                                    expected=", ".join(sorted(STUDY_KEYS | set(populations)))))
    typed = schema_problems({k: v for k, v in spec.items() if k in STUDY_KEYS or k in populations}, STUDY_SCHEMA,
                            str(path))
    if typed:
        raise InputError(problems + typed)
    study_sim = spec.get("simulated", False)
    if not isinstance(study_sim, bool):
        problems.append(problem(path, column="simulated", value=study_sim, expected="true ou false"))
        study_sim = False
    for population in populations:
        waves = spec.get(population) or []
        if not isinstance(waves, list):
            problems.append(problem(path, column=population, message="liste de vagues attendue",
                                    expected="- {wave: 2017, file: export.csv}"))
            continue
        seen: set = set()
        for i, w in enumerate(waves, start=1):
            inp = _wave_entry(path, base, population, f"{population}[{i}]", w, study_sim, problems)
            if inp is None:
                continue
            if (inp["path"], inp["wave"]) in seen:
                problems.append(problem(path, column=f"{population}[{i}]", value=w["file"],
                                        message="vague listée deux fois"))
            seen.add((inp["path"], inp["wave"]))
            inputs.append(inp)
            wheres.append(f"{population}[{i}]")
    problems += _duplicate_exports(path, inputs, wheres)
    margins = _margins(path, spec.get("margins"), cb_path, problems)
    if problems:
        raise InputError(problems)
    title_en = spec.get("title_en")
    return {"path": path.resolve(), "title": spec.get("title", path.stem),
            "title_en": None if title_en is None else str(title_en), "simulated": study_sim,
            "publish_small_groups": bool(spec.get("publish_small_groups", False)), "codebook": cb_path,
            "inputs": inputs, "margins": margins, "cleaned": notes, "meeting": meeting_of(spec)}


def meeting_of(spec: dict[str, Any]) -> dict[str, Any]:
    """The study file's ``meeting`` as plain text (a YAML date becomes ``2018-03-12``; lists stay lists).

    >>> import datetime
    >>> meeting_of({"meeting": {"date": datetime.date(2018, 3, 12), "organisations": ["ORCP", 7]}})
    {'date': '2018-03-12', 'organisations': ['ORCP', '7']}
    """
    meeting = spec.get("meeting") or {}
    return {k: [str(x) for x in v] if isinstance(v, list) else str(v)
            for k, v in meeting.items() if k in MEETING_KEYS and v not in (None, "")}


def _margin_counts(path: Path, where: str, population: str, attr: str, counts: Any, cb, problems: list[dict]
                   ) -> dict[str, int]:
    """One margin's counts checked: every key a value of the attribute (code, label or synonym), every count a
    whole number ≥ 0, every value of the codebook given; returned by value code, in codebook order."""
    codes = [str(v["code"]) for v in cbk.attributes(population, codebook=cb)[attr].get("values", [])]
    got: dict[str, int] = {}
    given = set()
    for key, n in (counts or {}).items():
        code = cbk.match_value(population, attr, key, codebook=cb)
        given.add(code)
        if code is None:
            problems.append(problem(path, column=f"{where}.counts", value=key, message="groupe inconnu",
                                    expected=f"une valeur de {attr} : " + ", ".join(codes)))
        elif isinstance(n, bool) or not isinstance(n, int) or n < 0:
            problems.append(problem(path, column=f"{where}.counts.{key}", value=n, message="effectif impossible",
                                    expected="un nombre entier positif ou nul de membres de la population"))
        elif code in got:
            problems.append(problem(path, column=f"{where}.counts.{key}", value=key, message="groupe donné deux fois",
                                    expected="un effectif par valeur"))
        else:
            got[code] = n
    missing = [c for c in codes if c not in given]
    if missing and counts:
        problems.append(problem(path, column=f"{where}.counts", value=", ".join(missing),
                                message="groupe sans effectif",
                                expected=f"un effectif pour chaque valeur de {attr} (0 si aucun) : "
                                         + ", ".join(codes)))
    return {c: got[c] for c in codes if c in got}


def _one_margin(path: Path, where: str, population: str, attr: str, margin: dict, cb, problems: list[dict]) -> dict:
    """One margin's keys and counts checked (problems appended)."""
    for k in sorted(set(margin) - MARGIN_KEYS):
        problems.append(problem(path, column=f"{where}.{k}", message="clé inconnue",
                                expected=", ".join(sorted(MARGIN_KEYS))))
    for k in (k for k in ("source", "year", "counts") if not margin.get(k)):
        problems.append(problem(path, column=f"{where}.{k}", message="clé manquante",
                                expected="source (texte), year (année) et counts (effectif par valeur)"))
    counts = _margin_counts(path, where, population, attr, margin.get("counts"), cb, problems)
    return {"source": margin.get("source"), "year": margin.get("year"), "counts": counts}


def _margins(path: Path, spec: Any, cb, problems: list[dict]) -> dict[str, dict[str, dict]]:
    """The study's ``margins:`` checked (problems appended): ``{population: {attribute: {"source", "year",
    "counts": {value code: count}}}}``. Margins of one population must have the same total (raking needs it)."""
    out: dict[str, dict[str, dict]] = {}
    for population, by_attr in (spec or {}).items():
        if population not in cbk.populations(cb):
            problems.append(problem(path, column=f"margins.{population}", message="population inconnue",
                                    expected=", ".join(cbk.populations(cb))))
            continue
        attrs = [a for a, s in cbk.attributes(population, codebook=cb).items()
                 if s.get("values") and not s.get("open") and a != "wave"]
        for attr, margin in (by_attr or {}).items():
            if attr not in attrs:
                problems.append(problem(path, column=f"margins.{population}.{attr}",
                                        message="attribut inconnu ou ouvert",
                                        expected=f"un attribut à valeurs fixées de {population} : " + ", ".join(attrs)))
                continue
            out.setdefault(population, {})[attr] = _one_margin(path, f"margins.{population}.{attr}", population, attr,
                                                               margin, cb, problems)
        totals = {a: sum(m["counts"].values()) for a, m in out.get(population, {}).items()}
        if len(set(totals.values())) > 1:
            problems.append(problem(path, column=f"margins.{population}", message="marges de totaux différents",
                                    value=", ".join(f"{a} : {t}" for a, t in totals.items()),
                                    expected="le même total de population pour chaque attribut (raking)"))
    return out


def name_problems(study: str | Path | None) -> list[dict]:
    """A study file whose name (or folder's) is not UTF-8: one error showing its bytes escaped; else ``[]``.

    Such a study is read (its paths are shown with U+FFFD), but it cannot be run: the engine hands the study's
    path to every notebook and records it in the manifest, both UTF-8 text. :func:`validate_study` (the engine's
    pre-flight check) says so before anything starts.

    >>> name_problems("etude.yaml")
    []
    >>> [p["file"] for p in name_problems(os.fsdecode(b"\\xe9tude.yaml"))]
    ['\\\\xe9tude.yaml']
    """
    try:
        str(study or "").encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(study).decode("utf-8", "backslashreplace")
        return [problem(shown, message="nom de fichier d'étude illisible (octets qui ne sont pas de l'UTF-8) : "
                        "l'étude ne peut pas être exécutée", expected="un nom en UTF-8 : renommer le fichier ou "
                        "son dossier (ex. etude.yaml)")]
    return []


def _study_spec(path: Path) -> tuple[dict, list[dict]]:
    """The study file's YAML as a dict, its texts cleaned, its codebook checked (raises :class:`InputError`); and
    the information note of what the cleaning removed (:mod:`etude.survey.clean`), in a list.

    Paths, sheet names, separators and encodings are kept as written (they name files, sheets, characters).
    """
    if not path.is_file():
        raise InputError([problem(path, message="fichier d'étude introuvable")])
    spec = read_yaml(path, "fichier d'étude") or {}
    if not isinstance(spec, dict):
        raise InputError([problem(path, message="le fichier d'étude doit être un dictionnaire YAML")])
    problems = schema_problems({k: spec[k] for k in ("codebook",) if k in spec}, STUDY_SCHEMA, str(path))
    if problems:
        raise InputError(problems)
    if spec.get("codebook"):
        _check_codebook(path, spec["codebook"])
    removed: list[tuple[str, str]] = []
    spec = clean_tree(spec, paragraphs={"description", "notes"}, keep=_KEPT_AS_WRITTEN, removed=removed)
    note = removal_note(path, removed)
    return spec, [note] if note else []


#: Study-file keys whose values are kept exactly as written: they name files, sheets and characters.
_KEPT_AS_WRITTEN = frozenset({"file", "mapping", "codebook", "sheet", "sep", "encoding"})


def _check_codebook(path: Path, name: str) -> None:
    """The study's ``codebook:`` must name a readable codebook (:func:`etude.survey.codebook.check_file`)."""
    file = path.resolve().parent / name
    if not file.is_file():
        raise InputError([problem(path, column="codebook", value=name, message="fichier introuvable",
                                  expected="le chemin d'un codebook YAML, relatif au fichier d'étude")])
    problems = cbk.check_file(file)
    if problems:
        raise InputError([problem(path, column="codebook", value=name, message="ce fichier n'est pas un codebook "
                                  "utilisable (détail ci-dessous)", expected="un codebook YAML comme "
                                  "data/codebook/codebook.yaml (questionnaires, themes)"), *problems])


def _duplicate_exports(path: Path, inputs: list[dict], wheres: list[str]) -> list[dict]:
    """The same bytes (sha256) listed in two entries: one problem naming both."""
    seen: dict[str, str] = {}
    out = []
    for inp, where in zip(inputs, wheres):
        if not inp["path"].is_file():
            continue
        digest = sha256(inp["path"])
        if digest in seen:
            out.append(problem(path, column=f"{seen[digest]} et {where}", value=printable(inp["path"].name),
                               message=f"même export listé deux fois ({seen[digest]} et {where} : sha256 identique)",
                               expected="un export différent pour chaque vague"))
        else:
            seen[digest] = where
    return out


def _wave_entry(path: Path, base: Path, population: str, where: str, w: Any, study_sim: bool,
                problems: list[dict]) -> dict | None:
    """One wave entry checked and resolved (None when it names no file); its problems appended to ``problems``."""
    if not isinstance(w, dict):
        problems.append(problem(path, column=where, value=w, expected="{wave: ANNÉE, file: CHEMIN}"))
        return None
    for k in w:
        if k not in WAVE_KEYS:
            problems.append(problem(path, column=f"{where}.{k}", message="clé inconnue",
                                    expected=", ".join(sorted(WAVE_KEYS))))
    wave = w.get("wave")
    if isinstance(wave, bool) or not isinstance(wave, int) or not 1900 <= wave <= 2100:
        problems.append(problem(path, column=f"{where}.wave", value=wave, expected="une année (ex. 2017)"))
    if not w.get("file"):
        problems.append(problem(path, column=f"{where}.file", message="fichier d'export manquant"))
        return None
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
    return {"population": population, "wave": wave, "path": file, "format": fmt, "mapping": mapping,
            "sheet": w.get("sheet"), "encoding": w.get("encoding"), "sep": w.get("sep"),
            "simulated": bool(w.get("simulated", study_sim)),
            "not_asked": [str(c) for c in w.get("not_asked") or []]}



def study_inputs(study: str | Path | None = None) -> pd.DataFrame:
    """Provenance of every input of a study: one row per export file.

    Returns
    -------
    DataFrame with columns ``population, wave, path, sha256, format, simulated`` (``path`` absolute, as str).

    >>> study_inputs().shape[1]
    6
    """
    spec = read_study(study)
    # path as text a manifest can hold: a file name's undecodable bytes become U+FFFD
    rows = [{"population": i["population"], "wave": i["wave"], "path": printable(i["path"]),
             "sha256": sha256(i["path"]), "format": i["format"], "simulated": i["simulated"]} for i in spec["inputs"]]
    out = pd.DataFrame(rows, columns=["population", "wave", "path", "sha256", "format", "simulated"])
    return out.astype({"wave": "int64", "simulated": "bool"})


def load_study(study: str | Path | None = None, *, codebook: dict | str | Path | None = None,
               min_cell: int = 5) -> dict[str, pd.DataFrame]:
    """Load every wave of a study into one respondent table per questionnaire.

    Parameters
    ----------
    study : str or Path, optional
        Study file (YAML); default: the demo study.
    codebook : dict, str or Path, optional
        Codebook to use; default: the study file's ``codebook`` key, else ``data/codebook/codebook.yaml``.
    min_cell : int, default 5
        A value of an open attribute (« Organisme ») that is not one of the codebook's and that fewer respondents
        gave becomes :data:`OTHER` (a rare institution name can point at a person).

    Returns
    -------
    dict ``{"buyers": DataFrame, "companies": DataFrame}`` (columns: ``docs/contracts.md`` §1).

    Raises
    ------
    InputError
        With every problem of every file, not just the first.
    """
    spec = read_study(study)
    tables, problems = _load(spec, codebook)
    errors = [p for p in problems if p["severity"] == "error"]
    if errors:
        raise InputError(errors)
    cb = codebook if codebook is not None else spec["codebook"]
    return {population: group_rare_open_values(t, population, codebook=cb, min_cell=min_cell)
            for population, t in tables.items()}


def group_rare_open_values(table: pd.DataFrame, population: str, *, codebook=None, min_cell: int = 5) -> pd.DataFrame:
    """Values of open attributes unknown to the codebook and given by fewer than ``min_cell`` respondents, or holding
    anything personal (:func:`etude.survey.privacy.personal_looking`: a name, a contact) → ``autre``.

    >>> t = pd.DataFrame({"organisation": pd.Categorical(["mel", "Mairie de X", None])})
    >>> group_rare_open_values(t, "buyers")["organisation"].tolist()
    ['mel', 'autre', nan]
    """
    out = table.copy()
    for name, spec in cbk.attributes(population, codebook=codebook).items():
        if not spec.get("open") or name not in out:
            continue
        known = [str(v["code"]) for v in spec.get("values", [])]
        col = out[name].astype(object)
        counts = col.value_counts()
        # published only when the codebook knows it, or min_cell respondents gave it and it names nobody
        rare = [v for v, n in counts.items() if v not in known and (n < min_cell or privacy.personal_looking(v))]
        if rare:
            col = col.where(~col.isin(rare), OTHER)
            extra = sorted({str(v) for v in col.dropna()} - set(known))
            out[name] = pd.Categorical(col, categories=known + extra)
    return out


#: The last study parsed in this process, by the content of every file it read (see :func:`_load`).
_LAST_LOAD: dict[str, tuple[dict[str, pd.DataFrame], list[dict]]] = {}


def _content_key(spec: dict, codebook) -> str | None:
    """sha256 of what parsing ``spec`` depends on: its entries, every file's bytes, the codebook's and the salt.

    ``None`` (do not remember) for a codebook given as a dict, or before the salt exists.
    """
    if codebook is not None and not isinstance(codebook, (str, Path)):
        return None
    from etude.survey import privacy
    try:
        salt = privacy.load_salt(create=False)
    except (FileNotFoundError, ValueError, OSError):
        return None
    files = [Path(codebook) if codebook is not None else (spec["codebook"] or paths.codebook_file())]
    files += [Path(f) for inp in spec["inputs"] for f in (inp["path"], inp.get("mapping")) if f]
    h = hashlib.sha256(repr([sorted((k, str(v)) for k, v in inp.items()) for inp in spec["inputs"]]).encode())
    h.update(hashlib.sha256(salt).digest())
    for f in files:
        try:
            h.update(str(f).encode("utf-8", "surrogateescape") + b"\0" + sha256(f).encode("ascii"))
        except OSError:
            return None
    return h.hexdigest()


def _load(spec: dict, codebook) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """Every export of a read study parsed: (tables, every problem of every file, errors and the rest).

    The last result is remembered in this process, keyed by the content of every file read and the salt, and
    handed out as copies: a notebook kernel that the engine reuses parses a study once per run, and a changed
    file is parsed again.
    """
    key = _content_key(spec, codebook)
    if key is not None and key in _LAST_LOAD:
        tables, problems = _LAST_LOAD[key]
        return {k: t.copy(deep=True) for k, t in tables.items()}, copy.deepcopy(problems)
    tables, problems = _parse_all(spec, codebook)
    if key is not None:
        _LAST_LOAD.clear()
        _LAST_LOAD[key] = ({k: t.copy(deep=True) for k, t in tables.items()}, copy.deepcopy(problems))
    return tables, problems


def forget_parsed() -> None:
    """Let go of the study this process parsed last (:func:`_load` keeps one): the engine calls it once its
    pre-flight check is done, so that it holds no study while its notebook kernels run.

    >>> forget_parsed(); len(_LAST_LOAD)
    0
    """
    _LAST_LOAD.clear()


def _shared_entry(study, tag: str) -> tuple[str, str] | None:
    """The name under which a parse of ``study`` (default codebook) is shared, and its content key."""
    try:
        key = _content_key(read_study(study), None)
    except (InputError, OSError):
        return None
    if key is None:
        return None
    return hashlib.sha256(f"{key}|{tag}|parquet-1".encode()).hexdigest(), key


#: What a shared parse holds besides its tables (see :func:`share_parsed`).
_SHARE_FORMAT = 1


def _table_spec(table: pd.DataFrame) -> dict[str, Any]:
    """What restores ``table`` exactly from its Parquet file: column order, each dtype (its name and its full
    description), each categorical's categories, ``attrs``."""
    dtypes, names, categories = {}, {}, {}
    for name, dtype in table.dtypes.items():
        dtypes[str(name)], names[str(name)] = repr(dtype), str(dtype)
        if isinstance(dtype, pd.CategoricalDtype):
            dtypes[str(name)] = "category"
            categories[str(name)] = {"values": dtype.categories.tolist(), "ordered": bool(dtype.ordered),
                                     "dtype": repr(dtype.categories.dtype), "name": str(dtype.categories.dtype)}
    if not isinstance(table.index, pd.RangeIndex) or table.index.start != 0 or table.index.step != 1:
        raise ValueError("index autre qu'un RangeIndex")
    return {"columns": [str(c) for c in table.columns], "dtypes": dtypes, "names": names,
            "categories": categories, "attrs": table.attrs, "rows": len(table)}


def _restored(table: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame | None:
    """A table read back from Parquet with the dtypes ``spec`` records (:func:`_table_spec`) — categoricals with
    their categories, even unused or on an empty table —, or ``None`` if it cannot be exactly that table."""
    from pandas.api.types import pandas_dtype
    for col, cat in spec["categories"].items():
        categories = pd.Index(cat["values"], dtype=pandas_dtype(cat["name"]))
        table[col] = pd.Categorical(table[col], categories=categories, ordered=bool(cat["ordered"]))
    for col, name in spec["names"].items():
        if col not in spec["categories"] and repr(table[col].dtype) != spec["dtypes"][col]:
            table[col] = table[col].astype(pandas_dtype(name))
    table.attrs = spec["attrs"]
    try:
        return table if _table_spec(table) == spec else None
    except ValueError:
        return None


def _seal(meta_text: str, files: dict[str, bytes]) -> str:
    """HMAC-SHA256 under the local salt of a shared parse (its description and each file's sha256)."""
    import hmac

    from etude.survey import privacy
    h = hmac.new(privacy.load_salt(create=False), meta_text.encode("utf-8"), hashlib.sha256)
    for name in sorted(files):
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    return h.hexdigest()


def share_parsed(study: str | Path | None, folder: str | Path, *, tag: str) -> Path | None:
    """Leave this process's parse of ``study`` in ``folder`` for another process to reuse
    (:func:`remember_shared`); ``None`` when there is nothing to share (not parsed here, or with errors).

    The engine parses the study once, in its pre-flight check, and its notebook kernels take that parse instead
    of parsing the same files again. Nothing that can execute is written: each table is a Parquet file (pyarrow),
    and ``meta.json`` holds, as JSON, the problems found and what restores each table exactly (column order,
    dtypes — nullable booleans, categoricals with their categories —, ``attrs``), sealed with the local salt
    (HMAC-SHA256). The entry is listed in the folder's index with the sha256 of each file
    (:mod:`etude.cachefiles`). ``tag`` names what else the parse depends on (the package's code, the versions
    of pandas, NumPy and Python: the engine passes their fingerprint); the entry's name also covers every file
    read and the salt. Nothing is parsed here, and a failure to write is ignored: sharing is only an optimisation.
    """
    import io
    import json

    from etude import cachefiles
    where = _shared_entry(study, tag)
    if where is None or where[1] not in _LAST_LOAD:
        return None
    tables, problems = _LAST_LOAD[where[1]]
    if any(p.get("severity") == "error" for p in problems):
        return None
    if cachefiles.load_record(folder, where[0]) is not None:
        return Path(folder) / where[0]
    try:
        files = {}
        for population, table in tables.items():
            buf = io.BytesIO()
            table.to_parquet(buf, engine="pyarrow", index=False)
            files[f"{population}.parquet"] = buf.getvalue()
        meta = {"format": _SHARE_FORMAT, "problems": problems,
                "tables": {population: _table_spec(table) for population, table in tables.items()}}
        text = json.dumps(meta, ensure_ascii=True, sort_keys=True, default=_plain)
        if json.loads(text) != meta:  # attrs or problems JSON would not give back as they are
            return None
        files["meta.json"] = json.dumps({"meta": text, "seal": _seal(text, files)}).encode("ascii")
        tmp = cachefiles.new_tmp_dir(folder)
    except (OSError, ValueError, TypeError, NotImplementedError):
        return None
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
    except OSError:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
        return None
    return cachefiles.store_entry(folder, where[0], tmp, label="étude lue")


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python value JSON can hold (a problem's row number); anything else is refused."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} n'est pas une valeur JSON")


def remember_shared(study: str | Path | None, folder: str | Path, *, tag: str) -> bool:
    """Take the parse of ``study`` that :func:`share_parsed` left in ``folder`` as this process's own (the next
    :func:`load_study` of the same files hands out copies of it); ``False`` when there is none to take.

    Nothing read can execute (Parquet and JSON); and only what this installation wrote is read: an entry named
    by the content of the very files this process would parse, listed in the folder's index with the sha256 of
    each file (a changed one is refused: :func:`etude.cachefiles.read_entry`), sealed with the local salt, each
    table's dtypes, categories and ``attrs`` restored exactly — or the entry is not used.
    """
    import hmac
    import io
    import json

    from etude import cachefiles
    where = _shared_entry(study, tag)
    found = cachefiles.read_entry(folder, where[0]) if where is not None else None
    if found is None:
        return False
    files = found[0]
    try:
        outer = json.loads(files.pop("meta.json").decode("ascii"))
        text = str(outer["meta"])
        if not hmac.compare_digest(str(outer["seal"]), _seal(text, files)):
            cachefiles.refuse(folder, where[0], ["meta.json"], reason="sceau invalide, pas écrit avec le sel local")
            return False
        meta = json.loads(text)
        if meta["format"] != _SHARE_FORMAT or set(files) != {f"{k}.parquet" for k in meta["tables"]}:
            return False
        tables = {population: _restored(pd.read_parquet(io.BytesIO(files[f"{population}.parquet"]), engine="pyarrow"),
                                        spec)
                  for population, spec in meta["tables"].items()}
        if any(t is None for t in tables.values()):
            return False
    except (KeyError, TypeError, ValueError, OSError, NotImplementedError):
        return False
    _LAST_LOAD.clear()
    _LAST_LOAD[where[1]] = (tables, list(meta["problems"]))
    return True


def _parse_all(spec: dict, codebook) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    cb = codebook if codebook is not None else spec["codebook"]
    frames: dict[str, list[pd.DataFrame]] = {k: [] for k in cbk.populations(cb)}
    problems: list[dict] = []
    counts: dict[str, int] = {}
    parsed: dict[str, list[dict]] = {}
    for inp in spec["inputs"]:
        counts[inp["population"]] = counts.get(inp["population"], 0) + 1
        df, probs = parse_export(ExportEntry.of(inp), codebook=cb)
        problems += probs
        if df is not None:
            parsed.setdefault(inp["population"], []).append({
                "where": f"{inp['population']}[{counts[inp['population']]}]", "wave": inp["wave"], "table": df,
                "keys": df.attrs.pop("respondent_keys", "")})
            frames[inp["population"]].append(df)
    problems += [p for entries in parsed.values() for p in overlap.wave_overlaps(spec["path"], entries)]
    out = {}
    for population, dfs in frames.items():
        table = finalise(pd.concat(dfs, ignore_index=True) if dfs else empty_table(population, codebook=cb),
                         population, cb)
        dup = table["respondent_id"].duplicated(keep=False)
        for _, r in table[dup].iterrows():
            problems.append(problem(r["source_file"], column="respondent_id", value=r["respondent_id"],
                                    message="répondant présent dans deux exports de la même vague",
                                    expected="un identifiant unique par vague"))
        out[population] = table
    return out, problems


def validate_study(study: str | Path | None = None, *, codebook=None) -> list[dict]:
    """Check a whole study at once: its name (:func:`name_problems`), the study file, then every export it lists
    and the waves against each other (:func:`etude.survey.overlap.wave_overlaps`); nothing is loaded for good.

    Returns
    -------
    list of dict
        Every problem (:func:`etude.errors.problem`): ``severity`` ``error`` (the study cannot run), ``warning`` or
        ``info`` (e.g. an item not asked in a wave). No error means every notebook can load the study.

    >>> [p for p in validate_study() if p["severity"] == "error"]
    []
    """
    named = name_problems(study)
    try:
        spec = read_study(study)
    except InputError as exc:
        return named + exc.problems
    return [*named, *spec["cleaned"], *_load(spec, codebook)[1]]
