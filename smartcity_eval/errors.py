"""Problems found in input data, and the one exception type that carries them.

Every check in the library reports a :class:`Problem` naming the file, the row as a
spreadsheet shows it (the header is row 1, the first data row is row 2), the column and what
is wrong, with a suggested fix, in English and in Bahasa Indonesia. Checks collect all
problems of a file before raising one :class:`DataError`, so that a user fixes everything in
one pass. Problems are listed sorted by file, then row.

A problem has a ``level``: ``"error"`` (the data cannot be used as it is; raised in a
DataError, the command line exits with code 2) or ``"warning"`` (the data can be used but
looks suspicious, e.g. two region names that differ by one letter; kept in
``Dataset.warnings`` and printed by ``validate``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "Problem",
    "DataError",
    "suggest",
    "did_you_mean",
    "did_you_mean_id",
    "sort_problems",
    "ERROR",
    "WARNING",
]

ERROR, WARNING = "error", "warning"

#: How many problems of one kind (same file and column) ``DataError.format`` lists before
#: summarising the rest in one line; the exception always carries all of them.
SHOW_PER_COLUMN = 50


def _sentence(text: str) -> str:
    """``text`` ending with a full stop (unless it already ends with punctuation)."""
    text = text.strip()
    if text and text[-1] not in ".?!:":
        text += "."
    return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    Attributes
    ----------
    file : str or None
        The file as the user named it (path relative to where they work, when possible).
    row : int or None
        The row as a spreadsheet shows it: header = 1, first data row = 2 (for a TOML file:
        the line).
    column : str or None
        The column name as it should be spelled (for a TOML file: the key).
    message : str
        What is wrong, in English.
    fix : str
        How to fix it, in English (may be empty).
    message_id, fix_id : str
        The same in Bahasa Indonesia (empty when no translation is given; the English is
        shown then).
    level : str
        ``"error"`` (default) or ``"warning"``.
    """

    file: str | None
    row: int | None
    column: str | None
    message: str
    fix: str = ""
    message_id: str = ""
    fix_id: str = ""
    level: str = ERROR

    def format(self, lang: str = "en") -> str:
        """Render as one line, e.g. ``observations.csv, row 5, column 'year': '20x4' is not a
        whole-number year. Fix: write the year as four digits, e.g. 2024.``"""
        indonesian = lang == "id"
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            is_toml = str(self.file or "").lower().endswith(".toml")
            if indonesian:
                where.append(f"baris {self.row}")
            else:
                where.append(f"{'line' if is_toml else 'row'} {self.row}")
        if self.column:
            is_toml = str(self.file or "").lower().endswith(".toml")
            if is_toml:
                where.append(f"{'kunci' if indonesian else 'key'} '{self.column}'")
            else:
                where.append(f"{'kolom' if indonesian else 'column'} '{self.column}'")
        message = (self.message_id or self.message) if indonesian else self.message
        fix = (self.fix_id or self.fix) if indonesian else self.fix
        if self.level == WARNING:
            message = ("peringatan: " if indonesian else "warning: ") + message
        text = (", ".join(where) + ": " if where else "") + _sentence(message)
        if fix:
            text += f" {'Perbaikan' if indonesian else 'Fix'}: {_sentence(fix)}"
        return text

    def __str__(self) -> str:
        return self.format("en")


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems sorted by file, then row (problems about a whole file first); stable."""
    return sorted(
        problems,
        key=lambda p: (str(p.file or ""), -1 if p.row is None else int(p.row)),
    )


class DataError(ValueError):
    """Raised when input data is invalid; carries every :class:`Problem` found.

    ``problems`` is sorted by file, then row. The command line prints each problem on its
    own line (in the report language, ``--lang``) and exits with code 2.
    """

    def __init__(self, problems: Iterable[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(None, None, None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        # the same problem found twice (e.g. a folder's bands.csv read as the framework's and
        # as the dataset's) is listed once
        self.problems: list[Problem] = sort_problems(dict.fromkeys(problems))
        super().__init__(self.format("en", limit=None))

    def format(self, lang: str = "en", limit: int | None = SHOW_PER_COLUMN) -> str:
        """All problems, one per line; with ``limit``, at most that many per file and column,
        the rest summarised in one line."""
        lines: list[str] = []
        shown: dict[tuple[str, str], int] = {}
        hidden: dict[tuple[str, str], int] = {}
        for p in self.problems:
            key = (str(p.file or ""), str(p.column or ""))
            if limit is not None and shown.get(key, 0) >= limit:
                hidden[key] = hidden.get(key, 0) + 1
                continue
            shown[key] = shown.get(key, 0) + 1
            lines.append(p.format(lang))
        for (file, column), n in hidden.items():
            if lang == "id":
                lines.append(f"{file}, kolom '{column}': ... dan {n} masalah lain seperti di atas.")
            else:
                lines.append(
                    f"{file}, column '{column}': ... and {n} more problem{'s' if n != 1 else ''}"
                    " like the ones above."
                )
        return "\n".join(lines)


def suggest(value: object, choices: Iterable[object], cutoff: float = 0.6) -> str | None:
    """The known name closest to ``value`` (difflib ratio, case-insensitive), or None."""
    known = [str(c) for c in choices]
    lowered = {k.lower(): k for k in known}
    match = difflib.get_close_matches(str(value).lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[match[0]] if match else None


#: The texts of :func:`did_you_mean` per language: a guess, a short list, a count.
_DID_YOU_MEAN = {
    "en": ("did you mean '{}'?", "known: ", "use one of the {} known names"),
    "id": ("maksud Anda '{}'?", "yang dikenal: ", "gunakan salah satu dari {} nama yang dikenal"),
}


def _did_you_mean(value: object, choices: Iterable[object], lang: str) -> str:
    guess, listed, many = _DID_YOU_MEAN[lang]
    known = [str(c) for c in choices]
    best = suggest(value, known)
    if best is not None:
        return guess.format(best)
    if not known:
        return ""
    if len(known) <= 12:
        return listed + ", ".join(f"'{k}'" for k in known)
    return many.format(len(known))


def did_you_mean(value: object, choices: Sequence[object] | Iterable[object]) -> str:
    """A short fix text: ``did you mean 'X'?`` or the list of known names when short."""
    return _did_you_mean(value, choices, "en")


def did_you_mean_id(value: object, choices: Sequence[object] | Iterable[object]) -> str:
    """:func:`did_you_mean` in Bahasa Indonesia."""
    return _did_you_mean(value, choices, "id")
