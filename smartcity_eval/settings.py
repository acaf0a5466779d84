"""Settings: every method choice of an evaluation, in one immutable, validated object.

A :class:`Settings` is the only place where the three sources of a method choice meet:

1. the library's defaults (the field defaults below);
2. the dataset's ``dataset.toml`` ``[methods]`` table;
3. the caller's changes: command-line flags, or keyword arguments in Python.

Later sources win; a change of ``None`` means "not given". :meth:`Settings.resolve` merges
them, :meth:`Settings.replace` derives a changed copy; both validate every value and raise
one :class:`ParameterError` (a ``ValueError``) naming the parameter, the value, the allowed
values and the closest one. A bad value read from ``dataset.toml`` is reported by the
loader as a :class:`~smartcity_eval.errors.DataError` with the file and line instead
(see :func:`settings_problems`).

The kernels never see a Settings: :meth:`Settings.score_options` turns it into the keyword
arguments of :func:`smartcity_eval.scoring.engine.score`. The command line builds its
method options from :data:`PARAMETERS` (see :mod:`smartcity_eval.cli.options`).

The declared constraints follow scikit-learn's ``_parameter_constraints`` (one table of
what each parameter accepts, one error type for all of them).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from smartcity_eval.errors import suggest
from smartcity_eval.vocab import (
    AGGREGATE_METHODS,
    CONSENSUS_METHODS,
    IMPUTE_METHODS,
    NORMALISE_METHODS,
    PEERS_BY,
    SCOPES,
)

__all__ = [
    "Settings",
    "ParameterError",
    "PARAMETERS",
    "METHOD_KEYS",
    "parse_aggregate",
    "settings_problems",
    "dataset_settings",
]


class ParameterError(ValueError):
    """A method choice or argument that the library does not accept.

    Attributes
    ----------
    parameter : str
        The parameter's name as the user wrote it (``normalise``, ``min_coverage``...).
    value : object
        The value given.
    allowed : str
        What is allowed, in words (``"one of: none, minmax, ..."`` or ``"a number 0-1"``).
    suggestion : str or None
        The closest allowed value, for a misspelt name.
    """

    def __init__(
        self,
        parameter: str,
        value: Any,
        allowed: str,
        suggestion: str | None = None,
        allowed_id: str = "",
    ) -> None:
        self.parameter = parameter
        self.value = value
        self.allowed = allowed
        self.allowed_id = allowed_id
        self.suggestion = suggestion
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        super().__init__(f"{parameter}={value!r} is not allowed: use {allowed}{hint}")

    def message_id(self) -> str:
        """The same message in Bahasa Indonesia."""
        hint = f"; mungkin maksud Anda '{self.suggestion}'?" if self.suggestion else ""
        allowed = self.allowed_id or self.allowed.replace("one of:", "salah satu dari:")
        return f"{self.parameter}={self.value!r} tidak diizinkan: gunakan {allowed}{hint}"


@dataclass(frozen=True)
class Parameter:
    """The declared constraint of one Settings field (what it accepts, for checks and help)."""

    name: str
    help: str
    choices: tuple[str, ...] | None = None
    allowed: str = ""
    allowed_id: str = ""


#: Every Settings field that a dataset.toml ``[methods]`` table or a command line may set,
#: with its constraint and help text (the command line's option group is built from this).
PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter(
            "normalise",
            "normalisation of indicators (default: goalposts where every indicator has "
            "bounds, else minmax; Kominfo datasets use none)",
            NORMALISE_METHODS,
        ),
        Parameter(
            "range",
            "output range LO HI of minmax, goalposts, rank and target (default 0 100)",
            allowed="two numbers LO < HI",
            allowed_id="dua angka LO < HI",
        ),
        Parameter(
            "aggregate",
            "arithmetic, geometric or harmonic; per level or node as LEVEL=method or "
            "CODE=method, comma-separated (0 = the index), e.g. 0=geometric,GOV=harmonic",
            allowed="arithmetic, geometric, harmonic, or LEVEL=method,CODE=method,...",
            allowed_id="arithmetic, geometric, harmonic, atau LEVEL=metode,KODE=metode,...",
        ),
        Parameter("scope", "normalise within each year, or pool all years", SCOPES),
        Parameter(
            "min_coverage",
            "an aggregate whose weighted share of children present is below this is missing",
            allowed="a number 0-1",
            allowed_id="angka 0-1",
        ),
        Parameter(
            "impute",
            "fill missing indicator values (flagged 'imputed'); group_mean needs groups",
            IMPUTE_METHODS,
        ),
        Parameter(
            "outliers",
            "treat outliers as COINr's qTreat (winsorise up to 5 points, else log)",
            allowed="true or false",
            allowed_id="true atau false",
        ),
        Parameter(
            "consensus",
            "how several assessors' scores of an item become one verified score",
            CONSENSUS_METHODS,
        ),
        Parameter(
            "framework",
            "the tree to score (a framework of the dataset, a shipped name, or a path)",
            allowed="a framework name or path",
            allowed_id="nama atau path kerangka",
        ),
        Parameter(
            "index_framework",
            "the tree whose root is the headline index (e.g. kominfo_components)",
            allowed="a framework name or path",
            allowed_id="nama atau path kerangka",
        ),
        Parameter(
            "peers_by",
            "compare a region with every region (all), those of its kind (kabupaten/kota) "
            "or of its province, as regions.csv gives them",
            PEERS_BY,
        ),
    )
}

#: The keys a dataset.toml ``[methods]`` table may hold.
METHOD_KEYS: tuple[str, ...] = (
    "normalise",
    "range",
    "aggregate",
    "scope",
    "min_coverage",
    "consensus",
    "impute",
    "outliers",
    "index_framework",
    "peers_by",
)

_OUTLIER_KEYS = ("winmax", "skew_thresh", "kurt_thresh")


def _bad(parameter: str, value: Any, suggestion: str | None = None) -> ParameterError:
    """The error for a bad value of a declared parameter, in its own words (en and id)."""
    p = PARAMETERS[parameter]
    return ParameterError(parameter, value, p.allowed, suggestion, p.allowed_id)


def _not_one_of(parameter: str, value: Any, known: tuple[str, ...]) -> ParameterError:
    """The error for ``value`` not among ``known`` names, with the closest one suggested."""
    return ParameterError(parameter, value, "one of: " + ", ".join(known), suggest(value, known))


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise _not_one_of(name, value, choices)
    return value


def parse_aggregate(value: Any) -> tuple[tuple[str | int, str], ...]:
    """An aggregation spec in canonical form: ``(("default", method), (depth|code, method), ...)``.

    Accepts a method name (``"geometric"``), the command-line form
    ``"1=arithmetic,2=geometric,GOV=harmonic"`` (``depth=method`` or ``code=method``; a bare
    method sets the default) or a mapping ``{depth or code: method}``. Depth 0 is the index.
    Raises :class:`ParameterError` for an unknown method or an empty spec.
    """
    if isinstance(value, Mapping):
        items = [(k, v) for k, v in value.items()]
    elif isinstance(value, str):
        items = []
        for part in (p.strip() for p in value.split(",")):
            if not part:
                continue
            if "=" not in part:
                items.append(("default", part))
                continue
            key, method = (s.strip() for s in part.split("=", 1))
            items.append((int(key) if key.isdigit() else key, method))
    else:
        raise _bad("aggregate", value, suggest(value, AGGREGATE_METHODS))
    if not items:
        raise _bad("aggregate", value)
    out: dict[str | int, str] = {}
    for key, method in items:
        if isinstance(key, str) and key.isdigit():
            key = int(key)
        _choice("aggregate", method, AGGREGATE_METHODS)
        out[key] = method
    out.setdefault("default", "arithmetic")
    default = out.pop("default")
    return (("default", default), *sorted(out.items(), key=lambda kv: (str(type(kv[0])), kv[0])))


def _range(value: Any) -> tuple[float, float]:
    if isinstance(value, str) or not hasattr(value, "__len__") or len(value) != 2:
        raise _bad("range", value)
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise _bad("range", value) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise _bad("range", value)
    return (lo, hi)


def _fraction(value: Any) -> float:
    if isinstance(value, bool):
        raise _bad("min_coverage", value)
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise _bad("min_coverage", value) from None
    if not (0.0 <= x <= 1.0):
        raise _bad("min_coverage", value)
    return x


def _outliers(value: Any) -> bool | tuple[tuple[str, float], ...]:
    if isinstance(value, bool):
        return value
    if isinstance(value, Mapping):
        bad = [k for k in value if k not in _OUTLIER_KEYS]
        if bad:
            raise _not_one_of("outliers", bad[0], _OUTLIER_KEYS)
        return tuple(sorted((str(k), float(v)) for k, v in value.items()))
    raise _bad("outliers", value)


def _name(parameter: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _bad(parameter, value)
    return value


@dataclass(frozen=True)
class Settings:
    """Every method choice of an evaluation (immutable; hashable; validated on creation).

    Attributes
    ----------
    normalise : str or None
        One of :data:`~smartcity_eval.vocab.NORMALISE_METHODS`; ``None`` = the framework's
        default (``goalposts`` where every indicator has bounds, else ``minmax``).
    range : (float, float)
        Output range of minmax, goalposts, rank and target; default ``(0, 100)``.
    aggregate : tuple of (key, method)
        Canonical aggregation spec (:func:`parse_aggregate`): the default method first,
        then per depth (int, 0 = index) or node code (str).
    scope : str
        ``"year"`` (normalise, impute and treat within each year) or ``"all"`` (pooled).
    min_coverage : float
        0-1; an aggregate whose weighted share of children present is below this is missing.
    impute : str or None
        None (off) or one of :data:`~smartcity_eval.vocab.IMPUTE_METHODS`.
    outliers : bool or tuple of (key, value)
        False (off), True (COINr's default treatment) or ``winmax/skew_thresh/kurt_thresh``.
    consensus : str
        How assessors' scores become the verified one; default ``"median"``.
    framework : str or None
        The tree to score; None = the dataset's primary tree.
    index_framework : str or None
        The tree whose root is the headline index; None = the dataset's choice.
    groups : tuple of (region, group)
        Peer groups for ``impute="group_mean"``.
    peers : tuple of str or None
        The regions a region is compared with; None = every region of the dataset.
    peers_by : str
        ``all`` (default), ``kind`` or ``province``: peers are the regions of the same kind
        or province (``regions.csv``); used when ``peers`` is None.
    """

    normalise: str | None = None
    range: tuple[float, float] = (0.0, 100.0)
    aggregate: tuple[tuple[str | int, str], ...] = (("default", "arithmetic"),)
    scope: str = "year"
    min_coverage: float = 0.0
    impute: str | None = None
    outliers: bool | tuple[tuple[str, float], ...] = False
    consensus: str = "median"
    framework: str | None = None
    index_framework: str | None = None
    groups: tuple[tuple[str, str], ...] = field(default=())
    peers: tuple[str, ...] | None = None
    peers_by: str = "all"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if self.normalise is not None:
            _choice("normalise", self.normalise, NORMALISE_METHODS)
        set_(self, "range", _range(self.range))
        set_(self, "aggregate", parse_aggregate(_aggregate_input(self.aggregate)))
        _choice("scope", self.scope, SCOPES)
        set_(self, "min_coverage", _fraction(self.min_coverage))
        if self.impute is not None:
            _choice("impute", self.impute, IMPUTE_METHODS)
        set_(self, "outliers", _outliers(self.outliers))
        _choice("consensus", self.consensus, CONSENSUS_METHODS)
        _choice("peers_by", self.peers_by, PEERS_BY)
        set_(self, "framework", _name("framework", _as_name(self.framework)))
        set_(self, "index_framework", _name("index_framework", _as_name(self.index_framework)))
        groups = dict(self.groups) if not isinstance(self.groups, Mapping) else self.groups
        set_(self, "groups", tuple(sorted((str(k), str(v)) for k, v in dict(groups).items())))
        if self.peers is not None:
            if isinstance(self.peers, str):
                raise ParameterError(
                    "peers", self.peers, "a list of region names", None, "daftar nama wilayah"
                )
            set_(self, "peers", tuple(str(p) for p in self.peers))

    # --- construction --------------------------------------------------------------------
    @classmethod
    def resolve(cls, methods: Mapping[str, Any] | None = None, /, **changes: Any) -> Settings:
        """Defaults, then ``methods`` (a dataset.toml ``[methods]`` table), then ``changes``
        (``None`` = not given). Raises :class:`ParameterError` for an unknown key or value."""
        merged: dict[str, Any] = {}
        for source in (methods or {}, changes):
            for key, value in source.items():
                if value is None:
                    continue
                if key not in _FIELDS:
                    raise _not_one_of("settings", key, _FIELDS)
                merged[key] = value
        return cls(**merged)

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied (``None`` = unchanged), validated."""
        unknown = [k for k in changes if k not in _FIELDS]
        if unknown:
            raise _not_one_of("settings", unknown[0], _FIELDS)
        given = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **given) if given else self

    # --- views ---------------------------------------------------------------------------
    def aggregate_spec(self) -> dict[str | int, str]:
        """The aggregation spec as the kernels take it: ``{"default": m, depth|code: m}``."""
        return dict(self.aggregate)

    def normalise_for(self, framework: Any) -> str:
        """The normalisation for ``framework``: the chosen one, else its default
        (``goalposts`` where every indicator has lower and upper bounds, else ``minmax``)."""
        if self.normalise is not None:
            return self.normalise
        nodes = framework.nodes.loc[framework.indicators]
        bounded = nodes["lower"].notna().all() and nodes["upper"].notna().all()
        return "goalposts" if bounded else "minmax"

    def score_options(self, framework: Any) -> dict[str, Any]:
        """Keyword arguments of :func:`smartcity_eval.scoring.engine.score` for ``framework``."""
        return {
            "normalise": self.normalise_for(framework),
            "range": self.range,
            "aggregate": self.aggregate_spec(),
            "scope": self.scope,
            "min_coverage": self.min_coverage,
            "impute": self.impute,
            "outliers": dict(self.outliers) if isinstance(self.outliers, tuple) else self.outliers,
            "groups": dict(self.groups) or None,
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (for logs, manifests and cache keys)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "aggregate":
                value = ",".join(f"{k}={m}" for k, m in value)
            elif f.name == "range":
                value = list(value)
            elif f.name == "groups" or f.name == "outliers" and isinstance(value, tuple):
                value = dict(value)
            elif f.name == "peers" and value is not None:
                value = list(value)
            out[f.name] = value
        return out

    def diff(self, other: Settings) -> dict[str, tuple[Any, Any]]:
        """``{field: (self's value, other's value)}`` for every field that differs."""
        a, b = self.to_dict(), other.to_dict()
        return {k: (a[k], b[k]) for k in a if a[k] != b[k]}


_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Settings))


def _aggregate_input(value: Any) -> Any:
    """A canonical tuple (from an earlier Settings) back to a mapping for parsing."""
    if isinstance(value, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        return dict(value)
    return value


def _as_name(value: Any) -> Any:
    """A Framework object or a path, as the name or path text Settings keeps."""
    if value is None or isinstance(value, str):
        return value
    name = getattr(value, "name", None)
    if isinstance(name, str):
        return name
    return str(value)


def dataset_settings(dataset: Any, settings: Settings | None = None, /, **changes: Any) -> Settings:
    """The settings of an evaluation of ``dataset``: ``settings`` if given, else the
    defaults overridden by its dataset.toml ``[methods]``; then ``changes`` applied
    (``None`` = not given). Every dataset-level function resolves its settings here."""
    base = settings if settings is not None else Settings.resolve(getattr(dataset, "methods", {}))
    return base.replace(**changes)


def settings_problems(methods: Mapping[str, Any]) -> list[tuple[str, ParameterError]]:
    """Check a dataset.toml ``[methods]`` table key by key: ``[(key, error), ...]``.

    The loader turns each into a :class:`~smartcity_eval.errors.Problem` with the file and
    line of the key, so ``validate`` reports bad methods with the same words as the command
    line does.
    """
    found: list[tuple[str, ParameterError]] = []
    for key, value in methods.items():
        if key not in METHOD_KEYS:
            found.append((key, _not_one_of("methods", key, METHOD_KEYS)))
            continue
        try:
            Settings(**{key: value})
        except ParameterError as err:
            found.append((key, err))
        except (TypeError, ValueError) as err:  # pragma: no cover - defensive
            found.append((key, ParameterError(key, value, str(err))))
    return found
