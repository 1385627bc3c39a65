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


def _bad_study_run(folder: Path) -> list[str]:
    """A tiny repository with a previous run in ``outputs/latest``, and a study whose two exports each have a
    defect: ``etude reproduce --study`` must list both and start no notebook."""
    import yaml

    from bad_inputs import make_cases as mc

    root = _root(folder)
    previous = root / "outputs" / "20260101-000000-prev00"
    previous.mkdir(parents=True)
    (previous / "report.html").write_text("<p>rapport précédent</p>", encoding="utf-8")
    (root / "outputs" / "latest").symlink_to(previous.name)
    mc.write_csv(folder / "acheteurs.csv", mc.set_cell(mc.buyers_rows(), 2, "Vous êtes", "Martien"))
    mc.write_csv(folder / "entreprises.csv", mc.set_cell(mc.companies_rows(), 3, "Département", "75"))
    study = folder / "etude_erreurs.yaml"
    study.write_text(yaml.safe_dump({"buyers": [{"wave": 2017, "file": "acheteurs.csv"}],
                                     "companies": [{"wave": 2017, "file": "entreprises.csv"}]}), encoding="utf-8")
    return ["reproduce", "--study", str(study), "--jobs", "1"]


def _audited_run(leak: str = ""):
    """``etude audit`` on a run folder holding a PDF, ``pdftotext`` missing from the PATH; ``leak`` is written
    into its slides."""
    def make(folder: Path) -> list[str]:
        run = folder / "run"
        run.mkdir()
        (run / "report.html").write_text("<p>48,1 % des 27 acheteurs</p>", encoding="utf-8")
        (run / "report.pdf").write_bytes(b"%PDF-1.4\n")
        if leak:
            (run / "slides.html").write_text(f"<section>{leak}</section>", encoding="utf-8")
        return ["audit", str(run)]
    return make


def _no_tools(folder: Path) -> dict:
    """A PATH with no program on it (no ``pdftotext``)."""
    return {"PATH": str(folder / "sans-outils")}


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
    C.append({"id": "run_bad_export_refused_before_any_notebook", "fmt": "study",
              "what": "etude reproduce sur une étude dont deux exports ont chacun une erreur",
              "make": _bad_study_run, "exit": 1, "env": _env,
              "expect": ["acheteurs.csv, ligne 2", "Martien", "entreprises.csv, ligne 3", "75",
                         "aucun notebook n'a été lancé"],
              "absent": ["▶", "01_ok"],
              "after": lambda folder: (folder / "depot" / "outputs" / "latest" / "report.html").read_text(
                  encoding="utf-8") == "<p>rapport précédent</p>",
              "todo": "Corriger les exports comme l'indique `etude validate --study` ; aucun notebook ne part tant "
                      "que l'étude a une erreur, et les résultats précédents restent intacts."})
    add("audit_pdf_not_scanned", "etude audit sans pdftotext : le PDF n'est pas lu", _audited_run(), 0,
        ["report.pdf non analysé : pdftotext introuvable", "identifiants bruts non recherchés"],
        "Installer poppler-utils (apt-get install poppler-utils) puis relancer etude audit : le PDF n'a pas été lu.",
        env=_no_tools)
    add("audit_finds_a_leak", "etude audit : une adresse e-mail dans les diapositives",
        _audited_run("Écrire à jeanne.plantee@exemple.fr"), 1,
        ["slides.html", "adresse e-mail « jeanne.plantee@exemple.fr »", "donnée(s) personnelle(s)"],
        "Retirer la donnée de la réponse ou du notebook qui l'affiche (le texte libre passe par le nettoyeur), "
        "puis relancer etude reproduce.", env=_no_tools)
    add("verify_not_a_run", "etude verify sur un dossier qui n'est pas un dossier d'exécution",
        lambda d: ["verify", str(d)], 1, ["manifest.json", "dossier d'exécution"],
        "Donner un dossier créé par etude reproduce (ex. outputs/latest).", env=None)
    return C
