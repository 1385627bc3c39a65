"""Notebook 04 runs standalone (papermill) on the demo study (the DECP figures are notebook 07's)."""

import notebook_helpers as nbh
import pandas as pd
import pytest

from etude import paths, survey

NOTEBOOK = paths.notebooks_dir() / "04_indicateurs_annuels.ipynb"


def test_notebook_is_committed_clean_with_its_parameters_first():
    nb = nbh.read_notebook(NOTEBOOK)
    code = nbh.code_cells(nb)
    assert "parameters" in code[0]["metadata"].get("tags", [])
    first = "".join(code[0]["source"])
    for name in ("study", "lang", "wave_from", "wave_to", "output_dir"):
        assert f"{name} = " in first, name
    assert nbh.is_committed_clean(nb)
    assert 2 <= len(nbh.slide_cells(nb)) <= 5


def _run(tmp_path, **parameters):
    out = tmp_path / "run"
    return out, nbh.run_papermill(NOTEBOOK, tmp_path / "out.ipynb", output_dir=str(out), **parameters)


@pytest.mark.slow
def test_notebook_runs_on_the_demo_study(tmp_path):
    out, nb = _run(tmp_path)
    table = pd.read_csv(out / "tables" / "indicateurs.csv")
    for col in ("indicator", "year", "value", "unit", "source", "status"):
        assert col in table.columns
    gt = table[(table["series"] == "gt_orcp") & (table["indicator"] == "reponses_acheteurs")].set_index("year")
    assert gt.loc[2017, "value"] == 27 and gt.loc[2017, "status"] == "published"
    assert gt.loc[2018, "status"] == "simulated"
    assert set(table["status"]) <= {"published", "computed", "uncertain", "simulated"}
    changes = pd.read_csv(out / "tables" / "evolution_vagues.csv")
    demo_waves = sorted(survey.load_study()["buyers"]["wave"].unique())
    assert set(zip(changes["wave_from"], changes["wave_to"])) == set(zip(demo_waves, demo_waves[1:]))
    assert {"asked_from", "asked_to"} <= set(changes.columns)
    assert not (out / "tables" / "decp_annuel.csv").exists()
    for name in ("indicateurs_gt", "contexte_national", "cinov_2023_2024"):
        assert (out / "figures" / f"{name}.svg").exists() and (out / "figures" / f"{name}_slide.png").exists()
    text = nbh.shown_text(nb)
    assert "Données simulées — ne pas citer" in text
    assert "non disponible" in text
    assert "cités à chaque vague" in text and "Vagues de l'étude : " in text  # every wave, and which are shown
