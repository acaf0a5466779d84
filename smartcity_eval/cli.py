"""The ``smartcity-eval`` command line: a thin shell over the public API.

Exit codes (SPEC section 2): 0 success; 1 the command ran and found a problem it reports
(a reproduction mismatch, a failed report); 2 bad input or usage, with a clear message and
no traceback (``--debug`` shows one).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .validation import DataError

EXIT_OK, EXIT_FOUND, EXIT_INPUT = 0, 1, 2


class UsageError(Exception):
    """A bad command-line argument (exit code 2)."""


def _parse_list(text: str | None) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()] if text else []


def _parse_years(text: str | None) -> list[int]:
    """'2022-2024' or '2021,2023' -> list of years."""
    years: list[int] = []
    for part in _parse_list(text):
        try:
            if "-" in part[1:]:
                lo, hi = part.split("-", 1)
                years.extend(range(int(lo), int(hi) + 1))
            else:
                years.append(int(part))
        except ValueError:
            raise UsageError(f"--years: '{part}' is not a year or a range like 2022-2024") from None
    return years


def _load(args: argparse.Namespace, framework: str | None = None):
    from .dataset import load_dataset

    return load_dataset(args.dataset, framework=framework)


# ----------------------------------------------------------------------------- validate
def _add_validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check every table of a dataset",
        description="Check every table of a dataset; print each problem with file, row and column.",
    )
    p.add_argument("dataset", help="dataset folder, or the name of one under data/")


def _cmd_validate(args: argparse.Namespace) -> int:
    ds = _load(args)
    n_obs = len(ds.observations)
    print(
        f"{ds.path}: OK ({len(ds.frameworks)} framework(s), {n_obs} observations, "
        f"{len(ds.regions)} regions, years {', '.join(map(str, ds.years))})"
    )
    return EXIT_OK


# ----------------------------------------------------------------------------- score
def _add_score(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help="score every node for every region and year",
        description="Score every node of the framework for every region and year. "
        "Defaults come from the dataset's [methods]; options override them.",
    )
    p.add_argument("dataset", help="dataset folder, or the name of one under data/")
    p.add_argument(
        "--normalise", choices=["none", "minmax", "zscore", "goalposts", "rank", "target"]
    )
    p.add_argument(
        "--range",
        nargs=2,
        type=float,
        metavar=("LO", "HI"),
        help="minmax output range (default 0 100)",
    )
    p.add_argument(
        "--aggregate",
        help="arithmetic, geometric or harmonic; per level as 1=arithmetic,2=geometric",
    )
    p.add_argument("--scope", choices=["year", "all"])
    p.add_argument("--min-coverage", type=float, dest="min_coverage")
    p.add_argument("--impute", choices=["mean", "median", "group_mean", "last", "interpolate"])
    p.add_argument(
        "--outliers", action="store_true", default=None, help="treat outliers as COINr does"
    )
    p.add_argument(
        "--framework", help="score against another tree (a name under data/frameworks, or a path)"
    )
    p.add_argument("--out", help="output CSV (default: standard output)")


def _cmd_score(args: argparse.Namespace) -> int:
    from .outputs import write_csv
    from .scoring import score_dataset

    ds = _load(args)
    options = {
        k: getattr(args, k)
        for k in ("normalise", "range", "aggregate", "scope", "min_coverage", "impute", "outliers")
        if getattr(args, k) is not None
    }
    table = score_dataset(ds, framework=args.framework, **options)
    columns = [
        c
        for c in ("region", "year", "code", "score", "rank", "band", "coverage")
        if c in table.columns
    ]
    write_csv(table[columns], args.out)
    return EXIT_OK


# ----------------------------------------------------------------------------- agreement
def _add_agreement(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "agreement",
        help="inter-assessor agreement per group",
        description="Inter-assessor agreement per group of items: the six Shrout & Fleiss "
        "ICCs, Fleiss' kappa, Krippendorff's alpha (nominal, ordinal, interval, ratio) and "
        "exact agreement, with a note where a statistic is empty. Reads a dataset's "
        "assessments table or a single assessments .csv/.xlsx. The self-assessment (stage "
        "'self') is left out unless --stage names it.",
    )
    p.add_argument(
        "dataset",
        metavar="DATASET_OR_CSV",
        help="dataset folder (or the name of one under data/), or an assessments .csv/.xlsx",
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
    p.add_argument("--out", help="output CSV (default: standard output)")


def _cmd_agreement(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .agreement import agreement
    from .dataset import read_assessments
    from .outputs import write_csv
    from .validation import Problem

    path = Path(args.dataset)
    if path.is_file() or path.suffix.lower() in (".csv", ".xlsx"):
        table = read_assessments(path)
    else:
        ds = _load(args)
        table = ds.assessments
        if table.empty:
            raise DataError(
                Problem(
                    str(ds.path),
                    None,
                    None,
                    "the dataset has no assessor scores (assessments.csv is absent or empty)",
                    "add assessments.csv with region, year, indicator, assessor, score",
                    "dataset tidak punya nilai penilai (assessments.csv tidak ada atau kosong)",
                )
            )
    by = [] if args.by.strip().lower() in ("", "none", "all") else _parse_list(args.by)
    for column in by:
        if column not in ("region", "year", "indicator"):
            raise UsageError(f"--by: '{column}' is not one of region, year, indicator (or none)")
    write_csv(agreement(table, by=by, stage=_parse_list(args.stage) or None), args.out)
    return EXIT_OK


COMMANDS = {
    "validate": (_add_validate, _cmd_validate),
    "score": (_add_score, _cmd_score),
    "agreement": (_add_agreement, _cmd_agreement),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smartcity-eval",
        description="Evaluate smart-city programmes: validate data, score, analyse gaps, reproduce "
        "published findings, measure assessor agreement and produce annual reports.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    parser.add_argument(
        "--lang",
        choices=["id", "en"],
        default=None,
        help="language of messages and reports (default: the dataset's)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for add, _ in COMMANDS.values():
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    # Global options may also follow the command (smartcity-eval score DS --lang id --debug).
    args, rest = parser.parse_known_args(argv)
    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--debug", action="store_true")
    extra.add_argument("--lang", choices=["id", "en"])
    late, unknown = extra.parse_known_args(rest)
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    args.debug = args.debug or late.debug
    args.lang = late.lang or args.lang
    run = COMMANDS[args.command][1]
    try:
        return run(args)
    except DataError as err:
        if args.debug:
            raise
        print(err.format(args.lang or "en"), file=sys.stderr)
        n = len(err.problems)
        print(
            f"{n} problem{'s' if n != 1 else ''} found."
            if (args.lang or "en") == "en"
            else f"{n} masalah ditemukan.",
            file=sys.stderr,
        )
        return EXIT_INPUT
    except UsageError as err:
        if args.debug:
            raise
        print(f"smartcity-eval {args.command}: {err}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted; earlier outputs are left as they were", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _entry() -> None:  # pragma: no cover
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
