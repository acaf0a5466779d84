"""Reading tables as users export them: CSV dialects and Excel workbooks.

A table is read with every cell as text, so that each value can be checked and reported
with its row as a spreadsheet shows it. Accepted: UTF-8 with or without a byte-order mark
(and UTF-16 with one, Excel's "Unicode text"); comma, semicolon or tab separators; ``.`` or
``,`` as the decimal mark (Indonesian Excel exports use ``;`` and ``,``); or an ``.xlsx``
workbook of the same name (the sheet named like the table, else the first sheet). Column
names are matched case-insensitively with surrounding spaces removed; stray spaces around
cells are trimmed silently, and runs of spaces inside the key columns are made single.

Refused, with a message naming the row and the fix: a file that is not UTF-8 (e.g.
Windows-1252, Excel's plain "CSV" on Windows; the offending rows are shown), an empty file,
a header below title rows ("the header is on row 3; it must be on row 1"), a header split
over two rows (merged cells), a row with more cells than the header (typically ``3,5`` in a
comma-separated file), a quote that is never closed, missing or doubled columns.

The returned frame has one column per declared column (missing optional ones are empty),
plus ``_row``: the spreadsheet row number of each record (header = row 1; a record whose
cell spans several lines is one row, as in a spreadsheet).

Speed: cells are parsed by pandas' C reader and checked column-wise; only the cells that
fail the vectorised number parse are re-checked one by one (a 771,000-row observations file
loads in about a second).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity_eval.errors import DataError, Problem, did_you_mean, did_you_mean_id, suggest

__all__ = [
    "ROW",
    "find_table",
    "read_table",
    "display_path",
    "to_number",
    "parse_numbers",
    "parse_years",
    "YEAR_RANGE",
    "closest_year",
]

ROW = "_row"
_SUFFIXES = (".csv", ".xlsx")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_MISSING = frozenset({"", "na", "nan", "n/a", "-", "#n/a"})
_HEAD = 30  # rows searched for the header
#: Plausible years (inclusive); a year outside is almost always a typo (2204 for 2024).
YEAR_RANGE = (1900, 2100)

#: Column names users often write instead of ours (Bahasa Indonesia, synonyms); used to
#: suggest the rename, never applied silently.
ALIASES = {
    "wilayah": "region",
    "daerah": "region",
    "kabupaten/kota": "region",
    "kab/kota": "region",
    "pemda": "region",
    "tahun": "year",
    "indikator": "indicator",
    "item": "indicator",
    "nilai": "value",
    "skor": "score",
    "kode": "code",
    "induk": "parent",
    "nama": "name",
    "bobot": "weight",
    "arah": "direction",
    "satuan": "unit",
    "batas_bawah": "lower",
    "batas_atas": "upper",
    "min": "lower",
    "max": "upper",
    "penilai": "assessor",
    "asesor": "assessor",
    "tahap": "stage",
    "sumber": "source",
    "catatan": "note",
    "label_indonesia": "label_id",
}


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


# --------------------------------------------------------------------------- decoding
def _line_of(raw: bytes, position: int) -> int:
    return raw.count(b"\n", 0, position) + 1


def _decode(raw: bytes, file: str) -> str:
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
    shown = "; ".join(f"row {n}: '{_clip(t)}'" for n, t in bad_lines)
    shown_id = "; ".join(f"baris {n}: '{_clip(t)}'" for n, t in bad_lines)
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


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


# --------------------------------------------------------------------------- grids
def _norm_header(cell: object) -> str:
    return "_".join(str(cell).replace("\ufeff", "").lower().split())


def _empty_file(file: str) -> DataError:
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


def _sniff_delimiter(text: str, known: set[str]) -> str:
    """The separator that makes the most known column names appear in one of the first rows
    (ties: the one most frequent in the first non-empty line)."""
    lines = text.split("\n", _HEAD)[:_HEAD]
    first = next((line for line in lines if line.strip()), "")
    best, best_key = ",", (-1, -1)
    for delimiter in (",", ";", "\t"):
        records = list(csv.reader(lines, delimiter=delimiter))
        score = max((len({_norm_header(c) for c in r} & known) for r in records if r), default=0)
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


def _csv_grid(text: str, delimiter: str, file: str) -> pd.DataFrame:
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
    head = list(csv.reader(text.split("\n", _HEAD)[:_HEAD], delimiter=delimiter))
    width = max((len(r) for r in head), default=1) or 1
    try:
        grid = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            names=range(width),
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
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


def _needs_strip(raw: bytes, delimiter: str) -> bool:
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


def _strip(column: pd.Series) -> pd.Series:
    """Strip every cell; on the distinct values only when there are few of them."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    if len(uniques) * 4 < len(column):
        stripped = np.array([str(u).strip() for u in uniques], dtype=object)
        return pd.Series(stripped[codes], index=column.index, dtype=object)
    return column.astype(object).map(lambda v: str(v).strip())


def _is_number(text: str) -> bool:
    try:
        return not math.isnan(to_number(text))
    except ValueError:
        return False


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


def _xlsx_grid(path: Path, table: str, file: str) -> tuple[pd.DataFrame, str]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
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
    try:
        by_name = {s.lower(): s for s in book.sheetnames}
        sheet = book[by_name[table.lower()]] if table.lower() in by_name else book.worksheets[0]
        rows = [
            [_cell_text(v) for v in values]
            for values in sheet.iter_rows(min_row=1, min_col=1, values_only=True)
        ]
        title = sheet.title
    finally:
        book.close()
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        return pd.DataFrame(), title
    grid = pd.DataFrame(
        [r + [""] * (width - len(r)) for r in rows], columns=range(width), dtype=object
    )
    return grid, title


# --------------------------------------------------------------------------- layout
def _find_header(
    head: pd.DataFrame, known: set[str], file: str, required: Sequence[str]
) -> tuple[int, list[str], int, list[Problem]]:
    """Locate the header among the first rows.

    Returns (index of the last header row, column names, index of the first data row,
    layout problems). Row indices are 0-based grid rows (spreadsheet row = index + 1).
    """
    normed = [[_norm_header(c) for c in row] for row in head.to_numpy().tolist()]
    nonempty = [i for i, row in enumerate(normed) if any(row)]
    if not nonempty:
        raise _empty_file(file)
    first = nonempty[0]
    scores = [len(set(row) & known) for row in normed]
    best = max(scores)
    h = first if best == 0 else scores.index(best)
    problems: list[Problem] = []
    names = normed[h]
    header_rows = [h]
    # a header split over two rows (merged cells): a neighbour row holds other column names
    partner = None
    if h - 1 >= first and scores[h - 1] > 0:
        partner = h - 1
    elif h + 1 < len(normed) and scores[h + 1] > 0:
        below = normed[h + 1]
        fills_gap = any(
            c in known and (j >= len(names) or not names[j]) for j, c in enumerate(below)
        )
        if fills_gap or scores[h + 1] >= 2:
            partner = h + 1
    if partner is not None:
        top, bottom = sorted((h, partner))
        header_rows = [top, bottom]
        merged = []
        for j in range(len(normed[top])):
            a, b = normed[top][j], normed[bottom][j]
            merged.append(b if b in known else a if a in known else (b or a))
        names = merged
        listed = ", ".join(required)
        problems.append(
            Problem(
                file,
                top + 1,
                None,
                f"the header takes two rows (rows {top + 1} and {bottom + 1}), e.g. merged "
                "cells or a second line of headings",
                f"write the column names in one row, row 1, one name per column ({listed}), "
                "and delete the other header row",
                f"judul kolom memakai dua baris (baris {top + 1} dan {bottom + 1}), mis. sel "
                "yang digabung atau baris judul kedua",
                f"tulis nama kolom dalam satu baris, baris 1, satu nama per kolom ({listed}), "
                "lalu hapus baris judul yang lain",
            )
        )
    top = header_rows[0]
    if top > first:
        above = f"rows {first + 1}-{top}" if top - first > 1 else f"row {first + 1}"
        above_id = above.replace("rows", "baris").replace("row", "baris")
        problems.append(
            Problem(
                file,
                top + 1,
                None,
                f"the header is on row {top + 1}; it must be on row 1",
                f"delete the rows above it ({above}: titles or notes), so that the column "
                "names are on row 1",
                f"judul kolom ada di baris {top + 1}; harus di baris 1",
                f"hapus baris di atasnya ({above_id}: judul atau catatan), sehingga nama kolom "
                "ada di baris 1",
            )
        )
    return header_rows[-1], names, header_rows[-1] + 1, problems


def _missing_column_fix(col: str, extra: list[str]) -> tuple[str, str]:
    for name in extra:
        if ALIASES.get(name) == col:
            return (
                f"rename column '{name}' to '{col}'",
                f"ganti nama kolom '{name}' menjadi '{col}'",
            )
    best = suggest(col, extra)
    if best is not None:
        return (
            f"rename column '{best}' to '{col}'",
            f"ganti nama kolom '{best}' menjadi '{col}'",
        )
    return (
        f"add a column named '{col}' to the header (row 1)",
        f"tambahkan kolom bernama '{col}' pada judul kolom (baris 1)",
    )


def _column_problems(
    columns: list[str],
    required: Sequence[str],
    known: list[str],
    allow_extra: bool,
    file: str,
    header_row: int,
) -> list[Problem]:
    problems: list[Problem] = []
    present = [c for c in columns if c]
    extra = [c for c in present if c not in known]
    shown = ", ".join(present[:15]) + (", ..." if len(present) > 15 else "")
    if len(present) == 1 and len(required) > 1 and re.search(r"[|:,;\t]", present[0]):
        return [
            Problem(
                file,
                header_row,
                None,
                f"the header was read as one column '{present[0]}': the columns are not "
                "separated by ',', ';' or a tab",
                "separate the columns with ',' (or ';', as Excel does with decimal commas)",
                f"judul kolom terbaca sebagai satu kolom '{present[0]}': kolom tidak dipisahkan "
                "dengan ',', ';' atau tab",
                "pisahkan kolom dengan ',' (atau ';', seperti Excel bila memakai koma desimal)",
            )
        ]
    for col in required:
        if col in columns:
            continue
        fix, fix_id = _missing_column_fix(col, extra)
        problems.append(
            Problem(
                file,
                header_row,
                col,
                f"required column '{col}' is missing (the header has: {shown or 'nothing'})",
                fix,
                f"kolom wajib '{col}' tidak ada (judul kolom berisi: {shown or 'kosong'})",
                fix_id,
            )
        )
    seen: set[str] = set()
    for col in present:
        if col in seen:
            problems.append(
                Problem(
                    file,
                    header_row,
                    col,
                    f"column '{col}' appears twice",
                    "keep one of them (rename or delete the other)",
                    f"kolom '{col}' muncul dua kali",
                    "simpan salah satunya (ganti nama atau hapus yang lain)",
                )
            )
        seen.add(col)
    if not allow_extra:
        for col in extra:
            problems.append(
                Problem(
                    file,
                    header_row,
                    col,
                    f"unknown column '{col}'",
                    did_you_mean(col, known),
                    f"kolom '{col}' tidak dikenal",
                    did_you_mean_id(col, known),
                )
            )
    return problems


def _extra_cell_problems(
    columns: list[np.ndarray], width: int, delimiter: str, file: str, rows: np.ndarray
) -> list[Problem]:
    """Rows with non-empty cells to the right of the last named column (``columns``: the
    cells of each grid column, data rows only)."""
    if len(columns) <= width:
        return []
    mask = np.zeros(len(rows), dtype=bool)
    for values in columns[width:]:
        mask |= values != ""
    problems = []
    for i in np.flatnonzero(mask):
        cells = [str(values[i]) for values in columns]
        n = max(j for j, c in enumerate(cells) if c != "") + 1
        split = delimiter == "," and any(
            re.fullmatch(r"[+-]?\d+", cells[j]) and re.fullmatch(r"\d+", cells[j + 1])
            for j in range(n - 1)
        )
        if split:
            fix = (
                "a decimal comma splits a number in two in a comma-separated file: write "
                "3.5 instead of 3,5 (or \"3,5\" in quotes), or use ';' as the separator"
            )
            fix_id = (
                "koma desimal memecah angka menjadi dua di berkas berpemisah koma: tulis 3.5 "
                "alih-alih 3,5 (atau \"3,5\" dalam tanda kutip), atau gunakan ';' sebagai pemisah"
            )
        else:
            fix = "remove the extra cells, or give their column a name in the header"
            fix_id = "hapus sel berlebih, atau beri nama kolomnya pada judul kolom"
        problems.append(
            Problem(
                file,
                int(rows[i]),
                None,
                f"this row has {n} cells but the header has {width}",
                fix,
                f"baris ini berisi {n} sel tetapi judul kolom hanya {width}",
                fix_id,
            )
        )
    return problems


def read_table(
    path: Path | str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    name: str | None = None,
    allow_extra: bool = True,
    problems: list[Problem] | None = None,
) -> pd.DataFrame:
    """Read one table with every cell as stripped text.

    Parameters
    ----------
    path : path of a ``.csv`` or ``.xlsx`` file.
    required : columns that must be present (case-insensitive).
    optional : columns that may be present; absent ones are added empty.
    name : the table's name (the sheet to use in a workbook); default the file's stem.
    allow_extra : when False, unknown columns are a problem (with the closest known name).
    problems : when given, problems that do not stop the table from being read (a header
        below title rows or over two rows, rows with too many cells) are appended here and
        the table is returned, so that the caller reports them with its own checks; when
        None they are raised at once.

    Returns
    -------
    DataFrame with the declared columns (text, "" when empty), extra columns kept as they
    are, and ``_row``: the spreadsheet row of each record. ``attrs`` holds ``file`` (the
    path as shown to users), ``path``, ``decimal_comma`` (True when the file uses ``;``
    as separator, so ``,`` is the decimal mark) and ``header_row``.

    Raises
    ------
    DataError : unreadable file, wrong encoding, empty file, missing or doubled columns
        (and, when ``problems`` is None, any layout problem).
    """
    path = Path(path)
    file = display_path(path)
    table = name or path.stem
    if not path.is_file():
        raise DataError(
            Problem(
                file,
                None,
                None,
                "the file does not exist",
                "check the file name and folder",
                "berkas tidak ada",
                "periksa nama berkas dan foldernya",
            )
        )
    known = list(required) + [c for c in optional if c not in required]
    known_set = set(known)
    if path.suffix.lower() == ".xlsx":
        grid, _title = _xlsx_grid(path, table, file)
        delimiter = "xlsx"
        dirty = True
    else:
        raw = path.read_bytes()
        text = _decode(raw, file)
        if not text.strip():
            raise _empty_file(file)
        delimiter = _sniff_delimiter(text, known_set)
        grid = _csv_grid(text, delimiter, file)
        is_utf8 = not raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        dirty = not is_utf8 or _needs_strip(raw, delimiter)
    if grid.empty:
        raise _empty_file(file)
    if dirty:
        for col in grid.columns:
            grid[col] = _strip(grid[col])
    header_index, columns, start, layout = _find_header(
        grid.iloc[:_HEAD], known_set, file, required
    )
    header_row = header_index + 1
    width = len(columns)
    while width > 0 and not columns[width - 1]:
        width -= 1
    columns = columns[:width]
    if not set(columns) & set(known):
        original = [str(c) for c in grid.iloc[header_index].tolist() if str(c).strip()]
        if any(_is_number(c) for c in original):
            shown = ", ".join(f"'{_clip(c, 30)}'" for c in original[:6])
            listed = ", ".join(required)
            raise DataError(
                Problem(
                    file,
                    header_row,
                    None,
                    f"there is no header: row {header_row} holds data ({shown}), not the column "
                    "names",
                    f"insert a first row with the column names: {listed}",
                    f"tidak ada judul kolom: baris {header_row} berisi data ({shown}), bukan "
                    "nama kolom",
                    f"sisipkan baris pertama berisi nama kolom: {listed}",
                )
            )
    fatal = _column_problems(columns, required, known, allow_extra, file, header_row)
    if fatal:
        raise DataError(layout + fatal)
    cells = [grid.iloc[start:, j].to_numpy() for j in range(grid.shape[1])]
    n_rows = len(cells[0]) if cells else 0
    rows = np.arange(start + 1, start + 1 + n_rows, dtype="int64")
    keep = np.zeros(n_rows, dtype=bool)
    for values in cells:
        keep |= values != ""
    if not keep.all():
        cells = [values[keep] for values in cells]
        rows = rows[keep]
    layout += _extra_cell_problems(cells, width, delimiter, file, rows)
    columns_out: dict[str, object] = {}
    for j, name in enumerate(columns):
        name = name or f"_unnamed{j}"
        if name in columns_out:
            continue
        column = pd.Series(cells[j], dtype=object)
        if dirty and name in required:
            columns_out[name] = _collapse_spaces(column)
        else:
            columns_out[name] = column.astype(str)
    for col in known:
        if col not in columns_out:
            columns_out[col] = pd.Series([""] * len(rows), dtype="str")
    columns_out[ROW] = rows
    data = pd.DataFrame(columns_out)
    data.attrs["file"] = file
    data.attrs["path"] = str(path)
    data.attrs["decimal_comma"] = delimiter == ";"
    data.attrs["header_row"] = header_row
    if layout:
        if problems is None:
            raise DataError(layout)
        problems.extend(layout)
    return data


def _collapse_spaces(column: pd.Series) -> pd.Series:
    """Runs of white space (tabs, non-breaking spaces) inside a cell -> one space; done on the
    distinct values only, so it is cheap on long key columns."""
    uniques = pd.unique(column)
    odd = [u for u in uniques if re.search(r"\s\s|[^\S ]", str(u))]
    if not odd:
        return column.astype(str)
    mapping = {u: re.sub(r"\s+", " ", str(u)) for u in odd}
    return column.map(lambda v: mapping.get(v, v)).astype(str)


# --------------------------------------------------------------------------- numbers
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


def _vector_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(values, failed) for a column of stripped text: the distinct cells are parsed in one
    go (comma-decimal cells in a second go); ``failed`` marks the cells to check one by one
    (not numbers, missing-value tokens, infinities)."""
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
    return values[codes], failed[codes]


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
    a fractional part is a problem. Vectorised: only cells that fail the fast parse are
    examined one by one.
    """
    file = frame.attrs.get("file")
    comma = bool(frame.attrs.get("decimal_comma"))
    text = frame[column].astype(str)
    if len(text) <= 2000:  # small tables: every cell checked one by one is quicker
        values = np.full(len(text), np.nan)
        failed = np.zeros(len(text), dtype=bool)
        for i, cell in enumerate(text.tolist()):
            try:
                values[i] = to_number(cell, comma)
            except ValueError:
                failed[i] = True
    else:
        values, failed = _vector_numbers(text)
    rows = frame[ROW].to_numpy()
    for i in np.flatnonzero(failed):
        cell = text.iloc[i]
        try:
            values[i] = to_number(cell, comma)
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
