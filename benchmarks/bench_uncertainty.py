"""Benchmark of the Monte Carlo uncertainty analysis (issue 8).

A national-scale panel: 514 regions (Indonesia's regencies and cities) x 150 indicators
in a 4-level tree (index -> 6 pillars -> 30 elements -> 150 indicators, 5 per element,
unequal pillar weights, some indicators with direction -1), one year, about 3 % missing
values; synthetic, generated here with a seeded factor model.

For each scenario it times, in the same run:

* the vectorised analysis (:func:`smartcity_eval.robustness.uncertainty.uncertainty_analysis`:
  preparation, draws, all replications, ranks, summary table), ``--n`` replications;
* the plain loop that calls :func:`smartcity_eval.scoring.engine.score` once per replication
  (:func:`smartcity_eval.robustness.uncertainty.plain_loop`) on the first ``--loop-n`` of the same
  draws, and checks that both give the same scores (relative 1e-12) and ranks.

Usage::

    .venv/bin/python benchmarks/bench_uncertainty.py [--n 1000] [--loop-n 30] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity_eval import load_framework
from smartcity_eval.robustness.uncertainty import Choices, plain_loop, uncertainty_analysis


def national_panel(
    n_regions: int = 514,
    pillars: int = 6,
    elements: int = 5,
    items: int = 5,
    seed: int = 0,
    missing: float = 0.03,
):
    """A synthetic national panel: (observations, framework)."""
    rng = np.random.default_rng(seed)
    rows = ["code,parent,name,weight,direction,lower,upper", "IDX,,Index,1,,,"]
    codes, dirs = [], []
    for p in range(pillars):
        rows.append(f"P{p},IDX,Pillar {p},{1 + p % 3},,,")
        for e in range(elements):
            rows.append(f"P{p}.E{e},P{p},Element {p}.{e},1,,,")
            for i in range(items):
                code = f"P{p}.E{e}.{i:02d}"
                d = -1 if (p + e + i) % 7 == 0 else 1
                rows.append(f"{code},P{p}.E{e},Item {code},1,{d},0,100")
                codes.append(code)
                dirs.append(d)
    folder = Path(tempfile.mkdtemp(prefix="bench_uncertainty_"))
    (folder / "framework.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    fw = load_framework(folder / "framework.csv")
    latent = rng.normal(size=n_regions)
    load = rng.uniform(0.3, 0.9, size=len(codes))
    X = 50 + 15 * (
        latent[:, None] * load * np.array(dirs) + rng.normal(size=(n_regions, len(codes)))
    )
    X = np.clip(X, 0, 100)
    X[rng.random(X.shape) < missing] = np.nan
    regions = [f"R{r:03d}" for r in range(n_regions)]
    obs = pd.DataFrame(
        {
            "region": pd.array(np.repeat(regions, len(codes)), dtype="str"),
            "year": 2024,
            "indicator": pd.array(np.tile(codes, n_regions), dtype="str"),
            "value": X.reshape(-1),
        }
    )
    return obs, fw


SCENARIOS = {
    "weights+normalise+aggregate": Choices(
        normalise=("minmax:1:100", "goalposts:1:100", "rank:1:100"),
        aggregate=("arithmetic", "geometric"),
        weight_noise=0.25,
        weight_levels=(1,),
    ),
    "all five choices": Choices(
        normalise=("minmax:1:100", "goalposts:1:100", "rank:1:100"),
        aggregate=("arithmetic", "geometric"),
        impute=(None, "mean"),
        weight_noise=0.25,
        weight_levels=(1,),
        drop_indicator=True,
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="replications (default 1000)")
    parser.add_argument("--loop-n", type=int, default=30, help="replications of the plain loop")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--regions", type=int, default=514)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many timings")
    args = parser.parse_args(argv)
    obs, fw = national_panel(n_regions=args.regions)
    print(_when())
    print(
        f"panel: {args.regions} regions x {len(fw.indicators)} indicators, "
        f"{len(fw.nodes)} nodes, depth {fw.max_depth}, 1 year; n = {args.n}, "
        f"plain loop on {args.loop_n} of the same draws"
    )
    header = (
        f"{'scenario':<30} {'vectorised':>11} {'per rep':>9} {'loop/rep':>9} "
        f"{'speed-up':>9} {'same?':>6}"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for name, choices in SCENARIOS.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            res = uncertainty_analysis(obs, fw, choices, {}, n=args.n, seed=args.seed)
            res.summary()
            times.append(time.perf_counter() - start)
        total = min(times)
        sub = _subset(res.draws, args.loop_n)
        start = time.perf_counter()
        loop_scores, loop_ranks = plain_loop(obs, fw, res.prep, sub)
        loop_per = (time.perf_counter() - start) / args.loop_n
        same = bool(
            np.allclose(
                res.scores[: args.loop_n], loop_scores, rtol=1e-12, atol=1e-12, equal_nan=True
            )
            and np.array_equal(res.ranks[: args.loop_n], loop_ranks, equal_nan=True)
        )
        ok &= same
        per = total / args.n
        print(
            f"{name:<30} {total:>10.3f}s {per * 1e3:>7.2f}ms {loop_per * 1e3:>7.1f}ms "
            f"{loop_per / per:>8.0f}x {'yes' if same else 'NO':>6}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process {peak:.0f} MiB; {_when()}")
    return 0 if ok else 1


def _when() -> str:
    """The date and the load average (2 shared cores: read the ratios, not the seconds)."""
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load}"


def _subset(draws, n):
    from smartcity_eval.robustness.uncertainty import Draws

    return Draws(
        weights=draws.weights[:n],
        normalise=draws.normalise[:n],
        aggregate=draws.aggregate[:n],
        impute=draws.impute[:n],
        dropped=draws.dropped[:n],
    )


if __name__ == "__main__":
    sys.exit(main())
