"""Indicator charts: gaps stay gaps, simulated data is labelled, slope charts show every item."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from etude.analysis import indicators as ind
from etude.analysis import waves
from etude.publish import plots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def line(values, *, series="s", indicator="i", status="published", simulated=False):
    return pd.DataFrame({"series": series, "indicator": indicator, "label_fr": "Volume", "period": list(values),
                         "value": [float(v) for v in values.values()], "unit": "Md€", "status": status,
                         "perimeter": "p", "simulated": simulated})


def _segments(ax):
    """x-extents of the drawn data lines with more than one point (the connecting segments)."""
    return [tuple(line.get_xdata()) for line in ax.get_lines() if len(line.get_xdata()) == 2]


def test_missing_years_are_gaps_not_lines():
    fig = plots.indicator_panels(line({"2012": 96.0, "2016": 72.2, "2017": 77.3}))
    ax = fig.axes[0]
    segments = [s for s in _segments(ax) if not all(x == s[0] for x in s)]  # skip vertical n.d. markers
    assert (2016.0, 2017.0) in segments
    assert not any(s[0] == 2012.0 for s in segments)          # nothing drawn from 2012 across 2013–2015
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("n.d.") == 3                          # 2013, 2014, 2015 marked as not available


def test_one_panel_per_line_and_simulated_caption():
    t = pd.concat([line({"2017": 27.0}, series="gt", indicator="n"),
                   line({"2018": 34.0}, series="gt", indicator="n", status="simulated", simulated=True),
                   line({"2016": 72.2, "2017": 77.3}, series="adcf", indicator="volume")])
    fig = plots.indicator_panels(t, options=plots.ChartOptions(ncols=2))
    assert len([a for a in fig.axes if a.get_visible()]) == 2
    assert "ne pas citer" in plots.figure_caption(fig)


def test_real_indicator_table_draws():
    t = ind.indicator_table(include_survey=False)
    fig = plots.indicator_panels(t, lines=ind.CONTEXT_LINES)
    assert len([a for a in fig.axes if a.get_visible()]) == len(ind.CONTEXT_LINES)


def test_slope_chart_has_one_line_per_item_and_says_why_no_test():
    cinov = waves.published_wave_changes()
    fig = plots.wave_slope_chart(cinov, title="CINOV")
    ax = fig.axes[0]
    assert len([line for line in ax.get_lines() if len(line.get_xdata()) == 2]) == len(cinov)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0].startswith("2023") and "plus de 300" in labels[0] and "845" in labels[1]
    assert "effectif" in plots.figure_caption(fig)


def test_slope_chart_rejects_an_empty_table():
    with pytest.raises(ValueError, match="vide"):
        plots.wave_slope_chart(waves.published_wave_changes().iloc[:0])


def test_house_fonts_and_caption():
    t = ind.indicator_table(include_survey=False)
    for fig in (plots.indicator_panels(t, lines=ind.CONTEXT_LINES[:2]),
                plots.wave_slope_chart(waves.published_wave_changes())):
        texts = [x for ax in fig.axes for x in ax.texts] + list(fig.texts)
        assert min(x.get_fontsize() for x in texts) >= plots.MIN_FONT
        assert plots.figure_caption(fig)


def test_simulated_slope_chart_says_so():
    t = waves.published_wave_changes().assign(simulated=True)
    assert "Données simulées — ne pas citer" in plots.figure_caption(plots.wave_slope_chart(t))
    assert "ne pas citer" not in plots.figure_caption(plots.wave_slope_chart(waves.published_wave_changes()))
