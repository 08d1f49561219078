"""R23: the completion mail of an erasure lists what was deleted, what was anonymised and what was kept, every kept
category with its reason and end date; an erased customer's unissued drafts go with the account."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from accounts.models import Invoice, InvoiceLine, User
from accounts.services import invoice_issue
from privacy.services.requests import request_complete
from retention.services import customer_erase, erasure_preview
from tests import factories
from tests.retention.conftest import nightly
from tests.retention.population import erasure_request, everything

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))

pytestmark = pytest.mark.django_db


@pytest.fixture
def answer(alice, dpo, django_capture_on_commit_callbacks):
    """The plain-text completion mail of Alice's erasure request."""
    with time_machine.travel(NOW, tick=False):
        everything(alice, now=NOW, staff=dpo)
        req = erasure_request(alice, staff=dpo, now=NOW)
        with django_capture_on_commit_callbacks(execute=True):
            request_complete(req, actor=dpo, response="Done.")
    return mail.outbox[-1].body


def _lines(body, action):
    return [line for line in body.splitlines() if line.startswith(f"- {action}: ")]


def test_the_completion_mail_lists_what_was_deleted_and_anonymised_not_only_what_was_kept(answer):
    assert "What we deleted, anonymised and kept, and why:" in answer
    deleted = _lines(answer, "deleted")
    assert "- deleted: Support tickets" in deleted and "- deleted: Domain names" in deleted
    assert "- anonymised: Identity and contact details" in _lines(answer, "anonymised")


def test_every_kept_category_in_the_mail_has_an_end_date(answer):
    kept = _lines(answer, "kept")
    # The request file counts from the request's close (today: 5 years), the invoices from their fiscal year's end.
    assert any(line.startswith("- kept: Your requests") and line.endswith("until 16 March 2031") for line in kept)
    assert all(re.search(r", until \d{1,2} \w+ \d{4}$", line) for line in kept), kept
    assert len(kept) >= 4


def test_what_is_kept_as_long_as_the_account_ends_with_the_last_record_kept_for_a_legal_reason(alice, dpo):
    with time_machine.travel(NOW, tick=False):
        everything(alice, now=NOW, staff=dpo)
        preview = erasure_preview(customer=alice, at=NOW)
    dates = {line.category.slug: line.until for line in preview.kept}
    assert dates["consents"] == max(d for d in dates.values() if d is not None)


def test_an_erased_customers_unissued_drafts_are_deleted_and_do_not_keep_the_account_alive(alice):
    draft = factories.InvoiceLineFactory(invoice__customer=alice).invoice
    factories.ConsentFactory(customer=alice)

    preview = erasure_preview(customer=alice)
    invoices = next(c for c in preview.categories if c.category.slug == "invoices")
    assert (invoices.deleted, invoices.kept) == (2, 0)  # the draft and its line
    customer_erase(customer=alice, reference="R-1")

    assert not Invoice.objects.filter(pk=draft.pk).exists() and not InvoiceLine.objects.exists()
    assert not User.objects.filter(pk=alice.pk).exists()


def test_an_issued_invoice_stays_and_a_draft_with_a_payment_against_it_stays_too(alice):
    issued = invoice_issue(invoice=factories.InvoiceLineFactory(invoice__customer=alice).invoice)
    paid_draft = factories.InvoiceFactory(customer=alice)
    factories.TransactionFactory(customer=alice, invoice=paid_draft)
    factories.InvoiceFactory(customer=alice)

    customer_erase(customer=alice, reference="R-1")

    assert set(Invoice.objects.values_list("pk", flat=True)) == {issued.pk, paid_draft.pk}
    assert User.objects.get(pk=alice.pk).state == User.State.ERASED


def test_a_tombstone_erased_with_a_draft_before_goes_at_the_next_nightly_run(alice):
    # Erased by an earlier version, which kept the draft: the tombstone and the draft.
    factories.InvoiceLineFactory(invoice__customer=alice)
    User.objects.filter(pk=alice.pk).update(state=User.State.ERASED, email=f"erased-{alice.pk}@invalid")

    counts = nightly("customer_lifetime", "2026-01-06")

    assert counts["rows"]["accounts.Invoice"] == {"deleted": 1}
    assert not User.objects.filter(pk=alice.pk).exists() and not Invoice.objects.exists()
