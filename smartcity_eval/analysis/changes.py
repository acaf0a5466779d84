"""Change since the previous evaluation ("tingkat improvement"), and what drove it.

Drivers of change use the weighted arithmetic mean with the weights renormalised over the
children present, as the Kominfo and SPBE indices aggregate (COINr ``a_amean``); for other
aggregations they are a first-order approximation.
"""

from __future__ import annotations

import pandas as pd

from smartcity_eval.analysis._frames import (
    COLUMNS,
    EPS,
    KEYS,
    depth,
    empty,
    node_order,
    nodes_of,
    sort_nodes,
)
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.scoring.engine import contributions

__all__ = ["change", "change_drivers"]


def _previous(frame: pd.DataFrame) -> pd.DataFrame:
    """For each (region, code, year) the last earlier year with a score, and that score."""
    valid = frame.loc[frame["score"].notna(), ["region", "code", "year", "score"]]
    valid = valid.rename(columns={"score": "previous_score"})
    valid["previous_year"] = valid["year"]
    left = frame[["region", "code", "year"]].sort_values("year", kind="mergesort")
    right = valid.sort_values("year", kind="mergesort")
    out = pd.merge_asof(
        left,
        right,
        on="year",
        by=["region", "code"],
        allow_exact_matches=False,
        direction="backward",
    )
    return out


def change_drivers(scores: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Each child's contribution to the change of its parent between two evaluations.

    For a parent scored in year Y and previously in year P (the last earlier year with a
    score, see :func:`change`), each child's contribution is ``weight x score`` with the
    weight renormalised over the children present in that year (0 when the child is missing
    that year), and ``contribution_change`` = contribution(Y) - contribution(P). With
    arithmetic aggregation the contribution changes of the children sum exactly to the
    parent's change. A parent is decomposed only when some child has a score in both
    years (a published index whose components were published in one year only is not).

    Returns
    -------
    DataFrame with the columns of ``COLUMNS["drivers"]`` (``code`` is the child, ``year``
    the later year); children missing in both years are left out.
    """
    frame = nodes_of(scores, framework)
    if frame.empty:
        return empty("drivers")
    prev = _previous(frame)
    parents = prev.loc[
        prev["previous_year"].notna() & ~prev["code"].map(framework.nodes["is_leaf"]).astype(bool)
    ]
    parents = parents.merge(
        frame[["region", "code", "year", "score"]], on=["region", "code", "year"]
    )
    parents = parents.loc[parents["score"].notna(), ["region", "code", "year", "previous_year"]]
    parents = parents.rename(columns={"code": "parent"})
    parents["previous_year"] = parents["previous_year"].astype("int64")
    if parents.empty:
        return empty("drivers")
    contrib = contributions(frame, framework)
    now = parents.merge(contrib, on=["region", "year", "parent"], how="left")
    before = parents.merge(
        contrib.rename(
            columns={
                "year": "previous_year",
                "weight": "previous_weight",
                "score": "previous_score",
                "contribution": "previous_contribution",
            }
        ),
        on=["region", "previous_year", "parent"],
        how="left",
    )
    keys = ["region", "year", "previous_year", "parent", "code"]
    out = pd.concat([now.dropna(subset=["code"]), before.dropna(subset=["code"])])[keys]
    out = out.drop_duplicates().merge(now, on=keys, how="left")
    out = out.merge(before, on=keys, how="left")
    # decompose only parents with children scored in both years (e.g. not a published index
    # whose components were published in one year only)
    group = out.groupby(["region", "year", "parent"])
    both = group["contribution"].transform("count").gt(0) & group[
        "previous_contribution"
    ].transform("count").gt(0)
    out = out.loc[both].copy()
    out["contribution_change"] = out["contribution"].fillna(0.0) - out[
        "previous_contribution"
    ].fillna(0.0)
    out = sort_nodes(out, framework, ("region", "year", "parent"))
    return out[list(COLUMNS["drivers"])].reset_index(drop=True)


def change(scores: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Change since the previous evaluation ("tingkat improvement"), and what drove it.

    For every region, year and node: ``previous_year`` = the last earlier year in which the
    node has a score for that region (so a missing year is skipped, and said), ``change`` =
    score - previous_score (NaN when either is missing). For aggregates, ``driver_up`` is
    the child with the largest positive contribution change (see :func:`change_drivers`) and
    ``driver_down`` the child with the most negative one (empty when none); ties go to the
    child listed first in the framework.

    "Tingkat improvement" of the Kominfo evaluation is this year's final index minus last
    year's (see data/frameworks/kominfo_components/README.md).

    Returns
    -------
    DataFrame with the columns of ``COLUMNS["change"]``.
    """
    frame = nodes_of(scores, framework)
    if frame.empty:
        return empty("change")
    prev = _previous(frame)
    out = frame[["region", "year", "code", "score"]].merge(
        prev, on=["region", "code", "year"], how="left"
    )
    out["previous_year"] = out["previous_year"].astype("Int64")
    out["change"] = out["score"] - out["previous_score"]
    out["level"] = depth(framework, out["code"])
    drivers = change_drivers(scores, framework)
    order = node_order(framework)
    for kind, pick in (("up", 1.0), ("down", -1.0)):
        sel = drivers.loc[pick * drivers["contribution_change"] > EPS].copy()
        sel["_o"] = sel["code"].map(order)
        sel["_v"] = -pick * sel["contribution_change"]
        sel = sel.sort_values(["_v", "_o"], kind="mergesort")
        best = sel.drop_duplicates(["region", "year", "parent"], keep="first")
        best = best.rename(
            columns={
                "parent": "code",
                "code": f"driver_{kind}",
                "contribution_change": f"driver_{kind}_change",
            }
        )[["region", "year", "code", f"driver_{kind}", f"driver_{kind}_change"]]
        out = out.merge(best, on=KEYS, how="left")
        out[f"driver_{kind}"] = out[f"driver_{kind}"].fillna("").astype(str)
    return sort_nodes(out, framework)[list(COLUMNS["change"])]
