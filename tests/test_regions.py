"""Ranks by category (regions.csv: kind kabupaten/kota, province), on hand-made data.

Five regions, one node, one year; scores and the hand-computed ranks:

| region | kind | province | score | rank | rank_kind | rank_province |
|---|---|---|---|---|---|---|
| Kota A | kota | P1 | 4.0 | 1 | 1 (of 2 kota) | 1 (of 3 in P1) |
| Kabupaten B | kabupaten | P1 | 3.5 | 2 | 1 (of 3 kabupaten) | 2 |
| Kabupaten C | kabupaten | P2 | 3.5 | 2 | 1 (tie with B) | 1 (of 2 in P2) |
| Kota D | kota | P2 | 3.0 | 4 | 2 | 2 |
| Kabupaten E | kabupaten | P1 | 2.0 | 5 | 3 | 3 |
"""

from __future__ import annotations

import pandas as pd
import pytest

from smartcity_eval.analysis.peers import category_ranks, peer_comparison, peer_groups
from smartcity_eval.io.frameworks import load_framework

from .conftest import write_dataset

SCORES = {"Kota A": 4.0, "Kabupaten B": 3.5, "Kabupaten C": 3.5, "Kota D": 3.0, "Kabupaten E": 2.0}
INFO = {
    "Kota A": ("kota", "P1"),
    "Kabupaten B": ("kabupaten", "P1"),
    "Kabupaten C": ("kabupaten", "P2"),
    "Kota D": ("kota", "P2"),
    "Kabupaten E": ("kabupaten", "P1"),
}
EXPECTED = {  # region -> (rank_kind, rank_province)
    "Kota A": (1, 1),
    "Kabupaten B": (1, 2),
    "Kabupaten C": (1, 1),
    "Kota D": (2, 2),
    "Kabupaten E": (3, 3),
}
REGIONS_CSV = "region,kind,province,population\n" + "".join(
    f"{r},{k},{p},\n" for r, (k, p) in INFO.items()
)
FRAMEWORK = (
    "code,parent,name,name_id,weight,direction,unit,lower,upper\n"
    "IDX,,Index,Indeks,1,,,,\n"
    "I1,IDX,Item,Butir,1,1,level 1-5,1,5\n"
)


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": list(INFO),
            "kind": [k for k, _ in INFO.values()],
            "province": [p for _, p in INFO.values()],
            "population": float("nan"),
        }
    )


def _scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": list(SCORES),
            "year": 2024,
            "code": "IDX",
            "level": 0,
            "score": list(SCORES.values()),
        }
    )


def test_category_ranks_by_hand():
    out = category_ranks(_scores(), _table()).set_index("region")
    for region, (kind, province) in EXPECTED.items():
        assert (out.at[region, "rank_kind"], out.at[region, "rank_province"]) == (kind, province)


def test_category_ranks_missing_score_and_unlisted_region():
    scores = _scores()
    scores.loc[scores["region"] == "Kota D", "score"] = float("nan")
    extra = pd.DataFrame(
        [{"region": "Kota Z", "year": 2024, "code": "IDX", "level": 0, "score": 5.0}]
    )
    out = category_ranks(pd.concat([scores, extra], ignore_index=True), _table()).set_index(
        "region"
    )
    assert pd.isna(out.at["Kota D", "rank_kind"]) and pd.isna(out.at["Kota Z", "rank_province"])
    assert out.at["Kota A", "rank_kind"] == 1  # Kota D has no score, Kota Z is not listed
    assert category_ranks(_scores(), None).equals(_scores())  # no regions.csv: unchanged


def test_peers_by_kind_and_province(tmp_path):
    fw = load_framework(write_dataset(tmp_path / "fw", {"framework.csv": FRAMEWORK}))
    scores = _scores()
    assert peer_groups(_table(), "all") is None
    by_kind = peer_groups(_table(), "kind")
    assert by_kind["Kota D"] == "kota" and by_kind["Kabupaten E"] == "kabupaten"
    out = peer_comparison(scores, fw, peers=by_kind, region_table=_table()).set_index("region")
    # Kota D among the 2 kota: rank 2 of 2, best Kota A (4.0), gap 1.0
    assert out.at["Kota D", "peer_rank"] == 2 and out.at["Kota D", "n_compared"] == 2
    assert out.at["Kota D", "best_region"] == "Kota A"
    assert out.at["Kota D", "gap_to_best"] == pytest.approx(1.0)
    assert out.at["Kota D", "rank_kind"] == 2 and out.at["Kota D", "rank_province"] == 2
    by_province = peer_groups(_table(), "province")
    out = peer_comparison(scores, fw, peers=by_province).set_index("region")
    # P2 = Kabupaten C (3.5), Kota D (3.0): C is first of 2
    assert out.at["Kabupaten C", "peer_rank"] == 1 and out.at["Kabupaten C", "n_compared"] == 2
    assert out["rank_kind"].isna().all()  # no regions table given: NA


@pytest.fixture
def dataset(tmp_path):
    obs = "region,year,indicator,value\n" + "".join(f"{r},2024,I1,{v}\n" for r, v in SCORES.items())
    return write_dataset(
        tmp_path / "cat",
        {
            "dataset.toml": 'title = "cat"\nillustrative = true\nlang = "en"\n'
            '[methods]\nnormalise = "none"\n',
            "framework.csv": FRAMEWORK,
            "observations.csv": obs,
            "regions.csv": REGIONS_CSV,
        },
    )


def test_score_gaps_and_headline_show_the_category_ranks(dataset, tmp_path, capsys):
    from smartcity_eval.cli.main import main
    from smartcity_eval.io.dataset import load_dataset
    from smartcity_eval.reports import content

    ds = load_dataset(dataset)
    assert list(ds.region_table["kind"]) == [k for k, _ in INFO.values()]
    out = tmp_path / "s.csv"
    assert main(["score", str(dataset), "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns[:7]) == [
        "region", "year", "code", "score", "rank", "rank_kind", "rank_province"
    ]  # fmt: skip
    root = table[table["code"] == "IDX"].set_index("region")
    for region, ranks in EXPECTED.items():
        assert (root.at[region, "rank_kind"], root.at[region, "rank_province"]) == ranks
    capsys.readouterr()
    args = ["gaps", str(dataset), "--region", "Kota D", "--year", "2024", "--what", "peers"]
    assert main([*args, "--peers-by", "kind", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "rank_kind" in text and "rank_province" in text
    line = next(x for x in text.splitlines() if x.strip().startswith("IDX"))
    assert line.split()[3:7] == ["2", "2", "2", "2"]  # peer_rank, rank_kind, rank_province, n
    card = content.report_data(ds, "Kabupaten E", 2024, "en")["headline"][0]
    assert (card["rank"], card["n"]) == (5, 5)
    assert (card["kind"], card["rank_kind"], card["n_kind"]) == ("kabupaten", 3, 3)
    assert (card["province"], card["rank_province"], card["n_province"]) == ("P1", 3, 3)


def test_bad_kind_is_a_problem_with_row_and_exit_2(dataset, capsys):
    from smartcity_eval.cli.main import main

    path = dataset / "regions.csv"
    path.write_text(REGIONS_CSV.replace("Kota D,kota", "Kota D,kotamadya"), encoding="utf-8")
    assert main(["validate", str(dataset)]) == 2
    err = capsys.readouterr().err
    assert "regions.csv" in err and "kotamadya" in err and "kind" in err
