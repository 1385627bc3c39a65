"""Notebook 03 runs standalone (papermill) on the demo study; its CSV matches an independent recomputation."""
import html
import math

import notebook_helpers as nbh
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from etude import paths, survey
from etude.survey import codebook

NOTEBOOK = paths.notebooks_dir() / "03_acheteurs_vs_entreprises.ipynb"
COLUMNS = ["wave", "theme", "label", "n_buyers", "pct_buyers", "n_companies", "pct_companies", "diff", "diff_ci_low",
           "diff_ci_high", "test", "p_value", "p_adjusted", "cohens_h", "diff_ci_low_adj", "diff_ci_high_adj",
           "separated", "reason", "missing"]
PARAMETERS = {"study": "", "wave": 0, "lang": "fr", "alpha": 0.05, "test": "fisher", "padjust": "bonferroni",
              "min_cell": 5, "output_dir": ""}


def test_notebook_is_committed_clean_with_its_parameters_first():
    nb = nbh.read_notebook(NOTEBOOK)
    code = nbh.code_cells(nb)
    nbh.assert_clean_with_parameters_first(nb, PARAMETERS)
    assert 1 <= len(nbh.slide_cells(nb)) <= 6  # issue 29: one slide per finding (the gaps repeat the mirror's)
    assert all(len("".join(c["source"]).splitlines()) <= 12 for c in code)  # thin cells


def _run(tmp_path, **parameters):
    out = tmp_path / "run"
    return out, nbh.run_papermill(NOTEBOOK, tmp_path / "out.ipynb", output_dir=str(out), **parameters)


Z975 = stats.norm.ppf(0.975)


def _wilson(x, n, z=Z975):
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def _independent(wave=2017):
    """Theme counts from the raw respondent tables with plain pandas, tests with scipy, Bonferroni by hand."""
    tables = survey.load_study()
    counts = {}
    for population in ("buyers", "companies"):
        df = tables[population][tables[population]["wave"] == wave]
        items = codebook.items(population)
        answered = df[list(items["code"])].notna().any(axis=1)
        for theme, codes in items.groupby("theme")["code"]:
            cited = df[list(codes)].eq(True).any(axis=1) & answered
            counts[(population, theme)] = (int(cited.sum()), int(answered.sum()))
    rows = {}
    for theme in codebook.themes()["code"]:
        if ("buyers", theme) not in counts or ("companies", theme) not in counts:
            continue
        (c1, n1), (c2, n2) = counts[("buyers", theme)], counts[("companies", theme)]
        p1, p2 = c1 / n1, c2 / n2
        (l1, u1), (l2, u2) = _wilson(c1, n1), _wilson(c2, n2)
        rows[theme] = {"n_buyers": n1, "pct_buyers": p1, "n_companies": n2, "pct_companies": p2, "diff": p1 - p2,
                       "diff_ci_low": p1 - p2 - math.hypot(p1 - l1, u2 - p2),
                       "diff_ci_high": p1 - p2 + math.hypot(u1 - p1, p2 - l2),
                       "p_value": stats.fisher_exact([[c1, n1 - c1], [c2, n2 - c2]]).pvalue,
                       "cohens_h": 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2))}
    themes = list(rows)
    for t in themes:  # Bonferroni, the correction of the interval printed beside it
        rows[t]["p_adjusted"] = min(1.0, len(themes) * rows[t]["p_value"])
    return pd.DataFrame(rows).T


@pytest.mark.slow
def test_notebook_runs_on_the_demo_study_and_its_csv_matches_an_independent_computation(tmp_path):
    out, nb = _run(tmp_path, wave=2017)  # the published wave (the default, 0, is the latest common wave)
    table = pd.read_csv(out / "tables" / "comparaison_themes.csv")
    assert list(table.columns) == COLUMNS
    assert set(table["wave"]) == {2017}  # the wave compared, so that a reader and the audit know it
    expected = _independent()
    got = table.set_index("theme")
    assert set(expected.index) == set(got.index[got["test"] == "fisher"])
    for theme, row in expected.iterrows():
        for col, value in row.items():
            assert got.loc[theme, col] == pytest.approx(value, rel=1e-9, abs=1e-12), (theme, col)
    tested = got[got["test"] == "fisher"]  # adjusted (Bonferroni) intervals contain the unadjusted ones
    assert (tested["diff_ci_low_adj"] <= tested["diff_ci_low"]).all()
    assert (tested["diff_ci_high_adj"] >= tested["diff_ci_high"]).all()
    # one decision rule: separated exactly when the adjusted p-value and the adjusted interval both say so
    excludes = (tested["diff_ci_low_adj"] > 0) | (tested["diff_ci_high_adj"] < 0)
    assert (tested["separated"].astype(bool) == ((tested["p_adjusted"] < 0.05) & excludes)).all()
    soutien = got.loc["soutien"]
    assert soutien["test"] == "not_comparable" and pd.isna(soutien["p_adjusted"]) and pd.isna(soutien["n_companies"])
    shares = table[["pct_buyers", "pct_companies"]].to_numpy(dtype=float).ravel()
    assert ((shares[~np.isnan(shares)] >= 0) & (shares[~np.isnan(shares)] <= 1)).all()
    for name in ("miroir_themes", "ecarts_themes"):
        assert (out / "figures" / f"{name}_slide.png").exists() and (out / "figures" / f"{name}.svg").exists()
    groups = pd.read_csv(out / "tables" / "comparaison_types_acheteurs.csv")
    # under the one small-group rule (etude.safety.disclosure, issue 27) the demo's 4 collectivités are published
    # within « Autres acheteurs publics » (with 3 santé and 3 autres: 10), as the profile publishes them; no group
    # size under 5 is printed: the demo study does not opt in (publish_small_groups)
    assert set(groups["group1"]) | set(groups["group2"]) == {"etat", "autre"}
    assert set(groups["n1"]) == {15} and set(groups["n2"]) == {10}  # 15 of the 17 État buyers answered
    assert (groups["status"] == "compared").all()
    text = nbh.shown_text(nb, include_source=True)
    assert "Données simulées — ne pas citer" in text
    assert "Autres acheteurs publics : " in html.unescape(text)  # cell values are HTML-escaped
    assert "Collectivités territoriales : " not in html.unescape(text)
    assert "Guide de lecture" in text
    assert "Traceback" not in text
    assert "Cette partie montre la vague 2017." in text  # issue 29: no « carnet » in what a reader reads


@pytest.mark.slow
def test_notebook_options_chi2_and_bh(tmp_path):
    out, _ = _run(tmp_path, test="chi2", padjust="fdr_bh", min_cell=3)
    table = pd.read_csv(out / "tables" / "comparaison_themes.csv")
    assert set(table["test"]) == {"chi2", "not_comparable"}
    groups = pd.read_csv(out / "tables" / "comparaison_types_acheteurs.csv")
    assert (groups["status"] == "compared").any()
