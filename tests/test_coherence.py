"""Statistical coherence: correlations, Cronbach's alpha and flags, against hand
computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from smartcity_eval import load_dataset
from smartcity_eval.analysis.coherence import (
    alpha_table,
    coherence_dataset,
    coherence_table,
    cronbach_alpha,
    pairwise_corr,
    parent_correlations,
    sibling_correlations,
)
from smartcity_eval.scoring.engine import score

from .test_uncertainty import make_framework

# Four regions, three items:
#   x1 = 1 2 3 4   mean 2.5, deviations -1.5 -0.5 0.5 1.5, SS 5, variance 5/3
#   x2 = 2 2 3 5   mean 3,   deviations -1 -1 0 2,         SS 6, variance 2
#   x3 = 1 3 2 4   mean 2.5, deviations -1.5 0.5 -0.5 1.5, SS 5, variance 5/3
#   total = 4 7 8 13, mean 8, deviations -4 -1 0 5, SS 42, variance 14
X1 = [1.0, 2.0, 3.0, 4.0]
X2 = [2.0, 2.0, 3.0, 5.0]
X3 = [1.0, 3.0, 2.0, 4.0]
X4 = [3.0, 4.0, 1.0, 2.0]  # deviations 0.5 1.5 -1.5 -0.5


def test_cronbach_alpha_by_hand():
    # alpha = 3/2 (1 - (5/3 + 2 + 5/3) / 14) = 3/2 x 26/42 = 39/42
    X = np.column_stack([X1, X2, X3])
    assert cronbach_alpha(X) == pytest.approx(39 / 42, abs=1e-12)
    # two parallel items: alpha = 2/1 (1 - (v + v) / 4v) = 1
    assert cronbach_alpha(np.column_stack([X1, X1])) == pytest.approx(1.0)
    # one item: undefined
    assert math.isnan(cronbach_alpha(np.column_stack([X1])))


def test_pearson_and_spearman_by_hand():
    # x1 . x2 deviations: 1.5 + 0.5 + 0 + 3 = 5, r = 5 / sqrt(5 x 6) = 0.912871
    r, n = pairwise_corr(np.array(X1), np.array(X2))
    assert r[0] == pytest.approx(5 / math.sqrt(30), abs=1e-12) and n[0] == 4
    # ranks of x2 with ties averaged: 1.5 1.5 3 4 (deviations -1 -1 0.5 1.5, SS 4.5);
    # sum of products 1.5 + 0.5 + 0.25 + 2.25 = 4.5, rho = 4.5 / sqrt(5 x 4.5) = 3 / sqrt(10)
    rho, _ = pairwise_corr(np.array(X1), np.array(X2), "spearman")
    assert rho[0] == pytest.approx(3 / math.sqrt(10), abs=1e-12)
    # pairwise-complete: only (1, 2) and (4, 5) are complete -> r = 1, n = 2
    r, n = pairwise_corr(np.array([1.0, 2.0, np.nan, 4.0]), np.array([2.0, np.nan, 3.0, 5.0]))
    assert r[0] == pytest.approx(1.0) and n[0] == 2
    # a constant column has no correlation
    r, _ = pairwise_corr(np.array([1.0, 1.0, 1.0]), np.array([1.0, 2.0, 3.0]))
    assert math.isnan(r[0])
    with pytest.raises(ValueError):
        pairwise_corr(np.array(X1), np.array(X2), "kendall")


FRAMEWORK = """code,parent,name,weight,direction,lower,upper
IDX,,Index,1,,,
P,IDX,Pillar,1,,,
x1,P,x1,1,1,1,5
x2,P,x2,1,1,1,5
x3,P,x3,1,1,1,5
x4,P,x4,1,{d4},1,5
Q,IDX,Pillar Q,1,,,
q1,Q,q1,1,1,1,5
q2,Q,q2,1,1,1,5
"""


def scores_for(tmp_path, d4: int) -> tuple:
    fw = make_framework(tmp_path, FRAMEWORK.format(d4=d4))
    rows = []
    values = {"x1": X1, "x2": X2, "x3": X3, "x4": X4, "q1": [2, 4, 1, 3], "q2": [1, 1, 2, 5]}
    for code, vals in values.items():
        for i, v in enumerate(vals):
            rows.append((f"R{i}", 2024, code, float(v)))
    obs = pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])
    obs["region"] = obs["region"].astype("str")
    obs["indicator"] = obs["indicator"].astype("str")
    return fw, score(obs, fw, normalise="none")


def test_parent_correlation_flags_a_negative_indicator(tmp_path):
    """x4 runs against the pillar P = mean(x1..x4) = 1.75 2.75 2.25 3.75 (deviations
    -0.875 0.125 -0.375 1.125, SS 2.1875; x4 deviations 0.5 1.5 -1.5 -0.5, SS 5; sum of
    products -0.4375 + 0.1875 + 0.5625 - 0.5625 = -0.25): r = -0.25 / sqrt(5 x 2.1875)."""
    fw, sc = scores_for(tmp_path, 1)
    t = parent_correlations(sc, fw).set_index("code")
    expected = -0.25 / math.sqrt(5 * 2.1875)
    assert t.loc["x4", "r_parent"] == pytest.approx(expected, abs=1e-12)
    assert bool(t.loc["x4", "flag_negative"]) and not bool(t.loc["x1", "flag_negative"])
    idx = sc[sc["code"] == "IDX"]["score"].to_numpy()
    assert t.loc["x1", "r_index"] == pytest.approx(np.corrcoef(X1, idx)[0, 1], abs=1e-12)
    assert t.loc["x1", "parent"] == "P" and t.loc["P", "parent"] == "IDX"
    assert t.loc["x1", "level"] == 2 and bool(t.loc["x1", "is_indicator"])
    # with direction -1 the normalised x4 is -x4: now positive
    fw, sc = scores_for(tmp_path, -1)
    t = parent_correlations(sc, fw).set_index("code")
    assert t.loc["x4", "r_parent"] > 0 and not bool(t.loc["x4", "flag_negative"])


def test_collinear_siblings(tmp_path):
    fw, sc = scores_for(tmp_path, 1)
    sib = sibling_correlations(sc, fw)
    pair = sib[(sib["code"] == "x1") & (sib["other"] == "x2")].iloc[0]
    assert pair["r"] == pytest.approx(5 / math.sqrt(30), abs=1e-12)
    assert bool(pair["flag_collinear"])  # 0.913 > 0.9
    # pairs only within a parent: x1-q1 is not a pair; 6 pairs under P, 1 under Q
    assert len(sib) == 7
    assert not ((sib["code"] == "x1") & (sib["other"] == "q1")).any()
    x1x3 = sib[(sib["code"] == "x1") & (sib["other"] == "x3")].iloc[0]
    # x1 . x3 deviations: 2.25 - 0.25 - 0.25 + 2.25 = 4, r = 4/5 = 0.8: not collinear
    assert x1x3["r"] == pytest.approx(0.8, abs=1e-12) and not bool(x1x3["flag_collinear"])
    # a custom threshold
    sib = sibling_correlations(sc, fw, threshold=0.95)
    assert not sib["flag_collinear"].any()


def test_alpha_per_aggregate(tmp_path):
    fw, sc = scores_for(tmp_path, -1)  # x4 reversed: its normalised value is -x4
    a = alpha_table(sc, fw).set_index("code")
    X = np.column_stack([X1, X2, X3, -np.array(X4)])
    C = np.cov(X, rowvar=False)
    expected = 4 / 3 * (1 - np.trace(C) / C.sum())
    assert a.loc["P", "alpha"] == pytest.approx(expected, abs=1e-12)
    assert a.loc["P", "k"] == 4 and a.loc["P", "n"] == 4
    # q1 = 2 4 1 3, q2 = 1 1 2 5: variances 5/3 and 3, covariance (-0.5 + -1.5 + 0.5 + 2.5)/3... by numpy
    Cq = np.cov(np.column_stack([[2, 4, 1, 3], [1, 1, 2, 5]]), rowvar=False)
    assert a.loc["Q", "alpha"] == pytest.approx(2 * (1 - np.trace(Cq) / Cq.sum()), abs=1e-12)
    assert bool(a.loc["Q", "flag_low_alpha"])
    assert a.loc["IDX", "k"] == 6


def test_coherence_table_one_row_per_node(tmp_path):
    fw, sc = scores_for(tmp_path, 1)
    t = coherence_table(sc, fw)
    assert list(t["code"]) == list(fw.nodes.index)
    row = t.set_index("code")
    assert row.loc["x4", "issues"] == "negative"
    assert row.loc["x1", "sibling"] == "x2" and "collinear" in row.loc["x1", "issues"]
    assert math.isnan(row.loc["IDX", "r_parent"]) and row.loc["IDX", "parent"] == ""
    assert row.loc["P", "k"] == 4


def test_coherence_on_kutai_timur():
    ds = load_dataset("kutai_timur")
    t = coherence_dataset(ds, years=[2024])
    assert set(t["year"]) == {2024}
    assert len(t) == len(ds.framework.nodes)
    pillars = t[t["level"] == 1]
    assert len(pillars) == 6 and pillars["alpha"].notna().all()
    ind = t[t["is_indicator"]]
    assert ind["r_parent"].between(-1, 1).all()
    sp = coherence_dataset(ds, years=[2024], method="spearman")
    assert not np.allclose(sp["r_parent"].fillna(0), t["r_parent"].fillna(0))
