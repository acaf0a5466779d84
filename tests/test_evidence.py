"""Supporting-document completeness and urgency on small hand-made registers (issue 13)."""

from __future__ import annotations

import pandas as pd
import pytest

from smartcity_eval import DataError, load_dataset
from smartcity_eval.analysis.evidence import completeness, missing_documents
from tests.registers_data import KT, make


@pytest.fixture
def dataset(tmp_path):
    return load_dataset(make(tmp_path))


def test_completeness_per_pillar_by_hand(dataset):
    c = completeness(dataset.registers, dataset.framework, "pillar", 2024, KT).set_index("pillar")
    # GOV: P1 x2 (1 available), GOV.01 x2 (1 available), P3 (available) -> 3 of 5
    assert c.loc["GOV", ["documents", "available", "missing"]].tolist() == [5, 3, 2]
    assert c.loc["GOV", "completeness"] == pytest.approx(3 / 5)
    # ECO: P4 missing, ECO.02 outdated -> 0 of 2
    assert c.loc["ECO", ["documents", "missing", "outdated", "completeness"]].tolist() == [
        2,
        1,
        1,
        0.0,
    ]


def test_completeness_per_department_uses_the_owner_by_default(dataset):
    c = completeness(dataset.registers, dataset.framework, "department", 2024, KT)
    c = c.set_index("department")
    # Diskominfo: both P1 documents (owner of P1); GOV.01 has no owner row -> its SOP has
    # no department; the DPA is given DPMPTSP explicitly, P3's report by its owner DPMPTSP
    assert c.loc["Diskominfo Staper", ["documents", "available"]].tolist() == [2, 1]
    assert c.loc["DPMPTSP", ["documents", "available"]].tolist() == [2, 2]
    assert c.loc["Bapenda", ["documents", "outdated"]].tolist() == [1, 1]
    assert c.loc["Dinas Koperasi dan UKM", "completeness"] == 0.0


def test_completeness_per_dimension(dataset):
    c = completeness(dataset.registers, dataset.framework, "dimension", 2024, KT)
    c = c.set_index("dimension")
    # quick win: P1 (2 docs) and P4 (1); outcome: P3's report; output: GOV.01 SOP and DPA;
    # impact: the PBB survey
    assert c["documents"].to_dict() == {"impact": 1, "outcome": 1, "output": 2, "quick win": 3}


def test_urgency_order_by_effective_weight_then_due_date(dataset):
    m = missing_documents(dataset.registers, dataset.framework, 2024, KT)
    # effective weights: ECO.01 1/3 (P4), GOV.02 1/4 (P1, due 20 Oct), GOV.01 1/4 (no date),
    # ECO.02 1/6
    assert m["document"].tolist() == [
        "Decree on madu kelulut",
        "Data inventory",
        "SOP public services",
        "PBB survey",
    ]
    assert m["rank"].tolist() == [1, 2, 3, 4]
    assert m["effective_weight"].round(4).tolist() == [0.3333, 0.25, 0.25, 0.1667]
    assert m.loc[0, "name"] == "Madu kelulut branding"
    assert m.loc[0, "department"] == "Dinas Koperasi dan UKM"
    assert m.loc[1, "due"] == pd.Timestamp("2024-10-20")


def test_document_for_unknown_programme_is_a_clear_error(tmp_path):
    bad = f"region,year,code,document,kind,status\n{KT},2024,P99,Perbup,peraturan,ada\n"
    with pytest.raises(DataError) as err:
        load_dataset(make(tmp_path, evidence=bad))
    p = err.value.problems[0]
    assert (p.row, p.column) == (2, "code")
    assert "unknown node or programme 'P99'" in p.message
    assert "programmes.csv" in p.fix and p.message_id


def test_document_for_another_regions_programme(tmp_path):
    bad = f"region,year,code,document,kind,status\n{KT},2024,S1,Perbup,peraturan,ada\n"
    with pytest.raises(DataError, match="registered for another region"):
        load_dataset(make(tmp_path, evidence=bad))


def test_bad_kind_status_and_date(tmp_path):
    bad = (
        f"region,year,code,document,kind,status,due\n{KT},2024,P1,Perbup,poster,hilang,31-31-2024\n"
    )
    with pytest.raises(DataError) as err:
        load_dataset(make(tmp_path, evidence=bad))
    columns = {p.column for p in err.value.problems}
    assert {"kind", "status", "due"} <= columns


def test_urgency_weights_are_shares_of_the_official_index():
    """A node's weight is the sum of the official index's (FINAL) effective weights of the
    items under it: computed here by joining the two trees' item lists."""
    from smartcity_eval.analysis.evidence import index_weights
    from smartcity_eval.io.frameworks import load_framework

    pillars = load_framework("kominfo_smart_city")
    official = load_framework("kominfo_components")
    w = index_weights(pillars, official)
    ew = official.effective_weights
    assert w[pillars.root] == pytest.approx(1.0)
    for item in pillars.indicators[:5]:
        assert w[item] == pytest.approx(ew[item])
    for pillar in pillars.nodes.index[pillars.nodes["depth"] == 1]:
        under = [i for i in pillars.indicators if pillar in pillars.ancestors(i)]
        assert w[pillar] == pytest.approx(sum(ew[i] for i in under))
    # with no other index, the tree's own effective weights
    assert index_weights(pillars).equals(pillars.effective_weights)
