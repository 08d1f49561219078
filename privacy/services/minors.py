"""Minors (R76-R78): the age of digital consent, the staff flag that stops consent-based processing at once, and the
parental consent that lifts it."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import ChangeLog
from accounts.services import customer_update
from privacy.models import ParentalConsent


def consent_age(country_code: str) -> int:
    """The age of digital consent for a country, never below the policy's floor (R76)."""
    code = (country_code or "").upper()
    age = settings.DIGITAL_CONSENT_AGE.get(code, settings.DIGITAL_CONSENT_AGE_DEFAULT)
    floor = settings.DIGITAL_CONSENT_FLOOR_US if code == "US" else settings.DIGITAL_CONSENT_FLOOR
    return max(age, floor)


def minor_flag(*, customer, actor) -> int:
    """Staff flag an account as a minor without parental consent: consent-based processing stops at once (the one
    gate reads the flag), and the `minor_erase` rule erases the account after its period unless parental consent
    arrives. Recorded in the change log; returns 1, or 0 when a valid parental consent is on file."""
    if ParentalConsent.objects.filter(customer=customer, withdrawn_at__isnull=True).exists():
        return 0
    return customer_update(
        customer=customer, changes={"flagged_minor_at": timezone.now()}, actor=actor, channel=ChangeLog.Channel.ADMIN
    )


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
