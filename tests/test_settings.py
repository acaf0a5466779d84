"""Settings: the one place where defaults, dataset.toml [methods] and the caller's changes meet."""

from __future__ import annotations

import dataclasses

import pytest

from smartcity_eval.settings import (
    METHOD_KEYS,
    PARAMETERS,
    ParameterError,
    Settings,
    dataset_settings,
    parse_aggregate,
    settings_problems,
)
from smartcity_eval.vocab import AGGREGATE_METHODS, NORMALISE_METHODS


def test_defaults():
    s = Settings()
    assert s.normalise is None
    assert s.range == (0.0, 100.0)
    assert s.aggregate == (("default", "arithmetic"),)
    assert (s.scope, s.min_coverage, s.impute, s.outliers) == ("year", 0.0, None, False)
    assert s.consensus == "median"


def test_precedence_defaults_then_methods_then_changes():
    s = Settings.resolve({"normalise": "none", "scope": "all"}, normalise="minmax", scope=None)
    assert s.normalise == "minmax"  # the change wins
    assert s.scope == "all"  # None = not given: dataset.toml stays
    assert s.min_coverage == 0.0  # the default


def test_immutable_and_hashable():
    s = Settings(normalise="zscore")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.normalise = "minmax"  # type: ignore[misc]
    assert hash(s) == hash(Settings(normalise="zscore"))
    assert s == Settings.resolve({}, normalise="zscore")


def test_replace_keeps_the_original_and_validates():
    s = Settings()
    t = s.replace(normalise="rank", scope=None)
    assert s.normalise is None and t.normalise == "rank" and t.scope == "year"
    assert s.replace() is s
    with pytest.raises(ParameterError, match="did you mean 'normalise'"):
        s.replace(normalize="rank")


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("geometric", (("default", "geometric"),)),
        (
            "1=harmonic,GOV=geometric",
            (("default", "arithmetic"), (1, "harmonic"), ("GOV", "geometric")),
        ),
        ({0: "geometric", "default": "harmonic"}, (("default", "harmonic"), (0, "geometric"))),
        ({"0": "geometric"}, (("default", "arithmetic"), (0, "geometric"))),
    ],
)
def test_parse_aggregate(spec, expected):
    assert parse_aggregate(spec) == expected
    # canonical form round-trips through Settings
    assert Settings(aggregate=spec).aggregate == expected
    assert Settings(aggregate=Settings(aggregate=spec).aggregate).aggregate == expected


@pytest.mark.parametrize(
    "changes, parameter, hint",
    [
        ({"normalise": "minmx"}, "normalise", "did you mean 'minmax'"),
        ({"aggregate": "geometirc"}, "aggregate", "did you mean 'geometric'"),
        ({"aggregate": ["arithmetic"]}, "aggregate", "LEVEL=method"),
        ({"range": "0-100"}, "range", "two numbers LO < HI"),
        ({"range": (5, 1)}, "range", "LO < HI"),
        ({"range": (0, float("inf"))}, "range", "LO < HI"),
        ({"min_coverage": 2}, "min_coverage", "0-1"),
        ({"min_coverage": True}, "min_coverage", "0-1"),
        ({"scope": "years"}, "scope", "did you mean 'year'"),
        ({"impute": "avg"}, "impute", "one of: mean"),
        ({"outliers": "yes"}, "outliers", "true or false"),
        ({"outliers": {"winmx": 3}}, "outliers", "did you mean 'winmax'"),
        ({"consensus": "mode"}, "consensus", "one of: mean, median, majority"),
        ({"peers": "Kota Bontang"}, "peers", "a list of region names"),
    ],
)
def test_bad_values_raise_one_parameter_error(changes, parameter, hint):
    with pytest.raises(ParameterError) as err:
        Settings(**changes)
    assert isinstance(err.value, ValueError)
    assert err.value.parameter == parameter
    assert hint in str(err.value)
    # the Indonesian text names the same parameter and value and has no English "use"
    assert err.value.message_id().startswith(f"{parameter}=")
    assert "tidak diizinkan" in err.value.message_id()
    assert " use " not in err.value.message_id()


def test_score_options_resolve_the_framework_default():
    class FW:  # the two attributes normalise_for reads
        import pandas as pd

        nodes = pd.DataFrame({"lower": [1.0, 1.0], "upper": [5.0, None]}, index=["a", "b"])
        indicators = ["a", "b"]

    assert Settings().normalise_for(FW) == "minmax"  # "b" has no upper bound
    FW.nodes = FW.pd.DataFrame({"lower": [1.0, 1.0], "upper": [5.0, 5.0]}, index=["a", "b"])
    assert Settings().normalise_for(FW) == "goalposts"
    opts = Settings(
        normalise="none", aggregate="1=geometric", outliers={"winmax": 3}
    ).score_options(FW)
    assert opts["normalise"] == "none"
    assert opts["aggregate"] == {"default": "arithmetic", 1: "geometric"}
    assert opts["outliers"] == {"winmax": 3.0}
    assert opts["groups"] is None


def test_to_dict_is_json_ready_and_diff_names_what_differs():
    import json

    a = Settings(normalise="none", aggregate="0=geometric", peers=["A", "B"])
    d = a.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["aggregate"] == "default=arithmetic,0=geometric"
    assert a.diff(a) == {}
    assert a.diff(a.replace(normalise="minmax")) == {"normalise": ("none", "minmax")}


def test_settings_problems_checks_a_methods_table_key_by_key():
    found = dict(settings_problems({"range": "0-100", "normalise": "none", "foo": 1}))
    assert set(found) == {"range", "foo"}
    assert "two numbers" in str(found["range"])
    assert found["foo"].parameter == "methods"


def test_dataset_settings_starts_from_the_datasets_methods():
    class DS:
        methods = {"normalise": "none", "consensus": "mean"}

    s = dataset_settings(DS, None, consensus="majority")
    assert (s.normalise, s.consensus) == ("none", "majority")
    given = Settings(normalise="rank")
    assert dataset_settings(DS, given) is given  # explicit settings are not re-merged


def test_declared_parameters_match_the_vocabularies_and_methods_keys():
    assert PARAMETERS["normalise"].choices == NORMALISE_METHODS
    assert set(METHOD_KEYS) <= set(PARAMETERS) | {"groups"}
    assert set(AGGREGATE_METHODS) <= set(PARAMETERS["aggregate"].allowed.replace(",", " ").split())
