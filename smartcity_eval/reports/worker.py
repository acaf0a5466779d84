"""Executing one report in a warm kernel, and writing it atomically.

A :class:`KernelWorker` owns one IPython kernel for its whole life. It starts the kernel,
imports what reports need once (:data:`kernel.WARM_CODE`) and, before each report, resets
the kernel (:data:`kernel.RESET_CODE`). A report is executed with nbclient against that
kernel, after papermill has injected the parameters (the same ``injected-parameters`` cell
that ``papermill -p`` writes). A cell error, a cell time-out and a dead kernel all end the
report as *failed*; after a time-out or a dead kernel the kernel is restarted so the next
report starts clean.

The runner's worker processes each hold one :class:`KernelWorker` (see :func:`init_process`
and :func:`run_job`); tests may use one directly.

A report's files are first written into a hidden staging folder beside the report, then
each is moved into place with ``os.replace`` (atomic): an interrupted run leaves either the
earlier good file or the new complete one, never a half-written one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import tempfile
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from smartcity_eval.reports.kernel import RESET_CODE, WARM_CODE

__all__ = [
    "KernelWorker",
    "ReportJob",
    "ReportError",
    "HEADLINE_MIME",
    "execute_report",
    "write_report",
    "init_process",
    "run_job",
    "headline_of",
    "STAGING_PREFIX",
]

#: Mimetype of the machine-readable headline a report displays beside its HTML; the runner
#: copies it into the manifest and the index page (the HTML page ignores it).
HEADLINE_MIME = "application/vnd.smartcity-eval.headline+json"
#: Prefix of the hidden staging folders (removed by the runner when left by a killed run).
STAGING_PREFIX = ".staging-"


_IPC_PREFIX = "sce-kernel-"


def _remove_stale_ipc_dirs() -> None:
    """Remove kernel socket folders left by worker processes that were killed (SIGKILL
    leaves no chance to clean up); a folder is stale when the process named in it is gone."""
    for path in Path(tempfile.gettempdir()).glob(f"{_IPC_PREFIX}*-*"):
        try:
            pid = int(path.name[len(_IPC_PREFIX) :].split("-", 1)[0])
        except ValueError:
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:  # someone else's live process
            continue


class ReportError(RuntimeError):
    """A report failed: a cell raised, timed out, or the kernel died."""

    def __init__(self, kind: str, message: str):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


@dataclass
class ReportJob:
    """One report to make (plain JSON-able fields: it crosses process boundaries)."""

    region: str
    year: int
    notebook: str  # template path
    out_dir: str  # the report's folder
    parameters: dict[str, Any]
    title: str = ""
    formats: tuple[str, ...] = ("html",)
    stem: str = "report"
    timeout: float = 600.0
    key: str = ""
    lang: str = "en"
    extra: dict[str, Any] = field(default_factory=dict)


class KernelWorker:
    """One long-lived kernel that executes notebooks one after another (see module doc)."""

    def __init__(
        self,
        kernel_name: str = "python3",
        *,
        cwd: str | None = None,
        startup_timeout: float = 120.0,
        warm_code: str | None = WARM_CODE,
        reset_code: str | None = RESET_CODE,
    ):
        self.kernel_name = kernel_name
        self.cwd = cwd
        self.startup_timeout = startup_timeout
        self.warm_code = warm_code
        self.reset_code = reset_code
        self.loop = asyncio.new_event_loop()
        self.km: Any = None
        self.kc: Any = None
        self.reports_run = 0
        self._ipc_dir: str | None = None

    # -- kernel life ---------------------------------------------------------------------
    def start(self) -> KernelWorker:
        """Start the kernel and warm it up."""
        from jupyter_client.manager import AsyncKernelManager

        asyncio.set_event_loop(self.loop)
        # IPC sockets where the OS has them: no TCP ports, and no "unencrypted TCP" warning.
        # Each kernel gets its own private folder for them (two kernels must never share).
        if os.name == "posix":
            if self._ipc_dir is None:
                _remove_stale_ipc_dirs()
                self._ipc_dir = tempfile.mkdtemp(prefix=f"{_IPC_PREFIX}{os.getpid()}-")
            self.km = AsyncKernelManager(
                kernel_name=self.kernel_name,
                transport="ipc",
                ip=os.path.join(self._ipc_dir, "k"),
            )
        else:  # pragma: no cover
            self.km = AsyncKernelManager(kernel_name=self.kernel_name)
        kwargs: dict[str, Any] = {}
        if self.cwd:
            kwargs["cwd"] = self.cwd
        self.loop.run_until_complete(self.km.start_kernel(**kwargs))
        self._connect()
        if self.warm_code:
            self.run_code(self.warm_code, timeout=self.startup_timeout)
        return self

    def _connect(self) -> None:
        self.kc = self.km.client()
        self.kc.start_channels()
        self.loop.run_until_complete(self.kc.wait_for_ready(timeout=self.startup_timeout))

    def _disconnect(self) -> None:
        if self.kc is not None:
            with contextlib.suppress(Exception):
                self.kc.stop_channels()
            self.kc = None

    def restart(self) -> None:
        """Restart the kernel (after a time-out or a death) and warm it up again."""
        self._disconnect()
        try:
            self.loop.run_until_complete(self.km.restart_kernel(now=True))
        except Exception:
            with contextlib.suppress(Exception):
                self.loop.run_until_complete(self.km.shutdown_kernel(now=True))
            self.km = None
            self.start()
            return
        self._connect()
        if self.warm_code:
            self.run_code(self.warm_code, timeout=self.startup_timeout)

    def shutdown(self) -> None:
        """Stop the kernel and close the event loop."""
        self._disconnect()
        if self.km is not None:
            with contextlib.suppress(Exception):
                self.loop.run_until_complete(self.km.shutdown_kernel(now=True))
            self.km = None
        with contextlib.suppress(Exception):
            self.loop.close()
        if self._ipc_dir is not None:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
            self._ipc_dir = None

    def __enter__(self) -> KernelWorker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def alive(self) -> bool:
        return self.km is not None and bool(self.loop.run_until_complete(self.km.is_alive()))

    # -- running code ---------------------------------------------------------------------
    def run_code(self, code: str, timeout: float = 60.0) -> None:
        """Run ``code`` silently in the kernel; raise ReportError if it fails."""
        reply = self.loop.run_until_complete(
            self.kc.execute_interactive(
                code, silent=True, store_history=False, timeout=timeout, allow_stdin=False
            )
        )
        content = reply.get("content", {})
        if content.get("status") != "ok":
            raise ReportError(
                "kernel", f"{content.get('ename', 'error')}: {content.get('evalue', '')}"
            )

    def execute(self, nb: Any, timeout: float = 600.0) -> Any:
        """Execute ``nb`` (in place) in the reset kernel; raise ReportError on failure.

        The notebook keeps the outputs up to and including the failing cell (its traceback).
        """
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        if self.km is None:
            self.start()
        try:
            if self.reset_code:
                self.run_code(self.reset_code, timeout=60)
        except Exception:
            self.restart()
        client = NotebookClient(
            nb,
            km=self.km,
            kernel_name=self.kernel_name,
            timeout=timeout,
            allow_errors=False,
            record_timing=False,
            shell_timeout_interval=1,
        )
        client.kc = self.kc
        try:
            self.loop.run_until_complete(client.async_execute())
        except CellExecutionError as err:
            raise ReportError("cell error", _first_line(err)) from None
        except CellTimeoutError:
            self.restart()
            raise ReportError("time-out", f"a cell ran longer than {timeout:g} s") from None
        except DeadKernelError as err:
            self.restart()
            raise ReportError("dead kernel", str(err) or "the kernel died") from None
        except (RuntimeError, TimeoutError) as err:
            if not self.alive():
                self.restart()
                raise ReportError("dead kernel", str(err) or "the kernel died") from None
            raise ReportError("execution", str(err)) from None
        finally:
            self.reports_run += 1
        return nb


def _first_line(err: Exception) -> str:
    """A one-line reason from nbclient's CellExecutionError (its ename: evalue)."""
    ename = getattr(err, "ename", "") or ""
    evalue = getattr(err, "evalue", "") or ""
    if ename:
        return f"{ename}: {evalue}".strip()
    text = str(err).strip().splitlines()
    return text[-1] if text else "a cell raised an error"


def headline_of(nb: Any) -> dict[str, Any] | None:
    """The machine-readable headline a report displayed (see :data:`HEADLINE_MIME`)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if HEADLINE_MIME in data:
                value = data[HEADLINE_MIME]
                return json.loads(value) if isinstance(value, str) else dict(value)
    return None


def prepare_notebook(job: ReportJob, kernel_name: str = "python3") -> Any:
    """The template with the job's parameters injected (papermill's injected cell)."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(job.notebook))  # adds the metadata papermill expects
    nb.metadata.setdefault(
        "kernelspec", {"name": kernel_name, "display_name": "Python 3", "language": "python"}
    )
    nb = parameterize_notebook(nb, job.parameters, kernel_name=kernel_name, language="python")
    if job.title:
        nb.metadata["title"] = job.title
    return nb


def execute_report(
    worker: KernelWorker, job: ReportJob
) -> tuple[Any, str, str | None, dict[str, Any] | None]:
    """Execute one job: ``(notebook, status, error, headline)``; status ``ok`` or ``failed``."""
    nb = prepare_notebook(job, worker.kernel_name)
    try:
        worker.execute(nb, timeout=job.timeout)
    except ReportError as err:
        return nb, "failed", str(err), None
    except Exception as err:  # anything else is still this report's failure, not the batch's
        return nb, "failed", f"{type(err).__name__}: {err}", None
    return nb, "ok", None, headline_of(nb)


def write_report(
    nb: Any,
    job: ReportJob,
    status: str,
    *,
    chromium: str | None = None,
) -> tuple[dict[str, str], list[str]]:
    """Write a report's files atomically; returns ``(files, notes)``.

    ``ok``: ``<stem>.ipynb``, ``<stem>.html``, ``results.xlsx`` (the report's tables, one
    sheet per section), with ``docx`` and pandoc ``<stem>.docx``, and (with ``pdf`` in
    the formats and a Chromium) ``<stem>.pdf``; a failed notebook left by an earlier run
    is removed.
    ``failed``: only ``<stem>.failed.ipynb`` (with the error), beside any earlier good report,
    which stays as it was.
    """
    from smartcity_eval.reports.render import PdfError, find_chromium, html_to_pdf, notebook_to_html

    out = Path(job.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f"{STAGING_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    files: dict[str, str] = {}
    notes: list[str] = []
    try:
        if status != "ok":
            name = f"{job.stem}.failed.ipynb"
            _write_fsync(staging / name, nbformat.writes(nb))
            os.replace(staging / name, out / name)
            files["failed_ipynb"] = name
            return files, notes
        staged: list[tuple[str, str]] = []
        name = f"{job.stem}.ipynb"
        _write_fsync(staging / name, nbformat.writes(nb))
        staged.append(("ipynb", name))
        page = notebook_to_html(nb, job.title, job.extra.get("paper", "a4"))
        if set(job.formats) & {"html", "pdf", "docx", "xlsx"}:
            name = f"{job.stem}.html"
            _write_fsync(staging / name, page)
            staged.append(("html", name))
            staged.extend(write_copies(page, job, staging, notes))
        if "pdf" in job.formats:
            exe = chromium or find_chromium()
            if exe is None:
                notes.append("pdf skipped: no headless Chromium found (install chromium)")
            else:
                name = f"{job.stem}.pdf"
                try:
                    html_to_pdf(staging / f"{job.stem}.html", staging / name, chromium=exe)
                    staged.append(("pdf", name))
                except PdfError as err:
                    notes.append(f"pdf failed: {err}")
        for kind, name in staged:
            os.replace(staging / name, out / name)
            files[kind] = name
        with contextlib.suppress(FileNotFoundError):
            (out / f"{job.stem}.failed.ipynb").unlink()
        return files, notes
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_copies(
    page: str, job: ReportJob, staging: Path, notes: list[str]
) -> list[tuple[str, str]]:
    """Write ``results.xlsx`` and (with ``docx`` in the formats) ``<stem>.docx`` of a
    report's HTML ``page`` into ``staging``; returns the ``(kind, name)`` written."""
    from smartcity_eval.io.excel import write_xlsx
    from smartcity_eval.reports.docx import DocxError, find_pandoc, html_to_docx, report_tables

    staged: list[tuple[str, str]] = []
    write_xlsx(report_tables(page, job.lang), staging / "results.xlsx", digits={})
    staged.append(("xlsx", "results.xlsx"))
    if "docx" in job.formats:
        exe = find_pandoc()
        if exe is None:
            notes.append("docx skipped: pandoc not found (install pandoc)")
        else:
            try:
                html_to_docx(staging / f"{job.stem}.html", staging / f"{job.stem}.docx", pandoc=exe)
                staged.append(("docx", f"{job.stem}.docx"))
            except DocxError as err:
                notes.append(f"docx failed: {err}")
    return staged


def _write_fsync(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


# ------------------------------------------------------------------ worker-process entry points
_WORKER: KernelWorker | None = None


def _kernel_pid() -> int | None:
    """The process id of this worker's kernel, if it runs."""
    km = _WORKER.km if _WORKER is not None else None
    provisioner = getattr(km, "provisioner", None)
    pid = getattr(provisioner, "pid", None)
    if pid is None:
        pid = getattr(getattr(provisioner, "process", None), "pid", None)
    return int(pid) if pid else None


def _on_terminate(signum: int, frame: object) -> None:
    """SIGTERM in a worker: kill its kernel (it leads its own process group) and exit at
    once, leaving nothing behind; the runner has recorded every finished report."""
    import signal

    pid = _kernel_pid()
    if pid is not None:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(Exception):  # a kernel being launched has no recorded pid yet
        import psutil

        for child in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                child.kill()
    if _WORKER is not None and _WORKER._ipc_dir is not None:
        shutil.rmtree(_WORKER._ipc_dir, ignore_errors=True)
    os._exit(128 + signum)


def init_process(kernel_name: str = "python3", cwd: str | None = None) -> None:
    """ProcessPool initializer: start and warm this process's kernel.

    Ctrl-C is the runner's business: a worker ignores SIGINT (the terminal sends it to the
    whole process group, and a worker's traceback would only be noise; it was started with
    SIGINT ignored, :func:`smartcity_eval.reports.control.spawn_context`) and, on SIGTERM,
    kills its kernel and exits (the runner itself kills workers and kernels at once)."""
    global _WORKER
    import atexit
    import signal

    with contextlib.suppress(ValueError):  # not the main thread
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _on_terminate)
    if hasattr(signal, "pthread_sigmask"):  # started with SIGINT held (control.spawn_context);
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # its kernel gets it back
    _quiet_stderr()
    _WORKER = KernelWorker(kernel_name, cwd=cwd)
    try:
        _WORKER.start()
    except Exception:  # reported by run_job, job by job
        _WORKER.km = None
    atexit.register(_shutdown_process)


#: Where a worker and its kernel write their standard error (default: nowhere). Every
#: report's failure reaches the runner as a result; what a dying kernel or nbclient prints
#: while a batch is stopped is noise on the user's terminal.
WORKER_LOG_ENV = "SMARTCITY_EVAL_WORKER_LOG"


def _quiet_stderr() -> None:
    """Point this worker's (and so its kernel's) file descriptor 2 at the file named by
    :data:`WORKER_LOG_ENV`, else at the null device."""
    target = os.environ.get(WORKER_LOG_ENV) or os.devnull
    with contextlib.suppress(OSError):
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 2)
        os.close(fd)


def _shutdown_process() -> None:
    if _WORKER is not None:
        _WORKER.shutdown()


def ping() -> int:
    """A no-op task: submitting one per worker starts (and warms) the workers early."""
    return os.getpid()


def run_job(job: ReportJob, chromium: str | None = None) -> dict[str, Any]:
    """Make one report in this worker process; never raises (a failure is a result)."""
    global _WORKER
    started = time.time()
    t0 = time.perf_counter()
    try:
        if _WORKER is None:
            init_process()
        assert _WORKER is not None
        if _WORKER.km is None:
            _WORKER.start()
        nb, status, error, headline = execute_report(_WORKER, job)
        files, notes = write_report(nb, job, status, chromium=chromium)
    except Exception as err:  # e.g. the kernel cannot start, or the disk is full
        status, error, headline, files, notes = (
            "failed",
            f"{type(err).__name__}: {err}",
            None,
            {},
            [traceback.format_exc(limit=3)],
        )
    return {
        "region": job.region,
        "year": job.year,
        "status": status,
        "error": error,
        "headline": headline,
        "files": files,
        "notes": notes,
        "started": started,
        "duration_s": round(time.perf_counter() - t0, 3),
        "key": job.key,
        "pid": os.getpid(),
    }
