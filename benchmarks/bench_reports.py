"""How much faster is ``smartcity-eval reports`` than the loop a user would write?

    .venv/bin/python benchmarks/bench_reports.py            # N = 20 reports (about 8 minutes)
    .venv/bin/python benchmarks/bench_reports.py --n 4      # a smoke run
    .venv/bin/python benchmarks/bench_reports.py --phases --n 6   # per-phase split only (CPU s)

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


def _cpu(pid: int | None) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` (Linux /proc), or 0."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _kernel_pid(worker) -> int | None:
    provisioner = getattr(worker.km, "provisioner", None)
    pid = getattr(provisioner, "pid", None) or getattr(
        getattr(provisioner, "process", None), "pid", None
    )
    return int(pid) if pid else None


def run_phases(pairs: list[tuple[str, int]], lang: str, pdf: bool = False) -> None:
    """The per-phase split of the product, in this process with one warm kernel, in CPU
    seconds (this process plus the kernel's, read from /proc: robust to a loaded machine,
    unlike wall time): kernel start (once per worker), the batch data (load, score and
    analyse once per batch), then per report the notebook cell that gathers the report's
    data, the cells that draw figures, the other cells (tables and text), the kernel's
    reset and messaging, the HTML page, the other files (notebook, results.xlsx) and, with
    ``--pdf``, the PDF (Chromium's own CPU not counted: it is a separate process tree)."""
    import smartcity_eval as se
    from smartcity_eval.io.excel import write_xlsx
    from smartcity_eval.reports.content import write_cache
    from smartcity_eval.reports.docx import report_tables
    from smartcity_eval.reports.render import find_chromium, html_to_pdf, notebook_to_html
    from smartcity_eval.reports.runner import plan_reports
    from smartcity_eval.reports.worker import KernelWorker, execute_report

    with tempfile.TemporaryDirectory() as tmp:
        c0 = time.process_time()
        ev = se.evaluate(str(DATASET))
        cache = Path(tmp) / "batch-bench.cache"
        write_cache(ev, cache)
        c_data = time.process_time() - c0
        years = sorted({y for _, y in pairs})
        regions = sorted({r for r, _ in pairs})
        jobs, _ = plan_reports(ev, tmp, years=years, regions=regions, lang=lang, cache=str(cache))
        jobs = [j for j in jobs if (j.region, j.year) in set(pairs)]
        import nbclient
        import nbformat

        _TimedClient.original = nbclient.NotebookClient
        nbclient.NotebookClient = _TimedClient
        c0 = time.process_time()
        worker = KernelWorker(cwd=str(ROOT)).start()
        pid = _kernel_pid(worker)
        c_kernel = time.process_time() - c0 + _cpu(pid)
        chromium = find_chromium() if pdf else None
        rows = []
        try:
            for job in jobs:
                k0, c0 = _cpu(pid), time.process_time()
                nb, status, error, _ = execute_report(worker, job)
                k_exec, c_exec = _cpu(pid) - k0, time.process_time() - c0
                if status != "ok":
                    raise SystemExit(f"report failed: {error}")
                cells = [c for c in nb.cells if c.cell_type == "code"]
                data = sum(_seconds(c) for c in cells if "report_data(" in c.source)
                figures = sum(_seconds(c) for c in cells if _figures(c))
                other = sum(_seconds(c) for c in cells) - figures - data
                n_fig = sum(_figures(c) for c in cells)
                c0 = time.process_time()
                page = notebook_to_html(nb, job.title, "a4")
                c_html = time.process_time() - c0
                c0 = time.process_time()
                nbformat.writes(nb)
                write_xlsx(report_tables(page, job.lang), Path(tmp) / "results.xlsx", digits={})
                c_files = time.process_time() - c0
                c_pdf = 0.0
                if chromium:
                    html = Path(tmp) / "report.html"
                    html.write_text(page, encoding="utf-8")
                    c0 = time.process_time()
                    html_to_pdf(html, Path(tmp) / "report.pdf", chromium=chromium)
                    c_pdf = time.process_time() - c0
                # the kernel's CPU spread over its cells in proportion to their wall time
                wall = max(data + figures + other, 1e-9)
                k_cells = min(k_exec, wall)
                scale = k_cells / wall
                rows.append(
                    (
                        data * scale,
                        figures * scale,
                        other * scale,
                        k_exec - k_cells + c_exec,
                        c_html,
                        c_files,
                        c_pdf,
                        n_fig,
                    )
                )
        finally:
            worker.shutdown()
            nbclient.NotebookClient = _TimedClient.original
    med = [float(sorted(col)[len(col) // 2]) for col in zip(*rows, strict=True)]
    total = sum(med[:7])
    print(f"{time.strftime('%Y-%m-%d %H:%M')}; load average {os.getloadavg()[0]:.2f}")
    print(f"{len(rows)} reports of {DATASET.name}, one warm kernel; CPU seconds (median)")
    print(f"  kernel start and warm-up (once per worker):  {c_kernel:6.2f}")
    print(f"  batch data: load, score, analyse (once):     {c_data:6.2f}")
    print("  per report:")
    print(f"    data (the report_data cell):               {med[0]:6.2f}")
    print(f"    figures ({med[7]:.0f} figures, their cells):         {med[1]:6.2f}")
    print(f"    other cells (tables and text):             {med[2]:6.2f}")
    print(f"    kernel reset and messaging:                {med[3]:6.2f}")
    print(f"    HTML page:                                 {med[4]:6.2f}")
    print(f"    notebook and results.xlsx files:           {med[5]:6.2f}")
    print(f"    PDF (this process; --pdf):                 {med[6]:6.2f}")
    print(f"  per report in all:                           {total:6.2f}")
    share = (c_kernel * 2 + c_data) / 40
    print(f"  with the fixed costs shared by 40 reports on 2 workers: {total + share:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="number of reports (default 20)")
    parser.add_argument("--lang", default="id", choices=["id", "en"])
    parser.add_argument("--jobs", type=int, default=None, help="reports --jobs (default: CPUs)")
    parser.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    parser.add_argument("--phases", action="store_true", help="only the per-phase split")
    parser.add_argument("--pdf", action="store_true", help="with --phases: time the PDF too")
    args = parser.parse_args(argv)
    pairs = plan(args.n)
    if args.phases:
        run_phases(pairs, args.lang, pdf=args.pdf)
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
