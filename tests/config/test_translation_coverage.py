"""Every message the code and the templates use is in the catalogue, translated, in French, Spanish, Italian, German.

Django's own makemessages extracts the messages from a copy of the tree into a copy of locale/ (the real catalogue is
never written), so a string added without its translations fails here instead of showing up in English.
"""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.config.test_translations import _entries

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("accounts", "config", "exports", "privacy", "retention", "templates")
LANGUAGES = ("fr", "es", "it", "de")


def untranslated(tree, settings, monkeypatch):
    """{language: [msgid, ...]} of what the sources under `tree` use and its locale/ leaves untranslated."""
    settings.LOCALE_PATHS = [tree / "locale"]
    monkeypatch.chdir(tree)
    call_command(
        "makemessages",
        locale=list(LANGUAGES),
        domain="django",
        no_location=True,
        no_obsolete=True,
        verbosity=0,
    )
    found = {}
    for lang in LANGUAGES:
        po = (tree / "locale" / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        found[lang] = [msgid for flags, msgid, msgstrs in _entries(po) if "fuzzy" in flags or not all(msgstrs)]
    return found


@pytest.fixture
def tree(tmp_path):
    """A copy of the code, templates and catalogue, for makemessages to write into."""
    copy = tmp_path / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for name in SOURCES:
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    shutil.copytree(ROOT / "locale", copy / "locale", ignore=ignore)
    return copy


def test_every_message_in_use_is_translated(tree, settings, monkeypatch):
    assert untranslated(tree, settings, monkeypatch) == {lang: [] for lang in LANGUAGES}


def test_a_new_message_without_its_translations_fails(tree, settings, monkeypatch):
    view = tree / "privacy" / "views.py"
    view.write_text(view.read_text() + '\n\nPLANTED = _("A message nobody has translated yet")\n')
    template = tree / "templates" / "planted.html"
    template.write_text('{% load i18n %}{% translate "A template line nobody has translated" %}\n')

    found = untranslated(tree, settings, monkeypatch)

    for lang in LANGUAGES:
        assert set(found[lang]) == {"A message nobody has translated yet", "A template line nobody has translated"}
    assert "nobody" not in (ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po").read_text()
