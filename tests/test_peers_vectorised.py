"""The peer comparison and the strengths/weaknesses tables, vectorised over the regions of a
peer set (issue 17: the national batch's peer comparison compared every region with every
other, one table per region, and its strengths one sort per region): equal, column for
column, to the former implementations, copied here as the reference (``old_peer_comparison``,
``old_strengths``), on the shipped dataset (every tree, every kind of peer set), a 60-region
national dataset of whole maturity levels (many ties) and random scores with missing values
and near-ties (1e-12 apart, which tie at 9 decimals)."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

import smartcity_eval as se
from smartcity_eval.analysis._frames import (
    COLUMNS,
    KEYS,
    depth,
    empty,
    node_order,
    nodes_of,
    sort_nodes,
)
from smartcity_eval.analysis.peers import (
    RANK_COLUMNS,
    _next_higher,
    _peer_sets,
    category_ranks,
    peer_comparison,
    peer_groups,
)
from smartcity_eval.analysis.strengths import strengths_weaknesses
from smartcity_eval.analysis.targets import target_gaps
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.scoring.ranks import rank_min, tie_round
from smartcity_eval.vocab import BASIS_PEERS, BASIS_TARGET, KIND_STRENGTH, KIND_WEAKNESS

from .conftest import ROOT


# --------------------------------------------------------------------------- the former code
def _peer_set(wide: pd.DataFrame, cols: list[str]) -> dict[str, np.ndarray]:
    """What every region compared with the regions ``cols`` shares: their scores, rounded
    scores, count, best, median and ranks per (year, code) row of ``wide``."""
    m = wide[cols].to_numpy(dtype=float)
    present = ~np.isnan(m)
    n = present.sum(axis=1)
    filled = np.where(present, m, -np.inf)
    med = np.array(
        [np.median(row[~np.isnan(row)]) if k else np.nan for row, k in zip(m, n, strict=True)]
    )
    best = np.where(n > 0, filled.max(axis=1), np.nan)
    return {
        "m": m,
        "mr": tie_round(m),
        "n": n,
        "best": best,
        "best_r": tie_round(best),
        "argmax": filled.argmax(axis=1),
        "median": med,
        "ranks": rank_min(m, axis=1),
    }


def _against_peers(
    wide: pd.DataFrame, cols: list[str], region: str, shared: dict | None = None
) -> pd.DataFrame:
    """One region's rank, best, median and next region up among the regions ``cols``
    (itself included), for every (year, code) row of ``wide``. Scores tie when equal after
    :func:`smartcity_eval.scoring.ranks.tie_round`; ranks are
    :func:`smartcity_eval.scoring.ranks.rank_min` (1 = best, ties share the lowest).
    ``shared``: the :func:`_peer_set` of each peer set already seen (regions of the same
    set share it, so that all regions against all cost one ranking, not one per region)."""
    shared = {} if shared is None else shared
    key = tuple(cols)
    if key not in shared:
        if len(shared) >= 64:  # e.g. a list of peers: each region's set is its own
            shared.clear()
        shared[key] = _peer_set(wide, cols)
    s = shared[key]
    m, mr, n, best, med = s["m"], s["mr"], s["n"], s["best"], s["median"]
    v = wide[region].to_numpy(dtype=float)
    own = cols.index(region)
    names = np.array(cols, dtype=object)
    vr = tie_round(v)
    with np.errstate(invalid="ignore"):
        higher = mr > vr[:, None]
    has_v = ~np.isnan(v)
    best_idx = np.where(has_v & (vr == s["best_r"]), own, s["argmax"])
    nxt = np.where(higher, m, np.inf).min(axis=1)
    nxt = np.where(np.isinf(nxt), np.nan, nxt)
    nxt_idx = np.where(higher & (mr == tie_round(nxt)[:, None]), 1, 0).argmax(axis=1)
    part = wide.index.to_frame(index=False)
    part["region"] = region
    part["score"] = v
    part["peer_rank"] = s["ranks"][:, own]
    part["n_compared"] = n
    part["best"] = best
    part["best_region"] = np.where(n > 0, names[best_idx], "")
    part["median"] = med
    part["gap_to_best"] = np.where(has_v, best - v, np.nan)
    part["gap_to_median"] = np.where(has_v, med - v, np.nan)
    part["next_region"] = np.where(has_v & ~np.isnan(nxt), names[nxt_idx], "")
    part["gap_to_next"] = np.where(has_v, nxt - v, np.nan)
    return part


def old_peer_comparison(scores, framework, *, peers=None, region_table=None):
    frame = nodes_of(scores, framework)
    if frame.empty:
        return empty("peers")
    regions = sorted(frame["region"].unique())
    sets = _peer_sets(regions, peers)
    wide = frame.pivot_table(
        index=["year", "code"], columns="region", values="score", aggfunc="first", dropna=False
    ).reindex(columns=regions)
    # pivot_table drops all-NaN rows; restore every (year, code) scored
    wide = wide.reindex(pd.MultiIndex.from_frame(frame[["year", "code"]].drop_duplicates()))
    shared: dict = {}
    parts = [
        _against_peers(wide, [c for c in regions if c in set(sets[r])], r, shared) for r in regions
    ]
    out = pd.concat(parts, ignore_index=True)
    out["peer_rank"] = out["peer_rank"].astype("Int64")
    out["n_compared"] = out["n_compared"].astype("int64")
    out["best_region"] = out["best_region"].astype(str)
    out["next_region"] = out["next_region"].astype(str)
    out["level"] = depth(framework, out["code"])
    keys = ["region", "year", "code"]
    ranked = category_ranks(frame, region_table)
    if region_table is not None and not region_table.empty:
        out = out.merge(ranked[keys + list(RANK_COLUMNS)], on=keys, how="left")
    else:
        for column in RANK_COLUMNS:
            out[column] = pd.array([pd.NA] * len(out), dtype="Int64")
    return sort_nodes(out, framework)[list(COLUMNS["peers"])]


def _old_pick(
    g: pd.DataFrame, keys: list[str], strong: list[bool], weak: list[bool], n: int
) -> list[pd.DataFrame]:
    """The n strongest and n weakest rows of g; with fewer than 2n rows the better half
    (rounded up) are strengths and the rest weaknesses, so that no row is both."""
    k_s, k_w = min(n, (len(g) + 1) // 2), min(n, len(g) // 2)
    best = g.sort_values(keys, ascending=strong, kind="mergesort").head(k_s)
    rest = g.loc[~g.index.isin(best.index)]
    worst = rest.sort_values(keys, ascending=weak, kind="mergesort").head(k_w)
    return [
        best.assign(kind=KIND_STRENGTH, position=np.arange(1, k_s + 1)),
        worst.assign(kind=KIND_WEAKNESS, position=np.arange(1, k_w + 1)),
    ]


def old_strengths(peers, gaps, framework, *, n=5, codes=None):
    items = set(framework.indicators if codes is None else codes)
    order = node_order(framework)
    parts = []
    p = peers.loc[peers["code"].isin(items) & peers["score"].notna() & (peers["n_compared"] >= 2)]
    p = p.assign(
        _o=p["code"].map(order),
        _m=-p["gap_to_median"],
        _r=(p["peer_rank"].astype(float) - 1) / (p["n_compared"] - 1),
    )
    for _, g in p.groupby(["region", "year"], sort=True):
        parts.extend(_old_pick(g, ["_r", "_m", "_o"], [True, False, True], [False, True, True], n))
    peer_part = pd.concat(parts, ignore_index=True) if parts else None
    parts = []
    if gaps is not None and len(gaps):
        t = gaps.loc[gaps["code"].isin(items) & gaps["pct_achieved"].notna()]
        t = t.assign(_o=t["code"].map(order))
        keys = ["pct_achieved", "gap", "_o"]
        for _, g in t.groupby(["region", "year"], sort=True):
            parts.extend(_old_pick(g, keys, [False, True, True], [True, False, True], n))
    target_part = pd.concat(parts, ignore_index=True) if parts else None
    frames = []
    if peer_part is not None:
        pp = peer_part.assign(basis=BASIS_PEERS)
        if gaps is not None and len(gaps):
            pp = pp.merge(gaps[[*KEYS, "gap", "pct_achieved"]], on=KEYS, how="left")
        frames.append(pp)
    if target_part is not None:
        tp = target_part.assign(basis=BASIS_TARGET).merge(
            peers[[*KEYS, "score", "peer_rank", "n_compared", "gap_to_median"]],
            on=KEYS,
            how="left",
        )
        frames.append(tp)
    if not frames:
        return empty("strengths")
    out = pd.concat(
        [f.reindex(columns=list(COLUMNS["strengths"])) for f in frames], ignore_index=True
    )
    out["_b"] = out["basis"].map({BASIS_PEERS: 0, BASIS_TARGET: 1})
    out["_k"] = out["kind"].map({KIND_STRENGTH: 0, KIND_WEAKNESS: 1})
    out = out.sort_values(["region", "year", "_b", "_k", "position"], kind="mergesort")
    out = out.drop(columns=["_b", "_k"]).reset_index(drop=True)
    out["position"] = out["position"].astype("int64")
    return out[list(COLUMNS["strengths"])]


# --------------------------------------------------------------------------- the comparisons
def _peer_kinds(regions: list[str], region_table: pd.DataFrame) -> list:
    return [
        None,
        peer_groups(region_table, "kind"),
        peer_groups(region_table, "province"),
        regions[:3],
        {r: ("a" if i % 3 else "b") for i, r in enumerate(regions) if i != 1},  # one unmapped
    ]


def _check(scores: pd.DataFrame, fw: Framework, region_table, gaps=None) -> None:
    regions = sorted(scores["region"].unique())
    for peers in _peer_kinds(regions, region_table):
        new = peer_comparison(scores, fw, peers=peers, region_table=region_table)
        old = old_peer_comparison(scores, fw, peers=peers, region_table=region_table)
        pd.testing.assert_frame_equal(new, old)
        for n in (1, 5, 40):
            pd.testing.assert_frame_equal(
                strengths_weaknesses(new, gaps, fw, n=n), old_strengths(old, gaps, fw, n=n)
            )


def test_shipped_dataset_every_tree():
    ev = se.evaluate(str(ROOT / "data" / "kutai_timur"))
    ds = ev.dataset
    for name in ds.frameworks:
        fw = ev.framework(name)
        scores = ev.scores_of(fw)
        gaps = target_gaps(scores, fw, ds.targets)
        _check(scores, fw, ds.region_table, gaps if len(gaps) else None)


def test_national_levels_with_many_ties(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_national import make

    make(tmp_path / "n", 60, (2023, 2024))
    ev = se.evaluate(str(tmp_path / "n"))
    scores = ev.scores
    assert scores.duplicated(["year", "code", "score"]).mean() > 0.5  # whole levels: ties
    _check(scores, ev.framework(), ev.dataset.region_table, target_gaps(scores, ev.framework()))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_scores_missing_and_near_ties(seed):
    ev = se.evaluate(str(ROOT / "data" / "kutai_timur"))
    fw = ev.framework()
    scores = ev.scores.copy()
    rng = np.random.default_rng(seed)
    values = np.round(rng.uniform(1, 5, len(scores)), 1)
    values[rng.random(len(values)) < 0.2] = np.nan
    near = rng.random(len(values)) < 0.1
    values[near] += 1e-12  # ties at 9 decimals, not exactly equal
    scores["score"] = values
    _check(scores, fw, ev.dataset.region_table)


def test_next_higher_by_hand():
    m = np.array([[3.0, 1.0, 2.0, np.nan, 2.0 + 1e-12, 3.0], [np.nan, np.nan, 1.0, 1.0, 1.0, 1.0]])
    value, column = _next_higher(m, tie_round(m))
    # row 0: 1 -> 2 (first column of the 2s: 2); 2 and 2+1e-12 tie -> 3 (column 0); 3: none
    np.testing.assert_array_equal(value[0], [np.nan, 2.0, 3.0, np.nan, 3.0, np.nan])
    np.testing.assert_array_equal(column[0], [-1, 2, 0, -1, 0, -1])
    # row 1: all equal: nobody has a next region up; missing cells neither
    assert np.isnan(value[1]).all() and (column[1] == -1).all()
