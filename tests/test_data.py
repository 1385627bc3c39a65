"""Loaders and validation: the respondent-table contract, every layout/encoding/format, every bad-input case."""
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from etude import codebook, data, paths
from etude.errors import PROBLEM_COLUMNS, InputError

BUYER_ITEMS = list(codebook.items("buyers")["code"])
Q_B = codebook.load()["questionnaires"]["buyers"]["questions"]["barriers"]["text_fr"]


# ----------------------------------------------------------------------------------------------- contract

def test_load_study_follows_the_contract():
    t = data.load_study()
    assert set(t) == {"buyers", "companies"}
    for kind, df in t.items():
        data.respondent_schema(kind).validate(df)
        assert df["respondent_id"].str.match(r"^[AE]-[0-9a-f]{8}$").all()
        assert df["respondent_id"].is_unique
        assert (df["population"] == kind).all()
        assert df["wave"].dtype == "int64" and df["simulated"].dtype == bool and df["simulated"].all()
        assert df["source_file"].str.contains("simule").all() and not df["source_file"].str.contains("/").any()
        for col in ["email", "name", "phone", "siret", "company"]:
            assert col not in df
    b = t["buyers"]
    assert list(b.columns[:9]) == ["respondent_id", "population", "wave", "simulated", "source_file",
                                   "buyer_type", "organisation", "segment", "departement"]
    assert isinstance(b["buyer_type"].dtype, pd.CategoricalDtype)
    assert list(b["buyer_type"].cat.categories) == ["etat", "collectivite", "sante", "autre"]
    assert list(b["departement"].cat.categories) == ["02", "59", "60", "62", "80"]
    assert all(b[c].dtype == "boolean" for c in BUYER_ITEMS)


def test_multi_select_rule_all_na_or_all_answered():
    for kind, df in data.load_study().items():
        for question in ["barriers", "segments"]:
            items = list(codebook.items(kind, question)["code"])
            block = df[items]
            assert (block.isna().all(axis=1) | block.notna().all(axis=1)).all()
            assert (block.isna().all(axis=1) | block.fillna(False).any(axis=1)).all()


def test_study_inputs_records_sha256_and_simulated():
    inp = data.study_inputs()
    assert list(inp.columns) == ["kind", "wave", "path", "sha256", "format", "simulated"]
    assert len(inp) == 4 and inp["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert set(inp["format"]) == {"csv", "xlsx"}
    assert all(Path(p).is_absolute() and Path(p).is_file() for p in inp["path"])


def test_raw_files_are_only_read():
    files = sorted(paths.demo_dir().glob("*_simule.*"))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    data.load_study()
    data.study_inputs()
    for p in files:
        data.validate(p, "buyers" if p.name.startswith("acheteurs") else "companies")
    assert before == {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}


def test_demo_exports_validate_clean():
    for p in sorted(paths.demo_dir().glob("*_simule.*")):
        report = data.validate(p, "buyers" if p.name.startswith("acheteurs") else "companies")
        assert list(report.columns) == PROBLEM_COLUMNS
        assert report.empty, report.to_dict("records")
