"""Nothing overflows (issue 28): a very long answer is cut where it is shown, wraps anywhere, and leaves the numbers
beside it on the page; the CSV keeps it whole."""
from __future__ import annotations

import re
import shutil
import subprocess

import pandas as pd
import pytest

from etude import paths
from etude.publish import clip, outputs, pdf, present

LONG_WORD = "a" * 500
LONG_LABEL = ("Établissement " * 5 + "x" * 1200 + " Établissement" * 60)[:2000]  # a word of 1,200 among others


def profile() -> pd.DataFrame:
    """A profile table as notebook 01 shows it, with a 500-letter word and a 2,000-character label as values."""
    return pd.DataFrame({"Attribut": ["Organisme", "Organisme", "Organisme"],
                         "Valeur": [LONG_WORD, LONG_LABEL, "Métropole Européenne de Lille"],
                         "n": [5, 7, 15], "%": ["18,5\u202f%", "25,9\u202f%", "55,6\u202f%"]})


def test_shown_cuts_long_cells_and_marks_long_words_only():
    html = present.shown(profile(), simulated=True, title="Profil").to_html()
    assert LONG_WORD not in html and "a" * (clip.TABLE_CELL_MAX - 1) + "…" in html
    assert html.count(clip.LONG_WORD_CLASS) == 2  # the two long values, not the numbers
    plain = present.shown(profile().iloc[2:], simulated=True).to_html()
    assert clip.LONG_WORD_CLASS not in plain


def test_the_csv_keeps_the_whole_text(tmp_path):
    back = pd.read_csv(outputs.save_table(profile(), "profil", tmp_path))
    assert back["Valeur"].tolist()[:2] == [LONG_WORD, LONG_LABEL]


def test_chart_and_slide_labels_are_cut():
    assert len(LONG_LABEL) == 2000 and len(clip.chart_label(LONG_LABEL)) <= clip.CHART_LABEL_MAX
    assert max(len(w) for w in clip.chart_label(LONG_LABEL).split()) <= clip.WORD_MAX
    assert clip.slide_label(LONG_LABEL).endswith("…") and len(clip.slide_label(LONG_LABEL)) == clip.SLIDE_LABEL_MAX
    assert clip.chart_label("Méconnaissance de l'administration") == "Méconnaissance de l'administration"


@pytest.mark.browser
@pytest.mark.skipif(pdf.find_chromium() is None, reason="Chromium absent : `apt-get install chromium`")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils absent (pdftotext)")
def test_the_pdf_keeps_value_n_and_percent_on_the_page(tmp_path):
    css = (paths.assets_dir() / "etude.css").read_text(encoding="utf-8")
    table = present.shown(profile(), simulated=True, title="Profil des acheteurs").to_html()
    page = tmp_path / "report.html"
    page.write_text(f"<html><head><meta charset='utf-8'><style>{css}</style></head><body class='etude'>"
                    f"<div class='rendered_html'>{table}</div></body></html>", encoding="utf-8")
    out = pdf.write_report_pdf(page)
    boxes = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    words = [(float(x), w) for x, w in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" '
                                                  r'yMax="[\d.]+">([^<]*)</word>', boxes)]
    assert words and max(x for x, _ in words) <= width, max(words)
    found = {w for _, w in words}
    assert {"5", "7", "15", "Métropole"} <= found
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert all(share in text.replace("\u202f", " ") for share in ("18,5 %", "25,9 %", "55,6 %")), text
