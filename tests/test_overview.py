"""The province overview: every region ranked by the official index, checked by hand."""

from __future__ import annotations

import pytest

import smartcity_eval as se
from smartcity_eval.reports.manifest import render_index
from smartcity_eval.reports.overview import overview_data, overview_sheets


@pytest.fixture(scope="module")
def ev():
    return se.evaluate("kutai_timur")


def test_overview_ranks_every_region_by_the_official_index(ev):
    data = overview_data(ev, "en")
    official = ev.scores_of(ev.settings.index_framework)
    top = official[official["level"] == 0]
    latest = int(top["year"].max())
    assert data["year"] == latest and data["previous_year"] == latest - 1
    assert len(data["rows"]) == 10
    assert [r["rank"] for r in data["rows"]] == sorted(r["rank"] for r in data["rows"])
    assert len(data["dimensions"]) == 5 and len(data["pillars"]) == 6
    row = data["rows"][0]
    now = top[(top["region"] == row["region"]) & (top["year"] == latest)].iloc[0]
    before = top[(top["region"] == row["region"]) & (top["year"] == latest - 1)].iloc[0]
    assert row["score"] == pytest.approx(now["score"])
    assert row["change"] == pytest.approx(now["score"] - before["score"])  # by hand
    assert row["rank_change"] == pytest.approx(before["rank"] - now["rank"])  # up = positive
    dims = official[(official["level"] == 1) & (official["year"] == latest)]
    first_dim = next(iter(data["dimensions"]))
    want = dims[(dims["region"] == row["region"]) & (dims["code"] == first_dim)]["score"].iloc[0]
    assert row["dimensions"][first_dim] == pytest.approx(want)


def test_index_page_shows_the_overview_and_links_the_reports(ev):
    data = overview_data(ev, "id")
    region = data["rows"][0]["region"]
    manifest = {
        "dataset": "kutai_timur",
        "overview": data,
        "reports": [
            {
                "region": region,
                "year": data["year"],
                "status": "ok",
                "files": {"html": "a/2024/report.html", "pdf": "a/2024/report.pdf"},
                "headline": {"score": 3.0},
            }
        ],
    }
    page = render_index(manifest, "id")
    assert "Peringkat" in page and "<svg" in page
    assert all(r["region"] in page for r in data["rows"])
    assert 'href="a/2024/report.html"' in page and 'href="a/2024/report.pdf"' in page
    sheets = overview_sheets(data, "id")
    ranking = next(iter(sheets.values()))
    assert len(ranking) == 10 and ranking.iloc[0]["Daerah"] == region
