"""The demo catalogue of the order form, and one renewing hosting plan of the demo customer bought through it and
paid by bank transfer, so that the profile shows the renewal buttons. Added once."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone, translation

from accounts.demo.catalogue import CUSTOMER_EMAIL
from accounts.models import Offer, Order, RecurringPaymentEvent, Service, User
from accounts.ordering.forms import recurring_wording
from accounts.ordering.services import order_payment_received

OFFERS = (
    ("hosting-starter", "Web hosting Starter", Decimal("4.90"), Offer.Period.MONTH, True),
    ("hosting-pro-yearly", "Web hosting Pro (yearly)", Decimal("119.00"), Offer.Period.YEAR, True),
    ("site-migration", "Website migration", Decimal("49.00"), Offer.Period.ONCE, False),
)
# Under the demo customer's own prefix (DEMO-10): accounts.demo.people finds her by it.
DEMO_ORDER = "DEMO-1090"


def seed_offers(*, now):
    created = 0
    for position, (code, name, price, period, creates_service) in enumerate(OFFERS):
        _, new = Offer.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "price": price,
                "period": period,
                "creates_service": creates_service,
                "position": position,
            },
        )
        created += new
    customer = User.objects.filter(email=CUSTOMER_EMAIL).first()
    if customer is not None and not Order.objects.filter(reference=DEMO_ORDER).exists():
        created += _renewing_plan(customer, Offer.objects.get(code="hosting-starter"), now - timedelta(days=20))
    return created


def _renewing_plan(customer, offer, when):
    order = Order.objects.create(
        customer=customer,
        offer=offer,
        reference=DEMO_ORDER,
        product=offer.name,
        amount=offer.price,
        currency=offer.currency,
        buyer_ip="203.0.113.10",
        created_at=when,
        status_changed_at=when,
    )
    local = timezone.localtime(when)
    service = Service.objects.create(
        customer=customer,
        order=order,
        name=offer.name,
        status=Service.Status.SUSPENDED,
        started_at=when,
        renews_at=offer.next_renewal(local),
        auto_renew=True,
    )
    with translation.override(customer.preferred_language):
        wording = recurring_wording(offer)
    RecurringPaymentEvent.objects.create(
        customer=customer,
        service=service,
        order=order,
        action=RecurringPaymentEvent.Action.AUTHORISED,
        wording=wording,
        language=customer.preferred_language,
        service_name=offer.name,
        created_at=when,
        ip="203.0.113.10",
        user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
    )
    order_payment_received(order=order, when=when + timedelta(days=2))
    return 1
