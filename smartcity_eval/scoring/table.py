"""The tidy score table: which columns :func:`smartcity_eval.scoring.engine.score` returns,
and how they are laid out from the scorer's arrays.

A national panel (514 regions x 10 years x 186 nodes) gives a 956,040-row table; its rank
(one sort per year and node) and its eight further columns cost more than the scores
themselves (issue 17: "the tidy output built lazily or with columns only when asked").
So the scorer computes only the columns asked for (:func:`score_columns`): the keys
``region, year, code`` always, the others when named. The default is every column of
:data:`SCORE_COLUMNS`; a column asked for is the same, value for value, as in the full
table (``tests/test_score_columns.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from smartcity_eval.io.frameworks import Framework
from smartcity_eval.scoring.bands import node_band_codes
from smartcity_eval.settings import ParameterError
from smartcity_eval.vocab import SCORE_KEYS

if TYPE_CHECKING:  # pragma: no cover - types only (engine imports this module)
    from smartcity_eval.scoring.cube import IndicatorCube

__all__ = ["SCORE_COLUMNS", "KEY_COLUMNS", "score_columns", "assemble"]

#: Columns of the table :func:`~smartcity_eval.scoring.engine.score` returns, in order.
SCORE_COLUMNS = [
    "region",
    "year",
    "code",
    "level",
    "score",
    "rank",
    "band",
    "coverage",
    "raw",
    "imputed",
    "treated",
]

#: The columns every score table has: one row per region, year and node.
KEY_COLUMNS = SCORE_KEYS


def score_columns(columns: Iterable[str] | str | None) -> tuple[str, ...]:
    """The columns of a score table asked for as ``columns``, in the order of
    :data:`SCORE_COLUMNS`, the keys (:data:`KEY_COLUMNS`) always included.

    Parameters
    ----------
    columns : None (every column), a list of names from :data:`SCORE_COLUMNS`, or the CLI
        form ``"score,rank"`` (comma-separated).

    Raises
    ------
    ParameterError : a name that is not a column of the score table.
    """
    if columns is None:
        return tuple(SCORE_COLUMNS)
    if isinstance(columns, str):
        names = [c.strip() for c in columns.split(",") if c.strip()]
    else:
        names = [str(c) for c in columns]
    unknown = [c for c in names if c not in SCORE_COLUMNS]
    if unknown:
        raise ParameterError(
            "columns", ", ".join(unknown), "column names from: " + ", ".join(SCORE_COLUMNS)
        )
    wanted = set(names) | set(KEY_COLUMNS)
    return tuple(c for c in SCORE_COLUMNS if c in wanted)


def assemble(
    cube: IndicatorCube,
    framework: Framework,
    arrays: dict[str, np.ndarray],
    bands: pd.DataFrame | None,
    columns: tuple[str, ...] = tuple(SCORE_COLUMNS),
) -> pd.DataFrame:
    """The tidy table of ``columns`` (from :func:`score_columns`) from ``arrays``:
    ``[nodes, years, regions]`` score, rank and coverage, ``[years, regions, indicators]``
    raw, imputed and treated (each taken out of the dict when used, so that it can be
    freed; only those of ``columns`` need be there): rows region-major (region, year, node
    in file order), one per region-year present. Built with numpy takes from the few
    distinct labels; no per-row Python work."""
    codes = [str(c) for c in framework.nodes.index]
    n_nodes = len(codes)
    ind_pos = pd.Index(codes).get_indexer(cube.indicators)
    pres = cube.present.T  # region-major: [regions, years]
    every = bool(pres.all())
    r_idx, y_idx = np.nonzero(pres)
    n_pairs = len(r_idx)

    def pairs(a: np.ndarray) -> np.ndarray:
        """[years, regions, k] -> [present region-years (region-major), k]."""
        swapped = np.swapaxes(a, 0, 1)
        return swapped.reshape(n_pairs, -1) if every else swapped[r_idx, y_idx]

    def node_pairs(a: np.ndarray) -> np.ndarray:
        """[nodes, years, regions] -> [present region-years (region-major) x nodes]."""
        swapped = np.transpose(a, (2, 1, 0))
        return (swapped.reshape(n_pairs, -1) if every else swapped[r_idx, y_idx]).reshape(-1)

    def on_nodes(a: np.ndarray, fill) -> np.ndarray:
        if a.dtype == bool and not a.any():
            return np.zeros(n_pairs * n_nodes, dtype=bool)
        full = np.full((n_pairs, n_nodes), fill, dtype=a.dtype)
        full[:, ind_pos] = pairs(a)
        return full.reshape(-1)

    # text columns as copies of the few distinct str objects (no per-cell conversion)
    region_of_pair = np.asarray([str(r) for r in cube.regions], dtype=object)[r_idx]
    region = np.empty((n_pairs, n_nodes), dtype=object)
    region[...] = region_of_pair[:, None]
    years = np.asarray(cube.years, dtype=np.int64)
    out: dict[str, object] = {
        "region": _text(region.reshape(-1)),
        "year": np.repeat(years[y_idx], n_nodes),
        "code": _text(np.tile(np.asarray(codes, dtype=object), n_pairs)),
    }
    del region
    if "level" in columns:
        out["level"] = np.tile(framework.nodes["depth"].to_numpy(dtype=np.int64), n_pairs)
    score_v = node_pairs(arrays.pop("score"))
    if "score" in columns:
        out["score"] = score_v
    if "rank" in columns:
        out["rank"] = _ranks(node_pairs(arrays.pop("rank")))
    if "band" in columns:
        out["band"] = _bands(score_v, n_pairs, codes, framework, bands)
    if "coverage" in columns:
        out["coverage"] = node_pairs(arrays.pop("coverage"))
    for name, fill in (("raw", np.nan), ("imputed", False), ("treated", False)):
        if name in columns:
            out[name] = on_nodes(arrays.pop(name), fill)
    return pd.DataFrame(out, columns=list(columns), copy=False)


def _ranks(rank_v: np.ndarray) -> pd.arrays.IntegerArray:
    """Float ranks (NaN = missing) as a nullable integer column."""
    missing = np.isnan(rank_v)
    return pd.arrays.IntegerArray(np.where(missing, 0.0, rank_v).astype(np.int64), missing)


def _bands(
    score_v: np.ndarray,
    n_pairs: int,
    codes: list[str],
    framework: Framework,
    bands: pd.DataFrame | None,
) -> pd.api.extensions.ExtensionArray:
    """The band label of every score ("" when none), one ``str`` object per distinct band."""
    node_idx = np.tile(np.arange(len(codes)), n_pairs)
    band_idx, band_names = node_band_codes(
        score_v, node_idx, codes, bands if bands is not None else framework.bands, framework.root
    )
    band = np.empty(len(band_idx), dtype=object)
    if len(band_names) == 1:
        band[...] = str(band_names[0])
    else:
        np.take(np.asarray([str(b) for b in band_names], dtype=object), band_idx, out=band)
    return _text(band)


def _text(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A ``str`` column over an object array that holds only Python ``str``, without
    pandas' check of every cell (the array pandas' own ``take`` builds; the result equals
    ``pd.array(values, dtype="str")``)."""
    empty = pd.array(np.array([], dtype=object), dtype="str")
    if not hasattr(empty, "_from_backing_data"):  # pragma: no cover - another pandas
        return pd.array(values, dtype="str")
    return empty._from_backing_data(values)
