"""Displaying the sections of an annual report in a notebook (one call per section).

Each function takes the dict of :func:`smartcity_eval.reports.content.report_data` and
displays one section: a heading and a short explanation in the report's language
(:mod:`smartcity_eval.messages`), then figures (:mod:`smartcity_eval.present.plots`, embedded as PNG
inside a ``<figure>`` with the title as ``alt`` text) and tables (HTML). They compute
nothing that is not already in the report dict but formats and labels, so the numbers a
reader sees are the library's.

The sections live in :mod:`smartcity_eval.reports.sections_results` (headline to
priorities) and :mod:`smartcity_eval.reports.sections_quality` (agreement, coverage,
robustness, provenance); the HTML helpers in :mod:`smartcity_eval.reports.markup`. This
module gathers them in report order: the report notebook calls ``sections.<name>(report)``.

Outside a notebook (no IPython) the functions still work: :func:`render` returns the
section's HTML instead of displaying it, which the tests use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from smartcity_eval.reports import sections_quality, sections_results
from smartcity_eval.reports.markup import CSS, fmt, render
from smartcity_eval.reports.sections_departments import supporting_documents, who_does_what
from smartcity_eval.reports.sections_quality import agreement, coverage, provenance, robustness
from smartcity_eval.reports.sections_results import (
    change,
    elements,
    gaps,
    header,
    headline,
    key_messages,
    priorities,
    profile,
    self_assessment,
    strengths,
    trajectory,
)
from smartcity_eval.reports.sections_spbe import spbe

__all__ = [
    "CSS",
    "SECTIONS",
    *sections_results.__all__,
    *sections_quality.__all__,
    "spbe",
    "who_does_what",
    "supporting_documents",
    "all_sections",
    "render",
    "fmt",
]

#: Every section, in the order of the annual report.
SECTIONS: tuple[Callable[[dict[str, Any]], None], ...] = (
    header,
    headline,
    key_messages,
    profile,
    spbe,
    elements,
    gaps,
    trajectory,
    change,
    strengths,
    self_assessment,
    priorities,
    who_does_what,
    supporting_documents,
    agreement,
    coverage,
    robustness,
    provenance,
)


def all_sections(report: dict[str, Any]) -> str:
    """The HTML of the whole report (every section), without a notebook."""
    return "\n".join(render(section, report) for section in SECTIONS)
