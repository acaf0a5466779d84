"""Writing results safely: atomic files and spreadsheet-safe CSV.

Every file the tool writes goes to a temporary file in the same folder and is renamed into
place (``os.replace`` is atomic on POSIX and Windows), so an interrupted run leaves either
the old good file or the new complete one, never half of one. Text cells that a spreadsheet
would run as a formula (starting with ``=``, ``+``, ``-`` or ``@``; OWASP "CSV injection")
are prefixed with an apostrophe; numbers stay numbers.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "atomic_write",
    "atomic_path",
    "write_csv",
    "neutralise_formulas",
    "safe_child",
    "slugify",
    "slugify_all",
    "SLUG_MAX",
]

#: First characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"):
#: = + - @, tab and carriage return, and their full-width forms (which some Excel locales
#: also accept).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it onto ``path``.

    On any exception (including KeyboardInterrupt) the temporary file is removed and the
    earlier ``path`` is left untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    # mkstemp creates the file owner-only (0600); give it the mode a plain open() would.
    os.fchmod(fd, 0o666 & ~_umask())
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def atomic_write(path: Path | str, data: str | bytes, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename)."""
    target = Path(path)
    with atomic_path(target) as tmp:
        mode = "wb" if isinstance(data, bytes) else "w"
        kwargs = {} if isinstance(data, bytes) else {"encoding": encoding, "newline": ""}
        with open(tmp, mode, **kwargs) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    return target


def _is_number_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_formula(value: object) -> bool:
    return (
        isinstance(value, str) and value.startswith(_FORMULA_START) and not _is_number_text(value)
    )


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix ``'`` to text cells (and column names) that a spreadsheet would evaluate as a
    formula: those starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return.

    Numeric and boolean columns are not touched, and within a text column a cell that is
    itself a number (``-3.5``, ``+2``) is left as it is, so numbers stay numbers. Each
    distinct value is examined once, so long key columns cost little.
    """
    out = frame.copy()
    out.columns = ["'" + c if _is_formula(c) else c for c in out.columns]
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        flags = np.array([_is_formula(u) for u in uniques], dtype=bool)
        if not flags.any():
            continue
        hit = codes >= 0
        hit[hit] = flags[codes[hit]]
        values = column.astype(object).to_numpy(copy=True)
        values[hit] = ["'" + str(v) for v in values[hit]]
        out.isetitem(position, pd.Series(values, index=out.index, dtype=object))
    return out


def _preformat_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns with binary noise trimmed: each value rounded to 12 significant digits,
    so that it prints as the shortest decimal (``0.30000000000000004`` -> ``0.3``,
    ``2.5833333333333335`` -> ``2.58333333333``); missing values stay missing, other columns
    are untouched. Vectorised (scaled rounding, the power of ten applied exactly)."""
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if not pd.api.types.is_float_dtype(column):
            continue
        values = column.to_numpy(dtype="float64", copy=True)
        ok = np.isfinite(values) & (values != 0)
        if not ok.any():
            continue
        x = values[ok]
        exponent = 11 - np.floor(np.log10(np.abs(x))).astype(int)
        up = exponent >= 0
        rounded = np.empty_like(x)
        with np.errstate(over="ignore", invalid="ignore"):
            scale = 10.0 ** exponent[up]
            rounded[up] = np.round(x[up] * scale) / scale
            step = 10.0 ** (-exponent[~up])
            rounded[~up] = np.round(x[~up] / step) * step
        good = np.isfinite(rounded)
        x[good] = rounded[good]
        values[ok] = x
        out.isetitem(position, pd.Series(values, index=out.index, dtype=column.dtype))
    return out


def write_csv(
    frame: pd.DataFrame, out: Path | str | None = None, *, float_format: str | None = None
) -> None:
    """Write a tidy table as CSV (UTF-8, comma, '.' decimals) to ``out`` atomically, or to
    standard output when ``out`` is None or ``"-"``."""
    safe = neutralise_formulas(frame)
    if float_format is None:
        safe = _preformat_numbers(safe)
    text = safe.to_csv(index=False, lineterminator="\n", float_format=float_format)
    if out is None or str(out) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write(out, text)


def safe_child(root: Path | str, *parts: str) -> Path:
    """``root / parts`` guaranteed to stay inside ``root`` (raises ValueError otherwise)."""
    base = Path(root).resolve()
    candidate = base.joinpath(*parts).resolve()
    if candidate != base and base not in candidate.parents:
        raise ValueError(f"refusing to write outside {base}: {candidate}")
    return candidate


#: Longest slug :func:`slugify` returns (well under every file system's 255-byte limit,
#: leaving room for a prefix such as ``report_2024_`` and a suffix such as ``.html``).
SLUG_MAX = 80
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{i}" for p in ("com", "lpt") for i in range(10)
}


def _short_hash(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def slugify(name: object, *, max_length: int = SLUG_MAX, taken: Iterable[str] = ()) -> str:
    """A safe, deterministic file-name part for ``name`` (e.g. a region's name).

    ``"Kab. Kutai Timur"`` -> ``"kab-kutai-timur"``. The result holds only ``a-z``, ``0-9``
    and ``-`` (accents folded to ASCII, everything else - ``/``, ``..``, NUL, spaces - turned
    into single hyphens), never starts or ends with ``-``, is never empty, never a Windows
    device name (``con``, ``nul``, ...) and at most ``max_length`` characters long. So it can
    never climb out of a folder or name a hidden file.

    Where the plain slug would lose the name's identity - it was truncated, came out empty or
    reserved, or is already in ``taken`` (a collision with another name) - a hyphen and the
    first 8 hex digits of the SHA-256 of the original name are appended, so distinct names
    keep distinct slugs. Use :func:`slugify_all` to slug a whole set of names at once (it
    suffixes every member of a colliding group, independently of order).
    """
    text = str(name)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    base = _SLUG_JUNK.sub("-", folded.lower()).strip("-")
    suffix = "-" + _short_hash(text)
    room = max(1, max_length - len(suffix))
    taken_set = set(taken)
    need_hash = (
        base == "" or base in _WINDOWS_RESERVED or len(base) > max_length or base in taken_set
    )
    if not need_hash:
        return base
    head = base[:room].rstrip("-") or "x"
    return (
        (head + suffix)[:max_length] if max_length >= len(suffix) + 1 else suffix[1:][:max_length]
    )


def slugify_all(names: Iterable[object], *, max_length: int = SLUG_MAX) -> dict[str, str]:
    """Slugs for many names, guaranteed distinct: ``{name: slug}``.

    Names whose plain slugs coincide (``"Kota A/B"`` and ``"Kota A-B"``, or ``"Kota Baru"``
    and ``"KOTA BARU"`` on a case-insensitive file system) all get the hash suffix, so the
    result does not depend on the order the names come in.
    """
    unique = list(dict.fromkeys(str(n) for n in names))
    plain = {n: slugify(n, max_length=max_length) for n in unique}
    counts: dict[str, int] = {}
    for slug in plain.values():
        counts[slug] = counts.get(slug, 0) + 1
    out = {}
    for n in unique:
        slug = plain[n]
        if counts[slug] > 1:
            slug = slugify(n, max_length=max_length, taken={slug})
        out[n] = slug
    if len(set(out.values())) < len(out):  # pathological: a name that looks like a hashed slug
        seen: set[str] = set()
        for n in sorted(out):
            if out[n] in seen:
                long_hash = hashlib.sha256(n.encode("utf-8", "surrogatepass")).hexdigest()[:16]
                out[n] = out[n][: max_length - 17].rstrip("-") + "-" + long_hash
            seen.add(out[n])
    return out
