"""The open choices of an uncertainty analysis (:class:`Choices`) and the nominal options
they vary around.

Each choice lists its alternatives, the first being the nominal one: normalisations
(:class:`NormSpec`, parsed by :func:`parse_normalise`), aggregations (canonical specs of
:func:`smartcity_eval.settings.parse_aggregate`, :func:`aggregation_alternative`),
imputations, weight noise and the removal of one indicator. See
:mod:`smartcity_eval.robustness.uncertainty` for how they are drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.io.frameworks import Framework, resolve_framework
from smartcity_eval.scoring.engine import is_off
from smartcity_eval.scoring.normalise import METHODS as NORMALISE_METHODS
from smartcity_eval.settings import Settings, dataset_settings, parse_aggregate
from smartcity_eval.vocab import (
    VARIED_AGGREGATION,
    VARIED_CHOICES,
    VARIED_IMPUTATION,
    VARIED_NORMALISATION,
    VARIED_WEIGHTS,
)

__all__ = [
    "NormSpec",
    "parse_normalise",
    "aggregation_alternative",
    "aggregate_label",
    "Choices",
    "nominal_options",
    "nominal_setup",
]


@dataclass(frozen=True)
class NormSpec:
    """A normalisation alternative: ``method``, output ``range`` (None = the nominal
    range) and for zscore an optional ``(mean, sd)`` to map to."""

    method: str
    range: tuple[float, float] | None = None
    mean_sd: tuple[float, float] | None = None

    @property
    def label(self) -> str:
        if self.range is not None:
            return f"{self.method}:{self.range[0]:g}:{self.range[1]:g}"
        if self.mean_sd is not None:
            return f"{self.method}:{self.mean_sd[0]:g}:{self.mean_sd[1]:g}"
        return self.method


def parse_normalise(spec: str | NormSpec) -> NormSpec:
    """Parse ``"minmax"``, ``"minmax:1:100"``, ``"zscore:10:2"``, ``"none"``, ... .

    Raises DataError for an unknown method or malformed parameters.
    """
    if isinstance(spec, NormSpec):
        return spec
    text = str(spec).strip()
    parts = text.split(":")
    method = parts[0].strip().lower()
    if method not in NORMALISE_METHODS:
        raise DataError(
            Problem(
                None,
                None,
                "normalise",
                f"unknown normalisation alternative '{text}'",
                "use one of " + ", ".join(NORMALISE_METHODS) + " (optionally method:lo:hi)",
            )
        )
    if len(parts) == 1:
        return NormSpec(method)
    try:
        a, b = (float(p) for p in parts[1:])
    except ValueError:
        raise DataError(
            Problem(
                None,
                None,
                "normalise",
                f"'{text}' is not method:lo:hi with two numbers",
                "e.g. minmax:1:100 or zscore:10:2",
            )
        ) from None
    if method == "zscore":
        if b <= 0:
            raise DataError(
                Problem(None, None, "normalise", f"'{text}': the sd must be > 0", "zscore:10:2")
            )
        return NormSpec(method, mean_sd=(a, b))
    if method == "none":
        raise DataError(
            Problem(None, None, "normalise", f"'{text}': 'none' takes no parameters", "none")
        )
    if not a < b:
        raise DataError(
            Problem(None, None, "normalise", f"'{text}': lo must be below hi", "minmax:1:100")
        )
    return NormSpec(method, range=(a, b))


def aggregation_alternative(spec: Any) -> str | tuple[tuple[str | int, str], ...]:
    """An aggregation alternative in canonical form: the method name when one method is
    used everywhere, else the canonical spec of :func:`smartcity_eval.settings.parse_aggregate`
    (any form it accepts: a name, ``"1=arithmetic,2=geometric"``, a mapping)."""
    canonical = parse_aggregate(dict(spec) if isinstance(spec, tuple) else spec)
    if len(canonical) == 1:
        return canonical[0][1]
    return canonical


def aggregate_label(spec: Any) -> str:
    """Display text of an aggregation alternative: ``geometric`` or
    ``default=arithmetic,1=geometric``."""
    alt = aggregation_alternative(spec)
    if isinstance(alt, str):
        return alt
    return ",".join(f"{k}={m}" for k, m in alt)


@dataclass(frozen=True)
class Choices:
    """The open choices of an analysis; the first alternative of each is the nominal one.

    Attributes
    ----------
    normalise : normalisation alternatives (see :func:`parse_normalise`).
    aggregate : aggregation alternatives (see :func:`aggregation_alternative`).
    impute : imputation alternatives (None = skip missing values).
    weight_noise : relative size of the weight noise, e.g. 0.25 for +/- 25 % (0 = off).
    weight_levels : depths whose nodes' weights get the noise (root = 0; 1 = pillars).
    drop_indicator : whether one indicator (or none) is removed in each replication.
    """

    normalise: tuple[NormSpec, ...] = (NormSpec("minmax"),)
    aggregate: tuple[Any, ...] = ("arithmetic",)
    impute: tuple[str | None, ...] = (None,)
    weight_noise: float = 0.0
    weight_levels: tuple[int, ...] = (1,)
    drop_indicator: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "normalise", tuple(parse_normalise(s) for s in self.normalise))
        object.__setattr__(
            self, "aggregate", tuple(aggregation_alternative(s) for s in self.aggregate)
        )
        object.__setattr__(
            self, "impute", tuple(None if is_off(s) else str(s) for s in self.impute)
        )
        object.__setattr__(self, "weight_levels", tuple(int(x) for x in self.weight_levels))
        if not (self.normalise and self.aggregate and self.impute):
            raise DataError(
                Problem(None, None, None, "every choice needs at least its nominal alternative")
            )
        if not 0.0 <= float(self.weight_noise) < 1.0:
            raise DataError(
                Problem(
                    None,
                    None,
                    "weight_noise",
                    f"weight noise {self.weight_noise} is not in [0, 1)",
                    "e.g. 0.25 for +/- 25 %",
                )
            )

    def fixed(self) -> Choices:
        """The same nominal choices with nothing left open."""
        return Choices(
            normalise=self.normalise[:1],
            aggregate=self.aggregate[:1],
            impute=self.impute[:1],
            weight_noise=0.0,
            weight_levels=self.weight_levels,
            drop_indicator=False,
        )

    def varied(self) -> tuple[str, ...]:
        """The choices left open, as :data:`~smartcity_eval.vocab.VARIED_CHOICES` members in
        that order: weights when ``weight_noise > 0``, normalisation, aggregation and
        imputation when more than one alternative is allowed. (Removing one indicator,
        ``drop_indicator``, has no constant and is not listed.)"""
        open_ = {
            VARIED_NORMALISATION: len(self.normalise) > 1,
            VARIED_AGGREGATION: len(self.aggregate) > 1,
            VARIED_WEIGHTS: self.weight_noise > 0,
            VARIED_IMPUTATION: len(self.impute) > 1,
        }
        return tuple(v for v in VARIED_CHOICES if open_[v])

    def table(self) -> pd.DataFrame:
        """``choice, nominal, alternatives`` for reports."""
        rows = [
            (
                "weights",
                "nominal",
                f"+/- {self.weight_noise:.0%} at level(s) " + ",".join(map(str, self.weight_levels))
                if self.weight_noise > 0
                else "fixed",
            ),
            ("normalise", self.normalise[0].label, "; ".join(s.label for s in self.normalise)),
            (
                "aggregate",
                aggregate_label(self.aggregate[0]),
                "; ".join(aggregate_label(a) for a in self.aggregate),
            ),
            ("impute", self.impute[0] or "none", "; ".join(i or "none" for i in self.impute)),
            ("drop_indicator", "none", "one indicator or none" if self.drop_indicator else "none"),
        ]
        return pd.DataFrame(rows, columns=["choice", "nominal", "alternatives"])


def nominal_options(
    dataset, framework: Framework | None = None, settings: Settings | None = None
) -> dict:
    """The nominal scoring options of ``dataset`` under ``settings`` (default the dataset's
    own, :func:`smartcity_eval.settings.dataset_settings`): ``settings.score_options(fw)``
    plus the dataset's targets. A single aggregation method is given as its name."""
    settings = dataset_settings(dataset, settings)
    fw = framework if framework is not None else dataset.framework
    opts = settings.score_options(fw)
    agg = opts["aggregate"]
    if isinstance(agg, Mapping) and list(agg) == ["default"]:
        opts["aggregate"] = agg["default"]
    opts["targets"] = dataset.targets
    return opts


def nominal_setup(
    dataset, framework: Framework | str | None = None, settings: Settings | None = None
) -> tuple[Framework, dict]:
    """The tree and the nominal scoring options of a dataset-level analysis: ``framework``
    (else ``settings.framework``, else the primary tree; resolved by
    :func:`smartcity_eval.io.frameworks.resolve_framework`) and :func:`nominal_options`."""
    settings = dataset_settings(dataset, settings)
    fw = resolve_framework(framework if framework is not None else settings.framework, dataset)
    return fw, nominal_options(dataset, fw, settings)
