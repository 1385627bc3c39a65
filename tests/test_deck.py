"""slides.pptx: native titles holding the headings, pictures, native tables of at most 8 rows, speaker notes,
the data-status line on every slide; LibreOffice renders one page per slide."""
from __future__ import annotations

import shutil
import subprocess

import nbformat
import pytest
from deck_fixtures import SLIDE, convention_notebooks, notes_cell
from pptx import Presentation
from pptx.util import Emu

from etude.publish import deck

INFO = {"title": "L'innovation dans la commande publique", "waves": [2017, 2018], "simulated": True, "lang": "fr",
        "sources": ["Restitution des travaux du GT, 2017", "acheteurs 2017 : a.csv"], "rule": "Petits effectifs."}


def texts_of(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


@pytest.fixture(scope="module")
def pptx_path(tmp_path_factory):
    return deck.write_pptx(tmp_path_factory.mktemp("deck") / "slides.pptx", convention_notebooks(), INFO,
                           subtitle="Exécution r1")


OBJECTIVES = "Le GT s'est fixé 3 objectifs en 2017 ; indicateurs : 27 réponses d'acheteurs, 90 d'entreprises"
METHOD = "Données simulées : ces diapositives montrent la méthode, pas des résultats à citer"


def by_title(prs, start: str):
    return next(s for s in prs.slides if s.shapes.title.text.startswith(start))


def section_of(slide) -> str:
    return next((s.text_frame.text for s in slide.shapes if s.name == "etude-section"), "")


def test_slides_follow_the_spine_between_a_title_and_a_sources_slide(pptx_path):
    prs = Presentation(str(pptx_path))
    titles = [s.shapes.title.text for s in prs.slides]
    # issue 29: the restitution's outline (results, remedies after each side's barriers, the 9 solutions), then
    # the study's additions, method and limits, sources, thanks
    assert titles == ["L'innovation dans la commande publique", "Sommaire", OBJECTIVES,
                      "Le GT a mis en place 4 sous-groupes thématiques",
                      "INNOV'EMBER, le 20 novembre 2017 : 350 personnes présentes, 70 entreprises innovantes",
                      "Un rapport sur commande en guise d'état des lieux",
                      "Un graphique très haut tient quand même dans la diapositive",
                      "Les freins", "Les trois premiers freins des acheteurs",
                      "Côté acheteurs, pour y remédier : Soutien hiérarchique et Professionnalisation",
                      "Les entreprises citent d'abord l'absence d'information (66 %)",
                      "Côté entreprises, pour y remédier : Accès aux informations, Communication et Simplification",
                      "Les 9 solutions retenues pour lever ces freins (1 à 5)",
                      "Les 9 solutions retenues pour lever ces freins (6 à 9)",
                      "Une longue table est coupée à huit lignes (1/2)",
                      "Une longue table est coupée à huit lignes (2/2)",
                      METHOD, "Sources", "Merci pour votre attention !"]
    assert [section_of(s) for s in prs.slides] == [
        "", "", "1. Objectifs 2017 du GT et indicateurs retenus", *["2. Résultats du GT en 2017"] * 4,
        *["3.1. Freins identifiés — côté acheteurs"] * 3, *["3.2. Freins identifiés — côté entreprises"] * 2,
        *["4. Solutions retenues pour lever ces freins"] * 2, *["6.6. Apport de l'étude : autres résultats"] * 2,
        "7. Méthode et limites", "8. Sources", ""]
    first = texts_of(prs.slides[0])
    assert any("Vagues 2017 et 2018" in t for t in first) and "Données simulées — ne pas citer" in first
    contents = "\n".join(texts_of(prs.slides[1]))
    assert contents.index("1. Objectifs") < contents.index("3.1. Freins") < contents.index("7. Méthode")
    assert "3.3." not in contents  # a section with no slide is not listed
    assert "« Restitution des travaux du GT », 2017" in "\n".join(texts_of(prs.slides[-2]))  # cited, no file name
    assert "Petits effectifs." in "\n".join(texts_of(prs.slides[-1]))
    assert prs.slide_width * 9 == prs.slide_height * 16 or abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01


def test_the_deck_names_the_tool_as_author_and_no_one_else(pptx_path):
    props = Presentation(str(pptx_path)).core_properties
    assert (props.author, props.last_modified_by, props.comments) == ("etude", "etude", "")


def test_every_slide_carries_the_data_status_line_when_simulated(pptx_path):
    for slide in Presentation(str(pptx_path)).slides:
        assert "Données simulées — ne pas citer" in texts_of(slide)


def test_charts_are_pictures_inside_the_slide_and_tables_native_with_at_most_8_rows(pptx_path):
    prs = Presentation(str(pptx_path))
    chart = by_title(prs, "Les entreprises citent")
    pictures = [s for s in chart.shapes if s.shape_type == 13]
    assert len(pictures) == 1 and pictures[0].image.size[0] >= 1000  # the PNG at its full resolution
    tall = [s for s in by_title(prs, "Un graphique très haut").shapes if s.shape_type == 13][0]
    assert tall.top >= 0 and tall.top + tall.height <= prs.slide_height
    assert tall.left >= 0 and tall.left + tall.width <= prs.slide_width
    tables = [s.table for s in by_title(prs, "Les trois premiers").shapes if s.has_table]
    assert len(tables) == 1
    assert [c.text for c in tables[0].rows[0].cells] == ["Frein", "Part", "Base"]
    assert tables[0].cell(1, 0).text == "Frein n° 1 <b>&</b>"  # cell text is text, never markup
    long_slide = by_title(prs, "Une longue table")
    long = [s.table for s in long_slide.shapes if s.has_table][0]
    assert len(long.rows) == 1 + deck.MAX_ROWS
    for slide in prs.slides:
        for shape in slide.shapes:
            assert Emu(shape.top + shape.height) <= prs.slide_height, shape.name


def test_speaker_notes_come_from_notes_cells(pptx_path):
    prs = Presentation(str(pptx_path))
    def notes(start: str) -> str:
        return by_title(prs, start).notes_slide.notes_text_frame.text
    assert "intervalles de Wilson" in notes("Les entreprises citent")
    assert "25 acheteurs" in notes("Les trois premiers")
    assert "Graphique haut" in notes("Un graphique très haut")
    assert "Notes de la diapositive d'ouverture." in notes("Les freins")
    assert "restitution des travaux 2017" in notes(OBJECTIVES)


def test_survey_data_carry_no_status_line_and_a_slide_without_heading_still_has_a_title(tmp_path):
    md = nbformat.v4.new_markdown_cell("Un texte sans titre.", metadata=SLIDE)
    nb = nbformat.v4.new_notebook(cells=[md, notes_cell("Note.")])
    prs = Presentation(str(deck.write_pptx(tmp_path / "s.pptx", [("01", nb)], {**INFO, "simulated": False})))
    assert "Résultats" in [s.shapes.title.text for s in prs.slides]  # among the study's additions
    assert all("Données simulées — ne pas citer" not in texts_of(s) for s in prs.slides)


def test_html_tables_reads_a_dataframe_with_an_index():
    import pandas as pd
    page = pd.DataFrame({"Part": ["56 %"]}, index=pd.Index(["Temps"], name="Frein")).to_html()
    assert deck.html_tables(page) == [(["Frein", "Part"], [["Temps", "56 %"]])]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice absent (soffice) : `apt-get install libreoffice-impress` ou `bash .ci/run`")
@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo absent : `apt-get install poppler-utils`")
def test_libreoffice_renders_one_page_per_slide(pptx_path, tmp_path):
    n_slides = len(Presentation(str(pptx_path)).slides)
    proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(pptx_path)],
                          capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "slides.pdf"
    assert pdf.is_file(), proc.stdout + proc.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages == n_slides


def test_a_slide_holding_two_charts_and_a_table_becomes_three_slides(tmp_path):
    from deck_fixtures import chart_cell, table_cell
    two = chart_cell("Deux graphiques et une table")
    two.outputs += chart_cell("x").outputs[1:] + table_cell("y").outputs[1:]
    nb = nbformat.v4.new_notebook(cells=[two, notes_cell("Même note.")])
    prs = Presentation(str(deck.write_pptx(tmp_path / "s.pptx", [("01", nb)], INFO)))
    slides = [s for s in prs.slides if s.shapes.title.text.startswith("Deux graphiques")]
    assert [s.shapes.title.text for s in slides] == [f"Deux graphiques et une table ({k}/3)" for k in (1, 2, 3)]
    assert [sum(sh.shape_type == 13 for sh in s.shapes) for s in slides] == [1, 1, 0]
    assert [sum(sh.has_table for sh in s.shapes) for s in slides] == [0, 0, 1]
    assert all(s.notes_slide.notes_text_frame.text == "Même note." for s in slides)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    from bad_inputs import runs
    return runs.demo_run(tmp_path_factory)


def runs_of(keys: list[str]) -> list[str]:
    """``keys`` with repeats in a row collapsed: the order of the sections."""
    return [k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]


@pytest.mark.slow
def test_the_demo_deck_follows_the_restitution_s_spine_in_html_and_pptx(demo_run):
    import re

    from etude.publish import spine
    # issue 29: the restitution's outline (solutions and next year's objectives after the barriers, whose remedies
    # follow each side's slides; the action plan lives in the report), then the study's additions, method, sources
    spine_order = ["", "objectives", "results", "barriers_buyers", "barriers_companies", "solutions",
                   "objectives_next", "comparison", "indicators", "meetings", "method", "sources", ""]
    page = (demo_run / "slides.html").read_text(encoding="utf-8")
    html_keys = re.findall(r'<div class="etude-slide" data-role="\w+" data-section="(\w*)"', page)
    assert runs_of(html_keys) == spine_order
    by_label = {spine.section_label(k): k for k in spine.SECTIONS} | {"": ""}
    prs = Presentation(str(demo_run / "slides.pptx"))
    pptx_keys = [by_label[section_of(s)] for s in prs.slides]
    assert runs_of(pptx_keys) == spine_order
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[:3] == ["L'innovation dans la commande publique en Hauts-de-France", "L'essentiel", "Sommaire"]
    assert titles[-2:] == ["Sources", "Merci pour votre attention !"]


@pytest.mark.slow
def test_the_demo_deck_shows_the_slide_size_charts(tmp_path_factory):
    """Charts on slides are the slide-size images (1920 px wide, text of 18 px on a 1280 × 720 slide), except for
    a chart that has a page-size PNG and no ``_slide.png`` (none in the demo: its charts are SVG and slide PNG)."""
    import io

    from bad_inputs import runs
    from PIL import Image
    run = runs.demo_run(tmp_path_factory)
    figures = {p.name for p in (run / "figures").glob("*.png")}
    without = {f for f in figures if not f.endswith("_slide.png") and f.replace(".png", "_slide.png") not in figures}
    widths = []
    for slide in Presentation(str(run / "slides.pptx")).slides:
        for shape in slide.shapes:
            if shape.shape_type == 13:  # a picture
                with Image.open(io.BytesIO(shape.image.blob)) as im:
                    widths.append(im.size[0])
    assert widths and sum(w == 1920 for w in widths) >= len(widths) - len(without), (widths, sorted(without))


def test_an_english_deck_has_english_frame_words(tmp_path):
    from deck_fixtures import table_cell
    info = {**INFO, "lang": "en", "title": "", "sources": ["Findings, 2017"]}
    bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("A text with no heading.", metadata=SLIDE)])
    long = table_cell("A long table", rows=12)
    prs = Presentation(str(deck.write_pptx(tmp_path / "s.pptx", [*convention_notebooks(), ("09", bare),
                                                                   ("10", nbformat.v4.new_notebook(cells=[long]))],
                                           info)))
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[:2] == ["Innovation in public procurement in Hauts-de-France", "Contents"]
    assert titles[-1] == "Thank you for your attention!" and "Results" in titles  # a slide with no heading
    assert all("Simulated data — do not cite" in texts_of(s) for s in prs.slides)
    assert "1. The working group's 2017 objectives and indicators" in [section_of(s) for s in prs.slides]
    assert [t for t in titles if t.startswith("A long table")] == ["A long table (1/2)", "A long table (2/2)"]
    assert Presentation(str(tmp_path / "s.pptx")).core_properties.title == titles[0]
