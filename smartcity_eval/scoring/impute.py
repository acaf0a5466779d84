"""Imputation of missing indicator values (OECD/JRC Handbook 2008, step 3; COINr ``Impute``).

Methods, each applied per indicator and only to region-years that exist in the data:

================  =========================================================================
``mean``          the mean of the indicator's non-missing values within the scope (COINr
                  ``i_mean``): the regions of the same year, or all region-years pooled.
``median``        the median likewise (COINr ``i_median``, R ``stats::median``: the mean of
                  the two middle values for an even count).
``group_mean``    the mean within the same peer group (``groups``: region -> group) and
                  scope (COINr ``i_mean_grp``); regions without a group are left missing.
``last``          panels: the region's last known earlier value (last observation carried
                  forward, LOCF); nothing before the first observation.
``interpolate``   panels: linear interpolation in the year between the region's nearest
                  known earlier and later values; gaps at either end stay missing.
================  =========================================================================

A value that cannot be imputed (e.g. every value of the indicator in the scope is missing)
stays missing. The functions return the filled array and a boolean mask of imputed cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from smartcity_eval.errors import DataError, Problem

__all__ = ["METHODS", "impute_cube", "impute_vector", "groups_array"]

METHODS = ("mean", "median", "group_mean", "last", "interpolate")


def impute_vector(
    x: np.ndarray, method: str = "mean", groups: Sequence | None = None
) -> np.ndarray:
    """Impute one vector of values of one indicator within one scope (COINr ``i_mean``,
    ``i_median``, ``i_mean_grp``). ``groups`` (same length, None = no group) for group_mean."""
    x = np.asarray(x, dtype=float).copy()
    nan = np.isnan(x)
    if not nan.any() or nan.all():
        return x
    if method == "mean":
        x[nan] = x[~nan].mean()
    elif method == "median":
        x[nan] = np.median(x[~nan])
    elif method == "group_mean":
        if groups is None:
            raise ValueError("group_mean needs groups")
        g = np.asarray(groups, dtype=object)
        for grp in {v for v in g if v is not None and v == v}:
            sel = g == grp
            known = sel & ~nan
            if known.any():
                x[sel & nan] = x[known].mean()
    else:
        raise ValueError(f"impute_vector does not do '{method}'")
    return x


def impute_cube(
    X: np.ndarray,
    method: str,
    *,
    present: np.ndarray | None = None,
    years: Sequence[int] | None = None,
    groups: Sequence | None = None,
    scope: str = "year",
) -> tuple[np.ndarray, np.ndarray]:
    """Impute ``X[years, regions, indicators]``.

    Parameters
    ----------
    X : the raw values, NaN = missing.
    method : one of :data:`METHODS`.
    present : ``[years, regions]`` bool, the region-years that exist (default all); others
        are never filled nor used.
    years : the year of each slice along axis 0 (for ``interpolate``; default 0, 1, ...).
    groups : the group of each region (axis 1) for ``group_mean``; None = no group.
    scope : ``"year"``: statistics over the regions of each year; ``"all"``: pooled.

    Returns
    -------
    ``(X_filled, imputed)``, ``imputed`` a bool array of the cells that were filled.
    """
    if method not in METHODS:
        raise DataError(
            Problem(
                None,
                None,
                "impute",
                f"unknown imputation '{method}'",
                "use one of: " + ", ".join(METHODS),
            )
        )
    X = np.asarray(X, dtype=float)
    n_y, n_r, n_i = X.shape
    if present is None:
        present = np.ones((n_y, n_r), dtype=bool)
    pres3 = np.broadcast_to(present[:, :, None], X.shape)
    work = np.where(pres3, X, np.nan)
    out = work.copy()
    if method in ("mean", "median"):
        if scope == "all":
            flat = work.reshape(n_y * n_r, n_i)
            stat = _stat(flat, method, axis=0)[None, None, :]
        else:
            stat = _stat(work, method, axis=1)[:, None, :]
        out = np.where(np.isnan(work), stat, work)
    elif method == "group_mean":
        if groups is None:
            raise DataError(
                Problem(
                    None,
                    None,
                    "groups",
                    "group_mean imputation needs peer groups",
                    "give each region a group (score(..., groups={region: group}), "
                    "or --groups FILE with columns region, group)",
                )
            )
        g = np.asarray([None if v is None or v != v else str(v) for v in groups], dtype=object)
        for grp in sorted({v for v in g if v is not None}):
            sel = g == grp
            sub = work[:, sel, :]
            if scope == "all":
                stat = _stat(sub.reshape(-1, n_i), "mean", axis=0)[None, None, :]
            else:
                stat = _stat(sub, "mean", axis=1)[:, None, :]
            out[:, sel, :] = np.where(np.isnan(sub), stat, sub)
    elif method == "last":
        # LOCF along years: index of the last non-missing year so far
        known = ~np.isnan(work)
        idx = np.where(known, np.arange(n_y)[:, None, None], -1)
        last = np.maximum.accumulate(idx, axis=0)
        filled = np.take_along_axis(work, np.maximum(last, 0), axis=0)
        out = np.where(known, work, np.where(last >= 0, filled, np.nan))
    else:  # interpolate
        t = np.asarray(years if years is not None else np.arange(n_y), dtype=float)
        known = ~np.isnan(work)
        prev = np.maximum.accumulate(np.where(known, np.arange(n_y)[:, None, None], -1), axis=0)
        nxt_rev = np.minimum.accumulate(
            np.where(known, np.arange(n_y)[:, None, None], n_y)[::-1], axis=0
        )[::-1]
        ok = (prev >= 0) & (nxt_rev < n_y) & ~known
        p = np.clip(prev, 0, n_y - 1)
        q = np.clip(nxt_rev, 0, n_y - 1)
        xp = np.take_along_axis(work, p, axis=0)
        xq = np.take_along_axis(work, q, axis=0)
        tp, tq = t[p], t[q]
        tt = np.broadcast_to(t[:, None, None], X.shape)
        with np.errstate(invalid="ignore", divide="ignore"):
            interp = xp + (xq - xp) * (tt - tp) / (tq - tp)
        out = np.where(ok, interp, work)
    out = np.where(pres3, out, X)
    imputed = pres3 & np.isnan(X) & ~np.isnan(out)
    return out, imputed


def _stat(a: np.ndarray, method: str, axis: int) -> np.ndarray:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == "median":
            return np.nanmedian(a, axis=axis)
        return np.nanmean(a, axis=axis)


def groups_array(regions: Sequence[str], groups: Mapping[str, str] | None) -> list:
    """The group of each region from a mapping (None where the region has none)."""
    if groups is None:
        return [None] * len(regions)
    return [groups.get(r) for r in regions]
