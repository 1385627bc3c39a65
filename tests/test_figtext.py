"""No chart of etude.publish.plots has overlapping text, at its own size or made for a slide, in French or in English
(English labels can be longer); slide charts are read at 1280 × 720 (text ≥ 18 px). The checker itself is tested on
hand-made figures."""
from __future__ import annotations

import functools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from etude.analysis import compare, matching, plan, stats, waves  # noqa: E402
from etude.publish import figtext, plots, present
from etude.survey import codebook


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- the checker ---------------------------------------------------------------------------------------------

def test_two_texts_on_the_same_spot_overlap_and_distant_ones_do_not():
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.set_axis_off()
    ax.text(0.1, 0.5, "gauche", fontsize=14)
    ax.text(0.12, 0.5, "dessus", fontsize=14)
    ax.text(0.8, 0.1, "loin", fontsize=14)
    found = figtext.text_problems(fig, min_px=0)
    assert found[["kind", "text", "other"]].values.tolist() == [["overlap", "gauche", "dessus"]]


def test_text_size_is_measured_at_the_display_size():
    fig, ax = plt.subplots(figsize=(12.8, 7.2), dpi=100)  # 1280 × 720 px: 1 pt = 100/72 px
    ax.set_axis_off()
    ax.text(0.1, 0.5, "grand", fontsize=14)   # 19.4 px
    ax.text(0.1, 0.1, "petit", fontsize=12)   # 16.7 px
    small = figtext.text_problems(fig)
    assert small["text"].tolist() == ["petit"] and small["px"].tolist() == [16.7]
    # the same figure shown in half the room: both are too small
    assert sorted(figtext.text_problems(fig, display=(640, 360))["text"]) == ["grand", "petit"]


def test_hidden_texts_are_not_checked():
    fig, ax = plt.subplots()
    ax.set_axis_off()
    ax.text(0.5, 0.5, "visible", fontsize=14)
    ax.text(0.5, 0.5, "caché", fontsize=14).set_visible(False)
    ax2 = fig.add_axes((0.5, 0.5, 0.1, 0.1))
    ax2.set_title("axe caché")
    ax2.set_visible(False)
    assert figtext.text_problems(fig, min_px=0).empty


def test_slide_size_is_temporary():
    fig = plt.figure(figsize=(6, 8))
    with figtext.for_slide(fig):
        assert tuple(round(float(x), 2) for x in fig.get_size_inches()) == (13.33, 7.5)
    assert tuple(fig.get_size_inches()) == (6, 8)


# --- every public chart of etude.publish.plots, on small data ------------------------------------------------------

def _bool(values):
    return pd.array(values, dtype="boolean")


def _answers(population, rows):
    codes = list(codebook.items(population)["code"])
    return pd.DataFrame({c: pd.array([(c in r) if r else None for r in rows], dtype="boolean") for c in codes})


def _people(prefix, segs):
    return pd.DataFrame([{"respondent_id": f"{prefix}-{i}", **{f"seg_{s}": s in ss for s in matching.SEGMENTS}}
                         for i, ss in enumerate(segs)])


def _indicator_lines():
    def line(values, *, series, indicator, label, unit):
        return pd.DataFrame({"series": series, "indicator": indicator, "label_fr": label, "period": list(values),
                             "value": [float(v) for v in values.values()], "unit": unit, "status": "published",
                             "perimeter": "p", "simulated": False})
    return pd.concat([line({"2017": 27.0, "2018": 34.0}, series="gt", indicator="n",
                           label="INNOV'EMBER : personnes présentes", unit="personnes"),
                      line({"2017": 120.0, "2018": 150.0}, series="gt2", indicator="m",
                           label="INNOV'EMBER : entreprises présentes", unit="entreprises"),
                      line({"2016": 72.2, "2017": 77.3}, series="adcf", indicator="volume",
                           label="Volume de la commande publique", unit="Md€")])


@functools.cache
def _calls():
    """(chart, args, kwargs) for every public chart of etude.publish.plots, on small data (made once: ``chart``
    hands each chart copies)."""
    buyers = pd.DataFrame({"population": "buyers",
                           "buyer_type": pd.Categorical(["etat"] * 2 + ["collectivite"] * 6),
                           "b_temps": _bool([True] * 3 + [False] * 5), "b_financier": _bool([True] * 6 + [False] * 2),
                           "b_desinteret": _bool([False] * 7 + [True])})
    codes = ["b_temps", "b_financier", "b_desinteret"]
    b = _answers("buyers", [{"b_temps"}] * 4 + [{"b_donnees", "b_juridique"}] * 3 + [{"b_soutien"}] * 3)
    e = _answers("companies", [{"e_besoins"}] * 12 + [{"e_moyens", "e_delais"}] * 5 + [{"e_desinteret"}] * 3)
    remedies = {c: _bool([i % (k + 2) == 0 for i in range(9)]) for k, c in enumerate(stats.item_codes("buyers",
                                                                                                       "remedies"))}
    remedy_table = plan.remedy_table({"buyers": pd.DataFrame({"population": "buyers", "wave": 2017, **remedies})})
    solutions = plan.solutions_table(plan.action_plan({"buyers": b.assign(population="buyers", wave=2017),
                                                       "companies": e.assign(population="companies", wave=2017)}))
    supply = matching.supply_demand(
        _people("A", [{"sante"}] * 3 + [{"numerique", "sante"}] * 2 + [{"immobilier"}]),
        _people("E", [{"numerique"}] * 7 + [{"intellectuelles"}] * 3 + [{"immobilier"}] * 5))
    calls = [
        (plots.frequency_chart, (stats.frequencies(buyers, codes),), {"options": plots.ChartOptions(wave=2017)}),
        (plots.grouped_frequency_chart, (stats.frequencies(buyers, codes, by="buyer_type"), "buyer_type"),
         {"options": plots.ChartOptions(wave=2017)}),
        (plots.profile_chart, (stats.profile(buyers, "buyer_type"), "buyer_type"), {}),
        (plots.mirror_chart, (present.label_themes(compare.theme_prevalence(b, "buyers")),
                               present.label_themes(compare.theme_prevalence(e, "companies"))),
         {"options": plots.ChartOptions(wave=2017)}),
        (plots.forest_plot, (present.label_themes(compare.compare_themes(b, e)),),
         {"options": plots.ChartOptions(wave=2017)}),
        (plots.supply_demand_chart, (supply,), {"wave": 2017}),
        (plots.indicator_panels, (_indicator_lines(),), {"options": plots.ChartOptions(ncols=3)}),
        (plots.wave_slope_chart, (waves.published_wave_changes(),), {}),
        (plots.remedy_chart, (remedy_table, "buyers"), {}),
        (plots.coverage_chart, (solutions,), {"wave": 2017}),
    ]
    return calls


NAMES = [f.__name__ for f, _, _ in _calls()]
#: Every chart in every language of the catalogue.
CASES = [pytest.param(name, lang, id=f"{name}-{lang}") for name in NAMES for lang in ("fr", "en")]


def chart(name: str, *, slide: bool = False, lang: str = "fr"):
    """The figure of chart ``name`` on the small data, in ``lang`` (made for a slide if asked)."""
    f, a, k = next(c for c in _calls() if c[0].__name__ == name)
    a, k = tuple(x.copy() if isinstance(x, pd.DataFrame) else x for x in a), {**k, "lang": lang}
    return figtext.slide_figure(f, *a, **k) if slide else f(*a, **k)


def test_every_public_chart_is_checked():
    public = {n for n in dir(plots) if n.endswith(("_chart", "_plot", "_panels")) and callable(getattr(plots, n))}
    assert public == set(NAMES)


@pytest.mark.parametrize("name, lang", CASES)
def test_no_chart_has_overlapping_text(name, lang):
    fig = chart(name, lang=lang)
    found = figtext.text_problems(fig, min_px=0)
    assert found.empty, "\n" + found.to_string()


@pytest.mark.parametrize("name, lang", CASES)
def test_charts_made_for_slides_have_no_overlap_and_text_of_18_px(name, lang):
    fig = chart(name, slide=True, lang=lang)
    assert tuple(round(float(x), 2) for x in fig.get_size_inches()) == (13.33, 7.5)
    found = figtext.text_problems(fig)
    assert found.empty, "\n" + found.to_string()


@pytest.mark.parametrize("name, lang", CASES)
def test_the_slide_image_of_every_chart_has_no_overlap_and_text_of_18_px(name, lang, tmp_path):
    # what the deck shows: the notebook's chart at a slide's size (outputs.save_figure(slide=True))
    fig = chart(name, lang=lang)
    size = figtext.slide_chart_size(fig)
    assert figtext.slide_size(fig, sizes=[size]) == size, "chevauchement ou texte de moins de 18 px"
    from etude.publish import outputs
    assert (tmp_path / "figures" / f"{name}_slide.png") in outputs.save_figure(fig, name, tmp_path, slide=True)


def test_save_figure_can_add_a_slide_image(tmp_path):
    from PIL import Image

    from etude.publish import outputs
    fig = chart("frequency_chart")
    paths = outputs.save_figure(fig, "freins", tmp_path, slide=True)
    assert [p.name for p in paths] == ["freins.png", "freins.svg", "freins_slide.png"]
    with Image.open(paths[2]) as im:  # the slide's width, the proportions of the room under the slide's heading
        assert abs(im.size[0] - 1920) <= 1 and abs(im.size[1] - 736) <= 1  # 1080p: pixel for pixel
        assert float(im.info[figtext.SMALLEST_TEXT_KEY]) >= 31  # its smallest text (14 pt at 160 dpi), in pixels
    assert tuple(round(float(x), 2) for x in fig.get_size_inches()) != (13.33, 7.5)  # the figure keeps its size
