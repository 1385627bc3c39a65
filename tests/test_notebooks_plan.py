"""Notebook 06 (remedies and action plan): committed clean, slides that state their message, run through the engine
on the demo study and standalone on a study whose questionnaires did not ask the remedies question."""
import math

import notebook_helpers as nbh
import pandas as pd
import pytest
import yaml
from statsmodels.stats.proportion import proportion_confint

from etude import engine, paths, survey
from etude.analysis import plan, stats
from etude.safety import audit
from etude.survey import demo

NAME = "06_leviers_plan_action"
NOTEBOOK = paths.notebooks_dir() / f"{NAME}.ipynb"
PARAMETERS = {"study": "", "wave": 0, "lang": "fr", "alpha": 0.05, "ci_method": "wilson", "min_cell": 5,
              "output_dir": ""}
SIMULATED = "Données simulées — ne pas citer"
SLIDE_TYPES = ("slide", "subslide")


def _slide_type(cell):
    return cell["metadata"].get("slideshow", {}).get("slide_type")


def test_notebook_is_committed_clean_with_documented_parameters_first():
    nb = nbh.read_notebook(NOTEBOOK)
    nbh.assert_clean_with_parameters_first(nb, PARAMETERS)
    code = nbh.code_cells(nb)
    assert all("  # " in line for line in "".join(code[0]["source"]).splitlines())  # each parameter documented
    assert all(len("".join(c["source"]).splitlines()) <= 8 for c in code[1:])  # thin cells
    assert engine.notebook_parameters(NOTEBOOK).keys() >= PARAMETERS.keys()
    assert "".join(nb["cells"][0]["source"]).startswith("# Leviers et plan d'action")


def test_each_slide_states_its_message_then_notes_follow():
    cells = nbh.read_notebook(NOTEBOOK)["cells"]
    slides = [k for k, c in enumerate(cells) if _slide_type(c) in SLIDE_TYPES and c["cell_type"] == "code"]
    # issue 29: the deck follows the restitution — each side's remedies right after its barriers, then next year's
    # objectives; the action plan frein by frein and the solutions' coverage are read in the report, not on slides
    assert [cells[k]["metadata"]["etude"]["section"] for k in slides] == [
        "barriers_buyers", "barriers_companies", "objectives_next"]
    for k in slides:
        source = "".join(cells[k]["source"])
        assert source.splitlines()[0].startswith("display(present.heading(") or \
            source.splitlines()[1].startswith("display(present.heading("), source
        assert cells[k + 1]["cell_type"] == "markdown" and _slide_type(cells[k + 1]) == "notes", k


def _slide_outputs(nb):
    """(first output, the rest) of every slide code cell of an executed notebook."""
    out = []
    for c in nb["cells"]:
        if c["cell_type"] == "code" and _slide_type(c) in SLIDE_TYPES:
            out.append(c["outputs"])
    return out


def _independent_leviers(tables):
    rows = []
    for population in ("buyers", "companies"):
        codes = stats.item_codes(population, "remedies")
        for wave, df in tables[population].groupby("wave"):
            base = df[codes].notna().any(axis=1)
            n = int(base.sum())
            for code in codes:
                k = int(df.loc[base, code].eq(True).sum())
                low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
                rows.append({"population": population, "wave": wave, "item": code, "n_base": n, "count": k,
                             "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows).set_index(["population", "wave", "item"])


@pytest.fixture(scope="module")
def engine_run(tmp_path_factory):
    return engine.reproduce(engine.RunOptions(notebooks=[NAME], out=tmp_path_factory.mktemp("out"), jobs=1))


@pytest.mark.slow
def test_engine_run_writes_leviers_and_plan_action(engine_run):
    assert engine_run.ok, engine_run.errors
    run = engine_run.run_dir
    leviers = pd.read_csv(run / "tables" / "leviers.csv")
    assert leviers.columns.tolist() == stats.FREINS_COLUMNS
    for population in ("buyers", "companies"):
        for _, part in leviers[leviers.population == population].groupby("wave"):
            assert sorted(part["item"]) == sorted(stats.item_codes(population, "remedies"))
    expected = _independent_leviers(survey.load_study())
    got = leviers.set_index(["population", "wave", "item"])
    for key, row in expected.iterrows():
        assert (got.loc[key, "n_base"], got.loc[key, "count"]) == (row["n_base"], row["count"]), key
        for col in ("ci_low", "ci_high"):
            assert math.isclose(got.loc[key, col], row[col], abs_tol=1e-9), (key, col)
    p = pd.read_csv(run / "tables" / "plan_action.csv")
    assert p.columns.tolist() == plan.PLAN_COLUMNS
    for population in ("buyers", "companies"):
        assert sorted(p.loc[p.population == population, "item"]) == sorted(stats.item_codes(population))
    assert p["remedy"].notna().all() and p["solutions"].notna().all() and p["objective"].notna().all()
    assert (p["status"] == "interprétation").all() and set(p["wave"]) == {2018}  # the demo's latest wave
    assert audit.scan_run(run).empty


@pytest.mark.slow
def test_engine_run_report_and_slides_show_remedies_and_plan(engine_run):
    run = engine_run.run_dir
    report = (run / "report.html").read_text(encoding="utf-8")
    assert "Leviers et plan d'action" in report and "Soutien hiérarchique" in report
    assert "Maintien de la dynamique impulsée par INNOVEMBER" in report
    slides = (run / "slides.html").read_text(encoding="utf-8")
    # on the demo, the paired tests separate no pair of the buyers' remedies (« ne se distingue »), and the
    # companies' first remedy from all but one (named): never « le levier le plus cité ». Issue 29: one short
    # message per slide; the action plan (a side's first barrier and its remedy) moved from the deck to the report
    assert "Acheteurs publics : aucun levier ne se distingue ; en tête, « Professionnalisation »" in slides \
        and "le levier le plus cité" not in slides
    assert "Entreprises innovantes : « Accès aux informations »" in slides and "en tête, non séparé de" in slides
    assert 'class="notes"' in slides and "en tête des freins" not in slides
    assert "« Besoins publics inconnus » (61,2\u202f%) en tête des freins, non séparé de " \
        "« Processus et formalisme » ; levier « Accès aux informations »" in report
    for svg in (run / "figures").glob("*.svg"):
        assert SIMULATED in svg.read_text(encoding="utf-8"), svg.name


def _without_remedies(tmp_path):
    """The demo written again from hypotheses that do not ask the remedies question."""
    h = demo.hypotheses()
    for waves in h.values():
        for spec in waves.values():
            spec.pop("remedies", None)
            spec.pop("skip_remedies", None)
    hyp = tmp_path / "hypotheses.yaml"
    hyp.write_text(yaml.safe_dump(h, allow_unicode=True, sort_keys=False), encoding="utf-8")
    demo.write_demo(tmp_path / "study", hypotheses_file=hyp)
    return tmp_path / "study" / "etude.yaml"


@pytest.mark.slow
def test_standalone_run_without_the_remedies_question_in_english(tmp_path):
    study = _without_remedies(tmp_path)
    assert not plan.has_remedies(survey.load_study(study))
    out = tmp_path / "run"
    nb = nbh.run_papermill(NOTEBOOK, tmp_path / "o.ipynb", cwd=paths.root(), study=str(study), lang="en",
                           wave=2017, output_dir=str(out))
    assert not (out / "tables" / "leviers.csv").exists()
    p = pd.read_csv(out / "tables" / "plan_action.csv")
    assert set(p["wave"]) == {2017} and p["remedy_pct"].isna().all() and p["remedy"].notna().all()
    text = nbh.shown_text(nb)
    assert "was not asked to public buyers" in text and "Simulated data — do not cite" in text
    for outputs in _slide_outputs(nb):
        first = "".join(outputs[0]["data"]["text/markdown"])
        assert first.startswith("## "), first
        for o in outputs[1:]:
            html = "".join(o.get("data", {}).get("text/html", ""))
            assert html.count("<tr") - 1 <= 8  # one table of at most 8 rows (plus its header)
