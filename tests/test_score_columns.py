"""Score tables with only the columns asked for (issue 17: "the tidy output built lazily or
with columns only when asked"): every column asked for is the full table's, value for value,
for every method path (imputation, outlier treatment, per-year scope, missing region-years,
bands, several trees); the keys are always there; an unknown column is one ParameterError;
``Evaluation.scores_of`` and ``smartcity-eval score --columns`` use it."""

from __future__ import annotations

import csv
import io
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pandas as pd
import pytest

from smartcity_eval import Evaluation, load_dataset
from smartcity_eval.cli.main import main
from smartcity_eval.io.frameworks import load_framework
from smartcity_eval.scoring.engine import SCORE_COLUMNS, score, score_dataset
from smartcity_eval.scoring.table import KEY_COLUMNS, score_columns
from smartcity_eval.settings import ParameterError

SUBSETS = [
    ["score"],
    ["rank"],
    ["band"],
    ["coverage"],
    ["level", "raw"],
    ["imputed", "treated"],
    ["treated", "score", "rank"],  # given out of order: the table keeps SCORE_COLUMNS' order
    list(SCORE_COLUMNS),
]


def _framework(tmp_path):
    rows = ["code,parent,name,weight,direction", "IDX,,Index,1,"]
    for p in range(1, 4):
        rows.append(f"P{p},IDX,Pillar {p},{p},")
        for i in range(1, 5):
            rows.append(f"P{p}.I{i},P{p},Indicator {p}.{i},{i % 3 + 1},{-1 if i == 2 else 1}")
    (tmp_path / "framework.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return load_framework(tmp_path)


def _observations(indicators: list[str], seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    regions = [f"R{r:02d}" for r in range(9)]
    rows = []
    for region in regions:
        for year in (2022, 2023, 2024):
            if region == "R03" and year == 2023:  # a region-year absent from the data
                continue
            for code in indicators:
                v = float(np.round(rng.lognormal(1.0, 0.8), 2))
                if rng.random() < 0.12:
                    v = np.nan
                rows.append((region, year, code, v))
    obs = pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])
    obs.loc[obs.index[::17], "value"] = 50.0  # ties, for the ranks
    return obs


CONFIGS = [
    dict(normalise="minmax", scope="all"),
    dict(normalise="zscore", scope="year", min_coverage=0.5),
    dict(normalise="rank", impute="mean"),
    dict(normalise="minmax", impute="interpolate", outliers=True, scope="all"),
    dict(normalise="minmax", range=(1.0, 100.0), aggregate="geometric", impute="median"),
]


@pytest.mark.parametrize(
    "options", CONFIGS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items())
)
def test_each_column_is_the_full_tables(tmp_path, options):
    fw = _framework(tmp_path)
    obs = _observations(fw.indicators)
    full = score(obs, fw, **options)
    assert list(full.columns) == SCORE_COLUMNS
    assert full["imputed"].any() or "impute" not in options
    for asked in SUBSETS:
        part = score(obs, fw, **options, columns=asked)
        expected = [c for c in SCORE_COLUMNS if c in set(asked) | set(KEY_COLUMNS)]
        assert list(part.columns) == expected
        pd.testing.assert_frame_equal(part, full[expected])


def test_shipped_dataset_every_tree(root):
    ds = load_dataset(root / "data" / "kutai_timur")
    banded = 0
    for name in ds.frameworks:
        full = score_dataset(ds, framework=name)
        banded += bool(full["band"].ne("").any())
        for asked in (["score"], ["rank", "band"], ["coverage"], "score,rank"):
            part = score_dataset(ds, framework=name, columns=asked)
            pd.testing.assert_frame_equal(part, full[list(part.columns)])
            assert len(part.columns) == len(score_columns(asked))
    assert banded  # a tree with bands (SPBE's predicates) is among them


def test_score_columns_parses_and_refuses():
    assert score_columns(None) == tuple(SCORE_COLUMNS)
    assert score_columns("rank, score") == ("region", "year", "code", "score", "rank")
    assert score_columns([]) == KEY_COLUMNS
    with pytest.raises(ParameterError) as err:
        score_columns(["score", "rnak", "bands"])
    assert err.value.parameter == "columns"
    assert "rnak, bands" in str(err.value) and "coverage" in str(err.value)


def test_unknown_column_refused_before_any_work(tmp_path):
    fw = _framework(tmp_path)
    with pytest.raises(ParameterError, match="rnak"):
        score(_observations(fw.indicators), fw, columns=["rnak"])


def test_evaluation_scores_of_columns(root):
    ev = Evaluation(load_dataset(root / "data" / "kutai_timur"))
    part = ev.scores_of(None, columns=["score"])
    assert list(part.columns) == ["region", "year", "code", "score"]
    steps = [e.step for e in ev.log if e.step == "score"]
    assert len(steps) == 1
    full = ev.scores  # the full table: computed once more, then cached
    pd.testing.assert_frame_equal(part, full[list(part.columns)])
    again = ev.scores_of(None, columns=["rank"])  # taken from the cached full table
    pd.testing.assert_frame_equal(again, full[["region", "year", "code", "rank"]])
    assert len([e for e in ev.log if e.step == "score"]) == 2


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_cli_columns(root, tmp_path):
    data = str(root / "data" / "kutai_timur")
    every, part = tmp_path / "every.csv", tmp_path / "part.csv"
    assert _cli("score", data, "--out", str(every))[0] == 0
    assert (
        _cli("score", data, "--columns", "band_label,score,rank_kind", "--out", str(part))[0] == 0
    )
    with every.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with part.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        got = list(reader)
    assert reader.fieldnames == ["region", "year", "code", "score", "rank_kind", "band_label"]
    assert got == [{k: r[k] for k in reader.fieldnames} for r in rows]


def test_cli_unknown_column_exit_2(root, tmp_path):
    out = tmp_path / "s.csv"
    code, _, err = _cli(
        "score", str(root / "data" / "kutai_timur"), "--columns", "scroe", "--out", str(out)
    )
    assert code == 2
    assert "--columns" in err and "scroe" in err and "band_label" in err
    assert "Traceback" not in err and not out.exists()
