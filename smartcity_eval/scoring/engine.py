"""Scoring: from indicator values to a score for every node, region and year.

The pipeline follows the OECD/JRC *Handbook on Constructing Composite Indicators* (2008)
and the JRC's COINr (``Impute`` -> ``Treat`` -> ``Normalise`` -> ``Aggregate``):

1. optional imputation (:mod:`smartcity_eval.scoring.impute`), flagged ``imputed``;
2. optional outlier treatment as COINr's ``Treat`` (:mod:`smartcity_eval.scoring.outliers`),
   flagged ``treated``;
3. normalisation per indicator within the scope (:mod:`smartcity_eval.scoring.normalise`);
4. aggregation up the tree (:mod:`smartcity_eval.scoring.aggregate`);
5. ranks within each year and node (1 = best, ties share the lowest rank, "min", ties to
   9 decimals: :func:`smartcity_eval.scoring.ranks.rank_min`), and predicate bands
   (:mod:`smartcity_eval.scoring.bands`, the same tolerance).

Public API
----------
``score(observations, framework, **options)`` -> tidy scores (see :func:`score`).
``score_dataset(dataset, settings=None, *, framework=None, columns=None)`` -> the same with
the dataset's settings (``columns``: only the columns asked for, :mod:`~smartcity_eval.scoring.table`).
``contributions(scores, framework)`` -> what each child adds to its (scored) parent.
``effective_weights(framework)`` -> each node's share of the index.
``round_half_up(x, digits)`` -> the rounding used to print scores like publications.

The array kernels for heavy use (uncertainty analysis with a leading replication axis) are
:func:`normalise_cube` (over :func:`smartcity_eval.scoring.normalise.normalise_array`),
:func:`smartcity_eval.scoring.aggregate.aggregate_array` and its plan, and the weighted-mean
kernel :mod:`smartcity_eval.scoring.means`; :func:`indicator_cube` gives the
``[years, regions, indicators]`` array that :func:`score` starts from.
"""

from __future__ import annotations

import decimal
import math
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.io.frameworks import Framework, resolve_framework
from smartcity_eval.io.keys import KeyCodes
from smartcity_eval.scoring.aggregate import AggregationPlan, aggregate_node_major, node_methods
from smartcity_eval.scoring.cube import IndicatorCube, indicator_cube
from smartcity_eval.scoring.normalise import normalise_array
from smartcity_eval.scoring.ranks import rank_min
from smartcity_eval.scoring.table import SCORE_COLUMNS, assemble, score_columns
from smartcity_eval.settings import Settings, dataset_settings

__all__ = [
    "score",
    "score_dataset",
    "contributions",
    "effective_weights",
    "round_half_up",
    "indicator_cube",
    "IndicatorCube",
    "target_cube",
    "normalise_cube",
    "is_off",
    "SCORE_COLUMNS",
]


def target_cube(
    cube: IndicatorCube, framework: Framework, targets: pd.DataFrame | None
) -> np.ndarray:
    """Targets per cell: region-specific rows of ``targets`` win over ``*`` rows, which win
    over the framework's default ``target``. A target applies to its own year only."""
    n_y, n_r, n_i = cube.values.shape
    default = framework.nodes["target"].reindex(cube.indicators).to_numpy(dtype=float)
    T = np.broadcast_to(default, (n_y, n_r, n_i)).copy()
    if targets is None or len(targets) == 0:
        return T
    t = targets[targets["code"].astype(str).isin(cube.indicators)]
    if t.empty:
        return T
    ipos = pd.Index(cube.indicators).get_indexer(t["code"].astype(str))
    ypos = pd.Index(cube.years).get_indexer(pd.to_numeric(t["year"]).astype(int))
    val = pd.to_numeric(t["target"], errors="coerce").to_numpy(dtype=float)
    region = t["region"].astype(str).to_numpy()
    ok = (ypos >= 0) & ~np.isnan(val)
    star = ok & (region == "*")
    for y, i, v in zip(ypos[star], ipos[star], val[star], strict=True):
        T[y, :, i] = v
    rpos = pd.Index(cube.regions).get_indexer(region)
    own = ok & (region != "*") & (rpos >= 0)
    T[ypos[own], rpos[own], ipos[own]] = val[own]
    return T


def is_off(value: Any) -> bool:
    """Whether an optional step's option (``impute``, ``outliers``) means "off": None,
    False, or the text ``none``/``false``/``no``/empty."""
    return (
        value is None
        or value is False
        or (isinstance(value, str) and value.lower() in ("none", "", "false", "no"))
    )


def score(
    observations: pd.DataFrame,
    framework: Framework,
    *,
    normalise: str = "minmax",
    range: tuple[float, float] = (0.0, 100.0),  # noqa: A002 - the option's name (Settings.range)
    aggregate: str | Mapping = "arithmetic",
    scope: str = "year",
    min_coverage: float = 0.0,
    impute: str | None = None,
    outliers: bool | Mapping = False,
    groups: Mapping[str, str] | None = None,
    targets: pd.DataFrame | None = None,
    bands: pd.DataFrame | None = None,
    columns: Sequence[str] | str | None = None,
) -> pd.DataFrame:
    """Score every node of ``framework`` for every region and year of ``observations``.

    Parameters
    ----------
    observations : tidy ``region, year, indicator, value`` (value float, NaN = missing).
        Rows of indicators not in the framework are ignored.
    framework : the tree.
    normalise : ``none | minmax | zscore | goalposts | rank | target`` (see
        :mod:`smartcity_eval.scoring.normalise`).
    range : ``(lo, hi)`` output range of minmax, goalposts, rank and target.
    aggregate : ``arithmetic | geometric | harmonic``, or a dict ``{depth or code: method}``
        (also the CLI form ``"1=arithmetic,2=geometric"``); see :mod:`smartcity_eval.scoring.aggregate`.
    scope : ``"year"`` normalises (and imputes, treats) within each year; ``"all"`` pools
        all years so that scores compare across years.
    min_coverage : 0-1; an aggregate whose weighted share of children present is below this
        is missing.
    impute : None (off) or ``mean | median | group_mean | last | interpolate``.
    outliers : False (off), True (COINr's default treatment) or a dict of ``winmax``,
        ``skew_thresh``, ``kurt_thresh``.
    groups : region -> peer group, for ``impute="group_mean"``.
    targets : ``region, year, code, target`` (region ``*`` = all) for ``normalise="target"``.
    bands : ``label, lower, upper[, code]``; default the framework's bands.
    columns : None (every column of :data:`SCORE_COLUMNS`) or the columns wanted, e.g.
        ``["score"]``; ``region, year, code`` are always there. What is not asked for is
        not computed (a national table's ranks cost more than its scores):
        :func:`smartcity_eval.scoring.table.score_columns`.

    Returns
    -------
    DataFrame with :data:`SCORE_COLUMNS` (or those of ``columns``, in that order), one row
    per region-year present in the data and node (file order of the framework), sorted by
    region, year:

    - ``level``: depth of the node (0 = the index);
    - ``score``: indicators: the normalised value; aggregates: the weighted mean;
    - ``rank``: within (year, code), 1 = best, ties "min" (nullable integer);
    - ``band``: the predicate band ("" when none);
    - ``coverage``: weighted share (0-1) of the children present (indicators: 1 or 0);
    - ``raw``: indicators: the value before treatment and normalisation (after imputation);
    - ``imputed``, ``treated``: whether the indicator cell was imputed / treated.

    Raises
    ------
    ParameterError : an argument outside its allowed values (unknown method, range not
        ``lo < hi``, min_coverage outside 0-1, a column the table does not have...), as
        :class:`~smartcity_eval.settings.Settings`.
    DataError : goalposts without bounds, missing targets, values <= 0 under a
        geometric/harmonic mean (naming region, year, node and value), an aggregation
        naming a node the framework does not have.
    ParameterError : ``normalise`` of ``none``, ``goalposts`` or ``target`` after the
        outlier treatment log-transformed an indicator (its bounds and targets are in raw
        units; :func:`smartcity_eval.scoring.outliers.check_log_treatment`).
    """
    return _score(
        observations,
        framework,
        None,
        normalise=normalise,
        range=range,
        aggregate=aggregate,
        scope=scope,
        min_coverage=min_coverage,
        impute=impute,
        outliers=outliers,
        groups=groups,
        targets=targets,
        bands=bands,
        columns=columns,
    )


def _score(
    observations: pd.DataFrame,
    framework: Framework,
    keys: KeyCodes | None,
    *,
    normalise: str,
    range: tuple[float, float],  # noqa: A002 - the option's name
    aggregate: str | Mapping,
    scope: str,
    min_coverage: float,
    impute: str | None,
    outliers: bool | Mapping,
    groups: Mapping[str, str] | None,
    targets: pd.DataFrame | None,
    bands: pd.DataFrame | None,
    columns: Sequence[str] | str | None = None,
) -> pd.DataFrame:
    """:func:`score`, with the loader's key codes ``keys`` (None: factorise)."""
    columns = score_columns(columns)
    # the arguments are checked by the one set of validators (Settings' own)
    checked = Settings(
        normalise=normalise,
        range=range,
        scope=scope,
        min_coverage=0.0 if min_coverage is None else min_coverage,
        impute=None if is_off(impute) else str(impute),
        outliers=outliers if isinstance(outliers, Mapping) else bool(not is_off(outliers)),
    )
    lo, hi = checked.range
    min_coverage = checked.min_coverage
    methods = node_methods(framework, aggregate)
    cube = indicator_cube(observations, framework, keys=keys)
    X = cube.values
    imputed = np.zeros(X.shape, dtype=bool)
    if not is_off(impute):
        from smartcity_eval.scoring.impute import groups_array, impute_cube

        X, imputed = impute_cube(
            X,
            str(impute),
            present=cube.present,
            years=cube.years,
            groups=groups_array(cube.regions, groups) if groups is not None else None,
            scope=scope,
        )
    raw = X
    treated = np.zeros(X.shape, dtype=bool)
    if not is_off(outliers):
        from smartcity_eval.scoring.outliers import check_log_treatment, treat_cube

        params = dict(outliers) if isinstance(outliers, Mapping) else {}
        X, treated, details = treat_cube(X, present=cube.present, scope=scope, **params)
        check_log_treatment(details, normalise, cube.indicators, cube.years)

    N = normalise_cube(X, cube, framework, normalise, range=(lo, hi), scope=scope, targets=targets)
    _warn_degenerate(N, X, cube, normalise)

    def label(index: tuple[int, ...]) -> str:
        y, r = index
        return f"region {cube.regions[r]}, year {cube.years[y]}"

    # node-major [nodes, years, regions]: each rank row is contiguous, one transpose out
    S, C = aggregate_node_major(
        N,
        AggregationPlan(framework, methods),
        min_coverage,
        return_coverage="coverage" in columns,
        unit_label=label,
    )
    del N  # in S; each big array is let go once used (the peak memory of a national table)
    if not cube.present.all():
        S = np.where(cube.present[None], S, np.nan)
    arrays = {"score": S, "coverage": C, "raw": raw, "imputed": imputed, "treated": treated}
    if "rank" in columns:
        arrays["rank"] = rank_min(S, axis=-1)  # ties to TIE_DECIMALS (scoring/ranks.py)
    del S, C, raw, imputed, treated, X
    return assemble(cube, framework, arrays, bands, columns)


def normalise_cube(
    X: np.ndarray,
    cube: IndicatorCube,
    framework: Framework,
    method: str,
    *,
    range: tuple[float, float] = (0.0, 100.0),  # noqa: A002 - the option's name
    scope: str = "year",
    targets: pd.DataFrame | None = None,
) -> np.ndarray:
    """Normalise the (imputed, treated) values ``X[years, regions, indicators]`` of ``cube``
    with ``method`` (:func:`smartcity_eval.scoring.normalise.normalise_array`), within each
    year (``scope="year"``) or over all region-years pooled (``scope="all"``). Directions
    and goalposts come from ``framework``; targets from ``targets``
    (:func:`target_cube`). The scorer and the uncertainty analysis both normalise here."""
    n_y, n_r, n_i = X.shape
    nodes = framework.nodes.loc[cube.indicators]
    kwargs: dict[str, Any] = dict(
        direction=nodes["direction"].to_numpy(dtype=float),
        lower=nodes["lower"].to_numpy(dtype=float),
        upper=nodes["upper"].to_numpy(dtype=float),
        range=(float(range[0]), float(range[1])),
        names=cube.indicators,
    )
    if method == "target":
        kwargs["target"] = target_cube(cube, framework, targets)
    if scope != "all":
        return normalise_array(X, method, axis=-2, **kwargs)
    if "target" in kwargs:
        kwargs["target"] = kwargs["target"].reshape(1, n_y * n_r, n_i)
    flat = X.reshape(1, n_y * n_r, n_i)
    return normalise_array(flat, method, axis=-2, **kwargs).reshape(n_y, n_r, n_i)


def _warn_degenerate(N: np.ndarray, X: np.ndarray, cube: IndicatorCube, method: str) -> None:
    if method not in ("minmax", "zscore", "rank"):
        return
    lost = ~np.isnan(X) & np.isnan(N) & cube.present[:, :, None]
    if lost.any():
        codes = sorted({cube.indicators[i] for i in np.nonzero(lost)[2]})
        shown = ", ".join(codes[:8]) + (" ..." if len(codes) > 8 else "")
        warnings.warn(
            f"{method} normalisation left {int(lost.sum())} values of {len(codes)} indicator(s) "
            f"missing because the indicator does not vary within the scope ({shown}); "
            "use --scope all, --normalise goalposts or none",
            RuntimeWarning,
            stacklevel=3,
        )


def score_dataset(
    dataset,
    settings: Settings | None = None,
    *,
    framework: Framework | str | Path | None = None,
    columns: Sequence[str] | str | None = None,
) -> pd.DataFrame:
    """Score a loaded :class:`~smartcity_eval.io.dataset.Dataset`.

    ``settings`` defaults to the dataset's own (its dataset.toml ``[methods]`` over the
    library defaults, :func:`smartcity_eval.settings.dataset_settings`). ``framework`` is
    None (``settings.framework``, else the dataset's primary tree), a Framework, the name of
    one of ``dataset.frameworks``, or a framework name/path
    (:func:`smartcity_eval.io.frameworks.resolve_framework`). The normalisation, when the
    settings leave it open, is the framework's default (:meth:`Settings.normalise_for`).
    Targets are the dataset's targets table; bands the dataset's bands for the primary tree
    and the tree's own bands otherwise. ``columns``: as :func:`score` (None: every column).
    """
    settings = dataset_settings(dataset, settings)
    fw = resolve_framework(framework if framework is not None else settings.framework, dataset)
    return _score(
        dataset.observations,
        fw,
        getattr(dataset, "observation_keys", None),
        **settings.score_options(fw),
        targets=dataset.targets,
        bands=dataset.bands if fw is dataset.framework else fw.bands,
        columns=columns,
    )


def effective_weights(framework: Framework) -> pd.DataFrame:
    """Each node's effective weight: the product, up the tree, of weight / sum of sibling
    weights (COINr ``get_eff_weights``). Indicators' weights sum to 1.

    Columns: code, level, effective_weight (file order).
    """
    ew = framework.effective_weights.reindex(framework.nodes.index)
    return pd.DataFrame(
        {
            "code": pd.array([str(c) for c in framework.nodes.index], dtype="str"),
            "level": framework.nodes["depth"].to_numpy(dtype=np.int64),
            "effective_weight": ew.to_numpy(dtype=float),
        }
    )


def contributions(scores: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """What each child adds to its parent's score.

    For every region, year and non-root node with a score whose parent has a score too (a
    parent missing for low coverage lists no children): ``weight`` = its local weight
    renormalised over the siblings present (scored) in that region-year, and
    ``contribution = weight x score``. For arithmetic means the contributions of a
    parent's children sum to the parent's score; for geometric and harmonic means they do
    not (the weights are still the ones used).

    Columns: region, year, parent, code, weight, score, contribution.
    """
    parent = framework.nodes["parent"]
    w = framework.nodes["weight"].astype(float)
    s = scores.loc[:, ["region", "year", "code", "score"]]
    scored = s.loc[s["score"].notna(), ["region", "year", "code"]]
    s = s[s["code"].isin(parent.index[parent != ""]) & s["score"].notna()].copy()
    s["parent"] = parent.reindex(s["code"]).to_numpy()
    # only children of a parent that has a score (a parent below min_coverage adds nothing)
    s = s.merge(
        scored.rename(columns={"code": "parent"}), on=["region", "year", "parent"], how="inner"
    )
    s["_w"] = w.reindex(s["code"]).to_numpy()
    total = s.groupby(["region", "year", "parent"], sort=False)["_w"].transform("sum")
    s["weight"] = s["_w"] / total
    s["contribution"] = s["weight"] * s["score"]
    return s[["region", "year", "parent", "code", "weight", "score", "contribution"]].reset_index(
        drop=True
    )


def round_half_up(x: float, digits: int = 2) -> float:
    """Round like a person (and Excel's ROUND): half away from zero on the *decimal* value.

    The decimal value is the shortest text that reads back as the same float (``repr``),
    after trimming binary noise at 12 significant digits. So ``round_half_up(3.315, 2)``
    is 3.32, where Python's ``round(3.315, 2)`` gives 3.31 because the double nearest
    3.315 is 3.31499999999999994671... (below the half). NaN stays NaN.
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return math.nan
    text = f"{float(x):.12g}"
    q = decimal.Decimal(1).scaleb(-digits)
    return float(decimal.Decimal(text).quantize(q, rounding=decimal.ROUND_HALF_UP))
