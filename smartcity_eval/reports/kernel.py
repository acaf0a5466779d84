"""Code that runs INSIDE a report kernel: warming it up and resetting it between reports.

The report runner keeps one long-lived IPython kernel per worker process (starting a kernel
and importing pandas, matplotlib and this package takes seconds, longer than a report).
Before each report it calls :func:`reset_state`, which returns the kernel to the state it
had right after :func:`warm_up`: the user namespace is emptied (``InteractiveShell.reset``
with a new session, so execution counts start again at 1), figures are closed, and the
matplotlib and pandas options are restored from the snapshot taken at warm-up. Modules stay
imported; that is the point. ``tests/test_reports.py`` proves that a variable, a pandas
option and a matplotlib setting made by one report are absent in the next.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any

__all__ = ["warm_up", "reset_state", "WARM_CODE", "RESET_CODE"]

#: What the worker runs (silently) once after starting a kernel.
WARM_CODE = "import smartcity_eval.reports.kernel as _sce_k; _sce_k.warm_up(); del _sce_k"
#: What the worker runs (silently) before every report.
RESET_CODE = "import smartcity_eval.reports.kernel as _sce_k; _sce_k.reset_state()"

_SNAPSHOT: dict[str, Any] = {}

#: Modules a report uses, imported once per kernel.
_MODULES = (
    "numpy",
    "pandas",
    "matplotlib.pyplot",
    "IPython.display",
    "smartcity_eval",
    "smartcity_eval.present.plots",
    "smartcity_eval.messages",
    "smartcity_eval.io.provenance",
    "smartcity_eval.evaluation",
    "smartcity_eval.reports.content",
    "smartcity_eval.reports.sections",
    "smartcity_eval.robustness.summary",
    "smartcity_eval.analysis.gapset",
    "smartcity_eval.scoring.engine",
    "smartcity_eval.analysis.reliability",
)


def warm_up() -> None:
    """Import what a report needs, turn matplotlib's mathtext off (``text.parse_math``),
    draw one throw-away figure (font cache), and snapshot the matplotlib and pandas
    options to restore before every report."""
    import importlib

    for name in _MODULES:
        with contextlib.suppress(ImportError):  # a module not (yet) there is not needed
            importlib.import_module(name)
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    # text from the data (a region named "Kota $X$") is drawn as it is, never parsed as
    # mathtext, in every figure of every report (the snapshot below restores it each time)
    mpl.rcParams["text.parse_math"] = False
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, 1])
    ax.set_title("warm-up")
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
    _SNAPSHOT["rc"] = {k: v for k, v in mpl.rcParams.items() if k != "backend"}
    _SNAPSHOT["pd"] = _pandas_options()
    _freeze()


def _freeze() -> None:
    """Move every object alive now (modules, fonts, the warm-up's caches) out of the cyclic
    garbage collector's reach (``gc.freeze``): the full collection IPython's reset runs
    before every report then walks only what reports made since, not every object of
    pandas and matplotlib (0.06 s of CPU per report otherwise). Frozen objects are still
    freed when nothing refers to them."""
    import gc

    gc.collect()
    gc.freeze()


def _pandas_options() -> dict[str, Any]:
    import pandas as pd

    out: dict[str, Any] = {}
    keys = pd._config.config._registered_options  # every registered option
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key in keys:
            if key in pd._config.config._deprecated_options:
                continue
            try:
                out[key] = pd.get_option(key)
            except Exception:  # pragma: no cover - options that cannot be read
                continue
    return out


def reset_state() -> None:
    """Return the kernel to its warmed-up state (see the module docstring)."""
    import gc

    import matplotlib as mpl
    import matplotlib.pyplot as plt
    import pandas as pd

    plt.close("all")
    if "rc" in _SNAPSHOT:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mpl.rcParams.update(_SNAPSHOT["rc"])
    current = _pandas_options()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in _SNAPSHOT.get("pd", {}).items():
            if current.get(key, value) is not value and current.get(key) != value:
                try:
                    pd.set_option(key, value)
                except Exception:  # pragma: no cover
                    continue
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)  # runs a full garbage collection
        gc.freeze()  # what outlives it is the process's (e.g. the batch's dataset)
