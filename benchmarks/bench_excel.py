"""Benchmark of .xlsx input and of the region-spelling check (issue 17; not a test).

    .venv/bin/python benchmarks/bench_excel.py            # 514 regions x 150 indicators
    .venv/bin/python benchmarks/bench_excel.py --quick    # 60 regions, a smoke run

(a) The observations of one year of the national panel (514 regions x 150 indicators =
77,100 rows, 5 % empty; the data of ``bench_loader.py`` with one year) as
``observations.csv`` and as ``observations.xlsx`` (numbers as numbers, written by openpyxl,
which stores each text in its cell), the same with the texts in a shared-strings table (as
Excel saves a workbook), and once more as an .xlsx whose value cells hold a share formatted
as a percentage (``0.00%``: 0.0325 shown 3.25 %, so read as 3.25, the same observations).
``load_dataset`` (every check) on each: the xlsx with the calamine engine, the same xlsx
with openpyxl only (what the loader did before; python-calamine hidden), and the CSV, in
alternating order; printed are the medians and the median of the per-round ratios
xlsx / CSV. All must give identical observations. Last, python-calamine's parse of the
inline-strings xlsx alone (open, parse, values as Python lists; no check, no text): the
floor of the calamine engine, whatever the loader does around it.

(b) ``check_region_spellings`` on 514, 5,000 and 20,000 numbered regions ("Kabupaten
Wilayah 001", ...) plus two real near-duplicates and one region spelled two ways (which
must be found at every size): seconds and microseconds per region (linear: the same per
region at every size).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_loader import make_dataset  # noqa: E402

from smartcity_eval import load_dataset  # noqa: E402
from smartcity_eval.io import xlsx_fast  # noqa: E402
from smartcity_eval.io.checks import check_region_spellings  # noqa: E402


def write_xlsx(frame: pd.DataFrame, path: Path, percent: bool = False) -> None:
    """``frame`` as one sheet ``observations`` (openpyxl write-only: numbers as numbers)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("observations")
    sheet.append(list(frame.columns))
    for region, year, indicator, value in frame.itertuples(index=False, name=None):
        if value != value:  # NaN: an empty cell
            cell: object = None
        elif percent:
            cell = WriteOnlyCell(sheet, value=round(value / 100, 6))
            cell.number_format = "0.00%"
        else:
            cell = float(value)
        sheet.append([region, int(year), indicator, cell])
    book.save(path)


def shared_strings(path: Path) -> None:
    """Rewrite openpyxl's inline strings as a shared-strings table, as Excel saves a
    workbook (each distinct text once, cells holding its number)."""
    with zipfile.ZipFile(path) as archive:
        items = [(i, archive.read(i.filename)) for i in archive.infolist()]
    table: dict[bytes, int] = {}

    def one(match: re.Match) -> bytes:
        number = table.setdefault(match.group(2), len(table))
        return match.group(1) + b' t="s"><v>' + str(number).encode() + b"</v></c>"

    cell = re.compile(rb'(<c r="[A-Z]+[0-9]+"[^>]*?) t="inlineStr"><is><t>(.*?)</t></is></c>')
    extra = {
        "[Content_Types].xml": (
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
        "xl/_rels/workbook.xml.rels": (
            b"</Relationships>",
            b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
            b"</Relationships>",
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in items:
            if info.filename.startswith("xl/worksheets/"):
                data = cell.sub(one, data)
            elif info.filename in extra:
                data = data.replace(*extra[info.filename])
            archive.writestr(info, data)
        strings = b"".join(b"<si><t>" + t + b"</t></si>" for t in table)
        archive.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + strings
            + b"</sst>",
        )


def timed(func) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process, result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def load_openpyxl(folder: Path):
    real = xlsx_fast._calamine
    xlsx_fast._calamine = lambda: None
    try:
        return load_dataset(folder)
    finally:
        xlsx_fast._calamine = real


def calamine_parse(path: Path) -> None:
    """python-calamine's own work on the sheet (open, parse, values as Python lists): the
    floor of the calamine engine, whatever the loader does around it."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        book.get_sheet_by_name("observations").to_python(skip_empty_area=False)
    finally:
        book.close()


def excel_part(n_regions: int, rounds: int, tmp: Path) -> None:
    folders = {name: tmp / name for name in ("csv", "xlsx", "excel", "percent")}
    frame = make_dataset(folders["csv"], n_regions, n_years=1)
    frame.to_csv(folders["csv"] / "observations.csv", index=False)
    for name in ("xlsx", "excel", "percent"):
        folders[name].mkdir()
        for extra in ("framework.csv", "dataset.toml"):
            shutil.copy(folders["csv"] / extra, folders[name] / extra)
        write_xlsx(frame, folders[name] / "observations.xlsx", percent=name == "percent")
    shared_strings(folders["excel"] / "observations.xlsx")
    print(
        f"(a) {len(frame):,} observations ({n_regions} regions x 150 indicators, one year); "
        f"xlsx {(folders['xlsx'] / 'observations.xlsx').stat().st_size / 1e6:.1f} MB, "
        f"CSV {(folders['csv'] / 'observations.csv').stat().st_size / 1e6:.1f} MB"
    )
    runs = {
        "CSV": lambda: load_dataset(folders["csv"]),
        "xlsx, calamine": lambda: load_dataset(folders["xlsx"]),
        "xlsx shared str, calam.": lambda: load_dataset(folders["excel"]),
        "xlsx 0.00%, calamine": lambda: load_dataset(folders["percent"]),
        "xlsx, openpyxl only": lambda: load_openpyxl(folders["xlsx"]),
        "(calamine parse alone)": lambda: calamine_parse(folders["xlsx"] / "observations.xlsx"),
    }
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    reference = None
    for r in range(rounds):
        order = list(runs) if r % 2 == 0 else list(reversed(runs))
        for name in order:
            if name == "xlsx, openpyxl only" and r >= 2:
                continue  # about 35x slower: two rounds are enough
            elapsed, used, ds = timed(runs[name])
            wall[name].append(elapsed)
            cpu[name].append(used)
            if ds is None:
                continue  # the parse alone: no dataset to compare
            obs = ds.observations[["region", "year", "indicator", "value"]]
            if reference is None:
                reference = obs
            pd.testing.assert_frame_equal(obs, reference)
    print(
        f"{'load_dataset of':<24} {'wall s':>7} {'CPU s':>7} "
        f"{'wall / CSV':>11} {'CPU / CSV':>10}   (medians; ratios: median of rounds)"
    )
    for name in runs:
        ratio_wall = [v / c for v, c in zip(wall[name], wall["CSV"], strict=False)]
        ratio_cpu = [v / c for v, c in zip(cpu[name], cpu["CSV"], strict=False)]
        print(
            f"{name:<24} {statistics.median(wall[name]):>7.3f} {statistics.median(cpu[name]):>7.3f} "
            f"{statistics.median(ratio_wall):>11.2f} {statistics.median(ratio_cpu):>10.2f}"
        )
    print(f"same observations in every run ({rounds} rounds)")


def spelling_frame(n: int) -> pd.DataFrame:
    names = [f"Kabupaten Wilayah {r:03d}" for r in range(n)]
    names += ["Kabupaten Kutai Timur", "Kabupaten Kutai Timor", "Kab. Wilayah 007"]
    frame = pd.DataFrame({"region": np.repeat(names, 3), "_row": np.arange(2, 2 + 3 * len(names))})
    frame.attrs["file"] = "observations.csv"
    return frame


def spelling_part(sizes: list[int], rounds: int) -> None:
    print("(b) check_region_spellings, numbered regions (+ 3 names to be found), 3 rows each")
    print(f"{'regions':>8} {'median s':>9} {'us/region':>10} {'errors':>7} {'warnings':>9}")
    for n in sizes:
        frame = spelling_frame(n)
        times, found = [], (0, 0)
        for _ in range(rounds):
            problems: list = []
            warnings: list = []
            elapsed, _, _ = timed(
                lambda f=frame, p=problems, w=warnings: check_region_spellings(f, p, w)
            )
            times.append(elapsed)
            found = (len(problems), len(warnings))
            assert any("'Kab. Wilayah 007'" in p.message for p in problems)
            assert any("'Kabupaten Kutai Timor'" in w.message for w in warnings)
        t = statistics.median(times)
        print(f"{n:>8,} {t:>9.3f} {t / n * 1e6:>10.1f} {found[0]:>7} {found[1]:>9}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 regions, small spelling sizes")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not xlsx_fast.calamine_available():
        sys.exit("python-calamine is not installed: pip install -c constraints.txt python-calamine")
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
        + " ".join(f"{x:.1f}" for x in os.getloadavg())
        + f" on {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory() as tmp:
        excel_part(60 if args.quick else 514, args.rounds, Path(tmp))
    spelling_part([514, 2000] if args.quick else [514, 5000, 20000], 3)
    print("load average at the end " + " ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
