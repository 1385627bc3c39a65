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
