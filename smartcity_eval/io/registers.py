"""The regional office's own registers: masterplan programmes, their status, owners and
supporting documents.

Four optional tables of a dataset folder (each ``.csv`` or ``.xlsx``; data/README.md):

- ``programmes``: region, code, name, element (a framework node: the pillar element the
  programme serves), department (the owning "perangkat daerah pengampu"), start, end
  (years of the masterplan), and optionally name_id, quick_win (yes/no, ya/tidak), budget.
- ``programme_status``: region, year, programme, status (planned / ongoing / done /
  dropped; Indonesian words such as "berjalan", "selesai", "dibatalkan" are accepted), note.
- ``owners``: region, code (a framework node), department, for items not tied to a programme.
- ``evidence``: region, year, code (a programme of that region or a framework node),
  document, kind (regulation, institution, budget, application inventory, survey, report,
  other), status (available / missing / outdated; "tersedia", "belum ada", "kedaluwarsa"
  ...), and optionally department (default: the owner), dimension (one of Kominfo's five
  evaluation dimensions), due (a date, YYYY-MM-DD or DD/MM/YYYY) and link.

Kominfo's evaluation assesses the region's own masterplan programmes, each owned by a
department, and assessors verify the self-assessment against uploaded supporting documents
(Kebumen, Ambon and Kutai Timur pages cited in docs/registers.md).

Every problem is a :class:`~smartcity_eval.errors.Problem` with file, row, column and fix;
a department written two ways ("Dinas Kominfo" and "dinas  kominfo.") is an error, like a
region spelled two ways.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from smartcity_eval import vocab
from smartcity_eval.errors import WARNING, DataError, Problem, did_you_mean, did_you_mean_id
from smartcity_eval.io.checks import (
    check_duplicates,
    check_known,
    check_regions_observed,
    check_required_text,
)
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.io.numbers import parse_numbers, parse_years
from smartcity_eval.io.tables import ROW, find_table, read_table

__all__ = [
    "REGISTER_SCHEMAS",
    "REGISTERS",
    "PROGRAMME_WORDS",
    "EVIDENCE_WORDS",
    "KIND_WORDS",
    "STAGE_WORDS",
    "read_stages",
    "department_key",
    "empty_registers",
    "read_registers",
]

REGISTER_SCHEMAS: dict[str, tuple[list[str], list[str]]] = {
    "programmes": (
        ["region", "code", "name", "element", "department", "start", "end"],
        ["name_id", "quick_win", "budget", "note"],
    ),
    "programme_status": (["region", "year", "programme", "status"], ["note"]),
    "owners": (["region", "code", "department"], ["note"]),
    "evidence": (
        ["region", "year", "code", "document", "kind", "status"],
        ["department", "dimension", "due", "link", "note"],
    ),
}
REGISTERS: tuple[str, ...] = tuple(REGISTER_SCHEMAS)

#: Words accepted for a programme status (lower case), by status.
PROGRAMME_WORDS: dict[str, str] = {
    **{s: s for s in vocab.PROGRAMME_STATUSES},
    "rencana": vocab.PROGRAMME_PLANNED,
    "direncanakan": vocab.PROGRAMME_PLANNED,
    "belum dimulai": vocab.PROGRAMME_PLANNED,
    "not started": vocab.PROGRAMME_PLANNED,
    "berjalan": vocab.PROGRAMME_ONGOING,
    "sedang berjalan": vocab.PROGRAMME_ONGOING,
    "dilaksanakan": vocab.PROGRAMME_ONGOING,
    "running": vocab.PROGRAMME_ONGOING,
    "selesai": vocab.PROGRAMME_DONE,
    "tercapai": vocab.PROGRAMME_DONE,
    "completed": vocab.PROGRAMME_DONE,
    "dibatalkan": vocab.PROGRAMME_DROPPED,
    "batal": vocab.PROGRAMME_DROPPED,
    "dihentikan": vocab.PROGRAMME_DROPPED,
    "cancelled": vocab.PROGRAMME_DROPPED,
}
#: Words accepted for a document status (lower case), by status.
EVIDENCE_WORDS: dict[str, str] = {
    **{s: s for s in vocab.EVIDENCE_STATUSES},
    "tersedia": vocab.EVIDENCE_AVAILABLE,
    "ada": vocab.EVIDENCE_AVAILABLE,
    "lengkap": vocab.EVIDENCE_AVAILABLE,
    "belum ada": vocab.EVIDENCE_MISSING,
    "tidak ada": vocab.EVIDENCE_MISSING,
    "belum tersedia": vocab.EVIDENCE_MISSING,
    "kedaluwarsa": vocab.EVIDENCE_OUTDATED,
    "kadaluarsa": vocab.EVIDENCE_OUTDATED,
    "perlu diperbarui": vocab.EVIDENCE_OUTDATED,
    "usang": vocab.EVIDENCE_OUTDATED,
}
#: Words accepted for a document kind (lower case), by kind.
KIND_WORDS: dict[str, str] = {
    **{k: k for k in vocab.EVIDENCE_KINDS},
    "decree": "regulation",
    "regulation/decree": "regulation",
    "peraturan": "regulation",
    "keputusan": "regulation",
    "regulasi": "regulation",
    "sk": "regulation",
    "kelembagaan": "institution",
    "anggaran": "budget",
    "inventaris aplikasi": "application inventory",
    "survei": "survey",
    "laporan": "report",
    "lainnya": "other",
    "lain-lain": "other",
}
#: Words accepted for the ``stage`` of assessments.csv (lower case), by stage.
STAGE_WORDS: dict[str, str] = {
    **{s: s for s in vocab.STAGES},
    "": vocab.STAGE_ASSESSOR,
    "self-assessment": vocab.STAGE_SELF,
    "self assessment": vocab.STAGE_SELF,
    "mandiri": vocab.STAGE_SELF,
    "penilaian mandiri": vocab.STAGE_SELF,
    "penilaian_mandiri": vocab.STAGE_SELF,
    "asesor": vocab.STAGE_ASSESSOR,
    "penilai": vocab.STAGE_ASSESSOR,
    "evaluator": vocab.STAGE_ASSESSOR,
    "terverifikasi": vocab.STAGE_VERIFIED,
    "verifikasi": vocab.STAGE_VERIFIED,
}


def read_stages(frame: pd.DataFrame, problems: list[Problem]) -> pd.Series:
    """The ``stage`` column of an assessments table mapped onto :data:`vocab.STAGES`
    (empty = ``assessor``; "Mandiri", "penilaian mandiri" = ``self``); an unknown stage is
    a problem with the known ones suggested, never a silent extra assessor."""
    return _vocabulary(frame, "stage", STAGE_WORDS, problems).where(
        lambda s: s != "", vocab.STAGE_ASSESSOR
    )


_DIMENSION_WORDS = {
    **{d: d for d in vocab.EVALUATION_DIMENSIONS},
    "quick_win": "quick win",
    "quickwin": "quick win",
}
_YES = {"yes", "y", "ya", "true", "1", "x"}
_NO = {"no", "n", "tidak", "false", "0", ""}
_DROP_TOKENS = {"kab", "kabupaten", "kota", "pemkab", "pemkot"}


def department_key(name: str) -> str:
    """A department name folded for spotting one department written two ways: accents,
    case, punctuation and spaces ignored, and the words Kab./Kabupaten/Kota/Pemkab
    dropped. ``"Dinas Kominfo, Kab. Kutai Timur"`` -> ``"dinaskominfokutaitimur"``."""
    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    tokens = re.sub(r"[^a-z0-9]+", " ", folded.lower()).split()
    return "".join(t for t in tokens if t not in _DROP_TOKENS)


def empty_registers() -> dict[str, pd.DataFrame]:
    """Every register table, empty, with its typed columns."""
    out: dict[str, pd.DataFrame] = {}
    for table, (required, optional) in REGISTER_SCHEMAS.items():
        frame = pd.DataFrame({c: pd.Series(dtype="str") for c in required + optional})
        for col in ("year", "start", "end"):
            if col in frame.columns:
                frame[col] = pd.Series(dtype="int64")
        if table == "programmes":
            frame["quick_win"] = pd.Series(dtype="bool")
            frame["budget"] = pd.Series(dtype="float64")
        if table == "evidence":
            frame["due"] = pd.Series(dtype="datetime64[ns]")
        frame[ROW] = pd.Series(dtype="int64")
        out[table] = frame
    return out


def _vocabulary(
    frame: pd.DataFrame, column: str, words: dict[str, str], problems: list[Problem]
) -> pd.Series:
    """The column mapped through ``words`` (case and spaces ignored); an unknown word is a
    problem with the closest accepted word suggested."""
    folded = frame[column].astype(str).str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    mapped = folded.map(words)
    bad = mapped.isna() & (folded != "")
    known = list(dict.fromkeys(words.values()))
    for i in np.flatnonzero(bad.to_numpy()):
        cell = str(frame[column].iloc[i])
        guess = difflib.get_close_matches(folded.iloc[i], list(words), n=1, cutoff=0.6)
        fix = f"did you mean '{words[guess[0]]}'?" if guess else did_you_mean(cell, known)
        fix_id = f"maksud Anda '{words[guess[0]]}'?" if guess else did_you_mean_id(cell, known)
        listed = ", ".join(known)
        problems.append(
            Problem(
                frame.attrs.get("file"),
                int(frame[ROW].iloc[i]),
                column,
                f"'{cell}' is not a known {column} (use one of: {listed})",
                fix,
                f"'{cell}' bukan {column} yang dikenal (gunakan salah satu: {listed})",
                fix_id,
            )
        )
    return mapped.fillna("").astype(str)


def _read(path: Path, table: str, problems: list[Problem]) -> pd.DataFrame:
    required, optional = REGISTER_SCHEMAS[table]
    raw = read_table(path, required=required, optional=optional, name=table, problems=problems)
    out = pd.DataFrame(index=raw.index)
    for col in raw.columns:
        out[col] = raw[col].astype(str)
    out.attrs.update(raw.attrs)
    return out


def _years(frame: pd.DataFrame, column: str, problems: list[Problem]) -> None:
    frame[column] = parse_years(frame, column, problems)


def _flag(
    frame: pd.DataFrame,
    mask: np.ndarray,
    column: str,
    problems: list[Problem],
    texts: Callable[[int], tuple[str, str, str, str]],
) -> None:
    """One problem per row of ``mask``: ``texts(i)`` = (message, fix, message_id, fix_id)."""
    for i in np.flatnonzero(mask):
        problems.append(
            Problem(frame.attrs.get("file"), int(frame[ROW].iloc[i]), column, *texts(int(i)))
        )


def _check_nodes(
    frame: pd.DataFrame, column: str, nodes: list[str], problems: list[Problem]
) -> None:
    """Every code of ``column`` is a node of the dataset's frameworks."""
    if nodes:
        check_known(
            frame,
            column,
            nodes,
            problems,
            "node",
            where="not a node of the framework",
            where_id="bukan simpul kerangka",
        )


def _programmes(frame: pd.DataFrame, nodes: list[str], problems: list[Problem]) -> pd.DataFrame:
    check_required_text(frame, ["region", "code", "name", "element", "department"], problems)
    _years(frame, "start", problems)
    _years(frame, "end", problems)
    start, end = frame["start"], frame["end"]
    _flag(
        frame,
        (end < start).to_numpy(),
        "end",
        problems,
        lambda i: (
            f"the programme ends ({int(end.iloc[i])}) before it starts ({int(start.iloc[i])})",
            "swap the start and end years, or correct one of them",
            f"program berakhir ({int(end.iloc[i])}) sebelum dimulai ({int(start.iloc[i])})",
            "tukar tahun mulai dan tahun selesai, atau perbaiki salah satunya",
        ),
    )
    _check_nodes(frame, "element", nodes, problems)
    quick = frame["quick_win"].str.strip().str.lower()
    cells = frame["quick_win"]
    _flag(
        frame,
        (~quick.isin(_YES | _NO)).to_numpy(),
        "quick_win",
        problems,
        lambda i: (
            f"'{cells.iloc[i]}' is not yes or no",
            "write yes (ya) for a quick-win programme, no (tidak) or nothing otherwise",
            f"'{cells.iloc[i]}' bukan ya atau tidak",
            "tulis ya (yes) untuk program quick win, tidak (no) atau kosongkan bila bukan",
        ),
    )
    frame["quick_win"] = quick.isin(_YES)
    frame["budget"] = parse_numbers(frame, "budget", problems)
    frame["year"] = frame["start"]  # for check_duplicates' usable-key test
    check_duplicates(frame, ["region", "code"], problems, "programme")
    return frame.drop(columns="year")


def _status(frame: pd.DataFrame, programmes: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    check_required_text(frame, ["region", "programme", "status"], problems)
    _years(frame, "year", problems)
    frame["status"] = _vocabulary(frame, "status", PROGRAMME_WORDS, problems)
    _known_programmes(frame, "programme", programmes, problems, allow_nodes=())
    check_duplicates(frame, ["region", "year", "programme"], problems, "status")
    return frame


def _known_programmes(
    frame: pd.DataFrame,
    column: str,
    programmes: pd.DataFrame,
    problems: list[Problem],
    allow_nodes: list[str] | tuple[str, ...],
) -> None:
    """Every code of ``column`` is a programme of the row's region (or a framework node)."""
    known = {(r, c) for r, c in zip(programmes["region"], programmes["code"], strict=True)}
    codes = sorted(set(programmes["code"]))
    nodes = set(allow_nodes)
    for i, (region, code) in enumerate(zip(frame["region"], frame[column], strict=True)):
        if code == "" or code in nodes or (region, code) in known:
            continue
        elsewhere = code in codes
        what = "node or programme" if allow_nodes else "programme"
        what_id = "simpul atau program" if allow_nodes else "program"
        if elsewhere:
            message = f"programme '{code}' is registered for another region, not for '{region}'"
            message_id = f"program '{code}' terdaftar untuk wilayah lain, bukan '{region}'"
        else:
            message = f"unknown {what} '{code}' (not in programmes.csv" + (
                " nor the framework)" if allow_nodes else ")"
            )
            message_id = f"{what_id} '{code}' tidak dikenal (tidak ada di programmes.csv" + (
                " maupun kerangka)" if allow_nodes else ")"
            )
        guess = did_you_mean(code, codes + sorted(nodes)) if (codes or nodes) else ""
        guess_id = did_you_mean_id(code, codes + sorted(nodes)) if (codes or nodes) else ""
        problems.append(
            Problem(
                frame.attrs.get("file"),
                int(frame[ROW].iloc[i]),
                column,
                message,
                f"add the programme to programmes.csv, or correct the code ({guess})"
                if guess
                else "add the programme to programmes.csv, or correct the code",
                message_id,
                f"tambahkan program itu ke programmes.csv, atau perbaiki kodenya ({guess_id})"
                if guess_id
                else "tambahkan program itu ke programmes.csv, atau perbaiki kodenya",
            )
        )


def _due_dates(frame: pd.DataFrame, problems: list[Problem]) -> pd.Series:
    text = frame["due"].astype(str).str.strip()
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    dmy = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    due = iso.fillna(dmy)
    _flag(
        frame,
        (due.isna() & (text != "")).to_numpy(),
        "due",
        problems,
        lambda i: (
            f"'{text.iloc[i]}' is not a date",
            "write the date as YYYY-MM-DD (e.g. 2024-10-15) or DD/MM/YYYY",
            f"'{text.iloc[i]}' bukan tanggal",
            "tulis tanggal sebagai YYYY-MM-DD (mis. 2024-10-15) atau DD/MM/YYYY",
        ),
    )
    return due


def _evidence(
    frame: pd.DataFrame, programmes: pd.DataFrame, nodes: list[str], problems: list[Problem]
) -> pd.DataFrame:
    check_required_text(frame, ["region", "code", "document", "kind", "status"], problems)
    _years(frame, "year", problems)
    frame["kind"] = _vocabulary(frame, "kind", KIND_WORDS, problems)
    frame["status"] = _vocabulary(frame, "status", EVIDENCE_WORDS, problems)
    frame["dimension"] = _vocabulary(frame, "dimension", _DIMENSION_WORDS, problems)
    frame["due"] = _due_dates(frame, problems)
    _known_programmes(frame, "code", programmes, problems, allow_nodes=nodes or ("",))
    check_duplicates(frame, ["region", "year", "code", "document"], problems, "document")
    return frame


def _department_spellings(
    tables: dict[str, pd.DataFrame], problems: list[Problem], warnings: list[Problem]
) -> None:
    """One department written two ways across programmes, owners and evidence: names equal
    once case, punctuation, spaces and Kab./Kota are ignored are an error (the spelling on
    more rows is suggested); names 90 % alike are a warning."""
    seen: dict[str, tuple[str, int]] = {}  # name -> (file, first row)
    counts: dict[str, int] = {}
    for table in ("programmes", "owners", "evidence"):
        frame = tables[table]
        for name, row in zip(frame["department"], frame[ROW], strict=True):
            if not name:
                continue
            counts[name] = counts.get(name, 0) + 1
            seen.setdefault(name, (str(frame.attrs.get("file", f"{table}.csv")), int(row)))
    groups: dict[str, list[str]] = {}
    for name in seen:
        groups.setdefault(department_key(name), []).append(name)
    for names in groups.values():
        names.sort(key=lambda n: (-counts[n], -len(n), n))
        for other in names[1:]:
            file, row = seen[other]
            problems.append(
                Problem(
                    file,
                    row,
                    "department",
                    f"'{other}' and '{names[0]}' look like one department written two ways",
                    f"use one spelling everywhere, e.g. '{names[0]}' (the one on more rows)",
                    f"'{other}' dan '{names[0]}' tampaknya satu perangkat daerah yang ditulis "
                    "dua cara",
                    f"gunakan satu ejaan di mana-mana, mis. '{names[0]}'",
                )
            )
    mains = sorted(g[0] for g in groups.values())
    for x, a in enumerate(mains):
        for b in mains[x + 1 :]:
            ka, kb = department_key(a), department_key(b)
            if len(ka) >= 8 and difflib.SequenceMatcher(None, ka, kb).ratio() >= 0.9:
                file, row = seen[b]
                warnings.append(
                    Problem(
                        file,
                        row,
                        "department",
                        f"'{b}' and '{a}' are very similar department names",
                        "if they are one department, use one spelling",
                        f"'{b}' dan '{a}' adalah nama perangkat daerah yang sangat mirip",
                        "bila keduanya satu perangkat daerah, gunakan satu ejaan",
                        WARNING,
                    )
                )


def _finish(frame: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    keep = np.ones(len(frame), dtype=bool)
    for key in keys:
        keep &= frame[key].notna().to_numpy()
    out = frame[keep].copy()
    for key in keys:
        out[key] = out[key].astype("int64")
    return out.reset_index(drop=True)


def read_registers(
    folder: Path,
    frameworks: dict[str, Framework],
    regions: list[str],
    files: dict[str, Path],
    problems: list[Problem],
    warnings: list[Problem],
) -> dict[str, pd.DataFrame]:
    """Every register table of ``folder`` (empty when absent), read and checked, with the
    regions checked against ``regions`` (the observations'). Problems are appended."""
    tables = empty_registers()
    nodes = list(dict.fromkeys(c for fw in frameworks.values() for c in fw.nodes.index))
    for table in REGISTERS:
        try:
            path = find_table(folder, table)
            if path is None:
                continue
            files[table] = path
            frame = _read(path, table, problems)
        except DataError as err:
            problems.extend(err.problems)
            continue
        if table == "programmes":
            frame = _programmes(frame, nodes, problems)
        elif table == "programme_status":
            frame = _status(frame, tables["programmes"], problems)
        elif table == "owners":
            check_required_text(frame, ["region", "code", "department"], problems)
            _check_nodes(frame, "code", nodes, problems)
            frame["year"] = 0
            check_duplicates(frame, ["region", "code"], problems, "owner")
            frame = frame.drop(columns="year")
        else:
            frame = _evidence(frame, tables["programmes"], nodes, problems)
        if regions:
            check_regions_observed(frame, regions, problems)
        keys = {
            "programmes": ("start", "end"),
            "programme_status": ("year",),
            "evidence": ("year",),
        }.get(table, ())
        tables[table] = _finish(frame, keys)
    _department_spellings(tables, problems, warnings)
    _default_departments(tables)
    return tables


def _default_departments(tables: dict[str, pd.DataFrame]) -> None:
    """A document's department defaults to the owner of what it supports."""
    evidence = tables["evidence"]
    if evidence.empty:
        return
    owner = {
        (r, c): d
        for table, col in (("owners", "code"), ("programmes", "code"))
        for r, c, d in zip(
            tables[table]["region"], tables[table][col], tables[table]["department"], strict=True
        )
    }
    filled = [
        d or owner.get((r, c), "")
        for r, c, d in zip(
            evidence["region"], evidence["code"], evidence["department"], strict=True
        )
    ]
    evidence["department"] = filled
