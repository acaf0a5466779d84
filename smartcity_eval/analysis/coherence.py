"""Statistical coherence of an indicator tree: correlations, Cronbach's alpha and flags.

Before trusting a composite one checks that its parts pull in the same direction (OECD/JRC
*Handbook on Constructing Composite Indicators*, 2008, step 4 "multivariate analysis" and
the JRC's "ten-step" guidance on statistical coherence; COINr ``get_corr``,
``get_corr_flags``, ``get_cronbach`` in R/correlations.R):

* **Correlation with the parent and with the index**: Pearson (default) or Spearman, over
  the regions of one year, pairwise-complete (a region missing either value is left out,
  R's ``use = "pairwise.complete.obs"``). An indicator that correlates *negatively* with
  its parent works against the aggregate it feeds (a wrong direction, or a concept that
  does not belong there).
* **Collinear siblings**: two children of the same parent with ``|r| > 0.9`` say nearly the
  same thing and are counted twice (double counting). The threshold is COINr's
  ``get_corr_flags(cor_thresh = 0.9)`` default, the JRC's rule of thumb for redundancy.
* **Cronbach's alpha** of each aggregate over the indicators beneath it (Cronbach 1951):
  ``alpha = k / (k - 1) * (1 - sum_i var(x_i) / var(sum_i x_i))``, computed from the
  covariance matrix ``C`` (sample, n - 1; pairwise-complete as COINr) as
  ``k / (k - 1) * (1 - trace(C) / sum(C))``. Values of at least 0.7 are conventionally
  "acceptable" internal consistency (Nunnally 1978, the threshold the OECD/JRC Handbook
  quotes); below that the indicators of the group do not measure one latent concept.

Correlations and alpha use the *normalised* indicator values of the nominal scoring
(direction applied). Pearson's r is unchanged by the linear normalisations (none, minmax,
zscore, goalposts without clipping); alpha depends on the scale, so for Kominfo/SPBE
levels (normalise ``none``) it is computed on the 1-5 levels themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from smartcity_eval.io.frameworks import Framework, resolve_framework
from smartcity_eval.settings import Settings, dataset_settings

__all__ = [
    "NEGATIVE_THRESHOLD",
    "COLLINEAR_THRESHOLD",
    "ALPHA_THRESHOLD",
    "pairwise_corr",
    "cronbach_alpha",
    "wide_scores",
    "parent_correlations",
    "sibling_correlations",
    "alpha_table",
    "coherence_table",
    "coherence_dataset",
]

#: An indicator whose correlation with its parent is below this is flagged ``negative``.
NEGATIVE_THRESHOLD = 0.0
#: Siblings with ``|r|`` above this are flagged ``collinear`` (COINr ``get_corr_flags``).
COLLINEAR_THRESHOLD = 0.9
#: An aggregate whose Cronbach's alpha is below this is flagged ``low_alpha`` (Nunnally 1978).
ALPHA_THRESHOLD = 0.7


def pairwise_corr(
    a: np.ndarray, b: np.ndarray, method: str = "pearson"
) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise correlation of ``a[:, j]`` with ``b[:, j]``, pairwise-complete.

    Parameters
    ----------
    a, b : ``(n_units, m)`` arrays (NaN = missing).
    method : ``"pearson"`` or ``"spearman"`` (Pearson on average ranks of the complete pairs).

    Returns
    -------
    ``(r, n)``: correlations in [-1, 1] (NaN with fewer than 2 complete pairs or a constant
    column) and the number of complete pairs per column.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.ndim == 1:
        a, b = a[:, None], b[:, None]
    both = ~np.isnan(a) & ~np.isnan(b)
    a = np.where(both, a, np.nan)
    b = np.where(both, b, np.nan)
    if method == "spearman":
        a = pd.DataFrame(a).rank(method="average").to_numpy()
        b = pd.DataFrame(b).rank(method="average").to_numpy()
    elif method != "pearson":
        raise ValueError(f"unknown correlation method '{method}' (pearson or spearman)")
    n = both.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ma = np.nansum(a, axis=0) / n
        mb = np.nansum(b, axis=0) / n
        da = np.where(both, a - ma, 0.0)
        db = np.where(both, b - mb, 0.0)
        sab = (da * db).sum(axis=0)
        saa = (da * da).sum(axis=0)
        sbb = (db * db).sum(axis=0)
        r = sab / np.sqrt(saa * sbb)
    r = np.where((n >= 2) & (saa > 0) & (sbb > 0), np.clip(r, -1.0, 1.0), np.nan)
    return r, n


def cronbach_alpha(X: np.ndarray | pd.DataFrame) -> float:
    """Cronbach's alpha of the columns (items) of ``X`` (rows = units), NaN-aware.

    ``alpha = k / (k - 1) * (1 - trace(C) / sum(C))`` with ``C`` the sample covariance
    matrix (n - 1), pairwise-complete as COINr ``get_cronbach``. With no missing values this
    is the textbook ``k / (k - 1) * (1 - sum var_i / var(total))`` (Cronbach 1951). NaN for
    fewer than 2 items or a zero total variance.
    """
    frame = pd.DataFrame(np.asarray(X, dtype=float))
    k = frame.shape[1]
    if k < 2:
        return float("nan")
    C = frame.cov().to_numpy()
    total = np.nansum(C)
    if not np.isfinite(total) or total <= 0 or np.isnan(np.diag(C)).any():
        return float("nan")
    return float(k / (k - 1) * (1.0 - np.trace(C) / total))


def wide_scores(scores: pd.DataFrame, framework) -> pd.DataFrame:
    """Pivot a tidy ``region, year, code, score`` table to one row per (year, region) and one
    column per node in ``framework.nodes`` order (NaN where missing)."""
    codes = [str(c) for c in framework.nodes.index]
    wide = scores.pivot_table(
        index=["year", "region"], columns="code", values="score", aggfunc="first", dropna=False
    )
    return wide.reindex(columns=codes).astype(float)


def _per_year(wide: pd.DataFrame, years: Sequence[int] | None):
    all_years = sorted({int(y) for y in wide.index.get_level_values("year")})
    for year in all_years if years is None else [int(y) for y in years]:
        if year in all_years:
            yield year, wide.xs(year, level="year")


def parent_correlations(
    scores: pd.DataFrame,
    framework,
    *,
    method: str = "pearson",
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Correlation of every node with its parent and with the index, per year.

    Parameters
    ----------
    scores : tidy ``region, year, code, score`` (the scorer's output for every node;
        indicator rows hold normalised values).
    framework : the tree.
    method : ``"pearson"`` or ``"spearman"``.
    years : restrict to these years (default all).

    Returns
    -------
    ``year, code, level, parent, is_indicator, n, r_parent, r_index, flag_negative``:
    ``level`` = depth (root 0), ``n`` = regions with both the node and its parent,
    ``flag_negative`` = ``r_parent < 0`` (the root has no parent: NaN, False).
    """
    nodes = framework.nodes
    codes = [str(c) for c in nodes.index]
    pos = {c: i for i, c in enumerate(codes)}
    root = framework.root
    child = np.array([i for i, c in enumerate(codes) if c != root])
    parent = np.array([pos[str(nodes.at[codes[i], "parent"])] for i in child])
    wide = wide_scores(scores, framework)
    frames = []
    for year, block in _per_year(wide, years):
        V = block.to_numpy()
        r_p, n_p = pairwise_corr(V[:, child], V[:, parent], method)
        r_i, _ = pairwise_corr(V[:, child], np.repeat(V[:, [pos[root]]], len(child), 1), method)
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "code": [codes[i] for i in child],
                    "level": nodes["depth"].to_numpy()[child],
                    "parent": [codes[i] for i in parent],
                    "is_indicator": nodes["is_leaf"].to_numpy()[child],
                    "n": n_p,
                    "r_parent": r_p,
                    "r_index": r_i,
                }
            )
        )
    out = _concat_years(
        frames,
        year="int64",
        code="str",
        level="int64",
        parent="str",
        is_indicator="bool",
        n="int64",
        r_parent="float64",
        r_index="float64",
    )
    out["flag_negative"] = out["r_parent"] < NEGATIVE_THRESHOLD
    return out


def _concat_years(frames: list[pd.DataFrame], **dtypes: str) -> pd.DataFrame:
    """The per-year frames stacked; with none, an empty frame of these column dtypes."""
    if frames:
        return pd.concat(frames, ignore_index=True)
    return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in dtypes.items()})


def _sibling_groups(framework, indicators_only: bool) -> list[np.ndarray]:
    """Node positions (file order) of each parent's kept children, one array per parent
    with at least two of them; the groups partition the kept nodes."""
    nodes = framework.nodes
    parent = nodes["parent"].to_numpy().astype(str)
    keep = nodes["is_leaf"].to_numpy() if indicators_only else parent != ""
    groups: dict[str, list[int]] = {}
    for i in np.flatnonzero(keep):
        groups.setdefault(parent[i], []).append(int(i))
    return [np.array(g) for g in groups.values() if len(g) >= 2]


def sibling_correlations(
    scores: pd.DataFrame,
    framework,
    *,
    method: str = "pearson",
    threshold: float = COLLINEAR_THRESHOLD,
    years: Sequence[int] | None = None,
    indicators_only: bool = True,
) -> pd.DataFrame:
    """Correlation of every pair of siblings (children of one parent), per year.

    Returns ``year, parent, code, other, r, flag_collinear`` with one row per unordered
    pair (``code`` before ``other`` in file order); ``flag_collinear = |r| > threshold``
    (default 0.9, COINr ``get_corr_flags``). ``indicators_only`` restricts the pairs to
    indicators (default); False includes sibling aggregates (e.g. two pillars).

    Correlations are pairwise-complete (pandas ``DataFrame.corr(min_periods=2)``, each
    pair over the regions that have both) and computed within each sibling group only:
    a parent with ``k`` children costs ``k**2`` numbers, so the memory is the sum of the
    squared fan-outs, linear in the number of nodes for a bounded fan-out. A single parent
    with a huge fan-out (say 10,000 indicators directly under the index) still needs its
    ``k x k`` matrix (800 MB at 10,000).
    """
    nodes = framework.nodes
    codes = np.array([str(c) for c in nodes.index], dtype=object)
    parent = nodes["parent"].to_numpy().astype(str)
    groups = _sibling_groups(framework, indicators_only)
    pairs = [np.triu_indices(len(g), k=1) for g in groups]
    ii = np.concatenate([g[a] for g, (a, _) in zip(groups, pairs, strict=True)] or [[]])
    jj = np.concatenate([g[b] for g, (_, b) in zip(groups, pairs, strict=True)] or [[]])
    order = np.lexsort((jj, ii))  # the file order of the pairs (row-major i < j)
    ii, jj = ii[order].astype(int), jj[order].astype(int)
    wide = wide_scores(scores, framework)
    frames = []
    for year, block in _per_year(wide, years):
        V = block.to_numpy()
        r = np.concatenate(
            [
                pd.DataFrame(V[:, g]).corr(method=method, min_periods=2).to_numpy()[a, b]
                for g, (a, b) in zip(groups, pairs, strict=True)
            ]
            or [[]]
        )[order]
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "parent": parent[ii],
                    "code": list(codes[ii]),
                    "other": list(codes[jj]),
                    "r": r.astype(float),
                }
            )
        )
    out = _concat_years(frames, year="int64", parent="str", code="str", other="str", r="float64")
    out["flag_collinear"] = out["r"].abs() > threshold
    return out


#: Columns per block when summing a pairwise-complete covariance matrix (memory
#: ``k x _COV_BLOCK`` numbers for ``k`` items instead of ``k x k``).
_COV_BLOCK = 256


def _covariance_sum(X: np.ndarray) -> tuple[float, float, bool]:
    """``(sum(C), trace(C), any NaN in C)`` of the pairwise-complete sample covariance
    matrix ``C`` of the columns of ``X`` (pandas ``DataFrame.cov(min_periods=2)``: each
    entry over the rows where both columns are present, means over those rows, n - 1),
    without holding ``C``.

    With no missing value ``sum(C)`` is the variance of the row sums and ``trace(C)`` the
    sum of the item variances (``O(n k)``). With missing values the entries are summed
    block by block of ``_COV_BLOCK`` columns from the pairwise counts, sums and
    cross-products (columns centred first, so no cancellation): memory ``O(n k)``.
    """
    n_rows, k = X.shape
    present = ~np.isnan(X)
    if present.all():
        if n_rows < 2:
            return 0.0, 0.0, True
        return (
            float(np.var(X.sum(axis=1), ddof=1)),
            float(np.var(X, axis=0, ddof=1).sum()),
            False,
        )
    P = present.astype(float)
    X0 = np.where(present, X, 0.0)
    count = P.sum(axis=0)
    centre = np.divide(X0.sum(axis=0), count, out=np.zeros(k), where=count > 0)
    X0 = np.where(present, X0 - centre, 0.0)
    total, trace, has_nan = 0.0, 0.0, False
    for s in range(0, k, _COV_BLOCK):
        J = slice(s, min(k, s + _COV_BLOCK))
        n = P.T @ P[:, J]
        sx = X0.T @ P[:, J]  # sum of x_i over the rows where x_j is present
        sy = P.T @ X0[:, J]  # sum of x_j over the rows where x_i is present
        with np.errstate(invalid="ignore", divide="ignore"):
            cov = (X0.T @ X0[:, J] - sx * sy / n) / (n - 1)
        cov = np.where(n >= 2, cov, np.nan)
        if np.isnan(cov).any():
            has_nan = True
        total += float(np.nansum(cov))
        trace += float(np.nansum(np.diagonal(cov, offset=-s)))
    return total, trace, has_nan


def _leaves_of_aggregates(framework) -> dict[str, list[int]]:
    """Each aggregate's indicator positions (in ``framework.indicators``, file order)."""
    out: dict[str, list[int]] = {
        str(c): [] for c in framework.nodes.index if not framework.nodes.at[c, "is_leaf"]
    }
    for j, leaf in enumerate(framework.indicators):
        for a in framework.ancestors(leaf):
            out[a].append(j)
    return out


def alpha_table(
    scores: pd.DataFrame,
    framework,
    *,
    years: Sequence[int] | None = None,
    threshold: float = ALPHA_THRESHOLD,
) -> pd.DataFrame:
    """Cronbach's alpha of every aggregate over the indicators beneath it, per year.

    Returns ``year, code, level, k, n, alpha, flag_low_alpha`` where ``k`` = indicators
    under the aggregate, ``n`` = regions with all of them present (for information; the
    covariances are pairwise-complete, COINr ``get_cronbach``), ``flag_low_alpha = alpha <
    threshold`` (0.7). Per aggregate, ``alpha = k / (k - 1) * (1 - trace(C) / sum(C))``
    with ``C`` its indicators' covariance matrix; NaN when an entry of ``C`` is undefined
    (fewer than 2 regions with both) or ``sum(C) <= 0``. ``sum(C)`` is the variance of the
    sum when nothing is missing, else summed block by block (:func:`_covariance_sum`):
    memory linear in the number of indicators; time ``n x sum_a k_a**2`` with missing
    values (``k_a`` = indicators under aggregate ``a``).
    """
    nodes = framework.nodes
    inds = framework.indicators
    leaves = _leaves_of_aggregates(framework)
    aggs = list(leaves)
    k = np.array([len(leaves[a]) for a in aggs])
    wide = wide_scores(scores, framework)
    frames = []
    for year, block in _per_year(wide, years):
        X = block[inds].to_numpy()
        present = ~np.isnan(X)
        alpha = np.full(len(aggs), np.nan)
        complete = np.zeros(len(aggs), dtype=int)
        for a, code in enumerate(aggs):
            cols = leaves[code]
            complete[a] = int(present[:, cols].all(axis=1).sum())
            if k[a] < 2:
                continue
            total, trace, has_nan = _covariance_sum(X[:, cols])
            if total > 0 and not has_nan:
                alpha[a] = k[a] / (k[a] - 1) * (1.0 - trace / total)
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "code": aggs,
                    "level": nodes.loc[aggs, "depth"].to_numpy(),
                    "k": k.astype(int),
                    "n": complete,
                    "alpha": alpha,
                }
            )
        )
    out = _concat_years(
        frames, year="int64", code="str", level="int64", k="int64", n="int64", alpha="float64"
    )
    out["flag_low_alpha"] = out["alpha"] < threshold
    return out


def coherence_table(
    scores: pd.DataFrame,
    framework,
    *,
    method: str = "pearson",
    years: Sequence[int] | None = None,
    collinear: float = COLLINEAR_THRESHOLD,
    alpha_threshold: float = ALPHA_THRESHOLD,
) -> pd.DataFrame:
    """One row per node and year with every coherence statistic and flag.

    Columns: ``year, code, level, parent, is_indicator, n, r_parent, r_index,
    sibling, r_sibling, k, alpha, flag_negative, flag_collinear, flag_low_alpha, issues``.
    ``sibling``/``r_sibling``: the sibling with the largest ``|r|`` (same kind: indicators
    with indicators, aggregates with aggregates); ``k``/``alpha``: Cronbach's alpha of an
    aggregate over its indicators (NaN for indicators); ``issues``: the raised flags joined
    by ``;`` (empty when none). The root has a row (its alpha over all indicators).
    """
    par = parent_correlations(scores, framework, method=method, years=years)
    sib = sibling_correlations(
        scores, framework, method=method, threshold=collinear, years=years, indicators_only=False
    )
    # The pairs of two indicators first, as when the indicator pairs were computed apart:
    # the order decides between siblings with the same |r| below.
    leaf = framework.nodes["is_leaf"]
    both_leaves = sib["code"].map(leaf).to_numpy(bool) & sib["other"].map(leaf).to_numpy(bool)
    sib = sib.iloc[np.argsort(~both_leaves, kind="stable")]
    both = pd.concat(
        [
            sib[["year", "code", "other", "r"]],
            sib[["year", "other", "code", "r"]].rename(columns={"other": "code", "code": "other"}),
        ],
        ignore_index=True,
    )
    both = both[both["r"].notna()]
    both = both.assign(absr=both["r"].abs()).sort_values(
        ["year", "code", "absr"], ascending=[True, True, False], kind="stable"
    )
    best = both.drop_duplicates(["year", "code"])[["year", "code", "other", "r"]].rename(
        columns={"other": "sibling", "r": "r_sibling"}
    )
    alp = alpha_table(scores, framework, years=years, threshold=alpha_threshold)
    root = framework.root
    root_rows = alp[alp["code"] == root][["year", "code", "level"]].assign(
        parent="", is_indicator=False
    )
    out = pd.concat([root_rows, par], ignore_index=True)
    out = out.merge(best, on=["year", "code"], how="left")
    out = out.merge(alp[["year", "code", "k", "alpha"]], on=["year", "code"], how="left")
    out["flag_negative"] = (out["r_parent"] < NEGATIVE_THRESHOLD).astype(bool)
    out["flag_collinear"] = (out["r_sibling"].abs() > collinear).astype(bool)
    out["flag_low_alpha"] = (out["alpha"] < alpha_threshold).astype(bool)
    names = np.array(["negative", "collinear", "low_alpha"])
    flags = out[["flag_negative", "flag_collinear", "flag_low_alpha"]].to_numpy()
    out["issues"] = [";".join(names[row]) for row in flags]
    order = {str(c): i for i, c in enumerate(framework.nodes.index)}
    out = out.assign(_o=out["code"].map(order)).sort_values(["year", "_o"], kind="stable")
    columns = [
        "year",
        "code",
        "level",
        "parent",
        "is_indicator",
        "n",
        "r_parent",
        "r_index",
        "sibling",
        "r_sibling",
        "k",
        "alpha",
        "flag_negative",
        "flag_collinear",
        "flag_low_alpha",
        "issues",
    ]
    out = out[columns].reset_index(drop=True)
    out["is_indicator"] = out["is_indicator"].astype(bool)
    return out


def coherence_dataset(
    dataset,
    *,
    settings: Settings | None = None,
    framework: Framework | str | None = None,
    method: str = "pearson",
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """:func:`coherence_table` of a loaded dataset scored with ``settings`` (default the
    dataset's own, :func:`smartcity_eval.settings.dataset_settings`) on ``framework``
    (default ``settings.framework``, else the dataset's primary tree; resolved by
    :func:`smartcity_eval.io.frameworks.resolve_framework`)."""
    from smartcity_eval.scoring.engine import score_dataset

    settings = dataset_settings(dataset, settings)
    fw = resolve_framework(framework if framework is not None else settings.framework, dataset)
    scores = score_dataset(dataset, settings, framework=fw, columns=["score"])
    return coherence_table(scores, fw, method=method, years=years)
