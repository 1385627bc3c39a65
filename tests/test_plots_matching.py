"""The supply/demand (bipartite) chart: counts as labels, suppressed counts never shown, caption, house style."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from etude import words
from etude.analysis import matching
from etude.publish import plots
from etude.safety.disclosure import protected_populations
from etude.survey.context import Context


def _people(prefix, segs):
    rows = [{"respondent_id": f"{prefix}-{i}", **{f"seg_{s}": s in ss for s in matching.SEGMENTS}}
            for i, ss in enumerate(segs)]
    return pd.DataFrame(rows)


BUYERS = _people("A", [{"sante"}] * 3 + [{"numerique", "sante"}] * 2 + [{"immobilier"}])
COMPANIES = _people("E", [{"numerique"}] * 7 + [{"intellectuelles"}] * 3 + [{"immobilier"}] * 5)


@pytest.fixture
def figure():
    table = matching.supply_demand(BUYERS, COMPANIES)
    fig = plots.supply_demand_chart(table, wave=2017)
    yield fig
    plt.close(fig)


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def test_counts_segments_and_flags_are_written(figure):
    texts = _texts(figure)
    # sante: 5 buyers, 0 company (flagged); numerique: 2 buyers, 7 companies; immobilier: 1 buyer, 5 companies.
    # 2 and 1 buyers are under min_cell: withheld like companies' counts (issue 27, one rule for both populations)
    for expected in ("5 acheteurs", "<\u202f5 acheteurs", "0 acheteur", "0 entreprise", "7 entreprises",
                     "5 entreprises", "Santé\nDemande sans offre", "Services\nnumériques"):
        assert expected in texts, expected
    assert any(t.startswith("Prestations") and t.endswith("Offre sans demande") for t in texts)


def test_suppressed_company_count_is_never_shown(figure):
    texts = _texts(figure)
    assert "<\u202f5 entreprises" in texts
    assert not any("3 entreprises" in t for t in texts)  # intellectuelles: 3 companies, below min_cell
    assert "2 acheteurs" not in texts and "1 acheteur" not in texts  # buyers too, unless the study opts in


def test_a_study_that_opts_in_shows_its_buyers_small_counts():
    table = matching.supply_demand(BUYERS, COMPANIES, ctx=Context(protect=protected_populations(True)))
    fig = plots.supply_demand_chart(table, wave=2017)
    try:
        texts = _texts(fig)
        assert "2 acheteurs" in texts and "1 acheteur" in texts and "<\u202f5 entreprises" in texts
    finally:
        plt.close(fig)


def test_caption_names_simulated_data_and_fonts_are_readable(figure):
    caption = plots.figure_caption(figure)
    assert "Données simulées — ne pas citer" in caption and "vague 2017" in caption
    assert all(t.get_fontsize() >= plots.MIN_FONT for ax in figure.axes for t in ax.texts)


def test_english_labels_and_survey_data_caption():
    table = matching.supply_demand(BUYERS, COMPANIES)  # codes only: the chart labels the segments
    fig = plots.supply_demand_chart(table, lang="en", simulated=False)
    try:
        texts = _texts(fig)
        assert "<\u202f5 buyers" in texts and "0 companies" in texts and "Health\nDemand without supply" in texts
        assert "Survey data" in plots.figure_caption(fig) and "Fewer than 5 respondents" in plots.figure_caption(fig)
        assert "Buyers' needs" in texts and "<\u202f5 companies" in texts
    finally:
        plt.close(fig)


@pytest.mark.parametrize("n_buyers,n_companies,suppressed", [
    ([1, 0, 2, 1], [0, None, 5, 6], [False, True, False, False]),   # small counts, tall label boxes
    ([200, 3, 50, 1], [400, None, 0, 6], [False, True, False, False]),  # one segment dwarfs the others
])
def test_no_two_labels_overlap(n_buyers, n_companies, suppressed):
    table = pd.DataFrame({"label": ["Santé", "Prestations intellectuelles", "Services numériques", "Immobilier"],
                          "n_buyers": n_buyers, "n_companies": pd.array(n_companies, dtype="Int64"),
                          "companies_suppressed": suppressed})
    table["flag"] = ["demande_sans_offre" if b and not c and not s else "offre_sans_demande" if (c or s) and not b
                     else "" for b, c, s in zip(n_buyers, n_companies, suppressed)]
    table["flag_label"] = table["flag"].map(lambda f: words.label(f))
    fig = plots.supply_demand_chart(table)
    try:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in fig.axes[0].texts]
        clashes = [(a, b) for i, (a, x) in enumerate(boxes) for b, y in boxes[i + 1:] if x.overlaps(y)]
        assert clashes == []
    finally:
        plt.close(fig)
