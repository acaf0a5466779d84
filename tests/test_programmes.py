"""Masterplan realisation on small hand-made registers (issue 13; tests/registers_data.py)."""

from __future__ import annotations

import math

import pytest

from smartcity_eval import DataError, load_dataset
from smartcity_eval.analysis.programmes import behind_schedule, quick_wins, realisation
from tests.registers_data import KT, make


@pytest.fixture
def dataset(tmp_path):
    return load_dataset(make(tmp_path))


def test_realisation_per_pillar_by_hand(dataset):
    r = realisation(dataset.registers, dataset.framework, 2024).set_index(["region", "pillar"])
    # GOV: P1 done, P2 done (2023, carried forward), P3 ongoing -> 3 of 3
    assert r.loc[(KT, "GOV"), ["due", "realised", "done", "ongoing"]].tolist() == [3, 3, 2, 1]
    # ECO: P4 dropped mid-masterplan (counts as due, not realised), P5 never started,
    # P6 starts in 2026 (not due) -> 0 of 2
    eco = r.loc[(KT, "ECO")]
    assert (eco["due"], eco["realised"], eco["dropped"], eco["planned"]) == (2, 0, 1, 1)
    assert eco["not_yet_due"] == 1 and eco["realisation"] == 0.0
    # overall: 3 of 5
    assert r.loc[(KT, "IDX"), "realisation"] == pytest.approx(3 / 5)
    assert r.loc[("Kota Samarinda", "IDX"), "realisation"] == 1.0


def test_realisation_in_an_earlier_year(dataset):
    r = realisation(dataset.registers, dataset.framework, 2023, region=KT).set_index("pillar")
    # 2023: P4 was still running; P5 starts 2023 and is not started; P6 not due
    assert r.loc["ECO", ["due", "realised"]].tolist() == [2, 1]
    assert r.loc["GOV", ["due", "realised"]].tolist() == [3, 3]
    r22 = realisation(dataset.registers, dataset.framework, 2022, region=KT).set_index("pillar")
    # 2022: P1, P2, P4 due, no status given yet -> planned -> 0 realised
    assert r22.loc["IDX", ["due", "realised"]].tolist() == [3, 0]


def test_nothing_due_is_missing_not_zero(dataset):
    r = realisation(dataset.registers, dataset.framework, 2021, region=KT)
    assert r["due"].eq(0).all() and r["realisation"].map(math.isnan).all()


def test_behind_schedule_and_quick_wins(dataset):
    b = behind_schedule(dataset.registers, 2024, KT)
    assert dict(zip(b["code"], b["reason"], strict=True)) == {
        "P4": "dropped",
        "P5": "not started",
    }
    q = quick_wins(dataset.registers, 2024, KT)
    assert q["code"].tolist() == ["P1", "P4"]
    assert q["status"].tolist() == ["done", "dropped"]


def test_indonesian_status_words_are_read(dataset):
    s = dataset.registers["programme_status"]
    assert set(s["status"]) == {"ongoing", "done", "dropped"}


def test_status_of_unknown_programme_is_an_error(tmp_path):
    bad = f"region,year,programme,status\n{KT},2024,P9,berjalan\n"
    with pytest.raises(DataError) as err:
        load_dataset(make(tmp_path, programme_status=bad))
    text = str(err.value)
    assert "programme_status.csv, row 2, column 'programme'" in text
    assert "unknown programme 'P9'" in text and "add the programme to programmes.csv" in text


def test_unknown_status_word_suggests(tmp_path):
    bad = f"region,year,programme,status\n{KT},2024,P1,selesay\n"
    with pytest.raises(DataError, match="did you mean 'done'"):
        load_dataset(make(tmp_path, programme_status=bad))


def test_two_spellings_of_one_department(tmp_path):
    from tests.registers_data import PROGRAMMES

    text = PROGRAMMES.replace(
        "P2,E-office,E-office,GOV.01,Diskominfo Staper",
        "P2,E-office,E-office,GOV.01,DISKOMINFO  staper.",
    )
    with pytest.raises(DataError) as err:
        load_dataset(make(tmp_path, programmes=text))
    problem = err.value.problems[0]
    assert (problem.file.endswith("programmes.csv"), problem.row, problem.column) == (
        True,
        3,
        "department",
    )
    assert "one department written two ways" in problem.message
    assert "'Diskominfo Staper'" in problem.fix


def test_programme_ending_before_start_and_unknown_element(tmp_path):
    text = (
        "region,code,name,element,department,start,end\n"
        f"{KT},P1,Portal,GOV.99,Diskominfo,2024,2022\n"
    )
    with pytest.raises(DataError) as err:
        load_dataset(make(tmp_path, programmes=text, programme_status="", evidence=""))
    text = str(err.value)
    assert "column 'element': unknown node 'GOV.99'" in text
    assert "column 'end': the programme ends (2022) before it starts (2024)" in text


def test_self_assessment_under_its_indonesian_names_is_not_an_assessor(tmp_path):
    from smartcity_eval.analysis.assessments import assessor_scores

    folder = make(tmp_path)
    path = folder / "assessments.csv"
    text = path.read_text(encoding="utf-8")
    text += f"{KT},2024,GOV.01,{KT},5,Penilaian Mandiri\n{KT},2024,GOV.02,{KT},5,mandiri\n"
    path.write_text(text, encoding="utf-8")
    ds = load_dataset(folder)
    own = ds.assessments[ds.assessments["assessor"] == KT]
    assert set(own["stage"]) == {"self"}
    assert KT not in set(assessor_scores(ds.assessments)["assessor"])
    # a frame built by hand, not through the loader, is read the same way
    raw = ds.assessments.assign(stage=ds.assessments["stage"].replace({"self": "Mandiri"}))
    assert KT not in set(assessor_scores(raw)["assessor"])


def test_unknown_stage_is_an_error_with_the_known_ones(tmp_path):
    folder = make(tmp_path)
    path = folder / "assessments.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + f"{KT},2024,ECO.01,X,4,final\n", encoding="utf-8"
    )
    with pytest.raises(DataError) as err:
        load_dataset(folder)
    p = err.value.problems[0]
    assert p.column == "stage" and "self, assessor, verified" in p.message
