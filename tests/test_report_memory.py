"""The memory guard of a report batch (issue 16): linear in the indicators and values, based
on benchmarks/bench_report_memory.py, and the benchmark's synthetic datasets are valid."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import smartcity_eval as se
from smartcity_eval import DataError
from smartcity_eval.reports import control

ROOT = Path(__file__).resolve().parent.parent


def test_the_estimate_is_linear_with_the_measured_constants():
    fixed = control.report_memory(0, 0)
    assert fixed == pytest.approx(1.2 * 430 * 2**20)
    one = control.report_memory(1000) - fixed
    assert control.report_memory(2000) - fixed == pytest.approx(2 * one)  # linear, not 4x
    # 1,000 indicators x 60 values each x 6.1 KiB, times the margin
    assert one == pytest.approx(1.2 * 60_000 * 6.1 * 1024)
    # given values replace the 60 per indicator
    assert control.report_memory(1000, 120_000) - fixed == pytest.approx(2 * one)
    # a second worker adds a worker and a kernel
    two = control.report_memory(1000, 60_000, 2) - control.report_memory(1000, 60_000, 1)
    assert two == pytest.approx(1.2 * (280 * 2**20 + 60_000 * 2.7 * 1024))


def test_a_national_panel_is_refused_by_its_values(monkeypatch):
    """2,000 indicators pass at 30 regions x 2 years but not at 514 regions x 4 years."""
    import psutil

    class Eight:
        available = 8e9

    monkeypatch.setattr(psutil, "virtual_memory", lambda: Eight())
    control.check_memory(2000, 1, "dataset.toml", n_values=2000 * 60)
    with pytest.raises(DataError) as caught:
        control.check_memory(2000, 1, "dataset.toml", n_values=2000 * 514 * 4)
    text = str(caught.value)
    assert "2000 indicators need about" in text and "(4112000 values)" in text
    assert "dataset.toml" in text and "--jobs 1" in text


def test_the_benchmark_datasets_validate(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_report_memory as bench

    bench.make_dataset(tmp_path / "d", 35, 4)
    ds = se.load_dataset(tmp_path / "d")
    fw = next(iter(ds.frameworks.values()))
    assert len(fw.indicators) == 35
    assert fw.nodes.loc[fw.indicators, "parent"].value_counts().max() == 10
    assert set(ds.regions) == {f"Kota Sintetis {r:02d}" for r in range(1, 5)}
    values = ds.observations["value"]
    assert len(values) == 35 * 4 * 2 and values.isna().any() and values.notna().mean() > 0.85
    assert set(values.dropna()) <= {1.0, 2.0, 3.0, 4.0, 5.0}


def test_reports_refuse_a_dataset_too_big_for_the_memory(tiny, tmp_path, monkeypatch, capsys):
    """The command stops before any kernel starts: exit 2, the file and the fix."""
    import psutil

    from smartcity_eval.cli.main import main

    class Tiny:
        available = 100e6

    monkeypatch.setattr(psutil, "virtual_memory", lambda: Tiny())
    code = main(
        ["reports", str(tiny), "--jobs", "1", "--out", str(tmp_path / "out"), "--no-progress"]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert "3 indicators need about 0.5 GB (6 values) with 1 worker" in err
    assert "dataset.toml" in err and "--jobs 1" in err and "Traceback" not in err
    assert not list((tmp_path / "out").rglob("report.html"))
