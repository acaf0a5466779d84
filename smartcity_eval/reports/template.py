"""What a report template declares, and which parameters a batch passes to it.

A template is a notebook with one cell tagged ``parameters`` (papermill's convention). The
batch reads the names it declares with :func:`papermill.inspect_notebook` and passes a
report only those it declares: ``dataset``, ``region``, ``year``, ``lang``, ``settings``,
``cache`` as the batch sets them, plus the caller's own (``reports -p NAME VALUE``,
``run_reports(extra_parameters=...)``). A name the template does not declare is refused
with the declared names and a did-you-mean, rather than injected and ignored (papermill
would only warn).

How often the template runs (``per``, :data:`smartcity_eval.vocab.REPORT_PER`) follows from
what it declares unless the caller says: a template with a ``region`` parameter runs once
per region and year (the annual report); one without runs once per year when years are
chosen (``--years``) and else once for the whole dataset with ``year = None`` (every year),
as the auditor's ``reproduce_findings`` notebook expects.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from smartcity_eval.errors import DataError, Problem, did_you_mean, did_you_mean_id, suggest
from smartcity_eval.messages import t
from smartcity_eval.vocab import PER_DATASET, PER_REGION_YEAR, PER_YEAR, REPORT_PER

__all__ = [
    "template_parameters",
    "template_title",
    "parse_value",
    "choose_per",
    "check_extra",
    "BATCH_PARAMETERS",
]

#: The parameters a batch sets itself (when the template declares them).
BATCH_PARAMETERS: tuple[str, ...] = ("dataset", "region", "year", "lang", "settings", "cache")
#: Where the caller sets a batch parameter instead of ``-p`` (fixed for every report).
_SET_BY = {
    "dataset": "DATASET",
    "lang": "--lang",
    "settings": "--normalise, --aggregate, ...",
    "cache": "use_cache",
    "region": "--regions",
    "year": "--years",
}


def template_parameters(path: Path | str) -> dict[str, dict[str, Any]]:
    """The parameters the template at ``path`` declares, in order: name -> papermill's
    record (``default`` as source text, ``help`` from the trailing comment). A template
    without a ``parameters`` cell declares none."""
    import papermill

    try:
        found = papermill.inspect_notebook(str(path))
    except Exception as err:  # not a notebook papermill can read
        raise DataError(
            Problem(
                str(path),
                None,
                None,
                f"the report template cannot be read: {err}",
                "give a notebook (.ipynb) with a cell tagged 'parameters'",
                f"template laporan tidak dapat dibaca: {err}",
                "berikan notebook (.ipynb) dengan sel bertanda 'parameters'",
            )
        ) from None
    return {str(name): dict(record) for name, record in found.items()}


def template_title(path: Path | str, lang: str) -> str:
    """The template's title in ``lang`` (notebook metadata ``title_<lang>``, else
    ``title``, else the file's stem)."""
    try:
        meta = json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        meta = {}
    return str(meta.get(f"title_{lang}") or meta.get("title") or Path(path).stem)


def _is_number(text: str, kind: type) -> bool:
    try:
        kind(text)
    except ValueError:
        return False
    return True


def parse_value(text: str) -> Any:
    """A ``-p NAME VALUE`` value as papermill's ``-p`` reads it: ``True``, ``False``,
    ``None``, an integer, a float, else the text itself; in addition a JSON list, object or
    quoted string (``'[2022, 2023]'``, ``'{"a": 1}'``, ``'"2024"'``) is read as JSON, so that
    a number can also be given as text."""
    text = str(text)
    stripped = text.strip()
    if stripped[:1] in ("[", "{", '"'):
        try:
            return json.loads(stripped)
        except ValueError:
            return text
    if text in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[text]
    if _is_number(text, int):
        return int(text)
    if _is_number(text, float):
        value = float(text)
        return value if math.isfinite(value) else text
    return text


def _problem(file: str, message: tuple[str, str], fix: tuple[str, str]) -> DataError:
    return DataError(Problem(file, None, "-p", message[0], fix[0], message[1], fix[1]))


def choose_per(
    declared: Sequence[str],
    per: str | None,
    *,
    years_given: bool,
    regions_given: bool,
    file: str,
) -> str:
    """How often the batch runs the template (see the module docstring); a choice the
    template cannot serve is a DataError (exit 2 on the command line)."""
    if per is not None and per not in REPORT_PER:
        raise DataError(
            Problem(
                None,
                None,
                "per",
                f"unknown --per '{per}'",
                did_you_mean(per, REPORT_PER),
                f"--per '{per}' tidak dikenal",
                did_you_mean_id(per, REPORT_PER),
            )
        )
    has_region, has_year = "region" in declared, "year" in declared
    if per is None:
        per = (
            PER_REGION_YEAR
            if has_region
            else (PER_YEAR if years_given and has_year else PER_DATASET)
        )
    needs = {PER_REGION_YEAR: ("region", "year"), PER_YEAR: ("year",), PER_DATASET: ()}[per]
    missing = [name for name in needs if name not in declared]
    names = ", ".join(declared) or "-"
    refusals = [  # (refused?, column, message key, its values, fix in en, fix in id)
        (
            bool(missing),
            "per",
            "per.needs",
            {"per": per, "name": (missing or [""])[0]},
            t("per.needs_fix", "en", names=names),
            t("per.needs_fix", "id", names=names),
        ),
        (
            has_region and per != PER_REGION_YEAR,
            "per",
            "per.region_template",
            {"per": per},
            "use --per region-year (the default for this template)",
            "gunakan --per region-year (bawaan untuk template ini)",
        ),
        (
            regions_given and per != PER_REGION_YEAR,
            "regions",
            "per.no_regions",
            {"per": per},
            "leave out --regions",
            "hapus --regions",
        ),
        (
            years_given and per == PER_DATASET,
            "years",
            "per.no_years",
            {},
            "use --per year, or leave out --years",
            "gunakan --per year, atau hapus --years",
        ),
    ]
    for refused, column, key, values, fix_en, fix_id in refusals:
        if refused:
            raise DataError(
                Problem(
                    file,
                    None,
                    column,
                    t(key, "en", **values),
                    fix_en,
                    t(key, "id", **values),
                    fix_id,
                )
            )
    return per


def _declared_fix(name: str, declared: Sequence[str], lang: str) -> str:
    """``did you mean 'year'? (the template declares: dataset, year, ...)``."""
    listed = t("param.declared", lang, names=", ".join(declared) or "-")
    best = suggest(name, declared)
    if best is None:
        return listed[0].upper() + listed[1:]
    guess = (did_you_mean if lang == "en" else did_you_mean_id)(name, [best])
    return f"{guess} ({listed})"


def check_extra(
    declared: Sequence[str], extra: Mapping[str, Any] | None, per: str, file: str
) -> dict[str, Any]:
    """The caller's parameters, checked: each must be declared by the template and not be
    one the batch sets itself (for ``per``); returns them as a plain dict."""
    if extra is None:
        return {}
    if not isinstance(extra, Mapping):
        raise _problem(
            file,
            ("extra_parameters must be a mapping of name to value", ""),
            ("e.g. {'threshold': 0.5}", ""),
        )
    batch = {"dataset", "lang", "settings", "cache"}
    if per == PER_REGION_YEAR:
        batch |= {"region", "year"}
    elif per == PER_YEAR:
        batch.add("year")
    for name in extra:
        name = str(name)
        if name not in declared:
            raise _problem(
                file,
                (
                    t("param.unknown", "en", name=name),
                    t("param.unknown", "id", name=name),
                ),
                (_declared_fix(name, declared, "en"), _declared_fix(name, declared, "id")),
            )
        if name in batch:
            raise _problem(
                file,
                (
                    t("param.by_batch", "en", name=name, option=_SET_BY[name]),
                    t("param.by_batch", "id", name=name, option=_SET_BY[name]),
                ),
                (f"leave out -p {name}", f"hapus -p {name}"),
            )
    return {str(k): v for k, v in extra.items()}
