"""The age of digital consent (R76): the per-country table of the settings, each value raised to the policy's floor.

It lives here because sign-up asks for it; the privacy app's minors services use the same function.
"""

from django.conf import settings

# Children's Online Privacy Protection Act: no account, and nothing kept, for a US child under this age (R77).
COPPA_COUNTRY = "US"


def consent_age(country_code: str) -> int:
    """The age of digital consent for a country, never below the policy's floor (R76)."""
    code = (country_code or "").upper()
    age = settings.DIGITAL_CONSENT_AGE.get(code, settings.DIGITAL_CONSENT_AGE_DEFAULT)
    floor = settings.DIGITAL_CONSENT_FLOOR_US if code == COPPA_COUNTRY else settings.DIGITAL_CONSENT_FLOOR
    return max(age, floor)


def consent_age_exceptions() -> dict[str, int]:
    """{country code: age} for the table's countries whose age differs from everyone else's, for the sign-up page."""
    default = consent_age("")
    return {code: age for code in sorted(settings.DIGITAL_CONSENT_AGE) if (age := consent_age(code)) != default}
