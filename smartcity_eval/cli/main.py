"""The ``smartcity-eval`` command line: a thin shell over the public API.

Exit codes (SPEC section 2): 0 success; 1 the command ran and found a problem it reports
(a reproduction mismatch, a failed report); 2 bad input or usage, with a clear message and
no traceback (``--debug`` shows one).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from smartcity_eval import __version__
from smartcity_eval.errors import DataError

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
    from smartcity_eval.io.dataset import load_dataset

    ds = load_dataset(args.dataset, framework=framework)
    if ds.warnings and args.command != "validate":
        lang = getattr(args, "lang", None) or "en"
        for warning in ds.warnings:
            print(warning.format(lang), file=sys.stderr)
    return ds


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
    for warning in ds.warnings:  # suspicious but usable (e.g. two very similar region names)
        print(warning.format(args.lang or "en"))
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
        help="output range of minmax, goalposts, rank and target (default 0 100)",
    )
    p.add_argument(
        "--aggregate",
        help="arithmetic, geometric or harmonic (default arithmetic); per level or node as "
        "LEVEL=method or CODE=method, comma-separated, LEVEL being the depth of the aggregate "
        "(0 = the index), e.g. 0=geometric,GOV=harmonic",
    )
    p.add_argument("--scope", choices=["year", "all"])
    p.add_argument("--min-coverage", type=float, dest="min_coverage")
    p.add_argument(
        "--impute",
        choices=["mean", "median", "group_mean", "last", "interpolate"],
        help="fill missing indicator values (flagged 'imputed'); group_mean needs --groups",
    )
    p.add_argument(
        "--groups", metavar="CSV", help="peer groups for --impute group_mean: columns region, group"
    )
    p.add_argument(
        "--outliers", action="store_true", default=None, help="treat outliers as COINr does"
    )
    p.add_argument(
        "--framework", help="score against another tree (a name under data/frameworks, or a path)"
    )
    p.add_argument("--out", help="output CSV (default: standard output)")


def _cmd_score(args: argparse.Namespace) -> int:
    from smartcity_eval.io.outputs import write_csv
    from smartcity_eval.scoring.engine import score_dataset

    ds = _load(args)
    options = {
        k: getattr(args, k)
        for k in ("normalise", "range", "aggregate", "scope", "min_coverage", "impute", "outliers")
        if getattr(args, k) is not None
    }
    if args.groups:
        from smartcity_eval.io.tables import read_table

        groups = read_table(args.groups, required=["region", "group"], name="groups")
        options["groups"] = dict(zip(groups["region"], groups["group"], strict=True))
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

    from smartcity_eval.analysis.reliability import agreement
    from smartcity_eval.errors import Problem
    from smartcity_eval.io.dataset import read_assessments
    from smartcity_eval.io.outputs import write_csv

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


# ----------------------------------------------------------------------------- reproduce
def _add_reproduce(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reproduce",
        help="recompute every published value and compare",
        description="Recompute every value of published.csv from the dataset's inputs (item "
        "scores: observations, or the assessors' consensus where observations lack them; "
        "else the published parts, e.g. a final index from its published components) and "
        "compare within a tolerance. Columns region, year, code, computed, published, "
        "difference, tolerance, status (match, mismatch, not_computable), note, framework, "
        "basis. Exit code 1 when a value does not match.",
    )
    p.add_argument("dataset", help="dataset folder, or the name of one under data/")
    p.add_argument(
        "--tolerance",
        default="auto",
        help="'auto' (default): half a unit of the published value's last digit plus the "
        "propagated rounding of published inputs; or an absolute tolerance such as 0.01",
    )
    p.add_argument(
        "--consensus",
        choices=["mean", "median", "majority"],
        help="consensus of the assessors' scores for items without an observation "
        "(default: the dataset's [methods] consensus, else mean)",
    )
    p.add_argument("--out", help="output CSV (default: standard output)")


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from smartcity_eval.analysis.reproduction import (
        check_consensus,
        consensus_method,
        consensus_summary,
        parse_tolerance,
        reproduce,
        summary,
    )
    from smartcity_eval.errors import Problem
    from smartcity_eval.io.outputs import write_csv

    try:
        tolerance = parse_tolerance(args.tolerance)
    except ValueError as err:
        raise UsageError(f"--tolerance: {err}") from None
    ds = _load(args)
    lang = args.lang or ds.lang
    if ds.published.empty:
        raise DataError(
            Problem(
                str(ds.path),
                None,
                None,
                "the dataset has no published values (published.csv is absent or empty)",
                "add published.csv with region, year, code, score",
                "dataset tidak punya nilai terbitan (published.csv tidak ada atau kosong)",
            )
        )
    table = reproduce(
        ds, tolerance="auto" if tolerance is None else tolerance, consensus=args.consensus
    )
    write_csv(table, args.out)
    print(summary(table, lang), file=sys.stderr)
    if not ds.assessments.empty and ds.observations["value"].notna().any():
        method = consensus_method(ds, args.consensus)
        print(consensus_summary(check_consensus(ds, method), method, lang), file=sys.stderr)
    return EXIT_FOUND if (table["status"] == "mismatch").any() else EXIT_OK


# ----------------------------------------------------------------------------- gaps
_GAP_ALL = ("targets", "trajectory", "change", "peers", "strengths", "self", "priorities")


def _add_gaps(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "gaps",
        help="gap analysis: targets, trajectory, change, peers, strengths, self-assessment, "
        "priorities",
        description="Gap analysis of one region (or all) in one evaluation year: gap to the "
        "masterplan targets, trajectory to the final target, change since the previous "
        "evaluation and its drivers, position among peers, strengths and weaknesses, "
        "self-assessment vs verified scores, and the items to improve first. Without --out: "
        "a readable table; with --out FILE (or - for standard output): tidy CSV whose "
        "columns are documented in docs/columns.md.",
    )
    p.add_argument("dataset", help="dataset folder, or the name of one under data/")
    p.add_argument("--region", help="the region to analyse (default: all regions)")
    p.add_argument("--year", type=int, help="evaluation year (default: the latest)")
    p.add_argument(
        "--what",
        default="all",
        help="comma-separated analyses: targets, trajectory, change, drivers, peers, "
        "strengths, self, priorities, or all (default; every one but drivers)",
    )
    p.add_argument(
        "--framework", help="analyse another tree (a name under data/frameworks, or a path)"
    )
    p.add_argument(
        "--index-framework",
        dest="index_framework",
        help="the tree whose index the priorities raise (e.g. kominfo_components for the "
        "Kominfo final index; default: the analysed tree)",
    )
    p.add_argument(
        "--peers", help="comma-separated regions to compare with (default: every region)"
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
    p.add_argument("--out", help="output CSV; '-' for standard output (default: readable table)")


def _cmd_gaps(args: argparse.Namespace) -> int:
    from smartcity_eval.analysis.gaps import (
        ANALYSES,
        PER_NODE,
        combine,
        dataset_scores,
        gap_report,
        render_text,
    )
    from smartcity_eval.io.outputs import write_csv

    what = _parse_list(args.what) or ["all"]
    unknown = [w for w in what if w not in (*ANALYSES, "all")]
    if unknown:
        raise UsageError(
            f"--what: unknown analysis '{unknown[0]}'; use {', '.join(ANALYSES)} or all"
        )
    if "all" in what:
        what = list(_GAP_ALL)
    if args.top is not None and args.top < 1:
        raise UsageError("--top must be at least 1")
    ds = _load(args)
    lang = args.lang or ds.lang
    scores = dataset_scores(ds, args.framework)
    year = args.year if args.year is not None else int(scores["year"].max())
    tables = gap_report(
        ds,
        scores=scores,
        region=args.region,
        year=year,
        framework=args.framework,
        index_framework=args.index_framework,
        peers=_parse_list(args.peers) or None,
        top=args.top,
        verified=args.verified,
    )
    if args.depth is not None:
        from smartcity_eval.analysis.gaps import _pick_framework

        fw = _pick_framework(ds, args.framework)
        for key in PER_NODE:
            table = tables[key]
            depth = table["code"].map(fw.nodes["depth"])
            tables[key] = table.loc[depth.isna() | (depth <= args.depth)]
    if args.out is not None:
        write_csv(combine(tables, what), args.out)
        return EXIT_OK
    frameworks = [ds.framework, *ds.frameworks.values()]
    if args.framework is not None:
        from smartcity_eval.analysis.gaps import _pick_framework

        frameworks.insert(0, _pick_framework(ds, args.framework))
    who = args.region or ("semua daerah" if lang == "id" else "all regions")
    title = f"{ds.title}: {who}, {year}"
    if ds.illustrative:
        title += " [ILUSTRATIF]" if lang == "id" else " [ILLUSTRATIVE DATA]"
    depth = args.depth if args.depth is not None else 2
    sys.stdout.write(render_text(tables, what, frameworks, lang=lang, depth=depth, title=title))
    return EXIT_OK


# ----------------------------------------------------------------------------- uncertainty
def _add_uncertainty(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "uncertainty",
        help="how robust are the ranks: uncertainty, sensitivity, drop-one, coherence",
        description="How robust is a rank to the evaluators' choices (OECD/JRC Handbook step 7, "
        "COINr get_sensitivity)? --what ranks: Monte Carlo over weights, normalisation, "
        "aggregation, imputation and indicator removal; per region and year the nominal, "
        "median and 5-95 % interval of ranks and scores. --what sensitivity: first- and "
        "total-order Sobol' indices of the mean absolute rank shift (and of each region's "
        "rank) with bootstrap intervals. --what dropone: rank changes when each pillar or "
        "element is removed. --what coherence: correlations with parent and index, "
        "Cronbach's alpha, flags. --what replications: every replication's score and rank. "
        "Defaults: the dataset's methods are nominal; alternatives none/goalposts/minmax/"
        "zscore, arithmetic/geometric, weights +/- 25 % on level 1 (pillars).",
    )
    p.add_argument("dataset", help="dataset folder, or the name of one under data/")
    p.add_argument(
        "--what",
        choices=["ranks", "sensitivity", "dropone", "coherence", "replications"],
        default="ranks",
    )
    p.add_argument("--year", help="year(s) to analyse: 2024, 2022-2024 or 2021,2023 (default all)")
    p.add_argument(
        "--n",
        type=int,
        help="replications (ranks, replications; default 1000) or base sample size N of the "
        "sensitivity design (N (k + 2) runs; default 256)",
    )
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument(
        "--weight-noise",
        type=float,
        default=0.25,
        dest="weight_noise",
        help="relative weight noise, 0.25 = +/- 25 %% (0 = fixed weights)",
    )
    p.add_argument(
        "--weight-level",
        default="1",
        dest="weight_level",
        help="level(s) whose weights get the noise: 1 = pillars, 2 = elements, ... (e.g. 1,2)",
    )
    p.add_argument(
        "--normalise-alternatives",
        dest="normalise_alternatives",
        help="e.g. none,goalposts:1:100,minmax:1:100,zscore:10:2 (the dataset's method stays "
        "nominal; 'none' alone fixes it)",
    )
    p.add_argument(
        "--aggregate-alternatives",
        dest="aggregate_alternatives",
        help="e.g. arithmetic,geometric (per level: arithmetic;1=geometric,2=arithmetic)",
    )
    p.add_argument(
        "--impute-alternatives", dest="impute_alternatives", help="e.g. none,mean,median"
    )
    p.add_argument(
        "--drop-indicator",
        action="store_true",
        dest="drop_indicator",
        help="also remove one indicator (or none) at random in each replication",
    )
    p.add_argument("--code", help="the node whose ranks are analysed (default the index)")
    p.add_argument("--levels", default="1,2", help="dropone: levels removed in turn (default 1,2)")
    p.add_argument(
        "--boot", type=int, default=500, help="sensitivity: bootstrap resamples (default 500)"
    )
    p.add_argument("--method", choices=["pearson", "spearman"], default="pearson", help="coherence")
    p.add_argument("--framework", help="another tree (a name under data/frameworks, or a path)")
    p.add_argument("--plot", help="also write a PNG figure (ranks, sensitivity)")
    p.add_argument("--region", help="region highlighted in the figure")
    p.add_argument("--out", help="output CSV (default: standard output)")


def _cmd_uncertainty(args: argparse.Namespace) -> int:
    from smartcity_eval.io.outputs import atomic_write, write_csv
    from smartcity_eval.robustness.summary import command_figure, command_table, split_alternatives

    def ints(text: str, name: str) -> tuple[int, ...]:
        try:
            return tuple(int(v) for v in _parse_list(text))
        except ValueError:
            raise UsageError(f"{name}: '{text}' is not a list of levels like 1,2") from None

    if args.plot and args.what not in ("ranks", "sensitivity", "replications"):
        raise UsageError(f"--plot: no figure for --what {args.what} (use ranks or sensitivity)")
    if args.n is not None and args.n < 1:
        raise UsageError("--n must be at least 1")
    if not 0 <= args.weight_noise < 1:
        raise UsageError("--weight-noise must be in [0, 1), e.g. 0.25")
    ds = _load(args)
    table, result = command_table(
        ds,
        args.what,
        years=_parse_years(args.year),
        n=args.n,
        seed=args.seed,
        weight_noise=args.weight_noise,
        weight_levels=ints(args.weight_level, "--weight-level"),
        normalise_alternatives=split_alternatives(args.normalise_alternatives),
        aggregate_alternatives=split_alternatives(args.aggregate_alternatives),
        impute_alternatives=split_alternatives(args.impute_alternatives),
        drop_indicator=args.drop_indicator,
        code=args.code,
        levels=ints(args.levels, "--levels"),
        n_boot=args.boot,
        method=args.method,
        framework=args.framework,
    )
    if args.plot:
        from smartcity_eval.present.plots import figure_png

        fig = command_figure(args.what, result, lang=args.lang or ds.lang, region=args.region)
        atomic_write(args.plot, figure_png(fig))
    write_csv(table, args.out)
    return EXIT_OK


# ----------------------------------------------------------------------------- reports
def _add_reports(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reports",
        help="make the annual report of every region and year (HTML, PDF)",
        description="Execute notebooks/annual_report.ipynb for every region and year and write "
        "OUT/<dataset>/<region>/<year>/report.ipynb and report.html (no code cells, figures "
        "embedded), plus OUT/<dataset>/index.html and manifest.json. Reports whose inputs, "
        "parameters and package version are unchanged are skipped (--force remakes them). "
        "The global option --lang id|en sets the language (default: the dataset's). "
        "Exit code 1 when a report failed (the others are still written).",
    )
    p.add_argument("dataset", help="dataset folder, or the name of one under data/")
    p.add_argument("--years", help="years, e.g. 2022-2024 or 2021,2023 (default: all)")
    p.add_argument("--regions", help="regions, comma-separated (default: all)")
    p.add_argument("--jobs", type=int, help="reports made in parallel (default: CPUs)")
    p.add_argument("--out", default="reports", help="output folder (default: reports)")
    p.add_argument("--force", action="store_true", help="remake reports that are up to date")
    p.add_argument(
        "--format",
        default="html",
        help="html, pdf or html,pdf (PDF needs a headless Chromium; skipped with a message)",
    )
    p.add_argument(
        "--normalise", choices=["none", "minmax", "zscore", "goalposts", "rank", "target"]
    )
    p.add_argument("--aggregate", help="arithmetic, geometric or harmonic")
    p.add_argument("--scope", choices=["year", "all"])
    p.add_argument("--min-coverage", type=float, dest="min_coverage")
    p.add_argument("--consensus", choices=["mean", "median", "majority"])
    p.add_argument(
        "--timeout", type=float, default=600.0, help="seconds a notebook cell may run (600)"
    )
    p.add_argument("--notebook", help="another report template (must have a 'parameters' cell)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _cmd_reports(args: argparse.Namespace) -> int:
    from smartcity_eval.reports.runner import format_summary, run_reports

    formats = _parse_list(args.format)
    bad = [f for f in formats if f not in ("html", "pdf")]
    if bad or not formats:
        raise UsageError(f"--format: '{args.format}' is not html, pdf or html,pdf")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    ds = _load(args)
    lang = args.lang or ds.lang
    methods = {
        k: getattr(args, k)
        for k in ("normalise", "aggregate", "scope", "min_coverage", "consensus")
        if getattr(args, k) is not None
    }
    result = run_reports(
        ds,
        args.out,
        years=_parse_years(args.years) or None,
        regions=_parse_list(args.regions) or None,
        jobs=args.jobs,
        lang=lang,
        formats=formats,
        force=args.force,
        methods=methods,
        notebook=args.notebook,
        timeout=args.timeout,
        progress=not args.no_progress,
    )
    print(format_summary(result, lang))
    return EXIT_OK if result.ok else EXIT_FOUND


COMMANDS = {
    "validate": (_add_validate, _cmd_validate),
    "score": (_add_score, _cmd_score),
    "reproduce": (_add_reproduce, _cmd_reproduce),
    "agreement": (_add_agreement, _cmd_agreement),
    "gaps": (_add_gaps, _cmd_gaps),
    "uncertainty": (_add_uncertainty, _cmd_uncertainty),
    "reports": (_add_reports, _cmd_reports),
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
    except OSError as err:  # e.g. --out in a folder that cannot be written
        if args.debug:
            raise
        where = f": {err.filename}" if err.filename else ""
        print(f"smartcity-eval {args.command}: {err.strerror or err}{where}", file=sys.stderr)
        return EXIT_INPUT


def _entry() -> None:  # pragma: no cover
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
