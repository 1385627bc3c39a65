"""All-pairs rankings (issue 26.1–2): exact McNemar p-values and Holm adjustments as R gives them, letters that
are a compact letter display of those decisions, merged groups counted from their respondents."""
from __future__ import annotations

import itertools
from fractions import Fraction
from math import comb

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etude import survey
from etude.analysis import rankings, stats
from etude.safety import disclosure
from etude.survey.context import Context

# 20 respondents, four items cited by 60, 40, 20 and 0 %: A by r0–r11, B by r6–r13, C by r10–r13, D by none.
# Sorting by share and testing neighbours put all four in one group (issue 26.1); A against D is 12 to 0.
ROWS = 20
CITED = {"A": range(0, 12), "B": range(6, 14), "C": range(10, 14), "D": range(0)}
# R 4.x, the reference (each line the command, then the value it prints with digits = 10):
#   binom.test(6, 8)$p.value   0.2890625       binom.test(10, 12)$p.value  0.03857421875
#   binom.test(12, 12)$p.value 0.00048828125   binom.test(4, 4)$p.value    0.125
#   binom.test(8, 8)$p.value   0.0078125       binom.test(4, 4)$p.value    0.125
#   p.adjust(c(0.2890625, 0.03857421875, 0.00048828125, 0.125, 0.0078125, 0.125), "holm")
#   0.375 0.154296875 0.0029296875 0.375 0.0390625 0.375
R_PAIRS = [  # item_a, item_b, n_ab, n_ba, p_value, p_adj (pairs in the order of the items, most cited first)
    ("A", "B", 6, 2, 0.2890625, 0.375),
    ("A", "C", 10, 2, 0.03857421875, 0.154296875),
    ("A", "D", 12, 0, 0.00048828125, 0.0029296875),
    ("B", "C", 4, 0, 0.125, 0.375),
    ("B", "D", 8, 0, 0.0078125, 0.0390625),
    ("C", "D", 4, 0, 0.125, 0.375),
]


def _cited(spec=CITED, rows=ROWS) -> pd.DataFrame:
    return pd.DataFrame({k: pd.array([i in v for i in range(rows)], dtype="boolean") for k, v in spec.items()})


def _binom_two_sided(k: int, n: int) -> float:
    """R's binom.test(k, n, 0.5) two-sided p-value, in exact arithmetic: twice the smaller tail, at most 1."""
    tail = sum(Fraction(comb(n, i), 2 ** n) for i in range(min(k, n - k) + 1))
    return float(min(Fraction(1), 2 * tail))


def _holm(p: list[float]) -> list[float]:
    """R's p.adjust(p, "holm"), written out: step-down multipliers m, m − 1, …, cumulative maximum, capped at 1."""
    order = sorted(range(len(p)), key=p.__getitem__)
    out, running = [0.0] * len(p), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        out[i] = running
    return out


def test_the_reference_values_are_rs_binom_test_and_holm():
    # the hard-coded values above, recomputed two other ways: exact fractions and scipy's binomial test
    from scipy.stats import binomtest
    for _a, _b, n_ab, n_ba, p, _ in R_PAIRS:
        assert _binom_two_sided(n_ab, n_ab + n_ba) == pytest.approx(p, rel=1e-12)
        assert binomtest(n_ab, n_ab + n_ba, 0.5).pvalue == pytest.approx(p, rel=1e-12)
    assert _holm([r[4] for r in R_PAIRS]) == pytest.approx([r[5] for r in R_PAIRS], rel=1e-12)


def test_every_pair_is_tested_and_holm_adjusted_over_all_pairs_like_r():
    pairs = rankings.paired_tests(_cited(), ["A", "B", "C", "D"])
    got = [tuple(r) for r in pairs[["item_a", "item_b", "n_ab", "n_ba"]].itertuples(index=False)]
    assert got == [r[:4] for r in R_PAIRS]
    assert pairs["p_value"].tolist() == pytest.approx([r[4] for r in R_PAIRS], rel=1e-9)
    assert pairs["p_adj"].tolist() == pytest.approx([r[5] for r in R_PAIRS], rel=1e-9)
    assert pairs.loc[pairs["separated"], ["item_a", "item_b"]].values.tolist() == [["A", "D"], ["B", "D"]]
    assert pairs.attrs["family_size"] == 6 and pairs.attrs["padjust"] == "holm"
    # the letters say exactly that: D apart from A and B, C with everyone
    assert rankings.letters_of(pairs, ["A", "B", "C", "D"]) == {"A": "a", "B": "a", "C": "ab", "D": "b"}


def test_frequencies_rank_with_all_pairs_not_neighbours():
    t = _cited()
    out = stats.frequencies(t, list(CITED)).set_index("item")
    assert out["letters"].to_dict() == {"A": "a", "B": "a", "C": "ab", "D": "b"}
    assert out["rank"].tolist() == [1, 2, 3, 4]


def test_micro_firms_29_of_49_against_4_of_49_are_separated():
    # issue 26.1: 29 of 49 cite the first barrier, 4 the last; nested citations, 25 discordant pairs
    spec = {"first": range(29), "second": range(20), "last": range(4)}
    pairs = rankings.paired_tests(_cited(spec, 49), list(spec))
    first_last = pairs[(pairs["item_a"] == "first") & (pairs["item_b"] == "last")].iloc[0]
    assert (first_last["n_ab"], first_last["n_ba"]) == (25, 0) and first_last["separated"]
    assert first_last["p_value"] == pytest.approx(_binom_two_sided(25, 25), rel=1e-12)


def test_cochran_gate_is_optional_and_said_in_attrs():
    pairs = rankings.paired_tests(_cited(), list(CITED), gate="cochran")
    assert pairs.attrs["gate"] == "cochran" and pairs.attrs["omnibus_p"] < 0.05
    assert pairs["separated"].sum() == 2  # Q rejects: the pairs decide
    flat = {"A": range(0, 3), "B": range(3, 5), "C": range(5, 7)}
    gated = rankings.paired_tests(_cited(flat), list(flat), gate="cochran")
    assert gated.attrs["omnibus_p"] > 0.05 and not gated["separated"].any()
    with pytest.raises(ValueError, match="gate"):
        rankings.paired_tests(_cited(), list(CITED), gate="anova")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(k=st.integers(min_value=1, max_value=8), data=st.data())
def test_letters_are_a_compact_letter_display_of_any_decisions(k, data):
    items = [f"i{j}" for j in range(k)]
    all_pairs = list(itertools.combinations(items, 2))
    separated = data.draw(st.lists(st.sampled_from(all_pairs), unique=True)) if all_pairs else []
    letters = rankings.compact_letters(items, separated)
    assert rankings.valid_letters(letters, separated)  # share a letter exactly when not separated
    assert letters[items[0]].startswith("a")


@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=st.data())
def test_letters_of_random_answers_follow_their_paired_tests(data):
    k = data.draw(st.integers(min_value=2, max_value=6))
    n = data.draw(st.integers(min_value=5, max_value=40))
    probs = data.draw(st.lists(st.floats(0, 1), min_size=k, max_size=k))
    ticks = {f"i{j}": [data.draw(st.floats(0, 1)) < p for _ in range(n)] for j, p in enumerate(probs)}
    t = pd.DataFrame({c: pd.array(v, dtype="boolean") for c, v in ticks.items()})
    out = stats.frequencies(t, list(ticks), ctx=Context(min_cell=1))
    items = list(out["item"])
    pairs = rankings.paired_tests(t, items)
    sep = list(zip(*(pairs.loc[pairs["separated"], c] for c in ("item_a", "item_b"))))
    assert rankings.valid_letters(dict(zip(items, out["letters"])), sep)


def test_a_group_under_min_cell_gets_no_rank_letters_interval_nor_pairs():
    t = _cited({"A": range(3), "B": range(1)}, 4)
    out = stats.frequencies(t, ["A", "B"])  # 4 answered < 5
    assert out["count"].tolist() == [3, 1]
    assert out[["rank", "letters", "ci_low", "ci_high"]].isna().all().all()


# ------------------------------------------------------------------------------------------------ merged groups

@pytest.fixture(scope="module")
def demo():
    return survey.load_study()


def _recompute(respondents: pd.DataFrame, population: str, alpha: float = 0.05) -> pd.DataFrame:
    """Every column of a block from its respondents, by hand (statsmodels only for the Wilson interval)."""
    from statsmodels.stats.proportion import proportion_confint
    codes = stats.item_codes(population)
    base = respondents[codes].notna().any(axis=1)
    n_base, n_all = int(base.sum()), len(respondents)
    rows = []
    for c in codes:
        count = int(respondents.loc[base, c].fillna(False).astype(bool).sum())
        low, high = proportion_confint(count, n_base, alpha=alpha, method="wilson")
        rows.append({"item": c, "n_base": n_base, "count": count, "pct": count / n_base, "pct_all": count / n_all,
                     "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows).set_index("item")


def test_every_column_of_a_merged_row_is_recomputed_from_its_respondents(demo):
    companies = demo["companies"]
    grouped = stats.barrier_table(demo, by={"companies": "size_class"})
    merged = grouped[grouped["group_value"] == "ge250"]
    # the only suppressed cell is a whole-group share (issue 27): in 2017 none of the 6 ETI/GE firms cites
    # e_desinteret, a 0 % in a group under 2 × min_cell
    assert merged.loc[merged["suppressed"], ["wave", "item"]].values.tolist() == [[2017, "e_desinteret"]]
    assert not grouped["group_value"].isin(["eti", "ge"]).any()  # no member's row survives
    pairs = stats.pair_table(demo, grouped)
    for wave, block in merged.groupby("wave"):
        who = companies[(companies["wave"] == wave) & companies["size_class"].isin(["eti", "ge"])]
        expected = _recompute(who, "companies")
        hidden = expected.loc[block.loc[block["suppressed"], "item"]]
        assert (hidden["n_base"] < 2 * 5).all() and (hidden["count"].eq(0) | hidden["count"].eq(hidden["n_base"])).all()
        assert block.loc[block["suppressed"], ["n_base", "count", "pct", "rank"]].isna().all().all()
        got = block[~block["suppressed"]].set_index("item")
        for col in ("n_base", "count", "pct", "pct_all", "ci_low", "ci_high"):
            assert got[col].astype(float).tolist() == pytest.approx(expected.loc[got.index, col].tolist()), col
        assert got["rank"].tolist() == expected.loc[got.index, "count"].rank(method="min", ascending=False).tolist()
        base = who[stats.item_codes("companies")].notna().any(axis=1)
        direct = rankings.paired_tests(who[base], list(got.index))
        mine = pairs[(pairs["wave"] == wave) & (pairs["group"] == "ge250")].reset_index(drop=True)
        assert mine[rankings.PAIR_COLUMNS].equals(direct[rankings.PAIR_COLUMNS])
        assert got["letters"].to_dict() == rankings.letters_of(direct, list(got.index))


def test_merging_member_rows_keeps_no_members_column():
    # a table counted before merging (members' rows): pct_all from the recorded group sizes, letters blanked
    t = pd.DataFrame({"population": "companies", "wave": 2018, "size_class": ["eti", "eti", "ge", "ge"],
                      "e_moyens": pd.array([True, False, True, None], dtype="boolean"),
                      "e_besoins": pd.array([False, True, False, None], dtype="boolean")})
    freq = stats.frequencies(t, ["e_moyens", "e_besoins"], by="size_class", ctx=Context(min_cell=1))
    assert set(freq["size_class"]) == {"ge250"}  # counted merged from the respondents
    row = freq.set_index("item").loc["e_moyens"]
    assert (row["n_base"], row["count"], row["pct_all"]) == (3, 2, 0.5)
    raw = pd.concat([stats.frequencies(t[t["size_class"] == v], ["e_moyens", "e_besoins"], ctx=Context(min_cell=1))
                     .assign(size_class=v) for v in ("eti", "ge")], ignore_index=True)
    raw.attrs["groups"] = disclosure.group_counts(t, "size_class", population="companies", by_wave=False)
    out = disclosure.merge_categories(raw, population="companies").set_index("item")
    assert set(out["size_class"]) == {"ge250"}
    assert (out.loc["e_moyens", "count"], out.loc["e_moyens", "n_base"]) == (2, 3)
    assert out.loc["e_moyens", "pct_all"] == 0.5 and out["letters"].isna().all()


def test_pair_table_has_the_promised_columns_and_only_ranked_blocks(demo):
    published = stats.barrier_table(demo, wave={"buyers": 2018, "companies": 2018})
    pairs = stats.pair_table(demo, published)
    assert list(pairs.columns) == ["population", "wave", "group", "item_a", "item_b", "n_ab", "n_ba", "p_value",
                                   "p_adj", "separated"]
    for population in ("buyers", "companies"):
        k = published["population"].eq(population).sum()
        assert (pairs["population"] == population).sum() == k * (k - 1) // 2
    assert set(pairs["group"]) == {"all"}
