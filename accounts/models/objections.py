"""Objections to legitimate-interest processing that the DPO upheld (R26, Art. 21(1)): one row per purpose switched
off for a customer.

The privacy app writes the row when it completes the objection; the processing itself reads it here, so the fraud
rules (accounts.fraud) and the service-improvement results (accounts.services_surveys) skip that customer.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import categories
from privacy.registry import Delete, registry


class ObjectedPurpose(models.TextChoices):
    # The same values as the privacy app's objection scopes for legitimate interest.
    AUDIENCE = "audience_measurement", _("Audience measurement")
    FRAUD = "fraud_prevention", _("Fraud prevention")
    IMPROVEMENT = "service_improvement", _("Service improvement")


class ProcessingObjection(models.Model):
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="objections")
    purpose = models.CharField(_("purpose switched off"), max_length=24, choices=ObjectedPurpose.choices)
    upheld_at = models.DateTimeField(_("upheld at"), default=timezone.now)
    # The request that carried the objection (a reference, so this app knows nothing of the request model).
    request_reference = models.CharField(_("request"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("upheld objection")
        verbose_name_plural = _("upheld objections")
        ordering = ["upheld_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "purpose"], name="accounts_one_objection_per_purpose"),
        ]

    def __str__(self):
        return self.get_purpose_display()


def processing_objected(customer, purpose) -> bool:
    """Whether an upheld objection switched `purpose` off for this customer."""
    if customer is None or customer.pk is None:
        return False
    return ProcessingObjection.objects.filter(customer=customer, purpose=purpose).exists()


registry.register(
    ProcessingObjection,
    category=categories.CONSENTS,
    owner="customer",
    fields=("purpose", "upheld_at", "request_reference"),
    erasure=Delete(),
    retention="customer_lifetime",
)
