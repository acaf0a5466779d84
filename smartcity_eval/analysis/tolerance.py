"""Tolerance of a reproduced value: from the precision the published numbers are written with.

Tolerance (:func:`derive_tolerance`)
------------------------------------
A published value written with ``d`` decimals is the true value rounded to ``d`` decimals,
so it can differ from the true value by up to half a unit of its last digit, ``0.5 x 10^-d``.
When the value is recomputed from published parts that are themselves rounded (to ``d_i``
decimals), the rounding of those inputs propagates through the aggregation: to first order
by ``sum_i |s_i| x 0.5 x 10^-d_i``, where ``s_i`` is the sensitivity of the node to input
``i`` (for the arithmetic mean, the input's effective weight relative to the node; for the
geometric mean ``w_i G / x_i``; for the harmonic mean ``w_i H^2 / x_i^2``)::

    tolerance = 0.5 x 10^-d  +  sum_i |s_i| x 0.5 x 10^-d_i

and a value matches when ``|computed - published| <= tolerance + 1e-9`` (``FLOAT_EPSILON``,
which only absorbs binary floating-point error). Item scores (observations, consensus) are
the evaluation's raw inputs, not rounded summaries, and add nothing. Kota Kediri 2022: the
final index is published with 2 decimals (0.005) and recomputed from five components with 2
decimals whose weights sum to 1 (1 x 0.005), so the tolerance is 0.01; |3.315 - 3.31| =
0.005 <= 0.01: ``match``. A final of 3.35 would differ by 0.035: ``mismatch``.

The number of decimals of a published value is read from its text in the file ("3.60" has
2, "3" has 0, "1.5e-1" has 2), not from the parsed float, which forgets trailing zeros. In an
``.xlsx`` file, where cells are numbers and trailing zeros are lost, a value gets the largest
number of decimals found among the published values of the same code (the stricter choice).

References
----------
Rounding error of a sum: N. J. Higham, *Accuracy and Stability of Numerical Algorithms*
(2nd ed., SIAM, 2002), section 2 (a rounded value lies within half a unit in the last place);
first-order propagation: JCGM 100:2008 (GUM), section 5.1.3 with the worst-case (linear)
sum of the bounds. Kota Kediri 2022 values: bangsaonline.com/amp/berita/113379 (see
data/kota_kediri/README.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity_eval.io.tables import ROW, read_table
from smartcity_eval.settings import ParameterError

__all__ = [
    "FLOAT_EPSILON",
    "decimals_of",
    "half_unit",
    "derive_tolerance",
    "within_tolerance",
    "parse_tolerance",
    "text_decimals",
    "published_decimals",
]

#: Added to every tolerance when comparing, to absorb binary floating-point error only.
FLOAT_EPSILON = 1e-9


def decimals_of(text: object) -> int | None:
    """Number of decimals a number is written with: digits after the decimal mark.

    ``"3.60"`` -> 2, ``"3,6"`` -> 1 (decimal comma), ``"3"`` -> 0, ``"1.5e-1"`` -> 2,
    ``"3E+2"`` -> -2 (a precision of hundreds). Returns None for an empty cell or text that
    is not a number.
    """
    s = str(text).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not s:
        return None
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):  # NaN or Infinity
        return None
    return -exponent


def half_unit(decimals: int) -> float:
    """Half a unit of the last digit of a number with ``decimals`` decimals: ``0.5 x 10^-d``.

    The largest error of rounding to ``decimals`` decimals (2 -> 0.005, 0 -> 0.5).
    """
    return 0.5 * 10.0 ** (-int(decimals))


def derive_tolerance(
    published_decimals: int, inputs: Iterable[tuple[float, int]] | None = None
) -> float:
    """The tolerance that the precision of a published value and of its inputs implies.

    ``tolerance = 0.5 x 10^-d + sum_i |s_i| x 0.5 x 10^-d_i``

    where ``d`` is the number of decimals of the published value, and each input ``i`` is a
    rounded published number with ``d_i`` decimals entering the recomputation with
    sensitivity ``s_i`` (its effective weight relative to the node for an arithmetic mean).
    Inputs that are not rounded (raw item scores) are not listed. A recomputed value
    matches when ``|computed - published| <= tolerance + FLOAT_EPSILON`` (1e-9, floating-
    point error only; see :func:`within_tolerance`).

    Parameters
    ----------
    published_decimals : int
        Decimals of the published value (e.g. 2 for "3.31"); see :func:`decimals_of`.
    inputs : iterable of (sensitivity, decimals), optional
        The rounded published inputs, e.g. ``[(0.1, 2), (0.2, 2), (0.3, 2), (0.2, 2),
        (0.2, 2)]`` for a Kominfo final index recomputed from its five components.

    Returns
    -------
    float
        The tolerance, in the unit of the published value (>= 0).

    Examples
    --------
    Kota Kediri 2022 (bangsaonline.com/amp/berita/113379): the final index 3.31 recomputed
    from the components 3.60/3.21/3.23/3.07/3.65 with weights .1/.2/.3/.2/.2 is 3.315; the
    tolerance is 0.005 + (0.1 + 0.2 + 0.3 + 0.2 + 0.2) x 0.005 = 0.01, so 0.005 matches.

    >>> round(derive_tolerance(2, [(0.1, 2), (0.2, 2), (0.3, 2), (0.2, 2), (0.2, 2)]), 12)
    0.01
    >>> derive_tolerance(2)
    0.005
    """
    total = half_unit(published_decimals)
    for sensitivity, decimals in inputs or ():
        total += abs(float(sensitivity)) * half_unit(decimals)
    return total


def within_tolerance(difference: float, tolerance: float) -> bool:
    """``|difference| <= tolerance + FLOAT_EPSILON`` (False when either is NaN)."""
    if math.isnan(difference) or math.isnan(tolerance):
        return False
    return abs(difference) <= tolerance + FLOAT_EPSILON


_FORMAT_DECIMALS = re.compile(r"0\.(0+)")


def _format_decimals(number_format: str) -> int | None:
    """Decimals an Excel number format shows: '0.00' -> 2, '#,##0' -> 0, '0.0%' -> 3
    (a percentage shows the value x 100); None for 'General' (no fixed precision)."""
    text = number_format or ""
    if "0" not in text:
        return None
    match = _FORMAT_DECIMALS.search(text)
    shown = len(match.group(1)) if match else 0
    return shown + (2 if "%" in text else 0)


def _xlsx_formats(path: Path, table: str, column: str) -> dict[int, int]:
    """{spreadsheet row: decimals shown by the cell's number format} for one column."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=False, data_only=True)
    try:
        sheet = book[table] if table in book.sheetnames else book.worksheets[0]
        header_row = None
        col_index = None
        for row in sheet.iter_rows():
            names = [str(c.value).strip().lower() if c.value is not None else "" for c in row]
            if any(names):
                header_row = row[0].row
                col_index = names.index(column) if column in names else None
                break
        out: dict[int, int] = {}
        if header_row is None or col_index is None:
            return out
        for row in sheet.iter_rows(min_row=header_row + 1):
            if col_index < len(row):
                decimals = _format_decimals(str(row[col_index].number_format))
                if decimals is not None:
                    out[row[col_index].row] = decimals
        return out
    finally:
        book.close()


def text_decimals(frame: pd.DataFrame, column: str, table: str) -> pd.Series:
    """Decimals of each cell of ``frame[column]`` (text), indexed by ``_row``.

    In an ``.xlsx`` file the cells are numbers and trailing zeros are lost ("3.60" is read as
    3.6), so a cell gets the decimals its number format shows ("0.00" -> 2) when that is
    more, and a cell in the "General" format the largest count found in the column (the
    stricter choice: a false mismatch can be overridden with ``--tolerance``, a hidden one
    cannot be seen).
    """
    decimals = pd.Series(
        [np.nan if (d := decimals_of(t)) is None else float(d) for t in frame[column]],
        index=frame.index,
        dtype=float,
    )
    path = str(frame.attrs.get("path", ""))
    if path.lower().endswith(".xlsx"):
        formats = _xlsx_formats(Path(path), table, column)
        shown = frame[ROW].map(formats).astype(float)
        fallback = decimals.max() if decimals.notna().any() else np.nan
        decimals = pd.concat([decimals, shown.fillna(fallback)], axis=1).max(axis=1)
        decimals = decimals.where(frame[column].map(decimals_of).notna(), np.nan)
    return pd.Series(decimals.to_numpy(), index=frame[ROW].astype("int64").to_numpy())


def published_decimals(dataset) -> pd.Series:
    """Decimals of every published value, indexed by the spreadsheet row (``_row``) of
    ``dataset.published``, read from the text of published.csv (the loader keeps floats)."""
    path = dataset.files.get("published")
    if path is None:
        return pd.Series(dtype=float)
    raw = read_table(
        path,
        required=["region", "year", "code", "score"],
        optional=["source", "note"],
        name="published",
    )
    return text_decimals(raw, "score", "published")


def parse_tolerance(tolerance: str | float) -> float | None:
    """``--tolerance``: None for ``"auto"``, else the number (>= 0); otherwise
    :class:`~smartcity_eval.settings.ParameterError` (a ValueError)."""
    if isinstance(tolerance, str):
        if tolerance.strip().lower() == "auto":
            return None
        try:
            value = float(tolerance)
        except ValueError:
            raise ParameterError("tolerance", tolerance, "'auto' or a number >= 0") from None
    else:
        value = float(tolerance)
    if math.isnan(value) or value < 0:
        raise ParameterError("tolerance", tolerance, "'auto' or a number >= 0")
    return value
