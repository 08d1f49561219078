"""Demo data of the retention app: the demo's erased customer, erased through the real erasure service.

Run by `manage.py seed_demo` once the named people exist and their invoices are issued.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model

from accounts.demo.catalogue import ERASED_CUSTOMER_ORDER, ERASED_DAYS_AGO
from retention.services import customer_erase

REFERENCE = "DEMO-ERASURE"


def seed(*, now):
    """Erase the demo customer who left a year ago, unless done already; returns how many were erased."""
    user = get_user_model()
    customer = (
        user._base_manager.filter(orders__reference=ERASED_CUSTOMER_ORDER).exclude(state=user.State.ERASED).first()
    )
    if customer is None:
        return 0
    customer_erase(customer=customer, reference=REFERENCE, at=now - timedelta(days=ERASED_DAYS_AGO))
    return 1
