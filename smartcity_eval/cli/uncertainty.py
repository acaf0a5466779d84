"""``smartcity-eval uncertainty``: how robust are the ranks: uncertainty, sensitivity, drop-one, coherence.

How robust is a rank to the evaluators' choices (OECD/JRC Handbook step 7, COINr
get_sensitivity)? --what ranks: Monte Carlo over weights, normalisation, aggregation,
imputation and indicator removal; per region and year the nominal, median and 5-95 %
interval of ranks and scores. --what sensitivity: first- and total-order Sobol' indices of
the mean absolute rank shift (and of each region's rank) with bootstrap intervals. --what
dropone: rank changes when each pillar or element is removed. --what coherence: correlations
with parent and index, Cronbach's alpha, flags. --what replications: every replication's
score and rank. The method options set the nominal methods (default: the dataset's);
alternatives none/goalposts/minmax/zscore, arithmetic/geometric, weights +/- 25 % on level
1.
"""

from __future__ import annotations

import argparse

from smartcity_eval.cli.common import (
    EXIT_OK,
    UsageError,
    add_out_argument,
    load,
    parse_list,
    parse_years,
    write_output,
)
from smartcity_eval.cli.options import add_method_options, settings_from_args

#: The analyses of ``--what``.
WHAT = ("ranks", "sensitivity", "dropone", "coherence", "replications")
#: The analyses with a figure (``--plot``).
PLOTTED = ("ranks", "sensitivity", "replications")


def options(p: argparse.ArgumentParser) -> None:
    """The options of the command (the parser adds the positional dataset)."""
    p.add_argument("--what", choices=WHAT, default="ranks")
    p.add_argument("--year", help="year(s) to analyse: 2024, 2022-2024 or 2021,2023 (default all)")
    p.add_argument(
        "--n",
        type=int,
        help="replications (ranks, replications; default 1000) or base sample size N of the "
        "sensitivity design (N (k + 2) runs; default 256)",
    )
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument(
        "--weight-noise",
        type=float,
        default=0.25,
        dest="weight_noise",
        help="relative weight noise, 0.25 = +/- 25 %% (0 = fixed weights)",
    )
    p.add_argument(
        "--weight-level",
        default="1",
        dest="weight_level",
        help="level(s) whose weights get the noise: 1 = pillars, 2 = elements, ... (e.g. 1,2)",
    )
    p.add_argument(
        "--normalise-alternatives",
        dest="normalise_alternatives",
        help="e.g. none,goalposts:1:100,minmax:1:100,zscore:10:2 (the nominal method stays "
        "first; 'none' alone fixes it)",
    )
    p.add_argument(
        "--aggregate-alternatives",
        dest="aggregate_alternatives",
        help="e.g. arithmetic,geometric (per level: arithmetic;1=geometric,2=arithmetic)",
    )
    p.add_argument(
        "--impute-alternatives", dest="impute_alternatives", help="e.g. none,mean,median"
    )
    p.add_argument(
        "--drop-indicator",
        action="store_true",
        dest="drop_indicator",
        help="also remove one indicator (or none) at random in each replication",
    )
    p.add_argument("--code", help="the node whose ranks are analysed (default the index)")
    p.add_argument("--levels", default="1,2", help="dropone: levels removed in turn (default 1,2)")
    p.add_argument(
        "--boot", type=int, default=500, help="sensitivity: bootstrap resamples (default 500)"
    )
    p.add_argument("--method", choices=["pearson", "spearman"], default="pearson", help="coherence")
    p.add_argument("--plot", help="also write a PNG figure (ranks, sensitivity)")
    p.add_argument("--region", help="region highlighted in the figure")
    add_out_argument(p)
    add_method_options(p)


def _ints(text: str, name: str) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in parse_list(text))
    except ValueError:
        raise UsageError(f"{name}: '{text}' is not a list of levels like 1,2") from None


def _check(args: argparse.Namespace) -> None:
    if args.plot and args.what not in PLOTTED:
        raise UsageError(f"--plot: no figure for --what {args.what} (use ranks or sensitivity)")
    if args.n is not None and args.n < 1:
        raise UsageError("--n must be at least 1")
    if not 0 <= args.weight_noise < 1:
        raise UsageError("--weight-noise must be in [0, 1), e.g. 0.25")


def run(args: argparse.Namespace) -> int:
    """Write the analysis table as CSV (and the figure as PNG with ``--plot``)."""
    from smartcity_eval.evaluation import Evaluation
    from smartcity_eval.io.outputs import atomic_write
    from smartcity_eval.robustness.tables import split_alternatives

    _check(args)
    ds = load(args)
    ev = Evaluation(ds, settings_from_args(args, ds))
    table, result = ev.uncertainty(
        args.what,
        years=parse_years(args.year),
        n=args.n,
        seed=args.seed,
        weight_noise=args.weight_noise,
        weight_levels=_ints(args.weight_level, "--weight-level"),
        normalise_alternatives=split_alternatives(args.normalise_alternatives),
        aggregate_alternatives=split_alternatives(args.aggregate_alternatives),
        impute_alternatives=split_alternatives(args.impute_alternatives),
        drop_indicator=args.drop_indicator,
        code=args.code,
        levels=_ints(args.levels, "--levels"),
        n_boot=args.boot,
        method=args.method,
    )
    if args.plot:
        from smartcity_eval.present.plots import figure_png
        from smartcity_eval.present.robustness_figures import uncertainty_figure

        fig = uncertainty_figure(args.what, result, lang=args.lang or ds.lang, region=args.region)
        atomic_write(args.plot, figure_png(fig))
    write_output(table, args)
    return EXIT_OK
