"""Settings come from the environment; production refuses to start without a secret and passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "k3y-" + "x7Qp9zR2" * 8,
    "ALLOWED_HOSTS": "client.example.com",
    "DATABASE_URL": "sqlite:////tmp/gdpr-check.sqlite3",
    "CREDENTIALS_KEYS": "Ttk7Tl3Hb2w8n0bNrS6bVZ0i3cGx0Jx2m4K9y1t0E5Q=",
}


def _manage(*args, env):
    # DJANGO_ALLOW_ASYNC_UNSAFE (set for the browser tests) is itself a deployment error: keep it out.
    dropped = ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_secret_key_stops_with_a_clear_message():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_gives_no_warning_with_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_needs_no_environment(tmp_path):
    # Only the state folder is moved, as make run's own RUN_DIR would be: never the developer's .run/.
    result = _manage("check", env={"RUN_DIR": str(tmp_path)})

    assert result.returncode == 0, result.stderr


def test_time_zones_default_to_paris():
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.SITE_TIME_ZONE == "Europe/Paris"


def test_argon2_is_the_first_hasher():
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    response = client.get(reverse("accounts:login"))

    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
