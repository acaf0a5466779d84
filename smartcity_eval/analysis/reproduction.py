"""Reproducing published results: recompute every value of ``published.csv`` and compare.

A published value (one node of one region in one year) is recomputed from the dataset's
inputs, in this order of preference:

1. **item scores**: the observations of the indicators under the node, and, for items the
   observations lack, the assessors' consensus (:func:`smartcity_eval.analysis.assessors.consensus`,
   method ``settings.consensus``: ``--consensus``, else dataset.toml ``[methods] consensus``,
   else the library default, median).
   The node is scored with :mod:`smartcity_eval.scoring.engine` and the evaluation's settings (for
   Kominfo and SPBE ``normalise = "none"``: a weighted mean of raw 1-5 levels), using the
   tree that holds the node (:meth:`Dataset.framework_of`).
2. **published parts**: when no item under the node has a score (e.g. Kota Kediri, where
   only the five components and the final index are public), the node is aggregated from the
   published values of its children, with the tree's local weights (a child that is not
   published is itself aggregated from its own published children, recursively). Kota Kediri
   2022: FINAL = 0.1 x 3.60 + 0.2 x 3.21 + 0.3 x 3.23 + 0.2 x 3.07 + 0.2 x 3.65 = 3.315.
3. otherwise the value is ``not_computable`` and the ``note`` says what is missing.

The tolerance of each value (``tolerance="auto"``) follows from the precision its number
and its published inputs are written with: see :mod:`smartcity_eval.analysis.tolerance`.

Reference values: Kota Kediri 2022, bangsaonline.com/amp/berita/113379 (see
data/kota_kediri/README.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.analysis.assessors import consensus as consensus_scores
from smartcity_eval.analysis.tolerance import (
    derive_tolerance,
    parse_tolerance,
    published_decimals,
    text_decimals,
    within_tolerance,
)
from smartcity_eval.errors import DataError
from smartcity_eval.io.dataset import Dataset, load_dataset
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.io.tables import ROW, read_table
from smartcity_eval.messages import t
from smartcity_eval.scoring.aggregate import node_methods
from smartcity_eval.scoring.means import weighted_mean_partials
from smartcity_eval.settings import Settings, dataset_settings
from smartcity_eval.vocab import (
    REPRODUCE_MATCH,
    REPRODUCE_MISMATCH,
    REPRODUCE_NOT_COMPUTABLE,
    REPRODUCE_PUBLISHED_ONLY,
    REPRODUCE_STATUSES,
)

__all__ = [
    "REPRODUCE_COLUMNS",
    "CONSENSUS_CHECK_COLUMNS",
    "STATUSES",
    "item_values",
    "reproduce",
    "check_consensus",
    "summary",
    "consensus_summary",
]

#: Columns of :func:`reproduce`.
REPRODUCE_COLUMNS: tuple[str, ...] = (
    "region",
    "year",
    "code",
    "computed",
    "published",
    "difference",
    "tolerance",
    "status",
    "note",
    "note_id",
    "framework",
    "basis",
)
#: Columns of :func:`check_consensus`.
CONSENSUS_CHECK_COLUMNS: tuple[str, ...] = (
    "region",
    "year",
    "indicator",
    "observed",
    "consensus",
    "n_assessors",
    "difference",
    "tolerance",
    "status",
    "note",
    "note_id",
)
#: The values of the ``status`` column (:data:`smartcity_eval.vocab.REPRODUCE_STATUSES`).
STATUSES: tuple[str, ...] = REPRODUCE_STATUSES
#: Computed values and differences are rounded to this many decimals in the output table
#: (far below any published precision; it removes float noise such as 3.3150000000000004).
OUTPUT_DECIMALS = 10


# ----------------------------------------------------------------------------- inputs
def item_values(dataset: Dataset, consensus: str) -> pd.DataFrame:
    """The item scores a reproduction starts from: ``region, year, indicator, value, origin``.

    Every non-missing observation (``origin = "observation"``), and for the items that the
    observations lack (no row, or an empty value) the assessors' consensus with method
    ``consensus`` (``origin = "consensus"``; self-assessments excluded).
    """
    obs = dataset.observations
    obs = obs.loc[obs["value"].notna(), ["region", "year", "indicator", "value"]].copy()
    obs["origin"] = "observation"
    frames = [obs]
    if not dataset.assessments.empty:
        cons = consensus_scores(dataset.assessments, consensus)
        if not cons.empty:
            have = pd.MultiIndex.from_frame(obs[["region", "year", "indicator"]])
            keys = pd.MultiIndex.from_frame(cons[["region", "year", "indicator"]])
            extra = cons.loc[~keys.isin(have), ["region", "year", "indicator", "value"]].copy()
            extra["origin"] = "consensus"
            frames.append(extra)
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(
            {
                "region": pd.Series(dtype="str"),
                "year": pd.Series(dtype="int64"),
                "indicator": pd.Series(dtype="str"),
                "value": pd.Series(dtype=float),
                "origin": pd.Series(dtype="str"),
            }
        )
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype(float)
    return out.sort_values(["region", "year", "indicator"], kind="stable").reset_index(drop=True)


def _score_items(
    dataset: Dataset, items: pd.DataFrame, framework: Framework, settings: Settings
) -> dict[tuple[str, int, str], float]:
    """Score ``items`` on ``framework`` with ``settings``: {(region, year, code): score}."""
    from smartcity_eval.scoring.engine import score_dataset

    if items.empty:
        return {}
    observations = items[["region", "year", "indicator", "value"]].copy()
    observations["source"] = ""
    observations["note"] = ""
    leaves = set(framework.indicators)
    observations = observations.loc[observations["indicator"].isin(leaves)].reset_index(drop=True)
    if observations.empty:
        return {}
    observations[ROW] = np.arange(2, len(observations) + 2, dtype="int64")
    view = replace(dataset, observations=observations)
    table = score_dataset(view, settings, framework=framework, columns=["score"])
    return {
        (str(r), int(y), str(c)): float(s)
        for r, y, c, s in zip(
            table["region"], table["year"], table["code"], table["score"], strict=True
        )
    }


# ----------------------------------------------------------------------------- published parts
def _from_published(
    framework: Framework,
    code: str,
    published: Mapping[str, tuple[float, int]],
    methods: Mapping[str, str],
) -> tuple[float, dict[str, tuple[float, int]]] | None:
    """Aggregate ``code`` from the published values of its children (recursively).

    ``published``: {code: (value, decimals)} of one region and year; ``methods``: the
    aggregation of each node (:func:`smartcity_eval.scoring.aggregate.node_methods`). Returns the value and
    {input code: (sensitivity, decimals)}, or None when a child with a weight has neither a
    published value nor published parts.
    """
    kids = framework.children(code)
    if not kids:
        return None
    local = framework.local_weights
    values: list[float] = []
    weights: list[float] = []
    grads: list[dict[str, tuple[float, int]]] = []
    for kid in kids:
        if local[kid] == 0:
            continue
        if kid in published:
            value, decimals = published[kid]
            grads.append({kid: (1.0, decimals)})
        else:
            sub = _from_published(framework, kid, published, methods)
            if sub is None:
                return None
            value, grad = sub
            grads.append(grad)
        values.append(value)
        weights.append(float(local[kid]))
    if not values:
        return None
    total, partials = weighted_mean_partials(values, weights, methods.get(code, "arithmetic"))
    out: dict[str, tuple[float, int]] = {}
    for partial, grad in zip(partials, grads, strict=True):
        for name, (sensitivity, decimals) in grad.items():
            before = out.get(name, (0.0, decimals))[0]
            out[name] = (before + partial * sensitivity, decimals)
    return total, out


def _fmt_weights(framework: Framework, codes: list[str]) -> str:
    return "/".join(f"{framework.local_weights[c]:.4g}" for c in codes)


def _names(codes: list[str], limit: int = 6) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" and {len(codes) - limit} more" if len(codes) > limit else "")


def _missing_note(
    row: dict, framework: Framework, code: str, region: str, year: int, published: Mapping
) -> None:
    """Why ``code`` can be computed neither from item scores nor from published parts."""
    kids = framework.children(code)
    n_items = len(framework.leaves_under(code))
    values = {"region": region, "year": year, "code": code, "n": n_items}
    if all(framework.nodes.at[k, "is_leaf"] for k in kids):
        _say(row, "no_items", **values)
        return
    have = [k for k in kids if k in published]
    missing = [k for k in kids if k not in published]
    key = "no_items_parts_some" if have else "no_items_parts_none"
    _say(row, key, missing=_names(missing), have=_names(have), **values)


# ----------------------------------------------------------------------------- reproduce
def _say(row: dict, key: str, **values: Any) -> None:
    """Set ``row``'s ``note`` (English) and ``note_id`` (Bahasa Indonesia) to the message
    ``repro.note.<key>`` of the catalogue, with ``values`` filled in."""
    row["note"] = t(f"repro.note.{key}", "en", **values)
    row["note_id"] = t(f"repro.note.{key}", "id", **values)


def _as_dataset(dataset: Dataset | str | Path) -> Dataset:
    return dataset if isinstance(dataset, Dataset) else load_dataset(dataset)


@dataclass
class _Run:
    """What one reproduction of a dataset shares across its published rows."""

    dataset: Dataset
    settings: Settings
    items: pd.DataFrame
    #: {(region, year): {indicator: origin}} of the item scores
    present: dict[tuple[str, int], dict[str, str]]
    #: {(region, year): {code: (value, decimals)}} of the published values
    published: dict[tuple[str, int], dict[str, tuple[float, int]]]
    scores: dict[str, dict[tuple[str, int, str], float] | str] = field(default_factory=dict)
    methods: dict[str, dict[str, str]] = field(default_factory=dict)

    def scored(self, fw: Framework) -> dict[tuple[str, int, str], float] | str:
        """The item scores of ``fw`` (cached), or why they cannot be scored."""
        if fw.name not in self.scores:
            try:
                self.scores[fw.name] = _score_items(self.dataset, self.items, fw, self.settings)
            except DataError as err:  # e.g. a geometric mean over a value <= 0
                self.scores[fw.name] = "; ".join(p.message for p in err.problems)
        return self.scores[fw.name]

    def methods_of(self, fw: Framework) -> dict[str, str]:
        """The aggregation method of every aggregate of ``fw`` under the settings."""
        if fw.name not in self.methods:
            self.methods[fw.name] = node_methods(fw, self.settings.aggregate_spec())
        return self.methods[fw.name]


def _prepare(ds: Dataset, settings: Settings, pub_decimals: np.ndarray) -> _Run:
    """The item scores and the published values by region and year."""
    items = item_values(ds, settings.consensus)
    present: dict[tuple[str, int], dict[str, str]] = {}
    for region, year, indicator, origin in zip(
        items["region"], items["year"], items["indicator"], items["origin"], strict=True
    ):
        present.setdefault((str(region), int(year)), {})[str(indicator)] = str(origin)
    pub = ds.published
    published: dict[tuple[str, int], dict[str, tuple[float, int]]] = {}
    for region, year, code, value, dec in zip(
        pub["region"], pub["year"], pub["code"], pub["score"], pub_decimals, strict=True
    ):
        if not (math.isnan(value) or math.isnan(dec)):
            unit = published.setdefault((str(region), int(year)), {})
            unit[str(code)] = (float(value), int(dec))
    return _Run(ds, settings, items, present, published)


def _blank(region: str, year: int, code: str, value: float, fw, fixed: float | None) -> dict:
    """A ``not_computable`` row of :func:`reproduce` for one published value."""
    return {
        "region": region,
        "year": year,
        "code": code,
        "computed": math.nan,
        "published": value,
        "difference": math.nan,
        "tolerance": math.nan if fixed is None else fixed,
        "status": REPRODUCE_NOT_COMPUTABLE,
        "note": "",
        "note_id": "",
        "framework": fw.name if fw is not None else "",
        "basis": "",
    }


def _from_items(run: _Run, row: dict, fw: Framework, used: list[str], n_leaves: int) -> float:
    """Recompute ``row`` from the item scores under it; NaN (with a note) when it cannot."""
    region, year, code = row["region"], row["year"], row["code"]
    scored = run.scored(fw)
    if isinstance(scored, str):
        _say(row, "not_scorable", framework=fw.name, reason=scored)
        return math.nan
    computed = scored.get((region, year, code), math.nan)
    have = run.present.get((region, year), {})
    n_cons = sum(1 for leaf in used if have[leaf] == "consensus")
    if n_cons == 0:
        row["basis"] = "items"
    else:
        row["basis"] = "consensus" if n_cons == len(used) else "items+consensus"
    key = "from_items_consensus" if n_cons else "from_items"
    values = {"n": len(used), "total": n_leaves, "n_cons": n_cons}
    values["method"] = run.settings.consensus
    if math.isnan(computed):
        _say(row, key + "_missing", min_coverage=f"{run.settings.min_coverage:g}", **values)
        row["basis"] = ""
        return math.nan
    _say(row, key, **values)
    return computed


def _from_parts(run: _Run, row: dict, fw: Framework) -> tuple[float, list[tuple[float, int]]]:
    """Recompute ``row`` from the published values of its parts: the value and the rounded
    inputs (sensitivity, decimals); NaN (with a note) when it cannot."""
    region, year, code = row["region"], row["year"], row["code"]
    unit_pub = {c: v for c, v in run.published.get((region, year), {}).items() if c != code}
    kids = fw.children(code)
    if not kids:
        _say(row, "no_indicator_score", region=region, year=year)
        return math.nan, []
    try:
        derived = _from_published(fw, code, unit_pub, run.methods_of(fw))
    except ValueError as err:
        _say(row, "parts_error", error=err)
        return math.nan, []
    if derived is None:
        _missing_note(row, fw, code, region, year, unit_pub)
        return math.nan, []
    computed, grads = derived
    row["basis"] = "published"
    direct = [k for k in kids if k in unit_pub]
    order = list(fw.nodes.index)
    parts = ", ".join(sorted(grads, key=order.index))
    if len(direct) == len(kids) and len(grads) == len(kids):
        _say(row, "from_parts_weights", parts=parts, weights=_fmt_weights(fw, direct))
    else:
        _say(row, "from_parts", parts=parts)
    return computed, list(grads.values())


def _compare(row: dict, computed: float, dec: float, inputs, fixed: float | None) -> None:
    """Fill in computed value, difference, tolerance and status of ``row``."""
    computed = round(float(computed), OUTPUT_DECIMALS)
    difference = round(computed - row["published"], OUTPUT_DECIMALS)
    tol = fixed if fixed is not None else derive_tolerance(int(dec), inputs)
    tol = round(tol, OUTPUT_DECIMALS)
    row["computed"] = computed
    row["difference"] = difference
    row["tolerance"] = tol
    row["status"] = REPRODUCE_MATCH if within_tolerance(difference, tol) else REPRODUCE_MISMATCH


def _reproduce_row(run: _Run, key: tuple, dec: float, fixed: float | None) -> dict[str, Any]:
    """One row of :func:`reproduce`: a published value recomputed and compared."""
    region, year, code, value = str(key[0]), int(key[1]), str(key[2]), float(key[3])
    fw = run.dataset.framework_of(code)
    row = _blank(region, year, code, value, fw, fixed)
    if fw is None:  # the loader rejects unknown codes; kept for hand-built datasets
        _say(row, "unknown_code", code=code)
        return row
    if math.isnan(value):
        _say(row, "published_empty")
        return row
    if math.isnan(dec):
        _say(row, "published_nan")
        return row
    leaves = fw.leaves_under(code)
    have = run.present.get((region, year), {})
    used = [leaf for leaf in leaves if leaf in have]
    inputs: list[tuple[float, int]] = []
    if used:
        computed = _from_items(run, row, fw, used, len(leaves))
    else:
        computed, inputs = _from_parts(run, row, fw)
    if not math.isnan(computed):
        _compare(row, computed, dec, inputs, fixed)
    return row


def reproduce(
    dataset: Dataset | str | Path,
    *,
    settings: Settings | None = None,
    tolerance: str | float = "auto",
) -> pd.DataFrame:
    """Recompute every published value of a dataset and compare it with the publication.

    Parameters
    ----------
    dataset : Dataset, or a dataset folder / name under ``data/``
        Must have ``published.csv``; its codes may belong to any of the dataset's trees.
    settings : Settings or None
        The method choices (default the dataset's own,
        :func:`smartcity_eval.settings.dataset_settings`): the scoring of item scores and
        the aggregation of published parts, and ``consensus``, how the assessors' scores
        fill items that the observations lack.
    tolerance : "auto" or float
        ``"auto"`` (default): per value, from the precision of the published number and of
        the published inputs it is recomputed from
        (:func:`smartcity_eval.analysis.tolerance.derive_tolerance`). A number: this
        absolute tolerance, in the unit of the values, for every row.

    Returns
    -------
    DataFrame
        One row per row of published.csv, in file order, with columns
        ``region, year, code`` (the published node), ``computed`` (the recomputed value,
        NaN when not computable), ``published``, ``difference`` (computed - published),
        ``tolerance``, ``status`` (one of :data:`smartcity_eval.vocab.REPRODUCE_STATUSES`:
        ``match`` when ``|difference| <= tolerance + 1e-9``, ``mismatch``, or
        ``not_computable``), ``note`` (the inputs used, or why the value cannot be
        computed; in English, and ``note_id`` the same in Bahasa Indonesia, from the
        message catalogue ``repro.note.*``), ``framework`` (the tree holding the code) and ``basis`` (``items``:
        observations only; ``items+consensus``: some items from the assessors' consensus;
        ``consensus``: all from it; ``published``: from published parts; empty when not
        computable). Values are in the unit of the scores (e.g. level 1-5).

    Raises
    ------
    DataError : invalid dataset.
    ParameterError : a tolerance that is not "auto" or a number >= 0 (a ValueError).

    Examples
    --------
    Kota Kediri, where only the components and the final index are public:
    ``reproduce("kota_kediri")`` gives FINAL 2022 computed 3.315, published 3.31,
    difference 0.005, tolerance 0.01, ``match`` (basis ``published``); FINAL 2021 and the
    components are ``not_computable`` (no item scores, no published parts).
    """
    ds = _as_dataset(dataset)
    settings = dataset_settings(ds, settings)
    fixed = parse_tolerance(tolerance)
    pub = ds.published
    if pub.empty:
        return _empty_table(REPRODUCE_COLUMNS)
    pub_decimals = pub[ROW].map(published_decimals(ds)).to_numpy(dtype=float)
    run = _prepare(ds, settings, pub_decimals)
    keys = zip(pub["region"], pub["year"], pub["code"], pub["score"], strict=True)
    rows = [
        _reproduce_row(run, key, dec, fixed) for key, dec in zip(keys, pub_decimals, strict=True)
    ]
    return _typed(pd.DataFrame(rows, columns=list(REPRODUCE_COLUMNS)))


def _empty_table(columns: Iterable[str]) -> pd.DataFrame:
    numeric = {
        "year",
        "computed",
        "published",
        "difference",
        "tolerance",
        "observed",
        "consensus",
        "n_assessors",
    }
    return _typed(
        pd.DataFrame({c: pd.Series(dtype=float if c in numeric else "str") for c in columns})
    )


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    for col in out.columns:
        if col == "year":
            out[col] = out[col].astype("int64")
        elif col == "n_assessors":
            out[col] = out[col].astype("Int64")
        elif col in {"computed", "published", "difference", "tolerance", "observed", "consensus"}:
            out[col] = out[col].astype(float)
        else:
            out[col] = out[col].astype("str")
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------- consensus check
def check_consensus(
    dataset: Dataset | str | Path,
    consensus: str | None = None,
    *,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """Do the verified observations equal the assessors' consensus, item by item?

    For a dataset with both observations and assessments: every item (region, year,
    indicator) of an indicator and a region-year that the assessments cover, with the
    observed value, the assessors' consensus (``consensus`` method, default
    ``settings.consensus``: dataset.toml ``[methods] consensus``, else median; an unknown
    method raises :class:`~smartcity_eval.settings.ParameterError`; self-assessments excluded) and their difference.
    The tolerance is half a unit of the last digit of the observation as written
    (:func:`derive_tolerance` with no inputs: "3.0" -> 0.05, "2.67" -> 0.005), since the
    consensus of whole levels is exact and the observation is it written down.

    Returns
    -------
    DataFrame
        Columns ``region, year, indicator, observed, consensus, n_assessors, difference``
        (observed - consensus), ``tolerance, status, note, note_id`` (the note in English
        and in Bahasa Indonesia). ``status``: ``match``;
        ``mismatch`` (also when the observation is empty but assessors scored the item);
        ``not_computable`` (no assessor scored the item). Empty (with these columns) when
        the dataset has no assessments.
    """
    ds = _as_dataset(dataset)
    method = dataset_settings(ds, settings, consensus=consensus).consensus
    if ds.assessments.empty:
        return _empty_table(CONSENSUS_CHECK_COLUMNS)
    cons = consensus_scores(ds.assessments, method)
    assessed = ds.assessments
    indicators = set(assessed["indicator"])
    units = set(zip(assessed["region"], assessed["year"].astype(int), strict=True))
    obs = ds.observations
    mask = obs["indicator"].isin(indicators) & pd.Series(
        [(r, int(y)) in units for r, y in zip(obs["region"], obs["year"], strict=True)],
        index=obs.index,
        dtype=bool,
    )
    obs = obs.loc[mask]
    decimals = pd.Series(dtype=float)
    path = ds.files.get("observations")
    if path is not None and not obs.empty:
        raw = read_table(
            path,
            required=["region", "year", "indicator", "value"],
            optional=["source", "note"],
            name="observations",
        )
        decimals = text_decimals(raw, "value", "observations")
    left = obs[["region", "year", "indicator", "value", ROW]].rename(columns={"value": "observed"})
    left["decimals"] = left[ROW].map(decimals).astype(float)
    right = cons.rename(columns={"value": "consensus"})
    merged = left.merge(right, on=["region", "year", "indicator"], how="outer", sort=False)
    rows = []
    for rec in merged.itertuples(index=False):
        observed = float(rec.observed) if pd.notna(rec.observed) else math.nan
        value = float(rec.consensus) if pd.notna(rec.consensus) else math.nan
        n = int(rec.n_assessors) if pd.notna(rec.n_assessors) else 0
        dec = float(rec.decimals) if pd.notna(rec.decimals) else math.nan
        row = {
            "region": rec.region,
            "year": int(rec.year),
            "indicator": rec.indicator,
            "observed": observed,
            "consensus": value,
            "n_assessors": n,
            "difference": math.nan,
            "tolerance": math.nan,
            "status": REPRODUCE_NOT_COMPUTABLE,
            "note": "",
            "note_id": "",
        }
        if n == 0:
            _say(row, "no_assessor_empty" if math.isnan(observed) else "no_assessor")
        elif math.isnan(observed):
            row["status"] = REPRODUCE_MISMATCH
            _say(row, "observation_empty", n=n)
        else:
            tol = derive_tolerance(int(dec)) if not math.isnan(dec) else 0.0
            diff = round(observed - value, OUTPUT_DECIMALS)
            row.update(
                difference=diff,
                tolerance=tol,
                status=REPRODUCE_MATCH if within_tolerance(diff, tol) else REPRODUCE_MISMATCH,
            )
            _say(row, "consensus_of", method=method, n=n)
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(CONSENSUS_CHECK_COLUMNS))
    if out.empty:
        return _empty_table(CONSENSUS_CHECK_COLUMNS)
    out = out.sort_values(["region", "year", "indicator"], kind="stable")
    return _typed(out)


# ----------------------------------------------------------------------------- summaries
def _fmt_diff(value: float) -> str:
    return f"{value:.3f}" if value >= 0.001 else f"{value:.2g}"


def summary(table: pd.DataFrame, lang: str = "en") -> str:
    """A one-line summary of a :func:`reproduce` table (``lang`` 'en' or 'id'; messages
    ``repro.line.*``), e.g. ``reproduce: 2 of 560 published values do not match (largest
    difference 0.050 at Kabupaten Berau 2023 FINAL)``. Rows with status
    :data:`~smartcity_eval.vocab.REPRODUCE_PUBLISHED_ONLY` (published ranks) are not counted
    among the values; the line says how many were listed."""
    facts = table["status"] == REPRODUCE_PUBLISHED_ONLY if len(table) else None
    if facts is not None and facts.any():
        rest = summary(table.loc[~facts], lang)
        return rest + t("repro.line.published_only", lang, n=int(facts.sum()))
    n = len(table)
    if n == 0:
        return t("repro.line.none", lang)
    status = table["status"]
    n_mis = int((status == REPRODUCE_MISMATCH).sum())
    n_nc = int((status == REPRODUCE_NOT_COMPUTABLE).sum())
    n_match = int((status == REPRODUCE_MATCH).sum())
    tail = t("repro.line.not_computable", lang, n=n_nc) if n_nc else ""
    if n_mis:
        mis = table.loc[status == REPRODUCE_MISMATCH]
        worst = mis.loc[mis["difference"].abs().idxmax()]
        where = f"{worst['region']} {worst['year']} {worst['code']}"
        size = _fmt_diff(abs(float(worst["difference"])))
        return t("repro.line.mismatch", lang, bad=n_mis, n=n, size=size, where=where) + tail
    if n_match == n:
        return t("repro.line.all", lang, n=n)
    return t("repro.line.some", lang, good=n_match, n=n) + tail


def consensus_summary(table: pd.DataFrame, method: str, lang: str = "en") -> str:
    """A one-line summary of a :func:`check_consensus` table (``lang`` 'en' or 'id';
    messages ``repro.consensus.*``)."""
    compared = table.loc[table["status"] != REPRODUCE_NOT_COMPUTABLE]
    n = len(compared)
    n_mis = int((compared["status"] == REPRODUCE_MISMATCH).sum())
    if n == 0:
        return t("repro.consensus.none", lang)
    if n_mis == 0:
        return t("repro.consensus.equal", lang, method=method, n=n)
    return t("repro.consensus.differ", lang, method=method, bad=n_mis, n=n)
