"""The annual report's sections on the regional office's own work: "who does what" (the
masterplan programmes by department) and the supporting documents.

Like :mod:`smartcity_eval.reports.sections_results`, each function takes the dict of
:func:`smartcity_eval.reports.content.report_data` (its ``registers`` entry, made by
:func:`smartcity_eval.reports.departments.register_data`) and displays one section.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from smartcity_eval.messages import t
from smartcity_eval.reports import markup as h
from smartcity_eval.reports.departments import missing_table

__all__ = ["who_does_what", "supporting_documents"]


def _percent(value: Any) -> str:
    return "" if pd.isna(value) else h.fmt(100 * float(value), 1) + " %"


def who_does_what(report: dict[str, Any]) -> None:
    """Realisation per pillar, then one row per department (programmes, realised, behind
    schedule, missing documents)."""
    lang = h.lang_of(report)
    m = report["meta"]
    data = report.get("registers") or {}
    head = h.heading("sec.departments", lang, t("text.departments", lang))
    if not data.get("has_programmes"):
        h.emit(h.wrap(head + h.message(t("msg.no_programmes", lang, region=m["region"]))))
        return
    real = h.table(
        data["realisation"],
        {
            "label": t("label.pillar", lang),
            "due": t("label.programmes", lang),
            "realised": "ongoing + done" if lang == "en" else "berjalan + selesai",
            "dropped": "dropped" if lang == "en" else "dihentikan",
            "realisation": t("label.realisation", lang),
        },
        formats={"realisation": _percent},
    )
    depts = h.table(
        data["departments"],
        {
            "department": t("label.department", lang),
            "programmes": t("label.programmes", lang),
            "realised": "ongoing + done" if lang == "en" else "berjalan + selesai",
            "behind": t("label.behind", lang),
            "documents": t("label.documents", lang),
            "missing": "missing" if lang == "en" else "belum ada",
        },
    )
    h.emit(h.wrap(head + real + depts))


def supporting_documents(report: dict[str, Any]) -> None:
    """Completeness per pillar, then the missing or outdated documents, most urgent first."""
    lang = h.lang_of(report)
    m = report["meta"]
    data = report.get("registers") or {}
    head = h.heading("sec.evidence", lang, t("text.evidence", lang))
    if not data.get("has_evidence"):
        text = t("msg.no_evidence", lang, region=m["region"], year=m["year"])
        h.emit(h.wrap(head + h.message(text)))
        return
    pillars = h.table(
        data["evidence"],
        {
            "label": t("label.pillar", lang),
            "documents": t("label.documents", lang),
            "available": "available" if lang == "en" else "tersedia",
            "completeness": t("label.completeness", lang),
        },
        formats={"completeness": _percent},
    )
    missing = data["missing"]
    listed = (
        missing_table(missing, lang)
        if len(missing)
        else h.message(t("msg.no_missing_documents", lang))
    )
    h.emit(h.wrap(head + pillars + listed))
