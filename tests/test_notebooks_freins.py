"""Notebooks 01 (respondent profile) and 02 (barriers): committed clean, run through the engine on the demo study,
and standalone with papermill from the repository root and from notebooks/."""
import math

import notebook_helpers as nbh
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from etude import engine, paths, survey
from etude.safety import audit
from etude.survey import codebook

NOTEBOOKS = {"01_profil_repondants": paths.notebooks_dir() / "01_profil_repondants.ipynb",
             "02_freins": paths.notebooks_dir() / "02_freins.ipynb"}
PARAMETERS = {"study": "", "wave": 0, "lang": "fr", "alpha": 0.05, "ci_method": "wilson", "min_cell": 5,
              "output_dir": ""}
FREINS_COLUMNS = ["population", "wave", "item", "label", "n_base", "count", "pct", "pct_all", "ci_low", "ci_high",
                  "rank", "letters"]
SIMULATED = "Données simulées — ne pas citer"


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_notebook_is_committed_clean_with_its_parameters_first(name):
    nb = nbh.read_notebook(NOTEBOOKS[name])
    code = nbh.code_cells(nb)
    nbh.assert_clean_with_parameters_first(nb, PARAMETERS)
    assert 3 <= len(nbh.slide_cells(nb)) <= 5
    assert all(len("".join(c["source"]).splitlines()) <= 8 for c in code[1:])  # thin cells
    assert engine.notebook_parameters(NOTEBOOKS[name]).keys() >= PARAMETERS.keys()


def _latest_wave() -> int:
    """The demo study's latest wave: what notebook 02 shows by default (``wave = 0``)."""
    return max(int(w) for df in survey.load_study().values() for w in df["wave"])


def _independent_freins(wave):
    """freins.csv recomputed with plain pandas and statsmodels from the respondent tables."""
    tables = survey.load_study()
    rows = []
    for population in ("buyers", "companies"):
        df = tables[population][tables[population]["wave"] == wave]
        codes = codebook.items(population)["code"].tolist()
        base = df[codes].notna().any(axis=1)
        n = int(base.sum())
        for code in codes:
            k = int(df.loc[base, code].eq(True).sum())
            low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
            rows.append({"population": population, "item": code, "n_base": n, "count": k, "pct": k / n,
                         "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows).set_index(["population", "item"])


@pytest.fixture(scope="module")
def engine_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = engine.reproduce(engine.RunOptions(notebooks=list(NOTEBOOKS), out=out, jobs=1))
    return result


@pytest.mark.slow
def test_engine_run_writes_freins_csv_matching_an_independent_recomputation(engine_run):
    assert engine_run.ok, engine_run.errors
    run = engine_run.run_dir
    freins = pd.read_csv(run / "tables" / "freins.csv")
    assert freins.columns.tolist() == FREINS_COLUMNS
    n_items = len(codebook.items("buyers")) + len(codebook.items("companies"))
    assert set(freins["wave"]) == {_latest_wave()} and len(freins) == n_items  # the default: the latest wave
    assert freins[["pct", "ci_low", "ci_high"]].stack().between(0, 1).all()
    expected = _independent_freins(_latest_wave())
    got = freins.set_index(["population", "item"])
    for key, row in expected.iterrows():
        assert got.loc[key, "n_base"] == row["n_base"] and got.loc[key, "count"] == row["count"], key
        for col in ("pct", "ci_low", "ci_high"):
            assert math.isclose(got.loc[key, col], row[col], abs_tol=1e-9), (key, col)
    for population, part in got.groupby(level="population"):
        ranks = part["count"].rank(method="min", ascending=False).astype(int)
        assert part["rank"].tolist() == ranks.tolist(), population
    assert got.loc[("buyers", "b_temps"), "label"] == "Pas de temps à y consacrer"
    # by group: company groups under min_cell are suppressed, and the privacy audit finds no small cell
    groups = pd.read_csv(run / "tables" / "freins_par_groupe.csv")
    small = groups[(groups["population"] == "companies") & (groups["n_base"] < 5)]
    assert small["suppressed"].all() and small[["count", "pct", "ci_low", "ci_high"]].isna().all().all()
    assert audit.scan_run(run).empty
    assert (run / "tables" / "tables.xlsx").exists()


@pytest.mark.slow
def test_engine_run_report_slides_and_every_figure_say_simulated(engine_run):
    run = engine_run.run_dir
    report = (run / "report.html").read_text(encoding="utf-8")
    assert "Profil des répondants" in report and "Les freins cités" in report
    assert "Les effectifs chargés correspondent aux effectifs publiés (4 sur 4" in report
    assert "Secret statistique" in report
    slides = (run / "slides.html").read_text(encoding="utf-8")
    assert slides.count("<section") >= 8
    figures = sorted((run / "figures").glob("*.svg"))
    assert {f.stem for f in figures} >= {"freins_acheteurs", "freins_acheteurs_par_type", "freins_entreprises",
                                        "freins_entreprises_par_taille", "profil_acheteurs_type",
                                        "profil_entreprises_taille"}
    for svg in figures:
        assert SIMULATED in svg.read_text(encoding="utf-8"), svg.name
        assert (run / "figures" / f"{svg.stem}_slide.png").exists()
    check = pd.read_csv(run / "tables" / "effectifs_publies.csv")
    assert check["match"].all() and check["published"].tolist() == [27, 17, 4, 90]


@pytest.mark.slow
def test_freins_runs_standalone_from_the_repository_root_in_english(tmp_path):
    out = tmp_path / "run"
    nb = nbh.run_papermill(NOTEBOOKS["02_freins"], tmp_path / "o.ipynb", cwd=paths.root(), output_dir=str(out),
                           lang="en", min_cell=3, alpha=0.1, ci_method="beta")
    assert "Traceback" not in nbh.shown_text(nb)
    svg = (out / "figures" / "freins_entreprises.svg").read_text(encoding="utf-8")
    assert "Unknown public needs" in svg and "Simulated data — do not cite" in svg and "Clopper" in svg
    freins = pd.read_csv(out / "tables" / "freins.csv")
    r = freins.set_index(["population", "item"]).loc[("buyers", "b_temps")]
    low, high = proportion_confint(r["count"], r["n_base"], alpha=0.1, method="beta")
    assert set(freins["wave"]) == {_latest_wave()}
    assert math.isclose(r["ci_low"], low, abs_tol=1e-9) and math.isclose(r["ci_high"], high, abs_tol=1e-9)
    assert r["label"] == "No time to devote to it"
    groups = pd.read_csv(out / "tables" / "freins_par_groupe.csv")
    assert not groups.loc[groups["n_base"] >= 3, "suppressed"].any()  # threshold is the parameter


@pytest.mark.slow
def test_profile_runs_standalone_from_notebooks_dir(tmp_path):
    out = tmp_path / "run"
    nb = nbh.run_papermill(NOTEBOOKS["01_profil_repondants"], tmp_path / "o.ipynb", cwd=paths.notebooks_dir(),
                          output_dir=str(out))
    text = nbh.shown_text(nb, include_source=True)
    assert "Les effectifs chargés correspondent aux effectifs publiés" in text and SIMULATED in text
    counts = pd.read_csv(out / "tables" / "repondants_par_vague.csv")
    assert counts.set_index(["population", "wave"]).loc[("buyers", 2017), "n"] == 27
    assert counts.set_index(["population", "wave"]).loc[("companies", 2017), "n"] == 90
    profile = pd.read_csv(out / "tables" / "profil_acheteurs.csv")
    bt = profile[(profile["wave"] == 2017) & (profile["attribute"] == "buyer_type")].set_index("value")
    # buyers are protected too (issue 27): the 4 collectivités and 3 santé join their declared neighbour « autre »
    # (3 of its own: 10), the study did not opt in (publish_small_groups)
    assert bt.loc["etat", "n"] == 17 and bt.loc["autre", "n"] == 4 + 3 + 3 and not bt["suppressed"].any()
    assert not bt.index.isin(["collectivite", "sante"]).any()
    companies = pd.read_csv(out / "tables" / "profil_entreprises.csv")
    assert companies.loc[companies["n"].isna(), "suppressed"].all()
    assert audit.scan_run(out).empty
