"""Benchmark: reading a DECP ZIP of many small JSON members, per member, against the former path in the same run.

A ZIP of ``--members`` one-record JSON documents (records drawn from the real Croix file of ``../shared/data/decp``,
each with its own ``id``; a synthetic record when the file is absent) is read by :func:`etude.decp.read_decp`,
which streams the members (the archive opened once, each member inflated in turn, no DataFrame per member: the
records of many members share one frame). The baseline is the former path, rebuilt from the same public pieces
on the first ``--sample`` members: one DataFrame and one DuckDB view per member, all of them put together by one
``UNION ALL`` view. Both run in this process, one after the other, so that the machine's load weighs on both
alike; the script prints each one's cost per member (elapsed and processor time) and their ratio. Not a test:
run it by hand (issue 28 item 9: under 2 ms a member; the former path took 30–40 ms).

.. code-block:: console

    $ .venv/bin/python benchmarks/bench_decp_zip.py                      # 5,000 members, baseline on 300
    $ .venv/bin/python benchmarks/bench_decp_zip.py --members 20000 --sample 500
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from etude import decp, paths
from etude.decp import engine
from etude.decp.jsonfile import decode_document, json_rows, rows_frame
from etude.decp.records import ReadCounters

CROIX = paths.shared_dir() / "data" / "decp" / "decp_croix_2019-2021.json"
TODAY = dt.date(2026, 1, 1)


def build_zip(path: Path, members: int, seed: int = 2019) -> Path:
    """A ZIP of ``members`` JSON documents of one record each (reproducible: fixed seed)."""
    rng = random.Random(seed)
    if CROIX.exists():
        pool = json.loads(CROIX.read_text(encoding="utf-8"))["marches"]
    else:
        pool = [{"id": "X", "acheteur": {"id": "21590163900017"}, "dateNotification": "2020-03-01",
                 "montant": 40000, "titulaires": [{"id": "12345678900011"}], "procedure": "Procédure adaptée"}]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for i in range(members):
            record = dict(rng.choice(pool), id=f"ZIP-{i:06d}")
            z.writestr(f"decp/{i:06d}.json", json.dumps({"marches": [record]}, ensure_ascii=False))
    return path


def former_path(path: Path, sample: int) -> int:
    """The former reading of a ZIP: per member, its DataFrame and its DuckDB view; one view over them all."""
    counters, seen, names = ReadCounters(), set(), []
    with engine.connect() as con, zipfile.ZipFile(path) as z:
        for info in z.infolist()[:sample]:
            name = f"{path.name}:{info.filename}"
            raws, _ = decode_document(z.read(info.filename), name)
            found = list(json_rows(raws, name, counters, seen))
            frame = rows_frame([r for r, _ in found], [no for _, no in found], name, TODAY, decp.MAX_AMOUNT)
            names.append(engine.frame_view(con, f"part{len(names)}", frame).name)
        con.sql("CREATE TEMP VIEW records AS " + " UNION ALL ".join(f"SELECT * FROM {n}" for n in names))
        return con.sql("SELECT count(*) FROM records").fetchall()[0][0]


def _timed(fn, *args) -> tuple[float, float, object]:
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args)
    return time.perf_counter() - t0, time.process_time() - c0, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=5000)
    ap.add_argument("--sample", type=int, default=300, help="members read by the former path (the baseline)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_decp_zip_") as tmp:
        path = build_zip(Path(tmp) / "decp_membres.zip", args.members)
        print(f"archive : {args.members} membres d'un enregistrement ({path.stat().st_size / 1e6:.1f} Mo)")
        decp.read_decp(path, today=TODAY)                   # warm up: imports, first connection
        sample = min(args.sample, args.members)
        b_wall, b_cpu, n_old = _timed(former_path, path, sample)
        wall, cpu, (records, _) = _timed(lambda: decp.read_decp(path, today=TODAY))
    assert n_old == sample and len(records) == args.members, (n_old, len(records))
    rows = (("ancien chemin (un DataFrame et une vue par membre)", sample, b_wall, b_cpu),
            ("etude.decp.read_decp (membres en flux)", args.members, wall, cpu))
    for label, n, w, c in rows:
        print(f"{label:<52} {n:>6} membres : {1000 * w / n:7.2f} ms écoulées, {1000 * c / n:7.2f} ms processeur "
              "par membre")
    ratio, cpu_ratio = (b_wall / sample) / (wall / args.members), (b_cpu / sample) / (cpu / args.members)
    per_member = 1000 * wall / args.members
    print(f"rapport ancien / nouveau par membre : {ratio:.0f}× écoulé, {cpu_ratio:.0f}× processeur ; "
          f"{per_member:.2f} ms par membre ({'<' if per_member < 2 else '≥'} 2 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
