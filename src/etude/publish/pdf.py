"""``report.pdf``: ``report.html`` printed to A4 by headless Chromium, with page numbers and its table of contents.

The print copy adds a print style sheet to the page (:data:`PRINT_CSS`): A4 pages with margins, the page number
at the bottom of each page (CSS page-margin boxes, which Chromium prints since version 131), charts, tables and
headings kept whole (``break-inside: avoid``), each notebook's section starting a new page. Chromium is the one
the browser check uses (Debian's ``chromium``); it runs with no network, in a throw-away profile. Where no
Chromium is found, :func:`write_report_pdf` returns ``None`` and the run says so in one line
(:func:`no_engine_message`).

The PDF has bookmarks (its outline) following the table of contents, added by the same update
(:func:`toc_entries`). The table of contents shows the page of each entry. Chromium cannot compute CSS ``target-
counter()``, so the report is printed once with an empty box before each entry, a link to itself; Chromium writes a
named destination for every target of an internal link, and pypdf reads on which page each lands
(:func:`link_pages`) and writes each number into its box, where the box's link rectangle is
(:func:`number_contents`). The pages do not move: one print is the whole cost. The report's charts are SVG images
(:func:`etude.publish.outputs.show_figure`): vector in the PDF, sharp at any zoom, and printed in about half the
time PNGs took.

Examples
--------
>>> "size: A4" in PRINT_CSS and "counter(page)" in PRINT_CSS
True
>>> print_copy("<html><head><title>x</title></head><body></body></html>").count("@page")
1
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

from etude import words
from etude.files import atomic_write

__all__ = ["PRINT_CSS", "CHROMIUM_CANDIDATES", "find_chromium", "print_copy", "write_report_pdf",
           "no_engine_message", "link_pages", "number_contents", "toc_targets", "toc_entries"]

#: Where Chromium is looked for (then ``chromium``, ``chromium-browser``, ``google-chrome`` on the PATH).
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def no_engine_message(lang: str = "fr") -> str:
    """The one line a run prints when it cannot make the PDF (the command line speaks French).

    >>> no_engine_message("en")
    'report.pdf not made: Chromium not found (apt-get install chromium); report.html is complete'
    """
    return words.text("pdf.no_engine", lang)

#: Print style sheet added to the report for the PDF.
PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
  @bottom-center { content: counter(page) " / " counter(pages); font: 9pt "DejaVu Sans", Arial, sans-serif;
                   color: #57606a; } }
@media print {
  html, body { background: #fff !important; }
  body.etude { max-width: none !important; margin: 0 !important; padding: 0 !important; font-size: 10.5pt; }
  .etude-banner { position: static !important; }
  .etude-toc { break-after: page; }
  .etude-section { break-before: page; }
  img, svg, figure, table, pre, .output_area, .jp-OutputArea-child, .output_png, .jp-RenderedImage,
  .jp-RenderedHTMLCommon table { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
  img, svg { max-width: 100% !important; height: auto; max-height: 235mm; }
  table, .rendered_html table, table.dataframe { font-size: 7.5pt !important; width: 100% !important;
    max-width: 100% !important; table-layout: auto; }
  th, td { padding: 1.5pt 3pt !important; overflow-wrap: break-word; }
  td.etude-long, th.etude-long { overflow-wrap: anywhere; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .output_html, .output_wrapper .output_html, .jp-RenderedHTMLCommon, pre { overflow: visible !important; }
  a { color: inherit; text-decoration: none; }
  .etude-toc-page { float: right; min-width: 2.6em; margin-left: .8em; text-align: right;
                    font-variant-numeric: tabular-nums; }
}
"""


def find_chromium() -> str | None:
    """Path of a Chromium executable, or ``None`` (``ETUDE_CHROMIUM`` overrides; empty means « none »)."""
    forced = os.environ.get("ETUDE_CHROMIUM")
    if forced is not None:
        return forced if forced and Path(forced).exists() else None
    for c in CHROMIUM_CANDIDATES:
        if Path(c).exists():
            return c
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


_TOC = re.compile(r'<nav class="etude-toc"[^>]*>.*?</nav>', re.S)
_TOC_LINK = re.compile(r'<a href="#([^"]+)">')


def toc_targets(page: str) -> list[str]:
    """The anchors the report's table of contents links to, in order.

    >>> toc_targets('<nav class="etude-toc"><ol><li><a href="#nb-01">A</a></li></ol></nav><h2 id="nb-01">A</h2>')
    ['nb-01']
    """
    toc = _TOC.search(page)
    return _TOC_LINK.findall(toc.group(0)) if toc else []


class _TocParser(HTMLParser):
    """The entries of a contents list: ``(level, target, title)``, level 1 for the outer list."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.entries, self._open = 0, [], None

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "ol":
            self.depth += 1
        elif tag == "a" and href.startswith("#") and self._open is None:
            self._open = [max(1, self.depth), href[1:], ""]

    def handle_endtag(self, tag):
        if tag == "ol":
            self.depth -= 1
        elif tag == "a" and self._open is not None:
            level, target, title = self._open
            self.entries.append((level, target, " ".join(title.split())))
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data


def toc_entries(page: str) -> list[tuple[int, str, str]]:
    """``(level, target, title)`` of each entry of the report's table of contents, in order: the PDF's bookmarks.

    >>> toc_entries('<nav class="etude-toc"><h2>Sommaire</h2><ol><li><a href="#nb-01">Profil</a>'
    ...             '<ol><li><a href="#nb-01--a">Qui a r&eacute;pondu</a></li></ol></li></ol></nav>')
    [(1, 'nb-01', 'Profil'), (2, 'nb-01--a', 'Qui a répondu')]
    """
    toc = _TOC.search(page)
    if toc is None:
        return []
    parser = _TocParser()
    parser.feed(toc.group(0))
    return [e for e in parser.entries if e[2]]


def print_copy(page: str) -> str:
    """``page`` (an HTML document) with :data:`PRINT_CSS` added at the end of its ``<head>``, ready to print.

    In the table of contents (``nav.etude-toc``), the k-th target linked to (and every link to it) gets the
    short anchor ``etude-toc-k`` (Chromium names a PDF destination after it; long names would be cut), and each
    entry an empty page-number box, a link to itself (``etude-toc-page-k-j`` for the j-th entry): in the PDF, that
    link's rectangle says where :func:`number_contents` writes the page number.

    >>> page = ('<html><head></head><body><nav class="etude-toc"><ol><li><a href="#s1">Un</a></li></ol></nav>'
    ...         '<section id="s1"><h1>Un</h1></section></body></html>')
    >>> copy = print_copy(page)
    >>> '<a class="etude-toc-page" id="etude-toc-page-1-1" href="#etude-toc-page-1-1">' in copy
    True
    >>> '<a href="#etude-toc-1">Un</a>' in copy, 'id="etude-toc-1"' in copy
    (True, True)
    """
    toc = _TOC.search(page)
    if toc is not None:
        anchors: dict[str, int] = {}  # a target listed twice keeps the short anchor of its first entry
        for target in _TOC_LINK.findall(toc.group(0)):
            anchors.setdefault(target, len(anchors) + 1)

        entries = iter(range(1, 1 << 30))

        def link(m):
            k = anchors[m.group(1)]
            box = f"etude-toc-page-{k}-{next(entries)}"  # one per entry: an id is never given twice
            return f'<a class="etude-toc-page" id="{box}" href="#{box}">&nbsp;</a><a href="#etude-toc-{k}">'
        nav = _TOC_LINK.sub(link, toc.group(0))
        body = page[toc.end():]
        for target, k in anchors.items():
            body = body.replace(f'id="{target}"', f'id="etude-toc-{k}"', 1)
        page = page[:toc.start()] + nav + body
    style = f"<style>{PRINT_CSS}</style>\n"
    at = page.lower().rfind("</head>")
    return page[:at] + style + page[at:] if at >= 0 else style + page


#: A contents link's destination: an entry's target (``etude-toc-k``) or its number box (``etude-toc-page-k-j``).
_TARGET = re.compile(r"^/?etude-toc-(page-)?(\d+)(?(1)-\d+)$")


def _dest_name(annot) -> str:
    """The named destination a link annotation goes to (``/Dest``, or a ``GoTo`` action), or ``""``."""
    dest = annot.get("/Dest")
    if dest is None and annot.get("/A") is not None:
        dest = annot["/A"].get_object().get("/D")
    return str(dest) if isinstance(dest, str) else ""


def link_pages(pdf) -> dict[int, int]:
    """``k → page`` (from 1) for each ``etude-toc-k`` named destination of a PDF (a path, or a pypdf reader).

    A target that never made it into the PDF (a heading hidden from print) has no entry.
    """
    from pypdf import PdfReader
    reader = pdf if isinstance(pdf, PdfReader) else PdfReader(str(pdf))
    out = {}
    for name, dest in reader.named_destinations.items():
        m = _TARGET.match(str(name))
        if m and not m.group(1):
            out[int(m.group(2))] = reader.get_destination_page_number(dest) + 1
    return out


#: What a stamped page number looks like: Helvetica (a PDF standard font: nothing embedded), whose digits are
#: all 0.556 em wide, in the report's ink (``--etude-ink``); DejaVu Sans' ascent + descent (1.164 em, the
#: height Chromium gives a link's rectangle) and descent (0.236 em) place it on the entry's baseline.
_DIGIT_EM, _LINE_EM, _DESCENT_EM, _INK = 0.556, 1.164, 0.236, "0.122 0.137 0.157"
_FONT = {"/Type": "/Font", "/Subtype": "/Type1", "/BaseFont": "/Helvetica", "/Encoding": "/WinAnsiEncoding"}


def _rect(annot) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _page_boxes(page) -> tuple[list, dict[int, list]]:
    """The contents boxes of a page (``(k, annotation)``) and the line rectangles of each entry's own link."""
    boxes, lines = [], {}
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        m = _TARGET.match(_dest_name(annot)) if annot.get("/Subtype") == "/Link" else None
        if m and m.group(1):
            boxes.append((int(m.group(2)), annot))
        elif m:  # the entry's own link: one rectangle per line, as tall as its text
            lines.setdefault(int(m.group(2)), []).append(_rect(annot))
    return boxes, lines


def _stamp(k: int, page_number: int, annot, lines: dict[int, list]) -> str:
    """The text operators that write ``page_number`` right-aligned in box ``k``, on its entry's first line."""
    box = _rect(annot)
    line = max(lines.get(k, []), key=lambda r: r[3], default=box)  # the first line: its size and baseline
    em = (line[3] - line[1]) / _LINE_EM or 10.5
    text = str(page_number)
    x, y = box[2] - _DIGIT_EM * em * len(text), line[1] + _DESCENT_EM * em
    return f"BT /EtudeTocFont {em:.2f} Tf {x:.2f} {y:.2f} Td ({text}) Tj ET"


def _add_outline(writer, outline: Sequence[tuple[int, int, str]], pages: dict[int, int]) -> None:
    """Bookmarks following the contents: ``(level, k, title)`` → an outline item on the page of target ``k``,
    under the last item of the level above; the reader opens with the bookmarks shown."""
    parents: dict[int, object] = {}
    for level, k, title in outline:
        if k not in pages:
            continue
        parent = next((parents[up] for up in range(level - 1, 0, -1) if up in parents), None)
        parents[level] = writer.add_outline_item(title=title, page_number=pages[k] - 1, parent=parent)
        for deeper in [d for d in parents if d > level]:
            del parents[deeper]
    if parents:
        writer.page_mode = "/UseOutlines"


def number_contents(pdf_path: str | os.PathLike, out_path: str | os.PathLike,
                    outline: Sequence[tuple[int, int, str]] = ()) -> dict[int, int]:
    """Write ``pdf_path`` to ``out_path`` with the page of each contents entry in its box; returns ``k → page``.

    ``outline`` — ``(level, k, title)`` for each contents entry — also becomes the PDF's bookmarks (its outline),
    in the same incremental update.

    The boxes are the link annotations :func:`print_copy` made (``etude-toc-page-k-j``): each gets its number,
    right-aligned, as an artifact (outside the document's tagged structure), and then links where its entry
    links. pypdf's incremental writer appends the change as an update (PDF 1.7, 7.5.6) of the few objects it
    touches (the contents pages, their boxes, two small streams and a font): the pages, their fonts and the
    document's structure are kept byte for byte.
    """
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter(str(pdf_path), incremental=True)
    pages = link_pages(pdf_path)
    font = None

    def stream(data: str):
        obj = DecodedStreamObject()
        obj.set_data(data.encode("latin-1"))
        return writer._add_object(obj)

    for page in writer.pages:
        boxes, lines = _page_boxes(page)
        stamps = [_stamp(k, pages[k], annot, lines) for k, annot in boxes if k in pages]
        for k, annot in boxes:
            annot[NameObject("/Dest")] = NameObject(f"/etude-toc-{k}")
            annot.pop("/A", None)
        if not stamps:
            continue
        font = font or writer._add_object(DictionaryObject({NameObject(k): NameObject(v) for k, v in _FONT.items()}))
        resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
        fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
        fonts[NameObject("/EtudeTocFont")] = font
        contents = page.raw_get("/Contents") if "/Contents" in page else ArrayObject()
        contents = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
        after = "Q\n/Artifact BMC q " + _INK + " rg\n" + "\n".join(stamps) + "\nQ EMC"
        page[NameObject("/Contents")] = ArrayObject([stream("q"), *contents, stream(after)])
    _add_outline(writer, outline, pages)
    writer.write(str(out_path))
    return pages


#: Chromium's browser, renderer and helpers in one process: the same PDF (pages, text, images) for about 40 % of
#: the memory of its usual eleven processes (1.3 GB → 0.5 GB resident, summed, printing a 76-page report).
ONE_PROCESS = ("--single-process", "--no-zygote")


def _chromium_print(exe: str, source: Path, out: Path, tmp: str, timeout: float,
                    flags: tuple[str, ...] = ONE_PROCESS) -> None:
    """Print ``source`` to ``out`` with headless Chromium, in one process (:data:`ONE_PROCESS`); a Chromium that
    cannot print so is run again with its usual processes."""
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={tmp}/profile",
           "--no-pdf-header-footer", "--virtual-time-budget=5000", *flags, f"--print-to-pdf={out}", source.as_uri()]
    out.unlink(missing_ok=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if (not out.is_file() or out.stat().st_size == 0) and flags:
        return _chromium_print(exe, source, out, tmp, timeout, flags=())
    if not out.is_file() or out.stat().st_size == 0:
        tail = " ".join((proc.stderr or "").strip().splitlines()[-3:])
        raise RuntimeError(f"Chromium n'a pas produit de PDF (code {proc.returncode}) : {tail}")


def _outline(page: str) -> list[tuple[int, int, str]]:
    """``(level, k, title)`` of each contents entry, ``k`` numbering the targets as :func:`print_copy` does."""
    numbers = {target: k for k, target in enumerate(dict.fromkeys(toc_targets(page)), start=1)}
    return [(level, numbers[target], title) for level, target, title in toc_entries(page) if target in numbers]


def write_report_pdf(html_path: str | os.PathLike, pdf_path: str | os.PathLike | None = None, *,
                     chromium: str | None = None, timeout: float = 180) -> Path | None:
    """Print ``html_path`` to ``pdf_path`` (default: same name, ``.pdf``); ``None`` when no Chromium is found.

    Raises
    ------
    RuntimeError
        Chromium ran but made no PDF (its last error lines are in the message).
    """
    html_path = Path(html_path)
    pdf_path = Path(pdf_path) if pdf_path else html_path.with_suffix(".pdf")
    exe = chromium or find_chromium()
    if not exe:
        return None
    page = html_path.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="etude-pdf-") as tmp:
        source, out = Path(tmp) / "print.html", Path(tmp) / "report.pdf"
        source.write_text(print_copy(page), encoding="utf-8")
        _chromium_print(exe, source, out, tmp, timeout)
        if toc_targets(page):
            numbered = Path(tmp) / "numbered.pdf"
            number_contents(out, numbered, outline=_outline(page))
            out = numbered
        return atomic_write(pdf_path, lambda t: shutil.copyfile(out, t))
