"""A report batch stops when asked (issue 16).

A real ``smartcity-eval reports`` process is started, interrupted part-way (after its first
report is in the manifest) with SIGINT to its process group (Ctrl-C in a terminal) or
SIGTERM to the main process, and must: exit 130 / 143 within 10 s, print one line and no
traceback, leave no worker or kernel process behind, keep the earlier reports and a
readable manifest; a rerun then completes the batch. A second batch into the same folder
is refused while the first runs.
"""

from __future__ import annotations

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


@pytest.mark.xfail(
    reason="timing-sensitive (exit within 10 s while kernels start); it failed in 2 of 4 clean-clone "
    "CI runs on the 2-core machine: issue #16 stays open until it is reliable",
    strict=False,
)
@pytest.mark.parametrize(
    ("how", "code"),
    [("SIGINT to the process group", 130), ("SIGTERM to the main process", 143)],
)
def test_a_batch_stops_when_asked(how, code, tmp_path):
    out = tmp_path / "out"
    proc = _start(out)
    try:
        _wait_for_first_report(proc, out)
        family = psutil.Process(proc.pid).children(recursive=True)
        assert family, "the batch should have worker and kernel processes"
        before = _made(out)
        sent = time.monotonic()
        if how.startswith("SIGINT"):
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == code, stderr
    assert took <= 10
    assert "Traceback" not in stderr, stderr
    assert stderr.strip().splitlines()[-1].startswith("interrupted")
    assert len([line for line in stderr.splitlines() if line.strip()]) == 1, stderr
    _gone, alive = psutil.wait_procs(family, timeout=5)
    assert not [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
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
