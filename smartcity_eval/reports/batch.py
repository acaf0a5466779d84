"""The batch-level results every annual report of a dataset shares, and their cache.

:func:`prepare` computes them once per batch from an Evaluation (scores of every tree,
gap analyses, assessor agreement, the reproduction of the published values);
:func:`write_cache` stores them in the data-only format of
:mod:`smartcity_eval.reports.cache` and :func:`read_cache` gives them back only when the
inputs, the settings and the package version are those they were made from.
:func:`report_evaluation` is the report notebook's Evaluation: within a batch the dataset
is loaded once per process. :mod:`smartcity_eval.reports.content` selects one region and
year from them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd

from smartcity_eval.io.provenance import fingerprint, package_version, sha256_file
from smartcity_eval.reports.published import has_items, published_scores

__all__ = [
    "BatchData",
    "as_evaluation",
    "report_evaluation",
    "prepare",
    "cache_key",
    "write_cache",
    "read_cache",
]


@dataclasses.dataclass
class BatchData:
    """The batch-level results that every report of a dataset shares (see :func:`prepare`).

    ``settings``: the Evaluation's Settings; ``scores``: tree name -> scores; ``primary``:
    the name of the tree the report is about; ``reproduction``: every published value
    recomputed (:meth:`Evaluation.reproduce <smartcity_eval.evaluation.Evaluation.reproduce>`;
    None for a dataset without published values); ``log``: the Evaluation's log entries
    that made these results; ``key``: :func:`cache_key`.
    """

    dataset: Any
    settings: Any
    primary: str
    scores: dict[str, pd.DataFrame]
    gaps: dict[str, pd.DataFrame]
    agreement: pd.DataFrame
    disagreement: pd.DataFrame
    inputs: list[dict[str, Any]]
    log: tuple[Any, ...]
    key: str
    reproduction: pd.DataFrame | None = None


def as_evaluation(evaluation: Any, **changes: Any) -> Any:
    """``evaluation`` as an :class:`~smartcity_eval.evaluation.Evaluation`: an Evaluation
    as it is (with ``changes`` applied by :meth:`~smartcity_eval.evaluation.Evaluation.regen`),
    a Dataset, a dataset folder or a shipped dataset's name through
    :func:`~smartcity_eval.evaluation.evaluate` (``changes`` on top of its ``[methods]``;
    None = not given). Raises DataError (dataset) or ParameterError (a bad change)."""
    from smartcity_eval.evaluation import Evaluation, evaluate

    given = {k: v for k, v in changes.items() if v is not None}
    if isinstance(evaluation, Evaluation):
        return evaluation.regen(**given) if given else evaluation
    return evaluate(evaluation, **given)


def _absolute(ev: Any) -> Any:
    """The same evaluation with the dataset's paths absolute (a batch is used by kernels
    that work in another folder)."""
    from smartcity_eval.evaluation import Evaluation

    ds = ev.dataset
    files = {role: Path(p).resolve() for role, p in ds.files.items()}
    if Path(ds.path).is_absolute() and all(Path(p) == files[r] for r, p in ds.files.items()):
        return ev
    ds = dataclasses.replace(ds, path=Path(ds.path).resolve(), files=files)
    return Evaluation(ds, ev.settings)


def input_records(ev: Any) -> list[dict[str, Any]]:
    """The input files (``role, path, bytes, sha256``), with the SHA-256 the Evaluation's
    log recorded when it loaded them."""
    from smartcity_eval.io.provenance import file_hashes

    ds = ev.dataset
    records = file_hashes(ds.files, base=Path(ds.path).parent)
    logged = ev.log[0].inputs if ev.log else {}
    by_path = {str(Path(p).resolve()): h for p, h in logged.items()}
    base = Path(ds.path).parent
    for r in records:  # by the file's own path: frameworks are all named framework.csv
        full = str((base / r["path"]).resolve()) if not Path(r["path"]).is_absolute() else r["path"]
        r["sha256"] = logged.get(r["path"], by_path.get(full, r["sha256"]))
    return records


def cache_key(evaluation: Any, **changes: Any) -> str:
    """The fingerprint of a batch: SHA-256 over the input files' hashes (from the
    Evaluation's log), the settings (``Settings.to_dict()``) and the package version (see
    :func:`smartcity_eval.io.provenance.fingerprint`)."""
    ev = as_evaluation(evaluation, **changes)
    hashes = sorted(ev.log[0].inputs.values()) if ev.log else []
    return fingerprint(hashes, ev.settings.to_dict(), package_version())


def _primary(ev: Any) -> str:
    """The dataset's name of the tree the Evaluation scores (its settings' framework)."""
    fw = ev.framework()
    names = [n for n, f in ev.dataset.frameworks.items() if f is fw or n == fw.name]
    return names[0] if names else next(iter(ev.dataset.frameworks))


def prepare(evaluation: Any, **changes: Any) -> BatchData:
    """The batch-level results of every report of an Evaluation (see the module docstring).

    ``evaluation``: an Evaluation (or a Dataset, folder or name, see :func:`as_evaluation`);
    ``changes``: settings changed on top of it (None = not given).
    """
    from smartcity_eval.analysis.reliability import item_disagreement

    ev = as_evaluation(evaluation, **changes)
    ds = ev.dataset
    primary = _primary(ev)
    if has_items(ds):
        scores = {primary: ev.scores}
        scores.update({name: ev.scores_of(name) for name in ds.frameworks if name != primary})
    else:  # published results only: the published values are the scores
        scores = {name: published_scores(ds, fw) for name, fw in ds.frameworks.items()}
    gaps = ev.gaps()
    if len(ds.assessments):
        agree = ev.agreement(by=("region", "year"))
        spread = item_disagreement(ds.assessments)
    else:
        agree = pd.DataFrame(columns=["region", "year"])
        spread = pd.DataFrame(columns=["region", "year", "indicator", "range"])
    reproduction = ev.reproduce() if len(ds.published) else None  # logged after agreement
    return BatchData(
        dataset=ds,
        settings=ev.settings,
        primary=primary,
        scores={name: scores[name] for name in [primary, *ds.frameworks] if name in scores},
        gaps=gaps,
        agreement=agree,
        disagreement=spread,
        inputs=input_records(ev),
        log=ev.log,
        key=cache_key(ev),
        reproduction=reproduction,
    )


def write_cache(evaluation: Any, path: Path | str, **changes: Any) -> Path:
    """Compute :func:`prepare` and store it at ``path``, written atomically, in the data-only
    format of :mod:`smartcity_eval.reports.cache` (tables column by column with their exact
    dtypes, JSON, a schema version and a SHA-256 of the payload; no pickle). Raises
    :class:`~smartcity_eval.reports.cache.CacheUnsupported` if the results cannot be stored
    exactly (nothing is written then)."""
    from smartcity_eval.io.outputs import atomic_write
    from smartcity_eval.reports.cache import pack

    batch = prepare(_absolute(as_evaluation(evaluation, **changes)))
    content = {
        "kind": "batch",
        "version": package_version(),
        "dataset_path": str(Path(batch.dataset.path).resolve()),
        "hashes": {
            str(Path(p).resolve()): sha256_file(p) for p in set(batch.dataset.files.values())
        },
        "settings": batch.settings.to_dict(),
        "primary": batch.primary,
        "key": batch.key,
        "scores": dict(batch.scores),
        "gaps": dict(batch.gaps),
        "agreement": batch.agreement,
        "disagreement": batch.disagreement,
        "reproduction": batch.reproduction,
        "inputs": list(batch.inputs),
        "log": [dataclasses.asdict(entry) for entry in batch.log],
    }
    return atomic_write(path, pack(content))


#: What a report process keeps between the reports of a batch it runs one after another
#: (a runner's kernel): the content of the last cache file read, under the SHA-256 of its
#: bytes, and the Dataset loaded for it (:func:`report_evaluation`), so that the next report
#: of the batch neither decodes the cache nor loads the dataset again. Every use checks the
#: cache file's bytes and the input files' SHA-256 first; another batch replaces it.
_PROCESS: dict[str, Any] = {}


def _payload(path: Path | str) -> dict[str, Any] | None:
    """The content of the cache file at ``path`` (:func:`smartcity_eval.reports.cache.unpack`:
    None for another format or schema, a damaged file or a wrong hash), if this package
    version made it (decoded once per process and file content, see :data:`_PROCESS`)."""
    from smartcity_eval.reports.cache import unpack

    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    digest = hashlib.sha256(data).hexdigest()
    if _PROCESS.get("digest") != digest:
        _PROCESS.clear()
        payload = unpack(data)
        if payload is None or payload.get("kind") != "batch":
            return None
        if payload.get("version") != package_version():
            return None
        _PROCESS.update(digest=digest, payload=payload)
    return _PROCESS["payload"]


def _batch_dataset(dataset: Any, cache: Path | str) -> Any:
    """The Dataset of the folder ``dataset`` loaded once per process for the batch cache
    ``cache`` (None unless the cache is valid, was made from that folder and its input
    files still have the SHA-256 they had)."""
    from smartcity_eval.io.dataset import load_dataset

    payload = _payload(cache)
    if payload is None or not isinstance(dataset, (str, Path)):
        return None
    if str(Path(dataset).resolve()) != payload.get("dataset_path"):
        return None
    if not _files_unchanged(payload.get("hashes")):
        return None
    key = (str(dataset), json.dumps(payload.get("hashes"), sort_keys=True))
    if _PROCESS.get("dataset_key") != key:
        _PROCESS["dataset"] = load_dataset(dataset)
        _PROCESS["dataset_key"] = key
    return _PROCESS["dataset"]


def report_evaluation(
    dataset: Any,
    settings: dict[str, Any] | None = None,
    *,
    cache: str | Path | None = None,
    **changes: Any,
) -> Any:
    """The Evaluation of a report notebook: ``evaluate(dataset, **settings).regen(**changes)``
    (:func:`~smartcity_eval.evaluation.evaluate`). With ``cache`` (a batch cache written by
    :func:`write_cache` for the folder ``dataset``, with unchanged input files) the Dataset
    is loaded once per process: the reports a runner's kernel makes one after another share
    it (a new Evaluation each, so nothing computed for one report is in the next)."""
    from smartcity_eval.evaluation import evaluate

    loaded = _batch_dataset(dataset, cache) if cache else None
    return evaluate(loaded if loaded is not None else dataset, **(settings or {})).regen(**changes)


def _files_unchanged(hashes: Any) -> bool:
    if not hashes or not isinstance(hashes, dict):
        return False
    try:
        return all(sha256_file(p) == digest for p, digest in hashes.items())
    except (OSError, TypeError):
        return False


def _batch_of(payload: dict[str, Any], ev: Any) -> BatchData | None:
    """The BatchData of a cache's content, with the reader's dataset and settings (the
    cache holds neither: they were checked to be the ones it was made from)."""
    from smartcity_eval.evaluation import LogEntry

    try:
        frames = [payload["agreement"], payload["disagreement"]]
        frames += [*payload["scores"].values(), *payload["gaps"].values()]
        reproduction = payload["reproduction"]
        if not all(isinstance(f, pd.DataFrame) for f in frames):
            return None
        if reproduction is not None and not isinstance(reproduction, pd.DataFrame):
            return None
        return BatchData(
            dataset=ev.dataset,
            settings=ev.settings,
            primary=str(payload["primary"]),
            scores=dict(payload["scores"]),
            gaps=dict(payload["gaps"]),
            agreement=payload["agreement"],
            disagreement=payload["disagreement"],
            inputs=[dict(r) for r in payload["inputs"]],
            log=tuple(LogEntry(**entry) for entry in payload["log"]),
            key=str(payload["key"]),
            reproduction=reproduction,
        )
    except (KeyError, TypeError, AttributeError, ValueError):
        return None


def read_cache(path: Path | str, evaluation: Any, **changes: Any) -> BatchData | None:
    """The cached batch at ``path`` if it was made from the same dataset folder, the same
    settings (``Settings.to_dict()``), the same package version, and every input file still
    has the SHA-256 it had; else None (also for a file in any other format, e.g. a pickle:
    nothing in the file is ever executed). A cache file is only read from the runner's own
    output folder."""
    payload = _payload(path)
    if payload is None:
        return None
    ev = as_evaluation(evaluation, **changes)
    if payload.get("settings") != ev.settings.to_dict():
        return None
    if str(Path(ev.dataset.path).resolve()) != payload.get("dataset_path"):
        return None
    if payload.get("primary") not in ev.dataset.frameworks:
        return None
    if not _files_unchanged(payload.get("hashes")):
        return None
    return _batch_of(payload, ev)
