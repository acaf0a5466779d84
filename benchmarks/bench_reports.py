"""How much faster is ``smartcity-eval reports`` than the loop a user would write?

    .venv/bin/python benchmarks/bench_reports.py            # N = 20 reports (about 8 minutes)
    .venv/bin/python benchmarks/bench_reports.py --n 4      # a smoke run
    .venv/bin/python benchmarks/bench_reports.py --phases --n 4   # per-phase split only

Both sides produce the same N annual reports of the embedded dataset (``data/kutai_timur``,
regions in alphabetical order, years 2023 and 2024, so N = 20 is ten regions x two years):

* **the plain loop**: for each report, ``papermill notebooks/annual_report.ipynb OUT.ipynb
  -k python3 -p dataset ... -p region ... -p year ...`` then ``jupyter nbconvert --to html
  --no-input OUT.ipynb``, one report after another: a new process, kernel and import of
  everything per report, and every report loads and analyses the dataset itself;
* **the product**: one ``smartcity-eval reports data/kutai_timur --years 2023-2024 --regions
  ... --force`` (parallel warm kernels reset between reports, the dataset analysed once per
  batch, HTML rendered in-process).

It then checks that the two HTML pages of every report show the same numbers (every number
in the text of the report, the provenance section excepted: its time stamp differs), and
prints both times and their ratio. Both sides run as subprocesses, with ``--force`` so that
nothing is skipped. The aim is a ratio of at least 4 on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATASET = ROOT / "data" / "kutai_timur"
NOTEBOOK = ROOT / "notebooks" / "annual_report.ipynb"
YEARS = (2023, 2024)

_IMG = re.compile(r"<img[^>]*>", re.S)
_STYLE = re.compile(r"<style.*?</style>", re.S)
_SCRIPT = re.compile(r"<script.*?</script>", re.S)
_TAG = re.compile(r"<[^>]+>")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def report_numbers(html: str) -> list[str]:
    """Every number in the visible text of a report page, in order, provenance excepted."""
    cut = html.find('id="sec.provenance"')
    body = html[:cut] if cut >= 0 else html
    start = body.find('<div class="sce">')
    body = body[start:] if start >= 0 else body
    for pattern in (_IMG, _STYLE, _SCRIPT):
        body = pattern.sub(" ", body)
    return _NUMBER.findall(_TAG.sub(" ", body))


def plan(n: int) -> list[tuple[str, int]]:
    sys.path.insert(0, str(ROOT))
    from smartcity_eval.io.dataset import load_dataset

    regions = load_dataset(DATASET).regions
    pairs = [(r, y) for r in regions for y in YEARS]
    if n > len(pairs):
        raise SystemExit(f"--n {n}: the dataset has {len(pairs)} region-years in {YEARS}")
    return pairs[:n]


def run_loop(pairs: list[tuple[str, int]], out: Path, lang: str) -> tuple[float, dict]:
    """papermill, then nbconvert, per report, one after another."""
    out.mkdir(parents=True, exist_ok=True)
    pages = {}
    started = time.perf_counter()
    for k, (region, year) in enumerate(pairs):
        executed = out / f"report_{k:02d}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(NOTEBOOK),
                str(executed),
                "-k",
                "python3",
                "-p",
                "dataset",
                str(DATASET),
                "-p",
                "region",
                region,
                "-p",
                "year",
                str(year),
                "-p",
                "lang",
                lang,
                "--no-progress-bar",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(BIN / "jupyter-nbconvert"), "--to", "html", "--no-input", str(executed)],
            check=True,
            capture_output=True,
        )
        pages[(region, year)] = executed.with_suffix(".html")
    return time.perf_counter() - started, pages


def run_product(
    pairs: list[tuple[str, int]], out: Path, lang: str, jobs: int | None
) -> tuple[float, dict]:
    """One `smartcity-eval reports` command for the same reports."""
    regions = sorted({r for r, _ in pairs})
    years = sorted({y for _, y in pairs})
    cmd = [
        str(BIN / "smartcity-eval"),
        "reports",
        str(DATASET),
        "--out",
        str(out),
        "--years",
        ",".join(map(str, years)),
        "--regions",
        ",".join(regions),
        "--lang",
        lang,
        "--force",
        "--no-progress",
    ]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    elapsed = time.perf_counter() - started
    sys.path.insert(0, str(ROOT))
    from smartcity_eval.io.outputs import slugify_all

    slugs = slugify_all(regions)
    pages = {(r, y): out / DATASET.name / slugs[r] / str(y) / "report.html" for r, y in pairs}
    extra = [p for p in pages.values() if not p.is_file()]
    if extra:
        raise SystemExit(f"missing report pages: {extra[:3]}")
    return elapsed, pages


def _seconds(cell: dict) -> float:
    """Execution time of a cell from the timestamps nbclient records."""
    from datetime import datetime

    run = cell.get("metadata", {}).get("execution", {})
    start, end = run.get("iopub.execute_input"), run.get("shell.execute_reply")
    if not start or not end:
        return 0.0
    parse = lambda t: datetime.fromisoformat(t.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def _figures(cell: dict) -> int:
    """Figures a cell shows: images, or SVG/PNG embedded in its HTML output."""
    count = 0
    for o in cell.get("outputs", []):
        for mime, data in o.get("data", {}).items():
            text = data if isinstance(data, str) else "".join(data)
            count += mime.startswith("image/") + text.count("<svg") + text.count("data:image/")
    return count


class _TimedClient:
    """``nbclient.NotebookClient`` with per-cell timing on (the runner turns it off so that
    notebooks are byte-stable); used only by the phase split."""

    def __new__(cls, *args, **kwargs):

        kwargs["record_timing"] = True
        return _TimedClient.original(*args, **kwargs)


def run_phases(pairs: list[tuple[str, int]], lang: str) -> None:
    """The per-phase split of the product, in this process with one warm kernel: kernel
    start (once per worker), the batch data (load, score and analyse once per batch), then
    per report the notebook cells that draw figures, the other cells (tables and text from
    the library), and the HTML rendering. Wall seconds; on a loaded machine, upper bounds
    of the CPU seconds (the kernel is single-threaded)."""
    import smartcity_eval as se
    from smartcity_eval.reports.content import write_cache
    from smartcity_eval.reports.render import notebook_to_html
    from smartcity_eval.reports.runner import plan_reports
    from smartcity_eval.reports.worker import KernelWorker, execute_report

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ev = se.evaluate(str(DATASET))
        cache = Path(tmp) / "batch-bench.pkl"
        write_cache(ev, cache)
        t_data = time.perf_counter() - t0
        years = sorted({y for _, y in pairs})
        regions = sorted({r for r, _ in pairs})
        jobs, _ = plan_reports(ev, tmp, years=years, regions=regions, lang=lang, cache=str(cache))
        jobs = [j for j in jobs if (j.region, j.year) in set(pairs)]
        import nbclient

        _TimedClient.original = nbclient.NotebookClient
        nbclient.NotebookClient = _TimedClient
        t0 = time.perf_counter()
        worker = KernelWorker(cwd=str(ROOT)).start()
        t_kernel = time.perf_counter() - t0
        rows = []
        try:
            for job in jobs:
                t0 = time.perf_counter()
                nb, status, error, _ = execute_report(worker, job)
                t_exec = time.perf_counter() - t0
                if status != "ok":
                    raise SystemExit(f"report failed: {error}")
                figures = sum(_seconds(c) for c in nb.cells if _figures(c))
                cells = sum(_seconds(c) for c in nb.cells)
                n_fig = sum(_figures(c) for c in nb.cells)
                t0 = time.perf_counter()
                notebook_to_html(nb, job.title, "a4")
                t_html = time.perf_counter() - t0
                rows.append((t_exec, cells - figures, figures, n_fig, t_html))
        finally:
            worker.shutdown()
            nbclient.NotebookClient = _TimedClient.original
    print(f"load average {os.getloadavg()[0]:.2f}; {len(rows)} reports, one warm kernel")
    print(f"  kernel start and warm-up (once per worker):  {t_kernel:6.2f} s")
    print(f"  batch data: load, score, analyse (once):     {t_data:6.2f} s")
    med = [float(sorted(col)[len(col) // 2]) for col in zip(*rows, strict=True)]
    print(f"  per report (median): execute {med[0]:.2f} s = cells without figures {med[1]:.2f} s")
    print(
        f"    + cells with figures {med[2]:.2f} s ({med[3]:.0f} figures) + overhead; HTML {med[4]:.2f} s"
    )
    print(f"  per report in all: {med[0] + med[4]:.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="number of reports (default 20)")
    parser.add_argument("--lang", default="id", choices=["id", "en"])
    parser.add_argument("--jobs", type=int, default=None, help="reports --jobs (default: CPUs)")
    parser.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    parser.add_argument("--phases", action="store_true", help="only the per-phase split")
    args = parser.parse_args(argv)
    pairs = plan(args.n)
    if args.phases:
        run_phases(pairs, args.lang)
        return 0
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-reports-"))
    try:
        print(f"{len(pairs)} reports of {DATASET.name}, years {YEARS}, lang {args.lang}")
        print(f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}")
        t_product, product = run_product(pairs, work / "product", args.lang, args.jobs)
        print(f"smartcity-eval reports:        {t_product:8.1f} s")
        t_loop, loop = run_loop(pairs, work / "loop", args.lang)
        print(f"papermill + nbconvert loop:    {t_loop:8.1f} s")
        mismatched = []
        for key in pairs:
            a = report_numbers(product[key].read_text(encoding="utf-8"))
            b = report_numbers(loop[key].read_text(encoding="utf-8"))
            if a != b or len(a) < 50:
                mismatched.append((key, len(a), len(b)))
        if mismatched:
            print(f"DIFFERENT NUMBERS in {len(mismatched)} report(s): {mismatched[:3]}")
            return 1
        n_numbers = len(report_numbers(product[pairs[0]].read_text(encoding="utf-8")))
        print(f"same numbers on every page:    yes ({n_numbers} numbers on the first page)")
        print(f"per report: {t_product / len(pairs):.2f} s vs {t_loop / len(pairs):.2f} s")
        print(f"speed-up:                      {t_loop / t_product:8.1f} x")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
