"""How robust is this result? The one call behind the report section of that name.

:func:`robustness_report` runs, for one region and year of a dataset, the uncertainty analysis
(:mod:`smartcity_eval.robustness.uncertainty`), the variance-based sensitivity analysis and the
drop-one analysis (:mod:`smartcity_eval.robustness.sensitivity`) and the statistical coherence checks
(:mod:`smartcity_eval.analysis.coherence`), with the dataset's nominal methods and the default open
choices (:func:`~smartcity_eval.robustness.uncertainty.default_choices`; for the Kominfo 1-5 levels:
normalisation none / goalposts / minmax / zscore, arithmetic / geometric mean, pillar
weights +/- 25 %). It follows the OECD/JRC *Handbook on Constructing Composite Indicators*
(2008), step 7 "uncertainty and sensitivity analysis", as COINr's ``get_sensitivity``.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.analysis.coherence import coherence_table
from smartcity_eval.errors import DataError, Problem, did_you_mean
from smartcity_eval.robustness.sensitivity import (
    INDEX_COLUMNS,
    REGION_COLUMNS,
    drop_one_dataset,
    sensitivity_analysis,
)
from smartcity_eval.robustness.uncertainty import (
    Choices,
    default_choices,
    nominal_setup,
    uncertainty_analysis,
)
from smartcity_eval.scoring.engine import score_dataset
from smartcity_eval.settings import Settings, dataset_settings

__all__ = ["robustness_report"]


def robustness_report(
    dataset,
    region: str,
    year: int,
    *,
    settings: Settings | None = None,
    n: int = 200,
    seed: int | None = 1,
    framework=None,
    choices: Choices | None = None,
    n_sensitivity: int = 64,
    n_boot: int = 200,
    weight_noise: float = 0.25,
    weight_levels: tuple[int, ...] = (1,),
) -> dict[str, Any]:
    """Everything the report needs to say how robust ``region``'s rank in ``year`` is.

    Parameters
    ----------
    dataset : a loaded :class:`~smartcity_eval.io.dataset.Dataset`.
    region, year : the region and year of the report.
    n : Monte Carlo replications of the uncertainty analysis (200 runs in well under a
        second on the embedded data).
    seed : the seed (the same seed gives the same tables).
    settings : the method choices (default the dataset's own,
        :func:`~smartcity_eval.settings.dataset_settings`); they are the nominal ones.
    framework : the tree (default ``settings.framework``, else the dataset's primary one).
    choices : the open choices (default :func:`~smartcity_eval.robustness.uncertainty.default_choices`).
    n_sensitivity : base sample size ``N`` of the sensitivity analysis (``N (k + 2)`` runs;
        plain random sampling as COINr, which spares the report the import of scipy.stats).
    n_boot : bootstrap resamples for the intervals of the sensitivity indices.

    Returns
    -------
    dict of DataFrames, and ``varied``: the tuple of
    :data:`~smartcity_eval.vocab.VARIED_CHOICES` members the uncertainty analysis actually
    varied (:meth:`~smartcity_eval.robustness.uncertainty.Choices.varied`):

    ``summary``  one row: ``region, year, code, n_regions, nominal_rank, median_rank,
                 rank_q05, rank_q95, best_rank, worst_rank, share_nominal_rank,
                 top_factor, top_factor_ST, top_removal, top_removal_shift`` (the choice
                 with the largest total-order index, and the pillar/element whose
                 removal moves this region's rank most, with the shift, + = falls);
    ``ranks``    the uncertainty summary of every region that year
                 (:meth:`~smartcity_eval.robustness.uncertainty.UncertaintyResult.summary`);
    ``choices``  ``choice, nominal, alternatives``: what was varied;
    ``sensitivity``  indices of the mean absolute rank shift (``factor, S1, S1_lo, ...``);
    ``sensitivity_region``  indices of this region's own rank;
    ``dropone``  the drop-one table of that year, every region (``removed, rank_shift``...);
    ``coherence``  the coherence table of that year (correlations, alpha, flags).

    Raises
    ------
    DataError : unknown region or year.
    """
    settings = dataset_settings(dataset, settings)
    fw, opts = nominal_setup(dataset, framework, settings)
    year = int(year)
    if year not in dataset.years:
        raise DataError(
            Problem(
                None,
                None,
                "year",
                f"no data for year {year}",
                "known years: " + ", ".join(map(str, dataset.years)),
                f"tidak ada data untuk tahun {year}",
            )
        )
    if region not in dataset.regions:
        raise DataError(
            Problem(
                None,
                None,
                "region",
                f"unknown region '{region}'",
                did_you_mean(region, dataset.regions),
                f"wilayah '{region}' tidak dikenal",
            )
        )
    key = (year, repr(settings.to_dict()), n, seed, n_sensitivity, n_boot, weight_noise)
    key += (tuple(weight_levels),)
    memo = _YEARS.setdefault(dataset, []) if choices is None and seed is not None else []
    part = next((p for k, f, p in memo if k == key and f is fw), None)
    if part is None:
        if choices is None:
            choices = default_choices(
                fw,
                opts,
                dataset.observations,
                weight_noise=weight_noise,
                weight_levels=weight_levels,
            )
        part = _year_part(
            dataset, fw, opts, settings, choices, year, n, seed, n_sensitivity, n_boot
        )
        memo.append((key, fw, part))
    return _region_part(part, region, year)


#: Dataset -> [(key, tree, year part)]: the analyses of a year that every region of it
#: shares (the same seed gives the same tables), computed once per Dataset object.
_YEARS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _year_part(dataset, fw, opts, settings, choices, year, n, seed, n_sensitivity, n_boot) -> dict:
    """The tables of ``year`` that do not depend on the region (every region's ranks,
    sensitivity, drop-one, coherence) and the uncertainty analysis itself."""
    ua = uncertainty_analysis(dataset.observations, fw, choices, opts, n=n, seed=seed, years=[year])
    ranks = ua.summary()
    out: dict[str, Any] = {"ranks": ranks, "choices": choices.table(), "ua": ua}
    out["varied"] = choices.varied()
    if ua.prep.factors:
        sa = sensitivity_analysis(
            dataset.observations,
            fw,
            choices,
            opts,
            n=n_sensitivity,
            seed=seed,
            years=[year],
            n_boot=n_boot,
            method="random",
        )
        out["sensitivity"] = sa.indices
        out["by_region"] = sa.by_region
    else:
        out["sensitivity"] = pd.DataFrame(columns=list(INDEX_COLUMNS))
        out["by_region"] = None
    out["dropone"] = drop_one_dataset(dataset, framework=fw, years=[year], settings=settings)
    scores = score_dataset(dataset, settings, framework=fw, columns=["score"])
    out["coherence"] = coherence_table(scores, fw, years=[year])
    return out


def _region_part(part: dict, region: str, year: int) -> dict[str, Any]:
    """The report of ``region`` from the year's tables (copies: a caller may change them)."""
    ua, ranks, drop = part["ua"], part["ranks"].copy(), part["dropone"].copy()
    out: dict[str, Any] = {"ranks": ranks, "choices": part["choices"].copy()}
    out["sensitivity"] = part["sensitivity"].copy()
    by_region = part["by_region"]
    if by_region is not None:
        out["sensitivity_region"] = by_region[by_region["region"] == region].reset_index(drop=True)
    else:
        out["sensitivity_region"] = pd.DataFrame(columns=list(REGION_COLUMNS))
    out["dropone"] = drop
    out["coherence"] = part["coherence"].copy()
    mine = ranks[ranks["region"] == region]
    sens = out["sensitivity"]
    top = sens.sort_values("ST", ascending=False, kind="stable").head(1)
    mydrop = drop[drop["region"] == region]
    mydrop = mydrop.assign(abs_shift=mydrop["rank_shift"].abs()).sort_values(
        ["abs_shift", "removed_level"], ascending=[False, True], kind="stable"
    )
    share = np.nan
    if len(mine):
        u = ua.prep.units
        col = np.flatnonzero((u["region"] == region).to_numpy() & (u["year"] == year).to_numpy())
        if len(col) and not np.isnan(ua.nominal_ranks[col[0]]):
            share = float(np.mean(ua.ranks[:, col[0]] == ua.nominal_ranks[col[0]]))
    row = {
        "region": region,
        "year": year,
        "code": ua.code,
        "n_regions": int((ranks["nominal_rank"].notna()).sum()),
        "nominal_rank": mine["nominal_rank"].iloc[0] if len(mine) else np.nan,
        "median_rank": mine["median_rank"].iloc[0] if len(mine) else np.nan,
        "rank_q05": mine["rank_q05"].iloc[0] if len(mine) else np.nan,
        "rank_q95": mine["rank_q95"].iloc[0] if len(mine) else np.nan,
        "best_rank": mine["best_rank"].iloc[0] if len(mine) else np.nan,
        "worst_rank": mine["worst_rank"].iloc[0] if len(mine) else np.nan,
        "share_nominal_rank": share,
        "top_factor": str(top["factor"].iloc[0]) if len(top) else "",
        "top_factor_ST": float(top["ST"].iloc[0]) if len(top) else np.nan,
        "top_removal": str(mydrop["removed"].iloc[0]) if len(mydrop) else "",
        "top_removal_shift": float(mydrop["rank_shift"].iloc[0]) if len(mydrop) else np.nan,
    }
    out["summary"] = pd.DataFrame([row])
    order = [
        "summary",
        "ranks",
        "choices",
        "sensitivity",
        "sensitivity_region",
        "dropone",
        "coherence",
    ]
    return {**{k: out[k] for k in order}, "varied": part["varied"]}
