"""The one rank function of the library, and its tie tolerance.

Ranks are competition ranks (R's ``rank(ties.method = "min")``, pandas' ``method="min"``):
1 = the best value, and values that tie share the lowest rank (1, 2, 2, 4). Two values tie
when they are equal after rounding to :data:`~smartcity_eval.vocab.TIE_DECIMALS` (9)
decimals, so that two mathematically equal scores computed in a different order (``0.1 +
0.2`` and ``0.3``, which differ by 5.6e-17) share a rank. The same rounding is used by the
band lookup (:mod:`smartcity_eval.scoring.bands`), the percentile-rank normalisation
(:mod:`smartcity_eval.scoring.normalise`), the scorer's ranks, the uncertainty analysis and
the peer comparison.

Scores are on scales of 0-100 or 1-5, so 9 decimals is far below any meaningful difference
and far above floating-point noise (about 1e-14 at 100).
"""

from __future__ import annotations

import numpy as np

from smartcity_eval.vocab import TIE_DECIMALS

__all__ = ["rank_min", "tie_round", "TIE_DECIMALS"]


def tie_round(values: np.ndarray) -> np.ndarray:
    """``values`` rounded to :data:`TIE_DECIMALS` decimals (NaN kept): the values that
    ranks and bands compare."""
    return np.round(np.asarray(values, dtype=float), TIE_DECIMALS)


def _ascending_min_ranks(moved: np.ndarray) -> np.ndarray:
    """Ranks along the last axis of a C-contiguous float array, 1 = the lowest value, ties
    (exactly equal) sharing the lowest rank; NaN in, NaN out.

    NaN are sorted as +inf (numpy's vectorised sort falls back to a slow path when a row
    holds NaN; a real +inf keeps its rank, the first position of its run); the order among
    equal values does not change a rank, so the sort need not be stable."""
    shape = moved.shape
    n = shape[-1]
    if moved.size == 0:
        return np.empty(shape)
    rows = moved.reshape(-1, n)
    missing = np.isnan(rows)
    packed = _packed_min_ranks(rows)
    if packed is not None:
        return packed.reshape(shape)
    if missing.any():
        rows = np.where(missing, np.inf, rows)
    order = np.argsort(rows, axis=-1)
    flat_order = (order + (np.arange(rows.shape[0]) * n)[:, None]).reshape(-1)
    srt = rows.reshape(-1)[flat_order].reshape(rows.shape)
    new_run = np.empty(srt.shape, dtype=bool)
    new_run[:, :1] = True
    np.not_equal(srt[:, 1:], srt[:, :-1], out=new_run[:, 1:])
    # the rank at each sorted position: the (1-based) start of its run of equal values
    start = np.where(new_run, np.arange(1.0, n + 1.0), 0.0)
    np.maximum.accumulate(start, axis=-1, out=start)
    ranks = np.empty(rows.shape)
    ranks.reshape(-1)[flat_order] = start.reshape(-1)
    ranks[missing] = np.nan
    return ranks.reshape(shape)


def _packed_min_ranks(rows: np.ndarray) -> np.ndarray | None:
    """:func:`_ascending_min_ranks` of ``[m, n]`` tie-rounded values by one sort of
    integer keys, or None when the keys do not fit (then the caller argsorts).

    Each value ``x`` (a multiple of 1e-9 after :func:`tie_round`) becomes the integer
    ``rint(x * 10**TIE_DECIMALS)`` (equal keys exactly when equal values; the same order),
    shifted to start at 0, with its column in the low bits: sorting the keys along each row
    (a plain sort, far cheaper than an argsort) also gives each sorted value's column.
    NaN get a key above every value, as the +inf of :func:`_ascending_min_ranks`; rows
    holding +-inf fall back, as do keys wider than 62 bits (with 514 units ranked, a span
    of values over about 4.5e6; scores of 0-100 take 37 bits)."""
    m, n = rows.shape
    missing = np.isnan(rows)
    has_missing = bool(missing.any())
    if has_missing and missing.all():
        return np.full(rows.shape, np.nan)
    y = np.multiply(rows, 10.0**TIE_DECIMALS)
    np.rint(y, out=y)
    lo, hi = (np.nanmin(y), np.nanmax(y)) if has_missing else (y.min(), y.max())
    col_bits = max(int(n - 1).bit_length(), 1)
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi - lo >= 2.0 ** (62 - col_bits) - 2:
        return None
    if has_missing:
        y[missing] = hi + 1.0
    keys = y.astype(np.int64)
    del y
    keys -= int(lo)
    keys <<= col_bits
    keys |= np.arange(n, dtype=np.int64)
    keys.sort(axis=-1)
    column = (keys & ((1 << col_bits) - 1)).reshape(-1)
    keys >>= col_bits
    new_run = np.empty(keys.shape, dtype=bool)
    new_run[:, :1] = True
    np.not_equal(keys[:, 1:], keys[:, :-1], out=new_run[:, 1:])
    del keys
    # the flat position of each run's start (rows start new runs, so one pass over all)
    start = np.where(new_run.reshape(-1), np.arange(m * n, dtype=np.int64), 0)
    np.maximum.accumulate(start, out=start)
    row_start = np.repeat(np.arange(0, m * n, n, dtype=np.int64), n)
    column += row_start
    start -= row_start - 1
    ranks = np.empty(m * n)
    ranks[column] = start
    ranks = ranks.reshape(m, n)
    if has_missing:
        ranks[missing] = np.nan
    return ranks


def rank_min(values: np.ndarray, axis: int = -1, descending: bool = True) -> np.ndarray:
    """Competition ranks of ``values`` along ``axis`` (any other axes, e.g. replications or
    years, are independent).

    Parameters
    ----------
    values : float array; NaN = missing (its rank is NaN and it does not count).
    axis : the axis along which units are ranked.
    descending : True (default): 1 = the highest value; False: 1 = the lowest.

    Returns
    -------
    Float array of ranks (1, 2, 2, 4 for a tie), the shape of ``values``; values equal
    after :func:`tie_round` share the lowest rank.
    """
    X = tie_round(values)
    if descending:
        np.negative(X, out=X)
    # contiguous along the ranked axis: the sort reads each row once
    moved = np.ascontiguousarray(np.moveaxis(X, axis, -1))
    return np.moveaxis(_ascending_min_ranks(moved), -1, axis)
