"""Number formats in French and English, checked by hand."""
import math

import pytest

from etude.publish import formats

S = formats.NNBSP


@pytest.mark.parametrize("x, decimals, expected", [
    (0.4814, 1, f"48,1{S}%"), (0, 1, f"0,0{S}%"), (1, 0, f"100{S}%"), (-0.05, 0, f"-5{S}%"),
    (0.375, 1, f"37,5{S}%"), (12.345, 1, f"1{S}234,5{S}%"),
])
def test_pct(x, decimals, expected):
    assert formats.pct(x, decimals) == expected


@pytest.mark.parametrize("x, decimals, expected", [
    (1234, 0, f"1{S}234"), (1234567.891, 2, f"1{S}234{S}567,89"), (-1234.5, 1, f"-1{S}234,5"),
    (0, 0, "0"), (-0.0001, 0, "0"), (999, 0, "999"),
])
def test_number(x, decimals, expected):
    assert formats.number(x, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), math.nan])
def test_missing_values_show_nd(missing):
    assert formats.pct(missing) == "n.d."
    assert formats.number(missing) == "n.d."


def test_points_pvalue_interval_euros():
    assert formats.points(0.032) == f"+3,2{S}pts"
    assert formats.points(-0.1) == f"-10,0{S}pts"
    assert formats.points(0) == f"0,0{S}pt"
    assert formats.pvalue(0.0234) == "0,023"
    assert formats.pvalue(0.0004) == f"<{S}0,001"
    assert formats.interval(0.2, 0.5) == f"[20,0{S}%{S}; 50,0{S}%]"
    assert formats.euros(30000) == f"30{S}000{S}€"


@pytest.mark.parametrize("call, expected", [
    (lambda: formats.pct(0.4814, lang="en"), "48.1%"),
    (lambda: formats.number(1234567.891, 2, lang="en"), "1,234,567.89"),
    (lambda: formats.pvalue(1.0, lang="en"), "1.000"),
    (lambda: formats.pvalue(0.0004, lang="en"), "< 0.001"),
    (lambda: formats.interval(0.2, 0.5, lang="en"), "[20.0%, 50.0%]"),
    (lambda: formats.points(0.032, lang="en"), "+3.2\u00a0pp"),
    (lambda: formats.points_interval(-0.321, 0.05, lang="en"), "[-32.1\u00a0pp, +5.0\u00a0pp]"),
    (lambda: formats.euros(-1234.4, lang="en"), "-€1,234"),
    (lambda: formats.pct(None, lang="en"), "n/a"),
])
def test_english_numbers(call, expected):
    assert call() == expected


def test_rounding_is_python_s_then_babel_writes_it():
    # 0.4815 * 100 is 48.149999… in binary: 48,1 (Babel alone, on the decimal string, would give 48,2)
    assert formats.pct(0.4815) == f"48,1{S}%"
    assert formats.number(2.25, 1) == "2,2"  # half to even


def test_quotes_lists_dates():
    assert formats.quote("x") == "« x »" and formats.quote("x", "en") == "“x”"
    assert formats.join(["a", "b", "c"], "fr") == "a, b et c"
    assert formats.date("2017-11-20", lang="fr") == "20 novembre 2017"
