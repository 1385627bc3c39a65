"""The next wave's questionnaire, written from the codebook: an XLSForm (KoboToolbox, ODK) or a LimeSurvey text file.

The form holds what the study analyses, in the codebook's order and with its exact labels: the multi-select
questions (barriers, levers, segments: one choice per item, named by its code), the respondent attributes (type,
size, segment, département as single choices; the organisation as free text), the free-text fields, and a notice
on personal data first. Its interface words (the notice, section titles, hints) come from the catalogue
(``questionnaire`` area of :mod:`etude.words`); question and choice labels from the codebook (``text_*``,
``label_*``).

Every name is one the export readers know without a mapping file: XLSForm ``name`` columns are the codebook codes,
so KoboToolbox's exports (XML names or labels, one column of space-separated choices or one 0/1 column per choice)
read back as they are; LimeSurvey only allows letters and digits in its codes, 20 characters at most (5 for the
answers of a list), so its codes are :func:`etude.survey.codebook.tool_code` of the codebook codes, which the readers
accept too.

Examples
--------
>>> form = questionnaire("buyers")
>>> [s.name for s in form]
['presentation', 'questions', 'profil', 'commentaires']
>>> q = form[1].questions[0]
>>> q.name, q.kind, q.choices[0]
('barriers', 'select_multiple', ('b_soutien', "Manque de soutien à l'achat d'innovation"))
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from etude import words
from etude.errors import ParameterError
from etude.files import atomic_write
from etude.survey import codebook as cbk

__all__ = ["Question", "Section", "questionnaire", "xlsform_sheets", "write_xlsform", "limesurvey_rows",
           "write_limesurvey", "write_questionnaire", "FORMATS", "LIMESURVEY_COLUMNS"]

#: Output formats and the file extension each writes.
FORMATS = {"xlsform": ".xlsx", "limesurvey": ".txt"}
#: Columns of LimeSurvey's tab-separated survey format (its own export writes them first, in this order).
LIMESURVEY_COLUMNS = ["id", "related_id", "class", "type/scale", "name", "relevance", "text", "help", "language",
                      "validation", "mandatory", "other", "default", "same_default"]
#: LimeSurvey question type of each kind of question.
_LS_TYPES = {"select_multiple": "M", "select_one": "L", "text": "S", "long_text": "T", "note": "X"}
_LS_QUESTION_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,19}$")


@dataclass(frozen=True)
class Question:
    """One question of the form.

    Attributes
    ----------
    name : str
        The codebook's name of the field (question, attribute or text) — the XLSForm ``name``.
    kind : {"select_multiple", "select_one", "text", "long_text", "note"}
    label, hint : str
    choices : tuple of (code, label)
        The items or values, in codebook order.
    required : bool
    """

    name: str
    kind: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    hint: str = ""


@dataclass(frozen=True)
class Section:
    """A group of questions (an XLSForm group, a LimeSurvey question group)."""

    name: str
    label: str
    questions: tuple[Question, ...]


def _text(spec: dict, lang: str) -> str:
    return str(spec.get(f"text_{lang}") or spec.get(f"label_{lang}") or spec.get("text_fr") or spec["label_fr"])


def _multi_questions(population: str, lang: str, cb: dict) -> tuple[Question, ...]:
    questions = cb["questionnaires"][population]["questions"]
    hint = words.text("questionnaire.hint_multiple", lang)
    return tuple(Question(name=name, kind="select_multiple", label=_text(spec, lang), hint=hint,
                          choices=tuple((str(it["code"]), str(it[f"label_{lang}"])) for it in spec["items"]))
                 for name, spec in questions.items() if spec.get("type", "multi") == "multi")


def _attribute_questions(population: str, lang: str, cb: dict) -> tuple[Question, ...]:
    out = []
    for name, spec in cbk.attributes(population, codebook=cb).items():
        if name == "wave":  # the study file gives the wave
            continue
        values = tuple((str(v["code"]), str(v[f"label_{lang}"])) for v in spec.get("values", []))
        if spec.get("open") or not values:
            out.append(Question(name=name, kind="text", label=_text(spec, lang), required=bool(spec.get("required"))))
        else:
            out.append(Question(name=name, kind="select_one", label=_text(spec, lang), choices=values,
                                required=bool(spec.get("required"))))
    return tuple(out)


def questionnaire(population: str, *, lang: str = "fr", codebook=None, min_cell: int = 5) -> list[Section]:
    """The questionnaire of one population, as sections of questions in the codebook's order.

    Parameters
    ----------
    population : {"buyers", "companies"}
    lang : {"fr", "en"}
        Language of every label.
    codebook : dict, str or Path, optional
    min_cell : int, default 5
        The small-group rule the notice on personal data announces.

    Returns
    -------
    list of Section
        ``presentation`` (the notice, a ``note`` named ``consent``), ``questions`` (the multi-select questions),
        ``profil`` (the attributes), ``commentaires`` (the free-text fields).
    """
    words.check_lang(lang)
    cb = cbk.load(codebook) if not isinstance(codebook, dict) else codebook
    if population not in cb["questionnaires"]:
        raise ParameterError(f"population « {population} » inconnue ; populations possibles : "
                             + ", ".join(cb["questionnaires"]))
    spec = cb["questionnaires"][population]
    title = str(spec.get(f"survey_{lang}") or spec[f"label_{lang}"])
    notice = Question(name="consent", kind="note", label=words.text("questionnaire.consent", lang, survey=title,
                                                                     min_cell=min_cell))
    texts = tuple(Question(name=name, kind="long_text", label=_text(t, lang))
                  for name, t in cbk.text_fields(population, codebook=cb).items())
    sections = [("presentation", (notice,)), ("questions", _multi_questions(population, lang, cb)),
                ("profil", _attribute_questions(population, lang, cb)), ("commentaires", texts)]
    return [Section(name=name, label=words.text(f"questionnaire.section_{name}", lang), questions=qs)
            for name, qs in sections if qs]


def _title(population: str, lang: str, cb: dict) -> str:
    spec = cb["questionnaires"][population]
    return str(spec.get(f"survey_{lang}") or spec[f"label_{lang}"])


# ------------------------------------------------------------------------------------------------ XLSForm

_XLS_TYPES = {"select_multiple": "select_multiple {name}", "select_one": "select_one {name}", "text": "text",
              "long_text": "text", "note": "note"}


def xlsform_sheets(population: str, *, lang: str = "fr", codebook=None, min_cell: int = 5) -> dict[str, list[list]]:
    """The three sheets of the XLSForm (``survey``, ``choices``, ``settings``), header row first.

    >>> sheets = xlsform_sheets("companies", lang="en")
    >>> sheets["survey"][0], sheets["choices"][1]
    (['type', 'name', 'label', 'hint', 'required', 'appearance'], ['barriers', 'e_administration', \
'Unfamiliarity with the administration'])
    """
    cb = cbk.load(codebook) if not isinstance(codebook, dict) else codebook
    survey = [["type", "name", "label", "hint", "required", "appearance"]]
    choices = [["list_name", "name", "label"]]
    for section in questionnaire(population, lang=lang, codebook=cb, min_cell=min_cell):
        survey.append(["begin_group", section.name, section.label, "", "", ""])
        for q in section.questions:
            survey.append([_XLS_TYPES[q.kind].format(name=q.name), q.name, q.label, q.hint,
                           "yes" if q.required else "", "multiline" if q.kind == "long_text" else ""])
            choices += [[q.name, code, label] for code, label in q.choices]
        survey.append(["end_group", "", "", "", "", ""])
    version = str(cb.get("version", 1))
    settings = [["form_title", "form_id", "version"], [_title(population, lang, cb), f"etude_{population}", version]]
    return {"survey": survey, "choices": choices, "settings": settings}


def write_xlsform(population: str, out: str | Path, *, lang: str = "fr", codebook=None, min_cell: int = 5) -> Path:
    """Write the XLSForm (``.xlsx``) of a population's questionnaire; returns its path."""
    import openpyxl
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in xlsform_sheets(population, lang=lang, codebook=codebook, min_cell=min_cell).items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    return atomic_write(out, lambda tmp: wb.save(tmp))


# ------------------------------------------------------------------------------------------------ LimeSurvey

def _unique(codes: list[str], what: str, width: int) -> None:
    seen: dict[str, int] = {}
    for c in codes:
        seen[c.casefold()] = seen.get(c.casefold(), 0) + 1
    twice = sorted(c for c, n in seen.items() if n > 1)
    bad = [c for c in codes if not c or not c.isalnum() or len(c) > width]
    if twice or bad:
        raise ParameterError(f"codes LimeSurvey impossibles pour {what} : " + ", ".join(twice + bad)
                             + f" (attendu : des codes distincts de 1 à {width} lettres ou chiffres ; raccourcir "
                             "les codes du codebook pour qu'ils diffèrent par leurs premiers caractères)")


def _ls_row(cls: str, lang: str, **cells: str) -> list[str]:
    row = dict.fromkeys(LIMESURVEY_COLUMNS, "")
    row.update({"class": cls, "language": lang, **cells})
    return [row[c] for c in LIMESURVEY_COLUMNS]


def _ls_question(q: Question, lang: str) -> list[list[str]]:
    code = cbk.tool_code(q.name)
    if not _LS_QUESTION_CODE.match(code):
        raise ParameterError(f"code de question LimeSurvey impossible : « {code} » (de « {q.name} ») ; attendu : "
                             "une lettre puis au plus 19 lettres ou chiffres")
    rows = [_ls_row("Q", lang, **{"type/scale": _LS_TYPES[q.kind], "name": code, "relevance": "1", "text": q.label,
                                  "help": q.hint, "mandatory": "Y" if q.required else "N", "other": "N"})]
    if q.kind == "select_multiple":
        subs = [cbk.tool_code(c) for c, _ in q.choices]
        _unique(subs, f"les items de « {q.name} »", cbk.CODE_WIDTH)
        rows += [_ls_row("SQ", lang, name=s, text=label) for s, (_, label) in zip(subs, q.choices)]
    elif q.kind == "select_one":
        answers = [cbk.tool_code(c, cbk.VALUE_CODE_WIDTH) for c, _ in q.choices]
        _unique(answers, f"les valeurs de « {q.name} »", cbk.VALUE_CODE_WIDTH)
        rows += [_ls_row("A", lang, **{"type/scale": "0", "name": a, "text": label})
                 for a, (_, label) in zip(answers, q.choices)]
    return rows


def limesurvey_rows(population: str, *, lang: str = "fr", codebook=None, min_cell: int = 5) -> list[list[str]]:
    """LimeSurvey's tab-separated survey structure (header row first): survey settings (``S``), its title
    (``SL``), then each group (``G``) with its questions (``Q``: ``M`` multiple choice, ``L`` list, ``S``/``T``
    free text, ``X`` text display), their subquestions (``SQ``) and answers (``A``).

    >>> rows = limesurvey_rows("buyers")
    >>> [r[2:5] for r in rows[7:10]]
    [['Q', 'M', 'barriers'], ['SQ', '', 'bsoutien'], ['SQ', '', 'bfinancier']]
    """
    cb = cbk.load(codebook) if not isinstance(codebook, dict) else codebook
    form = questionnaire(population, lang=lang, codebook=cb, min_cell=min_cell)
    rows = [list(LIMESURVEY_COLUMNS), _ls_row("S", "", name="language", text=lang),
            _ls_row("S", "", name="format", text="G"), _ls_row("SL", lang, name="surveyls_title",
                                                                 text=_title(population, lang, cb))]
    _unique([cbk.tool_code(q.name) for s in form for q in s.questions], "les questions", cbk.CODE_WIDTH)
    for order, section in enumerate(form, start=1):
        rows.append(_ls_row("G", lang, **{"type/scale": str(order), "name": section.label}))
        for q in section.questions:
            rows += _ls_question(q, lang)
    return rows


def write_limesurvey(population: str, out: str | Path, *, lang: str = "fr", codebook=None, min_cell: int = 5) -> Path:
    """Write LimeSurvey's tab-separated text import file (``.txt``, UTF-8) of a population's questionnaire."""
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t", lineterminator="\n").writerows(
        limesurvey_rows(population, lang=lang, codebook=codebook, min_cell=min_cell))
    return atomic_write(out, lambda tmp: Path(tmp).write_text(buf.getvalue(), encoding="utf-8"))


def write_questionnaire(population: str, fmt: str, out: str | Path, *, lang: str = "fr", codebook=None,
                        min_cell: int = 5) -> Path:
    """Write the questionnaire in ``fmt`` (``xlsform`` or ``limesurvey``) to ``out``, whose extension must fit.

    Raises
    ------
    ParameterError
        Unknown format, a wrong extension, or ``out`` is a folder.
    """
    if fmt not in FORMATS:
        raise ParameterError(f"format « {fmt} » inconnu ; formats possibles : " + ", ".join(FORMATS))
    out = Path(out)
    if out.is_dir():
        raise ParameterError(f"{out} est un dossier ; donnez un nom de fichier {FORMATS[fmt]}")
    if out.suffix.lower() != FORMATS[fmt]:
        raise ParameterError(f"--out {out} : un questionnaire {fmt} s'écrit dans un fichier {FORMATS[fmt]}")
    writer = write_xlsform if fmt == "xlsform" else write_limesurvey
    return writer(population, out, lang=lang, codebook=codebook, min_cell=min_cell)
