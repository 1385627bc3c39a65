"""Notebook 08 (preparing the next wave): committed clean with documented parameters, and run standalone on the demo
(simulated margins: precision, representativeness, weights, weighted barriers) and on a study with one population
and no margins (precision only, every other table absent, nothing weighted)."""
from __future__ import annotations

import math

import notebook_helpers as nbh
import pandas as pd
import pytest
import yaml

from etude import engine, paths, survey
from etude.analysis import precision, stats
from etude.analysis import weights as wts

NAME = "08_vague_suivante"
NOTEBOOK = paths.notebooks_dir() / f"{NAME}.ipynb"
PARAMETERS = {"study": "", "lang": "fr", "half_width": 0.10, "proportion": 0.5, "confidence": 0.95, "trim": 5.0,
              "min_cell": 5, "output_dir": ""}


def test_notebook_is_committed_clean_with_documented_parameters_first():
    nb = nbh.read_notebook(NOTEBOOK)
    nbh.assert_clean_with_parameters_first(nb, PARAMETERS)
    code = nbh.code_cells(nb)
    assert all("  # " in line for line in "".join(code[0]["source"]).splitlines())  # each parameter documented
    assert engine.notebook_parameters(NOTEBOOK).keys() >= PARAMETERS.keys()
    assert "".join(nb["cells"][0]["source"]).startswith("# Préparer la vague suivante")


@pytest.mark.slow
def test_on_the_demo_it_shows_precision_representativeness_and_weighted_shares(tmp_path):
    nb = nbh.run_papermill(NOTEBOOK, tmp_path / "out.ipynb", output_dir=str(tmp_path))
    text = nbh.shown_text(nb)
    tables = survey.load_study()
    n = int((tables["buyers"]["wave"] == 2018).sum())
    assert f"avec {n} répondants sur une population de 720, une part de 50\u202f% est connue à ±" in text
    assert "Taux de réponse" in text and "Pondération par calage sur les marges" in text
    written = {p.stem for p in (tmp_path / "tables").glob("*.csv")}
    assert written == {"precision", "representativite", "representativite_tests", "poids", "freins_ponderes"}
    rep = pd.read_csv(tmp_path / "tables" / "representativite.csv")
    etat = rep[(rep["attribute"] == "buyer_type") & (rep["value"] == "etat")].iloc[0]
    n_etat = int(((tables["buyers"]["wave"] == 2018) & (tables["buyers"]["buyer_type"] == "etat")).sum())
    assert etat["n"] == n_etat and math.isclose(etat["response_rate"], n_etat / 150)
    # the weighted shares written equal an independent computation on the weights
    margins = survey.read_study()["margins"]["buyers"]
    part = tables["buyers"][tables["buyers"]["wave"] == 2018]
    w = wts.compute_weights(part, margins)
    base = part[stats.item_codes("buyers")].notna().any(axis=1)
    x = part.loc[base, "b_temps"].fillna(False).astype(bool)
    written = pd.read_csv(tmp_path / "tables" / "freins_ponderes.csv").set_index(["population", "item"])
    assert math.isclose(written.at[("buyers", "b_temps"), "pct_w"], (x * w[base]).sum() / w[base].sum())
    assert math.isclose(written.at[("buyers", "b_temps"), "n_eff"], w[base].sum() ** 2 / (w[base] ** 2).sum())
    poids = pd.read_csv(tmp_path / "tables" / "poids.csv").set_index("population")
    assert math.isclose(poids.at["buyers", "deff"], len(w) * (w ** 2).sum() / w.sum() ** 2)


@pytest.mark.slow
def test_on_a_study_with_one_population_and_no_margins(tmp_path):
    study = tmp_path / "etude.yaml"
    study.write_text(yaml.safe_dump({"title": "Acheteurs seulement", "simulated": True, "buyers": [
        {"wave": 2017, "file": str(paths.demo_dir() / "acheteurs_2017_simule.csv")}]}, allow_unicode=True),
        encoding="utf-8")
    nb = nbh.run_papermill(NOTEBOOK, tmp_path / "out.ipynb", study=str(study), output_dir=str(tmp_path))
    text = nbh.shown_text(nb)
    half = f"{100 * precision.half_width(27):.1f}".replace(".", ",")
    assert f"avec 27 répondants, une part de 50\u202f% est connue à ± {half} points" in text
    assert "aucune marge de population" in text and "Entreprises" not in text
    assert {p.stem for p in (tmp_path / "tables").glob("*.csv")} == {"precision"}
