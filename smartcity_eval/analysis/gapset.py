"""Every gap analysis of a dataset at once: :func:`gap_report`, and :func:`combine` for one CSV.

What a regional office needs from an evaluation: where it stands against its masterplan
(:mod:`~smartcity_eval.analysis.targets`), whether it is on track
(:mod:`~smartcity_eval.analysis.trajectories`), what changed since last year and why
(:mod:`~smartcity_eval.analysis.changes`), how it compares with its peers
(:mod:`~smartcity_eval.analysis.peers`, :mod:`~smartcity_eval.analysis.strengths`), where its
self-assessment was too generous (:mod:`~smartcity_eval.analysis.verification`), and what to
fix first (:mod:`~smartcity_eval.analysis.priority`). Every output column is documented in
``docs/columns.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from smartcity_eval.analysis._frames import ANALYSES, COLUMNS, KEYS, depth, empty, sort_nodes
from smartcity_eval.analysis.changes import change, change_drivers
from smartcity_eval.analysis.peers import peer_comparison, peer_groups
from smartcity_eval.analysis.priority import priorities
from smartcity_eval.analysis.selection import check_selection
from smartcity_eval.analysis.strengths import strengths_weaknesses
from smartcity_eval.analysis.targets import target_gaps
from smartcity_eval.analysis.trajectories import trajectory
from smartcity_eval.analysis.verification import self_vs_verified
from smartcity_eval.errors import DataError, Problem, suggest
from smartcity_eval.io.frameworks import Framework, resolve_framework
from smartcity_eval.settings import ParameterError, Settings, dataset_settings

if TYPE_CHECKING:  # pragma: no cover
    from smartcity_eval.io.dataset import Dataset

__all__ = ["ANALYSES", "COLUMNS", "VERIFIED_SOURCES", "gap_report", "dataset_scores", "combine"]

#: Where the verified item scores of the self-assessment comparison come from.
VERIFIED_SOURCES: tuple[str, ...] = ("observations", "consensus")


def _has_observations(dataset: Dataset) -> bool:
    obs = dataset.observations
    return bool(len(obs)) and bool(obs["value"].notna().any())


def dataset_scores(
    dataset: Dataset,
    settings: Settings | None = None,
    framework: str | Framework | None = None,
) -> pd.DataFrame:
    """The scores the gap analysis of ``dataset`` starts from.

    :func:`smartcity_eval.scoring.engine.score_dataset` of the dataset (with ``settings``,
    default the dataset's own, and ``framework``, default ``settings.framework``) when it
    has observations; otherwise its published values (``published.csv``: ``region, year,
    code, score`` for the nodes of the framework), so that a dataset of published results
    only (e.g. Kota Kediri's final index 2021 and 2022) still gets targets, change
    ("tingkat improvement") and peers.

    Raises DataError when the dataset has neither.
    """
    settings = dataset_settings(dataset, settings)
    spec = framework if framework is not None else settings.framework
    if _has_observations(dataset):
        from smartcity_eval.scoring.engine import score_dataset

        return score_dataset(dataset, settings, framework=spec)
    fw = resolve_framework(spec, dataset)
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
    out["level"] = depth(fw, out["code"])
    return sort_nodes(out, fw)


def _self_table(
    dataset: Dataset, framework: Framework, settings: Settings, verified: str
) -> pd.DataFrame:
    """The self-assessment comparison, empty without assessments."""
    if not len(dataset.assessments):
        return empty("self")
    ver = dataset.observations if verified == "observations" else None
    return self_vs_verified(
        dataset.assessments, framework, ver, consensus_method=settings.consensus
    )


def _index_scores(
    dataset: Dataset, scores: pd.DataFrame, framework: Framework, settings: Settings
) -> tuple[Framework, pd.DataFrame]:
    """The headline tree (``settings.index_framework``, default ``framework``) and its
    scores: ``scores`` when they hold its nodes, else that tree scored (or its published
    values, for a dataset without observations)."""
    if settings.index_framework is None:
        return framework, scores
    ifw = resolve_framework(settings.index_framework, dataset)
    if ifw.name == framework.name or ifw.root in set(scores["code"]):
        return ifw, scores
    try:
        return ifw, dataset_scores(dataset, settings, ifw)
    except DataError:  # a published-only dataset without values of the headline tree
        return ifw, scores


def _with_index_rows(
    own: pd.DataFrame, index_rows: pd.DataFrame, framework: Framework, index_fw: Framework
) -> pd.DataFrame:
    """``own`` (a table of ``framework``) preceded by the rows of ``index_rows`` (the same
    analysis on the headline tree ``index_fw``) whose nodes ``framework`` does not have: the
    headline index (e.g. FINAL) and its dimensions; shared items are reported once, from
    ``framework``."""
    if index_fw.name == framework.name or index_rows.empty:
        return own
    extra = index_rows.loc[~index_rows["code"].isin(framework.nodes.index)]
    if extra.empty:
        return own
    if own.empty:
        return extra.reset_index(drop=True)
    return pd.concat([extra, own], ignore_index=True)


def _priority_table(
    scores: pd.DataFrame, framework: Framework, index: tuple[Framework, pd.DataFrame], top: int
) -> pd.DataFrame:
    """Priorities towards the root of the headline tree ``index`` (see :func:`_index_scores`;
    ``framework`` itself without an ``index_framework``)."""
    ifw, idx_scores = index
    if ifw.name == framework.name:
        return priorities(scores, framework, top=top)
    return priorities(idx_scores, ifw, top=top)


def _peer_table(
    dataset: Dataset, scores: pd.DataFrame, framework: Framework, settings: Settings
) -> pd.DataFrame:
    """Peers (``settings.peers``, else the regions of the same ``settings.peers_by`` group
    of regions.csv, else all), with the ranks within kind and province."""
    table = getattr(dataset, "region_table", None)
    peers = settings.peers if settings.peers is not None else peer_groups(table, settings.peers_by)
    return peer_comparison(scores, framework, peers=peers, region_table=table)


def _keep(
    tables: dict[str, pd.DataFrame], region: str | None, year: int | None
) -> dict[str, pd.DataFrame]:
    """Every table restricted to ``region`` and ``year`` (None = all)."""
    out = {}
    for name, table in tables.items():
        keep = pd.Series(True, index=table.index)
        if region is not None:
            keep &= table["region"] == region
        if year is not None:
            keep &= table["year"] == year
        out[name] = table.loc[keep].reset_index(drop=True)
    return out


def gap_report(
    dataset: Dataset,
    region: str | None = None,
    year: int | None = None,
    *,
    settings: Settings | None = None,
    scores: pd.DataFrame | None = None,
    top: int = 5,
    verified: str = "observations",
) -> dict[str, pd.DataFrame]:
    """Every gap analysis of a dataset, for one region and year or all of them.

    Parameters
    ----------
    dataset : a loaded :class:`~smartcity_eval.io.dataset.Dataset`.
    region : keep only this region's rows (all regions are still used as peers). Unknown
        region -> DataError suggesting the closest known one
        (:func:`smartcity_eval.analysis.selection.check_selection`).
    year : evaluation year: every table keeps that year's rows (the trajectory is judged as
        of that year; the change compares it with the previous evaluation). None (default):
        every year scored. Unknown year -> DataError listing the known years.
    settings : the method choices (default the dataset's own,
        :func:`smartcity_eval.settings.dataset_settings`). Used here: ``framework`` (the
        tree to score and analyse; default the dataset's primary tree), ``index_framework``
        (the tree whose root is the index to raise in ``priorities``, e.g.
        ``"kominfo_components"`` for the Kominfo final index; default ``framework``: its
        root is the index of the masterplan target, so ``targets`` and ``trajectory`` start
        with the rows of that tree's nodes the primary tree lacks, e.g. FINAL and the five
        dimensions),
        ``peers`` (see :func:`~smartcity_eval.analysis.peers.peer_comparison`),
        ``consensus`` (for ``verified="consensus"``) and the scoring choices.
    scores : precomputed scores of ``settings.framework`` (default :func:`dataset_scores`:
        the scored observations, or the published values of a dataset without observations).
    top : strengths/weaknesses per basis, and priorities listed, per region and year.
    verified : one of :data:`VERIFIED_SOURCES`: ``"observations"`` (the dataset's
        observations are the verified scores) or ``"consensus"`` (the assessors' consensus
        with ``settings.consensus``). Another value raises
        :class:`~smartcity_eval.settings.ParameterError`.

    Returns
    -------
    dict ``{name: DataFrame}`` with the keys of ``ANALYSES`` (targets, trajectory, change,
    drivers, peers, strengths, self, priorities), each with the columns of ``COLUMNS[name]``
    (documented in docs/columns.md); a table is empty (with its columns) when the dataset
    lacks what it needs (no targets, no assessments).
    """
    if verified not in VERIFIED_SOURCES:
        allowed = "one of: " + ", ".join(VERIFIED_SOURCES)
        raise ParameterError("verified", verified, allowed, suggest(verified, VERIFIED_SOURCES))
    settings = dataset_settings(dataset, settings)
    fw = resolve_framework(settings.framework, dataset)
    if scores is None:
        scores = dataset_scores(dataset, settings, fw)
    check_selection(scores["region"], scores["year"], region, year, peers=settings.peers or ())
    eval_year = int(year) if year is not None else None
    tables: dict[str, pd.DataFrame] = {}
    index = _index_scores(dataset, scores, fw, settings)
    ifw, idx_scores = index
    own_targets = target_gaps(scores, fw, dataset.targets)
    tables["targets"] = _with_index_rows(
        own_targets, target_gaps(idx_scores, ifw, dataset.targets), fw, ifw
    )
    tables["trajectory"] = _with_index_rows(
        trajectory(scores, fw, dataset.targets, years=eval_year),
        trajectory(idx_scores, ifw, dataset.targets, years=eval_year),
        fw,
        ifw,
    )
    tables["change"] = change(scores, fw)
    tables["drivers"] = change_drivers(scores, fw)
    tables["peers"] = _peer_table(dataset, scores, fw, settings)
    tables["strengths"] = strengths_weaknesses(tables["peers"], own_targets, fw, n=top)
    tables["self"] = _self_table(dataset, fw, settings, verified)
    tables["priorities"] = _priority_table(scores, fw, index, top)
    return _keep(tables, region, eval_year)


def combine(tables: Mapping[str, pd.DataFrame], what: Sequence[str]) -> pd.DataFrame:
    """One tidy table from several analyses: ``region, year, code, analysis`` and then the
    union of their other columns (empty where a column does not apply), for ``--out`` with
    more than one analysis. With one analysis, its table unchanged."""
    if len(what) == 1:
        return tables[what[0]]
    columns: list[str] = []
    for name in what:
        columns.extend(c for c in COLUMNS[name] if c not in columns)
    rest = [c for c in columns if c not in KEYS]
    parts = [
        tables[name].assign(analysis=name).reindex(columns=[*KEYS, "analysis", *rest])
        for name in what
        if len(tables[name])
    ]
    if not parts:
        return pd.DataFrame(columns=[*KEYS, "analysis", *rest])
    out = pd.concat(parts, ignore_index=True)
    for column in rest:  # integers and booleans stay so around the empty cells
        kinds = [tables[n][column].dtype for n in what if column in tables[n] and len(tables[n])]
        if kinds and all(pd.api.types.is_bool_dtype(k) for k in kinds):
            out[column] = out[column].astype("boolean")
        elif kinds and all(pd.api.types.is_integer_dtype(k) for k in kinds):
            out[column] = out[column].astype("Int64")
    return out
