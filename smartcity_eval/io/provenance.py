"""Provenance: which inputs, which code and which methods produced a result, and when.

A report is only as trustworthy as the record of how it was made. This module fingerprints
the input files with SHA-256 (FIPS 180-4), records the package version, the methods and
parameters, and the time, so that a reader can check that a report belongs to a given set
of files, and so that the report runner can skip a report whose inputs, parameters and
package version are all unchanged (a content-addressed build, as in ``make`` with hashes
instead of timestamps).

All functions are pure apart from reading the files they are given and the clock in
:func:`provenance` (pass ``when`` to make it deterministic).

References
----------
NIST FIPS 180-4, *Secure Hash Standard* (2015): SHA-256.
W3C PROV-O (2013): entity (input file), activity (the run), agent (the package version).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "sha256_file",
    "sha256_text",
    "file_hashes",
    "provenance",
    "fingerprint",
    "package_version",
]

_CHUNK = 1 << 20


def sha256_file(path: Path | str) -> str:
    """SHA-256 of a file's bytes, as 64 lowercase hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_text(text: str | bytes) -> str:
    """SHA-256 of a text (UTF-8) or bytes, as 64 lowercase hex digits."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def _display(path: Path, base: Path | None) -> str:
    resolved = path.resolve()
    if base is not None:
        try:
            return resolved.relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def file_hashes(files: Mapping[str, Path | str], base: Path | str | None = None) -> list[dict]:
    """One record per distinct input file: ``role, path, bytes, sha256``.

    Parameters
    ----------
    files : mapping role -> path (e.g. ``Dataset.files``). A file named under several roles
        (the primary framework is listed as ``framework`` and ``framework:<name>``) is
        listed once, under its first role.
    base : paths are shown relative to this folder when inside it (else relative to the
        working directory when inside it, else absolute).

    Returns
    -------
    list of dict, in the order of ``files``; ``bytes`` is the file size, ``sha256`` 64 hex.
    """
    seen: set[Path] = set()
    out = []
    root = Path(base) if base is not None else None
    for role, raw in files.items():
        path = Path(raw)
        key = path.resolve()
        if key in seen:
            continue
        seen.add(key)
        out.append(
            {
                "role": str(role),
                "path": _display(path, root),
                "bytes": path.stat().st_size,
                "sha256": sha256_file(path),
            }
        )
    return out


def package_version() -> str:
    """The installed version of smartcity_eval."""
    from smartcity_eval._version import __version__

    return str(__version__)


def _plain(value: Any) -> Any:
    """JSON-safe copy of ``value`` (numpy scalars -> Python numbers, tuples -> lists, paths -> str)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return value.as_posix()
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return value.item()
    return value


def fingerprint(*parts: Any) -> str:
    """SHA-256 of the canonical JSON of ``parts`` (sorted keys): equal inputs, equal key.

    Used as the "unchanged?" key of a report: the input files' hashes, the parameters and
    the package version go in; any change to any of them changes the key.
    """
    text = json.dumps(_plain(list(parts)), sort_keys=True, ensure_ascii=True, default=str)
    return sha256_text(text)


def provenance(
    files: Mapping[str, Path | str],
    methods: Mapping[str, Any] | None = None,
    parameters: Mapping[str, Any] | None = None,
    *,
    base: Path | str | None = None,
    when: _dt.datetime | None = None,
    inputs: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The provenance record of one result.

    Returns
    -------
    dict with ``inputs`` (see :func:`file_hashes`), ``package`` (``smartcity-eval``),
    ``version``, ``python``, ``methods`` and ``parameters`` (JSON-safe copies), ``created``
    (ISO 8601 with UTC offset, seconds) and ``fingerprint`` (SHA-256 over inputs, methods,
    parameters and version; the time is left out so that equal runs have equal
    fingerprints). ``inputs``: records already made by :func:`file_hashes` (the files are
    then not read again).
    """
    if inputs is None:
        inputs = file_hashes(files, base)
    methods_plain = _plain(dict(methods or {}))
    params_plain = _plain(dict(parameters or {}))
    version = package_version()
    stamp = (when or _dt.datetime.now(_dt.timezone.utc).astimezone()).isoformat(timespec="seconds")
    return {
        "package": "smartcity-eval",
        "version": version,
        "python": platform.python_version(),
        "inputs": inputs,
        "methods": methods_plain,
        "parameters": params_plain,
        "created": stamp,
        "fingerprint": fingerprint(
            [(i["role"], i["sha256"]) for i in inputs], methods_plain, params_plain, version
        ),
    }
