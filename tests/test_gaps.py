"""Gap analysis (smartcity_eval.analysis: targets, trajectories, changes, peers, ...) against hand computations on small data.

Every expected number below is worked out by hand in the comment next to it. The fixture
tree (``TREE``):

    IDX (index)
      A  weight 2 -> A1, A2  (levels 1-5, higher is better)
      B  weight 1 -> B1      (kg of waste, 0-100, LOWER is better, default target 20)

so the effective weights are A1 = A2 = 2/3 x 1/2 = 1/3 and B1 = 1/3.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from smartcity_eval import vocab
from smartcity_eval.analysis.changes import change, change_drivers
from smartcity_eval.analysis.gapset import COLUMNS, combine, gap_report
from smartcity_eval.analysis.peers import peer_comparison
from smartcity_eval.analysis.priority import priorities
from smartcity_eval.analysis.strengths import strengths_weaknesses
from smartcity_eval.analysis.targets import (
    achievement_band,
    pct_achieved,
    resolve_targets,
    target_gaps,
)
from smartcity_eval.analysis.trajectories import trajectory
from smartcity_eval.analysis.verification import self_vs_verified
from smartcity_eval.errors import DataError
from smartcity_eval.io.frameworks import DATA_DIR, load_framework
from smartcity_eval.present.text import render_text
from smartcity_eval.settings import dataset_settings

TREE = """code,parent,name,name_id,weight,direction,unit,lower,upper,target
IDX,,Index,Indeks,1,,,,,
A,IDX,Pillar A,Pilar A,2,,,,,
B,IDX,Pillar B,Pilar B,1,,,,,
A1,A,Item A1,Butir A1,1,1,level,1,5,
A2,A,Item A2,Butir A2,1,1,level,1,5,
B1,B,Waste,Sampah,1,-1,kg,0,100,20
"""

# the same three indicators in another tree (like kominfo_components over the pillar tree)
OTHER = """code,parent,name,weight,direction,lower,upper
FINAL,,Final,1,,,
C1,FINAL,Component 1,1,,,
C2,FINAL,Component 2,3,,,
A1,C1,Item A1,1,1,1,5
B1,C1,Waste,1,-1,0,100
A2,C2,Item A2,1,1,1,5
"""

# ten items for the self-assessment test: E1 has I1..I8, E2 has J1..J3
SELF_TREE = "code,parent,name,weight,direction,lower,upper\nIDX,,Index,1,,,\n" + "".join(
    f"{e},IDX,{e},1,,,\n" for e in ("E1", "E2")
)
SELF_TREE += "".join(f"I{i},E1,I{i},1,1,1,5\n" for i in range(1, 9))
SELF_TREE += "".join(f"J{i},E2,J{i},1,1,1,5\n" for i in range(1, 4))


def _framework(tmp_path, text, name):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "framework.csv").write_text(text, encoding="utf-8")
    return load_framework(folder)


@pytest.fixture
def tree(tmp_path):
    return _framework(tmp_path, TREE, "tree")


@pytest.fixture
def other(tmp_path):
    return _framework(tmp_path, OTHER, "other")


def _rows(records):
    """records: (region, year, code, score[, raw]) -> a scores frame."""
    out = pd.DataFrame(
        [r if len(r) == 5 else (*r, np.nan) for r in records],
        columns=["region", "year", "code", "score", "raw"],
    )
    return out


def _score_tree(raw):
    """Score TREE by hand as normalise='none' + arithmetic means would.

    raw: {(region, year): {"A1": v, "A2": v, "B1": v}} (missing key = missing value).
    Leaves: score = raw x direction; A = mean of A1, A2 present; B = -B1;
    IDX = (2 A + 1 B) / 3 over A, B present.
    """
    rows = []
    for (region, year), values in raw.items():
        a = [values[c] for c in ("A1", "A2") if c in values]
        A = sum(a) / len(a) if a else math.nan
        B = -values["B1"] if "B1" in values else math.nan
        parts = [(2, A), (1, B)]
        present = [(w, x) for w, x in parts if not math.isnan(x)]
        idx = sum(w * x for w, x in present) / sum(w for w, _ in present)
        rows += [
            (region, year, "IDX", idx),
            (region, year, "A", A),
            (region, year, "B", B),
        ]
        for code, d in (("A1", 1), ("A2", 1), ("B1", -1)):
            v = values.get(code, math.nan)
            rows.append((region, year, code, d * v, v))
    return _rows(rows)


def _row(frame, **where):
    sel = frame
    for key, value in where.items():
        sel = sel.loc[sel[key] == value]
    assert len(sel) == 1, f"{where}: {len(sel)} rows"
    return sel.iloc[0]


# ----------------------------------------------------------------------------- 1. targets
def test_pct_achieved_direction_and_cap():
    # 2.4 / 3 = 80 %; met (3.0) and exceeded (3.6) are capped at 100
    assert pct_achieved([2.4, 3.0, 3.6], 3.0).tolist() == pytest.approx([80.0, 100.0, 100.0])
    # lower is better: 20 / 40 = 50 %; 20 and 10 meet the target 20
    assert pct_achieved([40.0, 20.0, 10.0], 20.0, -1).tolist() == [50.0, 100.0, 100.0]
    # a negative actual against a positive target: 0, not a negative percentage
    assert float(pct_achieved(-1.0, 2.0)) == 0.0
    # zero waste target, 5 kg actual: 0 % (not a division by zero)
    assert float(pct_achieved(5.0, 0.0, -1)) == 0.0
    # undefined ratios and missing values
    assert np.isnan(pct_achieved(-3.0, -1.0)).all()
    assert np.isnan(pct_achieved(np.nan, 3.0)).all()
    assert np.isnan(pct_achieved(2.0, np.nan)).all()


def test_achievement_band_boundaries_en_id():
    pct = [100, 95, 94.99, 66, 65.99, 33, 32.99, 0, np.nan]
    assert achievement_band(pct).tolist() == [
        "achieved",
        "achieved",
        "near",
        "near",
        "midway",
        "midway",
        "far",
        "far",
        "",
    ]
    assert achievement_band([96, 70, 40, 10], "id").tolist() == [
        "tercapai",
        "mendekati",
        "separuh jalan",
        "jauh",
    ]


def test_resolve_targets_precedence(tree):
    targets = pd.DataFrame(
        {
            "region": ["*", "R1", "R2", "R9", "*"],
            "year": [2023, 2023, 2022, 2023, 2023],
            "code": ["IDX", "IDX", "A", "IDX", "ZZZ"],
            "target": [3.0, 3.2, 2.5, 9.0, 1.0],
        }
    )
    out = resolve_targets(targets, tree, ["R1", "R2"], [2023])
    got = {(r, y, c): (t, s) for r, y, c, t, s in out.itertuples(index=False)}
    assert got == {
        ("R1", 2023, "IDX"): (3.2, "region"),  # own row wins over "*"
        ("R2", 2023, "IDX"): (3.0, "all"),  # the "*" row
        ("R2", 2022, "A"): (2.5, "region"),
        ("R1", 2023, "B1"): (20.0, "framework"),  # framework default, years given only
        ("R2", 2023, "B1"): (20.0, "framework"),
    }
    # without years, no framework defaults (they have no year)
    assert "framework" not in set(resolve_targets(targets, tree, ["R1"])["target_source"])


def test_target_gaps_hand_values(tree):
    scores = _rows(
        [
            ("R1", 2023, "IDX", 2.7),
            ("R1", 2023, "A", 0.5),
            ("R1", 2023, "A1", 0.35, 2.4),  # normalised score 0.35, raw 2.4: raw is used
            ("R1", 2023, "A2", np.nan, np.nan),
            ("R1", 2023, "B1", 0.6, 40.0),
            ("R2", 2023, "IDX", 2.0),
            ("R2", 2023, "B1", 0.85, 15.0),
        ]
    )
    targets = pd.DataFrame(
        {
            "region": ["R1", "R1", "R1", "*"],
            "year": [2023, 2023, 2023, 2023],
            "code": ["IDX", "A1", "A2", "IDX"],
            "target": [2.5, 3.0, 3.0, 2.5],
        }
    )
    out = target_gaps(scores, tree, targets)
    assert list(out.columns) == list(COLUMNS["targets"])
    idx = _row(out, region="R1", code="IDX")  # exceeded: 2.7 vs 2.5
    assert idx["gap"] == pytest.approx(-0.2)
    assert idx["pct_achieved"] == 100.0 and idx["band"] == "achieved"
    assert idx["band_id"] == "tercapai" and idx["target_source"] == "region"
    a1 = _row(out, region="R1", code="A1")  # 3.0 - 2.4 = 0.6; 2.4 / 3 = 80 %
    assert a1["actual"] == 2.4 and a1["gap"] == pytest.approx(0.6)
    assert a1["pct_achieved"] == pytest.approx(80.0) and a1["band"] == "near"
    assert a1["level"] == 2
    b1 = _row(out, region="R1", code="B1")  # lower is better: 40 - 20 = 20; 20/40 = 50 %
    assert b1["direction"] == -1 and b1["target_source"] == "framework"
    assert b1["gap"] == pytest.approx(20.0) and b1["pct_achieved"] == pytest.approx(50.0)
    assert b1["band"] == "midway" and b1["band_id"] == "separuh jalan"
    b1_met = _row(out, region="R2", code="B1")  # 15 kg against 20: exceeded by 5
    assert b1_met["gap"] == pytest.approx(-5.0) and b1_met["pct_achieved"] == 100.0
    r2 = _row(out, region="R2", code="IDX")  # "*" target 2.5, actual 2.0: 80 %
    assert r2["target_source"] == "all" and r2["pct_achieved"] == pytest.approx(80.0)
    a2 = _row(out, region="R1", code="A2")  # missing actual
    assert np.isnan(a2["gap"]) and np.isnan(a2["pct_achieved"]) and a2["band"] == ""


def test_target_gaps_no_targets_is_empty_with_columns(tmp_path):
    fw = _framework(tmp_path, TREE.replace(",20\n", ",\n"), "notarget")
    out = target_gaps(_rows([("R1", 2023, "IDX", 2.0)]), fw, None)
    assert out.empty and list(out.columns) == list(COLUMNS["targets"])


# ----------------------------------------------------------------------------- 2. trajectory
@pytest.fixture
def plan():
    rows = [
        # R1: 2022 not evaluated at all (missing year)
        ("R1", 2021, "IDX", 2.0),
        ("R1", 2023, "IDX", 2.6),
        ("R2", 2021, "IDX", 2.0),
        ("R2", 2022, "IDX", 2.2),
        ("R2", 2023, "IDX", 2.4),
        ("R3", 2021, "IDX", 2.0),
        ("R3", 2022, "IDX", 2.05),
        ("R3", 2023, "IDX", 2.1),
        ("R4", 2023, "IDX", 3.3),
        ("R5", 2023, "IDX", 2.5),
        ("R1", 2021, "B1", -50.0, 50.0),
        ("R1", 2023, "B1", -40.0, 40.0),
        ("R2", 2021, "B1", -30.0, 30.0),
        ("R2", 2023, "B1", -18.0, 18.0),
        ("R3", 2021, "B1", -40.0, 40.0),
        ("R3", 2023, "B1", -45.0, 45.0),
    ]
    targets = pd.DataFrame(
        {
            "region": ["*", "*", "*", "*", "*"],
            "year": [2022, 2023, 2025, 2025, 2023],
            "code": ["IDX", "IDX", "IDX", "B1", "A"],
            "target": [2.4, 2.8, 3.2, 20.0, 3.0],
        }
    )
    return _rows(rows), targets


def test_trajectory_status_rule_hand_values(tree, plan):
    scores, targets = plan
    out = trajectory(scores, tree, targets, years=2023)
    assert list(out.columns) == list(COLUMNS["trajectory"])
    # A has only a 2023 target: nothing lies ahead, so no trajectory row
    assert "A" not in set(out["code"])
    r1 = _row(out, region="R1", code="IDX")
    # plan starts 2022 -> baseline 2021 (2.0); required (3.2 - 2.0) / (2025 - 2021) = 0.3
    # actual (2.6 - 2.0) / (2023 - 2021) = 0.3 despite the missing 2022; projected 3.2
    assert (r1["baseline_year"], r1["current_year"], r1["target_year"]) == (2021, 2023, 2025)
    assert r1["required_change"] == pytest.approx(0.3)
    assert r1["actual_change"] == pytest.approx(0.3)
    assert r1["pace_ratio"] == pytest.approx(1.0)
    assert r1["projected"] == pytest.approx(3.2)
    assert r1["required_change_from_now"] == pytest.approx(0.3)  # (3.2 - 2.6) / 2
    assert r1["status"] == "on track" and r1["status_id"] == "sesuai jalur"
    r2 = _row(out, region="R2", code="IDX")
    # actual (2.4 - 2.0) / 2 = 0.2, pace 0.2 / 0.3 = 2/3 >= 0.5, projected 2.4 + 0.4 = 2.8
    assert r2["pace_ratio"] == pytest.approx(2 / 3) and r2["projected"] == pytest.approx(2.8)
    assert r2["status"] == "at risk" and r2["status_id"] == "berisiko"
    r3 = _row(out, region="R3", code="IDX")
    # actual 0.05 a year: pace 1/6 < 0.5, projected 2.2
    assert r3["pace_ratio"] == pytest.approx(1 / 6) and r3["projected"] == pytest.approx(2.2)
    assert r3["status"] == "off track" and r3["status_id"] == "tertinggal"
    # R4 already at 3.3 >= 3.2 with a single year: on track (target already met)
    assert _row(out, region="R4", code="IDX")["status"] == "on track"
    # R5: one year, below the target: no pace
    r5 = _row(out, region="R5", code="IDX")
    assert r5["status"] == "insufficient data" and np.isnan(r5["actual_change"])


def test_trajectory_negative_direction(tree, plan):
    scores, targets = plan
    out = trajectory(scores, tree, targets, years=2023)
    b1 = _row(out, region="R1", code="B1")
    # only a 2025 target: the year before it (2023) is the current year, so the baseline is
    # the first year, 2021 (50 kg). required (20 - 50) / 4 = -7.5 a year; actual
    # (40 - 50) / 2 = -5; pace 2/3; projected 40 - 5 x 2 = 30 kg > 20: at risk
    assert b1["direction"] == -1 and b1["baseline_year"] == 2021 and b1["baseline"] == 50.0
    assert b1["current"] == 40.0  # raw value, not the score -40
    assert b1["required_change"] == pytest.approx(-7.5)
    assert b1["actual_change"] == pytest.approx(-5.0)
    assert b1["pace_ratio"] == pytest.approx(2 / 3)
    assert b1["projected"] == pytest.approx(30.0)
    assert b1["status"] == "at risk"
    # R2 is at 18 kg, already below the 20 kg target: on track
    assert _row(out, region="R2", code="B1")["status"] == "on track"
    # R3 went from 40 to 45 kg: moving away. required (20 - 40) / 4 = -5, actual
    # (45 - 40) / 2 = +2.5: pace -0.5, off track
    b3 = _row(out, region="R3", code="B1")
    assert b3["pace_ratio"] == pytest.approx(-0.5) and b3["status"] == "off track"
    assert b3["projected"] == pytest.approx(50.0)


def test_trajectory_every_year_and_baseline_override(tree, plan):
    scores, targets = plan
    every = trajectory(scores, tree, targets)
    assert sorted(every["year"].unique()) == [2021, 2022, 2023]
    # R1 evaluated in 2022 (missing): current is 2021 = baseline -> no pace yet
    r1_2022 = _row(every, region="R1", code="IDX", year=2022)
    assert r1_2022["current_year"] == 2021 and r1_2022["status"] == "insufficient data"
    forced = trajectory(scores, tree, targets, years=[2023], baseline_year=2022)
    r2 = _row(forced, region="R2", code="IDX")
    # baseline 2022 (2.2): required (3.2 - 2.2) / 3 = 1/3; actual 0.2 / 1; pace 0.6
    assert r2["required_change"] == pytest.approx(1 / 3)
    assert r2["actual_change"] == pytest.approx(0.2)
    assert r2["pace_ratio"] == pytest.approx(0.6) and r2["status"] == "at risk"


# ----------------------------------------------------------------------------- 3. change
@pytest.fixture
def history():
    return _score_tree(
        {
            ("R1", 2021): {"A1": 2.0, "A2": 3.0, "B1": 50.0},
            # R1 was not evaluated in 2022
            ("R1", 2023): {"A1": 3.0, "A2": 3.0, "B1": 40.0},
            ("R2", 2022): {"A1": 3.0, "A2": 4.0, "B1": 30.0},
            ("R2", 2023): {"A1": 3.5, "B1": 30.0},  # A2 missing in 2023
        }
    )


def test_change_skips_missing_year_and_names_drivers(tree, history):
    out = change(history, tree)
    assert list(out.columns) == list(COLUMNS["change"])
    idx = _row(out, region="R1", year=2023, code="IDX")
    # IDX 2021 = (2 x 2.5 - 50) / 3 = -15; 2023 = (2 x 3 - 40) / 3 = -34/3; change 11/3
    assert idx["previous_year"] == 2021
    assert idx["previous_score"] == pytest.approx(-15.0)
    assert idx["change"] == pytest.approx(11 / 3)
    # contributions: A 2/3 x 2.5 -> 2/3 x 3 (+1/3); B 1/3 x -50 -> 1/3 x -40 (+10/3)
    assert idx["driver_up"] == "B" and idx["driver_up_change"] == pytest.approx(10 / 3)
    assert idx["driver_down"] == "" and np.isnan(idx["driver_down_change"])
    a = _row(out, region="R1", year=2023, code="A")
    assert a["change"] == pytest.approx(0.5)
    assert a["driver_up"] == "A1" and a["driver_up_change"] == pytest.approx(0.5)  # 0.5 x 1
    first = _row(out, region="R1", year=2021, code="IDX")
    assert pd.isna(first["previous_year"]) and np.isnan(first["change"])
    # an indicator missing this year: no change
    assert np.isnan(_row(out, region="R2", year=2023, code="A2")["change"])


def test_change_drivers_sum_to_parent_change_with_missing_child(tree, history):
    drivers = change_drivers(history, tree)
    assert list(drivers.columns) == list(COLUMNS["drivers"])
    a = drivers.loc[(drivers["region"] == "R2") & (drivers["parent"] == "A")]
    by = a.set_index("code")
    # 2022: A1 and A2 weigh 1/2 each (1.5 + 2.0 = 3.5); 2023: A2 missing, A1 weighs 1 (3.5)
    assert by.loc["A1", "previous_weight"] == 0.5 and by.loc["A1", "weight"] == 1.0
    assert by.loc["A1", "contribution_change"] == pytest.approx(2.0)  # 3.5 - 1.5
    assert by.loc["A2", "contribution_change"] == pytest.approx(-2.0)  # 0 - 2.0
    assert np.isnan(by.loc["A2", "weight"])
    assert a["contribution_change"].sum() == pytest.approx(0.0)  # A: 3.5 -> 3.5
    ch = change(history, tree)
    a_row = _row(ch, region="R2", year=2023, code="A")
    assert (a_row["driver_up"], a_row["driver_down"]) == ("A1", "A2")
    # every parent: the children's contribution changes add up to the parent's change
    sums = drivers.groupby(["region", "year", "parent"])["contribution_change"].sum()
    for (region, year, parent), total in sums.items():
        assert total == pytest.approx(_row(ch, region=region, year=year, code=parent)["change"])


# ----------------------------------------------------------------------------- 4. peers
@pytest.fixture
def five():
    return _rows(
        [
            ("R1", 2023, "IDX", 3.0),
            ("R2", 2023, "IDX", 3.5),
            ("R3", 2023, "IDX", 3.5),
            ("R4", 2023, "IDX", 2.0),
            ("R5", 2023, "IDX", np.nan),
        ]
    )


def test_peers_rank_best_median_next(tree, five):
    out = peer_comparison(five, tree)
    assert list(out.columns) == list(COLUMNS["peers"])
    r1 = _row(out, region="R1")
    # scores 3.5, 3.5, 3.0, 2.0: R1 is 3rd (ties share rank 1); median (3.0 + 3.5) / 2
    assert (r1["peer_rank"], r1["n_compared"]) == (3, 4)
    assert (r1["best"], r1["best_region"]) == (3.5, "R2")  # first alphabetically
    assert r1["median"] == pytest.approx(3.25)
    assert r1["gap_to_best"] == pytest.approx(0.5)
    assert r1["gap_to_median"] == pytest.approx(0.25)
    assert (r1["next_region"], r1["gap_to_next"]) == ("R2", 0.5)
    r3 = _row(out, region="R3")
    assert r3["peer_rank"] == 1 and r3["best_region"] == "R3"  # shares the best
    assert r3["gap_to_best"] == 0 and r3["next_region"] == "" and np.isnan(r3["gap_to_next"])
    r4 = _row(out, region="R4")
    assert r4["peer_rank"] == 4 and (r4["next_region"], r4["gap_to_next"]) == ("R1", 1.0)
    assert r4["gap_to_median"] == pytest.approx(1.25)
    r5 = _row(out, region="R5")  # not scored
    assert pd.isna(r5["peer_rank"]) and np.isnan(r5["gap_to_best"])


def test_peers_groups_list_and_region_without_peers(tree, five):
    groups = {"R1": "kabupaten", "R4": "kabupaten", "R2": "kota", "R3": "kota"}
    out = peer_comparison(five, tree, peers=groups)
    r1 = _row(out, region="R1")  # R1 (3.0) vs R4 (2.0)
    assert (r1["peer_rank"], r1["n_compared"], r1["gap_to_median"]) == (1, 2, -0.5)
    r4 = _row(out, region="R4")
    assert (r4["peer_rank"], r4["gap_to_best"], r4["next_region"]) == (2, 1.0, "R1")
    alone = peer_comparison(five, tree, peers={"R1": "a", "R2": "b"})
    for region in ("R1", "R4"):  # R4 is in no group: it has no peers
        row = _row(alone, region=region)
        assert (row["peer_rank"], row["n_compared"]) == (1, 1)
        assert row["gap_to_best"] == 0 and row["gap_to_median"] == 0
        assert row["best_region"] == region and row["next_region"] == ""
        assert np.isnan(row["gap_to_next"])
    listed = peer_comparison(five, tree, peers=["R2"])  # each region vs R2 and itself
    r4 = _row(listed, region="R4")
    assert (r4["peer_rank"], r4["n_compared"], r4["gap_to_best"]) == (2, 2, 1.5)


# ----------------------------------------------------------------------------- 5. strengths
def test_strengths_weaknesses_by_peers_and_target(tree):
    scores = _score_tree(
        {
            ("R1", 2023): {"A1": 4.0, "A2": 2.0, "B1": 30.0},
            ("R2", 2023): {"A1": 3.0, "A2": 3.0, "B1": 20.0},
            ("R3", 2023): {"A1": 2.0, "A2": 4.0, "B1": 40.0},
        }
    )
    peers = peer_comparison(scores, tree)
    gaps = pd.DataFrame(
        {
            "region": ["R1"] * 3,
            "year": [2023] * 3,
            "code": ["A1", "A2", "B1"],
            "gap": [-0.5, 0.0, 20.0],
            "pct_achieved": [100.0, 100.0, 50.0],
        }
    )
    out = strengths_weaknesses(peers, gaps, tree, n=5)
    assert list(out.columns) == list(COLUMNS["strengths"])
    # the basis and kind values are the shared vocabularies the report branches on
    assert set(out["basis"]) == {vocab.BASIS_PEERS, vocab.BASIS_TARGET}
    assert set(out["kind"]) == {vocab.KIND_STRENGTH, vocab.KIND_WEAKNESS}
    r1 = out.loc[out["region"] == "R1"]
    by_peers = r1.loc[r1["basis"] == "peers"]
    # R1: A1 1st of 3, B1 2nd (30 kg), A2 3rd; 3 items: 2 strengths, 1 weakness
    assert by_peers.loc[by_peers["kind"] == "strength", "code"].tolist() == ["A1", "B1"]
    assert by_peers.loc[by_peers["kind"] == "weakness", "code"].tolist() == ["A2"]
    assert by_peers["position"].tolist() == [1, 2, 1]
    by_target = r1.loc[r1["basis"] == "target"]
    # 100 % (exceeded by 0.5) before 100 % (just met); weakest: B1 at 50 %
    assert by_target.loc[by_target["kind"] == "strength", "code"].tolist() == ["A1", "A2"]
    weakest = _row(by_target, kind="weakness")
    assert weakest["code"] == "B1" and weakest["pct_achieved"] == 50.0
    assert weakest["peer_rank"] == 2  # peer columns are filled in for target items
    # never both a strength and a weakness
    for _, g in out.groupby(["region", "year", "basis"]):
        assert not set(g.loc[g["kind"] == "strength", "code"]) & set(
            g.loc[g["kind"] == "weakness", "code"]
        )
    one = strengths_weaknesses(peers, None, tree, n=1)
    r1 = one.loc[one["region"] == "R1"]
    assert r1["code"].tolist() == ["A1", "A2"] and r1["kind"].tolist() == ["strength", "weakness"]
    # a region without peers has no peer-based strengths
    lonely = peer_comparison(scores, tree, peers={"R1": "x", "R2": "y", "R3": "y"})
    assert "R1" not in set(strengths_weaknesses(lonely, None, tree)["region"])


# ----------------------------------------------------------------------------- 6. self
@pytest.fixture
def self_tree(tmp_path):
    return _framework(tmp_path, SELF_TREE, "selftree")


def _assessments():
    rows = []
    own = {f"I{i}": 4 for i in range(1, 9)} | {"I7": 3, "J1": 3, "J2": 4, "J3": 5}
    for item, score in own.items():
        rows.append(("R", 2023, item, "self", score, "self"))
    verified = {f"I{i}": (3, 3, 4) for i in range(1, 9)} | {"J1": (3, 4, 4), "J2": (2, 2, 1)}
    for item, scores in verified.items():
        for k, score in enumerate(scores, start=1):
            rows.append(("R", 2023, item, f"ASR-{k}", score, "assessor"))
    return pd.DataFrame(rows, columns=["region", "year", "indicator", "assessor", "score", "stage"])


def test_self_vs_verified_items_aggregates_and_flag(self_tree):
    # verified = observations: I1..I8 at 3, J1 3.5, J2 2; J3 was never verified
    obs = pd.DataFrame(
        {
            "region": "R",
            "year": 2023,
            "indicator": [f"I{i}" for i in range(1, 9)] + ["J1", "J2", "J3"],
            "value": [3.0] * 8 + [3.5, 2.0, np.nan],
        }
    )
    out = self_vs_verified(_assessments(), self_tree, obs)
    assert list(out.columns) == list(COLUMNS["self"])
    i1 = _row(out, code="I1")
    assert (i1["n_items"], i1["self_score"], i1["verified_score"], i1["difference"]) == (
        1,
        4.0,
        3.0,
        1.0,
    )
    assert i1["p_sign"] == 0.5 and not i1["over_claiming"]  # one item is never flagged
    assert "J3" not in set(out["code"])  # self-assessed but not verified
    e1 = _row(out, code="E1")
    # differences 1 x 7 and 0: mean 0.875; sign test P(X >= 7 | n = 7) = 1/128
    assert e1["n_items"] == 8 and (e1["n_over"], e1["n_under"], e1["n_equal"]) == (7, 0, 1)
    assert e1["self_score"] == pytest.approx(31 / 8) and e1["verified_score"] == 3.0
    assert e1["mean_difference"] == pytest.approx(0.875)
    assert e1["p_sign"] == pytest.approx(1 / 128)
    # t = 0.875 / (sd / sqrt 8), sd = sqrt(0.875 / 7) = 0.35355 -> t = 7.0 with 7 df
    assert e1["p_ttest"] == pytest.approx(stats.t.sf(7.0, 7))
    assert e1["over_claiming"]
    e2 = _row(out, code="E2")
    # J1 -0.5, J2 +2: mean 0.75 > 0.5 but P(X >= 1 | n = 2) = 0.75: not systematic
    assert e2["n_items"] == 2 and e2["mean_difference"] == pytest.approx(0.75)
    assert e2["p_sign"] == pytest.approx(0.75) and not e2["over_claiming"]
    idx = _row(out, code="IDX")
    # E1 3.875 vs 3, E2 3.5 vs 2.75, equal weights: 3.6875 vs 2.875
    assert idx["self_score"] == pytest.approx(3.6875)
    assert idx["verified_score"] == pytest.approx(2.875)
    assert idx["difference"] == pytest.approx(0.8125)
    # 10 items: mean (7 + 1.5) / 10; 8 over, 1 under: P(X >= 8 | n = 9) = 10 / 512
    assert idx["mean_difference"] == pytest.approx(0.85)
    assert idx["p_sign"] == pytest.approx(10 / 512) and idx["over_claiming"]
    assert idx["level"] == 0


def test_self_vs_consensus_of_assessors(self_tree):
    # medians: I* (3, 3, 4) -> 3; J1 (3, 4, 4) -> 4; J2 (2, 2, 1) -> 2
    out = self_vs_verified(_assessments(), self_tree, None, consensus_method="median")
    assert _row(out, code="E1")["verified_score"] == 3.0
    j1 = _row(out, code="J1")
    assert j1["verified_score"] == 4.0 and j1["difference"] == -1.0
    # a stricter threshold: no flag
    strict = self_vs_verified(_assessments(), self_tree, None, threshold=1.0)
    assert not strict["over_claiming"].any()


# ----------------------------------------------------------------------------- 7. priorities
def test_priorities_weights_headroom_and_order(tree):
    scores = _score_tree(
        {
            ("R1", 2023): {"A1": 3.0, "A2": 5.0, "B1": 40.0},
            ("R2", 2023): {"A1": 4.0, "B1": 10.0},  # A2 missing
        }
    )
    out = priorities(scores, tree)
    assert list(out.columns) == list(COLUMNS["priorities"])
    r1 = out.loc[out["region"] == "R1"].set_index("code")
    # effective weights 1/3 each; one level (or kg) gained raises the index by 1/3
    assert r1["weight"].tolist() == pytest.approx([1 / 3] * 3)
    assert r1.loc["A1", "headroom"] == 2.0 and r1.loc["A1", "max_gain"] == pytest.approx(2 / 3)
    # lower is better: the top of B1's scale is its lower bound 0; 40 kg to go
    assert (r1.loc["B1", "top"], r1.loc["B1", "headroom"]) == (0.0, 40.0)
    assert r1.loc["B1", "max_gain"] == pytest.approx(40 / 3)
    assert r1.loc["B1", "priority"] == 1 and r1.loc["A1", "priority"] == 2  # tie -> max_gain
    assert pd.isna(r1.loc["A2", "priority"])  # already at 5
    assert r1.loc["A1", "index"] == "IDX" and r1.loc["A1", "parent"] == "A"
    r2 = out.loc[out["region"] == "R2"].set_index("code")
    # A2 missing: A1 carries all of A, 2/3
    assert r2.loc["A1", "gain_per_level"] == pytest.approx(2 / 3)
    assert r2.loc["A1", "priority"] == 1 and "A2" not in r2.index
    top = priorities(scores, tree, top=1)
    assert top["code"].tolist() == ["B1", "A1"] and top["priority"].tolist() == [1, 1]


def test_priorities_in_another_tree_and_normalised_scores(tree, other):
    scores = _score_tree({("R1", 2023): {"A1": 3.0, "A2": 4.0, "B1": 40.0}})
    out = priorities(scores, other).set_index("code")
    # FINAL: C1 1/4 (A1, B1 -> 1/8 each), C2 3/4 (A2 -> 3/4)
    assert out.loc["A2", "weight"] == pytest.approx(0.75)
    assert out.loc["A1", "weight"] == pytest.approx(0.125)
    assert out.loc["A2", "priority"] == 1 and out.loc["A2", "index"] == "FINAL"
    # min-max scores 0-100 over three regions: A1 raw 1, 3, 5 -> 0, 50, 100: 25 per level
    mm = _rows(
        [
            ("R1", 2023, "A1", 0.0, 1.0),
            ("R2", 2023, "A1", 50.0, 3.0),
            ("R3", 2023, "A1", 100.0, 5.0),
        ]
    )
    got = priorities(mm, tree).set_index("region")
    # only A1 is present: it carries A (2/3 of IDX... and B is absent: all of IDX)
    assert got.loc["R1", "weight"] == pytest.approx(1.0)
    assert got.loc["R1", "gain_per_level"] == pytest.approx(25.0)
    assert got.loc["R1", "max_gain"] == pytest.approx(100.0)  # 4 levels x 25


# ----------------------------------------------------------------------------- combine, text
def test_combine_and_render(tree, five):
    tables = {"peers": peer_comparison(five, tree), "change": change(five, tree)}
    one = combine(tables, ["peers"])
    assert list(one.columns) == list(COLUMNS["peers"])
    both = combine(tables, ["peers", "change"])
    assert list(both.columns[:4]) == ["region", "year", "code", "analysis"]
    assert set(both["analysis"]) == {"peers", "change"} and len(both) == 10
    text = render_text(tables, ["peers"], [tree], lang="id", title="Uji")
    assert "Posisi di antara daerah pembanding" in text and "Indeks" in text
    # the headers follow --lang (issue 14): col.peer_rank / col.name in Indonesian
    header = next(line for line in text.splitlines() if "kode" in line.split())
    assert header.index("peringkat") > header.index("nama")
    assert "peer_rank" not in text
    header = render_text(tables, ["peers"], [tree], lang="en").splitlines()
    header = next(line for line in header if "peer_rank" in line)
    assert header.index("peer_rank") > header.index("name")


def test_render_text_depth_hides_deeper_nodes(tree, history):
    tables = {"change": change(history, tree)}
    text = render_text(tables, ["change"], [tree], lang="en", depth=1)
    # 2 regions x 2 years x 3 indicators (depth 2) are left out and counted
    assert "(12 deeper rows not shown" in text
    assert "Item A1" not in text and "Pillar A" in text
    assert "Item A1" in render_text(tables, ["change"], [tree], depth=None)


# ----------------------------------------------------------------------------- dataset, CLI
KUTAI = DATA_DIR / "kutai_timur"
REGION = "Kabupaten Kutai Timur"
needs_data = pytest.mark.skipif(
    not (KUTAI / "targets.csv").is_file(), reason="data/kutai_timur not generated yet"
)


@pytest.fixture(scope="module")
def kutai():
    from smartcity_eval.io.dataset import load_dataset

    return load_dataset(KUTAI)


@pytest.fixture(scope="module")
def report(kutai):
    return gap_report(
        kutai, REGION, 2024, settings=dataset_settings(kutai, index_framework="kominfo_components")
    )


@needs_data
def test_gap_report_shape_and_published_index(kutai, report):
    assert set(report) == set(COLUMNS)
    for name, table in report.items():
        assert list(table.columns) == list(COLUMNS[name]), name
        if len(table):
            assert set(table["region"]) == {REGION} and set(table["year"]) == {2024}
    # the SCI actual equals the published (independently computed, rounded) index
    published = kutai.published
    pub = published[(published["region"] == REGION) & (published["year"] == 2024)]
    pub = pub.set_index("code")["score"]
    assert round(_row(report["peers"], code="SCI")["score"], 2) == pytest.approx(pub["SCI"])
    # the masterplan target is on the official index (FINAL), not on the pillar mean
    final = pub["FINAL"]
    assert "SCI" not in set(report["targets"]["code"])
    assert report["targets"]["code"].iloc[0] == "FINAL"
    row = _row(report["targets"], code="FINAL")
    assert round(row["actual"], 2) == pytest.approx(final) == 3.20
    assert row["target"] == 3.10 and row["gap"] == pytest.approx(3.10 - row["actual"])
    assert row["level"] == 0 and row["target_source"] == "region"
    trip = _row(report["trajectory"], code="FINAL")
    assert trip["target_year"] == 2027 and trip["target"] == 3.70
    # baseline 2021 (the year before the plan's first target year 2022)
    assert trip["baseline_year"] == 2021 and trip["current_year"] == 2024
    assert trip["required_change"] == pytest.approx((3.70 - trip["baseline"]) / 6)
    assert trip["actual_change"] == pytest.approx((trip["current"] - trip["baseline"]) / 3)
    assert trip["current"] == pytest.approx(row["actual"])
    # the pillar targets stay on the pillar tree, each node once
    assert {"GOV", "BRA", "ECO", "LIV", "SOC", "ENV"} <= set(report["trajectory"]["code"])
    assert not report["targets"]["code"].duplicated().any()
    # priorities towards the Kominfo final index: quick wins weigh 0.2 / 8 items
    first = report["priorities"].iloc[0]
    assert first["index"] == "FINAL" and first["gain_per_level"] == pytest.approx(0.025)


@needs_data
def test_gap_report_unknown_region_suggests_closest(kutai):
    with pytest.raises(DataError) as err:
        gap_report(kutai, "Kab. Kutai Timor", 2024)
    assert "Kabupaten Kutai Timur" in str(err.value)
    with pytest.raises(DataError, match="2021"):
        gap_report(kutai, REGION, 2019)


@needs_data
def test_cli_gaps_table_and_csv(tmp_path, capsys):
    from smartcity_eval.cli.main import main

    assert main(["gaps", str(KUTAI), "--region", REGION, "--year", "2024", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Gap to target" in text and "Smart City Index" in text and "on track" in text
    out = tmp_path / "gaps.csv"
    args = ["gaps", str(KUTAI), "--region", REGION, "--year", "2024", "--what", "targets"]
    assert main([*args, "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == list(COLUMNS["targets"])
    assert set(table["region"]) == {REGION} and table["code"].iloc[0] == "FINAL"
    assert "SCI" not in set(table["code"])
    assert main(["gaps", str(KUTAI), "--region", "Kutai Timur Kab"]) == 2
    assert "Kabupaten Kutai Timur" in capsys.readouterr().err
    assert main(["gaps", str(KUTAI), "--what", "nonsense"]) == 2


KEDIRI = DATA_DIR / "kota_kediri"


@pytest.mark.skipif(not (KEDIRI / "published.csv").is_file(), reason="no kota_kediri")
def test_published_only_dataset_gives_tingkat_improvement():
    from smartcity_eval.io.dataset import load_dataset

    ds = load_dataset(KEDIRI)
    tables = gap_report(ds, "Kota Kediri", 2022)
    final = _row(tables["change"], code="FINAL")
    # REAL published final index: 3.06 (2021) -> 3.31 (2022), bangsaonline.com/amp/berita/113379
    assert (final["previous_year"], final["previous_score"], final["score"]) == (2021, 3.06, 3.31)
    assert final["change"] == pytest.approx(0.25)
    # the components were published for 2022 only: no decomposition of the change
    assert final["driver_up"] == "" and tables["drivers"].empty
    assert tables["self"].empty and tables["priorities"].empty


def test_combine_keeps_integers_and_booleans(tree, five):
    tables = {"peers": peer_comparison(five, tree), "targets": target_gaps(five, tree, None)}
    one = {"region": "R1", "year": 2023, "code": "IDX", "level": 0, "over_claiming": True}
    tables["self"] = pd.DataFrame([one]).reindex(columns=list(COLUMNS["self"]))
    both = combine(tables, ["peers", "self"])
    assert str(both["n_compared"].dtype) == "Int64" and str(both["level"].dtype) == "Int64"
    assert str(both["over_claiming"].dtype) == "boolean"
    assert both["over_claiming"].isna().sum() == 5 and bool(both["over_claiming"].iloc[-1])


@needs_data
def test_self_assessment_consensus_equals_verified_observations(kutai, report):
    # generate.py wrote the verified observations as the median of the assessors, so the
    # self-assessment check against the median consensus must give the same numbers
    again = gap_report(kutai, REGION, 2024, verified="consensus")["self"]
    cols = ["code", "n_items", "self_score", "verified_score", "difference", "p_sign"]
    pd.testing.assert_frame_equal(again[cols], report["self"][cols])
    sci = _row(report["self"], code="SCI")
    assert sci["n_items"] > 60 and sci["difference"] > 0  # the region rated itself higher


# ----------------------------------------------------------------------------- headline index
# a pillar tree and a dimension tree over the same four items (like kominfo_smart_city and
# kominfo_components); the dataset names the dimension tree as its headline index


def _two_level(root: str, groups: dict[str, tuple[int, tuple[str, ...]]]) -> str:
    """framework.csv text: ``root`` -> groups (code: (weight, items)) -> items on 1-5."""
    text = f"code,parent,name,weight,direction,lower,upper\n{root},,{root.title()},1,,,\n"
    text += "".join(f"{g},{root},{g},{w},,,\n" for g, (w, _) in groups.items())
    for g, (_, items) in groups.items():
        text += "".join(f"{i},{g},{i.lower()},1,1,1,5\n" for i in items)
    return text


PILLARS_TREE = _two_level("IDX", {"P1": (1, ("I1", "I2")), "P2": (1, ("I3", "I4"))})
DIMS_TREE = _two_level("FINAL", {"D1": (1, ("I1", "I3")), "D2": (3, ("I2", "I4"))})
LEVELS = {  # year -> I1, I2, I3, I4
    2021: (2, 2, 2, 2),
    2022: (3, 2, 3, 3),
    2023: (4, 3, 3, 2),
}


@pytest.fixture
def headline_dataset(tmp_path):
    from smartcity_eval.io.dataset import load_dataset

    from .conftest import write_dataset

    obs = "region,year,indicator,value\n" + "".join(
        f"R,{y},I{i + 1},{v}\n" for y, vals in LEVELS.items() for i, v in enumerate(vals)
    )
    folder = write_dataset(
        tmp_path / "two_trees",
        {
            "dataset.toml": 'title = "two trees"\nillustrative = true\nlang = "en"\n'
            'framework = "pillars"\nframeworks = ["dims"]\n'
            '[methods]\nnormalise = "none"\nindex_framework = "dims"\n',
            "observations.csv": obs,
            "targets.csv": "region,year,code,target\nR,2022,FINAL,2.5\nR,2023,FINAL,3.0\n"
            "R,2025,FINAL,4.0\nR,2025,P1,4.0\n",
        },
    )
    for name, text in (("pillars", PILLARS_TREE), ("dims", DIMS_TREE)):
        (folder / name).mkdir()
        (folder / name / "framework.csv").write_text(text, encoding="utf-8")
    return load_dataset(folder)


def test_trajectory_to_the_masterplan_target_is_on_the_headline_index(headline_dataset):
    # FINAL = (1 D1 + 3 D2) / 4 with D1 = mean(I1, I3), D2 = mean(I2, I4):
    #   2021: D1 2, D2 2 -> 2.0;  2022: D1 3, D2 2.5 -> 2.625;  2023: D1 3.5, D2 2.5 -> 2.75
    # (the pillar mean IDX is 2.0, 2.75, 3.0: on IDX the region would be on track)
    tables = gap_report(headline_dataset, "R", 2023)
    path = tables["trajectory"]
    assert path["code"].iloc[0] == "FINAL" and "IDX" not in set(path["code"])
    final = _row(path, code="FINAL")
    # plan starts 2022 -> baseline 2021 (2.0); required (4.0 - 2.0) / (2025 - 2021) = 0.5;
    # actual (2.75 - 2.0) / (2023 - 2021) = 0.375; pace 0.75 >= 0.5: at risk;
    # projected 2.75 + 0.375 x 2 = 3.5; from now (4.0 - 2.75) / 2 = 0.625
    assert (final["baseline_year"], final["current_year"], final["target_year"]) == (
        2021,
        2023,
        2025,
    )
    assert final["baseline"] == pytest.approx(2.0) and final["current"] == pytest.approx(2.75)
    assert final["required_change"] == pytest.approx(0.5)
    assert final["actual_change"] == pytest.approx(0.375)
    assert final["pace_ratio"] == pytest.approx(0.75)
    assert final["projected"] == pytest.approx(3.5)
    assert final["required_change_from_now"] == pytest.approx(0.625)
    assert final["status"] == "at risk" and final["level"] == 0
    # the pillar target stays on the pillar tree: P1 = mean(I1, I2) 2.0 -> 3.5, only a 2025
    # target, baseline the first year: actual (3.5 - 2.0) / 2 = 0.75 >= required 0.5
    p1 = _row(path, code="P1")
    assert p1["baseline"] == pytest.approx(2.0) and p1["status"] == "on track"
    # gap to target in 2022: FINAL 2.625 against 2.5: met
    gaps_2022 = gap_report(headline_dataset, "R", 2022)["targets"]
    row = _row(gaps_2022, code="FINAL")
    assert row["actual"] == pytest.approx(2.625) and row["gap"] == pytest.approx(-0.125)
    assert row["band"] == "achieved" and row["pct_achieved"] == 100.0


def test_report_headline_carries_the_index_target(headline_dataset):
    from smartcity_eval.reports import content

    report = content.report_data(headline_dataset, "R", 2023, "en")
    first = report["headline"][0]
    assert first["code"] == "FINAL" and first["score"] == pytest.approx(2.75)
    # this year's target 3.0: 2.75 / 3.0 = 91.7 % (near); the trajectory to 2025 is at risk
    assert first["target"] == 3.0 and first["target_pct"] == pytest.approx(275 / 3)
    assert first["target_band_en"] == "near" and first["target_status_en"] == "at risk"
    series = report["trajectory_series"]
    final = series[series["code"] == "FINAL"].set_index("year")["value"]
    assert final.to_dict() == pytest.approx({2021: 2.0, 2022: 2.625, 2023: 2.75})
    label = report["trajectory"].set_index("code").at["FINAL", "label"]
    assert label == "Final"  # named from the headline tree, which alone has FINAL
