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


# ----------------------------------------------------------------------------- published ranks
# Kota Jambi 2024: 13th of 191 nationally (letter B-1478/DJAI/AI.01.02/11/2024,
# jambikota.go.id/content/931); Kota Kediri 2022: 22nd nationally, 4th in Jawa Timur
# (bangsaonline.com/amp/berita/113379; the numbers ranked are not given).
def test_published_ranks_are_in_the_data():
    jambi = se.load_dataset(JAMBI).published_ranks
    assert jambi[["region", "year", "code", "scope", "rank", "of"]].values.tolist() == [
        ["Kota Jambi", 2024, "FINAL", "national", 13, 191]
    ]
    assert "B-1478/DJAI/AI.01.02/11/2024" in jambi["source"].iloc[0]
    kediri = se.load_dataset(KEDIRI).published_ranks
    assert kediri[["scope", "rank", "area"]].values.tolist() == [
        ["national", 22, ""],
        ["province", 4, "Jawa Timur"],
    ]
    assert kediri["of"].isna().all()  # not published: never made up


def test_reproduce_lists_the_ranks_as_published_only(tmp_path, capsys):
    out = tmp_path / "repro.csv"
    assert main(["reproduce", str(KEDIRI), "--out", str(out), "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert "2 published rank(s) listed as published only" in err
    import pandas as pd

    from smartcity_eval.analysis.reproduction import REPRODUCE_COLUMNS

    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns) == list(REPRODUCE_COLUMNS)
    ranks = table[table["status"] == "published_only"]
    assert ranks[["code", "published", "basis"]].values.tolist() == [
        ["FINAL", 22.0, "rank_national"],
        ["FINAL", 4.0, "rank_province"],
    ]
    assert "province rank 4 in Jawa Timur as published; not recomputable" in ranks["note"].iloc[1]
    # the values that are compared are as before: the final matches
    final = table[(table["code"] == "FINAL") & (table["status"] != "published_only")]
    assert final.set_index("year").loc[2022, "status"] == "match"
    assert main(["reproduce", str(JAMBI), "--lang", "id"]) == 0
    assert "1 peringkat terbitan" in capsys.readouterr().err


def _headline_html(folder, region, year, lang):
    from smartcity_eval.reports import content, sections
    from smartcity_eval.reports.markup import render

    report = content.report_data(folder, region, year, lang)
    return report, re.sub(r"\s+", " ", render(sections.headline, report))


@pytest.mark.parametrize(
    ("lang", "rank_text", "own_text"),
    [
        ("id", "Peringkat nasional 13 dari 191 (terbitan)", "peringkat 1 dari 1 daerah"),
        ("en", "National rank 13 of 191 (published)", "rank 1 of 1 among this dataset"),
    ],
)
def test_letter_section_shows_the_published_rank(lang, rank_text, own_text):
    _, html = _headline_html(JAMBI, "Kota Jambi", 2024, lang)
    letter = html[html.index("<h3>") :]
    assert f"<li><strong>{rank_text}</strong> · {own_text}" in letter
    _, html = _headline_html(KEDIRI, "Kota Kediri", 2022, "en")
    assert "<strong>National rank 22 (published)</strong>" in html
    assert "<strong>Rank 4 in Jawa Timur (published)</strong>" in html


def test_every_published_headline_number_has_its_reproduction_line():
    _, html = _headline_html(JAMBI, "Kota Jambi", 2024, "en")
    card = html[html.index('<div class="card main">') : html.index("<h3>")]
    assert '<div class="value">3.48</div>' in card
    assert "published 3.48 · recomputed 3.475: match (within 0.01)" in card
    # Kutai Timur 2023 (illustrative): every card (FINAL, SCI, SPBE) has a published value and
    # one line each; the tolerance is shown with its digits (0.005, not rounded to 0.01)
    report, html = _headline_html("kutai_timur", "Kabupaten Kutai Timur", 2023, "en")
    letter = report["letter"].set_index("code")
    cards = html[: html.index("<h3>")].split('<div class="card')[2:]  # [1]: the "cards" box
    assert len(cards) == len(report["headline"]) == 3
    for card, data in zip(cards, report["headline"], strict=True):
        row = letter.loc[data["code"]]
        line = (
            f"published {row['published']:.2f} · recomputed {row['computed']:.3f}: "
            "match (within 0.005)"
        )
        assert card.count("published ") == 1 and line in card, data["code"]
    assert ">0.005</td>" in html and ">0.01</td>" not in html


def test_a_mismatch_shows_both_values_beside_the_published_number(tmp_path):
    copy = tmp_path / "kota_jambi"
    shutil.copytree(JAMBI, copy)
    pub = copy / "published.csv"
    pub.write_text(pub.read_text(encoding="utf-8").replace("FINAL,3.48", "FINAL,3.52"), "utf-8")
    _, html = _headline_html(copy, "Kota Jambi", 2024, "id")
    card = html[html.index('<div class="card main">') : html.index("<h3>")]
    assert '<div class="value">3.52</div>' in card  # the published value, as the letter
    assert (
        "terbitan 3.52 · dihitung ulang 3.475: tidak cocok (selisih -0.045, toleransi 0.01)" in card
    )


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("Kota Jambi,2024,FINAL,national,0,191,,x", "rank", "below 1"),
        ("Kota Jambi,2024,FINAL,national,200,191,,x", "of", "above the number ranked"),
        ("Kota Jambi,2024,FINAL,nasional,13,191,,x", "scope", "nasional"),
        ("Kota Jambi,2024,FINALE,national,13,191,,x", "code", "FINALE"),
        ("Kota Jambi,2024,FINAL,national,13.5,191,,x", "rank", "13.5"),
        ("Kota Jambi,2024,FINAL,national,,191,,x", "rank", "rank"),
    ],
)
def test_bad_published_ranks_are_refused_with_file_row_and_column(
    tmp_path, capsys, row, column, words
):
    copy = tmp_path / "kota_jambi"
    shutil.copytree(JAMBI, copy)
    (copy / "published_ranks.csv").write_text(
        "region,year,code,scope,rank,of,area,source\n" + row + "\n", encoding="utf-8"
    )
    with pytest.raises(se.DataError) as err:
        se.load_dataset(copy)
    problem = err.value.problems[0]
    assert problem.file.endswith("published_ranks.csv") and problem.row == 2
    assert problem.column == column and words in problem.message
    capsys.readouterr()
    assert main(["validate", str(copy), "--lang", "en"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_kutai_timur_spbe_rank_2023_is_a_published_fact():
    # regional news reports: SPBE 3.20 (Baik) in 2023, 2nd of 10 regencies/cities in Kaltim
    from smartcity_eval.analysis.published import published_only_rows

    ds = se.load_dataset("kutai_timur")
    rows = published_only_rows(ds)
    assert rows[["region", "year", "code", "published", "status", "basis"]].values.tolist() == [
        ["Kabupaten Kutai Timur", 2023, "SPBE", 2.0, "published_only", "rank_province"]
    ]
    assert "province rank 2 of 10 in Kalimantan Timur as published" in rows["note"].iloc[0]
    _, html = _headline_html("kutai_timur", "Kabupaten Kutai Timur", 2023, "id")
    assert "<strong>Peringkat 2 dari 10 di Kalimantan Timur (terbitan)</strong>" in html
    _, html = _headline_html("kutai_timur", "Kabupaten Kutai Timur", 2022, "id")
    assert "(terbitan)</strong>" not in html  # no published rank of 2022
