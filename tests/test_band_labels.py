"""Band labels in CSV output follow ``--lang`` (issue #14): ``score`` writes ``band`` (the
English label of bands.csv, a stable code) and ``band_label`` (in ``--lang``: for ``id`` the
official Indonesian label of bands.csv); ``gaps`` writes ``band``/``status`` codes beside
``band_id``/``status_id``, their Indonesian words from the message catalogue.

Published: Kabupaten Kutai Timur's SPBE index 1.00 (2021, "Kurang" < 1.8), 2.79 (2022) and
3.20 (2023, "Baik", PermenPANRB 59/2020 predicates 2.6 <= Baik < 3.5).
"""

from __future__ import annotations

import pandas as pd
import pytest

from smartcity_eval.cli.main import main
from smartcity_eval.messages import t


def _score(tmp_path, *flags):
    out = tmp_path / "scores.csv"
    assert (
        main(["score", "kutai_timur", "--framework", "spbe_2020", "--out", str(out), *flags]) == 0
    )
    table = pd.read_csv(out, keep_default_na=False)
    return table[table["code"] == "SPBE"].set_index("year")


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("id", {2021: "Kurang", 2022: "Baik", 2023: "Baik"}),
        ("en", {2021: "Poor", 2022: "Good", 2023: "Good"}),
    ],
)
def test_score_csv_band_label_follows_lang(tmp_path, lang, labels):
    index = _score(tmp_path, "--lang", lang)
    assert index["band_label"].to_dict() == labels
    assert index["band"].to_dict() == {2021: "Poor", 2022: "Good", 2023: "Good"}  # the code
    columns = list(pd.read_csv(tmp_path / "scores.csv", nrows=0).columns)
    assert columns.index("band_label") == columns.index("band") + 1


def test_score_csv_without_bands_has_empty_labels(tmp_path):
    out = tmp_path / "scores.csv"
    assert main(["score", "kutai_timur", "--lang", "id", "--out", str(out)]) == 0
    table = pd.read_csv(out, keep_default_na=False)
    assert (table["band_label"] == "").all() and (table["band"] == "").all()


def test_gaps_csv_has_the_indonesian_words_beside_the_codes(tmp_path):
    out = tmp_path / "gaps.csv"
    region = "Kabupaten Kutai Timur"
    args = ["gaps", "kutai_timur", "--region", region, "--what", "targets,trajectory"]
    assert main([*args, "--lang", "id", "--out", str(out)]) == 0
    table = pd.read_csv(out, keep_default_na=False)
    bands = table[table["band"] != ""]
    assert len(bands) and (bands["band_id"] == [t(f"band.{b}", "id") for b in bands["band"]]).all()
    assert set(bands["band_id"]) <= {
        t(f"band.{b}", "id") for b in ("achieved", "near", "midway", "far")
    }
    status = table[table["status"] != ""]
    assert (
        len(status)
        and (status["status_id"] == [t(f"status.{s}", "id") for s in status["status"]]).all()
    )
