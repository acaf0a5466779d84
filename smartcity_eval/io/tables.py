"""Reading tables as users export them: CSV dialects and Excel workbooks.

A table is read with every cell as text, so that each value can be checked and reported
with its row as a spreadsheet shows it. Accepted: UTF-8 with or without a byte-order mark
(and UTF-16 with one, Excel's "Unicode text"); comma, semicolon or tab separators; ``.`` or
``,`` as the decimal mark (Indonesian Excel exports use ``;`` and ``,``; a ``1.500`` is
read column by column, :func:`smartcity_eval.io.numbers.parse_numbers`); CR-only line ends;
cells of any length; or an ``.xlsx`` workbook of the same name (the visible sheet named like
the table, else the only visible sheet; numbers as Excel shows them, a ``0%`` cell holding
0.4 is 40; formula cells without a saved value refused: :mod:`smartcity_eval.io.grid`). Column
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

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity_eval.errors import DataError, Problem, did_you_mean, did_you_mean_id, suggest
from smartcity_eval.io.grid import (
    HEAD,
    clip,
    empty_file,
    needs_strip,
    norm_header,
    read_csv_grid,
    strip_cells,
    xlsx_grid,
)
from smartcity_eval.io.numbers import (
    ROW,
    YEAR_RANGE,
    closest_year,
    is_number,
    parse_numbers,
    parse_years,
    to_number,
)

__all__ = [
    "ROW",
    "find_table",
    "read_table",
    "read_optional_table",
    "display_path",
    "to_number",
    "parse_numbers",
    "parse_years",
    "YEAR_RANGE",
    "closest_year",
]

_SUFFIXES = (".csv", ".xlsx")

#: Column names users often write instead of ours (Bahasa Indonesia, synonyms): read as
#: ours when the whole header is in Indonesian (:func:`_indonesian_header`), else
#: suggested as a rename.
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
    "keterangan": "note",
    # the office's registers (smartcity_eval.io.registers)
    "program": "programme",
    "perangkat_daerah": "department",
    "opd": "department",
    "elemen": "element",
    "mulai": "start",
    "tahun_mulai": "start",
    "selesai": "end",
    "tahun_selesai": "end",
    "anggaran": "budget",
    "dokumen": "document",
    "jenis": "kind",
    "tenggat": "due",
    "tautan": "link",
    "dimensi": "dimension",
}


def _indonesian_header(
    columns: list[str], required: Sequence[str], known: Sequence[str]
) -> list[str]:
    """A header written in Bahasa Indonesia (no required column under its English name:
    ``wilayah, tahun, indikator, nilai``) is read through :data:`ALIASES`; in a header that
    mixes the two languages an Indonesian name is not applied but suggested as a rename."""
    translated = set(ALIASES.values())  # "status", "target" read the same in both
    if any(c in required and c in translated for c in columns):
        return columns
    return [
        ALIASES[c] if ALIASES.get(c) in known and ALIASES[c] not in columns else c for c in columns
    ]


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


# --------------------------------------------------------------------------- layout
def _find_header(
    head: pd.DataFrame, known: set[str], file: str, required: Sequence[str]
) -> tuple[int, list[str], int, list[Problem]]:
    """Locate the header among the first rows.

    Returns (index of the last header row, column names, index of the first data row,
    layout problems). Row indices are 0-based grid rows (spreadsheet row = index + 1).
    """
    normed = [[norm_header(c) for c in row] for row in head.to_numpy().tolist()]
    nonempty = [i for i, row in enumerate(normed) if any(row)]
    if not nonempty:
        raise empty_file(file)
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
    known = list(required) + [c for c in optional if c not in required]
    grid, delimiter, dirty = _read_grid(path, name or path.stem, file, set(known))
    header_index, columns, start, layout = _find_header(
        grid.iloc[:HEAD], set(known), file, required
    )
    header_row = header_index + 1
    width = len(columns)
    while width > 0 and not columns[width - 1]:
        width -= 1
    columns = columns[:width]
    columns = _indonesian_header(columns, required, known)
    if not set(columns) & set(known):
        _refuse_data_as_header(grid.iloc[header_index].tolist(), header_row, required, file)
    fatal = _column_problems(columns, required, known, allow_extra, file, header_row)
    if fatal:
        raise DataError(layout + fatal)
    cells, rows = _body(grid, start)
    layout += _extra_cell_problems(cells, width, delimiter, file, rows)
    data = _table_frame(cells, rows, columns, known, required if dirty else ())
    data.attrs["file"] = file
    data.attrs["path"] = str(path)
    data.attrs["decimal_comma"] = delimiter == ";"
    data.attrs["header_row"] = header_row
    if layout:
        if problems is None:
            raise DataError(layout)
        problems.extend(layout)
    return data


def read_optional_table(
    folder: Path,
    name: str,
    columns: tuple[Sequence[str], Sequence[str]],
    files: dict[str, Path],
    problems: list[Problem],
) -> pd.DataFrame | None:
    """``folder``'s table ``name`` read with :func:`read_table` (``columns`` = required,
    optional), or None when the folder has no such file or it cannot be read (its problems
    are appended to ``problems``). The file found is recorded in ``files[name]``."""
    try:
        path = find_table(folder, name)
        if path is None:
            return None
        files[name] = path
        required, optional = columns
        return read_table(path, required=required, optional=optional, name=name)
    except DataError as err:
        problems.extend(err.problems)
        return None


def _read_grid(
    path: Path, table: str, file: str, known: set[str]
) -> tuple[pd.DataFrame, str, bool]:
    """(grid of text cells, delimiter or ``"xlsx"``, whether cells may need stripping);
    the cells are stripped already when that may be needed."""
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
    if path.suffix.lower() == ".xlsx":
        grid, _title = xlsx_grid(path, table, file)
        delimiter = "xlsx"
        dirty = True
    else:
        raw = path.read_bytes()
        grid, delimiter = read_csv_grid(raw, file, known)
        is_utf8 = not raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        dirty = not is_utf8 or needs_strip(raw, delimiter)
    if grid.empty:
        raise empty_file(file)
    if dirty:
        for col in grid.columns:
            grid[col] = strip_cells(grid[col])
    return grid, delimiter, dirty


def _refuse_data_as_header(
    cells: list[object], header_row: int, required: Sequence[str], file: str
) -> None:
    """Raise when the row taken as header holds numbers: the file has no header at all."""
    original = [str(c) for c in cells if str(c).strip()]
    if not any(is_number(c) for c in original):
        return
    shown = ", ".join(f"'{clip(c, 30)}'" for c in original[:6])
    listed = ", ".join(required)
    raise DataError(
        Problem(
            file,
            header_row,
            None,
            f"there is no header: row {header_row} holds data ({shown}), not the column names",
            f"insert a first row with the column names: {listed}",
            f"tidak ada judul kolom: baris {header_row} berisi data ({shown}), bukan nama kolom",
            f"sisipkan baris pertama berisi nama kolom: {listed}",
        )
    )


def _body(grid: pd.DataFrame, start: int) -> tuple[list[np.ndarray], np.ndarray]:
    """The cells below the header, column by column, without empty rows; and the spreadsheet
    row of each record (header = row 1)."""
    cells = [grid.iloc[start:, j].to_numpy() for j in range(grid.shape[1])]
    n_rows = len(cells[0]) if cells else 0
    rows = np.arange(start + 1, start + 1 + n_rows, dtype="int64")
    keep = np.zeros(n_rows, dtype=bool)
    for values in cells:
        keep |= values != ""
    if not keep.all():
        cells = [values[keep] for values in cells]
        rows = rows[keep]
    return cells, rows


def _table_frame(
    cells: list[np.ndarray],
    rows: np.ndarray,
    columns: list[str],
    known: list[str],
    collapse: Sequence[str],
) -> pd.DataFrame:
    """One text column per header cell (the first of doubled names), absent known columns
    empty, runs of spaces made single in the ``collapse`` columns, and ``_row``."""
    columns_out: dict[str, object] = {}
    for j, name in enumerate(columns):
        name = name or f"_unnamed{j}"
        if name in columns_out:
            continue
        column = pd.Series(cells[j], dtype=object)
        if name in collapse:
            columns_out[name] = _collapse_spaces(column)
        else:
            columns_out[name] = column.astype(str)
    for col in known:
        if col not in columns_out:
            columns_out[col] = pd.Series([""] * len(rows), dtype="str")
    columns_out[ROW] = rows
    return pd.DataFrame(columns_out)


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
