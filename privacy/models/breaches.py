"""The breach register (R73-R75): every breach with its 72-hour authority clock, follow-ups and notices to people."""

import math
from datetime import UTC, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import categories
from privacy.models.base import AppendOnlyModel
from privacy.registry import Delete, Keep, registry

STAFF = settings.AUTH_USER_MODEL
# Art. 33(1): counted in hours from awareness, with no working-day or holiday adjustment.
AUTHORITY_DEADLINE = timedelta(hours=72)


def default_dpo_contact():
    return settings.DPO_EMAIL


class Breach(models.Model):
    class Risk(models.TextChoices):
        NONE = "none", _("No risk to people")
        RISK = "risk", _("Risk")
        HIGH = "high", _("High risk")

    class Exemption(models.TextChoices):
        # Art. 34(3)(a), (b) and (c): the only reasons to skip telling the people concerned.
        ENCRYPTED = "encrypted", _("The data were unintelligible to others (e.g. encrypted)")
        RISK_REMOVED = "risk_removed", _("Measures taken since ensure the high risk no longer materialises")
        DISPROPORTIONATE = "disproportionate", _("Disproportionate effort: a public notice was published instead")

    became_aware_at = models.DateTimeField(_("became aware at"))
    nature = models.TextField(_("nature of the breach"))
    data_categories = models.TextField(_("categories of personal data"))
    people_categories = models.TextField(_("categories of people"))
    people_count = models.PositiveIntegerField(_("approximate number of people"))
    records_count = models.PositiveIntegerField(_("approximate number of records"))
    consequences = models.TextField(_("likely consequences"))
    measures = models.TextField(_("measures taken or proposed"))
    dpo_contact = models.TextField(_("DPO contact"), default=default_dpo_contact)
    risk = models.CharField(_("risk level"), max_length=5, choices=Risk.choices)
    authority_notified_at = models.DateTimeField(_("authority notified at"), null=True, blank=True)
    authority_reference = models.CharField(_("authority's reference"), max_length=100, blank=True)
    late_reason = models.TextField(_("reason for the delay"), blank=True)
    notice_exemption = models.CharField(
        _("exemption from telling the people"), max_length=20, choices=Exemption.choices, blank=True
    )
    exemption_justification = models.TextField(_("justification of the exemption"), blank=True)
    subjects_notified_at = models.DateTimeField(_("people notified at"), null=True, blank=True)
    subjects_notified_count = models.PositiveIntegerField(_("people notified"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    dpo_alerted_at = models.DateTimeField(_("DPO alerted at"), null=True, blank=True, editable=False)
    dpo_reminded_at = models.DateTimeField(_("DPO reminded at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breach register")
        ordering = ["-became_aware_at", "-pk"]
        indexes = [models.Index(fields=["closed_at", "authority_notified_at"])]

    def __str__(self):
        return f"B-{self.pk or 0:04d}"

    @property
    def authority_deadline(self):
        # In UTC: adding hours to a Paris wall time would skip or repeat the summer-time hour.
        return self.became_aware_at.astimezone(UTC) + AUTHORITY_DEADLINE

    def hours_left(self, now=None) -> int:
        """Whole hours until the deadline, rounded up (72 at the moment of awareness); negative once passed."""
        seconds = (self.authority_deadline - (now or timezone.now())).total_seconds()
        return math.ceil(seconds / 3600) if seconds > 0 else -math.floor(-seconds / 3600)

    def is_open(self):
        return self.closed_at is None

    def notified_late(self):
        return self.authority_notified_at is not None and self.authority_notified_at > self.authority_deadline

    def clean(self):
        errors = {}
        now = timezone.now()
        if self.became_aware_at and self.became_aware_at > now:
            errors["became_aware_at"] = _("The moment of awareness cannot be in the future.")
        if self.authority_notified_at:
            if self.authority_notified_at > now:
                errors["authority_notified_at"] = _("The notification time cannot be in the future.")
            elif self.became_aware_at and self.notified_late() and not self.late_reason.strip():
                errors["late_reason"] = _(
                    "The authority was notified after the 72-hour deadline: give the reason for the delay (Art. 33(1))."
                )
        if self.notice_exemption and not self.exemption_justification.strip():
            errors["exemption_justification"] = _("Justify the exemption from telling the people concerned.")
        if self.exemption_justification.strip() and not self.notice_exemption:
            errors["notice_exemption"] = _("Choose which of the three exemptions of Art. 34(3) applies.")
        if errors:
            raise ValidationError(errors)


class BreachFollowUp(AppendOnlyModel):
    """What happened next: an investigation step, a message from the authority, a measure taken."""

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("breach"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    author = models.ForeignKey(STAFF, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("author"))
    note = models.TextField(_("note"))

    class Meta:
        verbose_name = _("follow-up entry")
        verbose_name_plural = _("follow-up entries")
        ordering = ["at", "pk"]


class BreachSubject(models.Model):
    """A customer the breach touches; `notified_at` says when their Art. 34 notice was sent."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="subjects", verbose_name=_("breach"))
    customer = models.ForeignKey(
        STAFF, on_delete=models.CASCADE, related_name="breach_notices", verbose_name=_("customer")
    )
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("person affected by a breach")
        verbose_name_plural = _("people affected by a breach")
        constraints = [models.UniqueConstraint(fields=["breach", "customer"], name="privacy_breachsubject_once")]

    def __str__(self):
        return f"{self.breach} {self.customer_id}"


# The register names customers only through BreachSubject; these entries cover the staff who wrote it.
registry.register(
    Breach,
    category=categories.STAFF_ACTIONS,
    owner="recorded_by",
    fields=("recorded_at", "became_aware_at", "risk"),
    erasure=Keep(reason=_("Breach register kept for the supervisory authority (Art. 33(5))")),
    retention="accountability_keep",
)
registry.register(
    BreachFollowUp,
    category=categories.STAFF_ACTIONS,
    owner="author",
    fields=("at", "note"),
    erasure=Keep(reason=_("Breach register kept for the supervisory authority (Art. 33(5))")),
    retention="accountability_keep",
)
registry.register(
    BreachSubject,
    category=categories.BREACH_NOTICES,
    owner="customer",
    fields=("breach__became_aware_at", "breach__nature", "notified_at"),
    erasure=Delete(),
    retention="customer_lifetime",
)
