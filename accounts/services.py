"""Writes that touch customers: corrections with their change log, invoicing. Sign-up and email change are allauth's."""

from datetime import UTC, datetime

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from accounts.models import ChangeLog, Invoice, InvoiceLine, InvoiceSequence, Service

# Sent in the transaction that records a customer's death (kwargs: customer, actor, at); the privacy app carries out
# the post-mortem directives from it (R29). A signal, because accounts may not import the privacy services.
death_recorded = Signal()


def _role(actor, customer):
    if actor is None:
        return "system"
    if actor.pk == customer.pk:
        return "customer"
    return "staff"


def _display(value):
    if value is None:
        return ""
    return str(value)


def _moment(value):
    # A form posts times to the second: the microseconds it drops are no change anyone made.
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(microsecond=0).isoformat()
    return value


@transaction.atomic
def customer_update(*, customer, changes: dict, actor, channel) -> int:
    """Apply field changes and append one change-log row per field that really changed (R04)."""
    now = timezone.now()
    logs = []
    for field, new in changes.items():
        old = getattr(customer, field)
        if _display(old) == _display(new):
            continue
        setattr(customer, field, new)
        logs.append(
            ChangeLog(
                customer=customer,
                field=field,
                old_value=_display(old),
                new_value=_display(new),
                actor=actor,
                actor_role=_role(actor, customer),
                channel=channel,
                created_at=now,
            )
        )
    if logs:
        customer.save(update_fields=[log.field for log in logs])
        ChangeLog.objects.bulk_create(logs)
        if any(log.field == "deceased_at" and not log.old_value for log in logs) and customer.deceased_at:
            death_recorded.send(sender=type(customer), customer=customer, actor=actor, at=now)
    return len(logs)


BILLING_FIELDS = tuple(f for f in Invoice.FROZEN_FIELDS if f.startswith("billing_"))


@transaction.atomic
def invoice_reissue(*, invoice, billing=None, when=None) -> tuple[Invoice, Invoice]:
    """Correct the billing data of an issued invoice (Art. 16, R21) without ever editing it: a credit note cancels
    it, and a new invoice with the same lines is issued with the corrected snapshot. Returns (credit note, new).

    `billing`: corrected billing_* values; without them the snapshot is the profile as it is now (once corrected).
    A payment made against the old invoice settles the new one: the old one is cancelled, not refunded.
    """
    when = when or timezone.now()
    billing = dict(billing or {})
    unknown = set(billing) - set(BILLING_FIELDS)
    if unknown:
        raise ValueError(f"not billing data: {', '.join(sorted(unknown))}")
    original = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not original.number or original.kind != Invoice.Kind.INVOICE:
        raise ValueError("only an issued invoice can be re-issued")
    if original.status in (Invoice.Status.CANCELLED, Invoice.Status.REFUNDED):
        raise ValueError(f"invoice {original.number} is already cancelled")
    was_paid = original.status == Invoice.Status.PAID
    note = invoice_credit(invoice=original, when=when)
    new = Invoice.objects.create(
        customer=original.customer, order=original.order, currency=original.currency, created_at=when
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=new,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
        )
        for line in original.lines.all()
    )
    new = invoice_issue(invoice=new, when=when, billing=billing)
    if was_paid:
        Invoice.objects.filter(pk=original.pk).update(status=Invoice.Status.CANCELLED)
        Invoice.objects.filter(pk=new.pk).update(status=Invoice.Status.PAID, paid_at=original.paid_at)
        new.refresh_from_db()
    return note, new


def changes_log_by_job(*, before: dict, field, new_value, at) -> int:
    """A scheduled job changed `field` of these customers in one statement: one change-log row each, on the "job"
    channel (R04). `before`: {customer id: the old value}."""
    logs = [
        ChangeLog(
            customer_id=pk,
            field=field,
            old_value=_display(old),
            new_value=_display(new_value),
            actor=None,
            actor_role="system",
            channel=ChangeLog.Channel.JOB,
            created_at=at,
        )
        for pk, old in before.items()
        if _display(old) != _display(new_value)
    ]
    ChangeLog.objects.bulk_create(logs)
    return len(logs)


def record_changes_log(*, customer_id, record, changes: dict, actor, channel, at=None) -> int:
    """Staff changed a record the customer owns (an order, a ticket): one change-log row per field (R04).

    `record` names it in the log ("order ORD-1"); `changes`: {field: (old, new)}; unchanged fields are left out.
    """
    at = at or timezone.now()
    changes = {name: (_moment(old), _moment(new)) for name, (old, new) in changes.items()}
    logs = [
        ChangeLog(
            customer_id=customer_id,
            field=f"{record}.{name}"[:64],
            old_value=_display(old),
            new_value=_display(new),
            actor=actor,
            actor_role="system" if actor is None else ("customer" if actor.pk == customer_id else "staff"),
            channel=channel,
            created_at=at,
        )
        for name, (old, new) in changes.items()
        if _display(old) != _display(new)
    ]
    ChangeLog.objects.bulk_create(logs)
    return len(logs)


def customer_flag_minor(*, customer, actor) -> int:
    """Staff flag an account as a minor without valid parental consent (R78): consent-based processing stops at once
    (the privacy app's gate reads the flag) and the `minor_erase` rule erases the account after its period, unless
    parental consent is recorded first. Logged in the change log."""
    if customer.flagged_minor_at:
        return 0
    return customer_update(
        customer=customer,
        changes={"flagged_minor_at": timezone.now()},
        actor=actor,
        channel=ChangeLog.Channel.ADMIN,
    )


def invoice_numbers_take(*, year, count) -> list[str]:
    """The next `count` numbers of the year's unbroken sequence; the row lock serialises concurrent issuers."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoice numbers must be taken inside the transaction that uses them")
    InvoiceSequence.objects.get_or_create(year=year)
    seq = InvoiceSequence.objects.select_for_update().get(year=year)
    first = seq.last_number + 1
    seq.last_number += count
    seq.save(update_fields=["last_number"])
    return [f"{year}-{n:06d}" for n in range(first, first + count)]


@transaction.atomic
def invoice_issue(*, invoice, when=None, billing=None) -> Invoice:
    """Give a draft its number from the unbroken yearly sequence, snapshot the billing data, freeze it (R89).

    `billing`: billing_* values that replace the profile's in the snapshot (a corrected re-issue, R21)."""
    when = when or timezone.now()
    invoice = Invoice.objects.select_for_update().select_related("customer").get(pk=invoice.pk)
    if invoice.number:
        raise ValueError(f"invoice {invoice.number} is already issued")
    year = timezone.localtime(when).year
    customer = invoice.customer
    invoice.number = invoice_numbers_take(year=year, count=1)[0]
    invoice.issued_at = when
    invoice.total = invoice.compute_total()
    invoice.billing_name = customer.get_full_name()
    invoice.billing_company = customer.company
    invoice.billing_address = customer.address
    invoice.billing_postal_code = customer.postal_code
    invoice.billing_city = customer.city
    invoice.billing_country = customer.country.code if customer.country else ""
    invoice.billing_vat_number = customer.vat_number if customer.is_professional else ""
    for name, value in (billing or {}).items():
        setattr(invoice, name, value)
    if invoice.status == Invoice.Status.DRAFT:
        invoice.status = Invoice.Status.UNPAID
    invoice.save()
    return invoice


@transaction.atomic
def invoice_credit(*, invoice, when=None) -> Invoice:
    """Cancel an issued invoice with a credit note that negates its lines; the invoice itself is never edited."""
    when = when or timezone.now()
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not invoice.number or invoice.kind != Invoice.Kind.INVOICE:
        raise ValueError("only an issued invoice can be credited")
    note = Invoice.objects.create(
        customer=invoice.customer,
        order=invoice.order,
        kind=Invoice.Kind.CREDIT_NOTE,
        credited_invoice=invoice,
        currency=invoice.currency,
        created_at=when,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=note,
            description=line.description,
            quantity=-line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
        )
        for line in invoice.lines.all()
    )
    note = invoice_issue(invoice=note, when=when)
    invoice.status = Invoice.Status.REFUNDED if invoice.status == Invoice.Status.PAID else Invoice.Status.CANCELLED
    invoice.cancelled_at = when
    invoice.save(update_fields=["status", "cancelled_at"])
    return note


@transaction.atomic
def service_terminate(*, service, when=None) -> Service:
    """End an active service now (its end date counts as activity); a service already ended is left as it is."""
    when = when or timezone.now()
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.status != Service.Status.TERMINATED:
        service.status = Service.Status.TERMINATED
        service.ended_at = when
        service.save(update_fields=["status", "ended_at"])
    return service


@transaction.atomic
def invoice_settle(*, invoice, when=None) -> Invoice:
    """Record an unpaid invoice as paid (the payment arrived, or the balance was written off); others are left."""
    when = when or timezone.now()
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == Invoice.Status.UNPAID:
        invoice.status = Invoice.Status.PAID
        invoice.paid_at = when
        invoice.save(update_fields=["status", "paid_at"])
    return invoice
