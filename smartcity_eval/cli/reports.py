"""``smartcity-eval reports``: make the annual report of every region and year (HTML, PDF, Word, Excel).

Execute the annual report notebook for every region and year and write
OUT/<dataset>/<region>/<year>/report.ipynb and report.html (no code cells, figures
embedded), plus OUT/<dataset>/index.html and manifest.json. Reports whose inputs, parameters
and package version are unchanged are skipped (--force remakes them). The global option
--lang id|en sets the language (default: the dataset's). Exit code 1 when a report failed
(the others are still written).

Another template (--notebook) is passed only the parameters it declares in its
'parameters' cell (dataset, region, year, lang, settings, cache as the batch sets them) and
the user's own (-p NAME VALUE, repeatable; a name it does not declare is exit 2). It runs
once per region and year when it declares 'region'; else once per year with --years, else
once for the whole dataset with year = None (every year), e.g.
  smartcity-eval reports kutai_timur --notebook notebooks/reproduce_findings.ipynb
writes OUT/kutai_timur/reproduce_findings/all-years/report.html (--per says it explicitly).
"""

from __future__ import annotations

import argparse

from smartcity_eval.cli.common import (
    EXIT_FOUND,
    EXIT_OK,
    UsageError,
    load,
    parse_list,
    parse_years,
)
from smartcity_eval.cli.options import add_method_options, settings_from_args
from smartcity_eval.vocab import REPORT_PER

#: Output formats of ``--format``.
FORMATS = ("html", "pdf", "docx")


def options(p: argparse.ArgumentParser) -> None:
    """The options of the command (the parser adds the positional dataset)."""
    p.add_argument("--years", help="years, e.g. 2022-2024 or 2021,2023 (default: all)")
    p.add_argument("--regions", help="regions, comma-separated (default: all)")
    p.add_argument("--jobs", type=int, help="reports made in parallel (default: CPUs)")
    p.add_argument("--out", default="reports", help="output folder (default: reports)")
    p.add_argument("--force", action="store_true", help="remake reports that are up to date")
    p.add_argument(
        "--format",
        default="html",
        help="html, pdf, docx or a list such as html,pdf,docx (PDF needs a headless "
        "Chromium, Word needs pandoc; skipped with a message). results.xlsx is always written",
    )
    p.add_argument(
        "--paper",
        choices=("a4", "f4"),
        default="a4",
        help="paper size of the PDF: a4 (default) or f4 (215 x 330 mm)",
    )
    p.add_argument(
        "--timeout", type=float, default=600.0, help="seconds a notebook cell may run (600)"
    )
    p.add_argument(
        "--notebook",
        help="another report template (must have a 'parameters' cell; it gets only the "
        "parameters it declares)",
    )
    p.add_argument(
        "--per",
        choices=REPORT_PER,
        help="run the template once per region and year, per year, or once for the dataset "
        "(year = None: every year); default: region-year when the template declares 'region', "
        "else year with --years, else dataset",
    )
    p.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        dest="parameters",
        help="a template parameter, as papermill -p reads it (True/False/None, a number, "
        'JSON such as [1,2] or "text", else text); repeatable; the template must declare NAME',
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_method_options(p)


def _check_tools(formats: list[str]) -> None:
    """Only tool-made formats asked for and their tool absent: nothing to make (exit 2)."""
    from smartcity_eval.reports.docx import find_pandoc
    from smartcity_eval.reports.render import find_chromium

    missing = {
        "pdf": find_chromium() is None and "pdf" in formats,
        "docx": find_pandoc() is None and "docx" in formats,
    }
    if "html" not in formats and all(missing.get(f, False) for f in formats):
        hint = {
            "pdf": "no headless Chromium found: install chromium (apt-get install chromium) "
            "or set SMARTCITY_CHROMIUM",
            "docx": "pandoc not found: install pandoc (apt-get install pandoc)",
        }
        raise UsageError("--format: " + "; ".join(hint[f] for f in formats))


def _check(args: argparse.Namespace) -> list[str]:
    formats = parse_list(args.format)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UsageError(f"--format: '{args.format}' is not html, pdf, docx or a list of them")
    _check_tools(formats)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    return formats


def user_parameters(pairs: list[list[str]] | None) -> dict[str, object] | None:
    """``-p NAME VALUE`` pairs as a dict (values as papermill's -p reads them); the later
    of two with one name wins, as in papermill."""
    if not pairs:
        return None
    from smartcity_eval.reports.template import parse_value

    return {name: parse_value(value) for name, value in pairs}


def run(args: argparse.Namespace) -> int:
    """Make the reports; print the batch summary."""
    from smartcity_eval.evaluation import Evaluation
    from smartcity_eval.reports.runner import format_summary, run_reports

    formats = _check(args)
    extra = user_parameters(getattr(args, "parameters", None))
    ds = load(args)
    ev = Evaluation(ds, settings_from_args(args, ds))
    lang = args.lang or ds.lang
    result = run_reports(
        ev,
        args.out,
        years=parse_years(args.years) or None,
        regions=parse_list(args.regions) or None,
        jobs=args.jobs,
        lang=lang,
        formats=formats,
        force=args.force,
        notebook=args.notebook,
        timeout=args.timeout,
        progress=not args.no_progress,
        paper=args.paper,
        extra_parameters=extra,
        per=getattr(args, "per", None),
    )
    print(format_summary(result, lang))
    if not result.results:  # nothing to report: say why, and fail
        import sys

        from smartcity_eval.messages import t

        print(t("reports.nothing", lang, dataset=ds.name), file=sys.stderr)
        return EXIT_FOUND
    return EXIT_OK if result.ok else EXIT_FOUND
