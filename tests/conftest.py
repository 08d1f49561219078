"""The named people of the suite, and what every test needs."""

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from config.celery import app as celery_app
from tests.factories import PASSWORD, CustomerFactory, StaffFactory


@pytest.fixture(autouse=True)
def _celery_runs_inline():
    # Unit tests run tasks in-process; tests/integration start a real worker instead.
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


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
def _erasure_journal_in_a_temporary_folder(settings, tmp_path):
    # Every erasure (the demo data's too) appends to a journal outside the database: keep it out of .run/.
    settings.ERASURE_JOURNAL = str(tmp_path / "erasure-journal.jsonl")


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
