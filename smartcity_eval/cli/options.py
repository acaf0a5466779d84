"""The one method-option group of every command that scores, built from Settings.

:func:`add_method_options` adds one flag per entry of
:data:`smartcity_eval.settings.PARAMETERS` (``--normalise``, ``--range``, ``--aggregate``,
``--scope``, ``--min-coverage``, ``--impute``, ``--outliers``, ``--consensus``,
``--framework``, ``--index-framework``) plus ``--groups`` and ``--peers``; the choices come
from :mod:`smartcity_eval.vocab`. :func:`settings_from_args` turns the parsed flags into a
:class:`~smartcity_eval.settings.Settings` with
:func:`~smartcity_eval.settings.dataset_settings`: the only place where flags meet the
dataset's ``[methods]``. A flag not given is ``None`` and leaves the dataset's choice.
"""

from __future__ import annotations

import argparse
from typing import Any

from smartcity_eval.cli.common import parse_list
from smartcity_eval.io.dataset import Dataset
from smartcity_eval.settings import PARAMETERS, Settings, dataset_settings

__all__ = ["add_method_options", "settings_from_args", "METHOD_FLAGS"]

#: The Settings fields the method-option group sets (every entry of PARAMETERS).
METHOD_FLAGS: tuple[str, ...] = tuple(PARAMETERS)

#: Extra argparse keywords per field (type, nargs, action); the rest are plain text.
_KIND: dict[str, dict[str, Any]] = {
    "range": {"nargs": 2, "type": float, "metavar": ("LO", "HI")},
    "min_coverage": {"type": float, "metavar": "SHARE"},
    "outliers": {"action": argparse.BooleanOptionalAction},
    "aggregate": {"metavar": "SPEC"},
    "framework": {"metavar": "NAME_OR_PATH"},
    "index_framework": {"metavar": "NAME_OR_PATH"},
}


def add_method_options(parser: argparse.ArgumentParser) -> argparse._ArgumentGroup:
    """Add the method options to ``parser`` (one group; defaults None = the dataset's)."""
    group = parser.add_argument_group(
        "method options", "override the dataset's dataset.toml [methods] (default: the dataset's)"
    )
    for name, parameter in PARAMETERS.items():
        kwargs: dict[str, Any] = {"dest": name, "default": None, "help": parameter.help}
        if parameter.choices:
            kwargs["choices"] = parameter.choices
        kwargs.update(_KIND.get(name, {}))
        group.add_argument("--" + name.replace("_", "-"), **kwargs)
    group.add_argument(
        "--groups",
        metavar="CSV",
        help="peer groups for --impute group_mean: a table with columns region, group",
    )
    group.add_argument(
        "--peers", help="comma-separated regions to compare with (default: every region)"
    )
    return group


def _groups(path: str | None) -> dict[str, str] | None:
    if not path:
        return None
    from smartcity_eval.io.tables import read_table

    table = read_table(path, required=["region", "group"], name="groups")
    return dict(zip(table["region"], table["group"], strict=True))


def settings_from_args(args: argparse.Namespace, dataset: Dataset) -> Settings:
    """The Settings of ``dataset`` with the method flags of ``args`` applied.

    Raises :class:`~smartcity_eval.settings.ParameterError` for a bad value (the command
    line shows it and exits with code 2) and DataError for an unreadable ``--groups`` file.
    """
    flags: dict[str, Any] = {name: getattr(args, name, None) for name in METHOD_FLAGS}
    flags["groups"] = _groups(getattr(args, "groups", None))
    flags["peers"] = parse_list(getattr(args, "peers", None)) or None
    return dataset_settings(dataset, None, **flags)
