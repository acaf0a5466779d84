#!/usr/bin/env python3
"""Set up and run smartcity-eval with nothing but Python >= 3.10.

    python3 tasks.py reports   # set up .venv, then produce the annual reports of the embedded data
    python3 tasks.py test      # set up .venv, then run the linters and the whole test suite

The virtual environment lives in .venv/ and is (re)installed only when pyproject.toml or
constraints.txt change: the pinned versions in constraints.txt are the ones the tests ran
with, so an evaluation can be reproduced years later.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
LINT_PATHS = ["smartcity_eval", "tests", "benchmarks", "notebooks", "data", "tasks.py"]


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def _run(*cmd: str | Path, **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT, **kwargs)
    if result.returncode != 0:
        sys.exit(result.returncode)


def setup() -> None:
    """Create .venv and install the package with its pinned dependencies (once)."""
    if sys.version_info < (3, 10):  # noqa: UP036 - tasks.py may be started by an older python3
        sys.exit(f"smartcity-eval needs Python >= 3.10; this is {sys.version.split()[0]}")
    fingerprint = _fingerprint()
    if STAMP.is_file() and STAMP.read_text() == fingerprint and PY.exists():
        return
    if not PY.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    _run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "pip")
    _run(
        PY,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-c",
        "constraints.txt",
        "-e",
        ".[dev]",
    )
    STAMP.write_text(fingerprint)


def reports(extra: list[str]) -> None:
    """Produce every annual report of the embedded dataset into reports/kutai_timur/."""
    setup()
    _run(BIN / "smartcity-eval", "reports", "data/kutai_timur", "--out", "reports", *extra)


def test(extra: list[str]) -> None:
    """Lint (ruff) and run the whole test suite (pytest)."""
    setup()
    paths = [p for p in LINT_PATHS if (ROOT / p).exists()]
    _run(BIN / "ruff", "check", *paths)
    _run(BIN / "ruff", "format", "--check", *paths)
    _run(BIN / "pytest", *(extra or ["-q"]))


def main(argv: list[str]) -> None:
    tasks = {"setup": lambda extra: setup(), "reports": reports, "test": test}
    if not argv or argv[0] not in tasks:
        print(__doc__)
        sys.exit(2)
    tasks[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
