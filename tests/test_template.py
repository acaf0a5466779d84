"""``smartcity-eval template``: an Excel skeleton that validate reads back, filled in as an
office would type it (Indonesian headers, decimal commas), then scored and reported."""

from __future__ import annotations

import openpyxl
import pytest

import smartcity_eval as se
from smartcity_eval.cli.main import main

REGIONS = ["Kota Satu", "Kota Dua", "Kabupaten Tiga"]
YEARS = [2023, 2024]


@pytest.fixture
def skeleton(tmp_path):
    folder = tmp_path / "baru"
    argv = ["template", str(folder), "--regions", ",".join(REGIONS), "--years", "2023-2024"]
    assert main(argv) == 0
    return folder


def test_skeleton_files_headers_and_drop_down(skeleton):
    names = sorted(p.name for p in skeleton.iterdir())
    assert names == sorted(
        [
            "dataset.toml",
            "items.xlsx",
            "observations.xlsx",
            "assessments.xlsx",
            "targets.xlsx",
            "programmes.xlsx",
            "programme_status.xlsx",
            "owners.xlsx",
            "evidence.xlsx",
        ]
    )
    book = openpyxl.load_workbook(skeleton / "assessments.xlsx")
    ws = book["assessments"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["wilayah", "tahun", "indikator", "asesor", "skor"]
    assert ws["A1"].comment is not None and "petunjuk" in book.sheetnames
    fw = se.load_framework("kominfo_smart_city")
    assert ws.max_row == 1 + len(REGIONS) * len(YEARS) * len(fw.indicators)
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == '"1,2,3,4,5"'
    assert "E2" in str(lists[0].sqref)
    items = openpyxl.load_workbook(skeleton / "items.xlsx")["items"]
    assert [c.value for c in items[1]][:4] == ["code", "parent", "name", "name_id"]
    status = openpyxl.load_workbook(skeleton / "programme_status.xlsx")["programme_status"]
    assert status.data_validations.dataValidation[0].formula1 == '"planned,ongoing,done,dropped"'


def test_unfilled_skeleton_validates(skeleton):
    assert main(["validate", str(skeleton)]) == 0
    assert main(["template", str(skeleton), "--regions", "A", "--years", "2024"]) == 2


def _fill(folder):
    """Type the data as an office would: verified values with decimal commas (text cells),
    the self-assessment from the drop-down, one programme, its status and a document."""
    fw = se.load_framework("kominfo_smart_city")
    book = openpyxl.load_workbook(folder / "observations.xlsx")
    ws = book["observations"]
    for r, region in enumerate(REGIONS):
        for y, year in enumerate(YEARS):
            for i, item in enumerate(fw.indicators):
                value = 1 + (r + y + i) % 4 + (0.5 if i % 3 == 0 else 0)
                ws.append([region, year, item, str(value).replace(".", ",")])
    book.save(folder / "observations.xlsx")
    book = openpyxl.load_workbook(folder / "assessments.xlsx")
    ws = book["assessments"]
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=5, value=1 + row % 5)
    book.save(folder / "assessments.xlsx")
    for table, rows in {
        "programmes": [
            [
                "Kota Satu",
                "P1",
                "Portal Satu Data",
                "GOV.POL.04",
                "Diskominfo",
                2023,
                2025,
                "Portal Satu Data",
                "ya",
            ]
        ],
        "programme_status": [["Kota Satu", 2024, "P1", "berjalan"]],
        "evidence": [["Kota Satu", 2024, "P1", "Perbup Satu Data", "peraturan", "belum ada"]],
    }.items():
        book = openpyxl.load_workbook(folder / f"{table}.xlsx")
        for row in rows:
            book[table].append(row)
        book.save(folder / f"{table}.xlsx")


def test_filled_in_skeleton_scores_and_reports(skeleton):
    from smartcity_eval.reports.content import report_data
    from smartcity_eval.reports.sections import all_sections

    _fill(skeleton)
    assert main(["validate", str(skeleton)]) == 0
    ds = se.load_dataset(skeleton)
    assert ds.regions == sorted(REGIONS) and ds.years == YEARS
    first = ds.observations.iloc[0]
    assert first["value"] == 1.5  # '1,5' typed with a decimal comma
    assert set(ds.assessments["stage"]) == {"self"}  # 'penilaian mandiri'
    ev = se.Evaluation(ds)
    scores = ev.scores
    root = scores[(scores["code"] == "SCI") & (scores["region"] == "Kota Satu")]
    assert len(root) == 2 and root["score"].notna().all()
    real = ev.programmes(2024, "Kota Satu")["realisation"]
    assert real.loc[real["pillar"] == "SCI", "realisation"].item() == 1.0
    html = all_sections(report_data(ev, "Kota Satu", 2024, "en"))
    assert "Perbup Satu Data" in html and "Who does what" in html
