"""``smartcity-eval reproduce``: recompute every published value and compare.

Recompute every value of published.csv from the dataset's inputs (item scores: observations,
or the assessors' consensus where observations lack them; else the published parts, e.g. a
final index from its published components) and compare within a tolerance. Columns region,
year, code, computed, published, difference, tolerance, status (match, mismatch,
not_computable), note, framework, basis. Published ranks (published_ranks.csv) follow as rows
with status published_only (the rank in ``published``, basis rank_national/rank_province):
facts the dataset cannot recompute. Exit code 1 when a value does not match.
"""

from __future__ import annotations

import argparse
import sys

from smartcity_eval.cli.common import (
    EXIT_FOUND,
    EXIT_OK,
    UsageError,
    add_out_argument,
    load,
    missing_table,
    write_output,
)
from smartcity_eval.cli.options import add_method_options, settings_from_args
from smartcity_eval.vocab import REPRODUCE_MISMATCH


def options(p: argparse.ArgumentParser) -> None:
    """The options of the command (the parser adds the positional dataset)."""
    p.add_argument(
        "--tolerance",
        default="auto",
        help="'auto' (default): half a unit of the published value's last digit plus the "
        "propagated rounding of published inputs; or an absolute tolerance such as 0.01",
    )
    add_out_argument(p)
    add_method_options(p)


def run(args: argparse.Namespace) -> int:
    """Write the reproduction table as CSV and its summary to standard error."""
    from smartcity_eval.analysis.reproduction import (
        check_consensus,
        consensus_summary,
        parse_tolerance,
        summary,
    )
    from smartcity_eval.evaluation import Evaluation

    try:
        tolerance = parse_tolerance(args.tolerance)
    except ValueError as err:
        raise UsageError(f"--tolerance: {err}") from None
    ds = load(args)
    ev = Evaluation(ds, settings_from_args(args, ds))
    lang = args.lang or ds.lang
    if ds.published.empty:
        raise missing_table(
            ds.path, "published", "published values", "nilai terbitan", "region, year, code, score"
        )
    table = ev.reproduce("auto" if tolerance is None else tolerance, published_only=True)
    write_output(table, args)  # published ranks included as published_only rows
    line = summary(table, lang)
    print(line, file=sys.stderr)
    if not ds.assessments.empty and ds.observations["value"].notna().any():
        method = ev.settings.consensus
        print(consensus_summary(check_consensus(ds, method), method, lang), file=sys.stderr)
    return EXIT_FOUND if (table["status"] == REPRODUCE_MISMATCH).any() else EXIT_OK
