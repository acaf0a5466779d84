"""Data notes in the report's language.

``observations.csv``, ``targets.csv`` and ``published.csv`` may carry a free-text ``note``
in one language (dataset.toml ``note_lang``, default the dataset's ``lang``) and, optionally,
the note per language in ``note_id`` and ``note_en``. A report shows, for each row:

1. ``note_<lang>`` when it is given;
2. else ``note``, as it is when it is in the report's language, else marked with its
   language ("tidak terverifikasi (in Indonesian)", "not verified (dalam bahasa Inggris)");
3. else the other language's column, marked likewise;
4. else nothing.

The note itself is data: it is never translated by the package (docs/columns.md).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from smartcity_eval.messages import t
from smartcity_eval.vocab import LANGS

__all__ = ["note_in", "notes_in"]


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def note_in(
    lang: str, source_lang: str, note: Any = "", by_lang: dict[str, Any] | None = None
) -> str:
    """One row's note in ``lang`` (see the module docstring). ``note``: the ``note``
    column, written in ``source_lang``; ``by_lang``: ``{"id": note_id, "en": note_en}``."""
    by_lang = {k: _text(v) for k, v in (by_lang or {}).items()}
    if by_lang.get(lang):
        return by_lang[lang]
    candidates = [(_text(note), source_lang)]
    candidates += [(by_lang.get(other, ""), other) for other in LANGS if other != lang]
    for text, written_in in candidates:
        if not text:
            continue
        if written_in == lang:
            return text
        return t("note.marked", lang, note=text, language=t(f"lang.name.{written_in}", lang))
    return ""


def notes_in(frame: pd.DataFrame, lang: str, source_lang: str) -> pd.Series:
    """:func:`note_in` for every row of ``frame`` (columns ``note``, ``note_id``,
    ``note_en``, each optional), as a Series on the frame's index."""
    empty = pd.Series("", index=frame.index, dtype=object)
    note = frame.get("note", empty)
    per = {x: frame.get(f"note_{x}", empty) for x in LANGS}
    values = [
        note_in(lang, source_lang, n, {x: per[x].iloc[i] for x in LANGS})
        for i, n in enumerate(note)
    ]
    return pd.Series(values, index=frame.index, dtype=object)
