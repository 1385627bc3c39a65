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
    assert "Taux de réponse" in text
    # buyers' margins have groups under min_cell (collectivités, santé): their weights are not published (issue 27's
    # one rule for both populations); companies are weighted on their one margin
    assert "Acheteurs publics : pas de pondération publiée, un groupe des marges compte moins de 5 répondants" in text
    assert "Pondération par post-stratification, marges : Taille de l'entreprise" in text
    written = {p.stem for p in (tmp_path / "tables").glob("*.csv")}
    assert written == {"precision", "representativite", "representativite_tests", "poids", "freins_ponderes"}
    rep = pd.read_csv(tmp_path / "tables" / "representativite.csv")
    buyers = rep[rep["population"] == "buyers"]
    assert buyers.loc[buyers["attribute"] == "buyer_type", "n"].isna().all()  # small types, and their complement
    nord = buyers[(buyers["attribute"] == "departement") & (buyers["value"].astype(str) == "59")].iloc[0]
    n_nord = int(((tables["buyers"]["wave"] == 2018) & (tables["buyers"]["departement"] == "59")).sum())
    assert nord["n"] == n_nord and math.isclose(nord["response_rate"], n_nord / nord["population_n"])
    # the weighted shares written equal an independent computation on the weights (companies: buyers' weights
    # would show a group under min_cell, so they are not published)
    margins = survey.read_study()["margins"]["companies"]
    part = tables["companies"][tables["companies"]["wave"] == 2018]
    w = wts.compute_weights(part, margins)
    item = stats.item_codes("companies")[0]
    base = part[stats.item_codes("companies")].notna().any(axis=1)
    x = part.loc[base, item].fillna(False).astype(bool)
    written = pd.read_csv(tmp_path / "tables" / "freins_ponderes.csv").set_index(["population", "item"])
    assert "buyers" not in written.index.get_level_values("population")
    assert math.isclose(written.at[("companies", item), "pct_w"], (x * w[base]).sum() / w[base].sum())
    assert math.isclose(written.at[("companies", item), "n_eff"], w[base].sum() ** 2 / (w[base] ** 2).sum())
    poids = pd.read_csv(tmp_path / "tables" / "poids.csv").set_index("population")
    assert math.isclose(poids.at["companies", "deff"], len(w) * (w ** 2).sum() / w.sum() ** 2)


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
