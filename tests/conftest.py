"""Shared fixtures: paths and a tiny dataset written in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture
def root() -> Path:
    return ROOT


def write_dataset(folder: Path, files: dict[str, str]) -> Path:
    """Write a dataset folder from {file name: text}."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


TINY = {
    "dataset.toml": 'title = "tiny"\nillustrative = true\nlang = "en"\n',
    "framework.csv": (
        "code,parent,name,name_id,weight,direction,lower,upper\n"
        "IDX,,Index,Indeks,1,,,\n"
        "A,IDX,Pillar A,Pilar A,2,,,\n"
        "B,IDX,Pillar B,Pilar B,1,,,\n"
        "A1,A,a1,a1,1,1,1,5\n"
        "A2,A,a2,a2,3,1,1,5\n"
        "B1,B,b1,b1,1,-1,1,5\n"
    ),
    "observations.csv": (
        "region,year,indicator,value\n"
        "X,2024,A1,3\nX,2024,A2,4\nX,2024,B1,2\n"
        "Y,2024,A1,5\nY,2024,A2,2\nY,2024,B1,4\n"
    ),
}


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "tiny", TINY)
