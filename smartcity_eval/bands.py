"""Predicate bands: labelling a score with the band that holds it (SPEC section 1, bands.csv).

A score ``s`` gets the label whose half-open interval ``lower <= s < upper`` holds it; the
highest band of a node also includes its upper bound (so an SPBE index of exactly 5.0 is
"Memuaskan"). Bands with a ``code`` apply to that node only; bands without one apply to the
root (the index). A score outside every band, or missing, gets the empty label "".
Reference: PermenPANRB 59/2020 predicates (Kurang < 1.8 <= Cukup < 2.6 <= Baik < 3.5 <=
Sangat Baik < 4.2 <= Memuaskan <= 5.0), see /work/shared/reference/README.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["assign_bands", "band_of"]


def assign_bands(
    scores: np.ndarray | pd.Series,
    codes: np.ndarray | pd.Series,
    bands: pd.DataFrame | None,
    root: str,
    *,
    column: str = "label",
) -> np.ndarray:
    """Band label of each score.

    Parameters
    ----------
    scores : float array; NaN gives "".
    codes : the node code of each score (same length).
    bands : columns label, lower, upper, and optionally code (empty = the root) and
        label_id. ``None`` or empty: every label is "".
    root : the framework's root code, which code-less bands apply to.
    column : which label to return (``"label"`` or ``"label_id"``).

    Returns
    -------
    An object array of labels ("" where no band holds the score).
    """
    s = np.asarray(scores, dtype=float)
    c = np.asarray(codes, dtype=object)
    out = np.full(s.shape, "", dtype=object)
    if bands is None or len(bands) == 0:
        return out
    b = bands.copy()
    if "code" not in b.columns:
        b["code"] = ""
    b["code"] = b["code"].fillna("").astype(str).replace("", root)
    labels = b[column] if column in b.columns else b["label"]
    b["_label"] = labels.fillna("").astype(str)
    for code, group in b.groupby("code", sort=False):
        rows = c == code
        if not rows.any():
            continue
        top = float(group["upper"].max())
        vals = s[rows]
        lab = out[rows]
        for lo, hi, label in zip(group["lower"], group["upper"], group["_label"], strict=True):
            hit = (vals >= lo) & ((vals < hi) | ((hi == top) & (vals == hi)))
            lab[hit & (lab == "")] = label
        out[rows] = lab
    return out


def band_of(score: float, bands: pd.DataFrame, code: str, root: str) -> str:
    """The band label of one score of node ``code`` ("" when none)."""
    return str(assign_bands(np.array([score]), np.array([code]), bands, root)[0])
