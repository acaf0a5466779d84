"""The sections of an annual report that say how far to trust it: assessor agreement, data
coverage, robustness of the rank and provenance.

Like :mod:`smartcity_eval.reports.sections_results`, each function takes the dict of
:func:`smartcity_eval.reports.content.report_data` and displays one section.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from smartcity_eval.messages import t
from smartcity_eval.present import plots
from smartcity_eval.reports import markup as h
from smartcity_eval.reports.markup import fmt

__all__ = ["agreement", "coverage", "robustness", "provenance"]

#: The rank figure draws at most this many regions, those ranked nearest the report's own
#: (a national batch has 514: one row each would be a figure 2 m tall, and most of a
#: report's time).
MAX_RANK_ROWS = 40


def agreement(report: dict[str, Any]) -> None:
    """Assessor agreement on this region's items, and the items they disagreed on most."""
    lang = h.lang_of(report)
    m = report["meta"]
    stats = report["agreement"]
    head = h.heading("sec.agreement", lang, t("text.agreement", lang))
    if not stats:
        h.emit(
            h.wrap(
                head + h.message(t("msg.no_agreement", lang, region=m["region"], year=m["year"]))
            )
        )
        return
    rows = [
        ("stat.n_items", fmt(stats.get("n_items"), 0)),
        ("stat.n_assessors", fmt(stats.get("n_assessors"), 0)),
        ("stat.alpha_ordinal", fmt(stats.get("alpha_ordinal"), 3)),
        ("stat.alpha_interval", fmt(stats.get("alpha_interval"), 3)),
        ("stat.icc2", fmt(stats.get("icc2"), 3)),
        ("stat.icc2k", fmt(stats.get("icc2k"), 3)),
        ("stat.fleiss_kappa", fmt(stats.get("fleiss_kappa"), 3)),
        (
            "stat.exact_agreement",
            fmt(100 * float(stats.get("exact_agreement") or math.nan), 1) + " %",
        ),
    ]
    frame = pd.DataFrame({"stat": [t(k, lang) for k, _ in rows], "value": [v for _, v in rows]})
    stats_table = h.table(
        frame, {"stat": t("label.statistic", lang), "value": t("label.value", lang)}
    )
    verdict = h.message(agreement_verdict(stats, lang))
    notes = "".join(f'<p class="explain">{h.esc(n)}</p>' for n in agreement_notes(stats, lang))
    spread = report["disagreement"]
    figure = ""
    items = ""
    if len(spread):
        counts = spread["range"].value_counts().sort_index()
        title = t("fig.agreement", lang, region=m["region"], year=m["year"])
        fig = plots.histogram(
            [fmt(v, 1 if float(v) % 1 else 0) for v in counts.index],
            [int(c) for c in counts.to_numpy()],
            title=title,
            xlabel=t("axis.range", lang),
            ylabel=t("axis.items", lang),
        )
        figure = h.figure(fig, title)
        top = spread.head(8)
        items = h.table(
            top,
            {
                "code": t("label.code", lang),
                "label": t("label.name", lang),
                "n_assessors": t("label.assessors", lang),
                "min": "min",
                "max": "max",
                "range": t("label.range", lang),
                "mean": t("label.mean", lang),
            },
            formats={
                "n_assessors": lambda v: fmt(v, 0),
                "min": lambda v: fmt(v, 1),
                "max": lambda v: fmt(v, 1),
                "range": lambda v: fmt(v, 1),
            },
        )
    h.emit(
        h.wrap(
            head
            + verdict
            + f'<div class="cols"><div>{stats_table}{notes}</div><div>{figure}</div></div>'
            + items
        )
    )


#: Krippendorff's (2004) thresholds for alpha: >= 0.8 good, >= 0.667 tentative conclusions.
ALPHA_GOOD, ALPHA_TENTATIVE = 0.8, 0.667


def agreement_verdict(stats: dict[str, Any], lang: str) -> str:
    """The verdict on Krippendorff's alpha (ordinal) in words, against the thresholds the
    section quotes: e.g. "alpha 0.527 is below the lowest threshold 0.667"."""
    alpha = stats.get("alpha_ordinal")
    if alpha is None or pd.isna(alpha):
        return t("agree.verdict.none", lang)
    alpha = float(alpha)
    if alpha >= ALPHA_GOOD:
        key = "agree.verdict.good"
    elif alpha >= ALPHA_TENTATIVE:
        key = "agree.verdict.tentative"
    else:
        key = "agree.verdict.low"
    return t(key, lang, alpha=fmt(alpha, 3), good=fmt(ALPHA_GOOD, 1), low=fmt(ALPHA_TENTATIVE, 3))


def agreement_notes(stats: dict[str, Any], lang: str) -> list[str]:
    """The notes of the statistics in ``lang`` (e.g. Fleiss' kappa computed on the 63 of 71
    items that every assessor scored)."""
    out = []
    n_items, n_complete = stats.get("n_items"), stats.get("n_complete")
    known = n_items is not None and n_complete is not None and not pd.isna(n_complete)
    if known and int(n_complete) < int(n_items):
        out.append(t("agree.note.complete", lang, k=int(n_complete), n=int(n_items)))
    return out


def coverage(report: dict[str, Any]) -> None:
    """Coverage per pillar, and every missing or imputed value by name."""
    lang = h.lang_of(report)
    cov = report["coverage"]
    missing = report["missing"]
    head = h.heading("sec.coverage", lang, t("text.coverage", lang))
    total = int(cov["n_indicators"].iloc[0]) if len(cov) else 0
    n_missing = int((missing["status"] == "missing").sum()) if len(missing) else 0
    n_imputed = int((missing["status"] == "imputed").sum()) if len(missing) else 0
    summary = h.message(t("msg.missing_count", lang, n=n_missing, m=n_imputed, total=total))
    cov_table = h.table(
        cov,
        {
            "code": t("label.code", lang),
            "label": t("label.name", lang),
            "n_indicators": t("label.indicator", lang),
            "n_missing": t("label.missing", lang),
            "n_imputed": t("label.imputed", lang),
            "coverage": t("label.coverage", lang),
        },
        formats={
            "coverage": lambda v: fmt(100 * v, 1),
            "n_indicators": lambda v: fmt(v, 0),
            "n_missing": lambda v: fmt(v, 0),
            "n_imputed": lambda v: fmt(v, 0),
        },
    )
    if missing.empty:
        listed = h.message(t("msg.no_missing", lang))
    else:
        status_names = {"missing": t("label.missing", lang), "imputed": t("label.imputed", lang)}
        listed = h.table(
            missing.assign(status=[status_names.get(s, s) for s in missing["status"]]),
            {
                "code": t("label.code", lang),
                "label": t("label.name", lang),
                "pillar": t("label.pillar", lang),
                "status": t("label.status", lang),
                "value": t("label.value", lang),
                "note": t("label.note", lang),
            },
        )
    h.emit(h.wrap(head + summary + cov_table + listed))


def robustness(report: dict[str, Any]) -> None:
    """How robust the rank is: rank intervals of every region under varied methods
    (uncertainty analysis) and the choice that moves the ranks most (sensitivity)."""
    lang = h.lang_of(report)
    m = report["meta"]
    rob = report.get("robustness")
    head = h.heading("sec.robustness", lang, t("text.robustness", lang))
    ranks = rob.get("ranks") if rob else None
    if rob is None or ranks is None or len(ranks) < 2:
        h.emit(h.wrap(head + h.message(t("msg.no_uncertainty", lang))))
        return
    summary = rob["summary"].iloc[0]
    runs = int(ranks["n_replications"].iloc[0]) if "n_replications" in ranks else 0
    # the library says which choices it varied (vocab.VARIED_*); never guessed from text
    varied = [t(f"varied.{choice}", lang) for choice in rob.get("varied", ())]
    factor = str(summary.get("top_factor") or "")
    text = t(
        "text.robustness_summary",
        lang,
        rank=fmt(summary["nominal_rank"], 0),
        n=int(summary["n_regions"]),
        runs=runs,
        choices=", ".join(varied) or "–",
        q05=fmt(summary["rank_q05"], 0),
        q95=fmt(summary["rank_q95"], 0),
        best=fmt(summary["best_rank"], 0),
        worst=fmt(summary["worst_rank"], 0),
        share=fmt(100 * float(summary["share_nominal_rank"]), 0),
    )
    if factor:
        text += " " + t("text.robustness_factor", lang, factor=t(f"factor.{factor}", lang))
    n_ranked = len(ranks)
    title = (
        t("fig.rank_intervals", lang, year=m["year"])
        if n_ranked <= MAX_RANK_ROWS
        else t(
            "fig.rank_window",
            lang,
            year=m["year"],
            shown=MAX_RANK_ROWS,
            region=m["region"],
            n=n_ranked,
        )
    )
    fig = plots.rank_uncertainty(
        list(ranks["region"]),
        ranks["nominal_rank"].to_numpy(dtype=float),
        ranks["median_rank"].to_numpy(dtype=float),
        ranks["rank_q05"].to_numpy(dtype=float),
        ranks["rank_q95"].to_numpy(dtype=float),
        highlight=m["region"],
        title=title,
        xlabel=t("axis.rank", lang),
        ylabel=t("axis.region", lang),
        nominal_name=t("label.nominal_rank", lang),
        median_name=t("label.median_rank", lang),
        interval_name=t("label.rank_interval_90", lang, runs=runs),
        max_rows=MAX_RANK_ROWS,
    )
    h.emit(h.wrap(head + f'<p class="msg">{h.esc(text)}</p>' + h.figure(fig, title)))


def _known(key: str, lang: str, default: str) -> str:
    """The message ``key`` in ``lang``, or ``default`` when the catalogue lacks it."""
    text = t(key, lang)
    return default if text == key else text


def _role(role: Any, lang: str) -> str:
    """A file's role in ``lang`` (``framework:spbe_2020`` -> "kerangka spbe_2020")."""
    base, _, name = str(role).partition(":")
    text = _known(f"role.{base}", lang, base)
    return f"{text} {name}" if name else text


def _steps_table(steps: list[dict[str, Any]], lang: str, zone: str | None = None) -> str:
    """The Evaluation's log as a table: each step, its own parameters (the settings, shared
    by every step, are in the settings table), the package version and the seconds taken."""
    frame = pd.DataFrame(
        {
            "step": [s["step"] for s in steps],
            "parameters": [
                json.dumps(
                    {k: v for k, v in s["parameters"].items() if k != "settings"},
                    ensure_ascii=False,
                    default=str,
                )
                for s in steps
            ],
            "version": [s["version"] for s in steps],
            "started": [h.local_time(s["started"], zone) for s in steps],
            "seconds": [float(s["seconds"]) for s in steps],
        }
    )
    return h.table(
        frame,
        {
            "step": t("label.step", lang),
            "parameters": t("label.parameters", lang),
            "version": t("prov.package", lang),
            "started": t("label.started", lang),
            "seconds": t("label.seconds", lang),
        },
        formats={"seconds": lambda v: fmt(v, 3)},
        classes={"parameters": "hash"},
    )


def provenance(report: dict[str, Any]) -> None:
    """Input files with SHA-256, package version, settings and parameters, time made, and
    the steps of the Evaluation's log."""
    lang = h.lang_of(report)
    p = report["provenance"]
    zone = report["meta"].get("timezone")
    inputs = pd.DataFrame(p["inputs"])
    if "role" in inputs:
        inputs = inputs.assign(role=[_role(r, lang) for r in inputs["role"]])
    files = h.table(
        inputs,
        {
            "role": t("label.role", lang),
            "path": t("label.file", lang),
            "bytes": t("label.bytes", lang),
            "sha256": t("label.sha256", lang),
        },
        formats={"bytes": lambda v: f"{int(v):,}", "sha256": lambda v: str(v)},
        classes={"sha256": "hash"},
    )
    settings = {**p.get("methods", {}), **p.get("parameters", {})}
    frame = pd.DataFrame(
        {
            "k": [_known(f"setting.{k}", lang, k) for k in settings],
            "v": [
                json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
                for v in settings.values()
            ],
        }
    )
    methods = h.table(frame, {"k": t("label.setting", lang), "v": t("label.value", lang)})
    steps = (
        f"<h3>{h.esc(t('prov.steps', lang))}</h3>" + _steps_table(p["steps"], lang, zone)
        if p.get("steps")
        else ""
    )
    facts = (
        f"<p><b>{h.esc(t('prov.package', lang))}:</b> smartcity-eval {h.esc(p['version'])} · "
        f"<b>{h.esc(t('prov.python', lang))}:</b> {h.esc(p.get('python', ''))} · "
        f"<b>{h.esc(t('prov.created', lang))}:</b> {h.esc(h.local_time(p['created'], zone))}<br>"
        f"<b>{h.esc(t('prov.fingerprint', lang))}:</b> <code>{h.esc(p['fingerprint'])}</code></p>"
    )
    h.emit(
        h.wrap(
            h.heading("sec.provenance", lang, t("text.provenance", lang))
            + facts
            + f"<h3>{h.esc(t('prov.inputs', lang))}</h3>"
            + files
            + f"<h3>{h.esc(t('prov.methods', lang))}</h3>"
            + methods
            + steps
        )
    )
