"""The parts every report figure starts from: a detached matplotlib figure, a title,
wrapped labels and tick locators that make no tick they do not draw.

:mod:`smartcity_eval.present.plots` and :mod:`smartcity_eval.present.spbe_figures` draw
with these; the helpers keep the cost of a figure (issue 17) to the marks it shows.
"""

from __future__ import annotations

from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
from matplotlib.figure import Figure

__all__ = ["DPI", "TicksInView", "figure", "new", "title", "wrap"]

DPI = 100


class TicksInView(matplotlib.ticker.MaxNLocator):
    """``MaxNLocator`` that gives only the ticks inside the axis' view: matplotlib makes
    a tick (two marks, a grid line and two labels) for every location it is given, drawn
    or not, and ``MaxNLocator`` also gives the ticks just outside the view."""

    def __call__(self) -> np.ndarray:
        locs = np.asarray(super().__call__())
        lo, hi = sorted(self.axis.get_view_interval())
        slack = 1e-9 * max(hi - lo, 1e-300)
        return locs[(locs >= lo - slack) & (locs <= hi + slack)]


def figure(width: float, height: float) -> Figure:
    """A new figure (inches), detached from pyplot at once: a notebook shows the returned
    figure once (as the cell's value), not a second time when the inline backend flushes
    pyplot's figures, and a batch of reports never accumulates open figures. Text from
    the data is never read as mathtext."""
    matplotlib.rcParams["text.parse_math"] = False
    fig = plt.figure(figsize=(width, height), dpi=DPI)
    plt.close(fig)
    return fig


def new(width: float, height: float, **kwargs: Any) -> tuple[Figure, Any]:
    """A new :func:`figure` with one axes (``kwargs`` for ``add_subplot``)."""
    fig = figure(width, height)
    return fig, fig.add_subplot(111, **kwargs)


def title(ax: Any, text: str, **kwargs: Any) -> None:
    """The bold title of a figure on cartesian axes, at their top (``y=1``: nothing is
    drawn above them, so matplotlib's search for a clear place, a layout pass over the
    ticks, is skipped; the title lands where the search put it)."""
    ax.set_title(text, fontsize=12, fontweight="bold", y=1.0, **kwargs)


def wrap(text: str, width: int = 18) -> str:
    """``text`` on lines of at most ``width`` characters (words are never split)."""
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return "\n".join(lines)
