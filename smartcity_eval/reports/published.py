"""What a report can say from published results alone, and the letter's "published vs
recomputed" lines.

Kominfo's result letter ("Pemberitahuan Hasil Evaluasi Smart City", Ditjen Aptika) gives the
five dimension scores, the final index, ranks and the change on last year; the item scores
behind them are not public (Kota Kediri 2022, bangsaonline.com/amp/berita/113379; Kota Jambi
2024, jambikota.go.id/content/931). A dataset of such results has a ``published.csv`` and
no observations: its reports show the published numbers (as the tree's scores: rank among
the dataset's regions, change on the latest earlier published year) and the reproduction of
each published value (:func:`smartcity_eval.analysis.reproduction.reproduce`: the final
from the published dimensions, within the tolerance the published precision implies).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from smartcity_eval.analysis.published import has_items, published_scores, reportable

__all__ = ["has_items", "reportable", "published_scores", "letter_table", "LETTER_COLUMNS"]

#: Columns of :func:`letter_table`.
LETTER_COLUMNS: tuple[str, ...] = (
    "code",
    "label",
    "published",
    "computed",
    "difference",
    "tolerance",
    "status",
    "basis",
)


def letter_table(
    reproduction: pd.DataFrame, dataset: Any, region: str, year: int, lang: str
) -> pd.DataFrame:
    """The published values of ``region`` in ``year`` with their reproduction (the rows of
    ``reproduction``, the table of :meth:`Evaluation.reproduce`), in published order:
    ``code, label`` (the node's name in ``lang``), ``published, computed, difference,
    tolerance, status`` (a :data:`~smartcity_eval.vocab.REPRODUCE_STATUSES` value),
    ``basis``."""
    rows = reproduction[(reproduction["region"] == region) & (reproduction["year"] == year)]
    out = rows.reindex(columns=list(LETTER_COLUMNS)).copy()
    labels = []
    for code in rows["code"]:
        fw = dataset.framework_of(str(code))
        labels.append(fw.label(str(code), lang) if fw is not None else str(code))
    out["label"] = labels
    return out.reset_index(drop=True)
