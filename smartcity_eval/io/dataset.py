"""Loading a dataset folder (SPEC section 1) into typed, checked tables.

A dataset is a folder with ``dataset.toml``, a framework (its own ``framework.csv`` or one
named under ``data/frameworks``), ``observations.csv`` and the optional ``targets``,
``assessments``, ``published`` and ``bands`` tables, each as ``.csv`` or ``.xlsx``.
Every table is checked, across tables too (an indicator the framework does not know, a
region spelled two ways), and all problems are raised together in one DataError.
"""

from __future__ import annotations

import difflib
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.errors import (
    WARNING,
    DataError,
    Problem,
    did_you_mean,
    did_you_mean_id,
    sort_problems,
    suggest,
)
from smartcity_eval.io.frameworks import DATA_DIR, Framework, load_bands, load_framework
from smartcity_eval.io.tables import (
    ROW,
    closest_year,
    display_path,
    find_table,
    parse_numbers,
    parse_years,
    read_table,
)

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
    "region_key",
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
            did_you_mean_id(name_or_path, known) if known else "berikan path folder dataset",
        )
    )


def _toml_line(text: str, key: str, table: str | None = None) -> int | None:
    """The line of ``key = ...`` (inside ``[table]`` when given) in a TOML text, or None."""
    current = None
    pattern = re.compile(rf"^\s*(\"?){re.escape(key)}\1\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[([^\]]+)\]", line)
        if header:
            current = header.group(1).strip()
            if table is None and current == key:
                return number
            continue
        if current == table and pattern.match(line):
            return number
    return None


def _read_toml(path: Path, data_dir: Path) -> dict[str, Any]:
    file = display_path(path)
    if not path.is_file():
        raise DataError(
            Problem(
                file,
                None,
                None,
                "dataset.toml is missing",
                'add dataset.toml with at least a title (title = "...") and the framework '
                '(framework = "kominfo_smart_city", or a framework.csv in the folder)',
                "dataset.toml tidak ada",
                'tambahkan dataset.toml berisi setidaknya judul (title = "...") dan kerangka '
                '(framework = "kominfo_smart_city", atau framework.csv di folder itu)',
            )
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError(
            Problem(
                file,
                None,
                None,
                f"the file is not UTF-8 (byte 0x{err.object[err.start]:02x} cannot be read)",
                "save it as UTF-8 in your text editor",
                f"berkas bukan UTF-8 (bita 0x{err.object[err.start]:02x} tidak dapat dibaca)",
                "simpan sebagai UTF-8 di penyunting teks Anda",
            )
        ) from None
    try:
        meta = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        line = getattr(err, "lineno", None) or (int(found.group(1)) if found else None)
        msg = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(err))
        shown = ""
        if line is not None:
            lines = text.splitlines()
            if 0 < line <= len(lines):
                shown = f" in: «{lines[line - 1].strip()[:60]}»"
        raise DataError(
            Problem(
                file,
                line,
                None,
                f"the file cannot be read as TOML ({msg}){shown}",
                "check that line: each setting is key = value, text in double quotes "
                '(title = "Kutai Timur"), tables on their own line ([methods])',
                f"berkas tidak dapat dibaca sebagai TOML ({msg}){shown}",
                "periksa baris itu: setiap pengaturan berbentuk kunci = nilai, teks dalam tanda "
                'kutip ganda (title = "Kutai Timur"), tabel di barisnya sendiri ([methods])',
            )
        ) from None
    problems = []
    for key in meta:
        if key not in TOML_KEYS:
            problems.append(
                Problem(
                    file,
                    _toml_line(text, key),
                    key,
                    f"unknown key '{key}'",
                    did_you_mean(key, TOML_KEYS),
                    f"kunci '{key}' tidak dikenal",
                    did_you_mean_id(key, TOML_KEYS),
                )
            )
    methods = meta.get("methods", {})
    if not isinstance(methods, dict):
        problems.append(
            Problem(
                file,
                _toml_line(text, "methods"),
                "methods",
                "'methods' must be a table",
                "write [methods] on its own line, with one method setting per line below it",
                "'methods' harus berupa tabel",
                "tulis [methods] di barisnya sendiri, dengan satu pengaturan per baris di bawahnya",
            )
        )
        methods = {}
    for key in methods:
        if key not in METHOD_KEYS:
            problems.append(
                Problem(
                    file,
                    _toml_line(text, key, "methods"),
                    f"methods.{key}",
                    f"unknown method key '{key}'",
                    did_you_mean(key, METHOD_KEYS),
                    f"kunci metode '{key}' tidak dikenal",
                    did_you_mean_id(key, METHOD_KEYS),
                )
            )
    if meta.get("lang", "en") not in ("id", "en"):
        problems.append(
            Problem(
                file,
                _toml_line(text, "lang"),
                "lang",
                f"lang '{meta.get('lang')}' is not 'id' or 'en'",
                'write lang = "id" or lang = "en"',
                f"lang '{meta.get('lang')}' bukan 'id' atau 'en'",
                'tulis lang = "id" atau lang = "en"',
            )
        )
    if "framework" in meta and not isinstance(meta["framework"], str):
        problems.append(
            Problem(
                file,
                _toml_line(text, "framework"),
                "framework",
                "'framework' must be a name in quotes",
                'write framework = "kominfo_smart_city"',
                "'framework' harus berupa nama dalam tanda kutip",
                'tulis framework = "kominfo_smart_city"',
            )
        )
    if "illustrative" in meta and not isinstance(meta["illustrative"], bool):
        problems.append(
            Problem(
                file,
                _toml_line(text, "illustrative"),
                "illustrative",
                "'illustrative' must be true or false (without quotes)",
                "write illustrative = true or illustrative = false",
                "'illustrative' harus true atau false (tanpa tanda kutip)",
                "tulis illustrative = true atau illustrative = false",
            )
        )
    extra = meta.get("frameworks", [])
    if not isinstance(extra, list) or not all(isinstance(x, str) for x in extra):
        problems.append(
            Problem(
                file,
                _toml_line(text, "frameworks"),
                "frameworks",
                "'frameworks' must be a list of names",
                'write frameworks = ["kominfo_components"]',
                "'frameworks' harus berupa daftar nama",
                'tulis frameworks = ["kominfo_components"]',
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
    toml_path = folder / "dataset.toml"
    toml_file = display_path(toml_path)
    try:
        toml_text = toml_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        toml_text = ""
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
        return out
    names.extend(meta.get("frameworks", []))
    for name in names:
        try:
            if isinstance(name, str) and (folder / name).is_dir() and not Path(name).exists():
                name = folder / name
            if (
                isinstance(name, str)
                and not Path(name).exists()
                and not (data_dir / "frameworks" / name).is_dir()
            ):
                known = (
                    sorted(d.name for d in (data_dir / "frameworks").iterdir() if d.is_dir())
                    if (data_dir / "frameworks").is_dir()
                    else []
                )
                key = "framework" if name == meta.get("framework") else "frameworks"
                problems.append(
                    Problem(
                        toml_file,
                        _toml_line(toml_text, key),
                        key,
                        f"framework '{name}' does not exist (frameworks are folders under "
                        f"{display_path(data_dir / 'frameworks')})",
                        did_you_mean(name, known),
                        f"kerangka '{name}' tidak ada (kerangka adalah folder di "
                        f"{display_path(data_dir / 'frameworks')})",
                        did_you_mean_id(name, known),
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


_WHAT_ID = {
    "value": "nilai",
    "score": "skor",
    "target": "target",
    "region": "wilayah",
    "indicator": "indikator",
    "assessor": "penilai",
    "code": "kode",
    "node": "simpul",
    "year": "tahun",
}


def _check_required_text(frame: pd.DataFrame, columns: list[str], problems: list[Problem]) -> None:
    file = frame.attrs.get("file")
    rows = frame[ROW].to_numpy()
    for col in columns:
        empty = np.flatnonzero((frame[col].astype(str) == "").to_numpy())
        col_id = _WHAT_ID.get(col, col)
        for i in empty:
            if col == "assessor":
                fix = "write who gave this score (an assessor's name or code, or 'self')"
                fix_id = "tulis siapa yang memberi nilai ini (nama atau kode penilai, atau 'self')"
            else:
                fix = f"fill in the {col}, or delete the row"
                fix_id = f"isi {col_id}, atau hapus barisnya"
            problems.append(
                Problem(
                    file,
                    int(rows[i]),
                    col,
                    f"the {col} is empty",
                    fix,
                    f"{col_id} kosong",
                    fix_id,
                )
            )


def _show_key(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


Codes = dict[str, tuple[np.ndarray, np.ndarray]]


def _codes(frame: pd.DataFrame, column: str, cache: Codes | None) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of a column (codes, distinct values), computed once per table: hashing
    771,000 strings costs about a tenth of a second, and several checks need the same codes."""
    if cache is not None and column in cache:
        return cache[column]
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    result = (np.asarray(codes), np.asarray(uniques, dtype=object))
    if cache is not None:
        cache[column] = result
    return result


def _check_duplicates(
    frame: pd.DataFrame,
    keys: list[str],
    problems: list[Problem],
    what: str,
    cache: Codes | None = None,
) -> None:
    """One problem per repeated key (region, year, indicator ...), naming every row. Rows
    without a usable year (reported elsewhere) are skipped. Vectorised: the key columns'
    codes are combined into one integer per row."""
    if frame.empty:
        return
    file = frame.attrs.get("file")
    combined = np.zeros(len(frame), dtype=np.int64)
    for key in keys:
        codes, uniques = _codes(frame, key, cache)
        combined = combined * (len(uniques) + 1) + (codes + 1)
        combined = pd.factorize(combined)[0].astype(np.int64)  # stays below len(frame)
    valid = frame["year"].notna().to_numpy() if "year" in frame.columns else True
    combined = np.where(valid, combined, -1 - np.arange(len(frame)))
    repeated = pd.Series(combined).duplicated(keep=False).to_numpy()
    if not repeated.any():
        return
    dup = frame[repeated]
    for _, group in dup.groupby(keys, sort=False, dropna=False):
        rows = sorted(int(r) for r in group[ROW])
        desc = ", ".join(f"{k} {_show_key(group[k].iloc[0])}" for k in keys)
        listed = ", ".join(map(str, rows[:-1])) + f" and {rows[-1]}"
        listed_id = ", ".join(map(str, rows[:-1])) + f" dan {rows[-1]}"
        times = "twice" if len(rows) == 2 else f"{len(rows)} times"
        times_id = "dua kali" if len(rows) == 2 else f"{len(rows)} kali"
        problems.append(
            Problem(
                file,
                rows[1],
                keys[-1],
                f"{what} given {times} ({desc}): rows {listed}",
                "keep one of these rows and delete the other"
                + ("s" if len(rows) > 2 else "")
                + " (or correct its region, year or code)",
                f"{_WHAT_ID.get(what, what)} diberikan {times_id} ({desc}): baris {listed_id}",
                "simpan satu baris dan hapus yang lain (atau perbaiki wilayah, tahun atau kodenya)",
            )
        )


def _rows_text(rows: list[int], limit: int = 10) -> str:
    shown = ", ".join(map(str, rows[:limit]))
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


def _check_known(
    frame: pd.DataFrame,
    column: str,
    known: list[str],
    problems: list[Problem],
    what: str,
    allow: tuple[str, ...] = (),
    where: str = "",
    where_id: str = "",
    aggregates: dict[str, list[str]] | None = None,
    cache: Codes | None = None,
) -> None:
    """One problem for every distinct cell of ``column`` that is not among ``known`` (empty
    cells are reported elsewhere), on its first row and naming every row, with the closest
    known name suggested. ``aggregates`` (code -> children) explains a value given for an
    aggregate node where only indicators are allowed."""
    if frame.empty:
        return
    file = frame.attrs.get("file")
    codes, uniques = _codes(frame, column, cache)
    accepted = set(known) | set(allow) | {""}
    bad = [b for b, value in enumerate(uniques) if str(value) not in accepted]
    if not bad:
        return
    what_id = _WHAT_ID.get(what, what)
    all_rows = frame[ROW].to_numpy()
    rows_by_value: dict[str, list[int]] = {
        str(uniques[b]): sorted(int(r) for r in all_rows[codes == b]) for b in bad
    }
    rows_by_value = dict(sorted(rows_by_value.items(), key=lambda item: item[1][0]))
    for cell, rows in rows_by_value.items():
        rows_en = f"rows {_rows_text(rows)}" if len(rows) > 1 else ""
        rows_id = (
            "baris " + _rows_text(rows).replace(" more", " lagi").replace(" and ", " dan ")
            if len(rows) > 1
            else ""
        )
        on_rows = f" ({rows_en})" if rows_en else ""
        on_rows_id = f" ({rows_id})" if rows_id else ""
        detail = "; ".join(x for x in (where, rows_en) if x)
        detail_id = "; ".join(x for x in (where_id, rows_id) if x)
        if aggregates is not None and cell in aggregates:
            children = ", ".join(aggregates[cell][:6]) + (
                ", ..." if len(aggregates[cell]) > 6 else ""
            )
            problems.append(
                Problem(
                    file,
                    rows[0],
                    column,
                    f"'{cell}' is not an indicator but an aggregate of the framework, computed "
                    f"from {children}{on_rows}",
                    "give values for its indicators only; an officially published value for "
                    f"'{cell}' belongs in published.csv",
                    f"'{cell}' bukan indikator melainkan agregat dalam kerangka, dihitung dari "
                    f"{children}{on_rows_id}",
                    "isi nilai untuk indikatornya saja; nilai resmi yang dipublikasikan untuk "
                    f"'{cell}' dimasukkan ke published.csv",
                )
            )
            continue
        problems.append(
            Problem(
                file,
                rows[0],
                column,
                f"unknown {what} '{cell}'" + (f" ({detail})" if detail else ""),
                did_you_mean(cell, known),
                f"{what_id} '{cell}' tidak dikenal" + (f" ({detail_id})" if detail_id else ""),
                did_you_mean_id(cell, known),
            )
        )


def _aggregates(frameworks: dict[str, Framework]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for fw in frameworks.values():
        for code in fw.aggregates:
            out.setdefault(code, fw.children(code))
    return out


def _check_bounds(
    frame: pd.DataFrame,
    code_col: str,
    value_col: str,
    frameworks: dict[str, Framework],
    problems: list[Problem],
    cache: Codes | None = None,
) -> None:
    """Values outside their indicator's scale (``lower``/``upper`` of the framework)."""
    if frame.empty:
        return
    lower: dict[str, float] = {}
    upper: dict[str, float] = {}
    for fw in frameworks.values():
        for code, lo, hi in zip(fw.nodes.index, fw.nodes["lower"], fw.nodes["upper"], strict=True):
            lower.setdefault(str(code), float(lo))
            upper.setdefault(str(code), float(hi))
    codes = frame[code_col].astype(str)
    index, uniques = _codes(frame, code_col, cache)
    lo = np.array([lower.get(str(u), np.nan) for u in uniques] + [np.nan])[index]
    hi = np.array([upper.get(str(u), np.nan) for u in uniques] + [np.nan])[index]
    values = frame[value_col].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        outside = (~np.isnan(lo) & (values < lo)) | (~np.isnan(hi) & (values > hi))
    if not outside.any():
        return
    file = frame.attrs.get("file")
    rows = frame[ROW].to_numpy()
    for i in np.flatnonzero(outside):
        value, code, a, b = values[i], codes.iloc[i], lo[i], hi[i]
        scale = (
            f"{a:g} to {b:g}"
            if not (np.isnan(a) or np.isnan(b))
            else (f"at least {a:g}" if not np.isnan(a) else f"at most {b:g}")
        )
        scale_id = (
            f"{a:g} sampai {b:g}"
            if not (np.isnan(a) or np.isnan(b))
            else (f"paling kecil {a:g}" if not np.isnan(a) else f"paling besar {b:g}")
        )
        problems.append(
            Problem(
                file,
                int(rows[i]),
                value_col,
                f"{value:g} is outside the scale of '{code}' ({scale})",
                f"use a value from the scale ({scale}), or leave the cell empty if unknown",
                f"{value:g} di luar skala '{code}' ({scale_id})",
                f"gunakan nilai dalam skala ({scale_id}), atau kosongkan sel bila tidak diketahui",
            )
        )


_PREFIXES = {
    "kab": "kabupaten",
    "kabupaten": "kabupaten",
    "pemkab": "kabupaten",
    "regency": "kabupaten",
    "kot": "kota",
    "kota": "kota",
    "kodya": "kota",
    "kotamadya": "kota",
    "pemkot": "kota",
    "city": "kota",
    "prov": "provinsi",
    "propinsi": "provinsi",
    "provinsi": "provinsi",
    "province": "provinsi",
}


def region_key(name: str) -> tuple[str, str]:
    """(kind, body) of a region name for spotting one region spelled two ways: accents,
    case, punctuation and spaces ignored, and the usual abbreviations of the kind expanded
    (``Kab.`` = ``Kabupaten``, ``Kodya`` = ``Kota``, ``Prov.`` = ``Provinsi``).
    ``"Kab. Kutai  Timur"`` -> ``("kabupaten", "kutaitimur")``."""
    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    tokens = re.sub(r"[^a-z0-9]+", " ", folded.lower()).split()
    kind = ""
    if tokens and tokens[0] in _PREFIXES:
        kind = _PREFIXES[tokens.pop(0)]
    return kind, "".join(tokens)


def _check_region_spellings(
    frame: pd.DataFrame,
    problems: list[Problem],
    warnings: list[Problem],
    cache: Codes | None = None,
) -> None:
    """One region spelled two ways within a table.

    Decision (documented in README, "When your data is rejected"): names that are equal once
    case, punctuation, spaces and the abbreviations Kab./Kodya/Prov. are ignored
    ("Kab. Kutai Timur" and "Kabupaten Kutai Timur") are an ERROR, because scoring them
    would split one region's data in two. Names that are merely close - one with and one
    without "Kabupaten"/"Kota", or a one- or two-letter difference ("Kutai Timur" and
    "Kutai Timor") - are a WARNING only, because real regions can be that close (Kota Batu
    and Kota Baru; Kota Bandung and Kabupaten Bandung are never flagged).
    """
    if frame.empty:
        return
    file = frame.attrs.get("file")
    codes, uniques = _codes(frame, "region", cache)
    present = codes >= 0
    counts = (
        pd.DataFrame({"code": codes[present], "row": frame[ROW].to_numpy()[present]})
        .groupby("code")["row"]
        .agg(["size", "min"])
    )
    counts.index = [str(uniques[c]) for c in counts.index]
    counts = counts[counts.index != ""].sort_index()
    names = [str(n) for n in counts.index]
    if len(names) < 2:
        return
    keys = {n: region_key(n) for n in names}
    groups: dict[tuple[str, str], list[str]] = {}
    for n in names:
        groups.setdefault(keys[n], []).append(n)

    def rows_of(name: str) -> str:
        where = int(np.flatnonzero(uniques == name)[0])
        rows = sorted(int(r) for r in frame[ROW].to_numpy()[codes == where])
        return ", ".join(map(str, rows[:5])) + (", ..." if len(rows) > 5 else "")

    for spellings in groups.values():
        if len(spellings) < 2:
            continue
        # the spelling on more rows wins; on a tie the longer (unabbreviated) one
        spellings.sort(key=lambda n: (-int(counts.at[n, "size"]), -len(n), n))
        main = spellings[0]
        more = int(counts.at[main, "size"]) > int(counts.at[spellings[1], "size"])
        why = "the one on more rows" if more else "the longer spelling"
        why_id = "yang dipakai di lebih banyak baris" if more else "ejaan yang lebih lengkap"
        for other in spellings[1:]:
            problems.append(
                Problem(
                    file,
                    int(counts.at[other, "min"]),
                    "region",
                    f"'{other}' (rows {rows_of(other)}) and '{main}' (rows {rows_of(main)}) look "
                    "like one region spelled two ways",
                    f"use one spelling everywhere, e.g. '{main}' ({why})",
                    f"'{other}' (baris {rows_of(other)}) dan '{main}' (baris {rows_of(main)}) "
                    "tampaknya satu wilayah yang ditulis dua cara",
                    f"gunakan satu ejaan di mana-mana, mis. '{main}' ({why_id})",
                )
            )
    # near-duplicates: warnings only. Candidate pairs share a one-letter-deletion variant
    # (a symmetric-delete index, so no quadratic loop); names that differ only in their
    # digits ("Wilayah 01", "Wilayah 02") are numbered, not misspelled.
    distinct = [g[0] for g in groups.values()]
    by_variant: dict[tuple[str, str], list[int]] = {}
    by_body: dict[str, list[int]] = {}
    for i, name in enumerate(distinct):
        kind, body = keys[name]
        by_body.setdefault(body, []).append(i)
        if len(body) >= 6:
            for variant in {body} | {body[:k] + body[k + 1 :] for k in range(len(body))}:
                by_variant.setdefault((kind, variant), []).append(i)
    letters = [re.sub(r"\d", "", keys[name][1]) for name in distinct]
    candidates: set[tuple[int, int]] = set()
    for members in list(by_variant.values()) + list(by_body.values()):
        if 1 < len(members) <= 50:
            candidates.update(
                (a, b) for x, a in enumerate(members) for b in members[x + 1 :] if a != b
            )
    for i, j in sorted(candidates):
        a, b = distinct[i], distinct[j]
        ka, kb = keys[a], keys[b]
        if ka[1] == kb[1]:
            close = (ka[0] == "") != (kb[0] == "")
        else:
            numbered = letters[i] == letters[j]
            close = (
                ka[0] == kb[0]
                and not numbered
                and difflib.SequenceMatcher(None, ka[1], kb[1]).ratio() >= 0.9
            )
        if close:
            first, second = sorted((a, b), key=lambda n: int(counts.at[n, "min"]))
            warnings.append(
                Problem(
                    file,
                    int(counts.at[second, "min"]),
                    "region",
                    f"'{second}' and '{first}' are very similar names; if they are the same "
                    "region, its data is split in two",
                    "if they are one region, use one spelling; if they are two regions, "
                    "nothing needs to change",
                    f"'{second}' dan '{first}' sangat mirip; bila keduanya wilayah yang sama, "
                    "datanya terbelah dua",
                    "bila satu wilayah, gunakan satu ejaan; bila memang dua wilayah, tidak "
                    "perlu diubah",
                    WARNING,
                )
            )


def _check_years_known(
    frame: pd.DataFrame, years: set[int], warnings: list[Problem], table: str
) -> None:
    """A warning for each year of ``frame`` without any observation (cannot be scored)."""
    if frame.empty or not years:
        return
    file = frame.attrs.get("file")
    known = sorted(years)
    shown = ", ".join(map(str, known))
    for year, group in frame[frame["year"].notna()].groupby("year"):
        if int(year) in years:
            continue
        rows = sorted(int(r) for r in group[ROW])
        best = closest_year(int(year), known)
        warnings.append(
            Problem(
                file,
                rows[0],
                "year",
                f"year {int(year)} has no observations (observations.csv has {shown}); the "
                f"{len(rows)} row(s) of {table} for it cannot be compared with computed scores",
                f"did you mean {best}?" if best else "add the observations of that year",
                f"tahun {int(year)} tidak punya observasi (observations.csv berisi {shown})",
                f"maksud Anda {best}?" if best else "tambahkan observasi tahun itu",
                WARNING,
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
    keep = frame["year"].notna()
    out = frame.copy() if keep.all() else frame[keep].copy()
    out["year"] = out["year"].astype("int64")
    return out.reset_index(drop=True)


def read_observations(
    path: Path | str, frameworks: dict[str, Framework] | None = None
) -> pd.DataFrame:
    """Read and check an observations table on its own (no cross-table checks but the
    framework's). Raises DataError with every problem found."""
    problems: list[Problem] = []
    frame = _read_observations(Path(path), frameworks or {}, problems, [])
    if problems:
        raise DataError(problems)
    return _finish(frame)


def _leaves(frameworks: dict[str, Framework]) -> list[str]:
    return list(dict.fromkeys(c for fw in frameworks.values() for c in fw.indicators))


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
    _check_required_text(frame, ["region", "indicator"], problems)
    if frameworks:
        _check_indicators(frame, "value", frameworks, problems, cache)
    _check_duplicates(frame, ["region", "year", "indicator"], problems, "value", cache)
    _check_region_spellings(frame, problems, warnings, cache)
    return frame


def _check_indicators(
    frame: pd.DataFrame,
    column: str,
    frameworks: dict[str, Framework],
    problems: list[Problem],
    cache: Codes,
) -> None:
    """Every ``indicator`` is a leaf of a framework and its ``column`` within the bounds."""
    _check_known(
        frame,
        "indicator",
        _leaves(frameworks),
        problems,
        "indicator",
        where="not an indicator of the framework",
        where_id="bukan indikator kerangka",
        aggregates=_aggregates(frameworks),
        cache=cache,
    )
    _check_bounds(frame, "indicator", column, frameworks, problems, cache)


def read_assessments(
    path: Path | str, frameworks: dict[str, Framework] | None = None
) -> pd.DataFrame:
    """Read and check an assessments table on its own (``agreement`` on a single CSV).
    Raises DataError with every problem found."""
    problems: list[Problem] = []
    frame = _read_assessments(Path(path), frameworks or {}, problems, [], spelling=True)
    if problems:
        raise DataError(problems)
    return _finish(frame)


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
    _check_required_text(frame, ["region", "indicator", "assessor"], problems)
    frame["stage"] = frame["stage"].where(frame["stage"] != "", "assessor")
    if frameworks:
        _check_indicators(frame, "score", frameworks, problems, cache)
    _check_duplicates(
        frame, ["region", "year", "indicator", "stage", "assessor"], problems, "score", cache
    )
    if spelling:
        _check_region_spellings(frame, problems, warnings, cache)
    return frame


def _read_coded(
    path: Path,
    table: str,
    frameworks: dict[str, Framework],
    problems: list[Problem],
) -> pd.DataFrame:
    """targets or published: region, year, code, value."""
    required, optional = SCHEMAS[table]
    raw = read_table(path, required=required, optional=optional, name=table, problems=problems)
    value = "target" if table == "targets" else "score"
    frame = _typed(raw, problems, value, ["region", "code"])
    _check_required_text(frame, ["region", "code"], problems)
    if frameworks:
        all_codes = list(dict.fromkeys(c for fw in frameworks.values() for c in fw.nodes.index))
        _check_known(
            frame,
            "code",
            all_codes,
            problems,
            "node",
            where="not a node of the framework",
            where_id="bukan simpul kerangka",
        )
        if table == "targets":
            _check_bounds(frame, "code", "target", frameworks, problems)
    _check_duplicates(frame, ["region", "year", "code"], problems, value)
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

    Returns
    -------
    Dataset, with ``warnings`` holding problems that do not stop the data from being used.

    Raises
    ------
    DataError : every problem found in every table, at once (sorted by file, then row).
    """
    data_dir = data_dir or DATA_DIR
    folder = dataset_dir(name_or_path, data_dir)
    toml_path = folder / "dataset.toml"
    meta = _read_toml(toml_path, data_dir)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    frameworks = _load_frameworks(folder, meta, data_dir, framework, problems)
    # Without a usable framework the tables are still checked on their own, so that every
    # problem is reported in one run.
    files: dict[str, Path] = {"dataset.toml": toml_path}
    primary = next(iter(frameworks.values())) if frameworks else None
    if primary is not None:
        files["framework"] = Path(primary.source)
    tables: dict[str, pd.DataFrame] = {}
    observation_codes: Codes = {}
    for table in SCHEMAS:
        try:
            path = find_table(folder, table)
        except DataError as err:
            problems.extend(err.problems)
            tables[table] = _empty(table)
            continue
        if path is None:
            if table == "observations":
                problems.append(
                    Problem(
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
                )
            tables[table] = _empty(table)
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
                tables[table] = _read_coded(path, table, frameworks, problems)
        except DataError as err:
            problems.extend(err.problems)
            tables[table] = _empty(table)
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
            _check_known(
                frame,
                "region",
                regions,
                problems,
                "region",
                allow=("*",) if table == "targets" else (),
                where="not in observations.csv",
                where_id="tidak ada di observations.csv",
            )
        elif table != "targets":
            _check_region_spellings(frame, problems, warnings)
        if table != "targets":
            _check_years_known(frame, years, warnings, f"{table}.csv")
    bands = primary.bands if primary is not None else pd.DataFrame()
    try:
        bands_path = find_table(folder, "bands")
    except DataError as err:
        problems.extend(err.problems)
        bands_path = None
    same_as_framework = (
        bands_path is not None
        and primary is not None
        and Path(primary.source).resolve().parent == bands_path.resolve().parent
    )
    if bands_path is not None and same_as_framework:
        files["bands"] = bands_path  # already read (and checked) with the folder's framework
    elif bands_path is not None:
        files["bands"] = bands_path
        try:
            bands = load_bands(bands_path, primary.nodes if primary is not None else None)
        except DataError as err:
            problems.extend(err.problems)
    if problems or primary is None:
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
        warnings=sort_problems(warnings),
    )


def closest_region(name: str, dataset: Dataset) -> str | None:
    """The dataset's region closest to ``name`` (for CLI messages)."""
    return suggest(name, dataset.regions)
