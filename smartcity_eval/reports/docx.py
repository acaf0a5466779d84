"""Word and Excel copies of a report: ``report.docx`` by pandoc, ``results.xlsx`` from its tables.

Word: the report's HTML page is converted by pandoc (``pandoc -f html -t docx``), a
well-kept converter that turns headings into Word headings (so the navigation pane and a
table of contents work), HTML tables into editable Word tables and the embedded PNG
figures into pictures in the document. pandoc is chosen over writing the document with
python-docx because it converts the very page the reader sees, section by section, so the
Word copy cannot drift from the HTML; python-docx is used only by the tests, to read the
file back. Where pandoc is not installed, :func:`find_pandoc` returns None and the report
says so once (``apt-get install pandoc``, ``conda install pandoc`` or pandoc.org).

Excel: :func:`report_tables` reads every table of the report page, named by the section
heading above it, with the numbers parsed back to numbers (the decimal comma of the
Indonesian report included); :mod:`smartcity_eval.io.excel` writes them one sheet each.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

__all__ = ["find_pandoc", "html_to_docx", "report_tables", "DocxError", "parse_number"]


class DocxError(RuntimeError):
    """pandoc could not convert a page."""


def find_pandoc() -> str | None:
    """Path of pandoc, or None (``SMARTCITY_PANDOC`` overrides; empty disables Word output)."""
    forced = os.environ.get("SMARTCITY_PANDOC")
    if forced is not None:
        return shutil.which(forced) if forced else None
    return shutil.which("pandoc")


def html_to_docx(
    html_path: Path | str, docx_path: Path | str, *, pandoc: str | None = None, timeout: float = 120
) -> Path:
    """Convert a report's HTML page to a Word document with pandoc."""
    exe = pandoc or find_pandoc()
    if exe is None:
        raise DocxError("pandoc not found (install pandoc)")
    src, dest = Path(html_path).resolve(), Path(docx_path).resolve()
    cmd = [exe, "-f", "html", "-t", "docx", "--resource-path", str(src.parent), "-o", str(dest)]
    try:
        done = subprocess.run(
            [*cmd, str(src)], capture_output=True, timeout=timeout, check=False, cwd=src.parent
        )
    except subprocess.TimeoutExpired:
        raise DocxError(f"pandoc did not finish within {timeout:g} s") from None
    if done.returncode != 0 or not dest.is_file():
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-2:]
        raise DocxError(f"pandoc failed (exit {done.returncode}): {' '.join(tail)}")
    return dest


_NUMBER = re.compile(r"^[+\-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:[.,]\d+)?%?$")
_THOUSANDS = re.compile(r"^[+\-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?$")


def parse_number(text: str, lang: str = "en") -> object:
    """A displayed number back as a number: ``"7,294"`` -> 7294 (thousands), ``"+0.25"``
    -> 0.25, ``"95.0%"`` -> 95.0, and with ``lang="id"`` a decimal comma ``"3,14"`` -> 3.14;
    other text unchanged ("" and "–" -> None)."""
    value = text.strip().replace("\u2212", "-")
    if not value or value in {"\u2013", "-", "\u2014"}:
        return None
    if not _NUMBER.match(value):
        return text.strip()
    value = value.rstrip("%")
    if _THOUSANDS.match(value):
        value = value.replace(",", "")
    elif "," in value:
        if lang != "id":
            return text.strip()
        value = value.replace(",", ".")
    number = float(value)
    return int(number) if re.fullmatch(r"[+\-]?\d+", value) else number


class _Tables(HTMLParser):
    """Collects (heading, header, rows) of every <table> of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.heading = ""
        self.tables: list[tuple[str, list[str], list[list[str]]]] = []
        self._in_heading = False
        self._text: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._header: list[str] = []
        self._rows: list[list[str]] = []
        self._header_row = False
        self._depth = 0
        self._style = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("style", "script"):
            self._style = True
        elif tag in ("h2", "h3") and self._depth == 0:
            self._in_heading, self._text = True, []
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self._header, self._rows = [], []
        elif tag == "tr" and self._depth == 1:
            self._row, self._header_row = [], False
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._header_row = self._header_row or (tag == "th" and not self._rows)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._style = False
        elif tag in ("h2", "h3") and self._in_heading:
            self._in_heading = False
            self.heading = " ".join("".join(self._text).split())
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._depth == 1:
            if self._header_row and not self._header:
                self._header = self._row
            elif self._row:
                self._rows.append(self._row)
            self._row = None
        elif tag == "table" and self._depth:
            self._depth -= 1
            if self._depth == 0 and (self._header or self._rows):
                self.tables.append((self.heading, self._header, self._rows))

    def handle_data(self, data: str) -> None:
        if self._style:
            return
        if self._in_heading:
            self._text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _decimals(names: list[str], rows: list[list[str]]) -> dict[str, int]:
    """Decimals each column shows (the most seen in a number of that column)."""
    out: dict[str, int] = {}
    for i, name in enumerate(names):
        shown = [
            r[i].strip().rstrip("%") for r in rows if i < len(r) and _NUMBER.match(r[i].strip())
        ]
        if shown:
            out[name] = max(len(v.split(".", 1)[1]) if "." in v else 0 for v in shown)
    return out


def report_tables(page: str, lang: str = "en") -> dict[str, pd.DataFrame]:
    """Every table of an HTML report page, keyed by the section heading above it (a second
    table under one heading gets `` (2)``), numbers parsed back with :func:`parse_number`."""
    parser = _Tables()
    parser.feed(page)
    out: dict[str, pd.DataFrame] = {}
    for heading, header, rows in parser.tables:
        width = max([len(header), *(len(r) for r in rows)])
        names = list(header) + [f"column {i + 1}" for i in range(len(header), width)]
        names = [n or f"column {i + 1}" for i, n in enumerate(names)]
        seen: dict[str, int] = {}
        for i, n in enumerate(names):
            seen[n] = seen.get(n, 0) + 1
            if seen[n] > 1:
                names[i] = f"{n} ({seen[n]})"
        body = [[parse_number(c, lang) for c in r] + [None] * (width - len(r)) for r in rows]
        frame = pd.DataFrame(body, columns=names)
        frame.attrs["digits"] = _decimals(names, rows)
        key, n = heading or "table", 2
        while key in out:
            key, n = f"{heading or 'table'} ({n})", n + 1
        out[key] = frame
    return out
