"""The one check of the regions and years a user chose against those in the data.

Every layer that lets a user pick a region or an evaluation year (the gap analysis, the
command line, the report runner, the report content) calls :func:`check_selection`, so that
an unknown region always gets the same did-you-mean and an unknown year the list of years.
"""

from __future__ import annotations

from collections.abc import Iterable

from smartcity_eval.errors import DataError, Problem, did_you_mean, did_you_mean_id
from smartcity_eval.messages import t

__all__ = ["check_selection"]


def _as_list(value: object) -> list[object]:
    """None -> [], one value -> [value], a list/tuple/set -> its items."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


def _problem(what: str, value: object, fix: str, fix_id: str, file: str | None) -> Problem:
    return Problem(
        file,
        None,
        what,
        t(f"selection.unknown_{what}", "en", value=value),
        fix,
        t(f"selection.unknown_{what}", "id", value=value),
        fix_id,
    )


def check_selection(
    regions: Iterable[object],
    years: Iterable[object],
    region: str | Iterable[str] | None = None,
    year: int | Iterable[int] | None = None,
    *,
    peers: Iterable[str] = (),
    file: str | None = None,
) -> None:
    """Check that the chosen regions, peers and years are in the data.

    Parameters
    ----------
    regions, years : the regions and years the data holds (e.g. of the scores table or
        ``Dataset.regions`` / ``Dataset.years``).
    region, year : the user's choice: one value, a list of them, or None (not chosen, always
        accepted). A year may be given as text (``"2024"``).
    peers : further region names that must be known (the peer list of the gap analysis).
    file : the file named in the problems (e.g. the dataset's dataset.toml), if any.

    Raises
    ------
    DataError
        With one problem per unknown region (with the closest known name, ``did you mean
        'X'?``) and per unknown year (listing the known years), in English and Bahasa
        Indonesia, all at once.
    """
    known = sorted({str(r) for r in regions})
    known_years = sorted({int(y) for y in years})
    listed = ", ".join(str(y) for y in known_years)
    problems = [
        _problem("region", name, did_you_mean(name, known), did_you_mean_id(name, known), file)
        for name in [*map(str, _as_list(region)), *map(str, peers)]
        if name not in known
    ]
    problems += [
        _problem(
            "year",
            y,
            t("selection.years", "en", years=listed),
            t("selection.years", "id", years=listed),
            file,
        )
        for y in _as_list(year)
        if int(y) not in known_years
    ]
    if problems:
        raise DataError(problems)
