"""Assembling a run folder's shared outputs: each notebook's executed copy and page, the tables workbook, the
report and the slides.

Only images under the run folder (what the notebooks wrote there) are ever embedded in a page: the report
never reads a file named by a notebook's text from anywhere else (:func:`etude.publish.report.notebook_html`).
The workbook is written by one call, :func:`write_workbook`, so that its writer can be swapped in one place.

"""
from __future__ import annotations

import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from etude import cachefiles
from etude.files import atomic_write, sha256, write_text

__all__ = ["write_workbook", "write_notebook_files", "prepare_assembly", "assemble", "Assembly",
           "run_subtitle", "RUN_DIR_TOKEN"]


def write_workbook(run_dir: Path, info: dict | None = None, cache_dir: Path | None = None) -> Path | None:
    """The run's tables workbook (the one place the engine calls the workbook writer, :mod:`etude.publish.workbook`).

    With ``cache_dir``, a workbook made from exactly the same CSV files (by sha256) and the same run
    description ``info`` is copied, not rebuilt.
    """
    import hashlib
    import json

    from etude.publish import workbook
    csvs = sorted((run_dir / "tables").glob("*.csv"))
    described = json.dumps(info or {}, sort_keys=True, default=str)
    key = hashlib.sha256(("".join(f"{p.name}:{sha256(p)};" for p in csvs) + described)
                         .encode("utf-8", "surrogateescape"))
    kept = Path(cache_dir) / f"{key.hexdigest()}.xlsx" if cache_dir and csvs else None
    data = cachefiles.read_bytes(kept) if kept is not None else None  # listed and unchanged, else None
    if data is not None:
        return atomic_write(run_dir / "tables" / "tables.xlsx", lambda tmp: tmp.write_bytes(data))
    made = workbook.write_workbook(run_dir, info)
    if kept is not None and made is not None:
        cachefiles.store_copy(kept, made)  # a cache is only an optimisation: never fails
    return made


#: Stands for the run folder in a notebook page while it is converted, so that the conversion of an unchanged
#: notebook can be kept in the cache whatever run folder its injected parameters name.
RUN_DIR_TOKEN = "ETUDERUNDIRTOKEN"


def _page_notebook(nb, run_dir: Path):
    import copy
    page_nb = copy.deepcopy(nb)
    for cell in page_nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = cell.source.replace(str(run_dir), RUN_DIR_TOKEN)
    return page_nb


def write_notebook_files(job, run_dir: Path, *, lang: str, simulated: bool, cache_dir: Path | None = None
                         ) -> str | None:
    """Write ``notebooks/<name>.ipynb`` and its page ``<name>.html``; returns a problem line if the page failed."""
    import html

    import nbformat

    from etude.publish import report
    write_text(run_dir / "notebooks" / f"{job.name}.ipynb", nbformat.writes(job.nb))
    try:
        page = report.notebook_html(_page_notebook(job.nb, run_dir), job.name, lang=lang, simulated=simulated,
                                    base_dirs=[run_dir], cache_dir=cache_dir)
        write_text(run_dir / "notebooks" / f"{job.name}.html",
                   page.replace(RUN_DIR_TOKEN, html.escape(str(run_dir), quote=False)))
    except Exception as exc:  # a page that cannot be rendered must not lose the run
        return f"{job.name}.html non produit : {exc.__class__.__name__}: {exc}"
    return None


def prepare_assembly(job, run_dir: Path, *, lang: str, cache_dir: Path) -> None:
    """What :func:`assemble` will need of a notebook that just ended, done now while others still run: its
    report section and (if it succeeded) its slides converted into ``cache_dir``
    (:func:`etude.publish.report.prerender`),
    its slide copy kept on the job (``job.slide_nb``, for the deck), and the modules that write the deck and the
    workbook imported. Only an optimisation: a failure here is left
    for :func:`assemble` to meet and report.
    """
    try:
        from etude.publish import deck, report, workbook  # noqa: F401 — imported now, not at the end of the run
        job.slide_nb = report.slide_notebook(job.nb, [run_dir]) if job.status == "ok" else None
        report.prerender(job.name, job.nb, lang=lang, cache_dir=cache_dir, slide_nb=job.slide_nb)
    except Exception:  # noqa: BLE001 — assemble() converts again and reports what fails
        pass


def run_subtitle(run_id: str, *, lang: str, title: str, ok: bool) -> str:
    """The line under the report's and slides' title.

    >>> run_subtitle("20260301-093000-abcdef", lang="fr", title="démo", ok=False)
    'Exécution 20260301-093000-abcdef · étude : démo · en échec'
    >>> run_subtitle("r1", lang="en", title="demo", ok=True)
    'Run r1 · study: demo'
    """
    from etude import words
    return words.text("runinfo.subtitle" if ok else "runinfo.subtitle_failed", lang, run_id=run_id, title=title)


@dataclass
class Assembly:
    """What :func:`assemble` made: the workbook (or ``None``), problems (the run fails) and warnings; ``cache``
    is ``"hit"`` (and ``reused_from`` the run that assembled them) when the deliverables were copied."""

    workbook: Path | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cache: str = "miss"
    reused_from: str | None = None


def assemble(run_dir: Path, jobs: list, *, lang: str, simulated: bool, info: dict | None = None,
             verbose: bool = False, log=None, cache_dir: Path | None = None) -> Assembly:
    """Write the workbook, ``report.html`` (every notebook), ``slides.html`` and ``slides.pptx`` (succeeded
    notebooks) and ``report.pdf`` (where a headless Chromium is installed; otherwise one warning).

    ``info`` describes the run for the workbook, the report and the deck (:func:`etude.publish.runinfo.run_info`);
    what a reader reads names no run id.

    ``jobs`` are in study order. A step that fails is a problem, not an exception: the other steps still run.
    ``log(line)`` receives full tracebacks when ``verbose``. ``cache_dir`` keeps converted notebooks and
    workbooks by content, for unchanged re-runs.
    """
    from etude.publish import pdf, report
    made = Assembly()
    attempt = _attempter(made, log if verbose else None)
    html_cache = cache_dir / "html" if cache_dir else None
    attempt("report.html", lambda: write_text(run_dir / "report.html", report.report_html(
        [(j.name, j.nb) for j in jobs], lang=lang, simulated=simulated, statuses={j.name: j.status for j in jobs},
        subtitle=(info or {}).get("study") or "", base_dirs=[run_dir], cache_dir=html_cache, info=info)))

    def report_pdf():
        if pdf.write_report_pdf(run_dir / "report.html") is None:
            made.warnings.append(pdf.no_engine_message())
    printer = None
    if (run_dir / "report.html").is_file():  # Chromium prints in its own process while this one writes the rest
        printer = threading.Thread(target=attempt, args=("report.pdf", report_pdf), name="etude-pdf", daemon=True)
        printer.start()
    for what, step in _steps(run_dir, jobs, lang=lang, simulated=simulated, info=info, cache_dir=cache_dir):
        attempt(what, step)
    offline = _network_warnings(run_dir)  # read while the PDF prints
    if printer is not None:
        printer.join()
    made.warnings += offline
    return made


def _attempter(made: Assembly, log):
    """``attempt(what, step)``: run one step; a failure becomes one of ``made``'s problems (and a traceback for
    ``log``), the workbook step's result is kept as ``made.workbook``."""
    def attempt(what: str, step) -> None:
        try:
            result = step()
            if what.endswith(".xlsx"):
                made.workbook = result
        except Exception as exc:
            made.problems.append(f"{what} non produit : {exc.__class__.__name__}: {exc}")
            if log:
                log(traceback.format_exc())
    return attempt


def _steps(run_dir: Path, jobs: list, *, lang: str, simulated: bool, info: dict | None, cache_dir: Path | None
           ) -> list[tuple[str, object]]:
    """The deliverables written after the report (while it prints): workbook, slides, deck, Data Package."""
    from etude.publish import datapackage, deck, report
    ok_jobs = [(j.name, getattr(j, "slide_nb", None) or report.slide_notebook(j.nb, [run_dir]))  # slide charts
               for j in jobs if j.status == "ok"]
    return [
        ("tables/tables.xlsx", lambda: write_workbook(run_dir, info, cache_dir / "workbooks" if cache_dir else None)),
        ("slides.html", lambda: write_text(run_dir / "slides.html", report.slides_html(
            ok_jobs, lang=lang, simulated=simulated, base_dirs=[run_dir], info=info,
            cache_dir=cache_dir / "html" if cache_dir else None))),
        ("slides.pptx", lambda: deck.write_pptx(run_dir / "slides.pptx", ok_jobs, info or {})),
        ("datapackage.json", lambda: datapackage.write_datapackage(run_dir, info=info, simulated=simulated)),
    ]


def _network_warnings(run_dir: Path) -> list[str]:
    """One line per page that would still fetch something from the network (a notebook output pointing at a
    CDN: plotly, widgets…)."""
    from etude.publish import report
    lines = []
    for page in ("report.html", "slides.html"):
        if (run_dir / page).is_file():
            remote = report.external_references((run_dir / page).read_text(encoding="utf-8"))
            if remote:
                lines.append(f"{page} chargera {len(remote)} ressource(s) du réseau : {', '.join(remote[:3])}")
    return lines


def pdf_engine() -> str:
    """The browser that prints ``report.pdf`` (its path; empty when none is found), part of an assembly's key."""
    from etude.publish import pdf
    return str(pdf.find_chromium() or "")


def run_info(manifest: dict, **options):
    """What the deliverables say about a run (:func:`etude.publish.runinfo.run_info`)."""
    from etude.publish.runinfo import run_info as info
    return info(manifest, **options)
