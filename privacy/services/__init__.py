"""Writes of the privacy app: consents, the suppression list, data-subject requests."""

from privacy.services.consents import consent_current, consent_record
from privacy.services.suppression import is_suppressed, suppression_add, suppression_digest

__all__ = [
    "consent_current",
    "consent_record",
    "is_suppressed",
    "suppression_add",
    "suppression_digest",
]
