"""The exports app's messages, in the project's one catalogue: French, Spanish, Italian and German (R80)."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from tests.config.test_translations import _entries

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = ("fr", "es", "it", "de")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalogue(lang):
    return list(_entries((LOCALE / lang / "LC_MESSAGES" / "django.po").read_text()))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_export_message_is_translated_with_the_same_placeholders(lang):
    entries = _catalogue(lang)

    missing = [msgid for flags, msgid, msgstrs in entries if "fuzzy" in flags or not all(msgstrs)]
    broken = [
        msgid
        for _flags, msgid, msgstrs in entries
        for msgstr in msgstrs
        if set(PLACEHOLDER.findall(msgstr)) - set(PLACEHOLDER.findall(msgid))
        or not set(PLACEHOLDER.findall(msgid)) <= set(PLACEHOLDER.findall(msgstr)) | {"%(n)d", "%(counter)s"}
    ]

    assert len(entries) > 150
    assert missing == [] and broken == []


def test_the_four_catalogues_hold_the_same_messages():
    msgids = {lang: {msgid for _flags, msgid, _ in _catalogue(lang)} for lang in LANGUAGES}

    assert msgids["fr"] == msgids["es"] == msgids["it"] == msgids["de"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Préparer mon export"),
        ("es", "Generar mi exportación"),
        ("it", "Prepara la mia esportazione"),
        ("de", "Meinen Export erstellen"),
    ],
)
def test_the_compiled_catalogue_is_used(lang, expected):
    with translation.override(lang):
        assert translation.gettext("Build my export") == expected
