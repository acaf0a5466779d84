"""Everything one annual report shows, assembled from an Evaluation.

The report notebook holds no formulas: it rebuilds the batch's
:class:`~smartcity_eval.evaluation.Evaluation` from the dataset and the settings it is
given, calls :func:`report_data` once and hands the result to
:mod:`smartcity_eval.reports.sections` to display. :func:`report_data` selects one region
and year from the batch-level results of :func:`prepare`, which reads them from the
Evaluation (each computed by the library function that owns it):

* scores of every tree of the dataset (:meth:`Evaluation.scores_of
  <smartcity_eval.evaluation.Evaluation.scores_of>`);
* the gap analyses (:meth:`Evaluation.gaps <smartcity_eval.evaluation.Evaluation.gaps>`:
  targets, trajectory, change, peers, strengths, self-assessment, priorities);
* assessor agreement per region and year (:meth:`Evaluation.agreement
  <smartcity_eval.evaluation.Evaluation.agreement>`) and the spread of each item
  (:func:`smartcity_eval.analysis.reliability.item_disagreement`);
* per report, how robust the rank is (:meth:`Evaluation.robustness
  <smartcity_eval.evaluation.Evaluation.robustness>`, i.e.
  :func:`smartcity_eval.robustness.summary.robustness_report`: uncertainty and sensitivity
  analysis, OECD/JRC Handbook 2008 step 7);
* the provenance of the report, read from the Evaluation's log (each step with its
  parameters, the SHA-256 of the input files and the package version).

The method choices are the Evaluation's :class:`~smartcity_eval.settings.Settings`; this
module merges none. :func:`prepare` does the work once per batch; the report runner stores
its result in a cache file (:func:`write_cache`, a data-only format without pickle, see
:mod:`smartcity_eval.reports.cache`) so that the forty reports of a batch do not score the
dataset forty times. A cache is used only when the SHA-256 of every input file,
the settings (``Settings.to_dict()``) and the package version are those it was made from;
otherwise the report computes its own (same numbers, slower).

Numbers are never rounded here; :mod:`sections` formats them for display.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import pandas as pd

from smartcity_eval import vocab
from smartcity_eval.analysis.spbe import spbe_tables
from smartcity_eval.errors import DataError, Problem, did_you_mean
from smartcity_eval.io.provenance import provenance
from smartcity_eval.messages import t
from smartcity_eval.reports.batch import (
    BatchData,
    as_evaluation,
    cache_key,
    input_records,
    prepare,
    read_cache,
    report_evaluation,
    write_cache,
)
from smartcity_eval.reports.departments import register_data
from smartcity_eval.reports.published import (
    has_items,
    letter_ranks,
    letter_table,
    published_cards,
    reportable,
)
from smartcity_eval.reports.tables import (
    element_matrix,
    headline_cards,
    indicator_coverage,
    key_messages,
    label_of,
    missing_values,
    named,
    pillar_profile,
    rows_of,
    score_unit,
    strength_rows,
    target_met,
    trajectory_series,
)

__all__ = [
    "BatchData",  # from reports.batch: the batch-level results and their cache
    "as_evaluation",
    "report_evaluation",
    "prepare",
    "cache_key",
    "write_cache",
    "read_cache",
    "report_data",
    "robustness_of",
    "log_records",
    "vocab_text",
    "band_word",
    "evaluation_provenance",
    "dataset_text",
    "with_published",
]


def robustness_of(evaluation: Any, region: str, year: int) -> dict | None:
    """The uncertainty and sensitivity analysis of ``region``'s rank in ``year``
    (:meth:`Evaluation.robustness <smartcity_eval.evaluation.Evaluation.robustness>`, with
    the Evaluation's settings as the nominal ones); its ``varied`` lists the
    :data:`~smartcity_eval.vocab.VARIED_CHOICES` it varied. None where the analysis is not
    available (e.g. a year with a single region)."""
    try:
        return evaluation.robustness(region, int(year))
    except (DataError, ValueError, ZeroDivisionError):
        return None


def log_records(log: Any) -> list[dict[str, Any]]:
    """An Evaluation's log (a tuple of LogEntry) as JSON-ready dicts: ``step, parameters,
    inputs, version, started, seconds`` (for the provenance section and manifest.json)."""
    return [dataclasses.asdict(entry) for entry in log]


def _check(ds: Any, region: str, year: int) -> None:
    toml = str(ds.files.get("dataset.toml", ds.path))
    problems = []
    pairs = reportable(ds)
    regions, years = sorted({r for r, _ in pairs}), sorted({y for _, y in pairs})
    if region not in regions:
        problems.append(
            Problem(
                toml,
                None,
                "region",
                f"the dataset has no region '{region}'",
                did_you_mean(region, regions),
                f"dataset tidak memiliki daerah '{region}'",
            )
        )
    if int(year) not in years:
        problems.append(
            Problem(
                toml,
                None,
                "year",
                f"the dataset has no year {year}",
                did_you_mean(year, years),
                f"dataset tidak memiliki tahun {year}",
            )
        )
    if problems:
        raise DataError(problems)


# ----------------------------------------------------------------------------- the report
def _batch(ev: Any, cache: str | Path | None) -> BatchData:
    """The batch results from ``cache`` when it matches the Evaluation, else computed."""
    batch = read_cache(cache, ev) if cache else None
    return batch if batch is not None else prepare(ev)


def _target_line(
    card: dict[str, Any], targets: pd.DataFrame, paths: pd.DataFrame, root: str, lang: str
) -> None:
    """Add the index's masterplan target, its achievement band and trajectory status to the
    main headline card (display words from :mod:`smartcity_eval.messages`)."""
    target = targets[targets["code"] == root]
    path = paths[paths["code"] == root]
    band = str(target["band"].iloc[0]) if len(target) else ""
    status = str(path["status"].iloc[0]) if len(path) else ""
    card["target"] = float(target["target"].iloc[0]) if len(target) else math.nan
    card["target_pct"] = float(target["pct_achieved"].iloc[0]) if len(target) else math.nan
    pct = card["target_pct"]
    card["target_band"] = band_word(band, pct, lang)
    card["target_band_en"] = band
    origin = (
        str(target["target_source"].iloc[0]) if "target_source" in target and len(target) else ""
    )
    card["target_origin"] = origin
    card["target_origin_text"] = t(f"origin.{origin}", lang) if origin else ""
    card["target_status"] = vocab_text("status", status, lang)
    card["target_status_en"] = status


def vocab_text(kind: str, value: Any, lang: str) -> str:
    """The display word of a vocabulary value (``kind`` ``band`` or ``status``, value one of
    :data:`~smartcity_eval.vocab.ACHIEVEMENT_BANDS` / ``TRAJECTORY_STATUSES``) in ``lang``;
    empty for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == "":
        return ""
    return t(f"{kind}.{value}", lang)


def headline_name(batch: BatchData) -> str:
    """The dataset's name of the headline tree: the settings' ``index_framework`` (a
    dataset.toml ``[methods]`` choice; Kominfo datasets name ``kominfo_components``, whose
    root is the published "Indeks Smart City (nilai final)") when the batch scored it,
    else the primary tree."""
    spec = batch.settings.index_framework
    if spec is not None:
        for name, fw in batch.dataset.frameworks.items():
            if name in batch.scores and spec in (name, fw.name):
                return name
    return batch.primary


def band_word(band: Any, pct: Any, lang: str) -> str:
    """The display word of an achievement band, never claiming more than the share: the
    band ``achieved`` (>= 95 %) of a target not met (below 100 %) reads "within 5 % of
    target", so that "achieved"/"tercapai" means the target is met."""
    if str(band) == vocab.BAND_ACHIEVED and not target_met(pct):
        return t("band.achieved_within", lang)
    return vocab_text("band", band, lang)


def _headline(batch: BatchData, region: str, year: int, lang: str) -> list[dict[str, Any]]:
    """The headline cards, the headline index (:func:`headline_name`) first, then the
    primary tree and the others; the masterplan target and its trajectory go on the card of
    the headline index (e.g. FINAL, the official index of a Kominfo dataset)."""
    ds = batch.dataset
    first = headline_name(batch)
    order = [first, *(n for n in batch.scores if n != first)]
    frameworks = {name: ds.frameworks[name] for name in order}
    bands = {
        name: (ds.bands if name == batch.primary else f.bands) for name, f in frameworks.items()
    }
    cards = headline_cards(
        batch.scores, frameworks, region, year, lang, bands, getattr(ds, "region_table", None)
    )
    root = frameworks[first].root
    for card in cards:
        if card["code"] == root:
            targets = rows_of(batch.gaps["targets"], region, year)
            paths = rows_of(batch.gaps["trajectory"], region, year)
            _target_line(card, targets, paths, root, lang)
    return cards


def _letter(batch: BatchData, region: str, year: int, lang: str) -> pd.DataFrame:
    """The published values of the region and year with their reproduction ("published vs
    recomputed", computed once per batch), see
    :func:`smartcity_eval.reports.published.letter_table`."""
    ds = batch.dataset
    if not len(ds.published) or batch.reproduction is None:
        return letter_table(
            pd.DataFrame(columns=["region", "year", "code"]), ds, region, year, lang
        )
    return letter_table(batch.reproduction, ds, region, year, lang)


def _with_vocab_text(frame: pd.DataFrame, column: str, kind: str, lang: str) -> pd.DataFrame:
    """``frame`` with ``<column>_text``: the display word of each value of ``column``."""
    if column not in frame:
        return frame
    return frame.assign(**{f"{column}_text": [vocab_text(kind, v, lang) for v in frame[column]]})


def _named_with(frame: pd.DataFrame, fw: Any, hfw: Any, lang: str) -> pd.DataFrame:
    """:func:`named` in ``fw``, the codes only the headline tree ``hfw`` has named in it."""
    out = named(frame, fw, lang)
    extra = [str(c) not in fw.nodes.index and str(c) in hfw.nodes.index for c in out["code"]]
    if any(extra):
        out.loc[extra, "label"] = [hfw.label(str(c), lang) for c in out.loc[extra, "code"]]
    return out


def _gap_tables(batch: BatchData, fw: Any, region: str, year: int, lang: str) -> dict[str, Any]:
    """The gap analyses of one region and year, named in ``lang``: ``targets``,
    ``trajectory``, ``trajectory_series``, ``change``, ``strengths``, ``self``,
    ``priorities``."""
    gaps = batch.gaps
    scores = batch.scores[batch.primary]
    head = headline_name(batch)  # the index's rows (e.g. FINAL) come from the headline tree
    hfw = batch.dataset.frameworks.get(head, fw)
    targets = _named_with(rows_of(gaps["targets"], region, year), fw, hfw, lang)
    paths = _named_with(rows_of(gaps["trajectory"], region, year), fw, hfw, lang)
    own_codes = [c for c in paths["code"] if c in fw.nodes.index]
    series = trajectory_series(scores, fw, region, own_codes, year)
    if hfw is not fw and head in batch.scores:
        index_codes = [c for c in paths["code"] if c not in fw.nodes.index]
        index_series = trajectory_series(batch.scores[head], hfw, region, index_codes, year)
        series = pd.concat([index_series, series], ignore_index=True)
    change = rows_of(gaps["change"], region, year)
    change = named(change[change["level"] <= 1].reset_index(drop=True), fw, lang)
    change["driver_up_label"] = [label_of(fw, c, lang) for c in change["driver_up"]]
    change["driver_down_label"] = [label_of(fw, c, lang) for c in change["driver_down"]]
    own = rows_of(gaps["self"], region, year)
    priorities = rows_of(gaps["priorities"], region, year)
    if len(priorities):
        pfw = batch.dataset.framework_of(str(priorities["index"].iloc[0])) or fw
        priorities = named(priorities, fw, lang)
        priorities["parent_label"] = [label_of(pfw, c, lang) for c in priorities["parent"]]
    return {
        "targets": targets.assign(
            band_text=[
                band_word(b, p, lang)
                for b, p in zip(targets["band"], targets["pct_achieved"], strict=True)
            ],
            origin_text=[
                t(f"origin.{o}", lang) if str(o) else "" for o in targets["target_source"]
            ],
        ),
        "trajectory": _with_vocab_text(paths, "status", "status", lang),
        "trajectory_series": series,
        "change": change,
        "strengths": strength_rows(
            named(rows_of(gaps["strengths"], region, year), fw, lang), targets, paths
        ),
        "self": named(own[own["level"] <= 1].reset_index(drop=True), fw, lang),
        "priorities": priorities,
    }


def _assessor_tables(batch: BatchData, fw: Any, region: str, year: int, lang: str) -> dict:
    """``agreement`` (the statistics of one region and year as a dict, or None) and
    ``disagreement`` (the spread of each item, named in ``lang``)."""
    agree = rows_of(batch.agreement, region, year)
    spread = rows_of(batch.disagreement, region, year)
    if len(spread):
        spread = named(spread.rename(columns={"indicator": "code"}), fw, lang)
    return {"agreement": agree.iloc[0].to_dict() if len(agree) else None, "disagreement": spread}


def _meta(batch: BatchData, fw: Any, region: str, year: int, lang: str, cards: list) -> dict:
    """The report's facts: region, year, language, dataset, unit and scale, sizes, settings."""
    ds = batch.dataset
    scores = batch.scores[batch.primary]
    unit, lo, hi = score_unit(fw, batch.settings.score_options(fw), lang)
    year_scores = scores[(scores["year"] == year) & (scores["code"] == fw.root)]
    previous = [c for c in cards[:1] if c.get("previous_year") is not None]
    return {
        "region": region,
        "year": year,
        "lang": lang,
        "dataset": ds.name,
        "title": dataset_text(ds, "title", lang),
        "description": dataset_text(ds, "description", lang),
        "illustrative": bool(ds.illustrative),
        "timezone": str((getattr(ds, "meta", {}) or {}).get("timezone", "") or ""),
        "unit": unit,
        "lo": lo,
        "hi": hi,
        "framework": fw.label(fw.root, lang),
        "framework_name": batch.primary,
        "root": fw.root,
        "n_regions": int(year_scores["score"].notna().sum()),
        "years": sorted(int(y) for y in scores.loc[scores["region"] == region, "year"].unique()),
        "previous_year": previous[0]["previous_year"] if previous else None,
        "methods": batch.settings.to_dict(),
    }


def with_published(
    frame: pd.DataFrame, published: pd.DataFrame, region: str, year: int
) -> pd.DataFrame:
    """``frame`` (with ``code``) with ``published``: the published value of each code for
    ``region`` and ``year`` (published.csv; NaN where none). The report shows the published
    value where one exists, so that it reads as the official letter."""
    if published is None or published.empty or "code" not in frame:
        return frame.assign(published=float("nan"))
    rows = published[(published["region"] == region) & (published["year"] == int(year))]
    values = rows.drop_duplicates("code").set_index("code")["score"].astype(float)
    return frame.assign(published=[float(values.get(c, float("nan"))) for c in frame["code"]])


def dataset_text(ds: Any, key: str, lang: str) -> str:
    """The dataset's ``title`` or ``description`` in ``lang``: ``<key>_id`` of dataset.toml
    for Indonesian where it is given, else ``<key>`` (the title falls back to the name)."""
    meta = getattr(ds, "meta", {}) or {}
    if lang == "id" and str(meta.get(f"{key}_id", "")).strip():
        return str(meta[f"{key}_id"])
    return str(meta.get(key, ds.name if key == "title" else ""))


def _provenance(batch: BatchData, ev: Any, region: str, year: int, lang: str) -> dict:
    """The provenance record, read from the Evaluations' logs: the batch's steps (load,
    scores, gaps, agreement) then this report's own (robustness), each with its parameters,
    input hashes and package version; the input files with the SHA-256 the log recorded."""
    ds = batch.dataset
    steps = [*batch.log, *(e for e in ev.log if e.step != "load" and e not in batch.log)]
    params = {"dataset": ds.name, "region": region, "year": year, "lang": lang}
    prov = provenance(ds.files, batch.settings.to_dict(), params, inputs=batch.inputs)
    prov["steps"] = _relative_steps(log_records(steps), ds)
    if steps:
        prov["version"] = steps[0].version
    return prov


def _relative_steps(records: list[dict[str, Any]], ds: Any) -> list[dict[str, Any]]:
    """The log records with the paths in their parameters relative to the dataset's parent
    folder (no machine-specific absolute paths in a report)."""
    base = Path(ds.path).resolve().parent
    out = []
    for rec in records:
        params = dict(rec.get("parameters") or {})
        for key, value in params.items():
            if key == "path" and isinstance(value, str) and Path(value).is_absolute():
                try:
                    params[key] = Path(value).resolve().relative_to(base).as_posix()
                except ValueError:
                    params[key] = Path(value).name
        out.append({**rec, "parameters": params})
    return out


def evaluation_provenance(ev: Any, parameters: dict[str, Any]) -> dict[str, Any]:
    """The provenance record of any result of an Evaluation (the auditor's notebook): input
    files with the SHA-256 its log recorded, settings, ``parameters``, package version and
    the log's steps, as in the annual report."""
    ds = ev.dataset
    prov = provenance(ds.files, ev.settings.to_dict(), parameters, inputs=input_records(ev))
    prov["steps"] = _relative_steps(log_records(ev.log), ds)
    return prov


def report_data(
    evaluation: Any,
    region: str,
    year: int,
    lang: str | None = None,
    *,
    cache: str | Path | None = None,
    **changes: Any,
) -> dict[str, Any]:
    """Every table and number of the annual report of ``region`` in ``year``.

    Parameters
    ----------
    evaluation : an :class:`~smartcity_eval.evaluation.Evaluation` (or a Dataset, a dataset
        folder or a shipped dataset's name, evaluated with its ``[methods]``).
    region, year : the region and evaluation year (DataError when the dataset lacks them).
    lang : ``id`` or ``en`` (default: the dataset's ``lang``) for names and labels.
    cache : a batch cache written by :func:`write_cache` (used only when it matches).
    changes : settings changed on top of the Evaluation's (e.g. ``normalise="minmax"``;
        None = not given).

    Returns
    -------
    dict with keys ``meta`` (region, year, lang, dataset, title, illustrative, unit, lo, hi,
    framework label, n_regions, years, methods = the settings), ``headline`` (list of
    cards, see :func:`headline_cards`), ``profile``, ``elements``, ``targets``,
    ``trajectory``, ``trajectory_series``, ``change``, ``strengths``, ``self``,
    ``priorities``, ``agreement`` (dict or None), ``disagreement``, ``coverage``,
    ``missing``, ``robustness`` (the dict of
    :func:`smartcity_eval.robustness.summary.robustness_report`, or None) and
    ``provenance`` (dict, with the log's ``steps``) and ``messages`` (the key messages,
    :func:`smartcity_eval.reports.tables.key_messages`), ``letter_ranks`` (the published ranks,
    :func:`smartcity_eval.reports.published.letter_ranks`) and ``spbe`` (the index, domain and
    aspect indices of an SPBE tree, :func:`smartcity_eval.analysis.spbe.spbe_tables`, or
    None). Tables are pandas DataFrames with a
    ``label`` column of display names in ``lang``.
    """
    ev = as_evaluation(evaluation, **changes)
    batch = _batch(ev, cache)
    ds = batch.dataset
    region, year = str(region), int(year)
    _check(ds, region, year)
    lang = lang or ds.lang
    fw = ds.frameworks[batch.primary]
    scores = batch.scores[batch.primary]
    cards = _headline(batch, region, year, lang)
    report = {
        "meta": _meta(batch, fw, region, year, lang, cards),
        "headline": cards,
        "letter": _letter(batch, region, year, lang),
        "letter_ranks": letter_ranks(ds, cards, region, year, lang),
        "has_items": has_items(ds),
        "profile": with_published(
            pillar_profile(scores, fw, batch.gaps["targets"], region, year, lang),
            ds.published,
            region,
            year,
        ),
        "elements": element_matrix(scores, fw, region, year, lang),
        **_gap_tables(batch, fw, region, year, lang),
        **_assessor_tables(batch, fw, region, year, lang),
        "coverage": indicator_coverage(scores, fw, region, year, lang),
        "missing": missing_values(
            scores, ds.observations, fw, region, year, lang, getattr(ds, "note_lang", None)
        ),
        "robustness": robustness_of(ev, region, year),
        "provenance": _provenance(batch, ev, region, year, lang),
        "registers": register_data(ev, region, year, lang),
        "spbe": spbe_tables(batch.scores, ds.frameworks, region, year, lang),
    }
    report["headline"] = published_cards(cards, report["letter"], ds, lang)  # as published
    report["messages"] = key_messages(report, lang)
    return report
