"""Every message has a French, Spanish, Italian and German translation (R80)."""

import re
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = ("fr", "es", "it", "de")


def _entries(po_text):
    """(flags, msgid, [msgstr...]) for each entry of a .po file, header excluded."""
    for block in po_text.split("\n\n"):
        lines = block.strip().splitlines()
        flags = " ".join(line for line in lines if line.startswith("#,"))
        body = "\n".join(line for line in lines if not line.startswith("#"))
        msgid = "".join(re.findall(r'"(.*)"', body.split("msgstr")[0].split("msgid_plural")[0]))
        msgstrs = ["".join(re.findall(r'"(.*)"', part)) for part in re.split(r"msgstr(?:\[\d+\])?\s", body)[1:]]
        if msgid:
            yield flags, msgid, msgstrs


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(lang):
    po = (LOCALE / lang / "LC_MESSAGES" / "django.po").read_text()

    entries = list(_entries(po))
    missing = [msgid for flags, msgid, msgstrs in entries if "fuzzy" in flags or not all(msgstrs)]

    assert len(entries) > 300
    assert missing == []


@pytest.mark.parametrize(("lang", "expected"), [("fr", "Se connecter"), ("de", "Anmelden")])
def test_the_compiled_catalogue_is_used(lang, expected):
    with translation.override(lang):
        assert translation.gettext("Log in") == expected
