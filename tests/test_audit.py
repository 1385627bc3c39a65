"""The output privacy scan finds what is planted and nothing in ordinary outputs."""
import base64
import io
import json
import shutil

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import openpyxl
import pandas as pd
import pytest

from etude.safety import audit


def _png_with_text(text: str) -> bytes:
    fig, ax = plt.subplots(figsize=(1, 1))
    ax.plot([0, 1], [0, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Description": text})
    plt.close(fig)
    return buf.getvalue()


def _kinds(df):
    return sorted(zip(df["file"], df["kind"], df["match"]))


def test_clean_folder_gives_an_empty_table_with_the_documented_columns(tmp_path):
    (tmp_path / "report.html").write_text(
        "<p>48,1 % des 27 acheteurs (IC 95 % : 30,2–66,5) ; vague 2017-05-12 ; n = 90 ; 0.0612345678</p>"
        '<svg><path d="M 06 12 L 34 56 78 90 z"/></svg><img src="logo@2x.png">', encoding="utf-8")
    pd.DataFrame({"item": ["b_temps"], "pct": [0.481], "n_base": [27]}).to_csv(tmp_path / "t.csv", index=False)
    found = audit.scan_run(tmp_path)
    assert list(found.columns) == ["file", "kind", "match", "location"]
    assert found.empty, found


@pytest.mark.parametrize("text, kind, match", [
    ("contact : jean.dupont@exemple.fr", "email", "jean.dupont@exemple.fr"),
    ("contact : jean.dupont&#64;exemple.fr", "email", "jean.dupont@exemple.fr"),
    ("Tél. 06 12 34 56 78.", "phone", "06 12 34 56 78"),
    ("tel 06.12.34.56.78", "phone", "06.12.34.56.78"),
    ("tel 06-12-34-56-78", "phone", "06-12-34-56-78"),
    ("tel 0612345678", "phone", "0612345678"),
    ("tel +33 6 12 34 56 78", "phone", "+33 6 12 34 56 78"),
    ("tel +33612345678", "phone", "+33612345678"),
    ("tel +33 (0)3 20 12 34 56", "phone", "+33 (0)3 20 12 34 56"),
    ("tel 0033 3 20 12 34 56", "phone", "0033 3 20 12 34 56"),
    ("tel 06 12.34-56 78", "phone", "06 12.34-56 78"),
    ("écrire à jean.dupont [at] exemple.fr", "email", "jean.dupont [at] exemple.fr"),
    ("écrire à jean(at)exemple.fr", "email", "jean(at)exemple.fr"),
    ("écrire à josé.garcía@exemple.fr", "email", "josé.garcía@exemple.fr"),
    ("tél. 03/20/12/34/56", "phone", "03/20/12/34/56"),
    ("Bruxelles : +32 2 555 12 34", "phone", "+32 2 555 12 34"),
    ("Londres : 0044 20 7946 0958", "phone", "0044 20 7946 0958"),
    ("SIREN 732829320", "siret", "732829320"),
    ("SIREN 732 829 320", "siret", "732 829 320"),
    ("SIRET 732 829 320 00074", "siret", "732 829 320 00074"),
    ("SIRET 73282932000074.", "siret", "73282932000074"),
])
def test_scan_text_finds_each_written_form(text, kind, match):
    assert [(f["kind"], f["match"]) for f in audit.scan_text(text)] == [(kind, match)]


@pytest.mark.parametrize("text", ["0,0612345678", "2019-02-03", "1 234 567,89 €", "p = 0.0312345678",
                                  "icon@2x.png", "06 12 34 56", "SIRET 123 456 789 00011 (13 chiffres)",
                                  "SIREN 732829321 (clé de Luhn fausse)", "montant 732829320.5", "1 732 829 320 €",
                                  "732\u202f829\u202f320 € au total", "+32 2 555", "A-7328293200007400"])
def test_scan_text_leaves_numbers_dates_and_assets_alone(text):
    assert audit.scan_text(text) == []


def test_forbidden_strings_match_whole_words_case_insensitively():
    found = audit.scan_text("Réponse de JEAN  DUPONT (Dupontel SA)", forbidden=["Jean Dupont", "Dupo", "ab"])
    assert [f["match"] for f in found] == ["Jean Dupont"]


def test_scan_run_finds_planted_data_in_every_kind_of_output(tmp_path):
    email, phone, siret, name = "claire.martin@exemple.fr", "03 20 12 34 56", "12345678900011", "Claire Martin"
    png = _png_with_text(f"auteur {email}")
    (tmp_path / "report.html").write_text(
        f'<html><p>Merci {name}</p><img src="data:image/png;base64,{base64.b64encode(png).decode()}"></html>',
        encoding="utf-8")
    (tmp_path / "slides.html").write_text(f"<section>Appeler le {phone}</section>", encoding="utf-8")
    nb = {"cells": [{"cell_type": "code", "source": ["x = 1"], "metadata": {}, "outputs": [
        {"output_type": "execute_result", "data": {"text/plain": [f"SIRET {siret}"]}, "metadata": {}}]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_x.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "f.svg").write_text(f"<svg><text>{email}</text></svg>", encoding="utf-8")
    (tmp_path / "figures" / "f.png").write_bytes(_png_with_text(phone))
    (tmp_path / "tables").mkdir()
    pd.DataFrame({"population": ["companies", "companies", "buyers"], "item": ["e_moyens", "e_delais", "b_temps"],
                  "count": [2, None, 1], "pct": [0.5, None, 0.25], "n_base": [4, 3, 4]}
                 ).to_csv(tmp_path / "tables" / "freins.csv", index=False)
    pd.DataFrame({"label": ["=HYPERLINK(\"http://x\")", "'=neutralised", "-3.5"]}
                 ).to_csv(tmp_path / "tables" / "libres.csv", index=False)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "freins"
    ws.append(["item", "pct"])
    ws.append(["=1+1", 0.5])
    ws.append([f"écrire à {email}", 0.1])
    wb.save(tmp_path / "tables" / "tables.xlsx")

    found = audit.scan_run(tmp_path, forbidden=[name, siret])
    got = _kinds(found)
    assert ("report.html", "identifier", name) in got
    assert ("report.html", "email", email) in got  # inside the embedded PNG's text chunk
    assert ("slides.html", "phone", phone) in got
    assert ("notebooks/01_x.ipynb", "identifier", siret) in got
    assert ("figures/f.svg", "email", email) in got
    assert ("figures/f.png", "phone", phone) in got
    small = [g for g in got if g[1] == "small_cell"]
    assert [(f, m.split(":")[0]) for f, _, m in small] == [("tables/freins.csv", "n_base=4")]
    assert "pct=0.5" in small[0][2]
    assert ("tables/libres.csv", "formula", '=HYPERLINK("http://x")') in got
    assert ("tables/tables.xlsx", "formula", "=1+1") in got
    assert ("tables/tables.xlsx", "email", email) in got
    # the suppressed company row (n_base 3, empty values), the buyers row and the neutralised cell are not findings
    assert not [g for g in got if g[1] == "formula" and "neutralised" in g[2]]
    png_loc = found[(found["file"] == "report.html") & (found["kind"] == "email")]["location"].iloc[0]
    assert "image 1" in png_loc


def test_company_tables_are_recognised_by_name_when_they_have_no_population_column(tmp_path):
    pd.DataFrame({"segment": ["sante"], "n_base": [2], "pct": [1.0]}).to_csv(tmp_path / "entreprises_segment.csv",
                                                                              index=False)
    pd.DataFrame({"segment": ["sante"], "n_base": [2], "pct": [1.0]}).to_csv(tmp_path / "acheteurs_segment.csv",
                                                                              index=False)
    found = audit.scan_run(tmp_path, min_cell=5)
    assert found["file"].tolist() == ["entreprises_segment.csv"]
    assert audit.scan_run(tmp_path, min_cell=2).empty


def test_profile_tables_show_no_company_group_smaller_than_the_threshold(tmp_path):
    pd.DataFrame({"attribute": ["size_class"] * 3, "value": ["micro", "eti", "ge"], "n": [50, None, 3],
                  "n_total": [90, 90, 90], "pct": [0.56, None, 0.03]}
                 ).to_csv(tmp_path / "profil_entreprises.csv", index=False)
    found = audit.scan_run(tmp_path)
    assert found[["kind", "location"]].values.tolist() == [["small_cell", "ligne 4"]]
    assert found["match"].iloc[0].startswith("n=3")


def test_a_small_waves_total_is_published_but_no_share_of_it(tmp_path):
    # a wave of 2 companies: its size is a total (published exactly), who answered the question is not
    pd.DataFrame({"population": "companies", "label": "Entreprises innovantes", "wave": [2021], "n": [2],
                  "n_barriers": [None], "pct_barriers": [None]}).to_csv(tmp_path / "repondants_par_vague.csv",
                                                                         index=False)
    # precision.csv: the share assumed to plan the next wave is a setting, not an answer
    pd.DataFrame({"population": "companies", "wave": [2021], "n": [2], "proportion": [0.5], "confidence": [0.95]}
                 ).to_csv(tmp_path / "precision.csv", index=False)
    assert audit.scan_run(tmp_path).empty
    pd.DataFrame({"population": "companies", "label": "Entreprises innovantes", "wave": [2021], "n": [2],
                  "n_barriers": [2], "pct_barriers": [1.0]}).to_csv(tmp_path / "repondants_par_vague.csv", index=False)
    found = audit.scan_run(tmp_path)
    assert found[["file", "kind"]].values.tolist() == [["repondants_par_vague.csv", "small_cell"]]
    assert found["match"].iloc[0] == "n=2: pct_barriers=1.0"


def _deck(path, *, email="", phone="", name="", png=b"", author=""):
    """A two-slide deck: a text box, a table and notes on slide 1; a grouped text box and a picture on slide 2."""
    import pptx
    from pptx.util import Inches

    prs = pptx.Presentation()
    prs.core_properties.author = author
    prs.slide_masters[0].shapes[0].text_frame.text = f"Modèle de {name}" if name else "Titre"
    one = prs.slides.add_slide(prs.slide_layouts[6])
    one.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1)).text_frame.text = "Freins\n" + email
    table = one.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(4), Inches(1)).table
    table.cell(0, 0).text, table.cell(1, 1).text = "Contact", phone
    one.notes_slide.notes_text_frame.text = f"Réponse de {name}"
    link = one.shapes.add_textbox(Inches(1), Inches(4), Inches(4), Inches(1)).text_frame.paragraphs[0].add_run()
    link.text = "Écrire au contact"
    link.hyperlink.address = f"mailto:{email}" if email else "https://exemple.invalid/"
    two = prs.slides.add_slide(prs.slide_layouts[6])
    group = two.shapes.add_group_shape()
    group.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1)).text_frame.text = f"Signé {name}"
    two.shapes.add_picture(io.BytesIO(png or _png_with_text("rien")), Inches(1), Inches(3))
    prs.save(path)


def test_scan_run_reads_every_text_of_a_deck(tmp_path):
    email, phone, name = "claire.martin@exemple.fr", "03 20 12 34 56", "Claire Martin"
    _deck(tmp_path / "slides.pptx", email=email, phone=phone, name=name, png=_png_with_text(f"auteur {email}"),
          author="jean.dupont@exemple.fr")
    found = audit.scan_run(tmp_path, forbidden=[name])
    got = sorted(zip(found["kind"], found["match"], found["location"]))
    assert ("email", email, "diapositive 1, « TextBox 1 », ligne 2") in got
    assert ("phone", phone, "diapositive 1, « Table 2 », ligne 2, colonne 2") in got
    assert ("identifier", name, "diapositive 1, notes") in got
    assert ("identifier", name, "diapositive 2, « TextBox 2 »") in got  # inside the group
    assert [g for g in got if g[2].startswith("diapositive 2, « Picture")] == [
        ("email", email, "diapositive 2, « Picture 3 », image, texte PNG « Description »")]
    assert ("email", "jean.dupont@exemple.fr", "propriétés (author)") in got
    assert ("email", email, "diapositive 1, lien") in got  # a mailto: link is not in the shape's text
    assert ("identifier", name, "masque 1, « Title Placeholder 1 »") in got  # shown on every slide using it
    assert found.attrs["not_scanned"] == {}


def test_a_clean_deck_gives_no_finding_and_a_damaged_one_is_named_as_not_scanned(tmp_path):
    _deck(tmp_path / "slides.pptx")
    clean = audit.scan_run(tmp_path)
    assert clean.empty and clean.attrs["not_scanned"] == {}, clean
    (tmp_path / "slides.pptx").write_bytes(b"PK\x03\x04 tronque")
    damaged = audit.scan_run(tmp_path)
    assert damaged.empty
    assert audit.scan_lines(damaged) == ["slides.pptx non analysé : présentation PPTX illisible (PackageNotFoundError)"]


def _pdf(path, pages, *, url=None):
    matplotlib.rcParams["pdf.fonttype"] = 42  # embedded TrueType: pdftotext reads the text back
    from matplotlib.backends.backend_pdf import PdfPages
    with PdfPages(path) as pdf:
        for text in pages:
            fig = plt.figure(figsize=(5, 2))
            fig.text(0.05, 0.5, text, url=url)
            pdf.savefig(fig)
            plt.close(fig)


@pytest.mark.skipif(shutil.which(audit.PDFTOTEXT) is None, reason="pdftotext (poppler-utils) absent")
def test_scan_run_reads_the_pdf_page_by_page(tmp_path):
    _pdf(tmp_path / "report.pdf", ["Sommaire : 48,1 % des 27 acheteurs", "Claire Martin a répondu",
                                   "Écrire à claire.martin@exemple.fr ou au 03 20 12\n34 56"])
    found = audit.scan_run(tmp_path, forbidden=["Claire Martin"])
    # the phone number wrapped at a line end is still found
    assert sorted(zip(found["kind"], found["match"], found["location"])) == [
        ("email", "claire.martin@exemple.fr", "page 3"), ("identifier", "Claire Martin", "page 2"),
        ("phone", "03 20 12 34 56", "page 3")]
    assert found.attrs["not_scanned"] == {}


@pytest.mark.skipif(shutil.which(audit.PDFTOTEXT) is None, reason="pdftotext (poppler-utils) absent")
def test_scan_run_reads_the_pdf_link_targets(tmp_path):
    _pdf(tmp_path / "report.pdf", ["Écrire au contact"], url="mailto:claire.martin@exemple.fr")
    found = audit.scan_run(tmp_path)
    assert found[["kind", "match", "location"]].values.tolist() == [["email", "claire.martin@exemple.fr", "lien"]]


def test_a_pdf_is_never_passed_silently_when_pdftotext_is_missing(tmp_path):
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4 claire.martin@exemple.fr")
    found = audit.scan_run(tmp_path, pdftotext="pdftotext-absent")
    assert found.empty and found.attrs["not_scanned"] == {"report.pdf": "pdftotext-absent introuvable"}
    assert audit.scan_lines(found) == ["report.pdf non analysé : pdftotext-absent introuvable"]


def test_scan_lines_word_every_kind_from_the_catalogue_and_speak_english_when_asked():
    df = pd.DataFrame([{"file": "report.html", "kind": kind, "match": "x", "location": ""} for kind in audit.KINDS])
    df.attrs.update(not_scanned={"report.pdf": "pdftotext introuvable"}, identifiers=None)
    fr, en = audit.scan_lines(df), audit.scan_lines(df, lang="en")
    assert fr[:2] == ["report.html : adresse e-mail « x »", "report.html : numéro de téléphone « x »"]
    assert en[:2] == ["report.html: e-mail address “x”", "report.html: phone number “x”"]
    assert en[-2:] == ["report.pdf not scanned: pdftotext introuvable",
                       "raw identifiers not searched: the run's study file (manifest.json) is missing or unreadable"]
    assert len(set(en)) == len(en) == len(audit.KINDS) + 2


def test_an_unknown_binary_file_is_named_as_not_scanned(tmp_path):
    (tmp_path / "archive.bin").write_bytes(b"\0\1\2 claire.martin@exemple.fr")
    assert audit.scan_run(tmp_path).attrs["not_scanned"] == {"archive.bin": "format binaire non lu"}


@pytest.mark.parametrize("suppressed", [False, True])
def test_the_workbook_written_by_the_run_is_checked_for_small_cells_at_the_rows_excel_shows(tmp_path, suppressed):
    from etude.publish import workbook
    run = tmp_path / "run"
    (run / "tables").mkdir(parents=True)
    small = (None, None) if suppressed else (2, 2 / 3)
    pd.DataFrame({"population": ["buyers", "companies", "companies"], "item": ["b_temps", "e_moyens", "e_delais"],
                  "n_base": [27, 3, 90], "count": [13, small[0], 40], "pct": [13 / 27, small[1], 40 / 90]}
                 ).to_csv(run / "tables" / "freins.csv", index=False)
    book = workbook.write_workbook(run, {"simulated": True, "waves": [2017]})
    (run / "tables" / "freins.csv").unlink()  # only the workbook is scanned
    ws = openpyxl.load_workbook(book)["Freins cités"]  # sheets are named in words (issue 29 item 7)
    assert ws.cell(row=workbook.HEADER_ROW, column=3).value == "Base (répondants)" and ws["C4"].value == 3
    found = audit.scan_run(run, min_cell=5)
    if suppressed:
        assert found.empty, found
    else:
        assert found[["file", "kind", "location"]].values.tolist() == [
            ["tables/tables.xlsx", "small_cell", "Freins cités, ligne 4"]]
        assert found["match"].iloc[0].startswith("n_base=3: count=2, pct=0.66")


def test_header_row_skips_status_lines_and_needs_a_known_column():
    rows = [["Données simulées — ne pas citer · Profil", None, None, None],
            ["Caractéristique", "Valeur", "Effectif", "Part"], ["size_class", "micro", 50, 0.56]]
    assert audit.header_row(rows) == 1
    assert audit.header_row([["Population", "Item (code)"], ["companies", "e_moyens"]]) == 0
    assert audit.header_row([["Share", "Base (respondents)"]]) == 0  # English headers
    assert audit.header_row([["x", "y", "z"], ["a", "b", "c"]]) is None
    assert audit.header_row([[None] * 5] * 3 + [["population", "n_base"]], scan=3) is None


def test_audit_command_names_what_it_could_not_read_and_fails_on_a_leak(tmp_path, monkeypatch, capsys):
    from etude import cli
    run = tmp_path / "run"
    run.mkdir()
    (run / "report.html").write_text("<p>48,1 % des 27 acheteurs</p>", encoding="utf-8")
    (run / "report.pdf").write_bytes(b"%PDF-1.4")
    monkeypatch.setenv("PATH", str(tmp_path / "sans-outils"))  # no pdftotext on the PATH
    assert cli.main(["audit", str(run)]) == 0
    out = capsys.readouterr().out
    assert "report.pdf non analysé : pdftotext introuvable" in out
    assert "identifiants bruts non recherchés" in out  # no manifest: the study is unknown
    (run / "slides.html").write_text("<p>Écrire à jean.dupont@exemple.fr\x1b[31m</p>", encoding="utf-8")
    assert cli.main(["audit", str(run)]) == 1
    out = capsys.readouterr().out
    assert "slides.html : adresse e-mail « jean.dupont@exemple.fr »" in out and "\x1b" not in out


def test_png_text_reads_compressed_and_international_chunks():
    import struct
    import zlib

    def chunk(ctype, body):
        return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"a@b.fr"))
           + chunk(b"iTXt", b"Author\0\0\0fr\0Auteur\0x@y.fr") + chunk(b"IEND", b""))
    assert audit.png_text(png) == [("Comment", "a@b.fr"), ("Author", "x@y.fr")]


def test_missing_run_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="introuvable"):
        audit.scan_run(tmp_path / "nope")


def test_raw_identifiers_reads_identifier_columns_of_every_export_including_mapped_ones(tmp_path):
    (tmp_path / "a.csv").write_text(
        "Titre de l'export\n"
        "Identifiant de la réponse;Adresse e-mail;Nom et prénom;Vous êtes;Commentaires\n"
        "R-001;ana.roux@exemple.fr;Ana ROUX;État;rien\n"
        "7;;Li;État;rien\n", encoding="utf-8")
    (tmp_path / "e.csv").write_text("ID;Mail;SIRET\nE-01;bo@exemple.fr;12345678900011\n", encoding="utf-8")
    (tmp_path / "m.yaml").write_text("columns:\n  Mail: email\n", encoding="utf-8")
    (tmp_path / "etude.yaml").write_text(
        "buyers:\n  - {wave: 2017, file: a.csv}\ncompanies:\n  - {wave: 2017, file: e.csv, mapping: m.yaml}\n",
        encoding="utf-8")
    ids = audit.raw_identifiers(tmp_path / "etude.yaml")
    # "7" and "Li" are too short to search for; free text and attributes are not identifiers
    assert ids == ["R-001", "ana.roux@exemple.fr", "Ana ROUX", "E-01", "bo@exemple.fr", "12345678900011"]


# --- a full run of the seeded demo study (tests/bad_inputs/runs.py) ---------------------------------------------

@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    from bad_inputs import runs
    return runs.demo_run(tmp_path_factory)


@pytest.mark.slow
def test_seeded_demo_run_leaks_nothing(demo_run):
    from bad_inputs import runs
    forbidden = audit.raw_identifiers(runs.study_of(demo_run)) + [runs.PLANTED_EMAIL, runs.PLANTED_PHONE]
    assert len(forbidden) > 100 and any("@" in f for f in forbidden)
    found = audit.scan_run(demo_run, forbidden=forbidden, min_cell=5)
    assert found.empty, "\n" + found.to_string(max_colwidth=70)
    assert (demo_run / "slides.pptx").is_file() and (demo_run / "tables" / "tables.xlsx").is_file()
    assert found.attrs["not_scanned"] == {}, audit.scan_lines(found)  # the deck and the PDF were read too


@pytest.mark.slow
def test_no_notebook_of_the_run_shows_its_reader_a_bare_python_value(demo_run):
    # a cell ending on an expression shows its repr in the report (« ['indicateurs.csv', …] »): never wanted
    import json
    bare = [(nb.name, i, "".join(o["data"]["text/plain"])[:60])
            for nb in sorted((demo_run / "notebooks").glob("*.ipynb"))
            for i, cell in enumerate(json.loads(nb.read_text(encoding="utf-8"))["cells"])
            for o in cell.get("outputs", [])
            if o.get("output_type") == "execute_result" and set(o.get("data", {})) == {"text/plain"}]
    assert bare == []


@pytest.mark.slow
def test_seeded_demo_run_has_no_suppressed_cell_recoverable_by_subtraction(demo_run):
    from etude.publish import present
    from etude.safety import disclosure
    found = disclosure.audit_run(demo_run, min_cell=5)
    assert found.empty, "\n" + "\n".join(present.audit_lines(found))
    profile = pd.read_csv(demo_run / "tables" / "profil_entreprises.csv", dtype={"value": str})
    assert "ge250" in set(profile["value"]) and not {"eti", "ge"} & set(profile["value"])  # merged, not blanked


@pytest.mark.slow
def test_free_text_is_escaped_in_html_and_no_spreadsheet_cell_is_a_formula(demo_run):
    from bad_inputs import runs
    for page in demo_run.rglob("*.html"):
        assert runs.PLANTED_SCRIPT not in page.read_text(encoding="utf-8"), f"script brut dans {page.name}"
    book = demo_run / "tables" / "tables.xlsx"
    assert book.is_file()
    wb = openpyxl.load_workbook(book)
    checked = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                checked += 1
                assert cell.data_type != "f", f"formule dans {ws.title}!{cell.coordinate} : {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), f"{ws.title}!{cell.coordinate}"
    assert checked > 0
    for csv in (demo_run / "tables").glob("*.csv"):
        for line in csv.read_text(encoding="utf-8").splitlines():
            for cell in line.split(","):
                assert not cell.startswith(("=", "@")), f"{csv.name} : {line[:120]}"


@pytest.mark.slow
def test_free_text_shown_by_a_notebook_reaches_every_output_escaped_and_scrubbed(tmp_path):
    """A notebook that shows the seeded comments (HTML table, printed text, CSV table): the planted script tag
    arrives escaped in every HTML page, its e-mail and phone never arrive, and the CSV cell is not a formula."""
    from bad_inputs import runs
    root = runs.tiny_root(tmp_path, ("03_texte_libre",))
    study = runs.seeded_demo_study(tmp_path / "etude")
    proc = runs.etude("reproduce", "--study", str(study), env=runs.env_for(root, pdf=True), cwd=root,
                     timeout=600)  # the PDF too: every output
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    run = runs.run_folder(proc)
    pages = [run / "report.html", run / "slides.html", run / "notebooks" / "03_texte_libre.html"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert runs.PLANTED_SCRIPT not in text, page.name
        assert "alert(&#x27;fuite&#x27;)" in text or "alert(&#39;fuite&#39;)" in text or "alert('fuite')" in text
        assert "&lt;script&gt;" in text, f"le commentaire planté n'a pas atteint {page.name}"
    found = audit.scan_run(run, forbidden=audit.raw_identifiers(study) + [runs.PLANTED_EMAIL, runs.PLANTED_PHONE])
    assert found.empty, "\n" + found.to_string(max_colwidth=70)
    # the formula comment reached the tables, neutralised (the scan above also found no formula cell)
    assert "'=HYPERLINK" in (run / "tables" / "commentaires.csv").read_text(encoding="utf-8")
    wb = openpyxl.load_workbook(run / "tables" / "tables.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert any(isinstance(c.value, str) and "=HYPERLINK" in c.value for c in cells)
    assert all(c.data_type != "f" for c in cells)


def test_the_study_s_declared_contact_is_not_a_finding_but_another_address_is(tmp_path):
    # a study's meeting.contacts is printed on the closing slide on purpose; any other address is still found
    study = tmp_path / "etude.yaml"
    study.write_text("meeting:\n  contacts:\n  - gt-innovation@example.org\n", encoding="utf-8")
    run = tmp_path / "run"
    run.mkdir()
    (run / "slides.html").write_text("<p>Contact : gt-innovation@example.org, ou claire.martin@exemple.fr</p>",
                                     encoding="utf-8")
    found = audit.privacy_scan(run, study=study)
    assert found[found["kind"] == "email"]["match"].tolist() == ["claire.martin@exemple.fr"]
