"""The R24 warning, written once: a banner on every admin page about a customer whose processing is restricted.

Shown on the request queue's pages, and added by this app to the customer's page in accounts' admin, which
knows nothing of requests: `CustomerAdmin.notices` is the list other apps put such notices in.
"""

from django.template.loader import render_to_string

from accounts.admin import CustomerAdmin
from privacy.models import Restriction


def active_restrictions(customer, now=None):
    return list(Restriction.objects.active(now).filter(customer=customer).order_by("starts_at"))


def restriction_banner(customer, now=None):
    """The R24 banner for a customer's pages in the admin; empty when nothing restricts their processing."""
    if customer is None:
        return ""
    restrictions = active_restrictions(customer, now)
    if not restrictions:
        return ""
    return render_to_string("admin/privacy/restriction_banner.html", {"restrictions": restrictions})


CustomerAdmin.notices.append(restriction_banner)
