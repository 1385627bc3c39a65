"""Bad-input cases for the engine (``etude reproduce`` / ``run`` / ``verify``: run options, run folders).

Same case shape as ``make_cases`` (its docstring); ``make_cases.cases()`` appends these after its own cases. They
run on a throw-away repository (``runs.tiny_root``, environment ``runs.env_for``) unless they are refused before
any notebook is read; ``fmt`` is ``study`` (a run of the study), the catalogue's format for ``reproduce`` cases.
"""
from __future__ import annotations

import contextlib
import json
import os
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


# --- the cache (issue 28): forged, changed, shared with other files, left half-written -------------------------

PLANTED_SENTENCE = "99 % des acheteurs veulent innover."


@contextlib.contextmanager
def _environ(root: Path):
    """The environment of a run on ``root`` (:func:`runs.env_for`), for the runs a case makes beforehand."""
    from unittest import mock

    from bad_inputs import runs

    with mock.patch.dict(os.environ, runs.env_for(root)):
        yield


def _runs(folder: Path, n: int, **options) -> tuple[Path, list[Path]]:
    """A tiny repository and ``n`` runs of it already made (the first stores the cache, the next reuse it)."""
    from etude import engine

    root = _root(folder)
    with _environ(root):
        done = [engine.reproduce(engine.RunOptions(jobs=1, **options)) for _ in range(n)]
    assert all(r.ok for r in done), [r.errors for r in done]
    return root, [r.run_dir for r in done]


def _cached(root: Path, notebook: str = "01_ok") -> Path:
    """The notebooks-cache entry of ``notebook`` (named by the cache's index)."""
    from etude import cachefiles

    folder = root / "outputs" / ".cache" / "notebooks"
    return folder / next(n for n, rec, _ in cachefiles.listed(folder) if rec.get("label") == notebook)


def _plant_sentence(nb_path: Path) -> None:
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    cell = [c for c in nb.cells if c.cell_type == "code"][-1]
    cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=PLANTED_SENTENCE + "\n"))
    nbformat.write(nb, nb_path)


class _OpensAFile:
    """What a forged pickle does when it is loaded: here, create a marker file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def _forged_pickle(folder: Path) -> list[str]:
    """A pickle sealed with the salt (HMAC), named as etude named its shared parse before issue 28, in
    ``outputs/.cache/studies/``: loading it would create ``code_execute.txt``."""
    import hashlib
    import hmac
    import pickle

    root = _root(folder)
    with _environ(root):
        from etude.engine.run import _study_share
        from etude.survey import privacy
        from etude.survey import study as st

        studies, tag = _study_share(root / "outputs")
        key = st._content_key(st.read_study(None), None)
        data = pickle.dumps(_OpensAFile(folder / "code_execute.txt"))
        seal = hmac.new(privacy.load_salt(create=False), data, hashlib.sha256).digest()
    Path(studies).mkdir(parents=True)
    (Path(studies) / f"{hashlib.sha256(f'{key}|{tag}'.encode()).hexdigest()}.pickle").write_bytes(seal + data)
    return ["reproduce", "--jobs", "1"]


def _forged_study_entry(folder: Path) -> list[str]:
    """A shared parse (Parquet + JSON) where etude looks for it, listed in the cache's index with the right
    sha256, but whose seal was not made with the local salt."""
    import json
    import shutil

    from etude import cachefiles

    root = _root(folder)
    with _environ(root):
        from etude.engine.run import _study_share
        from etude.survey import study as st

        studies, tag = _study_share(root / "outputs")
        st.load_study()
        entry = st.share_parsed(None, studies, tag=tag)
    tmp = cachefiles.new_tmp_dir(studies)
    shutil.copytree(entry, tmp, dirs_exist_ok=True)
    meta = json.loads((tmp / "meta.json").read_text(encoding="utf-8"))
    meta["seal"] = "0" * 64
    (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    cachefiles.store_entry(studies, entry.name, tmp, replace=True, label="étude lue")
    return ["reproduce", "--jobs", "1"]


def _tampered_table(folder: Path) -> list[str]:
    """A run whose cache entry of ``01_ok`` then gets a count changed in ``tables/effectifs.csv``."""
    root, (run,) = _runs(folder, 1)
    (folder / "effectifs_avant.csv").write_bytes((run / "tables" / "effectifs.csv").read_bytes())
    table = _cached(root) / "files" / "tables" / "effectifs.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",9999"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["reproduce", "--jobs", "1"]


def _verify_tampered_cache(folder: Path) -> list[str]:
    """Two runs (the second reuses the first's cache entries), then a count changed in the cached table."""
    root, (_, second) = _runs(folder, 2)
    table = _cached(root) / "files" / "tables" / "effectifs.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",", ",1", 1), encoding="utf-8")
    return ["verify", str(second)]


def _tampered_notebook(folder: Path) -> list[str]:
    """A run whose cached executed notebook then gets « 99 % des acheteurs… » as an output."""
    root, _ = _runs(folder, 1)
    _plant_sentence(_cached(root) / "notebook.ipynb")
    return ["reproduce", "--jobs", "1"]


def _planted_in_run(folder: Path) -> list[str]:
    """A run whose executed notebook then gets « 99 % des acheteurs… », its manifest rewritten to match."""
    from etude.files import sha256

    _, (run,) = _runs(folder, 1)
    _plant_sentence(run / "notebooks" / "01_ok.ipynb")
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["notebooks/01_ok.ipynb"] = sha256(run / "notebooks" / "01_ok.ipynb")
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return ["verify", str(run), "--rerun"]


#: Other programs' files in the cache folders of a shared output folder (``--out ~/…``).
FOREIGN = ("html/notes.html", "checks/resultats.json", "workbooks/budget.xlsx", "parameters/reglages.json",
           "notebooks/brouillon/a.ipynb", "assembly/rapport.pdf", "html/" + "0" * 64 + ".html")


def _foreign_files(folder: Path) -> list[str]:
    _root(folder)
    for rel in FOREIGN:
        path = folder / "partage" / ".cache" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rel.encode() * 200)
    return ["reproduce", "--jobs", "1", "--out", str(folder / "partage")]


def _foreign_intact(folder: Path) -> bool:
    return all((folder / "partage" / ".cache" / rel).read_bytes() == rel.encode() * 200 for rel in FOREIGN)


def _tiny_cap(folder: Path) -> dict:
    return {**_env(folder), "ETUDE_CACHE_MAX_MB": "0.0001"}


def _stale_tmp(folder: Path) -> list[str]:
    """Temporary cache folders left by killed runs: one named after a process that is gone, one in the former
    naming and untouched for an hour."""
    import time

    from etude import cachefiles

    root = _root(folder)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    cache = root / "outputs" / ".cache"
    mine = cachefiles.new_tmp_dir(cache / "notebooks")
    killed = mine.with_name(f".tmp-{dead.pid}-{mine.name.split('-')[2]}-0badc0de")
    mine.rename(killed)
    former = cache / "assembly" / ".tmp-0123456789ab-deadbeef"
    for tmp in (killed, former):
        (tmp / "files" / "tables").mkdir(parents=True)
        (tmp / "files" / "tables" / "freins.csv").write_text("moitié", encoding="utf-8")
    os.utime(former, (time.time() - 3600, time.time() - 3600))
    return ["reproduce", "--jobs", "1"]


def _stale_tmp_gone(folder: Path) -> bool:
    cache = folder / "depot" / "outputs" / ".cache"
    return not list((cache / "notebooks").glob(".tmp-*")) and not list((cache / "assembly").glob(".tmp-*"))


def _latest(folder: Path, rel: str) -> str:
    return (folder / "depot" / "outputs" / "latest" / rel).read_text(encoding="utf-8")


def _cache_cases(add) -> None:
    """The cache's cases (issue 28, items 1-3)."""
    add("cache_forged_pickle", "pickle scellé avec le sel déposé dans outputs/.cache/studies/ (exécuterait du code)",
        _forged_pickle, 0, ["Rapport :"],
        "Rien à faire : etude ne charge jamais de pickle (l'étude lue est partagée en Parquet et JSON) ; le fichier "
        "déposé n'est ni lu ni effacé. Chercher qui écrit dans le dossier de sortie.",
        absent=["Traceback", "– cache"],
        after=lambda d: not (d / "code_execute.txt").exists())
    add("cache_forged_study_entry", "étude lue (Parquet) contrefaite dans le cache, index juste, sceau faux",
        _forged_study_entry, 0,
        ["– cache : entrée studies/", "(étude lue)", "meta.json : sceau invalide, pas écrit avec le sel local",
         "écartée, refaite"],
        "Information : l'entrée n'a pas été écrite avec le sel local ; elle est écartée et l'étude relue. "
        "Chercher qui écrit dans le dossier de sortie.")
    add("cache_tampered_table", "un effectif modifié dans une table gardée en cache (tables/effectifs.csv)",
        _tampered_table, 0,
        ["– cache : entrée notebooks/", "(01_ok) modifiée depuis son écriture",
         "files/tables/effectifs.csv : sha256 différent", "écartée, refaite", "▶ 01_ok"],
        "Information : l'entrée n'est pas reprise, le notebook est réexécuté. Si personne ne l'a modifiée, "
        "vérifier le disque et qui peut écrire dans le dossier de sortie.",
        after=lambda d: (d / "depot" / "outputs" / "latest" / "tables" / "effectifs.csv").read_bytes()
        == (d / "effectifs_avant.csv").read_bytes())
    add("verify_tampered_cache", "etude verify d'une exécution dont l'entrée de cache reprise a changé depuis",
        _verify_tampered_cache, 1,
        ["tables/effectifs.csv : sa copie dans le cache", "a changé depuis cette exécution",
         "différent(s) du manifeste ou de leur copie dans le cache"],
        "Le dossier d'exécution est intact mais l'entrée de cache d'où viennent ses fichiers a changé : la "
        "prochaine exécution ne la reprendra pas ; chercher qui écrit dans le dossier de sortie.")
    add("cache_tampered_notebook_text", "une phrase (« 99 % des acheteurs ») ajoutée à un notebook gardé en cache",
        _tampered_notebook, 0, ["(01_ok) modifiée depuis son écriture (notebook.ipynb : sha256 différent)"],
        "Information : l'entrée n'est pas reprise, le notebook est réexécuté ; la phrase n'atteint pas le rapport.",
        after=lambda d: "99 % des acheteurs" not in _latest(d, "report.html")
        and "99 % des acheteurs" not in _latest(d, "notebooks/01_ok.ipynb"))
    add("verify_rerun_planted_sentence", "etude verify --rerun : une phrase ajoutée au notebook exécuté, manifeste "
        "réécrit pour correspondre", _planted_in_run, 1,
        ["fichiers conformes au manifeste", "notebooks/01_ok.ipynb, cellule 7", PLANTED_SENTENCE,
         "à la réexécution « (absente) »"],
        "Le notebook exécuté montre une phrase que l'étude ne redonne pas : il a été modifié après coup. "
        "Reprendre l'exécution d'origine ou relancer etude reproduce.")
    add("cache_foreign_files", "--out sur un dossier dont .cache/{html,checks,workbooks,parameters…} contient "
        "d'autres fichiers, cache plafonné à 100 octets", _foreign_files, 0, ["Rapport :"],
        "Rien à faire : le cache ne retire que ce qu'etude y a écrit (listé dans .cache/*/.etude-index/).",
        env=_tiny_cap, after=_foreign_intact)
    add("cache_stale_tmp", "dossiers temporaires .tmp-* laissés dans le cache par des exécutions tuées",
        _stale_tmp, 0, ["2 dossier(s) temporaire(s) laissé(s) par une exécution arrêtée, retiré(s)"],
        "Rien à faire : l'exécution suivante les retire.", after=_stale_tmp_gone)


def cases() -> list[dict]:
    """This area's cases, in order."""
    C: list[dict] = []

    def add(id, what, make, exit, expect, todo, env=_env, **more):
        C.append({"id": id, "fmt": "study", "what": what, "make": make, "exit": exit, "expect": expect,
                  "todo": todo, "env": env, **more})

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
    _cache_cases(add)
    return C
