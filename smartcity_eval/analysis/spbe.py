"""The SPBE evaluation as it is reported: the index, and the index of every domain and aspect,
each with the predicate of its value as published.

The SPBE evaluation (Peraturan Menteri PANRB No. 59 Tahun 2020 tentang Pemantauan dan Evaluasi
SPBE; framework ``spbe_2020``, ``data/frameworks/spbe_2020/README.md``) reports the index of a
government with its predicate and the index of each of its 4 domains and 8 aspects. A domain's
or an aspect's index is the weighted sum of its indicators' maturity levels divided by its total
weight, i.e. the weighted mean the scores already hold (``normalise = none``). Every value is
reported with two decimals (half-up, :func:`smartcity_eval.scoring.bands.round_half_up`), and
its predicate is the band of that published value (3.4965, published 3.50, is "Sangat Baik").
The predicate bands of the index (``bands.csv``: Kurang < 1.8 <= Cukup < 2.6 <= Baik < 3.5 <=
Sangat Baik < 4.2 <= Memuaskan <= 5.0) are applied to the domains and aspects too, on the same
1-5 maturity scale, unless bands.csv gives bands for that node (``code``).

Pure functions on tidy frames; nothing here reads files or prints.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.scoring.bands import assign_bands, round_half_up

__all__ = ["SPBE_ROOT", "SPBE_COLUMNS", "is_spbe", "spbe_profile", "spbe_tables", "band_edges"]

#: The root code of the SPBE tree (``spbe_2020``).
SPBE_ROOT = "SPBE"

#: Columns of :func:`spbe_profile`.
SPBE_COLUMNS: tuple[str, ...] = (
    "level",
    "code",
    "parent",
    "name",
    "weight",
    "score",
    "shown",
    "band",
    "predicate",
)


def is_spbe(framework: Any) -> bool:
    """True for an SPBE tree (root code ``SPBE``, as ``spbe_2020``)."""
    return str(getattr(framework, "root", "")) == SPBE_ROOT


def _band_codes(codes: list[str], framework: Any) -> list[str]:
    """The node whose bands apply to each code: the code itself where bands.csv has bands
    for it, else the root (the index's predicates)."""
    bands = framework.bands
    own = set()
    if bands is not None and len(bands) and "code" in bands.columns:
        own = {str(c) for c in bands["code"].fillna("") if str(c)}
    return [c if c in own else framework.root for c in codes]


def spbe_profile(
    scores: pd.DataFrame,
    framework: Any,
    *,
    region: str | None = None,
    year: int | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """The index, domain and aspect indices of one region and year, as the SPBE evaluation
    reports them.

    Parameters
    ----------
    scores : the scores of ``framework``'s tree (columns ``code`` and ``score``, and
        ``region``/``year`` when ``region``/``year`` are given to select one).
    framework : the SPBE tree (its non-leaf nodes are the index, domains and aspects).
    region, year : select these rows of ``scores`` (None = take ``scores`` as they are).
    lang : ``id`` for the official Indonesian names and predicates, ``en`` for English.

    Returns
    -------
    DataFrame with :data:`SPBE_COLUMNS`, one row per non-leaf node in framework order
    (index, then each domain followed by its aspects): ``level`` (0 index, 1 domain,
    2 aspect), ``code``, ``parent``, ``name`` (in ``lang``), ``weight`` (the node's share
    of the index in percent: the product of the sibling-normalised weights x 100),
    ``score`` (the computed value, unrounded; NaN when not scored), ``shown`` (the value as
    published: half-up to two decimals), ``band`` (the English band label, a stable code)
    and ``predicate`` (the band label in ``lang``: the official Indonesian one for ``id``),
    both of ``shown``. Empty (with the columns) when nothing is scored.
    """
    frame = scores
    if region is not None and "region" in frame:
        frame = frame[frame["region"] == region]
    if year is not None and "year" in frame:
        frame = frame[frame["year"] == int(year)]
    values = frame.drop_duplicates("code").set_index("code")["score"].astype(float)
    nodes = framework.nodes
    inner = [str(c) for c in nodes.index[~nodes["is_leaf"]]]
    eff = framework.effective_weights
    score = np.array([float(values.get(c, np.nan)) for c in inner], dtype=float)
    if not np.isfinite(score).any():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SPBE_COLUMNS})
    shown = round_half_up(score)
    band_at = _band_codes(inner, framework)
    bands = framework.bands
    band = assign_bands(shown, band_at, bands, framework.root)
    column = "label_id" if lang == "id" else "label"
    predicate = assign_bands(shown, band_at, bands, framework.root, column=column)
    out = pd.DataFrame(
        {
            "level": [int(framework.depth(c)) for c in inner],
            "code": inner,
            "parent": [str(nodes.at[c, "parent"]) for c in inner],
            "name": [framework.label(c, lang) for c in inner],
            "weight": [100.0 * float(eff[c]) for c in inner],
            "score": score,
            "shown": shown,
            "band": [str(b) for b in band],
            "predicate": [str(p) for p in predicate],
        }
    )
    return out.loc[np.isfinite(score)].reset_index(drop=True)


def _index_bands(framework: Any) -> pd.DataFrame:
    """The bands of the index (bands.csv rows without a code or with the root's)."""
    rows = framework.bands
    if rows is None or not len(rows):
        return pd.DataFrame(columns=["label", "label_id", "lower", "upper"])
    if "code" in rows.columns:
        code = rows["code"].fillna("").astype(str)
        rows = rows[(code == "") | (code == framework.root)]
    return rows


def band_edges(framework: Any) -> tuple[float, float, list[float], list[tuple[float, float]]]:
    """The scale of the index's predicate bands: ``(lowest, highest, inner edges, intervals)``
    (SPBE: 0, 5, [1.8, 2.6, 3.5, 4.2], the five intervals in bands.csv order); the
    framework's indicator scale when it has no bands."""
    rows = _index_bands(framework)
    if not len(rows):
        leaves = framework.nodes[framework.nodes["is_leaf"]]
        return float(leaves["lower"].min()), float(leaves["upper"].max()), [], []
    lower = rows["lower"].astype(float).tolist()
    upper = rows["upper"].astype(float).tolist()
    lo, hi = min(lower), max(upper)
    edges = sorted({v for v in lower + upper if lo < v < hi})
    return lo, hi, edges, list(zip(lower, upper, strict=True))


def spbe_tables(
    scores: dict[str, pd.DataFrame],
    frameworks: dict[str, Any],
    region: str,
    year: int,
    lang: str = "en",
) -> dict[str, Any] | None:
    """The SPBE part of a report: ``{"framework": name, "profile": spbe_profile(...),
    "bands": the band rows (label in ``lang``, lower, upper)}`` for the first SPBE tree of
    ``frameworks`` that has a score of ``region`` in ``year``; None when there is none."""
    for name, fw in frameworks.items():
        if not is_spbe(fw) or name not in scores:
            continue
        profile = spbe_profile(scores[name], fw, region=region, year=year, lang=lang)
        if profile.empty:
            continue
        lo, hi, edges, intervals = band_edges(fw)
        rows = _index_bands(fw)
        column = "label_id" if lang == "id" and "label_id" in rows else "label"
        return {
            "framework": name,
            "profile": profile,
            "scale": (lo, hi),
            "edges": edges,
            "bands": pd.DataFrame(
                {
                    "label": [str(v) for v in rows[column]],
                    "band": [str(v) for v in rows["label"]],
                    "lower": [a for a, _ in intervals],
                    "upper": [b for _, b in intervals],
                }
            ),
        }
    return None
