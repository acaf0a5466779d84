"""README.md cannot rot: every ```python block runs, and its first two commands exist."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```python\n(.*?)^```", README, flags=re.S | re.M)


def test_readme_has_python_blocks():
    assert BLOCKS, "README.md has no ```python block"


@pytest.mark.parametrize("number", range(len(BLOCKS)))
def test_readme_python_block_runs(number, tmp_path, capsys):
    """Each block runs as a script in an empty working folder, with the shipped data."""
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(BLOCKS[number], f"README.md block {number + 1}", "exec"), {})  # noqa: S102
    finally:
        os.chdir(here)


def test_readme_starts_with_the_two_commands():
    first = re.search(r"```bash\n(.*?)```", README, flags=re.S).group(1).splitlines()
    assert first[0].startswith("python3 tasks.py reports")
    assert first[1].startswith("python3 tasks.py test")
    tasks = (ROOT / "tasks.py").read_text(encoding="utf-8")
    assert '"reports"' in tasks and '"test"' in tasks


def test_readme_names_only_public_api():
    """Every ``se.NAME`` the README uses is in ``smartcity_eval.__all__``."""
    import smartcity_eval as se

    used = set(re.findall(r"\bse\.([A-Za-z_]\w*)", README))
    assert used, "the README shows no se.* name"
    assert sorted(used - set(se.__all__)) == []
