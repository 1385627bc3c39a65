"""Executed notebooks that follow the slide convention, made in memory (no kernel): for the deck, PDF and browser
tests.

Convention: a ``slide`` (or ``subslide``) code cell shows a ``##`` heading (``text/markdown`` output) stating its
message, then one chart (PNG) or one table (HTML of a DataFrame) of at most 8 rows; the next markdown cell, of
``slide_type`` ``notes``, holds caveats and method.
"""
from __future__ import annotations

import base64
import io

import nbformat
import pandas as pd

SLIDE = {"slideshow": {"slide_type": "slide"}}
SUBSLIDE = {"slideshow": {"slide_type": "subslide"}}


def in_section(metadata: dict, section: str) -> dict:
    """``metadata`` with the deck section the cell declares (:data:`etude.publish.spine.SECTIONS`)."""
    return {**metadata, "etude": {"section": section}}
NOTES = {"slideshow": {"slide_type": "notes"}}


def png(width_in: float = 10.0, height_in: float = 5.0, dpi: int = 100) -> str:
    """A small bar chart as base64 PNG (the way a notebook output stores it)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=dpi)
    ax.barh(["Information", "Temps", "Moyens"], [0.66, 0.5, 0.3])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def heading_output(text: str):
    return nbformat.v4.new_output("display_data", data={"text/markdown": f"## {text}", "text/plain": text})


def chart_cell(heading: str, *, metadata=SLIDE, **png_size):
    return nbformat.v4.new_code_cell("show()", metadata=metadata, outputs=[
        heading_output(heading), nbformat.v4.new_output("display_data", data={"image/png": png(**png_size),
                                                                               "text/plain": "<Figure>"})])


def table_cell(heading: str, rows: int = 5, *, metadata=SLIDE):
    df = pd.DataFrame({"Frein": [f"Frein n° {i} <b>&</b>" for i in range(1, rows + 1)],
                       "Part": [f"{60 - i} %" for i in range(rows)], "Base": [90] * rows})
    return nbformat.v4.new_code_cell("table", metadata=metadata, outputs=[
        heading_output(heading), nbformat.v4.new_output("execute_result", data={
            "text/html": df.to_html(index=False), "text/plain": df.to_string()}, execution_count=1)])


def notes_cell(text: str):
    return nbformat.v4.new_markdown_cell(text, metadata=NOTES)


def convention_notebooks() -> list[tuple[str, object]]:
    """Two executed notebooks, five slides: a section slide, two charts, two tables (one of 12 rows).

    Their cells declare deck sections out of the spine's order, so that the deck reorders them: ``01_freins``
    holds a buyers' slide with a buyers' subslide, then a companies' chart; ``02_suite`` a results chart, then a
    table that declares no section (:data:`etude.publish.spine.OTHER`). The deck's order is: title, contents,
    objectives (generated), the tall chart (results), « Les freins » and its subslide (buyers), the companies'
    chart, the long table (other), method (generated), closing.
    """
    nb1 = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Les freins\n\n## Les freins cités par les entreprises",
                                      metadata=in_section(SLIDE, "barriers_buyers")),
        nbformat.v4.new_markdown_cell("Notes de la diapositive d'ouverture.", metadata=NOTES),
        table_cell("Les trois premiers freins des acheteurs", rows=3,
                   metadata=in_section(SUBSLIDE, "barriers_buyers")),
        notes_cell("Base : 25 acheteurs ayant répondu à la question."),
        chart_cell("Les entreprises citent d'abord l'absence d'information (66 %)",
                   metadata=in_section(SLIDE, "barriers_companies")),
        notes_cell("Base : 90 entreprises ; plusieurs réponses possibles ; intervalles de Wilson."),
    ])
    nb2 = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Suite des résultats\n\nLa suite, pour le rapport seulement."),
        chart_cell("Un graphique très haut tient quand même dans la diapositive", width_in=6, height_in=14,
                   metadata=in_section(SLIDE, "results")),
        notes_cell("Graphique haut : réduit à la hauteur de la diapositive."),
        table_cell("Une longue table est coupée à huit lignes", rows=12),
    ])
    return [("01_freins", nb1), ("02_suite", nb2)]
