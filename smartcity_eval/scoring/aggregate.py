"""Aggregation up an indicator tree of any depth.

Each aggregate is a weighted mean of its direct children (OECD/JRC *Handbook on
Constructing Composite Indicators*, 2008, step 6; COINr ``Aggregate``, R/aggregate.R):

==============  ===========================================================================
method          formula over the children present (weights ``w`` renormalised over them)
==============  ===========================================================================
``arithmetic``  ``sum(w x) / sum(w)``                      (COINr ``a_amean``)
``geometric``   ``exp(sum(w log x) / sum(w))``, needs x > 0 (COINr ``a_gmean``)
``harmonic``    ``sum(w) / sum(w / x)``, needs x > 0        (COINr ``a_hmean``, which rejects
                only x = 0; we also reject x < 0, where the mean has no meaning)
==============  ===========================================================================

Missing children are skipped and the weights renormalised over those present, as COINr
does. ``coverage`` is the weighted share of the children present, ``sum(w present) /
sum(w all)`` in [0, 1]; an aggregate is missing when no child is present or when its
coverage is below ``min_coverage`` (COINr's ``dat_thresh`` is the same test on the
*unweighted* share; with equal weights the two agree). A child counts as present when its
own score is present, so a sub-aggregate dropped for low coverage counts as missing one
level up.

The method may differ per level or per node: any spec of
:func:`smartcity_eval.settings.parse_aggregate` (the one parser), e.g. a dict mapping a depth
(int, the parent's depth, root = 0) or a node code (str) to a method; a code wins over a
depth, and nodes named by neither use ``"default"``, else ``"arithmetic"``.

The means themselves are computed by the one weighted-mean kernel,
:mod:`smartcity_eval.scoring.means`. :class:`AggregationPlan` lists the tree's steps (one
per depth and method, deepest first); the scorer and the uncertainty analysis both run it.
:func:`aggregate_array` is the array kernel: it takes ``X[..., n_indicators]`` (indicator
scores in ``framework.indicators`` order, any leading dimensions such as replications x
regions) and returns ``S[..., n_nodes]`` in ``framework.nodes.index`` order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from smartcity_eval.errors import DataError, Problem, did_you_mean
from smartcity_eval.scoring.means import (
    METHODS,
    mean_from_sums,
    mean_terms,
    nonpositive,
    weighted_mean,
)
from smartcity_eval.settings import parse_aggregate

__all__ = [
    "aggregate_node_major",
    "METHODS",
    "weighted_mean",
    "aggregate_array",
    "node_methods",
    "AggregationPlan",
    "Step",
    "plan",
    "COVERAGE_TOLERANCE",
]

#: Slack of the ``min_coverage`` test (a coverage of 0.4999999999999 passes 0.5).
COVERAGE_TOLERANCE = 1e-12


def node_methods(framework, aggregate: Any = "arithmetic") -> dict[str, str]:
    """The aggregation method of every aggregate node.

    ``aggregate`` is any form :func:`smartcity_eval.settings.parse_aggregate` accepts (a
    method name, the text ``"1=arithmetic,GOV=geometric"``, a mapping ``{depth: method,
    code: method, "default": method}``, or its canonical tuple, e.g.
    ``settings.aggregate``); None = arithmetic. A code wins over a depth. An unknown method
    raises :class:`~smartcity_eval.settings.ParameterError`; an unknown code DataError.
    """
    nodes = framework.nodes
    spec = dict(parse_aggregate(_as_input(aggregate)))
    default = spec.pop("default")
    by_code: dict[str, str] = {}
    by_depth: dict[int, str] = {}
    problems = []
    for key, method in spec.items():
        if isinstance(key, (int, np.integer)):
            by_depth[int(key)] = str(method)
        elif str(key) in nodes.index:
            by_code[str(key)] = str(method)
        else:
            problems.append(
                Problem(
                    None,
                    None,
                    "aggregate",
                    f"'{key}' is neither a level (0, 1, ...) nor a node of the framework",
                    did_you_mean(key, list(nodes.index)),
                )
            )
    if problems:
        raise DataError(problems)
    out = {}
    for code in framework.aggregates:
        depth = int(nodes.at[code, "depth"])
        out[code] = by_code.get(code, by_depth.get(depth, default))
    return out


def _as_input(aggregate: Any) -> Any:
    """None -> arithmetic; a canonical tuple -> its mapping; numpy ints -> ints."""
    if aggregate is None:
        return "arithmetic"
    if isinstance(aggregate, tuple):
        aggregate = dict(aggregate)
    if isinstance(aggregate, Mapping):
        return {int(k) if isinstance(k, np.integer) else k: v for k, v in aggregate.items()}
    return aggregate


class Step(NamedTuple):
    """One aggregation step: every parent of one depth aggregated with one method.

    ``kids``: node positions (``framework.nodes`` order) of the children, grouped by parent
    in file order; ``parents``: the parents' positions; ``starts``: where each parent's
    children start in ``kids`` (for ``np.add.reduceat``); ``codes``: the parents' codes;
    ``membership``: the one-hot ``[kids, parents]`` matrix (child -> its parent).
    """

    method: str
    kids: np.ndarray
    parents: np.ndarray
    starts: np.ndarray
    codes: list[str]
    membership: np.ndarray


class AggregationPlan:
    """The tree's aggregation steps for one choice of methods, deepest level first.

    Built once per framework and method choice (:func:`plan`) and reused across calls: the
    scorer (:func:`aggregate_array`) and the uncertainty analysis
    (:mod:`smartcity_eval.robustness.uncertainty`) both run its :class:`Step` list.
    """

    def __init__(self, framework, methods: Mapping[str, str]):
        nodes = framework.nodes
        self.codes = [str(c) for c in nodes.index]
        self.n_nodes = len(self.codes)
        pos = {c: i for i, c in enumerate(self.codes)}
        self.indicator_pos = np.array([pos[c] for c in framework.indicators], dtype=int)
        self.weights = nodes["weight"].to_numpy(dtype=float)
        depth = nodes["depth"].to_numpy()
        self.steps: list[Step] = []
        for d in range(int(depth.max()) - 1, -1, -1):
            parents = [c for c in framework.aggregates if int(nodes.at[c, "depth"]) == d]
            for method in METHODS:
                ps = [p for p in parents if methods[p] == method]
                if ps:
                    self.steps.append(_step(framework, method, ps, pos))


def _step(framework, method: str, parents: list[str], pos: Mapping[str, int]) -> Step:
    kids: list[int] = []
    starts: list[int] = []
    owner: list[int] = []
    for j, p_code in enumerate(parents):
        starts.append(len(kids))
        children = framework.children(p_code)
        kids.extend(pos[c] for c in children)
        owner.extend([j] * len(children))
    membership = np.zeros((len(kids), len(parents)))
    membership[np.arange(len(kids)), owner] = 1.0
    return Step(
        method,
        np.array(kids, dtype=int),
        np.array([pos[p] for p in parents], dtype=int),
        np.array(starts, dtype=int),
        list(parents),
        membership,
    )


def plan(framework, aggregate: Any = "arithmetic") -> AggregationPlan:
    """An :class:`AggregationPlan` for ``framework`` with methods from ``aggregate``."""
    return AggregationPlan(framework, node_methods(framework, aggregate))


def aggregate_array(
    X: np.ndarray,
    framework,
    method: Any = "arithmetic",
    min_coverage: float = 0.0,
    *,
    weights: np.ndarray | None = None,
    return_coverage: bool = False,
    unit_label: Callable[[tuple[int, ...]], str] | None = None,
    aggregation_plan: AggregationPlan | None = None,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Aggregate indicator scores up the whole tree.

    Parameters
    ----------
    X : ``[..., n_indicators]`` normalised indicator scores in ``framework.indicators``
        order; NaN = missing. Leading dimensions are free (e.g. replications x regions).
    framework : the tree (a :class:`~smartcity_eval.io.frameworks.Framework`).
    method : a method name, or a dict per depth / code (see the module docstring).
    min_coverage : 0-1; an aggregate with a weighted share of children present below this
        is missing.
    weights : optional raw weights per node, ``[..., n_nodes]`` in ``framework.nodes``
        order, broadcastable against the leading dimensions of ``X`` (e.g. one weight set
        per replication: ``[n_rep, 1, n_nodes]`` for ``X[n_rep, n_regions, n_ind]``).
        Default: the framework's weights. Only ratios among siblings matter.
    return_coverage : also return the coverage array (indicators: 1 present, 0 missing).
    unit_label : maps a leading index tuple to a text for error messages (e.g. "region
        Kota Kediri, year 2022"); default "unit (i, j)".
    aggregation_plan : a precomputed :func:`plan` (speed when called many times).

    Returns
    -------
    ``S[..., n_nodes]`` in ``framework.nodes.index`` order (indicators keep their values);
    with ``return_coverage`` the tuple ``(S, coverage)``.

    Raises
    ------
    DataError : a value <= 0 under a geometric or harmonic mean, naming unit, node, value.
    """
    p = aggregation_plan if aggregation_plan is not None else plan(framework, method)
    S, C = aggregate_node_major(
        X,
        p,
        min_coverage,
        weights=weights,
        return_coverage=return_coverage,
        unit_label=unit_label,
    )
    lead = S.shape[1:]
    S_out = np.ascontiguousarray(S.reshape(p.n_nodes, -1).T).reshape(lead + (p.n_nodes,))
    if return_coverage:
        C_out = np.ascontiguousarray(C.reshape(p.n_nodes, -1).T)
        return S_out, C_out.reshape(lead + (p.n_nodes,))
    return S_out


def aggregate_node_major(
    X: np.ndarray,
    aggregation_plan: AggregationPlan,
    min_coverage: float = 0.0,
    *,
    weights: np.ndarray | None = None,
    return_coverage: bool = False,
    unit_label: Callable[[tuple[int, ...]], str] | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """:func:`aggregate_array` in its own node-major layout: ``(S, coverage)`` as
    ``[n_nodes, ...]`` arrays (coverage None unless ``return_coverage``), which the scorer
    ranks and lays out without transposing twice."""
    X = np.asarray(X, dtype=float)
    p = aggregation_plan
    lead = X.shape[:-1]
    if X.shape[-1] != len(p.indicator_pos):
        raise ValueError(
            f"X has {X.shape[-1]} indicator columns; the framework has {len(p.indicator_pos)}"
        )
    n_units = int(np.prod(lead, dtype=np.int64))
    # node-major layout [nodes, units]: each parent's children are contiguous rows, summed
    # with np.add.reduceat along axis 0 (vectorised over all units; no BLAS, so the sums
    # are exact left-to-right sums, repeatable, and free of thread contention)
    S = np.full((p.n_nodes, n_units), np.nan)
    S[p.indicator_pos] = X.reshape(n_units, -1).T
    if weights is None:
        W = p.weights[:, None]
    else:
        w = np.asarray(weights, dtype=float)
        W = np.broadcast_to(w, lead + (p.n_nodes,)).reshape(n_units, p.n_nodes).T
    C = np.zeros((p.n_nodes, n_units)) if return_coverage else None
    if C is not None:
        C[p.indicator_pos] = ~np.isnan(S[p.indicator_pos])
    for agg, kids, parents, starts, parent_codes, _ in p.steps:
        V = S[kids]
        present = ~np.isnan(V)
        bad = nonpositive(V, agg)
        if bad.any():
            _raise_nonpositive(bad, V, kids, starts, parent_codes, p.codes, agg, unit_label, lead)
        wk = W[kids]
        total = np.add.reduceat(wk, starts, axis=0)
        den = np.add.reduceat(present * wk, starts, axis=0)
        num = np.add.reduceat(mean_terms(V, agg) * wk, starts, axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            cov = den / total
        keep = cov >= min_coverage - COVERAGE_TOLERANCE
        S[parents] = np.where(keep, mean_from_sums(num, den, agg), np.nan)
        if C is not None:
            C[parents] = np.where(total > 0, cov, 0.0)
    shape = (p.n_nodes,) + lead
    return S.reshape(shape), (C.reshape(shape) if C is not None else None)


def _raise_nonpositive(bad, V, kids, starts, parent_codes, codes, method, unit_label, lead) -> None:
    problems = []
    idx = np.argwhere(bad)  # rows: (child k, unit u) in the node-major layout
    for k, u in idx[:20]:
        unit = tuple(int(i) for i in np.unravel_index(int(u), lead)) if lead else ()
        parent = parent_codes[int(np.searchsorted(starts, k, side="right")) - 1]
        where = unit_label(unit) if unit_label is not None else f"unit {unit}"
        value = float(V[k, u])
        problems.append(
            Problem(
                None,
                None,
                "aggregate",
                f"{where}, node '{parent}': the {method} mean needs values > 0, but child "
                f"'{codes[kids[k]]}' is {value:g}",
                "normalise to a range above 0 (e.g. --range 1 100) or use --aggregate arithmetic",
                f"{where}, simpul '{parent}': rata-rata {method} memerlukan nilai > 0, "
                f"tetapi anak '{codes[kids[k]]}' bernilai {value:g}",
            )
        )
    if len(idx) > 20:
        problems.append(
            Problem(None, None, "aggregate", f"... and {len(idx) - 20} more values <= 0")
        )
    raise DataError(problems)
