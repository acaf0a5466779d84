"""The ``smartcity-eval`` command line: parser, dispatch and error handling.

One module per command (:mod:`~smartcity_eval.cli.validate`, ``score``, ``gaps``,
``reproduce``, ``agreement``, ``uncertainty``, ``reports``), each with its help as the
module docstring, ``options(parser)`` (its arguments) and ``run(args)`` (build an
:class:`~smartcity_eval.evaluation.Evaluation`, call its methods, write the result). Every command that scores shares the method options
of :mod:`smartcity_eval.cli.options`. Abbreviated options are refused everywhere.

Exit codes: 0 success; 1 the command ran and found a problem it reports (a reproduction
mismatch, a failed report); 2 bad input or usage (a DataError, a ParameterError, a bad
argument), with a clear message in ``--lang`` and no traceback (``--debug`` shows one).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from smartcity_eval import __version__
from smartcity_eval.cli import (
    agreement,
    departments,
    evidence,
    gaps,
    programmes,
    reports,
    reproduce,
    score,
    template,
    uncertainty,
    validate,
)
from smartcity_eval.cli.common import EXIT_FOUND, EXIT_INPUT, EXIT_OK, UsageError, add_command
from smartcity_eval.errors import DataError
from smartcity_eval.settings import ParameterError
from smartcity_eval.vocab import LANGS

__all__ = ["main", "build_parser", "COMMANDS", "UsageError", "EXIT_OK", "EXIT_FOUND", "EXIT_INPUT"]

#: command -> its module (``options(parser)``, ``run(args)``, the docstring as help)
COMMANDS: dict[str, ModuleType] = {
    module.__name__.rsplit(".", 1)[1]: module
    for module in (
        validate,
        score,
        reproduce,
        agreement,
        gaps,
        uncertainty,
        reports,
        programmes,
        evidence,
        departments,
    )
}

#: commands that write something new rather than read a dataset (``template``)
TOOLS: dict[str, ModuleType] = {"template": template}


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command (abbreviations off on it and every sub-parser)."""
    parser = argparse.ArgumentParser(
        prog="smartcity-eval",
        description="Evaluate smart-city programmes: validate data, score, analyse gaps, reproduce "
        "published findings, measure assessor agreement and produce annual reports.",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default=None,
        help="language of messages and reports (default: the dataset's)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in [*COMMANDS.values(), *TOOLS.values()]:
        parser_ = add_command(sub, module, dataset=getattr(module, "DATASET_ARGUMENT", True))
        module.options(parser_)
    return parser


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse ``argv``; the global options may also follow the command
    (``smartcity-eval score DS --lang id --debug``)."""
    args, rest = parser.parse_known_args(argv)
    extra = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    extra.add_argument("--debug", action="store_true")
    extra.add_argument("--lang", choices=LANGS)
    late, unknown = extra.parse_known_args(rest)
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    args.debug = args.debug or late.debug
    args.lang = late.lang or args.lang
    return args


def _data_error(err: DataError, lang: str) -> None:
    print(err.format(lang), file=sys.stderr)
    n = len(err.problems)
    if lang == "en":
        print(f"{n} problem{'s' if n != 1 else ''} found.", file=sys.stderr)
    else:
        print(f"{n} masalah ditemukan.", file=sys.stderr)


def _dispatch(args: argparse.Namespace) -> int:
    """Run the command; turn the errors of bad input into a message and exit code 2."""
    lang = args.lang or "en"
    try:
        return {**COMMANDS, **TOOLS}[args.command].run(args)
    except DataError as err:
        if args.debug:
            raise
        _data_error(err, lang)
    except ParameterError as err:
        if args.debug:
            raise
        text = err.message_id() if lang == "id" else str(err)
        print(f"smartcity-eval {args.command}: {text}", file=sys.stderr)
    except UsageError as err:
        if args.debug:
            raise
        print(f"smartcity-eval {args.command}: {err}", file=sys.stderr)
    except OSError as err:  # e.g. --out in a folder that cannot be written
        if isinstance(err, BrokenPipeError):
            return EXIT_OK
        if args.debug:
            raise
        where = f": {err.filename}" if err.filename else ""
        print(f"smartcity-eval {args.command}: {err.strerror or err}{where}", file=sys.stderr)
    return EXIT_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    parser = build_parser()
    args = _parse(parser, list(sys.argv[1:] if argv is None else argv))
    from smartcity_eval.reports.control import stop_on_signals

    try:
        with stop_on_signals():  # SIGTERM too, from the start: 143 with the same one line
            return _dispatch(args)
    except KeyboardInterrupt as err:  # Ctrl-C; a batch's BatchInterrupted carries 130/143
        print("interrupted; earlier outputs are left as they were", file=sys.stderr)
        return int(getattr(err, "exit_code", 130))


def _entry() -> None:  # pragma: no cover
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
