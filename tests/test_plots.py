"""Figures of the reports: every figure has a title, labelled axes (with units) and the data."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from smartcity_eval.present import plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def _check_labelled(fig, title: str, xlabel: str, ylabel: str) -> None:
    """Title somewhere on the figure, and every visible axes with both labels (the unit in
    the score label)."""
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    assert axes
    titles = [ax.get_title() for ax in axes] + [fig._suptitle.get_text() if fig._suptitle else ""]
    assert any(title in t for t in titles)
    for ax in axes:
        assert ax.get_xlabel() == xlabel
        assert ax.get_ylabel() == ylabel


def test_radar_has_title_labels_values_and_target():
    fig = plots.radar(
        ["Governance", "Branding", "Economy", "Living", "Society", "Environment"],
        [2.83, 3.04, 2.88, 3.0, 2.92, math.nan],
        peer=[3.06, 3.02, 2.85, 2.97, 2.9, 2.8],
        target=[3.0, 2.8, 2.95, 2.85, 2.9, 2.8],
        lo=2.0,
        hi=4.0,
        title="Kab. X 2023: pillar profile",
        value_label="Score (level 1–5)",
        axis_label="Pillar",
        names={"region": "Kab. X", "peer": "peer median", "target": "target"},
    )
    _check_labelled(fig, "Kab. X 2023: pillar profile", "Pillar", "Score (level 1–5)")
    texts = _texts(fig)
    assert "2.83" in texts and "3.04" in texts and "–" in texts  # values; missing marked
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["Kab. X", "peer median", "target"]
    assert fig.axes[0].get_ylim() == (2.0, 4.0)
    with pytest.raises(ValueError, match="three spokes"):
        plots.radar(["a", "b"], [1, 2], title="t", value_label="v")


def test_radar_partial_target_is_drawn_as_points():
    fig = plots.radar(
        ["a", "b", "c"],
        [1.0, 2.0, 3.0],
        target=[2.0, math.nan, math.nan],
        title="t",
        value_label="Score (level 1–5)",
        axis_label="Pillar",
    )
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "target" in legend


def test_heatmap_writes_every_value_and_labels_the_colour_bar():
    matrix = pd.DataFrame(
        [[2.8, 2.7, np.nan], [2.25, 3.0, 2.75]],
        index=["GOV.SRV · Public service", "GOV.BUR · Bureaucracy"],
        columns=[2021, 2022, 2023],
    )
    fig = plots.heatmap(
        matrix,
        title="Kab. X: element scores 2021–2023",
        xlabel="Year",
        ylabel="Element",
        colorbar_label="Score (level 1–5)",
        vmin=1,
        vmax=5,
        highlight_column=2023,
    )
    ax = fig.axes[0]
    assert ax.get_title() == "Kab. X: element scores 2021–2023"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Year", "Element")
    assert fig.axes[1].get_ylabel() == "Score (level 1–5)"  # the colour bar
    cells = [t.get_text() for t in ax.texts]
    assert cells == ["2.80", "2.70", "2.25", "3.00", "2.75"]  # NaN left blank
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2021", "2022", "2023"]


def test_trajectory_panels_lines_and_status():
    series = pd.DataFrame(
        {
            "code": ["SCI"] * 3 + ["GOV"] * 3,
            "year": [2021, 2022, 2023] * 2,
            "value": [2.4, 2.6, 2.9, 2.6, 2.8, 2.83],
        }
    )
    paths = pd.DataFrame(
        {
            "code": ["SCI", "GOV"],
            "label": ["SCI · Smart City Index", "GOV · Governance"],
            "baseline_year": [2021, 2021],
            "baseline": [2.4, 2.6],
            "current_year": [2023, 2023],
            "current": [2.9, 2.83],
            "target_year": [2027, 2027],
            "target": [3.7, 3.8],
            "projected": [3.83, 3.3],
            "status": ["on track", "at risk"],
        }
    )
    fig = plots.trajectory(
        series,
        paths,
        title="Kab. X: trajectory to the masterplan targets",
        xlabel="Year",
        ylabel="Score (level 1–5)",
        names={"actual": "actual", "path": "path", "pace": "pace", "target": "target"},
        status_names={"on track": "sesuai jalur", "at risk": "berisiko"},
    )
    _check_labelled(fig, "trajectory to the masterplan targets", "Year", "Score (level 1–5)")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2
    assert "sesuai jalur" in visible[0].get_title() and "berisiko" in visible[1].get_title()
    actual = visible[0].get_lines()[0]
    assert list(actual.get_ydata()) == [2.4, 2.6, 2.9]
    path = visible[0].get_lines()[1]  # the straight path from baseline to target
    assert list(path.get_xdata()) == [2021, 2027] and list(path.get_ydata()) == [2.4, 3.7]


def test_paired_bars_write_the_differences():
    fig = plots.paired_bars(
        ["Governance", "Branding"],
        [3.48, 3.31],
        [2.83, 3.04],
        first_name="Self-assessment",
        second_name="Verified",
        title="Kab. X 2023: self-assessment vs assessors",
        xlabel="Score (level 1–5)",
        ylabel="Pillar",
        lo=0,
        hi=5,
    )
    _check_labelled(fig, "self-assessment vs assessors", "Score (level 1–5)", "Pillar")
    assert {"+0.65", "+0.27"} <= set(_texts(fig))


def test_other_figures_are_labelled():
    fig = plots.rank_uncertainty(
        ["A", "B", "C"],
        [2, 1, 3],
        [2, 1, 3],
        [1, 1, 2],
        [3, 2, 3],
        highlight="A",
        title="ranks",
        xlabel="Rank (1 = best)",
        ylabel="Region",
    )
    _check_labelled(fig, "ranks", "Rank (1 = best)", "Region")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["B", "A", "C"]
    fig = plots.histogram(
        [0, 1, 2], [26, 42, 4], title="spread", xlabel="Range (levels)", ylabel="Items"
    )
    _check_labelled(fig, "spread", "Range (levels)", "Items")
    assert {"26", "42", "4"} <= set(_texts(fig))


def test_figure_png_is_a_png_and_closes_the_figure():
    fig = plots.histogram([0, 1], [1, 2], title="t", xlabel="x", ylabel="y")
    number = fig.number
    data = plots.figure_png(fig)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
    assert number not in plt.get_fignums()


def test_band_table_colours_rows_by_band():
    table = pd.DataFrame(
        {"code": ["SCI", "GOV", "ENV"], "band_id": ["tercapai", "jauh", "mendekati"]}
    )
    html = plots.style_band_table(
        table, "band_id", bands=["achieved", "far", "near"], formats={"code": "{}"}
    ).to_html()
    for band in ("achieved", "far", "near"):
        assert f"background-color: {plots.BAND_COLOURS[band]}" in html
    assert plots.band_colour("unknown") == ""


def _heatmap_with_long_labels():
    matrix = pd.DataFrame(
        [[1.5, 2.25, np.nan], [3.0, 4.75, 5.0]],
        index=["A very long element label that reaches past the canvas", "B"],
        columns=[2022, 2023, 2024],
    )
    return plots.heatmap(
        matrix, title="elements <&>", xlabel="Year", ylabel="Element", colorbar_label="Score"
    )


def test_figure_svg_is_cropped_like_a_tight_png_and_keeps_text_as_text():
    from smartcity_eval.present.svg import figure_svg

    fig = _heatmap_with_long_labels()
    number = fig.number
    data, width, height = figure_svg(fig, image_dpi=100)
    assert number not in plt.get_fignums()
    text = data.decode("utf-8")
    assert text.startswith("<svg ") and text.rstrip().endswith("</svg>")
    # text stays text (escaped), the cell values included
    assert "elements &lt;&amp;&gt;" in text and ">4.75<" in text and ">2.25<" in text
    assert "A very long element label" in text
    # the crop is matplotlib's own bbox_inches="tight" (independent: the PNG's pixel size;
    # text is measured at 72 dpi for SVG and hinted at 100 dpi for the PNG: within 1 %)
    png = plots.figure_png(_heatmap_with_long_labels(), dpi=100)
    px_w, px_h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert abs(width * 100 - px_w) <= 0.01 * px_w and abs(height * 100 - px_h) <= 0.01 * px_h
    view = [float(v) for v in text.split('viewBox="', 1)[1].split('"', 1)[0].split()]
    assert view[0] < 0  # the long label lies left of the canvas and is kept
    assert view[2] == pytest.approx(width * 72, abs=0.01)
    assert view[3] == pytest.approx(height * 72, abs=0.01)
    # byte-stable: no date, clip-path ids from a fixed salt
    assert figure_svg(_heatmap_with_long_labels(), image_dpi=100)[0] == data
    assert "<dc:date>" not in text and "<metadata>" not in text


def test_rank_figure_draws_every_mark_and_at_national_size_only_the_nearest_regions():
    regions = [f"R{i:03d}" for i in range(514)]
    nominal = np.arange(514, 0, -1, dtype=float)  # R000 ranks 514th, R513 first
    low, high = nominal - 2, nominal + 3
    for target, first, last in (("R213", 281, 320), ("R512", 1, 40), ("R000", 475, 514)):
        fig = plots.rank_uncertainty(
            regions, nominal, nominal, low, high, highlight=target, title="ranks",
            xlabel="Rank", ylabel="Region", max_rows=40,
        )  # fmt: skip
        ax = fig.axes[0]
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        shown = sorted(514 - int(name[1:]) for name in ticks)  # their nominal ranks
        assert shown == list(range(first, last + 1)) and target in ticks
        assert ax.get_xlim() == (0.5, 517.5)  # the rank axis still spans every region
        interval, medians, nominals = ax.collections
        assert len(interval.get_segments()) == len(medians.get_offsets()) == 40
        row = ticks.index(target)
        assert list(nominals.get_offsets()[row]) == [514 - int(target[1:]), row]
        assert [list(p) for p in interval.get_segments()[row]] == [
            [low[int(target[1:])], row],
            [high[int(target[1:])], row],
        ]
        bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
        assert bold == [target]
        plt.close(fig)
    # without max_rows, every region (the command line's --plot)
    fig = plots.rank_uncertainty(
        regions[:50], nominal[:50], nominal[:50], low[:50], high[:50], title="t",
        xlabel="x", ylabel="y",
    )  # fmt: skip
    assert len(fig.axes[0].get_yticklabels()) == 50
