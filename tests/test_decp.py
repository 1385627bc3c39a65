"""DECP: reading each format and quirk, counted cleaning rules, region by code type, per-year indicators.

Real files come from ``../shared/data/decp`` (never downloaded; tests skip with a reason when absent). Small
fixtures in ``tests/fixtures/decp`` were written by hand for this test file:

* ``decp_tabulaire_petit.csv`` — the 58 columns of the consolidated tabular DECP, five contracts (A–E):
  A (Lille, region 32) has two holders and one modification (4 rows: initial + modified, × 2 holders),
  notified 2023-03-01 for 100 000 € (modified 2024-02-01 to 120 000 €); B (Somme, 32) is a *partenariat
  d'innovation* of 2024-05-10 for 50 000 €, flagged innovative, its row present twice; C (Île-de-France,
  region 11) 2024-06-01, 70 000 €, shares its holder with A; D has no region columns, buyer SIREN 218000216
  (a commune of the Somme), *dialogue compétitif* 2024-01-15 with an absurd amount 1.0E17; E is a State buyer
  placed by its « Code commune » 59350 (Lille), with the impossible date 2024-02-30.
* ``decp_v2_petit.json`` — the 2022 format as data.gouv.fr publishes it (``{"marches": {"marche": [...],
  "contrat-concession": [...]}}``): three contracts and one concession.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from etude import cli, decp, paths
from etude.errors import InputError, ParameterError
from etude.publish.present.decp import format_report, summary_table

DECP_DIR = paths.shared_dir() / "data" / "decp"
CROIX = DECP_DIR / "decp_croix_2019-2021.json"
PES = DECP_DIR / "decp_pes_2019-04-05.zip"
FIXTURES = Path(__file__).parent / "fixtures" / "decp"
TABULAR = FIXTURES / "decp_tabulaire_petit.csv"
V2 = FIXTURES / "decp_v2_petit.json"
needs_croix = pytest.mark.skipif(not CROIX.exists(), reason="real DECP file ../shared/data/decp/"
                                 "decp_croix_2019-2021.json not available")
needs_pes = pytest.mark.skipif(not PES.exists(), reason="real DECP file ../shared/data/decp/"
                               "decp_pes_2019-04-05.zip not available")


def record(i: int, **over) -> dict:
    """A valid 2017-format record (Ville de Croix's SIRET, a postal code of Croix)."""
    rec = {"id": f"2019T{i:04d}", "acheteur": {"id": "21590163800019", "nom": "Ville de Croix (59)"},
           "nature": "Marché", "objet": f"Objet {i}", "codeCPV": "34928400", "procedure": "Procédure adaptée",
           "lieuExecution": {"code": "59170", "typeCode": "Code postal", "nom": "Croix"}, "dureeMois": 12,
           "dateNotification": "2019-03-15", "datePublicationDonnees": "2019-03-20", "montant": 10000,
           "formePrix": "Ferme", "titulaires": [{"id": f"8180994420{i:04d}", "typeIdentifiant": "SIRET",
                                                  "denominationSociale": "ENTREPRISE"}], "modifications": []}
    rec.update(over)
    return rec


def write_json(tmp_path: Path, records: list, name: str = "decp.json", wrap=None) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(wrap if wrap is not None else {"marches": records}, ensure_ascii=False),
                    encoding="utf-8")
    return path


def rule(summary: pd.DataFrame, name: str) -> pd.Series:
    """The line of the rule named ``name`` (its French name: a summary gives codes and facts, worded here)."""
    summary = summary_table(summary, lang="fr")
    row = summary[summary["rule"] == name]
    assert len(row) == 1, f"règle « {name} » absente du résumé : {summary['rule'].tolist()}"
    return row.iloc[0]


# --- scalar rules ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, value, status", [
    ("30000.00", 30000.0, "text"),
    (153900, 153900.0, "ok"),
    ("1 234,50 €", 1234.5, "text_fr"),
    ("1\u202f234,50\u00a0€", 1234.5, "text_fr"),
    ("12 000 € HT", 12000.0, "text_fr"),
    ("1.234.567,89", 1234567.89, "text_fr"),
    ("1,234,567.89", 1234567.89, "text_fr"),
    (0, 0.0, "ok"),
    (1.0e17, 1.0e17, "absurd"),
    (1e10, 1e10, "absurd"),
    (99999999, 99999999.0, "absurd"),
    (999999, 999999.0, "ok"),          # six 9s: a plausible amount, kept
    (-5, -5.0, "negative"),
])
def test_parse_amount(raw, value, status):
    assert decp.parse_amount(raw) == (value, status)


@pytest.mark.parametrize("raw, status", [(None, "missing"), ("", "missing"), ("NC", "missing"),
                                         ("beaucoup", "invalid"), (True, "invalid"), ({"a": 1}, "invalid")])
def test_parse_amount_unusable(raw, status):
    value, got = decp.parse_amount(raw)
    assert got == status and got not in decp.AMOUNT_USABLE


@pytest.mark.parametrize("raw, day, status", [
    ("2019-03-15", dt.date(2019, 3, 15), "ok"),
    ("2018-12-17+01:00", dt.date(2018, 12, 17), "reformatted"),
    ("2019-03-15T00:00:00Z", dt.date(2019, 3, 15), "reformatted"),
    ("15/03/2019", dt.date(2019, 3, 15), "reformatted"),
    ("2019-02-30", None, "invalid"),
    ("2019-13-01", None, "invalid"),
    ("2019-03-15 et 16", None, "invalid"),
    ("", None, "missing"),
    (None, None, "missing"),
    ("1899-12-30", None, "out_of_range"),
    ("2027-01-01", None, "out_of_range"),   # after "today" below
])
def test_parse_date(raw, day, status):
    assert decp.parse_date(raw, today=dt.date(2026, 11, 29)) == (day, status)


@pytest.mark.parametrize("raw, label", [
    ("Appel d offres ouvert", "Appel d'offres ouvert"),
    ("APPEL D’OFFRES OUVERT", "Appel d'offres ouvert"),
    ("procedure adaptee", "Procédure adaptée"),
    ("Procédure négociée avec mise en concurrence préalable", "Procédure avec négociation"),
    ("Marché passé sans publicité ni mise en concurrence préalable", "Sans publicité ni mise en concurrence préalable"),
    ("Marché négocié sans publicité ni mise en concurrence préalable",
     "Sans publicité ni mise en concurrence préalable"),
    ("partenariat d'innovation", "Partenariat d'innovation"),
    ("Procédure expérimentale innovation", "Achat innovant sans publicité ni mise en concurrence (expérimentation)"),
    ("marché innovant sans publicité", "Achat innovant sans publicité ni mise en concurrence (expérimentation)"),
    ("  Procédure  inventée ", "Procédure inventée"),
    ("", None),
])
def test_normalise_procedure(raw, label):
    assert decp.normalise_procedure(raw) == label


@pytest.mark.parametrize("raw, label", [("marché", "Marché"), ("MARCHE", "Marché"), ("Accord-cadre", "Accord-cadre"),
                                        ("accord cadre", "Accord-cadre"), ("Marché subséquent", "Marché subséquent"),
                                        ("", None)])
def test_normalise_nature(raw, label):
    assert decp.normalise_nature(raw) == label


@pytest.mark.parametrize("code, type_code, expected", [
    ("59170", "Code Postal", ("departement", "59")),       # postal code: its first two digits
    ("59350", "Code commune", ("departement", "59")),      # INSEE commune code (Lille)
    ("2A004", "Code commune", ("departement", "2A")),
    ("97411", "Code postal", ("departement", "974")),
    ("59", "Code département", ("departement", "59")),
    ("078", "Code département", ("departement", "78")),
    ("32", "Code région", ("region", "32")),               # a region code, NOT the Gers (32)
    ("32", "Code département", ("departement", "32")),     # the Gers
    ("5911", "Code canton", ("departement", "59")),
    ("FRE11", "Code département", ("nuts", "FRE11")),
    ("55", "Code pays", ("country", "55")),
    ("62041", "Code département", ("mismatch", None)),     # five digits are not a département
    ("croix", "Code Postal", ("mismatch", None)),
    ("59", "Code postal", ("mismatch", None)),
    ("59170", "", ("no_type", None)),
    ("", "", ("no_code", None)),
])
def test_place_departement_reads_the_code_by_its_type(code, type_code, expected):
    assert decp.place_departement(code, type_code) == expected


def test_buyer_departement_from_local_public_body_siren():
    assert decp.buyer_departement("21590163800019") == "59"    # commune de Croix
    assert decp.buyer_departement("28590001500015") == "59"    # SDIS du Nord (28…)
    assert decp.buyer_departement("22800001300016") == "80"    # a département
    assert decp.buyer_departement("20002715900010") is None    # 200…: no département in the number
    assert decp.buyer_departement("13001898900017") is None    # State body


# --- JSON quirks, duplicates, lots --------------------------------------------------------------------------------

def test_quirks_of_the_2017_format_are_read_and_counted(tmp_path):
    recs = [
        record(1, montant="30000.00", dureeMois="36", nature="marché",
               lieuExecution={"code": "59170", "typeCode": "Code Postal", "nom ": "croix"}),
        record(2, montant="1 234,50 €", procedure="Appel d offres ouvert"),
        record(3, dateNotification="2019-02-30"),
        record(4, dateNotification=""),
        record(5, titulaires=[]),
        record(6, montant=1.0e17),
        record(7, montant="NC", nature=""),
    ]
    records, summary = decp.read_decp(write_json(tmp_path, recs))
    assert len(records) == 7
    r = records.set_index("id")
    assert r.loc["2019T0001", "amount_eur"] == 30000.0 and r.loc["2019T0001", "duration_months"] == 36
    assert r.loc["2019T0001", "nature"] == "Marché" and r.loc["2019T0001", "place_type"] == "Code Postal"
    assert r.loc["2019T0002", "amount_eur"] == 1234.5
    assert r.loc["2019T0002", "procedure"] == "Appel d'offres ouvert"
    assert r.loc["2019T0003", "date_status"] == "invalid" and pd.isna(r.loc["2019T0003", "year"])
    assert r.loc["2019T0004", "date_status"] == "missing"
    assert pd.isna(r.loc["2019T0005", "holder_ids"])
    assert r.loc["2019T0006", "amount_status"] == "absurd"
    assert r.loc["2019T0007", "amount_status"] == "missing" and pd.isna(r.loc["2019T0007", "nature"])
    assert rule(summary, "date de notification invalide")["n_records"] == 1
    assert "2019T0003" in rule(summary, "date de notification invalide")["detail"]
    assert "2019-02-30" in rule(summary, "date de notification invalide")["detail"]
    assert rule(summary, "date de notification manquante")["n_records"] == 1
    assert rule(summary, "montant au format français converti")["n_records"] == 1
    assert "1 234,50 €" in rule(summary, "montant au format français converti")["detail"]
    assert rule(summary, "montant aberrant signalé")["n_records"] == 1
    assert rule(summary, "montant manquant")["n_records"] == 1
    assert rule(summary, "titulaire manquant")["n_records"] == 1
    assert rule(summary, "nature harmonisée")["n_records"] == 1
    assert rule(summary, "procédure harmonisée")["n_records"] == 1

    # Per year: records 3 and 4 have no usable date; of the five left (all 2019), 6 (absurd) and 7 (NC) have
    # no usable amount: total 30000 + 1234.5 + 10000 (record 5) = 41234.5, median of the three = 10000;
    # holders: 1, 2, 6, 7 (record 5 has none).
    y = decp.yearly_indicators(records)
    assert y.to_dict("records") == [{"year": 2019, "n_contracts": 5, "amount_total_eur": 41234.5,
                                     "amount_median_eur": 10000.0, "n_buyers": 1, "n_holders": 4,
                                     "n_contracts_with_amount": 3}]


def test_exact_duplicates_dropped_lots_kept(tmp_path):
    lot1 = record(1)
    lot2 = record(1, objet="Objet 1 - lot 2", montant=2000)        # same id, other content: a lot
    recs = [lot1, lot2, dict(lot1), record(2), dict(record(2))]   # two exact copies
    records, summary = decp.read_decp(write_json(tmp_path, recs))
    assert len(records) == 3
    assert sorted(records["amount_eur"]) == [2000, 10000, 10000]
    assert rule(summary, "doublon exact supprimé")["n_records"] == 2
    assert rule(summary, "identifiant partagé (lots) conservé")["n_records"] == 2
    assert decp.yearly_indicators(records)["n_contracts"].tolist() == [3]


def test_duplicates_are_looked_for_across_files(tmp_path):
    a = write_json(tmp_path, [record(1), record(2)], "a.json")
    b = write_json(tmp_path, [record(2), record(3)], "b.json")
    records, summary = decp.read_decp([a, b])
    assert records["id"].tolist() == ["2019T0001", "2019T0002", "2019T0003"]
    assert rule(summary, "doublon exact supprimé")["n_records"] == 1


def test_unexpected_field_types_are_read_as_text_and_counted(tmp_path):
    recs = [record(1, montant={"valeur": 5}), record(2, titulaires={"titulaire": [{"id": "12345678900011"}]}), 5]
    records, summary = decp.read_decp(write_json(tmp_path, recs))
    r = records.set_index("id")
    assert r.loc["2019T0001", "amount_status"] == "invalid"
    assert r.loc["2019T0002", "holder_ids"] == "12345678900011"
    assert rule(summary, "valeur de type inattendu lue comme texte")["n_records"] == 2
    assert rule(summary, "enregistrement illisible écarté")["n_records"] == 1


def test_empty_list_gives_an_empty_table(tmp_path):
    records, summary = decp.read_decp(write_json(tmp_path, []))
    assert records.empty and list(records.columns) == decp.RECORD_COLUMNS
    assert decp.yearly_indicators(records).empty


def test_zip_of_json_is_read(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("dossier/decp.json", json.dumps({"marches": [record(1), record(2)]}))
        z.writestr("LISEZMOI.txt", "rien")
    (tmp_path / "decp.zip").write_bytes(buf.getvalue())
    records, summary = decp.read_decp(tmp_path / "decp.zip")
    assert len(records) == 2 and records["source_file"].iloc[0] == "decp.zip:dossier/decp.json"


def test_v2_format_with_data_gouv_wrapper():
    records, summary = decp.read_decp(V2)
    assert records["id"].tolist() == ["2023V2-001", "2023V2-002", "2024V2-003"]
    assert set(records["source_format"]) == {"DECP 2022"}
    assert rule(summary, "contrat de concession écarté")["n_records"] == 1
    assert records["holder_ids"].tolist() == ["66666666600066;77777777700077", "66666666600066", "88888888800088"]
    assert records["marche_innovant"].tolist() == [True, False, pd.NA]
    assert records["procedure"].tolist() == ["Dialogue compétitif", "Sans publicité ni mise en concurrence préalable",
                                             "Procédure adaptée"]
    assert pd.isna(records["duration_months"].iloc[1])    # "NC"
    # 2023: two contracts, 250000 + 45000; holders 666…, 777… → 2; 2024: the 1e17 amount is never summed.
    y = decp.yearly_indicators(records).set_index("year")
    assert y.loc[2023, ["n_contracts", "amount_total_eur", "n_holders"]].tolist() == [2, 295000.0, 2]
    assert y.loc[2024, "n_contracts"] == 1 and y.loc[2024, "n_contracts_with_amount"] == 0
    assert pd.isna(y.loc[2024, "amount_total_eur"])
    share = decp.innovation_share(records).set_index("year")
    # 2023: one dialogue compétitif of 2 → 0.5; flag given on both, true on one → fill 1.0, share 0.5.
    assert share.loc[2023, "n_dialogue_competitif"] == 1 and share.loc[2023, "share_innovation_procedure"] == 0.5
    assert share.loc[2023, "fill_rate"] == 1.0 and share.loc[2023, "share_flag_innovant"] == 0.5
    # 2024: flag absent → fill rate 0, share not computed (never divided by empty flags).
    assert share.loc[2024, "fill_rate"] == 0 and pd.isna(share.loc[2024, "share_flag_innovant"])
    # region: 001 by the buyer's SIREN (215903501 → 59); 003 State buyer, « Code département » 75 → out.
    kept, _ = decp.filter_region(records)
    assert kept["id"].tolist() == ["2023V2-001", "2023V2-002"]


# --- tabular ---------------------------------------------------------------------------------------------------

def test_tabular_fixture_has_the_58_columns():
    header = TABULAR.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == decp.TABULAR_COLUMNS and len(header) == 58


def _check_tabular(records, summary):
    # Five uids; A counted once (4 rows), B once (its row twice); values of the initial version.
    r = records.set_index("id")
    assert sorted(r.index) == ["A1", "B1", "C1", "D1", "E1"]
    assert r.loc["A1", "year"] == 2023 and r.loc["A1", "amount_eur"] == 100000
    assert r.loc["A1", "holder_ids"] == "11111111100011;22222222200022"
    assert bool(r.loc["B1", "marche_innovant"]) is True
    assert r.loc["D1", "amount_status"] == "absurd" and r.loc["E1", "date_status"] == "invalid"
    assert r.loc["A1", "buyer_region_code"] == "32" and pd.isna(r.loc["D1", "buyer_region_code"])


def test_tabular_csv_counts_contracts_by_uid_on_current_rows():
    records, summary = decp.read_decp(TABULAR)
    _check_tabular(records, summary)
    assert "1 ligne(s) en double exact" in rule(summary, "enregistrements lus")["detail"]
    # No region filter: 2023 = A; 2024 = B, C, D (E has no valid date). Amounts 2024: 50000 + 70000 (D absurd).
    y = decp.yearly_indicators(records)
    assert y.to_dict("records") == [
        {"year": 2023, "n_contracts": 1, "amount_total_eur": 100000.0, "amount_median_eur": 100000.0,
         "n_buyers": 1, "n_holders": 2, "n_contracts_with_amount": 1},
        {"year": 2024, "n_contracts": 3, "amount_total_eur": 120000.0, "amount_median_eur": 60000.0,
         "n_buyers": 3, "n_holders": 3, "n_contracts_with_amount": 2}]


def test_tabular_region_from_buyer_columns_then_siren_then_place():
    records, _ = decp.read_decp(TABULAR)
    where = decp.locate(records).set_index(records["id"])
    assert where.loc["A1", "region_rule"] == "buyer_region" and where.loc["A1", "in_region"]
    assert where.loc["C1", "region_rule"] == "buyer_region" and not where.loc["C1", "in_region"]
    assert where.loc["D1", "region_rule"] == "buyer_siren" and where.loc["D1", "in_region"]
    assert where.loc["E1", "region_rule"] == "place_departement" and where.loc["E1", "in_region"]
    kept, summary = decp.filter_region(records, region="hauts-de-france")
    assert sorted(kept["id"]) == ["A1", "B1", "D1", "E1"]
    assert rule(summary, "retenu : Hauts-de-France")["n_records"] == 4
    # Hauts-de-France: 2023 = A; 2024 = B and D (E's date is invalid), D's amount absurd → total 50000.
    y = decp.yearly_indicators(kept)
    assert y[["year", "n_contracts", "amount_total_eur", "n_buyers", "n_holders"]].to_dict("records") == [
        {"year": 2023, "n_contracts": 1, "amount_total_eur": 100000.0, "n_buyers": 1, "n_holders": 2},
        {"year": 2024, "n_contracts": 2, "amount_total_eur": 50000.0, "n_buyers": 2, "n_holders": 2}]
    share = decp.innovation_share(kept).set_index("year")
    # 2024: B partenariat d'innovation + D dialogue compétitif = 2 of 2; flags given on both, true on B.
    assert share.loc[2024, "n_innovation_procedure"] == 2 and share.loc[2024, "share_flag_innovant"] == 0.5


def test_tabular_parquet_reads_like_the_csv(tmp_path):
    df = pd.read_csv(TABULAR, dtype=str, keep_default_na=False)
    df["montant"] = pd.to_numeric(df["montant"])                 # Parquet keeps numbers as numbers
    df["acheteur_id"] = df["acheteur_id"].astype("int64")        # schema: integer (leading zeros lost)
    df.to_parquet(tmp_path / "decp.parquet")
    records, summary = decp.read_decp(tmp_path / "decp.parquet")
    _check_tabular(records, summary)


def test_tabular_csv_without_decp_columns_is_refused(tmp_path):
    (tmp_path / "autre.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="autre.csv.*uid"):
        decp.read_decp(tmp_path / "autre.csv")


# --- region filter ---------------------------------------------------------------------------------------------

def test_region_filter_by_code_type(tmp_path):
    state = {"id": "13001898900017", "nom": "Service de l'État"}       # no département in a State SIREN

    def placed(i, code, type_code):
        return record(i, acheteur=state, lieuExecution={"code": code, "typeCode": type_code})

    recs = [placed(1, "59800", "Code postal"), placed(2, "59350", "Code commune"),
            placed(3, "59", "Code département"), placed(4, "32", "Code région"), placed(5, "31", "Code région"),
            placed(6, "32", "Code département"),            # the Gers, not Hauts-de-France
            placed(7, "75001", "Code postal"), placed(8, "62041", "Code département"),
            placed(9, "59170", ""), placed(10, "FRE23", "Code région"),
            record(11, lieuExecution={"code": "75001", "typeCode": "Code postal"})]   # Croix's SIREN wins
    records, _ = decp.read_decp(write_json(tmp_path, recs))
    kept, summary = decp.filter_region(records)
    assert kept["id"].str[-2:].astype(int).tolist() == [1, 2, 3, 4, 5, 10, 11]
    und = rule(summary, "région indéterminée : exclu du périmètre")
    assert und["n_records"] == 2 and "62041" in und["detail"] and "type de code absent" in und["detail"]
    all_, s = decp.filter_region(records, region="none")
    assert len(all_) == 11 and s["n_records"].tolist() == [11]


def test_unknown_region_lists_the_allowed_values():
    with pytest.raises(ParameterError, match="hauts-de-france.*none"):
        decp.filter_region(pd.DataFrame(), region="bretagne")


# --- errors ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("content, fragments", [
    (json.dumps({"marches": [record(1), record(2)]}, indent=1)[:-30], ["tronqué", "ligne"]),
    (json.dumps({"resultats": []}), ["marches"]),
    (json.dumps({"marches": "rien"}), ["marches"]),
    ("", ["vide"]),
    ("<!DOCTYPE html><html></html>", ["page HTML"]),
    ('{"marches": [1, }', ["JSON invalide", "ligne 1"]),
])
def test_bad_json_is_an_input_error_naming_the_file(tmp_path, content, fragments):
    path = tmp_path / "mauvais.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        decp.read_decp(path)
    text = str(err.value)
    assert "mauvais.json" in text
    for f in fragments:
        assert f in text, text


def test_broken_zip_and_zip_without_json(tmp_path):
    (tmp_path / "casse.zip").write_bytes(b"PK\x03\x04 pas vraiment un zip")
    with pytest.raises(InputError, match="casse.zip.*ZIP"):
        decp.read_decp(tmp_path / "casse.zip")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    (tmp_path / "vide.zip").write_bytes(buf.getvalue())
    with pytest.raises(InputError, match="sans fichier .json"):
        decp.read_decp(tmp_path / "vide.zip")


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="introuvable"):
        decp.read_decp(tmp_path / "absent.json")


def test_directory_given_as_input_is_a_clean_error(tmp_path):
    with pytest.raises(InputError, match="est un dossier"):
        decp.read_decp(tmp_path)


# --- hostile files (issue 12.17) -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["1e309", "-1e309", "NaN", "Infinity", "1" + "0" * 400, "9" * 5000])
def test_amounts_out_of_float_range_are_unreadable_not_a_crash(tmp_path, raw):
    text = json.dumps({"marches": [record(1), record(2, montant="@@")]}).replace('"@@"', raw)
    path = tmp_path / "montants.json"
    path.write_text(text, encoding="utf-8")
    records, summary = decp.read_decp(path)
    assert records["amount_status"].tolist() == ["ok", "invalid"]
    assert rule(summary, "montant illisible")["n_records"] == 1
    assert decp.yearly_indicators(records)["amount_total_eur"].tolist() == [10000.0]   # only the readable one


@pytest.mark.parametrize("raw", [1e309, float("nan"), 10 ** 400, "NaN", "-Infinity", "1e309"])
def test_parse_amount_special_numbers_are_invalid(raw):
    value, status = decp.parse_amount(raw)
    assert status == ("missing" if isinstance(raw, float) and raw != raw else "invalid")


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000,
                                  b'{"id": "1", "ccag": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"])
def test_json_nested_100000_deep_is_a_clean_message(tmp_path, body):
    path = tmp_path / "profond.json"
    path.write_bytes(b'{"marches": [' + body + b"]}")
    with pytest.raises(InputError, match="profond.json.*imbriqué trop profondément"):
        decp.read_decp(path)


def _zip_of_zeros(path: Path, sizes: dict[str, int]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, size in sizes.items():
            z.writestr(name, b"0" * size)
    return path


def test_zip_bomb_refused_from_declared_sizes_before_inflating(tmp_path, monkeypatch):
    path = _zip_of_zeros(tmp_path / "bombe.zip", {"a.json": 600_000, "b.json": 600_000})
    def never(*args, **kwargs):
        raise AssertionError("a member was inflated")
    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    with pytest.raises(InputError, match="bombe.zip.*trop volumineuse.*1 Mo"):
        decp.read_decp(path, max_unzipped=1_000_000)          # 1.2 MB declared > 1 MB


def test_zip_whose_declared_sizes_lie_is_stopped_while_inflating(tmp_path, monkeypatch):
    # CPython's zipfile never inflates past a member's declared size; a reader that did would be stopped by
    # the count. Simulated: the listing declares 10 bytes, the member really inflates to 2 MB.
    path = _zip_of_zeros(tmp_path / "menteuse.zip", {"a.json": 2_000_000})
    real = zipfile.ZipFile.infolist

    def lying(self):
        infos = []
        for info in real(self):
            fake = zipfile.ZipInfo(info.filename)
            fake.file_size = 10
            infos.append(fake)
        return infos
    monkeypatch.setattr(zipfile.ZipFile, "infolist", lying)
    with pytest.raises(InputError, match="menteuse.zip.*en réalité plus de"):
        decp.read_decp(path, max_unzipped=1_000_000)


def test_zip_under_the_limit_is_read_and_limit_is_checked(tmp_path):
    path = tmp_path / "ok.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("decp.json", json.dumps({"marches": [record(1)]}))
    assert len(decp.read_decp(path, max_unzipped=10_000)[0]) == 1
    with pytest.raises(ParameterError, match="max_unzipped"):
        decp.read_decp(path, max_unzipped=0)


# --- real files ------------------------------------------------------------------------------------------------

@needs_croix
def test_croix_per_year_table():
    # Expected figures computed independently with the standard library (no etude code):
    #   m = json.load(f)["marches"]; drop records whose json.dumps(r, sort_keys=True) was already seen (1: id
    #   202108000000000B, notified 2021-11-08); group by dateNotification[:4]; n = len, total = sum(float(montant)),
    #   median = statistics.median, buyers = distinct acheteur.id, holders = distinct non-empty titulaires[].id.
    #   The file has 74 / 51 / 34 records in 2019 / 2020 / 2021 before removing the duplicate.
    records, summary = decp.read_decp(CROIX)
    assert len(records) == 158
    assert rule(summary, "enregistrements lus")["n_records"] == 159
    assert rule(summary, "doublon exact supprimé")["n_records"] == 1
    assert rule(summary, "nature harmonisée")["n_records"] == 67        # "marché" → "Marché"
    assert rule(summary, "procédure harmonisée")["n_records"] == 46     # 43 "Appel d offres ouvert" + 3 renamed
    assert rule(summary, "titulaire manquant")["n_records"] == 3
    assert rule(summary, "montant nul conservé")["n_records"] == 10
    y = decp.yearly_indicators(records)
    assert y.to_dict("records") == [
        {"year": 2019, "n_contracts": 74, "amount_total_eur": pytest.approx(9460864.67), "amount_median_eur": 49502.0,
         "n_buyers": 1, "n_holders": 54, "n_contracts_with_amount": 74},
        {"year": 2020, "n_contracts": 51, "amount_total_eur": pytest.approx(9283860.66), "amount_median_eur": 60000.0,
         "n_buyers": 1, "n_holders": 40, "n_contracts_with_amount": 51},
        {"year": 2021, "n_contracts": 33, "amount_total_eur": pytest.approx(6006746.49), "amount_median_eur": 32995.0,
         "n_buyers": 1, "n_holders": 28, "n_contracts_with_amount": 33}]
    # Ville de Croix's SIREN 215901638 is a commune of the Nord (59): every record is in Hauts-de-France.
    kept, rs = decp.filter_region(records)
    assert len(kept) == 158 and rule(rs, "retenu : Hauts-de-France")["n_records"] == 158
    mix = decp.procedure_mix(records)
    assert mix[mix["year"] == 2019]["n_contracts"].sum() == 74


@needs_pes
def test_pes_snapshot_region_by_code_type():
    records, summary = decp.read_decp(PES)
    assert rule(summary, "enregistrements lus")["n_records"] == 1148
    assert rule(summary, "doublon exact supprimé")["n_records"] == 2      # json.dumps(sort_keys) gives 2 repeats
    assert rule(summary, "montant aberrant signalé")["n_records"] >= 4    # 99999999 ×3 and 999999999
    kept, rs = decp.filter_region(records)
    names = set(kept["buyer_name"])
    # Placed by the buyer's SIREN (SDIS du Nord 285900015, Lesquin 215903436, SDIS de l'Aisne 280200015) and by
    # the place of performance (Dunkerque, SIREN 200027159: « Code commune » 59183).
    assert {"SDIS DU NORD - BUDGET PRINCIPA", "LESQUIN", "VILLE DE DUNKERQUE - PRINCIPAL"} <= names
    assert "SERVICE DÉPART. INCENDIE  SECOURS AISN" in names
    assert "Ville de Lyon" not in names
    und = rule(rs, "région indéterminée : exclu du périmètre")
    assert "62041" in und["detail"]                                      # « Code département » 62041: not read


# --- command line ----------------------------------------------------------------------------------------------

@needs_croix
def test_cli_writes_the_table_and_prints_the_summary(tmp_path, capsys):
    out = tmp_path / "t.csv"
    assert cli.main(["decp", str(CROIX), "--region", "none", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    table = pd.read_csv(out)
    assert list(table.columns[:6]) == ["year", "n_contracts", "amount_total_eur", "amount_median_eur", "n_buyers",
                                       "n_holders"]
    assert table["n_contracts"].tolist() == [74, 51, 33]
    assert "doublon exact supprimé : 1" in text and "Indicateurs par année" in text and "Table écrite" in text


def test_cli_bad_region_and_bad_file_are_short_messages(tmp_path, capsys):
    path = write_json(tmp_path, [record(1)])
    assert cli.main(["decp", str(path), "--region", "bretagne"]) == 1
    assert "hauts-de-france" in capsys.readouterr().err
    (tmp_path / "t.json").write_text('{"marches": [', encoding="utf-8")
    assert cli.main(["decp", str(tmp_path / "t.json")]) == 1
    err = capsys.readouterr().err
    assert "t.json" in err and "Traceback" not in err


def test_cli_max_unzipped_option_is_in_megabytes(tmp_path, capsys):
    path = _zip_of_zeros(tmp_path / "gros.zip", {"a.json": 2_000_000})
    assert cli.main(["decp", str(path), "--max-unzipped", "1"]) == 1
    err = capsys.readouterr().err
    assert "trop volumineuse" in err and "Traceback" not in err


# --- --out (issue 12.2 / 12.4) ---------------------------------------------------------------------------------

def _out_refused(capsys, argv: list[str], fragment: str) -> None:
    assert cli.main(argv) == 1
    out, err = capsys.readouterr()
    assert fragment in err and "Traceback" not in err, err
    assert "Indicateurs" not in out                               # refused before anything is read


def test_out_that_is_an_input_is_refused_and_the_input_untouched(tmp_path, capsys):
    src = write_json(tmp_path, [record(1)])
    before = src.read_bytes()
    _out_refused(capsys, ["decp", str(src), "--out", str(src)], "fichier d'entrée")
    link = tmp_path / "lien.csv"
    link.symlink_to(src)
    _out_refused(capsys, ["decp", str(src), "--out", str(link)], "fichier d'entrée")
    _out_refused(capsys, ["decp", str(src), "--out", str(tmp_path / "." / "decp.json")], "fichier d'entrée")
    assert src.read_bytes() == before


def test_out_folder_data_read_only_and_unwritable_are_refused(tmp_path, capsys, monkeypatch):
    src = write_json(tmp_path, [record(1)])
    _out_refused(capsys, ["decp", str(src), "--out", str(tmp_path)], "est un dossier")
    monkeypatch.setenv("ETUDE_ROOT", str(tmp_path))
    (tmp_path / "data").mkdir()
    _out_refused(capsys, ["decp", str(src), "--out", str(tmp_path / "data" / "t.csv")], "data/")
    assert not (tmp_path / "data" / "t.csv").exists()
    ro = tmp_path / "ancienne.csv"
    ro.write_text("ancienne\n", encoding="utf-8")
    ro.chmod(0o444)
    _out_refused(capsys, ["decp", str(src), "--out", str(ro)], "lecture seule")
    assert ro.read_text(encoding="utf-8") == "ancienne\n"
    locked = tmp_path / "verrou"
    locked.mkdir()
    locked.chmod(0o555)
    _out_refused(capsys, ["decp", str(src), "--out", str(locked / "t.csv")], "lecture seule ou non accessible")
    assert list(locked.iterdir()) == []
    _out_refused(capsys, ["decp", str(src), "--out", str(src / "t.csv")], "qui est un fichier")


def test_check_out_path_accepts_a_new_file_in_a_new_folder(tmp_path):
    src = write_json(tmp_path, [record(1)])
    target = decp.check_out_path(tmp_path / "neuf" / "t.csv", [src])
    assert target == (tmp_path / "neuf" / "t.csv").resolve() and not (tmp_path / "neuf").exists()
    report = decp.decp_report([src], region="none", out=target)
    assert report.written == [target, target.with_name("t_regions.csv")] and target.exists()
    assert "Table écrite" in format_report(report)


def test_zip_of_many_members_is_streamed_into_shared_frames(tmp_path, monkeypatch):
    # issue 28 item 9: a member costs no DataFrame nor DuckDB view of its own (benchmarks/bench_decp_zip.py
    # measures the cost per member); records keep their member's name and number, and the order of the archive.
    from etude.decp import engine, reading
    monkeypatch.setattr(reading, "JSON_BATCH", 25)
    path = tmp_path / "membres.zip"
    with zipfile.ZipFile(path, "w") as z:
        for i in range(60):
            z.writestr(f"m{i:03d}.json", json.dumps({"marches": [record(i)]}))
        z.writestr("m060.json", json.dumps({"marches": [record(0)]}))      # an exact duplicate, across members
    with engine.connect() as con:
        loaded = reading.load(con, [path], today=dt.date(2026, 1, 1))
        assert len(loaded.parts) == 3                                       # 25 + 25 + 10 records
        assert len(loaded.reads) == 61 and loaded.reads[5] == ("membres.zip:m005.json", "DECP 2017", 1, 0)
        assert loaded.counters.duplicates == 1
    records, summary = decp.read_decp(path, today=dt.date(2026, 1, 1))
    assert len(records) == 60 and records["id"].tolist() == [record(i)["id"] for i in range(60)]
    assert records["source_file"].iloc[7] == "membres.zip:m007.json" and (records["record_no"] == 1).all()
    assert rule(summary, "doublon exact supprimé")["n_records"] == 1


def test_run_manifest_records_each_decp_file_with_its_sha256(tmp_path):
    import hashlib

    from etude.engine.manifest import decp_provenance
    study = tmp_path / "etude.yaml"
    study.write_text("title: x\n", encoding="utf-8")
    (tmp_path / "donnees").mkdir()
    inside = write_json(tmp_path / "donnees", [record(1)])
    outside = write_json(tmp_path.parent, [record(2)], name=f"{tmp_path.name}_hors.json")
    rows = decp_provenance(f"{inside};{outside}", str(study))
    sha = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (inside, outside)]
    assert rows == [{"path": "donnees/decp.json", "relative_to": "study", "sha256": sha[0], "simulated": False},
                    {"path": outside.name, "relative_to": None, "sha256": sha[1], "simulated": False}]
    assert decp_provenance("", str(study)) == []                   # a study of one's own: no demo extract
    assert decp_provenance(str(tmp_path / "absent.json"), str(study)) == []
