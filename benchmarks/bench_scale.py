"""Benchmark: a 100,000-respondent study (per population) through every notebook, against a small one.

The study is generated reproducibly (seed) into a temporary folder by scaling the demo generator
(:func:`etude.survey.demo.simulate`): each population's respondents are drawn, with replacement, from its demo waves
(the 2017 : 2018 sizes kept), every block of answers (segments, barriers, remedies, département, description) drawn
independently so that the answers mix as in a large survey, identifiers made unique. The exports are CSV in the
demo's layouts (wide and packed, cp1252 and UTF-8; a survey tool exports 100,000 rows as CSV, not as XLSX).

In one process the script times ``etude run`` of every notebook (``etude reproduce`` minus the report and slides
assembly, as a user runs it: one ``python -m etude.cli`` subprocess per notebook, ``--no-cache``) on the same study
at ``--small`` (default 1,000) and ``--large`` (default 100,000) respondents per population, and prints for each
notebook and in all the elapsed seconds, the processor seconds (children's user + system) and the peak resident
memory (children's ``ru_maxrss``), then the ratios large / small (linear scaling: about ``large / small``). It also
times the meeting plan alone (:func:`etude.analysis.matching.meeting_plan`) with the old exact algorithm and the
size-chosen one on a sample where the old one finishes, and prints their ratio and the stated gap.

Not a test (nothing here is asserted by the suite): run it by hand.

.. code-block:: console

    $ .venv/bin/python benchmarks/bench_scale.py                  # 1,000 and 100,000 per population
    $ .venv/bin/python benchmarks/bench_scale.py --large 20000 --notebooks 05

Measured (see the end of this docstring for the figures and the machine load when they were taken).
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from etude import paths
from etude.survey import demo

#: Answer blocks drawn independently of each other (a respondent's block comes whole from one demo respondent).
BLOCKS = {"segments": ("segment", "seg_"), "barriers": ("b_", "e_"), "remedies": ("lev_",),
          "place": ("departement",), "text": ("description",), "kind": ("buyer_type", "size_class")}
#: Seed of the scaled study.
SEED = 20280909


def _block_columns(table: pd.DataFrame) -> list[list[str]]:
    blocks = []
    for prefixes in BLOCKS.values():
        cols = [c for c in table.columns if any(c == p or c.startswith(p) for p in prefixes)]
        if cols:
            blocks.append(cols)
    return blocks


def scaled_wave(kind: str, wave: int, n: int, *, seed: int = SEED) -> pd.DataFrame:
    """``n`` simulated respondents of one wave: the demo wave's answers, block by block, drawn with replacement.

    >>> t = scaled_wave("buyers", 2017, 50)
    >>> len(t), t["respondent_id"].is_unique, t["email"].is_unique
    (50, True, True)
    """
    base = demo.simulate(kind, wave)
    rng = np.random.default_rng([seed, ["buyers", "companies"].index(kind), wave])
    out = base.iloc[rng.integers(len(base), size=n)].reset_index(drop=True)
    for cols in _block_columns(base):
        out[cols] = base[cols].iloc[rng.integers(len(base), size=n)].reset_index(drop=True)
    prefix = "A" if kind == "buyers" else "E"
    out["respondent_id"] = [f"{prefix}{wave}-{k + 1:06d}" for k in range(n)]
    out["name"] = [f"Répondant {prefix}{wave}-{k + 1}" for k in range(n)]
    out["email"] = [f"r.{prefix.lower()}{wave}.{k + 1}@example.org" for k in range(n)]
    out["phone"] = ""
    out["comment"] = ""  # the demo's comments carry contact details made unique per respondent: left out
    if kind == "buyers":
        out["organisation"] = ""
    else:
        out["siret"] = [f"000{wave % 100:02d}{k + 1:09d}" for k in range(n)]
    return out


def write_scaled_study(folder: Path, n: int, *, seed: int = SEED) -> Path:
    """Write a study of ``n`` respondents per population (split over the demo's waves as the demo splits them)."""
    folder.mkdir(parents=True, exist_ok=True)
    h = demo.hypotheses()
    lines = ["title: Étude à grande échelle — données simulées", "simulated: true"]
    for kind in ("buyers", "companies"):
        lines.append(f"{kind}:")
        waves = sorted(w for (k, w) in demo.FILES if k == kind)
        sizes = demo.allocate({w: int(h[kind][w]["n"]) for w in waves}, n)
        for wave in waves:
            spec = demo.FILES[(kind, wave)]
            table = demo.to_export(scaled_wave(kind, wave, sizes[wave], seed=seed), kind, layout=spec["layout"],
                                   true_value=spec.get("true_value", "Oui"),
                                   packed_sep=spec.get("packed_sep", ", "), include_wave=True,
                                   labels=spec.get("labels"))
            name = f"{Path(spec['file']).stem}.csv"
            (folder / name).write_bytes(demo.export_bytes(table, ".csv", encoding=spec.get("encoding", "utf-8"),
                                                          sep=spec.get("sep", ",")))
            lines += [f"  - wave: {wave}", f"    file: {name}"]
    study = folder / "etude.yaml"
    study.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return study


def _children() -> tuple[float, float]:
    """Processor seconds of the finished children so far, and their largest peak resident memory in MB."""
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime, u.ru_maxrss / 1024


def run_notebook(name: str, study: Path, out: Path) -> tuple[float, float, float]:
    """Elapsed s, processor s and peak RSS (MB) of ``etude run NAME --study STUDY --no-cache --fresh-kernels``.

    The peak is measured in a fresh interpreter per notebook (``ru_maxrss`` of the children is a maximum over all
    of them, so each run is wrapped in its own ``python -c`` that reports its own children's peak).
    """
    code = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
            "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
            "print(u.ru_utime + u.ru_stime, u.ru_maxrss / 1024); sys.exit(p.returncode)")
    cmd = [sys.executable, "-c", code, sys.executable, "-m", "etude.cli", "run", name, "--study", str(study),
           "--out", str(out), "--no-cache", "--fresh-kernels"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ | {"ETUDE_SALT": "bench-scale"})
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"échec de {name} :\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    cpu, peak = (float(x) for x in proc.stdout.strip().splitlines()[-1].split())
    return elapsed, cpu, peak


def notebooks(selected: list[str] | None = None) -> list[str]:
    """Names of the study's notebooks (``NN_name``), optionally only those whose name starts with one of
    ``selected``."""
    names = sorted(p.stem for p in paths.notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    return [n for n in names if not selected or any(n.startswith(s) for s in selected)]
