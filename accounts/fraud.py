"""The automatic fraud rules run on a new order (R28), and what happens when one fires (Art. 22).

Each rule is simple enough to be explained in one sentence to the person it concerns, and is configured in the
settings (FRAUD_*). An order a rule stops is cancelled, marked as an automated decision with that sentence, and the
customer is mailed in the same transaction: the logic, what it means for them, and how to ask a person to review
it (the "automated-decision review" request, from the order's page). Only staff decide that review.

A customer whose objection to fraud prevention was upheld (R26) is not scored, and their orders are not counted in
anyone else's score either.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import ObjectedPurpose, Order
from accounts.validators import normalise_vat
from config.mail import mail_send

# VAT prefixes that are not the ISO country code.
VAT_PREFIX_COUNTRY = {"EL": "GR", "XI": "GB"}


def _scored_orders():
    """Orders the rules may look at: not those of customers who objected to fraud prevention."""
    return Order.objects.exclude(customer__objections__purpose=ObjectedPurpose.FRAUD)


def rule_velocity(order, now):
    """Card testing: many orders in a few minutes by one customer or from one IP address."""
    limit = settings.FRAUD_VELOCITY_MAX_ORDERS
    minutes = settings.FRAUD_VELOCITY_WINDOW_MINUTES
    # The minutes before this order was placed (run later, the rule still judges the order as it was placed).
    placed = order.created_at
    recent = _scored_orders().filter(created_at__gt=placed - timedelta(minutes=minutes), created_at__lte=placed)
    recent = recent.exclude(pk=order.pk)
    by_customer = recent.filter(customer_id=order.customer_id).count()
    by_ip = recent.filter(buyer_ip=order.buyer_ip).count() if order.buyer_ip else 0
    if max(by_customer, by_ip) + 1 > limit:
        return _(
            "more than %(limit)d orders from your account or your IP address within %(minutes)d minutes, "
            "the usual sign of stolen card numbers being tested"
        ) % {"limit": limit, "minutes": minutes}
    return None


def rule_vat_country(order, now):
    """A VAT number from another country than the billing address."""
    if not settings.FRAUD_VAT_COUNTRY_MISMATCH:
        return None
    customer = order.customer
    vat = normalise_vat(customer.vat_number)
    if not (customer.is_professional and vat and customer.country):
        return None
    vat_country = VAT_PREFIX_COUNTRY.get(vat[:2], vat[:2])
    if vat_country != customer.country.code:
        return _(
            "your account's VAT number belongs to another country (%(vat)s) than your billing address (%(country)s)"
        ) % {"vat": vat_country, "country": customer.country.code}
    return None


RULES = (rule_velocity, rule_vat_country)


def order_fraud_screen(*, order, now=None) -> str | None:
    """Run the rules on a new order; when one fires, stop the order and tell the customer. Returns the reason.

    Call it inside the transaction that creates the order: the order, its decision and the mail stand or fall
    together.
    """
    if not settings.FRAUD_SCREENING or order.automated_decision:
        return None
    customer = order.customer
    if customer.objections.filter(purpose=ObjectedPurpose.FRAUD).exists():
        return None
    now = now or timezone.now()
    language = customer.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        reason = next((found for rule in RULES if (found := rule(order, now))), None)
    if reason is None:
        return None
    with transaction.atomic():
        order.status = Order.Status.CANCELLED
        order.status_changed_at = now
        order.automated_decision = True
        order.automated_decision_reason = reason[: Order._meta.get_field("automated_decision_reason").max_length]
        order.save(update_fields=["status", "status_changed_at", "automated_decision", "automated_decision_reason"])
        mail_send(
            to=customer.email,
            template="automated_decision",
            context={
                "first_name": customer.first_name,
                "reference": order.reference,
                "reason": reason,
                "order_url": settings.EXPORT_SITE_URL + reverse("accounts:order_detail", args=[order.pk]),
                "dpo_email": settings.DPO_EMAIL,
            },
            language=language,
        )
    return reason
