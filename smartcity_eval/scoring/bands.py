"""Predicate bands: labelling a score with the band that holds it (a dataset's bands.csv).

A score ``s`` gets the label whose half-open interval ``lower <= s < upper`` holds it; the
highest band of a node also includes its upper bound (so an SPBE index of exactly 5.0 is
"Memuaskan"). Bands with a ``code`` apply to that node only; bands without one apply to the
root (the index). A score outside every band, or missing, gets the empty label "".
A score is banded as it is published: rounded half-up to :data:`SHOWN_DECIMALS` (2)
decimals (:func:`round_half_up`), after the tie tolerance of the ranks
(:data:`~smartcity_eval.vocab.TIE_DECIMALS` decimals,
:func:`smartcity_eval.scoring.ranks.tie_round`), so that an SPBE index of 3.4965, published
and shown as 3.50, is "Sangat Baik" (the predicate a reader of 3.50 expects), never "Baik";
and 3.4999999999999996 (3.5 computed in another order) is in the band that starts at 3.5.
The SPBE evaluation publishes its index with two decimals (PermenPANRB 59/2020 predicates
apply to the published value). Reference: Peraturan Menteri PANRB No. 59 Tahun 2020 predicates (Kurang <
1.8 <= Cukup < 2.6 <= Baik < 3.5 <= Sangat Baik < 4.2 <= Memuaskan <= 5.0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartcity_eval.scoring.ranks import tie_round

__all__ = [
    "assign_bands",
    "band_codes",
    "node_band_codes",
    "band_of",
    "round_half_up",
    "SHOWN_DECIMALS",
]

#: Decimals of a published index (Kominfo and SPBE publish two): the value a band is given to.
SHOWN_DECIMALS = 2


def round_half_up(values: np.ndarray | pd.Series | float, decimals: int = SHOWN_DECIMALS):
    """``values`` rounded half-up (away from zero for ties of positive values) to
    ``decimals``, as a published table rounds: 3.4965 -> 3.50, 2.675 -> 2.68, 3.4949 -> 3.49.

    The value is first rounded to :data:`~smartcity_eval.vocab.TIE_DECIMALS` decimals so that
    binary noise (2.675 is stored as 2.67499999...) does not decide the tie. NaN stays NaN.
    """
    scale = 10.0**decimals
    x = tie_round(np.asarray(values, dtype=float) * scale)
    out = np.floor(x + 0.5) / scale
    return float(out) if np.ndim(out) == 0 else out


def band_codes(
    scores: np.ndarray | pd.Series,
    codes: np.ndarray | pd.Series,
    bands: pd.DataFrame | None,
    root: str,
    *,
    column: str = "label",
) -> tuple[np.ndarray, list[str]]:
    """Band of each score as an index into a list of labels.

    Returns ``(index, labels)``: ``labels[index[i]]`` is the band of score ``i``; the last
    label is always "" (no band). Parameters as :func:`assign_bands`.
    """
    c = np.asarray(codes, dtype=object)
    return _band_codes(scores, lambda code: c == code, bands, root, column)


def node_band_codes(
    scores: np.ndarray,
    node_idx: np.ndarray,
    node_codes: list[str],
    bands: pd.DataFrame | None,
    root: str,
    *,
    column: str = "label",
) -> tuple[np.ndarray, list[str]]:
    """:func:`band_codes` with the node of each score given as a position ``node_idx``
    into ``node_codes`` (the scorer's tidy table: no string comparison per row)."""
    position = {code: k for k, code in enumerate(node_codes)}

    def rows(code: str) -> np.ndarray:
        k = position.get(code)
        return node_idx == k if k is not None else np.zeros(len(node_idx), dtype=bool)

    return _band_codes(scores, rows, bands, root, column)


def _band_codes(scores, rows_of, bands, root, column) -> tuple[np.ndarray, list[str]]:
    scores = np.asarray(scores, dtype=float)
    if bands is None or len(bands) == 0:
        return np.zeros(scores.shape, dtype=np.intp), [""]
    b = bands.reset_index(drop=True).copy()
    if "code" not in b.columns:
        b["code"] = ""
    b["code"] = b["code"].fillna("").astype(str).replace("", root)
    labels = b[column] if column in b.columns else b["label"]
    names = [str(v) if isinstance(v, str) else "" for v in labels] + [""]
    none = len(names) - 1
    out = np.full(scores.shape, none, dtype=np.intp)
    for code, group in b.groupby("code", sort=False):
        rows = rows_of(code)
        if not rows.any():
            continue
        lower = tie_round(group["lower"].to_numpy(dtype=float))
        upper = tie_round(group["upper"].to_numpy(dtype=float))
        top = float(np.max(upper))
        vals = tie_round(round_half_up(scores[rows]))  # the value as published
        idx = out[rows]
        for k, lo, hi in zip(group.index, lower, upper, strict=True):
            hit = (vals >= lo) & ((vals < hi) | ((hi == top) & (vals == hi)))
            idx[hit & (idx == none)] = k
        out[rows] = idx
    return out, names


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
    index, names = band_codes(scores, codes, bands, root, column=column)
    return np.asarray(names, dtype=object)[index]


def band_of(score: float, bands: pd.DataFrame, code: str, root: str) -> str:
    """The band label of one score of node ``code`` ("" when none)."""
    return str(assign_bands(np.array([score]), np.array([code]), bands, root)[0])
