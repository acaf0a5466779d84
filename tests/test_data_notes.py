"""Data notes and the dataset's description in the report's language.

A note of observations.csv / published.csv is data, written in one language
(dataset.toml ``note_lang``, default ``lang``); ``note_id`` / ``note_en`` give it per
language. The report shows the note of its language, else the source note marked with its
language. The Indonesian report shows ``description_id``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from smartcity_eval.errors import DataError
from smartcity_eval.io.dataset import load_dataset
from smartcity_eval.reports import content, sections
from smartcity_eval.reports.notes import note_in, notes_in

from .conftest import DATA, write_dataset
from .test_reports import SMALL


def test_note_in_by_hand():
    # 1. the note of the report's language
    assert note_in("id", "en", "not verified", {"id": "belum diverifikasi"}) == "belum diverifikasi"
    assert note_in("en", "en", "not verified", {"id": "belum diverifikasi"}) == "not verified"
    # 2. the source note, marked when it is in the other language
    assert note_in("id", "en", "not verified") == "not verified (dalam bahasa Inggris)"
    assert note_in("en", "id", "belum diverifikasi") == "belum diverifikasi (in Indonesian)"
    # 3. only the other language's column: marked with that language
    assert note_in("en", "id", "", {"id": "belum"}) == "belum (in Indonesian)"
    assert note_in("id", "id", "", {"en": "late"}) == "late (dalam bahasa Inggris)"
    # 4. nothing; blanks and NaN are nothing
    assert note_in("en", "id", "  ", {"id": float("nan"), "en": None}) == ""
    frame = pd.DataFrame({"note": ["a", ""], "note_en": ["", "b"]})
    assert notes_in(frame, "en", "id").tolist() == ["a (in Indonesian)", "b"]
    assert notes_in(pd.DataFrame(index=[0]), "id", "id").tolist() == [""]


def _small_with_notes(tmp_path: Path, note_lang: str | None) -> Path:
    files = dict(SMALL)
    lines = files["observations.csv"].splitlines()
    out = [lines[0] + ",note_id"]
    for line in lines[1:]:
        indonesian = "belum diverifikasi: tidak ada skor asesor" if line.endswith("score") else ""
        # Kota Satu 2024 I121 is the one missing value: only Kota Satu gets the Indonesian note
        out.append(line + "," + (indonesian if line.startswith("Kota Satu") else ""))
    files["observations.csv"] = "\n".join(out) + "\n"
    files["dataset.toml"] = files["dataset.toml"].replace(
        'note_lang = "en"\n', f'note_lang = "{note_lang}"\n' if note_lang else ""
    )
    return write_dataset(tmp_path / "small", files)


def test_the_report_shows_the_observation_note_in_its_language(tmp_path):
    folder = _small_with_notes(tmp_path, "en")
    ds = load_dataset(folder)
    assert ds.note_lang == "en" and ds.lang == "id"
    ind = content.report_data(folder, "Kota Satu", 2024, "id")
    eng = content.report_data(folder, "Kota Satu", 2024, "en")
    assert ind["missing"]["code"].tolist() == ["I121"]
    assert ind["missing"]["note"].tolist() == ["belum diverifikasi: tidak ada skor asesor"]
    assert eng["missing"]["note"].tolist() == ["not verified: no assessor score"]
    page = sections.render(sections.coverage, ind)
    assert "belum diverifikasi: tidak ada skor asesor" in page
    assert "not verified" not in page


def test_a_note_without_its_translation_is_marked_with_its_language(tmp_path):
    assert 'note_lang = "en"' in SMALL["dataset.toml"]
    folder = write_dataset(tmp_path / "small", SMALL)
    ind = content.report_data(folder, "Kota Satu", 2024, "id")
    assert ind["missing"]["note"].tolist() == [
        "not verified: no assessor score (dalam bahasa Inggris)"
    ]
    # without note_lang the note is taken to be in the dataset's language (id): the
    # English report marks it
    files = {**SMALL, "dataset.toml": SMALL["dataset.toml"].replace('note_lang = "en"\n', "")}
    plain = write_dataset(tmp_path / "plain", files)
    eng = content.report_data(plain, "Kota Satu", 2024, "en")
    assert eng["missing"]["note"].tolist() == ["not verified: no assessor score (in Indonesian)"]


def test_note_lang_is_checked(tmp_path):
    files = dict(SMALL)
    files["dataset.toml"] = files["dataset.toml"].replace('note_lang = "en"', 'note_lang = "fr"')
    folder = write_dataset(tmp_path / "small", files)
    with pytest.raises(DataError) as err:
        load_dataset(folder)
    assert "note_lang 'fr' is not 'id' or 'en'" in err.value.format("en")


def test_published_notes_show_in_the_letter_table(tmp_path):
    folder = tmp_path / "kota_jambi"
    shutil.copytree(DATA / "kota_jambi", folder)
    pub = pd.read_csv(folder / "published.csv", dtype=str, keep_default_na=False)
    pub["note"] = ""
    pub["note_id"] = ""
    pub.loc[pub["code"] == "FINAL", "note"] = "rank 13 of 191"
    pub.loc[pub["code"] == "FINAL", "note_id"] = "peringkat 13 dari 191"
    pub.loc[pub["code"] == "OUTPUT", "note_id"] = "dibulatkan dua desimal"
    pub.to_csv(folder / "published.csv", index=False)
    (folder / "dataset.toml").write_text(
        (folder / "dataset.toml")
        .read_text(encoding="utf-8")
        .replace('lang = "id"\n', 'lang = "id"\nnote_lang = "en"\n'),
        encoding="utf-8",
    )
    ind = content.report_data(folder, "Kota Jambi", 2024, "id")
    eng = content.report_data(folder, "Kota Jambi", 2024, "en")
    notes_id = dict(zip(ind["letter"]["code"], ind["letter"]["published_note"], strict=True))
    notes_en = dict(zip(eng["letter"]["code"], eng["letter"]["published_note"], strict=True))
    assert notes_id["FINAL"] == "peringkat 13 dari 191" and notes_en["FINAL"] == "rank 13 of 191"
    assert notes_id["OUTPUT"] == "dibulatkan dua desimal"
    assert notes_en["OUTPUT"] == "dibulatkan dua desimal (in Indonesian)"
    assert notes_en["BASELINE"] == ""
    page = sections.render(sections.headline, ind)
    assert "peringkat 13 dari 191" in page and "dibulatkan dua desimal" in page


@pytest.mark.parametrize("name", ["kutai_timur", "kota_jambi", "kota_kediri"])
def test_every_dataset_has_its_title_and_description_in_indonesian(name):
    ds = load_dataset(DATA / name)
    for key in ("title", "description"):
        assert str(ds.meta.get(f"{key}_id", "")).strip(), (name, key)
        assert content.dataset_text(ds, key, "id") == ds.meta[f"{key}_id"]
        assert content.dataset_text(ds, key, "en") == ds.meta[key]


def test_the_indonesian_report_shows_description_id():
    import smartcity_eval as se

    ev = se.evaluate("kutai_timur")
    ds = ev.dataset
    ind = content.report_data(ev, "Kabupaten Kutai Timur", 2024, "id")
    eng = content.report_data(ev, "Kabupaten Kutai Timur", 2024, "en")
    page_id = sections.render(sections.header, ind)
    page_en = sections.render(sections.header, eng)
    assert ds.meta["description_id"][:60] in page_id and ds.meta["description"][:60] not in page_id
    assert ds.meta["description"][:60].replace("'", "&#x27;") in page_en
