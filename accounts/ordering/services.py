"""Placing an order and acting on a renewal: every write of the order form, each in one transaction with its mail.

A visitor's first purchase creates the account (R02). A visitor who types an address that already has an account
gets exactly the page a new buyer gets, and nothing is attached to that account: its owner is told by mail instead
(they log in and order from their account). So the form never tells anyone whether an address is registered.
"""

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.fraud import order_fraud_screen
from accounts.models import (
    AffiliateCommission,
    Invoice,
    InvoiceLine,
    Order,
    RecurringPaymentEvent,
    Service,
    Transaction,
    User,
)
from accounts.ordering.providers import Checkout, payment_provider
from accounts.services import invoice_issue
from config.mail import mail_send


@dataclass(frozen=True)
class Buyer:
    """Who orders: the logged-in customer, or a visitor's names and address."""

    customer: User | None = None
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    is_professional: bool = False
    company: str = ""
    vat_number: str = ""


@dataclass(frozen=True)
class Placed:
    order: Order | None
    service: Service | None
    checkout: Checkout | None
    account_created: bool = False
    # The visitor's address already had an account: nothing was created and its owner got a mail.
    sent_to_owner: bool = False


def site_url(path):
    return f"{settings.EXPORT_SITE_URL}{path}"


def set_password_url(user):
    """allauth's own password-reset link (its key expires with PASSWORD_RESET_TIMEOUT and once the password is set)."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    key = default_token_generator.make_token(user)
    return site_url(reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key}))


def new_reference():
    return f"ORD-{timezone.now():%Y%m%d}-{secrets.token_hex(4).upper()}"


def _create_customer(buyer, *, language, affiliate_code):
    from allauth.account.models import EmailAddress

    customer = User(
        email=buyer.email.strip().lower(),
        first_name=buyer.first_name,
        last_name=buyer.last_name,
        is_professional=buyer.is_professional,
        company=buyer.company,
        vat_number=buyer.vat_number,
        preferred_language=language,
        referred_by_code=affiliate_code,
    )
    customer.set_unusable_password()
    customer.save()
    # Unverified until the buyer sets a password from the mailed link, which proves the address is theirs.
    EmailAddress.objects.create(user=customer, email=customer.email, primary=True, verified=False)
    return customer


def _commission(order, code):
    affiliate = User.objects.filter(affiliate_code=code).exclude(pk=order.customer_id).first() if code else None
    if affiliate is None:
        return None
    amount = (order.amount * Decimal(settings.AFFILIATE_COMMISSION_PERCENT) / 100).quantize(Decimal("0.01"))
    return AffiliateCommission.objects.create(affiliate=affiliate, order=order, amount=amount, currency=order.currency)


def _invoice(order, when):
    invoice = Invoice.objects.create(customer=order.customer, order=order, currency=order.currency, created_at=when)
    InvoiceLine.objects.create(invoice=invoice, description=order.product, unit_price=order.amount)
    return invoice_issue(invoice=invoice, when=when)


@transaction.atomic
def order_place(
    *, offer, buyer: Buyer, ip, user_agent, language, affiliate_code="", recurring_authorisation=""
) -> Placed:
    """Create the order (and its service, suspended until paid) and queue the buyer's mail, or only the owner's mail.

    `recurring_authorisation` is the sentence the buyer ticked; a renewable offer is refused without it (R88).
    """
    if offer.is_renewable and not recurring_authorisation:
        raise ValueError("a renewable offer needs the authorisation of recurring charges")
    customer, created = buyer.customer, False
    if customer is None:
        existing = User.objects.filter(email__iexact=buyer.email.strip()).first()
        if existing is not None:
            _mail_owner(existing, offer)
            return Placed(None, None, None, sent_to_owner=True)
        customer, created = _create_customer(buyer, language=language, affiliate_code=affiliate_code), True
    now = timezone.now()
    order = Order.objects.create(
        customer=customer,
        reference=new_reference(),
        offer=offer,
        product=offer.name,
        amount=offer.price,
        currency=offer.currency,
        buyer_ip=ip,
        affiliate_code=affiliate_code,
        created_at=now,
        status_changed_at=now,
    )
    service = None
    if offer.creates_service:
        # Suspended until paid: an unpaid order must not keep an "active service" alive (it blocks archiving).
        service = Service.objects.create(
            customer=customer,
            order=order,
            name=offer.name,
            status=Service.Status.SUSPENDED,
            started_at=now,
            renews_at=offer.next_renewal(timezone.localtime(now)),
            auto_renew=offer.is_renewable,
        )
    if offer.is_renewable:
        RecurringPaymentEvent.objects.create(
            customer=customer,
            service=service,
            order=order,
            action=RecurringPaymentEvent.Action.AUTHORISED,
            wording=recurring_authorisation,
            language=language,
            service_name=offer.name,
            created_at=now,
            ip=ip,
            user_agent=user_agent,
        )
    User.objects.filter(pk=customer.pk).update(last_activity_at=now)
    # R28: the fraud rules judge the order in this transaction; a stopped order is cancelled and its customer is
    # mailed the reason and how to ask a person to review it, so no payment details, service or commission follow.
    if order_fraud_screen(order=order, now=now):
        if service is not None:
            Service.objects.filter(pk=service.pk).update(
                status=Service.Status.TERMINATED, ended_at=now, auto_renew=False
            )
        return Placed(order, service, None, account_created=created)
    _commission(order, affiliate_code)
    checkout = payment_provider().checkout(order=order)
    _mail_buyer(customer, order, checkout, created=created)
    return Placed(order, service, checkout, account_created=created)


def _mail_buyer(customer, order, checkout, *, created):
    context = {
        "name": customer.first_name,
        "order": order,
        "instructions": [(str(label), value) for label, value in checkout.instructions],
        "pay_url": checkout.redirect_url,
        "order_url": site_url(reverse("accounts:order_detail", args=[order.pk])),
        "account_created": created,
        "set_password_url": set_password_url(customer) if created else "",
        "privacy_url": site_url(reverse("privacy:my_data")),
    }
    mail_send(to=customer.email, template="order_placed", context=context, language=customer.preferred_language)


def _mail_owner(owner, offer):
    context = {
        "name": owner.first_name,
        "product": offer.name,
        "login_url": site_url(reverse("accounts:login")),
        "order_url": site_url(reverse("accounts:order_new")),
        "reset_url": site_url(reverse("account_reset_password")),
    }
    mail_send(to=owner.email, template="order_existing_account", context=context, language=owner.preferred_language)


@transaction.atomic
def order_payment_received(*, order, when=None) -> int:
    """The transfer for a pending order arrived: record it, issue the paid invoice, start the service.

    Safe to run twice (the order is locked and must still be pending); returns 1 when it acted, else 0.
    """
    when = when or timezone.now()
    order = Order.objects.select_for_update(of=("self",)).select_related("customer", "offer").get(pk=order.pk)
    if order.status != Order.Status.PENDING:
        return 0
    invoice = None
    if order.offer is None or order.offer.invoiced:
        invoice = _invoice(order, when)
        invoice.status, invoice.paid_at = Invoice.Status.PAID, when
        invoice.save(update_fields=["status", "paid_at"])
    Transaction.objects.create(
        customer=order.customer,
        invoice=invoice,
        order=order,
        provider=Transaction.Provider.BANK,
        provider_reference=order.reference,
        amount=order.amount,
        currency=order.currency,
        method=Transaction.Method.BANK_TRANSFER,
        status=Transaction.Status.SUCCEEDED,
        created_at=when,
    )
    started = order.services.filter(status=Service.Status.SUSPENDED).update(status=Service.Status.ACTIVE)
    order.status = Order.Status.ACTIVE if started else Order.Status.COMPLETED
    order.status_changed_at = when
    order.save(update_fields=["status", "status_changed_at"])
    return 1


def _log(*, customer, service, action, wording, ip, user_agent, language):
    return RecurringPaymentEvent.objects.create(
        customer=customer,
        service=service,
        order=service.order,
        action=action,
        wording=wording,
        language=language,
        service_name=service.name,
        ip=ip,
        user_agent=user_agent,
    )


@transaction.atomic
def service_renewal_stop(*, service, ip, user_agent, wording, language) -> int:
    """Stop a service's automatic renewal and log it (R88); 0 when it was already stopped."""
    updated = Service.objects.filter(pk=service.pk, auto_renew=True).update(auto_renew=False)
    if updated:
        _log(
            customer=service.customer,
            service=service,
            action=RecurringPaymentEvent.Action.RENEWAL_STOPPED,
            wording=wording,
            ip=ip,
            user_agent=user_agent,
            language=language,
        )
    return updated


@transaction.atomic
def service_payment_method_change(*, service, return_url, ip, user_agent, wording, language) -> str:
    """The provider's page for a new means of payment, the visit logged (R88); "" when the provider has none."""
    url = payment_provider().method_update_url(service=service, return_url=return_url)
    if url:
        _log(
            customer=service.customer,
            service=service,
            action=RecurringPaymentEvent.Action.METHOD_CHANGE,
            wording=wording,
            ip=ip,
            user_agent=user_agent,
            language=language,
        )
    return url
