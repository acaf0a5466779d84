"""The reports' heat map drawn directly as SVG: a plain grid needs no plotting library.

:func:`heatmap_svg` draws the picture of :func:`smartcity_eval.present.plots.heatmap` (rows
e.g. elements, columns e.g. years, the value written in each cell, the colour scale
"Blues" of matplotlib with its bar, the highlighted column framed in the target colour) as
a few hundred SVG elements, in about a hundredth of the time matplotlib takes to build and
draw the same grid (issue 17). Colours come from matplotlib's colour map, text sizes from
matplotlib's font metrics (the text stays text, in DejaVu Sans as in every other figure),
every number from the one formatter (:mod:`smartcity_eval.present.numbers`). The result is
a :class:`~smartcity_eval.present.svg.DrawnFigure`, which
:func:`~smartcity_eval.present.svg.figure_svg` passes through.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize, to_hex
from matplotlib.font_manager import FontProperties

from smartcity_eval.present import numbers
from smartcity_eval.present.svg import DrawnFigure, text_width

__all__ = ["heatmap_svg", "cell_text", "colour_range"]

_FONT = (
    "'DejaVu Sans', 'Bitstream Vera Sans', 'Computer Modern Sans Serif', 'Lucida Grande', "
    "'Verdana', 'Geneva', 'Lucid', 'Arial', 'Helvetica', 'Avant Garde', sans-serif"
)
_INK, _DARK_CELL, _HIGHLIGHT = "#1f2933", 0.6, "#e07b00"  # _HIGHLIGHT: plots.TARGET
_CELL_W, _CELL_H, _TICK, _PAD = 100.0, 25.0, 3.5, 7.2  # points (1/72 inch)


def cell_text(value: float, pattern: str) -> str:
    """A heat-map cell: ``"{:.Nf}"`` patterns through the one formatter (half up)."""
    match = re.fullmatch(r"\{:\.(\d+)f\}", pattern)
    return numbers.fmt(value, int(match.group(1))) if match else pattern.format(value)


def colour_range(data: np.ndarray, vmin: float | None, vmax: float | None) -> tuple[float, float]:
    """The values at the two ends of the colour scale: ``vmin`` and ``vmax`` where given,
    else the data's own range (a width of one when the data hold a single value)."""
    finite = data[np.isfinite(data)]
    lo = vmin if vmin is not None else (float(finite.min()) if finite.size else 0.0)
    hi = vmax if vmax is not None else (float(finite.max()) if finite.size else 1.0)
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def _text(x: float, y: float, s: str, size: float, **style: Any) -> str:
    """One SVG text element (``y`` its baseline); ``style`` as CSS (``_`` for ``-``)."""
    css = "; ".join(f"{k.replace('_', '-')}: {v}" for k, v in style.items())
    css = f"font-size: {size:g}px; {css}" if css else f"font-size: {size:g}px"
    return f'<text x="{x:.2f}" y="{y:.2f}" style="{css}">{html.escape(s)}</text>'


def _colour_ticks(lo: float, hi: float) -> list[tuple[float, str]]:
    """The colour bar's ticks: matplotlib's own choice for the range, written with the
    decimals their step needs."""
    ticks = [v for v in matplotlib.ticker.AutoLocator().tick_values(lo, hi) if lo <= v <= hi]
    step = min(np.diff(ticks)) if len(ticks) > 1 else 1.0
    digits = max(0, -math.floor(math.log10(step) + 1e-9))
    return [(float(v), numbers.fmt(float(v), digits)) for v in ticks]


def heatmap_svg(
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
) -> DrawnFigure:
    """The heat map of a wide table (the arguments of :func:`plots.heatmap
    <smartcity_eval.present.plots.heatmap>`): values written in the cells, NaN cells left
    blank, ``colorbar_label`` naming the value and its unit."""
    data = matrix.to_numpy(dtype=float)
    n_rows, n_cols = data.shape
    lo, hi = colour_range(data, vmin, vmax)
    cmap, norm = plt.get_cmap("Blues"), Normalize(lo, hi)
    width, height = n_cols * _CELL_W, n_rows * _CELL_H
    rows = [str(r) for r in matrix.index]
    row_w = max((text_width(r, FontProperties(size=8.5)) for r in rows), default=0.0)
    left = -(_TICK + 3.5 + row_w + 6.0 + 10.0)  # the y label's baseline
    parts: list[str] = []
    for i in range(n_rows):  # cells, white edges, values
        for j in range(n_cols):
            value = data[i, j]
            fill = to_hex(cmap(norm(value))) if np.isfinite(value) else "#ffffff"
            parts.append(
                f'<rect x="{j * _CELL_W:.2f}" y="{i * _CELL_H:.2f}" width="{_CELL_W:.2f}" '
                f'height="{_CELL_H:.2f}" fill="{fill}" stroke="#ffffff" stroke-width="1.2"/>'
            )
            if np.isfinite(value):
                dark = (value - lo) / (hi - lo) > _DARK_CELL
                parts.append(
                    _text((j + 0.5) * _CELL_W, (i + 0.5) * _CELL_H + 2.9, cell_text(value, fmt),
                          8, fill="#ffffff" if dark else _INK, text_anchor="middle")
                )  # fmt: skip
    columns = list(matrix.columns)
    if highlight_column is not None and highlight_column in columns:
        j = columns.index(highlight_column)
        parts.append(
            f'<rect x="{j * _CELL_W:.2f}" y="0" width="{_CELL_W:.2f}" height="{height:.2f}" '
            f'fill="none" stroke="{_HIGHLIGHT}" stroke-width="2"/>'
        )
    ticks = []
    for i, name in enumerate(rows):  # row labels with their ticks
        y = (i + 0.5) * _CELL_H
        ticks.append(f"M0 {y:.2f}h{-_TICK}")
        parts.append(_text(-_TICK - 3.5, y + 3.0, name, 8.5, text_anchor="end"))
    for j, name in enumerate(columns):  # column labels with their ticks
        x = (j + 0.5) * _CELL_W
        ticks.append(f"M{x:.2f} {height:.2f}v{_TICK}")
        parts.append(_text(x, height + _TICK + 3.5 + 9.0, str(name), 10, text_anchor="middle"))
    parts.append(_text(width / 2, height + 38.0, xlabel, 10, text_anchor="middle"))
    parts.append(
        f'<text transform="translate({left:.2f} {height / 2:.2f}) rotate(-90)" '
        f'style="font-size: 10px; text-anchor: middle">{html.escape(ylabel)}</text>'
    )
    parts.append(_text(width / 2, -8.0, title, 12, font_weight="bold", text_anchor="middle"))
    # the colour bar: matplotlib's colour map as a gradient, its ticks and label
    bar_x, bar_w = width + 10.0, 14.0
    stops = "".join(
        f'<stop offset="{k / 32:.4f}" stop-color="{to_hex(cmap(1 - k / 32))}"/>' for k in range(33)
    )
    parts.append(
        f'<defs><linearGradient id="scale" x1="0" y1="0" x2="0" y2="1">{stops}'
        f'</linearGradient></defs><rect x="{bar_x:.2f}" y="0" width="{bar_w:.2f}" '
        f'height="{height:.2f}" fill="url(#scale)" stroke="{_INK}" stroke-width="0.8"/>'
    )
    label_w = 0.0
    for value, text in _colour_ticks(lo, hi):
        y = height * (1 - (value - lo) / (hi - lo))
        ticks.append(f"M{bar_x + bar_w:.2f} {y:.2f}h{_TICK}")
        parts.append(_text(bar_x + bar_w + _TICK + 3.5, y + 3.6, text, 10))
        label_w = max(label_w, text_width(text, FontProperties(size=10)))
    right = bar_x + bar_w + _TICK + 3.5 + label_w + 6.0 + 10.0
    parts.append(
        f'<text transform="translate({right:.2f} {height / 2:.2f}) rotate(-90)" '
        f'style="font-size: 10px; text-anchor: middle">{html.escape(colorbar_label)}</text>'
    )
    parts.append(f'<path d="{" ".join(ticks)}" stroke="{_INK}" stroke-width="0.8" fill="none"/>')
    title_w = text_width(title, FontProperties(size=12, weight="bold"))
    x0 = min(left - 12.0, width / 2 - title_w / 2) - _PAD
    x1 = max(right + 2.0, width / 2 + title_w / 2) + _PAD
    y0, y1 = -8.0 - 12.0 - _PAD, height + 38.0 + 3.0 + _PAD
    w, h = x1 - x0, y1 - y0
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.2f}pt" height="{h:.2f}pt" '
        f'viewBox="{x0:.2f} {y0:.2f} {w:.2f} {h:.2f}" role="img">'
        f"<title>{html.escape(title)}</title>"
        f'<rect x="{x0:.2f}" y="{y0:.2f}" width="{w:.2f}" height="{h:.2f}" fill="#ffffff"/>'
        f'<g style="font-family: {html.escape(_FONT, quote=False)}; fill: {_INK}">'
        f"{''.join(parts)}</g></svg>"
    )
    return DrawnFigure(svg.encode("utf-8"), w / 72, h / 72)
