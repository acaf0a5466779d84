"""Loading a dataset folder into typed, checked tables.

A dataset is a folder with ``dataset.toml``, a framework (its own ``framework.csv`` or one
of the shipped frameworks, :func:`smartcity_eval.io.resources.shipped_frameworks`),
``observations.csv`` and the optional ``targets``, ``assessments``, ``published`` and
``bands`` tables, each as ``.csv`` or ``.xlsx`` (data/README.md describes the columns).
Every table is checked, across tables too (an indicator the framework does not know, a
region spelled two ways; :mod:`smartcity_eval.io.checks`), and all problems are raised
together in one DataError.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from smartcity_eval.errors import (
    DataError,
    Problem,
    did_you_mean,
    did_you_mean_id,
    sort_problems,
    suggest,
)
from smartcity_eval.io.checks import (
    Codes,
    check_bounds,
    check_duplicates,
    check_indicators,
    check_known,
    check_region_spellings,
    check_regions_observed,
    check_required_text,
    check_years_known,
    region_key,
)
from smartcity_eval.io.frameworks import Framework, load_bands, load_framework
from smartcity_eval.io.keys import KeyCodes, key_codes
from smartcity_eval.io.numbers import parse_numbers, parse_years
from smartcity_eval.io.plausible import check_frameworks_used, check_targets, check_values_present
from smartcity_eval.io.published_ranks import empty_published_ranks, read_published_ranks
from smartcity_eval.io.regions import empty_region_table, read_region_table
from smartcity_eval.io.registers import empty_registers, read_registers, read_stages
from smartcity_eval.io.resources import dataset_path, framework_path, is_path, shipped_datasets
from smartcity_eval.io.resources import shipped_frameworks as _shipped_frameworks
from smartcity_eval.io.tables import ROW, display_path, find_table, read_table
from smartcity_eval.io.toml import TOML_KEYS, read_toml, toml_line
from smartcity_eval.settings import METHOD_KEYS, Settings

__all__ = [
    "Dataset",
    "load_dataset",
    "dataset_dir",
    "read_observations",
    "read_assessments",
    "TOML_KEYS",
    "METHOD_KEYS",
    "region_key",
    "SCHEMAS",
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
    warnings : problems that do not stop the data from being used (level ``"warning"``,
        e.g. two very similar region names); ``validate`` prints them.
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
    warnings: list[Problem] = field(default_factory=list)
    #: the office's registers (programmes, programme_status, owners, evidence; empty when
    #: absent): :func:`smartcity_eval.io.registers.read_registers`
    registers: dict[str, pd.DataFrame] = field(default_factory=empty_registers)
    #: regions.csv (region, kind, province, population; empty when absent):
    #: :func:`smartcity_eval.io.regions.read_region_table`
    region_table: pd.DataFrame = field(default_factory=empty_region_table)
    #: published_ranks.csv (region, year, code, scope, rank, of, area, source; empty when
    #: absent): :func:`smartcity_eval.io.published_ranks.read_published_ranks`
    published_ranks: pd.DataFrame = field(default_factory=empty_published_ranks)
    #: the loader's integer codes of the observations' region and indicator columns, used
    #: by the scorer while those columns are unchanged (:class:`smartcity_eval.io.keys.KeyCodes`)
    observation_keys: KeyCodes | None = field(default=None, repr=False)

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
    def note_lang(self) -> str:
        """The language of the free-text ``note`` columns (dataset.toml ``note_lang``;
        default the dataset's ``lang``); ``note_id`` / ``note_en`` give a note per language."""
        return str(self.meta.get("note_lang", self.lang))

    @property
    def methods(self) -> dict[str, Any]:
        return dict(self.meta.get("methods", {}))

    @property
    def settings(self) -> Settings:
        """The method choices of the dataset: the library defaults overridden by
        dataset.toml ``[methods]`` (:meth:`smartcity_eval.settings.Settings.resolve`)."""
        return Settings.resolve(self.methods)

    @property
    def regions(self) -> list[str]:
        return sorted(str(r) for r in pd.unique(self.observations["region"]))

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in pd.unique(self.observations["year"]))

    def framework_of(self, code: str) -> Framework | None:
        """The first tree (primary first) that has node ``code``."""
        for fw in self.frameworks.values():
            if code in fw.nodes.index:
                return fw
        return None


def dataset_dir(name_or_path: str | Path, data_dir: Path | None = None) -> Path:
    """A dataset given as a folder path, or the name of a shipped dataset (of one under
    ``data_dir`` when given). A path is used as it is; a name is looked up."""
    p = Path(name_or_path)
    found = None if is_path(name_or_path) else dataset_path(str(name_or_path), data_dir)
    if found is not None:
        return found  # a name is a name: a shipped dataset wins over a local folder
    if p.is_dir():
        return p
    known = shipped_datasets(data_dir)
    raise DataError(
        Problem(
            str(name_or_path),
            None,
            None,
            "no such dataset folder",
            did_you_mean(name_or_path, known) if known else "give the path of a dataset folder",
            "folder dataset tidak ditemukan",
            did_you_mean_id(name_or_path, known) if known else "berikan path folder dataset",
        )
    )


def _framework_names(
    folder: Path, meta: dict[str, Any], override: str | Path | None, problems: list[Problem]
) -> list[str | Path]:
    """The trees to load, the primary first: ``override``, else dataset.toml's
    ``framework``, else the folder's own framework.csv; then ``frameworks = [...]``."""
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
                display_path(folder / "dataset.toml"),
                None,
                "framework",
                "no framework: dataset.toml has no 'framework' key and the folder has no "
                "framework.csv",
                'add framework = "kominfo_smart_city" to dataset.toml, or put a framework.csv '
                "in the folder",
                "tidak ada kerangka: dataset.toml tidak punya kunci 'framework' dan folder tidak "
                "berisi framework.csv",
                'tambahkan framework = "kominfo_smart_city" ke dataset.toml, atau taruh '
                "framework.csv di folder itu",
            )
        )
        return []
    return names + list(meta.get("frameworks", []))


def _unknown_framework(
    name: str, folder: Path, meta: dict[str, Any], data_dir: Path | None
) -> Problem:
    """The problem of a framework name that is neither a folder nor a shipped framework."""
    toml_path = folder / "dataset.toml"
    try:
        toml_text = toml_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        toml_text = ""
    known = _shipped_frameworks(data_dir)
    key = "framework" if name == meta.get("framework") else "frameworks"
    shown = ", ".join(known) if known else "none"
    return Problem(
        display_path(toml_path),
        toml_line(toml_text, key),
        key,
        f"framework '{name}' does not exist (it is neither a folder nor one of the shipped "
        f"frameworks: {shown})",
        did_you_mean(name, known),
        f"kerangka '{name}' tidak ada (bukan folder dan bukan salah satu kerangka bawaan: {shown})",
        did_you_mean_id(name, known),
    )


def _load_frameworks(
    folder: Path,
    meta: dict[str, Any],
    data_dir: Path | None,
    override: str | Path | None,
    problems: list[Problem],
) -> dict[str, Framework]:
    """Every tree of the dataset by name, the primary first; problems are collected."""
    out: dict[str, Framework] = {}
    for name in _framework_names(folder, meta, override, problems):
        if isinstance(name, str) and not is_path(name):
            # a name: a folder of the dataset, else a shipped framework; never a folder
            # that happens to sit in the current directory
            if (folder / name).is_dir():
                name = folder / name
            elif framework_path(name, data_dir) is None:
                problems.append(_unknown_framework(name, folder, meta, data_dir))
                continue
        elif isinstance(name, str) and not Path(name).is_absolute():
            # a relative path in dataset.toml is relative to the dataset's folder
            name = folder / name if (folder / name).exists() else Path(name)
        try:
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
    keep = frame["year"].notna()
    out = frame.copy() if keep.all() else frame[keep].copy()
    out["year"] = out["year"].astype("int64")
    return out.reset_index(drop=True)


def _read_alone(
    read: Any, path: Path | str, frameworks: dict[str, Framework] | None, **options: Any
) -> pd.DataFrame:
    """``read`` (a table reader of this module) on one file, without the cross-table checks;
    raises DataError with every problem found."""
    problems: list[Problem] = []
    frame = read(Path(path), frameworks or {}, problems, [], **options)
    if problems:
        raise DataError(problems)
    return _finish(frame)


def read_observations(
    path: Path | str, frameworks: dict[str, Framework] | None = None
) -> pd.DataFrame:
    """Read and check an observations table on its own (no cross-table checks but the
    framework's). Raises DataError with every problem found."""
    return _read_alone(_read_observations, path, frameworks)


def _read_observations(
    path: Path,
    frameworks: dict[str, Framework],
    problems: list[Problem],
    warnings: list[Problem],
    cache: Codes | None = None,
) -> pd.DataFrame:
    cache = {} if cache is None else cache
    required, optional = SCHEMAS["observations"]
    raw = read_table(
        path, required=required, optional=optional, name="observations", problems=problems
    )
    frame = _typed(raw, problems, "value", ["region", "indicator"])
    del raw  # the value and year texts (most of a national table's memory) are parsed
    check_required_text(frame, ["region", "indicator"], problems)
    if frameworks:
        check_indicators(frame, "value", frameworks, problems, cache)
    check_duplicates(frame, ["region", "year", "indicator"], problems, "value", cache)
    check_region_spellings(frame, problems, warnings, cache)
    check_values_present(frame, "value", problems, warnings)
    return frame


def read_assessments(
    path: Path | str, frameworks: dict[str, Framework] | None = None
) -> pd.DataFrame:
    """Read and check an assessments table on its own (``agreement`` on a single CSV).
    Raises DataError with every problem found."""
    return _read_alone(_read_assessments, path, frameworks, spelling=True)


def _read_assessments(
    path: Path,
    frameworks: dict[str, Framework],
    problems: list[Problem],
    warnings: list[Problem],
    spelling: bool = False,
) -> pd.DataFrame:
    cache: Codes = {}
    required, optional = SCHEMAS["assessments"]
    raw = read_table(
        path, required=required, optional=optional, name="assessments", problems=problems
    )
    frame = _typed(raw, problems, "score", ["region", "indicator", "assessor"])
    check_required_text(frame, ["region", "indicator", "assessor"], problems)
    frame["stage"] = read_stages(frame, problems)
    if frameworks:
        check_indicators(frame, "score", frameworks, problems, cache)
    check_duplicates(
        frame, ["region", "year", "indicator", "stage", "assessor"], problems, "score", cache
    )
    if spelling:
        check_region_spellings(frame, problems, warnings, cache)
    return frame


def _read_coded(
    path: Path,
    table: str,
    frameworks: dict[str, Framework],
    problems: list[Problem],
    methods: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """targets or published: region, year, code, value. Targets of aggregates are checked
    against the scale their scores are on under the dataset's ``methods``."""
    required, optional = SCHEMAS[table]
    raw = read_table(path, required=required, optional=optional, name=table, problems=problems)
    value = "target" if table == "targets" else "score"
    frame = _typed(raw, problems, value, ["region", "code"])
    check_required_text(frame, ["region", "code"], problems)
    if frameworks:
        all_codes = list(dict.fromkeys(c for fw in frameworks.values() for c in fw.nodes.index))
        check_known(
            frame,
            "code",
            all_codes,
            problems,
            "node",
            where="not a node of the framework",
            where_id="bukan simpul kerangka",
        )
        if table == "targets":
            check_bounds(frame, "code", "target", frameworks, problems)
            check_targets(frame, "code", "target", frameworks, problems, methods=methods)
    check_duplicates(frame, ["region", "year", "code"], problems, value)
    return frame


def load_dataset(
    name_or_path: str | Path, *, framework: str | Path | None = None, data_dir: Path | None = None
) -> Dataset:
    """Load and check a dataset folder.

    Parameters
    ----------
    name_or_path : a dataset folder (a path), or the name of a shipped dataset
        (``kutai_timur``, :func:`smartcity_eval.io.resources.shipped_datasets`).
    framework : score against this tree instead of the one dataset.toml names (a shipped
        framework's name, a folder or a framework.csv).
    data_dir : where named frameworks and datasets live (default: the shipped ones,
        :func:`smartcity_eval.io.resources.data_dir`).

    Returns
    -------
    Dataset, with ``warnings`` holding problems that do not stop the data from being used.

    Raises
    ------
    DataError : every problem found in every table, at once (sorted by file, then row).
    """
    folder = dataset_dir(name_or_path, data_dir)
    toml_path = folder / "dataset.toml"
    meta = read_toml(toml_path)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    frameworks = _load_frameworks(folder, meta, data_dir, framework, problems)
    # Without a usable framework the tables are still checked on their own, so that every
    # problem is reported in one run.
    files: dict[str, Path] = {"dataset.toml": toml_path}
    primary = next(iter(frameworks.values())) if frameworks else None
    if primary is not None:
        files["framework"] = Path(primary.source)
    tables, observation_codes = _read_tables(
        folder, frameworks, files, problems, warnings, methods=meta.get("methods", {})
    )
    _check_across(tables, observation_codes, problems, warnings)
    if tables["assessments"].empty and tables["published"].empty and "observations" in files:
        # a dataset needs values somewhere: header-only observations need assessments
        # or published scores
        check_values_present(
            tables["observations"], "value", problems, warnings, header_only_is_error=True
        )
    if not problems:
        # the distinct codes first: a national table has 771,000 rows and 150 codes
        used = {
            str(c)
            for name in ("observations", "assessments")
            for c in pd.unique(tables[name]["indicator"])
        }
        check_frameworks_used(
            frameworks,
            used - {""},
            display_path(toml_path),
            toml_line(toml_path.read_text(encoding="utf-8"), "frameworks"),
            problems,
        )
    regions = sorted({str(r) for r in pd.unique(tables["observations"]["region"])} - {""})
    registers = read_registers(folder, frameworks, regions, files, problems, warnings)
    known = regions or sorted({str(r) for r in tables["published"]["region"]} - {""})
    region_table = read_region_table(folder, known, files, problems)
    ranks = read_published_ranks(folder, known, frameworks, files, problems)
    bands = _read_bands(folder, primary, files, problems)
    if problems or primary is None:
        raise DataError(problems)
    for name, fw in frameworks.items():
        files.setdefault(f"framework:{name}", Path(fw.source))
    observations = _finish(tables["observations"])
    return Dataset(
        name=folder.resolve().name,
        path=folder,
        meta=meta,
        framework=primary,
        frameworks=frameworks,
        observations=observations,
        targets=_finish(tables["targets"]),
        assessments=_finish(tables["assessments"]),
        published=_finish(tables["published"]),
        bands=bands,
        files=files,
        warnings=sort_problems(warnings),
        registers=registers,
        region_table=region_table,
        published_ranks=ranks,
        observation_keys=key_codes(
            observations, observation_codes, ["region", "indicator", "year"]
        ),
    )


def _missing_observations(folder: Path) -> Problem:
    return Problem(
        display_path(folder),
        None,
        None,
        "observations.csv is missing",
        "add observations.csv with the columns region, year, indicator, value "
        "(it may hold only the header when there are no item values)",
        "observations.csv tidak ada",
        "tambahkan observations.csv dengan kolom region, year, indicator, value "
        "(boleh hanya berisi judul kolom bila tidak ada nilai item)",
    )


def _read_tables(
    folder: Path,
    frameworks: dict[str, Framework],
    files: dict[str, Path],
    problems: list[Problem],
    warnings: list[Problem],
    *,
    methods: dict[str, Any] | None = None,
) -> tuple[dict[str, pd.DataFrame], Codes]:
    """Every table of :data:`SCHEMAS`, read and checked on its own (an absent or unreadable
    table is empty); also the observations' factorized columns, for the cross-table checks.
    Adds each file read to ``files``."""
    tables: dict[str, pd.DataFrame] = {}
    observation_codes: Codes = {}
    for table in SCHEMAS:
        tables[table] = _empty(table)
        try:
            path = find_table(folder, table)
        except DataError as err:
            problems.extend(err.problems)
            continue
        if path is None:
            if table == "observations":
                problems.append(_missing_observations(folder))
            continue
        files[table] = path
        try:
            if table == "observations":
                tables[table] = _read_observations(
                    path, frameworks, problems, warnings, observation_codes
                )
            elif table == "assessments":
                tables[table] = _read_assessments(path, frameworks, problems, warnings)
            else:
                tables[table] = _read_coded(path, table, frameworks, problems, methods)
        except DataError as err:
            problems.extend(err.problems)
    return tables, observation_codes


def _check_across(
    tables: dict[str, pd.DataFrame],
    observation_codes: Codes,
    problems: list[Problem],
    warnings: list[Problem],
) -> None:
    """The regions and years of targets, assessments and published against observations."""
    observations = tables["observations"]
    if "region" in observation_codes:
        regions = sorted({str(r) for r in observation_codes["region"][1]} - {""})
    else:
        regions = sorted({str(r) for r in pd.unique(observations["region"])} - {""})
    years = {int(y) for y in pd.unique(observations["year"].dropna())}
    for table in ("targets", "assessments", "published"):
        frame = tables[table]
        if frame.empty:
            continue
        if regions:
            check_regions_observed(
                frame, regions, problems, allow=("*",) if table == "targets" else ()
            )
        elif table != "targets":
            check_region_spellings(frame, problems, warnings)
        if table != "targets":
            check_years_known(frame, years, warnings, f"{table}.csv")


def _read_bands(
    folder: Path, primary: Framework | None, files: dict[str, Path], problems: list[Problem]
) -> pd.DataFrame:
    """The dataset's bands.csv if it has one, else the primary framework's bands."""
    bands = primary.bands if primary is not None else pd.DataFrame()
    try:
        bands_path = find_table(folder, "bands")
    except DataError as err:
        problems.extend(err.problems)
        return bands
    if bands_path is None:
        return bands
    files["bands"] = bands_path
    if primary is not None and Path(primary.source).resolve().parent == bands_path.resolve().parent:
        return bands  # already read (and checked) with the folder's framework
    try:
        return load_bands(bands_path, primary.nodes if primary is not None else None)
    except DataError as err:
        problems.extend(err.problems)
        return bands


def closest_region(name: str, dataset: Dataset) -> str | None:
    """The dataset's region closest to ``name`` (for CLI messages)."""
    return suggest(name, dataset.regions)
