"""The public API: every name of ``smartcity_eval.__all__`` is the function or class it
documents, even after every submodule has been imported (importing a submodule binds its
name on the parent package, which once turned ``se.agreement`` into a module)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
import types

import smartcity_eval as se

#: Libraries that ``import smartcity_eval`` must not load (start-up time of the CLI).
HEAVY = ("scipy", "matplotlib", "SALib", "nbformat", "papermill", "nbconvert", "jupyter_client")


def _submodules() -> list[str]:
    return [
        m.name
        for m in pkgutil.walk_packages(se.__path__, prefix="smartcity_eval.")
        if not m.name.endswith("__main__")
    ]


def test_every_submodule_imports_then_every_public_name_is_what_it_documents():
    for name in _submodules():
        importlib.import_module(name)
    objects = {name: getattr(se, name) for name in se.__all__ if name != "__version__"}
    for name, obj in objects.items():
        assert not isinstance(obj, types.ModuleType), f"se.{name} is a module"
        assert callable(obj), f"se.{name} is not callable"
        assert obj.__module__.startswith("smartcity_eval"), (name, obj.__module__)
        assert obj.__name__ == name, f"se.{name} is {obj.__qualname__}"
        doc = inspect.getdoc(obj)
        assert doc and len(doc) > 20, f"se.{name} has no docstring"
    assert isinstance(se.__version__, str)


def test_the_readme_functions_are_callable_after_other_calls():
    """The README's old crash: after gap_report/reproduce, se.agreement was a module."""
    importlib.import_module("smartcity_eval.analysis.reproduction")
    importlib.import_module("smartcity_eval.robustness.summary")
    for name in ("agreement", "consensus", "reproduce", "robustness_report", "evaluate"):
        assert inspect.isfunction(getattr(se, name)), name


def test_no_public_name_is_also_a_submodule():
    top = {m.name for m in pkgutil.iter_modules(se.__path__)}
    assert sorted(top & set(se.__all__)) == []
    assert isinstance(se.robustness, types.ModuleType)  # the subpackage, not a function


def test_all_lists_every_contract_name_without_duplicates():
    wanted = {
        "Evaluation",
        "evaluate",
        "Settings",
        "ParameterError",
        "DataError",
        "Problem",
        "load_dataset",
        "load_framework",
        "resolve_framework",
        "score",
        "score_dataset",
        "contributions",
        "effective_weights",
        "gap_report",
        "reproduce",
        "agreement",
        "consensus",
        "robustness_report",
        "run_reports",
    }
    assert wanted <= set(se.__all__)
    assert len(se.__all__) == len(set(se.__all__))
    assert issubclass(se.ParameterError, ValueError)


def test_import_is_fast_and_loads_no_heavy_library():
    code = f"import sys, smartcity_eval; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"import smartcity_eval loads {out}"
