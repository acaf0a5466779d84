"""The report as printed, edited and exchanged: PDF (A4, every column, every hash), Word and
Excel copies, read back as a reader would (pypdf/pdftotext, python-docx, openpyxl)."""

from __future__ import annotations

import html as _html
import re
import shutil
import subprocess

import pytest

from smartcity_eval.reports.docx import find_pandoc, report_tables
from smartcity_eval.reports.render import find_chromium, print_css

REGION, YEAR = "Kabupaten Kutai Timur", 2024
needs_chromium = pytest.mark.skipif(
    find_chromium() is None, reason="no headless Chromium (apt-get install chromium)"
)
needs_pandoc = pytest.mark.skipif(
    find_pandoc() is None, reason="no pandoc (apt-get install pandoc)"
)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    from smartcity_eval.reports.runner import run_reports

    out = tmp_path_factory.mktemp("reports")
    result = run_reports(
        "kutai_timur",
        out,
        regions=[REGION],
        years=[YEAR],
        formats=("html", "pdf", "docx"),
        jobs=1,
        progress=False,
        lang="id",
    )
    assert result.ok, result.failed
    folder = result.root / result.results[0]["files"]["html"].rsplit("/", 1)[0]
    return result, folder


def _cells(page: str, tag: str) -> list[str]:
    found = re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", page, re.S)
    return [" ".join(_html.unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in found]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_print_css_sets_paper_header_and_page_numbers():
    css = print_css("Laporan: X 2024", "f4")
    assert "size: 215mm 330mm" in css and '"Laporan: X 2024"' in css
    assert "counter(page)" in css and "counter(pages)" in css
    assert "size: 210mm 297mm" in print_css("t")


def test_results_xlsx_has_the_numbers_of_the_html(batch):
    openpyxl = pytest.importorskip("openpyxl")
    _, folder = batch
    page = (folder / "report.html").read_text(encoding="utf-8")
    tables = report_tables(page, "id")
    wb = openpyxl.load_workbook(folder / "results.xlsx")
    assert len(wb.sheetnames) == len(tables) >= 10
    first = wb[wb.sheetnames[0]]
    frame = next(iter(tables.values()))
    assert [c.value for c in first[1]] == list(frame.columns)
    for row, expected in zip(
        first.iter_rows(min_row=2, values_only=True), frame.itertuples(index=False), strict=True
    ):
        for got, want in zip(row, expected, strict=True):
            if isinstance(want, float):
                assert isinstance(got, (int, float)) and got == pytest.approx(want)


@needs_chromium
def test_pdf_is_a4_and_keeps_every_column_and_every_hash(batch):
    pypdf = pytest.importorskip("pypdf")
    _, folder = batch
    reader = pypdf.PdfReader(folder / "report.pdf")
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595.3, abs=2) and float(box.height) == pytest.approx(
        841.9, abs=2
    )
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-raw", str(folder / "report.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    else:
        text = "\n".join(p.extract_text() for p in reader.pages)
    flat = _squash(text).replace("-", "")
    page = (folder / "report.html").read_text(encoding="utf-8")
    headers = {h for h in _cells(page, "th") if h}
    assert {
        "Proyeksi pada tahun target",
        "Status",
        "Paling menurunkan",
        "Tambahan maksimum",
        "SHA-256",
    } <= headers
    words = set(re.findall(r"[\w%()/.,+-]+", text))

    def shown(header: str) -> bool:  # whole, or (a header wrapped beside another) word by word
        return _squash(header).replace("-", "") in flat or set(header.split()) <= words

    missing = [h for h in headers if not shown(h)]
    assert not missing, f"columns missing from the PDF: {missing}"
    hashes = set(re.findall(r"\b[0-9a-f]{64}\b", page))
    assert hashes and all(h in flat for h in hashes)
    assert f"{REGION} {YEAR}" in text and f"1 / {len(reader.pages)}" in text
    assert len(reader.pages) <= 14


@needs_pandoc
def test_docx_has_every_section_table_header_and_headline(batch):
    docx = pytest.importorskip("docx")
    _, folder = batch
    document = docx.Document(folder / "report.docx")
    page = (folder / "report.html").read_text(encoding="utf-8")
    headings = {p.text.strip() for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert set(_cells(page, "h2")) <= headings
    headers = {" ".join(c.text.split()) for table in document.tables for c in table.rows[0].cells}
    assert {h for h in _cells(page, "th") if h} <= headers
    body = " ".join(p.text for p in document.paragraphs)
    values = re.findall(r'class="value">([^<]+)<', page)
    assert values and all(v.strip() in body for v in values)
    assert len(document.inline_shapes) >= 3  # the figures are embedded


def test_overview_ranks_and_links_the_batch(batch):
    result, _ = batch
    page = (result.root / "index.html").read_text(encoding="utf-8")
    assert "<svg" in page and page.count("class='region'") >= 20  # ten regions, two tables
    assert 'href="kabupaten-kutai-timur/2024/report.html"' in page
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(result.root / "results.xlsx")
    ranking = wb[wb.sheetnames[0]]
    ranks = [row[0] for row in ranking.iter_rows(min_row=2, values_only=True)]
    assert ranks == sorted(ranks) and len(ranks) == 10
    if find_chromium() is not None:  # the overview as PDF too, on A4
        pypdf = pytest.importorskip("pypdf")
        box = pypdf.PdfReader(result.root / "index.pdf").pages[0].mediabox
        assert float(box.height) == pytest.approx(841.9, abs=2)
    if find_pandoc() is not None:
        docx = pytest.importorskip("docx")
        document = docx.Document(result.root / "index.docx")
        assert len(document.tables[0].rows) == 11  # header and ten regions


def test_pdf_alone_without_chromium_exits_2_with_the_install_hint(tmp_path, monkeypatch, capsys):
    from smartcity_eval.cli.main import main

    monkeypatch.setenv("SMARTCITY_CHROMIUM", "")
    assert main(["reports", "kutai_timur", "--format", "pdf", "--out", str(tmp_path)]) == 2
    assert "install chromium" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


@needs_chromium
def test_a_report_made_without_chromium_gets_its_pdf_once_chromium_is_there(tmp_path, monkeypatch):
    from smartcity_eval.messages import t
    from smartcity_eval.reports.runner import run_reports

    kwargs = dict(regions=[REGION], years=[YEAR], formats=("html", "pdf"), jobs=1, progress=False)
    monkeypatch.setenv("SMARTCITY_CHROMIUM", "")
    first = run_reports("kutai_timur", tmp_path, lang="en", **kwargs)
    assert first.notes == [t("summary.no_pdf", "en")]  # said once
    assert "pdf" not in first.results[0]["files"]
    monkeypatch.delenv("SMARTCITY_CHROMIUM")
    second = run_reports("kutai_timur", tmp_path, lang="en", **kwargs)
    assert len(second.made) == 1 and not second.notes
    assert (second.root / second.results[0]["files"]["pdf"]).is_file()
    third = run_reports("kutai_timur", tmp_path, lang="en", **kwargs)
    assert len(third.skipped) == 1
