"""``smartcity-eval validate``: check every table of a dataset.

Check every table of a dataset; print each problem with file, row and column.
"""

from __future__ import annotations

import argparse

from smartcity_eval.cli.common import EXIT_OK, load


def options(p: argparse.ArgumentParser) -> None:
    """The options of the command (the parser adds the positional dataset)."""
    return None


def run(args: argparse.Namespace) -> int:
    """Load the dataset (a DataError lists every problem) and print a one-line summary."""
    ds = load(args)
    n_obs = len(ds.observations)
    print(
        f"{ds.path}: OK ({len(ds.frameworks)} framework(s), {n_obs} observations, "
        f"{len(ds.regions)} regions, years {', '.join(map(str, ds.years))})"
    )
    for warning in ds.warnings:  # suspicious but usable (e.g. two very similar region names)
        print(warning.format(args.lang or "en"))
    return EXIT_OK
