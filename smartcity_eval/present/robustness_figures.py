"""The figures of ``smartcity-eval uncertainty --plot``: rank intervals and sensitivity bars.

They draw the results of :mod:`smartcity_eval.robustness.uncertainty` and
:mod:`smartcity_eval.robustness.sensitivity` with :mod:`smartcity_eval.present.plots`; every
word comes from the message catalogue (:mod:`smartcity_eval.messages`, keys ``uncert.*``).
"""

from __future__ import annotations

from typing import Any

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.messages import t
from smartcity_eval.present import plots

__all__ = ["uncertainty_figure"]


def uncertainty_figure(what: str, result: Any, *, lang: str = "en", region: str | None = None):
    """The figure of ``smartcity-eval uncertainty --plot``: rank intervals (``ranks``,
    ``replications``) or sensitivity bars (``sensitivity``), for the latest year analysed.
    Raises DataError for the other analyses (no figure)."""
    from smartcity_eval.robustness.sensitivity import SensitivityResult
    from smartcity_eval.robustness.uncertainty import UncertaintyResult

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
            title=t("uncert.ranks.title", lang, code=result.code, year=year),
            xlabel=t("uncert.ranks.x", lang),
            ylabel=t("uncert.ranks.y", lang),
            nominal_name=t("uncert.ranks.nominal", lang),
            median_name=t("uncert.ranks.median", lang),
            interval_name=t("uncert.ranks.interval", lang, n=len(result.ranks)),
        )
    if isinstance(result, SensitivityResult):
        ind = result.indices
        year = int(ind["year"].max())
        s = ind[ind["year"] == year]
        return plots.sensitivity_bars(
            [t(f"uncert.factor.{f}", lang) for f in s["factor"]],
            s["S1"].to_numpy(),
            s["ST"].to_numpy(),
            total_low=s["ST_lo"].to_numpy(),
            total_high=s["ST_hi"].to_numpy(),
            title=t("uncert.sens.title", lang, code=s["code"].iloc[0], year=year),
            xlabel=t("uncert.sens.x", lang),
            ylabel=t("uncert.sens.y", lang),
            first_name=t("uncert.sens.first", lang),
            interaction_name=t("uncert.sens.inter", lang),
            interval_name=t("uncert.sens.interval", lang),
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
