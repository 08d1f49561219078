"""The demo catalogue of the order form: a monthly and a yearly hosting plan and a one-off job, added once."""

from decimal import Decimal

from accounts.models import Offer

OFFERS = (
    ("hosting-starter", "Web hosting Starter", Decimal("4.90"), Offer.Period.MONTH, True),
    ("hosting-pro-yearly", "Web hosting Pro (yearly)", Decimal("119.00"), Offer.Period.YEAR, True),
    ("site-migration", "Website migration", Decimal("49.00"), Offer.Period.ONCE, False),
)


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
    return created
