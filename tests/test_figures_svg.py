"""The cheaper report figures of issue 17 show the same picture: the SVG's crop is the one
matplotlib's own ``bbox_inches="tight"`` gives (texts of several lines and a polar clip
included), the heat map's cells are one mesh under the highlight of the year, only the ticks
in view are made, and the garbage collector is paused only while a figure is drawn."""

from __future__ import annotations

import gc
import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from smartcity_eval.present import canvas, plots  # noqa: E402
from smartcity_eval.present.svg import figure_svg, without_collection  # noqa: E402


def _tight_inches(make) -> tuple[float, float]:
    """Width and height (inches) of matplotlib's own tight crop of a fresh figure, measured
    with the SVG backend (the same text metrics as figure_svg)."""
    fig = make()
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.1, dpi=72)
    root = buffer.getvalue().decode("utf-8")
    width, height = re.search(r'<svg [^>]*width="([\d.]+)pt" height="([\d.]+)pt"', root).groups()
    return float(width) / 72, float(height) / 72


def _radar():
    return plots.radar(
        ["Smart governance of the region", "Smart branding", "Smart economy", "Living",
         "Society and its many long words", "Environment"],
        [2.83, 3.04, 2.88, 3.0, 2.92, 3.1],
        peer=[3.06, 3.02, 2.85, 2.97, 2.9, 2.8],
        target=[3.0, 2.8, 2.95, 2.85, 2.9, 2.8],
        lo=1.0, hi=5.0, title="Kab. X 2024: pillar profile", value_label="Score (level 1-5)",
        axis_label="Pillar", names={"region": "Kab. X", "peer": "peers", "target": "target"},
    )  # fmt: skip


def _trajectory():
    series = pd.DataFrame(
        {"code": ["A"] * 3 + ["B"] * 3, "year": [2021, 2022, 2023] * 2,
         "value": [2.4, 2.6, 2.9, 2.6, 2.8, 2.83]}
    )  # fmt: skip
    paths = pd.DataFrame(
        {"code": ["A", "B"], "label": ["A · a long label over two lines of a title", "B · b"],
         "baseline_year": [2021, 2021], "baseline": [2.4, 2.6], "current_year": [2023, 2023],
         "current": [2.9, 2.83], "target_year": [2027, 2027], "target": [3.7, 3.8],
         "projected": [3.83, 3.3], "status": ["on track", "at risk"]}
    )  # fmt: skip
    return plots.trajectory(series, paths, title="Kab. X: trajectory", xlabel="Year",
                            ylabel="Score (level 1-5)")  # fmt: skip


def _bars():
    return plots.paired_bars(
        ["Governance", "Branding"], [3.48, 3.31], [2.83, 3.04], first_name="Self",
        second_name="Verified", title="Kab. X", xlabel="Score", ylabel="Pillar", lo=0, hi=5,
    )  # fmt: skip


def _image():
    fig, ax = canvas.new(5, 3)
    ax.imshow(np.arange(12.0).reshape(3, 4), aspect="auto")
    ax.set_yticks([0, 1, 2], ["a row label much longer than the image is wide", "b", "c"])
    canvas.title(ax, "an image")
    return fig


@pytest.mark.parametrize(
    "make", [_radar, _trajectory, _bars, _image], ids=["radar", "trajectory", "bars", "image"]
)
def test_svg_crop_is_matplotlibs_tight_crop(make):
    width, height = figure_svg(make())[1:]
    tight_w, tight_h = _tight_inches(make)
    # the marks' own boxes against matplotlib's artist boxes: within 1.5 % (an invisible
    # legend frame is in matplotlib's box, not in the ink)
    assert width == pytest.approx(tight_w, rel=0.015)
    assert height == pytest.approx(tight_h, rel=0.015)


def test_svg_keeps_the_figure_and_is_byte_stable():
    fig = _trajectory()
    patch_visible = fig.patch.get_visible()
    first = figure_svg(fig, close=False)[0]
    assert fig.patch.get_visible() == patch_visible and fig.dpi == canvas.DPI  # restored
    assert figure_svg(_trajectory())[0] == first
    text = first.decode("utf-8")
    assert "Kab. X: trajectory" in text and "a long label over two lines" in text


def test_heatmap_cells_are_one_mesh_under_the_year_highlight():
    matrix = pd.DataFrame(
        [[2.8, 2.7, np.nan], [2.25, 3.0, 2.75], [1.0, 5.0, 4.5]],
        index=["A", "B", "C"],
        columns=[2022, 2023, 2024],
    )
    fig = plots.heatmap(matrix, title="t", xlabel="Year", ylabel="Element",
                        colorbar_label="Score", vmin=1, vmax=5, highlight_column=2024)  # fmt: skip
    ax = fig.axes[0]
    meshes = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert len(meshes) == 1
    np.testing.assert_array_equal(meshes[0].get_array().mask.reshape(3, 3)[0], [0, 0, 1])
    assert meshes[0].get_array().reshape(3, 3)[2, 1] == 5.0  # row C, 2023: rows top down
    assert ax.get_ylim() == (2.5, -0.5) and ax.get_xlim() == (-0.5, 2.5)
    assert ax.get_yticks().tolist() == [0, 1, 2]
    assert not ax.xaxis.get_minor_ticks() and not ax.yaxis.get_minor_ticks()
    frame = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(frame) == 1 and frame[0].get_xy() == (1.5, -0.5)
    assert frame[0].get_zorder() > meshes[0].get_zorder()  # the highlight is on top
    assert [t.get_text() for t in ax.texts] == ["2.80", "2.70", "2.25", "3.00", "2.75",
                                                "1.00", "5.00", "4.50"]  # fmt: skip


def test_ticks_in_view_are_the_maxnlocator_ticks_inside_the_limits():
    fig, ax = canvas.new(4, 3)
    ax.plot([2021.0, 2027.0], [2.4, 3.83])
    ax.xaxis.set_major_locator(canvas.TicksInView(4, integer=True))
    lo, hi = ax.get_xlim()
    every = matplotlib.ticker.MaxNLocator(4, integer=True).tick_values(lo, hi)
    shown = ax.xaxis.get_major_locator()()
    assert list(shown) == [v for v in every if lo <= v <= hi] and len(shown) < len(every)


def test_collection_is_paused_while_drawing_and_resumed_as_found():
    seen = []

    @without_collection
    def draw(fail: bool = False):
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("boom")
        return 1

    assert gc.isenabled()
    assert draw() == 1 and gc.isenabled()
    with pytest.raises(ValueError, match="boom"):
        draw(fail=True)
    assert gc.isenabled() and seen == [False, False]
    gc.disable()
    try:
        draw()
        assert not gc.isenabled()  # left off when it was off
    finally:
        gc.enable()


def test_heatmap_svg_shows_every_value_label_and_the_colour_scale():
    import html as html_lib

    from smartcity_eval.present import heatmap_svg as module

    matrix = pd.DataFrame(
        [[2.8, 2.675, np.nan], [2.25, 3.0, 5.0]],
        index=["GOV.SRV · Layanan <Publik>", "B"],
        columns=[2022, 2023, 2024],
    )
    drawn = plots.heatmap_svg(matrix, title="Kab. X: nilai elemen 2022–2024", xlabel="Tahun",
                              ylabel="Elemen", colorbar_label="Nilai (level 1–5)", vmin=1,
                              vmax=5, highlight_column=2024)  # fmt: skip
    data, width, height = figure_svg(drawn)  # passed through as drawn
    assert data == drawn.svg and (width, height) == (drawn.width, drawn.height)
    text = data.decode("utf-8")
    words = [html_lib.unescape(w) for w in re.findall(r"<text[^>]*>([^<]*)</text>", text)]
    # values half up through the one formatter (2.675 -> 2.68), the NaN cell blank
    assert words[:5] == ["2.80", "2.68", "2.25", "3.00", "5.00"]
    for word in ("GOV.SRV · Layanan <Publik>", "B", "2022", "2023", "2024", "Tahun", "Elemen",
                 "Kab. X: nilai elemen 2022–2024", "Nilai (level 1–5)", "1.0", "3.0", "5.0"):  # fmt: skip
        assert word in words
    cells = re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="(#\w+)"'
                       r' stroke="#ffffff"', text)  # fmt: skip
    blues = plt.get_cmap("Blues")
    assert cells[0] == matplotlib.colors.to_hex(blues((2.8 - 1) / 4))  # matplotlib's colours
    assert cells[2] == "#ffffff" and cells[5] == matplotlib.colors.to_hex(blues(1.0))
    assert text.count(f'stroke="{plots.TARGET}"') == 1 and module._HIGHLIGHT == plots.TARGET
    assert "$" not in text and text.count("<svg") == 1
    assert plots.heatmap_svg(matrix, title="t", xlabel="x", ylabel="y",
                             colorbar_label="c").svg.count(b"<text") > 10  # fmt: skip
