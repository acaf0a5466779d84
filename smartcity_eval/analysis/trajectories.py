"""Trajectory to the masterplan: is each region on track for its final target?

The function works on one tree. The masterplan's headline target is on the headline index
(``settings.index_framework``; for a Kominfo dataset ``FINAL`` of ``kominfo_components``, the
published "nilai final"), so :func:`smartcity_eval.analysis.gapset.gap_report` runs it on that
tree as well and lists the index's rows first, then those of the primary (pillar) tree.

References
----------
UN Statistics Division, *SDG Progress Chart, Technical Note* (annual): progress judged by the
ratio of the actual to the required rate of change towards a target year.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.analysis import _frames
from smartcity_eval.analysis._frames import COLUMNS, EPS
from smartcity_eval.analysis.targets import resolve_targets
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.messages import t
from smartcity_eval.vocab import (
    STATUS_AT_RISK,
    STATUS_INSUFFICIENT,
    STATUS_OFF_TRACK,
    STATUS_ON_TRACK,
)

__all__ = ["AT_RISK_PACE", "trajectory"]

#: A trajectory is "at risk" (not "off track") when the current pace covers at least this
#: share of the required pace.
AT_RISK_PACE = 0.5


def _status(d, baseline, current, target, projected, planned_pace, pace_ratio) -> str:
    """The trajectory status (``vocab.STATUS_*``) of one node; see :func:`trajectory`."""
    if math.isnan(current) or math.isnan(target):
        return STATUS_INSUFFICIENT
    if d * (current - target) >= -EPS:
        return STATUS_ON_TRACK  # already met
    if math.isnan(baseline) or math.isnan(projected):
        return STATUS_INSUFFICIENT
    if d * (projected - target) >= -EPS:
        return STATUS_ON_TRACK
    if d * planned_pace > EPS and pace_ratio >= AT_RISK_PACE - EPS:
        return STATUS_AT_RISK
    return STATUS_OFF_TRACK


def _evaluation_years(frame: pd.DataFrame, years: Sequence[int] | int | None) -> list[int]:
    """The evaluation years: ``years`` as a sorted list, default every year scored."""
    if years is None:
        return sorted(int(y) for y in frame["year"].unique())
    if isinstance(years, (int, np.integer)):
        return [int(years)]
    return sorted(int(y) for y in years)


def _actual_series(
    frame: pd.DataFrame, framework: Framework, codes: set[str]
) -> dict[tuple[str, str], pd.Series]:
    """``{(region, code): actual value by year}`` for the nodes in ``codes`` with a value."""
    frame = frame.assign(actual=_frames.actual(frame, framework))
    known = frame.loc[
        frame["actual"].notna() & frame["code"].isin(codes), ["region", "code", "year", "actual"]
    ]
    return {
        k: g.set_index("year")["actual"].sort_index() for k, g in known.groupby(["region", "code"])
    }


def _baseline_year(upto: pd.Series, plan: pd.Series, forced: int | None) -> int | None:
    """The baseline year: ``forced`` if given; else the last year with a value before the
    first target year when that is earlier than the current year; else the first year with a
    value; None without values."""
    if forced is not None:
        return int(forced)
    before = upto[upto.index < plan.index.min()]
    if len(before) and before.index.max() < upto.index.max():
        return int(before.index.max())
    if len(upto):
        return int(upto.index.min())
    return None


def _pace(plan: pd.Series, values: pd.Series, year: int, forced: int | None) -> dict[str, Any]:
    """Baseline, current value, required and actual change per year, pace ratio and
    projection of one region and node as of evaluation ``year`` (formulas in
    :func:`trajectory`)."""
    nan = math.nan
    target_year, target = int(plan.index.max()), float(plan.iloc[-1])
    upto = values[values.index <= year]
    b_year = _baseline_year(upto, plan, forced)
    base = float(values[b_year]) if b_year in values.index else nan
    c_year = int(upto.index.max()) if len(upto) else None
    current = float(upto.iloc[-1]) if len(upto) else nan
    required = (target - base) / (target_year - b_year) if b_year is not None else nan
    if b_year is not None and c_year is not None and c_year > b_year:
        actual_change = (current - base) / (c_year - b_year)
        projected = current + actual_change * (target_year - c_year)
    else:
        actual_change = projected = nan
    return {
        "baseline_year": pd.NA if b_year is None else b_year,
        "baseline": base,
        "current_year": pd.NA if c_year is None else c_year,
        "current": current,
        "target_year": target_year,
        "target": target,
        "required_change": required,
        "actual_change": actual_change,
        "pace_ratio": actual_change / required if abs(required) > EPS else nan,
        "projected": projected,
        "required_change_from_now": (target - current) / (target_year - c_year)
        if c_year is not None
        else nan,
    }


def trajectory(
    scores: pd.DataFrame,
    framework: Framework,
    targets: pd.DataFrame | None,
    *,
    years: Sequence[int] | int | None = None,
    baseline_year: int | None = None,
) -> pd.DataFrame:
    """Trajectory to the masterplan: is each region on track for its final target?

    For every region, evaluation year ``Y`` and node with a target (region row or ``*`` row
    of ``targets``; the framework's undated default targets have no year and are not used)
    for a year after ``Y``:

    * ``target_year`` = the last year with a target, ``target`` its value (the end of the
      masterplan, e.g. 2027 for Kutai Timur's 2022-2027 plan);
    * ``baseline_year`` = ``baseline_year`` if given; else the last year with an actual value
      before the first target year (the year the plan starts from) when that is earlier than
      the current year; else the first year with an actual value (e.g. a plan with a single
      future target); ``baseline`` its actual value;
    * ``current_year`` = the last year <= Y with an actual value, ``current`` its value;
    * ``required_change`` = (target - baseline) / (target_year - baseline_year): the planned
      change per year, in the value's unit;
    * ``actual_change`` = (current - baseline) / (current_year - baseline_year): the average
      change per year so far (NaN when current_year = baseline_year);
    * ``pace_ratio`` = actual_change / required_change (NaN when the plan requires no change);
    * ``projected`` = current + actual_change x (target_year - current_year): the value in
      the target year if the present pace continues (linear, not clipped to the scale);
    * ``required_change_from_now`` = (target - current) / (target_year - current_year).

    Status rule (``d`` = direction; "reaches" means ``d * (x - target) >= 0``):

    * **on track**: the current value already reaches the target, or the projection does
      (equivalently pace_ratio >= 1);
    * **at risk**: not on track, but the plan requires progress and the present pace covers at
      least half of it (pace_ratio >= 0.5, ``AT_RISK_PACE``): the target is reachable with
      acceleration;
    * **off track**: the pace covers less than half of what is required, or the value is
      stagnating or moving away from the target;
    * **insufficient data**: no actual value, or only one year of data so no pace.

    Justification: judging progress by the ratio of the actual to the required rate of
    change is the approach of the UN SDG Progress Chart (UN Statistics Division, technical
    note), which also grades a middle "progress, but acceleration needed" category. The
    thresholds are ours: 1 is the planned pace itself (the projection lands on the target);
    0.5 means that at the present pace the region would cover only half of the planned
    improvement by the target year, a clear warning that is still recoverable.

    Parameters
    ----------
    years : evaluation year(s); default every year in ``scores``.
    baseline_year : force the baseline year (e.g. the masterplan's base year).

    Returns
    -------
    DataFrame with the columns of ``COLUMNS["trajectory"]``; ``year`` is the evaluation
    year Y.
    """
    frame = _frames.nodes_of(scores, framework)
    regions = sorted(frame["region"].unique())
    resolved = resolve_targets(targets, framework, regions, None)
    if frame.empty or resolved.empty:
        return _frames.empty("trajectory")
    eval_years = _evaluation_years(frame, years)
    series = _actual_series(frame, framework, set(resolved["code"]))
    rows = []
    for (region, code), plan in resolved.groupby(["region", "code"], sort=False):
        plan = plan.set_index("year")["target"].sort_index()
        d = float(_frames.direction(framework, pd.Series([code]))[0])
        values = series.get((region, code), pd.Series(dtype=float))
        for y in eval_years:
            if plan.index.max() <= y:
                continue
            row = _pace(plan, values, y, baseline_year)
            status = _status(
                d,
                row["baseline"],
                row["current"],
                row["target"],
                row["projected"],
                row["required_change"],
                row["pace_ratio"],
            )
            rows.append(
                {"region": region, "year": y, "code": code, "direction": int(d), **row}
                | {"status": status, "status_id": t(f"status.{status}", "id")}
            )
    if not rows:
        return _frames.empty("trajectory")
    out = pd.DataFrame(rows)
    out["level"] = _frames.depth(framework, out["code"])
    for col in ("baseline_year", "current_year"):
        out[col] = out[col].astype("Int64")
    return _frames.sort_nodes(out, framework)[list(COLUMNS["trajectory"])]
