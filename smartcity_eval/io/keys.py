"""Integer codes of a table's text key columns, found once while loading (issue 17).

The loader factorises the ``region`` and ``indicator`` columns of the observations for its
checks (duplicates, unknown indicators, region spellings). :class:`KeyCodes` keeps those
codes so that the scorer's cube (:func:`smartcity_eval.scoring.engine.indicator_cube`) does
not hash the same 771,000 strings of a national panel again.

The codes are used only while the column is the one they were computed from: the held
column is a pandas view, so under copy-on-write (pandas 3) any pandas edit of the table's
column (``loc``/``iloc`` assignment, a new column, a new table) gives the table a new array
and :meth:`KeyCodes.codes_of` returns None (the caller factorises again). Writing into the
raw array behind pandas' back (``column.values[i] = ...``) is not detected; the loaded
tables are read-only by contract (an :class:`~smartcity_eval.evaluation.Evaluation` caches
its results on the same assumption).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["KeyCodes", "key_codes", "factorize_column"]


@dataclass(eq=False)
class KeyCodes:
    """Codes (``pd.factorize``: -1 = missing) and distinct values of some columns of one
    table, valid while the table holds the same column arrays."""

    columns: dict[str, pd.Series] = field(default_factory=dict)
    codes: dict[str, np.ndarray] = field(default_factory=dict)
    uniques: dict[str, np.ndarray] = field(default_factory=dict)

    def codes_of(self, frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(codes, distinct values) of ``frame[column]`` if they are the ones kept, else None."""
        held = self.columns.get(column)
        if held is None or column not in frame.columns:
            return None
        current = frame[column]
        if len(current) != len(self.codes[column]) or not _same_array(current, held):
            return None
        return self.codes[column], self.uniques[column]


def _same_array(current: pd.Series, held: pd.Series) -> bool:
    """Whether two columns hold the same array: the same extension array (text columns),
    or, for a numpy column (whose ``.array`` is a new wrapper at each access), the same
    memory with the same layout and dtype."""
    if current.array is held.array:
        return True
    if not isinstance(current.dtype, np.dtype) or current.dtype != held.dtype:
        return False
    a, b = current.to_numpy(copy=False), held.to_numpy(copy=False)
    return (
        a.__array_interface__["data"] == b.__array_interface__["data"]
        and a.shape == b.shape
        and a.strides == b.strides
    )


def key_codes(
    frame: pd.DataFrame, found: dict[str, tuple[np.ndarray, np.ndarray]], columns: list[str]
) -> KeyCodes:
    """:class:`KeyCodes` of ``columns`` of ``frame`` from the checks' factorised columns
    ``found`` (column -> (codes, distinct values) over the same rows in the same order);
    a column not in ``found``, or of another length, is factorised here."""
    keys = KeyCodes()
    for column in columns:
        if column not in frame.columns:
            continue
        pair = found.get(column)
        if pair is None or len(pair[0]) != len(frame):
            pair = factorize_column(frame[column])
        keys.columns[column] = frame[column]
        keys.codes[column] = _narrow(np.asarray(pair[0]), len(pair[1]))
        keys.uniques[column] = np.asarray(pair[1], dtype=object)
    return keys


def factorize_column(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of a column: a categorical's own codes, else ``pd.factorize``."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return np.asarray(column.cat.codes, dtype=np.intp), np.asarray(
            column.cat.categories, dtype=object
        )
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return np.asarray(codes), np.asarray(uniques, dtype=object)


def _narrow(codes: np.ndarray, n_uniques: int) -> np.ndarray:
    """Codes (-1 .. n_uniques - 1) in the smallest signed integer type that holds them (a
    national table's codes in int16 take an eighth of int64's memory)."""
    for kind in (np.int8, np.int16, np.int32):
        if n_uniques <= np.iinfo(kind).max:
            return codes.astype(kind)
    return codes
