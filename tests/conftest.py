"""The named people of the suite, and what every test needs."""

import os
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.utils import translation

from config.celery import app as celery_app
from tests.factories import PASSWORD, CustomerFactory, StaffFactory
from tests.localsite import private_env, settings_in_run_dir


@pytest.fixture(scope="session", autouse=True)
def _never_the_local_site(tmp_path_factory, django_db_setup):
    """The suite never reads or writes `.run/`, the developer's local site (issue 8, finding 5).

    This process and every process a test starts (through os.environ) get a private state folder; then the
    session fails if any setting still points into `.run/`, so a new setting defaulting there is caught at once.
    """
    root = tmp_path_factory.mktemp("site")
    env = private_env(root)
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    private = root / "private"
    overrides = {
        "RUN_DIR": root,
        "PRIVATE_ROOT": private,
        "EXPORT_ROOT": private / "exports",
        "TICKET_FILES_ROOT": private / "tickets",
        "ERASURE_JOURNAL": env["ERASURE_JOURNAL"],
        "STATIC_ROOT": root / "static",
        "MARKETING_OUTBOX": root / "marketing",
        "CELERY_BEAT_SCHEDULE_FILENAME": env["CELERY_BEAT_SCHEDULE_FILENAME"],
    }
    # Under pytest MAILERS is Django's in-memory backend; a file backend left in place would write to .run/mail.
    mailer = settings.MAILERS["default"]
    if "file_path" in mailer.get("OPTIONS", {}):
        options = {**mailer["OPTIONS"], "file_path": env["EMAIL_FILE_PATH"]}
        overrides["MAILERS"] = {**settings.MAILERS, "default": {**mailer, "OPTIONS": options}}
    if getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None):
        broker = root / "broker"
        overrides["CELERY_BROKER_TRANSPORT_OPTIONS"] = {
            **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            "data_folder_in": str(broker / "out"),
            "data_folder_out": str(broker / "out"),
            "processed_folder": str(broker / "processed"),
            "control_folder": str(broker / "control"),
        }
        celery_app.conf.broker_transport_options = overrides["CELERY_BROKER_TRANSPORT_OPTIONS"]
    with override_settings(**overrides):
        left = settings_in_run_dir()
        if left:
            pytest.fail("settings point into .run/ (the local site): " + ", ".join(left), pytrace=False)
        yield root
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(autouse=True)
def _celery_runs_inline():
    # Unit tests run tasks in-process; tests/integration start a real worker instead.
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def session_authenticated(client, user, *, at=None, second_factor=True):
    """Record in the client's session what allauth records at a login: a password (and a second factor) at `at`."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    at = time.time() if at is None else at
    records = [{"method": "password", "at": at, "email": user.email}]
    if second_factor:
        records.append({"method": "mfa", "at": at, "type": "totp"})
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


@pytest.fixture(autouse=True)
def _rate_limits_start_empty():
    # The shared cache (files in the throwaway RUN_DIR of config/test_settings.py) outlives a test's transaction.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _force_login_is_a_full_login(monkeypatch):
    # force_login stands for a login just completed, both factors: what allauth would have recorded in the session.
    # Tests of the login itself post to /account/login/; tests of stale sessions call session_authenticated(at=...).
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session_authenticated(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _english_after_each_test():
    # A request for a customer who speaks French leaves French active in this thread; reset it.
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _exports_in_a_temporary_folder(settings, tmp_path):
    # Completed access requests build real ZIP files: keep them out of the developer's .run/.
    settings.EXPORT_ROOT = tmp_path / "exports"


@pytest.fixture(autouse=True)
def _ticket_files_in_a_temporary_folder(settings, tmp_path):
    # Ticket attachments and chat transcripts are real files: each test gets its own folder.
    settings.TICKET_FILES_ROOT = tmp_path / "tickets"


@pytest.fixture(autouse=True)
def _erasure_journal_in_a_temporary_folder(settings, tmp_path):
    # Every erasure (the demo data's too) appends to a journal outside the database: keep it out of .run/.
    settings.ERASURE_JOURNAL = str(tmp_path / "erasure-journal.jsonl")


@pytest.fixture
def audit_store_down(monkeypatch):
    """Call it, and the audit writes fail from then on (a full disk, a lost connection, a process killed then)."""
    import privacy.services.audit

    def fails(*args, **kwargs):
        raise RuntimeError("the audit trail could not be written")

    return lambda: monkeypatch.setattr(privacy.services.audit, "audit_record_request", fails)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def alice(db):
    """A customer."""
    return CustomerFactory(email="alice@example.com", first_name="Alice", last_name="Martin")


@pytest.fixture
def bob(db):
    """Another customer, who must never see Alice's data."""
    return CustomerFactory(email="bob@example.com", first_name="Bob", last_name="Durand")


@pytest.fixture
def dpo(db):
    """The DPO: staff in the DPO group, not a superuser."""
    user = StaffFactory(email="dpo@example.com", first_name="Dana", last_name="Protect")
    user.groups.add(Group.objects.get(name="DPO"))
    return user


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def dpo_client(client, dpo):
    client.force_login(dpo)
    return client
