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
