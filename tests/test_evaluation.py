"""The Evaluation object: cached results, regen, compare (as COINr's compare_coins), the log."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import smartcity_eval as se
from smartcity_eval.evaluation import COMPARE_COLUMNS, LOG_COLUMNS, LogEntry
from smartcity_eval.io.provenance import file_hashes
from smartcity_eval.scoring.engine import score_dataset
from smartcity_eval.settings import ParameterError, Settings, dataset_settings


@pytest.fixture(scope="module")
def kutai() -> se.Evaluation:
    return se.evaluate("kutai_timur")


@pytest.fixture(scope="module")
def minmax(kutai: se.Evaluation) -> se.Evaluation:
    return kutai.regen(normalise="minmax")


def test_regen_compare_returns_the_documented_columns(kutai, minmax):
    table = se.evaluate("kutai_timur").regen(normalise="minmax").compare(se.evaluate("kutai_timur"))
    assert tuple(table.columns) == COMPARE_COLUMNS
    documented = "region year code level score_a score_b score_diff rank_a rank_b rank_diff"
    assert list(COMPARE_COLUMNS) == documented.split()
    assert len(table) == len(kutai.scores)
    assert table.attrs["settings_diff"] == {"normalise": ("minmax", "none")}
    assert not table.duplicated(["region", "year", "code"]).any()


def test_compare_with_itself_gives_zero_differences(kutai):
    table = kutai.compare(kutai)
    scored = table["score_a"].notna()
    assert scored.any()
    assert (table.loc[scored, "score_diff"] == 0).all()
    assert (table.loc[table["rank_a"].notna(), "rank_diff"] == 0).all()
    assert table.attrs["settings_diff"] == {}


def test_compare_by_hand_against_score_dataset_run_both_ways(minmax):
    ds = minmax.dataset
    a = score_dataset(ds, dataset_settings(ds, None, normalise="minmax"))
    b = score_dataset(ds)
    table = minmax.compare(se.Evaluation(ds))
    key = {"region": "Kabupaten Kutai Timur", "year": 2024, "code": ds.framework.root}
    pick = lambda f: f.loc[(f[list(key)] == pd.Series(key)).all(axis=1)].iloc[0]  # noqa: E731
    row, ra, rb = pick(table), pick(a), pick(b)
    assert row["score_a"] == pytest.approx(ra["score"], abs=1e-12)
    assert row["score_b"] == pytest.approx(rb["score"], abs=1e-12)
    assert row["score_diff"] == pytest.approx(rb["score"] - ra["score"], abs=1e-12)
    assert row["rank_diff"] == rb["rank"] - ra["rank"]
    assert row["level"] == 0


def test_compare_keeps_rows_present_on_one_side_only(tiny):
    ev = se.evaluate(tiny)
    # a tree with one pillar fewer: its rows for B are absent in b
    fw = tiny / "fw_small"
    fw.mkdir()
    (fw / "framework.csv").write_text(
        "code,parent,name,name_id,weight,direction,lower,upper\n"
        "IDX,,Index,Indeks,1,,,\nA,IDX,Pillar A,Pilar A,2,,,\n"
        "A1,A,a1,a1,1,1,1,5\nA2,A,a2,a2,3,1,1,5\n",
        encoding="utf-8",
    )
    other = ev.regen(framework=str(fw))
    table = ev.compare(other)
    only_a = table.loc[table["code"].isin(["B", "B1"])]
    assert len(only_a) == 4
    assert only_a["score_b"].isna().all() and only_a["score_diff"].isna().all()
    assert only_a["score_a"].notna().all()


def test_regen_with_a_bad_value_raises_parameter_error_with_did_you_mean(kutai):
    with pytest.raises(ParameterError, match="did you mean 'minmax'") as err:
        kutai.regen(normalise="minmx")
    assert isinstance(err.value, ValueError)
    assert err.value.parameter == "normalise"
    with pytest.raises(ParameterError, match="did you mean 'normalise'"):
        kutai.regen(normalize="minmax")
    with pytest.raises(ParameterError, match="did you mean 'minmax'"):
        se.evaluate("kutai_timur", normalise="minmx")


def test_regen_keeps_the_dataset_and_changes_only_the_settings(kutai, minmax):
    assert minmax.dataset is kutai.dataset
    assert minmax.settings == kutai.settings.replace(normalise="minmax")
    assert kutai.settings.normalise == "none"  # unchanged
    assert minmax.log[0] == kutai.log[0]


def test_log_entries_carry_the_sha256_of_every_input_file(tiny):
    ev = se.evaluate(tiny)
    ev.scores  # noqa: B018
    ev.contributions()
    steps = [e.step for e in ev.log]
    assert steps == ["load", "score", "contributions"]
    expected = {hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in ev.dataset.files.values()}
    for entry in ev.log:
        assert isinstance(entry, LogEntry)
        assert set(entry.inputs.values()) == expected
        assert entry.version == se.__version__
        assert entry.started.endswith("+00:00")
        assert entry.seconds >= 0
    assert ev.log[1].parameters["settings"]["normalise"] is None
    assert ev.log[1].parameters["framework"] == ev.dataset.framework.name
    frame = ev.log_frame()
    assert tuple(frame.columns) == LOG_COLUMNS and len(frame) == 3
    records = file_hashes(ev.dataset.files, base=ev.dataset.path)
    assert ev.provenance()["sha256"].tolist() == [r["sha256"] for r in records]


def test_results_are_cached_per_parameters(tiny):
    ev = se.evaluate(tiny)
    first = ev.scores
    assert ev.scores is first
    assert ev.scores_of(None) is first
    assert ev.effective_weights() is ev.effective_weights()
    n = len(ev.log)
    ev.scores  # noqa: B018
    assert len(ev.log) == n  # a cached result is not logged again
    other = ev.regen(scope="all")
    assert other.scores is not first


def test_cached_gaps_reproduce_and_agreement(kutai):
    gaps = kutai.gaps("Kabupaten Kutai Timur", 2024)
    assert kutai.gaps("Kabupaten Kutai Timur", 2024) is gaps
    assert "targets" in gaps and "priorities" in gaps
    rep = kutai.reproduce()
    assert kutai.reproduce() is rep
    assert set(rep["status"]) <= {"match", "mismatch", "not_computable"}
    agr = kutai.agreement()
    assert kutai.agreement(by=("region", "year")) is agr
    assert {"region", "year"} <= set(agr.columns)
    assert {"gaps", "reproduce", "agreement"} <= {e.step for e in kutai.log}


def test_evaluation_does_not_change(kutai):
    with pytest.raises(AttributeError):
        kutai.settings = Settings()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        kutai.anything = 1  # type: ignore[attr-defined]
    assert isinstance(kutai.log, tuple)


def test_contributions_and_effective_weights_match_the_functions(tiny):
    ev = se.evaluate(tiny)
    fw = ev.dataset.framework
    pd.testing.assert_frame_equal(ev.effective_weights(), se.effective_weights(fw))
    pd.testing.assert_frame_equal(ev.contributions(), se.contributions(ev.scores, fw))
    total = ev.effective_weights().set_index("code")["effective_weight"]
    assert math.isclose(float(total.loc[fw.indicators].sum()), 1.0)
    assert np.isfinite(ev.scores["score"]).all()


def test_robustness_and_uncertainty_are_cached_and_use_the_settings(tiny):
    ev = se.evaluate(tiny).regen(normalise="minmax", range=(1, 100))
    first = ev.robustness("X", 2024, n=20, seed=3)
    assert ev.robustness("X", 2024, n=20, seed=3) is first
    assert "summary" in first
    table, _ = ev.uncertainty("ranks", n=20)
    assert ev.uncertainty("ranks", n=20)[0] is table
    nominal = table.loc[(table["region"] == "X") & (table["code"] == "IDX"), "nominal_score"]
    index = ev.scores.loc[(ev.scores["region"] == "X") & (ev.scores["code"] == "IDX"), "score"]
    assert float(nominal.iloc[0]) == pytest.approx(float(index.iloc[0]))
    assert [e.step for e in ev.log][-3:] == ["robustness", "uncertainty", "score"]


def test_settings_may_be_given_as_a_mapping_of_changes(tiny):
    ds = se.load_dataset(tiny)
    ev = se.Evaluation(ds, {"normalise": "minmax", "scope": "all"})
    assert ev.settings == dataset_settings(ds, None, normalise="minmax", scope="all")
    with pytest.raises(ParameterError, match="did you mean 'zscore'"):
        se.Evaluation(ds, {"normalise": "zscores"})
