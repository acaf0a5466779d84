"""The project's promises about itself: the README's commands, CI, pinned environments."""

from __future__ import annotations

import re

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
