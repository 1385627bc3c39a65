"""What a large study (100,000 respondents) brings that the demo never does, each on a small explicit fixture
(issue 28 item 9): counts of a thousand and more in the reader's tables, numbers that are not finite or beyond
the 28 digits of :mod:`decimal`, tables of tens of thousands of rows in the report."""
import math

import pandas as pd
import pytest

from etude import words
from etude.publish import clip, formats, present, report
from etude.publish.present import tables

NNBSP = formats.NNBSP


@pytest.mark.parametrize("lang, expected", [("fr", f"50,0{NNBSP}% (2{NNBSP}000/4{NNBSP}000)"),
                                            ("en", "50.0% (2,000/4,000)")])
def test_a_share_of_thousands_of_respondents_is_written_not_parsed_again(lang, expected):
    """The 100,000-respondent study stopped notebook 03: « 2 000 », already formatted, was given to Babel again as
    the count of ``tables.share`` and raised ``decimal.InvalidOperation [ConversionSyntax]``."""
    assert tables._share(0.5, 4000, lang) == expected


def test_a_formatted_count_fills_a_plain_entry_as_it_is():
    assert words.text("tables.share", "fr", pct="1 %", count=f"1{NNBSP}234", n="x") == f"1 % (1{NNBSP}234/x)"
    assert words.text("common.respondent_count", "en", count=1234) == "1,234 respondents"


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, None, "abc"])
def test_a_number_that_is_not_finite_is_shown_as_missing(value):
    for lang in ("fr", "en"):
        shown = {formats.number(value, lang=lang), formats.pct(value, lang=lang), formats.points(value, lang=lang),
                 formats.pvalue(value, lang=lang), formats.euros(value, lang=lang),
                 formats.interval(0.1, value, lang=lang), formats.points_interval(value, 0.1, lang=lang)}
        assert shown == {formats.missing(lang)}


def test_a_large_finite_number_is_written_whole():
    """Babel rounds in decimal's context (28 digits): 1e30 raised InvalidOperation."""
    assert formats.number(1e30, lang="en") == "1" + ",000" * 10
    assert formats.number(2.5e40, 1).replace(NNBSP, "").startswith("25000000000000000")
    assert formats.pct(1e307) == formats.missing("fr")  # × 100 overflows: no number to show


def test_a_long_table_shows_its_first_rows_and_says_how_many_more_the_file_holds():
    table = pd.DataFrame({"Acheteur": [f"A{k}" for k in range(44_000)], "Créneau": 1})
    html = present.shown(table, simulated=True, title="Créneau 1").to_html()
    assert html.count("<tr") == clip.TABLE_ROWS_MAX + 1  # the head row and the first rows
    assert f"A{clip.TABLE_ROWS_MAX - 1}<" in html and f"A{clip.TABLE_ROWS_MAX}<" not in html
    assert f"… et 43{NNBSP}900 autres lignes, dans le fichier de la table (CSV) et le classeur" in html
    one_more = present.shown(table.head(clip.TABLE_ROWS_MAX + 1), simulated=False, lang="en").to_html()
    assert "… and 1 more row, in the table file (CSV) and the workbook" in one_more


def test_a_table_at_the_limit_is_shown_whole_without_a_sentence():
    table = pd.DataFrame({"n": range(clip.TABLE_ROWS_MAX)})
    html = present.shown(table, simulated=False).to_html()
    assert html.count("<tr") == clip.TABLE_ROWS_MAX + 1 and "autre" not in html


def test_a_slide_counts_the_rows_left_out_of_the_whole_table_not_of_the_rows_shown():
    table = pd.DataFrame({"Acheteur": [f"A{k}" for k in range(44_000)]})
    slide = report.limit_rows(present.shown(table, simulated=False).to_html())
    assert slide.count("<tr") == report.SLIDE_MAX_ROWS + 1
    assert f"… et 43{NNBSP}992 ligne(s) de plus" in slide


@pytest.mark.slow
def test_a_run_without_the_cache_hands_its_parse_to_its_kernels_and_removes_it(tmp_path):
    """``--no-cache``: the engine's pre-flight parse goes to its kernels through a folder of the run's own (not
    the cache), which is gone when the run ends."""
    import tempfile
    from pathlib import Path

    from etude import engine
    from etude.engine import kernel

    ok = Path(__file__).parent / "notebooks" / "01_ok.ipynb"
    result = engine.reproduce(engine.RunOptions(notebooks=[ok], out=tmp_path, use_cache=False, jobs=1))
    assert result.ok, result.errors
    assert not list(Path(tempfile.gettempdir()).glob(kernel.scratch_prefix(result.run_dir.name) + "*"))
    assert not (tmp_path / ".cache" / "studies").exists()
