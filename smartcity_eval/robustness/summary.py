"""How robust is this result? The one call behind the report section of that name.

:func:`robustness` runs, for one region and year of a dataset, the uncertainty analysis
(:mod:`smartcity_eval.robustness.uncertainty`), the variance-based sensitivity analysis and the
drop-one analysis (:mod:`smartcity_eval.robustness.sensitivity`) and the statistical coherence checks
(:mod:`smartcity_eval.analysis.coherence`), with the dataset's nominal methods and the default open
choices (:func:`~smartcity_eval.robustness.uncertainty.default_choices`; for the Kominfo 1-5 levels:
normalisation none / goalposts / minmax / zscore, arithmetic / geometric mean, pillar
weights +/- 25 %). It follows the OECD/JRC *Handbook on Constructing Composite Indicators*
(2008), step 7 "uncertainty and sensitivity analysis", as COINr's ``get_sensitivity``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.analysis.coherence import coherence_dataset
from smartcity_eval.errors import DataError, Problem, did_you_mean
from smartcity_eval.robustness.sensitivity import (
    _INDEX_COLUMNS,
    _REGION_COLUMNS,
    drop_one_dataset,
    sensitivity_analysis,
)
from smartcity_eval.robustness.uncertainty import (
    Choices,
    default_choices,
    nominal_options,
    uncertainty_analysis,
)

__all__ = ["robustness", "command_table", "command_figure", "split_alternatives", "WHAT"]


def robustness(
    dataset,
    region: str,
    year: int,
    *,
    n: int = 200,
    seed: int | None = 1,
    framework=None,
    choices: Choices | None = None,
    n_sensitivity: int = 64,
    n_boot: int = 200,
    weight_noise: float = 0.25,
    weight_levels: tuple[int, ...] = (1,),
) -> dict[str, pd.DataFrame]:
    """Everything the report needs to say how robust ``region``'s rank in ``year`` is.

    Parameters
    ----------
    dataset : a loaded :class:`~smartcity_eval.io.dataset.Dataset`.
    region, year : the region and year of the report.
    n : Monte Carlo replications of the uncertainty analysis (200 runs in well under a
        second on the embedded data).
    seed : the seed (the same seed gives the same tables).
    framework : the tree (default the dataset's primary one).
    choices : the open choices (default :func:`~smartcity_eval.robustness.uncertainty.default_choices`).
    n_sensitivity : base sample size ``N`` of the sensitivity analysis (``N (k + 2)`` runs;
        plain random sampling as COINr, which spares the report the import of scipy.stats).
    n_boot : bootstrap resamples for the intervals of the sensitivity indices.

    Returns
    -------
    dict of DataFrames:

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
    from smartcity_eval.scoring.engine import _resolve_framework

    fw = _resolve_framework(dataset, framework)
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
    opts = nominal_options(dataset, fw)
    if choices is None:
        choices = default_choices(
            fw, opts, dataset.observations, weight_noise=weight_noise, weight_levels=weight_levels
        )
    ua = uncertainty_analysis(dataset.observations, fw, choices, opts, n=n, seed=seed, years=[year])
    ranks = ua.summary()
    out: dict[str, Any] = {"ranks": ranks, "choices": choices.table()}
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
        out["sensitivity_region"] = sa.by_region[sa.by_region["region"] == region].reset_index(
            drop=True
        )
    else:
        out["sensitivity"] = pd.DataFrame(columns=list(_INDEX_COLUMNS))
        out["sensitivity_region"] = pd.DataFrame(columns=list(_REGION_COLUMNS))
    drop = drop_one_dataset(dataset, framework=fw, years=[year])
    out["dropone"] = drop
    out["coherence"] = coherence_dataset(dataset, framework=fw, years=[year])
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
    return {k: out[k] for k in order}


# ----------------------------------------------------------------------------- command
WHAT = ("ranks", "sensitivity", "dropone", "coherence", "replications")

_WORDS = {
    "en": {
        "ranks.title": "How robust is each rank? {code}, {year}",
        "ranks.x": "rank (1 = best)",
        "ranks.y": "region",
        "ranks.nominal": "nominal rank",
        "ranks.median": "median rank",
        "ranks.interval": "5-95 % of {n} replications",
        "sens.title": "Which choice moves the ranks most? {code}, {year}",
        "sens.x": "share of the variance of the mean absolute rank shift (0-1)",
        "sens.y": "choice",
        "sens.first": "first order (the choice alone)",
        "sens.inter": "interactions with other choices",
        "sens.interval": "interval of the total order",
        "factor.weights": "weights",
        "factor.normalise": "normalisation",
        "factor.aggregate": "aggregation",
        "factor.impute": "imputation",
        "factor.drop_indicator": "one indicator removed",
    },
    "id": {
        "ranks.title": "Seberapa kokoh setiap peringkat? {code}, {year}",
        "ranks.x": "peringkat (1 = terbaik)",
        "ranks.y": "wilayah",
        "ranks.nominal": "peringkat nominal",
        "ranks.median": "peringkat median",
        "ranks.interval": "5-95 % dari {n} replikasi",
        "sens.title": "Pilihan mana yang paling menggeser peringkat? {code}, {year}",
        "sens.x": "porsi varians rata-rata pergeseran peringkat absolut (0-1)",
        "sens.y": "pilihan",
        "sens.first": "orde pertama (pilihan itu sendiri)",
        "sens.inter": "interaksi dengan pilihan lain",
        "sens.interval": "interval orde total",
        "factor.weights": "bobot",
        "factor.normalise": "normalisasi",
        "factor.aggregate": "agregasi",
        "factor.impute": "imputasi",
        "factor.drop_indicator": "satu indikator dihapus",
    },
}


def _with_nominal(nominal: Any, alternatives: list[Any], label) -> list[Any]:
    """The alternatives with the nominal one first (added when missing)."""
    rest = [a for a in alternatives if label(a) != label(nominal)]
    return [nominal, *rest]


def split_alternatives(text: str | None) -> list[str]:
    """CLI lists: ``a,b,c``; aggregation alternatives with per-level methods are separated
    by ``;`` (``arithmetic;1=geometric,2=arithmetic``)."""
    if not text:
        return []
    if ";" in text or "=" in text:
        return [p.strip() for p in text.split(";") if p.strip()]
    return [p.strip() for p in text.split(",") if p.strip()]


def command_table(
    dataset,
    what: str = "ranks",
    *,
    years: list[int] | None = None,
    n: int | None = None,
    seed: int | None = 1,
    weight_noise: float = 0.25,
    weight_levels: tuple[int, ...] = (1,),
    normalise_alternatives: list[str] | None = None,
    aggregate_alternatives: list[str] | None = None,
    impute_alternatives: list[str] | None = None,
    drop_indicator: bool = False,
    code: str | None = None,
    levels: tuple[int, ...] = (1, 2),
    n_boot: int = 500,
    method: str = "pearson",
    framework=None,
) -> tuple[pd.DataFrame, Any]:
    """The table ``smartcity-eval uncertainty`` writes, and the result object behind it.

    ``what``: ``ranks`` (uncertainty summary per region and year), ``sensitivity``
    (Sobol' indices: the mean absolute rank shift, then each region's rank),
    ``dropone`` (rank changes when each pillar/element is removed), ``coherence``
    (correlations, Cronbach's alpha, flags), ``replications`` (every replication's score
    and rank). Alternatives default to :func:`~smartcity_eval.robustness.uncertainty.default_choices`;
    when given, the dataset's nominal method is kept first.
    """
    from smartcity_eval.robustness.uncertainty import (
        NormSpec,
        _agg_label,
        parse_aggregate,
        parse_normalise,
    )
    from smartcity_eval.scoring.engine import _resolve_framework

    if what not in WHAT:
        raise DataError(
            Problem(None, None, "what", f"unknown analysis '{what}'", did_you_mean(what, WHAT))
        )
    fw = _resolve_framework(dataset, framework)
    if years:
        missing = [y for y in years if y not in dataset.years]
        if missing:
            raise DataError(
                Problem(
                    None,
                    None,
                    "year",
                    f"no data for year {missing[0]}",
                    "known years: " + ", ".join(map(str, dataset.years)),
                    f"tidak ada data untuk tahun {missing[0]}",
                )
            )
    opts = nominal_options(dataset, fw)
    if what == "coherence":
        table = coherence_dataset(dataset, framework=fw, years=years or None, method=method)
        return table, table
    if what == "dropone":
        from smartcity_eval.robustness.sensitivity import drop_one

        base = default_choices(fw, opts, None, weight_noise=0.0)
        table = drop_one(
            dataset.observations, fw, base, opts, levels=levels, years=years or None, code=code
        )
        return table, table
    choices = default_choices(
        fw, opts, dataset.observations, weight_noise=weight_noise, weight_levels=weight_levels
    )
    if normalise_alternatives:
        alts = [parse_normalise(a) for a in normalise_alternatives]
        choices = Choices(
            normalise=tuple(_with_nominal(choices.normalise[0], alts, lambda s: s.label)),
            aggregate=choices.aggregate,
            impute=choices.impute,
            weight_noise=choices.weight_noise,
            weight_levels=choices.weight_levels,
        )
    if aggregate_alternatives:
        alts = [parse_aggregate(a) for a in aggregate_alternatives]
        choices = Choices(
            normalise=choices.normalise,
            aggregate=tuple(_with_nominal(choices.aggregate[0], alts, _agg_label)),
            impute=choices.impute,
            weight_noise=choices.weight_noise,
            weight_levels=choices.weight_levels,
        )
    if impute_alternatives:
        alts = [None if a.lower() in ("none", "off", "") else a for a in impute_alternatives]
        choices = Choices(
            normalise=choices.normalise,
            aggregate=choices.aggregate,
            impute=tuple(_with_nominal(choices.impute[0], alts, lambda s: s or "none")),
            weight_noise=choices.weight_noise,
            weight_levels=choices.weight_levels,
        )
    if drop_indicator:
        choices = Choices(
            normalise=choices.normalise,
            aggregate=choices.aggregate,
            impute=choices.impute,
            weight_noise=choices.weight_noise,
            weight_levels=choices.weight_levels,
            drop_indicator=True,
        )
    assert isinstance(choices.normalise[0], NormSpec)
    if what == "sensitivity":
        sa = sensitivity_analysis(
            dataset.observations,
            fw,
            choices,
            opts,
            n=n or 256,
            seed=seed,
            years=years or None,
            code=code,
            n_boot=n_boot,
        )
        return sa.table(), sa
    ua = uncertainty_analysis(
        dataset.observations,
        fw,
        choices,
        opts,
        n=n or 1000,
        seed=seed,
        years=years or None,
        code=code,
    )
    table = ua.summary() if what == "ranks" else ua.replications()
    return table, ua


def command_figure(what: str, result: Any, *, lang: str = "en", region: str | None = None):
    """The figure of ``smartcity-eval uncertainty --plot``: rank intervals (``ranks``,
    ``replications``) or sensitivity bars (``sensitivity``), for the latest year analysed.
    Raises DataError for the other analyses (no figure)."""
    from smartcity_eval.present import plots
    from smartcity_eval.robustness.sensitivity import SensitivityResult
    from smartcity_eval.robustness.uncertainty import UncertaintyResult

    words = _WORDS.get(lang, _WORDS["en"])
    if isinstance(result, UncertaintyResult):
        summary = result.summary()
        year = int(summary["year"].max())
        s = summary[summary["year"] == year]
        return plots.rank_uncertainty(
            list(s["region"]),
            s["nominal_rank"].to_numpy(),
            s["median_rank"].to_numpy(),
            s["rank_q05"].to_numpy(),
            s["rank_q95"].to_numpy(),
            highlight=region,
            title=words["ranks.title"].format(code=result.code, year=year),
            xlabel=words["ranks.x"],
            ylabel=words["ranks.y"],
            nominal_name=words["ranks.nominal"],
            median_name=words["ranks.median"],
            interval_name=words["ranks.interval"].format(n=len(result.ranks)),
        )
    if isinstance(result, SensitivityResult):
        ind = result.indices
        year = int(ind["year"].max())
        s = ind[ind["year"] == year]
        return plots.sensitivity_bars(
            [words.get(f"factor.{f}", f) for f in s["factor"]],
            s["S1"].to_numpy(),
            s["ST"].to_numpy(),
            total_low=s["ST_lo"].to_numpy(),
            total_high=s["ST_hi"].to_numpy(),
            title=words["sens.title"].format(code=s["code"].iloc[0], year=year),
            xlabel=words["sens.x"],
            ylabel=words["sens.y"],
            first_name=words["sens.first"],
            interaction_name=words["sens.inter"],
            interval_name=words["sens.interval"],
        )
    raise DataError(
        Problem(
            None,
            None,
            "plot",
            f"no figure for --what {what}",
            "use --plot with --what ranks or --what sensitivity",
        )
    )
