"""One kernel per method: the tie tolerance shared by score(), the uncertainty kernel and
the bands; the z-score of an indicator that does not vary; log-treated indicators under
raw-unit normalisations; contributions under a missing parent; the varied choices."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcity_eval.io.frameworks import load_framework
from smartcity_eval.robustness.uncertainty import Choices, uncertainty_analysis, year_ranks
from smartcity_eval.scoring.bands import assign_bands
from smartcity_eval.scoring.engine import contributions, score
from smartcity_eval.scoring.means import mean_from_sums, mean_terms, weighted_mean
from smartcity_eval.scoring.normalise import normalise_array
from smartcity_eval.scoring.ranks import rank_min
from smartcity_eval.settings import ParameterError
from smartcity_eval.vocab import (
    TIE_DECIMALS,
    VARIED_AGGREGATION,
    VARIED_IMPUTATION,
    VARIED_NORMALISATION,
    VARIED_WEIGHTS,
)

TWO = """code,parent,name,weight,direction,lower,upper
IDX,,Index,1,,,
I1,IDX,i1,1,1,0,1
I2,IDX,i2,1,1,0,1
"""

TREE = """code,parent,name,weight,direction,lower,upper
IDX,,Index,1,,,
A,IDX,A,1,,,
A1,A,a1,3,1,0,10
A2,A,a2,1,1,0,10
B,IDX,B,1,,,
B1,B,b1,1,1,0,10
"""


def framework(tmp_path: Path, text: str):
    folder = tmp_path / "fw"
    folder.mkdir(exist_ok=True)
    (folder / "framework.csv").write_text(text, encoding="utf-8")
    return load_framework(folder)


def tidy(rows: list[tuple[str, int, str, float]]) -> pd.DataFrame:
    obs = pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])
    obs["region"] = obs["region"].astype("str")
    return obs


def cell(t: pd.DataFrame, region: str, code: str, column: str = "score"):
    return t.loc[(t["region"] == region) & (t["code"] == code), column].iloc[0]


# ----------------------------------------------------------------------------- ties
def test_equal_scores_in_another_order_share_a_rank_in_score_and_uncertainty(tmp_path):
    """0.1 + 0.2 (0.30000000000000004) and 0.3 are the same score: they tie (rank 1 both)
    in score(), in the uncertainty kernel and in the one rank function."""
    assert 0.1 + 0.2 != 0.3
    fw = framework(tmp_path, TWO)
    obs = tidy(
        [
            ("X", 2024, "I1", 0.1 + 0.2),
            ("X", 2024, "I2", 0.3),
            ("Y", 2024, "I1", 0.3),
            ("Y", 2024, "I2", 0.3),
            ("Z", 2024, "I1", 0.1),
            ("Z", 2024, "I2", 0.1),
        ]
    )
    t = score(obs, fw, normalise="none")
    assert cell(t, "X", "IDX") != cell(t, "Y", "IDX")  # different floats ...
    assert cell(t, "X", "IDX", "rank") == cell(t, "Y", "IDX", "rank") == 1  # ... one rank
    assert cell(t, "X", "I1", "rank") == cell(t, "Y", "I1", "rank") == 1
    assert cell(t, "Z", "IDX", "rank") == 3
    res = uncertainty_analysis(obs, fw, Choices(normalise=("none",)), {}, n=4, seed=1)
    units = res.prep.units["region"].tolist()
    x, y, z = (units.index(r) for r in ("X", "Y", "Z"))
    assert res.scores[0, x] != res.scores[0, y]
    np.testing.assert_array_equal(res.ranks[:, x], 1.0)
    np.testing.assert_array_equal(res.ranks[:, y], 1.0)
    np.testing.assert_array_equal(res.ranks[:, z], 3.0)
    np.testing.assert_array_equal(res.nominal_ranks[[x, y, z]], [1.0, 1.0, 3.0])
    s = np.array([[0.1 + 0.2, 0.3, 0.1]])
    np.testing.assert_array_equal(year_ranks(res.prep, s[:, [x, y, z]])[0], [1.0, 1.0, 3.0])
    np.testing.assert_array_equal(rank_min(s, axis=-1)[0], [1.0, 1.0, 3.0])


def test_rank_min_tolerance_is_nine_decimals():
    assert TIE_DECIMALS == 9
    v = np.array([5.0, 5.0 + 4e-10, 5.0 + 2e-9, np.nan, 1.0])
    np.testing.assert_array_equal(rank_min(v), [2.0, 2.0, 1.0, np.nan, 4.0])
    np.testing.assert_array_equal(rank_min(v, descending=False), [2.0, 2.0, 4.0, np.nan, 1.0])
    # other axes are independent (a leading replication axis)
    X = np.array([[[3.0, 1.0, 3.0]], [[1.0, 2.0, 3.0]]])
    np.testing.assert_array_equal(rank_min(X, axis=-1)[:, 0], [[1, 3, 1], [3, 2, 1]])


def test_band_lookup_uses_the_same_tolerance():
    bands = pd.DataFrame(
        {"label": ["Baik", "Sangat Baik"], "lower": [2.6, 3.5], "upper": [3.5, 4.2]}
    )
    just_below = 3.5 - 4e-16  # 3.5 computed in another order
    assert just_below < 3.5
    got = assign_bands(np.array([just_below, 3.49, 4.2 + 1e-12]), ["IDX"] * 3, bands, "IDX")
    assert list(got) == ["Sangat Baik", "Baik", "Sangat Baik"]


def test_percentile_rank_ties_to_nine_decimals():
    X = np.array([[0.1 + 0.2], [0.3], [0.1]])
    out = normalise_array(X, "rank", range=(0.0, 1.0))[:, 0]
    np.testing.assert_array_equal(out, [0.5, 0.5, 0.0])


# ----------------------------------------------------------------------------- z-score
def test_zscore_of_an_indicator_that_does_not_vary_is_missing_with_a_warning(tmp_path):
    """Seven equal values: numpy's sd is 1.5e-17 (rounding noise), which once gave every
    region +-sqrt(6/7) = 0.926; COINr gives NA, and so do we, with a warning."""
    v = np.full((7, 1), 0.1)
    assert np.std(v, ddof=1) > 0  # the noise this guards against
    assert np.isnan(normalise_array(v, "zscore")).all()
    assert np.isnan(normalise_array(np.array([[4.0]]), "zscore")).all()  # one value
    z = normalise_array(np.array([[1.0], [2.0], [3.0]]), "zscore")[:, 0]
    np.testing.assert_allclose(z, [-1.0, 0.0, 1.0])
    fw = framework(tmp_path, TWO)
    rows = [(f"R{k}", 2024, "I1", 0.1) for k in range(7)]
    rows += [(f"R{k}", 2024, "I2", float(k)) for k in range(7)]
    with pytest.warns(RuntimeWarning, match="does not vary.*I1"):
        t = score(tidy(rows), fw, normalise="zscore")
    assert t.loc[t["code"] == "I1", "score"].isna().all()
    # the index is the z-score of I2 alone (I1 missing, skipped)
    i2 = t.loc[t["code"] == "I2"].set_index("region")["score"]
    idx = t.loc[t["code"] == "IDX"].set_index("region")["score"]
    pd.testing.assert_series_equal(idx, i2)


# ----------------------------------------------------------------------------- log treatment
SKEWED = [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0, 2.1, 2.2, 10, 20, 40, 80]
SKEWED += [160, 320, 640]  # with winmax = 1, COINr's treatment log-transforms this


@pytest.mark.parametrize("method", ["goalposts", "none", "target"])
def test_log_treated_indicator_refuses_raw_unit_normalisation(tmp_path, method):
    fw = framework(tmp_path, TWO.replace("I2,IDX,i2,1,1,0,1", "I2,IDX,i2,1,1,0,1000"))
    fw.nodes.loc[["I1", "I2"], "target"] = 500.0
    rows = [(f"R{k:02d}", 2024, "I1", 1.0 + k) for k in range(len(SKEWED))]
    rows += [(f"R{k:02d}", 2024, "I2", v) for k, v in enumerate(SKEWED)]
    obs = tidy(rows)
    with pytest.raises(ParameterError, match=rf"normalise='{method}'.*'I2' \(year 2024\)"):
        score(obs, fw, normalise=method, outliers={"winmax": 1})
    with pytest.raises(ParameterError, match="minmax, zscore or rank"):
        uncertainty_analysis(
            obs,
            fw,
            Choices(normalise=("minmax", method)),
            {"outliers": {"winmax": 1}},
            n=2,
        )
    # relative normalisations are fine, and the treatment is flagged
    t = score(obs, fw, normalise="minmax", outliers={"winmax": 1})
    assert t.loc[t["code"] == "I2", "treated"].all()


# ----------------------------------------------------------------------------- contributions
def test_contributions_skip_children_of_a_missing_parent(tmp_path):
    fw = framework(tmp_path, TREE)
    # X lacks A1 (3/4 of A's weight): A is below min_coverage, the index is not (1/2)
    rows = [("X", 2024, "A1", np.nan), ("X", 2024, "A2", 4.0), ("X", 2024, "B1", 6.0)]
    rows += [("Y", 2024, "A1", 2.0), ("Y", 2024, "A2", 8.0), ("Y", 2024, "B1", 1.0)]
    t = score(tidy(rows), fw, normalise="none", min_coverage=0.5)
    assert math.isnan(cell(t, "X", "A")) and not math.isnan(cell(t, "X", "A2"))
    assert cell(t, "X", "IDX") == 6.0
    c = contributions(t, fw)
    x = c[c["region"] == "X"]
    # A2 has a score but its parent A has none: not listed
    assert list(zip(x["parent"], x["code"], strict=True)) == [("IDX", "B"), ("B", "B1")]
    assert x["weight"].tolist() == [1.0, 1.0]  # B alone carries the index
    y = c[c["region"] == "Y"]
    assert set(y["code"]) == {"A", "A1", "A2", "B", "B1"}
    # arithmetic: the contributions of the index's children sum to the index
    idx = y[y["parent"] == "IDX"]["contribution"].sum()
    assert idx == pytest.approx(cell(t, "Y", "IDX"), rel=1e-14)


# ----------------------------------------------------------------------------- the kernel
def test_one_mean_kernel_with_a_replication_axis():
    """mean_terms / mean_from_sums over a leading replication axis equal weighted_mean
    (the 1-D API) row by row, skipping missing children and renormalising weights."""
    rng = np.random.default_rng(3)
    V = rng.uniform(1, 9, size=(5, 4, 6))
    V[rng.random(V.shape) < 0.3] = np.nan
    W = rng.uniform(0.5, 2, size=(5, 1, 6))
    for method in ("arithmetic", "geometric", "harmonic"):
        num = (mean_terms(V, method) * W).sum(axis=-1)
        den = (~np.isnan(V) * W).sum(axis=-1)
        got = mean_from_sums(num, den, method)
        for r in range(5):
            for u in range(4):
                ref = weighted_mean(V[r, u], W[r, 0], method)
                if np.isnan(ref):
                    assert np.isnan(got[r, u])
                else:
                    assert got[r, u] == pytest.approx(float(ref), rel=1e-13)


def test_varied_lists_only_the_choices_left_open():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Choices().varied() == ()
    c = Choices(normalise=("none", "minmax"), aggregate=("arithmetic",), weight_noise=0.25)
    assert c.varied() == (VARIED_NORMALISATION, VARIED_WEIGHTS)
    assert VARIED_AGGREGATION not in c.varied()
    c = Choices(aggregate=("arithmetic", "1=geometric"), impute=(None, "mean"))
    assert c.varied() == (VARIED_AGGREGATION, VARIED_IMPUTATION)


def test_score_checks_its_arguments_with_the_settings_validators(tmp_path):
    fw = framework(tmp_path, TWO)
    obs = tidy([("X", 2024, "I1", 0.2), ("X", 2024, "I2", 0.4), ("Y", 2024, "I1", 0.3)])
    with pytest.raises(ParameterError, match="normalise='minimax'.*did you mean 'minmax'"):
        score(obs, fw, normalise="minimax")
    with pytest.raises(ParameterError, match="range="):
        score(obs, fw, range=(5, 1))
    with pytest.raises(ParameterError, match="min_coverage=1.5"):
        score(obs, fw, min_coverage=1.5)
    with pytest.raises(ParameterError, match="aggregate='mean'"):
        score(obs, fw, aggregate="mean")
    with pytest.raises(ParameterError, match="impute='avg'"):
        score(obs, fw, impute="avg")
