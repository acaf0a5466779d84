"""What every command of the command line shares: exit codes, list parsing, loading."""

from __future__ import annotations

import argparse
import inspect
import sys
from types import ModuleType

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.io.dataset import Dataset

__all__ = [
    "EXIT_OK",
    "EXIT_FOUND",
    "EXIT_INPUT",
    "UsageError",
    "parse_list",
    "parse_years",
    "load",
    "missing_table",
    "add_command",
    "add_dataset_argument",
    "add_out_argument",
    "add_csv_dialect_argument",
    "write_output",
]

#: Exit codes: 0 success; 1 the command ran and found a problem it reports (a reproduction
#: mismatch, a failed report); 2 bad input or usage (clear message, no traceback).
EXIT_OK, EXIT_FOUND, EXIT_INPUT = 0, 1, 2


class UsageError(Exception):
    """A bad command-line argument (exit code 2)."""


def parse_list(text: str | None) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``; None or empty -> ``[]``."""
    return [part.strip() for part in text.split(",") if part.strip()] if text else []


def parse_years(text: str | None) -> list[int]:
    """``"2022-2024"`` or ``"2021,2023"`` -> list of years; raises UsageError otherwise."""
    years: list[int] = []
    for part in parse_list(text):
        try:
            if "-" in part[1:]:
                lo, hi = part.split("-", 1)
                years.extend(range(int(lo), int(hi) + 1))
            else:
                years.append(int(part))
        except ValueError:
            raise UsageError(f"--years: '{part}' is not a year or a range like 2022-2024") from None
    return years


def missing_table(path: object, table: str, what: str, what_id: str, columns: str) -> DataError:
    """The error of a command that needs ``table`` (e.g. ``published``) which the dataset at
    ``path`` lacks: ``what``/``what_id`` name its content in English and Indonesian."""
    return DataError(
        Problem(
            str(path),
            None,
            None,
            f"the dataset has no {what} ({table}.csv is absent or empty)",
            f"add {table}.csv with {columns}",
            f"dataset tidak punya {what_id} ({table}.csv tidak ada atau kosong)",
        )
    )


def load(args: argparse.Namespace) -> Dataset:
    """The dataset ``args.dataset`` names; its warnings go to standard error (``validate``
    prints them itself)."""
    from smartcity_eval.io.dataset import load_dataset

    ds = load_dataset(args.dataset)
    if ds.warnings and args.command != "validate":
        lang = getattr(args, "lang", None) or "en"
        for warning in ds.warnings:
            print(warning.format(lang), file=sys.stderr)
    return ds


def add_command(
    sub: argparse._SubParsersAction, module: ModuleType, *, dataset: bool = True
) -> argparse.ArgumentParser:
    """The sub-parser of the command that ``module`` implements (named after the module;
    abbreviated options refused), with the positional ``dataset`` argument unless
    ``dataset=False``. The module's docstring is the help: its first line reads
    ``"``smartcity-eval NAME``: summary."``, the paragraphs after it the description."""
    name = module.__name__.rsplit(".", 1)[1]
    head, _, body = inspect.cleandoc(module.__doc__ or "").partition("\n\n")
    summary = head.split(": ", 1)[-1].rstrip(".")
    description = " ".join(body.split()) or summary
    parser = sub.add_parser(name, help=summary, description=description, allow_abbrev=False)
    if dataset:
        add_dataset_argument(parser)
    return parser


def add_dataset_argument(parser: argparse.ArgumentParser) -> None:
    """The positional ``dataset`` argument of every command."""
    parser.add_argument("dataset", help="dataset folder, or the name of a shipped dataset")


def add_out_argument(parser: argparse.ArgumentParser) -> None:
    """``--out``: where the table goes (default: standard output), and ``--csv-dialect``."""
    parser.add_argument(
        "--out",
        help="output file: .xlsx for an Excel workbook, else CSV (default: standard output)",
    )
    add_csv_dialect_argument(parser)


def add_csv_dialect_argument(parser: argparse.ArgumentParser) -> None:
    """``--csv-dialect en|id|auto``: the CSV for English or Indonesian-locale spreadsheets."""
    parser.add_argument(
        "--csv-dialect",
        choices=("en", "id", "auto"),
        default="en",
        help="CSV separators: en = ',' and '.' decimals (default); id = ';' and ',' decimals "
        "(Indonesian-locale Excel); auto = id with --lang id",
    )


def write_output(frame: object, args: argparse.Namespace) -> None:
    """Write a command's table to ``args.out``: an .xlsx workbook (headers in ``--lang``)
    or CSV in ``--csv-dialect`` (see :mod:`smartcity_eval.io.excel`)."""
    from smartcity_eval.io.excel import write_table

    lang = getattr(args, "lang", None)
    dialect = getattr(args, "csv_dialect", None) or "en"
    if dialect == "auto":
        dialect = "id" if lang == "id" else "en"
    write_table(frame, getattr(args, "out", None), lang=lang, dialect=dialect)  # type: ignore[arg-type]
