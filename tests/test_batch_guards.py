"""Guards of a report batch (issue 16) that need no notebook run: the memory estimate, a
plain script without a ``__main__`` guard, text from the data in figures, shadowing."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

import smartcity_eval as se
from smartcity_eval import DataError

ROOT = Path(__file__).resolve().parent.parent


def test_a_dataset_too_big_for_the_memory_is_refused(monkeypatch):
    import psutil

    from smartcity_eval.reports import control

    class Small:
        available = 2e9

    monkeypatch.setattr(psutil, "virtual_memory", lambda: Small())
    control.check_memory(1000, 2, "dataset.toml")  # about 0.6 GB: fine
    with pytest.raises(DataError) as caught:
        control.check_memory(10_000, 2, "dataset.toml")
    text = str(caught.value)
    assert "dataset.toml" in text
    assert "10000 indicators need about" in text
    assert "--jobs 1" in text


def test_workers_do_not_rerun_a_plain_script(tmp_path):
    """spawn imports a plain script's __main__ in each child; the runner hides it."""
    script = tmp_path / "plain.py"
    script.write_text(
        "import concurrent.futures as cf, multiprocessing as mp, os\n"
        "from smartcity_eval.reports.control import main_not_reimported\n"
        "print('script ran', flush=True)\n"
        "with main_not_reimported(), cf.ProcessPoolExecutor(\n"
        "        2, mp_context=mp.get_context('spawn')) as pool:\n"
        "    print(sorted(set(pool.map(abs, [1, -2, 3]))))\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("script ran") == 1, done.stdout
    assert "[1, 2, 3]" in done.stdout


def test_text_from_the_data_is_never_mathtext():
    """A region named with dollar signs (broken mathtext) draws as plain text."""
    import matplotlib

    matplotlib.use("Agg")
    from smartcity_eval.present import plots
    from smartcity_eval.reports import kernel

    fig, ax = plots._new(3, 2)
    ax.set_title(r"Kota $\frac{ $$ ^_^ $")
    ax.set_xlabel("$x_{")
    fig.savefig(io.BytesIO(), format="png")
    kernel.warm_up()
    assert matplotlib.rcParams["text.parse_math"] is False


def test_a_local_folder_never_shadows_a_shipped_framework(tmp_path, monkeypatch, capsys):
    """A folder named like a shipped framework (or dataset) in the current directory does
    not replace it; a path (./name) still means the folder."""
    reference = se.score_dataset(se.load_dataset("kutai_timur"))
    fake = tmp_path / "kominfo_smart_city"
    fake.mkdir()
    (fake / "framework.csv").write_text(
        "code,parent,name,weight\nIDX,,Fake,1\nX,IDX,x,1\n", encoding="utf-8"
    )
    shadow = tmp_path / "kutai_timur"
    shadow.mkdir()
    monkeypatch.chdir(tmp_path)
    ds = se.load_dataset("kutai_timur")
    assert Path(ds.path).resolve() != shadow.resolve()
    assert Path(ds.framework.source).resolve().parent != fake.resolve()
    import pandas as pd

    pd.testing.assert_frame_equal(se.score_dataset(ds), reference)
    assert se.load_framework("kominfo_smart_city").root != "IDX"
    assert se.load_framework("./kominfo_smart_city").root == "IDX"
    from smartcity_eval.cli import main as cli

    assert cli.main(["validate", "kutai_timur"]) == 0
    out = capsys.readouterr().out
    assert "framework kominfo_smart_city:" in out
    assert str(fake) not in out
