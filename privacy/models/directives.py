"""Post-mortem directives (LIL art. 85, R29): what a customer wants done with their data after their death."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import categories
from privacy.models.requests import DataSubjectRequest, Directive
from privacy.registry import Delete, registry

STAFF = settings.AUTH_USER_MODEL


class PostMortemDirective(models.Model):
    """What the customer wants done with their data after their death (LIL art. 85, R29)."""

    customer = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="directives", verbose_name=_("customer"))
    request = models.ForeignKey(
        DataSubjectRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("request"),
    )
    instruction = models.CharField(_("instruction"), max_length=10, choices=Directive.choices)
    trusted_person = models.CharField(_("trusted person"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Set with the record of the death, in its transaction; the directive is then carried out (R29) and retried
    # by beat until it is (an erasure the law blocks for now, an export still building).
    due_since = models.DateTimeField(_("to carry out since"), null=True, blank=True, db_index=True)
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    outcome = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("post-mortem directive")
        verbose_name_plural = _("post-mortem directives")
        ordering = ["-created_at"]

    def __str__(self):
        return self.get_instruction_display()


registry.register(
    PostMortemDirective,
    category=categories.POST_MORTEM,
    owner="customer",
    fields=("instruction", "trusted_person", "created_at", "revoked_at", "carried_out_at"),
    personal_fields=("outcome",),
    erasure=Delete(),
    retention="customer_lifetime",
)
