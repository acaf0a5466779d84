"""The SPBE section of an annual report: the index, domain and aspect indices with predicates.

Shown when the dataset scores an SPBE tree (``spbe_2020``) for the report's region and year
(``report["spbe"]``, :func:`smartcity_eval.analysis.spbe.spbe_tables`): a horizontal bar chart
of the domains and aspects on the full scale of the predicate bands
(:func:`smartcity_eval.present.spbe_figures.spbe_bars`) and a table of the index, the domains
and the aspects, each value as published (two decimals, half-up) with the predicate of that
value, as the SPBE evaluation reports them (PermenPANRB 59/2020). Nothing is computed here.
"""

from __future__ import annotations

from typing import Any

from smartcity_eval.messages import t
from smartcity_eval.present import spbe_figures
from smartcity_eval.reports import markup as h
from smartcity_eval.reports.markup import fmt

__all__ = ["spbe"]


def _band_text(bands: Any) -> str:
    """The predicate bands as text: "Kurang < 1.80 ≤ Cukup < 2.60 ≤ ... ≤ 5.00"."""
    parts = []
    for k, (label, upper) in enumerate(zip(bands["label"], bands["upper"], strict=True)):
        sign = "≤" if k == len(bands) - 1 else "<"
        parts.append(f"{label} {sign} {fmt(float(upper))}")
    return " ≤ ".join(parts)


def spbe(report: dict[str, Any]) -> None:
    """The SPBE index of the region and year, and the index and predicate of every domain
    and aspect (a figure and a table); nothing when the report has no SPBE scores."""
    data = report.get("spbe")
    if not data:
        return
    lang = h.lang_of(report)
    m = report["meta"]
    profile = data["profile"]
    title = t("spbe.fig.title", lang, region=m["region"], year=m["year"])
    fig = spbe_figures.spbe_bars(
        profile,
        scale=data["scale"],
        edges=data["edges"],
        bands=data["bands"],
        title=title,
        xlabel=t("spbe.fig.x", lang, lo=fmt(data["scale"][0], 0), hi=fmt(data["scale"][1], 0)),
    )
    text = t("text.spbe", lang, region=m["region"], year=m["year"], bands=_band_text(data["bands"]))
    shown = profile.assign(level_text=[t(f"spbe.level.{v}", lang) for v in profile["level"]])
    weight = [("font-weight:700" if v <= 1 else "") for v in profile["level"]]
    table = h.table(
        shown,
        {
            "code": t("label.code", lang),
            "level_text": t("spbe.col.level", lang),
            "name": t("label.name", lang),
            "weight": t("spbe.col.weight", lang),
            "shown": t("spbe.col.index", lang),
            "predicate": t("spbe.col.predicate", lang),
        },
        formats={"weight": lambda v: fmt(v, 1), "shown": lambda v: fmt(v)},
        row_style=weight,
    )
    h.emit(h.wrap(h.heading("sec.spbe", lang, text) + h.figure(fig, title) + table))
