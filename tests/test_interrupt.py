"""A report batch stops when asked (issue 16).

A real ``smartcity-eval reports`` process is started, interrupted part-way (after its first
report is in the manifest) with SIGINT to its process group (Ctrl-C in a terminal) or
SIGTERM to the main process, and must: exit 130 / 143 within 10 s, print one line and no
traceback, leave no worker or kernel process behind (none of those it had, and no kernel
that names one of them as its parent), keep the earlier reports and a readable manifest;
a rerun then completes the batch. Ctrl-C while the workers are still starting is the same.
A second batch into the same folder is refused while the first runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def _command(out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "smartcity_eval",
        "reports",
        "kutai_timur",
        "--years",
        "2024",
        "--regions",
        "Kabupaten Berau,Kabupaten Kutai Barat,Kabupaten Kutai Kartanegara,Kabupaten Kutai Timur",
        "--jobs",
        "1",
        "--no-progress",
        "--out",
        str(out),
    ]


def _manifest(out: Path) -> dict | None:
    path = out / "kutai_timur" / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _made(out: Path) -> list[dict]:
    data = _manifest(out) or {}
    return [r for r in data.get("reports", []) if r.get("status") == "ok"]


def _start(out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        _command(out),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal job
    )


def _wait_for_first_report(proc: subprocess.Popen, out: Path, limit: float = 240) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if _made(out):
            return
        if proc.poll() is not None:
            pytest.fail(f"the batch ended before it was interrupted: {proc.communicate()}")
        time.sleep(0.2)
    proc.kill()
    pytest.fail("no report was made in time")


def _running(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those still running (a zombie is not: only its parent's wait is left)."""
    alive = []
    for proc in processes:
        with contextlib.suppress(psutil.Error):
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(proc)
    return alive


def _kernels_of(pids: set[int]) -> list[psutil.Process]:
    """Running kernels launched by any of these processes (jupyter_client gives each kernel
    its parent's pid in JPY_PARENT_PID), known or not when the signal was sent."""
    wanted = {str(pid) for pid in pids}
    found = []
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if proc.environ().get("JPY_PARENT_PID") in wanted:
                found.append(proc)
    return _running(found)


def _interrupt(proc: subprocess.Popen, how: str) -> tuple[str, float, list[psutil.Process]]:
    """Send the signal; the process's stderr, the seconds it took to end, its family."""
    family = psutil.Process(proc.pid).children(recursive=True)
    sent = time.monotonic()
    try:
        if how.startswith("SIGINT"):
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the group
        else:
            os.kill(proc.pid, signal.SIGTERM)
        _stdout, stderr = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    return stderr, time.monotonic() - sent, family


def _assert_stopped(proc: subprocess.Popen, code: int, stderr: str, took: float, family) -> None:
    assert proc.returncode == code, stderr
    assert took <= 10
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("interrupted"), stderr
    psutil.wait_procs(family, timeout=5)
    assert not _running(family)
    assert not _kernels_of({proc.pid} | {p.pid for p in family})


@pytest.mark.parametrize(
    ("how", "code"),
    [("SIGINT to the process group", 130), ("SIGTERM to the main process", 143)],
)
def test_a_batch_stops_when_asked(how, code, tmp_path):
    out = tmp_path / "out"
    proc = _start(out)
    try:
        _wait_for_first_report(proc, out)
        before = _made(out)
        assert psutil.Process(proc.pid).children(recursive=True), "workers and kernels"
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    stderr, took, family = _interrupt(proc, how)
    _assert_stopped(proc, code, stderr, took, family)
    # the earlier reports and the manifest are intact
    manifest = _manifest(out)
    assert manifest is not None
    root = out / "kutai_timur"
    for entry in before:
        for rel in entry["files"].values():
            assert (root / rel).is_file(), rel
    assert not (root / ".batch.lock").exists()
    # a rerun completes the batch, skipping what was made
    done = subprocess.run(_command(out), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert len(_made(out)) == len((_manifest(out) or {})["reports"])
    assert len(_made(out)) > len(before)


def _children(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children()
    except psutil.Error:
        return []


def _sigint(pid: int) -> str:
    """How a process takes SIGINT now (Linux /proc): caught, ignored, blocked or default."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return "gone"
    masks = dict(line.split(":\t", 1) for line in status.splitlines() if line.startswith("Sig"))
    for name, field in (("blocked", "SigBlk"), ("ignored", "SigIgn"), ("caught", "SigCgt")):
        if int(masks.get(field, "0"), 16) & (1 << (signal.SIGINT - 1)):
            return name
    return "default"


def _importing(proc: psutil.Process) -> bool:
    """A worker process still in its imports (no kernel yet) that would take a SIGINT: as
    soon as Python catches it (a KeyboardInterrupt traceback), or, where the worker starts
    with SIGINT held, 0.3 s after it started."""
    try:
        if "spawn_main" not in " ".join(proc.cmdline()) or proc.children():
            return False
        how = _sigint(proc.pid)
        return how == "caught" or (how != "default" and time.time() - proc.create_time() > 0.3)
    except psutil.Error:
        return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc")
def test_ctrl_c_while_the_workers_start(tmp_path):
    """Ctrl-C while the worker processes are still starting (importing their modules, the
    kernel not yet up): no worker's KeyboardInterrupt traceback, nothing left."""
    out = tmp_path / "out"
    proc = _start(out)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            if any(_importing(c) for c in _children(proc.pid)):
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"no worker was started: {proc.poll()}")
        assert not _made(out)
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    stderr, took, family = _interrupt(proc, "SIGINT")
    _assert_stopped(proc, 130, stderr, took, family)
    assert not (out / "kutai_timur" / ".batch.lock").exists()


def test_a_second_batch_into_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    proc = _start(out)
    try:
        deadline = time.monotonic() + 120
        lock = out / "kutai_timur" / ".batch.lock"
        while not lock.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert lock.exists()
        second = subprocess.run(
            _command(out), cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert second.returncode == 2
        assert f"another batch (process {proc.pid}" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=30)


def test_a_stale_lock_is_taken_over(tmp_path):
    from smartcity_eval.reports.control import LOCK_NAME, acquire_lock, release_lock

    (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": 2**22 + 12345}), encoding="utf-8")
    lock = acquire_lock(tmp_path)
    assert json.loads(lock.read_text(encoding="utf-8"))["pid"] == os.getpid()
    release_lock(lock)
    assert not lock.exists()
