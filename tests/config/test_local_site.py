"""Tests never touch `.run/` (issue 8, finding 5): the check that fails the session, and what it sees."""

from pathlib import Path

from django.conf import settings
from django.test import override_settings

from tests.localsite import LOCAL_SITE, private_env, settings_in_run_dir


def test_no_setting_of_this_session_points_into_the_local_site():
    assert settings_in_run_dir() == []
    assert not Path(settings.PRIVATE_ROOT).resolve().is_relative_to(LOCAL_SITE.resolve())


def test_the_check_finds_a_setting_pointing_into_the_local_site_even_nested():
    with override_settings(
        SOME_FOLDER=LOCAL_SITE / "private",
        SOME_URL=f"sqlite:///{LOCAL_SITE / 'db.sqlite3'}",
        SOME_OPTIONS={"a": [str(LOCAL_SITE / "broker" / "out")]},
        HARMLESS=str(LOCAL_SITE.parent / "templates"),
    ):
        found = settings_in_run_dir()

    assert sorted(n.split("=")[0] for n in found) == ["SOME_FOLDER", "SOME_OPTIONS['a'][0]", "SOME_URL"]


def test_the_private_environment_covers_every_folder_a_process_writes(tmp_path):
    env = private_env(tmp_path)

    assert set(env) >= {"PRIVATE_ROOT", "ERASURE_JOURNAL", "EMAIL_FILE_PATH", "CELERY_BROKER_DIR", "RUN_DIR"}
    assert all(Path(v).is_relative_to(tmp_path) for v in env.values())
