"""Writing to the consent ledger; every consent change in the product goes through here."""

from django.conf import settings
from django.db import transaction
from django.utils import translation

from privacy.models import ConsentRecord, Purpose
from privacy.services.policy import policy_version_number


def consent_current(*, customer=None, visitor_id="") -> dict[str, bool]:
    """Purpose -> granted, for every purpose; a purpose never asked counts as refused."""
    state = {p.value: False for p in Purpose}
    rows = (
        ConsentRecord.objects.filter(customer=customer)
        if customer
        else ConsentRecord.objects.filter(customer__isnull=True, visitor_id=visitor_id)
    )
    for row in rows.latest_per_purpose():
        state[row.purpose] = row.granted
    return state


@transaction.atomic
def consent_record(
    *, customer=None, visitor_id="", choices: dict, source, ip=None, user_agent="", only_changes=True
) -> int:
    """Append one ledger row per purpose whose choice differs from the current state; return the count.

    The subject is a customer, or an anonymous visitor known by the id in their cookie-choice cookie.
    """
    current = consent_current(customer=customer, visitor_id=visitor_id) if only_changes else {}
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    rows = [
        ConsentRecord(
            customer=customer,
            visitor_id=visitor_id,
            purpose=purpose,
            granted=bool(granted),
            policy_version=policy_version_number(),
            language=language,
            source=source,
            ip=ip,
            user_agent=(user_agent or "")[:300],
        )
        for purpose, granted in choices.items()
        if not only_changes or current.get(purpose) != bool(granted)
    ]
    ConsentRecord.objects.bulk_create(rows)
    return len(rows)
