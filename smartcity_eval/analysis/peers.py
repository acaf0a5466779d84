"""Each region against its peers: rank, best, median and the next region up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from smartcity_eval.analysis._frames import COLUMNS, depth, empty, nodes_of, sort_nodes
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.scoring.ranks import rank_min, tie_round

__all__ = ["peer_comparison", "peer_groups", "category_ranks", "RANK_COLUMNS"]

#: The category ranks :func:`category_ranks` adds: within kind (kabupaten/kota), within
#: province (regions.csv).
RANK_COLUMNS: tuple[str, ...] = ("rank_kind", "rank_province")


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
