"""Gap to target: how far each node is from its masterplan or framework target.

One tree at a time; :func:`smartcity_eval.analysis.gapset.gap_report` adds the headline
index's own nodes (e.g. ``FINAL`` and the five Kominfo dimensions) before the primary tree's.

Conventions (see :mod:`smartcity_eval.analysis._frames`): the *actual* value is an
indicator's raw value and an aggregate's score; **gap** = ``target - actual`` for direction 1
and ``actual - target`` for direction -1: positive = still short of the target, zero or
negative = met or exceeded, in the unit of the value (levels on the Kominfo/SPBE 1-5 scale).

References
----------
ITU / U4SSC (United for Smart Sustainable Cities), *Collection Methodology for Key
Performance Indicators for Smart Sustainable Cities* (2017) and the U4SSC verification
reports (e.g. *U4SSC Verification Report, Rana, Norway*, ITU, September 2020, section 9),
which benchmark each KPI as >= 95 %, 66-95 %, 33-66 % or 0-33 % of its target; based on
Recommendation ITU-T Y.4903/L.1603.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.analysis._frames import (
    COLUMNS,
    EPS,
    KEYS,
    actual,
    depth,
    direction,
    empty,
    nodes_of,
    sort_nodes,
)
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.messages import t
from smartcity_eval.vocab import BAND_ACHIEVED, BAND_FAR, BAND_MIDWAY, BAND_NEAR

__all__ = ["BAND_THRESHOLDS", "pct_achieved", "achievement_band", "resolve_targets", "target_gaps"]

#: U4SSC-style achievement bands: (lowest percentage of target achieved, band), best first.
#: A percentage p gets the first band with ``p >= lower``. Display names are the messages
#: ``band.<band>`` (:mod:`smartcity_eval.messages`).
BAND_THRESHOLDS: tuple[tuple[float, str], ...] = (
    (95.0, BAND_ACHIEVED),
    (66.0, BAND_NEAR),
    (33.0, BAND_MIDWAY),
    (-math.inf, BAND_FAR),
)


# ----------------------------------------------------------------------------- 1. targets
def pct_achieved(actual: Any, target: Any, direction: Any = 1.0) -> np.ndarray:
    """Percentage of the target achieved, capped at 100, direction-aware.

    Direction 1 (higher is better): ``100 * actual / target``; direction -1 (lower is
    better): ``100 * target / actual``; 100 whenever the target is met or exceeded; 0 when
    the ratio would be negative. The ratio of the value to its target is the U4SSC KPI
    benchmark (see the module references). Undefined (NaN) when a value is missing, or when
    the target is not met and the ratio has no meaning: direction 1 with ``target <= 0``,
    direction -1 with ``actual <= 0`` or ``target < 0``.

    Scalars or arrays; returns a float array.

    >>> pct_achieved([2.0, 3.5, 4.0], 3.5).round(2).tolist()
    [57.14, 100.0, 100.0]
    >>> pct_achieved([8.0, 4.0], 4.0, -1).tolist()
    [50.0, 100.0]
    """
    a, t, d = np.broadcast_arrays(
        np.asarray(actual, dtype=float),
        np.asarray(target, dtype=float),
        np.asarray(direction, dtype=float),
    )
    out = np.full(a.shape, np.nan)
    known = ~(np.isnan(a) | np.isnan(t))
    met = known & (d * (a - t) >= -EPS)
    out[met] = 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        up = known & ~met & (d > 0) & (t > 0)
        out[up] = np.clip(100.0 * a[up] / t[up], 0.0, 100.0)
        down = known & ~met & (d < 0) & (a > 0) & (t >= 0)
        out[down] = np.clip(100.0 * t[down] / a[down], 0.0, 100.0)
    return out


def achievement_band(pct: Any, lang: str | None = None) -> np.ndarray:
    """U4SSC-style band of a percentage of target achieved.

    ``>= 95`` achieved; ``66 <= p < 95`` near; ``33 <= p < 66`` midway; ``< 33`` far; ""
    when the percentage is missing. The boundaries are the U4SSC KPI benchmarks (>= 95 %,
    66-95 %, 33-66 %, 0-33 % of target; ITU U4SSC verification reports); the names are ours.
    ``lang`` None gives the band values of :mod:`smartcity_eval.vocab` (``BAND_*``, what the
    ``band`` column holds); a language gives their display names (message ``band.<band>``,
    e.g. ``"tercapai"`` for ``"id"``).

    >>> achievement_band([100, 95, 94.9, 66, 50, 10, float("nan")]).tolist()
    ['achieved', 'achieved', 'near', 'near', 'midway', 'far', '']
    """
    p = np.atleast_1d(np.asarray(pct, dtype=float))
    out = np.full(p.shape, "", dtype=object)
    for lower, band in reversed(BAND_THRESHOLDS):
        name = band if lang is None else t(f"band.{band}", lang)
        out[~np.isnan(p) & (p >= lower - EPS)] = name
    return out


def resolve_targets(
    targets: pd.DataFrame | None,
    framework: Framework,
    regions: Sequence[str],
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """The target of every region, year and node, from targets.csv and the framework.

    Precedence for one (region, year, code): the region's own row of ``targets``, else the
    ``region = "*"`` row of that year and code, else (only when ``years`` is given, for each
    of those years) the framework's default ``target`` of that node. Codes that are not
    nodes of ``framework`` and regions not in ``regions`` are ignored.

    Returns
    -------
    DataFrame ``region, year, code, target, target_source`` with ``target_source`` one of
    ``region``, ``all`` (a ``*`` row) or ``framework``; sorted by region, year, node order.
    """
    cols = ["region", "year", "code", "target", "target_source"]
    regions = [str(r) for r in regions]
    parts = []
    if targets is not None and len(targets):
        t = targets.loc[targets["code"].isin(framework.nodes.index)]
        t = t.loc[t["target"].notna(), ["region", "year", "code", "target"]].copy()
        t["region"] = t["region"].astype(str)
        t["year"] = t["year"].astype("int64")
        t["code"] = t["code"].astype(str)
        t["target"] = t["target"].astype(float)
        own = t.loc[t["region"].isin(regions)].assign(target_source="region")
        star = t.loc[t["region"] == "*"]
        if len(star) and regions:
            star = star.drop(columns="region").merge(pd.DataFrame({"region": regions}), how="cross")
            star = star.assign(target_source="all")
            parts.extend([own, star])
        else:
            parts.append(own)
    if years is not None:
        default = framework.nodes["target"].dropna()
        if len(default) and regions and len(years):
            grid = pd.MultiIndex.from_product(
                [regions, [int(y) for y in years], [str(c) for c in default.index]],
                names=["region", "year", "code"],
            ).to_frame(index=False)
            grid["target"] = grid["code"].map(default).astype(float)
            parts.append(grid.assign(target_source="framework"))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = pd.concat([p[cols] for p in parts if len(p)] or [parts[0][cols]], ignore_index=True)
    out = out.drop_duplicates(["region", "year", "code"], keep="first")
    return sort_nodes(out, framework)


def target_gaps(
    scores: pd.DataFrame, framework: Framework, targets: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Gap to target at every node that has a target, for every region and year scored.

    Parameters
    ----------
    scores : tidy scores (``region, year, code, score`` + optional ``raw``).
    framework : the tree the scores belong to (direction, default targets, depth).
    targets : targets.csv as loaded (``region, year, code, target``), or None; see
        :func:`resolve_targets` for the precedence of region rows, ``*`` rows and the
        framework's default ``target``.

    Returns
    -------
    DataFrame with the columns of ``COLUMNS["targets"]``: ``actual`` (raw value of an
    indicator, score of an aggregate), ``target``, ``gap`` (direction-aware, positive =
    short of target, in the value's unit), ``pct_achieved`` (0-100, see
    :func:`pct_achieved`) and the U4SSC-style ``band`` / ``band_id`` (see
    :func:`achievement_band`). A missing actual value gives NaN gap and an empty band.
    Only region-years present in ``scores`` appear (future targets are in
    :func:`trajectory`).

    Examples
    --------
    Target 3.0, actual 2.4: gap 0.6, 80 % achieved, band "near". For an indicator with
    direction -1, target 4, actual 8: gap 4, 50 % achieved, band "midway".
    """
    frame = nodes_of(scores, framework)
    regions = sorted(frame["region"].unique())
    years = sorted(frame["year"].unique())
    resolved = resolve_targets(targets, framework, regions, years)
    if frame.empty or resolved.empty:
        return empty("targets")
    frame["actual"] = actual(frame, framework)
    out = resolved.merge(frame[[*KEYS, "actual"]], on=KEYS, how="inner")
    d = direction(framework, out["code"])
    out["level"] = depth(framework, out["code"])
    out["direction"] = d.astype("int64")
    out["gap"] = d * (out["target"].to_numpy(float) - out["actual"].to_numpy(float))
    out["pct_achieved"] = pct_achieved(out["actual"], out["target"], d)
    out["band"] = achievement_band(out["pct_achieved"])
    out["band_id"] = achievement_band(out["pct_achieved"], "id")
    return sort_nodes(out, framework)[list(COLUMNS["targets"])]
