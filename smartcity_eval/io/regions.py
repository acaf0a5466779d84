"""``regions.csv``: the category of each region (optional).

Columns: ``region`` (as in observations.csv), ``kind`` (``kabupaten`` or ``kota``: a regency
or a city, the two kinds of Indonesian second-level region, Law 23/2014 on regional
government), ``province``, and optionally ``population``. It gives ranks within kind and
within province next to the overall rank (Kominfo's result letters give the national and
the provincial rank, e.g. Kota Kediri 2022: 22nd nationally, 4th in Jawa Timur,
bangsaonline.com/amp/berita/113379), and lets peers be chosen by kind or province.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from smartcity_eval.errors import Problem
from smartcity_eval.io.checks import check_duplicates, check_known, check_required_text
from smartcity_eval.io.numbers import parse_numbers
from smartcity_eval.io.tables import read_optional_table

__all__ = ["REGION_COLUMNS", "REGION_KINDS", "empty_region_table", "read_region_table"]

#: (required, optional) columns of regions.csv.
REGION_COLUMNS: tuple[list[str], list[str]] = (["region", "kind", "province"], ["population"])

#: The kinds of region: kabupaten (regency) and kota (city).
REGION_KINDS: tuple[str, ...] = ("kabupaten", "kota")


def empty_region_table() -> pd.DataFrame:
    """regions.csv as read when absent: ``region, kind, province, population`` (float)."""
    types = {"region": "str", "kind": "str", "province": "str", "population": "float64"}
    return pd.DataFrame({column: pd.Series(dtype=kind) for column, kind in types.items()})


def read_region_table(
    folder: Path, regions: list[str], files: dict[str, Path], problems: list[Problem]
) -> pd.DataFrame:
    """``folder``'s regions.csv (empty when absent), checked: every region known (one of
    ``regions``, the observations' or published values'), once; ``kind`` one of
    :data:`REGION_KINDS` (case ignored); ``province`` given; ``population`` a number or
    empty. Problems are appended to ``problems``."""
    raw = read_optional_table(folder, "regions", REGION_COLUMNS, files, problems)
    if raw is None:
        return empty_region_table()
    frame = raw.copy()
    frame["kind"] = frame["kind"].astype(str).str.strip().str.lower()
    check_required_text(frame, ["region", "kind", "province"], problems)
    check_known(frame, "kind", list(REGION_KINDS), problems, "kind (kabupaten or kota)")
    if regions:
        check_known(frame, "region", regions, problems, "region")
    check_duplicates(frame, ["region"], problems, "region")
    if "population" in frame:
        population = parse_numbers(frame, "population", problems)
    else:
        population = pd.Series(float("nan"), index=frame.index)
    out = pd.DataFrame(
        {
            "region": frame["region"].astype(str),
            "kind": frame["kind"].astype(str),
            "province": frame["province"].astype(str),
            "population": pd.to_numeric(population, errors="coerce").astype(float),
        }
    )
    out.attrs.update(raw.attrs)
    return out.reset_index(drop=True)
