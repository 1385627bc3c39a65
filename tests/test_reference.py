"""Reference tables: every row sourced and with a valid status; the GT's 2017 figures exactly as the seed says."""
import shutil

import pandas as pd
import pytest

from etude.errors import InputError
from etude.survey import reference


@pytest.fixture(scope="module")
def ref():
    return reference.load_reference()


def test_every_row_has_a_source_and_a_valid_status(ref):
    assert ref["source"].notna().all()
    assert (ref["source"].str.strip() != "").all()
    assert ref["status"].isin(reference.STATUSES).all()


def test_every_row_has_a_value_or_a_text(ref):
    assert (ref["value"].notna() | ref["value_text"].notna()).all()


def test_one_row_per_series_indicator_and_period(ref):
    assert not ref.duplicated(["series", "indicator", "period"]).any()


def test_one_perimeter_and_unit_per_indicator(ref):
    per = ref.groupby(["series", "indicator"])[["perimeter", "unit"]].nunique()
    assert (per <= 1).all().all()


def test_gt_2017_figures_are_the_seed_figures():
    gt = reference.load_reference("gt_orcp_2017").set_index("indicator")
    expected = {"reponses_acheteurs": 27, "reponses_acheteurs_etat": 17, "reponses_acheteurs_collectivites": 4,
                "reponses_entreprises": 90, "innovember_participants": 350, "innovember_entreprises": 70,
                "sous_groupes_thematiques": 4}
    for indicator, value in expected.items():
        assert gt.loc[indicator, "value"] == value, indicator
        assert gt.loc[indicator, "status"] == "published", indicator
        assert gt.loc[indicator, "year"] == 2017
    assert gt.loc["reponses_acheteurs_autres", "status"] == "computed"  # 27 - 17 - 4
    objectives_2018 = gt[gt.index.str.startswith("objectif_2018")]
    assert len(objectives_2018) == 5
    assert objectives_2018["value"].isna().all() and objectives_2018["value_text"].notna().all()


def test_published_counts_are_keyed_by_codebook_codes():
    counts = reference.published_counts()
    assert list(counts.columns[:5]) == ["population", "wave", "attribute", "code", "n"]
    assert counts["n"].tolist() == [27, 17, 4, 90]
    assert (counts["wave"] == 2017).all()
    assert (counts["status"] == "published").all()


@pytest.fixture
def copy_dir(tmp_path):
    d = tmp_path / "reference"
    shutil.copytree(reference.paths.reference_dir(), d)
    return d


def _rewrite(path, edit):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(df)
    df.to_csv(path, index=False)


def test_a_table_is_read_once_while_its_file_is_unchanged_and_handed_out_as_copies(copy_dir, monkeypatch):
    monkeypatch.setattr(reference, "_READ", {})
    parsed = []
    real_parse = reference._parse_one
    monkeypatch.setattr(reference, "_parse_one", lambda path, data: parsed.append(path.name) or real_parse(path, data))
    first = reference.load_reference("gt_orcp_2017", directory=copy_dir)
    first.loc[0, "value"] = -1.0  # a notebook that changes its copy changes only its copy
    again = reference.load_reference("gt_orcp_2017", directory=copy_dir)
    assert again.loc[0, "value"] != -1.0 and parsed == ["gt_orcp_2017.csv"]
    _rewrite(copy_dir / "gt_orcp_2017.csv", lambda df: df.__setitem__("status", ["vu"] + list(df["status"][1:])))
    with pytest.raises(InputError):  # a changed file is read (and checked) again
        reference.load_reference("gt_orcp_2017", directory=copy_dir)
    assert parsed == ["gt_orcp_2017.csv"] * 2


def test_bad_status_names_file_row_and_column(copy_dir):
    _rewrite(copy_dir / "gt_orcp_2017.csv", lambda df: df.__setitem__("status", ["vu"] + list(df["status"][1:])))
    with pytest.raises(InputError) as err:
        reference.load_reference("gt_orcp_2017", directory=copy_dir)
    msg = str(err.value)
    assert "gt_orcp_2017.csv, ligne 2, colonne « status »" in msg and "« vu »" in msg and "published" in msg


def test_missing_source_is_rejected(copy_dir):
    def edit(df):
        df.loc[2, "source"] = ""
    _rewrite(copy_dir / "gt_orcp_2017.csv", edit)
    with pytest.raises(InputError, match="ligne 4, colonne « source »"):
        reference.load_reference(directory=copy_dir)


def test_value_must_be_a_number(copy_dir):
    def edit(df):
        df.loc[0, "value"] = "27 réponses"
    _rewrite(copy_dir / "gt_orcp_2017.csv", edit)
    with pytest.raises(InputError, match="colonne « value » .*27 réponses"):
        reference.load_reference("gt_orcp_2017", directory=copy_dir)


def test_missing_column_is_named(copy_dir):
    def edit(df):
        del df["status"]
    _rewrite(copy_dir / "gt_orcp_2017.csv", edit)
    with pytest.raises(InputError, match="colonne « status » : colonne obligatoire absente"):
        reference.load_reference("gt_orcp_2017", directory=copy_dir)


def test_unknown_table_lists_the_known_ones():
    with pytest.raises(InputError, match="gt_orcp_2017"):
        reference.load_reference("nope")


def _value(ref, table, indicator, period):
    row = ref[(ref["table"] == table) & (ref["indicator"] == indicator) & (ref["period"] == period)]
    assert len(row) == 1, (table, indicator, period)
    return row.iloc[0]


def test_context_figures_as_in_the_research_notes(ref):
    assert _value(ref, "adcf_barometre", "volume", "2017")["value"] == 77.3
    assert _value(ref, "adcf_barometre", "variation_annuelle", "2017")["value"] == 0.071
    assert _value(ref, "oecp_recensement", "nombre_marches", "2017")["value"] == 163519
    assert _value(ref, "oecp_recensement", "nombre_marches", "2018")["status"] == "uncertain"  # ≈155 000
    assert _value(ref, "objectif_2pct", "objectif_part_achats_innovants", "2020")["value"] == 0.02
    assert _value(ref, "oecp_enquete_acheteurs_2020", "repondants", "2020")["value"] == 218
    assert _value(ref, "cinov_barometre", "repondants", "2024")["value"] == 845
    n23 = _value(ref, "cinov_barometre", "repondants", "2023")
    assert pd.isna(n23["value"]) and n23["value_text"] == "« plus de 300 »"


def test_ranges_and_guesses_are_never_numbers(ref):
    quarters = ref[(ref["table"] == "oecp_experimentation") & (ref["indicator"] == "marches_trimestre")]
    exact = quarters.dropna(subset=["value"]).set_index("period")["value"].to_dict()
    assert exact == {"2019Q1": 2, "2019Q4": 51, "2020Q4": 26, "2021Q1": 9}
    assert quarters.set_index("period").loc["2020Q4", "status"] == "uncertain"
    # no yearly State innovative-purchase share except 2014: the other years are absent, not guessed
    state = ref[ref["series"] == "achats_innovants_etat"]
    assert state["year"].tolist() == [2014]


def test_statuses_follow_the_research_notes_tags(ref):
    uncertain = set(ref.loc[ref["status"] == "uncertain", "indicator"])
    assert {"typologie_collectivites_weka", "typologie_collectivites_letowski",
            "variation_annuelle_autre_source"} <= uncertain
    computed = ref[ref["status"] == "computed"]
    assert computed["note"].notna().all()  # a computed figure says how


def test_bad_period_is_rejected(copy_dir):
    def edit(df):
        df.loc[0, "period"] = "2018"
    _rewrite(copy_dir / "gt_orcp_2017.csv", edit)
    with pytest.raises(InputError, match="colonne « period »"):
        reference.load_reference("gt_orcp_2017", directory=copy_dir)


def test_every_word_a_reader_sees_has_its_english_twin(ref):
    assert ref["label_en"].notna().all() and ref["perimeter_en"].notna().all()
    text_rows = ref["value_text"].notna()
    assert (ref["value_text_en"].notna() == text_rows).all()
    assert (ref["note_en"].notna() == ref["note"].notna()).all()
    for col in ("label_en", "perimeter_en", "value_text_en", "note_en"):  # English quotation marks and numbers
        english = ref[col].dropna()
        assert not english.str.contains("«|»").any(), english[english.str.contains("«|»")].tolist()
        comma = english.str.contains(r"\d,\d(?!\d\d)")  # a decimal comma (« 2,5 »), not thousands (« 40,000 »)
        assert not comma.any(), english[comma].tolist()
        spaced = english.str.contains("\u202f%|\u00a0%| %")  # « 4 % », not « 4% »
        assert not spaced.any(), english[spaced].tolist()


def test_the_gt_texts_in_english_keep_proper_names_and_the_restitution_s_quotations():
    fr, en = reference.gt_texts("objectif_2017_"), reference.gt_texts("objectif_2017_", lang="en")
    assert fr["code"].tolist() == en["code"].tolist() and fr["source"].tolist() == en["source"].tolist()
    assert en["label"].iloc[0] == "2017 objective" and fr["label"].iloc[0] == "Objectif 2017"
    assert "“achats innovants”" in en["text"].iloc[1] and "Sciences Po Lille – ORCP" in en["text"].iloc[1]
    solutions = reference.gt_texts("solution_2018_", lang="en")["text"]
    assert len(solutions) == 9 and solutions.str.len().gt(10).all()
    assert "INNOVEMBER" in reference.gt_texts("note_2018_", lang="en")["text"].iloc[0]
    assert len(reference.gt_texts("sous_groupe_", lang="en")) == 4
    assert reference.column("perimeter", "en") == "perimeter_en" and reference.column("label") == "label_fr"


def test_a_text_row_without_its_english_text_is_rejected(copy_dir):
    def edit(df):
        df.loc[df["indicator"] == "objectif_2018_sensibilisation", "value_text_en"] = ""
    _rewrite(copy_dir / "gt_orcp_2017.csv", edit)
    with pytest.raises(InputError, match="colonne « value_text_en »"):
        reference.load_reference("gt_orcp_2017", directory=copy_dir)


def test_a_note_without_its_english_note_is_rejected(copy_dir):
    def edit(df):
        df.loc[0, "note_en"] = ""
    _rewrite(copy_dir / "objectif_2pct.csv", edit)
    with pytest.raises(InputError, match="ligne 2, colonne « note_en »"):
        reference.load_reference("objectif_2pct", directory=copy_dir)


def test_a_missing_english_label_is_rejected(copy_dir):
    def edit(df):
        df.loc[0, "label_en"] = ""
    _rewrite(copy_dir / "cinov_barometre.csv", edit)
    with pytest.raises(InputError, match="ligne 2, colonne « label_en »"):
        reference.load_reference("cinov_barometre", directory=copy_dir)
