"""The package installs anywhere: the wheel, in a fresh virtual environment outside the
checkout, validates, scores and reports the shipped data (issue 11, "a package that
installs anywhere").

The wheel is built from a copy of the checkout (``pip wheel . --no-deps``), installed with
the pinned versions of constraints.txt into a new venv in a temporary folder, and the
commands are run from another temporary folder, so that nothing can be found through the
checkout. It takes about a minute (mostly installing the dependencies), so it runs when
``SMARTCITY_EVAL_WHEEL=1`` is set: .ci/run sets it; ``python3 tasks.py test`` alone skips
it (``make wheel`` runs it alone).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.skipif(
    os.environ.get("SMARTCITY_EVAL_WHEEL") != "1",
    reason="set SMARTCITY_EVAL_WHEEL=1 to build and install the wheel (as .ci/run does)",
)

REGION, YEAR = "Kabupaten Kutai Timur", "2024"
#: Not copied for the build: the checkout's own environments, outputs and build leftovers
#: (a stale build/ folder could slip removed modules into the wheel).
_NOT_SOURCE = {".git", ".venv", "build", "dist", "reports", ".pytest_cache", ".ruff_cache"}


def _ignore(folder: str, names: list[str]) -> set[str]:
    top = Path(folder).resolve() == ROOT.resolve()
    return {
        n
        for n in names
        if n == "__pycache__" or n.endswith(".egg-info") or (top and n in _NOT_SOURCE)
    }


def _run(cmd: list[str | Path], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, cmd))} exited {result.returncode}\n"
        f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"
    )
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(bin folder of a fresh venv with the wheel installed, a working folder), both
    outside the checkout."""
    base = tmp_path_factory.mktemp("wheel")
    assert not base.resolve().is_relative_to(ROOT.resolve()), "the venv must be outside"
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=_ignore)
    dist = base / "dist"
    _run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", dist], source)
    wheels = sorted(dist.glob("smartcity_eval-*.whl"))
    assert len(wheels) == 1, wheels
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    _run(
        [
            python,
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-c",
            ROOT / "constraints.txt",
            wheels[0],
        ],
        base,
    )
    work = base / "work"
    work.mkdir()
    return bin_dir, work


def test_installed_package_is_not_the_checkout(installed):
    bin_dir, work = installed
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    code = (
        "import smartcity_eval, smartcity_eval.io.resources as r;"
        "print(smartcity_eval.__file__); print(r.data_dir()); print(r.notebook_path());"
        "print(','.join(r.shipped_datasets())); print(','.join(r.shipped_frameworks()))"
    )
    lines = _run([python, "-c", code], work).stdout.splitlines()
    package, data, notebook, datasets, frameworks = lines
    for path in (package, data, notebook):
        assert not Path(path).resolve().is_relative_to(ROOT.resolve()), path
        assert Path(path).resolve().is_relative_to(bin_dir.parent.resolve()), path
    assert Path(notebook).is_file() and Path(notebook).name == "annual_report.ipynb"
    assert {"kutai_timur", "kota_kediri"} <= set(datasets.split(","))
    assert {"kominfo_smart_city", "kominfo_components", "spbe_2020"} <= set(frameworks.split(","))


def test_validate_and_score_shipped_data(installed):
    bin_dir, work = installed
    exe = bin_dir / "smartcity-eval"
    out = _run([exe, "validate", "kutai_timur"], work)
    assert "OK" in out.stdout
    _run([exe, "validate", "kota_kediri"], work)
    _run([exe, "score", "kutai_timur", "--out", "s.csv"], work)
    lines = (work / "s.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("region,year,code,score")
    assert len(lines) > 100


def test_reports_shipped_data(installed):
    bin_dir, work = installed
    exe = bin_dir / "smartcity-eval"
    argv = ["reports", "kutai_timur", "--regions", REGION, "--years", YEAR]
    _run([exe, *argv, "--jobs", "1", "--no-progress", "--out", "rep"], work)
    folder = work / "rep" / "kutai_timur"
    assert (folder / "index.html").is_file() and (folder / "manifest.json").is_file()
    reports = sorted(folder.glob(f"*/{YEAR}/report.html"))
    assert len(reports) == 1, reports
    assert REGION in reports[0].read_text(encoding="utf-8")
