"""One export in, one respondent table (or every problem) out: :func:`load_export`, :func:`validate`.

:func:`parse_export` runs the steps in order — read the rows (:mod:`~etude.survey.readers`), find the header
row, give each header a role (:mod:`~etude.survey.fields`), check the required columns and every cell
(:mod:`~etude.survey.checks`), read the multi-select answers, then build the table of the contract
(:mod:`~etude.survey.tables`). Identifiers become salted pseudonyms and free text is scrubbed
(:mod:`etude.survey.privacy`) before the table leaves.

Examples
--------
>>> from etude import paths
>>> t = load_export(paths.demo_dir() / "acheteurs_2017_simule.csv", "buyers", wave=2017, simulated=True)
>>> t.shape[0], bool(t["respondent_id"].str.startswith("A-").all())
(27, True)
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from etude.errors import InputError, printable, problem
from etude.survey import checks, privacy
from etude.survey import codebook as cbk
from etude.survey.clean import one_line
from etude.survey.fields import Fields, build_fields, classify
from etude.survey.mapping import load_mapping
from etude.survey.readers import column_letter, read_rows
from etude.survey.tables import finalise, problems_table

__all__ = ["ExportEntry", "parse_export", "load_export", "validate", "not_asked", "Sheet", "NOT_ASKED_MESSAGE"]

#: Message (severity ``info``) of an item missing from a wave: its column is all NA for that wave, never 0 %.
NOT_ASKED_MESSAGE = "item non posé dans cette vague (absent de l'export) : valeurs manquantes, jamais 0 %"


@dataclass(frozen=True)
class ExportEntry:
    """One export as a wave entry of the study file lists it: what :func:`parse_export` reads, and how.

    Parameters
    ----------
    path : str or Path
    population : {"buyers", "companies"}
    wave : int, optional
        The wave the export belongs to; needed when the file has no ``Année`` column, checked when it has one.
    mapping : str, Path or dict, optional
        Mapping file (see :func:`etude.survey.load_mapping`).
    sheet : str or int, optional
        XLSX sheet (name or 0-based index); default the first.
    encoding, sep : str, optional
        CSV hints; detected when not given.
    simulated : bool, default False
    not_asked : iterable of str
        Item codes the study file declares not asked in this export (beside the mapping's).

    >>> ExportEntry.of({"path": "a.csv", "population": "buyers", "wave": 2017, "format": "csv", "sep": ";"}).sep
    ';'
    """

    path: str | Path
    population: str
    wave: int | None = None
    mapping: str | Path | dict | None = None
    sheet: str | int | None = None
    encoding: str | None = None
    sep: str | None = None
    simulated: bool = False
    not_asked: Iterable[str] = ()

    @classmethod
    def of(cls, entry: dict) -> ExportEntry:
        """The entry of :func:`etude.survey.study_inputs` (a dict with these keys and others, ignored)."""
        return cls(**{k: entry[k] for k in cls.__dataclass_fields__ if k in entry})


@dataclass
class Sheet:
    """An export's body as the parser sees it: header, data cells, spreadsheet row numbers, header roles.

    Attributes
    ----------
    fname : str
        File name (not path), for messages.
    header : list of str
        Header cells, stripped.
    header_row : int
        The header's row number as a spreadsheet shows it.
    data : DataFrame
        Body cells (str, stripped), columns ``0..width-1``, one row per non-empty line.
    rownums : list of int
        Spreadsheet row number of each data row.
    roles : dict
        Column index → role (from :func:`etude.survey.fields.classify`), for the columns kept.
    used : dict
        Role → header that holds it.
    """

    fname: str
    header: list[str]
    header_row: int
    data: pd.DataFrame
    rownums: list[int]
    roles: dict[int, tuple] = field(default_factory=dict)
    used: dict[tuple, str] = field(default_factory=dict)


def _sheet(rows: list[list[str]], info: dict, f: Fields, fname: str, problems: list[dict]) -> Sheet:
    """Header row, body rows and the problems of the rows' shape (cells beyond the header, other separator)."""
    h = checks.header_row(rows, f)
    header = [c.strip() for c in rows[h]]
    body = [(h + 2 + k, r) for k, r in enumerate(rows[h + 1:]) if any(c.strip() for c in r)]
    if not body:
        problems.append(problem(fname, row=h + 2, message="aucune réponse sous l'en-tête",
                                expected="une ligne par répondant"))
    width = len(header)
    for rownum, r in body:
        extra = [(j, c) for j, c in enumerate(r) if j >= width and c.strip()]
        if extra:
            j, c = extra[0]
            problems.append(problem(fname, row=rownum, column=column_letter(j), value=c,
                                    message="valeur hors de toute colonne d'en-tête", severity="warning"))
        if info["format"] == "csv" and len(r) < width:
            other = checks.other_separator(r, info["sep"], width)
            if other:
                problems.append(problem(fname, row=rownum, value=info["sep"].join(r),
                                        message=f"ligne écrite avec un autre séparateur ({other!r} au lieu de "
                                                f"{info['sep']!r}) : {len(r)} colonne(s) au lieu de {width}",
                                        expected="un seul séparateur pour tout le fichier"))
    data = pd.DataFrame([[c.strip() for c in (r + [""] * width)[:width]] for _, r in body], columns=range(width),
                        dtype=str)
    if data.empty:
        data = pd.DataFrame({c: pd.Series([], dtype=str) for c in range(width)})
    return Sheet(fname=fname, header=header, header_row=h + 1, data=data,
                 rownums=[n for n, _ in body])


def _assign_roles(s: Sheet, f: Fields, cb, problems: list[dict]) -> None:
    """Give each column its role; report empty headers, unknown items or columns, duplicates."""
    for c, name in enumerate(s.header):
        if not name and s.data[c].str.strip().ne("").any():
            problems.append(problem(s.fname, row=s.header_row, column=column_letter(c),
                                    message="en-tête vide au-dessus d'une colonne remplie (cellules fusionnées ?) : "
                                            "colonne ignorée", expected="un en-tête par colonne", severity="warning"))
            continue
        role = classify(name, f)
        if role[0] == "wide_unknown":
            qn, label = role[1]
            problems.append(problem(s.fname, row=s.header_row, column=name, value=label,
                                    message="item inconnu dans l'en-tête"
                                    + checks.suggest(label, qn, f.population, f, cb),
                                    expected="un item du codebook : " + " | ".join(
                                        cbk.items(f.population, qn, codebook=cb)["label_fr"])))
            continue
        if role[0] == "unknown":
            if name:
                problems.append(problem(s.fname, row=s.header_row, column=name, message="colonne non reconnue, ignorée",
                                        expected="une colonne du codebook ou une entrée « columns » du fichier de "
                                                 "correspondance", severity="warning"))
            continue
        if role[0] == "ignore":
            continue
        if role in s.used:
            problems.append(problem(s.fname, row=s.header_row, column=name, message="colonne en double",
                                    expected=f"une seule colonne pour « {s.used[role]} »"))
            continue
        s.used[role] = name
        s.roles[c] = role


def _required_columns(s: Sheet, f: Fields, cb, wave: int | None, require_wave: bool) -> list[dict]:
    """Missing required columns (barriers, required attributes, the wave) and items missing from a wide export."""
    out = []
    for qn in f.questions:
        has_packed = ("packed", qn) in s.used
        wide_items = [code for code in f.items[qn] if ("wide", (qn, code)) in s.used]
        if qn == "barriers" and not has_packed and not wide_items:
            text = cb["questionnaires"][f.population]["questions"][qn].get("text_fr", qn)
            out.append(problem(s.fname, row=s.header_row, column=text, message="colonne obligatoire absente",
                               expected=f"« {text} » (une colonne) ou « {text} [libellé de l'item] » (une par item)"))
        if wide_items and not has_packed and len(wide_items) < len(f.items[qn]):
            for code in (c for c in f.items[qn] if c not in wide_items):
                out.append(problem(s.fname, row=s.header_row, column=code, message=NOT_ASKED_MESSAGE,
                                   expected="rien à faire si la question n'a pas été posée cette vague-là "
                                            "(sinon ajouter sa colonne)", severity="info"))
    for name, spec in f.attrs.items():
        if spec.get("required") and ("attr", name) not in s.used:
            out.append(problem(s.fname, row=s.header_row, column=spec.get("text_fr", name),
                               message="colonne obligatoire absente", expected=spec.get("text_fr", name)))
    if ("wave", "wave") not in s.used and wave is None and require_wave:
        out.append(problem(s.fname, column="Année", message="vague inconnue",
                           expected="une colonne « Année » ou la vague dans le fichier d'étude (wave: 2017)"))
    return out


def _cell_problems(s: Sheet, f: Fields, wave: int | None) -> list[dict]:
    """Identifier, wave and attribute cells checked with pandera (:func:`etude.survey.checks.raw_schema`)."""
    import pandera.errors
    by_header = {s.header[c]: role for c, role in s.roles.items() if role[0] in ("id", "attr", "wave")}
    raw = s.data[[c for c, r in s.roles.items() if r[0] in ("id", "attr", "wave")]].copy()
    raw.columns = [s.header[c] for c in raw.columns]
    if "respondent_id" in {r[1] for r in by_header.values() if r[0] == "id"}:
        idh = next(hd for hd, r in by_header.items() if r == ("id", "respondent_id"))
        raw[idh] = raw[idh].where(raw[idh] != "", None)
    try:
        checks.raw_schema(by_header, f, wave).validate(raw, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        return checks.pandera_problems(exc.failure_cases, s.fname, s.rownums, by_header, f, wave, raw)
    return []


def _multi_select(s: Sheet, f: Fields, cb, problems: list[dict], declared: set[str]) -> dict[str, list]:
    """Item code → one value per row (True, False or NA) from packed or wide columns; unreadable cells reported.

    Items in ``declared`` (``not_asked`` of the study entry or mapping) are NA for every row.
    """
    values: dict[str, list] = {}
    for qn in f.questions:
        packed_col = next((c for c, r in s.roles.items() if r == ("packed", qn)), None)
        wide_cols = {r[1][1]: c for c, r in s.roles.items() if r[0] == "wide" and r[1][0] == qn}
        chosen = [set() for _ in range(len(s.data))]
        present = (set(f.items[qn]) if packed_col is not None else set(wide_cols)) - declared
        if packed_col is not None:
            _packed_cells(s, f, cb, qn, packed_col, chosen, problems)
        for code, c in wide_cols.items():
            _wide_cells(s, f, qn, code, c, chosen, problems)
        for code in f.items[qn]:
            values[code] = [pd.NA if not ch or code not in present else (code in ch) for ch in chosen]
        if packed_col is not None:
            _never_ticked(s, f, qn, packed_col, chosen, present, problems)
    return values


def _packed_cells(s: Sheet, f: Fields, cb, qn: str, col, chosen: list[set], problems: list[dict]) -> None:
    """Add each row's items of a packed column to ``chosen``; report unknown labels (each distinct cell is split
    once, each distinct unknown label gets one suggestion, however many rows repeat them)."""
    expected = "un ou plusieurs de : " + " | ".join(cbk.items(f.population, qn, codebook=cb)["label_fr"])
    hints: dict[str, str] = {}
    split: dict[str, tuple[list[str], list[str]]] = {}
    for k, cell in enumerate(s.data[col]):
        if cell not in split:
            split[cell] = checks.split_packed(cell, f.item_variants[qn])
        got, unknown = split[cell]
        chosen[k].update(got)
        for u in unknown:
            if u not in hints:
                hints[u] = checks.suggest(u, qn, f.population, f, cb)
            problems.append(problem(s.fname, row=s.rownums[k], column=s.header[col], value=u,
                                    message="libellé inconnu" + hints[u], expected=expected))


def _wide_cells(s: Sheet, f: Fields, qn: str, code: str, col, chosen: list[set], problems: list[dict]) -> None:
    """Add ``code`` to the rows of ``chosen`` whose wide cell is ticked; report unreadable cells (each distinct
    cell normalised once, the rows found by a vectorised look-up)."""
    item_labels = {v for v, cd in f.item_variants[qn].items() if cd == code}
    cells = s.data[col]
    folded = {cell: cbk.normalise(cell) for cell in cells.unique()}
    ticked = [cell for cell, v in folded.items() if v in f.true or v in item_labels]
    unreadable = [cell for cell, v in folded.items() if not (v in f.true or v in item_labels or v in f.false)]
    for k in np.flatnonzero(cells.isin(ticked).to_numpy()):
        chosen[k].add(code)
    for k in np.flatnonzero(cells.isin(unreadable).to_numpy()) if unreadable else ():
        problems.append(problem(s.fname, row=s.rownums[k], column=s.header[col], value=cells.iat[k],
                                message="case à cocher illisible",
                                expected="Oui, Y, 1 ou X (coché) ; Non, N, 0 ou vide (non coché)"))


def _never_ticked(s: Sheet, f: Fields, qn: str, col, chosen: list[set], present: set[str],
                  problems: list[dict]) -> None:
    """Information: an item nobody ticked in a packed export may not have been asked — a packed column cannot
    tell (issue 26.7); its share will read 0 %, unless declared ``not_asked`` or bounded by ``since``/``until``."""
    if not any(chosen):
        return
    for code in [c for c in f.items[qn] if c in present and not any(c in ch for ch in chosen)]:
        problems.append(problem(s.fname, column=s.header[col], value=code, severity="info",
                                message="jamais coché dans cet export groupé : posé ? sinon déclarez `not_asked` ou "
                                        "`since`"))


def _history(values: dict[str, list], waves: list, f: Fields, cb, fname: str, problems: list[dict]) -> None:
    """The codebook's questionnaire history (``since``/``until`` on an item): an item is « non posé » (NA) for
    the rows of a wave that did not ask it, whatever the export's layout; a row left with nothing ticked of the
    items asked did not answer the question (all NA)."""
    spans = {w: cbk.asked_in(f.population, w, codebook=cb) for w in set(waves) if w}
    for qn in f.questions:
        gone = {c for c in f.items[qn] if any(not spans[w].get(c, True) for w in spans)}
        for code in sorted(gone):
            values[code] = [pd.NA if w and not spans[w].get(code, True) else v for v, w in zip(values[code], waves)]
            problems.append(problem(fname, column=code, severity="info", message="item non posé dans cette vague "
                                    "(since/until du codebook) : valeurs manquantes, jamais 0 %"))
        for k in range(len(waves)) if gone else ():
            if not any(values[c][k] is True for c in f.items[qn]):
                for c in f.items[qn]:
                    values[c][k] = pd.NA


def _declared_not_asked(s: Sheet, f: Fields, codes: list[str], problems: list[dict]) -> set[str]:
    """Items declared not asked (``not_asked: [code, …]``): checked against the codebook, reported as info."""
    known = [c for qn in f.questions for c in f.items[qn]]
    out = set()
    for code in dict.fromkeys(codes):
        if code not in known:
            problems.append(problem(s.fname, column="not_asked", value=code, message="code d'item inconnu",
                                    expected=", ".join(known)))
        else:
            out.add(code)
            problems.append(problem(s.fname, column=code, severity="info", message="item déclaré non posé dans "
                                    "cette vague (not_asked) : valeurs manquantes, jamais 0 %"))
    return out


def not_asked(table: pd.DataFrame, *, codebook=None) -> pd.DataFrame:
    """Items not asked in a wave: all NA in that wave while another item of the same question has answers.

    That is how a respondent table records « non posé » (``docs/contracts.md`` §1): an item missing from a wave's
    wide export, or declared ``not_asked``, is NA for everyone of that wave, whereas an item asked but ticked
    by nobody is False for every respondent who answered the question.

    Returns
    -------
    DataFrame with columns ``population, wave, question, item`` (one row per item and wave not asked).

    >>> from etude import survey
    >>> t = survey.load_study()["buyers"]
    >>> t.loc[t["wave"] == 2018, "b_temps"] = pd.NA  # b_temps not asked in 2018
    >>> not_asked(t).query("item == 'b_temps'")[["wave", "question"]].values.tolist()
    [[2018, 'barriers']]
    """
    rows = []
    if len(table):
        population = str(table["population"].iloc[0])
        for qn in cbk.variants(population, codebook=codebook).questions:
            codes = [c for c in cbk.items(population, qn, codebook=codebook)["code"] if c in table]
            for wave, part in table.groupby("wave", sort=True):
                answered = part[codes].notna()
                if answered.any().any():
                    rows += [{"population": population, "wave": int(wave), "question": qn, "item": c}
                             for c in codes if not answered[c].any()]
    return pd.DataFrame(rows, columns=["population", "wave", "question", "item"]).astype({"wave": "int64"})


def _row_waves(s: Sheet, col_of: dict, wave: int | None) -> list[int | None]:
    if ("wave", "wave") in col_of:
        return [w if w is not None else wave for w in (checks.wave_of(v) for v in s.data[col_of[("wave", "wave")]])]
    return [wave] * len(s.data)


def _respondent_keys(s: Sheet, f: Fields, col_of: dict, waves: list) -> list[str]:
    """The raw key each pseudonym is made from: respondent id, else e-mail, else file and row."""
    columns = [(ident, s.data[col_of[("id", ident)]].tolist()) for ident in ("respondent_id", "email")
               if ("id", ident) in col_of]
    keys = []
    for k in range(len(s.data)):
        key = next((f"{ident}:{values[k]}" for ident, values in columns if values[k]), None)
        keys.append(f"{f.population}|{waves[k]}|{key or f'{s.fname}#{s.rownums[k]}'}")
    return keys


def _table(s: Sheet, f: Fields, cb, values: dict, waves: list, simulated: bool) -> pd.DataFrame:
    """The respondent table: pseudonyms, provenance, attribute codes, items, scrubbed free text."""
    col_of = {r: c for c, r in s.roles.items()}
    out = pd.DataFrame(index=range(len(s.data)))
    keys = _respondent_keys(s, f, col_of, waves)
    out["respondent_id"] = privacy.pseudonymise(keys, f.prefix)
    out["population"] = f.population
    out["wave"] = waves
    out["simulated"] = bool(simulated)
    out["source_file"] = s.fname
    for name in f.attrs:
        if ("attr", name) in col_of:
            table = f.attr_values[name]
            is_open = f.attrs[name].get("open")  # open text (« Organisme »): scrubbed like any free text
            cells = s.data[col_of[("attr", name)]]
            codes = {v: None if not v else (table.get(cbk.normalise(v), privacy.scrub_text(one_line(v))) if is_open
                                            else table.get(cbk.normalise(v)))
                     for v in cells.unique()}  # one look-up per distinct cell
            out[name] = [codes[v] for v in cells]
        else:
            out[name] = None
    for qn in f.questions:
        for code in f.items[qn]:
            out[code] = pd.array(values[code], dtype="boolean")
    for name in f.texts:
        if ("text", name) in col_of:
            cells = s.data[col_of[("text", name)]]
            clean = {v: privacy.scrub_text(v) if v else None for v in cells.unique()}  # once per distinct text
            out[name] = [clean[v] for v in cells]
        else:
            out[name] = None
    table = finalise(out, f.population, cb)
    # who answered, whatever the wave or the file's name (salted): the study compares its waves with it
    anyone = [k.split("|", 2)[2].replace(f"{s.fname}#", "#", 1) for k in keys]
    table.attrs["respondent_keys"] = "\n".join(privacy.pseudonymise(anyone, f.prefix))  # one str: free to copy
    return table


def parse_export(export: ExportEntry, *, codebook=None, require_wave: bool = True
                 ) -> tuple[pd.DataFrame | None, list[dict]]:
    """Parse one export: ``(table, problems)``, the table None when any problem is an error.

    ``export`` says which file and how to read it (:class:`ExportEntry`); ``require_wave=False`` (used by
    :func:`validate`) accepts an export whose wave is unknown.
    """
    path, population, wave = Path(export.path), export.population, export.wave
    cb = cbk.load(codebook) if not isinstance(codebook, dict) else codebook
    if population not in cb["questionnaires"]:
        raise ValueError(f"unknown population {population!r}: expected one of {sorted(cb['questionnaires'])}")
    try:
        spec = load_mapping(export.mapping)
        f = build_fields(population, cb, spec)
        rows, info = read_rows(path, sheet=export.sheet, encoding=export.encoding, sep=export.sep)
    except InputError as exc:
        return None, exc.problems
    problems: list[dict] = [*spec.get("_notes", []), *f.problems, *info.get("problems", [])]
    s = _sheet(rows, info, f, printable(path.name), problems)  # undecodable name bytes shown as U+FFFD
    _assign_roles(s, f, cb, problems)
    problems += _required_columns(s, f, cb, wave, require_wave)
    declared = _declared_not_asked(s, f, [*export.not_asked, *f.not_asked], problems)
    problems += _cell_problems(s, f, wave)
    values = _multi_select(s, f, cb, problems, declared)
    problems.sort(key=lambda p: (p["row"] is not None, p["row"] or 0))  # stable: file-level first, then by row
    if any(p["severity"] == "error" for p in problems):
        return None, problems
    waves = _row_waves(s, {r: c for c, r in s.roles.items()}, wave)
    if any(w is None for w in waves):
        if require_wave:
            problems.append(problem(s.fname, column="Année", message="vague inconnue pour certaines lignes",
                                    expected="une année dans la colonne « Année » ou dans le fichier d'étude"))
            return None, problems
        waves = [0 if w is None else w for w in waves]
    _history(values, waves, f, cb, s.fname, problems)
    return _table(s, f, cb, values, waves, export.simulated), problems


def load_export(path: str | Path, population: str, *, wave: int | None = None, mapping=None, sheet=None,
                simulated: bool = False, codebook=None) -> pd.DataFrame:
    """Load one export (CSV or XLSX) into a respondent table.

    Parameters
    ----------
    path, population, wave, mapping, sheet, simulated
        As the fields of :class:`ExportEntry`.
    codebook : dict, str or Path, optional

    A CSV's encoding and separator are detected; to give them, or items declared not asked, describe the export
    as the study file does (:class:`ExportEntry`) and call :func:`parse_export`.

    Raises
    ------
    InputError
        Every problem of the file at once.
    """
    df, problems = parse_export(ExportEntry(path, population, wave=wave, mapping=mapping, sheet=sheet,
                                            simulated=simulated), codebook=codebook)
    errors = [p for p in problems if p["severity"] == "error"]
    if errors or df is None:
        raise InputError(errors or problems)
    return df


def validate(path: str | Path, population: str, *, mapping=None, wave: int | None = None, sheet=None,
             codebook=None) -> pd.DataFrame:
    """Check an export without loading it: every problem found, one row each (empty table = valid).

    Returns
    -------
    DataFrame with columns :data:`etude.errors.PROBLEM_COLUMNS` (``severity`` is ``error``, ``warning`` or ``info``).

    >>> from etude import paths
    >>> report = validate(paths.demo_dir() / "acheteurs_2017_simule.csv", "buyers", wave=2017)
    >>> report.query("severity != 'info'").empty  # information only (an item the codebook adds later…)
    True
    """
    _, problems = parse_export(ExportEntry(path, population, wave=wave, mapping=mapping, sheet=sheet),
                               codebook=codebook, require_wave=False)
    return problems_table(problems)
