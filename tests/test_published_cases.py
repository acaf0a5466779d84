"""Real published cases: Kota Jambi 2024 and Kota Kediri 2021-2022 (issue #12).

Published values (data/kota_jambi/README.md, data/kota_kediri/README.md):
Kota Jambi 2024 (jambikota.go.id/content/931, letter B-1478/DJAI/AI.01.02/11/2024):
baseline 3.84, output 3.18, outcome 3.53, impact 3.63, quick win 3.35, final 3.48.
By hand: 0.1 x 3.84 + 0.2 x 3.18 + 0.3 x 3.53 + 0.2 x 3.63 + 0.2 x 3.35
= 0.384 + 0.636 + 1.059 + 0.726 + 0.670 = 3.475 (published 3.48: within 0.01, the
tolerance of five values rounded to two decimals).
Kota Kediri 2022 (bangsaonline.com/amp/berita/113379): 0.36 + 0.642 + 0.969 + 0.614 + 0.73
= 3.315 (published 3.31); 2021 final 3.06, so the change is +0.25.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import smartcity_eval as se
from smartcity_eval.cli.main import main

DATA = Path(__file__).resolve().parents[1] / "data"
JAMBI = DATA / "kota_jambi"
KEDIRI = DATA / "kota_kediri"
FIRST_NUMBER = re.compile(r'<div class="card main">.*?<div class="value">([^<]+)</div>', re.S)


def _final(table):
    return table[table["code"] == "FINAL"].set_index("year")


@pytest.mark.parametrize(
    ("folder", "year", "computed", "published"),
    [(JAMBI, 2024, 3.475, 3.48), (KEDIRI, 2022, 3.315, 3.31)],
)
def test_reproduce_the_final_from_the_published_dimensions(folder, year, computed, published):
    table = se.evaluate(folder).reproduce()
    row = _final(table).loc[year]
    assert row["computed"] == pytest.approx(computed, abs=1e-9)
    assert row["published"] == pytest.approx(published)
    assert row["status"] == "match" and row["tolerance"] == pytest.approx(0.01)
    assert main(["reproduce", str(folder)]) == 0


def test_altered_final_is_a_mismatch_and_exits_1(tmp_path, capsys):
    copy = tmp_path / "kota_jambi"
    shutil.copytree(JAMBI, copy)
    pub = copy / "published.csv"
    pub.write_text(pub.read_text(encoding="utf-8").replace("FINAL,3.48", "FINAL,3.52"), "utf-8")
    row = _final(se.evaluate(copy).reproduce()).loc[2024]
    assert row["status"] == "mismatch" and row["difference"] == pytest.approx(-0.045)
    capsys.readouterr()
    assert main(["reproduce", str(copy), "--lang", "en"]) == 1
    assert "do not match" in capsys.readouterr().err


def _report(tmp_path, folder, name, region, year, capsys):
    out = tmp_path / "reports"
    code = main(["reports", str(folder), "--out", str(out), "--lang", "en", "--no-progress"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    root = out / name
    data = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in data["reports"] if e["region"] == region and e["year"] == year)
    assert entry["status"] == "ok"
    html = (root / entry["files"]["html"]).read_text(encoding="utf-8")
    return entry, html


def _letter_rows(html):
    """``code -> text of its row`` of the published-vs-recomputed table."""
    part = html[html.index("Published values and their reproduction") :]
    part = part[: part.index("</table>")]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", part, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
        if cells:
            rows[cells[0]] = cells
    return rows


def test_report_of_kota_jambi_shows_the_letter(tmp_path, capsys):
    entry, html = _report(tmp_path, JAMBI, "kota_jambi", "Kota Jambi", 2024, capsys)
    assert FIRST_NUMBER.search(html).group(1) == "3.48"
    assert "Smart City Index (final score)" in html
    assert entry["headline"]["score"] == pytest.approx(3.48)
    rows = _letter_rows(html)
    published = {"BASELINE": "3.84", "OUTPUT": "3.18", "OUTCOME": "3.53", "IMPACT": "3.63"}
    published |= {"QUICK_WIN": "3.35", "FINAL": "3.48"}
    assert {code: rows[code][2] for code in published} == published
    assert rows["FINAL"][3:] == ["3.475", "-0.005", "0.01", "match"]
    assert "Only published results are available" in html


def test_report_of_kota_kediri_shows_the_change(tmp_path, capsys):
    entry, html = _report(tmp_path, KEDIRI, "kota_kediri", "Kota Kediri", 2022, capsys)
    assert FIRST_NUMBER.search(html).group(1) == "3.31"
    assert entry["headline"]["change"] == pytest.approx(0.25)
    assert "+0.25" in html
    assert _letter_rows(html)["FINAL"][3:] == ["3.315", "+0.005", "0.01", "match"]


def test_a_batch_with_nothing_to_report_says_why_and_exits_1(tmp_path, capsys, monkeypatch):
    from smartcity_eval.reports import runner

    def nothing(ev, out, **_):
        root = Path(out) / ev.dataset.name
        return runner.BatchResult([], root, root / "manifest.json", root / "index.html", 0.0)

    monkeypatch.setattr(runner, "run_reports", nothing)
    monkeypatch.setattr(runner, "format_summary", lambda result, lang: "")
    assert main(["reports", str(JAMBI), "--out", str(tmp_path), "--lang", "en"]) == 1
    assert "nothing to report for kota_jambi" in capsys.readouterr().err
