"""The status link of a request filed without an account (public form, mail, post...): a signed token that names
the request and binds it to the address it was sent to, with no readable personal data in the URL."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from config.links import LinkInvalid
from privacy.models import DataSubjectRequest

SALT = "privacy.request-status"


class LinkExpired(LinkInvalid):
    """A genuine status link older than DSR_STATUS_LINK_DAYS."""


def _digest(req):
    # The address the link was mailed to: once the request is anonymised (R: 5 years), the link stops working.
    return salted_hmac(SALT, f"{req.pk}:{req.requester_email.strip().lower()}", algorithm="sha256").hexdigest()[:20]


def request_status_token(req) -> str:
    return signing.dumps({"r": req.pk, "h": _digest(req)}, salt=SALT, compress=True)


def request_status_url(req) -> str:
    return settings.EXPORT_SITE_URL + reverse("privacy:request_status", args=[request_status_token(req)])


def request_for_status_token(token) -> DataSubjectRequest:
    """The request a status link names; LinkExpired when too old, LinkInvalid when forged or no longer valid."""
    max_age = settings.DSR_STATUS_LINK_DAYS * 86400
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as e:
        raise LinkExpired from e
    except signing.BadSignature as e:
        raise LinkInvalid from e
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        raise LinkInvalid
    req = DataSubjectRequest.objects.filter(pk=data["r"]).first()
    if req is None or not constant_time_compare(str(data.get("h", "")), _digest(req)):
        raise LinkInvalid
    return req
