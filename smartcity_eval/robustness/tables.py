"""The tables of ``smartcity-eval uncertainty``, as pure functions.

:func:`uncertainty_tables` runs one analysis (ranks, sensitivity, drop-one, coherence or the
replications) of a dataset under its :class:`~smartcity_eval.settings.Settings` and returns
the table the command writes with the result object behind it;
:func:`smartcity_eval.present.robustness_figures.uncertainty_figure` draws its figure. The command line (:mod:`smartcity_eval.cli`) only parses
flags and writes files.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from smartcity_eval.analysis.coherence import coherence_table
from smartcity_eval.errors import DataError, Problem, did_you_mean
from smartcity_eval.robustness.sensitivity import sensitivity_analysis
from smartcity_eval.robustness.uncertainty import (
    Choices,
    aggregate_label,
    default_choices,
    nominal_setup,
    parse_normalise,
    uncertainty_analysis,
)
from smartcity_eval.scoring.engine import score_dataset
from smartcity_eval.settings import Settings, dataset_settings, parse_aggregate

__all__ = ["uncertainty_tables", "split_alternatives", "WHAT"]

WHAT = ("ranks", "sensitivity", "dropone", "coherence", "replications")


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


def _open_choices(
    choices: Choices,
    normalise_alternatives: list[str] | None,
    aggregate_alternatives: list[str] | None,
    impute_alternatives: list[str] | None,
    drop_indicator: bool,
) -> Choices:
    """``choices`` with the alternatives given on the command line (nominal kept first)."""
    changes: dict[str, Any] = {}
    if normalise_alternatives:
        alts = [parse_normalise(a) for a in normalise_alternatives]
        changes["normalise"] = tuple(_with_nominal(choices.normalise[0], alts, lambda s: s.label))
    if aggregate_alternatives:
        alts = [parse_aggregate(a) for a in aggregate_alternatives]
        changes["aggregate"] = tuple(_with_nominal(choices.aggregate[0], alts, aggregate_label))
    if impute_alternatives:
        alts = [None if a.lower() in ("none", "off", "") else a for a in impute_alternatives]
        changes["impute"] = tuple(_with_nominal(choices.impute[0], alts, lambda s: s or "none"))
    if drop_indicator:
        changes["drop_indicator"] = True
    return replace(choices, **changes) if changes else choices


def _check_years(dataset, years: list[int] | None) -> None:
    missing = [y for y in years or () if y not in dataset.years]
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


def uncertainty_tables(
    dataset,
    what: str = "ranks",
    *,
    settings: Settings | None = None,
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
    and rank). ``settings`` (default the dataset's own) gives the nominal methods and the
    tree (``framework`` wins over ``settings.framework``). Alternatives default to
    :func:`~smartcity_eval.robustness.uncertainty.default_choices`; when given, the nominal
    method is kept first.
    """
    if what not in WHAT:
        raise DataError(
            Problem(None, None, "what", f"unknown analysis '{what}'", did_you_mean(what, WHAT))
        )
    settings = dataset_settings(dataset, settings)
    fw, opts = nominal_setup(dataset, framework, settings)
    _check_years(dataset, years)
    if what == "coherence":
        scores = score_dataset(dataset, settings, framework=fw, columns=["score"])
        table = coherence_table(scores, fw, years=years or None, method=method)
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
    choices = _open_choices(
        choices, normalise_alternatives, aggregate_alternatives, impute_alternatives, drop_indicator
    )
    problem = (dataset.observations, fw, choices, opts)
    run = {"seed": seed, "years": years or None, "code": code}
    if what == "sensitivity":
        sa = sensitivity_analysis(*problem, n=n or 256, n_boot=n_boot, **run)
        return sa.table(), sa
    ua = uncertainty_analysis(*problem, n=n or 1000, **run)
    table = ua.summary() if what == "ranks" else ua.replications()
    return table, ua
