"""Shared parts of the agreement statistics: the wide matrix and the undefined-value warning.

A *wide matrix* has one row per item, one column per assessor and ``NaN`` where an assessor
did not score an item (see :mod:`smartcity_eval.analysis.reliability`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["RTOL", "category_counts", "UndefinedStatisticWarning", "as_matrix", "warn_undefined"]

# Relative size below which a sum of squares or a denominator counts as zero: sums of
# squares of equal floats can come out as 1e-31 instead of 0.
RTOL = 1e-12


class UndefinedStatisticWarning(RuntimeWarning):
    """A statistic is undefined for the data given (returned as NaN); the message says why."""


def warn_undefined(reasons: Iterable[str]) -> None:
    """Emit one :class:`UndefinedStatisticWarning` per reason."""
    for reason in reasons:
        warnings.warn(reason, UndefinedStatisticWarning, stacklevel=3)


def as_matrix(matrix: Any) -> np.ndarray:
    """A float copy of ``matrix`` (items x assessors), NaN for missing; checks its shape."""
    if isinstance(matrix, pd.DataFrame):
        values = matrix.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float, na_value=np.nan)
    else:
        values = np.array(matrix, dtype=float)
    if values.ndim != 2:
        raise ValueError(
            f"expected a 2-dimensional matrix (items x assessors), got {values.ndim} dimension(s)"
        )
    if np.isinf(values).any():
        raise ValueError("the matrix holds infinite values; use NaN for a missing score")
    return values


def category_counts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Category values present and the items x categories table of how many assessors chose each."""
    present = ~np.isnan(x)
    values = np.unique(x[present])
    counts = np.zeros((x.shape[0], values.size), dtype=float)
    rows = np.nonzero(present)[0]
    np.add.at(counts, (rows, np.searchsorted(values, x[present])), 1.0)
    return values, counts
