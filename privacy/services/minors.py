"""Minors (R76-R78): the age of digital consent, the staff flag that stops consent-based processing at once, and the
parental consent that lifts it."""

from django.db import transaction
from django.utils import timezone

from accounts.minors import consent_age
from accounts.models import ChangeLog
from accounts.services import customer_update
from privacy.models import ParentalConsent

__all__ = ["consent_age", "parental_consent_record"]


@transaction.atomic
def parental_consent_record(*, customer, guardian_name, method, actor, guardian_email="", given_at=None):
    """Who gave parental consent, how and when (R77); it clears the minor flag, so the erasure is called off."""
    consent = ParentalConsent.objects.create(
        customer=customer,
        guardian_name=guardian_name,
        guardian_email=guardian_email,
        method=method,
        given_at=given_at or timezone.now(),
        recorded_by=actor,
    )
    if customer.flagged_minor_at:
        customer_update(
            customer=customer, changes={"flagged_minor_at": None}, actor=actor, channel=ChangeLog.Channel.ADMIN
        )
    return consent
