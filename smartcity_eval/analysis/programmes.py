"""Realisation of the masterplan: programmes running or done out of those due to have started.

Kominfo's outcome dimension is "pelaksanaan rencana yang ada di masterplan": how far the
masterplan's programmes are carried out. Kebumen reports it per pillar as programmes running
out of programmes planned (Living 9 of 10 = 90 %; ppid.kebumenkab.go.id, c. 2022). Here:

- a programme is **due** in year Y when it starts in or before Y (a programme starting after
  Y is not counted);
- its **status** in Y is the last status given in programme_status.csv for a year up to Y
  (a status carries forward), else ``planned``;
- **realised** = due and ongoing or done; **realisation** = realised / due (missing when
  nothing is due). A programme dropped mid-masterplan stays in the denominator: it was
  planned and is not carried out (counted in ``dropped``).
- **behind schedule**: due but still planned, or past its end year and not done, or dropped.

Every function is pure on the register frames of :mod:`smartcity_eval.io.registers`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartcity_eval import vocab
from smartcity_eval.io.frameworks import Framework

__all__ = [
    "ancestor_at",
    "programme_status",
    "realisation",
    "behind_schedule",
    "quick_wins",
]

BEHIND_NOT_STARTED = "not started"
BEHIND_OVERDUE = "past its end year"
BEHIND_DROPPED = "dropped"


def ancestor_at(framework: Framework, code: str, depth: int) -> str:
    """The ancestor of ``code`` at ``depth`` (1 = pillar), ``code`` itself when it is at that
    depth, "" when ``code`` is not in the tree or above ``depth``."""
    nodes = framework.nodes
    if code not in nodes.index:
        return ""
    while int(nodes.at[code, "depth"]) > depth:
        code = str(nodes.at[code, "parent"])
    return code if int(nodes.at[code, "depth"]) == depth else ""


def programme_status(registers: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """Every programme of every region with its status in ``year``.

    Columns: region, code, name, name_id, element, department, start, end, quick_win,
    budget, year, status, status_year (the year the status was given; -1 when none),
    due (bool), note.
    """
    programmes = registers["programmes"]
    status = registers["programme_status"]
    latest = status[status["year"] <= year].sort_values(["year"], kind="stable")
    latest = latest.drop_duplicates(["region", "programme"], keep="last")
    merged = programmes.drop(columns=["note", "_row"], errors="ignore").merge(
        latest[["region", "programme", "year", "status", "note"]].rename(
            columns={"programme": "code", "year": "status_year"}
        ),
        on=["region", "code"],
        how="left",
    )
    merged["status"] = merged["status"].fillna(vocab.PROGRAMME_PLANNED).astype(str)
    merged["note"] = merged["note"].fillna("").astype(str)
    merged["status_year"] = merged["status_year"].fillna(-1).astype("int64")
    merged["year"] = np.int64(year)
    merged["due"] = merged["start"] <= year
    return merged.reset_index(drop=True)


def _behind_reason(row: pd.Series, year: int) -> str:
    if not row["due"]:
        return ""
    if row["status"] == vocab.PROGRAMME_DROPPED:
        return BEHIND_DROPPED
    if row["status"] == vocab.PROGRAMME_PLANNED:
        return BEHIND_NOT_STARTED
    if row["status"] == vocab.PROGRAMME_ONGOING and row["end"] < year:
        return BEHIND_OVERDUE
    return ""


def realisation(
    registers: dict[str, pd.DataFrame],
    framework: Framework,
    year: int,
    region: str | None = None,
) -> pd.DataFrame:
    """Realisation per region and pillar, and overall (``pillar`` = the tree's root).

    Columns: region, year, pillar, due, realised, ongoing, done, planned, dropped,
    realisation (realised / due; NaN when nothing is due), not_yet_due.
    """
    status = programme_status(registers, year)
    if region is not None:
        status = status[status["region"] == region]
    status = status.assign(
        pillar=[ancestor_at(framework, str(c), 1) for c in status["element"]],
    )
    rows = []
    pillars = [str(c) for c in framework.nodes.index if int(framework.nodes.at[c, "depth"]) == 1]
    for reg in sorted(set(status["region"])):
        mine = status[status["region"] == reg]
        for pillar in [*pillars, framework.root]:
            part = mine if pillar == framework.root else mine[mine["pillar"] == pillar]
            if part.empty:
                continue
            due = part[part["due"]]
            counts = {s: int((due["status"] == s).sum()) for s in vocab.PROGRAMME_STATUSES}
            realised = counts[vocab.PROGRAMME_ONGOING] + counts[vocab.PROGRAMME_DONE]
            rows.append(
                {
                    "region": reg,
                    "year": int(year),
                    "pillar": pillar,
                    "due": len(due),
                    "realised": realised,
                    **counts,
                    "realisation": realised / len(due) if len(due) else np.nan,
                    "not_yet_due": int((~part["due"]).sum()),
                }
            )
    columns = ["region", "year", "pillar", "due", "realised", *vocab.PROGRAMME_STATUSES]
    return pd.DataFrame(rows, columns=[*columns, "realisation", "not_yet_due"])


def behind_schedule(
    registers: dict[str, pd.DataFrame], year: int, region: str | None = None
) -> pd.DataFrame:
    """Programmes behind schedule in ``year``: due but not started, past their end year and
    not done, or dropped. Columns of :func:`programme_status` plus ``reason``."""
    status = programme_status(registers, year)
    if region is not None:
        status = status[status["region"] == region]
    reasons = [_behind_reason(row, year) for _, row in status.iterrows()]
    out = status.assign(reason=reasons)
    out = out[out["reason"] != ""]
    return out.sort_values(["region", "start", "code"], kind="stable").reset_index(drop=True)


def quick_wins(
    registers: dict[str, pd.DataFrame], year: int, region: str | None = None
) -> pd.DataFrame:
    """The quick-win programmes with their status in ``year`` (columns of
    :func:`programme_status`)."""
    status = programme_status(registers, year)
    out = status[status["quick_win"].astype(bool)]
    if region is not None:
        out = out[out["region"] == region]
    return out.sort_values(["region", "code"], kind="stable").reset_index(drop=True)
