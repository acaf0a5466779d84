"""The auditor's notebook (reproduce_findings) in the language of ``lang`` (issue 14), and
``Evaluation.reproduce`` returning the rows of the ``reproduce`` command.

The parts of the notebook are rendered through the library (``findings.*`` with
``markup.render``) in ``en`` and ``id`` and read as text: each holds no word of the other
language outside the data's own text (region names, codes, file names).
"""

from __future__ import annotations

import html
import re

import pytest

from smartcity_eval.reports import content, findings, markup, sections
from smartcity_eval.vocab import REPRODUCE_MISMATCH, REPRODUCE_PUBLISHED_ONLY

from .test_report_consistency import ENGLISH, INDONESIAN

YEAR = 2024
#: words of the data (framework, basis codes, file names) and of both languages alike
SHARED = {"published", "csv"}


@pytest.fixture(scope="module")
def ev():
    import smartcity_eval as se

    return se.evaluate("kutai_timur")


def _page(ev, lang: str) -> str:
    parts = []
    for part in findings.PARTS:
        parts.append(findings.heading_html(part, lang))
        if part == "intro":
            continue
        if part == "provenance":
            continue  # machine data (file roles, settings, log), as in the annual report test
        call = getattr(findings, part)
        parts.append(markup.render(lambda _r, c=call: c(ev, YEAR, lang), {}))
    return "\n".join(parts)


def _text(page: str, data: list[str]) -> str:
    page = re.sub(r"<code>.*?</code>", " ", page)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    for piece in sorted(set(data), key=len, reverse=True):
        text = text.replace(piece, " ")
    return text.lower()


@pytest.mark.parametrize(("lang", "words"), [("en", INDONESIAN), ("id", ENGLISH)])
def test_findings_hold_no_word_of_the_other_language(ev, lang, words):
    table = findings.of_year(ev.reproduce(published_only=True), YEAR)
    data = [*ev.dataset.regions, *map(str, table["code"]), *map(str, table["framework"])]
    text = _text(_page(ev, lang), data)
    tokens = set(re.findall(r"[a-z][a-z-]*", text)) - SHARED
    bad = (words & tokens) | {w for w in words if " " in w and w in text}
    assert not bad, sorted(bad)
    assert "find." not in text  # every label has its message


def test_headings_follow_lang():
    assert "Reproduksi hasil" in findings.heading_html("intro", "id")
    assert "Reproducing the published results" in findings.heading_html("intro", "en")
    with pytest.raises(ValueError):
        findings.heading_html("nope", "en")


def test_notebook_has_no_markdown_cell():
    import nbformat

    from .conftest import ROOT

    nb = nbformat.read(ROOT / "notebooks" / "reproduce_findings.ipynb", as_version=4)
    assert {c.cell_type for c in nb.cells} == {"code"}  # every text from the catalogue
    assert sum("findings.heading(" in c.source for c in nb.cells) == len(findings.PARTS)


def test_reproduce_returns_the_rows_of_the_command(ev, tmp_path):
    from smartcity_eval.analysis.published import published_only_rows
    from smartcity_eval.analysis.reproduction import reproduce
    from smartcity_eval.cli.main import main

    table = ev.reproduce(published_only=True)
    plain = reproduce(ev.dataset, settings=ev.settings)
    facts = published_only_rows(ev.dataset)
    assert len(facts) >= 1
    assert len(table) == len(plain) + len(facts)
    only = table[table["status"] == REPRODUCE_PUBLISHED_ONLY]
    assert only.reset_index(drop=True).equals(facts)  # clearly marked, after the values
    assert only["computed"].isna().all() and not (only["status"] == REPRODUCE_MISMATCH).any()
    assert ev.reproduce().equals(plain)  # the default: recomputable rows only
    out = tmp_path / "r.csv"
    code = main(["reproduce", "kutai_timur", "--out", str(out)])
    import pandas as pd

    written = pd.read_csv(out)
    assert len(written) == len(table)
    assert (written["status"] == REPRODUCE_PUBLISHED_ONLY).sum() == len(facts)
    assert code == (1 if (plain["status"] == REPRODUCE_MISMATCH).any() else 0)


def test_kutai_timur_notes_are_indonesian_on_the_id_report(ev):
    report = content.report_data(ev, "Kabupaten Kutai Timur", YEAR, "id")
    page = sections.all_sections(report)
    assert "dalam bahasa Inggris" not in page
    assert "belum diverifikasi: tidak ada skor asesor" in page  # note_id, as written
    en = content.report_data(ev, "Kabupaten Kutai Timur", YEAR, "en")
    assert "in Indonesian" not in sections.all_sections(en)
    obs = ev.dataset.observations
    assert "note_id" in obs.columns
    assert (obs["note"].fillna("").astype(str).ne("") <= obs["note_id"].fillna("").ne("")).all()


def test_reproduction_notes_in_both_languages(ev):
    table = ev.reproduce(published_only=True)
    assert {"note", "note_id"} <= set(table.columns)
    assert (table["note"].ne("") == table["note_id"].ne("")).all()
    row = table[table["basis"] == "items"].iloc[0]
    assert row["note"].startswith("from ") and " item scores" in row["note"]
    assert row["note_id"].startswith("dari ") and " skor butir" in row["note_id"]
    ranks = table[table["status"] == "published_only"]
    if len(ranks):
        assert "sebagaimana diterbitkan" in ranks["note_id"].iloc[0]
