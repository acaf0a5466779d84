"""Variance-based sensitivity analysis: which open choice moves the ranks most.

The design and estimators are those of the OECD/JRC *Handbook on Constructing Composite
Indicators* (2008, step 7) as implemented by the JRC's COINr (``get_sensitivity``,
``SA_sample``, ``SA_estimate`` in R/sensitivity.R):

* **Design** (Saltelli et al. 2010, "Variance based sensitivity analysis of model output.
  Design and estimator for the total sensitivity index", *Computer Physics Communications*
  181: 259-270): two independent ``N x D`` samples ``A`` and ``B`` of the unit hypercube
  and, for each factor ``i``, the matrix ``A_B^(i)``: ``A`` with the columns of factor
  ``i`` taken from ``B``. The model runs ``N (k + 2)`` times for ``k`` factors, rows
  ordered ``A, B, A_B^(1), ..., A_B^(k)`` (COINr's layout). A factor may be a *group* of
  columns (e.g. all the weights of one level): its indices are then those of the group.
* **First-order index** ``S_i = mean(f_B (f_ABi - f_A)) / V`` (Saltelli et al. 2010,
  table 2 (b)) and **total-order index** ``ST_i = mean((f_A - f_ABi)^2) / (2 V)`` (Jansen
  1999), with ``V`` the variance of ``f_A`` and ``f_B`` pooled (population variance, as
  SALib; the output is first centred on the mean of all runs, as SALib does, which lowers
  the variance of the first-order estimator without changing its expectation).
* **Confidence intervals**: the ``N`` base rows are resampled with replacement
  (``n_boot`` times) and the indices recomputed; the interval is the percentile interval
  (default 5 %-95 %, COINr's ``Si_q5``/``Si_q95``).

``S_i`` is the share of the output variance removed if factor ``i`` were fixed;
``ST_i - S_i`` is the share due to its interactions with the others. Both lie in [0, 1]
up to Monte Carlo error (small negative estimates mean "zero").

The index-level functions (:func:`sensitivity_analysis`, :func:`drop_one`) run the
composite through the vectorised kernel of :mod:`smartcity_eval.robustness.uncertainty`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.robustness.choices import Choices, NormSpec, nominal_setup
from smartcity_eval.robustness.draws import Draws, Prepared, decode, nominal_draws, prepare
from smartcity_eval.robustness.kernel import evaluate, year_ranks
from smartcity_eval.robustness.uncertainty import UncertaintyResult, default_choices
from smartcity_eval.settings import Settings

__all__ = [
    "SaltelliDesign",
    "saltelli_design",
    "sobol_indices",
    "SobolResult",
    "SensitivityResult",
    "sensitivity_analysis",
    "sensitivity_dataset",
    "mean_abs_rank_shift",
    "drop_one",
    "drop_one_dataset",
    "drop_one_summary",
    "INDEX_COLUMNS",
    "REGION_COLUMNS",
]


# Columns of SensitivityResult.indices and .by_region (robustness/summary.py builds empty ones).
_SOBOL_COLUMNS = [
    "year",
    "code",
    "output",
    "factor",
    "S1",
    "S1_lo",
    "S1_hi",
    "ST",
    "ST_lo",
    "ST_hi",
]
INDEX_COLUMNS = [*_SOBOL_COLUMNS, "interactions", "variance", "n_base", "n_runs"]
REGION_COLUMNS = [
    "region",
    "year",
    "code",
    "output",
    "factor",
    "S1",
    "ST",
    "interactions",
    "variance",
]


@dataclass(frozen=True)
class SaltelliDesign:
    """A Saltelli (2010) sample of the unit hypercube for ``k`` factors.

    Attributes
    ----------
    A, B : ``(N, D)`` arrays in [0, 1): two independent base samples.
    groups : for each factor, the column indices (of the ``D`` columns) it owns.
    names : the factor names.
    """

    A: np.ndarray
    B: np.ndarray
    groups: tuple[np.ndarray, ...]
    names: tuple[str, ...]

    @property
    def n(self) -> int:
        """Base sample size ``N``."""
        return int(self.A.shape[0])

    @property
    def k(self) -> int:
        """Number of factors."""
        return len(self.groups)

    def matrix(self) -> np.ndarray:
        """All ``N (k + 2)`` input rows: ``A``, ``B``, then ``A_B^(i)`` for each factor."""
        blocks = [self.A, self.B]
        for cols in self.groups:
            ab = self.A.copy()
            ab[:, cols] = self.B[:, cols]
            blocks.append(ab)
        return np.vstack(blocks)


def saltelli_design(
    n: int,
    groups: Sequence[int] | int,
    *,
    names: Sequence[str] | None = None,
    seed: int | np.random.Generator | None = None,
    method: str = "sobol",
) -> SaltelliDesign:
    """Draw a Saltelli design with ``n`` base rows.

    Parameters
    ----------
    n : base sample size ``N`` (the model runs ``N (k + 2)`` times). With ``method="sobol"``
        a power of two keeps the sequence balanced.
    groups : the number of factors (each one column), or the number of columns of each
        factor (a factor with several columns is varied as a group).
    names : factor names (default ``X1, X2, ...``).
    seed : seed or Generator; the same seed gives the same design.
    method : ``"sobol"`` (scrambled Sobol' sequence in ``2 D`` dimensions, Saltelli 2010's
        recommendation; scipy.stats.qmc) or ``"random"`` (independent uniforms, COINr).
    """
    sizes = [1] * int(groups) if isinstance(groups, (int, np.integer)) else [int(g) for g in groups]
    if n < 2 or not sizes or min(sizes) < 1:
        raise ValueError("need n >= 2 and at least one factor with at least one column")
    d = int(sum(sizes))
    rng = np.random.default_rng(seed)
    if method == "sobol":
        from scipy.stats import qmc

        sampler = qmc.Sobol(d=2 * d, scramble=True, seed=rng)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # balance warning when n != 2^m
            base = sampler.random(n)
    elif method == "random":
        base = rng.random((n, 2 * d))
    else:
        raise ValueError(f"unknown sampling method '{method}' (use 'sobol' or 'random')")
    bounds = np.cumsum([0, *sizes])
    cols = tuple(np.arange(bounds[i], bounds[i + 1]) for i in range(len(sizes)))
    labels = tuple(names) if names is not None else tuple(f"X{i + 1}" for i in range(len(sizes)))
    if len(labels) != len(sizes):
        raise ValueError(f"{len(labels)} names for {len(sizes)} factors")
    return SaltelliDesign(A=base[:, :d], B=base[:, d:], groups=cols, names=labels)


@dataclass(frozen=True)
class SobolResult:
    """First- and total-order indices, one per factor and output.

    Arrays have shape ``(k,) + output_shape``; ``variance`` has ``output_shape``.
    ``S1_lo``/``S1_hi``/``ST_lo``/``ST_hi`` are NaN when no bootstrap was run.
    """

    S1: np.ndarray
    ST: np.ndarray
    S1_lo: np.ndarray
    S1_hi: np.ndarray
    ST_lo: np.ndarray
    ST_hi: np.ndarray
    variance: np.ndarray
    conf: float

    def table(self, names: Sequence[str]) -> pd.DataFrame:
        """A tidy frame ``factor, S1, S1_lo, S1_hi, ST, ST_lo, ST_hi, interactions`` for a
        scalar output (``interactions = ST - S1``, floored at 0)."""
        if self.S1.ndim != 1:
            raise ValueError("table() is for a scalar output; index the result first")
        out = pd.DataFrame(
            {
                "factor": list(names),
                "S1": self.S1,
                "S1_lo": self.S1_lo,
                "S1_hi": self.S1_hi,
                "ST": self.ST,
                "ST_lo": self.ST_lo,
                "ST_hi": self.ST_hi,
            }
        )
        out["interactions"] = np.maximum(out["ST"] - out["S1"], 0.0)
        return out


def _estimate(fA: np.ndarray, fB: np.ndarray, fAB: np.ndarray) -> tuple[np.ndarray, ...]:
    """Saltelli 2010 S1 and Jansen ST. fA, fB: (..., N, m); fAB: (k, ..., N, m).

    The outputs are centred on the mean of all ``N (k + 2)`` runs first, as SALib does."""
    y = np.concatenate([fA, fB], axis=-2)
    n_all = fA.shape[-2] * (fAB.shape[0] + 2)
    mean = ((fA.sum(axis=-2) + fB.sum(axis=-2) + fAB.sum(axis=(0, -2))) / n_all)[..., None, :]
    var = y.var(axis=-2)
    a, b, ab = fA - mean, fB - mean, fAB - mean
    num1 = np.mean(b * (ab - a), axis=-2)
    numt = 0.5 * np.mean((a - ab) ** 2, axis=-2)
    tiny = var <= np.finfo(float).eps * np.maximum(1.0, np.abs(mean[..., 0, :]) ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        s1 = np.where(tiny, 0.0, num1 / var)
        st = np.where(tiny, 0.0, numt / var)
    return s1, st, np.where(tiny, 0.0, var)


def sobol_indices(
    y: np.ndarray,
    n: int,
    k: int,
    *,
    n_boot: int = 0,
    conf: float = 0.90,
    seed: int | np.random.Generator | None = None,
    max_elements: int = 4_000_000,
) -> SobolResult:
    """First- and total-order Sobol' indices from the outputs of a Saltelli design.

    Parameters
    ----------
    y : model outputs, shape ``(N (k + 2),) + output_shape`` in the row order of
        :meth:`SaltelliDesign.matrix` (``A``, ``B``, ``A_B^(1)``, ... ``A_B^(k)``). Trailing
        dimensions are independent outputs (e.g. one per region); NaN is not allowed.
    n, k : base sample size and number of factors.
    n_boot : bootstrap resamples for the confidence intervals (0 = none).
    conf : coverage of the percentile interval (0.90 gives the 5 % and 95 % quantiles).
    seed : seed of the bootstrap.
    max_elements : bound on the size of the temporary arrays (the bootstrap is chunked).

    Returns
    -------
    :class:`SobolResult`. A constant output (no variance) gives indices 0.
    """
    y = np.asarray(y, dtype=float)
    if y.shape[0] != n * (k + 2):
        raise ValueError(f"y has {y.shape[0]} rows; a design with N={n}, k={k} has {n * (k + 2)}")
    if np.isnan(y).any():
        raise ValueError("y has missing values; sensitivity indices need every run")
    out_shape = y.shape[1:]
    flat = y.reshape(n * (k + 2), -1)
    fA, fB = flat[:n], flat[n : 2 * n]
    fAB = flat[2 * n :].reshape(k, n, -1)
    s1, st, var = _estimate(fA, fB, fAB)
    nan = np.full_like(s1, np.nan)
    lo1, hi1, lot, hit = nan, nan.copy(), nan.copy(), nan.copy()
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        idx = rng.integers(0, n, size=(n_boot, n))
        m = flat.shape[1]
        chunk = max(1, int(max_elements // max(1, (k + 2) * n * m)))
        b1, bt = [], []
        for start in range(0, n_boot, chunk):
            sel = idx[start : start + chunk]  # (c, N)
            r1, rt, _ = _estimate(fA[sel], fB[sel], fAB[:, sel])  # (k, c, m)
            b1.append(r1)
            bt.append(rt)
        boot1 = np.concatenate(b1, axis=1)
        boott = np.concatenate(bt, axis=1)
        q = [(1 - conf) / 2, 1 - (1 - conf) / 2]
        lo1, hi1 = np.quantile(boot1, q, axis=1)
        lot, hit = np.quantile(boott, q, axis=1)
    shape = (k,) + out_shape
    return SobolResult(
        S1=s1.reshape(shape),
        ST=st.reshape(shape),
        S1_lo=lo1.reshape(shape),
        S1_hi=hi1.reshape(shape),
        ST_lo=lot.reshape(shape),
        ST_hi=hit.reshape(shape),
        variance=var.reshape(out_shape),
        conf=conf,
    )


def _is_power_of_two(n: int) -> bool:
    return n > 0 and math.log2(n).is_integer()


# ----------------------------------------------------------------------------- the index
def mean_abs_rank_shift(prep: Prepared, ranks: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """COINr's output of interest: the mean over the regions of a year of ``|rank -
    nominal rank|``, per run and year. ``ranks`` is ``[n_runs, n_units]``; returns
    ``[n_runs, n_years]`` (years in ``prep.year_groups`` order). Regions without a rank
    (missing score) are left out of the mean."""
    out = np.empty((ranks.shape[0], len(prep.year_groups)))
    for j, cols in enumerate(prep.year_groups.values()):
        diff = np.abs(ranks[:, cols] - nominal[cols])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out[:, j] = np.nanmean(diff, axis=1)
    return out


@dataclass(eq=False)
class SensitivityResult:
    """A variance-based sensitivity analysis of the ranks of one node.

    Attributes
    ----------
    indices : tidy ``year, code, output, factor, S1, S1_lo, S1_hi, ST, ST_lo, ST_hi,
        interactions, variance, n_base, n_runs`` for the output ``mean_abs_rank_shift``.
    by_region : tidy ``region, year, code, output, factor, S1, ST, interactions,
        variance`` for each region's own rank (output ``rank``); NaN where the region
        lacks a rank in some run.
    uncertainty : the uncertainty analysis from the ``2 N`` independent runs (``A`` and
        ``B``), as COINr does.
    design : the Saltelli design.
    """

    indices: pd.DataFrame
    by_region: pd.DataFrame
    uncertainty: UncertaintyResult
    design: SaltelliDesign

    def table(self) -> pd.DataFrame:
        """Both tables in one tidy frame (``region`` empty for the mean rank shift)."""
        overall = self.indices.assign(region="")
        cols = ["region"] + [c for c in self.indices.columns]
        regional = self.by_region.reindex(columns=cols)
        out = pd.concat([overall[cols], regional], ignore_index=True)
        out["region"] = out["region"].astype("str")
        for col in ("n_base", "n_runs"):
            out[col] = out[col].astype("Int64")
        return out


def sensitivity_analysis(
    observations: pd.DataFrame,
    framework: Framework,
    choices: Choices,
    options: Mapping[str, Any] | None = None,
    *,
    n: int = 256,
    seed: int | None = 1,
    years: Sequence[int] | None = None,
    code: str | None = None,
    n_boot: int = 500,
    conf: float = 0.90,
    method: str = "sobol",
    by_region: bool = True,
) -> SensitivityResult:
    """First- and total-order sensitivity indices of the ranks to each open choice.

    Parameters
    ----------
    observations, framework, choices, options : as
        :func:`smartcity_eval.robustness.uncertainty.uncertainty_analysis`. Each open choice (weights
        as one group, normalisation, aggregation, imputation, indicator removal) is one
        factor; choices left at their nominal value are not factors.
    n : base sample size ``N``; the index is computed ``N (k + 2)`` times.
    seed : seed of the design and the bootstrap (same seed, same result).
    years, code : restrict the years; the node analysed (default the index).
    n_boot, conf : bootstrap resamples and the coverage of the percentile intervals.
    method : ``"sobol"`` (quasi-random) or ``"random"`` sampling (:func:`saltelli_design`).
    by_region : also the indices of each region's rank (no intervals).

    Output of interest (COINr ``get_sensitivity``): the mean absolute rank shift with
    respect to the nominal ranks, per year.
    """
    prep = prepare(observations, framework, choices, options, years=years)
    factors = prep.factors
    if not factors:
        raise DataError(
            Problem(
                None,
                None,
                None,
                "nothing is uncertain: every choice is fixed at its nominal value",
                "give weight noise or alternative methods (e.g. --weight-noise 0.25)",
                "tidak ada yang tidak pasti: semua pilihan tetap pada nilai nominal",
            )
        )
    if n < 2:
        raise DataError(Problem(None, None, "n", f"n = {n}: need at least 2", "e.g. 256"))
    code = code or framework.root
    rng = np.random.default_rng(seed)
    seeds = rng.integers(0, 2**63 - 1, size=2)
    design = saltelli_design(
        int(n),
        [w for _, w in factors],
        names=[f for f, _ in factors],
        seed=int(seeds[0]),
        method=method,
    )
    draws = decode(prep, design.matrix())
    scores = evaluate(prep, draws, [code])[:, :, 0]
    ranks = year_ranks(prep, scores)
    nominal = evaluate(prep, nominal_draws(prep), [code])[0, :, 0]
    nominal_ranks = year_ranks(prep, nominal[None, :])[0]
    k, N = design.k, design.n
    shift = mean_abs_rank_shift(prep, ranks, nominal_ranks)
    year_list = list(prep.year_groups)
    rows = []
    ok = ~np.isnan(shift).any(axis=0)
    res = sobol_indices(
        np.where(np.isnan(shift), 0.0, shift),
        N,
        k,
        n_boot=n_boot,
        conf=conf,
        seed=int(seeds[1]),
    )
    for j, year in enumerate(year_list):
        for i, name in enumerate(design.names):
            vals = [
                res.S1[i, j],
                res.S1_lo[i, j],
                res.S1_hi[i, j],
                res.ST[i, j],
                res.ST_lo[i, j],
                res.ST_hi[i, j],
            ]
            if not ok[j]:
                vals = [np.nan] * 6
            rows.append(
                (
                    year,
                    code,
                    "mean_abs_rank_shift",
                    name,
                    *vals,
                    float(res.variance[j]) if ok[j] else np.nan,
                )
            )
    indices = pd.DataFrame(rows, columns=[*_SOBOL_COLUMNS, "variance"])
    indices["interactions"] = np.maximum(indices["ST"] - indices["S1"], 0.0)
    indices["n_base"] = N
    indices["n_runs"] = N * (k + 2)
    indices = indices[INDEX_COLUMNS]
    for col in ("code", "output", "factor"):
        indices[col] = indices[col].astype("str")
    regional = _empty_regional()
    if by_region:
        complete = ~np.isnan(ranks).any(axis=0)
        rr = sobol_indices(np.where(np.isnan(ranks), 0.0, ranks), N, k)
        units = prep.units
        U = len(units)
        regional = pd.DataFrame(
            {
                "region": pd.array(np.tile(units["region"].to_numpy(), k), dtype="str"),
                "year": np.tile(units["year"].to_numpy(), k),
                "code": pd.array([code] * (k * U), dtype="str"),
                "output": pd.array(["rank"] * (k * U), dtype="str"),
                "factor": pd.array(np.repeat(design.names, U), dtype="str"),
                "S1": np.where(complete, rr.S1, np.nan).reshape(-1),
                "ST": np.where(complete, rr.ST, np.nan).reshape(-1),
                "variance": np.tile(np.where(complete, rr.variance, np.nan), k),
            }
        )
        regional["interactions"] = np.maximum(regional["ST"] - regional["S1"], 0.0)
        regional = regional[REGION_COLUMNS]
    base = np.arange(2 * N)
    ab = Draws(
        weights=draws.weights[base],
        normalise=draws.normalise[base],
        aggregate=draws.aggregate[base],
        impute=draws.impute[base],
        dropped=draws.dropped[base],
    )
    ua = UncertaintyResult(
        prep=prep,
        code=code,
        draws=ab,
        scores=scores[base],
        ranks=ranks[base],
        nominal_scores=nominal,
        nominal_ranks=nominal_ranks,
    )
    return SensitivityResult(indices=indices, by_region=regional, uncertainty=ua, design=design)


def _empty_regional() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": pd.Series(dtype="str"),
            "year": pd.Series(dtype="int64"),
            "code": pd.Series(dtype="str"),
            "output": pd.Series(dtype="str"),
            "factor": pd.Series(dtype="str"),
            "S1": pd.Series(dtype="float64"),
            "ST": pd.Series(dtype="float64"),
            "interactions": pd.Series(dtype="float64"),
            "variance": pd.Series(dtype="float64"),
        }
    )


def sensitivity_dataset(
    dataset,
    *,
    framework: Framework | str | None = None,
    choices: Choices | None = None,
    n: int = 256,
    seed: int | None = 1,
    years: Sequence[int] | None = None,
    code: str | None = None,
    weight_noise: float = 0.25,
    weight_levels: Sequence[int] = (1,),
    n_boot: int = 500,
    settings: Settings | None = None,
) -> SensitivityResult:
    """:func:`sensitivity_analysis` on a loaded dataset with its nominal methods and, unless
    ``choices`` is given, :func:`~smartcity_eval.robustness.uncertainty.default_choices`."""
    fw, opts = nominal_setup(dataset, framework, settings)
    if choices is None:
        choices = default_choices(
            fw, opts, dataset.observations, weight_noise=weight_noise, weight_levels=weight_levels
        )
    return sensitivity_analysis(
        dataset.observations,
        fw,
        choices,
        opts,
        n=n,
        seed=seed,
        years=years,
        code=code,
        n_boot=n_boot,
    )


# ----------------------------------------------------------------------------- drop one
def drop_one(
    observations: pd.DataFrame,
    framework: Framework,
    choices: Choices,
    options: Mapping[str, Any] | None = None,
    *,
    levels: Sequence[int] = (1, 2),
    indicators: bool = False,
    years: Sequence[int] | None = None,
    code: str | None = None,
) -> pd.DataFrame:
    """The change in every region's rank when each node is removed from the index in turn.

    A removed node gets weight 0: its parent renormalises the weights over the remaining
    children (a parent left with no child is removed too), with every other choice at
    its nominal value (``choices.fixed()``). This is COINr's ``remove_elements`` (OECD/JRC
    Handbook 2008, step 7: "excluding one indicator at a time").

    Parameters
    ----------
    levels : depths of the nodes removed in turn (1 = pillars, 2 = elements ...).
    indicators : also remove each indicator in turn.
    code : the node whose ranks are compared (default the index); only nodes below it are
        removed.

    Returns
    -------
    Tidy ``region, year, code, removed, removed_level, nominal_score, score, nominal_rank,
    rank, rank_shift`` with ``rank_shift = rank - nominal_rank`` (positive: the region
    falls, i.e. gets a larger rank number, without that node; negative: it rises).
    """
    fixed = choices.fixed()
    prep = prepare(observations, framework, fixed, options, years=years)
    code = code or framework.root
    nodes = framework.nodes
    codes = [str(c) for c in nodes.index]
    below = set(framework.leaves_under(code)) | {c for c in codes if code in framework.ancestors(c)}
    depth = nodes["depth"].to_numpy()
    leaf = nodes["is_leaf"].to_numpy()
    pick = [
        i
        for i, c in enumerate(codes)
        if c in below
        and c != code
        and ((depth[i] in set(levels) and not leaf[i]) or (indicators and leaf[i]))
    ]
    if not pick:
        raise DataError(
            Problem(
                None, None, "levels", f"no node to remove at level(s) {list(levels)} under '{code}'"
            )
        )
    W = np.broadcast_to(prep.weights, (len(pick), len(codes))).copy()
    W[np.arange(len(pick)), pick] = 0.0
    scores = evaluate(prep, nominal_draws(prep, W), [code])[:, :, 0]
    ranks = year_ranks(prep, scores)
    nominal = evaluate(prep, nominal_draws(prep), [code])[0, :, 0]
    nominal_rank = year_ranks(prep, nominal[None, :])[0]
    m, U = scores.shape
    units = prep.units
    out = pd.DataFrame(
        {
            "region": pd.array(np.tile(units["region"].to_numpy(), m), dtype="str"),
            "year": np.tile(units["year"].to_numpy(), m),
            "code": pd.array([code] * (m * U), dtype="str"),
            "removed": pd.array(np.repeat([codes[i] for i in pick], U), dtype="str"),
            "removed_level": np.repeat(depth[pick], U).astype(np.int64),
            "nominal_score": np.tile(nominal, m),
            "score": scores.reshape(-1),
            "nominal_rank": np.tile(nominal_rank, m),
            "rank": ranks.reshape(-1),
        }
    )
    out["rank_shift"] = out["rank"] - out["nominal_rank"]
    return out


def drop_one_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per removed node and year: ``mean_abs_rank_shift``, ``max_abs_rank_shift`` and
    ``n_changed`` (regions whose rank changes), sorted by the mean shift, largest first."""
    t = table.assign(abs_shift=table["rank_shift"].abs(), changed=table["rank_shift"].abs() > 0)
    g = t.groupby(["year", "code", "removed", "removed_level"], sort=False)
    out = g.agg(
        mean_abs_rank_shift=("abs_shift", "mean"),
        max_abs_rank_shift=("abs_shift", "max"),
        n_changed=("changed", "sum"),
    ).reset_index()
    return out.sort_values(
        ["year", "mean_abs_rank_shift"], ascending=[True, False], kind="stable"
    ).reset_index(drop=True)


def drop_one_dataset(
    dataset,
    *,
    framework: Framework | str | None = None,
    levels: Sequence[int] = (1, 2),
    indicators: bool = False,
    years: Sequence[int] | None = None,
    code: str | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """:func:`drop_one` on a loaded dataset with its nominal methods."""
    fw, opts = nominal_setup(dataset, framework, settings)
    choices = Choices(
        normalise=(NormSpec(str(opts["normalise"])),),
        aggregate=(opts.get("aggregate", "arithmetic"),),
        impute=(opts.get("impute"),),
    )
    return drop_one(
        dataset.observations,
        fw,
        choices,
        opts,
        levels=levels,
        indicators=indicators,
        years=years,
        code=code,
    )
