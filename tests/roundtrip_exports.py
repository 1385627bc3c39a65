"""Exports written the way KoboToolbox and LimeSurvey write them, from a questionnaire file ``etude questionnaire``
generated: what a survey tool hands back after the next wave, so that a test can read it with no mapping file.

The answers are drawn from the form itself (the XLSForm's ``survey`` and ``choices`` sheets, or LimeSurvey's
tab-separated rows), never from the codebook: the round trip proves the generated file, not the codebook, reads back.

* KoboToolbox (formpack's CSV export): ``;`` between fields, every field in double quotes; headers are the XML
  names or the labels, optionally under their groups (``profil/buyer_type``); a ``select_multiple`` is one column of
  space-separated choices (``summary``), one ``question/choice`` column of 0/1 per choice (``details``), or both;
  unanswered questions are empty; Kobo's own columns (``_id``, ``_uuid``, ``_submission_time``…) follow.
* LimeSurvey (its CSV export): UTF-8 with a byte-order mark, ``,`` between fields, every field quoted, CRLF, an
  empty line at the end; headings are question codes (``barriers[bsoutien]``) or full question texts
  (``Question [Sous-question]``); answers are codes (``Y`` / empty for a multiple choice, the answer code of a list)
  or full answers (``Oui`` / ``Non``, the answer text).
"""
from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl


@dataclass
class Field:
    """One answerable question of a form: its name, label, kind and choices (name → label, in order)."""

    name: str
    label: str
    kind: str  # "multi", "one", "text"
    group: str = ""
    choices: dict[str, str] = field(default_factory=dict)
    code: str = ""  # LimeSurvey code
    choice_codes: dict[str, str] = field(default_factory=dict)  # LimeSurvey code → label


def xlsform_fields(path: Path) -> list[Field]:
    """The answerable questions of an XLSForm (notes and groups left out), in form order."""
    wb = openpyxl.load_workbook(path, read_only=True)
    survey = [r for r in wb["survey"].iter_rows(values_only=True)]
    choices = [r for r in wb["choices"].iter_rows(values_only=True)][1:]
    head = list(survey[0])
    out, group = [], ""
    for row in survey[1:]:
        r = dict(zip(head, row))
        kind = (r["type"] or "").split()
        if kind[0] == "begin_group":
            group = r["name"]
        elif kind[0] in ("select_multiple", "select_one"):
            opts = {str(c[1]): str(c[2]) for c in choices if c[0] == kind[1]}
            out.append(Field(r["name"], r["label"], "multi" if kind[0] == "select_multiple" else "one", group, opts))
        elif kind[0] == "text":
            out.append(Field(r["name"], r["label"], "text", group))
    return out


def limesurvey_fields(path: Path) -> list[Field]:
    """The answerable questions of a LimeSurvey tab-separated survey file, in file order."""
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t"))
    out: list[Field] = []
    for r in rows:
        if r["class"] == "Q" and r["type/scale"] in ("M", "L", "S", "T"):
            kind = {"M": "multi", "L": "one"}.get(r["type/scale"], "text")
            out.append(Field(r["name"], r["text"], kind, code=r["name"]))
        elif r["class"] in ("SQ", "A"):
            out[-1].choice_codes[r["name"]] = r["text"]
    return out


def draw_answers(fields: list[Field], n: int, *, seed: int = 7) -> list[dict]:
    """``n`` respondents' answers: one choice per single question (a few left empty when not required), a subset
    per multiple one (every fifth respondent skips them), a short text. Choices are named as in the form."""
    rng = random.Random(seed)
    people = []
    for i in range(n):
        answers: dict = {}
        for f in fields:
            opts = list(f.choices or f.choice_codes)
            if f.kind == "one":
                answers[f.name] = None if (i % 7 == 3 and f.name not in ("buyer_type", "buyertype")) \
                    else opts[rng.randrange(len(opts))]
            elif f.kind == "multi":
                answers[f.name] = [] if i % 5 == 4 else [o for o in opts if rng.random() < 0.4] or [opts[0]]
            else:
                answers[f.name] = "" if i % 3 else f"Réponse {i} ; RAS"
        people.append(answers)
    return people


def _kobo_header(f: Field, *, labels: bool, groups: bool, choice: str | None = None) -> str:
    head = f.label if labels else f.name
    if choice is not None:
        head += "/" + (f.choices[choice] if labels else choice)
    return f"{f.group}/{head}" if groups and f.group else head


def kobo_csv(fields: list[Field], people: list[dict], *, labels: bool = False, groups: bool = False,
             multiple: str = "both") -> str:
    """A KoboToolbox CSV export (formpack's layout) of ``people``'s answers to an XLSForm's ``fields``."""
    header, rows = [], [[] for _ in people]
    for f in fields:
        if f.kind != "multi" or multiple in ("both", "summary"):
            header.append(_kobo_header(f, labels=labels, groups=groups))
            for row, ans in zip(rows, people):
                v = ans[f.name]
                if f.kind == "multi":
                    row.append(" ".join(f.choices[c] if labels else c for c in v))
                elif f.kind == "one":
                    row.append("" if v is None else (f.choices[v] if labels else v))
                else:
                    row.append(v)
        if f.kind == "multi" and multiple in ("both", "details"):
            for c in f.choices:
                header.append(_kobo_header(f, labels=labels, groups=groups, choice=c))
                for row, ans in zip(rows, people):
                    row.append(("1" if c in ans[f.name] else "0") if ans[f.name] else "")
    header += ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
               "__version__", "_tags", "_index"]
    for i, row in enumerate(rows, start=1):
        row += [str(1000 + i), f"5f1c{i:04d}-aaaa-bbbb-cccc-{i:012d}", "2018-11-20T10:00:00", "", "",
                "submitted_via_web", "", "vQ8x", "", str(i)]

    def line(cells):
        return '"' + '";"'.join(str(c).replace('"', '""') for c in cells) + '"'
    return "\n".join(line(r) for r in [header, *rows]) + "\n"


def limesurvey_csv(fields: list[Field], people: list[dict], *, codes: bool = True, lang: str = "fr") -> bytes:
    """A LimeSurvey CSV export of ``people``'s answers to a LimeSurvey file's ``fields``: question-code headings
    and answer codes (``codes=True``), or full question texts and full answers."""
    yes, no = {"fr": ("Oui", "Non"), "en": ("Yes", "No")}[lang]
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed"] if codes else \
        ["ID de la réponse", "Date de soumission", "Dernière page", "Langue de départ", "Tête de série"]
    rows = [[str(i), "2018-11-20 10:00:00", "4", lang, str(12345 + i)] for i in range(1, len(people) + 1)]
    for f in fields:
        if f.kind == "multi":
            for sub, text in f.choice_codes.items():
                header.append(f"{f.code}[{sub}]" if codes else f"{f.label} [{text}]")
                for row, ans in zip(rows, people):
                    picked = sub in ans[f.name]
                    row.append(("Y" if picked else "") if codes else (yes if picked else no))
        else:
            header.append(f.code if codes else f.label)
            for row, ans in zip(rows, people):
                v = ans[f.name]
                row.append("" if v is None else (v if codes or f.kind == "text" else f.choice_codes[v]))
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerows([header, *rows])
    return b"\xef\xbb\xbf" + (buf.getvalue() + "\r\n").encode("utf-8")
