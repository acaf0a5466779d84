"""The report speed-ups of issue 17 change no number of a report.

``tests/report_numbers/tables_before_speedups.json`` holds the numbers of every HTML table
(every cell, in order, per section; the provenance section excepted: it holds times) of four
annual reports of ``kutai_timur`` (both languages, a first year, a plain region), written by
this module *before* the figures became SVG drawn once, the rank figure was bounded and the
report's kernel imports were trimmed. The copy records the SHA-256 of every input file; when
the data legitimately change (a new framework mapping, new published values), the copy is
remade from the code of that day with::

    .venv/bin/python -m tests.test_report_numbers_identical --write

A second test checks that the batch cache (``content.write_cache``, shared by the reports of
a batch) gives the same numbers as a report computed on its own.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

COPY = Path(__file__).parent / "report_numbers" / "tables_before_speedups.json"
CASES = [
    ("Kabupaten Kutai Timur", 2024, "id"),
    ("Kabupaten Kutai Timur", 2024, "en"),
    ("Kota Samarinda", 2021, "en"),
    ("Kabupaten Berau", 2023, "id"),
]
_NUMBER = re.compile(r"[-+−]?\d+(?:[.,]\d+)*")


class _Tables(HTMLParser):
    """The numbers of every table cell of a page, per section (h2 id), in order."""

    def __init__(self) -> None:
        super().__init__()
        self.section, self.out, self.cell, self.skip = "top", {}, None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2" and attrs.get("id"):
            self.section = attrs["id"]
        elif tag in ("style", "code"):
            self.skip += 1
        elif tag == "table":
            self.out.setdefault(self.section, []).append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("style", "code"):
            self.skip -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.out[self.section][-1].append(_NUMBER.findall("".join(self.cell)))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None and not self.skip:
            self.cell.append(data)


def table_numbers(page: str) -> dict[str, list[list[list[str]]]]:
    """Section id -> tables -> cells -> the numbers in the cell's text."""
    parser = _Tables()
    parser.feed(re.sub(r'src="data:[^"]*"', "", page))
    parser.out.pop("sec.provenance", None)
    return parser.out


def inputs_digest(evaluation) -> str:
    """One SHA-256 of the SHA-256 of every input file (dataset tables and frameworks)."""
    prov = evaluation.provenance()
    text = "\n".join(f"{r}:{s}" for r, s in sorted(zip(prov["role"], prov["sha256"], strict=True)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pages(evaluation, cache=None) -> dict[str, dict]:
    from smartcity_eval.reports import content, sections

    return {
        f"{region}|{year}|{lang}": table_numbers(
            sections.all_sections(content.report_data(evaluation, region, year, lang, cache=cache))
        )
        for region, year, lang in CASES
    }


@pytest.fixture(scope="module")
def evaluation():
    import smartcity_eval as se

    return se.evaluate("kutai_timur")


def test_report_tables_show_the_numbers_of_the_stored_copy(evaluation):
    stored = json.loads(COPY.read_text(encoding="utf-8"))
    if stored["inputs"] != inputs_digest(evaluation):
        pytest.fail(
            "the inputs of kutai_timur changed since the stored copy was made; if the change "
            "is meant, remake it: .venv/bin/python -m tests.test_report_numbers_identical --write"
        )
    now = pages(evaluation)
    for key, sections in stored["reports"].items():
        assert sum(len(t) for s in sections.values() for t in s) > 100, key
        for section, tables in sections.items():
            assert now[key].get(section) == tables, (key, section)


def test_the_batch_cache_changes_no_number(evaluation, tmp_path):
    from smartcity_eval.reports import content

    cache = tmp_path / "batch.cache"
    content.write_cache(evaluation, cache)
    assert pages(evaluation, cache=cache) == pages(evaluation)


if __name__ == "__main__" and "--write" in sys.argv:
    import smartcity_eval as se

    ev = se.evaluate("kutai_timur")
    copy = {"inputs": inputs_digest(ev), "reports": pages(ev)}
    COPY.write_text(json.dumps(copy, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {COPY}")
