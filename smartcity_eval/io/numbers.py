"""Numbers and years in text cells: ``3,5`` and ``3.5``, ``1.234,5``, missing markers.

:func:`parse_numbers` and :func:`parse_years` turn a text column of a table read by
:func:`smartcity_eval.io.tables.read_table` into floats / integers, appending one Problem
per cell that is not a number (with the spreadsheet row and a fix, e.g. "write 3.5, not
3.5%").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from smartcity_eval.errors import Problem

__all__ = ["ROW", "to_number", "parse_numbers", "parse_years", "YEAR_RANGE", "closest_year"]

#: The column of a table read by read_table holding each record's spreadsheet row
#: (header = row 1).
ROW = "_row"
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_MISSING = frozenset({"", "na", "nan", "n/a", "-", "#n/a"})
#: Plausible years (inclusive); a year outside is almost always a typo (2204 for 2024).
YEAR_RANGE = (1900, 2100)


def is_number(text: str) -> bool:
    try:
        return not math.isnan(to_number(text))
    except ValueError:
        return False


def to_number(text: str, decimal_comma: bool = False) -> float:
    """Parse one cell: '' (or na, n/a, -) -> NaN; '3,5' -> 3.5 (a lone comma is a decimal mark,
    as in Indonesian exports); raises ValueError on anything that is not a finite number."""
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if s.lower() in _MISSING:
        return math.nan
    if not _NUMBER.match(s):
        raise ValueError(text)
    if "," in s:
        s = s.replace(",", ".")
    value = float(s)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _number_fix(text: str, what: str) -> tuple[str, str]:
    s = text.replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,3}([.,]\d{3})+([.,]\d+)?", s) and (
        "." in s and "," in s or s.count(".") > 1 or s.count(",") > 1
    ):
        return (
            "write the number without thousands separators, e.g. 1234.5",
            "tulis angka tanpa pemisah ribuan, mis. 1234,5",
        )
    if re.fullmatch(r"[+-]?[\d.,]+\s*%", text.strip()):
        return (
            f"write {what} without the '%' sign, e.g. {text.strip().rstrip('%').strip()}",
            f"tulis angka tanpa tanda '%', mis. {text.strip().rstrip('%').strip()}",
        )
    return (
        f"write {what}, with '.' or ',' as the decimal mark (leave the cell empty when the "
        "value is missing)",
        "tulis angka, dengan '.' atau ',' sebagai tanda desimal (kosongkan sel bila nilainya "
        "tidak ada)",
    )


def _vector_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, failed, distinct cells) for a column of stripped text: the distinct cells
    (in order of first appearance, as ``pd.unique``) are parsed in one go (comma-decimal
    cells in a second go); ``failed`` marks the cells to check one by one (not numbers,
    missing-value tokens, infinities)."""
    codes, uniques = pd.factorize(text.astype(object), use_na_sentinel=False)
    labels = pd.Series(np.asarray(uniques, dtype=object))
    values = pd.to_numeric(labels, errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan, copy=True
    )
    failed = ~np.isfinite(values) & (labels != "").to_numpy()
    if failed.any():
        retry = labels[failed]
        comma = retry.str.contains(",", regex=False).to_numpy()
        if comma.any():
            positions = np.flatnonzero(failed)[comma]
            fixed = pd.to_numeric(
                retry[comma].str.replace(",", ".", regex=False), errors="coerce"
            ).to_numpy(dtype="float64", na_value=np.nan)
            ok = np.isfinite(fixed)
            values[positions[ok]] = fixed[ok]
            failed[positions[ok]] = False
    values[failed] = np.nan
    return values[codes], failed[codes], np.asarray(uniques, dtype=object)


#: A number whose one separator is followed by exactly three digits (``1.500``, ``12,250``):
#: 1.5 with a decimal mark, 1500 with a thousands separator.
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}([.,])\d{3}$")
_DECIMAL = {".": re.compile(r"^[+-]?\d*\.\d+$"), ",": re.compile(r"^[+-]?\d*,\d+$")}


def _decimal_marks(uniques: list[str]) -> set[str]:
    """The separators that this column uses as a decimal mark in a cell that cannot be a
    thousands separator (``2.5``, ``0,125``, ``1234.500``)."""
    marks: set[str] = set()
    for cell in uniques:
        if _AMBIGUOUS.match(cell):
            continue
        for mark, pattern in _DECIMAL.items():
            if pattern.match(cell):
                marks.add(mark)
    return marks


def _thousands(
    text: pd.Series,
    values: np.ndarray,
    rows: np.ndarray,
    file: str | None,
    column: str,
    distinct: np.ndarray | None = None,
) -> list[Problem]:
    """Resolve cells like ``1.500`` column by column: when the column writes its decimals
    with that same mark elsewhere (``2.5``) it is 1.5; when it writes them with the other
    mark (``2,5``) it is 1500; with no evidence either way the cell is refused, with both
    readings. Changes ``values`` in place; returns the problems. ``distinct``: the
    column's distinct cells in order of first appearance when already known."""
    if distinct is None:
        distinct = np.asarray(pd.unique(text), dtype=object)
    # a numpy object array: iterating a pandas string array boxes each cell (seconds on a
    # national table's 771,000 distinct values)
    uniques = [u for u in distinct if isinstance(u, str)]
    from smartcity_eval.io.fastcsv import thousands_suspects  # vectorised (issue 17)

    # the same marks as _decimal_marks(uniques); only the ambiguous cells it does not settle
    marks, ambiguous = thousands_suspects(uniques, _AMBIGUOUS, _DECIMAL)
    if not ambiguous:
        return []
    problems: list[Problem] = []
    as_thousands: dict[str, float] = {}
    for cell in ambiguous:
        mark = _AMBIGUOUS.match(cell.replace(" ", "")).group(1)  # type: ignore[union-attr]
        other = "," if mark == "." else "."
        if mark in marks:
            continue
        whole = float(cell.replace(" ", "").replace(mark, ""))
        if other in marks:
            as_thousands[cell] = whole
            continue
        decimal = float(cell.replace(" ", "").replace(",", "."))
        for i in np.flatnonzero((text == cell).to_numpy()):
            values[i] = math.nan
            problems.append(
                Problem(
                    file,
                    int(rows[i]),
                    column,
                    f"'{cell}' could be {decimal:g} ('{mark}' as the decimal mark) or "
                    f"{whole:.0f} ('{mark}' as a thousands separator)",
                    f"write {whole:.0f} if you meant {whole:.0f} (no thousands separators), or "
                    f"{cell}0 if you meant {decimal:g} (a last 0 makes the decimal mark clear)",
                    f"'{cell}' bisa berarti {decimal:g} ('{mark}' sebagai tanda desimal) atau "
                    f"{whole:.0f} ('{mark}' sebagai pemisah ribuan)",
                    f"tulis {whole:.0f} bila maksudnya {whole:.0f} (tanpa pemisah ribuan), atau "
                    f"{cell}0 bila maksudnya {decimal:g} (angka 0 di akhir memperjelas tanda desimal)",
                )
            )
    if as_thousands:
        hit = text.isin(list(as_thousands)).to_numpy()
        values[hit] = text[hit].map(as_thousands).to_numpy(dtype="float64")
    return problems


def parse_numbers(
    frame: pd.DataFrame,
    column: str,
    problems: list[Problem],
    *,
    what: str = "a number",
    integer: bool = False,
    what_id: str = "angka",
) -> pd.Series:
    """Convert a text column to float, adding one problem per cell that is not a number.

    Empty cells (and ``na``, ``n/a``, ``-``) become NaN. With ``integer=True`` a value with
    a fractional part is a problem. A cell such as ``1.500`` (one mark, then exactly three
    digits) is read with the column's own decimal mark (:func:`_thousands`): 1.5 when the
    column writes ``2.5``, 1500 when it writes ``2,5``, refused with both readings when it
    shows neither. Vectorised: only cells that fail the fast parse are
    examined one by one.
    """
    file = frame.attrs.get("file")
    comma = bool(frame.attrs.get("decimal_comma"))
    text = frame[column].astype(str)
    distinct = None
    if len(text) <= 2000:  # small tables: every cell checked one by one is quicker
        values = np.full(len(text), np.nan)
        failed = np.zeros(len(text), dtype=bool)
        for i, cell in enumerate(text.tolist()):
            try:
                values[i] = to_number(cell, comma)
            except ValueError:
                failed[i] = True
    else:
        values, failed, distinct = _vector_numbers(text)
    rows = frame[ROW].to_numpy()
    for i in np.flatnonzero(failed):
        cell = text.iloc[i]
        if len(cell) > 60:  # a message shows a long cell clipped
            cell = cell[:57] + "..."
        try:
            values[i] = to_number(text.iloc[i], comma)
        except ValueError:
            values[i] = math.nan
            if integer and what == "a year":
                problems.append(_year_problem(file, int(rows[i]), column, cell))
                continue
            fix, fix_id = _number_fix(cell, what)
            problems.append(
                Problem(
                    file,
                    int(rows[i]),
                    column,
                    f"'{cell}' is not {what}",
                    fix,
                    f"'{cell}' bukan {what_id}",
                    fix_id,
                )
            )
    problems.extend(_thousands(text, values, rows, file, column, distinct))
    if integer:
        with np.errstate(invalid="ignore"):
            fractional = np.flatnonzero(~np.isnan(values) & (np.mod(values, 1) != 0))
        for i in fractional:
            cell = text.iloc[i]
            if what == "a year":
                problems.append(_year_problem(file, int(rows[i]), column, cell))
            else:
                problems.append(
                    Problem(
                        file,
                        int(rows[i]),
                        column,
                        f"'{cell}' is not a whole number",
                        "write a whole number, without decimals",
                        f"'{cell}' bukan bilangan bulat",
                        "tulis bilangan bulat, tanpa desimal",
                    )
                )
            values[i] = math.nan
    return pd.Series(values, index=frame.index, dtype="float64")


def _year_problem(file: str | None, row: int, column: str, cell: str) -> Problem:
    return Problem(
        file,
        row,
        column,
        f"'{cell}' is not a whole-number year",
        "write the year as four digits, e.g. 2024",
        f"'{cell}' bukan tahun berupa bilangan bulat",
        "tulis tahun dengan empat angka, mis. 2024",
    )


def _one_slip(a: str, b: str) -> bool:
    """Whether two digit strings differ by one changed digit or two swapped neighbours."""
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 1 or (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def closest_year(year: int, known: Sequence[int]) -> int | None:
    """The known year ``year`` was most likely meant to be: the only one a single typing slip
    away (``2204`` -> ``2024``, ``1024`` -> ``2024``), else the nearest in time."""
    if not known:
        return None
    slips = [k for k in known if _one_slip(str(year), str(k))]
    if len(slips) == 1:
        return int(slips[0])
    return int(min(known, key=lambda k: (abs(k - year), k)))


def parse_years(frame: pd.DataFrame, column: str, problems: list[Problem]) -> pd.Series:
    """Years as whole numbers (float, NaN where unusable). An empty year, a year that is not
    a whole number (``20x4``, ``2024.5``) and a year outside :data:`YEAR_RANGE` (``2204``;
    the closest year of the same file is suggested) are problems."""
    years = parse_numbers(frame, column, problems, what="a year", integer=True, what_id="tahun")
    file = frame.attrs.get("file")
    text = frame[column].astype(str)
    rows = frame[ROW].to_numpy()
    for i in np.flatnonzero((text == "").to_numpy()):
        problems.append(
            Problem(
                file,
                int(rows[i]),
                column,
                "the year is empty",
                "write the year as four digits, e.g. 2024",
                "tahun kosong",
                "tulis tahun dengan empat angka, mis. 2024",
            )
        )
    lo, hi = YEAR_RANGE
    values = years.to_numpy(copy=True)
    with np.errstate(invalid="ignore"):
        odd = ~np.isnan(values) & ((values < lo) | (values > hi))
    if odd.any():
        plausible = sorted({int(y) for y in values[~np.isnan(values) & ~odd]})
        for i in np.flatnonzero(odd):
            cell = text.iloc[i]
            best = closest_year(int(values[i]), plausible)
            fix = f"did you mean {best}?" if best else "write the year as four digits, e.g. 2024"
            fix_id = f"maksud Anda {best}?" if best else "tulis tahun dengan empat angka, mis. 2024"
            problems.append(
                Problem(
                    file,
                    int(rows[i]),
                    column,
                    f"'{cell}' is not a plausible year (expected {lo} to {hi})",
                    fix,
                    f"'{cell}' bukan tahun yang masuk akal (seharusnya {lo} sampai {hi})",
                    fix_id,
                )
            )
            values[i] = math.nan
    return pd.Series(values, index=frame.index, dtype="float64")
