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
by the library's one rank function (:func:`smartcity_eval.scoring.ranks.rank_min`, ties to
9 decimals) so that two regions whose scores are equal mathematically but differ by
floating-point noise tie, whatever order the sums ran in.

**Modules.** The choices live in :mod:`smartcity_eval.robustness.choices`, the preparation
and decoding of replications in :mod:`smartcity_eval.robustness.draws`, the replication
kernel in :mod:`smartcity_eval.robustness.kernel`; this module runs the analysis and holds
its result (every name of the three is re-exported here).

**Scores** of replications that use another normalisation are on another scale; the score
interval is therefore taken over the replications that use the nominal normalisation
(``n_same_scale`` of them). Ranks compare across all replications.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.robustness.choices import (
    Choices,
    NormSpec,
    aggregate_label,
    aggregation_alternative,
    nominal_options,
    nominal_setup,
    parse_normalise,
)
from smartcity_eval.robustness.draws import Draws, Prepared, decode, nominal_draws, prepare
from smartcity_eval.robustness.kernel import evaluate, year_ranks
from smartcity_eval.scoring.engine import is_off
from smartcity_eval.settings import Settings
from smartcity_eval.vocab import TIE_DECIMALS

__all__ = [
    # this module
    "default_choices",
    "UncertaintyResult",
    "run_draws",
    "uncertainty_analysis",
    "uncertainty_dataset",
    "framework_variant",
    "plain_loop",
    # the analysis' parts, re-exported (robustness/choices.py, draws.py, kernel.py)
    "Choices",
    "NormSpec",
    "parse_normalise",
    "aggregation_alternative",
    "aggregate_label",
    "nominal_options",
    "nominal_setup",
    "Prepared",
    "prepare",
    "Draws",
    "decode",
    "nominal_draws",
    "evaluate",
    "year_ranks",
    "TIE_DECIMALS",
]


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
      bounds and outlier treatment is off: a log-treated indicator has no raw-unit bounds,
      :func:`~smartcity_eval.scoring.outliers.check_log_treatment`), ``minmax:1:100`` and ``zscore:10:2`` (COINr's sensitivity vignette maps to
      1-100 and 10 +/- 2 so that a geometric mean is defined); for a dataset scored on raw
      levels (``none``, e.g. Kominfo's 1-5 items) that gives none / goalposts / minmax /
      zscore;
    * aggregation: the nominal one and ``geometric`` (when the nominal is arithmetic and
      the nominal normalisation leaves every value > 0, checked on ``observations``);
    * weights: +/- ``weight_noise`` at ``weight_levels`` (default 25 % on the pillars);
    * imputation and indicator removal: fixed (open them explicitly).
    """
    nominal = NormSpec(str(options.get("normalise") or Settings().normalise_for(framework)))
    alts = [nominal]
    nodes = framework.nodes.loc[framework.indicators]
    bounded = nodes["lower"].notna().all() and nodes["upper"].notna().all()
    if bounded and is_off(options.get("outliers")):
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
        impute=(None if is_off(imp) else str(imp),),
        weight_noise=weight_noise,
        weight_levels=tuple(weight_levels),
        drop_indicator=False,
    )


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
                    [aggregate_label(c.aggregate[i]) for i in d.aggregate], dtype="str"
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
    settings: Settings | None = None,
) -> UncertaintyResult:
    """:func:`uncertainty_analysis` on a loaded dataset with its nominal methods and, unless
    ``choices`` is given, :func:`default_choices` (for Kominfo/SPBE levels: none vs
    goalposts vs minmax vs zscore, arithmetic vs geometric, pillar weights +/- 25 %)."""
    fw, opts = nominal_setup(dataset, framework, settings)
    if choices is None:
        choices = default_choices(
            fw, opts, dataset.observations, weight_noise=weight_noise, weight_levels=weight_levels
        )
    return uncertainty_analysis(
        dataset.observations, fw, choices, opts, n=n, seed=seed, years=years, code=code
    )


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
