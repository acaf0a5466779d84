"""Plausibility rules: numbers that parse but cannot be what the user meant.

Each check appends :class:`~smartcity_eval.errors.Problem` objects and never raises, like
:mod:`smartcity_eval.io.checks`. The rules (documented in data/README.md, "Plausibility
rules"):

- a weight is finite, 0 or between :data:`WEIGHT_RANGE` (1e-9 to 1e9), and the positive
  weights of one node's children are within :data:`MAX_WEIGHT_RATIO` (1e6) of each other:
  beyond that the small one cannot change the index and the large one overflows;
- ``direction`` is written on indicators only (an aggregate's direction would be ignored);
- a target lies within its node's scale; an aggregate's scale is the range of its
  indicators' scales (a weighted mean stays within them); a node without a scale takes
  positive finite targets below :data:`MAX_UNBOUNDED`;
- a table that is present holds at least one value, each region-year of the observations
  holds at least one value, and an indicator whose every value is empty is a warning.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.errors import WARNING, Problem
from smartcity_eval.io.numbers import ROW

__all__ = [
    "WEIGHT_RANGE",
    "MAX_WEIGHT_RATIO",
    "MAX_UNBOUNDED",
    "check_weights",
    "check_directions",
    "node_scales",
    "check_targets",
    "score_scales",
    "check_node_targets",
    "check_values_present",
    "check_frameworks_used",
]

#: Smallest and largest positive weight accepted.
WEIGHT_RANGE = (1e-9, 1e9)
#: Largest ratio between the positive weights of siblings.
MAX_WEIGHT_RATIO = 1e6
#: Largest target of a node without a scale.
MAX_UNBOUNDED = 1e12


def check_weights(nodes: pd.DataFrame, file: str, problems: list[Problem]) -> None:
    """Weights outside :data:`WEIGHT_RANGE` and siblings beyond :data:`MAX_WEIGHT_RATIO`."""
    lo, hi = WEIGHT_RANGE
    weights = nodes["weight"].astype(float)
    for code, w in weights.items():
        if w == 0 or (lo <= w <= hi) or w < 0 or math.isnan(w):
            continue
        problems.append(
            Problem(
                file,
                int(nodes.at[code, "_row"]),
                "weight",
                f"weight {w:g} of '{code}' is implausible (accepted: 0, or {lo:g} to {hi:g})",
                "weights are relative to the siblings: write small whole numbers or "
                "fractions such as 1, 2 or 0.25",
                f"bobot {w:g} dari '{code}' tidak masuk akal (diterima: 0, atau {lo:g} "
                f"sampai {hi:g})",
                "bobot relatif terhadap saudaranya: tulis bilangan kecil seperti 1, 2 atau 0.25",
            )
        )
    positive = weights[(weights >= lo) & (weights <= hi)]
    for parent, group in positive.groupby(nodes.loc[positive.index, "parent"]):
        if len(group) < 2 or group.max() / group.min() <= MAX_WEIGHT_RATIO:
            continue
        small, big = group.idxmin(), group.idxmax()
        problems.append(
            Problem(
                file,
                int(nodes.at[small, "_row"]),
                "weight",
                f"the weights of the children of '{parent}' differ by more than "
                f"{MAX_WEIGHT_RATIO:g} times ('{small}' {group.min():g}, '{big}' "
                f"{group.max():g})",
                "check the weights; give a child weight 0 to leave it out",
                f"bobot anak dari '{parent}' berbeda lebih dari {MAX_WEIGHT_RATIO:g} kali "
                f"('{small}' {group.min():g}, '{big}' {group.max():g})",
                "periksa bobotnya; beri bobot 0 pada anak yang tidak dihitung",
            )
        )


def check_directions(raw: pd.DataFrame, file: str, problems: list[Problem]) -> None:
    """A ``direction`` written on a node that has children (it would be ignored)."""
    if "direction" not in raw.columns:
        return
    parents = {
        str(p) for p, c in zip(raw["parent"], raw["code"], strict=True) if str(p) != str(c)
    } - {""}
    for code, text, row in zip(raw["code"], raw["direction"], raw[ROW], strict=True):
        if str(code) in parents and str(text).strip() != "":
            problems.append(
                Problem(
                    file,
                    int(row),
                    "direction",
                    f"'{code}' has children, but a direction ({text}) is written on it: a "
                    "direction applies to indicators only and would be ignored here",
                    "leave the direction of aggregates empty and write it on each indicator",
                    f"'{code}' memiliki anak, tetapi arah ({text}) ditulis padanya: arah hanya "
                    "berlaku untuk indikator dan akan diabaikan di sini",
                    "kosongkan arah agregat dan tulis arah pada setiap indikator",
                )
            )


def node_scales(nodes: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """(lower, upper) of every node: an indicator's own bounds, an aggregate's the range of
    its children's (NaN where a bound is unknown)."""
    children: dict[str, list[str]] = {}
    for code, parent in nodes["parent"].items():
        if parent:
            children.setdefault(str(parent), []).append(str(code))
    out: dict[str, tuple[float, float]] = {}

    def scale(code: str, seen: frozenset[str]) -> tuple[float, float]:
        if code in out:
            return out[code]
        kids = [k for k in children.get(code, []) if k not in seen]
        if not kids:
            result = (float(nodes.at[code, "lower"]), float(nodes.at[code, "upper"]))
        else:
            parts = [scale(k, seen | {code}) for k in kids]
            lows, highs = [p[0] for p in parts], [p[1] for p in parts]
            result = (
                math.nan if any(math.isnan(v) for v in lows) else min(lows),
                math.nan if any(math.isnan(v) for v in highs) else max(highs),
            )
        out[code] = result
        return result

    for code in nodes.index:
        scale(str(code), frozenset())
    return out


def score_scales(framework: Any, methods: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """(lower, upper) of the score of every node of ``framework`` under a dataset.toml
    ``[methods]`` table: the raw scale (:func:`node_scales`) when indicators are not
    normalised (``none``), unbounded for z-scores, else the output ``range`` (0-100 by
    default): a weighted mean of values in a range stays in it. A bad ``[methods]`` value is
    reported by the loader's own check; the defaults stand in for it here."""
    from smartcity_eval.settings import ParameterError, Settings

    try:
        settings = Settings.resolve(methods)
    except ParameterError:
        settings = Settings()
    method = settings.normalise_for(framework)
    if method == "none":
        return node_scales(framework.nodes)
    bounds = (-math.inf, math.inf) if method == "zscore" else settings.range
    return {str(code): bounds for code in framework.nodes.index}


def _target_problem(
    file: str | None, row: int, column: str, code: str, value: float, lo: float, hi: float
) -> Problem | None:
    if not math.isnan(lo) and not math.isnan(hi):
        if lo <= value <= hi or lo > hi:  # lower above upper is reported elsewhere
            return None
        scale, scale_id = f"{lo:g} to {hi:g}", f"{lo:g} sampai {hi:g}"
    elif (
        0 < value <= MAX_UNBOUNDED
        and (math.isnan(lo) or value >= lo)
        and (math.isnan(hi) or value <= hi)
    ):
        return None
    else:
        scale = f"more than 0 and at most {MAX_UNBOUNDED:g}"
        scale_id = f"lebih dari 0 dan paling besar {MAX_UNBOUNDED:g}"
    return Problem(
        file,
        row,
        column,
        f"target {value:g} of '{code}' is outside the node's scale ({scale})",
        f"write a target the node can reach ({scale}), or leave the cell empty",
        f"target {value:g} untuk '{code}' di luar skala simpul ({scale_id})",
        f"tulis target yang dapat dicapai simpul ({scale_id}), atau kosongkan sel",
    )


def check_targets(
    frame: pd.DataFrame,
    code_col: str,
    value_col: str,
    frameworks: dict[str, Any],
    problems: list[Problem],
    *,
    aggregates_only: bool = True,
    methods: dict[str, Any] | None = None,
) -> None:
    """Targets outside their node's scale; by default only the aggregates' (the indicators'
    are checked with their values). With the dataset's ``methods``, an aggregate's scale is
    the one its score is on (:func:`score_scales`), else its raw scale (:func:`node_scales`)."""
    if frame.empty:
        return
    scales: dict[str, tuple[float, float]] = {}
    aggregates: set[str] = set()
    for fw in frameworks.values():
        if fw.nodes.empty:
            continue
        found = node_scales(fw.nodes) if methods is None else score_scales(fw, methods)
        for code, bounds in found.items():
            scales.setdefault(code, bounds)
        aggregates |= set(fw.nodes.index[fw.nodes.index.isin(list(set(fw.nodes["parent"])))])
    file = frame.attrs.get("file")
    values = frame[value_col].to_numpy(dtype="float64")
    for code, value, row in zip(frame[code_col].astype(str), values, frame[ROW], strict=True):
        if math.isnan(value) or code not in scales:
            continue
        if aggregates_only and code not in aggregates:
            continue
        problem = _target_problem(file, int(row), value_col, code, value, *scales[code])
        if problem is not None:
            problems.append(problem)


def check_node_targets(nodes: pd.DataFrame, file: str, problems: list[Problem]) -> None:
    """The ``target`` column of a framework: each target within its node's scale."""
    if "target" not in nodes.columns or not nodes["target"].notna().any():
        return
    scales = node_scales(nodes)
    for code, value in nodes["target"].items():
        if pd.isna(value):
            continue
        lo, hi = scales[str(code)]
        problem = _target_problem(
            file, int(nodes.at[code, "_row"]), "target", str(code), float(value), lo, hi
        )
        if problem is not None:
            problems.append(problem)


def check_values_present(
    frame: pd.DataFrame,
    value_col: str,
    problems: list[Problem],
    warnings: list[Problem],
    *,
    per_region_year: bool = True,
    header_only_is_error: bool = False,
) -> None:
    """A present table with no value at all, a region-year with no value, and (a warning)
    an indicator whose every value is empty."""
    file = frame.attrs.get("file")
    header = int(frame.attrs.get("header_row") or 1)
    values = frame[value_col].to_numpy(dtype="float64")
    if frame.empty and not header_only_is_error:
        return  # e.g. observations of a dataset holding only assessments
    if not np.isfinite(values).any():
        what = "holds only the header" if frame.empty else "has no value: every cell is empty"
        what_id = (
            "hanya berisi judul kolom" if frame.empty else "tidak punya nilai: semua sel kosong"
        )
        problems.append(
            Problem(
                file,
                header,
                value_col,
                f"the table {what}",
                f"fill in the column '{value_col}' (or delete the file if the dataset has no "
                "such table)",
                f"tabel {what_id}",
                f"isi kolom '{value_col}' (atau hapus berkasnya bila dataset tidak punya "
                "tabel ini)",
            )
        )
        return
    has = pd.Series(np.isfinite(values), index=frame.index)
    if per_region_year and {"region", "year"} <= set(frame.columns):
        keyed = frame["region"].astype(str) != ""
        groups = has[keyed].groupby([frame["region"][keyed], frame["year"][keyed]]).any()
        for region, year in groups.index[~groups.to_numpy()]:
            if pd.isna(year):
                continue
            first = frame.loc[(frame["region"] == region) & (frame["year"] == year), ROW].min()
            problems.append(
                Problem(
                    file,
                    int(first),
                    value_col,
                    f"'{region}' has no value in {int(year)}: every cell of that year is empty",
                    f"fill in the values of '{region}' for {int(year)}, or delete its rows",
                    f"'{region}' tidak punya nilai pada {int(year)}: semua selnya kosong",
                    f"isi nilai '{region}' untuk {int(year)}, atau hapus barisnya",
                )
            )
    if "indicator" in frame.columns:
        by_indicator = has.groupby(frame["indicator"]).any()
        for code in by_indicator.index[~by_indicator.to_numpy()]:
            if not code:
                continue
            first = frame.loc[frame["indicator"] == code, ROW].min()
            warnings.append(
                Problem(
                    file,
                    int(first),
                    value_col,
                    f"indicator '{code}' has no value in any region or year",
                    "fill in its values, or delete its rows; it is scored as missing",
                    f"indikator '{code}' tidak punya nilai di wilayah dan tahun mana pun",
                    "isi nilainya, atau hapus barisnya; indikator dihitung sebagai kosong",
                    WARNING,
                )
            )


def check_frameworks_used(
    frameworks: dict[str, Any],
    indicators: set[str],
    file: str,
    line: int | None,
    problems: list[Problem],
) -> None:
    """A tree named by the dataset none of whose indicators the data concern."""
    if not indicators:
        return
    for name, fw in frameworks.items():
        if fw.nodes.empty or "is_leaf" not in fw.nodes.columns:
            continue
        leaves = set(fw.nodes.index[fw.nodes["is_leaf"].to_numpy()])
        if leaves & indicators:
            continue
        problems.append(
            Problem(
                file,
                line,
                "frameworks",
                f"the framework '{name}' concerns none of the dataset's indicators (none of "
                "its indicators is in the observations or assessments)",
                f"remove '{name}' from 'frameworks', or add data for its indicators",
                f"kerangka '{name}' tidak mencakup satu pun indikator dataset (tidak ada "
                "indikatornya di observasi atau penilaian)",
                f"hapus '{name}' dari 'frameworks', atau tambahkan data untuk indikatornya",
            )
        )
