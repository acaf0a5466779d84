"""The region-spelling check at national sizes (issue 17): the same errors and warnings as
before on 5,000 numbered regions, real near-duplicates still found, and the same warnings as
an independent all-pairs implementation of the documented rule on random names."""

from __future__ import annotations

import difflib
import random
import re

import numpy as np
import pandas as pd

from smartcity_eval.io.checks import (
    _unnumbered_pairs,
    _variant_buckets,
    check_region_spellings,
    region_key,
)


def _frame(names: list[str], reps: int = 3) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"region": np.repeat(names, reps), "_row": np.arange(2, 2 + reps * len(names))}
    )
    frame.attrs["file"] = "observations.csv"
    return frame


def _check(names: list[str], reps: int = 3) -> tuple[list[str], list[str]]:
    problems: list = []
    warnings: list = []
    check_region_spellings(_frame(names, reps), problems, warnings)
    return [p.message for p in problems], [w.message for w in warnings]


NUMBERED = [f"Kabupaten Wilayah {r:03d}" for r in range(5000)]


def test_5000_numbered_regions_are_not_near_duplicates_of_each_other():
    assert _check(NUMBERED) == ([], [])
    # and no candidate pair is even built for them (the cost was the ~240,000 pairs)
    keys = {n: region_key(n) for n in NUMBERED}
    letters = [re.sub(r"\d", "", keys[n][1]) for n in NUMBERED]
    assert all(_unnumbered_pairs(b, letters) == [] for b in _variant_buckets(NUMBERED, keys))


def test_near_duplicates_among_5000_numbered_regions_are_still_found():
    # pinned from the implementation before issue 17 (the same lists, the same order)
    names = NUMBERED + ["Kabupaten Kutai Timur", "Kabupaten Kutai Timor", "Kabupaten Wilayh 0123"]
    names += ["Kab. Wilayah 007"]
    errors, warnings = _check(names)
    assert errors == [
        "'Kab. Wilayah 007' (rows 15011, 15012, 15013) and 'Kabupaten Wilayah 007' "
        "(rows 23, 24, 25) look like one region spelled two ways"
    ]
    pairs = [re.findall(r"'([^']+)'", w)[:2] for w in warnings]
    assert pairs == [
        ["Kabupaten Kutai Timor", "Kabupaten Kutai Timur"],
        ["Kabupaten Wilayh 0123", "Kabupaten Wilayah 012"],
        ["Kabupaten Wilayh 0123", "Kabupaten Wilayah 013"],
        ["Kabupaten Wilayh 0123", "Kabupaten Wilayah 023"],
        ["Kabupaten Wilayh 0123", "Kabupaten Wilayah 123"],
    ]


def _reference_warnings(names: list[str]) -> set[frozenset[str]]:
    """The documented rule over every pair: same body with and without the kind, or same
    kind, bodies of 6+ letters that share a one-letter-deletion variant, letters (digits
    removed) different and a difflib ratio >= 0.9."""
    keys = {n: region_key(n) for n in names}
    distinct: dict[tuple[str, str], str] = {}
    for n in sorted(names, key=lambda n: (-len(n), n)):  # on equal rows: the longer spelling
        distinct.setdefault(keys[n], n)

    def variants(body: str) -> set[str]:
        return {body} | {body[:k] + body[k + 1 :] for k in range(len(body))}

    found = set()
    items = list(distinct.items())
    for x, ((ka, ba), a) in enumerate(items):
        for (kb, bb), b in items[x + 1 :]:
            if ba == bb:
                close = (ka == "") != (kb == "")
            else:
                close = (
                    ka == kb
                    and len(ba) >= 6
                    and len(bb) >= 6
                    and bool(variants(ba) & variants(bb))
                    and re.sub(r"\d", "", ba) != re.sub(r"\d", "", bb)
                    and difflib.SequenceMatcher(None, ba, bb).ratio() >= 0.9
                )
            if close:
                found.add(frozenset((a, b)))
    return found


def test_the_same_warnings_as_an_all_pairs_reference_on_random_names():
    rng = random.Random(17)
    words = ["Kutai", "Timur", "Barat", "Selatan", "Utara", "Bandung", "Kediri", "Jambi", "Gowa"]
    for _ in range(5):
        names = set()
        while len(names) < 300:
            name = rng.choice(["Kabupaten ", "Kota ", "Kab. ", ""]) + " ".join(
                rng.sample(words, rng.choice([1, 2]))
            )
            if rng.random() < 0.3:
                i = rng.randrange(len(name))
                name = name[:i] + rng.choice("aeiou") + name[i + 1 :]
            if rng.random() < 0.3:
                name += f" {rng.randrange(20)}"
            names.add(name)
        ordered = sorted(names)
        _, warnings = _check(ordered, reps=1)
        got = {frozenset(re.findall(r"'([^']+)'", w)[:2]) for w in warnings}
        assert got == _reference_warnings(ordered)
