"""The customer's life cycle and language."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User


@pytest.mark.django_db
def test_each_life_cycle_change_is_stamped(alice):
    with time_machine.travel("2026-03-01 09:00 +01:00", tick=False):
        alice.set_state(User.State.ARCHIVED)
        alice.save()
    archived = timezone.now().replace(year=2026, month=3, day=1, hour=8, minute=0, second=0, microsecond=0)
    assert (alice.state, alice.archived_at, alice.state_changed_at, alice.is_active) == (
        "archived",
        archived,
        archived,
        False,
    )

    with time_machine.travel("2026-04-01 09:00 +02:00", tick=False):
        alice.set_state(User.State.ACTIVE)
    assert alice.archived_at is None and alice.is_active

    alice.set_state(User.State.TERMINATED)
    assert alice.terminated_at == alice.state_changed_at and not alice.is_active
    alice.set_state(User.State.ERASED)
    assert alice.erased_at == alice.state_changed_at


@pytest.mark.django_db
def test_the_page_speaks_the_customers_stored_language(client, alice):
    alice.preferred_language = "de"
    alice.save()
    client.force_login(alice)

    response = client.get(reverse("accounts:dashboard"), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.headers["Content-Language"] == "de"
    assert '<html lang="de">' in response.content.decode()


@pytest.mark.django_db
def test_a_visitor_gets_the_browsers_language_else_english(client):
    assert client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="it").headers["Content-Language"] == "it"
    assert client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="ja").headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_emails_are_stored_lower_case_and_unique_whatever_the_case(alice):
    from django.db import IntegrityError

    assert User.objects.create_user("Carol@Example.COM", "x").email == "carol@example.com"
    with pytest.raises(IntegrityError):
        User.objects.create(email="ALICE@example.com", first_name="A", last_name="B")
