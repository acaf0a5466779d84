"""Priorities: the items whose improvement would raise the index most.

The gain per level of an item uses the weighted arithmetic mean with the weights
renormalised over the children present, as the Kominfo and SPBE indices aggregate (COINr
``a_amean``); for other aggregations it is a first-order approximation.

References
----------
OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, step 6 (weights,
effective weights).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from smartcity_eval.analysis._frames import (
    COLUMNS,
    EPS,
    actual,
    check_scores,
    empty,
    node_order,
)
from smartcity_eval.io.frameworks import Framework

__all__ = ["priorities"]


def _present_weights(frame: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Effective weight of each present indicator in its region-year's index.

    The product, up the tree, of weight / sum of the weights of the siblings present (a node
    is present when any indicator beneath it has a score): the change of the root per unit
    change of the indicator's score under arithmetic aggregation with renormalisation.
    """
    leaves = framework.indicators
    wide = frame.loc[frame["code"].isin(leaves)].pivot_table(
        index=["region", "year"], columns="code", values="score", aggfunc="first", dropna=False
    )
    wide = wide.reindex(columns=leaves)
    present = {c: ~np.isnan(wide[c].to_numpy(dtype=float)) for c in leaves}
    for code in framework.aggregates:  # deepest first
        kids = framework.children(code)
        present[code] = np.logical_or.reduce([present[k] for k in kids])
    weight = framework.nodes["weight"].astype(float)
    eff = {framework.root: np.where(present[framework.root], 1.0, np.nan)}
    for code in reversed(framework.aggregates):  # root first
        kids = framework.children(code)
        total = sum(np.where(present[k], weight[k], 0.0) for k in kids)
        for k in kids:
            with np.errstate(invalid="ignore", divide="ignore"):
                eff[k] = np.where(present[k], eff[code] * weight[k] / total, np.nan)
    out = pd.DataFrame({c: eff[c] for c in leaves}, index=wide.index)
    out.columns.name = "code"
    return out.stack().rename("weight").reset_index()


def _score_per_unit(frame: pd.DataFrame) -> pd.DataFrame:
    """Score units per raw unit of each indicator and year (1 when scores are raw values).

    Estimated by least squares of score on raw over the regions of that year, which is exact
    for every linear normalisation (none, minmax, zscore, goalposts); the absolute value is
    taken (a direction -1 indicator's score falls as its raw value rises).
    """
    if "raw" not in frame.columns:
        return frame[["year", "code"]].drop_duplicates().assign(per_unit=1.0)
    rows = []
    for (year, code), g in frame.groupby(["year", "code"], sort=False):
        x = pd.to_numeric(g["raw"], errors="coerce").to_numpy(dtype=float)
        y = g["score"].to_numpy(dtype=float)
        ok = ~(np.isnan(x) | np.isnan(y))
        x, y = x[ok], y[ok]
        if len(np.unique(x)) >= 2:
            slope = abs(float(np.polyfit(x, y, 1)[0]))
        elif len(x) and np.allclose(np.abs(y), np.abs(x)):
            slope = 1.0
        else:
            slope = math.nan
        rows.append({"year": year, "code": code, "per_unit": slope})
    return pd.DataFrame(rows, columns=["year", "code", "per_unit"])


def priorities(
    scores: pd.DataFrame, framework: Framework, *, top: int | None = None
) -> pd.DataFrame:
    """The items whose improvement would raise the index of ``framework`` most.

    ``framework`` may be another tree over the same indicators than the one ``scores`` were
    computed on (e.g. ``kominfo_components``, whose root FINAL is the Kominfo final index,
    while the scores come from the pillar tree): only the indicator rows of ``scores`` are
    used, and presence of the aggregates is derived from them (``min_coverage`` is not
    applied).

    For every region, year and indicator with a value:

    * ``weight``: the indicator's effective weight in the root, over the nodes present in
      that region-year (OECD/JRC 2008 step 6; equal to the framework's effective weight when
      nothing is missing);
    * ``gain_per_level`` = weight x score units per raw unit (1 when scores are the raw
      levels, as in the Kominfo and SPBE indices): how much the index rises when the item
      gains one level (exact for arithmetic aggregation);
    * ``top`` = the best end of the scale (``upper``, or ``lower`` for direction -1) and
      ``headroom`` = levels left to it (NaN when the framework gives no bound);
    * ``max_gain`` = gain_per_level x headroom: the most the index can gain from this item;
    * ``priority``: 1, 2, ... by gain_per_level, then max_gain (descending), then framework
      order, among items with headroom > 0 (NaN for items already at the top).

    Parameters
    ----------
    top : keep only the ``top`` first priorities of each region and year.

    Returns
    -------
    DataFrame with the columns of ``COLUMNS["priorities"]``; ``value`` is the item's raw
    value (its score when there is no ``raw`` column), ``index`` the root code.
    """
    check_scores(scores)
    leaves = framework.indicators
    frame = scores.loc[scores["code"].isin(leaves)].copy()
    if frame.empty:
        return empty("priorities")
    frame["code"] = frame["code"].astype(str)
    frame["region"] = frame["region"].astype(str)
    frame["year"] = frame["year"].astype("int64")
    frame["score"] = frame["score"].astype(float)
    frame = frame.drop_duplicates(["region", "year", "code"])
    frame["value"] = actual(frame, framework)
    weights = _present_weights(frame, framework)
    out = frame[["region", "year", "code", "value"]].merge(
        weights, on=["region", "year", "code"], how="left"
    )
    out = out.merge(_score_per_unit(frame), on=["year", "code"], how="left")
    out = out.loc[out["value"].notna() & out["weight"].notna()].copy()
    nodes = framework.nodes.reindex(out["code"].to_numpy())
    d = nodes["direction"].to_numpy(dtype=float)
    out["top"] = np.where(d < 0, nodes["lower"].to_numpy(float), nodes["upper"].to_numpy(float))
    out["headroom"] = np.clip(
        d * (out["top"].to_numpy(float) - out["value"].to_numpy(float)), 0, None
    )
    out["gain_per_level"] = out["weight"] * out["per_unit"]
    out["max_gain"] = out["gain_per_level"] * out["headroom"]
    out["index"] = framework.root
    out["parent"] = out["code"].map(framework.nodes["parent"]).astype(str)
    out["_o"] = out["code"].map(node_order(framework))
    room = out["headroom"].isna() | (out["headroom"] > EPS)
    # rounded keys: equal weights computed along different paths differ in the last bits
    out["_g"] = out["gain_per_level"].round(12)
    out["_m"] = out["max_gain"].round(12)
    ranked = out.loc[room & (out["gain_per_level"] > 0)].sort_values(
        ["region", "year", "_g", "_m", "_o"],
        ascending=[True, True, False, False, True],
        kind="mergesort",
        na_position="last",
    )
    ranked = ranked.assign(priority=ranked.groupby(["region", "year"]).cumcount() + 1)
    rest = out.loc[~out.index.isin(ranked.index)].assign(priority=pd.NA)
    rest = rest.sort_values(["region", "year", "_o"], kind="mergesort")
    out = pd.concat([ranked, rest]).sort_values(["region", "year"], kind="mergesort")
    out["priority"] = out["priority"].astype("Int64")
    if top is not None:
        out = out.loc[out["priority"].notna() & (out["priority"] <= top)]
    return out[list(COLUMNS["priorities"])].reset_index(drop=True)
