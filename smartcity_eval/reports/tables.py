"""The tables of one annual report, each computed from the scores and gap analyses of a
whole dataset for one region and year (pure functions on tidy pandas frames).

:func:`smartcity_eval.reports.content.report_data` calls them in turn; the report sections
(:mod:`smartcity_eval.reports.sections`) display what they return. Numbers are never rounded
here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval import vocab
from smartcity_eval.messages import t
from smartcity_eval.present.numbers import fmt

__all__ = [
    "score_unit",
    "headline_cards",
    "pillar_profile",
    "element_matrix",
    "indicator_coverage",
    "missing_values",
    "trajectory_series",
    "named",
    "label_of",
    "rows_of",
    "target_met",
    "strength_rows",
    "key_messages",
]


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
    region_table: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """One card per tree with a score for ``region`` in ``year``: the index (root) score,
    band, rank among the regions scored that year, and the change on the latest earlier
    year with a score ("tingkat improvement": this year's index minus last year's).

    Returns dicts with ``framework, code, label, score, band, rank, n, previous_year,
    previous_score, change`` (NaN / None where unknown), and, where ``region_table``
    (regions.csv) lists the region, ``kind, rank_kind, n_kind, province, rank_province,
    n_province``: the rank among the regions of its kind and of its province. The first
    tree given comes first.
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
                **_category_ranks(same_year, region, region_table),
            }
        )
    return cards


def _category_ranks(
    same_year: pd.DataFrame, region: str, region_table: pd.DataFrame | None
) -> dict[str, Any]:
    """The rank of ``region`` among the regions of its kind and of its province
    (:func:`smartcity_eval.analysis.peers.category_ranks`), with the group sizes."""
    from smartcity_eval.analysis.peers import category_ranks

    if region_table is None or region_table.empty or region not in set(region_table["region"]):
        return {}
    info = region_table.set_index("region")
    ranked = category_ranks(same_year, region_table)
    own = ranked[ranked["region"] == region]
    out: dict[str, Any] = {}
    for by in ("kind", "province"):
        group = str(info.at[region, by])
        rank = own[f"rank_{by}"].iloc[0] if len(own) else pd.NA
        out[by] = group
        out[f"rank_{by}"] = None if pd.isna(rank) else int(rank)
        out[f"n_{by}"] = int((same_year["region"].map(info[by]) == group).sum())
    return out


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
    source_lang: str | None = None,
) -> pd.DataFrame:
    """Every indicator of the tree that is missing or imputed for one region and year.

    Columns ``code, label, pillar, status`` (``missing`` / ``imputed``), ``value`` (the
    imputed value; NaN when missing) and ``note`` (the observation's note in ``lang``, see
    :mod:`smartcity_eval.reports.notes`; ``source_lang``: the language of the ``note``
    column, default ``lang``), or "no row in observations" when the indicator has no row).
    """
    rows = scores[
        (scores["region"] == region)
        & (scores["year"] == year)
        & scores["code"].isin(framework.indicators)
    ].set_index("code")
    obs = observations[(observations["region"] == region) & (observations["year"] == year)]
    from smartcity_eval.reports.notes import notes_in  # note_<lang>, else marked

    notes = dict(zip(obs["indicator"], notes_in(obs, lang, source_lang or lang), strict=True))
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
            note = note or t("note.no_row", lang)
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


def named(frame: pd.DataFrame, framework: Any, lang: str, column: str = "code") -> pd.DataFrame:
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


def label_of(framework: Any, code: Any, lang: str) -> str:
    if code is None or (isinstance(code, float) and math.isnan(code)) or str(code) == "":
        return ""
    code = str(code)
    return framework.label(code, lang) if code in framework.nodes.index else code


def rows_of(table: pd.DataFrame, region: str, year: int) -> pd.DataFrame:
    if table is None or table.empty or "region" not in table:
        return pd.DataFrame(columns=table.columns if table is not None else [])
    keep = (table["region"] == region) & (table["year"] == year)
    return table.loc[keep].reset_index(drop=True)


def target_met(pct: Any) -> bool:
    """Whether a share of the target (``pct_achieved``, 0-100, capped) means the target is
    met: 100 % exactly (a target 99.7 % achieved is not met)."""
    return pct is not None and not pd.isna(pct) and float(pct) >= 100.0


def strength_rows(
    strengths: pd.DataFrame, targets: pd.DataFrame, paths: pd.DataFrame
) -> pd.DataFrame:
    """The report's strengths and weaknesses under one rule, each item once.

    The rule: an item is a **strength** when the library lists it as one (top relative
    rank among the peers, or best share of its target; :func:`smartcity_eval.analysis.
    strengths.strengths_weaknesses`) *and* it has no target or its target is met; it is a
    **weakness** when it is listed as one on either basis. A listed strength whose target is
    not met is left out (the gap and trajectory sections show it); an item that is both a
    strength and a weakness is a weakness. ``basis`` is the comparison that placed the item:
    ``target`` when its target placed it (the target decides where there is one), else
    ``peers``; ``pct_achieved`` and ``status`` (the
    trajectory status) come from the gap and trajectory tables, so that the sections agree.

    Columns ``kind, code, label, basis, score, peer_rank, n_compared, gap_to_median,
    pct_achieved, status, position``; strengths first, each in the library's order.
    """
    columns = [
        "kind",
        "code",
        "label",
        "basis",
        "score",
        "peer_rank",
        "n_compared",
        "gap_to_median",
        "pct_achieved",
        "status",
        "position",
    ]
    if strengths is None or strengths.empty:
        return pd.DataFrame(columns=columns)
    pct = dict(zip(targets["code"], targets["pct_achieved"], strict=True)) if len(targets) else {}
    status = dict(zip(paths["code"], paths["status"], strict=True)) if len(paths) else {}
    bases = [vocab.BASIS_TARGET, vocab.BASIS_PEERS]  # the target decides where there is one
    out = []
    for code, rows in strengths.groupby("code", sort=False):
        has_target = code in pct and not pd.isna(pct[code])
        weak = rows[rows["kind"] == vocab.KIND_WEAKNESS]
        strong = rows[rows["kind"] == vocab.KIND_STRENGTH]
        if len(weak):
            kind, chosen = vocab.KIND_WEAKNESS, weak
        elif len(strong) and (not has_target or target_met(pct[code])):
            kind, chosen = vocab.KIND_STRENGTH, strong
        else:
            continue
        first = rows.iloc[0]
        peer = rows[rows["basis"] == vocab.BASIS_PEERS]
        source = peer.iloc[0] if len(peer) else first
        out.append(
            {
                "kind": kind,
                "code": str(code),
                "label": first.get("label", code),
                "basis": next(b for b in bases if b in set(chosen["basis"])),
                "score": source.get("score"),
                "peer_rank": source.get("peer_rank"),
                "n_compared": source.get("n_compared"),
                "gap_to_median": source.get("gap_to_median"),
                "pct_achieved": pct.get(code, math.nan),
                "status": str(status.get(code, "") or ""),
                "position": int(chosen["position"].min()),
            }
        )
    frame = pd.DataFrame(out, columns=columns)
    order = {vocab.KIND_STRENGTH: 0, vocab.KIND_WEAKNESS: 1}
    frame = frame.assign(_k=frame["kind"].map(order)).sort_values(["_k", "position"], kind="stable")
    return frame.drop(columns="_k").reset_index(drop=True)


def _items(frame: pd.DataFrame, limit: int = 3) -> str:
    """``"CODE label, CODE label"`` of the first ``limit`` rows."""
    pairs = list(zip(frame["code"], frame["label"], strict=True))[:limit]
    return ", ".join(f"{c} {lbl}" for c, lbl in pairs)


def _message_rank(report: Mapping[str, Any], lang: str) -> str:
    cards = report.get("headline") or []
    if not cards or cards[0].get("rank") is None or pd.isna(cards[0].get("score")):
        return ""
    c, m = cards[0], report["meta"]
    values = {
        "label": c["label"],
        "score": fmt(c["score"]),
        "rank": c["rank"],
        "n": c["n"],
        "year": m["year"],
        "prev": c.get("previous_year"),
        "change": fmt(c.get("change"), sign=True),
        "prev_rank": c.get("previous_rank"),
    }
    if c.get("previous_year") is None or pd.isna(c.get("change")):
        return t("key.rank", lang, **values)
    key = "key.rank_moved" if c.get("previous_rank") is not None else "key.rank_change"
    return t(key, lang, **values)


def _message_moved(report: Mapping[str, Any], lang: str) -> str:
    change = report.get("change")
    if change is None or change.empty or "level" not in change:
        return ""
    pillars = change[(change["level"] == 1) & change["change"].notna()]
    if pillars.empty:
        return ""
    row = pillars.loc[pillars["change"].abs().idxmax()]
    return t(
        "key.moved",
        lang,
        prev=int(row["previous_year"]),
        label=row["label"],
        change=fmt(row["change"], sign=True),
    )


def _message_targets(report: Mapping[str, Any], lang: str) -> str:
    paths = report.get("trajectory")
    if paths is None or paths.empty:
        return ""
    off = paths[paths["status"] == vocab.STATUS_OFF_TRACK]
    if off.empty:
        return t("key.on_track", lang, n=len(paths))
    return t("key.off_track", lang, k=len(off), n=len(paths), items=_items(off))


def _message_priorities(report: Mapping[str, Any], lang: str) -> str:
    table = report.get("priorities")
    if table is None or table.empty:
        return ""
    return t("key.priorities", lang, items=_items(table.sort_values("priority")))


def _message_self(report: Mapping[str, Any], lang: str) -> str:
    table = report.get("self")
    if table is None or table.empty:
        return ""
    flagged = table[(table["level"] == 1) & table["over_claiming"].astype(bool)]
    if len(flagged):
        items = ", ".join(
            f"{lbl} ({fmt(d, sign=True)})"
            for lbl, d in zip(flagged["label"], flagged["mean_difference"], strict=True)
        )
        return t("key.over_claiming", lang, items=items)
    root = table[table["level"] == 0]
    diff = root["mean_difference"].iloc[0] if len(root) else math.nan
    return t("key.no_over_claiming", lang, diff=fmt(diff, sign=True))


def _message_missing(report: Mapping[str, Any], lang: str) -> str:
    cov = report.get("coverage")
    if cov is None or cov.empty:
        return ""
    root = cov.iloc[0]
    if int(root["n_missing"]) == 0:
        return t("key.complete", lang, year=report["meta"]["year"])
    return t("key.missing", lang, n=int(root["n_missing"]), total=int(root["n_indicators"]))


#: The key messages in report order: (section anchor, the function writing the sentence).
_MESSAGES = (
    ("sec.headline", _message_rank),
    ("sec.change", _message_moved),
    ("sec.trajectory", _message_targets),
    ("sec.priorities", _message_priorities),
    ("sec.self", _message_self),
    ("sec.coverage", _message_missing),
)


def key_messages(report: Mapping[str, Any], lang: str | None = None) -> pd.DataFrame:
    """The key messages of a report (at most six sentences), each read from the table of
    the section it summarises, so that it cannot contradict it: the rank and its change
    (headline), the pillar that moved most (change), targets off track (trajectory), the
    top priorities, over-claiming (self-assessment) and missing values (coverage).

    ``report``: the dict of :func:`smartcity_eval.reports.content.report_data` (without
    ``messages``). Returns a tidy frame ``section, text`` (``section`` the anchor of the
    section the sentence comes from), in ``lang`` (default the report's language).
    """
    lang = lang or str(report["meta"]["lang"])
    rows = []
    for section, write in _MESSAGES:
        text = write(report, lang)
        if text:
            rows.append({"section": section, "text": text})
    return pd.DataFrame(rows, columns=["section", "text"])
