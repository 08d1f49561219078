"""Writes that touch customers: sign-up, corrections with their change log, email change, invoicing."""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import ChangeLog, Invoice, InvoiceLine, InvoiceSequence, User
from accounts.ownership import client_ip, user_agent
from config.links import LinkInvalid
from config.mail import mail_send
from privacy.models import ConsentRecord, Purpose
from privacy.services import consent_record

SIGNUP_SALT = "accounts.signup"
EMAIL_CHANGE_SALT = "accounts.email-change"


def _absolute(request, url):
    return request.build_absolute_uri(url) if request is not None else url


def _role(actor, customer):
    if actor is None:
        return "system"
    if actor.pk == customer.pk:
        return "customer"
    return "staff"


@transaction.atomic
def customer_signup(
    *,
    first_name,
    last_name,
    email,
    password,
    marketing: dict,
    request=None,
    language="en",
):
    """Create an unverified customer, record the marketing choices, and mail the verification link."""
    customer = User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        preferred_language=language,
        is_active=False,
    )
    consent_record(
        customer=customer,
        choices=marketing,
        source=ConsentRecord.Source.SIGNUP,
        ip=client_ip(request),
        user_agent=user_agent(request),
        only_changes=False,
    )
    token = signing.dumps({"u": customer.pk, "e": customer.email}, salt=SIGNUP_SALT)
    mail_send(
        to=customer.email,
        template="signup_verify",
        context={
            "customer": customer,
            "link": _absolute(request, reverse("accounts:signup_verify", args=[token])),
            "hours": settings.SIGNUP_LINK_MAX_AGE // 3600,
        },
        language=customer.preferred_language,
    )
    return customer


@transaction.atomic
def customer_verify_email(*, token) -> User:
    try:
        data = signing.loads(token, salt=SIGNUP_SALT, max_age=settings.SIGNUP_LINK_MAX_AGE)
    except signing.BadSignature as e:
        raise LinkInvalid from e
    customer = User.objects.select_for_update().filter(pk=data["u"], email=data["e"]).first()
    if customer is None or customer.state != User.State.ACTIVE:
        raise LinkInvalid
    if customer.email_verified_at is None:
        customer.email_verified_at = timezone.now()
        customer.is_active = True
        customer.save(update_fields=["email_verified_at", "is_active"])
    return customer


def _display(value):
    if value is None:
        return ""
    return str(value)


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
    return len(logs)


def email_change_request(*, customer, new_email, request=None):
    """Mail a confirmation link to the new address; nothing changes until it is clicked (R03)."""
    token = signing.dumps(
        {"u": customer.pk, "old": customer.email, "new": new_email.lower()},
        salt=EMAIL_CHANGE_SALT,
    )
    mail_send(
        to=new_email,
        template="email_change",
        context={
            "customer": customer,
            "new_email": new_email,
            "link": _absolute(request, reverse("accounts:email_confirm", args=[token])),
            "hours": settings.EMAIL_CHANGE_LINK_MAX_AGE // 3600,
        },
        language=customer.preferred_language,
    )


@transaction.atomic
def email_change_confirm(*, customer, token) -> str:
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=settings.EMAIL_CHANGE_LINK_MAX_AGE)
    except signing.BadSignature as e:
        raise LinkInvalid from e
    customer = User.objects.select_for_update().get(pk=customer.pk)
    if data["u"] != customer.pk or data["old"] != customer.email:
        raise LinkInvalid
    if User.objects.filter(email__iexact=data["new"]).exclude(pk=customer.pk).exists():
        raise LinkInvalid
    customer_update(
        customer=customer,
        changes={"email": data["new"]},
        actor=customer,
        channel=ChangeLog.Channel.CLIENT_AREA,
    )
    return data["new"]


def marketing_choices(cleaned_data) -> dict:
    return {
        p: bool(cleaned_data.get(p))
        for p in (
            Purpose.MARKETING_EMAIL,
            Purpose.MARKETING_SMS,
            Purpose.MARKETING_SOCIAL,
        )
    }


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
def invoice_issue(*, invoice, when=None) -> Invoice:
    """Give a draft its number from the unbroken yearly sequence, snapshot the billing data, freeze it (R89)."""
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
