"""The deck's spine: sections in the restitution's order, one description for slides.html and slides.pptx."""
from __future__ import annotations

import re

import english_scan as es
import nbformat
from deck_fixtures import NOTES, SLIDE, SUBSLIDE, convention_notebooks, in_section

from etude import paths
from etude.publish import deck, report, runinfo, spine

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


def roles(slides) -> list[tuple[str, str, str]]:
    return [(s["role"], s["section"], s["notebook"]) for s in slides]


def test_outline_follows_the_restitution_then_the_study_s_additions():
    slides = spine.outline(tiny(), {"simulated": True})
    assert roles(slides) == [
        ("title", "", ""), ("contents", "", ""), ("objectives", "objectives", ""),
        ("text", "results", ""), ("text", "results", ""), ("text", "results", ""),  # sub-groups, INNOV'EMBER, report
        ("cells", "results", "02_b"),  # the notebook's own section
        ("cells", "barriers_buyers", "01_a"), ("cells", "barriers_buyers", "01_a"),
        ("text", "barriers_buyers", ""),  # « Pour y remédier » and the quotation, after the barriers
        ("text", "barriers_companies", ""),
        ("text", "solutions", ""), ("text", "solutions", ""),  # the 9 solutions, whole, on two slides
        ("cells", "indicators", "02_b"), ("cells", "meetings", "01_a"),
        ("cells", "other", "01_a"),  # declares nothing: with the study's additions, before the method
        ("cells", "other", "02_b"),  # an unknown key
        ("method", "method", ""), ("sources", "sources", ""), ("closing", "", "")]
    buyers = slides[7]
    assert [c.source for c in buyers["cells"]] == ["## Les acheteurs citent d'abord le temps",
                                                  "Détail qui apparaît ensuite."]
    assert [c.source for c in buyers["notes"]] == ["Base : 25 acheteurs."]
    assert [s["stack"] for s in slides[7:9]] == ["slide", "subslide"]
    assert slides[1]["lines"] == [
        "1. Objectifs 2017 du GT et indicateurs retenus", "2. Résultats du GT en 2017",
        "3.1. Freins identifiés — côté acheteurs", "3.2. Freins identifiés — côté entreprises",
        "4. Solutions retenues pour lever ces freins", "6.3. Apport de l'étude : vagues et indicateurs",
        "6.5. Apport de l'étude : préparer les rencontres", "6.6. Apport de l'étude : autres résultats",
        "7. Méthode et limites", "8. Sources"]
    assert spine.unknown_sections(tiny()) == [("02_b", 2, "barrieres")]
    assert all(s["notes_text"] for s in slides if s["role"] != "cells")  # speaker notes on every generated slide


def test_the_restitution_s_results_remedies_and_solutions_are_said_in_words():
    slides = spine.outline([], {"simulated": True})
    texts = {s["heading"]: s["lines"] for s in slides}
    assert "Le GT a mis en place 4 sous-groupes thématiques" in texts
    assert "Sensibiliser les entreprises innovantes à l'achat public — NFID et LilleisFrenchTech" in \
        texts["Le GT a mis en place 4 sous-groupes thématiques"]
    event = "INNOV'EMBER, le 20 novembre 2017 : 350 personnes présentes, 70 entreprises innovantes"
    assert event in texts  # as text, not two dots on a chart
    assert texts[event][0].startswith("À Euratechnologies, Lille : amener les acheteurs")
    assert texts["Un rapport sur commande en guise d'état des lieux"][:2] == [
        "« L'innovation dans la commande publique » [dans les Hauts-de-France]",
        "Niels Braley, Sciences Po Lille, 2017"]
    remedies = texts["Côté acheteurs, pour y remédier : Soutien hiérarchique et Professionnalisation"]
    assert remedies == ["« L'innovation, on n'en a pas besoin ! », entendu par le GT en 2017"]
    assert any(h.startswith("Côté entreprises, pour y remédier : ") for h in texts)
    solutions = [x for s in slides if s["section"] == "solutions" for x in s["lines"]]
    assert [x.split(".")[0] for x in solutions[:9]] == [str(k) for k in range(1, 10)]
    assert not any("…" in x for x in solutions)  # all 9, whole
    assert solutions[-1] == "Maintien de la dynamique impulsée par INNOVEMBER"


def test_a_slide_marked_remedies_comes_after_the_restitution_s_remedies():
    cells = [md("## Les freins des acheteurs", in_section(SLIDE, "barriers_buyers")),
             md("## 70 % citent la professionnalisation",
                {**SLIDE, "etude": {"section": "barriers_buyers", "remedies": True}}),
             md("## Par type d'acheteur", in_section(SLIDE, "barriers_buyers"))]
    slides = [s for s in spine.outline([("06_x", nbformat.v4.new_notebook(cells=cells))], {})
              if s["section"] == "barriers_buyers"]
    assert [s.get("heading") or s["cells"][0].source for s in slides] == [
        "## Les freins des acheteurs", "Côté acheteurs, pour y remédier : Soutien hiérarchique et Professionnalisation",
        "## 70 % citent la professionnalisation", "## Par type d'acheteur"]


def test_l_essentiel_gathers_the_headings_of_the_cells_marked_essential_first():
    essential = {**SLIDE, "etude": {"section": "barriers_buyers", "essential": True}}
    cells = [md(f"## Constat {k}", essential) for k in range(1, 8)] + [md("## Pas essentiel", SLIDE)]
    slides = spine.outline([("02_x", nbformat.v4.new_notebook(cells=cells))], {"simulated": True})
    assert [s["role"] for s in slides[:3]] == ["title", "essential", "contents"]
    assert slides[1]["heading"] == "L'essentiel"
    assert slides[1]["lines"] == [f"Constat {k}" for k in range(1, 6)]  # five at most
    assert spine.cell_heading(nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/markdown": "## Calculé : 48 %"})])) == "Calculé : 48 %"
    # a computed heading is escaped Markdown (present.heading); the list repeats it as it reads, once escaped
    from etude.publish import present
    shown = present.heading("Acheteurs publics : trop peu de répondants (< 5) & *rien* publié")
    assert spine.cell_heading(nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/markdown": shown.data})])) == \
        "Acheteurs publics : trop peu de répondants (< 5) & *rien* publié"


def test_the_title_slide_names_the_meeting_and_the_command_line_wins():
    info = {"simulated": False, "waves": [2017, 2018],
            "meeting": {"name": "GT Innovation — séance du 12 mars 2018", "date": "2018-03-12", "place": "Lille",
                        "presenter": "Le rapporteur du sous-groupe « Évaluer »",
                        "organisations": ["DIRECCTE", "PFRA"], "contacts": ["contact@example.org"]},
            "meeting_given": {"place": "Arras", "name": ""}}
    slides = {s["role"]: s for s in spine.outline([], info)}
    assert slides["title"]["heading"] == "GT Innovation — séance du 12 mars 2018"
    assert slides["title"]["lines"] == ["12 mars 2018 · Arras", "Le rapporteur du sous-groupe « Évaluer »",
                                        "DIRECCTE et PFRA", runinfo.study_title(), "Vagues 2017 et 2018"]
    assert slides["closing"]["lines"] == ["Pour toute information :", "contact@example.org"]
    bare = {s["role"]: s for s in spine.outline([], {"simulated": True})}
    assert bare["title"]["heading"] == runinfo.study_title() and bare["closing"]["lines"] == []


def test_sections_follow_the_restitution_and_are_numbered_as_in_it():
    assert spine.section_keys() == ["objectives", "results", "barriers_buyers", "barriers_companies", "solutions",
                                    "objectives_next", "comparison", "remedies", "indicators", "decp", "meetings",
                                    "other", "method", "sources"]
    assert spine.section_label("objectives_next") == "5. Objectifs retenus pour l'année suivante"
    assert spine.section_label("barriers_companies", "en") == "3.2. Barriers — companies' side"
    assert spine.section_label("nope") == "6.6. Apport de l'étude : autres résultats"


def test_generated_slides_say_what_the_data_are_and_cite_the_sources_as_a_reader_does():
    info = {"simulated": False, "waves": [2017, 2018], "sources": ["Restitution, 2017", "acheteurs 2017 : a.csv"],
            "rule": "Règle des petits effectifs."}
    slides = {s["role"]: s for s in spine.outline([], info)}
    assert slides["title"]["lines"] == ["Vagues 2017 et 2018"]
    assert slides["method"]["heading"] == "Deux enquêtes en ligne (vagues 2017 et 2018) ; chaque part dit sa base"
    assert slides["method"]["lines"][0].startswith("Les réponses sont celles des questionnaires en ligne du GT")
    assert slides["method"]["lines"][-1] == "Règle des petits effectifs."
    assert "intervalles de confiance de Wilson" in slides["method"]["lines"][2]
    assert slides["method"]["lines"][2].startswith("Échantillons volontaires")  # issue 26.6: the samples come first
    sources = slides["sources"]["lines"]
    for organisation in ("OECP", "AdCF", "CINOV", "Sciences Po Lille", "DECP"):
        assert any(organisation in x for x in sources), organisation
    assert not any(re.search(r"\.(csv|xlsx)\b", x) for x in sources)  # no file name
    assert sources[-1] == "Enquêtes du GT auprès des acheteurs publics et des entreprises innovantes (vagues 2017 " \
                          "et 2018)"
    assert slides["objectives"]["lines"][0].startswith("Faire un état des lieux")
    other = {s["role"]: s for s in spine.outline([], {**info, "parameters": {"ci_method": "agresti_coull"}})}
    assert "intervalles de confiance (agresti_coull)" in other["method"]["lines"][2]
    simulated = {s["role"]: s for s in spine.outline([], {"simulated": True})}
    assert simulated["method"]["heading"].startswith("Données simulées")


def test_a_real_study_never_says_simulated():
    info = {"simulated": False, "waves": [2024], "lang": "fr"}
    for lang in ("fr", "en"):
        for slide in spine.outline(tiny(), {**info, "lang": lang}):
            text = " ".join([slide.get("heading") or "", *slide.get("lines", []), slide.get("notes_text") or ""])
            assert not re.search(r"simul", text, re.I), text
        page = report.slides_html(tiny(), simulated=False, lang=lang, info=info)
        assert not re.search(r"simul", es_text(page), re.I)


def es_text(page: str) -> str:
    """The text of a page (tags, styles and scripts left out)."""
    page = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", page)
    return re.sub(r"<[^>]+>", " ", page)


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
    assert page.count('<p class="etude-kicker etude-section-label">3.1. Freins identifiés — côté acheteurs</p>') == 3
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
    assert "objectives" not in roles and roles[:2] == ["title", "contents"]
    assert roles[-3:] == ["method", "sources", "closing"]


#: A French word the English deck should not show (outside quotations of the restitution and proper names).
FRENCH = re.compile(r"«|»|\b(?:le|la|les|des|du|et|est|une|pour|dans|sur|avec|aux|pas|ou|vague|vagues)\b")


def test_the_generated_slides_speak_the_run_s_language():
    manifest = {"simulated": True, "inputs": [{"population": "buyers", "wave": 2017, "path": "/x/acheteurs.csv"},
                                              {"population": "companies", "wave": 2018, "path": "/x/entreprises.csv"}]}
    info = runinfo.run_info(manifest, lang="en")
    slides = spine.outline(tiny(), info)
    generated = {s["role"]: s for s in slides if s["role"] != "cells"}
    assert generated["title"]["heading"] == "Innovation in public procurement in Hauts-de-France"
    assert generated["contents"]["heading"] == "Contents"
    assert generated["objectives"]["heading"] == ("The working group set itself 3 objectives in 2017; indicators: "
                                                  "27 buyers' and 90 companies' answers")
    assert generated["method"]["heading"] == "Simulated data: these slides show the method, not results to cite"
    assert generated["closing"]["heading"] == "Thank you for your attention!"
    assert generated["title"]["lines"] == ["Waves 2017 and 2018"]
    assert generated["sources"]["lines"][-1] == ("The working group's surveys of public buyers and innovative "
                                                 "companies (waves 2017 and 2018)")  # simulated: said once, in method
    assert generated["objectives"]["lines"][0].startswith("Take stock of innovative purchasing practices")
    texts = [x for s in slides if s["role"] != "cells" for x in (s["heading"], *s["lines"], s["notes_text"])]
    if list((paths.shared_dir() / "seeds").glob("*.txt")):  # the restitution's own words may stay, quoted
        assert [f for x in texts for f in es.french_in(x)] == []
    assert all(not FRENCH.search(spine.section_label(k, "en")) for k in spine.SECTIONS)


def test_run_info_in_english():
    info = runinfo.run_info({"inputs": [{"population": "buyers", "wave": 2017, "path": "a.csv"}]}, lang="en")
    assert info["title"] == runinfo.study_title("en") == "Innovation in public procurement in Hauts-de-France"
    assert info["sources"][0].startswith("Findings of the ORCP Hauts-de-France “Innovation & commande publique”")
    assert info["rule"].startswith("Statistical confidentiality: results for a group of fewer than 5")
    assert runinfo.status_line({"simulated": False, "lang": "en"}) == "Survey data"
    assert runinfo.waves_text({"waves": [2017, 2018, 2019], "lang": "en"}) == "waves 2017, 2018 and 2019"
    assert runinfo.waves_text({"waves": [2017]}) == "vague 2017"
