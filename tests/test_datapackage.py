"""Every run folder is a Frictionless Data Package that the frictionless library validates."""
from __future__ import annotations

import json

import pandas as pd

from etude.publish import datapackage


def _run_folder(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"population": ["buyers", "buyers", "companies"], "item": ["b_temps", "b_cout", "b_temps"],
                  "n_base": [25, 25, 88], "pct": [0.48, None, 0.1], "simulated": [True, True, False],
                  "date": ["2024-01-05", "2024-02-01", ""]}).to_csv(tables / "freins.csv", index=False)
    pd.DataFrame({"region": ["32", "FR"], "year": [2024, 2024], "share": [0.2, 0.25],
                  "resamples": pd.array([1000, None], dtype="Int64")}).to_csv(tables / "decp_panel.csv", index=False)
    (tables / "tables.xlsx").write_bytes(b"not described")
    return tmp_path


def test_package_validates_with_frictionless(tmp_path):
    from frictionless import validate
    run = _run_folder(tmp_path)
    path = datapackage.write_datapackage(run, info={"title": "Étude", "sources": ["enquête 2017"]}, simulated=True)
    report = validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    pkg = json.loads(path.read_text(encoding="utf-8"))
    assert pkg["licenses"][0]["name"] == "etalab-2.0" and pkg["simulated"] is True
    assert pkg["sources"] == [{"title": "enquête 2017"}]
    freins = next(r for r in pkg["resources"] if r["name"] == "freins")
    types = {f["name"]: f["type"] for f in freins["schema"]["fields"]}
    assert types == {"population": "string", "item": "string", "n_base": "integer", "pct": "number",
                     "simulated": "boolean", "date": "date"}
    assert freins["schema"]["primaryKey"] == ["population", "item"]
    assert freins["schema"]["missingValues"] == [""]
    assert all(f["description"] and f["description_en"] for f in freins["schema"]["fields"])
    assert [r["path"] for r in pkg["resources"]] == ["tables/decp_panel.csv", "tables/freins.csv"]


def test_a_changed_table_no_longer_validates(tmp_path):
    from frictionless import validate
    run = _run_folder(tmp_path)
    path = datapackage.write_datapackage(run)
    (run / "tables" / "freins.csv").write_text("population,item,n_base,pct,simulated,date\nbuyers,b_temps,x,0.5,True,"
                                               "\nbuyers,b_temps,1,0.5,True,\n", encoding="utf-8")
    assert not validate(str(path)).valid
