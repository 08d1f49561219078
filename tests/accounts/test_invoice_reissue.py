"""R21: billing data on an issued invoice is corrected without editing it: a credit note, then a new invoice with
the same lines and the corrected snapshot (French Commercial Code L123-22)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import ChangeLog, Invoice, User
from accounts.services import customer_update, invoice_issue, invoice_reissue
from tests import factories

pytestmark = pytest.mark.django_db


def _issued(customer, *prices):
    invoice = factories.InvoiceFactory(customer=customer)
    for price in prices:
        factories.InvoiceLineFactory(invoice=invoice, unit_price=price, description=f"Hosting {price}")
    return invoice_issue(invoice=invoice)


def test_a_corrected_address_gives_a_credit_note_and_a_new_invoice_with_the_corrected_snapshot(alice):
    User.objects.filter(pk=alice.pk).update(address="1 rue Fausse")
    alice.refresh_from_db()
    original = _issued(alice, Decimal("120.00"), Decimal("30.00"))
    customer_update(customer=alice, changes={"address": "2 rue Vraie"}, actor=None, channel=ChangeLog.Channel.REQUEST)

    note, new = invoice_reissue(invoice=original)

    original.refresh_from_db()
    assert original.billing_address == "1 rue Fausse" and original.status == Invoice.Status.CANCELLED
    assert note.kind == Invoice.Kind.CREDIT_NOTE and note.credited_invoice == original and note.total == -original.total
    assert new.kind == Invoice.Kind.INVOICE and new.number not in (original.number, note.number)
    assert new.billing_address == "2 rue Vraie" and new.total == Decimal("150.00")
    assert [(line.description, line.unit_price) for line in new.lines.all()] == [
        (line.description, line.unit_price) for line in original.lines.all()
    ]


def test_explicit_corrections_replace_the_snapshot_and_a_payment_carries_over(alice):
    original = _issued(alice, Decimal("50.00"))
    Invoice.objects.filter(pk=original.pk).update(status=Invoice.Status.PAID)

    _note, new = invoice_reissue(invoice=original, billing={"billing_name": "Alice Martin-Durand"})

    assert new.billing_name == "Alice Martin-Durand" and new.status == Invoice.Status.PAID
    assert Invoice.objects.get(pk=original.pk).status == Invoice.Status.CANCELLED


def test_anything_but_billing_data_is_refused_and_nothing_is_written(alice):
    original = _issued(alice, Decimal("50.00"))

    with pytest.raises(ValueError, match="not billing data: total"):
        invoice_reissue(invoice=original, billing={"total": Decimal("1")})
    with pytest.raises(ValueError, match="only an issued invoice"):
        invoice_reissue(invoice=factories.InvoiceFactory(customer=alice))

    assert Invoice.objects.count() == 2 and Invoice.objects.get(pk=original.pk).status == Invoice.Status.UNPAID


def test_a_cancelled_invoice_is_not_reissued_twice(alice):
    original = _issued(alice, Decimal("50.00"))
    invoice_reissue(invoice=original)

    with pytest.raises(ValueError, match="already cancelled"):
        invoice_reissue(invoice=original)
    assert Invoice.objects.count() == 3


def test_the_admin_action_reissues_from_the_corrected_profile(client, alice):
    root = User.objects.create_superuser(email="root@example.com", password="x" * 12)  # noqa: S106
    client.force_login(root)
    original = _issued(alice, Decimal("50.00"))
    User.objects.filter(pk=alice.pk).update(city="Annecy")

    response = client.post(
        reverse("admin:accounts_invoice_changelist"),
        {"action": "reissue", "_selected_action": [original.pk]},
    )

    assert response.status_code == 302
    new = Invoice.objects.filter(kind=Invoice.Kind.INVOICE).exclude(pk=original.pk).get()
    assert new.billing_city == "Annecy" and new.number
