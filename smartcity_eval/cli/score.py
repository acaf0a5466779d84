"""``smartcity-eval score``: score every node for every region and year.

Score every node of the framework for every region and year. Defaults come from the
dataset's [methods]; the method options override them.
"""

from __future__ import annotations

import argparse

from smartcity_eval.cli.common import EXIT_OK, add_out_argument, load
from smartcity_eval.cli.options import add_method_options, settings_from_args

#: The columns ``score`` writes (those the scores have).
COLUMNS = ("region", "year", "code", "score", "rank", "band", "coverage")


def options(p: argparse.ArgumentParser) -> None:
    """The options of the command (the parser adds the positional dataset)."""
    add_out_argument(p)
    add_method_options(p)


def run(args: argparse.Namespace) -> int:
    """Write the scores of the evaluation as CSV."""
    from smartcity_eval.evaluation import Evaluation
    from smartcity_eval.io.outputs import write_csv

    ds = load(args)
    table = Evaluation(ds, settings_from_args(args, ds)).scores
    write_csv(table[[c for c in COLUMNS if c in table.columns]], args.out)
    return EXIT_OK
