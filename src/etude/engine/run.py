"""``reproduce``: plan a run, check it can start, execute its notebooks (or reuse them), assemble its folder.

The steps, each a short function: :func:`plan_run` (notebooks, typed parameters, dependency order — nothing is
created), pre-flight checks (callables ``study -> list of problems``; one error stops the run before any
notebook, :class:`etude.errors.InputError`), the run folder and its first manifest, the notebooks (a cache hit
copies a previous execution, a miss executes), the assembly of pages, workbook, report and slides, post-run
checks (callables ``run_dir -> DataFrame of findings``; any finding fails the run), the final manifest, and
``latest`` moved only when the run succeeded. Nothing is printed: progress goes to a :class:`Progress`.
"""
from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etude import cachefiles, paths, publish
from etude.engine import cache as nbcache
from etude.engine.assembly_cache import ASSEMBLY_DIR, assembly_key, restore_assembly, store_assembly
from etude.engine.kernel import (
    Job,
    ensure_prepared,
    execute,
    now,
    pinned_kernel_manager_class,
    reinjected,
    scratch_prefix,
)
from etude.engine.kernel_reset import return_memory
from etude.engine.manifest import (
    MANIFEST,
    file_hashes,
    initial_manifest,
    machine_free,
    notebook_entry,
    relative,
    salt_fingerprint,
)
from etude.engine.notebooks import (
    depends_on,
    discover_notebooks,
    notebook_parameters,
    order_key,
    read_notebook,
    select_notebooks,
    skip_slow_optional_imports,
)
from etude.engine.options import RunOptions
from etude.engine.parameters import check_run_options, options_in_parameters, type_parameters
from etude.engine.portable import machine_anchors, portable_notebook, portable_value
from etude.engine.progress import Progress, silent_progress
from etude.engine.rundir import mark_stale_runs, new_run_dir, new_run_id, update_latest
from etude.engine.schedule import LoopThread, execution_order, run_jobs
from etude.engine.slots import SlotPool, preload_code, study_code
from etude.errors import InputError, ParameterError, RunError
from etude.files import check_out_dir, write_json, write_text

__all__ = ["RunResult", "RunPlan", "RunOptions", "plan_run", "reproduce", "run_preflight", "run_post_checks",
           "run_parameters", "PREFLIGHT_CHECKS", "POST_RUN_CHECKS"]

def _validate_study(study: Path | None) -> list[dict]:
    """The survey layer's check of the whole study (every export), before any notebook starts."""
    if study is None:
        return []
    from etude.survey import validate_study
    return validate_study(study)


def _disclosure_audit(run_dir: Path, parameters: dict[str, Any]) -> Any:
    """No suppressed cell of the run's tables can be recovered or narrowed below the run's ``min_cell``; public
    buyers' small groups are allowed only when the study chose to publish them (``publish_small_groups``)."""
    from etude.safety.disclosure import audit_run, protected_populations
    protect = protected_populations(bool(parameters.get("publish_small_groups", False)))
    return audit_run(run_dir, min_cell=int(parameters.get("min_cell", 5)), protect=protect)


_validate_study.label = "validation de l'étude"
_disclosure_audit.label = "secret statistique (etude audit)"
_disclosure_audit.reads = ("tables/*.csv",)  # what the audit reads: its result is kept by these files' content

#: Checks run before any notebook: ``check(study_path) -> list of problems`` (:func:`etude.errors.problem`).
PREFLIGHT_CHECKS: tuple[Callable[[Path | None], list[dict]], ...] = (_validate_study,)
#: Checks run after assembly, before ``latest`` moves: ``check(run_dir, parameters) -> DataFrame`` (one row a
#: finding); ``parameters`` holds the smallest value each numeric parameter took in the run's notebooks.
POST_RUN_CHECKS: tuple[Callable[[Path, dict], Any], ...] = (_disclosure_audit,)


@dataclass(frozen=True)
class RunResult:
    """What a run produced: ``ok`` (every notebook succeeded, assembly and checks passed), the run folder,
    ``name -> status`` (``ok``, ``failed`` or ``skipped``), a one-line French message per failed notebook, the
    engine's problems and warnings, ``name -> "hit" | "miss"`` and whether the user interrupted the run."""

    ok: bool
    run_dir: Path
    statuses: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    cache: dict[str, str] = field(default_factory=dict)
    interrupted: bool = False


@dataclass
class RunPlan:
    """A run decided but not started: options, notebooks in study order, parameters, dependencies."""

    study: str | None
    lang: str
    max_jobs: int
    timeout: float
    sources: list[Path]
    declared: dict[str, dict]
    typed: dict[str, dict]
    deps: dict[str, list[str]]
    order: list[str]
    given: dict[str, str]
    meeting: dict = field(default_factory=dict)  # the deck's title slide, given on the command line
    odf: bool = False  # also write slides.odp and tables.ods (--odf)


def _resolve_study(study) -> str | None:
    if not study:
        return None
    study_path = Path(study).expanduser().resolve()
    if not study_path.is_file():
        raise ParameterError(f"--study : fichier d'étude introuvable : {study}")
    return str(study_path)


def plan_run(*, study=None, lang=None, jobs=None, parameters: Iterable[Sequence[str]] = (), timeout=None,
             notebooks: Sequence[str | os.PathLike] | None = None, memo_dir: Path | None = None,
             pending: list[tuple[Path, str]] | None = None) -> RunPlan:
    """Check the options and parameters and decide what runs, in which order; creates nothing.

    With ``memo_dir``, each notebook's declared parameters are read from its memo there
    (:func:`~etude.engine.notebooks.notebook_parameters`); new memos to write are added to ``pending``.

    Raises :class:`ParameterError` (bad option or ``-p``) or :class:`RunError` (no notebook, cycle).
    """
    lang, parameters = options_in_parameters(parameters, lang=lang)  # -p lang en is --lang en
    lang, max_jobs, timeout = check_run_options(lang=lang, jobs=jobs, timeout=timeout)
    study = _resolve_study(study)
    sources = select_notebooks(notebooks) if notebooks else discover_notebooks()
    if not sources:
        raise RunError(f"aucun notebook d'étude dans {paths.notebooks_dir()} (attendu : NN_nom.ipynb)")
    names = [p.stem for p in sources]
    if len(set(names)) != len(names):
        raise ParameterError("deux notebooks choisis portent le même nom : " + ", ".join(names))
    parameters = [tuple(p) for p in parameters]
    raw = {p.stem: read_notebook(p) for p in sources}
    declared = {name: notebook_parameters(nb, memo_dir=memo_dir, pending=[] if pending is None else pending)
                for name, nb in raw.items()}
    typed = type_parameters(parameters, declared)
    deps = {name: depends_on(raw[name], name, names) for name in names}
    return RunPlan(study=study, lang=lang, max_jobs=max_jobs, timeout=timeout, sources=sources, declared=declared,
                   typed=typed, deps=deps, order=execution_order(deps),
                   given={str(p[0]): str(p[1]) for p in parameters if len(p) == 2})


def _preflight_key(study: Path) -> str:
    """sha256 of what a pre-flight check of ``study`` depends on: the study's files, the codebook, the package,
    the salt's fingerprint."""
    files = [study, paths.codebook_file(), *nbcache.study_files(study)]
    digests = {str(f): (nbcache.sha256_cached(f) if Path(f).is_file() else "absent") for f in files}
    return nbcache.cache_key({"files": digests, "package": nbcache.package_fingerprint(), "salt": salt_fingerprint()})


def _cached_json(path: Path | None, compute: Callable[[], Any], pending: list[tuple[Path, str]] | None = None
                 ) -> Any:
    """What is kept at ``path`` (JSON), else ``compute()``, kept there: written now, or added to ``pending`` to
    be written later (:func:`_keep`). Without ``path``, only ``compute()``; a result that is not JSON is not kept."""
    import json
    if path is None:
        return compute()
    kept = cachefiles.read_text(path)  # listed and unchanged since etude wrote it, else None
    try:
        if kept is not None:
            return json.loads(kept)
    except ValueError:
        pass
    value = compute()
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return value
    if pending is None:
        _write_cached(path, text)
    else:
        pending.append((path, text))
    return value


def _cached_check(check: Callable, study: Path | None, cache_dir: Path | None, key: str | None,
                  pending: list[tuple[Path, str]]) -> list[dict]:
    """``check(study)``, or its result kept in ``cache_dir`` for the same study content; a result to keep is
    added to ``pending`` (written once the run has started: a refused run creates nothing)."""
    path = (Path(cache_dir) / (nbcache.cache_key({"study": key, "check": _check_name(check)}) + ".json")
            if cache_dir is not None and key is not None else None)
    return _cached_json(path, lambda: list(check(study) or []), pending)


def _keep(pending: list[tuple[Path, str]]) -> None:
    """Write the pre-flight results to keep (a cache never fails a run)."""
    for path, text in pending:
        _write_cached(path, text)


def _write_cached(path: Path, text: str) -> None:
    """Write a cache file atomically, listed in its folder's index; a cache never fails a run."""
    cachefiles.store_text(path, text)


def _check_name(check: Callable) -> str:
    return f"{getattr(check, '__module__', '')}.{getattr(check, '__qualname__', repr(check))}"


def run_preflight(study: Path | None, checks: Iterable[Callable], progress: Progress, *,
                  cache_dir: Path | None = None) -> list[tuple[Path, str]]:
    """Run the pre-flight checks; raise :class:`InputError` with every problem if any is an error.

    Warnings alone are shown (through ``progress``) and the run goes on. With ``cache_dir``, each check's result
    is kept there by the content of the study's files, the codebook and the package (an unchanged study is
    checked once): returns the results to keep, ``(path, JSON text)``, for the caller to write once the run has
    started.
    """
    key = _preflight_key(study) if cache_dir is not None and study is not None else None
    pending: list[tuple[Path, str]] = []
    problems = [p for check in checks for p in _cached_check(check, study, cache_dir, key, pending)]
    if any(p.get("severity", "error") == "error" for p in problems):
        raise InputError(problems)
    if problems:
        from etude.errors import format_problem
        for p in problems:
            progress.log(format_problem(p))
    return pending


def run_parameters(plan: RunPlan) -> dict[str, Any]:
    """The parameters the run's notebooks ran with, one value a name: the smallest where notebooks differ
    (the strictest ``min_cell`` is the one the published tables must survive).

    >>> plan = RunPlan(study=None, lang="fr", max_jobs=1, timeout=1.0, sources=[], deps={}, order=[], given={},
    ...                declared={"a": {"min_cell": {"default": 5}}, "b": {"min_cell": {"default": 5}}},
    ...                typed={"a": {"min_cell": 3}, "b": {}})
    >>> run_parameters(plan)
    {'min_cell': 3}
    """
    values: dict[str, list] = {}
    for name, declared in plan.declared.items():
        for key, spec in declared.items():
            values.setdefault(key, []).append(plan.typed.get(name, {}).get(key, spec.get("default")))
    out = {}
    for key, vals in values.items():
        numbers = [v for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)]
        out[key] = min(numbers) if numbers and len(numbers) == len(vals) else vals[0]
    return out


def _post_check_key(check: Callable, run_dir: Path, parameters: dict[str, Any]) -> str | None:
    """sha256 of what a post-run check reads (its ``reads`` globs in the run folder), the parameters and the
    package; ``None`` for a check that does not declare what it reads (never cached)."""
    reads = getattr(check, "reads", None)
    if not reads:
        return None
    files = sorted({p for pattern in reads for p in run_dir.glob(pattern) if p.is_file()})
    digests = {p.relative_to(run_dir).as_posix(): nbcache.sha256_cached(p) for p in files}
    return nbcache.cache_key({"check": _check_name(check), "files": digests, "parameters": parameters,
                              "package": nbcache.package_fingerprint()})


def _one_post_check(check: Callable, run_dir: Path, parameters: dict[str, Any]) -> dict[str, Any] | None:
    findings = check(run_dir, parameters)
    if findings is None or not len(findings):
        return None
    rows = findings.head(50).to_dict("records") if hasattr(findings, "to_dict") else list(findings)[:50]
    name = getattr(check, "label", getattr(check, "__name__", repr(check)))
    return {"check": name, "findings": len(findings), "rows": rows}


def run_post_checks(run_dir: Path, checks: Iterable[Callable], parameters: dict[str, Any] | None = None, *,
                    cache_dir: Path | None = None) -> list[dict[str, Any]]:
    """Run the post-run checks; one entry ``{"check", "findings", "rows"}`` per check that found something.

    With ``cache_dir``, the result of a check that declares what it reads (``check.reads``: globs in the run
    folder) is kept there by the content of those files: the same tables are audited once.
    """
    parameters = parameters or {}
    found = []
    for check in checks:
        key = _post_check_key(check, run_dir, parameters) if cache_dir is not None else None
        entry = _cached_json(Path(cache_dir) / f"{key}.json" if key else None,
                             lambda check=check: _one_post_check(check, run_dir, parameters))
        if entry:
            found.append(entry)
    return found


def _make_jobs(plan: RunPlan, run_dir: Path) -> list[Job]:
    demo = paths.default_study()
    engine_values = {"study": plan.study or (str(demo) if demo.is_file() else ""), "lang": plan.lang,
                     "output_dir": str(run_dir)}
    jobs: list[Job] = []
    keys: dict[str, str] = {}
    for path in sorted(plan.sources, key=lambda p: plan.order.index(p.stem)):
        name = path.stem
        params = {k: v for k, v in engine_values.items() if k in plan.declared[name]} | plan.typed[name]
        nb = publish.localised(read_notebook(path), plan.lang, name=name)  # keyed markdown in the run's language
        # parameters are injected when it runs (ensure_prepared): a reused one never does
        n_cells = sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip()) + bool(params)
        job = Job(name=name, source=path, nb=nb, params=params, n_cells=n_cells, prepared=False)
        parts = nbcache.key_parts(nb, params, lang=plan.lang,
                                  depends={d: keys[d] for d in plan.deps[name] if d in keys})
        job.key = keys[name] = nbcache.cache_key(parts)
        job.key_parts = parts  # kept with the cache entry, to tell what changed
        jobs.append(job)
    return jobs


def _reuse(job: Job, entry: Path, run_dir: Path) -> bool:
    """Fill ``job`` from a cache entry: its executed notebook, with this run's parameters shown; False (a miss)
    if the entry changed since it was stored."""
    import nbformat
    restored = nbcache.restore(entry, run_dir, name=job.name)
    if restored is None:
        return False
    job.reused_from, job.written, job.reused_files = restored.run_id, restored.files, restored.reused
    cached = nbformat.reads(restored.notebook, as_version=4)
    injected = [c for c in cached.cells if "injected-parameters" in c.metadata.get("tags", [])]
    old = cached.metadata.get("papermill", {}).get("parameters")
    source = reinjected(injected[0].source, old, job.params) if injected and isinstance(old, dict) else None
    if source is None and injected:  # not only the run folder changed: papermill writes the cell again
        ensure_prepared(job)
        fresh = [c for c in job.nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        source = fresh[0].source if fresh else injected[0].source
    for cell in injected:
        cell.source = source
    cached.metadata["papermill"] = {**cached.metadata.get("papermill", {}), "parameters": job.params}
    job.nb, job.prepared = cached, True
    job.status, job.cache = "ok", "hit"
    job.started = job.ended = now()
    job.current = job.n_cells
    return True


def _execute_all(jobs: list[Job], plan: RunPlan, run_dir: Path, *, use_cache: bool, progress: Progress,
                 on_done, loop: LoopThread, pool: SlotPool | None) -> bool:
    """Run every job on ``loop`` (cache first when ``use_cache``; on the warm kernels of ``pool``, else one new
    kernel per notebook); True if the user interrupted the run."""
    import nbformat
    root = nbcache.cache_root(run_dir.parent)
    km_class = pool.km_class if pool is not None else pinned_kernel_manager_class()

    def make(interrupt):
        async def run_one(job: Job):
            entry = nbcache.lookup(root, job.key) if use_cache and job.key else None
            if entry is not None and _reuse(job, entry, run_dir):
                progress.reused(job)
                return
            await execute(job, timeout=plan.timeout, run_dir=run_dir, progress=progress, km_class=km_class,
                          interrupt=interrupt, pool=pool)
            if job.status == "ok" and job.key:
                nbcache.store(root, job.key, nb_json=nbformat.writes(job.nb), run_dir=run_dir,
                              written=job.written, parts=job.key_parts, label=job.name)

        async def run_all():
            try:
                await run_jobs(jobs, plan.deps, max_jobs=plan.max_jobs, run_one=run_one, on_done=on_done,
                               progress=progress)
            finally:
                if pool is not None:
                    await asyncio.shield(pool.close())
        return run_all()

    interrupted = loop.run(make, progress)
    nbcache.evict(root)
    return interrupted


def _study_share(base: Path) -> tuple[str, str]:
    """Where the engine leaves its parse of the study for its kernels (:func:`etude.survey.study.share_parsed`),
    and the tag of what a parse depends on besides the files: the package's code, the libraries, Python."""
    import sys
    tag = nbcache.cache_key({"package": nbcache.package_fingerprint(), "libraries": nbcache.library_versions([]),
                             "python": sys.version})
    return str(nbcache.cache_root(base).parent / "studies"), tag


def _private_share(run_id: str) -> tuple[str, str]:
    """Where a run without the cache (``--no-cache``) leaves its parse of the study for its own kernels: a
    folder of its own, removed when the run ends (or, if it is killed, with the run's other scratch folders)."""
    import tempfile
    folder = tempfile.mkdtemp(prefix=scratch_prefix(run_id) + "study-")
    return folder, _study_share(Path(folder))[1]


def _share_study(study: Path, shared: tuple[str, str]) -> None:
    """Leave the pre-flight check's parse of ``study`` for the kernels (they parse it themselves when it is not
    there yet), then keep the folder bounded."""
    from etude.survey.study import share_parsed
    share_parsed(study, shared[0], tag=shared[1])
    nbcache.evict_files(Path(shared[0]))


def _warm_pool(loop: LoopThread, plan: RunPlan, jobs: list[Job] | None, run_id: str, *, base: Path,
               use_cache: bool, shared: tuple[str, str] | None = None) -> SlotPool:
    """The run's warm-kernel pool, on ``loop``. Its kernels start now, one per slot that will execute a notebook
    (not for those the cache will give), and import what those notebooks import while the main thread runs the
    pre-flight checks. Without ``jobs`` (they could not be prepared before the checks), kernels start when a
    notebook needs one. Before its first notebook, a kernel takes the study's parse the engine left in
    ``shared`` (:func:`_hand_over_study`) instead of parsing the files again."""
    root = nbcache.cache_root(base)
    todo = [j for j in jobs or [] if not (use_cache and j.key and nbcache.lookup(root, j.key) is not None)]
    modules = [m for j in todo for m in nbcache.imported_modules(j.nb, dotted=True)]
    studies = {j.params["study"] for j in todo if "study" in j.params}
    study = next(iter(studies)) if len(studies) == 1 else None
    pool = SlotPool(pinned_kernel_manager_class(), prefix=scratch_prefix(run_id), start_code=preload_code(modules),
                    first_code=study_code(study, shared) if study is not None else None,
                    left=len(todo) if jobs is not None else None)
    if todo:
        async def warm():
            pool.warm(min(plan.max_jobs, len(todo)), str(todo[0].source.parent))
        loop.submit(warm()).result()
    return pool


def _start(plan: RunPlan, out, progress: Progress, *, run_id: str | None = None, jobs: list[Job] | None = None
           ) -> tuple[Path, list[Job], dict, dict]:
    """Create the run folder (named ``run_id`` if free), its jobs (``jobs``, made for that folder beforehand, or
    made now) and first manifest; returns (run_dir, jobs, manifest, study entry)."""
    from etude.engine.manifest import decp_provenance, study_provenance
    study_entry, inputs, simulated = study_provenance(plan.study)
    started = now()
    run_dir = new_run_dir(out, run_id=run_id)
    if jobs is None or run_dir.name != run_id:
        jobs = _make_jobs(plan, run_dir)
    options = {"study": plan.study or "", "lang": plan.lang, "jobs": plan.max_jobs, "timeout_s": plan.timeout,
               **({"meeting": plan.meeting} if plan.meeting else {})}
    decp_inputs = (decp_provenance(plan.given.get("decp", ""), plan.study)
                   if any("decp" in plan.declared.get(j.name, {}) for j in jobs) else [])
    manifest = initial_manifest(run_dir=run_dir, started=started, simulated=simulated, options=options,
                                given=plan.given, jobs=jobs, study_entry=study_entry,
                                inputs={"inputs": inputs, "decp_inputs": decp_inputs})
    write_json(run_dir / MANIFEST, manifest)
    for sub in ("notebooks", "figures", "tables"):
        (run_dir / sub).mkdir(exist_ok=True)
    progress.total = len(jobs)
    progress.log(f"etude : {len(jobs)} notebook(s), jusqu'à {plan.max_jobs} en parallèle → {run_dir}")
    return run_dir, jobs, manifest, {"started": started, "simulated": simulated, **study_entry}


def _anchors(plan: RunPlan, run_dir: Path) -> list[tuple[str, str]]:
    """The folders of this machine the run's files must not name (:func:`etude.engine.portable.machine_anchors`)."""
    return machine_anchors(run_dir=run_dir, study=plan.study or paths.default_study())

@dataclass
class _Run:
    """A run once started: its plan and options, folder, jobs, first manifest, study entry (``info``), where
    progress goes, the engine's problems so far and whether the user interrupted it."""

    plan: RunPlan
    options: RunOptions
    run_dir: Path
    jobs: list[Job]
    manifest: dict
    info: dict
    progress: Progress
    problems: list[str] = field(default_factory=list)
    interrupted: bool = False

    @property
    def cache_dir(self) -> Path:
        """The run's ``.cache`` folder (html, workbooks, assembly, checks)."""
        return nbcache.cache_root(self.run_dir.parent).parent


def _finish_manifest(run: _Run, ordered: list[Job], made, *, status: str, checks: list) -> None:
    """The final manifest: status, times, notebooks, outputs, problems, warnings, checks and every file's sha256."""
    ended = now()
    anchors = _anchors(run.plan, run.run_dir)
    machine_free(run.manifest)
    run.manifest.update({
        "status": status, "ended_at": ended.isoformat(timespec="seconds"),
        "duration_s": round((ended - run.info["started"]).total_seconds(), 2),
        "notebooks": [notebook_entry(j, run.plan.deps[j.name], anchors=anchors) for j in ordered],
        "outputs": _outputs(run.run_dir, made.workbook),
        "problems": portable_value(run.problems, anchors), "warnings": portable_value(made.warnings, anchors),
        "checks": portable_value(checks, anchors), "files": file_hashes(run.run_dir),
    })
    write_json(run.run_dir / MANIFEST, run.manifest)


def _outputs(run_dir: Path, workbook: Path | None) -> dict[str, Any]:
    """The manifest's ``outputs``: the report and slides, the PPTX, PDF and OpenDocument copies when made, workbook,
    tables, figures."""
    return {
        "report": "report.html", "slides": "slides.html",
        **{k: f for k, f in (("pptx", "slides.pptx"), ("pdf", "report.pdf"), ("odp", "slides.odp"),
                             ("ods", "tables/tables.ods")) if (run_dir / f).is_file()},
        "workbook": relative(workbook, run_dir) if workbook else None,
        "tables": sorted(relative(p, run_dir) for p in (run_dir / "tables").glob("*.csv")),
        "figures": sorted(relative(p, run_dir) for p in (run_dir / "figures").glob("*") if p.is_file()),
    }


def reproduce(options: RunOptions | None = None, *, progress: Progress | None = None) -> RunResult:
    """Run the study notebooks and assemble a run folder; prints nothing.

    Parameters
    ----------
    options : RunOptions, optional
        What to run and how (:class:`etude.engine.options.RunOptions`); default: the whole demo study, cached.
    progress : Progress, optional
        Where progress lines go; default: nowhere.

    Raises
    ------
    ParameterError, RunError, InputError
        Before anything is created: bad option or parameter, no notebook, a pre-flight error.

    Examples
    --------
    >>> from etude.engine import RunOptions
    >>> reproduce(RunOptions(notebooks=["00_absent"]))  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    etude.errors.ParameterError: notebook introuvable : 00_absent
    """
    options = options or RunOptions()
    skip_slow_optional_imports()
    progress = progress or silent_progress()
    base = check_out_dir(options.out) if options.out else paths.outputs_dir()
    memos: list[tuple[Path, str]] = []  # written once the run has started: a refused run creates nothing
    plan = plan_run(study=options.study, lang=options.lang, jobs=options.jobs, parameters=options.parameters,
                    timeout=options.timeout, notebooks=options.notebooks, pending=memos,
                    memo_dir=nbcache.cache_root(base).parent / "parameters" if options.use_cache else None)
    plan.meeting = dict(options.meeting or {})
    plan.odf = options.odf
    return _conclude(_execute_run(plan, options, base, memos, progress))


def _execute_run(plan: RunPlan, options: RunOptions, base: Path, memos: list[tuple[Path, str]],
                 progress: Progress) -> _Run:
    """Start the kernels, run the pre-flight checks, create the run folder and execute (or reuse) every notebook."""
    demo = paths.default_study()  # no study given and no demo (a bare repository): nothing to validate
    study = Path(plan.study) if plan.study else (demo if demo.is_file() else None)
    run_id = new_run_id()
    planned = _early_jobs(plan, base / run_id)
    loop = LoopThread()  # the notebooks' event loop: warm kernels start on it during the pre-flight checks
    pool = None
    shared = _study_share(base) if options.use_cache else _private_share(run_id)
    try:
        pool = None if options.fresh_kernels else _warm_pool(loop, plan, planned, run_id, base=base,
                                                             use_cache=options.use_cache, shared=shared)
        run = _checked_start(plan, options, base, memos, progress, run_id=run_id, planned=planned)
        if study is not None:
            _hand_over_study(study, shared)
        on_done = _page_writer(run.run_dir, plan.lang, run.info["simulated"], run.problems, progress,
                               options.verbose, _anchors(plan, run.run_dir))
        run.interrupted = _execute_all(run.jobs, plan, run.run_dir, use_cache=options.use_cache,
                                       progress=progress, on_done=on_done, loop=loop, pool=pool)
    finally:
        if pool is not None:  # a refused or interrupted run: its warm kernels stop (already done otherwise)
            loop.submit(pool.close()).result(timeout=120)
        loop.stop()
        if not options.use_cache:  # --no-cache: the parse was this run's only
            shutil.rmtree(shared[0], ignore_errors=True)
    return run


def _checked_start(plan: RunPlan, options: RunOptions, base: Path, memos: list[tuple[Path, str]],
                   progress: Progress, *, run_id: str, planned: list[Job] | None) -> _Run:
    """The pre-flight checks (kept in the cache when it is used), stale runs marked, then the run folder."""
    demo = paths.default_study()
    preflight_cache = nbcache.cache_root(base).parent / "preflight" if options.use_cache else None
    checked = run_preflight(Path(plan.study) if plan.study else (demo if demo.is_file() else None),
                            PREFLIGHT_CHECKS if options.preflight is None else options.preflight, progress,
                            cache_dir=preflight_cache)
    for stale in mark_stale_runs(base):
        progress.log(f"– exécution {stale.name} arrêtée sans se terminer : marquée « interrompue », "
                     "fichiers temporaires retirés")
    run_dir, job_list, manifest, info = _start(plan, base, progress, run_id=run_id, jobs=planned)
    _keep(checked + memos)
    if preflight_cache is not None:
        nbcache.evict_files(preflight_cache)
        nbcache.evict_files(preflight_cache.parent / "parameters")
    return _Run(plan=plan, options=options, run_dir=run_dir, jobs=job_list, manifest=manifest, info=info,
                progress=progress)


def _hand_over_study(study: Path, shared: tuple[str, str]) -> None:
    """Leave the pre-flight check's parse of the study for the kernels, then let it go: the engine holds no
    study while its kernels run, and the kernels do not parse the files again (100,000 respondents: 12 s of
    processor time each)."""
    from etude.survey.study import forget_parsed
    _share_study(study, shared)
    forget_parsed()
    return_memory()


def _early_jobs(plan: RunPlan, run_dir: Path) -> list[Job] | None:
    """The run's jobs for the folder ``run_dir`` it will have, made before the pre-flight checks (to start the
    kernels they need); ``None`` if the study cannot say yet (the checks then report why)."""
    try:
        return _make_jobs(plan, run_dir)
    except RunError:  # a notebook's text missing from the catalogue (publish.localised): stop before any folder
        raise
    except Exception:  # noqa: BLE001 — a broken study is the pre-flight checks' to report
        return None


def _page_writer(run_dir: Path, lang: str, simulated: bool, problems: list[str], progress: Progress,
                 verbose: bool, anchors: list[tuple[str, str]]) -> Callable[[Job], None]:
    """What to do as soon as a notebook ends (while others still run): write its executed copy and its page, and
    convert its report section and slides for the assembly (:func:`~etude.publish.assemble.prepare_assembly`)."""
    html_cache = nbcache.cache_root(run_dir.parent).parent / "html"

    def on_done(job: Job) -> None:
        portable_notebook(job.nb, anchors)  # the executed copy, its page, report and slides name no machine folder
        line = publish.write_notebook_files(job, run_dir, lang=lang, simulated=simulated, cache_dir=html_cache)
        if line:
            problems.append(line)
        publish.prepare_assembly(job, run_dir, lang=lang, cache_dir=html_cache)
        if job.status != "ok" and verbose and job.traceback:
            progress.log(job.traceback)
        elif job.status != "ok":
            progress.log(f"   trace complète : {run_dir / 'notebooks' / (job.name + '.ipynb')} (ou --verbose)")
    return on_done


def _reused_assembly(run: _Run, ordered: list[Job], key: str):
    """The deliverables of an earlier assembly of the same key, copied into the run folder, when every notebook
    was reused unchanged (:mod:`etude.engine.assembly_cache`); ``None`` otherwise."""
    if not (run.options.use_cache and all(j.cache == "hit" for j in ordered)):
        return None
    meta = restore_assembly(run.cache_dir / ASSEMBLY_DIR / key, run.run_dir)
    if meta is None:
        return None
    run.manifest["assembly"] = {"cache_key": key, "reused_files": meta["reused"]}
    workbook = run.run_dir / meta["workbook"] if meta.get("workbook") else None
    return publish.Assembly(workbook=workbook, warnings=list(meta.get("warnings", [])), cache="hit",
                            reused_from=meta.get("run_id"))


def _assemble_or_reuse(run: _Run, ordered: list[Job], *, title: str, ok: bool):
    """The run's deliverables: copied from an earlier assembly when every notebook was reused unchanged
    (:func:`_reused_assembly`), else assembled (and kept for the next unchanged run)."""
    plan, cache_dir = run.plan, run.cache_dir  # .cache/html, workbooks, assembly
    key = None
    if ok:  # the small-cell rule is left out of the key: min_cell and the codebook are in the notebooks' keys
        key = assembly_key(ordered, lang=plan.lang, simulated=run.info["simulated"], title=title,
                           info=publish.run_info(run.manifest, lang=plan.lang, rule=False))
        reused = _reused_assembly(run, ordered, key)
        if reused is not None:
            return reused
    described = publish.run_info(run.manifest, lang=plan.lang,
                                 min_cell=int(run_parameters(plan).get("min_cell", 5)))
    made = publish.assemble(run.run_dir, ordered, lang=plan.lang, simulated=run.info["simulated"],
                            verbose=run.options.verbose, info=described, log=run.progress.log, cache_dir=cache_dir)
    if key is not None and not made.problems:
        store_assembly(cache_dir / ASSEMBLY_DIR / key, run.run_dir, warnings=made.warnings, workbook=made.workbook)
    for folder in ("html", "workbooks"):
        nbcache.evict_files(cache_dir / folder)
    nbcache.evict(cache_dir / ASSEMBLY_DIR)
    return made


def _write_unexecuted(run: _Run) -> None:
    """Skipped or interrupted notebooks still get their (unexecuted) copy, parameters shown."""
    import nbformat
    for job in run.jobs:
        ensure_prepared(job)
        portable_notebook(job.nb, _anchors(run.plan, run.run_dir))
        if not (run.run_dir / "notebooks" / f"{job.name}.ipynb").exists():
            if job.status in ("pending", "running"):
                job.status = "failed" if run.interrupted else "skipped"
            write_text(run.run_dir / "notebooks" / f"{job.name}.ipynb", nbformat.writes(job.nb))


def _post_checks(run: _Run, *, notebooks_ok: bool) -> list[dict[str, Any]]:
    """The post-run checks, when every notebook and the assembly succeeded (kept in the cache when it is used);
    then the cache's refusals of the run, said once."""
    post_cache = run.cache_dir / "checks" if run.options.use_cache else None
    checks = POST_RUN_CHECKS if run.options.post_checks is None else run.options.post_checks
    parameters = run_parameters(run.plan) | ({"publish_small_groups": True}
                                             if run.info.get("publish_small_groups") else {})
    found = (run_post_checks(run.run_dir, checks, parameters, cache_dir=post_cache)
             if notebooks_ok and not run.problems else [])
    if post_cache is not None:
        nbcache.evict_files(post_cache)
    for line in nbcache.refusal_lines(run.cache_dir):
        run.progress.log(line)
    return found


def _conclude(run: _Run) -> RunResult:
    """Assemble (or reuse) the deliverables, run the post-run checks, write the final manifest, move ``latest``
    if the run succeeded."""
    _write_unexecuted(run)
    ordered = sorted(run.jobs, key=lambda j: order_key(j.source))
    notebooks_ok = all(j.status == "ok" for j in run.jobs) and not run.interrupted
    title = publish.study_name(run.info, run.plan.lang) or (Path(run.plan.study).name if run.plan.study else "démo")
    made = _assemble_or_reuse(run, ordered, title=title, ok=notebooks_ok)
    if run.plan.odf:  # OpenDocument copies of the deck and the workbook (--odf)
        made.warnings += publish.write_odf(run.run_dir, lang=run.plan.lang)
    run.manifest["assembly"] = {"cache": made.cache, "reused_from": made.reused_from,
                                **run.manifest.get("assembly", {})}
    run.problems += made.problems
    checks = _post_checks(run, notebooks_ok=notebooks_ok)
    run.problems += [f"contrôle {c['check']} : {c['findings']} constat(s)" for c in checks]
    ok = notebooks_ok and not run.problems
    _finish_manifest(run, ordered, made, checks=checks,
                     status="ok" if ok else ("interrupted" if run.interrupted else "failed"))
    if ok and run.options.move_latest:
        update_latest(run.run_dir)
    errors = {j.name: j.message for j in ordered if j.status != "ok" and j.message}
    if run.problems:
        errors["(moteur)"] = " ; ".join(run.problems)
    return RunResult(ok=ok, run_dir=run.run_dir, statuses={j.name: j.status for j in ordered}, errors=errors,
                     problems=tuple(run.problems), warnings=tuple(made.warnings),
                     cache={j.name: j.cache for j in ordered}, interrupted=run.interrupted)
