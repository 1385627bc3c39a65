"""``report.pdf``: ``report.html`` printed to A4 by headless Chromium, with page numbers and its table of contents.

The print copy adds a print style sheet to the page (:data:`PRINT_CSS`): A4 pages with margins, the page number
at the bottom of each page (CSS page-margin boxes, which Chromium prints since version 131), charts, tables and
headings kept whole (``break-inside: avoid``), each notebook's section starting a new page. Chromium is the one
the browser check uses (Debian's ``chromium``); it runs with no network, in a throw-away profile. Where no
Chromium is found, :func:`write_report_pdf` returns ``None`` and the run says so in one line.

Examples
--------
>>> "size: A4" in PRINT_CSS and "counter(page)" in PRINT_CSS
True
>>> print_copy("<html><head><title>x</title></head><body></body></html>").count("@page")
1
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from etude.outputs import atomic_write

__all__ = ["PRINT_CSS", "CHROMIUM_CANDIDATES", "find_chromium", "print_copy", "write_report_pdf",
           "NO_ENGINE_MESSAGE"]

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


def print_copy(page: str) -> str:
    """``page`` (an HTML document) with :data:`PRINT_CSS` added at the end of its ``<head>``."""
    style = f"<style>{PRINT_CSS}</style>\n"
    at = page.lower().rfind("</head>")
    return page[:at] + style + page[at:] if at >= 0 else style + page


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
    with tempfile.TemporaryDirectory(prefix="etude-pdf-") as tmp:
        source = Path(tmp) / "print.html"
        source.write_text(print_copy(html_path.read_text(encoding="utf-8")), encoding="utf-8")
        out = Path(tmp) / "report.pdf"
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={tmp}/profile",
               "--no-pdf-header-footer", "--virtual-time-budget=5000", f"--print-to-pdf={out}", source.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if not out.is_file() or out.stat().st_size == 0:
            tail = " ".join((proc.stderr or "").strip().splitlines()[-3:])
            raise RuntimeError(f"Chromium n'a pas produit de PDF (code {proc.returncode}) : {tail}")
        return atomic_write(pdf_path, lambda t: shutil.copyfile(out, t))
