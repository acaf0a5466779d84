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
    "Dataset": "dataset",
    "load_dataset": "dataset",
    "Framework": "frameworks",
    "load_framework": "frameworks",
    "DataError": "validation",
    "Problem": "validation",
    "read_table": "tables",
    "atomic_write": "outputs",
    "write_csv": "outputs",
    # scoring
    "score": "scoring",
    "score_dataset": "scoring",
    "contributions": "scoring",
    "effective_weights": "scoring",
    "assign_bands": "bands",
    # gaps
    "gap_report": "gaps",
    "target_gaps": "gaps",
    "trajectory": "gaps",
    "change": "gaps",
    "peer_comparison": "gaps",
    "strengths_weaknesses": "gaps",
    "self_vs_verified": "gaps",
    "priorities": "gaps",
    # reproduction and agreement
    "reproduce": "reproduce",
    "check_consensus": "reproduce",
    "derive_tolerance": "reproduce",
    "consensus": "consensus",
    "self_assessment": "consensus",
    "agreement": "agreement",
    "item_disagreement": "agreement",
    "icc": "agreement",
    "fleiss_kappa": "agreement",
    "krippendorff_alpha": "agreement",
    # robustness
    "robustness": "robustness",
    "uncertainty_dataset": "uncertainty",
    "sensitivity_dataset": "sensitivity",
    "drop_one_dataset": "sensitivity",
    "coherence_dataset": "coherence",
    "cronbach_alpha": "coherence",
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
