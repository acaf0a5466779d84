"""Supporting documents ("dokumen pendukung", "bukti dukung"): completeness and urgency.

Assessors verify the self-assessment against the documents a region uploads, and regions
may top up missing evidence at Tahap II (Kominfo evaluation practice, docs/registers.md).

- **completeness** of a group (pillar, dimension or department) = documents available /
  documents listed, per region and year;
- the **to-do list**: documents missing or outdated, most urgent first: by the effective
  weight in the index of what they support (a programme counts with its element's weight;
  COINr ``get_eff_weights``), heaviest first, then by due date (earliest first, no date
  last), then document name.

A document's pillar and dimension: the pillar is the depth-1 ancestor of what it supports
(of the programme's element; the root for a document of the whole index, e.g. the masterplan
regulation); the dimension is the ``dimension`` column when given, else
``quick win`` for a quick-win programme, else ``outcome`` for another programme (the
masterplan's implementation), else derived from the kind (regulation, institution, budget and
application inventory: ``output``, Kominfo's policies, institutions and budget; survey:
``impact``; report: ``outcome``); an inference from Kominfo's published dimension definitions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartcity_eval import vocab
from smartcity_eval.analysis.programmes import ancestor_at
from smartcity_eval.io.frameworks import Framework

__all__ = ["GROUPS", "evidence_table", "completeness", "missing_documents"]

GROUPS: tuple[str, ...] = ("pillar", "dimension", "department")
_KIND_DIMENSION = {
    "regulation": "output",
    "institution": "output",
    "budget": "output",
    "application inventory": "output",
    "survey": "impact",
    "report": "outcome",
}


def index_weights(framework: Framework, index: Framework | None = None) -> pd.Series:
    """Each node of ``framework``'s share of the headline index (0-1).

    Without ``index`` (or when it is ``framework`` itself), the node's effective weight
    (OECD/JRC 2008: the product of local weights up to the root). With another tree over the
    same indicators, e.g. ``kominfo_components`` whose root is Kominfo's final index, the sum
    of the index's effective weights of the indicators under the node: a pillar holding
    outcome and quick-win items weighs more than one of the same size holding baseline items.
    """
    if index is None or index is framework:
        return framework.effective_weights
    ew = index.effective_weights
    out = {str(code): 0.0 for code in framework.nodes.index}
    for item in framework.indicators:
        w = float(ew.get(item, 0.0))
        for node in (item, *framework.ancestors(item)):
            out[str(node)] += w
    return pd.Series(out, dtype="float64")


def evidence_table(
    registers: dict[str, pd.DataFrame],
    framework: Framework,
    year: int | None = None,
    region: str | None = None,
    index: Framework | None = None,
) -> pd.DataFrame:
    """Every document with what it supports resolved.

    Columns: region, year, code, document, kind, status, department, due, link, supports
    ("programme" or "node"), node (the framework node: the code or the programme's
    element), pillar, dimension, effective_weight (the node's share of the headline index
    ``index``, see :func:`index_weights`).
    """
    ev = registers["evidence"].copy()
    if year is not None:
        ev = ev[ev["year"] == year]
    if region is not None:
        ev = ev[ev["region"] == region]
    programmes = registers["programmes"]
    element = {
        (r, c): e
        for r, c, e in zip(
            programmes["region"], programmes["code"], programmes["element"], strict=True
        )
    }
    quick = {
        (r, c): bool(q)
        for r, c, q in zip(
            programmes["region"], programmes["code"], programmes["quick_win"], strict=True
        )
    }
    keys = list(zip(ev["region"], ev["code"], strict=True))
    is_programme = [k in element for k in keys]
    node = [element.get(k, k[1]) for k in keys]
    weights = index_weights(framework, index)
    dims = []
    for k, given, kind, prog in zip(keys, ev["dimension"], ev["kind"], is_programme, strict=True):
        if given:
            dims.append(given)
        elif prog:
            dims.append("quick win" if quick.get(k) else "outcome")
        else:
            dims.append(_KIND_DIMENSION.get(kind, ""))
    out = ev.assign(
        supports=["programme" if p else "node" for p in is_programme],
        node=node,
        pillar=[
            framework.root if n == framework.root else ancestor_at(framework, n, 1) for n in node
        ],
        dimension=dims,
        effective_weight=[float(weights.get(n, np.nan)) for n in node],
    )
    return out.drop(columns=["_row"], errors="ignore").reset_index(drop=True)


def completeness(
    registers: dict[str, pd.DataFrame],
    framework: Framework,
    by: str = "pillar",
    year: int | None = None,
    region: str | None = None,
) -> pd.DataFrame:
    """Completeness per region, year and ``by`` (pillar, dimension or department).

    Columns: region, year, <by>, documents, available, missing, outdated, completeness
    (available / documents).
    """
    if by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)}, not {by!r}")
    table = evidence_table(registers, framework, year, region)
    rows = []
    for (reg, yr, group), part in table.groupby(["region", "year", by], sort=True):
        counts = {s: int((part["status"] == s).sum()) for s in vocab.EVIDENCE_STATUSES}
        rows.append(
            {
                "region": reg,
                "year": int(yr),
                by: group,
                "documents": len(part),
                **counts,
                "completeness": counts[vocab.EVIDENCE_AVAILABLE] / len(part),
            }
        )
    columns = ["region", "year", by, "documents", *vocab.EVIDENCE_STATUSES, "completeness"]
    return pd.DataFrame(rows, columns=columns)


def missing_documents(
    registers: dict[str, pd.DataFrame],
    framework: Framework,
    year: int | None = None,
    region: str | None = None,
    index: Framework | None = None,
) -> pd.DataFrame:
    """Documents missing or outdated, most urgent first (share of the headline ``index``
    of what they support, heaviest first (:func:`index_weights`); then due date, earliest
    first, none last; then document). Columns of :func:`evidence_table` plus ``rank``
    (1 = most urgent, per region and year) and ``name``/``name_id`` of what is supported."""
    table = evidence_table(registers, framework, year, region, index)
    todo = table[table["status"] != vocab.EVIDENCE_AVAILABLE].copy()
    todo["_w"] = -todo["effective_weight"].fillna(0.0)
    todo = todo.sort_values(
        ["region", "year", "_w", "due", "document"], kind="stable", na_position="last"
    ).drop(columns="_w")
    todo["rank"] = todo.groupby(["region", "year"]).cumcount() + 1
    programmes = registers["programmes"]
    names = {
        (r, c): (n, i)
        for r, c, n, i in zip(
            programmes["region"],
            programmes["code"],
            programmes["name"],
            programmes["name_id"],
            strict=True,
        )
    }
    nodes = framework.nodes
    shown = []
    for r, c in zip(todo["region"], todo["code"], strict=True):
        if (r, c) in names:
            shown.append(names[(r, c)])
        elif c in nodes.index:
            shown.append((str(nodes.at[c, "name"]), str(nodes.at[c, "name_id"])))
        else:
            shown.append(("", ""))
    todo["name"] = [s[0] for s in shown]
    todo["name_id"] = [s[1] or s[0] for s in shown]
    return todo.reset_index(drop=True)
