"""Consensus scores: one value per item from several assessors' scores.

An item is one indicator of one region in one year. In the Kominfo smart-city evaluation
and in SPBE evaluations a region first scores itself (the self-assessment, ``stage`` =
``self``) and a panel of assessors then scores the same items; the published level is the
panel's consensus. This module turns the tidy assessments table (``region, year,
indicator, assessor, score`` + optional ``stage``; see docs/columns.md) into one value per
item, in the shape of an observations table (``region, year, indicator, value``), so that
it can be scored like any observations, and compared with the self-assessment.

References
----------
Kominfo, Gerakan Menuju 100 Smart City: self-assessment verified by an assessor panel
(Tahap I and II of the programme guidance, Buku Panduan Penyusunan Masterplan Smart City, 2021).
PermenPANRB 59/2020 on SPBE evaluation (self-assessment, then document review and
interviews by external assessors).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from smartcity_eval.analysis.assessments import ITEM, assessor_scores
from smartcity_eval.errors import DataError, Problem
from smartcity_eval.vocab import CONSENSUS_METHODS, STAGE_SELF

__all__ = ["METHODS", "CONSENSUS_COLUMNS", "consensus", "self_assessment"]

#: Consensus methods accepted by :func:`consensus`.
METHODS: tuple[str, ...] = CONSENSUS_METHODS
#: Columns of :func:`consensus` and :func:`self_assessment`.
CONSENSUS_COLUMNS: tuple[str, ...] = (*ITEM, "value", "n_assessors")

Method = Literal["mean", "median", "majority"]


def _is_self(stage: pd.Series) -> pd.Series:
    return stage.astype("string").str.strip().str.lower().fillna("") == STAGE_SELF


def _majority(scores: pd.DataFrame) -> pd.Series:
    """Most frequent score per item; ties -> median of the tied most frequent scores."""
    keys = list(ITEM)
    counts = scores.groupby([*keys, "score"], sort=True).size().rename("count").reset_index()
    most = counts.groupby(keys, sort=True)["count"].transform("max")
    modes = counts.loc[counts["count"] == most]
    return modes.groupby(keys, sort=True)["score"].median()


def consensus(
    assessments: pd.DataFrame,
    method: Method = "mean",
    stage: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """The assessors' consensus score of every item.

    Parameters
    ----------
    assessments : DataFrame
        Tidy assessments table: ``region, year, indicator, assessor, score`` (+ optional
        ``stage``; ``_row`` is used in error messages when present).
    method : {"mean", "median", "majority"}
        * ``mean``: arithmetic mean of the assessors' scores;
        * ``median``: their median (the mean of the two middle scores for an even count);
        * ``majority``: the most frequent score (the mode). When several scores are equally
          frequent, the median of those tied scores: e.g. scores 2, 2, 4, 4 give 3, and
          2, 2, 3, 3, 5, 5 give 3. The tie-break is symmetric (no preference for the higher
          or the lower level) and, for two tied levels, may be a half level that no
          assessor gave.
    stage : str, sequence of str, or None
        None (default): every row except the self-assessment (stage ``self``); otherwise
        only the stages named (e.g. ``"verified"``).

    Returns
    -------
    DataFrame
        Columns ``region, year, indicator, value, n_assessors``, one row per item that at
        least one assessor scored, sorted by item. ``value`` is in the unit of the scores
        (e.g. maturity level 1-5); ``n_assessors`` is the number of scores it summarises.

    Raises
    ------
    ValueError
        Unknown ``method``.
    DataError
        Missing columns, a score that is not a number, an assessor who scored an item twice
        within the selected stages, or a stage asked for that does not occur.

    References
    ----------
    The mode with a median tie-break is this project's convention, documented here; the
    mean and median are the usual consensus of a panel (e.g. OECD/JRC Handbook on
    Constructing Composite Indicators, 2008, on aggregating expert judgements).

    Examples
    --------
    >>> table = pd.DataFrame({
    ...     "region": "Kota A", "year": 2023, "indicator": "GOV.SRV.01",
    ...     "assessor": ["a1", "a2", "a3", "a4"], "score": [2, 2, 4, 4]})
    >>> consensus(table, "majority")[["value", "n_assessors"]].to_dict("records")
    [{'value': 3.0, 'n_assessors': 4}]
    """
    if method not in METHODS:
        raise ValueError(f"unknown consensus method {method!r}; use one of {', '.join(METHODS)}")
    scores = assessor_scores(assessments, stage)
    keys = list(ITEM)
    grouped = scores.groupby(keys, sort=True)["score"]
    if method == "majority":
        value = _majority(scores)
    elif method == "median":
        value = grouped.median()
    else:
        value = grouped.mean()
    out = pd.DataFrame(
        {"value": value.astype(float), "n_assessors": grouped.size().astype("int64")}
    )
    return out.reset_index().loc[:, list(CONSENSUS_COLUMNS)]


def self_assessment(assessments: pd.DataFrame) -> pd.DataFrame:
    """The region's self-assessed score of every item (rows with ``stage`` = ``self``).

    Parameters
    ----------
    assessments : DataFrame
        Tidy assessments table with a ``stage`` column; rows whose stage is ``self``
        (case-insensitive, surrounding spaces ignored) are the self-assessment.

    Returns
    -------
    DataFrame
        Columns ``region, year, indicator, value, n_assessors`` like :func:`consensus`
        (``n_assessors`` is 1), sorted by item; rows with an empty score are left out.
        Empty (with these columns) when the table has no ``stage`` column or no
        ``self`` rows.

    Raises
    ------
    DataError
        Missing columns, a score that is not a number, or two self-assessed scores for one
        item.
    """
    empty = pd.DataFrame(
        {c: pd.Series(dtype=assessments[c].dtype) for c in ITEM if c in assessments}
    )
    if "stage" not in assessments.columns or not _is_self(assessments["stage"]).any():
        assessor_scores(assessments.iloc[:0])  # checks the required columns only
        empty["value"] = pd.Series(dtype=float)
        empty["n_assessors"] = pd.Series(dtype="int64")
        return empty.loc[:, list(CONSENSUS_COLUMNS)]
    rows = assessor_scores(assessments, STAGE_SELF)
    duplicated = rows.duplicated(list(ITEM), keep=False)
    if duplicated.any():
        file = assessments.attrs.get("file")
        problems = []
        for (region, year, indicator), group in rows.loc[duplicated].groupby(list(ITEM), sort=True):
            numbers = [int(r) for r in group["_row"]] if "_row" in group.columns else []
            where = f" (rows {', '.join(map(str, numbers))})" if numbers else ""
            problems.append(
                Problem(
                    file,
                    numbers[-1] if numbers else None,
                    "stage",
                    f"{indicator} of {region} {year} has {len(group)} self-assessed scores{where}",
                    "keep one row with stage 'self' per item",
                    f"{indicator} {region} {year} punya {len(group)} nilai penilaian mandiri{where}",
                )
            )
        raise DataError(problems)
    out = rows.loc[:, list(ITEM)].copy()
    out["value"] = rows["score"].astype(float)
    out["n_assessors"] = pd.Series(1, index=out.index, dtype="int64")
    return out.sort_values(list(ITEM), kind="mergesort").reset_index(drop=True)
