"""Scoring: from indicator values to a score for every node, region and year.

The pipeline follows the OECD/JRC *Handbook on Constructing Composite Indicators* (2008)
and the JRC's COINr (``Impute`` -> ``Treat`` -> ``Normalise`` -> ``Aggregate``):

1. optional imputation (:mod:`smartcity_eval.scoring.impute`), flagged ``imputed``;
2. optional outlier treatment as COINr's ``Treat`` (:mod:`smartcity_eval.scoring.outliers`),
   flagged ``treated``;
3. normalisation per indicator within the scope (:mod:`smartcity_eval.scoring.normalise`);
4. aggregation up the tree (:mod:`smartcity_eval.scoring.aggregate`);
5. ranks within each year and node (1 = best, ties share the lowest rank, "min"), and
   predicate bands (:mod:`smartcity_eval.scoring.bands`).

Public API
----------
``score(observations, framework, **options)`` -> tidy scores (see :func:`score`).
``score_dataset(dataset, framework=None, **options)`` -> the same with the dataset's defaults.
``contributions(scores, framework)`` -> what each child adds to its parent.
``effective_weights(framework)`` -> each node's share of the index.
``round_half_up(x, digits)`` -> the rounding used to print scores like publications.

The array kernels for heavy use (uncertainty analysis with a leading replication axis) are
:func:`smartcity_eval.scoring.normalise.normalise_array` and
:func:`smartcity_eval.scoring.aggregate.aggregate_array`; :func:`indicator_cube` gives the
``[years, regions, indicators]`` array that :func:`score` starts from.
"""

from __future__ import annotations

import decimal
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.errors import DataError, Problem, did_you_mean
from smartcity_eval.io.frameworks import Framework, resolve_framework
from smartcity_eval.scoring.aggregate import AggregationPlan, aggregate_array, node_methods
from smartcity_eval.scoring.bands import band_codes
from smartcity_eval.scoring.normalise import METHODS as NORMALISE_METHODS
from smartcity_eval.scoring.normalise import _min_ranks, normalise_array

__all__ = [
    "score",
    "score_dataset",
    "contributions",
    "effective_weights",
    "round_half_up",
    "indicator_cube",
    "IndicatorCube",
    "rank_min",
    "default_normalisation",
    "resolve_options",
    "resolve_framework",
    "target_cube",
    "SCORE_COLUMNS",
]

#: Columns of the table :func:`score` returns, in order.
SCORE_COLUMNS = [
    "region",
    "year",
    "code",
    "level",
    "score",
    "rank",
    "band",
    "coverage",
    "raw",
    "imputed",
    "treated",
]

OPTION_KEYS = ("normalise", "range", "aggregate", "scope", "min_coverage", "impute", "outliers")


@dataclass
class IndicatorCube:
    """Indicator values as a dense array.

    values : ``[n_years, n_regions, n_indicators]`` floats, NaN = missing.
    present : ``[n_years, n_regions]`` bool, the region-years present in the observations.
    years, regions, indicators : the labels of the three axes (years and regions sorted,
        indicators in framework order).
    """

    values: np.ndarray
    present: np.ndarray
    years: list[int]
    regions: list[str]
    indicators: list[str]


def indicator_cube(observations: pd.DataFrame, framework: Framework) -> IndicatorCube:
    """Pivot tidy observations (region, year, indicator, value) onto a dense array.

    Only the framework's indicators are used; rows of other indicators are ignored (they
    may belong to another tree over the same data). A region-year is *present* when it has
    at least one row for one of the framework's indicators (even with an empty value).

    Raises DataError when a region, year and indicator appear twice, or when no row
    concerns the framework.
    """
    inds = framework.indicators
    code_index = pd.Index(inds)
    ind_pos = code_index.get_indexer(observations["indicator"].astype(str))
    keep = ind_pos >= 0
    if not keep.any():
        raise DataError(
            Problem(
                None,
                None,
                "indicator",
                f"no observation concerns an indicator of the framework '{framework.name}'",
                "check that observations.csv uses the indicator codes of framework.csv",
                f"tidak ada observasi untuk indikator kerangka '{framework.name}'",
            )
        )
    obs = observations.loc[keep]
    ind_pos = ind_pos[keep]
    region_codes, regions = pd.factorize(obs["region"].astype(str), sort=True)
    year_values = pd.to_numeric(obs["year"]).to_numpy().astype(np.int64)
    years = np.sort(pd.unique(year_values))
    year_pos = np.searchsorted(years, year_values)
    n_y, n_r, n_i = len(years), len(regions), len(inds)
    flat = (year_pos * n_r + region_codes) * n_i + ind_pos
    if np.bincount(flat, minlength=n_y * n_r * n_i).max(initial=0) > 1:
        dup = pd.Series(flat).duplicated(keep=False).to_numpy()
        first = obs.loc[dup].iloc[0]
        raise DataError(
            Problem(
                None,
                None,
                "indicator",
                f"value given twice for region={first['region']}, year={first['year']}, "
                f"indicator={first['indicator']}",
                "keep one row per region, year and indicator",
            )
        )
    values = np.full(n_y * n_r * n_i, np.nan)
    values[flat] = pd.to_numeric(obs["value"], errors="coerce").to_numpy(dtype=float)
    present = np.zeros(n_y * n_r, dtype=bool)
    present[year_pos * n_r + region_codes] = True
    return IndicatorCube(
        values=values.reshape(n_y, n_r, n_i),
        present=present.reshape(n_y, n_r),
        years=[int(y) for y in years],
        regions=[str(r) for r in regions],
        indicators=list(inds),
    )


def rank_min(X: np.ndarray, axis: int = -2, descending: bool = True) -> np.ndarray:
    """Competition ranks along ``axis``: 1 = the highest value (``descending``), ties share
    the lowest rank (R/pandas ``ties.method = "min"``); NaN stays NaN."""
    X = np.asarray(X, dtype=float)
    moved = np.moveaxis(-X if descending else X, axis, -1)
    ranks = _min_ranks(moved)
    ranks[np.isnan(moved)] = np.nan
    return np.moveaxis(ranks, -1, axis)


def _target_cube(
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


def _check_choice(value: Any, name: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise DataError(
            Problem(
                None,
                None,
                name,
                f"unknown {name} '{value}'",
                did_you_mean(value, list(choices)),
            )
        )


def _off(value: Any) -> bool:
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
    range: tuple[float, float] = (0.0, 100.0),  # noqa: A002 - the SPEC's option name
    aggregate: str | Mapping = "arithmetic",
    scope: str = "year",
    min_coverage: float = 0.0,
    impute: str | None = None,
    outliers: bool | Mapping = False,
    groups: Mapping[str, str] | None = None,
    targets: pd.DataFrame | None = None,
    bands: pd.DataFrame | None = None,
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

    Returns
    -------
    DataFrame with :data:`SCORE_COLUMNS`, one row per region-year present in the data and
    node (file order of the framework), sorted by region, year:

    - ``level``: depth of the node (0 = the index);
    - ``score``: indicators: the normalised value; aggregates: the weighted mean;
    - ``rank``: within (year, code), 1 = best, ties "min" (nullable integer);
    - ``band``: the predicate band ("" when none);
    - ``coverage``: weighted share (0-1) of the children present (indicators: 1 or 0);
    - ``raw``: indicators: the value before treatment and normalisation (after imputation);
    - ``imputed``, ``treated``: whether the indicator cell was imputed / treated.

    Raises
    ------
    DataError : unknown methods, goalposts without bounds, missing targets, values <= 0
        under a geometric/harmonic mean (naming region, year, node and value).
    """
    _check_choice(normalise, "normalise", NORMALISE_METHODS)
    _check_choice(scope, "scope", ("year", "all"))
    try:
        lo, hi = (float(v) for v in range)
    except (TypeError, ValueError):
        raise DataError(
            Problem(None, None, "range", f"range {range!r} is not two numbers", "e.g. 0 100")
        ) from None
    if not lo < hi:
        raise DataError(
            Problem(None, None, "range", f"range {lo:g} {hi:g}: LO must be below HI", "e.g. 0 100")
        )
    min_coverage = float(min_coverage or 0.0)
    if not 0.0 <= min_coverage <= 1.0:
        raise DataError(
            Problem(
                None,
                None,
                "min_coverage",
                f"min_coverage {min_coverage:g} is not between 0 and 1",
                "e.g. 0.5 for half of the weight",
            )
        )
    methods = node_methods(framework, aggregate)
    cube = indicator_cube(observations, framework)
    X = cube.values
    n_y, n_r, n_i = X.shape
    imputed = np.zeros(X.shape, dtype=bool)
    if not _off(impute):
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
    if not _off(outliers):
        from smartcity_eval.scoring.outliers import treat_cube

        params = dict(outliers) if isinstance(outliers, Mapping) else {}
        X, treated, _ = treat_cube(X, present=cube.present, scope=scope, **params)

    nodes = framework.nodes.loc[cube.indicators]
    kwargs = dict(
        direction=nodes["direction"].to_numpy(dtype=float),
        lower=nodes["lower"].to_numpy(dtype=float),
        upper=nodes["upper"].to_numpy(dtype=float),
        range=(lo, hi),
        names=cube.indicators,
    )
    if normalise == "target":
        kwargs["target"] = _target_cube(cube, framework, targets)
    if scope == "all":
        flat = X.reshape(1, n_y * n_r, n_i)
        if "target" in kwargs:
            kwargs["target"] = kwargs["target"].reshape(1, n_y * n_r, n_i)
        N = normalise_array(flat, normalise, axis=-2, **kwargs).reshape(n_y, n_r, n_i)
    else:
        N = normalise_array(X, normalise, axis=-2, **kwargs)
    _warn_degenerate(N, X, cube, normalise)

    def label(index: tuple[int, ...]) -> str:
        y, r = index
        return f"region {cube.regions[r]}, year {cube.years[y]}"

    S, C = aggregate_array(
        N,
        framework,
        min_coverage=min_coverage,
        return_coverage=True,
        unit_label=label,
        aggregation_plan=AggregationPlan(framework, methods),
    )
    present3 = cube.present[:, :, None]
    S = np.where(present3, S, np.nan)
    R = rank_min(S, axis=1)
    return _assemble(cube, framework, S, C, R, raw, imputed, treated, bands)


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


def _assemble(cube, framework, S, C, R, raw, imputed, treated, bands) -> pd.DataFrame:
    codes = np.asarray([str(c) for c in framework.nodes.index], dtype=object)
    n_nodes = len(codes)
    depth = framework.nodes["depth"].to_numpy(dtype=np.int64)
    ind_pos = pd.Index(codes).get_indexer(cube.indicators)
    # region-major order: [regions, years, nodes]
    pres = cube.present.T
    r_idx, y_idx = np.nonzero(pres)
    n_pairs = len(r_idx)

    def take(a: np.ndarray) -> np.ndarray:
        return np.swapaxes(a, 0, 1)[r_idx, y_idx].reshape(-1)

    def on_nodes(a: np.ndarray, fill) -> np.ndarray:
        full = np.full(a.shape[:2] + (n_nodes,), fill, dtype=a.dtype)
        full[..., ind_pos] = a
        return full

    years = np.asarray(cube.years, dtype=np.int64)
    node_idx = np.tile(np.arange(n_nodes), n_pairs)
    score_v = take(S)
    rank_v = take(R)
    band_idx, band_names = band_codes(
        score_v, codes[node_idx], bands if bands is not None else framework.bands, framework.root
    )
    # text columns by taking from the few distinct values (no per-cell string conversion)
    out = pd.DataFrame(
        {
            "region": pd.array(cube.regions, dtype="str").take(np.repeat(r_idx, n_nodes)),
            "year": np.repeat(years[y_idx], n_nodes),
            "code": pd.array(list(codes), dtype="str").take(node_idx),
            "level": depth[node_idx],
            "score": score_v,
            "rank": pd.array(rank_v, dtype="Float64").astype("Int64"),
            "band": pd.array(band_names, dtype="str").take(band_idx),
            "coverage": take(C),
            "raw": take(on_nodes(raw, np.nan)),
            "imputed": take(on_nodes(imputed, False)),
            "treated": take(on_nodes(treated, False)),
        }
    )
    return out


def default_normalisation(framework: Framework) -> str:
    """SPEC section 2: ``goalposts`` where every indicator has lower and upper, else ``minmax``."""
    nodes = framework.nodes.loc[framework.indicators]
    return (
        "goalposts" if nodes["lower"].notna().all() and nodes["upper"].notna().all() else "minmax"
    )


def _resolve_framework(dataset, framework: Framework | str | Path | None) -> Framework:
    return resolve_framework(framework, dataset)


def resolve_options(dataset, framework: Framework, **options: Any) -> dict[str, Any]:
    """The options :func:`score_dataset` passes to :func:`score`: the dataset's
    ``[methods]`` overridden by ``options`` (``None`` = not given), with SPEC defaults."""
    methods = dict(dataset.meta.get("methods", {})) if dataset is not None else {}
    merged: dict[str, Any] = {k: methods[k] for k in OPTION_KEYS if k in methods}
    merged.update({k: v for k, v in options.items() if v is not None})
    if "normalise" not in merged:
        merged["normalise"] = default_normalisation(framework)
    if "range" in merged:
        merged["range"] = tuple(float(v) for v in merged["range"])
    return merged


def score_dataset(
    dataset, framework: Framework | str | Path | None = None, **options: Any
) -> pd.DataFrame:
    """Score a loaded :class:`~smartcity_eval.io.dataset.Dataset`.

    ``framework`` is None (the dataset's primary tree), a Framework, the name of one of
    ``dataset.frameworks``, or a framework name/path for :func:`load_framework`. Defaults
    come from ``dataset.meta["methods"]`` (normalise, range, aggregate, scope,
    min_coverage, impute, outliers); ``options`` (any keyword of :func:`score`) override
    them, ``None`` meaning "not given". Without a normalisation anywhere: ``goalposts``
    when every indicator has lower and upper bounds, else ``minmax`` (SPEC section 2).
    Targets default to the dataset's targets table; bands to the dataset's bands for the
    primary tree and the tree's own bands otherwise.
    """
    fw = _resolve_framework(dataset, framework)
    opts = resolve_options(dataset, fw, **options)
    opts.setdefault("targets", dataset.targets)
    if "bands" not in opts:
        opts["bands"] = dataset.bands if fw is dataset.framework else fw.bands
    return score(dataset.observations, fw, **opts)


#: Public names of helpers other modules use (uncertainty, sensitivity, gaps).
target_cube = _target_cube


def effective_weights(framework: Framework) -> pd.DataFrame:
    """Each node's effective weight: the product, up the tree, of weight / sum of sibling
    weights (SPEC section 3; COINr ``get_eff_weights``). Indicators' weights sum to 1.

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

    For every region, year and non-root node with a score: ``weight`` = its local weight
    renormalised over the siblings present (scored) in that region-year, and
    ``contribution = weight x score``. For arithmetic means the contributions of a
    parent's children sum to the parent's score; for geometric and harmonic means they do
    not (the weights are still the ones used).

    Columns: region, year, parent, code, weight, score, contribution.
    """
    parent = framework.nodes["parent"]
    w = framework.nodes["weight"].astype(float)
    s = scores.loc[:, ["region", "year", "code", "score"]]
    s = s[s["code"].isin(parent.index[parent != ""]) & s["score"].notna()].copy()
    s["parent"] = parent.reindex(s["code"]).to_numpy()
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
