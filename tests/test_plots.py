"""Charts: labels, titles, captions, fonts and layout checked as text and boxes, not pixels."""
import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from etude.analysis import stats  # noqa: E402
from etude.errors import ParameterError  # noqa: E402
from etude.publish import outputs, plots
from etude.survey.context import Context

S = "\u202f"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bool(values):
    return pd.array(values, dtype="boolean")


@pytest.fixture
def buyers():
    """8 buyers: 6 cite b_financier, 3 b_temps, 1 b_desinteret; 2 État, 6 collectivités."""
    return pd.DataFrame({
        "population": "buyers",
        "buyer_type": pd.Categorical(["etat"] * 2 + ["collectivite"] * 6),
        "b_temps": _bool([True] * 3 + [False] * 5),
        "b_financier": _bool([True] * 6 + [False] * 2),
        "b_desinteret": _bool([False] * 7 + [True]),
    })


def _labels(ax):
    return [t.get_text() for t in ax.get_yticklabels()]


def _texts(fig):
    out = [fig._suptitle] if fig._suptitle is not None else []
    out += list(fig.texts)
    for ax in fig.axes:
        out += [ax.title, ax._left_title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        out += [t for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text()]
        if ax.get_legend():
            out += ax.get_legend().get_texts()
    return [t for t in out if t is not None and t.get_text()]


def test_ranked_bars_short_labels_n_in_title_and_caption(buyers):
    table = stats.frequencies(buyers, ["b_temps", "b_financier", "b_desinteret"])
    fig = plots.frequency_chart(table, options=plots.ChartOptions(wave=2017))
    ax = fig.axes[0]
    assert _labels(ax) == ["Freins financiers", "Manque de temps", "Désintérêt"]  # most cited on top
    assert ax.get_title(loc="left") == f"Freins cités — Acheteurs publics (n{S}={S}8)"
    caption = plots.figure_caption(fig)
    assert caption.startswith("Source : enquêtes du GT « Innovation & commande publique » (ORCP Hauts-de-France), "
                              "vague 2017.")
    assert "Données simulées — ne pas citer." in caption
    assert "intervalle de confiance à 95 % (Wilson)" in caption
    values = [t.get_text() for t in ax.texts]
    assert values == [f"75{S}%  a", f"38{S}%  a", f"12{S}%  a"]  # 8 buyers: the paired tests separate no pair
    # whiskers: one error bar per item, from the Wilson bounds
    segments = ax.collections[0].get_segments()
    assert [tuple(round(x, 6) for x in (s[0][0], s[1][0])) for s in segments] == [
        tuple(round(x, 6) for x in pair) for pair in zip(table["ci_low"], table["ci_high"])]


def test_a_levers_chart_caption_speaks_of_items_not_barriers():
    table = pd.DataFrame({"item": ["lev_professionnalisation", "lev_hierarchie"], "n_base": [4, 4],
                          "count": [2, 2], "pct": [0.5, 0.5], "ci_low": [0.15, 0.15], "ci_high": [0.85, 0.85],
                          "rank": [1, 1], "letters": ["a", "a"]})
    fig = plots.frequency_chart(table, title="Leviers cités", population="buyers",
                                options=plots.ChartOptions(wave=2021))
    caption = plots.figure_caption(fig)
    assert "deux items qui partagent une lettre ne sont pas séparés" in caption  # the letters read for any question
    assert [t.get_text() for t in fig.axes[0].texts] == [f"50{S}%  a", f"50{S}%  a"]
    assert "frein" not in caption.lower()  # a levers chart never calls its items barriers


def test_english_labels_and_real_data_status(buyers):
    table = stats.frequencies(buyers, ["b_temps", "b_financier"], ctx=Context(alpha=0.1, ci_method="jeffreys"))
    fig = plots.frequency_chart(table, lang="en",
                                options=plots.ChartOptions(simulated=False, source="GT survey", wave=2018))
    assert _labels(fig.axes[0]) == ["Financial barriers", "No time"]
    assert fig.axes[0].get_title(loc="left").startswith("Barriers cited — Public buyers")
    caption = plots.figure_caption(fig)
    assert caption.startswith("Source: GT survey, wave 2018. Survey data.")
    assert "90% confidence interval (Jeffreys)" in caption and "simul" not in caption.lower()
    assert fig.axes[0].texts[0].get_text() == "75%  a"  # the share, then its letters (paired tests)


def test_every_text_is_large_and_tick_labels_do_not_overlap(buyers):
    codes = ["b_temps", "b_financier", "b_desinteret"]
    for fig in (plots.frequency_chart(stats.frequencies(buyers, codes)),
                plots.grouped_frequency_chart(stats.frequencies(buyers, codes, by="buyer_type"), "buyer_type"),
                plots.profile_chart(stats.profile(buyers, "buyer_type"), "buyer_type")):
        fig.canvas.draw()
        assert min(t.get_fontsize() for t in _texts(fig)) >= plots.MIN_FONT
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            boxes = [t.get_window_extent(renderer) for t in ax.get_yticklabels() if t.get_text()]
            assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))
            xboxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
            assert not any(a.overlaps(b) for a, b in itertools.combinations(xboxes, 2))


def test_colours_are_okabe_ito(buyers):
    fig = plots.frequency_chart(stats.frequencies(buyers, ["b_temps"]))
    bar = fig.axes[0].patches[0]
    assert matplotlib.colors.to_hex(bar.get_facecolor()).upper() == plots.OKABE_ITO["blue"]
    assert set(plots.PALETTE) <= set(plots.OKABE_ITO.values())


def test_grouped_chart_panels_name_group_and_base_and_hide_suppressed_groups():
    t = pd.DataFrame({"population": "companies",
                      "size_class": pd.Categorical(["micro"] * 6 + ["ge"] * 2, categories=["micro", "pme", "ge"]),
                      "e_moyens": _bool([True] * 3 + [False] * 3 + [True, False]),
                      "e_delais": _bool([True] + [False] * 5 + [True, True])})
    table = stats.suppress_small(stats.frequencies(t, ["e_moyens", "e_delais"], by="size_class"),
                                 population="companies", merge=False, secondary=False)  # primary only
    fig = plots.grouped_frequency_chart(table, "size_class", options=plots.ChartOptions(wave=2017))
    micro, ge = fig.axes[:2]
    assert micro.get_title(loc="left") == f"Microentreprise (moins de 10\nsalariés) (n{S}={S}6)"
    assert f"n{S}=" not in ge.get_title(loc="left")  # a suppressed group publishes no base
    assert _labels(micro) == ["Manque de moyens", "Délais de paiement"]
    assert not ge.patches and [x.get_text() for x in ge.texts] == ["Moins de 5 répondants :\nrésultats non publiés"]
    assert fig._suptitle.get_text() == (f"Freins cités — Entreprises innovantes par taille de l'entreprise "
                                        f"(n{S}={S}6)")
    assert "Données simulées — ne pas citer" in plots.figure_caption(fig)


def test_a_dodged_chart_says_nd_where_a_group_withholds_a_share_never_an_empty_bar_read_as_zero():
    # three groups of 6 to 8 buyers; « autre » (6) never cites b_desinteret: 0 % in a group under 10, withheld
    t = pd.DataFrame({"population": "buyers", "wave": 2018, "group": "buyer_type",
                      "group_value": ["etat"] * 2 + ["collectivite"] * 2 + ["autre"] * 2,
                      "item": ["b_temps", "b_desinteret"] * 3, "n_base": [8, 8, 7, 7, 6, 6],
                      "count": [4, 2, 3, 1, 3, None], "pct": [.5, .25, 3 / 7, 1 / 7, .5, None],
                      "ci_low": .1, "ci_high": .9, "suppressed": [False] * 5 + [True]})
    fig = plots.grouped_frequency_chart(t, "group_value")
    ax = fig.axes[0]
    assert [x.get_text() for x in ax.texts] == ["n.d."]
    assert ax.texts[0].get_position()[1] == 1  # on the row of b_desinteret, beside its longest published bar
    assert "n.d. : part non publiée (secret statistique), pas une part nulle." in plots.figure_caption(fig)
    plt.close(fig)
    fig = plots.grouped_frequency_chart(t.assign(count=[4, 2, 3, 1, 3, 1], pct=[.5, .25, 3 / 7, 1 / 7, .5, 1 / 6],
                                                 suppressed=False), "group_value")
    assert not fig.axes[0].texts and "pas une part nulle" not in plots.figure_caption(fig)
    plt.close(fig)


def test_profile_chart_labels_counts_and_suppression():
    t = pd.DataFrame({"population": "companies", "wave": [2017] * 6 + [2018] * 2,
                      "size_class": ["micro"] * 5 + ["ge"] + ["micro"] * 2})
    p = stats.suppress_small(stats.profile(t, "size_class", by_wave=True), merge=False, secondary=False)
    fig = plots.profile_chart(p, "size_class", population="companies")
    ax = fig.axes[0]
    assert _labels(ax) == ["Microentreprise (moins de 10\nsalariés)", "Grande entreprise (5 000\nsalariés et plus)"]
    assert [x.get_text() for x in ax.texts] == [f"5 (83{S}%)", f"<{S}5", f"<{S}5"]
    assert [x.get_text() for x in ax.get_legend().get_texts()] == [f"2017 (n{S}={S}6)", f"2018 (n{S}={S}2)"]
    assert "vagues 2017, 2018" in plots.figure_caption(fig)
    with pytest.raises(ParameterError, match="attributs présents : size_class"):
        plots.profile_chart(p, "segment")


def test_english_charts_write_english_words_and_numbers():
    t = pd.DataFrame({"population": "companies", "wave": [2017] * 6 + [2018] * 1200,
                      "size_class": ["micro"] * 5 + ["ge"] + ["micro"] * 1200})
    p = stats.suppress_small(stats.profile(t, "size_class", by_wave=True), merge=False, secondary=False)
    fig = plots.profile_chart(p, "size_class", population="companies", lang="en")
    ax = fig.axes[0]
    assert [x.get_text() for x in ax.texts] == ["5 (83%)", f"<{S}5", "1,200 (100%)"]
    assert [x.get_text() for x in ax.get_legend().get_texts()] == [f"2017 (n{S}={S}6)", f"2018 (n{S}={S}1,200)"]
    assert ax.get_legend().get_title().get_text() == "Wave" and ax.get_xlabel() == "Count"
    assert ax.get_title(loc="left") == "Respondents — company size"
    assert "waves 2017, 2018" in plots.figure_caption(fig)
    slope = plots.wave_slope_chart(pd.DataFrame({
        "label": ["Cost"], "wave_from": 2023, "wave_to": 2024, "share_from": [0.542], "share_to": [0.60],
        "diff": [0.058], "n_from": [float("nan")], "n_from_text": ["more than 300"], "n_to": [1845],
        "p_value": [0.01]}), lang="en")
    texts = [x.get_text() for x in slope.axes[0].texts]
    assert texts[1] == "60%  (+5.8\u00a0pp)" and texts[0].endswith("54%")
    assert [x.get_text() for x in slope.axes[0].get_xticklabels()] == ["2023\nn: more than 300",
                                                                       f"2024\nn{S}={S}1,845"]
    assert "significant at the 5% level (unadjusted)" in plots.figure_caption(slope)


def test_no_chart_word_is_written_in_the_code():
    # every word of a chart comes from the catalogue (etude.words, area plots): no table by language is left
    from pathlib import Path
    for path in Path(plots.__file__).parent.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert 'lang == "' not in source and '"en": {' not in source and '"fr": {' not in source, path.name


def test_saved_as_png_and_svg_with_the_caption_as_text(tmp_path, buyers):
    fig = plots.frequency_chart(stats.frequencies(buyers, ["b_temps"]), options=plots.ChartOptions(wave=2017))
    with plots.style():  # SVG text stays text (searchable, scanned by the privacy audit)
        png, svg = outputs.save_figure(fig, "freins_test", tmp_path)
    assert png.stat().st_size > 1000 and png.read_bytes()[:4] == b"\x89PNG"
    assert "Données simulées — ne pas citer" in svg.read_text(encoding="utf-8")


def test_style_helpers_for_other_charts():
    assert plots.caption_text(wave=2018, simulated=False) == ("Source : enquêtes du GT « Innovation & commande "
                                                              "publique » (ORCP Hauts-de-France), vague 2018. "
                                                              "Données d'enquête.")
    assert plots.title_with_n("Thèmes", None) == "Thèmes"
    assert plots.wrap_label("Pas de définition pratique de l'innovation", 20).count("\n") == 2
    with plots.style():
        fig, ax = plt.subplots()
        assert plt.rcParams["axes.titlesize"] >= plots.MIN_FONT
    caption = plots.add_caption(fig, "Source : x ; y " + "mot " * 60)
    assert all(not line.startswith((";", ":", "%", "»")) for line in caption.get_text().split("\n"))
    with pytest.raises(ParameterError, match="langues possibles : fr, en"):
        plots.caption_text(lang="de")


def test_style_restores_only_its_own_settings():
    """Unlike rc_context, leaving the style keeps ``interactive`` (a notebook keeps showing later figures)."""
    before = matplotlib.is_interactive()
    matplotlib.interactive(not before)
    try:
        with plots.style():  # e.g. the notebook backend switching interactive mode on at the first figure
            matplotlib.interactive(before)
        assert matplotlib.is_interactive() is before  # matplotlib.rc_context would have undone it
        font = plt.rcParams["font.size"]
        with plots.style():
            assert plt.rcParams["font.size"] == plots.FONT_SIZE
        assert plt.rcParams["font.size"] == font
    finally:
        matplotlib.interactive(before)


def test_a_bar_without_interval_stays_inside_its_panel():
    # a small group publishes a share but no interval: the axis must still reach 100 % plus room for its label
    from etude.publish.plots import bars
    table = pd.DataFrame({"pct": [1.0, 0.33], "ci_high": [float("nan"), float("nan")]})
    assert bars._upper(table) == pytest.approx(1.17)
    with_ci = pd.DataFrame({"pct": [0.4], "ci_high": [0.6]})
    assert bars._upper(with_ci) == pytest.approx(0.77)  # unchanged where the whisker is the highest


def test_a_wave_withheld_whole_says_so_not_no_answer():
    # leviers.csv has no « suppressed » column: 4 buyers answered, the rule withholds their base; 0 answered is a 0
    rows = [{"population": "buyers", "wave": 2021, "item": code, "label": code, "n_base": pd.NA, "count": pd.NA,
             "pct": float("nan"), "ci_low": float("nan"), "ci_high": float("nan")}
            for code in ("lev_hierarchie", "lev_professionnalisation")]
    texts = [t.get_text() for t in plots.remedy_chart(pd.DataFrame(rows), "buyers").axes[0].texts]
    assert texts == ["Moins de 5 répondants :\nrésultats non publiés"]
    none = pd.DataFrame(rows).assign(n_base=0)
    assert [t.get_text() for t in plots.remedy_chart(none, "buyers").axes[0].texts] == ["Aucune réponse"]


def test_a_profile_chart_with_every_count_withheld_has_whole_number_ticks():
    t = pd.DataFrame({"population": "companies", "wave": 2018, "size_class": ["micro"] * 2 + ["ge"] * 2})
    p = stats.suppress_small(stats.profile(t, "size_class", by_wave=True), merge=False, secondary=False)
    ax = plots.profile_chart(p, "size_class", population="companies").axes[0]
    ax.figure.canvas.draw()
    ticks = [x.get_text() for x in ax.get_xticklabels() if x.get_text()]
    assert ticks == sorted(set(ticks), key=int)  # 0 1, never 0 0 0 1 1 1 1
