"""report.pdf: the report printed to A4 by headless Chromium, with page numbers and its table of contents."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from deck_fixtures import convention_notebooks

from etude import pdf, report


def test_no_engine_means_no_pdf_and_no_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ETUDE_CHROMIUM", "")
    page = tmp_path / "report.html"
    page.write_text("<html><head></head><body>x</body></html>", encoding="utf-8")
    assert pdf.find_chromium() is None
    assert pdf.write_report_pdf(page) is None
    assert not (tmp_path / "report.pdf").exists()
    assert "Chromium" in pdf.NO_ENGINE_MESSAGE and "\n" not in pdf.NO_ENGINE_MESSAGE


def test_print_copy_keeps_the_page_and_adds_the_print_rules():
    page = "<html><head><title>t</title></head><body><p>x</p></body></html>"
    copy = pdf.print_copy(page)
    assert copy.replace(f"<style>{pdf.PRINT_CSS}</style>\n", "") == page
    assert "break-inside: avoid" in copy and "size: A4" in copy


@pytest.mark.browser
@pytest.mark.skipif(pdf.find_chromium() is None, reason="Chromium absent : `apt-get install chromium`")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils absent (pdftotext, pdfinfo)")
def test_report_pdf_is_a4_with_page_numbers_and_contents(tmp_path):
    html_path = tmp_path / "report.html"
    html_path.write_text(report.report_html(convention_notebooks(), simulated=True), encoding="utf-8")
    out = pdf.write_report_pdf(html_path)
    assert out == tmp_path / "report.pdf" and out.stat().st_size > 1000
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages >= 2
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Sommaire" in text
    numbers = re.findall(r"^\s*(\d+)\s*/\s*(\d+)\s*$", text, re.M)
    assert [int(a) for a, _ in numbers] == list(range(1, pages + 1)), numbers
    assert {int(b) for _, b in numbers} == {pages}
