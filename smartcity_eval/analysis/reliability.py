"""Inter-assessor agreement: intraclass correlations, Fleiss' kappa, Krippendorff's alpha.

In the Kominfo smart-city evaluation and in SPBE evaluations, each item (one indicator of
one region in one year) is scored by several assessors on whole-number maturity levels,
after the region's own self-assessment. This module measures how far the assessors agree.

Two layers:

* one pure function per statistic, on a *wide matrix*: one row per item, one column per
  assessor, ``NaN`` where an assessor did not score an item (a numpy array or a DataFrame):
  :func:`icc`, :func:`fleiss_kappa`, :func:`fleiss_kappa_from_counts`,
  :func:`krippendorff_alpha`, :func:`coincidence_matrix`, :func:`exact_agreement`;
* table functions on the tidy ``assessments`` table (columns ``region, year, indicator,
  assessor, score`` and optionally ``stage``, ``evidence``, see docs/columns.md and :mod:`smartcity_eval.analysis.assessments`):
  :func:`agreement` (one row of statistics per group, e.g. per region and year),
  :func:`item_disagreement` (the items the assessors disagree on most),
  :func:`assessor_scores` and :func:`wide_scores` (the tidy -> wide step).

Rows whose ``stage`` is ``self`` (the self-assessment, case-insensitive) are not an
assessor's score and are left out by default; ``stage=`` selects stages explicitly.

When a statistic is undefined for the data given (for example every score is the same, so
a chance-corrected coefficient is 0/0), the statistic functions return ``NaN`` and emit an
:class:`UndefinedStatisticWarning` saying why; :func:`agreement` writes the same reason into
its ``note`` column instead of warning. Malformed input (not two-dimensional, infinite
values, negative counts) raises ``ValueError``; problems in an assessments table raise
:class:`smartcity_eval.errors.DataError`.

References
----------
Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
reliability. *Psychological Bulletin*, 86(2), 420-428. https://doi.org/10.1037/0033-2909.86.2.420

McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass correlation
coefficients. *Psychological Methods*, 1(1), 30-46. https://doi.org/10.1037/1082-989X.1.1.30

Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. *Psychological
Bulletin*, 76(5), 378-382. https://doi.org/10.1037/h0031619

Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43

Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability
measure for coding data. *Communication Methods and Measures*, 1(1), 77-89.
https://doi.org/10.1080/19312450709336664
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.analysis._ratings import (
    RTOL,
    UndefinedStatisticWarning,
    as_matrix,
    category_counts,
    warn_undefined,
)
from smartcity_eval.analysis.assessments import ITEM, assessor_scores, file_of, wide_scores
from smartcity_eval.analysis.krippendorff import (
    LEVELS,
    alpha_and_reasons,
    coincidence_matrix,
    krippendorff_alpha,
)
from smartcity_eval.errors import DataError, Problem, did_you_mean

__all__ = [
    "LEVELS",
    "ICC_KEYS",
    "AGREEMENT_COLUMNS",
    "UndefinedStatisticWarning",
    "icc",
    "fleiss_kappa",
    "fleiss_kappa_from_counts",
    "krippendorff_alpha",
    "coincidence_matrix",
    "exact_agreement",
    "agreement",
    "item_disagreement",
]

#: Keys of the six Shrout & Fleiss intraclass correlations returned by :func:`icc`.
ICC_KEYS: tuple[str, ...] = ("icc1", "icc2", "icc3", "icc1k", "icc2k", "icc3k")
#: The statistic columns of :func:`agreement`, after the ``by`` columns.
AGREEMENT_COLUMNS: tuple[str, ...] = (
    "n_items",
    "n_assessors",
    "n_complete",
    *ICC_KEYS,
    "fleiss_kappa",
    "alpha_nominal",
    "alpha_ordinal",
    "alpha_interval",
    "alpha_ratio",
    "exact_agreement",
    "note",
)

_ICC_LABELS = {
    "icc1": "ICC(1,1)",
    "icc2": "ICC(2,1)",
    "icc3": "ICC(3,1)",
    "icc1k": "ICC(1,k)",
    "icc2k": "ICC(2,k)",
    "icc3k": "ICC(3,k)",
}
# --------------------------------------------------------------------------------------
# Intraclass correlations
# --------------------------------------------------------------------------------------


def _icc(x: np.ndarray) -> tuple[dict[str, float], list[str]]:
    complete = x[~np.isnan(x).any(axis=1)]
    n, k = complete.shape
    nan = float("nan")
    out: dict[str, float] = dict.fromkeys(ICC_KEYS, nan)
    out.update(n_items=n, n_raters=k, bms=nan, wms=nan, jms=nan, ems=nan)
    if k < 2:
        return out, ["ICC: fewer than 2 assessors"]
    if n < 2:
        return out, ["ICC: fewer than 2 items scored by every assessor"]
    grand = complete.mean()
    row_means = complete.mean(axis=1)
    col_means = complete.mean(axis=0)
    ss_total = float(((complete - grand) ** 2).sum())
    ss_rows = float(k * ((row_means - grand) ** 2).sum())
    ss_cols = float(n * ((col_means - grand) ** 2).sum())
    resid = complete - row_means[:, None] - col_means[None, :] + grand
    ss_err = float((resid**2).sum())
    scale = n * k * max(1.0, grand**2)
    if ss_total <= RTOL * scale:
        ss_total = ss_rows = ss_cols = ss_err = 0.0
    else:
        ss_rows, ss_cols, ss_err = (
            s if s > RTOL * ss_total else 0.0 for s in (ss_rows, ss_cols, ss_err)
        )
    bms = ss_rows / (n - 1)
    wms = (ss_total - ss_rows) / (n * (k - 1))
    jms = ss_cols / (k - 1)
    ems = ss_err / ((n - 1) * (k - 1))
    out.update(bms=bms, wms=wms, jms=jms, ems=ems)
    if ss_total == 0.0:
        return out, ["ICC: every score is the same, so there is no variance to compare (0/0)"]
    fractions = {
        "icc1": (bms - wms, bms + (k - 1) * wms),
        "icc2": (bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n),
        "icc3": (bms - ems, bms + (k - 1) * ems),
        "icc1k": (bms - wms, bms),
        "icc2k": (bms - ems, bms + (jms - ems) / n),
        "icc3k": (bms - ems, bms),
    }
    tiny = RTOL * max(bms, wms, jms, ems)
    undefined = []
    for key, (num, den) in fractions.items():
        if abs(den) <= tiny:
            undefined.append(_ICC_LABELS[key])
        else:
            out[key] = float(num / den)
    reasons = []
    if undefined:
        why = "the items' mean scores do not differ" if bms == 0.0 else "a denominator is 0"
        reasons.append(f"ICC: {', '.join(undefined)} undefined ({why})")
    return out, reasons


def icc(matrix: Any) -> dict[str, float]:
    """The six intraclass correlations of Shrout & Fleiss (1979).

    Parameters
    ----------
    matrix : array-like or DataFrame, shape (n_items, n_assessors)
        Scores, one row per item (target), one column per assessor (judge); NaN = missing.
        Only *complete* rows (items scored by every assessor) are used, as the ANOVA
        formulas require a balanced design.

    Returns
    -------
    dict
        ``icc1, icc2, icc3, icc1k, icc2k, icc3k`` (floats, NaN where undefined),
        ``n_items`` (complete rows used, n), ``n_raters`` (k), and the mean squares
        ``bms, wms, jms, ems``.

    Notes
    -----
    With n items, k assessors, :math:`\\bar x` the grand mean, :math:`\\bar x_{i.}` item
    means and :math:`\\bar x_{.j}` assessor means, the two-way ANOVA gives

    * BMS = :math:`k \\sum_i (\\bar x_{i.} - \\bar x)^2 / (n-1)` (between items),
    * WMS = (SS_total - SS_items) / (n (k-1)) (within items),
    * JMS = :math:`n \\sum_j (\\bar x_{.j} - \\bar x)^2 / (k-1)` (between assessors),
    * EMS = :math:`\\sum_{ij} (x_{ij} - \\bar x_{i.} - \\bar x_{.j} + \\bar x)^2 / ((n-1)(k-1))`.

    ========  =========================================  ===============================
    key       formula                                    model (Shrout & Fleiss)
    ========  =========================================  ===============================
    icc1      (BMS-WMS) / (BMS+(k-1)WMS)                 one-way random, single score
    icc2      (BMS-EMS) / (BMS+(k-1)EMS+k(JMS-EMS)/n)    two-way random, absolute agreement
    icc3      (BMS-EMS) / (BMS+(k-1)EMS)                 two-way mixed, consistency
    icc1k     (BMS-WMS) / BMS                            ICC(1,k): mean of k assessors
    icc2k     (BMS-EMS) / (BMS+(JMS-EMS)/n)              ICC(2,k)
    icc3k     (BMS-EMS) / BMS                            ICC(3,k)
    ========  =========================================  ===============================

    Range: at most 1 (perfect agreement); single-score ICCs can be as low as -1/(k-1), and
    the average-score ones are unbounded below. ICC(2,·) penalises systematic differences
    between assessors (a strict assessor), ICC(3,·) does not (McGraw & Wong 1996 call them
    absolute agreement and consistency). An ICC whose denominator is 0 (e.g. the items' mean
    scores do not differ, BMS = 0) is returned as NaN with an
    :class:`UndefinedStatisticWarning`; so are all six with fewer than 2 complete items or
    fewer than 2 assessors.

    References
    ----------
    Shrout & Fleiss (1979), Psychological Bulletin 86(2), 420-428, Tables 1-4.
    McGraw & Wong (1996), Psychological Methods 1(1), 30-46.

    Examples
    --------
    Shrout & Fleiss (1979), Table 2 (6 targets x 4 judges); Table 4 prints
    .17, .29, .71, .44, .62, .91:

    >>> data = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> r = icc(data)
    >>> [round(r[key], 2) for key in ICC_KEYS]
    [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    """
    out, reasons = _icc(as_matrix(matrix))
    warn_undefined(reasons)
    return out


# --------------------------------------------------------------------------------------
# Fleiss' kappa
# --------------------------------------------------------------------------------------


def _fleiss_counts(counts: np.ndarray) -> tuple[float, list[str]]:
    counts = counts[counts.sum(axis=1) > 0]
    if counts.shape[0] == 0:
        return float("nan"), ["Fleiss' kappa: no item was scored"]
    raters = counts.sum(axis=1)
    if (raters != raters[0]).any():
        return float("nan"), [
            "Fleiss' kappa: items were scored by different numbers of assessors "
            f"({int(raters.min())} to {int(raters.max())}); it needs the same number for every item"
        ]
    n = float(raters[0])
    if n < 2:
        return float("nan"), ["Fleiss' kappa: each item has only 1 score"]
    n_items = counts.shape[0]
    p = counts.sum(axis=0) / (n_items * n)
    p_i = ((counts**2).sum(axis=1) - n) / (n * (n - 1))
    p_bar = float(p_i.mean())
    p_e = float((p**2).sum())
    if 1.0 - p_e <= RTOL:
        return float("nan"), [
            "Fleiss' kappa: every score is the same, so chance agreement is 1 and kappa is 0/0"
        ]
    return float((p_bar - p_e) / (1.0 - p_e)), []


def fleiss_kappa_from_counts(counts: Any) -> float:
    """Fleiss' kappa from a table of counts (items x categories).

    Parameters
    ----------
    counts : array-like, shape (n_items, n_categories)
        ``counts[i, j]`` = number of raters who put item i in category j: non-negative
        whole numbers, every row summing to the same number of raters n >= 2 (rows summing
        to 0, i.e. items nobody rated, are dropped).

    Returns
    -------
    float
        Kappa in [-1, 1] (in fact >= -1/(n-1)); 1 = perfect agreement, 0 = the agreement
        expected by chance. NaN with an :class:`UndefinedStatisticWarning` when rows sum to
        different numbers of raters, when n < 2, or when all ratings fall into one category
        (chance agreement P_e = 1, kappa = 0/0).

    Notes
    -----
    With N items, n raters per item and :math:`n_{ij}` the counts:

    * :math:`p_j = \\sum_i n_{ij} / (N n)` (share of all ratings in category j),
    * :math:`P_i = (\\sum_j n_{ij}^2 - n) / (n (n-1))` (agreeing pairs of raters on item i),
    * :math:`\\bar P = \\frac{1}{N}\\sum_i P_i`, :math:`\\bar P_e = \\sum_j p_j^2`,
    * :math:`\\kappa = (\\bar P - \\bar P_e) / (1 - \\bar P_e)`.

    The categories are treated as nominal (the order of maturity levels is ignored; see
    :func:`krippendorff_alpha` for ordinal and interval agreement).

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    Psychological Bulletin, 76(5), 378-382.

    Examples
    --------
    The worked example of Wikipedia's "Fleiss' kappa" article (10 subjects, 14 raters,
    5 categories):

    >>> table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
    ...          [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
    ...          [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    >>> round(fleiss_kappa_from_counts(table), 3)
    0.21
    """
    table = np.array(counts, dtype=float)
    if table.ndim != 2:
        raise ValueError(
            f"expected a 2-dimensional table (items x categories), got {table.ndim} dimension(s)"
        )
    if not np.isfinite(table).all() or (table < 0).any() or (table != np.round(table)).any():
        raise ValueError("counts must be non-negative whole numbers")
    kappa, reasons = _fleiss_counts(table)
    warn_undefined(reasons)
    return kappa


def fleiss_kappa(matrix: Any) -> float:
    """Fleiss' kappa from a wide matrix of scores (items x assessors), scores as categories.

    Parameters
    ----------
    matrix : array-like or DataFrame, shape (n_items, n_assessors)
        Scores (each distinct value is one nominal category), NaN = missing. Every item
        that has any score must have the same number n >= 2 of scores; the assessors need
        not be the same ones (Fleiss 1971). Items without any score are dropped.

    Returns
    -------
    float
        As :func:`fleiss_kappa_from_counts` (NaN with a warning when undefined, e.g. when
        the items have different numbers of scores).

    Notes
    -----
    The matrix is turned into a counts table (:math:`n_{ij}` = number of assessors who gave
    item i the score j, computed without a loop over items) and passed to the formula of
    :func:`fleiss_kappa_from_counts`.

    References
    ----------
    Fleiss (1971), Psychological Bulletin 76(5), 378-382.

    Examples
    --------
    Four items, three assessors each; chance agreement P_e = (5/12)^2 + (5/12)^2 + (2/12)^2
    = .375, observed agreement P = (1 + 1 + 1/3 + 1/3) / 4 = 2/3, kappa = (2/3 - .375)/.625:

    >>> round(fleiss_kappa([[1, 1, 1], [2, 2, 2], [3, 3, 2], [1, 2, 1]]), 4)
    0.4667
    """
    x = as_matrix(matrix)
    _, counts = category_counts(x)
    kappa, reasons = _fleiss_counts(counts)
    warn_undefined(reasons)
    return kappa


# --------------------------------------------------------------------------------------
# Exact agreement
# --------------------------------------------------------------------------------------


def _exact(x: np.ndarray) -> tuple[float, list[str]]:
    rated = x[(~np.isnan(x)).sum(axis=1) >= 2]
    if rated.shape[0] == 0:
        return float("nan"), ["exact agreement: no item was scored by 2 or more assessors"]
    same = np.nanmax(rated, axis=1) == np.nanmin(rated, axis=1)
    return float(same.mean()), []


def exact_agreement(matrix: Any) -> float:
    """Share of items on which all the assessors who scored it gave the same score.

    Parameters
    ----------
    matrix : array-like or DataFrame, shape (n_items, n_assessors)
        Scores, NaN = missing. Only items scored by at least 2 assessors count.

    Returns
    -------
    float
        In [0, 1]: (items whose given scores are all equal) / (items with >= 2 scores).
        NaN with an :class:`UndefinedStatisticWarning` when no item has 2 scores.

    Notes
    -----
    Raw percent agreement, not corrected for chance (compare :func:`fleiss_kappa` and
    :func:`krippendorff_alpha`); useful because it is easy to explain in a report.

    References
    ----------
    Hayes & Krippendorff (2007), on why percent agreement alone is not a reliability
    coefficient.

    Examples
    --------
    >>> exact_agreement([[1, 1, None], [2, 3, 2], [4, None, None], [5, 5, 5]])
    0.6666666666666666
    """
    share, reasons = _exact(as_matrix(matrix))
    warn_undefined(reasons)
    return share


def _statistics(x: np.ndarray) -> dict[str, Any]:
    """Every statistic of :func:`agreement` for one wide matrix, with the notes."""
    notes: list[str] = []
    m_u = (~np.isnan(x)).sum(axis=1)
    x = x[m_u > 0]
    m_u = m_u[m_u > 0]
    n_items, n_assessors = x.shape
    complete = x[m_u == n_assessors]
    row: dict[str, Any] = {
        "n_items": int(n_items),
        "n_assessors": int(n_assessors),
        "n_complete": int(complete.shape[0]),
    }
    if n_items == 0:
        nan = float("nan")
        empty = dict.fromkeys(AGREEMENT_COLUMNS[3:-1], nan)
        return {**row, **empty, "note": "no assessor scores"}
    values, reasons = _icc(x)
    row.update({key: values[key] for key in ICC_KEYS})
    notes += reasons

    _, counts = category_counts(x)
    if n_items and (m_u == m_u[0]).all():
        kappa, reasons = _fleiss_counts(counts)
    elif complete.shape[0] > 0 and n_assessors >= 2:
        _, counts = category_counts(complete)
        kappa, reasons = _fleiss_counts(counts)
        reasons = [
            *reasons,
            "Fleiss' kappa: items have different numbers of scores, so it uses the "
            f"{complete.shape[0]} items scored by every assessor",
        ]
    else:
        kappa = float("nan")
        reasons = [
            "Fleiss' kappa: items have different numbers of scores and none was scored by "
            "every assessor"
        ]
    if n_assessors < 2:
        kappa, reasons = float("nan"), ["Fleiss' kappa: fewer than 2 assessors"]
    row["fleiss_kappa"] = kappa
    notes += reasons

    negative = bool((x[~np.isnan(x)] < 0).any())
    for level in LEVELS:
        if level == "ratio" and negative:
            row["alpha_ratio"] = float("nan")
            notes.append("Krippendorff's alpha (ratio): some scores are below 0")
            continue
        alpha, reasons = alpha_and_reasons(x, level)
        row[f"alpha_{level}"] = alpha
        if reasons and level == "nominal":  # the same reason holds for every level
            notes += reasons

    share, reasons = _exact(x)
    row["exact_agreement"] = share
    notes += reasons
    row["note"] = "; ".join(notes)
    return row


def _by_columns(by: str | Sequence[str] | None, assessments: pd.DataFrame) -> list[str]:
    if by is None:
        return []
    columns = [by] if isinstance(by, str) else list(by)
    columns = [c.strip() for c in columns if c and c.strip()]
    bad = [c for c in columns if c not in ITEM]
    if bad:
        raise DataError(
            [
                Problem(
                    file_of(assessments),
                    None,
                    c,
                    f"cannot group by '{c}': groups are formed from region, year and indicator",
                    did_you_mean(c, ITEM),
                    f"tidak dapat dikelompokkan menurut '{c}'",
                )
                for c in bad
            ]
        )
    return columns


def agreement(
    assessments: pd.DataFrame,
    by: str | Sequence[str] | None = ("region", "year"),
    stage: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Inter-assessor agreement per group (by default per region and year).

    Parameters
    ----------
    assessments : DataFrame
        Tidy assessments table (``region, year, indicator, assessor, score`` + optional
        ``stage``); see :func:`assessor_scores`.
    by : str, sequence of str, or None
        Columns among ``region, year, indicator`` that define a group; each group's items
        are its (region, year, indicator) combinations. ``()`` or None gives one overall row
        over all items. Default ``("region", "year")``.
    stage : str, sequence of str, or None
        Which scores count: None (default) = every stage except the self-assessment
        (``self``); else only the stages named.

    Returns
    -------
    DataFrame
        One row per group, sorted by the ``by`` columns, with columns: the ``by`` columns;
        ``n_items`` (items with at least one score); ``n_assessors`` (distinct assessors);
        ``n_complete`` (items scored by every assessor of the group, the rows ICC uses);
        ``icc1, icc2, icc3, icc1k, icc2k, icc3k`` (:func:`icc`); ``fleiss_kappa``
        (:func:`fleiss_kappa`, scores as nominal categories; when the items have different
        numbers of scores it is computed on the ``n_complete`` items and the note says so);
        ``alpha_nominal, alpha_ordinal, alpha_interval, alpha_ratio``
        (:func:`krippendorff_alpha`, all items); ``exact_agreement``
        (:func:`exact_agreement`); ``note``: why a statistic is empty (NaN) or which
        subset it uses, statements separated by ``;`` (empty when there is nothing to say).

    Notes
    -----
    The statistics are computed on each group's wide matrix (items x assessors, see
    :func:`wide_scores`) by the vectorised functions of this module; an assessor is
    identified by the ``assessor`` text within a group. Maturity levels are ordinal, so
    ``alpha_ordinal`` is the most appropriate single coefficient for them (Krippendorff
    2011); ICC treats them as interval data, Fleiss' kappa as nominal.

    References
    ----------
    See :func:`icc`, :func:`fleiss_kappa`, :func:`krippendorff_alpha`.
    """
    columns = _by_columns(by, assessments)
    scores = assessor_scores(assessments, stage)
    rows = []
    if not columns:
        rows.append(_statistics(wide_scores(scores).to_numpy(dtype=float)))
    else:
        for key, group in scores.groupby(columns, sort=True):
            stats = _statistics(wide_scores(group).to_numpy(dtype=float))
            rows.append({**dict(zip(columns, key, strict=True)), **stats})
    out = pd.DataFrame(rows, columns=[*columns, *AGREEMENT_COLUMNS])
    for col in columns:
        out[col] = out[col].astype(scores[col].dtype)
    return out


def item_disagreement(
    assessments: pd.DataFrame,
    top: int | None = None,
    stage: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """The spread of the assessors' scores on each item, largest disagreement first.

    Parameters
    ----------
    assessments : DataFrame
        Tidy assessments table; see :func:`assessor_scores`.
    top : int or None
        Keep only the first ``top`` rows (None = all).
    stage : str, sequence of str, or None
        As in :func:`agreement` (default: all stages except ``self``).

    Returns
    -------
    DataFrame
        Columns ``region, year, indicator, n_assessors, min, max, range, sd, mean``: per
        item, the number of assessors' scores, their minimum, maximum, range (max - min),
        sample standard deviation (n - 1 denominator; NaN for a single score) and mean, in
        the unit of the scores. Sorted by range, then sd, descending (NaN last), ties in
        item order.
    """
    if top is not None and (not isinstance(top, (int, np.integer)) or top < 0):
        raise ValueError(f"top must be a non-negative whole number or None, got {top!r}")
    scores = assessor_scores(assessments, stage)
    stats = (
        scores.groupby(list(ITEM), sort=True)["score"]
        .agg(n_assessors="count", min="min", max="max", sd="std", mean="mean")
        .reset_index()
    )
    stats["range"] = stats["max"] - stats["min"]
    stats = stats.loc[:, [*ITEM, "n_assessors", "min", "max", "range", "sd", "mean"]]
    stats = stats.sort_values(
        ["range", "sd"], ascending=False, na_position="last", kind="mergesort"
    )
    stats = stats.reset_index(drop=True)
    return stats if top is None else stats.head(int(top))
