"""Bad-input cases for the engine (``etude reproduce`` / ``run`` / ``verify``: run options, run folders).

Same case shape as ``make_cases`` (its docstring); ``make_cases.cases()`` appends these after its own cases. They
run on a throw-away repository (``runs.tiny_root``, environment ``runs.env_for``) unless they are refused before
any notebook is read; ``fmt`` is ``study`` (a run of the study), the catalogue's format for ``reproduce`` cases.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

__all__ = ["cases"]


def _env(folder: Path) -> dict:
    from bad_inputs import runs

    return runs.env_for(folder / "depot")


def _root(folder: Path) -> Path:
    from bad_inputs import runs

    return runs.tiny_root(folder, ("01_ok",))


def _reproduce(out_of: callable, *extra: str):
    """``etude reproduce --out <out_of(folder)>`` on a tiny repository."""
    def make(folder: Path) -> list[str]:
        _root(folder)
        return ["reproduce", "--out", str(out_of(folder)), "--jobs", "1", *extra]
    return make


def _read_only(folder: Path) -> Path:
    target = folder / "lecture_seule"
    target.mkdir()
    target.chmod(0o555)
    return target


def _a_file(folder: Path) -> Path:
    target = folder / "resultats.txt"
    target.write_text("ceci est un fichier", encoding="utf-8")
    return target


def _stale_run(folder: Path) -> list[str]:
    """A tiny repository whose outputs/ holds a run killed while « running » (dead process, a .part file)."""
    root = _root(folder)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    run = root / "outputs" / "20260101-000000-dead00"
    (run / "tables").mkdir(parents=True)
    (run / "manifest.json").write_text(json.dumps({"status": "running", "pid": dead.pid}), encoding="utf-8")
    (run / "tables" / ".freins.csv.x1.part").write_text("moitié", encoding="utf-8")
    return ["reproduce", "--jobs", "1"]


def _failing_run(folder: Path) -> list[str]:
    """A tiny repository with one notebook that raises: the run fails, names it and keeps ``latest``."""
    from bad_inputs import runs

    runs.tiny_root(folder, ("01_ok", "90_raises"))
    return ["reproduce", "--jobs", "1"]


def cases() -> list[dict]:
    """This area's cases, in order."""
    C: list[dict] = []

    def add(id, what, make, exit, expect, todo, env=_env):
        C.append({"id": id, "fmt": "study", "what": what, "make": make, "exit": exit, "expect": expect,
                  "todo": todo, "env": env})

    add("run_out_inside_data", "--out dans data/ (les données brutes)",
        _reproduce(lambda d: d / "depot" / "data" / "sorties"), 1, ["--out", "dans data/"],
        "Choisir un dossier de sortie hors de data/ (par défaut : outputs/).")
    add("run_out_is_a_file", "--out désigne un fichier existant", _reproduce(_a_file), 1,
        ["--out", "resultats.txt", "est un fichier"], "Donner un dossier (existant ou à créer), pas un fichier.")
    add("run_out_below_a_file", "--out sous un fichier existant", _reproduce(lambda d: _a_file(d) / "runs"), 1,
        ["--out", "passe par un fichier"], "Donner un dossier dont aucun parent n'est un fichier.")
    add("run_out_read_only", "--out dans un dossier en lecture seule", _reproduce(_read_only), 1,
        ["--out", "lecture seule"], "Choisir un dossier où vous pouvez écrire, ou en changer les droits.")
    add("run_timeout_not_a_number", "--timeout qui n'est pas un nombre",
        _reproduce(lambda d: d / "out", "--timeout", "deux"), 1, ["--timeout", "nombre de secondes"],
        "Donner un nombre de secondes, ex. --timeout 2.5.")
    add("run_timeout_decimal", "--timeout en secondes décimales (120.5)",
        lambda d: (_root(d), ["run", "01_ok", "--timeout", "120.5", "--out", str(d / "out")])[1], 0,
        ["Rapport :"], "Rien à faire : les secondes décimales sont acceptées.")
    add("run_parameter_unbounded", "paramètre sans borne raisonnable (-p slots 100000000)",
        lambda d: ["reproduce", "-p", "slots", "100000000", "--out", str(d / "out")], 1,
        ["« slots »", "hors bornes", "entre 1 et"],
        "Donner une valeur dans les bornes indiquées par `etude notebooks` (commentaire du paramètre).", env=None)
    add("run_left_running", "exécution tuée restée « en cours » (fichiers .part)", _stale_run, 0,
        ["20260101-000000-dead00", "interrompue"],
        "Rien à faire : l'exécution suivante la marque « interrompue » et retire ses fichiers temporaires.")
    add("run_notebook_fails", "un notebook échoue en cours d'exécution (exception dans une cellule)",
        _failing_run, 1, ["Échec : 1 notebook(s)", "90_raises", "cellule", "outputs/latest"],
        "Le terminal nomme le notebook et la cellule ; la trace complète est dans le notebook exécuté indiqué "
        "(ou relancer avec `--verbose`). Les résultats précédents (`outputs/latest`) sont intacts.")
    add("verify_not_a_run", "etude verify sur un dossier qui n'est pas un dossier d'exécution",
        lambda d: ["verify", str(d)], 1, ["manifest.json", "dossier d'exécution"],
        "Donner un dossier créé par etude reproduce (ex. outputs/latest).", env=None)
    return C
