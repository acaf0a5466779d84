"""The framework tree: structure, effective weights, and the shipped frameworks."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from smartcity_eval import DataError, load_framework
from smartcity_eval.io.frameworks import DATA_DIR

# Indicator weights of PermenPANRB 59/2020 (percent of the whole), from
# shared/reference/spbe_2020_structure.csv, typed in here independently of the framework file.
SPBE_PCT = [1.3] * 10 + [2.5] * 10 + [1.5] * 11 + [2.75] * 10 + [3.0] * 6


def test_tiny_tree_structure(tiny):
    fw = load_framework(tiny)
    assert fw.root == "IDX"
    assert fw.indicators == ["A1", "A2", "B1"]
    assert fw.aggregates[-1] == "IDX"  # children before parents
    assert fw.children("A") == ["A1", "A2"]
    assert fw.ancestors("A2") == ["A", "IDX"]
    assert fw.depth("B1") == 2


def test_effective_weights_are_products_of_sibling_shares(tiny):
    fw = load_framework(tiny)
    w = fw.effective_weights
    # A = 2/3 of the index; A1 = 1/4 of A, A2 = 3/4 of A; B1 = all of B = 1/3.
    assert w["A1"] == pytest.approx(2 / 3 * 1 / 4)
    assert w["A2"] == pytest.approx(2 / 3 * 3 / 4)
    assert w["B1"] == pytest.approx(1 / 3)
    assert w[fw.indicators].sum() == pytest.approx(1.0)


def test_spbe_framework_weights_match_regulation():
    fw = load_framework("spbe_2020")
    assert len(fw.indicators) == 47
    assert sum(1 for c in fw.nodes.index if fw.depth(c) == 1) == 4
    assert sum(1 for c in fw.nodes.index if fw.depth(c) == 2) == 8
    eff = fw.effective_weights[fw.indicators].to_numpy()
    np.testing.assert_allclose(eff, np.array(SPBE_PCT) / 100, atol=1e-12)


def test_kominfo_frameworks_share_items():
    pillars = load_framework("kominfo_smart_city")
    components = load_framework("kominfo_components")
    assert sorted(pillars.indicators) == sorted(components.indicators)
    assert [c for c in pillars.nodes.index if pillars.depth(c) == 1] == [
        "GOV",
        "BRA",
        "ECO",
        "LIV",
        "SOC",
        "ENV",
    ]
    assert len([c for c in pillars.nodes.index if pillars.depth(c) == 2]) == 18
    w = components.local_weights
    assert [round(w[c], 2) for c in components.children("FINAL")] == [0.1, 0.2, 0.3, 0.2, 0.2]


def test_every_shipped_framework_has_a_readme_citing_sources():
    for folder in sorted((DATA_DIR / "frameworks").iterdir()):
        text = (folder / "README.md").read_text(encoding="utf-8").lower()
        assert re.search(r"source|sumber|\w\.(com|go\.id|org)/|peraturan", text), folder


@pytest.mark.parametrize(
    ("rows", "phrase"),
    [
        ("IDX,,I,1\nA,IDX,a,1\nA,IDX,b,1\n", "used twice"),
        ("IDX,,I,1\nA,B,a,1\nB,A,b,1\n", "cycle"),
        ("IDX,,I,1\nJ,,J,1\n", "more than one root"),
        ("IDX,,I,1\nA,IDZ,a,1\n", "does not exist"),
        ("IDX,,I,1\nA,IDX,a,-1\n", "negative"),
        ("IDX,,I,1\nA,IDX,a,0\nB,IDX,b,0\n", "are zero"),
    ],
)
def test_broken_trees_are_reported(tmp_path, rows, phrase):
    (tmp_path / "framework.csv").write_text("code,parent,name,weight\n" + rows, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_framework(tmp_path)
    assert phrase in str(err.value)
    assert all(p.file and p.file.endswith("framework.csv") for p in err.value.problems)


def test_table_lists_effective_weights(tiny):
    table = load_framework(tiny).table()
    assert isinstance(table, pd.DataFrame)
    assert set(["code", "parent", "effective_weight"]) <= set(table.columns)
    assert table.loc[table["code"] == "IDX", "effective_weight"].item() == pytest.approx(1.0)
