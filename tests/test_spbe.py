"""SPBE (PermenPANRB 59/2020): the index from 47 maturity levels, and the predicate bands.

Hand computation: index = sum over the 47 indicators of (weight % / 100) x level, with the
indicator weights of the regulation (shared/reference/spbe_2020_structure.csv):
10 x 1.3 (domain 1), 10 x 2.5 (domain 2), 11 x 1.5 (domain 3), 10 x 2.75 and 6 x 3.0 (domain 4).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from smartcity_eval import load_framework
from smartcity_eval.scoring.bands import assign_bands
from smartcity_eval.scoring.engine import score

DATA = Path(__file__).resolve().parents[1] / "data"


def _levels_frame(levels: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": "R",
            "year": 2023,
            "indicator": [f"SPBE.I{i:02d}" for i in range(1, 48)],
            "value": [float(v) for v in levels],
        }
    )


def _spbe_dataset(tmp_path, levels):
    """An SPBE dataset of two cities in 2023: Kota A at ``levels``, Kota B all at level 3."""
    from .conftest import write_dataset

    lines = ["region,year,indicator,value"]
    for region, values in (("Kota A", levels), ("Kota B", [3] * 47)):
        lines += [f"{region},2023,SPBE.I{i:02d},{v}" for i, v in enumerate(values, start=1)]
    return write_dataset(
        tmp_path / "spbe",
        {
            "dataset.toml": 'title = "SPBE"\nframework = "spbe_2020"\nillustrative = true\n'
            'lang = "id"\n[methods]\nnormalise = "none"\n',
            "observations.csv": "\n".join(lines) + "\n",
        },
    )


def test_spbe_index_equals_hand_computation():
    # Domain 1: all level 2; domain 2: 3,4 alternating; domain 3: level 1; domain 4: 5 then 3s.
    levels = [2] * 10 + [3, 4] * 5 + [1] * 11 + [5] * 10 + [3] * 6
    # 0.013*2*10 = 0.26; 0.025*(3+4)*5 = 0.875; 0.015*1*11 = 0.165; 0.0275*5*10 = 1.375;
    # 0.03*3*6 = 0.54  ->  3.215
    expected = 0.26 + 0.875 + 0.165 + 1.375 + 0.54
    fw = load_framework("spbe_2020")
    out = score(_levels_frame(levels), fw, normalise="none", bands=fw.bands)
    index = out.loc[out["code"] == "SPBE"].iloc[0]
    assert index["score"] == pytest.approx(expected, abs=1e-12)
    assert index["score"] == pytest.approx(3.215, abs=1e-12)
    assert index["band"] == "Good"
    # Domain 2 (Tata Kelola) is the weighted mean of its levels: (3+4)/2 = 3.5.
    d2 = out.loc[out["code"] == "SPBE.D2", "score"].item()
    assert d2 == pytest.approx(3.5, abs=1e-12)


@pytest.mark.parametrize(
    ("value", "label", "label_id"),
    [
        (1.0, "Poor", "Kurang"),
        (1.79, "Poor", "Kurang"),
        (1.8, "Fair", "Cukup"),
        (2.59, "Fair", "Cukup"),
        (2.6, "Good", "Baik"),
        (3.49, "Good", "Baik"),
        (3.5, "Very good", "Sangat Baik"),
        (4.19, "Very good", "Sangat Baik"),
        (4.2, "Satisfactory", "Memuaskan"),
        (5.0, "Satisfactory", "Memuaskan"),
    ],
)
def test_spbe_band_edges(value, label, label_id):
    fw = load_framework("spbe_2020")
    got = assign_bands([value], ["SPBE"], fw.bands, fw.root)
    got_id = assign_bands([value], ["SPBE"], fw.bands, fw.root, column="label_id")
    assert got[0] == label
    assert got_id[0] == label_id


def test_kutai_timur_published_spbe_index_is_reproduced():
    from smartcity_eval import load_dataset
    from smartcity_eval.scoring.engine import score_dataset

    ds = load_dataset("kutai_timur")
    out = score_dataset(ds, framework="spbe_2020")
    got = out[(out["code"] == "SPBE") & out["score"].notna()].set_index("year")["score"]
    assert [round(got[y] + 1e-9, 2) for y in (2021, 2022, 2023)] == [1.00, 2.79, 3.20]
    bands = out[(out["code"] == "SPBE") & out["score"].notna()].set_index("year")["band"]
    assert bands[2023] == "Good"  # published: "Baik"


# --------------------------------------------------------------------------------- as published
# All 47 indicators at level 3 give 3.00 (the weights sum to 100 %); 13 levels more in domain 1
# (+13 x 0.013 = 0.169), one in domain 4's 2.75 % indicators (+0.0275) and ten in its 3 %
# indicators (+10 x 0.03 = 0.30) give 3.4965: published (two decimals, half-up) as 3.50.
LEVELS_3_4965 = [5, 5, 5, 5, 5, 5, 4, 3, 3, 3] + [3] * 10 + [3] * 11 + [4] + [3] * 9 + [5] * 5 + [3]


def test_round_half_up_as_published():
    from smartcity_eval.scoring.bands import round_half_up

    assert round_half_up(3.4965) == 3.50
    assert round_half_up(2.675) == 2.68  # stored as 2.67499999...; published 2.68
    assert round_half_up(3.4949) == 3.49
    assert list(round_half_up([1.005, 3.125, float("nan")])[:2]) == [1.01, 3.13]


def test_spbe_index_3_4965_is_shown_3_50_sangat_baik(tmp_path, monkeypatch):
    import IPython.display as ipd

    from smartcity_eval.reports import content, sections

    assert sum(LEVELS_3_4965) == 47 * 3 + 13 + 1 + 10
    fw = load_framework("spbe_2020")
    out = score(_levels_frame(LEVELS_3_4965), fw, normalise="none", bands=fw.bands)
    index = out.loc[out["code"] == "SPBE"].iloc[0]
    assert index["score"] == pytest.approx(3.4965, abs=1e-12)
    assert index["band"] == "Very good"  # the band of 3.50, not of 3.4965 ("Good")
    assert assign_bands([3.4965], ["SPBE"], fw.bands, fw.root, column="label_id")[0] == (
        "Sangat Baik"
    )
    assert assign_bands([3.4949], ["SPBE"], fw.bands, fw.root)[0] == "Good"
    # the report of an SPBE dataset, in Bahasa Indonesia: 3.50 and the official predicate
    folder = _spbe_dataset(tmp_path, LEVELS_3_4965)
    report = content.report_data(folder, "Kota A", 2023, "id")
    card = report["headline"][0]
    assert card["code"] == "SPBE" and card["band"] == "Sangat Baik"
    shown = []
    monkeypatch.setattr(ipd, "display", lambda obj: shown.append(obj._repr_mimebundle_()))
    sections.headline(report)
    html = shown[0]["text/html"]
    assert '<div class="value">3.50</div>' in html and "Sangat Baik" in html
    assert "Baik</span>" not in html.replace("Sangat Baik</span>", "")


# ------------------------------------------------------------------- per domain and per aspect
# Levels by hand (PermenPANRB 59/2020 weights: D1 = A1 = 10 x 1.3 %; D2: A2, A3 4 x 2.5 %,
# A4 2 x 2.5 %; D3: A5 8 x 1.5 %, A6 3 x 1.5 %; D4: A7 10 x 2.75 %, A8 6 x 3 %):
#   D1/A1  5,5,5,5,5,5,4,3,3,3   -> 43 / 10 = 4.30 (Memuaskan)
#   D2     all 3                 -> 3.00 (Baik)
#   A5     4,4,4,4,3,2,2,2 (25)  -> 25 / 8 = 3.125: published 3.13 half-up (Python's round
#                                   gives 3.12), Baik
#   A6     3,3,3                 -> 3.00;  D3 = (1.5 x 25 + 1.5 x 9) / 16.5 = 34 / 11 = 3.0909
#   A7     4 then nine 3s (31)   -> 3.10 (Baik);  A8: 5,5,5,5,5,3 (28) -> 4.6667 -> 4.67
#   D4     (2.75 x 31 + 3 x 28) / 45.5 = 169.25 / 45.5 = 3.71978 -> 3.72 (Sangat Baik)
LEVELS_DOMAINS = (
    [5, 5, 5, 5, 5, 5, 4, 3, 3, 3]
    + [3] * 10
    + [4, 4, 4, 4, 3, 2, 2, 2, 3, 3, 3]
    + [4]
    + [3] * 9
    + [5] * 5
    + [3]
)
EXPECTED_DOMAINS = {
    # code: (score by hand, shown, predicate id, predicate en)
    "SPBE.D1": (4.3, "4.30", "Memuaskan", "Satisfactory"),
    "SPBE.A1": (4.3, "4.30", "Memuaskan", "Satisfactory"),
    "SPBE.D2": (3.0, "3.00", "Baik", "Good"),
    "SPBE.A5": (25 / 8, "3.13", "Baik", "Good"),
    "SPBE.A6": (3.0, "3.00", "Baik", "Good"),
    "SPBE.D3": (34 / 11, "3.09", "Baik", "Good"),
    "SPBE.A7": (3.1, "3.10", "Baik", "Good"),
    "SPBE.A8": (28 / 6, "4.67", "Memuaskan", "Satisfactory"),
    "SPBE.D4": (169.25 / 45.5, "3.72", "Sangat Baik", "Very good"),
}


def _profile(levels, lang):
    from smartcity_eval.analysis.spbe import spbe_profile

    fw = load_framework("spbe_2020")
    out = score(_levels_frame(levels), fw, normalise="none", bands=fw.bands)
    return spbe_profile(out, fw, region="R", year=2023, lang=lang).set_index("code")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_domain_and_aspect_indices_equal_the_hand_computation(lang):
    from smartcity_eval.present.numbers import fmt

    assert len(LEVELS_DOMAINS) == 47
    prof = _profile(LEVELS_DOMAINS, lang)
    # the index, 4 domains and 8 aspects, in framework order, nothing else
    assert list(prof.index) == [
        "SPBE", "SPBE.D1", "SPBE.A1", "SPBE.D2", "SPBE.A2", "SPBE.A3", "SPBE.A4",
        "SPBE.D3", "SPBE.A5", "SPBE.A6", "SPBE.D4", "SPBE.A7", "SPBE.A8",
    ]  # fmt: skip
    assert prof["level"].tolist() == [0, 1, 2, 1, 2, 2, 2, 1, 2, 2, 1, 2, 2]
    for code, (value, shown, label_id, label_en) in EXPECTED_DOMAINS.items():
        row = prof.loc[code]
        assert row["score"] == pytest.approx(value, abs=1e-12), code
        assert fmt(row["shown"]) == shown, code
        assert row["predicate"] == (label_id if lang == "id" else label_en), code
        assert row["band"] == label_en, code
    # weights: the share of the index in percent (regulation: D4 45.5 %, A6 4.5 %)
    assert prof.loc["SPBE.D4", "weight"] == pytest.approx(45.5)
    assert prof.loc["SPBE.A6", "weight"] == pytest.approx(4.5)
    assert prof.loc["SPBE", "weight"] == pytest.approx(100)
    # the index is the weight-share mean of the domains
    domains = prof[prof["level"] == 1]
    assert prof.loc["SPBE", "score"] == pytest.approx(
        (domains["weight"] * domains["score"]).sum() / 100, abs=1e-12
    )
    assert prof.loc["SPBE.D1", "name"] == (
        "Kebijakan Internal SPBE" if lang == "id" else "SPBE internal policy"
    )


def test_index_predicate_in_the_profile_is_that_of_the_value_as_published():
    # the 3.4965 case above: published 3.50, so "Sangat Baik" (3.4965 itself is in "Baik")
    prof = _profile(LEVELS_3_4965, "id")
    assert prof.loc["SPBE", "score"] == pytest.approx(3.4965, abs=1e-12)
    assert prof.loc["SPBE", "shown"] == pytest.approx(3.50)
    assert prof.loc["SPBE", "predicate"] == "Sangat Baik"
    assert prof.loc["SPBE", "band"] == "Very good"


def test_spbe_figure_is_on_the_full_scale_with_the_band_edges():
    from smartcity_eval.analysis.spbe import spbe_tables
    from smartcity_eval.present.spbe_figures import spbe_bars

    fw = load_framework("spbe_2020")
    out = score(_levels_frame(LEVELS_DOMAINS), fw, normalise="none", bands=fw.bands)
    data = spbe_tables({"spbe_2020": out}, {"spbe_2020": fw}, "R", 2023, "id")
    assert data["scale"] == (0.0, 5.0)
    assert data["edges"] == [1.8, 2.6, 3.5, 4.2]
    assert data["bands"]["label"].tolist() == [
        "Kurang", "Cukup", "Baik", "Sangat Baik", "Memuaskan"
    ]  # fmt: skip
    fig = spbe_bars(
        data["profile"], scale=data["scale"], edges=data["edges"], bands=data["bands"],
        title="t", xlabel="x",
    )  # fmt: skip
    ax = fig.axes[0]
    assert ax.get_xlim() == (0.0, 5.0)  # the full scale of the predicates, never zoomed
    index = float(data["profile"].set_index("code").at["SPBE", "shown"])
    lines = {round(float(line.get_xdata()[0]), 4) for line in ax.get_lines()}
    assert lines == {1.8, 2.6, 3.5, 4.2, index}  # the band edges and the index
    shown = data["profile"].query("level >= 1")["shown"]
    assert sorted(round(p.get_width(), 2) for p in ax.patches) == sorted(shown.round(2))
    assert len(ax.patches) == 12  # 4 domains + 8 aspects
    texts = {t.get_text() for t in ax.texts}
    assert {"3.72 Sangat Baik", "3.13 Baik", "4.67 Memuaskan"} <= texts
    assert {"Kurang", "Memuaskan"} <= texts
    # no SPBE tree, or no score of the region: no SPBE part
    assert spbe_tables({"spbe_2020": out}, {"spbe_2020": fw}, "Other", 2023, "id") is None


def test_report_of_an_spbe_dataset_has_the_domain_table_and_figure(tmp_path):
    from smartcity_eval.reports import content, sections
    from smartcity_eval.reports.markup import render

    folder = _spbe_dataset(tmp_path, LEVELS_DOMAINS)
    for lang, word, heading in (("id", "Sangat Baik", "Indeks SPBE per domain dan aspek"),
                                ("en", "Very good", "SPBE index per domain and aspect")):  # fmt: skip
        report = content.report_data(folder, "Kota A", 2023, lang)
        html = render(sections.spbe, report)
        assert heading in html and '<img src="data:image/svg+xml;base64,' in html
        rows = {}
        for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S):
            cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
            if cells:
                rows[cells[0]] = cells
        assert rows["SPBE.D4"][4:] == ["3.72", word]
        assert rows["SPBE.A5"][4] == "3.13"  # 3.125 half-up, as published
        assert rows["SPBE.D3"][3:5] == ["16.5", "3.09"]
        assert len(rows) == 13
        # the section is part of the whole report, once, after the pillar profile
        whole = sections.all_sections(report)
        assert whole.count('id="sec.spbe"') == 1
    # a report of a dataset without an SPBE tree has no SPBE part and no section
    jambi = content.report_data(DATA / "kota_jambi", "Kota Jambi", 2024, "en")
    assert jambi["spbe"] is None
    assert render(sections.spbe, jambi) == ""


@pytest.mark.parametrize(
    ("published", "band", "status"),
    [("3.50", "Sangat Baik", "cocok"), ("3.49", "Baik", "tidak cocok")],
)
def test_headline_shows_the_published_value_with_its_own_predicate(
    tmp_path, published, band, status
):
    # computed 3.4965 (LEVELS_3_4965); published 3.50: |difference| 0.0035 <= 0.005, a match;
    # published 3.49: 0.0065 > 0.005, a mismatch. The card shows the published value and the
    # predicate of that value, never the predicate of another number.
    from smartcity_eval.reports import content, sections
    from smartcity_eval.reports.markup import render

    folder = _spbe_dataset(tmp_path, LEVELS_3_4965)
    (folder / "published.csv").write_text(
        f"region,year,code,score\nKota A,2023,SPBE,{published}\n", encoding="utf-8"
    )
    report = content.report_data(folder, "Kota A", 2023, "id")
    card = report["headline"][0]
    assert card["score"] == pytest.approx(3.4965, abs=1e-12)  # the computed value is kept
    assert card["shown"] == pytest.approx(float(published)) and card["band"] == band
    html = render(sections.headline, report)
    main = html[html.index('<div class="card main">') : html.index("<h3>")]
    assert f'<div class="value">{published}</div>' in main
    assert f'<span class="pill">{band}</span>' in main
    assert f"terbitan {published} · dihitung ulang 3.497: {status}" in main  # 3.4965 -> 3.497
