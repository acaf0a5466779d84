"""``smartcity-eval validate``: check every table of a dataset.

Check every table of a dataset; print each problem with file, row and column.
"""

from __future__ import annotations

import argparse

from smartcity_eval.cli.common import EXIT_OK, load
from smartcity_eval.messages import t


def options(p: argparse.ArgumentParser) -> None:
    """The options of the command (the parser adds the positional dataset)."""
    return None


def run(args: argparse.Namespace) -> int:
    """Load the dataset (a DataError lists every problem) and print a one-line summary."""
    ds = load(args)
    lang = args.lang or "en"
    print(
        t(
            "validate.ok",
            lang,
            path=ds.path,
            frameworks=len(ds.frameworks),
            observations=len(ds.observations),
            regions=len(ds.regions),
            years=", ".join(map(str, ds.years)),
        )
    )
    for key, fw in ds.frameworks.items():  # which tree each name resolved to
        print(t("validate.framework", lang, key=key, source=fw.source or "?"))
    for warning in ds.warnings:  # suspicious but usable (e.g. two very similar region names)
        print(warning.format(args.lang or "en"))
    return EXIT_OK
