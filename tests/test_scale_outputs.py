"""Issue 28.9, what the scale work changed in the outputs: the write-only workbook keeps every row and cell as
the cell-by-cell one did (a repeated formula-like text stays text on every row, a column of pseudonyms keeps
its codes), and Chromium prints in one process, or again in its usual processes when it cannot."""
from __future__ import annotations

import sys

import openpyxl
import pandas as pd

from etude.publish import pdf, workbook


def test_every_row_is_written_and_repeated_formula_text_stays_text(tmp_path):
    (tmp_path / "tables").mkdir()
    pd.DataFrame({"buyer_id": ["A-0001", "A-0002", "A-0003"], "comment": ["=1+1", "=1+1", None],
                  "score": [0.5, 0.25, 0.5], "slot": [1, 2, 1]}).to_csv(tmp_path / "tables" / "t.csv", index=False)
    ws = openpyxl.load_workbook(workbook.write_workbook(tmp_path, {"simulated": True}))["t"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert rows == [["A-0001", "=1+1", 0.5, 1], ["A-0002", "=1+1", 0.25, 2], ["A-0003", None, 0.5, 1]]
    assert all(ws[f"B{r}"].data_type == "s" for r in (3, 4))  # text, never a formula, on every row
    assert [ws[f"D{r}"].number_format for r in (3, 4, 5)] == ["0"] * 3


def test_a_column_with_one_code_without_words_keeps_its_codes(tmp_path):
    (tmp_path / "tables").mkdir()
    pd.DataFrame({"population": ["buyers", "companies"], "who": ["buyers", "A-1f3e"]}).to_csv(
        tmp_path / "tables" / "t.csv", index=False)
    ws = openpyxl.load_workbook(workbook.write_workbook(tmp_path, {"simulated": True}))["t"]
    assert [c.value for c in ws[3]][:2] == ["Acheteurs publics", "buyers"]
    assert [c.value for c in ws[4]][:2] == ["Entreprises innovantes", "A-1f3e"]


def _fake_chromium(tmp_path, *, one_process_works: bool):
    exe = tmp_path / "chromium"
    exe.write_text(f"#!{sys.executable}\nimport sys\nargs = sys.argv[1:]\n"
                   f"open('{tmp_path}/calls', 'a').write(' '.join(args) + '\\n')\n"
                   f"if '--single-process' in args and not {one_process_works}:\n    sys.exit(1)\n"
                   "out = next(a.split('=', 1)[1] for a in args if a.startswith('--print-to-pdf='))\n"
                   "open(out, 'wb').write(b'%PDF-1.4 fake')\n")
    exe.chmod(0o755)
    return exe


def test_chromium_prints_in_one_process(tmp_path):
    exe = _fake_chromium(tmp_path, one_process_works=True)
    pdf._chromium_print(str(exe), tmp_path / "r.html", tmp_path / "r.pdf", str(tmp_path), 30)
    calls = (tmp_path / "calls").read_text().splitlines()
    assert len(calls) == 1 and "--single-process" in calls[0]
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_a_chromium_that_cannot_print_in_one_process_prints_in_its_usual_ones(tmp_path):
    exe = _fake_chromium(tmp_path, one_process_works=False)
    pdf._chromium_print(str(exe), tmp_path / "r.html", tmp_path / "r.pdf", str(tmp_path), 30)
    calls = (tmp_path / "calls").read_text().splitlines()
    assert len(calls) == 2 and "--single-process" not in calls[1]
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
