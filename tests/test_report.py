"""report: the pages a run assembles (here, what the engine converts ahead of the assembly)."""
from __future__ import annotations

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
    assert len(list(tmp_path.glob("*.html"))) == 1


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
