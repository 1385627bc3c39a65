"""Precision planning, margins, response rates and weights (analysis/precision, analysis/weights, study margins),
checked against independent computations: a brute-force search with statsmodels' Wilson interval, a table-based
iterative fit, plain formulas for post-stratified shares, Kish's design effect and effective size."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats as st
from statsmodels.stats.proportion import proportion_confint

from etude import cli, paths, survey
from etude.analysis import precision, stats
from etude.analysis import weights as W
from etude.errors import InputError, ParameterError
from etude.publish.present import weights as present

# ------------------------------------------------------------------------------------------------ precision


def _wilson_half(n, p, confidence, population=None):
    """statsmodels' Wilson interval on n (or the corrected n), halved."""
    m = n if population is None else n * (population - 1) / (population - n)
    low, high = proportion_confint(p * m, m, alpha=1 - confidence, method="wilson")
    return (high - low) / 2


@pytest.mark.parametrize("target,p,confidence,population", [
    (0.10, 0.5, 0.95, None), (0.05, 0.5, 0.95, None), (0.10, 0.2, 0.95, None), (0.08, 0.5, 0.90, None),
    (0.10, 0.5, 0.95, 27), (0.10, 0.5, 0.95, 650), (0.05, 0.3, 0.99, 2000)])
def test_sample_size_is_the_smallest_size_whose_wilson_interval_is_that_narrow(target, p, confidence, population):
    needed = precision.sample_size(target, proportion=p, confidence=confidence, population=population)
    assert _wilson_half(needed, p, confidence, population) <= target + 1e-12
    if needed > 1:
        assert _wilson_half(needed - 1, p, confidence, population) > target
    assert math.isclose(precision.half_width(needed, proportion=p, confidence=confidence, population=population),
                        _wilson_half(needed, p, confidence, population), rel_tol=1e-9)


def test_the_hand_computation_of_the_docstring():
    assert precision.sample_size(0.10) == 93 and precision.sample_size(0.10, population=27) == 22
    assert round(precision.half_width(93), 4) == 0.0996 and round(precision.half_width(92), 4) == 0.1001


@pytest.mark.parametrize("kwargs", [{"target": 0}, {"target": 0.6}, {"target": 0.1, "confidence": 1.2},
                                    {"target": 0.1, "proportion": -0.1}, {"target": 0.1, "population": 0}])
def test_impossible_precision_requests_are_refused(kwargs):
    target = kwargs.pop("target")
    with pytest.raises(ParameterError):
        precision.sample_size(target, **kwargs)


def test_sample_size_command_agrees_with_the_formula(capsys):
    assert cli.main(["sample-size", "--half-width", "0.10"]) == 0
    out = capsys.readouterr().out
    assert "il faut 93 répondants" in out
    n = int(survey.load_study()["buyers"].query("wave == 2018").shape[0])
    size = sum(survey.read_study()["margins"]["buyers"]["buyer_type"]["counts"].values())  # the demo's margins

    def points(**kw):
        return f"{100 * precision.half_width(n, **kw):.1f}".replace(".", ",")
    assert (f"avec {n} répondants sur une population de {size}, une part de 50\u202f% est connue à "
            f"± {points(population=size)} points ({points()} points sans tenir compte") in out
    assert cli.main(["sample-size", "--half-width", "0.10", "--population", "27", "--lang", "en"]) == 0
    assert "22 respondents are needed out of a population of 27" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------------ weights

@pytest.fixture
def sample():
    rng = np.random.default_rng(11)
    n = 60
    return pd.DataFrame({
        "wave": 2019,
        "t": rng.choice(["a", "b", "c"], size=n, p=[0.6, 0.3, 0.1]),
        "d": rng.choice(["x", "y"], size=n, p=[0.7, 0.3]),
        "i1": pd.array(rng.random(n) < 0.5, dtype="boolean"),
        "i2": pd.array(rng.random(n) < 0.3, dtype="boolean"),
    })


MARGINS = {"t": {"counts": {"a": 300, "b": 500, "c": 200}, "source": "S", "year": 2018},
           "d": {"counts": {"x": 400, "y": 600}, "source": "S", "year": 2018}}


def test_post_stratification_equals_the_plain_formula(sample):
    w = W.compute_weights(sample, {"t": MARGINS["t"]}, trim=None)
    n_g = sample["t"].value_counts()
    share = {g: c / 1000 for g, c in MARGINS["t"]["counts"].items()}
    expected = sample["t"].map(lambda g: share[g] / (n_g[g] / len(sample)))
    np.testing.assert_allclose(w.to_numpy(), expected.to_numpy(), rtol=1e-12)
    # post-stratified share = Σ_g W_g p_g
    t = stats.frequencies(sample, ["i1", "i2"], weights=w)
    p_g = sample.groupby("t")["i1"].mean()
    assert math.isclose(t.set_index("item").at["i1", "pct_w"], sum(share[g] * p_g[g] for g in share), rel_tol=1e-12)
    # Kish, by hand
    deff = len(w) * sum(x * x for x in w) / sum(w) ** 2
    assert math.isclose(w.attrs["deff"], deff) and math.isclose(w.attrs["n_eff"], len(w) / deff)


def _table_ipf(sample):
    """Iterative fit of the sample's t × d table to both margins, on the table (not on respondents)."""
    ts, ds = ["a", "b", "c"], ["x", "y"]
    table = np.array([[((sample["t"] == a) & (sample["d"] == b)).sum() for b in ds] for a in ts], dtype=float)
    fit = table.copy()
    rows = np.array([MARGINS["t"]["counts"][a] for a in ts], dtype=float)
    cols = np.array([MARGINS["d"]["counts"][b] for b in ds], dtype=float)
    for _ in range(5000):
        fit *= (rows / fit.sum(axis=1))[:, None]
        fit *= (cols / fit.sum(axis=0))[None, :]
    cell = {(a, b): fit[i, j] / table[i, j] for i, a in enumerate(ts) for j, b in enumerate(ds) if table[i, j]}
    return np.array([cell[(a, b)] for a, b in zip(sample["t"], sample["d"])])


def test_raking_meets_every_margin_and_equals_a_table_fit(sample):
    w = W.compute_weights(sample, MARGINS, trim=None)
    assert w.attrs["method"] == "raking" and w.attrs["converged"] and w.attrs["max_error"] < 1e-8
    for attr, margin in MARGINS.items():
        got = w.groupby(sample[attr]).sum() / w.sum() * 1000
        for g, target in margin["counts"].items():
            assert math.isclose(got[g], target, rel_tol=1e-8), (attr, g)
    expected = _table_ipf(sample)
    np.testing.assert_allclose(w.to_numpy(), expected / expected.mean(), rtol=1e-7)


def test_weighted_shares_and_intervals_on_the_effective_size(sample):
    w = W.compute_weights(sample, MARGINS, trim=None)
    t = stats.frequencies(sample, ["i1", "i2"], weights=w)
    assert t.columns.tolist() == [*stats.FREQ_COLUMNS, *W.WEIGHTED_COLUMNS]
    x, ww = sample["i2"].astype(bool).to_numpy(), w.to_numpy()
    share, n_eff = (x * ww).sum() / ww.sum(), ww.sum() ** 2 / (ww ** 2).sum()
    row = t.set_index("item").loc["i2"]
    assert math.isclose(row["pct_w"], share) and math.isclose(row["n_eff"], n_eff)
    z = st.norm.ppf(0.975)  # Wilson on n_eff, written out
    centre = (share + z * z / (2 * n_eff)) / (1 + z * z / n_eff)
    half = z / (1 + z * z / n_eff) * math.sqrt(share * (1 - share) / n_eff + z * z / (4 * n_eff ** 2))
    assert math.isclose(row["ci_low_w"], centre - half) and math.isclose(row["ci_high_w"], centre + half)


def test_without_weights_the_frequency_table_is_unchanged(sample):
    plain = stats.frequencies(sample, ["i1", "i2"], by="t")
    assert plain.columns.tolist() == ["t", *stats.FREQ_COLUMNS]
    w = W.compute_weights(sample, MARGINS)
    weighted = stats.frequencies(sample, ["i1", "i2"], by="t", weights=w)
    pd.testing.assert_frame_equal(weighted[plain.columns], plain)
    within = weighted[weighted["t"] == "a"].set_index("item")  # by group, the group's own weights
    part, wa = sample[sample["t"] == "a"], w[sample["t"] == "a"]
    assert math.isclose(within.at["i1", "pct_w"], (part["i1"].astype(bool) * wa).sum() / wa.sum())


def test_trimming_caps_the_weights_and_says_so():
    df = pd.DataFrame({"wave": 2019, "t": ["a"] * 40 + ["b"] * 2})
    w = W.compute_weights(df, {"t": {"counts": {"a": 50, "b": 50}}}, trim=3.0)
    assert w.max() <= 3.0 * w.mean() + 1e-9 and w.attrs["trimmed"] == 2
    assert not w.attrs["converged"] and w.attrs["max_error"] > 0.1  # one margin: the bound wins over the margin
    untrimmed = W.compute_weights(df, {"t": {"counts": {"a": 50, "b": 50}}}, trim=None)
    assert untrimmed.max() > 10 and untrimmed.attrs["deff"] > w.attrs["deff"]


def test_missing_attributes_and_empty_groups():
    df = pd.DataFrame({"wave": 2019, "t": ["a", "a", "b", None, "b"]})
    w = W.compute_weights(df, {"t": {"counts": {"a": 10, "b": 30, "c": 60}}})
    assert w.isna().tolist() == [False, False, False, True, False]
    assert w.attrs["n_weighted"] == 4 and w.attrs["empty_groups"] == "t=c"
    assert math.isclose(w[df["t"] == "b"].sum() / w.sum(), 0.75)  # a and b keep their 1:3 ratio
    with pytest.raises(ParameterError, match="population est 0"):
        W.compute_weights(df, {"t": {"counts": {"a": 10, "b": 0}}})


def test_representativeness_and_response_rates(sample):
    r = W.representativeness(sample, MARGINS, population="buyers")
    a = r[(r["attribute"] == "t") & (r["value"] == "a")].iloc[0]
    n_a = int((sample["t"] == "a").sum())
    assert a["n"] == n_a and math.isclose(a["response_rate"], n_a / 300)
    assert math.isclose(a["gap"], n_a / len(sample) - 0.3)
    fit = W.goodness_of_fit(r).set_index("attribute")
    observed = sample["t"].value_counts().reindex(["a", "b", "c"]).to_numpy()
    expected = st.chisquare(observed, len(sample) * np.array([0.3, 0.5, 0.2]))
    assert math.isclose(fit.at["t", "statistic"], expected.statistic) and fit.at["t", "method"] == "chi2"
    assert math.isclose(fit.at["t", "pvalue"], expected.pvalue)


def test_monte_carlo_p_value_agrees_with_exact_enumeration():
    observed, p = np.array([6.0, 3.0, 1.0]), np.array([0.2, 0.5, 0.3])
    n, expected = 10, 10 * p
    stat = ((observed - expected) ** 2 / expected).sum()
    exact = sum(st.multinomial.pmf(x, n, p) for x in itertools.product(range(n + 1), repeat=3) if sum(x) == n
                and ((np.array(x) - expected) ** 2 / expected).sum() >= stat - 1e-12)
    table = pd.DataFrame({"population": "buyers", "wave": 2019, "attribute": "t", "value": list("abc"),
                          "n": observed.astype(int), "n_total": n, "population_share": p})
    fit = W.goodness_of_fit(table).iloc[0]
    assert fit["method"] == "chi2_monte_carlo" and abs(fit["pvalue"] - exact) < 0.015


def test_a_protected_population_is_weighted_and_compared_on_published_categories():
    df = pd.DataFrame({"wave": 2019, "size_class": ["micro"] * 30 + ["pme"] * 20 + ["eti"] * 3 + ["ge"] * 2})
    margins = {"size_class": {"counts": {"micro": 600, "pme": 300, "eti": 70, "ge": 30}, "source": "S", "year": 2018}}
    rep, fit = W.study_representativeness(df, margins, population="companies")
    assert rep["value"].tolist() == ["micro", "pme", "ge250"] and rep["n"].tolist() == [30, 20, 5]
    w = W.study_weights(df, margins, population="companies")
    assert w.attrs["status"] == "ok" and math.isclose(w[df["size_class"].isin(["eti", "ge"])].sum() / w.sum(), 0.1)
    small = df.iloc[:52]  # eti + ge = 2: too small to publish anything built on it
    rep, fit = W.study_representativeness(small, margins, population="companies")
    assert rep["suppressed"].any() and fit["method"].tolist() == ["hidden"]
    assert W.study_weights(small, margins, population="companies").attrs["status"] == "small_cell"
    assert "moins de 5" in present.weights_text({"status": "small_cell"}, population="companies")


def test_leader_sentence_when_weighting_changes_the_leading_item():
    t = pd.DataFrame({"item": ["b_temps", "b_financier"], "pct": [0.5, 0.4], "pct_w": [0.35, 0.45]})
    assert "« Freins financiers » passe en tête" in present.leader_text(t)
    t["pct_w"] = [0.5, 0.3]
    assert "ne change pas" in present.leader_text(t)


# ------------------------------------------------------------------------------------------------ study margins

def _study(tmp_path, margins) -> str:
    doc = {"title": "t", "buyers": [{"wave": 2017, "file": str(paths.demo_dir() / "acheteurs_2017_simule.csv")}],
           "margins": margins}
    path = tmp_path / "etude.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_study_margins_are_read_by_code_label_or_synonym(tmp_path):
    counts = {"État": 100, "collectivite": 300, "Établissements de santé": 50, "autre": 20}
    spec = survey.read_study(_study(tmp_path, {"buyers": {"buyer_type": {"source": "S", "year": 2017,
                                                                          "counts": counts}}}))
    assert spec["margins"]["buyers"]["buyer_type"]["counts"] == {"etat": 100, "collectivite": 300, "sante": 50,
                                                                 "autre": 20}
    assert survey.read_study()["margins"]["buyers"]  # the demo declares (simulated) margins


@pytest.mark.parametrize("margin,message", [
    ({"buyer_type": {"source": "S", "year": 2017, "counts": {"ministere": 3}}}, "groupe inconnu"),
    ({"buyer_type": {"source": "S", "year": 2017, "counts": {"etat": -1, "collectivite": 1, "sante": 1,
                                                              "autre": 1}}}, "effectif impossible"),
    ({"buyer_type": {"source": "S", "year": 2017, "counts": {"etat": 1}}}, "groupe sans effectif"),
    ({"buyer_type": {"year": 2017, "counts": {"etat": 1, "collectivite": 1, "sante": 1, "autre": 1}}},
     "clé manquante"),
    ({"organisation": {"source": "S", "year": 2017, "counts": {"mel": 1}}}, "attribut inconnu ou ouvert"),
])
def test_bad_margins_name_the_file_the_key_and_what_was_expected(tmp_path, margin, message):
    with pytest.raises(InputError) as exc:
        survey.read_study(_study(tmp_path, {"buyers": margin}))
    found = [p for p in exc.value.problems if p["message"] == message]
    assert found and found[0]["column"].startswith("margins.buyers.") and found[0]["expected"]
    assert found[0]["file"].endswith("etude.yaml")


def test_a_wave_without_the_margins_attributes_is_not_weighted_and_says_so():
    df = pd.DataFrame({"wave": 2019, "t": [None, None, None]})
    w = W.compute_weights(df, {"t": {"counts": {"a": 10, "b": 30}}})
    assert w.isna().all() and w.attrs["status"] == "no_respondent"
    assert "aucun répondant" in present.weights_text(w.attrs, population="buyers")


def test_study_tables_follow_the_studys_opt_in_for_buyers():
    # notebook 08 passed no protected populations: a study publishing its buyers' small groups still had them
    # withheld there (issue 27, item 1); the study's context now decides, as everywhere else
    from etude.safety.disclosure import protected_populations
    from etude.survey.context import Context
    df = pd.DataFrame({"population": "buyers", "wave": 2019,
                       "buyer_type": ["etat"] * 12 + ["collectivite"] * 8 + ["sante"] * 3 + ["autre"] * 2})
    margins = {"buyers": {"buyer_type": {"counts": {"etat": 100, "collectivite": 60, "sante": 20, "autre": 20},
                                         "source": "S", "year": 2018}}}
    rep, _, summary, _ = W.study_tables({"buyers": df}, margins)
    assert rep["suppressed"].any()
    rep, _, summary, _ = W.study_tables({"buyers": df}, margins, ctx=Context(protect=protected_populations(True)))
    assert not rep["suppressed"].any() and rep.set_index("value").loc["sante", "n"] == 3
    assert summary["status"].tolist() == ["ok"]


def test_the_reader_tables_name_the_threshold_the_study_applied():
    # one channel for the threshold (issue 25): the study's context → the tables' attrs → the words « < 10 »
    from etude.survey.context import Context
    df = pd.DataFrame({"population": "companies", "wave": 2019,
                       "size_class": ["micro"] * 30 + ["pme"] * 20 + ["eti"] * 7 + ["ge"] * 2})
    margins = {"companies": {"size_class": {"counts": {"micro": 600, "pme": 300, "eti": 70, "ge": 30},
                                            "source": "S", "year": 2018}}}
    rep, fit, summary, _ = W.study_tables({"companies": df}, margins, ctx=Context(min_cell=10))
    assert rep["suppressed"].any() and summary["status"].tolist() == ["small_cell"]  # eti + ge = 9 < 10
    shown = present.format_representativeness(rep)
    assert "<\u202f10" in shown.iloc[:, 2].tolist()
    assert present.fit_text(fit) == ["Taille de l'entreprise : test non publié (un groupe de moins de 10 répondants "
                                     "est masqué)"]
    assert "moins de 10" in present.weights_lines(summary)[0]
    assert "moins de 5" in present.weights_lines(W.study_tables({"companies": df.iloc[:52]}, margins)[2])[0]
