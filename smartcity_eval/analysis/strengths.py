"""Each region's strengths and weaknesses: top and bottom items among peers and to target."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from smartcity_eval.analysis._frames import COLUMNS, KEYS, empty, node_order
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.vocab import BASIS_PEERS, BASIS_TARGET, KIND_STRENGTH, KIND_WEAKNESS

__all__ = ["strengths_weaknesses"]


def _pick(
    items: pd.DataFrame, keys: list[str], strong: list[bool], weak: list[bool], n: int
) -> pd.DataFrame | None:
    """The n strongest and n weakest rows of each region and year of ``items``; with fewer
    than 2n rows the better half (rounded up) are strengths and the rest weaknesses, so that
    no row is both. Ties keep the rows' order (stable sorts); all groups in one sort each."""
    if items.empty:
        return None
    items = items.reset_index(drop=True)
    group = ["region", "year"]
    size = items.groupby(group, sort=False)["region"].transform("size").to_numpy()
    k_s, k_w = np.minimum(n, (size + 1) // 2), np.minimum(n, size // 2)
    ranked = items.sort_values([*group, *keys], ascending=[True, True, *strong], kind="mergesort")
    at = ranked.groupby(group, sort=False).cumcount().to_numpy()
    is_best = at < k_s[items.index.get_indexer(ranked.index)]
    best = ranked.loc[is_best].assign(kind=KIND_STRENGTH, position=at[is_best] + 1)
    rest = items.loc[~items.index.isin(best.index)]
    if rest.empty:
        return best
    ranked = rest.sort_values([*group, *keys], ascending=[True, True, *weak], kind="mergesort")
    at = ranked.groupby(group, sort=False).cumcount().to_numpy()
    is_worst = at < k_w[items.index.get_indexer(ranked.index)]
    worst = ranked.loc[is_worst].assign(kind=KIND_WEAKNESS, position=at[is_worst] + 1)
    return pd.concat([best, worst])


def strengths_weaknesses(
    peers: pd.DataFrame,
    gaps: pd.DataFrame | None,
    framework: Framework,
    *,
    n: int = 5,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each region's top and bottom items, by rank among peers and by gap to target.

    Parameters
    ----------
    peers : the output of :func:`peer_comparison`.
    gaps : the output of :func:`target_gaps` (or None).
    n : how many strengths and how many weaknesses per region, year and basis. When fewer
        than 2n items qualify, they are split so that no item is both (the better half,
        rounded up, are strengths).
    codes : the nodes that count as items; default the framework's indicators.

    Ordering (``basis``):

    * ``peers`` (items with a score and at least one peer, ``n_compared >= 2``):
      strengths by best relative rank ``(peer_rank - 1) / (n_compared - 1)`` (0 = first,
      1 = last, so that last of 8 counts as worse than 9th of 10), then largest margin above
      the peer median (``-gap_to_median``), then framework order; weaknesses by worst
      relative rank, then largest ``gap_to_median``;
    * ``target`` (items with a known ``pct_achieved``): strengths by highest
      ``pct_achieved``, then most exceeded (lowest ``gap``); weaknesses by lowest
      ``pct_achieved``, then largest ``gap``.

    Strengths and weaknesses are relative to the region's own items. ``position`` counts
    1, 2, ... from the strongest strength and from the weakest weakness.

    Returns
    -------
    DataFrame with the columns of ``COLUMNS["strengths"]``; ``kind`` is ``strength`` or
    ``weakness``.
    """
    items = set(framework.indicators if codes is None else codes)
    order = node_order(framework)
    p = peers.loc[peers["code"].isin(items) & peers["score"].notna() & (peers["n_compared"] >= 2)]
    p = p.assign(
        _o=p["code"].map(order),
        _m=-p["gap_to_median"],
        _r=(p["peer_rank"].astype(float) - 1) / (p["n_compared"] - 1),
    )
    peer_part = _pick(p, ["_r", "_m", "_o"], [True, False, True], [False, True, True], n)
    target_part = None
    if gaps is not None and len(gaps):
        t = gaps.loc[gaps["code"].isin(items) & gaps["pct_achieved"].notna()]
        t = t.assign(_o=t["code"].map(order))
        keys = ["pct_achieved", "gap", "_o"]
        target_part = _pick(t, keys, [False, True, True], [True, False, True], n)
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
