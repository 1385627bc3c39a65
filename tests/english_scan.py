"""Find French in an English run's deliverables (not a test module; used by ``tests/test_english.py``).

What counts as French: a French number format (a decimal comma, a narrow or no-break space before ``%`` or between
digit groups), French quotation marks « », and a word of :data:`FRENCH_WORDS`. What does not: a quotation of the
2017 restitution (text between quotation marks found word for word in ``../shared/seeds/*.txt`` or in the
reference tables' French columns), a citation (a reference table's ``source``: a French document cited by its
French title) and the proper names of :data:`PROPER_NAMES`.

Run it by hand on a run folder: ``.venv/bin/python tests/english_scan.py outputs/latest``.
"""
from __future__ import annotations

import base64
import html
import re
import sys
from functools import cache
from pathlib import Path

from etude import paths

#: Common French words that are not English words (lower case; tokens are split at apostrophes, so ``d`` and
#: ``l`` catch the elisions of « d'acheteurs », « l'État »).
FRENCH_WORDS = frozenset("""
    les des une aucun aucune aux avec ces cette dans du est et la le leur leurs ne ou où par pas pour qui que sans
    selon sont sur tous toutes un en au été être entre chaque plusieurs
    acheteur acheteurs entreprise entreprises réponse réponses répondants données vague vagues année années
    frein freins levier leviers marché marchés recensés personnes présentes objectif objectifs simulées simulé
    contrats titulaires montant nombre notifiés indicateur indicateurs
""".split())

#: Proper names a reader sees in English as they are written in French: organisations and programmes (their
#: official names), and the GT's name, always quoted as the restitution writes it.
PROPER_NAMES = (
    "Innovation & commande publique",  # the working group's name, quoted from the restitution
    "Banque des Territoires", "Caisse des Dépôts",  # public financial institution
    "Pacte national pour la croissance",  # the 2012 government programme, named as the Senate report does
    "Métropole Européenne de Lille",  # a local authority named by the restitution
    "Sciences Po Lille",
    "Observatoire régional de la commande publique",  # the ORCP's own name
    "Le Moniteur",  # a newspaper cited as a source
)
#: The regions' official names (the DECP panel's funnel and regions table), longest first.
REGION_NAMES = tuple(sorted(__import__("etude.decp.geography").decp.geography.REGION_NAMES.values(), key=len,
                            reverse=True))
#: The procedures as the DECP names them, harmonised and as published (values of the data, quoted as written: the
#: competitive ones in the method, the harmonised ones in what reading did).
PROCEDURE_NAMES = tuple(sorted({label for harmonised, published in __import__("etude.decp.rules").decp.rules
                                .PROCEDURES.items() for label in (harmonised, *published)}, key=len, reverse=True))

_QUOTED = re.compile(r"[“«]\s*([^”»]+?)\s*[”»]")
#: A word: letters, maybe hyphenated; not part of a code (``nombre_marches``), a file name (``freins.csv``), a path
#: or an identifier (``E-105ff0fb``).
_WORD = re.compile(r"(?<![\w/.-])[^\W\d_]+(?:-[^\W\d_]+)*(?![\w/-]|\.\w)")
_URL = re.compile(r"https?://\S+")
#: A French elision: d', l', qu' (any case) glued to the next word.
_ELISION = re.compile(r"(?<![\w-])(?:[dlDL]|[qQ]u)'(?=[^\W\d_])")
_NUMBER_PATTERNS = {
    "decimal comma": re.compile(r"\d,\d(?!\d\d(?!\d))"),
    "space before %": re.compile(r"[\u202f\u00a0 ]%"),
    "space between digit groups": re.compile(r"\d[\u202f\u00a0]\d{3}(?!\d)"),
}


def _normal(text: str) -> str:
    text = text.replace("’", "'").replace("\u202f", " ").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


def _requote(text: str) -> str:
    return re.sub(r"«\s*(.*?)\s*»", r"“\1”", text)


@cache
def quotable_sources() -> tuple[str, tuple[str, ...]]:
    """The restitution's text (normalised) and the citations (the reference tables' ``source``), English quotes."""
    from etude.survey import reference
    seeds = sorted((paths.shared_dir() / "seeds").glob("*.txt"))
    ref = reference.load_reference()
    french = [str(v) for col in ("label_fr", "perimeter", "value_text") for v in ref[col].dropna()]
    corpus = " \n ".join([p.read_text(encoding="utf-8") for p in seeds] + french)
    citations = sorted({_requote(str(s)) for s in ref["source"].dropna()}, key=len, reverse=True)
    return _normal(corpus), tuple(citations)


def french_in(text: str, *, corpus: str | None = None, citations: tuple[str, ...] | None = None) -> list[str]:
    """What is French in ``text``: one line per finding (kind and a few words around it). ``corpus`` and
    ``citations``: :func:`quotable_sources` by default."""
    if corpus is None or citations is None:
        corpus, citations = quotable_sources()
    found = []
    for kind, pattern in _NUMBER_PATTERNS.items():
        found += [f"{kind}: …{text[max(m.start() - 25, 0):m.end() + 10]}…" for m in pattern.finditer(text)]
    found += [f"« » quotes: {m.group(0)}" for m in re.finditer(r"«[^»]{0,60}»?", text)]
    rest = text
    for cited in citations:
        rest = rest.replace(cited, " ")
    rest = _QUOTED.sub(lambda m: " " if _normal(m.group(1)) in corpus else m.group(0), rest)
    for name in (*PROPER_NAMES, *REGION_NAMES, *PROCEDURE_NAMES):
        rest = rest.replace(name, " ")
    for line in _URL.sub(" ", rest).splitlines():
        line = line.replace("’", "'")
        hits = [w for w in _WORD.findall(line.replace("'", " ")) if w.lower() in FRENCH_WORDS]
        hits += _ELISION.findall(line)  # d', l', qu' before a word: a lone « d » is a letter of a ranking
        if hits:
            found.append(f"words {sorted(set(hits))}: {line.strip()[:160]}")
    return found


def html_text(page: str) -> str:
    """The text a reader sees in an HTML page, one block a line, with alt texts and chart texts (SVG images
    embedded as data URIs: matplotlib writes each text as a comment)."""
    svgs = [base64.b64decode(m).decode("utf-8", "replace")
            for m in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", page)]
    alts = re.findall(r'\balt="([^"]*)"', page)
    page = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", page)
    page = re.sub(r"(?s)<(p|div|h\d|li|tr|br|section|td|th|figcaption|aside)[^>]*>", "\n", page)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    charts = [c for svg in svgs for c in re.findall(r"<!-- (.*?) -->", svg)]
    return "\n".join([text, *map(html.unescape, alts), *charts])


def pptx_text(path: Path) -> str:
    """Every text of a PPTX: shapes, tables, speaker notes, alternative texts."""
    from pptx import Presentation
    lines = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            lines.append(shape._element.xpath("string(.//p:cNvPr/@descr)") or "")
            if shape.has_text_frame:
                lines += [p.text for p in shape.text_frame.paragraphs]
            if getattr(shape, "has_table", False) and shape.has_table:
                lines += [cell.text for row in shape.table.rows for cell in row.cells]
        if slide.has_notes_slide:
            lines.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(lines)


def xlsx_text(path: Path) -> str:
    """Every text cell and sheet name of a workbook."""
    import openpyxl
    book = openpyxl.load_workbook(path, read_only=True)
    lines = list(book.sheetnames)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            lines += [str(v) for v in row if isinstance(v, str)]
    return "\n".join(lines)


def deliverables(run: Path) -> dict[str, str]:
    """The text of each English deliverable of a run folder."""
    return {"report.html": html_text((run / "report.html").read_text(encoding="utf-8")),
            "slides.html": html_text((run / "slides.html").read_text(encoding="utf-8")),
            "slides.pptx": pptx_text(run / "slides.pptx"),
            "tables.xlsx": xlsx_text(run / "tables" / "tables.xlsx")}


def scan(run: Path) -> dict[str, list[str]]:
    """French found in each deliverable of ``run`` (empty lists: none)."""
    corpus, citations = quotable_sources()
    return {name: french_in(text, corpus=corpus, citations=citations) for name, text in deliverables(run).items()}


if __name__ == "__main__":
    for name, found in scan(Path(sys.argv[1]).resolve()).items():
        print(f"== {name}: {len(found)}")
        print("\n".join(dict.fromkeys(found)))
