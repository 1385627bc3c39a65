"""``slides.pptx``: the same slides as ``slides.html``, as a deck people edit and forward in PowerPoint/LibreOffice.

Both are drawn from one description, :func:`etude.publish.spine.outline`: the restitution's numbered sections in its
order, each slide's section shown above its title. A notebook slide is what the notebooks mark as one
(``slideshow.slide_type`` ``slide`` or ``subslide``, ``fragment`` cells joining the current slide): its markdown
heading (``#``/``##``, from a markdown cell or a ``Markdown`` display) goes into the slide's native title
placeholder, its paragraphs stay paragraphs (one per markdown paragraph or list item, read with mistune, so that
``plan_action`` keeps its underscore), a bar chart shown with :func:`etude.publish.outputs.show_figure` becomes a
native chart with its data (:mod:`etude.publish.native_charts`), any other chart a picture scaled to the slide
whose alternative text is the chart's title and the slide's message, a table (HTML output of a DataFrame or
Styler) a native table cut into as many slides as it needs (:func:`table_pages`), and ``notes`` cells the speaker
notes. The presentation is 16:9 down to its master and layouts, its text tagged with the reader's language
(:mod:`etude.publish.deck_frame`). A title slide and a contents slide open the deck, a closing slide ends it;
when the data are simulated every slide carries the data-status line.

- :func:`deck_slides` — the deck's slides as plain dicts (heading, images, tables, texts, notes).
- :func:`html_tables` — the tables of an HTML fragment as ``(header, rows)`` (standard library only).
- :func:`markdown_paragraphs`, :func:`table_pages` — a text's paragraphs, a table's slides.
- :func:`write_pptx` — writes the deck.

Examples
--------
>>> import nbformat
>>> md = nbformat.v4.new_markdown_cell("## Les entreprises citent d'abord l'information (66 %)",
...     metadata={"slideshow": {"slide_type": "slide"}, "etude": {"section": "barriers_companies"}})
>>> notes = nbformat.v4.new_markdown_cell("Base : 90 entreprises.", metadata={"slideshow": {"slide_type": "notes"}})
>>> slides = deck_slides([("02_freins", nbformat.v4.new_notebook(cells=[md, notes]))])
>>> [(s["section"], s["heading"], s["notes"]) for s in slides if s["role"] == "cells"]
[('barriers_companies', "Les entreprises citent d'abord l'information (66 %)", 'Base : 90 entreprises.')]
"""
from __future__ import annotations

import base64
import html
import io
import math
import os
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from etude import words
from etude.files import atomic_write
from etude.publish import runinfo
from etude.publish.deck_frame import SLIDE_SIZE_IN

__all__ = ["deck_slides", "html_tables", "write_pptx", "markdown_paragraphs", "table_pages", "MAX_ROWS",
           "SLIDE_SIZE_IN"]

#: Rows of a table on one slide at most (a longer table, or one whose rows do not fit, goes on more slides).
MAX_ROWS = 8

def _inline(children: list[dict[str, Any]] | None) -> str:
    """The text of mistune's inline tokens: emphasis and code marks dropped, words (and their ``_``) kept."""
    out = []
    for token in children or []:
        kind = token.get("type")
        if kind in ("text", "codespan", "inline_html"):
            out.append(token.get("raw", ""))
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "linebreak":
            out.append("\n")
        else:
            out.append(_inline(token.get("children")))
    return "".join(out)


def _blocks(tokens: list[dict[str, Any]], prefix: str = "") -> Iterable[tuple[str, str]]:
    """``(kind, text)`` per block: ``heading`` (level 1 or 2 … as ``h1``…), ``paragraph``; list items as
    paragraphs starting with « • » (or their number)."""
    for token in tokens:
        kind = token.get("type")
        if kind == "heading":
            yield f"h{token.get('attrs', {}).get('level', 1)}", _inline(token.get("children")).strip()
        elif kind in ("paragraph", "block_text"):
            yield "paragraph", prefix + _inline(token.get("children")).strip()
            prefix = ""
        elif kind == "list":
            ordered = token.get("attrs", {}).get("ordered")
            for k, item in enumerate(token.get("children") or [], start=1):
                yield from _blocks(item.get("children") or [], prefix=f"{k}. " if ordered else "• ")
        elif kind == "block_code":
            yield "paragraph", token.get("raw", "").strip()
        elif token.get("children"):
            yield from _blocks(token["children"])


def markdown_paragraphs(source: str) -> list[tuple[str, str]]:
    """The blocks of a markdown text as ``(kind, plain text)``: one paragraph per group of lines (a line break
    inside a paragraph is a space), one per list item; emphasis, code and link marks dropped, underscores kept.

    >>> markdown_paragraphs("## Titre\\n\\nLe fichier `plan_action.yaml`\\nest lu _ici_.\\n\\n- un\\n- deux")
    ... # doctest: +NORMALIZE_WHITESPACE
    [('h2', 'Titre'), ('paragraph', 'Le fichier plan_action.yaml est lu ici.'), ('paragraph', '• un'),
     ('paragraph', '• deux')]
    """
    import mistune
    return [(k, t) for k, t in _blocks(mistune.create_markdown(renderer=None)(source)) if t]


def _plain(markdown: str) -> str:
    return "\n".join(text for _, text in markdown_paragraphs(markdown))


def _split_markdown(source: str) -> tuple[str | None, list[str]]:
    """``(first heading, the other blocks)`` of a markdown text, both as plain text."""
    heading, paragraphs = None, []
    for kind, text in markdown_paragraphs(source):
        if kind.startswith("h") and heading is None:
            heading = text
        else:
            paragraphs.append(text)
    return heading, paragraphs


class _TableParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[tuple[bool, list[str]]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._head = False
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append([])
        elif self._depth != 1:
            return
        elif tag == "tr":
            self._row, self._head = [], False
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._head = self._head or tag == "th"
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "table":
            self._depth -= 1
        elif self._depth != 1:
            return
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(re.sub(r"[ \t\r\n]+", " ", "".join(self._cell)).strip(" "))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self.tables[-1].append((self._head and not self.tables[-1], self._row))
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(fragment: str) -> list[tuple[list[str], list[list[str]]]]:
    """The tables of an HTML fragment: ``(header, rows)`` each, cells as text (nested tables ignored).

    The header is the first row when it is made of ``<th>`` cells; a DataFrame's index name row (only its
    first cell filled, under an empty corner) becomes the header's first cell. Ragged rows are padded to the
    header's width.

    >>> html_tables("<table><thead><tr><th>Item</th><th>Part</th></tr></thead>"
    ...             "<tbody><tr><td>Temps</td><td>56&nbsp;%</td></tr></tbody></table>")
    [(['Item', 'Part'], [['Temps', '56\\xa0%']])]
    """
    parser = _TableParser()
    parser.feed(fragment)
    out = []
    for rows in parser.tables:
        if not rows:
            continue
        header = rows[0][1] if rows[0][0] else []
        body = [r for _, r in (rows[1:] if header else rows)]
        if body and header and header[0] == "" and body[0][0] and not any(body[0][1:]):
            header, body = [body[0][0], *header[1:]], body[1:]  # a DataFrame's index name row
        width = max([len(header)] + [len(r) for r in body])
        out.append(([*header, *[""] * (width - len(header))] if header else [],
                    [[*r, *[""] * (width - len(r))] for r in body]))
    return out


def _outputs(cell) -> Iterable[tuple[str, Any]]:
    from etude.publish.native_charts import CHART_KEY
    for out in cell.get("outputs", []):
        if out.get("output_type") not in ("display_data", "execute_result"):
            continue
        data = out.get("data", {})
        if "text/markdown" in data:
            yield "markdown", "".join(data["text/markdown"])
        elif "image/png" in data:
            raw = data["image/png"]
            chart = (out.get("metadata") or {}).get(CHART_KEY)
            yield "image", {"png": base64.b64decode("".join(raw) if isinstance(raw, list) else raw),
                            "chart": chart if isinstance(chart, dict) else {}}
        elif "text/html" in data:
            page = "".join(data["text/html"])
            tables = html_tables(page)
            if tables:
                yield "tables", tables
            else:
                yield "text", html.unescape(re.sub(r"<[^>]+>", " ", page))
        elif "text/plain" in data:
            yield "text", "".join(data["text/plain"])


def _new_slide(name: str, section: str, title: str = "") -> dict[str, Any]:
    return {"notebook": name, "section": section, "title": title, "heading": None, "images": [], "tables": [],
            "items": [], "texts": [], "notes": "", "role": "cells"}


def _add_content(slide: dict[str, Any], cell) -> None:
    def text(markdown: str):
        heading, paragraphs = _split_markdown(markdown)
        if heading and slide["heading"] is None:
            slide["heading"] = heading
        elif heading:
            paragraphs.insert(0, heading)
        slide["texts"] += paragraphs
    if cell.cell_type == "markdown":
        text(cell.source)
        return
    for kind, value in _outputs(cell):
        if kind == "markdown":
            text(value)
        elif kind == "image":
            slide["images"].append(value["png"])
            slide["items"].append(("image", value))
        elif kind == "tables":
            slide["tables"] += value
            slide["items"] += [("table", v) for v in value]
        elif value.strip():
            slide["texts"].append(value.strip())


def deck_slides(notebooks: Iterable[tuple[str, Any]], info: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The slides of the deck, in the order of its spine (:func:`etude.publish.spine.outline`), as dicts.

    Keys: ``role`` (``title``, ``contents``, ``objectives``, ``cells``, ``method``, ``closing``…), ``section``
    (a key of :data:`etude.publish.spine.SECTIONS`, empty for the title, contents and closing slides), ``notebook``,
    ``title`` (the notebook's title), ``heading`` (str or ``None``), ``images`` (PNG bytes), ``tables``
    (``(header, rows)``), ``items`` (both, in order: ``("image", {"png": bytes, "chart": dict})`` — ``chart`` is
    :func:`etude.publish.native_charts.figure_data` when the notebook stored it, else empty — or
    ``("table", (header, rows))``), ``texts`` (other paragraphs, plain text, one per markdown paragraph or list
    item; the lines of a generated slide), ``notes`` (speaker notes).
    Cells tagged ``remove-cell``, ``parameters`` or ``remove-output`` are left out, as in the HTML;
    notebook slides with nothing to show are dropped.
    """
    from etude.publish import spine

    slides: list[dict[str, Any]] = []
    for one in spine.outline(notebooks, info):
        if one["role"] != "cells":
            slides.append({**_new_slide("", one["section"]), "role": one["role"], "heading": one["heading"],
                           "texts": list(one["lines"]), "notes": one.get("notes_text") or ""})
            continue
        current = _new_slide(one["notebook"], one["section"], one["title"])
        for cell in one["cells"]:
            _add_content(current, cell)
        for cell in one["notes"]:
            src = cell.source if cell.cell_type == "markdown" else "\n".join(
                v for k, v in _outputs(cell) if isinstance(v, str))
            current["notes"] = "\n".join(x for x in (current["notes"], _plain(src)) if x)
        if current["heading"] or current["images"] or current["tables"] or current["texts"]:
            slides.append(current)
    return slides


# ------------------------------------------------------------------------------------------------ PPTX

_EMU = 914400  # per inch


def _estimated_lines(text: str, width_in: float, size_pt: float) -> int:
    """Lines ``text`` takes in a box ``width_in`` wide at ``size_pt`` (a generous average glyph: 0.52 em)."""
    per_line = max(int(width_in * 72 / (size_pt * 0.52)), 1)
    return sum(max(math.ceil(len(line) / per_line), 1) for line in (text.split("\n") or [""]))


def _text_size(paragraphs: list[str], width_in: float, height_in: float, sizes=(20, 18, 16, 14, 12)) -> int:
    """The largest of ``sizes`` at which ``paragraphs`` fit the box (the smallest when none does)."""
    for size in sizes:
        lines = sum(_estimated_lines(p, width_in, size) for p in paragraphs)
        if lines * size * 1.2 + len(paragraphs) * size * 0.4 <= height_in * 72:
            return size
    return sizes[-1]


def _status_box(slide, info, prs) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt
    if not info.get("simulated"):
        return
    box = slide.shapes.add_textbox(Inches(0.4), prs.slide_height - Inches(0.5), Inches(6), Inches(0.4))
    box.name = "etude-status"
    box.text_frame.word_wrap = True
    run = box.text_frame.paragraphs[0].add_run()
    run.text = runinfo.status_line(info)
    run.font.size, run.font.bold, run.font.color.rgb = Pt(14), True, RGBColor(0x8A, 0x3B, 0x00)


def _title(slide, text: str, prs) -> None:
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches, Pt
    title = slide.shapes.title
    title.left, title.top = Inches(0.5), Inches(0.45)
    title.width, title.height = prs.slide_width - Inches(1.0), Inches(1.0)
    title.text = text
    title.text_frame.word_wrap = True
    title.text_frame.vertical_anchor = MSO_ANCHOR.TOP  # a long title grows down, never over the section line
    size = _text_size([text], title.width / _EMU - 0.2, 1.05, sizes=(28, 24, 22, 20, 18))
    for p in title.text_frame.paragraphs:
        p.alignment = PP_ALIGN.LEFT  # a heading is a sentence: read from the left, under the section
        for r in p.runs:
            r.font.size = Pt(size)


def _section_box(slide, section: str, lang: str, prs) -> None:
    """The slide's numbered section (« 3.1. Freins identifiés — côté acheteurs ») above its title."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    from etude.publish import spine
    if not section:
        return
    box = slide.shapes.add_textbox(Inches(0.5), Inches(0.1), prs.slide_width - Inches(1.0), Inches(0.4))
    box.name = "etude-section"
    box.text_frame.word_wrap = True  # keeps the box's width: LibreOffice would shrink it around its centre
    box.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
    run = box.text_frame.paragraphs[0].add_run()
    run.text = spine.section_label(section, lang)
    run.font.size, run.font.bold, run.font.color.rgb = Pt(14), True, RGBColor(0x1D, 0x4E, 0x89)


def _fill(frame, paragraphs: list[str], size: int) -> None:
    """One PowerPoint paragraph per paragraph of text (a line break inside one stays a line break)."""
    from pptx.util import Pt
    frame.word_wrap = True
    for j, text in enumerate(paragraphs):
        p = frame.paragraphs[0] if j == 0 else frame.add_paragraph()
        p.text = text
        p.font.size = Pt(size)
        p.space_after = Pt(size // 2)


def _paragraphs_box(slide, paragraphs: list[str], box) -> None:
    """A text box holding ``paragraphs`` at the largest size (20 pt down to 12) that fits ``box``."""
    from pptx.enum.text import MSO_AUTO_SIZE
    text = slide.shapes.add_textbox(*box)
    _fill(text.text_frame, paragraphs, _text_size(paragraphs, box[2] / _EMU - 0.2, box[3] / _EMU - 0.1))
    text.text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # and shrinks further if the estimate is short


def _picture(slide, png: bytes, box, *, alt: str = "", name: str = "") -> None:
    from PIL import Image
    left, top, width, height = box
    with Image.open(io.BytesIO(png)) as im:
        w, h = im.size
    scale = min(width / w, height / h)
    pw, ph = int(w * scale), int(h * scale)
    pic = slide.shapes.add_picture(io.BytesIO(png), left + (width - pw) // 2, top + (height - ph) // 2, pw, ph)
    props = pic._element.xpath("./p:nvPicPr/p:cNvPr")[0]
    props.set("descr", alt)  # never the file name python-pptx would write
    if name:
        props.set("name", name)


def _chart(slide, value: dict[str, Any], box, *, summary: str, lang: str) -> None:
    """A chart: native when its data came with it (bars), else its picture; alternative text either way."""
    from etude.publish import native_charts
    chart = value.get("chart") or {}
    alt = native_charts.chart_alt_text(str(chart.get("title") or ""), summary)
    name = words.text("deck.chart_name", lang)
    if chart.get("bars"):
        native_charts.add_bar_chart(slide, chart["bars"], box, alt=alt, name=name)
    else:
        _picture(slide, value["png"], box, alt=alt, name=name)


def _table_layout(header: list[str], rows: list[list[str]], width_in: float) -> tuple[int, list[float]]:
    """The font size and the column widths (inches: in proportion to each column's longest text, within
    bounds) of a table ``width_in`` wide."""
    n_cols = max([len(header), *(len(r) for r in rows)])
    size = 14 if n_cols <= 5 else 12
    cells = [[str(r[j]) if j < len(r) else "" for r in [header, *rows]] for j in range(n_cols)]
    word = [max([len(w) for c in column for w in c.split()] + [3]) * size * 0.55 / 72 + 0.25 for column in cells]
    weights = [min(max(max(len(c) for c in column), 6), 45) for column in cells]
    widths = [max(width_in * w / sum(weights), least) for w, least in zip(weights, word)]  # no word cut in two
    spare = sum(widths) - width_in
    if spare > 0:  # taken back from the columns wider than their longest word
        slack = [w - least for w, least in zip(widths, word)]
        widths = [w - spare * s / sum(slack) if sum(slack) > spare else w * width_in / sum(widths)
                  for w, s in zip(widths, slack)]
    return size, widths


def _row_height_in(values: list[str], widths: list[float], size: int) -> float:
    lines = max([_estimated_lines(str(v), max(w - 0.2, 0.3), size) for v, w in zip(values, widths)] + [1])
    return lines * size * 1.2 / 72 + 0.12  # the cell's margins


def table_pages(header: list[str], rows: list[list[str]], *, width_in: float, height_in: float,
                max_rows: int | None = None) -> list[list[list[str]]]:
    """``rows`` cut into pages that fit a box ``width_in`` × ``height_in`` under the repeated ``header``
    (at most ``max_rows`` rows a page, default :data:`MAX_ROWS`).

    >>> [len(p) for p in table_pages(["Frein"], [["x"]] * 12, width_in=12, height_in=5)]
    [8, 4]
    >>> [len(p) for p in table_pages(["Frein"], [["mot " * 300]] * 3, width_in=12, height_in=5)]
    [1, 1, 1]
    """
    size, widths = _table_layout(header, rows, width_in)
    room = height_in - (_row_height_in(header, widths, size) if header else 0)
    pages: list[list[list[str]]] = [[]]
    used = 0.0
    for row in rows:
        h = _row_height_in(row, widths, size)
        if pages[-1] and (used + h > room or len(pages[-1]) >= (max_rows or MAX_ROWS)):
            pages.append([])
            used = 0.0
        pages[-1].append(row)
        used += h
    return pages if pages[0] else []


def _table(slide, header: list[str], rows: list[list[str]], box) -> None:
    from pptx.util import Inches, Pt
    left, top, width, _height = box
    n_rows = len(rows) + (1 if header else 0)
    size, widths = _table_layout(header, rows, width / _EMU)
    if not n_rows or not widths:
        return
    heights = [_row_height_in(r, widths, size) for r in ([header] if header else []) + rows]
    shape = slide.shapes.add_table(n_rows, len(widths), left, top, width, Inches(sum(heights)))
    table = shape.table
    for j, w in enumerate(widths):
        table.columns[j].width = Inches(w)
    for i, values in enumerate(([header] if header else []) + rows):
        table.rows[i].height = Inches(heights[i])
        for j in range(len(widths)):
            cell = table.cell(i, j)
            cell.text = values[j] if j < len(values) else ""
            for p in cell.text_frame.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(size)


def _pages(s: dict[str, Any], box) -> list[tuple[str, Any]]:
    """What goes on each slide of a notebook slide: each chart, each page of each table (or its text)."""
    pages: list[tuple[str, Any]] = []
    for kind, value in s["items"]:
        if kind == "table":
            header, rows = value
            pages += [("table", (header, page)) for page in table_pages(
                header, rows, width_in=box[2] / _EMU, height_in=box[3] / _EMU)] or [("table", (header, []))]
        else:
            pages.append((kind, value))
    return pages or [("text", None)]


def _notes(slide, parts: list[str]) -> None:
    if any(parts):
        slide.notes_slide.notes_text_frame.text = "\n\n".join(p for p in parts if p)


def _content_slides(prs, s: dict[str, Any], info: dict[str, Any]) -> None:
    """One slide per chart or table page of ``s`` (a slide holding several is split: « titre (1/2) », « (2/2) »);
    its other paragraphs go on a text-only slide, or in the notes of the chart's."""
    from pptx.util import Inches
    lang = info["lang"]
    heading = s["heading"] or s["title"] or words.text("deck.untitled", lang)
    top, bottom = Inches(1.5), prs.slide_height - Inches(0.6)
    box = (Inches(0.5), top, prs.slide_width - Inches(1.0), bottom - top)
    pages = _pages(s, box)
    for k, (kind, value) in enumerate(pages, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
        _section_box(slide, s["section"], lang, prs)
        _title(slide, heading + (f" ({k}/{len(pages)})" if len(pages) > 1 else ""), prs)
        notes = [s["notes"]]
        if kind == "text":
            _paragraphs_box(slide, s["texts"], box)
        else:
            notes.insert(0, "\n".join(s["texts"]))
        if kind == "image":
            _chart(slide, value, box, summary=heading, lang=lang)
            notes.append(str((value.get("chart") or {}).get("caption") or ""))
        elif kind == "table":
            _table(slide, value[0], value[1], box)
        _notes(slide, notes)
        _status_box(slide, info, prs)


def _title_slide(prs, s: dict[str, Any], info: dict[str, Any], subtitle: str) -> None:
    """The title and the subtitle placeholders, both placed and sized (a box of no height hides its text)."""
    from pptx.util import Inches, Pt
    first = prs.slides.add_slide(prs.slide_layouts[0])
    width = prs.slide_width - Inches(1.6)
    title = first.shapes.title
    title.left, title.top, title.width, title.height = Inches(0.8), Inches(1.2), width, Inches(2.2)
    title.text = s["heading"]
    for p in title.text_frame.paragraphs:
        p.font.size = Pt(40 if len(s["heading"]) < 60 else 32)
    sub = first.placeholders[1]
    sub.left, sub.top, sub.width, sub.height = Inches(0.8), Inches(3.6), width, Inches(2.9)
    lines = [x for x in [*s["texts"], subtitle] if x]
    _fill(sub.text_frame, lines, _text_size(lines, width / _EMU - 0.2, 2.8, sizes=(24, 20, 18, 16, 14)))
    _notes(first, [s["notes"]])
    _status_box(first, info, prs)


def _closing_slide(prs, s: dict[str, Any], info: dict[str, Any]) -> None:
    from pptx.util import Inches
    last = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only": its lines in a sized box
    _title(last, s["heading"], prs)
    _paragraphs_box(last, [x for x in [*s["texts"], info.get("rule") or ""] if x],
                    (Inches(0.6), Inches(1.5), prs.slide_width - Inches(1.2), prs.slide_height - Inches(2.2)))
    _notes(last, [s["notes"]])
    _status_box(last, info, prs)


def _text_slide(prs, s: dict[str, Any], info: dict[str, Any]) -> None:
    """A slide the spine generates (contents, objectives, method): its title, then its lines."""
    from pptx.util import Inches
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
    _section_box(slide, s["section"], info["lang"], prs)
    _title(slide, s["heading"], prs)
    _paragraphs_box(slide, s["texts"], (Inches(0.6), Inches(1.6), prs.slide_width - Inches(1.2),
                                        prs.slide_height - Inches(2.3)))
    _notes(slide, [s["notes"]])
    _status_box(slide, info, prs)


def write_pptx(path: str | os.PathLike, notebooks: Iterable[tuple[str, Any]], info: dict[str, Any] | None = None,
               *, subtitle: str = "") -> Path:
    """Write the deck of ``notebooks`` (executed, in study order) to ``path``, in the order of the deck's spine
    (:func:`deck_slides`, the same description as ``slides.html``); returns the path.

    The presentation is 16:9 with a master and layouts placed for it (:mod:`etude.publish.deck_frame`), every
    text run tagged with the reader's language, bar charts native (:mod:`etude.publish.native_charts`), other
    charts pictures with an alternative text, long tables cut across slides.

    Parameters
    ----------
    path : path
        Usually ``<run>/slides.pptx``; written atomically.
    notebooks : iterable of (name, NotebookNode)
        The notebooks whose slide cells make the deck (the ones that ran).
    info : dict, optional
        :func:`etude.publish.runinfo.run_info` (title, waves, simulated, sources, rule, lang; the meeting's
        ``organisations`` name the author); simulated by default.
    subtitle : str
        One more line on the title slide.
    """
    from pptx import Presentation

    from etude.publish import deck_frame

    info = {"simulated": True, "lang": "fr", **(info or {})}
    info["lang"] = info["lang"] if info["lang"] in words.LANGS else "fr"
    prs = deck_frame.widescreen(Presentation())
    deck_frame.set_properties(prs, info, title=info.get("title") or runinfo.study_title(info["lang"]),
                              lang=info["lang"])
    for s in deck_slides(notebooks, info):
        if s["role"] == "title":
            _title_slide(prs, s, info, subtitle)
        elif s["role"] == "closing":
            _closing_slide(prs, s, info)
        elif s["role"] == "cells":
            _content_slides(prs, s, info)
        else:
            _text_slide(prs, s, info)
    deck_frame.tag_language(prs, info["lang"])
    return atomic_write(path, lambda tmp: prs.save(str(tmp)))
