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

The method may differ per level or per node: pass a dict mapping a depth (int, the parent's
depth, root = 0) or a node code (str) to a method; a code wins over a depth, and nodes named
by neither use ``"default"`` from the dict, else ``"arithmetic"``.

:func:`aggregate_array` is the array kernel: it takes ``X[..., n_indicators]`` (indicator
scores in ``framework.indicators`` order, any leading dimensions such as replications x
regions) and returns ``S[..., n_nodes]`` in ``framework.nodes.index`` order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from smartcity_eval.errors import DataError, Problem

__all__ = [
    "METHODS",
    "weighted_mean",
    "aggregate_array",
    "node_methods",
    "parse_methods",
    "AggregationPlan",
    "plan",
]

METHODS = ("arithmetic", "geometric", "harmonic")
_TOL = 1e-12


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise DataError(
            Problem(
                None,
                None,
                "aggregate",
                f"unknown aggregation '{method}'",
                "use one of: " + ", ".join(METHODS),
            )
        )
    return method


def weighted_mean(
    values: np.ndarray,
    weights: np.ndarray | None = None,
    method: str = "arithmetic",
    axis: int = -1,
) -> np.ndarray:
    """Weighted arithmetic, geometric or harmonic mean along ``axis``, skipping NaN.

    ``weights`` (broadcastable to ``values``, default equal) are renormalised over the
    values present. All-missing gives NaN. Geometric and harmonic raise ValueError on a
    value <= 0. References: COINr ``a_amean``, ``a_gmean``, ``a_hmean`` (R/aggregate.R).
    """
    _check_method(method)
    v = np.asarray(values, dtype=float)
    w = np.ones_like(v) if weights is None else np.broadcast_to(np.asarray(weights, float), v.shape)
    present = ~np.isnan(v)
    if method != "arithmetic" and np.any(v[present] <= 0):
        raise ValueError(f"the {method} mean needs values > 0")
    wp = np.where(present, w, 0.0)
    denom = wp.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "arithmetic":
            out = np.where(present, v * w, 0.0).sum(axis=axis) / denom
        elif method == "geometric":
            out = np.exp(
                np.where(present, np.log(np.where(present, v, 1.0)) * w, 0.0).sum(axis=axis) / denom
            )
        else:
            out = denom / np.where(present, w / np.where(present, v, 1.0), 0.0).sum(axis=axis)
    return np.where(denom > 0, out, np.nan)


def node_methods(framework, aggregate: str | Mapping | None = "arithmetic") -> dict[str, str]:
    """The aggregation method of every aggregate node.

    ``aggregate`` is a method name for all, or a dict ``{depth: method, code: method,
    "default": method}`` (a code wins over a depth). Unknown codes or methods raise
    DataError.
    """
    nodes = framework.nodes
    if aggregate is None:
        aggregate = "arithmetic"
    if isinstance(aggregate, str) and "=" in aggregate:
        aggregate = parse_methods(aggregate)
    if isinstance(aggregate, str):
        _check_method(aggregate)
        return {code: aggregate for code in framework.aggregates}
    spec = dict(aggregate)
    default = _check_method(str(spec.pop("default", "arithmetic")))
    by_code: dict[str, str] = {}
    by_depth: dict[int, str] = {}
    problems = []
    for key, method in spec.items():
        _check_method(str(method))
        if isinstance(key, (int, np.integer)) or (isinstance(key, str) and key.isdigit()):
            by_depth[int(key)] = str(method)
        elif str(key) in nodes.index:
            by_code[str(key)] = str(method)
        else:
            from smartcity_eval.errors import did_you_mean

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


def parse_methods(text: str) -> dict[str | int, str]:
    """Parse the CLI form ``"1=arithmetic,2=geometric,GOV=harmonic,default=arithmetic"``
    (``depth=method`` or ``code=method`` pairs; a bare method sets the default)."""
    out: dict[str | int, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if "=" not in part:
            out["default"] = part
            continue
        key, method = (s.strip() for s in part.split("=", 1))
        out[int(key) if key.isdigit() else key] = method
    return out


class AggregationPlan:
    """Precomputed index arrays to aggregate a framework level by level (deepest first).

    Built once per framework and method choice by :func:`plan`; reused across calls (e.g.
    thousands of replications in an uncertainty analysis).
    """

    def __init__(self, framework, methods: Mapping[str, str]):
        nodes = framework.nodes
        self.codes = [str(c) for c in nodes.index]
        self.n_nodes = len(self.codes)
        pos = {c: i for i, c in enumerate(self.codes)}
        self.indicator_pos = np.array([pos[c] for c in framework.indicators], dtype=int)
        self.weights = nodes["weight"].to_numpy(dtype=float)
        depth = nodes["depth"].to_numpy()
        # one step per (depth, method): the children of those parents, grouped by parent so
        # that np.add.reduceat sums each parent's children in file order (no BLAS: exact,
        # repeatable sums and no thread contention)
        self.steps: list[tuple[str, np.ndarray, np.ndarray, np.ndarray, list[str]]] = []
        for d in range(int(depth.max()) - 1, -1, -1):
            parents = [c for c in framework.aggregates if int(nodes.at[c, "depth"]) == d]
            for method in METHODS:
                ps = [p for p in parents if methods[p] == method]
                if not ps:
                    continue
                kids: list[int] = []
                starts: list[int] = []
                for p_code in ps:
                    starts.append(len(kids))
                    kids.extend(pos[c] for c in framework.children(p_code))
                self.steps.append(
                    (
                        method,
                        np.array(kids, dtype=int),
                        np.array([pos[p] for p in ps], dtype=int),
                        np.array(starts, dtype=int),
                        ps,
                    )
                )


def plan(framework, aggregate: str | Mapping | None = "arithmetic") -> AggregationPlan:
    """An :class:`AggregationPlan` for ``framework`` with methods from ``aggregate``."""
    return AggregationPlan(framework, node_methods(framework, aggregate))


def aggregate_array(
    X: np.ndarray,
    framework,
    method: str | Mapping | None = "arithmetic",
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
    X = np.asarray(X, dtype=float)
    p = aggregation_plan if aggregation_plan is not None else plan(framework, method)
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
    for agg, kids, parents, starts, parent_codes in p.steps:
        V = S[kids]
        present = ~np.isnan(V)
        if agg != "arithmetic":
            bad = present & (V <= 0)
            if bad.any():
                _raise_nonpositive(
                    bad, V, kids, starts, parent_codes, p.codes, agg, unit_label, lead
                )
        wk = W[kids]

        def wsum(M: np.ndarray, wk=wk, starts=starts) -> np.ndarray:
            return np.add.reduceat(M * wk, starts, axis=0)

        total = np.add.reduceat(wk, starts, axis=0)
        denom = wsum(present)
        with np.errstate(invalid="ignore", divide="ignore"):
            if agg == "arithmetic":
                out = wsum(np.where(present, V, 0.0)) / denom
            elif agg == "geometric":
                out = np.exp(wsum(np.log(np.where(present, V, 1.0))) / denom)
            else:
                out = denom / wsum(np.where(present, 1.0 / np.where(present, V, 1.0), 0.0))
            cov = denom / total
        keep = (denom > 0) & (cov >= min_coverage - _TOL)
        S[parents] = np.where(keep, out, np.nan)
        if C is not None:
            C[parents] = np.where(total > 0, cov, 0.0)
    S_out = np.ascontiguousarray(S.T).reshape(lead + (p.n_nodes,))
    if return_coverage:
        return S_out, np.ascontiguousarray(C.T).reshape(lead + (p.n_nodes,))
    return S_out


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
