"""``smartcity-eval agreement``: inter-assessor agreement per group.

Inter-assessor agreement per group of items: the six Shrout & Fleiss ICCs, Fleiss' kappa,
Krippendorff's alpha (nominal, ordinal, interval, ratio) and exact agreement, with a note
where a statistic is empty. Reads a dataset's assessments table or a single assessments
.csv/.xlsx. The self-assessment (stage 'self') is left out unless --stage names it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from smartcity_eval.cli.common import (
    EXIT_OK,
    UsageError,
    add_out_argument,
    load,
    missing_table,
    parse_list,
    write_output,
)

#: The columns a group may be formed of.
BY = ("region", "year", "indicator")


#: The command declares its own positional argument (a dataset or a CSV file).
DATASET_ARGUMENT = False


def options(p: argparse.ArgumentParser) -> None:
    """The arguments of the command: a dataset or an assessments file, and the grouping."""
    p.add_argument(
        "dataset",
        metavar="DATASET_OR_CSV",
        help="dataset folder (or the name of a shipped dataset), or an assessments .csv/.xlsx",
    )
    p.add_argument(
        "--by",
        default="region,year",
        help="columns among region, year, indicator that form a group, comma-separated "
        "(default region,year); 'none' gives one overall row",
    )
    p.add_argument(
        "--stage",
        help="use only these stages, comma-separated (default: every stage except 'self')",
    )
    add_out_argument(p)


def run(args: argparse.Namespace) -> int:
    """Write the agreement table as CSV."""
    from smartcity_eval.analysis.reliability import agreement
    from smartcity_eval.evaluation import Evaluation
    from smartcity_eval.io.dataset import read_assessments

    by = [] if args.by.strip().lower() in ("", "none", "all") else parse_list(args.by)
    for column in by:
        if column not in BY:
            raise UsageError(f"--by: '{column}' is not one of region, year, indicator (or none)")
    stage = parse_list(args.stage) or None
    path = Path(args.dataset)
    if path.is_file() or path.suffix.lower() in (".csv", ".xlsx"):
        table = agreement(read_assessments(path), by=by, stage=stage)
    else:
        ev = Evaluation(load(args))
        if ev.dataset.assessments.empty:
            raise missing_table(
                ev.dataset.path,
                "assessments",
                "assessor scores",
                "nilai penilai",
                "region, year, indicator, assessor, score",
            )
        table = ev.agreement(by=by, stage=stage)
    write_output(table, args)
    return EXIT_OK
