"""report: the pages a run assembles (here, what the engine converts ahead of the assembly)."""
from __future__ import annotations

import html
import re

import pytest
from deck_fixtures import convention_notebooks

from etude.publish import report


def test_prerendered_notebooks_make_the_same_pages_without_converting_again(tmp_path, monkeypatch):
    notebooks = convention_notebooks()
    expected = (report.report_html(notebooks, simulated=True), report.slides_html(notebooks, simulated=True))
    cache = tmp_path / "html"
    for name, nb in notebooks:  # as the engine does when each notebook ends
        report.prerender(name, nb, cache_dir=cache, slide_nb=nb)
    assert len(list(cache.glob("*.html"))) > len(notebooks)  # sections and slide cells

    def no_conversion(with_code):
        raise AssertionError("converted again")
    monkeypatch.setattr(report, "_exporter", no_conversion)
    made = (report.report_html(notebooks, simulated=True, cache_dir=cache),
            report.slides_html(notebooks, simulated=True, cache_dir=cache))
    assert made == expected


def test_prerender_without_slides_converts_only_the_report_section(tmp_path, monkeypatch):
    name, nb = convention_notebooks()[0]
    report.prerender(name, nb, cache_dir=tmp_path)
    monkeypatch.setattr(report, "_exporter", lambda with_code: pytest.fail("converted again"))
    report.report_html([(name, nb)], cache_dir=tmp_path)
    # one conversion per part of the notebook the report places in a section (issue 29 item 1: the report
    # follows the deck's outline), none for its slides
    from etude.publish import spine
    assert len(list(tmp_path.glob("*.html"))) == len({str(p["cells"]) for p in spine.notebook_parts(name, nb)})


def test_an_image_is_embedded_by_its_src_attribute_only(tmp_path):
    (tmp_path / "figures").mkdir()
    for name in ("a", "b", "c"):
        (tmp_path / "figures" / f"{name}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + name.encode() * 20)
    body = ('<img data-src="figures/a.png" src="figures/b.png"><IMG/SRC=\'figures/c.png\'>'
            '<img alt="voir src=\'figures/a.png\'" src="https://exemple.org/x.png">')
    out = report._embed_local_images(body, [tmp_path])
    import base64

    def uri(name):
        return "data:image/png;base64," + base64.b64encode((tmp_path / "figures" / f"{name}.png").read_bytes()).decode()
    assert f'src="{uri("b")}"' in out and f"SRC='{uri('c')}'" in out
    assert uri("a") not in out and 'data-src="figures/a.png"' in out  # data-src and text in alt: not sources
    assert 'src="https://exemple.org/x.png"' in out


def test_a_notebook_converts_with_its_images_put_back_as_they_were():
    import nbformat
    png = "iVBORw0KGgo" + "A" * 4000 + "\n"
    out = nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})
    cell = nbformat.v4.new_code_cell("fig", outputs=[out])
    nb = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_markdown_cell("texte etude0000img0")])
    body = report._render(nb, with_code=False, lang="fr")
    assert f'src="data:image/png;base64,{png}"' in body  # exactly the notebook's data
    assert "texte etude0000img0" in body  # text that looks like a token stays text
    assert nb.cells[0].outputs[0]["data"]["image/png"] == png  # the notebook given is not changed


def test_a_chart_shown_as_html_converts_with_its_svg_put_back_as_it_was():
    import nbformat

    from etude.publish import outputs
    svg = b'<svg width="72pt" height="36pt">' + b"<g/>" * 500 + b"</svg>"
    page = outputs.figure_html(svg, alt="Freins")
    out = nbformat.v4.new_output("display_data", data={"text/html": page, "text/plain": "<graphique>"},
                                 metadata={outputs.FIGURE_KEY: "freins"})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("fig", outputs=[out])])
    light, aside, _ = report._set_aside_images(nb)
    assert len(aside) == 1 and len(light.cells[0].outputs[0]["data"]["text/html"]) < 200  # set aside for nbconvert
    body = report._render(nb, with_code=False, lang="fr")
    import base64
    import re
    tag = re.search(r"<img [^>]*>", body).group(0)  # nbconvert writes the tag again, attributes sorted
    assert f'src="data:image/svg+xml;base64,{base64.b64encode(svg).decode()}"' in tag  # the same bytes
    assert 'width="100"' in tag and 'alt="Freins"' in tag  # its size and alternative text
    assert nb.cells[0].outputs[0]["data"]["text/html"] == page


#: A French word a page in English should not show (outside quotations of the restitution and proper names).
FRENCH = re.compile(r"«|»|\b(?:le|la|les|des|du|et|est|une|pour|dans|sur|avec|aux|pas|ou|vague|ligne|Données)\b")
#: The modules that write the deliverables' frame: their words are the catalogue's.
DELIVERABLES = ("publish/report.py", "publish/spine.py", "publish/deck.py", "publish/runinfo.py", "publish/pdf.py",
                "publish/assemble.py", "publish/reading.py", "publish/present/wave_notes.py",
                "publish/present/confidentiality.py", "survey/wavesel.py", "survey/reference.py",
                "safety/disclosure.py", "safety/recovery.py", "safety/audit.py")


def _frame(page: str) -> str:
    """What a reader reads of a page's own frame (no style, no script), as text."""
    text = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def test_the_pages_speak_the_run_s_language():
    notebooks = convention_notebooks()
    page = report.report_html(notebooks, lang="en", simulated=True, statuses={notebooks[0][0]: "failed"},
                              subtitle="Run r1")
    assert '<html lang="en">' in page and ">Contents</h2>" in page and "Study report" in page
    assert "Simulated data — do not cite" in page and "(failed)" in page and "Produced by etude" in page
    frame = _frame(page.split("<ol>")[0] + page.split("</main>")[-1])  # all but the notebooks' own headings
    assert not FRENCH.search(frame), FRENCH.search(frame)
    slides = report.slides_html(notebooks, lang="en", simulated=True)
    assert ">Contents</h2>" in slides and "Thank you for your attention!" in slides


def test_a_long_table_on_a_slide_says_how_many_rows_are_left_out_in_the_reader_s_language():
    table = "<table><tbody>" + "<tr><td>1</td></tr>" * 1005 + "</tbody></table>"
    assert "… et 1\u202f000 ligne(s) de plus" in report.limit_rows(table, 5)
    assert "… and 1,000 more row(s): see the report and the tables workbook." in report.limit_rows(table, 5,
                                                                                                   lang="en")


@pytest.mark.parametrize("module", DELIVERABLES)
def test_the_deliverables_hold_no_word_table_and_no_language_test(module):
    """Words come from the catalogue: no ``{"fr": …, "en": …}`` table and no ``lang == "…"`` branch."""
    import ast

    from etude import paths
    tree = ast.parse((paths.root() / "src" / "etude" / module).read_text(encoding="utf-8"))
    tables = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Dict)
              and {"fr", "en"} <= {k.value for k in n.keys if isinstance(k, ast.Constant)}]
    tests = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Compare)
             and all(isinstance(op, (ast.Eq, ast.NotEq)) for op in n.ops)
             and any(isinstance(x, ast.Name) and x.id == "lang" for x in (n.left, *n.comparators))
             and any(isinstance(x, ast.Constant) and isinstance(x.value, str) for x in (n.left, *n.comparators))]
    assert not tables and not tests, (tables, tests)
