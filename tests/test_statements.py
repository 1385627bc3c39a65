"""The number audit reads the numbers a run's sentences print (issue 27 item 2): hand-built run folders of a table
and a marked sentence, in a slide page or in an executed notebook's output."""
from __future__ import annotations

import json

import pandas as pd
from disclosure_fixtures import profile_table

from etude import cli
from etude.publish import marks
from etude.publish.present import confidentiality, profile, show
from etude.safety import recovery, statements

_GE = dict(population="companies", wave=2018, attribute="size_class", group_value="ge")


def _run(root, tables, page=None, outputs=()):
    """A run folder: ``tables/*.csv``, a ``slides.html`` page and a notebook whose cell shows ``outputs``."""
    (root / "tables").mkdir(parents=True)
    for name, t in tables.items():
        t.to_csv(root / "tables" / name, index=False)
    if page is not None:
        (root / "slides.html").write_text(page, encoding="utf-8")
    if outputs:
        (root / "notebooks").mkdir()
        nb = {"cells": [{"cell_type": "code", "source": "", "outputs": list(outputs)}]}
        (root / "notebooks" / "01_profil.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return root


def _span(mark, text):
    return f"<span {statements.MARK_ATTRIBUTE}='{json.dumps(mark)}'>{text}</span>"


def _display(obj):
    """The notebook output IPython writes for a displayed object (data and metadata by MIME type)."""
    data, meta = obj._repr_markdown_() if isinstance(obj._repr_markdown_(), tuple) else (obj.data, {})
    return {"output_type": "display_data", "data": {"text/markdown": data}, "metadata": {"text/markdown": meta}}


def _suppressed_ge():
    return profile_table(["micro", "pme", "eti", "ge"], [50, 30, None, None], n_total=88,
                         suppressed=[False, False, True, True])


def test_a_slide_sentence_that_gives_back_a_suppressed_count_is_found(tmp_path):
    page = f"<p>Grandes entreprises : {_span(marks.mark('n', 2, **_GE), '2')} répondantes</p>"
    run = _run(tmp_path / "run", {"profil_entreprises.csv": _suppressed_ge()}, page=page)
    found = recovery.audit_run(run)
    assert found[["table", "column", "low", "reason"]].values.tolist() == [["slides.html", "n", 2, "text_withheld"]]
    assert confidentiality.audit_lines(found)[0] == (
        "slides.html, nombre « n » (entreprises, vague 2018, size_class = ge) : "
        "phrase qui publie un nombre d'un groupe masqué par les tables : 2")
    assert cli.main(["audit", str(run)]) == 1


def test_a_sentence_number_the_tables_leave_blank_enters_the_linear_program(tmp_path):
    # ETI 6 and GE suppressed, the profile's total left blank: GE lies anywhere — until a sentence prints
    # « 88 entreprises répondantes »: 88 − 50 − 30 − 6 = 2
    table = profile_table(["micro", "pme", "eti", "ge"], [50, 30, 6, None], n_total=88,
                          suppressed=[False, False, False, True]).assign(n_total=None, pct=None)
    assert recovery.audit_run(_run(tmp_path / "quiet", {"profil_entreprises.csv": table})).empty
    total = marks.mark("n_total", 88, population="companies", wave=2018, attribute="size_class")
    found = recovery.audit_run(_run(tmp_path / "said", {"profil_entreprises.csv": table},
                                    page=f"<h2>{_span(total, '88')} entreprises répondantes</h2>"))
    assert found[["column", "low", "high", "reason"]].values.tolist() == [["n", 2, 2, "recovered"]]


def test_the_marks_of_a_heading_reach_the_notebook_output_and_pass_when_the_tables_publish_them(tmp_path):
    t = profile_table(["micro", "pme", "ge"], [50, 30, 8])
    heading = show.heading(profile.profile_headline(t, "size_class", population="companies", wave=2018))
    assert heading.data == "## 2018 : micro, 56,8\u202f% des 88 entreprises répondantes"  # the text unchanged
    run = _run(tmp_path / "run", {"profil_entreprises.csv": t}, outputs=[_display(heading)])
    read = statements.run_marks(run)
    assert [(where, m["column"], m["number"]) for where, m in read] == [
        ("notebooks/01_profil.ipynb#1", "pct", 50 / 88), ("notebooks/01_profil.ipynb#1", "n_total", 88)]
    assert recovery.audit_run(run).empty
    # the same sentence about a group the tables withhold is a finding
    found = recovery.audit_run(_run(tmp_path / "hidden", {"profil_entreprises.csv": _suppressed_ge()},
                                    outputs=[_display(show.heading(marks.marked("GE : 8", [
                                        marks.mark("n", 8, **_GE)])))]))
    assert found["reason"].tolist() == ["text_withheld"]


def test_a_number_no_table_publishes_or_that_differs_cannot_be_audited(tmp_path):
    t = profile_table(["micro", "pme", "ge"], [50, 30, 8])
    wrong = marks.mark("n", 9, **_GE)
    elsewhere = marks.mark("n", 8, **{**_GE, "wave": 2019})
    unreadable = "{not json"
    page = (_span(wrong, "9") + _span(elsewhere, "8")
            + f"<span {statements.MARK_ATTRIBUTE}='{unreadable}'>3</span>")
    found = recovery.audit_run(_run(tmp_path / "run", {"profil_entreprises.csv": t}, page=page))
    assert found["reason"].tolist() == ["text_unmatched"] * 3


def test_numbers_that_are_not_marked_are_not_read(tmp_path):
    # years, page numbers, min_cell, euros, the 2017 restitution's « 27 réponses d'acheteurs »: no mark, no finding
    page = "<p>2017 : 27 réponses d'acheteurs, 90 d'entreprises ; seuil 5 ; 30 000 € ; page 3</p>"
    assert recovery.audit_run(_run(tmp_path / "run", {"profil_entreprises.csv": _suppressed_ge()},
                                   page=page)).empty


def test_group_sizes_heading_marks_its_smallest_and_largest_published_group():
    t = pd.DataFrame({"size_class": ["micro", "micro", "pme", "ge"], "n_base": [40, 40, 12, 3],
                      "suppressed": [False, False, False, True]})
    text = profile.group_sizes_headline(t, "size_class", population="companies")
    assert [(m["group_value"], m["number"]) for m in marks.marks_of(text)] == [("micro", 40)]  # « de < 5 à 40 »
    shown = profile.group_sizes_headline(t.iloc[:3], "size_class", population="companies")
    assert [(m["group_value"], m["number"]) for m in marks.marks_of(shown)] == [("pme", 12), ("micro", 40)]


def test_a_number_one_table_publishes_is_not_withheld_by_another_that_suppresses_its_row(tmp_path):
    # the demo's representativeness table withholds a row the profile publishes: the sentence quotes the profile
    shown = profile_table(["micro", "pme", "ge"], [50, 30, 8])
    hidden = shown.assign(n=[50, None, None], pct=[50 / 88, None, None], suppressed=[False, True, True])
    page = _span(marks.mark("n", 8, **_GE), "8")
    assert recovery.audit_run(_run(tmp_path / "run", {"profil_entreprises.csv": shown,
                                                      "representativite.csv": hidden}, page=page)).empty


def test_the_barrier_headline_and_text_mark_their_shares_and_base_and_the_audit_reads_them(tmp_path):
    from etude.publish.present import barriers
    freq = pd.DataFrame({"item": ["b_temps", "b_donnees", "b_soutien"], "n_base": 25, "count": [15, 14, 5],
                         "pct": [0.6, 0.56, 0.2], "ci_low": [0.4, 0.37, 0.09], "ci_high": [0.77, 0.73, 0.39],
                         "letters": ["a", "ab", "b"]})
    head = barriers.barrier_headline(freq, population="buyers")
    text = barriers.barrier_text(freq, population="buyers")
    assert head == ("Acheteurs publics : « Manque de temps » (60,0\u202f%) en tête, non séparé de "
                    "« Absence de données »")  # the text unchanged
    assert [(m["column"], m["number"], m.get("item")) for m in marks.marks_of(head)] == [
        ("pct", 0.6, "b_temps"), ("pct", 0.56, "b_donnees")]
    assert [(m["column"], m["number"], m.get("item")) for m in marks.marks_of(text)] == [
        ("n_base", 25, None), ("pct", 0.6, "b_temps")]
    assert all(m["population"] == "buyers" and "wave" not in m for m in marks.marks_of(head) + marks.marks_of(text))
    published = freq.assign(population="buyers", wave=2018)
    outputs = [_display(show.heading(head)), _display(show.markdown(text))]
    assert recovery.audit_run(_run(tmp_path / "same", {"freins.csv": published}, outputs=outputs)).empty
    # a headline whose share the published table does not print cannot be audited
    other = published.assign(pct=[0.64, 0.56, 0.2])
    found = recovery.audit_run(_run(tmp_path / "other", {"freins.csv": other}, outputs=outputs))
    assert found[["column", "low", "reason"]].values.tolist() == [["pct", 0.6, "text_unmatched"]] * 2


def test_a_barrier_base_under_min_cell_is_said_unmarked():
    # a wave of 2 companies: the sentence says its respondents (a wave's total, published exactly by the rule, in
    # repondants_par_vague.csv) while the barrier tables leave its base blank: it is not a statement about a group
    from etude.publish.present import barriers
    tiny = pd.DataFrame({"item": ["e_moyens", "e_besoins"], "n_base": 2, "count": [1, 2], "pct": [0.5, 1.0],
                         "letters": [None, None]})
    assert marks.marks_of(barriers.barrier_headline(tiny, population="companies")) == ()
    assert marks.marks_of(barriers.barrier_text(tiny, population="companies")) == ()


def test_the_lever_and_plan_headlines_mark_their_numbers_and_the_audit_finds_a_withheld_one(tmp_path):
    from etude.publish.present import plan
    # 25 buyers answered the remedies question: « hiérarchie » 15 times (60 %), « professionnalisation » 5 (20 %)
    levers = pd.DataFrame({"population": "buyers", "wave": 2018, "item": ["lev_hierarchie", "lev_professionnalisation"],
                           "n_base": 25, "count": [15, 5], "pct": [0.6, 0.2], "rank": [1, 2], "letters": ["a", "b"]})
    head = plan.remedy_message(levers, "buyers")
    assert head.startswith("Acheteurs publics : « ") and "(60,0\u202f% des 25 répondants)" in head
    assert [(m["column"], m["number"], m.get("item")) for m in marks.marks_of(head)] == [
        ("pct", 0.6, "lev_hierarchie"), ("n_base", 25, None)]
    outputs = [_display(show.heading(head))]
    assert recovery.audit_run(_run(tmp_path / "same", {"leviers.csv": levers}, outputs=outputs)).empty
    # a table that withholds the leading row: the heading gives its share back, and the audit says so
    hidden = levers.assign(count=[None, 5], pct=[None, 0.2], suppressed=[True, False])
    found = recovery.audit_run(_run(tmp_path / "hidden", {"leviers.csv": hidden}, outputs=outputs))
    assert found[["column", "low", "reason"]].values.tolist()[0] == ["pct", 0.6, "text_withheld"]
    barriers = pd.DataFrame({"population": "buyers", "wave": 2018, "item": ["b_temps", "b_soutien"], "n_base": 25,
                             "count": [15, 5], "pct": [0.6, 0.2], "rank": [1, 2], "letters": ["a", "b"],
                             "remedy": ["lev_hierarchie", "lev_professionnalisation"]})
    message = plan.plan_message(barriers, "buyers")
    assert [(m["column"], m["number"], m.get("item")) for m in marks.marks_of(message)] == [("pct", 0.6, "b_temps")]


def test_the_comparison_reading_marks_each_populations_share_and_the_audit_reads_the_theme_table(tmp_path):
    from etude.publish.present import comparisons
    # 2018: « moyens » cited by 20 of 25 buyers (80 %) and 45 of 90 companies (50 %)
    themes = pd.DataFrame({"wave": [2018], "theme": ["moyens"], "label": ["Temps, argent et moyens"],
                           "n_buyers": [25], "pct_buyers": [0.8], "n_companies": [90], "pct_companies": [0.5],
                           "diff": [0.3], "diff_ci_low": [0.1], "diff_ci_high": [0.45], "diff_ci_low_adj": [0.1],
                           "diff_ci_high_adj": [0.45], "test": ["fisher"], "p_value": [0.01], "p_adjusted": [0.01],
                           "cohens_h": [0.64], "separated": [True]})
    text = comparisons.comparison_reading(themes)
    assert "80,0\u202f% des acheteurs contre 50,0\u202f% des entreprises" in text
    assert [(m["population"], m["number"], m["item"], m["wave"]) for m in marks.marks_of(text)] == [
        ("buyers", 0.8, "moyens", 2018), ("companies", 0.5, "moyens", 2018)]
    shown = show.markdown(text, escaped=True)
    assert shown.data == text  # already Markdown with its labels escaped: shown as it is
    assert recovery.audit_run(_run(tmp_path / "same", {"comparaison_themes.csv": themes},
                                   outputs=[_display(shown)])).empty
    # a reading whose share the table does not print cannot be audited: a finding
    other = themes.assign(pct_buyers=[0.84])
    found = recovery.audit_run(_run(tmp_path / "other", {"comparaison_themes.csv": other}, outputs=[_display(shown)]))
    assert found[["column", "low", "reason"]].values.tolist() == [["pct", 0.8, "text_unmatched"]]


def test_the_numbers_a_chart_draws_are_marked_and_a_chart_drawn_from_unprotected_counts_is_found(tmp_path):
    import matplotlib.pyplot as plt

    from etude.publish import plots
    published = _suppressed_ge()  # 50 micro, 30 PME published; ETI and GE (8 between them) withheld
    raw = profile_table(["micro", "pme", "eti", "ge"], [50, 30, 6, 2], suppressed=[False] * 4)

    def chart_output(table):
        fig = plots.profile_chart(table, "size_class", population="companies")
        found = marks.figure_marks(fig)
        plt.close(fig)
        return found, {"output_type": "display_data", "data": {"text/html": "<img>"},
                       "metadata": {statements.MARK_KEY: found}}

    drawn, output = chart_output(published)
    # « 50 (57 %) », « 30 (34 %) », the title's and the legend's n = 88: each number with whom it is about
    assert [(m["column"], m["number"], m.get("group_value")) for m in drawn] == [
        ("n", 50, "micro"), ("pct", 50 / 88, "micro"), ("n", 30, "pme"), ("pct", 30 / 88, "pme"),
        ("n_total", 88, None), ("n_total", 88, None)]
    assert recovery.audit_run(_run(tmp_path / "safe", {"profil_entreprises.csv": published}, outputs=[output])).empty
    # a chart drawn from the counts before protection prints both withheld groups: the audit names them
    _, leaky = chart_output(raw)
    found = recovery.audit_run(_run(tmp_path / "leak", {"profil_entreprises.csv": published}, outputs=[leaky]))
    withheld = found[found["reason"] == "text_withheld"]
    assert sorted(set(zip(withheld["column"], withheld["low"]))) == [
        ("n", 2.0), ("n", 6.0), ("pct", 2 / 88), ("pct", 6 / 88)]


def test_the_supply_and_wave_charts_mark_their_counts_and_shares_against_their_tables(tmp_path):
    import matplotlib.pyplot as plt

    from etude.publish import plots

    def output(fig):
        found = marks.figure_marks(fig)
        plt.close(fig)
        return found, {"output_type": "display_data", "data": {"text/html": "<img>"},
                       "metadata": {statements.MARK_KEY: found}}

    # « santé »: 9 buyers need it, 6 companies offer it; « immobilier »: 2 buyers (withheld), 7 companies
    supply = pd.DataFrame({"segment": ["sante", "immobilier"], "label": ["Santé", "Immobilier"],
                           "buyers_base": 11, "n_buyers": pd.array([9, pd.NA], dtype="Int64"), "companies_base": 13,
                           "n_companies": pd.array([6, 7], dtype="Int64"), "companies_suppressed": False,
                           "ratio": [6 / 9, float("nan")], "flag": "", "buyers_suppressed": [False, True]})
    drawn, shown = output(plots.supply_demand_chart(supply, wave=2018))
    assert [(m["population"], m["item"], m["number"]) for m in drawn] == [
        ("buyers", "sante", 9), ("companies", "sante", 6), ("companies", "immobilier", 7)]  # « < 5 »: no number
    assert recovery.audit_run(_run(tmp_path / "supply", {"offre_demande_segments.csv": supply},
                                   outputs=[shown])).empty
    _, leaky = output(plots.supply_demand_chart(supply.assign(n_buyers=pd.array([9, 2], dtype="Int64"),
                                                              buyers_suppressed=False), wave=2018))
    found = recovery.audit_run(_run(tmp_path / "leak", {"offre_demande_segments.csv": supply}, outputs=[leaky]))
    assert found[["column", "low", "reason"]].values.tolist() == [["count", 2.0, "text_withheld"]]
    # a wave change of the companies: 36 % of 25 in 2017, 10 of 31 in 2018, each share marked with its wave
    change = pd.DataFrame({"population": "companies", "level": "themes", "code": ["moyens"], "label": ["Moyens"],
                           "wave_from": [2017], "n_from": [25], "count_from": [9], "share_from": [0.36],
                           "wave_to": [2018], "n_to": [31], "count_to": [10], "share_to": [10 / 31],
                           "diff": [10 / 31 - 0.36], "p_adjusted": [0.8], "separated": [False]})
    drawn, shown = output(plots.wave_slope_chart(change))
    assert [(m["wave"], m["item"], m["number"]) for m in drawn] == [(2017, "moyens", 0.36), (2018, "moyens", 10 / 31)]
    assert recovery.audit_run(_run(tmp_path / "waves", {"evolution_vagues.csv": change}, outputs=[shown])).empty
