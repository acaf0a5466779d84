"""Variance-based sensitivity analysis and drop-one analysis (smartcity_eval.robustness.sensitivity).

The estimators are checked on functions whose Sobol' indices are known analytically:
the linear additive model, the Ishigami function and the Sobol' g-function (Saltelli et
al. 2008, *Global Sensitivity Analysis: The Primer*, sections 4.4 and 4.5; Saltelli et al.
2010, Computer Physics Communications 181: 259-270), and against SALib's estimators on the
same sample.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from smartcity_eval.errors import DataError
from smartcity_eval.robustness.sensitivity import (
    drop_one,
    drop_one_summary,
    mean_abs_rank_shift,
    saltelli_design,
    sensitivity_analysis,
    sobol_indices,
)
from smartcity_eval.robustness.uncertainty import Choices, framework_variant, prepare
from smartcity_eval.scoring.engine import score

from .test_uncertainty import make_framework, make_observations


def run(f, n, d, seed=1, method="sobol", groups=None, n_boot=0):
    design = saltelli_design(n, groups if groups is not None else d, seed=seed, method=method)
    y = f(design.matrix())
    return design, sobol_indices(y, design.n, design.k, n_boot=n_boot, seed=seed)


def test_linear_additive_model():
    """Y = sum a_i X_i, X_i ~ U(0, 1): S_i = ST_i = a_i^2 / sum a_j^2 (no interactions)."""
    a = np.array([1.0, 2.0, 3.0])
    _, res = run(lambda X: X @ a, 4096, 3)
    exact = a**2 / np.sum(a**2)  # 1/14, 4/14, 9/14
    np.testing.assert_allclose(res.S1, exact, atol=0.02)
    np.testing.assert_allclose(res.ST, exact, atol=0.02)


def test_ishigami():
    """Ishigami (a = 7, b = 0.1), X_i ~ U(-pi, pi): S = (0.3139, 0.4424, 0),
    ST = (0.5576, 0.4424, 0.2437)."""
    a, b = 7.0, 0.1

    def f(U):
        X = U * 2 * np.pi - np.pi
        return np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])

    V = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    V1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    V2 = a**2 / 8
    V13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    S = np.array([V1, V2, 0.0]) / V
    ST = np.array([V1 + V13, V2, V13]) / V
    assert S[0] == pytest.approx(0.3139, abs=1e-4) and ST[2] == pytest.approx(0.2437, abs=1e-4)
    _, res = run(f, 2**13, 3, n_boot=300)
    np.testing.assert_allclose(res.S1, S, atol=0.02)
    np.testing.assert_allclose(res.ST, ST, atol=0.02)
    # the 90 % bootstrap intervals hold the estimates and, here, the true values
    assert np.all(res.ST_lo <= res.ST) and np.all(res.ST_hi >= res.ST)
    assert np.all(res.ST_lo - 0.01 <= ST) and np.all(res.ST_hi + 0.01 >= ST)


def test_sobol_g_function():
    """g = prod (|4 X_i - 2| + a_i) / (1 + a_i): V_i = 1 / (3 (1 + a_i)^2),
    S_i = V_i / V, ST_i = V_i prod_{j != i} (1 + V_j) / V, V = prod (1 + V_i) - 1."""
    a = np.array([0.0, 1.0, 4.5, 9.0, 99.0, 99.0])

    def g(U):
        return np.prod((np.abs(4 * U - 2) + a) / (1 + a), axis=1)

    Vi = 1 / (3 * (1 + a) ** 2)
    V = np.prod(1 + Vi) - 1
    S = Vi / V
    ST = np.array([Vi[i] * np.prod(np.delete(1 + Vi, i)) / V for i in range(len(a))])
    _, res = run(g, 2**14, len(a), seed=3)
    np.testing.assert_allclose(res.S1, S, atol=0.03)
    np.testing.assert_allclose(res.ST, ST, atol=0.03)
    assert np.argmax(res.ST) == 0 and res.ST[-1] < 0.01


def test_groups_of_columns():
    """Y = X1 + X2 + 2 X3 with factor 1 = {X1, X2}: S_1 = (1 + 1) / (1 + 1 + 4) = 1/3."""
    _, res = run(lambda X: X[:, 0] + X[:, 1] + 2 * X[:, 2], 4096, None, groups=[2, 1])
    np.testing.assert_allclose(res.S1, [1 / 3, 2 / 3], atol=0.02)
    np.testing.assert_allclose(res.ST, [1 / 3, 2 / 3], atol=0.02)


def test_same_estimators_as_salib():
    """Saltelli 2010 first order and Jansen total order, as SALib computes them."""
    from SALib.analyze import sobol as salib_sobol

    def f(U):
        return np.sin(U[:, 0] * 3) + U[:, 1] ** 2 * U[:, 2] + 0.3 * U[:, 3]

    design = saltelli_design(512, 4, seed=5, method="random")
    y = f(design.matrix())
    mine = sobol_indices(y, design.n, design.k)
    n, k = design.n, design.k
    yA, yB, yAB = y[:n], y[n : 2 * n], y[2 * n :].reshape(k, n)
    # SALib's layout without second order: per base row, A, AB_1..AB_k, B
    Y = np.column_stack([yA, yAB.T, yB]).reshape(-1)
    problem = {"num_vars": k, "names": list("abcd"), "bounds": [[0, 1]] * k}
    ref = salib_sobol.analyze(
        problem, Y, calc_second_order=False, num_resamples=10, print_to_console=False, seed=1
    )
    np.testing.assert_allclose(mine.S1, ref["S1"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(mine.ST, ref["ST"], rtol=1e-9, atol=1e-12)


def test_design_layout_and_checks():
    design = saltelli_design(8, [2, 1], names=["w", "m"], seed=2)
    M = design.matrix()
    assert M.shape == (8 * 4, 3)
    np.testing.assert_array_equal(M[:8], design.A)
    np.testing.assert_array_equal(M[8:16], design.B)
    ab1 = M[16:24]
    np.testing.assert_array_equal(ab1[:, :2], design.B[:, :2])
    np.testing.assert_array_equal(ab1[:, 2], design.A[:, 2])
    again = saltelli_design(8, [2, 1], names=["w", "m"], seed=2)
    np.testing.assert_array_equal(design.A, again.A)
    assert np.all((M >= 0) & (M < 1))
    with pytest.raises(ValueError):
        sobol_indices(np.zeros(10), 8, 2)
    with pytest.raises(ValueError):
        saltelli_design(8, 2, method="lhs")
    # a constant output: nothing matters
    res = sobol_indices(np.full(32, 3.0), 8, 2, n_boot=5)
    np.testing.assert_array_equal(res.S1, [0.0, 0.0])
    np.testing.assert_array_equal(res.ST, [0.0, 0.0])


def test_mean_abs_rank_shift_by_hand(tmp_path):
    fw = make_framework(tmp_path)
    obs = make_observations(fw, n_regions=3, years=(2024,))
    prep = prepare(obs, fw, Choices(), {})
    ranks = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [2.0, 1.0, np.nan]])
    out = mean_abs_rank_shift(prep, ranks, np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(out[:, 0], [0.0, 4 / 3, 1.0])


# ----------------------------------------------------------------------------- the index
@pytest.fixture
def small(tmp_path):
    fw = make_framework(tmp_path)
    return fw, make_observations(fw, n_regions=12)


def test_a_choice_with_identical_alternatives_has_zero_indices(small):
    """COINr's test: two identical normalisation alternatives -> S1 = ST = 0 for it."""
    fw, obs = small
    choices = Choices(
        normalise=("minmax:1:100", "minmax:1:100"),
        aggregate=("arithmetic", "geometric"),
        weight_noise=0.4,
        weight_levels=(1,),
    )
    res = sensitivity_analysis(obs, fw, choices, {}, n=64, seed=4, n_boot=50)
    ind = res.indices.set_index(["year", "factor"])
    for year in (2023, 2024):
        assert ind.loc[(year, "normalise"), "S1"] == 0.0
        assert ind.loc[(year, "normalise"), "ST"] == 0.0
        assert ind.loc[(year, "weights"), "ST"] > 0.0
        assert ind.loc[(year, "aggregate"), "ST"] > 0.0
    assert set(res.indices["n_runs"]) == {64 * 5}
    # the UA from the 2N independent runs
    assert res.uncertainty.ranks.shape[0] == 128
    by = res.by_region
    assert len(by) == 3 * 24 and set(by["output"]) == {"rank"}
    both = res.table()
    assert len(both) == len(res.indices) + len(by)
    assert (both["region"] == "").sum() == len(res.indices)


def test_sensitivity_is_seeded(small):
    fw, obs = small
    choices = Choices(normalise=("minmax:1:100", "rank:1:100"), weight_noise=0.3)
    a = sensitivity_analysis(obs, fw, choices, {}, n=32, seed=8, n_boot=40)
    b = sensitivity_analysis(obs, fw, choices, {}, n=32, seed=8, n_boot=40)
    pd.testing.assert_frame_equal(a.indices, b.indices)
    pd.testing.assert_frame_equal(a.by_region, b.by_region)


def test_nothing_uncertain_is_an_error(small):
    fw, obs = small
    with pytest.raises(DataError, match="nothing is uncertain"):
        sensitivity_analysis(obs, fw, Choices(), {}, n=16)


def test_drop_one_equals_scoring_without_the_node(small):
    fw, obs = small
    choices = Choices(normalise=("goalposts",))
    table = drop_one(obs, fw, choices, {}, levels=(1, 2))
    assert set(table["removed"]) == {"P1", "P2", "P3", "E11", "E12", "E21", "E31"}
    nominal = score(obs, fw, normalise="goalposts")
    nominal = nominal[nominal["code"] == "IDX"].set_index(["region", "year"])
    for removed in ("P2", "E12", "E21"):
        ref = score(obs, framework_variant(fw, dropped=[removed]), normalise="goalposts")
        ref = ref[ref["code"] == "IDX"].set_index(["region", "year"])
        got = table[table["removed"] == removed].set_index(["region", "year"])
        ref = ref.reindex(got.index)
        np.testing.assert_allclose(got["score"], ref["score"], rtol=1e-12)
        np.testing.assert_array_equal(got["rank"], ref["rank"].astype(float))
        np.testing.assert_array_equal(
            got["rank_shift"], got["rank"] - nominal.reindex(got.index)["rank"].astype(float)
        )
    # removing a pillar changes some ranks
    assert (table["rank_shift"] != 0).any()
    with_ind = drop_one(obs, fw, choices, {}, levels=(1,), indicators=True)
    assert set(with_ind["removed"]) == {"P1", "P2", "P3", *fw.indicators}


def test_drop_one_summary_by_hand():
    t = pd.DataFrame(
        {
            "region": ["a", "b", "c", "a", "b", "c"],
            "year": 2024,
            "code": "IDX",
            "removed": ["P1"] * 3 + ["P2"] * 3,
            "removed_level": 1,
            "rank_shift": [1.0, -1.0, 0.0, 2.0, 0.0, -2.0],
        }
    )
    s = drop_one_summary(t)
    assert list(s["removed"]) == ["P2", "P1"]
    np.testing.assert_allclose(s["mean_abs_rank_shift"], [4 / 3, 2 / 3])
    np.testing.assert_allclose(s["max_abs_rank_shift"], [2.0, 1.0])
    assert list(s["n_changed"]) == [2, 2]


def test_kutai_timur_sensitivity_sums_sensibly():
    from smartcity_eval import load_dataset
    from smartcity_eval.robustness.sensitivity import sensitivity_dataset

    ds = load_dataset("kutai_timur")
    res = sensitivity_dataset(ds, n=128, years=[2024], n_boot=100)
    ind = res.indices
    assert list(ind["factor"]) == ["weights", "normalise", "aggregate"]
    # first-order indices add up to at most 1 (up to Monte Carlo error); ST >= S1
    assert ind["S1"].sum() <= 1.1
    assert (ind["ST"] >= ind["S1"] - 0.1).all()
    assert math.isfinite(ind["variance"].iloc[0]) and ind["variance"].iloc[0] > 0
