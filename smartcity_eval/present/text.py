"""Text tables for a terminal: the readable view of the gap analyses (``gaps`` command).

Numbers are rounded for reading (2 decimals; p-values 3 significant digits; shares of the
index 4 decimals); the CSV written with ``--out`` keeps full precision. Titles, notes and
the names of bands and statuses are the messages ``gaps.*``, ``band.*`` and ``status.*`` of
:mod:`smartcity_eval.messages`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.analysis._frames import cols
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.messages import LABELS, t
from smartcity_eval.present import numbers
from smartcity_eval.vocab import BAND_ACHIEVED

__all__ = ["PER_NODE", "SHOWN", "render_text", "format_cell", "aligned_rows"]

#: The columns shown per analysis, in order (``name`` is the node's label).
SHOWN: dict[str, tuple[str, ...]] = {
    "targets": cols("code name actual target gap pct_achieved band"),
    "trajectory": cols(
        "code name baseline_year baseline current target_year target required_change "
        "actual_change projected status"
    ),
    "change": cols("code name previous_year previous_score score change driver_up driver_down"),
    "drivers": cols("parent code name previous_contribution contribution contribution_change"),
    "peers": cols(
        "code name score peer_rank n_compared best_region gap_to_best gap_to_median "
        "next_region gap_to_next"
    ),
    "strengths": cols("basis kind position code name score peer_rank n_compared pct_achieved"),
    "self": cols(
        "code name n_items self_score verified_score difference n_over n_under p_sign over_claiming"
    ),
    "priorities": cols("priority code name parent value headroom gain_per_level max_gain"),
}

#: Analyses whose rows are every node: the terminal view limits them to ``depth``.
PER_NODE: tuple[str, ...] = ("change", "drivers", "peers", "self")

#: Columns holding a vocabulary value, and the message prefix of its display name.
_TRANSLATED: dict[str, str] = {"band": "band", "status": "status"}


def format_cell(value: Any, column: str, lang: str = "en") -> str:
    """One cell as text: blank for missing, ``yes``/``ya`` for True, numbers through the one
    formatter (:mod:`smartcity_eval.present.numbers`: half up, no negative zero)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return t("label.yes", lang) if value else ""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if column.startswith("p_"):
            return f"{value:.3g}"
        if column == "pct_achieved":
            return numbers.fmt_share(value, 1)
        if column in ("weight", "gain_per_level", "max_gain"):
            return numbers.fmt(value, 4)
        return numbers.fmt(value)
    return str(value)


def aligned_rows(view: pd.DataFrame, shown: Sequence[str], lang: str = "en") -> list[str]:
    """Header and rows of ``view[shown]``, numbers right-aligned, text left-aligned; the
    headers are the messages ``col.<column>`` in ``lang``."""
    cells = {c: [format_cell(v, c, lang) for v in view[c]] for c in shown}
    heads = {c: t(f"col.{c}", lang) if f"col.{c}" in LABELS["en"] else c for c in shown}
    numeric = {
        c: pd.api.types.is_numeric_dtype(view[c]) and not pd.api.types.is_bool_dtype(view[c])
        for c in shown
    }
    widths = {c: max([len(heads[c]), *(len(x) for x in cells[c])]) for c in shown}
    rows = [heads] + [{c: cells[c][i] for c in shown} for i in range(len(view))]
    return [
        "   "
        + "  ".join(
            r[c].rjust(widths[c]) if numeric[c] else r[c].ljust(widths[c]) for c in shown
        ).rstrip()
        for r in rows
    ]


def _display(prefix: str, value: Any, lang: str) -> str:
    """The display name of a vocabulary value (message ``<prefix>.<value>``); "" if empty."""
    return t(f"{prefix}.{value}", lang) if isinstance(value, str) and value else ""


def _labeller(frameworks: Sequence[Framework], lang: str, width: int):
    """``code -> (label in lang, cut to width; depth)`` from the first framework with it."""

    def label(code: str) -> tuple[str, int]:
        for fw in frameworks:
            if code in fw.nodes.index:
                text = fw.label(code, lang)
                return (text if len(text) <= width else text[: width - 1] + "…"), fw.depth(code)
        return "", 0

    return label


def _section(key: str, table: pd.DataFrame, label, lang: str, depth: int | None) -> list[str]:
    """The rows of one analysis: its aligned table, or a note when it is empty."""
    hidden = 0
    if key in PER_NODE and depth is not None and len(table):
        deep = table["code"].map(lambda c: label(c)[1]) > depth
        hidden = int(deep.sum())
        table = table.loc[~deep]
    if table.empty:
        return ["   " + t("gaps.no_rows", lang)]
    view = table.copy()
    view["name"] = view["code"].map(lambda c: label(c)[0])
    short = None  # "achieved" (>= 95 %) with the target not met reads "within 5 % of target"
    if "band" in view.columns and "pct_achieved" in view.columns:
        short = (view["band"] == BAND_ACHIEVED) & (view["pct_achieved"].astype(float) < 100.0)
    for column, prefix in _TRANSLATED.items():
        if column in view.columns:
            view[column] = view[column].map(lambda v, p=prefix: _display(p, v, lang))
    if short is not None and short.any():
        view.loc[short, "band"] = t("band.achieved_within", lang)
    several = view["region"].nunique() > 1 or view["year"].nunique() > 1
    shown = (["region", "year"] if several else []) + [c for c in SHOWN[key] if c in view]
    if key == "peers":  # the ranks within kind and province, where regions.csv gives them
        shown[shown.index("peer_rank") + 1 : shown.index("peer_rank") + 1] = [
            c for c in ("rank_kind", "rank_province") if c in view and view[c].notna().any()
        ]
    lines = aligned_rows(view, shown, lang)
    if hidden:
        lines.append("   " + t("gaps.hidden", lang, n=hidden))
    return lines


def render_text(
    tables: Mapping[str, pd.DataFrame],
    what: Sequence[str],
    frameworks: Sequence[Framework],
    *,
    lang: str = "en",
    depth: int | None = 2,
    title: str = "",
    width: int = 40,
) -> str:
    """A readable, aligned text report of the analyses in ``what`` (for a terminal).

    ``tables`` is the result of :func:`smartcity_eval.analysis.gapset.gap_report`. Node
    names come from the first of ``frameworks`` that has the node, in ``lang``; bands and
    statuses are shown in ``lang`` (messages ``band.*`` and ``status.*``). The per-node
    analyses (``PER_NODE``) show nodes down to ``depth`` (None: all) and say how many deeper
    rows were left out.
    """
    label = _labeller(frameworks, lang, width)
    lines = [title, "=" * len(title)] if title else []
    for number, key in enumerate(what, start=1):
        head = f"{number}. {t(f'gaps.title.{key}', lang)}"
        table = tables[key]
        if key == "priorities" and "index" in table and len(table):  # the index they raise
            code = str(table["index"].iloc[0])
            name = label(code)[0] or code
            head += " · " + t("text.priorities_index", lang, index=name, code=code)
        lines += ["", head]
        lines += _section(key, table, label, lang, depth)
    return "\n".join(lines) + "\n"
