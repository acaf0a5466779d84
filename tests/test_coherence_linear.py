"""The linear-memory coherence functions (issue 16) give the numbers of the former
node x node implementation, copied below as it was (commit 562c523), to 1e-12: on the
shipped datasets and on random trees with missing values, ties and constant columns."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcity_eval import DataError, load_dataset, load_framework
from smartcity_eval.analysis import coherence as co
from smartcity_eval.io.frameworks import resolve_framework
from smartcity_eval.scoring.engine import score_dataset
from smartcity_eval.settings import dataset_settings

ROOT = Path(__file__).resolve().parent.parent

# --- the former implementation (smartcity_eval/analysis/coherence.py at 562c523) ----------


def old_sibling_correlations(scores, framework, *, method="pearson", threshold=0.9,
                             years=None, indicators_only=True):  # fmt: skip
    nodes = framework.nodes
    codes = [str(c) for c in nodes.index]
    parent = nodes["parent"].to_numpy().astype(str)
    keep = nodes["is_leaf"].to_numpy() if indicators_only else parent != ""
    same = (parent[:, None] == parent[None, :]) & keep[:, None] & keep[None, :]
    ii, jj = np.nonzero(np.triu(same, k=1))
    wide = co.wide_scores(scores, framework)
    frames = []
    for year, block in co._per_year(wide, years):
        R = pd.DataFrame(block.to_numpy()).corr(method=method, min_periods=2).to_numpy()
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "parent": parent[ii],
                    "code": [codes[i] for i in ii],
                    "other": [codes[j] for j in jj],
                    "r": R[ii, jj],
                }
            )
        )
    out = co._concat_years(frames, year="int64", parent="str", code="str", other="str", r="float64")
    out["flag_collinear"] = out["r"].abs() > threshold
    return out


def old_alpha_table(scores, framework, *, years=None, threshold=0.7):
    nodes = framework.nodes
    inds = framework.indicators
    aggs = [c for c in nodes.index if not nodes.at[c, "is_leaf"]]
    ind_pos = {c: j for j, c in enumerate(inds)}
    M = np.zeros((len(aggs), len(inds)))
    for a, code in enumerate(aggs):
        for leaf in framework.leaves_under(str(code)):
            M[a, ind_pos[leaf]] = 1.0
    k = M.sum(axis=1)
    wide = co.wide_scores(scores, framework)
    frames = []
    for year, block in co._per_year(wide, years):
        X = block[inds].to_numpy()
        C = pd.DataFrame(X).cov(min_periods=2).to_numpy()
        present = ~np.isnan(X)
        complete = (present[:, None, :] | (M[None, :, :] == 0)).all(axis=2).sum(axis=0)
        Cz = np.nan_to_num(C)
        total = np.einsum("ai,ij,aj->a", M, Cz, M)
        trace = M @ np.nan_to_num(np.diag(C))
        has_nan = (M @ np.isnan(C).astype(float) @ M.T).diagonal() > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            alpha = k / (k - 1) * (1.0 - trace / total)
        alpha = np.where((k >= 2) & (total > 0) & ~has_nan, alpha, np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "code": [str(c) for c in aggs],
                    "level": nodes.loc[aggs, "depth"].to_numpy(),
                    "k": k.astype(int),
                    "n": complete,
                    "alpha": alpha,
                }
            )
        )
    out = co._concat_years(
        frames, year="int64", code="str", level="int64", k="int64", n="int64", alpha="float64"
    )
    out["flag_low_alpha"] = out["alpha"] < threshold
    return out


def old_coherence_table(scores, framework, *, method="pearson", years=None,
                        collinear=0.9, alpha_threshold=0.7):  # fmt: skip
    """The former coherence_table: the two sibling tables computed apart, then merged."""
    sib = pd.concat(
        [
            old_sibling_correlations(
                scores, framework, method=method, threshold=collinear, years=years
            ),
            old_sibling_correlations(
                scores,
                framework,
                method=method,
                threshold=collinear,
                years=years,
                indicators_only=False,
            ),
        ],
        ignore_index=True,
    ).drop_duplicates(["year", "code", "other"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(co, "sibling_correlations", lambda *a, **k: sib.copy())
        mp.setattr(co, "alpha_table", old_alpha_table)
        return co.coherence_table(
            scores,
            framework,
            method=method,
            years=years,
            collinear=collinear,
            alpha_threshold=alpha_threshold,
        )


# --- comparison ----------------------------------------------------------------------------


def same_frame(new: pd.DataFrame, old: pd.DataFrame) -> None:
    new, old = new.reset_index(drop=True), old.reset_index(drop=True)
    assert list(new.columns) == list(old.columns)
    assert len(new) == len(old)
    for column in new.columns:
        a, b = new[column], old[column]
        if pd.api.types.is_float_dtype(b):
            x, y = a.to_numpy(float), b.to_numpy(float)
            assert np.array_equal(np.isnan(x), np.isnan(y)), column
            ok = ~np.isnan(y)
            np.testing.assert_allclose(x[ok], y[ok], rtol=0, atol=1e-12, err_msg=column)
        else:
            assert a.astype(str).tolist() == b.astype(str).tolist(), column


def compare(scores, fw, years=None) -> None:
    for method in ("pearson", "spearman"):
        for only in (True, False):
            same_frame(
                co.sibling_correlations(
                    scores, fw, method=method, years=years, indicators_only=only
                ),
                old_sibling_correlations(
                    scores, fw, method=method, years=years, indicators_only=only
                ),
            )
        same_frame(
            co.coherence_table(scores, fw, method=method, years=years),
            old_coherence_table(scores, fw, method=method, years=years),
        )
    same_frame(co.alpha_table(scores, fw, years=years), old_alpha_table(scores, fw, years=years))


def test_shipped_datasets_give_the_former_numbers(tmp_path):
    """data/kutai_timur (the shipped dataset with item scores; kota_jambi and kota_kediri
    publish no item scores) on each of its trees, and a synthetic national year of the
    Kominfo tree (benchmarks/make_national.py, 40 regions)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import make_national

    make_national.make(tmp_path / "national", n_regions=40, years=(2023, 2024))
    for folder in (ROOT / "data" / "kutai_timur", tmp_path / "national"):
        compare_dataset(folder)


def compare_dataset(folder: Path) -> None:
    ds = load_dataset(folder)
    settings = dataset_settings(ds, None)
    compared = 0
    for fw_name in ds.frameworks:
        fw = resolve_framework(fw_name, ds)
        try:
            scores = score_dataset(ds, settings, framework=fw)
        except DataError:  # a listed tree none of the observations concern
            continue
        compared += 1
        compare(scores, fw)
    assert compared


def random_tree(rng, n_nodes: int) -> str:
    """framework.csv text of a random tree: random parents, so parents with indicators
    and aggregates as children, fan-outs from 1 to a few dozen."""
    lines = ["code,parent,name,weight,direction,lower,upper"]
    parents = ["N0"]
    kinds = {"N0": []}
    for i in range(1, n_nodes):
        kinds[parents[int(rng.integers(len(parents)))]].append(f"N{i}")
        if rng.random() < 0.3:
            parents.append(f"N{i}")
        kinds[f"N{i}"] = []
    parent_of = {c: p for p, cs in kinds.items() for c in cs}
    for i in range(n_nodes):
        code = f"N{i}"
        leaf = not kinds[code]
        bounds = "1,0,10" if leaf else ",,"
        lines.append(f"{code},{parent_of.get(code, '')},{code},1,{bounds}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(6))
def test_random_trees_with_missing_values_give_the_former_numbers(tmp_path, seed):
    rng = np.random.default_rng(seed)
    (tmp_path / "framework.csv").write_text(random_tree(rng, int(rng.integers(8, 60))))
    fw = load_framework(tmp_path / "framework.csv")
    n_regions = int(rng.integers(3, 25))
    rows = []
    for year in (2023, 2024):
        for code in fw.nodes.index:
            kind = rng.random()
            for r in range(n_regions):
                if kind < 0.1:
                    value = 3.0  # a constant column
                elif kind < 0.5:
                    value = float(rng.integers(1, 6))  # levels: ties, equal columns
                else:
                    value = float(rng.normal(5, 2))
                if rng.random() < [0.0, 0.1, 0.4, 0.9][seed % 4]:
                    value = np.nan
                rows.append((f"R{r:02d}", year, str(code), value))
    scores = pd.DataFrame(rows, columns=["region", "year", "code", "score"])
    compare(scores, fw)
    compare(scores, fw, years=[2024])


def test_covariance_sum_blocks_match_the_full_matrix(monkeypatch):
    """More items than one block, with missing values: the blocked sum is the full one."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 23)) + 100.0
    X[rng.random(X.shape) < 0.2] = np.nan
    monkeypatch.setattr(co, "_COV_BLOCK", 5)
    C = pd.DataFrame(X).cov(min_periods=2).to_numpy()
    total, trace, has_nan = co._covariance_sum(X)
    assert not has_nan
    assert total == pytest.approx(C.sum(), rel=1e-12)
    assert trace == pytest.approx(np.trace(C), rel=1e-12)
    X[:, 4] = np.nan
    X[0, 4] = 1.0
    assert co._covariance_sum(X)[2]
