"""The SPBE figure of a report: the index of every domain and aspect as horizontal bars.

It draws the table of :func:`smartcity_eval.analysis.spbe.spbe_profile` on the full scale of
the predicate bands (SPBE: 0-5, PermenPANRB 59/2020), with the band edges (1.8, 2.6, 3.5,
4.2) as vertical lines and each band's label above the plot, each bar coloured by the
predicate of its value as published and labelled with that value (two decimals, half-up).
The caller chooses the words (:mod:`smartcity_eval.messages`); the figure is returned, never
shown or saved.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from smartcity_eval.present import numbers, plots
from smartcity_eval.present.svg import without_collection

__all__ = ["PREDICATE_COLOURS", "spbe_bars"]

#: Bar colour of each SPBE predicate, from red (Kurang) to green (Memuaskan), by the English
#: band label (the stable code of bands.csv).
PREDICATE_COLOURS: dict[str, str] = {
    "Poor": "#c0392b",
    "Fair": "#e67e22",
    "Good": "#d4ac0d",
    "Very good": "#58a55c",
    "Satisfactory": "#1e7b3a",
}


@without_collection
def spbe_bars(
    profile: pd.DataFrame,
    *,
    scale: tuple[float, float],
    edges: Sequence[float],
    bands: pd.DataFrame,
    title: str,
    xlabel: str,
):
    """Horizontal bars of the domains (bold) and their aspects (indented) of ``profile``
    (the rows of level 1 and 2 of :func:`~smartcity_eval.analysis.spbe.spbe_profile`), on the
    axis ``scale`` (lowest, highest: the full scale, never zoomed), with a dashed line at
    each of ``edges`` and the labels of ``bands`` (columns label, lower, upper) above the
    axis. Each bar is written with its value as published (``shown``) and its predicate;
    the index itself (level 0) is the solid blue line."""
    rows = profile[profile["level"] >= 1].reset_index(drop=True)
    n = len(rows)
    fig, ax = plots._new(9.0, max(3.0, 0.42 * n + 1.9))
    y = np.arange(n)
    shown = rows["shown"].to_numpy(dtype=float)
    colours = [PREDICATE_COLOURS.get(str(b), plots.PEERS) for b in rows["band"]]
    heights = [0.72 if lvl == 1 else 0.5 for lvl in rows["level"]]
    ax.barh(y, shown, height=heights, color=colours, edgecolor="#1f2933", linewidth=0.4)
    lo, hi = float(scale[0]), float(scale[1])
    for edge in edges:
        ax.axvline(float(edge), color="#52606d", linestyle="--", linewidth=0.9, zorder=0)
    for label, lower, upper in zip(bands["label"], bands["lower"], bands["upper"], strict=True):
        ax.text(
            (max(float(lower), lo) + min(float(upper), hi)) / 2,
            -0.9,
            str(label),
            ha="center",
            va="bottom",
            fontsize=8,
            color="#3e4c59",
        )
    for i, (value, predicate) in enumerate(zip(shown, rows["predicate"], strict=True)):
        if np.isfinite(value):
            ax.text(
                value + 0.05,
                y[i],
                f"{numbers.fmt(value)} {predicate}",
                va="center",
                fontsize=8.5,
                fontweight="bold" if rows["level"].iloc[i] == 1 else "normal",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
                zorder=5,
            )
    index = profile[profile["level"] == 0]
    if len(index) and np.isfinite(float(index["shown"].iloc[0])):
        value = float(index["shown"].iloc[0])
        ax.axvline(value, color=plots.REGION, linewidth=1.6, zorder=3)
        ax.text(
            value,
            n - 0.45,
            f" {index['name'].iloc[0]} {numbers.fmt(value)} {index['predicate'].iloc[0]}",
            color=plots.REGION,
            fontsize=8.5,
            fontweight="bold",
            va="top",
            ha="center",
            bbox={"facecolor": "white", "edgecolor": plots.REGION, "pad": 2},
            zorder=5,
        )
    names = [
        plots._wrap(str(name), 40) if lvl == 1 else "   " + plots._wrap(str(name), 38)
        for name, lvl in zip(rows["name"], rows["level"], strict=True)
    ]
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=8.5)
    for tick, lvl in zip(ax.get_yticklabels(), rows["level"], strict=True):
        tick.set_fontweight("bold" if lvl == 1 else "normal")
    ax.set_ylim(n + 0.3, -1.2)
    ax.set_xlim(lo, hi)
    ax.set_xlabel(xlabel)
    plots._title(ax, title, pad=14)
    ax.grid(axis="x", alpha=0.2)
    return fig
