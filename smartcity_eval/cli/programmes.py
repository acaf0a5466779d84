"""``smartcity-eval programmes``: the masterplan programme register: realisation per pillar.

Realisation per pillar and overall (programmes running or done out of those due to have
started, as Kebumen reports its outcome dimension), the programmes behind schedule, the
quick wins and every programme's status in one evaluation year (programmes.csv and
programme_status.csv; docs/registers.md). --out FILE.csv writes the table chosen with
--what; --out FILE.xlsx writes every table as its own sheet.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from smartcity_eval.cli.common import EXIT_OK, add_out_argument, load, write_output

TABLES = ("realisation", "behind", "quick_wins", "status")


def register_options(p: argparse.ArgumentParser, tables: tuple[str, ...]) -> None:
    """--region, --year, --what (one of ``tables``, the first by default) and --out."""
    p.add_argument("--region", help="one region (default: every region)")
    p.add_argument("--year", type=int, help="evaluation year (default: the latest)")
    p.add_argument("--what", choices=tables, default=tables[0], help="the table written as CSV")
    add_out_argument(p)


def options(p: argparse.ArgumentParser) -> None:
    """The options of the command (the parser adds the positional dataset)."""
    register_options(p, TABLES)


def latest_year(dataset) -> int:
    """The latest year of the observations or of a register."""
    years = set(dataset.years)
    for table in ("programme_status", "evidence"):
        years |= {int(y) for y in dataset.registers[table]["year"]}
    return max(years) if years else 0


def note_if_absent(dataset, table: str, lang: str) -> None:
    """A note on standard error when the dataset has no ``table``."""
    if dataset.registers[table].empty:
        text = (
            f"catatan: dataset tidak punya {table}.csv; tabel kosong"
            if lang == "id"
            else f"note: the dataset has no {table}.csv; the table is empty"
        )
        print(text, file=sys.stderr)


def write_tables(tables: dict, chosen: str, args: argparse.Namespace, lang: str) -> None:
    """Every table as a sheet of an .xlsx ``--out``, else the ``chosen`` one as CSV."""
    if args.out is not None and str(args.out).lower().endswith(".xlsx"):
        from smartcity_eval.io.excel import write_xlsx

        write_xlsx(tables, args.out, lang=lang)
    else:
        write_output(tables[chosen], args)


def run_register(
    args: argparse.Namespace,
    register: str,
    tables_of: Callable[[Any, int, str | None], dict],
    names: tuple[str, ...],
) -> int:
    """Load the dataset, compute ``tables_of(evaluation, year, region)`` for ``--year``
    (default the latest) and ``--region``, and write the tables ``names`` (``register``:
    the table whose absence is noted)."""
    from smartcity_eval.evaluation import Evaluation

    ds = load(args)
    lang = args.lang or ds.lang
    note_if_absent(ds, register, lang)
    year = args.year if args.year is not None else latest_year(ds)
    tables = tables_of(Evaluation(ds), year, args.region)
    write_tables(
        {k: tables[k].drop(columns="_row", errors="ignore") for k in names}, args.what, args, lang
    )
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Write the register tables."""
    return run_register(args, "programmes", lambda ev, y, r: ev.programmes(y, r), TABLES)
