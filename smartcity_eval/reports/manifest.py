"""The record of a report batch: ``manifest.json`` and the ``index.html`` that links every report.

``manifest.json`` (one per dataset folder under the output folder) holds the dataset, the
package version, the input files with their SHA-256, the notebook template's SHA-256, and
one entry per report: region, year, parameters, the fingerprint that decides whether the
report is up to date, status (``ok`` / ``failed``), duration, the error of a failed report,
the files written (relative to the dataset folder) and the headline numbers. It is
rewritten atomically after every finished report, so a killed run leaves a manifest that
describes exactly the reports that were finished.

``index.html`` is the province overview (:mod:`smartcity_eval.reports.overview`: every
region ranked by the official index of the latest year, with its dimensions, pillars,
change and rank change, a dot plot, links to each report), then a table of regions by years
linking every report (and its PDF, Word and Excel copies), with the headline index and band
of each, failed reports in red linking to the notebook that holds the error.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from smartcity_eval.io.outputs import atomic_write
from smartcity_eval.messages import t

__all__ = [
    "MANIFEST_NAME",
    "INDEX_NAME",
    "MANIFEST_VERSION",
    "load_manifest",
    "save_manifest",
    "entry_key",
    "render_index",
    "render_root_index",
    "now_iso",
]

MANIFEST_NAME = "manifest.json"
INDEX_NAME = "index.html"
#: Format version of manifest.json (bumped when its layout changes).
MANIFEST_VERSION = 1


def now_iso() -> str:
    """The current local time, ISO 8601 with UTC offset, seconds."""
    return _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def entry_key(region: str, year: int | None) -> str:
    """The manifest's key of one report: ``"<region>|<year>"`` (``"|"`` and an empty year
    for a report of every year; region ``""`` for a template run per year or dataset)."""
    return f"{region}|{'' if year is None else int(year)}"


def _year_order(year: int | None) -> int:
    return -1 if year is None else int(year)


def load_manifest(path: Path | str) -> dict[str, Any] | None:
    """The manifest at ``path``, or None when it is missing or unreadable (a manifest is a
    cache of what was done: an unreadable one means "redo", never an error)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("reports"), list):
        return None
    return data


def save_manifest(path: Path | str, manifest: dict[str, Any]) -> Path:
    """Write the manifest atomically (sorted reports, 2-space indent, UTF-8)."""
    reports = sorted(
        manifest.get("reports", []), key=lambda e: (e["region"], _year_order(e["year"]))
    )
    data = {**manifest, "reports": reports}
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, default=str) + "\n"
    return atomic_write(path, text)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:2rem auto;
max-width:1200px;padding:0 1rem;color:#1f2933;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}.sub{color:#52606d;margin-top:0}
.notice{background:#fff4e5;border-left:6px solid #f0a202;padding:.7rem 1rem;margin:1rem 0;
font-weight:600}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #d9e2ec;padding:.45rem .6rem;text-align:center;vertical-align:middle}
th{background:#f0f4f8}td.region{text-align:left;font-weight:600}
td.ok{background:#f5fbf7}td.failed{background:#fdecea}td.none{color:#9aa5b1}
.score{font-size:1.15rem;font-weight:700;display:block}.band{font-size:.8rem;color:#52606d}
a{color:#0b69a3}.links a{margin:0 .25rem;font-size:.85rem}
.err{color:#b3261e;font-size:.8rem;display:block;max-width:14rem;margin:auto;overflow-wrap:anywhere}
.summary{display:flex;gap:1.5rem;flex-wrap:wrap}.summary div{background:#f0f4f8;padding:.5rem 1rem;
border-radius:6px}footer{color:#52606d;font-size:.85rem;margin-top:2rem}
code{font-size:.8rem}
table.overview th,table.overview td{padding:.3rem .45rem;font-size:.9rem}
table.overview td.num{text-align:right;font-variant-numeric:tabular-nums}
table.overview td.region{text-align:left}figure{margin:1rem 0}figcaption{color:#52606d;font-size:.85rem}
h2{font-size:1.3rem;margin-top:1.8rem;border-bottom:2px solid #d9e2ec}
@page{size:A4;margin:16mm 12mm}
@media print{body{max-width:none;margin:0;font-size:9pt}table{font-size:7.5pt;break-inside:auto}
tr{break-inside:avoid}h2{break-after:avoid}th,td{padding:2pt 3pt;overflow-wrap:anywhere}}
"""


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, (int, float)):
        return f"{value:.{digits}f}"
    return html.escape(str(value))


def _cell(entry: dict[str, Any] | None, lang: str) -> str:
    if entry is None:
        return '<td class="none">–</td>'
    files = entry.get("files", {})
    if entry.get("status") == "ok":
        head = entry.get("headline") or {}
        score = _fmt(head.get("score"), int(head.get("digits", 2)))
        band = html.escape(str(head.get("band") or ""))
        links = []
        if "html" in files:
            links.append(f'<a href="{html.escape(files["html"])}">{t("index.open", lang)}</a>')
        if "pdf" in files:
            links.append(f'<a href="{html.escape(files["pdf"])}">PDF</a>')
        if "ipynb" in files:
            links.append(f'<a href="{html.escape(files["ipynb"])}">ipynb</a>')
        first = (
            f'<a class="score" href="{html.escape(files["html"])}">{score}</a>'
            if "html" in files
            else f'<span class="score">{score}</span>'
        )
        band_html = f'<span class="band">{band}</span>' if band else ""
        return f'<td class="ok">{first}{band_html}<span class="links">{" ".join(links)}</span></td>'
    err = html.escape(str(entry.get("error") or ""))[:200]
    link = files.get("failed_ipynb")
    label = t("index.failed", lang)
    inner = f'<a href="{html.escape(link)}">{label}</a>' if link else label
    return f'<td class="failed">{inner}<span class="err">{err}</span></td>'


def _overview(manifest: dict[str, Any], by_key: dict[str, Any], lang: str) -> str:
    """The province overview (see :mod:`smartcity_eval.reports.overview`) when the
    manifest holds one: every region ranked, linked to its report of that year."""
    data = manifest.get("overview")
    if not data or not data.get("rows"):
        return ""
    from smartcity_eval.reports.overview import render_overview_body

    labels = {"html": t("index.open", lang), "pdf": "PDF", "docx": "Word", "xlsx": "Excel"}
    links: dict[str, dict[str, str]] = {}
    for row in data["rows"]:
        entry = by_key.get(entry_key(row["region"], data["year"])) or {}
        files = entry.get("files", {}) if entry.get("status") == "ok" else {}
        links[row["region"]] = {labels[k]: files[k] for k in labels if k in files}
    return render_overview_body(data, links, lang)


def render_index(manifest: dict[str, Any], lang: str = "en") -> str:
    """The index page of one dataset's reports (a self-contained HTML page)."""
    reports = manifest.get("reports", [])
    regions = sorted({e["region"] for e in reports})
    years = sorted({e["year"] for e in reports}, key=_year_order)
    by_key = {entry_key(e["region"], e["year"]): e for e in reports}
    title = html.escape(str(manifest.get("title") or manifest.get("dataset", "")))
    n_ok = sum(1 for e in reports if e.get("status") == "ok")
    n_failed = sum(1 for e in reports if e.get("status") != "ok")
    index_name = html.escape(str(manifest.get("index_label") or t("index.score", lang)))
    rows = []
    for region in regions:
        cells = "".join(_cell(by_key.get(entry_key(region, y)), lang) for y in years)
        label = region or str(manifest.get("template_title") or "")
        rows.append(f'<tr><td class="region">{html.escape(label)}</td>{cells}</tr>')
    every = html.escape(t("find.every_year", lang))
    head = "".join(f"<th>{every if y is None else y}</th>" for y in years)
    notice = (
        f'<div class="notice">{html.escape(t("notice.illustrative", lang))}</div>'
        if manifest.get("illustrative")
        else ""
    )
    inputs = "".join(
        f"<li><code>{html.escape(i['path'])}</code> <code>sha256:{i['sha256'][:16]}…</code></li>"
        for i in manifest.get("inputs", [])
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: {html.escape(t("index.title", lang))}</title><style>{_CSS}</style></head>
<body>
<h1>{html.escape(t("index.title", lang))}</h1>
<p class="sub">{title}</p>
{notice}
<div class="summary"><div>{html.escape(t("index.n_ok", lang))}: <b>{n_ok}</b></div>
<div>{html.escape(t("index.n_failed", lang))}: <b>{n_failed}</b></div>
<div>{html.escape(t("index.cell_shows", lang))}: <b>{index_name}</b></div></div>
{_overview(manifest, by_key, lang)}
<h2>{html.escape(t("overview.all_reports", lang))}</h2>
<table><thead><tr><th>{html.escape(t("label.region", lang))}</th>{head}</tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<footer><p>{html.escape(t("index.generated", lang))}: {html.escape(str(manifest.get("updated", "")))}
· smartcity-eval {html.escape(str(manifest.get("version", "")))}
· <a href="{MANIFEST_NAME}">{MANIFEST_NAME}</a></p>
<p>{html.escape(t("prov.inputs", lang))}:</p><ul>{inputs}</ul></footer>
</body></html>
"""


def render_root_index(datasets: Iterable[tuple[str, str, dict[str, Any]]], lang: str = "en") -> str:
    """A page linking the index of every dataset found under an output folder.

    ``datasets``: ``(folder name, title, manifest)`` triples.
    """
    items = []
    for folder, title, manifest in datasets:
        reports = manifest.get("reports", [])
        n_ok = sum(1 for e in reports if e.get("status") == "ok")
        items.append(
            f'<li><a href="{html.escape(folder)}/{INDEX_NAME}">{html.escape(title)}</a> '
            f"({n_ok}/{len(reports)} {html.escape(t('index.n_ok', lang).lower())})</li>"
        )
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(t("index.title", lang))}</title>
<style>{_CSS}</style></head><body><h1>{html.escape(t("index.title", lang))}</h1>
<ul>{"".join(items)}</ul></body></html>
"""
