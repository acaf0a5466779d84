"""What a workbook's sheets and cells show, shared by the two xlsx readers
(:mod:`smartcity_eval.io.grid` with openpyxl, :mod:`smartcity_eval.io.xlsx_fast` with
python-calamine): a cell's text, whether a number format is a percentage, and which sheet
holds a table (a hidden sheet is never read)."""

from __future__ import annotations

import math
import re

from smartcity_eval.errors import DataError, Problem


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, bool):
        return str(value).upper()
    return str(value)


def _percent(number_format: object) -> bool:
    """Whether an Excel number format shows the value as a percentage (``0%``, ``0.0%``;
    a ``%`` inside quotes or after a backslash is literal text)."""
    fmt = re.sub(r'"[^"]*"|\\.', "", str(number_format or ""))
    return "%" in fmt


def percent_shown(value: float) -> float:
    """A percentage-formatted number as Excel shows it: 0.4 is shown (and read) as 40.0,
    rounded to 12 decimals as openpyxl users see it (``round(value * 100, 12)``)."""
    return float(round(value * 100, 12))


def _cell_shown(cell: object) -> str:
    """A cell's text as Excel shows its number: a percentage-formatted cell holding 0.4 is
    read as 40 (Excel shows 40 %), the number the user typed and sees."""
    value = getattr(cell, "value", None)
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and _percent(getattr(cell, "number_format", None))
    ):
        return _cell_text(percent_shown(value))
    return _cell_text(value)


def _sheet_problem(file: str, table: str, book: object, why: str, why_id: str) -> DataError:
    listed = ", ".join(
        f"'{s.title}'" + ("" if s.sheet_state == "visible" else f" ({s.sheet_state})")
        for s in book.worksheets  # type: ignore[attr-defined]
    )
    return DataError(
        Problem(
            file,
            None,
            None,
            f"{why}; the workbook's sheets are: {listed}",
            f"name the sheet that holds the table '{table}', or delete the other sheets",
            f"{why_id}; lembar buku kerja: {listed}",
            f"beri nama '{table}' pada lembar yang berisi tabel, atau hapus lembar lain",
        )
    )


def pick_sheet(book: object, table: str, file: str) -> object:
    """The sheet holding ``table``: the visible sheet named like the table, else the only
    visible sheet; a hidden sheet is never read, and a choice between several visible
    sheets is refused, listing them."""
    sheets = list(book.worksheets)  # type: ignore[attr-defined]
    visible = [s for s in sheets if s.sheet_state == "visible"]
    named = [s for s in sheets if s.title.strip().lower() == table.lower()]
    if named and named[0].sheet_state == "visible":
        return named[0]
    if named:
        raise _sheet_problem(
            file,
            table,
            book,
            f"the sheet '{named[0].title}' is hidden, so it is not read",
            f"lembar '{named[0].title}' tersembunyi, sehingga tidak dibaca",
        )
    if len(visible) == 1:
        return visible[0]
    if not visible:
        why, why_id = "every sheet is hidden", "semua lembar tersembunyi"
    else:
        why = f"no sheet is named '{table}' and {len(visible)} sheets are visible"
        why_id = f"tidak ada lembar bernama '{table}' dan {len(visible)} lembar terlihat"
    raise _sheet_problem(file, table, book, why, why_id)
