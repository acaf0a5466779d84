"""Outlier treatment against COINr's Treat (bluefoxr/COINr R/treat.R, tests/testthat/test-treat.R).

Skewness and kurtosis are cross-checked against scipy's bias-corrected estimators, which are
the same e1071 "type 2" statistics that COINr's ``skew`` and ``kurt`` compute.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats as st

from smartcity_eval.scoring.outliers import (
    check_skew_kurt,
    kurt,
    log_ct,
    skew,
    treat_cube,
    treat_vector,
    winsorise,
)

NAN = math.nan


def test_skew_and_kurt_are_e1071_type2():
    rng = np.random.default_rng(3)
    x = rng.lognormal(size=40)
    assert skew(x) == pytest.approx(st.skew(x, bias=False), rel=1e-12)
    # an EXCESS kurtosis (normal = 0), sample-adjusted
    assert kurt(x) == pytest.approx(st.kurtosis(x, fisher=True, bias=False), rel=1e-12)
    # by hand for 1..4: symmetric -> skew 0; kurt = ((n+1)(r-3)+6)(n-1)/((n-2)(n-3))
    d = np.array([-1.5, -0.5, 0.5, 1.5])
    r = 4 * np.sum(d**4) / np.sum(d**2) ** 2  # 1.64
    assert kurt([1, 2, 3, 4]) == pytest.approx(((5) * (r - 3) + 6) * 3 / (2 * 1))  # -1.2
    assert kurt([1, 2, 3, 4]) == pytest.approx(-1.2)
    assert skew([1, 2, 3, NAN, 4]) == pytest.approx(0.0)


def test_pass_rule_is_or():
    x = np.r_[np.arange(1, 11), 100.0]
    assert skew(x) > 2 and kurt(x) > 3.5
    assert check_skew_kurt(x) is False  # COINr test-treat.R: expect_false
    # symmetric heavy tails: kurtosis 5 > 3.5 but skew 0 < 2 -> passes (OR, not AND)
    y = np.array([-100.0] + [0.0] * 9 + [100.0])
    assert skew(y) == pytest.approx(0.0) and kurt(y) == pytest.approx(5.0)
    assert check_skew_kurt(y) is True
    assert check_skew_kurt(np.array([1.0, 1.0, 1.0, 1.0])) is None  # zero variance: NA
    assert check_skew_kurt(np.array([1.0, 2.0, 50.0])) is None  # n < 4


def test_coinr_single_outlier_winsorised():
    # COINr test-treat.R "treat_num": x <- c(1:10, 100); winmax 5
    x = np.r_[np.arange(1, 11), 100.0]
    out, mask, info = treat_vector(x)
    assert out[10] == 10.0  # expect_equal(lt$x[x == 100], 10)
    np.testing.assert_array_equal(out[:10], x[:10])
    assert check_skew_kurt(out) is True
    assert info.status == "winsorised" and info.nwin == 1
    assert mask.tolist() == [False] * 10 + [True]


def test_coinr_winmax_1_then_log_ct_on_original():
    # COINr: x <- c(1:20, 100, 200); winmax = 1 does not pass; f2 then applies to the ORIGINAL x
    x = np.r_[np.arange(1, 21), 100.0, 200.0]
    w, flags, nwin = winsorise(x, winmax=1)
    assert nwin == 1 and w[21] == 100.0 and flags[21] == "winhi"
    assert check_skew_kurt(w) is False
    out, mask, info = treat_vector(x, winmax=1)
    assert info.status == "log"
    np.testing.assert_allclose(out, np.log(x - 1 + 0.01 * 199), rtol=1e-14)
    assert mask.all()


def test_low_side_and_tied_count():
    # COINr treat_df case c(1:10, -100): negative skew -> the minimum is winsorised
    x = np.r_[np.arange(1, 11), -100.0]
    out, mask, info = treat_vector(x, winmax=2)
    assert out[10] == 1.0 and mask[10] and info.status == "winsorised"
    # two high outliers: 200 -> 100, then both tied at 100 -> 20 (nwin counts the tie: 2)
    y = np.r_[np.arange(1, 21), 100.0, 200.0]
    out, mask, info = treat_vector(y)
    assert out[20] == 20.0 and out[21] == 20.0 and info.nwin == 2
    assert mask.sum() == 2


def test_missing_values_stay_missing():
    x = np.r_[np.arange(1, 11), NAN, 100.0]
    out, mask, _ = treat_vector(x)
    assert np.isnan(out[10]) and out[11] == 10.0 and not mask[10]


def test_log_ct_formula():
    np.testing.assert_allclose(log_ct(np.array([2.0, 4.0, 12.0])), np.log([0.1, 2.1, 10.1]))


def test_treat_cube_by_scope():
    # one indicator; year 0 has an outlier, year 1 does not
    base = np.r_[np.arange(1, 11), 100.0]
    X = np.stack([base, np.arange(1, 12, dtype=float)])[:, :, None]
    out, mask, details = treat_cube(X, scope="year")
    assert out[0, 10, 0] == 10.0 and mask[0, 10, 0]
    assert not mask[1].any()
    assert [(y, i, d.status) for y, i, d in details] == [(0, 0, "winsorised")]
    # too few values in a scope: left untreated (COINr would stop with an error)
    small = np.array([[[1.0], [2.0], [300.0]]])
    out, mask, details = treat_cube(small)
    assert not mask.any() and details == []
