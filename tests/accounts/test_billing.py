"""Invoices: an unbroken number on issue, a billing snapshot, then read-only; corrections by credit note (R89)."""

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Invoice, InvoiceLine
from accounts.services import invoice_credit, invoice_issue
from tests import factories


def _draft(customer, *prices):
    invoice = factories.InvoiceFactory(customer=customer)
    for price in prices or (Decimal("120.00"),):
        factories.InvoiceLineFactory(invoice=invoice, unit_price=price)
    return invoice


@pytest.mark.smoke
@pytest.mark.django_db
def test_issuing_gives_unbroken_numbers_per_year(alice, bob):
    with time_machine.travel("2026-12-31 23:30 +01:00", tick=False):
        a = invoice_issue(invoice=_draft(alice))
        b = invoice_issue(invoice=_draft(bob))
    with time_machine.travel("2027-01-01 00:10 +01:00", tick=False):
        c = invoice_issue(invoice=_draft(alice))

    assert [a.number, b.number, c.number] == ["2026-000001", "2026-000002", "2027-000001"]


@pytest.mark.django_db
def test_the_year_is_the_site_time_zone_year(alice):
    # 23:30 UTC on 31 December is already 1 January in Paris.
    with time_machine.travel("2026-12-31 23:30 +00:00", tick=False):
        invoice = invoice_issue(invoice=_draft(alice))

    assert invoice.number == "2027-000001"


@pytest.mark.django_db
def test_issuing_snapshots_the_billing_data_and_totals_the_lines(alice):
    alice.is_professional, alice.company, alice.vat_number = True, "Martin SARL", "FR40303265045"
    alice.address, alice.postal_code, alice.city, alice.country = "1 rue de la Paix", "74000", "Annecy", "FR"
    alice.save()

    invoice = invoice_issue(invoice=_draft(alice, Decimal("10.00"), Decimal("5.50")))
    alice.company = "Renamed later"
    alice.save()
    invoice.refresh_from_db()

    assert invoice.total == Decimal("15.50")
    assert invoice.status == Invoice.Status.UNPAID
    assert (invoice.billing_name, invoice.billing_company) == ("Alice Martin", "Martin SARL")
    assert (invoice.billing_vat_number, invoice.billing_city, invoice.billing_country) == (
        "FR40303265045",
        "Annecy",
        "FR",
    )


@pytest.mark.django_db
def test_an_issued_invoice_cannot_be_edited_or_deleted(alice):
    invoice = invoice_issue(invoice=_draft(alice))
    invoice = Invoice.objects.get(pk=invoice.pk)

    invoice.billing_name = "Someone else"
    with pytest.raises(ValidationError):
        invoice.save()
    with pytest.raises(ValidationError):
        Invoice.objects.get(pk=invoice.pk).delete()
    with pytest.raises(ValidationError):
        InvoiceLine.objects.filter(invoice=invoice).first().save()
    with pytest.raises(ValidationError):
        factories.InvoiceLineFactory(invoice=invoice)
    with pytest.raises(ValueError, match="already issued"):
        invoice_issue(invoice=invoice)
    assert Invoice.objects.get(pk=invoice.pk).billing_name == "Alice Martin"


@pytest.mark.django_db
def test_payment_status_may_still_change_on_an_issued_invoice(alice):
    invoice = Invoice.objects.get(pk=invoice_issue(invoice=_draft(alice)).pk)

    invoice.status = Invoice.Status.PAID
    invoice.save()

    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID


@pytest.mark.django_db
def test_a_draft_can_be_changed_and_deleted(alice):
    draft = _draft(alice)
    draft.currency = "USD"
    draft.save()
    draft.delete()

    assert not Invoice.objects.exists()


@pytest.mark.django_db
def test_a_credit_note_cancels_an_invoice_without_touching_it(alice):
    invoice = invoice_issue(invoice=_draft(alice, Decimal("10.00"), Decimal("5.00")))

    note = invoice_credit(invoice=invoice)

    invoice.refresh_from_db()
    assert note.kind == Invoice.Kind.CREDIT_NOTE and note.credited_invoice == invoice
    assert note.total == Decimal("-15.00")
    assert note.number == f"{invoice.number[:4]}-000002"
    assert invoice.status == Invoice.Status.CANCELLED and invoice.cancelled_at is not None
    assert invoice.total == Decimal("15.00")


@pytest.mark.django_db
def test_a_paid_invoice_credited_becomes_refunded(alice):
    invoice = invoice_issue(invoice=_draft(alice))
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.PAID)

    invoice_credit(invoice=invoice)

    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.REFUNDED


@pytest.mark.django_db
def test_a_draft_cannot_be_credited(alice):
    with pytest.raises(ValueError):
        invoice_credit(invoice=_draft(alice))
