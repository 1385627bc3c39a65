"""HTML for a run: one page per executed notebook, the study report and the reveal.js slides — all offline.

Everything a page needs is inside it: styles and reveal.js are inlined from ``etude/assets/``, images are
``data:`` URIs (notebook outputs already are; local images referenced from markdown are embedded), and no
script, stylesheet or font is fetched from the network when the page is opened (a meeting room may have none).
:func:`external_references` lists what would be fetched; the engine and the tests expect it to be empty.

- :func:`notebook_html` — one executed notebook as a standalone page (code included: the audit copy).
- :func:`report_html` — every notebook, no code, a table of contents, French by default.
- :func:`slides_html` — reveal.js slides from the cells whose ``slideshow.slide_type`` is ``slide``,
  ``subslide`` or ``fragment`` (``notes`` cells become speaker notes).

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Titre\\n\\nBonjour.")])
>>> page = report_html([("01_demo", nb)], simulated=True)
>>> "Sommaire" in page and "Données simulées — ne pas citer" in page
True
>>> external_references(page)
[]
"""
from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import nbformat

from etude import __version__, cachefiles, paths, words
from etude.publish import clip, formats
from etude.publish.reading import notebook_title, reading_copy

__all__ = ["notebook_html", "report_html", "slides_html", "external_references", "slide_cells", "slide_notebook",
           "limit_rows", "without_status", "SLIDE_TYPES", "SLIDE_SIZE", "SLIDE_MAX_ROWS", "IMAGE_TYPES", "prerender"]

#: ``slideshow.slide_type`` values that put a cell into ``slides.html``.
SLIDE_TYPES = ("slide", "subslide", "fragment")

def _texts(lang: str) -> dict[str, str]:
    """The words of the pages in ``lang`` (the catalogue's area ``report``, with the study's title and the
    data-status line)."""
    return {**words.area("report", lang), "title": words.text("runinfo.title", lang),
            "simulated": words.data_status(True, lang)}


# --------------------------------------------------------------------------- assets and exporters

@cache
def _asset(name: str) -> str:
    return (paths.assets_dir() / name).read_text(encoding="utf-8")


_CSS_IMPORT = re.compile(r"@import\s+(?:url\()?\s*[\"']?(?:https?:)?//[^;]*;", re.I)


def _strip_remote_imports(css: str) -> str:
    """Drop ``@import`` of remote stylesheets (web fonts): the house CSS names local font stacks instead."""
    return _CSS_IMPORT.sub("", css)


def _inline_script(js: str) -> str:
    return js.replace("</script", "<\\/script")


@cache
def _pygments_css() -> str:
    from pygments.formatters import HtmlFormatter
    return HtmlFormatter(style="default").get_style_defs(".highlight")


@cache
def _exporter(with_code: bool):
    """A reused nbconvert exporter (body only; the page around it is ours, so nothing points at a CDN)."""
    import logging

    from nbconvert import HTMLExporter
    quiet = logging.getLogger("etude.publish.report.nbconvert")  # no "alternative text is missing" chatter
    quiet.setLevel(logging.ERROR)
    return HTMLExporter(log=quiet, template_name="basic", exclude_input=not with_code,
                        exclude_input_prompt=not with_code, exclude_output_prompt=True,
                        anchor_link_text="¶")


# --------------------------------------------------------------------------- helpers on notebooks and HTML

#: ``<img … src="relative/path">``: attributes are skipped whole (quoted values at once: a megabyte of base64 is one
#: step, not a million), and ``src`` is a real attribute (not ``data-src``, nor text inside another value).
_IMG_SRC = re.compile(r"""(<img\b(?:[^>"']|"[^"]*"|'[^']*')*?(?<=[\s/"'])src=)(["'])(?!data:|https?:|//|#)([^"']+)\2""",
                      re.I)
#: Image files a page may embed (by extension), with their MIME type.
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}


def _local_image(src: str, base_dirs: Sequence[Path]) -> Path | None:
    """The image file ``src`` names inside one of ``base_dirs``, or ``None``.

    Never outside them: an absolute path, ``..`` leading out, a symlink pointing out or a file that is not an
    image by its extension (``<img src="../.etude-salt">`` typed in an answer) is not embedded.
    """
    src = html.unescape(src).split("?", 1)[0].split("#", 1)[0]
    if not src or "\x00" in src or src.startswith(("/", "\\", "file:")) or re.match(r"^[A-Za-z]:", src):
        return None
    for base in base_dirs:
        root = Path(base).resolve()
        try:
            f = (root / src).resolve()
        except (OSError, RuntimeError, ValueError):
            continue
        if root in f.parents and f.suffix.lower() in IMAGE_TYPES and f.is_file():
            return f
    return None


_FIGURE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,120}$")


def slide_notebook(nb, base_dirs: Sequence[Path]):
    """A copy of ``nb`` whose charts are the slide-size images: each output that names its figure
    (:data:`etude.publish.outputs.FIGURE_KEY`, written by :func:`etude.publish.outputs.show_figure`) is an
    ``image/png`` of
    ``figures/<name>_slide.png`` of one of ``base_dirs`` instead, when that file is there.

    The name comes from the notebook, hence possibly from anyone: only a plain file name (letters, digits,
    ``_``, ``-``) naming a PNG inside ``base_dirs/figures`` is ever read; anything else keeps the image as it is.
    """
    import base64
    import copy

    from etude.publish.outputs import FIGURE_KEY
    out = copy.deepcopy(nb)
    for cell in out.cells:
        for o in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            name = (o.get("metadata") or {}).get(FIGURE_KEY)
            if not isinstance(name, str) or not _FIGURE_NAME.match(name):
                continue
            found = _local_image(f"figures/{name}_slide.png", base_dirs)
            if found is None:
                continue
            data = found.read_bytes()
            if data.startswith(b"\x89PNG\r\n\x1a\n"):  # the chart's one output becomes the slide image
                alt = _output_alt(o)
                o["data"] = {"image/png": base64.b64encode(data).decode("ascii")}
                o["metadata"] = {**o.get("metadata", {}), FIGURE_KEY: name,  # the chart's data stays (deck)
                                 **({"image/png": {"alt": alt}} if alt else {})}
    return out


_ALT = re.compile(r"""<img\b[^>]*?\salt=(["'])(.*?)\1""", re.S | re.I)


def _output_alt(output) -> str:
    """The alternative text a chart's output already carries (its ``<img alt>``, or nbconvert's ``alt`` metadata),
    kept for the slide image that replaces it (nbconvert writes it from ``metadata["image/png"]["alt"]``).

    >>> _output_alt({"data": {"text/html": '<img src="data:x" alt="Freins cités &amp; leviers">'}})
    'Freins cités & leviers'
    """
    for mime in ("image/png", "image/svg+xml"):
        alt = ((output.get("metadata") or {}).get(mime) or {}).get("alt")
        if isinstance(alt, str) and alt.strip():
            return alt.strip()
    page = (output.get("data") or {}).get("text/html")
    page = "".join(page) if isinstance(page, list) else page
    m = _ALT.search(page) if isinstance(page, str) else None
    return html.unescape(m.group(2)).strip() if m else ""


def _embed_local_images(body: str, base_dirs: Sequence[Path]) -> str:
    """Replace ``<img src="relative/path">`` by a ``data:`` URI when it names an image inside ``base_dirs``."""
    def repl(m):
        f = _local_image(m.group(3), base_dirs)
        if f is None:
            return m.group(0)
        data = base64.b64encode(f.read_bytes()).decode("ascii")
        return f"{m.group(1)}{m.group(2)}data:{IMAGE_TYPES[f.suffix.lower()]};base64,{data}{m.group(2)}"
    return _IMG_SRC.sub(repl, body)


#: Image outputs held as base64 text in a notebook (SVG is text).
_BASE64_IMAGES = tuple(dict.fromkeys(m for m in IMAGE_TYPES.values() if m != "image/svg+xml"))


#: A base64 image in a ``data:`` URI: its head, then its payload (64 characters at least: worth setting aside).
_DATA_URI = re.compile(r"(data:image/[A-Za-z0-9.+-]+;base64,)([A-Za-z0-9+/=]{64,})")


def _set_aside_images(nb):
    """A copy of ``nb`` whose base64 images (outputs, and ``data:`` URIs in HTML outputs) are short tokens, the
    images by token, and the tokens' pattern.

    nbconvert passes every output through its templates and then parses its whole HTML again (BeautifulSoup, to
    add missing alternative texts): with megabytes of images in it, that is most of a conversion's time. The
    tokens carry a random part, so no text of the notebook can stand for one; they are put back afterwards.
    """
    import copy
    import secrets
    nonce = secrets.token_hex(8)
    light = copy.deepcopy(nb)  # strings are shared, not copied
    aside: dict[str, str] = {}
    for cell in light.cells:
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data") or {}
            for mime in _BASE64_IMAGES:
                if isinstance(data.get(mime), str) and len(data[mime]) > 64:
                    token = f"etude{nonce}img{len(aside)}"
                    aside[token], data[mime] = data[mime], token
            if isinstance(data.get("text/html"), str) and "base64," in data["text/html"]:
                def one(m):  # an image inside HTML (a chart of show_figure): its data URI's payload
                    token = f"etude{nonce}img{len(aside)}"
                    aside[token] = m.group(2)
                    return m.group(1) + token
                data["text/html"] = _DATA_URI.sub(one, data["text/html"])
    return light, aside, re.compile(f"etude{nonce}img[0-9]+")


def _render(nb, *, with_code: bool, lang: str, base_dirs: Sequence[Path] = (), cache_dir: Path | None = None
            ) -> str:
    """HTML body of ``nb``; with ``cache_dir``, the exporter's output is kept there by content (same notebook,
    same HTML: an unchanged re-run does not convert it again). Local images are embedded afterwards."""
    key = path = None
    if cache_dir is not None:
        import hashlib
        import json
        meta = {k: v for k, v in nb.metadata.items() if k != "papermill"}  # run parameters: not shown
        text = json.dumps([nb.cells, meta], sort_keys=True, default=str) + f"|{with_code}|{lang}|{__version__}"
        key = hashlib.sha256(text.encode("utf-8", errors="surrogateescape")).hexdigest()
        path = Path(cache_dir) / f"{key}.html"
        kept = cachefiles.read_text(path)  # listed and unchanged since etude wrote it, else None
        if kept is not None:
            return _embed_local_images(kept, base_dirs)
    light, aside, token = _set_aside_images(nb)
    body, _ = _exporter(with_code).from_notebook_node(light)
    body = body.replace('alt="No description has been provided for this image"',
                        f'alt="{words.text("report.figure", lang)}"')
    body = token.sub(lambda m: aside[m.group(0)], body) if aside else body
    if path is not None:
        cachefiles.store_text(path, body)  # a cache is only an optimisation: never fails
    return _embed_local_images(body, base_dirs)


_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)</h\1>', re.S)
_ANCHOR = re.compile(r'(<a\b[^>]*?\bhref=")#([^"]+)"')


def _prefix_anchors(body: str, prefix: str) -> str:
    """Make heading ids (and links to them) unique across notebooks in one page."""
    body = _HEADING.sub(lambda m: f'<h{m.group(1)} id="{prefix}{m.group(2)}">{m.group(3)}</h{m.group(1)}>', body)
    return _ANCHOR.sub(lambda m: f'{m.group(1)}#{prefix}{m.group(2)}"', body)


def _headings(body: str, levels=(2,)) -> list[tuple[int, str, str]]:
    out = []
    for m in _HEADING.finditer(body):
        if int(m.group(1)) in levels:
            text = re.sub(r"<[^>]+>", "", m.group(3)).replace("¶", "").strip()
            out.append((int(m.group(1)), m.group(2), html.unescape(text)))
    return out


_EXTERNAL = [
    re.compile(r"<(?:script|img|iframe|source|video|audio|embed|track|input)\b[^>]*?\bsrc\s*=\s*"
               r"[\"']?((?:https?:)?//[^\"'\s>]+)", re.I),
    re.compile(r"<link\b[^>]*?\bhref\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)", re.I),
    re.compile(r"<object\b[^>]*?\bdata\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)", re.I),
    re.compile(r"@import\s+(?:url\()?\s*[\"']?((?:https?:)?//[^\"')\s;]+)", re.I),
    re.compile(r"url\(\s*[\"']?((?:https?:)?//[^\"')\s]+)", re.I),
]


def external_references(page: str) -> list[str]:
    """URLs a browser would fetch from the network to show ``page`` (scripts, styles, fonts, images, frames).

    Plain links (``<a href>``) are not fetched and not listed.

    >>> external_references('<script src="https://cdn.example/x.js"></script><a href="https://ok.fr">lien</a>')
    ['https://cdn.example/x.js']
    >>> external_references("<style>@import url(https://fonts.example/css);</style>")
    ['https://fonts.example/css']
    """
    found: list[str] = []
    for pattern in _EXTERNAL:
        for url in pattern.findall(page):
            if url not in found:
                found.append(url)
    return found


# --------------------------------------------------------------------------- pages

def _page(*, title: str, lang: str, body: str, css: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="etude {__version__}">\n'
            f"<title>{html.escape(title)}</title>\n<style>\n{css}\n</style>\n</head>\n{body}\n</html>\n")


def _banner(simulated: bool, lang: str) -> str:
    """The data-status banner: a named region (a landmark), so that no content of the page is outside one."""
    if not simulated:
        return ""
    label = html.escape(words.text("report.status_region", lang), quote=True)
    return f'<div class="etude-banner" role="region" aria-label="{label}">{words.data_status(True, lang)}</div>\n'


#: The opening tag of an HTML output's box, which scrolls sideways when its table is wider than the page.
_OUTPUT_BOX = re.compile(r'<div class="(?=[^"]*\boutput_html\b)([^"]*)">')
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S | re.I)


def without_status(body: str, lang: str = "fr") -> str:
    """Table captions without the data-status words (« — Données simulées — ne pas citer »): the report and the
    slides say it once, in their banner, title and footer, not under every table (the notebooks' own pages,
    read one by one, keep it).

    >>> without_status("<caption>Freins — Données simulées — ne pas citer</caption>")
    '<caption>Freins</caption>'
    >>> without_status("<table><caption>Données simulées — ne pas citer</caption><tr></tr></table>")
    '<table><tr></tr></table>'
    """
    status = html.escape(words.data_status(True, lang), quote=False)

    def strip(m):
        text = m.group(1).replace(f" — {status}", "").replace(f" - {status}", "").strip()
        if text == status:
            return ""
        return m.group(0).replace(m.group(1), text)
    return _CAPTION.sub(strip, body) if status in body else body


def focusable_tables(body: str, lang: str = "fr") -> str:
    """Give every output box holding a table a keyboard stop and a name (``tabindex="0"``, ``role="region"``,
    ``aria-label``): a table wider than the page scrolls inside its box, and a box that scrolls must be reachable
    with the keyboard (WCAG 2.1.1, axe-core's ``scrollable-region-focusable``). The name is the table's caption.

    >>> out = focusable_tables('<div class="output_html rendered_html"><table><caption>Freins</caption></table></div>')
    >>> 'tabindex="0" role="region" aria-label="Tableau : Freins"' in out
    True
    >>> focusable_tables('<div class="output_html rendered_html"><p>texte</p></div>').count("tabindex")
    0
    """
    starts = list(_OUTPUT_BOX.finditer(body))
    if not starts:
        return body
    out, at, used = [], 0, {}
    for k, m in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(body)
        box = body[m.end():end]
        cut = box.find('<div class="output_area')  # the next output, whatever box it has
        box = box if cut < 0 else box[:cut]
        out.append(body[at:m.start()])
        at = m.end()
        if "<table" not in box.lower():
            out.append(m.group(0))
            continue
        caption = _CAPTION.search(box)
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", caption.group(1))).split()) if caption else ""
        label = (words.text("report.table_region_named", lang, caption=text) if text
                 else words.text("report.table_region", lang))
        used[label] = used.get(label, 0) + 1
        label += f" ({used[label]})" if used[label] > 1 else ""  # two tables of one caption: two names
        label = html.escape(label, quote=True)
        out.append(f'<div class="{m.group(1)}" tabindex="0" role="region" aria-label="{label}">')
    out.append(body[at:])
    return "".join(out)


def notebook_html(nb, name: str, *, lang: str = "fr", simulated: bool = False,
                  base_dirs: Sequence[Path] = (), cache_dir: Path | None = None) -> str:
    """One executed notebook as a standalone, offline HTML page, code included (``cache_dir``: see
    :func:`report_html`).

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    >>> page = notebook_html(nb, "01_demo")
    >>> 'class="highlight' in page and external_references(page) == []
    True
    """
    t = _texts(lang)
    title = notebook_title(nb, name)
    body = focusable_tables(_render(nb, with_code=True, lang=lang, base_dirs=base_dirs, cache_dir=cache_dir), lang)
    inner = (f'<body class="etude etude-notebook-page">\n{_banner(simulated, lang)}'
             f'<header class="etude-header"><p class="etude-kicker">{t["notebook"]} {html.escape(name)}</p></header>\n'
             f"<main>\n{body}\n</main>\n</body>")
    return _page(title=f"{title} — {name}", lang=lang, body=inner, css=_asset("etude.css") + _pygments_css())


def report_html(notebooks: Iterable[tuple[str, object]], *, lang: str = "fr", simulated: bool = False,
                statuses: dict[str, str] | None = None, subtitle: str = "",
                base_dirs: Sequence[Path] = (), cache_dir: Path | None = None, info: dict | None = None) -> str:
    """The study report: every notebook's markdown and outputs, no code, with a table of contents, in the deck's
    order (:func:`etude.publish.spine.report_outline`, the restitution's): « L'essentiel », then each section
    with the restitution's own text (objectives, results, remedies, solutions, method, sources) and the parts of
    the notebooks that belong to it.

    Parameters
    ----------
    notebooks : iterable of (name, NotebookNode)
        Executed notebooks in study order.
    lang : {"fr", "en"}
        Language of the page's own words (titles, banner).
    simulated : bool
        Add the « Données simulées — ne pas citer » banner (and say it once in the footer).
    statuses : dict, optional
        ``name -> "ok" | "failed" | "skipped"``; failed and skipped notebooks are flagged in the page.
    subtitle : str
        One line under the title (the study).
    base_dirs : sequence of Path
        Folders where relative image paths are looked up (then embedded); only image files inside them.
    cache_dir : Path, optional
        Where converted notebooks are kept by content (the engine's cache), so unchanged ones are not converted
        again.
    info : dict, optional
        :func:`etude.publish.runinfo.run_info`, for the method and sources sections (waves, small-cell rule).
    """
    from etude.publish import spine
    t = _texts(lang)
    info = {**(info or {}), "simulated": simulated, "lang": lang}
    toc, sections = [], []
    for key, pieces in spine.report_outline(notebooks, info, lang=lang):
        anchor = f"sec-{key}"
        bodies = [_piece_html(piece, f"{anchor}--{k}", lang=lang, statuses=statuses or {}, base_dirs=base_dirs,
                              cache_dir=cache_dir) for k, piece in enumerate(pieces)]
        label = pieces[0]["heading"] if key == "essential" else spine.section_label(key, lang)
        heads = [h for body in bodies for h in _headings(body, (1, 2))]
        subs = "".join(f'<li><a href="#{hid}">{html.escape(text)}</a></li>' for _, hid, text in heads
                       if text != label)
        failed = {(statuses or {}).get(p.get("notebook"), "ok") for p in pieces if p.get("first")}
        flag = (f' <span class="etude-flag">({t["failed"]})</span>' if "failed" in failed
                else ' <span class="etude-flag">(—)</span>' if "skipped" in failed else "")
        toc.append(f'<li><a href="#{anchor}">{html.escape(label)}</a>{flag}'
                   + (f"<ol>{subs}</ol>" if subs else "") + "</li>")
        title = "" if key == "essential" else f'<h1 class="etude-part">{html.escape(label)}</h1>\n'
        sections.append(f'<section class="etude-section" id="{anchor}" data-section="{key}">\n{title}'
                        + "\n".join(bodies) + "\n</section>")
    inner = (f'<body class="etude etude-report">\n{_banner(simulated, lang)}'
             f'<header class="etude-header"><p class="etude-kicker">{t["report"]}</p>'
             f'<h1 class="etude-title">{t["title"]}</h1>'
             + (f'<p class="etude-meta">{html.escape(subtitle)}</p>' if subtitle else "")
             + f'</header>\n<nav class="etude-toc" aria-label="{t["toc"]}"><h2>{t["toc"]}</h2>'
             f'<ol>{"".join(toc)}</ol></nav>\n<main>\n' + "\n".join(sections)
             + f'\n</main>\n<footer class="etude-footer">{t["produced"]} {__version__} · {t["manifest"]}'
             + (f' · {t["simulated"]}' if simulated else "") + "</footer>\n</body>")
    return _page(title=f'{t["title"]} — {t["report"]}', lang=lang, body=inner, css=_asset("etude.css"))


def _piece_html(piece: dict, anchor: str, *, lang: str, statuses: dict[str, str], base_dirs: Sequence[Path],
                cache_dir: Path | None) -> str:
    """One piece of a report section: a generated slide's heading and lines, or a notebook's part (its first
    part carries the notebook's anchor ``nb-<name>`` and, if it failed or was skipped, says so)."""
    if piece["role"] != "part":
        items = "".join(f"<li>{html.escape(x)}</li>" for x in piece["lines"])
        return (f'<div class="etude-restitution" data-role="{piece["role"]}">'
                f'<h2 id="{anchor}">{html.escape(piece["heading"])}</h2>'
                + (f'<ul class="etude-lines">{items}</ul>' if items else "") + "</div>")
    name = piece["notebook"]
    part = nbformat.v4.new_notebook(cells=piece["cells"], metadata=piece["nb_metadata"])
    body = _render(part, with_code=False, lang=lang, base_dirs=base_dirs, cache_dir=cache_dir)
    body = _prefix_anchors(focusable_tables(without_status(body, lang), lang), f"nb-{name}--")
    ident = f' id="nb-{html.escape(name)}"' if piece["first"] else ""
    note = _status_note(piece, statuses.get(name, "ok"), lang) if piece["first"] else ""
    return f'<div class="etude-notebook"{ident} data-notebook="{html.escape(name)}">\n{note}{body}\n</div>'


def _status_note(piece: dict, status: str, lang: str) -> str:
    """« Cette partie n'a pas pu être calculée » above a failed notebook (unless its own error cell says it)."""
    t = _texts(lang)
    if status == "skipped":
        return f'<p class="etude-failed">{t["nb_skipped"]}</p>\n'
    banner = any("etude-error" in c.get("metadata", {}).get("tags", []) for c in piece["cells"])
    if status == "failed" and not banner:
        return f'<p class="etude-failed">{t["nb_failed"]} ({html.escape(piece["notebook"])}).</p>\n'
    return ""


def slide_cells(nb) -> list[tuple[str, object]]:
    """``(slide_type, cell)`` for the cells that go into the slides (and ``notes`` cells), in order.

    >>> md = nbformat.v4.new_markdown_cell("# A", metadata={"slideshow": {"slide_type": "slide"}})
    >>> [t for t, _ in slide_cells(nbformat.v4.new_notebook(cells=[md, nbformat.v4.new_markdown_cell("x")]))]
    ['slide']
    """
    out = []
    for cell in nb.cells:
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if kind in SLIDE_TYPES or kind == "notes":
            out.append((kind, cell))
    return out


#: Size of a slide in ``slides.html`` (CSS pixels), the 16:9 of a meeting-room screen.
SLIDE_SIZE = (1280, 720)
#: Rows of a table shown on a slide; the rest is in the report and the workbook.
SLIDE_MAX_ROWS = 8

_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)
_TBODY_ROW = re.compile(r"<tr\b.*?</tr>", re.S | re.I)
_WHOLE_ROWS = re.compile(r'<table\b[^>]*\b' + clip.ROWS_ATTRIBUTE + r'="(\d+)"', re.I)

#: Makes a heading of more than two lines smaller, then scales the current slide's charts, then its type, until
#: the slide fits (run when a slide is shown): a chart's text must stay at least 18 px, a heading is larger.
_FIT_SCRIPT = """
(function () {
  function fit(slide) {
    var box = slide && slide.querySelector('.etude-slide');
    if (!box) return;
    var W = Reveal.getConfig().width, H = Reveal.getConfig().height;
    var pics = box.querySelectorAll('img, svg');
    var shrunk = 0;  // type is made smaller three times at most (to 73 %): still read from the back of the room
    var frame = document.querySelector('.reveal .slides');
    function overflow() {  // slide pixels beyond the bottom and the right edge of the slide
      var f = frame.getBoundingClientRect(), b = box.getBoundingClientRect(), s = Reveal.getScale();
      return [(b.top - f.top) / s + box.scrollHeight - H, (b.left - f.left) / s + box.scrollWidth - W];
    }
    var head = box.querySelector('h1, h2');
    function headLines() {
      var st = getComputedStyle(head), lh = parseFloat(st.lineHeight) || parseFloat(st.fontSize) * 1.2;
      return head.getBoundingClientRect().height / Reveal.getScale() / lh;
    }
    for (var j = 0; head && pics.length && j < 3 && overflow()[0] > 0 && headLines() > 2.5; j++) {
      head.style.fontSize = (parseFloat(getComputedStyle(head).fontSize) * 0.88) + 'px';
    }
    for (var k = 0; k < 16; k++) {
      var o = overflow(), over = o[0];
      if (o[0] <= 0 && o[1] <= 0) break;
      var room = Array.prototype.some.call(pics, function (p) {
        return p.getBoundingClientRect().height / Reveal.getScale() > 61; });
      if (over > 0 && room) {
        pics.forEach(function (p) {
          var h = p.getBoundingClientRect().height / Reveal.getScale();
          p.style.maxHeight = Math.max(60, h - over / pics.length - 2) + 'px';
          p.style.width = 'auto';
        });
      } else if (shrunk < 3) {
        box.style.fontSize = (parseFloat(getComputedStyle(box).fontSize) * 0.9) + 'px';
        shrunk++;
      }
    }
  }
  function current() { fit(Reveal.getCurrentSlide()); }
  window.etudeFitSlides = function () {
    Reveal.on('slidechanged', current);
    window.addEventListener('load', current);
    current();
  };
})();
"""


def limit_rows(fragment: str, max_rows: int = SLIDE_MAX_ROWS, *, lang: str = "fr") -> str:
    """Keep the first ``max_rows`` body rows of each table of an HTML fragment and say how many are left out (of
    the whole table, when the notebook already showed only its first rows: :data:`etude.publish.clip.ROWS_ATTRIBUTE`).

    >>> t = "<table><thead><tr><th>a</th></tr></thead><tbody>" + "<tr><td>1</td></tr>" * 3 + "</tbody></table>"
    >>> out = limit_rows(t, 2)
    >>> out.count("<tr>"), "1 ligne(s) de plus" in out, "1 more row(s)" in limit_rows(t, 2, lang="en")
    (3, True, True)
    >>> "998 ligne(s) de plus" in limit_rows(t.replace("<table>", '<table data-etude-rows="1000">'), 2)
    True
    """
    def cut(m):
        table = m.group(0)
        body_at = table.lower().find("<tbody")
        if body_at < 0:
            return table
        rows = list(_TBODY_ROW.finditer(table, body_at))
        if len(rows) <= max_rows:
            return table
        kept = table[:rows[max_rows - 1].end()] + table[rows[-1].end():]
        whole = _WHOLE_ROWS.search(table[:body_at])
        total = max(int(whole.group(1)), len(rows)) if whole else len(rows)
        more = words.text("report.more_rows", lang, n=formats.number(total - max_rows, lang=lang))
        return f'{kept}<p class="etude-more">{html.escape(more)}</p>'
    return _TABLE.sub(cut, fragment)


def _generated_html(slide: dict, lang: str) -> tuple[list[str], list[str]]:
    """Content and notes of a slide :mod:`etude.publish.spine` generates (contents, objectives, method, closing)."""
    items = "".join(f"<li>{html.escape(x)}</li>" for x in slide["lines"])
    parts = [f"<h2>{html.escape(slide['heading'])}</h2>"]
    if items:
        parts.append(f'<ul class="etude-lines etude-{slide["role"]}">{items}</ul>')
    notes = [f'<aside class="notes"><p>{html.escape(slide["notes_text"])}</p></aside>'] if slide.get("notes_text") \
        else []
    return parts, notes


def _cells_html(slide: dict, lang: str, base_dirs: Sequence[Path], cache_dir: Path | None = None
                ) -> tuple[list[str], list[str]]:
    """Content and notes of a notebook slide: its cells rendered one by one (fragments appear step by step)."""
    def render(cell) -> str:
        one = nbformat.v4.new_notebook(cells=[cell], metadata=slide["nb_metadata"])
        return _render(reading_copy(one), with_code=False, lang=lang, base_dirs=base_dirs,
                       cache_dir=cache_dir).strip()
    parts, notes = [], []
    for cell in slide["cells"]:
        content = render(cell)
        if not content:
            continue
        content = limit_rows(without_status(content, lang), lang=lang)
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        parts.append(f'<div class="fragment">{content}</div>' if kind == "fragment" else content)
    for cell in slide["notes"]:
        content = render(cell)
        if content:
            notes.append(f'<aside class="notes">{content}</aside>')
    return parts, notes


def prerender(name: str, nb, *, lang: str = "fr", cache_dir: Path, slide_nb=None) -> None:
    """Convert now, into ``cache_dir``, what :func:`report_html` and (with ``slide_nb``, the notebook's
    :func:`slide_notebook` copy) :func:`slides_html` will convert of this notebook: the engine calls it as soon
    as a notebook ends, while others still run, so that assembling the run only joins converted pieces.

    Nothing is returned and nothing else is written: the pages read the same cache entries by content.
    """
    from etude.publish import spine
    for part in spine.notebook_parts(name, nb):  # the report's pieces of this notebook
        _render(nbformat.v4.new_notebook(cells=part["cells"], metadata=part["nb_metadata"]), with_code=False,
                lang=lang, cache_dir=cache_dir)
    for slide in spine.notebook_slides(name, slide_nb) if slide_nb is not None else []:
        _cells_html(slide, lang, (), cache_dir)


def slides_html(notebooks: Iterable[tuple[str, object]], *, lang: str = "fr", simulated: bool = False,
                subtitle: str = "", base_dirs: Sequence[Path] = (), info: dict | None = None,
                cache_dir: Path | None = None) -> str:
    """reveal.js slides (inlined, offline), in the order of the deck's spine (:func:`etude.publish.spine.outline`).

    The slides are the cells marked ``slide``, ``subslide`` or ``fragment``, ordered by the section each
    declares (``etude.section``), between a title slide, a contents slide and a closing slide with the sources;
    ``slides.pptx`` follows the same description. A ``slide`` cell opens a new horizontal slide, ``subslide`` a
    vertical one below the previous slide of the same notebook and section, ``fragment`` appears step by step on
    the current slide, ``notes`` cells become speaker notes. Code is never shown, only markdown and outputs.
    Every slide but the title, contents and closing slides shows its numbered section above its heading.
    Slides are :data:`SLIDE_SIZE` (1280 × 720); tables show at most :data:`SLIDE_MAX_ROWS` rows, and a small
    script scales a slide's charts (then its type) when its content would be taller or wider than the slide.

    ``info`` is :func:`etude.publish.runinfo.run_info` (waves, sources, small-cell rule); without it, only ``simulated``
    and ``lang`` are known. ``cache_dir``: converted cells kept by content, as in :func:`report_html`.
    """
    from etude.publish import spine
    t = _texts(lang)
    info = {"simulated": simulated, **(info or {}), "lang": lang}
    horizontal: list[list[str]] = []
    previous = None
    for slide in spine.outline(notebooks, info, lang=lang):
        role = slide["role"]
        if role == "title":  # the meeting (name, date and place, presenter, organisations): no run id
            parts = [f'<h1>{html.escape(slide["heading"])}</h1>'
                     + "".join(f'<p class="etude-meta">{html.escape(x)}</p>' for x in slide["lines"])
                     + (f'<p class="etude-sim">{t["simulated"]}</p>' if simulated else "")]
            notes = [f'<aside class="notes"><p>{html.escape(slide["notes_text"])}</p></aside>']
        elif role == "cells":
            parts, notes = _cells_html(slide, lang, base_dirs, cache_dir)
        else:
            parts, notes = _generated_html(slide, lang)
        if not parts:
            continue
        if slide["section"]:
            parts.insert(0, f'<p class="etude-kicker etude-section-label">'
                            f'{html.escape(spine.section_label(slide["section"], lang))}</p>')
        attrs = (f' data-role="{role}" data-section="{html.escape(slide["section"])}"'
                 + (f' data-notebook="{html.escape(slide["notebook"])}"' if slide["notebook"] else ""))
        leaf = (f"<section>\n<div class=\"etude-slide\"{attrs}>\n" + "\n".join(parts) + "\n</div>\n"
                + "\n".join(notes) + "\n</section>")
        below = (previous is not None and slide["stack"] == "subslide" and role == "cells"
                 and (previous["notebook"], previous["section"]) == (slide["notebook"], slide["section"]))
        if below:
            horizontal[-1].append(leaf)
        else:
            horizontal.append([leaf])
        previous = slide
    sections = [stack[0] if len(stack) == 1 else "<section>\n" + "\n".join(stack) + "\n</section>"
                for stack in horizontal]
    footer = f'<div class="etude-sim-footer">{t["simulated"]}</div>' if simulated else ""
    config = ('{hash: true, slideNumber: "c/t", transition: "none", center: false, navigationMode: "linear", '
              f'width: {SLIDE_SIZE[0]}, height: {SLIDE_SIZE[1]}, margin: 0.04}}')
    body = ('<body class="etude etude-slides">\n<div class="reveal"><div class="slides">\n'
            + "\n".join(sections) + f"\n</div>{footer}</div>\n"
            f"<script>\n{_inline_script(_asset('reveal/reveal.js'))}\n</script>\n"
            f"<script>{_FIT_SCRIPT}Reveal.initialize({config}).then(window.etudeFitSlides);</script>\n</body>")
    css = (_asset("reveal/reveal.css") + "\n" + _strip_remote_imports(_asset("reveal/theme-simple.css")) + "\n"
           + _asset("slides.css"))
    return _page(title=f'{t["title"]} — {t["slides"]}', lang=lang, body=body, css=css)
