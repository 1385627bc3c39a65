"""slides.pptx as a colleague edits it: a 16:9 master and layouts, a title slide whose boxes have a size, every run
in the reader's language, bar charts as native charts with their data, other charts as pictures with a real
alternative text, tables that fit (cut across slides), one paragraph per markdown paragraph, document properties."""
from __future__ import annotations

import base64
import shutil
import subprocess

import matplotlib
import nbformat
import pandas as pd
import pytest
from deck_fixtures import SLIDE, heading_output, in_section, notes_cell, png
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from etude.publish import deck, native_charts
from etude.publish.outputs import FIGURE_KEY

matplotlib.use("Agg")

INFO = {"title": "L'innovation dans la commande publique", "waves": [2017], "simulated": True, "lang": "fr",
        "sources": ["Restitution des travaux du GT, 2017"], "rule": "Petits effectifs.",
        "meeting": {"organisations": ["ORCP Hauts-de-France", "Sciences Po Lille"]}}
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def frequencies() -> pd.DataFrame:
    return pd.DataFrame({"item": ["e_besoins", "e_delais", "e_moyens"], "n_base": [90] * 3, "count": [59, 30, 12],
                         "pct": [59 / 90, 30 / 90, 12 / 90], "ci_low": [0.55, 0.24, 0.08],
                         "ci_high": [0.75, 0.44, 0.22]})


def figure_cell(heading: str, fig, name: str, *, metadata=SLIDE):
    """A code cell as a notebook leaves it after :func:`etude.publish.outputs.show_figure` and the deck's slide
    copy: the slide PNG, the figure's name and its description."""
    import io

    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    data = native_charts.figure_data(fig)
    plt.close(fig)
    out = nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(buf.getvalue()).decode()},
                                 metadata={FIGURE_KEY: name, native_charts.CHART_KEY: data})
    return nbformat.v4.new_code_cell("show()", metadata=metadata, outputs=[heading_output(heading), out])


def line_figure():
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot([2017, 2018], [0.4, 0.5], marker="o")
    ax.set_title("Part citant l'information", loc="left")
    return fig


def long_table_cell(heading: str):
    df = pd.DataFrame({"Frein": [f"Frein {i} : " + "un libellé très long qui s'étend " * 6 for i in range(10)],
                       "Solutions (n°)": ["1, 2, 3"] * 10, "Objectif 2018": ["Mettre en place des outils"] * 10})
    return nbformat.v4.new_code_cell("t", metadata=SLIDE, outputs=[heading_output(heading), nbformat.v4.new_output(
        "execute_result", data={"text/html": df.to_html(index=False), "text/plain": ""}, execution_count=1)])


def notebooks():
    from etude.publish.plots import ChartOptions, coverage_chart, frequency_chart
    solutions = pd.DataFrame({"number": [1, 2], "text": ["Un guide", "Un hub"], "n_buyers": [2, 0],
                              "n_companies": [1, 3]})
    md = nbformat.v4.new_markdown_cell(
        "## Ce que dit le plan d'action\n\nLe fichier `plan_action.yaml` relie\nchaque frein à un levier.\n\n"
        "Deuxième paragraphe, _souligné_.\n\n- premier point\n- second point", metadata=in_section(SLIDE, "remedies"))
    nb = nbformat.v4.new_notebook(cells=[
        figure_cell("Les entreprises citent d'abord l'information",
                    frequency_chart(frequencies(), options=ChartOptions(wave=2017)), "freins",
                    metadata=in_section(SLIDE, "barriers_companies")),
        notes_cell("Base : 90 entreprises."),
        figure_cell("Chaque solution vise des freins des deux côtés", coverage_chart(solutions), "plan",
                    metadata=in_section(SLIDE, "remedies")),
        figure_cell("L'information progresse", line_figure(), "evolution", metadata=in_section(SLIDE, "indicators")),
        md, long_table_cell("Une table aux libellés longs"),
    ])
    return [("01_test", nb)]


@pytest.fixture(scope="module")
def prs(tmp_path_factory):
    path = deck.write_pptx(tmp_path_factory.mktemp("pptx") / "slides.pptx", notebooks(), INFO)
    return Presentation(str(path))


def slide_titled(prs, start: str):
    return next(s for s in prs.slides if s.shapes.title.text.startswith(start))


def test_the_presentation_its_master_and_its_layouts_are_16_9(prs):
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    assert prs.part._element.find(
        "{http://schemas.openxmlformats.org/presentationml/2006/main}sldSz").get("type") is None
    for layout in prs.slide_layouts:
        for shape in layout.placeholders:
            assert shape.left + shape.width <= prs.slide_width, (layout.name, shape.name)
    title = prs.slide_layouts[5].placeholders[0]  # "Title Only": placed for the wide slide, not the 4:3 one
    assert title.width > Inches(11)


def test_the_title_slide_s_boxes_have_their_real_size(prs):
    first = prs.slides[0]
    title, subtitle = first.shapes.title, first.placeholders[1]
    for box in (title, subtitle):
        assert box.height > Inches(1) and box.top >= 0 and box.top + box.height <= prs.slide_height
    assert title.top + title.height <= subtitle.top
    assert title.text_frame.text == INFO["title"]


def runs(part_element):
    return list(part_element.iter(f"{A}r"))


def test_every_run_of_slides_and_notes_is_tagged_fr_fr(prs):
    seen = 0
    for slide in prs.slides:
        elements = [slide._element] + ([slide.notes_slide._element] if slide.has_notes_slide else [])
        for element in elements:
            for run in runs(element):
                assert run.find(f"{A}rPr").get("lang") == "fr-FR"
                seen += 1
    assert seen > 30
    default = prs.part._element.find(".//{*}defaultTextStyle/" + f"{A}defPPr/{A}defRPr")
    assert default.get("lang") == "fr-FR"
    assert prs.core_properties.language == "fr-FR"


def test_bar_charts_are_native_with_their_data_and_others_pictures_with_alt_text(prs):
    charts = [sh.chart for s in prs.slides for sh in s.shapes if sh.has_chart]
    assert [c.chart_type for c in charts] == [XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.BAR_STACKED]
    freq = charts[0]
    assert list(freq.plots[0].categories) == ["Besoins publics inconnus", "Délais de paiement", "Manque de moyens"]
    assert [round(v, 3) for v in freq.plots[0].series[0].values] == [0.656, 0.333, 0.133]
    stacked = charts[1]
    assert [list(s.values) for s in stacked.plots[0].series] == [[2.0, 0.0], [1.0, 3.0]]
    assert [s.name for s in stacked.plots[0].series] == ["Acheteurs publics", "Entreprises innovantes"]
    frame = next(sh for sh in slide_titled(prs, "Les entreprises citent").shapes if sh.has_chart)
    assert "Les entreprises citent d'abord l'information" in frame._element.xpath(".//p:cNvPr")[0].get("descr")
    pictures = [sh for sh in slide_titled(prs, "L'information progresse").shapes if sh.shape_type == 13]
    assert len(pictures) == 1
    alt = pictures[0]._element.xpath(".//p:cNvPr")[0].get("descr")
    assert alt == "Part citant l'information : L'information progresse"
    assert not any("image" in (sh._element.xpath(".//p:cNvPr")[0].get("descr") or "") for s in prs.slides
                   for sh in s.shapes if sh.shape_type == 13)


def test_chart_parts_are_tagged_with_the_language_too(prs):
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                tags = {e.get("lang") for e in shape.chart.part._element.iter(f"{A}defRPr")}
                assert tags == {"fr-FR"}


def test_tables_fit_the_slide_and_long_ones_go_on_several_slides(prs):
    pages = [s for s in prs.slides if s.shapes.title.text.startswith("Une table aux libellés longs")]
    assert len(pages) >= 2 and pages[0].shapes.title.text.endswith(f"(1/{len(pages)})")
    rows = 0
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.top + shape.height <= prs.slide_height, (slide.shapes.title.text, shape.name)
            assert shape.left + shape.width <= prs.slide_width
            if shape.has_table:
                table = shape.table
                assert shape.top + sum(r.height for r in table.rows) <= prs.slide_height - Inches(0.5)
                rows += len(table.rows) - 1 if slide in pages else 0
    assert rows == 10


def test_markdown_paragraphs_keep_underscores_and_sentences_together(prs):
    slide = slide_titled(prs, "Ce que dit le plan d'action")
    body = [sh for sh in slide.shapes if sh.has_text_frame and sh.name not in ("etude-section", "etude-status")
            and sh != slide.shapes.title][0]
    assert [p.text for p in body.text_frame.paragraphs] == [
        "Le fichier plan_action.yaml relie chaque frein à un levier.", "Deuxième paragraphe, souligné.",
        "• premier point", "• second point"]


def test_document_properties_name_the_deck_and_its_organisations(prs):
    props = prs.core_properties
    assert props.title == INFO["title"]
    assert props.author == "ORCP Hauts-de-France et Sciences Po Lille"
    assert props.subject and "innovant" in props.subject
    assert props.language == "fr-FR"


def test_an_english_deck_is_tagged_en_gb(tmp_path):
    path = deck.write_pptx(tmp_path / "s.pptx", notebooks(), {**INFO, "lang": "en", "title": ""})
    english = Presentation(str(path))
    langs = {r.find(f"{A}rPr").get("lang") for s in english.slides for r in runs(s._element)}
    assert langs == {"en-GB"} and english.core_properties.language == "en-GB"
    assert english.core_properties.author == "ORCP Hauts-de-France and Sciences Po Lille"


def test_table_pages_never_leave_a_row_behind():
    rows = [[f"ligne {i}", "x " * (i * 20)] for i in range(15)]
    pages = deck.table_pages(["A", "B"], rows, width_in=12, height_in=5)
    assert [r for p in pages for r in p] == rows and all(len(p) <= deck.MAX_ROWS for p in pages)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice absent (soffice) : `apt-get install libreoffice-impress` ou `bash .ci/run`")
def test_libreoffice_opens_the_deck_with_native_charts(tmp_path):
    path = deck.write_pptx(tmp_path / "slides.pptx", notebooks(), INFO)
    proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                          capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "slides.pdf"
    assert pdf.is_file(), proc.stdout + proc.stderr
    from pypdf import PdfReader
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == len(Presentation(str(path)).slides)
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert abs(width / height - 16 / 9) < 0.01
    text = reader.pages[[s.shapes.title.text for s in Presentation(str(path)).slides].index(
        "Les entreprises citent d'abord l'information")].extract_text()
    assert "66" in text  # the native chart's data label, drawn by LibreOffice


def test_png_fixture_is_a_picture_without_data():
    assert png()  # the convention fixtures' charts have no data: they stay pictures (tests/test_deck.py)
