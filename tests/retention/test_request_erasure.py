"""An erasure request runs through the same engine when the request completes (R23).

The DPO's page in front of it (preview, typed email, recent login): tests/privacy/test_admin_erasure.py.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from accounts.models import User
from privacy.exceptions import RequestError
from privacy.models import DataSubjectRequest
from privacy.services.requests import request_complete, request_file
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
    assert "What we deleted, anonymised and kept, and why:" in body
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
