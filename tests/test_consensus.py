"""Consensus scores and the self-assessment, checked against hand computations."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from smartcity_eval.analysis.assessors import CONSENSUS_COLUMNS, consensus, self_assessment
from smartcity_eval.errors import DataError


def table(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["region", "year", "indicator", "assessor", "score", "stage"]
    )
    frame["_row"] = range(2, len(frame) + 2)
    return frame


@pytest.fixture
def assessments() -> pd.DataFrame:
    return table(
        [
            # Kota A 2023, I1: self 4; assessors 2, 3, 3, 5
            ("Kota A", 2023, "I1", "Pemkot", 4, "self"),
            ("Kota A", 2023, "I1", "a1", 2, "verified"),
            ("Kota A", 2023, "I1", "a2", 3, "verified"),
            ("Kota A", 2023, "I1", "a3", 3, "verified"),
            ("Kota A", 2023, "I1", "a4", 5, "assessor"),
            # Kota A 2023, I2: assessors 2, 2, 4, 4 (a tie of two modes)
            ("Kota A", 2023, "I2", "Pemkot", 5, "SELF"),
            ("Kota A", 2023, "I2", "a1", 2, "verified"),
            ("Kota A", 2023, "I2", "a2", 2, "verified"),
            ("Kota A", 2023, "I2", "a3", 4, "verified"),
            ("Kota A", 2023, "I2", "a4", 4, "assessor"),
            # Kab B 2022, I1: assessors 1, 3, 5 (a three-way tie), one empty score
            ("Kab B", 2022, "I1", "b1", 1, "verified"),
            ("Kab B", 2022, "I1", "b2", 3, "verified"),
            ("Kab B", 2022, "I1", "b3", 5, "verified"),
            ("Kab B", 2022, "I1", "b4", math.nan, "verified"),
            # Kab B 2022, I2: only the self-assessment
            ("Kab B", 2022, "I2", "Pemkab", 2, "self"),
        ]
    )


def values(frame: pd.DataFrame) -> dict[tuple, tuple]:
    return {(r.region, r.year, r.indicator): (r.value, r.n_assessors) for r in frame.itertuples()}


def test_mean_hand_computed(assessments: pd.DataFrame) -> None:
    out = consensus(assessments, "mean")
    assert list(out.columns) == list(CONSENSUS_COLUMNS)
    # Sorted by region, year, indicator; the self-assessment and empty scores left out.
    assert list(zip(out["region"], out["indicator"], strict=True)) == [
        ("Kab B", "I1"),
        ("Kota A", "I1"),
        ("Kota A", "I2"),
    ]
    got = values(out)
    assert got[("Kota A", 2023, "I1")] == (pytest.approx((2 + 3 + 3 + 5) / 4), 4)
    assert got[("Kota A", 2023, "I2")] == (pytest.approx(3.0), 4)
    assert got[("Kab B", 2022, "I1")] == (pytest.approx(3.0), 3)


def test_median_hand_computed(assessments: pd.DataFrame) -> None:
    got = values(consensus(assessments, "median"))
    assert got[("Kota A", 2023, "I1")][0] == 3.0  # 2 3 | 3 5 -> (3 + 3) / 2
    assert got[("Kota A", 2023, "I2")][0] == 3.0  # 2 2 | 4 4 -> (2 + 4) / 2
    assert got[("Kab B", 2022, "I1")][0] == 3.0


def test_majority_and_its_tie_break(assessments: pd.DataFrame) -> None:
    got = values(consensus(assessments, "majority"))
    assert got[("Kota A", 2023, "I1")] == (3.0, 4)  # 3 is given twice
    assert got[("Kota A", 2023, "I2")] == (3.0, 4)  # 2 and 4 tie -> median(2, 4) = 3
    assert got[("Kab B", 2022, "I1")] == (3.0, 3)  # 1, 3, 5 tie -> median = 3
    skewed = table(
        [("K", 2024, "I", f"a{i}", s, "verified") for i, s in enumerate([1, 1, 2, 2, 5, 5, 5, 5])]
    )
    assert consensus(skewed, "majority")["value"].tolist() == [5.0]  # the mode, not the median
    assert consensus(skewed, "median")["value"].tolist() == [3.5]
    three_way = table(
        [("K", 2024, "I", f"a{i}", s, "verified") for i, s in enumerate([1, 1, 2, 2, 5, 5])]
    )
    assert consensus(three_way, "majority")["value"].tolist() == [2.0]  # median(1, 2, 5)


def test_stage_selection(assessments: pd.DataFrame) -> None:
    verified = values(consensus(assessments, "mean", stage="verified"))
    assert verified[("Kota A", 2023, "I1")] == (pytest.approx((2 + 3 + 3) / 3), 3)
    with pytest.raises(DataError, match="no row has stage"):
        consensus(assessments, stage="final")


def test_without_stage_column_every_row_is_an_assessor(assessments: pd.DataFrame) -> None:
    no_stage = assessments[assessments["stage"].str.lower() != "self"].drop(columns="stage")
    pd.testing.assert_frame_equal(consensus(no_stage, "mean"), consensus(assessments, "mean"))


def test_bad_method_and_duplicates(assessments: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="unknown consensus method"):
        consensus(assessments, "mode")  # type: ignore[arg-type]
    twice = pd.concat([assessments, assessments.iloc[[1]]], ignore_index=True)
    twice["_row"] = range(2, len(twice) + 2)
    with pytest.raises(DataError, match="assessor 'a1' scored I1 of Kota A 2023 2 times"):
        consensus(twice)


def test_self_assessment(assessments: pd.DataFrame) -> None:
    own = self_assessment(assessments)
    assert list(own.columns) == list(CONSENSUS_COLUMNS)
    assert values(own) == {
        ("Kab B", 2022, "I2"): (2.0, 1),
        ("Kota A", 2023, "I1"): (4.0, 1),
        ("Kota A", 2023, "I2"): (5.0, 1),
    }
    # Self-assessment minus consensus: the usual "over-claiming" check.
    merged = own.merge(consensus(assessments, "median"), on=["region", "year", "indicator"])
    gap = (merged["value_x"] - merged["value_y"]).tolist()
    assert gap == [1.0, 2.0]


def test_self_assessment_absent_or_duplicated(assessments: pd.DataFrame) -> None:
    empty = self_assessment(assessments.drop(columns="stage"))
    assert empty.empty and list(empty.columns) == list(CONSENSUS_COLUMNS)
    none = self_assessment(assessments[assessments["stage"].str.lower() != "self"])
    assert none.empty and list(none.columns) == list(CONSENSUS_COLUMNS)
    doubled = pd.concat(
        [assessments, assessments.iloc[[0]].assign(assessor="Bappeda", score=3)],
        ignore_index=True,
    )
    doubled["_row"] = range(2, len(doubled) + 2)
    with pytest.raises(DataError) as err:
        self_assessment(doubled)
    problem = err.value.problems[0]
    assert "I1 of Kota A 2023 has 2 self-assessed scores (rows 2, 17)" in problem.message
    assert problem.row == 17
    with pytest.raises(DataError, match="required column 'indicator'"):
        self_assessment(assessments.drop(columns="indicator"))
