"""smartcity_eval: evaluate smart-city programmes the way Indonesia's assessors do.

Load evaluation frameworks and datasets, validate them, compute indicator, element, pillar
and index scores, analyse gaps, reproduce published findings, measure assessor agreement,
estimate how robust a rank is, and produce annual reports. Start with :func:`evaluate`::

    import smartcity_eval as se
    ev = se.evaluate("kutai_timur")
    ev.scores                      # every node, region and year
    ev.regen(normalise="minmax").compare(ev)

See README.md for a tour and docs/architecture.md for the layers. The names below are
imported explicitly; the heavy libraries (scipy, matplotlib, SALib, nbformat, papermill)
are imported only inside the functions that use them, so ``import smartcity_eval`` stays
fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smartcity_eval._version import __version__
from smartcity_eval.analysis.assessors import consensus, self_assessment
from smartcity_eval.analysis.changes import change
from smartcity_eval.analysis.coherence import coherence_dataset, cronbach_alpha
from smartcity_eval.analysis.gapset import gap_report
from smartcity_eval.analysis.peers import peer_comparison
from smartcity_eval.analysis.priority import priorities
from smartcity_eval.analysis.reliability import (
    agreement,
    fleiss_kappa,
    icc,
    item_disagreement,
    krippendorff_alpha,
)
from smartcity_eval.analysis.reproduction import check_consensus, derive_tolerance, reproduce
from smartcity_eval.analysis.strengths import strengths_weaknesses
from smartcity_eval.analysis.targets import target_gaps
from smartcity_eval.analysis.trajectories import trajectory
from smartcity_eval.analysis.verification import self_vs_verified
from smartcity_eval.errors import DataError, Problem
from smartcity_eval.evaluation import Evaluation, LogEntry, evaluate
from smartcity_eval.io.dataset import Dataset, load_dataset
from smartcity_eval.io.frameworks import Framework, load_framework, resolve_framework
from smartcity_eval.io.outputs import atomic_write, write_csv
from smartcity_eval.io.tables import read_table
from smartcity_eval.robustness.sensitivity import drop_one_dataset, sensitivity_dataset
from smartcity_eval.robustness.summary import robustness_report
from smartcity_eval.robustness.uncertainty import uncertainty_dataset
from smartcity_eval.scoring.bands import assign_bands
from smartcity_eval.scoring.engine import contributions, effective_weights, score, score_dataset
from smartcity_eval.settings import ParameterError, Settings


def run_reports(evaluation: Any, out: str | Path = "reports", **options: Any) -> Any:
    """Make the annual reports of an evaluation (every region and year, HTML and/or PDF).

    ``run_reports(evaluation, out, years=..., regions=..., jobs=..., lang=..., formats=...,
    force=..., ...)``: see :func:`smartcity_eval.reports.runner.run_reports`, which this
    calls. It is imported on first use, so that ``import smartcity_eval`` does not load the
    notebook machinery (nbformat, the kernel client).
    """
    from smartcity_eval.reports import runner

    return runner.run_reports(evaluation, out, **options)


# the exception contract: wrong arguments are a ParameterError, never a KeyError or
# AttributeError from deep inside (smartcity_eval/io/contract.py)
from smartcity_eval.io.contract import guard as _guard  # noqa: E402

_guard(globals())

__all__ = [
    "__version__",
    # one evaluation
    "Evaluation",
    "evaluate",
    "LogEntry",
    "Settings",
    "ParameterError",
    # data
    "Dataset",
    "load_dataset",
    "Framework",
    "load_framework",
    "resolve_framework",
    "DataError",
    "Problem",
    "read_table",
    "atomic_write",
    "write_csv",
    # scoring
    "score",
    "score_dataset",
    "contributions",
    "effective_weights",
    "assign_bands",
    # gaps
    "gap_report",
    "target_gaps",
    "trajectory",
    "change",
    "peer_comparison",
    "strengths_weaknesses",
    "self_vs_verified",
    "priorities",
    # reproduction and agreement
    "reproduce",
    "check_consensus",
    "derive_tolerance",
    "consensus",
    "self_assessment",
    "agreement",
    "item_disagreement",
    "icc",
    "fleiss_kappa",
    "krippendorff_alpha",
    # robustness
    "robustness_report",
    "uncertainty_dataset",
    "sensitivity_dataset",
    "drop_one_dataset",
    "coherence_dataset",
    "cronbach_alpha",
    # reports
    "run_reports",
]
