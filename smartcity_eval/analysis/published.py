"""The published values of a dataset as scores, for a dataset of published results only.

Kominfo's result letter ("Pemberitahuan Hasil Evaluasi Smart City", Ditjen Aptika) gives the
five dimension scores, the final score, ranks and the change on last year; the item scores
behind them are not public (Kota Kediri 2022, bangsaonline.com/amp/berita/113379; Kota Jambi
2024, jambikota.go.id/content/931). A dataset of such results has a ``published.csv`` and no
observations: its scores are the published values (:func:`published_scores`), ranked among
the dataset's regions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.scoring.ranks import rank_min, tie_round

__all__ = ["has_items", "reportable", "published_scores"]


def has_items(dataset: Any) -> bool:
    """True when the dataset has at least one observed item value."""
    obs = dataset.observations
    return bool(len(obs)) and bool(obs["value"].notna().any())


def reportable(dataset: Any) -> list[tuple[str, int]]:
    """The (region, year) pairs a report can be made for: those with observations, else
    (a dataset of published results only) those with a published value; sorted."""
    table = dataset.observations if has_items(dataset) else dataset.published
    if not len(table):
        return []
    pairs = {(str(r), int(y)) for r, y in zip(table["region"], table["year"], strict=True)}
    return sorted(pairs)


def published_scores(dataset: Any, framework: Any) -> pd.DataFrame:
    """The published values of ``framework``'s nodes as a scores table (the columns of
    :func:`~smartcity_eval.scoring.engine.score_dataset`): ``rank`` among the regions with a
    published value of the node that year (1 = highest, ties share the lowest rank), no
    band, ``coverage`` NaN (unknown), ``imputed`` and ``treated`` False. Empty when the
    dataset publishes nothing of the tree."""
    columns = ["region", "year", "code", "level", "score", "rank", "band", "coverage", "raw"]
    pub = dataset.published
    pub = pub.loc[pub["code"].isin(framework.nodes.index) & pub["score"].notna()]
    out = pub[["region", "year", "code", "score"]].copy().reset_index(drop=True)
    out["year"] = out["year"].astype(int)
    out["score"] = out["score"].astype(float)
    out["level"] = [framework.depth(str(c)) for c in out["code"]]
    ranks = np.zeros(len(out), dtype=int)
    for _, idx in out.groupby(["year", "code"]).groups.items():
        values = tie_round(out.loc[idx, "score"].to_numpy(dtype=float))
        ranks[np.asarray([out.index.get_loc(i) for i in idx])] = rank_min(values)
    out["rank"] = pd.array(ranks, dtype="Int64")
    out["band"] = ""
    out["coverage"] = np.nan
    out["raw"] = np.nan
    out["imputed"] = False
    out["treated"] = False
    order = {str(c): k for k, c in enumerate(framework.nodes.index)}
    out["_o"] = [order[str(c)] for c in out["code"]]
    out = out.sort_values(["region", "year", "_o"], kind="stable").drop(columns="_o")
    return out[[*columns, "imputed", "treated"]].reset_index(drop=True)
