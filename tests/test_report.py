"""report: the pages a run assembles (here, what the engine converts ahead of the assembly)."""
from __future__ import annotations

import pytest
from deck_fixtures import convention_notebooks

from etude import report


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
