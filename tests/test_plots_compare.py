"""Mirror chart and forest plot (buyers versus companies): labels, bases, intervals, significance, captions."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from etude.analysis import compare  # noqa: E402
from etude.publish import plots, present
from etude.survey import codebook
from etude.survey.context import Context

BUYER_ITEMS = list(codebook.items("buyers")["code"])
COMPANY_ITEMS = list(codebook.items("companies")["code"])


def table(population, rows):
    codes = BUYER_ITEMS if population == "buyers" else COMPANY_ITEMS
    return pd.DataFrame({c: pd.array([(c in r) if r else None for r in rows], dtype="boolean") for c in codes})


@pytest.fixture
def populations():
    buyers = table("buyers", [{"b_temps"}] * 4 + [{"b_donnees", "b_juridique"}] * 3 + [{"b_soutien"}] * 3)
    companies = table("companies", [{"e_besoins"}] * 12 + [{"e_moyens", "e_delais"}] * 5 + [{"e_desinteret"}] * 3)
    return buyers, companies


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _prevalence(df, population):
    return present.label_themes(compare.theme_prevalence(df, population))


def _themes(*populations, **options):
    return present.label_themes(compare.compare_themes(*populations, **options))


def _bars(ax):
    return sorted((round(p.get_y() + p.get_height() / 2), round(p.get_width(), 6)) for p in ax.patches)


def test_mirror_chart_rows_bases_bars_and_intervals(populations):
    b, e = populations
    pb, pe = _prevalence(b, "buyers"), _prevalence(e, "companies")
    fig = plots.mirror_chart(pb, pe, options=plots.ChartOptions(wave=2017))
    left, right = fig.axes
    assert left.get_title(loc="left") == "Acheteurs publics (n\u202f=\u202f10)"
    assert right.get_title(loc="left") == "Entreprises innovantes (n\u202f=\u202f20)"
    labels = [t.get_text().replace("\n", " ") for t in left.get_yticklabels()]
    assert labels == list(pb["label"])  # one row per theme, codebook order; soutien last
    # Bars: buyers information 3/10, moyens 4/10, juridique 3/10, interet 0, soutien 3/10.
    assert _bars(left) == [(0, 0.3), (1, 0.4), (2, 0.3), (3, 0.0), (4, 0.3)]
    assert _bars(right) == [(0, 0.6), (1, 0.25), (2, 0.0), (3, 0.15)]
    assert left.xaxis_inverted() and not right.xaxis_inverted()
    # Whiskers are the Wilson bounds of the table.
    segs = [s for coll in left.collections for s in coll.get_segments()]
    ends = sorted((round(s[0][0], 6), round(s[1][0], 6)) for s in segs if s[0][1] == s[1][1])
    expected = sorted((round(lo, 6), round(hi, 6)) for lo, hi in zip(pb["ci_low"], pb["ci_high"]))
    assert ends == expected
    texts = [t.get_text() for t in right.texts]
    assert "thème absent\nde ce questionnaire" in texts and "60\u202f%" in texts


def test_mirror_chart_marks_each_share_and_base_it_draws_for_the_number_audit(populations):
    from etude.publish.marks import figure_marks
    b, e = populations
    fig = plots.mirror_chart(_prevalence(b, "buyers"), _prevalence(e, "companies"))
    drawn = [(m["population"], m["column"], m.get("item"), round(m["number"], 6)) for m in figure_marks(fig)]
    # buyers: information 3/10, moyens 4/10, juridique 3/10, interet 0, soutien 3/10, then the title's n = 10
    assert drawn[:6] == [("buyers", "pct", "information", 0.3), ("buyers", "pct", "moyens", 0.4),
                         ("buyers", "pct", "juridique", 0.3), ("buyers", "pct", "interet", 0.0),
                         ("buyers", "pct", "soutien", 0.3), ("buyers", "n_base", None, 10)]
    assert ("companies", "n_base", None, 20) in drawn and len(drawn) == 6 + 4 + 1  # soutien: no company item


def test_mirror_chart_caption_and_house_fonts(populations):
    b, e = populations
    fig = plots.mirror_chart(_prevalence(b, "buyers"), _prevalence(e, "companies"),
                             options=plots.ChartOptions(wave=2017))
    caption = plots.figure_caption(fig)
    assert "vague 2017" in caption and "Données simulées — ne pas citer" in caption and "Wilson" in caption
    sizes = [t.get_fontsize() for ax in fig.axes for t in ax.texts + ax.get_yticklabels() + ax.get_xticklabels()]
    assert min(sizes) >= plots.MIN_FONT
    real = plots.mirror_chart(_prevalence(b, "buyers"), _prevalence(e, "companies"),
                              options=plots.ChartOptions(simulated=False), lang="en")
    assert "Survey data" in plots.figure_caption(real) and "Simulated" not in plots.figure_caption(real)
    assert real.axes[0].get_title(loc="left").startswith("Public buyers")


def test_forest_plot_marks_adjusted_significance_and_non_comparable(populations):
    t = _themes(*populations)
    t.loc[t["theme"] == "juridique", ["p_adjusted", "diff_ci_low_adj", "diff_ci_high_adj"]] = [0.01, 0.02, 0.4]
    t.loc[t["theme"] == "moyens", "p_adjusted"] = 0.01  # below alpha, but its drawn interval crosses 0: not coloured
    assert t.loc[t["theme"] == "moyens", "diff_ci_low_adj"].iloc[0] < 0 < t.loc[t["theme"] == "moyens",
                                                                                "diff_ci_high_adj"].iloc[0]
    fig = plots.forest_plot(t, options=plots.ChartOptions(wave=2017))
    ax = fig.axes[0]
    assert [x.get_text().replace("\n", " ") for x in ax.get_yticklabels()] == list(t["label"])
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(dots) == 4  # soutien has no dot
    by_row = {int(round(d.get_ydata()[0])): d for d in dots}
    jur = int(np.flatnonzero(t["theme"] == "juridique")[0])
    assert by_row[jur].get_markerfacecolor() != "white"
    assert all(by_row[i].get_markerfacecolor() == "white" for i in by_row if i != jur)
    for i, d in by_row.items():  # dot at the difference, in points
        assert d.get_xdata()[0] == pytest.approx(t["diff"].iloc[i] * 100)
    texts = [x.get_text() for x in ax.texts]
    assert "non comparable" in texts
    assert "p aj.\u202f=\u202f0,010" in texts
    legend = [x.get_text() for x in ax.get_legend().get_texts()]
    assert legend == ["séparé : p ajustée < 0,05 et intervalle ajusté sans 0", "non séparé"]
    caption = plots.figure_caption(fig)
    assert "Newcombe" in caption and "Bonferroni" in caption and "Données simulées — ne pas citer" in caption


def test_forest_plot_symmetric_axis_covers_every_interval(populations):
    t = _themes(*populations, ctx=Context(padjust="fdr_bh"))
    fig = plots.forest_plot(t, padjust="fdr_bh", lang="en", options=plots.ChartOptions(simulated=False))
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    assert low == -high
    assert high >= 100 * np.nanmax(np.abs(t[["diff_ci_low", "diff_ci_high"]].to_numpy(dtype=float)))
    assert "Benjamini-Hochberg" in plots.figure_caption(fig)
    assert "not comparable" in [x.get_text() for x in ax.texts]


def test_charts_save_as_png_and_svg_with_text_kept(populations, tmp_path):
    from etude.publish import outputs
    fig = plots.forest_plot(_themes(*populations), options=plots.ChartOptions(wave=2017))
    with plots.style():
        png, svg = outputs.save_figure(fig, "ecarts", tmp_path)
    assert png.stat().st_size > 0
    assert "Données simulées" in svg.read_text(encoding="utf-8")


def test_bad_language_is_refused(populations):
    with pytest.raises(ValueError, match="fr, en"):
        plots.forest_plot(_themes(*populations), lang="de")
