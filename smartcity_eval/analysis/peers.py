"""Each region against its peers: rank, best, median and the next region up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from smartcity_eval.analysis._frames import COLUMNS, depth, empty, nodes_of, sort_nodes
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.scoring.ranks import rank_min, tie_round
from smartcity_eval.vocab import CATEGORY_RANK_COLUMNS

__all__ = ["peer_comparison", "peer_groups", "category_ranks", "RANK_COLUMNS"]

#: The category ranks :func:`category_ranks` adds (:data:`smartcity_eval.vocab.CATEGORY_RANK_COLUMNS`).
RANK_COLUMNS: tuple[str, ...] = CATEGORY_RANK_COLUMNS


def peer_groups(region_table: pd.DataFrame, by: str) -> dict[str, str] | None:
    """Region -> group label for ``peer_comparison(peers=...)``: ``by`` ``kind`` or
    ``province`` (columns of regions.csv); None for ``all`` or without a regions table (every
    region is a peer). A region absent from the table has no peers but itself."""
    if by == "all" or region_table is None or region_table.empty:
        return None
    return {str(r): str(g) for r, g in zip(region_table["region"], region_table[by], strict=True)}


def category_ranks(scores: pd.DataFrame, region_table: pd.DataFrame | None) -> pd.DataFrame:
    """``scores`` with ``rank_kind`` and ``rank_province``: the rank of each score among the
    regions of the same kind / province with a score of the same node in the same year
    (1 = highest; scores equal after :func:`~smartcity_eval.scoring.ranks.tie_round` share the
    lowest rank, as the overall ``rank``). NA for a missing score or a region that
    regions.csv does not list; without a regions table ``scores`` is returned unchanged.

    Kominfo's result letters give the national and the provincial rank (Kota Kediri 2022:
    22nd nationally, 4th in Jawa Timur; bangsaonline.com/amp/berita/113379)."""
    if region_table is None or region_table.empty:
        return scores
    out = scores.copy()
    info = region_table.set_index("region")
    rounded = pd.Series(tie_round(out["score"].to_numpy(dtype=float)), index=out.index)
    for column, by in zip(RANK_COLUMNS, ("kind", "province"), strict=True):
        group = out["region"].map(info[by])
        ranks = rounded.groupby([out["year"], out["code"], group], dropna=True).rank(
            method="min", ascending=False
        )
        out[column] = ranks.reindex(out.index).astype("Int64")
    return out


def _peer_sets(
    regions: Sequence[str], peers: Sequence[str] | Mapping[str, str] | None
) -> dict[str, list[str]]:
    if peers is None:
        return {r: list(regions) for r in regions}
    if isinstance(peers, Mapping):
        groups: dict[str, list[str]] = {}
        for r in regions:
            if r in peers:
                groups.setdefault(str(peers[r]), []).append(r)
        return {r: groups[str(peers[r])] if r in peers else [r] for r in regions}
    chosen = [str(p) for p in peers]
    return {r: sorted(set(chosen) & set(regions) | {r}) for r in regions}


def _next_higher(m: np.ndarray, mr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every cell of ``m[rows, k]``: the lowest score of its row among the cells whose
    tie-rounded score ``mr`` is higher, and the first column holding it (NaN and -1 when
    none, or when the cell is missing).

    One stable sort per row: the cells of equal rounded score form a run, and the next
    higher scores are the next run (rounding keeps the order, so the lowest score above a
    cell is the lowest of that run, and its first column the run's first, the sort being
    stable); no comparison of every region with every other."""
    rows, k = m.shape
    key = np.where(np.isnan(mr), np.inf, mr)
    order = np.argsort(key, axis=1, kind="stable")
    skey = np.take_along_axis(key, order, axis=1).reshape(-1)
    sm = np.take_along_axis(m, order, axis=1).reshape(-1)
    new_run = np.ones(rows * k, dtype=bool)
    new_run[1:] = skey[1:] != skey[:-1]
    new_run[::k] = True  # every row starts a run
    starts = np.flatnonzero(new_run)
    run_of = np.cumsum(new_run) - 1
    run_min = np.minimum.reduceat(sm, starts)
    nxt = np.minimum(run_of + 1, len(starts) - 1)
    ok = (run_of + 1 < len(starts)) & (starts[nxt] // k == np.arange(rows * k) // k)
    ok &= np.isfinite(skey[starts[nxt]]) & ~np.isnan(sm)
    value = np.full((rows, k), np.nan)
    column = np.full((rows, k), -1, dtype=np.int64)
    at = (np.repeat(np.arange(rows), k), order.reshape(-1))
    value[at] = np.where(ok, run_min[nxt], np.nan)
    column[at] = np.where(ok, order.reshape(-1)[starts[nxt]], -1)
    return value, column


def _against_set(wide: pd.DataFrame, cols: list[str], members: list[str]) -> pd.DataFrame:
    """Each region of ``members`` against the regions ``cols`` (members included): rank,
    best, median and next region up, for every (year, code) row of ``wide``; rows
    region-major. Scores tie when equal after
    :func:`smartcity_eval.scoring.ranks.tie_round`; ranks are
    :func:`smartcity_eval.scoring.ranks.rank_min` (1 = best, ties share the lowest). The
    regions of one peer set share one ranking and one sort, whatever their number."""
    m = wide[cols].to_numpy(dtype=float)
    mr = tie_round(m)
    present = ~np.isnan(m)
    n = present.sum(axis=1)
    filled = np.where(present, m, -np.inf)
    med = np.array(
        [np.median(row[~np.isnan(row)]) if c else np.nan for row, c in zip(m, n, strict=True)]
    )
    best = np.where(n > 0, filled.max(axis=1), np.nan)
    ranks = rank_min(m, axis=1)
    nxt, nxt_col = _next_higher(m, mr)
    own = pd.Index(cols).get_indexer(members)
    v = m[:, own]  # [rows, members]
    has_v = ~np.isnan(v)
    best_col = np.where(
        has_v & (mr[:, own] == tie_round(best)[:, None]), own, filled.argmax(axis=1)[:, None]
    )
    names = np.array([*cols, ""], dtype=object)  # column -1: no region
    n_rows, q = len(wide), len(members)

    def out(a: np.ndarray) -> np.ndarray:  # [rows, members] -> region-major
        return np.ascontiguousarray(a.T).reshape(-1)

    def per_row(a: np.ndarray) -> np.ndarray:  # [rows] -> the same for every member
        return np.tile(a, q)

    part = wide.index.to_frame(index=False)
    part = part.iloc[np.tile(np.arange(n_rows), q)].reset_index(drop=True)
    part["region"] = np.repeat(np.array(members, dtype=object), n_rows)
    part["score"] = out(v)
    part["peer_rank"] = out(ranks[:, own])
    part["n_compared"] = per_row(n)
    part["best"] = per_row(best)
    part["best_region"] = out(np.where(n[:, None] > 0, names[best_col], ""))
    part["median"] = per_row(med)
    part["gap_to_best"] = out(np.where(has_v, best[:, None] - v, np.nan))
    part["gap_to_median"] = out(np.where(has_v, med[:, None] - v, np.nan))
    next_v, next_c = nxt[:, own], nxt_col[:, own]
    part["next_region"] = out(np.where(has_v & ~np.isnan(next_v), names[next_c], ""))
    part["gap_to_next"] = out(np.where(has_v, next_v - v, np.nan))
    return part


def peer_comparison(
    scores: pd.DataFrame,
    framework: Framework,
    *,
    peers: Sequence[str] | Mapping[str, str] | None = None,
    region_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each region against its peers, for every node and year.

    Parameters
    ----------
    peers : who a region is compared with. None (default): every region in ``scores``; a
        list of regions: that set plus the region itself; a mapping region -> group label:
        the regions of the same group (a region absent from the mapping has no peers).
    region_table : regions.csv (region, kind, province): gives ``rank_kind`` and
        ``rank_province`` (:func:`category_ranks`, among every region of the kind or
        province, whoever the peers are); NA without it.

    Returns
    -------
    DataFrame with the columns of ``COLUMNS["peers"]``: ``peer_rank`` (1 = best; ties share
    the lowest rank, "min", as the scores' ``rank``), ``n_compared`` (regions with a score in the
    comparison, the region included), ``best`` and ``best_region`` (the region itself when it
    shares the best score, else the first alphabetically), ``median`` of the compared scores, ``gap_to_best`` = best - score (>= 0),
    ``gap_to_median`` = median - score (positive = below the median), ``next_region`` and
    ``gap_to_next``: the region with the next higher score and the distance to it (empty /
    NaN for rank 1). A region with no peers is rank 1 of 1 with zero gaps. Scores are
    higher-is-better. A missing score gives NaN rank and gaps.
    """
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
    members: dict[tuple[str, ...], list[str]] = {}  # each peer set once, with its regions
    for r in regions:
        chosen = set(sets[r])
        members.setdefault(tuple(c for c in regions if c in chosen), []).append(r)
    parts = [_against_set(wide, list(cols), who) for cols, who in members.items()]
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
