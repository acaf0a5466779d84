"""``smartcity-eval evidence``: the supporting-documents checklist and what is missing.

Completeness of the supporting documents ("dokumen pendukung", evidence.csv) per pillar,
evaluation dimension and department, and the list of missing or outdated documents, most
urgent first (by the effective weight in the index of what they support, then due date;
docs/registers.md). --out FILE.csv writes the table chosen with --what (default: the
missing list); --out FILE.xlsx writes every table as its own sheet.
"""

from __future__ import annotations

import argparse

from smartcity_eval.cli.programmes import register_options, run_register

TABLES = ("missing", "pillar", "dimension", "department")


def options(p: argparse.ArgumentParser) -> None:
    """The options of the command (the parser adds the positional dataset)."""
    register_options(p, TABLES)


def run(args: argparse.Namespace) -> int:
    """Write the checklist tables."""
    return run_register(args, "evidence", lambda ev, y, r: ev.evidence(y, r), TABLES)
