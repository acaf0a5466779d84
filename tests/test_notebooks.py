"""The notebooks: generated from notebooks/build_notebooks.py, parameterised, logic-free, and
executable top to bottom on the default data with no edits."""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest

from smartcity_eval.io.dataset import load_dataset
from smartcity_eval.present import numbers
from smartcity_eval.reports.render import notebook_to_html
from smartcity_eval.reports.worker import KernelWorker, headline_of

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
    # the headline is the official index (dataset.toml [methods] index_framework, issue 12)
    from smartcity_eval.evaluation import Evaluation

    name = ds.methods["index_framework"]
    index = ds.frameworks[name]
    scores = Evaluation(ds).scores_of(name)
    expected = scores[
        (scores["region"] == "Kabupaten Kutai Timur")
        & (scores["year"] == 2023)
        & (scores["code"] == index.root)
    ]["score"].iloc[0]
    assert head["score"] == pytest.approx(expected, abs=1e-6)
    html = notebook_to_html(nb)
    assert "Ringkasan utama" in html  # the dataset's language: Indonesian
    assert "DATA ILUSTRATIF" in html  # the dataset is illustrative
    assert numbers.fmt(expected) in html  # half up, as published
    assert "Pesan utama" in html  # the key messages
    assert 'class="jp-InputArea' not in html


def test_explore_runs_on_the_default_data_unedited(worker):
    nb = _execute(worker, "explore.ipynb")
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    figure_cells = [c for c in nb.cells if c.cell_type == "code" and "plots." in c.source]
    assert len(figure_cells) >= 2
    assert len(images) == len(figure_cells)  # every figure once (not again from pyplot)


def test_reproduce_findings_runs_on_the_default_data_unedited(worker):
    nb = _execute(worker, "reproduce_findings.ipynb")
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert text.startswith("reproduce")
    page = "".join(
        o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", [])
    )
    assert "..." not in page and "…" not in page  # full tables
    assert page.count("<tr>") > 500  # year = None: every published value of every year
    assert "SHA-256" in page and "/work/" not in page  # provenance, no machine paths


def _parameter_names(name: str) -> list[str]:
    """The names the ``parameters`` cell of a notebook assigns (read with ``ast``)."""
    import ast

    cell = next(c for c in _read(name).cells if "parameters" in c.metadata.get("tags", []))
    tree = ast.parse(cell.source)
    return [t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets]


@pytest.mark.parametrize(
    "name", ["annual_report.ipynb", "explore.ipynb", "reproduce_findings.ipynb"]
)
def test_papermill_lists_every_parameter(name):
    out = subprocess.run(
        [sys.executable, "-m", "papermill", "--help-notebook", str(ROOT / "notebooks" / name)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    text = out.stdout + out.stderr
    assert "Unable to parse" not in text
    listed = re.findall(r"^  (\w+): ", out.stdout, flags=re.M)
    assert listed == _parameter_names(name)
    assert "lang" in listed and "dataset" in listed  # the same names in every notebook


#: ipykernel's own notice about its TCP transport (not papermill's, nor the notebook's)
_KERNEL_NOTICE = re.compile(r"\[IPKernelApp\] WARNING \| Kernel is running over TCP[^\n]*")


def test_papermill_run_with_lang_prints_no_warning(tmp_path):
    out = subprocess.run(
        [
            sys.executable, "-m", "papermill", str(ROOT / "notebooks" / "reproduce_findings.ipynb"),
            str(tmp_path / "out.ipynb"), "-p", "lang", "en", "-p", "year", "2024",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    text = _KERNEL_NOTICE.sub("", out.stdout + out.stderr)
    assert not re.search(r"warn|unable to parse|unknown parameter", text, flags=re.I), text
