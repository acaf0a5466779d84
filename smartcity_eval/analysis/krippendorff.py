"""Krippendorff's alpha for any number of assessors, missing scores and four levels of measurement.

References
----------
Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from smartcity_eval.analysis._ratings import (
    UndefinedStatisticWarning,
    as_matrix,
    category_counts,
    warn_undefined,
)
from smartcity_eval.errors import did_you_mean

__all__ = [
    "LEVELS",
    "Level",
    "coincidence_matrix",
    "krippendorff_alpha",
    "alpha_and_reasons",
    "UndefinedStatisticWarning",
]

#: Krippendorff's levels of measurement.
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")

Level = Literal["nominal", "ordinal", "interval", "ratio"]

# --------------------------------------------------------------------------------------
# Krippendorff's alpha
# --------------------------------------------------------------------------------------


def _coincidences(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Values, coincidence matrix o_ck and number of pairable units of a wide matrix."""
    m_u = (~np.isnan(x)).sum(axis=1)
    pairable = x[m_u >= 2]
    values, counts = category_counts(pairable)
    weight = 1.0 / (m_u[m_u >= 2] - 1.0)
    weighted = counts * weight[:, None]
    o = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    return values, o, pairable.shape[0]


def _delta(values: np.ndarray, n_c: np.ndarray, level: str) -> np.ndarray:
    """Krippendorff's squared difference function delta^2(c, k) for the values present."""
    c = values[:, None]
    k = values[None, :]
    if level == "nominal":
        return (c != k).astype(float)
    if level == "ordinal":
        # (sum_{g=c..k} n_g - (n_c + n_k)/2)^2 equals the squared difference of the
        # "mid-ranks" M_c = sum_{g<=c} n_g - n_c/2 of the two values.
        mid = np.cumsum(n_c) - n_c / 2.0
        return (mid[None, :] - mid[:, None]) ** 2
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        total = c + k
        with np.errstate(divide="ignore", invalid="ignore"):
            d = ((c - k) / total) ** 2
        return np.where(total == 0, 0.0, d)
    raise ValueError(f"unknown level of measurement '{level}': {did_you_mean(level, LEVELS)}")


def _alpha(x: np.ndarray, level: str) -> tuple[float, list[str]]:
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement '{level}': {did_you_mean(level, LEVELS)}")
    if level == "ratio" and (x[~np.isnan(x)] < 0).any():
        raise ValueError("the ratio level needs non-negative values (it compares (c-k)/(c+k))")
    values, o, n_units = _coincidences(x)
    if n_units == 0:
        return float("nan"), ["Krippendorff's alpha: no item was scored by 2 or more assessors"]
    if values.size < 2:
        return float("nan"), [
            "Krippendorff's alpha: every score is the same (no variation), so alpha is 0/0"
        ]
    n_c = o.sum(axis=1)
    n = n_c.sum()
    delta = _delta(values, n_c, level)
    observed = float((o * delta).sum())
    expected = float((np.outer(n_c, n_c) * delta).sum())
    return float(1.0 - (n - 1.0) * observed / expected), []


def coincidence_matrix(matrix: Any) -> pd.DataFrame:
    """Krippendorff's coincidence matrix of a wide matrix of scores.

    Parameters
    ----------
    matrix : array-like or DataFrame, shape (n_items, n_assessors)
        Scores, NaN = missing (any pattern).

    Returns
    -------
    DataFrame
        Square, indexed by the values that occur in pairable items (items with >= 2
        scores): :math:`o_{ck} = \\sum_u \\frac{n_{uc} (n_{uk} - [c = k])}{m_u - 1}`, where
        :math:`n_{uc}` is how many assessors gave item u the value c and :math:`m_u` how many
        scored it. Row sums are :math:`n_c`; the grand total n is the number of pairable
        values. Items with a single score are not pairable and do not count.

    References
    ----------
    Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C.

    Examples
    --------
    >>> coincidence_matrix([[1, 1], [1, 2], [2, 2]])
         1.0  2.0
    1.0  2.0  1.0
    2.0  1.0  2.0
    """
    values, o, _ = _coincidences(as_matrix(matrix))
    return pd.DataFrame(o, index=pd.Index(values), columns=pd.Index(values))


def krippendorff_alpha(matrix: Any, level: Level = "interval") -> float:
    """Krippendorff's alpha reliability coefficient, for any pattern of missing scores.

    Parameters
    ----------
    matrix : array-like or DataFrame, shape (n_items, n_assessors)
        Scores, one row per item (Krippendorff's "unit"), one column per assessor
        ("observer"); NaN = missing. Note the orientation: Krippendorff (2011) prints
        observers as rows, so his tables are the transpose of this matrix.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement, which sets the difference function (below). Default
        ``"interval"``. ``"ratio"`` needs non-negative values.

    Returns
    -------
    float
        Alpha <= 1: 1 = perfect reliability, 0 = agreement at chance level, negative =
        systematic disagreement. Krippendorff suggests relying on data with alpha >= .800
        and tentative conclusions only from .667 <= alpha < .800.
        NaN with an :class:`UndefinedStatisticWarning` when no item has 2 or more scores,
        or when every pairable score is the same value: then the observed and the expected
        disagreement are both 0 and alpha = 1 - 0/0 is undefined. (Some programs report 1
        in that case; the ``krippendorff`` Python package refuses it, "There has to be more
        than one value in the domain"; Freelon's ReCal calls it the "invariant values"
        case. We return NaN and say why, because such data cannot show whether the
        assessors would agree on items that differ.)

    Notes
    -----
    Coincidence-matrix formulation (Krippendorff 2011). From the coincidences
    :math:`o_{ck}` (see :func:`coincidence_matrix`), with :math:`n_c = \\sum_k o_{ck}` and
    :math:`n = \\sum_c n_c` the number of pairable values,

    .. math::

        \\alpha = 1 - \\frac{D_o}{D_e} = 1 - (n - 1)
        \\frac{\\sum_c \\sum_k o_{ck}\\, \\delta^2_{ck}}{\\sum_c \\sum_k n_c n_k\\, \\delta^2_{ck}}

    with the difference functions

    * nominal: :math:`\\delta^2_{ck} = 0` if c = k, else 1;
    * ordinal: :math:`\\delta^2_{ck} = (\\sum_{g=c}^{k} n_g - (n_c + n_k)/2)^2`, over the
      values g that occur, in order;
    * interval: :math:`\\delta^2_{ck} = (c - k)^2`;
    * ratio: :math:`\\delta^2_{ck} = ((c - k)/(c + k))^2` (0 when c = k = 0).

    The coincidence matrix is built with one matrix product over all items, no loop.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
    https://repository.upenn.edu/asc_papers/43 (worked example, section E: nominal .743,
    ordinal .815, interval .849, ratio .797).
    Hayes & Krippendorff (2007), Communication Methods and Measures 1(1), 77-89.

    Examples
    --------
    Krippendorff (2011)'s reliability data, 4 observers (A-D) x 12 units, transposed:

    >>> A = [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None]
    >>> B = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3]
    >>> C = [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None]
    >>> D = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]
    >>> data = np.array([A, B, C, D], dtype=float).T
    >>> [round(krippendorff_alpha(data, level), 3) for level in LEVELS]
    [0.743, 0.815, 0.849, 0.797]
    """
    alpha, reasons = _alpha(as_matrix(matrix), level)
    warn_undefined(reasons)
    return alpha


#: The alpha of a float wide matrix and the reasons it is undefined (for the table layer).
alpha_and_reasons = _alpha
