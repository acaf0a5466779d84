"""The assessments table: its schema, checks and the assessors' item scores.

An assessments table (``assessments.csv``, see ``docs/columns.md``) holds one row per item
(``region, year, indicator``), assessor and ``stage``; rows whose stage is
:data:`smartcity_eval.vocab.STAGE_SELF` are the region's own self-assessment, every other
row an assessor's verification. :func:`assessor_scores` checks the table and returns the
assessors' scores; :func:`wide_scores` turns them into the item x assessor matrix that the
statistics of :mod:`smartcity_eval.analysis.reliability` take.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from smartcity_eval.errors import DataError, Problem, did_you_mean
from smartcity_eval.io.registers import STAGE_WORDS
from smartcity_eval.vocab import STAGE_SELF

__all__ = ["ITEM", "REQUIRED", "assessor_scores", "wide_scores", "file_of"]

#: The columns that identify one item of an assessment.
ITEM: tuple[str, str, str] = ("region", "year", "indicator")
#: The columns an assessments table must have.
REQUIRED: tuple[str, ...] = (*ITEM, "assessor", "score")


def file_of(assessments: pd.DataFrame) -> str | None:
    """The file the assessments table was read from (``attrs["file"]``), if known."""
    return assessments.attrs.get("file")


def _rows(frame: pd.DataFrame) -> list[int | None]:
    if "_row" in frame.columns:
        return [int(r) for r in frame["_row"]]
    return [None] * len(frame)


def _stage_mask(assessments: pd.DataFrame, stage: str | Sequence[str] | None) -> pd.Series:
    """Rows to keep: not ``self`` when stage is None; else the stages named."""
    if "stage" not in assessments.columns:
        if stage is None:
            return pd.Series(True, index=assessments.index)
        raise DataError(
            Problem(
                file_of(assessments),
                1,
                "stage",
                f"a stage was asked for ({stage!r}) but the table has no 'stage' column",
                "add a 'stage' column, or do not select a stage",
                f"tahap {stage!r} diminta tetapi tabel tidak punya kolom 'stage'",
            )
        )
    stages = assessments["stage"].astype("string").str.strip().str.lower().fillna("")
    # the self-assessment's other names ("mandiri", "penilaian mandiri"): never an assessor
    stages = stages.replace({k: v for k, v in STAGE_WORDS.items() if v == STAGE_SELF and k})
    if stage is None:
        return stages != STAGE_SELF
    wanted = [stage] if isinstance(stage, str) else list(stage)
    wanted = [str(s).strip().lower() for s in wanted]
    known = sorted(set(stages) - {""})
    problems = [
        Problem(
            file_of(assessments),
            None,
            "stage",
            f"no row has stage '{s}'",
            did_you_mean(s, known) if known else "the stage column is empty",
            f"tidak ada baris dengan tahap '{s}'",
        )
        for s in wanted
        if s not in known
    ]
    if problems:
        raise DataError(problems)
    return stages.isin(wanted)


def _check_columns(assessments: pd.DataFrame) -> None:
    if not isinstance(assessments, pd.DataFrame):
        raise TypeError(
            f"expected a pandas DataFrame of assessments, got {type(assessments).__name__}"
        )
    missing = [c for c in REQUIRED if c not in assessments.columns]
    if missing:
        present = [str(c) for c in assessments.columns]
        raise DataError(
            [
                Problem(
                    file_of(assessments),
                    1,
                    c,
                    f"required column '{c}' is missing",
                    did_you_mean(c, present) if present else f"add a column named '{c}'",
                    f"kolom wajib '{c}' tidak ada",
                )
                for c in missing
            ]
        )


def _numeric_scores(frame: pd.DataFrame, file: str | None) -> pd.Series:
    score = frame["score"]
    if pd.api.types.is_numeric_dtype(score):
        return score.astype(float)
    text = score.astype("string").str.strip()
    number = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce").astype(float)
    bad = number.isna() & text.fillna("").ne("")
    if bad.any():
        rows = _rows(frame[bad])
        raise DataError(
            [
                Problem(
                    file,
                    row,
                    "score",
                    f"'{value}' is not a number",
                    "write the score as a number",
                    f"'{value}' bukan angka",
                )
                for value, row in zip(text[bad], rows, strict=True)
            ]
        )
    return number


def assessor_scores(
    assessments: pd.DataFrame, stage: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """The assessors' item scores of an assessments table, checked.

    Parameters
    ----------
    assessments : DataFrame
        Tidy table with columns ``region, year, indicator, assessor, score`` (+ optional
        ``stage``, ``evidence``, and ``_row``, the spreadsheet row used in error messages).
    stage : str, sequence of str or None
        None (default): every row whose stage is not ``self`` (case-insensitive; rows with
        an empty stage, or a table without a ``stage`` column, count as assessors' scores).
        Otherwise only the rows with one of these stages (e.g. ``"verified"``).

    Returns
    -------
    DataFrame
        Columns ``region, year, indicator, assessor, score`` (score as float, assessor as
        text; plus ``_row`` when the input has it), rows with an empty score dropped.

    Raises
    ------
    DataError
        A required column is missing, a score is not a number, a stage asked for does not
        occur, or an assessor scored the same item twice within the selected stages (choose
        one stage with ``stage=``).
    """
    _check_columns(assessments)
    file = file_of(assessments)
    selected = assessments.loc[_stage_mask(assessments, stage)]
    keep = [*REQUIRED, *(["_row"] if "_row" in selected.columns else [])]
    out = selected.loc[:, keep].copy()
    out["score"] = _numeric_scores(out, file)
    out["assessor"] = out["assessor"].astype("string").str.strip().fillna("").astype(str)
    out = out.loc[out["score"].notna()]
    duplicated = out.duplicated([*ITEM, "assessor"], keep=False)
    if duplicated.any():
        dup = out.loc[duplicated]
        problems = []
        for key, group in dup.groupby([*ITEM, "assessor"], sort=True):
            rows = [r for r in _rows(group) if r is not None]
            where = f" (rows {', '.join(map(str, rows))})" if rows else ""
            region, year, indicator, assessor = key
            problems.append(
                Problem(
                    file,
                    rows[-1] if rows else None,
                    "assessor",
                    f"assessor '{assessor}' scored {indicator} of {region} {year} "
                    f"{len(group)} times{where}",
                    "keep one score per assessor and item, or select one stage",
                    f"penilai '{assessor}' menilai {indicator} {region} {year} "
                    f"{len(group)} kali{where}",
                )
            )
        raise DataError(problems)
    return out.reset_index(drop=True)


def wide_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Tidy assessor scores -> wide matrix: one row per item (region, year, indicator),
    one column per assessor, NaN where an assessor did not score the item.

    ``scores`` is the output of :func:`assessor_scores` (one score per item and assessor).
    """
    if scores.empty:
        return pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=list(ITEM)), dtype=float)
    wide = scores.pivot(index=list(ITEM), columns="assessor", values="score")
    return wide.sort_index(axis=0).sort_index(axis=1)
