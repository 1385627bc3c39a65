"""French number formats, checked by hand."""
import math

import pytest

from etude.publish import fmt

S = fmt.NNBSP


@pytest.mark.parametrize("x, decimals, expected", [
    (0.4814, 1, f"48,1{S}%"), (0, 1, f"0,0{S}%"), (1, 0, f"100{S}%"), (-0.05, 0, f"-5{S}%"),
    (0.375, 1, f"37,5{S}%"), (12.345, 1, f"1{S}234,5{S}%"),
])
def test_pct(x, decimals, expected):
    assert fmt.pct(x, decimals) == expected


@pytest.mark.parametrize("x, decimals, expected", [
    (1234, 0, f"1{S}234"), (1234567.891, 2, f"1{S}234{S}567,89"), (-1234.5, 1, f"-1{S}234,5"),
    (0, 0, "0"), (-0.0001, 0, "0"), (999, 0, "999"),
])
def test_number(x, decimals, expected):
    assert fmt.number(x, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), math.nan])
def test_missing_values_show_nd(missing):
    assert fmt.pct(missing) == "n.d."
    assert fmt.number(missing) == "n.d."


def test_points_pvalue_interval_euros():
    assert fmt.points(0.032) == f"+3,2{S}pts"
    assert fmt.points(-0.1) == f"-10,0{S}pts"
    assert fmt.points(0) == f"0,0{S}pt"
    assert fmt.pvalue(0.0234) == "0,023"
    assert fmt.pvalue(0.0004) == f"<{S}0,001"
    assert fmt.interval(0.2, 0.5) == f"[20,0{S}%{S}; 50,0{S}%]"
    assert fmt.euros(30000) == f"30{S}000{S}€"
