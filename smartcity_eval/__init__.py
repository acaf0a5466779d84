"""smartcity_eval: evaluate smart-city programmes the way Indonesia's assessors do.

Load evaluation frameworks and datasets, validate them, compute indicator, element, pillar
and index scores, analyse gaps, reproduce published findings, measure assessor agreement,
and produce annual reports. See README.md for a tour.
"""

__version__ = "0.1.0"

from .dataset import Dataset, load_dataset  # noqa: E402
from .frameworks import Framework, load_framework  # noqa: E402
from .outputs import atomic_write, write_csv  # noqa: E402
from .validation import DataError, Problem  # noqa: E402

__all__ = [
    "__version__",
    "Dataset",
    "load_dataset",
    "Framework",
    "load_framework",
    "DataError",
    "Problem",
    "atomic_write",
    "write_csv",
]
