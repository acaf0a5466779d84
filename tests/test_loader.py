"""The loader accepts what people really export, and says exactly what it cannot accept.

Good inputs in every dialect the loader accepts (semicolons and decimal commas, BOM, CRLF, tabs,
UTF-16 "Unicode text", .xlsx, stray spaces) load to the same table as the clean file; row
numbers are those a spreadsheet shows; warnings (not errors) flag near-duplicate region names.
The bad inputs themselves are in tests/bad_inputs/ (test_bad_inputs.py).
"""

from __future__ import annotations

import contextlib
import io
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcity_eval import DataError, load_dataset
from smartcity_eval.cli import main as cli
from smartcity_eval.errors import Problem
from smartcity_eval.io.dataset import read_assessments, read_observations, region_key
from smartcity_eval.io.tables import ROW, parse_numbers, parse_years, read_table, to_number
from tests.bad_inputs.build import BASE, build, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
OBS_COLUMNS = ["region", "year", "indicator", "value"]
CLEAN = (BASE / "observations.csv").read_text(encoding="utf-8")


def _observations(folder: Path) -> pd.DataFrame:
    return load_dataset(folder).observations[OBS_COLUMNS + [ROW]]


@pytest.fixture
def base(tmp_path) -> Path:
    return build("_base", tmp_path / "base")


@pytest.fixture
def expected(base) -> pd.DataFrame:
    return _observations(base)


def _variant(base: Path, text: str | bytes, name: str = "observations.csv") -> Path:
    (base / "observations.csv").unlink()
    path = base / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return base


def _indonesian_excel(text: str) -> str:
    """CSV as Indonesian Excel saves it: ';' separators and ',' decimals."""
    out = []
    for line in text.splitlines():
        cells = line.split(",")
        out.append(";".join(c.replace(".", ",") if c[:1].isdigit() else c for c in cells))
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- dialects
def test_semicolon_decimal_comma_bom_crlf(base, expected):
    text = _indonesian_excel(CLEAN)
    assert "3,5" in text and ";" in text
    folder = _variant(base, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    got = _observations(folder)
    pd.testing.assert_frame_equal(got, expected)
    raw = read_table(folder / "observations.csv", required=OBS_COLUMNS)
    assert raw.attrs["decimal_comma"] is True


def test_tab_separated_utf16_unicode_text(base, expected):
    text = CLEAN.replace(",", "\t")
    folder = _variant(base, text.encode("utf-16"))  # with a BOM, as Excel writes it
    pd.testing.assert_frame_equal(_observations(folder), expected)


def test_stray_spaces_and_header_case_are_forgiven(base, expected):
    lines = CLEAN.splitlines()
    header = " Region , YEAR,Indicator ,  value"
    body = []
    for line in lines[1:]:
        region, year, indicator, value = line.split(",")
        region = region.replace(" ", "  ").replace("Kota", "Kota\u00a0")  # doubled, NBSP
        body.append(f"  {region} ,{year} , {indicator},{value}  ")
    folder = _variant(base, "\n".join([header, *body]) + "\n")
    got = _observations(folder)
    pd.testing.assert_frame_equal(got, expected)
    assert "Kota  Samarinda" not in set(got["region"])


def test_xlsx_with_the_table_sheet(base, expected, tmp_path):
    (base / "observations.csv").unlink()
    write_xlsx(CLEAN, base / "observations.xlsx", sheet="observations")
    pd.testing.assert_frame_equal(_observations(base), expected)


def test_xlsx_other_sheet_names_use_the_first_sheet(base, expected):
    (base / "observations.csv").unlink()
    write_xlsx(CLEAN, base / "observations.xlsx", sheet="Sheet1")
    pd.testing.assert_frame_equal(_observations(base), expected)


def test_missing_value_tokens(base):
    text = CLEAN.replace("Kota Bontang,2024,GOV.01,3.5", "Kota Bontang,2024,GOV.01,")
    text = text.replace("Kota Bontang,2024,GOV.02,3", "Kota Bontang,2024,GOV.02,-")
    text = text.replace("Kota Bontang,2024,ECO.01,2.5", "Kota Bontang,2024,ECO.01,NA")
    obs = load_dataset(_variant(base, text)).observations
    bontang = obs[(obs["region"] == "Kota Bontang") & (obs["year"] == 2024)]
    assert bontang["value"].isna().sum() == 3
    assert bontang["value"].notna().sum() == 1


def test_header_only_observations_load_empty(base):
    ds = load_dataset(_variant(base, "region,year,indicator,value\n"))
    assert ds.observations.empty
    assert ds.observations["year"].dtype == "int64"


# ----------------------------------------------------------------------------- row numbers
def test_rows_are_spreadsheet_rows_despite_blank_lines_and_multiline_cells(base):
    text = (
        "region,year,indicator,value,note\n"
        "Kota Bontang,2023,GOV.01,2.5,\n"
        "\n"  # row 3: an empty row
        'Kota Bontang,2023,GOV.02,2,"two\nlines"\n'  # row 4, one spreadsheet row
        "Kota Bontang,2023,ECO.01,tiga,\n"  # row 5
    )
    (base / "observations.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_observations(base / "observations.csv")
    problem = caught.value.problems[0]
    assert (problem.row, problem.column) == (5, "value")
    assert problem.message == "'tiga' is not a number"


def test_title_rows_give_physical_rows(base):
    text = "Data 2024\n\n" + CLEAN.replace(
        "Kota Samarinda,2023,GOV.02,2\n", "Kota X,2023,GOV.02,2\n"
    )
    problems: list[Problem] = []
    frame = read_table(
        _variant(base, text) / "observations.csv", required=OBS_COLUMNS, problems=problems
    )
    assert [p.message for p in problems] == ["the header is on row 3; it must be on row 1"]
    # the data keeps the rows the spreadsheet shows: header on row 3, first record on row 4
    assert frame[ROW].iloc[0] == 4
    assert frame.loc[frame["region"] == "Kota X", ROW].item() == 3 + 10


def test_read_table_raises_layout_problems_without_a_list(base):
    path = _variant(base, "Title\n" + CLEAN) / "observations.csv"
    with pytest.raises(DataError, match="the header is on row 2; it must be on row 1"):
        read_table(path, required=OBS_COLUMNS)


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    "text, value",
    [
        ("3", 3.0),
        ("3.5", 3.5),
        ("3,5", 3.5),
        ("-0,25", -0.25),
        ("+2", 2.0),
        (".5", 0.5),
        ("1e3", 1000.0),
        (" 4 ", 4.0),
        ("1\u00a0234", 1234.0),
        ("", math.nan),
        ("NA", math.nan),
        ("n/a", math.nan),
        ("-", math.nan),
    ],
)
def test_to_number(text, value):
    got = to_number(text)
    assert (math.isnan(got) and math.isnan(value)) or got == value


@pytest.mark.parametrize(
    "text", ["tiga", "1.234,5", "75%", "inf", "nan%", "1e400", "3,5,1", "0x10"]
)
def test_to_number_refuses(text):
    with pytest.raises(ValueError):
        to_number(text)


def test_vectorised_parse_equals_cell_by_cell():
    cells = ["1", "2.5", "2,5", "", "NA", "-", "tiga", "1e3", "inf", "-0", "3.", ",5", "1,2,3"]
    cells = cells * 50
    frame = pd.DataFrame({"v": cells, ROW: np.arange(2, len(cells) + 2)})
    frame.attrs["file"] = "f.csv"
    problems: list[Problem] = []
    got = parse_numbers(frame, "v", problems)
    for cell, value in zip(cells, got, strict=True):
        try:
            want = to_number(cell)
        except ValueError:
            want = math.nan
        assert (math.isnan(value) and math.isnan(want)) or value == want, cell
    assert len(problems) == 3 * 50  # tiga, inf, 1,2,3
    assert problems[0].row == 8 and problems[0].message == "'tiga' is not a number"


def test_years():
    frame = pd.DataFrame(
        {"year": ["2024", "2024.0", "20x4", "2024.5", "", "2204", "2023"], ROW: range(2, 9)}
    )
    frame.attrs["file"] = "o.csv"
    problems: list[Problem] = []
    years = parse_years(frame, "year", problems)
    assert years.tolist()[:2] == [2024.0, 2024.0] and years.iloc[6] == 2023.0
    assert years.iloc[2:6].isna().all()
    assert [(p.row, p.message) for p in problems] == [
        (4, "'20x4' is not a whole-number year"),
        (5, "'2024.5' is not a whole-number year"),
        (6, "the year is empty"),
        (7, "'2204' is not a plausible year (expected 1900 to 2100)"),
    ]
    assert problems[-1].fix == "did you mean 2024?"


# ----------------------------------------------------------------------------- regions
@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Kab. Kutai Timur", "Kabupaten Kutai Timur", True),
        ("KABUPATEN KUTAI TIMUR", "Kabupaten  Kutai Timur", True),
        ("Kab Kutai-Timur", "Kabupaten KutaiTimur", True),
        ("Kodya Samarinda", "Kota Samarinda", True),
        ("Kota Bandung", "Kabupaten Bandung", False),
        ("Kutai Timur", "Kutai Barat", False),
    ],
)
def test_region_key(a, b, same):
    assert (region_key(a) == region_key(b)) is same


def _validate(folder: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["validate", str(folder)])
    return code, out.getvalue() + err.getvalue()


def test_no_warning_for_a_name_without_a_sibling(base):
    ds = load_dataset(_variant(base, CLEAN.replace("Kota Bontang", "Bontang")))
    assert ds.warnings == []


def test_near_duplicate_regions_warn_but_load(base):
    # 2024 rows of Kutai Timur spelled with a typo, 2023 rows without "Kabupaten"
    lines = CLEAN.splitlines()
    lines = [
        line.replace("Kabupaten Kutai Timur,2024", "Kabupaten Kutai Timor,2024") for line in lines
    ]
    lines += ["Kutai Timur,2022,GOV.01,2"]
    folder = _variant(base, "\n".join(lines) + "\n")
    for table in ("targets.csv", "assessments.csv", "published.csv"):
        (folder / table).unlink()
    ds = load_dataset(folder)
    messages = [w.message for w in ds.warnings]
    assert any("'Kabupaten Kutai Timor'" in m and "'Kabupaten Kutai Timur'" in m for m in messages)
    assert any("'Kutai Timur'" in m for m in messages)
    assert all(w.level == "warning" for w in ds.warnings)
    code, text = _validate(folder)
    assert code == 0
    assert "warning: 'Kabupaten Kutai Timor' and 'Kabupaten Kutai Timur' are very similar" in text


def test_real_neighbours_are_not_flagged(base):
    rows = ["region,year,indicator,value"]
    for region in ("Kota Bandung", "Kabupaten Bandung", "Kota Batu", "Kota Baru", "Kota Bau-Bau"):
        rows.append(f"{region},2024,GOV.01,3")
    folder = _variant(base, "\n".join(rows) + "\n")
    for table in ("targets.csv", "assessments.csv", "published.csv"):
        (folder / table).unlink()
    assert load_dataset(folder).warnings == []


def test_many_numbered_regions_load_fast_without_warnings(tmp_path):
    frame = pd.DataFrame(
        {
            "region": [f"Wilayah {i:03d}" for i in range(600)],
            "year": 2024,
            "indicator": "GOV.01",
            "value": 3,
        }
    )
    folder = build("_base", tmp_path / "many")
    for table in ("targets.csv", "assessments.csv", "published.csv"):
        (folder / table).unlink()
    frame.to_csv(folder / "observations.csv", index=False)
    start = time.perf_counter()
    ds = load_dataset(folder)
    assert time.perf_counter() - start < 10
    assert ds.warnings == []


def test_published_year_without_observations_is_a_warning(base):
    with (base / "published.csv").open("a", encoding="utf-8") as handle:
        handle.write("Kabupaten Kutai Timur,2022,IDX,2.10,invented\n")
    ds = load_dataset(base)
    [warning] = ds.warnings
    assert warning.row == 8 and warning.column == "year"
    assert warning.message.startswith("year 2022 has no observations")
    assert warning.fix == "did you mean 2023?"


# ----------------------------------------------------------------------------- rendering
def test_problem_rendering():
    p = Problem(
        "observations.csv",
        5,
        "year",
        "'20x4' is not a whole-number year",
        "write the year as four digits, e.g. 2024",
        "'20x4' bukan tahun berupa bilangan bulat",
        "tulis tahun dengan empat angka, mis. 2024",
    )
    assert p.format("en") == (
        "observations.csv, row 5, column 'year': '20x4' is not a whole-number year. "
        "Fix: write the year as four digits, e.g. 2024."
    )
    assert p.format("id") == (
        "observations.csv, baris 5, kolom 'year': '20x4' bukan tahun berupa bilangan bulat. "
        "Perbaikan: tulis tahun dengan empat angka, mis. 2024."
    )
    toml = Problem("dataset.toml", 3, "lang", "bad", "fix it?")
    assert toml.format() == "dataset.toml, line 3, key 'lang': bad. Fix: fix it?"
    untranslated = Problem("a.csv", None, None, "english only")
    assert untranslated.format("id") == "a.csv: english only."


def test_data_error_sorts_dedupes_and_caps():
    problems = [Problem("b.csv", 3, "x", "m")] + [
        Problem("a.csv", r, "v", f"m{r}") for r in range(70, 1, -1)
    ]
    problems.append(Problem("a.csv", None, None, "whole file"))
    problems.append(problems[0])
    error = DataError(problems)
    assert [(p.file, p.row) for p in error.problems[:3]] == [
        ("a.csv", None),
        ("a.csv", 2),
        ("a.csv", 3),
    ]
    assert error.problems[-1].file == "b.csv" and len(error.problems) == 71
    shown = error.format("en", limit=50).splitlines()
    assert "a.csv, column 'v': ... and 19 more problems like the ones above." in shown
    assert len(str(error).splitlines()) == 71  # the exception text holds every problem


def test_read_assessments_single_file(base):
    text = (base / "assessments.csv").read_text(encoding="utf-8")
    (base / "assessments.csv").write_text(text.replace(",ASR-1,3,", ",,3,", 1), encoding="utf-8")
    with pytest.raises(DataError, match="the assessor is empty"):
        read_assessments(base / "assessments.csv")


# ----------------------------------------------------------------------------- real data, speed
@pytest.mark.parametrize("name", ["kutai_timur", "kota_kediri"])
def test_embedded_datasets_load(name):
    if not (ROOT / "data" / name / "dataset.toml").is_file():
        pytest.skip(f"data/{name} is not there yet")
    ds = load_dataset(ROOT / "data" / name)
    assert ds.framework is not None


def test_a_large_clean_file_is_read_column_wise(tmp_path):
    """200,000 rows: the vectorised path (the full 771,000-row figure is in
    benchmarks/bench_loader.py). Generous bound: the machine is shared."""
    folder = build("_base", tmp_path / "big")
    for table in ("targets.csv", "assessments.csv", "published.csv"):
        (folder / table).unlink()
    n_regions, years = 500, range(2000, 2100)
    indicators = ["GOV.01", "GOV.02", "ECO.01", "ECO.02"]
    index = pd.MultiIndex.from_product(
        [[f"Kabupaten Wilayah {r:03d}" for r in range(n_regions)], years, indicators],
        names=["region", "year", "indicator"],
    ).to_frame(index=False)
    index["value"] = np.round(np.random.default_rng(1).uniform(1, 5, len(index)), 2)
    index.to_csv(folder / "observations.csv", index=False)
    start = time.perf_counter()
    ds = load_dataset(folder)
    elapsed = time.perf_counter() - start
    assert len(ds.observations) == 200_000
    assert ds.observations["value"].sum() == pytest.approx(index["value"].sum())
    assert elapsed < 8, f"{elapsed:.1f} s"


def _with_methods(base: Path, lines: str) -> Path:
    toml = base / "dataset.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('aggregate = "arithmetic"\n', lines), encoding="utf-8")
    return base


def test_methods_are_checked_with_the_command_line_words(base):
    """Every bad [methods] value is one Problem on its key's line, column methods.<key>,
    worded as settings.ParameterError (what the command line says for the same value)."""
    from smartcity_eval.settings import ParameterError, Settings

    _with_methods(
        base,
        'aggregate = ["arithmetic"]\nrange = "0-100"\nmin_coverage = 2\nconsensus = "meen"\n',
    )
    text = (base / "dataset.toml").read_text(encoding="utf-8").splitlines()
    with pytest.raises(DataError) as err:
        load_dataset(base)
    problems = {p.column: p for p in err.value.problems}
    assert set(problems) == {
        "methods.aggregate",
        "methods.range",
        "methods.min_coverage",
        "methods.consensus",
    }
    for column, problem in problems.items():
        key = column.split(".", 1)[1]
        assert text[problem.row - 1].startswith(f"{key} = ")
        assert problem.file.endswith("dataset.toml")
        value = {"aggregate": ["arithmetic"], "range": "0-100", "min_coverage": 2}.get(key, "meen")
        with pytest.raises(ParameterError) as cli_err:
            Settings(**{key: value})
        assert problem.message == str(cli_err.value)
        assert problem.fix and problem.message_id and problem.fix_id
    assert problems["methods.consensus"].fix == 'write consensus = "mean"'
    assert problems["methods.range"].fix == "write it as range = [0, 100]"


def test_unknown_method_key_keeps_its_did_you_mean(base):
    _with_methods(base, 'aggregate = "arithmetic"\nnormalize = "none"\n')
    with pytest.raises(DataError) as err:
        load_dataset(base)
    (problem,) = err.value.problems
    assert problem.column == "methods.normalize"
    assert "did you mean 'normalise'?" in problem.fix


def test_dataset_settings_property_resolves_its_methods(base):
    from smartcity_eval.settings import Settings

    _with_methods(base, 'aggregate = "geometric"\nmin_coverage = 0.5\n')
    ds = load_dataset(base)
    assert ds.settings == Settings.resolve(ds.methods)
    assert ds.settings.min_coverage == 0.5
    assert ds.settings.normalise == "none"
