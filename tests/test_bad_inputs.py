"""The bad-input corpus (issue 6): every defect gets a precise, readable answer.

Each case under ``tests/bad_inputs/`` is the good base dataset ``_base/`` with ONE file
changed (see ``tests/bad_inputs/build.py``) and ``expected.txt`` listing the substrings the
message must contain: the file, the row as a spreadsheet shows it (header = row 1), the
column, the key phrase and the fix, in English and (``id:`` lines) in Bahasa Indonesia.

For every case and every command that reads a dataset (``cli.COMMANDS`` at test time):
exit code 2, the expected message, no traceback, and no output file written. The Python API
raises :class:`DataError` carrying the same problems, sorted by file then row, each with a
file, a fix and an Indonesian translation.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from smartcity_eval import DataError, load_dataset
from smartcity_eval.cli import main as cli
from smartcity_eval.errors import sort_problems
from tests.bad_inputs.build import build, cases, expected, harmless

ROOT = Path(__file__).resolve().parent.parent
CASES = cases()
HARMLESS = harmless()
COMMANDS = list(cli.COMMANDS)
# commands whose good run executes notebooks or thousands of simulations: their bad-input
# runs are tested (they stop at loading), their good run belongs to their own tests
HEAVY = {"reports", "uncertainty", "sensitivity"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case built once, in a folder named after the case."""
    base = tmp_path_factory.mktemp("corpus")
    return {name: build(name, base / name) for name in [*CASES, *HARMLESS, "_base"]}


def _subparser(command: str) -> argparse.ArgumentParser:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[command]


def _argv(command: str, dataset: Path, out: Path) -> list[str]:
    """The shortest valid command line for ``command`` on ``dataset``, writing to ``out``."""
    argv = [command, str(dataset)]
    options = {s for a in _subparser(command)._actions for s in a.option_strings}
    if "--out" in options:
        argv += ["--out", str(out)]
    return argv


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse: the test's command line is wrong, not the data
            pytest.fail(f"argparse rejected {argv}: exit {exc.code}\n{err.getvalue()}")
    return code, out.getvalue(), err.getvalue()


def test_corpus_is_complete():
    assert len(CASES) >= 120
    assert len(HARMLESS) >= 10
    for name in CASES:
        description, english, indonesian = expected(name)
        assert description, f"{name}: expected.txt needs a '# description' line"
        assert english, f"{name}: expected.txt lists no English substring"
        assert indonesian, f"{name}: expected.txt lists no 'id:' substring"


@pytest.mark.parametrize("case", CASES)
def test_api_raises_one_error_with_every_problem(case, built):
    with pytest.raises(DataError) as caught:
        load_dataset(built[case])
    error = caught.value
    assert isinstance(error, ValueError)  # the documented base class
    text = str(error)
    for substring in expected(case)[1]:
        assert substring in text, f"{case}: {substring!r} not in\n{text}"
    assert error.problems == sort_problems(error.problems)
    for problem in error.problems:
        assert problem.file, f"{case}: a problem names no file: {problem}"
        assert problem.fix, f"{case}: a problem gives no fix: {problem}"
        assert problem.message_id and problem.fix_id, f"{case}: untranslated: {problem}"
        assert problem.level == "error"
        assert "Traceback" not in problem.format("en")


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", CASES)
def test_every_command_rejects_with_the_message(case, command, built, tmp_path):
    out = tmp_path / f"out-{command}"
    code, stdout, stderr = _run(_argv(command, built[case], out))
    assert code == 2, f"{case}/{command}: exit {code}\n{stderr}"
    for substring in expected(case)[1]:
        assert substring in stderr, f"{case}/{command}: {substring!r} not in\n{stderr}"
    assert "Traceback" not in stderr
    assert stderr.rstrip().endswith("found.")  # "N problem(s) found."
    assert stdout == ""
    assert not out.exists(), "no output may be written for bad input"


@pytest.mark.parametrize("case", CASES)
def test_messages_in_indonesian(case, built):
    code, _, stderr = _run(["--lang", "id", "validate", str(built[case])])
    assert code == 2
    for substring in expected(case)[2]:
        assert substring in stderr, f"{case}: {substring!r} not in\n{stderr}"
    assert "Perbaikan:" in stderr
    assert "Fix:" not in stderr
    assert "masalah ditemukan" in stderr


def test_lang_may_follow_the_command(built):
    code, _, stderr = _run(["validate", str(built["year_not_a_number"]), "--lang", "id"])
    assert code == 2
    assert "'20x4' bukan tahun berupa bilangan bulat" in stderr


def test_the_issue_example_word_for_word(built):
    code, _, stderr = _run(["validate", str(built["year_not_a_number"])])
    assert code == 2
    assert (
        "observations.csv, row 5, column 'year': '20x4' is not a whole-number year. "
        "Fix: write the year as four digits, e.g. 2024.\n1 problem found.\n"
    ) in stderr


def test_all_problems_of_a_file_at_once_sorted_by_row(built):
    with pytest.raises(DataError) as caught:
        load_dataset(built["many_problems_one_file"])
    rows = [p.row for p in caught.value.problems]
    assert rows == [4, 13, 21, 26]
    assert [p.column for p in caught.value.problems] == ["year", "value", "value", "indicator"]


def test_debug_shows_the_traceback(built):
    with pytest.raises(DataError):
        cli.main(["--debug", "validate", str(built["tree_cycle"])])


@pytest.mark.parametrize("case", ["encoding_windows_1252", "header_on_row_3_xlsx"])
def test_real_process_exit_code_and_no_traceback(case, built):
    command = [sys.executable, "-m", "smartcity_eval", "validate", str(built[case])]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert expected(case)[1][0] in done.stderr
    debug = subprocess.run(
        [*command[:3], "--debug", *command[3:]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr


@pytest.mark.parametrize("command", [c for c in COMMANDS if c not in HEAVY])
def test_the_base_dataset_is_good(command, built, tmp_path):
    """The corpus would prove nothing if the base were bad: every command accepts it."""
    code, _, stderr = _run(_argv(command, built["_base"], tmp_path / f"out-{command}"))
    assert code == 0, stderr


@pytest.mark.parametrize("case", HARMLESS)
def test_harmless_variants_score_as_the_base(case, built):
    """A file saved another way (CR-only or CRLF line ends, a byte-order mark, ';' with
    decimal commas, a workbook with a hidden draft sheet or percentage formats, a 200 KiB
    note cell) gives exactly the base's scores."""
    import pandas as pd

    import smartcity_eval as se

    base = se.evaluate(built["_base"]).scores.reset_index(drop=True)
    got = se.evaluate(built[case]).scores.reset_index(drop=True)
    pd.testing.assert_frame_equal(got, base)
    code, stdout, stderr = _run(["validate", str(built[case])])
    assert code == 0, stderr
    assert "OK" in stdout
