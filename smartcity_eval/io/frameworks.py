"""Evaluation frameworks: the indicator tree, its weights and bands.

A framework is data, not code: a ``framework.csv`` with one row per node (data/README.md
describes the columns) and an optional ``bands.csv``. Leaves are indicators; every other
node aggregates its children. Weights are relative to siblings and normalised among them,
so the effective weight of an indicator is the product, up the tree, of
``weight / sum(sibling weights)``
(OECD/JRC, *Handbook on Constructing Composite Indicators*, 2008, step 6; COINr's
``get_eff_weights``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartcity_eval.errors import DataError, Problem, did_you_mean, did_you_mean_id
from smartcity_eval.io.numbers import ROW, parse_numbers
from smartcity_eval.io.plausible import check_directions, check_node_targets, check_weights
from smartcity_eval.io.resources import data_dir as _data_dir
from smartcity_eval.io.resources import framework_path, is_path, shipped_frameworks
from smartcity_eval.io.tables import find_table, read_table

__all__ = [
    "resolve_framework",
    "Framework",
    "load_framework",
    "load_bands",
    "framework_dir",
    "DATA_DIR",
]

#: The folder holding the shipped datasets and frameworks (the checkout's data/ in an
#: editable install, smartcity_eval/data in a wheel; :func:`smartcity_eval.io.resources.data_dir`).
DATA_DIR = _data_dir()

_CODE = re.compile(r"^[A-Za-z0-9._-]+$")
FRAMEWORK_COLUMNS = ["code", "parent"]
FRAMEWORK_OPTIONAL = ["name", "name_id", "weight", "direction", "unit", "lower", "upper", "target"]
BAND_COLUMNS = ["label", "lower", "upper"]
BAND_OPTIONAL = ["label_id", "code"]


@dataclass(frozen=True, eq=False)
class Framework:
    """An indicator tree.

    Attributes
    ----------
    name : short name (the folder name under ``data/frameworks``).
    nodes : DataFrame indexed by ``code`` (file order) with columns parent ("" for the
        root), name, name_id, weight (float >= 0), direction (+1/-1), unit, lower, upper,
        target (float, NaN when absent), depth (root = 0), is_leaf.
    bands : DataFrame label, label_id, lower, upper, code (empty when none).
    source : the file the tree was read from.
    """

    name: str
    nodes: pd.DataFrame
    bands: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["label", "label_id", "lower", "upper", "code"]
        )
    )
    source: str = ""

    @cached_property
    def root(self) -> str:
        return str(self.nodes.index[self.nodes["parent"] == ""][0])

    @cached_property
    def indicators(self) -> list[str]:
        """Leaf codes in file order."""
        return [str(c) for c in self.nodes.index[self.nodes["is_leaf"]]]

    @cached_property
    def aggregates(self) -> list[str]:
        """Non-leaf codes, deepest first (an order in which children come before parents)."""
        inner = self.nodes[~self.nodes["is_leaf"]]
        order = inner.sort_values("depth", ascending=False, kind="stable")
        return [str(c) for c in order.index]

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {str(c): [] for c in self.nodes.index}
        for code, parent in self.nodes["parent"].items():
            if parent:
                out[str(parent)].append(str(code))
        return out

    def children(self, code: str) -> list[str]:
        """Direct children of ``code`` in file order."""
        return self._children[code]

    @cached_property
    def _parents(self) -> dict[str, str]:
        return {str(c): str(p) for c, p in self.nodes["parent"].items()}

    @cached_property
    def _ancestors(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for code in self._parents:
            chain = []
            p = self._parents[code]
            while p:
                chain.append(p)
                p = self._parents[p]
            out[code] = tuple(chain)
        return out

    def parent(self, code: str) -> str | None:
        """The parent of ``code`` (None for the root)."""
        p = self._parents[code]
        return p or None

    def ancestors(self, code: str) -> list[str]:
        """Parents of ``code`` up to the root, nearest first."""
        return list(self._ancestors[code])

    def depth(self, code: str) -> int:
        return int(self.nodes.at[code, "depth"])

    @cached_property
    def max_depth(self) -> int:
        return int(self.nodes["depth"].max())

    def leaves_under(self, code: str) -> list[str]:
        """Indicators in the subtree of ``code`` (file order)."""
        return [c for c in self.indicators if c == code or code in self.ancestors(c)]

    @cached_property
    def local_weights(self) -> pd.Series:
        """Each node's weight divided by the sum of its siblings' weights (root: 1)."""
        w = self.nodes["weight"].astype(float)
        sums = w.groupby(self.nodes["parent"]).transform("sum")
        out = (w / sums).where(self.nodes["parent"] != "", 1.0)
        return out.rename("local_weight")

    @cached_property
    def effective_weights(self) -> pd.Series:
        """Effective weight of every node: product of local weights up to the root.

        The indicators' effective weights sum to 1 (fractions of the index). Indexed by code.
        """
        local = self.local_weights
        out = {}
        for code in self.nodes.index:
            value = local[code]
            for anc in self.ancestors(str(code)):
                value *= local[anc]
            out[code] = value
        return pd.Series(out, name="effective_weight")

    def label(self, code: str, lang: str = "en") -> str:
        """Display name of a node in ``lang`` ('id' or 'en'), falling back to the other, then the code."""
        row = self.nodes.loc[code]
        first, second = ("name_id", "name") if lang == "id" else ("name", "name_id")
        return str(row[first] or row[second] or code)

    def parent_map(self) -> pd.Series:
        """Series code -> parent code ("" for the root)."""
        return self.nodes["parent"]

    def table(self) -> pd.DataFrame:
        """The nodes as a tidy frame with ``code`` as a column and effective weights."""
        out = self.nodes.reset_index().rename(columns={"index": "code"})
        out["effective_weight"] = self.effective_weights.reindex(self.nodes.index).to_numpy()
        return out


def framework_dir(name_or_path: str | Path, data_dir: Path | None = None) -> Path:
    """A framework given as a folder or a framework.csv path (used as it is), or the name of a
    shipped framework (of one under ``data_dir/frameworks`` when given)."""
    p = Path(name_or_path)
    found = None if is_path(name_or_path) else framework_path(str(name_or_path), data_dir)
    if found is not None:
        return found  # a name is a name: a shipped framework wins over a local folder
    if p.is_dir():
        return p
    if p.is_file():
        return p.parent
    known = shipped_frameworks(data_dir)
    raise DataError(
        Problem(
            str(name_or_path),
            None,
            None,
            "no such framework",
            did_you_mean(name_or_path, known) if known else "",
            "kerangka tidak ditemukan",
            did_you_mean_id(name_or_path, known) if known else "",
        )
    )


def resolve_framework(spec: Framework | str | Path | None, dataset: Any = None) -> Framework:
    """The one framework resolver of the library.

    ``spec`` is None (the dataset's primary tree), a :class:`Framework` (returned as is),
    the name of one of ``dataset.frameworks``, or a shipped framework's name or a folder
    path (:func:`load_framework`). Raises DataError when nothing of that name exists.
    """
    if spec is None:
        if dataset is None:
            raise TypeError("resolve_framework(None) needs a dataset")
        return dataset.framework
    if isinstance(spec, Framework):
        return spec
    if dataset is not None and str(spec) in dataset.frameworks:
        return dataset.frameworks[str(spec)]
    return load_framework(spec)


def load_framework(name_or_path: str | Path, data_dir: Path | None = None) -> Framework:
    """Read and check a framework folder (``framework.csv`` + optional ``bands.csv``).

    ``name_or_path`` is a folder, a ``framework.csv``/``.xlsx`` file, or the name of a folder
    under ``data/frameworks``. Raises DataError listing every problem found.
    """
    given = Path(name_or_path)
    if is_path(name_or_path) and given.is_file():
        folder, path = given.parent, given
    else:
        folder = framework_dir(name_or_path, data_dir)
        path = find_table(folder, "framework")
        if path is None:
            raise DataError(
                Problem(
                    str(folder),
                    None,
                    None,
                    "framework.csv is missing",
                    "add framework.csv (code, parent, name, weight, ...)",
                    "framework.csv tidak ada",
                    "tambahkan framework.csv (code, parent, name, weight, ...)",
                )
            )
    problems: list[Problem] = []
    raw = read_table(
        path,
        required=FRAMEWORK_COLUMNS,
        optional=FRAMEWORK_OPTIONAL,
        name="framework",
        problems=problems,
    )
    nodes, node_problems = _check_nodes(raw)
    problems.extend(node_problems)
    bands_path = find_table(folder, "bands")
    bands = pd.DataFrame(columns=["label", "label_id", "lower", "upper", "code"])
    if bands_path is not None:
        try:
            bands = load_bands(bands_path, nodes)
        except DataError as err:
            problems.extend(err.problems)
    if problems:
        raise DataError(problems)
    return Framework(name=folder.name, nodes=nodes, bands=bands, source=raw.attrs["file"])


def _check_nodes(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """The framework's nodes as a frame indexed by code (parent, name, weight, direction,
    bounds, target; with ``is_leaf`` and ``depth`` when the tree is valid), and every
    problem of the codes, the tree and the numbers."""
    file = raw.attrs["file"]
    problems: list[Problem] = []
    if raw.empty:
        problems.append(
            Problem(
                file,
                None,
                None,
                "the framework has no nodes",
                "add one row per node: the index, pillars, elements, indicators",
                "kerangka tidak punya simpul",
                "tambahkan satu baris per simpul: indeks, pilar, elemen, indikator",
            )
        )
        return pd.DataFrame(), problems
    _check_codes(raw, file, problems)
    _check_root(raw, file, problems)
    _check_parents(raw, file, problems)
    _check_cycles(raw, file, problems)
    numbers = _node_numbers(raw, file, problems)
    nodes = pd.DataFrame(
        {
            "parent": raw["parent"].astype(str).to_numpy(),
            "name": raw["name"].astype(str).to_numpy(),
            "name_id": raw["name_id"].astype(str).to_numpy(),
            "weight": numbers["weight"].to_numpy(),
            "direction": numbers["direction"].to_numpy(),
            "unit": raw["unit"].astype(str).to_numpy(),
            "lower": numbers["lower"].to_numpy(),
            "upper": numbers["upper"].to_numpy(),
            "target": numbers["target"].to_numpy(),
            "_row": raw[ROW].to_numpy(),
        },
        index=pd.Index(raw["code"].astype(str).to_numpy(), name="code"),
    )
    nodes = nodes[~nodes.index.duplicated()]
    _check_zero_weights(nodes, file, problems)
    check_weights(nodes, file, problems)
    check_directions(raw, file, problems)
    if not problems:
        check_node_targets(nodes, file, problems)
    if problems:
        return nodes, problems
    return _with_structure(nodes), problems


def _check_codes(raw: pd.DataFrame, file: str, problems: list[Problem]) -> None:
    """Empty, malformed and repeated codes."""
    first_row: dict[str, int] = {}
    for code, row in zip(raw["code"], raw[ROW], strict=True):
        if code == "":
            problems.append(
                Problem(
                    file,
                    int(row),
                    "code",
                    "the code is empty",
                    "give every node a code (letters, digits, '.', '_' or '-')",
                    "kode kosong",
                    "beri setiap simpul sebuah kode (huruf, angka, '.', '_' atau '-')",
                )
            )
        elif not _CODE.match(code):
            problems.append(
                Problem(
                    file,
                    int(row),
                    "code",
                    f"code '{code}' has characters other than letters, digits, '.', '_' or '-'",
                    "use codes like GOV.SRV.01",
                    f"kode '{code}' berisi karakter selain huruf, angka, '.', '_' atau '-'",
                    "gunakan kode seperti GOV.SRV.01",
                )
            )
        if code in first_row:
            problems.append(
                Problem(
                    file,
                    int(row),
                    "code",
                    f"code '{code}' is used twice: rows {first_row[code]} and {int(row)}",
                    "give every node its own code (rename or delete one of the rows)",
                    f"kode '{code}' dipakai dua kali: baris {first_row[code]} dan {int(row)}",
                    "beri setiap simpul kodenya sendiri (ganti nama atau hapus salah satu baris)",
                )
            )
        else:
            first_row[code] = int(row)


def _check_root(raw: pd.DataFrame, file: str, problems: list[Problem]) -> None:
    """Exactly one node without a parent (the index)."""
    roots = raw[raw["parent"] == ""]
    if len(roots) == 0:
        problems.append(
            Problem(
                file,
                None,
                "parent",
                "no root: every node has a parent",
                "leave 'parent' empty on exactly one row (the index)",
                "tidak ada akar: setiap simpul punya induk",
                "kosongkan 'parent' pada tepat satu baris (indeks)",
            )
        )
    elif len(roots) > 1:
        listed = ", ".join(
            f"'{c}' (row {r})" for c, r in zip(roots["code"], roots[ROW], strict=True)
        )
        problems.append(
            Problem(
                file,
                int(roots[ROW].iloc[1]),
                "parent",
                f"more than one root: {listed}",
                "leave 'parent' empty on exactly one row (the index) and give the others a parent",
                f"lebih dari satu akar: {listed.replace('(row', '(baris')}",
                "kosongkan 'parent' pada tepat satu baris (indeks) dan beri induk pada yang lain",
            )
        )


def _check_parents(raw: pd.DataFrame, file: str, problems: list[Problem]) -> None:
    """Parents that are no node, and nodes that are their own parent."""
    codes = set(raw["code"])
    for code, parent, row in zip(raw["code"], raw["parent"], raw[ROW], strict=True):
        if parent and parent not in codes:
            problems.append(
                Problem(
                    file,
                    int(row),
                    "parent",
                    f"parent '{parent}' of '{code}' does not exist",
                    did_you_mean(parent, sorted(codes)),
                    f"induk '{parent}' dari '{code}' tidak ada",
                    did_you_mean_id(parent, sorted(codes)),
                )
            )
        if parent and parent == code:
            problems.append(
                Problem(
                    file,
                    int(row),
                    "parent",
                    f"'{code}' is its own parent",
                    "name another node as parent",
                    f"'{code}' menjadi induk dirinya sendiri",
                    "tulis simpul lain sebagai induk",
                )
            )


def _check_cycles(raw: pd.DataFrame, file: str, problems: list[Problem]) -> None:
    """Chains of parents that never reach the root, each cycle reported once."""
    rows = dict(zip(raw["code"], raw[ROW], strict=False))
    # cycles: follow parents
    parent_of = dict(zip(raw["code"], raw["parent"], strict=False))
    reported: set[str] = set()
    for start in parent_of:
        seen = [start]
        p = parent_of.get(start, "")
        while p and p in parent_of:
            if p in seen:
                cycle = seen[seen.index(p) :]
                key = min(cycle)
                if key not in reported and len(cycle) > 1:
                    reported.add(key)
                    path = " -> ".join(cycle + [p])
                    problems.append(
                        Problem(
                            file,
                            rows.get(key),
                            "parent",
                            f"the tree has a cycle: {path}",
                            "make every chain of parents end at the root (the row with an "
                            "empty parent)",
                            f"pohon memiliki siklus: {path}",
                            "pastikan setiap rantai induk berakhir di akar (baris dengan "
                            "parent kosong)",
                        )
                    )
                break
            seen.append(p)
            p = parent_of.get(p, "")


def _node_numbers(raw: pd.DataFrame, file: str, problems: list[Problem]) -> dict[str, pd.Series]:
    """weight (default 1, >= 0), direction (1 or -1, default 1), lower < upper and target."""
    weight = parse_numbers(raw, "weight", problems, what="a weight", what_id="bobot")
    for w, row in zip(weight, raw[ROW], strict=True):
        if not math.isnan(w) and w < 0:
            problems.append(
                Problem(
                    file,
                    int(row),
                    "weight",
                    f"weight {w:g} is negative",
                    "weights must be 0 or more (they are relative to the siblings)",
                    f"bobot {w:g} negatif",
                    "bobot harus 0 atau lebih (relatif terhadap saudaranya)",
                )
            )
    weight = weight.fillna(1.0)
    direction = parse_numbers(raw, "direction", problems, what="1 or -1", what_id="1 atau -1")
    for d, row in zip(direction, raw[ROW], strict=True):
        if not math.isnan(d) and d not in (1.0, -1.0):
            problems.append(
                Problem(
                    file,
                    int(row),
                    "direction",
                    f"direction {d:g} is not 1 or -1",
                    "use 1 (higher is better) or -1 (lower is better)",
                    f"arah {d:g} bukan 1 atau -1",
                    "gunakan 1 (lebih tinggi lebih baik) atau -1 (lebih rendah lebih baik)",
                )
            )
    direction = direction.where(direction.isin([1.0, -1.0]), 1.0)
    lower = parse_numbers(raw, "lower", problems, what="a number")
    upper = parse_numbers(raw, "upper", problems, what="a number")
    for lo, hi, row in zip(lower, upper, raw[ROW], strict=True):
        if not (math.isnan(lo) or math.isnan(hi)) and lo >= hi:
            problems.append(
                Problem(
                    file,
                    int(row),
                    "lower",
                    f"lower {lo:g} is not below upper {hi:g}",
                    "make lower smaller than upper (e.g. lower 1, upper 5 for levels 1-5)",
                    f"batas bawah {lo:g} tidak lebih kecil dari batas atas {hi:g}",
                    "buat lower lebih kecil dari upper (mis. lower 1, upper 5 untuk level 1-5)",
                )
            )
    target = parse_numbers(raw, "target", problems, what="a number")
    return {
        "weight": weight,
        "direction": direction,
        "lower": lower,
        "upper": upper,
        "target": target,
    }


def _check_zero_weights(nodes: pd.DataFrame, file: str, problems: list[Problem]) -> None:
    """Siblings whose weights are all zero (negative ones are reported by _node_numbers)."""
    sums = nodes.groupby("parent")["weight"].agg(["sum", "min"])
    for parent, (total, smallest) in sums.iterrows():
        if parent and total <= 0 and smallest >= 0:
            kids = nodes.index[nodes["parent"] == parent]
            rows = ", ".join(str(int(r)) for r in nodes.loc[kids, "_row"])
            problems.append(
                Problem(
                    file,
                    int(nodes.at[kids[0], "_row"]),
                    "weight",
                    f"all weights of the children of '{parent}' are zero (rows {rows}), so "
                    f"'{parent}' cannot be computed",
                    "give at least one child a positive weight",
                    f"semua bobot anak dari '{parent}' nol (baris {rows}), sehingga '{parent}' "
                    "tidak dapat dihitung",
                    "beri setidaknya satu anak bobot positif",
                )
            )


def _with_structure(nodes: pd.DataFrame) -> pd.DataFrame:
    """``is_leaf`` and ``depth`` (0 = the root) of a valid tree."""
    has_child = set(nodes["parent"]) - {""}
    nodes["is_leaf"] = ~nodes.index.isin(list(has_child))
    depth = {}
    for code in nodes.index:
        d, p = 0, nodes.at[code, "parent"]
        while p:
            d += 1
            p = nodes.at[p, "parent"]
        depth[code] = d
    nodes["depth"] = pd.Series(depth).astype("int64")
    return nodes


def load_bands(path: Path | str, nodes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read ``bands.csv``: label, lower, upper (+ label_id, code). Checks lower < upper and
    that bands of one code do not overlap. Returns a frame sorted by code and lower."""
    problems: list[Problem] = []
    raw = read_table(
        path, required=BAND_COLUMNS, optional=BAND_OPTIONAL, name="bands", problems=problems
    )
    file = raw.attrs["file"]
    lower = parse_numbers(raw, "lower", problems)
    upper = parse_numbers(raw, "upper", problems)
    for lo, hi, row in zip(lower, upper, raw[ROW], strict=True):
        if np.isnan(lo) or np.isnan(hi):
            problems.append(
                Problem(
                    file,
                    int(row),
                    "lower" if np.isnan(lo) else "upper",
                    "a band needs both a lower and an upper bound",
                    "write the lower and the upper bound of the band",
                    "pita predikat memerlukan batas bawah dan batas atas",
                    "tulis batas bawah dan batas atas pita",
                )
            )
        elif lo >= hi:
            problems.append(
                Problem(
                    file,
                    int(row),
                    "lower",
                    f"lower {lo:g} is not below upper {hi:g}",
                    "make lower smaller than upper",
                    f"batas bawah {lo:g} tidak lebih kecil dari batas atas {hi:g}",
                    "buat lower lebih kecil dari upper",
                )
            )
    if nodes is not None:
        for code, row in zip(raw["code"], raw[ROW], strict=True):
            if code and code not in nodes.index:
                problems.append(
                    Problem(
                        file,
                        int(row),
                        "code",
                        f"unknown node '{code}'",
                        did_you_mean(code, list(nodes.index)),
                        f"simpul '{code}' tidak dikenal",
                        did_you_mean_id(code, list(nodes.index)),
                    )
                )
    bands = pd.DataFrame(
        {
            "label": raw["label"],
            "label_id": raw["label_id"],
            "lower": lower,
            "upper": upper,
            "code": raw["code"],
            "_row": raw[ROW],
        }
    )
    if not problems:
        for _code, group in bands.sort_values("lower").groupby("code"):
            prev_hi, prev_row = None, None
            for lo, hi, row in zip(group["lower"], group["upper"], group["_row"], strict=True):
                if prev_hi is not None and lo < prev_hi - 1e-12:
                    problems.append(
                        Problem(
                            file,
                            int(row),
                            "lower",
                            f"band overlaps the band on row {prev_row}",
                            "make each band start where the previous one ends",
                            f"pita tumpang tindih dengan pita di baris {prev_row}",
                            "mulai setiap pita tepat di akhir pita sebelumnya",
                        )
                    )
                prev_hi, prev_row = hi, row
    if problems:
        raise DataError(problems)
    return bands.sort_values(["code", "lower"], kind="stable").reset_index(drop=True)
