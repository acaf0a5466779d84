"""Normalisation against hand computations and COINr's own test expectations.

COINr numbers come from bluefoxr/COINr tests/testthat/test-normalise.R ("norm_num",
"n_funcs": the goalpost cases) and the formulas in R/normalise.R (n_minmax, n_zscore,
n_goalposts, n_prank). R is not available here, so COINr itself was not run.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from smartcity_eval.errors import DataError
from smartcity_eval.scoring.normalise import normalise, normalise_array, percentile_rank

NAN = math.nan


def col(values):
    return np.asarray(values, dtype=float)[:, None]


def test_minmax_default_range_with_missing():
    out = normalise_array(col([2, 4, 6, NAN]), "minmax")
    np.testing.assert_allclose(out[:, 0], [0, 50, 100, NAN])


def test_minmax_any_range_coinr_norm_num():
    # COINr test-normalise.R: n_minmax(1:10, l_u = c(2, 7)) has min 2 and max 7
    out = normalise_array(col(range(1, 11)), "minmax", range=(2, 7))[:, 0]
    assert out.min() == 2 and out.max() == 7
    assert out[1] == pytest.approx(2 + 5 / 9, abs=1e-12)  # (2-1)/(10-1)*(7-2)+2


def test_minmax_negative_direction_reverses():
    out = normalise_array(col([2, 4, 6]), "minmax", direction=[-1])
    np.testing.assert_allclose(out[:, 0], [100, 50, 0])


def test_minmax_constant_indicator_is_nan_like_coinr():
    out = normalise_array(col([3, 3, 3]), "minmax")
    assert np.isnan(out).all()


def test_zscore_uses_sample_sd():
    out = normalise_array(col([1, 2, 3, 4, NAN]), "zscore")[:, 0]
    sd = math.sqrt(((1.5**2) * 2 + (0.5**2) * 2) / 3)  # n - 1 = 3
    assert sd == pytest.approx(1.2909944487358056)
    np.testing.assert_allclose(out[:4], [(x - 2.5) / sd for x in (1, 2, 3, 4)], rtol=1e-12)
    assert np.isnan(out[4])
    assert np.nanstd(out, ddof=1) == pytest.approx(1.0)


def test_zscore_negative_direction():
    out = normalise_array(col([1, 2, 3]), "zscore", direction=[-1])[:, 0]
    np.testing.assert_allclose(out, [1, 0, -1])


@pytest.mark.parametrize(
    ("x", "direction", "expected"),
    # COINr test-normalise.R, "zoom in on some goalpost cases", gposts c(0, 10, 1)
    [(1, 1, 0.1), (11, 1, 1.0), (-1, 1, 0.0), (1, -1, 0.9), (-1, -1, 1.0), (11, -1, 0.0)],
)
def test_goalposts_match_coinr_cases(x, direction, expected):
    out = normalise_array(
        col([x]), "goalposts", direction=[direction], lower=[0], upper=[10], range=(0, 1)
    )
    assert out[0, 0] == pytest.approx(expected, abs=1e-12)


def test_goalposts_levels_1_to_5_scaled_to_range():
    out = normalise_array(col([1, 2, 3.5, 5]), "goalposts", lower=[1], upper=[5])
    np.testing.assert_allclose(out[:, 0], [0, 25, 62.5, 100])
    # independent of the other units: one unit alone gets the same score
    alone = normalise_array(col([3.5]), "goalposts", lower=[1], upper=[5])
    assert alone[0, 0] == 62.5


def test_goalposts_need_bounds():
    with pytest.raises(DataError) as err:
        normalise_array(col([1, 2]), "goalposts", lower=[NAN], upper=[5], names=["GOV.SRV.01"])
    assert "GOV.SRV.01" in str(err.value) and "lower" in str(err.value)


def test_percentile_rank_is_coinr_n_prank():
    # R: rank(c(3,1,NA,3,2), ties.method="min", na.last="keep") = 3 1 NA 3 2; n = 4
    out = percentile_rank(col([3, 1, NAN, 3, 2]), axis=0)[:, 0]
    np.testing.assert_allclose(out, [2 / 3, 0, NAN, 2 / 3, 1 / 3])
    scaled = normalise_array(col([3, 1, NAN, 3, 2]), "rank")[:, 0]
    np.testing.assert_allclose(scaled, [200 / 3, 0, NAN, 200 / 3, 100 / 3])


def test_rank_negative_direction_and_single_value():
    out = normalise_array(col([10, 20, 30]), "rank", direction=[-1], range=(0, 1))[:, 0]
    np.testing.assert_allclose(out, [1, 0.5, 0])
    assert np.isnan(normalise_array(col([7]), "rank")[0, 0])  # (1-1)/(1-1) as in COINr


def test_target_percentage_capped():
    out = normalise_array(col([2, 5, 12, NAN]), "target", target=10)[:, 0]
    np.testing.assert_allclose(out, [20, 50, 100, NAN])


def test_target_lower_is_better():
    # waste per person: target 10, 5 beats it (100 %), 20 reaches half of it
    out = normalise_array(col([5, 10, 20]), "target", direction=[-1], target=10)[:, 0]
    np.testing.assert_allclose(out, [100, 100, 50])


def test_target_per_cell_and_missing_target():
    X = np.array([[[4.0], [4.0]]])  # 1 year x 2 regions x 1 indicator
    T = np.array([[[5.0], [8.0]]])
    np.testing.assert_allclose(normalise_array(X, "target", target=T)[0, :, 0], [80, 50])
    with pytest.raises(DataError, match="no positive target for 'I1'"):
        normalise_array(X, "target", target=np.nan, names=["I1"])


def test_none_keeps_raw_times_direction():
    out = normalise_array(np.array([[3.0, 2.0]]), "none", direction=[1, -1])
    np.testing.assert_allclose(out, [[3, -2]])


def test_unknown_method():
    with pytest.raises(DataError, match="unknown normalisation 'maxmin'"):
        normalise_array(col([1]), "maxmin")


def test_leading_axes_are_independent_scopes():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(3, 7, 4))  # replications x units x indicators
    X[0, 2, 1] = NAN
    out = normalise_array(X, "minmax")
    for r in range(3):
        np.testing.assert_allclose(out[r], normalise_array(X[r], "minmax"))
    assert np.nanmin(out[1], axis=0) == pytest.approx(np.zeros(4))


def test_tidy_scope_year_and_all():
    obs = pd.DataFrame(
        {
            "region": ["A", "B", "A", "B"],
            "year": [2021, 2021, 2022, 2022],
            "indicator": ["I"] * 4,
            "value": [1.0, 3.0, 5.0, 9.0],
        }
    )
    by_year = normalise(obs, "minmax", scope="year")
    np.testing.assert_allclose(by_year["value"], [0, 100, 0, 100])
    pooled = normalise(obs, "minmax", scope="all")
    np.testing.assert_allclose(pooled["value"], [0, 25, 50, 100])
    assert list(pooled["region"]) == ["A", "B", "A", "B"]


def test_wide_input():
    wide = pd.DataFrame({"I1": [1.0, 2.0, 3.0], "I2": [10.0, 0.0, 5.0]})
    out = normalise(wide, "minmax", direction={"I2": -1}, range=(0, 1))
    np.testing.assert_allclose(out["I1"], [0, 0.5, 1])
    np.testing.assert_allclose(out["I2"], [0, 1, 0.5])
