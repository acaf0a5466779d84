"""Follow-up per department ("tindak lanjut per perangkat daerah").

Each masterplan programme has an owning department, and items not tied to a programme may
have one in owners.csv; a department answers for its programmes, the scores of what it owns
and its missing supporting documents. Pure functions on the register frames and the scores.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartcity_eval import vocab
from smartcity_eval.analysis.evidence import missing_documents
from smartcity_eval.analysis.programmes import behind_schedule, programme_status
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.io.outputs import slugify, slugify_all

__all__ = ["slug", "ownership", "department_summary", "department_followup"]


def slug(name: str) -> str:
    """A file name for a department (:func:`smartcity_eval.io.outputs.slugify`):
    ``"Dinas Koperasi & UKM"`` -> ``"dinas-koperasi-ukm"``."""
    return slugify(name)


def ownership(registers: dict[str, pd.DataFrame], region: str | None = None) -> pd.DataFrame:
    """Who owns what: owners.csv rows and each programme's element (the element of a
    programme is owned by the programme's department unless owners.csv says otherwise).
    Columns: region, code, department, via ("owners" or "programme <code>")."""
    owners = registers["owners"]
    rows = [
        {"region": r, "code": c, "department": d, "via": "owners"}
        for r, c, d in zip(owners["region"], owners["code"], owners["department"], strict=True)
    ]
    given = {(r["region"], r["code"]) for r in rows}
    progs = registers["programmes"]
    for r, c, e, d in zip(
        progs["region"], progs["code"], progs["element"], progs["department"], strict=True
    ):
        rows.append({"region": r, "code": c, "department": d, "via": "programme"})
        if (r, e) not in given:
            rows.append({"region": r, "code": e, "department": d, "via": f"programme {c}"})
    out = pd.DataFrame(rows, columns=["region", "code", "department", "via"])
    out = out.drop_duplicates(["region", "code", "department"])
    if region is not None:
        out = out[out["region"] == region]
    return out.reset_index(drop=True)


def department_summary(
    registers: dict[str, pd.DataFrame], framework: Framework, region: str, year: int
) -> pd.DataFrame:
    """One row per department of ``region``: programmes (due), realised, behind schedule,
    documents, missing (missing or outdated), completeness. Sorted by department."""
    status = programme_status(registers, year)
    status = status[status["region"] == region]
    behind = behind_schedule(registers, year, region)
    evidence = registers["evidence"]
    evidence = evidence[(evidence["region"] == region) & (evidence["year"] == year)]
    names = sorted(
        (
            set(status["department"])
            | set(evidence["department"])
            | set(ownership(registers, region)["department"])
        )
        - {""}
    )
    slugs = slugify_all(names)  # distinct file names, as the report pages use
    rows = []
    for dept in names:
        mine = status[status["department"] == dept]
        due = mine[mine["due"]]
        docs = evidence[evidence["department"] == dept]
        available = int((docs["status"] == vocab.EVIDENCE_AVAILABLE).sum())
        rows.append(
            {
                "region": region,
                "year": int(year),
                "department": dept,
                "slug": slugs[dept],
                "programmes": len(mine),
                "due": len(due),
                "realised": int(
                    due["status"].isin([vocab.PROGRAMME_ONGOING, vocab.PROGRAMME_DONE]).sum()
                ),
                "behind": int((behind["department"] == dept).sum()),
                "documents": len(docs),
                "missing": len(docs) - available,
                "completeness": available / len(docs) if len(docs) else np.nan,
            }
        )
    columns = [
        "region",
        "year",
        "department",
        "slug",
        "programmes",
        "due",
        "realised",
        "behind",
        "documents",
        "missing",
        "completeness",
    ]
    return pd.DataFrame(rows, columns=columns)


def department_followup(
    registers: dict[str, pd.DataFrame],
    framework: Framework,
    region: str,
    year: int,
    scores: pd.DataFrame | None = None,
    index: Framework | None = None,
) -> dict[str, dict[str, pd.DataFrame]]:
    """Per department of ``region`` in ``year``: ``programmes`` (with status and reason when
    behind), ``owned`` (the nodes it owns with their score when ``scores`` is given),
    ``missing`` (its missing or outdated documents, most urgent first)."""
    status = programme_status(registers, year)
    status = status[status["region"] == region]
    behind = behind_schedule(registers, year, region).set_index("code")["reason"]
    todo = missing_documents(registers, framework, year, region, index)
    owned = ownership(registers, region)
    owned = owned[owned["code"].isin(framework.nodes.index)]
    if scores is not None and not scores.empty:
        s = scores[(scores["region"] == region) & (scores["year"] == year)]
        owned = owned.merge(s[["code", "score"]], on="code", how="left")
    else:
        owned = owned.assign(score=np.nan)
    owned = owned.assign(
        name=[str(framework.nodes.at[c, "name"]) for c in owned["code"]],
        name_id=[str(framework.nodes.at[c, "name_id"]) for c in owned["code"]],
    )
    out: dict[str, dict[str, pd.DataFrame]] = {}
    for dept in department_summary(registers, framework, region, year)["department"]:
        progs = status[status["department"] == dept].copy()
        progs["reason"] = [str(behind.get(c, "")) for c in progs["code"]]
        out[dept] = {
            "programmes": progs.reset_index(drop=True),
            "owned": owned[owned["department"] == dept].reset_index(drop=True),
            "missing": todo[todo["department"] == dept].reset_index(drop=True),
        }
    return out
