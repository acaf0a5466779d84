"""Other report templates in the batch: declared parameters only, ``-p NAME VALUE``, ``--per``.

The auditor's notebook (``reproduce_findings.ipynb``) has no ``region`` parameter; the batch
runs it once for the dataset (``year = None``: every year) or once per year, and passes it
only what it declares. Two real papermill runs through ``smartcity-eval reports`` check the
HTML (the reproduction line counted by hand from ``published.csv``) and the manifest entry.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from smartcity_eval.cli.main import main
from smartcity_eval.errors import DataError
from smartcity_eval.reports.runner import plan_reports
from smartcity_eval.reports.template import parse_value, template_parameters

from .conftest import ROOT
from .test_reports import _probe as probe_notebook

REPRODUCE = ROOT / "notebooks" / "reproduce_findings.ipynb"
ANNUAL = ROOT / "notebooks" / "annual_report.ipynb"
PUBLISHED = ROOT / "data" / "kutai_timur" / "published.csv"


def _probe(tmp_path: Path, parameters: str) -> Path:
    return probe_notebook(
        tmp_path, [("parameters", parameters), ("", "print(repr(threshold), repr(tags))")]
    )


# ----------------------------------------------------------------------------- parameters
def test_parse_value_reads_as_papermill_p_does():
    from papermill.cli import _resolve_type  # papermill's own reading of -p values

    for text in ["True", "False", "None", "7", "-3", "007", "1.5", "1e3", "-0.25", "abc", "2024a"]:
        assert parse_value(text) == _resolve_type(text), text
        assert type(parse_value(text)) is type(_resolve_type(text)), text
    # in addition JSON lists, objects and quoted strings
    assert parse_value("[2022, 2023]") == [2022, 2023]
    assert parse_value('{"a": 1}') == {"a": 1}
    assert parse_value('"2024"') == "2024"
    assert parse_value("[not json") == "[not json"
    assert parse_value("nan") == "nan"  # not a number JSON can carry into the manifest


def test_the_batch_reads_the_declared_parameters():
    assert list(template_parameters(REPRODUCE)) == ["dataset", "year", "lang", "settings"]
    annual = list(template_parameters(ANNUAL))
    assert annual[:4] == ["dataset", "region", "year", "lang"] and "cache" in annual


def test_a_template_without_region_runs_per_dataset_or_per_year(tmp_path):
    jobs, header = plan_reports("kutai_timur", tmp_path, notebook=REPRODUCE, lang="en")
    assert header["per"] == "dataset" and len(jobs) == 1
    (job,) = jobs
    assert set(job.parameters) == {"dataset", "year", "lang", "settings"}  # only declared
    assert job.parameters["year"] is None  # every year
    assert Path(job.out_dir) == (tmp_path / "kutai_timur/reproduce_findings/all-years").resolve()
    jobs, header = plan_reports(
        "kutai_timur", tmp_path, notebook=REPRODUCE, years=[2023, 2024], lang="en"
    )
    assert header["per"] == "year"
    assert [j.parameters["year"] for j in jobs] == [2023, 2024]
    assert [Path(j.out_dir).name for j in jobs] == ["2023", "2024"]
    # the annual report still runs per region and year, with every batch parameter
    jobs, header = plan_reports("kutai_timur", tmp_path, years=[2024], lang="en")
    assert header["per"] == "region-year" and len(jobs) == 10
    assert set(jobs[0].parameters) == {"dataset", "region", "year", "lang", "settings", "cache"}


def test_user_parameters_are_checked_against_the_template(tmp_path):
    probe = _probe(tmp_path, "region = ''\nyear = 0\nthreshold = 0.5\ntags = []\n")
    jobs, _ = plan_reports(
        "kutai_timur",
        tmp_path,
        notebook=probe,
        years=[2024],
        regions=["Kabupaten Kutai Timur"],
        extra_parameters={"threshold": 0.75},
    )
    assert jobs[0].parameters == {
        "region": "Kabupaten Kutai Timur",
        "year": 2024,
        "threshold": 0.75,
    }
    other, _ = plan_reports(
        "kutai_timur", tmp_path, notebook=probe, years=[2024], regions=["Kabupaten Kutai Timur"]
    )
    assert other[0].key != jobs[0].key  # a user parameter is part of the fingerprint
    with pytest.raises(DataError) as err:
        plan_reports("kutai_timur", tmp_path, notebook=probe, extra_parameters={"treshold": 1})
    text = err.value.format("en")
    assert "declares no parameter 'treshold'" in text
    assert "did you mean 'threshold'" in text
    assert "region, year, threshold, tags" in text
    assert "tidak mendeklarasikan parameter 'treshold'" in err.value.format("id")
    with pytest.raises(DataError, match="use --regions"):
        plan_reports("kutai_timur", tmp_path, notebook=probe, extra_parameters={"region": "X"})


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-p", "yeer", "2024"], "did you mean 'year'"),
        (["--per", "region-year"], "declares the parameter 'region'"),
        (["--regions", "Kabupaten Berau"], "no 'region' parameter"),
        (["--per", "dataset", "--years", "2024"], "use --per year"),
        (["-p", "lang", "id"], "use --lang"),
    ],
)
def test_the_command_refuses_what_the_template_cannot_take(argv, message, tmp_path, capsys):
    code = main(
        ["reports", "kutai_timur", "--notebook", str(REPRODUCE), "--out", str(tmp_path)] + argv
    )
    err = capsys.readouterr().err
    assert code == 2 and message in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "kutai_timur").exists()  # nothing made


def test_an_annual_template_cannot_run_per_dataset(tmp_path, capsys):
    code = main(["reports", "kutai_timur", "--per", "dataset", "--out", str(tmp_path)])
    assert code == 2 and "declares 'region'" in capsys.readouterr().err


# ----------------------------------------------------------------------------- end to end
def _published_count(year: int | None = None) -> int:
    table = pd.read_csv(PUBLISHED)
    return len(table) if year is None else int((table["year"] == year).sum())


def test_reports_runs_the_auditor_notebook_once_for_the_dataset(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["reports", "kutai_timur", "--notebook", str(REPRODUCE), "--out", str(out)]
    code = main([*argv, "--lang", "en", "--no-progress"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "1 made" in printed
    root = out / "kutai_timur" / "reproduce_findings"
    html = (root / "all-years" / "report.html").read_text(encoding="utf-8")
    n = _published_count()
    assert n == 523
    assert f"reproduce: all {n} published values match (every year)" in html
    assert html.count("<tr>") >= n  # every published value in full, no "..." rows
    data = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert data["per"] == "dataset"
    assert data["template_parameters"] == ["dataset", "year", "lang", "settings"]
    (entry,) = data["reports"]
    assert entry["status"] == "ok" and entry["region"] == "" and entry["year"] is None
    assert set(entry["parameters"]) == {"dataset", "year", "lang", "settings"}
    assert entry["parameters"]["year"] is None and entry["parameters"]["lang"] == "en"
    assert entry["files"]["html"] == "all-years/report.html"
    nb = nbformat.read(root / entry["files"]["ipynb"], as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "year = None" in injected[0].source
    index = (root / "index.html").read_text(encoding="utf-8")
    assert "all-years/report.html" in index and "every year" in index
    # the annual reports' manifest is not touched
    assert not (out / "kutai_timur" / "manifest.json").exists()
    # up to date: a rerun skips it
    assert main([*argv, "--lang", "en", "--no-progress"]) == 0
    assert "1 up to date" in capsys.readouterr().out


def test_reports_passes_a_user_year_to_the_auditor_notebook(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(
        ["reports", "kutai_timur", "--notebook", str(REPRODUCE), "--out", str(out)]
        + ["-p", "year", "2024", "--lang", "id", "--no-progress"]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    root = out / "kutai_timur" / "reproduce_findings"
    data = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = data["reports"]
    assert entry["parameters"]["year"] == 2024 and entry["parameters"]["lang"] == "id"
    html = (root / "2024" / "report.html").read_text(encoding="utf-8")
    n = _published_count(2024)
    assert n == 130
    assert f"semua {n} nilai" in html and "(2024)" in html
    assert "Reproduksi hasil yang dipublikasikan" in html  # the title in the report language
