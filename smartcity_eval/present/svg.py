"""A matplotlib figure as a compact SVG, drawn once (the reports' figure format).

``savefig(..., format="png", bbox_inches="tight")`` draws a figure twice (once to measure
it, once to paint it) and then rasterises and compresses every pixel at print resolution;
it was most of a report's cost (issue 17). :func:`figure_svg` draws the figure once with
matplotlib's SVG renderer, measures its tight bounding box with the same renderer (text
sizes are cached from the draw), and crops by setting the SVG's ``viewBox``; the result is
the same picture, cropped like ``bbox_inches="tight"`` (padding 0.1 inch), in about a
third of the time and a quarter of the bytes.

Text stays text (``svg.fonttype = "none"``: the viewer draws it with DejaVu Sans or the
next sans-serif font of matplotlib's list; anchors keep alignments), images inside a
figure (the heat map's cells) stay raster at ``image_dpi``. The output is byte-stable: no
date, and the ids of clip paths come from a fixed salt.
"""

from __future__ import annotations

import io
import re
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG

__all__ = ["figure_svg"]

#: matplotlib's rc settings for the reports' SVG: text as text, stable ids, inline images.
SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "smartcity-eval", "svg.image_inline": True}
_ROOT = re.compile(r'<svg ([^>]*?)width="[^"]*" height="[^"]*" viewBox="[^"]*"')
_HEAD = re.compile(r"^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)


def figure_svg(
    fig: Any, *, pad: float = 0.1, image_dpi: int = 180, close: bool = True
) -> tuple[bytes, float, float]:
    """``fig`` as SVG bytes cropped to its content (plus ``pad`` inches), with its width
    and height in inches; closes the figure by default."""
    saved_dpi, saved_face = fig.dpi, fig.get_facecolor()
    width, height = fig.get_size_inches()
    buffer = io.StringIO()
    try:
        with matplotlib.rc_context(SVG_RC):
            fig.set_facecolor("white")
            fig.dpi = 72  # the SVG renderer works in points
            svg = RendererSVG(
                width * 72, height * 72, buffer, image_dpi=image_dpi, metadata={"Date": None}
            )
            renderer = MixedModeRenderer(fig, width, height, image_dpi, svg)
            fig.draw(renderer)
            box = fig.get_tightbbox(renderer).padded(pad)
            renderer.finalize()
    finally:
        fig.dpi = saved_dpi
        fig.set_facecolor(saved_face)
        if close:
            plt.close(fig)
    x0, y0 = box.x0 * 72, (height - box.y1) * 72
    w, h = box.width * 72, box.height * 72
    # a white ground under the whole crop: parts outside the canvas (long tick labels,
    # legends placed outside the axes) are not on the figure's own white patch
    ground = f'<rect x="{x0:.2f}" y="{y0:.2f}" width="{w:.2f}" height="{h:.2f}" fill="#ffffff"/>'
    text = _METADATA.sub("", _HEAD.sub("", buffer.getvalue(), count=1), count=1)
    text, found = _ROOT.subn(
        lambda m: (
            f'<svg {m.group(1)}width="{w:.2f}pt" height="{h:.2f}pt" '
            f'viewBox="{x0:.2f} {y0:.2f} {w:.2f} {h:.2f}"'
        ),
        text,
        count=1,
    )
    if not found:  # pragma: no cover - matplotlib changed its SVG header
        raise RuntimeError("unexpected SVG header from matplotlib")
    text = text.replace('<g id="figure_1">', ground + '<g id="figure_1">', 1)
    return text.encode("utf-8"), float(box.width), float(box.height)
