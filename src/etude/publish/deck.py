"""``slides.pptx``: the same slides as ``slides.html``, as a deck people edit and forward in PowerPoint/LibreOffice.

Both are drawn from one description, :func:`etude.publish.spine.outline`: the restitution's numbered sections in its
order, each slide's section shown above its title. A notebook slide is what the notebooks mark as one
(``slideshow.slide_type`` ``slide`` or ``subslide``, ``fragment`` cells joining the current slide): its markdown
heading (``#``/``##``, from a markdown cell or a ``Markdown`` display) goes into the slide's native title
placeholder, a chart (PNG output, at its full resolution) becomes a picture scaled to the slide, a table (HTML
output of a DataFrame or Styler) becomes a native table of at most :data:`MAX_ROWS` rows, and ``notes`` cells
become the speaker notes. A title slide (study title, waves, data status) and a contents slide open the deck,
a closing slide lists the sources; when the data are simulated every slide carries the data-status line.

- :func:`deck_slides` — the deck's slides as plain dicts (heading, images, tables, texts, notes).
- :func:`html_tables` — the tables of an HTML fragment as ``(header, rows)`` (standard library only).
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
import os
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from etude import words
from etude.files import atomic_write
from etude.publish import formats, runinfo

__all__ = ["deck_slides", "html_tables", "write_pptx", "MAX_ROWS", "SLIDE_SIZE_IN"]

#: Rows of a table shown on a slide (the rest is said in the notes).
MAX_ROWS = 8
#: Slide size in inches (16:9, PowerPoint's default widescreen).
SLIDE_SIZE_IN = (13.333, 7.5)

_HEADING_LINE = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")


def _plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[*_`]", "", text).strip()


def _split_markdown(source: str) -> tuple[str | None, list[str]]:
    """``(first heading, other non-empty lines)`` of a markdown text, both as plain text."""
    heading, lines = None, []
    for line in source.splitlines():
        m = _HEADING_LINE.match(line)
        if m and heading is None:
            heading = _plain(m.group(2))
        elif line.strip():
            lines.append(_plain(line))
    return heading, lines


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
    for out in cell.get("outputs", []):
        if out.get("output_type") not in ("display_data", "execute_result"):
            continue
        data = out.get("data", {})
        if "text/markdown" in data:
            yield "markdown", "".join(data["text/markdown"])
        elif "image/png" in data:
            raw = data["image/png"]
            yield "image", base64.b64decode("".join(raw) if isinstance(raw, list) else raw)
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
        heading, lines = _split_markdown(markdown)
        if heading and slide["heading"] is None:
            slide["heading"] = heading
        elif heading:
            lines.insert(0, heading)
        slide["texts"] += lines
    if cell.cell_type == "markdown":
        text(cell.source)
        return
    for kind, value in _outputs(cell):
        if kind == "markdown":
            text(value)
        elif kind == "image":
            slide["images"].append(value)
            slide["items"].append(("image", value))
        elif kind == "tables":
            slide["tables"] += value
            slide["items"] += [("table", v) for v in value]
        elif value.strip():
            slide["texts"].append(value.strip())


def deck_slides(notebooks: Iterable[tuple[str, Any]], info: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The slides of the deck, in the order of its spine (:func:`etude.publish.spine.outline`), as dicts.

    Keys: ``role`` (``title``, ``contents``, ``objectives``, ``cells``, ``method``, ``closing``), ``section``
    (a key of :data:`etude.publish.spine.SECTIONS`, empty for the title, contents and closing slides), ``notebook``,
    ``title`` (the notebook's title), ``heading`` (str or ``None``), ``images`` (PNG bytes), ``tables``
    (``(header, rows)``), ``items`` (both, in order, as ``("image"|"table", value)``), ``texts`` (other lines;
    the bullet lines of a generated slide), ``notes`` (speaker notes).
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
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt
    title = slide.shapes.title
    title.left, title.top = Inches(0.5), Inches(0.45)
    title.width, title.height = prs.slide_width - Inches(1.0), Inches(1.0)
    title.text = text
    for p in title.text_frame.paragraphs:
        p.alignment = PP_ALIGN.LEFT  # a heading is a sentence: read from the left, under the section
        for r in p.runs:
            r.font.size = Pt(28 if len(text) < 70 else 22)


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


def _lines_box(slide, lines: list[str], box, size: int = 20) -> None:
    from pptx.util import Pt
    text = slide.shapes.add_textbox(*box)
    text.text_frame.word_wrap = True
    for j, line in enumerate(lines[:10]):
        p = text.text_frame.paragraphs[0] if j == 0 else text.text_frame.add_paragraph()
        p.text = line
        p.font.size = Pt(size)
        p.space_after = Pt(size // 2)


def _picture(slide, png: bytes, box) -> None:
    from PIL import Image
    left, top, width, height = box
    with Image.open(io.BytesIO(png)) as im:
        w, h = im.size
    scale = min(width / w, height / h)
    pw, ph = int(w * scale), int(h * scale)
    slide.shapes.add_picture(io.BytesIO(png), left + (width - pw) // 2, top + (height - ph) // 2, pw, ph)


def _table(slide, header: list[str], rows: list[list[str]], box) -> None:
    from pptx.util import Pt
    left, top, width, height = box
    n_rows = len(rows) + (1 if header else 0)
    n_cols = max(len(header), *(len(r) for r in rows)) if rows else len(header)
    if not n_rows or not n_cols:
        return
    row_h = min(height // n_rows, 640080)  # at most 0.7 inch a row
    shape = slide.shapes.add_table(n_rows, n_cols, left, top, width, row_h * n_rows)
    table = shape.table
    size = Pt(16 if n_cols <= 5 else 12)
    for i, values in enumerate(([header] if header else []) + rows):
        for j in range(n_cols):
            cell = table.cell(i, j)
            cell.text = values[j] if j < len(values) else ""
            for p in cell.text_frame.paragraphs:
                for r in p.runs:
                    r.font.size = size


def _content_slides(prs, s: dict[str, Any], info: dict[str, Any]) -> None:
    """One slide per chart or table of ``s`` (a slide holding several is split: « titre (1/2) », « (2/2) »)."""
    from pptx.util import Inches
    lang = info["lang"]
    heading = s["heading"] or s["title"] or words.text("deck.untitled", lang)
    items = s["items"] or [None]
    top, bottom = Inches(1.5), prs.slide_height - Inches(0.6)
    box = (Inches(0.5), top, prs.slide_width - Inches(1.0), bottom - top)
    for k, item in enumerate(items, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
        _section_box(slide, s["section"], info["lang"], prs)
        _title(slide, heading + (f" ({k}/{len(items)})" if len(items) > 1 else ""), prs)
        notes = [s["notes"]] if s["notes"] else []
        if item is None and s["texts"]:
            _lines_box(slide, s["texts"], box)
        elif s["texts"]:
            notes.insert(0, "\n".join(s["texts"]))
        if item is not None and item[0] == "image":
            _picture(slide, item[1], box)
        elif item is not None:
            header, rows = item[1]
            if len(rows) > MAX_ROWS:
                notes.append(words.text("deck.more_rows", lang, n=formats.number(len(rows) - MAX_ROWS, lang=lang)))
            _table(slide, header, rows[:MAX_ROWS], box)
        if notes:
            slide.notes_slide.notes_text_frame.text = "\n\n".join(notes)
        _status_box(slide, info, prs)


def _title_slide(prs, s: dict[str, Any], info: dict[str, Any], subtitle: str) -> None:
    from pptx.util import Inches
    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = s["heading"]
    first.shapes.title.left, first.shapes.title.width = Inches(0.8), prs.slide_width - Inches(1.6)
    sub = first.placeholders[1]
    sub.left, sub.width = Inches(0.8), prs.slide_width - Inches(1.6)
    sub.text = "\n".join(x for x in [*s["texts"], subtitle] if x)
    _status_box(first, info, prs)


def _closing_slide(prs, s: dict[str, Any], info: dict[str, Any]) -> None:
    from pptx.util import Inches, Pt
    last = prs.slides.add_slide(prs.slide_layouts[1])  # "Title and Content"
    _title(last, s["heading"], prs)
    body = last.placeholders[1]
    body.left, body.top = Inches(0.6), Inches(1.5)
    body.width, body.height = prs.slide_width - Inches(1.2), prs.slide_height - Inches(2.2)
    for k, line in enumerate([*s["texts"], info.get("rule") or ""]):
        if not line:
            continue
        p = body.text_frame.paragraphs[0] if k == 0 else body.text_frame.add_paragraph()
        p.text = line
        p.font.size = Pt(18)
    _status_box(last, info, prs)


def _text_slide(prs, s: dict[str, Any], info: dict[str, Any]) -> None:
    """A slide the spine generates (contents, objectives, method): its title, then its lines."""
    from pptx.util import Inches
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
    _section_box(slide, s["section"], info["lang"], prs)
    _title(slide, s["heading"], prs)
    _lines_box(slide, s["texts"], (Inches(0.6), Inches(1.6), prs.slide_width - Inches(1.2),
                                   prs.slide_height - Inches(2.3)))
    if s["notes"]:
        slide.notes_slide.notes_text_frame.text = s["notes"]
    _status_box(slide, info, prs)


def write_pptx(path: str | os.PathLike, notebooks: Iterable[tuple[str, Any]], info: dict[str, Any] | None = None,
               *, subtitle: str = "") -> Path:
    """Write the deck of ``notebooks`` (executed, in study order) to ``path``, in the order of the deck's spine
    (:func:`deck_slides`, the same description as ``slides.html``); returns the path.

    Parameters
    ----------
    path : path
        Usually ``<run>/slides.pptx``; written atomically.
    notebooks : iterable of (name, NotebookNode)
        The notebooks whose slide cells make the deck (the ones that ran).
    info : dict, optional
        :func:`etude.publish.runinfo.run_info` (title, waves, simulated, sources, rule, lang); simulated by default.
    subtitle : str
        One more line on the title slide (run id, study).
    """
    from pptx import Presentation
    from pptx.util import Inches

    info = {"simulated": True, "lang": "fr", **(info or {})}
    info["lang"] = info["lang"] if info["lang"] in words.LANGS else "fr"
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_SIZE_IN[0]), Inches(SLIDE_SIZE_IN[1])
    props = prs.core_properties
    props.title = info.get("title") or runinfo.study_title(info["lang"])
    # python-pptx's template names its own author and a comment: the deck names the tool, nobody else
    props.author = props.last_modified_by = "etude"
    props.comments, props.keywords, props.subject = "", "", ""
    for s in deck_slides(notebooks, info):
        if s["role"] == "title":
            _title_slide(prs, s, info, subtitle)
        elif s["role"] == "closing":
            _closing_slide(prs, s, info)
        elif s["role"] == "cells":
            _content_slides(prs, s, info)
        else:
            _text_slide(prs, s, info)
    return atomic_write(path, lambda tmp: prs.save(str(tmp)))
