"""Outlier treatment as COINr's ``Treat`` does it by default (R/treat.R, COINr >= 1.0).

For each indicator within a scope (the regions of one year, or all region-years pooled):

1. **Pass test** (``check_SkewKurt``): the indicator passes when ``|skewness| < 2`` **or**
   ``kurtosis < 3.5``. Skewness and kurtosis are the *sample* statistics of
   ``e1071::skewness``/``e1071::kurtosis`` with ``type = 2`` (the ones Excel's SKEW and
   KURT give): with ``m_k = sum((x - mean)^k)``,

   ``skew = sqrt(n) m_3 / m_2^(3/2) * sqrt(n (n - 1)) / (n - 2)``  (needs n >= 3)

   ``kurt = ((n + 1) (r - 3) + 6) (n - 1) / ((n - 2) (n - 3))``, ``r = n m_4 / m_2^2``
   — an **excess** kurtosis (0 for a normal distribution; needs n >= 4).
2. **Winsorisation** (``winsorise``, ``winmax = 5``): while failing, if ``skew >= 0`` every
   point equal to the maximum is set to the largest value below it (else the minimum side,
   symmetrically); the count of winsorised points is the number tied at the current
   extreme(s) (COINr's ``nwin <- length(imax) + length(imin)``), and the loop stops when
   the test passes or that count reaches 5.
3. **Log transform** if it still fails: COINr's ``log_CT`` applied to the *original*
   values (``combine_treat = FALSE``): ``log(x - min(x) + 0.01 (max(x) - min(x)))``.

Deviations from COINr, where COINr would stop with an error or do nothing useful: an
indicator with fewer than 4 values in the scope, or with zero variance (skew is NaN; COINr
returns it untreated with a warning), is left untreated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "skew",
    "kurt",
    "check_skew_kurt",
    "winsorise",
    "log_ct",
    "treat_vector",
    "treat_cube",
    "check_log_treatment",
    "RAW_UNIT_METHODS",
    "Treatment",
    "SKEW_THRESH",
    "KURT_THRESH",
    "WINMAX",
]

SKEW_THRESH = 2.0
KURT_THRESH = 3.5
WINMAX = 5


def _centred(x: np.ndarray, min_n: int) -> tuple[np.ndarray, float] | None:
    """The non-NaN values of ``x`` minus their mean, and the sum of their squares; None if
    fewer than ``min_n`` values or zero variance (skewness and kurtosis are then NaN)."""
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) < min_n:
        return None
    d = x - x.mean()
    m2 = np.sum(d**2)
    if m2 == 0:
        return None
    return d, m2


def skew(x: np.ndarray) -> float:
    """Sample skewness, e1071 type 2 (COINr ``skew``); NaN values dropped; NaN if n < 3."""
    centred = _centred(x, 3)
    if centred is None:
        return math.nan
    d, m2 = centred
    n = len(d)
    y = math.sqrt(n) * np.sum(d**3) / m2**1.5
    return float(y * math.sqrt(n * (n - 1)) / (n - 2))


def kurt(x: np.ndarray) -> float:
    """Sample excess kurtosis, e1071 type 2 (COINr ``kurt``); NaN dropped; NaN if n < 4."""
    centred = _centred(x, 4)
    if centred is None:
        return math.nan
    d, m2 = centred
    n = len(d)
    r = n * np.sum(d**4) / m2**2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def check_skew_kurt(
    x: np.ndarray, skew_thresh: float = SKEW_THRESH, kurt_thresh: float = KURT_THRESH
) -> bool | None:
    """COINr ``check_SkewKurt``: ``|skew| < skew_thresh or kurt < kurt_thresh``.

    None when undefined (fewer than 4 values, where COINr's ``kurt`` stops with an error;
    zero variance, where R gives NA).
    """
    if np.count_nonzero(~np.isnan(np.asarray(x, dtype=float))) < 4:
        return None
    sk, kt = skew(x), kurt(x)
    a = None if math.isnan(sk) else abs(sk) < skew_thresh
    b = None if math.isnan(kt) else kt < kurt_thresh
    if a is True or b is True:
        return True  # R: TRUE | NA is TRUE
    if a is None or b is None:
        return None
    return False


def winsorise(
    x: np.ndarray,
    winmax: int = WINMAX,
    skew_thresh: float = SKEW_THRESH,
    kurt_thresh: float = KURT_THRESH,
) -> tuple[np.ndarray, np.ndarray, int]:
    """COINr ``winsorise``: returns ``(x_winsorised, flags, nwin)``.

    ``flags`` is an array of "" / "winhi" / "winlo" as COINr's ``treated``.
    """
    x = np.asarray(x, dtype=float).copy()
    passing = check_skew_kurt(x, skew_thresh, kurt_thresh)
    imax: np.ndarray = np.array([], dtype=int)
    imin: np.ndarray = np.array([], dtype=int)
    nwin = 0
    if passing is False:
        below = nwin < winmax
        while passing is False and below:
            if skew(x) >= 0:
                mx = np.nanmax(x)
                imax = np.flatnonzero(x == mx)
                rest = np.delete(x, imax)
                x[imax] = np.nanmax(rest)
            else:
                mn = np.nanmin(x)
                imin = np.flatnonzero(x == mn)
                rest = np.delete(x, imin)
                x[imin] = np.nanmin(rest)
            nwin = len(imax) + len(imin)
            below = nwin < winmax
            passing = check_skew_kurt(x, skew_thresh, kurt_thresh)
    flags = np.full(len(x), "", dtype=object)
    flags[imax] = "winhi"
    flags[imin] = "winlo"
    return x, flags, nwin


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr ``log_CT``: ``log(x - min(x) + 0.01 * (max(x) - min(x)))`` (NaN ignored)."""
    x = np.asarray(x, dtype=float)
    mn, mx = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - mn + 0.01 * (mx - mn))


@dataclass(frozen=True)
class Treatment:
    """What happened to one indicator in one scope."""

    status: str  # "pass", "winsorised", "log", "untestable"
    skew: float
    kurt: float
    nwin: int
    skew_after: float
    kurt_after: float


def treat_vector(
    x: np.ndarray,
    winmax: int = WINMAX,
    skew_thresh: float = SKEW_THRESH,
    kurt_thresh: float = KURT_THRESH,
) -> tuple[np.ndarray, np.ndarray, Treatment]:
    """COINr ``Treat.numeric`` with its defaults (f1 = winsorise, f2 = log_CT,
    f_pass = check_SkewKurt, combine_treat = FALSE).

    Returns ``(x_treated, treated_mask, Treatment)``; NaN stay NaN.
    """
    x = np.asarray(x, dtype=float)
    sk0, kt0 = skew(x), kurt(x)
    passing = check_skew_kurt(x, skew_thresh, kurt_thresh)
    none = np.zeros(len(x), dtype=bool)
    if passing is None:
        return x.copy(), none, Treatment("untestable", sk0, kt0, 0, sk0, kt0)
    if passing:
        return x.copy(), none, Treatment("pass", sk0, kt0, 0, sk0, kt0)
    x1, flags, nwin = winsorise(x, winmax, skew_thresh, kurt_thresh)
    passing = check_skew_kurt(x1, skew_thresh, kurt_thresh)
    if passing is None:  # COINr: f_pass NA -> return the untreated vector
        return x.copy(), none, Treatment("untestable", sk0, kt0, 0, sk0, kt0)
    if passing:
        return x1, flags != "", Treatment("winsorised", sk0, kt0, nwin, skew(x1), kurt(x1))
    x2 = log_ct(x)
    mask = ~np.isnan(x)
    return x2, mask, Treatment("log", sk0, kt0, nwin, skew(x2), kurt(x2))


def treat_cube(
    X: np.ndarray,
    *,
    present: np.ndarray | None = None,
    scope: str = "year",
    winmax: int = WINMAX,
    skew_thresh: float = SKEW_THRESH,
    kurt_thresh: float = KURT_THRESH,
) -> tuple[np.ndarray, np.ndarray, list[tuple[int | None, int, Treatment]]]:
    """Treat ``X[years, regions, indicators]`` per indicator within each scope.

    Returns ``(X_treated, treated_mask, details)`` where details lists
    ``(year_index or None for pooled, indicator_index, Treatment)`` for every indicator
    that was winsorised or log-transformed.
    """
    X = np.asarray(X, dtype=float)
    n_y, n_r, n_i = X.shape
    if present is None:
        present = np.ones((n_y, n_r), dtype=bool)
    out = X.copy()
    mask = np.zeros(X.shape, dtype=bool)
    details: list[tuple[int | None, int, Treatment]] = []
    slices = [(None, present)] if scope == "all" else [(y, None) for y in range(n_y)]
    for y, _ in slices:
        for i in range(n_i):
            if y is None:
                sel = present
                vals = X[:, :, i][sel]
            else:
                sel = present[y]
                vals = X[y, :, i][sel]
            if np.count_nonzero(~np.isnan(vals)) < 4:
                continue
            new, m, info = treat_vector(vals, winmax, skew_thresh, kurt_thresh)
            if info.status in ("winsorised", "log"):
                if y is None:
                    plane = out[:, :, i]
                    plane[sel] = new
                    out[:, :, i] = plane
                    mplane = mask[:, :, i]
                    mplane[sel] = m
                    mask[:, :, i] = mplane
                else:
                    row = out[y, :, i]
                    row[sel] = new
                    out[y, :, i] = row
                    mrow = mask[y, :, i]
                    mrow[sel] = m
                    mask[y, :, i] = mrow
                details.append((y, i, info))
    return out, mask, details


#: Normalisations that read raw units (goalposts, targets, or the raw value itself), which
#: a log-transformed indicator no longer has.
RAW_UNIT_METHODS = ("none", "goalposts", "target")


def check_log_treatment(
    details: list[tuple[int | None, int, Treatment]],
    normalise: str,
    indicators: list[str],
    years: list[int],
) -> None:
    """Refuse a normalisation in raw units after a log transform.

    COINr's ``log_CT`` turns an indicator into ``log(x - min + 0.01 (max - min))``; its
    goalposts (``lower``/``upper``), targets and raw levels are still in the raw units, so
    ``goalposts``, ``target`` or ``none`` would mix the two scales. Rather than transform
    the bounds (which would depend on each scope's min and max), the combination is refused:
    raises :class:`~smartcity_eval.settings.ParameterError` naming the first indicator and
    year (or "all years") that was log-transformed, and the fix (a normalisation relative
    to the other units, ``minmax``, ``zscore`` or ``rank``, or outliers off).
    """
    if normalise not in RAW_UNIT_METHODS:
        return
    logged = [(y, i) for y, i, info in details if info.status == "log"]
    if not logged:
        return
    from smartcity_eval.settings import ParameterError

    y, i = logged[0]
    when = "all years pooled" if y is None else f"year {years[y]}"
    more = f" and {len(logged) - 1} more" if len(logged) > 1 else ""
    raise ParameterError(
        "normalise",
        normalise,
        f"minmax, zscore or rank, or outliers=false: outlier treatment log-transformed "
        f"'{indicators[i]}' ({when}){more}, whose {normalise} normalisation reads raw units",
    )
