"""Word copies by pandoc, read back with python-docx."""

from __future__ import annotations

import pytest

from smartcity_eval.reports.docx import DocxError, find_pandoc, html_to_docx

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>h2{color:red}</style></head>
<body><h1>Laporan</h1><h2>Ringkasan utama</h2><div class="value">3.14</div>
<h2>Asal-usul</h2><table><thead><tr><th>Berkas</th><th>SHA-256</th></tr></thead>
<tbody><tr><td>observations.csv</td><td>f539e7cf021dfbcc368d2b30729b85e55fb2a7b8415b83aaaa01694ce640d230</td></tr>
</tbody></table></body></html>"""


@pytest.mark.skipif(find_pandoc() is None, reason="no pandoc (apt-get install pandoc)")
def test_pandoc_makes_headings_and_word_tables(tmp_path):
    docx = pytest.importorskip("docx")
    src = tmp_path / "r.html"
    src.write_text(PAGE, encoding="utf-8")
    document = docx.Document(html_to_docx(src, tmp_path / "r.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Laporan", "Ringkasan utama", "Asal-usul"]
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == ["Berkas", "SHA-256"]
    assert table.rows[1].cells[1].text.startswith("f539e7cf")
    assert "3.14" in " ".join(p.text for p in document.paragraphs)


def test_without_pandoc_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("SMARTCITY_PANDOC", "")
    assert find_pandoc() is None
    with pytest.raises(DocxError, match="install pandoc"):
        html_to_docx(tmp_path / "r.html", tmp_path / "r.docx")
