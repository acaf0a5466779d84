"""Checks of the typed tables of a dataset, within a table and across tables.

Each check appends :class:`~smartcity_eval.errors.Problem` objects to a list (errors) or to
``warnings`` (problems that do not stop the data from being used) and never raises, so that
the loader reports every problem of every table at once. Vectorised with ``pd.factorize``:
the embedded assessments table has 771,000 cells.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

from smartcity_eval.errors import WARNING, Problem, did_you_mean, did_you_mean_id
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.io.numbers import closest_year
from smartcity_eval.io.tables import ROW

__all__ = [
    "Codes",
    "region_key",
    "check_required_text",
    "check_duplicates",
    "check_known",
    "check_regions_observed",
    "check_bounds",
    "check_indicators",
    "check_region_spellings",
    "check_years_known",
]


_WHAT_ID = {
    "value": "nilai",
    "score": "skor",
    "target": "target",
    "region": "wilayah",
    "indicator": "indikator",
    "assessor": "penilai",
    "code": "kode",
    "node": "simpul",
    "year": "tahun",
}


def check_required_text(frame: pd.DataFrame, columns: list[str], problems: list[Problem]) -> None:
    file = frame.attrs.get("file")
    rows = frame[ROW].to_numpy()
    for col in columns:
        empty = np.flatnonzero((frame[col].astype(str) == "").to_numpy())
        col_id = _WHAT_ID.get(col, col)
        for i in empty:
            if col == "assessor":
                fix = "write who gave this score (an assessor's name or code, or 'self')"
                fix_id = "tulis siapa yang memberi nilai ini (nama atau kode penilai, atau 'self')"
            else:
                fix = f"fill in the {col}, or delete the row"
                fix_id = f"isi {col_id}, atau hapus barisnya"
            problems.append(
                Problem(
                    file,
                    int(rows[i]),
                    col,
                    f"the {col} is empty",
                    fix,
                    f"{col_id} kosong",
                    fix_id,
                )
            )


def _show_key(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


Codes = dict[str, tuple[np.ndarray, np.ndarray]]


def _codes(frame: pd.DataFrame, column: str, cache: Codes | None) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of a column (codes, distinct values), computed once per table: hashing
    771,000 strings costs about a tenth of a second, and several checks need the same codes."""
    if cache is not None and column in cache:
        return cache[column]
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    result = (np.asarray(codes), np.asarray(uniques, dtype=object))
    if cache is not None:
        cache[column] = result
    return result


def check_duplicates(
    frame: pd.DataFrame,
    keys: list[str],
    problems: list[Problem],
    what: str,
    cache: Codes | None = None,
) -> None:
    """One problem per repeated key (region, year, indicator ...), naming every row. Rows
    without a usable year (reported elsewhere) are skipped. Vectorised: the key columns'
    codes are combined into one integer per row."""
    if frame.empty:
        return
    file = frame.attrs.get("file")
    combined = np.zeros(len(frame), dtype=np.int64)
    for key in keys:
        codes, uniques = _codes(frame, key, cache)
        combined = combined * (len(uniques) + 1) + (codes + 1)
        combined = pd.factorize(combined)[0].astype(np.int64)  # stays below len(frame)
    valid = frame["year"].notna().to_numpy() if "year" in frame.columns else True
    combined = np.where(valid, combined, -1 - np.arange(len(frame)))
    repeated = pd.Series(combined).duplicated(keep=False).to_numpy()
    if not repeated.any():
        return
    dup = frame[repeated]
    for _, group in dup.groupby(keys, sort=False, dropna=False):
        rows = sorted(int(r) for r in group[ROW])
        desc = ", ".join(f"{k} {_show_key(group[k].iloc[0])}" for k in keys)
        listed = ", ".join(map(str, rows[:-1])) + f" and {rows[-1]}"
        listed_id = ", ".join(map(str, rows[:-1])) + f" dan {rows[-1]}"
        times = "twice" if len(rows) == 2 else f"{len(rows)} times"
        times_id = "dua kali" if len(rows) == 2 else f"{len(rows)} kali"
        problems.append(
            Problem(
                file,
                rows[1],
                keys[-1],
                f"{what} given {times} ({desc}): rows {listed}",
                "keep one of these rows and delete the other"
                + ("s" if len(rows) > 2 else "")
                + " (or correct its region, year or code)",
                f"{_WHAT_ID.get(what, what)} diberikan {times_id} ({desc}): baris {listed_id}",
                "simpan satu baris dan hapus yang lain (atau perbaiki wilayah, tahun atau kodenya)",
            )
        )


def _rows_text(rows: list[int], limit: int = 10) -> str:
    shown = ", ".join(map(str, rows[:limit]))
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


def check_known(
    frame: pd.DataFrame,
    column: str,
    known: list[str],
    problems: list[Problem],
    what: str,
    allow: tuple[str, ...] = (),
    where: str = "",
    where_id: str = "",
    aggregates: dict[str, list[str]] | None = None,
    cache: Codes | None = None,
) -> None:
    """One problem for every distinct cell of ``column`` that is not among ``known`` (empty
    cells are reported elsewhere), on its first row and naming every row, with the closest
    known name suggested. ``aggregates`` (code -> children) explains a value given for an
    aggregate node where only indicators are allowed."""
    if frame.empty:
        return
    file = frame.attrs.get("file")
    codes, uniques = _codes(frame, column, cache)
    accepted = set(known) | set(allow) | {""}
    bad = [b for b, value in enumerate(uniques) if str(value) not in accepted]
    if not bad:
        return
    what_id = _WHAT_ID.get(what, what)
    all_rows = frame[ROW].to_numpy()
    rows_by_value: dict[str, list[int]] = {
        str(uniques[b]): sorted(int(r) for r in all_rows[codes == b]) for b in bad
    }
    rows_by_value = dict(sorted(rows_by_value.items(), key=lambda item: item[1][0]))
    for cell, rows in rows_by_value.items():
        rows_en = f"rows {_rows_text(rows)}" if len(rows) > 1 else ""
        rows_id = (
            "baris " + _rows_text(rows).replace(" more", " lagi").replace(" and ", " dan ")
            if len(rows) > 1
            else ""
        )
        on_rows = f" ({rows_en})" if rows_en else ""
        on_rows_id = f" ({rows_id})" if rows_id else ""
        detail = "; ".join(x for x in (where, rows_en) if x)
        detail_id = "; ".join(x for x in (where_id, rows_id) if x)
        if aggregates is not None and cell in aggregates:
            children = ", ".join(aggregates[cell][:6]) + (
                ", ..." if len(aggregates[cell]) > 6 else ""
            )
            problems.append(
                Problem(
                    file,
                    rows[0],
                    column,
                    f"'{cell}' is not an indicator but an aggregate of the framework, computed "
                    f"from {children}{on_rows}",
                    "give values for its indicators only; an officially published value for "
                    f"'{cell}' belongs in published.csv",
                    f"'{cell}' bukan indikator melainkan agregat dalam kerangka, dihitung dari "
                    f"{children}{on_rows_id}",
                    "isi nilai untuk indikatornya saja; nilai resmi yang dipublikasikan untuk "
                    f"'{cell}' dimasukkan ke published.csv",
                )
            )
            continue
        problems.append(
            Problem(
                file,
                rows[0],
                column,
                f"unknown {what} '{cell}'" + (f" ({detail})" if detail else ""),
                did_you_mean(cell, known),
                f"{what_id} '{cell}' tidak dikenal" + (f" ({detail_id})" if detail_id else ""),
                did_you_mean_id(cell, known),
            )
        )


def _aggregates(frameworks: dict[str, Framework]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for fw in frameworks.values():
        for code in fw.aggregates:
            out.setdefault(code, fw.children(code))
    return out


def check_regions_observed(
    frame: pd.DataFrame, regions: list[str], problems: list[Problem], allow: tuple[str, ...] = ()
) -> None:
    """:func:`check_known` of ``frame``'s region column against ``regions``, the regions of
    observations.csv (``allow``: other accepted cells, e.g. the ``*`` of targets.csv)."""
    check_known(
        frame,
        "region",
        regions,
        problems,
        "region",
        allow=allow,
        where="not in observations.csv",
        where_id="tidak ada di observations.csv",
    )


def check_bounds(
    frame: pd.DataFrame,
    code_col: str,
    value_col: str,
    frameworks: dict[str, Framework],
    problems: list[Problem],
    cache: Codes | None = None,
) -> None:
    """Values outside their indicator's scale (``lower``/``upper`` of the framework)."""
    if frame.empty:
        return
    lower: dict[str, float] = {}
    upper: dict[str, float] = {}
    for fw in frameworks.values():
        for code, lo, hi in zip(fw.nodes.index, fw.nodes["lower"], fw.nodes["upper"], strict=True):
            lower.setdefault(str(code), float(lo))
            upper.setdefault(str(code), float(hi))
    codes = frame[code_col].astype(str)
    index, uniques = _codes(frame, code_col, cache)
    lo = np.array([lower.get(str(u), np.nan) for u in uniques] + [np.nan])[index]
    hi = np.array([upper.get(str(u), np.nan) for u in uniques] + [np.nan])[index]
    values = frame[value_col].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        outside = (~np.isnan(lo) & (values < lo)) | (~np.isnan(hi) & (values > hi))
    if not outside.any():
        return
    file = frame.attrs.get("file")
    rows = frame[ROW].to_numpy()
    for i in np.flatnonzero(outside):
        value, code, a, b = values[i], codes.iloc[i], lo[i], hi[i]
        scale = (
            f"{a:g} to {b:g}"
            if not (np.isnan(a) or np.isnan(b))
            else (f"at least {a:g}" if not np.isnan(a) else f"at most {b:g}")
        )
        scale_id = (
            f"{a:g} sampai {b:g}"
            if not (np.isnan(a) or np.isnan(b))
            else (f"paling kecil {a:g}" if not np.isnan(a) else f"paling besar {b:g}")
        )
        problems.append(
            Problem(
                file,
                int(rows[i]),
                value_col,
                f"{value:g} is outside the scale of '{code}' ({scale})",
                f"use a value from the scale ({scale}), or leave the cell empty if unknown",
                f"{value:g} di luar skala '{code}' ({scale_id})",
                f"gunakan nilai dalam skala ({scale_id}), atau kosongkan sel bila tidak diketahui",
            )
        )


_PREFIXES = {
    "kab": "kabupaten",
    "kabupaten": "kabupaten",
    "pemkab": "kabupaten",
    "regency": "kabupaten",
    "kot": "kota",
    "kota": "kota",
    "kodya": "kota",
    "kotamadya": "kota",
    "pemkot": "kota",
    "city": "kota",
    "prov": "provinsi",
    "propinsi": "provinsi",
    "provinsi": "provinsi",
    "province": "provinsi",
}


def region_key(name: str) -> tuple[str, str]:
    """(kind, body) of a region name for spotting one region spelled two ways: accents,
    case, punctuation and spaces ignored, and the usual abbreviations of the kind expanded
    (``Kab.`` = ``Kabupaten``, ``Kodya`` = ``Kota``, ``Prov.`` = ``Provinsi``).
    ``"Kab. Kutai  Timur"`` -> ``("kabupaten", "kutaitimur")``."""
    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    tokens = re.sub(r"[^a-z0-9]+", " ", folded.lower()).split()
    kind = ""
    if tokens and tokens[0] in _PREFIXES:
        kind = _PREFIXES[tokens.pop(0)]
    return kind, "".join(tokens)


def check_region_spellings(
    frame: pd.DataFrame,
    problems: list[Problem],
    warnings: list[Problem],
    cache: Codes | None = None,
) -> None:
    """One region spelled two ways within a table.

    Decision (documented in README, "When your data is rejected"): names that are equal once
    case, punctuation, spaces and the abbreviations Kab./Kodya/Prov. are ignored
    ("Kab. Kutai Timur" and "Kabupaten Kutai Timur") are an ERROR, because scoring them
    would split one region's data in two. Names that are merely close - one with and one
    without "Kabupaten"/"Kota", or a one- or two-letter difference ("Kutai Timur" and
    "Kutai Timor") - are a WARNING only, because real regions can be that close (Kota Batu
    and Kota Baru; Kota Bandung and Kabupaten Bandung are never flagged).
    """
    if frame.empty:
        return
    file = frame.attrs.get("file")
    codes, uniques = _codes(frame, "region", cache)
    present = codes >= 0
    counts = (
        pd.DataFrame({"code": codes[present], "row": frame[ROW].to_numpy()[present]})
        .groupby("code")["row"]
        .agg(["size", "min"])
    )
    counts.index = [str(uniques[c]) for c in counts.index]
    counts = counts[counts.index != ""].sort_index()
    names = [str(n) for n in counts.index]
    if len(names) < 2:
        return
    keys = {n: region_key(n) for n in names}
    groups: dict[tuple[str, str], list[str]] = {}
    for n in names:
        groups.setdefault(keys[n], []).append(n)

    code_of = {str(u): i for i, u in enumerate(uniques)}
    by_code: dict[int, np.ndarray] = {}

    def rows_of(name: str) -> str:
        if not by_code:  # once, and only when a region is spelled two ways
            order = np.argsort(codes, kind="stable")
            bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
            rows_all = frame[ROW].to_numpy()[order]
            by_code.update({c: rows_all[bounds[c] : bounds[c + 1]] for c in range(len(uniques))})
        rows = sorted(int(r) for r in by_code[code_of[name]])
        return ", ".join(map(str, rows[:5])) + (", ..." if len(rows) > 5 else "")

    _same_region_spelled_twice(groups, counts, rows_of, file, problems)
    _similar_region_names(groups, keys, counts, file, warnings)


def _same_region_spelled_twice(
    groups: dict[tuple[str, str], list[str]],
    counts: pd.DataFrame,
    rows_of: Callable[[str], str],
    file: str | None,
    problems: list[Problem],
) -> None:
    """Errors: names equal once case, punctuation, spaces and abbreviations are ignored."""
    for spellings in groups.values():
        if len(spellings) < 2:
            continue
        # the spelling on more rows wins; on a tie the longer (unabbreviated) one
        spellings.sort(key=lambda n: (-int(counts.at[n, "size"]), -len(n), n))
        main = spellings[0]
        more = int(counts.at[main, "size"]) > int(counts.at[spellings[1], "size"])
        why = "the one on more rows" if more else "the longer spelling"
        why_id = "yang dipakai di lebih banyak baris" if more else "ejaan yang lebih lengkap"
        for other in spellings[1:]:
            problems.append(
                Problem(
                    file,
                    int(counts.at[other, "min"]),
                    "region",
                    f"'{other}' (rows {rows_of(other)}) and '{main}' (rows {rows_of(main)}) look "
                    "like one region spelled two ways",
                    f"use one spelling everywhere, e.g. '{main}' ({why})",
                    f"'{other}' (baris {rows_of(other)}) dan '{main}' (baris {rows_of(main)}) "
                    "tampaknya satu wilayah yang ditulis dua cara",
                    f"gunakan satu ejaan di mana-mana, mis. '{main}' ({why_id})",
                )
            )


def _variant_buckets(distinct: list[str], keys: dict[str, tuple[str, str]]) -> list[list[int]]:
    """The indices of the names (bodies of 6 letters or more) that share a (kind, body with
    at most one letter deleted) variant, for each variant shared by 2 to 50 names; the
    variants are grouped with ``pd.factorize``, so only the shared ones reach Python."""
    owner: list[int] = []
    variants: list[str] = []
    for i, name in enumerate(distinct):
        kind, body = keys[name]
        if len(body) >= 6:
            found = {body} | {body[:k] + body[k + 1 :] for k in range(len(body))}
            variants.extend(f"{kind}\x00{v}" for v in found)
            owner.extend([i] * len(found))
    if not variants:
        return []
    codes, _ = pd.factorize(pd.Series(variants, dtype=object))
    sizes = np.bincount(codes)
    keep = np.flatnonzero((sizes[codes] > 1) & (sizes[codes] <= 50))
    if keep.size == 0:
        return []
    order = keep[np.argsort(codes[keep], kind="stable")]
    owners = np.asarray(owner)[order]
    starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])
    return [
        owners[a:b].tolist() for a, b in zip(starts, np.r_[starts[1:], order.size], strict=True)
    ]


def _unnumbered_pairs(members: list[int], letters: list[str]) -> list[tuple[int, int]]:
    """The pairs (a < b) of ``members`` whose letters (digits removed) differ."""
    by_letters: dict[str, list[int]] = {}
    for m in members:
        by_letters.setdefault(letters[m], []).append(m)
    if len(by_letters) < 2:
        return []
    groups = list(by_letters.values())
    return [
        (min(a, b), max(a, b))
        for x, first in enumerate(groups)
        for second in groups[x + 1 :]
        for a in first
        for b in second
    ]


def _similar_region_names(
    groups: dict[tuple[str, str], list[str]],
    keys: dict[str, tuple[str, str]],
    counts: pd.DataFrame,
    file: str | None,
    warnings: list[Problem],
) -> None:
    """Warnings: names one or two letters apart, or with and without the kind."""
    # near-duplicates: warnings only. Candidate pairs share a one-letter-deletion variant
    # (a symmetric-delete index, so no quadratic loop); names that differ only in their
    # digits ("Wilayah 01", "Wilayah 02") are numbered, not misspelled, so within a variant
    # only names with different letters (digits removed) are paired: 5,000 numbered
    # regions give no pair at all instead of about 240,000 that were built and then dropped.
    distinct = [g[0] for g in groups.values()]
    by_body: dict[str, list[int]] = {}
    for i, name in enumerate(distinct):
        by_body.setdefault(keys[name][1], []).append(i)
    letters = [re.sub(r"\d", "", keys[name][1]) for name in distinct]
    candidates: set[tuple[int, int]] = set()
    for members in by_body.values():
        if 1 < len(members) <= 50:
            candidates.update((a, b) for x, a in enumerate(members) for b in members[x + 1 :])
    for members in _variant_buckets(distinct, keys):
        candidates.update(_unnumbered_pairs(members, letters))
    for i, j in sorted(candidates):
        a, b = distinct[i], distinct[j]
        ka, kb = keys[a], keys[b]
        if ka[1] == kb[1]:
            close = (ka[0] == "") != (kb[0] == "")
        else:
            numbered = letters[i] == letters[j]
            close = (
                ka[0] == kb[0]
                and not numbered
                and difflib.SequenceMatcher(None, ka[1], kb[1]).ratio() >= 0.9
            )
        if close:
            first, second = sorted((a, b), key=lambda n: int(counts.at[n, "min"]))
            warnings.append(
                Problem(
                    file,
                    int(counts.at[second, "min"]),
                    "region",
                    f"'{second}' and '{first}' are very similar names; if they are the same "
                    "region, its data is split in two",
                    "if they are one region, use one spelling; if they are two regions, "
                    "nothing needs to change",
                    f"'{second}' dan '{first}' sangat mirip; bila keduanya wilayah yang sama, "
                    "datanya terbelah dua",
                    "bila satu wilayah, gunakan satu ejaan; bila memang dua wilayah, tidak "
                    "perlu diubah",
                    WARNING,
                )
            )


def check_years_known(
    frame: pd.DataFrame, years: set[int], warnings: list[Problem], table: str
) -> None:
    """A warning for each year of ``frame`` without any observation (cannot be scored)."""
    if frame.empty or not years:
        return
    file = frame.attrs.get("file")
    known = sorted(years)
    shown = ", ".join(map(str, known))
    for year, group in frame[frame["year"].notna()].groupby("year"):
        if int(year) in years:
            continue
        rows = sorted(int(r) for r in group[ROW])
        best = closest_year(int(year), known)
        warnings.append(
            Problem(
                file,
                rows[0],
                "year",
                f"year {int(year)} has no observations (observations.csv has {shown}); the "
                f"{len(rows)} row(s) of {table} for it cannot be compared with computed scores",
                f"did you mean {best}?" if best else "add the observations of that year",
                f"tahun {int(year)} tidak punya observasi (observations.csv berisi {shown})",
                f"maksud Anda {best}?" if best else "tambahkan observasi tahun itu",
                WARNING,
            )
        )


def _leaves(frameworks: dict[str, Framework]) -> list[str]:
    return list(dict.fromkeys(c for fw in frameworks.values() for c in fw.indicators))


def check_indicators(
    frame: pd.DataFrame,
    column: str,
    frameworks: dict[str, Framework],
    problems: list[Problem],
    cache: Codes,
) -> None:
    """Every ``indicator`` is a leaf of a framework and its ``column`` within the bounds."""
    check_known(
        frame,
        "indicator",
        _leaves(frameworks),
        problems,
        "indicator",
        where="not an indicator of the framework",
        where_id="bukan indikator kerangka",
        aggregates=_aggregates(frameworks),
        cache=cache,
    )
    check_bounds(frame, "indicator", column, frameworks, problems, cache)
