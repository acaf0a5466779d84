"""HTML building blocks of the report sections: styles, headings, tables, figures, output.

:func:`emit` displays a piece of HTML in the notebook (an object with ``_repr_html_`` and,
optionally, extra mimetypes beside it, e.g. the machine-readable headline); outside a
notebook, :func:`render` collects what a section emits and returns it as a string (the
tests use it). :func:`table` writes a plain HTML table from a DataFrame, :func:`figure`
embeds a matplotlib figure as PNG with its title as ``alt`` text, :func:`fmt` formats a
number for display. Used by :mod:`smartcity_eval.reports.sections_results` and
:mod:`smartcity_eval.reports.sections_quality`.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from smartcity_eval.messages import t
from smartcity_eval.present import numbers, svg

__all__ = [
    "CSS",
    "emit",
    "render",
    "esc",
    "fmt",
    "share",
    "local_time",
    "heading",
    "message",
    "figure",
    "table",
    "wrap",
    "lang_of",
    "axis_score",
]

#: Resolution of the raster parts of the report's figures (heat-map cells), enough for print.
PRINT_DPI = 180
#: The screen size of a figure in the HTML page: inches x this many pixels.
SCREEN_DPI = 110

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


def emit(text: str, extra: Mapping[str, Any] | None = None) -> None:
    """Display ``text`` (HTML) in the notebook, with ``extra`` mimetypes beside it; inside
    :func:`render`, collect it instead."""
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


def esc(text: Any) -> str:
    """``text`` escaped for HTML."""
    return html.escape(str(text))


def fmt(value: Any, digits: int = 2, sign: bool = False) -> str:
    """A number for display: :func:`smartcity_eval.present.numbers.fmt` (half up on the
    decimal value, '–' when missing, no negative zero); the Indonesian decimal comma is not
    used so that numbers read the same in both languages and match the CSV outputs."""
    return numbers.fmt(value, digits, sign)


def share(value: Any, digits: int = 0) -> str:
    """A share of a target in percent, cut down (never rounded up into "100 %")."""
    return numbers.fmt_share(value, digits)


#: The Indonesian time zones (abbreviation of each IANA zone a region may be in).
ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def local_time(stamp: Any, zone: str | None) -> str:
    """An ISO 8601 time (e.g. ``2026-12-02T05:06:08+00:00``) in the region's time zone
    (``dataset.toml`` ``timezone``, an IANA name), as ``2026-12-02 13:06:08 WITA``; the
    stamp as it is without a zone (the manifest keeps UTC)."""
    import datetime as dt
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not zone or not stamp:
        return str(stamp or "")
    try:
        when = dt.datetime.fromisoformat(str(stamp)).astimezone(ZoneInfo(str(zone)))
    except (ValueError, ZoneInfoNotFoundError):
        return str(stamp)
    return when.strftime("%Y-%m-%d %H:%M:%S ") + ZONES.get(str(zone), when.strftime("%Z"))


def heading(key: str, lang: str, text: str | None = None) -> str:
    """A section heading (the message ``key`` in ``lang``, anchored by ``key``) and its
    explanation."""
    body = f'<p class="explain">{esc(text)}</p>' if text else ""
    return f'<h2 id="{esc(key)}">{esc(t(key, lang))}</h2>{body}'


def message(text: str) -> str:
    """A short highlighted message (e.g. why a section is empty)."""
    return f'<p class="msg">{esc(text)}</p>'


def figure(fig: Any, alt: str) -> str:
    """``fig`` as an embedded SVG (:func:`smartcity_eval.present.svg.figure_svg`: drawn once,
    text as text, raster parts at print resolution), its title ``alt`` as alternative text."""
    data, width_in, _ = svg.figure_svg(fig, image_dpi=PRINT_DPI)
    # shown at the screen size of 110 dpi, as the PNG figures were
    width = round(width_in * SCREEN_DPI)
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<figure><img src="data:image/svg+xml;base64,{encoded}" width="{width}" '
        f'alt="{esc(alt)}" '
        f'title="{esc(alt)}">'
        f"<figcaption hidden>{esc(alt)}</figcaption></figure>"
    )


def table(
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
    head = "".join(f"<th>{esc(h)}</th>" for h in columns.values())
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
            cells.append(f"<td{klass}{css}>{esc(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table class="sce-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def wrap(inner: str) -> str:
    """A section's HTML inside the report's styled block."""
    return f'<div class="sce">{inner}</div>'


def lang_of(report: dict[str, Any]) -> str:
    """The language of a report dict (``id`` or ``en``)."""
    return str(report["meta"]["lang"])


def axis_score(report: dict[str, Any]) -> str:
    """The score axis label with the report's unit."""
    return t("axis.score", lang_of(report), unit=report["meta"]["unit"])
