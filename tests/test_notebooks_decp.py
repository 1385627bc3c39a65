"""Notebook 07 (DECP panel, the study's one home for the DECP): committed clean, runs on the demo's simulated
extract and on a real DECP file (in French and English), writes the yearly table and what reading did beside the
panel; a run folder made by the engine is a valid Data Package."""
from __future__ import annotations

import notebook_helpers as nbh
import pandas as pd
import pytest

from etude import cli, paths

NOTEBOOK = paths.notebooks_dir() / "07_marches_publics.ipynb"
CROIX = paths.shared_dir() / "data" / "decp" / "decp_croix_2019-2021.json"
DECP_COLUMNS = ["year", "n_contracts", "amount_total_eur", "amount_median_eur", "n_buyers", "n_holders",
                "n_contracts_with_amount"]


def test_notebook_is_committed_clean_with_its_parameters_first():
    nb = nbh.read_notebook(NOTEBOOK)
    code = nbh.code_cells(nb)
    assert "parameters" in code[0]["metadata"].get("tags", [])
    first = "".join(code[0]["source"])
    for name in ("study", "lang", "decp", "decp_region", "funnel_year", "resamples", "output_dir"):
        assert f"{name} = " in first, name
    assert nbh.is_committed_clean(nb)
    slides = nbh.slide_cells(nb)
    assert len(slides) == 3 and all(c["metadata"]["etude"]["section"] == "decp" for c in slides)  # issue 29: 6.4


def _run(tmp_path, **parameters):
    out = tmp_path / "run"
    return out, nbh.run_papermill(NOTEBOOK, tmp_path / "out.ipynb", output_dir=str(out), **parameters)


@pytest.mark.slow
def test_demo_run_shows_the_panel_the_benchmarks_and_the_funnel(tmp_path):
    out, nb = _run(tmp_path)
    text = nbh.shown_text(nb)
    # issue 29: the headline fits two lines (« objectif : 2 % »); the national target's other scope is said once
    assert "Données simulées — ne pas citer" in text and "(objectif : 2" in text
    assert "L'objectif national porte sur la valeur des achats de l'État" in text
    panel = pd.read_csv(out / "tables" / "decp_panel.csv")
    assert set(panel["indicator"]) == {"innovative_count", "innovative_value", "sme_count", "sme_value",
                                       "single_bid", "social", "environmental"}
    assert panel["simulated"].all() and (panel["region"].astype(str) == "32").all()
    regions = pd.read_csv(out / "tables" / "decp_regions.csv", dtype={"region": str})
    assert "FR" in set(regions["region"]) and regions["funnel_high_95"].notna().any()
    comparisons = pd.read_csv(out / "tables" / "decp_comparaisons.csv")
    assert comparisons["perimeter"].notna().all() and comparisons["source_url"].notna().all()
    for name in ("decp_innovation_2pct", "decp_panel", "decp_entonnoir_regions"):
        assert (out / "figures" / f"{name}.svg").exists(), name
    yearly = pd.read_csv(out / "tables" / "decp_annuel.csv")
    dated = panel[panel["indicator"] == "innovative_count"].set_index("year")["n_records"]
    assert yearly.set_index("year")["n_contracts"].to_dict() == dated.to_dict()   # the region's dated contracts
    resume = pd.read_csv(out / "tables" / "decp_resume.csv")
    assert list(resume.columns) == ["rule", "n_records", "detail"]
    assert resume["rule"].iloc[0] == "enregistrements lus" and "retenu : Hauts-de-France" in set(resume["rule"])


@pytest.mark.slow
@pytest.mark.skipif(not CROIX.exists(), reason="real DECP file ../shared/data/decp/decp_croix_2019-2021.json "
                    "not available")
def test_notebook_runs_with_the_croix_decp_file(tmp_path):
    out, nb = _run(tmp_path, decp=str(CROIX))
    decp = pd.read_csv(out / "tables" / "decp_annuel.csv")
    assert list(decp.columns) == DECP_COLUMNS
    assert decp["year"].tolist() == [2019, 2020, 2021]       # notification dates 2019-02 to 2021-12
    assert 0 < decp["n_contracts"].sum() <= 159               # 159 records in the file, duplicates dropped
    assert (decp["n_buyers"] == 1).all()                      # one buyer: Ville de Croix
    resume = pd.read_csv(out / "tables" / "decp_resume.csv").set_index("rule")
    assert resume.loc["enregistrements lus", "n_records"] == 159
    assert resume.loc["doublon exact supprimé", "n_records"] == 1
    text = nbh.shown_text(nb)
    assert "Aucun fichier DECP fourni" not in text and "Données simulées" not in text


@pytest.mark.slow
@pytest.mark.skipif(not CROIX.exists(), reason="real DECP file ../shared/data/decp/decp_croix_2019-2021.json "
                    "not available")
def test_runs_in_english_on_a_real_2017_file(tmp_path):
    out, nb = _run(tmp_path, decp=str(CROIX), lang="en")
    text = nbh.shown_text(nb)
    assert "Simulated data" not in text and "DECP file(s) read: decp" in text
    panel = pd.read_csv(out / "tables" / "decp_panel.csv")
    assert panel["n_filled"].eq(0).all() and not panel["simulated"].any()
    resume = pd.read_csv(out / "tables" / "decp_resume.csv")
    assert "exact duplicate removed" in set(resume["rule"]) and "doublon exact supprimé" not in set(resume["rule"])


@pytest.mark.slow
def test_an_engine_run_folder_is_a_valid_data_package(tmp_path):
    from frictionless import validate
    assert cli.main(["run", "07_marches_publics", "--out", str(tmp_path)]) == 0
    run_dir = next(p for p in tmp_path.iterdir() if p.is_dir() and p.name[:1].isdigit())
    report = validate(str(run_dir / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    # the manifest records the DECP file read, relative to the study's folder, and verify checks it
    import hashlib
    import json

    from etude.engine.verify import check_inputs
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    demo_file = paths.demo_dir() / "decp_simule_consolide.csv"
    assert manifest["decp_inputs"] == [{"path": "decp_simule_consolide.csv", "relative_to": "study",
                                        "sha256": hashlib.sha256(demo_file.read_bytes()).hexdigest(),
                                        "simulated": True}]
    assert check_inputs(manifest) == []
    manifest["decp_inputs"][0]["sha256"] = "0" * 64
    # named relative to the study's folder: a run folder's messages carry no path of the machine
    changed = "decp_simule_consolide.csv : entrée modifiée depuis l'exécution (sha256 différent)"
    assert check_inputs(manifest) == [changed]
