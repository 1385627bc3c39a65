"""The frame of ``slides.pptx``: a 16:9 presentation whose master and layouts fit the slide, text tagged with the
reader's language, and document properties.

python-pptx starts from a 4:3 template (10 × 7.5 in). Setting the slide size alone leaves the master's and the
layouts' placeholders where they were, so a slide a colleague adds in PowerPoint gets a title over the left
three quarters. :func:`widescreen` widens every positioned shape of the master and of each layout to
13.333 × 7.5 in. :func:`tag_language` marks every run, paragraph end and default text style of every part
(slides, notes, master, layouts, charts) with the reader's language (``fr-FR``, ``en-GB``), so that spell-checking
knows the text is French. :func:`set_properties` fills the document's title, subject, author and language.

Examples
--------
>>> from pptx import Presentation
>>> prs = widescreen(Presentation())
>>> round(prs.slide_width / 914400, 3), round(prs.slide_height / 914400, 3)
(13.333, 7.5)
>>> title = prs.slide_layouts[0].placeholders[0]
>>> round((title.left + title.width) / 914400, 2) <= 13.34
True
>>> language_tag("fr"), language_tag("en")
('fr-FR', 'en-GB')
"""
from __future__ import annotations

from typing import Any

from etude import words

__all__ = ["SLIDE_SIZE_IN", "widescreen", "language_tag", "tag_language", "set_properties", "organisations"]

#: Slide size in inches (16:9, PowerPoint's default widescreen).
SLIDE_SIZE_IN = (13.333, 7.5)
_EMU_PER_INCH = 914400
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _scale_xfrm(element, factor: float) -> None:
    """Widen one shape's ``a:xfrm`` (offset and extent along x) by ``factor``."""
    for off in element.iter(f"{{{_A}}}off"):
        off.set("x", str(round(int(off.get("x", "0")) * factor)))
    for ext in element.iter(f"{{{_A}}}ext"):
        if ext.get("cx") is not None:
            ext.set("cx", str(round(int(ext.get("cx")) * factor)))


def widescreen(prs):
    """``prs`` at 13.333 × 7.5 in, its master's and layouts' shapes widened to match; returns ``prs``.

    Shapes that inherit their place (no ``a:xfrm`` of their own) follow the master's.
    """
    old = prs.slide_width
    prs.slide_width = round(SLIDE_SIZE_IN[0] * _EMU_PER_INCH)
    prs.slide_height = round(SLIDE_SIZE_IN[1] * _EMU_PER_INCH)
    size = prs.part._element.find("{http://schemas.openxmlformats.org/presentationml/2006/main}sldSz")
    if size is not None and "type" in size.attrib:
        del size.attrib["type"]  # « screen4x3 » would make PowerPoint call it 4:3
    factor = prs.slide_width / old
    if abs(factor - 1) < 1e-6:
        return prs
    for shape in [*prs.slide_master.shapes, *(s for layout in prs.slide_layouts for s in layout.shapes)]:
        for xfrm in shape._element.xpath("./p:spPr/a:xfrm | ./p:xfrm"):
            _scale_xfrm(xfrm, factor)
    return prs


def language_tag(lang: str) -> str:
    """The BCP 47 tag of a reader's language (``fr-FR``, ``en-GB``: :data:`etude.words.LOCALES`)."""
    return words.LOCALES[words.check_lang(lang)].replace("_", "-")


def tag_language(prs, lang: str) -> None:
    """Mark every text run, paragraph end and default text style of the presentation's parts with ``lang``.

    Covers the slides, their notes, the master, the layouts, the notes master and the charts' XML, and the
    presentation's default text style (what a colleague types next is in the same language).
    """
    tag = language_tag(lang)
    for part in prs.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is None:
            continue
        for run in element.iter(f"{{{_A}}}r"):
            if run.find(f"{{{_A}}}rPr") is None:
                run.insert(0, run.makeelement(f"{{{_A}}}rPr", {}))
        for name in ("rPr", "endParaRPr", "defRPr"):
            for props in element.iter(f"{{{_A}}}{name}"):
                props.set("lang", tag)
        for chart_lang in element.iter("{http://schemas.openxmlformats.org/drawingml/2006/chart}lang"):
            chart_lang.set("val", tag)


def organisations(info: dict[str, Any], lang: str = "fr") -> str:
    """The organisations behind the deck, as the study file (``meeting.organisations``, or a top-level
    ``organisations``) or the command line (``meeting_given``) names them; empty when none is given.

    >>> organisations({"meeting": {"organisations": ["ORCP", "Sciences Po Lille"]}})
    'ORCP et Sciences Po Lille'
    >>> organisations({"organisations": "ORCP"}), organisations({})
    ('ORCP', '')
    """
    from etude.publish import formats
    given = (info.get("meeting_given") or {}).get("organisations")
    value = given or (info.get("meeting") or {}).get("organisations") or info.get("organisations") or ""
    if isinstance(value, list | tuple):
        return formats.join([str(v) for v in value if v], lang)
    return str(value)


def set_properties(prs, info: dict[str, Any], *, title: str, lang: str) -> None:
    """Title, subject, author (the organisations, else « etude »), language; no template's author or comment."""
    props = prs.core_properties
    props.title = title
    props.subject = words.text("deck.subject", lang)
    props.author = organisations(info, lang) or "etude"
    props.last_modified_by = "etude"
    props.language = language_tag(lang)
    props.comments, props.keywords = "", ""
