"""Build one case of the bad-input corpus as a dataset folder.

A case folder ``tests/bad_inputs/<case>/`` holds only what differs from the good base
dataset ``_base/``:

- ``<table>.csv`` (or ``dataset.toml``): replaces the base's file;
- ``<table>.xlsx.csv``: written as the workbook ``<table>.xlsx`` (one CSV line per sheet row,
  numbers as numbers, empty lines as empty rows), so that no binary file is kept in git; a
  line ``## sheet NAME`` (or ``## sheet NAME hidden``) starts another sheet, a cell
  ``0.4|0%`` is the number 0.4 with the Excel number format ``0%``, and a cell starting with
  ``=`` is a formula saved without a value (as a program writing a workbook does);
- ``<table>.cr.csv``: written as ``<table>.csv`` with CR-only line ends (Excel for Mac's
  "CSV (Macintosh)");
- ``<table>.cp1252.csv``: written as ``<table>.csv`` encoded in Windows-1252 (Excel's plain
  "CSV" on Windows), so that the repository itself stays UTF-8;
- ``DELETE``: base files to remove, one per line;
- ``ok_*`` cases are *harmless variants*: the dataset must load and score exactly as the
  base does (their ``expected.txt`` holds only the description);
- ``expected.txt``: a ``#`` description, then the substrings the English message must
  contain, one per line; lines starting with ``id:`` are substrings of the Indonesian
  message (``--lang id``).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
BASE = CORPUS / "_base"
SPECIAL = {"expected.txt", "DELETE", "__pycache__"}


def cases() -> list[str]:
    """Names of every bad case (folders not starting with '_' or 'ok_')."""
    return sorted(
        d.name for d in CORPUS.iterdir() if d.is_dir() and not d.name.startswith(("_", ".", "ok_"))
    )


def harmless() -> list[str]:
    """Names of the harmless variants (folders starting with 'ok_')."""
    return sorted(d.name for d in CORPUS.iterdir() if d.is_dir() and d.name.startswith("ok_"))


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


def _put(ws, r: int, c: int, cell: str) -> None:
    if cell.startswith("="):
        ws.cell(row=r, column=c, value=cell)
    elif "|" in cell:
        number, fmt = cell.split("|", 1)
        target = ws.cell(row=r, column=c, value=_number(number))
        target.number_format = fmt
    else:
        ws.cell(row=r, column=c, value=_number(cell))


def write_xlsx(rows_text: str, path: Path, sheet: str) -> None:
    """Write CSV text as a workbook (numbers as numbers, blank lines kept; ``## sheet``
    lines start further sheets)."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    r = 0
    for line in rows_text.splitlines():
        if line.startswith("## sheet "):
            words = line[len("## sheet ") :].split()
            ws = book.create_sheet(words[0]) if r or ws.title != sheet else ws
            ws.title = words[0]
            if len(words) > 1 and words[1] == "hidden":
                ws.sheet_state = "hidden"
            r = 0
            continue
        r += 1
        for c, cell in enumerate(next(csv.reader([line])) if line else [], start=1):
            if cell != "":
                _put(ws, r, c, cell)
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
        elif source.name.endswith(".cr.csv"):
            table = source.name[: -len(".cr.csv")]
            (dest / f"{table}.csv").write_bytes(
                text.replace("\r\n", "\n").replace("\n", "\r").encode()
            )
        elif source.name.endswith(".cp1252.csv"):
            table = source.name[: -len(".cp1252.csv")]
            (dest / f"{table}.csv").write_bytes(text.encode("cp1252"))
        else:
            (dest / source.name).write_text(text, encoding="utf-8", newline="")
    return dest
