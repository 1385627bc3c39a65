"""report.pdf: the report printed to A4 by headless Chromium, with page numbers and its table of contents."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from deck_fixtures import convention_notebooks

from etude.publish import pdf, report


def test_no_engine_means_no_pdf_and_no_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ETUDE_CHROMIUM", "")
    page = tmp_path / "report.html"
    page.write_text("<html><head></head><body>x</body></html>", encoding="utf-8")
    assert pdf.find_chromium() is None
    assert pdf.write_report_pdf(page) is None
    assert not (tmp_path / "report.pdf").exists()
    for lang in ("fr", "en"):
        assert "Chromium" in pdf.no_engine_message(lang) and "\n" not in pdf.no_engine_message(lang)


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


def page_text(pdf_path, first: int, last: int | None = None, *, layout: bool = False) -> str:
    args = ["pdftotext", "-f", str(first), "-l", str(last or first), *(["-layout"] if layout else []),
            str(pdf_path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def toc_numbers(pdf_path, entries: list[str]) -> list[int]:
    """The page number the printed contents show next to each entry (in order), read back with pdftotext."""
    text = page_text(pdf_path, 1, 3, layout=True)
    numbered = [(flat(m.group(1)), int(m.group(2)))
                for m in re.finditer(r"^\s*(?:[0-9a-z]+\.\s+)?(.*?)\s{2,}(\d+)\s*$", text, re.M)]
    numbered = [(t, n) for t, n in numbered if not re.fullmatch(r"\d+\s*/", t)]  # not the page footer
    assert len(numbered) >= len(entries), (numbered, entries)
    out = []
    for entry, (line, number) in zip(entries, numbered, strict=False):
        assert flat(entry).startswith(line[:25]), (entry, line)
        out.append(number)
    return out


@pytest.mark.browser
@pytest.mark.skipif(pdf.find_chromium() is None, reason="Chromium absent : `apt-get install chromium`")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils absent (pdftotext, pdfinfo)")
def test_the_contents_give_the_page_where_each_heading_really_is(tmp_path):
    page = report.report_html(convention_notebooks(), simulated=True)
    html_path = tmp_path / "report.html"
    html_path.write_text(page, encoding="utf-8")
    out = pdf.write_report_pdf(html_path)
    entries = [re.sub(r"<[^>]+>", "", m) for m in re.findall(r'<a href="#[^"]+">(.*?)</a>',
                                                              re.search(r"<nav.*?</nav>", page, re.S).group(0))]
    entries = [e.replace("&#x27;", "'").replace("&amp;", "&") for e in entries]
    assert len(entries) >= 5
    numbers = toc_numbers(out, entries)
    pages = int(re.search(r"^Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(out)], capture_output=True,
                                                                  text=True, check=True).stdout, re.M).group(1))
    assert numbers == sorted(numbers) and len(set(numbers)) >= 3, numbers
    for entry, number in zip(entries, numbers, strict=True):
        assert 2 <= number <= pages, (entry, number)
        assert flat(entry) in flat(page_text(out, number)), f"« {entry} » n'est pas page {number}"
        earlier = flat(page_text(out, 2, number - 1)) if number > 2 else ""
        assert flat(entry) not in earlier, f"« {entry} » est avant la page {number}"
    from pypdf import PdfReader
    reader = PdfReader(str(out))
    named = {str(n) for n in reader.named_destinations}
    dests = [str(a.get_object().get("/Dest")) for p in reader.pages for a in p.get("/Annots") or []]
    assert dests and all(d in named for d in dests if d.startswith("/etude-toc"))  # every contents link lands
    assert not [d for d in dests if d.startswith("/etude-toc-page")]  # a number links where its entry links


def test_print_copy_gives_the_contents_short_anchors_and_a_box_for_each_page_number():
    page = ('<html><head></head><body><nav class="etude-toc"><ol><li><a href="#nb-01">Un</a>'
            '<ol><li><a href="#nb-01--tr%C3%A8s-long">Deux</a></li><li><a href="#nb-01">Un encore</a></li></ol>'
            '</li></ol></nav><section id="nb-01"><h2 id="nb-01--tr%C3%A8s-long">Deux</h2></section></body></html>')
    assert pdf.toc_targets(page) == ["nb-01", "nb-01--tr%C3%A8s-long", "nb-01"]
    copy = pdf.print_copy(page)
    assert '<section id="etude-toc-1">' in copy and '<h2 id="etude-toc-2">' in copy
    assert copy.count('href="#etude-toc-1"') == 2  # a target listed twice keeps one anchor
    box = '<a class="etude-toc-page" id="etude-toc-page-{0}" href="#etude-toc-page-{0}">&nbsp;</a>'
    assert box.format("1-1") + '<a href="#etude-toc-1">Un</a>' in copy
    assert box.format("2-2") + '<a href="#etude-toc-2">Deux</a>' in copy
    assert box.format("1-3") + '<a href="#etude-toc-1">Un encore</a>' in copy  # each box its own id


@pytest.mark.parametrize(("name", "found"), [("/etude-toc-12", (None, "12")), ("etude-toc-page-3-7", ("page-", "3")),
                                             ("/etude-toc-page-3", None), ("/etude-toc-3-7", None),
                                             ("/nb-01", None)])
def test_contents_destinations_are_read_exactly(name, found):
    m = pdf._TARGET.match(name)
    assert (m.groups()[:2] if m else None) == found


def _png_uri(width: int, height: int) -> str:
    import base64
    import io

    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _svg_uri(width_pt: float, height_pt: float) -> str:
    """An SVG chart as matplotlib writes it (XML declaration, doctype, size in points), as a data URI."""
    import base64
    svg = ('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
           '  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns:xlink="http://www.w3.org/1999/xlink" '
           f'width="{width_pt}pt" height="{height_pt}pt" viewBox="0 0 {width_pt} {height_pt}" '
           'xmlns="http://www.w3.org/2000/svg" version="1.1">\n <metadata>' + "x" * 400 + '</metadata>\n'
           f' <rect width="{width_pt}" height="{height_pt}" fill="#2860a0"/>\n</svg>\n')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


@pytest.mark.skipif(pdf.find_chromium() is None, reason="Chromium absent : `apt-get install chromium`")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils absent (pdftotext, pdfinfo)")
def test_with_charts_the_contents_still_give_the_right_pages(tmp_path, monkeypatch):
    # tall and wide charts push the headings to later pages: the numbers are read from the one print
    prints = []
    real_print = pdf._chromium_print
    monkeypatch.setattr(pdf, "_chromium_print", lambda *a, **k: prints.append(a[1].read_text()) or real_print(*a, **k))
    tall, wide = _png_uri(600, 1700), _svg_uri(1350, 375)  # a PNG and an SVG chart, as the report has
    sections = "".join(f'<section class="etude-section" id="s{k}"><h2>Partie {k}</h2>'
                       f'<img src="{tall if k % 2 else wide}"><p>texte</p><img src="{tall}">'
                       f'<h3 id="s{k}b">Suite {k}</h3><img src="{wide}"></section>' for k in range(1, 4))
    toc = "".join(f'<li><a href="#s{k}">Partie {k}</a></li><li><a href="#s{k}b">Suite {k}</a></li>'
                  for k in range(1, 4))
    page = f'<html><head></head><body><nav class="etude-toc"><ol>{toc}</ol></nav>{sections}</body></html>'
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    out = pdf.write_report_pdf(tmp_path / "report.html")
    entries = [f"{w} {k}" for k in range(1, 4) for w in ("Partie", "Suite")]
    numbers = toc_numbers(out, entries)
    assert numbers == sorted(numbers) and len(set(numbers)) == 6, numbers
    for entry, number in zip(entries, numbers, strict=True):
        assert entry in page_text(out, number), f"« {entry} » n'est pas page {number}"
    assert len(prints) == 1 and tall in prints[0]  # one print, its numbers written afterwards


@pytest.mark.browser
@pytest.mark.skipif(pdf.find_chromium() is None, reason="Chromium absent : `apt-get install chromium`")
def test_report_pdf_has_bookmarks_following_the_contents_and_keeps_its_language(tmp_path):
    from pypdf import PdfReader
    page = report.report_html(convention_notebooks(), simulated=True)
    html_path = tmp_path / "report.html"
    html_path.write_text(page, encoding="utf-8")
    reader = PdfReader(str(pdf.write_report_pdf(html_path)))
    entries = pdf.toc_entries(page)
    assert entries and {level for level, _, _ in entries} >= {1}

    def walk(items, level=1):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, level + 1)
            else:
                yield level, item.title, reader.get_destination_page_number(item) + 1
    marks = list(walk(reader.outline))
    assert [(level, title) for level, title, _ in marks] == [(level, title) for level, _, title in entries]
    pages = [p for _, _, p in marks]
    assert pages == sorted(pages) and pages[0] >= 2  # after the contents page, in reading order
    assert reader.trailer["/Root"].get("/Lang") == "fr"
    assert reader.trailer["/Root"].get("/PageMode") == "/UseOutlines"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # still tagged
    numbered = pdf.link_pages(reader)
    assert len(numbered) == len(dict.fromkeys(pdf.toc_targets(page)))  # the contents' numbering still works
