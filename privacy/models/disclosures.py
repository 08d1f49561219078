"""Disclosures to courts and administrative authorities (R30), shown to the subject unless secrecy still applies."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import categories
from privacy.registry import Keep, registry


class VisibleDisclosures(models.Manager):
    """What the subject may be told: no secrecy, or a secrecy end date that has passed (Art. 23).

    The default manager, so the registry's owner lookup (page, data.json, PDF) reads through it; the admin and
    the erasure engine read every row (`all_objects`, `_base_manager`).
    """

    def get_queryset(self):
        now = timezone.now()
        return super().get_queryset().filter(Q(secret_until__isnull=True) | Q(secret_until__lte=now))


class AuthorityDisclosure(models.Model):
    disclosed_at = models.DateTimeField(_("disclosed on"))
    authority = models.CharField(_("authority"), max_length=200)
    legal_reference = models.CharField(_("legal reference"), max_length=300)
    data_categories = models.CharField(_("categories of data disclosed"), max_length=500)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="authority_disclosures",
        verbose_name=_("customer"),
    )
    email = models.EmailField(_("email of the person concerned"), blank=True)
    secret_until = models.DateTimeField(
        _("secret until"),
        null=True,
        blank=True,
        help_text=_("Leave empty unless the authority imposed secrecy; the subject is told once this date passes."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    objects = VisibleDisclosures()
    all_objects = models.Manager()

    class Meta:
        verbose_name = _("disclosure to an authority")
        verbose_name_plural = _("disclosures to authorities")
        ordering = ["-disclosed_at", "-pk"]
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(
                condition=~Q(customer__isnull=True, email=""), name="privacy_disclosure_names_a_subject"
            )
        ]

    def __str__(self):
        return f"{self.authority} ({self.disclosed_at:%Y-%m-%d})"

    def is_secret(self, now=None):
        return self.secret_until is not None and self.secret_until > (now or timezone.now())


registry.register(
    AuthorityDisclosure,
    category=categories.AUTHORITY_DISCLOSURES,
    owner="customer",
    email_field="email",
    fields=("disclosed_at", "authority", "legal_reference", "data_categories"),
    erasure=Keep(reason=_("Record of a disclosure made under a legal obligation (Art. 30(1)(d), Art. 5(2))")),
    retention="customer_lifetime",
)
