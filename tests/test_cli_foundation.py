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


def test_parameter_error_exits_2_in_the_language_without_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "smartcity_eval", "score", str(DATA / "kutai_timur"), "--lang", "id"]
        + ["--aggregate", "harmonik"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "mungkin maksud Anda 'harmonic'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_commands_are_one_module_each_with_help_from_the_docstring():
    from smartcity_eval.cli.main import COMMANDS, build_parser

    assert set(COMMANDS) == {
        "validate",
        "score",
        "gaps",
        "reproduce",
        "agreement",
        "uncertainty",
        "reports",
        "programmes",
        "evidence",
        "departments",
    }
    text = build_parser().format_help()
    for name, module in COMMANDS.items():
        assert module.__name__ == f"smartcity_eval.cli.{name}"
        assert name in text and callable(module.run) and callable(module.options)
