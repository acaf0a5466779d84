"""Loading a dataset folder (SPEC section 1) into typed, checked tables.

A dataset is a folder with ``dataset.toml``, a framework (its own ``framework.csv`` or one
named under ``data/frameworks``), ``observations.csv`` and the optional ``targets``,
``assessments``, ``published`` and ``bands`` tables, each as ``.csv`` or ``.xlsx``.
Every table is checked, across tables too (an indicator the framework does not know, a
region spelled two ways), and all problems are raised together in one DataError.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .frameworks import DATA_DIR, Framework, load_bands, load_framework
from .tables import ROW, display_path, find_table, parse_numbers, parse_years, read_table
from .validation import DataError, Problem, did_you_mean, suggest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "Dataset",
    "load_dataset",
    "dataset_dir",
    "read_observations",
    "read_assessments",
    "TOML_KEYS",
    "METHOD_KEYS",
]

TOML_KEYS = [
    "title",
    "description",
    "framework",
    "frameworks",
    "illustrative",
    "lang",
    "methods",
    "sources",
]
METHOD_KEYS = [
    "normalise",
    "range",
    "aggregate",
    "scope",
    "min_coverage",
    "consensus",
    "impute",
    "outliers",
]

SCHEMAS: dict[str, tuple[list[str], list[str]]] = {
    "observations": (["region", "year", "indicator", "value"], ["source", "note"]),
    "targets": (["region", "year", "code", "target"], ["source", "note"]),
    "assessments": (["region", "year", "indicator", "assessor", "score"], ["stage", "evidence"]),
    "published": (["region", "year", "code", "score"], ["source", "note"]),
}


@dataclass(eq=False)
class Dataset:
    """A loaded dataset.

    Attributes
    ----------
    name : folder name (e.g. ``kutai_timur``).
    path : the folder.
    meta : dataset.toml as a dict (``methods`` and ``sources`` always present).
    framework : the primary tree.
    frameworks : every tree by name, the primary first (extra trees from ``frameworks = [...]``).
    observations : region, year (int), indicator, value (float, NaN = missing), source, note, _row.
    targets, assessments, published : the optional tables, typed likewise (empty when absent).
    bands : the dataset's bands.csv if present, else the primary framework's.
    files : every input file read, for provenance (table name -> path).
    """

    name: str
    path: Path
    meta: dict[str, Any]
    framework: Framework
    frameworks: dict[str, Framework]
    observations: pd.DataFrame
    targets: pd.DataFrame
    assessments: pd.DataFrame
    published: pd.DataFrame
    bands: pd.DataFrame
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.meta.get("title", self.name))

    @property
    def illustrative(self) -> bool:
        return bool(self.meta.get("illustrative", False))

    @property
    def lang(self) -> str:
        return str(self.meta.get("lang", "en"))

    @property
    def methods(self) -> dict[str, Any]:
        return dict(self.meta.get("methods", {}))

    @property
    def regions(self) -> list[str]:
        return sorted(set(self.observations["region"]))

    @property
    def years(self) -> list[int]:
        return sorted({int(y) for y in self.observations["year"]})

    def framework_of(self, code: str) -> Framework | None:
        """The first tree (primary first) that has node ``code``."""
        for fw in self.frameworks.values():
            if code in fw.nodes.index:
                return fw
        return None


def dataset_dir(name_or_path: str | Path, data_dir: Path | None = None) -> Path:
    """A dataset given as a folder path or a name under ``data/``."""
    p = Path(name_or_path)
    if p.is_dir():
        return p
    base = data_dir or DATA_DIR
    candidate = base / str(name_or_path)
    if candidate.is_dir() and (candidate / "dataset.toml").is_file():
        return candidate
    known = (
        sorted(d.name for d in base.iterdir() if (d / "dataset.toml").is_file())
        if base.is_dir()
        else []
    )
    raise DataError(
        Problem(
            str(name_or_path),
            None,
            None,
            "no such dataset folder",
            did_you_mean(name_or_path, known) if known else "give the path of a dataset folder",
            "folder dataset tidak ditemukan",
        )
    )


def _read_toml(path: Path, data_dir: Path) -> dict[str, Any]:
    file = display_path(path)
    if not path.is_file():
        raise DataError(
            Problem(
                file,
                None,
                None,
                "dataset.toml is missing",
                "add dataset.toml with at least title and framework",
                "dataset.toml tidak ada",
            )
        )
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        line = getattr(err, "lineno", None)
        msg = str(err).split(" (at line")[0]
        raise DataError(
            Problem(
                file,
                line,
                None,
                f"cannot be parsed: {msg}",
                "check quotes and '=' on that line (TOML syntax: key = \"value\")",
                f"tidak dapat dibaca: {msg}",
            )
        ) from None
    problems = []
    for key in meta:
        if key not in TOML_KEYS:
            problems.append(
                Problem(
                    file,
                    None,
                    key,
                    f"unknown key '{key}'",
                    did_you_mean(key, TOML_KEYS),
                    f"kunci '{key}' tidak dikenal",
                )
            )
    methods = meta.get("methods", {})
    if not isinstance(methods, dict):
        problems.append(
            Problem(
                file,
                None,
                "methods",
                "'methods' must be a table",
                "write [methods] on its own line",
            )
        )
        methods = {}
    for key in methods:
        if key not in METHOD_KEYS:
            problems.append(
                Problem(
                    file,
                    None,
                    f"methods.{key}",
                    f"unknown method key '{key}'",
                    did_you_mean(key, METHOD_KEYS),
                    f"kunci metode '{key}' tidak dikenal",
                )
            )
    if meta.get("lang", "en") not in ("id", "en"):
        problems.append(
            Problem(
                file,
                None,
                "lang",
                f"lang '{meta.get('lang')}' is not 'id' or 'en'",
                'write lang = "id" or "en"',
            )
        )
    extra = meta.get("frameworks", [])
    if not isinstance(extra, list) or not all(isinstance(x, str) for x in extra):
        problems.append(
            Problem(
                file,
                None,
                "frameworks",
                "'frameworks' must be a list of names",
                'write frameworks = ["kominfo_components"]',
            )
        )
    if problems:
        raise DataError(problems)
    meta.setdefault("methods", {})
    meta.setdefault("sources", {})
    return meta


def _load_frameworks(
    folder: Path,
    meta: dict[str, Any],
    data_dir: Path,
    override: str | Path | None,
    problems: list[Problem],
) -> dict[str, Framework]:
    out: dict[str, Framework] = {}
    toml_file = display_path(folder / "dataset.toml")
    names: list[str | Path] = []
    if override is not None:
        names.append(override)
    elif "framework" in meta:
        names.append(str(meta["framework"]))
    elif find_table(folder, "framework") is not None:
        names.append(folder)
    else:
        problems.append(
            Problem(
                toml_file,
                None,
                "framework",
                "no framework: neither a 'framework' key nor a framework.csv",
                'add framework = "kominfo_smart_city" or a framework.csv',
            )
        )
        return out
    names.extend(meta.get("frameworks", []))
    for name in names:
        try:
            if (
                isinstance(name, str)
                and not Path(name).exists()
                and not (data_dir / "frameworks" / name).is_dir()
            ):
                known = (
                    sorted(d.name for d in (data_dir / "frameworks").iterdir())
                    if (data_dir / "frameworks").is_dir()
                    else []
                )
                problems.append(
                    Problem(
                        toml_file,
                        None,
                        "framework",
                        f"framework '{name}' does not exist",
                        did_you_mean(name, known),
                        f"kerangka '{name}' tidak ada",
                    )
                )
                continue
            fw = load_framework(name, data_dir)
        except DataError as err:
            problems.extend(err.problems)
            continue
        key = fw.name if fw.name not in out else f"{fw.name}_{len(out)}"
        out[key] = fw
    return out


def _typed(
    frame: pd.DataFrame, problems: list[Problem], value_col: str | None, text_cols: list[str]
) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for col in text_cols:
        out[col] = frame[col].astype(str)
    out["year"] = parse_years(frame, "year", problems)
    if value_col is not None:
        out[value_col] = parse_numbers(frame, value_col, problems)
    for col in frame.columns:
        if col not in out.columns and col != ROW:
            out[col] = frame[col].astype(str)
    out[ROW] = frame[ROW]
    out.attrs.update(frame.attrs)
    return out


def _check_required_text(frame: pd.DataFrame, columns: list[str], problems: list[Problem]) -> None:
    file = frame.attrs.get("file")
    for col in columns:
        for text, row in zip(frame[col], frame[ROW], strict=True):
            if str(text).strip() == "":
                problems.append(
                    Problem(
                        file,
                        int(row),
                        col,
                        f"'{col}' is empty",
                        f"fill in the {col}",
                        f"'{col}' kosong",
                    )
                )


def _check_duplicates(
    frame: pd.DataFrame, keys: list[str], problems: list[Problem], what: str
) -> None:
    file = frame.attrs.get("file")
    dup = frame[frame.duplicated(keys, keep=False)]
    for _, group in dup.groupby(keys, sort=False):
        rows = [int(r) for r in group[ROW]]
        desc = ", ".join(f"{k}={group[k].iloc[0]}" for k in keys)
        problems.append(
            Problem(
                file,
                rows[1],
                keys[-1],
                f"{what} given twice ({desc}) on rows {rows[0]} and {rows[1]}"
                + (f" (and {', '.join(map(str, rows[2:]))})" if len(rows) > 2 else ""),
                "keep one row",
                f"{what} ganda ({desc}) pada baris {rows[0]} dan {rows[1]}",
            )
        )


def _check_known(
    frame: pd.DataFrame,
    column: str,
    known: list[str],
    problems: list[Problem],
    what: str,
    allow: tuple[str, ...] = (),
) -> None:
    file = frame.attrs.get("file")
    known_set = set(known)
    for text, row in zip(frame[column], frame[ROW], strict=True):
        if text and text not in known_set and text not in allow:
            problems.append(
                Problem(
                    file,
                    int(row),
                    column,
                    f"unknown {what} '{text}'",
                    did_you_mean(text, known),
                    f"{what} '{text}' tidak dikenal",
                )
            )


def _check_bounds(
    frame: pd.DataFrame,
    code_col: str,
    value_col: str,
    frameworks: dict[str, Framework],
    problems: list[Problem],
) -> None:
    bounds: dict[str, tuple[float, float]] = {}
    for fw in frameworks.values():
        for code, lo, hi in zip(fw.nodes.index, fw.nodes["lower"], fw.nodes["upper"], strict=True):
            bounds.setdefault(str(code), (lo, hi))
    file = frame.attrs.get("file")
    for code, value, row in zip(frame[code_col], frame[value_col], frame[ROW], strict=True):
        if code in bounds and not math.isnan(value):
            lo, hi = bounds[code]
            if (not math.isnan(lo) and value < lo) or (not math.isnan(hi) and value > hi):
                problems.append(
                    Problem(
                        file,
                        int(row),
                        value_col,
                        f"{value:g} is outside the scale of '{code}' ({lo:g} to {hi:g})",
                        f"use a value from {lo:g} to {hi:g}",
                        f"{value:g} di luar skala '{code}' ({lo:g} sampai {hi:g})",
                    )
                )


def _empty(table: str) -> pd.DataFrame:
    required, optional = SCHEMAS[table]
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in required + optional})
    frame["year"] = pd.Series(dtype="int64")
    value = {
        "observations": "value",
        "targets": "target",
        "assessments": "score",
        "published": "score",
    }[table]
    frame[value] = pd.Series(dtype="float64")
    frame[ROW] = pd.Series(dtype="int64")
    return frame


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop rows with unusable keys (already reported) and make ``year`` an integer column."""
    out = frame[frame["year"].notna()].copy()
    out["year"] = out["year"].astype("int64")
    return out.reset_index(drop=True)


def read_observations(
    path: Path | str, frameworks: dict[str, Framework] | None = None
) -> pd.DataFrame:
    """Read and check an observations table on its own (no cross-table checks but the framework's)."""
    problems: list[Problem] = []
    frame = _read_observations(Path(path), frameworks or {}, problems)
    if problems:
        raise DataError(problems)
    return _finish(frame)


def _read_observations(
    path: Path, frameworks: dict[str, Framework], problems: list[Problem]
) -> pd.DataFrame:
    raw = read_table(
        path,
        required=SCHEMAS["observations"][0],
        optional=SCHEMAS["observations"][1],
        name="observations",
    )
    frame = _typed(raw, problems, "value", ["region", "indicator"])
    _check_required_text(frame, ["region", "indicator"], problems)
    if frameworks:
        leaves = list(dict.fromkeys(c for fw in frameworks.values() for c in fw.indicators))
        _check_known(frame, "indicator", leaves, problems, "indicator")
        _check_bounds(frame, "indicator", "value", frameworks, problems)
    _check_duplicates(
        frame[frame["year"].notna()], ["region", "year", "indicator"], problems, "value"
    )
    return frame


def read_assessments(
    path: Path | str, frameworks: dict[str, Framework] | None = None
) -> pd.DataFrame:
    """Read and check an assessments table on its own (``agreement`` on a single CSV)."""
    problems: list[Problem] = []
    frame = _read_assessments(Path(path), frameworks or {}, problems)
    if problems:
        raise DataError(problems)
    return _finish(frame)


def _read_assessments(
    path: Path, frameworks: dict[str, Framework], problems: list[Problem]
) -> pd.DataFrame:
    required, optional = SCHEMAS["assessments"]
    raw = read_table(path, required=required, optional=optional, name="assessments")
    frame = _typed(raw, problems, "score", ["region", "indicator", "assessor"])
    _check_required_text(frame, ["region", "indicator", "assessor"], problems)
    frame["stage"] = frame["stage"].where(frame["stage"] != "", "assessor")
    if frameworks:
        leaves = list(dict.fromkeys(c for fw in frameworks.values() for c in fw.indicators))
        _check_known(frame, "indicator", leaves, problems, "indicator")
        _check_bounds(frame, "indicator", "score", frameworks, problems)
    _check_duplicates(
        frame[frame["year"].notna()],
        ["region", "year", "indicator", "stage", "assessor"],
        problems,
        "score",
    )
    return frame


def load_dataset(
    name_or_path: str | Path, *, framework: str | Path | None = None, data_dir: Path | None = None
) -> Dataset:
    """Load and check a dataset folder.

    Parameters
    ----------
    name_or_path : a dataset folder, or the name of one under ``data/``.
    framework : score against this tree instead of the one dataset.toml names (a name under
        data/frameworks, a folder or a framework.csv).
    data_dir : where named frameworks and datasets live (default: the package's ``data/``).

    Raises
    ------
    DataError : every problem found in every table, at once.
    """
    data_dir = data_dir or DATA_DIR
    folder = dataset_dir(name_or_path, data_dir)
    toml_path = folder / "dataset.toml"
    meta = _read_toml(toml_path, data_dir)
    problems: list[Problem] = []
    frameworks = _load_frameworks(folder, meta, data_dir, framework, problems)
    if problems:
        raise DataError(problems)
    files: dict[str, Path] = {"dataset.toml": toml_path}
    primary = next(iter(frameworks.values()))
    files["framework"] = Path(primary.source)
    tables: dict[str, pd.DataFrame] = {}
    for table in SCHEMAS:
        path = find_table(folder, table)
        if path is None:
            if table == "observations":
                problems.append(
                    Problem(
                        display_path(folder),
                        None,
                        None,
                        "observations.csv is missing",
                        "add observations.csv (region, year, indicator, value)",
                        "observations.csv tidak ada",
                    )
                )
            tables[table] = _empty(table)
            continue
        files[table] = path
        try:
            if table == "observations":
                tables[table] = _read_observations(path, frameworks, problems)
            elif table == "assessments":
                tables[table] = _read_assessments(path, frameworks, problems)
            else:
                required, optional = SCHEMAS[table]
                raw = read_table(path, required=required, optional=optional, name=table)
                value = "target" if table == "targets" else "score"
                frame = _typed(raw, problems, value, ["region", "code"])
                _check_required_text(frame, ["region", "code"], problems)
                all_codes = list(
                    dict.fromkeys(c for fw in frameworks.values() for c in fw.nodes.index)
                )
                _check_known(frame, "code", all_codes, problems, "node")
                _check_duplicates(
                    frame[frame["year"].notna()], ["region", "year", "code"], problems, value
                )
                tables[table] = frame
        except DataError as err:
            problems.extend(err.problems)
            tables[table] = _empty(table)
    regions = sorted(set(tables["observations"]["region"]) - {""})
    if regions:
        for table in ("targets", "assessments", "published"):
            frame = tables[table]
            if not frame.empty:
                _check_known(
                    frame,
                    "region",
                    regions,
                    problems,
                    "region",
                    allow=("*",) if table == "targets" else (),
                )
    bands = primary.bands
    bands_path = find_table(folder, "bands")
    if bands_path is not None:
        files["bands"] = bands_path
        try:
            bands = load_bands(bands_path, primary.nodes)
        except DataError as err:
            problems.extend(err.problems)
    if problems:
        raise DataError(problems)
    for name, fw in frameworks.items():
        files.setdefault(f"framework:{name}", Path(fw.source))
    return Dataset(
        name=folder.resolve().name,
        path=folder,
        meta=meta,
        framework=primary,
        frameworks=frameworks,
        observations=_finish(tables["observations"]),
        targets=_finish(tables["targets"]),
        assessments=_finish(tables["assessments"]),
        published=_finish(tables["published"]),
        bands=bands,
        files=files,
    )


def closest_region(name: str, dataset: Dataset) -> str | None:
    """The dataset's region closest to ``name`` (for CLI messages)."""
    return suggest(name, dataset.regions)
