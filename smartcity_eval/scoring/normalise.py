"""Normalisation: bringing indicators onto a common, direction-aware scale.

Every method works per indicator over the *units* of one scope (the regions of one year, or
all region-years pooled, ``scope="all"``), ignoring missing values, and follows the
conventions of the JRC's COINr, the reference implementation of the
OECD/JRC *Handbook on Constructing Composite Indicators* (2008, step 5):

=============  =============================================================================
method         formula (``x`` = raw value x direction, ``lo, hi`` = the output ``range``)
=============  =============================================================================
``none``       ``x`` (the raw value times its direction; COINr ``Normalise.numeric`` with
               ``f_n = "none"``). Kominfo and SPBE aggregate raw 1-5 levels this way.
``minmax``     ``(x - min) / (max - min) * (hi - lo) + lo`` (COINr ``n_minmax``, R/normalise.R).
               An indicator with ``max == min`` in a scope (to :data:`CONSTANT_TOLERANCE`)
               gives NaN, as in COINr.
``zscore``     ``(x - mean) / sd`` with the sample sd (n - 1) (COINr ``n_zscore``, ``m_sd =
               c(0, 1)``). An indicator that does not vary in a scope (sd = 0, or a single
               value) gives NaN, as COINr (whose sd of 0 gives NaN): the spread must exceed
               :data:`CONSTANT_TOLERANCE` times the values' magnitude, so that equal values
               whose mean carries rounding noise (sd ~ 1e-17) do not become +-sqrt((n-1)/n).
               :func:`smartcity_eval.scoring.engine.score` warns about such indicators.
``goalposts``  ``(x - L) / (U - L)`` clipped to [0, 1], then ``* (hi - lo) + lo``, with the
               framework's ``lower``/``upper`` as L and U; for direction -1 ``(U - x_raw) /
               (U - L)`` (COINr ``n_goalposts`` with ``trunc2posts = TRUE``, which flips the
               goalposts for negative directions). Independent of the other units, so scores
               compare across years and regions. COINr's ``a`` scale = ``hi`` when ``lo = 0``.
               Known difference: COINr's ``n_goalposts`` with ``direction = -1`` also negates
               its scale ``a``, so a flipped indicator comes out in [-a, 0], exactly minus
               ours; we keep the documented 0..a convention (tests/test_coinr_crosscheck.py).
``rank``       percentile rank ``(r - 1) / (n - 1) * (hi - lo) + lo`` where ``r`` is the rank
               from the lowest value with ties sharing the lowest rank ("min", R's
               ``rank(ties.method = "min")``; ties to 9 decimals, see
               :mod:`smartcity_eval.scoring.ranks`) and ``n`` the number of non-missing values:
               exactly COINr ``n_prank``. The worst unit gets ``lo``, the best ``hi``;
               n = 1 gives NaN (0/0) as in COINr.
``target``     the percentage of the target reached, capped at 100 % of the range:
               direction 1: ``x_raw / t``; direction -1 (lower is better): ``t / x_raw``;
               clipped to [0, 1] then ``* (hi - lo) + lo``. ``t`` must be > 0. This is the
               plain "capaian target" ratio used in Indonesian performance reporting (SAKIP);
               unlike COINr's ``n_dist2targ`` (``(x - min) / (t - min)``) it does not depend
               on the other units, so a single region can be scored against its masterplan.
=============  =============================================================================

The array kernel :func:`normalise_array` works on ``X[..., units, indicators]`` with any
leading dimensions (e.g. replications x years), normalising along the ``units`` axis; the
tidy wrapper :func:`normalise` works on a long or wide DataFrame.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.scoring.ranks import rank_min

__all__ = ["METHODS", "normalise_array", "normalise", "percentile_rank", "CONSTANT_TOLERANCE"]

METHODS = ("none", "minmax", "zscore", "goalposts", "rank", "target")


def _as_vector(values, n: int, default: float, name: str) -> np.ndarray:
    if values is None:
        return np.full(n, default, dtype=float)
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape[-1] != n:
        raise ValueError(f"{name} has {arr.shape[-1]} entries for {n} indicators")
    return arr


def percentile_rank(X: np.ndarray, axis: int = -2) -> np.ndarray:
    """COINr ``n_prank`` along ``axis``: ``(rank_min - 1) / (n - 1)``, NaN kept.

    ``rank_min`` is 1 for the lowest value, ties share the lowest rank (R ``rank(x,
    ties.method = "min", na.last = "keep")``; values equal to
    :data:`~smartcity_eval.vocab.TIE_DECIMALS` decimals tie, see
    :func:`smartcity_eval.scoring.ranks.rank_min`); ``n`` is the number of non-missing
    values. Result in [0, 1]; NaN where the value is missing or ``n < 2``.
    """
    X = np.asarray(X, dtype=float)
    ranks = rank_min(X, axis=axis, descending=False)
    n = (~np.isnan(X)).sum(axis=axis, keepdims=True).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (ranks - 1.0) / (n - 1.0)
    return np.where(n < 2, np.nan, out)


#: Relative spread below which an indicator counts as not varying within its scope.
CONSTANT_TOLERANCE = 1e-12


def _varies(mn: np.ndarray, mx: np.ndarray) -> np.ndarray:
    """Whether an indicator varies within its scope: ``max - min`` above
    :data:`CONSTANT_TOLERANCE` times the larger magnitude (False for 0 or 1 value)."""
    scale = np.fmax(np.abs(mn), np.abs(mx))
    with np.errstate(invalid="ignore"):
        return (mx - mn) > CONSTANT_TOLERANCE * np.where(scale > 0, scale, 1.0)


def normalise_array(
    X: np.ndarray,
    method: str = "minmax",
    *,
    direction: Sequence[float] | np.ndarray | None = None,
    lower: Sequence[float] | np.ndarray | None = None,
    upper: Sequence[float] | np.ndarray | None = None,
    target: np.ndarray | float | None = None,
    range: tuple[float, float] = (0.0, 100.0),  # noqa: A002 - the option's name (Settings.range)
    axis: int = -2,
    names: Sequence[str] | None = None,
) -> np.ndarray:
    """Normalise ``X[..., units, indicators]`` per indicator along the ``units`` axis.

    Parameters
    ----------
    X : float array, last axis = indicators, ``axis`` = units (default -2); any leading
        dimensions (replications, years) are independent scopes. NaN = missing (kept).
    method : one of :data:`METHODS` (see the module docstring for the formulas).
    direction : +1/-1 per indicator (default all +1). Applied by multiplying ``X`` first.
    lower, upper : goalposts per indicator (method ``goalposts``), raw units.
    target : targets in raw units, broadcastable to ``X`` (method ``target``): one per
        indicator, or one per cell for region-specific targets.
    range : ``(lo, hi)`` output range of minmax, goalposts, rank and target (default 0-100).
    names : indicator codes, for error messages.

    Returns
    -------
    Array of the shape of ``X``.

    Raises
    ------
    DataError : goalposts without bounds, target without a positive target.
    """
    if method not in METHODS:
        raise DataError(
            Problem(
                None,
                None,
                "normalise",
                f"unknown normalisation '{method}'",
                "use one of: " + ", ".join(METHODS),
            )
        )
    X = np.asarray(X, dtype=float)
    n = X.shape[-1]
    lo, hi = float(range[0]), float(range[1])
    d = _as_vector(direction, n, 1.0, "direction")
    labels = list(names) if names is not None else [f"indicator {i + 1}" for i in np.arange(n)]

    if method == "none":
        return X * d
    if method == "minmax":
        xd = X * d
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mn = np.fmin.reduce(xd, axis=axis, keepdims=True)
            mx = np.fmax.reduce(xd, axis=axis, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(_varies(mn, mx), (xd - mn) / (mx - mn) * (hi - lo) + lo, np.nan)
    if method == "zscore":
        xd = X * d
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(xd, axis=axis, keepdims=True)
            sd = np.nanstd(xd, axis=axis, ddof=1, keepdims=True)
            varies = _varies(
                np.fmin.reduce(xd, axis=axis, keepdims=True),
                np.fmax.reduce(xd, axis=axis, keepdims=True),
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(varies, (xd - mean) / sd, np.nan)
    if method == "goalposts":
        L = _as_vector(lower, n, np.nan, "lower")
        U = _as_vector(upper, n, np.nan, "upper")
        bad = np.isnan(L) | np.isnan(U)
        if bad.any():
            raise DataError(
                [
                    Problem(
                        None,
                        None,
                        "lower" if np.isnan(L[i]) else "upper",
                        f"goalposts normalisation needs 'lower' and 'upper' for '{labels[i]}'",
                        "set lower and upper in framework.csv, or use --normalise minmax",
                        f"normalisasi goalposts memerlukan 'lower' dan 'upper' untuk '{labels[i]}'",
                    )
                    for i in np.flatnonzero(bad)
                ]
            )
        y = np.where(d > 0, (X - L) / (U - L), (U - X) / (U - L))
        return np.clip(y, 0.0, 1.0) * (hi - lo) + lo
    if method == "rank":
        return percentile_rank(X * d, axis=axis) * (hi - lo) + lo
    # target
    if target is None:
        raise DataError(
            Problem(
                None,
                None,
                "target",
                "target normalisation needs targets",
                "add targets.csv or a 'target' column in framework.csv",
            )
        )
    t = np.broadcast_to(np.asarray(target, dtype=float), X.shape)
    needed = ~np.isnan(X)
    missing = needed & ~(t > 0)
    if missing.any():
        cols = sorted(set(np.nonzero(missing)[-1].tolist()))
        raise DataError(
            [
                Problem(
                    None,
                    None,
                    "target",
                    f"no positive target for '{labels[i]}'",
                    "give a target > 0 in targets.csv or framework.csv",
                    f"tidak ada target positif untuk '{labels[i]}'",
                )
                for i in cols
            ]
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(d > 0, X / t, t / X)
    ratio = np.where(np.isnan(X), np.nan, ratio)
    return np.clip(ratio, 0.0, 1.0) * (hi - lo) + lo


def normalise(
    values: pd.DataFrame,
    method: str = "minmax",
    *,
    framework=None,
    direction: dict[str, float] | pd.Series | None = None,
    lower: dict[str, float] | pd.Series | None = None,
    upper: dict[str, float] | pd.Series | None = None,
    target: dict[str, float] | pd.Series | None = None,
    range: tuple[float, float] = (0.0, 100.0),  # noqa: A002
    scope: str = "year",
) -> pd.DataFrame:
    """Normalise a table of indicator values (tidy or wide) per indicator.

    Parameters
    ----------
    values : either tidy (columns ``region, year, indicator, value``; the result has a
        ``value`` column holding the normalised value), or wide (one row per unit, one
        column per indicator; every row is one unit of a single scope).
    method : see :data:`METHODS`.
    framework : a Framework giving direction, lower, upper and target per indicator; the
        explicit ``direction``/``lower``/``upper``/``target`` mappings override it.
    range : output range ``(lo, hi)``.
    scope : tidy input only: ``"year"`` normalises each year separately, ``"all"`` pools
        all years (so that scores compare across years).

    Returns
    -------
    A DataFrame shaped like ``values``.
    """
    tidy = {"region", "year", "indicator", "value"} <= set(values.columns)
    if tidy:
        wide = values.set_index(["year", "region", "indicator"])["value"].unstack("indicator")
        codes = [str(c) for c in wide.columns]
    else:
        wide = values
        codes = [str(c) for c in values.columns]

    def per_code(mapping, column: str, default: float) -> np.ndarray:
        out = np.full(len(codes), default)
        if framework is not None:
            col = framework.nodes[column].reindex(codes)
            out = np.where(col.notna(), col.to_numpy(dtype=float), out)
        if mapping is not None:
            m = pd.Series(mapping, dtype=float).reindex(codes)
            out = np.where(m.notna(), m.to_numpy(dtype=float), out)
        return out

    d = per_code(direction, "direction", 1.0)
    L = per_code(lower, "lower", np.nan)
    U = per_code(upper, "upper", np.nan)
    T = per_code(target, "target", np.nan)
    X = wide.to_numpy(dtype=float)
    if tidy and scope == "year":
        out = np.empty_like(X)
        years = wide.index.get_level_values("year").to_numpy()
        for y in np.unique(years):
            rows = years == y
            out[rows] = normalise_array(
                X[rows],
                method,
                direction=d,
                lower=L,
                upper=U,
                target=T,
                range=range,
                names=codes,
            )
    else:
        out = normalise_array(
            X, method, direction=d, lower=L, upper=U, target=T, range=range, names=codes
        )
    result = pd.DataFrame(out, index=wide.index, columns=wide.columns)
    if not tidy:
        return result
    long = result.stack(future_stack=True).rename("value").reset_index()
    keyed = values.drop(columns=["value"]).merge(
        long, on=["year", "region", "indicator"], how="left"
    )
    return keyed
