"""The report batch behind ``smartcity-eval reports``.

For each region and year of a dataset, execute the report notebook with its parameters and
write, under ``<out>/<dataset>/<region-slug>/<year>/``, the executed notebook
(``report.ipynb``), its HTML page without code cells (``report.html``) and, on request and
where a headless Chromium is installed, a PDF (``report.pdf``); then ``index.html`` and
``manifest.json`` in ``<out>/<dataset>/``.

How it is fast (``benchmarks/bench_reports.py`` measures it against the plain loop of
``papermill`` then ``jupyter nbconvert`` commands):

* a pool of long-lived worker processes, each holding one warm IPython kernel (started and
  imports done once, reset between reports: :mod:`smartcity_eval.reports.kernel`);
* the batch is one :class:`~smartcity_eval.evaluation.Evaluation`: the dataset is loaded
  and scored once and handed to the reports through a cache file keyed by the inputs'
  SHA-256, the settings (``Settings.to_dict()``) and the package version
  (:func:`smartcity_eval.reports.content.write_cache`); each report's notebook gets the
  settings as its ``settings`` parameter and rebuilds the same Evaluation;
* HTML rendered in-process with nbconvert's exporter (templates loaded once per worker).

How it is safe:

* a report is skipped when its fingerprint (inputs' hashes, parameters, notebook template,
  formats, package version) equals the manifest's and its files exist, unless ``force``;
* each file is written to a staging folder and moved into place atomically, and the
  manifest is rewritten atomically after every finished report, so a killed run leaves the
  earlier reports and a readable manifest;
* one failing report (cell error, cell time-out, dead kernel, even a dead worker process)
  does not stop the others; its notebook with the error is kept as
  ``report.failed.ipynb`` beside the earlier good report, the summary lists it, and the
  command exits 1.

The batch is split in three modules: :mod:`~smartcity_eval.reports.planning` (the jobs and
their fingerprints), :mod:`~smartcity_eval.reports.recording` (manifest, skip check,
summary) and this one (running the jobs on the worker pool). The public names of all three
are importable from here.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from smartcity_eval.messages import t
from smartcity_eval.reports import manifest as mf
from smartcity_eval.reports.control import (
    LOCK_NAME,
    BatchInterrupted,
    acquire_lock,
    check_memory,
    main_not_reimported,
    release_lock,
    spawn_context,
    stop_on_signals,
    stop_workers,
)
from smartcity_eval.reports.departments import write_department_pages
from smartcity_eval.reports.planning import (
    FORMATS,
    NOTEBOOK_DIR,
    REPORT_NOTEBOOK,
    _plain,
    batch_root,
    plan_reports,
)
from smartcity_eval.reports.recording import (
    BatchResult,
    _clean_staging,
    _is_current,
    _Recorder,
    _write_root_index,
    default_jobs,
    format_summary,
)
from smartcity_eval.reports.worker import ReportJob, init_process, ping, run_job
from smartcity_eval.vocab import PER_REGION_YEAR

__all__ = [
    "BatchInterrupted",
    "LOCK_NAME",
    "NOTEBOOK_DIR",
    "REPORT_NOTEBOOK",
    "FORMATS",
    "BatchResult",
    "plan_reports",
    "run_reports",
    "default_jobs",
    "format_summary",
]


def run_reports(
    evaluation: Any,
    out: Path | str = "reports",
    *,
    years: Sequence[int] | None = None,
    regions: Sequence[str] | None = None,
    jobs: int | None = None,
    lang: str | None = None,
    formats: Sequence[str] = ("html",),
    force: bool = False,
    notebook: Path | str | None = None,
    timeout: float = 600.0,
    kernel_name: str = "python3",
    progress: bool | TextIO = True,
    use_cache: bool = True,
    extra_parameters: dict[str, Any] | None = None,
    on_result: Callable[[dict[str, Any]], None] | None = None,
    paper: str = "a4",
    per: str | None = None,
) -> BatchResult:
    """Make the reports of a dataset (see the module docstring).

    Parameters
    ----------
    evaluation : the :class:`~smartcity_eval.evaluation.Evaluation` to report (its dataset
        and settings); a Dataset, a dataset folder or a shipped dataset's name is evaluated
        with :func:`smartcity_eval.evaluation.evaluate` (its ``[methods]``).
    out : output folder; reports go to ``out/<dataset>/<region-slug>/<year>/`` (a template
        run per year or per dataset: ``out/<dataset>/<template>/<year or all-years>/``).
    years, regions : restrict the batch (default: every year and region with observations).
    jobs : worker processes (default: the CPUs available; 1 runs one kernel).
    lang : ``id`` or ``en`` (default: the dataset's ``lang``).
    formats : ``html`` and/or ``pdf`` (PDF needs a headless Chromium; skipped with a note).
    force : remake reports even when they are up to date.
    notebook : another template (default ``notebooks/annual_report.ipynb``); it must have
        a cell tagged ``parameters``; it is passed only the parameters it declares.
    timeout : seconds one cell may run before the report fails.
    progress : True for a tqdm bar on standard error, a stream for one elsewhere, False for none.
    use_cache : hand the batch's loaded and scored dataset to the reports via a cache file.
    extra_parameters : more notebook parameters (plain JSON types), each one the template
        declares (else DataError listing the declared ones), e.g. ``{"mode": "draft"}``.
    on_result : called in this process with each report's result as it finishes.
    per : ``region-year``, ``year`` or ``dataset``: how often the template runs (default:
        per region and year when it declares ``region``; else per year when ``years`` are
        given, else once with ``year = None``): :mod:`smartcity_eval.reports.template`.

    Returns
    -------
    BatchResult. Raises DataError for an unknown dataset, region, year or format.
    """
    from smartcity_eval.reports.content import as_evaluation, cache_key

    started = time.perf_counter()
    ev = as_evaluation(evaluation)
    ds = ev.dataset
    out = Path(out)
    root = out / ds.name
    cache_dir = root / ".cache"
    cache_path: str | None = None
    if use_cache:
        cache_path = str((cache_dir / f"batch-{cache_key(ev)[:24]}.cache").resolve())
    plan, header = plan_reports(
        ev,
        out,
        years=years,
        regions=regions,
        lang=lang,
        formats=formats,
        notebook=notebook,
        timeout=timeout,
        cache=cache_path,
        extra_parameters=extra_parameters,
        paper=paper,
        per=per,
    )
    lang = header["lang"]
    root = batch_root(out, ds.name, header["per"], header["notebook"]["path"])
    if not any("cache" in job.parameters for job in plan):
        cache_path = None  # the template takes no batch cache
    root.mkdir(parents=True, exist_ok=True)
    lock = acquire_lock(root)
    try:
        with stop_on_signals():
            return _run_locked(
                ev,
                plan,
                header,
                root,
                out,
                cache_path,
                started,
                force=force,
                jobs=jobs,
                kernel_name=kernel_name,
                progress=progress,
                on_result=on_result,
            )
    finally:
        release_lock(lock)


def _run_locked(
    ev: Any,
    plan: list[ReportJob],
    header: dict[str, Any],
    root: Path,
    out: Path,
    cache_path: str | None,
    started: float,
    *,
    force: bool,
    jobs: int | None,
    kernel_name: str,
    progress: bool | TextIO,
    on_result: Callable[[dict[str, Any]], None] | None,
) -> BatchResult:
    """The body of :func:`run_reports`, run while this process holds the folder's lock."""
    from smartcity_eval.reports.overview import add_overview, write_batch_outputs
    from smartcity_eval.reports.render import tool_found

    lang = header["lang"]
    per_region = header.get("per", PER_REGION_YEAR) == PER_REGION_YEAR
    if per_region:  # the province overview heads the annual reports' index
        add_overview(ev, header, lang)
    _clean_staging(root)
    recorder = _Recorder(root, header, mf.load_manifest(root / mf.MANIFEST_NAME))
    todo: list[ReportJob] = []
    results: list[dict[str, Any]] = []
    for job in plan:
        entry = recorder.get(job)
        if not force and _is_current(job, entry, root):
            assert entry is not None
            results.append(
                {
                    "region": job.region,
                    "year": job.year,
                    "status": "skipped",
                    "error": None,
                    "duration_s": 0.0,
                    "files": entry.get("files", {}),
                    "headline": entry.get("headline"),
                    "notes": [],
                }
            )
        else:
            todo.append(job)
    notes: list[str] = []
    if "pdf" in header["formats"]:
        from smartcity_eval.reports.render import find_chromium

        if find_chromium() is None:
            notes.append(t("summary.no_pdf", lang))
    if "docx" in header["formats"] and not tool_found("docx"):
        notes.append(t("summary.no_docx", lang))
    if todo:
        n_workers = max(1, min(int(jobs or default_jobs()), len(todo)))
        check_memory(
            int(ev.dataset.observations["indicator"].nunique()),
            n_workers,
            str(ev.dataset.files.get("dataset.toml", ev.dataset.path)),
            n_values=len(ev.dataset.observations),
        )
        executed = _execute(
            todo,
            n_workers,
            kernel_name=kernel_name,
            cwd=str(root.resolve()),
            prepare=(lambda: _write_batch_cache(ev, cache_path, recorder)) if cache_path else None,
            progress=progress,
            recorder=recorder,
            on_result=on_result,
            lang=lang,
        )
        results.extend(executed)
    if per_region:
        write_department_pages(ev, plan, lang)  # issue 13: <region>/<year>/departments/*.html
    recorder.save()
    with contextlib.suppress(OSError):
        _write_root_index(out, lang)
    for r in results:
        notes.extend(
            n
            for n in r.get("notes", [])
            if n.startswith(("pdf failed", "docx failed")) and n not in notes
        )
    write_batch_outputs(recorder.root, recorder.index, header, lang)
    results.sort(key=lambda r: (r["region"], r["year"]))
    return BatchResult(
        results=results,
        root=root,
        manifest=recorder.path,
        index=recorder.index,
        elapsed_s=time.perf_counter() - started,
        notes=notes,
    )


def _write_batch_cache(ev: Any, path: str | None, recorder: _Recorder) -> None:
    """Write the batch cache of ``ev`` at ``path`` (unless a valid one for ``ev`` is there:
    another file, e.g. an older format or a damaged one, is replaced), and put the log of
    the Evaluation that made it (load, scores, gaps, agreement) in the manifest."""
    if path is None:
        return
    from smartcity_eval.reports.content import log_records, read_cache, write_cache

    if read_cache(path, ev) is None:
        for old in Path(path).parent.glob("batch-*"):
            with contextlib.suppress(OSError):
                old.unlink()
        # Without a cache every report analyses the dataset itself (slower, same numbers);
        # an error here then shows, with its traceback, in each report's notebook.
        with contextlib.suppress(Exception):
            write_cache(ev, path)
    batch = read_cache(path, ev)
    if batch is not None:
        recorder.header["log"] = _plain(log_records(batch.log))


def _progress_bar(total: int, progress: bool | TextIO, lang: str) -> Any:
    if progress is False:
        return None
    from tqdm import tqdm

    stream = sys.stderr if progress is True else progress
    return tqdm(total=total, desc=t("summary.progress", lang), unit="report", file=stream)


def _execute(
    todo: list[ReportJob],
    n_workers: int,
    *,
    kernel_name: str,
    cwd: str,
    prepare: Callable[[], None] | None,
    progress: bool | TextIO,
    recorder: _Recorder,
    on_result: Callable[[dict[str, Any]], None] | None,
    lang: str,
) -> list[dict[str, Any]]:
    """Run the jobs on ``n_workers`` warm-kernel processes; record each as it finishes."""
    from smartcity_eval.reports.render import find_chromium

    chromium = find_chromium() if any("pdf" in j.formats for j in todo) else None
    bar = _progress_bar(len(todo), progress, lang)
    done: list[dict[str, Any]] = []
    pending = list(todo)
    attempts = 0
    try:
        while pending and attempts < 2:
            attempts += 1
            ctx = spawn_context()  # workers start with SIGINT ignored
            with (
                main_not_reimported(),
                cf.ProcessPoolExecutor(
                    max_workers=n_workers,
                    mp_context=ctx,
                    initializer=init_process,
                    initargs=(kernel_name, cwd),
                ) as pool,
            ):
                try:
                    # start (and warm) the workers while this process prepares the cache
                    for _ in range(n_workers):
                        pool.submit(ping)
                    if prepare is not None and attempts == 1:
                        prepare()
                    futures = {pool.submit(run_job, job, chromium): job for job in pending}
                    broken: list[ReportJob] = []
                    for future in cf.as_completed(futures):
                        job = futures[future]
                        try:
                            result = future.result()
                        except cf.process.BrokenProcessPool:
                            broken.append(job)
                            continue
                        except Exception as err:  # pragma: no cover - run_job never raises
                            result = _failure(job, f"{type(err).__name__}: {err}")
                        _finish(job, result, recorder, done, bar, on_result)
                    pending = broken
                except BaseException:  # Ctrl-C: stop the workers we started, keep what is done
                    stop_workers(pool)
                    with contextlib.suppress(Exception):  # a result recorded, not yet saved
                        recorder.save()
                    raise
        for job in pending:  # a worker process died twice: report, do not hang
            _finish(
                job,
                _failure(job, t("summary.worker_died", lang)),
                recorder,
                done,
                bar,
                on_result,
            )
    finally:
        if bar is not None:
            bar.close()
    return done


def _failure(job: ReportJob, error: str) -> dict[str, Any]:
    return {
        "region": job.region,
        "year": job.year,
        "status": "failed",
        "error": error,
        "headline": None,
        "files": {},
        "notes": [],
        "duration_s": 0.0,
        "key": job.key,
    }


def _finish(
    job: ReportJob,
    result: dict[str, Any],
    recorder: _Recorder,
    done: list[dict[str, Any]],
    bar: Any,
    on_result: Callable[[dict[str, Any]], None] | None,
) -> None:
    recorder.record(job, result)
    recorder.save()
    done.append(result)
    if bar is not None:
        bar.update(1)
        if result["status"] != "ok":
            bar.write(f"failed: {job.region} {job.year}: {result['error']}")
    if on_result is not None:
        on_result(result)
