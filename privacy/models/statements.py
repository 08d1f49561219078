"""Supplementary statements (Art. 16, R21): what the customer adds to data they cannot correct themselves."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_no_card_number
from privacy import categories
from privacy.models.requests import DataSubjectRequest
from privacy.registry import Delete, registry


class SupplementaryStatement(models.Model):
    """The customer's own words next to a detail they cannot edit (an invoice's billing name, an order, a log).

    The detail itself is left as it is: an accounting record is never edited, and staff decide whether a
    correction is due. The statement is shown with the data, and leaves with it in every copy (R21)."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="statements", verbose_name=_("customer")
    )
    # "app_label.model.field" of the registry entry it completes, and the label it had when written.
    about = models.CharField(_("detail concerned"), max_length=120)
    about_label = models.CharField(_("about"), max_length=300)
    statement = models.TextField(_("your statement"), max_length=2000, validators=[validate_no_card_number])
    request = models.ForeignKey(
        DataSubjectRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("request"),
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("supplementary statement")
        verbose_name_plural = _("supplementary statements")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.about_label


registry.register(
    SupplementaryStatement,
    category=categories.REQUESTS,
    owner="customer",
    fields=("about_label", "statement", "created_at", "request__reference"),
    erasure=Delete(),
    retention="customer_lifetime",
)
