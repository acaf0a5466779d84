"""Planning a report batch: which reports, with which parameters, and their fingerprints.

:func:`plan_reports` turns an Evaluation and the caller's choices (years, regions, language,
formats, template, extra parameters) into one :class:`~smartcity_eval.reports.worker.ReportJob`
per report and the manifest header, without running anything. A job's ``key`` is the
fingerprint (inputs' SHA-256, parameters, formats, template, package version) that decides
whether a report is up to date (:mod:`smartcity_eval.reports.recording`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from smartcity_eval.errors import DataError, Problem, did_you_mean
from smartcity_eval.io.outputs import safe_child
from smartcity_eval.io.provenance import fingerprint, package_version, sha256_file
from smartcity_eval.io.resources import notebook_dir
from smartcity_eval.messages import t
from smartcity_eval.reports import manifest as mf
from smartcity_eval.reports.template import (
    check_extra,
    choose_per,
    template_parameters,
    template_title,
)
from smartcity_eval.reports.worker import ReportJob
from smartcity_eval.vocab import LANGS, PER_REGION_YEAR, PER_YEAR

__all__ = [
    "NOTEBOOK_DIR",
    "REPORT_NOTEBOOK",
    "FORMATS",
    "ALL_YEARS_DIR",
    "plan_reports",
    "batch_root",
]

#: The folder of the shipped report notebooks (smartcity_eval.io.resources.notebook_dir).
NOTEBOOK_DIR = notebook_dir()
#: The annual report template.
REPORT_NOTEBOOK = NOTEBOOK_DIR / "annual_report.ipynb"
#: Output formats ``--format`` accepts.
FORMATS = ("html", "pdf", "docx")


def _slugs(names: Iterable[str]) -> dict[str, str]:
    from smartcity_eval.io.outputs import slugify_all

    return slugify_all(names)


def _check_selection(
    wanted: Sequence[Any] | None, known: list[Any], what: str, file: str
) -> list[Any]:
    if not wanted:
        return list(known)
    problems = []
    chosen = []
    for item in wanted:
        if item in known:
            chosen.append(item)
        else:
            problems.append(
                Problem(
                    file,
                    None,
                    what,
                    f"the dataset has no {what} '{item}'",
                    did_you_mean(item, known),
                    f"dataset tidak memiliki {what} '{item}'",
                )
            )
    if problems:
        raise DataError(problems)
    return list(dict.fromkeys(chosen))


def _plain(value: Any) -> Any:
    """A JSON type for papermill (it fails on numpy scalars): str, int, float, bool, None, list."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, (int, float)):
        return value
    return str(value)


def _check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(formats))
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise DataError(
            Problem(
                None,
                None,
                "format",
                f"unknown format '{bad[0]}'",
                "use html, pdf, docx or html,pdf,docx",
            )
        )
    return formats


def _template(notebook: Path | str | None) -> Path:
    template = Path(notebook) if notebook else REPORT_NOTEBOOK
    if not template.is_file():
        raise DataError(
            Problem(
                str(template),
                None,
                None,
                "the report notebook does not exist",
                "run python notebooks/build_notebooks.py",
            )
        )
    return template


def batch_root(out: Path | str, dataset: str, per: str, template: Path | str) -> Path:
    """The folder of a batch's reports, manifest and index page: ``<out>/<dataset>`` for a
    template run per region and year, ``<out>/<dataset>/<template stem>`` for one run per
    year or per dataset (so that its manifest and index never mix with the annual
    reports')."""
    root = Path(out) / dataset
    return root if per == PER_REGION_YEAR else safe_child(root, Path(template).stem)


def _units(
    per: str,
    regions: list[str],
    years: list[int],
    observed: set[tuple[str, int]],
) -> list[tuple[str, int | None]]:
    """The (region, year) of each report: every observed pair, every year (region ""), or
    the whole dataset (region "", year None)."""
    if per == PER_REGION_YEAR:
        return [(r, y) for r in regions for y in years if (r, y) in observed]
    if per == PER_YEAR:
        return [("", y) for y in years]
    return [("", None)]


def plan_reports(
    evaluation: Any,
    out: Path | str,
    *,
    years: Sequence[int] | None = None,
    regions: Sequence[str] | None = None,
    lang: str | None = None,
    formats: Sequence[str] = ("html",),
    notebook: Path | str | None = None,
    timeout: float = 600.0,
    cache: str | None = None,
    extra_parameters: dict[str, Any] | None = None,
    paper: str = "a4",
    per: str | None = None,
) -> tuple[list[ReportJob], dict[str, Any]]:
    """The jobs of a batch and the manifest header, without running anything.

    ``evaluation``: an :class:`~smartcity_eval.evaluation.Evaluation` (or a Dataset, folder
    or name, see :func:`smartcity_eval.reports.content.as_evaluation`). Each job's
    ``parameters`` are plain JSON types (papermill fails on numpy scalars), and only those
    the template declares (:mod:`smartcity_eval.reports.template`): ``dataset`` (absolute
    path), ``region``, ``year`` (None in a run per dataset: every year), ``lang``,
    ``settings`` (the Evaluation's ``Settings.to_dict()``), ``cache``, then the
    ``extra_parameters`` (each must be declared). ``per``: ``region-year``, ``year`` or
    ``dataset`` (default: from the template's parameters). Its ``key`` is the fingerprint
    that decides whether a report is up to date.
    """
    from smartcity_eval.io.provenance import file_hashes
    from smartcity_eval.reports.content import as_evaluation, log_records
    from smartcity_eval.reports.published import reportable

    ev = as_evaluation(evaluation)
    dataset = ev.dataset
    formats = _check_formats(formats)
    lang = lang or dataset.lang
    if lang not in LANGS:
        raise DataError(Problem(None, None, "lang", f"unknown language '{lang}'", "use id or en"))
    toml = str(dataset.files.get("dataset.toml", dataset.path))
    # observed pairs, or the published ones of a dataset of published results only
    observed = set(reportable(dataset))
    all_years = sorted({y for _, y in observed})
    all_regions = sorted({r for r, _ in observed})
    chosen_years = _check_selection(
        [int(y) for y in years] if years else None, all_years, "year", toml
    )
    chosen_regions = _check_selection(regions, all_regions, "region", toml)
    template = _template(notebook)
    declared = list(template_parameters(template))
    per = choose_per(
        declared, per, years_given=bool(years), regions_given=bool(regions), file=str(template)
    )
    extra = _plain(check_extra(declared, extra_parameters, per, str(template)))
    root = batch_root(out, dataset.name, per, template)
    inputs = file_hashes(dataset.files)
    template_hash = sha256_file(template)
    version = package_version()
    settings = _plain(ev.settings.to_dict())
    slugs = _slugs(all_regions)
    jobs = []
    for region, year in _units(per, chosen_regions, chosen_years, observed):
        batch = {
            "dataset": str(Path(dataset.path).resolve()),
            "region": str(region),
            "year": None if year is None else int(year),
            "lang": lang,
            "settings": settings,
        }
        params = {k: v for k, v in batch.items() if k in declared}
        params.update(extra)
        key = fingerprint(
            [(i["role"], i["sha256"]) for i in inputs],
            params,
            [*formats, f"paper={paper}"],
            template_hash,
            version,
        )
        if "cache" in declared:
            params["cache"] = cache
        jobs.append(
            ReportJob(
                region=str(region),
                year=batch["year"],  # type: ignore[arg-type]  # None: every year
                notebook=str(template.resolve()),
                out_dir=str(_folder(root, per, region, params.get("year"), slugs)),
                parameters=params,
                title=_title(template, per, lang, dataset, region, params.get("year")),
                formats=formats,
                timeout=float(timeout),
                key=key,
                lang=lang,
                extra={"slug": slugs.get(region, ""), "paper": paper},
            )
        )
    header = {
        "manifest_version": mf.MANIFEST_VERSION,
        "dataset": dataset.name,
        "title": dataset.title,
        "dataset_path": str(Path(dataset.path).resolve()),
        "illustrative": bool(dataset.illustrative),
        "lang": lang,
        "package": "smartcity-eval",
        "version": ev.log[0].version if ev.log else version,
        "inputs": inputs,
        "notebook": {"path": str(template.resolve()), "sha256": template_hash},
        "per": per,
        "template_title": template_title(template, lang),
        "template_parameters": declared,
        "settings": settings,
        "log": _plain(log_records(ev.log)),
        "formats": list(formats),
    }
    return jobs, header


#: The folder of a report run once per dataset with ``year = None`` (every year).
ALL_YEARS_DIR = "all-years"


def _folder(root: Path, per: str, region: str, year: Any, slugs: dict[str, str]) -> Path:
    if per == PER_REGION_YEAR:
        return safe_child(root, slugs[region], str(year))
    return safe_child(root, ALL_YEARS_DIR if year is None else str(year))


def _title(template: Path, per: str, lang: str, dataset: Any, region: str, year: Any) -> str:
    if per == PER_REGION_YEAR:
        return f"{t('report.title', lang)}: {region} {year}"
    from smartcity_eval.reports.content import dataset_text

    when = t("find.every_year", lang) if year is None else str(year)
    return f"{template_title(template, lang)}: {dataset_text(dataset, 'title', lang)} ({when})"
