"""The batch cache's file format: data only, never code (issue 16).

A batch cache (:func:`smartcity_eval.reports.content.write_cache`) holds the tables of
:func:`~smartcity_eval.reports.content.prepare` and some JSON. Anyone who can write into
``--out/.cache/`` may replace it, so reading it must never run code: no pickle. The file is

1. the magic line ``SMARTCITY-EVAL BATCH CACHE``;
2. one JSON line ``{"schema": <SCHEMA>, "sha256": <hex>, "bytes": <n>}``;
3. the payload: ``n`` bytes of an uncompressed NumPy ``.npz`` archive, read with
   ``numpy.load(..., allow_pickle=False)`` (an object array is refused, never unpickled).
   Its member ``meta`` is UTF-8 JSON (uint8); the others are the numeric columns.

:func:`unpack` returns None (the reports then compute their own numbers) for anything else:
another magic line or schema, a payload whose length or SHA-256 differs from the header (a
truncated or altered file), a malformed archive or JSON. The hash detects damage, not an
author: someone able to write the file can write a matching hash, which is harmless because
the content is data that is checked again against the inputs before use.

Each DataFrame is stored column by column with its exact dtype, so that a report made from
the cache is the one made without it: NumPy columns (floats with NaN and -0.0 bit for bit,
integers, bools, naive datetimes and timedeltas) as arrays; pandas' nullable integers,
floats and booleans as values plus mask; time-zone-aware datetimes as UTC values plus the
zone; categoricals as codes plus categories; ``str`` columns and ``object`` columns as JSON
lists (see :func:`encode_value` for what an object cell may hold); the index (a RangeIndex
or a flat Index), the column labels with their dtype, and ``attrs``. :func:`pack` decodes
what it encoded and raises :class:`CacheUnsupported` unless it gets back exactly what it was
given; a batch that cannot be stored exactly is not cached (its reports compute their own).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["SCHEMA", "MAGIC", "CacheUnsupported", "pack", "unpack", "encode_value", "same_frame"]

#: The version of the layout below; a file of another schema is ignored.
SCHEMA = 4
#: The first line of every cache file.
MAGIC = b"SMARTCITY-EVAL BATCH CACHE\n"
_HEADER_MAX = 512
_TAG = "__t"


class CacheUnsupported(TypeError):
    """A value the cache format cannot store exactly (the batch is then not cached)."""


# ----------------------------------------------------------------------------- JSON values
def encode_value(value: Any) -> Any:
    """A JSON-ready, type-exact form of ``value``: None, bool, int, float (NaN, infinities
    and -0.0 included: Python's JSON writes them exactly), str, lists and str-keyed dicts
    as they are; tuples, other dicts, NumPy scalars, ``pd.NA``, ``pd.NaT`` and Timestamps
    tagged. Anything else raises :class:`CacheUnsupported`."""
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is list:
        return [encode_value(v) for v in value]
    if kind is dict and all(type(k) is str for k in value) and _TAG not in value:
        return {k: encode_value(v) for k, v in value.items()}
    if kind is tuple:
        return {_TAG: "tuple", "v": [encode_value(v) for v in value]}
    if kind is dict:
        return {_TAG: "dict", "v": [[encode_value(k), encode_value(v)] for k, v in value.items()]}
    if value is pd.NA:
        return {_TAG: "NA"}
    if value is pd.NaT:
        return {_TAG: "NaT"}
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return {_TAG: "np", "dtype": value.dtype.str, "v": value.item()}
    if kind is pd.Timestamp:
        return {_TAG: "ts", "v": int(value.value), "unit": value.unit, "tz": _tz_name(value.tz)}
    raise CacheUnsupported(f"a value of type {kind.__name__} cannot be cached")


def decode_value(value: Any) -> Any:
    """The value :func:`encode_value` encoded."""
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value.get(_TAG)
    if tag is None:
        return {k: decode_value(v) for k, v in value.items()}
    if tag == "tuple":
        return tuple(decode_value(v) for v in value["v"])
    if tag == "dict":
        return {decode_value(k): decode_value(v) for k, v in value["v"]}
    if tag == "NA":
        return pd.NA
    if tag == "NaT":
        return pd.NaT
    if tag == "np":
        return np.array([value["v"]], dtype=np.dtype(str(value["dtype"])))[0]
    if tag == "ts":
        stamp = pd.Timestamp(int(value["v"]), unit="ns", tz="UTC" if value["tz"] else None)
        stamp = stamp.tz_convert(value["tz"]) if value["tz"] else stamp
        return stamp.as_unit(str(value["unit"]))
    raise ValueError(f"unknown tag {tag!r}")


def _tz_name(tz: Any) -> str | None:
    if tz is None:
        return None
    name = getattr(tz, "key", None) or str(tz)
    if pd.Timestamp("2000-01-01", tz=name).tz != pd.Timestamp("2000-01-01", tz=tz).tz:
        raise CacheUnsupported(f"the time zone {tz!r} cannot be cached")
    return name


# ----------------------------------------------------------------------------- columns
class _Arrays:
    """The numeric arrays of one payload, named a0, a1, ..."""

    def __init__(self, source: Any = None):
        self.out: dict[str, np.ndarray] = {}
        self.source = source

    def put(self, array: np.ndarray) -> str:
        if array.dtype.kind not in "biufcMm":
            raise CacheUnsupported(f"an array of dtype {array.dtype} cannot be cached")
        name = f"a{len(self.out)}"
        self.out[name] = np.ascontiguousarray(array)
        return name

    def get(self, name: str, n: int) -> np.ndarray:
        array = self.source[name]
        if array.ndim != 1 or len(array) != n:
            raise ValueError(f"array {name} has the wrong shape")
        return array


def _encode_column(values: Any, arrays: _Arrays) -> dict[str, Any]:
    dtype = values.dtype
    n = len(values)
    if isinstance(dtype, np.dtype):
        if dtype.kind == "O":
            return {"kind": "object", "n": n, "values": [encode_value(v) for v in values]}
        return {
            "kind": "numpy",
            "n": n,
            "dtype": dtype.str,
            "array": arrays.put(np.asarray(values)),
        }
    if isinstance(dtype, pd.CategoricalDtype):
        cat = pd.Categorical(values)
        return {
            "kind": "category",
            "n": n,
            "ordered": bool(dtype.ordered),
            "codes": arrays.put(np.asarray(cat.codes)),
            "categories": _encode_index(dtype.categories, arrays),
        }
    if isinstance(dtype, pd.StringDtype):
        # every cell a str (a str column holds nothing else), a missing cell None: one
        # conversion of the whole column, not a Python step per cell
        texts = values.array.to_numpy(dtype=object, na_value=None).tolist()
        return {
            "kind": "string",
            "n": n,
            "storage": dtype.storage,
            "na": "nan" if dtype.na_value is not pd.NA else "NA",
            "values": texts,
        }
    if isinstance(dtype, pd.DatetimeTZDtype):
        utc = np.asarray(pd.DatetimeIndex(values).tz_convert("UTC").tz_localize(None))
        return {"kind": "datetimetz", "n": n, "tz": _tz_name(dtype.tz), "array": arrays.put(utc)}
    array = values.array
    if hasattr(array, "_mask") and hasattr(array, "_data"):  # Int64, Float64, boolean, ...
        return {
            "kind": "masked",
            "n": n,
            "dtype": str(dtype),
            "values": arrays.put(np.asarray(array._data)),
            "mask": arrays.put(np.asarray(array._mask)),
        }
    raise CacheUnsupported(f"a column of dtype {dtype} cannot be cached")


def _decode_column(spec: dict[str, Any], arrays: _Arrays) -> Any:
    kind, n = spec["kind"], int(spec["n"])
    if kind == "numpy":
        array = arrays.get(spec["array"], n)
        if array.dtype != np.dtype(str(spec["dtype"])):
            raise ValueError("dtype mismatch")
        return array
    if kind == "object":
        out = np.empty(n, dtype=object)
        values = [decode_value(v) for v in spec["values"]]
        if len(values) != n:
            raise ValueError("length mismatch")
        out[:] = values
        return out
    if kind == "category":
        dtype = pd.CategoricalDtype(_decode_index(spec["categories"], arrays), spec["ordered"])
        return pd.Categorical.from_codes(arrays.get(spec["codes"], n), dtype=dtype)
    if kind == "string":
        na = np.nan if spec["na"] == "nan" else pd.NA
        dtype = pd.StringDtype(str(spec["storage"]), na_value=na)
        if len(spec["values"]) != n:
            raise ValueError("length mismatch")
        return pd.array(spec["values"], dtype=dtype)
    if kind == "datetimetz":
        utc = pd.DatetimeIndex(arrays.get(spec["array"], n)).tz_localize("UTC")
        return utc.tz_convert(spec["tz"]).array
    if kind == "masked":
        dtype = pd.api.types.pandas_dtype(str(spec["dtype"]))
        cls = dtype.construct_array_type()
        mask = arrays.get(spec["mask"], n)
        if mask.dtype != np.bool_:
            raise ValueError("mask is not boolean")
        return cls(arrays.get(spec["values"], n), mask)
    raise ValueError(f"unknown column kind {kind!r}")


def _encode_index(index: pd.Index, arrays: _Arrays) -> dict[str, Any]:
    if isinstance(index, pd.MultiIndex):
        raise CacheUnsupported("a MultiIndex cannot be cached")
    name = encode_value(index.name)
    if type(index) is pd.RangeIndex:
        return {"kind": "range", "start": index.start, "stop": index.stop, "step": index.step,
                "name": name}  # fmt: skip
    return {"kind": "index", "name": name, "values": _encode_column(index, arrays)}


def _decode_index(spec: dict[str, Any], arrays: _Arrays) -> pd.Index:
    name = decode_value(spec["name"])
    if spec["kind"] == "range":
        return pd.RangeIndex(int(spec["start"]), int(spec["stop"]), int(spec["step"]), name=name)
    values = _decode_column(spec["values"], arrays)
    return pd.Index(values, dtype=values.dtype, name=name, copy=False)


def _encode_frame(frame: pd.DataFrame, arrays: _Arrays) -> dict[str, Any]:
    if not isinstance(frame, pd.DataFrame):
        raise CacheUnsupported(f"{type(frame).__name__} is not a DataFrame")
    return {
        "index": _encode_index(frame.index, arrays),
        "columns": _encode_index(frame.columns, arrays),
        "data": [_encode_column(frame.iloc[:, i], arrays) for i in range(frame.shape[1])],
        "attrs": encode_value(dict(frame.attrs)),
        "flags": bool(frame.flags.allows_duplicate_labels),
    }


def _decode_frame(spec: dict[str, Any], arrays: _Arrays) -> pd.DataFrame:
    index = _decode_index(spec["index"], arrays)
    columns = _decode_index(spec["columns"], arrays)
    data = [_decode_column(c, arrays) for c in spec["data"]]
    if len(data) != len(columns) or any(len(d) != len(index) for d in data):
        raise ValueError("frame shape mismatch")
    # each column as a Series of its own dtype (pandas would read an object array of
    # strings as a str column)
    series = {i: pd.Series(d, index=index, dtype=d.dtype, copy=False) for i, d in enumerate(data)}
    frame = pd.DataFrame(series, index=index)
    frame.columns = columns
    frame.attrs = decode_value(spec["attrs"])
    return frame.set_flags(allows_duplicate_labels=bool(spec["flags"]))


def _walk(value: Any, arrays: _Arrays, encode: bool) -> Any:
    """Frames (anywhere in dicts and lists) to and from their specs."""
    if encode and isinstance(value, pd.DataFrame):
        return {_TAG: "frame", "v": _encode_frame(value, arrays)}
    if not encode and isinstance(value, dict) and value.get(_TAG) == "frame":
        return _decode_frame(value["v"], arrays)
    plain = isinstance(value, dict) and _TAG not in value
    if plain and (not encode or all(type(k) is str for k in value)):
        return {k: _walk(v, arrays, encode) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, arrays, encode) for v in value]
    return encode_value(value) if encode else decode_value(value)


# ----------------------------------------------------------------------------- the file
def pack(content: dict[str, Any]) -> bytes:
    """The cache file holding ``content`` (a str-keyed dict of JSON values, as
    :func:`encode_value` takes them, and DataFrames, in dicts and lists). Raises
    :class:`CacheUnsupported` if it cannot be stored exactly."""
    arrays = _Arrays()
    meta = json.dumps(_walk(content, arrays, True), ensure_ascii=False, allow_nan=True)
    buffer = io.BytesIO()
    members = {"meta": np.frombuffer(meta.encode("utf-8"), dtype=np.uint8), **arrays.out}
    np.savez(buffer, **members)
    payload = buffer.getvalue()
    back = _decode(payload)
    if back is None or not _same(content, back):
        raise CacheUnsupported("the batch does not come back exactly from the cache format")
    header = {
        "schema": SCHEMA,
        "sha256": hashlib.sha256(payload).hexdigest(),
        "bytes": len(payload),
    }
    return MAGIC + json.dumps(header).encode("ascii") + b"\n" + payload


def unpack(data: bytes) -> dict[str, Any] | None:
    """The content of a cache file made by :func:`pack`, or None for anything else (see the
    module docstring). Never runs code from the file."""
    if not data.startswith(MAGIC):
        return None
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + _HEADER_MAX)
    if end < 0:
        return None
    try:
        header = json.loads(data[len(MAGIC) : end].decode("ascii"))
        payload = data[end + 1 :]
        if not isinstance(header, dict) or header.get("schema") != SCHEMA:
            return None
        if header.get("bytes") != len(payload):
            return None
        if header.get("sha256") != hashlib.sha256(payload).hexdigest():
            return None
    except (ValueError, UnicodeDecodeError):
        return None
    return _decode(payload)


def _decode(payload: bytes) -> dict[str, Any] | None:
    try:
        with np.load(io.BytesIO(payload), allow_pickle=False) as archive:
            names = set(archive.files)
            meta = archive["meta"]
            if meta.dtype != np.uint8 or meta.ndim != 1:
                return None
            content = json.loads(meta.tobytes().decode("utf-8"))
            arrays = _Arrays({n: archive[n] for n in names if n != "meta"})
            out = _walk(content, arrays, False)
    except Exception:  # any damage: the file is not used (nothing in it is ever executed)
        return None
    return out if isinstance(out, dict) else None


# ----------------------------------------------------------------------------- exactness
def same_frame(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two frames are identical: values (NaN where NaN, the sign of zero), dtypes,
    index and column labels with their types, ``attrs`` and flags."""
    try:
        pd.testing.assert_frame_equal(
            a, b, check_exact=True, check_index_type=True, check_column_type=True,
            check_frame_type=True, check_names=True, check_flags=True, check_freq=True,
        )  # fmt: skip
    except AssertionError:
        return False
    if a.attrs != b.attrs or type(a.index) is not type(b.index):
        return False
    for i in range(a.shape[1]):
        x, y = a.iloc[:, i], b.iloc[:, i]
        if x.dtype.kind == "f" and isinstance(x.dtype, np.dtype):
            if not np.array_equal(np.signbit(x.to_numpy()), np.signbit(y.to_numpy())):
                return False
        elif x.dtype == object and not _same(list(x), list(y)):
            return False
    return True


def _same(a: Any, b: Any) -> bool:
    """Type-exact equality of decoded content (NaN equals NaN, -0.0 differs from 0.0)."""
    if isinstance(a, pd.DataFrame) or isinstance(b, pd.DataFrame):
        return isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame) and same_frame(a, b)
    if type(a) is not type(b):
        return a is b
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if a is pd.NA or a is pd.NaT or b is pd.NA or b is pd.NaT:
        return a is b
    if isinstance(a, pd.Timestamp):
        return a == b and a.unit == b.unit and str(a.tz) == str(b.tz)
    if isinstance(a, float | np.floating):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return bool(a == b) and math.copysign(1, a) == math.copysign(1, b)
    return bool(a == b)
