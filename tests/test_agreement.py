"""Inter-assessor agreement statistics against published worked examples and hand computations.

Sources of the published values:
- Shrout & Fleiss (1979), Psychological Bulletin 86(2), 420-428: Table 2 (data), Table 3
  (mean squares 11.24, 6.26, 32.49, 1.02), Table 4 (the six ICCs).
- Fleiss (1971) worked example as reproduced in Wikipedia's "Fleiss' kappa" article
  (10 subjects, 14 raters, 5 categories; kappa = 0.210).
- Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section E
  (4 observers x 12 units; nominal .743, ordinal .815, interval .849, ratio .797), and the
  example of Wikipedia's "Krippendorff's alpha" article (3 coders x 15 units; nominal
  0.691, interval 0.811), both also used by the tests of the `krippendorff` Python package.
"""

from __future__ import annotations

import doctest
import math
import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from smartcity_eval.analysis.assessments import assessor_scores, wide_scores
from smartcity_eval.analysis.reliability import (
    AGREEMENT_COLUMNS,
    ICC_KEYS,
    LEVELS,
    UndefinedStatisticWarning,
    agreement,
    coincidence_matrix,
    exact_agreement,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    icc,
    item_disagreement,
    krippendorff_alpha,
)
from smartcity_eval.errors import DataError

NA = math.nan

# Shrout & Fleiss (1979), Table 2: 6 targets (rows) x 4 judges (columns).
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]
# Table 4, in the order icc1, icc2, icc3, icc1k, icc2k, icc3k (k = 4).
SHROUT_FLEISS_TABLE4 = [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]

# Wikipedia "Fleiss' kappa": n_ij, 10 subjects x 5 categories, 14 raters each.
FLEISS_COUNTS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

# Krippendorff (2011), section E: observers A-D (rows) x units 1-12 (columns).
KRIPP_2011_OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
    [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
]
KRIPP_2011 = np.array(KRIPP_2011_OBSERVERS, dtype=float).T  # items x assessors
KRIPP_2011_ALPHA = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}

# Wikipedia "Krippendorff's alpha", computational example: 3 coders x 15 units.
WIKI_KRIPP_CODERS = [
    [NA, NA, NA, NA, NA, 3, 4, 1, 2, 1, 1, 3, 3, NA, 3],
    [1, NA, 2, 1, 3, 3, 4, 3, NA, NA, NA, NA, NA, NA, NA],
    [NA, NA, 2, 1, 3, 4, 4, NA, 2, 1, 1, 3, 3, NA, 4],
]
WIKI_KRIPP = np.array(WIKI_KRIPP_CODERS, dtype=float).T


# ------------------------------------------------------------------ independent references
def hand_anova(rows: list[list[float]]) -> dict[str, float]:
    """Shrout & Fleiss's mean squares with plain loops (no numpy)."""
    n, k = len(rows), len(rows[0])
    grand = sum(sum(r) for r in rows) / (n * k)
    row_means = [sum(r) / k for r in rows]
    col_means = [sum(rows[i][j] for i in range(n)) / n for j in range(k)]
    ss_total = sum((rows[i][j] - grand) ** 2 for i in range(n) for j in range(k))
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_err = ss_total - ss_rows - ss_cols
    return {
        "bms": ss_rows / (n - 1),
        "wms": (ss_total - ss_rows) / (n * (k - 1)),
        "jms": ss_cols / (k - 1),
        "ems": ss_err / ((n - 1) * (k - 1)),
        "n": n,
        "k": k,
    }


def hand_icc(ms: dict[str, float]) -> dict[str, float]:
    bms, wms, jms, ems, n, k = (ms[x] for x in ("bms", "wms", "jms", "ems", "n", "k"))
    return {
        "icc1": (bms - wms) / (bms + (k - 1) * wms),
        "icc2": (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n),
        "icc3": (bms - ems) / (bms + (k - 1) * ems),
        "icc1k": (bms - wms) / bms,
        "icc2k": (bms - ems) / (bms + (jms - ems) / n),
        "icc3k": (bms - ems) / bms,
    }


def pairwise_alpha(matrix: np.ndarray, level: str) -> float:
    """Krippendorff's alpha from its pairwise definition (Krippendorff 2011, section A):
    D_o over ordered pairs of values within each unit, weighted 1/(m_u - 1); D_e over all
    ordered pairs of pairable values. Deliberately loop-based and independent of the
    coincidence-matrix code under test."""
    units = [[v for v in row if not math.isnan(v)] for row in matrix.tolist()]
    units = [u for u in units if len(u) >= 2]
    pooled = [v for u in units for v in u]
    n = len(pooled)
    freq = {v: pooled.count(v) for v in set(pooled)}

    def d(c: float, k: float) -> float:
        if level == "nominal":
            return 0.0 if c == k else 1.0
        if level == "interval":
            return (c - k) ** 2
        if level == "ratio":
            return 0.0 if c + k == 0 else ((c - k) / (c + k)) ** 2
        lo, hi = min(c, k), max(c, k)
        between = sum(f for g, f in freq.items() if lo <= g <= hi)
        return (between - (freq[c] + freq[k]) / 2) ** 2

    d_o = (
        sum(
            sum(d(u[i], u[j]) for i in range(len(u)) for j in range(len(u)) if i != j)
            / (len(u) - 1)
            for u in units
        )
        / n
    )
    d_e = sum(d(pooled[i], pooled[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    return 1.0 - d_o / d_e


def random_matrix(rng: np.random.Generator, n: int, k: int, missing: float) -> np.ndarray:
    x = rng.integers(1, 6, size=(n, k)).astype(float)
    x[rng.random((n, k)) < missing] = np.nan
    return x


# ------------------------------------------------------------------ docstring examples
@pytest.mark.parametrize(
    "module_name", ["analysis.reliability", "analysis.krippendorff", "analysis.assessors"]
)
def test_docstring_examples(module_name: str) -> None:
    import importlib

    module = importlib.import_module(f"smartcity_eval.{module_name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# ------------------------------------------------------------------ ICC
def test_icc_shrout_fleiss_table4_published_two_decimals() -> None:
    result = icc(SHROUT_FLEISS)
    assert [round(result[key], 2) for key in ICC_KEYS] == SHROUT_FLEISS_TABLE4
    assert result["n_items"] == 6
    assert result["n_raters"] == 4


def test_icc_mean_squares_match_table3_and_hand_anova() -> None:
    result = icc(SHROUT_FLEISS)
    # Shrout & Fleiss (1979), Table 3: BMS 11.24, WMS 6.26, JMS 32.49, EMS 1.02.
    assert round(result["bms"], 2) == 11.24
    assert round(result["wms"], 2) == 6.26
    assert round(result["jms"], 2) == 32.49
    assert round(result["ems"], 2) == 1.02
    ms = hand_anova(SHROUT_FLEISS)
    for key in ("bms", "wms", "jms", "ems"):
        assert result[key] == pytest.approx(ms[key], abs=1e-12)
    expected = hand_icc(ms)
    for key in ICC_KEYS:
        assert result[key] == pytest.approx(expected[key], abs=1e-12)
    # More digits than the paper prints (the values pingouin's documentation also lists).
    assert result["icc1"] == pytest.approx(0.165742, abs=1e-6)
    assert result["icc2"] == pytest.approx(0.289764, abs=1e-6)
    assert result["icc3"] == pytest.approx(0.714841, abs=1e-6)
    assert result["icc1k"] == pytest.approx(0.442797, abs=1e-6)
    assert result["icc2k"] == pytest.approx(0.620051, abs=1e-6)
    assert result["icc3k"] == pytest.approx(0.909316, abs=1e-6)


def test_icc_uses_complete_rows_only_and_accepts_dataframes() -> None:
    with_gaps = [*SHROUT_FLEISS, [NA, 3, 4, 5], [1, NA, NA, NA], [NA, NA, NA, NA]]
    frame = pd.DataFrame(with_gaps, columns=["a", "b", "c", "d"])
    result = icc(frame)
    assert result["n_items"] == 6
    base = icc(SHROUT_FLEISS)
    for key in ICC_KEYS:
        assert result[key] == pytest.approx(base[key], abs=1e-12)


def test_icc_is_invariant_to_row_and_column_order() -> None:
    x = np.array(SHROUT_FLEISS, dtype=float)
    shuffled = x[[3, 0, 5, 1, 4, 2]][:, [2, 0, 3, 1]]
    a, b = icc(x), icc(shuffled)
    for key in ICC_KEYS:
        assert a[key] == pytest.approx(b[key], abs=1e-12)


def test_icc_one_assessor_is_undefined() -> None:
    with pytest.warns(UndefinedStatisticWarning, match="fewer than 2 assessors"):
        result = icc([[1], [2], [3]])
    assert all(math.isnan(result[key]) for key in ICC_KEYS)


def test_icc_fewer_than_two_complete_items_is_undefined() -> None:
    with pytest.warns(UndefinedStatisticWarning, match="fewer than 2 items"):
        result = icc([[1, 2], [3, NA], [NA, 4]])
    assert result["n_items"] == 1
    assert all(math.isnan(result[key]) for key in ICC_KEYS)


def test_icc_all_identical_scores_is_undefined() -> None:
    with pytest.warns(UndefinedStatisticWarning, match="every score is the same"):
        result = icc([[3, 3, 3]] * 4)
    assert all(math.isnan(result[key]) for key in ICC_KEYS)
    assert result["bms"] == 0.0 and result["ems"] == 0.0


def test_icc_constant_columns_hand_computed() -> None:
    # Each assessor gives one score to every item: BMS = 0, EMS = 0, JMS = 3, WMS = 1
    # (n = k = 3; SS_total = 6, SS_cols = 6). Then ICC(1,1) = -WMS/((k-1)WMS) = -1/2,
    # ICC(2,1) = 0/(k JMS/n) = 0, ICC(2,k) = 0/(JMS/n) = 0; ICC(3,·) = 0/0, ICC(1,k) = -1/0.
    with pytest.warns(UndefinedStatisticWarning, match="do not differ"):
        result = icc([[1, 2, 3], [1, 2, 3], [1, 2, 3]])
    assert result["jms"] == pytest.approx(3.0)
    assert result["wms"] == pytest.approx(1.0)
    assert result["icc1"] == pytest.approx(-0.5)
    assert result["icc2"] == pytest.approx(0.0)
    assert result["icc2k"] == pytest.approx(0.0)
    for key in ("icc3", "icc1k", "icc3k"):
        assert math.isnan(result[key])


def test_icc_perfect_agreement_is_one() -> None:
    result = icc([[1, 1, 1], [2, 2, 2], [4, 4, 4], [5, 5, 5]])
    for key in ICC_KEYS:
        assert result[key] == pytest.approx(1.0)


def test_icc_rejects_malformed_input() -> None:
    with pytest.raises(ValueError, match="2-dimensional"):
        icc([1, 2, 3])
    with pytest.raises(ValueError, match="infinite"):
        icc([[1, math.inf], [2, 3]])


# ------------------------------------------------------------------ Fleiss' kappa
def test_fleiss_kappa_wikipedia_worked_example() -> None:
    assert all(sum(row) == 14 for row in FLEISS_COUNTS)  # transcription check
    kappa = fleiss_kappa_from_counts(FLEISS_COUNTS)
    assert round(kappa, 3) == 0.210
    # The same in exact rational arithmetic, following Fleiss (1971) step by step.
    n, items = 14, len(FLEISS_COUNTS)
    p_j = [Fraction(sum(r[j] for r in FLEISS_COUNTS), items * n) for j in range(5)]
    assert [round(float(p), 3) for p in p_j] == [0.143, 0.2, 0.279, 0.15, 0.229]
    p_i = [Fraction(sum(c * c for c in r) - n, n * (n - 1)) for r in FLEISS_COUNTS]
    assert round(float(p_i[1]), 3) == 0.253  # Wikipedia's P_2
    p_bar = sum(p_i) / items
    p_e = sum(p * p for p in p_j)
    assert round(float(p_bar), 3) == 0.378
    assert round(float(p_e), 3) == 0.213
    assert kappa == pytest.approx(float((p_bar - p_e) / (1 - p_e)), abs=1e-12)


def test_fleiss_kappa_from_matrix_equals_counts_version() -> None:
    # Expand the counts into a subjects x raters matrix of category labels 1-5.
    matrix = np.array(
        [[cat + 1 for cat, c in enumerate(row) for _ in range(c)] for row in FLEISS_COUNTS],
        dtype=float,
    )
    assert matrix.shape == (10, 14)
    assert fleiss_kappa(matrix) == pytest.approx(fleiss_kappa_from_counts(FLEISS_COUNTS), abs=1e-12)
    # The raters need not be the same ones: NaN placement does not matter, only counts.
    x = np.array([[1, 1, NA], [2, NA, 2], [NA, 3, 1]])
    y = np.array([[1, 1], [2, 2], [3, 1]])
    assert fleiss_kappa(x) == pytest.approx(fleiss_kappa(y), abs=1e-12)


def test_fleiss_kappa_hand_computed_small_example() -> None:
    # p = (5, 5, 2)/12 -> P_e = 54/144 = 0.375; P_i = 1, 1, 1/3, 1/3 -> P = 2/3.
    kappa = fleiss_kappa([[1, 1, 1], [2, 2, 2], [3, 3, 2], [1, 2, 1]])
    assert kappa == pytest.approx((2 / 3 - 0.375) / 0.625, abs=1e-12)


def test_fleiss_kappa_undefined_cases() -> None:
    with pytest.warns(UndefinedStatisticWarning, match="different numbers"):
        assert math.isnan(fleiss_kappa([[1, 1, 1], [2, 2, NA]]))
    with pytest.warns(UndefinedStatisticWarning, match="every score is the same"):
        assert math.isnan(fleiss_kappa([[2, 2], [2, 2]]))
    with pytest.warns(UndefinedStatisticWarning, match="only 1 score"):
        assert math.isnan(fleiss_kappa([[1, NA], [NA, 2]]))
    # Unscored items are dropped, not counted as disagreement.
    assert fleiss_kappa([[1, 1], [2, 2], [NA, NA]]) == pytest.approx(1.0)


def test_fleiss_kappa_from_counts_rejects_bad_counts() -> None:
    with pytest.raises(ValueError, match="whole numbers"):
        fleiss_kappa_from_counts([[1, -1], [0, 0]])
    with pytest.raises(ValueError, match="whole numbers"):
        fleiss_kappa_from_counts([[1.5, 0.5]])
    with pytest.raises(ValueError, match="2-dimensional"):
        fleiss_kappa_from_counts([1, 2])


# ------------------------------------------------------------------ Krippendorff's alpha
def test_krippendorff_2011_worked_example_all_levels() -> None:
    # Transcription check: 40 pairable values, margins n_1..n_5 = 9, 13, 10, 5, 3.
    o = coincidence_matrix(KRIPP_2011)
    assert list(o.index) == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert o.to_numpy().sum(axis=1) == pytest.approx([9, 13, 10, 5, 3])
    assert o.to_numpy().sum() == pytest.approx(40)
    # Coincidences of value 1 with 1..5, as printed in Krippendorff (2011): 7, 4/3, 1/3, 1/3, 0.
    assert o.loc[1.0].to_numpy() == pytest.approx([7, 4 / 3, 1 / 3, 1 / 3, 0])
    assert np.allclose(o.to_numpy(), o.to_numpy().T)
    for level, published in KRIPP_2011_ALPHA.items():
        value = krippendorff_alpha(KRIPP_2011, level)
        assert round(value, 3) == published, level
        assert value == pytest.approx(pairwise_alpha(KRIPP_2011, level), abs=1e-12), level


def test_krippendorff_nominal_2011_by_hand() -> None:
    # Nominal: D_o = (n - sum_c o_cc)/n, D_e = (n^2 - sum_c n_c^2)/(n(n-1)) with
    # sum_c o_cc = 7 + 10 + 8 + 4 + 3 = 32 and n_c = 9, 13, 10, 5, 3 (n = 40).
    n, diagonal, margins = 40, 32, [9, 13, 10, 5, 3]
    expected = 1 - (n - 1) * (n - diagonal) / (n * n - sum(m * m for m in margins))
    assert krippendorff_alpha(KRIPP_2011, "nominal") == pytest.approx(expected, abs=1e-12)
    assert round(expected, 3) == 0.743


def test_krippendorff_wikipedia_example() -> None:
    assert round(krippendorff_alpha(WIKI_KRIPP, "nominal"), 3) == 0.691
    assert round(krippendorff_alpha(WIKI_KRIPP, "interval"), 3) == 0.811
    assert krippendorff_alpha(WIKI_KRIPP, "nominal") == pytest.approx(0.691358, abs=1e-6)
    assert krippendorff_alpha(WIKI_KRIPP, "interval") == pytest.approx(0.810845, abs=1e-6)


@pytest.mark.parametrize("seed", range(6))
def test_krippendorff_matches_pairwise_definition_on_random_missing_patterns(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = random_matrix(rng, n=int(rng.integers(4, 15)), k=int(rng.integers(2, 6)), missing=0.35)
    x[0, :2] = [1.0, 5.0]  # at least one pairable unit with variation
    for level in LEVELS:
        assert krippendorff_alpha(x, level) == pytest.approx(pairwise_alpha(x, level), abs=1e-10)


def test_krippendorff_invariances() -> None:
    x = KRIPP_2011
    permuted = x[::-1][:, [2, 0, 3, 1]]
    extra = np.column_stack([x, np.full(x.shape[0], np.nan)])  # an assessor who scored nothing
    for level in LEVELS:
        a = krippendorff_alpha(x, level)
        assert krippendorff_alpha(permuted, level) == pytest.approx(a, abs=1e-12)
        assert krippendorff_alpha(extra, level) == pytest.approx(a, abs=1e-12)


def test_krippendorff_perfect_agreement_is_one_and_scale_invariance() -> None:
    x = np.array([[1, 1, NA], [2, 2, 2], [3, NA, 3], [5, 5, 5]], dtype=float)
    for level in LEVELS:
        assert krippendorff_alpha(x, level) == pytest.approx(1.0)
    # Interval alpha does not change under a linear rescaling; ordinal under a monotone one.
    y = KRIPP_2011
    assert krippendorff_alpha(2 * y + 7, "interval") == pytest.approx(
        krippendorff_alpha(y, "interval")
    )
    assert krippendorff_alpha(y**3, "ordinal") == pytest.approx(krippendorff_alpha(y, "ordinal"))


def test_krippendorff_undefined_and_bad_input() -> None:
    with pytest.warns(UndefinedStatisticWarning, match="no variation"):
        assert math.isnan(krippendorff_alpha([[3, 3], [3, 3], [3, NA]], "ordinal"))
    with pytest.warns(UndefinedStatisticWarning, match="2 or more assessors"):
        assert math.isnan(krippendorff_alpha([[1, NA], [NA, 2]], "nominal"))
    with pytest.raises(ValueError, match="unknown level"):
        krippendorff_alpha(KRIPP_2011, "ordnial")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-negative"):
        krippendorff_alpha([[-1, 1], [2, 2]], "ratio")
    # ratio with zeros: c = k = 0 differ by nothing.
    assert krippendorff_alpha([[0, 0], [1, 1], [2, 2]], "ratio") == pytest.approx(1.0)


# ------------------------------------------------------------------ exact agreement
def test_exact_agreement_hand_computed() -> None:
    # Items with >= 2 scores: rows 0 (1,1: equal), 1 (2,3,2: not), 3 (5,5,5: equal) -> 2/3;
    # row 2 has a single score and does not count.
    x = [[1, 1, NA], [2, 3, 2], [4, NA, NA], [5, 5, 5]]
    assert exact_agreement(x) == pytest.approx(2 / 3)
    assert exact_agreement([[1, 1], [2, 2]]) == 1.0
    with pytest.warns(UndefinedStatisticWarning):
        assert math.isnan(exact_agreement([[1, NA], [NA, 2]]))


# ------------------------------------------------------------------ tidy tables
def tidy(matrix: list[list[float]], region: str, year: int, assessors: list[str]) -> pd.DataFrame:
    records = []
    for i, row in enumerate(matrix):
        for assessor, score in zip(assessors, row, strict=True):
            if not math.isnan(score):
                records.append(
                    {
                        "region": region,
                        "year": year,
                        "indicator": f"I{i + 1:02d}",
                        "assessor": assessor,
                        "score": float(score),
                        "stage": "verified",
                    }
                )
    return pd.DataFrame(records)


@pytest.fixture
def assessments() -> pd.DataFrame:
    a = tidy(SHROUT_FLEISS, "Kota A", 2023, ["a1", "a2", "a3", "a4"])
    b = tidy(KRIPP_2011.tolist(), "Kab B", 2023, ["A", "B", "C", "D"])
    # A self-assessment that would change every statistic if it were counted.
    own = a.drop_duplicates("indicator").assign(assessor="Kota A", score=1.0, stage="Self ")
    return pd.concat([a, b, own], ignore_index=True)


def test_agreement_per_group_equals_matrix_functions(assessments: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # agreement() notes reasons, it does not warn
        table = agreement(assessments)
    assert list(table.columns) == ["region", "year", *AGREEMENT_COLUMNS]
    assert list(table["region"]) == ["Kab B", "Kota A"]  # sorted
    kota = table.set_index("region").loc["Kota A"]
    assert kota["n_items"] == 6 and kota["n_assessors"] == 4 and kota["n_complete"] == 6
    published = dict(zip(ICC_KEYS, SHROUT_FLEISS_TABLE4, strict=True))
    for key in ICC_KEYS:
        assert round(kota[key], 2) == published[key]
    assert kota["fleiss_kappa"] == pytest.approx(fleiss_kappa(SHROUT_FLEISS))
    assert kota["exact_agreement"] == 0.0
    assert kota["note"] == ""
    kab = table.set_index("region").loc["Kab B"]
    assert kab["n_items"] == 12 and kab["n_assessors"] == 4
    # Units 2-9 are scored by all four observers.
    assert kab["n_complete"] == 8
    for level, value in KRIPP_2011_ALPHA.items():
        assert round(kab[f"alpha_{level}"], 3) == value
    complete = KRIPP_2011[~np.isnan(KRIPP_2011).any(axis=1)]
    assert kab["icc2"] == pytest.approx(icc(complete)["icc2"])
    # Fleiss: items have 1 to 4 scores, so it falls back to the complete items and says so.
    assert kab["fleiss_kappa"] == pytest.approx(fleiss_kappa(complete))
    assert "uses the 8 items scored by every assessor" in kab["note"]
    # Exact agreement on units 1-11 (unit 12 has one score): equal on 1,3,4,5,7,9,10,11.
    assert kab["exact_agreement"] == pytest.approx(8 / 11)


def test_agreement_overall_row_and_by_values(assessments: pd.DataFrame) -> None:
    overall = agreement(assessments, by=())
    assert list(overall.columns) == list(AGREEMENT_COLUMNS)
    assert len(overall) == 1
    assert overall.loc[0, "n_items"] == 18
    assert overall.loc[0, "n_assessors"] == 8
    assert overall.loc[0, "n_complete"] == 0  # nobody scored both regions
    assert "ICC: fewer than 2 items scored by every assessor" in overall.loc[0, "note"]
    assert agreement(assessments, by=None).equals(overall)
    # Pooled alpha = alpha of the stacked (block-diagonal) matrix.
    stacked = np.full((18, 8), np.nan)
    stacked[:6, :4] = SHROUT_FLEISS
    stacked[6:, 4:] = KRIPP_2011
    assert overall.loc[0, "alpha_interval"] == pytest.approx(pairwise_alpha(stacked, "interval"))
    by_year = agreement(assessments, by="year")
    assert list(by_year.columns[:1]) == ["year"] and len(by_year) == 1
    with pytest.raises(DataError, match="cannot group by 'assessor'"):
        agreement(assessments, by=("region", "assessor"))


def test_agreement_excludes_self_assessment_by_default(assessments: pd.DataFrame) -> None:
    without = agreement(assessments[assessments["stage"] != "Self "].drop(columns="stage"))
    default = agreement(assessments)
    pd.testing.assert_frame_equal(without, default)
    with_self = agreement(assessments, stage=["verified", "self"])
    kota = with_self.set_index("region").loc["Kota A"]
    assert kota["n_assessors"] == 5
    assert round(kota["icc1"], 2) != 0.17


def test_agreement_edge_cases_are_noted_not_raised() -> None:
    one = tidy([[3], [4], [2]], "Kota C", 2024, ["solo"])
    same = tidy([[3, 3], [3, 3], [3, 3]], "Kota D", 2024, ["x", "y"])
    table = agreement(pd.concat([one, same], ignore_index=True)).set_index("region")
    solo = table.loc["Kota C"]
    assert solo["n_assessors"] == 1
    assert all(
        math.isnan(solo[c]) for c in [*ICC_KEYS, "fleiss_kappa", "alpha_nominal", "exact_agreement"]
    )
    assert "ICC: fewer than 2 assessors" in solo["note"]
    assert "Fleiss' kappa: fewer than 2 assessors" in solo["note"]
    assert "no item was scored by 2 or more assessors" in solo["note"]
    flat = table.loc["Kota D"]
    assert flat["exact_agreement"] == 1.0
    assert all(math.isnan(flat[f"alpha_{level}"]) for level in LEVELS)
    assert math.isnan(flat["fleiss_kappa"]) and math.isnan(flat["icc2"])
    assert "no variation" in flat["note"] and "every score is the same" in flat["note"]


def test_agreement_without_assessor_scores(assessments: pd.DataFrame) -> None:
    only_self = assessments[assessments["stage"] == "Self "]
    assert agreement(only_self).empty
    overall = agreement(only_self, by=())
    assert overall.loc[0, "n_items"] == 0
    assert overall.loc[0, "note"] == "no assessor scores"
    assert overall[list(ICC_KEYS)].isna().all(axis=None)


def test_agreement_negative_scores_leave_ratio_alpha_empty() -> None:
    table = agreement(tidy([[-1, -1], [1, 2], [0, 0]], "Kota E", 2024, ["x", "y"]))
    assert math.isnan(table.loc[0, "alpha_ratio"])
    assert not math.isnan(table.loc[0, "alpha_interval"])
    assert "ratio" in table.loc[0, "note"]


def test_assessor_scores_checks_the_table(assessments: pd.DataFrame) -> None:
    with pytest.raises(DataError, match="required column 'score' is missing"):
        assessor_scores(assessments.drop(columns="score"))
    with pytest.raises(DataError, match="no row has stage 'verifed'"):
        assessor_scores(assessments, stage="verifed")
    with pytest.raises(DataError, match="no 'stage' column"):
        assessor_scores(assessments.drop(columns="stage"), stage="verified")
    twice = pd.concat([assessments, assessments.iloc[[0]]], ignore_index=True)
    twice["_row"] = range(2, len(twice) + 2)
    with pytest.raises(DataError) as err:
        assessor_scores(twice)
    problem = err.value.problems[0]
    assert problem.row == len(twice) + 1
    assert "scored I01 of Kota A 2023 2 times (rows 2, " in problem.message
    text = assessments.assign(score=assessments["score"].map(lambda v: f"{v:g}".replace(".", ",")))
    text.loc[0, "score"] = "tiga"
    with pytest.raises(DataError, match="'tiga' is not a number"):
        assessor_scores(text)
    text.loc[0, "score"] = ""
    parsed = assessor_scores(text)
    assert len(parsed) == len(assessor_scores(assessments)) - 1


def test_wide_scores_shape(assessments: pd.DataFrame) -> None:
    wide = wide_scores(assessor_scores(assessments))
    assert wide.shape == (18, 8)
    assert wide.index.names == ["region", "year", "indicator"]
    assert wide.loc[("Kota A", 2023, "I01")].dropna().tolist() == [9.0, 2.0, 5.0, 8.0]


def test_item_disagreement_hand_computed() -> None:
    x = [[1, 1, 1], [1, 3, 2], [2, 4, NA], [5, NA, NA], [2, 2, 4]]
    table = item_disagreement(tidy(x, "Kota F", 2024, ["a", "b", "c"]))
    assert list(table.columns) == [
        "region",
        "year",
        "indicator",
        "n_assessors",
        "min",
        "max",
        "range",
        "sd",
        "mean",
    ]
    # Ranges: I01 0, I02 2 (sd 1), I03 2 (sd sqrt 2), I04 0 (one score), I05 2 (sd 2/sqrt 3).
    assert list(table["indicator"]) == ["I03", "I05", "I02", "I01", "I04"]
    first = table.iloc[0]
    assert (first["n_assessors"], first["min"], first["max"], first["range"]) == (2, 2.0, 4.0, 2.0)
    assert first["sd"] == pytest.approx(math.sqrt(2))
    assert first["mean"] == pytest.approx(3.0)
    assert table.iloc[1]["sd"] == pytest.approx(2 / math.sqrt(3))
    assert math.isnan(table.iloc[4]["sd"])
    assert list(
        item_disagreement(tidy(x, "Kota F", 2024, ["a", "b", "c"]), top=2)["indicator"]
    ) == [
        "I03",
        "I05",
    ]


# ------------------------------------------------------------------ scaling
def test_agreement_is_fast_on_a_realistic_table() -> None:
    """200 regions x 47 SPBE indicators x 4 assessors in well under the time of a loop."""
    import time

    rng = np.random.default_rng(1)
    frames = [
        tidy(random_matrix(rng, 47, 4, 0.05).tolist(), f"R{r:03d}", 2023, ["a", "b", "c", "d"])
        for r in range(200)
    ]
    table = pd.concat(frames, ignore_index=True)
    start = time.perf_counter()
    result = agreement(table)
    elapsed = time.perf_counter() - start
    assert len(result) == 200
    assert elapsed < 20


def test_pairwise_reference_agrees_with_itself_on_permutations() -> None:
    # Guard for the test helper: the pairwise reference reproduces the paper too.
    for level, published in KRIPP_2011_ALPHA.items():
        assert round(pairwise_alpha(KRIPP_2011, level), 3) == published


# ------------------------------------------------------------------ command line
def test_cli_agreement_on_a_single_csv(tmp_path, assessments: pd.DataFrame, capsys) -> None:
    from smartcity_eval.cli.main import main

    csv = tmp_path / "assessments.csv"
    frame = assessments.copy()
    frame["stage"] = frame["stage"].str.strip()
    # Indonesian Excel export: semicolons and decimal commas.
    frame.to_csv(csv, sep=";", decimal=",", index=False)
    out = tmp_path / "agreement.csv"
    assert main(["agreement", str(csv), "--out", str(out)]) == 0
    written = pd.read_csv(out, keep_default_na=False, na_values=[""])
    expected = agreement(assessments)
    assert list(written.columns) == list(expected.columns)
    assert list(written["region"]) == ["Kab B", "Kota A"]
    for column in ("n_items", "n_assessors", *ICC_KEYS, "alpha_ordinal", "exact_agreement"):
        assert written[column].to_numpy() == pytest.approx(expected[column].to_numpy(), nan_ok=True)
    assert written["note"].fillna("").tolist() == expected["note"].tolist()

    assert main(["agreement", str(csv), "--by", "none", "--stage", "verified"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("n_items,n_assessors,n_complete,icc1,")
    assert lines[1].startswith("18,8,0,")

    assert main(["agreement", str(csv), "--by", "region,assessor"]) == 2
    assert "--by: 'assessor'" in capsys.readouterr().err
    assert main(["agreement", str(csv), "--stage", "final"]) == 2
    assert "no row has stage 'final'" in capsys.readouterr().err
    assert main(["agreement", str(tmp_path / "missing.csv")]) == 2


def test_cli_agreement_on_a_dataset_folder(tiny, capsys) -> None:
    from smartcity_eval.cli.main import main

    assert main(["agreement", str(tiny)]) == 2  # the tiny dataset has no assessments
    assert "no assessor scores" in capsys.readouterr().err
    # Two assessors, hand-checkable: items A1 (3, 3), A2 (4, 2), B1 (2, 2) -> 2/3 exact.
    (tiny / "assessments.csv").write_text(
        "region,year,indicator,assessor,score,stage\n"
        "X,2024,A1,p,3,\nX,2024,A1,q,3,\nX,2024,A2,p,4,\nX,2024,A2,q,2,\n"
        "X,2024,B1,p,2,\nX,2024,B1,q,2,\nX,2024,A1,X,5,self\n",
        encoding="utf-8",
    )
    assert main(["agreement", str(tiny), "--by", "region"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("region,n_items,n_assessors,")
    row = dict(zip(lines[0].split(","), lines[1].split(","), strict=False))
    assert (row["region"], row["n_items"], row["n_assessors"]) == ("X", "3", "2")
    assert float(row["exact_agreement"]) == pytest.approx(2 / 3)
