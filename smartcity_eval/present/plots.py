"""Figures of the evaluation reports (matplotlib).

Every function takes tidy data and the words to print (titles, axis labels with units:
the caller chooses the language, see :mod:`smartcity_eval.messages`) and returns a
``matplotlib.figure.Figure``; none of them shows or saves it. Every figure has a title and
labelled axes with units. :func:`heatmap_svg` is the heat map drawn directly as SVG (the
reports' form: :mod:`smartcity_eval.present.heatmap_svg`). :func:`figure_png` turns a figure
into PNG bytes, and :func:`style_band_table` colours a table by achievement band (a pandas
``Styler``).

Visual conventions, the same in every figure: the region in blue, its peers in grey,
targets in orange (dashed), achievement bands from green (achieved) to red (far), in the
U4SSC order of :data:`smartcity_eval.analysis.gaps.ACHIEVEMENT_BANDS`.

References
----------
Tufte, E. R. (2001). *The Visual Display of Quantitative Information*, 2nd ed. (small
multiples, data-ink). OECD/JRC (2008). *Handbook on Constructing Composite Indicators*,
step 10, "visualisation of the results" (profiles, rank intervals from the uncertainty
analysis).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from smartcity_eval.messages import t
from smartcity_eval.present import numbers
from smartcity_eval.present.canvas import TicksInView as _TicksInView
from smartcity_eval.present.canvas import figure as _figure
from smartcity_eval.present.canvas import new as _new
from smartcity_eval.present.canvas import title as _title
from smartcity_eval.present.canvas import wrap as _wrap
from smartcity_eval.present.heatmap_svg import cell_text as _cell_text
from smartcity_eval.present.heatmap_svg import colour_range, heatmap_svg
from smartcity_eval.present.svg import without_collection
from smartcity_eval.vocab import (
    BAND_ACHIEVED,
    BAND_FAR,
    BAND_MIDWAY,
    BAND_NEAR,
    STATUS_AT_RISK,
    STATUS_INSUFFICIENT,
    STATUS_OFF_TRACK,
    STATUS_ON_TRACK,
)

__all__ = [
    "REGION",
    "PEERS",
    "TARGET",
    "BAND_COLOURS",
    "BAND_TEXT",
    "STATUS_COLOURS",
    "radar",
    "heatmap",
    "heatmap_svg",
    "trajectory",
    "paired_bars",
    "histogram",
    "rank_uncertainty",
    "rank_window",
    "sensitivity_bars",
    "figure_png",
    "band_colour",
    "style_band_table",
]

REGION = "#1f5fa8"
PEERS = "#8a8f98"
TARGET = "#e07b00"
#: Background colour of each achievement band (keys: the English band names of gaps.py).
BAND_COLOURS: dict[str, str] = {
    BAND_ACHIEVED: "#cfe8d2",
    BAND_NEAR: "#e8f2c4",
    BAND_MIDWAY: "#fbe3b0",
    BAND_FAR: "#f6c7c1",
}
#: Strong colour of each band (bars, text).
BAND_TEXT: dict[str, str] = {
    BAND_ACHIEVED: "#2e7d32",
    BAND_NEAR: "#7a9a12",
    BAND_MIDWAY: "#d08a00",
    BAND_FAR: "#c0392b",
}
#: Colour of each trajectory status (keys: gaps.TRAJECTORY_STATUS).
STATUS_COLOURS: dict[str, str] = {
    STATUS_ON_TRACK: "#2e7d32",
    STATUS_AT_RISK: "#d08a00",
    STATUS_OFF_TRACK: "#c0392b",
    STATUS_INSUFFICIENT: "#8a8f98",
}


@without_collection
def radar(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    peer: Sequence[float] | None = None,
    target: Sequence[float] | None = None,
    lo: float = 0.0,
    hi: float = 5.0,
    title: str,
    value_label: str,
    axis_label: str = "",
    names: Mapping[str, str] | None = None,
) -> Figure:
    """A radar (spider) chart of one region's profile over a few nodes (e.g. six pillars).

    Parameters
    ----------
    labels : one label per spoke, in order.
    values : the region's scores (NaN = missing: the spoke is drawn at ``lo``, marked).
    peer, target : optional second and third profiles (peer median, masterplan target);
        NaN entries are left out of the target line.
    lo, hi : radial limits, in the unit of the scores.
    title : figure title; value_label : the radial axis label with its unit
        (e.g. "Score (level 1-5)"); axis_label : the label of the spokes (e.g. "Pillar").
    names : legend names ``{"region": ..., "peer": ..., "target": ...}``.
    """
    n = len(labels)
    if n < 3:
        raise ValueError("a radar chart needs at least three spokes")
    names = dict(names or {})
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    closed = np.concatenate([angles, angles[:1]])
    fig, ax = _new(7.2, 6.4, projection="polar")
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(lo, hi)

    def ring(data: Sequence[float]) -> np.ndarray:
        arr = np.asarray(data, dtype=float)
        return np.concatenate([arr, arr[:1]])

    vals = np.asarray(values, dtype=float)
    shown = np.where(np.isnan(vals), lo, vals)
    region_name = names.get("region", t("plot.region"))
    ax.plot(closed, ring(shown), color=REGION, linewidth=2.2, label=region_name)
    ax.fill(closed, ring(shown), color=REGION, alpha=0.18)
    ax.scatter(angles, shown, color=REGION, s=22, zorder=3)
    if peer is not None:
        p = np.asarray(peer, dtype=float)
        peer_name = names.get("peer", t("plot.peer_median"))
        ax.plot(closed, ring(p), color=PEERS, linewidth=1.6, label=peer_name)
    if target is not None:
        tg = np.asarray(target, dtype=float)
        if np.isfinite(tg).any():
            if np.isfinite(tg).all():
                ax.plot(
                    closed,
                    ring(tg),
                    color=TARGET,
                    linewidth=1.8,
                    linestyle="--",
                    label=names.get("target", t("plot.target")),
                )
            else:
                ok = np.isfinite(tg)
                ax.scatter(
                    angles[ok],
                    tg[ok],
                    color=TARGET,
                    marker="D",
                    s=30,
                    zorder=4,
                    label=names.get("target", t("plot.target")),
                )
    for angle, value in zip(angles, vals, strict=True):
        text = numbers.fmt(value)
        ax.annotate(
            text,
            (angle, (lo if math.isnan(value) else value)),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=8.5,
            color=REGION,
            fontweight="bold",
            zorder=5,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
        )
    ax.set_xticks(angles)
    ax.set_xticklabels([_wrap(lbl) for lbl in labels], fontsize=9)
    ax.tick_params(axis="x", pad=14)
    ax.set_rlabel_position(180 / n)  # radial tick labels between the first two spokes
    ax.tick_params(axis="y", labelsize=8, colors="#52606d")
    ax.set_ylabel(value_label, labelpad=34, fontsize=9)
    if axis_label:
        ax.set_xlabel(axis_label, fontsize=9, labelpad=10)
    ax.set_title(title, fontsize=12, fontweight="bold", pad=26)
    ax.legend(loc="upper right", bbox_to_anchor=(1.32, 1.12), fontsize=8.5, frameon=False)
    return fig


@without_collection
def heatmap(
    matrix: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    colorbar_label: str,
    vmin: float | None = None,
    vmax: float | None = None,
    fmt: str = "{:.2f}",
    highlight_column: Any = None,
) -> Figure:
    """A heat map of a wide table (rows e.g. elements, columns e.g. years), values written
    in the cells; NaN cells are left blank. ``colorbar_label`` names the value and unit."""
    data = matrix.to_numpy(dtype=float)
    n_rows, n_cols = data.shape
    height = max(3.0, 0.36 * n_rows + 1.6)
    width = max(6.5, 1.15 * n_cols + 4.6)
    fig, ax = _new(width, height)
    lo, hi = colour_range(data, vmin, vmax)
    cmap = plt.get_cmap("Blues").with_extremes(bad="#ffffff")
    # the cells as one mesh of vector quadrilaterals, white edges between them (not an
    # image resampled to print resolution with a grid of minor ticks over it: issue 17)
    image = ax.pcolormesh(
        np.arange(n_cols + 1) - 0.5,
        np.arange(n_rows + 1) - 0.5,
        np.ma.masked_invalid(data),
        cmap=cmap,
        vmin=lo,
        vmax=hi,
        edgecolors="white",
        linewidth=1.2,
    )
    ax.set_xlim(-0.5, n_cols - 0.5)
    ax.set_ylim(n_rows - 0.5, -0.5)  # the first row on top, as a table
    for side in ax.spines.values():
        side.set_visible(False)
    for i in range(n_rows):
        for j in range(n_cols):
            value = data[i, j]
            if np.isfinite(value):
                dark = (value - lo) / (hi - lo) > 0.6
                ax.text(
                    j,
                    i,
                    _cell_text(value, fmt),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if dark else "#1f2933",
                )
    ax.set_xticks(range(n_cols))
    ax.set_xticklabels([str(c) for c in matrix.columns])
    ax.set_yticks(range(n_rows))
    ax.set_yticklabels([str(r) for r in matrix.index], fontsize=8.5)
    if highlight_column is not None and highlight_column in list(matrix.columns):
        j = list(matrix.columns).index(highlight_column)
        ax.add_patch(
            plt.Rectangle(
                (j - 0.5, -0.5), 1, n_rows, fill=False, edgecolor=TARGET, linewidth=2.0, zorder=2
            )  # over the cells and their white edges, under the values
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _title(ax, title)
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label(colorbar_label)
    return fig


@without_collection
def trajectory(
    series: pd.DataFrame,
    paths: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    names: Mapping[str, str] | None = None,
    status_names: Mapping[str, str] | None = None,
    ncols: int = 3,
    max_panels: int = 9,
) -> Figure:
    """Small multiples: one panel per target, the scores so far against the path to it.

    Parameters
    ----------
    series : ``code, year, value`` (the actual values over the years).
    paths : one row per target: ``code, label, baseline_year, baseline, current_year,
        current, target_year, target, projected, status`` (as
        :func:`smartcity_eval.analysis.gaps.trajectory`, with a display ``label``).
    names : legend names ``actual``, ``path``, ``pace``, ``target``.
    status_names : display name of each status (e.g. Indonesian).
    """
    names = dict(names or {})
    rows = paths.head(max_panels)
    n = max(1, len(rows))
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig = _figure(3.6 * ncols + 0.6, 2.7 * nrows + 1.2)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k >= len(rows):
            ax.set_visible(False)
            continue
        row = rows.iloc[k]
        own = series[series["code"] == row["code"]].sort_values("year")
        ax.plot(
            own["year"],
            own["value"],
            color=REGION,
            marker="o",
            linewidth=2,
            label=names.get("actual", t("plot.actual")),
        )
        by, bv = row.get("baseline_year"), row.get("baseline")
        ty, tv = row.get("target_year"), row.get("target")
        if pd.notna(by) and pd.notna(bv) and pd.notna(ty) and pd.notna(tv):
            ax.plot(
                [by, ty],
                [bv, tv],
                color=TARGET,
                linestyle="--",
                linewidth=1.4,
                label=names.get("path", t("plot.path")),
            )
        cy, cv, pv = row.get("current_year"), row.get("current"), row.get("projected")
        if pd.notna(cy) and pd.notna(cv) and pd.notna(pv) and pd.notna(ty) and ty > cy:
            ax.plot(
                [cy, ty],
                [cv, pv],
                color=REGION,
                linestyle=":",
                linewidth=1.4,
                label=names.get("pace", t("plot.pace")),
            )
        if pd.notna(ty) and pd.notna(tv):
            ax.scatter(
                [ty],
                [tv],
                color=TARGET,
                marker="*",
                s=110,
                zorder=4,
                label=names.get("target", t("plot.target")),
            )
        status = str(row.get("status", ""))
        shown = (status_names or {}).get(status, status)
        ax.set_title(
            f"{_wrap(str(row.get('label', row['code'])), 34)}\n{shown}",
            fontsize=9,
            color=STATUS_COLOURS.get(status, "#1f2933"),
            y=1.0,  # at the top of the panel, as in _title
        )
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel(ylabel, fontsize=8)
        ax.tick_params(labelsize=8)
        # few ticks: tick objects are most of the cost of drawing small multiples
        ax.xaxis.set_major_locator(_TicksInView(4, integer=True))
        ax.yaxis.set_major_locator(_TicksInView(4))
        ax.grid(alpha=0.3)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    keep = {lbl: h for h, lbl in zip(handles, labels, strict=True) if lbl and lbl != "None"}
    fig.legend(
        keep.values(),
        keep.keys(),
        loc="upper center",
        ncol=len(keep),
        frameon=False,
        fontsize=9,
        bbox_to_anchor=(0.5, 0.985 - 0.02 * (nrows > 2)),
    )
    fig.suptitle(title, fontsize=12, fontweight="bold", y=0.995)
    # fixed margins in inches (tight_layout costs several draws; the PNG is cropped tight)
    height = fig.get_figheight()
    fig.subplots_adjust(
        left=0.08, right=0.98, bottom=0.55 / height, top=1 - 1.05 / height, hspace=0.75, wspace=0.3
    )
    return fig


@without_collection
def paired_bars(
    labels: Sequence[str],
    first: Sequence[float],
    second: Sequence[float],
    *,
    first_name: str,
    second_name: str,
    title: str,
    xlabel: str,
    ylabel: str,
    lo: float | None = None,
    hi: float | None = None,
) -> Figure:
    """Horizontal pairs of bars (e.g. self-assessment vs verified score, per pillar), with
    the difference written at the end of each pair."""
    n = len(labels)
    fig, ax = _new(8.5, max(2.8, 0.62 * n + 1.5))
    y = np.arange(n)
    a = np.asarray(first, dtype=float)
    b = np.asarray(second, dtype=float)
    ax.barh(y - 0.19, a, height=0.36, color="#f0a35e", label=first_name)
    ax.barh(y + 0.19, b, height=0.36, color=REGION, label=second_name)
    top = np.nanmax(np.concatenate([a, b])) if n else 1.0
    for i in range(n):
        if np.isfinite(a[i]) and np.isfinite(b[i]):
            d = a[i] - b[i]
            ax.text(
                max(a[i], b[i]) + 0.04 * (hi or top),
                y[i],
                numbers.fmt(d, sign=True),
                va="center",
                fontsize=9,
                color="#c0392b" if d > 0 else "#2e7d32",
            )
    ax.set_yticks(y)
    ax.set_yticklabels([_wrap(lbl, 26) for lbl in labels], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(lo if lo is not None else 0, (hi if hi is not None else top) * 1.12)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _title(ax, title)
    ax.legend(loc="lower right", fontsize=8.5, frameon=True)
    ax.grid(axis="x", alpha=0.3)
    return fig


def _region_ticks(ax: Any, labels: list[str], highlight: str | None) -> None:
    """One y tick a region, top to bottom, the highlighted one bold in the region colour."""
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=9)
    for label in ax.get_yticklabels():
        if label.get_text() == highlight:
            label.set_fontweight("bold")
            label.set_color(REGION)
    ax.invert_yaxis()


def _rank_axis_labels(ax: Any, xlabel: str, ylabel: str, title: str) -> None:
    """Integer rank ticks on x, axis labels, the title and a light vertical grid."""
    ax.xaxis.set_major_locator(_TicksInView(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _title(ax, title)
    ax.grid(axis="x", alpha=0.3)


@without_collection
def histogram(
    categories: Sequence[Any],
    counts: Sequence[int],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
) -> Figure:
    """Bars of counts per category (e.g. items by the range of the assessors' scores)."""
    fig, ax = _new(6.5, 3.2)
    x = np.arange(len(categories))
    ax.bar(x, counts, color=REGION, width=0.6)
    for i, c in enumerate(counts):
        ax.text(x[i], c, str(int(c)), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x)
    ax.set_xticklabels([str(c) for c in categories])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _title(ax, title)
    ax.set_ylim(0, max([1, *counts]) * 1.18)
    ax.grid(axis="y", alpha=0.3)
    return fig


def figure_png(fig: Figure, dpi: int = 110, close: bool = True) -> bytes:
    """The figure as PNG bytes, cropped to its content (``bbox_inches="tight"``, which is
    why the figures here use no ``tight_layout``: each layout pass is a full draw);
    closes the figure by default."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    if close:
        plt.close(fig)
    return buffer.getvalue()


def band_colour(band: object) -> str:
    """CSS ``background-color`` declaration for an achievement band ('' when unknown)."""
    colour = BAND_COLOURS.get(str(band))
    return f"background-color: {colour}" if colour else ""


def style_band_table(
    table: pd.DataFrame,
    band_column: str,
    *,
    bands: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    formats: Mapping[str, str] | None = None,
) -> Any:
    """A pandas ``Styler`` of ``table`` whose rows are coloured by achievement band.

    ``band_column`` names the column holding the band to colour by; ``bands`` gives the
    English band name per row when the shown column holds a translation (e.g. ``band_id``).
    ``columns`` limits which cells are coloured (default all); ``formats`` maps column ->
    format string (e.g. ``"{:.2f}"``). The index is hidden.
    """
    keys = list(bands) if bands is not None else [str(b) for b in table[band_column]]
    colours = [band_colour(b) for b in keys]

    def paint(row: pd.Series) -> list[str]:
        css = colours[table.index.get_loc(row.name)]
        return [css if (columns is None or c in columns) else "" for c in row.index]

    styler = table.style.apply(paint, axis=1).hide(axis="index")
    if formats:
        styler = styler.format({k: v for k, v in formats.items() if k in table.columns}, na_rep="–")
    return styler


# ----------------------------------------------------------------------------- robustness
def _legend_below(fig: Figure, ax: Any) -> None:
    """A one-row legend under the axes, with room kept for it (about 0.45 inch)."""
    handles, labels = ax.get_legend_handles_labels()
    height = fig.get_figheight()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    # fixed margins in inches, not tight_layout (a full layout pass per figure): the
    # legend's row, the rank ticks and axis label below, the title above; long tick labels
    # may reach left of the canvas, and the figure is cropped to its content anyway
    fig.subplots_adjust(
        left=min(0.45, 2.4 / fig.get_figwidth()),
        right=0.97,
        bottom=min(0.45, 1.05 / height),
        top=1 - min(0.3, 0.45 / height),
    )


def rank_window(nominal: Sequence[float], position: int | None, rows: int) -> np.ndarray:
    """Indices of at most ``rows`` regions in nominal-rank order (best first, missing
    last): all of them when they fit, else the ``rows`` ranked nearest the region at
    ``position`` (or the best ``rows`` without one)."""
    nominal = np.asarray(nominal, dtype=float)
    order = np.argsort(np.where(np.isnan(nominal), np.inf, nominal), kind="stable")
    if len(order) <= rows:
        return order
    at = 0 if position is None else int(np.flatnonzero(order == position)[0])
    start = min(max(0, at - rows // 2), len(order) - rows)
    return order[start : start + rows]


@without_collection
def rank_uncertainty(
    regions: Sequence[str],
    nominal: Sequence[float],
    median: Sequence[float],
    low: Sequence[float],
    high: Sequence[float],
    *,
    highlight: str | None = None,
    title: str,
    xlabel: str,
    ylabel: str,
    nominal_name: str | None = None,
    median_name: str | None = None,
    interval_name: str | None = None,
    max_rows: int | None = None,
) -> Figure:
    """Rank intervals of an uncertainty analysis (COINr ``plot_uncertainty``; OECD/JRC
    Handbook 2008, step 7): for each region, best nominal rank first, the interval of its
    ranks over the Monte Carlo replications (bar), the median rank (dot) and the nominal
    rank (diamond). Rank 1 is best; the highlighted region in the region colour. Legend
    names default to the English ones of :mod:`smartcity_eval.messages`. With
    ``max_rows``, at most that many regions are drawn: those ranked nearest the highlighted
    one (:func:`rank_window`); the rank axis still spans every region."""
    nominal_name = nominal_name or t("plot.nominal_rank")
    median_name = median_name or t("plot.median_rank")
    interval_name = interval_name or t("plot.rank_interval")
    nominal = np.asarray(nominal, dtype=float)
    median, low, high = (np.asarray(v, dtype=float) for v in (median, low, high))
    names = [str(r) for r in regions]
    n = len(names)
    position = names.index(str(highlight)) if highlight is not None and highlight in names else None
    order = rank_window(nominal, position, max_rows if max_rows else max(n, 1))
    fig, ax = _new(8.5, max(2.8, 0.42 * len(order) + 1.6))
    pos = np.arange(len(order), dtype=float)
    colours = [REGION if names[i] == highlight else PEERS for i in order]
    # one artist per kind (not one per region): the same marks, drawn in one call each;
    # the legend takes its colour from the first row, as it did
    ax.hlines(
        pos,
        low[order],
        high[order],
        colors=colours,
        linewidth=6,
        alpha=0.35,
        capstyle="butt",
        label=interval_name,
    )
    ax.scatter(median[order], pos, c=colours, s=16, zorder=3, label=median_name)
    ax.scatter(
        nominal[order],
        pos,
        marker="D",
        facecolors="none",
        edgecolors=colours,
        linewidths=1.4,
        s=70,
        zorder=4,
        label=nominal_name,
    )
    _region_ticks(ax, [names[i] for i in order], highlight)
    top = np.nanmax(high) if n and np.isfinite(high).any() else 1.0
    ax.set_xlim(0.5, max(float(n), float(top)) + 0.5)
    _rank_axis_labels(ax, xlabel, ylabel, title)
    _legend_below(fig, ax)
    return fig


@without_collection
def sensitivity_bars(
    factors: Sequence[str],
    first_order: Sequence[float],
    total_order: Sequence[float],
    *,
    total_low: Sequence[float] | None = None,
    total_high: Sequence[float] | None = None,
    title: str,
    xlabel: str,
    ylabel: str,
    first_name: str | None = None,
    interaction_name: str | None = None,
    interval_name: str | None = None,
) -> Figure:
    """Variance-based sensitivity indices as stacked bars (COINr ``plot_sensitivity``,
    ``ptype = "bar"``): the first-order index ``S1`` (the choice alone) and the
    interactions ``ST - S1``, together the total-order index ``ST``, both shares of the
    output variance (0-1, negative estimates shown as 0); a whisker for the bootstrap
    interval of ``ST`` when given. Legend names default to the English ones of
    :mod:`smartcity_eval.messages`."""
    first_name = first_name or t("plot.first_order")
    interaction_name = interaction_name or t("plot.interactions")
    interval_name = interval_name or t("plot.total_interval")
    s1 = np.clip(np.asarray(first_order, dtype=float), 0.0, None)
    st = np.clip(np.asarray(total_order, dtype=float), 0.0, None)
    inter = np.clip(st - s1, 0.0, None)
    y = np.arange(len(factors))
    fig, ax = _new(7.5, max(2.4, 0.55 * len(factors) + 1.4))
    ax.barh(y, s1, color=REGION, height=0.55, label=first_name)
    ax.barh(y, inter, left=s1, color=REGION, alpha=0.35, height=0.55, label=interaction_name)
    if total_low is not None and total_high is not None:
        lo = np.clip(np.asarray(total_low, dtype=float), 0.0, None)
        hi = np.clip(np.asarray(total_high, dtype=float), 0.0, None)
        ax.errorbar(
            np.clip(s1 + inter, 0, None),
            y,
            xerr=[np.clip(s1 + inter - lo, 0, None), np.clip(hi - s1 - inter, 0, None)],
            fmt="none",
            ecolor="#333333",
            capsize=3,
            linewidth=1,
            label=interval_name,
        )
    ax.set_yticks(y)
    ax.set_yticklabels([str(f) for f in factors])
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.0, float(np.nanmax(st)) if len(st) else 1.0) * 1.05)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _title(ax, title)
    ax.grid(axis="x", alpha=0.3)
    _legend_below(fig, ax)
    return fig
