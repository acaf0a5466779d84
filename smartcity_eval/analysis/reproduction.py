"""Reproducing published results: recompute every value of ``published.csv`` and compare.

A published value (one node of one region in one year) is recomputed from the dataset's
inputs, in this order of preference:

1. **item scores**: the observations of the indicators under the node, and, for items the
   observations lack, the assessors' consensus (:func:`smartcity_eval.analysis.assessors.consensus`,
   method from ``--consensus``, else dataset.toml ``[methods] consensus``, else ``mean``).
   The node is scored with :mod:`smartcity_eval.scoring.engine` and the dataset's methods (for
   Kominfo and SPBE ``normalise = "none"``: a weighted mean of raw 1-5 levels), using the
   tree that holds the node (:meth:`Dataset.framework_of`).
2. **published parts**: when no item under the node has a score (e.g. Kota Kediri, where
   only the five components and the final index are public), the node is aggregated from the
   published values of its children, with the tree's local weights (a child that is not
   published is itself aggregated from its own published children, recursively). Kota Kediri
   2022: FINAL = 0.1 x 3.60 + 0.2 x 3.21 + 0.3 x 3.23 + 0.2 x 3.07 + 0.2 x 3.65 = 3.315.
3. otherwise the value is ``not_computable`` and the ``note`` says what is missing.

Tolerance (:func:`derive_tolerance`)
------------------------------------
A published value written with ``d`` decimals is the true value rounded to ``d`` decimals,
so it can differ from the true value by up to half a unit of its last digit, ``0.5 x 10^-d``.
When the value is recomputed from published parts that are themselves rounded (to ``d_i``
decimals), the rounding of those inputs propagates through the aggregation: to first order
by ``sum_i |s_i| x 0.5 x 10^-d_i``, where ``s_i`` is the sensitivity of the node to input
``i`` (for the arithmetic mean, the input's effective weight relative to the node; for the
geometric mean ``w_i G / x_i``; for the harmonic mean ``w_i H^2 / x_i^2``)::

    tolerance = 0.5 x 10^-d  +  sum_i |s_i| x 0.5 x 10^-d_i

and a value matches when ``|computed - published| <= tolerance + 1e-9`` (``FLOAT_EPSILON``,
which only absorbs binary floating-point error). Item scores (observations, consensus) are
the evaluation's raw inputs, not rounded summaries, and add nothing. Kota Kediri 2022: the
final index is published with 2 decimals (0.005) and recomputed from five components with 2
decimals whose weights sum to 1 (1 x 0.005), so the tolerance is 0.01; |3.315 - 3.31| =
0.005 <= 0.01: ``match``. A final of 3.35 would differ by 0.035: ``mismatch``.

The number of decimals of a published value is read from its text in the file ("3.60" has
2, "3" has 0, "1.5e-1" has 2), not from the parsed float, which forgets trailing zeros. In an
``.xlsx`` file, where cells are numbers and trailing zeros are lost, a value gets the largest
number of decimals found among the published values of the same code (the stricter choice).

References
----------
Rounding error of a sum: N. J. Higham, *Accuracy and Stability of Numerical Algorithms*
(2nd ed., SIAM, 2002), section 2 (a rounded value lies within half a unit in the last place);
first-order propagation: JCGM 100:2008 (GUM), section 5.1.3 with the worst-case (linear)
sum of the bounds. Kota Kediri 2022 values: bangsaonline.com/amp/berita/113379 (see
data/kota_kediri/README.md and /work/shared/reference/kominfo_evaluation_published.csv).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from smartcity_eval.analysis.assessors import METHODS as CONSENSUS_METHODS
from smartcity_eval.analysis.assessors import consensus as consensus_scores
from smartcity_eval.errors import DataError, Problem, did_you_mean
from smartcity_eval.io.dataset import Dataset, load_dataset
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.io.tables import ROW, display_path, read_table
from smartcity_eval.scoring.aggregate import node_methods

__all__ = [
    "REPRODUCE_COLUMNS",
    "CONSENSUS_CHECK_COLUMNS",
    "STATUSES",
    "FLOAT_EPSILON",
    "DEFAULT_CONSENSUS",
    "decimals_of",
    "half_unit",
    "derive_tolerance",
    "within_tolerance",
    "parse_tolerance",
    "published_decimals",
    "consensus_method",
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
)
#: The values of the ``status`` column.
STATUSES: tuple[str, ...] = ("match", "mismatch", "not_computable")
#: Added to every tolerance when comparing, to absorb binary floating-point error only.
FLOAT_EPSILON = 1e-9
#: Consensus method when neither the caller nor dataset.toml names one (consensus()'s default).
DEFAULT_CONSENSUS = "mean"
#: Computed values and differences are rounded to this many decimals in the output table
#: (far below any published precision; it removes float noise such as 3.3150000000000004).
OUTPUT_DECIMALS = 10

Status = Literal["match", "mismatch", "not_computable"]
_AGGREGATES = ("arithmetic", "geometric", "harmonic")


# ----------------------------------------------------------------------------- precision
def decimals_of(text: object) -> int | None:
    """Number of decimals a number is written with: digits after the decimal mark.

    ``"3.60"`` -> 2, ``"3,6"`` -> 1 (decimal comma), ``"3"`` -> 0, ``"1.5e-1"`` -> 2,
    ``"3E+2"`` -> -2 (a precision of hundreds). Returns None for an empty cell or text that
    is not a number.
    """
    s = str(text).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not s:
        return None
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):  # NaN or Infinity
        return None
    return -exponent


def half_unit(decimals: int) -> float:
    """Half a unit of the last digit of a number with ``decimals`` decimals: ``0.5 x 10^-d``.

    The largest error of rounding to ``decimals`` decimals (2 -> 0.005, 0 -> 0.5).
    """
    return 0.5 * 10.0 ** (-int(decimals))


def derive_tolerance(
    published_decimals: int, inputs: Iterable[tuple[float, int]] | None = None
) -> float:
    """The tolerance that the precision of a published value and of its inputs implies.

    ``tolerance = 0.5 x 10^-d + sum_i |s_i| x 0.5 x 10^-d_i``

    where ``d`` is the number of decimals of the published value, and each input ``i`` is a
    rounded published number with ``d_i`` decimals entering the recomputation with
    sensitivity ``s_i`` (its effective weight relative to the node for an arithmetic mean).
    Inputs that are not rounded (raw item scores) are not listed. A recomputed value
    matches when ``|computed - published| <= tolerance + FLOAT_EPSILON`` (1e-9, floating-
    point error only; see :func:`within_tolerance`).

    Parameters
    ----------
    published_decimals : int
        Decimals of the published value (e.g. 2 for "3.31"); see :func:`decimals_of`.
    inputs : iterable of (sensitivity, decimals), optional
        The rounded published inputs, e.g. ``[(0.1, 2), (0.2, 2), (0.3, 2), (0.2, 2),
        (0.2, 2)]`` for a Kominfo final index recomputed from its five components.

    Returns
    -------
    float
        The tolerance, in the unit of the published value (>= 0).

    Examples
    --------
    Kota Kediri 2022 (bangsaonline.com/amp/berita/113379): the final index 3.31 recomputed
    from the components 3.60/3.21/3.23/3.07/3.65 with weights .1/.2/.3/.2/.2 is 3.315; the
    tolerance is 0.005 + (0.1 + 0.2 + 0.3 + 0.2 + 0.2) x 0.005 = 0.01, so 0.005 matches.

    >>> round(derive_tolerance(2, [(0.1, 2), (0.2, 2), (0.3, 2), (0.2, 2), (0.2, 2)]), 12)
    0.01
    >>> derive_tolerance(2)
    0.005
    """
    total = half_unit(published_decimals)
    for sensitivity, decimals in inputs or ():
        total += abs(float(sensitivity)) * half_unit(decimals)
    return total


def within_tolerance(difference: float, tolerance: float) -> bool:
    """``|difference| <= tolerance + FLOAT_EPSILON`` (False when either is NaN)."""
    if math.isnan(difference) or math.isnan(tolerance):
        return False
    return abs(difference) <= tolerance + FLOAT_EPSILON


_FORMAT_DECIMALS = re.compile(r"0\.(0+)")


def _format_decimals(number_format: str) -> int | None:
    """Decimals an Excel number format shows: '0.00' -> 2, '#,##0' -> 0, '0.0%' -> 3
    (a percentage shows the value x 100); None for 'General' (no fixed precision)."""
    text = number_format or ""
    if "0" not in text:
        return None
    match = _FORMAT_DECIMALS.search(text)
    shown = len(match.group(1)) if match else 0
    return shown + (2 if "%" in text else 0)


def _xlsx_formats(path: Path, table: str, column: str) -> dict[int, int]:
    """{spreadsheet row: decimals shown by the cell's number format} for one column."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=False, data_only=True)
    try:
        sheet = book[table] if table in book.sheetnames else book.worksheets[0]
        header_row = None
        col_index = None
        for row in sheet.iter_rows():
            names = [str(c.value).strip().lower() if c.value is not None else "" for c in row]
            if any(names):
                header_row = row[0].row
                col_index = names.index(column) if column in names else None
                break
        out: dict[int, int] = {}
        if header_row is None or col_index is None:
            return out
        for row in sheet.iter_rows(min_row=header_row + 1):
            if col_index < len(row):
                decimals = _format_decimals(str(row[col_index].number_format))
                if decimals is not None:
                    out[row[col_index].row] = decimals
        return out
    finally:
        book.close()


def _text_decimals(frame: pd.DataFrame, column: str, table: str) -> pd.Series:
    """Decimals of each cell of ``frame[column]`` (text), indexed by ``_row``.

    In an ``.xlsx`` file the cells are numbers and trailing zeros are lost ("3.60" is read as
    3.6), so a cell gets the decimals its number format shows ("0.00" -> 2) when that is
    more, and a cell in the "General" format the largest count found in the column (the
    stricter choice: a false mismatch can be overridden with ``--tolerance``, a hidden one
    cannot be seen).
    """
    decimals = pd.Series(
        [np.nan if (d := decimals_of(t)) is None else float(d) for t in frame[column]],
        index=frame.index,
        dtype=float,
    )
    path = str(frame.attrs.get("path", ""))
    if path.lower().endswith(".xlsx"):
        formats = _xlsx_formats(Path(path), table, column)
        shown = frame[ROW].map(formats).astype(float)
        fallback = decimals.max() if decimals.notna().any() else np.nan
        decimals = pd.concat([decimals, shown.fillna(fallback)], axis=1).max(axis=1)
        decimals = decimals.where(frame[column].map(decimals_of).notna(), np.nan)
    return pd.Series(decimals.to_numpy(), index=frame[ROW].astype("int64").to_numpy())


def published_decimals(dataset: Dataset) -> pd.Series:
    """Decimals of every published value, indexed by the spreadsheet row (``_row``) of
    ``dataset.published``, read from the text of published.csv (the loader keeps floats)."""
    path = dataset.files.get("published")
    if path is None:
        return pd.Series(dtype=float)
    raw = read_table(
        path,
        required=["region", "year", "code", "score"],
        optional=["source", "note"],
        name="published",
    )
    return _text_decimals(raw, "score", "published")


# ----------------------------------------------------------------------------- inputs
def consensus_method(dataset: Dataset, method: str | None = None) -> str:
    """The consensus method to use: ``method`` if given, else dataset.toml ``[methods]
    consensus``, else :data:`DEFAULT_CONSENSUS`. Raises ValueError for an unknown ``method``
    and DataError for an unknown one in dataset.toml."""
    if method is not None:
        if method not in CONSENSUS_METHODS:
            raise ValueError(
                f"unknown consensus method {method!r}; use one of {', '.join(CONSENSUS_METHODS)}"
            )
        return method
    configured = dataset.methods.get("consensus")
    if configured is None:
        return DEFAULT_CONSENSUS
    if configured not in CONSENSUS_METHODS:
        raise DataError(
            Problem(
                display_path(dataset.path / "dataset.toml"),
                None,
                "methods.consensus",
                f"unknown consensus method '{configured}'",
                did_you_mean(configured, CONSENSUS_METHODS),
                f"metode konsensus '{configured}' tidak dikenal",
            )
        )
    return str(configured)


def item_values(dataset: Dataset, consensus: str | None = None) -> pd.DataFrame:
    """The item scores a reproduction starts from: ``region, year, indicator, value, origin``.

    Every non-missing observation (``origin = "observation"``), and for the items that the
    observations lack (no row, or an empty value) the assessors' consensus
    (``origin = "consensus"``; self-assessments excluded), with ``consensus`` as the method
    (default: dataset.toml ``[methods] consensus``, else ``mean``).
    """
    method = consensus_method(dataset, consensus)
    obs = dataset.observations
    obs = obs.loc[obs["value"].notna(), ["region", "year", "indicator", "value"]].copy()
    obs["origin"] = "observation"
    frames = [obs]
    if not dataset.assessments.empty:
        cons = consensus_scores(dataset.assessments, method)
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
    dataset: Dataset, items: pd.DataFrame, framework: Framework
) -> dict[tuple[str, int, str], float]:
    """Score ``items`` on ``framework`` with the dataset's methods: {(region, year, code): score}."""
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
    table = score_dataset(view, framework=framework)
    return {
        (str(r), int(y), str(c)): float(s)
        for r, y, c, s in zip(
            table["region"], table["year"], table["code"], table["score"], strict=True
        )
    }


# ----------------------------------------------------------------------------- published parts
def _methods_of(dataset: Dataset, framework: Framework) -> dict[str, str]:
    """The aggregation method of every aggregate node of ``framework`` with the dataset's
    ``[methods] aggregate`` (as :func:`smartcity_eval.scoring.engine.score_dataset` resolves it)."""
    from smartcity_eval.scoring.engine import resolve_options

    options = resolve_options(dataset, framework)
    return node_methods(framework, options.get("aggregate", "arithmetic"))


def _combine(values: list[float], weights: list[float], method: str) -> tuple[float, list[float]]:
    """Weighted mean of ``values`` and its partial derivatives. Weights are normalised."""
    w = np.asarray(weights, dtype=float)
    x = np.asarray(values, dtype=float)
    w = w / w.sum()
    if method == "arithmetic":
        return float(np.dot(w, x)), list(w)
    if np.any(x <= 0):
        raise ValueError(f"the {method} mean needs values > 0")
    if method == "geometric":
        g = float(np.exp(np.dot(w, np.log(x))))
        return g, list(w * g / x)
    if method == "harmonic":
        h = float(1.0 / np.dot(w, 1.0 / x))
        return h, list(w * h * h / (x * x))
    raise ValueError(f"unknown aggregation '{method}'; use one of {', '.join(_AGGREGATES)}")


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
    total, partials = _combine(values, weights, methods.get(code, "arithmetic"))
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
    framework: Framework, code: str, region: str, year: int, published: Mapping[str, Any]
) -> str:
    """Why ``code`` can be computed neither from item scores nor from published parts."""
    kids = framework.children(code)
    n_items = len(framework.leaves_under(code))
    text = (
        f"no item scores for {region} {year} under {code} (none of its {n_items} indicators "
        "has an observation or an assessor score)"
    )
    if all(framework.nodes.at[k, "is_leaf"] for k in kids):
        return text
    have = [k for k in kids if k in published]
    missing = [k for k in kids if k not in published]
    text += f", and its parts are not all published (missing: {_names(missing)}"
    return text + (f"; published: {_names(have)})" if have else ")")


# ----------------------------------------------------------------------------- reproduce
def _as_dataset(dataset: Dataset | str | Path) -> Dataset:
    return dataset if isinstance(dataset, Dataset) else load_dataset(dataset)


def parse_tolerance(tolerance: str | float) -> float | None:
    """``--tolerance``: None for ``"auto"``, else the number (>= 0); ValueError otherwise."""
    if isinstance(tolerance, str):
        if tolerance.strip().lower() == "auto":
            return None
        try:
            value = float(tolerance)
        except ValueError:
            raise ValueError(f"tolerance '{tolerance}' is neither 'auto' nor a number") from None
    else:
        value = float(tolerance)
    if math.isnan(value) or value < 0:
        raise ValueError(f"tolerance {value} must be a number >= 0")
    return value


def reproduce(
    dataset: Dataset | str | Path,
    tolerance: str | float = "auto",
    consensus: str | None = None,
) -> pd.DataFrame:
    """Recompute every published value of a dataset and compare it with the publication.

    Parameters
    ----------
    dataset : Dataset, or a dataset folder / name under ``data/``
        Must have ``published.csv``; its codes may belong to any of the dataset's trees.
    tolerance : "auto" or float
        ``"auto"`` (default): per value, from the precision of the published number and of
        the published inputs it is recomputed from (:func:`derive_tolerance`). A number:
        this absolute tolerance, in the unit of the values, for every row.
    consensus : {"mean", "median", "majority"} or None
        How the assessors' scores fill items that the observations lack (default: dataset.toml
        ``[methods] consensus``, else ``mean``).

    Returns
    -------
    DataFrame
        One row per row of published.csv, in file order, with columns
        ``region, year, code`` (the published node), ``computed`` (the recomputed value,
        NaN when not computable), ``published``, ``difference`` (computed - published),
        ``tolerance``, ``status`` (``match`` when ``|difference| <= tolerance + 1e-9``,
        ``mismatch``, or ``not_computable``), ``note`` (the inputs used, or why the value
        cannot be computed), ``framework`` (the tree holding the code) and ``basis``
        (``items``: observations only; ``items+consensus``: some items from the assessors'
        consensus; ``consensus``: all from it; ``published``: from published parts; empty
        when not computable). Values are in the unit of the scores (e.g. level 1-5).

    Raises
    ------
    DataError : invalid dataset, or an unknown consensus method in dataset.toml.
    ValueError : a tolerance that is not "auto" or a number >= 0, an unknown consensus.

    Examples
    --------
    Kota Kediri, where only the components and the final index are public:
    ``reproduce("kota_kediri")`` gives FINAL 2022 computed 3.315, published 3.31,
    difference 0.005, tolerance 0.01, ``match`` (basis ``published``); FINAL 2021 and the
    components are ``not_computable`` (no item scores, no published parts).
    """
    ds = _as_dataset(dataset)
    fixed = parse_tolerance(tolerance)
    method = consensus_method(ds, consensus)
    pub = ds.published
    if pub.empty:
        return _empty_table(REPRODUCE_COLUMNS)
    decimals = published_decimals(ds)
    pub_decimals = pub[ROW].map(decimals).to_numpy(dtype=float)

    items = item_values(ds, method)
    present: dict[tuple[str, int], dict[str, str]] = {}
    for region, year, indicator, origin in zip(
        items["region"], items["year"], items["indicator"], items["origin"], strict=True
    ):
        present.setdefault((str(region), int(year)), {})[str(indicator)] = str(origin)

    # published values of each region and year: {code: (value, decimals)}
    published_by_unit: dict[tuple[str, int], dict[str, tuple[float, int]]] = {}
    for region, year, code, value, dec in zip(
        pub["region"], pub["year"], pub["code"], pub["score"], pub_decimals, strict=True
    ):
        if not (math.isnan(value) or math.isnan(dec)):
            published_by_unit.setdefault((str(region), int(year)), {})[str(code)] = (
                float(value),
                int(dec),
            )

    scores: dict[str, dict[tuple[str, int, str], float] | str] = {}
    leaves_cache: dict[tuple[str, str], list[str]] = {}
    methods_of: dict[str, dict[str, str]] = {}
    rows: list[dict[str, Any]] = []
    for region, year, code, value, dec in zip(
        pub["region"], pub["year"], pub["code"], pub["score"], pub_decimals, strict=True
    ):
        region, year, code, value = str(region), int(year), str(code), float(value)
        fw = ds.framework_of(code)
        row: dict[str, Any] = {
            "region": region,
            "year": year,
            "code": code,
            "computed": math.nan,
            "published": value,
            "difference": math.nan,
            "tolerance": math.nan if fixed is None else fixed,
            "status": "not_computable",
            "note": "",
            "framework": fw.name if fw is not None else "",
            "basis": "",
        }
        rows.append(row)
        if fw is None:  # the loader rejects unknown codes; kept for hand-built datasets
            row["note"] = f"no tree of the dataset has the code '{code}'"
            continue
        if math.isnan(value):
            row["note"] = "the published score is empty"
            continue
        if math.isnan(dec):
            row["note"] = "the published score is not a number"
            continue
        key = (fw.name, code)
        if key not in leaves_cache:
            leaves_cache[key] = fw.leaves_under(code)
        leaves = leaves_cache[key]
        have = present.get((region, year), {})
        used = [leaf for leaf in leaves if leaf in have]
        computed = math.nan
        inputs: list[tuple[float, int]] = []
        if used:
            if fw.name not in scores:
                try:
                    scores[fw.name] = _score_items(ds, items, fw)
                except DataError as err:  # e.g. a geometric mean over a value <= 0
                    scores[fw.name] = "; ".join(p.message for p in err.problems)
            scored = scores[fw.name]
            if isinstance(scored, str):
                row["note"] = f"the items cannot be scored on {fw.name}: {scored}"
                continue
            computed = scored.get((region, year, code), math.nan)
            n_cons = sum(1 for leaf in used if have[leaf] == "consensus")
            row["basis"] = (
                "items"
                if n_cons == 0
                else "consensus"
                if n_cons == len(used)
                else "items+consensus"
            )
            what = f"from {len(used)} of {len(leaves)} item scores"
            if n_cons:
                what += f" ({n_cons} from the assessors' {method} consensus)"
            if math.isnan(computed):
                row["note"] = (
                    f"{what}, but the score is missing (coverage below min_coverage "
                    f"{ds.methods.get('min_coverage', 0)}, or the method gives no value)"
                )
                row["basis"] = ""
                continue
            row["note"] = what
        else:
            unit_pub = {
                c: v for c, v in published_by_unit.get((region, year), {}).items() if c != code
            }
            kids = fw.children(code)
            if not kids:
                row["note"] = (
                    f"no score of this indicator for {region} {year} in observations or assessments"
                )
                continue
            try:
                if fw.name not in methods_of:
                    methods_of[fw.name] = _methods_of(ds, fw)
                derived = _from_published(fw, code, unit_pub, methods_of[fw.name])
            except ValueError as err:
                row["note"] = f"cannot aggregate the published parts: {err}"
                continue
            if derived is None:
                row["note"] = _missing_note(fw, code, region, year, unit_pub)
                continue
            computed, grads = derived
            inputs = [(s, d) for s, d in grads.values()]
            row["basis"] = "published"
            direct = [k for k in kids if k in unit_pub]
            row["note"] = (
                f"from published {', '.join(sorted(grads, key=list(fw.nodes.index).index))}"
                + (
                    f" (weights {_fmt_weights(fw, direct)})"
                    if len(direct) == len(kids) and len(grads) == len(kids)
                    else ""
                )
                + "; no item scores"
            )
        computed = round(float(computed), OUTPUT_DECIMALS)
        difference = round(computed - value, OUTPUT_DECIMALS)
        tol = fixed if fixed is not None else derive_tolerance(int(dec), inputs)
        tol = round(tol, OUTPUT_DECIMALS)
        row["computed"] = computed
        row["difference"] = difference
        row["tolerance"] = tol
        row["status"] = "match" if within_tolerance(difference, tol) else "mismatch"
    out = pd.DataFrame(rows, columns=list(REPRODUCE_COLUMNS))
    return _typed(out)


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
def check_consensus(dataset: Dataset | str | Path, consensus: str | None = None) -> pd.DataFrame:
    """Do the verified observations equal the assessors' consensus, item by item?

    For a dataset with both observations and assessments: every item (region, year,
    indicator) of an indicator and a region-year that the assessments cover, with the
    observed value, the assessors' consensus (``consensus`` method, default dataset.toml
    ``[methods] consensus``, else ``mean``; self-assessments excluded) and their difference.
    The tolerance is half a unit of the last digit of the observation as written
    (:func:`derive_tolerance` with no inputs: "3.0" -> 0.05, "2.67" -> 0.005), since the
    consensus of whole levels is exact and the observation is it written down.

    Returns
    -------
    DataFrame
        Columns ``region, year, indicator, observed, consensus, n_assessors, difference``
        (observed - consensus), ``tolerance, status, note``. ``status``: ``match``;
        ``mismatch`` (also when the observation is empty but assessors scored the item);
        ``not_computable`` (no assessor scored the item). Empty (with these columns) when
        the dataset has no assessments.
    """
    ds = _as_dataset(dataset)
    method = consensus_method(ds, consensus)
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
        decimals = _text_decimals(raw, "value", "observations")
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
            "status": "not_computable",
            "note": "",
        }
        if n == 0:
            row["note"] = "no assessor scored this item" + (
                " and the observation is empty (not verified)" if math.isnan(observed) else ""
            )
        elif math.isnan(observed):
            row["status"] = "mismatch"
            row["note"] = (
                f"the observation is empty (or absent) but {n} assessor(s) scored the item"
            )
        else:
            tol = derive_tolerance(int(dec)) if not math.isnan(dec) else 0.0
            diff = round(observed - value, OUTPUT_DECIMALS)
            row.update(
                difference=diff,
                tolerance=tol,
                status="match" if within_tolerance(diff, tol) else "mismatch",
                note=f"{method} of {n} assessor score(s)",
            )
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
    """A one-line summary of a :func:`reproduce` table (``lang`` 'en' or 'id'), e.g.
    ``reproduce: 2 of 560 published values do not match (largest difference 0.050 at
    Kabupaten Berau 2023 FINAL)``."""
    indonesian = lang == "id"
    n = len(table)
    if n == 0:
        return (
            "reproduce: dataset tidak punya nilai terbitan"
            if indonesian
            else "reproduce: the dataset has no published values"
        )
    status = table["status"]
    n_mis = int((status == "mismatch").sum())
    n_nc = int((status == "not_computable").sum())
    n_match = int((status == "match").sum())
    tail = ""
    if n_nc:
        tail = (
            f"; {n_nc} tidak dapat dihitung (lihat kolom note)"
            if indonesian
            else f"; {n_nc} not computable (see the note column)"
        )
    if n_mis:
        mis = table.loc[status == "mismatch"]
        worst = mis.loc[mis["difference"].abs().idxmax()]
        where = f"{worst['region']} {worst['year']} {worst['code']}"
        size = _fmt_diff(abs(float(worst["difference"])))
        if indonesian:
            return (
                f"reproduce: {n_mis} dari {n} nilai terbitan tidak cocok (selisih terbesar "
                f"{size} pada {where}){tail}"
            )
        return (
            f"reproduce: {n_mis} of {n} published values do not match (largest difference "
            f"{size} at {where}){tail}"
        )
    if n_match == n:
        return (
            f"reproduce: semua {n} nilai terbitan cocok"
            if indonesian
            else f"reproduce: all {n} published values match"
        )
    if indonesian:
        return f"reproduce: {n_match} dari {n} nilai terbitan cocok{tail}"
    return f"reproduce: {n_match} of {n} published values match{tail}"


def consensus_summary(table: pd.DataFrame, method: str, lang: str = "en") -> str:
    """A one-line summary of a :func:`check_consensus` table (``lang`` 'en' or 'id')."""
    indonesian = lang == "id"
    compared = table.loc[table["status"] != "not_computable"]
    n = len(compared)
    n_mis = int((compared["status"] == "mismatch").sum())
    if n == 0:
        return (
            "reproduce: tidak ada butir yang punya observasi dan nilai penilai"
            if indonesian
            else "reproduce: no item has both an observation and assessor scores"
        )
    if n_mis == 0:
        if indonesian:
            return (
                f"reproduce: observasi sama dengan konsensus penilai ({method}) untuk semua "
                f"{n} butir yang dinilai penilai"
            )
        return (
            f"reproduce: the observations equal the assessors' {method} consensus for all "
            f"{n} items that assessors scored"
        )
    if indonesian:
        return (
            f"reproduce: observasi berbeda dari konsensus penilai ({method}) pada {n_mis} dari "
            f"{n} butir yang dinilai penilai"
        )
    return (
        f"reproduce: the observations differ from the assessors' {method} consensus for "
        f"{n_mis} of {n} items that assessors scored"
    )
