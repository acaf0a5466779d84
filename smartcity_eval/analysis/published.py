"""The published values of a dataset as scores, for a dataset of published results only.

Kominfo's result letter ("Pemberitahuan Hasil Evaluasi Smart City", Ditjen Aptika) gives the
five dimension scores, the final score, ranks and the change on last year; the item scores
behind them are not public (Kota Kediri 2022, bangsaonline.com/amp/berita/113379; Kota Jambi
2024, jambikota.go.id/content/931). A dataset of such results has a ``published.csv`` and no
observations: its scores are the published values (:func:`published_scores`), ranked among
the dataset's regions. The letter's national and provincial ranks (``published_ranks.csv``,
:mod:`smartcity_eval.io.published_ranks`) rank the region among regions the dataset does not
hold: :func:`published_only_rows` lists them for ``reproduce`` as published facts that cannot
be recomputed (status :data:`~smartcity_eval.vocab.REPRODUCE_PUBLISHED_ONLY`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval import vocab
from smartcity_eval.analysis.reproduction import REPRODUCE_COLUMNS
from smartcity_eval.messages import t
from smartcity_eval.scoring.ranks import rank_min, tie_round

__all__ = [
    "has_items",
    "reportable",
    "published_scores",
    "ranks_of",
    "published_only_rows",
    "PUBLISHED_ONLY_COLUMNS",
]

#: Columns of :func:`published_only_rows`: those of ``reproduce``.
PUBLISHED_ONLY_COLUMNS: tuple[str, ...] = REPRODUCE_COLUMNS


def _rank_note(rec: Any, held: int, lang: str) -> str:
    """What a published rank says and why it cannot be recomputed, in ``lang``."""
    of = "" if pd.isna(rec.of) else t("repro.note.rank_of", lang, of=int(rec.of))
    where = t("repro.note.rank_in", lang, area=rec.area) if str(rec.area) else ""
    scope = t(f"repro.note.scope.{rec.scope}", lang)
    values = {"rank": int(rec.rank), "held": held, "year": int(rec.year)}
    return t("repro.note.published_rank", lang, scope=scope, of=of, where=where, **values)


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


def ranks_of(dataset: Any, region: str | None = None, year: int | None = None) -> pd.DataFrame:
    """The published ranks (published_ranks.csv) of ``region`` in ``year`` (None = all), in
    file order, national before provincial for the same node."""
    ranks = getattr(dataset, "published_ranks", None)
    if ranks is None or ranks.empty:
        columns = ["region", "year", "code", "scope", "rank", "of", "area", "source"]
        return pd.DataFrame(columns=columns)
    rows = ranks
    if region is not None:
        rows = rows[rows["region"] == str(region)]
    if year is not None:
        rows = rows[rows["year"] == int(year)]
    order = {scope: k for k, scope in enumerate(vocab.RANK_SCOPES)}
    rows = rows.assign(_o=[order.get(str(s), 9) for s in rows["scope"]])
    return rows.sort_values(["year", "code", "_o"], kind="stable").drop(columns="_o")


def published_only_rows(dataset: Any) -> pd.DataFrame:
    """The published ranks as rows of a reproduction table (the columns of
    :func:`smartcity_eval.analysis.reproduction.reproduce`, :data:`PUBLISHED_ONLY_COLUMNS`):
    ``published`` = the rank, ``computed``, ``difference`` and ``tolerance`` NaN, ``status``
    :data:`~smartcity_eval.vocab.REPRODUCE_PUBLISHED_ONLY`, ``basis`` ``rank_national`` or
    ``rank_province``, ``note`` what was published and why it cannot be recomputed (the
    number of regions the dataset holds that year), ``framework`` the tree of the node."""
    ranks = ranks_of(dataset)
    rows = []
    for rec in ranks.itertuples(index=False):
        held = _regions_held(dataset, int(rec.year))
        notes = {lang: _rank_note(rec, held, lang) for lang in ("en", "id")}
        fw = dataset.framework_of(str(rec.code))
        rows.append(
            {
                "region": str(rec.region),
                "year": int(rec.year),
                "code": str(rec.code),
                "computed": np.nan,
                "published": float(rec.rank),
                "difference": np.nan,
                "tolerance": np.nan,
                "status": vocab.REPRODUCE_PUBLISHED_ONLY,
                "note": notes["en"],
                "note_id": notes["id"],
                "framework": "" if fw is None else str(fw.name),
                "basis": f"rank_{rec.scope}",
            }
        )
    out = pd.DataFrame(rows, columns=list(PUBLISHED_ONLY_COLUMNS))
    for column in ("computed", "published", "difference", "tolerance"):
        out[column] = out[column].astype(float)
    out["year"] = out["year"].astype("int64")
    return out.reset_index(drop=True)


def _regions_held(dataset: Any, year: int) -> int:
    """How many regions the dataset has in ``year`` (observations, else published values)."""
    table = dataset.observations if has_items(dataset) else dataset.published
    if not len(table):
        return 0
    return int(table.loc[table["year"] == year, "region"].nunique())
