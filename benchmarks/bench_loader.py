"""Benchmark of the loader on a national panel (not a test; run by hand).

    .venv/bin/python benchmarks/bench_loader.py           # 514 regions x 10 years x 150
    .venv/bin/python benchmarks/bench_loader.py --quick   # 60 regions

The panel has the shape of benchmarks/bench_scoring.py: 514 regions x 10 years x 150
indicators = 771,000 observations (5 % of the values empty), levels 1-5 with two decimals.
Three spellings of the same observations.csv are timed:

- ``clean``: UTF-8, comma, '.' decimals (the vectorised path end to end);
- ``indonesian``: ';' separators and ',' decimals, with a BOM and CRLF (Excel, Indonesia);
- ``spaces``: clean, but every cell padded with spaces (the trimming path).

For each: ``load_dataset`` (read, every check, typed tables), best of N runs, against a bare
``pandas.read_csv`` of the same file (no checks) as the floor. All three must give the same
observations.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from smartcity_eval import load_dataset  # noqa: E402


def make_dataset(
    folder: Path, n_regions: int, n_years: int = 10, n_indicators: int = 150
) -> pd.DataFrame:
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["code,parent,name,weight,direction,lower,upper", "IDX,,Index,1,,,"]
    rows += [f"P{p},IDX,Pillar {p},1,,," for p in range(5)]
    codes = [f"P{i % 5}.I{i:03d}" for i in range(n_indicators)]
    rows += [f"{c},{c[:2]},Item {c},1,1,1,5" for c in codes]
    (folder / "framework.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "dataset.toml").write_text('title = "loader benchmark"\n', encoding="utf-8")
    rng = np.random.default_rng(2024)
    frame = pd.MultiIndex.from_product(
        [
            [f"Kabupaten Wilayah {r:03d}" for r in range(n_regions)],
            range(2015, 2015 + n_years),
            codes,
        ],
        names=["region", "year", "indicator"],
    ).to_frame(index=False)
    values = np.round(rng.uniform(1, 5, len(frame)), 2)
    values[rng.random(len(frame)) < 0.05] = np.nan
    frame["value"] = values
    return frame


def write_variant(frame: pd.DataFrame, path: Path, variant: str) -> None:
    if variant == "clean":
        frame.to_csv(path, index=False)
    elif variant == "indonesian":
        text = frame.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    elif variant == "spaces":
        padded = frame.astype(str).replace("nan", "")
        padded = " " + padded + " "
        padded.columns = [f" {c} " for c in frame.columns]
        padded.to_csv(path, index=False)


def best_of(runs: int, func) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 regions instead of 514")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    n_regions = 60 if args.quick else 514
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "panel"
        frame = make_dataset(folder, n_regions)
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load}")
        print(f"{len(frame):,} observations ({n_regions} regions x 10 years x 150 indicators)")
        print(
            f"{'variant':<12} {'file MB':>8} {'load_dataset s':>15} {'bare read_csv s':>16} "
            f"{'ratio':>8}"
        )
        reference = None
        for variant in ("clean", "indonesian", "spaces"):
            path = folder / "observations.csv"
            write_variant(frame, path, variant)
            size = path.stat().st_size / 1e6
            sep, dec = (";", ",") if variant == "indonesian" else (",", ".")
            floor, _ = best_of(
                args.runs, lambda p=path, sep=sep, dec=dec: pd.read_csv(p, sep=sep, decimal=dec)
            )
            elapsed, ds = best_of(args.runs, lambda: load_dataset(folder))
            obs = ds.observations[["region", "year", "indicator", "value"]]
            if reference is None:
                reference = obs
            else:
                pd.testing.assert_frame_equal(obs, reference)
            print(
                f"{variant:<12} {size:>8.1f} {elapsed:>15.2f} {floor:>16.2f} "
                f"{elapsed / floor:>7.1f}x"
            )
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"load average at the end {load}; .xlsx: benchmarks/bench_excel.py")


if __name__ == "__main__":
    main()
