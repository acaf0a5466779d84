"""The national batch: every annual report of 514 regions x 1 year, on 2 workers.

    .venv/bin/python benchmarks/bench_national.py              # 514 reports (about 10 min)
    .venv/bin/python benchmarks/bench_national.py --regions 40 # a smoke run
    .venv/bin/python benchmarks/bench_national.py --scaling    # batch analysis at 64-514 regions

It writes the synthetic Kominfo-format dataset of ``benchmarks/make_national.py`` (seeded)
into a temporary folder and runs, as a subprocess, the command a user runs::

    smartcity-eval reports DATASET --years 2024 --out OUT --jobs 2 --force --no-progress

It prints the wall time, the CPU time of the command and every process under it (user +
system, read from ``getrusage(RUSAGE_CHILDREN)``: the workers and their kernels are waited
for, so their CPU is counted), both per report, and the peak resident memory (``VmHWM``
of /proc, sampled every 0.2 s) of the main process, of each worker and of each kernel.

``--scaling`` checks that the batch-wide analysis is not quadratic in the number of
regions: in this process, for 64, 128, 257 and 514 regions, the CPU seconds of the batch
data (:func:`smartcity_eval.reports.content.write_cache`: load, score, gaps, agreement,
reproduction) and of the year-wide robustness analysis (uncertainty, sensitivity, drop-one,
coherence, computed once per worker), and one report's share of it (a later region's
robustness, which only selects), with the ratio per doubling (2.0 = linear, 4.0 = quadratic).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _tree(pid: int) -> list[int]:
    """``pid`` and every process under it (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _peak(pid: int) -> tuple[str, int] | None:
    """(kind, VmHWM in KiB) of a process: main, worker or kernel."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    hwm = next(
        (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")), 0
    )
    kind = "kernel" if "ipykernel" in cmd else "main" if "smartcity-eval" in cmd else "worker"
    if "resource_tracker" in cmd or "forkserver" in cmd:
        kind = "helper"
    return kind, hwm


class _Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peaks, self.done = pid, {}, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for p in _tree(self.pid):
                got = _peak(p)
                if got and got[1] >= self.peaks.get(p, ("", 0))[1]:
                    self.peaks[p] = got
            self.done.wait(0.2)


def run_batch(n_regions: int, jobs: int, keep: Path | None) -> int:
    from make_national import make

    work = keep or Path(tempfile.mkdtemp(prefix="bench-national-"))
    try:
        data = work / "national"
        n_obs = make(data, n_regions, (2024,))
        out = work / "reports"
        cmd = [str(BIN / "smartcity-eval"), "reports", str(data), "--years", "2024"]
        cmd += ["--out", str(out), "--jobs", str(jobs), "--force", "--no-progress"]
        print(f"{time.strftime('%Y-%m-%d %H:%M')} UTC; load average {os.getloadavg()[0]:.2f}")
        print(f"dataset: {n_regions} regions x 1 year, {n_obs:,} item scores; {jobs} workers")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        sampler = _Sampler(proc.pid)
        sampler.start()
        stdout, stderr = proc.communicate()
        wall = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        pages = list(out.rglob("report.html"))
        print(f"exit status {proc.returncode}; {len(pages)} report pages")
        if proc.returncode:
            print(stderr.decode(errors="replace")[-2000:])
        n = max(len(pages), 1)
        print(f"wall time:  {wall:8.1f} s  ({wall / n:.2f} s per report)")
        print(f"CPU time:   {cpu:8.1f} s  ({cpu / n:.2f} core-s per report; self + children)")
        print(f"CPU time / {jobs}: {cpu / jobs:8.1f} s  (the wall time on {jobs} idle cores)")
        load = os.getloadavg()
        print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        for kind in ("main", "worker", "kernel"):
            mib = sorted(h / 1024 for k, h in sampler.peaks.values() if k == kind)
            if mib:
                shown = ", ".join(f"{m:.0f}" for m in mib[-4:])
                print(f"peak RSS, {kind} ({len(mib)} process(es)): {shown} MiB")
        return proc.returncode
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def run_scaling() -> int:
    from make_national import make

    import smartcity_eval as se
    from smartcity_eval.reports.content import robustness_of, write_cache

    print(f"{time.strftime('%Y-%m-%d %H:%M')} UTC; load average {os.getloadavg()[0]:.2f}")
    print("regions  batch data  year robustness  one more report's robustness (CPU s)")
    previous = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in (64, 128, 257, 514):
            data = Path(tmp) / f"n{n}"
            make(data, n, (2024,))
            c0 = time.process_time()
            write_cache(se.evaluate(str(data)), Path(tmp) / f"n{n}.cache")
            c_batch = time.process_time() - c0
            ev = se.evaluate(str(data))
            regions = ev.dataset.regions
            c0 = time.process_time()
            robustness_of(ev, regions[0], 2024)
            c_year = time.process_time() - c0
            c0 = time.process_time()
            robustness_of(ev, regions[-1], 2024)
            c_one = time.process_time() - c0
            ratio = ""
            if previous:
                ratio = f"   x{c_batch / previous[0]:.1f}  x{c_year / previous[1]:.1f}"
            print(f"{n:7d}  {c_batch:10.2f}  {c_year:15.2f}  {c_one:10.3f}{ratio}")
            previous = (c_batch, c_year)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=514)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the dataset and reports here")
    parser.add_argument("--scaling", action="store_true", help="batch analysis vs regions")
    args = parser.parse_args(argv)
    if args.scaling:
        return run_scaling()
    return run_batch(args.regions, args.jobs, args.keep)


if __name__ == "__main__":
    sys.exit(main())
