"""Writing tables as a real Excel workbook, and CSV that Indonesian-locale Excel opens.

:func:`write_xlsx` writes one sheet per table with openpyxl: the header row bold and frozen,
numbers stored as numbers (never text) with the published precision as the cell's number
format (a table's ``attrs["digits"]``, column -> decimals, or ``digits``) (the value itself keeps full precision, so a formula on it computes with the true
number), column widths fitted to the content, and, with ``lang="id"``, the column headers
in Bahasa Indonesia (from :mod:`smartcity_eval.messages`, key ``label.<column>``). Text
cells a spreadsheet would run as a formula are neutralised as in the CSV writer.

:func:`write_table` is the one dispatch the command line uses for ``--out``: a name ending
in ``.xlsx`` gets a workbook, anything else CSV. CSV for Indonesian-locale Excel
(``dialect="id"``) uses ``;`` between fields and ``,`` as the decimal mark, the list and
decimal separators of Windows' Indonesian regional settings, with a UTF-8 byte-order mark
so that Excel reads the accents of region names correctly.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity_eval.io.outputs import atomic_path, atomic_write, neutralise_formulas, write_csv

__all__ = [
    "write_xlsx",
    "write_table",
    "csv_text",
    "sheet_name",
    "header_label",
    "CSV_DIALECTS",
    "DEFAULT_DIGITS",
]

#: ``--csv-dialect`` values: ``en`` (comma, '.' decimals) and ``id`` (semicolon, ',' decimals).
CSV_DIALECTS = ("en", "id")
#: Decimals shown for a float column without its own precision (the report's precision).
DEFAULT_DIGITS = 2
#: Columns shown with their own precision (rank-like and count-like floats, shares).
_DIGITS = {"rank": 0, "year": 0, "n": 0, "coverage": 2, "weight": 4, "effective_weight": 4}
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def header_label(column: object, lang: str | None) -> str:
    """The header of ``column`` in ``lang``: the catalogue's ``label.<column>`` where it has
    one, else the column name as it is."""
    from smartcity_eval.messages import EN, t

    key = f"label.{column}"
    return t(key, lang) if key in EN else str(column)


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (at most 31 characters, none of ``[]:*?/\\``)."""
    base = _BAD_SHEET.sub("_", str(name)).strip("'") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _number_format(column: str, digits: Mapping[str, int] | None) -> str:
    if column == "coverage" and not digits:
        return "0%"  # a share 0..1, shown as the percentage its header names
    d = (digits or {}).get(column, _DIGITS.get(column, DEFAULT_DIGITS))
    return "0" if d <= 0 else "0." + "0" * d


def _cell_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    return value


def _write_sheet(ws: object, frame: pd.DataFrame, lang: str | None, digits: Mapping | None) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    digits = {**(digits or {}), **frame.attrs.get("digits", {})}
    safe = neutralise_formulas(frame)
    headers = [header_label(c, lang) for c in safe.columns]
    ws.append(headers)  # type: ignore[attr-defined]
    for cell in ws[1]:  # type: ignore[index]
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in safe.itertuples(index=False, name=None):
        ws.append([_cell_value(v) for v in row])  # type: ignore[attr-defined]
    ws.freeze_panes = "A2"  # type: ignore[attr-defined]
    for j, column in enumerate(safe.columns, start=1):
        series = safe[column]
        letter = get_column_letter(j)
        if pd.api.types.is_float_dtype(series) or pd.api.types.is_integer_dtype(series):
            fmt = (
                "0"
                if pd.api.types.is_integer_dtype(series)
                else _number_format(str(column), digits)
            )
            for cell in ws[letter][1:]:  # type: ignore[index]
                cell.number_format = fmt
        lengths = [len(headers[j - 1])] + [len(str(v)) for v in series.head(500).tolist()]
        ws.column_dimensions[letter].width = min(60, max(8, max(lengths) + 2))  # type: ignore[attr-defined]


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame] | pd.DataFrame,
    path: Path | str,
    *,
    lang: str | None = None,
    digits: Mapping[str, int] | None = None,
) -> Path:
    """Write ``sheets`` (name -> table; a single table becomes one sheet) as an .xlsx
    workbook at ``path``, atomically. See the module docstring for the formatting."""
    from openpyxl import Workbook

    if isinstance(sheets, pd.DataFrame):
        sheets = {Path(path).stem or "table": sheets}
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for name, frame in sheets.items():
        ws = wb.create_sheet(sheet_name(name, taken))
        _write_sheet(ws, frame, lang, digits)
    if not wb.sheetnames:
        wb.create_sheet("empty")
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def csv_text(frame: pd.DataFrame, dialect: str = "en") -> str:
    """The CSV text of ``frame`` in ``dialect`` (see :data:`CSV_DIALECTS`)."""
    safe = neutralise_formulas(frame)
    if dialect == "id":
        return safe.to_csv(index=False, lineterminator="\r\n", sep=";", decimal=",")
    return safe.to_csv(index=False, lineterminator="\n")


def write_table(
    frame: pd.DataFrame,
    out: Path | str | None = None,
    *,
    lang: str | None = None,
    dialect: str | None = None,
) -> None:
    """Write one table to ``out``: .xlsx -> :func:`write_xlsx`; otherwise CSV (the
    ``en`` dialect through :func:`~smartcity_eval.io.outputs.write_csv`; ``id`` with ``;``,
    decimal commas and a byte-order mark when written to a file)."""
    if out is not None and str(out).lower().endswith(".xlsx"):
        write_xlsx(frame, out, lang=lang)
        return
    if dialect in (None, "en"):
        write_csv(frame, out)
        return
    text = csv_text(frame, dialect)
    if out is None or str(out) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write(out, "\ufeff" + text)
