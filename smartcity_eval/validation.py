"""Problems found in input data, and the one exception type that carries them.

Every check in the library reports a :class:`Problem` naming the file, the row as a
spreadsheet shows it (the header is row 1, the first data row is row 2), the column and what
is wrong, with a suggested fix. Checks collect all problems of a file before raising one
:class:`DataError`, so that a user fixes everything in one pass.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Problem", "DataError", "suggest", "did_you_mean"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    Attributes
    ----------
    file : str or None
        The file as the user named it (path relative to where they work, when possible).
    row : int or None
        The row as a spreadsheet shows it: header = 1, first data row = 2.
    column : str or None
        The column name as it should be spelled.
    message : str
        What is wrong, in English.
    fix : str
        How to fix it, in English (may be empty).
    message_id, fix_id : str
        The same in Bahasa Indonesia (empty when no translation is given).
    """

    file: str | None
    row: int | None
    column: str | None
    message: str
    fix: str = ""
    message_id: str = ""
    fix_id: str = ""

    def format(self, lang: str = "en") -> str:
        """Render as one line: ``file, row N, column 'c': message. Fix: ...``."""
        indonesian = lang == "id"
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"{'baris' if indonesian else 'row'} {self.row}")
        if self.column:
            where.append(f"{'kolom' if indonesian else 'column'} '{self.column}'")
        message = (self.message_id or self.message) if indonesian else self.message
        fix = (self.fix_id or self.fix) if indonesian else self.fix
        text = (", ".join(where) + ": " if where else "") + message
        if fix:
            text += f" {'Perbaikan' if indonesian else 'Fix'}: {fix}"
        return text

    def __str__(self) -> str:
        return self.format("en")


class DataError(ValueError):
    """Raised when input data is invalid; carries every :class:`Problem` found.

    The command line prints each problem on its own line and exits with code 2.
    """

    def __init__(self, problems: Iterable[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(None, None, None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self.format("en"))

    def format(self, lang: str = "en") -> str:
        """All problems, one per line."""
        return "\n".join(p.format(lang) for p in self.problems)


def suggest(value: object, choices: Iterable[object], cutoff: float = 0.6) -> str | None:
    """The known name closest to ``value`` (difflib ratio, case-insensitive), or None."""
    known = [str(c) for c in choices]
    lowered = {k.lower(): k for k in known}
    match = difflib.get_close_matches(str(value).lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[match[0]] if match else None


def did_you_mean(value: object, choices: Sequence[object] | Iterable[object]) -> str:
    """A short fix text: ``did you mean 'X'?`` or the list of known names when short."""
    known = [str(c) for c in choices]
    best = suggest(value, known)
    if best is not None:
        return f"did you mean '{best}'?"
    if len(known) <= 12:
        return "known: " + ", ".join(f"'{k}'" for k in known)
    return f"use one of the {len(known)} known names"
