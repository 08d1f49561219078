"""The suppression list: keyed hashes of addresses and phones that marketing must never reach (R25, R39)."""

import hashlib
import hmac

import phonenumbers
from django.conf import settings
from django.utils import timezone

from privacy.models import SuppressionEntry


def suppression_digest(value: str, kind: str) -> str:
    if kind == SuppressionEntry.Kind.PHONE:
        normalised = phonenumbers.format_number(phonenumbers.parse(value, "FR"), phonenumbers.PhoneNumberFormat.E164)
    else:
        normalised = value.strip().lower()
    return hmac.new(settings.SUPPRESSION_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def suppression_add(*, email="", phone="", source) -> int:
    """Add the address and/or phone; returns how many were new."""
    added = 0
    for value, kind in ((email, SuppressionEntry.Kind.EMAIL), (phone, SuppressionEntry.Kind.PHONE)):
        if value:
            entry, created = SuppressionEntry.objects.get_or_create(
                digest=suppression_digest(value, kind), defaults={"kind": kind, "source": source}
            )
            if not created:
                # Added again (e.g. after a new opt-in): the entry counts from now, against that opt-in.
                SuppressionEntry.objects.filter(pk=entry.pk).update(created_at=timezone.now(), source=source)
            added += created
    return added


def is_suppressed(*, email="", phone="") -> bool:
    digests = [suppression_digest(email, "email")] if email else []
    if phone:
        digests.append(suppression_digest(phone, "phone"))
    return bool(digests) and SuppressionEntry.objects.filter(digest__in=digests).exists()
