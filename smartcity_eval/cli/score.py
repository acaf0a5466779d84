"""``smartcity-eval score``: score every node for every region and year.

Score every node of the framework for every region and year. Defaults come from the
dataset's [methods]; the method options override them.
"""

from __future__ import annotations

import argparse

from smartcity_eval.cli.common import EXIT_OK, add_out_argument, load, write_output
from smartcity_eval.cli.options import add_method_options, settings_from_args

#: The columns ``score`` writes (those the scores have).
COLUMNS = ("region", "year", "code", "score", "rank", "band", "coverage")


def options(p: argparse.ArgumentParser) -> None:
    """The options of the command (the parser adds the positional dataset)."""
    add_out_argument(p)
    add_method_options(p)


def run(args: argparse.Namespace) -> int:
    """Write the scores of the evaluation as CSV."""
    from smartcity_eval.analysis.peers import RANK_COLUMNS, category_ranks
    from smartcity_eval.evaluation import Evaluation

    ds = load(args)
    ev = Evaluation(ds, settings_from_args(args, ds))
    # the headline tree (dataset.toml [methods] index_framework) unless --framework names one
    table = ev.scores if ev.settings.framework is not None else ev.scores_of(ev.index_framework())
    columns = list(COLUMNS)
    if not ds.region_table.empty:  # ranks within kind and province (regions.csv)
        table = category_ranks(table, ds.region_table)
        columns[columns.index("rank") + 1 : columns.index("rank") + 1] = list(RANK_COLUMNS)
    write_output(table[[c for c in columns if c in table.columns]], args)
    return EXIT_OK
