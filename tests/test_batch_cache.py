"""The batch cache holds data, never code (issue 16): a dtype-exact round trip, a schema
version and a SHA-256 over the payload; a pickle, a damaged, truncated, re-versioned or
re-hashed file is ignored without running anything, and a report made from the cache is
the one made without it."""

from __future__ import annotations

import hashlib
import json
import pickle
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcity_eval.evaluation import evaluate
from smartcity_eval.reports import cache, content, sections

ROOT = Path(__file__).resolve().parent.parent
KUTAI = ROOT / "data" / "kutai_timur"


def _every_dtype() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "f": [1.5, np.nan, -0.0, 0.0, np.inf, -np.inf, 1e-320, 1e308],
            "i": np.array([1, -2, 3, 2**62, 0, -1, 7, 8], dtype="int64"),
            "i8": np.array([1, -2, 3, 4, 0, -1, 7, 8], dtype="int8"),
            "u": np.array([1, 2, 3, 4, 0, 1, 7, 2**32], dtype="uint64"),
            "b": [True, False, True, True, False, False, True, False],
            "I": pd.array([1, None, 3, 4, None, 6, 7, 8], dtype="Int64"),
            "F": pd.array([1.5, None, -0.0, 4.0, None, 6.0, 7.0, 8.0], dtype="Float64"),
            "B": pd.array([True, None, False, True, None, False, True, False], dtype="boolean"),
            "s": pd.Series(["a", None, "", "Kota $X$", "ü", "a\x00", " b ", "c"], dtype="str"),
            "S": pd.array(["a", None, "", "x", "y", "z", "w", "v"], dtype="string"),
            "o": pd.Series(["a", None, np.nan, 1, 2.5, True, pd.NA, ("t", 1)], dtype=object),
            "c": pd.Categorical(
                ["lo", "hi", None, "lo", "mid", "hi", "lo", "mid"],
                categories=["lo", "mid", "hi"],
                ordered=True,
            ),  # fmt: skip
            "cu": pd.Categorical([1, 2, 1, 2, 1, 2, 1, 2]),
            "d": pd.to_datetime(
                [
                    "2024-01-01",
                    None,
                    "1970-01-01",
                    "2262-04-11",
                    "2024-02-29",
                    "2000-01-01 12:00:01.5",
                    "2024-01-01",
                    "2024-01-02",
                ],
                format="ISO8601",
            ),  # fmt: skip
            "dz": pd.to_datetime(["2024-01-01 08:00"] * 8).tz_localize("Asia/Makassar"),
            "ds": pd.to_datetime(["2024-01-01"] * 8).astype("datetime64[s]"),
            "td": pd.to_timedelta([1, 2, None, 4, 5, 6, 7, 8], unit="s"),
        }
    )
    frame.index = pd.Index([f"r{i}" for i in range(8)], name="row")
    frame.attrs = {"file": "observations.csv", "decimal_comma": False, "header_row": 1}
    return frame


def test_every_dtype_comes_back_exactly():
    frame = _every_dtype()
    data = cache.pack({"frame": frame, "empty": pd.DataFrame(columns=["region", "year"])})
    back = cache.unpack(data)
    assert back is not None
    got = back["frame"]
    assert cache.same_frame(frame, got)
    assert got.dtypes.astype(str).tolist() == frame.dtypes.astype(str).tolist()
    signs = [False, False, True, False, False, True, False, False]
    assert np.signbit(got["f"].to_numpy()).tolist() == signs
    assert got["F"].array._data[2] == 0 and np.signbit(got["F"].array._data[2])
    assert got["o"].tolist()[:3] == ["a", None, got["o"].iloc[2]] and np.isnan(got["o"].iloc[2])
    assert got["o"].iloc[6] is pd.NA and got["o"].iloc[7] == ("t", 1)
    assert got["s"].iloc[5] == "a\x00" and pd.isna(got["s"].iloc[1])
    assert got["c"].cat.ordered and list(got["c"].cat.categories) == ["lo", "mid", "hi"]
    assert str(got["dz"].dt.tz) == "Asia/Makassar" and got.index.name == "row"
    assert got.attrs == frame.attrs
    assert list(back["empty"].columns) == ["region", "year"] and back["empty"].empty
    assert back["empty"].dtypes.tolist() == [object, object]


def test_what_cannot_be_stored_exactly_is_refused():
    with pytest.raises(cache.CacheUnsupported):
        cache.pack({"x": pd.DataFrame({"o": [object()]})})
    with pytest.raises(cache.CacheUnsupported):
        cache.pack({"x": pd.DataFrame({"a": [1]}, index=pd.MultiIndex.from_tuples([(1, 2)]))})


class _Boom:
    """Unpickling this creates a marker file (what an attacker's payload would do)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "code ran"))


def test_a_malicious_pickle_is_ignored_without_running(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    path = tmp_path / "batch.cache"
    path.write_bytes(pickle.dumps({"format": 2, "batch": _Boom(marker)}))
    pickle.loads(pickle.dumps(_Boom(tmp_path / "check")))  # the payload does work...
    assert (tmp_path / "check").read_text() == "code ran"

    def refuse(*args, **kwargs):
        raise AssertionError("the cache must never be unpickled")

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)
    assert content.read_cache(path, KUTAI) is None  # ...but is never run from the cache
    assert not marker.exists()
    # a pickle behind a valid magic line and header is still not unpickled
    payload = pickle.dumps(_Boom(marker))
    header = {"schema": cache.SCHEMA, "sha256": hashlib.sha256(payload).hexdigest(),
              "bytes": len(payload)}  # fmt: skip
    path.write_bytes(cache.MAGIC + json.dumps(header).encode() + b"\n" + payload)
    assert cache.unpack(path.read_bytes()) is None
    assert not marker.exists()


def _rehash(data: bytes, payload: bytes, **header) -> bytes:
    end = data.index(b"\n", len(cache.MAGIC))
    head = json.loads(data[len(cache.MAGIC) : end])
    head.update(sha256=hashlib.sha256(payload).hexdigest(), bytes=len(payload))
    head.update(header)
    return cache.MAGIC + json.dumps(head).encode() + b"\n" + payload


def test_a_damaged_truncated_or_other_version_cache_is_ignored(tmp_path):
    ev = evaluate(KUTAI.resolve())
    path = tmp_path / "batch.cache"
    content.write_cache(ev, path)
    good = path.read_bytes()
    assert good.startswith(cache.MAGIC) and b"pickle" not in good[:200]
    assert content.read_cache(path, ev) is not None
    end = good.index(b"\n", len(cache.MAGIC))
    payload = good[end + 1 :]
    flipped = bytearray(payload)
    flipped[len(flipped) // 2] ^= 0xFF
    cases = {
        "truncated": good[: len(good) // 2],
        "one byte changed": good[: end + 1] + bytes(flipped),
        "wrong hash": good.replace(hashlib.sha256(payload).hexdigest().encode(), b"0" * 64),
        "other schema": _rehash(good, payload, schema=cache.SCHEMA + 1),
        "empty": b"",
        "header only": good[: end + 1],
        "not a zip, hash right": _rehash(good, b"x" * 100),
    }
    for name, data in cases.items():
        path.write_bytes(data)
        assert content.read_cache(path, ev) is None, name
    # another package version: valid file, other "version"
    other = cache.unpack(good)
    other["version"] = "0.0.0-other"
    path.write_bytes(cache.pack(other))
    assert content.read_cache(path, ev) is None


def _numbers(page: str) -> list[str]:
    text = re.sub(r'src="data:image/[^"]+"', "", page)
    return re.findall(r"-?\d+(?:[.,]\d+)?", re.sub(r"<[^>]+>", " ", text))


HASH = re.compile(r"\b[0-9a-f]{64}\b")


def test_a_report_from_the_cache_is_the_report_without_it(tmp_path):
    ev = evaluate(KUTAI.resolve())
    path = tmp_path / "batch.cache"
    content.write_cache(ev, path)
    assert content.read_cache(path, ev) is not None
    for region, year, lang in [("Kabupaten Kutai Timur", 2024, "id"), ("Kota Bontang", 2023, "en")]:
        cached = content.report_data(ev, region, year, lang, cache=path)
        fresh = content.report_data(ev, region, year, lang)
        n = 0
        for section in sections.SECTIONS:
            a, b = sections.render(section, cached), sections.render(section, fresh)
            if section is sections.provenance:  # the log's times are when each was computed
                assert HASH.findall(a)[:20] == HASH.findall(b)[:20] and len(HASH.findall(b)) > 10
                continue
            assert _numbers(a) == _numbers(b), section.__name__
            assert a == b, section.__name__  # the whole section, figures included
            n += len(_numbers(b))
        assert n > 500


def test_a_batch_replaces_a_malicious_cache_and_reports_right(tmp_path):
    """A pickle put where a batch keeps its cache (``--out/<dataset>/.cache/``) is never
    run, by the runner or by a report's kernel: the rerun replaces it with a real cache and
    makes the same report."""
    from smartcity_eval.reports.runner import run_reports

    out = tmp_path / "out"
    ev = evaluate(KUTAI.resolve())
    options = {"years": [2024], "regions": ["Kabupaten Kutai Timur"], "jobs": 1, "progress": False}
    first = run_reports(ev, out, **options)
    assert [r["status"] for r in first.results] == ["ok"]
    (path,) = (out / "kutai_timur" / ".cache").glob("batch-*")
    assert path.read_bytes().startswith(cache.MAGIC)
    page = (out / "kutai_timur" / "kabupaten-kutai-timur" / "2024" / "report.html").read_text()
    marker = tmp_path / "pwned"
    path.write_bytes(pickle.dumps({"format": 2, "batch": _Boom(marker)}))
    again = run_reports(ev, out, force=True, **options)
    assert [r["status"] for r in again.results] == ["ok"]
    assert not marker.exists()
    assert path.read_bytes().startswith(cache.MAGIC)
    assert content.read_cache(path, ev) is not None
    rerun = (out / "kutai_timur" / "kabupaten-kutai-timur" / "2024" / "report.html").read_text()
    before, after = (
        _numbers(page.split('id="sec.provenance"')[0]),
        _numbers(rerun.split('id="sec.provenance"')[0]),
    )
    assert len(before) > 300 and after == before


def test_reports_one_after_another_in_a_process_are_each_report_on_its_own(tmp_path):
    """A runner's kernel makes the reports of a batch one after another: the notebook's
    ``report_evaluation`` loads the dataset once for the batch cache, the cache is decoded
    once and the year-wide robustness analysis is computed once per year (issue 17). Each
    report is still the one made on its own in a fresh process (no cache, a new Dataset):
    every section the same, the provenance's steps the same."""
    folder = str(KUTAI.resolve())
    ev = evaluate(folder)
    path = tmp_path / "batch.cache"
    content.write_cache(ev, path)
    settings = ev.settings.to_dict()
    cases = [
        ("Kabupaten Kutai Timur", 2024, "id"),
        ("Kota Bontang", 2024, "en"),
        ("Kabupaten Berau", 2023, "id"),
    ]
    loaded = []
    for region, year, lang in cases:
        batch_ev = content.report_evaluation(
            folder, settings, cache=path, normalise=None, aggregate=None
        )
        loaded.append(batch_ev.dataset)
        shared = content.report_data(batch_ev, region, year, lang, cache=path)
        alone_ev = evaluate(folder, **settings).regen(normalise=None, aggregate=None)
        alone = content.report_data(alone_ev, region, year, lang)
        for section in sections.SECTIONS:
            a, b = sections.render(section, shared), sections.render(section, alone)
            if section is sections.provenance:
                assert HASH.findall(a)[:20] == HASH.findall(b)[:20]
                continue
            assert a == b, (region, section.__name__)
        steps = [s["step"] for s in shared["provenance"]["steps"]]
        assert steps == [s["step"] for s in alone["provenance"]["steps"]]
        assert "robustness" in steps and "reproduce" in steps
    assert loaded[0] is loaded[1] is loaded[2]  # loaded once for the batch
    # without a cache (e.g. plain papermill) the notebook evaluates the folder itself
    plain = content.report_evaluation(folder, settings, normalise=None, aggregate=None)
    assert plain.dataset is not loaded[0]
    # a changed input file: the cache is not used and the dataset is loaded again
    copy = tmp_path / "copy"
    import shutil

    shutil.copytree(KUTAI, copy)
    copy_ev = evaluate(copy.resolve())
    copy_cache = tmp_path / "copy.cache"
    content.write_cache(copy_ev, copy_cache)
    first = content.report_evaluation(str(copy.resolve()), cache=copy_cache)
    obs = copy / "observations.csv"
    obs.write_bytes(obs.read_bytes() + b"\n")
    again = content.report_evaluation(str(copy.resolve()), cache=copy_cache)
    assert again.dataset is not first.dataset
    assert content.read_cache(copy_cache, again) is None
