"""Ranks by the packed-key sort (scoring/ranks.py) equal the argsort ranks, hand-checked."""

import numpy as np

from smartcity_eval.scoring import ranks


def _argsort_ranks(values, axis, descending):
    # pandas' rank(method="min") on the tie-rounded values, one row at a time
    import pandas as pd

    X = np.moveaxis(ranks.tie_round(values), axis, -1)
    out = np.empty(X.shape)
    for idx in np.ndindex(X.shape[:-1]):
        out[idx] = pd.Series(X[idx]).rank(ascending=not descending, method="min")
    return np.moveaxis(out, -1, axis)


def test_hand_computed_ties_and_missing():
    x = np.array([10.0, 0.1 + 0.2, 0.3, np.nan, 10.0 + 4e-10, 7.0])
    # 10 and 10+4e-10 tie at 9 decimals; 0.1+0.2 and 0.3 tie
    assert np.array_equal(ranks.rank_min(x), [1, 4, 4, np.nan, 1, 3], equal_nan=True)
    assert np.array_equal(
        ranks.rank_min(x, descending=False), [4, 1, 1, np.nan, 4, 3], equal_nan=True
    )


def test_packed_equals_pandas_ranks_on_random_blocks():
    rng = np.random.default_rng(7)
    for scale in (1.0, 100.0, 1e6, 1e12):  # the last is too wide for the keys: argsort
        x = np.round(rng.uniform(-1, 1, (3, 40, 5)) * scale, 2)
        x[rng.random(x.shape) < 0.2] = np.nan
        for axis in (0, 1, 2):
            for descending in (True, False):
                got = ranks.rank_min(x, axis=axis, descending=descending)
                want = _argsort_ranks(x, axis, descending)
                assert np.array_equal(got, want, equal_nan=True)


def test_infinite_and_all_missing_rows():
    x = np.array([[np.inf, 1.0, np.nan, 1.0], [np.nan] * 4])
    assert np.array_equal(
        ranks.rank_min(x, axis=1), [[1, 2, np.nan, 2], [np.nan] * 4], equal_nan=True
    )
    assert ranks._packed_min_ranks(np.array([[np.inf, 1.0]])) is None
