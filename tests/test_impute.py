"""Imputation against hand computations (COINr i_mean, i_median, i_mean_grp, impute_panel;
bluefoxr/COINr R/impute.R and tests/testthat/test-Impute.R, test-impute_panel.R)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from smartcity_eval.errors import DataError
from smartcity_eval.scoring.impute import impute_cube, impute_vector

NAN = math.nan


def test_vector_mean_median_like_coinr():
    x = np.arange(1, 11, dtype=float)
    x[2] = NAN
    # COINr test-Impute.R: Impute(x, f_i = "i_median") puts median(x, na.rm = TRUE) = 6
    assert impute_vector(x, "median")[2] == 6.0
    assert impute_vector(x, "mean")[2] == pytest.approx(52 / 9)
    np.testing.assert_array_equal(impute_vector(x, "mean")[[0, 1, 3]], [1, 2, 4])


def test_vector_group_mean_skips_regions_without_group():
    x = np.array([NAN, 1.0, 3.0, 10.0, NAN, NAN])
    g = ["a", "a", "a", "b", "b", None]
    out = impute_vector(x, "group_mean", g)
    np.testing.assert_allclose(out[:5], [2, 1, 3, 10, 10])
    assert np.isnan(out[5])  # COINr i_mean_grp: a unit with an NA group stays NA


def cube(values):
    """years x regions x 1 indicator."""
    return np.asarray(values, dtype=float)[:, :, None]


def test_cube_mean_by_year_and_pooled():
    X = cube([[1, 3, NAN], [10, 20, NAN]])
    out, imp = impute_cube(X, "mean", scope="year")
    np.testing.assert_allclose(out[:, 2, 0], [2, 15])
    assert imp[:, 2, 0].all() and imp.sum() == 2
    out, _ = impute_cube(X, "mean", scope="all")
    np.testing.assert_allclose(out[:, 2, 0], [8.5, 8.5])
    out, _ = impute_cube(X, "median", scope="all")
    np.testing.assert_allclose(out[:, 2, 0], [6.5, 6.5])


def test_cube_group_mean():
    X = cube([[1, 3, NAN, 100, NAN]])
    out, imp = impute_cube(X, "group_mean", groups=["kab", "kab", "kab", "kota", "kota"])
    np.testing.assert_allclose(out[0, :, 0], [1, 3, 2, 100, 100])
    with pytest.raises(DataError, match="peer groups"):
        impute_cube(X, "group_mean")


def test_cube_last_observation_carried_forward():
    # COINr impute_panel: a 2022 gap takes the 2021 value; nothing before the first value
    X = cube([[NAN, 1], [5, NAN], [NAN, NAN], [7, 4]])
    out, imp = impute_cube(X, "last", years=[2020, 2021, 2022, 2023])
    np.testing.assert_allclose(out[:, 0, 0], [NAN, 5, 5, 7])
    np.testing.assert_allclose(out[:, 1, 0], [1, 1, 1, 4])
    assert imp[:, 0, 0].tolist() == [False, False, True, False]


def test_cube_linear_interpolation_in_years():
    # COINr test-impute_panel.R "linear_imp_works": i2 = c(3, NA, 5) -> 4
    X = cube([[3, NAN], [NAN, 5], [5, 6]])
    out, imp = impute_cube(X, "interpolate", years=[2020, 2021, 2022])
    assert out[1, 0, 0] == 4.0
    # uneven years: 2020 -> 10, 2023 -> 40: 2021 is 20
    Y = cube([[10], [NAN], [40]])
    out, _ = impute_cube(Y, "interpolate", years=[2020, 2021, 2023])
    assert out[1, 0, 0] == pytest.approx(20.0)
    # the ends are not extrapolated (COINr's approx(rule = 2) would copy the nearest value)
    end, _ = impute_cube(X, "interpolate", years=[2020, 2021, 2022])
    assert np.isnan(end[0, 1, 0])


def test_absent_region_years_are_not_filled():
    X = cube([[1, 3, NAN], [10, 20, NAN]])
    present = np.array([[True, True, True], [True, True, False]])
    out, imp = impute_cube(X, "mean", present=present)
    assert out[0, 2, 0] == 2 and np.isnan(out[1, 2, 0]) and not imp[1, 2, 0]


def test_unknown_method():
    with pytest.raises(DataError, match="unknown imputation"):
        impute_cube(cube([[1.0]]), "knn")
