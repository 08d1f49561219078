"""The one preview service: `erasure_preview(request=...)` gives the erasure page all it shows, from the request."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from privacy.services.requests import request_file
from retention.models import LegalHold
from retention.services import erasure_preview
from tests import factories
from tests.retention.population import erasure_request, everything

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))

pytestmark = pytest.mark.django_db


def shown(preview):
    """What the erasure page renders from a preview."""
    return {
        "subject": preview.subject,
        "blockers": [str(b) for b in preview.blockers],
        "warnings": [str(w) for w in preview.warnings],
        "customer_row": preview.customer_row,
        "categories": [
            (c.category.slug, c.deleted, c.anonymised, c.kept, c.held, [(str(r.reason), r.until) for r in c.reasons])
            for c in preview.categories
        ],
        "kept": [str(line) for line in preview.kept],
    }


def test_a_customers_request_alone_previews_that_customer(dpo):
    with time_machine.travel(NOW, tick=False):
        alice = factories.CustomerFactory(email="alice@example.com", first_name="Alice", last_name="Martin")
        everything(alice, now=NOW, staff=dpo)
        req = erasure_request(alice, staff=dpo, now=NOW)
        request_file(kind="access", channel="email", customer=alice, received_at=NOW)
        LegalHold.objects.create(customer=alice, reason="Judicial requisition", reference="PV-9", author=dpo)

        from_request = shown(erasure_preview(request=req))
        explicit = shown(erasure_preview(customer=alice, email=req.requester_email, request=req))

    assert from_request == explicit
    assert from_request["subject"] == "alice@example.com"
    assert from_request["blockers"] and from_request["warnings"]  # the hold, and the other open request
    assert any(until for *_counts, reasons in from_request["categories"] for _reason, until in reasons)


def test_a_request_by_email_alone_previews_that_address(dpo):
    with time_machine.travel(NOW, tick=False):
        factories.ProspectFactory(email="paul@example.org")
        req = request_file(kind="erasure", channel="email", email="paul@example.org", name="Paul", received_at=NOW)

        from_request = shown(erasure_preview(request=req))
        explicit = shown(erasure_preview(customer=None, email=req.requester_email, request=req))

    assert from_request == explicit
    assert from_request["subject"] == "paul@example.org"
    assert from_request["categories"], "the prospect row is found by its address"
