"""One evaluation: a dataset, its method settings, and every result computed from them.

:class:`Evaluation` is the object the command line, the report runner and the notebooks
work with. It holds a loaded :class:`~smartcity_eval.io.dataset.Dataset` and a
:class:`~smartcity_eval.settings.Settings`; each result (scores, gaps, reproduction,
agreement, robustness...) is computed on first use by the library function that owns it,
cached for the life of the object, and recorded in :attr:`Evaluation.log` with its
parameters, the SHA-256 of the input files and the package version.

An Evaluation does not change after creation: :meth:`Evaluation.regen` returns a new one
with changed settings (the same dataset object), and :meth:`Evaluation.compare` sets two
side by side per region, year and node, as COINr's ``compare_coins`` does (Becker et al.,
COINr: an R package for developing composite indicators, JOSS 2022;
https://bluefoot-research.github.io/COINr/).

>>> import smartcity_eval as se
>>> ev = se.evaluate("kutai_timur")                       # doctest: +SKIP
>>> ev.regen(normalise="minmax").compare(ev).head()       # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import json
import time
import weakref
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from smartcity_eval.io.dataset import Dataset, load_dataset
from smartcity_eval.io.frameworks import Framework, resolve_framework
from smartcity_eval.io.provenance import file_hashes, package_version
from smartcity_eval.settings import Settings, dataset_settings

__all__ = ["Evaluation", "LogEntry", "evaluate", "COMPARE_COLUMNS", "LOG_COLUMNS"]

#: Columns of :meth:`Evaluation.compare`.
COMPARE_COLUMNS: tuple[str, ...] = (
    "region",
    "year",
    "code",
    "level",
    "score_a",
    "score_b",
    "score_diff",
    "rank_a",
    "rank_b",
    "rank_diff",
)

#: Columns of :meth:`Evaluation.log_frame`.
LOG_COLUMNS: tuple[str, ...] = ("step", "parameters", "inputs", "version", "started", "seconds")


@dataclass(frozen=True)
class LogEntry:
    """One computed step of an evaluation.

    Attributes
    ----------
    step : what was computed: ``"load"``, ``"score"``, ``"gaps"``, ``"reproduce"``,
        ``"agreement"``, ``"robustness"``, ``"uncertainty"``, ``"contributions"``,
        ``"effective_weights"``.
    parameters : the step's parameters and the settings, as JSON-ready values.
    inputs : input file (as :func:`~smartcity_eval.io.provenance.file_hashes` shows its path)
        -> SHA-256 (64 hex digits) of its bytes.
    version : the package version that computed it.
    started : when the step started, ISO 8601 in UTC (seconds).
    seconds : how long it took, in seconds (wall clock).
    """

    step: str
    parameters: dict[str, Any]
    inputs: dict[str, str]
    version: str
    started: str
    seconds: float


def _plain(value: Any) -> Any:
    """A JSON-ready copy of a parameter value (tuples -> lists, numpy scalars -> numbers,
    paths and other objects -> text)."""

    def other(obj: Any) -> Any:
        return obj.item() if hasattr(obj, "item") and callable(obj.item) else str(obj)

    return json.loads(json.dumps(value, default=other))


#: Dataset -> its input hashes (kept while the Dataset lives).
_INPUTS: weakref.WeakKeyDictionary[Dataset, dict[str, str]] = weakref.WeakKeyDictionary()


def _key(step: str, parameters: Mapping[str, Any]) -> Hashable:
    """The cache key of a step and its parameters (their reprs, sorted by name)."""
    return (step, *sorted((k, repr(v)) for k, v in parameters.items()))


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


class Evaluation:
    """A dataset evaluated with one set of method choices; results cached and logged.

    Parameters
    ----------
    dataset : a loaded Dataset, or a dataset folder / the name of a shipped dataset
        (loaded with :func:`~smartcity_eval.io.dataset.load_dataset`).
    settings : the method choices (default: the library defaults overridden by the
        dataset's ``dataset.toml [methods]``; see
        :func:`~smartcity_eval.settings.dataset_settings`), or a mapping of changes to those.

    Attributes
    ----------
    dataset : the Dataset (shared, never modified).
    settings : the Settings (immutable).
    log : tuple of :class:`LogEntry`, one per step computed so far, in order.

    Raises
    ------
    DataError : the dataset cannot be loaded.
    ParameterError : invalid settings.
    """

    __slots__ = ("_dataset", "_settings", "_cache", "_log", "_inputs")

    def __init__(
        self,
        dataset: Dataset | str | Path,
        settings: Settings | Mapping[str, Any] | None = None,
        *,
        _inputs: dict[str, str] | None = None,
        _load_entry: LogEntry | None = None,
    ) -> None:
        started, t0 = _now(), time.perf_counter()
        loaded = not isinstance(dataset, Dataset)
        ds = load_dataset(dataset) if loaded else dataset
        seconds = time.perf_counter() - t0
        set_ = object.__setattr__
        set_(self, "_dataset", ds)
        if isinstance(settings, Mapping):  # e.g. {"normalise": "minmax"}: changes to the dataset's
            settings = dataset_settings(ds, None, **settings)
        set_(self, "_settings", dataset_settings(ds, settings))
        set_(self, "_cache", {})
        set_(self, "_log", [])
        set_(self, "_inputs", _inputs if _inputs is not None else self._hash_inputs(ds))
        if _load_entry is not None:
            self._log.append(_load_entry)
        else:
            parameters = {"dataset": ds.name, "path": Path(ds.path).as_posix(), "loaded": loaded}
            self._record("load", parameters, started, seconds)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"an Evaluation does not change: use regen() instead of setting {name}"
        )

    def __repr__(self) -> str:
        changed = dataset_settings(self._dataset).diff(self._settings)
        extra = ", ".join(f"{k}={b!r}" for k, (_, b) in changed.items())
        return f"Evaluation({self._dataset.name!r}{', ' + extra if extra else ''})"

    # --- public state ----------------------------------------------------------------------
    @property
    def dataset(self) -> Dataset:
        """The evaluated Dataset."""
        return self._dataset

    @property
    def settings(self) -> Settings:
        """The method choices of this evaluation."""
        return self._settings

    @property
    def log(self) -> tuple[LogEntry, ...]:
        """Every step computed so far (``load`` first), as :class:`LogEntry` records."""
        return tuple(self._log)

    def log_frame(self) -> pd.DataFrame:
        """:attr:`log` as a DataFrame with the columns of :data:`LOG_COLUMNS`."""
        rows = [{c: getattr(e, c) for c in LOG_COLUMNS} for e in self._log]
        return pd.DataFrame(rows, columns=list(LOG_COLUMNS))

    # --- machinery -------------------------------------------------------------------------
    @staticmethod
    def _hash_inputs(dataset: Dataset) -> dict[str, str]:
        """Input file -> SHA-256, read once per Dataset object (every Evaluation of it shares)."""
        if dataset not in _INPUTS:
            records = file_hashes(dataset.files, base=dataset.path)
            _INPUTS[dataset] = {r["path"]: r["sha256"] for r in records}
        return _INPUTS[dataset]

    def _record(self, step: str, parameters: dict[str, Any], started: str, seconds: float) -> None:
        entry = LogEntry(
            step=step,
            parameters=_plain(parameters),
            inputs=dict(self._inputs),
            version=package_version(),
            started=started,
            seconds=round(float(seconds), 6),
        )
        self._log.append(entry)

    def _cached(self, step: str, parameters: dict[str, Any], compute: Callable[[], Any]) -> Any:
        """The result of ``compute()`` for ``(step, parameters)``: computed and logged once."""
        key = _key(step, parameters)
        if key not in self._cache:
            started, t0 = _now(), time.perf_counter()
            self._cache[key] = compute()
            logged = {**parameters, "settings": self._settings.to_dict()}
            self._record(step, logged, started, time.perf_counter() - t0)
        return self._cache[key]

    def _has(self, step: str, parameters: dict[str, Any]) -> bool:
        """Whether ``(step, parameters)`` has been computed (and is cached)."""
        return _key(step, parameters) in self._cache

    def framework(self, framework: Framework | str | Path | None = None) -> Framework:
        """The tree ``framework`` names (default: the settings' framework, else the
        dataset's primary tree), resolved by :func:`~smartcity_eval.io.frameworks.resolve_framework`."""
        spec = framework if framework is not None else self._settings.framework
        return resolve_framework(spec, self._dataset)

    # --- scores ----------------------------------------------------------------------------
    @property
    def scores(self) -> pd.DataFrame:
        """Scores of every node, region and year of the settings' tree (default the primary
        tree): columns of :func:`~smartcity_eval.scoring.engine.score_dataset`."""
        return self.scores_of(None)

    def scores_of(
        self,
        framework: Framework | str | Path | None,
        columns: Sequence[str] | str | None = None,
    ) -> pd.DataFrame:
        """Scores of another tree of the dataset (a name, a path or a Framework); cached.
        A dataset of published results only (no item values) has its published values as
        scores (:func:`~smartcity_eval.analysis.published.published_scores`).

        ``columns``: None (every column) or only those asked for
        (:func:`~smartcity_eval.scoring.table.score_columns`; the rest is not computed,
        e.g. ``["score"]`` skips the ranks of a national table). Taken from the full
        table when that is already cached."""
        from smartcity_eval.analysis.published import has_items, published_scores
        from smartcity_eval.scoring.engine import score_dataset
        from smartcity_eval.scoring.table import SCORE_COLUMNS, score_columns

        fw = self.framework(framework)
        asked = score_columns(columns)
        if not has_items(self._dataset):
            table = self._cached(
                "score",
                {"framework": fw.name, "published": True},
                lambda: published_scores(self._dataset, fw),
            )
            return table if columns is None else table[[c for c in asked if c in table]]
        if asked != tuple(SCORE_COLUMNS) and not self._has("score", {"framework": fw.name}):
            return self._cached(
                "score",
                {"framework": fw.name, "columns": list(asked)},
                lambda: score_dataset(self._dataset, self._settings, framework=fw, columns=asked),
            )
        table = self._cached(
            "score",
            {"framework": fw.name},
            lambda: score_dataset(self._dataset, self._settings, framework=fw),
        )
        return table if columns is None else table[list(asked)]

    def index_framework(self) -> Framework:
        """The tree whose root is the headline index: ``settings.index_framework`` (a
        dataset.toml ``[methods]`` choice; Kominfo datasets name ``kominfo_components``,
        whose root is the published "Indeks Smart City (nilai final)"), else the scored tree."""
        spec = self._settings.index_framework
        return self.framework(spec) if spec is not None else self.framework()

    @property
    def index(self) -> pd.DataFrame:
        """The headline index: the root rows of :meth:`index_framework`'s scores (one row
        per region and year; the columns of :attr:`scores`)."""
        fw = self.index_framework()
        table = self.scores_of(fw)
        return table[table["code"] == fw.root].reset_index(drop=True)

    def contributions(self) -> pd.DataFrame:
        """What each child adds to its parent's score (see
        :func:`~smartcity_eval.scoring.engine.contributions`); cached."""
        from smartcity_eval.scoring.engine import contributions

        fw = self.framework()
        return self._cached(
            "contributions", {"framework": fw.name}, lambda: contributions(self.scores, fw)
        )

    def effective_weights(self) -> pd.DataFrame:
        """Each node's effective weight in the tree (see
        :func:`~smartcity_eval.scoring.engine.effective_weights`); cached."""
        from smartcity_eval.scoring.engine import effective_weights

        fw = self.framework()
        return self._cached(
            "effective_weights", {"framework": fw.name}, lambda: effective_weights(fw)
        )

    # --- analyses --------------------------------------------------------------------------
    def gaps(
        self, region: str | None = None, year: int | None = None, **options: Any
    ) -> dict[str, pd.DataFrame]:
        """Every gap analysis (targets, trajectory, change, drivers, peers, strengths,
        self, priorities) for one region and year, or all of them; see
        :func:`~smartcity_eval.analysis.gapset.gap_report` (``options``: ``top``,
        ``verified``...). Cached per region, year and options."""
        from smartcity_eval.analysis.gapset import gap_report

        parameters = {"region": region, "year": year, **options}

        def compute() -> dict[str, pd.DataFrame]:
            obs = self._dataset.observations
            scored = bool(len(obs)) and bool(obs["value"].notna().any())
            scores = self.scores if scored else None  # else gap_report uses published.csv
            return gap_report(
                self._dataset, region, year, settings=self._settings, scores=scores, **options
            )

        return self._cached("gaps", parameters, compute)

    # --- the office's registers (issue 13) --------------------------------------------------
    def programmes(self, year: int, region: str | None = None) -> dict[str, pd.DataFrame]:
        """The masterplan register in ``year``: ``realisation`` per pillar and overall,
        ``behind`` schedule, ``quick_wins`` and every programme's ``status`` (see
        :mod:`smartcity_eval.analysis.programmes`); cached."""
        from smartcity_eval.analysis import programmes as p

        reg, fw = self._dataset.registers, self.framework()

        def compute() -> dict[str, pd.DataFrame]:
            status = p.programme_status(reg, year)
            return {
                "realisation": p.realisation(reg, fw, year, region),
                "behind": p.behind_schedule(reg, year, region),
                "quick_wins": p.quick_wins(reg, year, region),
                "status": status if region is None else status[status["region"] == region],
            }

        return self._cached("programmes", {"year": year, "region": region}, compute)

    def evidence(
        self, year: int | None = None, region: str | None = None
    ) -> dict[str, pd.DataFrame]:
        """Supporting documents: ``completeness`` per ``pillar``, ``dimension`` and
        ``department`` and the ``missing`` list, most urgent first (see
        :mod:`smartcity_eval.analysis.evidence`); cached."""
        from smartcity_eval.analysis import evidence as e

        reg, fw = self._dataset.registers, self.framework()

        def compute() -> dict[str, pd.DataFrame]:
            out = {by: e.completeness(reg, fw, by, year, region) for by in e.GROUPS}
            out["missing"] = e.missing_documents(reg, fw, year, region, self.index_framework())
            return out

        return self._cached("evidence", {"year": year, "region": region}, compute)

    def departments(self, region: str, year: int) -> dict[str, Any]:
        """Follow-up per department of ``region`` in ``year``: ``summary`` (one row per
        department) and ``followup`` (department -> programmes, owned, missing); see
        :mod:`smartcity_eval.analysis.departments`; cached."""
        from smartcity_eval.analysis import departments as d

        reg, fw = self._dataset.registers, self.framework()

        def compute() -> dict[str, Any]:
            return {
                "summary": d.department_summary(reg, fw, region, year),
                "followup": d.department_followup(
                    reg, fw, region, year, self.scores, self.index_framework()
                ),
            }

        return self._cached("departments", {"region": region, "year": year}, compute)

    def reproduce(
        self, tolerance: str | float = "auto", published_only: bool = False
    ) -> pd.DataFrame:
        """Every published value recomputed and compared (see
        :func:`~smartcity_eval.analysis.reproduction.reproduce`), followed, with
        ``published_only=True``, by the published ranks (published_ranks.csv) as rows with status
        :data:`~smartcity_eval.vocab.REPRODUCE_PUBLISHED_ONLY` (facts the dataset cannot
        recompute, :func:`~smartcity_eval.analysis.published.published_only_rows`; they never
        count as a mismatch): the rows of ``smartcity-eval reproduce``. Cached per tolerance."""
        from smartcity_eval.analysis.published import published_only_rows
        from smartcity_eval.analysis.reproduction import reproduce

        def compute() -> pd.DataFrame:
            table = reproduce(self._dataset, settings=self._settings, tolerance=tolerance)
            facts = published_only_rows(self._dataset) if published_only else table.iloc[:0]
            if not len(facts):
                return table
            return pd.concat([table, facts], ignore_index=True)

        params: dict[str, Any] = {"tolerance": tolerance}
        if published_only:
            params["published_only"] = True
        return self._cached("reproduce", params, compute)

    def agreement(
        self, by: Sequence[str] = ("region", "year"), stage: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Inter-assessor agreement of the dataset's assessments per group (see
        :func:`~smartcity_eval.analysis.reliability.agreement`); cached per ``by``."""
        from smartcity_eval.analysis.reliability import agreement

        by_ = tuple(by)
        stage_ = tuple(stage) if stage is not None else None
        return self._cached(
            "agreement",
            {"by": list(by_), "stage": stage_},
            lambda: agreement(
                self._dataset.assessments, by=list(by_), stage=list(stage_) if stage_ else None
            ),
        )

    def robustness(
        self, region: str, year: int, n: int = 200, seed: int | None = 1, **options: Any
    ) -> dict[str, pd.DataFrame]:
        """How robust ``region``'s rank in ``year`` is: uncertainty, sensitivity and
        drop-one tables (see :func:`~smartcity_eval.robustness.summary.robustness_report`);
        cached per region, year, n, seed and options."""
        from smartcity_eval.robustness.summary import robustness_report

        if self._settings.index_framework is not None and "framework" not in options:
            options = {**options, "framework": self._settings.index_framework}  # the headline
        return self._cached(
            "robustness",
            {"region": region, "year": int(year), "n": n, "seed": seed, **options},
            lambda: robustness_report(
                self._dataset, region, int(year), settings=self._settings, n=n, seed=seed, **options
            ),
        )

    def uncertainty(self, what: str = "ranks", **options: Any) -> tuple[pd.DataFrame, Any]:
        """One robustness analysis of every region (``what``: ranks, sensitivity, dropone,
        coherence or replications) as ``(table, result)``; see
        :func:`~smartcity_eval.robustness.tables.uncertainty_tables` for ``options``
        (``years``, ``n``, ``seed``, alternatives...). Cached per ``what`` and options."""
        from smartcity_eval.robustness.tables import uncertainty_tables

        return self._cached(
            "uncertainty",
            {"what": what, **options},
            lambda: uncertainty_tables(self._dataset, what, settings=self._settings, **options),
        )

    def provenance(self) -> pd.DataFrame:
        """The input files: ``role, path, bytes, sha256`` (one row per distinct file)."""
        return pd.DataFrame(
            file_hashes(self._dataset.files, base=self._dataset.path),
            columns=["role", "path", "bytes", "sha256"],
        )

    # --- variants --------------------------------------------------------------------------
    def regen(self, **changes: Any) -> Evaluation:
        """The same dataset evaluated with ``settings.replace(**changes)`` (a new, empty
        cache; the input hashes and the ``load`` entry are kept). Raises
        :class:`~smartcity_eval.settings.ParameterError` for an unknown name or a bad value,
        with a did-you-mean."""
        return Evaluation(
            self._dataset,
            self._settings.replace(**changes),
            _inputs=self._inputs,
            _load_entry=self._log[0],
        )

    def compare(self, other: Evaluation) -> pd.DataFrame:
        """This evaluation (``a``) and ``other`` (``b``) side by side, per region, year and
        node, as COINr's ``compare_coins``.

        Columns :data:`COMPARE_COLUMNS`: ``score_diff = score_b - score_a`` (in score
        units), ``rank_diff = rank_b - rank_a`` (positive = ``b`` ranks lower, i.e. worse).
        A row present on one side only is kept with NaN on the other.
        ``.attrs["settings_diff"]`` is ``self.settings.diff(other.settings)``:
        ``{field: (value in a, value in b)}``.
        """
        keys = ["region", "year", "code"]
        cols = [*keys, "level", "score", "rank"]
        a = self.scores.loc[:, cols]
        b = other.scores.loc[:, cols]
        out = a.merge(b, on=keys, how="outer", suffixes=("_a", "_b"), sort=False)
        out["level"] = out["level_a"].combine_first(out["level_b"])
        out["score_diff"] = out["score_b"] - out["score_a"]
        out["rank_a"] = out["rank_a"].astype(float)
        out["rank_b"] = out["rank_b"].astype(float)
        out["rank_diff"] = out["rank_b"] - out["rank_a"]
        out = out.loc[:, list(COMPARE_COLUMNS)].reset_index(drop=True)
        out.attrs["settings_diff"] = self._settings.diff(other.settings)
        return out


def evaluate(
    dataset: Dataset | str | Path, settings: Settings | None = None, **changes: Any
) -> Evaluation:
    """An :class:`Evaluation` of ``dataset`` (a Dataset, a folder, or a shipped dataset's
    name) with ``settings`` (default: the dataset's) and ``changes`` applied, e.g.
    ``evaluate("kutai_timur", normalise="minmax", aggregate="geometric")``.
    Raises :class:`~smartcity_eval.settings.ParameterError` for a bad change."""
    ev = Evaluation(dataset, settings)
    return ev.regen(**changes) if changes else ev
