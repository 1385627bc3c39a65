"""``report.pdf``: ``report.html`` printed to A4 by headless Chromium, with page numbers and its table of contents.

The print copy adds a print style sheet to the page (:data:`PRINT_CSS`): A4 pages with margins, the page number
at the bottom of each page (CSS page-margin boxes, which Chromium prints since version 131), charts, tables and
headings kept whole (``break-inside: avoid``), each notebook's section starting a new page. Chromium is the one
the browser check uses (Debian's ``chromium``); it runs with no network, in a throw-away profile. Where no
Chromium is found, :func:`write_report_pdf` returns ``None`` and the run says so in one line.

The table of contents shows the page of each entry. Chromium cannot compute CSS ``target-counter()``, so the
report is printed twice: Chromium writes a named destination for every target of an internal link, and
poppler's ``pdfinfo -dests`` says on which page each lands (:func:`link_pages`); the numbers are written into the
contents (room for them is kept in the first print, so the pages do not move) and the report printed again.
The first print only lays the pages out: its charts are empty images of the same size (``layout_only``), which
halves its cost; the second print is checked to land every entry where the first said, else printed again.
The report's charts are SVG images (:func:`etude.outputs.show_figure`): vector in the PDF, sharp at any zoom,
and printed in about half the time PNGs took.
Where ``pdfinfo`` is missing (``apt-get install poppler-utils``), the contents keep no numbers.

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
from pathlib import Path

from etude.outputs import atomic_write

__all__ = ["PRINT_CSS", "CHROMIUM_CANDIDATES", "find_chromium", "print_copy", "write_report_pdf",
           "NO_ENGINE_MESSAGE", "link_pages", "toc_targets"]

#: Where Chromium is looked for (then ``chromium``, ``chromium-browser``, ``google-chrome`` on the PATH).
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
#: The one line a run prints when it cannot make the PDF.
NO_ENGINE_MESSAGE = ("report.pdf non produit : Chromium introuvable (apt-get install chromium) ; "
                     "report.html reste complet")

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


#: An ``<img>`` embedding a PNG or an SVG: the tag up to its source, the type, then the base64 data (what
#: :func:`print_copy`'s ``layout_only`` empties).
_DATA_IMAGE = re.compile(r'(<img\b[^>]*?\bsrc=")data:image/(png|svg\+xml);base64,([A-Za-z0-9+/=\s]+)"')
_PNG_HEAD = re.compile(r"[A-Za-z0-9+/]{32}")  # the first 24 bytes: signature and IHDR (width, height)
#: An SVG's size, as matplotlib writes it (width, then height, in points).
_SVG_SIZE = re.compile(rb'<svg\b[^>]*?\swidth="([0-9.]+(?:pt|px)?)"[^>]*?\sheight="([0-9.]+(?:pt|px)?)"')


def _image_size(kind: str, data: str) -> tuple[str, str] | None:
    """An embedded image's intrinsic width and height (SVG units) from its first bytes, or ``None``."""
    import base64
    import struct
    if kind == "png":
        if not _PNG_HEAD.fullmatch(data[:32]):
            return None
        head = base64.b64decode(data[:32])
        if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
            return None
        return tuple(str(n) for n in struct.unpack(">II", head[16:24]))
    start = "".join(data[:1100].split())
    try:
        head = base64.b64decode(start[:len(start) // 4 * 4])
    except ValueError:
        return None
    found = _SVG_SIZE.search(head)
    return (found.group(1).decode(), found.group(2).decode()) if found else None


def _empty_image(m: re.Match) -> str:
    """An embedded image replaced by an empty SVG image of the same size (a PNG's IHDR header, an SVG's width
    and height): it takes the same room on the page and costs nothing to draw."""
    size = _image_size(m.group(2), m.group(3))
    if size is None:
        return m.group(0)
    return (f"{m.group(1)}data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' "
            f"width='{size[0]}' height='{size[1]}'/%3E\"")


def print_copy(page: str, pages: dict[int, int] | None = None, *, layout_only: bool = False) -> str:
    """``page`` (an HTML document) with :data:`PRINT_CSS` added at the end of its ``<head>``, ready to print.

    In the table of contents (``nav.etude-toc``), the k-th target linked to (and every link to it) gets the
    short anchor ``etude-toc-k`` (Chromium names a PDF destination after it; long names would be cut), and each
    entry a page-number box: empty, or ``pages[k]`` when given (from :func:`link_pages` on a first print).
    With ``layout_only``, every embedded PNG or SVG becomes an empty image of the same size: the pages break at
    the same places, for a print that only says where the entries land.

    >>> page = ('<html><head></head><body><nav class="etude-toc"><ol><li><a href="#s1">Un</a></li></ol></nav>'
    ...         '<section id="s1"><h1>Un</h1></section></body></html>')
    >>> copy = print_copy(page, {1: 3})
    >>> '<span class="etude-toc-page">3</span><a href="#etude-toc-1">Un</a>' in copy, 'id="etude-toc-1"' in copy
    (True, True)
    """
    toc = _TOC.search(page)
    if toc is not None:
        anchors: dict[str, int] = {}  # a target listed twice keeps the short anchor of its first entry
        for target in _TOC_LINK.findall(toc.group(0)):
            anchors.setdefault(target, len(anchors) + 1)

        def link(m):
            k = anchors[m.group(1)]
            number = "" if pages is None or k not in pages else str(pages[k])
            return f'<span class="etude-toc-page">{number}</span><a href="#etude-toc-{k}">'
        nav = _TOC_LINK.sub(link, toc.group(0))
        body = page[toc.end():]
        for target, k in anchors.items():
            body = body.replace(f'id="{target}"', f'id="etude-toc-{k}"', 1)
        page = page[:toc.start()] + nav + body
    if layout_only:
        page = _DATA_IMAGE.sub(_empty_image, page)
    style = f"<style>{PRINT_CSS}</style>\n"
    at = page.lower().rfind("</head>")
    return page[:at] + style + page[at:] if at >= 0 else style + page


_DEST = re.compile(r'^\s*(\d+)\s+\[[^\]]*\]\s+"etude-toc-(\d+)"\s*$', re.M)


def link_pages(pdf_path: str | os.PathLike) -> dict[int, int] | None:
    """``k → page`` for each ``etude-toc-k`` destination of a PDF (``pdfinfo -dests``); ``None`` without pdfinfo.

    A target that never made it into the PDF (a heading hidden from print) has no entry.
    """
    exe = shutil.which("pdfinfo")
    if exe is None:
        return None
    proc = subprocess.run([exe, "-dests", str(pdf_path)], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        return None
    return {int(k): int(page) for page, k in _DEST.findall(proc.stdout)}


def _chromium_print(exe: str, source: Path, out: Path, tmp: str, timeout: float) -> None:
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={tmp}/profile",
           "--no-pdf-header-footer", "--virtual-time-budget=5000", f"--print-to-pdf={out}", source.as_uri()]
    out.unlink(missing_ok=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not out.is_file() or out.stat().st_size == 0:
        tail = " ".join((proc.stderr or "").strip().splitlines()[-3:])
        raise RuntimeError(f"Chromium n'a pas produit de PDF (code {proc.returncode}) : {tail}")


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
        numbered = bool(toc_targets(page)) and shutil.which("pdfinfo") is not None
        source.write_text(print_copy(page, layout_only=True) if numbered else print_copy(page), encoding="utf-8")
        _chromium_print(exe, source, out, tmp, timeout)
        pages = link_pages(out) if numbered else None
        if numbered and not pages:  # no destination found: the one print must be the whole report
            source.write_text(print_copy(page), encoding="utf-8")
            _chromium_print(exe, source, out, tmp, timeout)
        for _ in range(2):  # numbers written, printed again; a second time only if the pages moved
            if not pages:
                break
            source.write_text(print_copy(page, pages), encoding="utf-8")
            _chromium_print(exe, source, out, tmp, timeout)
            again = link_pages(out)
            if again == pages or not again:
                break
            pages = again
        return atomic_write(pdf_path, lambda t: shutil.copyfile(out, t))
