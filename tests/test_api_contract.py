"""The exception contract of the public API (issue 16, smartcity_eval/io/contract.py).

Every function of ``smartcity_eval.__all__`` is called with each of its checked arguments
replaced by wrong types and values; each call must raise ``DataError`` (a problem in a
file: a dataset or framework name that does not exist) or ``ParameterError`` (an argument
of the wrong type or value), never a KeyError, AttributeError or TypeError from inside.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import smartcity_eval as se
from smartcity_eval import DataError, ParameterError
from smartcity_eval.io.contract import SPEC

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "bad_inputs" / "_base"
WRONG = [123, 2.5, None, [1, 2], {"a": 1}, True, object()]


@pytest.fixture(scope="module")
def good() -> dict[str, object]:
    ds = se.load_dataset(BASE)
    scores = se.score_dataset(ds)
    return {
        "ds": ds,
        "fw": ds.framework,
        "scores": scores,
        "assessments": ds.assessments,
        "matrix": [[1.0, 2.0], [2.0, 3.0], [3.0, 3.0]],
    }


def _calls(g: dict[str, object], tmp: Path) -> dict[str, tuple[tuple, dict]]:
    """A valid call of every checked public function."""
    ds, fw, scores, a, m = g["ds"], g["fw"], g["scores"], g["assessments"], g["matrix"]
    return {
        "evaluate": ((ds,), {}),
        "load_dataset": ((BASE,), {}),
        "load_framework": ((BASE,), {}),
        "resolve_framework": ((None, ds), {}),
        "assign_bands": (
            (scores["score"].to_numpy(), scores["code"].to_numpy(), ds.bands, fw.root),
            {},
        ),
        "read_table": ((BASE / "observations.csv",), {"required": ["region"]}),
        "atomic_write": ((tmp / "x.txt", "x"), {}),
        "write_csv": ((scores, tmp / "x.csv"), {}),
        "score": ((ds.observations, fw), {}),
        "score_dataset": ((ds,), {}),
        "contributions": ((scores, fw), {}),
        "effective_weights": ((fw,), {}),
        "gap_report": ((ds, "Kota Bontang", 2024), {}),
        "target_gaps": ((scores, fw, ds.targets), {}),
        "trajectory": ((scores, fw, ds.targets), {}),
        "change": ((scores, fw), {}),
        "peer_comparison": ((scores, fw), {}),
        "strengths_weaknesses": ((scores, None, fw), {}),
        "self_vs_verified": ((a, fw), {}),
        "priorities": ((scores, fw), {}),
        "reproduce": ((ds,), {}),
        "check_consensus": ((ds,), {}),
        "derive_tolerance": ((2,), {}),
        "consensus": ((a,), {}),
        "self_assessment": ((a,), {}),
        "agreement": ((a,), {}),
        "item_disagreement": ((a,), {}),
        "icc": ((m,), {}),
        "fleiss_kappa": (([[1, 2], [2, 2], [1, 1]],), {}),
        "krippendorff_alpha": ((m,), {}),
        "cronbach_alpha": ((m,), {}),
        "robustness_report": ((ds, "Kota Bontang", 2024), {"n": 5}),
        "uncertainty_dataset": ((ds,), {"n": 5}),
        "sensitivity_dataset": ((ds,), {"n": 8}),
        "drop_one_dataset": ((ds,), {}),
        "coherence_dataset": ((ds,), {}),
        "run_reports": ((ds, tmp / "reports"), {}),
    }


def test_every_public_function_is_covered():
    functions = {n for n in se.__all__ if callable(getattr(se, n)) and n[0].islower()}
    assert functions <= set(SPEC), functions - set(SPEC)


def _cases() -> list[tuple[str, str, object]]:
    out = []
    for name, spec in SPEC.items():
        for parameter, kind in spec.items():
            for wrong in WRONG:
                if wrong is None and kind in ("optional_frame", "framework_spec"):
                    continue
                whole = isinstance(wrong, int) and not isinstance(wrong, bool)
                if whole and kind in ("count", "year"):
                    continue  # a whole number is a right value there
                out.append((name, parameter, wrong))
    return out


@pytest.mark.parametrize(("name", "parameter", "wrong"), _cases())
def test_a_wrong_argument_is_a_parameter_error(name, parameter, wrong, good, tmp_path):
    args, kwargs = _calls(good, tmp_path)[name]
    fn = getattr(se, name)
    import inspect

    bound = inspect.signature(fn).bind(*args, **kwargs)
    bound.arguments[parameter] = wrong
    with pytest.raises(ParameterError) as caught:
        fn(*bound.args, **bound.kwargs)
    assert parameter in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "name",
    [n for n, spec in SPEC.items() if any(k in ("dataset", "framework") for k in spec.values())],
)
def test_an_unknown_name_is_a_data_error(name, good, tmp_path):
    args, kwargs = _calls(good, tmp_path)[name]
    fn = getattr(se, name)
    import inspect

    bound = inspect.signature(fn).bind(*args, **kwargs)
    for parameter, kind in SPEC[name].items():
        if kind in ("dataset", "framework"):
            bound.arguments[parameter] = "no_such_thing_anywhere"
            with pytest.raises(DataError):
                fn(*bound.args, **bound.kwargs)
            return


def test_a_name_is_loaded_where_a_dataset_is_expected(good):
    by_name = se.score_dataset(str(BASE))
    pd.testing.assert_frame_equal(by_name, good["scores"])


def test_score_on_text_values_with_decimal_commas_is_refused(good):
    observations = good["ds"].observations.copy()
    observations["value"] = observations["value"].map(lambda v: f"{v:g}".replace(".", ","))
    with pytest.raises(ParameterError) as caught:
        se.score(observations, good["fw"])
    assert "observations['value']" in str(caught.value)
    assert "pd.to_numeric" in str(caught.value)


def test_a_table_missing_a_column_is_a_parameter_error(good):
    with pytest.raises((ParameterError, DataError)):
        se.consensus(pd.DataFrame({"region": ["A"], "year": [2024]}))
