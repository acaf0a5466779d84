"""Everything one annual report shows, assembled from the public API.

The report notebook holds no formulas: it calls :func:`report_data` once and hands the
result to :mod:`smartcity_eval.reports.sections` to display. :func:`report_data` selects one
region and year from the batch-level results of :func:`prepare`:

* scores of every tree of the dataset (:func:`smartcity_eval.scoring.engine.score_dataset`);
* the gap analyses (:func:`smartcity_eval.analysis.gaps.gap_report`: targets, trajectory, change,
  peers, strengths, self-assessment, priorities);
* assessor agreement per region and year (:func:`smartcity_eval.analysis.reliability.agreement`) and
  the spread of each item (:func:`smartcity_eval.analysis.reliability.item_disagreement`);
* per report, how robust the rank is (:func:`smartcity_eval.robustness.summary.robustness`:
  uncertainty and sensitivity analysis, OECD/JRC Handbook 2008 step 7);
* the provenance of the inputs (:func:`smartcity_eval.io.provenance.provenance`).

:func:`prepare` does the work once per dataset and methods; the report runner stores its
result in a cache file (:func:`write_cache`) so that the forty reports of a batch do not
load and score the dataset forty times. A cache is used only when the SHA-256 of every
input file, the methods and the package version are those it was made from; otherwise the
report computes its own (same numbers, slower).

Numbers are never rounded here; :mod:`sections` formats them for display.
"""

from __future__ import annotations

import dataclasses
import math
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.messages import t
from smartcity_eval.io.provenance import file_hashes, fingerprint, package_version, provenance, sha256_file
from smartcity_eval.errors import DataError, Problem, did_you_mean

__all__ = [
    "SCORE_OPTIONS",
    "BatchData",
    "prepare",
    "cache_key",
    "write_cache",
    "read_cache",
    "report_data",
    "score_unit",
    "headline_cards",
    "pillar_profile",
    "element_matrix",
    "indicator_coverage",
    "missing_values",
    "trajectory_series",
    "robustness_of",
]

#: Method options that go to scoring (``consensus`` goes to the gap analysis).
SCORE_OPTIONS = ("normalise", "range", "aggregate", "scope", "min_coverage", "impute", "outliers")
_CACHE_FORMAT = 1


@dataclasses.dataclass
class BatchData:
    """The batch-level results that every report of a dataset shares (see :func:`prepare`)."""

    dataset: Any
    methods: dict[str, Any]
    options: dict[str, Any]
    scores: dict[str, pd.DataFrame]
    gaps: dict[str, pd.DataFrame]
    agreement: pd.DataFrame
    disagreement: pd.DataFrame
    inputs: list[dict[str, Any]]
    key: str


def _load(dataset: Any) -> Any:
    from smartcity_eval.io.dataset import Dataset, load_dataset

    return dataset if isinstance(dataset, Dataset) else load_dataset(dataset)


def _clean_methods(methods: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in methods.items() if v is not None}


def cache_key(dataset: Any, **methods: Any) -> str:
    """The fingerprint of a batch: SHA-256 over the inputs' hashes, the methods and the
    package version (see :func:`smartcity_eval.io.provenance.fingerprint`)."""
    ds = _load(dataset)
    inputs = file_hashes(ds.files)
    return fingerprint(
        [(i["role"], i["sha256"]) for i in inputs], _clean_methods(methods), package_version()
    )


def _with_consensus(ds: Any, consensus: str | None) -> Any:
    if not consensus:
        return ds
    meta = {**ds.meta, "methods": {**ds.meta.get("methods", {}), "consensus": consensus}}
    return dataclasses.replace(ds, meta=meta)


def robustness_of(ds: Any, region: str, year: int, options: Mapping[str, Any]) -> dict | None:
    """The uncertainty and sensitivity analysis of ``region``'s rank in ``year``
    (:func:`smartcity_eval.robustness.summary.robustness`) with the report's methods as the
    nominal ones; None where the module or the analysis is not available (e.g. a year with
    a single region)."""
    try:
        from smartcity_eval.robustness.summary import robustness
    except ImportError:  # pragma: no cover - an older package
        return None
    methods = {**ds.meta.get("methods", {}), **{k: v for k, v in options.items() if v is not None}}
    nominal = dataclasses.replace(ds, meta={**ds.meta, "methods": methods})
    try:
        return robustness(nominal, region, int(year))
    except (DataError, ValueError, ZeroDivisionError):
        return None


def prepare(dataset: Any, **methods: Any) -> BatchData:
    """Load (if needed) and analyse a dataset once for all its reports.

    ``methods``: ``normalise, range, aggregate, scope, min_coverage, impute, outliers``
    (scoring; None = the dataset's ``[methods]``) and ``consensus`` (how the assessors'
    scores are combined in the self-assessment comparison).
    """
    from smartcity_eval.analysis.reliability import agreement, item_disagreement
    from smartcity_eval.analysis.gaps import gap_report
    from smartcity_eval.scoring.engine import resolve_options, score_dataset

    methods = _clean_methods(methods)
    ds = _with_consensus(_load(dataset), methods.get("consensus"))
    # absolute paths: the batch is used by kernels working in another folder
    ds = dataclasses.replace(
        ds,
        path=Path(ds.path).resolve(),
        files={role: Path(p).resolve() for role, p in ds.files.items()},
    )
    options = {k: methods[k] for k in SCORE_OPTIONS if k in methods}
    scores = {name: score_dataset(ds, framework=name, **options) for name in ds.frameworks}
    primary = next(iter(ds.frameworks))
    gaps = gap_report(ds, scores=scores[primary], **options)
    if len(ds.assessments):
        agree = agreement(ds.assessments, by=("region", "year"))
        spread = item_disagreement(ds.assessments)
    else:
        agree = pd.DataFrame(columns=["region", "year"])
        spread = pd.DataFrame(columns=["region", "year", "indicator", "range"])
    resolved = resolve_options(ds, ds.framework, **options)
    resolved = {k: v for k, v in resolved.items() if k not in ("targets", "bands")}
    if "consensus" in ds.methods:
        resolved["consensus"] = ds.methods["consensus"]
    inputs = file_hashes(ds.files, base=Path(ds.path).parent)
    key = fingerprint([(i["role"], i["sha256"]) for i in inputs], methods, package_version())
    return BatchData(
        dataset=ds,
        methods=methods,
        options=resolved,
        scores=scores,
        gaps=gaps,
        agreement=agree,
        disagreement=spread,
        inputs=inputs,
        key=key,
    )


def write_cache(dataset: Any, path: Path | str, **methods: Any) -> Path:
    """Compute :func:`prepare` and store it at ``path`` (pickle, written atomically)."""
    from smartcity_eval.io.outputs import atomic_write

    batch = prepare(dataset, **methods)
    payload = {
        "format": _CACHE_FORMAT,
        "version": package_version(),
        "dataset_path": str(Path(batch.dataset.path).resolve()),
        "hashes": {
            str(Path(p).resolve()): sha256_file(p) for p in set(batch.dataset.files.values())
        },
        "batch": batch,
    }
    return atomic_write(path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))


def read_cache(path: Path | str, dataset: Any, **methods: Any) -> BatchData | None:
    """The cached batch at ``path`` if it was made from the same dataset folder, the same
    methods, the same package version, and every input file still has the SHA-256 it had;
    else None. A cache file is only read from the runner's own output folder."""
    try:
        payload = pickle.loads(Path(path).read_bytes())  # noqa: S301 - our own cache file
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if not isinstance(payload, dict) or payload.get("format") != _CACHE_FORMAT:
        return None
    if payload.get("version") != package_version():
        return None
    batch = payload.get("batch")
    if not isinstance(batch, BatchData) or batch.methods != _clean_methods(methods):
        return None
    from smartcity_eval.io.dataset import Dataset, dataset_dir

    wanted = dataset.path if isinstance(dataset, Dataset) else dataset_dir(dataset)
    if str(Path(wanted).resolve()) != payload.get("dataset_path"):
        return None
    hashes = payload.get("hashes", {})
    if not hashes:
        return None
    try:
        if any(sha256_file(p) != digest for p, digest in hashes.items()):
            return None
    except OSError:
        return None
    return batch


# ----------------------------------------------------------------------------- small pieces
def score_unit(framework: Any, options: Mapping[str, Any], lang: str) -> tuple[str, float, float]:
    """The unit of the scores and the scale's bounds: ``(unit text, low, high)``.

    Without normalisation (``normalise = none``, as the Kominfo and SPBE indices) scores
    keep the indicators' unit (e.g. "level 1-5") and bounds; after ``minmax``,
    ``goalposts``, ``rank`` or ``target`` they lie in ``range`` (default 0-100); z-scores
    are in standard deviations (bounds NaN: taken from the data).
    """
    method = str(options.get("normalise", "none"))
    if method == "none":
        nodes = framework.nodes.loc[framework.indicators]
        units = sorted({str(u) for u in nodes["unit"] if str(u)})
        lo = float(np.nanmin(nodes["lower"])) if nodes["lower"].notna().any() else math.nan
        hi = float(np.nanmax(nodes["upper"])) if nodes["upper"].notna().any() else math.nan
        if units == ["level 1-5"] or (not units and (lo, hi) == (1.0, 5.0)):
            return t("unit.levels", lang), 1.0, 5.0
        return (units[0] if len(units) == 1 else ""), lo, hi
    if method == "zscore":
        return t("unit.zscore", lang), math.nan, math.nan
    lo, hi = (float(v) for v in options.get("range", (0.0, 100.0)))
    return t("unit.score", lang, lo=lo, hi=hi), lo, hi


def _band_label(band: str, bands: pd.DataFrame, lang: str) -> str:
    if not band or lang != "id" or bands is None or bands.empty or "label_id" not in bands:
        return band
    match = bands.loc[bands["label"] == band, "label_id"]
    return str(match.iloc[0]) if len(match) and str(match.iloc[0]) else band


def headline_cards(
    scores: Mapping[str, pd.DataFrame],
    frameworks: Mapping[str, Any],
    region: str,
    year: int,
    lang: str,
    bands: Mapping[str, pd.DataFrame] | None = None,
) -> list[dict[str, Any]]:
    """One card per tree with a score for ``region`` in ``year``: the index (root) score,
    band, rank among the regions scored that year, and the change on the latest earlier
    year with a score ("tingkat improvement": this year's index minus last year's).

    Returns dicts with ``framework, code, label, score, band, rank, n, previous_year,
    previous_score, change`` (NaN / None where unknown). The primary tree comes first.
    """
    cards = []
    for name, fw in frameworks.items():
        table = scores[name]
        root = fw.root
        rows = table[(table["code"] == root) & table["score"].notna()]
        this = rows[(rows["region"] == region) & (rows["year"] == year)]
        if this.empty and cards:
            continue
        score = float(this["score"].iloc[0]) if len(this) else math.nan
        band = str(this["band"].iloc[0]) if len(this) and "band" in this else ""
        rank = this["rank"].iloc[0] if len(this) else pd.NA
        same_year = rows[rows["year"] == year]
        earlier = rows[(rows["region"] == region) & (rows["year"] < year)].sort_values("year")
        prev_year = int(earlier["year"].iloc[-1]) if len(earlier) else None
        prev_score = float(earlier["score"].iloc[-1]) if len(earlier) else math.nan
        cards.append(
            {
                "framework": name,
                "code": root,
                "label": fw.label(root, lang),
                "score": score,
                "band": _band_label(band, (bands or {}).get(name, fw.bands), lang),
                "band_en": band,
                "has_bands": bool(len((bands or {}).get(name, fw.bands))),
                "rank": None if pd.isna(rank) else int(rank),
                "n": int(same_year["region"].nunique()),
                "previous_year": prev_year,
                "previous_score": prev_score,
                "change": score - prev_score if prev_year is not None else math.nan,
            }
        )
    return cards


def pillar_profile(
    scores: pd.DataFrame, framework: Any, targets: pd.DataFrame, region: str, year: int, lang: str
) -> pd.DataFrame:
    """The root's children (the pillars): ``code, label, score, peer_median, target``.

    ``peer_median`` is the median over every region scored that year (the region included);
    ``target`` the masterplan target for that year from the gap analysis (NaN when none).
    """
    pillars = framework.children(framework.root)
    year_rows = scores[(scores["year"] == year) & scores["code"].isin(pillars)]
    median = year_rows.groupby("code")["score"].median()
    own = year_rows[year_rows["region"] == region].set_index("code")["score"]
    tg = (
        targets[(targets["region"] == region) & (targets["year"] == year)]
        .set_index("code")["target"]
        .astype(float)
        if len(targets)
        else pd.Series(dtype=float)
    )
    return pd.DataFrame(
        {
            "code": pillars,
            "label": [framework.label(c, lang) for c in pillars],
            "score": [float(own.get(c, math.nan)) for c in pillars],
            "peer_median": [float(median.get(c, math.nan)) for c in pillars],
            "target": [float(tg.get(c, math.nan)) for c in pillars],
        }
    )


def element_matrix(
    scores: pd.DataFrame, framework: Any, region: str, last_year: int, lang: str
) -> pd.DataFrame:
    """Scores of the elements (the root's grandchildren; its children when the tree is
    shallower) of ``region`` in every year up to ``last_year``: rows labelled
    ``"<pillar code> · <element name>"`` in framework order, columns years."""
    depth = 2 if framework.max_depth >= 3 else 1
    codes = [str(c) for c in framework.nodes.index if framework.depth(str(c)) == depth]
    codes = [c for c in codes if not framework.nodes.at[c, "is_leaf"]] or codes
    rows = scores[
        (scores["region"] == region) & (scores["year"] <= last_year) & scores["code"].isin(codes)
    ]
    wide = rows.pivot_table(index="code", columns="year", values="score", aggfunc="first")
    wide = wide.reindex(codes)
    wide = wide.reindex(columns=sorted(c for c in wide.columns))
    wide.index = [f"{c} · {framework.label(c, lang)}" for c in codes]
    wide.columns = [int(c) for c in wide.columns]
    return wide


def indicator_coverage(
    scores: pd.DataFrame, framework: Any, region: str, year: int, lang: str
) -> pd.DataFrame:
    """Data coverage of each pillar and the index for one region and year.

    Columns ``code, label, n_indicators, n_present, n_missing, n_imputed, coverage`` where
    ``coverage`` = the effective-weight share (0-1) of the pillar's indicators that have a
    value (imputed values count as present), the share an aggregate is computed from.
    """
    rows = scores[
        (scores["region"] == region)
        & (scores["year"] == year)
        & scores["code"].isin(framework.indicators)
    ].set_index("code")
    weights = framework.effective_weights
    parent = {str(k): str(v) for k, v in framework.parent_map().items()}

    def under(code: str) -> list[str]:  # the indicators below ``code`` (file order)
        out = []
        for leaf in framework.indicators:
            node = leaf
            while node and node != code:
                node = parent.get(node, "")
            if node == code:
                out.append(leaf)
        return out

    out = []
    for code in [framework.root, *framework.children(framework.root)]:
        leaves = under(code)
        present = [c for c in leaves if c in rows.index and pd.notna(rows.at[c, "score"])]
        imputed = [c for c in leaves if c in rows.index and bool(rows.at[c, "imputed"])]
        w_all = float(weights.reindex(leaves).sum())
        w_present = float(weights.reindex(present).sum())
        out.append(
            {
                "code": code,
                "label": framework.label(code, lang),
                "n_indicators": len(leaves),
                "n_present": len(present),
                "n_missing": len(leaves) - len(present),
                "n_imputed": len(imputed),
                "coverage": w_present / w_all if w_all > 0 else math.nan,
            }
        )
    return pd.DataFrame(out)


def missing_values(
    scores: pd.DataFrame,
    observations: pd.DataFrame,
    framework: Any,
    region: str,
    year: int,
    lang: str,
) -> pd.DataFrame:
    """Every indicator of the tree that is missing or imputed for one region and year.

    Columns ``code, label, pillar, status`` (``missing`` / ``imputed``), ``value`` (the
    imputed value; NaN when missing) and ``note`` (the observation's note, or "no row in
    observations" when the indicator has no row at all).
    """
    rows = scores[
        (scores["region"] == region)
        & (scores["year"] == year)
        & scores["code"].isin(framework.indicators)
    ].set_index("code")
    obs = observations[(observations["region"] == region) & (observations["year"] == year)]
    notes = dict(
        zip(obs["indicator"], obs.get("note", pd.Series("", index=obs.index)), strict=True)
    )
    has_row = set(obs["indicator"])
    out = []
    for code in framework.indicators:
        missing = code not in rows.index or pd.isna(rows.at[code, "score"])
        imputed = code in rows.index and bool(rows.at[code, "imputed"])
        if not (missing or imputed):
            continue
        ancestors = framework.ancestors(code)
        pillar = ancestors[-2] if len(ancestors) >= 2 else (ancestors[0] if ancestors else code)
        note = str(notes.get(code, "") or "")
        if code not in has_row:
            note = note or (
                "tidak ada baris di observations" if lang == "id" else "no row in observations"
            )
        out.append(
            {
                "code": code,
                "label": framework.label(code, lang),
                "pillar": framework.label(pillar, lang),
                "status": "imputed" if imputed and not missing else "missing",
                "value": float(rows.at[code, "raw"]) if imputed and not missing else math.nan,
                "note": note,
            }
        )
    return pd.DataFrame(out, columns=["code", "label", "pillar", "status", "value", "note"])


def trajectory_series(
    scores: pd.DataFrame, framework: Any, region: str, codes: list[str], last_year: int
) -> pd.DataFrame:
    """The actual value of each node in ``codes`` for ``region`` over the years up to
    ``last_year``: ``code, year, value`` (an indicator's raw value, an aggregate's score,
    as the gap analysis compares with targets)."""
    rows = scores[
        (scores["region"] == region) & scores["code"].isin(codes) & (scores["year"] <= last_year)
    ].copy()
    leaf = rows["code"].isin(framework.indicators)
    raw = rows["raw"] if "raw" in rows else pd.Series(np.nan, index=rows.index)
    rows["value"] = np.where(leaf & raw.notna(), raw, rows["score"])
    return rows.loc[rows["value"].notna(), ["code", "year", "value"]].reset_index(drop=True)


def _named(frame: pd.DataFrame, framework: Any, lang: str, column: str = "code") -> pd.DataFrame:
    out = frame.copy()
    out.insert(
        out.columns.get_loc(column) + 1,
        "label",
        [
            framework.label(str(c), lang) if str(c) in framework.nodes.index else str(c)
            for c in out[column]
        ],
    )
    return out


def _label_of(framework: Any, code: Any, lang: str) -> str:
    if code is None or (isinstance(code, float) and math.isnan(code)) or str(code) == "":
        return ""
    code = str(code)
    return framework.label(code, lang) if code in framework.nodes.index else code


def _check(ds: Any, region: str, year: int) -> None:
    toml = str(ds.files.get("dataset.toml", ds.path))
    problems = []
    if region not in ds.regions:
        problems.append(
            Problem(
                toml,
                None,
                "region",
                f"the dataset has no region '{region}'",
                did_you_mean(region, ds.regions),
                f"dataset tidak memiliki daerah '{region}'",
            )
        )
    if int(year) not in ds.years:
        problems.append(
            Problem(
                toml,
                None,
                "year",
                f"the dataset has no year {year}",
                did_you_mean(year, ds.years),
                f"dataset tidak memiliki tahun {year}",
            )
        )
    if problems:
        raise DataError(problems)


def _rows(table: pd.DataFrame, region: str, year: int) -> pd.DataFrame:
    if table is None or table.empty or "region" not in table:
        return pd.DataFrame(columns=table.columns if table is not None else [])
    keep = (table["region"] == region) & (table["year"] == year)
    return table.loc[keep].reset_index(drop=True)


# ----------------------------------------------------------------------------- the report
def report_data(
    dataset: Any,
    region: str,
    year: int,
    lang: str | None = None,
    *,
    cache: str | Path | None = None,
    normalise: str | None = None,
    aggregate: str | None = None,
    scope: str | None = None,
    min_coverage: float | None = None,
    impute: str | None = None,
    outliers: bool | None = None,
    consensus: str | None = None,
) -> dict[str, Any]:
    """Every table and number of the annual report of ``region`` in ``year``.

    Parameters
    ----------
    dataset : a dataset folder, its name under ``data/``, or a loaded Dataset.
    region, year : the region and evaluation year (DataError when the dataset lacks them).
    lang : ``id`` or ``en`` (default: the dataset's ``lang``) for names and labels.
    cache : a batch cache written by :func:`write_cache` (used only when it matches).
    normalise ... consensus : method options (None = the dataset's ``[methods]``).

    Returns
    -------
    dict with keys ``meta`` (region, year, lang, dataset, title, illustrative, unit, lo, hi,
    framework label, n_regions, years), ``headline`` (list of cards, see
    :func:`headline_cards`), ``profile``, ``elements``, ``targets``, ``trajectory``,
    ``trajectory_series``, ``change``, ``strengths``, ``self``, ``priorities``,
    ``agreement`` (dict or None), ``disagreement``, ``coverage``, ``missing``,
    ``robustness`` (the dict of :func:`smartcity_eval.robustness.summary.robustness`, or None) and
    ``provenance`` (dict). Tables are pandas
    DataFrames with a ``label`` column of display names in ``lang``.
    """
    methods = _clean_methods(
        {
            "normalise": normalise,
            "aggregate": aggregate,
            "scope": scope,
            "min_coverage": min_coverage,
            "impute": impute,
            "outliers": outliers,
            "consensus": consensus,
        }
    )
    batch = read_cache(cache, dataset, **methods) if cache else None
    if batch is None:
        batch = prepare(dataset, **methods)
    ds = batch.dataset
    year = int(year)
    region = str(region)
    _check(ds, region, year)
    lang = lang or ds.lang
    fw = ds.framework
    primary = next(iter(ds.frameworks))
    scores = batch.scores[primary]
    unit, lo, hi = score_unit(fw, batch.options, lang)
    year_scores = scores[(scores["year"] == year) & (scores["code"] == fw.root)]
    gaps = batch.gaps

    # headline
    bands = {name: (ds.bands if name == primary else f.bands) for name, f in ds.frameworks.items()}
    cards = headline_cards(batch.scores, ds.frameworks, region, year, lang, bands)
    targets = _rows(gaps["targets"], region, year)
    trajectory = _rows(gaps["trajectory"], region, year)
    if cards:
        root_target = targets[targets["code"] == fw.root]
        root_traj = trajectory[trajectory["code"] == fw.root]
        has_target = len(root_target) > 0
        cards[0]["target"] = float(root_target["target"].iloc[0]) if has_target else math.nan
        cards[0]["target_pct"] = (
            float(root_target["pct_achieved"].iloc[0]) if has_target else math.nan
        )
        cards[0]["target_band"] = (
            str(root_target["band_id" if lang == "id" else "band"].iloc[0]) if has_target else ""
        )
        cards[0]["target_band_en"] = str(root_target["band"].iloc[0]) if has_target else ""
        cards[0]["target_status"] = (
            str(root_traj["status_id" if lang == "id" else "status"].iloc[0])
            if len(root_traj)
            else ""
        )
        cards[0]["target_status_en"] = str(root_traj["status"].iloc[0]) if len(root_traj) else ""

    # sections
    profile = pillar_profile(scores, fw, gaps["targets"], region, year, lang)
    elements = element_matrix(scores, fw, region, year, lang)
    targets = _named(targets, fw, lang)
    trajectory = _named(trajectory, fw, lang)
    series = trajectory_series(scores, fw, region, list(trajectory["code"]), year)
    change = _rows(gaps["change"], region, year)
    change = change[change["level"] <= 1].reset_index(drop=True)
    change = _named(change, fw, lang)
    change["driver_up_label"] = [_label_of(fw, c, lang) for c in change["driver_up"]]
    change["driver_down_label"] = [_label_of(fw, c, lang) for c in change["driver_down"]]
    strengths = _named(_rows(gaps["strengths"], region, year), fw, lang)
    self_table = _rows(gaps["self"], region, year)
    self_table = _named(self_table[self_table["level"] <= 1].reset_index(drop=True), fw, lang)
    priorities = _rows(gaps["priorities"], region, year)
    if len(priorities):
        pfw = ds.framework_of(str(priorities["index"].iloc[0])) or fw
        priorities = _named(priorities, fw, lang)
        priorities["parent_label"] = [_label_of(pfw, c, lang) for c in priorities["parent"]]
    agree_rows = _rows(batch.agreement, region, year)
    agree = agree_rows.iloc[0].to_dict() if len(agree_rows) else None
    spread = _rows(batch.disagreement, region, year)
    if len(spread):
        spread = spread.rename(columns={"indicator": "code"})
        spread = _named(spread, fw, lang)
    coverage = indicator_coverage(scores, fw, region, year, lang)
    missing = missing_values(scores, ds.observations, fw, region, year, lang)
    robustness = robustness_of(
        ds, region, year, {k: batch.methods[k] for k in SCORE_OPTIONS if k in batch.methods}
    )

    params = {"dataset": ds.name, "region": region, "year": year, "lang": lang}
    prov = provenance(ds.files, batch.options, params, inputs=batch.inputs)
    previous = [c for c in cards[:1] if c.get("previous_year") is not None]
    return {
        "meta": {
            "region": region,
            "year": year,
            "lang": lang,
            "dataset": ds.name,
            "title": ds.title,
            "illustrative": bool(ds.illustrative),
            "unit": unit,
            "lo": lo,
            "hi": hi,
            "framework": fw.label(fw.root, lang),
            "framework_name": primary,
            "root": fw.root,
            "n_regions": int(year_scores["score"].notna().sum()),
            "years": sorted(
                int(y) for y in scores.loc[scores["region"] == region, "year"].unique()
            ),
            "previous_year": previous[0]["previous_year"] if previous else None,
            "methods": batch.options,
        },
        "headline": cards,
        "profile": profile,
        "elements": elements,
        "targets": targets,
        "trajectory": trajectory,
        "trajectory_series": series,
        "change": change,
        "strengths": strengths,
        "self": self_table,
        "priorities": priorities,
        "agreement": agree,
        "disagreement": spread,
        "coverage": coverage,
        "missing": missing,
        "robustness": robustness,
        "provenance": prov,
    }
