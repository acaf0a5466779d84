"""The record of a report batch: the manifest kept on disk, the skip check, the summary.

:class:`_Recorder` keeps the manifest in memory and rewrites it (and the batch's index page)
atomically after every finished report, so a killed run leaves a readable manifest;
:func:`_is_current` decides from it whether a report can be skipped; :class:`BatchResult`
and :func:`format_summary` are what a batch returns and prints.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smartcity_eval.io.outputs import atomic_write
from smartcity_eval.messages import t
from smartcity_eval.reports import manifest as mf
from smartcity_eval.reports.worker import STAGING_PREFIX, ReportJob

__all__ = ["BatchResult", "default_jobs", "format_summary"]


def default_jobs() -> int:
    """Worker processes by default: the CPUs this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class BatchResult:
    """What a batch did.

    ``results``: one dict per report of the batch (made, failed or skipped) with region,
    year, status (``ok``, ``failed``, ``skipped``), duration_s, error, files (relative to
    ``root``), headline, notes. ``root``: ``<out>/<dataset>``; ``manifest`` and ``index``:
    their paths; ``elapsed_s``: wall time of the batch.
    """

    results: list[dict[str, Any]]
    root: Path
    manifest: Path
    index: Path
    elapsed_s: float
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r["status"] == "failed"]

    @property
    def made(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r["status"] == "ok"]

    @property
    def skipped(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r["status"] == "skipped"]

    @property
    def ok(self) -> bool:
        return not self.failed


def _is_current(job: ReportJob, entry: dict[str, Any] | None, root: Path) -> bool:
    if not entry or entry.get("status") != "ok" or entry.get("key") != job.key:
        return False
    files = entry.get("files", {})
    from smartcity_eval.reports.render import tool_found

    wanted = {"ipynb", "html"} | {f for f in job.formats if f != "html" and tool_found(f)}
    if not wanted <= set(files):
        return False
    return all((root / rel).is_file() for rel in files.values())


def _clean_staging(root: Path) -> None:
    """Remove staging folders left behind by a killed run (``.staging-<pid>-...``: not those
    of a live process, e.g. another batch writing a template's reports under ``root``)."""
    if not root.is_dir():
        return
    staged = [*root.glob(f"*/*/{STAGING_PREFIX}*"), *root.glob(f"*/{STAGING_PREFIX}*")]
    for path in staged:
        if path.is_dir() and not _pid_alive(path.name[len(STAGING_PREFIX) :].split("-")[0]):
            shutil.rmtree(path, ignore_errors=True)


def _pid_alive(text: str) -> bool:
    try:
        pid = int(text)
    except ValueError:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _relative(job: ReportJob, files: dict[str, str], root: Path) -> dict[str, str]:
    folder = Path(job.out_dir).resolve().relative_to(root.resolve())
    return {kind: (folder / name).as_posix() for kind, name in files.items()}


class _Recorder:
    """Keeps the manifest in memory and on disk (atomically after every report)."""

    def __init__(self, root: Path, header: dict[str, Any], previous: dict[str, Any] | None):
        self.root = root
        self.path = root / mf.MANIFEST_NAME
        self.index = root / mf.INDEX_NAME
        self.header = header
        self.entries: dict[str, dict[str, Any]] = {}
        for entry in (previous or {}).get("reports", []):
            with contextlib.suppress(KeyError, TypeError, ValueError):
                self.entries[mf.entry_key(entry["region"], entry["year"])] = entry

    def get(self, job: ReportJob) -> dict[str, Any] | None:
        return self.entries.get(mf.entry_key(job.region, job.year))

    def record(self, job: ReportJob, result: dict[str, Any]) -> None:
        key = mf.entry_key(job.region, job.year)
        old = self.entries.get(key, {})
        files = _relative(job, result.get("files", {}), self.root)
        if result["status"] != "ok":
            # keep pointing at the earlier good report, which stays in place
            kept = {k: v for k, v in old.get("files", {}).items() if k != "failed_ipynb"}
            files = {**kept, **files}
        entry = {
            "region": job.region,
            "year": job.year,
            "slug": job.extra.get("slug", ""),
            "lang": job.lang,
            "parameters": {k: v for k, v in job.parameters.items() if k != "cache"},
            "key": job.key,
            "status": result["status"],
            "error": result.get("error"),
            "duration_s": result.get("duration_s"),
            "finished": mf.now_iso(),
            "files": files,
            "headline": result.get("headline") or (old.get("headline") if old else None),
            "notes": result.get("notes", []),
        }
        self.entries[key] = entry
        result["files"] = files

    def save(self) -> None:
        data = {**self.header, "updated": mf.now_iso(), "reports": list(self.entries.values())}
        headline = next((e["headline"] for e in self.entries.values() if e.get("headline")), None)
        if headline and headline.get("label"):
            data["index_label"] = headline["label"]
        mf.save_manifest(self.path, data)
        atomic_write(self.index, mf.render_index(data, self.header.get("lang", "en")))


def _write_root_index(out: Path, lang: str) -> None:
    items = []
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        data = mf.load_manifest(folder / mf.MANIFEST_NAME)
        if data is not None:
            items.append((folder.name, str(data.get("title") or folder.name), data))
    if items:
        atomic_write(out / mf.INDEX_NAME, mf.render_root_index(items, lang))


def format_summary(result: BatchResult, lang: str = "en") -> str:
    """The summary the command prints at the end of a batch."""
    lines = [
        t(
            "summary.line",
            lang,
            made=len(result.made),
            skipped=len(result.skipped),
            failed=len(result.failed),
            seconds=result.elapsed_s,
        )
    ]
    for r in result.failed:
        where = r["files"].get("failed_ipynb", "")
        what = " ".join(str(v) for v in (r["region"], r["year"]) if v not in ("", None))
        what = what or t("find.every_year", lang)
        lines.append(f"  {t('index.failed', lang)}: {what}: {r['error']}")
        if where:
            lines.append(f"    -> {result.root / where}")
    lines.extend(f"  {note}" for note in result.notes)
    lines.append(f"{t('summary.index', lang)}: {result.index}")
    return "\n".join(lines)
