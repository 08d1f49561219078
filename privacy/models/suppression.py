"""The suppression list: keyed hashes of addresses and phones never to be contacted for marketing again."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.registry import registry


class SuppressionEntry(models.Model):
    """A keyed hash of an address or phone that must never be contacted for marketing again (R25, R39)."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email address")
        PHONE = "phone", _("Phone number")

    digest = models.CharField(_("keyed hash"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=40)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("suppression-list entry")
        verbose_name_plural = _("suppression list")

    def __str__(self):
        return f"{self.get_kind_display()} {self.digest[:12]}…"


registry.exempt(SuppressionEntry, "a keyed hash only, kept so the person is never contacted again (R39)")
