"""Reading and checking ``dataset.toml``, the settings file of a dataset folder.

The file names the framework(s), the title and language and the ``[methods]`` table of
method choices (see data/README.md). Every problem carries the file and the line of its key;
``[methods]`` values are checked by :func:`smartcity_eval.settings.settings_problems`, so a
bad value is reported in the same words as on the command line.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from smartcity_eval.errors import DataError, Problem, did_you_mean, did_you_mean_id
from smartcity_eval.io.tables import display_path
from smartcity_eval.settings import METHOD_KEYS, settings_problems

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["TOML_KEYS", "METHOD_KEYS", "read_toml", "toml_line"]

TOML_KEYS = [
    "title",
    "title_id",
    "description",
    "description_id",
    "framework",
    "frameworks",
    "illustrative",
    "lang",
    "note_lang",
    "timezone",
    "methods",
    "sources",
]


def toml_line(text: str, key: str, table: str | None = None) -> int | None:
    """The line of ``key = ...`` (inside ``[table]`` when given) in a TOML text, or None."""
    current = None
    pattern = re.compile(rf"^\s*(\"?){re.escape(key)}\1\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[([^\]]+)\]", line)
        if header:
            current = header.group(1).strip()
            if table is None and current == key:
                return number
            continue
        if current == table and pattern.match(line):
            return number
    return None


def read_toml(path: Path) -> dict[str, Any]:
    """Read and check a ``dataset.toml``; ``methods`` and ``sources`` are always present.

    Raises DataError with every problem found (unknown keys, wrong types, bad ``[methods]``
    values), each on the line of its key.
    """
    file = display_path(path)
    text = _read_text(path, file)
    meta = _parse(text, file)
    problems = _key_problems(meta, text, file)
    methods = meta.get("methods", {})
    if isinstance(methods, dict):
        problems.extend(method_problems(methods, text, file))
    if problems:
        raise DataError(problems)
    meta.setdefault("methods", {})
    meta.setdefault("sources", {})
    return meta


def _missing(file: str) -> Problem:
    return Problem(
        file,
        None,
        None,
        "dataset.toml is missing",
        'add dataset.toml with at least a title (title = "...") and the framework '
        '(framework = "kominfo_smart_city", or a framework.csv in the folder)',
        "dataset.toml tidak ada",
        'tambahkan dataset.toml berisi setidaknya judul (title = "...") dan kerangka '
        '(framework = "kominfo_smart_city", atau framework.csv di folder itu)',
    )


def _read_text(path: Path, file: str) -> str:
    """The text of the file (UTF-8, a byte-order mark allowed)."""
    if not path.is_file():
        raise DataError(_missing(file))
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError(
            Problem(
                file,
                None,
                None,
                f"the file is not UTF-8 (byte 0x{err.object[err.start]:02x} cannot be read)",
                "save it as UTF-8 in your text editor",
                f"berkas bukan UTF-8 (bita 0x{err.object[err.start]:02x} tidak dapat dibaca)",
                "simpan sebagai UTF-8 di penyunting teks Anda",
            )
        ) from None


def _parse(text: str, file: str) -> dict[str, Any]:
    """The TOML document, or a DataError naming the line that cannot be read."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        line = getattr(err, "lineno", None) or (int(found.group(1)) if found else None)
        msg = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(err))
        shown = ""
        if line is not None:
            lines = text.splitlines()
            if 0 < line <= len(lines):
                shown = f" in: «{lines[line - 1].strip()[:60]}»"
        raise DataError(
            Problem(
                file,
                line,
                None,
                f"the file cannot be read as TOML ({msg}){shown}",
                "check that line: each setting is key = value, text in double quotes "
                '(title = "Kutai Timur"), tables on their own line ([methods])',
                f"berkas tidak dapat dibaca sebagai TOML ({msg}){shown}",
                "periksa baris itu: setiap pengaturan berbentuk kunci = nilai, teks dalam tanda "
                'kutip ganda (title = "Kutai Timur"), tabel di barisnya sendiri ([methods])',
            )
        ) from None


def _key_problems(meta: dict[str, Any], text: str, file: str) -> list[Problem]:
    """Unknown top-level keys and values of the wrong type."""
    return _unknown_keys(meta, text, file) + _wrong_types(meta, text, file)


def _unknown_keys(meta: dict[str, Any], text: str, file: str) -> list[Problem]:
    """Keys that are not in TOML_KEYS, a ``methods`` that is not a table, and keys of
    ``[methods]`` that are not in METHOD_KEYS."""
    problems = []
    for key in meta:
        if key not in TOML_KEYS:
            problems.append(
                Problem(
                    file,
                    toml_line(text, key),
                    key,
                    f"unknown key '{key}'",
                    did_you_mean(key, TOML_KEYS),
                    f"kunci '{key}' tidak dikenal",
                    did_you_mean_id(key, TOML_KEYS),
                )
            )
    methods = meta.get("methods", {})
    if not isinstance(methods, dict):
        problems.append(
            Problem(
                file,
                toml_line(text, "methods"),
                "methods",
                "'methods' must be a table",
                "write [methods] on its own line, with one method setting per line below it",
                "'methods' harus berupa tabel",
                "tulis [methods] di barisnya sendiri, dengan satu pengaturan per baris di bawahnya",
            )
        )
        methods = {}
    for key in methods:
        if key not in METHOD_KEYS:
            problems.append(
                Problem(
                    file,
                    toml_line(text, key, "methods"),
                    f"methods.{key}",
                    f"unknown method key '{key}'",
                    did_you_mean(key, METHOD_KEYS),
                    f"kunci metode '{key}' tidak dikenal",
                    did_you_mean_id(key, METHOD_KEYS),
                )
            )
    return problems


def _wrong_types(meta: dict[str, Any], text: str, file: str) -> list[Problem]:
    """lang not id/en, framework not a name, illustrative not a boolean, frameworks not a
    list of names."""
    problems = []
    if meta.get("lang", "en") not in ("id", "en"):
        problems.append(
            Problem(
                file,
                toml_line(text, "lang"),
                "lang",
                f"lang '{meta.get('lang')}' is not 'id' or 'en'",
                'write lang = "id" or lang = "en"',
                f"lang '{meta.get('lang')}' bukan 'id' atau 'en'",
                'tulis lang = "id" atau lang = "en"',
            )
        )
    if meta.get("note_lang", "en") not in ("id", "en"):
        problems.append(
            Problem(
                file,
                toml_line(text, "note_lang"),
                "note_lang",
                f"note_lang '{meta.get('note_lang')}' is not 'id' or 'en'",
                'write note_lang = "id" or note_lang = "en" (the language of the note columns)',
                f"note_lang '{meta.get('note_lang')}' bukan 'id' atau 'en'",
                'tulis note_lang = "id" atau note_lang = "en" (bahasa kolom note)',
            )
        )
    if "framework" in meta and not isinstance(meta["framework"], str):
        problems.append(
            Problem(
                file,
                toml_line(text, "framework"),
                "framework",
                "'framework' must be a name in quotes",
                'write framework = "kominfo_smart_city"',
                "'framework' harus berupa nama dalam tanda kutip",
                'tulis framework = "kominfo_smart_city"',
            )
        )
    if "illustrative" in meta and not isinstance(meta["illustrative"], bool):
        problems.append(
            Problem(
                file,
                toml_line(text, "illustrative"),
                "illustrative",
                "'illustrative' must be true or false (without quotes)",
                "write illustrative = true or illustrative = false",
                "'illustrative' harus true atau false (tanpa tanda kutip)",
                "tulis illustrative = true atau illustrative = false",
            )
        )
    extra = meta.get("frameworks", [])
    if not isinstance(extra, list) or not all(isinstance(x, str) for x in extra):
        problems.append(
            Problem(
                file,
                toml_line(text, "frameworks"),
                "frameworks",
                "'frameworks' must be a list of names",
                'write frameworks = ["kominfo_components"]',
                "'frameworks' harus berupa daftar nama",
                'tulis frameworks = ["kominfo_components"]',
            )
        )
    return problems


#: How each [methods] key is written, for the fix of a bad value.
_EXAMPLES = {
    "normalise": 'normalise = "minmax"',
    "range": "range = [0, 100]",
    "aggregate": 'aggregate = "arithmetic" (or "0=geometric,GOV=harmonic")',
    "scope": 'scope = "year"',
    "min_coverage": "min_coverage = 0.5",
    "consensus": 'consensus = "median"',
    "impute": 'impute = "none"',
    "outliers": "outliers = true",
    "index_framework": 'index_framework = "kominfo_components"',
}


def method_problems(methods: dict[str, Any], text: str, file: str) -> list[Problem]:
    """Bad values of a ``[methods]`` table, one Problem per key (column ``methods.<key>``, on
    the key's line), worded as the command line's
    :class:`~smartcity_eval.settings.ParameterError`. Unknown keys are reported by
    :func:`_key_problems`."""
    problems = []
    for key, err in settings_problems(methods):
        if key not in METHOD_KEYS:
            continue
        if err.suggestion:
            fix = f'write {key} = "{err.suggestion}"'
            fix_id = f'tulis {key} = "{err.suggestion}"'
        else:
            example = _EXAMPLES.get(key, key)
            fix = f"write it as {example}"
            fix_id = f"tulis sebagai {example}"
        problems.append(
            Problem(
                file,
                toml_line(text, key, "methods"),
                f"methods.{key}",
                str(err),
                fix,
                err.message_id(),
                fix_id,
            )
        )
    return problems
