"""The project's promises about itself: the README's commands, CI, pinned environments."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomllib

from .conftest import ROOT


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block, "README must open with a bash block"
    assert text.index("```bash") < 200, "the two commands come first"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_two_commands():
    commands = _readme_commands()
    assert commands == ["python3 tasks.py reports", "python3 tasks.py test"]


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _readme_commands()[1] in script


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=;\[ ]", r, maxsplit=1)[0].strip().lower() for r in requirements}


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = _names([d for d in project["dependencies"] if "python_version" not in d])
    wanted |= _names(project["optional-dependencies"]["dev"])
    env = (ROOT / "environment.yml").read_text(encoding="utf-8")
    listed = {m.group(1).lower() for m in re.finditer(r"^\s+- ([A-Za-z][\w.-]*)==", env, re.M)}
    assert listed == wanted


def test_every_dependency_is_pinned_in_constraints():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = _names([d for d in project["dependencies"] if "python_version" not in d])
    wanted |= _names(project["optional-dependencies"]["dev"])
    pinned = {
        line.split("==")[0].strip().lower()
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line
    }
    assert wanted <= pinned


def test_public_api_names_resolve_and_score_matches_module():
    import smartcity_eval as se
    from smartcity_eval.scoring import engine as scoring

    missing = [name for name in se.__all__ if not hasattr(se, name)]
    assert missing == []
    assert se.score_dataset is scoring.score_dataset
    try:
        se.no_such_function  # noqa: B018
    except AttributeError as err:
        assert "no_such_function" in str(err)
    else:  # pragma: no cover
        raise AssertionError("unknown names must raise AttributeError")


def test_ci_checks_the_wheel():
    """CI runs tests/test_wheel.py (the wheel installed outside the checkout)."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "export SMARTCITY_EVAL_WHEEL=1" in script
    assert script.index("SMARTCITY_EVAL_WHEEL=1") < script.index("python3 tasks.py test")
    assert (ROOT / "tests" / "test_wheel.py").is_file()


def test_pyproject_lists_every_package_and_maps_the_data():
    """[tool.setuptools] packages is a list (the data folders are mapped into the package):
    it must name every code package, and map data/ and notebooks/."""
    from setuptools import find_packages

    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    found = set(find_packages(where=str(ROOT), include=["smartcity_eval*"]))
    assert found <= set(setup["packages"]), sorted(found - set(setup["packages"]))
    assert setup["package-dir"] == {
        "smartcity_eval.data": "data",
        "smartcity_eval.notebooks": "notebooks",
    }
    assert set(setup["packages"]) - found == {"smartcity_eval.data", "smartcity_eval.notebooks"}


def test_package_data_covers_every_shipped_file():
    """Every dataset, framework and notebook file matches a package-data pattern, so the
    wheel carries what the checkout has (scripts such as generate.py excepted)."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["package-data"]
    for package, folder in (
        ("smartcity_eval.data", "data"),
        ("smartcity_eval.notebooks", "notebooks"),
    ):
        base = ROOT / folder
        shipped = {p for pattern in data[package] for p in base.glob(pattern) if p.is_file()}
        wanted = {
            p
            for p in base.rglob("*")
            if p.is_file()
            and p.suffix in (".csv", ".toml", ".md", ".ipynb")
            and "__pycache__" not in p.parts
        }
        assert wanted - shipped == set(), sorted(str(p.relative_to(ROOT)) for p in wanted - shipped)


def test_resources_find_the_shipped_files_by_name():
    from smartcity_eval.io import resources

    assert {"kutai_timur", "kota_kediri"} <= set(resources.shipped_datasets())
    assert {"kominfo_smart_city", "kominfo_components", "spbe_2020"} <= set(
        resources.shipped_frameworks()
    )
    assert {"annual_report.ipynb", "reproduce_findings.ipynb"} <= set(resources.shipped_notebooks())
    assert (resources.dataset_path("kutai_timur") / "dataset.toml").is_file()
    assert (resources.framework_path("kominfo_smart_city") / "framework.csv").is_file()
    assert resources.notebook_path("annual_report") == resources.notebook_path(
        "annual_report.ipynb"
    )
    assert resources.notebook_path().is_file()
    assert resources.dataset_path("no_such_dataset") is None
    assert resources.framework_path("no_such_framework") is None
    # in the checkout (editable install) the shipped files are the repository's own folders
    assert resources.data_dir().resolve() == (ROOT / "data").resolve()
    assert resources.notebook_dir().resolve() == (ROOT / "notebooks").resolve()


def test_a_name_is_looked_up_and_a_path_is_a_path(tmp_path, monkeypatch):
    from smartcity_eval.errors import DataError
    from smartcity_eval.io.dataset import dataset_dir

    monkeypatch.chdir(tmp_path)
    assert dataset_dir("kutai_timur").resolve() == (ROOT / "data" / "kutai_timur").resolve()
    (tmp_path / "kutai_timur").mkdir()
    # issue #16: a name is a name (a local folder never shadows the shipped dataset) ...
    assert dataset_dir("kutai_timur").resolve() == (ROOT / "data" / "kutai_timur").resolve()
    # ... and a path is a path
    assert dataset_dir("./kutai_timur").resolve() == (tmp_path / "kutai_timur").resolve()
    monkeypatch.chdir(ROOT)
    assert dataset_dir("data/kutai_timur") == Path("data/kutai_timur")
    with pytest.raises(DataError, match="did you mean 'kutai_timur'"):
        dataset_dir("kutai_timr")
