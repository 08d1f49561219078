"""Settings come from the environment and fail closed: DEBUG unset is production, which refuses to start without
its keys (finding 4); development makes its secret key once per checkout in the run folder."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "k3y-" + "x7Qp9zR2" * 8,
    "SUPPRESSION_KEY": "sup-" + "Qp9zR2x7" * 8,
    "ERASURE_HASH_KEY": "era-" + "9zR2x7Qp" * 8,
    "AUDIT_CHAIN_KEY": "aud-" + "R2x7Qp9z" * 8,
    "ALLOWED_HOSTS": "client.example.com",
    # Production processes keep their state (file cache) in a folder of their own, never the checkout's .run/.
    "RUN_DIR": tempfile.mkdtemp(prefix="gdpr-prod-check-"),
    "DATABASE_URL": "sqlite:////tmp/gdpr-check.sqlite3",
    "CREDENTIALS_KEYS": "Ttk7Tl3Hb2w8n0bNrS6bVZ0i3cGx0Jx2m4K9y1t0E5Q=",
}


def _manage(*args, env):
    # DJANGO_ALLOW_ASYNC_UNSAFE (set for the browser tests) is itself a deployment error: keep it out.
    dropped = (
        "DEBUG",
        "SECRET_KEY",
        "SUPPRESSION_KEY",
        "ERASURE_HASH_KEY",
        "AUDIT_CHAIN_KEY",
        "CREDENTIALS_KEYS",
        "RUN_DIR",
        "CACHE_URL",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DATABASE_URL",
    )
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


def test_makemigrations_runs_without_keys_but_nothing_else_does():
    """Comparing the models with their migrations signs nothing: a fresh shell or a CI check needs no keys for it.
    It gets throwaway keys and run folder (manage.py); a command that uses the keys still stops."""
    checked = _manage("makemigrations", "--check", "--dry-run", env={})
    migrated = _manage("migrate", "--check", env={})

    assert checked.returncode == 0, checked.stderr
    assert "No changes detected" in checked.stdout
    assert migrated.returncode != 0 and "SECRET_KEY is not set" in migrated.stderr


def test_check_deploy_gives_no_warning_with_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SUPPRESSION_KEY", "ERASURE_HASH_KEY", "AUDIT_CHAIN_KEY"])
def test_production_without_a_hash_key_stops_and_never_falls_back_to_the_secret_key(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr and "never falls back to SECRET_KEY" in result.stderr


def test_debug_unset_means_production(tmp_path):
    # A deployment that forgets DEBUG gets production, which has no secret key of its own (finding 4).
    result = _manage("check", env={"RUN_DIR": str(tmp_path)})

    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_a_per_process_cache():
    result = _manage("check", env={**PRODUCTION, "CACHE_URL": "locmemcache://"})

    assert result.returncode != 0 and "per-process cache" in result.stderr


def test_development_makes_its_secret_key_once_per_checkout_in_the_run_folder(tmp_path):
    show = ["shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY, settings.SUPPRESSION_KEY)"]

    first = _manage(*show, env={"DEBUG": "True", "RUN_DIR": str(tmp_path)})
    second = _manage(*show, env={"DEBUG": "True", "RUN_DIR": str(tmp_path)})
    other = _manage(*show, env={"DEBUG": "True", "RUN_DIR": str(tmp_path / "other-checkout")})

    assert first.returncode == 0, first.stderr
    key, suppression = first.stdout.split()[-2:]
    assert len(key) >= 50 and key != suppression
    assert second.stdout.split()[-2:] == [key, suppression]
    assert other.stdout.split()[-2] != key
    assert (tmp_path / "secret_key").read_text() == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_no_key_is_a_constant_in_the_code_and_make_run_sets_development_mode():
    code = (ROOT / "config" / "settings.py").read_text()
    assert "dev-only" not in code and 'SECRET_KEY = "' not in code and "default=SECRET_KEY" not in code
    assert "export DEBUG=True" in (ROOT / "scripts" / "run.sh").read_text()


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


@pytest.mark.parametrize(("given", "kept"), [(None, 300), ("0", 0), ("60", 60)])
def test_postgresql_connections_are_kept_between_requests_and_checked_before_reuse(given, kept):
    # A connection per request cost a new PostgreSQL backend, its caches cold, on every page (bench/web.py).
    env = {**PRODUCTION, "DATABASE_URL": "postgres://u:p@db.invalid:5432/gdpr"}
    if given is not None:
        env["DB_CONN_MAX_AGE"] = given
    show = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = _manage("shell", "--verbosity=0", "-c", show, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(kept), "True"]
