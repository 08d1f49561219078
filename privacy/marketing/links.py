"""Links in marketing messages: a signed delivery id, never an address (R38); expiring after a year."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "privacy.marketing.delivery"


def delivery_token(delivery) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(delivery.pk))


def delivery_from_token(token):
    """The CampaignDelivery a link names, or None for a forged or expired one."""
    from privacy.models import CampaignDelivery

    try:
        pk = signing.TimestampSigner(salt=SALT).unsign(token, max_age=settings.UNSUBSCRIBE_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return CampaignDelivery.objects.select_related("campaign", "customer").filter(pk=pk).first()


def unsubscribe_url(delivery) -> str:
    return settings.EXPORT_SITE_URL + reverse("privacy:unsubscribe", args=[delivery_token(delivery)])


def open_pixel_url(delivery) -> str:
    return settings.EXPORT_SITE_URL + reverse("privacy:engagement_open", args=[delivery_token(delivery)])
