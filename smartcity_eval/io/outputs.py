"""Writing results safely: atomic files and spreadsheet-safe CSV.

Every file the tool writes goes to a temporary file in the same folder and is renamed into
place (``os.replace`` is atomic on POSIX and Windows), so an interrupted run leaves either
the old good file or the new complete one, never half of one. Text cells that a spreadsheet
would run as a formula (starting with ``=``, ``+``, ``-`` or ``@``; OWASP "CSV injection")
are prefixed with an apostrophe; numbers stay numbers. Large tables are formatted with
numpy (:func:`csv_chunks`), byte for byte as the plain ``to_csv`` writer
(:func:`csv_text_reference`) would.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
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
    "csv_text_reference",
    "csv_chunks",
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


def _round12(values: np.ndarray) -> np.ndarray:
    """``values`` (float64) with each finite non-zero value rounded to 12 significant digits
    (scaled rounding, the power of ten applied exactly); a new array."""
    values = np.array(values, dtype="float64", copy=True)
    ok = np.isfinite(values) & (values != 0)
    if not ok.any():
        return values
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
    return values


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
        values = _round12(column.to_numpy(dtype="float64"))
        out.isetitem(position, pd.Series(values, index=out.index, dtype=column.dtype))
    return out


def csv_text_reference(frame: pd.DataFrame, *, float_format: str | None = None) -> str:
    """The CSV text :func:`write_csv` writes, made the plain way (formulas neutralised,
    floats rounded to 12 significant digits, ``DataFrame.to_csv``). The fast writer
    (:mod:`smartcity_eval.io.csvfast`) must give the same bytes; this is its reference and
    the path for the tables it does not handle."""
    safe = neutralise_formulas(frame)
    if float_format is None:
        safe = _preformat_numbers(safe)
    return safe.to_csv(index=False, lineterminator="\n", float_format=float_format)


def write_csv(
    frame: pd.DataFrame, out: Path | str | None = None, *, float_format: str | None = None
) -> None:
    """Write a tidy table as CSV (UTF-8, comma, '.' decimals) to ``out`` atomically, or to
    standard output when ``out`` is None or ``"-"``.

    Text cells that a spreadsheet would run as a formula get a leading apostrophe; floats are
    rounded to 12 significant digits and written as the shortest decimal; missing values are
    empty. The bytes are those of :func:`csv_text_reference`; the common column types are
    formatted by the vectorised :func:`csv_chunks`, the rest by the reference.
    """
    chunks = None if float_format is not None else csv_chunks(frame)
    if chunks is None:
        chunks = iter([csv_text_reference(frame, float_format=float_format).encode("utf-8")])
    if out is None or str(out) == "-":
        for chunk in chunks:
            sys.stdout.write(chunk.decode("utf-8"))
        sys.stdout.flush()
        return
    with atomic_path(out) as tmp, open(tmp, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())


# --------------------------------------------------------------------------- fast writer
#: Rows per chunk of the fast writer (bounds its memory: about 100 bytes a row).
CHUNK_ROWS = 65_536


def _csv_field(text: str) -> str:
    """``text`` as one CSV field, quoted exactly as :mod:`csv` (and so ``to_csv``) does."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([text, ""])
    return buffer.getvalue()[:-2]


def _fixed(strings: list[str]) -> np.ndarray:
    """UTF-8 byte strings as a ``[n, width]`` uint8 matrix, padded with zero bytes."""
    encoded = np.array([t.encode("utf-8") for t in strings] or [b""], dtype=bytes)
    width = max(encoded.dtype.itemsize, 1)
    return np.frombuffer(encoded.astype(f"S{width}").tobytes(), np.uint8).reshape(-1, width)


def _small(codes: np.ndarray) -> np.ndarray:
    """Codes as int32 when they fit (half the memory of a long table's int64 codes)."""
    return codes.astype(np.int32) if len(codes) and codes.max() < 2**31 - 1 else codes


def _category_field(column: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """(codes, byte matrix of the distinct fields; the last row is the empty field) of a
    column of text, integers or booleans; None for any other content."""
    types = pd.api.types
    values = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else column
    if not (
        types.is_integer_dtype(values)
        or types.is_bool_dtype(values)
        or types.infer_dtype(values, skipna=True) in ("string", "empty")
    ):
        return None  # objects of mixed types: 1 and 1.0 and True would factorize as one
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    fields = []
    for u in uniques.tolist() if hasattr(uniques, "tolist") else list(uniques):
        if isinstance(u, str):
            if "\x00" in u:
                return None
            fields.append(_csv_field("'" + u if _is_formula(u) else u))
        elif isinstance(u, (bool, int, np.integer, np.bool_)):
            fields.append(str(u))
        else:
            return None
    codes = _small(np.where(codes < 0, len(fields), codes))
    return codes, _fixed([*fields, ""])


def _float_matrix(values: np.ndarray) -> np.ndarray:
    """Rounded float64 values as the bytes ``to_csv`` writes (numpy's shortest repr, empty for
    missing): a ``[n, width]`` uint8 matrix padded with zero bytes.

    A value ``r`` whose 12 significant digits ``m`` (``r == m / 10**k`` exactly, decimal
    exponent -4..15) are known is laid out from those digits: at most one decimal of 12 or
    fewer digits rounds to a float, so they are its shortest repr. Other values (zero, -0.0,
    infinities, tiny or huge magnitudes) use numpy's own ``astype(str)``."""
    n = len(values)
    finite = np.isfinite(values) & (values != 0)
    a = np.abs(np.where(finite, values, 1.0))
    e = np.floor(np.log10(a)).astype(np.int64)
    fast = finite & (e >= -4) & (e <= 15)
    e = np.where(fast, e, 0)
    m = np.zeros(n, np.int64)
    for shift in (0, 1, -1):  # log10 may be off by one next to a power of ten
        k = 11 - (e + shift)
        up, down = 10.0 ** np.maximum(k, 0), 10.0 ** np.maximum(-k, 0)
        with np.errstate(over="ignore", invalid="ignore"):
            ms = np.round(a * up / down)
            hit = fast & (m == 0) & (ms / up * down == a) & (ms >= 1e11) & (ms < 1e12)
        hit &= (k >= -4) & (k <= 15)  # both powers of ten exact, so the check is exact
        m[hit] = ms[hit].astype(np.int64)
        e[hit] += shift
    fast &= m > 0
    e = np.where(fast, e, 0)
    digits = np.frombuffer(np.where(fast, m, 10**11).astype("S12").tobytes(), np.uint8)
    digits = digits.reshape(n, 12)  # ASCII, always 12 digits (10**11 <= m < 10**12)
    zeros = np.argmax(digits[:, ::-1] != ord("0"), axis=1)  # trailing zeros of m
    low = np.where(fast, e - 11 + zeros, -1)  # the power of ten of the last non-zero digit
    top, bottom = max(int(e.max(initial=0)), 0), min(int(low.min(initial=-1)), -1)
    power = np.arange(top, bottom - 1, -1)[None, :]  # the powers of ten shown, top .. bottom
    place = e[:, None] - power  # m's digit j sits at the power e - j
    grid = np.take_along_axis(digits, np.minimum(np.maximum(place, 0), 11), axis=1)
    grid[(place < 0) | (place > 11)] = ord("0")
    last = np.minimum(low, -1)[:, None]  # at least one digit after the point ("100.0")
    show = np.where(power >= 0, power <= np.maximum(e, 0)[:, None], power >= last)
    grid[~show] = 0
    width = 2 + power.shape[1]
    slow = ~fast & ~np.isnan(values)
    text = _fixed(values[slow].astype(str).tolist()) if slow.any() else None
    if text is not None:
        width = max(width, text.shape[1])
    out = np.zeros((n, width), np.uint8)
    out[:, 0] = np.where(values < 0, ord("-"), 0)
    out[:, 1 : top + 2] = grid[:, : top + 1]
    out[:, top + 2] = ord(".")
    out[:, top + 3 : top + 3 + grid.shape[1] - top - 1] = grid[:, top + 1 :]
    out[~fast] = 0
    if text is not None:
        out[np.flatnonzero(slow)[:, None], np.arange(text.shape[1])] = text
    return out


def csv_chunks(frame: pd.DataFrame) -> Iterator[bytes] | None:
    """The UTF-8 bytes of :func:`csv_text_reference` for ``frame``, in chunks of
    :data:`CHUNK_ROWS` rows, made with numpy (text and integer columns formatted once per
    distinct value, floats laid out from their digits); None when the table has a column
    type it does not handle (then the caller uses the reference)."""
    if frame.shape[1] < 2 or len(frame) == 0 or not all(isinstance(c, str) for c in frame.columns):
        return None
    fields: list[tuple[str, object]] = []
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if column.dtype == np.float64:
            values = column.to_numpy()
            head = _round12(values[:4096])
            if len(pd.unique(head)) * 4 > len(head):  # mostly distinct: rounded and laid
                fields.append(("float", values))  # out chunk by chunk (no copy kept)
            else:  # few distinct values (coverage, bands): each formatted once
                # by bit pattern: factorize takes -0.0 for 0.0, which print differently;
                # the distinct values are rounded, not the column (no column-long copies)
                bits = np.ascontiguousarray(values).view(np.int64)
                codes, uniques = pd.factorize(bits, use_na_sentinel=False)
                distinct = np.asarray(uniques, np.int64).view(np.float64)
                table = _float_matrix(_round12(distinct))
                fields.append(("codes", (_small(codes), table)))
        elif pd.api.types.is_float_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            return None
        else:
            field = _category_field(column)
            if field is None:
                return None
            fields.append(("codes", field))
    header = io.StringIO()
    names = ["'" + c if _is_formula(c) else c for c in frame.columns]
    csv.writer(header, lineterminator="\n").writerow(names)
    return _chunks(header.getvalue().encode("utf-8"), fields, len(frame))


def _chunks(header: bytes, fields: list[tuple[str, object]], n: int) -> Iterator[bytes]:
    yield header
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        parts = []
        for kind, field in fields:
            if kind == "float":
                parts.append(_float_matrix(_round12(field[start:stop])))
            else:
                codes, table = field
                parts.append(table[codes[start:stop]])
            parts.append(np.full((stop - start, 1), ord(","), np.uint8))
        parts[-1] = np.full((stop - start, 1), ord("\n"), np.uint8)
        rows = np.concatenate(parts, axis=1)
        yield rows[rows != 0].tobytes()


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
