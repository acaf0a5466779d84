"""How much faster is ``smartcity-eval reports`` than the loop a user would write?

    .venv/bin/python benchmarks/bench_reports.py            # N = 20 reports (about 8 minutes)
    .venv/bin/python benchmarks/bench_reports.py --n 4      # a smoke run

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="number of reports (default 20)")
    parser.add_argument("--lang", default="id", choices=["id", "en"])
    parser.add_argument("--jobs", type=int, default=None, help="reports --jobs (default: CPUs)")
    parser.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    args = parser.parse_args(argv)
    pairs = plan(args.n)
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
