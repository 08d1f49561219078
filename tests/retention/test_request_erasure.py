"""An erasure request runs through the same engine, from the DPO's preview and typed confirmation (R23, R69)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Order, User
from privacy.models import DataSubjectRequest
from privacy.services.requests import RequestError, request_complete, request_file
from retention.models import ErasureTombstone, LegalHold
from tests import factories
from tests.retention.population import erasure_request, everything

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_asks(alice, dpo):
    with time_machine.travel(NOW, tick=False):
        everything(alice, now=NOW, staff=dpo)
        return erasure_request(alice, staff=dpo, now=NOW)


def _erase_url(req):
    return reverse("admin:retention_erase_request", args=[req.pk])


def test_completing_an_erasure_request_erases_through_the_engine_and_mails_what_was_kept(
    alice_asks, alice, dpo, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        request_complete(alice_asks, actor=dpo, response="Done.")

    tombstone = User.objects.get(pk=alice.pk)
    assert tombstone.state == User.State.ERASED and tombstone.email.endswith("@invalid")
    assert ErasureTombstone.objects.get().reference == alice_asks.reference
    req = DataSubjectRequest.objects.get(pk=alice_asks.pk)
    assert req.status == "completed" and req.requester_email == "alice@example.com"  # the proof is kept
    body = mail.outbox[-1].body
    assert mail.outbox[-1].to == ["alice@example.com"]
    assert "What we had to keep, and why:" in body
    assert (
        "- kept: Invoices — Accounting record kept 10 years (French Commercial Code L123-22), until 31 December 2035"
        in body
    )
    assert "- kept: Orders — Accounting evidence kept 10 years" in body


def test_recipients_of_the_erased_categories_are_listed_to_be_told(alice_asks, dpo):
    from privacy.models import RecipientNotification

    with time_machine.travel(NOW, tick=False):
        request_complete(alice_asks, actor=dpo, response="Done.")

    recipients = set(RecipientNotification.objects.filter(request=alice_asks).values_list("recipient", flat=True))
    # Support tickets and domains are deleted by the erasure; their recipients are still listed (Art. 19).
    assert {"Our hosting provider", "Domain registries and registrars"} <= recipients


def test_the_completion_mail_lists_what_was_kept_in_the_persons_language(
    alice_asks, alice, dpo, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=alice.pk).update(preferred_language="fr")
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        request_complete(alice_asks, actor=dpo, response="Fait.")

    assert "31 décembre 2035" in mail.outbox[-1].body


def test_a_legal_hold_refuses_the_erasure_with_a_clear_message_and_nothing_changes(alice_asks, alice, dpo):
    LegalHold.objects.create(customer=alice, reason="Unpaid balance", reference="INV-2026-9", created_at=NOW)

    with time_machine.travel(NOW, tick=False), pytest.raises(RequestError, match="legal hold.*Unpaid balance"):
        request_complete(alice_asks, actor=dpo, response="Done.")

    assert User.objects.get(pk=alice.pk).email == "alice@example.com"
    assert DataSubjectRequest.objects.get(pk=alice_asks.pk).status == "in_progress"
    assert not ErasureTombstone.objects.exists()


def test_a_person_without_an_account_is_erased_by_their_email(dpo):
    from accounts.models import Prospect
    from privacy.services.requests import request_verify_identity

    with time_machine.travel(NOW, tick=False):
        factories.ProspectFactory(email="paul@example.org")
        req = request_file(kind="erasure", channel="email", email="paul@example.org", name="Paul", received_at=NOW)
        req = request_verify_identity(req, actor=dpo)
        request_complete(req, actor=dpo, response="Done.")

    assert not Prospect.objects.exists()
    assert ErasureTombstone.objects.get().kind == "email"


# The admin page: preview, typed email, login within 15 minutes.


def _login(client, user, when):
    with time_machine.travel(when, tick=False):
        client.force_login(user)
        User.objects.filter(pk=user.pk).update(last_login=when)


def test_the_dpo_sees_per_category_what_goes_and_what_stays_and_why(client, alice_asks, dpo):
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        html = client.get(_erase_url(alice_asks)).content.decode()

    assert "alice@example.com" in html and 'id="erasure-preview"' in html
    assert "Accounting record kept 10 years" in html and "Support tickets" in html
    assert "The account stays as an anonymised record" in html
    assert 'id="erase-form"' in html
    assert User.objects.get(email="alice@example.com")  # a preview changes nothing


def test_a_wrong_typed_email_erases_nothing(client, alice_asks, dpo, alice):
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        response = client.post(_erase_url(alice_asks), {"confirm_email": "bob@example.com", "response": "Done."})

    assert response.status_code == 200 and "not the person" in response.content.decode()
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"


def test_a_login_older_than_15_minutes_sends_the_dpo_to_log_in_again(client, alice_asks, dpo, alice):
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
        response = client.post(_erase_url(alice_asks), {"confirm_email": "alice@example.com", "response": "Done."})

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert "next=" in response["Location"]
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"


def test_a_login_elsewhere_does_not_refresh_an_old_session(alice_asks, dpo, alice):
    # Two sessions of the same DPO (finding 6): the old one stays old whatever the other does.
    old, fresh = Client(), Client()
    _login(old, dpo, NOW)
    _login(fresh, dpo, NOW + timedelta(minutes=20))
    data = {"confirm_email": "alice@example.com", "response": "Done."}
    with time_machine.travel(NOW + timedelta(minutes=21), tick=False):
        refused = old.post(_erase_url(alice_asks), data)
        assert refused.status_code == 302 and refused["Location"].startswith(reverse("account_reauthenticate"))
        assert User.objects.get(pk=alice.pk).email == "alice@example.com"
        done = fresh.post(_erase_url(alice_asks), data)

    assert done.status_code == 302
    assert User.objects.get(pk=alice.pk).state == User.State.ERASED


def test_a_recent_login_and_the_right_email_complete_the_request(client, alice_asks, dpo, alice):
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=14), tick=False):
        response = client.post(
            _erase_url(alice_asks), {"confirm_email": " Alice@Example.com ", "response": "Your data is erased."}
        )

    assert response.status_code == 302
    assert User.objects.get(pk=alice.pk).state == User.State.ERASED
    assert DataSubjectRequest.objects.get(pk=alice_asks.pk).status == "completed"
    assert not Order.objects.filter(customer=alice).exclude(target_url="").exists()


def test_a_blocked_erasure_shows_why_and_offers_no_button(client, alice_asks, dpo, alice):
    factories.ServiceFactory(customer=alice, status="active")
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        html = client.get(_erase_url(alice_asks)).content.decode()

    assert "active service" in html and 'id="erase-form"' not in html


def test_support_staff_cannot_open_the_erasure_page(client, alice_asks):
    support = factories.StaffFactory(email="support@example.com")
    support.groups.add(Group.objects.get(name="Support"))
    _login(client, support, NOW)

    with time_machine.travel(NOW, tick=False):
        assert client.get(_erase_url(alice_asks)).status_code == 403


def test_only_erasure_requests_have_an_erasure_page(client, dpo, alice):
    req = request_file(kind="access", channel="client_area", customer=alice)
    _login(client, dpo, NOW)

    with time_machine.travel(NOW, tick=False):
        assert client.get(_erase_url(req)).status_code == 404
