"""Benchmark: ``etude reproduce`` against the naive chain many projects use, on the same notebooks.

The naive chain, one subprocess per step and per notebook, in sequence::

    papermill NN_x.ipynb out/NN_x.ipynb -p study … -p lang fr -p output_dir …
    jupyter nbconvert --to html   out/NN_x.ipynb
    jupyter nbconvert --to slides out/NN_x.ipynb

``etude reproduce`` is run as a user runs it (``python -m etude.cli reproduce``, one process): notebooks
execute in-process on the project's interpreter, independent ones concurrently (``--jobs``), and the HTML pages,
the report and the slides are rendered in the same process with reused exporters. It is timed three times on
the same output folder (hence the same cache): cold (empty cache), an unchanged re-run (every notebook reused),
and a re-run after ``-p min_cell 6`` (only the notebooks declaring ``min_cell`` re-execute). Everything is
written into a temporary folder; the repository's ``outputs/`` is not touched. Prints the times and the ratios,
in elapsed and in processor seconds (children's user + system: kernels included), which a busy machine distorts
less.

Usage::

    .venv/bin/python benchmarks/bench_reproduce.py [--jobs N] [--repeat K] [--notebooks DIR]

``--notebooks DIR`` benchmarks the ``NN_*.ipynb`` of another folder (run in a temporary copy of the repository
via ``ETUDE_ROOT``); by default the study's ``notebooks/``.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from etude import engine, paths

BIN = Path(sys.executable).parent


def _children_cpu() -> float:
    """Processor seconds (user + system) of every finished child process so far (kernels included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str], env: dict, cwd: Path) -> None:
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"échec de {' '.join(cmd[:3])}… :\n{proc.stderr[-3000:]}")


def time_etude(root: Path, out: Path, env: dict, jobs: int | None, *extra: str) -> tuple[float, float, dict]:
    """Seconds (elapsed, then processor) of one ``etude reproduce`` into ``out`` and ``name -> "hit" | "miss"``
    from its manifest."""
    import json

    cmd = [sys.executable, "-m", "etude.cli", "reproduce", "--out", str(out), *extra]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    before = {p.name for p in out.iterdir()}
    start, cpu = time.perf_counter(), _children_cpu()
    _run(cmd, env, root)
    elapsed, cpu = time.perf_counter() - start, _children_cpu() - cpu
    runs = [p for p in out.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
            and p.name not in before]
    assert len(runs) == 1 and (runs[0] / "report.html").is_file() and (runs[0] / "slides.html").is_file()
    manifest = json.loads((runs[0] / "manifest.json").read_text(encoding="utf-8"))
    return elapsed, cpu, {n["name"]: n["cache"] for n in manifest["notebooks"]}


def time_naive(root: Path, notebooks: list[Path], out: Path, env: dict) -> tuple[float, float]:
    """Seconds (elapsed, then processor) of the naive chain on ``notebooks``."""
    out.mkdir(parents=True)
    study = paths.default_study()
    start, cpu = time.perf_counter(), _children_cpu()
    for nb in notebooks:
        executed = out / nb.name
        params = engine.notebook_parameters(nb)
        cmd = [str(BIN / "papermill"), str(nb), str(executed), "-k", "python3", "--cwd", str(nb.parent),
               "--no-progress-bar"]
        for name, value in (("study", str(study) if study.is_file() else ""), ("lang", "fr"),
                            ("output_dir", str(out))):
            if name in params:
                cmd += ["-r", name, value]
        _run(cmd, env, root)
        _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)], env, root)
        _run([str(BIN / "jupyter"), "nbconvert", "--to", "slides", str(executed)], env, root)
    elapsed, cpu = time.perf_counter() - start, _children_cpu() - cpu
    for nb in notebooks:
        assert (out / f"{nb.stem}.html").is_file() and (out / f"{nb.stem}.slides.html").is_file()
    return elapsed, cpu


def _fr(x: float, unit: str = " s") -> str:
    return f"{x:.1f}{unit}".replace(".", ",")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=None, help="--jobs passé à etude (défaut : nombre de cœurs)")
    parser.add_argument("--repeat", type=int, default=1, help="répétitions ; on garde la médiane (défaut : 1)")
    parser.add_argument("--notebooks", type=Path, default=None, help="dossier de notebooks NN_*.ipynb à mesurer")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="etude-bench-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        root = paths.root()
        if args.notebooks:
            root = tmp / "depot"
            shutil.copytree(paths.data_dir(), root / "data")
            (root / "notebooks").mkdir()
            for nb in engine.discover_notebooks(args.notebooks):
                shutil.copy2(nb, root / "notebooks" / nb.name)
            env["ETUDE_ROOT"] = str(root)
        notebooks = engine.discover_notebooks(root / "notebooks")
        if not notebooks:
            raise SystemExit(f"aucun notebook NN_*.ipynb dans {root / 'notebooks'}")
        jobs = args.jobs or os.cpu_count() or 1
        print(f"bench_reproduce : {len(notebooks)} notebook(s) ({', '.join(p.stem for p in notebooks)}), "
              f"{os.cpu_count()} cœur(s), etude --jobs {jobs}", flush=True)
        times: dict[str, list[float]] = {"naive": [], "cold": [], "same": [], "min_cell": []}
        cpus: dict[str, list[float]] = {k: [] for k in times}
        for i in range(args.repeat):
            seconds, cpu = time_naive(root, notebooks, tmp / f"naive{i}", env)
            times["naive"].append(seconds)
            cpus["naive"].append(cpu)
            print(f"  [{i + 1}/{args.repeat}] chaîne naïve : {_fr(seconds)} (processeur {_fr(cpu)})", flush=True)
            out = tmp / f"etude{i}"
            out.mkdir()
            steps = [("cold", ()), ("same", ()), ("min_cell", ("-p", "min_cell", "6"))]
            if not any("min_cell" in engine.notebook_parameters(nb) for nb in notebooks):
                steps[2] = ("min_cell", ())  # no notebook declares it: a second unchanged re-run
            for what, extra in steps:
                seconds, cpu, use = time_etude(root, out, env, jobs, *extra)
                times[what].append(seconds)
                cpus[what].append(cpu)
                reused = sum(v == "hit" for v in use.values())
                print(f"  [{i + 1}/{args.repeat}] etude reproduce {' '.join(extra) or '(' + what + ')'} : "
                      f"{_fr(seconds)} (processeur {_fr(cpu)} ; {reused}/{len(use)} notebook(s) repris)", flush=True)
        med = {k: statistics.median(v) for k, v in times.items()}
        cpu = {k: statistics.median(v) for k, v in cpus.items()}
        load = os.getloadavg()[0]
        print(f"charge moyenne à la fin : {load:.1f} (temps écoulé, puis processeur)".replace(".", ","))
        rows = [("chaîne naïve (papermill + nbconvert html + slides, en série)", "naive", None),
                ("etude reproduce à froid (cache vide)", "cold", ("naïf / froid", "naive", "cold")),
                ("etude reproduce inchangé (cache)", "same", ("froid / inchangé", "cold", "same")),
                ("etude reproduce -p min_cell 6", "min_cell", ("froid / min_cell", "cold", "min_cell"))]
        for label, key, ratio in rows:
            line = f"{label:<62}: {_fr(med[key])} ; processeur {_fr(cpu[key])}"
            if ratio:
                name, num, den = ratio
                line += (f"  — {name} : {_fr(med[num] / med[den], ' ×')} "
                         f"(processeur {_fr(cpu[num] / cpu[den], ' ×')})")
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
