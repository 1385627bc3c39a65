"""A simulated extract of the consolidated DECP, for the demo and the benchmark: DONNÉES SIMULÉES, NE PAS CITER.

:func:`simulate_consolidated` draws contracts from ``data/demo/decp_hypotheses.yaml`` (each value there is either
CALIBRÉ on the shapes of the real DECP files of ``../shared/data/decp/`` or a labelled HYPOTHÈSE) and lays them out
as the consolidated national file does: the 58 columns of :data:`etude.decp.TABULAR_COLUMNS`, one row per
contract × holder and per modification, ``donneesActuelles`` on the current version. Buyers and holders are
fictitious (« Acheteur simulé 00042 »), ``sourceDataset`` says « SIMULÉ », and the same seed gives the same bytes.

:func:`write_demo_decp` writes the demo's extract (``data/demo/decp_simule_consolide.csv``);
``benchmarks/bench_decp.py`` draws a national-size file from the same code.

Examples
--------
>>> t = simulate_consolidated(50, seed=1)
>>> len(t.columns), t["sourceDataset"].iloc[0]
(58, 'SIMULÉ — démonstration etude (ne pas citer)')
>>> t.groupby("uid")["donneesActuelles"].apply(lambda s: (s == "true").any()).all()
np.True_
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from etude import paths
from etude.decp.geography import REGION_DEPARTEMENTS, REGION_NAMES
from etude.decp.rules import COMPETITIVE_PROCEDURES, normalise_procedure
from etude.decp.tabular import TABULAR_COLUMNS
from etude.errors import InputError, problem

__all__ = ["simulate_consolidated", "write_demo_decp", "hypotheses", "run_files", "DEMO_FILE", "SIMULATED_SOURCE"]

#: The demo extract's file name in ``data/demo/``.
DEMO_FILE = "decp_simule_consolide.csv"
#: ``sourceDataset`` of every simulated row.
SIMULATED_SOURCE = "SIMULÉ — démonstration etude (ne pas citer)"
_HYPOTHESES = "decp_hypotheses.yaml"


def hypotheses(path: str | Path | None = None) -> dict[str, Any]:
    """The generator's hypotheses (default ``data/demo/decp_hypotheses.yaml``)."""
    import yaml
    with open(Path(path) if path else paths.demo_dir() / _HYPOTHESES, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def run_files(decp: str | list = "", *, study: str | Path | None = None) -> tuple[list[Path], bool]:
    """The DECP files a run reads and whether they are simulated: the files given (``decp``, ``;``-separated,
    see :func:`etude.analysis.indicators.resolve_paths`), else, for the demo study (``study`` empty or the demo's
    own file), the demo's simulated extract :data:`DEMO_FILE`; else none. Notebook 07 reads them, the run's
    manifest records their sha256.

    >>> files, simulated = run_files("")
    >>> [f.name for f in files], simulated
    (['decp_simule_consolide.csv'], True)
    """
    from etude.analysis.indicators import resolve_paths
    files = resolve_paths(decp)
    demo_study = not study or Path(study).resolve() == (paths.demo_dir() / "etude.yaml").resolve()
    if files or not demo_study:
        return files, False
    return [paths.demo_dir() / DEMO_FILE], True


def _choice(rng: np.random.Generator, weights: dict, n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([float(weights[k]) for k in keys])
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _digits(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    return np.array([f"{v:0{width}d}" for v in rng.integers(0, 10 ** width, size=n)], dtype=object)


def _buyers(n: int, h: dict, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` fictitious buyers: region, département, SIRET whose SIREN tells (or not) the département."""
    region = _choice(rng, h["regions"], n)
    deps = np.array([REGION_DEPARTEMENTS[r][rng.integers(0, len(REGION_DEPARTEMENTS[r]) - (r == "94"))]
                     for r in region], dtype=object)
    kind = _choice(rng, h["buyer_kind"], n)
    kind[np.isin(deps, ("2A", "2B"))] = "state"             # a Corsican SIREN does not hold « 2A »
    siret = np.where(kind == "state", "13" + _digits(rng, n, 12),
                     np.where(kind == "other", "20" + _digits(rng, n, 12), "21" + deps))
    short = np.array([len(s) < 14 for s in siret])
    siret[short] = [s + f"{v:012d}"[: 14 - len(s)] for s, v in zip(siret[short], rng.integers(0, 10 ** 12,
                                                                                               int(short.sum())))]
    missing = rng.random(n) < float(h["buyer_region_missing"])
    postal = np.array([d + "00" if len(d) == 3 else ("20" if d in ("2A", "2B") else d) + "000" for d in deps],
                      dtype=object)
    return pd.DataFrame({"acheteur_id": siret, "acheteur_nom": [f"Acheteur simulé {i:05d}" for i in range(n)],
                         "region": region, "acheteur_region_code": np.where(missing, None, region),
                         "acheteur_region_nom": np.where(missing, None, [REGION_NAMES[r] for r in region]),
                         "acheteur_departement_code": np.where(missing, None, deps), "postal": postal,
                         })


def _holders(n: int, h: dict, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` fictitious holders with their SIRENE category (some « non renseigné »)."""
    cat = _choice(rng, h["categories"], n)
    cat[rng.random(n) < float(h["category_missing"])] = None
    return pd.DataFrame({"titulaire_id": "9" + _digits(rng, n, 13), "titulaire_categorie": cat,
                         "titulaire_nom": [f"Entreprise simulée {i:06d}" for i in range(n)]})


def _region_rates(h: dict, rng: np.random.Generator) -> dict[str, dict[str, float]]:
    """Each region's rates, drawn from a beta law around the national rate (HYPOTHÈSE)."""
    k = float(h["region_concentration"])
    return {name: {r: float(rng.beta(m * k, (1 - m) * k)) for r in sorted(REGION_NAMES)}
            for name, m in h["rates"].items()}


def _dates(years: np.ndarray, h: dict, rng: np.random.Generator) -> np.ndarray:
    day = rng.integers(0, 365, size=len(years))
    dates = (pd.to_datetime(years.astype(str), format="%Y") + pd.to_timedelta(day, unit="D")).strftime("%Y-%m-%d")
    dates = np.asarray(dates, dtype=object)
    bad = rng.random(len(years)) < float(h["date_invalid"])
    dates[bad] = [f"{y}-02-30" for y in years[bad]]
    return dates


def _amounts(first_category: np.ndarray, h: dict, rng: np.random.Generator) -> np.ndarray:
    n = len(first_category)
    mu = float(h["amount_log_mean"]) + np.where(first_category == "PME", float(h["amount_sme_shift"]) * 0.4,
                                                -float(h["amount_sme_shift"]) * 0.6)
    amount = np.round(rng.lognormal(mu, float(h["amount_log_sd"])), 2).astype(object)
    u = rng.random(n)
    amount[u < float(h["amount_zero"])] = 0.0
    absurd = (u >= float(h["amount_zero"])) & (u < float(h["amount_zero"]) + float(h["amount_absurd"]))
    amount[absurd] = np.where(rng.random(int(absurd.sum())) < 0.5, 1e17, 99999999.0)
    amount[rng.random(n) < float(h["amount_missing"])] = None
    return amount


def _flag(fill: np.ndarray, p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``"true"``/``"false"`` with probability ``p`` where ``fill``, else missing."""
    out = np.where(rng.random(len(p)) < p, "true", "false").astype(object)
    out[~fill] = None
    return out


def _v2_fields(c: pd.DataFrame, h: dict, rates: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """marcheInnovant, offresRecues and the considerations, given from ``v2_from`` on (HYPOTHÈSE)."""
    n = len(c)
    v2 = c["year"].to_numpy() >= int(h["v2_from"])
    fill = h["fill"]

    def rate(name: str) -> np.ndarray:
        return c["region"].map(rates[name]).to_numpy(float)
    given = v2 & (rng.random(n) < float(fill["offresRecues"]))
    competitive = np.isin([normalise_procedure(p) for p in c["procedure"]], COMPETITIVE_PROCEDURES)
    single = rng.random(n) < np.where(competitive, rate("single_bid"), 0.9)
    bids = np.where(single, 1, 2 + rng.poisson(3, n)).astype(object)
    bids[~given] = None
    social, env = (v2 & (rng.random(n) < float(fill["considerations"])) for _ in range(2))
    social_text = np.where(rng.random(n) < rate("social"), np.where(rng.random(n) < 0.7, "Clause sociale",
                           "Clause sociale, Critère social"), "Pas de considération sociale").astype(object)
    env_text = np.where(rng.random(n) < rate("environmental"), np.where(rng.random(n) < 0.6, "Critère environnemental",
                        "Clause environnementale, Critère environnemental"),
                        "Pas de considération environnementale").astype(object)
    social_text[~social] = None
    env_text[~env] = None
    innov = _flag(v2 & (rng.random(n) < float(fill["marcheInnovant"])), rate("innovant"), rng)
    return {"marcheInnovant": innov, "offresRecues": bids, "considerationsSociales": social_text,
            "considerationsEnvironnementales": env_text}


def _contracts(n: int, h: dict, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per contract (buyer, date, procedure, amount, v2 fields) and the holders pool."""
    buyers = _buyers(max(1, n // int(h["contracts_per_buyer"])), h, rng)
    pool = _holders(max(1, n // 3), h, rng)
    rates = _region_rates(h, rng)
    c = buyers.iloc[rng.integers(0, len(buyers), size=n)].reset_index(drop=True)
    c["year"] = _choice(rng, h["years"], n).astype(int)
    c["dateNotification"] = _dates(c["year"].to_numpy(), h, rng)
    c["procedure"] = _choice(rng, h["procedures"], n)
    c["nature"] = _choice(rng, h["natures"], n)
    c["n_holders"] = _choice(rng, h["holders"], n).astype(int)
    first = rng.integers(0, len(pool), size=n)
    c["holder_rows"] = [np.concatenate(([f], rng.integers(0, len(pool), size=k - 1)))
                        for f, k in zip(first, c["n_holders"])]
    c["montant"] = _amounts(pool["titulaire_categorie"].to_numpy(object)[first], h, rng)
    c["dureeMois"] = rng.choice(np.array(h["duration_months"]), size=n)
    c["id"] = [f"{y}S{i:07d}" for y, i in zip(c["year"], range(n))]
    c["uid"] = c["acheteur_id"] + c["id"]
    for col, values in _v2_fields(c, h, rates, rng).items():
        c[col] = values
    c["modified"] = rng.random(n) < float(h["modified"])
    return c, pool


def _rows(c: pd.DataFrame, pool: pd.DataFrame, h: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Contracts laid out as the consolidated file: a row per holder, twice (versions 0 and 1) when modified."""
    holders = c[["holder_rows"]].explode("holder_rows")
    rows = c.drop(columns="holder_rows").loc[holders.index].reset_index(drop=True)
    rows = pd.concat([rows, pool.iloc[holders["holder_rows"].to_numpy(int)].reset_index(drop=True)], axis=1)
    rows["modification_id"] = 0
    rows["donneesActuelles"] = np.where(rows["modified"], "false", "true")
    later = rows[rows["modified"]].copy()
    later["modification_id"] = 1
    later["donneesActuelles"] = "true"
    later["montant"] = [None if m is None else round(m * 1.1, 2) for m in later["montant"]]
    rows = pd.concat([rows, later]).sort_index(kind="stable").reset_index(drop=True)
    dup = rows[rng.random(len(rows)) < float(h["duplicate_rows"])]
    rows = pd.concat([rows, dup]).sort_index(kind="stable").reset_index(drop=True)
    rows["lieuExecution_code"] = rows["postal"]
    rows["lieuExecution_typeCode"] = "Code postal"
    rows["titulaire_typeIdentifiant"] = "SIRET"
    rows["objet"] = [f"Objet simulé {u[-8:]}" for u in rows["uid"]]
    rows["sourceDataset"] = SIMULATED_SOURCE
    rows["sourceFile"] = DEMO_FILE
    rows["type"] = "Marché"
    rows["datePublicationDonnees"] = rows["dateNotification"]
    rows["acheteur_departement_nom"] = None
    for col in TABULAR_COLUMNS:
        if col not in rows:
            rows[col] = None
    return rows[TABULAR_COLUMNS]


def simulate_consolidated(n_contracts: int | None = None, *, seed: int | None = None,
                          hypotheses_file: str | Path | None = None) -> pd.DataFrame:
    """A simulated consolidated DECP extract (58 text-or-number columns); same seed, same table.

    Parameters
    ----------
    n_contracts : int, optional
        Number of contracts (default: the hypotheses' ``n_contracts``); the file has about 1.2 rows a
        contract (holders, modifications, a few exact duplicates).
    seed : int, optional
        Default: the hypotheses' ``seed``.
    hypotheses_file : path, optional
        Default ``data/demo/decp_hypotheses.yaml``.
    """
    h = hypotheses(hypotheses_file)
    rng = np.random.default_rng(int(h["seed"] if seed is None else seed))
    contracts, pool = _contracts(int(n_contracts or h["n_contracts"]), h, rng)
    return _rows(contracts, pool, h, rng)


def write_demo_decp(out: str | Path | None = None, *, seed: int | None = None, force: bool = False) -> Path:
    """Write the demo extract ``decp_simule_consolide.csv`` (UTF-8, comma) into ``out`` (default ``data/demo/``).

    A file already holding other bytes is an :class:`InputError` unless ``force``; the same bytes are left alone.
    """
    out = Path(out) if out else paths.demo_dir()
    data = simulate_consolidated(seed=seed).to_csv(index=False, lineterminator="\n").encode("utf-8")
    target = out / DEMO_FILE
    if target.exists() and target.read_bytes() != data:
        if not force:
            raise InputError([problem(str(target), message="fichier existant, non écrasé",
                                      expected="un dossier --out vide, ou relancer avec --force pour l'écraser")])
    out.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.read_bytes() != data:
        target.write_bytes(data)
    return target
