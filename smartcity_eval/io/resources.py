"""The files shipped with the package: frameworks, datasets and notebook templates.

The repository keeps them in its top-level ``data/`` and ``notebooks/`` folders; the build
maps those folders into the package as ``smartcity_eval.data`` and
``smartcity_eval.notebooks`` (``[tool.setuptools.package-dir]`` in pyproject.toml), so a
wheel carries them and an editable install points at the checkout's folders. They are found
with :mod:`importlib.resources`, never relative to this file, so the package works wherever
it is installed.

A *name* (``kutai_timur``, ``kominfo_smart_city``, ``annual_report.ipynb``) is looked up
among the shipped files; a *path* is given by the caller and used as it is (see
:func:`smartcity_eval.io.dataset.dataset_dir`).
"""

from __future__ import annotations

import importlib.resources
import os
from functools import cache
from pathlib import Path

__all__ = [
    "is_path",
    "data_dir",
    "notebook_dir",
    "framework_path",
    "dataset_path",
    "notebook_path",
    "shipped_datasets",
    "shipped_frameworks",
    "shipped_notebooks",
]

_DATA_PACKAGE = "smartcity_eval.data"
_NOTEBOOK_PACKAGE = "smartcity_eval.notebooks"
#: The checkout's folders, used only when the package is imported from a checkout that was
#: never installed (``PYTHONPATH=.``), where ``smartcity_eval.data`` cannot be imported.
_CHECKOUT = {_DATA_PACKAGE: "data", _NOTEBOOK_PACKAGE: "notebooks"}


def is_path(spec: object) -> bool:
    """Whether ``spec`` names a path rather than a shipped resource: a ``Path`` object, or
    text holding a folder separator (``data/x``, ``./x``, ``x/``), starting with ``.`` or
    ``~``, or ending in ``.csv``/``.xlsx``. Anything else is a *name*: a shipped dataset or
    framework of that name is used even when the current folder holds a folder of the same
    name, so a stray folder can never silently replace a shipped one."""
    if isinstance(spec, os.PathLike):
        return True
    text = str(spec)
    seps = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    return (
        any(sep in text for sep in seps)
        or text.startswith((".", "~"))
        or text.lower().endswith((".csv", ".xlsx"))
    )


def _package_dir(package: str) -> Path:
    """The folder of a resource package (a real folder: pip installs wheels unpacked)."""
    try:
        return Path(str(importlib.resources.files(package)))
    except ModuleNotFoundError:
        checkout = Path(__file__).resolve().parents[2] / _CHECKOUT[package]
        if checkout.is_dir():
            return checkout
        raise


@cache
def data_dir() -> Path:
    """The folder of the shipped datasets and ``frameworks/``."""
    return _package_dir(_DATA_PACKAGE)


@cache
def notebook_dir() -> Path:
    """The folder of the shipped notebook templates."""
    return _package_dir(_NOTEBOOK_PACKAGE)


def shipped_datasets(base: Path | None = None) -> list[str]:
    """Names of the shipped datasets (folders with a ``dataset.toml``), sorted."""
    base = data_dir() if base is None else base
    if not base.is_dir():
        return []
    return sorted(d.name for d in base.iterdir() if (d / "dataset.toml").is_file())


def shipped_frameworks(base: Path | None = None) -> list[str]:
    """Names of the shipped frameworks (folders under ``frameworks/``), sorted."""
    folder = (data_dir() if base is None else base) / "frameworks"
    if not folder.is_dir():
        return []
    return sorted(d.name for d in folder.iterdir() if d.is_dir() and not d.name.startswith("_"))


def shipped_notebooks() -> list[str]:
    """File names of the shipped notebook templates (``*.ipynb``), sorted."""
    return sorted(p.name for p in notebook_dir().glob("*.ipynb"))


def dataset_path(name: str, base: Path | None = None) -> Path | None:
    """The folder of the shipped dataset ``name`` (or under ``base``), None if there is none."""
    folder = (data_dir() if base is None else base) / str(name)
    return folder if (folder / "dataset.toml").is_file() else None


def framework_path(name: str, base: Path | None = None) -> Path | None:
    """The folder of the shipped framework ``name`` (or under ``base/frameworks``), None if
    there is none."""
    folder = (data_dir() if base is None else base) / "frameworks" / str(name)
    return folder if folder.is_dir() else None


def notebook_path(name: str = "annual_report.ipynb") -> Path:
    """The shipped notebook template ``name`` (``.ipynb`` may be left off)."""
    file = name if name.endswith(".ipynb") else f"{name}.ipynb"
    return notebook_dir() / file
