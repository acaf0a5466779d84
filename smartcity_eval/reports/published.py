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

Beside every published number of the headline the report writes one "published vs
recomputed" line (:func:`reproduction_lines`: match within the derived tolerance, or the
mismatch with both values), and the letter's ranks (published_ranks.csv) appear as
"Peringkat nasional 13 dari 191 (terbitan)" next to the rank among the dataset's own regions
(:func:`letter_ranks`).
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from smartcity_eval import vocab
from smartcity_eval.analysis.published import has_items, published_scores, ranks_of, reportable
from smartcity_eval.messages import t
from smartcity_eval.present.numbers import fmt
from smartcity_eval.scoring.bands import assign_bands, round_half_up

__all__ = [
    "has_items",
    "reportable",
    "published_scores",
    "letter_table",
    "letter_ranks",
    "rank_items",
    "reproduction_lines",
    "published_value",
    "published_cards",
    "fmt_tolerance",
    "LETTER_COLUMNS",
    "RANK_COLUMNS",
]

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

#: Columns of :func:`letter_ranks`.
RANK_COLUMNS: tuple[str, ...] = ("code", "scope", "rank", "of", "area", "text", "dataset_text")


def letter_table(
    reproduction: pd.DataFrame, dataset: Any, region: str, year: int, lang: str
) -> pd.DataFrame:
    """The published values of ``region`` in ``year`` with their reproduction (the rows of
    ``reproduction``, the table of :meth:`Evaluation.reproduce`), in published order:
    ``code, label`` (the node's name in ``lang``), ``published, computed, difference,
    tolerance, status`` (a :data:`~smartcity_eval.vocab.REPRODUCE_STATUSES` value),
    ``basis``, then ``published_note``: the note of published.csv in ``lang``
    (:mod:`smartcity_eval.reports.notes`; "" when none)."""
    rows = reproduction[(reproduction["region"] == region) & (reproduction["year"] == year)]
    out = rows.reindex(columns=list(LETTER_COLUMNS)).copy()
    labels = []
    for code in rows["code"]:
        fw = dataset.framework_of(str(code))
        labels.append(fw.label(str(code), lang) if fw is not None else str(code))
    out["label"] = labels
    out = out.reset_index(drop=True)
    out["published_note"] = _published_notes(dataset, region, year, out["code"], lang)
    return out


def _published_notes(dataset: Any, region: str, year: int, codes: Any, lang: str) -> list[str]:
    """The published.csv note of each code of ``region`` and ``year`` in ``lang``."""
    from smartcity_eval.reports.notes import notes_in

    pub = getattr(dataset, "published", None)
    if pub is None or pub.empty or not {"note", "note_id", "note_en"} & set(pub.columns):
        return [""] * len(codes)
    rows = pub[(pub["region"] == region) & (pub["year"] == int(year))].drop_duplicates("code")
    source = getattr(dataset, "note_lang", getattr(dataset, "lang", lang))
    notes = dict(zip(rows["code"].astype(str), notes_in(rows, lang, source), strict=True))
    return [notes.get(str(code), "") for code in codes]


def fmt_tolerance(value: object) -> str:
    """A tolerance with the digits it has (0.005 -> "0.005", 0.01 -> "0.01"; at least two
    decimals, at most four), so that a half-unit tolerance is never shown rounded up."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return fmt(value)
    for digits in (2, 3, 4):
        if abs(round(float(value), digits) - float(value)) < 1e-12:
            return fmt(value, digits)
    return fmt(value, 4)


def _rows_of(letter: pd.DataFrame | None, code: str) -> pd.DataFrame:
    if letter is None or letter.empty or "code" not in letter:
        return pd.DataFrame(columns=list(LETTER_COLUMNS))
    return letter[letter["code"].astype(str) == str(code)]


def published_value(letter: pd.DataFrame | None, code: str) -> float:
    """The published value of ``code`` in the letter table (NaN when none)."""
    rows = _rows_of(letter, code)
    return float(rows["published"].iloc[0]) if len(rows) else math.nan


def reproduction_lines(letter: pd.DataFrame | None, code: str, lang: str) -> list[str]:
    """The "published vs recomputed" line of ``code`` (one per published value, normally
    one), from the letter table (:func:`letter_table`): "published 3.48 · recomputed 3.475:
    match (within 0.01)", or the mismatch with the difference and the tolerance, or "not
    recomputable" (messages ``letter.line.*``)."""
    out = []
    for row in _rows_of(letter, code).itertuples(index=False):
        status = str(row.status)
        if status not in vocab.REPRODUCE_STATUSES:
            continue
        out.append(
            t(
                f"letter.line.{status}",
                lang,
                published=fmt(row.published),
                computed=fmt(row.computed, 3),
                difference=fmt(row.difference, 3, sign=True),
                tolerance=fmt_tolerance(row.tolerance),
            )
        )
    return out


def letter_ranks(
    dataset: Any, cards: list[dict[str, Any]], region: str, year: int, lang: str
) -> pd.DataFrame:
    """The published ranks of ``region`` in ``year`` (published_ranks.csv) as the letter
    gives them, with :data:`RANK_COLUMNS`: ``text`` "Peringkat nasional 13 dari 191
    (terbitan)" / "National rank 13 of 191 (published)", and ``dataset_text`` the rank of
    the same node among the dataset's own regions (from the headline card of that node;
    empty when no card has it)."""
    rows = ranks_of(dataset, region, year)
    by_code = {str(c.get("code")): c for c in cards}
    out = []
    for rec in rows.itertuples(index=False):
        of = "" if pd.isna(rec.of) else t("letter.rank.of", lang, n=int(rec.of))
        key = "letter.rank.province" if rec.scope == vocab.RANK_PROVINCE else "letter.rank.national"
        text = t(key, lang, rank=int(rec.rank), of=of, province=str(rec.area))
        card = by_code.get(str(rec.code), {})
        own = ""
        if rec.scope == vocab.RANK_PROVINCE and card.get("rank_province") is not None:
            values = {"rank": card["rank_province"], "n": card.get("n_province")}
            own = t("letter.rank.dataset", lang, **values)
        elif card.get("rank") is not None and card.get("n"):
            own = t("letter.rank.dataset", lang, rank=card["rank"], n=card["n"])
        out.append(
            {
                "code": str(rec.code),
                "scope": str(rec.scope),
                "rank": int(rec.rank),
                "of": None if pd.isna(rec.of) else int(rec.of),
                "area": str(rec.area),
                "text": text,
                "dataset_text": own,
            }
        )
    return pd.DataFrame(out, columns=list(RANK_COLUMNS))


def rank_items(report: dict[str, Any]) -> str:
    """The published ranks of a report (``report["letter_ranks"]``, :func:`letter_ranks`) as
    an HTML list, each beside the rank among the dataset's regions, and the note that they
    cannot be recomputed from the dataset; "" when there are none."""
    ranks = report.get("letter_ranks")
    if ranks is None or ranks.empty:
        return ""
    lang = str(report["meta"]["lang"])
    items = "".join(
        f"<li><strong>{html.escape(text)}</strong>"
        + (f" · {html.escape(own)}" if own else "")
        + "</li>"
        for text, own in zip(ranks["text"], ranks["dataset_text"], strict=True)
    )
    note = t("letter.rank.note", lang, n=report["meta"].get("n_regions", 0))
    return f'<ul class="key">{items}</ul><p class="explain">{html.escape(note)}</p>'


def published_cards(
    cards: list[dict[str, Any]], letter: pd.DataFrame | None, dataset: Any, lang: str
) -> list[dict[str, Any]]:
    """The headline cards with ``shown``: the value the card shows, the published value of
    its node where the letter table has one (the report reads as the official letter), else
    the score as published (half-up to two decimals); and, where the tree has bands, ``band``
    / ``band_en`` the band of ``shown`` (so the predicate never contradicts the number shown:
    3.4965 published as 3.50 is "Sangat Baik"). ``score`` stays the computed value."""
    out = []
    for card in cards:
        card = dict(card)
        published = published_value(letter, str(card.get("code")))
        score = float(card.get("score", math.nan))
        card["shown"] = published if not math.isnan(published) else float(round_half_up(score))
        name = str(card.get("framework", ""))
        fw = dataset.frameworks.get(name)
        if card.get("has_bands") and fw is not None and not math.isnan(card["shown"]):
            bands = dataset.bands if name == dataset.framework.name else fw.bands
            column = "label_id" if lang == "id" else "label"
            code = [str(card["code"])]
            card["band_en"] = str(assign_bands([card["shown"]], code, bands, fw.root)[0])
            label = str(assign_bands([card["shown"]], code, bands, fw.root, column=column)[0])
            card["band"] = label or card["band_en"]
        out.append(card)
    return out
