"""Monte Carlo uncertainty analysis (smartcity_eval.robustness.uncertainty) and its command."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcity_eval import load_dataset, load_framework
from smartcity_eval.cli.main import main
from smartcity_eval.errors import DataError
from smartcity_eval.robustness.uncertainty import (
    TIE_DECIMALS,
    Choices,
    NormSpec,
    UncertaintyResult,
    aggregation_alternative,
    decode,
    evaluate,
    nominal_draws,
    parse_normalise,
    plain_loop,
    prepare,
    uncertainty_analysis,
    uncertainty_dataset,
    year_ranks,
)
from smartcity_eval.scoring.engine import score

# An unbalanced tree: weights differ, an element with one indicator (E21: removing I211
# removes E21 too), a pillar with indicators and an element as children (P2), directions.
FRAMEWORK = """code,parent,name,weight,direction,lower,upper
IDX,,Index,1,,,
P1,IDX,Pillar 1,2,,,
E11,P1,Element 11,1,,,
I111,E11,i111,1,1,0,10
I112,E11,i112,1,-1,0,10
I113,E11,i113,2,1,0,10
E12,P1,Element 12,2,,,
I121,E12,i121,1,1,0,10
I122,E12,i122,1,1,0,10
P2,IDX,Pillar 2,1,,,
E21,P2,Element 21,1,,,
I211,E21,i211,1,1,0,10
I22,P2,i22,1,1,0,10
I23,P2,i23,3,1,0,10
P3,IDX,Pillar 3,1,,,
E31,P3,Element 31,1,,,
I311,E31,i311,1,1,0,10
I312,E31,i312,1,-1,0,10
I313,E31,i313,1,1,0,10
"""


def make_framework(tmp_path: Path, text: str = FRAMEWORK):
    folder = tmp_path / "fw"
    folder.mkdir(exist_ok=True)
    (folder / "framework.csv").write_text(text, encoding="utf-8")
    return load_framework(folder / "framework.csv")


def make_observations(fw, n_regions=15, years=(2023, 2024), missing=0.08, seed=7):
    rng = np.random.default_rng(seed)
    rows = []
    for year in years:
        for r in range(n_regions):
            for code in fw.indicators:
                value = float(rng.uniform(0.5, 9.5))
                if rng.random() < missing:
                    value = np.nan
                rows.append((f"R{r:02d}", year, code, value))
    obs = pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])
    obs["region"] = obs["region"].astype("str")
    obs["indicator"] = obs["indicator"].astype("str")
    return obs


@pytest.fixture
def small(tmp_path):
    fw = make_framework(tmp_path)
    return fw, make_observations(fw)


CONFIGS = {
    "methods+drop": (
        Choices(
            normalise=("minmax:1:100", "goalposts:1:100", "rank:1:100"),
            aggregate=("arithmetic", "geometric", "harmonic"),
            impute=(None, "mean"),
            weight_noise=0.3,
            weight_levels=(1,),
            drop_indicator=True,
        ),
        {},
    ),
    "leaf-noise+coverage+scope-all": (
        Choices(
            normalise=("goalposts:1:100", "minmax"),
            aggregate=("arithmetic", {2: "geometric", "default": "arithmetic"}),
            impute=(None, "median"),
            weight_noise=0.25,
            weight_levels=(1, 2, 3),
            drop_indicator=True,
        ),
        {"min_coverage": 0.6, "scope": "all", "range": (1.0, 100.0)},
    ),
    "element-noise+drop+harmonic": (
        Choices(
            normalise=("rank:1:100",),
            aggregate=("harmonic", {1: "geometric", "default": "arithmetic"}),
            weight_noise=0.5,
            weight_levels=(2,),
            drop_indicator=True,
        ),
        {"min_coverage": 0.3},
    ),
    "drop-only+coverage": (
        Choices(normalise=("minmax",), drop_indicator=True),
        {"min_coverage": 0.5},
    ),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_kernel_equals_plain_scorer_loop(small, name):
    """The vectorised kernel gives the scores and ranks of the plain scorer called once per
    replication with the same draws (issue 8: identical results for the same draws)."""
    fw, obs = small
    choices, options = CONFIGS[name]
    res = uncertainty_analysis(obs, fw, choices, options, n=40, seed=11)
    loop_scores, loop_ranks = plain_loop(obs, fw, res.prep, res.draws)
    np.testing.assert_allclose(res.scores, loop_scores, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(res.ranks, loop_ranks)
    # the draws exercise what they should
    d = res.draws
    if choices.drop_indicator:
        assert (d.dropped >= 0).sum() >= 30
    if len(choices.normalise) > 1:
        assert len(np.unique(d.normalise)) == len(choices.normalise)
    if len(choices.aggregate) > 1:
        assert len(np.unique(d.aggregate)) == len(choices.aggregate)


def test_cascade_removal_matches_scorer(small):
    """Removing the only indicator of an element removes the element (weight 0 at its
    parent), exactly as scoring the tree without both nodes."""
    fw, obs = small
    prep = prepare(obs, fw, Choices(normalise=("minmax",)), {"min_coverage": 0.4})
    codes = list(fw.nodes.index)
    W = prep.weights.copy()
    W[codes.index("I211")] = 0.0
    draws = nominal_draws(prep, W)
    assert draws.weights[0, codes.index("E21")] == 0.0  # propagated
    got = evaluate(prep, draws, ["IDX", "P2"])
    loop, _ = plain_loop(obs, fw, prep, draws, "IDX")
    np.testing.assert_allclose(got[0, :, 0], loop[0], rtol=1e-12)
    table = score(
        obs, fw.__class__(name="v", nodes=_without(fw, ["I211", "E21"])), min_coverage=0.4
    )
    p2 = table[table["code"] == "P2"].set_index(["region", "year"])
    key = pd.MultiIndex.from_frame(prep.units)
    np.testing.assert_allclose(got[0, :, 1], p2.reindex(key)["score"].to_numpy(), rtol=1e-12)


def _without(fw, codes):
    nodes = fw.nodes.drop(index=codes).copy()
    nodes["is_leaf"] = ~nodes.index.isin(list(set(nodes["parent"]) - {""}))
    return nodes


def test_nominal_equals_scorer(small):
    fw, obs = small
    res = uncertainty_analysis(obs, fw, Choices(normalise=("goalposts",)), {}, n=5, seed=1)
    table = score(obs, fw, normalise="goalposts")
    idx = table[table["code"] == "IDX"].set_index(["region", "year"])
    key = pd.MultiIndex.from_frame(res.prep.units)
    np.testing.assert_allclose(res.nominal_scores, idx.reindex(key)["score"], rtol=1e-12)
    np.testing.assert_array_equal(
        res.nominal_ranks, idx.reindex(key)["rank"].astype(float).to_numpy()
    )


def test_no_uncertainty_collapses_to_nominal(small):
    """No noise and no alternative methods: every interval is the nominal rank (issue 8)."""
    fw, obs = small
    res = uncertainty_analysis(obs, fw, Choices(normalise=("minmax",)), {}, n=50, seed=3)
    s = res.summary()
    assert len(s) == 30
    for col in ("median_rank", "mean_rank", "rank_q05", "rank_q95", "best_rank", "worst_rank"):
        np.testing.assert_array_equal(s[col].to_numpy(), s["nominal_rank"].to_numpy())
    for col in ("score_median", "score_q05", "score_q95"):
        np.testing.assert_allclose(s[col], s["nominal_score"], rtol=1e-13)
    assert (s["n_replications"] == 50).all()


def test_kutai_timur_without_noise_collapses():
    ds = load_dataset("kutai_timur")
    fixed = Choices(normalise=("none",), aggregate=("arithmetic",))
    res = uncertainty_dataset(ds, choices=fixed, n=20, years=[2024])
    s = res.summary()
    assert len(s) == 10
    assert (s["rank_q05"] == s["nominal_rank"]).all()
    assert (s["rank_q95"] == s["nominal_rank"]).all()


def test_same_seed_same_results_other_seed_differs(small):
    fw, obs = small
    choices = CONFIGS["methods+drop"][0]
    a = uncertainty_analysis(obs, fw, choices, {}, n=60, seed=42)
    b = uncertainty_analysis(obs, fw, choices, {}, n=60, seed=42)
    c = uncertainty_analysis(obs, fw, choices, {}, n=60, seed=43)
    np.testing.assert_array_equal(a.scores, b.scores)
    pd.testing.assert_frame_equal(a.summary(), b.summary())
    pd.testing.assert_frame_equal(a.draws_table(), b.draws_table())
    assert not np.array_equal(a.scores, c.scores)


def test_decode_maps_the_unit_cube(small):
    fw, obs = small
    choices = Choices(
        normalise=("minmax:1:100", "zscore:10:2", "goalposts:1:100", "rank:1:100"),
        aggregate=("arithmetic", "geometric"),
        weight_noise=0.25,
        weight_levels=(1,),
        drop_indicator=True,
    )
    prep = prepare(obs, fw, choices, {})
    assert [f for f, _ in prep.factors] == ["weights", "normalise", "aggregate", "drop_indicator"]
    assert dict(prep.factors)["weights"] == 3  # P1, P2, P3
    n_ind = len(fw.indicators)
    u = np.array(
        [
            [0.0, 0.5, 0.999, 0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5, 0.24, 0.49, 0.999],
            [0.9, 0.1, 0.7, 0.25, 0.5, 1.5 / (n_ind + 1)],
            [0.2, 0.3, 0.4, 0.99, 0.99, 1.0 / (n_ind + 1)],
        ]
    )
    d = decode(prep, u)
    codes = list(fw.nodes.index)
    p = [codes.index(c) for c in ("P1", "P2", "P3")]
    nominal = np.array([2.0, 1.0, 1.0])
    # w' = w (1 + 0.25 (2u - 1)): u = 0 -> 0.75 w, u = 0.5 -> w, u = 0.999 -> 1.2495 w
    np.testing.assert_allclose(d.weights[0, p], nominal * [0.75, 1.0, 1.2495])
    np.testing.assert_allclose(d.weights[2, p], nominal * [1.2, 0.8, 1.1])
    # K = 4 alternatives: floor(4 u)
    np.testing.assert_array_equal(d.normalise, [0, 0, 1, 3])
    np.testing.assert_array_equal(d.aggregate, [0, 0, 1, 1])
    # K = n_ind + 1: 0 = none, then the indicators in file order
    np.testing.assert_array_equal(d.dropped, [-1, n_ind - 1, 0, 0])
    assert d.weights[2, codes.index(fw.indicators[0])] == 0.0
    assert d.weights[0, codes.index(fw.indicators[0])] == 1.0


def test_summary_quantiles_by_hand(small):
    """R's type-7 quantiles, as COINr: ranks 1..20 -> q05 = 1 + 0.05 x 19 = 1.95."""
    fw, obs = small
    prep = prepare(obs, fw, Choices(), {}, years=[2024])
    U = prep.n_units
    ranks = np.tile(np.arange(1, 21, dtype=float)[:, None], (1, U))
    scores = np.tile(np.linspace(50, 69, 20)[:, None], (1, U))
    draws = nominal_draws(prep, np.tile(prep.weights, (20, 1)))
    res = UncertaintyResult(
        prep=prep,
        code="IDX",
        draws=draws,
        scores=scores,
        ranks=ranks,
        nominal_scores=np.full(U, 55.0),
        nominal_ranks=np.full(U, 6.0),
    )
    s = res.summary()
    assert s["rank_q05"].iloc[0] == pytest.approx(1.95)
    assert s["rank_q95"].iloc[0] == pytest.approx(19.05)
    assert s["median_rank"].iloc[0] == pytest.approx(10.5)
    assert s["mean_rank"].iloc[0] == pytest.approx(10.5)
    assert s["score_q05"].iloc[0] == pytest.approx(50.95)
    assert (s["best_rank"] == 1).all() and (s["worst_rank"] == 20).all()
    assert (s["share_nominal_rank"] == 0.05).all()  # rank 6 in 1 of 20 replications
    wide = res.summary(quantiles=(0.1, 0.9))
    assert wide["rank_q10"].iloc[0] == pytest.approx(2.9)


def test_quantiles_match_numpy_with_missing():
    from smartcity_eval.robustness.uncertainty import _nan_quantiles

    rng = np.random.default_rng(0)
    X = rng.normal(size=(37, 6))
    X[rng.random(X.shape) < 0.2] = np.nan
    X[:, 5] = np.nan
    X[1:, 4] = np.nan  # one value
    got = _nan_quantiles(X, [0.05, 0.5, 0.95])
    with pytest.warns(RuntimeWarning):
        ref = np.nanquantile(X, [0.05, 0.5, 0.95], axis=0)
    np.testing.assert_allclose(got, ref, rtol=1e-14, atol=1e-14)


def test_ties_share_the_lowest_rank(small):
    fw, obs = small
    prep = prepare(obs, fw, Choices(), {}, years=[2024])
    U = prep.n_units
    s = np.linspace(10, 1, U)
    s[1] = s[0] + 10 ** -(TIE_DECIMALS + 3)  # equal up to floating noise
    s[2] = np.nan
    r = year_ranks(prep, s[None, :])[0]
    assert r[0] == r[1] == 1.0
    assert np.isnan(r[2])
    assert r[3] == 3.0


def test_identical_regions_always_tie(tmp_path):
    fw = make_framework(tmp_path)
    obs = make_observations(fw, missing=0.0, years=(2024,))
    twin = obs[obs["region"] == "R00"].assign(region="R99")
    obs = pd.concat([obs, twin], ignore_index=True)
    obs["region"] = obs["region"].astype("str")
    res = uncertainty_analysis(obs, fw, CONFIGS["methods+drop"][0], {}, n=50, seed=5)
    units = res.prep.units["region"].tolist()
    np.testing.assert_array_equal(
        res.ranks[:, units.index("R00")], res.ranks[:, units.index("R99")]
    )


def test_default_choices_for_kutai_timur():
    """Kominfo items are levels 1-5 scored with normalise 'none': the alternatives are none
    vs goalposts vs minmax vs zscore, arithmetic vs geometric, pillar weights +/- 25 %."""
    ds = load_dataset("kutai_timur")
    res = uncertainty_dataset(ds, n=30, years=[2024])
    c = res.prep.choices
    assert [s.label for s in c.normalise] == [
        "none",
        "goalposts:1:100",
        "minmax:1:100",
        "zscore:10:2",
    ]
    assert c.aggregate == ("arithmetic", "geometric")
    assert c.weight_noise == 0.25 and c.weight_levels == (1,)
    assert c.impute == (None,) and not c.drop_indicator
    table = c.table()
    assert list(table["choice"]) == [
        "weights",
        "normalise",
        "aggregate",
        "impute",
        "drop_indicator",
    ]


def test_geometric_needs_positive_values(small):
    fw, obs = small
    with pytest.raises(DataError, match="zscore"):
        prepare(
            obs,
            fw,
            Choices(normalise=("minmax:1:100", "zscore"), aggregate=("arithmetic", "geometric")),
            {},
        )
    with pytest.raises(DataError, match="<= 0"):
        prepare(obs, fw, Choices(normalise=("minmax",), aggregate=("geometric",)), {})
    # shifted z-scores (COINr's 10 +/- 2) are positive here
    prepare(obs, fw, Choices(normalise=("zscore:10:2",), aggregate=("geometric",)), {})


def test_parsers():
    assert parse_normalise("minmax:1:100") == NormSpec("minmax", range=(1.0, 100.0))
    assert parse_normalise("zscore:10:2") == NormSpec("zscore", mean_sd=(10.0, 2.0))
    assert parse_normalise(" None ").method == "none"
    for bad in ("minimax", "minmax:5:1", "minmax:a:b", "none:1:2", "zscore:1:0"):
        with pytest.raises(DataError):
            parse_normalise(bad)
    assert aggregation_alternative("geometric") == "geometric"
    assert aggregation_alternative("1=geometric,2=arithmetic") == (
        ("default", "arithmetic"),
        (1, "geometric"),
        (2, "arithmetic"),
    )
    with pytest.raises(DataError):
        Choices(weight_noise=1.5)


def test_unknown_year_and_code(small):
    fw, obs = small
    with pytest.raises(DataError, match="year 2030"):
        uncertainty_analysis(obs, fw, Choices(), {}, n=5, years=[2030])
    with pytest.raises(DataError, match="unknown node"):
        uncertainty_analysis(obs, fw, Choices(), {}, n=5, code="P9")
    with pytest.raises(DataError, match="aggregate"):
        uncertainty_analysis(obs, fw, Choices(), {}, n=5, code="I111")


def test_pillar_as_target_and_replications_table(small):
    fw, obs = small
    res = uncertainty_analysis(obs, fw, CONFIGS["methods+drop"][0], {}, n=10, seed=2, code="P1")
    loop, _ = plain_loop(obs, fw, res.prep, res.draws, "P1")
    np.testing.assert_allclose(res.scores, loop, rtol=1e-12, atol=1e-12)
    rep = res.replications()
    assert list(rep.columns) == ["replication", "region", "year", "code", "score", "rank"]
    assert len(rep) == 10 * res.prep.n_units
    assert set(rep["code"]) == {"P1"}


# ----------------------------------------------------------------------------- CLI
def test_cli_ranks_seeded_identical(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (a, b):
        rc = main(
            [
                "uncertainty",
                "kutai_timur",
                "--year",
                "2024",
                "--n",
                "100",
                "--seed",
                "9",
                "--out",
                str(out),
            ]
        )
        assert rc == 0
    assert a.read_bytes() == b.read_bytes()
    table = pd.read_csv(a)
    assert len(table) == 10
    assert {
        "region",
        "year",
        "nominal_rank",
        "median_rank",
        "rank_q05",
        "rank_q95",
        "score_q05",
        "score_q95",
    } <= set(table.columns)
    assert (table["rank_q05"] <= table["median_rank"]).all()
    assert (table["median_rank"] <= table["rank_q95"]).all()


def test_cli_no_noise_no_alternatives(tmp_path):
    out = tmp_path / "r.csv"
    rc = main(
        [
            "uncertainty",
            "kutai_timur",
            "--year",
            "2023",
            "--n",
            "30",
            "--weight-noise",
            "0",
            "--normalise-alternatives",
            "none",
            "--aggregate-alternatives",
            "arithmetic",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    t = pd.read_csv(out)
    assert (t["rank_q05"] == t["nominal_rank"]).all() and (t["rank_q95"] == t["nominal_rank"]).all()


@pytest.mark.parametrize("what", ["sensitivity", "dropone", "coherence", "replications"])
def test_cli_other_analyses(tmp_path, what):
    out = tmp_path / f"{what}.csv"
    rc = main(
        [
            "uncertainty",
            "kutai_timur",
            "--year",
            "2024",
            "--what",
            what,
            "--n",
            "16",
            "--boot",
            "20",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    t = pd.read_csv(out, keep_default_na=False)
    assert len(t) > 0
    expected = {
        "sensitivity": {"factor", "S1", "ST", "S1_lo", "ST_hi", "region"},
        "dropone": {"removed", "rank_shift", "nominal_rank", "rank"},
        "coherence": {"r_parent", "r_index", "alpha", "issues"},
        "replications": {"replication", "score", "rank"},
    }[what]
    assert expected <= set(t.columns)


def test_cli_plot_and_bad_input(tmp_path):
    png = tmp_path / "ranks.png"
    rc = main(
        [
            "uncertainty",
            "kutai_timur",
            "--year",
            "2024",
            "--n",
            "20",
            "--plot",
            str(png),
            "--out",
            str(tmp_path / "x.csv"),
        ]
    )
    assert rc == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["uncertainty", "kutai_timur", "--year", "1999", "--n", "5"]) == 2
    assert main(["uncertainty", "kutai_timur", "--what", "dropone", "--plot", str(png)]) == 2
    assert main(["uncertainty", "kutai_timur", "--normalise-alternatives", "minimax"]) == 2
    assert main(["uncertainty", "kutai_timur", "--weight-level", "x"]) == 2


def test_report_call_is_short():
    """robustness_report(dataset, region, year) for the report: every table, well under 2 s
    warm, and the choices actually varied as vocabulary constants."""
    from smartcity_eval.robustness.summary import robustness_report as robustness
    from smartcity_eval.vocab import VARIED_AGGREGATION, VARIED_NORMALISATION, VARIED_WEIGHTS

    ds = load_dataset("kutai_timur")
    robustness(ds, "Kabupaten Kutai Timur", 2024, n=20, n_sensitivity=8, n_boot=10)  # warm-up
    start = time.perf_counter()
    out = robustness(ds, "Kabupaten Kutai Timur", 2024, n=200, seed=1)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0
    assert list(out) == [
        "summary",
        "ranks",
        "choices",
        "sensitivity",
        "sensitivity_region",
        "dropone",
        "coherence",
        "varied",
    ]
    assert out["varied"] == (VARIED_NORMALISATION, VARIED_AGGREGATION, VARIED_WEIGHTS)
    row = out["summary"].iloc[0]
    assert row["region"] == "Kabupaten Kutai Timur" and row["n_regions"] == 10
    assert row["rank_q05"] <= row["median_rank"] <= row["rank_q95"]
    assert 0.0 <= row["share_nominal_rank"] <= 1.0
    assert row["top_factor"] in {"weights", "normalise", "aggregate"}
    again = robustness(ds, "Kabupaten Kutai Timur", 2024, n=200, seed=1)
    assert again["varied"] == out["varied"]
    for key in out:
        if key != "varied":
            pd.testing.assert_frame_equal(out[key], again[key])
    with pytest.raises(DataError):
        robustness(ds, "Kabupaten Kutai Tmur", 2024)
    with pytest.raises(DataError):
        robustness(ds, "Kabupaten Kutai Timur", 1990)
