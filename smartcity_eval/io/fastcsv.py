"""Vectorised helpers for reading large CSV tables (issue 17).

They find, among the distinct cells of a number column, the few that a per-cell rule has to
look at, so that the rule (in :mod:`smartcity_eval.io.numbers`) keeps its exact meaning and
runs on a handful of cells instead of every distinct value of a national table.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["thousands_suspects"]


def _containing(cells: list[str], marks: list[str]) -> dict[str, list[str]]:
    """For each mark, the cells that contain it, in their order (numpy string search)."""
    if not cells:
        return {mark: [] for mark in marks}
    array = np.array(cells, dtype=np.dtypes.StringDType())
    return {m: [cells[i] for i in np.flatnonzero(np.strings.find(array, m) >= 0)] for m in marks}


def thousands_suspects(
    uniques: list[str], ambiguous: re.Pattern[str], decimal: dict[str, re.Pattern[str]]
) -> tuple[set[str], list[str]]:
    """(marks, suspects) for the thousands-separator rule of a column's distinct cells.

    ``marks``: the separators the column uses as a decimal mark in a cell that cannot be a
    thousands separator (a cell matching ``decimal[mark]`` and not ``ambiguous``); the search
    stops at the first such cell of each mark. ``suspects``: the cells matching
    ``ambiguous`` (spaces removed) whose separator is not in ``marks``, in their order; a
    cell whose separator is in ``marks`` is read with that mark as the decimal mark, so the
    rule never needs it.
    """
    marks: set[str] = set()
    holding = _containing(uniques, list(decimal))
    for mark, pattern in decimal.items():
        for cell in holding[mark]:
            if pattern.match(cell) and not ambiguous.match(cell):
                marks.add(mark)
                break
    pending = {c for mark in decimal if mark not in marks for c in holding[mark]}
    if not pending:
        return marks, []
    suspects = []
    for cell in (c for c in uniques if c in pending):  # in the order of the cells
        hit = ambiguous.match(cell.replace(" ", ""))
        if hit and hit.group(1) not in marks:
            suspects.append(cell)
    return marks, suspects
