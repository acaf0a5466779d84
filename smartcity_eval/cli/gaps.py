"""``smartcity-eval gaps``: gap analysis: targets, trajectory, change, peers, strengths, self-assessment, priorities.

Gap analysis of one region (or all) in one evaluation year: gap to the masterplan targets,
trajectory to the final target, change since the previous evaluation and its drivers,
position among peers, strengths and weaknesses, self-assessment vs verified scores, and the
items to improve first. Without --out: a readable table; with --out FILE (or - for standard
output): tidy CSV whose columns are documented in docs/columns.md.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from smartcity_eval.cli.common import (
    EXIT_OK,
    UsageError,
    add_csv_dialect_argument,
    load,
    parse_list,
    write_output,
)
from smartcity_eval.cli.options import add_method_options, settings_from_args

#: What ``--what all`` shows (every analysis but drivers).
GAP_ALL = ("targets", "trajectory", "change", "peers", "strengths", "self", "priorities")


def options(p: argparse.ArgumentParser) -> None:
    """The options of the command (the parser adds the positional dataset)."""
    p.add_argument("--region", help="the region to analyse (default: all regions)")
    p.add_argument("--year", type=int, help="evaluation year (default: the latest)")
    p.add_argument(
        "--what",
        default="all",
        help="comma-separated analyses: targets, trajectory, change, drivers, peers, "
        "strengths, self, priorities, or all (default; every one but drivers)",
    )
    p.add_argument(
        "--top", type=int, default=5, help="strengths, weaknesses and priorities listed (5)"
    )
    p.add_argument(
        "--verified",
        choices=["observations", "consensus"],
        default="observations",
        help="verified item scores: the observations (default) or the assessors' consensus",
    )
    p.add_argument(
        "--depth",
        type=int,
        help="deepest node level shown in the per-node tables (change, drivers, peers, self; "
        "0 = index). Default: 2 in the readable table, every level in the CSV",
    )
    p.add_argument(
        "--out",
        help="output CSV, or .xlsx for a workbook with one sheet per table; '-' for standard "
        "output (default: readable table)",
    )
    add_csv_dialect_argument(p)
    add_method_options(p)


def _what(text: str) -> list[str]:
    from smartcity_eval.analysis.gapset import ANALYSES

    what = parse_list(text) or ["all"]
    unknown = [w for w in what if w not in (*ANALYSES, "all")]
    if unknown:
        raise UsageError(
            f"--what: unknown analysis '{unknown[0]}'; use {', '.join(ANALYSES)} or all"
        )
    return list(GAP_ALL) if "all" in what else what


def _latest_year(dataset) -> int:
    """The latest year scored (observations), else the latest published one."""
    years = dataset.years or sorted({int(y) for y in dataset.published["year"]})
    if not years:
        raise UsageError("--year: the dataset has no years to analyse")
    return int(years[-1])


def _limit_depth(tables: dict[str, pd.DataFrame], framework, depth: int) -> None:
    from smartcity_eval.present.text import PER_NODE

    for key in PER_NODE:
        table = tables[key]
        level = table["code"].map(framework.nodes["depth"])
        tables[key] = table.loc[level.isna() | (level <= depth)]


def run(args: argparse.Namespace) -> int:
    """Write the gap tables as CSV (``--out``) or print them as a readable table."""
    from smartcity_eval.analysis.gapset import combine
    from smartcity_eval.evaluation import Evaluation
    from smartcity_eval.present.text import render_text

    what = _what(args.what)
    if args.top is not None and args.top < 1:
        raise UsageError("--top must be at least 1")
    ds = load(args)
    ev = Evaluation(ds, settings_from_args(args, ds))
    lang = args.lang or ds.lang
    year = args.year if args.year is not None else _latest_year(ds)
    tables = dict(ev.gaps(args.region, year, top=args.top, verified=args.verified))
    fw = ev.framework()
    if args.depth is not None:
        _limit_depth(tables, fw, args.depth)
    if args.out is not None:
        if str(args.out).lower().endswith(".xlsx"):
            from smartcity_eval.io.excel import write_xlsx

            write_xlsx({k: v for k, v in tables.items() if k in what}, args.out, lang=lang)
        else:
            write_output(combine(tables, what), args)
        return EXIT_OK
    frameworks = [fw, ds.framework, *ds.frameworks.values()]
    who = args.region or ("semua daerah" if lang == "id" else "all regions")
    title = f"{ds.title}: {who}, {year}"
    if ds.illustrative:
        title += " [ILUSTRATIF]" if lang == "id" else " [ILLUSTRATIVE DATA]"
    depth = args.depth if args.depth is not None else 2
    sys.stdout.write(render_text(tables, what, frameworks, lang=lang, depth=depth, title=title))
    return EXIT_OK
