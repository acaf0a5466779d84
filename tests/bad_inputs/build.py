"""Build one case of the bad-input corpus as a dataset folder.

A case folder ``tests/bad_inputs/<case>/`` holds only what differs from the good base
dataset ``_base/``:

- ``<table>.csv`` (or ``dataset.toml``): replaces the base's file;
- ``<table>.xlsx.csv``: written as the workbook ``<table>.xlsx`` (one CSV line per sheet row,
  numbers as numbers, empty lines as empty rows), so that no binary file is kept in git;
- ``<table>.cp1252.csv``: written as ``<table>.csv`` encoded in Windows-1252 (Excel's plain
  "CSV" on Windows), so that the repository itself stays UTF-8;
- ``DELETE``: base files to remove, one per line;
- ``expected.txt``: a ``#`` description, then the substrings the English message must
  contain, one per line; lines starting with ``id:`` are substrings of the Indonesian
  message (``--lang id``).
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
BASE = CORPUS / "_base"
SPECIAL = {"expected.txt", "DELETE", "__pycache__"}


def cases() -> list[str]:
    """Names of every case (folders not starting with '_')."""
    return sorted(
        d.name for d in CORPUS.iterdir() if d.is_dir() and not d.name.startswith(("_", "."))
    )


def expected(case: str) -> tuple[str, list[str], list[str]]:
    """(description, English substrings, Indonesian substrings) of a case."""
    description, english, indonesian = "", [], []
    for line in (CORPUS / case / "expected.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            description = description or line.lstrip("# ").strip()
        elif line.startswith("id:"):
            indonesian.append(line[3:].strip())
        else:
            english.append(line.strip())
    return description, english, indonesian


def _number(text: str) -> object:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def write_xlsx(rows_text: str, path: Path, sheet: str) -> None:
    """Write CSV text as a one-sheet workbook (numbers as numbers, blank lines kept)."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for r, record in enumerate(csv.reader(io.StringIO(rows_text)), start=1):
        for c, cell in enumerate(record, start=1):
            if cell != "":
                ws.cell(row=r, column=c, value=_number(cell))
    book.save(path)


def build(case: str, dest: Path) -> Path:
    """Copy the base dataset to ``dest`` and apply the case's changes; returns ``dest``."""
    shutil.copytree(BASE, dest)
    folder = CORPUS / case
    delete = folder / "DELETE"
    if delete.is_file():
        for name in delete.read_text(encoding="utf-8").split():
            (dest / name).unlink()
    for source in sorted(folder.iterdir()):
        if source.name in SPECIAL:
            continue
        text = source.read_text(encoding="utf-8")
        if source.name.endswith(".xlsx.csv"):
            table = source.name[: -len(".xlsx.csv")]
            write_xlsx(text, dest / f"{table}.xlsx", sheet=table)
        elif source.name.endswith(".cp1252.csv"):
            table = source.name[: -len(".cp1252.csv")]
            (dest / f"{table}.csv").write_bytes(text.encode("cp1252"))
        else:
            (dest / source.name).write_text(text, encoding="utf-8", newline="")
    return dest
