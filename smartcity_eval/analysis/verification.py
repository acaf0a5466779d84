"""Self-assessment against the verified score: where a region rated itself too generously.

References
----------
Conover, W. J. (1999). *Practical Nonparametric Statistics*, 3rd ed., Wiley, section 3.4 (the
sign test). Student (1908). The probable error of a mean. *Biometrika* 6(1), 1-25.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartcity_eval.analysis._frames import COLUMNS, EPS, KEYS, depth, empty, sort_nodes
from smartcity_eval.analysis.assessors import consensus, self_assessment
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.scoring.aggregate import aggregate_array

__all__ = ["OVERCLAIM_THRESHOLD", "self_vs_verified"]

#: Mean self-minus-verified difference, in levels, above which over-claiming is flagged
#: (together with a one-sided sign test below ``alpha``).
OVERCLAIM_THRESHOLD = 0.5


def _aggregate_items(items: pd.DataFrame, framework: Framework, value: str) -> pd.DataFrame:
    """Arithmetic aggregation of item values up the tree (missing skipped, weights renormalised)."""
    wide = items.pivot_table(
        index=["region", "year"], columns="code", values=value, aggfunc="first"
    ).reindex(columns=framework.indicators)
    s = aggregate_array(wide.to_numpy(dtype=float), framework, "arithmetic")
    out = pd.DataFrame(s, index=wide.index, columns=[str(c) for c in framework.nodes.index])
    out.columns.name = "code"
    return out.stack().rename(value).reset_index()


def self_vs_verified(
    assessments: pd.DataFrame,
    framework: Framework,
    verified: pd.DataFrame | None = None,
    *,
    consensus_method: str = "median",
    threshold: float = OVERCLAIM_THRESHOLD,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Self-assessment against the verified score, per item, element, pillar and index.

    Parameters
    ----------
    assessments : the assessments table; rows with ``stage = self`` are the region's
        self-assessment (see :func:`smartcity_eval.analysis.assessors.self_assessment`).
    framework : items are its indicators; differences are aggregated up its tree.
    verified : the verified item scores as an observations table (``region, year,
        indicator, value``); default the consensus of the assessors
        (:func:`smartcity_eval.analysis.assessors.consensus` with ``consensus_method``).
    threshold : mean difference, in levels, above which over-claiming can be flagged.
    alpha : significance level of the one-sided sign test.

    Method
    ------
    Only items with both a self-assessed and a verified score count. Per item:
    ``difference`` = self - verified. Per aggregate node, over the items beneath it:
    ``self_score`` and ``verified_score`` are the arithmetic aggregates (weights renormalised
    over the items counted, as the index is computed) and ``difference`` their difference;
    ``mean_difference`` is the unweighted mean item difference; ``n_over`` / ``n_under`` /
    ``n_equal`` count items self-scored above / below / equal to the verified score;
    ``p_sign`` is the one-sided sign test p-value, P(X >= n_over) for X ~ Binomial(n_over +
    n_under, 1/2), ties dropped (Conover 1999, 3.4); ``p_ttest`` the one-sided one-sample
    t-test of the item differences against 0 (Student 1908; NaN for fewer than two items or
    when all differences are equal).

    **Over-claiming** (``over_claiming`` True) when ``mean_difference > threshold`` (0.5
    level: half a maturity level, the smallest systematic excess that moves a rounded level)
    **and** ``p_sign < alpha`` (0.05): the excess is both large and too consistent across
    items to be chance. The sign test suits ordinal levels (no normality assumption); the
    t-test is reported for reference. A single item is never flagged (its p_sign >= 0.5).

    Returns
    -------
    DataFrame with the columns of ``COLUMNS["self"]``.
    """
    own = self_assessment(assessments)
    ver = consensus(assessments, consensus_method) if verified is None else verified
    leaves = set(framework.indicators)
    own = own.loc[own["indicator"].isin(leaves), ["region", "year", "indicator", "value"]]
    ver = ver.loc[ver["indicator"].isin(leaves), ["region", "year", "indicator", "value"]]
    pairs = own.rename(columns={"value": "self_score"}).merge(
        ver.rename(columns={"value": "verified_score"}), on=["region", "year", "indicator"]
    )
    pairs = pairs.loc[pairs["self_score"].notna() & pairs["verified_score"].notna()]
    pairs = pairs.rename(columns={"indicator": "code"})
    if pairs.empty:
        return empty("self")
    pairs["year"] = pairs["year"].astype("int64")
    pairs["region"] = pairs["region"].astype(str)
    pairs["difference"] = pairs["self_score"] - pairs["verified_score"]
    agg_self = _aggregate_items(pairs, framework, "self_score")
    agg_ver = _aggregate_items(pairs, framework, "verified_score")
    out = agg_self.merge(agg_ver, on=["region", "year", "code"])
    out = out.loc[out["self_score"].notna() & out["verified_score"].notna()].copy()
    out["difference"] = out["self_score"] - out["verified_score"]
    # item statistics per node: expand each item to itself and its ancestors
    links = [(c, c) for c in framework.indicators] + [
        (c, a) for c in framework.indicators for a in framework.ancestors(c)
    ]
    link = pd.DataFrame(links, columns=["item", "code"])
    long = pairs[["region", "year", "code", "difference"]].rename(columns={"code": "item"})
    long = long.merge(link, on="item")
    d = long["difference"]
    long["_over"] = (d > EPS).astype("int64")
    long["_under"] = (d < -EPS).astype("int64")
    from scipy import stats  # here, not at import: scipy takes ~1 s to load

    g = long.groupby(["region", "year", "code"], sort=False)
    st = g.agg(
        n_items=("difference", "size"),
        mean_difference=("difference", "mean"),
        _sd=("difference", "std"),
        _range=("difference", lambda x: float(x.max() - x.min())),
        n_over=("_over", "sum"),
        n_under=("_under", "sum"),
    ).reset_index()
    st["n_equal"] = st["n_items"] - st["n_over"] - st["n_under"]
    # sign test, one-sided: P(X >= n_over), X ~ Binomial(n_over + n_under, 1/2)
    m = st["n_over"] + st["n_under"]
    st["p_sign"] = np.where(m > 0, stats.binom.sf(st["n_over"] - 1, m.clip(lower=1), 0.5), np.nan)
    # one-sample t-test, one-sided: t = mean / (sd / sqrt(n)), n - 1 degrees of freedom
    n = st["n_items"].to_numpy(dtype=float)
    ok = (n >= 2) & (st["_range"].to_numpy() > EPS)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = st["mean_difference"].to_numpy() / (st["_sd"].to_numpy() / np.sqrt(n))
        st["p_ttest"] = np.where(ok, stats.t.sf(t, np.maximum(n - 1, 1)), np.nan)
    rows = st.drop(columns=["_sd", "_range"])
    out = out.merge(rows, on=KEYS, how="inner")
    out["over_claiming"] = (out["mean_difference"] > threshold + EPS) & (
        out["p_sign"].fillna(1.0) < alpha
    )
    out["level"] = depth(framework, out["code"])
    return sort_nodes(out, framework)[list(COLUMNS["self"])]
