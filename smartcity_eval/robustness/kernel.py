"""The replication kernel of the uncertainty analysis: every replication's scores at once.

The means are the library's one weighted-mean kernel
(:func:`~smartcity_eval.scoring.means.mean_terms`,
:func:`~smartcity_eval.scoring.means.mean_from_sums`) over the steps of the scorer's
:class:`~smartcity_eval.scoring.aggregate.AggregationPlan`; what is particular here is
that the sums are shared across replications (see :func:`evaluate`). Ranks are the
library's one rank function (:func:`~smartcity_eval.scoring.ranks.rank_min`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.robustness.draws import Draws, Prepared
from smartcity_eval.scoring.aggregate import COVERAGE_TOLERANCE, AggregationPlan
from smartcity_eval.scoring.means import mean_from_sums, mean_terms, nonpositive
from smartcity_eval.scoring.ranks import rank_min

__all__ = ["evaluate", "year_ranks"]

#: Replications per block: at most this many floats in a block's [r, units, aggregates].
_CHUNK_ELEMENTS = 3_000_000


# ----------------------------------------------------------------------------- kernel
def _check_positive_values(V: np.ndarray, method: str) -> None:
    bad = nonpositive(V, method)
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
    """The means from their sums (:func:`~smartcity_eval.scoring.means.mean_from_sums`);
    NaN where nothing is present or the coverage ``den / total`` is below ``min_cov``."""
    out = np.array(mean_from_sums(num, den, method), dtype=float)
    if min_cov > 0:
        with np.errstate(invalid="ignore", divide="ignore"):
            low = np.asarray(den) / np.asarray(total) < min_cov - COVERAGE_TOLERANCE
        out[np.broadcast_to(low, out.shape)] = np.nan
    return out


def _aggregate_group(
    prep: Prepared,
    X: np.ndarray,
    plan: AggregationPlan,
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
    for method, kids, parents, _starts, _codes, A in plan.steps:
        P = A.shape[1]
        leaf = prep.is_leaf[kids]
        slot = np.where(leaf, 0, prep.agg_slot[kids])
        rep_k = ~leaf & is_rep[slot]
        sh_k = ~rep_k
        total = W[:, kids] @ A  # (r, P)
        owner = A.argmax(axis=1)
        if method not in cache:
            cache[method] = mean_terms(X, method)
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
            T[:, ~is_l] = mean_terms(V, method)
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
                    wk * (mean_terms(pt.vals, method) - T[:, j]),
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
                num3 += np.matmul(mean_terms(V, method), Mg)
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
    compared to :data:`~smartcity_eval.vocab.TIE_DECIMALS` decimals
    (:func:`smartcity_eval.scoring.ranks.rank_min`). ``scores`` is ``[..., n_units]``."""
    ranks = np.full(scores.shape, np.nan)
    for cols in prep.year_groups.values():
        ranks[..., cols] = rank_min(scores[..., cols], axis=-1)
    return ranks
