"""The one gate for consent-based processing: who a campaign on a channel may reach, and why the others are left out.

Every send asks it, for a batch of customers at once (a handful of queries whatever the batch size), and
`marketing_allowed` asks it for one customer. A person is reached only with a current grant for the channel's
purpose, not archived or erased, not restricted (R24), not a minor without parental consent (R77, R78), with no
marketing objection on file (R25), and not on the suppression list since their last opt-in (R39).
"""

import contextlib

import phonenumbers
from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.models import ConsentRecord, DataSubjectRequest, ParentalConsent, Purpose, Restriction, SuppressionEntry
from privacy.models.requests import Kind, ObjectionScope, Status
from privacy.services.suppression import suppression_digest

# In the order they are checked; a person left out is counted under the first reason that applies.
REASONS = {
    "no_consent": _("no current consent for this channel"),
    "archived": _("account archived, closed or erased"),
    "restricted": _("processing restricted (Art. 18)"),
    "minor": _("minor without parental consent"),
    "objected": _("objected to marketing"),
    "suppressed": _("on the suppression list"),
}
# Which identifier the suppression list is checked on, per purpose.
SUPPRESSION_KIND = {
    Purpose.MARKETING_EMAIL: SuppressionEntry.Kind.EMAIL,
    Purpose.MARKETING_SMS: SuppressionEntry.Kind.PHONE,
    Purpose.MARKETING_SOCIAL: SuppressionEntry.Kind.EMAIL,
}
UNSTOPPABLE_REQUEST = (Status.REJECTED, Status.WITHDRAWN)


def classify(customers, purpose, *, now=None) -> dict[int, str | None]:
    """Customer pk -> the reason they are left out, or None when `purpose` may reach them."""
    now = now or timezone.now()
    people = {c.pk: c for c in customers}
    pks = list(people)
    if not pks:
        return {}
    latest = (
        ConsentRecord.objects.filter(customer__in=pks, purpose=purpose)
        .values("customer")
        .annotate(newest=Max("pk"))
        .values("newest")
    )
    grants = dict(ConsentRecord.objects.filter(pk__in=latest, granted=True).values_list("customer_id", "created_at"))
    restricted = set(Restriction.objects.active(now).filter(customer__in=pks).values_list("customer_id", flat=True))
    given = ParentalConsent.objects.filter(customer__in=pks, withdrawn_at__isnull=True)
    parental = {pk for pk, at in given.values_list("customer_id", "given_at") if _after_flag(people[pk], at)}
    objected = set(
        DataSubjectRequest.objects.filter(
            customer__in=pks, kind=Kind.OBJECTION, objection_scope=ObjectionScope.MARKETING
        )
        .exclude(status__in=UNSTOPPABLE_REQUEST)
        .values_list("customer_id", flat=True)
    )
    kind = SUPPRESSION_KIND.get(purpose, SuppressionEntry.Kind.EMAIL)
    digests = {}
    for pk, customer in people.items():
        value = customer.phone if kind == SuppressionEntry.Kind.PHONE else customer.email
        if value:
            with contextlib.suppress(phonenumbers.NumberParseException):  # an unparsable phone cannot be listed
                digests[pk] = suppression_digest(value, kind)
    suppressed_at = dict(
        SuppressionEntry.objects.filter(digest__in=set(digests.values())).values_list("digest", "created_at")
    )
    found = {}
    for pk, customer in people.items():
        if pk not in grants:
            found[pk] = "no_consent"
        elif not customer.is_active or customer.state != customer.State.ACTIVE:
            found[pk] = "archived"
        elif pk in restricted:
            found[pk] = "restricted"
        elif customer.flagged_minor_at and pk not in parental:
            found[pk] = "minor"
        elif pk in objected:
            found[pk] = "objected"
        elif digests.get(pk) in suppressed_at and suppressed_at[digests[pk]] >= grants[pk]:
            # A new opt-in after the entry was added lifts it; nothing else does (R39).
            found[pk] = "suppressed"
        else:
            found[pk] = None
    return found


def _after_flag(customer, given_at) -> bool:
    # A flag says staff found no valid parental consent: only one given after it counts.
    return customer.flagged_minor_at is None or given_at >= customer.flagged_minor_at


def marketing_allowed(*, customer, purpose, now=None) -> bool:
    """The one check for one person; campaigns use `classify` for a batch, which is the same rule."""
    return classify([customer], purpose, now=now).get(customer.pk) is None


def consent_processing_blocked(customer, now=None) -> str | None:
    """Why consent-based processing (analytics, marketing) must stop for this customer whatever they agreed to."""
    if Restriction.objects.active(now).filter(customer=customer).exists():
        return "restricted"
    if (
        customer.flagged_minor_at
        and not ParentalConsent.objects.filter(
            customer=customer, withdrawn_at__isnull=True, given_at__gte=customer.flagged_minor_at
        ).exists()
    ):
        return "minor"
    return None


def customers():
    return get_user_model().objects.filter(is_staff=False).filter(~Q(email=""))
