"""Aggregation against hand computations on small trees (COINr a_amean, a_gmean, a_hmean and
the dat_thresh test of bluefoxr/COINr tests/testthat/test-aggregate.R)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from smartcity_eval.errors import DataError
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.scoring.aggregate import (
    aggregate_array,
    node_methods,
)
from smartcity_eval.scoring.means import weighted_mean, weighted_mean_partials
from smartcity_eval.settings import ParameterError, parse_aggregate

NAN = math.nan


def make_framework(rows: list[tuple[str, str, float]]) -> Framework:
    """A Framework from (code, parent, weight) rows, computing depth and is_leaf."""
    parents = {c: p for c, p, _ in rows}
    depth = {}
    for c in parents:
        d, p = 0, parents[c]
        while p:
            d, p = d + 1, parents[p]
        depth[c] = d
    has_child = {p for p in parents.values() if p}
    nodes = pd.DataFrame(
        {
            "parent": [p for _, p, _ in rows],
            "name": [c for c, _, _ in rows],
            "name_id": "",
            "weight": [float(w) for _, _, w in rows],
            "direction": 1.0,
            "unit": "",
            "lower": NAN,
            "upper": NAN,
            "target": NAN,
            "depth": [depth[c] for c, _, _ in rows],
            "is_leaf": [c not in has_child for c, _, _ in rows],
        },
        index=pd.Index([c for c, _, _ in rows], name="code"),
    )
    return Framework(name="test", nodes=nodes)


# IDX -> P (2) -> a (1), b (2), c (3);  IDX -> Q (1) -> d (1), e (1)
TREE = make_framework(
    [
        ("IDX", "", 1),
        ("P", "IDX", 2),
        ("a", "P", 1),
        ("b", "P", 2),
        ("c", "P", 3),
        ("Q", "IDX", 1),
        ("d", "Q", 1),
        ("e", "Q", 1),
    ]
)


def scores(S: np.ndarray, code: str) -> np.ndarray:
    return S[..., list(TREE.nodes.index).index(code)]


def test_arithmetic_unequal_weights():
    X = np.array([[10.0, 20.0, 40.0, 50.0, 70.0]])  # a b c d e
    S, C = aggregate_array(X, TREE, return_coverage=True)
    p = (1 * 10 + 2 * 20 + 3 * 40) / 6  # 28.333...
    q = 60.0
    assert scores(S, "P")[0] == pytest.approx(p, abs=1e-12)
    assert scores(S, "Q")[0] == pytest.approx(q, abs=1e-12)
    assert scores(S, "IDX")[0] == pytest.approx((2 * p + q) / 3, abs=1e-12)
    assert scores(C, "IDX")[0] == 1.0
    # indicators keep their values
    assert scores(S, "c")[0] == 40.0


def test_missing_child_skipped_and_weights_renormalised():
    X = np.array([[10.0, NAN, 40.0, 50.0, 70.0]])
    S, C = aggregate_array(X, TREE, return_coverage=True)
    assert scores(S, "P")[0] == pytest.approx((10 + 3 * 40) / 4, abs=1e-12)  # 32.5
    assert scores(C, "P")[0] == pytest.approx(4 / 6)
    assert scores(C, "b")[0] == 0.0 and scores(C, "a")[0] == 1.0


def test_all_children_missing_gives_missing_parent():
    X = np.array([[NAN, NAN, NAN, 50.0, 70.0]])
    S, C = aggregate_array(X, TREE, return_coverage=True)
    assert np.isnan(scores(S, "P")[0])
    assert scores(C, "P")[0] == 0.0
    # the index then rests on Q alone: coverage 1/3
    assert scores(S, "IDX")[0] == pytest.approx(60.0)
    assert scores(C, "IDX")[0] == pytest.approx(1 / 3)


def test_min_coverage_threshold_and_propagation():
    X = np.array([[10.0, NAN, 40.0, 50.0, 70.0]])  # P coverage 4/6
    S = aggregate_array(X, TREE, min_coverage=0.7)
    assert np.isnan(scores(S, "P")[0])
    # P dropped -> counts as missing one level up: IDX coverage 1/3 < 0.7 -> missing too
    assert np.isnan(scores(S, "IDX")[0])
    S = aggregate_array(X, TREE, min_coverage=0.6)
    assert scores(S, "P")[0] == pytest.approx(32.5)
    # exactly at the threshold is kept (below means strictly below)
    X2 = np.array([[10.0, 20.0, 40.0, 50.0, NAN]])  # Q coverage exactly 0.5
    assert scores(aggregate_array(X2, TREE, min_coverage=0.5), "Q")[0] == 50.0


def test_coinr_dat_thresh_case():
    # COINr test-aggregate.R: 5 columns, weights 1:5, the first row has 4 of 5 missing,
    # dat_thresh = 0.5 -> NA. Weighted share present here: 5/15 < 0.5 -> missing as well.
    fw = make_framework([("I", "", 1)] + [(f"x{i}", "I", i) for i in range(1, 6)])
    X = np.array([[NAN, NAN, NAN, NAN, 0.7], [0.1, 0.2, 0.3, 0.4, 0.5]])
    S = aggregate_array(X, fw, min_coverage=0.5)
    assert np.isnan(S[0, 0])
    w = np.arange(1, 6)
    assert S[1, 0] == pytest.approx(np.dot(w, X[1]) / w.sum(), abs=1e-15)


def test_geometric_and_harmonic_hand_values():
    fw = make_framework([("I", "", 1), ("u", "I", 1), ("v", "I", 3)])
    X = np.array([[4.0, 16.0]])
    geo = aggregate_array(X, fw, "geometric")[0, 0]
    assert geo == pytest.approx(2**3.5, rel=1e-14)  # 4^(1/4) * 16^(3/4)
    har = aggregate_array(X, fw, "harmonic")[0, 0]
    assert har == pytest.approx(4 / (1 / 4 + 3 / 16), rel=1e-14)  # 9.142857...
    # missing child skipped
    assert aggregate_array(np.array([[NAN, 16.0]]), fw, "geometric")[0, 0] == pytest.approx(16)


@pytest.mark.parametrize("method", ["geometric", "harmonic"])
@pytest.mark.parametrize("bad", [0.0, -3.0])
def test_geometric_needs_positive_values(method, bad):
    X = np.array([[10.0, bad, 40.0, 50.0, 70.0]])
    with pytest.raises(DataError) as err:
        aggregate_array(
            X, TREE, method, unit_label=lambda idx: f"region Kutai Timur, year {2020 + idx[0]}"
        )
    text = str(err.value)
    assert "region Kutai Timur, year 2020" in text
    assert "node 'P'" in text and "'b'" in text and f"{bad:g}" in text
    assert "> 0" in text


def test_method_per_level_and_per_code():
    X = np.array([[4.0, 4.0, 16.0, 1.0, 9.0]])
    # level 1 (children of IDX) arithmetic, level... P geometric by code, Q harmonic by depth
    methods = node_methods(TREE, {1: "harmonic", "P": "geometric"})
    assert methods == {"P": "geometric", "Q": "harmonic", "IDX": "arithmetic"}
    S = aggregate_array(X, TREE, {1: "harmonic", "P": "geometric"})
    p = math.exp((math.log(4) + 2 * math.log(4) + 3 * math.log(16)) / 6)
    q = 2 / (1 / 1 + 1 / 9)
    assert scores(S, "P")[0] == pytest.approx(p, rel=1e-13)
    assert scores(S, "Q")[0] == pytest.approx(q, rel=1e-13)
    assert scores(S, "IDX")[0] == pytest.approx((2 * p + q) / 3, rel=1e-13)
    # root geometric by depth 0
    S0 = aggregate_array(X, TREE, {0: "geometric"})
    pa = (4 + 8 + 48) / 6
    assert scores(S0, "IDX")[0] == pytest.approx(math.exp((2 * math.log(pa) + math.log(5)) / 3))


def test_cli_form_of_methods():
    # the one aggregation-spec parser (settings.parse_aggregate), canonical form
    assert parse_aggregate("1=arithmetic,2=geometric") == (
        ("default", "arithmetic"),
        (1, "arithmetic"),
        (2, "geometric"),
    )
    assert node_methods(TREE, parse_aggregate("0=geometric,P=harmonic")) == node_methods(
        TREE, "0=geometric,P=harmonic"
    )
    assert node_methods(TREE, "0=geometric,P=harmonic") == {
        "P": "harmonic",
        "Q": "arithmetic",
        "IDX": "geometric",
    }
    with pytest.raises(DataError, match="neither a level"):
        node_methods(TREE, {"PP": "geometric"})
    with pytest.raises(ParameterError, match="aggregate='mean'.*arithmetic, geometric, harmonic"):
        node_methods(TREE, "mean")


def test_leading_dimensions_and_weights_per_replication():
    rng = np.random.default_rng(7)
    X = rng.uniform(1, 100, size=(4, 6, 5))  # replications x regions x indicators
    X[1, 2, 3] = NAN
    S = aggregate_array(X, TREE)
    for r in range(4):
        np.testing.assert_allclose(S[r], aggregate_array(X[r], TREE), rtol=1e-13)
    # one weight set per replication, broadcast over regions
    W = np.tile(TREE.nodes["weight"].to_numpy(), (4, 1, 1))
    W[2, 0, list(TREE.nodes.index).index("P")] = 5.0
    SW = aggregate_array(X, TREE, weights=W)
    np.testing.assert_allclose(SW[0], S[0])
    p, q = scores(SW[2], "P"), scores(SW[2], "Q")
    np.testing.assert_allclose(scores(SW[2], "IDX"), (5 * p + q) / 6, rtol=1e-13)


def test_weighted_mean_function():
    v = np.array([[1.0, NAN, 3.0], [2.0, 2.0, 2.0]])
    np.testing.assert_allclose(weighted_mean(v, [1, 1, 3]), [2.5, 2.0])
    np.testing.assert_allclose(weighted_mean(v, [1, 1, 1], "geometric"), [math.sqrt(3), 2.0])
    assert np.isnan(weighted_mean(np.array([NAN, NAN])))
    with pytest.raises(ValueError):
        weighted_mean(np.array([1.0, 0.0]), method="harmonic")


def test_weighted_mean_partials_match_finite_differences():
    """The scalar API of the one kernel (used by the reproduction check): the mean and
    dM/dx_i for each method, against the closed forms and a central difference."""
    x, w = [2.0, 8.0, 4.0], [1.0, 1.0, 2.0]
    for method, expect in (
        ("arithmetic", (2 + 8 + 8) / 4),
        ("geometric", math.exp((math.log(2) + math.log(8) + 2 * math.log(4)) / 4)),
        ("harmonic", 4 / (1 / 2 + 1 / 8 + 2 / 4)),
    ):
        mean, partials = weighted_mean_partials(x, w, method)
        assert mean == pytest.approx(expect, rel=1e-14)
        assert mean == pytest.approx(float(weighted_mean(np.array(x), w, method)), rel=1e-15)
        for i in range(3):
            h = 1e-6
            up, down = list(x), list(x)
            up[i] += h
            down[i] -= h
            fd = (
                weighted_mean_partials(up, w, method)[0]
                - weighted_mean_partials(down, w, method)[0]
            ) / (2 * h)
            assert partials[i] == pytest.approx(fd, rel=1e-7)
    with pytest.raises(ValueError, match="> 0"):
        weighted_mean_partials([1.0, -1.0], [1.0, 1.0], "geometric")


def test_zero_weight_child_with_only_it_present():
    fw = make_framework([("I", "", 1), ("u", "I", 0), ("v", "I", 1)])
    S, C = aggregate_array(np.array([[5.0, NAN]]), fw, return_coverage=True)
    assert np.isnan(S[0, 0]) and C[0, 0] == 0.0
