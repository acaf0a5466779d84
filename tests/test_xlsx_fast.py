""".xlsx read with python-calamine gives the grid openpyxl gives (issue 17): every workbook
of the bad-input corpus, hand-made workbooks with the number formats, hidden sheets and
formula cells issue 16 is about, Excel-style shared strings; the cases the fast reader
leaves to openpyxl; and the issue-16 xlsx tests run again with openpyxl alone (python-calamine
hidden), the path of an installation without it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import tests.test_input_safety as safety
from smartcity_eval import DataError
from smartcity_eval.io import xlsx_fast
from smartcity_eval.io.grid import xlsx_grid
from tests.bad_inputs.build import CORPUS, build

pytest.importorskip("python_calamine")
openpyxl = pytest.importorskip("openpyxl")


def _openpyxl_grid(path: Path, table: str, monkeypatch) -> object:
    with monkeypatch.context() as m:
        m.setattr(xlsx_fast, "_calamine", lambda: None)
        return _grid_or_error(path, table)


def _grid_or_error(path: Path, table: str) -> object:
    try:
        return xlsx_grid(path, table, path.name)
    except DataError as err:
        return str(err)


def _same(fast: object, slow: object) -> bool:
    if isinstance(fast, str) or isinstance(slow, str):
        return fast == slow
    return fast[1] == slow[1] and fast[0].equals(slow[0])


XLSX_CASES = sorted(  # 12 cases on 2 Dec 2026
    d.name
    for d in CORPUS.iterdir()
    if d.is_dir() and any(f.name.endswith(".xlsx.csv") for f in d.iterdir())
)


@pytest.mark.parametrize("case", XLSX_CASES)
def test_every_corpus_workbook_reads_as_with_openpyxl(case, tmp_path, monkeypatch):
    folder = build(case, tmp_path / case)
    for path in folder.glob("*.xlsx"):
        fast = _grid_or_error(path, path.stem)
        slow = _openpyxl_grid(path, path.stem, monkeypatch)
        assert _same(fast, slow), (path.name, fast, slow)


def _read_fast(path: Path, table: str) -> object:
    """calamine's grid, or None when the reader leaves the sheet to openpyxl."""
    try:
        return xlsx_fast.calamine_grid(path, table, path.name)
    except DataError as err:
        return str(err)


@pytest.mark.parametrize(
    ("case", "fast"),
    [
        ("ok_xlsx_plain", True),
        ("ok_xlsx_percent_as_shown", True),
        ("ok_xlsx_hidden_draft_first", True),
        ("xlsx_percent_one_decimal", True),
        ("header_on_row_3_xlsx", True),
        ("xlsx_formula_without_value", False),
    ],
)
def test_which_workbooks_calamine_reads(case, fast, tmp_path):
    folder = build(case, tmp_path / case)
    result = _read_fast(folder / "observations.xlsx", "observations")
    assert (result is not None) is fast


def _book(path: Path, rows: list[list[object]], *, hidden_first: bool = False) -> Path:
    """One visible sheet 'observations' (after a hidden 'draft' when asked); a cell given
    as (value, format) gets that number format."""
    book = openpyxl.Workbook()
    ws = book.active
    if hidden_first:
        ws.title = "draft"
        ws.sheet_state = "hidden"
        ws["A1"] = "old"
        ws = book.create_sheet("observations")
    else:
        ws.title = "observations"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if isinstance(value, tuple):
                ws.cell(row=r, column=c, value=value[0]).number_format = value[1]
            elif value is not None:
                ws.cell(row=r, column=c, value=value)
    book.save(path)
    return path


HEADER = ["region", "year", "indicator", "value", "note"]
ROWS = [
    HEADER,
    ["Kota A", 2024, "X", (0.4, "0%"), " spaced  text "],
    ["Kota A", 2024, "Y", (0.125, "0.0%"), True],
    ["Kota A", 2024, "Z", (0.5, '0.0"%"'), False],  # a quoted % is text: 0.5 as typed
    ["Kota B", 2024, "X", 3.14159265358979, None],
    ["Kota B", 2024, "Y", (1234.5, "#,##0.00"), 1],
    None,
    ["Kota B", 2024, "Z", (0.07, "0.00%"), 0.1 + 0.2],
]


def test_formats_bools_and_spaces_as_excel_shows_them(tmp_path, monkeypatch):
    rows = [r if r is not None else [] for r in ROWS]
    path = _book(tmp_path / "observations.xlsx", rows, hidden_first=True)
    fast = xlsx_fast.calamine_grid(path, "observations", path.name)
    assert fast is not None
    grid, title = fast
    assert title == "observations"
    # by hand: 0.4 shown 40 %, 0.125 shown 12.5 %, a literal "%" leaves 0.5, 0.07 -> 7
    assert grid[3].tolist() == ["value", "40", "12.5", "0.5", "3.14159265358979", "1234.5", "", "7"]
    assert grid[4].tolist()[1:6] == [" spaced  text ", "TRUE", "FALSE", "", "1"]
    assert grid.iat[7, 4] == "0.3"  # openpyxl stores 0.1 + 0.2 with 16 digits: "0.3"
    slow = _openpyxl_grid(path, "observations", monkeypatch)
    assert _same(fast, slow)


def _rewrite(path: Path, member: str, change) -> None:
    with zipfile.ZipFile(path) as archive:
        items = [(i, archive.read(i.filename)) for i in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in items:
            archive.writestr(info, change(data) if info.filename == member else data)


def test_a_formula_with_its_saved_value_is_read_by_both(tmp_path, monkeypatch):
    path = _book(tmp_path / "observations.xlsx", [HEADER[:4], ["A", 2024, "X", "=1+1"]])
    sheet = "xl/worksheets/sheet1.xml"
    _rewrite(path, sheet, lambda xml: xml.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>"))
    fast = xlsx_fast.calamine_grid(path, "observations", path.name)
    assert fast is not None and fast[0].iat[1, 3] == "2"
    assert _same(fast, _openpyxl_grid(path, "observations", monkeypatch))


def test_a_formula_without_a_value_is_left_to_openpyxl_which_refuses_it(tmp_path):
    path = _book(tmp_path / "observations.xlsx", [HEADER[:4], ["A", 2024, "X", "=1+1"]])
    assert xlsx_fast.calamine_grid(path, "observations", path.name) is None
    with pytest.raises(DataError, match="formula cells without a saved value .*: D2"):
        xlsx_grid(path, "observations", path.name)


def test_shared_strings_as_excel_saves_them(tmp_path, monkeypatch):
    path = _book(tmp_path / "observations.xlsx", [HEADER[:4], ["Kota A", 2024, "X", 3]])
    table: list[bytes] = []

    def shared(xml: bytes) -> bytes:
        def one(match: re.Match) -> bytes:
            table.append(match.group(2))
            return match.group(1) + b' t="s"><v>' + str(len(table) - 1).encode() + b"</v></c>"

        return re.sub(
            rb'(<c r="[A-Z]+[0-9]+"[^>]*?) t="inlineStr"><is><t>(.*?)</t></is></c>', one, xml
        )

    _rewrite(path, "xl/worksheets/sheet1.xml", shared)
    _rewrite(
        path,
        "xl/_rels/workbook.xml.rels",
        lambda xml: xml.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
            b"</Relationships>",
        ),
    )
    _rewrite(
        path,
        "[Content_Types].xml",
        lambda xml: xml.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
    )
    with zipfile.ZipFile(path, "a") as archive:
        sst = b"".join(b"<si><t>" + t + b"</t></si>" for t in table)
        archive.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + sst
            + b"</sst>",
        )
    fast = xlsx_fast.calamine_grid(path, "observations", path.name)
    assert fast is not None
    assert fast[0].iloc[1].tolist() == ["Kota A", "2024", "X", "3"]
    assert _same(fast, _openpyxl_grid(path, "observations", monkeypatch))


@pytest.mark.parametrize(
    "value",
    [
        pd.Timestamp("2024-01-02").to_pydatetime(),  # a date cell: openpyxl's datetime
        "#DIV/0!",  # an error cell
        "line_x000D_break",  # an Office XML escape
    ],
)
def test_what_only_openpyxl_reads_exactly_is_left_to_it(value, tmp_path, monkeypatch):
    path = _book(tmp_path / "observations.xlsx", [HEADER[:4], ["A", 2024, "X", value]])
    assert xlsx_fast.calamine_grid(path, "observations", path.name) is None
    assert _same(
        _grid_or_error(path, "observations"), _openpyxl_grid(path, "observations", monkeypatch)
    )


def test_a_percentage_row_style_does_not_confuse_the_placement(tmp_path, monkeypatch):
    path = _book(
        tmp_path / "observations.xlsx",
        [HEADER[:4], ["A", 2024, "X", (0.4, "0%")], ["A", 2024, "Y", 2]],
    )
    # the third row carries the percentage style as a row style (its cells do not)
    _rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<row r="3">', b'<row r="3" s="1" customFormat="1">'),
    )
    fast = xlsx_fast.calamine_grid(path, "observations", path.name)
    assert fast is not None and fast[0][3].tolist() == ["value", "40", "2"]
    assert _same(fast, _openpyxl_grid(path, "observations", monkeypatch))


@pytest.fixture(params=["calamine", "openpyxl only"])
def engine(request, monkeypatch):
    if request.param == "openpyxl only":
        monkeypatch.setattr(xlsx_fast, "_calamine", lambda: None)
    return request.param


@pytest.mark.parametrize(
    "test",
    [
        safety.test_a_percentage_cell_is_read_as_excel_shows_it,
        safety.test_a_hidden_first_sheet_is_never_read,
        safety.test_several_visible_sheets_none_named_like_the_table_are_refused,
        safety.test_a_formula_without_a_saved_value_is_refused_with_its_cell,
    ],
    ids=lambda f: f.__name__,
)
def test_issue_16_xlsx_behaviour_under_both_engines(test, engine, tmp_path):
    assert xlsx_fast.calamine_available() is (engine == "calamine")
    test(tmp_path)


def test_without_python_calamine_installed_openpyxl_reads_the_workbook(tmp_path, monkeypatch):
    import sys

    path = _book(tmp_path / "observations.xlsx", [HEADER[:4], ["A", 2024, "X", (0.4, "0%")]])
    fast = xlsx_grid(path, "observations", path.name)
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # import fails
    assert not xlsx_fast.calamine_available()
    assert xlsx_fast.calamine_grid(path, "observations", path.name) is None
    slow = xlsx_grid(path, "observations", path.name)
    assert _same(fast, slow) and slow[0].iat[1, 3] == "40"


def test_percentage_cells_with_booleans_and_ones_in_one_column(tmp_path, monkeypatch):
    # True == 1 in a hash table: a TRUE and a 1 styled 0 % must stay TRUE and 100
    rows = [HEADER[:4]] + [
        ["A", 2024, f"X{i}", (value, "0%")]
        for i, value in enumerate([1, True, 0.5, False, 0, 1.0, True])
    ]
    path = _book(tmp_path / "observations.xlsx", rows)
    fast = xlsx_fast.calamine_grid(path, "observations", path.name)
    assert fast is not None
    # by hand: 1 -> 100, TRUE stays, 0.5 -> 50, FALSE stays, 0 -> 0
    assert fast[0][3].tolist() == ["value", "100", "TRUE", "50", "FALSE", "0", "100", "TRUE"]
    assert _same(fast, _openpyxl_grid(path, "observations", monkeypatch))


def test_two_percentage_styles_and_the_type_before_the_style(tmp_path, monkeypatch):
    rows = [HEADER]
    for i in range(30):
        rows.append(["A", 2024, f"X{i}", (i / 8, "0%"), (i / 1000, "0.00%")])
    path = _book(tmp_path / "observations.xlsx", rows)
    # some writers put t= before s= (openpyxl writes s= first): both are placed
    _rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'(<c r="D[0-9]+")( s="[0-9]+")( t="n")', rb"\1\3\2", xml),
    )
    fast = xlsx_fast.calamine_grid(path, "observations", path.name)
    assert fast is not None
    assert fast[0].iat[5, 3] == "50" and fast[0].iat[5, 4] == "0.4"  # 4/8 -> 50 %, 0.004 -> 0.4 %
    assert _same(fast, _openpyxl_grid(path, "observations", monkeypatch))


def test_the_reversed_search_places_the_cells_the_general_search_does(tmp_path):
    import numpy as np

    cells = [
        b'<c r="D2" s="3"><v>0.5</v></c>',
        b'<c r="AB10" t="n" s="12"><v>1</v></c>',
        b'<c r="D11" s="3"/>',
        b'<c r="C12" s="4" t="n"><v>2</v></c>',  # another style: not a percentage
        b'<c r="XFD1048576" s="12"><v>3</v></c>',
    ]
    xml = b"<sheetData><row>" + b"".join(cells) + b"</row></sheetData>"
    ids = xlsx_fast._style_ids({3, 12})
    general = xlsx_fast._cells_with(
        xml,
        rb'(?: t="[A-Za-z]+")? s="' + ids + b'"',
        rb' s="' + ids + b'"',
        rb'[^>]*?\ss="' + ids + b'"',
    )
    fast = xlsx_fast._percent_cells(xml, {3, 12})
    assert general is not None and fast is not None
    pairs = sorted(zip(*(a.tolist() for a in fast), strict=True))
    assert pairs == sorted(zip(*(a.tolist() for a in general), strict=True))
    assert pairs == [(2, 4), (10, 28), (11, 4), (1048576, 16384)]
    # a percentage style on a row (not a cell): the general search decides
    row_style = xml.replace(b"<row>", b'<row r="1" s="3" customFormat="1">')
    placed = xlsx_fast._percent_cells(row_style, {3, 12})
    assert placed is not None and np.array_equal(np.sort(placed[0]), [2, 10, 11, 1048576])


def test_a_sheet_with_a_bad_checksum_is_refused_as_openpyxl_refuses_it(tmp_path, monkeypatch):
    # the checks read the sheet's XML without its CRC; calamine checks it and gives up
    import struct

    path = _book(tmp_path / "observations.xlsx", [HEADER[:4], ["A", 2024, "X", 1.5]])
    with zipfile.ZipFile(path) as archive:
        crc = archive.getinfo("xl/worksheets/sheet1.xml").CRC
    data = path.read_bytes()
    path.write_bytes(data.replace(struct.pack("<I", crc), struct.pack("<I", crc ^ 1)))
    assert xlsx_fast.calamine_grid(path, "observations", path.name) is None
    fast, slow = (
        _grid_or_error(path, "observations"),
        _openpyxl_grid(path, "observations", monkeypatch),
    )
    assert isinstance(fast, str) and "Bad CRC-32" in fast and fast == slow


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was(enabled, tmp_path):
    import gc

    path = _book(tmp_path / "observations.xlsx", [HEADER[:4], ["A", 2024, "X", 1.5]])
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        assert xlsx_fast.calamine_grid(path, "observations", path.name) is not None
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
