"""Displaying the sections of an annual report in a notebook (one call per section).

Each function takes the dict of :func:`smartcity_eval.reports.content.report_data` and
displays one section: a heading and a short explanation in the report's language
(:mod:`smartcity_eval.messages`), then figures (:mod:`smartcity_eval.present.plots`, embedded as PNG
inside a ``<figure>`` with the title as ``alt`` text) and tables (HTML, pandas ``Styler``).
They compute nothing that is not already in the report dict but formats and labels, so the
numbers a reader sees are the library's.

Outside a notebook (no IPython) the functions still work: :func:`render` returns the
section's HTML instead of displaying it, which the tests use.
"""

from __future__ import annotations

import base64
import html
import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from smartcity_eval.present import plots
from smartcity_eval.messages import t
from smartcity_eval.reports.worker import HEADLINE_MIME

__all__ = [
    "CSS",
    "header",
    "headline",
    "profile",
    "elements",
    "gaps",
    "trajectory",
    "change",
    "strengths",
    "self_assessment",
    "priorities",
    "agreement",
    "coverage",
    "robustness",
    "provenance",
    "all_sections",
    "render",
    "fmt",
]

CSS = """
<style>
.jp-Notebook, body.jp-Notebook {max-width: 1120px; margin: 0 auto !important;}
.sce {font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: #1f2933; line-height: 1.45;}
.sce h1 {font-size: 2rem; margin: .4rem 0 .1rem 0;}
.sce h2 {font-size: 1.35rem; margin: 1.6rem 0 .3rem 0; padding-bottom: .2rem;
  border-bottom: 2px solid #d9e2ec;}
.sce .sub {color: #52606d; font-size: 1.05rem; margin: 0 0 .6rem 0;}
.sce .explain {color: #3e4c59; margin: .2rem 0 .7rem 0; max-width: 70rem;}
.sce .notice {background: #fff4e5; border-left: 6px solid #f0a202; padding: .7rem 1rem;
  margin: .8rem 0; font-weight: 600;}
.sce .msg {background: #f0f4f8; padding: .5rem .8rem; border-radius: 4px; display: inline-block;}
.sce .cards {display: flex; gap: 1rem; flex-wrap: wrap; margin: .6rem 0;}
.sce .card {border: 1px solid #d9e2ec; border-radius: 8px; padding: .8rem 1.1rem; flex: 1 1 14rem;
  background: #f8fafc;}
.sce .card.main {border: 2px solid #1f5fa8; background: #eef4fb; flex: 1.3 1 18rem;}
.sce .card .name {font-size: .95rem; color: #52606d; font-weight: 600;}
.sce .card .value {font-size: 2.6rem; font-weight: 800; color: #1f5fa8; line-height: 1.1;}
.sce .card .unit {font-size: .85rem; color: #52606d;}
.sce .card .line {font-size: .95rem; margin-top: .15rem;}
.sce .up {color: #2e7d32; font-weight: 700;} .sce .down {color: #c0392b; font-weight: 700;}
.sce .pill {display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .85rem;
  font-weight: 700; background: #e4e7eb;}
.sce figure {margin: .6rem 0 1rem 0;} .sce figure img {max-width: 100%; height: auto;}
.sce table.sce-table {border-collapse: collapse; margin: .4rem 0 1rem 0; font-size: .9rem;}
.sce table.sce-table th {background: #f0f4f8; padding: .35rem .6rem; text-align: left;
  border-bottom: 2px solid #bcccdc;}
.sce table.sce-table td {padding: .3rem .6rem; border-bottom: 1px solid #e4e7eb; text-align: left;}
.sce table.sce-table td.num {text-align: right; font-variant-numeric: tabular-nums;}
.sce .cols {display: flex; gap: 2rem; flex-wrap: wrap;}
.sce td.hash {font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .72rem;
  overflow-wrap: anywhere;}
.sce code {font-size: .8rem;}
</style>
"""


# ----------------------------------------------------------------------------- output helpers
class _Html:
    """An object IPython displays as HTML (and, optionally, a headline JSON beside it)."""

    def __init__(self, text: str, extra: Mapping[str, Any] | None = None):
        self.text = text
        self.extra = dict(extra or {})

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/html": self.text, **self.extra}

    def _repr_html_(self) -> str:
        return self.text


_SINK: list[str] | None = None


def _emit(text: str, extra: Mapping[str, Any] | None = None) -> None:
    if _SINK is not None:
        _SINK.append(text)
        return
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover
        print(text)
        return
    display(_Html(text, extra))


def render(section: Callable[[dict[str, Any]], None], report: dict[str, Any]) -> str:
    """The HTML a section function would display (for tests and non-notebook use)."""
    global _SINK
    previous, _SINK = _SINK, []
    try:
        section(report)
        return "\n".join(_SINK)
    finally:
        _SINK = previous


def _e(text: Any) -> str:
    return html.escape(str(text))


def fmt(value: Any, digits: int = 2, sign: bool = False) -> str:
    """A number for display ('–' when missing), ``digits`` decimals, optional sign; the
    Indonesian decimal comma is not used so that numbers read the same in both languages
    and match the CSV outputs."""
    if value is None:
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number):
        return "–"
    return f"{number:+.{digits}f}" if sign else f"{number:.{digits}f}"


def _section(key: str, lang: str, text: str | None = None) -> str:
    body = f'<p class="explain">{_e(text)}</p>' if text else ""
    return f'<h2 id="{_e(key)}">{_e(t(key, lang))}</h2>{body}'


def _msg(text: str) -> str:
    return f'<p class="msg">{_e(text)}</p>'


def _figure(fig: Any, alt: str) -> str:
    data = base64.b64encode(plots.figure_png(fig)).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{_e(alt)}" title="{_e(alt)}">'
        f"<figcaption hidden>{_e(alt)}</figcaption></figure>"
    )


def _table(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    formats: Mapping[str, Callable[[Any], str]] | None = None,
    row_style: Sequence[str] | None = None,
    cell_style: Mapping[str, Sequence[str]] | None = None,
    classes: Mapping[str, str] | None = None,
) -> str:
    """A plain HTML table of ``frame``'s ``columns`` (source -> heading), numbers
    right-aligned, optional per-row / per-cell inline CSS and per-column CSS classes."""
    formats = dict(formats or {})
    head = "".join(f"<th>{_e(h)}</th>" for h in columns.values())
    rows = []
    for i, (_, row) in enumerate(frame.iterrows()):
        cells = []
        for col in columns:
            value = row.get(col)
            if col in formats:
                text = formats[col](value)
            elif isinstance(value, float):
                text = fmt(value)
            else:
                text = (
                    ""
                    if value is None or (isinstance(value, float) and math.isnan(value))
                    else str(value)
                )
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            style = ""
            if cell_style and col in cell_style:
                style = cell_style[col][i]
            elif row_style:
                style = row_style[i]
            css = f' style="{style}"' if style else ""
            names = " ".join(
                n for n in ("num" if numeric else "", (classes or {}).get(col, "")) if n
            )
            klass = f' class="{names}"' if names else ""
            cells.append(f"<td{klass}{css}>{_e(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table class="sce-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _wrap(inner: str) -> str:
    return f'<div class="sce">{inner}</div>'


def _lang(report: dict[str, Any]) -> str:
    return str(report["meta"]["lang"])


def _axis_score(report: dict[str, Any]) -> str:
    return t("axis.score", _lang(report), unit=report["meta"]["unit"])


# ----------------------------------------------------------------------------- sections
def header(report: dict[str, Any]) -> None:
    """Title, region and year, the dataset, the illustrative notice where due, and how to read."""
    m = report["meta"]
    lang = _lang(report)
    notice = (
        f'<div class="notice">⚠ {_e(t("notice.illustrative", lang))}</div>'
        if m["illustrative"]
        else ""
    )
    _emit(
        CSS
        + _wrap(
            f"{notice}<h1>{_e(t('report.title', lang))}</h1>"
            f'<p class="sub">{_e(t("report.subtitle", lang, region=m["region"], year=m["year"]))}'
            f" · {_e(t('report.dataset', lang, title=m['title']))}</p>"
            f'<p class="explain">{_e(t("report.reading", lang, unit=m["unit"]))}</p>'
        )
    )


def headline(report: dict[str, Any]) -> None:
    """The index, its band (where the tree has bands), rank among the regions, the change
    on last year and the masterplan target; then the other trees' indices."""
    lang = _lang(report)
    m = report["meta"]
    cards = report["headline"]
    parts = []
    for k, card in enumerate(cards):
        lines = []
        if card.get("rank") is not None and card["n"] > 1:
            lines.append(_e(t("headline.rank", lang, rank=card["rank"], n=card["n"])))
        if card.get("previous_year") is None:
            lines.append(_e(t("headline.first_year", lang)))
        elif math.isnan(card["change"]):
            lines.append(_e(t("headline.no_previous", lang, prev=card["previous_year"])))
        else:
            klass = "up" if card["change"] > 0 else ("down" if card["change"] < 0 else "")
            lines.append(
                f'<span class="{klass}">'
                + _e(
                    t(
                        "headline.change",
                        lang,
                        change=fmt(card["change"], sign=True),
                        prev=card["previous_year"],
                    )
                )
                + "</span>"
            )
        if card.get("has_bands") and card.get("band"):
            lines.append(
                _e(t("headline.band", lang, band=""))
                + f'<span class="pill">{_e(card["band"])}</span>'
            )
        target = card.get("target")
        if target is not None and not math.isnan(target):
            band = plots.BAND_TEXT.get(card.get("target_band_en", ""), "#1f2933")
            line = _e(t("headline.target", lang, target=fmt(target))) + (
                f' <span style="color:{band};font-weight:700">{_e(card.get("target_band", ""))}'
                f" ({_e(fmt(card.get('target_pct'), 0))} %)</span>"
            )
            if card.get("target_status"):
                colour = plots.STATUS_COLOURS.get(card.get("target_status_en", ""), "#1f2933")
                line += (
                    f' · <span style="color:{colour};font-weight:700">'
                    f"{_e(card['target_status'])}</span>"
                )
            lines.append(line)
        rendered = "".join(f'<div class="line">{line}</div>' for line in lines)
        value = fmt(card["score"]) if not math.isnan(card["score"]) else t("headline.missing", lang)
        parts.append(
            f'<div class="card{" main" if k == 0 else ""}"><div class="name">{_e(card["label"])}'
            f' <code>{_e(card["code"])}</code></div><div class="value">{_e(value)}</div>'
            f'<div class="unit">{_e(m["unit"])} · {_e(m["year"])}</div>{rendered}</div>'
        )
    main = cards[0] if cards else {}
    data = {
        "label": main.get("label"),
        "code": main.get("code"),
        "score": None if not main or math.isnan(main["score"]) else round(main["score"], 6),
        "band": main.get("band") or "",
        "rank": main.get("rank"),
        "n": main.get("n"),
        "change": None
        if not main or math.isnan(main.get("change", math.nan))
        else round(main["change"], 6),
        "previous_year": main.get("previous_year"),
        "digits": 2,
        "region": m["region"],
        "year": m["year"],
    }
    _emit(
        _wrap(_section("sec.headline", lang) + f'<div class="cards">{"".join(parts)}</div>'),
        {HEADLINE_MIME: json.loads(json.dumps(data))},
    )


def profile(report: dict[str, Any]) -> None:
    """The pillars as a radar chart against the peer median and the masterplan target."""
    lang = _lang(report)
    m = report["meta"]
    p = report["profile"]
    text = t(
        "text.profile",
        lang,
        framework=m["framework"],
        region=m["region"],
        n=m["n_regions"],
        year=m["year"],
    )
    if len(p) < 3:
        table = _table(
            p,
            {"label": t("label.pillar", lang), "score": t("label.score", lang)},
        )
        _emit(_wrap(_section("sec.profile", lang, text) + table))
        return
    # the radial axis spans the data (to half units) within the scale, so that differences
    # between pillars show; it is labelled with its unit and ticks
    values = pd.concat([p["score"], p["peer_median"], p["target"]]).dropna()
    lo = math.floor(2 * float(values.min())) / 2 - 0.5 if len(values) else 0.0
    hi = math.ceil(2 * float(values.max())) / 2 + 0.5 if len(values) else 1.0
    if m["lo"] is not None and not math.isnan(m["lo"]):
        lo = max(lo, float(m["lo"]))
    if m["hi"] is not None and not math.isnan(m["hi"]):
        hi = min(hi, float(m["hi"]))
    title = t("fig.radar", lang, region=m["region"], year=m["year"])
    fig = plots.radar(
        list(p["label"]),
        list(p["score"]),
        peer=list(p["peer_median"]),
        target=list(p["target"]) if p["target"].notna().any() else None,
        lo=lo,
        hi=hi,
        title=title,
        value_label=_axis_score(report),
        axis_label=t("axis.pillar", lang),
        names={
            "region": m["region"],
            "peer": t("label.peer_median", lang),
            "target": t("label.target", lang),
        },
    )
    table = _table(
        p,
        {
            "label": t("label.pillar", lang),
            "score": t("label.score", lang),
            "peer_median": t("label.peer_median", lang),
            "target": t("label.target", lang),
        },
    )
    _emit(_wrap(_section("sec.profile", lang, text) + _figure(fig, title) + table))


def elements(report: dict[str, Any]) -> None:
    """Element scores across the years as a heat map."""
    lang = _lang(report)
    m = report["meta"]
    matrix = report["elements"]
    if matrix.empty or matrix.shape[1] == 0:
        _emit(_wrap(_section("sec.heatmap", lang) + _msg(t("headline.missing", lang))))
        return
    years = list(matrix.columns)
    title = t("fig.heatmap", lang, region=m["region"], first=years[0], last=years[-1])
    lo, hi = m["lo"], m["hi"]
    fig = plots.heatmap(
        matrix,
        title=title,
        xlabel=t("axis.year", lang),
        ylabel=t("axis.element", lang),
        colorbar_label=_axis_score(report),
        vmin=None if lo is None or math.isnan(lo) else lo,
        vmax=None if hi is None or math.isnan(hi) else hi,
        highlight_column=m["year"],
    )
    _emit(_wrap(_section("sec.heatmap", lang, t("text.heatmap", lang)) + _figure(fig, title)))


def gaps(report: dict[str, Any]) -> None:
    """The gap table coloured by achievement band, with a bar chart of achievement."""
    lang = _lang(report)
    m = report["meta"]
    table = report["targets"]
    head = _section("sec.gaps", lang, t("text.gaps", lang))
    if table.empty:
        _emit(_wrap(head + _msg(t("msg.no_targets", lang, region=m["region"], year=m["year"]))))
        return
    band_col = "band_id" if lang == "id" else "band"
    colours = [plots.band_colour(b) for b in table["band"]]
    html_table = _table(
        table,
        {
            "code": t("label.code", lang),
            "label": t("label.name", lang),
            "actual": t("label.actual", lang),
            "target": t("label.target", lang),
            "gap": t("label.gap", lang),
            "pct_achieved": t("label.achievement", lang),
            band_col: t("label.band", lang),
        },
        formats={"pct_achieved": lambda v: fmt(v, 1)},
        row_style=colours,
    )
    _emit(_wrap(head + html_table))


def trajectory(report: dict[str, Any]) -> None:
    """Small multiples of the path to each masterplan target."""
    lang = _lang(report)
    m = report["meta"]
    paths = report["trajectory"]
    head = _section("sec.trajectory", lang, t("text.trajectory", lang))
    if paths.empty:
        text = (
            t("msg.no_trajectory", lang)
            if len(report["targets"])
            else t("msg.no_targets", lang, region=m["region"], year=m["year"])
        )
        _emit(_wrap(head + _msg(text)))
        return
    status_col = "status_id" if lang == "id" else "status"
    title = t("fig.trajectory", lang, region=m["region"])
    shown = paths.assign(
        label=[f"{c} · {lbl}" for c, lbl in zip(paths["code"], paths["label"], strict=True)]
    ).sort_values("level", kind="stable")  # the index and pillars first
    fig = plots.trajectory(
        report["trajectory_series"],
        shown,
        title=title,
        xlabel=t("axis.year", lang),
        ylabel=_axis_score(report),
        names={
            "actual": t("label.actual", lang),
            "path": t("label.path", lang),
            "pace": t("label.pace", lang),
            "target": t("label.target", lang),
        },
        status_names=dict(zip(paths["status"], paths[status_col], strict=True)),
    )
    colours = [
        f"color: {plots.STATUS_COLOURS.get(s, '#1f2933')}; font-weight: 700"
        for s in paths["status"]
    ]
    table = _table(
        paths,
        {
            "code": t("label.code", lang),
            "label": t("label.name", lang),
            "current": t("label.actual", lang),
            "target": t("label.target", lang),
            "target_year": t("label.target_year", lang),
            "required_change": t("label.required_pace", lang),
            "actual_change": t("label.actual_pace", lang),
            "projected": t("label.projected", lang),
            status_col: t("label.status", lang),
        },
        formats={"target_year": lambda v: fmt(v, 0)},
        cell_style={status_col: colours},
    )
    _emit(_wrap(head + _figure(fig, title) + table))


def change(report: dict[str, Any]) -> None:
    """The change of the index and the pillars since the previous year, with their drivers."""
    lang = _lang(report)
    m = report["meta"]
    table = report["change"]
    head = _section("sec.change", lang, t("text.change", lang))
    if table.empty or table["previous_year"].isna().all():
        _emit(_wrap(head + _msg(t("msg.no_previous", lang, year=m["year"]))))
        return
    colours = [
        "color: #2e7d32; font-weight: 700"
        if (isinstance(v, float) and v > 0)
        else ("color: #c0392b; font-weight: 700" if isinstance(v, float) and v < 0 else "")
        for v in table["change"]
    ]
    html_table = _table(
        table,
        {
            "code": t("label.code", lang),
            "label": t("label.name", lang),
            "previous_score": f"{t('label.previous', lang)} ({fmt(table['previous_year'].dropna().iloc[0], 0)})",
            "score": f"{t('label.score', lang)} ({m['year']})",
            "change": t("label.change", lang),
            "driver_up_label": t("label.driver_up", lang),
            "driver_down_label": t("label.driver_down", lang),
        },
        formats={"change": lambda v: fmt(v, sign=True)},
        cell_style={"change": colours},
    )
    _emit(_wrap(head + html_table))


def strengths(report: dict[str, Any]) -> None:
    """Strengths and weaknesses against the peers (and the targets, where set)."""
    lang = _lang(report)
    m = report["meta"]
    table = report["strengths"]
    head = _section("sec.strengths", lang, t("text.strengths", lang, year=m["year"]))
    if table.empty:
        _emit(_wrap(head + _msg(t("headline.missing", lang))))
        return
    blocks = []
    for kind, key, colour in (
        ("strength", "label.strength", "#e3f2e5"),
        ("weakness", "label.weakness", "#fbe4e1"),
    ):
        part = table[table["kind"] == kind]
        if part.empty:
            continue
        part = part.assign(
            rank_text=[
                f"{int(r)}/{int(n)}" if pd.notna(r) and pd.notna(n) else "–"
                for r, n in zip(part["peer_rank"], part["n_compared"], strict=True)
            ],
            why=[_why(row, lang) for _, row in part.iterrows()],
        )
        blocks.append(
            f"<div><h3>{_e(t(key, lang))}</h3>"
            + _table(
                part,
                {
                    "code": t("label.code", lang),
                    "label": t("label.name", lang),
                    "score": t("label.score", lang),
                    "rank_text": t("label.rank", lang),
                    "why": t("label.compared_with", lang),
                },
                row_style=[f"background-color: {colour}"] * len(part),
            )
            + "</div>"
        )
    _emit(_wrap(head + f'<div class="cols">{"".join(blocks)}</div>'))


def _why(row: pd.Series, lang: str) -> str:
    """What a strength or weakness is measured against: the peers' median or the target."""
    if str(row.get("basis")) == "targets":
        return t("label.vs_target", lang, pct=fmt(row.get("pct_achieved"), 0))
    diff = row.get("gap_to_median")
    value = math.nan if diff is None or pd.isna(diff) else 0.0 - float(diff)
    return t("label.vs_median_value", lang, diff=fmt(value, sign=True))


def self_assessment(report: dict[str, Any]) -> None:
    """Self-assessment against the verified scores, per pillar, with the over-claiming test."""
    lang = _lang(report)
    m = report["meta"]
    table = report["self"]
    from smartcity_eval.analysis.gaps import OVERCLAIM_THRESHOLD

    head = _section("sec.self", lang, t("text.self", lang, threshold=fmt(OVERCLAIM_THRESHOLD, 1)))
    if table.empty:
        _emit(_wrap(head + _msg(t("msg.no_self", lang, region=m["region"], year=m["year"]))))
        return
    pillars = table[table["level"] == 1]
    root = table[table["level"] == 0]
    msg = ""
    if len(root):
        r = root.iloc[0]
        if bool(r["over_claiming"]):
            msg = _msg(
                t("msg.over_claiming", lang, diff=fmt(r["mean_difference"]), p=f"{r['p_sign']:.2g}")
            )
        else:
            msg = _msg(t("msg.no_over_claiming", lang, diff=fmt(r["mean_difference"], sign=True)))
    title = t("fig.self", lang, region=m["region"], year=m["year"])
    shown = pillars if len(pillars) else table
    fig = plots.paired_bars(
        list(shown["label"]),
        list(shown["self_score"]),
        list(shown["verified_score"]),
        first_name=t("label.self", lang),
        second_name=t("label.verified", lang),
        title=title,
        xlabel=_axis_score(report),
        ylabel=t("axis.pillar", lang),
        lo=0,
        hi=None if m["hi"] is None or math.isnan(m["hi"]) else m["hi"],
    )
    yes, no = t("label.yes", lang), t("label.no", lang)
    html_table = _table(
        table,
        {
            "code": t("label.code", lang),
            "label": t("label.name", lang),
            "n_items": t("label.items", lang),
            "self_score": t("label.self", lang),
            "verified_score": t("label.verified", lang),
            "difference": t("label.difference", lang),
            "p_sign": "p",
            "over_claiming": t("label.over_claiming", lang),
        },
        formats={
            "difference": lambda v: fmt(v, sign=True),
            "p_sign": lambda v: "–" if v is None or pd.isna(v) else f"{float(v):.2g}",
            "over_claiming": lambda v: yes if bool(v) else no,
            "n_items": lambda v: fmt(v, 0),
        },
    )
    _emit(_wrap(head + msg + _figure(fig, title) + html_table))


def priorities(report: dict[str, Any]) -> None:
    """The priority list: items where one more level raises the index most."""
    lang = _lang(report)
    table = report["priorities"]
    head = _section("sec.priorities", lang, t("text.priorities", lang))
    if table.empty:
        _emit(_wrap(head + _msg(t("msg.no_priorities", lang))))
        return
    html_table = _table(
        table,
        {
            "priority": t("label.priority", lang),
            "code": t("label.code", lang),
            "label": t("label.name", lang),
            "parent_label": t("label.element", lang),
            "value": t("label.score", lang),
            "headroom": t("label.headroom", lang),
            "gain_per_level": t("label.gain_per_level", lang),
            "max_gain": t("label.max_gain", lang),
        },
        formats={
            "priority": lambda v: fmt(v, 0),
            "gain_per_level": lambda v: fmt(v, 3),
            "max_gain": lambda v: fmt(v, 3),
        },
    )
    _emit(_wrap(head + html_table))


def agreement(report: dict[str, Any]) -> None:
    """Assessor agreement on this region's items, and the items they disagreed on most."""
    lang = _lang(report)
    m = report["meta"]
    stats = report["agreement"]
    head = _section("sec.agreement", lang, t("text.agreement", lang))
    if not stats:
        _emit(_wrap(head + _msg(t("msg.no_agreement", lang, region=m["region"], year=m["year"]))))
        return
    rows = [
        ("stat.n_items", fmt(stats.get("n_items"), 0)),
        ("stat.n_assessors", fmt(stats.get("n_assessors"), 0)),
        ("stat.alpha_ordinal", fmt(stats.get("alpha_ordinal"), 3)),
        ("stat.alpha_interval", fmt(stats.get("alpha_interval"), 3)),
        ("stat.icc2", fmt(stats.get("icc2"), 3)),
        ("stat.icc2k", fmt(stats.get("icc2k"), 3)),
        ("stat.fleiss_kappa", fmt(stats.get("fleiss_kappa"), 3)),
        (
            "stat.exact_agreement",
            fmt(100 * float(stats.get("exact_agreement") or math.nan), 1) + " %",
        ),
    ]
    frame = pd.DataFrame({"stat": [t(k, lang) for k, _ in rows], "value": [v for _, v in rows]})
    stats_table = _table(
        frame, {"stat": t("label.statistic", lang), "value": t("label.value", lang)}
    )
    spread = report["disagreement"]
    figure = ""
    items = ""
    if len(spread):
        counts = spread["range"].value_counts().sort_index()
        title = t("fig.agreement", lang, region=m["region"], year=m["year"])
        fig = plots.histogram(
            [fmt(v, 1 if float(v) % 1 else 0) for v in counts.index],
            [int(c) for c in counts.to_numpy()],
            title=title,
            xlabel=t("axis.range", lang),
            ylabel=t("axis.items", lang),
        )
        figure = _figure(fig, title)
        top = spread.head(8)
        items = _table(
            top,
            {
                "code": t("label.code", lang),
                "label": t("label.name", lang),
                "n_assessors": t("label.assessors", lang),
                "min": "min",
                "max": "max",
                "range": t("label.range", lang),
                "mean": t("label.mean", lang),
            },
            formats={
                "n_assessors": lambda v: fmt(v, 0),
                "min": lambda v: fmt(v, 1),
                "max": lambda v: fmt(v, 1),
                "range": lambda v: fmt(v, 1),
            },
        )
    _emit(
        _wrap(head + f'<div class="cols"><div>{stats_table}</div><div>{figure}</div></div>' + items)
    )


def coverage(report: dict[str, Any]) -> None:
    """Coverage per pillar, and every missing or imputed value by name."""
    lang = _lang(report)
    cov = report["coverage"]
    missing = report["missing"]
    head = _section("sec.coverage", lang, t("text.coverage", lang))
    total = int(cov["n_indicators"].iloc[0]) if len(cov) else 0
    n_missing = int((missing["status"] == "missing").sum()) if len(missing) else 0
    n_imputed = int((missing["status"] == "imputed").sum()) if len(missing) else 0
    summary = _msg(t("msg.missing_count", lang, n=n_missing, m=n_imputed, total=total))
    cov_table = _table(
        cov,
        {
            "code": t("label.code", lang),
            "label": t("label.name", lang),
            "n_indicators": t("label.indicator", lang),
            "n_missing": t("label.missing", lang),
            "n_imputed": t("label.imputed", lang),
            "coverage": t("label.coverage", lang),
        },
        formats={
            "coverage": lambda v: fmt(100 * v, 1),
            "n_indicators": lambda v: fmt(v, 0),
            "n_missing": lambda v: fmt(v, 0),
            "n_imputed": lambda v: fmt(v, 0),
        },
    )
    if missing.empty:
        listed = _msg(t("msg.no_missing", lang))
    else:
        status_names = {"missing": t("label.missing", lang), "imputed": t("label.imputed", lang)}
        listed = _table(
            missing.assign(status=[status_names.get(s, s) for s in missing["status"]]),
            {
                "code": t("label.code", lang),
                "label": t("label.name", lang),
                "pillar": t("label.pillar", lang),
                "status": t("label.status", lang),
                "value": t("label.value", lang),
                "note": t("label.note", lang),
            },
        )
    _emit(_wrap(head + summary + cov_table + listed))


def robustness(report: dict[str, Any]) -> None:
    """How robust the rank is: rank intervals of every region under varied methods
    (uncertainty analysis) and the choice that moves the ranks most (sensitivity)."""
    lang = _lang(report)
    m = report["meta"]
    rob = report.get("robustness")
    head = _section("sec.robustness", lang, t("text.robustness", lang))
    ranks = rob.get("ranks") if rob else None
    if rob is None or ranks is None or len(ranks) < 2:
        _emit(_wrap(head + _msg(t("msg.no_uncertainty", lang))))
        return
    summary = rob["summary"].iloc[0]
    runs = int(ranks["n_replications"].iloc[0]) if "n_replications" in ranks else 0
    choices = rob.get("choices")
    varied = []
    if choices is not None:
        for choice, alternatives in zip(choices["choice"], choices["alternatives"], strict=True):
            if str(alternatives) not in ("", "none", "nominal"):
                varied.append(t(f"factor.{choice}", lang))
    factor = str(summary.get("top_factor") or "")
    text = t(
        "text.robustness_summary",
        lang,
        rank=fmt(summary["nominal_rank"], 0),
        n=int(summary["n_regions"]),
        runs=runs,
        choices=", ".join(varied) or "–",
        q05=fmt(summary["rank_q05"], 0),
        q95=fmt(summary["rank_q95"], 0),
        best=fmt(summary["best_rank"], 0),
        worst=fmt(summary["worst_rank"], 0),
        share=fmt(100 * float(summary["share_nominal_rank"]), 0),
    )
    if factor:
        text += " " + t("text.robustness_factor", lang, factor=t(f"factor.{factor}", lang))
    title = t("fig.rank_intervals", lang, year=m["year"])
    fig = plots.rank_uncertainty(
        list(ranks["region"]),
        ranks["nominal_rank"].to_numpy(dtype=float),
        ranks["median_rank"].to_numpy(dtype=float),
        ranks["rank_q05"].to_numpy(dtype=float),
        ranks["rank_q95"].to_numpy(dtype=float),
        highlight=m["region"],
        title=title,
        xlabel=t("axis.rank", lang),
        ylabel=t("axis.region", lang),
        nominal_name=t("label.nominal_rank", lang),
        median_name=t("label.median_rank", lang),
        interval_name=t("label.rank_interval_90", lang, runs=runs),
    )
    _emit(_wrap(head + f'<p class="msg">{_e(text)}</p>' + _figure(fig, title)))


def provenance(report: dict[str, Any]) -> None:
    """Input files with SHA-256, package version, methods and parameters, time made."""
    lang = _lang(report)
    p = report["provenance"]
    inputs = pd.DataFrame(p["inputs"])
    files = _table(
        inputs,
        {
            "role": t("label.role", lang),
            "path": t("label.file", lang),
            "bytes": t("label.bytes", lang),
            "sha256": t("label.sha256", lang),
        },
        formats={"bytes": lambda v: f"{int(v):,}", "sha256": lambda v: str(v)},
        classes={"sha256": "hash"},
    )
    settings = {**p.get("methods", {}), **p.get("parameters", {})}
    frame = pd.DataFrame(
        {
            "k": list(settings),
            "v": [
                json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
                for v in settings.values()
            ],
        }
    )
    methods = _table(frame, {"k": t("label.setting", lang), "v": t("label.value", lang)})
    facts = (
        f"<p><b>{_e(t('prov.package', lang))}:</b> smartcity-eval {_e(p['version'])} · "
        f"<b>{_e(t('prov.python', lang))}:</b> {_e(p.get('python', ''))} · "
        f"<b>{_e(t('prov.created', lang))}:</b> {_e(p['created'])}<br>"
        f"<b>{_e(t('prov.fingerprint', lang))}:</b> <code>{_e(p['fingerprint'])}</code></p>"
    )
    _emit(
        _wrap(
            _section("sec.provenance", lang, t("text.provenance", lang))
            + facts
            + f"<h3>{_e(t('prov.inputs', lang))}</h3>"
            + files
            + f"<h3>{_e(t('prov.methods', lang))}</h3>"
            + methods
        )
    )


#: Every section, in the order of the annual report.
SECTIONS: tuple[Callable[[dict[str, Any]], None], ...] = (
    header,
    headline,
    profile,
    elements,
    gaps,
    trajectory,
    change,
    strengths,
    self_assessment,
    priorities,
    agreement,
    coverage,
    robustness,
    provenance,
)


def all_sections(report: dict[str, Any]) -> str:
    """The HTML of the whole report (every section), without a notebook."""
    return "\n".join(render(section, report) for section in SECTIONS)
