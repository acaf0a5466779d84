"""The speed-ups of issue 17 change no byte of the output.

``write_csv`` now formats numbers and text with numpy (``outputs.csv_chunks``). Today's
writer - neutralise formulas, round floats to 12 significant digits, ``DataFrame.to_csv`` -
is kept as the reference (``outputs.csv_text_reference``, rebuilt here from its parts), and
every table below is written both ways and compared byte for byte: NaN, -0.0, 1e-7, huge
and tiny magnitudes, powers of ten, values next to a power of ten, formulas (``=``, ``+``,
``-``, ``@``, tab), text with commas, quotes and line breaks, nullable integers, booleans,
categories, and the real score table of the shipped dataset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartcity_eval.io import outputs
from smartcity_eval.io.outputs import csv_chunks, csv_text_reference, write_csv

TRICKY_FLOATS = [
    np.nan,
    0.0,
    -0.0,
    1e-7,
    -1e-7,
    1e-4,
    9.99999999999e-5,
    1e-5,
    0.1 + 0.2,
    2.5833333333333335,
    1.0,
    -1.0,
    100.0,
    12.5,
    9.999999999995,
    99.99999999999,
    99.999999999996,
    123456789012345.6,
    1e15,
    9.999999999999e15,
    1e16,
    1e22,
    1e300,
    -1e300,
    5e-324,
    np.inf,
    -np.inf,
    1 / 3,
    2 / 3,
    1234.5,
]
TRICKY_TEXT = [
    "Kab. Kutai Timur",
    "=SUM(A1:A9)",
    "+62 812",
    "-3.5",
    "-x",
    "@cmd",
    "\tindent",
    "a,b",
    'say "hi"',
    'Kota, "B"',
    "line\nbreak",
    "",
    "café",
    "Ｋｏｔａ",
    "=",
    "+",
]


def reference(frame: pd.DataFrame) -> bytes:
    """Today's writer, written out: the steps of ``write_csv`` before issue 17."""
    safe = outputs._preformat_numbers(outputs.neutralise_formulas(frame))
    return safe.to_csv(index=False, lineterminator="\n").encode("utf-8")


def fast(frame: pd.DataFrame) -> bytes:
    chunks = csv_chunks(frame)
    assert chunks is not None, "the fast writer should handle this table"
    return b"".join(chunks)


def tricky_frame(n: int = 3000, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    floats = np.array(TRICKY_FLOATS)
    texts = np.array(TRICKY_TEXT, dtype=object)
    value = floats[rng.integers(0, len(floats), n)]
    value[: len(floats)] = floats
    rank = rng.integers(1, 600, n).astype(object)
    rank[rng.random(n) < 0.2] = None
    region = texts[rng.integers(0, len(texts), n)]
    region[:2] = None
    return pd.DataFrame(
        {
            "region": region,
            "year": rng.integers(2015, 2026, n),
            "score": value,
            "coverage": rng.integers(0, 9, n) / 8,  # few distinct values
            "rank": pd.array(rank, dtype="Int64"),
            "imputed": rng.random(n) < 0.3,
            "band": pd.Categorical(texts[rng.integers(0, 5, n)]),
            "=name": pd.array(texts[rng.integers(0, len(texts), n)], dtype="str"),
        }
    )


def test_reference_is_todays_writer():
    frame = tricky_frame(200)
    assert csv_text_reference(frame).encode("utf-8") == reference(frame)


def test_tricky_values_byte_identical():
    frame = tricky_frame()
    out = fast(frame)
    assert out == reference(frame)
    text = out.decode("utf-8")
    assert text.startswith("region,year,score,coverage,rank,imputed,band,'=name\n")
    for shown in (",1e-07,", ",-0.0,", ",0.3,", ",2.58333333333,", ",1e+16,", ",inf,", ",100.0,"):
        assert shown in text, shown
    assert "'=SUM(A1:A9)" in text and '"a,b"' in text and '"say ""hi"""' in text


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_magnitudes_and_digits_byte_identical(seed):
    """Every decimal exponent from 1e-12 to 1e19 with 1 to 17 significant digits, both signs;
    values a hair either side of powers of ten."""
    rng = np.random.default_rng(seed)
    n = 20_000
    digits = rng.integers(1, 18, n)
    x = np.array([float(f"{v:.{d}g}") for v, d in zip(rng.random(n) + 0.05, digits, strict=True)])
    x *= 10.0 ** rng.integers(-12, 20, n) * rng.choice([-1.0, 1.0], n)
    powers = 10.0 ** np.arange(-8, 18)
    x[: 3 * len(powers)] = np.concatenate(
        [powers, np.nextafter(powers, 0), np.nextafter(powers, np.inf)]
    )
    frame = pd.DataFrame({"code": rng.choice(["A", "B.1", "-C"], n), "value": x})
    assert fast(frame) == reference(frame)


def test_chunk_boundaries_change_nothing(monkeypatch):
    frame = tricky_frame(500)
    monkeypatch.setattr(outputs, "CHUNK_ROWS", 7)
    assert fast(frame) == reference(frame)


def test_write_csv_file_and_stdout_identical(tmp_path, capsys):
    frame = tricky_frame(400)
    out = tmp_path / "scores.csv"
    write_csv(frame, out)
    assert out.read_bytes() == reference(frame)
    write_csv(frame, "-")
    assert capsys.readouterr().out.encode("utf-8") == reference(frame)


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"only": ["=x", "", "b"]}),  # one column: the reference writes it
        pd.DataFrame({"a": [1, 2], "mixed": [1.5, "x"]}),  # objects that are not text
        pd.DataFrame({"a": ["x", "y", "z"], "mixed": [True, 1, 1.0]}),  # equal, not the same
        pd.DataFrame({"a": ["x", "y"], "f32": np.array([0.1, 2.5], dtype="float32")}),
        pd.DataFrame({"a": [], "b": []}),
        pd.DataFrame({"when": pd.to_datetime(["2024-01-02", None]), "v": [1.0, 2.0]}),
    ],
)
def test_tables_the_fast_writer_leaves_to_the_reference(tmp_path, frame):
    out = tmp_path / "t.csv"
    write_csv(frame, out)
    assert out.read_bytes() == reference(frame)


def test_score_table_of_shipped_dataset_identical(tmp_path):
    import smartcity_eval as se

    table = se.evaluate("kutai_timur").scores
    out = tmp_path / "scores.csv"
    write_csv(table, out)
    assert csv_chunks(table) is not None
    assert out.read_bytes() == reference(table)
    back = pd.read_csv(out)
    assert len(back) == len(table)
    assert np.allclose(back["score"], table["score"], equal_nan=True, rtol=1e-11)


def test_thousands_suspects_same_as_the_per_cell_rule():
    """The vectorised search of ``io/fastcsv.py`` settles the same decimal marks as
    ``numbers._decimal_marks`` and leaves the same ambiguous cells to the rule."""
    import random

    from smartcity_eval.io import numbers
    from smartcity_eval.io.fastcsv import thousands_suspects

    rng = random.Random(17)
    alphabet = "0123456789.,+- x"
    known = ["1.500", "12,250", "2.5", "0,125", "1 234.500", "-1.500", "+999,999", "1234.500"]
    for _ in range(2000):
        cells = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(30)]
        cells = list(dict.fromkeys(cells + rng.sample(known, 3)))
        marks = numbers._decimal_marks(cells)
        ambiguous = [c for c in cells if numbers._AMBIGUOUS.match(c.replace(" ", ""))]
        expected = [
            c
            for c in ambiguous
            if numbers._AMBIGUOUS.match(c.replace(" ", "")).group(1) not in marks
        ]
        got_marks, got = thousands_suspects(cells, numbers._AMBIGUOUS, numbers._DECIMAL)
        assert got == expected, cells
        assert got_marks == marks, cells


def _big_csv(rng: np.random.Generator, n: int = 12_000) -> str:
    cells = ["Kab. Kutai Timur", "café", '"a,b"', '"say ""hi"""', '"line\nbreak"', "", "1.500"]
    lines = ["region,year,indicator,value"]
    for i in range(n):
        lines.append(f"{rng.choice(cells)},{2015 + i % 9},I{i % 37},{rng.normal():.6g}")
        if i % 997 == 0:
            lines.append("")  # a blank record keeps its row number
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("variant", ["plain", "bom", "crlf", "cr_only", "utf16"])
def test_large_csv_read_from_bytes_same_grid(variant):
    """A large UTF-8 CSV is parsed from its bytes (``grid.read_csv_grid``): the same grid of
    cells as parsing the decoded text (``grid.csv_grid``), with a byte-order mark, CRLF
    line ends, CR-only line ends and UTF-16 (those two still go through the text)."""
    from smartcity_eval.io import grid

    text = _big_csv(np.random.default_rng(3))
    assert len(text) > grid._SMALL
    if variant == "crlf":
        text = text.replace("\n", "\r\n")
    if variant == "cr_only":
        text = text.replace("\n", "\r")
    raw = text.encode("utf-16" if variant == "utf16" else "utf-8")
    if variant == "bom":
        raw = b"\xef\xbb\xbf" + raw
    got, delimiter = grid.read_csv_grid(raw, "observations.csv", {"region", "year", "value"})
    assert delimiter == ","
    decoded = grid.decode(raw, "observations.csv")
    want = grid.csv_grid(decoded, ",", "observations.csv")
    pd.testing.assert_frame_equal(got, want)
    assert got.iloc[0, 0] == "region" and (got[0] == "café").any() and len(got) > 12_000
    assert got[0].str.startswith("line").any() and (got.iloc[2] == "").all()  # a blank record


def test_large_csv_unclosed_quote_same_error():
    from smartcity_eval.errors import DataError
    from smartcity_eval.io import grid

    text = _big_csv(np.random.default_rng(4)) + 'Kab. X,2020,I1,"1.5\n'
    with pytest.raises(DataError) as from_bytes:
        grid.read_csv_grid(text.encode("utf-8"), "observations.csv", {"region"})
    with pytest.raises(DataError) as from_text:
        grid.csv_grid(text, ",", "observations.csv")
    assert str(from_bytes.value) == str(from_text.value)
    assert "never closed" in str(from_bytes.value)


def test_few_distinct_floats_rounded_per_distinct_value():
    """Coverage-like columns are formatted once per distinct bit pattern, rounded after
    factorising: values that round alike (0.1 + 0.2 and 0.3), -0.0 and 0.0, NaN."""
    rng = np.random.default_rng(8)
    pool = np.array([0.1 + 0.2, 0.3, -0.0, 0.0, np.nan, 1 / 3, 0.5, 1.0, 2.5833333333333335])
    frame = pd.DataFrame({"code": rng.choice(["A", "B"], 5000), "coverage": rng.choice(pool, 5000)})
    out = fast(frame)
    assert out == reference(frame)
    text = out.decode("utf-8")
    assert ",0.3\n" in text and ",-0.0\n" in text and ",0.0\n" in text and ",\n" in text


def test_band_label_column_same_as_per_row_mapping():
    """``score``'s ``band_label`` (mapped once per distinct band) equals the per-row rule."""
    from smartcity_eval.cli.score import band_label

    bands = pd.DataFrame({"label": ["Good", "Poor", "Odd"], "label_id": ["Baik", "Kurang", " "]})
    band = pd.array(["Good", "", None, "Poor", "Odd", "Other", "Good"], dtype="str")
    mapping = {"Good": "Baik", "Poor": "Kurang"}
    for lang, table in [
        (lang, pd.DataFrame({"band": b})) for lang in ("id", "en") for b in (band, band[3:])
    ]:
        want = [
            (mapping.get(b, b) if lang == "id" else b) if isinstance(b, str) else ""
            for b in table["band"]
        ]
        got = band_label(bands, table, lang)
        assert list(got) == want
        assert pd.Series(got).dtype == "str"
