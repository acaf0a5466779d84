"""The raw readers: a CSV text or an ``.xlsx`` sheet as a grid of text cells.

:func:`smartcity_eval.io.tables.read_table` finds the header in the grid and checks it.
Decoding accepts UTF-8 with or without a byte-order mark and UTF-16 with one (Excel's
"Unicode text"); anything else is refused with the rows that cannot be read. The separator
(comma, semicolon or tab) is sniffed from the first rows.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.io.sheets import _cell_shown, _cell_text, _percent, pick_sheet  # noqa: F401

__all__ = [
    "HEAD",
    "decode",
    "sniff_delimiter",
    "csv_grid",
    "read_csv_grid",
    "xlsx_grid",
    "needs_strip",
    "strip_cells",
    "clip",
    "norm_header",
    "empty_file",
]

#: Rows searched for the header (and for the separator).
HEAD = 30
# a cell may be of any length (Python's csv module stops at 128 KiB by default)
csv.field_size_limit(2**31 - 1)


# --------------------------------------------------------------------------- decoding
def _line_of(raw: bytes, position: int) -> int:
    return raw.count(b"\n", 0, position) + 1


def decode(raw: bytes, file: str) -> str:
    """Bytes -> text: UTF-8 (BOM optional) or UTF-16 with a BOM; anything else is refused,
    naming the rows that cannot be read and what they look like in Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if raw.startswith(b"PK\x03\x04"):
        raise DataError(
            Problem(
                file,
                None,
                None,
                "this is an Excel workbook (.xlsx) with a .csv name",
                "rename it to .xlsx, or save it from Excel as 'CSV UTF-8 (Comma delimited)'",
                "ini buku kerja Excel (.xlsx) dengan nama .csv",
                "ganti namanya menjadi .xlsx, atau simpan dari Excel sebagai "
                "'CSV UTF-8 (Comma delimited)'",
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        _encoding_error(raw, err.start, file)
        raise AssertionError("unreachable") from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DataError(
            Problem(
                file,
                line,
                None,
                "the file contains NUL bytes: it is not a text file in UTF-8 (perhaps UTF-16 "
                "without a byte-order mark, or a binary file)",
                "save it from Excel as 'CSV UTF-8 (Comma delimited)' or as .xlsx",
                "berkas berisi bita NUL: bukan berkas teks UTF-8 (mungkin UTF-16 tanpa BOM, "
                "atau berkas biner)",
                "simpan dari Excel sebagai 'CSV UTF-8 (Comma delimited)' atau sebagai .xlsx",
            )
        )
    if "\r" in text and "\n" not in text:
        # CR-only line ends (Excel for Mac's "CSV (Macintosh)"): one record per line
        text = text.replace("\r", "\n")
    return text


def _encoding_error(raw: bytes, first_bad: int, file: str) -> None:
    bad_lines: list[tuple[int, str]] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad_lines.append((number, line.decode("cp1252", errors="replace").strip()))
            if len(bad_lines) >= 5:
                break
    try:
        raw.decode("cp1252")
        guess, guess_id = (
            "it looks like Windows-1252 (Excel's plain 'CSV' on Windows)",
            "tampaknya Windows-1252 ('CSV' biasa dari Excel di Windows)",
        )
    except UnicodeDecodeError:
        guess, guess_id = "the encoding is unknown", "penyandiannya tidak dikenal"
    first_line = _line_of(raw, first_bad)
    shown = "; ".join(f"row {n}: '{clip(t)}'" for n, t in bad_lines)
    shown_id = "; ".join(f"baris {n}: '{clip(t)}'" for n, t in bad_lines)
    more = " (and possibly more)" if len(bad_lines) >= 5 else ""
    more_id = " (dan mungkin lebih)" if len(bad_lines) >= 5 else ""
    raise DataError(
        Problem(
            file,
            first_line,
            None,
            f"the file is not UTF-8, the encoding this tool reads; {guess}. "
            f"Byte 0x{raw[first_bad]:02x} cannot be read as UTF-8 on {shown}{more}",
            "in Excel choose File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)', or save "
            "the table as .xlsx; in LibreOffice choose character set 'Unicode (UTF-8)'",
            f"berkas bukan UTF-8, penyandian yang dibaca alat ini; {guess_id}. "
            f"Bita 0x{raw[first_bad]:02x} tidak dapat dibaca sebagai UTF-8 pada {shown_id}{more_id}",
            "di Excel pilih File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)', atau simpan "
            "tabel sebagai .xlsx; di LibreOffice pilih set karakter 'Unicode (UTF-8)'",
        )
    )


def clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


# --------------------------------------------------------------------------- grids
def norm_header(cell: object) -> str:
    return "_".join(str(cell).replace("\ufeff", "").lower().split())


def empty_file(file: str) -> DataError:
    return DataError(
        Problem(
            file,
            None,
            None,
            "the file is empty",
            "add a header row (the column names) on row 1 and the data below it",
            "berkas kosong",
            "tambahkan baris judul kolom (nama kolom) di baris 1 dan data di bawahnya",
        )
    )


def sniff_delimiter(text: str, known: set[str]) -> str:
    """The separator that makes the most known column names appear in one of the first rows
    (ties: the one most frequent in the first non-empty line)."""
    lines = text.split("\n", HEAD)[:HEAD]
    first = next((line for line in lines if line.strip()), "")
    best, best_key = ",", (-1, -1)
    for delimiter in (",", ";", "\t"):
        records = list(csv.reader(lines, delimiter=delimiter))
        score = max((len({norm_header(c) for c in r} & known) for r in records if r), default=0)
        key = (score, first.count(delimiter))
        if key > best_key:
            best, best_key = delimiter, key
    return best


_SMALL = 200_000  # characters: below this a table is parsed without pandas' C reader


def _unclosed_quote(text: str, records: list[list[str]]) -> int | None:
    """The spreadsheet row whose quote is never closed, or None: Python's csv module reads
    to the end of the file in that cell, so the last record then holds a line break."""
    if text.count('"') % 2 == 0 or not records:
        return None
    for index in range(len(records) - 1, -1, -1):
        if any("\n" in cell or "\r" in cell for cell in records[index]):
            return index + 1
    return None


def _unclosed_quote_error(file: str, row: int | None) -> DataError:
    return DataError(
        Problem(
            file,
            row,
            None,
            'a quote (") opened in this row is never closed, so the rest of the file '
            "would be read as one cell",
            'remove the stray " or close it; a cell that holds a quote is written "like ""this"""',
            'tanda kutip (") yang dibuka di baris ini tidak pernah ditutup',
            'hapus " yang tersesat atau tutup kutipnya',
        )
    )


def _c_grid(source: io.StringIO | io.BytesIO, head: str, delimiter: str) -> pd.DataFrame:
    """Every cell of a large table as text, read by pandas' C parser from ``source`` (text,
    or UTF-8 bytes), as wide as the widest of the first :data:`HEAD` lines of ``head``.
    Raises ``pandas.errors.ParserError`` for unclosed quotes and rows longer than those."""
    records = list(csv.reader(head.split("\n", HEAD)[:HEAD], delimiter=delimiter))
    width = max((len(r) for r in records), default=1) or 1
    return pd.read_csv(
        source,
        sep=delimiter,
        header=None,
        names=range(width),
        dtype=object,
        na_filter=False,
        skip_blank_lines=False,
        engine="c",
        encoding="utf-8",
    )


def csv_grid(text: str, delimiter: str, file: str) -> pd.DataFrame:
    """Every record of a CSV text as a row of strings (blank records kept, so that the
    index + 1 is the spreadsheet row)."""
    if len(text) < _SMALL:
        # small files: Python's csv module is quicker than starting pandas' parser
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        if _unclosed_quote(text, records):
            raise _unclosed_quote_error(file, _unclosed_quote(text, records))
        width = max((len(r) for r in records), default=1) or 1
        return pd.DataFrame(
            [r + [""] * (width - len(r)) for r in records], columns=range(width), dtype=object
        )
    try:
        grid = _c_grid(io.StringIO(text), text, delimiter)
    except pd.errors.ParserError as err:
        found = re.search(r"EOF inside string starting at row (\d+)", str(err))
        if found:
            raise _unclosed_quote_error(file, int(found.group(1)) + 1) from None
        # rows longer than the first ones: read with Python's csv module (slower, exact)
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        width = max((len(r) for r in records), default=1) or 1
        grid = pd.DataFrame(
            [r + [""] * (width - len(r)) for r in records], columns=range(width), dtype=object
        )
    return grid.fillna("") if len(grid) else grid


def read_csv_grid(raw: bytes, file: str, known: set[str]) -> tuple[pd.DataFrame, str]:
    """(grid of every record as text cells, separator) of a CSV file's bytes: decoded and
    checked (:func:`decode`), the separator sniffed from the first rows
    (:func:`sniff_delimiter`), parsed by :func:`csv_grid`. A large UTF-8 file is parsed
    from its bytes (the same cells: pandas' reader encodes a text to UTF-8 anyway) once its
    decoded text has been checked and dropped, so that the text is not held, with the C
    reader's own copy, while the cells are built (issue 17: the peak memory of a national
    table)."""
    text = decode(raw, file)
    if not text or text.isspace():
        raise empty_file(file)
    head = _head(text)
    delimiter = sniff_delimiter(head, known)
    body = _utf8_body(raw) if len(text) >= _SMALL else None
    if body is None:
        return csv_grid(text, delimiter, file), delimiter
    del text
    return _csv_grid_bytes(body, head, delimiter, file), delimiter


def _head(text: str) -> str:
    """The first :data:`HEAD` lines of ``text`` (``text.split("\n", HEAD)[:HEAD]`` of it
    are those of ``text``), without copying the rest."""
    end = -1
    for _ in range(HEAD):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[:end]


def _utf8_body(raw: bytes) -> bytes | None:
    """The bytes whose UTF-8 text :func:`decode` returned (the byte-order mark removed), or
    None when it changed more than that (UTF-16, CR-only line ends)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\r" in raw and b"\n" not in raw):
        return None
    return raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw


def _csv_grid_bytes(data: bytes, head: str, delimiter: str, file: str) -> pd.DataFrame:
    """:func:`csv_grid` of a large text given as its UTF-8 bytes and its first lines."""
    try:
        grid = _c_grid(io.BytesIO(data), head, delimiter)
    except pd.errors.ParserError:
        return csv_grid(data.decode("utf-8"), delimiter, file)  # the same errors, the same way
    return grid.fillna("") if len(grid) else grid


def needs_strip(raw: bytes, delimiter: str) -> bool:
    """Whether any cell of a UTF-8 CSV may start or end with white space or hold a run of
    it (a space next to a separator, a line end, a quote or another space; a tab or a
    non-breaking space anywhere). Vectorised over the bytes: clean files skip stripping."""
    arr = np.frombuffer(raw, dtype=np.uint8)
    if arr.size == 0:
        return False
    if delimiter != "\t" and (arr == 0x09).any():
        return True
    if b"\xc2\xa0" in raw or b"\xe3\x80\x80" in raw:
        return True
    spaces = np.flatnonzero(arr == 0x20)
    if spaces.size == 0:
        return False
    if spaces[0] == 0 or spaces[-1] == arr.size - 1:
        return True
    for neighbour in (arr[spaces - 1], arr[spaces + 1]):
        for byte in (ord(delimiter), 0x0A, 0x0D, 0x22, 0x20):
            if (neighbour == byte).any():
                return True
    return False


def strip_cells(column: pd.Series) -> pd.Series:
    """Strip every cell; on the distinct values only when there are few of them."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    if len(uniques) * 4 < len(column):
        stripped = np.array([str(u).strip() for u in uniques], dtype=object)
        return pd.Series(stripped[codes], index=column.index, dtype=object)
    return column.astype(object).map(lambda v: str(v).strip())


def _open_book(path: Path, file: str, data_only: bool) -> object:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except Exception as err:  # noqa: BLE001 - any unreadable workbook is a user problem
        raise DataError(
            Problem(
                file,
                None,
                None,
                f"cannot open the workbook ({type(err).__name__}: {err})",
                "open it in Excel and save it again as 'Excel Workbook (*.xlsx)'",
                f"buku kerja tidak dapat dibuka ({type(err).__name__}: {err})",
                "buka di Excel lalu simpan lagi sebagai 'Excel Workbook (*.xlsx)'",
            )
        ) from None


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _formulas_without_value(path: Path, title: str, rows: list[list[str]], file: str) -> None:
    """Refuse formula cells that hold no saved result (a workbook written by a program and
    never opened in Excel): they would otherwise be read as empty."""
    book = _open_book(path, file, data_only=False)
    bad: list[str] = []
    try:
        for r, values in enumerate(book[title].iter_rows(values_only=True), start=1):  # type: ignore[index]
            for c, value in enumerate(values, start=1):
                if isinstance(value, str) and value.startswith("="):
                    shown = rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else ""
                    if shown == "":
                        bad.append(f"{_column_letter(c)}{r}")
    finally:
        book.close()  # type: ignore[attr-defined]
    if bad:
        cells = ", ".join(bad[:10]) + (f" (and {len(bad) - 10} more)" if len(bad) > 10 else "")
        first_row = int(re.sub(r"[A-Z]+", "", bad[0]))
        raise DataError(
            Problem(
                file,
                first_row,
                None,
                f"formula cells without a saved value on sheet '{title}': {cells}",
                "open the workbook in Excel (or LibreOffice), let it calculate and save it, or "
                "replace the formulas by their values (Paste Special > Values)",
                f"sel rumus tanpa nilai tersimpan pada lembar '{title}': {cells}",
                "buka buku kerja di Excel (atau LibreOffice), biarkan menghitung lalu simpan, "
                "atau ganti rumus dengan nilainya (Tempel Spesial > Nilai)",
            )
        )


def xlsx_grid(path: Path, table: str, file: str) -> tuple[pd.DataFrame, str]:
    """The sheet of ``table`` (:func:`pick_sheet`) as a grid of text cells, numbers as
    Excel shows them (a percentage cell holding 0.4 is 40); formula cells without a saved
    value are refused with their cell references. Read with python-calamine where it gives
    the same grid (:mod:`smartcity_eval.io.xlsx_fast`), else with openpyxl."""
    from smartcity_eval.io.xlsx_fast import calamine_grid

    fast = calamine_grid(path, table, file)
    if fast is not None:
        return fast
    book = _open_book(path, file, data_only=True)
    try:
        sheet = pick_sheet(book, table, file)
        rows = [
            [_cell_shown(cell) for cell in cells]
            for cells in sheet.iter_rows(min_row=1, min_col=1)  # type: ignore[attr-defined]
        ]
        title = sheet.title  # type: ignore[attr-defined]
    finally:
        book.close()  # type: ignore[attr-defined]
    _formulas_without_value(path, title, rows, file)
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        return pd.DataFrame(), title
    grid = pd.DataFrame(
        [r + [""] * (width - len(r)) for r in rows], columns=range(width), dtype=object
    )
    return grid, title
