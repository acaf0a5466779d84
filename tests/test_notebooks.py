"""The notebooks: generated from notebooks/build_notebooks.py, parameterised, logic-free, and
executable top to bottom on the default data with no edits."""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest

from smartcity_eval.io.dataset import load_dataset
from smartcity_eval.reports.render import notebook_to_html
from smartcity_eval.reports.worker import KernelWorker, headline_of
from smartcity_eval.scoring.engine import score_dataset

from .conftest import DATA, ROOT

NOTEBOOKS = ROOT / "notebooks"
NAMES = ["annual_report.ipynb", "explore.ipynb", "reproduce_findings.ipynb"]
LOGIC = re.compile(r"^(def|class|for|while|async def)\b", re.M)


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def test_notebooks_are_generated_from_their_source():
    done = subprocess.run(
        [sys.executable, str(NOTEBOOKS / "build_notebooks.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("name", NAMES)
def test_notebook_has_kernelspec_parameters_and_no_logic(name):
    nb = _read(name)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not LOGIC.search(cell.source), cell.source
            assert not cell.get("outputs")  # committed without outputs


def test_annual_report_is_code_only_and_calls_the_library():
    nb = _read("annual_report.ipynb")
    # no markdown: every word of the page comes from labels in the report's language
    assert {c.cell_type for c in nb.cells} == {"code"}
    params = nb.cells[0].source
    for name in (
        "dataset",
        "region",
        "year",
        "lang",
        "settings",
        "normalise",
        "aggregate",
        "cache",
    ):
        assert re.search(rf"^{name} = ", params, re.M), name
    for cell in nb.cells[2:]:
        assert re.fullmatch(r"sections\.\w+\(report\)", cell.source.strip()), cell.source


@pytest.fixture(scope="module")
def worker():
    with KernelWorker(cwd=str(NOTEBOOKS)) as w:
        yield w


def _execute(worker: KernelWorker, name: str) -> nbformat.NotebookNode:
    nb = _read(name)
    worker.execute(nb, timeout=300)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    return nb


def test_annual_report_runs_on_the_default_data_unedited(worker):
    nb = _execute(worker, "annual_report.ipynb")
    head = headline_of(nb)
    ds = load_dataset(DATA / "kutai_timur")
    scores = score_dataset(ds)
    expected = scores[
        (scores["region"] == "Kabupaten Kutai Timur")
        & (scores["year"] == 2023)
        & (scores["code"] == ds.framework.root)
    ]["score"].iloc[0]
    assert head["score"] == pytest.approx(expected, abs=1e-6)
    html = notebook_to_html(nb)
    assert "Ringkasan utama" in html  # the dataset's language: Indonesian
    assert "DATA ILUSTRATIF" in html  # the dataset is illustrative
    assert f"{expected:.2f}" in html
    assert 'class="jp-InputArea' not in html


def test_explore_runs_on_the_default_data_unedited(worker):
    nb = _execute(worker, "explore.ipynb")
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 2


def test_reproduce_findings_runs_on_the_default_data_unedited(worker):
    nb = _execute(worker, "reproduce_findings.ipynb")
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert text.startswith("reproduce")
