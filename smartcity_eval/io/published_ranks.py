"""``published_ranks.csv``: ranks as the result letter publishes them (optional).

Kominfo's result letter gives the region's national rank and sometimes its provincial rank
(Kota Jambi 2024: 13th of 191, letter B-1478/DJAI/AI.01.02/11/2024, jambikota.go.id/content/931;
Kota Kediri 2022: 22nd nationally and 4th in Jawa Timur, bangsaonline.com/amp/berita/113379).
A dataset that holds one or a few of the ranked regions cannot recompute such a rank: it is a
published fact, shown in the report's letter section beside the rank among the dataset's own
regions and listed by ``reproduce`` as ``published_only``.

Columns (docs/columns.md): ``region``, ``year``, ``code`` (the ranked node, e.g. ``FINAL``),
``scope`` (``national`` or ``province``, :data:`smartcity_eval.vocab.RANK_SCOPES`), ``rank``
(a whole number >= 1), and optionally ``of`` (how many regions were ranked; empty when the
publication does not say), ``area`` (the province of a provincial rank), ``source``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.errors import Problem
from smartcity_eval.io.checks import check_duplicates, check_known, check_required_text
from smartcity_eval.io.numbers import parse_numbers, parse_years
from smartcity_eval.io.tables import ROW, read_optional_table
from smartcity_eval.vocab import RANK_SCOPES

__all__ = ["PUBLISHED_RANK_COLUMNS", "empty_published_ranks", "read_published_ranks"]

#: (required, optional) columns of published_ranks.csv.
PUBLISHED_RANK_COLUMNS: tuple[list[str], list[str]] = (
    ["region", "year", "code", "scope", "rank"],
    ["of", "area", "source"],
)
_TYPES = {
    "region": "str",
    "year": "int64",
    "code": "str",
    "scope": "str",
    "rank": "Int64",
    "of": "Int64",
    "area": "str",
    "source": "str",
}


def empty_published_ranks() -> pd.DataFrame:
    """published_ranks.csv as read when absent (the columns, typed, no rows)."""
    return pd.DataFrame({column: pd.Series(dtype=kind) for column, kind in _TYPES.items()})


def _check_rank_of(frame: pd.DataFrame, rank: pd.Series, of: pd.Series, problems: list) -> None:
    """A rank is a whole number >= 1, and not above the number of regions ranked."""
    file = frame.attrs.get("file")
    rows = frame[ROW].to_numpy()
    for i in np.flatnonzero((rank.notna() & (rank < 1)).to_numpy()):
        problems.append(
            Problem(
                file,
                int(rows[i]),
                "rank",
                f"rank {rank.iloc[i]:g} is below 1",
                "write the published rank (1 = first)",
                f"peringkat {rank.iloc[i]:g} kurang dari 1",
                "tulis peringkat terbitan (1 = pertama)",
            )
        )
    above = (rank.notna() & of.notna() & (rank > of)).to_numpy()
    for i in np.flatnonzero(above):
        problems.append(
            Problem(
                file,
                int(rows[i]),
                "of",
                f"rank {rank.iloc[i]:g} of {of.iloc[i]:g}: the rank is above the number ranked",
                "check the letter: 'of' is how many regions were ranked",
                f"peringkat {rank.iloc[i]:g} dari {of.iloc[i]:g}: melebihi jumlah yang diperingkat",
                "periksa surat: 'of' adalah jumlah daerah yang diperingkat",
            )
        )


def read_published_ranks(
    folder: Path,
    regions: list[str],
    frameworks: dict[str, Any],
    files: dict[str, Path],
    problems: list[Problem],
) -> pd.DataFrame:
    """``folder``'s published_ranks.csv (empty when absent), checked: region known (one of
    ``regions``), year a year, code a node of one of ``frameworks``, scope one of
    :data:`~smartcity_eval.vocab.RANK_SCOPES`, rank and of whole numbers (rank >= 1, rank <=
    of), one row per region, year, code and scope. Problems are appended to ``problems``."""
    raw = read_optional_table(folder, "published_ranks", PUBLISHED_RANK_COLUMNS, files, problems)
    if raw is None:
        return empty_published_ranks()
    before = len(problems)
    frame = raw.copy()
    for column in ("of", "area", "source"):
        if column not in frame:
            frame[column] = ""
    frame["scope"] = frame["scope"].astype(str).str.strip().str.lower()
    check_required_text(frame, ["region", "code", "scope", "rank"], problems)
    check_known(frame, "scope", list(RANK_SCOPES), problems, "scope (national or province)")
    if regions:
        check_known(frame, "region", regions, problems, "region")
    codes = sorted({str(c) for fw in frameworks.values() for c in fw.nodes.index})
    if codes:
        check_known(frame, "code", codes, problems, "code")
    years = parse_years(frame, "year", problems)
    rank = parse_numbers(frame, "rank", problems, what="a whole number", integer=True)
    of = parse_numbers(frame, "of", problems, what="a whole number", integer=True)
    _check_rank_of(frame, rank, of, problems)
    check_duplicates(frame, ["region", "year", "code", "scope"], problems, "published rank")
    if len(problems) > before:
        return empty_published_ranks()
    out = pd.DataFrame(
        {
            "region": frame["region"].astype(str),
            "year": years.astype("int64"),
            "code": frame["code"].astype(str),
            "scope": frame["scope"].astype(str),
            "rank": pd.array(rank.round(), dtype="Int64"),
            "of": pd.array(of.round(), dtype="Int64"),
            "area": frame["area"].astype(str),
            "source": frame["source"].astype(str),
        }
    )
    out.attrs.update(raw.attrs)
    return out.reset_index(drop=True)
