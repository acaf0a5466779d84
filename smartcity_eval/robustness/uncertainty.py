"""Monte Carlo uncertainty analysis: how robust is a rank to the evaluators' choices?

A composite index rests on choices that could reasonably have been made otherwise: the
weights, the normalisation, the aggregation, the imputation of missing values, the set of
indicators. The OECD/JRC *Handbook on Constructing Composite Indicators* (2008, step 7)
and the JRC's COINr (``get_sensitivity(SA_type = "UA")``, R/sensitivity.R) answer "is
region X really 3rd?" by recomputing the index many times with these choices drawn at
random, and reporting for every region the nominal rank, the median rank and the
5 %-95 % interval of its ranks (COINr's ``RankStats``: ``Nominal, Mean, Median, Q5,
Q95``; quantiles as R's type 7, numpy's default).

The open choices (:class:`Choices`); the first alternative of each is the nominal one:

``weights``         every weight of the nodes at ``weight_levels`` (depth, root = 0, so 1 =
                    the pillars' weights) is multiplied by ``1 + noise * (2u - 1)``, ``u``
                    uniform in [0, 1): +/- ``noise`` of its nominal value, COINr's
                    ``get_noisy_weights``. Weights are relative to siblings.
``normalise``       one of the alternatives (``minmax``, ``minmax:1:100``, ``zscore``,
                    ``zscore:10:2``, ``goalposts:1:100``, ``none``, ``rank``, ``target``):
                    ``method:lo:hi`` sets the output range; ``zscore:m:s`` maps the z-score
                    to mean ``m`` and sd ``s`` (COINr's ``n_zscore`` ``m_sd``), which keeps
                    values positive for a geometric mean, as COINr's sensitivity vignette
                    does (``minmax`` to 1-100, ``zscore`` to 10 +/- 2).
``aggregate``       one of the alternatives (``arithmetic``, ``geometric``, ``harmonic`` or
                    a per-level mapping as :func:`smartcity_eval.scoring.aggregate.node_methods`).
``impute``          one of the alternatives (None = skip missing values, ``mean``, ...).
``drop_indicator``  one indicator removed from the index (weight 0; its aggregate
                    renormalises over the others), or none, each with equal probability.

A discrete choice with ``K`` alternatives maps ``u`` to alternative ``floor(u K)`` (COINr's
``sample_2_para``). Every choice is a column of a sample of the unit hypercube, so the same
machinery drives the variance-based sensitivity analysis of
:mod:`smartcity_eval.robustness.sensitivity`.

**Speed.** Normalisation and imputation depend only on the (few) discrete alternatives,
so they are computed once per alternative with the scorer's own kernels
(:func:`~smartcity_eval.scoring.impute.impute_cube`, :func:`~smartcity_eval.scoring.normalise.normalise_array`).
What changes per replication is the weights; the kernel :func:`evaluate` aggregates all
replications of one alternative at once: the indicator level as one matrix product
``X[units, indicators] @ M[indicators, replications x parents]`` (identical weight rows
computed once), the upper levels as batched products over the replication axis. There is
no Python loop over regions, indicators or replications. The result equals, up to
floating-point rounding (relative 1e-12), the plain scorer
(:func:`smartcity_eval.scoring.engine.score`) called once per replication with the same draws;
the tests check this.

**Ranks** are competition ranks within each year (1 = best, ties share the lowest rank),
computed on scores rounded to 9 decimals so that two regions whose scores are equal
mathematically but differ by floating-point noise tie, whatever order the sums ran in.

**Scores** of replications that use another normalisation are on another scale; the score
interval is therefore taken over the replications that use the nominal normalisation
(``n_same_scale`` of them). Ranks compare across all replications.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.scoring.aggregate import node_methods
from smartcity_eval.scoring.engine import (
    _off,
    _target_cube,
    default_normalisation,
    indicator_cube,
    rank_min,
)
from smartcity_eval.scoring.impute import groups_array, impute_cube
from smartcity_eval.scoring.normalise import METHODS as NORMALISE_METHODS
from smartcity_eval.scoring.normalise import normalise_array

__all__ = [
    "NormSpec",
    "parse_normalise",
    "parse_aggregate",
    "Choices",
    "default_choices",
    "Prepared",
    "prepare",
    "Draws",
    "decode",
    "nominal_draws",
    "evaluate",
    "year_ranks",
    "UncertaintyResult",
    "uncertainty_analysis",
    "uncertainty_dataset",
    "nominal_options",
    "TIE_DECIMALS",
    "run_draws",
    "framework_variant",
    "plain_loop",
]

#: Scores are rounded to this many decimals before ranking (ties within floating noise).
TIE_DECIMALS = 9
_TOL = 1e-12
_CHUNK_ELEMENTS = 3_000_000


# ----------------------------------------------------------------------------- choices
@dataclass(frozen=True)
class NormSpec:
    """A normalisation alternative: ``method``, output ``range`` (None = the nominal
    range) and for zscore an optional ``(mean, sd)`` to map to."""

    method: str
    range: tuple[float, float] | None = None
    mean_sd: tuple[float, float] | None = None

    @property
    def label(self) -> str:
        if self.range is not None:
            return f"{self.method}:{self.range[0]:g}:{self.range[1]:g}"
        if self.mean_sd is not None:
            return f"{self.method}:{self.mean_sd[0]:g}:{self.mean_sd[1]:g}"
        return self.method


def parse_normalise(spec: str | NormSpec) -> NormSpec:
    """Parse ``"minmax"``, ``"minmax:1:100"``, ``"zscore:10:2"``, ``"none"``, ... .

    Raises DataError for an unknown method or malformed parameters.
    """
    if isinstance(spec, NormSpec):
        return spec
    text = str(spec).strip()
    parts = text.split(":")
    method = parts[0].strip().lower()
    if method not in NORMALISE_METHODS:
        raise DataError(
            Problem(
                None,
                None,
                "normalise",
                f"unknown normalisation alternative '{text}'",
                "use one of " + ", ".join(NORMALISE_METHODS) + " (optionally method:lo:hi)",
            )
        )
    if len(parts) == 1:
        return NormSpec(method)
    try:
        a, b = (float(p) for p in parts[1:])
    except ValueError:
        raise DataError(
            Problem(
                None,
                None,
                "normalise",
                f"'{text}' is not method:lo:hi with two numbers",
                "e.g. minmax:1:100 or zscore:10:2",
            )
        ) from None
    if method == "zscore":
        if b <= 0:
            raise DataError(
                Problem(None, None, "normalise", f"'{text}': the sd must be > 0", "zscore:10:2")
            )
        return NormSpec(method, mean_sd=(a, b))
    if method == "none":
        raise DataError(
            Problem(None, None, "normalise", f"'{text}': 'none' takes no parameters", "none")
        )
    if not a < b:
        raise DataError(
            Problem(None, None, "normalise", f"'{text}': lo must be below hi", "minmax:1:100")
        )
    return NormSpec(method, range=(a, b))


def parse_aggregate(spec: str | Mapping) -> str | dict:
    """An aggregation alternative: a method name, a mapping, or the text
    ``"1=arithmetic,2=geometric"`` (per depth or node code)."""
    if isinstance(spec, Mapping):
        return dict(spec)
    text = str(spec).strip()
    if "=" not in text:
        return text.lower()
    out: dict[Any, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, _, method = part.partition("=")
        key = key.strip()
        out[int(key) if key.isdigit() else key] = method.strip().lower()
    return out


def _agg_label(spec: str | Mapping) -> str:
    if isinstance(spec, Mapping):
        return ",".join(f"{k}={v}" for k, v in spec.items())
    return str(spec)


@dataclass(frozen=True)
class Choices:
    """The open choices of an analysis; the first alternative of each is the nominal one.

    Attributes
    ----------
    normalise : normalisation alternatives (see :func:`parse_normalise`).
    aggregate : aggregation alternatives (see :func:`parse_aggregate`).
    impute : imputation alternatives (None = skip missing values).
    weight_noise : relative size of the weight noise, e.g. 0.25 for +/- 25 % (0 = off).
    weight_levels : depths whose nodes' weights get the noise (root = 0; 1 = pillars).
    drop_indicator : whether one indicator (or none) is removed in each replication.
    """

    normalise: tuple[NormSpec, ...] = (NormSpec("minmax"),)
    aggregate: tuple[Any, ...] = ("arithmetic",)
    impute: tuple[str | None, ...] = (None,)
    weight_noise: float = 0.0
    weight_levels: tuple[int, ...] = (1,)
    drop_indicator: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "normalise", tuple(parse_normalise(s) for s in self.normalise))
        object.__setattr__(self, "aggregate", tuple(parse_aggregate(s) for s in self.aggregate))
        object.__setattr__(self, "impute", tuple(None if _off(s) else str(s) for s in self.impute))
        object.__setattr__(self, "weight_levels", tuple(int(x) for x in self.weight_levels))
        if not (self.normalise and self.aggregate and self.impute):
            raise DataError(
                Problem(None, None, None, "every choice needs at least its nominal alternative")
            )
        if not 0.0 <= float(self.weight_noise) < 1.0:
            raise DataError(
                Problem(
                    None,
                    None,
                    "weight_noise",
                    f"weight noise {self.weight_noise} is not in [0, 1)",
                    "e.g. 0.25 for +/- 25 %",
                )
            )

    def fixed(self) -> Choices:
        """The same nominal choices with nothing left open."""
        return Choices(
            normalise=self.normalise[:1],
            aggregate=self.aggregate[:1],
            impute=self.impute[:1],
            weight_noise=0.0,
            weight_levels=self.weight_levels,
            drop_indicator=False,
        )

    def table(self) -> pd.DataFrame:
        """``choice, nominal, alternatives`` for reports."""
        rows = [
            (
                "weights",
                "nominal",
                f"+/- {self.weight_noise:.0%} at level(s) " + ",".join(map(str, self.weight_levels))
                if self.weight_noise > 0
                else "fixed",
            ),
            ("normalise", self.normalise[0].label, "; ".join(s.label for s in self.normalise)),
            (
                "aggregate",
                _agg_label(self.aggregate[0]),
                "; ".join(_agg_label(a) for a in self.aggregate),
            ),
            ("impute", self.impute[0] or "none", "; ".join(i or "none" for i in self.impute)),
            ("drop_indicator", "none", "one indicator or none" if self.drop_indicator else "none"),
        ]
        return pd.DataFrame(rows, columns=["choice", "nominal", "alternatives"])


def nominal_options(dataset, framework: Framework | None = None, **overrides: Any) -> dict:
    """The nominal scoring options of a dataset (its ``[methods]`` with SPEC defaults),
    as :func:`smartcity_eval.scoring.engine.resolve_options`, plus targets."""
    from smartcity_eval.scoring.engine import resolve_options

    fw = framework or dataset.framework
    opts = resolve_options(dataset, fw, **overrides)
    opts.setdefault("targets", dataset.targets)
    opts.pop("consensus", None)
    return opts


def default_choices(
    framework: Framework,
    options: Mapping[str, Any],
    observations: pd.DataFrame | None = None,
    *,
    weight_noise: float = 0.25,
    weight_levels: Sequence[int] = (1,),
) -> Choices:
    """Sensible open choices around the nominal options.

    * normalisation: the nominal one, then ``goalposts:1:100`` (when every indicator has
      bounds), ``minmax:1:100`` and ``zscore:10:2`` (COINr's sensitivity vignette maps to
      1-100 and 10 +/- 2 so that a geometric mean is defined); for a dataset scored on raw
      levels (``none``, e.g. Kominfo's 1-5 items) that gives none / goalposts / minmax /
      zscore;
    * aggregation: the nominal one and ``geometric`` (when the nominal is arithmetic and
      the nominal normalisation leaves every value > 0, checked on ``observations``);
    * weights: +/- ``weight_noise`` at ``weight_levels`` (default 25 % on the pillars);
    * imputation and indicator removal: fixed (open them explicitly).
    """
    nominal = NormSpec(str(options.get("normalise") or default_normalisation(framework)))
    alts = [nominal]
    nodes = framework.nodes.loc[framework.indicators]
    if nodes["lower"].notna().all() and nodes["upper"].notna().all():
        alts.append(NormSpec("goalposts", range=(1.0, 100.0)))
    alts.append(NormSpec("minmax", range=(1.0, 100.0)))
    alts.append(NormSpec("zscore", mean_sd=(10.0, 2.0)))
    seen: list[NormSpec] = []
    for a in alts:
        if a.method not in [s.method for s in seen]:
            seen.append(a)
    agg0 = options.get("aggregate", "arithmetic") or "arithmetic"
    aggs: list[Any] = [agg0]
    if agg0 == "arithmetic":
        positive = True
        if observations is not None:
            prep = prepare(observations, framework, Choices(normalise=(nominal,)), options)
            Z = prep.Z[0, 0]
            positive = bool(np.all(Z[~np.isnan(Z)] > 0))
        if positive:
            aggs.append("geometric")
    imp = options.get("impute")
    return Choices(
        normalise=tuple(seen),
        aggregate=tuple(aggs),
        impute=(None if _off(imp) else str(imp),),
        weight_noise=weight_noise,
        weight_levels=tuple(weight_levels),
        drop_indicator=False,
    )


# ----------------------------------------------------------------------------- plan
@dataclass(frozen=True)
class Plan:
    """The tree's aggregation steps for one choice of methods, deepest level first.

    ``steps``: ``(method, kids, parents, A)`` with ``kids``/``parents`` node positions
    (``framework.nodes`` order) and ``A`` the one-hot ``[kids, parents]`` membership.
    """

    steps: tuple[tuple[str, np.ndarray, np.ndarray, np.ndarray], ...]

    @classmethod
    def build(cls, framework: Framework, methods: Mapping[str, str]) -> Plan:
        nodes = framework.nodes
        codes = [str(c) for c in nodes.index]
        pos = {c: i for i, c in enumerate(codes)}
        depth = nodes["depth"].to_numpy()
        steps = []
        for d in range(int(depth.max()) - 1, -1, -1):
            parents = [c for c in framework.aggregates if int(nodes.at[c, "depth"]) == d]
            for method in ("arithmetic", "geometric", "harmonic"):
                ps = [p for p in parents if methods[p] == method]
                if not ps:
                    continue
                kids = [pos[k] for p in ps for k in framework.children(p)]
                owner = [j for j, p in enumerate(ps) for _ in framework.children(p)]
                A = np.zeros((len(kids), len(ps)))
                A[np.arange(len(kids)), owner] = 1.0
                steps.append((method, np.array(kids, dtype=int), np.array([pos[p] for p in ps]), A))
        return cls(steps=tuple(steps))


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
    plans : one :class:`Plan` per aggregation alternative.
    """

    framework: Framework
    choices: Choices
    options: dict[str, Any]
    units: pd.DataFrame
    year_groups: dict[int, np.ndarray]
    Z: np.ndarray
    weights: np.ndarray
    noisy: np.ndarray
    plans: list[Plan]
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
    """Normalise the imputed/treated cube exactly as :func:`scoring.score` does."""
    n_y, n_r, n_i = X.shape
    nodes = framework.nodes.loc[cube.indicators]
    rng = spec.range if spec.range is not None else tuple(options.get("range", (0.0, 100.0)))
    kwargs: dict[str, Any] = dict(
        direction=nodes["direction"].to_numpy(dtype=float),
        lower=nodes["lower"].to_numpy(dtype=float),
        upper=nodes["upper"].to_numpy(dtype=float),
        range=(float(rng[0]), float(rng[1])),
        names=cube.indicators,
    )
    if spec.method == "target":
        kwargs["target"] = _target_cube(cube, framework, options.get("targets"))
    if options.get("scope", "year") == "all":
        flat = X.reshape(1, n_y * n_r, n_i)
        if "target" in kwargs:
            kwargs["target"] = kwargs["target"].reshape(1, n_y * n_r, n_i)
        N = normalise_array(flat, spec.method, axis=-2, **kwargs).reshape(n_y, n_r, n_i)
    else:
        N = normalise_array(X, spec.method, axis=-2, **kwargs)
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
        if not _off(outl):
            from smartcity_eval.scoring.outliers import treat_cube

            params = dict(outl) if isinstance(outl, Mapping) else {}
            X, _, _ = treat_cube(
                X, present=cube.present, scope=options.get("scope", "year"), **params
            )
        for b, spec in enumerate(choices.normalise):
            Z[a, b] = _normalised(X, cube, framework, spec, options)[y_idx, r_idx]
    nodes = framework.nodes
    depth = nodes["depth"].to_numpy()
    noisy = (
        np.flatnonzero(np.isin(depth, choices.weight_levels) & (depth > 0))
        if choices.weight_noise > 0
        else np.array([], dtype=int)
    )
    plans = [Plan.build(framework, node_methods(framework, a)) for a in choices.aggregate]
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
        for method, kids, _parents, _A in plan.steps:
            if method != "arithmetic":
                cols.update(ind_pos[codes[k]] for k in kids if codes[k] in ind_pos)
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
                            f"aggregation '{_agg_label(agg)}' with normalisation "
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
    for _method, kids, parents, A in plan.steps:
        total = W[:, kids] @ A
        W[:, parents] = np.where(total > 0, W[:, parents], 0.0)
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


# ----------------------------------------------------------------------------- kernel
def _transform(V: np.ndarray, method: str) -> np.ndarray:
    """Per-method value transform, 0 where missing, so that ``sum(w t)`` over the children
    present is the core of the mean: ``x`` (arithmetic), ``log x`` (geometric), ``1/x``
    (harmonic)."""
    if method == "arithmetic":
        return np.nan_to_num(V, nan=0.0)
    present = ~np.isnan(V)
    safe = np.where(present, V, 1.0)
    if method == "geometric":
        return np.where(present, np.log(safe), 0.0)
    return np.where(present, 1.0 / safe, 0.0)


def _check_positive_values(V: np.ndarray, method: str) -> None:
    if method == "arithmetic":
        return
    bad = ~np.isnan(V) & (V <= 0)
    if bad.any():
        raise DataError(
            Problem(
                None,
                None,
                "aggregate",
                f"the {method} mean needs values > 0, but an aggregate is {float(V[bad][0]):g}",
                "normalise to a positive range (e.g. minmax:1:100)",
            )
        )


@dataclass
class _Patches:
    """Per-replication deviations from shared values: ``rows[i]`` (replication), ``cols[i]``
    (column: a child or parent within a step, or an aggregate slot) and ``vals[i, units]``."""

    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray

    @staticmethod
    def empty(U: int) -> _Patches:
        return _Patches(np.zeros(0, dtype=int), np.zeros(0, dtype=int), np.zeros((0, U)))

    def __len__(self) -> int:
        return len(self.rows)


def _shared_products(
    T: np.ndarray, w: np.ndarray, A: np.ndarray
) -> tuple[np.ndarray, _Patches | None, np.ndarray]:
    """``out[r, u, p] = sum_c T[u, c] w[r, c] A[c, p]`` for values ``T[units, children]``
    shared by all replications (``A`` one-hot: child -> parent).

    Returns ``(out, patches, w0)`` with ``w0`` the weight row of a shared ``out``:

    * every replication has the same weights: ``out[units, parents]`` computed once;
    * the weight rows all differ from a typical row ``w0`` (the column-wise median) in a
      few entries (one indicator removed per replication): ``out[units, parents]`` for
      ``w0`` and, as ``patches``, the rank-one corrections ``T[:, c] (w[r, c] - w0[c])``
      for the parent of ``c``;
    * otherwise ``out[r, units, parents]``: the distinct rows as one matrix product.
    """
    r = w.shape[0]
    U, P = T.shape[0], A.shape[1]
    if r == 1 or not (w != w[0]).any():
        return T @ (w[0][:, None] * A), None, w[0]
    if r > 8:
        base = np.median(w, axis=0)  # the typical row when rows differ in few entries
        D = w - base
        nz_r, nz_c = np.nonzero(D)
        if len(nz_r) <= 4 * r:
            parent = A.argmax(axis=1)
            vals = T[:, nz_c].T * D[nz_r, nz_c][:, None]  # (n_changes, U)
            return T @ (base[:, None] * A), _Patches(nz_r, parent[nz_c], vals), base
    uniq, inv = np.unique(w, axis=0, return_inverse=True)
    inv = np.asarray(inv).reshape(-1)
    q, c = uniq.shape
    M = (uniq[:, :, None] * A[None, :, :]).transpose(1, 0, 2).reshape(c, q * P)
    prod = (T @ M).reshape(U, q, P)
    return np.moveaxis(prod, 1, 0)[inv], None, w[0]


def _combine(parts: list[_Patches], P: int, U: int) -> _Patches:
    """Sum patches that hit the same (replication, column)."""
    parts = [p for p in parts if p is not None and len(p)]
    if not parts:
        return _Patches.empty(U)
    rows = np.concatenate([p.rows for p in parts])
    cols = np.concatenate([p.cols for p in parts])
    vals = np.concatenate([p.vals for p in parts])
    key = rows * P + cols
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    summed = np.add.reduceat(vals[order], starts, axis=0)
    keys = key[starts]
    return _Patches(keys // P, keys % P, summed)


def _finish(num, den, method: str, total, min_cov: float) -> np.ndarray:
    """The means from their numerators and denominators; NaN where nothing is present
    or the coverage ``den / total`` is below ``min_cov``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "arithmetic":
            out = np.divide(num, den)
        elif method == "geometric":
            out = np.exp(np.divide(num, den))
        else:
            out = np.divide(den, num)
        drop = den <= 0
        if min_cov > 0:
            drop = drop | (den / total < min_cov - _TOL)
    out = np.array(out, dtype=float)
    out[np.broadcast_to(drop, out.shape)] = np.nan
    return out


def _aggregate_group(
    prep: Prepared,
    X: np.ndarray,
    plan: Plan,
    W: np.ndarray,
    cache: dict[str, np.ndarray],
    slots_out: np.ndarray,
) -> np.ndarray:
    """Aggregate one block of replications that share the indicator values
    ``X[units, indicators]`` and the methods of ``plan``; only the weights ``W[r, nodes]``
    differ. Returns the scores of the aggregates ``slots_out`` as ``[r, units, k]``.

    A node's values are kept in one of three forms: *shared* (``[units]``, the same in
    every replication), *shared with patches* (a few replications differ, e.g. the
    element of a removed indicator), or *per replication* (``[r, units]``). Most of the
    tree stays shared, so the work is a few matrix products, not one tree per replication.
    """
    r, U = W.shape[0], X.shape[0]
    n_agg = int((~prep.is_leaf).sum())
    shared_vals = np.full((U, n_agg), np.nan)
    rep_vals: dict[int, np.ndarray] = {}  # slot -> [r, units]
    is_rep = np.zeros(n_agg, dtype=bool)
    patches: dict[int, _Patches] = {}
    leaf_col = np.full(len(prep.is_leaf), -1)
    leaf_col[prep.is_leaf] = np.arange(int(prep.is_leaf.sum()))
    min_cov = float(prep.options.get("min_coverage") or 0.0)
    if "_present" not in cache:
        cache["_present"] = (~np.isnan(X)).astype(float)
        cache["_all_present"] = np.array(bool(cache["_present"].all()))
    for method, kids, parents, A in plan.steps:
        P = A.shape[1]
        leaf = prep.is_leaf[kids]
        slot = np.where(leaf, 0, prep.agg_slot[kids])
        rep_k = ~leaf & is_rep[slot]
        sh_k = ~rep_k
        total = W[:, kids] @ A  # (r, P)
        owner = A.argmax(axis=1)
        if method not in cache:
            cache[method] = _transform(X, method)
        # the shared children: indicators and shared aggregates (bases of patched ones)
        idx = np.flatnonzero(sh_k)
        T = np.empty((U, len(idx)))
        Pm = np.empty((U, len(idx)))
        is_l = leaf[idx]
        T[:, is_l] = cache[method][:, leaf_col[kids[idx[is_l]]]]
        Pm[:, is_l] = cache["_present"][:, leaf_col[kids[idx[is_l]]]]
        if (~is_l).any():
            V = shared_vals[:, slot[idx[~is_l]]]
            _check_positive_values(V, method)
            T[:, ~is_l] = _transform(V, method)
            Pm[:, ~is_l] = ~np.isnan(V)
        w_sh = W[:, kids[idx]]
        A_sh = A[idx]
        num, p_num, w0 = _shared_products(T, w_sh, A_sh)
        if num.ndim == 3 and bool(cache["_all_present"]) and is_l.all():
            den, p_den = (w_sh @ A_sh)[:, None, :], None
        else:
            den, p_den, _ = _shared_products(Pm, w_sh, A_sh)
        # corrections from patched children: w (T(new) - T(base)) to the child's parent
        extra_n, extra_d = [], []
        for j in np.flatnonzero(~is_l):
            pt = patches.get(int(slot[idx[j]]))
            if pt is None or not len(pt):
                continue
            _check_positive_values(pt.vals, method)
            wk = w_sh[pt.rows, j][:, None]
            extra_n.append(
                _Patches(
                    pt.rows,
                    np.full(len(pt), owner[idx[j]]),
                    wk * (_transform(pt.vals, method) - T[:, j]),
                )
            )
            extra_d.append(
                _Patches(
                    pt.rows,
                    np.full(len(pt), owner[idx[j]]),
                    wk * ((~np.isnan(pt.vals)).astype(float) - Pm[:, j]),
                )
            )
        pn = _combine([p_num, *extra_n], P, U)
        pd_ = _combine([p_den, *extra_d], P, U)
        pslots = prep.agg_slot[parents]
        for sl in pslots:
            patches.pop(int(sl), None)
        if num.ndim == 2 and den.ndim <= 2 and not rep_k.any():
            # shared result, possibly with patches
            base_out = _finish(num, den, method, w0 @ A_sh, min_cov)
            shared_vals[:, pslots] = base_out
            is_rep[pslots] = False
            if len(pn) or len(pd_):
                both = _combine(
                    [
                        _Patches(pn.rows, pn.cols, np.zeros((len(pn), U))),
                        _Patches(pd_.rows, pd_.cols, np.zeros((len(pd_), U))),
                    ],
                    P,
                    U,
                )
                key = both.rows * P + both.cols
                nn = num[:, both.cols].T.copy()
                dd = np.broadcast_to(den, (U, P))[:, both.cols].T.copy()
                pos_n = np.searchsorted(key, pn.rows * P + pn.cols)
                pos_d = np.searchsorted(key, pd_.rows * P + pd_.cols)
                nn[pos_n] += pn.vals
                dd[pos_d] += pd_.vals
                vals = _finish(nn, dd, method, total[both.rows, both.cols][:, None], min_cov)
                for p_local in np.unique(both.cols):
                    sel = both.cols == p_local
                    patches[int(pslots[p_local])] = _Patches(
                        both.rows[sel], np.zeros(int(sel.sum()), dtype=int), vals[sel]
                    )
        else:
            num3 = np.empty((r, U, P))
            num3[...] = num
            den3 = np.empty((r, U, P))
            den3[...] = den
            # (replication, parent) pairs are unique after _combine: plain fancy adds
            if len(pn):
                num3[pn.rows, :, pn.cols] += pn.vals
            if len(pd_):
                den3[pd_.rows, :, pd_.cols] += pd_.vals
            if rep_k.any():
                V = np.stack([rep_vals[int(sl)] for sl in slot[rep_k]], axis=-1)
                _check_positive_values(V, method)
                Mg = W[:, kids[rep_k]][:, :, None] * A[rep_k][None]  # (r, c, P)
                num3 += np.matmul(_transform(V, method), Mg)
                den3 += np.matmul((~np.isnan(V)).astype(float), Mg)
            out3 = _finish(num3, den3, method, total[:, None, :], min_cov)
            for j, sl in enumerate(pslots):
                rep_vals[int(sl)] = out3[:, :, j]
            is_rep[pslots] = True
    result = np.empty((r, U, len(slots_out)))
    for j, sl in enumerate(slots_out):
        if is_rep[sl]:
            result[:, :, j] = rep_vals[int(sl)]
        else:
            result[:, :, j] = shared_vals[:, sl]
            pt = patches.get(int(sl))
            if pt is not None and len(pt):
                result[pt.rows, :, j] = pt.vals
    return result


def evaluate(prep: Prepared, draws: Draws, codes: Sequence[str] | None = None) -> np.ndarray:
    """Scores of the nodes ``codes`` (default the root) for every replication and unit.

    Returns ``[n_rep, n_units, len(codes)]``. Replications are processed in blocks that
    share their imputation, normalisation and aggregation alternatives.
    """
    codes = [prep.framework.root] if codes is None else list(codes)
    pos = [prep.code_position(c) for c in codes]
    if any(prep.is_leaf[p] for p in pos):
        raise DataError(
            Problem(None, None, "code", "the analysed node must be an aggregate (not an indicator)")
        )
    slots = prep.agg_slot[pos]
    out = np.full((draws.n, prep.n_units, len(codes)), np.nan)
    key = np.stack([draws.impute, draws.normalise, draws.aggregate], axis=1)
    combos, inverse = np.unique(key, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    n_agg = max(1, int((~prep.is_leaf).sum()))
    chunk = max(1, _CHUNK_ELEMENTS // max(1, prep.n_units * n_agg))
    for g, (a, b, m) in enumerate(combos):
        rows = np.flatnonzero(inverse == g)
        X = prep.Z[a, b]
        cache: dict[str, np.ndarray] = {}
        for start in range(0, len(rows), chunk):
            sel = rows[start : start + chunk]
            out[sel] = _aggregate_group(prep, X, prep.plans[m], draws.weights[sel], cache, slots)
    return out


def year_ranks(prep: Prepared, scores: np.ndarray) -> np.ndarray:
    """Competition ranks (1 = best, ties "min", NaN kept) within each year, on scores
    rounded to :data:`TIE_DECIMALS`. ``scores`` is ``[..., n_units]``."""
    ranks = np.full(scores.shape, np.nan)
    rounded = np.round(scores, TIE_DECIMALS)
    for cols in prep.year_groups.values():
        ranks[..., cols] = rank_min(rounded[..., cols], axis=-1)
    return ranks


# ----------------------------------------------------------------------------- analysis
def _nan_quantiles(X: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """Quantiles along axis 0 ignoring NaN, R's type 7 (numpy's "linear"), vectorised:
    ``h = (n - 1) q``, ``x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])``.
    Returns ``[len(qs), n_columns]`` (NaN for a column without values)."""
    X = np.asarray(X, dtype=float)
    out = np.full((len(qs), X.shape[1] if X.ndim == 2 else 0), np.nan)
    if X.shape[0] == 0:
        return out
    srt = np.sort(X, axis=0)  # NaN last
    n = (~np.isnan(X)).sum(axis=0)
    cols = np.arange(X.shape[1])
    for i, q in enumerate(qs):
        h = (n - 1) * float(q)
        lo = np.floor(h).astype(int)
        hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
        lo = np.clip(lo, 0, None)
        a = srt[lo, cols]
        b = srt[hi, cols]
        out[i] = np.where(n > 0, a + (h - np.floor(h)) * (b - a), np.nan)
    return out


@dataclass(eq=False)
class UncertaintyResult:
    """The replications of an uncertainty analysis of one node (default the index).

    Attributes
    ----------
    prep : the :class:`Prepared` problem.
    code : the analysed node.
    draws : the decoded replications.
    scores, ranks : ``[n_rep, n_units]``.
    nominal_scores, nominal_ranks : ``[n_units]``.
    """

    prep: Prepared
    code: str
    draws: Draws
    scores: np.ndarray
    ranks: np.ndarray
    nominal_scores: np.ndarray
    nominal_ranks: np.ndarray

    @property
    def same_scale(self) -> np.ndarray:
        """Replications on the nominal normalisation's scale (for score statistics)."""
        return self.draws.normalise == 0

    def summary(self, quantiles: tuple[float, float] = (0.05, 0.95)) -> pd.DataFrame:
        """Per region and year: nominal, median and mean rank, the rank interval, the
        score interval (nominal-scale replications) and the number of replications.

        Columns ``region, year, code, nominal_score, nominal_rank, median_rank,
        mean_rank, rank_qLO, rank_qHI, best_rank, worst_rank, share_nominal_rank,
        score_median, score_qLO, score_qHI, n_replications, n_same_scale`` (LO, HI = the
        quantiles in percent, default 05 and 95; ``share_nominal_rank`` = the share of the
        replications that give the nominal rank), sorted by year and nominal rank.
        """
        lo, hi = quantiles
        tag = [f"q{round(q * 100):02d}" for q in quantiles]
        R, S = self.ranks, self.scores
        valid = ~np.isnan(R)
        same = self.same_scale
        rq = _nan_quantiles(R, [0.5, lo, hi])
        sq = _nan_quantiles(S[same], [0.5, lo, hi])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean_rank = np.nanmean(R, axis=0)
            best = np.nanmin(R, axis=0)
            worst = np.nanmax(R, axis=0)
        out = self.prep.units.copy()
        out["code"] = self.code
        out["nominal_score"] = self.nominal_scores
        out["nominal_rank"] = self.nominal_ranks
        out["median_rank"] = rq[0]
        out["mean_rank"] = mean_rank
        out[f"rank_{tag[0]}"] = rq[1]
        out[f"rank_{tag[1]}"] = rq[2]
        out["best_rank"] = best
        out["worst_rank"] = worst
        with np.errstate(invalid="ignore", divide="ignore"):
            out["share_nominal_rank"] = (self.nominal_ranks == R).sum(axis=0) / valid.sum(axis=0)
        out["score_median"] = sq[0]
        out[f"score_{tag[0]}"] = sq[1]
        out[f"score_{tag[1]}"] = sq[2]
        # rank statistics: interpolated quantiles and means carry float noise (1.8499...)
        rank_cols = ["median_rank", "mean_rank", f"rank_{tag[0]}", f"rank_{tag[1]}"]
        out[rank_cols] = out[rank_cols].round(10)
        out["n_replications"] = valid.sum(axis=0)
        out["n_same_scale"] = (~np.isnan(S[same])).sum(axis=0)
        out["code"] = out["code"].astype("str")
        return out.sort_values(["year", "nominal_rank", "region"], kind="stable").reset_index(
            drop=True
        )

    def replications(self) -> pd.DataFrame:
        """Tidy ``replication, region, year, code, score, rank`` (one row per replication
        and unit; replication 1 is the first draw)."""
        n, U = self.ranks.shape
        units = self.prep.units
        return pd.DataFrame(
            {
                "replication": np.repeat(np.arange(1, n + 1), U),
                "region": pd.array(np.tile(units["region"].to_numpy(), n), dtype="str"),
                "year": np.tile(units["year"].to_numpy(), n),
                "code": pd.array([self.code] * (n * U), dtype="str"),
                "score": self.scores.reshape(-1),
                "rank": self.ranks.reshape(-1),
            }
        )

    def draws_table(self) -> pd.DataFrame:
        """One row per replication: the alternatives drawn and the perturbed weights
        (``w_<code>`` for the nodes with noise)."""
        c = self.prep.choices
        d = self.draws
        inds = self.prep.framework.indicators
        out = pd.DataFrame(
            {
                "replication": np.arange(1, d.n + 1),
                "normalise": pd.array([c.normalise[i].label for i in d.normalise], dtype="str"),
                "aggregate": pd.array(
                    [_agg_label(c.aggregate[i]) for i in d.aggregate], dtype="str"
                ),
                "impute": pd.array([c.impute[i] or "none" for i in d.impute], dtype="str"),
                "dropped": pd.array([inds[i] if i >= 0 else "" for i in d.dropped], dtype="str"),
            }
        )
        codes = list(self.prep.framework.nodes.index)
        for p in self.prep.noisy:
            out[f"w_{codes[p]}"] = d.weights[:, p]
        return out


def run_draws(prep: Prepared, draws: Draws, code: str | None = None) -> UncertaintyResult:
    """Evaluate ``draws`` and the nominal replication for node ``code`` (default the root)."""
    code = code or prep.framework.root
    scores = evaluate(prep, draws, [code])[:, :, 0]
    nominal = evaluate(prep, nominal_draws(prep), [code])[0, :, 0]
    return UncertaintyResult(
        prep=prep,
        code=code,
        draws=draws,
        scores=scores,
        ranks=year_ranks(prep, scores),
        nominal_scores=nominal,
        nominal_ranks=year_ranks(prep, nominal[None, :])[0],
    )


def uncertainty_analysis(
    observations: pd.DataFrame,
    framework: Framework,
    choices: Choices,
    options: Mapping[str, Any] | None = None,
    *,
    n: int = 1000,
    seed: int | np.random.Generator | None = 1,
    years: Sequence[int] | None = None,
    code: str | None = None,
) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis of the ranks of ``code`` (default the index).

    Parameters
    ----------
    observations, framework : the data and the tree.
    choices : the open choices (:class:`Choices`; see :func:`default_choices`).
    options : the nominal scoring options other than those in ``choices`` (``range``,
        ``scope``, ``min_coverage``, ``outliers``, ``groups``, ``targets``).
    n : number of replications (independent uniform draws, COINr's UA design).
    seed : the seed; the same seed gives the same replications.
    years : restrict to these years.
    code : the node whose ranks are analysed.

    Returns
    -------
    :class:`UncertaintyResult`; ``.summary()`` is the tidy per-region table.
    """
    if n < 1:
        raise DataError(
            Problem(None, None, "n", f"n = {n}: need at least 1 replication", "e.g. 1000")
        )
    prep = prepare(observations, framework, choices, options, years=years)
    rng = np.random.default_rng(seed)
    u = rng.random((int(n), prep.dimension))
    return run_draws(prep, decode(prep, u), code)


def uncertainty_dataset(
    dataset,
    *,
    framework: Framework | str | None = None,
    choices: Choices | None = None,
    n: int = 1000,
    seed: int | None = 1,
    years: Sequence[int] | None = None,
    code: str | None = None,
    weight_noise: float = 0.25,
    weight_levels: Sequence[int] = (1,),
    **overrides: Any,
) -> UncertaintyResult:
    """:func:`uncertainty_analysis` on a loaded dataset with its nominal methods and, unless
    ``choices`` is given, :func:`default_choices` (for Kominfo/SPBE levels: none vs
    goalposts vs minmax vs zscore, arithmetic vs geometric, pillar weights +/- 25 %)."""
    fw = _framework_of(dataset, framework)
    opts = nominal_options(dataset, fw, **overrides)
    if choices is None:
        choices = default_choices(
            fw, opts, dataset.observations, weight_noise=weight_noise, weight_levels=weight_levels
        )
    return uncertainty_analysis(
        dataset.observations, fw, choices, opts, n=n, seed=seed, years=years, code=code
    )


def _framework_of(dataset, framework: Framework | str | None) -> Framework:
    from smartcity_eval.scoring.engine import _resolve_framework

    return _resolve_framework(dataset, framework)


def framework_variant(
    framework: Framework, weights: np.ndarray | None = None, dropped: Sequence[str] = ()
) -> Framework:
    """A copy of ``framework`` with new raw ``weights`` (``framework.nodes`` order) and the
    nodes ``dropped`` removed with their subtrees (an aggregate left without children is
    removed too). Used by :func:`plain_loop` to check the kernel against the scorer."""
    nodes = framework.nodes.copy()
    if weights is not None:
        nodes["weight"] = np.asarray(weights, dtype=float)
    drop = set(dropped)
    while True:
        gone = {
            c
            for c in nodes.index
            if c in drop or any(a in drop for a in framework.ancestors(str(c)))
        }
        kept = nodes.loc[[c for c in nodes.index if c not in gone]]
        has_kids = set(kept["parent"])
        empty = {
            c for c in kept.index if not framework.nodes.at[c, "is_leaf"] and c not in has_kids
        }
        if not empty:
            break
        drop |= empty
    kept = kept.copy()
    kept["is_leaf"] = ~kept.index.isin(list(has_kids - {""}))
    return replace(framework, nodes=kept)


def plain_loop(
    observations: pd.DataFrame,
    framework: Framework,
    prep: Prepared,
    draws: Draws,
    code: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The reference: call :func:`smartcity_eval.scoring.engine.score` once per replication.

    Returns ``(scores, ranks)`` of node ``code`` as ``[n_rep, n_units]`` in the order of
    ``prep.units``. Ranks are the scorer's own (no rounding). Slow by design: it exists to
    check :func:`evaluate` and to time it (benchmarks/bench_uncertainty.py). Normalisation
    alternatives with ``zscore:m:s`` are not supported here (the scorer has no such option).
    """
    from smartcity_eval.scoring.engine import score

    code = code or framework.root
    c = prep.choices
    inds = framework.indicators
    opts = {
        k: v
        for k, v in prep.options.items()
        if k in ("scope", "min_coverage", "outliers", "groups", "targets")
    }
    key = pd.MultiIndex.from_frame(prep.units[["region", "year"]])
    scores = np.full((draws.n, prep.n_units), np.nan)
    ranks = np.full((draws.n, prep.n_units), np.nan)
    for i in range(draws.n):
        spec = c.normalise[draws.normalise[i]]
        if spec.mean_sd is not None:
            raise NotImplementedError("plain_loop cannot apply zscore:m:s")
        dropped = [inds[draws.dropped[i]]] if draws.dropped[i] >= 0 else []
        fw = framework_variant(framework, draws.weights[i], dropped)
        table = score(
            observations,
            fw,
            normalise=spec.method,
            range=spec.range or tuple(prep.options.get("range", (0.0, 100.0))),
            aggregate=c.aggregate[draws.aggregate[i]],
            impute=c.impute[draws.impute[i]],
            **opts,
        )
        rows = table[table["code"] == code].set_index(["region", "year"]).reindex(key)
        scores[i] = rows["score"].to_numpy(dtype=float)
        ranks[i] = rows["rank"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    return scores, ranks
