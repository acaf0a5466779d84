"""``smartcity-eval score``: score every node for every region and year.

Score every node of the framework for every region and year. Defaults come from the
dataset's [methods]; the method options override them.
"""

from __future__ import annotations

import argparse

from smartcity_eval.cli.common import EXIT_OK, add_out_argument, load, write_output
from smartcity_eval.cli.options import add_method_options, settings_from_args
from smartcity_eval.vocab import CATEGORY_RANK_COLUMNS, SCORE_KEYS

#: The columns ``score`` writes (those the scores have). ``band`` is the band's English label
#: (bands.csv ``label``: a stable code); ``band_label`` the band in ``--lang`` (for ``id`` the
#: official Indonesian ``label_id``, e.g. SPBE "Baik" for "Good").
COLUMNS = ("region", "year", "code", "score", "rank", "band", "band_label", "coverage")


def band_label(bands: object, table: object, lang: str) -> object:
    """The ``band`` column of ``table`` in ``lang``: bands.csv's ``label_id`` for ``id``
    (the label itself where there is none), the English ``label`` otherwise; a missing band
    is "". Mapped once per distinct band (a national table has a few labels and millions
    of rows)."""
    import pandas as pd

    mapping: dict[str, str] = {}
    if lang == "id" and bands is not None and len(bands) and "label_id" in bands:
        for label, label_id in zip(bands["label"], bands["label_id"], strict=True):
            if isinstance(label_id, str) and label_id.strip():
                mapping[str(label)] = label_id.strip()
    band = table["band"]
    if not mapping and band.dtype == "str" and not band.isna().any():
        return band.array  # every band shown as it is: the column itself
    codes, uniques = pd.factorize(band, use_na_sentinel=True)
    shown = [mapping.get(str(b), str(b)) if isinstance(b, str) else "" for b in uniques]
    return pd.array([*shown, ""], dtype="str").take(codes)  # code -1: the last, ""


def options(p: argparse.ArgumentParser) -> None:
    """The options of the command (the parser adds the positional dataset)."""
    add_out_argument(p)
    add_method_options(p)
    p.add_argument(
        "--columns",
        metavar="LIST",
        help="write only these columns besides region, year, code (comma-separated, from: "
        + ", ".join([*(c for c in COLUMNS if c not in SCORE_KEYS), *CATEGORY_RANK_COLUMNS])
        + "); what is not asked for is not computed",
    )


def asked_columns(spec: str | None, ranks_by_category: bool) -> tuple[list[str], list[str]]:
    """(the columns to write, the score columns to compute) for ``--columns``: None gives
    every column of :data:`COLUMNS` (and the category ranks with a regions table).
    ``band_label`` needs ``band``; the category ranks need ``score``."""
    from smartcity_eval.scoring.table import SCORE_COLUMNS
    from smartcity_eval.settings import ParameterError

    every = list(COLUMNS)
    if ranks_by_category:
        every[every.index("rank") + 1 : every.index("rank") + 1] = list(CATEGORY_RANK_COLUMNS)
    if spec is None:
        names = every
    else:
        names = [c.strip() for c in spec.split(",") if c.strip()]
        allowed = [c for c in every if c not in SCORE_KEYS]  # rank_kind: with regions.csv
        unknown = [c for c in names if c not in allowed]
        if unknown:
            raise ParameterError(
                "--columns", ", ".join(unknown), "names from: " + ", ".join(allowed)
            )
        names = [c for c in every if c in set(names) | set(SCORE_KEYS)]
    needed = set(names) & set(SCORE_COLUMNS)
    needed |= {"band"} if "band_label" in names else set()
    needed |= {"score"} if set(names) & set(CATEGORY_RANK_COLUMNS) else set()
    return names, [c for c in SCORE_COLUMNS if c in needed]


def run(args: argparse.Namespace) -> int:
    """Write the scores of the evaluation as CSV."""
    from smartcity_eval.analysis.peers import category_ranks
    from smartcity_eval.evaluation import Evaluation

    ds = load(args)
    ev = Evaluation(ds, settings_from_args(args, ds))
    # the headline tree (dataset.toml [methods] index_framework) unless --framework names one
    fw = ev.framework() if ev.settings.framework is not None else ev.index_framework()
    by_category = not ds.region_table.empty  # ranks within kind and province (regions.csv)
    columns, needed = asked_columns(getattr(args, "columns", None), by_category)
    table = ev.scores_of(fw, columns=needed)
    if "band_label" in columns:
        bands = ds.bands if fw.name == ds.framework.name else fw.bands
        table = table.assign(band_label=band_label(bands, table, args.lang or ds.lang))
    if set(columns) & set(CATEGORY_RANK_COLUMNS):
        table = category_ranks(table, ds.region_table)
    table = table[[c for c in columns if c in table.columns]]
    del ev, ds  # the loaded tables and the cached results are not needed to write
    write_output(table, args)
    return EXIT_OK
