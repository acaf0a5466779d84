"""Reading an ``.xlsx`` sheet fast: python-calamine for the values, the workbook's XML for
what calamine does not tell.

:func:`smartcity_eval.io.grid.xlsx_grid` reads a sheet as a grid of text cells, numbers as
Excel shows them. openpyxl does that cell by cell in Python (a 77,100-row sheet loaded 35x
slower than the same data as CSV, issue 17); python-calamine (Rust) reads the values an order
of magnitude faster (``benchmarks/bench_excel.py``), but it does not give a cell's number
format and reads a formula cell that has no saved value, or an error cell, as an empty cell. :func:`calamine_grid` therefore takes

- the sheets, their order and whether each is visible from calamine's sheet metadata (the
  same choice of sheet as openpyxl's: :func:`smartcity_eval.io.sheets.pick_sheet`);
- the values from calamine;
- the percentage-formatted cells from the workbook's ``xl/styles.xml`` (the cell styles
  whose number format shows a ``%``) and the ``s`` (style) attribute of the sheet's cells,
  found with a regular expression over the sheet's XML for exactly those styles, so a
  workbook without percentage styles costs one small XML parse;
- the formula cells (``<c ...><f>``) from the same XML, to refuse those without a saved
  value.

Whatever this cannot read exactly as openpyxl would - a formula cell without a saved value
(openpyxl's pass words the refusal), an error cell (``#DIV/0!``), a cell formatted as a date,
time or duration (openpyxl's ``datetime``, ``time`` or ``timedelta``), the ``_x000D_``
escapes of Office XML strings, cells without their ``r="B7"`` reference where one is needed,
a default style that is a percentage, a namespace prefix on the sheet's elements, a workbook
calamine cannot open - returns ``None`` and the caller reads the sheet with openpyxl, so the
grid is always the one openpyxl gives (``tests/test_xlsx_fast.py`` compares both on every
workbook of the tests). Without python-calamine installed, openpyxl reads everything.

What a load costs is printed by ``benchmarks/bench_excel.py``: calamine's parse is most of
it; each check over the XML is one search from a literal (the percentage cells are found
from their style in the reversed XML, :func:`_percent_cells`), so that a 16 MB sheet is
scanned a few times at memory speed, not matched cell by cell.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from smartcity_eval.io.sheets import _cell_text, _percent, percent_shown, pick_sheet

__all__ = ["calamine_grid", "calamine_available"]

#: openpyxl's built-in number formats that show a percentage (``0%``, ``0.00%``).
_BUILTIN_PERCENT = {9, 10}
_Cells = tuple[np.ndarray, np.ndarray]
#: Built-in number format ids that show dates or times in some Excel locale (14-22 and
#: 45-47 everywhere, 27-36 and 50-58 in East Asian locales): their cells are left to openpyxl.
_BUILTIN_DATES = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")
_DIMENSION = re.compile(rb'<dimension\s+ref="(?:[A-Z]+[0-9]+:)?([A-Z]+)([0-9]+)"')
_TYPED = re.compile(rb't="[bde]"')  # boolean, ISO date and error cells
_FORMULA = re.compile(rb"<f\b")  # a regular expression: twice as fast as ``in`` here
_UPPER = bytes(range(65, 91))
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class _Sheet:
    """What :func:`~smartcity_eval.io.sheets.pick_sheet` asks of a sheet."""

    def __init__(self, title: str, sheet_state: str) -> None:
        self.title, self.sheet_state = title, sheet_state


class _Book:
    def __init__(self, worksheets: list[_Sheet]) -> None:
        self.worksheets = worksheets


def _calamine():  # -> the python_calamine module, or None
    try:
        import python_calamine
    except ImportError:
        return None
    return python_calamine


def calamine_available() -> bool:
    """Whether the fast engine (python-calamine) is installed."""
    return _calamine() is not None


def _column_index(letters: bytes) -> int:
    index = 0
    for byte in letters:
        index = index * 26 + byte - 64
    return index


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the sheet's XML member (``xl/worksheets/sheet1.xml``)."""
    book = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iterfind(".//{*}Relationship")}
    paths = {}
    for sheet in book.iterfind(".//{*}sheet"):
        target = targets.get(sheet.get(_REL_NS), "")
        if target.startswith("/"):
            paths[sheet.get("name", "")] = target.lstrip("/")
        elif target:
            paths[sheet.get("name", "")] = str(PurePosixPath("xl") / target)
    return paths


def _date_like(code: str) -> bool:
    """Whether a number format may show a date, time or duration (a superset of openpyxl's
    ``is_date_format``: any d, m, h, y or s outside quotes and ``[...]`` tags, ``[h]`` kept)."""
    code = re.sub(r'"[^"]*"|\\.|[_*].|\[(?![hHmMsS]+\])[^\]]*\]', "", code)
    return re.search(r"[dmhysDMHYS]", code) is not None


def _styles(archive: zipfile.ZipFile) -> tuple[set[int], set[int]]:
    """The indices of the cell styles (``cellXfs``) whose number format is a percentage,
    and of those that may show a date or time."""
    try:
        styles = ET.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return set(), set()
    custom = {
        int(f.get("numFmtId", "-1")): f.get("formatCode", "")
        for f in styles.iterfind(".//{*}numFmt")
    }
    percent: set[int] = set()
    dates: set[int] = set()
    xfs = styles.find("{*}cellXfs")
    for index, xf in enumerate(xfs if xfs is not None else []):
        number = int(xf.get("numFmtId", "0"))
        if number in custom:
            shown, date = _percent(custom[number]), _date_like(custom[number])
        else:
            shown, date = number in _BUILTIN_PERCENT, number in _BUILTIN_DATES
        if shown:
            percent.add(index)
        if date:
            dates.add(index)
    return percent, dates


def _cells_with(xml: bytes, rest: bytes, marker: bytes, anywhere: bytes) -> _Cells | None:
    """(rows, columns), 1-based, of the cells whose start tag is ``<c r="B7"`` followed by
    ``rest`` (the reference first, as Excel, LibreOffice and openpyxl write it: a search
    from a literal, fast). Every occurrence of ``marker`` must be such a cell; when some is
    not (a row's style, attributes in another order), the cells matching the slower
    ``anywhere`` (any attribute order) must be as many, else None (placement unknown)."""
    refs = re.findall(rb'<c r="([A-Z]{1,3})([0-9]+)"' + rest, xml)
    if len(refs) != len(re.findall(marker, xml)) and len(refs) != len(
        re.findall(rb"<c\b" + anywhere, xml)
    ):
        return None
    if not refs:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    index = {c: _column_index(c) for c in {c for c, _ in refs}}
    rows = np.array([r for _, r in refs]).astype(np.int64)
    return rows, np.array([index[c] for c, _ in refs], dtype=np.int64)


def _text_column(values: np.ndarray, has_bools: bool) -> np.ndarray:
    """A column of calamine values as openpyxl's grid shows them (see ``sheets._cell_text``):
    text as it is, other values converted once per distinct value (``True == 1`` in a hash
    table, so a column of a sheet with boolean cells is converted cell by cell)."""
    if infer_dtype(values, skipna=False) == "string":
        return values
    if has_bools:
        return np.array([_text(v) for v in values], dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    texts = np.array([_text(v) for v in uniques], dtype=object)
    return texts[codes]


def _text(value: object) -> str:
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise _Unsupported  # dates are left to openpyxl (its datetime, time or timedelta)
    return _cell_text(value)


class _Unsupported(Exception):
    """Something only openpyxl reads exactly."""


def _hidden(engine, state: object) -> str:
    return "veryHidden" if state == engine.SheetVisibleEnum.VeryHidden else "hidden"


def _read_values(engine, path: Path) -> tuple[object, list[_Sheet]] | None:
    try:
        book = engine.CalamineWorkbook.from_path(str(path))
    except Exception:  # noqa: BLE001 - openpyxl then words the problem
        return None
    try:
        visible = engine.SheetVisibleEnum.Visible
        sheets = [
            _Sheet(m.name, "visible" if m.visible == visible else _hidden(engine, m.visible))
            for m in book.sheets_metadata
            if m.typ == engine.SheetTypeEnum.WorkSheet
        ]
    except Exception:  # noqa: BLE001 - openpyxl then words the problem
        book.close()
        return None
    return book, sheets


def calamine_grid(path: Path, table: str, file: str) -> tuple[pd.DataFrame, str] | None:
    """The grid :func:`smartcity_eval.io.grid.xlsx_grid` gives for ``table``'s sheet, read
    with python-calamine; None when calamine is missing or the sheet holds something only
    openpyxl reads exactly (see the module docstring). A problem with the choice of sheet
    raises the same :class:`~smartcity_eval.errors.DataError` as openpyxl's path."""
    engine = _calamine()
    if engine is None:
        return None
    opened = _read_values(engine, path)
    if opened is None:
        return None
    book, sheets = opened
    try:
        sheet = pick_sheet(_Book(sheets), table, file)
        title = sheet.title  # type: ignore[attr-defined]
        return _sheet_grid(engine, book, path, title)
    except _Unsupported:
        return None
    finally:
        book.close()


def _sheet_grid(engine, book, path: Path, title: str) -> tuple[pd.DataFrame, str] | None:
    """The grid of the sheet ``title``: the workbook's XML checked first (the checks of
    :func:`_openpyxl_only`, the percentage cells), then calamine's values as text columns.

    (Parsing with calamine in a worker thread while the XML is read, calamine releasing
    the GIL, was measured on the 2-core machine: 0.04-0.07 s more CPU for at most as much
    less wall time, and no wall gain in some runs, so the parse runs in this thread.)"""
    found = _sheet_xml(engine, path, title)
    if found is None:
        return None
    xml, percent, typed = found
    cells = _percent_cells(xml, percent) if percent else None
    if percent and cells is None:
        return None
    try:
        sheet = book.get_sheet_by_name(title)
    except (KeyError, OSError, engine.CalamineError):
        return None
    columns = _values(sheet)
    if columns is None:
        return None
    has_bools = typed and b't="b"' in xml
    if cells is not None:
        _apply_percent(columns, *cells, has_bools)
    texts = [_text_column(values, has_bools) for values in columns]
    if _FORMULA.search(xml) and not _formulas_have_values(texts, xml):
        return None
    dimension = _DIMENSION.search(xml, 0, 4096)
    width = max(len(texts), _column_index(dimension.group(1))) if dimension else len(texts)
    blank = np.full(len(columns[0]), "", dtype=object)
    grid = {j: texts[j] if j < len(texts) else blank for j in range(width)}
    return pd.DataFrame(grid, columns=range(width), dtype=object), title


def _sheet_xml(engine, path: Path, title: str) -> tuple[bytes, set[int], bool] | None:
    """(the sheet's XML, its percentage styles, whether any cell is typed ``b``, ``d`` or
    ``e``), or None when the sheet holds something only openpyxl reads exactly."""
    try:
        with zipfile.ZipFile(path) as archive:
            member = _sheet_paths(archive).get(title)
            if member is None:
                return None
            xml = archive.read(member)
            percent, dates = _styles(archive)
            strings = (
                archive.read("xl/sharedStrings.xml")
                if "xl/sharedStrings.xml" in archive.namelist()
                else b""
            )
    except (KeyError, OSError, zipfile.BadZipFile, ET.ParseError, engine.CalamineError):
        return None
    typed = _TYPED.search(xml) is not None
    if _openpyxl_only(xml, strings, percent, dates, typed):
        return None
    return xml, percent, typed


def _openpyxl_only(
    xml: bytes, strings: bytes, percent: set[int], dates: set[int], typed: bool = True
) -> bool:
    """Whether the sheet holds something only openpyxl reads as it does (module docstring);
    ``typed``: whether a cell may be typed ``b``, ``d`` or ``e`` (one scan for the three)."""
    return bool(
        b"<sheetData" not in xml
        or (typed and (b't="e"' in xml or b't="d"' in xml))
        or _ESCAPE.search(xml)
        or (b"_x" in strings and _ESCAPE.search(strings))
        or 0 in percent | dates
        or (dates and _uses_style(xml, dates))
    )


def _style_ids(styles: set[int]) -> bytes:
    return b"(?:" + b"|".join(str(s).encode() for s in sorted(styles)) + b")"


def _uses_style(xml: bytes, styles: set[int]) -> bool:
    return re.search(rb'<c\b[^>]*?\ss="' + _style_ids(styles) + b'"', xml) is not None


def _values(sheet) -> list[np.ndarray] | None:
    """:func:`_columns` of calamine's values of ``sheet``, built with the cyclic garbage
    collector paused: the 77,100 row lists of a national sheet would otherwise start about
    a hundred collections that find nothing (0.02 s); the lists are freed before it runs
    again, and nothing here makes a reference cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        rows = sheet.to_python(skip_empty_area=False)
        columns = _columns(rows)
        del rows
        return columns
    finally:
        if enabled:
            gc.enable()


def _columns(rows: list[list[object]]) -> list[np.ndarray] | None:
    """calamine's rows (a rectangle from A1) as one object array per column; None for a
    sheet without values (openpyxl then decides what it holds) or a ragged one."""
    if not rows or len(set(map(len, rows))) != 1 or not rows[0]:
        return None
    block = np.array(rows, dtype=object)  # 2-D (every cell a scalar); faster than block[:] = rows
    return [block[:, j] for j in range(block.shape[1])]


def _percent_cells(xml: bytes, percent: set[int]) -> _Cells | None:
    """(rows, columns), 1-based, of the cells styled with one of the ``percent`` styles;
    None when a cell with such a style cannot be placed (see :func:`_cells_with`).

    A cell is ``<c r="D7" s="1">`` (``<c r="D7" t="n" s="1">`` from some writers): the
    search runs over the reversed XML from the reversed ``" s="1"`` - a literal, so the
    regular expression engine tries a match only there, not at every cell as a search
    from ``<c r="`` does (about 2x faster on a sheet of 308,000 cells, 77,000 styled). An
    occurrence of the style not preceded by a cell reference matches empty: then the
    general search of :func:`_cells_with` decides."""
    backwards = xml[::-1]
    found: list[bytes] = []
    for style in sorted(percent):
        found += re.findall(
            b'"'
            + str(style).encode()[::-1]
            + rb'"=s (?:(?:"[A-Za-z]+"=t )?"([0-9]+[A-Z]{1,3})"=r c<)?',
            backwards,
        )
    if b"" in found:  # a style outside a cell's start tag (a row's style): the slow search
        ids = _style_ids(percent)
        return _cells_with(
            xml,
            rb'(?: t="[A-Za-z]+")? s="' + ids + b'"',
            rb' s="' + ids + b'"',
            rb'[^>]*?\ss="' + ids + b'"',
        )
    if not found:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    refs = b" ".join(found)[::-1]  # each reference reversed back ("D7 D9 ..."), in reverse order
    rows = np.array(refs.translate(None, _UPPER).split(), dtype=np.int64)
    letters = refs.translate(None, b"0123456789").split()
    index = {c: _column_index(c) for c in set(letters)}
    if len(index) == 1:
        return rows, np.full(len(rows), index[letters[0]], dtype=np.int64)
    return rows, np.array([index[c] for c in letters], dtype=np.int64)


def _apply_percent(
    columns: list[np.ndarray], rows: np.ndarray, where: np.ndarray, has_bools: bool
) -> None:
    """Percentage-formatted numbers (the cells at ``rows``, ``where``) as Excel shows them
    (0.4 -> 40.0, as openpyxl's ``round(value * 100, 12)``, once per distinct value; with
    boolean cells in the sheet the numbers are picked first: ``True == 1`` in a hash
    table)."""
    height = len(columns[0])
    for c in np.unique(where):
        if c > len(columns):
            continue
        at = rows[(where == c) & (rows <= height)] - 1
        if has_bools:
            values = columns[c - 1][at]
            at = at[[type(v) is float or type(v) is int for v in values]]
        codes, uniques = pd.factorize(columns[c - 1][at], use_na_sentinel=False)
        shown = np.array(
            [percent_shown(u) if type(u) is float or type(u) is int else u for u in uniques],
            dtype=object,
        )
        columns[c - 1][at] = shown[codes]


def _formulas_have_values(texts: list[np.ndarray], xml: bytes) -> bool:
    """Whether every formula cell has a saved value (else openpyxl's pass refuses them)."""
    cells = _cells_with(xml, rb"[^>]*>\s*<f\b", rb"<f\b", rb"[^>]*>\s*<f\b")
    if cells is None:
        return False
    rows, where = cells
    if ((rows > len(texts[0])) | (where > len(texts))).any():
        return False
    return all(texts[c - 1][r - 1] != "" for r, c in zip(rows, where, strict=True))
