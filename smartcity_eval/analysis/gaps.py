"""Gap analysis: targets, trajectories, change, peers, strengths, self-assessment, priorities.

What a regional office needs from an evaluation: where it stands against its masterplan,
whether it is on track, what changed since last year and why, how it compares with its
peers, where its self-assessment was too generous, and what to fix first.

Every function here is pure: it takes a tidy *scores* frame (the output of
:func:`smartcity_eval.scoring.engine.score`: ``region, year, code, score`` and, where known,
``raw`` and ``level``; one row per node, region and year) plus a
:class:`~smartcity_eval.io.frameworks.Framework` and, where needed, the ``targets`` or
``assessments`` table, and returns a tidy frame whose first columns are ``region, year,
code``. :func:`gap_report` runs them all on a loaded dataset. Every output column is
documented in ``docs/columns.md``.

Conventions
-----------
* **Actual value.** Targets are set on an indicator's *raw* value or on an aggregate's
  *score* (SPEC section 1, targets.csv). The *actual* value of a node is therefore its
  ``raw`` value for an indicator (the ``score`` when the frame has no ``raw`` column) and
  its ``score`` for an element, pillar or index.
* **Direction.** An indicator's ``direction`` in the framework (1 higher is better, -1 lower
  is better) applies to target gaps and trajectories of that indicator. Scores of
  aggregates, and all scores compared among peers, are higher-is-better (the scoring engine
  applies the direction before normalising, SPEC section 3).
* **Gap** = ``target - actual`` for direction 1 and ``actual - target`` for direction -1:
  positive = still short of the target, zero or negative = met or exceeded, in the unit of
  the value (levels on the Kominfo/SPBE 1-5 scale).
* **Arithmetic decomposition.** Drivers of change and the gain per level of an item use the
  weighted arithmetic mean with the weights renormalised over the children present, as the
  Kominfo and SPBE indices aggregate (COINr ``a_amean``). For other aggregations they are a
  first-order approximation.

References
----------
ITU / U4SSC (United for Smart Sustainable Cities), *Collection Methodology for Key
Performance Indicators for Smart Sustainable Cities* (2017) and the U4SSC verification
reports (e.g. *U4SSC Verification Report, Rana, Norway*, ITU, September 2020, section 9),
which benchmark each KPI as >= 95 %, 66-95 %, 33-66 % or 0-33 % of its target; based on
Recommendation ITU-T Y.4903/L.1603.
UN Statistics Division, *SDG Progress Chart, Technical Note* (annual): progress judged by the
ratio of the actual to the required rate of change towards a target year.
Conover, W. J. (1999). *Practical Nonparametric Statistics*, 3rd ed., Wiley, section 3.4 (the
sign test). Student (1908). The probable error of a mean. *Biometrika* 6(1), 1-25.
OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, step 6 (weights,
effective weights).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from smartcity_eval.errors import DataError, Problem, did_you_mean
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.scoring.engine import contributions

if TYPE_CHECKING:  # pragma: no cover
    from smartcity_eval.io.dataset import Dataset

__all__ = [
    "ACHIEVEMENT_BANDS",
    "TRAJECTORY_STATUS",
    "AT_RISK_PACE",
    "OVERCLAIM_THRESHOLD",
    "ANALYSES",
    "COLUMNS",
    "achievement_band",
    "pct_achieved",
    "resolve_targets",
    "target_gaps",
    "trajectory",
    "change",
    "change_drivers",
    "peer_comparison",
    "strengths_weaknesses",
    "self_vs_verified",
    "priorities",
    "gap_report",
    "dataset_scores",
    "combine",
    "render_text",
]

#: U4SSC-style achievement bands: (lowest percentage of target achieved, name en, name id),
#: best first. A percentage p gets the first band with ``p >= lower``.
ACHIEVEMENT_BANDS: tuple[tuple[float, str, str], ...] = (
    (95.0, "achieved", "tercapai"),
    (66.0, "near", "mendekati"),
    (33.0, "midway", "separuh jalan"),
    (-math.inf, "far", "jauh"),
)

#: Trajectory status names, en -> id.
TRAJECTORY_STATUS: dict[str, str] = {
    "on track": "sesuai jalur",
    "at risk": "berisiko",
    "off track": "tertinggal",
    "insufficient data": "data tidak cukup",
}

#: A trajectory is "at risk" (not "off track") when the current pace covers at least this
#: share of the required pace.
AT_RISK_PACE = 0.5

#: Mean self-minus-verified difference, in levels, above which over-claiming is flagged
#: (together with a one-sided sign test below ``alpha``).
OVERCLAIM_THRESHOLD = 0.5

#: The analyses of :func:`gap_report`, in order.
ANALYSES: tuple[str, ...] = (
    "targets",
    "trajectory",
    "change",
    "drivers",
    "peers",
    "strengths",
    "self",
    "priorities",
)


def _cols(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: The columns of each analysis (see docs/columns.md).
COLUMNS: dict[str, tuple[str, ...]] = {
    "targets": _cols(
        "region year code level direction actual target target_source gap pct_achieved band band_id"
    ),
    "trajectory": _cols(
        "region year code level direction baseline_year baseline current_year current "
        "target_year target required_change actual_change pace_ratio projected "
        "required_change_from_now status status_id"
    ),
    "change": _cols(
        "region year code level score previous_year previous_score change driver_up "
        "driver_up_change driver_down driver_down_change"
    ),
    "drivers": _cols(
        "region year code parent previous_year weight previous_weight score "
        "previous_score contribution previous_contribution contribution_change"
    ),
    "peers": _cols(
        "region year code level score peer_rank n_compared best best_region median "
        "gap_to_best gap_to_median next_region gap_to_next"
    ),
    "strengths": _cols(
        "region year code basis kind position score peer_rank n_compared gap_to_median "
        "gap pct_achieved"
    ),
    "self": _cols(
        "region year code level n_items self_score verified_score difference "
        "mean_difference n_over n_under n_equal p_sign p_ttest over_claiming"
    ),
    "priorities": _cols(
        "region year code index parent value top headroom weight gain_per_level max_gain priority"
    ),
}

_EPS = 1e-9
_KEYS = ["region", "year", "code"]


# ----------------------------------------------------------------------------- helpers
def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS[name]})


def _check_scores(scores: pd.DataFrame) -> None:
    missing = [c for c in ("region", "year", "code", "score") if c not in scores.columns]
    if missing:
        raise DataError(
            Problem(
                None,
                None,
                missing[0],
                f"the scores table lacks the column(s) {', '.join(missing)}",
                "pass the output of smartcity_eval.scoring.engine.score",
            )
        )


def _nodes(scores: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Rows of ``scores`` for nodes of ``framework``, with float score and int year."""
    _check_scores(scores)
    out = scores.loc[scores["code"].isin(framework.nodes.index)].copy()
    out["code"] = out["code"].astype(str)
    out["region"] = out["region"].astype(str)
    out["year"] = out["year"].astype("int64")
    out["score"] = out["score"].astype(float)
    return out.reset_index(drop=True)


def _depth(framework: Framework, codes: pd.Series) -> np.ndarray:
    return framework.nodes["depth"].reindex(codes.to_numpy()).to_numpy().astype("int64")


def _direction(framework: Framework, codes: pd.Series) -> np.ndarray:
    """+1/-1 for indicators (from the framework), +1 for aggregates."""
    nodes = framework.nodes.reindex(codes.to_numpy())
    d = nodes["direction"].to_numpy(dtype=float)
    return np.where(nodes["is_leaf"].to_numpy(dtype=bool), d, 1.0)


def _actual(frame: pd.DataFrame, framework: Framework) -> np.ndarray:
    """Raw value for indicators (when a ``raw`` column exists), score otherwise."""
    score = frame["score"].to_numpy(dtype=float)
    if "raw" not in frame.columns:
        return score
    leaf = framework.nodes["is_leaf"].reindex(frame["code"].to_numpy()).to_numpy(dtype=bool)
    raw = pd.to_numeric(frame["raw"], errors="coerce").to_numpy(dtype=float)
    return np.where(leaf, raw, score)


def _order(framework: Framework) -> dict[str, int]:
    return {str(c): i for i, c in enumerate(framework.nodes.index)}


def _sort(frame: pd.DataFrame, framework: Framework, keys: Sequence[str] = ("region", "year")):
    order = _order(framework)
    out = frame.assign(_o=frame["code"].map(order))
    out = out.sort_values([*keys, "_o"], kind="mergesort").drop(columns="_o")
    return out.reset_index(drop=True)


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
    met = known & (d * (a - t) >= -_EPS)
    out[met] = 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        up = known & ~met & (d > 0) & (t > 0)
        out[up] = np.clip(100.0 * a[up] / t[up], 0.0, 100.0)
        down = known & ~met & (d < 0) & (a > 0) & (t >= 0)
        out[down] = np.clip(100.0 * t[down] / a[down], 0.0, 100.0)
    return out


def achievement_band(pct: Any, lang: str = "en") -> np.ndarray:
    """U4SSC-style band of a percentage of target achieved.

    ``>= 95`` achieved / tercapai; ``66 <= p < 95`` near / mendekati; ``33 <= p < 66``
    midway / separuh jalan; ``< 33`` far / jauh; "" when the percentage is missing. The
    boundaries are the U4SSC KPI benchmarks (>= 95 %, 66-95 %, 33-66 %, 0-33 % of target;
    ITU U4SSC verification reports); the names are ours.

    >>> achievement_band([100, 95, 94.9, 66, 50, 10, float("nan")]).tolist()
    ['achieved', 'achieved', 'near', 'near', 'midway', 'far', '']
    """
    p = np.atleast_1d(np.asarray(pct, dtype=float))
    out = np.full(p.shape, "", dtype=object)
    column = 2 if lang == "id" else 1
    for band in reversed(ACHIEVEMENT_BANDS):
        out[~np.isnan(p) & (p >= band[0] - _EPS)] = band[column]
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
    return _sort(out, framework)


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
    frame = _nodes(scores, framework)
    regions = sorted(frame["region"].unique())
    years = sorted(frame["year"].unique())
    resolved = resolve_targets(targets, framework, regions, years)
    if frame.empty or resolved.empty:
        return _empty("targets")
    frame["actual"] = _actual(frame, framework)
    out = resolved.merge(frame[[*_KEYS, "actual"]], on=_KEYS, how="inner")
    d = _direction(framework, out["code"])
    out["level"] = _depth(framework, out["code"])
    out["direction"] = d.astype("int64")
    out["gap"] = d * (out["target"].to_numpy(float) - out["actual"].to_numpy(float))
    out["pct_achieved"] = pct_achieved(out["actual"], out["target"], d)
    out["band"] = achievement_band(out["pct_achieved"], "en")
    out["band_id"] = achievement_band(out["pct_achieved"], "id")
    return _sort(out, framework)[list(COLUMNS["targets"])]


# ----------------------------------------------------------------------------- 2. trajectory
def _status(d, baseline, current, target, projected, planned_pace, pace_ratio) -> str:
    if math.isnan(current) or math.isnan(target):
        return "insufficient data"
    if d * (current - target) >= -_EPS:
        return "on track"  # already met
    if math.isnan(baseline) or math.isnan(projected):
        return "insufficient data"
    if d * (projected - target) >= -_EPS:
        return "on track"
    if d * planned_pace > _EPS and pace_ratio >= AT_RISK_PACE - _EPS:
        return "at risk"
    return "off track"


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
    frame = _nodes(scores, framework)
    regions = sorted(frame["region"].unique())
    resolved = resolve_targets(targets, framework, regions, None)
    if frame.empty or resolved.empty:
        return _empty("trajectory")
    if years is None:
        eval_years = sorted(frame["year"].unique())
    elif isinstance(years, (int, np.integer)):
        eval_years = [int(years)]
    else:
        eval_years = sorted(int(y) for y in years)
    frame["actual"] = _actual(frame, framework)
    known = frame.loc[
        frame["actual"].notna() & frame["code"].isin(set(resolved["code"])),
        ["region", "code", "year", "actual"],
    ]
    series = {
        k: g.set_index("year")["actual"].sort_index() for k, g in known.groupby(["region", "code"])
    }
    rows = []
    for (region, code), plan in resolved.groupby(["region", "code"], sort=False):
        plan = plan.set_index("year")["target"].sort_index()
        d = float(_direction(framework, pd.Series([code]))[0])
        values = series.get((region, code), pd.Series(dtype=float))
        for y in eval_years:
            if plan.index.max() <= y:
                continue
            target_year = int(plan.index.max())
            target = float(plan.iloc[-1])
            upto = values[values.index <= y]
            b_year: int | None
            if baseline_year is not None:
                b_year = int(baseline_year)
            else:
                before = upto[upto.index < plan.index.min()]
                if len(before) and before.index.max() < upto.index.max():
                    b_year = int(before.index.max())
                elif len(upto):
                    b_year = int(upto.index.min())
                else:
                    b_year = None
            base = float(values[b_year]) if b_year in values.index else math.nan
            c_year = int(upto.index.max()) if len(upto) else None
            current = float(upto.iloc[-1]) if len(upto) else math.nan
            nan = math.nan
            required = (target - base) / (target_year - b_year) if b_year is not None else nan
            if b_year is not None and c_year is not None and c_year > b_year:
                actual_change = (current - base) / (c_year - b_year)
                projected = current + actual_change * (target_year - c_year)
            else:
                actual_change = projected = nan
            pace = actual_change / required if abs(required) > _EPS else nan
            from_now = (target - current) / (target_year - c_year) if c_year is not None else nan
            status = _status(d, base, current, target, projected, required, pace)
            rows.append(
                {
                    "region": region,
                    "year": y,
                    "code": code,
                    "direction": int(d),
                    "baseline_year": pd.NA if b_year is None else b_year,
                    "baseline": base,
                    "current_year": pd.NA if c_year is None else c_year,
                    "current": current,
                    "target_year": target_year,
                    "target": target,
                    "required_change": required,
                    "actual_change": actual_change,
                    "pace_ratio": pace,
                    "projected": projected,
                    "required_change_from_now": from_now,
                    "status": status,
                    "status_id": TRAJECTORY_STATUS[status],
                }
            )
    if not rows:
        return _empty("trajectory")
    out = pd.DataFrame(rows)
    out["level"] = _depth(framework, out["code"])
    for col in ("baseline_year", "current_year"):
        out[col] = out[col].astype("Int64")
    return _sort(out, framework)[list(COLUMNS["trajectory"])]


# ----------------------------------------------------------------------------- 3. change
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
    frame = _nodes(scores, framework)
    if frame.empty:
        return _empty("drivers")
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
        return _empty("drivers")
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
    out = _sort(out, framework, ("region", "year", "parent"))
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
    frame = _nodes(scores, framework)
    if frame.empty:
        return _empty("change")
    prev = _previous(frame)
    out = frame[["region", "year", "code", "score"]].merge(
        prev, on=["region", "code", "year"], how="left"
    )
    out["previous_year"] = out["previous_year"].astype("Int64")
    out["change"] = out["score"] - out["previous_score"]
    out["level"] = _depth(framework, out["code"])
    drivers = change_drivers(scores, framework)
    order = _order(framework)
    for kind, pick in (("up", 1.0), ("down", -1.0)):
        sel = drivers.loc[pick * drivers["contribution_change"] > _EPS].copy()
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
        out = out.merge(best, on=_KEYS, how="left")
        out[f"driver_{kind}"] = out[f"driver_{kind}"].fillna("").astype(str)
    return _sort(out, framework)[list(COLUMNS["change"])]


# ----------------------------------------------------------------------------- 4. peers
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


def peer_comparison(
    scores: pd.DataFrame,
    framework: Framework,
    *,
    peers: Sequence[str] | Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Each region against its peers, for every node and year.

    Parameters
    ----------
    peers : who a region is compared with. None (default): every region in ``scores``; a
        list of regions: that set plus the region itself; a mapping region -> group label:
        the regions of the same group (a region absent from the mapping has no peers).

    Returns
    -------
    DataFrame with the columns of ``COLUMNS["peers"]``: ``peer_rank`` (1 = best; ties share
    the lowest rank, "min", as SPEC section 3), ``n_compared`` (regions with a score in the
    comparison, the region included), ``best`` and ``best_region`` (the region itself when it
    shares the best score, else the first alphabetically), ``median`` of the compared scores, ``gap_to_best`` = best - score (>= 0),
    ``gap_to_median`` = median - score (positive = below the median), ``next_region`` and
    ``gap_to_next``: the region with the next higher score and the distance to it (empty /
    NaN for rank 1). A region with no peers is rank 1 of 1 with zero gaps. Scores are
    higher-is-better. A missing score gives NaN rank and gaps.
    """
    frame = _nodes(scores, framework)
    if frame.empty:
        return _empty("peers")
    regions = sorted(frame["region"].unique())
    sets = _peer_sets(regions, peers)
    wide = frame.pivot_table(
        index=["year", "code"], columns="region", values="score", aggfunc="first", dropna=False
    ).reindex(columns=regions)
    # pivot_table drops all-NaN rows; restore every (year, code) scored
    wide = wide.reindex(pd.MultiIndex.from_frame(frame[["year", "code"]].drop_duplicates()))
    parts = []
    for region in regions:
        cols = [c for c in regions if c in set(sets[region])]
        m = wide[cols].to_numpy(dtype=float)
        v = wide[region].to_numpy(dtype=float)
        names = np.array(cols, dtype=object)
        with np.errstate(invalid="ignore"):
            higher = m > v[:, None] + _EPS
        present = ~np.isnan(m)
        has_v = ~np.isnan(v)
        n = present.sum(axis=1)
        rank = np.where(has_v, 1 + higher.sum(axis=1), np.nan)
        filled = np.where(present, m, -np.inf)
        best = np.where(n > 0, filled.max(axis=1), np.nan)
        best_idx = filled.argmax(axis=1)
        own = cols.index(region)
        best_idx = np.where(has_v & (np.abs(v - best) <= _EPS), own, best_idx)
        med = np.array(
            [
                np.median(row[~np.isnan(row)]) if row_n else np.nan
                for row, row_n in zip(m, n, strict=True)
            ]
        )
        nxt = np.where(higher, m, np.inf).min(axis=1)
        nxt = np.where(np.isinf(nxt), np.nan, nxt)
        nxt_idx = np.where(higher & (np.abs(m - nxt[:, None]) <= _EPS), 1, 0).argmax(axis=1)
        part = wide.index.to_frame(index=False)
        part["region"] = region
        part["score"] = v
        part["peer_rank"] = rank
        part["n_compared"] = n
        part["best"] = best
        part["best_region"] = np.where(n > 0, names[best_idx], "")
        part["median"] = med
        part["gap_to_best"] = np.where(has_v, best - v, np.nan)
        part["gap_to_median"] = np.where(has_v, med - v, np.nan)
        part["next_region"] = np.where(has_v & ~np.isnan(nxt), names[nxt_idx], "")
        part["gap_to_next"] = np.where(has_v, nxt - v, np.nan)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["peer_rank"] = out["peer_rank"].astype("Int64")
    out["n_compared"] = out["n_compared"].astype("int64")
    out["best_region"] = out["best_region"].astype(str)
    out["next_region"] = out["next_region"].astype(str)
    out["level"] = _depth(framework, out["code"])
    return _sort(out, framework)[list(COLUMNS["peers"])]


# ----------------------------------------------------------------------------- 5. strengths
def _pick(
    g: pd.DataFrame, keys: list[str], strong: list[bool], weak: list[bool], n: int
) -> list[pd.DataFrame]:
    """The n strongest and n weakest rows of g; with fewer than 2n rows the better half
    (rounded up) are strengths and the rest weaknesses, so that no row is both."""
    k_s, k_w = min(n, (len(g) + 1) // 2), min(n, len(g) // 2)
    best = g.sort_values(keys, ascending=strong, kind="mergesort").head(k_s)
    rest = g.loc[~g.index.isin(best.index)]
    worst = rest.sort_values(keys, ascending=weak, kind="mergesort").head(k_w)
    return [
        best.assign(kind="strength", position=np.arange(1, k_s + 1)),
        worst.assign(kind="weakness", position=np.arange(1, k_w + 1)),
    ]


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
    order = _order(framework)
    parts = []
    p = peers.loc[peers["code"].isin(items) & peers["score"].notna() & (peers["n_compared"] >= 2)]
    p = p.assign(
        _o=p["code"].map(order),
        _m=-p["gap_to_median"],
        _r=(p["peer_rank"].astype(float) - 1) / (p["n_compared"] - 1),
    )
    for _, g in p.groupby(["region", "year"], sort=True):
        parts.extend(_pick(g, ["_r", "_m", "_o"], [True, False, True], [False, True, True], n))
    peer_part = pd.concat(parts, ignore_index=True) if parts else None
    parts = []
    if gaps is not None and len(gaps):
        t = gaps.loc[gaps["code"].isin(items) & gaps["pct_achieved"].notna()]
        t = t.assign(_o=t["code"].map(order))
        keys = ["pct_achieved", "gap", "_o"]
        for _, g in t.groupby(["region", "year"], sort=True):
            parts.extend(_pick(g, keys, [False, True, True], [True, False, True], n))
    target_part = pd.concat(parts, ignore_index=True) if parts else None
    frames = []
    if peer_part is not None:
        pp = peer_part.assign(basis="peers")
        if gaps is not None and len(gaps):
            pp = pp.merge(gaps[[*_KEYS, "gap", "pct_achieved"]], on=_KEYS, how="left")
        frames.append(pp)
    if target_part is not None:
        tp = target_part.assign(basis="target").merge(
            peers[[*_KEYS, "score", "peer_rank", "n_compared", "gap_to_median"]],
            on=_KEYS,
            how="left",
        )
        frames.append(tp)
    if not frames:
        return _empty("strengths")
    out = pd.concat(
        [f.reindex(columns=list(COLUMNS["strengths"])) for f in frames], ignore_index=True
    )
    out["_b"] = out["basis"].map({"peers": 0, "target": 1})
    out["_k"] = out["kind"].map({"strength": 0, "weakness": 1})
    out = out.sort_values(["region", "year", "_b", "_k", "position"], kind="mergesort")
    out = out.drop(columns=["_b", "_k"]).reset_index(drop=True)
    out["position"] = out["position"].astype("int64")
    return out[list(COLUMNS["strengths"])]


# ----------------------------------------------------------------------------- 6. self
def _aggregate_items(items: pd.DataFrame, framework: Framework, value: str) -> pd.DataFrame:
    """Arithmetic aggregation of item values up the tree (missing skipped, weights renormalised)."""
    from smartcity_eval.scoring.aggregate import aggregate_array

    wide = items.pivot_table(
        index=["region", "year"], columns="code", values=value, aggfunc="first"
    ).reindex(columns=framework.indicators)
    s = aggregate_array(wide.to_numpy(dtype=float), framework, "arithmetic")
    out = pd.DataFrame(s, index=wide.index, columns=[str(c) for c in framework.nodes.index])
    out.columns.name = "code"
    return out.stack().rename(value).reset_index()


def self_vs_verified(
    assessments: pd.DataFrame,
    framework: Framework,
    verified: pd.DataFrame | None = None,
    *,
    consensus_method: str = "median",
    threshold: float = OVERCLAIM_THRESHOLD,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Self-assessment against the verified score, per item, element, pillar and index.

    Parameters
    ----------
    assessments : the assessments table; rows with ``stage = self`` are the region's
        self-assessment (see :func:`smartcity_eval.analysis.assessors.self_assessment`).
    framework : items are its indicators; differences are aggregated up its tree.
    verified : the verified item scores as an observations table (``region, year,
        indicator, value``); default the consensus of the assessors
        (:func:`smartcity_eval.analysis.assessors.consensus` with ``consensus_method``).
    threshold : mean difference, in levels, above which over-claiming can be flagged.
    alpha : significance level of the one-sided sign test.

    Method
    ------
    Only items with both a self-assessed and a verified score count. Per item:
    ``difference`` = self - verified. Per aggregate node, over the items beneath it:
    ``self_score`` and ``verified_score`` are the arithmetic aggregates (weights renormalised
    over the items counted, as the index is computed) and ``difference`` their difference;
    ``mean_difference`` is the unweighted mean item difference; ``n_over`` / ``n_under`` /
    ``n_equal`` count items self-scored above / below / equal to the verified score;
    ``p_sign`` is the one-sided sign test p-value, P(X >= n_over) for X ~ Binomial(n_over +
    n_under, 1/2), ties dropped (Conover 1999, 3.4); ``p_ttest`` the one-sided one-sample
    t-test of the item differences against 0 (Student 1908; NaN for fewer than two items or
    when all differences are equal).

    **Over-claiming** (``over_claiming`` True) when ``mean_difference > threshold`` (0.5
    level: half a maturity level, the smallest systematic excess that moves a rounded level)
    **and** ``p_sign < alpha`` (0.05): the excess is both large and too consistent across
    items to be chance. The sign test suits ordinal levels (no normality assumption); the
    t-test is reported for reference. A single item is never flagged (its p_sign >= 0.5).

    Returns
    -------
    DataFrame with the columns of ``COLUMNS["self"]``.
    """
    from smartcity_eval.analysis.assessors import consensus, self_assessment

    own = self_assessment(assessments)
    ver = consensus(assessments, consensus_method) if verified is None else verified
    leaves = set(framework.indicators)
    own = own.loc[own["indicator"].isin(leaves), ["region", "year", "indicator", "value"]]
    ver = ver.loc[ver["indicator"].isin(leaves), ["region", "year", "indicator", "value"]]
    pairs = own.rename(columns={"value": "self_score"}).merge(
        ver.rename(columns={"value": "verified_score"}), on=["region", "year", "indicator"]
    )
    pairs = pairs.loc[pairs["self_score"].notna() & pairs["verified_score"].notna()]
    pairs = pairs.rename(columns={"indicator": "code"})
    if pairs.empty:
        return _empty("self")
    pairs["year"] = pairs["year"].astype("int64")
    pairs["region"] = pairs["region"].astype(str)
    pairs["difference"] = pairs["self_score"] - pairs["verified_score"]
    agg_self = _aggregate_items(pairs, framework, "self_score")
    agg_ver = _aggregate_items(pairs, framework, "verified_score")
    out = agg_self.merge(agg_ver, on=["region", "year", "code"])
    out = out.loc[out["self_score"].notna() & out["verified_score"].notna()].copy()
    out["difference"] = out["self_score"] - out["verified_score"]
    # item statistics per node: expand each item to itself and its ancestors
    links = [(c, c) for c in framework.indicators] + [
        (c, a) for c in framework.indicators for a in framework.ancestors(c)
    ]
    link = pd.DataFrame(links, columns=["item", "code"])
    long = pairs[["region", "year", "code", "difference"]].rename(columns={"code": "item"})
    long = long.merge(link, on="item")
    d = long["difference"]
    long["_over"] = (d > _EPS).astype("int64")
    long["_under"] = (d < -_EPS).astype("int64")
    g = long.groupby(["region", "year", "code"], sort=False)
    st = g.agg(
        n_items=("difference", "size"),
        mean_difference=("difference", "mean"),
        _sd=("difference", "std"),
        _range=("difference", lambda x: float(x.max() - x.min())),
        n_over=("_over", "sum"),
        n_under=("_under", "sum"),
    ).reset_index()
    st["n_equal"] = st["n_items"] - st["n_over"] - st["n_under"]
    # sign test, one-sided: P(X >= n_over), X ~ Binomial(n_over + n_under, 1/2)
    m = st["n_over"] + st["n_under"]
    st["p_sign"] = np.where(m > 0, stats.binom.sf(st["n_over"] - 1, m.clip(lower=1), 0.5), np.nan)
    # one-sample t-test, one-sided: t = mean / (sd / sqrt(n)), n - 1 degrees of freedom
    n = st["n_items"].to_numpy(dtype=float)
    ok = (n >= 2) & (st["_range"].to_numpy() > _EPS)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = st["mean_difference"].to_numpy() / (st["_sd"].to_numpy() / np.sqrt(n))
        st["p_ttest"] = np.where(ok, stats.t.sf(t, np.maximum(n - 1, 1)), np.nan)
    rows = st.drop(columns=["_sd", "_range"])
    out = out.merge(rows, on=_KEYS, how="inner")
    out["over_claiming"] = (out["mean_difference"] > threshold + _EPS) & (
        out["p_sign"].fillna(1.0) < alpha
    )
    out["level"] = _depth(framework, out["code"])
    return _sort(out, framework)[list(COLUMNS["self"])]


# ----------------------------------------------------------------------------- 7. priorities
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
    _check_scores(scores)
    leaves = framework.indicators
    frame = scores.loc[scores["code"].isin(leaves)].copy()
    if frame.empty:
        return _empty("priorities")
    frame["code"] = frame["code"].astype(str)
    frame["region"] = frame["region"].astype(str)
    frame["year"] = frame["year"].astype("int64")
    frame["score"] = frame["score"].astype(float)
    frame = frame.drop_duplicates(["region", "year", "code"])
    frame["value"] = _actual(frame, framework)
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
    out["_o"] = out["code"].map(_order(framework))
    room = out["headroom"].isna() | (out["headroom"] > _EPS)
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


# ----------------------------------------------------------------------------- dataset level
def _pick_framework(dataset: Dataset, framework: str | Framework | None) -> Framework:
    if framework is None:
        return dataset.framework
    if isinstance(framework, Framework):
        return framework
    if str(framework) in dataset.frameworks:
        return dataset.frameworks[str(framework)]
    from smartcity_eval.io.frameworks import load_framework

    return load_framework(framework)


def _check_choice(value: Any, known: Sequence[Any], what: str, what_id: str) -> None:
    if value is None or value in known:
        return
    if what == "year":
        fix = "use one of " + ", ".join(str(k) for k in known)
    else:
        fix = did_you_mean(value, known)
    raise DataError(
        Problem(
            None,
            None,
            None,
            f"unknown {what} '{value}'",
            fix,
            f"{what_id} '{value}' tidak dikenal",
        )
    )


def _has_observations(dataset: Dataset) -> bool:
    obs = dataset.observations
    return bool(len(obs)) and bool(obs["value"].notna().any())


def dataset_scores(
    dataset: Dataset, framework: str | Framework | None = None, **score_options: Any
) -> pd.DataFrame:
    """The scores the gap analysis of ``dataset`` starts from.

    :func:`smartcity_eval.scoring.engine.score_dataset` of the dataset (with ``framework`` and
    ``score_options``) when it has observations; otherwise its published values
    (``published.csv``: ``region, year, code, score`` for the nodes of the framework), so that
    a dataset of published results only (e.g. Kota Kediri's final index 2021 and 2022) still
    gets targets, change ("tingkat improvement") and peers.

    Raises DataError when the dataset has neither.
    """
    if _has_observations(dataset):
        from smartcity_eval.scoring.engine import score_dataset

        return score_dataset(dataset, framework=framework, **score_options)
    fw = _pick_framework(dataset, framework)
    pub = dataset.published
    pub = pub.loc[pub["code"].isin(fw.nodes.index) & pub["score"].notna()]
    if pub.empty:
        raise DataError(
            Problem(
                str(dataset.path),
                None,
                None,
                "nothing to analyse: no observations and no published values of the framework",
                "add observations.csv (region, year, indicator, value) or published.csv",
                "tidak ada yang dianalisis: tidak ada observasi maupun nilai terbitan",
            )
        )
    out = pub[["region", "year", "code", "score"]].copy()
    out["level"] = _depth(fw, out["code"])
    return _sort(out, fw)


def gap_report(
    dataset: Dataset,
    region: str | None = None,
    year: int | None = None,
    *,
    framework: str | Framework | None = None,
    index_framework: str | Framework | None = None,
    peers: Sequence[str] | Mapping[str, str] | None = None,
    top: int = 5,
    verified: str = "observations",
    scores: pd.DataFrame | None = None,
    **score_options: Any,
) -> dict[str, pd.DataFrame]:
    """Every gap analysis of a dataset, for one region and year or all of them.

    Parameters
    ----------
    dataset : a loaded :class:`~smartcity_eval.io.dataset.Dataset`.
    region : keep only this region's rows (all regions are still used as peers). Unknown
        region -> DataError suggesting the closest known one.
    year : evaluation year: every table keeps that year's rows (the trajectory is judged as
        of that year; the change compares it with the previous evaluation). None (default):
        every year scored. Unknown year -> DataError listing the known years.
    framework : the tree to score and analyse (default the dataset's primary framework).
    index_framework : the tree whose root is the index to raise in ``priorities`` (e.g.
        ``"kominfo_components"`` for the Kominfo final index); default ``framework``.
    peers : see :func:`peer_comparison`.
    top : strengths/weaknesses per basis, and priorities listed, per region and year.
    verified : ``"observations"`` (the dataset's observations are the verified scores) or
        ``"consensus"`` (the assessors' consensus, with the dataset's ``[methods]
        consensus``, default median).
    scores : precomputed scores of ``framework`` (default :func:`dataset_scores`: the scored
        observations, or the published values of a dataset without observations).
    score_options : passed to :func:`smartcity_eval.scoring.engine.score_dataset`.

    Returns
    -------
    dict ``{name: DataFrame}`` with the keys of ``ANALYSES`` (targets, trajectory, change,
    drivers, peers, strengths, self, priorities), each with the columns of ``COLUMNS[name]``
    (documented in docs/columns.md); a table is empty (with its columns) when the dataset
    lacks what it needs (no targets, no assessments).
    """
    if verified not in ("observations", "consensus"):
        raise DataError(
            Problem(
                None,
                None,
                "verified",
                f"unknown verified source '{verified}'",
                "use 'observations' or 'consensus'",
            )
        )
    fw = _pick_framework(dataset, framework)
    if scores is None:
        scores = dataset_scores(dataset, framework, **score_options)
    known = sorted(set(scores["region"]))
    _check_choice(region, known, "region", "daerah")
    for peer in peers or ():
        _check_choice(peer, known, "region", "daerah")
    if year is not None:
        _check_choice(int(year), sorted({int(y) for y in scores["year"]}), "year", "tahun")
    eval_year = int(year) if year is not None else None
    tables: dict[str, pd.DataFrame] = {}
    gaps_all = target_gaps(scores, fw, dataset.targets)
    tables["targets"] = gaps_all
    tables["trajectory"] = trajectory(
        scores, fw, dataset.targets, years=eval_year if eval_year is not None else None
    )
    tables["change"] = change(scores, fw)
    tables["drivers"] = change_drivers(scores, fw)
    peer_table = peer_comparison(scores, fw, peers=peers)
    tables["peers"] = peer_table
    tables["strengths"] = strengths_weaknesses(peer_table, gaps_all, fw, n=top)
    if len(dataset.assessments):
        ver = dataset.observations if verified == "observations" else None
        method = str(dataset.methods.get("consensus", "median"))
        tables["self"] = self_vs_verified(dataset.assessments, fw, ver, consensus_method=method)
    else:
        tables["self"] = _empty("self")
    ifw = _pick_framework(dataset, index_framework) if index_framework is not None else fw
    idx_scores = scores
    if not set(ifw.indicators) & set(scores["code"]) and _has_observations(dataset):
        idx_scores = dataset_scores(dataset, index_framework, **score_options)
    tables["priorities"] = priorities(idx_scores, ifw, top=top)
    for name, table in tables.items():
        keep = pd.Series(True, index=table.index)
        if region is not None:
            keep &= table["region"] == region
        if eval_year is not None:
            keep &= table["year"] == eval_year
        tables[name] = table.loc[keep].reset_index(drop=True)
    return tables


# ----------------------------------------------------------------------------- presentation
#: Section titles of :func:`render_text`, en and id.
TITLES: dict[str, tuple[str, str]] = {
    "targets": (
        "Gap to target (gap > 0: short of target; U4SSC bands of % achieved)",
        "Kesenjangan terhadap target (gap > 0: belum mencapai target; pita U4SSC % capaian)",
    ),
    "trajectory": (
        "Trajectory to the masterplan target (linear pace since the baseline)",
        "Lintasan menuju target masterplan (laju linear sejak tahun dasar)",
    ),
    "change": (
        "Change since the previous evaluation (tingkat improvement) and its drivers",
        "Perubahan sejak evaluasi sebelumnya (tingkat improvement) dan pendorongnya",
    ),
    "drivers": (
        "Contribution of each child to its parent's change",
        "Kontribusi setiap komponen terhadap perubahan induknya",
    ),
    "peers": (
        "Position among peer regions (gaps: distance to best, median and next rank up)",
        "Posisi di antara daerah pembanding (jarak ke terbaik, median dan peringkat di atasnya)",
    ),
    "strengths": (
        "Strengths and weaknesses (by rank among peers and by target achievement)",
        "Kekuatan dan kelemahan (menurut peringkat antardaerah dan capaian target)",
    ),
    "self": (
        "Self-assessment vs verified score (difference > 0: self-assessed higher)",
        "Penilaian mandiri vs nilai terverifikasi (selisih > 0: penilaian mandiri lebih tinggi)",
    ),
    "priorities": (
        "Priorities: items that raise the index most per level gained",
        "Prioritas: item yang paling menaikkan indeks per kenaikan satu level",
    ),
}

_SHOW: dict[str, tuple[str, ...]] = {
    "targets": _cols("code name actual target gap pct_achieved band"),
    "trajectory": _cols(
        "code name baseline_year baseline current target_year target required_change "
        "actual_change projected status"
    ),
    "change": _cols("code name previous_year previous_score score change driver_up driver_down"),
    "drivers": _cols("parent code name previous_contribution contribution contribution_change"),
    "peers": _cols(
        "code name score peer_rank n_compared best_region gap_to_best gap_to_median "
        "next_region gap_to_next"
    ),
    "strengths": _cols("basis kind position code name score peer_rank n_compared pct_achieved"),
    "self": _cols(
        "code name n_items self_score verified_score difference n_over n_under p_sign over_claiming"
    ),
    "priorities": _cols("priority code name parent value headroom gain_per_level max_gain"),
}

#: Analyses whose rows are every node: the terminal view limits them to ``depth``.
PER_NODE: tuple[str, ...] = ("change", "drivers", "peers", "self")


def combine(tables: Mapping[str, pd.DataFrame], what: Sequence[str]) -> pd.DataFrame:
    """One tidy table from several analyses: ``region, year, code, analysis`` and then the
    union of their other columns (empty where a column does not apply), for ``--out`` with
    more than one analysis. With one analysis, its table unchanged."""
    if len(what) == 1:
        return tables[what[0]]
    columns: list[str] = []
    for name in what:
        columns.extend(c for c in COLUMNS[name] if c not in columns)
    rest = [c for c in columns if c not in _KEYS]
    parts = [
        tables[name].assign(analysis=name).reindex(columns=[*_KEYS, "analysis", *rest])
        for name in what
        if len(tables[name])
    ]
    if not parts:
        return pd.DataFrame(columns=[*_KEYS, "analysis", *rest])
    out = pd.concat(parts, ignore_index=True)
    for column in rest:  # integers and booleans stay so around the empty cells
        kinds = [tables[n][column].dtype for n in what if column in tables[n] and len(tables[n])]
        if kinds and all(pd.api.types.is_bool_dtype(k) for k in kinds):
            out[column] = out[column].astype("boolean")
        elif kinds and all(pd.api.types.is_integer_dtype(k) for k in kinds):
            out[column] = out[column].astype("Int64")
    return out


def _fmt(value: Any, column: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else ""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if column.startswith("p_"):
            return f"{value:.3g}"
        if column == "pct_achieved":
            return f"{value:.1f}"
        if column in ("weight", "gain_per_level", "max_gain"):
            return f"{value:.4f}"
        return f"{value:.2f}"
    return str(value)


def _align(view: pd.DataFrame, shown: Sequence[str]) -> list[str]:
    """Header and rows of ``view[shown]``, numbers right-aligned, text left-aligned."""
    cells = {c: [_fmt(v, c) for v in view[c]] for c in shown}
    numeric = {
        c: pd.api.types.is_numeric_dtype(view[c]) and not pd.api.types.is_bool_dtype(view[c])
        for c in shown
    }
    widths = {c: max([len(c), *(len(x) for x in cells[c])]) for c in shown}
    rows = [{c: c for c in shown}] + [{c: cells[c][i] for c in shown} for i in range(len(view))]
    return [
        "   "
        + "  ".join(
            r[c].rjust(widths[c]) if numeric[c] else r[c].ljust(widths[c]) for c in shown
        ).rstrip()
        for r in rows
    ]


def render_text(
    tables: Mapping[str, pd.DataFrame],
    what: Sequence[str],
    frameworks: Sequence[Framework],
    *,
    lang: str = "en",
    depth: int | None = 2,
    title: str = "",
    width: int = 40,
) -> str:
    """A readable, aligned text report of the analyses in ``what`` (for a terminal).

    Node names come from the first of ``frameworks`` that has the node, in ``lang``; bands
    and statuses are shown in ``lang``. The per-node analyses (``PER_NODE``) show nodes down
    to ``depth`` (None: all) and say how many deeper rows were left out. Numbers are rounded
    for reading (2 decimals; p-values 3 significant digits); the CSV (``--out``) keeps full
    precision.
    """
    col = 1 if lang == "id" else 0

    def name(code: str) -> str:
        for fw in frameworks:
            if code in fw.nodes.index:
                text = fw.label(code, lang)
                return text if len(text) <= width else text[: width - 1] + "…"
        return ""

    def node_depth(code: str) -> int:
        for fw in frameworks:
            if code in fw.nodes.index:
                return fw.depth(code)
        return 0

    lines = [title, "=" * len(title)] if title else []
    for number, key in enumerate(what, start=1):
        table = tables[key]
        lines += ["", f"{number}. {TITLES[key][col]}"]
        hidden = 0
        if key in PER_NODE and depth is not None and len(table):
            deep = table["code"].map(node_depth) > depth
            hidden = int(deep.sum())
            table = table.loc[~deep]
        if table.empty:
            lines.append("   (no rows)" if lang != "id" else "   (tidak ada baris)")
            continue
        view = table.copy()
        view["name"] = view["code"].map(name)
        if lang == "id":
            for src, dst in (("band_id", "band"), ("status_id", "status")):
                if src in view.columns:
                    view[dst] = view[src]
        regions = view["region"].nunique() > 1 or view["year"].nunique() > 1
        shown = (["region", "year"] if regions else []) + [
            c for c in _SHOW[key] if c in view.columns
        ]
        lines.extend(_align(view, shown))
        if hidden:
            note = (
                f"   ({hidden} deeper rows not shown: use --depth or --out)"
                if lang != "id"
                else f"   ({hidden} baris lebih dalam tidak ditampilkan: pakai --depth atau --out)"
            )
            lines.append(note)
    return "\n".join(lines) + "\n"
