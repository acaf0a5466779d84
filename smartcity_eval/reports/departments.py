"""Per-department follow-up pages ("tindak lanjut per perangkat daerah") and the register
tables of the annual report.

:func:`register_data` gathers, for one region and year, the tables the annual report's
"who does what" and supporting-documents sections show (:mod:`smartcity_eval.reports.
sections_departments`). :func:`write_department_pages` writes one HTML page per department
of each report of a batch, at ``<batch>/<region>/<year>/departments/<department-slug>.html``:
its programmes and their status, the scores of what it owns, its missing documents.
Everything is computed by the Evaluation (:meth:`~smartcity_eval.evaluation.Evaluation.
departments`, ``programmes``, ``evidence``); this module only formats.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from smartcity_eval.io.outputs import atomic_write, safe_child, slugify_all
from smartcity_eval.messages import t
from smartcity_eval.reports import markup as h

__all__ = ["register_data", "missing_table", "department_page", "write_department_pages"]

DEPARTMENTS_DIR = "departments"


def _name_col(lang: str) -> str:
    return "name_id" if lang == "id" else "name"


def register_data(ev: Any, region: str, year: int, lang: str) -> dict[str, Any]:
    """The register tables of one report: ``realisation`` (per pillar and overall, with a
    ``label``), ``departments`` (summary), ``behind``, ``quick_wins``, ``evidence`` (per
    pillar), ``missing`` (most urgent first) and ``has_programmes``/``has_evidence``."""
    reg = ev.dataset.registers
    fw = ev.framework()
    prog = ev.programmes(year, region)
    evid = ev.evidence(year, region)
    names = fw.nodes["name_id" if lang == "id" else "name"]
    realisation = prog["realisation"].assign(
        label=[str(names.get(c, c)) for c in prog["realisation"]["pillar"]]
    )
    pillars = evid["pillar"].assign(label=[str(names.get(c, c)) for c in evid["pillar"]["pillar"]])
    return {
        "has_programmes": bool((reg["programmes"]["region"] == region).any()),
        "has_evidence": not evid["missing"].empty or not evid["pillar"].empty,
        "realisation": realisation,
        "departments": ev.departments(region, year)["summary"],
        "behind": prog["behind"],
        "quick_wins": prog["quick_wins"],
        "evidence": pillars,
        "missing": evid["missing"],
    }


def _programme_table(frame: pd.DataFrame, lang: str) -> str:
    columns = {
        "code": t("label.code", lang),
        _name_col(lang): t("label.name", lang),
        "start": t("label.start", lang),
        "end": t("label.end", lang),
        "status": t("label.status", lang),
        "reason": t("label.reason", lang),
    }
    # vocab.PROGRAMME_STATUSES in lang
    formats = {"status": lambda v: t(f"programme.{v}", lang)}
    return h.table(frame, columns, formats=formats)


def missing_table(frame: pd.DataFrame, lang: str) -> str:
    shown = frame.assign(
        due_text=["" if pd.isna(d) else pd.Timestamp(d).strftime("%Y-%m-%d") for d in frame["due"]],
        supports_text=[
            f"{c}: {n}" for c, n in zip(frame["code"], frame[_name_col(lang)], strict=True)
        ],
    )
    columns = {
        "rank": "#",
        "document": t("label.document", lang),
        "status": t("label.status", lang),
        "department": t("label.department", lang),
        "supports_text": t("label.supports", lang),
        "effective_weight": t("label.index_share", lang),
        "due_text": t("label.due", lang),
    }
    formats = {
        "effective_weight": lambda v: h.fmt(v, 3),
        "status": lambda v: t(f"evidence.{v}", lang),  # vocab.EVIDENCE_STATUSES in lang
    }
    return h.table(shown, columns, formats=formats)


def department_page(
    department: str,
    tables: dict[str, pd.DataFrame],
    region: str,
    year: int,
    lang: str,
    illustrative: bool = False,
) -> str:
    """The HTML page of one department's follow-up (with the illustrative-data notice
    when the dataset is illustrative)."""
    title = t("dept.title", lang, department=department)
    notice = h.message(t("notice.illustrative", lang)) if illustrative else ""
    parts = [notice, f"<h1>{h.esc(title)}</h1>", f"<p>{h.esc(region)}, {year}</p>"]
    none = h.message(t("dept.none", lang))
    parts.append(f"<h2>{h.esc(t('dept.programmes', lang, year=year))}</h2>")
    progs = tables["programmes"]
    parts.append(_programme_table(progs, lang) if len(progs) else none)
    parts.append(f"<h2>{h.esc(t('dept.owned', lang))}</h2>")
    owned = tables["owned"]
    parts.append(
        h.table(
            owned,
            {
                "code": t("label.code", lang),
                _name_col(lang): t("label.name", lang),
                "score": t("label.score", lang),
            },
        )
        if len(owned)
        else none
    )
    parts.append(f"<h2>{h.esc(t('dept.missing', lang))}</h2>")
    missing = tables["missing"]
    parts.append(missing_table(missing, lang) if len(missing) else none)
    body = h.wrap("".join(parts))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{h.CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def write_department_pages(ev: Any, jobs: Any, lang: str) -> list[Path]:
    """One page per department for every report job (``region``, ``year``, ``out_dir``) of
    a region that has a programme register or documents; returns the pages written."""
    written: list[Path] = []
    reg = ev.dataset.registers
    with_registers = (
        set(reg["programmes"]["region"])
        | set(reg["evidence"]["region"])
        | set(reg["owners"]["region"])
    )
    for job in jobs:
        if job.region not in with_registers:
            continue
        followup = ev.departments(job.region, job.year)["followup"]
        slugs = slugify_all(followup)
        folder = safe_child(Path(job.out_dir), DEPARTMENTS_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        for dept, tables in followup.items():
            path = safe_child(folder, f"{slugs[dept]}.html")
            page = department_page(
                dept, tables, job.region, job.year, lang, ev.dataset.illustrative
            )
            atomic_write(path, page)
            written.append(path)
    return written
