"""Notebook 05 runs standalone (papermill) on the demo study; its two CSVs match a recomputation; weights act."""

import notebook_helpers as nbh
import pandas as pd
import pytest

from etude import paths, survey
from etude.analysis import matching

NOTEBOOK = paths.notebooks_dir() / "05_rencontres_offre_demande.ipynb"
PARAMETERS = {"study": "", "wave": 0, "lang": "fr", "w_segment": 0.5, "w_text": 0.3, "w_proximity": 0.2,
              "slots": 4, "max_per_company": 3, "min_cell": 5, "output_dir": ""}
PLAN_COLUMNS = ["buyer_id", "company_id", "segment", "score", "score_segment", "score_text", "score_proximity",
                "slot"]


def test_notebook_is_committed_clean_with_its_parameters_first():
    nb = nbh.read_notebook(NOTEBOOK)
    code = nbh.code_cells(nb)
    nbh.assert_clean_with_parameters_first(nb, PARAMETERS)
    slides = nbh.slide_cells(nb)
    assert any("supply_demand(" in "".join(c["source"]) for c in slides)
    assert any("supply_demand_chart(" in "".join(c["source"]) for c in slides)
    assert all(len("".join(c["source"]).splitlines()) <= 12 for c in code)  # thin cells


def _run(tmp_path, name="run", **parameters):
    out = tmp_path / name
    return out, nbh.run_papermill(NOTEBOOK, tmp_path / f"{name}.ipynb", output_dir=str(out), **parameters)


@pytest.mark.slow
def test_notebook_runs_on_the_demo_study_and_weights_change_the_plan(tmp_path):
    out, nb = _run(tmp_path)
    plan = pd.read_csv(out / "tables" / "rencontres.csv", dtype={"buyer_id": str, "company_id": str})
    assert list(plan.columns) == PLAN_COLUMNS
    assert plan["buyer_id"].str.match(r"^A-[0-9a-f]+$").all() and plan["company_id"].str.match(r"^E-[0-9a-f]+$").all()
    assert not plan.duplicated(["buyer_id", "company_id"]).any()
    assert not plan.duplicated(["buyer_id", "slot"]).any() and not plan.duplicated(["company_id", "slot"]).any()
    assert plan["slot"].between(1, 4).all() and plan.groupby("company_id").size().max() <= 3

    # Same plan as the module computes on the same wave: by default the latest wave both questionnaires have.
    tables = survey.load_study()
    buyers, companies = matching.select_wave(tables, matching.meeting_wave(tables))
    expected = matching.meeting_plan(matching.score_pairs(buyers, companies), slots=4, max_per_company=3)
    assert plan[["buyer_id", "company_id", "slot"]].values.tolist() == \
        expected[["buyer_id", "company_id", "slot"]].values.tolist()
    assert plan["score"].round(9).tolist() == expected["score"].round(9).tolist()

    supply = pd.read_csv(out / "tables" / "offre_demande_segments.csv")
    assert list(supply.columns) == matching.SUPPLY_COLUMNS
    assert supply["segment"].tolist() == list(matching.SEGMENTS)
    assert (supply["buyers_base"] <= len(buyers)).all() and (supply["companies_base"] <= len(companies)).all()
    assert "Données simulées — ne pas citer" in nbh.shown_text(nb)
    assert "Plan exact (" in nbh.shown_text(nb) and "il est optimal." in nbh.shown_text(nb)  # which method planned
    assert (out / "figures" / "offre_demande_segments.svg").exists()
    assert any("data:image/svg+xml;base64," in "".join(o.get("data", {}).get("text/html", ""))
               for c in nb["cells"] for o in c.get("outputs", []))  # the chart, shown as its SVG

    # Text weight 0: no meeting carries a text part, and the plan changes.
    out0, _ = _run(tmp_path, name="no_text", w_text=0.0, slots=2)
    plan0 = pd.read_csv(out0 / "tables" / "rencontres.csv")
    assert (plan0["score_text"] == 0).all() and plan0["slot"].between(1, 2).all()
    assert len(plan0) < len(plan)


@pytest.mark.slow
def test_notebook_in_english_says_simulated_in_english(tmp_path):
    out, nb = _run(tmp_path, name="en", lang="en")
    text = nbh.shown_text(nb)
    assert "Simulated data — do not cite" in text and "Supply and demand by segment" in text
    assert "Exact plan (" in text and "it is optimal." in text
    supply = pd.read_csv(out / "tables" / "offre_demande_segments.csv")
    assert supply["label"].tolist() == ["Health", "Intellectual services", "Digital services", "Real estate"]
