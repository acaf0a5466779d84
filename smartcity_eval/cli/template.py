"""``smartcity-eval template``: write a dataset skeleton as Excel workbooks to fill in.

Writes into the new folder DIR: dataset.toml, items.xlsx (the chosen framework's items with
names in English and Indonesian), observations.xlsx (one row per region, year and item, a
drop-down of the levels in the value column), and targets, programmes, programme_status,
owners and evidence workbooks with their header; each header cell explains its column and
a 'petunjuk' sheet lists them. With --lang id (default) the headers are in Indonesian
(wilayah, tahun, indikator, nilai ...), which the loader accepts. Fill it in, then run
'smartcity-eval validate DIR'.
"""

from __future__ import annotations

import argparse
import sys

from smartcity_eval.cli.common import EXIT_OK, UsageError, parse_list, parse_years

DATASET_ARGUMENT = False


def options(p: argparse.ArgumentParser) -> None:
    """The options of the command."""
    p.add_argument("folder", help="the new folder to write the skeleton into")
    p.add_argument(
        "--framework",
        default="kominfo_smart_city",
        help="a shipped framework's name or a framework folder (default: kominfo_smart_city)",
    )
    p.add_argument("--regions", required=True, help="regions, comma-separated")
    p.add_argument("--years", required=True, help="years, e.g. 2023-2024 or 2023,2024")
    p.add_argument("--title", default="Smart-city evaluation", help="the dataset's title")


def run(args: argparse.Namespace) -> int:
    """Write the skeleton and list its files on standard error."""
    from smartcity_eval.io.frameworks import resolve_framework
    from smartcity_eval.io.template import write_template

    regions = parse_list(args.regions)
    years = parse_years(args.years)
    if not regions or not years:
        raise UsageError("--regions and --years must each name at least one")
    fw = resolve_framework(args.framework)
    lang = args.lang or "id"
    files = write_template(args.folder, fw, regions, years, lang=lang, title=args.title)
    for path in files:
        print(path, file=sys.stderr)
    return EXIT_OK
