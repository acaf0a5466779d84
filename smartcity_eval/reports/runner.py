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
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing as mp
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from smartcity_eval.errors import DataError, Problem, did_you_mean
from smartcity_eval.io.outputs import atomic_write, safe_child
from smartcity_eval.io.provenance import fingerprint, package_version, sha256_file
from smartcity_eval.io.resources import notebook_dir
from smartcity_eval.messages import t
from smartcity_eval.reports import manifest as mf
from smartcity_eval.reports.control import (
    LOCK_NAME,
    BatchInterrupted,
    acquire_lock,
    check_memory,
    main_not_reimported,
    release_lock,
    stop_on_signals,
    stop_workers,
)
from smartcity_eval.reports.departments import write_department_pages
from smartcity_eval.reports.worker import STAGING_PREFIX, ReportJob, init_process, ping, run_job
from smartcity_eval.vocab import LANGS

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

#: The folder of the shipped report notebooks (smartcity_eval.io.resources.notebook_dir).
NOTEBOOK_DIR = notebook_dir()
#: The annual report template.
REPORT_NOTEBOOK = NOTEBOOK_DIR / "annual_report.ipynb"
#: Output formats ``--format`` accepts.
FORMATS = ("html", "pdf", "docx")


def _slugs(names: Iterable[str]) -> dict[str, str]:
    from smartcity_eval.io.outputs import slugify_all

    return slugify_all(names)


def default_jobs() -> int:
    """Worker processes by default: the CPUs this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class BatchResult:
    """What a batch did.

    ``results``: one dict per report of the batch (made, failed or skipped) with region,
    year, status (``ok``, ``failed``, ``skipped``), duration_s, error, files (relative to
    ``root``), headline, notes. ``root``: ``<out>/<dataset>``; ``manifest`` and ``index``:
    their paths; ``elapsed_s``: wall time of the batch.
    """

    results: list[dict[str, Any]]
    root: Path
    manifest: Path
    index: Path
    elapsed_s: float
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r["status"] == "failed"]

    @property
    def made(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r["status"] == "ok"]

    @property
    def skipped(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r["status"] == "skipped"]

    @property
    def ok(self) -> bool:
        return not self.failed


def _check_selection(
    wanted: Sequence[Any] | None, known: list[Any], what: str, file: str
) -> list[Any]:
    if not wanted:
        return list(known)
    problems = []
    chosen = []
    for item in wanted:
        if item in known:
            chosen.append(item)
        else:
            problems.append(
                Problem(
                    file,
                    None,
                    what,
                    f"the dataset has no {what} '{item}'",
                    did_you_mean(item, known),
                    f"dataset tidak memiliki {what} '{item}'",
                )
            )
    if problems:
        raise DataError(problems)
    return list(dict.fromkeys(chosen))


def _plain(value: Any) -> Any:
    """A JSON type for papermill (it fails on numpy scalars): str, int, float, bool, None, list."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, (int, float)):
        return value
    return str(value)


def plan_reports(
    evaluation: Any,
    out: Path | str,
    *,
    years: Sequence[int] | None = None,
    regions: Sequence[str] | None = None,
    lang: str | None = None,
    formats: Sequence[str] = ("html",),
    notebook: Path | str | None = None,
    timeout: float = 600.0,
    cache: str | None = None,
    extra_parameters: dict[str, Any] | None = None,
    paper: str = "a4",
) -> tuple[list[ReportJob], dict[str, Any]]:
    """The jobs of a batch and the manifest header, without running anything.

    ``evaluation``: an :class:`~smartcity_eval.evaluation.Evaluation` (or a Dataset, folder
    or name, see :func:`smartcity_eval.reports.content.as_evaluation`). Each job's
    ``parameters`` are plain JSON types (papermill fails on numpy scalars): ``dataset``
    (absolute path), ``region``, ``year``, ``lang``, ``settings`` (the Evaluation's
    ``Settings.to_dict()``) and ``cache``. Its ``key`` is the fingerprint that decides
    whether a report is up to date.
    """
    from smartcity_eval.io.provenance import file_hashes
    from smartcity_eval.reports.content import as_evaluation, log_records
    from smartcity_eval.reports.published import reportable

    ev = as_evaluation(evaluation)
    dataset = ev.dataset

    formats = tuple(dict.fromkeys(formats))
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise DataError(
            Problem(
                None,
                None,
                "format",
                f"unknown format '{bad[0]}'",
                "use html, pdf, docx or html,pdf,docx",
            )
        )
    lang = lang or dataset.lang
    if lang not in LANGS:
        raise DataError(Problem(None, None, "lang", f"unknown language '{lang}'", "use id or en"))
    toml = str(dataset.files.get("dataset.toml", dataset.path))
    # observed pairs, or the published ones of a dataset of published results only
    observed = set(reportable(dataset))
    all_years = sorted({y for _, y in observed})
    all_regions = sorted({r for r, _ in observed})
    chosen_years = _check_selection(
        [int(y) for y in years] if years else None, all_years, "year", toml
    )
    chosen_regions = _check_selection(regions, all_regions, "region", toml)
    template = Path(notebook) if notebook else REPORT_NOTEBOOK
    if not template.is_file():
        raise DataError(
            Problem(
                str(template),
                None,
                None,
                "the report notebook does not exist",
                "run python notebooks/build_notebooks.py",
            )
        )
    root = Path(out) / dataset.name
    inputs = file_hashes(dataset.files)
    template_hash = sha256_file(template)
    version = package_version()
    settings = _plain(ev.settings.to_dict())
    slugs = _slugs(all_regions)
    jobs = []
    for region in chosen_regions:
        for year in chosen_years:
            if (region, year) not in observed:
                continue
            params = {
                "dataset": str(Path(dataset.path).resolve()),
                "region": str(region),
                "year": int(year),
                "lang": lang,
                "settings": settings,
                **(_plain(extra_parameters) if extra_parameters else {}),
            }
            key = fingerprint(
                [(i["role"], i["sha256"]) for i in inputs],
                params,
                [*formats, f"paper={paper}"],
                template_hash,
                version,
            )
            params["cache"] = cache
            folder = safe_child(root, slugs[region], str(year))
            jobs.append(
                ReportJob(
                    region=str(region),
                    year=int(year),
                    notebook=str(template.resolve()),
                    out_dir=str(folder),
                    parameters=params,
                    title=f"{t('report.title', lang)}: {region} {year}",
                    formats=formats,
                    timeout=float(timeout),
                    key=key,
                    lang=lang,
                    extra={"slug": slugs[region], "paper": paper},
                )
            )
    header = {
        "manifest_version": mf.MANIFEST_VERSION,
        "dataset": dataset.name,
        "title": dataset.title,
        "dataset_path": str(Path(dataset.path).resolve()),
        "illustrative": bool(dataset.illustrative),
        "lang": lang,
        "package": "smartcity-eval",
        "version": ev.log[0].version if ev.log else version,
        "inputs": inputs,
        "notebook": {"path": str(template.resolve()), "sha256": template_hash},
        "settings": settings,
        "log": _plain(log_records(ev.log)),
        "formats": list(formats),
    }
    return jobs, header


def _is_current(job: ReportJob, entry: dict[str, Any] | None, root: Path) -> bool:
    if not entry or entry.get("status") != "ok" or entry.get("key") != job.key:
        return False
    files = entry.get("files", {})
    from smartcity_eval.reports.render import tool_found

    wanted = {"ipynb", "html"} | {f for f in job.formats if f != "html" and tool_found(f)}
    if not wanted <= set(files):
        return False
    return all((root / rel).is_file() for rel in files.values())


def _clean_staging(root: Path) -> None:
    """Remove staging folders left behind by a killed run."""
    if not root.is_dir():
        return
    for path in root.glob(f"*/*/{STAGING_PREFIX}*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _relative(job: ReportJob, files: dict[str, str], root: Path) -> dict[str, str]:
    folder = Path(job.out_dir).resolve().relative_to(root.resolve())
    return {kind: (folder / name).as_posix() for kind, name in files.items()}


class _Recorder:
    """Keeps the manifest in memory and on disk (atomically after every report)."""

    def __init__(self, root: Path, header: dict[str, Any], previous: dict[str, Any] | None):
        self.root = root
        self.path = root / mf.MANIFEST_NAME
        self.index = root / mf.INDEX_NAME
        self.header = header
        self.entries: dict[str, dict[str, Any]] = {}
        for entry in (previous or {}).get("reports", []):
            with contextlib.suppress(KeyError, TypeError, ValueError):
                self.entries[mf.entry_key(entry["region"], entry["year"])] = entry

    def get(self, job: ReportJob) -> dict[str, Any] | None:
        return self.entries.get(mf.entry_key(job.region, job.year))

    def record(self, job: ReportJob, result: dict[str, Any]) -> None:
        key = mf.entry_key(job.region, job.year)
        old = self.entries.get(key, {})
        files = _relative(job, result.get("files", {}), self.root)
        if result["status"] != "ok":
            # keep pointing at the earlier good report, which stays in place
            kept = {k: v for k, v in old.get("files", {}).items() if k != "failed_ipynb"}
            files = {**kept, **files}
        entry = {
            "region": job.region,
            "year": job.year,
            "slug": job.extra.get("slug", ""),
            "lang": job.lang,
            "parameters": {k: v for k, v in job.parameters.items() if k != "cache"},
            "key": job.key,
            "status": result["status"],
            "error": result.get("error"),
            "duration_s": result.get("duration_s"),
            "finished": mf.now_iso(),
            "files": files,
            "headline": result.get("headline") or (old.get("headline") if old else None),
            "notes": result.get("notes", []),
        }
        self.entries[key] = entry
        result["files"] = files

    def save(self) -> None:
        data = {**self.header, "updated": mf.now_iso(), "reports": list(self.entries.values())}
        headline = next((e["headline"] for e in self.entries.values() if e.get("headline")), None)
        if headline and headline.get("label"):
            data["index_label"] = headline["label"]
        mf.save_manifest(self.path, data)
        atomic_write(self.index, mf.render_index(data, self.header.get("lang", "en")))


def _write_root_index(out: Path, lang: str) -> None:
    items = []
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        data = mf.load_manifest(folder / mf.MANIFEST_NAME)
        if data is not None:
            items.append((folder.name, str(data.get("title") or folder.name), data))
    if items:
        atomic_write(out / mf.INDEX_NAME, mf.render_root_index(items, lang))


def format_summary(result: BatchResult, lang: str = "en") -> str:
    """The summary the command prints at the end of a batch."""
    lines = [
        t(
            "summary.line",
            lang,
            made=len(result.made),
            skipped=len(result.skipped),
            failed=len(result.failed),
            seconds=result.elapsed_s,
        )
    ]
    for r in result.failed:
        where = r["files"].get("failed_ipynb", "")
        lines.append(f"  {t('index.failed', lang)}: {r['region']} {r['year']}: {r['error']}")
        if where:
            lines.append(f"    -> {result.root / where}")
    lines.extend(f"  {note}" for note in result.notes)
    lines.append(f"{t('summary.index', lang)}: {result.index}")
    return "\n".join(lines)


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
) -> BatchResult:
    """Make the reports of a dataset (see the module docstring).

    Parameters
    ----------
    evaluation : the :class:`~smartcity_eval.evaluation.Evaluation` to report (its dataset
        and settings); a Dataset, a dataset folder or a shipped dataset's name is evaluated
        with :func:`smartcity_eval.evaluation.evaluate` (its ``[methods]``).
    out : output folder; reports go to ``out/<dataset>/<region-slug>/<year>/``.
    years, regions : restrict the batch (default: every year and region with observations).
    jobs : worker processes (default: the CPUs available; 1 runs one kernel).
    lang : ``id`` or ``en`` (default: the dataset's ``lang``).
    formats : ``html`` and/or ``pdf`` (PDF needs a headless Chromium; skipped with a note).
    force : remake reports even when they are up to date.
    notebook : another template (default ``notebooks/annual_report.ipynb``); it must have
        a cell tagged ``parameters``.
    timeout : seconds one cell may run before the report fails.
    progress : True for a tqdm bar on standard error, a stream for one elsewhere, False for none.
    use_cache : hand the batch's loaded and scored dataset to the reports via a cache file.
    extra_parameters : more notebook parameters (plain JSON types), e.g. for a custom template.
    on_result : called in this process with each report's result as it finishes.

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
        cache_path = str((cache_dir / f"batch-{cache_key(ev)[:24]}.pkl").resolve())
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
    )
    lang = header["lang"]
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
    """Write the batch cache of ``ev`` at ``path`` (unless it exists), and put the log of the
    Evaluation that made it (load, scores, gaps, agreement) in the manifest."""
    if path is None:
        return
    from smartcity_eval.reports.content import log_records, read_cache, write_cache

    if not Path(path).is_file():
        for old in Path(path).parent.glob("batch-*.pkl"):
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
            ctx = mp.get_context("spawn")
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
