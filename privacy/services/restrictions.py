"""Lifting a restriction of processing (Art. 18(3), R24): the person is told by mail before it ends."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.mail import mail_send
from privacy.models import RequestEvent


class RestrictionError(Exception):
    pass


@transaction.atomic
def restriction_lift(*, restriction, actor, on: datetime) -> int:
    """Schedule the end of a restriction and tell the person now, before it ends (Art. 18(3), R24).

    `on` must be in the future: the mail always leaves before the restriction stops applying.
    """
    now = timezone.now()
    if on <= now:
        raise RestrictionError("A restriction ends in the future, after the person has been told.")
    if restriction.lifted_at or (restriction.ends_at and restriction.ends_at <= now):
        raise RestrictionError("This restriction has already ended.")
    restriction.ends_at = on
    restriction.save(update_fields=["ends_at"])
    customer = restriction.customer
    RequestEvent.objects.create(
        request=restriction.request,
        actor=actor,
        actor_role=RequestEvent.Role.STAFF if actor and actor.is_staff else RequestEvent.Role.SYSTEM,
        note=f"Restriction ends on {on.isoformat()}; the person was told.",
    )
    mail_send(
        to=customer.email,
        template="restriction_lifted",
        context={"first_name": customer.first_name, "ends_at": on, "reference": restriction.request.reference},
        language=customer.preferred_language or settings.LANGUAGE_CODE,
    )
    return 1
