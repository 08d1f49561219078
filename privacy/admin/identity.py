"""What the identity-check page shows: what the person was asked, next to what we hold to compare it with."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from privacy.models.requests import Status

ACCOUNT_FIELDS = ("first_name", "last_name", "email", "phone", "address", "postal_code", "city", "country", "company")


def _account(req):
    """The account the request is about: the linked one, else the customer account with the requester's address."""
    if req.customer_id:
        return req.customer
    return get_user_model().objects.filter(email__iexact=req.requester_email, is_staff=False).first()


def identity_comparison(req):
    asked = req.events.filter(to_status=Status.AWAITING_IDENTITY).order_by("-created_at", "-pk").first()
    account = _account(req)
    held = []
    if account is not None:
        opts = account._meta
        for name in ACCOUNT_FIELDS:
            value = getattr(account, name, "")
            held.append((opts.get_field(name).verbose_name.capitalize(), str(value) if value else "—"))
        held.append((_("Account created"), account.date_joined))
    return {
        "asked": asked,
        "request_rows": [
            (_("Requester's name"), req.requester_name),
            (_("Requester's email"), req.requester_email),
            (_("Filed by a parent or guardian"), _("Yes") if req.is_guardian else _("No")),
            (_("Details"), req.details or "—"),
        ],
        "account": account,
        "account_linked": bool(req.customer_id),
        "held": held,
    }
