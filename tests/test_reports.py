"""Annual reports: content, the batch runner, atomic writes, no state leaking between reports.

The small dataset below is hand-made so that the report's numbers can be checked by hand:
three pillars (a radar needs three spokes), two years, three regions, one missing value,
targets for one region, a self-assessment and two assessors. Notebook execution is kept
short: the batch tests run a handful of reports on warm kernels.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from smartcity_eval import messages as labels
from smartcity_eval.cli.main import main
from smartcity_eval.io.dataset import load_dataset
from smartcity_eval.io.provenance import (
    file_hashes,
    fingerprint,
    provenance,
    sha256_file,
    sha256_text,
)
from smartcity_eval.reports import content, manifest, sections
from smartcity_eval.reports.runner import format_summary, plan_reports, run_reports
from smartcity_eval.reports.worker import HEADLINE_MIME, headline_of

from .conftest import ROOT, write_dataset

# ----------------------------------------------------------------------------- a small dataset
ITEMS = ["I111", "I112", "I121", "I211", "I212", "I311"]
VALUES = {
    # region -> year -> item values (None = missing)
    "Kota Satu": {2023: [2, 3, 3, 2, 4, 3], 2024: [3, 4, None, 3, 4, 4]},
    "Kabupaten Dua": {2023: [2] * 6, 2024: [3] * 6},
    "Kota Tiga": {2023: [4] * 6, 2024: [5, 5, 5, 4, 4, 4]},
}


def _observations() -> str:
    lines = ["region,year,indicator,value,note"]
    for region, years in VALUES.items():
        for year, values in years.items():
            for item, value in zip(ITEMS, values, strict=True):
                note = "not verified: no assessor score" if value is None else ""
                lines.append(f"{region},{year},{item},{'' if value is None else value},{note}")
    return "\n".join(lines) + "\n"


def _assessments() -> str:
    lines = ["region,year,indicator,assessor,score,stage"]
    for region, years in VALUES.items():
        for year, values in years.items():
            for k, (item, value) in enumerate(zip(ITEMS, values, strict=True)):
                base = 3 if value is None else value
                lines.append(f"{region},{year},{item},self,{min(5, base + 1)},self")
                if value is not None:
                    lines.append(f"{region},{year},{item},A1,{value},assessor")
                    lines.append(f"{region},{year},{item},A2,{max(1, value - (k % 2))},assessor")
    return "\n".join(lines) + "\n"


SMALL = {
    "dataset.toml": (
        'title = "Small test dataset"\nillustrative = true\nlang = "id"\n'
        'note_lang = "en"\n'  # the notes of observations.csv are English
        '[methods]\nnormalise = "none"\naggregate = "arithmetic"\nconsensus = "median"\n'
    ),
    "framework.csv": (
        "code,parent,name,name_id,weight,direction,unit,lower,upper\n"
        "IDX,,Test index,Indeks uji,1,,,,\n"
        "P1,IDX,Pillar one,Pilar satu,1,,,,\n"
        "E11,P1,Element one-one,Elemen satu-satu,1,,,,\n"
        "I111,E11,Item 111,Butir 111,1,1,level 1-5,1,5\n"
        "I112,E11,Item 112,Butir 112,1,1,level 1-5,1,5\n"
        "E12,P1,Element one-two,Elemen satu-dua,1,,,,\n"
        "I121,E12,Item 121,Butir 121,1,1,level 1-5,1,5\n"
        "P2,IDX,Pillar two,Pilar dua,1,,,,\n"
        "E21,P2,Element two-one,Elemen dua-satu,1,,,,\n"
        "I211,E21,Item 211,Butir 211,1,1,level 1-5,1,5\n"
        "I212,E21,Item 212,Butir 212,1,1,level 1-5,1,5\n"
        "P3,IDX,Pillar three,Pilar tiga,1,,,,\n"
        "E31,P3,Element three-one,Elemen tiga-satu,1,,,,\n"
        "I311,E31,Item 311,Butir 311,1,1,level 1-5,1,5\n"
    ),
    "observations.csv": _observations(),
    "assessments.csv": _assessments(),
    "targets.csv": (
        "region,year,code,target\n"
        "Kota Satu,2023,IDX,3.0\nKota Satu,2024,IDX,3.5\nKota Satu,2026,IDX,4.0\n"
        "Kota Satu,2024,P1,3.0\nKota Satu,2026,P1,4.0\n"
    ),
}

#: Hand-computed index (arithmetic means up the tree, missing children skipped).
INDEX = {
    ("Kota Satu", 2023): (2.75 + 3 + 3) / 3,
    ("Kota Satu", 2024): (3.5 + 3.5 + 4) / 3,
    ("Kabupaten Dua", 2023): 2.0,
    ("Kabupaten Dua", 2024): 3.0,
    ("Kota Tiga", 2023): 4.0,
    ("Kota Tiga", 2024): 13 / 3,
}


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "small", SMALL)


# ----------------------------------------------------------------------------- labels
def test_labels_have_the_same_keys_in_both_languages():
    assert set(labels.EN) == set(labels.ID)
    for key in labels.EN:
        fields_en = set(re.findall(r"{(\w+)", labels.EN[key]))
        fields_id = set(re.findall(r"{(\w+)", labels.ID[key]))
        assert fields_en == fields_id, key


def test_t_fills_values_and_falls_back():
    assert labels.t("headline.rank", "id", rank=2, n=10) == "peringkat 2 dari 10 daerah"
    assert labels.t("headline.rank", "en", rank=2, n=10) == "rank 2 of 10 regions"
    assert labels.t("sec.headline", "xx") == "Headline"  # unknown language -> English
    assert labels.t("no.such.key", "id") == "no.such.key"


# ----------------------------------------------------------------------------- provenance
def test_sha256_known_values(tmp_path):
    # FIPS 180-4 example "abc"
    digest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert sha256_text("abc") == digest
    (tmp_path / "abc.txt").write_bytes(b"abc")
    assert sha256_file(tmp_path / "abc.txt") == digest


def test_file_hashes_lists_each_file_once(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n", encoding="utf-8")
    records = file_hashes(
        {"framework": tmp_path / "a.csv", "framework:x": tmp_path / "a.csv"}, base=tmp_path
    )
    assert records == [
        {"role": "framework", "path": "a.csv", "bytes": 4, "sha256": sha256_text("x\n1\n")}
    ]


def test_fingerprint_changes_with_any_input(tmp_path):
    f = tmp_path / "obs.csv"
    f.write_text("a\n", encoding="utf-8")
    p1 = provenance({"observations": f}, {"normalise": "none"}, {"year": np.int64(2024)})
    assert p1["parameters"] == {"year": 2024} and type(p1["parameters"]["year"]) is int
    p2 = provenance({"observations": f}, {"normalise": "minmax"}, {"year": 2024})
    f.write_text("b\n", encoding="utf-8")
    p3 = provenance({"observations": f}, {"normalise": "none"}, {"year": 2024})
    assert len({p1["fingerprint"], p2["fingerprint"], p3["fingerprint"]}) == 3
    assert fingerprint({"a": 1, "b": 2}) == fingerprint({"b": 2, "a": 1})
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", p1["created"])


# ----------------------------------------------------------------------------- content
def test_report_data_numbers_by_hand(small):
    r = content.report_data(small, "Kota Satu", 2024, "en")
    card = r["headline"][0]
    assert card["code"] == "IDX" and card["label"] == "Test index"
    assert card["score"] == pytest.approx(11 / 3)
    assert (card["rank"], card["n"]) == (2, 3)  # Kota Tiga 4.33 > Kota Satu 3.67 > Dua 3.00
    assert card["previous_year"] == 2023
    assert card["change"] == pytest.approx(11 / 3 - 35 / 12)  # 0.75
    assert card["target"] == pytest.approx(3.5)
    prof = r["profile"].set_index("code")
    assert list(prof.index) == ["P1", "P2", "P3"]
    assert prof.loc["P1", "score"] == pytest.approx(3.5)  # E12 missing: mean of E11 only
    assert prof.loc["P1", "peer_median"] == pytest.approx(3.5)  # median(3.5, 3, 5)
    assert prof.loc["P1", "target"] == pytest.approx(3.0)
    assert math.isnan(prof.loc["P2", "target"])
    # element matrix: rows in framework order, years up to the report's
    assert list(r["elements"].columns) == [2023, 2024]
    assert r["elements"].iloc[0].tolist() == pytest.approx([2.5, 3.5])
    assert math.isnan(r["elements"].iloc[1, 1])  # E12 in 2024
    # coverage: I121 (effective weight 1/6) missing; pillar P1 keeps half its weight
    cov = r["coverage"].set_index("code")
    assert cov.loc["IDX", "coverage"] == pytest.approx(5 / 6)
    assert cov.loc["P1", "coverage"] == pytest.approx(0.5)
    assert cov.loc["IDX", "n_missing"] == 1
    missing = r["missing"]
    assert missing[["code", "status", "note"]].values.tolist() == [
        ["I121", "missing", "not verified: no assessor score"]
    ]
    assert r["meta"]["unit"] == "level 1–5" and (r["meta"]["lo"], r["meta"]["hi"]) == (1.0, 5.0)
    assert r["agreement"]["n_items"] == 5 and r["agreement"]["n_assessors"] == 2


def test_report_data_languages_and_bad_region(small):
    r_id = content.report_data(small, "Kota Satu", 2023)  # the dataset's language: id
    assert r_id["meta"]["lang"] == "id"
    assert r_id["headline"][0]["label"] == "Indeks uji"
    assert r_id["headline"][0]["previous_year"] is None  # first year
    from smartcity_eval.errors import DataError

    with pytest.raises(DataError, match="did you mean 'Kota Satu'"):
        content.report_data(small, "Kota Satoe", 2023)
    with pytest.raises(DataError, match="no year 2030"):
        content.report_data(small, "Kota Satu", 2030)


def test_cache_is_used_only_when_inputs_match(small, tmp_path):
    path = tmp_path / "cache.pkl"
    content.write_cache(small, path)
    batch = content.read_cache(path, small)
    assert batch is not None and batch.scores
    assert content.read_cache(path, small, normalise="minmax") is None  # other methods
    with open(small / "observations.csv", "a", encoding="utf-8") as f:
        f.write("Kota Tiga,2025,I121,5,\n")
    assert content.read_cache(path, small) is None  # an input changed
    (tmp_path / "junk.pkl").write_bytes(b"not a pickle")
    assert content.read_cache(tmp_path / "junk.pkl", small) is None


def test_sections_render_every_part_in_the_report_language(small):
    report = content.report_data(small, "Kota Satu", 2024, "id")
    page = sections.all_sections(report)
    for key in (
        "sec.headline",
        "sec.profile",
        "sec.heatmap",
        "sec.gaps",
        "sec.trajectory",
        "sec.self",
        "sec.priorities",
        "sec.agreement",
        "sec.coverage",
        "sec.robustness",
        "sec.provenance",
    ):
        assert labels.ID[key] in page, key
        assert labels.EN[key] not in page or labels.EN[key] == labels.ID[key], key
    assert labels.ID["notice.illustrative"] in page
    assert len(IMG.findall(page)) >= 5
    assert "I121" in page and "not verified: no assessor score" in page  # named missing value
    assert sha256_file(small / "observations.csv") in page
    assert "3.67" in page and "+0.75" in page


# ----------------------------------------------------------------------------- the batch
IMG = re.compile(r'<img [^>]*src="data:image/svg\+xml;base64,')
HTML_NUMBER = re.compile(r'<div class="card main">.*?<div class="value">([^<]+)</div>', re.S)


def _score_cli(dataset: Path, tmp_path: Path) -> pd.DataFrame:
    out = tmp_path / "scores.csv"
    assert main(["score", str(dataset), "--out", str(out)]) == 0
    return pd.read_csv(out)


def test_plan_passes_plain_json_parameters(small, tmp_path):
    ds = load_dataset(small)
    jobs, header = plan_reports(ds, tmp_path / "out", years=[np.int64(2024)], regions=["Kota Satu"])
    assert len(jobs) == 1
    params = jobs[0].parameters
    assert type(params["year"]) is int and params["region"] == "Kota Satu"
    assert json.loads(json.dumps(params)) == params
    assert jobs[0].out_dir.endswith(os.path.join("small", "kota-satu", "2024"))
    assert header["inputs"][0]["sha256"] == sha256_file(small / "dataset.toml")
    from smartcity_eval.errors import DataError

    with pytest.raises(DataError, match="no region"):
        plan_reports(ds, tmp_path, regions=["Kota Empat"])
    with pytest.raises(DataError, match="unknown format"):
        plan_reports(ds, tmp_path, formats=["rtf"])


def test_batch_writes_reports_index_manifest_and_skips_unchanged(small, tmp_path, capsys):
    out = tmp_path / "reports"
    code = main(
        ["reports", str(small), "--out", str(out), "--jobs", "2", "--years", "2024"]
        + ["--regions", "Kota Satu,Kota Tiga", "--lang", "en", "--no-progress"]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "2 made" in printed
    root = out / "small"
    data = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert {e["status"] for e in data["reports"]} == {"ok"}
    assert data["inputs"][0]["role"] == "dataset.toml"
    # the manifest reads the batch Evaluation's log and settings
    assert data["settings"]["normalise"] == "none" and data["settings"]["consensus"] == "median"
    assert {"load", "score", "gaps"} <= {e["step"] for e in data["log"]}
    assert all(e["version"] == data["version"] for e in data["log"])
    assert all(len(i["sha256"]) == 64 for i in data["inputs"])
    scores = _score_cli(small, tmp_path)
    for entry in data["reports"]:
        assert entry["duration_s"] > 0 and entry["parameters"]["lang"] == "en"
        html = (root / entry["files"]["html"]).read_text(encoding="utf-8")
        # no code cells, figures embedded, provenance, same final index as `score`
        assert 'class="jp-InputArea' not in html and "hl-ipython3" not in html
        assert "report_data(" not in html and "sections.header" not in html
        assert len(IMG.findall(html)) >= 5
        assert 'alt="' + entry["region"] in html
        assert sha256_file(small / "observations.csv") in html
        assert "Provenance" in html and "Headline" in html and "Ringkasan" not in html
        row = scores[
            (scores["region"] == entry["region"])
            & (scores["year"] == entry["year"])
            & (scores["code"] == "IDX")
        ]
        expected = float(row["score"].iloc[0])
        assert expected == pytest.approx(INDEX[(entry["region"], entry["year"])])
        assert HTML_NUMBER.search(html).group(1) == f"{expected:.2f}"
        assert entry["headline"]["score"] == pytest.approx(expected, abs=1e-6)
        nb = nbformat.read(root / entry["files"]["ipynb"], as_version=4)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
        assert headline_of(nb)["score"] == pytest.approx(expected, abs=1e-6)
    index = (root / "index.html").read_text(encoding="utf-8")
    assert "kota-satu/2024/report.html" in index and "kota-tiga/2024/report.html" in index
    assert f"{INDEX[('Kota Satu', 2024)]:.2f}" in index
    assert (out / "index.html").is_file()
    # unchanged -> skipped; --force -> remade; a changed input -> remade
    before = (root / "kota-satu/2024/report.html").stat().st_mtime_ns
    result = run_reports(small, out, years=[2024], regions=["Kota Satu"], lang="en", progress=False)
    assert [r["status"] for r in result.results] == ["skipped"]
    assert (root / "kota-satu/2024/report.html").stat().st_mtime_ns == before
    result = run_reports(
        small, out, years=[2024], regions=["Kota Satu"], lang="en", force=True, progress=False
    )
    assert [r["status"] for r in result.results] == ["ok"]
    with open(small / "targets.csv", "a", encoding="utf-8") as f:
        f.write("Kota Tiga,2024,IDX,4.5\n")
    result = run_reports(
        small, out, years=[2024], regions=["Kota Satu", "Kota Tiga"], lang="en", progress=False
    )
    assert [r["status"] for r in result.results] == ["ok", "ok"]
    assert "0 failed" in format_summary(result, "en")
    data = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert len(data["reports"]) == 2  # entries replaced, not duplicated


# A template for the runner's failure and isolation tests: cheap to execute.
PROBE = [
    ("parameters", "region = ''\nyear = 0\nmode = 'ok'\n"),
    (
        "",
        "import os, time\n"
        "import matplotlib as mpl\n"
        "import pandas as pd\n"
        "print('state', 'LEAK' in globals(), pd.get_option('display.precision'),"
        " mpl.rcParams['lines.linewidth'], os.getpid())\n"
        "LEAK = region\n"
        "pd.set_option('display.precision', 1)\n"
        "mpl.rcParams['lines.linewidth'] = 9\n",
    ),
    (
        "",
        "if 'error' in mode and region == 'Kabupaten Dua':\n"
        "    raise ValueError('boom in ' + region)\n"
        "if 'die' in mode and region == 'Kota Tiga' and year == 2023:\n"
        "    os._exit(3)\n"
        "if 'slow' in mode and region == 'Kota Satu' and year == 2024:\n"
        "    time.sleep(60)\n"
        "if mode == 'kill' and not (region == 'Kabupaten Dua' and year == 2023):\n"
        "    time.sleep(60)\n",
    ),
    ("", "from IPython.display import HTML\nHTML(f'<p>report {region} {year}</p>')"),
]


def _probe(tmp_path: Path, cells: list[tuple[str, str]] = PROBE) -> Path:
    """A notebook of ``cells`` ((tag, source) pairs) at ``tmp_path/probe.ipynb``."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(src, metadata={"tags": [tag] if tag else []})
        for tag, src in cells
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def _state_lines(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [o.get("text", "") for o in nb.cells[2].outputs if o.get("name") == "stdout"]


def test_no_state_leaks_from_one_report_to_the_next(small, tmp_path, monkeypatch):
    monkeypatch.setenv("SMARTCITY_CHROMIUM", "")  # as on a machine without Chromium
    probe = _probe(tmp_path)
    out = tmp_path / "out"
    result = run_reports(
        small,
        out,
        jobs=1,
        notebook=probe,
        progress=False,
        use_cache=False,
        lang="en",
        formats=["html", "pdf"],
    )
    assert [r["status"] for r in result.results] == ["ok"] * 6
    # PDF asked for but no Chromium: skipped with a clear message, HTML written
    assert any("Chromium" in n for n in result.notes)
    assert "Chromium" in format_summary(result, "en")
    assert all("pdf" not in r["files"] and "html" in r["files"] for r in result.results)
    assert len({r["pid"] for r in result.results}) == 1  # one warm worker made them all
    for r in result.results:
        (line,) = _state_lines(result.root / r["files"]["ipynb"])
        # a fresh namespace and default options every time, in the same long-lived kernel
        leak, precision, linewidth, _pid = line.split()[1:5]
        assert (leak, precision, linewidth) == ("False", "6", "1.5"), (r["region"], r["year"])
    kernel_pids = {
        _state_lines(result.root / r["files"]["ipynb"])[0].split()[4] for r in result.results
    }
    assert len(kernel_pids) == 1
    nb = nbformat.read(result.root / result.results[0]["files"]["ipynb"], as_version=4)
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"][:2] == [1, 2]


def test_failures_are_kept_and_the_batch_goes_on(small, tmp_path, capsys):
    probe = _probe(tmp_path)
    out = tmp_path / "out"
    root = out / "small"

    def batch(mode: str, **kwargs):
        res = run_reports(
            small,
            out,
            jobs=1,
            notebook=probe,
            progress=False,
            use_cache=False,
            force=True,
            extra_parameters={"mode": mode},
            **kwargs,
        )
        return res, {(r["region"], r["year"]): r for r in res.results}

    res, by = batch("ok")
    assert res.ok and len(by) == 6
    # in one batch, on one worker: cell errors (Kabupaten Dua), a cell time-out (Kota Satu
    # 2024), a dead kernel (Kota Tiga 2023); each fails alone, the kernel is restarted after
    # the time-out and the death, and the batch goes on
    res, by = batch("error,slow,die", timeout=2)
    assert not res.ok
    err = by[("Kabupaten Dua", 2023)]
    assert err["status"] == "failed" and "ValueError: boom in Kabupaten Dua" in err["error"]
    assert by[("Kota Satu", 2023)]["status"] == "ok"
    assert "time-out" in by[("Kota Satu", 2024)]["error"]
    assert "dead kernel" in by[("Kota Tiga", 2023)]["error"]
    assert by[("Kota Tiga", 2024)]["status"] == "ok"  # made after the restart
    assert len({r["pid"] for r in res.results}) == 1
    folder = root / "kabupaten-dua" / "2023"
    assert (folder / "report.failed.ipynb").is_file()
    assert (folder / "report.html").is_file()  # the earlier good report stays in place
    data = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    entries = {(e["region"], e["year"]): e for e in data["reports"]}
    assert len(entries) == 6
    entry = entries[("Kota Satu", 2024)]
    assert entry["status"] == "failed" and "time-out" in entry["error"]
    assert entry["files"]["failed_ipynb"] == "kota-satu/2024/report.failed.ipynb"
    assert entry["files"]["html"] == "kota-satu/2024/report.html"  # the good one, kept
    assert entries[("Kabupaten Dua", 2023)]["status"] == "failed"
    summary = format_summary(res, "en")
    assert "failed: Kota Satu 2024: time-out" in summary
    assert "failed" in (root / "index.html").read_text(encoding="utf-8")
    # a later good run clears the failure
    res, by = batch("ok", regions=["Kabupaten Dua"], years=[2023])
    assert res.ok and not (folder / "report.failed.ipynb").exists()


def test_failed_report_exits_1_and_keeps_the_traceback(small, tmp_path, capsys):
    probe = _probe(tmp_path)
    failing = tmp_path / "failing.ipynb"
    failing.write_text(
        probe.read_text(encoding="utf-8").replace("mode = 'ok'", "mode = 'error'"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code = main(
        ["reports", str(small), "--out", str(out), "--notebook", str(failing), "--jobs", "1"]
        + ["--years", "2023", "--regions", "Kabupaten Dua,Kota Satu", "--no-progress"]
    )
    assert code == 1
    printed = capsys.readouterr().out
    assert "1 dibuat" in printed and "1 gagal" in printed  # the dataset speaks Indonesian
    assert "ValueError: boom in Kabupaten Dua" in printed
    folder = out / "small" / "kabupaten-dua" / "2023"
    nb = nbformat.read(folder / "report.failed.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and errors[0].ename == "ValueError"
    assert not (folder / "report.html").exists()
    assert (out / "small" / "kota-satu" / "2023" / "report.html").is_file()


def test_usage_errors_exit_2(small, tmp_path, capsys):
    out = str(tmp_path / "o")
    assert main(["reports", str(small), "--out", out, "--format", "rtf"]) == 2
    assert main(["reports", str(small), "--out", out, "--regions", "Kota Satoe"]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'Kota Satu'" in err and "Traceback" not in err
    assert main(["reports", str(small), "--out", out, "--jobs", "0"]) == 2


def test_killed_run_leaves_earlier_reports_and_manifest_intact(small, tmp_path):
    """SIGKILL the whole process group once the first report is done."""
    probe = _probe(tmp_path)
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-c",
        "import sys; from smartcity_eval.cli.main import main; sys.exit(main(sys.argv[1:]))",
        "reports",
        str(small),
        "--out",
        str(out),
        "--notebook",
        str(probe),
        "--jobs",
        "1",
        "--no-progress",
    ]
    # mode 'kill' is injected through a template default: every report but the first sleeps
    kill_probe = probe.read_text(encoding="utf-8").replace("mode = 'ok'", "mode = 'kill'")
    probe.write_text(kill_probe, encoding="utf-8")
    proc = subprocess.Popen(
        cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    manifest_path = out / "small" / "manifest.json"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            data = manifest.load_manifest(manifest_path)
            if data and any(e["status"] == "ok" for e in data["reports"]):
                break
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.2)
        else:  # pragma: no cover
            raise AssertionError("the first report never finished")
        time.sleep(0.5)  # let the next report start writing nothing yet
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    data = json.loads(manifest_path.read_text(encoding="utf-8"))  # readable
    done = [e for e in data["reports"] if e["status"] == "ok"]
    assert [(e["region"], e["year"]) for e in done] == [("Kabupaten Dua", 2023)]
    folder = out / "small" / "kabupaten-dua" / "2023"
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>")
    nbformat.read(folder / "report.ipynb", as_version=4)
    # nothing half-written in place: every report file present is complete
    for path in (out / "small").rglob("report.*"):
        if path.suffix == ".ipynb":
            nbformat.read(path, as_version=4)
        elif path.suffix == ".html":
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>")
    # a rerun skips the finished report and removes what the killed run left behind
    res = run_reports(
        small,
        out,
        jobs=1,
        notebook=probe,
        years=[2023],
        regions=["Kabupaten Dua"],
        progress=False,
        use_cache=False,
    )
    assert [r["status"] for r in res.results] == ["skipped"]
    assert not list((out / "small").rglob(".staging-*"))


def test_headline_mime_is_beside_html_only(small, monkeypatch):
    import IPython.display as ipd

    report = content.report_data(small, "Kota Satu", 2024, "en")
    shown = []
    monkeypatch.setattr(ipd, "display", lambda obj: shown.append(obj._repr_mimebundle_()))
    sections.headline(report)
    (bundle,) = shown
    assert set(bundle) == {"text/html", HEADLINE_MIME}
    assert bundle[HEADLINE_MIME]["score"] == pytest.approx(11 / 3, abs=1e-6)
    assert bundle[HEADLINE_MIME]["rank"] == 2


# ----------------------------------------------------------------------------- vocabularies
def test_target_based_strength_is_explained_against_the_target(tmp_path):
    """The library writes basis = vocab.BASIS_TARGET ("target"); the report once tested
    "targets" and explained every target-based strength against the peers' median."""
    from smartcity_eval import vocab

    files = dict(SMALL)
    files["targets.csv"] = SMALL["targets.csv"] + "Kota Satu,2024,I111,3\nKota Satu,2024,I211,4\n"
    report = content.report_data(write_dataset(tmp_path / "t", files), "Kota Satu", 2024, "en")
    table = report["strengths"]
    by_target = table[table["basis"] == vocab.BASIS_TARGET]
    assert set(by_target["code"]) == {"I111", "I211"}
    assert set(by_target["kind"]) == {vocab.KIND_STRENGTH, vocab.KIND_WEAKNESS}
    page = sections.render(sections.strengths, report)
    for pct in by_target["pct_achieved"]:  # I111: 3 of target 3 (100 %); I211: 3 of 4
        assert labels.t("label.vs_target", "en", pct=sections.fmt(pct, 0)) in page
    assert labels.t("label.vs_target", "en", pct="100") in page
    n_peer_rows = int((table["basis"] == vocab.BASIS_PEERS).sum())
    assert page.count(">peers&#x27; median") == n_peer_rows  # only the peer-based rows


def test_robustness_section_names_only_the_choices_varied(small):
    """Aggregation fixed: the section must not name it (it once parsed the choices' display
    text and named every choice whose alternatives were not "none")."""
    from smartcity_eval import vocab
    from smartcity_eval.evaluation import evaluate
    from smartcity_eval.robustness.uncertainty import Choices

    ev = evaluate(small)
    report = content.report_data(ev, "Kota Satu", 2024, "en")
    choices = Choices(normalise=("none", "minmax"), aggregate=("arithmetic",), weight_noise=0.25)
    rob = ev.robustness("Kota Satu", 2024, n=40, choices=choices)
    assert rob["varied"] == (vocab.VARIED_NORMALISATION, vocab.VARIED_WEIGHTS)
    fixed = rob["choices"].set_index("choice").loc["aggregate", "alternatives"]
    assert fixed not in ("", "none", "nominal")  # what the text parsing took for "varied"
    page = sections.render(sections.robustness, {**report, "robustness": rob})
    summary = re.search(r'<p class="msg">([^<]*)</p>', page).group(1)
    assert labels.t("varied.normalisation", "en") in summary
    assert labels.t("varied.weights", "en") in summary
    assert labels.t("varied.aggregation", "en") not in summary


def test_provenance_reads_the_evaluation_log(small):
    from smartcity_eval.evaluation import evaluate

    ev = evaluate(small, normalise="minmax")
    report = content.report_data(ev, "Kota Satu", 2024, "en")
    steps = report["provenance"]["steps"]
    assert [s["step"] for s in steps][:3] == ["load", "score", "gaps"]
    assert "robustness" in [s["step"] for s in steps]
    assert all(s["parameters"]["settings"] == ev.settings.to_dict() for s in steps[1:])
    digest = sha256_file(small / "observations.csv")
    assert digest in steps[0]["inputs"].values()
    assert report["provenance"]["methods"] == ev.settings.to_dict()
    assert report["meta"]["methods"]["normalise"] == "minmax"
    page = sections.render(sections.provenance, report)
    assert labels.t("prov.steps", "en") in page and digest in page


def test_settings_travel_in_the_batch_parameters_and_the_cache_key(small, tmp_path):
    from smartcity_eval.evaluation import evaluate

    ev = evaluate(small, normalise="minmax")
    jobs, header = plan_reports(ev, tmp_path / "out", years=[2024], regions=["Kota Satu"])
    assert jobs[0].parameters["settings"] == ev.settings.to_dict()
    assert header["settings"] == ev.settings.to_dict()
    assert [e["step"] for e in header["log"]] == ["load"]
    # the notebook rebuilds the same Evaluation from the JSON parameters
    again = evaluate(jobs[0].parameters["dataset"], **json.loads(json.dumps(ev.settings.to_dict())))
    assert again.settings == ev.settings
    assert content.cache_key(again) == content.cache_key(ev)
    assert content.cache_key(ev) != content.cache_key(evaluate(small))
    other, _ = plan_reports(evaluate(small), tmp_path / "out", years=[2024], regions=["Kota Satu"])
    assert other[0].key != jobs[0].key  # other settings: the report is remade
