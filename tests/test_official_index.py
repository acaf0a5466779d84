"""The official index is the headline (issue #12).

Kominfo's result letter ("Pemberitahuan Hasil Evaluasi Smart City", Ditjen Aptika) publishes
the "nilai Final": 0.1 baseline + 0.2 output + 0.3 outcome + 0.2 impact + 0.2 quick win
(data/frameworks/kominfo_components/README.md; Kota Jambi 2024, jambikota.go.id/content/931).
A Kominfo dataset names that tree in ``dataset.toml [methods] index_framework``; the
report's first number, the manifest and the index page, the priorities and the robustness
analysis use it. The pillar mean is shown after it as "Rata-rata pilar".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import smartcity_eval as se
from smartcity_eval.reports import content, sections
from smartcity_eval.reports.worker import HEADLINE_MIME

DATA = Path(__file__).resolve().parents[1] / "data"
KUTAI = DATA / "kutai_timur"
REGION = "Kabupaten Kutai Timur"
WEIGHTS = {"BASELINE": 0.1, "OUTPUT": 0.2, "OUTCOME": 0.3, "IMPACT": 0.2, "QUICK_WIN": 0.2}
FIRST_NUMBER = re.compile(r'<div class="card main">.*?<div class="value">([^<]+)</div>', re.S)


@pytest.fixture(scope="module")
def ev():
    return se.evaluate(KUTAI)


def _by_hand(ev, region: str, year: int) -> float:
    """The five dimension scores of the components tree, weighted 10/20/30/20/20 by hand."""
    table = ev.scores_of("kominfo_components")
    rows = table[(table["region"] == region) & (table["year"] == year)].set_index("code")
    return sum(w * float(rows.at[code, "score"]) for code, w in WEIGHTS.items())


def test_dataset_names_the_official_index(ev):
    assert ev.settings.index_framework == "kominfo_components"
    assert ev.index_framework().root == "FINAL"
    assert ev.index_framework().label("FINAL", "id") == "Indeks Smart City (nilai final)"
    assert ev.index_framework().label("FINAL", "en") == "Smart City Index (final score)"
    assert ev.framework().label("SCI", "id").startswith("Rata-rata pilar")


def test_index_is_the_weighted_dimensions(ev):
    index = ev.index
    assert set(index["code"]) == {"FINAL"}
    row = index[(index["region"] == REGION) & (index["year"] == 2024)].iloc[0]
    assert row["score"] == pytest.approx(_by_hand(ev, REGION, 2024), abs=1e-9)
    assert round(row["score"], 2) == 3.20  # 3.14 before the items were re-mapped (issue #12)
    published = ev.dataset.published
    pub = published[
        (published["region"] == REGION)
        & (published["year"] == 2024)
        & (published["code"] == "FINAL")
    ]["score"]
    assert float(pub.iloc[0]) == pytest.approx(row["score"], abs=0.005)


def test_report_headline_is_the_official_index_then_the_pillar_mean(ev, monkeypatch):
    import IPython.display as ipd

    report = content.report_data(ev, REGION, 2024, "id")
    first, second = report["headline"][:2]
    assert first["code"] == "FINAL" and first["label"] == "Indeks Smart City (nilai final)"
    assert first["score"] == pytest.approx(_by_hand(ev, REGION, 2024), abs=1e-9)
    assert second["code"] == "SCI" and second["label"].startswith("Rata-rata pilar")
    # the masterplan target and the trajectory are on the official index, not the pillar mean
    assert first["target"] == pytest.approx(3.10) and first["target_status_en"] == "on track"
    assert first["target_origin"] == "region"
    assert not second.get("target_status_en")
    shown = []
    monkeypatch.setattr(ipd, "display", lambda obj: shown.append(obj._repr_mimebundle_()))
    sections.headline(report)
    (bundle,) = shown
    html = bundle["text/html"]
    assert FIRST_NUMBER.search(html).group(1) == "3.20"
    assert html.index("Indeks Smart City (nilai final)") < html.index("Rata-rata pilar")
    data = bundle[HEADLINE_MIME]
    assert data["code"] == "FINAL" and data["label"] == "Indeks Smart City (nilai final)"
    assert data["score"] == pytest.approx(first["score"], abs=1e-6)


def test_priorities_are_against_the_official_index_and_say_so(ev, monkeypatch):
    import IPython.display as ipd

    report = content.report_data(ev, REGION, 2024, "en")
    table = report["priorities"]
    assert set(table["index"]) == {"FINAL"}
    # one more level of a quick-win item adds its effective weight: 0.2 / 8 items = 0.025
    first = table.iloc[0]
    assert first["parent"] == "QUICK_WIN" and first["gain_per_level"] == pytest.approx(0.025)
    shown = []
    monkeypatch.setattr(ipd, "display", lambda obj: shown.append(obj._repr_mimebundle_()))
    sections.priorities(report)
    html = shown[0]["text/html"] if isinstance(shown[0], dict) else str(shown[0])
    assert "Gains are computed against Smart City Index (final score) (FINAL)" in html


def test_manifest_and_index_page_use_the_same_number(ev, tmp_path, capsys):
    from smartcity_eval.cli.main import main

    out = tmp_path / "reports"
    code = main(
        ["reports", str(KUTAI), "--out", str(out), "--jobs", "1", "--years", "2024"]
        + ["--regions", REGION, "--lang", "id", "--no-progress"]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    root = out / "kutai_timur"
    data = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = data["reports"]
    expected = _by_hand(ev, REGION, 2024)
    assert entry["headline"]["code"] == "FINAL"
    assert entry["headline"]["score"] == pytest.approx(expected, abs=1e-6)
    assert data["index_label"] == "Indeks Smart City (nilai final)"
    html = (root / entry["files"]["html"]).read_text(encoding="utf-8")
    assert FIRST_NUMBER.search(html).group(1) == f"{expected:.2f}" == "3.20"
    index = (root / "index.html").read_text(encoding="utf-8")
    assert "3.20" in index and "Indeks Smart City (nilai final)" in index


def test_robustness_is_of_the_official_index(ev):
    summary = ev.robustness(REGION, 2024, n=10)["summary"]
    assert set(summary["code"]) == {"FINAL"}
    assert int(summary["nominal_rank"].iloc[0]) == int(
        ev.index.query("region == @REGION and year == 2024")["rank"].iloc[0]
    )
