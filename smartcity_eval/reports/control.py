"""Stopping and guarding a report batch: signals, worker clean-up, the folder lock.

- SIGINT (Ctrl-C, to the process group or the main process) and SIGTERM raise
  :class:`BatchInterrupted` in the runner's main thread; the runner stops starting reports,
  kills its workers and their kernels at once (:func:`stop_workers`) and the command exits
  130 or 143 with one line. Workers start with SIGINT ignored (:func:`spawn_context`), so
  a Ctrl-C to the process group reaches the runner only. The manifest is saved after every
  finished report, so the earlier reports stay listed.
- ``<out>/<dataset>/.batch.lock`` holds the running batch's pid; a second batch into the
  same folder is refused with a message naming it; a lock whose process is gone is taken over.
- Worker processes start without re-running the caller's script (``spawn`` would import a
  plain script's ``__main__`` file in every worker).
"""

from __future__ import annotations

import contextlib
import multiprocessing.context as mp_context
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.reports import manifest as mf

__all__ = [
    "LOCK_NAME",
    "BatchInterrupted",
    "stop_on_signals",
    "main_not_reimported",
    "acquire_lock",
    "release_lock",
    "stop_workers",
    "spawn_context",
    "report_memory",
    "check_memory",
]

#: The lock file that keeps a second batch out of an output folder while one runs.
LOCK_NAME = ".batch.lock"


class BatchInterrupted(KeyboardInterrupt):
    """A batch stopped by SIGINT (Ctrl-C) or SIGTERM; ``exit_code`` is 128 + the signal
    (130, 143). Every report finished before it is in place and in the manifest."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_code = 128 + signum


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """While a batch runs in the main thread, SIGINT and SIGTERM raise BatchInterrupted
    (once: a second signal during the clean-up is ignored)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    hit: list[int] = []

    def handler(signum: int, frame: object) -> None:
        if hit:
            return
        hit.append(signum)
        raise BatchInterrupted(signum)

    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


@contextlib.contextmanager
def main_not_reimported() -> Iterator[None]:
    """Start worker processes without re-running the caller's script: a ``spawn`` child
    imports the ``__main__`` file of a plain script (one without an
    ``if __name__ == "__main__":`` guard would run again in every worker). The workers only
    need this package, so the script's path is hidden from them while they start."""
    main = sys.modules.get("__main__")
    hidden = (
        main is not None and getattr(main, "__spec__", None) is None and "__file__" in main.__dict__
    )
    saved = main.__dict__.pop("__file__") if hidden else None  # type: ignore[union-attr]
    try:
        yield
    finally:
        if hidden:
            main.__dict__["__file__"] = saved  # type: ignore[union-attr]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - another user's process
        return True
    return True


def acquire_lock(root: Path) -> Path:
    """Create ``root/.batch.lock`` (pid, start time, command); refuse while another live
    batch holds it; a lock whose process is gone (a killed run) is taken over."""
    import json

    lock = root / LOCK_NAME
    info = {"pid": os.getpid(), "started": mf.now_iso(), "argv": sys.argv[:6]}
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                held = json.loads(lock.read_text(encoding="utf-8"))
                pid = int(held.get("pid", 0))
            except (OSError, ValueError, TypeError, AttributeError):
                held, pid = {}, 0
            if pid and pid != os.getpid() and _pid_alive(pid):
                raise DataError(
                    Problem(
                        str(lock),
                        None,
                        None,
                        f"another batch (process {pid}, started {held.get('started', '?')}: "
                        f"{' '.join(map(str, held.get('argv', [])))}) is writing reports into "
                        f"{root}",
                        "wait until it has finished, or give another --out folder",
                        f"batch lain (proses {pid}, mulai {held.get('started', '?')}) sedang "
                        f"menulis laporan ke {root}",
                        "tunggu sampai selesai, atau berikan folder --out lain",
                    )
                ) from None
            with contextlib.suppress(OSError):
                lock.unlink()  # stale: its process is gone
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(info, handle)
        return lock
    raise DataError(  # pragma: no cover - a race lost twice
        Problem(str(lock), None, None, "cannot create the lock file", "try again")
    )


def release_lock(lock: Path) -> None:
    import json

    with contextlib.suppress(OSError, ValueError):
        if json.loads(lock.read_text(encoding="utf-8")).get("pid") == os.getpid():
            lock.unlink()


def stop_workers(pool: Any, timeout: float = 3.0) -> None:
    """Cancel what has not started and kill every worker and kernel at once (SIGKILL: a
    report cut short has nothing to save, its files are staged and only moved into place
    when complete), then wait until they are gone (at most ``timeout`` s), so that no
    worker or kernel outlives the batch.

    Nothing here waits for a worker to react: a worker busy in C code (writing a page,
    drawing a figure) runs no Python signal handler until it returns, which took seconds
    on a loaded machine. Each kernel leads its own process group (jupyter_client starts it
    in a new session) and is killed with it; a kernel launched at that very moment, not yet
    a known child, is found by its ``JPY_PARENT_PID``."""
    import psutil

    processes = list((getattr(pool, "_processes", None) or {}).values())
    workers: list[Any] = []
    kernels: list[Any] = []
    for process in processes:
        with contextlib.suppress(psutil.Error, ValueError, TypeError):
            worker = psutil.Process(process.pid)
            workers.append(worker)
            kernels += worker.children(recursive=True)
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)
    for proc in workers:  # first, so that no worker sees its kernel die and restarts it
        with contextlib.suppress(psutil.Error):
            proc.kill()
    for proc in kernels:
        _kill_group(proc)
    _kill_orphan_kernels({w.pid for w in workers})
    _wait_gone(workers + kernels, timeout)


def _kill_group(proc: Any) -> None:
    """SIGKILL ``proc`` and, if it leads a process group other than ours, the group."""
    import psutil

    with contextlib.suppress(psutil.Error, OSError):
        pgid = os.getpgid(proc.pid)
        if pgid == proc.pid and pgid != os.getpgid(0):
            os.killpg(pgid, signal.SIGKILL)
    with contextlib.suppress(psutil.Error):
        proc.kill()


def _wait_gone(processes: list[Any], timeout: float) -> list[Any]:
    """Wait until every process has ended (a zombie has: only its parent's wait is left);
    returns those still running after ``timeout`` seconds."""
    import time

    import psutil

    def running(proc: Any) -> bool:
        try:
            return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    deadline = time.monotonic() + timeout
    alive = [p for p in processes if running(p)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.02)
        alive = [p for p in alive if running(p)]
    return alive


def _kill_orphan_kernels(worker_pids: set[int]) -> None:
    """Kill kernels started by these (now gone) workers that outlived them: a kernel
    launched at the moment its worker was stopped (jupyter_client gives each kernel its
    parent's pid in ``JPY_PARENT_PID``)."""
    import psutil

    wanted = {str(pid) for pid in worker_pids}
    if not wanted:
        return
    me = os.getuid() if hasattr(os, "getuid") else None
    for proc in psutil.process_iter(["uids"]):
        with contextlib.suppress(psutil.Error, AttributeError):
            if me is not None and proc.info["uids"] and proc.info["uids"].real != me:
                continue
            if proc.environ().get("JPY_PARENT_PID") in wanted:
                _kill_group(proc)


class _QuietSpawnProcess(mp_context.SpawnProcess):
    """A spawned worker that starts with SIGINT ignored (see :func:`spawn_context`)."""

    def start(self) -> None:
        with _sigint_held_for_children():
            super().start()


class _QuietSpawnContext(mp_context.SpawnContext):
    Process = _QuietSpawnProcess


def spawn_context() -> Any:
    """The ``spawn`` multiprocessing context of the report workers, whose processes start
    with SIGINT ignored: a Ctrl-C in the terminal goes to the whole process group, and a
    worker still importing its modules (seconds, before
    :func:`smartcity_eval.reports.worker.init_process` runs) would die of it with a
    KeyboardInterrupt traceback. The runner alone stops the batch."""
    return _QuietSpawnContext()


@contextlib.contextmanager
def _sigint_held_for_children() -> Iterator[None]:
    """While a child process is started from the main thread: SIGINT ignored (a child
    inherits an ignored signal through exec) and blocked, so that a Ctrl-C in that instant
    is not lost for this process (Linux keeps a blocked signal pending even while it is
    ignored; it is handled once the handler is back and the signal unblocked)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


#: Measured by ``benchmarks/bench_report_memory.py`` (2 Dec 2026 14:23 UTC, load average
#: 1.1-2.4; one report, ``--jobs 1``, synthetic trees of 10-2,000 indicators, 30 and 120
#: regions x 2 years). The process tree (the command, its worker, the worker's kernel) holds
#: 425 MiB at 10 indicators (the fixed part: interpreters, pandas, matplotlib), of which the
#: command 148 MiB and the kernel 144 MiB. Above that the memory is linear in the *values*
#: (indicator x region x year: the batch analyses the whole dataset once and every report
#: reads it): the command's peak grows by 3.1-3.3 KiB per value, the kernel's by 2.4-2.6
#: KiB (4x the regions at 1,000 indicators: 4x the growth); per doubling of the indicators
#: the tree grows 2.10, 2.10 and 1.69x (linear). The two peaks do not fall at the same time
#: (the tree's sampled peak is 4.5-5.3 KiB per value); the estimate adds them anyway, a first
#: margin, and multiplies by ``_MARGIN``. A further worker adds a worker and a kernel (the
#: tree less the command: about 265 MiB) and the kernel's slope.
_FIXED = 430 * 2**20
_PER_VALUE = (3.4 + 2.7) * 2**10
_FIXED_WORKER = 280 * 2**20
_PER_VALUE_WORKER = 2.7 * 2**10
#: Values per indicator assumed when the number of values is not given: the benchmark's
#: 30 regions x 2 years (a slope of 366 KiB per indicator).
_VALUES_PER_INDICATOR = 60
#: The estimate is the sum of the peaks times this (allocator slack, a longer kernel output,
#: a tree whose names and notes are longer than the synthetic ones).
_MARGIN = 1.2


def report_memory(n_indicators: int, n_values: int | None = None, n_workers: int = 1) -> float:
    """Estimated peak bytes of a report batch: ``_MARGIN x (fixed + per value x values)``
    with one worker (430 MiB + 6.1 KiB per value, times 1.2), plus ``_MARGIN x (worker
    fixed + worker per value x values)`` (280 MiB + 2.7 KiB per value) for each further one (constants measured by ``benchmarks/bench_report_memory.py`` on 2 Dec
    2026, quoted above). ``n_values``: the observations (indicator x region x year, every
    year and region of the dataset); default ``n_indicators x 60`` (the benchmark's 30
    regions x 2 years). Linear in the indicators and in the values: the analysis holds no
    indicator x indicator table (issue 16)."""
    values = float(n_indicators * _VALUES_PER_INDICATOR if n_values is None else n_values)
    first = _FIXED + _PER_VALUE * values
    more = (_FIXED_WORKER + _PER_VALUE_WORKER * values) * (max(1, n_workers) - 1)
    return _MARGIN * (first + more)


def check_memory(
    n_indicators: int, n_workers: int, file: str | None, *, n_values: int | None = None
) -> None:
    """Refuse a batch whose reports would exhaust the memory available now (DataError):
    :func:`report_memory` above 80 % of ``psutil.virtual_memory().available``."""
    import psutil

    need = report_memory(n_indicators, n_values, n_workers)
    values = n_indicators * _VALUES_PER_INDICATOR if n_values is None else n_values
    available = float(psutil.virtual_memory().available)
    if need <= 0.8 * available:
        return
    gb = 1e9
    raise DataError(
        Problem(
            file,
            None,
            None,
            f"the reports of {n_indicators} indicators need about {need / gb:.1f} GB "
            f"({values} values) with {n_workers} worker(s), more than the "
            f"{available / gb:.1f} GB available",
            "use --jobs 1, report a smaller framework (--framework), or run on a machine "
            "with more memory",
            f"laporan untuk {n_indicators} indikator memerlukan sekitar {need / gb:.1f} GB "
            f"({values} nilai) dengan {n_workers} pekerja, lebih dari {available / gb:.1f} GB yang tersedia",
            "gunakan --jobs 1, laporkan kerangka yang lebih kecil (--framework), atau "
            "jalankan di mesin dengan memori lebih besar",
        )
    )
