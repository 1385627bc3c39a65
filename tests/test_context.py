"""The study context (issue 25 item 4): a notebook reads its study and parameters once, and ``min_cell`` has one
channel — the context — that reaches :func:`etude.survey.load_study` (rare open answers grouped under it)."""
import csv
import dataclasses
import shutil

import notebook_helpers as nbh
import pandas as pd
import pytest

from etude import paths, survey
from etude.errors import InputError, ParameterError
from etude.survey.context import Context

RARE, RARER = "Mairie de Trifouilly", "Mairie de Perdu"


def _study_with_rare_organisations(folder):
    """A copy of the demo study whose 2017 buyers name two organisations unknown to the codebook: one given by
    three respondents, one by a single respondent."""
    shutil.copytree(paths.demo_dir(), folder, ignore=shutil.ignore_patterns("*.json", "*.zip"))
    export = folder / "acheteurs_2017_simule.csv"
    with export.open(encoding="cp1252", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    column = rows[0].index("Organisme")
    for row, value in zip(rows[1:5], [RARE, RARE, RARE, RARER]):
        row[column] = value
    with export.open("w", encoding="cp1252", newline="") as f:
        csv.writer(f, delimiter=";", lineterminator="\r\n").writerows(rows)
    return folder / "etude.yaml"


def _organisations(table):
    return table.query("wave == 2017")["organisation"].value_counts().to_dict()


def test_a_context_holds_the_parameters_and_the_read_study():
    ctx = survey.context("", lang="en", min_cell=3, alpha=0.1, ci_method="beta", wave=2017)
    assert (ctx.lang, ctx.min_cell, ctx.alpha, ctx.wave) == ("en", 3, 0.1, 2017)
    assert ctx.study == (paths.demo_dir() / "etude.yaml").resolve() and ctx.codebook is None
    assert ctx.ci_method == "beta"
    assert ctx.spec["margins"]["buyers"]["buyer_type"]["year"] == 2017
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.min_cell = 5
    with pytest.raises(TypeError):
        ctx.spec["title"] = "autre"


@pytest.mark.parametrize("bad", [{"lang": "de"}, {"min_cell": 0}, {"min_cell": 2.5}, {"alpha": 1.0}])
def test_a_context_refuses_parameters_out_of_bounds(bad):
    with pytest.raises(ValueError):
        survey.context(**bad)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "5"])
def test_a_context_built_directly_refuses_a_threshold_no_analysis_can_apply(bad):
    with pytest.raises(ParameterError, match="min_cell"):
        Context(min_cell=bad)


def test_a_context_names_every_problem_of_its_study_file(tmp_path):
    with pytest.raises(InputError):
        survey.context(tmp_path / "absent.yaml")


def test_each_load_is_a_fresh_copy():
    ctx = survey.context()
    first = ctx.load()
    first["buyers"].loc[:, "wave"] = 0
    assert (ctx.load()["buyers"]["wave"] > 0).all()


def test_min_cell_of_the_context_groups_rare_open_answers(tmp_path):
    study = _study_with_rare_organisations(tmp_path / "study")
    at_5 = _organisations(survey.context(study).load()["buyers"])
    at_3 = _organisations(survey.context(study, min_cell=3).load()["buyers"])
    assert RARE not in at_5 and RARER not in at_5 and at_5[survey.study.OTHER] == 4
    assert at_3[RARE] == 3 and RARER not in at_3 and at_3[survey.study.OTHER] == 1
    assert survey.load_study(study, min_cell=3)["buyers"].equals(survey.context(study, min_cell=3).load()["buyers"])


@pytest.mark.slow
def test_a_notebook_run_with_min_cell_3_groups_under_3(tmp_path):
    study = _study_with_rare_organisations(tmp_path / "study")
    out = tmp_path / "run"
    nb = nbh.run_papermill(paths.notebooks_dir() / "01_profil_repondants.ipynb", tmp_path / "o.ipynb",
                           output_dir=str(out), study=str(study), min_cell=3)
    assert "Traceback" not in nbh.shown_text(nb)
    profile = pd.read_csv(out / "tables" / "profil_acheteurs.csv")
    organisations = profile[(profile["wave"] == 2017) & (profile["attribute"] == "organisation")]
    counts = organisations.set_index("value")["n"].to_dict()
    # grouped at 3: the organisation given 3 times keeps its own row, the one given once joins « autre »; their counts
    # are the disclosure rule's (issue 27: buyers' « autre » of 1 is suppressed, and its smallest neighbour with it)
    assert RARE in counts and RARER not in counts and survey.study.OTHER in counts
    assert pd.isna(counts[survey.study.OTHER]) and pd.isna(counts[RARE])
