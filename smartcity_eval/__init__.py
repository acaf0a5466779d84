"""smartcity_eval: evaluate smart-city programmes the way Indonesia's assessors do.

Load evaluation frameworks and datasets, validate them, compute indicator, element, pillar
and index scores, analyse gaps, reproduce published findings, measure assessor agreement,
estimate how robust a rank is, and produce annual reports. See README.md for a tour.

The top-level names are loaded lazily (PEP 562), so that ``import smartcity_eval`` and the
command line start fast; ``from smartcity_eval import score_dataset`` works as usual.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name -> module that defines it
_API = {
    # data
    "Dataset": "io.dataset",
    "load_dataset": "io.dataset",
    "Framework": "io.frameworks",
    "load_framework": "io.frameworks",
    "DataError": "errors",
    "Problem": "errors",
    "read_table": "io.tables",
    "atomic_write": "io.outputs",
    "write_csv": "io.outputs",
    # scoring
    "score": "scoring.engine",
    "score_dataset": "scoring.engine",
    "contributions": "scoring.engine",
    "effective_weights": "scoring.engine",
    "assign_bands": "scoring.bands",
    # gaps
    "gap_report": "analysis.gaps",
    "target_gaps": "analysis.gaps",
    "trajectory": "analysis.gaps",
    "change": "analysis.gaps",
    "peer_comparison": "analysis.gaps",
    "strengths_weaknesses": "analysis.gaps",
    "self_vs_verified": "analysis.gaps",
    "priorities": "analysis.gaps",
    # reproduction and agreement
    "reproduce": "analysis.reproduction",
    "check_consensus": "analysis.reproduction",
    "derive_tolerance": "analysis.reproduction",
    "consensus": "analysis.assessors",
    "self_assessment": "analysis.assessors",
    "agreement": "analysis.reliability",
    "item_disagreement": "analysis.reliability",
    "icc": "analysis.reliability",
    "fleiss_kappa": "analysis.reliability",
    "krippendorff_alpha": "analysis.reliability",
    # robustness
    "robustness": "robustness.summary",
    "uncertainty_dataset": "robustness.uncertainty",
    "sensitivity_dataset": "robustness.sensitivity",
    "drop_one_dataset": "robustness.sensitivity",
    "coherence_dataset": "analysis.coherence",
    "cronbach_alpha": "analysis.coherence",
    # reports
    "run_reports": "reports.runner",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        value = getattr(importlib.import_module(f".{_API[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'smartcity_eval' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(__all__)
