"""The one region/year check (smartcity_eval.analysis.selection) and the analysis layer's
vocabularies and messages."""

from __future__ import annotations

import doctest
import importlib

import pytest

from smartcity_eval import vocab
from smartcity_eval.analysis.selection import check_selection
from smartcity_eval.errors import DataError
from smartcity_eval.messages import EN, ID, t

REGIONS = ["Kabupaten Kutai Timur", "Kota Samarinda", "Kota Bontang"]
YEARS = [2021, 2022, 2023, 2024]


def test_known_selection_passes():
    check_selection(REGIONS, YEARS)
    check_selection(REGIONS, YEARS, "Kota Bontang", "2023")
    check_selection(REGIONS, YEARS, None, 2021, peers=["Kota Samarinda"])
    check_selection(REGIONS, YEARS, ["Kota Bontang", "Kota Samarinda"], [2021, 2024])


def test_every_unknown_choice_is_reported_at_once_with_the_file():
    with pytest.raises(DataError) as err:
        check_selection(
            REGIONS,
            YEARS,
            ["Kota Bontang", "Kota Balikpapan"],
            [2019, 2024, 2030],
            file="data/x/dataset.toml",
        )
    problems = err.value.problems
    assert [p.column for p in problems] == ["region", "year", "year"]
    assert {p.file for p in problems} == {"data/x/dataset.toml"}


def test_unknown_region_suggests_the_closest_in_both_languages():
    with pytest.raises(DataError) as err:
        check_selection(REGIONS, YEARS, "Kab. Kutai Timor", 2024)
    problem = err.value.problems[0]
    assert "unknown region 'Kab. Kutai Timor'" in problem.message
    assert "Kabupaten Kutai Timur" in problem.fix and "Kabupaten Kutai Timur" in problem.fix_id
    assert "tidak dikenal" in problem.message_id
    with pytest.raises(DataError, match="Kota Samarinda"):
        check_selection(REGIONS, YEARS, peers=["Kota Samarindah"])


def test_unknown_year_lists_the_known_years():
    with pytest.raises(DataError) as err:
        check_selection(REGIONS, YEARS, "Kota Bontang", 2019)
    problem = err.value.problems[0]
    assert problem.fix == "use one of 2021, 2022, 2023, 2024"
    assert problem.fix_id == "gunakan salah satu dari 2021, 2022, 2023, 2024"


def test_every_band_and_status_has_a_display_name_in_both_languages():
    for value in vocab.ACHIEVEMENT_BANDS:
        assert f"band.{value}" in EN and f"band.{value}" in ID
        assert t(f"band.{value}", "en") == value
    for value in vocab.TRAJECTORY_STATUSES:
        assert f"status.{value}" in EN and f"status.{value}" in ID
        assert t(f"status.{value}", "en") == value
    assert t("band.achieved", "id") == "tercapai"
    assert t("status.on track", "id") == "sesuai jalur"


@pytest.mark.parametrize("name", ["targets", "tolerance", "krippendorff"])
def test_docstring_examples(name):
    module = importlib.import_module(f"smartcity_eval.analysis.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
