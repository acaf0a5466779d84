"""Reproduction of published values (issue 4, item 2).

Reference values: Kota Kediri 2022, components 3.60/3.21/3.23/3.07/3.65 and final index 3.31
(bangsaonline.com/amp/berita/113379; see data/kota_kediri/README.md),
with the component weights 10/20/30/20/20. Every other expected value is computed by hand in
the comments.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from smartcity_eval.analysis.reproduction import (
    REPRODUCE_COLUMNS,
    check_consensus,
    reproduce,
    summary,
)
from smartcity_eval.analysis.tolerance import (
    decimals_of,
    derive_tolerance,
    half_unit,
    parse_tolerance,
    published_decimals,
    within_tolerance,
)
from smartcity_eval.cli.main import main
from smartcity_eval.io.dataset import load_dataset
from smartcity_eval.settings import dataset_settings

from .conftest import DATA, write_dataset

KEDIRI_PUBLISHED = (
    "region,year,code,score,source\n"
    "Kota Kediri,2021,FINAL,3.06,bangsaonline.com/amp/berita/113379\n"
    "Kota Kediri,2022,BASELINE,3.60,bangsaonline.com/amp/berita/113379\n"
    "Kota Kediri,2022,OUTPUT,3.21,bangsaonline.com/amp/berita/113379\n"
    "Kota Kediri,2022,OUTCOME,3.23,bangsaonline.com/amp/berita/113379\n"
    "Kota Kediri,2022,IMPACT,3.07,bangsaonline.com/amp/berita/113379\n"
    "Kota Kediri,2022,QUICK_WIN,3.65,bangsaonline.com/amp/berita/113379\n"
    "Kota Kediri,2022,FINAL,{final},bangsaonline.com/amp/berita/113379\n"
)
KEDIRI_TOML = (
    'title = "Kota Kediri (test copy)"\nframework = "kominfo_components"\n'
    'illustrative = false\nlang = "en"\n[methods]\nnormalise = "none"\n'
    'aggregate = "{aggregate}"\n'
)


def kediri(tmp_path: Path, final: str = "3.31", aggregate: str = "arithmetic") -> Path:
    return write_dataset(
        tmp_path / "kediri",
        {
            "dataset.toml": KEDIRI_TOML.format(aggregate=aggregate),
            "observations.csv": "region,year,indicator,value\n",
            "published.csv": KEDIRI_PUBLISHED.format(final=final),
        },
    )


def row(table: pd.DataFrame, region: str, year: int, code: str) -> pd.Series:
    hit = table[(table["region"] == region) & (table["year"] == year) & (table["code"] == code)]
    assert len(hit) == 1, hit
    return hit.iloc[0]


# ----------------------------------------------------------------------------- precision
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.60", 2),
        ("3.6", 1),
        ("3", 0),
        ("3,25", 2),
        (" 3.315 ", 3),
        ("1.5e-1", 2),
        ("3E+2", -2),
        ("", None),
        ("abc", None),
    ],
)
def test_decimals_of(text, expected):
    assert decimals_of(text) == expected


def test_half_unit():
    assert half_unit(2) == pytest.approx(0.005)
    assert half_unit(0) == 0.5
    assert half_unit(-2) == 50.0


def test_derive_tolerance_kediri_formula():
    # 0.005 (final, 2 decimals) + (0.1 + 0.2 + 0.3 + 0.2 + 0.2) x 0.005 = 0.01
    kediri_inputs = [(0.1, 2), (0.2, 2), (0.3, 2), (0.2, 2), (0.2, 2)]
    assert derive_tolerance(2, kediri_inputs) == pytest.approx(0.01, abs=1e-15)
    assert derive_tolerance(2) == pytest.approx(0.005, abs=1e-15)
    # mixed precision and a negative sensitivity: 0.05 + 0.5 x 0.005 + |-0.25| x 0.5
    assert derive_tolerance(1, [(0.5, 2), (-0.25, 0)]) == pytest.approx(0.1775, abs=1e-15)


def test_within_tolerance_boundary_and_nan():
    assert within_tolerance(0.005, 0.005)
    assert within_tolerance(-0.01, 0.01)
    assert not within_tolerance(0.0051, 0.005)
    assert not within_tolerance(math.nan, 0.01)


def test_parse_tolerance():
    assert parse_tolerance("auto") is None
    assert parse_tolerance("AUTO") is None
    assert parse_tolerance("0.02") == 0.02
    assert parse_tolerance(0) == 0.0
    for bad in ("x", "-0.1", "nan"):
        with pytest.raises(ValueError):
            parse_tolerance(bad)


# ----------------------------------------------------------------------------- Kota Kediri
def test_kediri_final_matches_within_derived_tolerance(tmp_path):
    table = reproduce(kediri(tmp_path))
    assert list(table.columns) == list(REPRODUCE_COLUMNS)
    final = row(table, "Kota Kediri", 2022, "FINAL")
    # 0.1 x 3.60 + 0.2 x 3.21 + 0.3 x 3.23 + 0.2 x 3.07 + 0.2 x 3.65 = 3.315
    assert final["computed"] == pytest.approx(3.315, abs=1e-12)
    assert final["difference"] == pytest.approx(0.005, abs=1e-12)
    assert final["tolerance"] == pytest.approx(0.01, abs=1e-12)
    assert final["status"] == "match"
    assert final["basis"] == "published"
    assert final["framework"] == "kominfo_components"
    assert "BASELINE" in final["note"] and "0.1/0.2/0.3/0.2/0.2" in final["note"]
    # 2021: only the final is public; the components have no item scores.
    assert row(table, "Kota Kediri", 2021, "FINAL")["status"] == "not_computable"
    for code in ("BASELINE", "OUTPUT", "OUTCOME", "IMPACT", "QUICK_WIN"):
        r = row(table, "Kota Kediri", 2022, code)
        assert r["status"] == "not_computable"
        assert "no item scores" in r["note"]
        assert math.isnan(r["computed"])
    assert "missing: BASELINE" in row(table, "Kota Kediri", 2021, "FINAL")["note"]
    assert list(table["code"]) == [
        "FINAL",
        "BASELINE",
        "OUTPUT",
        "OUTCOME",
        "IMPACT",
        "QUICK_WIN",
        "FINAL",
    ]  # file order


def test_kediri_changed_final_is_a_mismatch(tmp_path):
    table = reproduce(kediri(tmp_path, final="3.35"))
    final = row(table, "Kota Kediri", 2022, "FINAL")
    assert final["difference"] == pytest.approx(3.315 - 3.35, abs=1e-12)
    assert final["status"] == "mismatch"
    assert summary(table) == (
        "reproduce: 1 of 7 published values do not match (largest difference 0.035 at "
        "Kota Kediri 2022 FINAL); 6 not computable (see the note column)"
    )


def test_kediri_precision_of_the_final_sets_the_tolerance(tmp_path):
    # published "3.315" (3 decimals): 0.0005 + 1 x 0.005 = 0.0055, difference 0
    final = row(reproduce(kediri(tmp_path, final="3.315")), "Kota Kediri", 2022, "FINAL")
    assert final["tolerance"] == pytest.approx(0.0055, abs=1e-12)
    assert final["difference"] == pytest.approx(0.0, abs=1e-12)
    assert final["status"] == "match"
    # published "3.3" (1 decimal): 0.05 + 0.005; 3.315 - 3.3 = 0.015 matches
    final = row(reproduce(kediri(tmp_path, final="3.3")), "Kota Kediri", 2022, "FINAL")
    assert final["tolerance"] == pytest.approx(0.055, abs=1e-12)


def test_kediri_fixed_tolerance(tmp_path):
    table = reproduce(kediri(tmp_path), tolerance=0.001)
    final = row(table, "Kota Kediri", 2022, "FINAL")
    assert final["tolerance"] == 0.001
    assert final["status"] == "mismatch"
    assert reproduce(kediri(tmp_path), tolerance="0.005").loc[6, "status"] == "match"


def test_kediri_geometric_aggregation_propagates_its_sensitivities(tmp_path):
    table = reproduce(kediri(tmp_path, aggregate="geometric"))
    final = row(table, "Kota Kediri", 2022, "FINAL")
    x = [3.60, 3.21, 3.23, 3.07, 3.65]
    w = [0.1, 0.2, 0.3, 0.2, 0.2]
    g = math.exp(sum(wi * math.log(xi) for wi, xi in zip(w, x, strict=True)))
    # dG/dx_i = w_i G / x_i
    tol = 0.005 + sum(wi * g / xi * 0.005 for wi, xi in zip(w, x, strict=True))
    assert final["computed"] == pytest.approx(g, abs=1e-9)
    assert final["tolerance"] == pytest.approx(tol, abs=1e-9)
    assert g == pytest.approx(3.3081, abs=1e-4)  # |3.3081 - 3.31| = 0.0019 -> match
    assert final["status"] == "match"


@pytest.mark.skipif(
    not (DATA / "kota_kediri" / "published.csv").is_file(), reason="data/kota_kediri absent"
)
def test_kediri_embedded_dataset():
    table = reproduce(load_dataset(DATA / "kota_kediri"))
    final = row(table, "Kota Kediri", 2022, "FINAL")
    assert final["computed"] == pytest.approx(3.315, abs=1e-12)
    assert final["tolerance"] == pytest.approx(0.01, abs=1e-12)
    assert final["status"] == "match"
    assert (table["status"] != "mismatch").all()


def test_published_xlsx_decimals_from_the_number_format(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    folder = kediri(tmp_path)
    (folder / "published.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "published"
    sheet.append(["region", "year", "code", "score"])
    records = [
        ("Kota Kediri", 2022, "BASELINE", 3.6, "0.00"),  # shown 3.60 -> 2 decimals
        ("Kota Kediri", 2022, "OUTPUT", 3.21, "General"),
        ("Kota Kediri", 2022, "OUTCOME", 3.23, "General"),
        ("Kota Kediri", 2022, "IMPACT", 3.07, "General"),
        ("Kota Kediri", 2022, "QUICK_WIN", 3.65, "General"),
        ("Kota Kediri", 2022, "FINAL", 3.31, "General"),
        ("Kota Kediri", 2021, "FINAL", 3.1, "General"),  # General: the column's largest, 2
    ]
    for region, year, code, value, fmt in records:
        sheet.append([region, year, code, value])
        sheet.cell(row=sheet.max_row, column=4).number_format = fmt
    book.save(folder / "published.xlsx")
    ds = load_dataset(folder)
    decimals = published_decimals(ds)
    assert decimals.to_dict() == {2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 8: 2}
    final = row(reproduce(ds), "Kota Kediri", 2022, "FINAL")
    assert final["tolerance"] == pytest.approx(0.01, abs=1e-12)


# ----------------------------------------------------------------------------- from items
TREE = {
    "framework.csv": (
        "code,parent,name,weight,direction,lower,upper\n"
        "IDX,,Index,1,,,\n"
        "A,IDX,Pillar A,2,,,\n"
        "B,IDX,Pillar B,1,,,\n"
        "A1,A,a1,1,1,1,5\n"
        "A2,A,a2,3,1,1,5\n"
        "B1,B,b1,1,1,1,5\n"
    ),
    "dataset.toml": (
        'title = "tree"\nillustrative = true\nlang = "en"\n'
        '[methods]\nnormalise = "none"\naggregate = "arithmetic"\nconsensus = "median"\n'
    ),
}


def tree_dataset(tmp_path: Path, published: str, observations: str, assessments: str = ""):
    files = dict(TREE)
    files["observations.csv"] = observations
    files["published.csv"] = published
    if assessments:
        files["assessments.csv"] = assessments
    return load_dataset(write_dataset(tmp_path / "tree", files))


def test_items_are_scored_with_the_tree_weights(tmp_path):
    # X: A = (1 x 3 + 3 x 4) / 4 = 3.75; B = 2; IDX = (2 x 3.75 + 1 x 2) / 3 = 3.1666...
    ds = tree_dataset(
        tmp_path,
        "region,year,code,score\nX,2024,IDX,3.17\nX,2024,A,3.8\nX,2024,B,2\nX,2024,A2,4.0\n",
        "region,year,indicator,value\nX,2024,A1,3\nX,2024,A2,4\nX,2024,B1,2\n",
    )
    table = reproduce(ds)
    idx = row(table, "X", 2024, "IDX")
    assert idx["computed"] == pytest.approx(9.5 / 3, abs=1e-9)
    assert idx["tolerance"] == pytest.approx(0.005, abs=1e-12)  # items add nothing
    assert idx["status"] == "match" and idx["basis"] == "items"
    assert idx["note"] == "from 3 of 3 item scores"
    a = row(table, "X", 2024, "A")  # "3.8": 1 decimal, 3.75 - 3.8 = -0.05 on the boundary
    assert a["difference"] == pytest.approx(-0.05, abs=1e-12)
    assert a["tolerance"] == pytest.approx(0.05, abs=1e-12)
    assert a["status"] == "match"
    assert row(table, "X", 2024, "B")["tolerance"] == 0.5  # "2": 0 decimals
    assert row(table, "X", 2024, "A2")["computed"] == 4.0  # an indicator: its value


def test_consensus_fills_items_the_observations_lack(tmp_path):
    # Y: A2 has no observation; assessors 1, 2, 2 (median 2, mean 5/3); self 5 ignored.
    # median: A = (5 + 3 x 2) / 4 = 2.75; mean: A = (5 + 3 x 5/3) / 4 = 2.5
    ds = tree_dataset(
        tmp_path,
        "region,year,code,score\nY,2024,A,2.75\n",
        "region,year,indicator,value\nY,2024,A1,5\nY,2024,A2,\nY,2024,B1,4\n",
        "region,year,indicator,assessor,score,stage\n"
        "Y,2024,A2,r1,1,assessor\nY,2024,A2,r2,2,assessor\nY,2024,A2,r3,2,assessor\n"
        "Y,2024,A2,self,5,self\n",
    )
    a = row(reproduce(ds), "Y", 2024, "A")  # dataset.toml: consensus = "median"
    assert a["computed"] == pytest.approx(2.75, abs=1e-12)
    assert a["status"] == "match"
    assert a["basis"] == "items+consensus"
    assert "1 from the assessors' median consensus" in a["note"]
    a = row(reproduce(ds, settings=dataset_settings(ds, consensus="mean")), "Y", 2024, "A")
    assert a["computed"] == pytest.approx(2.5, abs=1e-12)
    assert a["status"] == "mismatch"
    with pytest.raises(ValueError):
        reproduce(ds, settings=dataset_settings(ds, consensus="mode"))


def test_published_parts_recursively_with_chain_rule_tolerance(tmp_path):
    # W has no item scores. IDX from A (not published: from A1 = 3, A2 = 4) and B = 2.00.
    # IDX = 2/3 x (1/4 x 3 + 3/4 x 4) + 1/3 x 2 = 3.1666...
    # tolerance = 0.005 + (2/3 x 1/4) x 0.5 + (2/3 x 3/4) x 0.5 + 1/3 x 0.005 = 0.34
    ds = tree_dataset(
        tmp_path,
        "region,year,code,score\nW,2024,IDX,3.17\nW,2024,A1,3\nW,2024,A2,4\nW,2024,B,2.00\n",
        # no item scores at all (a file of empty values is refused since issue #16)
        "region,year,indicator,value\n",
    )
    table = reproduce(ds)
    idx = row(table, "W", 2024, "IDX")
    assert idx["computed"] == pytest.approx(9.5 / 3, abs=1e-9)
    assert idx["tolerance"] == pytest.approx(0.34, abs=1e-12)
    assert idx["status"] == "match"
    assert idx["basis"] == "published"
    a1 = row(table, "W", 2024, "A1")
    assert a1["status"] == "not_computable"
    assert "no score of this indicator" in a1["note"]


def test_check_consensus(tmp_path):
    ds = tree_dataset(
        tmp_path,
        "region,year,code,score\nV,2024,A,3\n",
        "region,year,indicator,value\nV,2024,A1,3.0\nV,2024,A2,2.67\nV,2024,B1,4\n",
        "region,year,indicator,assessor,score\n"
        "V,2024,A1,r1,2\nV,2024,A1,r2,3\nV,2024,A1,r3,4\n"
        "V,2024,A2,r1,2\nV,2024,A2,r2,3\nV,2024,A2,r3,3\n",
    )
    # mean: A1 = 3 (match, tolerance 0.05 from "3.0"); A2 = 8/3 = 2.6667 vs "2.67" (0.005)
    check = check_consensus(ds, "mean").set_index("indicator")
    assert check.loc["A1", "status"] == "match"
    assert check.loc["A1", "tolerance"] == pytest.approx(0.05)
    assert check.loc["A2", "consensus"] == pytest.approx(8 / 3)
    assert check.loc["A2", "difference"] == pytest.approx(2.67 - 8 / 3, abs=1e-9)
    assert check.loc["A2", "status"] == "match"
    assert "B1" not in check.index  # no assessor scores B1 anywhere: not checked
    # median (dataset.toml): A2 = 3 vs 2.67 -> mismatch
    check = check_consensus(ds).set_index("indicator")
    assert check.loc["A2", "status"] == "mismatch"
    assert check.loc["A2", "n_assessors"] == 3


# ----------------------------------------------------------------------------- kutai_timur
KT = DATA / "kutai_timur"
needs_kt = pytest.mark.skipif(
    not (KT / "published.csv").is_file(), reason="data/kutai_timur not generated"
)


def copy_kutai_timur(tmp_path: Path) -> Path:
    folder = tmp_path / "kt"
    folder.mkdir()
    for name in ("dataset.toml", "observations.csv", "assessments.csv", "published.csv"):
        shutil.copy(KT / name, folder / name)
    return folder


@needs_kt
def test_kutai_timur_reproduces_everything():
    ds = load_dataset(KT)
    table = reproduce(ds)
    assert len(table) == len(ds.published)
    assert (table["status"] == "match").all(), table[table["status"] != "match"]
    spbe = table[table["code"] == "SPBE"].set_index("year")
    assert list(spbe.index) == [2021, 2022, 2023]
    assert list(spbe["published"]) == [1.00, 2.79, 3.20]  # the real SPBE index
    assert (spbe["framework"] == "spbe_2020").all()
    assert set(table.loc[table["code"] == "FINAL", "framework"]) == {"kominfo_components"}
    assert set(table.loc[table["code"] == "SCI", "framework"]) == {"kominfo_smart_city"}
    assert (table["tolerance"] == 0.005).all()
    check = check_consensus(ds)  # verified = median of the assessors (dataset.toml)
    assert (check["status"] != "mismatch").all()
    assert (check["status"] == "match").sum() > 2000


@needs_kt
def test_kutai_timur_one_altered_value_is_the_only_mismatch(tmp_path, capsys):
    folder = copy_kutai_timur(tmp_path)
    published = (folder / "published.csv").read_text(encoding="utf-8")
    original = load_dataset(folder).published
    target = original[(original["region"] == "Kabupaten Berau") & (original["code"] == "FINAL")]
    target = target[target["year"] == 2023].iloc[0]
    lines = published.split("\n")
    index = int(target["_row"]) - 1
    prefix = "Kabupaten Berau,2023,FINAL,"
    assert lines[index].startswith(prefix)
    old_text = lines[index][len(prefix) :].split(",", 1)[0]
    new_text = f"{float(old_text) + 0.05:.2f}"
    lines[index] = lines[index].replace(prefix + old_text, prefix + new_text, 1)
    (folder / "published.csv").write_text("\n".join(lines), encoding="utf-8")

    table = reproduce(load_dataset(folder))
    bad = table[table["status"] == "mismatch"]
    assert len(bad) == 1
    assert (bad.iloc[0]["region"], bad.iloc[0]["year"], bad.iloc[0]["code"]) == (
        "Kabupaten Berau",
        2023,
        "FINAL",
    )
    assert (table["status"] == "match").sum() == len(table) - 1

    out = tmp_path / "reproduce.csv"
    code = main(["reproduce", str(folder), "--out", str(out), "--lang", "en"])
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith(
        f"reproduce: 1 of {len(table)} published values do not match (largest difference 0.0"
    )
    assert err[0].endswith("at Kabupaten Berau 2023 FINAL)")
    written = pd.read_csv(out)
    assert list(written.columns) == list(REPRODUCE_COLUMNS)
    assert (written["status"] == "mismatch").sum() == 1


# ----------------------------------------------------------------------------- CLI
def test_cli_kediri_exit_codes(tmp_path, capsys):
    folder = kediri(tmp_path)
    assert main(["reproduce", str(folder), "--lang", "en"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(
        "region,year,code,computed,published,difference,tolerance,status,note"
    )
    assert "Kota Kediri,2022,FINAL,3.315,3.31,0.005,0.01,match," in captured.out
    assert captured.err.strip() == (
        "reproduce: 1 of 7 published values match; 6 not computable (see the note column)"
    )
    assert main(["reproduce", str(folder), "--tolerance", "0.001", "--lang", "id"]) == 1
    err = capsys.readouterr().err
    assert "1 dari 7 nilai terbitan tidak cocok" in err
    assert main(["reproduce", str(kediri(tmp_path / "b", final="3.35"))]) == 1
    capsys.readouterr()
    assert main(["reproduce", str(folder), "--tolerance", "abc"]) == 2
    assert "--tolerance" in capsys.readouterr().err


def test_cli_without_published_values_is_bad_input(tmp_path, capsys):
    folder = kediri(tmp_path)
    (folder / "published.csv").unlink()
    # with nothing left but a header, the loader refuses the dataset itself (issue #16)
    assert main(["reproduce", str(folder)]) == 2
    assert "observations.csv" in capsys.readouterr().err
    # a dataset with values but nothing published: reproduce has nothing to check
    (folder / "observations.csv").write_text(
        "region,year,indicator,value\nKota Kediri,2022,GOV.SRV.01,3\n", encoding="utf-8"
    )
    assert main(["reproduce", str(folder)]) == 2
    assert "no published values" in capsys.readouterr().err
