"""``etude decp`` at national scale, against a plain DuckDB query computing the same figures.

Builds (once, reproducibly: fixed seed) a consolidated DECP file of about 1.5 million rows and 58 columns
(:func:`etude.decp.demo.simulate_consolidated`, every buyer carrying its region code as the national file does),
then runs, each in its own process so that peak memory is its own:

1. etude: :func:`etude.decp.decp_report` — reading with every cleaning rule, the Hauts-de-France filter, the
   yearly table, the region's panel with bootstrap intervals and the panel of every region with funnel limits;
2. a plain DuckDB query that computes the same numerators, denominators and filled counts for every region and
   France (no rule counted, no interval, no funnel).

It prints each one's wall time, processor time and peak resident memory, the machine's load, etude's processor
time step by step, and whether the figures are equal. On a shared machine the elapsed time mostly measures the
other processes: compare the processor times. Usage::

    python benchmarks/bench_decp.py [--rows 1500000] [--format parquet|csv] [--folder outputs/.bench]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS_PER_ROW = 1 / 1.17      # the simulated file has about 1.17 rows a contract


def build(path: Path, rows: int) -> Path:
    """The benchmark file (same seed, same file); written only when absent."""
    if path.exists():
        return path
    import yaml

    from etude import paths
    from etude.decp import demo
    h = yaml.safe_load((paths.demo_dir() / "decp_hypotheses.yaml").read_text(encoding="utf-8"))
    h["buyer_region_missing"] = 0.0
    spec = path.with_suffix(".yaml")
    path.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(yaml.safe_dump(h, allow_unicode=True), encoding="utf-8")
    table = demo.simulate_consolidated(int(rows * CONTRACTS_PER_ROW), seed=20181001, hypotheses_file=spec)
    table = table.astype({c: "string" for c in table.columns if c not in ("montant", "dureeMois",
                                                                          "modification_id")})
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        table.to_csv(path, index=False)
    else:
        table.to_parquet(path, index=False)
    return path


PEAK = """
def peak_mb():
    # VmHWM: this process's own peak (ru_maxrss would keep the parent's across exec)
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

ETUDE = """
import json, resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
from etude import decp
from etude.decp import command
stages = {"imports": time.process_time() - c0}

def timed(name):  # the processor time of each step etude decp takes (wrapped where command calls it)
    step = getattr(command, name)
    def run(*args, **kwargs):
        c = time.process_time()
        try:
            return step(*args, **kwargs)
        finally:
            stages[name] = stages.get(name, 0.0) + time.process_time() - c
    setattr(command, name, run)
for name in STAGES:
    timed(name)
report = decp.decp_report([sys.argv[1]], region="hauts-de-france")
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
r = report.regions
rows = [[str(a), int(b), c, float(d), float(e), int(f)] for a, b, c, d, e, f in
        r[["region", "year", "indicator", "numerator", "denominator", "n_filled"]].itertuples(index=False)]
print(json.dumps({"wall": wall, "cpu": cpu, "rss_mb": peak_mb(), "rows": rows, "panel_rows": len(report.panel),
                  "stages": stages}))
"""
#: The steps of :func:`etude.decp.decp_report` whose processor time the etude side prints (names in
#: :mod:`etude.decp.command`): reading, regional filter, summaries, yearly table, every region's panel, the
#: region's panel with its bootstrap.
STAGES = ("load", "select_region", "summarise", "yearly_indicators", "regions_panel", "quality_summary", "panel_of")

DUCKDB_SQL = """
WITH src AS (SELECT * EXCLUDE (titulaire_nom, objet), row_number() OVER () AS rn FROM {source}),
d AS (SELECT * EXCLUDE (rn), min(rn) AS rn FROM src GROUP BY ALL),
k AS (SELECT * FROM d WHERE uid IN (SELECT uid FROM d WHERE lower(CAST(donneesActuelles AS VARCHAR)) = 'true')),
init AS (SELECT * FROM k QUALIFY modification_id = min(modification_id) OVER (PARTITION BY uid)),
first AS (SELECT * FROM init QUALIFY row_number() OVER (PARTITION BY uid ORDER BY rn) = 1),
latest AS (SELECT * FROM k WHERE lower(CAST(donneesActuelles AS VARCHAR)) = 'true'
           QUALIFY row_number() OVER (PARTITION BY uid ORDER BY rn) = 1),
hold AS (SELECT uid, count(DISTINCT titulaire_id) AS n_h,
                count(DISTINCT titulaire_id) FILTER (WHERE titulaire_categorie = 'PME') AS n_sme,
                count(DISTINCT titulaire_id) FILTER (WHERE titulaire_categorie IN ('PME', 'ETI', 'GE')) AS n_cat
         FROM init GROUP BY uid),
c AS (
  SELECT f.acheteur_region_code AS region,
         year(try_strptime(CAST(f.dateNotification AS VARCHAR), '%Y-%m-%d')) AS year,
         CASE WHEN TRY_CAST(f.montant AS DOUBLE) >= 0 AND TRY_CAST(f.montant AS DOUBLE) < 1e10
                   AND TRY_CAST(f.montant AS DOUBLE) <> 99999999 THEN TRY_CAST(f.montant AS DOUBLE) END AS amount,
         f.procedure IN ('Procédure adaptée', 'Appel d''offres ouvert', 'Appel d''offres restreint',
                         'Procédure avec négociation', 'Dialogue compétitif', 'Partenariat d''innovation',
                         'Concours') AS competitive,
         lower(CAST(l.marcheInnovant AS VARCHAR)) AS innov, TRY_CAST(l.offresRecues AS INTEGER) AS bids,
         l.considerationsSociales AS social, l.considerationsEnvironnementales AS env,
         coalesce(h.n_h, 0) AS n_h, coalesce(h.n_sme, 0) AS n_sme, coalesce(h.n_cat, 0) AS n_cat
  FROM first f JOIN latest l USING (uid) LEFT JOIN hold h USING (uid)),
dated AS (SELECT * FROM c WHERE year IS NOT NULL),
sets AS (SELECT region, * EXCLUDE (region) FROM dated UNION ALL SELECT 'FR' AS region, * EXCLUDE (region) FROM dated)
SELECT region, year, ind.*
FROM (SELECT region, year,
  sum((innov = 'true')::INT) AS a1, sum((innov IN ('true', 'false'))::INT) AS b1,
  sum(CASE WHEN innov = 'true' THEN coalesce(amount, 0) ELSE 0 END) AS a2,
  sum(CASE WHEN innov IN ('true', 'false') THEN coalesce(amount, 0) ELSE 0 END) AS b2,
  sum(n_sme) AS a3, sum(n_cat) AS b3,
  sum(CASE WHEN n_h > 0 THEN coalesce(amount, 0) / n_h * n_sme ELSE 0 END) AS a4,
  sum(CASE WHEN n_h > 0 THEN coalesce(amount, 0) / n_h * n_cat ELSE 0 END) AS b4,
  sum((competitive AND bids = 1)::INT) AS a5, sum((competitive AND bids >= 1)::INT) AS b5,
  sum((social IS NOT NULL AND social NOT LIKE 'Pas de considération%')::INT) AS a6,
  sum((social IS NOT NULL)::INT) AS b6,
  sum((env IS NOT NULL AND env NOT LIKE 'Pas de considération%')::INT) AS a7, sum((env IS NOT NULL)::INT) AS b7
  FROM sets GROUP BY region, year) t,
LATERAL (VALUES ('innovative_count', a1, b1, b1), ('innovative_value', a2, b2, b1), ('sme_count', a3, b3, b3),
                ('sme_value', a4, b4, b3), ('single_bid', a5, b5, b5), ('social', a6, b6, b6),
                ('environmental', a7, b7, b7)) ind(indicator, numerator, denominator, n_filled)
"""

PLAIN = """
import json, resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
import duckdb
path = sys.argv[1]
source = f"read_parquet('{path}')" if path.endswith(".parquet") else f"read_csv('{path}', all_varchar=true)"
sql = sys.stdin.read().format(source=source)
rows = duckdb.sql(sql).fetchall()
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
out = [[str(r[0]), int(r[1]), r[2], float(r[3] or 0), float(r[4] or 0), int(r[5] or 0)] for r in rows]
print(json.dumps({"wall": wall, "cpu": cpu, "rss_mb": peak_mb(), "rows": out}))
"""


def _child(code: str, path: Path, stdin: str = "") -> dict:
    done = subprocess.run([sys.executable, "-c", f"STAGES = {STAGES!r}\n" + PEAK + code, str(path)], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _compare(a: list, b: list) -> tuple[int, int, float]:
    """Rows compared, rows that differ, largest relative difference (numerator, denominator, filled)."""
    left = {(r[0], r[1], r[2]): r[3:] for r in a}
    right = {(r[0], r[1], r[2]): r[3:] for r in b}
    worst, differ = 0.0, 0
    for key in set(left) | set(right):
        x, y = left.get(key), right.get(key)
        if x is None or y is None:
            differ += 1
            continue
        rel = max(abs(p - q) / max(abs(p), abs(q), 1.0) for p, q in zip(x, y))
        worst = max(worst, rel)
        differ += rel > 1e-9
    return len(set(left) | set(right)), differ, worst


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_500_000)
    ap.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    ap.add_argument("--folder", default=str(ROOT / "outputs" / ".bench"))
    args = ap.parse_args(argv)
    path = Path(args.folder) / f"decp_consolide_{args.rows}.{args.format}"
    t = time.perf_counter()
    build(path, args.rows)
    print(f"fichier : {path.name} ({path.stat().st_size / 1e6:.0f} Mo), prêt en {time.perf_counter() - t:.1f} s")
    print(f"charge de la machine avant : {os.getloadavg()[0]:.2f} ({os.cpu_count()} cœurs)")
    etude = _child(ETUDE, path)
    plain = _child(PLAIN, path, DUCKDB_SQL)
    print(f"charge de la machine après : {os.getloadavg()[0]:.2f}")
    print(f"{'':<22}{'temps écoulé':>14}{'processeur':>12}{'mémoire max':>14}")
    for name, r in (("etude decp", etude), ("DuckDB seul", plain)):
        print(f"{name:<22}{r['wall']:>12.1f} s{r['cpu']:>10.1f} s{r['rss_mb']:>11.0f} Mo")
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in etude["stages"].items())
    print(f"etude decp, processeur par étape : {steps}")
    n, differ, worst = _compare(etude["rows"], plain["rows"])
    print(f"chiffres : {n} lignes (région × année × indicateur) comparées, {differ} différentes, "
          f"écart relatif max {worst:.1e} — {'égaux' if differ == 0 else 'DIFFÉRENTS'}")
    return 0 if differ == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
