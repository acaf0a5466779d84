"""Follow-up per department on small hand-made registers (issue 13)."""

from __future__ import annotations

import pytest

import smartcity_eval as se
from smartcity_eval.analysis.departments import ownership, slug
from tests.registers_data import KT, make


@pytest.fixture
def ev(tmp_path):
    return se.Evaluation(se.load_dataset(make(tmp_path)))


def test_slug():
    assert slug("Dinas Koperasi & UKM") == "dinas-koperasi-ukm"
    assert slug("Diskominfo Staper") == "diskominfo-staper"


def test_summary_by_hand(ev):
    s = ev.departments(KT, 2024)["summary"].set_index("department")
    assert sorted(s.index) == ["Bapenda", "DPMPTSP", "Dinas Koperasi dan UKM", "Diskominfo Staper"]
    # Koperasi: P4 (dropped) due, P6 not due -> 2 programmes, 1 due, 0 realised, 1 behind
    assert s.loc[
        "Dinas Koperasi dan UKM", ["programmes", "due", "realised", "behind"]
    ].tolist() == [2, 1, 0, 1]
    assert s.loc[
        "Diskominfo Staper", ["programmes", "realised", "documents", "missing"]
    ].tolist() == [2, 2, 2, 1]
    assert s.loc["Bapenda", "behind"] == 1  # P5 never started


def test_followup_tables(ev):
    f = ev.departments(KT, 2024)["followup"]
    kop = f["Dinas Koperasi dan UKM"]
    assert dict(zip(kop["programmes"]["code"], kop["programmes"]["reason"], strict=True)) == {
        "P4": "dropped",
        "P6": "",
    }
    assert kop["missing"]["document"].tolist() == ["Decree on madu kelulut"]
    owned = f["Bapenda"]["owned"].set_index("code")
    # ECO.02 scored (3*... base 2024 KT ECO.02 = 4)
    assert owned.loc["ECO.02", "score"] == pytest.approx(4.0)


def test_ownership_owners_file_wins_over_programme(ev):
    own = ownership(ev.dataset.registers, KT)
    gov02 = own[own["code"] == "GOV.02"]
    assert gov02["via"].tolist() == ["owners"]
    assert set(own[own["code"] == "ECO.01"]["department"]) == {"Dinas Koperasi dan UKM"}


def test_evaluation_methods_are_cached(ev):
    assert ev.programmes(2024, KT) is ev.programmes(2024, KT)
    e = ev.evidence(2024, KT)
    assert set(e) == {"pillar", "dimension", "department", "missing"}
    assert [x.step for x in ev.log].count("evidence") == 1


# --- command line and reports on the embedded data --------------------------------------
FOCUS = "Kabupaten Kutai Timur"


def test_cli_commands_write_csv_and_xlsx(tmp_path):
    import openpyxl
    import pandas as pd

    from smartcity_eval.cli.main import main

    assert (
        main(["programmes", "kutai_timur", "--year", "2024", "--out", str(tmp_path / "p.csv")]) == 0
    )
    real = pd.read_csv(tmp_path / "p.csv")
    overall = real[(real["region"] == FOCUS) & (real["pillar"] == "SCI")].iloc[0]
    assert overall["realisation"] == pytest.approx(overall["realised"] / overall["due"])
    assert main(["evidence", "kutai_timur", "--out", str(tmp_path / "e.xlsx")]) == 0
    book = openpyxl.load_workbook(tmp_path / "e.xlsx")
    assert book.sheetnames == ["missing", "pillar", "dimension", "department"]
    assert (
        main(["departments", "kutai_timur", "--region", FOCUS, "--out", str(tmp_path / "d.xlsx")])
        == 0
    )
    book = openpyxl.load_workbook(tmp_path / "d.xlsx")
    assert book.sheetnames[0] == "summary" and len(book.sheetnames) > 10


def test_commands_on_a_dataset_without_registers(tmp_path, capsys):
    from smartcity_eval.cli.main import main
    from tests.bad_inputs.build import BASE

    assert main(["programmes", str(BASE)]) == 0
    assert "no programmes.csv" in capsys.readouterr().err


def test_sections_and_pages_on_the_embedded_data(tmp_path):
    from types import SimpleNamespace

    from smartcity_eval.reports.departments import register_data, write_department_pages
    from smartcity_eval.reports.markup import render
    from smartcity_eval.reports.sections_departments import supporting_documents, who_does_what

    ev = se.evaluate("kutai_timur")
    report = {
        "meta": {"lang": "en", "region": FOCUS, "year": 2024},
        "registers": register_data(ev, FOCUS, 2024, "en"),
    }
    who = render(who_does_what, report)
    assert "Who does what" in who and "Dinas Koperasi dan UKM" in who
    docs = render(supporting_documents, report)
    missing = report["registers"]["missing"]
    first = missing.iloc[0]
    # the most urgent document is named with its department and what it supports
    assert first["document"] in docs and first["department"] in docs and first["code"] in docs
    job = SimpleNamespace(region=FOCUS, year=2024, out_dir=str(tmp_path / "kt" / "2024"))
    pages = write_department_pages(ev, [job], "en")
    summary = ev.departments(FOCUS, 2024)["summary"]
    assert len(pages) == len(summary) > 10
    page = (tmp_path / "kt" / "2024" / "departments" / "dinas-koperasi-dan-ukm.html").read_text()
    assert "Follow-up for Dinas Koperasi dan UKM" in page and "Madu kelulut branding" in page


def test_reports_batch_writes_a_page_per_department(tmp_path):
    """Done-when of issue 13: on the default data, ``reports`` writes a department page for
    each department of Kabupaten Kutai Timur 2024, and the annual report has both sections."""
    from smartcity_eval.reports.runner import run_reports

    ev = se.evaluate("kutai_timur")
    result = run_reports(
        ev, tmp_path, years=[2024], regions=[FOCUS], jobs=1, lang="en", progress=False
    )
    assert result.ok, result.failed
    folder = tmp_path / "kutai_timur" / "kabupaten-kutai-timur" / "2024"
    pages = sorted(p.name for p in (folder / "departments").glob("*.html"))
    departments = ev.departments(FOCUS, 2024)["summary"]["department"]
    assert len(pages) == len(departments) == 16
    assert "dinas-lingkungan-hidup.html" in pages
    # every page built from the illustrative data says so, and its words are the catalogue's
    from smartcity_eval.messages import t

    for name in pages:
        page = (folder / "departments" / name).read_text(encoding="utf-8")
        assert "ILLUSTRATIVE DATA" in page, name
    health = (folder / "departments" / "dinas-kesehatan.html").read_text(encoding="utf-8")
    assert f">{t('programme.ongoing', 'en')}<" in health
    assert ">w<" not in health
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "Who does what" in report and "Supporting documents" in report
    assert "Peraturan Bupati masterplan smart city 2022-2027" in report
