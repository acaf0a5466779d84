"""Benchmark of scoring on a synthetic national panel (not a test; run by hand).

    .venv/bin/python benchmarks/bench_scoring.py            # 514 regions x 10 years x 150
    .venv/bin/python benchmarks/bench_scoring.py --quick    # 60 regions, for a smoke run

The panel: 514 regions x 10 years x 150 indicators in a 4-level tree (index, 5 pillars,
30 sub-pillars, 150 indicators; unequal weights; a fifth of the indicators with direction
-1), 5 % of the values missing; minmax pooled over all years (``scope="all"``), arithmetic
means. 771,000 observations.

(a) In process, from tidy data in memory: the numeric core (``normalise_array`` +
    ``aggregate_array``) against a plain numpy reference written here (the same formulas, a
    loop over the aggregate nodes; best of 4N runs); then, run in turn with the reference N
    times, the cube from the loader's integer codes and from plain text columns,
    ``score_dataset`` on the dataset as loaded (the loader's codes) and ``score()`` on a plain
    text frame (both: tidy table out with rank, band, coverage, raw value and flags), and
    both again with ``columns=["score"]`` (the tidy region, year, code, score table: what
    the reference computes, laid out as a table; ranks, bands and flags not computed); each
    as best / best and as the median of the per-pair ratios. Peak memory: tracemalloc.
(b) The ``smartcity-eval score`` command from CSV files in a temporary folder, against a
    plain pandas script that reads the same files and computes the same scores (read the
    CSV, pivot, minmax, weighted means, rank, write the CSV), each in its own subprocess,
    alternating; the ratio is the median of the per-pair ratios; peak RSS of each child from
    a small launcher (``getrusage(RUSAGE_CHILDREN)``).
Both check that the outputs agree (scores within 1e-9, equal ranks and coverage).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smartcity_eval.io.dataset import load_dataset  # noqa: E402
from smartcity_eval.io.frameworks import load_framework  # noqa: E402
from smartcity_eval.scoring.aggregate import aggregate_array, plan  # noqa: E402
from smartcity_eval.scoring.engine import indicator_cube, score, score_dataset  # noqa: E402
from smartcity_eval.scoring.normalise import normalise_array  # noqa: E402
from smartcity_eval.vocab import TIE_DECIMALS  # noqa: E402


# --------------------------------------------------------------------------- synthetic data
def make_framework_csv(n_pillars: int = 5, n_sub: int = 6, n_ind: int = 5, seed: int = 1) -> str:
    rng = np.random.default_rng(seed)
    rows = ["code,parent,name,weight,direction"]
    rows.append("IDX,,Index,1,")
    k = 0
    for p in range(1, n_pillars + 1):
        rows.append(f"P{p},IDX,Pillar {p},{rng.integers(1, 4)},")
        for s in range(1, n_sub + 1):
            rows.append(f"P{p}.S{s},P{p},Sub-pillar {p}.{s},{rng.integers(1, 4)},")
            for i in range(1, n_ind + 1):
                k += 1
                direction = -1 if k % 5 == 0 else 1
                rows.append(
                    f"P{p}.S{s}.I{i},P{p}.S{s},Indicator {k},{rng.integers(1, 5)},{direction}"
                )
    return "\n".join(rows) + "\n"


def make_observations(
    indicators: list[str], n_regions: int, n_years: int, missing: float = 0.05, seed: int = 2
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    regions = [f"Region {i:03d}" for i in range(n_regions)]
    years = np.arange(2015, 2015 + n_years)
    n_i = len(indicators)
    scale = rng.uniform(1, 1000, size=n_i)
    values = rng.lognormal(mean=0.0, sigma=0.6, size=(n_regions, n_years, n_i)) * scale
    values = np.round(values, 3)
    values[rng.random(values.shape) < missing] = np.nan
    return pd.DataFrame(
        {
            "region": np.repeat(regions, n_years * n_i),
            "year": np.tile(np.repeat(years, n_i), n_regions),
            "indicator": np.tile(indicators, n_regions * n_years),
            "value": values.reshape(-1),
        }
    )


# --------------------------------------------------------------------------- numpy reference
def reference_core(X: np.ndarray, nodes: pd.DataFrame, indicators: list[str]) -> np.ndarray:
    """Plain numpy: pooled minmax with direction, then a weighted mean per aggregate node
    (deepest first) over the children present. X[years, regions, indicators] -> S[..., nodes]."""
    d = nodes.loc[indicators, "direction"].to_numpy(dtype=float)
    xd = X * d
    mn = np.nanmin(xd.reshape(-1, xd.shape[-1]), axis=0)
    mx = np.nanmax(xd.reshape(-1, xd.shape[-1]), axis=0)
    N = (xd - mn) / (mx - mn) * 100.0
    codes = list(nodes.index)
    col = {c: i for i, c in enumerate(codes)}
    S = np.full(X.shape[:-1] + (len(codes),), np.nan)
    for j, c in enumerate(indicators):
        S[..., col[c]] = N[..., j]
    order = nodes[~nodes["is_leaf"]].sort_values("depth", ascending=False).index
    for parent in order:
        kids = [col[c] for c in nodes.index[nodes["parent"] == parent]]
        w = nodes["weight"].to_numpy(dtype=float)[kids]
        V = S[..., kids]
        ok = ~np.isnan(V)
        den = (ok * w).sum(axis=-1)
        num = (np.where(ok, V, 0.0) * w).sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            S[..., col[parent]] = np.where(den > 0, num / den, np.nan)
    return S


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def peak_memory(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


# --------------------------------------------------------------------------- pandas script
PANDAS_SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    import pandas as pd

    folder, out = sys.argv[1], sys.argv[2]
    fw = pd.read_csv(f"{folder}/framework.csv", keep_default_na=False, na_values=[""])
    fw["parent"] = fw["parent"].fillna("")
    fw["direction"] = fw["direction"].fillna(1.0)
    obs = pd.read_csv(f"{folder}/observations.csv")
    wide = obs.pivot(index=["region", "year"], columns="indicator", values="value")
    leaves = fw[~fw["code"].isin(fw["parent"])]
    wide = wide[leaves["code"]] * leaves.set_index("code")["direction"]
    wide = (wide - wide.min()) / (wide.max() - wide.min()) * 100
    scores = {c: wide[c] for c in wide.columns}
    cover = {c: wide[c].notna().astype(float) for c in wide.columns}
    depth = {"": -1}
    for code, parent in zip(fw["code"], fw["parent"]):
        depth[code] = depth[parent] + 1
    fw["depth"] = fw["code"].map(depth)
    weight = fw.set_index("code")["weight"].astype(float)
    for parent in fw.loc[fw["code"].isin(fw["parent"])].sort_values("depth", ascending=False)["code"]:
        kids = list(fw.loc[fw["parent"] == parent, "code"])
        block = pd.concat([scores[k] for k in kids], axis=1, keys=kids)
        w = weight[kids]
        present = block.notna()
        den = present.mul(w, axis=1).sum(axis=1)
        num = block.fillna(0).mul(w, axis=1).sum(axis=1)
        scores[parent] = (num / den).where(den > 0)
        cover[parent] = den / w.sum()
    table = pd.concat(scores, axis=1).stack(future_stack=True).rename("score").to_frame()
    table["coverage"] = pd.concat(cover, axis=1).stack(future_stack=True)
    table.index.names = ["region", "year", "code"]
    table = table.reset_index()
    table["rank"] = table.groupby(["year", "code"])["score"].rank(ascending=False, method="min")
    table["rank"] = table["rank"].astype("Int64")
    table[["region", "year", "code", "score", "rank", "coverage"]].to_csv(out, index=False)
    """
)


# A small launcher measures the child: ru_maxrss of a process forked from THIS (large)
# process would start at this process's own resident size (Linux carries the high-water
# mark across fork and exec), so the measured command is started from a fresh interpreter.
LAUNCHER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "wall = time.perf_counter() - t\n"
    "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "sys.stderr.write(r.stderr.decode()[-2000:] if r.returncode else '')\n"
    "print(wall, rss, r.returncode)\n"
)


def run_child(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, peak RSS in MiB) of that command alone."""
    res = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *cmd], capture_output=True, text=True, check=False
    )
    try:
        wall, rss, code = res.stdout.split()
    except ValueError:
        raise SystemExit(f"launcher failed: {res.stderr}") from None
    if int(code) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{res.stderr}")
    return float(wall), int(rss) / 1024  # Linux: KiB


def compare(ours: pd.DataFrame, theirs: pd.DataFrame) -> str:
    m = ours.merge(theirs, on=["region", "year", "code"], suffixes=("", "_ref"))
    assert len(m) == len(ours) == len(theirs), (len(m), len(ours), len(theirs))
    both = m["score"].notna() & m["score_ref"].notna()
    assert (m["score"].isna() == m["score_ref"].isna()).all()
    diff = float((m.loc[both, "score"] - m.loc[both, "score_ref"]).abs().max())
    assert diff < 1e-9, diff
    # the library's ranks tie scores equal to 9 decimals (vocab.TIE_DECIMALS); the script's
    # pandas ranks tie only exactly equal floats: rank the script's scores with the tie rule
    tied = m["score_ref"].round(TIE_DECIMALS).groupby([m["year"], m["code"]])
    ref_rank = tied.rank(ascending=False, method="min").fillna(-1).astype(int)
    ours = m["rank"].fillna(-1).astype(int)
    assert (ours == ref_rank).all()
    exact = int((ours != m["rank_ref"].fillna(-1).astype(int)).sum())
    assert np.allclose(m["coverage"], m["coverage_ref"], atol=1e-12)
    return (
        f"outputs agree: {len(m):,} rows, max |score difference| {diff:.1e}, coverage equal, "
        f"ranks equal to the script's scores ranked with ties to {TIE_DECIMALS} decimals "
        f"({exact} rank(s) differ from pandas' exact-equality ties)"
    )


def alternate(fns: dict[str, object], repeat: int) -> dict[str, list[float]]:
    """Run each function ``repeat`` times, one after the other in turn (so that all see
    the same machine load); the wall seconds of each run."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def in_process(obs: pd.DataFrame, fw, folder: Path, args: argparse.Namespace) -> None:
    """Part (a): the numeric core and score() against the numpy reference, in memory."""
    opts = dict(normalise="minmax", scope="all", aggregate="arithmetic")
    ds = load_dataset(folder)
    cube = indicator_cube(obs, fw)
    X = cube.values
    d = fw.nodes.loc[fw.indicators, "direction"].to_numpy(dtype=float)
    agg_plan = plan(fw, "arithmetic")
    n_y, n_r, n_i = X.shape

    def core() -> np.ndarray:
        N = normalise_array(X.reshape(1, -1, n_i), "minmax", direction=d).reshape(X.shape)
        return aggregate_array(N, fw, aggregation_plan=agg_plan)

    def ref() -> np.ndarray:
        return reference_core(X, fw.nodes, fw.indicators)

    t_core, S = best_of(core, 4 * args.repeat)
    t_ref, R = best_of(ref, 4 * args.repeat)
    assert np.allclose(S, R, equal_nan=True, atol=1e-9)
    runs = alternate(
        {
            "ref": ref,
            "cube_keys": lambda: indicator_cube(ds.observations, fw, keys=ds.observation_keys),
            "cube_text": lambda: indicator_cube(obs, fw),
            "score_dataset": lambda: score_dataset(ds),
            "score_text": lambda: score(obs, fw, **opts),
            "scores_dataset": lambda: score_dataset(ds, columns=["score"]),
            "scores_text": lambda: score(obs, fw, **opts, columns=["score"]),
        },
        args.repeat,
    )
    best = {k: min(v) for k, v in runs.items()}
    pair = {
        k: float(np.median(np.array(v) / np.array(runs["ref"])))
        for k, v in runs.items()
        if k != "ref"
    }
    table = score_dataset(ds)
    m_dataset = peak_memory(lambda: score_dataset(ds))
    m_text = peak_memory(lambda: score(obs, fw, **opts))
    m_core = peak_memory(core)
    m_ref = peak_memory(ref)
    print(
        f"\n(a) in process, tidy data in memory (best of {4 * args.repeat} runs for the "
        f"cores; {args.repeat} alternating runs of the others with the reference; "
        f"load average {os.getloadavg()[0]:.2f})"
    )
    print(
        f"  core normalise_array + aggregate_array: {t_core * 1e3:8.1f} ms  peak {m_core:6.1f} MiB"
    )
    print(f"  numpy reference core:                   {t_ref * 1e3:8.1f} ms  peak {m_ref:6.1f} MiB")
    print(f"  ratio core / reference:                 {t_core / t_ref:8.2f}")
    print("  x / reference: best / best, and the median of the alternating pairs")
    for name, label in [
        ("cube_keys", "tidy -> cube, the loader's codes:   "),
        ("cube_text", "tidy -> cube, plain text columns:   "),
        ("score_dataset", "score_dataset(loaded dataset):      "),
        ("score_text", "score(), plain text columns:        "),
        ("scores_dataset", "score_dataset(columns=['score']):   "),
        ("scores_text", "score(columns=['score']), text:     "),
    ]:
        print(
            f"  {label}{best[name] * 1e3:8.1f} ms  {best[name] / best['ref']:5.2f}x best, "
            f"{pair[name]:5.2f}x pairs"
        )
    print(
        f"  peak memory: score_dataset {m_dataset:.1f} MiB, score() on text {m_text:.1f} MiB "
        f"({len(table):,} rows with rank, band, coverage, raw, flags)"
    )
    scores_ok = np.allclose(
        table["score"].to_numpy(),
        np.swapaxes(R, 0, 1)[np.swapaxes(cube.present, 0, 1)].reshape(-1),
        equal_nan=True,
        atol=1e-9,
    )
    print(f"  score() agrees with the reference: {scores_ok}")
    assert scores_ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--regions", type=int, default=514)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cli-repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="60 regions, 2 repeats")
    ap.add_argument("--skip-cli", action="store_true")
    ap.add_argument("--cli-only", action="store_true", help="only part (b)")
    args = ap.parse_args()
    if args.quick:
        args.regions, args.repeat, args.cli_repeat = 60, 2, 1
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "national"
        folder.mkdir()
        (folder / "framework.csv").write_text(make_framework_csv(), encoding="utf-8")
        (folder / "dataset.toml").write_text(
            'title = "synthetic national panel"\nillustrative = true\n\n[methods]\n'
            'normalise = "minmax"\nscope = "all"\naggregate = "arithmetic"\n',
            encoding="utf-8",
        )
        fw = load_framework(folder)
        obs = make_observations(fw.indicators, args.regions, args.years)
        obs.to_csv(folder / "observations.csv", index=False)
        n_obs = len(obs)
        print(
            f"panel: {args.regions} regions x {args.years} years x {len(fw.indicators)} indicators "
            f"= {n_obs:,} observations ({obs['value'].isna().mean():.1%} missing); "
            f"{len(fw.nodes)} nodes, depth {fw.max_depth + 1} levels; numpy {np.__version__}, "
            f"pandas {pd.__version__}, {os.cpu_count()} CPUs"
        )

        if not args.cli_only:
            in_process(obs, fw, folder, args)
        if args.skip_cli:
            return
        # ----------------------------------------------------------------- (b) CSV -> CSV
        script = Path(tmp) / "pandas_reference.py"
        script.write_text(PANDAS_SCRIPT, encoding="utf-8")
        ours_csv, ref_csv = Path(tmp) / "ours.csv", Path(tmp) / "ref.csv"
        size = (folder / "observations.csv").stat().st_size / 2**20
        cli = [python, "-m", "smartcity_eval", "score", str(folder), "--out", str(ours_csv)]
        ref_cmd = [python, str(script), str(folder), str(ref_csv)]
        runs_cli, runs_pd = [], []
        for i in range(args.cli_repeat):  # alternating, so both see the same machine load
            pair = [(runs_cli, cli), (runs_pd, ref_cmd)]
            for runs, cmd in pair if i % 2 == 0 else pair[::-1]:
                runs.append(run_child(cmd))
        ratios = sorted(c[0] / r[0] for c, r in zip(runs_cli, runs_pd, strict=True))
        t_cli = float(np.median([r[0] for r in runs_cli]))
        t_pd = float(np.median([r[0] for r in runs_pd]))
        rss_cli, rss_pd = max(r[1] for r in runs_cli), max(r[1] for r in runs_pd)
        print(
            f"\n(b) from CSV files (observations.csv {size:.1f} MiB), one subprocess each, "
            f"{args.cli_repeat} alternating runs; load average {os.getloadavg()[0]:.2f}"
        )
        print(f"  smartcity-eval score:   {t_cli:6.2f} s median  peak RSS {rss_cli:7.1f} MiB")
        print(f"  plain pandas script:    {t_pd:6.2f} s median  peak RSS {rss_pd:7.1f} MiB")
        print(
            f"  ratio (median of the {len(ratios)} pairs): {float(np.median(ratios)):5.2f} "
            f"(pairs {', '.join(f'{r:.2f}' for r in ratios)}); memory ratio {rss_cli / rss_pd:.2f}"
        )
        print("  " + compare(pd.read_csv(ours_csv), pd.read_csv(ref_csv)))


if __name__ == "__main__":
    main()
