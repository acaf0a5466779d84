"""A dataset skeleton as Excel workbooks, for an office that brings its own data.

:func:`write_template` writes into a new folder:

- ``dataset.toml`` (title, framework, language);
- ``items.xlsx``: the item list of the chosen framework, names in English and Indonesian,
  scale and unit (for reference; not read by the loader);
- ``assessments.xlsx``: the self-assessment ("penilaian mandiri"): one row per region, year
  and item, the ``score`` column with a drop-down of the item's levels (1-5 for Kominfo's
  maturity levels); assessors may add their own rows (stage ``assessor``);
- ``observations.xlsx`` (the verified values), ``targets.xlsx``, ``programmes.xlsx``, ``programme_status.xlsx``, ``owners.xlsx``,
  ``evidence.xlsx``: the header only.

Every workbook's first sheet is the table (named like it, header on row 1, as the loader
wants; each header cell carries a comment explaining the column) and a second sheet
``petunjuk`` (instructions) lists the columns with their meaning in both languages. With
``lang="id"`` the headers are the Indonesian names the loader accepts
(:data:`smartcity_eval.io.tables.ALIASES`: wilayah, tahun, indikator, nilai ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from smartcity_eval.errors import DataError, Problem
from smartcity_eval.io.frameworks import Framework
from smartcity_eval.io.outputs import atomic_path
from smartcity_eval.io.registers import REGISTER_SCHEMAS
from smartcity_eval.io.tables import ALIASES

__all__ = ["COLUMN_HELP", "write_template"]

#: column -> (English, Indonesian) explanation.
COLUMN_HELP: dict[str, tuple[str, str]] = {
    "region": ("the region, spelled the same everywhere", "nama daerah, ejaan sama di semua tabel"),
    "year": ("evaluation year, four digits", "tahun evaluasi, empat angka"),
    "indicator": ("item code of the framework (items.xlsx)", "kode item kerangka (items.xlsx)"),
    "value": (
        "verified level (drop-down); empty if unknown",
        "level terverifikasi; kosongkan bila tidak diketahui",
    ),
    "code": ("a framework node or programme code", "kode simpul kerangka atau kode program"),
    "target": ("masterplan target on the node's scale", "target masterplan pada skala simpul"),
    "name": ("name in English", "nama dalam bahasa Inggris"),
    "name_id": ("name in Bahasa Indonesia", "nama dalam bahasa Indonesia"),
    "element": (
        "the pillar element (framework node) served",
        "elemen pilar (simpul kerangka) yang didukung",
    ),
    "department": ("owning department (perangkat daerah)", "perangkat daerah pengampu"),
    "start": ("first year of the programme", "tahun mulai program"),
    "end": ("last year of the programme", "tahun selesai program"),
    "quick_win": ("ya/tidak (yes/no)", "ya/tidak"),
    "budget": ("budget, a number (optional)", "anggaran, angka (boleh kosong)"),
    "programme": ("programme code (programmes.xlsx)", "kode program (programmes.xlsx)"),
    "status": ("see the drop-down", "lihat pilihan"),
    "document": ("document title", "judul dokumen"),
    "kind": (
        "regulation, institution, budget, application inventory, survey, report, other",
        "peraturan, kelembagaan, anggaran, inventaris aplikasi, survei, laporan, lainnya",
    ),
    "due": ("due date YYYY-MM-DD (optional)", "tenggat YYYY-MM-DD (boleh kosong)"),
    "link": ("link to the uploaded file (optional)", "tautan berkas yang diunggah (boleh kosong)"),
    "dimension": (
        "baseline, output, outcome, impact or quick win (optional)",
        "baseline, output, outcome, impact atau quick win (boleh kosong)",
    ),
    "note": ("free text", "catatan bebas"),
    "source": ("where the value comes from", "sumber nilai"),
}
_TABLES: dict[str, list[str]] = {
    "observations": ["region", "year", "indicator", "value", "note"],
    "assessments": ["region", "year", "indicator", "assessor", "score", "stage", "evidence"],
    "targets": ["region", "year", "code", "target", "note"],
    **{t: req + [c for c in opt if c != "note"] for t, (req, opt) in REGISTER_SCHEMAS.items()},
}
_STATUS_CHOICES = {
    "programme_status": "planned,ongoing,done,dropped",
    "evidence": "available,missing,outdated",
}
_REVERSE = {ours: theirs for theirs, ours in reversed(list(ALIASES.items()))}
_PREFERRED = {"region": "wilayah", "value": "nilai", "assessor": "asesor"}


def _header(column: str, lang: str) -> str:
    if lang != "id":
        return column
    return _PREFERRED.get(column) or _REVERSE.get(column, column)


def _toml(title: str, framework: str, lang: str) -> str:
    return (
        f'title = "{title}"\n'
        'description = "Filled in from the smartcity-eval template."\n'
        f'framework = "{framework}"\n'
        "illustrative = false\n"
        f'lang = "{lang}"\n'
    )


def _save(book: object, path: Path) -> None:
    with atomic_path(path) as tmp:
        book.save(tmp)  # type: ignore[attr-defined]


def _sheet(table: str, columns: list[str], lang: str):  # -> openpyxl Workbook
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    ws = book.active
    ws.title = table
    for j, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j, value=_header(col, lang))
        cell.font = Font(bold=True)
        en, id_ = COLUMN_HELP.get(col, ("", ""))
        cell.comment = Comment(id_ if lang == "id" else en, "smartcity-eval")
        ws.column_dimensions[cell.column_letter].width = max(12, len(str(cell.value)) + 4)
    if table in _STATUS_CHOICES:
        j = columns.index("status") + 1
        letter = ws.cell(row=1, column=j).column_letter
        dv = DataValidation(type="list", formula1=f'"{_STATUS_CHOICES[table]}"', allow_blank=True)
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}5000")
    help_ws = book.create_sheet("petunjuk")
    help_ws.append(["column / kolom", "meaning", "arti"])
    for col in columns:
        en, id_ = COLUMN_HELP.get(col, ("", ""))
        help_ws.append([_header(col, lang), en, id_])
    return book


def _levels(framework: Framework, code: str) -> tuple[float, float]:
    lo, hi = framework.nodes.at[code, "lower"], framework.nodes.at[code, "upper"]
    return float(lo), float(hi)


def write_template(
    folder: Path | str,
    framework: Framework,
    regions: Sequence[str],
    years: Sequence[int],
    *,
    lang: str = "id",
    title: str = "Smart-city evaluation",
) -> list[Path]:
    """Write the skeleton (module docstring) into ``folder`` (created; refused when it
    holds files); returns the files written."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise DataError(
            Problem(
                str(folder),
                None,
                None,
                "the folder is not empty",
                "give a new folder (the template never overwrites files)",
                "folder tidak kosong",
                "berikan folder baru (templat tidak menimpa berkas)",
            )
        )
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "dataset.toml"]
    written[0].write_text(_toml(title, framework.name, lang), encoding="utf-8")
    items = Workbook()
    ws = items.active
    ws.title = "items"
    ws.append(["code", "parent", "name", "name_id", "unit", "lower", "upper"])
    for code in framework.nodes.index:
        n = framework.nodes.loc[code]
        ws.append(
            [
                str(code),
                str(n["parent"]),
                str(n["name"]),
                str(n["name_id"]),
                str(n["unit"]),
                None if n["lower"] != n["lower"] else float(n["lower"]),
                None if n["upper"] != n["upper"] else float(n["upper"]),
            ]
        )
    _save(items, folder / "items.xlsx")
    written.append(folder / "items.xlsx")
    for table, columns in _TABLES.items():
        book = _sheet(table, columns, lang)
        if table == "assessments":
            sheet = book[table]
            rows = [(r, y, i) for r in regions for y in years for i in framework.indicators]
            stage = "penilaian mandiri" if lang == "id" else "self"
            for region, year, item in rows:
                sheet.append([region, int(year), item, "self", None, stage])
            by_scale: dict[tuple[float, float], list[int]] = {}
            for k, (_, _, item) in enumerate(rows, start=2):
                by_scale.setdefault(_levels(framework, item), []).append(k)
            for (lo, hi), cells in by_scale.items():
                if lo == lo and hi == hi and float(lo).is_integer() and hi - lo <= 10:
                    choices = ",".join(str(v) for v in range(int(lo), int(hi) + 1))
                    dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
                else:
                    dv = DataValidation(
                        type="decimal",
                        operator="between",
                        formula1=str(lo),
                        formula2=str(hi),
                        allow_blank=True,
                    )
                sheet.add_data_validation(dv)
                for k in cells:
                    dv.add(f"E{k}")
        path = folder / f"{table}.xlsx"
        _save(book, path)
        written.append(path)
    return written
