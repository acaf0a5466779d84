"""The faster construction of the score table (issue 17) gives the same table as before.

``score()`` now builds its cube from the loader's integer codes of the region and indicator
columns (``io/keys.py``) or a categorical's codes, ranks with an unstable sort (NaN sorted as
+inf) and assembles the tidy table from node positions. The construction before issue 17 is
kept here, written out (``old_cube``, ``old_rank_min``, ``old_assemble``), and both are
compared with ``assert_frame_equal`` (values, dtypes, order) on the shipped dataset under
several method choices and on random panels with missing region-years, rows of other
indicators, random row order, bands and imputation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

from smartcity_eval.io.dataset import load_dataset
from smartcity_eval.io.frameworks import load_framework
from smartcity_eval.scoring import engine
from smartcity_eval.scoring.aggregate import AggregationPlan, aggregate_array, node_methods
from smartcity_eval.scoring.bands import band_codes
from smartcity_eval.scoring.engine import IndicatorCube, score, score_dataset
from smartcity_eval.scoring.ranks import rank_min, tie_round
from smartcity_eval.settings import Settings


# --------------------------------------------------------------------------- before issue 17
def old_cube(observations: pd.DataFrame, framework) -> IndicatorCube:
    inds = framework.indicators
    ind_pos = pd.Index(inds).get_indexer(observations["indicator"].astype(str))
    keep = ind_pos >= 0
    obs = observations.loc[keep]
    ind_pos = ind_pos[keep]
    region_codes, regions = pd.factorize(obs["region"].astype(str), sort=True)
    year_values = pd.to_numeric(obs["year"]).to_numpy().astype(np.int64)
    years = np.sort(pd.unique(year_values))
    year_pos = np.searchsorted(years, year_values)
    n_y, n_r, n_i = len(years), len(regions), len(inds)
    flat = (year_pos * n_r + region_codes) * n_i + ind_pos
    values = np.full(n_y * n_r * n_i, np.nan)
    values[flat] = pd.to_numeric(obs["value"], errors="coerce").to_numpy(dtype=float)
    present = np.zeros(n_y * n_r, dtype=bool)
    present[year_pos * n_r + region_codes] = True
    return IndicatorCube(
        values=values.reshape(n_y, n_r, n_i),
        present=present.reshape(n_y, n_r),
        years=[int(y) for y in years],
        regions=[str(r) for r in regions],
        indicators=list(inds),
    )


def old_rank_min(values: np.ndarray, axis: int = -1) -> np.ndarray:
    moved = np.moveaxis(-tie_round(values), axis, -1)
    order = np.argsort(moved, axis=-1, kind="stable")
    srt = np.take_along_axis(moved, order, axis=-1)
    n = srt.shape[-1]
    new_run = np.ones(srt.shape, dtype=bool)
    new_run[..., 1:] = srt[..., 1:] != srt[..., :-1]
    start = np.maximum.accumulate(np.where(new_run, np.arange(n), 0), axis=-1)
    ranks = np.empty_like(srt)
    np.put_along_axis(ranks, order, start + 1.0, axis=-1)
    ranks[np.isnan(moved)] = np.nan
    return np.moveaxis(ranks, -1, axis)


def old_assemble(cube, framework, S, C, R, raw, imputed, treated, bands) -> pd.DataFrame:
    codes = np.asarray([str(c) for c in framework.nodes.index], dtype=object)
    n_nodes = len(codes)
    depth = framework.nodes["depth"].to_numpy(dtype=np.int64)
    ind_pos = pd.Index(codes).get_indexer(cube.indicators)
    r_idx, y_idx = np.nonzero(cube.present.T)
    n_pairs = len(r_idx)

    def take(a):
        return np.swapaxes(a, 0, 1)[r_idx, y_idx].reshape(-1)

    def on_nodes(a, fill):
        full = np.full(a.shape[:2] + (n_nodes,), fill, dtype=a.dtype)
        full[..., ind_pos] = a
        return full

    years = np.asarray(cube.years, dtype=np.int64)
    node_idx = np.tile(np.arange(n_nodes), n_pairs)
    score_v = take(S)
    band_idx, band_names = band_codes(
        score_v, codes[node_idx], bands if bands is not None else framework.bands, framework.root
    )
    return pd.DataFrame(
        {
            "region": pd.array(cube.regions, dtype="str").take(np.repeat(r_idx, n_nodes)),
            "year": np.repeat(years[y_idx], n_nodes),
            "code": pd.array(list(codes), dtype="str").take(node_idx),
            "level": depth[node_idx],
            "score": score_v,
            "rank": pd.array(take(R), dtype="Float64").astype("Int64"),
            "band": pd.array(band_names, dtype="str").take(band_idx),
            "coverage": take(C),
            "raw": take(on_nodes(raw, np.nan)),
            "imputed": take(on_nodes(imputed, False)),
            "treated": take(on_nodes(treated, False)),
        }
    )


def old_score(
    observations,
    framework,
    *,
    normalise="minmax",
    scope="year",
    impute=None,
    aggregate="arithmetic",
    min_coverage=0.0,
    bands=None,
    targets=None,
) -> pd.DataFrame:
    """The pipeline of ``score`` before issue 17 (no outlier treatment)."""
    cube = old_cube(observations, framework)
    X = cube.values
    imputed = np.zeros(X.shape, dtype=bool)
    if impute is not None:
        from smartcity_eval.scoring.impute import impute_cube

        X, imputed = impute_cube(X, impute, present=cube.present, years=cube.years, scope=scope)
    N = engine.normalise_cube(X, cube, framework, normalise, scope=scope, targets=targets)
    S, C = aggregate_array(
        N,
        framework,
        min_coverage=min_coverage,
        return_coverage=True,
        aggregation_plan=AggregationPlan(framework, node_methods(framework, aggregate)),
    )
    S = np.where(cube.present[:, :, None], S, np.nan)
    R = old_rank_min(S, axis=1)
    return old_assemble(cube, framework, S, C, R, X, imputed, np.zeros(X.shape, bool), bands)


# --------------------------------------------------------------------------- data
@pytest.fixture(scope="module")
def shipped():
    return load_dataset("kutai_timur")


FRAMEWORK = """code,parent,name,weight,direction
IDX,,Index,1,
A,IDX,A,2,
B,IDX,B,1,
A1,A,a1,1,1
A2,A,a2,3,-1
A3,A,a3,1,1
B1,B,b1,1,1
B2,B,b2,2,1
"""


def random_panel(tmp_path, seed: int):
    """A dataset folder: 40 regions (a few absent in some years), 4 years, the five
    indicators, 10 % missing, rows in random order."""
    rng = np.random.default_rng(seed)
    folder = tmp_path / f"panel{seed}"
    folder.mkdir()
    (folder / "framework.csv").write_text(FRAMEWORK, encoding="utf-8")
    (folder / "dataset.toml").write_text('title = "random"\nillustrative = true\n')
    (folder / "bands.csv").write_text(
        "label,lower,upper,code\nlow,0,40,\nmid,40,70,\nhigh,70,100,\nweakA,0,50,A\n",
        encoding="utf-8",
    )
    rows = []
    regions = [f"Kab. {chr(65 + i % 26)}{i:02d}" for i in range(40)]
    for region in regions:
        for year in range(2020, 2024):
            if rng.random() < 0.08:
                continue  # a region-year absent
            for ind in ["A1", "A2", "A3", "B1", "B2"]:
                value = (
                    ""
                    if rng.random() < 0.1
                    else f"{rng.choice([1.5, 2.0, 7.25, rng.normal(50, 20)]):.4g}"
                )
                rows.append((region, year, ind, value))
    order = rng.permutation(len(rows))
    lines = ["region,year,indicator,value"] + [",".join(map(str, rows[i])) for i in order]
    (folder / "observations.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


SETTINGS = [
    {},
    {"normalise": "zscore", "scope": "all"},
    {"normalise": "rank", "min_coverage": 0.6},
    {"impute": "mean"},
    {"aggregate": "geometric", "normalise": "goalposts"},
]


# --------------------------------------------------------------------------- tests
@pytest.mark.parametrize("changes", SETTINGS[:4])
def test_shipped_dataset_same_table(shipped, changes):
    settings = Settings(**changes)
    new = score_dataset(shipped, settings)
    options = settings.score_options(shipped.framework)
    old = old_score(
        shipped.observations,
        shipped.framework,
        normalise=options["normalise"],
        scope=options["scope"],
        impute=options["impute"],
        aggregate=options["aggregate"],
        min_coverage=options["min_coverage"],
        bands=shipped.bands,
        targets=shipped.targets,
    )
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    assert shipped.observation_keys is not None
    assert shipped.observation_keys.codes_of(shipped.observations, "region") is not None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_panel_same_table(tmp_path, seed):
    ds = load_dataset(random_panel(tmp_path, seed))
    assert not ds.observations.groupby("region")["year"].nunique().eq(4).all()  # absences
    for changes in SETTINGS:
        if changes.get("normalise") == "goalposts":
            continue  # the random framework has no bounds
        settings = Settings(**changes)
        new = score_dataset(ds, settings)
        options = settings.score_options(ds.framework)
        old = old_score(
            ds.observations,
            ds.framework,
            normalise=options["normalise"],
            scope=options["scope"],
            impute=options["impute"],
            min_coverage=options["min_coverage"],
            bands=ds.bands,
        )
        pd.testing.assert_frame_equal(new, old, check_exact=True)
        assert (new["band"] != "").any()
        # the same with plain text columns (factorised) and with categorical ones, with
        # rows of an indicator of no framework (ignored), and of a region only there
        plain = ds.observations[["region", "year", "indicator", "value"]].copy()
        other = plain.head(30).assign(indicator="X9")
        other.loc[other.index[:5], "region"] = "Kab. Only X9"
        plain = pd.concat([other, plain], ignore_index=True)
        kwargs = {"bands": ds.bands, **options}
        pd.testing.assert_frame_equal(score(plain, ds.framework, **kwargs), old)
        cats = plain.astype({"region": "category", "indicator": "category"})
        pd.testing.assert_frame_equal(score(cats, ds.framework, **kwargs), old)


def test_stale_keys_are_not_used(tmp_path):
    """A pandas edit of the loaded observations' key column (copy-on-write gives the table
    a new array) or a new table makes the scorer factorise again."""
    ds = load_dataset(random_panel(tmp_path, 4))
    keys = ds.observation_keys
    fresh = pd.factorize(ds.observations["region"])
    codes, uniques = keys.codes_of(ds.observations, "region")
    assert np.array_equal(codes, fresh[0]) and list(uniques) == list(fresh[1])
    codes, uniques = keys.codes_of(ds.observations, "indicator")
    assert list(np.asarray(uniques, dtype=object)[codes]) == list(ds.observations["indicator"])
    before = score_dataset(ds)
    first = ds.observations.loc[0, "region"]
    ds.observations.loc[ds.observations["region"] == first, "region"] = "Kab. Renamed"
    assert keys.codes_of(ds.observations, "region") is None
    after = score_dataset(ds)
    assert "Kab. Renamed" in set(after["region"]) and first not in set(after["region"])
    pd.testing.assert_frame_equal(after, old_score(ds.observations, ds.framework, bands=ds.bands))
    ds.observations = ds.observations.iloc[::-1].reset_index(drop=True)
    assert keys.codes_of(ds.observations, "region") is None
    assert len(score_dataset(ds)) == len(after)
    assert len(before) == len(after)


def test_rank_min_matches_scipy_and_the_old_sort():
    """Competition ranks, 1 = the highest, ties after rounding to 9 decimals, NaN kept:
    against scipy's ``rankdata(method="min")`` and the stable-sort version."""
    rng = np.random.default_rng(5)
    pool = np.array([0.0, -0.0, 1.0, 0.1 + 0.2, 0.3, np.inf, -np.inf, np.nan, 2.5, 1e-10, 3e-10])
    for _ in range(200):
        shape = tuple(rng.integers(1, 8, size=rng.integers(1, 4)))
        x = rng.choice(pool, size=shape)
        x = np.where(rng.random(shape) < 0.3, rng.normal(size=shape).round(2), x)
        for axis in range(len(shape)):
            got = rank_min(x, axis=axis)
            assert np.array_equal(got, old_rank_min(x, axis=axis), equal_nan=True)
            moved = np.moveaxis(-tie_round(x), axis, -1).reshape(-1, shape[axis])
            want = np.full(moved.shape, np.nan)
            for i, row in enumerate(moved):
                ok = ~np.isnan(row)
                want[i, ok] = rankdata(row[ok], method="min")
            assert np.array_equal(
                np.moveaxis(got, axis, -1).reshape(-1, shape[axis]), want, equal_nan=True
            )


def test_framework_fixture_loads(tmp_path):
    folder = random_panel(tmp_path, 9)
    assert load_framework(folder).indicators == ["A1", "A2", "A3", "B1", "B2"]


def test_loader_year_codes_give_the_same_cube(shipped):
    """The cube from the loader's codes of region, indicator and year (duplicates not
    looked for again) equals the cube from plain columns, for every tree of the dataset:
    a year or region with rows of other trees' indicators only is left out either way."""
    from smartcity_eval.io.frameworks import resolve_framework
    from smartcity_eval.scoring.engine import indicator_cube

    keys = shipped.observation_keys
    assert keys.codes_of(shipped.observations, "year") is not None
    plain = shipped.observations[["region", "year", "indicator", "value"]].copy()
    seen_years = set()
    for name in shipped.frameworks:
        fw = resolve_framework(name, shipped)
        coded = indicator_cube(shipped.observations, fw, keys=keys)
        fresh = indicator_cube(plain, fw)
        assert coded.years == fresh.years and coded.regions == fresh.regions
        np.testing.assert_array_equal(coded.values, fresh.values)
        np.testing.assert_array_equal(coded.present, fresh.present)
        seen_years.add(tuple(coded.years))
    assert len(seen_years) > 1  # the trees cover different years (SPBE: fewer)


def test_edited_year_column_is_recoded(tmp_path):
    ds = load_dataset(random_panel(tmp_path, 5))
    keys = ds.observation_keys
    ds.observations.loc[ds.observations["year"] == ds.observations["year"].max(), "year"] = 2031
    assert keys.codes_of(ds.observations, "year") is None
    table = score_dataset(ds)
    assert 2031 in set(table["year"])
    pd.testing.assert_frame_equal(table, old_score(ds.observations, ds.framework, bands=ds.bands))
