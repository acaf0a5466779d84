"""No number enters unless it is the number the user meant (issue 16): thousands
separators, Excel percentages, hidden sheets, formula cells. The corpus cases
(tests/bad_inputs/value_thousands_*, xlsx_*, ok_xlsx_*) test the same through every
command; these tests read the numbers back directly, on a scale reaching 100,000 where a
wrong reading would pass every scale check."""

from __future__ import annotations

import pandas as pd
import pytest

from smartcity_eval import DataError
from smartcity_eval.io.numbers import parse_numbers
from smartcity_eval.io.tables import read_table


def _parse(cells: list[str]) -> tuple[list[float], list[str]]:
    frame = pd.DataFrame({"value": cells, "_row": range(2, 2 + len(cells))})
    frame.attrs["file"] = "observations.csv"
    problems: list = []
    values = parse_numbers(frame, "value", problems)
    return values.tolist(), [p.format("en") for p in problems]


def test_a_dot_is_a_thousands_separator_where_the_column_writes_decimal_commas():
    values, problems = _parse(["1.500", "2,5", "12.250", ""])
    assert values[:3] == [1500.0, 2.5, 12250.0]
    assert problems == []


def test_a_quoted_comma_is_a_thousands_separator_where_the_column_writes_decimal_dots():
    values, problems = _parse(["1,500", "2.5", "75000"])
    assert values == [1500.0, 2.5, 75000.0]
    assert problems == []


def test_the_same_mark_as_the_decimals_is_a_decimal_mark():
    values, problems = _parse(["1.500", "2.25", "3"])
    assert values == [1.5, 2.25, 3.0]
    assert problems == []


@pytest.mark.parametrize(
    ("cell", "low", "high"), [("1.500", "1.5", "1500"), ("2,000", "2", "2000")]
)
def test_without_evidence_the_cell_is_refused_with_both_readings(cell, low, high):
    values, problems = _parse([cell, "40000", "100000"])
    assert pd.isna(values[0]) and values[1:] == [40000.0, 100000.0]
    assert len(problems) == 1
    assert f"observations.csv, row 2, column 'value': '{cell}' could be {low}" in problems[0]
    assert f"or {high} (" in problems[0]


def test_a_leading_zero_is_never_a_thousands_group():
    values, problems = _parse(["0.125", "0,250"])
    assert values == [0.125, 0.25]
    assert problems == []


def _workbook(path, sheets):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, state, rows in sheets:
        ws = book.create_sheet(title)
        ws.sheet_state = state
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, tuple):
                    cell = ws.cell(row=r, column=c, value=value[0])
                    cell.number_format = value[1]
                else:
                    ws.cell(row=r, column=c, value=value)
    book.save(path)
    return path


HEADER = ["region", "year", "indicator", "value"]


def test_a_percentage_cell_is_read_as_excel_shows_it(tmp_path):
    path = _workbook(
        tmp_path / "observations.xlsx",
        [("observations", "visible", [HEADER, ["A", 2024, "X", (0.4, "0%")], ["A", 2024, "Y", 7]])],
    )
    frame = read_table(path, required=HEADER)
    assert frame["value"].tolist() == ["40", "7"]


def test_a_hidden_first_sheet_is_never_read(tmp_path):
    path = _workbook(
        tmp_path / "observations.xlsx",
        [
            ("draft", "hidden", [HEADER, ["A", 2023, "X", 1]]),
            ("Sheet1", "visible", [HEADER, ["A", 2024, "X", 2]]),
        ],
    )
    frame = read_table(path, required=HEADER)
    assert frame["year"].tolist() == ["2024"]


def test_several_visible_sheets_none_named_like_the_table_are_refused(tmp_path):
    path = _workbook(
        tmp_path / "observations.xlsx",
        [("A", "visible", [HEADER]), ("B", "visible", [HEADER]), ("C", "hidden", [HEADER])],
    )
    with pytest.raises(DataError) as caught:
        read_table(path, required=HEADER)
    assert "the workbook's sheets are: 'A', 'B', 'C' (hidden)" in str(caught.value)


def test_a_formula_without_a_saved_value_is_refused_with_its_cell(tmp_path):
    path = _workbook(
        tmp_path / "observations.xlsx",
        [("observations", "visible", [HEADER, ["A", 2024, "X", "=1+1"]])],
    )
    with pytest.raises(DataError) as caught:
        read_table(path, required=HEADER)
    assert "row 2: formula cells without a saved value on sheet 'observations': D2" in str(
        caught.value
    )


def test_cr_only_line_ends_and_a_huge_cell(tmp_path):
    path = tmp_path / "observations.csv"
    note = "x" * 300_000
    path.write_bytes(f"region,year,indicator,value,note\rA,2024,X,3,{note}\rB,2024,X,4,\r".encode())
    frame = read_table(path, required=HEADER)
    assert frame["region"].tolist() == ["A", "B"]
    assert frame["_row"].tolist() == [2, 3]
    assert len(frame["note"].iloc[0]) == 300_000
