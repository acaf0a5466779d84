"""The auditor's notebook (``reproduce_findings.ipynb``): one call per part.

Each function takes an :class:`~smartcity_eval.evaluation.Evaluation`, the year (None =
every year) and the language, and displays one part as an HTML table in full (no pandas
"..." truncation: an auditor checks every row), with the same number formatter, labels and
provenance as the annual report. Outside a notebook :func:`smartcity_eval.reports.markup.render`
returns the HTML (the tests use it).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from smartcity_eval.messages import t
from smartcity_eval.reports import markup as h
from smartcity_eval.reports import sections_quality
from smartcity_eval.vocab import REPRODUCE_PUBLISHED_ONLY

__all__ = ["of_year", "summary", "published", "status_by_code", "agreement", "disagreement"]
__all__ += ["provenance", "PARTS", "heading", "heading_html"]

#: The parts of the notebook that open with a heading (messages ``find.md.<part>``).
PARTS: tuple[str, ...] = (
    "intro", "published", "status_by_code", "agreement", "disagreement", "provenance"
)  # fmt: skip


def of_year(table: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """The rows of ``year`` (every row when ``year`` is None)."""
    if year is None or table is None or "year" not in table:
        return table
    return table[table["year"] == int(year)].reset_index(drop=True)


def heading_html(part: str, lang: str = "en") -> str:
    """The heading (and explanation) of ``part`` (one of :data:`PARTS`) in ``lang``, as HTML:
    the catalogue's ``find.md.<part>`` text, ``#``/``##`` lines as headings, other lines
    as paragraphs, backticks as code."""
    if part not in PARTS:
        raise ValueError(f"part: {part!r} is not one of {', '.join(PARTS)}")
    out = []
    for block in t(f"find.md.{part}", lang).split("\n\n"):
        text = re.sub(r"`([^`]+)`", r"<code>\1</code>", h.esc(block.strip()))
        level = len(block) - len(block.lstrip("#"))
        if level:
            text = text[level:].strip()
            out.append(f'<h{level} id="find.{part}">{text}</h{level}>')
        else:
            out.append(f"<p>{text}</p>")
    return "\n".join(out)


def heading(part: str, lang: str = "en") -> None:
    """Display :func:`heading_html` (the notebook's headings follow ``lang``)."""
    h.emit(heading_html(part, lang))


def _years(year: int | None, lang: str) -> str:
    return t("find.every_year", lang) if year is None else str(year)


def _reproduction(ev: Any, year: int | None) -> pd.DataFrame:
    return of_year(ev.reproduce(tolerance="auto", published_only=True), year)


def summary(ev: Any, year: int | None = None, lang: str = "en") -> None:
    """The one-line verdict of the reproduction (:func:`smartcity_eval.analysis.
    reproduction.summary`) for the year(s)."""
    from smartcity_eval.analysis.reproduction import summary as line

    table = _reproduction(ev, year)
    facts = int((table["status"] == REPRODUCE_PUBLISHED_ONLY).sum()) if len(table) else 0
    values = table[table["status"] != REPRODUCE_PUBLISHED_ONLY] if facts else table
    tail = t("repro.line.published_only", lang, n=facts) if facts else ""
    print(f"{line(values, lang)} ({_years(year, lang)}){tail}")


def published(ev: Any, year: int | None = None, lang: str = "en") -> None:
    """Every published value of the year(s), recomputed, in full."""
    table = _reproduction(ev, year)
    table = table.assign(note=table["note_id"] if lang == "id" else table["note"])
    table = table.drop(columns="note_id")
    columns = {c: t(f"find.col.{c}", lang) for c in table.columns if c != "_row"}
    formats = {
        "tolerance": lambda v: h.fmt(v, 3),
        "difference": lambda v: h.fmt(v, 3, sign=True),
        "year": lambda v: h.fmt(v, 0),
        "status": lambda v: t(f"find.status.{v}", lang),
        "basis": lambda v: t(f"find.basis.{v}", lang) if str(v) else "",
    }
    h.emit(h.wrap(h.table(table, columns, formats=formats)))


def status_by_code(ev: Any, year: int | None = None, lang: str = "en") -> None:
    """How many published values of each code match, do not match or cannot be computed."""
    table = _reproduction(ev, year)
    counts = table.groupby(["code", "status"]).size().unstack(fill_value=0).reset_index()
    columns = {"code": t("label.code", lang)}
    columns.update({c: t(f"find.status.{c}", lang) for c in counts.columns if c != "code"})
    h.emit(h.wrap(h.table(counts, columns)))


def agreement(ev: Any, year: int | None = None, lang: str = "en") -> None:
    """Assessor agreement per region (and year), with the verdict on alpha in words."""
    if not len(ev.dataset.assessments):
        h.emit(h.wrap(h.message(t("find.no_assessments", lang))))
        return
    table = of_year(ev.agreement(by=("region", "year")), year)
    keys = ["region", "year", "n_items", "n_assessors", "alpha_ordinal", "icc2", "icc2k"]
    columns = {k: t(f"find.col.{k}", lang) for k in keys}
    shown = table.assign(
        verdict=[sections_quality.agreement_verdict(r, lang) for r in table.to_dict("records")],
        notes=[
            " ".join(sections_quality.agreement_notes(r, lang)) for r in table.to_dict("records")
        ],
    )
    columns.update({"verdict": t("find.col.verdict", lang), "notes": t("find.col.notes", lang)})
    digits = {k: (lambda v: h.fmt(v, 3)) for k in ("alpha_ordinal", "icc2", "icc2k")}
    digits.update({k: (lambda v: h.fmt(v, 0)) for k in ("year", "n_items", "n_assessors")})
    h.emit(h.wrap(h.table(shown, columns, formats=digits)))


def disagreement(ev: Any, year: int | None = None, lang: str = "en", top: int = 10) -> None:
    """The ``top`` items the assessors disagreed on most."""
    from smartcity_eval.analysis.reliability import item_disagreement

    table = item_disagreement(of_year(ev.dataset.assessments, year), top=top)
    columns = {c: t(f"find.col.{c}", lang) for c in table.columns}
    h.emit(h.wrap(h.table(table, columns)))


def provenance(ev: Any, year: int | None = None, lang: str = "en") -> None:
    """The provenance of these findings, as in the annual report: input files with their
    SHA-256, package version, settings and parameters, and the Evaluation's log."""
    from smartcity_eval.reports.content import evaluation_provenance

    params = {"dataset": ev.dataset.name, "year": year, "lang": lang}
    report = {"meta": {"lang": lang}, "provenance": evaluation_provenance(ev, params)}
    sections_quality.provenance(report)
