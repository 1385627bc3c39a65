"""No developer word in what a reader reads (issue 29 items 1-3).

Every deliverable a reader opens — ``slides.html`` (text and speaker notes), ``report.html``, ``report.pdf``
(through ``pdftotext``), ``slides.pptx`` (text and notes, python-pptx) and the sentences of ``tables.xlsx`` — is
scanned for words that belong to the code, not to the reader: « notebook », « carnet », « cellule », a file name or
a path, a parameter or column code (``min_cell``, ``rank_group``, ``pct_all``…), a command (``etude run …``) or a run
id. Three runs: the demo in French and in English, and a real-shaped study (``simulated: false``, one wave of
LimeSurvey-like exports without the segment question, a meeting in its study file) that must never say « simulé ».
The deck's slide titles are bounded too (two lines at 1280 × 720) and every slide has speaker notes.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from etude import cli, paths

pytestmark = pytest.mark.slow

#: What the code says and a reader should not read. Codes are snake_case words, file names end with an extension.
DEVELOPER = {
    "notebook word": re.compile(r"\bnotebooks?\b|\bcarnets?\b|\bcellules?\b", re.I),
    "file name": re.compile(r"\b[\w-]+\.(?:csv|xlsx|ya?ml|ipynb|json|py|parquet|html)\b", re.I),
    "path": re.compile(r"(?<![\w.])(?:data|tables|outputs|src|notebooks|figures)/\w"),
    "code": re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),
    "command": re.compile(r"\betude (?:run|reproduce|demo|validate|questionnaire|sample-size)\b|(?:^|\s)-p \w"),
    "run id": re.compile(r"\b\d{8}-\d{6}-[0-9a-f]{6}\b|Exécution \d|Run \d{8}"),
}
#: Codes a reader may read because they are names, not code: none so far (URLs are removed before the scan).
_URL = re.compile(r"https?://\S+|www\.\S+")
#: Slide titles longer than this wrap past two lines at 1280 × 720 in the deck's type (102 characters fit).
MAX_TITLE = 105


def developer_words(text: str) -> list[str]:
    """Each developer word of ``text``, with a few words around it.

    >>> [x.split(":")[0] for x in developer_words("Voir tables/freins.csv, colonne pct_all, et le notebook 03.")]
    ['notebook word', 'file name', 'path', 'code']
    >>> developer_words("48,1 % des acheteurs publics citent le manque de temps (Hauts-de-France, 2018).")
    []
    """
    text = _URL.sub(" ", text)
    found = []
    for kind, pattern in DEVELOPER.items():
        found += [f"{kind}: …{text[max(m.start() - 40, 0):m.end() + 20]}…".replace("\n", " ")
                  for m in pattern.finditer(text)]
    return found


# ------------------------------------------------------------------------------------------------ the runs

def _reproduce(study: Path | None, out: Path, lang: str) -> Path:
    args = ["reproduce", "--out", str(out), "--lang", lang, "--jobs", "2"]
    if study is not None:
        args += ["--study", str(study)]
    assert cli.main(args) == 0
    return (out / "latest").resolve()


@pytest.fixture(scope="module")
def demo_fr(tmp_path_factory):
    from bad_inputs import runs
    return runs.demo_run(tmp_path_factory)  # the session's French run of the (seeded) demo, shared with test_deck…


@pytest.fixture(scope="module")
def demo_en(tmp_path_factory):
    from bad_inputs import runs
    return runs.english_run(tmp_path_factory)  # the session's English run of the demo (test_english reads it too)


def _export(population: str, wave: int, n: int) -> list[list[str]]:
    """A LimeSurvey-like wide export from the codebook's own texts, without the segment question."""
    book = yaml.safe_load(paths.codebook_file().read_text(encoding="utf-8"))
    q = book["questionnaires"][population]
    header = [q["identifiers"]["respondent_id"]["text_fr"], book["common"]["wave"]["text_fr"]]
    columns = []
    for attr in q.get("attributes", {}).values():
        if attr.get("required"):
            labels = [v["label_fr"] for v in attr["values"]]
            columns.append((attr["text_fr"], [labels[i % len(labels)] for i in range(n)]))
    for name, question in q["questions"].items():
        if question.get("type") != "multi" or name == "segments":
            continue
        for j, item in enumerate(question["items"]):
            columns.append((f"{question['text_fr']} [{item['label_fr']}]",
                            ["Oui" if (i + j) % 3 == 0 else "" for i in range(n)]))
    header += [h for h, _ in columns]
    return [header] + [[f"R{wave}{i:03d}", str(wave)] + [v[i] for _, v in columns] for i in range(n)]


def real_shaped_study(folder: Path) -> Path:
    """A study of real exports' shape: ``simulated: false``, one wave, no segment question, a meeting."""
    import csv
    study = {"title": "Enquête 2024 du GT", "simulated": False,
             "meeting": {"name": "GT Innovation & commande publique — séance de restitution", "date": "2025-03-12",
                         "place": "Lille", "presenter": "Rapporteur du sous-groupe « Évaluer »",
                         "organisations": ["DIRECCTE", "PFRA"], "contacts": ["gt-innovation@example.org"]}}
    for population, n in (("buyers", 24), ("companies", 40)):
        name = f"{population}_2024.csv"
        with open(folder / name, "w", encoding="utf-8", newline="") as f:
            csv.writer(f, delimiter=";").writerows(_export(population, 2024, n))
        study[population] = [{"wave": 2024, "file": name}]
    path = folder / "etude.yaml"
    path.write_text(yaml.safe_dump(study, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reader_real")
    return _reproduce(real_shaped_study(folder), folder / "out", "fr")


# ------------------------------------------------------------------------------------------------ the texts

def _es():
    import english_scan
    return english_scan


def pdf_text(path: Path) -> str:
    if not path.is_file() or shutil.which("pdftotext") is None:
        return ""
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def xlsx_sentences(path: Path) -> str:
    """The workbook's cells meant for reading: sentences (five words or more), not headers or codes."""
    text = _es().xlsx_text(path)
    return "\n".join(line for line in text.splitlines() if len(line.split()) >= 5)


def deliverables(run: Path) -> dict[str, str]:
    es = _es()
    return {"slides.html": es.html_text((run / "slides.html").read_text(encoding="utf-8")),
            "report.html": es.html_text((run / "report.html").read_text(encoding="utf-8")),
            "report.pdf": pdf_text(run / "report.pdf"),
            "slides.pptx": es.pptx_text(run / "slides.pptx"),
            "tables.xlsx": xlsx_sentences(run / "tables" / "tables.xlsx")}


def _found(run: Path, names=("slides.html", "report.html", "report.pdf", "slides.pptx", "tables.xlsx")) -> str:
    texts = deliverables(run)
    return "\n".join(f"{name}: {line}" for name in names for line in dict.fromkeys(developer_words(texts[name])))


def slide_titles(page: str) -> list[str]:
    import html
    return [html.unescape(re.sub(r"<[^>]+>", "", m.group(2))).replace("¶", "").strip()
            for m in re.finditer(r"<h([12])\b[^>]*>(.*?)</h\1>", page, re.S)]


@pytest.mark.parametrize("which", ["demo_fr", "demo_en", "real_run"])
def test_no_developer_word_in_the_slides_and_their_notes(which, request):
    run = request.getfixturevalue(which)
    assert _found(run, ("slides.html", "slides.pptx")) == ""


@pytest.mark.parametrize("which", ["demo_fr", "demo_en", "real_run"])
def test_no_developer_word_in_the_report_and_its_pdf(which, request):
    run = request.getfixturevalue(which)
    assert _found(run, ("report.html", "report.pdf")) == ""


@pytest.mark.parametrize("which", ["demo_fr", "demo_en"])
def test_no_developer_word_in_the_workbook_s_sentences(which, request):
    run = request.getfixturevalue(which)
    assert _found(run, ("tables.xlsx",)) == ""


@pytest.mark.parametrize("which", ["demo_fr", "demo_en", "real_run"])
def test_every_slide_has_a_short_title_and_speaker_notes(which, request):
    page = (request.getfixturevalue(which) / "slides.html").read_text(encoding="utf-8")
    long = [t for t in slide_titles(page) if len(t) > MAX_TITLE]
    assert long == []
    leaves = re.findall(r"<section>\n<div class=\"etude-slide\".*?</section>", page, re.S)
    assert leaves and all('<aside class="notes">' in s for s in leaves), \
        [re.sub(r"<[^>]+>", " ", s)[:120] for s in leaves if '<aside class="notes">' not in s]


def test_a_real_study_never_says_simulated_and_names_its_meeting(real_run):
    texts = deliverables(real_run)
    for name, text in texts.items():
        assert not re.search(r"simul", text, re.I), (name, re.findall(r".{60}simul.{40}", text, re.I | re.S)[:3])
    slides = texts["slides.html"]
    assert "GT Innovation & commande publique — séance de restitution" in slides
    assert "12 mars 2025 · Lille" in slides and "DIRECCTE et PFRA" in slides
    assert "gt-innovation@example.org" in slides


def test_without_a_segment_question_the_meeting_slides_say_what_the_exports_lack(real_run):
    page = (real_run / "slides.html").read_text(encoding="utf-8")
    meetings = re.findall(r'data-section="meetings".*?</section>', page, re.S)
    assert len(meetings) <= 1
    text = _es().html_text("".join(meetings))
    assert "Chaque segment a à la fois" not in text and "0 rendez-vous" not in text
    assert "<table" not in "".join(meetings)
