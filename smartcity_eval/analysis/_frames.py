"""Shared helpers of the gap analyses: the output columns and tidy-frame utilities.

Every gap analysis (:mod:`~smartcity_eval.analysis.targets`,
:mod:`~smartcity_eval.analysis.trajectories`, :mod:`~smartcity_eval.analysis.changes`,
:mod:`~smartcity_eval.analysis.peers`, :mod:`~smartcity_eval.analysis.strengths`,
:mod:`~smartcity_eval.analysis.verification`, :mod:`~smartcity_eval.analysis.priority`)
takes a tidy *scores* frame (the output of :func:`smartcity_eval.scoring.engine.score`:
``region, year, code, score`` and, where known, ``raw`` and ``level``; one row per node,
region and year) plus a :class:`~smartcity_eval.io.frameworks.Framework` and returns a tidy
frame whose first columns are ``region, year, code``, with the columns of :data:`COLUMNS`
(documented in ``docs/columns.md``).

Conventions
-----------
* **Actual value.** Targets are set on an indicator's *raw* value or on an aggregate's
  *score* (``docs/columns.md``, targets.csv). The *actual* value of a node is therefore its
  ``raw`` value for an indicator (the ``score`` when the frame has no ``raw`` column) and
  its ``score`` for an element, pillar or index.
* **Direction.** An indicator's ``direction`` in the framework (1 higher is better, -1 lower
  is better) applies to target gaps and trajectories of that indicator. Scores of
  aggregates, and all scores compared among peers, are higher-is-better (the scoring engine
  applies the direction before normalising).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.io.frameworks import Framework

__all__ = ["ANALYSES", "COLUMNS", "EPS", "KEYS"]

#: The analyses of :func:`smartcity_eval.analysis.gapset.gap_report`, in order.
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


def cols(text: str) -> tuple[str, ...]:
    """The words of ``text``: a column list written as one string."""
    return tuple(text.split())


#: The columns of each analysis (see docs/columns.md).
COLUMNS: dict[str, tuple[str, ...]] = {
    "targets": cols(
        "region year code level direction actual target target_source gap pct_achieved band band_id"
    ),
    "trajectory": cols(
        "region year code level direction baseline_year baseline current_year current "
        "target_year target required_change actual_change pace_ratio projected "
        "required_change_from_now status status_id"
    ),
    "change": cols(
        "region year code level score previous_year previous_score change driver_up "
        "driver_up_change driver_down driver_down_change"
    ),
    "drivers": cols(
        "region year code parent previous_year weight previous_weight score "
        "previous_score contribution previous_contribution contribution_change"
    ),
    "peers": cols(
        "region year code level score peer_rank n_compared best best_region median "
        "gap_to_best gap_to_median next_region gap_to_next rank_kind rank_province"
    ),
    "strengths": cols(
        "region year code basis kind position score peer_rank n_compared gap_to_median "
        "gap pct_achieved"
    ),
    "self": cols(
        "region year code level n_items self_score verified_score difference "
        "mean_difference n_over n_under n_equal p_sign p_ttest over_claiming"
    ),
    "priorities": cols(
        "region year code index parent value top headroom weight gain_per_level max_gain priority"
    ),
}

#: Tolerance of the comparisons of values (met a target, above a peer), in the value's unit.
EPS = 1e-9
#: The key columns of every analysis table.
KEYS = ["region", "year", "code"]


def empty(name: str) -> pd.DataFrame:
    """An empty table with the columns of analysis ``name``."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS[name]})


def check_scores(scores: pd.DataFrame) -> None:
    """Raise DataError when ``scores`` lacks a column every analysis needs."""
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


def nodes_of(scores: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Rows of ``scores`` for nodes of ``framework``, with float score and int year."""
    check_scores(scores)
    out = scores.loc[scores["code"].isin(framework.nodes.index)].copy()
    out["code"] = out["code"].astype(str)
    out["region"] = out["region"].astype(str)
    out["year"] = out["year"].astype("int64")
    out["score"] = out["score"].astype(float)
    return out.reset_index(drop=True)


def depth(framework: Framework, codes: pd.Series) -> np.ndarray:
    """The depth of each code in ``framework`` (0 = the index)."""
    return framework.nodes["depth"].reindex(codes.to_numpy()).to_numpy().astype("int64")


def direction(framework: Framework, codes: pd.Series) -> np.ndarray:
    """+1/-1 for indicators (from the framework), +1 for aggregates."""
    nodes = framework.nodes.reindex(codes.to_numpy())
    d = nodes["direction"].to_numpy(dtype=float)
    return np.where(nodes["is_leaf"].to_numpy(dtype=bool), d, 1.0)


def actual(frame: pd.DataFrame, framework: Framework) -> np.ndarray:
    """Raw value for indicators (when a ``raw`` column exists), score otherwise."""
    score = frame["score"].to_numpy(dtype=float)
    if "raw" not in frame.columns:
        return score
    leaf = framework.nodes["is_leaf"].reindex(frame["code"].to_numpy()).to_numpy(dtype=bool)
    raw = pd.to_numeric(frame["raw"], errors="coerce").to_numpy(dtype=float)
    return np.where(leaf, raw, score)


def node_order(framework: Framework) -> dict[str, int]:
    """Position of each node in the framework's file order."""
    return {str(c): i for i, c in enumerate(framework.nodes.index)}


def sort_nodes(
    frame: pd.DataFrame, framework: Framework, keys: Sequence[str] = ("region", "year")
) -> pd.DataFrame:
    """``frame`` sorted by ``keys`` and then the framework's node order."""
    order = node_order(framework)
    out = frame.assign(_o=frame["code"].map(order))
    out = out.sort_values([*keys, "_o"], kind="mergesort").drop(columns="_o")
    return out.reset_index(drop=True)
