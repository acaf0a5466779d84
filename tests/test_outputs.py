"""Nothing is ever lost (issue 6, part 3): atomic writes, interrupted runs, file names that
cannot escape ``--out``, and CSV cells that a spreadsheet cannot run as formulas.

The CSV-injection rule follows OWASP, "CSV Injection"
(https://owasp.org/www-community/attacks/CSV_Injection): a cell starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return is prefixed with ``'``; numbers stay numbers.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcity_eval.cli import main as cli
from smartcity_eval.io import outputs
from smartcity_eval.io.outputs import (
    SLUG_MAX,
    atomic_path,
    atomic_write,
    neutralise_formulas,
    safe_child,
    slugify,
    slugify_all,
    write_csv,
)
from tests.bad_inputs.build import build

ROOT = Path(__file__).resolve().parent.parent

NASTY_NAMES = [
    "../../etc/passwd",
    "..",
    ".",
    "/",
    "/etc/passwd",
    "a/b\\c",
    "nul\x00byte",
    "CON",
    "nul",
    "LPT1",
    "",
    "   ",
    ".hidden",
    "Kab. Kutai Timur",
    "Kabupaten Kutai Timur",
    "KABUPATEN KUTAI TIMUR",
    "Kota Bau-Bau",
    "Kota Baubau",
    "Kota A/B",
    "Kota A-B",
    "Tanjung Redeb — Berau ñ é",
    "日本",
    '=HYPERLINK("http://x")',
    "x" * 300,
    "x" * 300 + "y",
    "Kabupaten " * 40,
]


# ----------------------------------------------------------------------------- slugify
def test_slugify_examples():
    assert slugify("Kab. Kutai Timur") == "kab-kutai-timur"
    assert slugify("Kabupaten Kutai Timur") == "kabupaten-kutai-timur"
    assert slugify("Tanjung Redeb (Berau)") == "tanjung-redeb-berau"
    assert slugify("Bulungan ñ é") == "bulungan-n-e"  # accents folded to ASCII
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("a\x00b") == "a-b"


@pytest.mark.parametrize("name", NASTY_NAMES)
def test_slugify_is_safe_and_deterministic(name, tmp_path):
    slug = slugify(name)
    assert slug == slugify(name)  # deterministic
    assert 0 < len(slug) <= SLUG_MAX
    assert set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert not slug.startswith("-") and not slug.endswith("-")
    assert slug.lower() not in {"con", "prn", "aux", "nul", "com1", "lpt1"}
    # a file named after it lands inside the folder, whatever the name held
    path = safe_child(tmp_path, f"report_{slug}.html")
    assert path.parent == tmp_path.resolve()
    path.write_text("ok", encoding="utf-8")
    assert path.read_text(encoding="utf-8") == "ok"


def test_slugify_adds_a_hash_when_it_loses_identity():
    # empty or reserved after cleaning: a short hash of the original name
    assert slugify("..") != slugify("/")
    assert slugify("CON").startswith("con-") and len(slugify("CON")) == len("con-") + 8
    # truncated: distinct long names keep distinct slugs
    long_a, long_b = "x" * 300, "x" * 300 + "y"
    assert slugify(long_a) != slugify(long_b)
    assert len(slugify(long_a)) == SLUG_MAX
    # a name whose slug is already taken
    assert slugify("Kota A/B", taken={"kota-a-b"}) != "kota-a-b"
    assert slugify("Kota A/B", taken={"kota-a-b"}).startswith("kota-a-b-")
    # short, clean names are left readable
    assert slugify("Kota Samarinda", max_length=20) == "kota-samarinda"


def test_slugify_all_is_unique_and_order_independent():
    names = ["Kota A/B", "Kota A-B", "Kota C", "KOTA C", "Kota D"]
    forward = slugify_all(names)
    backward = slugify_all(list(reversed(names)))
    assert forward == backward
    assert len(set(forward.values())) == len(names)
    assert forward["Kota D"] == "kota-d"  # no collision, no hash
    assert forward["Kota A/B"].startswith("kota-a-b-") and forward["Kota A-B"].startswith(
        "kota-a-b-"
    )
    many = slugify_all(NASTY_NAMES)
    assert len(set(many.values())) == len(set(NASTY_NAMES))


def test_safe_child_refuses_to_leave_the_folder(tmp_path):
    assert safe_child(tmp_path, "a", "b.csv") == (tmp_path / "a" / "b.csv").resolve()
    for parts in (("..", "x.csv"), ("/etc/passwd",), ("a", "..", "..", "x")):
        with pytest.raises(ValueError, match="refusing to write outside"):
            safe_child(tmp_path, *parts)
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (tmp_path / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError):
        safe_child(tmp_path, "link", "x.csv")  # a symlink out of the folder is refused too


# ----------------------------------------------------------------------------- formulas
def test_neutralise_formulas_text_only_numbers_stay_numbers():
    frame = pd.DataFrame(
        {
            "region": ['=HYPERLINK("http://evil")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"],
            "note": ["\tTab", "\rCR", "ok", "\uff1d1+1"],
            "score": [-1.5, 2.0, -0.25, 3.0],
            "count": [-1, 2, 3, 4],
            "mixed": pd.Series([-2.5, "-3.5", "+62 812", None], dtype=object),
            "=header": ["a", "b", "c", "d"],
        }
    )
    safe = neutralise_formulas(frame)
    assert list(safe["region"]) == [
        '\'=HYPERLINK("http://evil")',
        "'+cmd|' /C calc'!A0",
        "'-2+3",
        "'@SUM(A1)",
    ]
    assert list(safe["note"]) == ["'\tTab", "'\rCR", "ok", "'\uff1d1+1"]
    assert safe["score"].tolist() == [-1.5, 2.0, -0.25, 3.0]  # numbers stay numbers
    assert safe["count"].tolist() == [-1, 2, 3, 4]
    assert safe["mixed"].tolist()[:3] == [-2.5, "-3.5", "'+62 812"]  # "-3.5" is a number
    assert "'=header" in safe.columns
    assert frame["region"].iloc[0].startswith("=")  # the input is not modified


def test_write_csv_file_is_spreadsheet_safe(tmp_path):
    frame = pd.DataFrame(
        {"region": ["=1+1", "Kota A"], "year": [2024, 2024], "score": [-3.5, 0.1 + 0.2]}
    )
    out = tmp_path / "scores.csv"
    write_csv(frame, out)
    text = out.read_text(encoding="utf-8")
    assert text == "region,year,score\n'=1+1,2024,-3.5\nKota A,2024,0.3\n"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert float(rows[0]["score"]) == -3.5  # a negative number is still a number


def test_write_csv_to_standard_output(capsys):
    write_csv(pd.DataFrame({"a": ["@x"], "b": [1]}), "-")
    assert capsys.readouterr().out == "a,b\n'@x,1\n"
    write_csv(pd.DataFrame({"a": ["y"]}))
    assert capsys.readouterr().out == "a\ny\n"


# ----------------------------------------------------------------------------- atomic writes
def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "sub" / "a.csv"
    atomic_write(target, "one\n")
    atomic_write(target, b"two\n")
    assert target.read_bytes() == b"two\n"
    assert _leftovers(target.parent) == []


@pytest.mark.parametrize("error", [RuntimeError("disk"), KeyboardInterrupt()])
def test_atomic_path_keeps_the_old_file_on_failure(tmp_path, error):
    target = tmp_path / "a.csv"
    target.write_bytes(b"good\n")
    with pytest.raises(type(error)), atomic_path(target) as tmp:
        tmp.write_bytes(b"half a fi")
        raise error
    assert target.read_bytes() == b"good\n"
    assert _leftovers(tmp_path) == []


# ----------------------------------------------------------------------------- score --out
@pytest.fixture
def base(tmp_path) -> Path:
    return build("_base", tmp_path / "base")


def _score(dataset: Path, out: Path) -> int:
    with contextlib.redirect_stderr(io.StringIO()):
        return cli.main(["score", str(dataset), "--out", str(out)])


def test_score_out_good_run_then_failing_runs_keep_it(base, tmp_path):
    out = tmp_path / "results" / "scores.csv"
    assert _score(base, out) == 0
    good = out.read_bytes()
    assert good.startswith(b"region,year,code,score")
    # 1) bad input: the run stops before writing
    bad = build("value_above_scale", tmp_path / "bad")
    assert _score(bad, out) == 2
    assert out.read_bytes() == good
    # 2) the disk fails at the last step (the rename)
    with pytest.MonkeyPatch.context() as mp:

        def broken_replace(src, dst):
            raise OSError(28, "No space left on device", str(dst))

        mp.setattr(outputs.os, "replace", broken_replace)
        assert _score(base, out) == 2
    assert out.read_bytes() == good
    # 3) Ctrl-C while the new file is being written
    with pytest.MonkeyPatch.context() as mp:

        def interrupted(fd):
            raise KeyboardInterrupt

        mp.setattr(outputs.os, "fsync", interrupted)
        assert _score(base, out) == 130
    assert out.read_bytes() == good
    assert _leftovers(out.parent) == []


def test_score_out_replaces_with_the_new_result(base, tmp_path):
    out = tmp_path / "scores.csv"
    out.write_text("an older, longer file\n" * 1000, encoding="utf-8")
    assert _score(base, out) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("region,year,code,score") and "older" not in text
    table = pd.read_csv(out)
    idx = table[(table["code"] == "IDX") & (table["year"] == 2024)].set_index("region")
    # (3 + 3.5) / 2 = 3.25 and (2 * 3 + 4) / 3 = 3.3333 -> (3.25 + 3.3333) / 2
    assert idx.at["Kabupaten Kutai Timur", "score"] == pytest.approx((3.25 + 10 / 3) / 2)


SLOW_SCORE = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from smartcity_eval.cli import main as cli
    from smartcity_eval.io import outputs

    flag = Path(sys.argv[3])
    real_fsync = os.fsync

    def slow_fsync(fd):
        real_fsync(fd)
        flag.write_text("the new file is written but not yet renamed")
        time.sleep(60)

    outputs.os.fsync = slow_fsync
    sys.exit(cli.main(["score", sys.argv[1], "--out", sys.argv[2]]))
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_score_out_killed_mid_write_keeps_the_earlier_file(sig, base, tmp_path):
    out = tmp_path / "scores.csv"
    assert _score(base, out) == 0
    good = out.read_bytes()
    flag = tmp_path / "flag"
    script = tmp_path / "slow_score.py"
    script.write_text(SLOW_SCORE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(script), str(base), str(out), str(flag)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            assert proc.poll() is None, proc.communicate()[1].decode()
            assert time.monotonic() < deadline, "the run never reached the write"
            time.sleep(0.05)
        assert len(_leftovers(tmp_path)) == 1  # the new result waits in a temporary file
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert out.read_bytes() == good  # the earlier result is intact, byte for byte
    if sig == signal.SIGINT:
        assert proc.returncode == 130
        assert b"earlier outputs are left as they were" in stderr
        assert _leftovers(tmp_path) == []  # Ctrl-C cleans up after itself
    else:
        assert proc.returncode == -signal.SIGKILL  # nothing can clean up after SIGKILL ...
        assert _leftovers(tmp_path) != []  # ... so a hidden .scores.csv.*.tmp may remain
        assert _score(base, out) == 0  # and the next run still works
        assert out.read_bytes() == good


def test_no_output_lands_outside_out_whatever_the_region_name(tmp_path):
    """Region names are data: as file names they go through slugify and safe_child."""
    out = tmp_path / "out"
    regions = NASTY_NAMES
    slugs = slugify_all(regions)
    for region in regions:
        atomic_write(safe_child(out, f"gaps_{slugs[region]}.csv"), "x\n")
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert len(written) == len(regions)
    assert all(p.parent == out.resolve() for p in written)
    assert np.all([len(p.name) < 100 for p in written])
