"""Every command that scores takes the same method options and gives the same numbers.

``score``, ``gaps``, ``reproduce``, ``uncertainty`` and ``reports`` share one option group
built from :data:`smartcity_eval.settings.PARAMETERS`; for the same options each reports the
same index of one region-year (score's ``score``, the gaps' ``actual`` and ``score``,
uncertainty's ``nominal_score`` and ``nominal_rank``, the report's headline). Abbreviated
options are refused everywhere.
"""

from __future__ import annotations

import argparse
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from smartcity_eval.cli.main import build_parser, main
from smartcity_eval.settings import PARAMETERS

from .conftest import TINY, write_dataset

#: Three regions, one year; bounds 1-5 on every indicator; a target and a published index.
FILES = {
    **TINY,
    "observations.csv": TINY["observations.csv"] + "Z,2024,A1,1\nZ,2024,A2,5\nZ,2024,B1,3\n",
    "targets.csv": "region,year,code,target\n*,2024,IDX,60\n",
    "published.csv": "region,year,code,score\nX,2024,IDX,50\n",
}
OPTIONS = ["--normalise", "minmax", "--range", "1", "100", "--aggregate", "geometric"]
OPTIONS += ["--scope", "all", "--min-coverage", "0.5"]
SCORING = ("score", "gaps", "reproduce", "uncertainty", "reports")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "three", FILES)


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _index(table: pd.DataFrame, column: str, region: str = "X") -> float:
    row = table.loc[(table["region"] == region) & (table["code"] == "IDX")]
    assert len(row) == 1, table
    return float(row[column].iloc[0])


def test_every_scoring_command_has_the_same_method_options():
    subs = _subparsers()
    flags = {"--" + name.replace("_", "-") for name in PARAMETERS}
    for command in SCORING:
        options = {s for a in subs[command]._actions for s in a.option_strings}
        assert flags <= options, (command, sorted(flags - options))
        assert {"--groups", "--peers"} <= options, command
    assert not subs["validate"].allow_abbrev
    assert all(not p.allow_abbrev for p in subs.values())
    assert not build_parser().allow_abbrev


def test_same_options_same_numbers_across_commands(data, tmp_path):
    ds = str(data)
    code, _, err = _run(["score", ds, *OPTIONS, "--out", str(tmp_path / "s.csv")])
    assert code == 0, err
    scores = pd.read_csv(tmp_path / "s.csv")
    index = _index(scores, "score")
    rank = _index(scores, "rank")
    # the same numbers without the options would differ (the options do something)
    assert _run(["score", ds, "--out", str(tmp_path / "d.csv")])[0] == 0
    assert _index(pd.read_csv(tmp_path / "d.csv"), "score") != pytest.approx(index)

    code, _, err = _run(
        ["gaps", ds, *OPTIONS, "--region", "X", "--what", "targets,peers", "--out", str(tmp_path / "g.csv")]
    )  # fmt: skip
    assert code == 0, err
    gaps = pd.read_csv(tmp_path / "g.csv")
    assert _index(gaps.loc[gaps["analysis"] == "targets"], "actual") == pytest.approx(index)
    peers = gaps.loc[gaps["analysis"] == "peers"]
    assert _index(peers, "score") == pytest.approx(index)
    assert _index(peers, "peer_rank") == rank

    code, _, err = _run(
        ["uncertainty", ds, *OPTIONS, "--n", "20", "--out", str(tmp_path / "u.csv")]
    )
    assert code == 0, err
    unc = pd.read_csv(tmp_path / "u.csv")
    assert _index(unc, "nominal_rank") == rank
    assert _index(unc, "nominal_score") == pytest.approx(index)

    code, _, err = _run(["reproduce", ds, *OPTIONS, "--out", str(tmp_path / "r.csv")])
    assert code in (0, 1), err  # 1 = a mismatch with the made-up published value
    assert "Traceback" not in err
    assert len(pd.read_csv(tmp_path / "r.csv")) == 1


def test_reports_headline_uses_the_same_options(data, tmp_path):
    ds, out = str(data), tmp_path / "reports"
    code, _, err = _run(["score", ds, *OPTIONS, "--out", str(tmp_path / "s.csv")])
    index = _index(pd.read_csv(tmp_path / "s.csv"), "score")
    argv = ["reports", ds, *OPTIONS, "--regions", "X", "--jobs", "1", "--out", str(out)]
    code, _, err = _run([*argv, "--no-progress"])
    assert code == 0, err
    manifest = json.loads((out / "three" / "manifest.json").read_text(encoding="utf-8"))
    text = json.dumps(manifest)
    assert '"minmax"' in text and "geometric" in text  # the settings are recorded
    heads = [r.get("headline") for r in _entries(manifest)]
    scores = [h["score"] for h in heads if h and h.get("score") is not None]
    assert scores and scores[0] == pytest.approx(index, abs=0.005 + 1e-9)


def _entries(manifest: dict) -> list[dict]:
    reports = manifest.get("reports", manifest.get("entries", []))
    return list(reports.values()) if isinstance(reports, dict) else list(reports)


@pytest.mark.parametrize("command", SCORING)
def test_abbreviated_options_are_refused(command, data, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, str(data), "--norm", "minmax"])
    assert exc.value.code == 2
    assert "--norm" in capsys.readouterr().err


def test_a_bad_method_value_exits_2_with_did_you_mean_in_the_language(data):
    code, _, err = _run(["score", str(data), "--aggregate", "geometrc"])
    assert code == 2
    assert "did you mean 'geometric'" in err and "Traceback" not in err
    code, _, err = _run(["--lang", "id", "gaps", str(data), "--aggregate", "geometrc"])
    assert code == 2
    assert "mungkin maksud Anda 'geometric'" in err and "Traceback" not in err
    code, _, err = _run(["score", str(data), "--min-coverage", "2"])
    assert code == 2 and "min_coverage" in err
