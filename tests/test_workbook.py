"""tables.xlsx as a reader opens it: « À lire » first, French headers, percentage and integer formats, frozen
header row, autofilter, the data-status line on every sheet; the CSVs keep their codes."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from etude.publish import column_labels, workbook

INFO = {"title": "Étude test", "waves": [2017, 2018], "simulated": True, "lang": "fr", "run_id": "r1",
        "sources": ["Restitution 2017", "acheteurs 2017 : a.csv"], "rule": "Règle : moins de 5, masqué."}


@pytest.fixture
def run(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"population": ["buyers", "companies"], "item": ["b_temps", "e_info"],
                  "n_base": [25, 90], "count": [14, 59], "pct": [0.56, 0.6556], "p_value": [0.04, 0.5],
                  "suppressed": [False, True]}).to_csv(tables / "freins.csv", index=False)
    pd.DataFrame({"comment": ["'=HYPERLINK(\"x\")", "ok"], "n_to": [845.0, None]}).to_csv(
        tables / "autre.csv", index=False)
    return tmp_path


def test_first_sheet_says_what_the_workbook_is(run):
    wb = openpyxl.load_workbook(workbook.write_workbook(run, INFO))
    assert wb.sheetnames == ["À lire", "autre", "Freins cités"]  # sheets named in words
    assert wb.active.title == "À lire"
    cells = [str(c.value) for row in wb["À lire"].iter_rows() for c in row if c.value is not None]
    assert cells[0] == "Étude test"
    for needed in ("2017, 2018", "Données simulées — ne pas citer", "Restitution 2017", "acheteurs 2017 : a.csv",
                   "Règle : moins de 5, masqué."):
        assert needed in cells, needed
    assert "Freins cités" in cells and "autre" in cells  # one line per sheet, and a sentence on it
    assert "Freins cités, par population : 2 lignes, 7 colonnes." in cells
    assert "r1" not in cells  # no run id for a reader


def test_table_sheet_has_french_headers_formats_freeze_filter_and_banner(run):
    ws = openpyxl.load_workbook(workbook.write_workbook(run, INFO))["Freins cités"]
    # the data status once per deliverable (« À lire », each printed page's footer), not above every table
    assert ws["A1"].value == "Freins cités, par population"
    assert ws.oddFooter.center.text == "Données simulées — ne pas citer"
    assert [c.value for c in ws[2]] == ["Population", "Item (code)", "Base (répondants)", "Citations", "Part", "p",
                                        "Masqué (petit effectif)", "Population (code)"]
    assert [ws["A3"].value, ws["H3"].value] == ["Acheteurs publics", "buyers"]  # words first, the code last
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:H4"
    assert ws["C3"].value == 25 and isinstance(ws["C3"].value, int) and ws["C3"].number_format == "0"
    assert ws["E3"].value == 0.56 and ws["E3"].number_format == "0.0%"
    assert ws["F3"].number_format == "0.000"
    assert ws["G3"].value == "non" and ws["G4"].value == "oui"
    assert ws.column_dimensions["C"].width >= len("Base (répondants)")


def test_unknown_columns_keep_their_code_counts_become_integers_and_formulas_stay_text(run):
    ws = openpyxl.load_workbook(workbook.write_workbook(run, INFO))["autre"]
    assert [c.value for c in ws[2]] == ["comment", "Base (arrivée)"]
    assert ws["B3"].value == 845 and isinstance(ws["B3"].value, int)
    assert ws["B4"].value is None
    assert ws["A3"].data_type != "f" and ws["A3"].value.startswith("'=")
    assert ws["A1"].value == "autre" and ws.oddFooter.center.text.startswith("Données simulées")


def test_survey_data_say_so_and_csvs_keep_their_codes(run):
    before = (run / "tables" / "freins.csv").read_bytes()
    wb = openpyxl.load_workbook(workbook.write_workbook(run, {**INFO, "simulated": False}))
    assert wb["Freins cités"].oddFooter.center.text.startswith("Données d'enquête")
    assert (run / "tables" / "freins.csv").read_bytes() == before


def test_indicator_values_are_percentages_only_where_their_unit_is_a_share(tmp_path):
    (tmp_path / "tables").mkdir()
    pd.DataFrame({"indicator": ["part", "volume"], "value": [0.0057, 77.3], "unit": ["share", "Md€"]}).to_csv(
        tmp_path / "tables" / "indicateurs.csv", index=False)
    ws = openpyxl.load_workbook(workbook.write_workbook(tmp_path, INFO))["Indicateurs publiés"]
    assert (ws["B3"].value, ws["B3"].number_format) == (0.0057, "0.0%")
    assert (ws["B4"].value, ws["B4"].number_format) == (77.3, "General")


def test_no_csv_no_workbook(tmp_path):
    assert workbook.write_workbook(tmp_path) is None


def test_sheet_names_are_short_and_unique():
    taken = {"à lire"}
    names = [workbook.sheet_name("x" * 40 + "_1", taken), workbook.sheet_name("x" * 40 + "_2", taken),
             workbook.sheet_name("À lire", taken)]
    assert len(set(names)) == 3 and all(len(n) <= 31 for n in names) and names[2] != "À lire"


def test_every_labelled_column_has_a_known_kind_and_every_kind_a_header():
    assert {column_labels.column_kind(c) for c in column_labels.column_labels()} <= set(column_labels.KINDS)
    assert set(column_labels.COLUMN_KINDS) <= set(column_labels.column_labels())
    assert set(workbook.NUMBER_FORMATS) | {"text"} == set(column_labels.KINDS)


def test_english_workbook_has_english_sheet_names_headers_and_words(run):
    wb = openpyxl.load_workbook(workbook.write_workbook(run, {**INFO, "lang": "en", "title": "Test study"}))
    assert wb.sheetnames == ["Read me", "autre", "Barriers cited"]
    ws = wb["Barriers cited"]
    assert ws["A1"].value == "Barriers cited, by population"
    assert ws.oddFooter.center.text == "Simulated data — do not cite"
    assert [c.value for c in ws[2]] == ["Population", "Item (code)", "Base (respondents)", "Mentions", "Share", "p",
                                        "Suppressed (small count)", "Population (code value)"]
    assert ws["A3"].value == "Public buyers"
    assert ws["G3"].value == "no" and ws["G4"].value == "yes" and ws["E3"].number_format == "0.0%"
    cells = [str(c.value) for row in wb["Read me"].iter_rows() for c in row if c.value is not None]
    assert {"Waves", "Data status", "Sheets", "Sheet", "Contents", "Rows", "Barriers cited",
            "Barriers cited, by population: 2 rows, 7 columns."} <= set(cells)
    assert not {"Vagues", "Feuilles", "À lire", "oui", "non"} & set(cells)


def test_every_sheet_prints_on_a4_landscape_one_page_wide_with_its_header_repeated(run):
    wb = openpyxl.load_workbook(workbook.write_workbook(run, INFO))
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert wb["Freins cités"].print_title_rows == "$2:$2"


def test_no_wrapped_text_overlaps_the_next_row(run):
    ws = openpyxl.load_workbook(workbook.write_workbook(run, INFO))["À lire"]
    width = ws.column_dimensions["B"].width
    for row in ws.iter_rows(min_col=2, max_col=2):
        cell = row[0]
        if isinstance(cell.value, str) and len(cell.value) > width:
            lines = -(-len(cell.value) // int(width - 1))
            assert (ws.row_dimensions[cell.row].height or 15) >= 15 * lines, cell.value  # « Règle : … » included


def test_sheet_names_are_words_of_at_most_31_characters_in_both_languages():
    from etude import words
    for lang in words.LANGS:
        names = words.area("workbook", lang)["sheet_names"] if isinstance(words.area("workbook", lang).get(
            "sheet_names"), dict) else {k.split(".")[-1]: v for k, v in words.area("workbook", lang).items()
                                        if k.startswith("sheet_names.")}
        assert names and all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names.values())
        assert len(set(names.values())) == len(names)
        assert all("_" not in n for n in names.values())  # words, not file names


def test_code_columns_with_a_label_column_go_last(tmp_path):
    (tmp_path / "tables").mkdir()
    pd.DataFrame({"population": ["buyers"], "item": ["b_temps"], "label": ["Manque de temps"], "pct": [0.5],
                  "test": ["fisher"]}).to_csv(tmp_path / "tables" / "freins.csv", index=False)
    ws = openpyxl.load_workbook(workbook.write_workbook(tmp_path, INFO))["Freins cités"]
    assert [c.value for c in ws[2]][-3:] == ["Population (code)", "Item (code)", "Test (code)"]
    assert [c.value for c in ws[3]][:4] == ["Acheteurs publics", "Manque de temps", 0.5, "Fisher"]
