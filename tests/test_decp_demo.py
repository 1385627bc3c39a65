"""The demo's DECP extract: exactly what the generator writes, simulated and said so, shaped like real DECP files."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from etude import decp, paths
from etude.decp import demo

DECP_DIR = paths.shared_dir() / "data" / "decp"
REAL = [DECP_DIR / "decp_croix_2019-2021.json", DECP_DIR / "decp_pes_2019-04-05.zip"]


def test_committed_extract_is_exactly_what_the_generator_writes(tmp_path):
    written = demo.write_demo_decp(tmp_path)
    assert written.read_bytes() == (paths.demo_dir() / demo.DEMO_FILE).read_bytes()
    other = demo.simulate_consolidated(200, seed=7)
    assert not other.equals(demo.simulate_consolidated(200))


def test_etude_demo_regenerates_the_committed_extract_byte_for_byte(tmp_path, capsys):
    from etude import cli
    for out in (tmp_path / "a", tmp_path / "b"):
        assert cli.main(["demo", "--out", str(out)]) == 0
    assert capsys.readouterr().out.split()[-1] == str(tmp_path / "b" / demo.DEMO_FILE)
    committed = (paths.demo_dir() / demo.DEMO_FILE).read_bytes()
    assert (tmp_path / "a" / demo.DEMO_FILE).read_bytes() == (tmp_path / "b" / demo.DEMO_FILE).read_bytes() == committed


def test_extract_has_the_consolidated_shape_and_says_it_is_simulated():
    raw = pd.read_csv(paths.demo_dir() / demo.DEMO_FILE, dtype=str, keep_default_na=False)
    assert list(raw.columns) == decp.TABULAR_COLUMNS
    assert (raw["sourceDataset"] == demo.SIMULATED_SOURCE).all()
    assert raw["acheteur_nom"].str.startswith("Acheteur simulé").all()
    assert "SIMULÉ" in (paths.demo_dir() / "decp_hypotheses.yaml").read_text(encoding="utf-8")
    records, summary = decp.read_decp(paths.demo_dir() / demo.DEMO_FILE)
    assert records["uid"].is_unique and records["year"].dropna().between(2019, 2025).all()
    assert set(decp.assign_regions(records).dropna()) <= set(decp.REGION_NAMES)


def test_existing_file_with_other_bytes_is_not_overwritten(tmp_path):
    (tmp_path / demo.DEMO_FILE).write_text("autre\n", encoding="utf-8")
    with pytest.raises(decp.InputError if hasattr(decp, "InputError") else Exception, match="non écrasé"):
        demo.write_demo_decp(tmp_path)
    assert demo.write_demo_decp(tmp_path, force=True).read_bytes() != b"autre\n"


@pytest.mark.skipif(not all(p.exists() for p in REAL), reason="real DECP files ../shared/data/decp/ not available")
def test_calibrated_values_are_those_of_the_real_files():
    # Every value marked CALIBRÉ in data/demo/decp_hypotheses.yaml, recomputed on the two real files.
    h = demo.hypotheses()
    records = pd.concat([decp.read_decp(p)[0] for p in REAL], ignore_index=True)
    amounts = records.loc[records["amount_status"].isin(decp.AMOUNT_USABLE), "amount_eur"]
    logs = np.log(amounts[amounts > 0])
    assert h["amount_log_mean"] == pytest.approx(logs.mean(), abs=0.01)
    assert h["amount_log_sd"] == pytest.approx(logs.std(), abs=0.01)
    assert h["amount_zero"] == pytest.approx((amounts == 0).mean(), abs=0.001)
    procedures = records["procedure"].value_counts(normalize=True)
    assert h["procedures"]["Procédure adaptée"] == pytest.approx(procedures["Procédure adaptée"], abs=0.01)
    assert h["procedures"]["Appel d'offres ouvert"] == pytest.approx(procedures["Appel d'offres ouvert"], abs=0.01)
    natures = records["nature"].value_counts(normalize=True)
    assert h["natures"]["Marché"] == pytest.approx(natures["Marché"], abs=0.01)
    holders = records["n_holders_listed"].value_counts(normalize=True)
    assert h["holders"][1] == pytest.approx(holders[1], abs=0.01)
