"""Annual reports: execute the report notebooks for many regions and years, render them.

* :func:`run_reports` (``runner``): the batch behind ``smartcity-eval reports``, for one
  :class:`~smartcity_eval.evaluation.Evaluation`: parallel warm kernels, skip-unchanged,
  atomic writes, a manifest (with the Evaluation's settings and log) and an index page.
* :func:`report_data` (``content``): every table one report shows, from an Evaluation;
  ``tables``: the pure functions that make each table.
* ``sections`` (``sections_results``, ``sections_quality``, HTML helpers in ``markup``):
  what the report notebook displays, one call per section.
* ``render``: HTML without code cells (nbconvert) and PDF (headless Chromium).
* ``manifest``: the manifest.json and index.html of a batch.
* ``worker`` and ``kernel``: executing the report notebooks in warm kernels.
"""

from __future__ import annotations

from typing import Any

__all__ = ["run_reports", "report_data", "BatchResult"]


def __getattr__(name: str) -> Any:  # lazy: importing the package stays cheap
    if name in ("run_reports", "BatchResult"):
        from smartcity_eval.reports import runner

        return getattr(runner, name)
    if name == "report_data":
        from smartcity_eval.reports.content import report_data

        return report_data
    raise AttributeError(name)
