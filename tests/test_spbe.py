"""SPBE (PermenPANRB 59/2020): the index from 47 maturity levels, and the predicate bands.

Hand computation: index = sum over the 47 indicators of (weight % / 100) x level, with the
indicator weights of the regulation (shared/reference/spbe_2020_structure.csv):
10 x 1.3 (domain 1), 10 x 2.5 (domain 2), 11 x 1.5 (domain 3), 10 x 2.75 and 6 x 3.0 (domain 4).
"""

from __future__ import annotations

import pandas as pd
import pytest

from smartcity_eval import load_framework
from smartcity_eval.scoring.bands import assign_bands
from smartcity_eval.scoring.engine import score


def _levels_frame(levels: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": "R",
            "year": 2023,
            "indicator": [f"SPBE.I{i:02d}" for i in range(1, 48)],
            "value": [float(v) for v in levels],
        }
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

    from .conftest import write_dataset

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
    lines = ["region,year,indicator,value"]
    for region, levels in (("Kota A", LEVELS_3_4965), ("Kota B", [3] * 47)):
        lines += [f"{region},2023,SPBE.I{i:02d},{v}" for i, v in enumerate(levels, start=1)]
    folder = write_dataset(
        tmp_path / "spbe",
        {
            "dataset.toml": 'title = "SPBE"\nframework = "spbe_2020"\nillustrative = true\n'
            'lang = "id"\n[methods]\nnormalise = "none"\n',
            "observations.csv": "\n".join(lines) + "\n",
        },
    )
    report = content.report_data(folder, "Kota A", 2023, "id")
    card = report["headline"][0]
    assert card["code"] == "SPBE" and card["band"] == "Sangat Baik"
    shown = []
    monkeypatch.setattr(ipd, "display", lambda obj: shown.append(obj._repr_mimebundle_()))
    sections.headline(report)
    html = shown[0]["text/html"]
    assert '<div class="value">3.50</div>' in html and "Sangat Baik" in html
    assert "Baik</span>" not in html.replace("Sangat Baik</span>", "")
