"""``smartcity-eval departments``: follow-up per department (tindak lanjut per perangkat daerah).

For one region and year: one row per department (its programmes, how many are realised or
behind schedule, its documents and how many are missing). --out FILE.xlsx writes that
summary and a sheet per department (its programmes with status, the scores of the nodes it
owns, its missing documents); --out FILE.csv writes the summary.
"""

from __future__ import annotations

import argparse

import pandas as pd

from smartcity_eval.cli.common import EXIT_OK, UsageError, add_out_argument, load, write_output
from smartcity_eval.cli.options import add_method_options, settings_from_args
from smartcity_eval.cli.programmes import latest_year, note_if_absent


def options(p: argparse.ArgumentParser) -> None:
    """The options of the command (the parser adds the positional dataset)."""
    p.add_argument("--region", help="the region (default: the only one, or the first)")
    p.add_argument("--year", type=int, help="evaluation year (default: the latest)")
    add_out_argument(p)
    add_method_options(p)


def sheets(result: dict) -> dict[str, pd.DataFrame]:
    """The summary, then one sheet per department (its tables one below the other,
    with a ``table`` column naming each)."""
    out = {"summary": result["summary"]}
    for dept, tables in result["followup"].items():
        parts = [t.assign(table=name) for name, t in tables.items() if not t.empty]
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"table": []})
        frame = frame[["table", *[c for c in frame.columns if c != "table"]]]
        out[dept] = frame.drop(columns="_row", errors="ignore")
    return out


def run(args: argparse.Namespace) -> int:
    """Write the department follow-up."""
    from smartcity_eval.evaluation import Evaluation

    ds = load(args)
    lang = args.lang or ds.lang
    note_if_absent(ds, "programmes", lang)
    regions = ds.regions
    region = args.region or (regions[0] if regions else "")
    if args.region is not None and args.region not in regions:
        from smartcity_eval.errors import did_you_mean

        raise UsageError(
            f"--region: unknown region '{args.region}'; {did_you_mean(args.region, regions)}"
        )
    year = args.year if args.year is not None else latest_year(ds)
    result = Evaluation(ds, settings_from_args(args, ds)).departments(region, year)
    if args.out is not None and str(args.out).lower().endswith(".xlsx"):
        from smartcity_eval.io.excel import write_xlsx

        write_xlsx(sheets(result), args.out, lang=lang)
    else:
        write_output(result["summary"], args)
    return EXIT_OK
