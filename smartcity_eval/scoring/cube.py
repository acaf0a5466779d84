"""Tidy observations to the dense array the scorer works on: ``[years, regions,
indicators]`` values and the region-years present (:func:`indicator_cube`).

The keys come as the loader's integer codes (:class:`smartcity_eval.io.keys.KeyCodes`),
a categorical's codes, or else are factorised once; no per-row Python work. Re-exported by
:mod:`smartcity_eval.scoring.engine`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.io.keys import KeyCodes, factorize_column

__all__ = ["IndicatorCube", "indicator_cube"]


@dataclass
class IndicatorCube:
    """Indicator values as a dense array.

    values : ``[n_years, n_regions, n_indicators]`` floats, NaN = missing.
    present : ``[n_years, n_regions]`` bool, the region-years present in the observations.
    years, regions, indicators : the labels of the three axes (years and regions sorted,
        indicators in framework order).
    """

    values: np.ndarray
    present: np.ndarray
    years: list[int]
    regions: list[str]
    indicators: list[str]


def indicator_cube(
    observations: pd.DataFrame, framework: Framework, *, keys: KeyCodes | None = None
) -> IndicatorCube:
    """Pivot tidy observations (region, year, indicator, value) onto a dense array.

    Only the framework's indicators are used; rows of other indicators are ignored (they
    may belong to another tree over the same data). A region-year is *present* when it has
    at least one row for one of the framework's indicators (even with an empty value).

    ``keys``: the loader's codes of the region, indicator and year columns
    (:attr:`smartcity_eval.io.dataset.Dataset.observation_keys`), used while they match
    the columns; categorical columns give their own codes; other columns are factorised
    (the distinct labels are compared as text, as ``astype(str)``). With the loader's
    codes of all three, repeated keys are not looked for again (the loader refused them).

    Raises DataError when a region, year and indicator appear twice, or when no row
    concerns the framework.
    """
    inds = framework.indicators
    coded = _coded(observations, "indicator", keys)
    if coded is None:  # text: looking the framework's codes up is cheaper than factorising
        ind_pos = pd.Index(inds).get_indexer(observations["indicator"].astype(str))
    else:
        ind_pos = np.append(pd.Index(inds).get_indexer(coded[1]), -1)[coded[0]]
    keep = ind_pos >= 0
    if not keep.any():
        raise DataError(
            Problem(
                None,
                None,
                "indicator",
                f"no observation concerns an indicator of the framework '{framework.name}'",
                "check that observations.csv uses the indicator codes of framework.csv",
                f"tidak ada observasi untuk indikator kerangka '{framework.name}'",
            )
        )
    region_codes, region_labels = _coded(observations, "region", keys) or _factorize(
        observations["region"]
    )
    # the distinct labels as text, sorted; then only the regions with a kept row
    label_codes, regions = pd.factorize(pd.Index(region_labels), sort=True)
    region_codes = np.append(label_codes, -1)[region_codes]
    keep &= region_codes >= 0  # a row without a region belongs to no region-year
    every = bool(keep.all())
    coded_years = keys.codes_of(observations, "year") if keys is not None else None
    if coded_years is not None and (coded_years[0] < 0).any():
        coded_years = None  # a row without a year: not from a checked table
    if coded_years is None:
        year_values = pd.to_numeric(observations["year"]).to_numpy().astype(np.int64)
    values = pd.to_numeric(observations["value"], errors="coerce").to_numpy(dtype=float)
    if not every:
        ind_pos, region_codes, values = ind_pos[keep], region_codes[keep], values[keep]
    used = np.bincount(region_codes, minlength=len(regions)) > 0
    if not used.all():
        region_codes = (np.cumsum(used) - 1)[region_codes]
        regions = regions[used]
    if coded_years is None:
        years, year_pos = _sorted_positions(year_values if every else year_values[keep])
    else:
        years, year_pos = _year_positions(*coded_years, keep if not every else None)
    n_y, n_r, n_i = len(years), len(regions), len(inds)
    flat = (year_pos * n_r + region_codes) * n_i + ind_pos
    # the loader refused repeated (region, year, indicator) keys: with its codes of all three
    # columns there are none to look for
    checked = coded_years is not None and all(
        keys.codes_of(observations, c) is not None for c in ("region", "indicator")
    )
    if not checked and np.bincount(flat, minlength=n_y * n_r * n_i).max(initial=0) > 1:
        dup = pd.Series(flat).duplicated(keep=False).to_numpy()
        first = (observations if every else observations.loc[keep]).loc[dup].iloc[0]
        raise DataError(
            Problem(
                None,
                None,
                "indicator",
                f"value given twice for region={first['region']}, year={first['year']}, "
                f"indicator={first['indicator']}",
                "keep one row per region, year and indicator",
            )
        )
    cube = np.full(n_y * n_r * n_i, np.nan)
    cube[flat] = values
    present = np.zeros(n_y * n_r, dtype=bool)
    present[year_pos * n_r + region_codes] = True
    return IndicatorCube(
        values=cube.reshape(n_y, n_r, n_i),
        present=present.reshape(n_y, n_r),
        years=[int(y) for y in years],
        regions=[str(r) for r in regions],
        indicators=list(inds),
    )


def _coded(
    observations: pd.DataFrame, column: str, keys: KeyCodes | None
) -> tuple[np.ndarray, pd.Index] | None:
    """(codes, distinct labels as text) of a key column when they are known without
    hashing every cell: the loader's codes while they match the column, or a categorical's
    codes; else None. Missing cells have code -1."""
    pair = keys.codes_of(observations, column) if keys is not None else None
    if pair is None and isinstance(observations[column].dtype, pd.CategoricalDtype):
        pair = factorize_column(observations[column])
    return None if pair is None else (pair[0], _as_text(pair[1]))


def _factorize(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = factorize_column(column)
    return codes, _as_text(uniques)


def _as_text(uniques: np.ndarray) -> pd.Index:
    return pd.Index(uniques, dtype=object).astype(str)


def _year_positions(
    codes: np.ndarray, uniques: np.ndarray, keep: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct years with a kept row, position of each kept row's year among
    them) from the loader's codes of the year column (``keep``: the rows kept, None for
    all): one lookup per row instead of sorting the years of every row."""
    years = np.asarray(uniques).astype(np.int64)
    if keep is not None:
        codes = codes[keep]
    seen = np.bincount(codes, minlength=len(years)) > 0
    order = np.argsort(np.where(seen, years, np.iinfo(np.int64).max), kind="stable")
    position = np.empty(len(years), dtype=np.intp)
    position[order] = np.arange(len(years))
    return years[order[: int(seen.sum())]], position[codes]


def _sorted_positions(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct values, position of each value among them) of integers; a count
    over the range when it is small (years), else ``np.unique``."""
    if len(values) == 0:
        return values[:0], values[:0].astype(np.intp)
    lo, hi = int(values.min()), int(values.max())
    if hi - lo > 4 * len(values) + 1024:
        return np.unique(values, return_inverse=True)
    shifted = values - lo
    seen = np.bincount(shifted, minlength=hi - lo + 1) > 0
    return np.flatnonzero(seen) + lo, (np.cumsum(seen) - 1)[shifted]
