"""Invoice numbers stay unbroken and unique when several processes issue at once (R89), on PostgreSQL."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Invoice
from accounts.services import invoice_issue
from tests import factories
from tests.integration.conftest import skip_or_fail

pytestmark = pytest.mark.integration

WORKERS = 4
PER_WORKER = 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_never_skip_or_reuse_a_number():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip_or_fail("row locks are only meaningful on PostgreSQL")
    customer = factories.CustomerFactory()
    drafts = [factories.InvoiceLineFactory(invoice__customer=customer).invoice.pk for _ in range(WORKERS * PER_WORKER)]
    barrier = threading.Barrier(WORKERS)
    errors = []

    def issue(pks):
        try:
            barrier.wait()
            for pk in pks:
                invoice_issue(invoice=Invoice(pk=pk))
        except Exception as e:  # collected and asserted below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(drafts[i::WORKERS],)) for i in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    numbers = sorted(int(n.split("-")[1]) for n in Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, WORKERS * PER_WORKER + 1))
