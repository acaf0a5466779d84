"""The command line's foundation: validate, exit codes, no tracebacks."""

from __future__ import annotations

import shutil
import subprocess
import sys

from smartcity_eval.cli.main import main

from .conftest import DATA


def test_validate_embedded_dataset_is_clean(capsys):
    assert main(["validate", str(DATA / "kutai_timur")]) == 0
    assert "OK" in capsys.readouterr().out


def test_validate_broken_copy_names_file_row_column(tmp_path, capsys):
    copy = tmp_path / "kt"
    shutil.copytree(DATA / "kutai_timur", copy)
    lines = (copy / "observations.csv").read_text(encoding="utf-8").splitlines()
    fields = lines[9].split(",")  # spreadsheet row 10
    fields[3] = "tiga"
    lines[9] = ",".join(fields)
    (copy / "observations.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", str(copy)]) == 2
    err = capsys.readouterr().err
    assert "observations.csv" in err
    assert "row 10" in err
    assert "column 'value'" in err
    assert "'tiga'" in err
    assert "Traceback" not in err


def test_module_entry_point_exits_2_without_traceback(tmp_path):
    (tmp_path / "dataset.toml").write_text(
        "title = 'x'\nframwork = 'kominfo_smart_city'\n", encoding="utf-8"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "smartcity_eval", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "did you mean 'framework'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_usage_error_exits_2(capsys):
    try:
        main(["score"])
    except SystemExit as exc:
        assert exc.code == 2
    else:  # pragma: no cover
        raise AssertionError("argparse should have exited")
