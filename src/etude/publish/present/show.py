"""Showing results: tables styled and escaped, data-status captions, slide headings.

* :func:`shown` is the only way a notebook shows a table: no index, a caption with the title and the data status,
  and **every value and header escaped as text** (pandas Stylers do not escape by default: an answer such as
  ``<script>`` must come out inert in the notebook page, the report and the slides).
* :func:`is_simulated` says whether any respondent of some tables is simulated; :func:`simulated_caption` is the
  caption « Données simulées — ne pas citer ».
* :func:`heading` is a slide heading (``##``) stating a message, escaped likewise (:func:`escape_text`); it and
  :func:`markdown` keep the marks of a marked sentence (:mod:`etude.publish.marks`) in the output's metadata.

Examples
--------
>>> import pandas as pd
>>> html = shown(pd.DataFrame({"a": ["<script>alert(1)</script>"]}), simulated=True, title="Freins").to_html()
>>> "<script>" in html, "&lt;script&gt;" in html, "Freins — Données simulées — ne pas citer" in html
(False, True, True)
"""
from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from etude import words
from etude.publish import clip

__all__ = ["is_simulated", "simulated_caption", "shown", "heading", "markdown", "escape_text", "unescape_text"]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|])")
#: A character :data:`_MARKDOWN_SPECIAL` backslashed (:func:`unescape_text`).
_MARKDOWN_ESCAPED = re.compile(r"\\([\\`*_\[\]|])")


# ------------------------------------------------------------------------------------------------ showing

def is_simulated(*tables: pd.DataFrame | Mapping[str, pd.DataFrame]) -> bool:
    """True when any respondent row of the tables is simulated (``simulated`` column, ``docs/contracts.md`` §1).

    Accepts DataFrames and dicts of DataFrames (as :func:`etude.survey.load_study` returns), in any mix.

    >>> is_simulated({"buyers": pd.DataFrame({"simulated": [False, True]})})
    True
    >>> is_simulated(pd.DataFrame({"simulated": [False]}), pd.DataFrame({"x": [1]}))
    False
    """
    frames = []
    for t in tables:
        frames.extend(t.values() if isinstance(t, Mapping) else [t])
    return any(bool(df["simulated"].fillna(False).astype(bool).any()) for df in frames if "simulated" in df.columns)


def simulated_caption(lang: str = "fr") -> str:
    """« Données simulées — ne pas citer » (or its English words).

    >>> simulated_caption("en")
    'Simulated data — do not cite'
    """
    return words.data_status(True, lang)


def escape_text(text: Any) -> str:
    """Text made inert in Markdown and HTML: ``& < >`` escaped, Markdown markup characters backslashed.

    >>> escape_text("<img src=x onerror=alert(1)> *gras*")
    '&lt;img src=x onerror=alert(1)&gt; \\\\*gras\\\\*'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def unescape_text(text: str) -> str:
    """The text :func:`escape_text` made inert, as it reads: for a plain-text use of Markdown this package wrote
    (a heading repeated in a list, escaped again where it is shown).

    >>> unescape_text(escape_text("Entreprises : trop peu (< 5) & *rien* publié"))
    'Entreprises : trop peu (< 5) & *rien* publié'
    """
    return html.unescape(_MARKDOWN_ESCAPED.sub(r"\1", text))


def shown(table: pd.DataFrame, *, simulated: bool, title: str | None = None, lang: str = "fr", opt_in: bool = False):
    """A table styled for a notebook or the report: no index, a caption naming simulated data, values escaped.

    ``opt_in``: the table shows public buyers' small groups because the study chose to
    (``publish_small_groups: true``, :func:`etude.safety.disclosure.protected_populations`); its caption says so.

    Every cell value, column head and the caption are escaped as HTML text, so hostile answers
    (``<script>``, ``onerror=``, ``javascript:`` links) are shown as written, never run. A table longer than
    :data:`etude.publish.clip.TABLE_ROWS_MAX` rows shows its first rows, and its caption says how many more the
    table file holds.

    >>> html = shown(pd.DataFrame({"a": [1]}), simulated=True, title="Freins").to_html()
    >>> "Freins — Données simulées — ne pas citer" in html
    True
    >>> "Simulated data — do not cite" in shown(pd.DataFrame({"a": [1]}), simulated=True, lang="en").to_html()
    True
    >>> "&lt;b&gt;" in shown(pd.DataFrame({"<b>": ["x"]}), simulated=False).to_html()
    True
    >>> "Choix de l'étude" in shown(pd.DataFrame({"a": [1]}), simulated=False, opt_in=True).to_html()
    True
    >>> long = shown(pd.DataFrame({"n": range(1234)}), simulated=False, lang="en").to_html()
    >>> long.count("<tr"), "and 1,134 more rows, in the table file" in long
    (101, True)
    """
    status = simulated_caption(lang) if simulated else None
    choice = words.text("disclosure.opt_in", lang) if opt_in else None
    total = len(table)
    table, more = clip.head_rows(table)  # the first rows only: all of them are in the CSV and the workbook
    rest = words.text("tables.more_rows", lang, count=more) if more else None
    caption = " — ".join(p for p in (title, status, choice, rest) if p)
    table = clip.clipped_table(table)  # a very long answer is cut with « … » here, whole in the CSV and workbook
    style = (table.style.format(escape="html").format_index(escape="html", axis=1)
             .format_index(escape="html", axis=0).hide(axis="index"))
    long = clip.long_word_classes(table)  # cells with a very long word wrap anywhere (the style sheets)
    style = style.set_td_classes(long) if long is not None else style
    if more:  # a slide that shows fewer rows counts those left out from the whole table (report.limit_rows)
        style = style.set_table_attributes(f'{clip.ROWS_ATTRIBUTE}="{total}"')
    return style.set_caption(html.escape(caption, quote=False)) if caption else style


def heading(text: str, *, level: int = 2):
    """A Markdown heading that states a slide's message (escaped: result sentences may quote answers' labels).

    >>> heading("Les entreprises citent d'abord « Manque de moyens » (66 %)").data
    "## Les entreprises citent d'abord « Manque de moyens » (66 %)"
    """
    from IPython.display import Markdown

    from etude.publish.marks import output_metadata
    return Markdown("#" * level + " " + escape_text(text), metadata=output_metadata(text))


def markdown(text: str, *, escaped: bool = False):
    """A plain result sentence shown as Markdown, escaped (labels it quotes stay text); ``escaped``: Markdown this
    package wrote with its labels already escaped (:func:`etude.publish.present.comparison_reading`), shown as it is.
    Either way the marks of its numbers go with it (:mod:`etude.publish.marks`).

    >>> markdown("« <b>Santé</b> » : 3 acheteurs").data
    '« &lt;b&gt;Santé&lt;/b&gt; » : 3 acheteurs'
    >>> markdown("- **Santé** : 3 acheteurs", escaped=True).data
    '- **Santé** : 3 acheteurs'
    """
    from IPython.display import Markdown

    from etude.publish.marks import output_metadata
    return Markdown(text if escaped else escape_text(text), metadata=output_metadata(text))
