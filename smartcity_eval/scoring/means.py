"""The weighted-mean kernel: the one place where the arithmetic, geometric and harmonic
means of the library are computed.

A weighted mean of children ``x`` with weights ``w`` is written as a transform ``f``, its
weighted average over the children *present*, and the inverse transform
(OECD/JRC *Handbook on Constructing Composite Indicators*, 2008, step 6; COINr
``a_amean``, ``a_gmean``, ``a_hmean`` in R/aggregate.R):

==============  =========  ===========================================  ====================
method          ``f(x)``   mean over the children present                needs
==============  =========  ===========================================  ====================
``arithmetic``  ``x``      ``sum(w x) / sum(w)``                        -
``geometric``   ``log x``  ``exp(sum(w log x) / sum(w))``               ``x > 0``
``harmonic``    ``1 / x``  ``sum(w) / sum(w / x)``                      ``x > 0``
==============  =========  ===========================================  ====================

Missing children (NaN) are skipped and the weights renormalised over those present, as
COINr does; a mean with no child present is NaN. The two steps are separate so that
callers may form the sums in their own way (the scorer sums each parent's children with
``np.add.reduceat``; the uncertainty analysis shares products across replications):

* :func:`mean_terms` gives ``f(x)``, 0 where missing (the summand of the numerator);
* :func:`mean_from_sums` turns ``num = sum(w f(x))`` and ``den = sum(w present)`` into the
  mean, for arrays of any shape (e.g. a leading replication axis).

:func:`weighted_mean` is the small array API on top (one mean along an axis), and
:func:`weighted_mean_partials` the scalar one with the partial derivatives ``dM/dx_i =
w_i f'(x_i) / f'(M)`` (used to propagate rounding in
:mod:`smartcity_eval.analysis.reproduction`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.vocab import AGGREGATE_METHODS

__all__ = [
    "METHODS",
    "check_method",
    "mean_terms",
    "mean_from_sums",
    "nonpositive",
    "weighted_mean",
    "weighted_mean_partials",
]

#: The aggregation methods, in the order steps are planned.
METHODS: tuple[str, ...] = tuple(AGGREGATE_METHODS)


def check_method(method: str) -> str:
    """``method`` if it is one of :data:`METHODS`, else DataError."""
    if method not in METHODS:
        raise DataError(
            Problem(
                None,
                None,
                "aggregate",
                f"unknown aggregation '{method}'",
                "use one of: " + ", ".join(METHODS),
            )
        )
    return method


def nonpositive(values: np.ndarray, method: str) -> np.ndarray:
    """Where ``values`` (present, not NaN) are <= 0 under a geometric or harmonic mean."""
    v = np.asarray(values, dtype=float)
    if method == "arithmetic":
        return np.zeros(v.shape, dtype=bool)
    return ~np.isnan(v) & (v <= 0)


def mean_terms(values: np.ndarray, method: str) -> np.ndarray:
    """``f(x)`` of the method (``x``, ``log x`` or ``1 / x``), 0 where ``x`` is missing.

    Values <= 0 under a geometric or harmonic mean must be refused by the caller first
    (:func:`nonpositive`); here they would give -inf/inf or a negative mean.
    """
    v = np.asarray(values, dtype=float)
    if method == "arithmetic":
        return np.nan_to_num(v, nan=0.0)
    present = ~np.isnan(v)
    safe = np.where(present, v, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "geometric":
            return np.where(present, np.log(safe), 0.0)
        return np.where(present, 1.0 / safe, 0.0)


def mean_from_sums(num: np.ndarray, den: np.ndarray, method: str) -> np.ndarray:
    """The mean from ``num = sum(w f(x))`` and ``den = sum(w)`` over the children present
    (broadcast together); NaN where ``den <= 0`` (no child present)."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "arithmetic":
            out = num / den
        elif method == "geometric":
            out = np.exp(num / den)
        else:
            out = den / num
    return np.where(den > 0, out, np.nan)


def weighted_mean(
    values: np.ndarray,
    weights: np.ndarray | Sequence[float] | None = None,
    method: str = "arithmetic",
    axis: int = -1,
) -> np.ndarray:
    """Weighted arithmetic, geometric or harmonic mean along ``axis``, skipping NaN.

    ``weights`` (broadcastable to ``values``, default equal) are renormalised over the
    values present. All-missing gives NaN. Geometric and harmonic raise ValueError on a
    value <= 0. A 1-D input gives a 0-d array (``float(...)`` for a number).
    """
    check_method(method)
    v = np.asarray(values, dtype=float)
    w = np.ones_like(v) if weights is None else np.broadcast_to(np.asarray(weights, float), v.shape)
    if nonpositive(v, method).any():
        raise ValueError(f"the {method} mean needs values > 0")
    present = ~np.isnan(v)
    num = (mean_terms(v, method) * w).sum(axis=axis)
    den = np.where(present, w, 0.0).sum(axis=axis)
    return mean_from_sums(num, den, method)


def weighted_mean_partials(
    values: Sequence[float], weights: Sequence[float], method: str = "arithmetic"
) -> tuple[float, list[float]]:
    """The weighted mean of ``values`` (all present) and its partial derivatives.

    ``dM/dx_i = w_i f'(x_i) / f'(M)`` with ``w`` normalised to sum 1: ``w_i``
    (arithmetic), ``w_i M / x_i`` (geometric), ``w_i M^2 / x_i^2`` (harmonic). Raises
    ValueError for a value <= 0 under a geometric or harmonic mean, DataError for an
    unknown method.
    """
    x = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    mean = float(weighted_mean(x, w, method))
    if method == "arithmetic":
        partials = w
    elif method == "geometric":
        partials = w * mean / x
    else:
        partials = w * mean * mean / (x * x)
    return mean, [float(p) for p in partials]
