"""The result sections of an annual report: headline, profile, elements, gaps, trajectory,
change, strengths and weaknesses, self-assessment and priorities.

Each function takes the dict of :func:`smartcity_eval.reports.content.report_data` and
displays one section (:func:`smartcity_eval.reports.markup.emit`): a heading and a short
explanation in the report's language (:mod:`smartcity_eval.messages`), then figures
(:mod:`smartcity_eval.present.plots`) and tables. They compute nothing but formats and
labels, so the numbers a reader sees are the library's.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from smartcity_eval import vocab
from smartcity_eval.messages import t
from smartcity_eval.present import plots
from smartcity_eval.reports import markup as h
from smartcity_eval.reports.markup import CSS, fmt
from smartcity_eval.reports.published import fmt_tolerance, rank_items, reproduction_lines
from smartcity_eval.reports.worker import HEADLINE_MIME
from smartcity_eval.scoring.bands import round_half_up

__all__ = [
    "header",
    "headline",
    "key_messages",
    "profile",
    "elements",
    "gaps",
    "trajectory",
    "change",
    "strengths",
    "self_assessment",
    "priorities",
]


def header(report: dict[str, Any]) -> None:
    """Title, region and year, the dataset, the illustrative notice where due, and how to read."""
    m = report["meta"]
    lang = h.lang_of(report)
    notice = (
        f'<div class="notice">⚠ {h.esc(t("notice.illustrative", lang))}</div>'
        if m["illustrative"]
        else ""
    )
    h.emit(
        CSS
        + h.wrap(
            f"{notice}<h1>{h.esc(t('report.title', lang))}</h1>"
            f'<p class="sub">{h.esc(t("report.subtitle", lang, region=m["region"], year=m["year"]))}'
            f" · {h.esc(t('report.dataset', lang, title=m['title']))}</p>"
            + (f'<p class="explain">{h.esc(m["description"])}</p>' if m.get("description") else "")
            + f'<p class="explain">{h.esc(t("report.reading", lang, unit=m["unit"]))}</p>'
        )
    )


def headline(report: dict[str, Any]) -> None:
    """The index, its band (where the tree has bands), rank among the regions, the change
    on last year and the masterplan target; then the other trees' indices."""
    lang = h.lang_of(report)
    m = report["meta"]
    cards = report["headline"]
    parts = []
    for k, card in enumerate(cards):
        lines = []
        if card.get("rank") is not None and card["n"] > 1:
            lines.append(h.esc(t("headline.rank", lang, rank=card["rank"], n=card["n"])))
        for by in ("kind", "province"):  # within the region's kind and province (regions.csv)
            if card.get(f"rank_{by}") is not None and card.get(f"n_{by}", 0) > 1:
                values = {by: card[by], "rank": card[f"rank_{by}"], "n": card[f"n_{by}"]}
                lines.append(h.esc(t(f"headline.rank_{by}", lang, **values)))
        if card.get("previous_year") is None:
            lines.append(h.esc(t("headline.first_year", lang)))
        elif math.isnan(card["change"]):
            lines.append(h.esc(t("headline.no_previous", lang, prev=card["previous_year"])))
        else:
            klass = "up" if card["change"] > 0 else ("down" if card["change"] < 0 else "")
            lines.append(
                f'<span class="{klass}">'
                + h.esc(
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
                h.esc(t("headline.band", lang, band=""))
                + f'<span class="pill">{h.esc(card["band"])}</span>'
            )
        target = card.get("target")
        if target is not None and not math.isnan(target):
            band = plots.BAND_TEXT.get(card.get("target_band_en", ""), "#1f2933")
            line = h.esc(_target_text(card, lang, fmt(target))) + (
                f' <span style="color:{band};font-weight:700">{h.esc(card.get("target_band", ""))}'
                f" ({h.esc(h.share(card.get('target_pct')))} %)</span>"
            )
            if card.get("target_status"):
                colour = plots.STATUS_COLOURS.get(card.get("target_status_en", ""), "#1f2933")
                line += (
                    f' · <span style="color:{colour};font-weight:700">'
                    f"{h.esc(card['target_status'])}</span>"
                )
            lines.append(line)
        # the "published vs recomputed" line of each published number (reports/published.py)
        lines.extend(h.esc(x) for x in reproduction_lines(report.get("letter"), card["code"], lang))
        rendered = "".join(f'<div class="line">{line}</div>' for line in lines)
        # the published value where there is one, else the score as published (half-up)
        shown = card.get("shown", round_half_up(card["score"]))
        value = fmt(shown) if not math.isnan(card["score"]) else t("headline.missing", lang)
        parts.append(
            f'<div class="card{" main" if k == 0 else ""}"><div class="name">{h.esc(card["label"])}'
            f' <code>{h.esc(card["code"])}</code></div><div class="value">{h.esc(value)}</div>'
            f'<div class="unit">{h.esc(m["unit"])} · {h.esc(m["year"])}</div>{rendered}</div>'
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
    h.emit(
        h.wrap(
            h.heading("sec.headline", lang)
            + f'<div class="cards">{"".join(parts)}</div>'
            + _letter(report, lang)
        ),
        {HEADLINE_MIME: json.loads(json.dumps(data))},
    )


def _letter(report: dict[str, Any], lang: str) -> str:
    """The published values of the region and year, each with its reproduction: the
    recomputed value, the difference, the tolerance the published precision implies, and
    the verdict (match, mismatch, not computable)."""
    from smartcity_eval import vocab

    table = report.get("letter")
    ranks = rank_items(report)  # published ranks (published_ranks.csv), as HTML list items
    if table is None or table.empty:
        return f"<h3>{h.esc(t('letter.title', lang))}</h3>{ranks}" if ranks else ""
    shown = table.assign(status_text=[t(f"letter.{s}", lang) for s in table["status"]])
    colour = {vocab.REPRODUCE_MATCH: "#1a7f37", vocab.REPRODUCE_MISMATCH: "#b42318"}
    styles = [f"color:{colour.get(str(s), '#1f2933')};font-weight:700" for s in table["status"]]
    note = "" if report.get("has_items", True) else h.message(t("letter.only_published", lang))
    columns = {
        "code": t("label.code", lang),
        "label": t("label.name", lang),
        "published": t("letter.published", lang),
        "computed": t("letter.computed", lang),
        "difference": t("label.difference", lang),
        "tolerance": t("letter.tolerance", lang),
        "status_text": t("label.status", lang),
    }
    if "published_note" in shown and shown["published_note"].astype(bool).any():
        columns["published_note"] = t("label.note", lang)  # published.csv's note, in lang
    html_table = h.table(
        shown,
        columns,
        formats={
            "difference": lambda v: fmt(v, 3, sign=True),
            "computed": lambda v: fmt(v, 3),
            "tolerance": fmt_tolerance,
        },
        cell_style={"status_text": styles},
    )
    return f"<h3>{h.esc(t('letter.title', lang))}</h3>{note}{ranks}{html_table}"


def key_messages(report: dict[str, Any]) -> None:
    """Three to six key messages, each linked to the section whose table it summarises
    (:func:`smartcity_eval.reports.tables.key_messages`)."""
    lang = h.lang_of(report)
    frame = report.get("messages")
    if frame is None or frame.empty:
        return
    items = "".join(
        f'<li>{h.esc(text)} <a href="#{h.esc(section)}">→ {h.esc(t(section, lang))}</a></li>'
        for section, text in zip(frame["section"], frame["text"], strict=True)
    )
    h.emit(h.wrap(h.heading("sec.key_messages", lang) + f'<ul class="key">{items}</ul>'))


def profile(report: dict[str, Any]) -> None:
    """The pillars as a radar chart against the peer median and the masterplan target."""
    lang = h.lang_of(report)
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
        table = h.table(
            p,
            {"label": t("label.pillar", lang), "score": t("label.score", lang)},
        )
        h.emit(h.wrap(h.heading("sec.profile", lang, text) + table))
        return
    lo, hi, scale = radar_limits(p, m.get("lo"), m.get("hi"))
    text += " " + t(
        "text.radar_scale" if scale else "text.radar_zoom", lang, lo=fmt(lo, 1), hi=fmt(hi, 1)
    )
    title = t("fig.radar", lang, region=m["region"], year=m["year"])
    fig = plots.radar(
        list(p["label"]),
        list(p["score"]),
        peer=list(p["peer_median"]),
        target=list(p["target"]) if p["target"].notna().any() else None,
        lo=lo,
        hi=hi,
        title=title,
        value_label=h.axis_score(report),
        axis_label=t("axis.pillar", lang),
        names={
            "region": m["region"],
            "peer": t("label.peer_median", lang),
            "target": _target_name(report, lang),
        },
    )
    shown = p.assign(score=_published_or_score(p))
    table = h.table(
        shown,
        {
            "label": t("label.pillar", lang),
            "score": t("label.score", lang),
            "peer_median": t("label.peer_median", lang),
            "target": t("label.target", lang),
        },
    )
    h.emit(h.wrap(h.heading("sec.profile", lang, text) + h.figure(fig, title) + table))


def _published_or_score(profile: pd.DataFrame) -> list[float]:
    """Each pillar's published value where the dataset has one, else its computed score
    (they agree to the published precision: ``reproduce`` checks it)."""
    if "published" not in profile:
        return list(profile["score"])
    return [
        float(pub) if pd.notna(pub) else float(score)
        for pub, score in zip(profile["published"], profile["score"], strict=True)
    ]


def radar_limits(profile: pd.DataFrame, lo: Any, hi: Any) -> tuple[float, float, bool]:
    """The radial limits of the pillar radar: the framework's whole scale (e.g. 1-5) when it
    has bounds, so that every report's radar is comparable (``True``); else the data to
    half units (``False``: the caption says the axis is zoomed)."""
    if lo is not None and hi is not None and not (math.isnan(lo) or math.isnan(hi)):
        return float(lo), float(hi), True
    values = pd.concat([profile["score"], profile["peer_median"], profile["target"]]).dropna()
    low = math.floor(2 * float(values.min())) / 2 - 0.5 if len(values) else 0.0
    high = math.ceil(2 * float(values.max())) / 2 + 0.5 if len(values) else 1.0
    return low, high, False


def _target_name(report: dict[str, Any], lang: str) -> str:
    """The legend name of the pillar targets by their origin (masterplan or default)."""
    origins = [str(o) for o in report["targets"].get("target_source", []) if str(o)]
    origin = origins[0] if origins and len(set(origins)) == 1 else ""
    return t(f"origin.{origin}", lang).capitalize() if origin else t("label.target", lang)


def _target_text(card: dict[str, Any], lang: str, target: str) -> str:
    """ "masterplan target 3.10:" or "default target 3.25:" by the target's origin."""
    origin = card.get("target_origin_text")
    if origin:
        return t("headline.target_of", lang, origin=origin, target=target)
    return t("headline.target", lang, target=target)


def elements(report: dict[str, Any]) -> None:
    """Element scores across the years as a heat map."""
    lang = h.lang_of(report)
    m = report["meta"]
    matrix = report["elements"]
    if matrix.empty or matrix.shape[1] == 0:
        h.emit(h.wrap(h.heading("sec.heatmap", lang) + h.message(t("headline.missing", lang))))
        return
    years = list(matrix.columns)
    key = "fig.heatmap" if years[0] != years[-1] else "fig.heatmap_one"
    title = t(key, lang, region=m["region"], first=years[0], last=years[-1])
    lo, hi = m["lo"], m["hi"]
    fig = plots.heatmap_svg(  # the heat map drawn directly as SVG (issue 17)
        matrix,
        title=title,
        xlabel=t("axis.year", lang),
        ylabel=t("axis.element", lang),
        colorbar_label=h.axis_score(report),
        vmin=None if lo is None or math.isnan(lo) else lo,
        vmax=None if hi is None or math.isnan(hi) else hi,
        highlight_column=m["year"],
    )
    h.emit(h.wrap(h.heading("sec.heatmap", lang, t("text.heatmap", lang)) + h.figure(fig, title)))


def _opening(report: dict[str, Any], key: str, section: str) -> tuple[str, dict, Any, str]:
    """``(lang, meta, report[key], heading)`` of a section: its heading ``sec.<section>``
    with the explanation ``text.<section>``."""
    lang = h.lang_of(report)
    head = h.heading(f"sec.{section}", lang, t(f"text.{section}", lang))
    return lang, report["meta"], report[key], head


def gaps(report: dict[str, Any]) -> None:
    """The gap table coloured by achievement band, with a bar chart of achievement."""
    lang, m, table, head = _opening(report, "targets", "gaps")
    if table.empty:
        h.emit(
            h.wrap(head + h.message(t("msg.no_targets", lang, region=m["region"], year=m["year"])))
        )
        return
    colours = [plots.band_colour(b) for b in table["band"]]
    html_table = h.table(
        table,
        {
            "code": t("label.code", lang),
            "label": t("label.name", lang),
            "actual": t("label.actual", lang),
            "target": t("label.target", lang),
            "gap": t("label.gap", lang),
            "pct_achieved": t("label.achievement", lang),
            "band_text": t("label.band", lang),
            "origin_text": t("label.origin", lang),
        },
        formats={"pct_achieved": lambda v: h.share(v, 1)},
        row_style=colours,
    )
    h.emit(h.wrap(head + html_table))


def trajectory(report: dict[str, Any]) -> None:
    """Small multiples of the path to each masterplan target."""
    lang, m, paths, head = _opening(report, "trajectory", "trajectory")
    if paths.empty:
        text = (
            t("msg.no_trajectory", lang)
            if len(report["targets"])
            else t("msg.no_targets", lang, region=m["region"], year=m["year"])
        )
        h.emit(h.wrap(head + h.message(text)))
        return
    status_col = "status_text"  # the display word of each status (messages.py)
    title = t("fig.trajectory", lang, region=m["region"])
    shown = paths.assign(
        label=[f"{c} · {lbl}" for c, lbl in zip(paths["code"], paths["label"], strict=True)]
    ).sort_values("level", kind="stable")  # the index and pillars first
    fig = plots.trajectory(
        report["trajectory_series"],
        shown,
        title=title,
        xlabel=t("axis.year", lang),
        ylabel=h.axis_score(report),
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
    table = h.table(
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
    h.emit(h.wrap(head + h.figure(fig, title) + table))


def change(report: dict[str, Any]) -> None:
    """The change of the index and the pillars since the previous year, with their drivers."""
    lang = h.lang_of(report)
    m = report["meta"]
    table = report["change"]
    head = h.heading("sec.change", lang, t("text.change", lang))
    if table.empty or table["previous_year"].isna().all():
        h.emit(h.wrap(head + h.message(t("msg.no_previous", lang, year=m["year"]))))
        return
    colours = [
        "color: #2e7d32; font-weight: 700"
        if (isinstance(v, float) and v > 0)
        else ("color: #c0392b; font-weight: 700" if isinstance(v, float) and v < 0 else "")
        for v in table["change"]
    ]
    html_table = h.table(
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
    h.emit(h.wrap(head + html_table))


def strengths(report: dict[str, Any]) -> None:
    """Strengths and weaknesses against the peers (and the targets, where set)."""
    lang = h.lang_of(report)
    m = report["meta"]
    table = report["strengths"]
    head = h.heading("sec.strengths", lang, t("text.strengths", lang, year=m["year"]))
    if table.empty:
        h.emit(h.wrap(head + h.message(t("headline.missing", lang))))
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
            basis_text=[t(f"basis.{b}", lang) for b in part["basis"]],
            why=[_why(row, lang) for _, row in part.iterrows()],
        )
        blocks.append(
            f"<div><h3>{h.esc(t(key, lang))}</h3>"
            + h.table(
                part,
                {
                    "code": t("label.code", lang),
                    "label": t("label.name", lang),
                    "score": t("label.score", lang),
                    "rank_text": t("label.rank", lang),
                    "basis_text": t("label.basis", lang),
                    "why": t("label.compared_with", lang),
                },
                row_style=[f"background-color: {colour}"] * len(part),
            )
            + "</div>"
        )
    h.emit(h.wrap(head + f'<div class="cols">{"".join(blocks)}</div>'))


def _why(row: pd.Series, lang: str) -> str:
    """What placed a strength or weakness: the peers' median (rows placed by the peers),
    the share of the target and the trajectory status where the item has a target (the
    same numbers as the gap and trajectory sections)."""
    parts = []
    diff = row.get("gap_to_median")
    by_peers = str(row.get("basis")) != vocab.BASIS_TARGET
    if by_peers and diff is not None and not pd.isna(diff):
        parts.append(t("label.vs_median_value", lang, diff=fmt(0.0 - float(diff), sign=True)))
    pct = row.get("pct_achieved")
    if pct is not None and not pd.isna(pct):
        parts.append(t("label.vs_target", lang, pct=h.share(pct)))
    status = str(row.get("status") or "")
    if status:
        parts.append(t(f"status.{status}", lang))
    return " · ".join(parts) or "–"


def self_assessment(report: dict[str, Any]) -> None:
    """Self-assessment against the verified scores, per pillar, with the over-claiming test."""
    lang = h.lang_of(report)
    m = report["meta"]
    table = report["self"]
    from smartcity_eval.analysis.verification import OVERCLAIM_THRESHOLD

    head = h.heading("sec.self", lang, t("text.self", lang, threshold=fmt(OVERCLAIM_THRESHOLD, 1)))
    if table.empty:
        h.emit(h.wrap(head + h.message(t("msg.no_self", lang, region=m["region"], year=m["year"]))))
        return
    pillars = table[table["level"] == 1]
    root = table[table["level"] == 0]
    msg = ""
    if len(root):
        r = root.iloc[0]
        if bool(r["over_claiming"]):
            msg = h.message(
                t("msg.over_claiming", lang, diff=fmt(r["mean_difference"]), p=_p(r["p_sign"]))
            )
        else:
            msg = h.message(
                t(
                    "msg.no_over_claiming",
                    lang,
                    diff=fmt(r["mean_difference"], sign=True),
                    threshold=fmt(OVERCLAIM_THRESHOLD, 1),
                )
            )
    title = t("fig.self", lang, region=m["region"], year=m["year"])
    shown = pillars if len(pillars) else table
    fig = plots.paired_bars(
        list(shown["label"]),
        list(shown["self_score"]),
        list(shown["verified_score"]),
        first_name=t("label.self", lang),
        second_name=t("label.verified", lang),
        title=title,
        xlabel=h.axis_score(report),
        ylabel=t("axis.pillar", lang),
        lo=0,
        hi=None if m["hi"] is None or math.isnan(m["hi"]) else m["hi"],
    )
    yes, no = t("label.yes", lang), t("label.no", lang)
    html_table = h.table(
        table,
        {
            "code": t("label.code", lang),
            "label": t("label.name", lang),
            "n_items": t("label.items", lang),
            "self_score": t("label.self", lang),
            "verified_score": t("label.verified", lang),
            "difference": t("label.score_difference", lang),
            "mean_difference": t("label.mean_difference", lang),
            "p_sign": "p",
            "over_claiming": t("label.over_claiming", lang),
        },
        formats={
            "difference": lambda v: fmt(v, sign=True),
            "mean_difference": lambda v: fmt(v, sign=True),
            "p_sign": _p,
            "over_claiming": lambda v: yes if bool(v) else no,
            "n_items": lambda v: fmt(v, 0),
        },
    )
    h.emit(h.wrap(head + msg + h.figure(fig, title) + html_table))


def _p(value: Any) -> str:
    """A p-value with two significant digits ('–' when missing)."""
    return "–" if value is None or pd.isna(value) else f"{float(value):.2g}"


def priorities(report: dict[str, Any]) -> None:
    """The priority list: items where one more level raises the index most."""
    lang = h.lang_of(report)
    table = report["priorities"]
    head = h.heading("sec.priorities", lang, t("text.priorities", lang))
    if table.empty:
        h.emit(h.wrap(head + h.message(t("msg.no_priorities", lang))))
        return
    if "index" in table:  # say which index the gains raise (the headline index)
        code = str(table["index"].iloc[0])
        name = next((c["label"] for c in report["headline"] if c["code"] == code), code)
        head += h.message(t("text.priorities_index", lang, index=name, code=code))
    html_table = h.table(
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
    h.emit(h.wrap(head + html_table))
