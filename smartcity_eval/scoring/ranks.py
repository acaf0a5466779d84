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
    """Ranks along the last axis, 1 = the lowest value, ties (exactly equal) sharing the
    lowest rank. NaN sort last; their ranks are meaningless (callers mask them)."""
    order = np.argsort(moved, axis=-1, kind="stable")
    srt = np.take_along_axis(moved, order, axis=-1)
    n = srt.shape[-1]
    new_run = np.ones(srt.shape, dtype=bool)
    new_run[..., 1:] = srt[..., 1:] != srt[..., :-1]
    # position of the start of each run of equal values: rank = start + 1
    start = np.maximum.accumulate(np.where(new_run, np.arange(n), 0), axis=-1)
    ranks = np.empty_like(srt)
    np.put_along_axis(ranks, order, start + 1.0, axis=-1)
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
    moved = np.moveaxis(-X if descending else X, axis, -1)
    ranks = _ascending_min_ranks(moved)
    ranks[np.isnan(moved)] = np.nan
    return np.moveaxis(ranks, -1, axis)
