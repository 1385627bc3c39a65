"""The deck's spine: sections in the restitution's order, one description for slides.html and slides.pptx."""
from __future__ import annotations

import re

import nbformat
from deck_fixtures import NOTES, SLIDE, SUBSLIDE, convention_notebooks, in_section

from etude import paths
from etude.publish import deck, report, runinfo, spine
from etude.publish.reference_text import citation
from etude.survey import reference

FRAGMENT = {"slideshow": {"slide_type": "fragment"}}


def md(text: str, metadata: dict):
    return nbformat.v4.new_markdown_cell(text, metadata=metadata)


def tiny() -> list[tuple[str, object]]:
    """Two notebooks whose slides declare sections out of order (the second one's slides come first)."""
    first = nbformat.v4.new_notebook(cells=[
        md("## Rencontres : 12 rendez-vous", in_section(SLIDE, "meetings")),
        md("## Les acheteurs citent d'abord le temps", in_section(SLIDE, "barriers_buyers")),
        md("Détail qui apparaît ensuite.", FRAGMENT),
        md("Base : 25 acheteurs.", NOTES),
        md("## Par type d'acheteur", in_section(SUBSLIDE, "barriers_buyers")),
        md("## Un résultat sans section", SLIDE),
    ])
    second = nbformat.v4.new_notebook(cells=[
        md("## 27 acheteurs et 90 entreprises ont répondu", SLIDE),
        md("## Entre 2017 et 2018, rien ne change", in_section(SLIDE, "indicators")),
        md("## Une clé mal écrite", in_section(SLIDE, "barrieres")),
    ], metadata={"etude": {"section": "results"}})
    return [("01_a", first), ("02_b", second)]


def test_outline_orders_the_slides_by_section_and_keeps_the_notebooks_order_within_one():
    slides = spine.outline(tiny(), {"simulated": True})
    assert [(s["role"], s["section"], s["notebook"]) for s in slides] == [
        ("title", "", ""), ("contents", "", ""), ("objectives", "objectives", ""),
        ("cells", "results", "02_b"),  # the notebook's own section
        ("cells", "barriers_buyers", "01_a"), ("cells", "barriers_buyers", "01_a"),
        ("cells", "indicators", "02_b"), ("cells", "meetings", "01_a"),
        ("cells", "other", "01_a"),  # declares nothing: after the results, before the method
        ("cells", "other", "02_b"),  # an unknown key
        ("method", "method", ""), ("closing", "", "")]
    buyers = slides[4]
    assert [c.source for c in buyers["cells"]] == ["## Les acheteurs citent d'abord le temps",
                                                  "Détail qui apparaît ensuite."]
    assert [c.source for c in buyers["notes"]] == ["Base : 25 acheteurs."]
    assert [s["stack"] for s in slides[4:6]] == ["slide", "subslide"]
    assert slides[1]["lines"] == [
        "1. Objectifs du GT et indicateurs retenus", "2. Résultats : qui a répondu, INNOV'EMBER",
        "3.1. Freins identifiés — côté acheteurs", "5. Indicateurs d'une année sur l'autre",
        "6. Rencontres entre l'offre et la demande", "Autres résultats", "7. Méthode, sources et statut des données"]
    assert spine.unknown_sections(tiny()) == [("02_b", 2, "barrieres")]


def test_sections_follow_the_restitution_and_are_numbered_as_in_it():
    assert spine.section_keys() == ["objectives", "results", "barriers_buyers", "barriers_companies", "comparison",
                                    "remedies", "indicators", "meetings", "other", "method"]
    assert spine.section_label("remedies") == "4. Leviers, solutions et plan d'action"
    assert spine.section_label("barriers_companies", "en") == "3.2. Barriers — companies' side"
    assert spine.section_label("nope") == "Autres résultats"


def test_generated_slides_say_the_data_status_the_waves_and_the_sources():
    info = {"simulated": False, "waves": [2017, 2018], "sources": ["Restitution, 2017", "acheteurs 2017 : a.csv"],
            "rule": "Règle des petits effectifs."}
    slides = {s["role"]: s for s in spine.outline([], info)}
    assert slides["title"]["lines"] == ["Vagues 2017 et 2018", "Données d'enquête"]
    assert slides["method"]["heading"] == "Deux enquêtes en ligne (vagues 2017 et 2018) ; chaque part dit sa base"
    assert "Statut des données : Données d'enquête." in slides["method"]["lines"]
    assert slides["method"]["lines"][-1] == "Règle des petits effectifs."
    assert slides["closing"]["lines"] == ["Restitution, 2017", "acheteurs 2017 : a.csv"]
    assert slides["objectives"]["lines"][0].startswith("Faire un état des lieux")
    assert "Intervalles de confiance de Wilson" in slides["method"]["lines"][1]
    other = {s["role"]: s for s in spine.outline([], {**info, "parameters": {"ci_method": "agresti_coull"}})}
    assert "Intervalles de confiance (agresti_coull)" in other["method"]["lines"][1]
    simulated = {s["role"]: s for s in spine.outline([], {"simulated": True})}
    assert simulated["method"]["heading"].startswith("Données simulées")


def html_sections(page: str) -> list[str]:
    """The ``data-section`` of every slide of a ``slides.html``, in order."""
    return re.findall(r'<div class="etude-slide" data-role="\w+" data-section="(\w*)"', page)


def test_slides_html_and_the_pptx_deck_have_the_same_slides_in_the_same_order():
    for notebooks in (tiny(), convention_notebooks()):
        page = report.slides_html(notebooks, simulated=True)
        described = deck.deck_slides(notebooks, {"simulated": True})
        assert html_sections(page) == [s["section"] for s in described]
        order = [spine.section_keys().index(k) for k in html_sections(page) if k]
        assert order == sorted(order)


def test_slides_html_shows_each_slide_s_section_and_stacks_a_subslide_under_its_slide():
    page = report.slides_html(tiny(), simulated=True)
    assert page.count('<p class="etude-kicker etude-section-label">3.1. Freins identifiés — côté acheteurs</p>') == 2
    stacked = re.search(r"<section>\n<section>\n<div class=\"etude-slide\" data-role=\"cells\" "
                        r"data-section=\"barriers_buyers\".*?</section>\n<section>\n<div class=\"etude-slide\" "
                        r"data-role=\"cells\" data-section=\"barriers_buyers\"", page, re.S)
    assert stacked, "the subslide is not stacked under its slide"
    assert '<div class="fragment">' in page and "Base : 25 acheteurs." in page


def test_every_slide_cell_of_the_study_notebooks_declares_a_known_section():
    notebooks = [(p.stem, nbformat.read(p, as_version=4)) for p in sorted(paths.root().glob("notebooks/*.ipynb"))]
    assert notebooks
    assert spine.unknown_sections(notebooks) == []
    for name, nb in notebooks:
        for k, cell in enumerate(nb.cells):
            if cell.metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide"):
                assert cell.metadata.get("etude", {}).get("section") in spine.SECTIONS, (name, k)


def test_a_repository_without_the_reference_table_has_no_objectives_slide(tmp_path, monkeypatch):
    (tmp_path / "data" / "reference").mkdir(parents=True)
    monkeypatch.setenv("ETUDE_ROOT", str(tmp_path))
    roles = [s["role"] for s in spine.outline(tiny(), {"simulated": True})]
    assert "objectives" not in roles and roles[:2] == ["title", "contents"] and roles[-2:] == ["method", "closing"]


#: A French word the English deck should not show (outside quotations of the restitution and proper names).
FRENCH = re.compile(r"«|»|\b(?:le|la|les|des|du|et|est|une|pour|dans|sur|avec|aux|pas|ou|vague|vagues)\b")


def test_the_generated_slides_speak_the_run_s_language():
    manifest = {"simulated": True, "inputs": [{"kind": "buyers", "wave": 2017, "path": "/x/acheteurs.csv"},
                                              {"kind": "companies", "wave": 2018, "path": "/x/entreprises.csv"}]}
    info = runinfo.run_info(manifest, lang="en")
    slides = spine.outline(tiny(), info)
    generated = [s for s in slides if s["role"] != "cells"]
    assert [s["heading"] for s in generated] == [
        "Innovation in public procurement in Hauts-de-France", "Contents",
        "In 2017 the working group set itself 3 objectives; its indicators: 27 buyers' and 90 companies' answers",
        "Simulated data: these slides show the method, not results to cite", "Thank you — sources"]
    assert generated[0]["lines"] == ["Waves 2017 and 2018", "Simulated data — do not cite"]
    assert generated[-1]["lines"][1:] == ["buyers 2017: acheteurs.csv", "companies 2018: entreprises.csv"]
    assert generated[2]["lines"][0].startswith("Take stock of innovative purchasing practices")
    source = reference.load_reference("gt_orcp_2017")["source"].iloc[0]  # a source is cited as written, with
    source = citation(source, "en")  # the language's quotation marks
    for slide in generated:
        for text in (slide["heading"], *slide["lines"], slide["notes_text"].replace(source, "")):
            assert not FRENCH.search(text), text
    assert all(not FRENCH.search(spine.section_label(k, "en")) for k in spine.SECTIONS)


def test_run_info_in_english():
    info = runinfo.run_info({"inputs": [{"kind": "buyers", "wave": 2017, "path": "a.csv"}]}, lang="en")
    assert info["title"] == runinfo.study_title("en") == "Innovation in public procurement in Hauts-de-France"
    assert info["sources"][0].startswith("Findings of the ORCP Hauts-de-France “Innovation & commande publique”")
    assert info["rule"].startswith("Statistical confidentiality: results for a group of fewer than 5")
    assert runinfo.status_line({"simulated": False, "lang": "en"}) == "Survey data"
    assert runinfo.waves_text({"waves": [2017, 2018, 2019], "lang": "en"}) == "waves 2017, 2018 and 2019"
    assert runinfo.waves_text({"waves": [2017]}) == "vague 2017"
