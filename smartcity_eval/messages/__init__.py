"""The words of the reports, in Bahasa Indonesia and English.

One dict per language (:mod:`smartcity_eval.messages.en`, :mod:`smartcity_eval.messages.id`),
the same keys in both (``tests/test_reports.py`` checks it), and :func:`t` to look a key up
and fill in its ``{placeholders}``. Names of frameworks' nodes
come from the framework itself (``name_id`` / ``name``, see
:meth:`smartcity_eval.io.frameworks.Framework.label`); the achievement bands and trajectory
statuses (:mod:`smartcity_eval.vocab`) have keys ``band.<value>`` and ``status.<value>``.

Terms follow the Kominfo smart-city guidance (*Buku Panduan Penyusunan Masterplan Smart
City*, 2021) and PermenPANRB 59/2020 on SPBE where they have an Indonesian name: pilar /
dimensi, elemen, indikator, penilaian mandiri, asesor, predikat, masterplan.
"""

from __future__ import annotations

from smartcity_eval.messages.en import EN
from smartcity_eval.messages.id import ID
from smartcity_eval.vocab import LANGS

__all__ = ["LANGS", "LABELS", "EN", "ID", "t", "lang_or_default"]


#: Every string by language.
LABELS: dict[str, dict[str, str]] = {"en": EN, "id": ID}


def lang_or_default(lang: str | None, default: str = "en") -> str:
    """``lang`` when it is a known language, else ``default``."""
    return lang if lang in LABELS else default


def t(key: str, lang: str | None = "en", /, **values: object) -> str:
    """The text of ``key`` in ``lang`` (``"id"`` or ``"en"``), with ``values`` filled in.

    Falls back to English when the key has no translation, and to the key itself when it is
    unknown (a visible mistake rather than an exception in the middle of a report).

    >>> t("headline.rank", "id", rank=2, n=10)
    'peringkat 2 dari 10 daerah'
    """
    table = LABELS.get(lang or "en", EN)
    text = table.get(key, EN.get(key, key))
    return text.format(**values) if values else text
