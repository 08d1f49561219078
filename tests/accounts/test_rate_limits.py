"""Limits live in the shared cache and answer 429 (finding 10): failed logins, sign-up, password reset, email change.

The cross-process test counts failures in another Python process (another web worker, or the site before a
restart) against the real Redis of `make test`, and finds the limit reached here.
"""

import os
import subprocess
import sys
import textwrap
import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.accounts.allauth_steps import login, signup
from tests.integration.conftest import ROOT, skip_or_fail


def test_the_cache_is_shared_by_every_process():
    backend = settings.CACHES["default"]["BACKEND"]
    assert not backend.endswith(("LocMemCache", "DummyCache")), backend


@pytest.mark.django_db
def test_fifteen_password_resets_send_at_most_three_mails_and_then_429(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            client.post(reverse("account_reset_password"), {"email": alice.email}).status_code for _ in range(15)
        ]

    assert len(mail.outbox) <= 3
    assert statuses[:3] == [302] * 3 and set(statuses[5:]) == {429}


@pytest.mark.django_db
def test_sign_ups_from_one_address_are_limited_and_the_refused_one_stores_nothing(
    client, django_capture_on_commit_callbacks
):
    statuses = [
        signup(client.__class__(), django_capture_on_commit_callbacks, email=f"new{n}@example.com").status_code
        for n in range(6)
    ]

    assert statuses == [302] * 5 + [429]
    assert not User.objects.filter(email="new5@example.com").exists()
    assert "Too many attempts" in signup(client, django_capture_on_commit_callbacks).content.decode()


@pytest.mark.django_db
def test_email_changes_are_limited(alice_client, alice, password, django_capture_on_commit_callbacks):
    alice_client.post(reverse("account_reauthenticate"), {"password": password})
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            alice_client.post(reverse("account_email"), {"action_add": "", "email": f"a{n}@example.org"}).status_code
            for n in range(4)
        ]

    assert statuses[-1] == 429


@pytest.fixture
def shared_redis(settings):
    url = os.environ.get("TEST_REDIS_URL", "").strip()
    if not url:
        skip_or_fail("TEST_REDIS_URL is not set: this test needs the real Redis of make test")
    url = url.rsplit("/", 1)[0] + "/7"  # a database of its own
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    from django.core.cache import cache

    cache.clear()
    yield url
    cache.clear()


FAIL_IN_ANOTHER_PROCESS = textwrap.dedent(
    """
    import django
    django.setup()
    from django.test import RequestFactory
    from allauth.account.adapter import get_adapter
    from django.core.exceptions import ValidationError
    for n in range(5):
        request = RequestFactory().post("/account/login/", REMOTE_ADDR="192.0.2.{n}".format(n=n))
        get_adapter(request).pre_authenticate(request, email="{email}", password="guess")
    print("consumed")
    """
)


@pytest.mark.django_db
def test_failures_counted_by_another_process_lock_the_account_here(client, alice, password, shared_redis):
    env = {**os.environ, "CACHE_URL": shared_redis, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    script = FAIL_IN_ANOTHER_PROCESS.replace("{email}", alice.email)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "consumed" in done.stdout, done.stderr[-3000:]

    assert login(client, alice.email, password).status_code == 429
    assert login(client.__class__(), f"{uuid.uuid4().hex}@example.com", "x").status_code == 200  # others unaffected
