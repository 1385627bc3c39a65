"""What published counts reveal about suppressed cells: feasible ranges, the run-folder audit and its command."""
import math

import pandas as pd
import pytest
from disclosure_fixtures import profile_table

from etude import cli
from etude.errors import ParameterError
from etude.publish.present.confidentiality import audit_lines
from etude.safety import disclosure, recovery

_profile = profile_table


def test_the_issue_example_ge_2018_is_104_minus_54_42_6():
    published = _profile(["micro", "pme", "eti", "ge"], [54, 42, 6, None], n_total=104,
                         suppressed=[False, False, False, True])
    found = recovery.audit_tables({"tables/profil_entreprises.csv": published})
    assert found[["table", "row", "column", "low", "high"]].values.tolist() == [
        ["tables/profil_entreprises.csv", 5, "n", 2, 2]]
    assert audit_lines(found)[0] == (
        "tables/profil_entreprises.csv, ligne 5, colonne « n » (entreprises, vague 2018, size_class = ge) : "
        "valeur retrouvable entre 2 et 2 (écart 0, moins de 5)")
    assert audit_lines(found, lang="en")[0] == (
        "tables/profil_entreprises.csv, row 5, column n (companies, wave 2018, size_class = ge): "
        "value recoverable between 2 and 2 (width 0, less than 5)")


def test_feasible_ranges_use_integers_and_report_infeasible_systems():
    # 2x = 3 has no integer solution
    assert all(math.isnan(v) for v in recovery.feasible_ranges(1, [({0: 2}, 3)], [], [0])[0])
    assert recovery.feasible_ranges(1, [], [], [0]) == [(0, math.inf)]


def test_a_cell_need_not_vary_more_than_the_smallest_published_total_that_bounds_it():
    # a wave of 3 firms, every group and the overall row suppressed: each cell lies in 0–3, all the wave allows
    profile = _profile(["micro", "pme"], [None, None], n_total=3, suppressed=[True, True])
    grouped = pd.DataFrame({"population": "companies", "wave": 2018, "group": "size_class",
                            "group_value": ["micro", "pme"], "item": "e_moyens", "n_base": [None, None],
                            "count": [None, None], "suppressed": [True, True]})
    overall = pd.DataFrame({"population": ["companies"], "wave": [2018], "item": ["e_moyens"], "n_base": [None],
                            "count": [None]})
    tables = {"p.csv": profile, "g.csv": grouped, "o.csv": overall}
    found = recovery.audit_tables(tables)
    assert found.empty and found.attrs["checked"] == 2 + 2 + 2
    # the same cap still finds what subtraction gives away: with 3 firms and 1 citation published, and PME's
    # 1 firm and 0 citation shown, micro's base is 3 − 1 = 2 (so micro has 2 firms, PME 1) and its count 1 − 0
    shown = grouped.assign(n_base=[None, 1], count=[None, 0], suppressed=[True, False])
    found = recovery.audit_tables({**tables, "g.csv": shown, "o.csv": overall.assign(n_base=[3], count=[1])})
    assert found[["column", "low", "high", "required"]].values.tolist() == [
        ["n", 2, 2, 3], ["n", 1, 1, 3], ["n_base", 2, 2, 3], ["count", 1, 1, 1]]


def _write_run(root, profile):
    (root / "tables").mkdir(parents=True)
    profile.to_csv(root / "tables" / "profil_entreprises.csv", index=False)
    return root


def test_audit_run_reads_the_tables_of_a_run_folder(tmp_path):
    run = _write_run(tmp_path / "run", _profile(["micro", "pme", "eti", "ge"], [54, 42, 6, None], n_total=104,
                                                suppressed=[False, False, False, True]))
    found = recovery.audit_run(run)
    assert found["table"].tolist() == ["tables/profil_entreprises.csv"] and found["low"].tolist() == [2]
    with pytest.raises(ParameterError, match="introuvable"):
        recovery.audit_run(tmp_path / "nope")


def test_audit_command_prints_one_line_per_finding_and_exits_1(tmp_path, capsys):
    bad = _write_run(tmp_path / "bad", _profile(["micro", "pme", "eti", "ge"], [54, 42, 6, None], n_total=104,
                                                suppressed=[False, False, False, True]))
    assert cli.main(["audit", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "valeur retrouvable entre 2 et 2" in out and "size_class = ge" in out
    good = _write_run(tmp_path / "good", disclosure.suppress_small(_profile(["micro", "pme", "autre"], [50, 6, 2])))
    assert cli.main(["audit", str(good)]) == 0
    assert "2 cellule(s) masquée(s) vérifiée(s)" in capsys.readouterr().out
    assert cli.main(["audit", str(tmp_path / "nope")]) == 1
    assert "introuvable" in capsys.readouterr().err


def test_disclosure_re_exports_the_audit():
    assert disclosure.audit_run is recovery.audit_run and disclosure.audit_tables is recovery.audit_tables


def _ranked_group(count_b, rank):
    """One group of 40 companies, three items; b suppressed, its count blank; ``rank`` as published."""
    return pd.DataFrame({"population": "companies", "wave": 2018, "group": "size_class", "group_value": "pme",
                         "item": ["a", "b", "c"], "n_base": 40, "count": [20, count_b, 18], "rank": rank,
                         "suppressed": [False, True, False]})


def test_a_rank_narrows_a_suppressed_cell():
    # ranks over every item (method « min »): rank 3 for c says one item counts more than 18 besides a (20):
    # the suppressed b lies in 19–20, a range of width 1
    leak = recovery.audit_tables({"g.csv": _ranked_group(None, [1, None, 3])})
    assert leak[["column", "low", "high", "reason"]].values.tolist() == [["count", 19, 20, "recovered"]]
    # without the ranks, b lies anywhere in 0–40
    assert recovery.audit_tables({"g.csv": _ranked_group(None, [1, None, None])}).empty
    # ranked among the published items only (1, 2): b counts at most 18 — a range 0–18, nothing narrowed
    assert recovery.audit_tables({"g.csv": _ranked_group(None, [1, None, 2])}).empty


def test_ranks_among_the_published_items_say_nothing_of_the_suppressed_ones():
    # a 20 (rank 1), c 3 (rank 2): ranked among the published items (rank_published), b may be anything
    low = _ranked_group(None, [1, None, 2]).assign(count=[20, None, 3])
    assert recovery.audit_tables({"g.csv": low}).empty
    # tied ranks are equal counts: a rank shared by published counts of 20 and 3 cannot be
    tied = _ranked_group(None, [1, None, 1]).assign(count=[20, None, 3])
    assert recovery.audit_tables({"g.csv": tied})[["low", "high"]].isna().all(axis=None)
    # a suppressed row's own rank is not read (suppressed_numbers reports it): 1, 2, 2 with b's count hidden
    own = _ranked_group(None, [1, 2, 2])
    assert recovery.audit_tables({"g.csv": own}).empty


def test_rank_published_ranks_again_only_groups_with_suppressed_rows():
    t = pd.concat([_ranked_group(None, [1, None, 3]), _ranked_group(7, [1, 3, 2]).assign(
        group_value="micro", count=[20, 7, 18], suppressed=False)], ignore_index=True)
    assert recovery.rank_published(t, "group_value")["rank"].tolist() == [1, pd.NA, 2, 1, 3, 2]
    assert recovery.audit_tables({"g.csv": recovery.rank_published(t, "group_value")}).empty


# --- comparison tables (issue 27 item 2): groups compared by code, populations compared by theme ---------------

def _buyer_profile(n, *, n_total, wave=2017):
    """The buyer-type block of ``profil_acheteurs.csv`` (no ``population`` column: the file name says buyers)."""
    values = ["etat", "collectivite", "autre"]
    return pd.DataFrame({"wave": wave, "attribute": "buyer_type", "value": values, "label": values, "n": n,
                         "n_total": n_total, "suppressed": [pd.isna(v) for v in n]})


def _pairs(rows):
    """``comparaison_types_acheteurs.csv`` rows ``(code, group1, group2, n1, count1, n2, count2)``, as written
    (no ``wave`` nor ``population`` column; a withheld number is blank)."""
    out = pd.DataFrame(rows, columns=["code", "group1", "group2", "n1", "count1", "n2", "count2"])
    out["status"] = out[["n1", "count1", "n2", "count2"]].notna().all(axis=1).map({True: "compared",
                                                                                  False: "too_few"})
    return out


def _run(root, tables):
    (root / "tables").mkdir(parents=True)
    for name, t in tables.items():
        t.to_csv(root / "tables" / name, index=False)
    return root


def test_comparison_as_grouped_reads_each_group_once_and_the_rest_apart():
    from etude.analysis import compare
    assert recovery.REST_GROUP == compare.REST
    t = _pairs([("moyens", "etat", compare.REST, 17, 10, 14, 11), ("moyens", "autre", compare.REST, 6, None, 25,
                                                                   None)])
    out = recovery.comparison_as_grouped(t)
    assert out.fillna({"count": -1})[["group_value", "rest", "n_base", "count", "row", "suppressed"]
                                     ].values.tolist() == [
        ["etat", False, 17, 10, 2, False], ["etat", True, 14, 11, 2, False],
        ["autre", False, 6, -1, 3, True], ["autre", True, 25, -1, 3, True]]


def test_audit_finds_a_withheld_buyer_type_given_back_by_an_old_style_comparison(tmp_path):
    # 3 État buyers (no neighbour), 10 collectivités, 10 others: the profile withholds the État and the
    # collectivités (10 + 3 = 23 − 10); a comparison that still prints the collectivités' size gives 23 − 10 − 10 = 3
    profile = _buyer_profile([None, None, 10], n_total=23)
    old = _pairs([("moyens", "etat", "collectivite", None, None, 10, 6), ("moyens", "etat", "autre", None, None,
                                                                          10, 3),
                  ("moyens", "collectivite", "autre", 10, 6, 10, 3)])
    themes = pd.DataFrame({"theme": ["moyens"], "n_buyers": [23], "pct_buyers": [9 / 23], "n_companies": [90],
                           "pct_companies": [0.5]})
    published = {"profil_acheteurs.csv": profile, "comparaison_themes.csv": themes}
    found = recovery.audit_run(_run(tmp_path / "old", {**published, "comparaison_types_acheteurs.csv": old}))
    etat = found[found["cell"].map(lambda c: c[3] == "etat") & (found["reason"] == "recovered")]
    assert etat[["table", "row", "column", "low", "high"]].values.tolist() == [
        ["tables/profil_acheteurs.csv", 2, "n", 3, 3], ["tables/comparaison_types_acheteurs.csv", 2, "n_base", 3, 3],
        ["tables/comparaison_types_acheteurs.csv", 2, "count", 0, 0]]
    assert etat["cell"].iloc[0] == ("buyers", "2017", "buyer_type", "etat", None)
    assert cli.main(["audit", str(tmp_path / "old")]) == 1
    # the comparison as compare_groups now writes it: both withheld groups' sizes and counts blank
    new = _pairs([("moyens", "etat", "collectivite", None, None, None, None),
                  ("moyens", "etat", "autre", None, None, 10, 3), ("moyens", "collectivite", "autre", None, None,
                                                                  10, 3)])
    found = recovery.audit_run(_run(tmp_path / "new", {**published, "comparaison_types_acheteurs.csv": new}))
    assert found.empty and found.attrs["checked"] == 2 + 4


def test_audit_reads_a_group_set_against_the_rest_as_the_sum_of_the_others(tmp_path):
    from etude.analysis import compare
    profile = _buyer_profile([None, None, 10], n_total=23)
    # « collectivités vs the rest »: the rest is 13 = État + others, so the État is 13 − 10 = 3
    leaky = _pairs([("moyens", g, compare.REST, n1, c1, n2, c2) for g, n1, c1, n2, c2 in (
        ("etat", None, None, None, None), ("collectivite", None, None, 13, 5), ("autre", 10, 3, None, None))])
    found = recovery.audit_tables({"profil_acheteurs.csv": profile, "comparaison_types_acheteurs.csv": leaky})
    etat = found[found["cell"].map(lambda c: c[3] == "etat") & (found["column"] == "n_base")]
    assert etat[["table", "row", "low", "high"]].values.tolist() == [["comparaison_types_acheteurs.csv", 2, 3, 3]]
    safe = leaky.assign(n2=[None, None, None], count2=[None, None, None])
    assert recovery.audit_tables({"profil_acheteurs.csv": profile,
                                  "comparaison_types_acheteurs.csv": safe}).empty


def test_audit_reads_the_theme_comparison_as_each_populations_overall_counts():
    # the demo's case: 0 of 6 « autres » cite the theme (withheld), 5 of 17 État and 1 of 8 collectivités do; the
    # comparison of buyers and companies prints 31 buyers at 6/31: 6 − 5 − 1 gives the 0 back
    profile = _buyer_profile([17, 8, 6], n_total=31, wave=2018)
    groups = _pairs([("interet", "etat", "collectivite", 17, 5, 8, 1), ("interet", "etat", "autre", 17, 5, 6, None),
                     ("interet", "collectivite", "autre", 8, 1, 6, None)])
    themes = pd.DataFrame({"theme": ["interet"], "label": ["Intérêt"], "n_buyers": [31], "pct_buyers": [6 / 31],
                           "n_companies": [98], "pct_companies": [5 / 98]})
    tables = {"profil_acheteurs.csv": profile, "comparaison_types_acheteurs.csv": groups,
              "comparaison_themes.csv": themes}
    found = recovery.audit_tables(tables)
    assert found[["row", "column", "low", "high"]].values.tolist() == [[3, "count", 0, 0]]
    withheld = groups.assign(count1=[None] * 3, count2=[None] * 3)
    assert recovery.audit_tables({**tables, "comparaison_types_acheteurs.csv": withheld}).empty


def test_a_comparison_share_printed_without_its_count_gives_the_count_back():
    t = _pairs([("moyens", "etat", "autre", 17, 10, 6, None)]).assign(pct1=10 / 17, pct2=[4 / 6])
    assert recovery.comparison_as_grouped(t)["count"].tolist() == [10, 4]


def test_a_comparison_of_an_earlier_wave_is_audited_with_that_waves_tables(tmp_path):
    # 2017: 3 État buyers, 10 collectivités, 10 others (the État and the collectivités withheld, as above);
    # 2018: every type published. A 2017 comparison that prints the collectivités' size gives the État back —
    # but only when the audit reads it with 2017's profile, which its ``wave`` column says (notebook 03, -p wave=2017)
    profile = pd.concat([_buyer_profile([None, None, 10], n_total=23),
                         _buyer_profile([17, 8, 6], n_total=31, wave=2018)], ignore_index=True)
    old = _pairs([("moyens", "etat", "collectivite", None, None, 10, 6), ("moyens", "etat", "autre", None, None,
                                                                          10, 3),
                  ("moyens", "collectivite", "autre", 10, 6, 10, 3)])
    themes = pd.DataFrame({"wave": [2017], "theme": ["moyens"], "n_buyers": [23], "pct_buyers": [9 / 23],
                           "n_companies": [90], "pct_companies": [0.5]})
    tables = {"profil_acheteurs.csv": profile, "comparaison_themes.csv": themes}
    found = recovery.audit_run(_run(tmp_path / "said", {**tables,
                                                        "comparaison_types_acheteurs.csv": old.assign(wave=2017)}))
    etat = found[found["cell"].map(lambda c: c[:4] == ("buyers", "2017", "buyer_type", "etat"))]
    assert etat[["table", "column", "low", "high", "reason"]].values.tolist() == [
        ["tables/profil_acheteurs.csv", "n", 3, 3, "recovered"],
        ["tables/comparaison_types_acheteurs.csv", "n_base", 3, 3, "recovered"],
        ["tables/comparaison_types_acheteurs.csv", "count", 0, 0, "recovered"]]
    # read as the latest wave (2018, where its sizes do not fit), the same table gave no range at all
    # as compare_groups writes it now (both withheld groups blank), in its wave: nothing to find
    new = _pairs([("moyens", "etat", "collectivite", None, None, None, None),
                  ("moyens", "etat", "autre", None, None, 10, 3), ("moyens", "collectivite", "autre", None, None,
                                                                  10, 3)])
    assert recovery.audit_run(_run(tmp_path / "new", {**tables,
                                                      "comparaison_types_acheteurs.csv": new.assign(wave=2017)})
                              ).empty
