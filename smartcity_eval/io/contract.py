"""The exception contract of the public API (``smartcity_eval.__all__``).

Every public function raises one of two errors for bad input, both ``ValueError``s:

- :class:`~smartcity_eval.errors.DataError` for a problem in a file (with file, row,
  column and fix);
- :class:`~smartcity_eval.settings.ParameterError` for an argument of the wrong type or
  value (naming the parameter, the value and what is allowed).

:func:`guard` wraps the public functions so that their leading arguments are checked
before the call: a dataset must be a ``Dataset`` or a dataset folder / shipped name (which
is loaded), a framework a ``Framework`` or a framework folder / shipped name (loaded), a
table a pandas DataFrame (with numeric values where scores are computed), a matrix a 2-D
array of numbers, a count a whole number. A table missing a column the function needs is
a ParameterError naming the column. ``tests/test_api_contract.py`` calls every public
function with wrong types and values.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.settings import ParameterError

__all__ = ["SPEC", "guard", "check_argument"]

_DATASET = "dataset"
_SOURCE = "source"  # a Dataset, an Evaluation, or a folder / name (the function loads it)
_PATH = "path"
_FRAME = "frame"
_OPTIONAL_FRAME = "optional_frame"
_SCORED_FRAME = "scored_frame"
_FRAMEWORK = "framework"
_MATRIX = "matrix"
_COUNT = "count"
_YEAR = "year"
_REGION = "region"
_TEXT = "text"
_SPEC_FRAMEWORK = "framework_spec"

#: For each public function: the kind of each argument checked before the call.
SPEC: dict[str, dict[str, str]] = {
    "evaluate": {"dataset": _SOURCE},
    "load_dataset": {"name_or_path": _PATH},
    "load_framework": {"name_or_path": _PATH},
    "resolve_framework": {"spec": _SPEC_FRAMEWORK},
    "assign_bands": {"bands": _OPTIONAL_FRAME, "root": _TEXT},
    "read_table": {"path": _PATH},
    "atomic_write": {"path": _PATH},
    "write_csv": {"frame": _FRAME},
    "score": {"observations": _SCORED_FRAME, "framework": _FRAMEWORK},
    "score_dataset": {"dataset": _DATASET},
    "contributions": {"scores": _FRAME, "framework": _FRAMEWORK},
    "effective_weights": {"framework": _FRAMEWORK},
    "gap_report": {"dataset": _DATASET},
    "target_gaps": {"scores": _FRAME, "framework": _FRAMEWORK, "targets": _OPTIONAL_FRAME},
    "trajectory": {"scores": _FRAME, "framework": _FRAMEWORK, "targets": _OPTIONAL_FRAME},
    "change": {"scores": _FRAME, "framework": _FRAMEWORK},
    "peer_comparison": {"scores": _FRAME, "framework": _FRAMEWORK},
    "strengths_weaknesses": {"peers": _FRAME, "gaps": _OPTIONAL_FRAME, "framework": _FRAMEWORK},
    "self_vs_verified": {"assessments": _FRAME, "framework": _FRAMEWORK},
    "priorities": {"scores": _FRAME, "framework": _FRAMEWORK},
    "reproduce": {"dataset": _SOURCE},
    "check_consensus": {"dataset": _SOURCE},
    "derive_tolerance": {"published_decimals": _COUNT},
    "consensus": {"assessments": _FRAME},
    "self_assessment": {"assessments": _FRAME},
    "agreement": {"assessments": _FRAME},
    "item_disagreement": {"assessments": _FRAME},
    "icc": {"matrix": _MATRIX},
    "fleiss_kappa": {"matrix": _MATRIX},
    "krippendorff_alpha": {"matrix": _MATRIX},
    "cronbach_alpha": {"X": _MATRIX},
    "robustness_report": {"dataset": _DATASET, "region": _REGION, "year": _YEAR},
    "uncertainty_dataset": {"dataset": _DATASET},
    "sensitivity_dataset": {"dataset": _DATASET},
    "drop_one_dataset": {"dataset": _DATASET},
    "coherence_dataset": {"dataset": _DATASET},
    "run_reports": {"evaluation": _SOURCE},
}

_ALLOWED = {
    _DATASET: "a Dataset (se.load_dataset), a dataset folder or a shipped dataset's name",
    _SOURCE: "an Evaluation, a Dataset, a dataset folder or a shipped dataset's name",
    _PATH: "a file or folder path (str or pathlib.Path) or a shipped name",
    _FRAME: "a pandas DataFrame",
    _OPTIONAL_FRAME: "a pandas DataFrame or None",
    _SCORED_FRAME: "a pandas DataFrame whose 'value' column holds numbers",
    _FRAMEWORK: "a Framework (se.load_framework), a framework folder or a shipped name",
    _MATRIX: "a 2-dimensional array of numbers (items x assessors)",
    _COUNT: "a whole number 0 or more",
    _YEAR: "a year as a whole number, e.g. 2024",
    _REGION: "a region name (text)",
    _TEXT: "text (a node code)",
    _SPEC_FRAMEWORK: "None, a Framework, a framework folder or a shipped framework's name",
}


def _is_path(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike)) and not isinstance(value, bool)


def _refuse(name: str, value: Any, kind: str) -> ParameterError:
    shown = value if isinstance(value, (str, int, float, type(None))) else type(value).__name__
    return ParameterError(name, shown, _ALLOWED[kind])


def _check_frame(name: str, value: Any, kind: str) -> Any:
    if value is None and kind == _OPTIONAL_FRAME:
        return value
    if not isinstance(value, pd.DataFrame):
        raise _refuse(name, value, kind)
    if kind == _SCORED_FRAME and "value" in value.columns:
        column = value["value"]
        if not (pd.api.types.is_numeric_dtype(column) or column.isna().all()):
            raise ParameterError(
                f"{name}['value']",
                f"text such as {column.dropna().astype(str).iloc[0]!r}",
                "numbers (float): read the table with se.load_dataset / se.read_table, or "
                "convert it, e.g. pd.to_numeric(frame['value'].str.replace(',', '.'))",
            )
    return value


def _check_matrix(name: str, value: Any) -> Any:
    if isinstance(value, (str, bytes, dict)) or value is None:
        raise _refuse(name, value, _MATRIX)
    try:
        array = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        raise _refuse(name, value, _MATRIX) from None
    if array.ndim != 2:
        raise _refuse(name, value, _MATRIX)
    return value


def check_argument(name: str, value: Any, kind: str) -> Any:
    """``value`` if it is of ``kind`` (names and paths of datasets and frameworks loaded);
    raises ParameterError otherwise."""
    if kind == _DATASET:
        from smartcity_eval.io.dataset import Dataset, load_dataset

        if isinstance(value, Dataset):
            return value
        if _is_path(value):
            return load_dataset(value)
        raise _refuse(name, value, kind)
    if kind == _SOURCE:
        if _is_path(value) or hasattr(value, "observations") or hasattr(value, "dataset"):
            return value
        raise _refuse(name, value, kind)
    if kind == _PATH:
        if _is_path(value):
            return value
        raise _refuse(name, value, kind)
    if kind in (_FRAME, _OPTIONAL_FRAME, _SCORED_FRAME):
        return _check_frame(name, value, kind)
    if kind == _FRAMEWORK:
        from smartcity_eval.io.frameworks import Framework, load_framework

        if isinstance(value, Framework):
            return value
        if _is_path(value):
            return load_framework(value)
        raise _refuse(name, value, kind)
    if kind == _MATRIX:
        return _check_matrix(name, value)
    if kind in (_COUNT, _YEAR):
        whole = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
        if not whole or (kind == _COUNT and value < 0):
            raise _refuse(name, value, kind)
        return value
    if kind == _SPEC_FRAMEWORK:
        if value is None or _is_path(value) or type(value).__name__ == "Framework":
            return value
        raise _refuse(name, value, kind)
    if kind in (_REGION, _TEXT):
        if not isinstance(value, str):
            raise _refuse(name, value, kind)
        return value
    raise AssertionError(kind)  # pragma: no cover


def _wrap(fn: Callable[..., Any], spec: dict[str, str]) -> Callable[..., Any]:
    signature = inspect.signature(fn)
    frames = [n for n, k in spec.items() if k in (_FRAME, _SCORED_FRAME)]

    @functools.wraps(fn)
    def checked(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return fn(*args, **kwargs)  # Python's own message for a wrong call
        for name, kind in spec.items():
            if name in bound.arguments:
                bound.arguments[name] = check_argument(name, bound.arguments[name], kind)
        try:
            return fn(*bound.args, **bound.kwargs)
        except KeyError as err:
            key = err.args[0] if err.args else None
            given = [
                n
                for n in frames
                if isinstance(bound.arguments.get(n), pd.DataFrame)
                and isinstance(key, str)
                and key not in bound.arguments[n].columns
            ]
            if not given:
                raise
            # a column the function needs is missing from the table given
            raise ParameterError(
                given[0],
                f"a table without column {key!r}",
                f"a table with the columns the function documents (missing: {key!r})",
            ) from None

    return checked


def guard(namespace: dict[str, Any]) -> None:
    """Wrap the public functions of ``namespace`` (the package's globals) with their
    argument checks (:data:`SPEC`)."""
    for name, spec in SPEC.items():
        fn = namespace.get(name)
        if callable(fn) and not getattr(fn, "__wrapped__", None):
            checked = _wrap(fn, spec)
            namespace[name] = checked
            # the defining module's public name is the same checked function, so that
            # ``se.score_dataset is smartcity_eval.scoring.engine.score_dataset``
            home = sys.modules.get(getattr(fn, "__module__", ""))
            if home is not None and getattr(home, name, None) is fn:
                setattr(home, name, checked)
