"""``--odf``: OpenDocument copies of the deck and the workbook (issue 29 item 7), LibreOffice headless."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation

from etude import cli
from etude.publish import odf

_CALC = Path("/usr/lib/libreoffice/program/libsclo.so")
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None or not _CALC.exists(),
    reason="LibreOffice absent (soffice, Impress et Calc) : `apt-get install libreoffice-impress libreoffice-calc` "
           "ou `bash .ci/run`")


def _office_files(run: Path) -> None:
    deck = Presentation()
    deck.slides.add_slide(deck.slide_layouts[0]).shapes.title.text = "Freins cités"
    deck.save(run / "slides.pptx")
    (run / "tables").mkdir()
    wb = openpyxl.Workbook()
    wb.active.title = "À lire"
    wb.active["A1"] = "Freins cités"
    wb.save(run / "tables" / "tables.xlsx")


def test_without_libreoffice_one_clear_line_and_nothing_written(tmp_path):
    _office_files(tmp_path)
    lines = odf.write_odf(tmp_path, soffice="")
    assert lines == [odf.words.text("odf.no_soffice", "fr")] and "LibreOffice" in lines[0]
    assert not (tmp_path / "slides.odp").exists() and not (tmp_path / "tables" / "tables.ods").exists()
    assert "LibreOffice not found" in odf.write_odf(tmp_path, soffice="", lang="en")[0]


def test_a_failed_conversion_is_a_warning_not_an_exception(tmp_path):
    _office_files(tmp_path)
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\n", encoding="utf-8")
    fake.chmod(0o755)
    lines = odf.write_odf(tmp_path, soffice=str(fake), timeout=30)
    assert len(lines) == 2 and lines[0].startswith("slides.odp non produit")
    assert "libreoffice-calc absent" in lines[1]


def test_the_option_is_on_reproduce_and_run():
    parser = cli.build_parser()
    assert parser.parse_args(["reproduce", "--odf"]).odf is True
    assert parser.parse_args(["run", "02_freins", "--odf"]).odf is True
    assert parser.parse_args(["reproduce"]).odf is False


@needs_soffice
def test_libreoffice_writes_an_odp_and_an_ods_that_open(tmp_path):
    _office_files(tmp_path)
    assert odf.write_odf(tmp_path) == []
    for path, mime in ((tmp_path / "slides.odp", "application/vnd.oasis.opendocument.presentation"),
                       (tmp_path / "tables" / "tables.ods", "application/vnd.oasis.opendocument.spreadsheet")):
        with zipfile.ZipFile(path) as z:
            assert z.read("mimetype").decode() == mime
            assert "Freins cités" in z.read("content.xml").decode("utf-8")
