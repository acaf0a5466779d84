"""Excel and CSV for spreadsheets, read back as a reader would (openpyxl)."""

from __future__ import annotations

import pandas as pd
import pytest

from smartcity_eval.cli.main import main
from smartcity_eval.io.excel import csv_text, sheet_name, write_xlsx
from smartcity_eval.reports.docx import parse_number, report_tables

openpyxl = pytest.importorskip("openpyxl")


def test_workbook_has_bold_frozen_header_numbers_as_numbers(tmp_path):
    frame = pd.DataFrame({"region": ["A", "=B"], "score": [3.14159, 2.5], "rank": [1, 2]})
    path = write_xlsx({"scores": frame, "again": frame}, tmp_path / "t.xlsx", lang="id")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["scores", "again"]
    ws = wb["scores"]
    assert [c.value for c in ws[1]] == ["Daerah", "Nilai", "Peringkat"]
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    assert ws["B2"].value == pytest.approx(3.14159) and ws["B2"].number_format == "0.00"
    assert isinstance(ws["C2"].value, int) and ws["C2"].number_format == "0"
    assert ws["A3"].value == "'=B"  # a formula is neutralised, as in the CSV
    assert ws.column_dimensions["A"].width >= 8


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    names = [sheet_name("a/b:c" + "x" * 40, taken), sheet_name("a/b:c" + "x" * 40, taken)]
    assert all(len(n) <= 31 and "/" not in n and ":" not in n for n in names)
    assert names[0] != names[1]


def test_indonesian_csv_uses_semicolons_and_decimal_commas():
    text = csv_text(pd.DataFrame({"region": ["A"], "score": [3.25]}), "id")
    assert text.splitlines() == ["region;score", "A;3,25"]


def test_score_out_xlsx_is_a_real_workbook(tmp_path, capsys):
    out = tmp_path / "s.xlsx"
    assert main(["score", "kutai_timur", "--out", str(out)]) == 0
    with open(out, "rb") as handle:
        assert handle.read(2) == b"PK"  # a zip container, not CSV text
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["Region", "Year", "Code", "Score"]
    scores = [row[3] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert scores and all(isinstance(v, (int, float)) for v in scores if v is not None)
    assert ws["D2"].number_format == "0.00"
    csv = tmp_path / "s.csv"
    assert main(["score", "kutai_timur", "--out", str(csv), "--csv-dialect", "id"]) == 0
    first = csv.read_text(encoding="utf-8-sig").splitlines()[:2]
    assert first[0].startswith("region;year;code;score") and "," in first[1]


def test_report_tables_read_numbers_back():
    page = (
        "<h2>Gaps</h2><table><tr><th>Code</th><th>Score</th><th>Bytes</th></tr>"
        "<tr><td>SCI</td><td>3.18</td><td>7,294</td></tr></table>"
    )
    tables = report_tables(page)
    assert list(tables) == ["Gaps"]
    assert tables["Gaps"].iloc[0].tolist() == ["SCI", 3.18, 7294]
    assert tables["Gaps"].attrs["digits"] == {"Score": 2, "Bytes": 0}
    assert parse_number("3,14", "id") == 3.14 and parse_number("1/10") == "1/10"
