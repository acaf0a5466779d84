"""The province overview: every region of a batch ranked by the official index.

:func:`overview_data` computes, from an Evaluation, for the latest year scored: each
region's official index (the ``index_framework`` of the Settings, e.g. Kominfo's
component index), its rank, band, its dimensions (the index's first level), the pillars
(the first level of the report's framework), the change since the previous year and the
change of rank (positive = moved up). The result is plain JSON, kept in ``manifest.json``
(``overview``), so :func:`render_overview` draws the page from the manifest alone: a
ranked table linking every report, a dot plot of all regions (inline SVG, so it prints
sharp and needs no script), and the reports' own links. :func:`overview_sheets` gives the
same tables for the batch workbook.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from smartcity_eval.messages import t
from smartcity_eval.present.numbers import fmt

__all__ = [
    "overview_data",
    "overview_sheets",
    "render_overview_body",
    "dot_plot_svg",
    "add_overview",
    "write_batch_outputs",
]


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _names(ev: Any, framework: str | None, codes: list[str], lang: str) -> dict[str, str]:
    try:
        fw = ev.framework(framework) if framework else ev.framework()
        nodes = fw.nodes
    except Exception:  # a framework without names: codes are shown
        return {c: c for c in codes}
    col = "name_id" if lang == "id" and "name_id" in nodes else "name"
    return {c: str(nodes.at[c, col]) if c in nodes.index and nodes.at[c, col] else c for c in codes}


def _level(scores: pd.DataFrame, level: int, year: int) -> pd.DataFrame:
    part = scores[(scores["level"] == level) & (scores["year"] == year)]
    return part.pivot_table(index="region", columns="code", values="score", aggfunc="first")


def overview_data(ev: Any, lang: str = "en") -> dict[str, Any] | None:
    """The overview of ``ev`` for its latest scored year (see the module docstring), or
    None when nothing is scored."""
    index_fw = getattr(ev.settings, "index_framework", None)
    official = ev.scores_of(index_fw) if index_fw else ev.scores
    pillars_scores = ev.scores
    years = sorted(int(y) for y in official["year"].unique())
    if not years:
        return None
    year, prev = years[-1], (years[-2] if len(years) > 1 else None)
    top = official[(official["level"] == 0)]
    now = top[top["year"] == year].set_index("region")
    before = top[top["year"] == prev].set_index("region") if prev is not None else None
    dims = _level(official, 1, year)
    pils = _level(pillars_scores, 1, year)
    dim_codes = [c for c in official[official["level"] == 1]["code"].drop_duplicates()]
    pil_codes = [c for c in pillars_scores[pillars_scores["level"] == 1]["code"].drop_duplicates()]
    rows = []
    for region, row in now.iterrows():
        score, rank = _num(row["score"]), _num(row.get("rank"))
        old = before.loc[region] if before is not None and region in before.index else None
        change = rank_change = None
        if old is not None and score is not None and _num(old["score"]) is not None:
            change = score - float(old["score"])
        if old is not None and rank is not None and _num(old.get("rank")) is not None:
            rank_change = float(old["rank"]) - rank
        rows.append(
            {
                "region": str(region),
                "score": score,
                "rank": rank,
                "band": None if pd.isna(row.get("band")) else str(row.get("band")),
                "change": change,
                "rank_change": rank_change,
                "dimensions": {
                    c: _num(dims.at[region, c]) if region in dims.index and c in dims else None
                    for c in dim_codes
                },
                "pillars": {
                    c: _num(pils.at[region, c]) if region in pils.index and c in pils else None
                    for c in pil_codes
                },
            }
        )
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["region"]))
    index_code = str(top["code"].iloc[0]) if len(top) else ""
    return {
        "year": year,
        "previous_year": prev,
        "index": {"code": index_code, "name": _names(ev, index_fw, [index_code], lang)[index_code]},
        "dimensions": _names(ev, index_fw, dim_codes, lang),
        "pillars": _names(ev, None, pil_codes, lang),
        "rows": rows,
    }


def _fmt(value: Any, digits: int = 2, sign: bool = False) -> str:
    """The report's one number formatter (half up, no negative zero); a rank change of
    zero is "0", not "+0"."""
    text = fmt(value, digits, sign)
    return "0" if sign and digits == 0 and text in ("+0", "0") else text


def overview_sheets(data: dict[str, Any], lang: str = "en") -> dict[str, pd.DataFrame]:
    """The overview as tables for a workbook: the ranking (index, dimensions, change) and
    the pillars, one row per region, numbers as numbers."""
    rank_rows, pillar_rows = [], []
    bands = any(r["band"] for r in data["rows"])
    for r in data["rows"]:
        base = {t("label.rank", lang): r["rank"], t("label.region", lang): r["region"]}
        rank_rows.append(
            {
                **base,
                data["index"]["name"]: r["score"],
                **({t("label.band", lang): r["band"]} if bands else {}),
                **{name: r["dimensions"].get(c) for c, name in data["dimensions"].items()},
                t("label.change", lang): r["change"],
                t("overview.rank_change", lang): r["rank_change"],
            }
        )
        pillar_rows.append(
            {**base, **{name: r["pillars"].get(c) for c, name in data["pillars"].items()}}
        )
    year = data["year"]
    return {
        f"{t('overview.ranking', lang)} {year}": pd.DataFrame(rank_rows),
        f"{t('label.pillar', lang)} {year}": pd.DataFrame(pillar_rows),
    }


def dot_plot_svg(data: dict[str, Any], lang: str = "en") -> str:
    """A dot plot of every region's official index (inline SVG, best first)."""
    rows = [r for r in data["rows"] if r["score"] is not None]
    if not rows:
        return ""
    values = [r["score"] for r in rows]
    lo, hi = math.floor(min(values) * 2) / 2, math.ceil(max(values) * 2) / 2
    hi = hi if hi > lo else lo + 1
    left, width, step = 230, 420, 22
    height = step * len(rows) + 40

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * width

    parts = []
    ticks = [lo + i * (hi - lo) / 4 for i in range(5)]
    for tick in ticks:
        parts.append(
            f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="10" y2="{height - 25}" stroke="#e4e7eb"/>'
            f'<text x="{x(tick):.1f}" y="{height - 8}" font-size="11" text-anchor="middle">{tick:.2f}</text>'
        )
    for i, r in enumerate(rows):
        y = 22 + i * step
        parts.append(
            f'<text x="{left - 8}" y="{y + 4}" font-size="12" text-anchor="end">{html.escape(r["region"])}</text>'
            f'<line x1="{left}" x2="{x(r["score"]):.1f}" y1="{y}" y2="{y}" stroke="#bcccdc"/>'
            f'<circle cx="{x(r["score"]):.1f}" cy="{y}" r="5" fill="#1f5fa8"/>'
            f'<text x="{x(r["score"]) + 9:.1f}" y="{y + 4}" font-size="11">{r["score"]:.2f}</text>'
        )
    title = html.escape(f"{data['index']['name']} {data['year']}")
    return (
        f'<figure><svg role="img" aria-label="{title}" viewBox="0 0 {left + width + 60} {height}" '
        f'width="100%" style="max-width:760px" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{title}</title>{''.join(parts)}</svg><figcaption>{title}</figcaption></figure>"
    )


def render_overview_body(
    data: dict[str, Any], links: dict[str, dict[str, str]], lang: str = "en"
) -> str:
    """The overview's HTML (heading, dot plot, ranked table with links, pillar table).

    ``links``: region -> {label: href} of the latest year's report files."""
    esc = html.escape
    year, prev = data["year"], data.get("previous_year")
    dims, pils = data["dimensions"], data["pillars"]
    # a band column only where the index has official bands (Kominfo's has none)
    bands = any(r["band"] for r in data["rows"])
    band_head = f"<th>{esc(t('label.band', lang))}</th>" if bands else ""
    head = (
        f"<th>{esc(t('label.rank', lang))}</th><th>{esc(t('label.region', lang))}</th>"
        f"<th>{esc(data['index']['name'])}</th>{band_head}"
        + "".join(f"<th>{esc(n)}</th>" for n in dims.values())
        + f"<th>{esc(t('label.change', lang))}{f' ({prev})' if prev else ''}</th>"
        f"<th>{esc(t('overview.rank_change', lang))}</th><th>{esc(t('overview.reports', lang))}</th>"
    )
    body = []
    for r in data["rows"]:
        link = " ".join(
            f'<a href="{esc(href)}">{esc(label)}</a>'
            for label, href in links.get(r["region"], {}).items()
        )
        body.append(
            f"<tr><td class='num'>{_fmt(r['rank'], 0)}</td><td class='region'>{esc(r['region'])}</td>"
            f"<td class='num'><b>{_fmt(r['score'])}</b></td>"
            + (f"<td>{esc(r['band'] or '')}</td>" if bands else "")
            + "".join(f"<td class='num'>{_fmt(r['dimensions'].get(c))}</td>" for c in dims)
            + f"<td class='num'>{_fmt(r['change'], sign=True)}</td>"
            f"<td class='num'>{_fmt(r['rank_change'], 0, sign=True)}</td><td class='links'>{link}</td></tr>"
        )
    pil_head = (
        f"<th>{esc(t('label.rank', lang))}</th><th>{esc(t('label.region', lang))}</th>"
        + "".join(f"<th>{esc(n)}</th>" for n in pils.values())
    )
    pil_body = "".join(
        f"<tr><td class='num'>{_fmt(r['rank'], 0)}</td><td class='region'>{esc(r['region'])}</td>"
        + "".join(f"<td class='num'>{_fmt(r['pillars'].get(c))}</td>" for c in pils)
        + "</tr>"
        for r in data["rows"]
    )
    return (
        f"<h2>{esc(t('overview.ranking', lang))} {year}: {esc(data['index']['name'])}</h2>"
        f"{dot_plot_svg(data, lang)}"
        f'<table class="overview"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        f"<h2>{esc(t('label.pillar', lang))} {year}</h2>"
        f'<table class="overview"><thead><tr>{pil_head}</tr></thead><tbody>{pil_body}</tbody></table>'
    )


def add_overview(ev: Any, header: dict[str, Any], lang: str) -> None:
    """Put the overview of ``ev`` in a batch's manifest header (never fails a batch)."""
    import contextlib
    import json

    with contextlib.suppress(Exception):
        header["overview"] = json.loads(json.dumps(overview_data(ev, lang), default=str))


def write_batch_outputs(root: Any, index: Any, header: dict[str, Any], lang: str) -> None:
    """The batch's workbook (``root/results.xlsx``: the overview's tables) and, as asked,
    the overview page ``index`` as PDF (``index.pdf``) and Word (``index.docx``)."""
    import contextlib
    from pathlib import Path

    from smartcity_eval.io.excel import write_xlsx
    from smartcity_eval.reports.docx import DocxError, html_to_docx
    from smartcity_eval.reports.render import PdfError, html_to_pdf, tool_found

    data = header.get("overview")
    if not data:
        return
    root = Path(root)
    with contextlib.suppress(Exception):
        write_xlsx(overview_sheets(data, lang), root / "results.xlsx")
    if "pdf" in header["formats"] and tool_found("pdf"):
        with contextlib.suppress(PdfError, OSError):
            html_to_pdf(index, root / "index.pdf")
    if "docx" in header["formats"] and tool_found("docx"):
        with contextlib.suppress(DocxError, OSError):
            html_to_docx(index, root / "index.docx")
