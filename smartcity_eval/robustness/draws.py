"""Preparing an uncertainty analysis and decoding its replications.

:func:`prepare` imputes, treats and normalises every alternative once with the scorer's
own kernels (:func:`~smartcity_eval.scoring.engine.normalise_cube`) and plans the tree's
aggregation (:class:`~smartcity_eval.scoring.aggregate.AggregationPlan`);
:func:`decode` maps a sample of the unit hypercube to replications (:class:`Draws`),
COINr's ``sample_2_para`` for discrete choices and ``get_noisy_weights`` for weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.robustness.choices import Choices, NormSpec, aggregate_label
from smartcity_eval.scoring.aggregate import AggregationPlan, node_methods
from smartcity_eval.scoring.engine import indicator_cube, is_off, normalise_cube
from smartcity_eval.scoring.impute import groups_array, impute_cube
from smartcity_eval.scoring.outliers import check_log_treatment

__all__ = ["Prepared", "prepare", "Draws", "decode", "nominal_draws"]


# ----------------------------------------------------------------------------- prepare
@dataclass(eq=False)
class Prepared:
    """Everything that does not change between replications.

    Attributes
    ----------
    framework, choices, options : as given.
    units : DataFrame ``region, year`` of the analysed region-years (present in the data).
    year_groups : for each analysed year, the unit positions (in ``units``) of that year.
    Z : ``[n_impute, n_normalise, n_units, n_indicators]`` normalised indicator values
        of every (imputation, normalisation) alternative, NaN = missing.
    weights : nominal raw weights per node (``framework.nodes`` order).
    noisy : positions of the nodes whose weights get noise.
    plans : one :class:`~smartcity_eval.scoring.aggregate.AggregationPlan` per aggregation
        alternative.
    """

    framework: Framework
    choices: Choices
    options: dict[str, Any]
    units: pd.DataFrame
    year_groups: dict[int, np.ndarray]
    Z: np.ndarray
    weights: np.ndarray
    noisy: np.ndarray
    plans: list[AggregationPlan]
    is_leaf: np.ndarray = field(repr=False)
    agg_slot: np.ndarray = field(repr=False)

    @property
    def n_units(self) -> int:
        return len(self.units)

    @property
    def factors(self) -> list[tuple[str, int]]:
        """The uncertain inputs as ``(name, number of hypercube columns)``, in column order."""
        c = self.choices
        out: list[tuple[str, int]] = []
        if c.weight_noise > 0 and len(self.noisy):
            out.append(("weights", len(self.noisy)))
        if len(c.normalise) > 1:
            out.append(("normalise", 1))
        if len(c.aggregate) > 1:
            out.append(("aggregate", 1))
        if len(c.impute) > 1:
            out.append(("impute", 1))
        if c.drop_indicator:
            out.append(("drop_indicator", 1))
        return out

    @property
    def dimension(self) -> int:
        """Number of columns of the unit hypercube sample."""
        return int(sum(n for _, n in self.factors))

    def code_position(self, code: str) -> int:
        codes = list(self.framework.nodes.index)
        if code not in codes:
            from smartcity_eval.errors import did_you_mean

            raise DataError(
                Problem(None, None, "code", f"unknown node '{code}'", did_you_mean(code, codes))
            )
        return codes.index(code)


def _normalised(
    X: np.ndarray, cube, framework: Framework, spec: NormSpec, options: Mapping[str, Any]
) -> np.ndarray:
    """Normalise the imputed/treated cube as :func:`scoring.score` does
    (:func:`~smartcity_eval.scoring.engine.normalise_cube`), then map a z-score to
    ``spec.mean_sd``."""
    rng = spec.range if spec.range is not None else tuple(options.get("range", (0.0, 100.0)))
    N = normalise_cube(
        X,
        cube,
        framework,
        spec.method,
        range=(float(rng[0]), float(rng[1])),
        scope=options.get("scope", "year"),
        targets=options.get("targets"),
    )
    if spec.mean_sd is not None:
        N = N * spec.mean_sd[1] + spec.mean_sd[0]
    return N


def prepare(
    observations: pd.DataFrame,
    framework: Framework,
    choices: Choices,
    options: Mapping[str, Any] | None = None,
    *,
    years: Sequence[int] | None = None,
) -> Prepared:
    """Impute and normalise every alternative once, and precompute the tree's structure.

    Parameters
    ----------
    observations : tidy ``region, year, indicator, value``.
    framework : the tree.
    choices : the open choices.
    options : the nominal scoring options (``range``, ``scope``, ``min_coverage``,
        ``outliers``, ``groups``, ``targets``; the nominal ``normalise``, ``aggregate`` and
        ``impute`` are the first alternatives of ``choices``).
    years : analyse only these years (default all). Imputation and ``scope="all"``
        normalisation still see every year, as in the scorer.
    """
    options = dict(options or {})
    cube = indicator_cube(observations, framework)
    n_y, n_r, n_i = cube.values.shape
    if years is not None:
        unknown = [y for y in years if int(y) not in cube.years]
        if unknown:
            raise DataError(
                Problem(
                    None,
                    None,
                    "year",
                    f"no observations for year {unknown[0]}",
                    "known years: " + ", ".join(map(str, cube.years)),
                    f"tidak ada observasi untuk tahun {unknown[0]}",
                )
            )
    keep_year = np.array(
        [years is None or y in {int(v) for v in years} for y in cube.years], dtype=bool
    )
    sel = cube.present & keep_year[:, None]
    y_idx, r_idx = np.nonzero(sel)  # year-major: units of one year are contiguous
    units = pd.DataFrame(
        {
            "region": pd.array([cube.regions[r] for r in r_idx], dtype="str"),
            "year": np.asarray([cube.years[y] for y in y_idx], dtype=np.int64),
        }
    )
    year_groups = {int(cube.years[y]): np.flatnonzero(y_idx == y) for y in np.unique(y_idx)}
    Z = np.empty((len(choices.impute), len(choices.normalise), len(units), n_i))
    for a, imp in enumerate(choices.impute):
        X = cube.values
        if imp is not None:
            groups = options.get("groups")
            X, _ = impute_cube(
                X,
                imp,
                present=cube.present,
                years=cube.years,
                groups=groups_array(cube.regions, groups) if groups is not None else None,
                scope=options.get("scope", "year"),
            )
        outl = options.get("outliers")
        if not is_off(outl):
            from smartcity_eval.scoring.outliers import treat_cube

            params = dict(outl) if isinstance(outl, Mapping) else {}
            X, _, details = treat_cube(
                X, present=cube.present, scope=options.get("scope", "year"), **params
            )
            for spec in choices.normalise:
                check_log_treatment(details, spec.method, cube.indicators, cube.years)
        for b, spec in enumerate(choices.normalise):
            Z[a, b] = _normalised(X, cube, framework, spec, options)[y_idx, r_idx]
    nodes = framework.nodes
    depth = nodes["depth"].to_numpy()
    noisy = (
        np.flatnonzero(np.isin(depth, choices.weight_levels) & (depth > 0))
        if choices.weight_noise > 0
        else np.array([], dtype=int)
    )
    plans = [AggregationPlan(framework, node_methods(framework, a)) for a in choices.aggregate]
    is_leaf = nodes["is_leaf"].to_numpy(dtype=bool)
    agg_slot = np.full(len(nodes), -1)
    agg_slot[~is_leaf] = np.arange(int((~is_leaf).sum()))
    prep = Prepared(
        framework=framework,
        choices=choices,
        options=options,
        units=units,
        year_groups=year_groups,
        Z=Z,
        weights=nodes["weight"].to_numpy(dtype=float),
        noisy=noisy,
        plans=plans,
        is_leaf=is_leaf,
        agg_slot=agg_slot,
    )
    _check_positive(prep)
    return prep


def _check_positive(prep: Prepared) -> None:
    """A geometric or harmonic alternative needs every indicator value under it > 0, for
    every normalisation and imputation alternative; say which combination fails."""
    problems = []
    ind_pos = {c: j for j, c in enumerate(prep.framework.indicators)}
    codes = list(prep.framework.nodes.index)
    for plan, agg in zip(prep.plans, prep.choices.aggregate, strict=True):
        cols: set[int] = set()
        for step in plan.steps:
            if step.method != "arithmetic":
                cols.update(ind_pos[codes[k]] for k in step.kids if codes[k] in ind_pos)
        if not cols:
            continue
        idx = sorted(cols)
        for a, imp in enumerate(prep.choices.impute):
            for b, spec in enumerate(prep.choices.normalise):
                Z = prep.Z[a, b][:, idx]
                bad = ~np.isnan(Z) & (Z <= 0)
                if bad.any():
                    u, j = np.argwhere(bad)[0]
                    problems.append(
                        Problem(
                            None,
                            None,
                            "aggregate",
                            f"aggregation '{aggregate_label(agg)}' with normalisation "
                            f"'{spec.label}'"
                            + (f" and imputation '{imp}'" if imp else "")
                            + f" meets a value <= 0 ({float(Z[u, j]):g} for "
                            f"'{prep.framework.indicators[idx[j]]}', region "
                            f"{prep.units['region'].iloc[u]}, year {prep.units['year'].iloc[u]})",
                            "normalise to a positive range (e.g. minmax:1:100, zscore:10:2) "
                            "or drop the geometric/harmonic alternative",
                        )
                    )
    if problems:
        raise DataError(problems)


# ----------------------------------------------------------------------------- draws
@dataclass(frozen=True)
class Draws:
    """Decoded replications.

    weights : ``[n_rep, n_nodes]`` raw weights (removed nodes 0).
    normalise, aggregate, impute : ``[n_rep]`` alternative indices.
    dropped : ``[n_rep]`` indicator position removed, -1 for none.
    """

    weights: np.ndarray
    normalise: np.ndarray
    aggregate: np.ndarray
    impute: np.ndarray
    dropped: np.ndarray

    @property
    def n(self) -> int:
        return int(self.weights.shape[0])


def _discrete(u: np.ndarray, k: int) -> np.ndarray:
    return np.minimum((np.asarray(u) * k).astype(int), k - 1)


def _propagate_removal(prep: Prepared, W: np.ndarray) -> np.ndarray:
    """An aggregate whose children all have weight 0 is removed: weight 0 at its parent."""
    plan = prep.plans[0]
    for step in plan.steps:
        total = W[:, step.kids] @ step.membership
        W[:, step.parents] = np.where(total > 0, W[:, step.parents], 0.0)
    return W


def decode(prep: Prepared, u: np.ndarray) -> Draws:
    """Map a sample of the unit hypercube (``[n_rep, prep.dimension]``) to replications."""
    u = np.asarray(u, dtype=float)
    if u.ndim != 2 or u.shape[1] != prep.dimension:
        raise ValueError(f"u must be [n, {prep.dimension}], got {u.shape}")
    n = u.shape[0]
    c = prep.choices
    W = np.broadcast_to(prep.weights, (n, len(prep.weights))).copy()
    norm = np.zeros(n, dtype=int)
    agg = np.zeros(n, dtype=int)
    imp = np.zeros(n, dtype=int)
    drop = np.full(n, -1)
    col = 0
    for name, width in prep.factors:
        block = u[:, col : col + width]
        col += width
        if name == "weights":
            W[:, prep.noisy] = prep.weights[prep.noisy] * (1 + c.weight_noise * (2 * block - 1))
        elif name == "normalise":
            norm = _discrete(block[:, 0], len(c.normalise))
        elif name == "aggregate":
            agg = _discrete(block[:, 0], len(c.aggregate))
        elif name == "impute":
            imp = _discrete(block[:, 0], len(c.impute))
        else:
            n_ind = len(prep.framework.indicators)
            drop = _discrete(block[:, 0], n_ind + 1) - 1
    if (drop >= 0).any():
        leaf_pos = np.flatnonzero(prep.is_leaf)
        rows = np.flatnonzero(drop >= 0)
        W[rows, leaf_pos[drop[rows]]] = 0.0
        W = _propagate_removal(prep, W)
    return Draws(weights=W, normalise=norm, aggregate=agg, impute=imp, dropped=drop)


def nominal_draws(prep: Prepared, weights: np.ndarray | None = None) -> Draws:
    """Replications with every choice nominal (one per row of ``weights``, default one)."""
    W = np.atleast_2d(prep.weights if weights is None else np.asarray(weights, dtype=float))
    W = _propagate_removal(prep, W.copy())
    n = W.shape[0]
    zeros = np.zeros(n, dtype=int)
    return Draws(
        weights=W,
        normalise=zeros,
        aggregate=zeros.copy(),
        impute=zeros.copy(),
        dropped=np.full(n, -1),
    )
