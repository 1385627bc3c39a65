"""Published figures with their sources: the reference tables in ``data/reference/*.csv``.

One CSV per source or series, one row per figure. Every row says where the figure comes from (``source``,
``source_url``) and how sure it is (``status``):

* ``published`` — read as such in the source;
* ``computed`` — derived by simple arithmetic from published figures (the ``note`` says how);
* ``uncertain`` — sources disagree or the excerpt is ambiguous: shown as context, never used as a test oracle.

Nothing is invented or interpolated: a figure nobody published is absent, not estimated. Text rows
(objectives, ranges such as « 30 à 35 ») have an empty ``value`` and a ``value_text``.
``data/reference/README.md`` documents the columns.

Words a reader sees (``label_fr``, ``perimeter``, ``value_text``, ``note``) have an English twin
(``label_en``, ``perimeter_en``, ``value_text_en``, ``note_en``): a faithful translation, the restitution's
quotations and proper names kept as written. :func:`column` names the column of a language; :func:`gt_texts`
reads the GT's texts in one.

Examples
--------
>>> from etude.survey import reference
>>> gt = reference.load_reference("gt_orcp_2017")
>>> int(gt.set_index("indicator").loc["reponses_entreprises", "value"])
90
>>> counts = reference.published_counts()
>>> int(counts.query("population == 'buyers' and attribute.isna()")["n"].iloc[0])
27
>>> gt_texts("objectif_2018_", lang="en")["text"].iloc[-1]
'Start forming a thematic sub-group on social innovation'
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from etude import paths, words
from etude.errors import InputError, problem
from etude.survey import codebook as cbk

__all__ = ["COLUMNS", "REQUIRED", "STATUSES", "WORD_COLUMNS", "column", "table_names", "load_reference",
           "validate_reference", "published_counts", "gt_texts", "LINK_COLUMNS", "LINK_STATUS", "links_file",
           "validate_links", "load_links"]

#: Columns of every reference table, in order.
COLUMNS = ["indicator", "label_fr", "label_en", "series", "perimeter", "perimeter_en", "year", "period", "value",
           "value_text", "value_text_en", "unit", "population", "source", "source_url", "status", "note", "note_en"]
#: Columns that may never be empty.
REQUIRED = ["indicator", "label_fr", "label_en", "series", "perimeter", "perimeter_en", "year", "period", "unit",
            "source", "status"]
#: Columns holding words a reader sees: one per language of :data:`etude.words.LANGS` (French, English).
WORD_COLUMNS = {"label": ("label_fr", "label_en"), "perimeter": ("perimeter", "perimeter_en"),
                "value_text": ("value_text", "value_text_en"), "note": ("note", "note_en")}
#: Allowed values of ``status``.
STATUSES = ("published", "computed", "uncertain")

#: Columns of :func:`load_links`, one row per barrier.
LINK_COLUMNS = ["population", "barrier", "remedy", "solutions", "objective", "indicator", "rationale", "status"]
#: The one status of a link barrier → remedy → solutions: the study's reading, not a published fact.
LINK_STATUS = "interprétation"

_GT_TABLE = "gt_orcp_2017"
_PERIOD = re.compile(r"\d{4}(Q[1-4])?")


def column(name: str, lang: str = "fr") -> str:
    """The column holding ``name`` (``label``, ``perimeter``, ``value_text`` or ``note``) in ``lang``.

    >>> column("label"), column("label", "en"), column("value_text", "en")
    ('label_fr', 'label_en', 'value_text_en')
    """
    return WORD_COLUMNS[name][words.LANGS.index(words.check_lang(lang))]


def table_names(directory: str | Path | None = None) -> list[str]:
    """Names (file stems) of the reference tables, sorted: ``['adcf_barometre', ...]``."""
    d = Path(directory) if directory is not None else paths.reference_dir()
    return sorted(p.stem for p in d.glob("*.csv"))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def validate_reference(raw: pd.DataFrame, file: str | Path) -> list[dict]:
    """Check one reference table read as text; return the problems (empty list: valid).

    Parameters
    ----------
    raw : DataFrame
        The CSV read with ``dtype=str, keep_default_na=False`` (empty cells are ``""``).
    file : str or Path
        File name used in the problems.

    Returns
    -------
    list of dict
        Problems as built by :func:`etude.errors.problem`; rows are numbered as a spreadsheet shows them
        (the header is row 1).

    Examples
    --------
    >>> bad = pd.DataFrame([{c: "x" for c in COLUMNS} | {"year": "2017", "period": "2017", "value": "1",
    ...                                                     "status": "vu"}])
    >>> [p["column"] for p in validate_reference(bad, "t.csv")]
    ['status', 'source_url']
    """
    name = Path(file).name
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        return [problem(name, column=c, message="colonne obligatoire absente",
                        expected=f"les colonnes {', '.join(COLUMNS)}") for c in missing]
    if raw.empty:
        return [problem(name, message="table de référence vide", expected="au moins une ligne")]
    out = []
    for i, row in raw.iterrows():
        out += _row_problems(row, int(i) + 2, name) + _value_problems(row, int(i) + 2, name)
    return out + _table_problems(raw, name)


def _row_problems(row: pd.Series, line: int, name: str) -> list[dict]:
    """Problems of one row's required cells, status, year, period and address (``line``: as a spreadsheet shows)."""
    out = [problem(name, row=line, column=col, value="", expected="une valeur non vide")
           for col in REQUIRED if not str(row[col]).strip()]
    if row["status"].strip() and row["status"] not in STATUSES:
        out.append(problem(name, row=line, column="status", value=row["status"], expected=" ou ".join(STATUSES)))
    period, year = row["period"].strip(), row["year"].strip()
    if year and not year.isdigit():
        out.append(problem(name, row=line, column="year", value=row["year"], expected="une année (ex. 2017)"))
    if period and not (_PERIOD.fullmatch(period) and period[:4] == year):
        out.append(problem(name, row=line, column="period", value=period,
                           expected=f"l'année ({year}) ou un trimestre de cette année (ex. {year}Q1)"))
    url = row["source_url"].strip()
    if url and not url.startswith(("http://", "https://")):
        out.append(problem(name, row=line, column="source_url", value=url,
                           expected="une adresse http:// ou https://, ou vide"))
    return out


def _value_problems(row: pd.Series, line: int, name: str) -> list[dict]:
    """Problems of one row's figure: a number, or a text in French and in English; a note in both languages."""
    value, text, english = row["value"].strip(), row["value_text"].strip(), row["value_text_en"].strip()
    out = []
    if value and not _is_number(value):
        out.append(problem(name, row=line, column="value", value=value,
                           expected="un nombre écrit avec un point décimal (ex. 0.571), ou vide"))
    if not value and not text:
        out.append(problem(name, row=line, column="value", value="",
                           expected="un nombre dans « value » ou un texte dans « value_text »"))
    if bool(text) != bool(english):
        out.append(problem(name, row=line, column="value_text_en", value=english,
                           expected="la traduction anglaise de « value_text » (vide quand il est vide)"))
    if bool(row["note"].strip()) != bool(row["note_en"].strip()):
        out.append(problem(name, row=line, column="note_en", value=row["note_en"],
                           expected="la traduction anglaise de « note » (vide quand elle est vide)"))
    return out


def _table_problems(raw: pd.DataFrame, name: str) -> list[dict]:
    """Problems across rows: a series, indicator and period given twice; a perimeter or unit that changes."""
    out = []
    for i, row in raw[raw.duplicated(["series", "indicator", "period"], keep="first")].iterrows():
        out.append(problem(name, row=int(i) + 2, column="indicator", value=row["indicator"],
                           message=f"doublon (série {row['series']}, période {row['period']})",
                           expected="une seule ligne par série, indicateur et période"))
    for (series, indicator), grp in raw.groupby(["series", "indicator"], sort=False):
        for col in ("perimeter", "perimeter_en", "unit"):
            if grp[col].nunique() > 1:
                out.append(problem(name, row=int(grp.index[1]) + 2, column=col, value=grp[col].iloc[1],
                                   message=f"l'indicateur {indicator} (série {series}) mélange plusieurs valeurs",
                                   expected=f"la même valeur sur toutes ses lignes : {grp[col].iloc[0]}"))
    return out


#: Reference tables read in this process, by path: (sha256 of the bytes read, the table). A kernel that runs one
#: notebook after another reads each table once while its file is unchanged; callers get copies.
_READ: dict[str, tuple[str, pd.DataFrame]] = {}


def _read_one(path: Path) -> pd.DataFrame:
    import hashlib
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(problem(path.name, message=f"illisible : {exc}",
                                 expected="un CSV UTF-8 séparé par des virgules")) from exc
    digest = hashlib.sha256(data).hexdigest()
    kept = _READ.get(str(path))
    if kept is not None and kept[0] == digest:
        return kept[1].copy(deep=True)
    df = _parse_one(path, data)
    _READ[str(path)] = (digest, df.copy(deep=True))
    return df


def _parse_one(path: Path, data: bytes) -> pd.DataFrame:
    import io
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(problem(path.name, message=f"illisible : {exc}",
                                 expected="un CSV UTF-8 séparé par des virgules")) from exc
    problems = validate_reference(raw, path.name)
    if problems:
        raise InputError(problems)
    df = raw.copy()
    df["value"] = pd.to_numeric(df["value"].replace("", None), errors="coerce").astype("float64")
    df["year"] = df["year"].astype(int)
    for col in COLUMNS:
        if col not in ("value", "year"):
            df[col] = df[col].replace("", pd.NA).astype("string")
    df.insert(0, "table", path.stem)
    return df


def load_reference(name: str | None = None, *, directory: str | Path | None = None) -> pd.DataFrame:
    """Read and validate one reference table, or all of them.

    Parameters
    ----------
    name : str, optional
        Table name (file stem, e.g. ``"adcf_barometre"``); ``None`` reads every table.
    directory : str or Path, optional
        Folder of the CSV files (default ``paths.reference_dir()``).

    Returns
    -------
    DataFrame
        ``table`` (file stem) then :data:`COLUMNS`; ``value`` is float (NaN for text rows), ``year`` int,
        the other columns strings with ``<NA>`` for empty cells.

    Raises
    ------
    InputError
        A table does not exist, or has a bad row: every problem names the file, row and column.
    """
    d = Path(directory) if directory is not None else paths.reference_dir()
    names = table_names(d)
    if name is not None:
        if name not in names:
            raise InputError(problem(f"{name}.csv", message="table de référence inconnue",
                                     expected=f"une de : {', '.join(names)}"))
        names = [name]
    frames, problems = [], []
    for n in names:
        try:
            frames.append(_read_one(d / f"{n}.csv"))
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    if not frames:
        raise InputError(problem(str(d), message="aucune table de référence", expected="des fichiers *.csv"))
    return pd.concat(frames, ignore_index=True)


def published_counts(*, directory: str | Path | None = None) -> pd.DataFrame:
    """The 2017 survey sizes published by the GT, keyed by codebook codes.

    What the simulated demo data must match, and what notebook 01 shows next to the data's own counts.
    Only published figures are returned (the computed « 6 autres » is left out: the restitution does not say
    which buyer types they are).

    Returns
    -------
    DataFrame
        One row per count: ``population`` (``buyers``/``companies``), ``wave`` (2017), ``attribute``
        (codebook attribute, ``<NA>`` for the total), ``code`` (attribute value, ``<NA>`` for the total),
        ``n``, ``indicator``, ``label_fr``, ``label_en``, ``source``, ``source_url``, ``status``.

    Examples
    --------
    >>> for r in published_counts().itertuples():
    ...     print(r.population, r.attribute, r.code, r.n)
    buyers <NA> <NA> 27
    buyers buyer_type etat 17
    buyers buyer_type collectivite 4
    companies <NA> <NA> 90
    """
    gt = load_reference(_GT_TABLE, directory=directory).set_index("indicator")
    spec = [("reponses_acheteurs", "buyers", None, None),
            ("reponses_acheteurs_etat", "buyers", "buyer_type", "etat"),
            ("reponses_acheteurs_collectivites", "buyers", "buyer_type", "collectivite"),
            ("reponses_entreprises", "companies", None, None)]
    rows = []
    for indicator, population, attribute, code in spec:
        r = gt.loc[indicator]
        rows.append({"population": population, "wave": int(r["year"]), "attribute": attribute, "code": code,
                     "n": int(r["value"]), "indicator": indicator, "label_fr": r["label_fr"],
                     "label_en": r["label_en"],
                     "source": r["source"], "source_url": r["source_url"], "status": r["status"]})
    out = pd.DataFrame(rows)
    for col in ("population", "attribute", "code", "indicator", "label_fr", "label_en", "source", "source_url",
                "status"):
        out[col] = out[col].astype("string")
    return out


def gt_texts(prefix: str, *, lang: str = "fr", directory: str | Path | None = None) -> pd.DataFrame:
    """Text rows of the GT's table whose indicator starts with ``prefix``, in file order, in ``lang``.

    Parameters
    ----------
    prefix : str
        ``"solution_2018_"`` (the 9 solutions of section 4), ``"note_2018_"`` (the note that follows them),
        ``"objectif_2018_"`` (the 5 objectives of section 5), ``"objectif_2017_"`` (the GT's 2017 objectives) or
        ``"sous_groupe_"`` (its thematic sub-groups).
    lang : {"fr", "en"}
        ``fr``: the seed's words; ``en``: their translation (``value_text_en``, ``label_en``).

    Returns
    -------
    DataFrame
        ``code`` (indicator), ``text``, ``label``, ``source``, ``status``, ``note``.

    Examples
    --------
    >>> gt_texts("objectif_2018_")["text"].iloc[1]
    'Pérenniser les actions de sensibilisation'
    >>> gt_texts("objectif_2018_", lang="en")["text"].iloc[1]
    'Make the awareness-raising actions permanent'
    """
    gt = load_reference(_GT_TABLE, directory=directory)
    rows = gt[gt["indicator"].str.startswith(prefix) & gt["value_text"].notna()]
    out = rows.rename(columns={"indicator": "code", column("value_text", lang): "text", column("label", lang): "label",
                               column("note", lang): "note"})
    return out[["code", "text", "label", "source", "status", "note"]].reset_index(drop=True)


def links_file(directory: str | Path | None = None) -> Path:
    """Path of the barrier → remedy → solutions links (``data/reference/plan_action.yaml``)."""
    return (Path(directory) if directory is not None else paths.reference_dir()) / "plan_action.yaml"


def _codebook_items(codebook) -> dict[str, dict[str, str]]:
    """{question: {item code: population}} for the barrier and remedy questions."""
    book = cbk.load(codebook) if not isinstance(codebook, dict) else codebook
    out: dict[str, dict[str, str]] = {"barriers": {}, "remedies": {}}
    for population, q in book["questionnaires"].items():
        for question in out:
            for it in q["questions"].get(question, {}).get("items", []):
                out[question][it["code"]] = population
    return out


def _series_years(tables: pd.DataFrame, ref: str) -> int:
    table, _, indicator = ref.partition(":")
    return int(tables.loc[(tables["table"] == table) & (tables["indicator"] == indicator), "period"].nunique())


def _check_link(k: int, link: Any, name: str, items: dict, gt_codes: set, tables: pd.DataFrame) -> list[dict]:
    where = {"file": name, "row": k}
    if not isinstance(link, dict):
        return [problem(**where, value=link, expected="un lien : barrier, remedy, solutions, objective, rationale")]
    out = []
    barrier, remedy = link.get("barrier"), link.get("remedy")
    if barrier not in items["barriers"]:
        out.append(problem(**where, column="barrier", value=barrier, expected="un frein du codebook"))
    elif items["remedies"].get(remedy) != items["barriers"][barrier]:
        out.append(problem(**where, column="remedy", value=remedy,
                           expected="un levier du codebook posé à la même population que le frein"))
    sols = link.get("solutions") or []
    if not isinstance(sols, list) or not sols or any(s not in gt_codes or not str(s).startswith("solution_2018_")
                                                     for s in sols):
        out.append(problem(**where, column="solutions", value=sols,
                           expected="une liste de solutions de gt_orcp_2017 (solution_2018_…)"))
    if link.get("objective") not in gt_codes or not str(link.get("objective")).startswith("objectif_2018_"):
        out.append(problem(**where, column="objective", value=link.get("objective"),
                           expected="un objectif de gt_orcp_2017 (objectif_2018_…)"))
    ind = link.get("indicator")
    if ind and _series_years(tables, str(ind)) < 2:
        out.append(problem(**where, column="indicator", value=ind,
                           expected="table:indicateur d'une table de référence publiée au moins deux années, ou vide"))
    if not str(link.get("rationale") or "").strip():
        out.append(problem(**where, column="rationale", value="", expected="une justification d'une ligne"))
    return out


def validate_links(raw: Any, file: str | Path, *, codebook=None, directory: str | Path | None = None) -> list[dict]:
    """Check the links read from YAML; return the problems (empty list: valid).

    Each link names a barrier of the codebook, a remedy asked to the same population, solutions and one objective
    of the GT's table, an optional follow-up indicator (``table:indicator`` published for two years or more) and a
    one-line rationale; the file's ``status`` is :data:`LINK_STATUS`; each barrier has at most one link.
    Problems name the file, the link's number (``row``, from 1) and the field (``column``).
    """
    name = Path(file).name
    if not isinstance(raw, dict) or not isinstance(raw.get("links"), list):
        return [problem(name, message="structure inattendue", expected="status: … et une liste links: [...]")]
    out = []
    if raw.get("status") != LINK_STATUS:
        out.append(problem(name, column="status", value=raw.get("status"), expected=LINK_STATUS))
    items = _codebook_items(codebook)
    tables = load_reference(directory=directory)
    gt_codes = set(tables.loc[tables["table"] == _GT_TABLE, "indicator"])
    seen: set = set()
    for k, link in enumerate(raw["links"], start=1):
        out += _check_link(k, link, name, items, gt_codes, tables)
        if isinstance(link, dict) and link.get("barrier") in seen:
            out.append(problem(name, row=k, column="barrier", value=link["barrier"], message="frein lié deux fois",
                               expected="un seul lien par frein"))
        seen.add(link.get("barrier") if isinstance(link, dict) else None)
    return out


def load_links(path: str | Path | None = None, *, codebook=None, directory: str | Path | None = None
               ) -> pd.DataFrame:
    """The barrier → remedy → solutions → objective links, validated (status « interprétation »).

    Parameters
    ----------
    path : str or Path, optional
        Default :func:`links_file`.
    codebook, directory
        Codebook and reference folder to check the codes against (defaults: the project's).

    Returns
    -------
    DataFrame
        :data:`LINK_COLUMNS`, one row per link; ``solutions`` is a tuple of codes, ``indicator`` is
        ``table:indicator`` or ``<NA>``.

    Raises
    ------
    InputError
        Every bad link, naming the file, the link's number and the field.

    Examples
    --------
    >>> links = load_links()
    >>> links.set_index("barrier").loc["e_besoins", ["population", "remedy", "status"]].tolist()
    ['companies', 'lev_information', 'interprétation']
    """
    p = Path(path) if path is not None else links_file(directory)
    try:
        raw = cbk.read_yaml(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(problem(p.name, message=f"illisible : {exc}", expected="un fichier YAML UTF-8")) from exc
    problems = validate_links(raw, p, codebook=codebook, directory=directory)
    if problems:
        raise InputError(problems)
    population = _codebook_items(codebook)["barriers"]
    rows = [{"population": population[ln["barrier"]], "barrier": ln["barrier"], "remedy": ln["remedy"],
             "solutions": tuple(ln["solutions"]), "objective": ln["objective"],
             "indicator": ln.get("indicator") or pd.NA, "rationale": str(ln["rationale"]).strip(),
             "status": raw["status"]} for ln in raw["links"]]
    return pd.DataFrame(rows, columns=LINK_COLUMNS)
