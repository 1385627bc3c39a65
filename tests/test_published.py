"""The audit of every published number (issue 27 item 2): small explicit fixtures a reader can check by hand."""
from __future__ import annotations

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from etude.analysis import stats
from etude.publish.present import confidentiality
from etude.safety import disclosure, published, recovery
from etude.survey.context import Context


def _eti_ge_tables(pct_all):
    """2018 companies: 50 micro, 8 « 250 salariés et plus » (6 ETI + 2 GE, the members merged away)."""
    profile = pd.DataFrame({"population": "companies", "wave": 2018, "attribute": "size_class",
                            "value": ["micro", "ge250"], "n": [50, 8], "n_total": 58, "suppressed": False})
    grouped = pd.DataFrame({"population": "companies", "wave": 2018, "group": "size_class",
                            "group_value": "ge250", "item": ["e_moyens", "e_delais", "e_juridique"],
                            "n_base": 8, "count": [5, 2, 3], "pct_all": pct_all, "suppressed": False})
    return {"tables/profil_entreprises.csv": profile, "tables/freins_par_groupe.csv": grouped}


def test_a_merged_row_that_kept_a_members_pct_all_gives_the_members_away():
    # ETI's 6 firms cite e_moyens 4 times, e_delais once, e_juridique 3 times: sixths, not eighths.
    # 8 − 6 = 2: both GE firms are counted exactly, then their answers by subtraction.
    leak = published.subgroup_findings(_eti_ge_tables([4 / 6, 1 / 6, 3 / 6]))
    assert leak[["column", "low", "high", "reason"]].values.tolist() == [["pct_all", 2, 2, "subgroup"]]
    assert leak["cell"].iloc[0][:4] == ("companies", "2018", "size_class", "ge250")
    # recomputed from the merged group's own 8 respondents: nothing to find
    assert published.subgroup_findings(_eti_ge_tables([5 / 8, 2 / 8, 3 / 8])).empty


def test_a_wilson_bound_gives_a_suppressed_count_back():
    low, high = proportion_confint(2, 8, alpha=0.05, method="wilson")
    assert published.wilson_counts(low, 8) == [2] and published.wilson_counts(high, 8, side="high") == [2]
    t = pd.DataFrame({"population": "companies", "wave": 2018, "item": ["e_moyens"], "n_base": [8],
                      "count": [None], "pct": [None], "ci_low": [low], "ci_high": [None], "suppressed": [True]})
    filled, found = published.check_numbers({"t.csv": t})
    derived = found[found["reason"] == "derived"]
    assert derived[["column", "low", "high"]].values.tolist() == [["ci_low", 2.0, 2.0]]
    assert float(filled["t.csv"].at[0, "count"]) == 2.0  # the linear program then starts from it
    assert "suppressed_number" in set(found["reason"])  # and the bound should never have been left there


def test_the_audit_of_a_run_folder_catches_both_leaks(tmp_path):
    low, _ = proportion_confint(1, 6, alpha=0.05, method="wilson")
    tables = _eti_ge_tables([4 / 6, 1 / 6, 3 / 6])
    tables["tables/freins_wilson.csv"] = pd.DataFrame({
        "population": "companies", "wave": 2018, "item": ["e_moyens"], "n_base": [6], "count": [None],
        "ci_low": [low], "suppressed": [True]})
    (tmp_path / "tables").mkdir()
    for name, t in tables.items():
        t.to_csv(tmp_path / name, index=False)
    found = recovery.audit_run(tmp_path)
    assert {"subgroup", "derived"} <= set(found["reason"])
    lines = confidentiality.audit_lines(found)
    assert any("le reste du groupe vaut entre 2 et 2" in line for line in lines)
    assert any("redonné par la colonne « ci_low » : 1" in line for line in lines)


def test_small_groups_and_whole_group_shares_are_findings_unless_opted_in():
    t = pd.DataFrame({"population": "buyers", "wave": 2017, "group": "buyer_type",
                      "group_value": ["collectivite", "autre", "autre"], "item": ["b_temps", "b_temps", "b_donnees"],
                      "n_base": [4, 7, 7], "count": [4, 3, 0], "pct": [1.0, 3 / 7, 0.0], "suppressed": False})
    found = published.small_group_findings({"g.csv": t})
    assert found[["row", "column", "reason"]].values.tolist() == [
        [2, "n_base", "small_group"], [4, "pct", "whole_group"]]
    chosen = published.small_group_findings({"g.csv": t}, protect=disclosure.protected_populations(True))
    assert chosen.empty


def test_merged_neighbours_recompute_their_shares_from_their_members():
    # 6 État services, 2 collectivités and 3 others: the 2 collectivités are published within « autre » (5)
    df = pd.DataFrame({"population": "buyers", "wave": 2017,
                       "buyer_type": ["etat"] * 6 + ["collectivite"] * 2 + ["autre"] * 3,
                       "b_temps": pd.array([True] * 3 + [False] * 3 + [True, True] + [False] * 3, dtype="boolean")})
    t = stats.frequencies(df, ["b_temps"], by="buyer_type", ctx=Context(min_cell=5))
    assert sorted(t["buyer_type"]) == ["autre", "etat"]
    autre = t[t["buyer_type"] == "autre"].iloc[0]
    assert (int(autre["n_base"]), int(autre["count"]), float(autre["pct_all"])) == (5, 2, 2 / 5)
    profile = disclosure.suppress_small(stats.profile(df, "buyer_type", by_wave=True))
    assert profile[["value", "n"]].values.tolist() == [["etat", 6], ["autre", 5]]


def test_a_whole_group_share_is_suppressed_with_a_cell_that_protects_it():
    # autre (6 answered) never cites b_donnees; État (20) cites it 9 times, collectivités (8) twice; total 11
    t = pd.DataFrame({"population": "buyers", "wave": 2018, "group": "buyer_type",
                      "group_value": ["etat", "etat", "collectivite", "collectivite", "autre", "autre"],
                      "item": ["b_temps", "b_donnees"] * 3, "n_base": [20, 20, 8, 8, 6, 6],
                      "count": [10, 9, 4, 2, 3, 0], "pct": [.5, .45, .5, .25, .5, 0.0]})
    out = disclosure.suppress_small(t)
    hidden = out[out["suppressed"]][["group_value", "item"]].values.tolist()
    assert ["autre", "b_donnees"] in hidden and ["collectivite", "b_donnees"] in hidden
    assert not out[(out["item"] == "b_temps")]["suppressed"].any()  # the groups' other items stay published
    overall = pd.DataFrame({"population": "buyers", "wave": 2018, "item": ["b_temps", "b_donnees"],
                            "n_base": [34, 34], "count": [17, 11]})
    assert recovery.audit_tables({"g.csv": out, "o.csv": overall}, exact_margins=True).empty


def test_the_study_choice_reaches_read_study_the_cli_audit_and_the_caption(tmp_path):
    import json
    import shutil

    from etude import cli, paths, survey
    from etude.publish import present
    assert survey.read_study()["publish_small_groups"] is False  # the demo does not opt in
    study = tmp_path / "study"
    shutil.copytree(paths.default_study().parent, study)
    with open(study / "etude.yaml", "a", encoding="utf-8") as f:
        f.write("\npublish_small_groups: true\n")
    assert survey.read_study(study / "etude.yaml")["publish_small_groups"] is True
    run = tmp_path / "run"
    run.mkdir()
    assert not cli._study_opted_in(run)  # no manifest: the default rule
    (run / "manifest.json").write_text(json.dumps({"study": {"publish_small_groups": True}}), encoding="utf-8")
    assert cli._study_opted_in(run)
    caption = present.shown(pd.DataFrame({"a": [1]}), simulated=False, opt_in=True, lang="en").to_html()
    assert "The study's choice: small groups of public buyers" in caption and "publish_small_groups" not in caption


def test_a_share_of_mentions_beside_a_withheld_item_gives_it_back_so_the_block_prints_none():
    # « autre » (6 answered) cites b_temps 3 times, b_donnees 2 times and b_desinteret never (0 %: withheld, the
    # whole group answered alike). Mentions: 3 + 2 + 0 = 5, so b_temps' share of mentions, 3/5 = 60 %, tells a
    # reader that the mentions total 5, and 5 − 3 − 2 = 0: the withheld count, exactly.
    t = pd.DataFrame({"population": "buyers", "wave": 2018, "group": "buyer_type", "group_value": "autre",
                      "item": ["b_temps", "b_donnees", "b_desinteret"], "n_base": 6, "count": [3, 2, 0],
                      "pct": [3 / 6, 2 / 6, 0.0], "pct_mentions": [3 / 5, 2 / 5, 0.0], "rank": [1, 2, 3],
                      "letters": ["a", "ab", "b"]})
    out = disclosure.suppress_small(t)
    assert out["suppressed"].tolist() == [False, False, True]
    # nothing compares with the hidden row (the analysis, which holds the respondents, letters them again among
    # themselves: tests/test_rankings.py)
    assert out["pct_mentions"].isna().all() and out["letters"].isna().all()
    assert out["count"].tolist()[:2] == [3, 2] and out["rank"].tolist()[:2] == [1, 2]  # the rest is published
    # the audit reads what a table would still print: each number is a finding, worded for the reader
    leaky = t.assign(suppressed=[False, False, True], count=[3, 2, None], pct=[0.5, 2 / 6, None],
                     pct_mentions=[0.6, 0.4, None], letters=["a", "ab", None], rank=[1, 2, None])
    found = published.related_numbers({"g.csv": leaky})
    assert found[["row", "column"]].values.tolist() == [[2, "pct_mentions"], [3, "pct_mentions"]]
    assert published.related_numbers({"g.csv": out}).empty
    line = confidentiality.audit_lines(found)[0]
    assert "part des mentions publiée dans un groupe dont une ligne est masquée" in line
    # a block without a withheld row keeps both: the rule removes only what compares with a hidden item
    other = t.assign(group_value="etat", n_base=20, count=[9, 6, 4], pct=[.45, .3, .2])
    kept = disclosure.suppress_small(other)
    assert kept["letters"].tolist() == ["a", "ab", "b"] and kept["pct_mentions"].notna().all()
