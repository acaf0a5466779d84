"""Reading tables as users export them: CSV dialects and Excel workbooks.

A table is read with every cell as text, so that each value can be checked and reported
with its row as a spreadsheet shows it. Accepted: UTF-8 with or without a byte-order mark;
comma, semicolon or tab separators; ``.`` or ``,`` as the decimal mark (Indonesian Excel
exports use ``;`` and ``,``); or an ``.xlsx`` workbook of the same name (the sheet named
like the table, else the first sheet). Column names are matched case-insensitively with
surrounding spaces removed.

The returned frame has one column per declared column (missing optional ones are empty),
plus ``_row``: the spreadsheet row number of each record (header = row 1).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .validation import DataError, Problem, did_you_mean

__all__ = [
    "find_table",
    "read_table",
    "display_path",
    "to_number",
    "parse_numbers",
    "parse_years",
]

ROW = "_row"
_SUFFIXES = (".csv", ".xlsx")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def display_path(path: Path | str) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def find_table(folder: Path, name: str) -> Path | None:
    """The file holding table ``name`` in ``folder`` (``name.csv`` or ``name.xlsx``), or None.

    Raises DataError when both exist, because it is then unclear which one the user edited.
    """
    found = [
        folder / f"{name}{suffix}" for suffix in _SUFFIXES if (folder / f"{name}{suffix}").is_file()
    ]
    if len(found) > 1:
        raise DataError(
            Problem(
                display_path(folder),
                None,
                None,
                f"both {found[0].name} and {found[1].name} exist",
                f"keep only one file for table '{name}'",
                f"ada {found[0].name} dan {found[1].name} sekaligus",
                f"simpan hanya satu berkas untuk tabel '{name}'",
            )
        )
    return found[0] if found else None


def _decode(raw: bytes, file: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("cp1252")
            hint = " (it looks like Windows-1252, Excel's 'CSV' on Windows)"
        except UnicodeDecodeError:
            pass
        raise DataError(
            Problem(
                file,
                line,
                None,
                f"the file is not UTF-8{hint}: byte 0x{raw[err.start]:02x} cannot be read",
                "save it again as 'CSV UTF-8 (Comma delimited)' in Excel, or as .xlsx",
                f"berkas bukan UTF-8{hint}: bita 0x{raw[err.start]:02x} tidak dapat dibaca",
                "simpan ulang sebagai 'CSV UTF-8 (Comma delimited)' di Excel, atau sebagai .xlsx",
            )
        ) from None


def _sniff_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv_cells(path: Path, file: str) -> tuple[list[str], list[list[str]], list[int], str]:
    text = _decode(path.read_bytes(), file)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    numbers: list[int] = []
    header: list[str] | None = None
    for record in reader:
        line = reader.line_num
        if header is None:
            if not any(cell.strip() for cell in record):
                continue
            header = record
            continue
        if not any(cell.strip() for cell in record):
            continue
        rows.append(record)
        numbers.append(line)
    if header is None:
        raise DataError(
            Problem(
                file,
                None,
                None,
                "the file is empty",
                "add a header row and data rows",
                "berkas kosong",
                "tambahkan baris judul kolom dan baris data",
            )
        )
    return header, rows, numbers, delimiter


def _read_xlsx_cells(
    path: Path, name: str, file: str
) -> tuple[list[str], list[list[str]], list[int], str]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - any unreadable workbook is a user problem
        raise DataError(
            Problem(
                file,
                None,
                None,
                f"cannot open the workbook: {err}",
                "save it again from Excel as .xlsx",
            )
        ) from None
    sheet = book[name] if name in book.sheetnames else book.worksheets[0]
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    for index, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else _cell_text(v) for v in values]
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = cells
            continue
        rows.append(cells)
        numbers.append(index)
    book.close()
    if header is None:
        raise DataError(
            Problem(
                file,
                None,
                None,
                f"sheet '{sheet.title}' is empty",
                "put the header in row 1 and the data below it",
            )
        )
    return header, rows, numbers, "xlsx"


def _cell_text(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value)


def read_table(
    path: Path | str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    name: str | None = None,
    allow_extra: bool = True,
) -> pd.DataFrame:
    """Read one table with every cell as stripped text.

    Parameters
    ----------
    path : path of a ``.csv`` or ``.xlsx`` file.
    required : columns that must be present (case-insensitive).
    optional : columns that may be present; absent ones are added empty.
    name : the table's name (the sheet to use in a workbook); default the file's stem.
    allow_extra : when False, unknown columns are a problem (with the closest known name).

    Returns
    -------
    DataFrame with the declared columns (text, "" when empty), extra columns kept as they
    are, and ``_row``: the spreadsheet row of each record. ``attrs`` holds ``file`` (the
    path as shown to users), ``path`` and ``decimal_comma`` (True when the file uses ``;``
    with ``,`` decimals).

    Raises
    ------
    DataError : unreadable file, wrong encoding, missing columns.
    """
    path = Path(path)
    file = display_path(path)
    table = name or path.stem
    if not path.is_file():
        raise DataError(
            Problem(file, None, None, "the file does not exist", "", "berkas tidak ada")
        )
    if path.suffix.lower() == ".xlsx":
        header, rows, numbers, dialect = _read_xlsx_cells(path, table, file)
    else:
        header, rows, numbers, dialect = _read_csv_cells(path, file)
    columns = [h.strip().lower().lstrip("\ufeff") for h in header]
    known = list(required) + list(optional)
    problems: list[Problem] = []
    for col in required:
        if col not in columns:
            extra = [c for c in columns if c and c not in known]
            fix = did_you_mean(col, extra) if extra else f"add a column named '{col}'"
            if extra and "did you mean" in fix:
                fix = f"rename the column: {fix}"
            problems.append(
                Problem(
                    file,
                    1,
                    col,
                    f"required column '{col}' is missing",
                    fix,
                    f"kolom wajib '{col}' tidak ada",
                    "",
                )
            )
    seen: set[str] = set()
    for col in columns:
        if col and col in seen:
            problems.append(
                Problem(
                    file,
                    1,
                    col,
                    f"column '{col}' appears twice",
                    "keep one of them",
                    f"kolom '{col}' muncul dua kali",
                )
            )
        seen.add(col)
    if not allow_extra:
        for col in columns:
            if col and col not in known:
                problems.append(
                    Problem(
                        file,
                        1,
                        col,
                        f"unknown column '{col}'",
                        did_you_mean(col, known),
                        f"kolom '{col}' tidak dikenal",
                    )
                )
    if problems:
        raise DataError(problems)
    width = len(columns)
    data = [(r + [""] * width)[:width] for r in rows]
    frame = pd.DataFrame(
        data, columns=[c or f"_unnamed{i}" for i, c in enumerate(columns)], dtype=object
    )
    frame = frame.loc[:, ~frame.columns.duplicated()]
    for col in frame.columns:
        frame[col] = frame[col].map(lambda v: str(v).strip())
    for col in known:
        if col not in frame.columns:
            frame[col] = ""
    frame[ROW] = pd.Series(numbers, dtype="int64")
    frame.attrs["file"] = file
    frame.attrs["path"] = str(path)
    frame.attrs["decimal_comma"] = dialect == ";"
    return frame


def to_number(text: str, decimal_comma: bool = False) -> float:
    """Parse one cell: '' -> NaN; '3,5' -> 3.5 (a lone comma is a decimal mark in ``;`` files
    and when nothing else fits); raises ValueError on anything that is not a number."""
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    if s == "" or s.lower() in {"na", "nan", "n/a", "-"}:
        return math.nan
    if not _NUMBER.match(s):
        raise ValueError(text)
    if "," in s:
        s = s.replace(",", ".")
    return float(s)


def parse_numbers(
    frame: pd.DataFrame,
    column: str,
    problems: list[Problem],
    *,
    what: str = "a number",
    integer: bool = False,
) -> pd.Series:
    """Convert a text column to float, adding one problem per cell that is not a number.

    Empty cells become NaN. With ``integer=True`` a value with a fractional part is a problem.
    """
    file = frame.attrs.get("file")
    comma = bool(frame.attrs.get("decimal_comma"))
    out = []
    for text, row in zip(frame[column], frame[ROW], strict=True):
        try:
            value = to_number(str(text), comma)
        except ValueError:
            problems.append(
                Problem(
                    file,
                    int(row),
                    column,
                    f"'{text}' is not {what}",
                    f"write {what}, with '.' or ',' as the decimal mark",
                    f"'{text}' bukan angka",
                )
            )
            value = math.nan
        else:
            if integer and not math.isnan(value) and not float(value).is_integer():
                problems.append(
                    Problem(
                        file,
                        int(row),
                        column,
                        f"'{text}' is not a whole number",
                        "write the year as four digits, e.g. 2024",
                        f"'{text}' bukan bilangan bulat",
                    )
                )
                value = math.nan
        out.append(value)
    return pd.Series(out, index=frame.index, dtype="float64")


def parse_years(frame: pd.DataFrame, column: str, problems: list[Problem]) -> pd.Series:
    """Years as whole numbers; an empty or non-integer year is a problem (returns float NaN there)."""
    years = parse_numbers(frame, column, problems, what="a year", integer=True)
    file = frame.attrs.get("file")
    for text, row in zip(frame[column], frame[ROW], strict=True):
        if str(text).strip() == "":
            problems.append(
                Problem(
                    file,
                    int(row),
                    column,
                    "the year is empty",
                    "write the year as four digits, e.g. 2024",
                    "tahun kosong",
                )
            )
    return years
